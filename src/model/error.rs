//! Errors found while resolving names: each is located in the source.

use crate::syntax::Span;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ResolveError {
    #[error("unknown name `{name}`")]
    #[diagnostic(code(resolve::unknown_name))]
    UnknownName {
        name: String,
        #[label("not defined in this model")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    #[error("`{name}` is defined twice")]
    #[diagnostic(code(resolve::duplicate), help("remove one of the two definitions, or rename one"))]
    Duplicate {
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Span,
    },
    #[error("`{name}` takes {expected}, but {got} given")]
    #[diagnostic(code(resolve::arity))]
    Arity {
        name: String,
        expected: String,
        got: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    #[error("`{name}` is {what}")]
    #[diagnostic(code(resolve::misuse))]
    Misuse {
        name: String,
        what: String,
        #[label("used here")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    #[error("circular definition: {cycle}")]
    #[diagnostic(code(resolve::cycle))]
    Cycle {
        cycle: String,
        #[help]
        help: String,
        #[label("this refers back to `{name}`")]
        span: Span,
        name: String,
    },
    #[error("{message}")]
    #[diagnostic(code(resolve::invalid))]
    Invalid {
        message: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    /// A `--set` that names nothing settable or gives a bad value.
    #[error("--set {setting}: {message}")]
    #[diagnostic(code(usage::set))]
    BadSetting {
        setting: String,
        message: String,
        #[help]
        help: Option<String>,
    },
}

impl ResolveError {
    /// The span the error points at first, if any.
    pub fn span(&self) -> Option<Span> {
        match self {
            ResolveError::UnknownName { span, .. }
            | ResolveError::Duplicate { span, .. }
            | ResolveError::Arity { span, .. }
            | ResolveError::Misuse { span, .. }
            | ResolveError::Cycle { span, .. }
            | ResolveError::Invalid { span, .. } => Some(*span),
            ResolveError::BadSetting { .. } => None,
        }
    }
}
