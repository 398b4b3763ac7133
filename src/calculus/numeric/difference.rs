//! The central difference of the forward evaluator, with a proven truncation bound.

use super::taylor::{third_coefficient, Around};
use super::{active_nodes, exact, refine, sub, Fail};
use crate::eval::forward::{forward_values, initial_bits, tolerance, MAX_PREC_BITS};
use crate::eval::{Bindings, Unevaluable, Value};
use crate::graph::{Graph, Node, NodeId};
use crate::number::{Interval, Prec, Q};

/// A central difference and what is known about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// A certified enclosure of the derivative: the enclosure of the
    /// difference quotient `D(ε) = (f(x+ε) − f(x−ε)) / 2ε` (computed from
    /// certified forward values, narrower than `10^-digits`), widened on both
    /// sides by `error_bound`.
    pub estimate: Interval,
    /// The step: `2^-k` with `k` = [`epsilon_exponent`]`(digits)`.
    pub epsilon: Q,
    /// A proven upper bound on the truncation error `|D(ε) − f'(x)|`:
    /// `ε² · max |c₃|`, where `c₃` encloses `f'''(ξ)/6` for every `ξ` in
    /// `[x−ε, x+ε]` (interval Taylor arithmetic; see `taylor.rs`). Zero when
    /// `f` is at most quadratic in `x` (then `D(ε)` is exact).
    pub error_bound: Q,
}

/// `k` such that `ε = 2^-k` ≈ `10^-(digits/2 + 10)` (`k = 100` for 40 digits).
///
/// Why: the truncation error is at most `ε²·|f'''|/6` ≈ `10^-(digits+20)·|f'''|`,
/// far below the requested width unless `f'''` is 10^20 times larger than the
/// derivative (and then the reported bound says so); the price is that the
/// forward values must be certified to about `digits/2 + 10` more digits to
/// survive the cancellation in `f(x+ε) − f(x−ε)`, which is cheap. A power of
/// two keeps every endpoint dyadic (the fast path of interval arithmetic) and
/// makes the division by `2ε` an exact shift.
pub fn epsilon_exponent(digits: u32) -> u32 {
    ((f64::from(digits) / 2.0 + 10.0) * std::f64::consts::LOG2_10).ceil() as u32
}

