//! Round trip at a general step: every general derivation chainrule prints
//! (recurrence, product form, sum over steps for each parameter; Markdown
//! and LaTeX) is read back by its own checker, which judges each line with
//! `t` at every step of the horizon and each line with `T` at the horizon.
//! Nothing may be wrong, arithmetic or unparsed. The one name a checker
//! cannot know is `\ell_{s}` or `\ell_{t}` (the loss term at a step, which the derivation
//! introduces in its text): those lines may be unknown-symbol.

use chainrule::{
    check_document, derive_general, general_output, load, CheckOptions, DocKind, Format, GeneralRequest, Verdict,
};

fn example(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .unwrap()
}

#[test]
fn general_derivations_check_back() {
    let cases: &[(&str, &[&str])] = &[
        ("sigmoid_rnn.chain", &["h[t]", "h[0]", "w", "u", "b"]),
        ("tanh_rnn.chain", &["h[t]", "h[0]", "w", "u", "v"]),
        ("skip_rnn.chain", &["h[t]", "h[0]", "a", "c"]),
        ("lstm.chain", &["h[t]", "c[t]", "h[0]", "uf", "ui", "wo"]),
    ];
    let mut failures = Vec::new();
    let mut read = 0;
    for (file, wrts) in cases {
        let src = example(file);
        let model = load(&src, &[]).unwrap();
        for wrt in *wrts {
            let req = GeneralRequest {
                of: "L".into(),
                wrt: (*wrt).into(),
                seed: 1,
            };
            let Ok(d) = derive_general(&src, &[], &req) else {
                failures.push(format!("{file} {wrt}: derive --general failed"));
                continue;
            };
            for (format, kind) in [(Format::Markdown, DocKind::Markdown), (Format::Latex, DocKind::Tex)] {
                let doc = general_output(&d, format, None).unwrap();
                let report = check_document(&model, &doc, kind, &CheckOptions::default());
                read += report.claims.len();
                if report.claims.is_empty() {
                    failures.push(format!("{file} {wrt} {kind:?}: no claim read"));
                }
                for c in &report.claims {
                    let allowed = match c.verdict {
                        Verdict::Correct | Verdict::Approximate => true,
                        Verdict::UnknownSymbol => c.source.contains("\\ell_{"),
                        _ => false,
                    };
                    if !allowed {
                        failures.push(format!(
                            "{file} {wrt} {kind:?} {}:{} {} `{}`: {}",
                            c.line,
                            c.column,
                            c.verdict.name(),
                            c.source,
                            c.note
                        ));
                    }
                }
            }
        }
    }
    assert!(read > 50, "only {read} claims read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
