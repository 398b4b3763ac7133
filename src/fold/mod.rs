//! Repeated steps, recognised so they can be written once.
//!
//! An unrolled network repeats itself: the lines of step 2 are the lines of
//! step 1 with every step index one higher, and so on to the horizon. A
//! course writes such a stretch once, at a general step, with its range: a
//! recurrence (`a^{(t)} = … for 1 ≤ t ≤ T`), a sum (`Σ_{t=1}^{T}`) or a
//! product along a path (`∏_{j=k+1}^{T} ∂h^{(j)}/∂h^{(j−1)}`). This layer
//! finds those stretches in graph terms only: which step a node belongs to
//! ([`StepOf`]), whether two expressions are the same up to a shift of every
//! step ([`same_shape`]), and the maximal stretches of items that repeat
//! step after step (`runs`). It says nothing about how they are printed.
//!
//! Folding is exact: two items are folded together only when one is the
//! other with every step index moved by the same amount, symbol by symbol,
//! so the line written once at step `t` stands for each folded line exactly.

mod runs;
mod shape;
mod step_of;

pub use runs::{block_runs, blocks, runs, Block, Piece};
pub use shape::{same_shape, Atom};
pub use step_of::StepOf;

/// Stretches of at least this many consecutive steps are folded; shorter
/// ones are written out step by step, as a worked example at a small
/// horizon should be.
pub const MIN_RUN: usize = 10;
