//! The one error type of the library: each stage's error, unchanged.

use crate::eval::EvalError;
use crate::graph::UnrollError;
use crate::model::ResolveError;
use crate::syntax::ParseError;

/// Any error a command can report. Every variant is a located diagnostic
/// (see [`crate::diagnostics`]) and maps to exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Shape(#[from] crate::shape::ShapeError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Unroll(#[from] UnrollError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    General(#[from] Box<crate::general::GeneralError>),
}

impl Error {
    /// The span the error points at first, if any: its `source` says which
    /// text (the model, `--of` or `--wrt`) the error is located in.
    pub fn span(&self) -> Option<crate::syntax::Span> {
        match self {
            Error::Parse(e) => Some(e.span()),
            Error::Shape(e) => Some(e.span()),
            Error::Resolve(e) => e.span(),
            Error::Unroll(e) => e.span(),
            Error::Eval(e) => e.span(),
            Error::General(e) => e.span(),
        }
    }
}
