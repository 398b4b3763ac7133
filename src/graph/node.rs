//! The nodes of the unrolled computation graph.

use crate::number::Q;
pub use crate::vocab::{Builtin, Sym, SymId};

/// Index of a node in [`super::Graph`]. Children always have smaller ids
/// than their parents, so ascending id order is a topological order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One operation of the graph. Structurally equal nodes are stored once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A literal from the equations (never a model value).
    /// Boxed: a node is 32 bytes instead of 64 (literals are few, and
    /// hash-consed, so one allocation each is cheap).
    Lit(Box<Q>),
    /// A differentiable leaf or free symbol: a parameter, an input or target
    /// element, a const without value, or a sequence step no equation covers.
    Leaf(Sym),
    /// A named quantity at a step, over its definition: `h[1]`, `y[2]`, `J`.
    Named(Sym, NodeId),
    Add(NodeId, NodeId),
    Sub(NodeId, NodeId),
    Mul(NodeId, NodeId),
    Div(NodeId, NodeId),
    Pow(NodeId, NodeId),
    Neg(NodeId),
    Call(Builtin, NodeId),
    /// A call of an opaque function (`ell(h[T])`, LANGUAGE.md §5). For
    /// values and derivatives it stands for the line through 0 whose slope
    /// is the call's [`Node::OpaquePrime`]: all a derivative sees of it.
    Opaque(SymId, NodeId),
    /// The derivative of an opaque function at its argument (`ell'(h[T])`):
    /// an atom whose value the bindings give (a random one in checks).
    OpaquePrime(SymId, NodeId),
}

impl Node {
    /// A literal node.
    pub fn lit(q: Q) -> Node {
        Node::Lit(Box::new(q))
    }

    /// The children in order, with repetition (`x*x` has `x` twice: two edges).
    pub fn children(&self) -> Children {
        match *self {
            Node::Lit(_) | Node::Leaf(_) => Children::None,
            Node::Named(_, a) | Node::Neg(a) | Node::Call(_, a) | Node::Opaque(_, a) => Children::One(a),
            // The argument of a derivative symbol is where it is taken, not
            // an operand: no edge runs from it (a path never passes ℓ′).
            Node::OpaquePrime(..) => Children::None,
            Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) | Node::Div(a, b) | Node::Pow(a, b) => {
                Children::Two(a, b)
            }
        }
    }
}

/// The children of a node, without allocating.
#[derive(Clone, Copy, Debug)]
pub enum Children {
    None,
    One(NodeId),
    Two(NodeId, NodeId),
}

impl Iterator for Children {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        match *self {
            Children::None => None,
            Children::One(a) => {
                *self = Children::None;
                Some(a)
            }
            Children::Two(a, b) => {
                *self = Children::One(b);
                Some(a)
            }
        }
    }
}
