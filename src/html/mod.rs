//! `--format html`: one self-contained page per answer (inline CSS, math as
//! MathML, the graph as inline SVG; no script and nothing fetched), through
//! the shipped templates `*.html.jinja` (or the user's).
//!
//! - `derivation`: `derive`'s view with the graph drawn above it.
//! - `eval`: the values (or closed forms) as a table.
//! - `check`: each claim beside the author's own line, with its verdict
//!   and note.
//!
//! The strings come from `render` (LaTeX) and `check` (a [`Report`]); the
//! templates turn LaTeX into MathML with `mathml`'s filters.

use crate::check::{Report, Verdict};
use crate::model::Model;
use crate::query::{EvalReport, SymbolicReport};
use crate::render::derivation::View;
use crate::render::template::render;
use serde::Serialize;

#[derive(Serialize)]
struct DerivationPage<'a> {
    #[serde(flatten)]
    view: &'a View,
    /// The computation graph as SVG, or empty.
    graph_svg: &'a str,
    /// What the colours mean, a line each (the first has no colour).
    graph_legend: Vec<LegendLine>,
    /// Why there is no graph, or what the drawing leaves out; may be empty.
    graph_note: &'a str,
}

#[derive(Serialize)]
struct LegendLine {
    colour: &'static str,
    text: String,
}

/// A derivation as a page: the graph (`graph_svg`, an `<svg>` element, when
/// given; else `graph_note` says why not), then the derivation as
/// `derivation.md.jinja` writes it, in MathML.
pub fn derivation(
    view: &View,
    graph_svg: &str,
    legend: &[(Option<&'static str>, String)],
    graph_note: &str,
    custom: Option<&str>,
) -> Result<String, minijinja::Error> {
    let page = DerivationPage {
        view,
        graph_svg,
        graph_legend: legend
            .iter()
            .map(|(c, t)| LegendLine {
                colour: c.unwrap_or(""),
                text: t.clone(),
            })
            .collect(),
        graph_note,
    };
    render(&page, "derivation.html.jinja", custom)
}

#[derive(Serialize)]
struct EvalRowView {
    name: String,
    exact: String,
    value: String,
}

#[derive(Serialize)]
struct FormView {
    name: String,
    form: String,
}

#[derive(Serialize)]
struct EvalPage {
    title: String,
    rows: Vec<EvalRowView>,
    forms: Vec<FormView>,
    random_values: Vec<String>,
    seed: Option<u64>,
}

/// `eval`'s table as a page.
pub fn eval(report: &EvalReport, model: &Model, title: &str) -> Result<String, minijinja::Error> {
    let rows = crate::render::table::latex_rows(report, model)
        .into_iter()
        .map(|(name, exact, value)| EvalRowView { name, exact, value })
        .collect();
    let page = EvalPage {
        title: title.to_string(),
        rows,
        forms: Vec::new(),
        random_values: crate::render::table::random_latex(report, model),
        seed: report.random.as_ref().map(|r| r.seed),
    };
    render(&page, "eval.html.jinja", None)
}

/// `eval --symbolic`'s closed forms as a page.
pub fn symbolic(report: &SymbolicReport, model: &Model, title: &str) -> Result<String, minijinja::Error> {
    let forms = crate::render::table::symbolic_latex_rows(report, model)
        .into_iter()
        .map(|(name, form)| FormView { name, form })
        .collect();
    let page = EvalPage {
        title: title.to_string(),
        rows: Vec::new(),
        forms,
        random_values: Vec::new(),
        seed: None,
    };
    render(&page, "eval.html.jinja", None)
}

#[derive(Serialize)]
struct ClaimView {
    line: usize,
    column: usize,
    verdict: &'static str,
    /// `ok`, `bad`, `warn` or `muted`: the colour of the verdict.
    class: &'static str,
    /// The document's line the claim is on, as the author typed it.
    author_line: String,
    /// The claim's LaTeX, alignment marks taken out, for MathML.
    source: String,
    expected: String,
    got: String,
    show_values: bool,
    note: String,
    note_label: &'static str,
}

#[derive(Serialize)]
struct CountView {
    verdict: &'static str,
    count: usize,
    class: &'static str,
}

#[derive(Serialize)]
struct CheckPage<'a> {
    doc_name: &'a str,
    passed: bool,
    summary: String,
    counts: Vec<CountView>,
    warnings: &'a [String],
    claims: Vec<ClaimView>,
}

/// The colour class of a verdict on the page.
pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Correct | Verdict::Approximate => "ok",
        Verdict::Wrong | Verdict::Arithmetic => "bad",
        Verdict::Unparsed | Verdict::UnknownSymbol => "muted",
    }
}

/// A check report as a page: every claim beside the line of `doc` (named
/// `doc_name`) it was read from.
pub fn check(report: &Report, doc_name: &str, doc: &str) -> Result<String, minijinja::Error> {
    let lines: Vec<&str> = doc.lines().collect();
    let claims = report
        .claims
        .iter()
        .map(|c| ClaimView {
            line: c.line,
            column: c.column,
            verdict: c.verdict.name(),
            class: verdict_class(c.verdict),
            author_line: lines
                .get(c.line.saturating_sub(1))
                .map(|l| l.trim_end().to_string())
                .unwrap_or_default(),
            source: for_display(&c.source),
            expected: c.expected.clone(),
            got: c.got.clone(),
            show_values: c.verdict != Verdict::Correct,
            note: c.note.clone(),
            note_label: if c.verdict.is_error() { "hint" } else { "note" },
        })
        .collect();
    let counts = report
        .summary()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| CountView {
            verdict: v.name(),
            count: n,
            class: verdict_class(v),
        })
        .collect();
    let page = CheckPage {
        doc_name,
        passed: !report.has_errors(),
        summary: crate::check::report::summary_line(report),
        counts,
        warnings: &report.warnings,
        claims,
    };
    render(&page, "check.html.jinja", None)
}

/// A claim as written, made one formula: alignment marks (`&`) and line
/// breaks (`\\`) of an `align` environment are layout, not math.
fn for_display(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'\\') => {
                chars.next();
                out.push(' ');
            }
            '\\' => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '&' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::for_display;

    #[test]
    fn alignment_is_taken_out_of_a_claim() {
        assert_eq!(for_display("a &= b \\\\\n &= \\& c"), "a = b = \\& c");
    }
}
