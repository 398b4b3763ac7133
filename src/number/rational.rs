//! `Q`, the exact rational number used everywhere a value must be exact.
//!
//! It wraps `num_rational::BigRational` so that the number type can be
//! swapped (for a faster big-rational library) without touching the rest of
//! the crate: only this file names the underlying type.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// An exact rational number, always in lowest terms with a positive denominator.
///
/// ```
/// use chainrule::number::Q;
/// let a: Q = "0.1".parse().unwrap();
/// assert_eq!(a, Q::ratio(1, 10));
/// assert_eq!((a.clone() + a).to_string(), "1/5");
/// ```
///
/// Equality and order are written out below rather than derived from
/// `BigRational`, whose `cmp` walks continued fractions (a chain of big
/// divisions) and whose `eq` goes through that `cmp`: with both numbers in
/// lowest terms, equality is equality of numerators and denominators, and
/// order is one cross-multiplication. `Hash` stays `BigRational`'s, which
/// agrees with this equality because equal values have equal lowest terms.
#[derive(Clone, Default)]
pub struct Q(BigRational);

impl std::hash::Hash for Q {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialEq for Q {
    fn eq(&self, o: &Q) -> bool {
        self.0.numer() == o.0.numer() && self.0.denom() == o.0.denom()
    }
}

impl Eq for Q {}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> std::cmp::Ordering {
        let (a, b) = (&self.0, &o.0);
        if a.denom() == b.denom() {
            return a.numer().cmp(b.numer());
        }
        // Denominators are positive, so a/b < c/d exactly when ad < cb;
        // different signs decide without a product.
        match a.numer().sign().cmp(&b.numer().sign()) {
            std::cmp::Ordering::Equal => (a.numer() * b.denom()).cmp(&(b.numer() * a.denom())),
            unequal => unequal,
        }
    }
}

impl Q {
    /// The integer `n`.
    pub fn int(n: i64) -> Q {
        Q(BigRational::from_integer(BigInt::from(n)))
    }

    /// `n/d`; panics only if `d == 0`, which callers rule out by construction.
    pub fn ratio(n: i64, d: i64) -> Q {
        Q(BigRational::new(BigInt::from(n), BigInt::from(d)))
    }

    /// `n/d` from big integers; `None` if `d` is zero.
    pub fn from_bigints(n: BigInt, d: BigInt) -> Option<Q> {
        if d.is_zero() {
            None
        } else {
            Some(Q(BigRational::new(n, d)))
        }
    }

    /// The big integer `n`.
    pub fn from_bigint(n: BigInt) -> Q {
        Q(BigRational::from_integer(n))
    }

    pub fn zero() -> Q {
        Q(BigRational::zero())
    }

