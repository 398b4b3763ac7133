//! Derivations through minijinja templates (`templates/`), with delimiters
//! that LaTeX never uses: `<% %>` blocks, `<< >>` values, `<# #>` comments.
//! The shipped templates are compiled in; `--template FILE` replaces them.

use super::derivation::View;
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