/// Central difference `(f(x+ε) − f(x−ε)) / 2ε` of the forward evaluator, where
/// `f` is the value of `of` as a function of the value `x` of `wrt`, and `ε` is
/// the exact dyadic `2^-k`, `k` = [`epsilon_exponent`]`(digits)`.
///
/// A leaf `wrt` (a parameter, an input element) is perturbed through its
/// binding; an internal node (a named `h[1]`) through a forward-pass override,
/// so everything below it stays fixed. When `x` itself is only known as an
/// enclosure, the perturbed override is that enclosure shifted by `±ε`, and
/// the quotient's enclosure contains `D(ε)` at the true `x`.
///
/// **Proven:** `estimate` contains `f'(x)`. The quotient's enclosure contains
/// `D(ε)` (outward-rounded interval arithmetic on certified forward values),
/// and by Taylor's theorem `D(ε) − f'(x) = ε²/12·(f'''(ξ₁) + f'''(ξ₂))` for
/// some `ξ₁, ξ₂` in `[x−ε, x+ε]`, whose absolute value is at most
/// `ε²·max|c₃|` = `error_bound`, with `c₃` an interval Taylor enclosure of
/// `f'''/6` over that whole interval. That enclosure also proves `f` is three
/// times differentiable there: if some relu or step argument may be 0, or a
/// divisor, ln or sqrt argument may vanish, within `ε` of the point, no bound
/// is given and the result is an error. **Estimated:** nothing; the only
/// heuristics are the choice of `ε` and of working precisions, which affect
/// cost and width, not correctness.
///
/// This route is independent of [`super::gradient_ad`] in everything that
/// sets its digits: it uses forward values only. The Taylor pass is used for
/// the (tiny) error bound alone.
pub fn central_difference(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    digits: u32,
) -> Result<Difference, Unevaluable> {
    let k = epsilon_exponent(digits);
    let epsilon = Q::from_dyadic(1.into(), -i64::from(k));
    let active = active_nodes(graph, of, wrt);
    if !active.get(of.index()).copied().unwrap_or(false) {
        // `of` does not depend on `wrt`: f is constant, D(ε) = 0 exactly.
        let d = if of == wrt { Q::one() } else { Q::zero() };
        return Ok(Difference {
            estimate: Interval::point(d),
            epsilon,
            error_bound: Q::zero(),
        });
    }
    let error_bound = truncation_bound(graph, of, wrt, bindings, &active, &epsilon)?;
    let half_inv = Q::from_dyadic(1.into(), i64::from(k) - 1); // 1 / 2ε
    let quotient = refine(initial_bits(digits) + k, &tolerance(digits), of, |prec| {
        // an internal node: its value (enclosure) at this precision, moved by ±ε below
        let x = match graph.node(wrt) {
            Node::Leaf(_) => None,
            _ => Some(point_value(graph, wrt, bindings, prec)?),
        };
        let f = |sign: i64| -> Result<Value, Fail> {
            let shift = &epsilon * &Q::int(sign);
            let vals = match (graph.node(wrt), &x) {
                (Node::Leaf(sym), _) => {
                    let x = bindings
                        .get(sym)
                        .ok_or_else(|| Fail::Domain(wrt, "a leaf without a value".into()))?;
                    let mut b = bindings.clone();
                    b.set(*sym, x + &shift);
                    forward_values(graph, &[of], &b, prec, &[])?
                }
                (_, x) => {
                    let moved = match x.as_ref().expect("internal wrt has a value") {
                        Value::Exact(q) => Value::Exact(q + &shift),
                        Value::Approx(iv) => Value::approx(Interval::new(iv.lo() + &shift, iv.hi() + &shift)),
                    };
                    forward_values(graph, &[of], bindings, prec, &[(wrt, moved)])?
                }
            };
            Ok(vals[of.index()].clone().expect("of is needed"))
        };
        let diff = sub(&f(1)?, &f(-1)?, prec);
        // times 1/2ε = 2^(k-1): exact, the end points only move their binary point
        Ok(match diff {
            Value::Exact(q) => exact(q * half_inv.clone()),
            Value::Approx(iv) => Value::approx(Interval::new(iv.lo() * &half_inv, iv.hi() * &half_inv)),
        })
    })?;
    let iv = quotient.interval();
    Ok(Difference {
        estimate: Interval::new(iv.lo() - &error_bound, iv.hi() + &error_bound),
        epsilon,
        error_bound,
    })
}

/// The value of `wrt` at the bindings (its enclosure at precision `prec`).
fn point_value(graph: &Graph, wrt: NodeId, bindings: &Bindings, prec: Prec) -> Result<Value, Fail> {
    let vals = forward_values(graph, &[wrt], bindings, prec, &[])?;
    Ok(vals[wrt.index()].clone().expect("wrt is needed"))
}

/// `ε² · max|c₃|` over `[x−ε, x+ε]`, rounded up to a short dyadic; see [`Difference::error_bound`].
fn truncation_bound(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    active: &[bool],
    epsilon: &Q,
) -> Result<Q, Unevaluable> {
    // The bound need not be tight: start at 128 bits, double a few times if
    // some sign is undecided, and give up at 2048 bits (a kink or domain edge
    // within ε of the point never gets decided).
    let mut bits = 128u32;
    loop {
        let prec = Prec(bits);
        let attempt = (|| -> Result<Interval, Fail> {
            let base = forward_values(graph, &[of], bindings, prec, &[])?;
            let x = base[wrt.index()].as_ref().expect("wrt is needed").interval();
            let around = Interval::new(x.lo() - epsilon, x.hi() + epsilon);
            third_coefficient(
                graph,
                of,
                wrt,
                active,
                &base,
                Around {
                    x: around,
                    prec,
                    bindings,
                },
            )
        })();
        match attempt {
            Ok(c3) => {
                let m = c3.lo().abs().max(c3.hi().abs());
                let bound = Interval::point(&m * &(epsilon * epsilon)).round_outward(Prec(64));
                return Ok(bound.hi().clone());
            }
            Err(Fail::Domain(node, what)) => {
                return Err(Unevaluable::Domain {
                    node,
                    what,
                    oversize: None,
                })
            }
            Err(Fail::TooLarge(u)) => return Err(u),
            Err(Fail::Undecided(node)) if bits >= 2048.min(MAX_PREC_BITS) => {
                return Err(Unevaluable::Domain {
                    node,
                    oversize: None,
                    what: "not smooth within ε of the point (a kink, a jump or a domain edge may lie there): \
                           no central difference"
                        .into(),
                });
            }
            Err(Fail::Undecided(_)) => bits *= 2,
        }
    }
}
