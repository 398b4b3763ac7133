//! Deciding that a value is exactly zero by algebra, where intervals cannot.
//!
//! An enclosure that contains 0 never settles the sign, however narrow it
//! gets: `tanh(a h + b h)` with `a = 1/2`, `b = −1/2` is exactly 0, and its
//! enclosure is `[−ε, ε]` at every precision. Here the expression below a
//! node is rebuilt as a polynomial with exact rational coefficients: leaves
//! become their values, and what is irrational (a call at a non-rational
//! argument, a quotient by a non-constant) becomes an opaque atom, keyed by
//! the function and the polynomial of its argument, so that equal
//! arguments give the same atom. If the polynomial is zero, so is the value,
//! whatever the atoms are worth: the test is sound (never says zero for a
//! non-zero value); it may miss a zero that needs an identity between atoms
//! (`tanh²z + sech²z − 1`), which is then left to interval refinement.

use super::bindings::Bindings;
use crate::graph::{Builtin, Graph, Node, NodeId};
use crate::number::{elementary, Q};
use crate::simplify::{Monomial, Poly};
use std::collections::HashMap;

/// Past this many terms a polynomial is not worth pursuing: give up.
const MAX_TERMS: usize = 512;

/// What an opaque atom stands for. Two atoms with equal keys are equal
/// numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum AtomKey {
    Call(Builtin, Poly),
    Inverse(Poly),
    Power(Poly, Poly),
    Leaf(NodeId),
}

/// True when the value of `root` at `bindings` is certainly exactly zero.
///
/// ```
/// use chainrule::eval::{exact_zero::is_exactly_zero, Bindings};
/// use chainrule::query::{diff_query, load};
/// let m = load("param a = 1/2, b = -1/2\ninput x = [1]\nh[t] = tanh(x[t])\nz = tanh(a*h[1] + b*h[1])\n", &[]).unwrap();
/// let q = diff_query(&m, "z", "a", None).unwrap();
/// assert!(is_exactly_zero(&q.graph, q.of, &Bindings::from_model(&m)));
/// ```
pub fn is_exactly_zero(g: &Graph, root: NodeId, bindings: &Bindings) -> bool {
    form(g, root, bindings).is_some_and(|p| p.is_zero())
}

/// The polynomial of `root`, or `None` when it grows past [`MAX_TERMS`].
fn form(g: &Graph, root: NodeId, bindings: &Bindings) -> Option<Poly> {
    let needed = g.reachable(&[root]);
    let mut atoms: HashMap<AtomKey, NodeId> = HashMap::new();
    // Atom ids only have to be distinct from one another within this pass.
    let mut atom = |key: AtomKey| -> Poly {
        let next = NodeId(atoms.len() as u32);
        Poly::atom(*atoms.entry(key).or_insert(next))
    };
    let mut forms: Vec<Option<Poly>> = vec![None; root.index() + 1];
    for i in 0..=root.index() {
        if !needed[i] {
            continue;
        }
        let id = NodeId(i as u32);
        let get = |c: &NodeId| forms[c.index()].clone().expect("children come first");
        let p = match g.node(id) {
            Node::Lit(q) => Poly::constant(Q::clone(q)),
            Node::Leaf(sym) => match bindings.get(sym) {
                Some(q) => Poly::constant(q.clone()),
                None => atom(AtomKey::Leaf(id)),
            },
            Node::Named(_, d) => get(d),
            Node::Opaque(f, a) => match bindings.opaque(*f, *a) {
                Some(s) => get(a).scale(s, &Monomial::one()),
                None => atom(AtomKey::Leaf(id)),
            },
            Node::OpaquePrime(f, a) => match bindings.opaque(*f, *a) {
                Some(s) => Poly::constant(s.clone()),
                None => atom(AtomKey::Leaf(id)),
            },
            Node::Neg(a) => get(a).neg(),
            Node::Add(a, b) => get(a).add(&get(b)),
            Node::Sub(a, b) => get(a).sub(&get(b)),
            Node::Mul(a, b) => get(a).mul(&get(b), MAX_TERMS)?,
            Node::Div(a, b) => {
                let den = get(b);
                match den.as_constant() {
                    Some(k) if !k.is_zero() => get(a).scale(&k.recip()?, &Monomial::one()),
                    // A quotient by zero is an error elsewhere, not a zero.
                    Some(_) => return None,
                    None => get(a).mul(&atom(AtomKey::Inverse(den)), MAX_TERMS)?,
                }
            }
            Node::Pow(a, b) => {
                let (base, exp) = (get(a), get(b));
                match exp.as_constant().and_then(|e| e.to_i64()) {
                    Some(n) if (0..=64).contains(&n) && expandable(&base, n) => base.pow(n as u32, MAX_TERMS)?,
                    _ => match (base.as_constant(), exp.as_constant()) {
                        (Some(x), Some(_)) if x.is_zero() => return None,
                        _ => atom(AtomKey::Power(base, exp)),
                    },
                }
            }
            Node::Call(f, a) => {
                let arg = get(a);
                match (f, arg.as_constant()) {
                    (Builtin::Relu, _) if bindings.relu_active() => arg,
                    (_, Some(x)) => match exact_call(*f, &x) {
                        Some(v) => Poly::constant(v),
                        None => atom(AtomKey::Call(*f, arg)),
                    },
                    _ => atom(AtomKey::Call(*f, arg)),
                }
            }
        };
        if p.len() > MAX_TERMS {
            return None;
        }
        forms[i] = Some(p);
    }
    forms[root.index()].take()
}

