//! Vectors and matrices (LANGUAGE.md §4, issue 13), against figures from
//! an independent source: `tests/oracle/*.py` re-implement each vector
//! example in SymPy from its equations (exact rationals, then 50-digit
//! evaluation) and their output is kept in `tests/oracle/*.json`.
//!
//! Checked here: every value `eval` gives (vectors as nested lists), every
//! gradient `derive --wrt W` gives in matrix form, every adjoint
//! `∇_{h^{(t)}} L` the matrix form prints, one entry as a scalar
//! derivation, located shape errors, and the matrix form as written
//! (snapshots, read and signed).

mod common;

use chainrule::number::Q;
use common::cli::{chainrule, stderr, stdout};
use serde_json::Value as Json;

const MODELS: [&str; 4] = ["vector_rnn", "equality_detector", "attention", "vector_lstm"];

fn oracle(name: &str) -> Json {
    let text = std::fs::read_to_string(common::cli::root().join(format!("tests/oracle/{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn json_out(args: &[&str]) -> Json {
    let out = chainrule(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// A decimal string as an exact rational.
fn q(s: &str) -> Q {
    s.parse().unwrap_or_else(|_| panic!("not a decimal: {s}"))
}

/// Two decimals agree to 35 significant digits (both sides carry 40).
fn close(got: &str, want: &str) -> bool {
    let (g, w) = (q(got), q(want));
    let scale = if w.abs() > Q::one() { w.abs() } else { Q::one() };
    let tol = &scale * &q(&format!("0.{}1", "0".repeat(34)));
    (&g - &w).abs() <= tol
}

/// Flattens a JSON scalar, list or list of lists of strings, row by row.
fn flat(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items.iter().flat_map(flat).collect(),
        other => panic!("not a value: {other}"),
    }
}

fn assert_close(what: &str, got: &Json, want: &Json) {
    let (g, w) = (flat(got), flat(want));
    assert_eq!(g.len(), w.len(), "{what}: {got} vs {want}");
    for (k, (a, b)) in g.iter().zip(&w).enumerate() {
        assert!(close(a, b), "{what} entry {}: chainrule {a}, oracle {b}", k + 1);
    }
}

#[test]
fn eval_gives_the_oracle_values_of_every_quantity() {
    for name in MODELS {
        let model = format!("examples/{name}.chain");
        let got = json_out(&["eval", &model, "--format", "json"]);
        let want = oracle(name);
        let rows: Vec<&Json> = got["values"].as_array().unwrap().iter().collect();
        let mut compared = 0;
        for (key, value) in want["values"].as_object().unwrap() {
            let Some(row) = rows.iter().find(|r| r["name"] == key.as_str()) else {
                // The table shows what the loss needs; ask for the rest.
                let one = json_out(&["eval", &model, "--of", key, "--format", "json"]);
                assert_close(&format!("{name} {key}"), &one["values"][0]["value"], value);
                compared += 1;
                continue;
            };
            assert_close(&format!("{name} {key}"), &row["value"], value);
            // Exact where the oracle is exact, and only there.
            let exact = &want["exact"][key];
            let got_exact = &row["exact"];
            for (g, w) in flat_or_null(got_exact).iter().zip(flat_or_null(exact)) {
                match (g, w) {
                    (Some(g), Some(w)) => assert_eq!(q(g), q(&w), "{name} {key}"),
                    (None, None) => {}
                    other => panic!("{name} {key}: exact {other:?}"),
                }
            }
            compared += 1;
        }
        assert!(compared >= 4, "{name}: only {compared} values compared");
    }
}

/// Exact entries: `p/q` strings or nulls, row by row.
fn flat_or_null(v: &Json) -> Vec<Option<String>> {
    match v {
        Json::Null => vec![None],
        Json::String(s) => vec![Some(s.clone())],
        Json::Array(items) => items.iter().flat_map(flat_or_null).collect(),
        other => panic!("not an exact value: {other}"),
    }
}

#[test]
fn matrix_form_gradients_match_the_oracle_entry_by_entry() {
    for name in MODELS {
        let model = format!("examples/{name}.chain");
        let want = oracle(name);
        for (of, grads) in want["gradients"].as_object().unwrap() {
            if of == "delta" {
                continue;
            }
            for (param, value) in grads.as_object().unwrap() {
                let got = json_out(&["derive", &model, "--of", of, "--wrt", param, "--format", "json"]);
                assert_eq!(got["check"]["status"], "verified", "{name} d{of}/d{param}");
                assert_close(&format!("{name} d{of}/d{param}"), &got["total"]["value"], value);
            }
        }
    }
}

#[test]
fn printed_adjoints_match_the_oracle() {
    for name in ["vector_rnn", "vector_lstm"] {
        let want = oracle(name);
        let first = want["gradients"]["L"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        let got = json_out(&[
            "derive",
            &format!("examples/{name}.chain"),
            "--of",
            "L",
            "--wrt",
            &first,
            "--format",
            "json",
        ]);
        let adjoints = got["adjoints"].as_array().unwrap();
        let deltas = want["gradients"]["delta"].as_object().unwrap();
        let mut seen = 0;
        for (key, value) in deltas {
            if let Some(a) = adjoints.iter().find(|a| a["name"] == key.as_str()) {
                assert_close(&format!("{name} ∇{key}"), &a["value"], value);
                seen += 1;
            }
        }
        assert!(seen >= 2, "{name}: {seen} adjoints compared; printed {adjoints:?}");
    }
}

#[test]
fn one_entry_is_a_scalar_derivation_with_the_oracle_value() {
    let want = oracle("vector_rnn");
    let got = json_out(&[
        "derive",
        "examples/vector_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "W[1,2]",
        "--format",
        "json",
    ]);
    assert_eq!(got["check"]["status"], "verified");
    assert_close("W[1,2]", &got["total"]["value"], &want["gradients"]["L"]["W"][0][1]);
    // Scalar paths through the entries (the course draws the tensor graph).
    assert!(got["path_count"].as_str().unwrap().parse::<u64>().unwrap() > 3);
}

#[test]
fn the_rnn_gradient_is_written_as_a_textbook_writes_it() {
    let out = chainrule(&["derive", "examples/vector_rnn.chain", "--of", "L", "--wrt", "W"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    insta::assert_snapshot!("vector_rnn_dL_dW", text);
    // The pieces the course asks for, whatever the layout.
    for piece in [
        "\\sum_{t=1}^{3} \\operatorname{diag}\\left(\\mathbf{1} - \\boldsymbol{h}^{(t)} \\odot \\boldsymbol{h}^{(t)}\\right) \\left(\\nabla_{\\boldsymbol{h}^{(t)}} L\\right) {\\boldsymbol{x}^{(t)}}^{\\top}",
        "\\boldsymbol{U}^{\\top} \\operatorname{diag}",
        "\\boldsymbol{\\hat{y}}^{(t)} - \\boldsymbol{y}^{(t)}",
        "**Check: verified.**",
    ] {
        assert!(text.contains(piece), "missing {piece} in\n{text}");
    }
}

#[test]
fn eval_prints_vectors_whole() {
    let out = chainrule(&["eval", "examples/vector_rnn.chain"]);
    assert!(out.status.success());
    insta::assert_snapshot!("vector_rnn_eval", stdout(&out));
    let out = chainrule(&[
        "eval",
        "examples/vector_rnn.chain",
        "--of",
        "W'*h[2]",
        "--format",
        "latex",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("vector_rnn_eval_expression", stdout(&out));
}

/// A model with one slip, and what the error must say.
fn shape_error(model: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.chain");
    std::fs::write(&path, model).unwrap();
    let out = chainrule(&["eval", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{model}: {}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("m.chain:"), "not located: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn shape_mismatches_are_located_and_name_both_shapes() {
    let err = shape_error("param W: 2x2 = [[1,2],[3,4]]\nparam b: 3 = [1,2,3]\nh = tanh(W*b)\n");
    assert!(err.contains("a 2x2 matrix by a 3-vector"), "{err}");
    assert!(err.contains("m.chain:3:10"), "{err}");
    let err = shape_error("param a: 2 = [1,2]\nparam b: 3 = [1,2,3]\nL = a + b\n");
    assert!(err.contains("a 2-vector and a 3-vector"), "{err}");
    let err = shape_error("param W: 2x3 = [[1,2],[3,4]]\n");
    assert!(
        err.contains("declared a 2x3 matrix") && err.contains("its value is a 2x2 matrix"),
        "{err}"
    );
    let err = shape_error("param a: 2 = [1,2]\nL = a[3]\n");
    assert!(err.contains("outside a 2-vector"), "{err}");
    let err = shape_error("param a: 2 = [1,2]\nparam b: 2 = [3,4]\nL = a .* b + 1\n");
    assert!(err.contains("a 2-vector and a scalar"), "{err}");
    let err = shape_error("param a: 2 = [1,2]\nL = dot(a, [1, 2, 3])\n");
    assert!(err.contains("`dot` needs two vectors of one length"), "{err}");
    let err = shape_error("input x: 2 = [[1, 0], [0, 1, 2]]\nL = sum(x[1])\n");
    assert!(err.contains("one shape"), "{err}");
}

#[test]
fn a_whole_vector_where_a_number_is_needed_is_an_error_with_help() {
    let out = chainrule(&["derive", "examples/vector_rnn.chain", "--of", "h[2]", "--wrt", "W[1,1]"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("2-vector") && err.contains("h[2][1]"), "{err}");
}

#[test]
fn entries_and_transposes_evaluate_as_written() {
    // W' * h[2] = [W11 h1 + W21 h2, W12 h1 + W22 h2]; its first entry by hand.
    let whole = json_out(&[
        "eval",
        "examples/vector_rnn.chain",
        "--of",
        "W'*h[2]",
        "--format",
        "json",
    ]);
    let first = json_out(&[
        "eval",
        "examples/vector_rnn.chain",
        "--of",
        "W[1,1]*h[2][1] + W[2,1]*h[2][2]",
        "--format",
        "json",
    ]);
    assert_eq!(
        flat(&whole["values"][0]["value"])[0],
        flat(&first["values"][0]["value"])[0]
    );
    // outer and diag: exact, by hand: b = [1/10, -1/5].
    let o = json_out(&[
        "eval",
        "examples/vector_rnn.chain",
        "--of",
        "outer(b, b) - diag(b .* b)",
        "--format",
        "json",
    ]);
    let exact: Vec<Option<String>> = flat_or_null(&o["values"][0]["exact"]);
    let want = ["0/1", "-1/50", "-1/50", "0/1"];
    for (g, w) in exact.iter().zip(want) {
        assert_eq!(q(g.as_deref().unwrap()), q(w));
    }
}

#[test]
fn paths_by_a_matrix_count_the_graph_the_course_draws() {
    // W enters h[1], h[2], h[3]; from h[t], L is reached through yhat[t] or
    // through h[t+1]: 3 + 2 + 1 = 6 paths, by hand.
    let p = json_out(&[
        "paths",
        "examples/vector_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "W",
        "--format",
        "json",
    ]);
    assert_eq!(p["path_count"], "6");
    assert_eq!(p["paths"][0], serde_json::json!(["W", "h[1]", "yhat[1]", "L"]));
    assert_eq!(p["truncated"], false);
    // q enters every score s[k]; s[k] reaches alpha[k] directly and every
    // alpha[j] through the normaliser z: 3 + 3·3 = 12.
    let p = json_out(&[
        "paths",
        "examples/attention.chain",
        "--of",
        "L",
        "--wrt",
        "q",
        "--format",
        "json",
    ]);
    assert_eq!(p["path_count"], "12");
    // One entry counts scalar paths instead (more of them).
    let p = json_out(&[
        "paths",
        "examples/vector_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "W[1,2]",
        "--format",
        "json",
    ]);
    assert!(p["path_count"].as_str().unwrap().parse::<u64>().unwrap() > 6);
    let text = stdout(&chainrule(&[
        "paths",
        "examples/vector_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "W",
        "--max-paths",
        "2",
    ]));
    assert!(text.starts_with("6 paths from W to L"), "{text}");
    assert!(
        text.contains("the first 2 are listed") && text.contains("--wrt 'W[1,1]'"),
        "{text}"
    );
}

#[test]
fn the_adjoint_of_a_vector_quantity_at_a_step_is_a_matrix_form_derivation() {
    // ∇_{h^{(2)}} L, printed as the gradient itself, against the oracle's
    // total derivative dL/dh[2].
    for (name, wrt) in [("vector_rnn", "h[2]"), ("vector_lstm", "c[1]")] {
        let want = oracle(name);
        let got = json_out(&[
            "derive",
            &format!("examples/{name}.chain"),
            "--of",
            "L",
            "--wrt",
            wrt,
            "--format",
            "json",
        ]);
        assert_eq!(got["check"]["status"], "verified", "{name} {wrt}");
        assert_close(
            &format!("{name} ∇{wrt}"),
            &got["total"]["value"],
            &want["gradients"]["delta"][wrt],
        );
    }
}

/// A squared error summed over a vector: `∇_{h⁽³⁾} L` is written as a
/// person writes it, `2(h⁽³⁾ − y⁽³⁾)` (it was `(h − y) ⊙ 1 + (h − y) ⊙ 1`,
/// the two halves of the Hadamard square and the ones the sum passes back),
/// and its value is twice the error, computed here from `eval`'s h⁽³⁾ by hand.
#[test]
fn a_squared_error_passes_back_twice_the_error() {
    let model = "param W: 2x2 = [[1/2, -1/3], [1/4, 2/3]]\n\
                 param U: 2x2 = [[1/5, 1/2], [-1/2, 1/3]]\n\
                 input x: 2 = [[1, 0], [0, 1], [2, -1]]\n\
                 target y: 2 = [[0, 0], [0, 0], [1/2, -1/2]]\n\
                 h[0] = zeros(2)\n\
                 h[t] = tanh(W*x[t] + U*h[t-1])\n\
                 L = sum((h[3] - y[3]) .* (h[3] - y[3]))\n";
    let path = std::env::temp_dir().join(format!("chainrule_sq_{}.chain", std::process::id()));
    std::fs::write(&path, model).unwrap();
    let file = path.to_str().unwrap();
    let d = json_out(&["derive", file, "--of", "L", "--wrt", "W", "--format", "json"]);
    let h3 = json_out(&["eval", file, "--of", "h[3]", "--format", "json"]);
    std::fs::remove_file(&path).ok();
    let adj = &d["adjoints"][0];
    assert_eq!(adj["name"], "h[3]");
    assert_eq!(
        adj["latex"],
        "2 \\left(\\boldsymbol{h}^{(3)} - \\boldsymbol{y}^{(3)}\\right)"
    );
    assert_eq!(d["check"]["status"], "verified", "{d}");
    let y = [Q::ratio(1, 2), Q::ratio(-1, 2)];
    for k in 0..2 {
        let h = q(h3["values"][0]["value"][k].as_str().unwrap());
        let want = (h - y[k].clone()) * Q::int(2);
        let got = q(adj["value"][k].as_str().unwrap());
        let diff = if got > want { &got - &want } else { &want - &got };
        assert!(
            diff < Q::ratio(1, 1_000_000_000_000),
            "entry {k}: {got:?} against 2(h - y) = {want:?}"
        );
    }
}
