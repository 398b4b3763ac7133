//! Enclosures of a function on a narrow interval from one evaluation at its
//! midpoint, as Arb's balls do: `f([m - r, m + r]) ⊆ f(m) ± r · sup |f'|`.
//!
//! An interval function evaluated at both endpoints pays for `f` twice; in
//! a long recurrence (a tanh RNN of 10⁵ steps) every argument is a narrow
//! interval, so that second evaluation was half the cost of the run. The
//! slope bound is taken at the midpoint and widened for the distance `r`
//! (the caller proves `sup |f'| <= slope(f(m)) · (1 + c r)`), so the
//! enclosure stays as tight as the endpoint one to first order, and a
//! recurrence whose true slopes contract keeps contracting. Wide intervals
//! (`r >= 1/4`) are left to the endpoint route, where a Lipschitz bound
//! would be loose.

use super::dyadic::{Dir, Dy};
use super::interval::{Interval, Prec};
use num_traits::Zero;

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
    if r.mag() > -2 {
        return None; // r >= 1/4: not narrow
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

/// The smaller magnitude of `[a, b]`'s points rounded down to a few bits:
/// 0 when the interval holds 0.
fn least_magnitude(a: &Dy, b: &Dy) -> Dy {
    let t = if !a.m.is_zero() && a.m.sign() == b.m.sign() {
        if a.m.sign() == num_bigint::Sign::Plus {
            a.clone()
        } else {
            b.neg()
        }
    } else {
        Dy::int(0)
    };
    t.round(SMALL, Dir::Down)
}

/// `sup tanh'` within `r` of a point where `tanh` is in `[a, b]`, for
/// `r < 1/4`. `tanh' = 1 - tanh²` and `(ln tanh')' = -2 tanh` has magnitude
/// `<= 2`, so `tanh'(ξ) <= (1 - t²) e^{2r} <= (1 - t²)(1 + 4r)` with `t` a
/// lower bound of `|tanh m|` (`e^y <= 1 + 2y` for `0 <= y <= 1`).
pub(crate) fn tanh_slope(a: &Dy, b: &Dy, r: &Dy) -> Dy {
    let t = least_magnitude(a, b);
    let t2 = t.mul(&t).round(SMALL, Dir::Down);
    let s = Dy::int(1).add(&t2.neg());
    let grow = Dy::int(1).add(&r.mul(&Dy::int(4)));
    s.mul(&grow).round(SMALL, Dir::Up)
}

/// `sup σ'` within `r` of a point where `σ` is in `[a, b]`, for `r < 1/4`.
/// `σ' = 1/4 - (σ - 1/2)²` and `(ln σ')' = 1 - 2σ` has magnitude `< 1`, so
/// `σ'(ξ) <= (1/4 - d²) e^r <= (1/4 - d²)(1 + 2r)` with `d` the distance
/// from 1/2 to `[a, b]`.
pub(crate) fn sigmoid_slope(a: &Dy, b: &Dy, r: &Dy) -> Dy {
    let half = Dy::new(1.into(), -1);
    let (da, db) = (a.add(&half.neg()), b.add(&half.neg()));
    let d = least_magnitude(&da, &db);
    let d2 = d.mul(&d).round(SMALL, Dir::Down);
    let s = Dy::new(1.into(), -2).add(&d2.neg());
    let grow = Dy::int(1).add(&r.mul(&Dy::int(2)));
    s.mul(&grow).round(SMALL, Dir::Up)
}
