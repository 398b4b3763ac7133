//! The model at a horizon, with seeded random parameters and data, and
//! the general formulas written out there and checked by
//! [`crate::matrix`]'s check (every entry against reverse-mode AD, the
//! gradient also against central differences).

use super::{concrete, steps_at, GeneralWrt, MatrixGeneral, Range};
use crate::general::{GeneralError, Instance1};
use crate::matrix::{check, Input};
use crate::model::{Model, SymKind};
use crate::number::Q;
use crate::shape::{entry_name, Role, Shape};
use crate::syntax::ast::{Expr, ExprKind, ShapeSpec, StmtKind};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;

/// Digits every instance is certified to (as the scalar general check).
const DIGITS: u32 = 30;

/// How data is drawn at every horizon.
pub struct Data {
    horizon: String,
    /// Targets drawn as distributions (positive entries summing to 1):
    /// those whose given values all sum to 1, or that have none. A softmax
    /// under cross-entropy folds to `ŷ − y` for them, as textbooks assume.
    distributions: BTreeSet<String>,
}

impl Data {
    pub fn of(model: &Model, horizon: &str) -> Result<Data, GeneralError> {
        let mut distributions = BTreeSet::new();
        for (name, d) in &model.tensors.decls {
            if d.role != Role::Target || d.shape.cols != 1 {
                continue;
            }
            let columns: Vec<Option<&Vec<Q>>> = (0..d.shape.rows)
                .map(|i| {
                    let e = model.lookup(&entry_name(name, d.shape, i, 0))?;
                    match &model.symbol(e).kind {
                        SymKind::Target { values } => values.as_ref(),
                        _ => None,
                    }
                })
                .collect();
            let sums_to_one = match columns.iter().copied().collect::<Option<Vec<_>>>() {
                None => true,
                Some(cols) => {
                    let steps = cols.iter().map(|c| c.len()).min().unwrap_or(0);
                    (0..steps).all(|k| cols.iter().fold(Q::zero(), |acc, c| &acc + &c[k]) == Q::one())
                }
            };
            if sums_to_one {
                distributions.insert(name.clone());
            }
        }
        Ok(Data {
            horizon: horizon.to_string(),
            distributions,
        })
    }
}

fn spec(s: Shape) -> ShapeSpec {
    ShapeSpec {
        rows: s.rows,
        cols: (s.cols != 1).then_some(s.cols),
        span: Default::default(),
    }
}

fn number(q: Q) -> Expr {
    Expr {
        kind: ExprKind::Num(q),
        span: Default::default(),
    }
}

/// Positive rationals with denominator their sum: a distribution.
fn distribution(rng: &mut ChaCha8Rng, n: usize) -> Expr {
    let w: Vec<i64> = (0..n).map(|_| 1 + (rng.next_u32() % 9) as i64).collect();
    let total: i64 = w.iter().sum();
    Expr {
        kind: ExprKind::List(w.into_iter().map(|k| number(Q::ratio(k, total))).collect()),
        span: Default::default(),
    }
}

/// The model with its horizon set to `n`; every parameter and input left
/// free (the check gives them seeded random values) and every target drawn
/// (a distribution where [`Data`] says so).
pub fn at_horizon(model: &Model, data: &Data, n: i64, seed: u64) -> Result<Model, GeneralError> {
    let mut file = model.tensors.source.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7a3d_1c55_e0f2_9b41);
    let shaped = |name: &str| model.tensors.get(name).map(|d| spec(d.shape));
    for stmt in &mut file.stmts {
        match &mut stmt.kind {
            StmtKind::Param(ds) => {
                for d in ds {
                    d.shape = shaped(&d.name.name).or(d.shape);
                    d.value = None;
                }
            }
            StmtKind::Const(ds) => {
                for d in ds.iter_mut().filter(|d| d.name.name == data.horizon) {
                    d.value = Some(number(Q::from(n)));
                }
            }
            StmtKind::Input(ds) => {
                for d in ds {
                    d.shape = shaped(&d.name.name).or(d.shape);
                    d.value = None;
                }
            }
            StmtKind::Target(ds) => {
                for d in ds {
                    d.shape = shaped(&d.name.name).or(d.shape);
                    d.value = match (data.distributions.contains(&d.name.name), d.shape) {
                        (true, Some(s)) => Some((1..=n).map(|_| distribution(&mut rng, s.rows)).collect()),
                        _ => None,
                    };
                }
            }
            _ => {}
        }
    }
    crate::matrix::model_of(file).map_err(|e| GeneralError::Instance(n, e))
}

