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

/// True when `--general --wrt` names a vector or matrix (`W`, `h[t]`):
/// the general derivation is then in matrix form ([`derive_matrix_general`]).
pub fn is_matrix_general(model: &Model, wrt: &str) -> bool {
    crate::matrix_general::applies(model, wrt)
}

/// Backpropagation through time at a general step in matrix form, for a
/// vector model (LANGUAGE.md §4, §5): each adjoint's recurrence and the
/// gradient as a sum over steps, checked by instantiation at horizons 1 to 6.
///
/// ```
/// let src = "param W: 2x2\nparam U: 2x2\ninput x: 2\nconst T = 3\nh[0] = zeros(2)\n\
///            h[t] = tanh(W*x[t] + U*h[t-1])\nL = sum(t = 1..T, sum(h[t]))\n";
/// let model = chainrule::load(src, &[]).unwrap();
/// let req = chainrule::GeneralRequest { of: "L".into(), wrt: "W".into(), seed: 1 };
/// let g = chainrule::derive_matrix_general(&model, &req).unwrap();
/// assert!(g.verified);
/// let md = chainrule::matrix_general_output(&g, &model, chainrule::Format::Markdown, None).unwrap();
/// assert!(md.contains(r"\sum_{t=1}^{T}"), "{md}");
/// ```
pub fn derive_matrix_general(
    model: &Model,
    req: &GeneralRequest,
) -> Result<crate::matrix_general::MatrixGeneral, Error> {
    crate::progress::step("derive at a general step in matrix form");
    Ok(crate::matrix_general::derive(model, &req.of, &req.wrt, req.seed).map_err(Box::new)?)
}

