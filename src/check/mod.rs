//! Checking hand derivations (`chainrule check`): read a student's document,
//! resolve its math through the model, and judge each claim.

pub mod document;
pub mod latex;
pub mod math;
