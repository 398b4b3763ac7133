//! The exact forward evaluator: one ascending pass over node ids.
//!
//! Rational operations stay exact. exp, ln, σ, tanh, sqrt and non-integer
//! powers give certified enclosures; the pass is repeated at doubled
//! precision until every requested value is certified to the requested
//! width, or until a sign that decides a domain question is known.

use super::bindings::Bindings;
use super::error::EvalError;
use super::value::Value;
use crate::graph::{Builtin, Graph, Node, NodeId};
use crate::number::{elementary, size, Interval, IntervalError, Prec, Q};

/// How precisely to evaluate.
#[derive(Clone, Copy, Debug)]
pub struct EvalOptions {
    /// Enclosures of requested values must be narrower than `10^-digits`,
    /// absolutely and relative to the value.
    pub digits: u32,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions { digits: 40 }
    }
}

/// The precision doubling stops here.
pub const MAX_PREC_BITS: u32 = 1 << 14;

/// Why one pass could not finish.
enum Failure {
    /// Certainly undefined at this node.
    Domain(NodeId, String),
    /// Not decidable at this precision (at this node).
    Undecided(NodeId),
    /// Defined, but too large to hold.
    TooLarge(NodeId, Oversize),
}

/// A value that exists but is past the size limit: about `digits` decimal
/// digits where `limit` fit.
#[derive(Clone, Copy, Debug)]
pub struct Oversize {
    pub digits: f64,
    pub limit: f64,
}

impl Oversize {
    fn of_bits(bits: f64, limit_bits: u64) -> Oversize {
        Oversize {
            digits: size::digits_of_bits(bits),
            limit: size::digits_of_bits(limit_bits as f64),
        }
    }
}

// Compared by bits, so that `Unevaluable` keeps `Eq` (no NaN is made here).
impl PartialEq for Oversize {
    fn eq(&self, o: &Oversize) -> bool {
        self.digits.to_bits() == o.digits.to_bits() && self.limit.to_bits() == o.limit.to_bits()
    }
}

impl Eq for Oversize {}

/// Extra precision doublings spent, once every value is certified, on
/// deciding the sign of those whose enclosure still holds 0.
const SIGN_DOUBLINGS: u32 = 3;

/// Values of `roots`, certified to `opts.digits` digits.
///
/// Every leaf reachable from `roots` must have a binding (see
/// [`super::bindings::free_leaves`]). A domain error names the node where it
/// happened; the caller maps it to the named quantity that owns it.
///
/// An enclosure that holds 0 says nothing about the first digit. Such a
/// value is given as an exact 0 when the algebra shows it is one
/// ([`super::exact_zero`]); otherwise the precision is raised a few more
/// times to settle its sign, and what is still undecided after that stays
/// an enclosure of 0, narrower than `10^-digits`.
pub fn evaluate(
    graph: &Graph,
    roots: &[NodeId],
    bindings: &Bindings,
    opts: EvalOptions,
) -> Result<Vec<Value>, Unevaluable> {
    let needed = graph.reachable(roots);
    let tolerance = tolerance(opts.digits);
    let mut bits = initial_bits(opts.digits);
    // Per root: proven exactly zero (decided once, when first needed).
    let mut zero: Vec<Option<bool>> = vec![None; roots.len()];
    let mut sign_doublings = 0;
    loop {
        match pass(graph, &needed, bindings, Prec(bits), &[], Some(roots)) {
            Ok(values) => {
                let mut out: Vec<Value> = roots
                    .iter()
                    .map(|r| values[r.index()].as_deref().cloned().expect("roots are needed"))
                    .collect();
                if out.iter().all(|v| certified(v, &tolerance)) {
                    let mut undecided = false;
                    for (k, v) in out.iter_mut().enumerate() {
                        if !matches!(v, Value::Approx(iv) if iv.contains_zero()) {
                            continue;
                        }
                        let is_zero = *zero[k]
                            .get_or_insert_with(|| super::exact_zero::is_exactly_zero(graph, roots[k], bindings));
                        if is_zero {
                            *v = Value::Exact(Q::zero());
                        } else {
                            undecided = true;
                        }
                    }
                    if !undecided || sign_doublings >= SIGN_DOUBLINGS || bits >= MAX_PREC_BITS {
                        return Ok(out);
                    }
                    sign_doublings += 1;
                } else if let Some(missing) = out.iter().filter_map(|v| missing_bits(v, &tolerance)).max() {
                    if bits >= MAX_PREC_BITS {
                        return Err(Unevaluable::Precision {
                            node: roots.first().copied().unwrap_or(NodeId(0)),
                        });
                    }
                    bits = next_bits(bits, missing);
                    continue;
                }
            }
            Err(Failure::Undecided(_)) => {}
            Err(f) => return Err(f.into()),
        }
        if bits >= MAX_PREC_BITS {
            return Err(Unevaluable::Precision {
                node: roots.first().copied().unwrap_or(NodeId(0)),
            });
        }
        bits = bits.saturating_mul(2).min(MAX_PREC_BITS);
    }
}

