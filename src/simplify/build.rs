//! Canonical and factored forms back into graph nodes, so the one LaTeX
//! printer (`notation::latex`) typesets them.

use super::factored::{CommonFactor, Factored};
use super::poly::{Monomial, Poly};
use crate::graph::{Graph, Node, NodeId, TooLarge};
use crate::number::Q;

fn lit(g: &mut Graph, q: Q) -> Result<NodeId, TooLarge> {
    g.add(Node::lit(q))
}

fn product(g: &mut Graph, factors: &[NodeId]) -> Result<Option<NodeId>, TooLarge> {
    let mut acc: Option<NodeId> = None;
    for &f in factors {
        acc = Some(match acc {
            None => f,
            Some(a) => g.add(Node::Mul(a, f))?,
        });
    }
    Ok(acc)
}

/// Atoms with positive powers (numerator) and negative (denominator), in
/// the monomial's reading order.
fn atoms(g: &mut Graph, m: &Monomial) -> Result<(Vec<NodeId>, Vec<NodeId>), TooLarge> {
    let (mut num, mut den) = (Vec::new(), Vec::new());
    for &(a, p) in m.factors() {
        let side = if p > 0 { &mut num } else { &mut den };
        let n = p.abs();
        side.push(if n == 1 {
            a
        } else {
            let e = lit(g, Q::int(i64::from(n)))?;
            g.add(Node::Pow(a, e))?
        });
    }
    Ok((num, den))
}

/// `|c| · extra · num / den`, and whether `c` was negative.
fn signed_product(g: &mut Graph, c: &Q, lead: &[NodeId], m: &Monomial) -> Result<(NodeId, bool), TooLarge> {
    let (num, den) = atoms(g, m)?;
    let mag = c.abs();
    let mut factors = Vec::new();
    // A coefficient's denominator goes under the fraction bar with the
    // atoms: `x/2`, not `1/2 x`, when there is a numerator.
    let has_num = !lead.is_empty() || !num.is_empty();
    let (top, bottom) = if has_num {
        (Q::from_bigint(mag.numer().clone()), Q::from_bigint(mag.denom().clone()))
    } else {
        (mag.clone(), Q::one())
    };
    if !top.is_one() || !has_num {
        factors.push(lit(g, top)?);
    }
    factors.extend_from_slice(lead);
    factors.extend(num);
    let numerator = product(g, &factors)?.expect("at least one factor");
    let mut dens = Vec::new();
    if !bottom.is_one() {
        dens.push(lit(g, bottom)?);
    }
    dens.extend(den);
    let node = match product(g, &dens)? {
        Some(d) => g.add(Node::Div(numerator, d))?,
        None => numerator,
    };
    Ok((node, c.is_negative()))
}

/// A sum in reading order, `a − b + c`, except that a sum whose first term
/// is negative starts with its first positive term instead: `1 − y`, not
/// `−y + 1`.
pub fn poly_node(g: &mut Graph, p: &Poly) -> Result<NodeId, TooLarge> {
    let mut terms: Vec<(&Monomial, &Q)> = p.terms().collect();
    if terms.first().is_some_and(|(_, c)| c.is_negative()) {
        if let Some(i) = terms.iter().position(|(_, c)| c.is_positive()) {
            let t = terms.remove(i);
            terms.insert(0, t);
        }
    }
    let mut acc: Option<NodeId> = None;
    for (m, c) in terms {
        let (t, neg) = signed_product(g, c, &[], m)?;
        acc = Some(match (acc, neg) {
            (None, false) => t,
            (None, true) => g.add(Node::Neg(t))?,
            (Some(a), false) => g.add(Node::Add(a, t))?,
            (Some(a), true) => g.add(Node::Sub(a, t))?,
        });
    }
    match acc {
        Some(a) => Ok(a),
        None => lit(g, Q::zero()),
    }
}

/// Sum factors first, then the monomial: `(y − 1) v x`. A negative
/// coefficient is absorbed into the last sum factor of odd power that
/// reads as well negated, so
/// `−(1 − y) v x` reads `(y − 1) v x`. In a chain-rule product the last
/// factor comes from nearest the loss, whose derivative is the one people
/// write as `(y − 1)` or `(ŷ − y)`; the `1 − h²` of tanh′ stay as they are.
pub fn factored_node(g: &mut Graph, f: &Factored) -> Result<NodeId, TooLarge> {
    if f.is_zero() {
        return lit(g, Q::zero());
    }
    let mut f = f.clone();
    if f.coeff.is_negative() {
        // Only a sum that reads no worse negated: `1 − y` ↔ `y − 1` is
        // neutral, `x + u c` → `−x − u c` is not.
        let negatives = |p: &Poly| p.terms().filter(|(_, c)| c.is_negative()).count();
        let target = f
            .sums
            .iter_mut()
            .rev()
            .find(|(p, e)| e % 2 == 1 && negatives(&p.neg()) <= negatives(p));
        if let Some(slot) = target {
            slot.0 = slot.0.neg();
            f.coeff = -f.coeff.clone();
        }
    }
    let f = &f;
    let mut lead = Vec::new();
    for (p, e) in &f.sums {
        let s = poly_node(g, p)?;
        lead.push(if *e == 1 {
            s
        } else {
            let n = lit(g, Q::int(i64::from(*e)))?;
            g.add(Node::Pow(s, n))?
        });
    }
    let (node, neg) = signed_product(g, &f.coeff, &lead, &f.mono)?;
    if neg {
        g.add(Node::Neg(node))
    } else {
        Ok(node)
    }
}

/// `common · (rest₁ + rest₂ + …)`: what the terms share first, then the
/// bracketed sum of what is left of each (`(y − 1) v (x⁽²⁾ + u x⁽¹⁾)`), as
/// a person factors a sum of paths by hand. Without a common factor, the
/// sum alone.
pub fn common_factor_node(g: &mut Graph, cf: &CommonFactor) -> Result<NodeId, TooLarge> {
    let mut sum: Option<NodeId> = None;
    for r in &cf.rests {
        let t = factored_node(g, r)?;
        sum = Some(match (sum, g.node(t).clone()) {
            (None, _) => t,
            (Some(a), Node::Neg(inner)) => g.add(Node::Sub(a, inner))?,
            (Some(a), _) => g.add(Node::Add(a, t))?,
        });
    }
    let sum = match sum {
        Some(s) => s,
        None => return lit(g, Q::zero()),
    };
    let c = &cf.common;
    if c.sums.is_empty() && c.mono.is_one() && c.coeff.abs().is_one() {
        return if c.coeff.is_negative() {
            g.add(Node::Neg(sum))
        } else {
            Ok(sum)
        };
    }
    let common = factored_node(g, c)?;
    match g.node(common).clone() {
        Node::Neg(inner) => {
            let m = g.add(Node::Mul(inner, sum))?;
            g.add(Node::Neg(m))
        }
        _ => g.add(Node::Mul(common, sum)),
    }
}