    pub fn one() -> Q {
        Q(BigRational::one())
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn is_one(&self) -> bool {
        self.0.is_one()
    }

    pub fn is_negative(&self) -> bool {
        self.0.is_negative()
    }

    pub fn is_positive(&self) -> bool {
        self.0.is_positive()
    }

    pub fn is_integer(&self) -> bool {
        self.0.is_integer()
    }

    pub fn numer(&self) -> &BigInt {
        self.0.numer()
    }

    pub fn denom(&self) -> &BigInt {
        self.0.denom()
    }

    pub fn abs(&self) -> Q {
        Q(self.0.abs())
    }

    /// `1/self`; `None` for zero.
    pub fn recip(&self) -> Option<Q> {
        if self.is_zero() {
            None
        } else {
            Some(Q(self.0.recip()))
        }
    }

    /// Exact quotient; `None` when dividing by zero.
    pub fn checked_div(&self, other: &Q) -> Option<Q> {
        if other.is_zero() {
            None
        } else {
            Some(Q(&self.0 / &other.0))
        }
    }

    /// `self^n` for an integer exponent; `None` for `0^n` with `n < 0`.
    pub fn pow(&self, n: i64) -> Option<Q> {
        if n < 0 && self.is_zero() {
            return None;
        }
        let e = i32::try_from(n).ok()?;
        Some(Q(num_traits::Pow::pow(&self.0, e)))
    }

    /// The value as an `i64` when it is an integer that fits.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.numer().to_i64()
        } else {
            None
        }
    }

    /// Largest integer not above `self`.
    pub fn floor(&self) -> BigInt {
        self.0.numer().div_floor(self.0.denom())
    }

    /// A close `f64`, for choosing precisions and random points only:
    /// never used for a value that is printed or checked.
    pub fn approx_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// Bits in numerator plus denominator: a size measure for limits.
    pub fn bits(&self) -> u64 {
        self.0.numer().bits() + self.0.denom().bits()
    }

    /// `m * 2^e` exactly.
    pub fn from_dyadic(m: BigInt, e: i64) -> Q {
        if e >= 0 {
            Q::from_bigint(m << (e as usize))
        } else {
            Q(BigRational::new(m, BigInt::one() << ((-e) as usize)))
        }
    }

    /// `m * 2^e` like [`Q::from_dyadic`], but built directly in lowest terms
    /// (the trailing zero bits of `m` move into the exponent), so no gcd is
    /// computed: the hot paths of interval arithmetic make many of these.
    pub fn from_dyadic_fast(m: BigInt, e: i64) -> Q {
        if m.is_zero() {
            return Q::zero();
        }
        let tz = m.trailing_zeros().unwrap_or(0);
        let (m, e) = (m >> tz, e + tz as i64);
        if e >= 0 {
            Q::from_bigint(m << (e as usize))
        } else {
            Q(BigRational::new_raw(m, BigInt::one() << ((-e) as usize)))
        }
    }

    /// `Some((m, e))` with `self == m * 2^e` and `m` odd (`(0, 0)` for zero)
    /// when the denominator is a power of two; `None` otherwise.
    pub fn to_dyadic(&self) -> Option<(BigInt, i64)> {
        let d = self.0.denom();
        let tz = d.trailing_zeros().unwrap_or(0);
        if d.bits() != tz + 1 {
            return None;
        }
        if self.is_zero() {
            return Some((BigInt::zero(), 0));
        }
        let n = self.0.numer();
        let nz = n.trailing_zeros().unwrap_or(0);
        Some((n >> nz, nz as i64 - tz as i64))
    }

    pub fn min(self, other: Q) -> Q {
        std::cmp::min(self, other)
    }

    pub fn max(self, other: Q) -> Q {
        std::cmp::max(self, other)
    }
}

/// Parsing accepts integers (`-12`), decimals (`1.65`, exact) and fractions (`33/20`).
impl std::str::FromStr for Q {
    type Err = String;

    fn from_str(s: &str) -> Result<Q, String> {
        let s = s.trim();
        if let Some((n, d)) = s.split_once('/') {
            let n: Q = n.parse()?;
            let d: Q = d.parse()?;
            return n.checked_div(&d).ok_or_else(|| "division by zero".to_string());
        }
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        let digits_ok = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty()) || !digits_ok(int_part) || !digits_ok(frac_part) {
            return Err(format!("`{s}` is not a number"));
        }
        let all: String = format!("{int_part}{frac_part}");
        let mut n: BigInt = all.parse().map_err(|_| format!("`{s}` is not a number"))?;
        if neg {
            n = -n;
        }
        let d = num_traits::pow(BigInt::from(10), frac_part.len());
        Ok(Q(BigRational::new(n, d)))
    }
}

impl fmt::Display for Q {
    /// `p/q`, or `p` for integers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_integer() {
            write!(f, "{}", self.0.numer())
        } else {
            write!(f, "{}/{}", self.0.numer(), self.0.denom())
        }
    }
}

