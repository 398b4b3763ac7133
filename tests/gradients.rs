//! The independent numeric routes to a derivative (reverse-mode AD and the
//! certified central difference) against `problems/EXPECTED.md` (an
//! independent implementation with 60-digit arithmetic; every figure below
//! is copied from it verbatim) and against hand calculations.

mod common;
use chainrule::calculus::numeric::{agree, central_difference, gradient_ad, Difference};
use chainrule::eval::{evaluate, Bindings, EvalOptions, Value};
use chainrule::graph::Sym;
use chainrule::model::{Model, Setting};
use chainrule::number::decimal::parse_decimal;
use chainrule::number::{Interval, Q};
use chainrule::query::{diff_query, load, DiffQuery};
use common::{assert_agrees, example};

const DIGITS: u32 = 40;

fn model(src: &str, settings: &[&str]) -> Model {
    let settings: Vec<Setting> = settings.iter().map(|s| s.parse().expect("setting parses")).collect();
    load(src, &settings).expect("model loads")
}

fn query(m: &Model, of: &str, wrt: &str) -> DiffQuery {
    diff_query(m, of, wrt, None).unwrap_or_else(|e| panic!("d({of})/d({wrt}): {e}"))
}

fn ad(m: &Model, q: &DiffQuery) -> Value {
    gradient_ad(&q.graph, q.of, q.wrt, &Bindings::from_model(m), m.relu_active, DIGITS)
        .unwrap_or_else(|e| panic!("AD d({})/d({}): {e:?}", q.of_text, q.wrt_text))
}

fn cd(m: &Model, q: &DiffQuery) -> Difference {
    central_difference(&q.graph, q.of, q.wrt, &Bindings::from_model(m), DIGITS)
        .unwrap_or_else(|e| panic!("CD d({})/d({}): {e:?}", q.of_text, q.wrt_text))
}

/// The central difference agrees with the oracle within its own stated
/// bound: its estimate (the quotient's enclosure widened by the proven
/// truncation bound) meets the oracle's one-unit-in-the-last-place interval,
/// and it is narrow (15 significant digits at least). In fact it holds every
/// digit printed (checked too, at 30 digits).
fn assert_difference_agrees(d: &Difference, expected: &str) {
    let (q, _, ulp) = parse_decimal(expected).expect("oracle parses");
    let oracle = Interval::new(&q - &ulp, &q + &ulp);
    assert!(
        agree(&Value::approx(d.estimate.clone()), &oracle, &Q::zero()),
        "central difference {} (bound {}) misses {expected}",
        d.estimate,
        d.error_bound
    );
    let fifteen = Q::ratio(1, 1_000_000_000_000_000);
    assert!(
        d.estimate.width() <= &q.abs() * &fifteen,
        "central difference too wide: {}",
        d.estimate
    );
    assert_agrees(&Value::approx(d.estimate.clone()), expected, 30);
}

/// AD to 30 significant digits and the central difference as above, and the
/// two certified enclosures overlap.
fn check(file: &str, settings: &[&str], of: &str, wrt: &str, expected: &str) {
    let m = model(&example(file), settings);
    let q = query(&m, of, wrt);
    let g = ad(&m, &q);
    assert_agrees(&g, expected, 30);
    let d = cd(&m, &q);
    assert_difference_agrees(&d, expected);
    assert!(
        agree(&g, &d.estimate, &Q::zero()),
        "AD {g:?} and CD {} disagree",
        d.estimate
    );
}

// ---- elman.chain ------------------------------------------------------------

#[test]
fn elman_loss_at_each_step_wrt_w1() {
    // EXPECTED.md, elman "Paths and derivatives": L(y[1]) w1 −0.36555855230885416404200931963100500
    check(
        "elman.chain",
        &[],
        "L(y[1])",
        "w1",
        "-0.36555855230885416404200931963100500",
    );
    // EXPECTED.md: L(y[2]) w1 −0.046591898313470327990897256383210317
    check(
        "elman.chain",
        &[],
        "L(y[2])",
        "w1",
        "-0.046591898313470327990897256383210317",
    );
    // EXPECTED.md: L(y[3]) w1 −0.000055197750071391749209144857921789405
    check(
        "elman.chain",
        &[],
        "L(y[3])",
        "w1",
        "-0.000055197750071391749209144857921789405",
    );
}

