//! Independent numeric routes to a derivative, used to prove symbolic results.
//!
//! * [`gradient_ad`]: reverse-mode automatic differentiation (adjoints) over
//!   the graph, exact when every value involved is rational, otherwise a
//!   certified enclosure.
//! * [`central_difference`]: the difference quotient `(f(x+ε) − f(x−ε)) / 2ε`
//!   of the forward evaluator alone, with an exact dyadic `ε` and a *proven*
//!   bound on its truncation error (interval Taylor arithmetic of order 3 over
//!   `[x−ε, x+ε]`, see `taylor`), so its result is a certified enclosure of
//!   the derivative too.
//! * [`agree`]: do two such enclosures overlap?
//!
//! Both routes loop over node ids (children have smaller ids); nothing here
//! recurses over the graph.

mod adjoint;
mod difference;
mod taylor;

pub use adjoint::{gradient_ad, gradient_direct, gradient_edge, gradient_local, gradients_ad, is_operand};
pub use difference::{central_difference, epsilon_exponent, Difference};

use crate::eval::forward::{certified, MAX_PREC_BITS};
use crate::eval::{Unevaluable, Value};
use crate::graph::{Graph, NodeId};
use crate::number::{Interval, IntervalError, Prec, Q};

/// Do two values agree: does `a`, widened by `slack` on both sides, overlap `b`?
///
/// With `slack = 0` this asks whether two certified enclosures of the same
/// number can both be right (they must overlap); a positive slack allows for
/// an error the enclosures do not account for.
pub fn agree(a: &Value, b: &Interval, slack: &Q) -> bool {
    let a = a.interval();
    a.lo().le_sum(b.hi(), slack) && b.lo().le_sum(a.hi(), slack)
}

/// Why one attempt at a given precision failed.
#[derive(Debug)]
pub(crate) enum Fail {
    /// Certainly undefined (or not differentiable) at this node.
    Domain(NodeId, String),
    /// Not decidable at this precision; more bits may help.
    Undecided(NodeId),
    /// The forward pass found a value past the size limit: passed on as it came.
    TooLarge(Unevaluable),
}

impl From<Unevaluable> for Fail {
    fn from(u: Unevaluable) -> Fail {
        match u {
            Unevaluable::Domain { oversize: Some(_), .. } => Fail::TooLarge(u),
            Unevaluable::Domain { node, what, .. } => Fail::Domain(node, what),
            Unevaluable::Precision { node } => Fail::Undecided(node),
        }
    }
}

impl Fail {
    /// The failure of an interval operation at `node`.
    pub(crate) fn interval(e: IntervalError, node: NodeId, what: &str) -> Fail {
        match e {
            IntervalError::Domain => Fail::Domain(node, what.to_string()),
            IntervalError::Undecided => Fail::Undecided(node),
        }
    }
}

/// The nodes that are reachable from `of` and depend on `wrt` (`wrt`
/// included when `of` reaches it): the only nodes an adjoint or a
/// perturbation passes through. Ids below `wrt` cannot depend on it.
pub(crate) fn active_nodes(graph: &Graph, of: NodeId, wrt: NodeId) -> Vec<bool> {
    let reach = graph.reachable(&[of]);
    let mut active = vec![false; graph.len()];
    if wrt > of || !reach[wrt.index()] {
        return active;
    }
    active[wrt.index()] = true;
    for i in wrt.index() + 1..=of.index() {
        if reach[i] {
            active[i] = graph.nodes()[i].children().any(|c| active[c.index()]);
        }
    }
    active
}

