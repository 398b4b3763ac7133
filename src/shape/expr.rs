//! Lowers one expression to a tensor of scalar expressions: every
//! operation on vectors and matrices becomes scalar operations on entries
//! (a matrix product becomes sums of products, `softmax` a quotient of
//! exponentials), so everything below this layer sees scalars only.
//!
//! Recursion follows the tree, whose depth the parser bounds by bracket
//! nesting; inlined functions add at most [`MAX_INLINE`] levels.

use super::error::ShapeError;
use super::types::{entry_name, Shape, Tensor, Tensors};
use crate::number::Q;
use crate::syntax::ast::{AddOp, Expr, ExprKind, Ident, MulOp};
use crate::syntax::Span;
use crate::vocab::Builtin;
use std::collections::BTreeSet;

/// How deep user functions may call each other.
pub const MAX_INLINE: usize = 32;

/// The most entries one vector or matrix may have (about a million): each
/// entry becomes a scalar expression before the node limit can see it.
pub const MAX_ENTRIES: u128 = 1 << 20;

/// The most scalar terms one lowered expression may take (a product of an
/// `m×k` and a `k×n` matrix takes `m·k·n`).
pub const MAX_TERMS: u128 = 1 << 22;

/// Refuses a size past `limit`, naming it.
pub(crate) fn within(n: u128, limit: u128, what: &str, span: Span) -> Result<(), ShapeError> {
    if n <= limit {
        return Ok(());
    }
    Err(ShapeError::invalid(
        format!(
            "{what} would have {} entries or terms, past the size limit of {}",
            crate::progress::grouped(n.min(usize::MAX as u128) as usize),
            crate::progress::grouped(limit as usize)
        ),
        span,
        Some("vectors and matrices are lowered to one scalar per entry; use smaller shapes"),
    ))
}

/// Why an expression could not be lowered.
#[derive(Debug)]
pub(crate) enum Failure {
    Shape(ShapeError),
    /// It names something whose shape is not known yet.
    Pending,
}

impl From<ShapeError> for Failure {
    fn from(e: ShapeError) -> Failure {
        Failure::Shape(e)
    }
}

type R<T> = Result<T, Failure>;

/// The functions that build or reduce vectors (LANGUAGE.md §4).
pub const TENSOR_FUNCTIONS: [&str; 7] = ["dot", "outer", "diag", "sum", "softmax", "zeros", "ones"];

pub(crate) struct Lowerer<'a> {
    pub tensors: &'a Tensors,
    /// Names whose shape is still being worked out.
    pub pending: &'a BTreeSet<String>,
    /// Sum variables and function parameters in scope, innermost last.
    locals: Vec<(String, Tensor)>,
    /// Functions being inlined, to refuse a function that calls itself.
    inlining: Vec<String>,
    /// Entries produced so far: inlined functions that call each other
    /// twice over would grow without bound.
    work: u128,
}

