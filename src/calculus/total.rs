//! The total of the listed paths, in the forms a course writes it: the sum
//! of the paths, and that sum with what they share pulled out.

use super::listing::PathDerivation;
use crate::graph::{Graph, Node, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::build::{common_factor_node, factored_node};
use crate::simplify::present::{minus_signs, operands, present};
use crate::simplify::{CommonFactor, Factored};

/// The sum of the paths' simplified forms (two or more paths), and the
/// total as it is shown: the sum with what the paths share pulled out
/// (nothing multiplied out), or that common factor times the rest collected
/// and factored when it has no more operands (`2 (h⁽¹⁾ + w) h⁽²⁾` for
/// `h⁽²⁾ w + h⁽²⁾ w + h⁽²⁾ h⁽¹⁾ + h⁽²⁾ h⁽¹⁾`).
pub fn total_forms(g: &mut Graph, built: &[PathDerivation]) -> Result<(Option<NodeId>, Option<NodeId>), TooLarge> {
    let mut plain: Option<NodeId> = None;
    for p in built {
        plain = Some(match (plain, g.node(p.simplified).clone()) {
            (None, _) => p.simplified,
            (Some(a), Node::Neg(t)) => g.add(Node::Sub(a, t))?,
            (Some(a), _) => g.add(Node::Add(a, p.simplified))?,
        });
    }
    let products: Vec<Factored> = built.iter().map(|p| p.product.clone()).collect();
    let Some(cf) = CommonFactor::of(&products) else {
        // One path (or none that is not zero): its form is the total.
        let total = match Factored::sum(&products) {
            Some(f) => present(g, &f)?,
            None => match plain {
                Some(p) => p,
                None => g.add(Node::lit(Q::zero()))?,
            },
        };
        return Ok((None, Some(total)));
    };
    // The sign goes where it reads best: `(y − 1) v (x⁽²⁾ + u x⁽¹⁾)`, not
    // `(1 − y) v (−x⁽²⁾ − u x⁽¹⁾)`; `v ((ŷ − y) + …)`, not `−v ((y − ŷ) + …)`.
    let mut shown = common_factor_node(g, &cf)?;
    let other = common_factor_node(g, &cf.negated())?;
    if minus_signs(g, other) < minus_signs(g, shown) {
        shown = other;
    }
    if let Some(collected) = Factored::sum(&products) {
        let collected = factored_node(g, &collected)?;
        if operands(g, collected) < operands(g, shown) {
            shown = collected;
        }
    }
    Ok((plain, Some(shown)))
}

/// The leaves and named nodes an expression prints as names: a walk of its
/// tree that stops at them, with an explicit stack.
pub fn printed_atoms(g: &Graph, root: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match g.node(n) {
            Node::Leaf(_) | Node::Named(..) => out.push(n),
            other => stack.extend(other.children()),
        }
    }
    out
}
