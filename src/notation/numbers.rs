//! Numbers as a reader sees them: about six significant digits, `× 10^{k}`
//! for very large or small magnitudes, exact values exactly when they are
//! short. JSON keeps every certified digit (`render::table`, `derivation`);
//! this is for text and math meant to be read.

use crate::eval::Value;
use crate::number::decimal::{significant_interval, significant_q, Significant};
use crate::number::{Interval, Q};

/// Significant digits shown by default (`--digits` asks for more).
pub const DEFAULT_SHOWN_DIGITS: u32 = 6;

/// Positional between `10^-4` and `10^7`, as most calculators do.
fn positional(s: &Significant) -> bool {
    (-4..7).contains(&s.exp) || s.is_zero()
}

/// A value laid out for a reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The number is exactly what is printed (`1.65`, `\frac{223}{60}`),
    /// so it is introduced with `=`, not `\approx`.
    pub exact: bool,
    pub latex: String,
    pub text: String,
    /// For an enclosure of 0 whose sign is unknown, shown as `0`: the bound
    /// on its magnitude (`1.1 \times 10^{-50}`), for a sentence that says
    /// "to within" it.
    pub within: Option<String>,
}

impl Shown {
    /// `= 1.65` or `\approx 3.71667`, for math.
    pub fn latex_relation(&self) -> String {
        let rel = if self.exact { "=" } else { "\\approx" };
        format!("{rel} {}", self.latex)
    }
}

fn from_significant(s: &Significant, exact: bool) -> Shown {
    if positional(s) {
        let p = s.positional();
        return Shown {
            exact,
            latex: p.clone(),
            text: p,
            within: None,
        };
    }
    let m = s.mantissa();
    let sign = if s.neg { "-" } else { "" };
    let latex = if s.digits == "1" {
        format!("{sign}10^{{{}}}", s.exp)
    } else {
        format!("{m} \\times 10^{{{}}}", s.exp)
    };
    Shown {
        exact,
        latex,
        text: format!("{m}e{}", s.exp),
        within: None,
    }
}

/// A short fraction is shown as one (`\frac{223}{60}`): exact and as easy
/// to read as its decimal.
fn short_fraction(q: &Q) -> Option<Shown> {
    let (n, d) = (q.numer().to_string(), q.denom().to_string());
    let n = n.trim_start_matches('-');
    (n.len() + d.len() <= 8).then(|| {
        let sign = if q.is_negative() { "-" } else { "" };
        Shown {
            exact: true,
            latex: format!("{sign}\\frac{{{n}}}{{{d}}}"),
            text: format!("{sign}{n}/{d}"),
            within: None,
        }
    })
}

/// An exact rational: its decimal when that ends within `digits`
/// significant digits, else a short fraction, else the rounded decimal.
pub fn show_q(q: &Q, digits: u32) -> Shown {
    let (s, exact) = significant_q(q, digits as usize);
    if exact || q.is_integer() {
        return from_significant(&s, exact);
    }
    short_fraction(q).unwrap_or_else(|| from_significant(&s, false))
}

/// An exact rational as a decimal only (no fraction): `1.65` (exact) or
/// `3.71667` (rounded).
pub fn show_q_decimal(q: &Q, digits: u32) -> Shown {
    let (s, exact) = significant_q(q, digits as usize);
    from_significant(&s, exact)
}

/// The certain leading digits of an enclosure (at most `digits`); an
/// enclosure of 0 whose sign is not known shows as `0` with its bound.
pub fn show_interval(iv: &Interval, digits: u32) -> Shown {
    match significant_interval(iv, digits as usize) {
        Some(s) => from_significant(&s, false),
        None => {
            let bound = iv.lo().abs().max(iv.hi().abs());
            let b = from_significant(&significant_q(&bound, 2).0, false);
            // `≈ 0`, which is true (the value rounds to 0 at any number of
            // places down to the bound), with the bound for whoever says it.
            Shown {
                exact: false,
                latex: "0".to_string(),
                text: format!("0 (|x| <= {})", b.text),
                within: Some(b.latex),
            }
        }
    }
}

/// A value, exact or enclosed.
///
/// ```
/// use chainrule::eval::Value;
/// use chainrule::number::Q;
/// use chainrule::notation::numbers::show;
/// assert_eq!(show(&Value::Exact(Q::ratio(33, 20)), 6).latex_relation(), "= 1.65");
/// assert_eq!(show(&Value::Exact(Q::ratio(223, 60)), 6).latex_relation(), "= \\frac{223}{60}");
/// assert_eq!(show(&Value::Exact(Q::ratio(1, 3_000_000_000)), 6).latex, "3.33333 \\times 10^{-10}");
/// ```
pub fn show(v: &Value, digits: u32) -> Shown {
    match v {
        Value::Exact(q) => show_q(q, digits),
        Value::Approx(iv) => show_interval(iv, digits),
    }
}

/// A value as a decimal only (a short fraction is written as its
/// decimal too): for columns of numbers beside an exact column.
pub fn show_decimal(v: &Value, digits: u32) -> Shown {
    match v {
        Value::Exact(q) => show_q_decimal(q, digits),
        Value::Approx(iv) => show_interval(iv, digits),
    }
}

/// An upper bound (an error bound), rounded up to two digits: `2.7 × 10^{-61}`.
pub fn show_bound(q: &Q) -> Shown {
    let (s, exact) = significant_q(q, 2);
    let up = if exact || s.is_zero() {
        s
    } else {
        // Round the second digit up, so the printed bound still bounds.
        let (t, _) = significant_q(&(q + &ulp(&s)), 2);
        t
    };
    let mut shown = from_significant(&up, true);
    shown.exact = exact;
    shown
}

/// One unit in the second significant place of `s`.
fn ulp(s: &Significant) -> Q {
    let e = s.exp - 1;
    let ten = Q::int(10);
    if e >= 0 {
        ten.pow(e).unwrap_or_else(Q::one)
    } else {
        Q::one() / ten.pow(-e).unwrap_or_else(Q::one)
    }
}
