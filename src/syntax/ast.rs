//! The syntax tree of a model file, exactly as written, with byte spans.
//!
//! Sums and products are n-ary (`Chain`) so that the depth of the tree is
//! bounded by bracket nesting, never by the length of a line.

use super::span::Span;
use crate::number::Q;

/// An identifier with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddOp {
    Add,
    Sub,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MulOp {
    Mul,
    Div,
    /// `.*`, the elementwise product ⊙ (LANGUAGE.md §4); of two scalars,
    /// the product.
    Hadamard,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// Moves every span in the tree by `by` bytes: for text parsed on its
    /// own and then placed in a larger one (a re-read data list).
    pub fn shift_spans(&mut self, by: usize) {
        self.map_spans(&|s| Span::in_source(s.source, s.start + by, s.end + by));
    }

    /// Every span in the tree now points into the text of `source`.
    pub fn set_source(&mut self, source: super::span::Source) {
        self.map_spans(&|s| s.with_source(source));
    }

    /// Every span in the tree set to `span` (to compare trees as written).
    pub fn set_span(&mut self, span: Span) {
        self.map_spans(&|_| span);
    }

    /// Applies `f` to every span in the tree, with a loop over an explicit
    /// stack, as every tree walk here.
    fn map_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            e.span = f(e.span);
            match &mut e.kind {
                ExprKind::Name(id) | ExprKind::Index(id, _) | ExprKind::Call(id, _) => id.span = f(id.span),
                ExprKind::Sum { var, .. } => var.span = f(var.span),
                _ => {}
            }
            stack.extend(e.children_mut());
        }
    }

    /// The direct sub-expressions (indices, arguments, operands, sum bounds
    /// and body), for walks with an explicit stack.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Num(_) | ExprKind::Name(_) => Vec::new(),
            ExprKind::Index(_, a) | ExprKind::Neg(a) | ExprKind::Transpose(a) => vec![a],
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().collect(),
            ExprKind::Sum { lo, hi, body, .. } => vec![lo, hi, body],
            ExprKind::AddChain(a, rest) => std::iter::once(&**a).chain(rest.iter().map(|(_, x)| x)).collect(),
            ExprKind::MulChain(a, rest) => std::iter::once(&**a).chain(rest.iter().map(|(_, x)| x)).collect(),
            ExprKind::Pow(a, b) => vec![a, b],
            ExprKind::Entry(b, idx) => std::iter::once(&**b).chain(idx.iter()).collect(),
        }
    }

    /// [`Expr::children`], to change them in place.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Num(_) | ExprKind::Name(_) => Vec::new(),
            ExprKind::Index(_, a) | ExprKind::Neg(a) | ExprKind::Transpose(a) => vec![&mut **a],
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter_mut().collect(),
            ExprKind::Sum { lo, hi, body, .. } => vec![&mut **lo, &mut **hi, &mut **body],
            ExprKind::AddChain(a, rest) => std::iter::once(&mut **a)
                .chain(rest.iter_mut().map(|(_, x)| x))
                .collect(),
            ExprKind::MulChain(a, rest) => std::iter::once(&mut **a)
                .chain(rest.iter_mut().map(|(_, x)| x))
                .collect(),
            ExprKind::Pow(a, b) => vec![&mut **a, &mut **b],
            ExprKind::Entry(b, idx) => std::iter::once(&mut **b).chain(idx.iter_mut()).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal; decimals are exact.
    Num(Q),
    /// A bare name: a parameter, constant, plain quantity, step or sum variable.
    Name(Ident),
    /// `name[index]`.
    Index(Ident, Box<Expr>),
    /// `name(args)`: a built-in or a user function.
    Call(Ident, Vec<Expr>),
    /// `sum(var = lo..hi, body)`.
    Sum {
        var: Ident,
        lo: Box<Expr>,
        hi: Box<Expr>,
        body: Box<Expr>,
    },
    Neg(Box<Expr>),
    /// `first (op operand)*`, left-associative.
    AddChain(Box<Expr>, Vec<(AddOp, Expr)>),
    /// `first (op operand)*`, left-associative.
    MulChain(Box<Expr>, Vec<(MulOp, Expr)>),
    Pow(Box<Expr>, Box<Expr>),
    /// `[a, b, …]`: a vector, or a matrix row by row (LANGUAGE.md §4).
    List(Vec<Expr>),
    /// `base[i]` / `base[i,j]` after a step or on a tensor: an entry,
    /// 1-based (`h[t][2]`, `W[1,2]`).
    Entry(Box<Expr>, Vec<Expr>),
    /// `a'`.
    Transpose(Box<Expr>),
}

/// A declared shape, `2` or `2x3` (LANGUAGE.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeSpec {
    pub rows: usize,
    /// `None` for a column vector (`2`).
    pub cols: Option<usize>,
    pub span: Span,
}

/// One declared leaf of `param` / `const` (single value) or `input` / `target` (a sequence).
#[derive(Clone, Debug, PartialEq)]
pub struct Decl<V> {
    pub name: Ident,
    /// `: 2x2`, when written.
    pub shape: Option<ShapeSpec>,
    pub value: Option<V>,
}

/// The left side of an equation.
#[derive(Clone, Debug, PartialEq)]
pub enum Lhs {
    /// `name = ...`
    Plain(Ident),
    /// `name[index] = ...`: a recurrence (`h[t]`) or a fixed step (`h[0]`, `h[T]`).
    Indexed(Ident, Expr),
    /// `name(a, b) = ...`
    Function(Ident, Vec<Ident>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Param(Vec<Decl<Expr>>),
    Const(Vec<Decl<Expr>>),
    /// `opaque ell, g`: functions with no body.
    Opaque(Vec<Ident>),
    Input(Vec<Decl<Vec<Expr>>>),
    Target(Vec<Decl<Vec<Expr>>>),
    /// `assume relu active`
    Assume(Ident, Ident),
    /// `show name as "latex"`; the span of the string is kept for errors.
    Show(Ident, String, Span),
    /// `style time subscript`
    Style(Ident, Ident),
    Equation(Lhs, Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// A parsed model file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    pub stmts: Vec<Stmt>,
}
