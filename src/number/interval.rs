//! Closed intervals with rational (in practice dyadic) endpoints, rounded
//! outward after every operation: the certified enclosures that carry every
//! inexact value of the crate. Every operation promises that its result
//! contains the exact result for every choice of points in its inputs.

use super::dyadic::{ratio_bounds, round_q, round_ratio, Dir, Dy};
use super::rational::Q;
use num_traits::Signed;
use std::cmp::Ordering;
use std::fmt;

/// Working precision in bits (relative: significant bits kept when an
/// endpoint is rounded outward).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prec(pub u32);

/// A closed interval `[lo, hi]`, `lo <= hi`, certified to contain the true value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    lo: Q,
    hi: Q,
}

/// Why an interval operation gave no enclosure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntervalError {
    /// The operation is certainly undefined for every point of the input
    /// (division by exactly `[0,0]`, `ln` with `hi <= 0`, `sqrt` with `hi < 0`).
    Domain,
    /// The input is too wide to decide (it holds points where the operation
    /// is defined and points where it is not, or straddles a jump); retrying
    /// with more precision may succeed.
    Undecided,
}

impl fmt::Display for IntervalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IntervalError::Domain => "outside the domain of the operation",
            IntervalError::Undecided => "interval too wide to decide",
        })
    }
}

impl std::error::Error for IntervalError {}

/// Two (x endpoint, y endpoint) index pairs.
type Pairs = [(usize, usize); 2];

/// Which endpoint pairs (0 = lo, 1 = hi) of `x * y` give the lower and upper
/// bound, from the signs of the inputs (the classic nine-case table); the
/// straddle-straddle case has two candidates for each bound.
fn mul_cases(x: (bool, bool), y: (bool, bool)) -> (Pairs, Pairs) {
    // (lo >= 0, hi <= 0) for each input
    let one = |a, b| [a, b];
    match (x, y) {
        ((true, _), (true, _)) => (one((0, 0), (0, 0)), one((1, 1), (1, 1))),
        ((true, _), (_, true)) => (one((1, 0), (1, 0)), one((0, 1), (0, 1))),
        ((true, _), _) => (one((1, 0), (1, 0)), one((1, 1), (1, 1))),
        ((_, true), (true, _)) => (one((0, 1), (0, 1)), one((1, 0), (1, 0))),
        ((_, true), (_, true)) => (one((1, 1), (1, 1)), one((0, 0), (0, 0))),
        ((_, true), _) => (one((0, 1), (0, 1)), one((0, 0), (0, 0))),
        (_, (true, _)) => (one((0, 1), (0, 1)), one((1, 1), (1, 1))),
        (_, (_, true)) => (one((1, 0), (1, 0)), one((0, 0), (0, 0))),
        _ => ([(0, 1), (1, 0)], [(0, 0), (1, 1)]),
    }
}

