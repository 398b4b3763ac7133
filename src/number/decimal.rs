//! Decimal text for exact rationals and for the digits an interval certifies.
//!
//! All rounding here is exact big-integer arithmetic on the numerator and
//! denominator scaled by a power of ten; floats are never involved.

use super::interval::Interval;
use super::rational::Q;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// Decimal exponents at or beyond this size (either sign) print as `1.2e-45`.
const SCI_EXP: i64 = 30;

fn pow10(n: i64) -> BigInt {
    num_traits::pow(BigInt::from(10), n as usize)
}

/// `n / d >= 10^e` for `n, d > 0`.
fn ge_pow10(n: &BigInt, d: &BigInt, e: i64) -> bool {
    if e >= 0 {
        n >= &(d * pow10(e))
    } else {
        &(n * pow10(-e)) >= d
    }
}

/// The `e` with `10^e <= n/d < 10^(e+1)`, for `n, d > 0`.
fn decimal_exponent(n: &BigInt, d: &BigInt) -> i64 {
    // n/d is within a factor 2 of 2^k; log10(2) ~ 30103/100000 gives a
    // start at most a step or two away, then exact comparisons settle it.
    let k = n.bits() as i64 - d.bits() as i64;
    let mut e = Integer::div_floor(&(k * 30103), &100000);
    while !ge_pow10(n, d, e) {
        e -= 1;
    }
    while ge_pow10(n, d, e + 1) {
        e += 1;
    }
    e
}

/// A decimal `sign * digits * 10^(exp - len(digits) + 1)`: `exp` is the
/// power of ten of the first digit. Zero is `(false, 0, 0)`.
#[derive(PartialEq, Eq, Debug)]
struct Rounded {
    neg: bool,
    digits: BigInt,
    exp: i64,
}

/// `q` rounded half away from zero to `d >= 1` significant digits.
fn round_sig(q: &Q, d: usize) -> Rounded {
    if q.is_zero() {
        return Rounded {
            neg: false,
            digits: BigInt::zero(),
            exp: 0,
        };
    }
    round_sig_at(q, d, exponent(q))
}

/// The power of ten of the first digit of `q`, which is not zero.
fn exponent(q: &Q) -> i64 {
    decimal_exponent(&q.numer().abs(), q.denom())
}

/// [`round_sig`] of a nonzero `q` whose `exponent` is known: for many
/// roundings of one number, whose exponent is costly when it is huge.
fn round_sig_at(q: &Q, d: usize, mut exp: i64) -> Rounded {
    let (n, den) = (q.numer().abs(), q.denom());
    let s = d as i64 - 1 - exp;
    let (a, b) = if s >= 0 {
        (n * pow10(s), den.clone())
    } else {
        (n, den * pow10(-s))
    };
    let (mut digits, r) = a.div_rem(&b);
    if 2 * r >= b {
        digits += 1u32;
    }
    if digits == pow10(d as i64) {
        // 0.9996 -> 1.00: the carry adds a digit; keep d of them
        digits = pow10(d as i64 - 1);
        exp += 1;
    }
    Rounded {
        neg: q.is_negative(),
        digits,
        exp,
    }
}

/// Positional for moderate exponents, `d.ddde-45` style beyond; `strip`
/// drops trailing zeros (they carry no information for an exact value;
/// kept, they say how many digits a rounding has).
fn render(r: &Rounded, strip: bool) -> String {
    let mut digits = r.digits.to_string();
    if strip && digits.len() > 1 {
        digits.truncate(digits.trim_end_matches('0').len().max(1));
    }
    let (nd, e) = (digits.len() as i64, r.exp);
    let body = if e.abs() >= SCI_EXP {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{e}")
    } else if e < 0 {
        format!("0.{}{digits}", "0".repeat((-e - 1) as usize))
    } else if nd <= e + 1 {
        format!("{digits}{}", "0".repeat((e + 1 - nd) as usize))
    } else {
        let (int, frac) = digits.split_at((e + 1) as usize);
        format!("{int}.{frac}")
    };
    if r.neg {
        format!("-{body}")
    } else {
        body
    }
}

