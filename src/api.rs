//! The library's supported surface: load a model, ask it questions
//! (`eval`, `derive`, `paths`), check a hand derivation, expand a document,
//! and write any of the answers in a format. The command-line shell uses
//! nothing else. The stage modules behind it are reachable for tests,
//! benches and fuzz targets, but hidden from the documentation and not a
//! stable interface.

pub use crate::calculus::derive::{Derivation, PathDerivation, Proof};
pub use crate::calculus::steps::Granularity;
pub use crate::check::{CheckOptions, Claim, DocKind, NothingToCheck, Report, Verdict};
pub use crate::diagnostics::Sources;
pub use crate::doc::{DocError, Expanded, ModelFile};
pub use crate::error::Error;
/// Stretches of at least this many repeated steps are written once (the default of `derive`).
pub use crate::fold::MIN_RUN as FOLD_AT;
pub use crate::model::{Model, Setting};
pub use crate::progress::Progress;
pub use crate::query::{
    DeriveRequest, Derived, EvalReport, EvalRequest, GeneralDerived, GeneralRequest, PathsReport, PathsRequest,
    RandomFill, Row, SymbolicReport, CERTIFIED_DIGITS, MAX_PATHS, SEED, SHOWN_DIGITS,
};
pub use crate::render::derivation::ViewOptions;

/// How an answer is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain text (a table for `eval`, a list for `paths`, a report for
    /// `check`); `derive` writes Markdown for it.
    Text,
    /// Markdown with `$…$` and `$$…$$` math.
    Markdown,
    /// A LaTeX fragment (amsmath).
    Latex,
    /// A standalone LaTeX document (`derive`; the others write a fragment).
    Document,
    /// JSON with the fields of LANGUAGE.md §3, every certified digit.
    Json,
}

/// Parses and resolves a model, with `--set` settings applied.
///
/// ```
/// let model = chainrule::load("param w = 1/2\nJ = w^2", &[]).unwrap();
/// assert!(chainrule::load("param w = \nJ = w", &[]).is_err());
/// # let _ = model;
/// ```
pub fn load(src: &str, settings: &[Setting]) -> Result<Model, Error> {
    crate::query::load(src, settings)
}

/// Forward values of every named quantity, or of `req.of`: exact where
/// rational, certified enclosures otherwise.
///
/// ```
/// let model = chainrule::load("param w = 1/2\ninput x = [3]\nh[t] = w*x[t]", &[]).unwrap();
/// let req = chainrule::EvalRequest { of: Some("h[1]".into()), ..Default::default() };
/// let report = chainrule::eval(&model, &req).unwrap();
/// assert_eq!(report.rows[0].value.exact().unwrap().to_string(), "3/2");
/// ```
pub fn eval(model: &Model, req: &EvalRequest) -> Result<EvalReport, Error> {
    crate::query::eval_model(model, req)
}

/// Closed forms in the leaves instead of values (`eval --symbolic`).
///
/// ```
/// let model = chainrule::load("input x\nh[0] = 0\nh[t] = x[t] - h[t-1]", &[]).unwrap();
/// let req = chainrule::EvalRequest { of: Some("h[3]".into()), symbolic: true, ..Default::default() };
/// let report = chainrule::eval_symbolic(&model, &req).unwrap();
/// let text = chainrule::symbolic_output(&report, &model, chainrule::Format::Text);
/// assert_eq!(text, "h[3] = x[3] - x[2] + x[1]\n");
/// ```
pub fn eval_symbolic(model: &Model, req: &EvalRequest) -> Result<SymbolicReport, Error> {
    crate::query::eval_symbolic(model, req)
}

/// The worked derivation of `req.of` by `req.wrt`: every path, the total,
/// and its proof (AD, a central difference with a proven bound, random
/// points).
///
/// ```
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let req = chainrule::DeriveRequest { of: "J".into(), wrt: "w".into(), ..Default::default() };
/// let d = chainrule::derive(&model, &req).unwrap();
/// assert!(d.derivation.proof.verified);
/// assert_eq!(d.derivation.total_value.exact().unwrap().to_string(), "6");
/// ```
pub fn derive(model: &Model, req: &DeriveRequest) -> Result<Derived, Error> {
    crate::query::derive(model, req)
}

