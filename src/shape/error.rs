//! Errors of the shape layer: each located in the source, exit code 2.

use crate::syntax::Span;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ShapeError {
    /// Two operands whose shapes do not fit; the message names both.
    #[error("{message}")]
    #[diagnostic(code(shape::mismatch))]
    Mismatch {
        message: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    /// Anything else about vectors and matrices written wrongly.
    #[error("{message}")]
    #[diagnostic(code(shape::invalid))]
    Invalid {
        message: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },
}

impl ShapeError {
    pub fn span(&self) -> Span {
        match self {
            ShapeError::Mismatch { span, .. } | ShapeError::Invalid { span, .. } => *span,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>, span: Span, help: Option<&str>) -> ShapeError {
        ShapeError::Invalid {
            message: message.into(),
            span,
            help: help.map(str::to_string),
        }
    }
}
