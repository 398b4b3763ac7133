//! Random expressions, evaluated by chainrule, against a straightforward
//! evaluator written here: exact rationals for + − × ÷ and integer powers,
//! f64 as a sanity bound where exp, ln, σ, tanh or sqrt make values
//! irrational.

use chainrule::eval::Value;
use chainrule::query::{eval_model, load, EvalRequest};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use proptest::prelude::*;

/// A tiny expression tree, generated and evaluated independently of chainrule.
#[derive(Clone, Debug)]
enum E {
    Num(i64, i64),
    Var(usize),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Div(Box<E>, Box<E>),
    Neg(Box<E>),
    Pow(Box<E>, i64),
    Fun(&'static str, Box<E>),
}

const VARS: [(&str, i64, i64); 3] = [("a", 1, 2), ("b", -3, 4), ("c", 5, 3)];

fn text(e: &E) -> String {
    match e {
        E::Num(n, d) => format!("({n}/{d})"),
        E::Var(i) => VARS[*i].0.to_string(),
        E::Add(a, b) => format!("({} + {})", text(a), text(b)),
        E::Sub(a, b) => format!("({} - {})", text(a), text(b)),
        E::Mul(a, b) => format!("({} * {})", text(a), text(b)),
        E::Div(a, b) => format!("({} / {})", text(a), text(b)),
        E::Neg(a) => format!("(-{})", text(a)),
        E::Pow(a, n) => format!("({})^({n})", text(a)),
        E::Fun(f, a) => format!("{f}({})", text(a)),
    }
}

fn rat(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

/// Exact value, or `None` if some division by zero (or 0^negative) occurs.
///
/// Plain exact arithmetic: undefined anywhere below means undefined, so
/// `0 * (0/0)` and `(0/0)^0` have no value (x^0 = 1 for every defined x,
/// 0^0 included). Literal folding (DESIGN.md: `0*x → 0`, `x^0 → 1`) gives
/// the same values, since chainrule folds those only where `x` is defined
/// everywhere (`graph::fold::partial`); it once folded `0 * (0/0)` to 0.
fn exact(e: &E) -> Option<BigRational> {
    Some(match e {
        E::Num(n, d) => rat(*n, *d),
        E::Var(i) => rat(VARS[*i].1, VARS[*i].2),
        E::Add(a, b) => exact(a)? + exact(b)?,
        E::Sub(a, b) => exact(a)? - exact(b)?,
        E::Mul(a, b) => exact(a)? * exact(b)?,
        E::Div(a, b) => {
            let d = exact(b)?;
            if d.is_zero() {
                return None;
            }
            exact(a)? / d
        }
        E::Neg(a) => -exact(a)?,
        E::Pow(a, n) => {
            let x = exact(a)?;
            if x.is_zero() && *n < 0 {
                return None;
            }
            num_traits::Pow::pow(&x, *n as i32)
        }
        E::Fun(..) => unreachable!("only for rational trees"),
    })
}

/// f64 value (for trees with functions); `None` on a domain error.
fn approx(e: &E) -> Option<f64> {
    let v = match e {
        E::Num(n, d) => *n as f64 / *d as f64,
        E::Var(i) => VARS[*i].1 as f64 / VARS[*i].2 as f64,
        E::Add(a, b) => approx(a)? + approx(b)?,
        E::Sub(a, b) => approx(a)? - approx(b)?,
        E::Mul(a, b) => approx(a)? * approx(b)?,
        E::Div(a, b) => {
            let d = approx(b)?;
            if d.abs() < 1e-9 {
                return None;
            }
            approx(a)? / d
        }
        E::Neg(a) => -approx(a)?,
        E::Pow(a, n) => approx(a)?.powi(*n as i32),
        E::Fun(f, a) => {
            let x = approx(a)?;
            match *f {
                "exp" => x.exp(),
                "tanh" => x.tanh(),
                "sigmoid" => 1.0 / (1.0 + (-x).exp()),
                "ln" if x > 1e-9 => x.ln(),
                "sqrt" if x >= 0.0 => x.sqrt(),
                _ => return None,
            }
        }
    };
    (v.is_finite() && v.abs() < 1e12).then_some(v)
}

fn rational_tree() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        (-9i64..10, 1i64..6).prop_map(|(n, d)| E::Num(n, d)),
        (0usize..3).prop_map(E::Var)
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Sub(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Div(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            (inner, -3i64..4).prop_map(|(a, n)| E::Pow(Box::new(a), n)),
        ]
    })
}

fn function_tree() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        (-9i64..10, 1i64..6).prop_map(|(n, d)| E::Num(n, d)),
        (0usize..3).prop_map(E::Var)
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            (
                prop::sample::select(vec!["exp", "tanh", "sigmoid", "ln", "sqrt"]),
                inner
            )
                .prop_map(|(f, a)| E::Fun(f, Box::new(a))),
        ]
    })
}