fn mk(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn num(q: i64, span: Span) -> Expr {
    mk(ExprKind::Num(Q::from(q)), span)
}

fn is_num(e: &Expr, v: i64) -> bool {
    matches!(&e.kind, ExprKind::Num(q) if *q == Q::from(v))
}

/// `a * b`, leaving out a factor 1 and giving 0 for a factor 0, so that a
/// product with `diag` or a literal zero adds no nodes.
fn times(a: &Expr, b: &Expr, span: Span) -> Expr {
    if is_num(a, 0) || is_num(b, 0) {
        return num(0, span);
    }
    if is_num(a, 1) {
        return b.clone();
    }
    if is_num(b, 1) {
        return a.clone();
    }
    mk(
        ExprKind::MulChain(Box::new(a.clone()), vec![(MulOp::Mul, b.clone())]),
        span,
    )
}

/// The sum of `terms`, zeros left out.
fn total(terms: Vec<Expr>, span: Span) -> Expr {
    let mut terms = terms.into_iter().filter(|t| !is_num(t, 0));
    let Some(first) = terms.next() else {
        return num(0, span);
    };
    let rest: Vec<(AddOp, Expr)> = terms.map(|t| (AddOp::Add, t)).collect();
    if rest.is_empty() {
        first
    } else {
        mk(ExprKind::AddChain(Box::new(first), rest), span)
    }
}

/// Two shapes for a message: "a 2-vector and a 3-vector (2 and 3)".
fn both(a: Shape, b: Shape) -> String {
    format!("{} and {} ({} and {})", a.words(), b.words(), a.text(), b.text())
}

/// `aᵢ bᵢ` for each entry of two tensors of one size.
fn entrywise_products(a: &Tensor, b: &Tensor, span: Span) -> Vec<Expr> {
    a.entries
        .iter()
        .zip(&b.entries)
        .map(|(x, y)| times(x, y, span))
        .collect()
}

fn mismatch(message: String, span: Span, help: Option<&str>) -> Failure {
    Failure::Shape(ShapeError::Mismatch {
        message,
        span,
        help: help.map(str::to_string),
    })
}

fn invalid(message: impl Into<String>, span: Span, help: Option<&str>) -> Failure {
    Failure::Shape(ShapeError::invalid(message, span, help))
}

/// A literal whole number ≥ 1, as an entry index.
fn literal_index(e: &Expr) -> R<usize> {
    match &e.kind {
        ExprKind::Num(q) if q.is_integer() => q
            .to_i64()
            .filter(|&k| k >= 1)
            .map(|k| k as usize)
            .ok_or_else(|| invalid("entries are numbered from 1", e.span, None)),
        _ => Err(invalid(
            "an entry index must be a whole number written out",
            e.span,
            Some("write `h[t][2]` or `W[1,2]`"),
        )),
    }
}

impl<'a> Lowerer<'a> {
    pub fn new(tensors: &'a Tensors, pending: &'a BTreeSet<String>) -> Lowerer<'a> {
        Lowerer {
            tensors,
            pending,
            locals: Vec::new(),
            inlining: Vec::new(),
            work: 0,
        }
    }

    /// Lowers `e`, which must be a scalar; `what` names it in the error.
    pub fn scalar(&mut self, e: &Expr, what: &str) -> R<Expr> {
        let t = self.expr(e)?;
        if !t.shape.is_scalar() {
            return Err(invalid(
                format!("{what} must be a number, not {}", t.shape.words()),
                e.span,
                None,
            ));
        }
        Ok(t.entries.into_iter().next().expect("a scalar has one entry"))
    }

    fn local(&self, name: &str) -> Option<&Tensor> {
        self.locals.iter().rev().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    /// The entries of a tensor name, each a scalar name (or a step of one).
    fn named(&self, id: &Ident, step: Option<&Expr>) -> R<Option<Tensor>> {
        if self.pending.contains(&id.name) {
            return Err(Failure::Pending);
        }
        let Some(decl) = self.tensors.get(&id.name) else {
            return Ok(None);
        };
        let shape = decl.shape;
        let mut entries = Vec::with_capacity(shape.len());
        for i in 0..shape.rows {
            for j in 0..shape.cols {
                let ident = Ident {
                    name: entry_name(&id.name, shape, i, j),
                    span: id.span,
                };
                let span = step.map_or(id.span, |s| id.span.to(s.span));
                entries.push(match step {
                    Some(k) => mk(ExprKind::Index(ident, Box::new(k.clone())), span),
                    None => mk(ExprKind::Name(ident), span),
                });
            }
        }
        Ok(Some(Tensor { shape, entries }))
    }

    /// Lowers `e`, counting the entries made against [`MAX_TERMS`].
    pub fn expr(&mut self, e: &Expr) -> R<Tensor> {
        let t = self.expr_inner(e)?;
        self.work += t.entries.len() as u128;
        within(self.work, MAX_TERMS, "this expression, lowered to scalars,", e.span)?;
        Ok(t)
    }

    fn expr_inner(&mut self, e: &Expr) -> R<Tensor> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Num(_) => Tensor::scalar(e.clone()),
            ExprKind::Name(id) => {
                if let Some(t) = self.local(&id.name) {
                    return Ok(t.clone());
                }
                match self.named(id, None)? {
                    Some(t) => {
                        let decl = &self.tensors.decls[&id.name];
                        if decl.role.stepped() {
                            return Err(invalid(
                                format!("`{}` has a value at each step", id.name),
                                id.span,
                                Some(&format!("give the step: `{}[t]`", id.name)),
                            ));
                        }
                        t
                    }
                    None => Tensor::scalar(e.clone()),
                }
            }
            ExprKind::Index(id, idx) => {
                if let Some(t) = self.local(&id.name).cloned() {
                    return self.entry(&t, std::slice::from_ref(idx), span);
                }
                let stepped = self.tensors.get(&id.name).map(|d| d.role.stepped());
                match stepped {
                    Some(true) => {
                        let k = self.scalar(idx, "a step")?;
                        self.named(id, Some(&k))?.expect("a tensor name")
                    }
                    Some(false) => {
                        let t = self.named(id, None)?.expect("a tensor name");
                        self.entry(&t, std::slice::from_ref(idx), span)?
                    }
                    None => {
                        if self.pending.contains(&id.name) {
                            return Err(Failure::Pending);
                        }
                        let k = self.scalar(idx, "a step")?;
                        Tensor::scalar(mk(ExprKind::Index(id.clone(), Box::new(k)), span))
                    }
                }
            }
            ExprKind::Entry(base, idx) => {
                let t = self.expr(base)?;
                self.entry(&t, idx, span)?
            }
            ExprKind::Transpose(a) => {
                let t = self.expr(a)?;
                let shape = t.shape.transposed();
                let mut entries = Vec::with_capacity(t.entries.len());
                for i in 0..shape.rows {
                    for j in 0..shape.cols {
                        entries.push(t.at(j, i).clone());
                    }
                }
                Tensor { shape, entries }
            }
            ExprKind::List(items) => self.list(items, span)?,
            ExprKind::Neg(a) => {
                let t = self.expr(a)?;
                self.map(t, |x| mk(ExprKind::Neg(Box::new(x)), span))
            }
            ExprKind::AddChain(first, rest) => {
                let mut acc = self.expr(first)?;
                let mut parts: Vec<Vec<(AddOp, Expr)>> = vec![Vec::new(); acc.shape.len()];
                for (op, x) in rest {
                    let t = self.expr(x)?;
                    if t.shape != acc.shape {
                        let sign = if *op == AddOp::Add { "add" } else { "subtract" };
                        return Err(mismatch(
                            format!(
                                "cannot {sign} {}: `+` and `-` need equal shapes",
                                both(acc.shape, t.shape)
                            ),
                            first.span.to(x.span),
                            None,
                        ));
                    }
                    for (p, x) in parts.iter_mut().zip(t.entries) {
                        p.push((*op, x));
                    }
                }
                acc.entries = acc
                    .entries
                    .into_iter()
                    .zip(parts)
                    .map(|(a, rest)| mk(ExprKind::AddChain(Box::new(a), rest), span))
                    .collect();
                acc
            }
            ExprKind::MulChain(first, rest) => {
                let mut acc = self.expr(first)?;
                for (op, x) in rest {
                    let t = self.expr(x)?;
                    let at = first.span.to(x.span);
                    acc = self.multiply(acc, *op, t, at)?;
                }
                acc
            }
            ExprKind::Pow(a, b) => {
                let base = self.expr(a)?;
                let exp = self.scalar(b, "an exponent")?;
                self.map(base, |x| mk(ExprKind::Pow(Box::new(x), Box::new(exp.clone())), span))
            }
            ExprKind::Sum { var, lo, hi, body } => {
                let lo = self.scalar(lo, "a bound of a sum")?;
                let hi = self.scalar(hi, "a bound of a sum")?;
                let v = Expr {
                    kind: ExprKind::Name(var.clone()),
                    span: var.span,
                };
                self.locals.push((var.name.clone(), Tensor::scalar(v)));
                let body = self.expr(body);
                self.locals.pop();
                let body = body?;
                self.map(body, |b| {
                    mk(
                        ExprKind::Sum {
                            var: var.clone(),
                            lo: Box::new(lo.clone()),
                            hi: Box::new(hi.clone()),
                            body: Box::new(b),
                        },
                        span,
                    )
                })
            }
            ExprKind::Call(id, args) => self.call(id, args, span)?,
        })
    }

    fn map(&self, mut t: Tensor, f: impl Fn(Expr) -> Expr) -> Tensor {
        t.entries = t.entries.into_iter().map(f).collect();
        t
    }

    /// Entry `idx` (1-based literals) of `t`.
    fn entry(&mut self, t: &Tensor, idx: &[Expr], span: Span) -> R<Tensor> {
        let idx = idx.iter().map(literal_index).collect::<R<Vec<_>>>()?;
        let shape = t.shape;
        let (i, j) = match (idx.as_slice(), shape.rows, shape.cols) {
            (&[i], _, 1) => (i, 1),
            (&[j], 1, _) => (1, j),
            (&[i, j], _, _) => (i, j),
            _ if shape.is_scalar() => {
                return Err(invalid(
                    "this is a number, which has no entries",
                    span,
                    Some("a step is written `h[t]`, an entry of a vector at a step `h[t][2]`"),
                ))
            }
            _ => {
                return Err(invalid(
                    format!("{} takes two indices: `[i,j]`", shape.words()),
                    span,
                    None,
                ))
            }
        };
        if i > shape.rows || j > shape.cols {
            return Err(invalid(
                format!(
                    "entry [{}] is outside {} ({})",
                    format_idx(&idx),
                    shape.words(),
                    shape.text()
                ),
                span,
                None,
            ));
        }
        Ok(Tensor::scalar(t.at(i - 1, j - 1).clone()))
    }

    /// `[a, b]` is a column vector; `[[a, b], [c, d]]` a matrix by rows.
    fn list(&mut self, items: &[Expr], span: Span) -> R<Tensor> {
        if items.is_empty() {
            return Err(invalid("an empty list has no shape", span, None));
        }
        let rows = items.iter().map(|x| self.expr(x)).collect::<R<Vec<_>>>()?;
        let first = rows[0].shape;
        if let Some((k, r)) = rows.iter().enumerate().find(|(_, r)| r.shape != first) {
            return Err(mismatch(
                format!(
                    "the items of a list need equal shapes: item 1 is {}, item {} is {}",
                    first.words(),
                    k + 1,
                    r.shape.words()
                ),
                items[k].span,
                None,
            ));
        }
        let shape = if first.is_scalar() {
            Shape::vector(items.len())
        } else if first.cols == 1 || first.rows == 1 {
            Shape {
                rows: items.len(),
                cols: first.len(),
            }
        } else {
            return Err(invalid("a list of matrices is not a vector or a matrix", span, None));
        };
        Ok(Tensor {
            shape,
            entries: rows.into_iter().flat_map(|r| r.entries).collect(),
        })
    }

    fn multiply(&mut self, a: Tensor, op: MulOp, b: Tensor, span: Span) -> R<Tensor> {
        let scaled = |t: Tensor, s: &Expr, left: bool, op: MulOp| {
            let entries = t
                .entries
                .into_iter()
                .map(|x| {
                    let (l, r) = if left { (s.clone(), x) } else { (x, s.clone()) };
                    mk(ExprKind::MulChain(Box::new(l), vec![(op, r)]), span)
                })
                .collect();
            Tensor {
                shape: t.shape,
                entries,
            }
        };
        match op {
            MulOp::Div => {
                if !b.shape.is_scalar() {
                    return Err(mismatch(
                        format!(
                            "cannot divide {} by {}: the divisor must be a number",
                            a.shape.words(),
                            b.shape.words()
                        ),
                        span,
                        Some("for an entrywise quotient, write `a .* (1/b)` entry by entry or divide each entry"),
                    ));
                }
                Ok(scaled(a, &b.entries[0], false, MulOp::Div))
            }
            MulOp::Mul | MulOp::Hadamard if a.shape.is_scalar() => {
                let s = a.entries[0].clone();
                Ok(scaled(b, &s, true, MulOp::Mul))
            }
            MulOp::Mul | MulOp::Hadamard if b.shape.is_scalar() => {
                let s = b.entries[0].clone();
                Ok(scaled(a, &s, false, MulOp::Mul))
            }
            MulOp::Hadamard => {
                if a.shape != b.shape {
                    return Err(mismatch(
                        format!(
                            "cannot multiply {} entrywise: `.*` needs equal shapes",
                            both(a.shape, b.shape)
                        ),
                        span,
                        None,
                    ));
                }
                let entries = entrywise_products(&a, &b, span);
                Ok(Tensor {
                    shape: a.shape,
                    entries,
                })
            }
            MulOp::Mul => {
                if a.shape.cols != b.shape.rows {
                    let help = (a.shape.rows == b.shape.rows && a.shape.cols == 1 && b.shape.cols == 1)
                        .then_some("for the dot product of two vectors write `dot(a, b)` or `a'*b`; for the entrywise product `a .* b`");
                    return Err(mismatch(
                        format!(
                            "cannot multiply {} by {}: the matrix product needs {} columns on the left to match {} rows on the right ({} * {})",
                            a.shape.words(),
                            b.shape.words(),
                            a.shape.cols,
                            b.shape.rows,
                            a.shape.text(),
                            b.shape.text()
                        ),
                        span,
                        help,
                    ));
                }
                let shape = Shape {
                    rows: a.shape.rows,
                    cols: b.shape.cols,
                };
                let terms = shape.rows as u128 * shape.cols as u128 * a.shape.cols as u128;
                within(terms, MAX_TERMS, "this matrix product", span)?;
                let mut entries = Vec::with_capacity(shape.len());
                for i in 0..shape.rows {
                    for j in 0..shape.cols {
                        let terms = (0..a.shape.cols).map(|k| times(a.at(i, k), b.at(k, j), span)).collect();
                        entries.push(total(terms, span));
                    }
                }
                Ok(Tensor { shape, entries })
            }
        }
    }

    fn call(&mut self, id: &Ident, args: &[Expr], span: Span) -> R<Tensor> {
        let name = id.name.as_str();
        if let Some((params, body)) = self.tensors.functions.get(name) {
            return self.inline(id, params, body, args, span);
        }
        if self.pending.contains(name) {
            return Err(Failure::Pending);
        }
        let arity = |n: usize| -> R<()> {
            if args.len() == n {
                Ok(())
            } else {
                Err(invalid(
                    format!(
                        "`{name}` takes {n} argument{}, but {} were given",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                    span,
                    None,
                ))
            }
        };
        if Builtin::from_name(name).is_some() || self.tensors.opaque.contains(name) {
            arity(1)?;
            let t = self.expr(&args[0])?;
            return Ok(self.map(t, |x| mk(ExprKind::Call(id.clone(), vec![x]), span)));
        }
        match name {
            "zeros" | "ones" => {
                if args.is_empty() || args.len() > 2 {
                    return Err(invalid(
                        format!("`{name}` takes a size: `{name}(2)` or `{name}(2, 3)`"),
                        span,
                        None,
                    ));
                }
                let dims = args.iter().map(literal_index).collect::<R<Vec<_>>>()?;
                let shape = Shape {
                    rows: dims[0],
                    cols: dims.get(1).copied().unwrap_or(1),
                };
                within(
                    shape.rows as u128 * shape.cols as u128,
                    MAX_ENTRIES,
                    &format!("`{name}`"),
                    span,
                )?;
                let v = if name == "zeros" { 0 } else { 1 };
                Ok(Tensor {
                    shape,
                    entries: vec![num(v, span); shape.len()],
                })
            }
            "dot" => {
                arity(2)?;
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                let vec_like = |s: Shape| s.cols == 1 || s.rows == 1;
                if a.shape.len() != b.shape.len() || !vec_like(a.shape) || !vec_like(b.shape) {
                    return Err(mismatch(
                        format!("`dot` needs two vectors of one length, not {}", both(a.shape, b.shape)),
                        span,
                        None,
                    ));
                }
                let terms = entrywise_products(&a, &b, span);
                Ok(Tensor::scalar(total(terms, span)))
            }
            "outer" => {
                arity(2)?;
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                let shape = Shape {
                    rows: a.shape.len(),
                    cols: b.shape.len(),
                };
                within(shape.rows as u128 * shape.cols as u128, MAX_ENTRIES, "`outer`", span)?;
                let mut entries = Vec::with_capacity(shape.len());
                for x in &a.entries {
                    for y in &b.entries {
                        entries.push(times(x, y, span));
                    }
                }
                Ok(Tensor { shape, entries })
            }
            "diag" => {
                arity(1)?;
                let v = self.expr(&args[0])?;
                if v.shape.cols != 1 && v.shape.rows != 1 {
                    return Err(invalid(
                        format!("`diag` takes a vector, not {}", v.shape.words()),
                        span,
                        None,
                    ));
                }
                let n = v.shape.len();
                within(n as u128 * n as u128, MAX_ENTRIES, "`diag`", span)?;
                let mut entries = vec![num(0, span); n * n];
                for (i, x) in v.entries.into_iter().enumerate() {
                    entries[i * n + i] = x;
                }
                Ok(Tensor {
                    shape: Shape { rows: n, cols: n },
                    entries,
                })
            }
            "sum" => {
                arity(1)?;
                let v = self.expr(&args[0])?;
                Ok(Tensor::scalar(total(v.entries, span)))
            }
            "softmax" => {
                arity(1)?;
                let v = self.expr(&args[0])?;
                let exp = |x: &Expr| {
                    let f = Ident {
                        name: "exp".into(),
                        span: id.span,
                    };
                    mk(ExprKind::Call(f, vec![x.clone()]), span)
                };
                let denominator = total(v.entries.iter().map(exp).collect(), span);
                Ok(self.map(v.clone(), |x| {
                    mk(
                        ExprKind::MulChain(Box::new(exp(&x)), vec![(MulOp::Div, denominator.clone())]),
                        span,
                    )
                }))
            }
            // An unknown function: the resolver names it, with suggestions.
            _ => {
                let lowered = args
                    .iter()
                    .map(|a| self.scalar(a, "an argument"))
                    .collect::<R<Vec<_>>>()?;
                Ok(Tensor::scalar(mk(ExprKind::Call(id.clone(), lowered), span)))
            }
        }
    }

    /// A user function's body with its parameters bound to the arguments.
    fn inline(&mut self, id: &Ident, params: &[String], body: &Expr, args: &[Expr], span: Span) -> R<Tensor> {
        if params.len() != args.len() {
            return Err(invalid(
                format!(
                    "`{}` takes {} argument(s), but {} were given",
                    id.name,
                    params.len(),
                    args.len()
                ),
                span,
                Some(&format!(
                    "`{}` is defined as `{}({})`",
                    id.name,
                    id.name,
                    params.join(", ")
                )),
            ));
        }
        if self.inlining.contains(&id.name) {
            return Err(invalid(
                format!("`{}` calls itself (through {})", id.name, self.inlining.join(" → ")),
                span,
                Some("a function's body may call other functions, never itself"),
            ));
        }
        if self.inlining.len() >= MAX_INLINE {
            return Err(invalid(
                format!("functions call each other more than {MAX_INLINE} deep here"),
                span,
                Some("write some of them out, or give them fewer layers"),
            ));
        }
        let bound = args.iter().map(|a| self.expr(a)).collect::<R<Vec<_>>>()?;
        // The body sees only its parameters, not the caller's sum variables.
        let saved = std::mem::take(&mut self.locals);
        self.locals = params.iter().cloned().zip(bound).collect();
        self.inlining.push(id.name.clone());
        let out = self.expr(body);
        self.inlining.pop();
        self.locals = saved;
        out
    }
}

fn format_idx(idx: &[usize]) -> String {
    idx.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}
