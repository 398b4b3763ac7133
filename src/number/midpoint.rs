//! Enclosures of a function on a narrow interval from one evaluation at its
//! midpoint, as Arb's balls do: `f([m - r, m + r]) ⊆ f(m) ± r · sup |f'|`.
//!
//! An interval function evaluated at both endpoints pays for `f` twice; in
//! a long recurrence (a tanh RNN of 10⁵ steps) every argument is a narrow
//! interval, so that second evaluation was half the cost of the run. The
//! slope bound is taken at the midpoint and widened for the distance `r`
//! (the caller proves `sup |f'| <= slope(f(m)) · (1 + c r)`), so the
//! enclosure stays as tight as the endpoint one to first order, and a
//! recurrence whose true slopes contract keeps contracting. Wider intervals
//! (`r >= 2^-8`) are left to the endpoint route, where the slope changes
//! too much across the interval for one bound to be tight.

use super::dyadic::{Dir, Dy};
use super::interval::{Interval, Prec};
use num_bigint::Sign;

/// Bits kept in the small quantities of the error term (slope, radius).
const SMALL: u32 = 30;

/// A function's bounds at an exact dyadic, already rounded outward to the
/// working precision: `(lower, upper)`.
pub(crate) type AtPoint<'a> = &'a dyn Fn(&Dy) -> (Dy, Dy);

/// `[lo, hi]` of `f` on `x`, or `None` when `x` is a point, has an endpoint
/// that is not dyadic, or is not narrow; the caller then bounds `f` at the
/// endpoints.
///
/// - `in_bits(m)`: significant bits to keep of the midpoint;
/// - `at(m)`: bounds of `f(m)`;
/// - `slope(lo, hi, r)`: an upper bound of `|f'|` on `[m - r, m + r]`
///   given `f(m)` in `[lo, hi]`;
/// - `range`: the values `f` can take, to clamp the result.
pub(crate) fn through_midpoint(
    x: &Interval,
    prec: Prec,
    in_bits: impl Fn(&Dy) -> u32,
    at: AtPoint<'_>,
    slope: impl Fn(&Dy, &Dy, &Dy) -> Dy,
    range: (Dy, Dy),
) -> Option<Interval> {
    if x.is_point() {
        return None;
    }
    let lo = Dy::from_q(x.lo())?;
    let hi = Dy::from_q(x.hi())?;
    // The exact midpoint, then rounded down: `r` measures from the rounded
    // one to the farther endpoint, which is then `hi`.
    let sum = lo.add(&hi);
    let mid = Dy::new(sum.m, sum.e - 1);
    let m = mid.round(in_bits(&mid), Dir::Down);
    let r = hi.add(&m.neg()).round(SMALL, Dir::Up);
    if r.mag() > -8 {
        return None; // r >= 2^-9: not narrow
    }
    let (a, b) = at(&m);
    let err = slope(&a, &b, &r).mul(&r).round(SMALL, Dir::Up);
    let mut lo = a.add(&err.neg()).round(prec.0, Dir::Down);
    let mut hi = b.add(&err).round(prec.0, Dir::Up);
    if lo.cmp(&range.0).is_lt() {
        lo = range.0.clone();
    }
    if hi.cmp(&range.1).is_gt() {
        hi = range.1;
    }
    Some(Interval::new(lo.to_q(), hi.to_q()))
}

/// The smaller and the larger magnitude of the points of `[a, b]`, exact
/// (the smaller is 0 when the interval holds 0).
fn magnitudes(a: &Dy, b: &Dy) -> (Dy, Dy) {
    let (abs_a, abs_b) = (a.abs(), b.abs());
    let larger = if abs_a.cmp(&abs_b).is_gt() {
        abs_a.clone()
    } else {
        abs_b.clone()
    };
    let smaller = match (a.m.sign(), b.m.sign()) {
        (Sign::Plus, Sign::Plus) => abs_a,
        (Sign::Minus, Sign::Minus) => abs_b,
        _ => Dy::int(0),
    };
    (smaller, larger)
}

/// An upper bound of `(c - s)(c + l)` for `0 <= s <= l <= c`: the product
/// `1 - t² = (1 - t)(1 + t)` (`c = 1`) or `1/4 - d² = (1/2 - d)(1/2 + d)`
/// (`c = 1/2`) with `s` a lower and `l` an upper bound of `t`. `c - s` is
/// taken exactly before rounding, so a saturated function (tanh near ±1,
/// where `1 - t` is 2^-100) keeps its tiny slope.
fn gap_product(c: &Dy, s: &Dy, l: &Dy) -> Dy {
    let gap = c.add(&s.neg()).round(SMALL, Dir::Up);
    let sum = c.add(l).round(SMALL, Dir::Up);
    gap.mul(&sum).round(SMALL, Dir::Up)
}

