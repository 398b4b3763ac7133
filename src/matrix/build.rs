//! Small constructors for model-language expressions, with the few
//! simplifications a person makes while writing (a factor 1 left out, a
//! sign moved to the front), so a derived formula reads as written by hand.

use crate::number::Q;
use crate::syntax::ast::{AddOp, Expr, ExprKind, Ident, MulOp};
use crate::syntax::Span;

pub fn mk(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

pub fn ident(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::default(),
    }
}

pub fn num(v: i64) -> Expr {
    mk(ExprKind::Num(Q::from(v)))
}

pub fn name(n: &str) -> Expr {
    mk(ExprKind::Name(ident(n)))
}

pub fn index(n: &str, k: Expr) -> Expr {
    mk(ExprKind::Index(ident(n), Box::new(k)))
}

pub fn call(f: &str, args: Vec<Expr>) -> Expr {
    mk(ExprKind::Call(ident(f), args))
}

pub fn is_num(e: &Expr, v: i64) -> bool {
    matches!(&e.kind, ExprKind::Num(q) if *q == Q::from(v))
}

pub fn neg(a: Expr) -> Expr {
    match a.kind {
        ExprKind::Neg(inner) => *inner,
        ExprKind::Num(q) => mk(ExprKind::Num(-q)),
        kind => mk(ExprKind::Neg(Box::new(mk(kind)))),
    }
}

fn binary(a: Expr, op: MulOp, b: Expr) -> Expr {
    // Signs go to the front: `(-a) b` is `-(a b)`.
    match (a.kind, b.kind) {
        (ExprKind::Neg(x), kb) => neg(binary(*x, op, mk(kb))),
        (ka, ExprKind::Neg(y)) if op != MulOp::Div => neg(binary(mk(ka), op, *y)),
        // A matrix product is associative: `a (b c)` is `a b c`.
        (ka, ExprKind::MulChain(first, rest)) if op == MulOp::Mul && rest.iter().all(|(o, _)| *o == MulOp::Mul) => {
            let mut acc = binary(mk(ka), MulOp::Mul, *first);
            for (_, x) in rest {
                acc = binary(acc, MulOp::Mul, x);
            }
            acc
        }
        (ExprKind::MulChain(first, mut rest), kb) if op != MulOp::Div => {
            rest.push((op, mk(kb)));
            mk(ExprKind::MulChain(first, rest))
        }
        (ka, kb) => mk(ExprKind::MulChain(Box::new(mk(ka)), vec![(op, mk(kb))])),
    }
}

/// A number written as a factor, and what it multiplies: `2 x` → (2, x).
fn coefficient(e: Expr) -> (Q, Option<Expr>) {
    match e.kind {
        ExprKind::Num(q) => (q, None),
        ExprKind::Neg(inner) => {
            let (q, rest) = coefficient(*inner);
            (-q, rest)
        }
        ExprKind::MulChain(first, rest)
            if matches!(first.kind, ExprKind::Num(_)) && rest.iter().all(|(o, _)| *o == MulOp::Mul) =>
        {
            let ExprKind::Num(q) = first.kind else {
                unreachable!("matched a number")
            };
            let mut it = rest.into_iter().map(|(_, x)| x);
            let head = it.next();
            let tail = head.map(|h| it.fold(h, |acc, x| binary(acc, MulOp::Mul, x)));
            (q, tail)
        }
        kind => (Q::one(), Some(mk(kind))),
    }
}

/// `q · rest`: the number first, 1 left out, −1 as a sign.
fn scaled(q: Q, rest: Option<Expr>) -> Expr {
    match rest {
        None => mk(ExprKind::Num(q)),
        Some(r) if q.is_one() => r,
        Some(r) if (-q.clone()).is_one() => neg(r),
        Some(r) if q.is_negative() => neg(binary(mk(ExprKind::Num(-q)), MulOp::Mul, r)),
        Some(r) => binary(mk(ExprKind::Num(q)), MulOp::Mul, r),
    }
}

/// `a * b`, numbers gathered in front (`2 x · ½` is `x`), a factor 1 left
/// out.
pub fn mul(a: Expr, b: Expr) -> Expr {
    let (qa, ra) = coefficient(a);
    let (qb, rb) = coefficient(b);
    let q = &qa * &qb;
    if q.is_zero() {
        return num(0);
    }
    let rest = match (ra, rb) {
        (Some(x), Some(y)) => Some(binary(x, MulOp::Mul, y)),
        (x, None) | (None, x) => x,
    };
    scaled(q, rest)
}

/// `a .* b`; a vector of ones (`ones(n)`, what the sum of a vector passes
/// back) is left out, as `x ⊙ 1` is written `x`.
pub fn had(a: Expr, b: Expr) -> Expr {
    let is_ones = |e: &Expr| matches!(&e.kind, ExprKind::Call(f, args) if f.name == "ones" && args.len() == 1);
    let is_number = |e: &Expr| matches!(e.kind, ExprKind::Num(_));
    if is_ones(&b) && !is_number(&a) {
        return a;
    }
    if is_ones(&a) && !is_number(&b) {
        return b;
    }
    binary(a, MulOp::Hadamard, b)
}

/// `a / b`; by a number, the number goes into the coefficient.
pub fn div(a: Expr, b: Expr) -> Expr {
    if let ExprKind::Num(q) = &b.kind {
        if let Some(inv) = Q::one().checked_div(q) {
            return mul(a, mk(ExprKind::Num(inv)));
        }
    }
    binary(a, MulOp::Div, b)
}

pub fn pow(a: Expr, b: Expr) -> Expr {
    mk(ExprKind::Pow(Box::new(a), Box::new(b)))
}

pub fn transpose(a: Expr) -> Expr {
    mk(ExprKind::Transpose(Box::new(a)))
}

/// The sum of `terms`, equal terms gathered (`x + x` is `2 x`, in the
/// place of the first); `None` when there are none left.
pub fn sum(terms: Vec<Expr>) -> Option<Expr> {
    if terms.is_empty() {
        return None;
    }
    let mut like: Vec<(Q, Option<Expr>)> = Vec::new();
    for t in terms {
        let (q, rest) = coefficient(t);
        let found = like.iter_mut().find(|(_, r)| match (r, &rest) {
            (Some(x), Some(y)) => same(x, y),
            (None, None) => true,
            _ => false,
        });
        match found {
            Some((acc, _)) => *acc = &*acc + &q,
            None => like.push((q, rest)),
        }
    }
    let terms: Vec<Expr> = like
        .into_iter()
        .filter(|(q, _)| !q.is_zero())
        .map(|(q, rest)| scaled(q, rest))
        .collect();
    // All cancelled: no term, as for no dependence (a scalar 0 would lose
    // the shape of a vector sum).
    let mut it = terms.into_iter();
    let first = it.next()?;
    let mut rest = Vec::new();
    for t in it {
        match t.kind {
            ExprKind::Neg(x) => rest.push((AddOp::Sub, *x)),
            kind => rest.push((AddOp::Add, mk(kind))),
        }
    }
    Some(if rest.is_empty() {
        first
    } else {
        mk(ExprKind::AddChain(Box::new(first), rest))
    })
}

pub fn sub(a: Expr, b: Expr) -> Expr {
    mk(ExprKind::AddChain(Box::new(a), vec![(AddOp::Sub, b)]))
}

/// Equal as written, wherever they were written.
pub fn same(a: &Expr, b: &Expr) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.set_span(Span::default());
    b.set_span(Span::default());
    a == b
}
