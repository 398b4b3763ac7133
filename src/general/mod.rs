//! Derivations at a general step `t` (LANGUAGE.md §5): the
//! backpropagation-through-time recurrence of `∂L/∂h^{(t)}`, the product
//! form of `∂L/∂h^{(0)}`, and `∂L/∂w` as a sum over steps.
//!
//! Each recurrence is differentiated once, one step of the network on its
//! own (`components`); the result is then checked by instantiation at
//! horizons 1 to 6 against the unrolled engine (`instantiate`). A layer of
//! its own above `calculus`: it builds on the unrolled graph and the path
//! machinery, and nothing below it knows it exists.

pub mod analysis;
pub mod components;
pub mod instantiate;

use crate::graph::{Key, UnrollError};
use crate::model::{Model, SymKind};
use crate::vocab::steps::HORIZON;
use crate::vocab::SymId;
use analysis::{shape, Shape};
use components::{components, param_parts, At, Components, Expr, ParamParts};
use instantiate::{add_mul, agrees, body_applies, next_applies, point_applies, Instance};

/// Horizons every general result is checked at.
pub const CHECKED_HORIZONS: std::ops::RangeInclusive<i64> = 1..=6;

/// Why a general derivation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum GeneralError {
    #[error("a general derivation needs the horizon as a const (`const T`) used in the model's sums or indices")]
    #[diagnostic(
        code(general::horizon),
        help("write the loss with `T`: `L = ell(h[T])` or `J = sum(t = 1..T, ...)`")
    )]
    NoHorizon,
    #[error("a general derivation needs one horizon, but {} are used as horizons", .0.join(", "))]
    #[diagnostic(code(general::horizon))]
    ManyHorizons(Vec<String>),
    #[error("`{0}` looks ahead (`{0}[t+1]`): general derivations are for recurrences that look back")]
    #[diagnostic(code(general::looks_ahead))]
    LooksAhead(String),
    #[error("`{0}` has an equation of its own at step {1}: a general derivation needs its recurrence to hold from step 1 on")]
    #[diagnostic(code(general::fixed_step))]
    FixedLate(String, i64),
    #[error("no quantity reads an earlier step of a sequence: there is no recurrence to differentiate")]
    #[diagnostic(code(general::no_recurrence))]
    NoRecurrence,
    #[error("`{0}` is not a plain quantity: --general differentiates a loss such as `L` or `J`")]
    #[diagnostic(
        code(general::of),
        help("define the loss as a plain quantity (`L = ell(h[T])`) and ask for it")
    )]
    NotPlain(String),
    #[error("the sums in the loss must all run over the same steps, `lo..T` or `lo..T-k` with a number `lo`")]
    #[diagnostic(code(general::sum_bounds))]
    SumBounds,
    #[error("the loss reads `{0}` at a step that is neither near 0 nor near T, outside a sum over steps")]
    #[diagnostic(code(general::loss))]
    LossAtGenericStep(String),
    #[error("--wrt {0}: {1}")]
    #[diagnostic(
        code(general::wrt),
        help("with --general, --wrt names a state at the step variable (`h[t]`), a state at a fixed step (`h[0]`), or a parameter (`w`)")
    )]
    Wrt(String, String),
    #[error("--wrt {0}: {1}")]
    #[diagnostic(
        code(general::wrt),
        help("on a vector model, --general derives by a vector or matrix parameter (`--wrt W`) or a state at the step variable (`--wrt 'h[t]'`)")
    )]
    MatrixWrt(String, String),
    #[error("one step of the network has too many paths to write out")]
    #[diagnostic(code(general::too_large))]
    TooLarge,
    #[error("a value of an instance could not be certified")]
    #[diagnostic(code(general::unevaluable))]
    Unevaluable,
    #[error("the model at horizon {0}: {1}")]
    #[diagnostic(code(general::instance))]
    Instance(i64, String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Unroll(#[from] UnrollError),
}

impl GeneralError {
    /// The span the error points at, if any.
    pub fn span(&self) -> Option<crate::syntax::Span> {
        match self {
            GeneralError::Unroll(e) => e.span(),
            _ => None,
        }
    }
}

/// The model at a horizon: `at(name, n)` is the model with its const
/// `name` set to `n`. The caller loads it (this layer reads no text).
pub type ModelAt<'a> = &'a dyn Fn(&str, i64) -> Result<Model, GeneralError>;

/// What a general derivation is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrt {
    /// A state at the step variable: its recurrence (`h[t]`).
    State(SymId),
    /// A state at a fixed step (`h[0]`): the product form.
    StateAt(SymId, i64),
    /// A parameter: the sum over steps.
    Param(SymId),
}

