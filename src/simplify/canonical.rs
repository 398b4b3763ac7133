//! Graph expressions to the canonical [`Poly`] form, in one pass over the
//! node ids below the root (no recursion).

use super::poly::{Monomial, Poly};
use crate::graph::{Graph, Node, NodeId};
use crate::number::Q;
use std::collections::HashMap;

/// A sum with more terms than this is kept as an opaque atom rather than
/// expanded further: expansion must never blow up or hang.
pub const MAX_TERMS: usize = 256;

/// How far to look into the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Named quantities are atoms: results read in the network's names.
    StopAtNames,
    /// Expand through named quantities down to the leaves (`--symbolic`).
    Leaves,
}

/// The canonical form of the expression at `root`.
///
/// Leaves, named quantities (with [`Depth::StopAtNames`]), function calls
/// and non-integer powers are atoms. A quotient by a multi-term sum keeps
/// the divisor as an atom with power −1.
pub fn canonical(graph: &Graph, root: NodeId, depth: Depth) -> Poly {
    let mut memo: HashMap<NodeId, Poly> = HashMap::new();
    // The nodes to convert: the expression below `root` down to the atoms,
    // found with an explicit stack (only the subtree is visited, not every
    // id below the root), then converted children first: ascending ids.
    let mut needed: Vec<NodeId> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        needed.push(id);
        if !is_atom(graph, id, depth) {
            stack.extend(graph.node(id).children());
        }
    }
    needed.sort_unstable();
    for id in needed {
        let p = convert(graph, id, depth, &memo);
        memo.insert(id, p);
    }
    memo.remove(&root).unwrap_or_default()
}

/// Is `c^n` small enough to write out ([`crate::number::size::MAX_SYMBOLIC_BITS`])?
pub(crate) fn coefficient_fits(c: &Q, n: i32) -> bool {
    c.bits().saturating_mul(u64::from(n.unsigned_abs())) <= crate::number::size::MAX_SYMBOLIC_BITS
}

fn is_atom(graph: &Graph, id: NodeId, depth: Depth) -> bool {
    match graph.node(id) {
        Node::Leaf(_) | Node::Call(..) | Node::Opaque(..) | Node::OpaquePrime(..) => true,
        Node::Named(..) => depth == Depth::StopAtNames,
        Node::Pow(_, e) => graph.literal(*e).and_then(|q| q.to_i64()).is_none_or(|n| n.abs() > 64),
        _ => false,
    }
}

fn convert(graph: &Graph, id: NodeId, depth: Depth, memo: &HashMap<NodeId, Poly>) -> Poly {
    if is_atom(graph, id, depth) {
        return Poly::atom(id);
    }
    let get = |c: &NodeId| memo.get(c).cloned().unwrap_or_else(|| Poly::atom(*c));
    let out = match graph.node(id) {
        Node::Lit(q) => Some(Poly::constant(Q::clone(q))),
        Node::Named(_, d) => Some(get(d)),
        Node::Add(a, b) => Some(get(a).add(&get(b))),
        Node::Sub(a, b) => Some(get(a).sub(&get(b))),
        Node::Neg(a) => Some(get(a).neg()),
        Node::Mul(a, b) => get(a).mul(&get(b), MAX_TERMS),
        Node::Div(a, b) => {
            let den = get(b);
            match den.as_term() {
                Some((m, c)) => c.recip().map(|k| get(a).scale(&k, &m.inverse())),
                None => Some(get(a).scale(&Q::one(), &Monomial::atom(*b).inverse())),
            }
        }
        Node::Pow(a, e) => {
            let n = graph.literal(*e).and_then(|q| q.to_i64()).unwrap_or(1) as i32;
            let base = get(a);
            match base.as_term() {
                // A coefficient too large to write out (`((w/3)^64)^64 …`) stays an atom.
                Some((m, c)) if coefficient_fits(c, n) => {
                    c.pow(i64::from(n)).and_then(|k| Some(Poly::term(k, m.checked_pow(n)?)))
                }
                Some(_) => None,
                None if n >= 0 => base.pow(n as u32, MAX_TERMS),
                None => Some(Poly::term(Q::one(), Monomial::atom(*a).pow(n))),
            }
        }
        Node::Leaf(_) | Node::Call(..) | Node::Opaque(..) | Node::OpaquePrime(..) => None,
    };
    match out {
        Some(p) if p.len() <= MAX_TERMS => p,
        _ => Poly::atom(id),
    }
}
