//! chainrule: unroll a network's recurrence equations into a hash-consed
//! DAG, evaluate it exactly, and (in later stages) differentiate it path by
//! path.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! [`syntax`] (text → AST) → [`model`] (AST → Model) → [`graph`]
//! (Model → unrolled DAG) → [`eval`] (DAG → exact values and certified
//! enclosures) → [`render`] (values and expressions → text, LaTeX, JSON).
//! The library does no I/O; `src/main.rs` is the command-line shell.

pub mod error;
pub mod eval;
pub mod graph;
pub mod model;
pub mod number;
pub mod progress;
pub mod query;
pub mod syntax;
pub mod vocab;

pub use error::Error;
pub mod calculus;
pub mod check;
pub mod diagnostics;
pub mod doc;
pub mod notation;
pub mod render;
pub mod simplify;