/// May `base^n` be multiplied out? Only while its coefficients stay within
/// the size limit of a power and its atoms' powers small: nested powers
/// (`((w/3)^64)^64 …`) would otherwise build numbers of billions of bits,
/// or powers past `i32`. Past that the power stays an atom, which is sound
/// (a zero may be missed, never made up).
fn expandable(base: &Poly, n: i64) -> bool {
    base.terms().all(|(m, c)| {
        c.bits().saturating_mul(n.unsigned_abs()) <= crate::number::size::MAX_POWER_BITS
            && m.factors().iter().all(|&(_, k)| i64::from(k).abs() * n <= 1 << 24)
    })
}

/// A built-in at a rational point, where the value is rational.
fn exact_call(f: Builtin, x: &Q) -> Option<Q> {
    match f {
        Builtin::Relu => Some(if x.is_positive() { x.clone() } else { Q::zero() }),
        Builtin::Step if x.is_zero() => None,
        Builtin::Step => Some(if x.is_positive() { Q::one() } else { Q::zero() }),
        Builtin::Exp => elementary::exp_exact(x),
        Builtin::Ln if !x.is_positive() => None,
        Builtin::Ln => elementary::ln_exact(x),
        Builtin::Sqrt if x.is_negative() => None,
        Builtin::Sqrt => elementary::sqrt_exact(x),
        Builtin::Tanh => elementary::tanh_exact(x),
        Builtin::Sigmoid => elementary::sigmoid_exact(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{diff_query, load};

    fn zero(src: &str, of: &str) -> bool {
        let m = load(src, &[]).unwrap();
        let q = diff_query(&m, of, m.symbols[0].name.as_str(), None).unwrap();
        is_exactly_zero(&q.graph, q.of, &Bindings::from_model(&m))
    }

    #[test]
    fn cancelling_coefficients_are_zero() {
        let src = "param a = 1/2, b = -1/2\ninput x = [1]\nh[t] = tanh(x[t])\n";
        assert!(zero(&format!("{src}z = tanh(a*h[1] + b*h[1])\n"), "z"));
        assert!(zero(&format!("{src}z = (a + b) * exp(h[1])\n"), "z"));
        assert!(zero(
            &format!("{src}z = sigmoid(h[1])*h[1] - h[1]*sigmoid(h[1])\n"),
            "z"
        ));
    }

    #[test]
    fn non_zero_values_are_never_called_zero() {
        let src = "param a = 1/2, b = -1/3\ninput x = [1]\nh[t] = tanh(x[t])\n";
        assert!(!zero(&format!("{src}z = tanh(a*h[1] + b*h[1])\n"), "z"));
        assert!(!zero(
            &format!("{src}z = tanh(h[1])^2 - tanh(h[1])^2 + 1/1000000000000\n"),
            "z"
        ));
        assert!(!zero(&format!("{src}z = tanh(a*h[1]) + tanh(b*h[1])\n"), "z"));
    }
}
