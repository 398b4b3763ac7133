//! The model's equations at concrete steps, as written (vectors and
//! matrices kept whole): `h[t] = …` at step 2 is its right side with `t`
//! replaced by 2; a fixed equation `h[0] = …` wins at its step.

use crate::model::{Model, SymKind};
use crate::number::Q;
use crate::syntax::ast::{AddOp, Expr, ExprKind, Lhs, MulOp, StmtKind};

/// A named quantity at a step (`None` for a plain quantity or a leaf).
pub type At = (String, Option<i64>);

/// The equations of one model, by name.
pub struct Equations<'m> {
    pub model: &'m Model,
}

/// `e` with every `Name(var)` replaced by the number `k`.
pub fn substitute(e: &Expr, var: &str, k: i64) -> Expr {
    let n = Expr {
        kind: ExprKind::Num(Q::from(k)),
        span: Default::default(),
    };
    replace(e, var, &n)
}

/// `e` with every `Name(var)` replaced by `with` (keeping its span, so
/// that a step written the same way compares equal).
pub fn replace(e: &Expr, var: &str, with: &Expr) -> Expr {
    let mut out = e.clone();
    let mut stack = vec![&mut out];
    while let Some(x) = stack.pop() {
        if matches!(&x.kind, ExprKind::Name(id) if id.name == var) {
            x.kind = with.kind.clone();
            continue;
        }
        // A sum over the same variable hides it in its body.
        let hides = matches!(&x.kind, ExprKind::Sum { var: v, .. } if v.name == var);
        let mut children = x.children_mut();
        if hides {
            children.pop();
        }
        stack.extend(children);
    }
    out
}

impl<'m> Equations<'m> {
    pub fn new(model: &'m Model) -> Equations<'m> {
        Equations { model }
    }

    /// A whole number written with numbers, `+ - *` and constants.
    pub fn int(&self, e: &Expr) -> Option<i64> {
        int_with(e, &|name| {
            let id = self.model.lookup(name)?;
            match &self.model.symbol(id).kind {
                SymKind::Const { value: Some(q) } => q.to_i64(),
                _ => None,
            }
        })
    }

    /// The right side that defines `at`, with the step variable replaced.
    pub fn rhs(&self, at: &At) -> Option<Expr> {
        let (name, step) = at;
        let mut general = None;
        for s in &self.model.tensors.source.stmts {
            match (&s.kind, step) {
                (StmtKind::Equation(Lhs::Plain(id), rhs), None) if &id.name == name => return Some(rhs.clone()),
                (StmtKind::Equation(Lhs::Indexed(id, k), rhs), Some(step)) if &id.name == name => match self.int(k) {
                    Some(v) if v == *step => return Some(rhs.clone()),
                    Some(_) => {}
                    None => {
                        if let ExprKind::Name(var) = &k.kind {
                            general = Some(substitute(rhs, &var.name, *step));
                        }
                    }
                },
                _ => {}
            }
        }
        // The recurrence holds from step 1 on (LANGUAGE.md §1).
        general.filter(|_| *step >= Some(1)).map(|e| self.evaluate_steps(e))
    }

    /// Every step index that is a sum of numbers written as its value:
    /// `c[2-1]` is `c[1]`.
    pub fn evaluate_steps(&self, e: Expr) -> Expr {
        evaluate_steps_with(e, &|k| self.int(k))
    }
}

/// A whole number written with numbers and `+ - *`, names valued by `names`.
fn int_with(e: &Expr, names: &dyn Fn(&str) -> Option<i64>) -> Option<i64> {
    match &e.kind {
        ExprKind::Num(q) => q.to_i64(),
        ExprKind::Name(id) => names(&id.name),
        ExprKind::Neg(a) => int_with(a, names).map(|v| -v),
        ExprKind::AddChain(a, rest) => rest.iter().try_fold(int_with(a, names)?, |acc, (op, x)| {
            let v = int_with(x, names)?;
            match op {
                AddOp::Add => acc.checked_add(v),
                AddOp::Sub => acc.checked_sub(v),
            }
        }),
        ExprKind::MulChain(a, rest) => rest.iter().try_fold(int_with(a, names)?, |acc, (op, x)| match op {
            MulOp::Mul => acc.checked_mul(int_with(x, names)?),
            _ => None,
        }),
        _ => None,
    }
}

fn evaluate_steps_with(mut e: Expr, int: &dyn Fn(&Expr) -> Option<i64>) -> Expr {
    let mut stack = vec![&mut e];
    while let Some(x) = stack.pop() {
        if let ExprKind::Index(_, k) = &mut x.kind {
            if let Some(v) = int(k) {
                if !matches!(k.kind, ExprKind::Name(_)) {
                    k.kind = ExprKind::Num(Q::from(v));
                }
            }
            continue;
        }
        stack.extend(x.children_mut());
    }
    e
}

/// Every step index written with numbers alone as its value (`h[7+1]` is
/// `h[8]`), for formulas whose step variables were just set.
pub fn evaluate_number_steps(e: Expr) -> Expr {
    evaluate_steps_with(e, &|k| int_with(k, &|_| None))
}
