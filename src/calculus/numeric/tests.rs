use super::*;
use crate::eval::Bindings;
use crate::query::{diff_query, load};

fn setup(src: &str, of: &str, wrt: &str) -> (crate::query::DiffQuery, Bindings, bool) {
    let model = load(src, &[]).expect("model loads");
    let q = diff_query(&model, of, wrt, None).expect("query unrolls");
    (q, Bindings::from_model(&model), model.relu_active)
}

fn ad(src: &str, of: &str, wrt: &str) -> Result<Value, Unevaluable> {
    let (q, b, relu) = setup(src, of, wrt);
    gradient_ad(&q.graph, q.of, q.wrt, &b, relu, 40)
}

fn cd(src: &str, of: &str, wrt: &str) -> Result<Difference, Unevaluable> {
    let (q, b, _) = setup(src, of, wrt);
    central_difference(&q.graph, q.of, q.wrt, &b, 40)
}

#[test]
fn cubic_is_exact_and_the_bound_is_attained() {
    let src = "param a = 3/2\nJ = a^3 - 2*a\n";
    // dJ/da = 3a^2 - 2 = 19/4 by hand
    assert_eq!(ad(src, "J", "a").unwrap(), Value::Exact(Q::ratio(19, 4)));
    let d = cd(src, "J", "a").unwrap();
    // for a cubic, D(ε) = f'(x) + ε² exactly, and c₃ = 1 exactly
    let eps2 = &d.epsilon * &d.epsilon;
    assert_eq!(d.error_bound, eps2);
    assert_eq!(
        d.estimate,
        Interval::new(Q::ratio(19, 4), Q::ratio(19, 4) + eps2.clone() + eps2)
    );
    assert_eq!(d.epsilon, Q::from_dyadic(1.into(), -(epsilon_exponent(40) as i64)));
}

#[test]
fn quadratic_difference_is_exact() {
    let src = "param a = 1/3, c = 5\nJ = c*a^2 + a/7\n";
    let want = Q::ratio(2 * 5, 3) + Q::ratio(1, 7);
    assert_eq!(ad(src, "J", "a").unwrap(), Value::Exact(want.clone()));
    let d = cd(src, "J", "a").unwrap();
    assert_eq!((d.estimate, d.error_bound), (Interval::point(want), Q::zero()));
}

/// Every built-in and operation, AD against the central difference.
#[test]
fn every_operation_agrees_with_the_difference() {
    let src = "param a = 3/5, b = 7/4, c = -1/3\n\
               J = sigmoid(a*b) * tanh(c - a) + exp(a)/sqrt(b + a) - ln(b*b + a) + (b + 1)^(a) \
               + a^(-2) + relu(a + c) + relu(c - a) + step(a) * a + (a - c)^3 / (1 + a*a)\n";
    for wrt in ["a", "b", "c"] {
        let g = ad(src, "J", wrt).unwrap();
        let d = cd(src, "J", wrt).unwrap();
        assert!(matches!(g, Value::Approx(_)), "{wrt}");
        assert!(agree(&g, &d.estimate, &Q::zero()), "{wrt}: {g:?} vs {d:?}");
        assert!(d.estimate.width() < tolerance(30), "{wrt}: {}", d.estimate);
        assert!(g.width() < tolerance(40));
        assert!(d.error_bound < tolerance(50));
    }
}

#[test]
fn varying_exponent() {
    let src = "param a = 2, b = 3/2\nJ = a^b\n";
    let g = ad(src, "J", "b").unwrap();
    let d = cd(src, "J", "b").unwrap();
    assert!(agree(&g, &d.estimate, &Q::zero()));
    // 2^(3/2) ln 2 = 1.96051628693709...
    assert!(agree(
        &g,
        &Interval::new("1.96051628".parse().unwrap(), "1.96051629".parse().unwrap()),
        &Q::zero()
    ));
    // a negative base has no derivative in the exponent
    let bad = ad("param a = -2, b = 3\nJ = a^b\n", "J", "b").unwrap_err();
    assert!(matches!(bad, Unevaluable::Domain { .. }), "{bad:?}");
    // but an integer power of a negative base is fine in the base
    assert_eq!(
        ad("param a = -2, b = 3\nJ = a^b\n", "J", "a").unwrap(),
        Value::Exact(Q::int(12))
    );
}

#[test]
fn kinks_are_errors() {
    let src = "param a = 1/2\nJ = relu(2*a - 1)\n";
    let e = ad(src, "J", "a").unwrap_err();
    assert!(
        matches!(&e, Unevaluable::Domain { what, .. } if what.contains("kink")),
        "{e:?}"
    );
    let e = cd(src, "J", "a").unwrap_err();
    assert!(
        matches!(&e, Unevaluable::Domain { what, .. } if what.contains("not smooth")),
        "{e:?}"
    );
    // assumed active: the derivative is 2 even at the kink (the assumption decides)
    let active = "param a = 1/2\nJ = relu(2*a - 1)\nassume relu active\n";
    assert_eq!(ad(active, "J", "a").unwrap(), Value::Exact(Q::int(2)));
    let e = ad("param a = 0\nJ = step(a)\n", "J", "a").unwrap_err();
    assert!(
        matches!(&e, Unevaluable::Domain { what, .. } if what.contains("jump")),
        "{e:?}"
    );
    assert_eq!(
        ad("param a = -1\nJ = relu(a) + step(a)\n", "J", "a").unwrap(),
        Value::Exact(Q::zero())
    );
}