/// A derivation at a general step `t` (LANGUAGE.md §5): the
/// backpropagation-through-time recurrence (`--wrt 'h[t]'`), the product
/// form (`--wrt 'h[0]'`) or the sum over steps (`--wrt w`), checked by
/// instantiation at horizons 1 to 6. `src` is the model's text (it is
/// loaded again at each horizon).
///
/// ```
/// let src = "param w, u, b\ninput x\nconst T\nopaque ell\nh[0] = 0\n\
///            h[t] = sigmoid(w*h[t-1] + u*x[t] + b)\nL = ell(h[T])\n";
/// let req = chainrule::GeneralRequest { of: "L".into(), wrt: "h[t]".into(), seed: 1 };
/// let d = chainrule::derive_general(src, &[], &req).unwrap();
/// assert!(d.general.verified);
/// let md = chainrule::general_output(&d, chainrule::Format::Markdown, None).unwrap();
/// assert!(md.contains("(1 - h^{(t+1)}) h^{(t+1)} w"), "{md}");
/// ```
pub fn derive_general(src: &str, settings: &[Setting], req: &GeneralRequest) -> Result<GeneralDerived, Error> {
    crate::query::derive_general(src, settings, req)
}

/// A general derivation written out: Markdown, a LaTeX fragment, a
/// standalone document, or JSON (with `check.instances`).
pub fn general_output(d: &GeneralDerived, format: Format, template: Option<&str>) -> Result<String, minijinja::Error> {
    use crate::render::general::{general_json, general_view};
    use crate::render::template::{general, Layout};
    if format == Format::Json && template.is_none() {
        return Ok(general_json(&d.general, &d.model));
    }
    let layout = match format {
        Format::Latex => Layout::Latex,
        Format::Document => Layout::Document,
        Format::Text | Format::Markdown | Format::Json => Layout::Markdown,
    };
    general(&general_view(&d.general, &d.model), layout, template)
}

/// The exact number of paths from `req.wrt` to `req.of`, and the first ones.
///
/// ```
/// let src = "param w\ninput x\nh[0] = 0\nh[t] = w*x[t] + h[t-1]\nL = h[3]";
/// let model = chainrule::load(src, &[]).unwrap();
/// let req = chainrule::PathsRequest { of: "L".into(), wrt: "w".into(), ..Default::default() };
/// let report = chainrule::paths(&model, &req).unwrap();
/// assert_eq!(report.count.to_string(), "3");
/// ```
pub fn paths(model: &Model, req: &PathsRequest) -> Result<PathsReport, Error> {
    crate::query::paths(model, req)
}

/// Judges a hand derivation (Markdown or LaTeX) claim by claim against the
/// model.
///
/// ```
/// use chainrule::{check_document, CheckOptions, DocKind, Verdict};
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let report = check_document(&model, "$$J = w^2 = 9$$\n", DocKind::Markdown, &CheckOptions::default());
/// assert!(report.claims.iter().all(|c| c.verdict == Verdict::Correct));
/// ```
pub fn check_document(model: &Model, doc: &str, kind: DocKind, opts: &CheckOptions) -> Report {
    // Lines and columns count from the first visible character, as the
    // messages drawn from the same text do.
    crate::check::check_document(model, crate::syntax::strip_bom(doc), kind, opts)
}

/// Expands the ```` ```chainrule ```` blocks of a Markdown document;
/// `read` gives the text of a model file a block names.
///
/// ```
/// let doc = "```chainrule\nof: J\nwrt: w\n---\nparam w = 3\nJ = w^2\n```\n";
/// let out = chainrule::expand(doc, &mut |_| Err("no files".to_string())).unwrap();
/// assert!(out.text.contains("\\frac{\\partial J}{\\partial w}"));
/// ```
pub fn expand(doc: &str, read: &mut dyn FnMut(&str) -> Result<ModelFile, String>) -> Result<Expanded, DocError> {
    crate::doc::expand(doc, read)
}

/// An `eval` report written out: a text table, LaTeX (`align*`),
/// Markdown or JSON.
///
/// ```
/// let model = chainrule::load("param w = 1/2\nJ = w + 1", &[]).unwrap();
/// let report = chainrule::eval(&model, &Default::default()).unwrap();
/// let text = chainrule::eval_output(&report, &model, chainrule::Format::Text);
/// assert!(text.contains("J         3/2    1.5"), "{text}");
/// ```
pub fn eval_output(report: &EvalReport, model: &Model, format: Format) -> String {
    use crate::render::table;
    match format {
        Format::Text => table::text(report),
        Format::Latex | Format::Document => table::latex(report, model),
        Format::Markdown => table::markdown(report, model),
        Format::Json => table::json(report, model),
    }
}

