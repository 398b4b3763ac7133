//! Errors found while unrolling: each names the quantity and step involved.

use crate::syntax::Span;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum UnrollError {
    #[error("circular definition: {chain}")]
    #[diagnostic(
        code(unroll::cycle),
        help("a quantity cannot depend on itself; check the step offsets")
    )]
    Cycle {
        chain: String,
        #[label("this refers back to `{name}`")]
        span: Span,
        name: String,
    },
    #[error("`{name}` can never be reached or bounded: unrolling it needs ever later steps")]
    #[diagnostic(
        code(unroll::unbounded),
        help("give a boundary value at a fixed step (such as `{base}[{step}] = 0`) or a horizon with --steps N")
    )]
    Unbounded {
        name: String,
        base: String,
        step: i64,
        #[label("needed here")]
        span: Span,
    },
    #[error("{what} must be a whole number known when unrolling, but {why}")]
    #[diagnostic(code(unroll::index))]
    NotInteger {
        what: String,
        why: String,
        #[label("here")]
        span: Span,
    },
    #[error("the constant `{name}` has no value")]
    #[diagnostic(
        code(unroll::const_value),
        help("give it one with --set {name}=N, or a horizon with --steps N")
    )]
    ConstWithoutValue {
        name: String,
        #[label("needed here")]
        span: Span,
    },
    #[error("function calls nest more than {limit} deep")]
    #[diagnostic(code(unroll::too_deep))]
    InlineTooDeep {
        limit: usize,
        #[label("here")]
        span: Span,
    },
    #[error("the graph would have more than {} nodes (the limit; about {} of memory)", crate::progress::grouped(*limit), memory(*limit))]
    #[diagnostic(
        code(unroll::too_large),
        help("ask for an earlier step or a smaller horizon, or raise the limit with --node-limit N if the machine has the memory")
    )]
    TooLarge { limit: usize },
}

impl UnrollError {
    /// The span the error points at, if any.
    pub fn span(&self) -> Option<Span> {
        match self {
            UnrollError::Cycle { span, .. }
            | UnrollError::Unbounded { span, .. }
            | UnrollError::NotInteger { span, .. }
            | UnrollError::ConstWithoutValue { span, .. }
            | UnrollError::InlineTooDeep { span, .. } => Some(*span),
            UnrollError::TooLarge { .. } => None,
        }
    }
}

/// What `nodes` nodes take, unrolled and evaluated: about 320 bytes each
/// (measured: a million-step linear recurrence, `eval`, 1.3 GB for
/// three million nodes, with exact values bounded).
fn memory(nodes: usize) -> String {
    let bytes = nodes as f64 * 320.0;
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.0} MB", (bytes / 1e6).max(1.0))
    }
}
