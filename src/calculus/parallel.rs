//! Routes that are one step between named quantities.
//!
//! Per equation, a path is written through the named quantities alone
//! (`h⁽⁰⁾ → h⁽¹⁾ → L`). When a quantity enters an equation in two places
//! (`h[t] = tanh((u*h[t-1] + b) / (2 + h[t-1]^2))`), the graph has two paths
//! that read the same way, one through each place, and each has only a part
//! of `∂h⁽¹⁾/∂h⁽⁰⁾`. Written as two chains `∂L/∂h⁽¹⁾ · ∂h⁽¹⁾/∂h⁽⁰⁾ = …` with
//! different right sides, both would be false. So paths whose steps are the
//! same are shown once, with each step's whole partial (summed over the
//! places the quantity enters, from the adjoint equations), and counted as
//! the paths they stand for, as `x*x` is already (see `listing`). The
//! merged path's value is evaluated anew: a listing cut short by
//! `--max-paths` may not hold every route it now stands for.

use super::adjoint_form::adjoint_equations;
use super::listing::PathDerivation;
use crate::eval::{evaluate, Bindings, EvalOptions, Unevaluable};
use crate::graph::{Graph, Node, NodeId, TooLarge};
use crate::number::Prec;
use crate::simplify::present::present;
use crate::simplify::{canonical, Depth, Factored};
use num_bigint::BigUint;
use std::collections::HashMap;

/// A path's steps as (child, parent) pairs: paths with the same key read
/// the same per equation.
type StepKey = Vec<(NodeId, NodeId)>;

/// What a merge needs beyond the graph: the ends of the derivative, and
/// how to evaluate a merged path that stands for routes the listing did
/// not hold.
pub struct MergeContext<'a> {
    pub of: NodeId,
    pub wrt: NodeId,
    pub bindings: &'a Bindings,
    pub digits: u32,
    pub relu_active: bool,
}

/// Merges the paths of `paths` that have the same steps; the others are
/// kept as they are. Order: first appearance.
pub fn merge_parallel(
    g: &mut Graph,
    paths: Vec<PathDerivation>,
    cx: &MergeContext,
) -> Result<Vec<PathDerivation>, MergeError> {
    let key = |p: &PathDerivation| p.steps.iter().map(|s| (s.child, s.parent)).collect::<Vec<_>>();
    let mut groups: Vec<(StepKey, Vec<PathDerivation>)> = Vec::new();
    let mut index: HashMap<StepKey, usize> = Default::default();
    for p in paths {
        let k = key(&p);
        match index.get(&k) {
            Some(&i) => groups[i].1.push(p),
            None => {
                index.insert(k.clone(), groups.len());
                groups.push((k, vec![p]));
            }
        }
    }
    // The whole partial of each step per equation, summed over its routes,
    // computed once when some group needs it.
    let mut whole: Option<HashMap<(NodeId, NodeId), NodeId>> = None;
    let mut out = Vec::new();
    'groups: for (steps, members) in groups {
        // Routes inside each step's equation: a step with one route is
        // exact as listed.
        let routes: Vec<u64> = steps.iter().map(|&(c, p)| routes_within(g, c, p, cx)).collect();
        let stands_for = routes.iter().fold(BigUint::from(1u32), |acc, &r| acc * r);
        if routes.iter().all(|&r| r == 1) || (members.len() == 1 && members[0].multiplicity == stands_for) {
            out.extend(members);
            continue;
        }
        if whole.is_none() {
            let eqs = adjoint_equations(g, cx.wrt, cx.of, cx.relu_active)?;
            whole = Some(
                eqs.iter()
                    .flat_map(|e| e.terms.iter().map(move |t| ((e.node, t.parent), t.partial)))
                    .collect(),
            );
        }
        let table = whole.as_ref().expect("computed above");
        let mut merged = members[0].clone();
        let mut factors = Vec::with_capacity(steps.len());
        for (i, &(c, p)) in steps.iter().enumerate() {
            let mut parts: Vec<NodeId> = Vec::new();
            for m in &members {
                if !parts.contains(&m.steps[i].partial) {
                    parts.push(m.steps[i].partial);
                }
            }
            if routes[i] > 1 && parts.len() as u64 == routes[i] {
                // Every place is listed: their parts as they were, added,
                // which a reader compares with the places one by one.
                merged.steps[i].partial = added(g, parts.into_iter())?;
            } else if routes[i] > 1 {
                // Between two named quantities the adjoint equations hold
                // the whole partial; a step that ends at `of` or starts at
                // `wrt` is one of those too.
                let Some(&partial) = table.get(&(c, p)) else {
                    out.extend(members);
                    continue 'groups;
                };
                merged.steps[i].partial = partial;
            }
            factors.push(Factored::from_poly(&canonical(
                g,
                merged.steps[i].partial,
                Depth::StopAtNames,
            )));
        }
        let product = Factored::product(&factors);
        let listed: BigUint = members.iter().map(|m| m.multiplicity.clone()).sum();
        let complete = listed == stands_for;
        merged.simplified = if complete {
            // Every route is listed: the sum of their simplified products,
            // each as its own path showed it.
            added(g, members.iter().map(|m| m.simplified))?
        } else {
            present(g, &product)?
        };
        merged.product = product;
        merged.routes = steps
            .iter()
            .zip(&routes)
            .filter(|(_, &r)| r > 1)
            .map(|(&(c, p), &r)| (c, p, r as usize))
            .collect();
        merged.multiplicity = stands_for;
        merged.value = if complete {
            members
                .iter()
                .skip(1)
                .fold(members[0].value.clone(), |acc, m| acc.add(&m.value, Prec(400)))
        } else {
            evaluate(g, &[merged.simplified], cx.bindings, EvalOptions { digits: cx.digits })?
                .pop()
                .expect("one root, one value")
        };
        out.push(merged);
    }
    Ok(out)
}