#[test]
fn elman_loss_wrt_v() {
    // EXPECTED.md: L(y[2]) v −0.023088874053119740315489084829902
    check(
        "elman.chain",
        &[],
        "L(y[2])",
        "v",
        "-0.023088874053119740315489084829902",
    );
}

#[test]
fn elman_total_wrt_w1() {
    // EXPECTED.md: J w1 6 (= 1 + 2 + 3) −0.41220564837239588378211572087213710
    check("elman.chain", &[], "J", "w1", "-0.41220564837239588378211572087213710");
}

#[test]
fn elman_recurrent_jacobian_is_u_exactly() {
    // By hand: h[2] = relu(w1 x1[2] + w2 x2[2] + u h[1] + b_h), relu assumed
    // active, so ∂h[2]/∂h[1] = u = 2, exactly.
    let m = model(&example("elman.chain"), &[]);
    let q = query(&m, "h[2]", "h[1]");
    assert_eq!(ad(&m, &q), Value::Exact(Q::int(2)));
    let d = cd(&m, &q);
    assert_eq!((d.estimate, d.error_bound), (Interval::point(Q::int(2)), Q::zero()));
}

fn y2_enclosure(m: &Model, q: &DiffQuery) -> Interval {
    let y = m.lookup("y").expect("elman has y");
    let y2 = Sym { id: y, step: Some(2) };
    let node = q.named.iter().find(|(s, _)| *s == y2).expect("y[2] is unrolled").1;
    let v = evaluate(&q.graph, &[node], &Bindings::from_model(m), EvalOptions { digits: 60 }).expect("y[2] evaluates");
    // EXPECTED.md: y[2] = 0.99378774689153728960121369914890529
    assert_agrees(&v[0], "0.99378774689153728960121369914890529", 30);
    v[0].interval()
}

/// `(y − 1)·k` for an enclosure of `y` and an exact `k`.
fn y_minus_one_times(y: &Interval, k: Q) -> Interval {
    let (a, b) = ((y.lo() - &Q::one()) * k.clone(), (y.hi() - &Q::one()) * k.clone());
    if k.is_negative() {
        Interval::new(b, a)
    } else {
        Interval::new(a, b)
    }
}

#[test]
fn elman_wrt_a_literal_boundary_value() {
    // h[0] = 1/5 is a literal, but as --wrt it stays a node. By hand:
    // L = −ln y, y = σ(v h[2] + b_y), h[t] = relu(… + u h[t−1] + …) (active), so
    // ∂L(y[2])/∂h[0] = (−1/y)·v·y(1−y)·u·u = (y[2] − 1)·v·u² = (y[2] − 1)·6.
    let m = model(&example("elman.chain"), &[]);
    let q = query(&m, "L(y[2])", "h[0]");
    let g = ad(&m, &q);
    let hand = y_minus_one_times(&y2_enclosure(&m, &q), Q::int(6));
    assert!(agree(&g, &hand, &Q::zero()), "AD {g:?} vs hand {hand}");
    assert!(g.width() < Q::ratio(1, 10).pow(40).unwrap() && hand.width() < Q::ratio(1, 10).pow(40).unwrap());
    let d = cd(&m, &q);
    assert!(agree(&g, &d.estimate, &Q::zero()));
}

#[test]
fn elman_two_paths_add_up_to_the_gradient() {
    // EXPECTED.md, "The two paths to L(y[2])": (y2 − 1) v x1[2] and (y2 − 1) v u x1[1],
    // with x1 = [2, 1, 3], v = 3/2, u = 2 from elman.chain.
    let m = model(&example("elman.chain"), &[]);
    let q = query(&m, "L(y[2])", "w1");
    let y = y2_enclosure(&m, &q);
    let direct = y_minus_one_times(&y, Q::ratio(3, 2)); // v x1[2] = 3/2
    let through_h1 = y_minus_one_times(&y, Q::int(6)); // v u x1[1] = 6
                                                       // EXPECTED.md: through x1[2] −0.0093183796626940655981794512766420634
    assert_agrees(
        &Value::approx(direct.clone()),
        "-0.0093183796626940655981794512766420634",
        30,
    );
    // EXPECTED.md: through h[1] −0.037273518650776262392717805106568253
    assert_agrees(
        &Value::approx(through_h1.clone()),
        "-0.037273518650776262392717805106568253",
        30,
    );
    let sum = Interval::new(direct.lo() + through_h1.lo(), direct.hi() + through_h1.hi());
    assert!(agree(&ad(&m, &q), &sum, &Q::zero()));
}