#[test]
fn independent_and_identical() {
    let src = "param a = 1/2, b = 2\nJ = b*b\n";
    assert_eq!(ad(src, "J", "a").unwrap(), Value::Exact(Q::zero()));
    let d = cd(src, "J", "a").unwrap();
    assert_eq!(d.estimate, Interval::point(Q::zero()));
    assert_eq!(ad(src, "J", "J").unwrap(), Value::Exact(Q::one()));
    assert_eq!(cd(src, "J", "J").unwrap().estimate, Interval::point(Q::one()));
}

#[test]
fn internal_node_holds_what_is_below_fixed() {
    // dJ/dg with g = a*a named: J = g*a + g, so ∂J/∂g = a + 1 (a held fixed)
    let src = "param a = 3/7\ng = a*a\nJ = g*a + g\n";
    assert_eq!(ad(src, "J", "g").unwrap(), Value::Exact(Q::ratio(10, 7)));
    assert_eq!(cd(src, "J", "g").unwrap().estimate, Interval::point(Q::ratio(10, 7)));
    // and through an irrational g
    let src = "param a = 3/7\ng = tanh(a)\nJ = exp(g) * a\n";
    let g = ad(src, "J", "g").unwrap();
    let d = cd(src, "J", "g").unwrap();
    assert!(agree(&g, &d.estimate, &Q::zero()) && d.estimate.width() < tolerance(30));
}

#[test]
fn agree_is_overlap_after_widening() {
    let iv = |a: i64, b: i64| Interval::new(Q::int(a), Q::int(b));
    assert!(agree(&Value::Exact(Q::int(2)), &iv(1, 3), &Q::zero()));
    assert!(!agree(&Value::Exact(Q::int(4)), &iv(1, 3), &Q::zero()));
    assert!(agree(&Value::Exact(Q::int(4)), &iv(1, 3), &Q::one()));
    assert!(agree(&Value::approx(iv(-5, 0)), &iv(1, 3), &Q::one()));
    assert!(!agree(&Value::approx(iv(-5, 0)), &iv(1, 3), &Q::ratio(1, 2)));
}

#[test]
fn shortfall_guides_the_next_precision() {
    let tol = tolerance(10);
    let wide = Value::approx(Interval::new(Q::one(), Q::one() + Q::from_dyadic(1.into(), -20)));
    let s = shortfall_bits(&wide, &tol).unwrap();
    assert!((10..=16).contains(&s), "{s}");
    assert_eq!(shortfall_bits(&Value::Exact(Q::one()), &tol), None);
}

fn tolerance(d: u32) -> Q {
    crate::eval::forward::tolerance(d)
}

/// The order-3 Taylor coefficient of each operation against its closed form
/// `f'''(a)/6` (f64 here is only a check of the recurrences; the error bound
/// itself is computed in interval arithmetic).
#[test]
fn third_coefficients_match_closed_forms() {
    let a = 0.7f64;
    let (s, t) = (1.0 / (1.0 + (-a).exp()), a.tanh());
    let cases: [(&str, f64); 10] = [
        ("exp(a)", a.exp() / 6.0),
        ("ln(a)", 1.0 / (3.0 * a.powi(3))),
        ("sqrt(a)", a.powf(-2.5) / 16.0),
        ("tanh(a)", -(1.0 - t * t) * (1.0 - 3.0 * t * t) / 3.0),
        ("sigmoid(a)", s * (1.0 - s) * (1.0 - 6.0 * s + 6.0 * s * s) / 6.0),
        ("1/a", -1.0 / a.powi(4)),
        ("a^(-2)", -4.0 / a.powi(5)),
        ("a^(3/2)", 1.5 * 0.5 * -0.5 * a.powf(-1.5) / 6.0),
        ("a^4 - a*a*a", 4.0 * a - 1.0),
        ("relu(a) * step(a) + relu(-a)", 0.0),
    ];
    for (expr, want) in cases {
        let src = format!("param a = 7/10\nJ = {expr}\n");
        let (q, b, _) = setup(&src, "J", "a");
        let active = active_nodes(&q.graph, q.of, q.wrt);
        let prec = Prec(128);
        let base = crate::eval::forward::forward_values(&q.graph, &[q.of], &b, prec, &[]).unwrap();
        let x = Interval::point(Q::ratio(7, 10));
        let c3 = super::taylor::third_coefficient(
            &q.graph,
            q.of,
            q.wrt,
            &active,
            &base,
            super::taylor::Around { x, prec, bindings: &b },
        )
        .unwrap();
        let got = c3.midpoint().approx_f64();
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{expr}: {got} vs {want}"
        );
        assert!(c3.width() < tolerance(30), "{expr}: {c3}");
    }
}