/// Closed forms written out, as [`eval_output`] writes values.
///
/// ```
/// let model = chainrule::load("param a\nJ = a + a", &[]).unwrap();
/// let req = chainrule::EvalRequest { symbolic: true, ..Default::default() };
/// let report = chainrule::eval_symbolic(&model, &req).unwrap();
/// assert_eq!(chainrule::symbolic_output(&report, &model, chainrule::Format::Text), "J = 2*a\n");
/// ```
pub fn symbolic_output(report: &SymbolicReport, model: &Model, format: Format) -> String {
    use crate::render::table;
    match format {
        Format::Text => table::symbolic_text(report, model),
        Format::Latex | Format::Document => table::symbolic_latex(report, model),
        Format::Markdown => table::symbolic_markdown(report, model),
        Format::Json => table::symbolic_json(report, model),
    }
}

/// A derivation written out: Markdown, a LaTeX fragment, a standalone
/// document, or JSON; through the user's minijinja `template` instead of
/// the shipped one when given (not for JSON).
///
/// ```
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let req = chainrule::DeriveRequest { of: "J".into(), wrt: "w".into(), ..Default::default() };
/// let d = chainrule::derive(&model, &req).unwrap();
/// let md = chainrule::derivation_output(&d, &model, &req, &Default::default(), chainrule::Format::Markdown, None).unwrap();
/// assert!(md.contains("**Check: verified.**"));
/// ```
pub fn derivation_output(
    derived: &Derived,
    model: &Model,
    req: &DeriveRequest,
    opts: &ViewOptions,
    format: Format,
    template: Option<&str>,
) -> Result<String, minijinja::Error> {
    use crate::render::derivation::{derived_json, derived_view};
    use crate::render::template::{derivation, Layout};
    if format == Format::Json && template.is_none() {
        return Ok(derived_json(derived, model, req));
    }
    let layout = match format {
        Format::Latex => Layout::Latex,
        Format::Document => Layout::Document,
        Format::Text | Format::Markdown | Format::Json => Layout::Markdown,
    };
    derivation(&derived_view(derived, model, req, opts), layout, template)
}

/// The paths written out: a text list, Markdown, LaTeX or JSON.
///
/// ```
/// let model = chainrule::load("param w\nJ = w*w", &[]).unwrap();
/// let req = chainrule::PathsRequest { of: "J".into(), wrt: "w".into(), ..Default::default() };
/// let report = chainrule::paths(&model, &req).unwrap();
/// let text = chainrule::paths_output(&report, &model, chainrule::Format::Text);
/// assert!(text.starts_with("2 paths from w to J"));
/// ```
pub fn paths_output(report: &PathsReport, model: &Model, format: Format) -> String {
    use crate::render::path_list;
    let (q, count, listed) = (&report.query, &report.count, &report.listed);
    match format {
        Format::Text => path_list::text(model, q, count, listed),
        Format::Markdown => path_list::markdown(model, q, count, listed),
        Format::Latex | Format::Document => path_list::latex(model, q, count, listed),
        Format::Json => path_list::json(model, q, count, listed),
    }
}

/// A check report written out: text (as compiler diagnostics, located in
/// `doc_name`) or JSON.
///
/// ```
/// use chainrule::{check_document, check_output, CheckOptions, DocKind, Format};
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let report = check_document(&model, "$$J = 10$$\n", DocKind::Markdown, &CheckOptions::default());
/// assert!(check_output(&report, "answer.md", Format::Text).contains("answer.md:1:7: wrong"));
/// ```
pub fn check_output(report: &Report, doc_name: &str, format: Format) -> String {
    use crate::check::report;
    match format {
        Format::Json => report::json(report),
        _ => report::text(report, doc_name),
    }
}

/// An error as a located message: file, line, column, a caret, and help;
/// in colour when `color`.
///
/// ```
/// let src = "param w\nJ = q";
/// let err = chainrule::load(src, &[]).unwrap_err();
/// let sources = chainrule::Sources { file_name: "m.chain", model: src, query: None, wrt: None };
/// let shown = chainrule::error_message(&err, &sources, false);
/// assert!(shown.contains("m.chain:2:5") && shown.contains("unknown name `q`"), "{shown}");
/// ```
pub fn error_message(err: &dyn crate::diagnostics::Located, sources: &Sources, color: bool) -> String {
    crate::diagnostics::render(err, sources, theme(color))
}

/// A `chainrule doc` error as a located message, in the document or in the
/// model file it names.
///
/// ```
/// let doc = "```chainrule\nof: J\nwrt: w\n---\nJ = q\n```\n";
/// let err = chainrule::expand(doc, &mut |_| Err("no files".to_string())).unwrap_err();
/// assert!(chainrule::doc_error_message(&err, "notes.md", doc, false).contains("notes.md:5"));
/// ```
pub fn doc_error_message(err: &DocError, doc_name: &str, doc: &str, color: bool) -> String {
    crate::diagnostics::render_doc(err, doc_name, doc, theme(color))
}

fn theme(color: bool) -> miette::GraphicalTheme {
    if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    }
}
