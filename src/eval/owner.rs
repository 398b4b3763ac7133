//! Which named quantity an operation belongs to, for error messages.

use crate::graph::{Graph, Node, NodeId, Sym};

/// The named element whose definition contains `node` (looking through
/// operations but not through other named elements); the lowest such id.
/// One ascending pass; only used on the error path.
pub fn owner(graph: &Graph, node: NodeId) -> Option<Sym> {
    if let Node::Named(sym, _) = graph.node(node) {
        return Some(*sym);
    }
    let mut contains = vec![false; graph.len()];
    contains[node.index()] = true;
    for i in node.index() + 1..graph.len() {
        let n = graph.node(NodeId(i as u32));
        let hit = n
            .children()
            .any(|c| contains[c.index()] && (c == node || !matches!(graph.node(c), Node::Named(..))));
        if hit {
            if let Node::Named(sym, _) = n {
                return Some(*sym);
            }
            contains[i] = true;
        }
    }
    None
}
