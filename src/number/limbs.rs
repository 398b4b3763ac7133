//! The inner loop of `expm1` in fixed point on machine words.
//!
//! `elementary::expm1_fix` spends its time in the series and the doublings:
//! some thirty products, shifts and small divisions of numbers of a few
//! hundred bits, each of which allocates a new `BigInt`. Here the same
//! operations run on preallocated arrays of 64-bit limbs, with the sign
//! carried beside the magnitude. Every step truncates toward zero exactly
//! as `shr_trunc` and `BigInt`'s `/` do, so the result is *bit for bit* the
//! one of the `BigInt` route, which stays as the route for long numbers and
//! as the reference the tests compare against (the error analysis in
//! `elementary` is unchanged).

use num_bigint::{BigInt, BigUint, Sign};

/// Up to this many limbs (1,024 bits) the limb route is used; beyond it
/// `BigInt`'s Karatsuba multiplication wins.
pub(crate) const MAX_LIMBS: usize = 16;

/// A fixed-length magnitude, least significant limb first.
type Mag = Vec<u64>;

fn mag_of(x: &BigInt, n: usize) -> Mag {
    let mut v = x.magnitude().to_u64_digits();
    v.resize(n, 0);
    v
}

fn to_bigint(neg: bool, m: &[u64]) -> BigInt {
    let digits: Vec<u32> = m.iter().flat_map(|&l| [l as u32, (l >> 32) as u32]).collect();
    let sign = if neg { Sign::Minus } else { Sign::Plus };
    BigInt::from_biguint(sign, BigUint::new(digits))
}

fn is_zero(a: &[u64]) -> bool {
    a.iter().all(|&l| l == 0)
}

/// Limbs in use (the rest are zero).
fn used(a: &[u64]) -> usize {
    a.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1)
}

/// `out = floor(a * b / 2^sh)`; `prod` is scratch of twice the length.
fn mul_shr(a: &[u64], b: &[u64], sh: u64, prod: &mut [u64], out: &mut [u64]) {
    prod.iter_mut().for_each(|l| *l = 0);
    let (na, nb) = (used(a), used(b));
    for i in 0..na {
        let ai = a[i] as u128;
        let mut carry = 0u128;
        for j in 0..nb {
            let t = ai * b[j] as u128 + prod[i + j] as u128 + carry;
            prod[i + j] = t as u64;
            carry = t >> 64;
        }
        prod[i + nb] = carry as u64;
    }
    shr_into(prod, sh, out);
}

/// `out = floor(a / 2^sh)`, cut to `out`'s length.
fn shr_into(a: &[u64], sh: u64, out: &mut [u64]) {
    let (q, r) = ((sh / 64) as usize, (sh % 64) as u32);
    for (k, o) in out.iter_mut().enumerate() {
        let lo = a.get(k + q).copied().unwrap_or(0);
        let hi = a.get(k + q + 1).copied().unwrap_or(0);
        *o = if r == 0 { lo } else { (lo >> r) | (hi << (64 - r)) };
    }
}

/// `a = floor(a / d)` for `0 < d < 2^32`, in 32-bit halves so that each
/// step is one machine division.
fn div_small(a: &mut [u64], d: u64) {
    debug_assert!(d > 0 && d < 1 << 32);
    let mut rem = 0u64;
    for l in a.iter_mut().rev() {
        let hi = (rem << 32) | (*l >> 32);
        let (qh, rh) = (hi / d, hi % d);
        let lo = (rh << 32) | (*l & 0xffff_ffff);
        let (ql, rl) = (lo / d, lo % d);
        *l = (qh << 32) | ql;
        rem = rl;
    }
}

fn add_assign(a: &mut [u64], b: &[u64]) {
    let mut carry = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(carry as u64);
        *x = s;
        carry = c1 || c2;
    }
}

/// `a - b` for `a >= b`.
fn sub(a: &[u64], b: &[u64]) -> Mag {
    let mut out = a.to_vec();
    let mut borrow = false;
    for (x, &y) in out.iter_mut().zip(b) {
        let (s, b1) = x.overflowing_sub(y);
        let (s, b2) = s.overflowing_sub(borrow as u64);
        *x = s;
        borrow = b1 || b2;
    }
    out
}

fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    a.iter().rev().cmp(b.iter().rev())
}

/// `(neg, |a - b|)` for magnitudes `a`, `b`.
fn signed_diff(a: &[u64], b: &[u64]) -> (bool, Mag) {
    if cmp(a, b).is_lt() {
        (true, sub(b, a))
    } else {
        (false, sub(a, b))
    }
}

