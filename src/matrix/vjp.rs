//! Vector–Jacobian products written as formulas: given the adjoint `g` of
//! an expression, the part of the adjoint of one named quantity that flows
//! through it, in matrix form (`A^⊤ g` for `A x`, `g x^⊤` for the matrix,
//! `diag(1 − h ⊙ h) g` through tanh, `(diag(s) − s s^⊤) g` through softmax).
//! Factor order is kept: matrix products do not commute.

use super::build::*;
use super::steps::{replace, substitute, At, Equations};
use crate::shape::{Shape, Tensors};
use crate::syntax::ast::{AddOp, Expr, ExprKind, MulOp};
use crate::vocab::Builtin;

/// A form the matrix-form derivation does not cover yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported(pub String);

type R<T> = Result<T, Unsupported>;

pub struct Vjp<'a> {
    pub eqs: &'a Equations<'a>,
    pub tensors: &'a Tensors,
    pub relu_active: bool,
}

impl Vjp<'_> {
    pub fn shape(&self, e: &Expr) -> R<Shape> {
        crate::shape::lower_expr(e, self.tensors)
            .map(|t| t.shape)
            .map_err(|err| Unsupported(err.to_string()))
    }

    fn ones(&self, s: Shape) -> Expr {
        if s.is_scalar() {
            num(1)
        } else {
            call("ones", vec![num(s.rows as i64)])
        }
    }

    /// `at` as an expression: `h[3]`, `W`.
    pub fn refer(at: &At) -> Expr {
        match at.1 {
            Some(k) => index(&at.0, num(k)),
            None => name(&at.0),
        }
    }

    /// Does `e` use `target` directly (sums expanded, functions inlined)?
    pub fn uses(&self, e: &Expr, target: &At) -> bool {
        let mut found = false;
        self.visit_refs(e, &mut |at| found |= at == target);
        found
    }

    /// Calls `f` with every name (at its step) that `e` uses directly.
    pub fn visit_refs(&self, e: &Expr, f: &mut dyn FnMut(&At)) {
        let mut stack = vec![e.clone()];
        while let Some(x) = stack.pop() {
            match &x.kind {
                ExprKind::Name(id) => f(&(id.name.clone(), None)),
                ExprKind::Index(id, k) => {
                    if let Some(k) = self.eqs.int(k) {
                        f(&(id.name.clone(), Some(k)));
                    }
                }
                // Sums with number bounds are expanded, functions inlined.
                ExprKind::Sum { var, lo, hi, body } => {
                    if let (Some(a), Some(b)) = (self.eqs.int(lo), self.eqs.int(hi)) {
                        for k in a..=b.min(a + 100_000) {
                            stack.push(substitute(body, &var.name, k));
                        }
                    }
                }
                ExprKind::Call(id, args) => match self.inline(&id.name, args) {
                    Some(body) => stack.push(body),
                    None => stack.extend(args.iter().cloned()),
                },
                _ => stack.extend(x.children().into_iter().cloned()),
            }
        }
    }

    /// A user function's body with its parameters replaced by `args`.
    pub fn inline(&self, f: &str, args: &[Expr]) -> Option<Expr> {
        let (params, body) = self.tensors.functions.get(f)?;
        let mut out = body.clone();
        for (p, a) in params.iter().zip(args) {
            out = replace(&out, p, a);
        }
        Some(out)
    }

    /// The part of the adjoint of `target` that flows through `e`, whose
    /// own adjoint is `g`; `own` names the quantity `e` defines, so that
    /// `tanh′` is written `1 − h ⊙ h` with `h` that quantity.
    pub fn vjp(&self, e: &Expr, g: Expr, target: &At, own: Option<&Expr>) -> R<Option<Expr>> {
        if !self.uses(e, target) {
            return Ok(None);
        }
        match &e.kind {
            ExprKind::Num(_) => Ok(None),
            ExprKind::Name(_) | ExprKind::Index(..) => Ok(Some(g)),
            ExprKind::Neg(a) => self.vjp(a, neg(g), target, None),
            ExprKind::AddChain(first, rest) => {
                let mut parts = Vec::new();
                parts.extend(self.vjp(first, g.clone(), target, None)?);
                for (op, x) in rest {
                    let gx = if *op == AddOp::Add { g.clone() } else { neg(g.clone()) };
                    parts.extend(self.vjp(x, gx, target, None)?);
                }
                Ok(sum(parts))
            }
            ExprKind::MulChain(first, rest) => self.chain(first, rest, g, target),
            ExprKind::Pow(a, b) => {
                if self.uses(b, target) {
                    return Err(Unsupported("a power whose exponent varies".into()));
                }
                let sa = self.shape(a)?;
                let d = match &b.kind {
                    // `x^2` gives `2 x`, `x^3` gives `3 x^2`.
                    ExprKind::Num(q) => {
                        let e = q - &crate::number::Q::one();
                        let coef = mk(ExprKind::Num(q.clone()));
                        if e.is_one() {
                            mul(coef, (**a).clone())
                        } else if e.is_zero() {
                            coef
                        } else {
                            mul(coef, pow((**a).clone(), mk(ExprKind::Num(e))))
                        }
                    }
                    _ => mul((**b).clone(), pow((**a).clone(), sub((**b).clone(), num(1)))),
                };
                let gx = if sa.is_scalar() { mul(d, g) } else { had(d, g) };
                self.vjp(a, gx, target, None)
            }
            ExprKind::Sum { var, lo, hi, body } => {
                let (Some(a), Some(b)) = (self.eqs.int(lo), self.eqs.int(hi)) else {
                    return Err(Unsupported("a sum whose bounds are not numbers".into()));
                };
                let mut parts = Vec::new();
                for k in a..=b {
                    parts.extend(self.vjp(&substitute(body, &var.name, k), g.clone(), target, None)?);
                }
                Ok(sum(parts))
            }
            ExprKind::Transpose(a) => self.vjp(a, transpose(g), target, None),
            ExprKind::Call(id, args) => self.call(&id.name, args, g, target, own),
            ExprKind::List(_) | ExprKind::Entry(..) => Err(Unsupported("a list or an entry inside an equation".into())),
        }
    }

    /// `first op1 x1 op2 x2 …` as `(prefix) op last`.
    fn chain(&self, first: &Expr, rest: &[(MulOp, Expr)], g: Expr, target: &At) -> R<Option<Expr>> {
        let Some(((op, last), init)) = rest.split_last() else {
            return self.vjp(first, g, target, None);
        };
        let prefix = if init.is_empty() {
            first.clone()
        } else {
            mk(ExprKind::MulChain(Box::new(first.clone()), init.to_vec()))
        };
        let (sa, sb) = (self.shape(&prefix)?, self.shape(last)?);
        let mut parts = Vec::new();
        let (a, b) = (prefix.clone(), last.clone());
        if self.uses(&prefix, target) {
            let ga = match op {
                MulOp::Div => div(g.clone(), b.clone()),
                MulOp::Hadamard if !sa.is_scalar() && !sb.is_scalar() => had(b.clone(), g.clone()),
                _ if sa.is_scalar() && !sb.is_scalar() => contract(g.clone(), b.clone(), sb),
                _ if sb.is_scalar() => mul(g.clone(), b.clone()),
                _ => mul(g.clone(), transpose(b.clone())),
            };
            parts.extend(self.chain(first, init, ga, target)?);
        }
        if self.uses(last, target) {
            let gb = match op {
                MulOp::Div => {
                    // ∂(a/b)/∂b = −a/b²
                    let inner = if sa.is_scalar() {
                        mul(g.clone(), a.clone())
                    } else {
                        contract(g.clone(), a.clone(), sa)
                    };
                    neg(div(inner, pow(b.clone(), num(2))))
                }
                MulOp::Hadamard if !sa.is_scalar() && !sb.is_scalar() => had(a.clone(), g.clone()),
                _ if sb.is_scalar() && !sa.is_scalar() => contract(g.clone(), a.clone(), sa),
                _ if sa.is_scalar() => mul(a.clone(), g.clone()),
                _ => mul(transpose(a.clone()), g.clone()),
            };
            parts.extend(self.vjp(last, gb, target, None)?);
        }
        Ok(sum(parts))
    }

    fn call(&self, f: &str, args: &[Expr], g: Expr, target: &At, own: Option<&Expr>) -> R<Option<Expr>> {
        if let Some(body) = self.inline(f, args) {
            return self.vjp(&body, g, target, own);
        }
        let arg = || args[0].clone();
        match (f, args.len()) {
            ("dot", 2) => {
                let mut parts = Vec::new();
                parts.extend(self.vjp(&args[0], mul(g.clone(), args[1].clone()), target, None)?);
                parts.extend(self.vjp(&args[1], mul(g, args[0].clone()), target, None)?);
                Ok(sum(parts))
            }
            ("outer", 2) => {
                let mut parts = Vec::new();
                parts.extend(self.vjp(&args[0], mul(g.clone(), args[1].clone()), target, None)?);
                parts.extend(self.vjp(&args[1], mul(transpose(g), args[0].clone()), target, None)?);
                Ok(sum(parts))
            }
            ("sum", 1) => {
                let s = self.shape(&args[0])?;
                self.vjp(&args[0], mul(g, self.ones(s)), target, None)
            }
            ("softmax", 1) => {
                let s = own.cloned().unwrap_or_else(|| call("softmax", vec![arg()]));
                let jac = sub(call("diag", vec![s.clone()]), call("outer", vec![s.clone(), s]));
                self.vjp(&args[0], mul(jac, g), target, None)
            }
            (_, 1) => {
                let Some(b) = Builtin::from_name(f) else {
                    return Err(Unsupported(format!("the derivative of `{f}`")));
                };
                let shape = self.shape(&args[0])?;
                let value = || own.cloned().unwrap_or_else(|| call(f, vec![arg()]));
                let d = match b {
                    Builtin::Tanh => {
                        let v = value();
                        Some(sub(self.ones(shape), elementwise(v.clone(), v, shape)))
                    }
                    Builtin::Sigmoid => {
                        let v = value();
                        Some(elementwise(v.clone(), sub(self.ones(shape), v), shape))
                    }
                    Builtin::Exp => Some(value()),
                    Builtin::Ln => {
                        let gx = if shape.is_scalar() {
                            div(g, arg())
                        } else {
                            had(g, pow(arg(), num(-1)))
                        };
                        return self.vjp(&args[0], gx, target, None);
                    }
                    Builtin::Sqrt => Some(mul(div(num(1), num(2)), pow(value(), num(-1)))),
                    Builtin::Relu if self.relu_active => None,
                    Builtin::Relu => Some(call("step", vec![arg()])),
                    // φ′ = 0 away from 0: nothing flows through a step unit.
                    Builtin::Step => return Ok(None),
                };
                let gx = match d {
                    None => g,
                    Some(d) if shape.is_scalar() => mul(d, g),
                    Some(d) => mul(call("diag", vec![d]), g),
                };
                self.vjp(&args[0], gx, target, None)
            }
            _ => Err(Unsupported(format!("the function `{f}`"))),
        }
    }
}

/// `a ⊙ b` for vectors, `a b` for scalars.
fn elementwise(a: Expr, b: Expr, shape: Shape) -> Expr {
    if shape.is_scalar() {
        mul(a, b)
    } else {
        had(a, b)
    }
}

/// The scalar `Σ gᵢ bᵢ`: `g^⊤ b` for vectors, `sum(g ⊙ b)` for matrices.
fn contract(g: Expr, b: Expr, shape: Shape) -> Expr {
    if shape.cols == 1 {
        call("dot", vec![g, b])
    } else {
        call("sum", vec![had(g, b)])
    }
}
