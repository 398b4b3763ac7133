//! Reverse-mode automatic differentiation over the unrolled graph.

use super::{active_nodes, add, div, exact, mul, neg, refine, sub, Fail};
use crate::eval::forward::{forward_values, initial_bits, tolerance};
use crate::eval::{Bindings, Unevaluable, Value};
use crate::graph::{Builtin, Graph, Node, NodeId};
use crate::number::{elementary, Interval, IntervalError, Prec, Q};

/// ∂(of)/∂(wrt) at the bindings by reverse-mode AD over the graph: one forward
/// pass for the values, then one descending pass over ids from `of` down to
/// `wrt` accumulating adjoints (`adj[child] += adj[node] · ∂node/∂child`, once
/// per edge, so `x*x` contributes twice).
///
/// Local partials: Add/Sub ±1; Mul; Div `a/b`: `1/b` and `−(a/b)/b`; Pow with
/// an integer exponent `n`: `n·a^(n−1)`, otherwise `b·a^(b−1)`, and for the
/// exponent (only when it depends on `wrt`) `a^b·ln a`, which needs `a > 0`;
/// Neg; σ' = s(1−s) and tanh' = 1−t² from the node's own value; exp' = exp;
/// ln' = 1/x; sqrt' = 1/(2 sqrt x) (an error at 0); step' = 0 (an error at
/// exactly 0, a jump); relu' = 1 when `relu_active` (the model's `assume relu
/// active`), else 1 for z > 0, 0 for z < 0 and an error at exactly z = 0 (a
/// kink). A Named node passes its adjoint to its definition.
///
/// `wrt` may be an internal (Named) node: its adjoint is the derivative with
/// everything below it held fixed, since only its parents feed it. Only nodes
/// that both reach `wrt` and are reached from `of` carry adjoints; if `of`
/// does not depend on `wrt` the result is exactly 0.
///
/// The result is exact when every value involved is rational; otherwise a
/// certified enclosure, computed at doubling precision (as
/// [`crate::eval::evaluate`]) until narrower than `10^-digits`, absolutely and
/// relative to the value. Errors: [`Unevaluable::Domain`] for a forward domain
/// error or a point where a partial does not exist (its node is named);
/// [`Unevaluable::Precision`] when not certified at the maximum precision.
pub fn gradient_ad(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Value, Unevaluable> {
    gradient_over(
        graph,
        of,
        wrt,
        active_nodes(graph, of, wrt),
        bindings,
        relu_active,
        digits,
    )
}

/// The direct partial `∂of/∂wrt`: every named quantity other than `of` and
/// `wrt` is held fixed, as in one factor of a chain-rule product written
/// per equation (`∂h^{(2)}/∂w_1` is `x_1^{(2)}`, not the total through
/// `h^{(1)}`). Otherwise as [`gradient_ad`].
pub fn gradient_direct(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Value, Unevaluable> {
    let named = |_: usize, n: &Node| matches!(n, Node::Named(..));
    gradient_holding(graph, of, wrt, &named, bindings, relu_active, digits)
}

/// The partial of one operation by one of its own operands, every other
/// operand held fixed, even one that itself depends on `wrt`: the factor
/// `∂ŷ/∂z₅ = 1/z₉` of a chain written one operation per line, where
/// `ŷ = z₅/z₉` and `z₉ = z₅ + z₈`. `of` may be a named quantity; its
/// definition is the operation. Otherwise as [`gradient_ad`].
pub fn gradient_edge(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Value, Unevaluable> {
    let op = match graph.node(of) {
        Node::Named(_, d) => *d,
        _ => of,
    };
    gradient_holding(graph, of, wrt, &|i, _| i != op.index(), bindings, relu_active, digits)
}

/// True when `wrt` is an operand of the operation `of` is (or names).
pub fn is_operand(graph: &Graph, of: NodeId, wrt: NodeId) -> bool {
    let op = match graph.node(of) {
        Node::Named(_, d) => *d,
        _ => of,
    };
    graph.node(op).children().any(|c| c == wrt)
}

/// The partial of `of` at its step `t` with the quantities of other steps
/// held fixed: `∂c^{(t)}/∂u_f` in `∂L/∂u_f = Σ_t ∂L/∂c^{(t)} ∂c^{(t)}/∂u_f`
/// runs through f⁽ᵗ⁾ but not through c⁽ᵗ⁻¹⁾ or h⁽ᵗ⁻¹⁾ (the "copy of u_f
/// used at step t" of backpropagation through time). `of` without a step:
/// as [`gradient_direct`].
pub fn gradient_local(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Value, Unevaluable> {
    let step = match graph.node(of) {
        Node::Named(s, _) => s.step,
        _ => None,
    };
    let hold = |_: usize, n: &Node| match n {
        Node::Named(s, _) => step.is_none() || s.step != step,
        _ => false,
    };
    gradient_holding(graph, of, wrt, &hold, bindings, relu_active, digits)
}

/// `∂of/∂wrt` with the nodes between them for which `hold` (given the
/// node's index) is true held fixed.
fn gradient_holding(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    hold: &dyn Fn(usize, &Node) -> bool,
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Value, Unevaluable> {
    let mut active = active_nodes(graph, of, wrt);
    // A held named node between the two blocks the adjoint: nothing above
    // it reaches `wrt` except through it, so clearing it and recomputing
    // the nodes above in id order leaves only the other routes.
    for i in wrt.index() + 1..of.index() {
        let n = &graph.nodes()[i];
        if hold(i, n) {
            active[i] = false;
        } else if active[i] {
            active[i] = n.children().any(|c| active[c.index()]);
        }
    }
    if of.index() < active.len() && of != wrt {
        active[of.index()] = graph.nodes()[of.index()].children().any(|c| active[c.index()]);
    }
    gradient_over(graph, of, wrt, active, bindings, relu_active, digits)
}

fn gradient_over(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    active: Vec<bool>,
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Value, Unevaluable> {
    if of == wrt {
        return Ok(exact(Q::one()));
    }
    if !active.get(of.index()).copied().unwrap_or(false) {
        return Ok(exact(Q::zero()));
    }
    refine(initial_bits(digits), &tolerance(digits), of, |prec| {
        let vals = forward_values(graph, &[of], bindings, prec, &[])?;
        let mut all = backward(graph, of, &[wrt], &vals, &active, bindings, relu_active, prec)?;
        Ok(all.pop().expect("one target, one adjoint"))
    })
}

/// `∂of/∂t` for every `t` of `targets` by one forward pass and one
/// reverse sweep (per precision tried), as [`gradient_ad`] gives each:
/// checking a matrix-form derivation entry by entry costs one sweep, not
/// one per entry. Each result is certified to `10^-digits`.
pub fn gradients_ad(
    graph: &Graph,
    of: NodeId,
    targets: &[NodeId],
    bindings: &Bindings,
    relu_active: bool,
    digits: u32,
) -> Result<Vec<Value>, Unevaluable> {
    let Some(&lowest) = targets.iter().min() else {
        return Ok(Vec::new());
    };
    let reach = graph.reachable(&[of]);
    let mut active = vec![false; graph.len()];
    for t in targets {
        if t.index() < active.len() && t <= &of && reach[t.index()] {
            active[t.index()] = true;
        }
    }
    for i in lowest.index() + 1..=of.index() {
        if reach[i] && !active[i] {
            active[i] = graph.nodes()[i].children().any(|c| active[c.index()]);
        }
    }
    let tol = tolerance(digits);
    let mut bits = initial_bits(digits).min(crate::eval::forward::MAX_PREC_BITS);
    loop {
        let attempt = forward_values(graph, &[of], bindings, Prec(bits), &[])
            .map_err(Fail::from)
            .and_then(|vals| backward(graph, of, targets, &vals, &active, bindings, relu_active, Prec(bits)));
        let node = match attempt {
            Ok(vs) if vs.iter().all(|v| crate::eval::forward::certified(v, &tol)) => return Ok(vs),
            Ok(_) => of,
            Err(Fail::Domain(node, what)) => {
                return Err(Unevaluable::Domain {
                    node,
                    what,
                    oversize: None,
                })
            }
            Err(Fail::TooLarge(u)) => return Err(u),
            Err(Fail::Undecided(node)) => node,
        };
        if bits >= crate::eval::forward::MAX_PREC_BITS {
            return Err(Unevaluable::Precision { node });
        }
        bits = bits.saturating_mul(2).min(crate::eval::forward::MAX_PREC_BITS);
    }
}

/// The adjoints of `targets`, from the forward values `vals` at precision
/// `prec`, in one sweep from `of` down to the lowest target.
#[allow(clippy::too_many_arguments)]
fn backward(
    graph: &Graph,
    of: NodeId,
    targets: &[NodeId],
    vals: &[Option<Value>],
    active: &[bool],
    bindings: &Bindings,
    relu_active: bool,
    prec: Prec,
) -> Result<Vec<Value>, Fail> {
    let val = |c: NodeId| vals[c.index()].as_ref().expect("needed nodes have values");
    let mut adj: Vec<Option<Value>> = vec![None; of.index() + 1];
    adj[of.index()] = Some(exact(Q::one()));
    let wrt = *targets.iter().min().expect("at least one target");
    let mut found: Vec<Option<Value>> = vec![None; targets.len()];
    let mut at: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    for (k, t) in targets.iter().enumerate() {
        if *t == of {
            found[k] = Some(exact(Q::one()));
        } else if t.index() < of.index() {
            at.entry(t.index()).or_default().push(k);
        }
    }
    let push = |adj: &mut Vec<Option<Value>>, c: NodeId, v: Value| {
        let slot = &mut adj[c.index()];
        let sum = match slot.take() {
            None => v,
            Some(old) => add(&old, &v, prec),
        };
        *slot = Some(crate::eval::forward::within_exact_bound(sum, prec));
    };
    for i in (wrt.index() + 1..=of.index()).rev() {
        let Some(g) = adj[i].take() else { continue };
        if let Some(ks) = at.get(&i) {
            for &k in ks {
                found[k] = Some(g.clone());
            }
        }
        let id = NodeId(i as u32);
        let on = |c: NodeId| active[c.index()];
        match graph.node(id) {
            Node::Lit(_) | Node::Leaf(_) | Node::OpaquePrime(..) => {}
            Node::Opaque(f, a) => {
                if on(*a) {
                    let s = bindings
                        .opaque(*f, *a)
                        .cloned()
                        .ok_or_else(|| Fail::Domain(id, "an opaque function without a derivative".into()))?;
                    push(&mut adj, *a, mul(&g, &exact(s), prec));
                }
            }
            Node::Named(_, d) => {
                if on(*d) {
                    push(&mut adj, *d, g);
                }
            }
            Node::Neg(a) => push(&mut adj, *a, neg(&g)),
            Node::Add(a, b) => {
                if on(*a) {
                    push(&mut adj, *a, g.clone());
                }
                if on(*b) {
                    push(&mut adj, *b, g);
                }
            }
            Node::Sub(a, b) => {
                if on(*a) {
                    push(&mut adj, *a, g.clone());
                }
                if on(*b) {
                    push(&mut adj, *b, neg(&g));
                }
            }
            Node::Mul(a, b) => {
                if on(*a) {
                    push(&mut adj, *a, mul(&g, val(*b), prec));
                }
                if on(*b) {
                    push(&mut adj, *b, mul(&g, val(*a), prec));
                }
            }
            Node::Div(a, b) => {
                let by_b = |v: &Value| div(v, val(*b), prec).map_err(|e| Fail::interval(e, id, "division by zero"));
                if on(*a) {
                    push(&mut adj, *a, by_b(&g)?);
                }
                if on(*b) {
                    // ∂(a/b)/∂b = −(a/b)/b
                    push(&mut adj, *b, neg(&by_b(&mul(&g, val(id), prec))?));
                }
            }
            Node::Pow(a, b) => {
                if on(*a) {
                    let d = pow_base_partial(val(*a), val(*b), prec, id)?;
                    push(&mut adj, *a, mul(&g, &d, prec));
                }
                if on(*b) {
                    let d = pow_exponent_partial(val(*a), val(id), prec)
                        .map_err(|e| Fail::interval(e, id, "a power whose exponent varies needs a positive base"))?;
                    push(&mut adj, *b, mul(&g, &d, prec));
                }
            }
            Node::Call(f, a) => {
                if on(*a) {
                    let d = call_partial(*f, val(*a), val(id), relu_active, prec, id)?;
                    push(&mut adj, *a, mul(&g, &d, prec));
                }
            }
        }
    }
    if let Some(ks) = at.get(&wrt.index()) {
        let g = adj[wrt.index()].take();
        for &k in ks {
            found[k] = g.clone();
        }
    }
    Ok(found
        .into_iter()
        .map(|v| v.unwrap_or_else(|| exact(Q::zero())))
        .collect())
}

/// `∂(a^b)/∂a = b·a^(b−1)`, the power taken as the forward pass takes it
/// (exact while small, measured before it is built).
fn pow_base_partial(a: &Value, b: &Value, prec: Prec, id: NodeId) -> Result<Value, Fail> {
    if matches!(b, Value::Exact(e) if e.is_zero()) {
        return Ok(exact(Q::zero()));
    }
    let b1 = sub(b, &exact(Q::one()), prec);
    let p = crate::eval::forward::power_at(a, &b1, prec, id).map_err(|u| match u {
        Unevaluable::Domain { oversize: None, .. } => {
            Fail::Domain(id, "a power not differentiable in its base here".into())
        }
        Unevaluable::Precision { .. } => Fail::Undecided(id),
        too_large => Fail::TooLarge(too_large),
    })?;
    Ok(mul(b, &p, prec))
}

/// `∂(a^b)/∂b = a^b · ln a`, for `a > 0`.
fn pow_exponent_partial(a: &Value, value: &Value, prec: Prec) -> Result<Value, IntervalError> {
    let ln = match a {
        Value::Exact(x) if !x.is_positive() => return Err(IntervalError::Domain),
        Value::Exact(x) => match elementary::ln_exact(x) {
            Some(q) => exact(q),
            None => Value::approx(elementary::ln(&a.interval(), prec)?),
        },
        Value::Approx(iv) => Value::approx(elementary::ln(iv, prec)?),
    };
    Ok(mul(value, &ln, prec))
}

/// The local partial of a built-in at argument `a`, where its value is `v`.
fn call_partial(f: Builtin, a: &Value, v: &Value, relu_active: bool, prec: Prec, id: NodeId) -> Result<Value, Fail> {
    let one = exact(Q::one());
    let sign = |what: &str| -> Result<Option<bool>, Fail> {
        // Some(true) for a > 0, Some(false) for a < 0; None at exactly 0.
        match a {
            Value::Exact(x) if x.is_zero() => Err(Fail::Domain(id, what.to_string())),
            Value::Exact(x) => Ok(Some(x.is_positive())),
            Value::Approx(iv) if iv.lo().is_positive() => Ok(Some(true)),
            Value::Approx(iv) if iv.hi().is_negative() => Ok(Some(false)),
            Value::Approx(_) => Err(Fail::Undecided(id)),
        }
    };
    Ok(match f {
        Builtin::Sigmoid => mul(v, &sub(&one, v, prec), prec),
        Builtin::Tanh => match v {
            Value::Exact(t) => exact(Q::one() - t * t),
            Value::Approx(iv) => {
                let sq = iv.powi(2, prec).map_err(|e| Fail::interval(e, id, "tanh"))?;
                Value::approx(Interval::point(Q::one()).sub(&sq, prec))
            }
        },
        Builtin::Exp => v.clone(),
        Builtin::Ln => div(&one, a, prec).map_err(|e| Fail::interval(e, id, "ln of a non-positive number"))?,
        Builtin::Sqrt => {
            let twice = mul(&exact(Q::int(2)), v, prec);
            div(&one, &twice, prec).map_err(|e| Fail::interval(e, id, "sqrt is not differentiable at 0"))?
        }
        Builtin::Relu if relu_active => one,
        Builtin::Relu => match sign("relu is not differentiable at exactly 0 (a kink)")? {
            Some(true) => one,
            _ => exact(Q::zero()),
        },
        Builtin::Step => {
            sign("step is not differentiable at exactly 0 (a jump)")?;
            exact(Q::zero())
        }
    })
}