impl Interval {
    /// The degenerate interval `[q, q]`.
    pub fn point(q: Q) -> Interval {
        Interval { hi: q.clone(), lo: q }
    }
    /// `[lo, hi]`; `lo <= hi` is the caller's promise (checked in debug builds).
    pub fn new(lo: Q, hi: Q) -> Interval {
        debug_assert!(lo <= hi, "Interval::new: lo > hi");
        Interval { lo, hi }
    }
    fn from_dy(lo: Dy, hi: Dy) -> Interval {
        Interval::new(lo.to_q(), hi.to_q())
    }
    fn dy(&self) -> Option<[Dy; 2]> {
        Some([Dy::from_q(&self.lo)?, Dy::from_q(&self.hi)?])
    }
    fn signs(&self) -> (bool, bool) {
        (!self.lo.is_negative(), !self.hi.is_positive())
    }
    pub fn lo(&self) -> &Q {
        &self.lo
    }
    pub fn hi(&self) -> &Q {
        &self.hi
    }
    /// `hi - lo`, exactly.
    pub fn width(&self) -> Q {
        &self.hi - &self.lo
    }
    /// `(lo + hi) / 2`, exactly.
    pub fn midpoint(&self) -> Q {
        (&self.lo + &self.hi) * Q::ratio(1, 2)
    }
    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }
    pub fn contains(&self, q: &Q) -> bool {
        &self.lo <= q && q <= &self.hi
    }
    pub fn contains_zero(&self) -> bool {
        !self.lo.is_positive() && !self.hi.is_negative()
    }
    /// Round `lo` down and `hi` up to `prec` significant bits (dyadic
    /// endpoints); endpoints that already fit are kept exactly.
    pub fn round_outward(&self, prec: Prec) -> Interval {
        let lo = round_q(&self.lo, prec.0, Dir::Down);
        if self.is_point() && Dy::from_q(&self.lo).is_some_and(|d| d == lo) {
            return self.clone();
        }
        Interval::from_dy(lo, round_q(&self.hi, prec.0, Dir::Up))
    }
    /// Exactly `[0, 0]`.
    pub fn is_zero(&self) -> bool {
        self.lo.is_zero() && self.hi.is_zero()
    }
    /// `self + o`, rounded outward to `prec`.
    pub fn add(&self, o: &Interval, prec: Prec) -> Interval {
        // Adding an exact zero (common in Taylor series and sums of
        // constants) is only the rounding; same result, no conversions.
        if o.is_zero() {
            return self.round_outward(prec);
        }
        if self.is_zero() {
            return o.round_outward(prec);
        }
        match (self.dy(), o.dy()) {
            (Some([a, b]), Some([c, d])) => {
                Interval::from_dy(a.add(&c).round(prec.0, Dir::Down), b.add(&d).round(prec.0, Dir::Up))
            }
            (Some(ends), None) if o.is_point() => Interval::plus_rational(ends, &o.lo, prec)
                .unwrap_or_else(|| Interval::new(&self.lo + &o.lo, &self.hi + &o.hi).round_outward(prec)),
            (None, Some(ends)) if self.is_point() => Interval::plus_rational(ends, &self.lo, prec)
                .unwrap_or_else(|| Interval::new(&self.lo + &o.lo, &self.hi + &o.hi).round_outward(prec)),
            _ => Interval::new(&self.lo + &o.lo, &self.hi + &o.hi).round_outward(prec),
        }
    }
    /// `[a, b] + q` for dyadic `a`, `b` and a rational `q` that is not (data
    /// such as 1/10, the common case in a recurrence): `q` is bounded by
    /// dyadics 8 bits below the last place of both the endpoints and the
    /// sum (a second try when the sum cancels), so the sum needs no gcd and
    /// one division, and is wider than the exact one by at most 2^-8 of a
    /// unit in its last place before the final rounding. `None` when that
    /// would take far more bits than `prec`; the caller then adds exactly.
    fn plus_rational([a, b]: [Dy; 2], q: &Q, prec: Prec) -> Option<Interval> {
        let q_mag = q.numer().bits() as i64 - q.denom().bits() as i64 + 1;
        let with_last = |last: i64| {
            let bits = q_mag - last;
            if bits > 4 * prec.0 as i64 + 64 {
                return None;
            }
            let (down, up) = ratio_bounds(q.numer(), q.denom(), bits.max(prec.0 as i64) as u32);
            Some((a.add(&down), b.add(&up), last))
        };
        let (mut lo, mut hi, mut last) = with_last(a.e.min(b.e) - 8)?;
        // Each try bounds the sum better; a deep cancellation needs a few.
        for _ in 0..4 {
            let need = lo.mag().min(hi.mag()) - prec.0 as i64 - 8;
            if need >= last {
                break;
            }
            (lo, hi, last) = with_last(need)?;
        }
        Some(Interval::from_dy(
            lo.round(prec.0, Dir::Down),
            hi.round(prec.0, Dir::Up),
        ))
    }
    /// `self - o`, rounded outward to `prec`.
    pub fn sub(&self, o: &Interval, prec: Prec) -> Interval {
        self.add(&o.neg(), prec)
    }
    pub fn neg(&self) -> Interval {
        Interval::new(-&self.hi, -&self.lo)
    }
    /// `self * o`, rounded outward to `prec`.
    pub fn mul(&self, o: &Interval, prec: Prec) -> Interval {
        if self.is_zero() || o.is_zero() {
            return Interval::point(Q::zero());
        }
        let (lo_c, hi_c) = mul_cases(self.signs(), o.signs());
        if let (Some(x), Some(y)) = (self.dy(), o.dy()) {
            let pick = |c: Pairs, want: Ordering| {
                let a = x[c[0].0].mul(&y[c[0].1]);
                let b = x[c[1].0].mul(&y[c[1].1]);
                if c[0] == c[1] || a.cmp(&b) == want {
                    a
                } else {
                    b
                }
            };
            let lo = pick(lo_c, Ordering::Less).round(prec.0, Dir::Down);
            let hi = pick(hi_c, Ordering::Greater).round(prec.0, Dir::Up);
            return Interval::from_dy(lo, hi);
        }
        // Some endpoint is not dyadic (a parameter such as 1/3): the products
        // stay unreduced fractions `n/d` with `d > 0` (no gcd, they are
        // rounded at once), compared by cross-multiplication when two
        // candidates remain, and rounded outward straight from `n/d`.
        let (x, y) = ([&self.lo, &self.hi], [&o.lo, &o.hi]);
        let prod = |(i, j): (usize, usize)| (x[i].numer() * y[j].numer(), x[i].denom() * y[j].denom());
        let pick = |c: Pairs, want: Ordering| {
            let a = prod(c[0]);
            if c[0] == c[1] {
                return a;
            }
            let b = prod(c[1]);
            if (&a.0 * &b.1).cmp(&(&b.0 * &a.1)) == want {
                a
            } else {
                b
            }
        };
        let (ln, ld) = pick(lo_c, Ordering::Less);
        let (hn, hd) = pick(hi_c, Ordering::Greater);
        Interval::from_dy(
            round_ratio(&ln, &ld, prec.0, Dir::Down),
            round_ratio(&hn, &hd, prec.0, Dir::Up),
        )
    }
    /// `self / o`, rounded outward; `Domain` if `o` is `[0,0]`, `Undecided`
    /// if `o` merely contains 0.
    pub fn div(&self, o: &Interval, prec: Prec) -> Result<Interval, IntervalError> {
        if o.lo.is_zero() && o.hi.is_zero() {
            return Err(IntervalError::Domain);
        }
        if o.contains_zero() {
            return Err(IntervalError::Undecided);
        }
        let (x, y) = ([&self.lo, &self.hi], [&o.lo, &o.hi]);
        // With 0 outside the divisor the quotient is monotone in each
        // argument, so each bound comes from one pair of endpoints.
        let ((a, b), (c, d)) = match (o.lo.is_positive(), self.signs()) {
            (true, (true, _)) => ((0, 1), (1, 0)),
            (true, (_, true)) => ((0, 0), (1, 1)),
            (true, _) => ((0, 0), (1, 0)),
            (false, (true, _)) => ((1, 1), (0, 0)),
            (false, (_, true)) => ((1, 0), (0, 1)),
            (false, _) => ((1, 1), (0, 1)),
        };
        let quot = |n: &Q, m: &Q, dir| {
            let (mut num, mut den) = (n.numer() * m.denom(), n.denom() * m.numer());
            if den.is_negative() {
                (num, den) = (-num, -den);
            }
            round_ratio(&num, &den, prec.0, dir)
        };
        Ok(Interval::from_dy(
            quot(x[a], y[b], Dir::Down),
            quot(x[c], y[d], Dir::Up),
        ))
    }
    /// `self^n` for any integer `n`, rounded outward; `n = 0` gives `[1,1]`
    /// (also for intervals holding 0); negative `n` needs a divisor without 0
    /// (`Domain` for `[0,0]`, else `Undecided`). Even powers of an interval
    /// straddling 0 start at 0.
    pub fn powi(&self, n: i64, prec: Prec) -> Result<Interval, IntervalError> {
        if n == 0 {
            return Ok(Interval::point(Q::one()));
        }
        if n < 0 {
            let inner = self.powi_abs(n.unsigned_abs(), Prec(prec.0 + 8));
            return Interval::point(Q::one()).div(&inner, prec);
        }
        Ok(self.powi_abs(n as u64, prec))
    }

    /// `self^n` for `n >= 1`.
    fn powi_abs(&self, n: u64, prec: Prec) -> Interval {
        // Rounding in one direction at every step of square-and-multiply
        // keeps a lower (upper) bound of |x|^n, since all factors are >= 0.
        let wp = prec.0 + 2 * (64 - n.leading_zeros()) + 4;
        let pow_abs = |q: &Q, dir| {
            let mut base = round_q(&q.abs(), wp, dir);
            let (mut acc, mut k) = (Dy::int(1), n);
            while k > 0 {
                if k & 1 == 1 {
                    acc = acc.mul(&base).round(wp, dir);
                }
                k >>= 1;
                if k > 0 {
                    base = base.mul(&base).round(wp, dir);
                }
            }
            acc.round(prec.0, dir)
        };
        let (even, (nonneg, nonpos)) = (n & 1 == 0, self.signs());
        let (lo, hi) = match (nonneg, nonpos, even) {
            (true, _, _) => (pow_abs(&self.lo, Dir::Down), pow_abs(&self.hi, Dir::Up)),
            (_, true, true) => (pow_abs(&self.hi, Dir::Down), pow_abs(&self.lo, Dir::Up)),
            (_, _, true) => {
                let (a, b) = (pow_abs(&self.lo, Dir::Up), pow_abs(&self.hi, Dir::Up));
                (Dy::int(0), if a.cmp(&b) == Ordering::Less { b } else { a })
            }
            (_, true, false) => (pow_abs(&self.lo, Dir::Up).neg(), pow_abs(&self.hi, Dir::Down).neg()),
            _ => (pow_abs(&self.lo, Dir::Up).neg(), pow_abs(&self.hi, Dir::Up)),
        };
        Interval::from_dy(lo, hi)
    }
    /// ReLU, monotone: `[max(lo,0), max(hi,0)]`.
    pub fn relu(&self) -> Interval {
        Interval::new(self.lo.clone().max(Q::zero()), self.hi.clone().max(Q::zero()))
    }
    /// Heaviside step (1 if x > 0 else 0): `[1,1]` if `lo > 0`, `[0,0]` if
    /// `hi <= 0`, else `Undecided`.
    pub fn step(&self) -> Result<Interval, IntervalError> {
        if self.lo.is_positive() {
            Ok(Interval::point(Q::one()))
        } else if !self.hi.is_positive() {
            Ok(Interval::point(Q::zero()))
        } else {
            Err(IntervalError::Undecided)
        }
    }
}

