//! Exact dyadics `m · 2^e` and directed rounding to a number of bits: the
//! arithmetic under interval endpoints, shared by `interval` and
//! `elementary` (which both round outward) without either importing the
//! other.

use super::rational::Q;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;

/// Rounding direction: toward minus or plus infinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Down,
    Up,
}

/// An exact dyadic `m * 2^e`: the fast internal form of endpoints, since
/// adding, multiplying and rounding it needs no gcd (unlike `BigRational`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dy {
    pub(crate) m: BigInt,
    pub(crate) e: i64,
}

impl Dy {
    pub(crate) fn new(m: BigInt, e: i64) -> Dy {
        Dy { m, e }
    }
    pub(crate) fn int(n: i64) -> Dy {
        Dy::new(BigInt::from(n), 0)
    }
    pub(crate) fn from_q(q: &Q) -> Option<Dy> {
        q.to_dyadic().map(|(m, e)| Dy { m, e })
    }
    pub(crate) fn to_q(&self) -> Q {
        Q::from_dyadic_fast(self.m.clone(), self.e)
    }
    /// `|self| < 2^mag` and, unless zero, `|self| >= 2^(mag-1)`.
    pub(crate) fn mag(&self) -> i64 {
        self.m.bits() as i64 + self.e
    }
    pub(crate) fn abs(&self) -> Dy {
        Dy::new(self.m.abs(), self.e)
    }
    pub(crate) fn neg(&self) -> Dy {
        Dy::new(-&self.m, self.e)
    }
    /// The exact sum: only the operand with the larger exponent is
    /// shifted (a shift by 0 still copies the limbs).
    pub(crate) fn add(&self, o: &Dy) -> Dy {
        match self.e.cmp(&o.e) {
            Ordering::Equal => Dy::new(&self.m + &o.m, self.e),
            Ordering::Less => Dy::new(&self.m + (&o.m << (o.e - self.e) as u64), self.e),
            Ordering::Greater => Dy::new((&self.m << (self.e - o.e) as u64) + &o.m, o.e),
        }
    }
    pub(crate) fn mul(&self, o: &Dy) -> Dy {
        Dy::new(&self.m * &o.m, self.e + o.e)
    }
    /// Decided by the signs, then by the magnitudes (`mag`: nonzero
    /// numbers of different `mag` differ in size), and only when both
    /// agree by aligning the mantissas.
    pub(crate) fn cmp(&self, o: &Dy) -> Ordering {
        let by_sign = self.m.sign().cmp(&o.m.sign());
        if by_sign.is_ne() || self.m.is_zero() {
            return by_sign;
        }
        let by_size = self.mag().cmp(&o.mag());
        if by_size.is_ne() {
            return if self.m.is_negative() {
                by_size.reverse()
            } else {
                by_size
            };
        }
        match self.e.cmp(&o.e) {
            Ordering::Equal => self.m.cmp(&o.m),
            Ordering::Less => self.m.cmp(&(&o.m << (o.e - self.e) as u64)),
            Ordering::Greater => (&self.m << (self.e - o.e) as u64).cmp(&o.m),
        }
    }
    /// Directed rounding to `p` significant bits; exact when `m` already fits.
    pub(crate) fn round(&self, p: u32, dir: Dir) -> Dy {
        let p = p.max(1);
        let bits = self.m.bits();
        if bits <= p as u64 {
            return self.clone();
        }
        let s = bits - p as u64;
        Dy::new(shr_dir(&self.m, s, dir), self.e + s as i64)
    }
    /// Floor (`Down`) or ceiling (`Up`) of `self * 2^w`: fixed point with `w` fraction bits.
    pub(crate) fn fix(&self, w: i64, dir: Dir) -> BigInt {
        let s = self.e + w;
        if s >= 0 {
            &self.m << s as u64
        } else {
            shr_dir(&self.m, (-s) as u64, dir)
        }
    }
}

/// `floor` or `ceil` of `m / 2^s` (num-bigint's `>>` on `BigInt` floors).
pub(crate) fn shr_dir(m: &BigInt, s: u64, dir: Dir) -> BigInt {
    match dir {
        Dir::Down => m >> s,
        Dir::Up => -((-m) >> s),
    }
}

