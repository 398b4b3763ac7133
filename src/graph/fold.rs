//! Literal folding: the algebra that is exact on literals and identities.
//!
//! Symbols never fold (`x - x` stays). Only literal operands are combined, and
//! only where the result is exactly rational: `2+3 → 5`, `0*x → 0`, `1*x → x`,
//! `x^1 → x`, `exp(0) → 1`. Anything that would be a domain error (a literal
//! division by zero, `ln 0`) is left in the graph for the evaluator to report
//! with the quantity and step it belongs to.

use super::node::{Builtin, Node, NodeId};
use crate::number::Q;

/// Literal powers are folded only while the result stays this small (in
/// bits); larger ones stay in the graph for the evaluator.
const MAX_FOLDED_POWER_BITS: u64 = 1 << 14;

pub enum Folded {
    /// The node is equal to one that exists already (a child, or a literal).
    Existing(NodeId),
    /// A node to intern.
    New(Node),
}

/// Folds `node`, whose children are looked up with `get`: the arena passes
/// itself in, so this needs nothing of the arena but its nodes.
pub fn fold<'a>(node: Node, get: &dyn Fn(NodeId) -> &'a Node) -> Folded {
    let lit = |id: NodeId| match get(id) {
        Node::Lit(q) => Some(Q::clone(q)),
        _ => None,
    };
    let out = match &node {
        Node::Add(a, b) => match (lit(*a), lit(*b)) {
            (Some(x), Some(y)) => Some(Node::lit(x + y)),
            (Some(x), None) if x.is_zero() => return Folded::Existing(*b),
            (None, Some(y)) if y.is_zero() => return Folded::Existing(*a),
            _ => None,
        },
        Node::Sub(a, b) => match (lit(*a), lit(*b)) {
            (Some(x), Some(y)) => Some(Node::lit(x - y)),
            (None, Some(y)) if y.is_zero() => return Folded::Existing(*a),
            (Some(x), None) if x.is_zero() => Some(Node::Neg(*b)),
            _ => None,
        },
        Node::Mul(a, b) => match (lit(*a), lit(*b)) {
            (Some(x), Some(y)) => Some(Node::lit(x * y)),
            (Some(x), _) | (_, Some(x)) if x.is_zero() => Some(Node::lit(Q::zero())),
            (Some(x), None) if x.is_one() => return Folded::Existing(*b),
            (None, Some(y)) if y.is_one() => return Folded::Existing(*a),
            _ => None,
        },
        Node::Div(a, b) => match (lit(*a), lit(*b)) {
            (Some(x), Some(y)) if !y.is_zero() => Some(Node::lit(x / y)),
            (None, Some(y)) if y.is_one() => return Folded::Existing(*a),
            // `0/x` is not folded: it is undefined where x is 0.
            _ => None,
        },
        Node::Pow(a, b) => match (lit(*a), lit(*b)) {
            (Some(x), Some(y)) => y
                .to_i64()
                .filter(|n| x.bits().saturating_mul(n.unsigned_abs()) <= MAX_FOLDED_POWER_BITS)
                .and_then(|n| x.pow(n))
                .map(Node::lit),
            (_, Some(y)) if y.is_zero() => Some(Node::lit(Q::one())),
            (None, Some(y)) if y.is_one() => return Folded::Existing(*a),
            (Some(x), None) if x.is_one() => Some(Node::lit(Q::one())),
            _ => None,
        },
        Node::Neg(a) => match get(*a) {
            Node::Lit(x) => Some(Node::lit(-Q::clone(x))),
            Node::Neg(inner) => return Folded::Existing(*inner),
            _ => None,
        },
        Node::Call(f, a) => lit(*a).and_then(|x| fold_call(*f, &x)).map(Node::lit),
        Node::Lit(_) | Node::Leaf(_) | Node::Named(..) | Node::Opaque(..) | Node::OpaquePrime(..) => None,
    };
    Folded::New(out.unwrap_or(node))
}

/// A built-in at a literal, where the value is exactly rational.
fn fold_call(f: Builtin, x: &Q) -> Option<Q> {
    match f {
        Builtin::Relu => Some(if x.is_positive() { x.clone() } else { Q::zero() }),
        Builtin::Step => Some(if x.is_positive() { Q::one() } else { Q::zero() }),
        Builtin::Exp if x.is_zero() => Some(Q::one()),
        Builtin::Ln if x.is_one() => Some(Q::zero()),
        Builtin::Tanh if x.is_zero() => Some(Q::zero()),
        Builtin::Sigmoid if x.is_zero() => Some(Q::ratio(1, 2)),
        Builtin::Sqrt if !x.is_negative() => {
            let (n, d) = (x.numer(), x.denom());
            let (rn, rd) = (n.sqrt(), d.sqrt());
            (&rn * &rn == *n && &rd * &rd == *d)
                .then(|| Q::from_bigints(rn, rd))
                .flatten()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::node::Sym;
    use crate::graph::Graph;
    use crate::model::SymId;

    fn leaf(g: &mut Graph, i: u32) -> NodeId {
        g.add(Node::Leaf(Sym {
            id: SymId(i),
            step: None,
        }))
        .unwrap()
    }

    fn lit(g: &mut Graph, n: i64, d: i64) -> NodeId {
        g.add(Node::lit(Q::ratio(n, d))).unwrap()
    }

    #[test]
    fn identities_fold_to_the_other_operand() {
        let mut g = Graph::new();
        let x = leaf(&mut g, 0);
        let zero = lit(&mut g, 0, 1);
        let one = lit(&mut g, 1, 1);
        assert_eq!(g.add(Node::Add(zero, x)).unwrap(), x);
        assert_eq!(g.add(Node::Mul(x, one)).unwrap(), x);
        assert_eq!(g.add(Node::Pow(x, one)).unwrap(), x);
        assert_eq!(g.add(Node::Div(x, one)).unwrap(), x);
        let z = g.add(Node::Mul(zero, x)).unwrap();
        assert_eq!(g.node(z), &Node::lit(Q::zero()));
    }

    #[test]
    fn symbols_never_fold() {
        let mut g = Graph::new();
        let x = leaf(&mut g, 0);
        let d = g.add(Node::Sub(x, x)).unwrap();
        assert_eq!(g.node(d), &Node::Sub(x, x));
    }

    #[test]
    fn exact_builtins_fold_and_inexact_do_not() {
        let mut g = Graph::new();
        let q = lit(&mut g, 9, 4);
        let r = g.add(Node::Call(Builtin::Sqrt, q)).unwrap();
        assert_eq!(g.node(r), &Node::lit(Q::ratio(3, 2)));
        let two = lit(&mut g, 2, 1);
        let s = g.add(Node::Call(Builtin::Sqrt, two)).unwrap();
        assert_eq!(g.node(s), &Node::Call(Builtin::Sqrt, two));
        let zero = lit(&mut g, 0, 1);
        let bad = g.add(Node::Div(two, zero)).unwrap();
        assert_eq!(g.node(bad), &Node::Div(two, zero));
    }
}
