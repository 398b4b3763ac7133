//! `chainrule::query::derive` against `problems/EXPECTED.md` (an independent
//! implementation with 60-digit arithmetic; every figure below is copied from
//! it verbatim), the course's simplified forms, and the `derive` command's
//! JSON contract (LANGUAGE.md §3).

mod common;
use chainrule::calculus::numeric::agree;
use chainrule::eval::Value;
use chainrule::model::Model;
use chainrule::number::{Interval, Prec, Q};
use chainrule::query::{derive, load, DeriveRequest, Derived};
use chainrule::render::derivation::{derived_view, View, ViewOptions};
use chainrule::render::path_list::route_labels;
use common::cli::chainrule;
use common::{assert_agrees, example};
use num_bigint::BigUint;

const DIGITS: u32 = 40;
const MAX_PATHS: usize = 50;

fn model(file: &str) -> Model {
    load(&example(file), &[]).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn derive_in(m: &Model, of: &str, wrt: &str, max_paths: usize) -> Derived {
    let req = DeriveRequest {
        of: of.into(),
        wrt: wrt.into(),
        steps: None,
        max_paths,
        digits: DIGITS,
        seed: 1,
        granularity: Default::default(),
        ..Default::default()
    };
    derive(m, &req).unwrap_or_else(|e| panic!("d({of})/d({wrt}): {e}"))
}

/// The exact sum of the listed path values, as an enclosure computed here.
fn sum_of_paths(d: &Derived) -> Interval {
    d.derivation.paths.iter().fold(Interval::point(Q::zero()), |acc, p| {
        acc.add(&p.value.interval(), Prec(400))
    })
}

/// One row of an EXPECTED.md derivative table: the path count, the check,
/// the total to 30 significant digits, and (every path listed) the path
/// values adding up to the total.
fn row(file: &str, of: &str, wrt: &str, paths: u64, expected: &str) {
    let m = model(file);
    let d = derive_in(&m, of, wrt, MAX_PATHS);
    let dv = &d.derivation;
    let ctx = format!("{file}: d({of})/d({wrt})");
    assert_eq!(dv.path_count, BigUint::from(paths), "{ctx}: path count");
    assert!(dv.proof.verified, "{ctx}: check failed: {:?}", dv.proof);
    assert_agrees(&dv.total_value, expected, 30);
    // The independent routes agree with the oracle too.
    assert_agrees(&dv.proof.ad, expected, 30);
    assert_agrees(&Value::approx(dv.proof.difference.estimate.clone()), expected, 30);
    if paths as usize <= MAX_PATHS {
        assert!(!dv.truncated, "{ctx}: {paths} paths but truncated");
        assert_eq!(dv.paths.len() as u64, paths, "{ctx}: listed paths");
        assert!(dv.total.is_some(), "{ctx}: no symbolic total");
        let sum = dv
            .proof
            .path_sum
            .as_ref()
            .unwrap_or_else(|| panic!("{ctx}: no path_sum"));
        assert!(
            agree(sum, &dv.total_value.interval(), &Q::zero()),
            "{ctx}: path sum {sum:?} vs total {:?}",
            dv.total_value
        );
        assert_agrees(sum, expected, 30);
        // The sum taken here, from the listed path values.
        let mine = Value::approx(sum_of_paths(&d));
        assert_agrees(&mine, expected, 30);
    }
}

// ---- elman.chain ------------------------------------------------------------

#[test]
fn elman_loss_at_step_1_wrt_w1() {
    row(
        "elman.chain",
        "L(y[1])",
        "w1",
        1,
        "-0.36555855230885416404200931963100500",
    );
}

#[test]
fn elman_loss_at_step_2_wrt_w1() {
    row(
        "elman.chain",
        "L(y[2])",
        "w1",
        2,
        "-0.046591898313470327990897256383210317",
    );
}

#[test]
fn elman_loss_at_step_3_wrt_w1() {
    row(
        "elman.chain",
        "L(y[3])",
        "w1",
        3,
        "-0.000055197750071391749209144857921789405",
    );
}

#[test]
fn elman_loss_at_step_2_wrt_v() {
    row("elman.chain", "L(y[2])", "v", 1, "-0.023088874053119740315489084829902");
}

#[test]
fn elman_j_wrt_w1() {
    // 6 = 1 + 2 + 3 updates of w1 over three steps.
    row("elman.chain", "J", "w1", 6, "-0.41220564837239588378211572087213710");
}

/// The derivation and its view (the strings a template sees).
fn elman_two_paths() -> (Derived, View) {
    let m = model("elman.chain");
    let d = derive_in(&m, "L(y[2])", "w1", MAX_PATHS);
    let v = derived_view(&d, &m, &elman_request(), &ViewOptions::default());
    (d, v)
}

fn elman_request() -> DeriveRequest {
    DeriveRequest {
        of: "L(y[2])".into(),
        wrt: "w1".into(),
        steps: None,
        max_paths: MAX_PATHS,
        digits: DIGITS,
        seed: 1,
        granularity: Default::default(),
        ..Default::default()
    }
}

/// Index of the path through h[1] and of the direct one.
fn through_h1(d: &Derived, v: &View) -> (usize, usize) {
    assert_eq!(d.derivation.paths.len(), 2);
    assert_eq!(v.paths.len(), 2);
    let m = model("elman.chain");
    let dv = &d.derivation;
    let labels = route_labels(
        &d.graph,
        &m,
        dv.of,
        dv.wrt,
        "L(y[2])",
        "w1",
        dv.paths.iter().map(|p| p.nodes.as_slice()),
    );
    let via: Vec<bool> = labels.iter().map(|p| p.iter().any(|n| n == "h[1]")).collect();
    assert_eq!(
        via.iter().filter(|&&b| b).count(),
        1,
        "exactly one path goes through h[1]: {labels:?}"
    );
    let long = if via[0] { 0 } else { 1 };
    let short = 1 - long;
    // The path through h[1] goes into step 1 and then along u: it is longer.
    assert!(d.derivation.paths[long].nodes.len() > d.derivation.paths[short].nodes.len());
    for p in &labels {
        assert_eq!(p.first().map(String::as_str), Some("w1"));
        assert_eq!(p.last().map(String::as_str), Some("L(y[2])"));
        assert!(p.iter().any(|n| n == "h[2]"), "{p:?}");
    }
    (long, short)
}

#[test]
fn elman_the_two_paths_to_loss_at_step_2() {
    let (d, v) = elman_two_paths();
    let (long, short) = through_h1(&d, &v);
    let paths = &d.derivation.paths;
    // EXPECTED.md, "The two paths to L(y[2])".
    assert_agrees(&paths[short].value, "-0.0093183796626940655981794512766420634", 30);
    assert_agrees(&paths[long].value, "-0.037273518650776262392717805106568253", 30);
    // The two values add up to the total.
    let sum = paths[0].value.interval().add(&paths[1].value.interval(), Prec(400));
    assert_agrees(&Value::approx(sum), "-0.046591898313470327990897256383210317", 30);
}

#[test]
fn elman_simplified_forms_are_the_course_forms() {
    let (d, v) = elman_two_paths();
    let (long, short) = through_h1(&d, &v);
    assert_eq!(v.paths[short].simplified, r"(y^{(2)} - 1) v x_{1}^{(2)}");
    assert_eq!(v.paths[long].simplified, r"(y^{(2)} - 1) v u x_{1}^{(1)}");
    assert_eq!(
        v.total.simplified,
        // EXPECTED.md and the course: (y⁽²⁾ − 1) v (x₁⁽²⁾ + u x₁⁽¹⁾).
        r"(y^{(2)} - 1) v (x_{1}^{(2)} + u x_{1}^{(1)})"
    );
    assert_eq!(v.path_count, "2");
    assert!(!v.truncated);
    assert_eq!(v.check.status, "verified");
    // The sum line lists both path forms.
    for p in &v.paths {
        assert!(
            v.total.sum.contains(&p.simplified),
            "{} lacks {}",
            v.total.sum,
            p.simplified
        );
    }
}

// ---- tanh_bptt.chain --------------------------------------------------------

#[test]
fn tanh_bptt_j_wrt_w() {
    row("tanh_bptt.chain", "J", "w", 10, "4.4219042530118639395478323997982");
}

#[test]
fn tanh_bptt_j_wrt_u() {
    row("tanh_bptt.chain", "J", "u", 10, "-3.1694156999501006926970996677156");
}

#[test]
fn tanh_bptt_j_wrt_v() {
    row("tanh_bptt.chain", "J", "v", 4, "3.5886356701080694257135822595823");
}

#[test]
fn tanh_bptt_j_wrt_b() {
    row("tanh_bptt.chain", "J", "b", 10, "-2.0044958360945310881720158502988");
}

// ---- lstm.chain (T = 3) -----------------------------------------------------

#[test]
fn lstm_l_wrt_uf() {
    row("lstm.chain", "L", "uf", 30, "-0.0025667883155290921996492709553055");
}

#[test]
fn lstm_l_wrt_wc() {
    row("lstm.chain", "L", "wc", 30, "-0.89411578499784753372834871818941");
}

#[test]
fn lstm_l_wrt_bo() {
    row("lstm.chain", "L", "bo", 24, "-0.056284538215843000553837897899769");
}

// ---- deep_residual.chain ----------------------------------------------------

#[test]
fn deep_residual_l_wrt_w1() {
    row(
        "deep_residual.chain",
        "L",
        "w1",
        9,
        "-0.010953801266441223755660243320695",
    );
}

#[test]
fn deep_residual_l_wrt_w2() {
    row(
        "deep_residual.chain",
        "L",
        "w2",
        3,
        "-0.019197227699644006689068934401131",
    );
}

#[test]
fn deep_residual_l_wrt_v() {
    row(
        "deep_residual.chain",
        "L",
        "v",
        1,
        "-0.012225097628726442612600028160505",
    );
}

// ---- truncation -------------------------------------------------------------

#[test]
fn truncated_lstm_lists_three_paths_and_keeps_the_total() {
    let m = model("lstm.chain");
    let d = derive_in(&m, "L", "uf", 3);
    let dv = &d.derivation;
    assert_eq!(dv.path_count, BigUint::from(30u32));
    assert_eq!(dv.paths.len(), 3);
    assert!(dv.truncated);
    assert!(dv.total.is_none(), "no symbolic sum of 3 of 30 paths");
    assert!(dv.proof.path_sum.is_none());
    assert!(!dv.adjoints.is_empty(), "the total comes from reverse accumulation");
    assert!(dv.proof.verified);
    assert_agrees(&dv.total_value, "-0.0025667883155290921996492709553055", 30);
}

// ---- the command line: --format json ----------------------------------------

fn derive_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["derive"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = chainrule(&all);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: invalid JSON: {e}"))
}

/// Significant digits of a decimal string.
fn significant(s: &str) -> usize {
    let mantissa = s.trim_start_matches('-').split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').len()
}

/// `value` is a string with 30 significant digits (or exact, then `exact`
/// is `p/q` and agrees with it); `exact` is a string or null.
fn assert_value_fields(v: &serde_json::Value, ctx: &str) {
    let value = v["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{ctx}: value is not a string: {v}"));
    match &v["exact"] {
        serde_json::Value::Null => assert!(significant(value) >= 30, "{ctx}: {value} is short"),
        serde_json::Value::String(q) => {
            let (p, d) = q.split_once('/').unwrap_or((q, "1"));
            let p: i128 = p.parse().unwrap_or_else(|_| panic!("{ctx}: exact {q}"));
            let d: i128 = d.parse().unwrap_or_else(|_| panic!("{ctx}: exact {q}"));
            assert!(d > 0, "{ctx}: exact {q}");
            let approx: f64 = value.parse().unwrap_or_else(|_| panic!("{ctx}: value {value}"));
            assert!(
                (approx - p as f64 / d as f64).abs() <= 1e-12 * (1.0 + approx.abs()),
                "{ctx}"
            );
        }
        other => panic!("{ctx}: exact is {other}"),
    }
}

