//! The factored form: a rational coefficient, sum factors with powers, and
//! a monomial. Products of local derivatives stay factored, and a sum of
//! factored terms pulls out what they share, which is how the course's
//! `(y − 1) v (x₁⁽²⁾ + u x₁⁽¹⁾)` comes out.

use super::canonical::MAX_TERMS;
use super::poly::{Monomial, Poly};
use crate::graph::NodeId;
use crate::number::Q;

/// `coeff · Π sums[i].0 ^ sums[i].1 · mono`. Each sum factor has at least
/// two terms, content 1, no common monomial, and a positive first term.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Factored {
    pub coeff: Q,
    pub sums: Vec<(Poly, u32)>,
    pub mono: Monomial,
}

impl Factored {
    pub fn constant(q: Q) -> Factored {
        Factored {
            coeff: q,
            sums: Vec::new(),
            mono: Monomial::one(),
        }
    }

    pub fn is_zero(&self) -> bool {
        self.coeff.is_zero()
    }

    /// Pulls the content and the common monomial out of a sum.
    ///
    /// `y − y²` becomes `−1 · (y − 1) · y`.
    pub fn from_poly(p: &Poly) -> Factored {
        if p.is_zero() {
            return Factored::constant(Q::zero());
        }
        let (k, m) = p.content();
        let k = k.abs();
        let mut inner = p.scale(&k.recip().unwrap_or_else(Q::one), &m.inverse());
        if inner.len() <= 1 {
            // `inner` is ±1 here: the content and monomial were all of it.
            let sign = inner.as_constant().unwrap_or_else(Q::one);
            return Factored {
                coeff: k * sign,
                sums: Vec::new(),
                mono: m,
            };
        }
        // Orient the sum as people write it: a positive constant term
        // (`1 − y`, as in σ′ = y(1 − y) and tanh′ = 1 − h²), or without one,
        // a positive first term (`ŷ − y`). The sign goes to the coefficient.
        let lead = inner
            .as_constant_term()
            .or_else(|| inner.terms().next().map(|(_, c)| c.clone()));
        let mut coeff = k;
        if lead.is_some_and(|c| c.is_negative()) {
            inner = inner.neg();
            coeff = -coeff;
        }
        Factored {
            coeff,
            sums: vec![(inner, 1)],
            mono: m,
        }
    }

    pub fn mul(&self, o: &Factored) -> Factored {
        if self.is_zero() || o.is_zero() {
            return Factored::constant(Q::zero());
        }
        let mut sums = self.sums.clone();
        for (p, e) in &o.sums {
            match sums.iter_mut().find(|(q, _)| q == p) {
                Some((_, f)) => *f += e,
                None => sums.push((p.clone(), *e)),
            }
        }
        Factored {
            coeff: &self.coeff * &o.coeff,
            sums,
            mono: self.mono.mul(&o.mono),
        }
    }

    /// The product of many factors in one pass: what [`Factored::mul`]
    /// gives folded over them, in time linear in their total size (a
    /// path through T steps has T factors; folding `mul` re-copies the
    /// growing product each time, quadratic in T).
    pub fn product<'a>(items: impl IntoIterator<Item = &'a Factored>) -> Factored {
        let mut coeff = Q::one();
        let mut sums: Vec<(Poly, u32)> = Vec::new();
        let mut at: std::collections::HashMap<Poly, usize> = std::collections::HashMap::new();
        let mut atoms: Vec<(NodeId, i32)> = Vec::new();
        for f in items {
            if f.is_zero() {
                return Factored::constant(Q::zero());
            }
            coeff = &coeff * &f.coeff;
            for (p, e) in &f.sums {
                match at.get(p) {
                    Some(&i) => sums[i].1 += e,
                    None => {
                        at.insert(p.clone(), sums.len());
                        sums.push((p.clone(), *e));
                    }
                }
            }
            atoms.extend_from_slice(f.mono.factors());
        }
        Factored {
            coeff,
            sums,
            mono: Monomial::from_pairs(atoms),
        }
    }

    /// Multiplied out, or `None` if that exceeds [`MAX_TERMS`].
    pub fn expand(&self) -> Option<Poly> {
        // The product of the factors' term counts bounds the result; give
        // up before multiplying when even the bound is too large.
        let bound = self.sums.iter().try_fold(1usize, |acc, (p, e)| {
            let mut b = acc;
            for _ in 0..*e {
                b = b.checked_mul(p.len()).filter(|&b| b <= MAX_TERMS * 16)?;
            }
            Some(b)
        });
        bound?;
        let mut acc = Poly::term(self.coeff.clone(), self.mono.clone());
        for (p, e) in &self.sums {
            acc = acc.mul(&p.pow(*e, MAX_TERMS)?, MAX_TERMS)?;
        }
        Some(acc)
    }

    /// The sum of factored terms, with their common factors pulled out
    /// first: common sum factors (smallest power), the common monomial, and
    /// the rational content. The rest is expanded, summed and factored.
    /// `None` if the rest would expand past [`MAX_TERMS`].
    pub fn sum(items: &[Factored]) -> Option<Factored> {
        let items: Vec<&Factored> = items.iter().filter(|f| !f.is_zero()).collect();
        let Some(first) = items.first() else {
            return Some(Factored::constant(Q::zero()));
        };
        if items.len() == 1 {
            return Some((*first).clone());
        }
        let common_sums = shared_sums(&items);
        let mono = items.iter().skip(1).fold(first.mono.clone(), |m, f| m.gcd(&f.mono));
        let common = Factored {
            coeff: Q::one(),
            sums: common_sums,
            mono,
        };
        let mut rest = Poly::zero();
        for f in &items {
            rest = rest.add(&divide(f, &common).expand()?);
        }
        Some(common.mul(&Factored::from_poly(&rest)))
    }
}

