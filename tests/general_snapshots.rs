//! The general derivation of every example with a horizon const, in
//! Markdown and as a LaTeX fragment, snapshotted whole. Each snapshot was
//! read before it was accepted.

use chainrule::{derive_general, general_output, Format, GeneralRequest};

/// The questions asked of each model at a general step.
fn questions(model: &str) -> &'static [&'static str] {
    match model {
        "sigmoid_rnn.chain" => &["h[t]", "h[0]", "w"],
        "tanh_rnn.chain" => &["h[t]", "h[0]", "u"],
        "skip_rnn.chain" => &["h[t]", "c"],
        "lstm.chain" => &["h[t]", "uf"],
        _ => &[],
    }
}

#[test]
fn every_general_example_derives() {
    insta::glob!("../examples", "*.chain", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let src = std::fs::read_to_string(path).unwrap();
        for wrt in questions(name) {
            let req = GeneralRequest {
                of: "L".into(),
                wrt: wrt.to_string(),
                seed: 1,
            };
            let d = derive_general(&src, &[], &req).unwrap_or_else(|e| panic!("{name} {wrt}: {e}"));
            assert!(d.general.verified, "{name} {wrt}: check failed");
            let md = general_output(&d, Format::Markdown, None).unwrap();
            let tex = general_output(&d, Format::Latex, None).unwrap();
            let slug = wrt.replace(['[', ']'], "_");
            insta::assert_snapshot!(format!("markdown_{slug}"), md);
            insta::assert_snapshot!(format!("latex_{slug}"), tex);
        }
    });
}
