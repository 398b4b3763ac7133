//! The step each node of an unrolled graph belongs to.

use crate::graph::{Graph, Node, NodeId};

/// For every node up to a top node: the step of the named quantity whose
/// definition holds it (`z = u h^{(t−1)}` inside `h^{(t)}` is at step `t`),
/// or, for a node outside every stepped definition (the terms of a loss
/// summed over steps), the latest step among its operands. Leaves and named
/// nodes are at their own step; parameters and literals at none.
#[derive(Clone, Debug)]
pub struct StepOf {
    steps: Vec<Option<i64>>,
}

impl StepOf {
    /// Two passes over the ids up to `top`: owners from the top down (users
    /// have larger ids than what they use), then operands from the bottom up.
    pub fn new(g: &Graph, top: NodeId) -> StepOf {
        let n = (top.index() + 1).min(g.len());
        let mut owner: Vec<Option<i64>> = vec![None; n];
        for i in (0..n).rev() {
            let node = g.node(NodeId(i as u32));
            let here = match node {
                Node::Named(sym, _) => sym.step,
                _ => owner[i],
            };
            if here.is_none() {
                continue;
            }
            for c in node.children() {
                // The first user met from the top decides: a node shared
                // between steps belongs to the later one.
                if owner[c.index()].is_none() && !matches!(g.node(c), Node::Named(..) | Node::Leaf(_)) {
                    owner[c.index()] = here;
                }
            }
        }
        let mut steps: Vec<Option<i64>> = vec![None; n];
        for i in 0..n {
            let node = g.node(NodeId(i as u32));
            steps[i] = match node {
                Node::Named(sym, _) | Node::Leaf(sym) => sym.step,
                Node::Lit(_) => None,
                _ => owner[i].or_else(|| node.children().filter_map(|c| steps[c.index()]).max()),
            };
        }
        StepOf { steps }
    }

    /// The step of `n`, if it has one (and is below the top node).
    pub fn get(&self, n: NodeId) -> Option<i64> {
        self.steps.get(n.index()).copied().flatten()
    }
}