/// `n / d` for `d > 0`, rounded to `p` significant bits in direction `dir`.
/// Exact whenever `n / d` is a dyadic of at most `p` significant bits.
pub(crate) fn round_ratio(n: &BigInt, d: &BigInt, p: u32, dir: Dir) -> Dy {
    debug_assert!(d.is_positive());
    let p = p.max(1);
    if n.is_zero() {
        return Dy::int(0);
    }
    // |n/d| lies in (2^(k-1), 2^(k+1)), so |n/d| * 2^-e starts with p or p+1 bits.
    let mut e = n.bits() as i64 - d.bits() as i64 - p as i64;
    loop {
        let (a, b) = if e <= 0 {
            (n << (-e) as u64, d.clone())
        } else {
            (n.clone(), d << e as u64)
        };
        let q = match dir {
            Dir::Down => a.div_floor(&b),
            Dir::Up => -((-a).div_floor(&b)),
        };
        if q.bits() <= p as u64 {
            return Dy::new(q, e);
        }
        e += 1;
    }
}

/// Lower and upper dyadic bounds of `n / d` (`d > 0`) with at least `p`
/// significant bits, from one division: `floor` and `floor + 1` (or the
/// quotient twice when it is exact). Cheaper than two [`round_ratio`]s when
/// the exact bit count does not matter.
pub(crate) fn ratio_bounds(n: &BigInt, d: &BigInt, p: u32) -> (Dy, Dy) {
    debug_assert!(d.is_positive());
    if n.is_zero() {
        return (Dy::int(0), Dy::int(0));
    }
    let e = n.bits() as i64 - d.bits() as i64 - p as i64 - 1;
    let (a, b) = if e <= 0 {
        (n << (-e) as u64, d.clone())
    } else {
        (n.clone(), d << e as u64)
    };
    let (q, r) = a.div_mod_floor(&b);
    let up = if r.is_zero() { q.clone() } else { &q + 1u32 };
    (Dy::new(q, e), Dy::new(up, e))
}

/// A rational rounded to `p` significant bits in direction `dir`.
pub(crate) fn round_q(q: &Q, p: u32, dir: Dir) -> Dy {
    match Dy::from_q(q) {
        Some(d) => d.round(p, dir),
        None => round_ratio(q.numer(), q.denom(), p, dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Dyadics with mantissas of up to ~190 bits (three limbs, as the
    /// forward pass makes them) and exponents on both sides of 0.
    fn dy() -> impl Strategy<Value = Dy> {
        (any::<i64>(), any::<u64>(), any::<u64>(), 0u32..3, -150i64..150).prop_map(|(a, b, c, limbs, e)| {
            let mut m = BigInt::from(a);
            for l in [b, c].iter().take(limbs as usize) {
                m = (m << 64u32) + BigInt::from(*l);
            }
            Dy::new(m, e)
        })
    }

    proptest! {
        // Sums, comparisons and directed roundings agree with exact
        // rationals, equal exponents, zeros and equal magnitudes included.
        #[test]
        fn add_and_cmp_agree_with_rationals(x in dy(), y in dy(), same_e in any::<bool>(), zero in 0u8..8) {
            let y = if same_e { Dy::new(y.m, x.e) } else { y };
            let x = if zero == 0 { Dy::new(BigInt::zero(), x.e) } else { x };
            prop_assert_eq!(x.add(&y).to_q(), x.to_q() + y.to_q());
            prop_assert_eq!(x.cmp(&y), x.to_q().cmp(&y.to_q()));
            prop_assert_eq!(x.cmp(&x.neg()), x.to_q().cmp(&-x.to_q()));
            // rounding either way brackets the value, by less than a unit
            for bits in [1u32, 7, 64, 65, 130] {
                let (down, up) = (x.round(bits, Dir::Down).to_q(), x.round(bits, Dir::Up).to_q());
                prop_assert!(down <= x.to_q() && x.to_q() <= up);
                let s = x.m.bits().saturating_sub(bits as u64) as i64;
                prop_assert!(&up - &down <= Q::from_dyadic(1.into(), x.e + s), "{bits} bits of {x:?}");
                prop_assert_eq!(down == up, s == 0 || x.m.trailing_zeros().is_none_or(|z| z >= s as u64));
            }
            // the same number written with another exponent
            let wide = Dy::new(&x.m << 5u32, x.e - 5);
            prop_assert_eq!(x.cmp(&wide), Ordering::Equal);
            prop_assert_eq!(wide.cmp(&x), Ordering::Equal);
        }
    }
}