#[test]
fn json_has_the_contract_fields() {
    let j = derive_json(&["examples/elman.chain", "--of", "L(y[2])", "--wrt", "w1"]);
    assert_eq!(j["of"], "L(y[2])");
    assert_eq!(j["wrt"], "w1");
    assert_eq!(j["path_count"], "2", "path_count is a string");
    let paths = j["paths"].as_array().expect("paths array");
    assert_eq!(paths.len(), 2);
    let mut latex = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let nodes: Vec<&str> = p["nodes"]
            .as_array()
            .expect("nodes array")
            .iter()
            .map(|n| n.as_str().expect("node is a string"))
            .collect();
        assert_eq!(nodes.first(), Some(&"w1"));
        assert_eq!(nodes.last(), Some(&"L(y[2])"));
        assert!(nodes.contains(&"h[2]") && nodes.contains(&"y[2]"), "{nodes:?}");
        let l = p["latex"].as_str().expect("latex is a string");
        assert!(!l.is_empty());
        latex.push((
            nodes.contains(&"h[1]"),
            l.to_string(),
            p["value"].as_str().unwrap().to_string(),
        ));
        assert_value_fields(p, &format!("path {i}"));
        assert!(p["exact"].is_null(), "sigmoid makes it irrational");
    }
    latex.sort();
    assert_eq!(latex[0].1, r"(y^{(2)} - 1) v x_{1}^{(2)}");
    assert_eq!(latex[1].1, r"(y^{(2)} - 1) v u x_{1}^{(1)}");
    assert_agrees(
        &decimal_value(&latex[0].2),
        "-0.0093183796626940655981794512766420634",
        30,
    );
    assert_agrees(
        &decimal_value(&latex[1].2),
        "-0.037273518650776262392717805106568253",
        30,
    );
    let total = &j["total"];
    assert_eq!(total["latex"], r"(y^{(2)} - 1) v (x_{1}^{(2)} + u x_{1}^{(1)})");
    assert_value_fields(total, "total");
    assert_agrees(
        &decimal_value(total["value"].as_str().unwrap()),
        "-0.046591898313470327990897256383210317",
        30,
    );
    assert_eq!(j["check"]["status"], "verified");
}

