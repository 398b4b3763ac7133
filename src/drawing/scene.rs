//! What is drawn: the unrolled graph under `--of` at one granularity, each
//! node labelled, each edge marked with the routes from `--wrt` to `--of`
//! it lies on. Plain data; `dot`, `svg` and `tikz` write it.

use super::{Granularity, TooLarge, MAX_COLOURED};
use crate::calculus::paths::{count_paths, listed_paths};
use crate::graph::{Builtin, Graph, Node, NodeId};
use crate::model::{Model, RExpr};
use crate::notation::latex::{latex_rational, query_latex};
use crate::notation::names::Typesetter;
use crate::notation::text::TextNames;
use num_bigint::BigUint;
use std::collections::BTreeMap;

/// What a node of the drawing stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// The `--wrt` node, where the paths start.
    Wrt,
    /// The `--of` node, where they end.
    Of,
    /// A parameter, input or other leaf.
    Leaf,
    /// A named quantity at a step (`h[1]`).
    Quantity,
    /// A literal of an equation (operations only).
    Literal,
    /// One operation (operations only).
    Operation,
}

/// One node: its label as text (`h[1]`, `×`) and as LaTeX (`h^{(1)}`, `\times`).
#[derive(Clone, Debug)]
pub struct SceneNode {
    /// The graph node it draws.
    pub id: NodeId,
    pub label: String,
    pub latex: String,
    pub kind: NodeKind,
    /// On some path from `--wrt` to `--of`.
    pub on_path: bool,
}

/// One edge, from an operand to what uses it (indices into
/// [`Scene::nodes`]).
#[derive(Clone, Debug)]
pub struct SceneEdge {
    pub from: usize,
    pub to: usize,
    /// How many times the operation uses the operand (`x*x`: 2); 1 between quantities.
    pub count: usize,
    /// The coloured routes (indices into [`Scene::routes`]) it lies on.
    pub routes: Vec<usize>,
    /// On some path from `--wrt` to `--of` (coloured or not).
    pub on_path: bool,
}

/// One highlighted route, as the drawing's nodes it passes.
#[derive(Clone, Debug)]
pub struct Route {
    pub nodes: Vec<usize>,
    /// The paths of the graph it stands for (several when routes through
    /// operations read the same between quantities, or an operation uses
    /// an operand twice).
    pub paths: usize,
}

/// The drawing's content.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Children before parents (graph id order).
    pub nodes: Vec<SceneNode>,
    /// Sorted by (to, from).
    pub edges: Vec<SceneEdge>,
    /// Each in its own colour; empty when the paths are too many to tell
    /// apart ([`MAX_COLOURED`]), then every edge on a path has one colour.
    pub routes: Vec<Route>,
    /// Every path from `--wrt` to `--of`, counted.
    pub path_count: BigUint,
    pub of_text: String,
    pub wrt_text: String,
    pub granularity: Granularity,
}

/// The question a drawing answers, in the graph it was unrolled into.
pub struct Question<'a> {
    pub graph: &'a Graph,
    pub model: &'a Model,
    pub of: NodeId,
    pub wrt: NodeId,
    pub of_text: &'a str,
    pub wrt_text: &'a str,
    /// The `--of` expression as resolved, to typeset it as written.
    pub of_expr: Option<&'a RExpr>,
}

/// The graph under `q.of` (and `q.wrt`) at `granularity`, refused past
/// `max_nodes` nodes.
pub fn scene(q: &Question, granularity: Granularity, max_nodes: usize) -> Result<Scene, TooLarge> {
    let g = q.graph;
    let below = g.reachable(&[q.of, q.wrt]);
    let shown = |n: NodeId| -> bool {
        below[n.index()]
            && match granularity {
                Granularity::Operations => true,
                Granularity::Quantities => {
                    n == q.of || n == q.wrt || matches!(g.node(n), Node::Named(..) | Node::Leaf(_))
                }
            }
    };
    let ids: Vec<NodeId> = (0..g.len() as u32).map(NodeId).filter(|&n| shown(n)).collect();
    if ids.len() > max_nodes {
        return Err(TooLarge {
            nodes: ids.len(),
            max: max_nodes,
            granularity,
        });
    }
    let index: BTreeMap<NodeId, usize> = ids.iter().enumerate().map(|(i, &n)| (n, i)).collect();

    // On a path: below `of` (everything drawn is) and above `wrt`.
    let mut above_wrt = vec![false; g.len()];
    above_wrt[q.wrt.index()] = true;
    for i in q.wrt.index() + 1..g.len() {
        above_wrt[i] = g.nodes()[i].children().any(|c| above_wrt[c.index()]);
    }
    let below_of = g.reachable(&[q.of]);
    let on_path = |n: NodeId| above_wrt[n.index()] && below_of[n.index()];

    let names = TextNames::new(q.model);
    let ts = Typesetter::new(q.model);
    let nodes: Vec<SceneNode> = ids
        .iter()
        .map(|&n| {
            let (label, latex, kind) = describe(g, &names, &ts, q, n);
            SceneNode {
                id: n,
                label,
                latex,
                kind,
                on_path: on_path(n),
            }
        })
        .collect();

    // Edges: an operation's operands, or the quantities a quantity's
    // definition reads (through the operations in between).
    let mut counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (to, &n) in ids.iter().enumerate() {
        match granularity {
            Granularity::Operations => {
                for c in g.node(n).children() {
                    *counts.entry((to, index[&c])).or_insert(0) += 1;
                }
            }
            Granularity::Quantities => {
                for c in sources(g, n, &shown) {
                    counts.insert((to, index[&c]), 1);
                }
            }
        }
    }
    let mut edges: Vec<SceneEdge> = counts
        .into_iter()
        .map(|((to, from), count)| SceneEdge {
            from,
            to,
            count,
            routes: Vec::new(),
            on_path: nodes[from].on_path && nodes[to].on_path,
        })
        .collect();

    let path_count = count_paths(g, q.wrt, q.of);
    let routes = coloured_routes(g, q, &path_count, &index, &shown);
    let edge_at: BTreeMap<(usize, usize), usize> = edges.iter().enumerate().map(|(i, e)| ((e.from, e.to), i)).collect();
    for (r, route) in routes.iter().enumerate() {
        for w in route.nodes.windows(2) {
            if let Some(&e) = edge_at.get(&(w[0], w[1])) {
                if !edges[e].routes.contains(&r) {
                    edges[e].routes.push(r);
                }
            }
        }
    }
    Ok(Scene {
        nodes,
        edges,
        routes,
        path_count,
        of_text: q.of_text.to_string(),
        wrt_text: q.wrt_text.to_string(),
        granularity,
    })
}