impl fmt::Display for Interval {
    /// `[lo, hi]` with exact rational endpoints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.lo, self.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::elementary::pow as elementary_pow;
    use proptest::prelude::*;

    fn q(s: &str) -> Q {
        s.parse().unwrap()
    }
    fn iv(a: &str, b: &str) -> Interval {
        Interval::new(q(a), q(b))
    }
    const P: Prec = Prec(64);

    proptest! {
        // A dyadic interval plus a rational that is not dyadic (the fast
        // route): holds the exact sums of both ends, and is at most a unit
        // in the last place wider at each end than their outward rounding.
        #[test]
        fn adding_a_rational_holds_the_exact_sum(
            lo in -100_000i64..100_000, w in 0i64..1000, e in -80i64..4,
            n in -1000i64..1000, d in 1i64..1000, bits in 8u32..200,
        ) {
            let p = Prec(bits);
            let x = Interval::new(Q::from_dyadic(lo.into(), e), Q::from_dyadic((lo + w).into(), e));
            let r = Q::ratio(n, d);
            let got = x.add(&Interval::point(r.clone()), p);
            let exact = Interval::new(x.lo() + &r, x.hi() + &r);
            prop_assert!(got.lo() <= exact.lo() && exact.hi() <= got.hi(), "{x} + {r} = {got}");
            let tight = exact.round_outward(p);
            let ulp = |q: &Q| Q::from_dyadic(1.into(), q.numer().bits() as i64 - q.denom().bits() as i64 + 1 - bits as i64);
            prop_assert!(got.lo() >= &(tight.lo() - &ulp(tight.lo())) && got.hi() <= &(tight.hi() + &ulp(tight.hi())),
                "{x} + {r} = {got}, rounded exact sum {tight}");
            prop_assert_eq!(got, x.add(&Interval::point(r.clone()), p));
        }
    }

