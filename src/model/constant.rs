//! Values written in declarations (`param w = -1/3`, `const T = 3`,
//! `input x = [2, 1/2]`): exact constant expressions of numbers and consts.

use super::error::ResolveError;
use crate::number::{size, Q};
use crate::syntax::ast::{AddOp, Expr, ExprKind, MulOp};
use std::collections::HashMap;

/// Evaluates a constant expression exactly. `consts` holds the consts known
/// so far (declaration order), so a value may use an earlier const.
pub fn constant_value(e: &Expr, consts: &HashMap<String, Q>) -> Result<Q, ResolveError> {
    let not_constant = |what: &str| ResolveError::Invalid {
        message: format!("a declared value must be a constant number, but this is {what}"),
        span: e.span,
        help: Some("write a number such as `1/2`, `-0.3` or `2`, or a const".into()),
    };
    match &e.kind {
        ExprKind::Num(q) => Ok(q.clone()),
        ExprKind::Name(id) => consts.get(&id.name).cloned().ok_or_else(|| ResolveError::Invalid {
            message: format!("`{}` is not a const with a value", id.name),
            span: id.span,
            help: Some("only numbers and consts declared earlier with a value may appear here".into()),
        }),
        ExprKind::Neg(a) => Ok(-constant_value(a, consts)?),
        ExprKind::AddChain(first, rest) => {
            let mut acc = constant_value(first, consts)?;
            for (op, x) in rest {
                let v = constant_value(x, consts)?;
                acc = match op {
                    AddOp::Add => acc + v,
                    AddOp::Sub => acc - v,
                };
            }
            Ok(acc)
        }
        ExprKind::MulChain(first, rest) => {
            let mut acc = constant_value(first, consts)?;
            for (op, x) in rest {
                let v = constant_value(x, consts)?;
                acc = match op {
                    MulOp::Mul | MulOp::Hadamard => acc * v,
                    MulOp::Div => acc.checked_div(&v).ok_or_else(|| ResolveError::Invalid {
                        message: "division by zero in a declared value".into(),
                        span: x.span,
                        help: None,
                    })?,
                };
            }
            Ok(acc)
        }
        ExprKind::Pow(a, b) => {
            let base = constant_value(a, consts)?;
            let exp = constant_value(b, consts)?;
            let n = exp
                .to_i64()
                .filter(|n| n.abs() <= 4096)
                .ok_or_else(|| not_constant("a power that is not exactly rational"))?;
            // Nested powers (`((10^4096)^4096)^4096`) are measured before
            // they are built.
            if base.bits().saturating_mul(n.unsigned_abs()) > size::MAX_POWER_BITS {
                let bits = crate::number::size::log2_abs(&base).unwrap_or(0.0).abs() * n.unsigned_abs() as f64;
                return Err(ResolveError::Invalid {
                    message: format!(
                        "this power would have {} digits, past the size limit of {} digits",
                        size::about_digits(size::digits_of_bits(bits.max(size::MAX_POWER_BITS as f64))),
                        size::digits_words(size::digits_of_bits(size::MAX_POWER_BITS as f64)),
                    ),
                    span: e.span,
                    help: Some("a declared value is an exact number; this one would not fit".into()),
                });
            }
            base.pow(n)
                .ok_or_else(|| not_constant("a power that is not exactly rational"))
        }
        ExprKind::Index(..) => Err(not_constant("an indexed name")),
        ExprKind::Call(..) => Err(not_constant("a function call")),
        ExprKind::Sum { .. } => Err(not_constant("a sum")),
        ExprKind::List(_) | ExprKind::Entry(..) | ExprKind::Transpose(_) => Err(not_constant("a vector or matrix")),
    }
}

/// An integer constant (a fixed step, a `const` used as a step); `None` if
/// the value is not an integer that fits.
pub fn integer_value(e: &Expr, consts: &HashMap<String, Q>) -> Result<i64, ResolveError> {
    let v = constant_value(e, consts)?;
    v.to_i64().ok_or_else(|| ResolveError::Invalid {
        message: format!("a step must be a whole number, but this is {v}"),
        span: e.span,
        help: None,
    })
}
