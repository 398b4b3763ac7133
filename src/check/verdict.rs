//! What the checker says about one claim: plain data for the text and JSON
//! reports.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Correct,
    Approximate,
    /// The step does not follow from its own left side.
    Arithmetic,
    /// The step disagrees with the model.
    Wrong,
    Unparsed,
    UnknownSymbol,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Approximate => "approximate",
            Verdict::Arithmetic => "arithmetic",
            Verdict::Wrong => "wrong",
            Verdict::Unparsed => "unparsed",
            Verdict::UnknownSymbol => "unknown-symbol",
        }
    }

    /// A grader takes marks off for this.
    pub fn is_error(self) -> bool {
        matches!(self, Verdict::Wrong | Verdict::Arithmetic)
    }

    pub const ALL: [Verdict; 6] = [
        Verdict::Correct,
        Verdict::Approximate,
        Verdict::Arithmetic,
        Verdict::Wrong,
        Verdict::Unparsed,
        Verdict::UnknownSymbol,
    ];
}

/// One judged claim `a R b`, located at its right side `b`.
#[derive(Clone, Debug)]
pub struct Claim {
    /// Byte offset and length of `b` in the document.
    pub offset: usize,
    pub len: usize,
    /// 1-based line and column (in characters) of `b`.
    pub line: usize,
    pub column: usize,
    /// The claim as written, from the start of `a` to the end of `b`.
    pub source: String,
    pub verdict: Verdict,
    /// What the model gives for the left side.
    pub expected: String,
    /// What the author wrote on the right side, evaluated.
    pub got: String,
    /// Why, and the slip that explains a wrong step.
    pub note: String,
}

/// Everything `chainrule check` found in one document.
#[derive(Clone, Debug)]
pub struct Report {
    pub claims: Vec<Claim>,
    /// The seed of the random points symbolic claims were checked at.
    pub seed: u64,
    /// Remarks about the document as a whole (`\log` read as ln, limits hit).
    pub warnings: Vec<String>,
}

impl Report {
    /// Any claim a grader would mark wrong.
    pub fn has_errors(&self) -> bool {
        self.claims.iter().any(|c| c.verdict.is_error())
    }

    /// The number of claims of each verdict, in [`Verdict::ALL`] order.
    pub fn summary(&self) -> Vec<(Verdict, usize)> {
        Verdict::ALL
            .iter()
            .map(|&v| (v, self.claims.iter().filter(|c| c.verdict == v).count()))
            .collect()
    }
}