    #[test]
    fn a_deep_cancellation_keeps_the_precision() {
        // -1 + (1 + 1/(3·2^100)) = 1/(3·2^100): 64 good bits, not 37.
        let p = Prec(64);
        let tiny = Q::ratio(1, 3) * Q::from_dyadic(1.into(), -100);
        let got = Interval::point(-Q::one()).add(&Interval::point(&Q::one() + &tiny), p);
        assert!(got.contains(&tiny), "{got}");
        let tight = Interval::point(tiny.clone()).round_outward(p);
        assert!(got.width() <= tight.width() * Q::int(4), "{got} against {tight}");
    }

    #[test]
    fn rounding_is_outward_and_keeps_short_values() {
        let third = Interval::point(Q::ratio(1, 3)).round_outward(Prec(10));
        assert_eq!(third, Interval::new(Q::ratio(682, 2048), Q::ratio(683, 2048)));
        let neg = Interval::point(Q::ratio(-1, 3)).round_outward(Prec(10));
        assert_eq!(neg, Interval::new(Q::ratio(-683, 2048), Q::ratio(-682, 2048)));
        let short = Interval::point(q("-2.375"));
        assert_eq!(short.round_outward(Prec(5)), short);
        // 2.375 = 10011b needs 5 bits; at 4 it widens to [2.25, 2.5]
        assert_eq!(short.round_outward(Prec(4)), iv("-2.5", "-2.25"));
        assert_eq!(Interval::point(Q::zero()).round_outward(Prec(1)), iv("0", "0"));
        // a ceiling that carries to 2^p stays correct
        assert_eq!(Interval::point(q("7.5")).round_outward(Prec(3)), iv("7", "8"));
        let big = Interval::point(Q::ratio(1_000_001, 3)).round_outward(Prec(8));
        assert!(big.contains(&Q::ratio(1_000_001, 3)) && big.lo().is_integer());
    }

