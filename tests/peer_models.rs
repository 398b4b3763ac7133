//! The benchmark models of `benches/models/m{1,2,3}.chain` against the SymPy
//! peer (`../shared/bench/peer_bench.py`): same equations, inputs and
//! parameter values, so the same gradient.
//!
//! Every figure below was recorded from SymPy 1.14, 45 significant digits:
//!
//! ```text
//! import sys, sympy; sys.path.insert(0, "../shared/bench"); import peer_bench as pb
//! B = pb.SympyBackend()
//! for m, T in [("M1", 2), ("M1", 3), ("M1", 8), ("M2", 2), ("M2", 3), ("M3", 2), ("M3", 3)]:
//!     L, p, s = pb.MODELS[m](B, T)
//!     vals = {s[n]: B.rational(q) for n, q in pb.param_values(list(s)).items()}
//!     print(m, T, sympy.N(L.diff(p).subs(vals), 45))
//! ```
//!
//! Path counts are the peer's own counter (`peer_bench.count_paths` over its
//! recording `GraphBackend`), with one change: the peer writes the boundary
//! `h_0 = c_0 = 0` as the integer 0, which its backend folds away with every
//! product it enters, while chainrule keeps a boundary value as a node of
//! its own (a path count is a property of the graph, not of the data). So
//! the figures for M3 come from the peer's `model_m3` with `h, c =
//! B.symbol("h0"), B.symbol("c0")`: T = 2 → 6, T = 3 → 30 (with the zeros
//! folded the peer gives 1 and 6). M1 and M2 differentiate by an input
//! weight, whose paths no boundary product touches.

mod common;
use chainrule::model::Setting;
use chainrule::query::{derive, load, DeriveRequest};
use common::assert_agrees;

fn model_text(name: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("benches/models")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Derives `∂L/∂wrt` at horizon `t` and checks the verified total against
/// SymPy's value and the peer's path count.
fn check(file: &str, wrt: &str, t: i64, sympy: &str, paths: u64) {
    let model = load(&model_text(file), &[format!("T={t}").parse::<Setting>().unwrap()]).expect("model loads");
    let req = DeriveRequest {
        of: "L".into(),
        wrt: wrt.into(),
        steps: None,
        max_paths: 50,
        digits: 40,
        seed: 1,
        granularity: Default::default(),
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap_or_else(|e| panic!("{file} T={t}: {e}"));
    assert!(d.derivation.proof.verified, "{file} T={t}: check failed");
    assert_eq!(d.derivation.path_count, paths.into(), "{file} T={t}: path count");
    assert_agrees(&d.derivation.total_value, sympy, 40);
}

#[test]
fn m1_elman_matches_sympy() {
    check(
        "m1.chain",
        "w1",
        2,
        "0.191920648122157660328166822297424891865544641",
        2,
    );
    check(
        "m1.chain",
        "w1",
        3,
        "0.00771366315749697534499607490585825987593536486",
        3,
    );
    check(
        "m1.chain",
        "w1",
        8,
        "0.197625864078893688776428039046173086216184546",
        8,
    );
}

#[test]
fn m2_tanh_rnn_matches_sympy() {
    check(
        "m2.chain",
        "w1",
        2,
        "0.446638279105882230525462786193534555148227540",
        3,
    );
    check(
        "m2.chain",
        "w1",
        3,
        "0.825284160113780019457072913157673494675363264",
        6,
    );
}

#[test]
fn m3_lstm_matches_sympy() {
    check(
        "m3.chain",
        "uf",
        2,
        "-0.00150781218789343888581891181472099259398760507",
        6,
    );
    check(
        "m3.chain",
        "uf",
        3,
        "-0.00131026275891360127465405882491453219441235532",
        30,
    );
}
