//! The shape layer (LANGUAGE.md §4): between the syntax tree and the
//! resolver. Every expression gets a shape (scalar, vector or matrix); a
//! mismatch is a located error naming both shapes. Then each vector or
//! matrix is lowered to one scalar per entry (`W` to `W[1,1]` … `W[2,2]`,
//! `h[t]` to `h[1][t]`, `h[2][t]`), so that resolving, unrolling, exact
//! evaluation, AD and path counting work unchanged on the entries; the
//! tensor structure is handed on beside the scalars ([`Tensors`]) for
//! queries and matrix-form presentation.
//!
//! A model with no vectors or matrices is handed through untouched.

mod error;
mod expr;
mod stmt;
mod types;

pub use error::ShapeError;
pub use expr::{MAX_INLINE, TENSOR_FUNCTIONS};
pub use types::{entry_name, split_entry, Role, Shape, Tensor, TensorDecl, Tensors};

use crate::syntax::ast::{Expr, ExprKind, File, MulOp, StmtKind};
use std::collections::BTreeSet;

/// Lowers a model to scalars. A model with no vectors or matrices comes
/// back as it was, with empty [`Tensors`].
pub fn lower(file: File) -> Result<(File, Tensors), ShapeError> {
    if !uses_tensors(&file) {
        return Ok((file, Tensors::default()));
    }
    stmt::lower_file(&file)
}

/// Lowers one expression against a lowered model's tensors (a `--of` or
/// `--wrt` text): a tensor of scalar expressions.
pub fn lower_expr(e: &Expr, tensors: &Tensors) -> Result<Tensor, ShapeError> {
    if tensors.is_empty() {
        return Ok(Tensor::scalar(e.clone()));
    }
    let none = BTreeSet::new();
    expr::Lowerer::new(tensors, &none).expr(e).map_err(|f| match f {
        expr::Failure::Shape(e) => e,
        expr::Failure::Pending => ShapeError::invalid("the shape here cannot be worked out", e.span, None),
    })
}

/// True when some declaration has a shape or some expression uses a form
/// or function only vectors and matrices have.
fn uses_tensors(file: &File) -> bool {
    let mut exprs: Vec<&Expr> = Vec::new();
    for stmt in &file.stmts {
        match &stmt.kind {
            StmtKind::Param(ds) | StmtKind::Const(ds) => {
                if ds.iter().any(|d| d.shape.is_some()) {
                    return true;
                }
                exprs.extend(ds.iter().filter_map(|d| d.value.as_ref()));
            }
            StmtKind::Input(ds) | StmtKind::Target(ds) => {
                if ds.iter().any(|d| d.shape.is_some()) {
                    return true;
                }
                exprs.extend(ds.iter().flat_map(|d| d.value.iter().flatten()));
            }
            StmtKind::Equation(_, rhs) => exprs.push(rhs),
            _ => {}
        }
    }
    // A name defined as a function shadows the built-in of that name.
    let defined: BTreeSet<&str> = file
        .stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Equation(crate::syntax::ast::Lhs::Function(n, _), _) => Some(n.name.as_str()),
            _ => None,
        })
        .collect();
    while let Some(e) = exprs.pop() {
        match &e.kind {
            ExprKind::List(_) | ExprKind::Entry(..) | ExprKind::Transpose(_) => return true,
            ExprKind::MulChain(_, rest) if rest.iter().any(|(op, _)| *op == MulOp::Hadamard) => return true,
            ExprKind::Call(id, _)
                if TENSOR_FUNCTIONS.contains(&id.name.as_str()) && !defined.contains(id.name.as_str()) =>
            {
                return true
            }
            _ => exprs.extend(e.children()),
        }
    }
    false
}