fn model_text(e: &E) -> String {
    let params: Vec<String> = VARS.iter().map(|(n, p, q)| format!("{n} = {p}/{q}")).collect();
    format!("param {}\nJ = {}\n", params.join(", "), text(e))
}

fn chainrule_value(e: &E) -> Result<Value, String> {
    let model = load(&model_text(e), &[]).map_err(|err| format!("load: {err}"))?;
    let req = EvalRequest {
        digits: 30,
        ..Default::default()
    };
    eval_model(&model, &req)
        .map(|r| r.rows[0].value.clone())
        .map_err(|err| err.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn rational_expressions_are_exact(e in rational_tree()) {
        match (exact(&e), chainrule_value(&e)) {
            (Some(want), Ok(Value::Exact(got))) => {
                let got: BigRational = got.to_string().parse().unwrap();
                prop_assert_eq!(got, want);
            }
            (None, Err(msg)) => prop_assert!(msg.contains("division by zero") || msg.contains("power"), "{}", msg),
            (want, got) => prop_assert!(false, "{}: independent {:?}, chainrule {:?}", text(&e), want, got),
        }
    }

    #[test]
    fn function_values_enclose_the_float_value(e in function_tree()) {
        let Some(want) = approx(&e) else { return Ok(()); };
        match chainrule_value(&e) {
            Ok(v) => {
                let iv = v.interval();
                let (lo, hi) = (iv.lo().approx_f64(), iv.hi().approx_f64());
                let slack = 1e-9 * want.abs().max(1.0);
                prop_assert!(lo - slack <= want && want <= hi + slack, "{}: {} not in [{}, {}]", text(&e), want, lo, hi);
                prop_assert!((iv.hi().clone() - iv.lo().clone()).abs().approx_f64() < 1e-25 * want.abs().max(1.0));
            }
            // f64 may miss a domain edge that exact arithmetic hits (ln of a
            // value that is exactly 0); anything else is a disagreement.
            Err(msg) => prop_assert!(msg.contains("ln of") || msg.contains("square root") || msg.contains("division"), "{}: {}", text(&e), msg),
        }
    }
}

#[test]
fn independent_evaluator_matches_a_hand_calculation() {
    // (a + b) * c = (1/2 - 3/4) * 5/3 = -5/12, by hand.
    let e = E::Mul(
        Box::new(E::Add(Box::new(E::Var(0)), Box::new(E::Var(1)))),
        Box::new(E::Var(2)),
    );
    assert_eq!(exact(&e), Some(rat(-5, 12)));
    assert!(exact(&e).unwrap().is_negative());
    assert_eq!(exact(&e).unwrap().to_f64().map(|f| (f * 12.0).round()), Some(-5.0));
}

/// Found by `rational_expressions_are_exact`: `0 * x` was folded to 0 while
/// the graph was built, so an undefined `x` (here 0/0) evaluated to 0.
#[test]
fn zero_times_an_undefined_expression_is_undefined() {
    for (body, says) in [
        ("(0 + 0/0) * ((0 + a) * 0)", "division by zero"),
        ("0 * ln(a - a)", "ln of a non-positive number"),
        ("tanh(1/(a - a)) * 0", "division by zero"),
    ] {
        let model = load(&format!("param a = 1/2\nJ = {body}\n"), &[]).unwrap();
        let err = eval_model(&model, &EvalRequest::default()).unwrap_err().to_string();
        assert!(err.contains(says), "{body}: {err}");
    }
    // defined everywhere: still exactly 0
    let model = load("param a = 1/2\nJ = 0 * tanh(a)^2 + (a - a)^0 * 0\n", &[]).unwrap();
    let value = eval_model(&model, &EvalRequest::default()).unwrap().rows[0]
        .value
        .clone();
    assert_eq!(value, Value::Exact(chainrule::number::Q::zero()));
}

/// Review findings: `1^x` folded to 1 with x undefined, and a natural power
/// whose exponent is past i64 (which the evaluator reads as a real power,
/// undefined at a negative base) counted as defined everywhere.
#[test]
fn one_to_an_undefined_power_and_huge_natural_powers_stay() {
    let model = load("param y = 0\nJ = 1^(1/y)\n", &[]).unwrap();
    let err = eval_model(&model, &EvalRequest::default()).unwrap_err().to_string();
    assert!(err.contains("division by zero"), "{err}");
    let alone = load("param x = -1\nJ = x^9223372036854775808\n", &[]).unwrap();
    let times_zero = load("param x = -1\nJ = 0 * x^9223372036854775808\n", &[]).unwrap();
    let a = eval_model(&alone, &EvalRequest::default()).map(|r| r.rows[0].value.clone());
    let b = eval_model(&times_zero, &EvalRequest::default()).map(|r| r.rows[0].value.clone());
    assert_eq!(a.is_err(), b.is_err(), "{a:?} / {b:?}");
}
