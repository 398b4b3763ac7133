//! The resolved model: every name has a kind, every expression refers to
//! symbols by id.

use crate::number::Q;
use crate::syntax::ast::{AddOp, MulOp};
use crate::syntax::Span;
use crate::vocab::Builtin;
pub use crate::vocab::SymId;
use std::collections::{BTreeMap, HashMap};

/// Where the step index of a symbol is typeset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeStyle {
    /// `h^{(t)}`, the course's convention.
    #[default]
    Superscript,
    /// `h_{t}`.
    Subscript,
}

/// What a name denotes.
#[derive(Clone, Debug, PartialEq)]
pub enum SymKind {
    /// A differentiable leaf, with its value if given.
    Param { value: Option<Q> },
    /// An input sequence (1-based), with its values if given.
    Input { values: Option<Vec<Q>> },
    /// Like an input, but training data.
    Target { values: Option<Vec<Q>> },
    /// A named constant: folded into the graph as a literal.
    Const { value: Option<Q> },
    /// `name = EXPR`.
    Quantity { def: RExpr },
    /// `name[t] = EXPR` and/or `name[K] = EXPR`.
    Sequence(Sequence),
    /// `name(a, b) = EXPR`; calls are inlined.
    Function { params: Vec<String>, body: RExpr },
    /// `opaque ell`: a function of one argument with no body; its
    /// derivative `ell'` stays a symbol (LANGUAGE.md §5).
    Opaque,
}

/// The equations of one indexed quantity.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Sequence {
    /// The recurrence, for steps `t >= 1` that no fixed equation covers.
    pub general: Option<RExpr>,
    /// Boundary values and overrides at fixed steps.
    pub fixed: BTreeMap<i64, RExpr>,
    /// True when the recurrence looks ahead (`h[t+1]`) or indexes in a way
    /// that is not `t ± k`: such a sequence needs a horizon or a boundary.
    pub looks_ahead: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    /// Where the name was declared or first defined.
    pub span: Span,
    pub kind: SymKind,
    /// `show name as "..."`.
    pub show: Option<String>,
}

/// An expression with every name resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct RExpr {
    pub kind: RKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RKind {
    Num(Q),
    /// A parameter, const or plain quantity.
    Sym(SymId),
    /// An element of a sequence, input or target; the index is an integer expression.
    Elem(SymId, Box<RExpr>),
    /// The step variable of the recurrence being defined.
    Step,
    /// Parameter `i` of the function being defined.
    Arg(usize),
    /// The variable of an enclosing `sum`, by slot.
    SumVar(usize),
    Builtin(Builtin, Box<RExpr>),
    /// A call of a user function.
    Apply(SymId, Vec<RExpr>),
    /// A call of an opaque function.
    Opaque(SymId, Box<RExpr>),
    Neg(Box<RExpr>),
    AddChain(Box<RExpr>, Vec<(AddOp, RExpr)>),
    MulChain(Box<RExpr>, Vec<(MulOp, RExpr)>),
    Pow(Box<RExpr>, Box<RExpr>),
    Sum {
        slot: usize,
        lo: Box<RExpr>,
        hi: Box<RExpr>,
        body: Box<RExpr>,
    },
}

impl RExpr {
    /// The direct sub-expressions (indices, arguments, operands, sum bounds
    /// and body), for walks with an explicit stack.
    pub fn children(&self) -> Vec<&RExpr> {
        match &self.kind {
            RKind::Num(_) | RKind::Sym(_) | RKind::Step | RKind::Arg(_) | RKind::SumVar(_) => Vec::new(),
            RKind::Elem(_, a) | RKind::Builtin(_, a) | RKind::Neg(a) | RKind::Opaque(_, a) => vec![a],
            RKind::Apply(_, args) => args.iter().collect(),
            RKind::AddChain(a, rest) => std::iter::once(a.as_ref()).chain(rest.iter().map(|(_, x)| x)).collect(),
            RKind::MulChain(a, rest) => std::iter::once(a.as_ref()).chain(rest.iter().map(|(_, x)| x)).collect(),
            RKind::Pow(a, b) => vec![a, b],
            RKind::Sum { lo, hi, body, .. } => vec![lo, hi, body],
        }
    }
}

/// A resolved model.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Model {
    pub symbols: Vec<Symbol>,
    pub by_name: HashMap<String, SymId>,
    /// `assume relu active`.
    pub relu_active: bool,
    pub time_style: TimeStyle,
    /// The number of sum slots any one expression needs.
    pub sum_slots: usize,
    /// The vectors and matrices the symbols are entries of (empty for a
    /// scalar model); see [`crate::shape`].
    pub tensors: crate::shape::Tensors,
}

impl Model {
    /// A symbol at a step as the model writes it: `h[1]`, `w1`.
    pub fn label(&self, sym: crate::vocab::Sym) -> String {
        let name = &self.symbol(sym.id).name;
        match sym.step {
            Some(k) => crate::vocab::at_step(name, k),
            None => name.clone(),
        }
    }

    pub fn symbol(&self, id: SymId) -> &Symbol {
        &self.symbols[id.0 as usize]
    }

    pub fn lookup(&self, name: &str) -> Option<SymId> {
        self.by_name.get(name).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = SymId> {
        (0..self.symbols.len() as u32).map(SymId)
    }

    /// The horizon implied by the data: the length of the shortest input or
    /// target sequence that has values.
    pub fn data_horizon(&self) -> Option<i64> {
        self.symbols
            .iter()
            .filter_map(|s| match &s.kind {
                SymKind::Input { values: Some(v) } | SymKind::Target { values: Some(v) } => Some(v.len() as i64),
                _ => None,
            })
            .min()
    }
}