/// A general matrix-form derivation as Markdown, LaTeX, a document or JSON.
pub fn matrix_general_output(
    g: &crate::matrix_general::MatrixGeneral,
    model: &Model,
    format: Format,
    template: Option<&str>,
) -> Result<String, minijinja::Error> {
    use crate::render::template::{matrix_general, Layout};
    let layout = match format {
        Format::Json if template.is_none() => return Ok(crate::render::matrix_general::json(g, model)),
        Format::Latex => Layout::Latex,
        Format::Document => Layout::Document,
        Format::Text | Format::Markdown | Format::Json => Layout::Markdown,
    };
    matrix_general(&crate::render::matrix_general::view(g, model), layout, template)
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

/// One node per named quantity, or per operation, in `chainrule graph`.
pub use crate::drawing::Granularity as GraphGranularity;
pub use crate::drawing::{Drawing, TooLarge, MAX_NODES};

/// What `chainrule graph` was asked.
#[derive(Clone, Debug)]
pub struct GraphRequest {
    /// Where the highlighted paths end (`L(y[2])`); the graph drawn is the one under it.
    pub of: String,
    /// Where they start (`w1`).
    pub wrt: String,
    /// The horizon of look-ahead recurrences and of consts without value.
    pub steps: Option<i64>,
    /// One node per named quantity, or per operation.
    pub granularity: GraphGranularity,
    /// Nodes drawn at most: past them the drawing is refused.
    pub max_nodes: usize,
}

impl Default for GraphRequest {
    /// Nothing asked yet; one node per quantity, at most [`MAX_NODES`].
    fn default() -> GraphRequest {
        GraphRequest {
            of: String::new(),
            wrt: String::new(),
            steps: None,
            granularity: GraphGranularity::Quantities,
            max_nodes: MAX_NODES,
        }
    }
}

/// Why `chainrule graph` drew nothing.
#[derive(Debug)]
pub enum GraphError {
    /// The model or the question is bad (located).
    Model(Error),
    /// The graph has more nodes than the request allows.
    TooLarge(TooLarge),
}

impl From<Error> for GraphError {
    fn from(e: Error) -> GraphError {
        GraphError::Model(e)
    }
}

/// The unrolled computation graph under `req.of`, with the paths from
/// `req.wrt` marked: write it with [`Drawing::dot`], [`Drawing::svg`] or
/// [`Drawing::tikz`].
///
/// ```
/// let model = chainrule::load("param w\ninput x = [1, 2]\nh[0] = 0\nh[t] = w*x[t] + h[t-1]\nL = h[2]", &[]).unwrap();
/// let req = chainrule::GraphRequest { of: "L".into(), wrt: "w".into(), ..Default::default() };
/// let d = chainrule::graph(&model, &req).unwrap();
/// assert_eq!(d.scene.routes.len(), 2);
/// assert!(d.dot().contains("class=\"path path-1\""));
/// assert!(d.svg().unwrap().starts_with("<svg"));
/// ```
pub fn graph(model: &Model, req: &GraphRequest) -> Result<Drawing, GraphError> {
    let q = crate::query::diff_query(model, &req.of, &req.wrt, req.steps)?;
    let question = crate::drawing::Question {
        graph: &q.graph,
        model,
        of: q.of,
        wrt: q.wrt,
        of_text: &q.of_text,
        wrt_text: &q.wrt_text,
        of_expr: Some(&q.of_expr),
    };
    crate::drawing::draw(&question, req.granularity, req.max_nodes).map_err(GraphError::TooLarge)
}

/// The graph of a derivation, one node per named quantity, for its HTML
/// page (refused past [`MAX_NODES`]).
pub fn derivation_drawing(derived: &Derived, model: &Model, req: &DeriveRequest) -> Result<Drawing, TooLarge> {
    let question = crate::drawing::Question {
        graph: &derived.graph,
        model,
        of: derived.derivation.of,
        wrt: derived.derivation.wrt,
        of_text: &req.of,
        wrt_text: &req.wrt,
        of_expr: Some(&derived.of_expr),
    };
    crate::drawing::draw(&question, GraphGranularity::Quantities, MAX_NODES)
}

/// A derivation as one HTML page: `graph` is the drawing with its SVG
/// (an `<svg>` element, its legend left to the page: [`Drawing::svg_figure`]
/// or Graphviz's), or why there is none (said on the page instead).
///
/// ```
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let req = chainrule::DeriveRequest { of: "J".into(), wrt: "w".into(), ..Default::default() };
/// let d = chainrule::derive(&model, &req).unwrap();
/// let drawing = chainrule::derivation_drawing(&d, &model, &req).unwrap();
/// let svg = drawing.svg_figure().unwrap();
/// let page = chainrule::derivation_html(&d, &model, &req, &Default::default(), Ok((&drawing, svg)), None).unwrap();
/// assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<math") && page.contains("<svg"));
/// ```
pub fn derivation_html(
    derived: &Derived,
    model: &Model,
    req: &DeriveRequest,
    opts: &ViewOptions,
    graph: Result<(&Drawing, String), String>,
    template: Option<&str>,
) -> Result<String, minijinja::Error> {
    let view = crate::render::derivation::derived_view(derived, model, req, opts);
    let (svg, legend, note) = match &graph {
        Ok((drawing, svg)) => (svg_element(svg), drawing.legend(), String::new()),
        Err(why) => ("", Vec::new(), format!("The computation graph is not drawn: {why}.")),
    };
    crate::html::derivation(&view, svg, &legend, &note, template)
}

/// From `<svg` on: Graphviz writes an XML declaration and a doctype before
/// the element, which do not belong inside a page.
fn svg_element(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}

/// `eval`'s values as one HTML page titled `title`.
pub fn eval_html(report: &EvalReport, model: &Model, title: &str) -> Result<String, minijinja::Error> {
    crate::html::eval(report, model, title)
}

/// `eval --symbolic`'s closed forms as one HTML page titled `title`.
pub fn symbolic_html(report: &SymbolicReport, model: &Model, title: &str) -> Result<String, minijinja::Error> {
    crate::html::symbolic(report, model, title)
}

/// A check report as one HTML page: each claim beside the line of `doc`
/// it was read from, with its verdict and note.
///
/// ```
/// use chainrule::{check_document, CheckOptions, DocKind};
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let doc = "$$J = 10$$\n";
/// let report = check_document(&model, doc, DocKind::Markdown, &CheckOptions::default());
/// let page = chainrule::check_html(&report, "answer.md", doc).unwrap();
/// assert!(page.contains("wrong") && page.contains("$$J = 10$$"));
/// ```
pub fn check_html(report: &Report, doc_name: &str, doc: &str) -> Result<String, minijinja::Error> {
    crate::html::check(report, doc_name, doc)
}

pub use crate::grading::{Graded, Outcome, Submission};

/// Checks every submission against one model, `jobs` at a time, in the
/// submissions' order (see `grading` for the scores).
///
/// ```
/// use chainrule::{grade, CheckOptions, DocKind, Submission};
/// let model = chainrule::load("param w = 3\nJ = w^2", &[]).unwrap();
/// let subs = vec![
///     Submission { name: "a.md".into(), text: Ok("$$J = 9$$".into()), kind: DocKind::Markdown },
///     Submission { name: "b.md".into(), text: Ok("$$J = 10$$".into()), kind: DocKind::Markdown },
/// ];
/// let graded = grade(&model, &subs, &CheckOptions::default(), 2);
/// assert_eq!((graded[0].score(), graded[1].score()), ((1, 1), (0, 1)));
/// assert!(chainrule::gradescope_results(&graded).contains("\"score\": 1"));
/// ```
pub fn grade(model: &Model, submissions: &[Submission], opts: &CheckOptions, jobs: usize) -> Vec<Graded> {
    crate::grading::grade(model, submissions, opts, jobs)
}

/// The graded files as a table for the terminal.
pub fn grading_text(graded: &[Graded]) -> String {
    crate::grading::summary_text(graded)
}

/// The graded files as CSV, one row per file.
pub fn grading_csv(graded: &[Graded]) -> String {
    crate::grading::summary_csv(graded)
}

/// The graded files as JSON.
pub fn grading_json(graded: &[Graded]) -> String {
    crate::grading::summary_json(graded)
}

/// Gradescope's `results.json`: a test per claim, the total score.
pub fn gradescope_results(graded: &[Graded]) -> String {
    crate::grading::gradescope(graded)
}

/// True when `--wrt` names a vector or matrix parameter: `derive` then
/// gives the gradient in matrix form ([`derive_matrix`]).
pub fn is_matrix_wrt(model: &Model, wrt: &str) -> bool {
    crate::matrix::read_wrt(model, wrt).is_some()
}

/// The gradient of `of` by a vector or matrix parameter, derived in matrix
/// form and checked entry by entry (LANGUAGE.md §4).
pub fn derive_matrix(
    model: &Model,
    of: &str,
    wrt: &str,
    seed: u64,
) -> Result<crate::matrix::MatrixDerivation, crate::matrix::MatrixError> {
    crate::progress::step("derive in matrix form");
    crate::matrix::derive_matrix(model, of, wrt.trim(), seed, crate::query::CERTIFIED_DIGITS)
}

/// A matrix-form derivation as Markdown, LaTeX, a document or JSON.
pub fn matrix_output(
    d: &crate::matrix::MatrixDerivation,
    model: &Model,
    format: Format,
    digits: u32,
    template: Option<&str>,
) -> Result<String, minijinja::Error> {
    use crate::render::template::{matrix, Layout};
    let layout = match format {
        Format::Json if template.is_none() => return Ok(crate::render::matrix::json(d, model)),
        Format::Latex => Layout::Latex,
        Format::Document => Layout::Document,
        Format::Text | Format::Markdown | Format::Json => Layout::Markdown,
    };
    matrix(&crate::render::matrix::view(d, model, digits), layout, template)
}

/// The paths from a vector or matrix parameter to a quantity, among named
/// quantities (the graph as the course draws it).
pub fn tensor_paths(
    model: &Model,
    of: &str,
    wrt: &str,
    max_paths: usize,
) -> Result<crate::matrix::TensorPaths, crate::matrix::MatrixError> {
    crate::matrix::tensor_paths(model, of, wrt.trim(), max_paths)
}

/// [`tensor_paths`] written out: a text list, Markdown, LaTeX or JSON.
pub fn tensor_paths_output(p: &crate::matrix::TensorPaths, model: &Model, format: Format) -> String {
    use crate::render::matrix::PathsLayout;
    let layout = match format {
        Format::Text => PathsLayout::Text,
        Format::Json => PathsLayout::Json,
        Format::Markdown | Format::Latex | Format::Document => PathsLayout::Markdown,
    };
    crate::render::matrix::paths_output(p, model, layout)
}
