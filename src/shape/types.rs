//! Shapes, tensors of scalar expressions, and how the entries of a vector
//! or matrix are named once lowered (LANGUAGE.md §4).

use crate::syntax::ast::{Expr, File};
use crate::syntax::Span;
use std::collections::{BTreeMap, BTreeSet};

/// `rows × cols`; a column vector is `n × 1`, a scalar `1 × 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    pub rows: usize,
    pub cols: usize,
}

impl Shape {
    pub const SCALAR: Shape = Shape { rows: 1, cols: 1 };

    pub fn vector(n: usize) -> Shape {
        Shape { rows: n, cols: 1 }
    }

    pub fn is_scalar(self) -> bool {
        self == Shape::SCALAR
    }

    /// The number of entries.
    pub fn len(self) -> usize {
        self.rows * self.cols
    }

    /// Never true: every shape has at least one entry.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn transposed(self) -> Shape {
        Shape {
            rows: self.cols,
            cols: self.rows,
        }
    }

    /// As a declaration writes it: `2`, `1x2`, `2x3`; a scalar is `1`.
    pub fn text(self) -> String {
        if self.cols == 1 {
            self.rows.to_string()
        } else {
            format!("{}x{}", self.rows, self.cols)
        }
    }

    /// In words, for messages: "a scalar", "a 2-vector", "a 1x2 row
    /// vector", "a 2x3 matrix".
    pub fn words(self) -> String {
        match (self.rows, self.cols) {
            (1, 1) => "a scalar".into(),
            (n, 1) => format!("a {n}-vector"),
            (1, n) => format!("a 1x{n} row vector"),
            (m, n) => format!("a {m}x{n} matrix"),
        }
    }
}

/// A vector or matrix of scalar expressions, row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub shape: Shape,
    pub entries: Vec<Expr>,
}

impl Tensor {
    pub fn scalar(e: Expr) -> Tensor {
        Tensor {
            shape: Shape::SCALAR,
            entries: vec![e],
        }
    }

    /// Entry `(i, j)`, 0-based.
    pub fn at(&self, i: usize, j: usize) -> &Expr {
        &self.entries[i * self.shape.cols + j]
    }
}

/// What a tensor name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Param,
    Input,
    Target,
    /// `name = EXPR`.
    Quantity,
    /// `name[t] = EXPR`.
    Sequence,
}

impl Role {
    /// True when the name is indexed by a step (`x[t]`, `h[t]`).
    pub fn stepped(self) -> bool {
        matches!(self, Role::Input | Role::Target | Role::Sequence)
    }
}

/// One name whose value is a vector or a matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorDecl {
    pub name: String,
    pub shape: Shape,
    pub role: Role,
    pub span: Span,
}

/// The tensor structure of a model, kept beside the scalar graph for
/// queries (`--of 'h[2]'`, `--wrt W`) and presentation.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Tensors {
    /// Every name that is a vector or a matrix.
    pub decls: BTreeMap<String, TensorDecl>,
    /// User functions, inlined at each call.
    pub functions: BTreeMap<String, (Vec<String>, Expr)>,
    /// `opaque` functions: applied entry by entry to a vector.
    pub opaque: BTreeSet<String>,
    /// `show NAME as "..."` of tensor names.
    pub shows: BTreeMap<String, String>,
    /// The model as written, before lowering; empty for a scalar model.
    pub source: File,
}

impl Tensors {
    /// True when the model has no vectors or matrices at all.
    pub fn is_empty(&self) -> bool {
        self.decls.is_empty() && self.source.stmts.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&TensorDecl> {
        self.decls.get(name)
    }
}

/// The name of entry `(i, j)` (0-based) of `base` once lowered: `b[2]`,
/// `W[1,2]`. The brackets keep it apart from every name a model can
/// declare.
pub fn entry_name(base: &str, shape: Shape, i: usize, j: usize) -> String {
    if shape.cols == 1 {
        format!("{base}[{}]", i + 1)
    } else {
        format!("{base}[{},{}]", i + 1, j + 1)
    }
}

/// Splits a lowered entry name into its base and its 1-based indices:
/// `W[1,2]` → (`W`, [1, 2]); `None` for a plain name.
///
/// ```
/// use chainrule::shape::split_entry;
/// assert_eq!(split_entry("W[1,2]"), Some(("W", vec![1, 2])));
/// assert_eq!(split_entry("h"), None);
/// ```
pub fn split_entry(name: &str) -> Option<(&str, Vec<usize>)> {
    let open = name.find('[')?;
    let inner = name[open + 1..].strip_suffix(']')?;
    let idx = inner
        .split(',')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<usize>>>()?;
    Some((&name[..open], idx))
}