// ---- hand calculation ---------------------------------------------------------

#[test]
fn cubic_by_hand() {
    // J = a³ − 2a at a = 3/2: dJ/da = 3a² − 2 = 27/4 − 2 = 19/4, exactly.
    let m = model("param a = 3/2\nJ = a^3 - 2*a\n", &[]);
    let q = query(&m, "J", "a");
    assert_eq!(ad(&m, &q), Value::Exact(Q::ratio(19, 4)));
    let d = cd(&m, &q);
    // a cubic's difference quotient is f' + ε² exactly; the bound ε² is attained
    assert_eq!(d.error_bound, &d.epsilon * &d.epsilon);
    assert!(d.estimate.contains(&Q::ratio(19, 4)));
}

// ---- tanh_bptt.chain ------------------------------------------------------------

#[test]
fn tanh_bptt() {
    // EXPECTED.md, tanh_bptt.chain: dJ/dw 4.4219042530118639395478323997982
    check("tanh_bptt.chain", &[], "J", "w", "4.4219042530118639395478323997982");
    // EXPECTED.md: dJ/du −3.1694156999501006926970996677156
    check("tanh_bptt.chain", &[], "J", "u", "-3.1694156999501006926970996677156");
    // EXPECTED.md: dJ/dv 3.5886356701080694257135822595823
    check("tanh_bptt.chain", &[], "J", "v", "3.5886356701080694257135822595823");
    // EXPECTED.md: dJ/db −2.0044958360945310881720158502988
    check("tanh_bptt.chain", &[], "J", "b", "-2.0044958360945310881720158502988");
}

// ---- lstm.chain (T = 3) -----------------------------------------------------------

#[test]
fn lstm() {
    // EXPECTED.md, lstm.chain (T = 3): dL/duf −0.0025667883155290921996492709553055
    check("lstm.chain", &[], "L", "uf", "-0.0025667883155290921996492709553055");
    // EXPECTED.md: dL/dwc −0.89411578499784753372834871818941
    check("lstm.chain", &[], "L", "wc", "-0.89411578499784753372834871818941");
    // EXPECTED.md: dL/dbo −0.056284538215843000553837897899769
    check("lstm.chain", &[], "L", "bo", "-0.056284538215843000553837897899769");
}

// ---- deep_residual.chain -----------------------------------------------------------

#[test]
fn deep_residual() {
    // EXPECTED.md, deep_residual.chain: dL/dw1 −0.010953801266441223755660243320695
    check(
        "deep_residual.chain",
        &[],
        "L",
        "w1",
        "-0.010953801266441223755660243320695",
    );
    // EXPECTED.md: dL/dw2 −0.019197227699644006689068934401131
    check(
        "deep_residual.chain",
        &[],
        "L",
        "w2",
        "-0.019197227699644006689068934401131",
    );
    // EXPECTED.md: dL/dv −0.012225097628726442612600028160505
    check(
        "deep_residual.chain",
        &[],
        "L",
        "v",
        "-0.012225097628726442612600028160505",
    );
}

// ---- long horizons -----------------------------------------------------------------

/// `T=n` and an input of length `n` for lstm.chain (its own x pattern, repeated).
fn lstm_settings(n: usize) -> Vec<String> {
    let pattern = ["1", "-1", "2", "1", "-2", "1", "1", "-1"];
    let xs: Vec<&str> = (0..n).map(|i| pattern[i % pattern.len()]).collect();
    vec![format!("T={n}"), format!("x=[{}]", xs.join(","))]
}

#[test]
fn lstm_long_horizon_routes_agree() {
    let settings = lstm_settings(30);
    let refs: Vec<&str> = settings.iter().map(String::as_str).collect();
    let m = model(&example("lstm.chain"), &refs);
    for wrt in ["uf", "wc", "h[10]"] {
        let q = query(&m, "L", wrt);
        let g = ad(&m, &q);
        let d = cd(&m, &q);
        assert!(
            agree(&g, &d.estimate, &Q::zero()),
            "{wrt}: AD {g:?} vs CD {}",
            d.estimate
        );
    }
}
