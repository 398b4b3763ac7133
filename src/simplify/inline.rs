//! Named quantities replaced by their definitions, down to the leaves: the
//! closed form that `eval --symbolic` prints.

use crate::graph::{Graph, Node, NodeId, TooLarge};
use std::collections::HashMap;

/// A node equal to `root` with every named node below it (and itself)
/// replaced by its definition. One ascending pass over the ids `root`
/// depends on; folding applies as nodes are rebuilt.
pub fn inline_names(g: &mut Graph, root: NodeId) -> Result<NodeId, TooLarge> {
    let needed = g.reachable(&[root]);
    let mut map: HashMap<NodeId, NodeId> = HashMap::new();
    for (i, need) in needed.iter().enumerate().take(root.index() + 1) {
        if !need {
            continue;
        }
        let id = NodeId(i as u32);
        let m = |c: &NodeId| map.get(c).copied().unwrap_or(*c);
        let new = match g.node(id).clone() {
            Node::Named(_, d) => m(&d),
            Node::Lit(_) | Node::Leaf(_) | Node::OpaquePrime(..) => id,
            Node::Opaque(f, a) => g.add(Node::Opaque(f, m(&a)))?,
            Node::Add(a, b) => g.add(Node::Add(m(&a), m(&b)))?,
            Node::Sub(a, b) => g.add(Node::Sub(m(&a), m(&b)))?,
            Node::Mul(a, b) => g.add(Node::Mul(m(&a), m(&b)))?,
            Node::Div(a, b) => g.add(Node::Div(m(&a), m(&b)))?,
            Node::Pow(a, b) => g.add(Node::Pow(m(&a), m(&b)))?,
            Node::Neg(a) => g.add(Node::Neg(m(&a)))?,
            Node::Call(f, a) => {
                // The argument is simplified too, so `σ(10 (x₃ − (x₂ − x₁)))`
                // reads `σ(10 x₃ − 10 x₂ + 10 x₁)` or its shorter factored form.
                let poly = super::canonical(g, m(&a), super::Depth::StopAtNames);
                let arg = super::present::present(g, &super::Factored::from_poly(&poly))?;
                g.add(Node::Call(f, arg))?
            }
        };
        map.insert(id, new);
    }
    Ok(map.get(&root).copied().unwrap_or(root))
}
