//! The canonical form: a sum of terms, each a rational coefficient times a
//! monomial over atoms (graph nodes treated as opaque: leaves, named
//! quantities, function calls), with integer powers.
//!
//! Flattening, ordering, collecting like terms and powers, and cancelling
//! all happen by construction: terms live in an ordered map keyed by their
//! monomial, and a monomial keeps one power per atom. Equal inputs give
//! byte-identical output.

use crate::graph::NodeId;
use crate::number::Q;
use std::collections::BTreeMap;

/// A product of atoms with non-zero integer powers, sorted by atom id
/// descending (later nodes first: the order a reader meets them walking
/// back from the loss).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Monomial(Vec<(NodeId, i32)>);

impl Monomial {
    pub fn one() -> Monomial {
        Monomial(Vec::new())
    }

    pub fn atom(a: NodeId) -> Monomial {
        Monomial(vec![(a, 1)])
    }

    pub fn is_one(&self) -> bool {
        self.0.is_empty()
    }

    pub fn factors(&self) -> &[(NodeId, i32)] {
        &self.0
    }

    pub fn power_of(&self, a: NodeId) -> i32 {
        self.0.iter().find(|(x, _)| *x == a).map_or(0, |&(_, p)| p)
    }

    /// Total degree (sum of powers).
    pub fn degree(&self) -> i64 {
        self.0.iter().map(|&(_, p)| i64::from(p)).sum()
    }

    /// The product of `atom^power` over the pairs (powers of a repeated
    /// atom add up).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (NodeId, i32)>) -> Monomial {
        let mut m: BTreeMap<std::cmp::Reverse<NodeId>, i32> = BTreeMap::new();
        for (a, p) in pairs {
            *m.entry(std::cmp::Reverse(a)).or_insert(0) += p;
        }
        Monomial::from_map(m)
    }

    fn from_map(m: BTreeMap<std::cmp::Reverse<NodeId>, i32>) -> Monomial {
        Monomial(
            m.into_iter()
                .filter(|&(_, p)| p != 0)
                .map(|(std::cmp::Reverse(a), p)| (a, p))
                .collect(),
        )
    }

    fn to_map(&self) -> BTreeMap<std::cmp::Reverse<NodeId>, i32> {
        self.0.iter().map(|&(a, p)| (std::cmp::Reverse(a), p)).collect()
    }

    pub fn mul(&self, o: &Monomial) -> Monomial {
        let mut m = self.to_map();
        for &(a, p) in &o.0 {
            *m.entry(std::cmp::Reverse(a)).or_insert(0) += p;
        }
        Monomial::from_map(m)
    }

    pub fn pow(&self, n: i32) -> Monomial {
        Monomial(self.0.iter().map(|&(a, p)| (a, p * n)).collect())
    }

    /// `self^n`, or `None` when a power would not fit (`((w^64)^64)^64 …`
    /// nested past `i32`): the caller keeps the power as an atom instead.
    pub fn checked_pow(&self, n: i32) -> Option<Monomial> {
        self.0
            .iter()
            .map(|&(a, p)| p.checked_mul(n).map(|q| (a, q)))
            .collect::<Option<Vec<_>>>()
            .map(Monomial)
    }

    pub fn inverse(&self) -> Monomial {
        self.pow(-1)
    }

    /// Per atom, the smaller power (atoms missing count as power 0).
    pub fn gcd(&self, o: &Monomial) -> Monomial {
        let mut m: BTreeMap<std::cmp::Reverse<NodeId>, i32> = BTreeMap::new();
        for &(a, p) in &self.0 {
            m.insert(std::cmp::Reverse(a), p.min(o.power_of(a)));
        }
        for &(a, p) in &o.0 {
            m.entry(std::cmp::Reverse(a)).or_insert(p.min(0));
        }
        Monomial::from_map(m)
    }
}

/// Reading order of terms: the term whose atoms come later in the graph
/// first, higher powers first, the constant last.
impl Ord for Monomial {
    fn cmp(&self, o: &Monomial) -> std::cmp::Ordering {
        for (a, b) in self.0.iter().zip(&o.0) {
            match b.0.cmp(&a.0).then(b.1.cmp(&a.1)) {
                std::cmp::Ordering::Equal => {}
                other => return other,
            }
        }
        o.0.len().cmp(&self.0.len())
    }
}

impl PartialOrd for Monomial {
    fn partial_cmp(&self, o: &Monomial) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

/// A sum of terms `coefficient · monomial` with no zero coefficients.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Poly {
    terms: BTreeMap<Monomial, Q>,
}

