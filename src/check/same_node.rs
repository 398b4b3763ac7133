//! Nodes that are the same function up to how a sum or a product is
//! grouped and ordered.
//!
//! A document names an operation (`z_{2} = z_{1} + u h^{(0)} h^{(0)} + b`)
//! and then differentiates by that name (`\partial h^{(1)} / \partial
//! z_{2}`). The model may hold the same operation grouped differently
//! (`u*(h[t-1]*h[t-1])`), and hash-consing alone then gives two nodes: the
//! derivative of h⁽¹⁾ by the document's node would be 0. Sums and products
//! of real numbers are associative and commutative, so two nodes whose
//! flattened terms (with signs) and factors (with powers ±1) are the same
//! multisets are the same function; [`signatures`] gives each node a
//! 64-bit fingerprint of exactly that, and [`reached_equal`] swaps a
//! derivative's variable for the equal node that the function it
//! differentiates actually passes through.

use crate::graph::{Graph, Node, NodeId};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// How a node enters a flattened sum and a flattened product.
#[derive(Clone, Copy)]
struct Sig {
    /// The fingerprint of the node as a whole.
    whole: u64,
    /// The wrapping sum of its terms' fingerprints (negated when
    /// subtracted): equal for every grouping and order of the same terms.
    terms: u64,
    /// The same for its factors (negated when dividing).
    factors: u64,
}

fn mix<T: Hash>(tag: u8, x: T) -> u64 {
    // DefaultHasher::new() has fixed keys: the same on every run.
    let mut h = DefaultHasher::new();
    tag.hash(&mut h);
    x.hash(&mut h);
    h.finish()
}

/// The fingerprint of every node, in id order (children come first).
pub fn signatures(g: &Graph) -> Vec<u64> {
    let mut sigs: Vec<Sig> = Vec::with_capacity(g.nodes().len());
    for node in g.nodes() {
        let s = |n: &NodeId| sigs[n.index()];
        let atom = |whole: u64| Sig {
            whole,
            terms: whole,
            factors: whole,
        };
        let sig = match node {
            Node::Add(a, b) | Node::Sub(a, b) => {
                let (x, y) = (s(a).terms, s(b).terms);
                let terms = if matches!(node, Node::Add(..)) {
                    x.wrapping_add(y)
                } else {
                    x.wrapping_sub(y)
                };
                let whole = mix(1, terms);
                Sig {
                    whole,
                    terms,
                    factors: whole,
                }
            }
            Node::Neg(a) => {
                let terms = s(a).terms.wrapping_neg();
                let whole = mix(1, terms);
                Sig {
                    whole,
                    terms,
                    factors: whole,
                }
            }
            Node::Mul(a, b) | Node::Div(a, b) => {
                let (x, y) = (s(a).factors, s(b).factors);
                let factors = if matches!(node, Node::Mul(..)) {
                    x.wrapping_add(y)
                } else {
                    x.wrapping_sub(y)
                };
                let whole = mix(2, factors);
                Sig {
                    whole,
                    terms: whole,
                    factors,
                }
            }
            Node::Lit(q) => atom(mix(3, q.to_string())),
            Node::Leaf(sym) => atom(mix(4, sym)),
            // A named quantity is itself, whatever its definition.
            Node::Named(sym, _) => atom(mix(5, sym)),
            Node::Pow(a, b) => atom(mix(6, (s(a).whole, s(b).whole))),
            Node::Call(f, a) => atom(mix(7, (f, s(a).whole))),
            Node::Opaque(f, a) => atom(mix(8, (f, s(a).whole))),
            Node::OpaquePrime(f, a) => atom(mix(9, (f, s(a).whole))),
        };
        sigs.push(sig);
    }
    sigs.into_iter().map(|s| s.whole).collect()
}

/// `wrt` itself when `of` passes through it; otherwise a node that `of`
/// passes through and that is the same function as `wrt` up to grouping
/// and order (the first in id order); otherwise `wrt`.
pub fn reached_equal(g: &Graph, of: NodeId, wrt: NodeId) -> NodeId {
    let seen = g.reachable(&[of]);
    if seen[wrt.index()]
        || !matches!(
            g.node(wrt),
            Node::Add(..) | Node::Sub(..) | Node::Mul(..) | Node::Div(..) | Node::Neg(_)
        )
    {
        return wrt;
    }
    let sigs = signatures(g);
    let want = sigs[wrt.index()];
    (0..sigs.len())
        .find(|&i| seen[i] && sigs[i] == want)
        .map_or(wrt, |i| NodeId(i as u32))
}
