//! `derive --general` on a vector model (LANGUAGE.md §5, "vector models
//! get the matrix form"): backpropagation through time at a symbolic step
//! `t`, as a textbook writes it,
//!
//! ```text
//! ∇_{h^{(T)}} L = V^⊤ (ŷ^{(T)} − y^{(T)})
//! ∇_{h^{(t)}} L = V^⊤ (ŷ^{(t)} − y^{(t)}) + U^⊤ diag(1 − h^{(t+1)} ⊙ h^{(t+1)}) ∇_{h^{(t+1)}} L,  1 ≤ t < T
//! ∇_W L = Σ_{t=1}^{T} diag(1 − h^{(t)} ⊙ h^{(t)}) ∇_{h^{(t)}} L x^{(t)⊤}
//! ```
//!
//! **How.** The matrix form ([`crate::matrix`]) is derived at a horizon
//! [`DERIVED_AT`] far from both ends, and each adjoint is read off at a
//! step in the middle, its step numbers written relative to that step
//! (`h[9]` at step 8 is `h[t+1]`); near the horizon they are written
//! relative to `T`. The general formula must give back the concrete one,
//! exactly as written, at every step of its range, or nothing is claimed.
//!
//! **Proven** by instantiation, as every general result is: at horizons
//! `T = 1 … 6`, with seeded random parameters and data, every formula is
//! written out at its steps and checked entry by entry against
//! reverse-mode AD by [`crate::matrix`]'s own check. A layer of its own
//! above `matrix` and `general`; nothing below it knows it exists.

mod instance;

use crate::general::{GeneralError, Instance1, CHECKED_HORIZONS};
use crate::matrix::build::{mk, name, num, same};
use crate::matrix::steps::{evaluate_number_steps, substitute};
use crate::matrix::{derive_formulas, At, MatrixError};
use crate::model::Model;
use crate::shape::Shape;
use crate::syntax::ast::{AddOp, Expr, ExprKind, Lhs, Stmt, StmtKind};
use instance::{at_horizon, check_instance, Data};

/// The horizon the formulas are derived at.
pub const DERIVED_AT: i64 = 16;
/// The step in the middle whose formulas are made general.
const MIDDLE: i64 = DERIVED_AT / 2;
/// How far from the middle step, from the horizon or from 0 a step number
/// may be and still be read relative to it.
const RADIUS: i64 = 2;

/// Where a formula holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// `lo ≤ t ≤ T − off`.
    Steps { lo: i64, off: i64 },
    /// At `T − off` only.
    End(i64),
    /// At a fixed step.
    Fixed(i64),
    /// A quantity without steps.
    Plain,
}

/// One adjoint formula at a general step.
#[derive(Clone, Debug)]
pub struct Formula {
    pub name: String,
    pub range: Range,
    /// In `t` (the step variable) and `T` (the horizon).
    pub formula: Expr,
}

/// What `--wrt` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GeneralWrt {
    /// A vector or matrix parameter: the sum over steps.
    Param(String),
    /// A state at the step variable (`h[t]`): its recurrence.
    State(String),
}

/// A matrix-form derivation at a general step, and its check.
#[derive(Clone, Debug)]
pub struct MatrixGeneral {
    /// The loss.
    pub of: String,
    pub wrt: GeneralWrt,
    /// The step variable (`t`) and the horizon const (`T`).
    pub var: String,
    pub horizon: String,
    /// The shape of the gradient (of the state, for `h[t]`).
    pub shape: Shape,
    /// The model's equations on the way, as written.
    pub forward: Vec<Stmt>,
    /// From the loss down: each quantity's formulas, the one at `T` first.
    pub adjoints: Vec<Formula>,
    /// Softmax outputs folded with cross-entropy into `ŷ − y`: the output
    /// and its target. The fold assumes the target's entries sum to 1.
    pub softmax_ce: Vec<(String, String)>,
    /// `∇_W L` as a sum over steps (for a parameter).
    pub gradient: Option<Expr>,
    /// Each instance: horizon, step (none for the gradient), agreement.
    pub instances: Vec<Instance1>,
    pub seed: u64,
    pub verified: bool,
}

fn wrap(e: MatrixError) -> GeneralError {
    match e {
        MatrixError::Query(s) => GeneralError::Instance(DERIVED_AT, s),
        other => GeneralError::Instance(DERIVED_AT, other.to_string()),
    }
}

