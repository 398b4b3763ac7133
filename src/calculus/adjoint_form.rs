//! The total by reverse accumulation, symbolically: one adjoint
//! `δ_n = ∂(of)/∂n` per named quantity on the paths, each defined by the
//! adjoints of the quantities that use it,
//! `δ_n = Σ_P δ_P · ∂P/∂n`, where `∂P/∂n` holds the other named
//! quantities fixed. Its size grows with the graph, not with the number of
//! paths, which is what makes a 100-step LSTM writable at all.

use super::local::{local_partial, Names};
use crate::eval::Value;
use crate::graph::{Graph, Node, NodeId, TooLarge};
use crate::number::{Prec, Q};
use crate::simplify::present::present;
use crate::simplify::Factored;
use std::collections::BTreeMap;

/// `δ_P · ∂P/∂n`, one term of an adjoint equation.
#[derive(Clone, Debug)]
pub struct AdjointTerm {
    pub parent: NodeId,
    /// `∂parent/∂node`, presented.
    pub partial: NodeId,
}

/// `δ_node = Σ δ_parent · partial`.
#[derive(Clone, Debug)]
pub struct AdjointEq {
    pub node: NodeId,
    pub terms: Vec<AdjointTerm>,
    /// Filled in by [`accumulate`].
    pub value: Value,
}

/// The equations for every named node on a `wrt → of` path and for `wrt`,
/// from `of` down (descending ids). `δ_of = 1` is implied.
pub fn adjoint_equations(
    g: &mut Graph,
    wrt: NodeId,
    of: NodeId,
    relu_active: bool,
) -> Result<Vec<AdjointEq>, TooLarge> {
    let n = of.index() + 1;
    // On a path: reaches `of` (descending pass) and is reached from `wrt` (ascending).
    let mut reaches = vec![false; n];
    reaches[of.index()] = true;
    for i in (0..n).rev() {
        if reaches[i] {
            for c in g.node(NodeId(i as u32)).children() {
                reaches[c.index()] = true;
            }
        }
    }
    let mut from = vec![false; n];
    if wrt.index() < n {
        from[wrt.index()] = true;
    }
    for i in wrt.index().min(n)..n {
        if !from[i] {
            from[i] = g.node(NodeId(i as u32)).children().any(|c| from[c.index()]);
        }
    }
    let on = |i: usize| reaches[i] && from[i];
    // Parents on the paths, with the operand slot.
    let mut parents: Vec<Vec<(NodeId, usize)>> = vec![Vec::new(); n];
    for i in 0..n {
        if !on(i) {
            continue;
        }
        for (slot, c) in g.node(NodeId(i as u32)).children().enumerate() {
            if on(c.index()) {
                parents[c.index()].push((NodeId(i as u32), slot));
            }
        }
    }
    let is_key = |g: &Graph, id: NodeId| id == wrt || id == of || matches!(g.node(id), Node::Named(..));
    let named = Names::new(g);
    // For an operation on the paths, the products of local partials from
    // it up to each next named quantity, in the order a depth-first walk
    // (explicit stack, last parent first) meets them. Computed once per
    // operation, from the top down (parents have larger ids), so a named
    // quantity below a long unnamed chain (a loss summed over T steps)
    // does not walk the chain again: linear in the graph, not quadratic.
    let mut up: Vec<Vec<(NodeId, Factored)>> = vec![Vec::new(); n];
    // The walk from `node` with product 1: key parents first, then each
    // other parent's walk, last parent first.
    let walk = |g: &mut Graph, node: NodeId, up: &[Vec<(NodeId, Factored)>]| {
        let mut out: Vec<(NodeId, Factored)> = Vec::new();
        let mut rest: Vec<(NodeId, Factored)> = Vec::new();
        for &(p, slot) in &parents[node.index()] {
            let f = local_partial(g, &named, p, slot, relu_active)?;
            if is_key(g, p) {
                out.push((p, f));
            } else {
                rest.push((p, f));
            }
        }
        for (p, f) in rest.into_iter().rev() {
            out.extend(up[p.index()].iter().map(|(k, u)| (*k, f.mul(u))));
        }
        Ok::<_, TooLarge>(out)
    };
    let mut eqs = Vec::new();
    for i in (wrt.index()..n).rev() {
        let id = NodeId(i as u32);
        if !on(i) || id == of {
            continue;
        }
        if !is_key(g, id) {
            up[i] = walk(g, id, &up)?;
            continue;
        }
        let mut by_parent: BTreeMap<NodeId, Vec<Factored>> = BTreeMap::new();
        for (p, f) in walk(g, id, &up)? {
            by_parent.entry(p).or_default().push(f);
        }
        let mut terms = Vec::new();
        for (parent, parts) in by_parent.into_iter().rev() {
            let partial = match Factored::sum(&parts) {
                Some(f) => present(g, &f)?,
                None => {
                    // Too large to combine: the plain sum of the local paths.
                    let mut acc: Option<NodeId> = None;
                    for f in &parts {
                        let t = present(g, f)?;
                        acc = Some(match acc {
                            None => t,
                            Some(a) => g.add(Node::Add(a, t))?,
                        });
                    }
                    acc.map_or_else(|| g.add(Node::lit(Q::zero())), Ok)?
                }
            };
            terms.push(AdjointTerm { parent, partial });
        }
        eqs.push(AdjointEq {
            node: id,
            terms,
            value: Value::Exact(Q::zero()),
        });
    }
    Ok(eqs)
}

/// Fills in every adjoint's value from the values of the partials
/// (`partial_values[k]` for the k-th term in equation order), descending.
/// Returns `δ_wrt`.
pub fn accumulate(eqs: &mut [AdjointEq], of: NodeId, partial_values: &[Value]) -> Value {
    let mut delta: BTreeMap<NodeId, Value> = BTreeMap::new();
    delta.insert(of, Value::Exact(Q::one()));
    let mut k = 0;
    for eq in eqs.iter_mut() {
        let mut acc = Value::Exact(Q::zero());
        for t in &eq.terms {
            let d = delta.get(&t.parent).cloned().unwrap_or(Value::Exact(Q::zero()));
            acc = acc.add(&d.mul(&partial_values[k], PREC), PREC);
            k += 1;
        }
        delta.insert(eq.node, acc.clone());
        eq.value = acc;
    }
    eqs.last().map(|e| e.value.clone()).unwrap_or(Value::Exact(Q::zero()))
}

/// Outward-rounded precision for combining enclosures that are already
/// certified far below the printed digits.
const PREC: Prec = Prec(512);
