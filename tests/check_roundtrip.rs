//! Round trip: every derivation chainrule emits, for every example, in
//! Markdown and LaTeX and at both granularities, is read back by its own
//! checker. Every claim in it must hold: `correct`, or `approximate` for the
//! decimals it prints after `\approx` (rounded, by definition not exact).
//! Anything else means the printer and the reader disagree about what a
//! formula says, or the derivation is wrong.

use chainrule::calculus::steps::Granularity;
use chainrule::check::{check_document, CheckOptions, DocKind, Verdict};
use chainrule::query::{derive, load, DeriveRequest};
use chainrule::render::derivation::{derived_view, ViewOptions};
use chainrule::render::template::render;

/// The questions tests/derive_snapshots.rs asks of each example.
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
        // Vector models: one entry, a scalar derivation (the matrix form is
        // checked in tests/tensor.rs).
        "vector_rnn.chain" => ("L", "W[1,2]"),
        "attention.chain" => ("L", "Wo[2,1]"),
        "vector_lstm.chain" => ("L", "Wf[1,1]"),
        "vector_bptt.chain" => ("L", "U[2,1]"),
        "equality_detector.chain" => ("y[4]", "v[1]"),
        other => panic!("add a query for {other} in tests/check_roundtrip.rs"),
    }
}

#[test]
fn every_emitted_derivation_checks_correct() {
    let mut failures = Vec::new();
    let mut examples = 0;
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("chain") {
            continue;
        }
        examples += 1;
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let (of, wrt) = query(&name);
        let src = std::fs::read_to_string(&path).unwrap();
        let model = load(&src, &[]).unwrap();
        let mut req = DeriveRequest {
            of: of.into(),
            wrt: wrt.into(),
            steps: None,
            max_paths: 8,
            digits: 6,
            seed: 1,
            granularity: Default::default(),
            ..Default::default()
        };
        let d = derive(&model, &req).unwrap();
        // Leaves without values were filled with seeded random values, which
        // the emitted document states; the checker is given the same ones,
        // as a reader would pass them with `--set`.
        let mut plain = Vec::new();
        let mut seqs: std::collections::BTreeMap<String, Vec<(i64, String)>> = Default::default();
        for (_, label, q) in d.random.iter().flat_map(|r| &r.values) {
            match label.split_once('[') {
                Some((name, k)) => seqs
                    .entry(name.to_string())
                    .or_default()
                    .push((k.trim_end_matches(']').parse().unwrap(), q.to_string())),
                None => plain.push(format!("{label}={q}")),
            }
        }
        // A sequence is set whole: its random steps are 1..=n.
        for (name, mut vals) in seqs {
            vals.sort();
            assert!(
                vals.iter().enumerate().all(|(i, (k, _))| *k == i as i64 + 1),
                "{name}: gaps"
            );
            let list: Vec<String> = vals.into_iter().map(|(_, q)| q).collect();
            plain.push(format!("{name}=[{}]", list.join(",")));
        }
        let settings: Vec<chainrule::model::Setting> = plain.iter().map(|s| s.parse().unwrap()).collect();
        let checked_model = load(&src, &settings).unwrap();
        for gran in [Granularity::Operations, Granularity::Equations] {
            req.granularity = gran;
            let d = derive(&model, &req).unwrap();
            let opts = ViewOptions {
                granularity: gran,
                ..ViewOptions::default()
            };
            let v = derived_view(&d, &model, &req, &opts);
            for (template, kind) in [
                ("derivation.md.jinja", DocKind::Markdown),
                ("derivation.tex.jinja", DocKind::Tex),
            ] {
                let doc = render(&v, template, None).unwrap();
                let report = check_document(&checked_model, &doc, kind, &CheckOptions::default());
                let claims = report.claims.len();
                if claims == 0 {
                    failures.push(format!("{name} {gran:?} {template}: no claims read"));
                }
                for c in &report.claims {
                    if !matches!(c.verdict, Verdict::Correct | Verdict::Approximate) {
                        failures.push(format!(
                            "{name} {gran:?} {template}:{}:{}: {} `{}` expected {} got {} ({})",
                            c.line,
                            c.column,
                            c.verdict.name(),
                            c.source,
                            c.expected,
                            c.got,
                            c.note
                        ));
                    }
                }
            }
        }
    }
    assert!(examples >= 7, "examples/ should hold the course models");
    assert!(
        failures.is_empty(),
        "{} claims did not hold:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