    #[test]
    fn basic_queries() {
        let x = iv("-1", "3");
        assert_eq!((x.width(), x.midpoint()), (Q::int(4), Q::int(1)));
        assert!(x.contains_zero() && x.contains(&Q::int(3)) && !x.contains(&Q::int(4)));
        assert!(!iv("0.5", "1").contains_zero() && Interval::point(Q::one()).is_point());
        assert_eq!(x.neg(), iv("-3", "1"));
        assert_eq!(x.relu(), iv("0", "3"));
        assert_eq!(iv("-3", "-1").relu(), iv("0", "0"));
        assert_eq!(iv("0.5", "1").step(), Ok(iv("1", "1")));
        assert_eq!(iv("-1", "0").step(), Ok(iv("0", "0")));
        assert_eq!(x.step(), Err(IntervalError::Undecided));
        assert_eq!(x.to_string(), "[-1, 3]");
    }

    #[test]
    fn arithmetic_on_short_values_is_exact() {
        let (a, b) = (iv("1.5", "2"), iv("-0.25", "3"));
        assert_eq!(a.add(&b, P), iv("1.25", "5"));
        assert_eq!(a.sub(&b, P), iv("-1.5", "2.25"));
        assert_eq!(a.mul(&b, P), iv("-0.5", "6"));
        assert_eq!(a.div(&iv("2", "4"), P), Ok(iv("0.375", "1")));
        assert_eq!(iv("-1", "2").div(&iv("-4", "-2"), P), Ok(iv("-1", "0.5")));
        let third = Interval::point(Q::one()).div(&Interval::point(Q::int(3)), P).unwrap();
        assert!(third.contains(&Q::ratio(1, 3)) && !third.is_point());
        // non-dyadic inputs take the exact-rational path
        let t = Interval::point(Q::ratio(1, 3));
        assert!(t.add(&t, P).contains(&Q::ratio(2, 3)));
        assert!(t.mul(&iv("-3", "3"), P).contains(&Q::int(-1)));
    }

    #[test]
    fn division_errors() {
        let x = iv("1", "2");
        assert_eq!(x.div(&iv("0", "0"), P), Err(IntervalError::Domain));
        assert_eq!(x.div(&iv("-1", "1"), P), Err(IntervalError::Undecided));
        assert_eq!(x.div(&iv("0", "1"), P), Err(IntervalError::Undecided));
    }

    #[test]
    fn integer_powers() {
        assert_eq!(iv("-2", "3").powi(2, P), Ok(iv("0", "9")));
        assert_eq!(iv("-3", "2").powi(2, P), Ok(iv("0", "9")));
        assert_eq!(iv("-2", "-1").powi(2, P), Ok(iv("1", "4")));
        assert_eq!(iv("-2", "-1").powi(3, P), Ok(iv("-8", "-1")));
        assert_eq!(iv("-3", "2").powi(3, P), Ok(iv("-27", "8")));
        assert_eq!(iv("-3", "2").powi(0, P), Ok(iv("1", "1")));
        assert_eq!(iv("2", "4").powi(-2, P), Ok(iv("0.0625", "0.25")));
        assert_eq!(iv("0", "0").powi(-1, P), Err(IntervalError::Domain));
        assert_eq!(iv("-1", "1").powi(-2, P), Err(IntervalError::Undecided));
        let p = Interval::point(Q::ratio(10, 9)).powi(100, P).unwrap();
        assert!(p.contains(&Q::ratio(10, 9).pow(100).unwrap()));
        assert!(p.width() < p.lo().clone() * Q::from_dyadic(1.into(), -56));
    }