/// `sup tanh'` within `r` of a point `m` where `tanh` is in `[a, b]`, for
/// `r < 2^-8`. `tanh' = 1 - tanh²` and `(ln tanh')' = -2 tanh` has magnitude
/// `<= 2`, so `tanh'(ξ) <= (1 - tanh² m) e^{2r} <= (1 - tanh² m)(1 + 4r)`
/// (`e^y <= 1 + 2y` for `0 <= y <= 1`).
pub(crate) fn tanh_slope(a: &Dy, b: &Dy, r: &Dy) -> Dy {
    let (s, l) = magnitudes(a, b);
    let grow = Dy::int(1).add(&r.mul(&Dy::int(4)));
    gap_product(&Dy::int(1), &s, &l).mul(&grow).round(SMALL, Dir::Up)
}

/// `sup σ'` within `r` of a point `m` where `σ` is in `[a, b]`, for
/// `r < 2^-8`. `σ' = 1/4 - (σ - 1/2)²` and `(ln σ')' = 1 - 2σ` has magnitude
/// `< 1`, so `σ'(ξ) <= σ'(m) e^r <= σ'(m)(1 + 2r)`.
pub(crate) fn sigmoid_slope(a: &Dy, b: &Dy, r: &Dy) -> Dy {
    let half = Dy::new(1.into(), -1);
    let (s, l) = magnitudes(&a.add(&half.neg()), &b.add(&half.neg()));
    let grow = Dy::int(1).add(&r.mul(&Dy::int(2)));
    gap_product(&half, &s, &l).mul(&grow).round(SMALL, Dir::Up)
}

#[cfg(test)]
mod tests {
    use crate::number::elementary::{sigmoid, tanh};
    use crate::number::{Interval, Prec, Q};
    use proptest::prelude::*;

    fn overlap(a: &Interval, b: &Interval) -> bool {
        a.lo() <= b.hi() && b.lo() <= a.hi()
    }

    /// A narrow interval with dyadic ends (what the forward pass feeds tanh):
    /// centre `c / 2^10` in [-40, 40], half-width `2^-k`.
    fn narrow() -> impl Strategy<Value = Interval> {
        (-40_960i64..40_960, 3i64..200).prop_map(|(c, k)| {
            let c = Q::from_dyadic(c.into(), -10);
            let r = Q::from_dyadic(1.into(), -k);
            Interval::new(&c - &r, &c + &r)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        // The enclosure from the midpoint holds f at both ends and at an
        // inner point (each bounded on its own, as a point), and is at most
        // a little wider than the endpoint enclosure: the slope bound is
        // taken where f is, not the global one.
        #[test]
        fn midpoint_enclosures_hold_the_function(x in narrow(), frac in 0u32..=64, bits in 24u32..300) {
            let p = Prec(bits);
            let inner = x.lo() + &(x.width() * Q::ratio(frac as i64, 64));
            for (f, name) in [(tanh as fn(&Interval, Prec) -> Interval, "tanh"), (sigmoid, "sigmoid")] {
                let got = f(&x, p);
                for at in [x.lo().clone(), x.hi().clone(), inner.clone()] {
                    let point = f(&Interval::point(at.clone()), p);
                    prop_assert!(overlap(&got, &point), "{name}({at}) = {point} outside {name}({x}) = {got}");
                }
                // the tight enclosure is at most [f(lo), f(hi)] rounded out
                let tight = f(&Interval::point(x.lo().clone()), p).width()
                    + (f(&Interval::point(x.hi().clone()), p).hi() - f(&Interval::point(x.lo().clone()), p).lo());
                let slack = Q::from_dyadic(1.into(), -(bits as i64) + 4);
                prop_assert!(got.width() <= &tight * &Q::ratio(5, 4) + slack, "{name}({x}) = {got} too wide");
            }
        }
    }

    #[test]
    fn wide_and_saturated_intervals_stay_tight() {
        // A wide interval goes to the endpoint route: tanh([5, 100]) is near 1, not [-1, 1].
        let p = Prec(100);
        let wide = tanh(&Interval::new(Q::int(5), Q::int(100)), p);
        assert!(wide.lo() > &Q::ratio(9999, 10000), "{wide}");
        // narrow but saturated: the slope bound is tiny, the result near 1
        let r = Q::from_dyadic(1.into(), -20);
        let x = Interval::new(&Q::int(30) - &r, &Q::int(30) + &r);
        let t = tanh(&x, p);
        assert!(t.hi() <= &Q::one() && t.width() < Q::from_dyadic(1.into(), -80), "{t}");
    }
}