/// About how many bits `v`'s enclosure is too wide by for `tolerance`
/// (absolutely, and relative to the value unless it holds 0); `None` when
/// it is narrow enough.
fn missing_bits(v: &Value, tolerance: &Q) -> Option<u64> {
    let Value::Approx(iv) = v else { return None };
    if certified(v, tolerance) {
        return None;
    }
    let log2 = |q: &Q| q.numer().bits() as i64 - q.denom().bits() as i64;
    let w = log2(&iv.width());
    let mut need = w - log2(tolerance);
    if !iv.contains_zero() {
        let scale = iv.lo().abs().min(iv.hi().abs());
        need = need.max(w - log2(&scale) - log2(tolerance));
    }
    Some(need.max(1) as u64)
}

/// The next working precision when the enclosures were `missing` bits too
/// wide at `bits`. Where enclosures widen along a long recurrence (a gated
/// cell reuses `h` in several places, and interval arithmetic cannot see
/// that they are one number), the width at `p` bits is about `2^(G − p)`
/// for a growth `G` that does not depend on `p`: one pass measures `G`,
/// and the next goes straight to the bits it needs, with 32 to spare.
/// While the enclosure is as wide as the value itself the estimate says
/// little, and the bits grow by half: a 20,000-step GRU-like cell needs
/// 1,761 bits in 6 passes (15 s) where doubling took 2,640 in 5 (25 s),
/// the last pass costing most. At most [`MAX_PREC_BITS`].
fn next_bits(bits: u32, missing: u64) -> u32 {
    let wanted = u64::from(bits) + missing + 32;
    wanted.max(u64::from(bits) * 3 / 2).min(u64::from(MAX_PREC_BITS)) as u32
}

/// Why values could not be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unevaluable {
    /// Certainly undefined at `node` ("division by zero", "ln of ..."),
    /// or (with `oversize`) defined but past the size limit: `what` then
    /// names the operation ("a power").
    Domain {
        node: NodeId,
        what: String,
        oversize: Option<Oversize>,
    },
    /// Not certified to the digits asked for, even at [`MAX_PREC_BITS`].
    Precision { node: NodeId },
}

impl From<Failure> for Unevaluable {
    fn from(f: Failure) -> Unevaluable {
        match f {
            Failure::Domain(node, what) => Unevaluable::Domain {
                node,
                what,
                oversize: None,
            },
            Failure::Undecided(node) => Unevaluable::Precision { node },
            Failure::TooLarge(node, size) => Unevaluable::Domain {
                node,
                what: format!(
                    "a power that would have {} digits, past the size limit of {}",
                    size::about_digits(size.digits),
                    size::digits_words(size.limit)
                ),
                oversize: Some(size),
            },
        }
    }
}

impl Unevaluable {
    pub fn node(&self) -> NodeId {
        match self {
            Unevaluable::Domain { node, .. } | Unevaluable::Precision { node } => *node,
        }
    }

    /// The error to report, once the caller knows which quantity owns the node.
    pub fn into_error(self, quantity: String, span: Option<crate::syntax::Span>, digits: u32) -> EvalError {
        match self {
            Unevaluable::Precision { .. } => EvalError::Precision {
                quantity,
                digits,
                bits: MAX_PREC_BITS,
            },
            Unevaluable::Domain {
                oversize: Some(oversize),
                ..
            } => EvalError::TooLarge {
                oversize,
                quantity,
                span,
            },
            Unevaluable::Domain { what, .. } => EvalError::Domain {
                what,
                quantity,
                span,
                help: None,
            },
        }
    }
}