/// Why a merge failed: the graph is full, or a merged path's value could
/// not be evaluated.
#[derive(Debug)]
pub enum MergeError {
    TooLarge(TooLarge),
    Eval(Unevaluable),
}

impl From<TooLarge> for MergeError {
    fn from(e: TooLarge) -> Self {
        MergeError::TooLarge(e)
    }
}

impl From<Unevaluable> for MergeError {
    fn from(e: Unevaluable) -> Self {
        MergeError::Eval(e)
    }
}

/// How many routes of the graph run from `child` up to `parent` within one
/// step: not through another named quantity (or `of`, `wrt`). Counted
/// with multiplicity (`x*x` has two edges), saturating.
fn routes_within(g: &Graph, child: NodeId, parent: NodeId, cx: &MergeContext) -> u64 {
    let stop = |n: NodeId| n == cx.of || n == cx.wrt || matches!(g.node(n), Node::Named(..));
    // Memoized count from each node down to `child`, by an explicit stack.
    let mut memo: HashMap<NodeId, u64> = HashMap::new();
    let mut stack = vec![(parent, false)];
    while let Some((n, done)) = stack.pop() {
        if memo.contains_key(&n) {
            continue;
        }
        if n == child {
            memo.insert(n, 1);
            continue;
        }
        if n != parent && stop(n) {
            memo.insert(n, 0);
            continue;
        }
        let kids: Vec<NodeId> = g.node(n).children().collect();
        if done {
            let total = kids.iter().fold(0u64, |acc, k| acc.saturating_add(memo[k]));
            memo.insert(n, total);
        } else {
            stack.push((n, true));
            stack.extend(kids.into_iter().filter(|k| !memo.contains_key(k)).map(|k| (k, false)));
        }
    }
    memo.get(&parent).copied().unwrap_or(0)
}

/// `a + b + …`, a `- b` where a part is a negation.
fn added(g: &mut Graph, parts: impl Iterator<Item = NodeId>) -> Result<NodeId, TooLarge> {
    let mut acc: Option<NodeId> = None;
    for p in parts {
        acc = Some(match (acc, g.node(p).clone()) {
            (None, _) => p,
            (Some(a), Node::Neg(x)) => g.add(Node::Sub(a, x))?,
            (Some(a), _) => g.add(Node::Add(a, p))?,
        });
    }
    Ok(acc.expect("a group has members"))
}
