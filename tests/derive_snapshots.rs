//! The worked derivation of every example, in Markdown and as a LaTeX
//! fragment, snapshotted whole. Each snapshot was read before it was
//! accepted; a change to one is a change to what students are handed.

use chainrule::calculus::steps::Granularity;
use chainrule::query::{derive, load, DeriveRequest};
use chainrule::render::derivation::{derived_view, ViewOptions};
use chainrule::render::template::render;

/// A meaningful question for each example model.
fn query(model: &str) -> (&'static str, &'static str) {
    match model {
        "elman.chain" => ("L(y[2])", "w1"),
        "tanh_bptt.chain" => ("J", "u"),
        "lstm.chain" => ("L", "bo"),
        "deep_residual.chain" => ("L", "w2"),
        "bidirectional.chain" => ("L", "w"),
        "gated_memory.chain" => ("y[3]", "w2"),
        "alternating.chain" => ("y[3]", "x[1]"),
        "sigmoid_rnn.chain" => ("L", "w"),
        "tanh_rnn.chain" => ("L", "u"),
        "skip_rnn.chain" => ("L", "c"),
        // Vector models: one entry as a scalar derivation (tests/tensor.rs
        // snapshots the matrix form).
        "vector_rnn.chain" => ("L", "c[2]"),
        "attention.chain" => ("L", "r[1]"),
        "vector_lstm.chain" => ("L", "r[2]"),
        "vector_bptt.chain" => ("L", "c[2]"),
        "equality_detector.chain" => ("y[4]", "v[1]"),
        other => panic!("add a query for {other} in tests/derive_snapshots.rs"),
    }
}

#[test]
fn every_example_derives() {
    insta::glob!("../examples", "*.chain", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (of, wrt) = query(name);
        let src = std::fs::read_to_string(path).unwrap();
        let model = load(&src, &[]).unwrap();
        for granularity in [Granularity::Operations, Granularity::Equations] {
            let req = DeriveRequest {
                of: of.into(),
                wrt: wrt.into(),
                steps: None,
                max_paths: 8,
                digits: 6,
                seed: 1,
                granularity,
                ..Default::default()
            };
            let d = derive(&model, &req).unwrap();
            assert!(d.derivation.proof.verified, "{name}: check failed");
            let opts = ViewOptions {
                granularity,
                ..ViewOptions::default()
            };
            let v = derived_view(&d, &model, &req, &opts);
            let md = render(&v, "derivation.md.jinja", None).unwrap();
            if granularity == Granularity::Operations {
                let tex = render(&v, "derivation.tex.jinja", None).unwrap();
                insta::assert_snapshot!("markdown", md);
                insta::assert_snapshot!("latex", tex);
            } else {
                // The same derivation, one step per equation.
                insta::assert_snapshot!("equations", md);
            }
        }
    });
}
