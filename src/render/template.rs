//! Derivations through minijinja templates (`templates/`), with delimiters
//! that LaTeX never uses: `<% %>` blocks, `<< >>` values, `<# #>` comments.
//! The shipped templates are compiled in; `--template FILE` replaces them.

use super::derivation::View;
use minijinja::syntax::SyntaxConfig;
use minijinja::Environment;
use std::sync::OnceLock;

/// The shipped templates, by name.
pub const TEMPLATES: [(&str, &str); 16] = [
    (
        "derivation.md.jinja",
        include_str!("../../templates/derivation.md.jinja"),
    ),
    (
        "derivation.tex.jinja",
        include_str!("../../templates/derivation.tex.jinja"),
    ),
    ("document.tex.jinja", include_str!("../../templates/document.tex.jinja")),
    ("general.md.jinja", include_str!("../../templates/general.md.jinja")),
    ("general.tex.jinja", include_str!("../../templates/general.tex.jinja")),
    (
        "general_document.tex.jinja",
        include_str!("../../templates/general_document.tex.jinja"),
    ),
    ("page.html.jinja", include_str!("../../templates/page.html.jinja")),
    (
        "derivation.html.jinja",
        include_str!("../../templates/derivation.html.jinja"),
    ),
    ("eval.html.jinja", include_str!("../../templates/eval.html.jinja")),
    ("check.html.jinja", include_str!("../../templates/check.html.jinja")),
    ("matrix.md.jinja", include_str!("../../templates/matrix.md.jinja")),
    ("matrix.tex.jinja", include_str!("../../templates/matrix.tex.jinja")),
    (
        "matrix_document.tex.jinja",
        include_str!("../../templates/matrix_document.tex.jinja"),
    ),
    (
        "matrix_general.md.jinja",
        include_str!("../../templates/matrix_general.md.jinja"),
    ),
    (
        "matrix_general.tex.jinja",
        include_str!("../../templates/matrix_general.tex.jinja"),
    ),
    (
        "matrix_general_document.tex.jinja",
        include_str!("../../templates/matrix_general_document.tex.jinja"),
    ),
];

/// Whether a template writes HTML: its values are escaped unless marked
/// safe, and its math goes through the `math` (inline) and `display`
/// filters, which write MathML.
fn is_html(name: &str) -> bool {
    name.ends_with(".html.jinja")
}

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .block_delimiters("<%", "%>")
            .variable_delimiters("<<", ">>")
            .comment_delimiters("<#", "#>")
            .build()?,
    );
    // Values are LaTeX already: nothing may be escaped, except in HTML,
    // where text is escaped and math becomes MathML through the filters.
    env.set_auto_escape_callback(|name| {
        if is_html(name) {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.add_filter("math", |latex: String| {
        minijinja::Value::from_safe_string(crate::mathml::inline(&latex))
    });
    env.add_filter("prose", |text: String| {
        minijinja::Value::from_safe_string(crate::mathml::prose(&text))
    });
    env.add_filter("display", |latex: String| {
        minijinja::Value::from_safe_string(crate::mathml::display(&latex))
    });
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(false);
    for (name, src) in TEMPLATES {
        env.add_template(name, src)?;
    }
    Ok(env)
}

/// The environment with the shipped templates, compiled once per process:
/// compiling them cost more than rendering a small derivation.
fn shipped() -> Result<&'static Environment<'static>, minijinja::Error> {
    static ENV: OnceLock<Option<Environment<'static>>> = OnceLock::new();
    match ENV.get_or_init(|| environment().ok()) {
        Some(env) => Ok(env),
        // Not cached: build it again to hand back its error.
        None => Err(environment().err().unwrap_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                "the shipped templates did not compile",
            )
        })),
    }
}

/// Renders a view with a shipped template (`name`) or a user's template text.
pub fn render(view: &impl serde::Serialize, name: &str, custom: Option<&str>) -> Result<String, minijinja::Error> {
    match custom {
        Some(src) => {
            // A user's template may include or extend the shipped ones.
            let mut env = environment()?;
            let custom = if is_html(name) { "custom.html.jinja" } else { "custom" };
            env.add_template_owned(custom, src.to_string())?;
            env.get_template(custom)?.render(view)
        }
        None => shipped()?.get_template(name)?.render(view),
    }
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
/// shipped template, or the user's `custom` one.
pub fn derivation(view: &View, layout: Layout, custom: Option<&str>) -> Result<String, minijinja::Error> {
    let name = match layout {
        Layout::Markdown => "derivation.md.jinja",
        Layout::Latex => "derivation.tex.jinja",
        Layout::Document => "document.tex.jinja",
    };
    render(view, name, custom)
}

/// A general derivation through its shipped template (or the user's).
pub fn general(
    view: &super::general::GeneralView,
    layout: Layout,
    custom: Option<&str>,
) -> Result<String, minijinja::Error> {
    let name = match layout {
        Layout::Markdown => "general.md.jinja",
        Layout::Latex => "general.tex.jinja",
        Layout::Document => "general_document.tex.jinja",
    };
    render(view, name, custom)
}

/// A matrix-form derivation through its shipped template (or the user's).
pub fn matrix(
    view: &super::matrix::MatrixView,
    layout: Layout,
    custom: Option<&str>,
) -> Result<String, minijinja::Error> {
    let name = match layout {
        Layout::Markdown => "matrix.md.jinja",
        Layout::Latex => "matrix.tex.jinja",
        Layout::Document => "matrix_document.tex.jinja",
    };
    render(view, name, custom)
}

/// A general matrix-form derivation through its shipped template (or the user's).
pub fn matrix_general(
    view: &super::matrix_general::MatrixGeneralView,
    layout: Layout,
    custom: Option<&str>,
) -> Result<String, minijinja::Error> {
    let name = match layout {
        Layout::Markdown => "matrix_general.md.jinja",
        Layout::Latex => "matrix_general.tex.jinja",
        Layout::Document => "matrix_general_document.tex.jinja",
    };
    render(view, name, custom)
}
