//! What a general derivation needs to know of a model before it builds
//! anything: the horizon const, the states (the sequences an equation reads
//! at an earlier step), and the loss's sum.

use super::GeneralError;
use crate::model::{Model, RExpr, RKind, SymKind};
use crate::vocab::SymId;
use std::collections::BTreeSet;

/// The shape of a model, as a general derivation sees it.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The const that stands for the horizon `T`.
    pub horizon: SymId,
    /// The states: sequences some general equation reads at an earlier
    /// step (`h`, and `c` in an LSTM), in declaration order.
    pub states: Vec<SymId>,
    /// The bounds of the loss's sum over steps, if it has one: the lower
    /// bound as a number, the upper as an offset from `T` (`1..T` is
    /// `(1, 0)`).
    pub sum_bounds: Option<(i64, i64)>,
    /// The largest step offset any equation reads (`h[t-2]` is 2): how far
    /// a step's influence reaches.
    pub reach: i64,
}

/// Every expression of the model, with the sequence it defines (if any).
fn equations(model: &Model) -> Vec<(Option<SymId>, &RExpr)> {
    let mut out = Vec::new();
    for id in model.ids() {
        match &model.symbol(id).kind {
            SymKind::Quantity { def } => out.push((None, def)),
            SymKind::Function { body, .. } => out.push((None, body)),
            SymKind::Sequence(seq) => {
                if let Some(g) = &seq.general {
                    out.push((Some(id), g));
                }
                out.extend(seq.fixed.values().map(|e| (None, e)));
            }
            _ => {}
        }
    }
    out
}

/// Consts read in a sum's bounds or in an index: those that set a horizon.
fn horizon_consts(model: &Model) -> BTreeSet<SymId> {
    let mut out = BTreeSet::new();
    for (_, e) in equations(model) {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            let bounds: Vec<&RExpr> = match &e.kind {
                RKind::Sum { lo, hi, .. } => vec![lo, hi],
                RKind::Elem(_, idx) => vec![idx],
                _ => Vec::new(),
            };
            for b in bounds {
                let mut inner = vec![b];
                while let Some(x) = inner.pop() {
                    if let RKind::Sym(id) = &x.kind {
                        if matches!(model.symbol(*id).kind, SymKind::Const { .. }) {
                            out.insert(*id);
                        }
                    }
                    inner.extend(x.children());
                }
            }
            stack.extend(e.children());
        }
    }
    out
}

/// `t - k` (or `t + k`): `Some(k)` as an offset, negative for earlier steps.
fn step_offset(e: &RExpr) -> Option<i64> {
    crate::model::offset::step_offset(e)
}

/// Reads the model's shape; `of` is the plain quantity differentiated.
pub fn shape(model: &Model, of: SymId) -> Result<Shape, GeneralError> {
    let consts = horizon_consts(model);
    let horizon = match consts.len() {
        1 => *consts.iter().next().expect("one const"),
        0 => {
            return Err(GeneralError::NoHorizon);
        }
        _ => {
            let names = consts.iter().map(|&c| model.symbol(c).name.clone()).collect();
            return Err(GeneralError::ManyHorizons(names));
        }
    };
    let mut states = BTreeSet::new();
    let mut reach = 1;
    for id in model.ids() {
        let SymKind::Sequence(seq) = &model.symbol(id).kind else {
            continue;
        };
        if seq.looks_ahead {
            return Err(GeneralError::LooksAhead(model.symbol(id).name.clone()));
        }
        if let Some(&k) = seq.fixed.keys().next_back() {
            if k >= 1 {
                return Err(GeneralError::FixedLate(model.symbol(id).name.clone(), k));
            }
        }
        let Some(g) = &seq.general else { continue };
        let mut stack = vec![g];
        while let Some(e) = stack.pop() {
            if let RKind::Elem(q, idx) = &e.kind {
                if let Some(k) = step_offset(idx).filter(|&k| k < 0) {
                    if matches!(model.symbol(*q).kind, SymKind::Sequence(_)) {
                        states.insert(*q);
                        reach = reach.max(-k);
                    }
                }
            }
            stack.extend(e.children());
        }
    }
    if states.is_empty() {
        return Err(GeneralError::NoRecurrence);
    }
    let SymKind::Quantity { def } = &model.symbol(of).kind else {
        return Err(GeneralError::NotPlain(model.symbol(of).name.clone()));
    };
    let sum_bounds = sum_bounds(model, def, horizon)?;
    Ok(Shape {
        horizon,
        states: states.into_iter().collect(),
        sum_bounds,
        reach,
    })
}

/// The bounds of the sums in the loss, which must all be the same:
/// `(lo, hi − T)`.
fn sum_bounds(model: &Model, def: &RExpr, horizon: SymId) -> Result<Option<(i64, i64)>, GeneralError> {
    let mut found: Option<(i64, i64)> = None;
    let mut stack = vec![def];
    while let Some(e) = stack.pop() {
        if let RKind::Sum { lo, hi, .. } = &e.kind {
            let lo = constant(lo, None).ok_or(GeneralError::SumBounds)?;
            let hi = constant(hi, Some(horizon)).ok_or(GeneralError::SumBounds)?;
            match found {
                None => found = Some((lo, hi)),
                Some(b) if b == (lo, hi) => {}
                Some(_) => return Err(GeneralError::SumBounds),
            }
        }
        // Quantities the loss reads are part of it.
        if let RKind::Sym(id) = &e.kind {
            if let SymKind::Quantity { def } = &model.symbol(*id).kind {
                stack.push(def);
            }
        }
        stack.extend(e.children());
    }
    Ok(found)
}

/// A bound as a number, or (with `horizon`) as its offset from the horizon
/// const: `T - 1` is `-1`, `T` is `0`; `None` for anything else.
fn constant(e: &RExpr, horizon: Option<SymId>) -> Option<i64> {
    use crate::syntax::ast::AddOp;
    match (&e.kind, horizon) {
        (RKind::Num(q), None) => q.to_i64(),
        (RKind::Sym(id), Some(h)) if *id == h => Some(0),
        (RKind::AddChain(first, rest), Some(h)) if matches!(first.kind, RKind::Sym(id) if id == h) => {
            let mut k = 0i64;
            for (op, x) in rest {
                let RKind::Num(q) = &x.kind else { return None };
                let v = q.to_i64()?;
                k = match op {
                    AddOp::Add => k.checked_add(v)?,
                    AddOp::Sub => k.checked_sub(v)?,
                };
            }
            Some(k)
        }
        _ => None,
    }
}
