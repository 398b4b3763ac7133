//! Short forms of long expressions, for labels: a path listing names each
//! operation on a path by its expression, and on a graph of a million-term
//! sum those expressions are a million terms long (a listing of 50 such
//! paths took 23 GB before it was cut short). A label keeps the top of its
//! expression, about [`LABEL_LEAVES`] atoms of it, and prints each cut
//! subtree as an ellipsis: `… + w + w`.
//!
//! [`TreeSizes`] counts atoms once for the whole graph (one pass, children
//! before parents), so each label then costs time in its own length only.

use crate::graph::{Graph, Node, NodeId};
use std::collections::HashSet;

/// About how many atoms a label keeps before it cuts.
pub const LABEL_LEAVES: u32 = 12;

/// For every node, how many atoms its printed tree has, saturating at
/// `u32::MAX`: a named quantity below the top prints as its name (one atom).
pub struct TreeSizes(Vec<u32>);

impl TreeSizes {
    pub fn new(graph: &Graph) -> TreeSizes {
        let mut size: Vec<u32> = Vec::with_capacity(graph.len());
        for node in graph.nodes() {
            let s = match *node {
                Node::Lit(_) | Node::Leaf(_) | Node::Named(..) => 1,
                // f(z) and f′(z) print their argument.
                Node::Opaque(_, a) | Node::OpaquePrime(_, a) => size[a.index()].saturating_add(1),
                ref other => other
                    .children()
                    .fold(0u32, |acc, c| acc.saturating_add(size[c.index()])),
            };
            size.push(s);
        }
        TreeSizes(size)
    }

    fn of(&self, n: NodeId) -> u32 {
        self.0[n.index()]
    }

    /// The subtrees to print as an ellipsis so that `root` prints about
    /// `budget` atoms: empty when the whole expression fits. The root itself
    /// is never cut (its operation always shows); a child gets what its
    /// smaller siblings leave, so a long left-leaning sum keeps its last
    /// terms (`… + w + w + w`).
    pub fn cuts(&self, graph: &Graph, root: NodeId, budget: u32) -> HashSet<NodeId> {
        let mut cut = HashSet::new();
        let mut stack = vec![(root, budget.max(2))];
        while let Some((n, b)) = stack.pop() {
            if self.of(n) <= b {
                continue;
            }
            let node = graph.node(n);
            if n != root && (b < 2 || matches!(node, Node::Named(..))) {
                cut.insert(n);
                continue;
            }
            let mut kids: Vec<NodeId> = match *node {
                Node::Named(_, def) => vec![def],
                Node::Opaque(_, a) | Node::OpaquePrime(_, a) => vec![a],
                ref other => other.children().collect(),
            };
            kids.sort_by_key(|&c| self.of(c));
            let mut left = b.saturating_sub(1);
            let count = kids.len() as u32;
            for (i, c) in kids.into_iter().enumerate() {
                let share = left / (count - i as u32).max(1);
                let give = self.of(c).min(share.max(1));
                left = left.saturating_sub(give);
                stack.push((c, give));
            }
        }
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Sym;
    use crate::model::SymId;
    use crate::notation::text::{text_cut, TextNames};

    /// `w + w + … + w` with `n` terms, left-leaning as the parser builds it.
    fn long_sum(n: usize) -> (Graph, NodeId) {
        let mut g = Graph::new();
        let w = g
            .intern(Node::Leaf(Sym {
                id: SymId(0),
                step: None,
            }))
            .unwrap();
        let mut s = w;
        for _ in 1..n {
            s = g.intern(Node::Add(s, w)).unwrap();
        }
        (g, s)
    }

    #[test]
    fn a_short_expression_is_not_cut() {
        let (g, s) = long_sum(5);
        assert!(TreeSizes::new(&g).cuts(&g, s, LABEL_LEAVES).is_empty());
    }

    #[test]
    fn a_long_sum_keeps_its_last_terms() {
        let (g, s) = long_sum(1_000_000);
        let cut = TreeSizes::new(&g).cuts(&g, s, 4);
        let names = TextNames::from_names(vec!["w".into()]);
        assert_eq!(text_cut(&g, s, &names, &cut), "… + w + w");
    }

    #[test]
    fn sizes_saturate_instead_of_overflowing() {
        // x·x doubles the printed tree at every level: 2^40 atoms.
        let mut g = Graph::new();
        let mut x = g
            .intern(Node::Leaf(Sym {
                id: SymId(0),
                step: None,
            }))
            .unwrap();
        for _ in 0..40 {
            x = g.intern(Node::Mul(x, x)).unwrap();
        }
        let sizes = TreeSizes::new(&g);
        assert_eq!(sizes.of(x), u32::MAX);
        let cut = sizes.cuts(&g, x, 6);
        let names = TextNames::from_names(vec!["x".into()]);
        let label = text_cut(&g, x, &names, &cut);
        assert!(label.len() < 80, "{label}");
        assert!(label.contains('…'), "{label}");
    }
}