/// A sum of factored terms with what they share pulled out, the rest left
/// as it is: `common · (rest₁ + rest₂ + …)`. Nothing is multiplied out, so
/// it is never longer than the sum it came from: the total of a
/// derivation reads as its paths do, `(y − 1) v (x⁽²⁾ + u x⁽¹⁾)` or
/// `(1 − (h⁽¹⁾)²) x⁽¹⁾ + x⁽²⁾`. Equal rests are collected (`w + w` → `2 w`);
/// the rests keep the order of the terms, so the factored total lists
/// the paths in the order the sum of paths does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommonFactor {
    pub common: Factored,
    pub rests: Vec<Factored>,
}

impl CommonFactor {
    /// The same sum with the sign moved between the common factor and the
    /// rests: `(−c) · (−r₁ − r₂)`.
    pub fn negated(&self) -> CommonFactor {
        let mut out = self.clone();
        out.common.coeff = -out.common.coeff.clone();
        for r in &mut out.rests {
            r.coeff = -r.coeff.clone();
        }
        out
    }

    /// `None` for fewer than two non-zero terms.
    pub fn of(items: &[Factored]) -> Option<CommonFactor> {
        let items: Vec<&Factored> = items.iter().filter(|f| !f.is_zero()).collect();
        let first = *items.first()?;
        if items.len() < 2 {
            return None;
        }
        let common_sums = shared_sums(&items);
        let mono = items.iter().skip(1).fold(first.mono.clone(), |m, f| m.gcd(&f.mono));
        // The content: the gcd of the coefficients' magnitudes, with the
        // sign that leaves the first rest positive.
        let content = items.iter().skip(1).fold(first.coeff.abs(), |g, f| g.gcd(&f.coeff));
        let coeff = if first.coeff.is_negative() { -content } else { content };
        let common = Factored {
            coeff,
            sums: common_sums,
            mono,
        };
        let mut rests: Vec<Factored> = Vec::new();
        for f in &items {
            let r = divide(f, &common);
            match rests.iter_mut().find(|x| x.sums == r.sums && x.mono == r.mono) {
                Some(x) => x.coeff = &x.coeff + &r.coeff,
                None => rests.push(r),
            }
        }
        rests.retain(|r| !r.is_zero());
        Some(CommonFactor { common, rests })
    }
}

/// `f / d` where `d`'s sum factors divide `f`'s (as chosen by `sum`).
fn divide(f: &Factored, d: &Factored) -> Factored {
    let by: std::collections::HashMap<&Poly, u32> = d.sums.iter().map(|(p, e)| (p, *e)).collect();
    let sums: Vec<(Poly, u32)> = f
        .sums
        .iter()
        .map(|(p, e)| (p.clone(), e.saturating_sub(by.get(p).copied().unwrap_or(0))))
        .filter(|(_, e)| *e > 0)
        .collect();
    Factored {
        coeff: &f.coeff / &d.coeff,
        sums,
        mono: f.mono.mul(&d.mono.inverse()),
    }
}

/// The sum factors every item has, each at its smallest power, in the
/// first item's order. One map per item: a product along a long path has
/// a sum factor per step, and a search per factor would be quadratic.
fn shared_sums(items: &[&Factored]) -> Vec<(Poly, u32)> {
    let Some(first) = items.first() else {
        return Vec::new();
    };
    let maps: Vec<std::collections::HashMap<&Poly, u32>> = items
        .iter()
        .skip(1)
        .map(|f| f.sums.iter().map(|(p, e)| (p, *e)).collect())
        .collect();
    first
        .sums
        .iter()
        .filter_map(|(p, e)| {
            let min = maps
                .iter()
                .map(|m| m.get(p).copied().unwrap_or(0))
                .min()
                .unwrap_or(*e)
                .min(*e);
            (min > 0).then(|| (p.clone(), min))
        })
        .collect()
}
