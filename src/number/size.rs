//! How large a value would be before it is built: a power's decimal digits
//! from its exponent and the logarithm of its base, and how to say a count
//! of digits. A power is the one operation whose result can be far larger
//! than its operands (`2^(10^9)` has about 301 million digits), so it is
//! measured first and refused past a limit, rather than computed until
//! memory runs out.

use super::Q;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// Largest exact value a power may give, in bits (about 1.26 million
/// decimal digits): exact results and enclosures at an integer exponent.
pub const MAX_POWER_BITS: u64 = 1 << 22;

/// Largest magnitude, in bits, of a power at a non-integer exponent: it is
/// `exp(y ln x)`, whose argument [`super::elementary::EXP_ARG_LIMIT`] bounds
/// (2^20 bits is ln 2 · 2^20 ≈ 7.3·10^5 < 2^20 there, with room to spare).
pub const MAX_REAL_POWER_BITS: u64 = 1 << 20;

/// Largest coefficient, in bits, that a symbolic form multiplies out of a
/// power (`(w/3)^64` → `w^64/3^64`); past it the power stays as written.
/// As large as a literal the graph folds: a form is for reading.
pub const MAX_SYMBOLIC_BITS: u64 = 1 << 14;

/// log₂ |n| to about 15 significant digits however many bits `n` has
/// (an `f64` alone overflows past 2^1024); `None` for 0.
fn log2_int(n: &BigInt) -> Option<f64> {
    let bits = n.bits();
    if bits == 0 {
        return None;
    }
    // The top 64 bits carry all the precision an f64 can hold.
    let shift = bits.saturating_sub(64);
    let top = (n.magnitude() >> shift).to_f64()?;
    Some(top.log2() + shift as f64)
}

/// log₂ |q|, however large or small `q` is; `None` for 0.
///
/// ```
/// use chainrule::number::{size::log2_abs, Q};
/// assert_eq!(log2_abs(&Q::int(8)), Some(3.0));
/// assert_eq!(log2_abs(&Q::ratio(-1, 4)), Some(-2.0));
/// assert_eq!(log2_abs(&Q::zero()), None);
/// ```
pub fn log2_abs(q: &Q) -> Option<f64> {
    Some(log2_int(q.numer())? - log2_int(q.denom())?)
}

/// Decimal digits of a magnitude of `bits` bits (`bits · log₁₀ 2`).
pub fn digits_of_bits(bits: f64) -> f64 {
    bits * std::f64::consts::LOG10_2
}

/// A count of digits as a reader takes it in: exact below a million
/// (`315,653`), then to three figures (`301 million`, `4.34 billion`),
/// and past a trillion as a power of ten (`about 10^15`).
///
/// ```
/// use chainrule::number::size::digits_words;
/// assert_eq!(digits_words(315_652.8), "315,653");
/// assert_eq!(digits_words(301_029_995.7), "301 million");
/// assert_eq!(digits_words(4.342e9), "4.34 billion");
/// assert_eq!(digits_words(3.0e15), "10^15");
/// ```
pub fn digits_words(digits: f64) -> String {
    let d = digits.max(0.0);
    if !d.is_finite() {
        return format!("10^{}", f64::MAX_10_EXP);
    }
    if d < 1e6 {
        return crate::progress::grouped(d.round() as usize);
    }
    if d >= 1e12 {
        return format!("10^{}", d.log10().floor() as i64);
    }
    let (scaled, word) = if d < 1e9 {
        (d / 1e6, "million")
    } else {
        (d / 1e9, "billion")
    };
    // Three significant figures, no trailing zeros.
    let places = 2usize.saturating_sub(scaled.log10().floor() as usize);
    let text = format!("{scaled:.places$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text} {word}")
}

/// An estimated count of digits: `about 301 million`, or `more than
/// 10^308` past what an `f64` holds.
///
/// ```
/// use chainrule::number::size::about_digits;
/// assert_eq!(about_digits(301_029_995.7), "about 301 million");
/// assert_eq!(about_digits(f64::INFINITY), "more than 10^308");
/// ```
pub fn about_digits(digits: f64) -> String {
    if digits.is_finite() {
        format!("about {}", digits_words(digits))
    } else {
        format!("more than {}", digits_words(digits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_of_numbers_past_the_range_of_f64() {
        let big = Q::from_dyadic(BigInt::from(3), 5000);
        let l = log2_abs(&big).unwrap();
        assert!((l - (5000.0 + 3f64.log2())).abs() < 1e-9, "{l}");
        let tiny = Q::from_dyadic(BigInt::from(1), -70_000);
        assert_eq!(log2_abs(&tiny), Some(-70_000.0));
    }

    #[test]
    fn two_to_the_billion_has_about_301_million_digits() {
        let d = digits_of_bits(1e9 * log2_abs(&Q::int(2)).unwrap());
        assert_eq!(d.floor(), 301_029_995.0);
        assert_eq!(digits_words(d), "301 million");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(digits_words(0.2), "0");
        assert_eq!(digits_words(999.0), "999");
        assert_eq!(digits_words(1_262_612.0), "1.26 million");
        assert_eq!(digits_words(10_000_000.0), "10 million");
        assert_eq!(digits_words(123_456_789_012.0), "123 billion");
    }
}