/// One step `t` of a check by instantiation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance1 {
    /// The horizon.
    pub horizon: i64,
    /// The step (none for a derivative by a parameter).
    pub step: Option<i64>,
    pub verified: bool,
}

/// A general derivation: its parts, and the check.
pub struct General {
    pub of: SymId,
    pub wrt: Wrt,
    pub shape: Shape,
    pub components: Components,
    /// For a parameter: the parts of the sum over steps.
    pub param: Option<ParamParts>,
    /// The instances checked.
    pub instances: Vec<Instance1>,
    pub verified: bool,
}

/// Reads `--wrt` for a general derivation.
fn read_wrt(model: &Model, text: &str) -> Result<Wrt, GeneralError> {
    use crate::syntax::ast::ExprKind;
    let bad = |why: &str| GeneralError::Wrt(text.to_string(), why.to_string());
    let e = crate::syntax::parse_expr(text).map_err(|_| bad("not a name"))?;
    let name = match &e.kind {
        ExprKind::Name(id) | ExprKind::Index(id, _) => Some(id.name.as_str()),
        _ => None,
    };
    if name.is_some_and(|n| model.tensors.get(n).is_some()) {
        return Err(bad(
            "a vector or matrix: vector models are derived at a general step in matrix form (`chainrule::derive_matrix_general`, which the command line uses)",
        ));
    }
    match &e.kind {
        ExprKind::Name(id) => match model.lookup(&id.name) {
            Some(s) if matches!(model.symbol(s).kind, SymKind::Param { .. }) => Ok(Wrt::Param(s)),
            _ => Err(bad("not a parameter of the model")),
        },
        ExprKind::Index(id, idx) => {
            let s = model
                .lookup(&id.name)
                .ok_or_else(|| bad("not a quantity of the model"))?;
            if !matches!(model.symbol(s).kind, SymKind::Sequence(_)) {
                return Err(bad("not a quantity with steps"));
            }
            match &idx.kind {
                ExprKind::Num(k) => Ok(Wrt::StateAt(
                    s,
                    k.to_i64().ok_or_else(|| bad("the step is not a whole number"))?,
                )),
                ExprKind::Name(v) if model.lookup(&v.name).is_none() => Ok(Wrt::State(s)),
                _ => Err(bad("the step must be the step variable (`t`) or a number")),
            }
        }
        _ => Err(bad("not a single name")),
    }
}

/// Derives `of` by `wrt` at a general step, and checks the result at
/// horizons 1 to 6. `plain` is the model as loaded; `at` gives it at any
/// horizon (see [`ModelAt`]).
pub fn derive_general(plain: &Model, at: ModelAt, of: &str, wrt: &str, seed: u64) -> Result<General, GeneralError> {
    let of_id = plain
        .lookup(of.trim())
        .ok_or_else(|| GeneralError::NotPlain(of.to_string()))?;
    let sh = shape(plain, of_id)?;
    let wrt = read_wrt(plain, wrt)?;
    match wrt {
        Wrt::State(q) | Wrt::StateAt(q, _) if !sh.states.contains(&q) => {
            return Err(GeneralError::Wrt(
                wrt_text(plain, wrt),
                "no equation reads it at an earlier step: it is not a state of a recurrence".into(),
            ))
        }
        _ => {}
    }
    let horizon = plain.symbol(sh.horizon).name.clone();
    let big = at(&horizon, HORIZON)?;
    let mut comps = components(&big, &sh, of_id)?;
    let param = match wrt {
        Wrt::Param(w) => Some(param_parts(&big, &sh, of_id, w, &mut comps)?),
        _ => None,
    };
    let mut g = General {
        of: of_id,
        wrt,
        shape: sh,
        components: comps,
        param,
        instances: Vec::new(),
        verified: true,
    };
    check(&mut g, &horizon, at, seed)?;
    Ok(g)
}

/// Checks `g` by instantiation at every horizon of [`CHECKED_HORIZONS`]
/// (`horizon` is the name of the horizon const), replacing its instances
/// and verdict.
pub fn check(g: &mut General, horizon: &str, at: ModelAt, seed: u64) -> Result<(), GeneralError> {
    g.instances.clear();
    g.verified = true;
    for n in CHECKED_HORIZONS {
        let model = at(horizon, n)?;
        let checked = check_at(&model, g, n, seed.wrapping_mul(7919).wrapping_add(n as u64))?;
        g.verified &= checked.iter().all(|i| i.verified);
        g.instances.extend(checked);
    }
    Ok(())
}