/// Every formula of `g` written out at horizon `n` and checked: one
/// instance per step of each adjoint, and one for the gradient.
pub fn check_instance(model: &Model, g: &MatrixGeneral, n: i64, seed: u64) -> Result<Vec<Instance1>, GeneralError> {
    let at = |e: &Expr, s: i64| concrete(e, &g.var, &g.horizon, s, n);
    // Which formula gives each step: the one at T wins, then a fixed
    // step, then the recurrence.
    let rank = |r: Range| match r {
        Range::End(_) | Range::Plain => 0,
        Range::Fixed(_) => 1,
        Range::Steps { .. } => 2,
    };
    let mut formulas: Vec<&super::Formula> = g.adjoints.iter().collect();
    formulas.sort_by_key(|f| rank(f.range));
    let mut taken: BTreeSet<(String, Option<i64>)> = BTreeSet::new();
    let mut adjoints = Vec::new();
    let mut gradient = None;
    for f in formulas {
        let steps: Vec<Option<i64>> = match f.range {
            Range::Plain => vec![None],
            r => steps_at(r, n).into_iter().map(Some).collect(),
        };
        for s in steps {
            if !taken.insert((f.name.clone(), s)) {
                continue;
            }
            let e = at(&f.formula, s.unwrap_or(0));
            match &g.wrt {
                GeneralWrt::State(q) if *q == f.name && s == Some(0) => gradient = Some(e),
                _ => adjoints.push(((f.name.clone(), s), e)),
            }
        }
    }
    let (target, gradient) = match &g.wrt {
        GeneralWrt::Param(w) => (
            (w.clone(), None),
            at(g.gradient.as_ref().expect("a parameter's gradient"), 0),
        ),
        GeneralWrt::State(q) => (
            (q.clone(), Some(0)),
            gradient.ok_or_else(|| GeneralError::Instance(n, format!("no formula for `{q}` at step 0")))?,
        ),
    };
    let steps: Vec<(String, Option<i64>)> = adjoints.iter().map(|(at, _)| at.clone()).collect();
    let input = Input {
        root: (g.of.clone(), None),
        wrt: g.of.clone(),
        target,
        shape: g.shape,
        forward: Vec::new(),
        adjoints,
        softmax_ce: Vec::new(),
        gradient,
    };
    let d = check(model, seed, DIGITS, input).map_err(|e| GeneralError::Instance(n, e.to_string()))?;
    let mut out: Vec<Instance1> = Vec::new();
    for (at, a) in steps.iter().zip(&d.adjoints) {
        let step = at.1;
        match out.iter_mut().find(|i| i.step == step && step.is_some()) {
            Some(i) => i.verified &= a.verified,
            None => out.push(Instance1 {
                horizon: n,
                step,
                verified: a.verified,
            }),
        }
    }
    match &g.wrt {
        GeneralWrt::Param(_) => out.push(Instance1 {
            horizon: n,
            step: None,
            verified: d.gradient_verified,
        }),
        GeneralWrt::State(_) => out.push(Instance1 {
            horizon: n,
            step: Some(0),
            verified: d.gradient_verified,
        }),
    }
    out.sort_by_key(|i| (i.step.is_none(), std::cmp::Reverse(i.step)));
    Ok(out)
}
