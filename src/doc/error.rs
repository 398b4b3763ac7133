//! What can go wrong in a document: a problem located in the document
//! itself, or a library error from a block's model or query.

use crate::syntax::Span;

/// A problem in the document: block syntax, a missing key, generated-region
/// markers out of place, a model file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(doc::block))]
pub struct BlockError {
    pub message: String,
    /// Where in the document.
    #[label("{label}")]
    pub span: Span,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl BlockError {
    pub fn new(message: impl Into<String>, span: Span, label: impl Into<String>) -> BlockError {
        BlockError {
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> BlockError {
        self.help = Some(help.into());
        self
    }
}

/// The model a block asked about, as the error's spans need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSource {
    /// The model file's path as read (relative to the working directory),
    /// or `None` for a model written inside the block.
    pub name: Option<String>,
    pub text: String,
    /// For an inline model: each line's offset in `text` and in the document.
    pub lines: Vec<(usize, usize)>,
}

impl ModelSource {
    /// The document offset of an offset into an inline model's text.
    pub fn doc_offset(&self, at: usize) -> usize {
        match self.lines.partition_point(|&(t, _)| t <= at) {
            0 => at,
            i => {
                let (t, d) = self.lines[i - 1];
                d + (at - t)
            }
        }
    }
}

/// Why a document could not be expanded. Either way nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error(transparent)]
    Block(#[from] BlockError),
    /// The library's own error from a block's model or query, unchanged.
    /// Its spans point into the model, or (by their source) into the
    /// block's `of:` / `wrt:` values, which start at `of_at` / `wrt_at` in
    /// the document.
    #[error("{error}")]
    Model {
        error: Box<crate::error::Error>,
        model: Box<ModelSource>,
        of_at: usize,
        wrt_at: usize,
        /// The block's opening fence, for "asked by" notes.
        block: Span,
    },
}