fn unsupported(why: String) -> GeneralError {
    GeneralError::Instance(
        DERIVED_AT,
        format!("the matrix form at a general step does not cover {why} yet"),
    )
}

/// True when `--wrt` names a vector or matrix, or a vector quantity at a
/// step: the general derivation is then in matrix form.
pub fn applies(model: &Model, wrt: &str) -> bool {
    let Ok(e) = crate::syntax::parse_expr(wrt.trim()) else {
        return false;
    };
    match &e.kind {
        ExprKind::Name(id) | ExprKind::Index(id, _) => model.tensors.get(&id.name).is_some(),
        _ => false,
    }
}

/// The step variable of the model's recurrences (`t` in `h[t] = …`).
fn step_variable(model: &Model) -> Option<String> {
    model.tensors.source.stmts.iter().find_map(|s| match &s.kind {
        StmtKind::Equation(Lhs::Indexed(_, k), _) => match &k.kind {
            ExprKind::Name(v) if model.lookup(&v.name).is_none() => Some(v.name.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// Derives `∇_{wrt} of` at a general step in matrix form and checks it
/// at horizons 1 to 6.
pub fn derive(model: &Model, of: &str, wrt: &str, seed: u64) -> Result<MatrixGeneral, GeneralError> {
    let of_id = model
        .lookup(of.trim())
        .ok_or_else(|| GeneralError::NotPlain(of.to_string()))?;
    let sh = crate::general::analysis::shape(model, of_id)?;
    let horizon = model.symbol(sh.horizon).name.clone();
    let var = step_variable(model).ok_or(GeneralError::NoRecurrence)?;
    let bad = |why: &str| GeneralError::MatrixWrt(wrt.trim().to_string(), why.to_string());
    let e = crate::syntax::parse_expr(wrt.trim()).map_err(|_| bad("not a name"))?;
    let (wrt_kind, target) = match &e.kind {
        ExprKind::Name(id) => {
            let d = model.tensors.get(&id.name).ok_or_else(|| bad("not a vector or matrix"))?;
            if d.role.stepped() {
                return Err(bad("a quantity with steps: ask for it at the step variable (`h[t]`)"));
            }
            (GeneralWrt::Param(id.name.clone()), id.name.clone())
        }
        ExprKind::Index(id, k) if matches!(&k.kind, ExprKind::Name(v) if v.name == var) => {
            let entry = format!("{}[", id.name);
            let is_state = sh.states.iter().any(|&q| {
                let n = &model.symbol(q).name;
                *n == id.name || n.starts_with(&entry)
            });
            if !is_state {
                return Err(bad(
                    "no equation reads it at an earlier step: it is not a state of a recurrence (ask for a state such as `h[t]`, or a parameter)",
                ));
            }
            (GeneralWrt::State(id.name.clone()), format!("{}[0]", id.name))
        }
        ExprKind::Index(..) => {
            return Err(bad(
                "a fixed step; the matrix form at a general step covers states at the step variable and parameters (for one horizon, leave out --general)",
            ))
        }
        _ => return Err(bad("not a single name")),
    };
    let data = Data::of(model, &horizon)?;
    let big = at_horizon(model, &data, DERIVED_AT, seed)?;
    let input = derive_formulas(&big, of.trim(), &target).map_err(wrap)?;
    let g = Generalizer {
        var: &var,
        horizon: &horizon,
    };
    let mut adjoints = g.adjoints(&input.adjoints)?;
    let gradient = match &wrt_kind {
        GeneralWrt::Param(_) => Some(g.gradient(&input.gradient)?),
        GeneralWrt::State(name) => {
            adjoints.push(Formula {
                name: name.clone(),
                range: Range::Fixed(0),
                formula: g.general(&input.gradient, None)?,
            });
            None
        }
    };
    let shape = input.shape;
    let softmax_ce = input
        .softmax_ce
        .iter()
        .filter_map(|(at, y)| match &y.kind {
            ExprKind::Index(yid, _) => Some((at.0.clone(), yid.name.clone())),
            _ => None,
        })
        .fold(Vec::new(), |mut seen: Vec<(String, String)>, p| {
            if !seen.contains(&p) {
                seen.push(p);
            }
            seen
        });
    let mut out = MatrixGeneral {
        of: of.trim().to_string(),
        wrt: wrt_kind,
        var,
        horizon,
        shape,
        forward: input.forward,
        adjoints,
        softmax_ce,
        gradient,
        instances: Vec::new(),
        seed,
        verified: true,
    };
    check(model, &mut out)?;
    Ok(out)
}

/// Checks `g` by instantiation at every horizon of [`CHECKED_HORIZONS`],
/// replacing its instances and verdict: each formula written out at its
/// steps, with parameters and data drawn with `g.seed`, against AD.
pub fn check(model: &Model, g: &mut MatrixGeneral) -> Result<(), GeneralError> {
    let data = Data::of(model, &g.horizon)?;
    g.instances.clear();
    g.verified = true;
    for n in CHECKED_HORIZONS {
        let inst_seed = g.seed.wrapping_mul(7919).wrapping_add(n as u64);
        let m = at_horizon(model, &data, n, inst_seed)?;
        let checked = check_instance(&m, g, n, inst_seed)?;
        g.verified &= checked.iter().all(|i| i.verified);
        g.instances.extend(checked);
    }
    Ok(())
}

/// Writes concrete step numbers relative to the step variable and the
/// horizon.
struct Generalizer<'a> {
    var: &'a str,
    horizon: &'a str,
}

/// `base + d` (`t + 1`, `T - 1`, `t`).
fn offset(base: &str, d: i64) -> Expr {
    let b = name(base);
    match d.cmp(&0) {
        std::cmp::Ordering::Equal => b,
        std::cmp::Ordering::Greater => add(b, AddOp::Add, d),
        std::cmp::Ordering::Less => add(b, AddOp::Sub, -d),
    }
}

fn add(b: Expr, op: AddOp, d: i64) -> Expr {
    mk(ExprKind::AddChain(Box::new(b), vec![(op, num(d))]))
}

impl Generalizer<'_> {
    /// `e` derived at a concrete step `center` (none for a formula at the
    /// horizon or without a step), written in `t` and `T`: a step number
    /// within [`RADIUS`] of `center` is relative to `t`, near the horizon
    /// relative to `T`, near 0 kept; any other is an error.
    fn general(&self, e: &Expr, center: Option<i64>) -> Result<Expr, GeneralError> {
        let mut out = e.clone();
        let mut stack = vec![&mut out];
        while let Some(x) = stack.pop() {
            if !matches!(x.kind, ExprKind::Index(..) | ExprKind::Sum { .. }) {
                stack.extend(x.children_mut());
                continue;
            }
            match &mut x.kind {
                ExprKind::Index(_, k) => {
                    let ExprKind::Num(q) = &k.kind else {
                        stack.push(k);
                        continue;
                    };
                    let Some(j) = q.to_i64() else {
                        return Err(unsupported("a step that is not a whole number".into()));
                    };
                    **k = self.step(j, center)?;
                }
                ExprKind::Sum { hi, body, .. } => {
                    if let ExprKind::Num(q) = &hi.kind {
                        if let Some(j) = q.to_i64().filter(|j| (j - DERIVED_AT).abs() <= RADIUS) {
                            **hi = offset(self.horizon, j - DERIVED_AT);
                        }
                    }
                    stack.push(body);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn step(&self, j: i64, center: Option<i64>) -> Result<Expr, GeneralError> {
        if let Some(c) = center.filter(|c| (j - c).abs() <= RADIUS) {
            return Ok(offset(self.var, j - c));
        }
        if (j - DERIVED_AT).abs() <= RADIUS {
            return Ok(offset(self.horizon, j - DERIVED_AT));
        }
        if j <= RADIUS {
            return Ok(num(j));
        }
        Err(unsupported(format!(
            "a formula that reads step {j} of a horizon of {DERIVED_AT} (neither near the step, near 0 nor near the horizon)"
        )))
    }

    /// The general formula at step `s` of horizon `n`, as the matrix form
    /// writes it there.
    fn concrete(&self, e: &Expr, s: i64, n: i64) -> Expr {
        concrete(e, self.var, self.horizon, s, n)
    }

    /// Each quantity's adjoints: a recurrence over the steps where the
    /// middle step's formula gives back the concrete one, and the steps
    /// outside it (near `T` and near 0) each on its own.
    fn adjoints(&self, adjoints: &[(At, Expr)]) -> Result<Vec<Formula>, GeneralError> {
        let mut names: Vec<&str> = Vec::new();
        for ((n, _), _) in adjoints {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
        let mut out = Vec::new();
        for name in names {
            let mine: Vec<(Option<i64>, &Expr)> = adjoints
                .iter()
                .filter(|((n, _), _)| n == name)
                .map(|((_, k), e)| (*k, e))
                .collect();
            if let [(None, e)] = mine.as_slice() {
                out.push(Formula {
                    name: name.to_string(),
                    range: Range::Plain,
                    formula: self.general(e, None)?,
                });
                continue;
            }
            let at = |s: i64| mine.iter().find(|(k, _)| *k == Some(s)).map(|(_, e)| *e);
            let middle = at(MIDDLE).ok_or_else(|| {
                unsupported(format!(
                    "the adjoint of `{name}`, which has no formula at a step in the middle"
                ))
            })?;
            let general = self.general(middle, Some(MIDDLE))?;
            let holds = |s: i64| at(s).is_some_and(|e| same(&self.concrete(&general, s, DERIVED_AT), e));
            let mut lo = MIDDLE;
            while lo > 0 && holds(lo - 1) {
                lo -= 1;
            }
            let mut hi = MIDDLE;
            while holds(hi + 1) {
                hi += 1;
            }
            let mut ends = Vec::new();
            for (k, e) in &mine {
                let Some(s) = *k else {
                    return Err(unsupported(format!("`{name}` both with and without steps")));
                };
                if s > hi && DERIVED_AT - s <= RADIUS {
                    ends.push(Formula {
                        name: name.to_string(),
                        range: Range::End(DERIVED_AT - s),
                        formula: self.general(e, None)?,
                    });
                } else if s < lo && s <= RADIUS {
                    ends.push(Formula {
                        name: name.to_string(),
                        range: Range::Fixed(s),
                        formula: self.general(e, None)?,
                    });
                } else if s < lo || s > hi {
                    return Err(unsupported(format!(
                        "an adjoint of `{name}` whose formula changes at step {s} of a horizon of {DERIVED_AT}"
                    )));
                }
            }
            // At T first, then the recurrence, then the fixed steps.
            ends.sort_by_key(|f| match f.range {
                Range::End(d) => (0, d),
                _ => (2, 0),
            });
            let fixed = ends.iter().position(|f| matches!(f.range, Range::Fixed(_)));
            let steps = Formula {
                name: name.to_string(),
                range: Range::Steps {
                    lo,
                    off: DERIVED_AT - hi,
                },
                formula: general,
            };
            match fixed {
                Some(i) => ends.insert(i, steps),
                None => ends.push(steps),
            }
            out.extend(ends);
        }
        Ok(out)
    }

    /// `Σ_{t=a}^{T} …`: the gradient by a parameter, when it is one sum
    /// over steps (the matrix form folds it when it is).
    fn gradient(&self, e: &Expr) -> Result<Expr, GeneralError> {
        let g = self.general(e, None)?;
        let ExprKind::Sum { hi, .. } = &g.kind else {
            return Err(unsupported("a gradient that is not one sum over the steps".into()));
        };
        if !matches!(&hi.kind, ExprKind::Name(_) | ExprKind::AddChain(..)) {
            return Err(unsupported("a gradient whose sum does not run to the horizon".into()));
        }
        Ok(g)
    }
}

/// `e` with the step variable set to `s` and the horizon to `n`, step
/// numbers written as their values (`h[7+1]` is `h[8]`).
pub(crate) fn concrete(e: &Expr, var: &str, horizon: &str, s: i64, n: i64) -> Expr {
    let e = substitute(e, var, s);
    let e = substitute(&e, horizon, n);
    evaluate_number_steps(e)
}

/// The steps a formula holds at, at horizon `n`.
pub fn steps_at(range: Range, n: i64) -> Vec<i64> {
    match range {
        Range::Steps { lo, off } => (lo..=n - off).collect(),
        Range::End(d) => vec![n - d],
        Range::Fixed(k) => vec![k],
        Range::Plain => Vec::new(),
    }
    .into_iter()
    .filter(|&s| s >= 0 && s <= n)
    .collect()
}