/// The exact rational as a decimal. If its expansion terminates within
/// `max_sig` significant digits: all of them, no trailing zeros, and
/// `true` (`"1.65"`, `"-12"`, `"0.0625"`). Otherwise rounded half away from
/// zero to `max_sig` significant digits, all shown (`0.9996` at 3 gives
/// `"1.00"`), and `false`. Positional unless the decimal exponent reaches +-30
/// (`"1.2345e-45"`). `max_sig` below 1 is taken as 1.
pub fn q_to_decimal(q: &Q, max_sig: usize) -> (String, bool) {
    let max_sig = max_sig.max(1);
    if q.is_zero() {
        return ("0".to_string(), true);
    }
    // The expansion terminates iff the denominator is 2^a 5^b; then
    // q * 10^max(a,b) is an integer whose digits are q's digits.
    let den = q.denom();
    let a = den.trailing_zeros().unwrap_or(0) as i64;
    let (mut rest, mut b) = (den >> a as u64, 0i64);
    let five = BigInt::from(5);
    while rest.is_multiple_of(&five) {
        rest /= &five;
        b += 1;
    }
    if rest.is_one() {
        // With s > 0 fraction digits the last one is nonzero, so there are
        // exp + s + 1 significant digits; an integer needs its trailing
        // zeros counted. Deciding before printing avoids building huge
        // digit strings for values like exp(-1000) at 200 bits.
        let (n, s) = (q.numer().abs(), a.max(b));
        let exp = decimal_exponent(&n, den);
        let fits = if s > 0 {
            exp + s < max_sig as i64
        } else {
            exp < max_sig as i64 || (&n % pow10(exp + 1 - max_sig as i64)).is_zero()
        };
        if fits {
            let digits = n * pow10(s) / den;
            let r = Rounded {
                neg: q.is_negative(),
                digits,
                exp,
            };
            return (render(&r, true), true);
        }
    }
    (render(&round_sig(q, max_sig), false), false)
}

/// The certain leading digits of an interval: for the largest `d <= max_sig`
/// at which `lo` and `hi`, each rounded half away from zero to `d`
/// significant digits, agree (so, rounding being monotone, every point of
/// the interval rounds to them), that common rounding, trailing zeros kept
/// as significant (`"0.50000"` is five certain digits). `None` if not even
/// one digit is certain (the interval straddles 0, or is too wide).
/// `[0,0]` gives `"0"`.
pub fn interval_to_decimal(iv: &Interval, max_sig: usize) -> Option<String> {
    // The exponents once, not once per digit count: for an endpoint of
    // millions of bits each costs seconds (found by fuzzing `check`).
    let at = |q: &Q| (!q.is_zero()).then(|| exponent(q));
    let (lo_exp, hi_exp) = (at(iv.lo()), at(iv.hi()));
    let round = |q: &Q, e: Option<i64>, d| match e {
        Some(e) => round_sig_at(q, d, e),
        None => round_sig(q, d),
    };
    (1..=max_sig).rev().find_map(|d| {
        let lo = round(iv.lo(), lo_exp, d);
        (lo == round(iv.hi(), hi_exp, d)).then(|| render(&lo, lo.digits.is_zero()))
    })
}

/// A number rounded for a reader: its sign, its significant digits
/// without trailing zeros (`"1234"` for 1.234, `"0"` for zero) and the
/// power of ten of the first digit (0 for 1.234, −3 for 0.001234). How it
/// is laid out (positional or `× 10^k`) is the printer's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Significant {
    pub neg: bool,
    pub digits: String,
    pub exp: i64,
}