impl fmt::Debug for Q {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

macro_rules! binop {
    ($tr:ident, $m:ident) => {
        impl $tr for Q {
            type Output = Q;
            fn $m(self, o: Q) -> Q {
                Q(self.0.$m(o.0))
            }
        }
        impl<'a> $tr<&'a Q> for &'a Q {
            type Output = Q;
            fn $m(self, o: &'a Q) -> Q {
                Q((&self.0).$m(&o.0))
            }
        }
    };
}
binop!(Add, add);
binop!(Sub, sub);
binop!(Mul, mul);

/// Division by zero panics, as for integers; use [`Q::checked_div`] where a
/// zero divisor can come from user input.
impl Div for Q {
    type Output = Q;
    fn div(self, o: Q) -> Q {
        Q(self.0 / o.0)
    }
}

impl<'a> Div<&'a Q> for &'a Q {
    type Output = Q;
    fn div(self, o: &'a Q) -> Q {
        Q(&self.0 / &o.0)
    }
}

impl Neg for Q {
    type Output = Q;
    fn neg(self) -> Q {
        Q(-self.0)
    }
}

impl Neg for &Q {
    type Output = Q;
    fn neg(self) -> Q {
        Q(-&self.0)
    }
}

impl From<i64> for Q {
    fn from(n: i64) -> Q {
        Q::int(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!("1.65".parse::<Q>().unwrap(), Q::ratio(33, 20));
        assert_eq!("-12".parse::<Q>().unwrap(), Q::int(-12));
        assert_eq!("33/20".parse::<Q>().unwrap(), Q::ratio(33, 20));
        assert_eq!(".5".parse::<Q>().unwrap(), Q::ratio(1, 2));
        assert!("1/0".parse::<Q>().is_err());
        assert!("abc".parse::<Q>().is_err());
        assert!(".".parse::<Q>().is_err());
    }

    #[test]
    fn fast_dyadic_round_trips() {
        for (m, e) in [(3i64, -2i64), (12, -5), (-40, 3), (0, 7), (1, 0)] {
            let q = Q::from_dyadic_fast(BigInt::from(m), e);
            assert_eq!(q, Q::from_dyadic(BigInt::from(m), e));
            let (m2, e2) = q.to_dyadic().unwrap();
            assert_eq!(Q::from_dyadic(m2, e2), q);
        }
        assert_eq!(Q::ratio(1, 3).to_dyadic(), None);
    }

    #[test]
    fn order_and_equality_are_by_value() {
        use std::cmp::Ordering::*;
        let q = |n: i64, d: i64| Q::ratio(n, d);
        let cases = [
            (q(1, 3), q(1, 3), Equal),
            (q(2, 6), q(1, 3), Equal),
            (q(1, 3), q(1, 2), Less),
            (q(-1, 3), q(-1, 2), Greater),
            (q(-1, 3), q(1, 7), Less),
            (q(0, 1), q(-1, 9), Greater),
            (q(5, 4), q(4, 4), Greater),
            (q(-7, 4), q(-5, 4), Less),
            (q(0, 5), Q::zero(), Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.cmp(&b), want, "{a} vs {b}");
            assert_eq!(b.cmp(&a), want.reverse(), "{b} vs {a}");
            assert_eq!(a.0.cmp(&b.0), want, "BigRational agrees on {a} vs {b}");
            assert_eq!(a == b, want == Equal);
        }
        // Large dyadics against a non-dyadic, as interval arithmetic makes them.
        let big = Q::from_dyadic_fast(BigInt::from(3) << 200usize | BigInt::from(1), -202);
        let third = q(1, 3);
        assert_eq!(big.cmp(&third), big.0.cmp(&third.0));
        assert_eq!(third.cmp(&big), third.0.cmp(&big.0));
    }

    #[test]
    fn dyadic_and_floor() {
        assert_eq!(Q::from_dyadic(BigInt::from(3), -2), Q::ratio(3, 4));
        assert_eq!(Q::ratio(-7, 2).floor(), BigInt::from(-4));
    }
}
