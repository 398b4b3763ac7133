//! Binding strengths shared by the LaTeX and text printers, which decide
//! where an operand needs brackets.

use crate::graph::{Graph, Node, NodeId};

/// The two notations differ in how they group: LaTeX sets `/` as `\frac`,
/// which groups itself, and in text a literal fraction `1/2` is a division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notation {
    Latex,
    Text,
}

/// How tightly a printed node holds together, loosest first. Unary minus
/// sits between `*` and `^`, as in the model grammar: `-a*b` is `(-a)*b`
/// and `-x^2` is `-(x^2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Binding {
    /// `a + b`, `a - b`.
    Sum,
    /// `a*b`, `a/b`, and a literal fraction in text.
    Product,
    /// `-a`, and a negative literal.
    Unary,
    /// `a^b`.
    Power,
    /// Symbols, calls, non-negative integers, and `\frac` in LaTeX.
    Atom,
}

/// The binding strength of node `id` when it is printed without brackets.
///
/// ```
/// use chainrule::graph::{Graph, Node};
/// use chainrule::number::Q;
/// use chainrule::notation::precedence::{prec, Notation, Binding};
/// let mut g = Graph::new();
/// let half = g.intern(Node::lit(Q::ratio(1, 2))).unwrap();
/// assert_eq!(prec(&g, half, Notation::Text), Binding::Product);
/// assert_eq!(prec(&g, half, Notation::Latex), Binding::Atom);
/// ```
pub fn prec(graph: &Graph, id: NodeId, notation: Notation) -> Binding {
    match graph.node(id) {
        Node::Add(..) | Node::Sub(..) => Binding::Sum,
        Node::Mul(..) => Binding::Product,
        Node::Div(..) => match notation {
            Notation::Latex => Binding::Atom,
            Notation::Text => Binding::Product,
        },
        Node::Neg(_) => Binding::Unary,
        Node::Pow(..) => Binding::Power,
        Node::Lit(q) if q.is_negative() => Binding::Unary,
        Node::Lit(q) if !q.is_integer() && notation == Notation::Text => Binding::Product,
        Node::Lit(_) | Node::Leaf(_) | Node::Named(..) | Node::Call(..) | Node::Opaque(..) | Node::OpaquePrime(..) => {
            Binding::Atom
        }
    }
}

/// True when node `id`, printed without brackets, begins with a minus sign
/// (`-x`, `-2 y`, `-a - b`). Such a node needs brackets wherever a second
/// sign would follow an operator (`a + \left(-b\right)`, never `a + -b`).
///
/// Follows the leftmost operands down to the first one that is bracketed or
/// atomic, so the cost is the length of that spine, not of the expression.
pub fn leads_with_minus(graph: &Graph, mut id: NodeId, notation: Notation) -> bool {
    loop {
        id = match *graph.node(id) {
            Node::Neg(_) => return true,
            Node::Lit(ref q) => return q.is_negative(),
            Node::Add(l, _) | Node::Sub(l, _) => l,
            Node::Div(..) if notation == Notation::Latex => return false,
            // A sum as the left factor is bracketed, so it starts with `(`.
            Node::Mul(l, _) | Node::Div(l, _) if prec(graph, l, notation) == Binding::Sum => return false,
            Node::Mul(l, _) | Node::Div(l, _) => l,
            // A power's base is bracketed when it is negative; calls and
            // symbols start with a letter or a backslash.
            Node::Pow(..)
            | Node::Call(..)
            | Node::Leaf(_)
            | Node::Named(..)
            | Node::Opaque(..)
            | Node::OpaquePrime(..) => return false,
        };
    }
}
