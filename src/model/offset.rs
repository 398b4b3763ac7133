//! The step offset of an index: `t + k`, for the checks that look at how
//! far back or ahead a recurrence reaches (`resolve`, `cycles`).

use super::types::{RExpr, RKind};

/// `t + k` → `Some(k)` for a literal k.
pub fn step_offset(e: &RExpr) -> Option<i64> {
    use crate::syntax::ast::AddOp;
    match &e.kind {
        RKind::Step => Some(0),
        RKind::AddChain(first, rest) if matches!(first.kind, RKind::Step) => {
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
