//! Path counts and path listings against `problems/EXPECTED.md` (an
//! independent implementation: an op-level hash-consed DAG in another
//! language). Every figure below is copied from it; the section is cited.

use chainrule::calculus::paths::{count_paths, paths};
use chainrule::graph::{Graph, NodeId};
use chainrule::model::{Model, Setting};
use chainrule::notation::text::{text_symbol_or_expr, TextNames};
use chainrule::query::{diff_query, load, DiffQuery};
use num_bigint::BigUint;
use std::collections::HashSet;
use std::path::PathBuf;

fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn model(file: &str, settings: &[&str]) -> Model {
    let settings: Vec<Setting> = settings.iter().map(|s| s.parse().expect("setting")).collect();
    load(&example(file), &settings).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn query(m: &Model, of: &str, wrt: &str) -> DiffQuery {
    diff_query(m, of, wrt, None).unwrap_or_else(|e| panic!("d({of})/d({wrt}): {e}"))
}

/// Every listed path starts at `from`, ends at `to`, and each step goes from
/// a node to a parent that uses it. Returns how many were listed.
fn check_listing(graph: &Graph, from: NodeId, to: NodeId, distinct: bool) -> usize {
    let mut seen = HashSet::new();
    let mut n = 0;
    for p in paths(graph, from, to) {
        assert_eq!(p.first(), Some(&from));
        assert_eq!(p.last(), Some(&to));
        for w in p.windows(2) {
            assert!(
                graph.node(w[1]).children().any(|c| c == w[0]),
                "{:?} is not a child of {:?}",
                w[0],
                w[1]
            );
        }
        if distinct {
            assert!(seen.insert(p), "a path is listed twice");
        }
        n += 1;
    }
    n
}

/// The count of paths from `wrt` to `of`, checked against the listing when
/// it is small (≤ 10,000 paths).
fn count(file: &str, settings: &[&str], of: &str, wrt: &str) -> BigUint {
    let m = model(file, settings);
    let q = query(&m, of, wrt);
    let n = count_paths(&q.graph, q.wrt, q.of);
    if n <= BigUint::from(10_000u32) {
        let listed = check_listing(&q.graph, q.wrt, q.of, true);
        assert_eq!(
            BigUint::from(listed),
            n,
            "{file}: listing and count of d({of})/d({wrt}) differ"
        );
    }
    n
}

fn big(s: &str) -> BigUint {
    s.parse().unwrap()
}

#[test]
fn elman_counts() {
    // EXPECTED.md, "elman.chain", Paths and derivatives: 1, 2, 3, 1, 6 (= 1 + 2 + 3).
    assert_eq!(count("elman.chain", &[], "L(y[1])", "w1"), big("1"));
    assert_eq!(count("elman.chain", &[], "L(y[2])", "w1"), big("2"));
    assert_eq!(count("elman.chain", &[], "L(y[3])", "w1"), big("3"));
    assert_eq!(count("elman.chain", &[], "L(y[2])", "v"), big("1"));
    assert_eq!(count("elman.chain", &[], "J", "w1"), big("6"));
}

#[test]
fn elman_the_two_paths_to_l_y2() {
    // EXPECTED.md, "The two paths to L(y[2])": one through x1[2] directly
    // into step 2, one through h[1] (into step 1, then along u).
    let m = model("elman.chain", &[]);
    let q = query(&m, "L(y[2])", "w1");
    let names = TextNames::new(&m);
    let listed: Vec<Vec<String>> = paths(&q.graph, q.wrt, q.of)
        .map(|p| p.iter().map(|&id| text_symbol_or_expr(&q.graph, id, &names)).collect())
        .collect();
    assert_eq!(listed.len(), 2);
    let through_h1: Vec<bool> = listed.iter().map(|p| p.iter().any(|l| l == "h[1]")).collect();
    assert_eq!(through_h1.iter().filter(|&&b| b).count(), 1, "{listed:?}");
    for (p, h1) in listed.iter().zip(&through_h1) {
        // The second node is the product of w1 with the input of the step entered.
        let step = if *h1 { "w1*x1[1]" } else { "w1*x1[2]" };
        assert_eq!(p[1], step, "{p:?}");
        assert!(p.iter().any(|l| l == "h[2]"), "{p:?}");
        assert!(p.iter().any(|l| l == "y[2]"), "{p:?}");
    }
    // The rendered forms use the texts the user gave at both ends.
    let n = count_paths(&q.graph, q.wrt, q.of);
    let ids: Vec<Vec<NodeId>> = paths(&q.graph, q.wrt, q.of).collect();
    let text = chainrule::render::path_list::text(&m, &q, &n, &ids);
    assert!(text.starts_with("2 paths from w1 to L(y[2])\n"), "{text}");
    assert!(text.contains("  1. w1 → "), "{text}");
    assert!(text.contains(" → L(y[2])\n"), "{text}");
    assert!(!text.contains("more"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&chainrule::render::path_list::json(&m, &q, &n, &ids)).unwrap();
    assert_eq!(json["path_count"], "2");
    assert_eq!(json["truncated"], false);
    assert_eq!(json["of"], "L(y[2])");
    assert_eq!(json["wrt"], "w1");
    let jp = json["paths"].as_array().unwrap();
    assert_eq!(jp.len(), 2);
    for p in jp {
        let p = p.as_array().unwrap();
        assert_eq!(p.first().unwrap(), "w1");
        assert_eq!(p.last().unwrap(), "L(y[2])");
    }
}

#[test]
fn tanh_bptt_counts() {
    // EXPECTED.md, "tanh_bptt.chain": paths to J from w, u, v, b: 10, 10, 4, 10.
    for (wrt, n) in [("w", "10"), ("u", "10"), ("v", "4"), ("b", "10")] {
        assert_eq!(count("tanh_bptt.chain", &[], "J", wrt), big(n), "wrt {wrt}");
    }
}

#[test]
fn lstm_counts() {
    // EXPECTED.md, "lstm.chain (T = 3)": paths to L from uf, wc, bo: 30, 30, 24.
    for (wrt, n) in [("uf", "30"), ("wc", "30"), ("bo", "24")] {
        assert_eq!(count("lstm.chain", &[], "L", wrt), big(n), "wrt {wrt}");
    }
}

/// `x=[...]` with `len` values, so every step up to `len` has data.
fn long_input(len: usize) -> String {
    let pattern = ["1", "-1", "2", "1", "-2", "1", "1", "-1"];
    let vals: Vec<&str> = (0..len).map(|i| pattern[i % pattern.len()]).collect();
    format!("x=[{}]", vals.join(","))
}

#[test]
fn lstm_counts_for_other_horizons() {
    // EXPECTED.md, "Paths from uf to L when the loss is taken at h[T], for
    // other horizons".
    let table = [
        (1, "1"),
        (2, "6"),
        (4, "145"),
        (5, "696"),
        (6, "3336"),
        (10, "1758241"),
        (20, "11209883884350"),
        (50, "2905152937180128553676892094340166"),
    ];
    for (t, n) in table {
        let set_t = format!("T={t}");
        let x = long_input(t.max(8));
        assert_eq!(count("lstm.chain", &[&set_t, &x], "L", "uf"), big(n), "T = {t}");
        if t <= 8 {
            // The model's own data covers the horizon.
            assert_eq!(count("lstm.chain", &[&set_t], "L", "uf"), big(n), "T = {t}");
        }
    }
}

#[test]
fn lstm_horizon_beyond_the_data_has_the_same_structure() {
    // Steps beyond the 8 given inputs: x[t] is then a leaf without a value,
    // and the graph has the same shape. EXPECTED.md, same table: T = 10.
    let m = model("lstm.chain", &["T=10"]);
    let q = diff_query(&m, "L", "uf", None).expect("x[9] and x[10] are free leaves");
    assert_eq!(count_paths(&q.graph, q.wrt, q.of), big("1758241"));
}

#[test]
fn lstm_100_steps_counts_and_lists_quickly() {
    // DESIGN.md, "Paths and derivatives": an LSTM unrolled 100 steps has more
    // than 10^60 paths from one recurrent weight to the loss.
    let x = long_input(100);
    let m = model("lstm.chain", &["T=100", &x]);
    let q = query(&m, "L", "uf");
    let n = count_paths(&q.graph, q.wrt, q.of);
    assert!(n > BigUint::from(10u32).pow(60), "{n}");
    let first: Vec<Vec<NodeId>> = paths(&q.graph, q.wrt, q.of).take(50).collect();
    assert_eq!(first.len(), 50);
    for p in &first {
        assert_eq!(p.first(), Some(&q.wrt));
        assert_eq!(p.last(), Some(&q.of));
    }
    for w in first.windows(2) {
        assert!(w[0] < w[1], "listed in lexicographic order, no repeats");
    }
    let text = chainrule::render::path_list::text(&m, &q, &n, &first);
    let more = &n - BigUint::from(50u32);
    assert!(
        text.ends_with(&format!("… and {more} more (showing the first 50; --max-paths)\n")),
        "{}",
        text.lines().last().unwrap_or_default()
    );
    let json: serde_json::Value =
        serde_json::from_str(&chainrule::render::path_list::json(&m, &q, &n, &first)).unwrap();
    assert_eq!(json["path_count"], n.to_string());
    assert_eq!(json["truncated"], true);
    assert_eq!(json["paths"].as_array().unwrap().len(), 50);
}

#[test]
fn max_paths_zero_prints_the_count_alone() {
    // `--max-paths 0`: the count line, and no "… and 2 more (showing the
    // first 0)" after it; JSON still says the listing is cut short.
    let m = model("elman.chain", &[]);
    let q = query(&m, "L(y[2])", "w1");
    let n = count_paths(&q.graph, q.wrt, q.of);
    let none = chainrule::calculus::paths::listed_paths(&q.graph, q.wrt, q.of, 0);
    assert!(none.is_empty());
    let text = chainrule::render::path_list::text(&m, &q, &n, &none);
    assert_eq!(text, "2 paths from w1 to L(y[2])\n");
    let md = chainrule::render::path_list::markdown(&m, &q, &n, &none);
    assert_eq!(md, "**2 paths** from `w1` to `L(y[2])`\n");
    let json: serde_json::Value = serde_json::from_str(&chainrule::render::path_list::json(&m, &q, &n, &none)).unwrap();
    assert_eq!(json["truncated"], true);
    assert_eq!(json["paths"].as_array().unwrap().len(), 0);
}

#[test]
fn bidirectional_count() {
    // EXPECTED.md, "bidirectional.chain": paths from w to L: 4.
    assert_eq!(count("bidirectional.chain", &[], "L", "w"), big("4"));
}

#[test]
fn deep_residual_counts() {
    // EXPECTED.md, "deep_residual.chain": paths to L from w1, w2, v: 9, 3, 1.
    for (wrt, n) in [("w1", "9"), ("w2", "3"), ("v", "1")] {
        assert_eq!(count("deep_residual.chain", &[], "L", wrt), big(n), "wrt {wrt}");
    }
}

#[test]
fn a_doubled_edge_is_two_paths() {
    // LANGUAGE.md §2: paths are directed paths of the op-level DAG, whose
    // edges count with multiplicity: w*w uses w twice.
    let m = load("param w = 3\nJ = w*w\n", &[]).unwrap();
    let q = query(&m, "J", "w");
    assert_eq!(count_paths(&q.graph, q.wrt, q.of), big("2"));
    assert_eq!(check_listing(&q.graph, q.wrt, q.of, false), 2);
    let listed: Vec<Vec<NodeId>> = paths(&q.graph, q.wrt, q.of).collect();
    // The two paths differ only in the edge taken, not in their nodes.
    assert_eq!(listed[0], listed[1]);
}

#[test]
fn no_dependence_is_no_path() {
    // elman.chain: L(y[1]) does not depend on x1[2].
    let m = model("elman.chain", &[]);
    let q = query(&m, "L(y[1])", "x1[2]");
    assert_eq!(count_paths(&q.graph, q.wrt, q.of), big("0"));
    assert_eq!(paths(&q.graph, q.wrt, q.of).count(), 0);
    let text = chainrule::render::path_list::text(&m, &q, &BigUint::from(0u32), &[]);
    assert_eq!(text, "0 paths from x1[2] to L(y[1])\n");
}

/// A path count is a property of the graph, not of the data: a boundary
/// value of 0 (or 1) keeps `u*h[0]` an operation of its own, as 1/5 does
/// (issue 11). The figures: EXPECTED.md, "elman.chain" (2 paths from w1 to
/// L(y[2]), and by the same graph 2 from u: one through `u*h[1]`, one
/// through `u*h[0]`) and "lstm.chain" (6 paths from uf at T = 2, whose
/// h[0] = 1/10 is not zero).
#[test]
fn a_zero_boundary_keeps_its_paths() {
    for h0 in ["0", "1", "1/5"] {
        let src = example("elman.chain").replace("h[0] = 1/5", &format!("h[0] = {h0}"));
        let m = load(&src, &[]).unwrap();
        let q = query(&m, "L(y[2])", "u");
        assert_eq!(count_paths(&q.graph, q.wrt, q.of), BigUint::from(2u32), "h[0] = {h0}");
        // By h[0] itself: one path, along u*h[0] into step 1.
        let q0 = query(&m, "L(y[2])", "h[0]");
        assert_eq!(
            count_paths(&q0.graph, q0.wrt, q0.of),
            BigUint::from(1u32),
            "h[0] = {h0}"
        );
        // derive counts the same graph.
        let req = chainrule::query::DeriveRequest {
            of: "L(y[2])".into(),
            wrt: "u".into(),
            steps: None,
            max_paths: 50,
            digits: 40,
            seed: 1,
            granularity: Default::default(),
            ..Default::default()
        };
        let d = chainrule::query::derive(&m, &req).unwrap();
        assert_eq!(d.derivation.path_count, BigUint::from(2u32), "derive, h[0] = {h0}");
        assert!(d.derivation.proof.verified);
    }
    let zero = example("lstm.chain")
        .replace("h[0] = 1/10", "h[0] = 0")
        .replace("c[0] = -1/10", "c[0] = 0");
    let m = load(&zero, &["T=2".parse().unwrap()]).unwrap();
    let q = query(&m, "L", "uf");
    assert_eq!(count_paths(&q.graph, q.wrt, q.of), BigUint::from(6u32));
}