/// A printed decimal as a value: the interval of one unit in its last place.
fn decimal_value(s: &str) -> Value {
    let (q, _, ulp) = chainrule::number::decimal::parse_decimal(s).unwrap_or_else(|| panic!("bad decimal {s}"));
    Value::approx(Interval::new(&q - &ulp, &q + &ulp))
}

#[test]
fn json_exact_when_rational() {
    // h[4] = x[4] - x[3] + x[2] - x[1]: the derivative by x[1] is -1, with the
    // inputs filled by seeded random values.
    let j = derive_json(&["examples/alternating.chain", "--of", "h[4]", "--wrt", "x[1]"]);
    assert_eq!(j["path_count"], "1");
    // LANGUAGE.md: `exact` is `p/q` for a rational value, integers included.
    assert_eq!(j["total"]["exact"], "-1/1");
    assert_value_fields(&j["total"], "total");
    assert_eq!(j["check"]["status"], "verified");
}

#[test]
fn json_for_every_table_model() {
    for (file, of, wrt, count) in [
        ("examples/tanh_bptt.chain", "J", "v", "4"),
        ("examples/lstm.chain", "L", "bo", "24"),
        ("examples/deep_residual.chain", "L", "w2", "3"),
    ] {
        let j = derive_json(&[file, "--of", of, "--wrt", wrt]);
        assert_eq!(j["path_count"], count, "{file}");
        assert_eq!(j["paths"].as_array().map(Vec::len), count.parse().ok(), "{file}");
        assert_eq!(j["check"]["status"], "verified", "{file}");
        assert_eq!(j["truncated"], false, "{file}");
        assert_value_fields(&j["total"], file);
        assert!(j["total"]["latex"].as_str().is_some_and(|s| !s.is_empty()), "{file}");
    }
}

#[test]
fn json_truncated_with_max_paths() {
    let j = derive_json(&["examples/lstm.chain", "--of", "L", "--wrt", "uf", "--max-paths", "3"]);
    assert_eq!(j["path_count"], "30");
    assert_eq!(j["paths"].as_array().map(Vec::len), Some(3));
    assert_eq!(j["truncated"], true);
    assert_eq!(j["check"]["status"], "verified");
    assert!(j["check"]["path_sum"].is_null());
    assert_value_fields(&j["total"], "total");
    assert_agrees(
        &decimal_value(j["total"]["value"].as_str().unwrap()),
        "-0.0025667883155290921996492709553055",
        30,
    );
}
