//! The one place where errors become messages: file, line, column, a caret
//! under the spot, and help.

use crate::syntax::Source;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// Where an error's spans point.
pub struct Sources<'a> {
    /// The model file's name as the user gave it (`-` for standard input).
    pub file_name: &'a str,
    pub model: &'a str,
    /// The `--of` text, if there was one.
    pub query: Option<&'a str>,
    /// The `--wrt` text, if there was one.
    pub wrt: Option<&'a str>,
}

/// A diagnostic and the text its labels point into.
pub trait Located: Diagnostic {
    /// Which text: the model, the `--of` expression or the `--wrt` name.
    fn text_source(&self) -> Source;
}

impl Located for crate::error::Error {
    fn text_source(&self) -> Source {
        self.span().map_or(Source::Model, |s| s.source)
    }
}

/// A check of a document that found nothing to check points into the
/// document, which the caller passes as the "model" text.
impl Located for crate::check::NothingToCheck {
    fn text_source(&self) -> Source {
        Source::Model
    }
}

/// Renders a diagnostic as plain text (no colour): the form used in tests
/// and whenever standard error is not a terminal.
pub fn render_plain(err: &dyn Located, sources: &Sources) -> String {
    render(err, sources, GraphicalTheme::unicode_nocolor())
}

/// Renders a diagnostic with the given theme, in the text its spans point
/// into (the span's source says which: no offsets are moved).
pub fn render(err: &dyn Located, sources: &Sources, theme: GraphicalTheme) -> String {
    let (name, text) = match (err.text_source(), sources.query, sources.wrt) {
        (Source::Of, Some(q), _) => ("--of", q),
        (Source::Wrt, _, Some(w)) => ("--wrt", w),
        // Spans were made from the text after a byte-order mark (see `query::load`).
        _ => (sources.file_name, crate::syntax::strip_bom(sources.model)),
    };
    render_in(err, name, text, &|at| at, theme)
}

/// Renders a diagnostic whose label offsets `map` moves into `text`.
fn render_in(
    err: &dyn Diagnostic,
    name: &str,
    text: &str,
    map: &dyn Fn(usize) -> usize,
    theme: GraphicalTheme,
) -> String {
    let located = Placed {
        inner: err,
        map,
        source: NamedSource::new(name, text.to_string()),
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(160)
        .with_links(false);
    if handler.render_report(&mut out, &located).is_err() {
        out = format!("error: {err}\n");
    }
    out
}

/// A diagnostic with its labels moved into the source they point at.
struct Placed<'a> {
    inner: &'a dyn Diagnostic,
    map: &'a dyn Fn(usize) -> usize,
    source: NamedSource<String>,
}

impl fmt::Debug for Placed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for Placed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Placed<'_> {}

impl Diagnostic for Placed<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.help()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let map = self.map;
        let len = self.source.inner().len();
        self.inner.labels().map(|it| {
            let moved = it.map(move |l| {
                let start = map(l.offset()).min(len);
                let width = map(l.offset() + l.len()).clamp(start, len) - start;
                LabeledSpan::new(l.label().map(str::to_string), start, width)
            });
            Box::new(moved) as Box<dyn Iterator<Item = LabeledSpan>>
        })
    }
}

/// Renders a `chainrule doc` error: problems in the document point into it
/// (`doc_name`, `doc`); a block's model errors point into the model file,
/// or into the document for a model written in the block and for the
/// block's `of:` and `wrt:` values. Errors in a model file end with a note
/// naming the block that asked.
pub fn render_doc(err: &crate::doc::DocError, doc_name: &str, doc: &str, theme: GraphicalTheme) -> String {
    use crate::doc::DocError;
    // `doc::expand` locates errors in the document after its byte-order mark.
    let doc = crate::syntax::strip_bom(doc);
    match err {
        DocError::Block(b) => render_in(b, doc_name, doc, &|at| at, theme),
        DocError::Model {
            error,
            model,
            of_at,
            wrt_at,
            block,
        } => {
            // The block's `of:` and `wrt:` values, and a model written in
            // the block, are parts of the document: their spans move to
            // where those parts start in it.
            let source = error.text_source();
            let in_doc = |at: usize| -> usize {
                match source {
                    Source::Wrt => wrt_at + at,
                    Source::Of => of_at + at,
                    Source::Model => model.doc_offset(at),
                }
            };
            let line = doc[..block.start.min(doc.len())].matches('\n').count() + 1;
            let note = format!("  note: asked by the ```chainrule block at {doc_name}:{line}\n");
            match &model.name {
                Some(name) if source == Source::Model => {
                    render_in(&**error, name, &model.text, &|at| at, theme) + &note
                }
                _ if error.span().is_none() => render_in(&**error, doc_name, doc, &|at| at, theme) + &note,
                _ => render_in(&**error, doc_name, doc, &in_doc, theme),
            }
        }
    }
}
