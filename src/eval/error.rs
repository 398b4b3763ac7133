//! Errors of evaluation: domain errors name the quantity and step.

use super::forward::Oversize;
use crate::number::size;
use crate::syntax::Span;

/// Names up to a dozen; past that the first ten, the last, and the count
/// (a vector of 445,244 entries without values once filled a screen with
/// every entry: fuzz find).
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 12;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    format!(
        "{}, …, {} ({} in all)",
        names[..SHOWN - 2].join(", "),
        names[names.len() - 1],
        names.len()
    )
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum EvalError {
    #[error("{what} in {quantity}")]
    #[diagnostic(code(eval::domain))]
    Domain {
        /// "ln of a non-positive number (-1/2)", "division by zero", ...
        what: String,
        /// The named quantity and step the operation belongs to: `h[3]`, `L(y[2])`.
        quantity: String,
        #[label("in this definition")]
        span: Option<Span>,
        #[help]
        help: Option<String>,
    },
    /// Defined, but its value is past the size limit (`2^(10^9)`): a power,
    /// the one operation whose result can be far larger than its operands.
    #[error(
        "a power in {quantity} would have {} digits, past the size limit of {} digits",
        size::about_digits(oversize.digits),
        size::digits_words(oversize.limit)
    )]
    #[diagnostic(
        code(eval::too_large),
        help("exact values and enclosures are kept below that size; a smaller exponent, or the logarithm of the quantity, stays within it")
    )]
    TooLarge {
        oversize: Oversize,
        quantity: String,
        #[label("in this definition")]
        span: Option<Span>,
    },
    #[error("no value for {}", listed(leaves))]
    #[diagnostic(
        code(eval::missing_values),
        help("give values in the model or with --set NAME=VALUE, or fill them with seeded random rationals: --random SEED")
    )]
    MissingValues {
        leaves: Vec<String>,
        /// Where the first of them is declared.
        #[label("declared here without a value")]
        span: Option<Span>,
    },
    #[error("could not certify {quantity} to {digits} digits even at {bits} bits of precision")]
    #[diagnostic(code(eval::precision), help("ask for fewer digits with --digits N"))]
    Precision { quantity: String, digits: u32, bits: u32 },
    #[error("nothing to evaluate: this model has no plain quantity and no input data to set a horizon")]
    #[diagnostic(
        code(eval::nothing),
        help("name what you want with --of EXPR, or give a horizon with --steps N")
    )]
    NothingToEvaluate,
}

impl EvalError {
    /// The span the error points at, if any.
    pub fn span(&self) -> Option<Span> {
        match self {
            EvalError::Domain { span, .. }
            | EvalError::MissingValues { span, .. }
            | EvalError::TooLarge { span, .. } => *span,
            EvalError::Precision { .. } | EvalError::NothingToEvaluate => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::listed;

    #[test]
    fn long_lists_of_names_are_cut() {
        let few: Vec<String> = (1..=3).map(|k| format!("b[{k}]")).collect();
        assert_eq!(listed(&few), "b[1], b[2], b[3]");
        let many: Vec<String> = (1..=445_244).map(|k| format!("b[{k}]")).collect();
        assert_eq!(
            listed(&many),
            "b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], …, b[445244] (445244 in all)"
        );
    }
}