/// Values of every node that `roots` need, from one forward pass at precision
/// `prec` (no precision doubling), with the value of each node in
/// `overrides` replaced by the value given there.
///
/// Entry `i` is `Some` exactly for the nodes the roots need. An overridden
/// node is a cut: its definition is not consulted, so the nodes below it are
/// evaluated only if some other route from a root needs them (this is how
/// an internal node, such as a named `h[1]`, is perturbed while everything
/// below it stays fixed). An overridden node need not be needed by the roots;
/// an override of an unneeded node is ignored.
///
/// Errors: [`Unevaluable::Domain`] as in [`evaluate`] (certainly undefined);
/// [`Unevaluable::Precision`] when a sign or a divisor is not decidable at
/// this precision, naming the node: retrying with more bits may succeed.
pub fn forward_values(
    graph: &Graph,
    roots: &[NodeId],
    bindings: &Bindings,
    prec: Prec,
    overrides: &[(NodeId, Value)],
) -> Result<Vec<Option<Value>>, Unevaluable> {
    let needed = needed_with_cuts(graph, roots, overrides);
    let vals = pass(graph, &needed, bindings, prec, overrides, None).map_err(Unevaluable::from)?;
    Ok(vals.into_iter().map(|v| v.map(|b| *b)).collect())
}

/// Like [`Graph::reachable`], but without descending below the overridden nodes.
fn needed_with_cuts(graph: &Graph, roots: &[NodeId], overrides: &[(NodeId, Value)]) -> Vec<bool> {
    if overrides.is_empty() {
        return graph.reachable(roots);
    }
    let mut cut = vec![false; graph.len()];
    for (n, _) in overrides {
        cut[n.index()] = true;
    }
    let mut seen = vec![false; graph.len()];
    for r in roots {
        seen[r.index()] = true;
    }
    for i in (0..graph.len()).rev() {
        if seen[i] && !cut[i] {
            for c in graph.nodes()[i].children() {
                seen[c.index()] = true;
            }
        }
    }
    seen
}

/// `10^-digits`: the width below which an enclosure counts as certified.
pub(crate) fn tolerance(digits: u32) -> Q {
    Q::one() / Q::int(10).pow(i64::from(digits)).unwrap_or_else(Q::one)
}

