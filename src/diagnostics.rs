//! The one place where errors become messages: file, line, column, a caret
//! under the spot, and help.

use crate::query::{QUERY_BASE, WRT_BASE};
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

/// Renders a diagnostic as plain text (no colour): the form used in tests
/// and whenever standard error is not a terminal.
pub fn render_plain(err: &dyn Diagnostic, sources: &Sources) -> String {
    render(err, sources, GraphicalTheme::unicode_nocolor())
}

/// Renders a diagnostic with the given theme.
pub fn render(err: &dyn Diagnostic, sources: &Sources, theme: GraphicalTheme) -> String {
    let first = err
        .labels()
        .into_iter()
        .flatten()
        .map(|l| l.offset())
        .next()
        .unwrap_or(0);
    let (name, text, shift) = match (sources.query, sources.wrt) {
        (_, Some(w)) if first >= WRT_BASE => ("--wrt", w, WRT_BASE),
        (Some(q), _) if (QUERY_BASE..WRT_BASE).contains(&first) => ("--of", q, QUERY_BASE),
        _ => (sources.file_name, sources.model, 0),
    };
    render_in(err, name, text, &|at| at.saturating_sub(shift), theme)
}

/// Renders a diagnostic whose label offsets `map` moves into `text`.
fn render_in(
    err: &dyn Diagnostic,
    name: &str,
    text: &str,
    map: &dyn Fn(usize) -> usize,
    theme: GraphicalTheme,
) -> String {
    let located = Located {
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
struct Located<'a> {
    inner: &'a dyn Diagnostic,
    map: &'a dyn Fn(usize) -> usize,
    source: NamedSource<String>,
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Located<'_> {}

impl Diagnostic for Located<'_> {
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
    match err {
        DocError::Block(b) => render_in(b, doc_name, doc, &|at| at, theme),
        DocError::Model {
            error,
            model,
            of_at,
            wrt_at,
            block,
        } => {
            let first = error.labels().into_iter().flatten().map(|l| l.offset()).next();
            let in_doc = |at: usize| -> usize {
                if at >= WRT_BASE {
                    wrt_at + (at - WRT_BASE)
                } else if at >= QUERY_BASE {
                    of_at + (at - QUERY_BASE)
                } else {
                    model.doc_offset(at)
                }
            };
            let line = doc[..block.start.min(doc.len())].matches('\n').count() + 1;
            let note = format!("  note: asked by the ```chainrule block at {doc_name}:{line}\n");
            match &model.name {
                Some(name) if first.is_none_or(|f| f < QUERY_BASE) => {
                    render_in(&**error, name, &model.text, &|at| at, theme) + &note
                }
                _ if first.is_none() => render_in(&**error, doc_name, doc, &|at| at, theme) + &note,
                _ => render_in(&**error, doc_name, doc, &in_doc, theme),
            }
        }
    }
}
