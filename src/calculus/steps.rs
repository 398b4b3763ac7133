//! The chain-rule factors of a path, at the granularity a reader asked for.
//!
//! A path of the graph runs through every operation, and through the
//! named node over each quantity's definition. Shown edge by edge, a named
//! quantity would appear twice (`∂h⁽¹⁾/∂z₅ · ∂z₅/∂z₄` with `h⁽¹⁾ = z₅`),
//! so a definition and its name are one step here: `∂h⁽¹⁾/∂z₄`, whose
//! partial is the definition's (the name's own factor is exactly 1).
//! Per equation, the factors between two named quantities are multiplied
//! into one (`∂h⁽²⁾/∂h⁽¹⁾ = (1 − (h⁽²⁾)²) u`).
//!
//! A sum is one operation however many terms it has, as a course writes
//! `a⁽ᵗ⁾ = b + W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾` or `L = Σₜ Lₜ`: the graph holds `a + b + c`
//! as two binary nodes, and the inner one ([`Absorbed`]) is not a step of
//! its own. Without this a loss summed over T steps puts T nodes on every
//! path, and listing paths becomes quadratic in T.

use super::derive::Edge;
use crate::graph::{Graph, Node, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::present::present;
use crate::simplify::{canonical, Depth, Factored};

/// What the intermediate variables and the steps of a path are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Granularity {
    /// One variable per operation (`z_{k}`), one factor per operation.
    #[default]
    Operations,
    /// One per equation: the named quantities (`h^{(1)}`, `y^{(2)}`), and
    /// one factor per step between them (`∂h^{(2)}/∂h^{(1)}`).
    Equations,
}

/// One chain-rule factor: `∂parent/∂child`, written out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub child: NodeId,
    pub parent: NodeId,
    /// `∂parent/∂child` in the network's names, presented.
    pub partial: NodeId,
}

/// Is `parent` the name over `child` (`h[1]` over its definition)?
pub fn is_name_of(g: &Graph, parent: NodeId, child: NodeId) -> bool {
    matches!(g.node(parent), Node::Named(_, d) if *d == child)
}

/// The unnamed sums below `of` that are part of a larger sum: used once,
/// by a sum. They are inside their user's operation, not steps of their own.
#[derive(Clone, Debug)]
pub struct Absorbed {
    inner: Vec<bool>,
}

impl Absorbed {
    /// One pass over the ids up to `of`; `of` and `wrt` are always steps.
    pub fn new(g: &Graph, of: NodeId, wrt: NodeId) -> Absorbed {
        let n = of.index() + 1;
        let mut uses = vec![0u32; n];
        let mut used_by_sum = vec![true; n];
        for i in 0..n {
            let node = g.node(NodeId(i as u32));
            let sum = matches!(node, Node::Add(..) | Node::Sub(..));
            for c in node.children() {
                uses[c.index()] += 1;
                used_by_sum[c.index()] &= sum;
            }
        }
        let inner = (0..n)
            .map(|i| {
                let id = NodeId(i as u32);
                id != of
                    && id != wrt
                    && uses[i] == 1
                    && used_by_sum[i]
                    && matches!(g.node(id), Node::Add(..) | Node::Sub(..))
            })
            .collect();
        Absorbed { inner }
    }

    /// Is `n` part of the sum that uses it?
    pub fn contains(&self, n: NodeId) -> bool {
        self.inner.get(n.index()).copied().unwrap_or(false)
    }
}

/// The steps of a path from `wrt` to `of` given by its edges.
pub fn steps(
    g: &mut Graph,
    of: NodeId,
    wrt: NodeId,
    edges: &[Edge],
    gran: Granularity,
    absorbed: &Absorbed,
) -> Result<Vec<Step>, TooLarge> {
    match gran {
        Granularity::Operations => operation_steps(g, edges, absorbed),
        Granularity::Equations => equation_steps(g, of, wrt, edges),
    }
}

fn operation_steps(g: &mut Graph, edges: &[Edge], absorbed: &Absorbed) -> Result<Vec<Step>, TooLarge> {
    let mut out: Vec<Step> = Vec::with_capacity(edges.len());
    for e in edges {
        match out.last_mut() {
            // The name over the definition just reached: the same step.
            Some(last) if is_name_of(g, e.parent, e.child) && last.parent == e.child => last.parent = e.parent,
            // Through a sum inside a larger sum: one step into the larger
            // sum, with the signs of both (each factor is ±1).
            Some(last) if last.parent == e.child && absorbed.contains(e.child) => {
                last.parent = e.parent;
                last.partial = match (g.literal(last.partial), g.literal(e.partial)) {
                    (Some(a), Some(b)) => g.add(Node::lit(a * b))?,
                    _ => g.add(Node::Mul(last.partial, e.partial))?,
                };
            }
            _ => out.push(Step {
                child: e.child,
                parent: e.parent,
                partial: e.partial,
            }),
        }
    }
    Ok(out)
}

fn equation_steps(g: &mut Graph, of: NodeId, wrt: NodeId, edges: &[Edge]) -> Result<Vec<Step>, TooLarge> {
    let key = |g: &Graph, n: NodeId| n == of || n == wrt || matches!(g.node(n), Node::Named(..));
    let mut out = Vec::new();
    let mut start = None;
    let mut product = Factored::constant(Q::one());
    for e in edges {
        start.get_or_insert(e.child);
        product = product.mul(&Factored::from_poly(&canonical(g, e.partial, Depth::StopAtNames)));
        if key(g, e.parent) {
            let partial = present(g, &product)?;
            out.push(Step {
                child: start.take().unwrap_or(e.child),
                parent: e.parent,
                partial,
            });
            product = Factored::constant(Q::one());
        }
    }
    Ok(out)
}
