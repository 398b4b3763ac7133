//! Byte ranges into a source text, carried by every AST node and error.
//! Each span names its source (as numbat's spans do), so an error in the
//! `--of` text is located in that text, not at an offset into the model.

/// Which text a span points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Source {
    /// The model file (or a model written inside a document).
    #[default]
    Model,
    /// The `--of` expression (a `doc` block's `of:` value).
    Of,
    /// The `--wrt` name (a `doc` block's `wrt:` value).
    Wrt,
}

/// A half-open byte range `start..end` into the text of `source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub source: Source,
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span into the model text.
    pub fn new(start: usize, end: usize) -> Span {
        Span::in_source(Source::Model, start, end)
    }

    /// A span into the text of `source`.
    pub fn in_source(source: Source, start: usize, end: usize) -> Span {
        Span { source, start, end }
    }

    /// The same range, in the text of `source`: a sub-parse of the `--of`
    /// text made its spans in a text of its own.
    pub fn with_source(self, source: Source) -> Span {
        Span { source, ..self }
    }

    /// The smallest span covering both (in the first one's source).
    pub fn to(self, other: Span) -> Span {
        Span::in_source(self.source, self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> miette::SourceSpan {
        (s.start, s.end.saturating_sub(s.start)).into()
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(s: pest::Span<'_>) -> Span {
        Span::new(s.start(), s.end())
    }
}
