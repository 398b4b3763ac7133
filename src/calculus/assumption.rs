//! `assume relu active` at a point: the relus whose argument is not
//! positive there. Under the assumption every route reads relu as the
//! identity (see `eval::Bindings`), so a derivation is still checked
//! consistently at such a point; this says where the assumption itself is
//! false, so that random values can be drawn again and a derivation at the
//! model's own values can say so.

use crate::eval::{evaluate, Bindings, EvalOptions};
use crate::graph::{Builtin, Graph, Node, NodeId};

/// The relu calls reachable from `roots` whose argument is not certainly
/// positive at `bindings`, in id order. Empty when relu is not read as the
/// identity (the assumption is not made), or when the arguments cannot be
/// evaluated (the caller reports that error itself).
pub fn inactive_relus(g: &Graph, roots: &[NodeId], bindings: &Bindings) -> Vec<NodeId> {
    if !bindings.relu_active() {
        return Vec::new();
    }
    let seen = g.reachable(roots);
    let (calls, args): (Vec<NodeId>, Vec<NodeId>) = g
        .nodes()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Call(Builtin::Relu, z) if seen[i] => Some((NodeId(i as u32), *z)),
            _ => None,
        })
        .unzip();
    if args.is_empty() {
        return Vec::new();
    }
    match evaluate(g, &args, bindings, EvalOptions { digits: 10 }) {
        Ok(values) => calls
            .into_iter()
            .zip(values)
            .filter(|(_, v)| !v.interval().lo().is_positive())
            .map(|(c, _)| c)
            .collect(),
        Err(_) => Vec::new(),
    }
}