    #[test]
    fn general_powers() {
        let half = Interval::point(Q::ratio(1, 2));
        assert_eq!(elementary_pow(&iv("0", "0"), &half, P), Ok(iv("0", "0")));
        assert_eq!(elementary_pow(&iv("-2", "-1"), &half, P), Err(IntervalError::Domain));
        assert_eq!(elementary_pow(&iv("-1", "1"), &half, P), Err(IntervalError::Undecided));
        assert_eq!(
            elementary_pow(&iv("0", "0"), &Interval::point(q("-0.5")), P),
            Err(IntervalError::Domain)
        );
        assert_eq!(
            elementary_pow(&iv("0", "4"), &iv("-1", "1"), P),
            Err(IntervalError::Undecided)
        );
        assert_eq!(
            elementary_pow(&iv("-2", "2"), &Interval::point(Q::int(2)), P),
            Ok(iv("0", "4"))
        );
        let r = elementary_pow(&iv("0", "4"), &half, P).unwrap();
        assert!(r.lo().is_zero() && r.contains(&Q::int(2)) && r.hi() < &q("2.000001"));
        let r = elementary_pow(&Interval::point(Q::int(4)), &half, P).unwrap();
        assert!(r.contains(&Q::int(2)) && r.width() < q("0.000000000000001"));
        let r = elementary_pow(&iv("4", "9"), &iv("0.5", "1.5"), P).unwrap();
        assert!(r.contains(&Q::int(2)) && r.contains(&Q::int(27)) && r.hi() < &q("27.000001"));
    }

    fn small() -> impl Strategy<Value = Q> {
        (-40i64..40, 0i64..4).prop_map(|(n, e)| Q::from_dyadic(n.into(), -e))
    }

    fn thirds() -> impl Strategy<Value = Q> {
        (-40i64..40, 1i64..4).prop_map(|(n, k)| Q::ratio(n, 3 * k))
    }

    proptest! {
        /// With an endpoint that is not dyadic (the unreduced-fraction path),
        /// `mul` is the exact corner minimum and maximum rounded outward,
        /// in all nine sign cases and at low and ample precision.
        #[test]
        fn mul_of_non_dyadic_is_rounded_corners(a in thirds(), b in small(), c in thirds(), d in thirds(),
                                                p in prop_oneof![Just(3u32), Just(8), Just(200)]) {
            let x = Interval::new(a.clone().min(b.clone()), a.max(b));
            let y = Interval::new(c.clone().min(d.clone()), c.max(d));
            let corners = [x.lo() * y.lo(), x.lo() * y.hi(), x.hi() * y.lo(), x.hi() * y.hi()];
            let lo = corners.iter().min().unwrap().clone();
            let hi = corners.iter().max().unwrap().clone();
            let want = Interval::from_dy(round_q(&lo, p, Dir::Down), round_q(&hi, p, Dir::Up));
            prop_assert_eq!(x.mul(&y, Prec(p)), want.clone());
            prop_assert_eq!(y.mul(&x, Prec(p)), want);
        }

        /// Every product/quotient of points drawn from the inputs is enclosed,
        /// and at ample precision the bounds are attained exactly.
        #[test]
        fn mul_div_enclose_point_results(a in small(), b in small(), c in small(), d in small(),
                                         s in 0i64..=4, t in 0i64..=4) {
            let (x, y) = (Interval::new(a.clone().min(b.clone()), a.max(b)),
                          Interval::new(c.clone().min(d.clone()), c.max(d)));
            let pt = |i: &Interval, k: i64| i.lo() + &(i.width() * Q::ratio(k, 4));
            let (u, v) = (pt(&x, s), pt(&y, t));
            let prod = x.mul(&y, Prec(8));
            prop_assert!(prod.contains(&(&u * &v)));
            let exact = x.mul(&y, Prec(200));
            let corners = [x.lo() * y.lo(), x.lo() * y.hi(), x.hi() * y.lo(), x.hi() * y.hi()];
            prop_assert_eq!(exact.lo(), corners.iter().min().unwrap());
            prop_assert_eq!(exact.hi(), corners.iter().max().unwrap());
            prop_assert!(x.add(&y, Prec(6)).contains(&(&u + &v)));
            prop_assert!(x.sub(&y, Prec(6)).contains(&(&u - &v)));
            if let Ok(quot) = x.div(&y, Prec(8)) {
                prop_assert!(!y.contains_zero());
                prop_assert!(quot.contains(&(&u / &v)));
            }
            for n in [-3i64, -2, 1, 2, 3] {
                if let Ok(p) = x.powi(n, Prec(10)) {
                    prop_assert!(p.contains(&u.pow(n).unwrap()));
                }
            }
        }
    }
}
