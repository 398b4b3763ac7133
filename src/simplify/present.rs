//! Presentation: of the factored and the expanded form, the one that reads
//! shorter.

use super::build::{factored_node, poly_node};
use super::factored::Factored;
use crate::graph::{Graph, Node, NodeId, TooLarge};

/// Builds both forms as nodes and returns the one with fewer operands
/// written (names and numbers, counted in the printed tree), and the
/// factored form on a tie: it shows the structure (`y (1 − y)` rather than
/// `y − y²`).
pub fn present(g: &mut Graph, f: &Factored) -> Result<NodeId, TooLarge> {
    let factored = factored_node(g, f)?;
    let Some(expanded) = f.expand() else {
        return Ok(factored);
    };
    let expanded = poly_node(g, &expanded)?;
    // A lone sum with a sign reads better as the sum: `−y − 1`, not `−(y + 1)`.
    let lone_sum = f.sums.len() == 1 && f.sums[0].1 == 1 && f.mono.is_one() && f.coeff.abs().is_one();
    Ok(if lone_sum || operands(g, expanded) < operands(g, factored) {
        expanded
    } else {
        factored
    })
}

/// Names and numbers as printed: a walk of the expression tree, stopping
/// at named nodes (printed as their name), with an explicit stack.
pub fn operands(g: &Graph, root: NodeId) -> usize {
    let mut count = 0;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match g.node(n) {
            Node::Lit(_) | Node::Leaf(_) | Node::Named(..) => count += 1,
            other => stack.extend(other.children()),
        }
    }
    count
}

/// Minus signs as printed: subtractions, negations and negative numbers,
/// in a walk of the expression tree that stops at named nodes.
pub fn minus_signs(g: &Graph, root: NodeId) -> usize {
    let mut count = 0;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match g.node(n) {
            Node::Lit(q) => count += usize::from(q.is_negative()),
            Node::Leaf(_) | Node::Named(..) => {}
            other => {
                count += usize::from(matches!(other, Node::Sub(..) | Node::Neg(_)));
                stack.extend(other.children());
            }
        }
    }
    count
}
