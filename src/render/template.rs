//! Derivations through minijinja templates (`templates/`), with delimiters
//! that LaTeX never uses: `<% %>` blocks, `<< >>` values, `<# #>` comments.
//! The shipped templates are compiled in; `--template FILE` replaces them.

use super::derivation::View;
use crate::query::RandomFill;
use minijinja::syntax::SyntaxConfig;
use minijinja::Environment;

/// The shipped templates, by name.
pub const TEMPLATES: [(&str, &str); 3] = [
    (
        "derivation.md.jinja",
        include_str!("../../templates/derivation.md.jinja"),
    ),
    (
        "derivation.tex.jinja",
        include_str!("../../templates/derivation.tex.jinja"),
    ),
    ("document.tex.jinja", include_str!("../../templates/document.tex.jinja")),
];

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .block_delimiters("<%", "%>")
            .variable_delimiters("<<", ">>")
            .comment_delimiters("<#", "#>")
            .build()?,
    );
    // Values are LaTeX already: nothing may be escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(false);
    for (name, src) in TEMPLATES {
        env.add_template(name, src)?;
    }
    Ok(env)
}

/// Renders a view with a shipped template (`name`) or a user's template text.
pub fn render(view: &View, name: &str, custom: Option<&str>) -> Result<String, minijinja::Error> {
    let mut env = environment()?;
    let tmpl = match custom {
        Some(src) => {
            env.add_template_owned("custom", src.to_string())?;
            env.get_template("custom")?
        }
        None => env.get_template(name)?,
    };
    tmpl.render(view)
}

/// The text layouts of `derive`, each with its shipped template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Markdown with `$$` math (`derivation.md.jinja`).
    Markdown,
    /// An amsmath fragment (`derivation.tex.jinja`).
    Latex,
    /// A standalone .tex document (`document.tex.jinja`).
    Document,
}

/// Exactly what `derive` prints in a text layout: the view through the
/// shipped template (or the user's `custom` one), then the seed and values
/// of any random leaves, as an italic line (Markdown) or a `%` comment.
pub fn derivation(
    view: &View,
    layout: Layout,
    custom: Option<&str>,
    random: Option<&RandomFill>,
) -> Result<String, minijinja::Error> {
    let name = match layout {
        Layout::Markdown => "derivation.md.jinja",
        Layout::Latex => "derivation.tex.jinja",
        Layout::Document => "document.tex.jinja",
    };
    let mut out = render(view, name, custom)?;
    if let Some(r) = random {
        let list: Vec<String> = r.values.iter().map(|(_, l, q)| format!("{l} = {q}")).collect();
        let note = format!("random values (seed {}): {}", r.seed, list.join(", "));
        match layout {
            Layout::Markdown => out = format!("{out}\n_{note}_\n"),
            Layout::Latex | Layout::Document => out = format!("{out}% {note}\n"),
        }
    }
    Ok(out)
}