/// The drawn nodes a quantity's definition reads: its children, looked
/// through until a drawn node.
fn sources(g: &Graph, n: NodeId, shown: &dyn Fn(NodeId) -> bool) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<NodeId> = g.node(n).children().collect();
    while let Some(c) = stack.pop() {
        if !seen.insert(c) {
            continue;
        }
        if shown(c) {
            out.push(c);
        } else {
            stack.extend(g.node(c).children());
        }
    }
    out.sort();
    out
}

/// The routes each drawn in its own colour: the paths of the graph, as
/// the drawn nodes they pass, when at most [`MAX_COLOURED`] read
/// differently; else none.
fn coloured_routes(
    g: &Graph,
    q: &Question,
    count: &BigUint,
    index: &BTreeMap<NodeId, usize>,
    shown: &dyn Fn(NodeId) -> bool,
) -> Vec<Route> {
    // Many paths can still read as few routes between quantities.
    const LISTED: usize = 64;
    if *count == BigUint::from(0u32) || *count > BigUint::from(LISTED) {
        return Vec::new();
    }
    let mut routes: Vec<Route> = Vec::new();
    for p in listed_paths(g, q.wrt, q.of, LISTED) {
        let nodes: Vec<usize> = p.iter().filter(|&&n| shown(n)).map(|n| index[n]).collect();
        match routes.iter_mut().find(|r| r.nodes == nodes) {
            Some(r) => r.paths += 1,
            None => routes.push(Route { nodes, paths: 1 }),
        }
    }
    if routes.len() > MAX_COLOURED {
        return Vec::new();
    }
    routes
}

/// A node's text label, LaTeX label and kind.
fn describe(g: &Graph, names: &TextNames, ts: &Typesetter, q: &Question, n: NodeId) -> (String, String, NodeKind) {
    let node = g.node(n);
    let name_latex = |n: NodeId| match g.node(n) {
        Node::Named(s, _) | Node::Leaf(s) => Some(ts.symbol(*s)),
        _ => None,
    };
    if n == q.of {
        let latex = q
            .of_expr
            .and_then(|e| query_latex(e, ts))
            .or_else(|| name_latex(n))
            .unwrap_or_else(|| crate::notation::latex::latex(g, n, ts));
        return (q.of_text.to_string(), latex, NodeKind::Of);
    }
    if n == q.wrt {
        let latex = name_latex(n).unwrap_or_else(|| crate::notation::latex::latex(g, n, ts));
        return (q.wrt_text.to_string(), latex, NodeKind::Wrt);
    }
    let (label, latex, kind): (String, String, NodeKind) = match node {
        Node::Leaf(s) => (names.symbol(*s), ts.symbol(*s), NodeKind::Leaf),
        Node::Named(s, _) => (names.symbol(*s), ts.symbol(*s), NodeKind::Quantity),
        Node::Lit(v) => (v.to_string(), latex_rational(v), NodeKind::Literal),
        Node::Add(..) => ("+".into(), "+".into(), NodeKind::Operation),
        Node::Sub(..) => ("−".into(), "-".into(), NodeKind::Operation),
        Node::Mul(..) => ("×".into(), "\\times".into(), NodeKind::Operation),
        Node::Div(..) => ("÷".into(), "\\div".into(), NodeKind::Operation),
        Node::Pow(..) => ("^".into(), "\\wedge".into(), NodeKind::Operation),
        Node::Neg(..) => ("−x".into(), "-x".into(), NodeKind::Operation),
        Node::Call(b, _) => {
            let (t, l) = builtin_labels(*b);
            (t.into(), l.into(), NodeKind::Operation)
        }
        Node::Opaque(f, _) | Node::OpaquePrime(f, _) => {
            let base = names.base(*f).to_string();
            let prime = if matches!(node, Node::OpaquePrime(..)) { "'" } else { "" };
            (
                format!("{base}{prime}"),
                format!("{}{prime}", ts.base(*f)),
                NodeKind::Operation,
            )
        }
    };
    (label, latex, kind)
}

fn builtin_labels(b: Builtin) -> (&'static str, &'static str) {
    match b {
        Builtin::Sigmoid => ("σ", "\\sigma"),
        Builtin::Tanh => ("tanh", "\\tanh"),
        Builtin::Relu => ("ReLU", "\\operatorname{ReLU}"),
        Builtin::Exp => ("exp", "\\exp"),
        Builtin::Ln => ("ln", "\\ln"),
        Builtin::Sqrt => ("√", "\\sqrt{\\cdot}"),
        Builtin::Step => ("φ", "\\phi"),
    }
}