impl Poly {
    pub fn zero() -> Poly {
        Poly::default()
    }

    pub fn constant(q: Q) -> Poly {
        Poly::term(q, Monomial::one())
    }

    pub fn atom(a: NodeId) -> Poly {
        Poly::term(Q::one(), Monomial::atom(a))
    }

    pub fn term(c: Q, m: Monomial) -> Poly {
        let mut terms = BTreeMap::new();
        if !c.is_zero() {
            terms.insert(m, c);
        }
        Poly { terms }
    }

    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Terms in reading order.
    pub fn terms(&self) -> impl Iterator<Item = (&Monomial, &Q)> {
        self.terms.iter()
    }

    /// The value if this is a constant.
    pub fn as_constant(&self) -> Option<Q> {
        match self.terms.len() {
            0 => Some(Q::zero()),
            1 => self.terms.get(&Monomial::one()).cloned(),
            _ => None,
        }
    }

    /// The coefficient of the constant term, if there is one.
    pub fn as_constant_term(&self) -> Option<Q> {
        self.terms.get(&Monomial::one()).cloned()
    }

    /// The single term, if there is exactly one.
    pub fn as_term(&self) -> Option<(&Monomial, &Q)> {
        if self.terms.len() == 1 {
            self.terms.iter().next()
        } else {
            None
        }
    }

    pub fn add(&self, o: &Poly) -> Poly {
        let mut terms = self.terms.clone();
        for (m, c) in &o.terms {
            let v = terms.get(m).map_or_else(|| c.clone(), |x| x + c);
            if v.is_zero() {
                terms.remove(m);
            } else {
                terms.insert(m.clone(), v);
            }
        }
        Poly { terms }
    }

    pub fn neg(&self) -> Poly {
        Poly {
            terms: self.terms.iter().map(|(m, c)| (m.clone(), -c)).collect(),
        }
    }

    pub fn sub(&self, o: &Poly) -> Poly {
        self.add(&o.neg())
    }

    pub fn scale(&self, k: &Q, m: &Monomial) -> Poly {
        if k.is_zero() {
            return Poly::zero();
        }
        Poly {
            terms: self.terms.iter().map(|(t, c)| (t.mul(m), c * k)).collect(),
        }
    }

    /// The product, or `None` if it would have more than `limit` terms.
    pub fn mul(&self, o: &Poly, limit: usize) -> Option<Poly> {
        if self.terms.len().saturating_mul(o.terms.len()) > limit.saturating_mul(4) {
            return None;
        }
        let mut acc = Poly::zero();
        for (m, c) in &o.terms {
            acc = acc.add(&self.scale(c, m));
        }
        (acc.terms.len() <= limit).then_some(acc)
    }

    /// `self^n` for `n >= 0`, or `None` past `limit` terms.
    pub fn pow(&self, n: u32, limit: usize) -> Option<Poly> {
        let mut acc = Poly::constant(Q::one());
        for _ in 0..n {
            acc = acc.mul(self, limit)?;
        }
        Some(acc)
    }

    /// Rational content (a positive gcd of the coefficients, as a fraction)
    /// with a sign that makes the constant term positive (`1 − h²`, as
    /// `tanh′` is written) or, without a constant term, the first term
    /// positive (`y − ŷ`); and the common monomial.
    pub fn content(&self) -> (Q, Monomial) {
        let mut it = self.terms.iter();
        let Some((m0, c0)) = it.next() else {
            return (Q::one(), Monomial::one());
        };
        let mut num = c0.numer().clone();
        let mut den = c0.denom().clone();
        let mut mono = m0.clone();
        for (m, c) in it {
            num = num::integer::gcd(num, c.numer().clone());
            den = num::integer::lcm(den, c.denom().clone());
            mono = mono.gcd(m);
        }
        let mut k = Q::from_bigints(num::abs(num), den).unwrap_or_else(Q::one);
        let sign_term = self.terms.get(&Monomial::one()).unwrap_or(c0);
        if sign_term.is_negative() {
            k = -k;
        }
        (k, mono)
    }
}

/// `num_integer` and `num_bigint` helpers under one name.
mod num {
    pub use num_bigint::BigInt;
    pub mod integer {
        pub fn gcd(a: super::BigInt, b: super::BigInt) -> super::BigInt {
            num_integer::Integer::gcd(&a, &b)
        }
        pub fn lcm(a: super::BigInt, b: super::BigInt) -> super::BigInt {
            num_integer::Integer::lcm(&a, &b)
        }
    }
    pub fn abs(a: BigInt) -> BigInt {
        num_traits::Signed::abs(&a)
    }
}