/// The first working precision tried for `digits` digits.
pub(crate) fn initial_bits(digits: u32) -> u32 {
    (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32 + 32
}

/// Narrower than `tolerance`, absolutely and (unless it holds 0) relative to the value.
pub(crate) fn certified(v: &Value, tolerance: &Q) -> bool {
    match v {
        Value::Exact(_) => true,
        Value::Approx(iv) => {
            let w = iv.width();
            let scale = iv.lo().abs().min(iv.hi().abs());
            &w < tolerance && (iv.contains_zero() || w.lt_product(&scale, tolerance))
        }
    }
}

/// With `only` (the roots), a value is dropped once its last consumer has
/// been computed, so a long unroll holds about one step's values at a time
/// instead of all of them (`eval` of `h[10⁶]`: 1.3 GB before); without it
/// every needed value is kept (AD and the checks read them all).
fn pass(
    graph: &Graph,
    needed: &[bool],
    b: &Bindings,
    prec: Prec,
    overrides: &[(NodeId, Value)],
    only: Option<&[NodeId]>,
) -> Result<Vec<Option<Box<Value>>>, Failure> {
    // Boxed: a slot is 8 bytes, not 64, and values are dropped once used,
    // so a long recurrence holds a few live values, not one slot's worth
    // of bytes per node.
    let mut vals: Vec<Option<Box<Value>>> = vec![None; graph.len()];
    let mut exact_bits: u64 = 0;
    // Consumers still to be computed, per node (only when values are dropped).
    let mut pending: Vec<u32> = Vec::new();
    if let Some(roots) = only {
        pending = vec![0; graph.len()];
        for (i, node) in graph.nodes().iter().enumerate() {
            if needed[i] {
                for c in node.children() {
                    pending[c.index()] += 1;
                }
            }
        }
        // Roots are kept whatever uses them.
        for r in roots {
            pending[r.index()] = u32::MAX;
        }
    }
    for (i, node) in graph.nodes().iter().enumerate() {
        if !needed[i] {
            continue;
        }

        let id = NodeId(i as u32);
        if let Some((_, v)) = overrides.iter().find(|(n, _)| *n == id) {
            vals[i] = Some(Box::new(v.clone()));
            continue;
        }
        // A named node is most often its definition's only consumer: the
        // value is then moved, not copied (the release below drops nothing).
        if let Node::Named(_, d) = node {
            if pending.get(d.index()) == Some(&1) {
                vals[i] = vals[d.index()].take();
                pending[d.index()] = 0;
                continue;
            }
        }
        let get = |c: NodeId| -> &Value { vals[c.index()].as_deref().expect("children come first") };
        let v = match node {
            Node::Lit(q) => Value::Exact(Q::clone(q)),
            Node::Leaf(sym) => Value::Exact(
                b.get(sym)
                    .cloned()
                    .ok_or_else(|| Failure::Domain(id, "a leaf without a value".into()))?,
            ),
            Node::Named(_, d) => get(*d).clone(),
            Node::Opaque(f, a) => {
                let s = Value::Exact(opaque_slope(b, *f, *a, id)?);
                arith(&s, get(*a), |x, y| x * y, |x, y| x.mul(y, prec))
            }
            Node::OpaquePrime(f, a) => Value::Exact(opaque_slope(b, *f, *a, id)?),
            Node::Neg(a) => match get(*a) {
                Value::Exact(q) => Value::Exact(-q),
                Value::Approx(iv) => Value::approx(iv.neg()),
            },
            Node::Add(a, c) => arith(get(*a), get(*c), |x, y| x + y, |x, y| x.add(y, prec)),
            Node::Sub(a, c) => arith(get(*a), get(*c), |x, y| x - y, |x, y| x.sub(y, prec)),
            Node::Mul(a, c) => arith(get(*a), get(*c), |x, y| x * y, |x, y| x.mul(y, prec)),
            Node::Div(a, c) => match (get(*a), get(*c)) {
                (_, Value::Exact(y)) if y.is_zero() => return Err(Failure::Domain(id, "division by zero".into())),
                (Value::Exact(x), Value::Exact(y)) => Value::Exact(x / y),
                (x, y) => Value::approx(
                    x.interval()
                        .div(&y.interval(), prec)
                        .map_err(|e| fail(e, id, "division by zero"))?,
                ),
            },
            Node::Pow(a, c) => power(get(*a), get(*c), prec, id)?,
            // Under `assume relu active` relu is the identity (see `Bindings`).
            Node::Call(Builtin::Relu, a) if b.relu_active() => get(*a).clone(),
            Node::Call(f, a) => call(*f, get(*a), prec).map_err(|e| fail(e, id, domain_phrase(*f, get(*a))))?,
        };
        vals[i] = Some(Box::new(bounded(v, prec, &mut exact_bits)));
        if !pending.is_empty() {
            release(node, &mut pending, &mut vals);
        }
    }
    Ok(vals)
}

/// `node` has been computed: each child it was the last consumer of is
/// dropped (unless a root).
fn release(node: &Node, pending: &mut [u32], vals: &mut [Option<Box<Value>>]) {
    for c in node.children() {
        let p = &mut pending[c.index()];
        if *p != u32::MAX {
            *p -= 1;
            if *p == 0 {
                vals[c.index()] = None;
            }
        }
    }
}

/// Largest exact value carried, in bits of numerator and denominator
/// (about 1,230 decimal digits, far past any course value; arithmetic on
/// larger ones made a 20,000-step derivation take minutes). A contracting linear recurrence
/// `h[t] = w*h[t-1] + 1` with `w = 1/2` doubles its denominator each step:
/// exact, its 10⁶th step alone would be a million bits and the steps
/// before it 60 GB in all.
pub const MAX_EXACT_BITS: u64 = 1 << 12;

/// Bits of exact values one evaluation holds in all (128 MB) before every
/// further value is carried as an enclosure.
pub const EXACT_BITS_BUDGET: u64 = 1 << 30;

/// `v`, or its certified enclosure at `prec` when it is exact and larger
/// than [`MAX_EXACT_BITS`], or the exact values held so far
/// (`held`, in bits) have reached [`EXACT_BITS_BUDGET`]. An enclosure is
/// as good for every check downstream: only `exact` in the output is lost.
/// `v`, or its enclosure at `prec` when it is exact and larger than
/// [`MAX_EXACT_BITS`]: for values that are not held, such as adjoints.
pub(crate) fn within_exact_bound(v: Value, prec: Prec) -> Value {
    match v {
        Value::Exact(q) if q.bits() > MAX_EXACT_BITS => Value::approx(Interval::point(q).round_outward(prec)),
        v => v,
    }
}

fn bounded(v: Value, prec: Prec, held: &mut u64) -> Value {
    match v {
        Value::Exact(q) => {
            let bits = q.bits();
            if bits > MAX_EXACT_BITS || held.saturating_add(bits) > EXACT_BITS_BUDGET {
                Value::approx(Interval::point(q).round_outward(prec))
            } else {
                *held += bits;
                Value::Exact(q)
            }
        }
        approx => approx,
    }
}

/// The slope the bindings give an opaque call.
fn opaque_slope(b: &Bindings, f: crate::vocab::SymId, arg: NodeId, id: NodeId) -> Result<Q, Failure> {
    b.opaque(f, arg)
        .cloned()
        .ok_or_else(|| Failure::Domain(id, "an opaque function without a value for its derivative".into()))
}

fn fail(e: IntervalError, id: NodeId, what: impl Into<String>) -> Failure {
    match e {
        IntervalError::Domain => Failure::Domain(id, what.into()),
        IntervalError::Undecided => Failure::Undecided(id),
    }
}

fn domain_phrase(f: Builtin, arg: &Value) -> String {
    let at = match arg {
        Value::Exact(q) => format!(" ({q})"),
        Value::Approx(_) => String::new(),
    };
    match f {
        Builtin::Ln => format!("ln of a non-positive number{at}"),
        Builtin::Sqrt => format!("square root of a negative number{at}"),
        Builtin::Step => "step at exactly 0".into(),
        Builtin::Exp => format!("exp of a number too large to represent (over 2^20){at}"),
        _ => format!("{} outside its domain{at}", f.name()),
    }
}

fn arith(
    a: &Value,
    b: &Value,
    exact: impl Fn(&Q, &Q) -> Q,
    approx: impl Fn(&Interval, &Interval) -> Interval,
) -> Value {
    match (a, b) {
        (Value::Exact(x), Value::Exact(y)) => Value::Exact(exact(x, y)),
        _ => Value::approx(approx(&a.interval(), &b.interval())),
    }
}

/// Largest integer exponent evaluated exactly; beyond it, enclosures.
const MAX_EXACT_POWER: i64 = 1 << 16;

/// `a^b` as the forward pass takes it at node `id`: exact while the result
/// stays small, otherwise an enclosure measured before it is built (past
/// the size limit, [`Unevaluable::Domain`] with `oversize`). Reverse-mode AD
/// takes its `b·a^(b−1)` through here too, so no route builds a power the
/// forward pass would refuse.
pub(crate) fn power_at(a: &Value, b: &Value, prec: Prec, id: NodeId) -> Result<Value, Unevaluable> {
    power(a, b, prec, id).map_err(Unevaluable::from)
}

fn power(a: &Value, b: &Value, prec: Prec, id: NodeId) -> Result<Value, Failure> {
    let domain = |e| fail(e, id, "a power outside its domain");
    let n = match b {
        Value::Exact(e) => e.to_i64(),
        Value::Approx(_) => None,
    };
    if let (Value::Exact(x), Some(n)) = (a, n.filter(|n| n.abs() <= MAX_EXACT_POWER)) {
        if x.bits().saturating_mul(n.unsigned_abs()) <= size::MAX_POWER_BITS {
            return x
                .pow(n)
                .map(Value::Exact)
                .ok_or(Failure::Domain(id, "a power outside its domain".into()));
        }
    }
    // An enclosure: measured before it is built, since a power can be far
    // larger than its operands (and `exp` has a bound on its argument).
    let (x, y) = (a.interval(), b.interval());
    let limit = if n.is_some() {
        size::MAX_POWER_BITS
    } else {
        size::MAX_REAL_POWER_BITS
    };
    match magnitude_bits(&x, &y) {
        Some((_, most)) if most > limit as f64 => {
            return Err(Failure::TooLarge(id, Oversize::of_bits(most, limit)));
        }
        // Every value in the box is below 2^-limit in size, so below
        // 2^-(prec + 64): an enclosure as narrow as the pass needs, whose
        // ends stay small numbers.
        Some((_, most)) if most < -(limit as f64) - 2.0 => {
            let tiny = Q::from_dyadic(1.into(), -i64::from(prec.0) - 64);
            let lo = if x.lo().is_negative() { -tiny.clone() } else { Q::zero() };
            return Ok(Value::approx(Interval::new(lo, tiny)));
        }
        _ => {}
    }
    match n.filter(|n| n.abs() <= MAX_EXACT_POWER) {
        Some(n) => x.powi(n, prec).map(Value::approx).map_err(domain),
        None => elementary::pow(&x, &y, prec).map(Value::approx).map_err(domain),
    }
}

/// The least and greatest of `y · log₂|x|` over the box of `x` and `y`
/// (a product over a box is extreme at its corners): the size of `x^y` in
/// bits, its sign saying large or small. `None` when the base may be 0 and
/// the exponent negative (the domain question `pow` answers).
fn magnitude_bits(x: &Interval, y: &Interval) -> Option<(f64, f64)> {
    use crate::number::size::log2_abs;
    let hi_log = log2_abs(x.lo()).into_iter().chain(log2_abs(x.hi())).reduce(f64::max)?;
    let lo_log = if x.contains_zero() {
        if y.lo().is_negative() {
            return None;
        }
        // |x| may be as small as 0, where a power at y >= 0 is 0 (or 1).
        f64::NEG_INFINITY
    } else {
        log2_abs(x.lo()).into_iter().chain(log2_abs(x.hi())).reduce(f64::min)?
    };
    let ys = [y.lo().approx_f64(), y.hi().approx_f64()];
    let mut corners = Vec::with_capacity(4);
    for l in [lo_log, hi_log] {
        for &v in &ys {
            // 0 · ∞ is the power 1 (x^0): no size at all.
            corners.push(if v == 0.0 || l == 0.0 { 0.0 } else { v * l });
        }
    }
    let least = corners.iter().copied().fold(f64::INFINITY, f64::min);
    let most = corners.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((least, most))
}

/// A built-in at a value, as the forward pass takes it (the check's tensor
/// formulas evaluate through here, so both agree on every domain).
pub(crate) fn apply_builtin(f: Builtin, a: &Value, prec: Prec) -> Result<Value, IntervalError> {
    call(f, a, prec)
}

fn call(f: Builtin, a: &Value, prec: Prec) -> Result<Value, IntervalError> {
    if let Value::Exact(x) = a {
        let exact = match f {
            Builtin::Relu => Some(if x.is_positive() { x.clone() } else { Q::zero() }),
            Builtin::Step => Some(if x.is_positive() { Q::one() } else { Q::zero() }),
            Builtin::Exp => elementary::exp_exact(x),
            Builtin::Ln if !x.is_positive() => return Err(IntervalError::Domain),
            Builtin::Ln => elementary::ln_exact(x),
            Builtin::Sqrt if x.is_negative() => return Err(IntervalError::Domain),
            Builtin::Sqrt => elementary::sqrt_exact(x),
            Builtin::Tanh => elementary::tanh_exact(x),
            Builtin::Sigmoid => elementary::sigmoid_exact(x),
        };
        if let Some(q) = exact {
            return Ok(Value::Exact(q));
        }
    }
    let iv = a.interval();
    Ok(Value::approx(match f {
        Builtin::Relu => iv.relu(),
        Builtin::Step => iv.step()?,
        Builtin::Exp if iv.hi() > &Q::int(elementary::EXP_ARG_LIMIT) => return Err(IntervalError::Domain),
        Builtin::Exp => elementary::exp(&iv, prec),
        Builtin::Ln => elementary::ln(&iv, prec)?,
        Builtin::Sqrt => elementary::sqrt(&iv, prec)?,
        Builtin::Tanh => elementary::tanh(&iv, prec),
        Builtin::Sigmoid => elementary::sigmoid(&iv, prec),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_precision_follows_the_missing_bits() {
        // a few bits short: just past them, and at least half as many again
        assert_eq!(next_bits(165, 10), 247);
        // far short (the width had grown along a recurrence): straight there
        assert_eq!(next_bits(165, 1000), 1197);
        assert_eq!(next_bits(10_000, 10_000), MAX_PREC_BITS);
        let tol = tolerance(40);
        assert_eq!(missing_bits(&Value::Exact(Q::one()), &tol), None);
        // [1, 1 + 2^-100]: 2^-100 wide, 10^-40 is about 2^-133
        let wide = Value::approx(Interval::new(Q::one(), Q::one() + Q::from_dyadic(1.into(), -100)));
        let m = missing_bits(&wide, &tol).unwrap();
        assert!((32..=35).contains(&m), "{m}");
    }
}