/// How `--wrt` reads back: `h[t]`, `h[0]`, `w`.
pub fn wrt_text(model: &Model, wrt: Wrt) -> String {
    match wrt {
        Wrt::State(q) => format!("{}[t]", model.symbol(q).name),
        Wrt::StateAt(q, k) => crate::vocab::at_step(&model.symbol(q).name, k),
        Wrt::Param(w) => model.symbol(w).name.clone(),
    }
}

/// The order states' adjoints are computed in at one step: a state whose
/// adjoint reads another's at the same step (`δ_c^{(t)}` reads `δ_h^{(t)}`
/// when `h^{(t)}` reads `c^{(t)}`) comes after it.
fn same_step_order(g: &General) -> Vec<SymId> {
    let mut order: Vec<SymId> = Vec::new();
    let mut left: Vec<SymId> = g.shape.states.clone();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|&q| {
            let ready = g.components.adjoints[&q]
                .next
                .iter()
                .filter(|n| n.j == 0)
                .all(|n| order.contains(&n.p));
            if ready {
                order.push(q);
            }
            !ready
        });
        if left.len() == before {
            // A same-step cycle cannot be (the model forbids it); keep going.
            order.append(&mut left);
        }
    }
    order
}

/// Every adjoint `∂L/∂q^{(t)}` at horizon `n` from the general recurrence,
/// evaluated in the instance: `adjoint[(q, t)]`.
fn recurrence_values(
    inst: &mut Instance,
    g: &General,
) -> Result<std::collections::HashMap<(SymId, i64), crate::eval::Value>, GeneralError> {
    use crate::eval::Value;
    use crate::number::Q;
    let n = inst.n;
    let order = same_step_order(g);
    let mut delta: std::collections::HashMap<(SymId, i64), Value> = Default::default();
    for t in (0..=n).rev() {
        for &q in &order {
            let a = &g.components.adjoints[&q];
            let mut v = Value::Exact(Q::zero());
            for next in &a.next {
                if !next_applies(next.j, t, n) {
                    continue;
                }
                let Some(dp) = delta.get(&(next.p, t + next.j)).cloned() else {
                    continue;
                };
                let node = inst.build(&g.components, next.partial, t, g.shape.horizon)?;
                v = add_mul(&v, &dp, &inst.value(node)?);
            }
            for &(d, e) in &a.body {
                if body_applies(g.shape.sum_bounds, d, t, n) {
                    let node = inst.build(&g.components, e, t, g.shape.horizon)?;
                    v = v.add(&inst.value(node)?, crate::number::Prec(400));
                }
            }
            for &(at, e) in &a.points {
                if point_applies(at, t, n) {
                    let node = inst.build(&g.components, e, t, g.shape.horizon)?;
                    v = v.add(&inst.value(node)?, crate::number::Prec(400));
                }
            }
            delta.insert((q, t), v);
        }
    }
    Ok(delta)
}

/// The general result at horizon `n`, step by step, against AD.
fn check_at(model: &Model, g: &General, n: i64, seed: u64) -> Result<Vec<Instance1>, GeneralError> {
    let mut inst = Instance::new(model, n, g.of, seed)?;
    let delta = recurrence_values(&mut inst, g)?;
    let mut out = Vec::new();
    match g.wrt {
        Wrt::State(_) => {
            // Every state's recurrence, at every step.
            for t in 0..=n {
                let mut ok = true;
                for &q in &g.shape.states {
                    let node = inst.un.element(Key::Elem(q, t), Default::default())?;
                    ok &= agrees(&delta[&(q, t)], &inst.ad(node)?);
                }
                out.push(Instance1 {
                    horizon: n,
                    step: Some(t),
                    verified: ok,
                });
            }
        }
        Wrt::StateAt(q, k) => {
            if k <= n {
                let node = inst.un.element(Key::Elem(q, k), Default::default())?;
                let formula = product_value(&mut inst, g, q, k)?;
                let ad = inst.ad(node)?;
                let ok = agrees(&delta[&(q, k)], &ad) && formula.as_ref().is_none_or(|f| agrees(f, &ad));
                out.push(Instance1 {
                    horizon: n,
                    step: Some(k),
                    verified: ok,
                });
            }
        }
        Wrt::Param(w) => {
            let node = inst.un.leaf(crate::vocab::Sym { id: w, step: None })?;
            let sum = param_value(&mut inst, g, &delta)?;
            out.push(Instance1 {
                horizon: n,
                step: None,
                verified: agrees(&sum, &inst.ad(node)?),
            });
        }
    }
    Ok(out)
}

