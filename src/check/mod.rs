//! Checking hand derivations (`chainrule check`): read a student's document
//! (`document`, `latex`), resolve its math through the model (`resolve`),
//! judge each claim (`judge`, `points`, `diagnose`, with the prose around a
//! formula from `context`) and report (`report`).
//!
//! A check passes (exit 0) when every claim read is correct or approximate
//! and at least one claim was read: [`Report::has_errors`] is true when a
//! claim is wrong or arithmetic, or when every claim is unparsed or
//! unknown-symbol (exit 1). A document with no claim at all, no math or
//! math that relates nothing, is bad input: [`Report::nothing_to_check`]
//! gives the located error (exit 2).

pub mod context;
pub mod diagnose;
pub mod document;
pub mod general_step;
pub mod judge;
pub mod latex;
pub mod math;
pub mod matrix_claim;
pub mod matrix_steps;
pub mod points;
pub mod report;
pub mod resolve;
pub mod same_node;
pub mod tensor_formula;
pub mod verdict;

pub use judge::CheckOptions;
pub use verdict::{Claim, NothingToCheck, Report, Verdict};

/// What kind of document a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    Markdown,
    Tex,
}

impl DocKind {
    /// `.tex` files are LaTeX; everything else is read as Markdown.
    pub fn from_path(path: &std::path::Path) -> DocKind {
        match path.extension().and_then(|e| e.to_str()) {
            Some("tex" | "latex" | "ltx") => DocKind::Tex,
            _ => DocKind::Markdown,
        }
    }
}

/// Checks every claim in a document against a model.
pub fn check_document(model: &crate::model::Model, src: &str, kind: DocKind, opts: &CheckOptions) -> Report {
    let segments = match kind {
        DocKind::Markdown => document::markdown_math(src),
        DocKind::Tex => document::tex_math(src),
    };
    judge::check_segments(model, src, kind, &segments, opts)
}
