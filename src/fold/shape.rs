//! Two expressions that are one expression at two steps.

use crate::graph::{Graph, Node, NodeId};
use crate::vocab::SymId;

/// How a node that prints as a name is told apart from others across
/// steps: a model symbol at a step, or a variable of a derivation (an
/// intermediate `z_{k}^{(t)}`) by its number within its step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Atom {
    Sym(SymId, Option<i64>),
    Var(u32, Option<i64>),
}

impl Atom {
    /// `other` is `self` with its step moved by `shift` (a stepless atom
    /// matches only itself).
    pub fn shifted(self, other: Atom, shift: i64) -> bool {
        let steps = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => b - a == shift,
            _ => false,
        };
        match (self, other) {
            (Atom::Sym(a, sa), Atom::Sym(b, sb)) => a == b && steps(sa, sb),
            (Atom::Var(a, sa), Atom::Var(b, sb)) => a == b && steps(sa, sb),
            _ => false,
        }
    }
}

/// Is the expression at `b` the one at `a` with every step moved by
/// `shift`? Nodes for which `atom` answers are compared as names and not
/// looked into (the roots themselves are always looked into); leaves and
/// named nodes are always names. An explicit stack: no recursion.
pub fn same_shape(g: &Graph, a: NodeId, b: NodeId, shift: i64, atom: &dyn Fn(NodeId) -> Option<Atom>) -> bool {
    let name = |n: NodeId, root: bool| -> Option<Atom> {
        match g.node(n) {
            Node::Leaf(s) | Node::Named(s, _) if !root => Some(Atom::Sym(s.id, s.step)),
            _ if root => None,
            _ => atom(n),
        }
    };
    let mut stack = vec![(a, b, true)];
    while let Some((x, y, root)) = stack.pop() {
        match (name(x, root), name(y, root)) {
            (Some(p), Some(q)) => {
                if !p.shifted(q, shift) {
                    return false;
                }
                continue;
            }
            (None, None) => {}
            _ => return false,
        }
        let (nx, ny) = (g.node(x), g.node(y));
        let same_op = match (nx, ny) {
            (Node::Lit(p), Node::Lit(q)) => p == q,
            (Node::Leaf(_), Node::Leaf(_)) => true,
            (Node::Named(p, _), Node::Named(q, _)) => {
                p.id == q.id && Atom::Sym(p.id, p.step).shifted(Atom::Sym(q.id, q.step), shift)
            }
            (Node::Call(f, _), Node::Call(h, _)) => f == h,
            (Node::Opaque(f, _), Node::Opaque(h, _)) | (Node::OpaquePrime(f, _), Node::OpaquePrime(h, _)) => f == h,
            _ => std::mem::discriminant(nx) == std::mem::discriminant(ny),
        };
        if !same_op {
            return false;
        }
        if let (Node::OpaquePrime(_, p), Node::OpaquePrime(_, q)) = (nx, ny) {
            stack.push((*p, *q, false));
            continue;
        }
        let (cx, cy) = (nx.children(), ny.children());
        for (p, q) in cx.zip(cy) {
            stack.push((p, q, false));
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Sym;

    fn sym(g: &mut Graph, id: u32, step: Option<i64>) -> NodeId {
        g.intern(Node::Leaf(Sym { id: SymId(id), step })).unwrap()
    }

    #[test]
    fn a_step_later_is_the_same_shape() {
        let mut g = Graph::new();
        let u = sym(&mut g, 0, None);
        let h1 = sym(&mut g, 1, Some(1));
        let h2 = sym(&mut g, 1, Some(2));
        let h3 = sym(&mut g, 1, Some(3));
        let a = g.intern(Node::Mul(u, h1)).unwrap();
        let b = g.intern(Node::Mul(u, h2)).unwrap();
        let c = g.intern(Node::Mul(u, h3)).unwrap();
        let none = |_| None;
        assert!(same_shape(&g, a, b, 1, &none));
        assert!(same_shape(&g, a, c, 2, &none));
        assert!(!same_shape(&g, a, c, 1, &none), "two steps on is not one");
        assert!(!same_shape(&g, a, a, 1, &none), "the same node is not a step later");
        assert!(same_shape(&g, a, a, 0, &none));
    }

    #[test]
    fn operands_and_operations_must_match() {
        let mut g = Graph::new();
        let u = sym(&mut g, 0, None);
        let w = sym(&mut g, 2, None);
        let h1 = sym(&mut g, 1, Some(1));
        let h2 = sym(&mut g, 1, Some(2));
        let a = g.intern(Node::Mul(u, h1)).unwrap();
        let b = g.intern(Node::Mul(w, h2)).unwrap();
        let c = g.intern(Node::Add(u, h2)).unwrap();
        let none = |_| None;
        assert!(!same_shape(&g, a, b, 1, &none), "another parameter");
        assert!(!same_shape(&g, a, c, 1, &none), "another operation");
    }
}