/// The single term `∂L/∂q^{(t)} = ∂L/∂q^{(t+1)} · ∂q^{(t+1)}/∂q^{(t)} + …` of
/// a state that only feeds itself one step ahead: when there is one, the
/// product form applies.
pub fn product_form(g: &General, q: SymId) -> Option<Expr> {
    let a = &g.components.adjoints[&q];
    let only_self = a.next.len() == 1 && a.next[0].p == q && a.next[0].j == 1;
    (g.shape.states.len() == 1 && only_self)
        .then(|| g.components.step_back.get(&q).copied())
        .flatten()
}

/// `∂L/∂q^{(k)} = Σ_{s=k}^{T} c_s ∏_{t=k+1}^{s} ∂q^{(t)}/∂q^{(t−1)}`, with
/// `c_s` the loss's direct terms at `s`, evaluated; `None` when the product
/// form does not apply.
fn product_value(
    inst: &mut Instance,
    g: &General,
    q: SymId,
    k: i64,
) -> Result<Option<crate::eval::Value>, GeneralError> {
    use crate::eval::Value;
    use crate::number::{Prec, Q};
    let Some(step) = product_form(g, q) else {
        return Ok(None);
    };
    let n = inst.n;
    let a = &g.components.adjoints[&q];
    let mut total = Value::Exact(Q::zero());
    let mut product = Value::Exact(Q::one());
    for s in k..=n {
        if s > k {
            let node = inst.build(&g.components, step, s, g.shape.horizon)?;
            product = product.mul(&inst.value(node)?, Prec(400));
        }
        let mut c = Value::Exact(Q::zero());
        for &(d, e) in &a.body {
            if body_applies(g.shape.sum_bounds, d, s, n) {
                let node = inst.build(&g.components, e, s, g.shape.horizon)?;
                c = c.add(&inst.value(node)?, Prec(400));
            }
        }
        for &(at, e) in &a.points {
            if point_applies(at, s, n) {
                let node = inst.build(&g.components, e, s, g.shape.horizon)?;
                c = c.add(&inst.value(node)?, Prec(400));
            }
        }
        total = add_mul(&total, &c, &product);
    }
    Ok(Some(total))
}

/// `∂L/∂w = Σ_{t=1}^{T} Σ_q ∂L/∂q^{(t)} ∂q^{(t)}/∂w + Σ_t ∂ℓ_t/∂w + ∂L/∂w|rest`.
fn param_value(
    inst: &mut Instance,
    g: &General,
    delta: &std::collections::HashMap<(SymId, i64), crate::eval::Value>,
) -> Result<crate::eval::Value, GeneralError> {
    use crate::eval::Value;
    use crate::number::{Prec, Q};
    let n = inst.n;
    let parts = g.param.as_ref().expect("a parameter's parts");
    let mut total = Value::Exact(Q::zero());
    // Each state's equation holds from step 1 on.
    for t in 1..=n {
        for &(q, e) in &parts.local {
            let node = inst.build(&g.components, e, t, g.shape.horizon)?;
            total = add_mul(&total, &delta[&(q, t)], &inst.value(node)?);
        }
    }
    // The loss's summands, wherever its sum runs.
    for t in 0..=n {
        if let (Some(e), true) = (parts.body, body_applies(g.shape.sum_bounds, 0, t, n)) {
            let node = inst.build(&g.components, e, t, g.shape.horizon)?;
            total = total.add(&inst.value(node)?, Prec(400));
        }
    }
    if let Some(e) = parts.rest {
        let node = inst.build(&g.components, e, 0, g.shape.horizon)?;
        total = total.add(&inst.value(node)?, Prec(400));
    }
    Ok(total)
}

/// Which of a state's adjoint terms apply at `t` (for display): the
/// indices of `next`, `body` and `points` active at step `t` of a horizon
/// `n` far from `t` when `near_start`, or with `t` far from 0 otherwise.
pub fn active_terms(g: &General, q: SymId, t: i64, n: i64) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let a = &g.components.adjoints[&q];
    let next = (0..a.next.len()).filter(|&i| next_applies(a.next[i].j, t, n)).collect();
    let body = (0..a.body.len())
        .filter(|&i| body_applies(g.shape.sum_bounds, a.body[i].0, t, n))
        .collect();
    let points = (0..a.points.len())
        .filter(|&i| point_applies(a.points[i].0, t, n))
        .collect();
    (next, body, points)
}

/// `At` as a step where it is displayed: `Start(k)` is `k`, `End(m)` is
/// `T − m` (at the symbolic horizon).
pub fn at_step(at: At) -> i64 {
    match at {
        At::Start(k) => k,
        At::End(m) => HORIZON - m,
    }
}
