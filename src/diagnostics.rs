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
    let located = Located {
        inner: err,
        shift,
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
    shift: usize,
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
        let shift = self.shift;
        let len = self.source.inner().len();
        self.inner.labels().map(|it| {
            let moved = it.map(move |l| {
                let start = l.offset().saturating_sub(shift).min(len);
                let width = l.len().min(len - start);
                LabeledSpan::new(l.label().map(str::to_string), start, width)
            });
            Box::new(moved) as Box<dyn Iterator<Item = LabeledSpan>>
        })
    }
}
