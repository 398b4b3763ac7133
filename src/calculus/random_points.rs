//! The check at seeded random points: the same derivation, with every leaf
//! given a random rational, must still agree with reverse-mode AD. Agreement at random points bounds the chance that two
//! different expressions agree by accident (Schwartz–Zippel).

use super::adjoint_form::{accumulate, AdjointEq};
use super::numeric::{agree, gradient_ad};
use crate::eval::bindings::{random_slopes, random_values};
use crate::eval::{evaluate, Bindings, EvalOptions, Value};
use crate::graph::{Graph, Node, NodeId, Sym};
use crate::number::Q;

/// One random point where the check was made.
#[derive(Clone, Debug)]
pub struct PointCheck {
    pub seed: u64,
    /// The symbolic result evaluated there.
    pub symbolic: Value,
    pub ad: Value,
    pub verified: bool,
}

/// The symbolic result (`total`, or the adjoint equations when paths were
/// left out) checked at `count` random points. Points where anything is
/// undefined (a domain edge, a kink) are skipped and the next seed tried:
/// up to 16 times as many seeds as points. Under `assume relu active` the
/// base bindings read relu as the identity, so every point is fair to the
/// assumption.
#[allow(clippy::too_many_arguments)]
pub fn check_random_points(
    g: &Graph,
    of: NodeId,
    wrt: NodeId,
    total: Option<NodeId>,
    adjoints: &[AdjointEq],
    base: &Bindings,
    seed: u64,
    count: usize,
    relu_active: bool,
    digits: u32,
) -> Vec<PointCheck> {
    let seen = g.reachable(&[of]);
    let leaves: Vec<Sym> = g
        .nodes()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Leaf(s) if seen[i] => Some(*s),
            _ => None,
        })
        .collect();
    // Opaque calls get new derivatives at each point too.
    let calls: Vec<(crate::vocab::SymId, NodeId)> = g
        .nodes()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Opaque(f, a) if seen[i] => Some((*f, *a)),
            _ => None,
        })
        .collect();
    let tolerance = Q::one()
        / Q::int(10)
            .pow(i64::from(digits.saturating_sub(5)))
            .unwrap_or_else(Q::one);
    let mut out = Vec::new();
    for k in 0..(count as u64 * 16) {
        if out.len() >= count {
            break;
        }
        let s = seed.wrapping_mul(1_000_003).wrapping_add(k + 1);
        let mut b = base.clone();
        for (sym, q) in random_values(s, &leaves) {
            b.set(sym, q);
        }
        for ((f, a), q) in random_slopes(s, g, &calls) {
            b.set_opaque(f, a, q);
        }
        let symbolic = match (total, adjoints.is_empty()) {
            (Some(t), _) => evaluate(g, &[t], &b, EvalOptions { digits })
                .ok()
                .and_then(|v| v.into_iter().next()),
            (None, false) => {
                let mut eqs = adjoints.to_vec();
                let partials: Vec<NodeId> = eqs.iter().flat_map(|e| e.terms.iter().map(|t| t.partial)).collect();
                evaluate(g, &partials, &b, EvalOptions { digits: digits + 10 })
                    .ok()
                    .map(|v| accumulate(&mut eqs, of, &v))
            }
            (None, true) => None,
        };
        // At random points the symbolic result is compared with AD only:
        // the central difference (the costly route) has already confirmed AD
        // at the model's values, and what random points add is that the
        // symbolic expression is not right there by coincidence.
        let ad = gradient_ad(g, of, wrt, &b, relu_active, digits).ok();
        if let (Some(symbolic), Some(ad)) = (symbolic, ad) {
            let verified = agree(&symbolic, &ad.interval(), &tolerance);
            out.push(PointCheck {
                seed: s,
                symbolic,
                ad,
                verified,
            });
        }
    }
    out
}
