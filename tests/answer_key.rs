//! What a TA would sign (issue 11): boundary values stay named, numbers are
//! readable, totals read like the sum of paths, notes say where values came
//! from. Every expected figure is worked by hand in a comment or comes from
//! `problems/EXPECTED.md`.

mod common;
use common::cli::{chainrule, root};

fn run_ok(args: &[&str]) -> String {
    let o = chainrule(args);
    assert!(
        o.status.success(),
        "{args:?}: exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8")
}

/// A model file in a fresh directory, and that directory (kept alive).
fn model_file(src: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.chain");
    std::fs::write(&path, src).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

#[test]
fn an_exact_zero_is_a_zero_not_a_word() {
    // tanh(a h + b h) with a + b = 0 is tanh(0) = 0 exactly; an enclosure
    // alone never decides that.
    let (_d, m) =
        model_file("param a = 1/2, b = -1/2\ninput x = [1, 2]\nh[t] = tanh(x[t])\nz = tanh(a*h[1] + b*h[1])\n");
    let text = run_ok(&["eval", &m, "--of", "z"]);
    assert!(!text.contains("uncertain"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&["eval", &m, "--of", "z", "--format", "json"])).unwrap();
    assert_eq!(json["values"][0]["value"], "0");
    assert_eq!(json["values"][0]["exact"], "0/1");
}

#[test]
fn boundary_values_stay_named() {
    // tanh_bptt: h[0] = 1/4. The path into step 1 along u carries h⁽⁰⁾ as a
    // name, and its value in the numbers line.
    let out = run_ok(&[
        "derive",
        "examples/tanh_bptt.chain",
        "--of",
        "J",
        "--wrt",
        "u",
        "--granularity",
        "equations",
        "--numbers",
    ]);
    assert!(out.contains(r"u h^{(0)}"), "{out}");
    assert!(!out.contains(r"u \cdot \frac{1}{4}"), "{out}");
    assert!(out.contains("0.25"), "the value of h(0) in the numbers lines:\n{out}");
    // gated_memory: h[0] = 1 is not dropped from the path into step 1.
    let out = run_ok(&["derive", "examples/gated_memory.chain", "--of", "y[3]", "--wrt", "w2"]);
    assert!(out.contains(r"w_{2}^{2} h^{(0)}"), "{out}");
}

/// The `$…$` and `$$…$$` spans of a Markdown text.
fn math_spans(md: &str) -> Vec<String> {
    md.split('$')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

#[test]
fn numbers_are_readable() {
    for (model, of, wrt) in [
        ("examples/elman.chain", "L(y[2])", "w1"),
        ("examples/alternating.chain", "y[3]", "x[1]"),
        ("examples/lstm.chain", "L", "bo"),
    ] {
        let out = run_ok(&["derive", model, "--of", of, "--wrt", wrt, "--numbers"]);
        // No run of more than 6 significant digits anywhere, and no more
        // than 3 zeros after a decimal point before the first digit
        // (0.000123 is fine, 0.0000123 is 1.23 × 10^{-5}).
        for run in out.split(|c: char| !c.is_ascii_digit()).filter(|r| !r.is_empty()) {
            let zeros = run.len() - run.trim_start_matches('0').len();
            assert!(run.len() - zeros <= 6, "{model}: `{run}` in\n{out}");
            assert!(zeros <= 3, "{model}: `{run}` in\n{out}");
        }
        for m in math_spans(&out) {
            assert!(!m.contains("e-"), "{model}: `e-` notation in math: {m}");
        }
    }
    // The truncation bound of the elman check is about 2.7e-61: in math it is
    // written with × 10^{…}.
    let out = run_ok(&["derive", "examples/elman.chain", "--of", "L(y[2])", "--wrt", "w1"]);
    assert!(out.contains(r"\times 10^{-61}"), "{out}");
    // JSON keeps every certified digit: EXPECTED.md gives the total to 35.
    let json: serde_json::Value = serde_json::from_str(&run_ok(&[
        "derive",
        "examples/elman.chain",
        "--of",
        "L(y[2])",
        "--wrt",
        "w1",
        "--format",
        "json",
    ]))
    .unwrap();
    let v = json["total"]["value"].as_str().unwrap();
    assert!(v.starts_with("-0.046591898313470327990897256383210"), "{v}");
    // More digits when asked: --digits 12.
    let out = run_ok(&[
        "derive",
        "examples/elman.chain",
        "--of",
        "L(y[2])",
        "--wrt",
        "w1",
        "--digits",
        "12",
    ]);
    assert!(out.contains("-0.0465918983135"), "{out}");
}

#[test]
fn notes_say_where_the_values_came_from() {
    let out = run_ok(&["derive", "examples/elman.chain", "--of", "L(y[2])", "--wrt", "w1"]);
    assert!(out.contains("At the model's values"), "{out}");
    assert!(!out.contains("random values (seed"), "{out}");
    // alternating.chain has no input values: they are drawn at random.
    let out = run_ok(&["derive", "examples/alternating.chain", "--of", "y[3]", "--wrt", "x[1]"]);
    assert!(out.contains("At random values (seed 1)"), "{out}");
    assert!(!out.contains("model's values"), "{out}");
    assert!(out.contains("random values (seed 1): x[1] = "), "{out}");
}

#[test]
fn a_false_relu_assumption_is_said() {
    // relu argument w x = -1 · 2 = -2 < 0 at the model's values.
    let (_d, m) = model_file("param w = -1\ninput x = [2]\nh[t] = relu(w*x[t])\nL = h[1]*h[1]\nassume relu active\n");
    let out = run_ok(&["derive", &m, "--of", "L", "--wrt", "w"]);
    assert!(out.contains("relu argument of $h^{(1)}$ is not positive"), "{out}");
    // With a positive argument there is nothing to say.
    let (_d2, m2) = model_file("param w = 1\ninput x = [2]\nh[t] = relu(w*x[t])\nL = h[1]*h[1]\nassume relu active\n");
    let out = run_ok(&["derive", &m2, "--of", "L", "--wrt", "w"]);
    assert!(!out.contains("not positive"), "{out}");
}

#[test]
fn paths_are_named_by_the_quantities_they_pass() {
    // EXPECTED.md: two paths from w1 to L(y[2]), through x1[2] (into step 2)
    // and through h[1].
    let out = run_ok(&["paths", "examples/elman.chain", "--of", "L(y[2])", "--wrt", "w1"]);
    assert_eq!(
        out,
        "2 paths from w1 to L(y[2])\n  1. w1 → h[2] → y[2] → L(y[2])\n  2. w1 → h[1] → h[2] → y[2] → L(y[2])\n"
    );
}

#[test]
fn the_total_is_never_longer_than_the_sum_of_paths() {
    use chainrule::query::{derive, load, DeriveRequest};
    use chainrule::simplify::present::operands;
    for (file, of, wrt) in [
        ("elman.chain", "L(y[2])", "w1"),
        ("gated_memory.chain", "y[3]", "w2"),
        ("deep_residual.chain", "L", "w2"),
        ("deep_residual.chain", "L", "w1"),
        ("bidirectional.chain", "L", "w"),
        ("tanh_bptt.chain", "J", "u"),
        ("tanh_bptt.chain", "J", "w"),
    ] {
        let src = std::fs::read_to_string(root().join("examples").join(file)).unwrap();
        let m = load(&src, &[]).unwrap();
        let req = DeriveRequest {
            of: of.into(),
            wrt: wrt.into(),
            steps: None,
            max_paths: 50,
            digits: 6,
            seed: 1,
            granularity: Default::default(),
            ..Default::default()
        };
        let d = derive(&m, &req).unwrap();
        let dv = &d.derivation;
        if let (Some(t), Some(s)) = (dv.total, dv.total_sum) {
            assert!(
                operands(&d.graph, t) <= operands(&d.graph, s),
                "{file} d({of})/d({wrt}): total longer than the sum of its paths"
            );
        }
    }
}