impl Significant {
    fn from_rounded(r: &Rounded) -> Significant {
        let mut digits = r.digits.to_string();
        digits.truncate(digits.trim_end_matches('0').len().max(1));
        Significant {
            neg: r.neg && !r.digits.is_zero(),
            digits,
            exp: r.exp,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.digits == "0"
    }

    /// The digits with a decimal point after the first: `1.234`, `5`.
    pub fn mantissa(&self) -> String {
        let (first, rest) = self.digits.split_at(1);
        let sign = if self.neg { "-" } else { "" };
        if rest.is_empty() {
            format!("{sign}{first}")
        } else {
            format!("{sign}{first}.{rest}")
        }
    }

    /// Positional: `0.001234`, `1234000`, `-1.5`.
    pub fn positional(&self) -> String {
        let (nd, e) = (self.digits.len() as i64, self.exp);
        let body = if self.is_zero() {
            "0".to_string()
        } else if e < 0 {
            format!("0.{}{}", "0".repeat((-e - 1) as usize), self.digits)
        } else if nd <= e + 1 {
            format!("{}{}", self.digits, "0".repeat((e + 1 - nd) as usize))
        } else {
            let (int, frac) = self.digits.split_at((e + 1) as usize);
            format!("{int}.{frac}")
        };
        if self.neg {
            format!("-{body}")
        } else {
            body
        }
    }
}

/// `q` rounded half away from zero to `d >= 1` significant digits, and
/// whether that rounding is `q` itself.
///
/// ```
/// use chainrule::number::{decimal::significant_q, Q};
/// let (s, exact) = significant_q(&Q::ratio(223, 60), 6);
/// assert_eq!((s.positional(), exact), ("3.71667".to_string(), false));
/// assert_eq!(significant_q(&Q::ratio(33, 20), 6).0.positional(), "1.65");
/// ```
pub fn significant_q(q: &Q, d: usize) -> (Significant, bool) {
    let r = round_sig(q, d.max(1));
    // r is digits · 10^(exp − len + 1); compare with q exactly.
    let shift = r.exp - (r.digits.to_string().len() as i64 - 1);
    let mag = Q::from_bigint(r.digits.clone());
    let back = if shift >= 0 {
        mag * Q::from_bigint(pow10(shift))
    } else {
        Q::from_bigints(r.digits.clone(), pow10(-shift)).unwrap_or(mag)
    };
    let exact = if r.neg { -back == *q } else { back == *q };
    (Significant::from_rounded(&r), exact)
}

/// The certain leading digits of an enclosure, at most `d` of them (as
/// [`interval_to_decimal`]), or `None` when not even the first is certain
/// (the enclosure holds 0, or is too wide).
pub fn significant_interval(iv: &Interval, d: usize) -> Option<Significant> {
    (1..=d.max(1)).rev().find_map(|k| {
        let lo = round_sig(iv.lo(), k);
        (lo == round_sig(iv.hi(), k)).then(|| Significant::from_rounded(&lo))
    })
}

/// Parse a decimal such as `"-0.0466"`, `"1.2e-5"`, `"+3."` or `".5E2"`
/// exactly. Returns the value, the number of significant digits written
/// (leading zeros excluded, trailing zeros included; 1 for a zero), and
/// one unit in the last place written (`"-0.0466"` gives 3 and 1/10000).
/// `None` for anything else, or an exponent beyond +-100000.
pub fn parse_decimal(s: &str) -> Option<(Q, usize, Q)> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (mant, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => {
            let e = e.strip_prefix('+').unwrap_or(e);
            (m, e.parse::<i64>().ok().filter(|e| e.abs() <= 100_000)?)
        }
        None => (body, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let all = format!("{int}{frac}");
    if all.is_empty() || !all.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut n: BigInt = all.parse().ok()?;
    if neg {
        n = -n;
    }
    let sig = all.trim_start_matches('0').len().max(1);
    let last = exp - frac.len() as i64;
    let ulp = if last >= 0 {
        Q::from_bigint(pow10(last))
    } else {
        Q::from_bigints(BigInt::one(), pow10(-last))?
    };
    Some((Q::from_bigint(n) * ulp.clone(), sig, ulp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        parse_decimal(s).unwrap().0
    }

    #[test]
    fn exact_terminating_decimals() {
        assert_eq!(q_to_decimal(&Q::zero(), 10), ("0".into(), true));
        assert_eq!(q_to_decimal(&Q::ratio(33, 20), 10), ("1.65".into(), true));
        assert_eq!(q_to_decimal(&Q::int(-12), 10), ("-12".into(), true));
        assert_eq!(q_to_decimal(&Q::ratio(1, 16), 10), ("0.0625".into(), true));
        assert_eq!(q_to_decimal(&Q::int(1200), 2), ("1200".into(), true));
        assert_eq!(q_to_decimal(&q("-0.0466"), 3), ("-0.0466".into(), true));
        // 2^-100 terminates but needs 70 digits
        let tiny = Q::from_dyadic(BigInt::one(), -100);
        let (t, exact) = q_to_decimal(&tiny, 5);
        assert_eq!((t.as_str(), exact), ("7.8886e-31", false));
        assert_eq!(q_to_decimal(&Q::from_bigint(pow10(40)), 5), ("1e40".into(), true));
        assert_eq!(q_to_decimal(&q("-3.5e31"), 5).0, "-3.5e31");
        assert_eq!(q_to_decimal(&q("1e-29"), 5).0, format!("0.{}1", "0".repeat(28)));
    }

    #[test]
    fn rounded_decimals() {
        let (t, exact) = q_to_decimal(&Q::ratio(1, 3), 40);
        assert_eq!(t, format!("0.{}", "3".repeat(40)));
        assert!(!exact);
        assert_eq!(q_to_decimal(&Q::ratio(-2, 3), 3), ("-0.667".into(), false));
        assert_eq!(q_to_decimal(&q("0.9996"), 3), ("1.00".into(), false));
        assert_eq!(q_to_decimal(&q("0.100000001"), 4), ("0.1000".into(), false));
        assert_eq!(q_to_decimal(&q("0.125"), 2), ("0.13".into(), false));
        assert_eq!(q_to_decimal(&q("-0.125"), 2), ("-0.13".into(), false));
        assert_eq!(q_to_decimal(&Q::ratio(200, 3), 2), ("67".into(), false));
        assert_eq!(q_to_decimal(&Q::ratio(20000, 3), 2), ("6700".into(), false));
    }

    #[test]
    fn certain_digits_of_intervals() {
        let iv = |a: &str, b: &str| Interval::new(q(a), q(b));
        assert_eq!(interval_to_decimal(&iv("0.9996", "0.9996"), 3).as_deref(), Some("1.00"));
        assert_eq!(interval_to_decimal(&iv("0.5", "0.5"), 5).as_deref(), Some("0.50000"));
        assert_eq!(interval_to_decimal(&iv("0", "0"), 5).as_deref(), Some("0"));
        assert_eq!(
            interval_to_decimal(&iv("1.2341", "1.2344"), 10).as_deref(),
            Some("1.234")
        );
        assert_eq!(
            interval_to_decimal(&iv("1.2344", "1.2346"), 10).as_deref(),
            Some("1.23")
        );
        assert_eq!(
            interval_to_decimal(&iv("-1.2344", "-1.2341"), 10).as_deref(),
            Some("-1.234")
        );
        // across a power of ten: the roundings still agree at 7 digits ...
        let near_one = iv("0.99999999", "1.00000001");
        assert_eq!(interval_to_decimal(&near_one, 20).as_deref(), Some("1.000000"));
        // ... but not for a wide one, nor across zero
        assert_eq!(interval_to_decimal(&iv("0.9", "1.1"), 20), None);
        assert_eq!(interval_to_decimal(&iv("-1e-9", "1e-9"), 20), None);
        assert_eq!(interval_to_decimal(&iv("0", "1e-9"), 20), None);
        let third = Interval::new(q("0.33333333333"), q("0.33333333334"));
        assert_eq!(interval_to_decimal(&third, 40).as_deref(), Some("0.3333333333"));
        let big = iv("1.23456e40", "1.23457e40");
        assert_eq!(interval_to_decimal(&big, 40).as_deref(), Some("1.2346e40"));
    }

    #[test]
    fn parses_decimals() {
        let p = |s| parse_decimal(s).unwrap();
        let exact = |s: &str| s.parse::<Q>().unwrap();
        assert_eq!(p("-0.0466"), (exact("-0.0466"), 3, exact("0.0001")));
        assert_eq!(p("1.2e-5"), (Q::ratio(12, 1_000_000), 2, Q::ratio(1, 1_000_000)));
        assert_eq!(p("+3."), (Q::int(3), 1, Q::one()));
        assert_eq!(p(".5E2"), (Q::int(50), 1, Q::int(10)));
        assert_eq!(p("1200"), (Q::int(1200), 4, Q::one()));
        assert_eq!(p("0.00"), (Q::zero(), 1, q("0.01")));
        for bad in ["", "-", ".", "1.2.3", "abc", "1e", "1e5.5", "--1", "1e999999999"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips_through_text() {
        for s in ["1.65", "-12", "0.0625", "123456.789", "-0.000001"] {
            let (v, _, _) = parse_decimal(s).unwrap();
            assert_eq!(q_to_decimal(&v, 20), (s.to_string(), true));
        }
    }
}
