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

    /// The claim could not be read, so nothing was checked.
    pub fn is_unread(self) -> bool {
        matches!(self, Verdict::Unparsed | Verdict::UnknownSymbol)
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
    /// The document's formulas: how many, and where the first one starts.
    pub formulas: usize,
    pub first_formula: Option<usize>,
    /// Read as Markdown or as LaTeX.
    pub kind: super::DocKind,
}

/// A document with nothing to check: no math at all, or math that claims
/// nothing (no `=` or `\approx` between two expressions). Bad input: the
/// command-line tool reports it located, as an error (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(check::nothing_to_check))]
pub struct NothingToCheck {
    pub message: String,
    #[label("{label}")]
    pub span: crate::syntax::Span,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl Report {
    /// The check does not pass (exit 1): some claim is wrong or arithmetic,
    /// or nothing in the document could be checked. A document whose every
    /// claim is `unparsed` or `unknown-symbol` proves nothing right, so it
    /// must not pass; passing means what was read is right and that
    /// something was read.
    pub fn has_errors(&self) -> bool {
        self.claims.iter().any(|c| c.verdict.is_error()) || self.checked() == 0
    }

    /// Claims that were judged: correct, approximate, arithmetic or wrong.
    pub fn checked(&self) -> usize {
        self.claims.iter().filter(|c| !c.verdict.is_unread()).count()
    }

    /// Claims that could not be read: unparsed or unknown-symbol.
    pub fn unread(&self) -> usize {
        self.claims.len() - self.checked()
    }

    /// `Some` when the document holds no claim at all (bad input, exit 2):
    /// located at its first formula, or at its start when it has none.
    pub fn nothing_to_check(&self) -> Option<NothingToCheck> {
        if !self.claims.is_empty() {
            return None;
        }
        let read_as = match self.kind {
            super::DocKind::Markdown => "Markdown",
            super::DocKind::Tex => "LaTeX",
        };
        Some(match self.first_formula {
            None => NothingToCheck {
                message: "no math found in the document: there is nothing to check".to_string(),
                span: crate::syntax::Span::new(0, 0),
                label: format!("read as {read_as}; no formula anywhere from here"),
                help: Some(match self.kind {
                    super::DocKind::Markdown => {
                        "write formulas between `$…$` or `$$…$$` (or in a ```math block), e.g. `$$h^{(1)} = 1.65$$`"
                            .to_string()
                    }
                    super::DocKind::Tex => {
                        "write formulas in `\\[…\\]`, `$…$`, or an `equation` or `align` environment".to_string()
                    }
                }),
            },
            Some(at) => NothingToCheck {
                message: format!(
                    "nothing to check: the document's {} formula{} make{} no claim",
                    self.formulas,
                    if self.formulas == 1 { "" } else { "s" },
                    if self.formulas == 1 { "s" } else { "" }
                ),
                span: crate::syntax::Span::new(at, at),
                label: "the first formula: no `=` or `\\approx` between two expressions".to_string(),
                help: Some(
                    "a claim is a relation, such as `h^{(1)} = 1.65` or `y^{(2)} \\approx 0.9938`; definitions of your own names (`d^{(t)} = …`) are not claims"
                        .to_string(),
                ),
            },
        })
    }

    /// The number of claims of each verdict, in [`Verdict::ALL`] order.
    pub fn summary(&self) -> Vec<(Verdict, usize)> {
        Verdict::ALL
            .iter()
            .map(|&v| (v, self.claims.iter().filter(|c| c.verdict == v).count()))
            .collect()
    }
}
