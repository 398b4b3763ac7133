//! Where claims are evaluated: the model's own values, and seeded random
//! points for symbolic claims (two different formulas agree at a random
//! rational point only by accident: Schwartz–Zippel).

use super::resolve::{is_placeholder, DerivTerm};
use crate::calculus::numeric::{gradient_ad, gradient_direct, gradient_edge, gradient_local};
use crate::eval::bindings::{free_opaque, random_slopes, random_values};
use crate::eval::forward::forward_values;
use crate::eval::{Bindings, Unevaluable, Value};
use crate::graph::{Builtin, Graph, Node, NodeId, Sym};
use crate::number::{Prec, Q};

/// The leaves (not derivative placeholders) that `roots` and the
/// derivatives they use depend on, in node order.
pub fn leaves(g: &Graph, roots: &[NodeId]) -> Vec<Sym> {
    let seen = g.reachable(roots);
    g.nodes()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Leaf(s) if seen[i] && !is_placeholder(g, NodeId(i as u32)) => Some(*s),
            _ => None,
        })
        .collect()
}

/// True when the value of `roots` depends on some leaf or derivative.
pub fn symbolic(g: &Graph, root: NodeId) -> bool {
    let seen = g.reachable(&[root]);
    g.nodes()
        .iter()
        .enumerate()
        .any(|(i, n)| seen[i] && matches!(n, Node::Leaf(_)))
}

/// The model's values, with seeded random values for leaves that have none
/// (one value per leaf, the same for every claim that uses it).
pub fn fill_free(p0: &mut Bindings, g: &Graph, roots: &[NodeId], seed: u64) {
    for s in leaves(g, roots) {
        if p0.get(&s).is_none() {
            let leaf_seed = seed ^ (u64::from(s.id.0) << 32) ^ (s.step.unwrap_or(0) as u64);
            if let Some((_, q)) = random_values(leaf_seed, &[s]).pop() {
                p0.set(s, q);
            }
        }
    }
    // Opaque slopes (`\ell'(h^{(T)})`) drawn as `derive` draws them, so a
    // number that `derive` printed with its stated slope reads back.
    let calls = free_opaque(g, roots, p0);
    for ((f, a), q) in random_slopes(seed, g, &calls) {
        p0.set_opaque(f, a, q);
    }
}

/// Up to `count` random points for `roots`: every leaf in `vary` gets a
/// seeded random rational, the others keep their values in `p0`. Under
/// `assume relu active` a point counts only if every relu argument that
/// `roots` reach is positive there (elsewhere the assumption, not the
/// algebra, is false); points where anything is undefined are skipped too.
pub fn random_points(
    g: &Graph,
    roots: &[NodeId],
    vary: &[Sym],
    p0: &Bindings,
    seed: u64,
    count: usize,
    relu_active: bool,
) -> Vec<Bindings> {
    if vary.is_empty() {
        return Vec::new();
    }
    let seen = g.reachable(roots);
    let relu_args: Vec<NodeId> = if relu_active {
        g.nodes()
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n {
                Node::Call(Builtin::Relu, z) if seen[i] => Some(*z),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let calls = free_opaque(g, roots, &Bindings::default());
    let mut out = Vec::new();
    for k in 0..(count as u64 * 16) {
        if out.len() >= count {
            break;
        }
        let s = seed.wrapping_mul(1_000_003).wrapping_add(k + 1);
        let mut b = p0.clone();
        for (sym, q) in random_values(s, vary) {
            b.set(sym, q);
        }
        // Opaque slopes are free too: a claim must hold for every ℓ′.
        for ((f, a), q) in random_slopes(s, g, &calls) {
            b.set_opaque(f, a, q);
        }
        if !relu_args.is_empty() {
            let fair = forward_values(g, &relu_args, &b, Prec(64), &[]).is_ok_and(|vs| {
                relu_args
                    .iter()
                    .all(|a| vs[a.index()].as_ref().is_some_and(|v| v.interval().lo().is_positive()))
            });
            if !fair {
                continue;
            }
        }
        out.push(b);
    }
    out
}

/// Evaluates `roots` at a point. Each derivative the formulas use gets its
/// value from reverse-mode AD; `overrides` replace named values (an author's
/// earlier wrong result, to test for a carried-forward error).
pub fn values_at(
    g: &Graph,
    roots: &[NodeId],
    derivs: &[&DerivTerm],
    b: &Bindings,
    overrides: &[(NodeId, Value)],
    relu_active: bool,
    digits: u32,
) -> Result<Vec<Value>, Unevaluable> {
    let mut ov: Vec<(NodeId, Value)> = overrides.to_vec();
    for d in derivs {
        let v = if d.local {
            gradient_local(g, d.of, d.wrt, b, relu_active, digits)?
        } else if d.edge {
            gradient_edge(g, d.of, d.wrt, b, relu_active, digits)?
        } else if d.direct {
            gradient_direct(g, d.of, d.wrt, b, relu_active, digits)?
        } else {
            gradient_ad(g, d.of, d.wrt, b, relu_active, digits)?
        };
        ov.push((d.placeholder, v));
    }
    // Enough bits for `digits` digits after cancellation; doubled when a
    // sign or divisor is not yet decided.
    let mut bits = 64 + digits * 4;
    loop {
        match forward_values(g, roots, b, Prec(bits), &ov) {
            Ok(vals) => {
                return Ok(roots
                    .iter()
                    .map(|r| vals[r.index()].clone().unwrap_or(Value::Exact(Q::zero())))
                    .collect())
            }
            Err(Unevaluable::Precision { .. }) if bits < 4096 => bits *= 2,
            Err(e) => return Err(e),
        }
    }
}

/// Are two values the same number? Exact values compare exactly; an
/// enclosure is "the same" when the two overlap and both are narrower than
/// a relative 10^-20 (far below anything written by hand), and different
/// when they are disjoint. `None` when undecided.
pub fn same(a: &Value, b: &Value) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.exact(), b.exact()) {
        return Some(x == y);
    }
    let (ia, ib) = (a.interval(), b.interval());
    if ia.hi() < ib.lo() || ib.hi() < ia.lo() {
        return Some(false);
    }
    let scale = ia.hi().clone().abs().max(Q::one());
    let tol = scale * Q::ratio(1, 10).pow(20).unwrap_or_else(Q::one);
    (a.width() < tol && b.width() < tol).then_some(true)
}
