//! A path through many repeated steps, written as a product over them.
//!
//! Into the last step of a 10⁴-step network, a path from an early step
//! passes the same few factors ten thousand times, once per step. A course
//! writes them once, `∏_{j=k+1}^{T} ∂h^{(j)}/∂h^{(j−1)}`; this finds the
//! stretches of a path's steps that repeat step after step
//! ([`crate::fold`]) and simplifies what is outside them and one step of
//! each on its own, so the product reads `(rest) ∏_{j} (one step at j)`.

use super::steps::Step;
use crate::fold::{block_runs, blocks, same_shape, Piece, StepOf};
use crate::graph::{Graph, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::present::present;
use crate::simplify::{canonical, Depth, Factored};

/// A stretch of a path's steps that repeats: `steps[first..=last]` is
/// `count` blocks of `block` steps each, one block per network step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stretch {
    pub first: usize,
    pub last: usize,
    pub block: usize,
    /// The network steps of the first and last blocks.
    pub from_step: i64,
    pub to_step: i64,
    /// One block's factors multiplied and simplified: the first block.
    pub factor: NodeId,
}

/// A path written with products over its repeating stretches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldedPath {
    pub stretches: Vec<Stretch>,
    /// The factors outside every stretch, multiplied and simplified.
    pub rest: NodeId,
}

/// The path's repeating stretches of at least `min_run` steps, if any.
pub fn fold_path(
    g: &mut Graph,
    steps: &[Step],
    step_of: &StepOf,
    min_run: usize,
) -> Result<Option<FoldedPath>, TooLarge> {
    if steps.len() < min_run.max(2) {
        return Ok(None);
    }
    // Blocks: consecutive steps whose parent is at the same network step.
    let blocks = blocks(steps.len(), |i| step_of.get(steps[i].parent));
    let none = |_: NodeId| None;
    let same_step = |a: usize, b: usize, shift: i64| {
        let (a, b) = (&steps[a], &steps[b]);
        same_shape(g, a.child, b.child, shift, &none)
            && same_shape(g, a.parent, b.parent, shift, &none)
            && same_shape(g, a.partial, b.partial, shift, &none)
    };
    let pieces = block_runs(&blocks, same_step, 1, min_run);
    if !pieces.iter().any(|p| matches!(p, Piece::Run { .. })) {
        return Ok(None);
    }
    let factor_of = |g: &mut Graph, s: &Step| Factored::from_poly(&canonical(g, s.partial, Depth::StopAtNames));
    let mut rest: Vec<Factored> = Vec::new();
    let mut stretches = Vec::new();
    for p in pieces {
        match p {
            Piece::One(b) => {
                for s in &steps[blocks[b].first..=blocks[b].last] {
                    rest.push(factor_of(g, s));
                }
            }
            Piece::Run { first, last } => {
                let (a, z) = (blocks[first], blocks[last]);
                let one: Vec<Factored> = steps[a.first..=a.last].iter().map(|s| factor_of(g, s)).collect();
                let factor = present(g, &Factored::product(&one))?;
                stretches.push(Stretch {
                    first: a.first,
                    last: z.last,
                    block: a.len(),
                    from_step: a.step.unwrap_or(0),
                    to_step: z.step.unwrap_or(0),
                    factor,
                });
            }
        }
    }
    let rest = if rest.is_empty() {
        g.add(crate::graph::Node::lit(Q::one()))?
    } else {
        present(g, &Factored::product(&rest))?
    };
    Ok(Some(FoldedPath { stretches, rest }))
}
