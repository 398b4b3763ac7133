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

/// Whether `node` may be undefined at some values of its leaves: a
/// division, a power other than a natural-number one, ln, sqrt, exp (which
/// overflows), step (undefined at 0), an opaque call (defined only with a
/// slope), or anything above one of them. `partial_of` gives the
/// children's answer and `get` the nodes.
pub fn partial<'a>(node: &Node, partial_of: impl Fn(NodeId) -> bool, get: impl Fn(NodeId) -> &'a Node) -> bool {
    match node {
        Node::Pow(a, b) => match get(*b) {
            // as the evaluator reads it: an exponent past i64 goes to the
            // real power, which refuses a negative base
            Node::Lit(n) if n.to_i64().is_some_and(|n| n >= 0) => partial_of(*a),
            _ => true,
        },
        Node::Div(..) | Node::Opaque(..) | Node::OpaquePrime(..) => true,
        Node::Call(Builtin::Ln | Builtin::Sqrt | Builtin::Exp | Builtin::Step, _) => true,
        _ => node.children().any(partial_of),
    }
}

/// Folds `node`, whose children are looked up with `get` (and whether each
/// may be undefined with `partial`): the arena passes itself in, so this
/// needs nothing of the arena but its nodes.
///
/// `0 * x`, `x^0` and `1^x` fold only when `x` is defined everywhere:
/// `0 * (0/0)` is undefined, not 0, and the evaluator must say so.
pub fn fold<'a>(node: Node, get: &dyn Fn(NodeId) -> &'a Node, partial: &dyn Fn(NodeId) -> bool) -> Folded {
    // Borrowed: most operands are not literals, and those that are need
    // no copy to be tested or combined.
    let lit = |id: NodeId| -> Option<&'a Q> {
        match get(id) {
            Node::Lit(q) => Some(q),
            _ => None,
        }
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
            (Some(x), _) if x.is_zero() && !partial(*b) => Some(Node::lit(Q::zero())),
            (_, Some(y)) if y.is_zero() && !partial(*a) => Some(Node::lit(Q::zero())),
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
            (_, Some(y)) if y.is_zero() && !partial(*a) => Some(Node::lit(Q::one())),
            (None, Some(y)) if y.is_one() => return Folded::Existing(*a),
            (Some(x), None) if x.is_one() && !partial(*b) => Some(Node::lit(Q::one())),
            _ => None,
        },
        Node::Neg(a) => match get(*a) {
            Node::Lit(x) => Some(Node::lit(-Q::clone(x))),
            Node::Neg(inner) => return Folded::Existing(*inner),
            _ => None,
        },
        Node::Call(f, a) => lit(*a).and_then(|x| fold_call(*f, x)).map(Node::lit),
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
    fn zero_times_an_expression_that_may_be_undefined_stays() {
        let mut g = Graph::new();
        let zero = lit(&mut g, 0, 1);
        let x = leaf(&mut g, 0);
        let q = g.add(Node::Div(zero, zero)).unwrap();
        let m = g.add(Node::Mul(q, zero)).unwrap();
        assert_eq!(g.node(m), &Node::Mul(q, zero));
        let ln = g.add(Node::Call(Builtin::Ln, x)).unwrap();
        let p = g.add(Node::Pow(ln, zero)).unwrap();
        assert_eq!(g.node(p), &Node::Pow(ln, zero));
        // a natural power of a total expression is total
        let two = lit(&mut g, 2, 1);
        let sq = g.add(Node::Pow(x, two)).unwrap();
        let m = g.add(Node::Mul(sq, zero)).unwrap();
        assert_eq!(g.node(m), &Node::lit(Q::zero()));
        // above a partial node, too
        let t = g.add(Node::Call(Builtin::Tanh, q)).unwrap();
        let m = g.add(Node::Mul(zero, t)).unwrap();
        assert_eq!(g.node(m), &Node::Mul(zero, t));
        // a total one still folds
        let t = g.add(Node::Call(Builtin::Tanh, x)).unwrap();
        let m = g.add(Node::Mul(zero, t)).unwrap();
        assert_eq!(g.node(m), &Node::lit(Q::zero()));
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
