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
/// order is one cross-multiplication. `Hash` is of the numerator and
/// denominator too.
#[derive(Clone, Default)]
pub struct Q(BigRational);

// Numerator and denominator, as equality compares them (both in lowest
// terms). `BigRational`'s own hash walks the continued fraction with a big
// division and a stack frame per quotient: slow, and a stack overflow on a
// literal of a few hundred thousand bits.
impl std::hash::Hash for Q {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.numer().hash(state);
        self.0.denom().hash(state);
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

    /// The largest positive rational that divides both by an integer:
    /// `gcd(a/b, c/d) = gcd(a, c) / lcm(b, d)` (`gcd(0, x) = |x|`).
    ///
    /// ```
    /// use chainrule::number::Q;
    /// assert_eq!(Q::ratio(2, 3).gcd(&Q::ratio(-4, 9)), Q::ratio(2, 9));
    /// ```
    pub fn gcd(&self, other: &Q) -> Q {
        use num_integer::Integer;
        let n = self.numer().gcd(other.numer());
        let d = self.denom().lcm(other.denom());
        Q::from_bigints(n, d).unwrap_or_else(Q::one)
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
            Some(Q(q_div(&self.0, &other.0)))
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

    /// `self < a * b`, by cross-multiplication (no gcd, no reduced product):
    /// the precision checks ask this of long fractions many times.
    pub fn lt_product(&self, a: &Q, b: &Q) -> bool {
        let (x, a, b) = (&self.0, &a.0, &b.0);
        x.numer() * a.denom() * b.denom() < a.numer() * b.numer() * x.denom()
    }

    /// `self <= a + b`, by cross-multiplication (no gcd, no reduced sum).
    pub fn le_sum(&self, a: &Q, b: &Q) -> bool {
        let (x, a, b) = (&self.0, &a.0, &b.0);
        let (ad, bd) = (a.denom(), b.denom());
        x.numer() * ad * bd <= (a.numer() * bd + b.numer() * ad) * x.denom()
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
        // Most numbers in a model are short integers: no big-number parse.
        if frac_part.is_empty() && int_part.len() <= 18 {
            let n: i64 = int_part.parse().map_err(|_| format!("`{s}` is not a number"))?;
            return Ok(Q::int(if neg { -n } else { n }));
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

// Arithmetic in lowest terms with as few gcds as the algebra allows.
// `BigRational`'s own operators reduce with a full gcd after cross-reducing
// (three gcds per product) and add through an lcm plus a reduction; gcds of
// big numbers are most of the cost of exact evaluation, so `Q` does it the
// way Knuth (TAOCP 4.5.1) does: a product cross-reduces and is then already
// in lowest terms; a sum divides by `g = gcd(b, d)` first and then needs only
// `gcd(t, g)`, which is 1 (skipped) whenever the denominators are coprime.

/// `gcd(|a|, |b|)`, in the shapes exact evaluation produces.
///
/// num-integer's gcd is Stein's binary algorithm on big numbers, one shift
/// (a fresh allocation) per bit; with one small operand (a parameter's
/// denominator against a long numerator) that is hundreds of big shifts
/// for what one division settles. So: one Euclid step first when the sizes
/// differ, machine words once both fit in 128 bits, Stein otherwise.
fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (a, b) = (a.magnitude(), b.magnitude());
    let (big, small) = if a.bits() >= b.bits() { (a, b) } else { (b, a) };
    if small.is_zero() {
        return BigInt::from(big.clone());
    }
    if small.is_one() {
        return BigInt::one();
    }
    let fit = |x: &num_bigint::BigUint| x.to_u128();
    if let (Some(x), Some(y)) = (fit(big), fit(small)) {
        return BigInt::from(gcd_u128(x, y));
    }
    let r = big % small;
    if let (Some(x), Some(y)) = (fit(small), fit(&r)) {
        return BigInt::from(gcd_u128(x, y));
    }
    BigInt::from(small.gcd(&r))
}

fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

fn q_add(x: &BigRational, y: &BigRational) -> BigRational {
    let (a, b, c, d) = (x.numer(), x.denom(), y.numer(), y.denom());
    if b.is_one() && d.is_one() {
        return BigRational::from_integer(a + c);
    }
    if a.is_zero() {
        return y.clone();
    }
    if c.is_zero() {
        return x.clone();
    }
    let g = gcd(b, d);
    if g.is_one() {
        return BigRational::new_raw(a * d + c * b, b * d);
    }
    let (b1, d1) = (b / &g, d / &g);
    let t = a * &d1 + c * &b1;
    if t.is_zero() {
        return BigRational::zero();
    }
    let g2 = gcd(&t, &g);
    if g2.is_one() {
        BigRational::new_raw(t, b1 * d)
    } else {
        BigRational::new_raw(t / &g2, b1 * (d / g2))
    }
}

fn q_mul(x: &BigRational, y: &BigRational) -> BigRational {
    let (a, b, c, d) = (x.numer(), x.denom(), y.numer(), y.denom());
    if a.is_zero() || c.is_zero() {
        return BigRational::zero();
    }
    if b.is_one() && d.is_one() {
        return BigRational::from_integer(a * c);
    }
    // a/b · c/d with gcd(a,b) = gcd(c,d) = 1: after dividing out gcd(a,d)
    // and gcd(c,b) no prime divides both the numerator and the denominator.
    let cross = |n: &BigInt, m: &BigInt| -> (BigInt, BigInt) {
        if m.is_one() {
            return (n.clone(), m.clone());
        }
        let g = gcd(n, m);
        if g.is_one() {
            (n.clone(), m.clone())
        } else {
            (n / &g, m / g)
        }
    };
    let (a1, d1) = cross(a, d);
    let (c1, b1) = cross(c, b);
    BigRational::new_raw(a1 * c1, b1 * d1)
}

fn q_div(x: &BigRational, y: &BigRational) -> BigRational {
    assert!(!y.is_zero(), "division of a rational by zero");
    // 1/y with the sign moved to the numerator keeps the denominator positive.
    let (n, d) = (y.numer(), y.denom());
    let recip = if n.is_negative() {
        BigRational::new_raw(-d, -n)
    } else {
        BigRational::new_raw(d.clone(), n.clone())
    };
    q_mul(x, &recip)
}

fn q_sub(x: &BigRational, y: &BigRational) -> BigRational {
    q_add(x, &-y)
}

macro_rules! binop {
    ($tr:ident, $m:ident, $f:ident) => {
        impl $tr for Q {
            type Output = Q;
            fn $m(self, o: Q) -> Q {
                Q($f(&self.0, &o.0))
            }
        }
        impl<'a> $tr<&'a Q> for &'a Q {
            type Output = Q;
            fn $m(self, o: &'a Q) -> Q {
                Q($f(&self.0, &o.0))
            }
        }
    };
}
binop!(Add, add, q_add);
binop!(Sub, sub, q_sub);
binop!(Mul, mul, q_mul);
// Division by zero panics, as for integers; use `Q::checked_div` where a
// zero divisor can come from user input.
binop!(Div, div, q_div);

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

    proptest::proptest! {
        #[test]
        fn gcd_agrees_with_num_integer(a in proptest::collection::vec(proptest::num::u64::ANY, 0..5),
                                       b in proptest::collection::vec(proptest::num::u64::ANY, 0..5),
                                       common in 0u64..1000, neg in proptest::bool::ANY) {
            let big = |digits: &Vec<u64>| {
                let mut n = BigInt::zero();
                for d in digits {
                    n = (n << 64usize) + BigInt::from(*d);
                }
                n * BigInt::from(common)
            };
            let (x, y) = (big(&a), if neg { -big(&b) } else { big(&b) });
            proptest::prop_assert_eq!(gcd(&x, &y), x.gcd(&y));
            proptest::prop_assert_eq!(gcd(&y, &x), x.gcd(&y));
            proptest::prop_assert_eq!(gcd(&x, &BigInt::from(6)), x.gcd(&BigInt::from(6)));
        }

        // The hand-written operators agree with BigRational's (which reduce
        // with a full gcd), and leave results in lowest terms with a
        // positive denominator: `Q`'s equality relies on that form.
        #[test]
        fn arithmetic_agrees_with_big_rational(
            a in -10_000i64..10_000, b in 1i64..10_000, c in -10_000i64..10_000, d in 1i64..10_000,
            shift in 0u32..80,
        ) {
            let scale = BigInt::one() << shift as usize;
            let x = BigRational::new(BigInt::from(a) * &scale, BigInt::from(b));
            let y = BigRational::new(BigInt::from(c), BigInt::from(d) * &scale);
            let lowest = |r: &BigRational| {
                r.denom().is_positive() && r.numer().gcd(r.denom()).is_one()
            };
            for (got, want) in [
                (q_add(&x, &y), &x + &y),
                (q_add(&x, &-&y), &x - &y),
                (q_add(&x, &x), &x + &x),
                (q_add(&x, &-&x), BigRational::zero()),
                (q_mul(&x, &y), &x * &y),
                (q_mul(&y, &y), &y * &y),
            ] {
                proptest::prop_assert_eq!(&got, &want);
                proptest::prop_assert!(lowest(&got), "{} not in lowest terms", got);
            }
            let (qx, qy) = (Q(x.clone()), Q(y.clone()));
            proptest::prop_assert_eq!(qx.lt_product(&qy, &qy), qx < &qy * &qy);
            proptest::prop_assert_eq!(qy.lt_product(&qx, &qy), qy < &qx * &qy);
            proptest::prop_assert_eq!(qx.le_sum(&qy, &qx), qx <= &qy + &qx);
            proptest::prop_assert_eq!(qx.le_sum(&qy, &-&qy), qx <= Q::zero());
            proptest::prop_assert_eq!(qy.le_sum(&qx, &qy), qy <= &qx + &qy);
            if !y.is_zero() {
                let got = q_div(&x, &y);
                proptest::prop_assert_eq!(&got, &(&x / &y));
                proptest::prop_assert!(lowest(&got));
            }
        }
    }
}
