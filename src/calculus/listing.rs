//! The paths a derivation lists, each with its chain-rule factors, their
//! product and its simplified form: the first part of a derivation.

use super::local::{local_partial, slots, Names};
use super::paths::{count_paths, listed_paths};
use super::steps::{steps, Absorbed, Granularity, Step};
use crate::eval::Value;
use crate::graph::{Graph, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::present::present;
use crate::simplify::Factored;
use num_bigint::BigUint;

/// One step of a path: `parent` uses `child` (as one operand or more).
#[derive(Clone, Debug)]
pub struct Edge {
    pub child: NodeId,
    pub parent: NodeId,
    /// `∂parent/∂child` (over every operand that is `child`), written
    /// through names and presented.
    pub partial: NodeId,
}

/// One path from `wrt` up to `of`.
#[derive(Clone, Debug)]
pub struct PathDerivation {
    pub nodes: Vec<NodeId>,
    pub edges: Vec<Edge>,
    /// The chain-rule factors, from `wrt` up: per operation, unless
    /// [`crate::calculus::derive::regroup`] was asked for another granularity.
    pub steps: Vec<Step>,
    /// The product of the local partials, simplified.
    pub product: Factored,
    pub simplified: NodeId,
    /// How many paths of the graph this one stands for: more than one when
    /// an operation on it uses its operand twice (`x*x`: one path per edge).
    pub multiplicity: BigUint,
    pub value: Value,
    /// The same product over its stretches of repeated steps, when it
    /// runs through many (see [`super::fold_path`]).
    pub folded: Option<super::fold_path::FoldedPath>,
    /// The steps (child, parent) that several routes run through, and how
    /// many, when this stands for routes that read the same per equation
    /// (see [`super::parallel`]).
    pub routes: Vec<(NodeId, NodeId, usize)>,
}

/// The paths listed, and what they leave out.
pub struct Listing {
    /// Every path of the graph from `wrt` to `of`, counted (not listed).
    pub count: BigUint,
    /// The listed paths, at most `max_paths` of them; their values are
    /// filled in when the derivation is evaluated.
    pub paths: Vec<PathDerivation>,
    /// The listed paths stand for fewer paths than there are.
    pub truncated: bool,
}

/// Lists at most `max_paths` paths from `wrt` to `of`, in the order a
/// course lists them, each with its local partials written through the
/// network's names, their product, and that product simplified.
pub fn list_paths(
    g: &mut Graph,
    of: NodeId,
    wrt: NodeId,
    max_paths: usize,
    relu_active: bool,
) -> Result<Listing, TooLarge> {
    let path_count = count_paths(g, wrt, of);
    // A node path that goes through an operation using one operand twice
    // (`x*x`) stands for as many graph paths, one per edge; it is shown
    // once, with the whole local partial (`2x`), as a course writes it,
    // and counted as what it stands for.
    let node_paths: Vec<Vec<NodeId>> = {
        let mut seen = std::collections::HashSet::new();
        listed_paths(g, wrt, of, max_paths)
            .into_iter()
            .filter(|p| seen.insert(p.clone()))
            .collect()
    };
    let named = Names::new(g);
    let absorbed = Absorbed::new(g, of, wrt);
    // Paths share most of their edges: each local partial is derived and
    // presented once.
    let mut partials: std::collections::HashMap<(NodeId, NodeId), (Factored, NodeId)> = Default::default();
    let mut built = Vec::new();
    let mut stands_for = BigUint::from(0u32);
    for nodes in node_paths {
        let mut factors: Vec<Factored> = Vec::with_capacity(nodes.len());
        let mut edges = Vec::new();
        let mut multiplicity = BigUint::from(1u32);
        for w in nodes.windows(2) {
            let (child, parent) = (w[0], w[1]);
            let slots = slots(g, parent, child);
            multiplicity *= slots.len();
            let (f, partial) = match partials.get(&(parent, child)) {
                Some(hit) => hit.clone(),
                None => {
                    let mut terms = Vec::with_capacity(slots.len());
                    for &slot in &slots {
                        terms.push(local_partial(g, &named, parent, slot, relu_active)?);
                    }
                    let f = match terms.len() {
                        1 => terms.remove(0),
                        _ => Factored::sum(&terms).unwrap_or_else(|| terms.remove(0)),
                    };
                    let partial = present(g, &f)?;
                    partials.insert((parent, child), (f.clone(), partial));
                    (f, partial)
                }
            };
            factors.push(f);
            edges.push(Edge { child, parent, partial });
        }
        stands_for += &multiplicity;
        let product = Factored::product(&factors);
        let simplified = present(g, &product)?;
        let steps = steps(g, of, wrt, &edges, Granularity::Operations, &absorbed)?;
        built.push(PathDerivation {
            nodes,
            edges,
            steps,
            product,
            simplified,
            multiplicity,
            value: Value::Exact(Q::zero()),
            folded: None,
            routes: Vec::new(),
        });
    }
    let truncated = stands_for < path_count;
    Ok(Listing {
        count: path_count,
        paths: built,
        truncated,
    })
}