/// The series of `expm1` at `t = tf / 2^ww` followed by `s` doublings and a
/// final `/ 2^(2s)`, exactly as `elementary::expm1_fix` computes them from
/// `tf << s`; returns the result and the number of series terms `i` at
/// which the loop stopped. `None` when the numbers need more than
/// [`MAX_LIMBS`] limbs (the caller then runs the `BigInt` route).
pub(crate) fn expm1_series_doubled(t: &BigInt, ww: u64, s: u64) -> Option<(BigInt, u64)> {
    // Every value here is below 2^(ww + 2) in magnitude.
    let n = (ww as usize + 2) / 64 + 1;
    // The bounds on every value hold for |t / 2^ww| < 2^-(s+1), i.e. an
    // argument below 1/2 before the halvings; larger ones (no caller makes
    // them) would overflow the limbs, so they take the BigInt route.
    if n > MAX_LIMBS || t.bits() + s + 1 > ww {
        return None;
    }
    let neg_t = t.sign() == Sign::Minus;
    let tm = mag_of(t, n);
    let mut prod = vec![0u64; 2 * n];
    // Terms p_i = t^i / i! truncated as the BigInt route does; their signs
    // alternate when t < 0, so they are summed in two accumulators.
    let (mut even, mut odd) = (vec![0u64; n], tm.clone());
    let mut p = tm.clone();
    let mut next = vec![0u64; n];
    let mut i = 1u64;
    loop {
        i += 1;
        mul_shr(&p, &tm, ww, &mut prod, &mut next);
        div_small(&mut next, i);
        std::mem::swap(&mut p, &mut next);
        if is_zero(&p) {
            break;
        }
        add_assign(if i % 2 == 0 { &mut even } else { &mut odd }, &p);
    }
    // sum = even + odd when t >= 0, even - odd when t < 0.
    let (mut neg, mut e) = if neg_t {
        signed_diff(&even, &odd)
    } else {
        add_assign(&mut even, &odd);
        (false, even)
    };
    let mut two = vec![0u64; n];
    two[((ww + 1) / 64) as usize] = 1u64 << ((ww + 1) % 64);
    let mut out = vec![0u64; n];
    for _ in 0..s {
        // e (e + 2) / 2^ww, truncated toward zero; e + 2 > 0 as e > -1.
        let plus_two = if neg {
            sub(&two, &e)
        } else {
            let mut x = e.clone();
            add_assign(&mut x, &two);
            x
        };
        mul_shr(&e, &plus_two, ww, &mut prod, &mut out);
        std::mem::swap(&mut e, &mut out);
        if is_zero(&e) {
            neg = false;
        }
    }
    let mut shifted = vec![0u64; n];
    shr_into(&e, 2 * s, &mut shifted);
    let e = shifted;
    let neg = neg && !is_zero(&e);
    Some((to_bigint(neg, &e), i))
}

#[cfg(test)]
mod tests {
    use super::super::elementary::{expm1_fix, expm1_fix_bigint};
    use super::*;
    use proptest::prelude::*;

    /// The halvings `expm1_fix` chooses (as in `elementary`).
    fn halvings(tf: &BigInt, w: u64) -> u64 {
        (tf.bits() as i64 - w as i64 + 8).clamp(0, 8) as u64
    }

    proptest! {
        // Bit for bit the BigInt route, value and error bound, for every
        // sign, size and working precision the limb route takes.
        #[test]
        fn limbs_agree_with_bigint(
            w in 8u64..1000,
            digits in prop::collection::vec(any::<u32>(), 1..34),
            neg in any::<bool>(),
            cut in 0u64..64,
        ) {
            let mag = BigUint::new(digits);
            // |t| <= 1/2: at most w - 1 bits, fewer by `cut`.
            let keep = (w - 1).saturating_sub(cut).max(1);
            let bits = mag.bits();
            let mag = if bits > keep { mag >> (bits - keep) } else { mag };
            let tf = BigInt::from_biguint(if neg { Sign::Minus } else { Sign::Plus }, mag);
            let s = halvings(&tf, w);
            prop_assert_eq!(expm1_fix(&tf, w), expm1_fix_bigint(&tf, w, s));
        }
    }

    #[test]
    fn small_and_edge_arguments_agree() {
        for w in [8u64, 63, 64, 65, 127, 128, 190, 1000] {
            for t in [0i64, 1, -1, 2, -2, 255, -255] {
                let tf = BigInt::from(t);
                assert_eq!(
                    expm1_fix(&tf, w),
                    expm1_fix_bigint(&tf, w, halvings(&tf, w)),
                    "t={t} w={w}"
                );
            }
            let half = BigInt::from(1) << (w - 1);
            for tf in [half.clone(), -half] {
                assert_eq!(expm1_fix(&tf, w), expm1_fix_bigint(&tf, w, halvings(&tf, w)));
            }
        }
    }
}