/// The precision loop shared by both routes, as in `eval::forward::evaluate`:
/// try at `start` bits; stop when the value is narrower than `tol`
/// (absolutely and relative to the value) or at a domain error; otherwise try
/// again with more bits, up to [`MAX_PREC_BITS`]. After an undecided attempt
/// the precision doubles; after a certified-but-too-wide one it grows by the
/// bits the width was short of plus a margin, and at most doubles (so never
/// more passes than plain doubling, often fewer bits).
pub(crate) fn refine(
    start: u32,
    tol: &Q,
    root: NodeId,
    mut attempt: impl FnMut(Prec) -> Result<Value, Fail>,
) -> Result<Value, Unevaluable> {
    let mut bits = start.min(MAX_PREC_BITS);
    loop {
        let (node, grow) = match attempt(Prec(bits)) {
            Ok(v) if certified(&v, tol) => return Ok(v),
            Ok(v) => (root, shortfall_bits(&v, tol)),
            Err(Fail::Domain(node, what)) => {
                return Err(Unevaluable::Domain {
                    node,
                    what,
                    oversize: None,
                })
            }
            Err(Fail::TooLarge(u)) => return Err(u),
            Err(Fail::Undecided(node)) => (node, None),
        };
        if bits >= MAX_PREC_BITS {
            return Err(Unevaluable::Precision { node });
        }
        let grow = grow.map_or(bits, |g| (g + 24).clamp(32, bits));
        bits = bits.saturating_add(grow).min(MAX_PREC_BITS);
    }
}

/// About how many bits narrower the enclosure `v` must become to be certified.
fn shortfall_bits(v: &Value, tol: &Q) -> Option<u32> {
    let Value::Approx(iv) = v else { return None };
    let w = iv.width();
    if w.is_zero() {
        return None;
    }
    let target = match iv.contains_zero() {
        true => tol.clone(),
        false => tol * &iv.lo().abs().min(iv.hi().abs()).min(Q::one()),
    };
    let short = log2(&w) - log2(&target);
    Some(short.clamp(0, i64::from(MAX_PREC_BITS)) as u32)
}

/// `log2 |q|` to within one, for `q != 0`.
fn log2(q: &Q) -> i64 {
    q.numer().bits() as i64 - q.denom().bits() as i64
}

// ---- arithmetic on values: exact when both sides are exact -----------------

pub(crate) fn add(a: &Value, b: &Value, p: Prec) -> Value {
    match (a, b) {
        (Value::Exact(x), Value::Exact(y)) => Value::Exact(x + y),
        (Value::Exact(x), o) | (o, Value::Exact(x)) if x.is_zero() => o.clone(),
        _ => Value::approx(a.interval().add(&b.interval(), p)),
    }
}

pub(crate) fn neg(a: &Value) -> Value {
    match a {
        Value::Exact(x) => Value::Exact(-x),
        Value::Approx(iv) => Value::approx(iv.neg()),
    }
}

pub(crate) fn sub(a: &Value, b: &Value, p: Prec) -> Value {
    add(a, &neg(b), p)
}

/// `a * b`; an exact 0 times a (finite) enclosure is exactly 0.
pub(crate) fn mul(a: &Value, b: &Value, p: Prec) -> Value {
    match (a, b) {
        (Value::Exact(x), Value::Exact(y)) => Value::Exact(x * y),
        (Value::Exact(x), _) | (_, Value::Exact(x)) if x.is_zero() => Value::Exact(Q::zero()),
        (Value::Exact(x), o) | (o, Value::Exact(x)) if x.is_one() => o.clone(),
        _ => Value::approx(a.interval().mul(&b.interval(), p)),
    }
}

/// `a / b`: `Domain` for an exact zero divisor, `Undecided` for an enclosure holding 0.
pub(crate) fn div(a: &Value, b: &Value, p: Prec) -> Result<Value, IntervalError> {
    match (a, b) {
        (_, Value::Exact(y)) if y.is_zero() => Err(IntervalError::Domain),
        (Value::Exact(x), Value::Exact(y)) => Ok(Value::Exact(x / y)),
        (Value::Exact(x), _) if x.is_zero() => Ok(Value::Exact(Q::zero())),
        _ => a.interval().div(&b.interval(), p).map(Value::approx),
    }
}

pub(crate) fn exact(q: Q) -> Value {
    Value::Exact(q)
}

#[cfg(test)]
mod tests;
