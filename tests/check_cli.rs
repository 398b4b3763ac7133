//! `chainrule check` as a student and a grader use it: the report on the
//! Elman sample says what examples/elman_student.expected.md says, in
//! words a grader would sign; bad and hostile input is refused with exit 2
//! or read as `unparsed`, never a crash; output is deterministic.

mod common;
use common::cli::{chainrule, root};

use chainrule::check::{check_document, CheckOptions, DocKind, Verdict};
use chainrule::query::load;
use proptest::prelude::*;
use serde_json::Value as Json;
use std::path::PathBuf;

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8")
}

const SAMPLE: [&str; 4] = ["check", "examples/elman_student.md", "--model", "examples/elman.chain"];

#[test]
fn the_elman_sample_reads_as_its_answer_key() {
    let o = chainrule(&[&SAMPLE[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(1), "wrong claims exit 1: {}", text(&o.stderr));
    let j: Json = serde_json::from_str(&text(&o.stdout)).unwrap();
    let claims = j["claims"].as_array().unwrap();
    let verdicts: Vec<&str> = claims.iter().map(|c| c["verdict"].as_str().unwrap()).collect();
    assert_eq!(
        verdicts,
        [
            "correct",
            "correct",
            "correct",
            "correct",
            "arithmetic",
            "approximate",
            "correct",
            "correct",
            "wrong",
            "wrong",
            "approximate"
        ]
    );
    // Every field LANGUAGE.md names, as strings (line and column are numbers).
    for c in claims {
        for f in ["source", "verdict", "expected", "got", "note"] {
            assert!(c[f].is_string(), "{f} in {c}");
        }
        assert!(c["line"].as_u64().unwrap() >= 1 && c["column"].as_u64().unwrap() >= 1);
    }
    let note = |i: usize| claims[i]["note"].as_str().unwrap();
    // Row 5: the left side is 223/60, which the model agrees with.
    assert!(claims[4]["expected"].as_str().unwrap().starts_with("223/60"));
    assert!(note(4).contains("the model agrees with the left side"));
    // Row 7: one path, not the total, said so.
    assert!(
        note(6).contains("one path") && note(6).contains("x_{1}^{(2)}"),
        "{}",
        note(6)
    );
    // Row 9: the factor u = ∂(u h⁽¹⁾)/∂h⁽¹⁾ is missing.
    assert!(
        note(8).contains("a factor u = \\partial \\left(u h^{(1)}\\right) / \\partial h^{(1)} is missing"),
        "{}",
        note(8)
    );
    // Row 10: swapping the steps of x₁ makes it right.
    assert!(note(9).contains("swapping the steps of x_{1}"), "{}", note(9));
    // Row 11: −0.046591… rounds to −0.0466.
    assert!(note(10).contains("rounds to -0.0466"), "{}", note(10));
    // Claims are located at their right side: row 5 is `3.75` on line 10.
    let row5 = &claims[4];
    let line = std::fs::read_to_string(root().join(SAMPLE[1])).unwrap();
    let l = line.lines().nth(row5["line"].as_u64().unwrap() as usize - 1).unwrap();
    let col = row5["column"].as_u64().unwrap() as usize - 1;
    assert!(l.chars().skip(col).collect::<String>().starts_with("3.75"), "{l}");
    assert_eq!(j["summary"]["correct"], 6);
    assert_eq!(j["summary"]["wrong"], 2);
}

#[test]
fn the_text_report_reads_like_a_compiler() {
    let o = chainrule(&SAMPLE);
    let out = text(&o.stdout);
    assert!(out.contains("examples/elman_student.md:10:86: arithmetic"), "{out}");
    assert!(out.contains("= expected: 223/60"), "{out}");
    assert!(out.contains("= hint: "), "{out}");
    assert!(out
        .contains("11 claims checked (6 correct, 2 approximate, 1 arithmetic, 2 wrong); random points seeded with 1"));
    // Byte for byte the same on a second run.
    assert_eq!(chainrule(&SAMPLE).stdout, o.stdout);
}

fn scratch(name: &str, body: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chainrule-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn an_all_correct_document_exits_zero() {
    // y⁽¹⁾ = σ(3/2 · 33/20 − 1/2) = σ(1.975) = 1/(1 + e^{−1.975}) = 0.87815… by hand.
    let p = scratch(
        "right.md",
        b"$$h^{(1)} = \\frac{1}{2} \\cdot 2 + 0 + 2 \\cdot \\frac{1}{5} + \\frac{1}{4} = 1.65$$\n\n$y^{(1)} \\approx 0.8781$\n",
    );
    let o = chainrule(&["check", p.to_str().unwrap(), "--model", "examples/elman.chain"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("3 claims checked (2 correct, 1 approximate)"), "{out}");
}

#[test]
fn bad_input_exits_two_with_a_message() {
    let model = "examples/elman.chain";
    let missing = chainrule(&["check", "no/such/answer.md", "--model", model]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read `no/such/answer.md`"));

    let latin1 = scratch("latin1.md", b"$h^{(1)} = 1.65$ caf\xe9\n");
    let o = chainrule(&["check", latin1.to_str().unwrap(), "--model", model]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not UTF-8"), "{}", text(&o.stderr));

    let huge = scratch("huge.md", &vec![b'a'; 5 << 20]);
    let o = chainrule(&["check", huge.to_str().unwrap(), "--model", model]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("larger than 4 MiB"));

    // A broken model is located with a caret, as everywhere else.
    let bad_model = scratch("bad.chain", b"param w = \nh[t] = w *\n");
    let o = chainrule(&["check", SAMPLE[1], "--model", bad_model.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("bad.chain"), "{}", text(&o.stderr));
}

#[test]
fn hostile_formulas_are_limits_not_crashes() {
    let deep = format!("$$x = {}1{}$$\n", "(".repeat(100_000), ")".repeat(100_000));
    let cases: Vec<String> = vec![
        deep,
        format!("$$h^{{(1)}} = {}$$\n", "9".repeat(5_000)),
        "$$h^{(1)} = 2^{1000000}$$\n".to_string(),
        "$$h^{(1)} = \\sum_{i=1}^{1000000000} i$$\n".to_string(),
        "$a = b$ and $b = a$ then $$h^{(1)} = a$$\n".to_string(),
        "$$h^{(99999)} = 1$$\n".to_string(),
        "$$\\frac{\\partial \\frac{\\partial L(y^{(2)})}{\\partial w_1}}{\\partial w_1} = 0$$\n".to_string(),
        "$$\\ln(h^{(1)} - h^{(1)}) = 0$$\n".to_string(),
        "$$ = = \\approx $$ $x = $ $$\\frac{}{}$$ \\[ \\] $$$$".to_string(),
    ];
    for (i, body) in cases.iter().enumerate() {
        let p = scratch(&format!("hostile{i}.md"), body.as_bytes());
        let o = chainrule(&["check", p.to_str().unwrap(), "--model", "examples/elman.chain"]);
        let code = o.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "case {i}: exit {code:?}: {}",
            text(&o.stderr)
        );
        let out = text(&o.stdout);
        assert!(
            out.contains("claims checked") || out.contains("claim checked"),
            "case {i}: {out}"
        );
    }
}

#[test]
fn output_file_is_complete_or_untouched() {
    let out = scratch("report.json", b"old");
    let o = chainrule(&[&SAMPLE[..], &["--format", "json", "-o", out.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(1));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(serde_json::from_str::<Json>(&written).is_ok());
    let kept = scratch("kept.json", b"old");
    let o = chainrule(&[
        "check",
        SAMPLE[1],
        "--model",
        "no/such.chain",
        "-o",
        kept.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&kept).unwrap(), b"old");
}

#[test]
fn log_is_read_as_ln_with_a_warning() {
    let p = scratch("log.md", b"$$L(y^{(2)}) = -\\log y^{(2)}$$\n");
    let o = chainrule(&["check", p.to_str().unwrap(), "--model", "examples/elman.chain"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("warning: `\\log` was read as the natural logarithm"),
        "{out}"
    );
}

#[test]
fn unknown_symbols_suggest_the_closest_names() {
    let p = scratch("unknown.md", b"$$h^{(1)} = w_3 x_1^{(1)}$$\n");
    let o = chainrule(&[
        "check",
        p.to_str().unwrap(),
        "--model",
        "examples/elman.chain",
        "--format",
        "json",
    ]);
    let j: Json = serde_json::from_str(&text(&o.stdout)).unwrap();
    let c = &j["claims"][0];
    assert_eq!(c["verdict"], "unknown-symbol");
    assert!(c["note"].as_str().unwrap().contains("did you mean"), "{c}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Soups of the tokens students write never crash the checker, and every
    /// claim it reports lies inside the document.
    #[test]
    fn token_soups_never_crash(parts in prop::collection::vec(prop::sample::select(vec![
        "$", "$$", "h^{(1)}", "y_2", "=", "\\approx", "&=", "\\\\", "\\frac{", "}", "{", "(", ")",
        "\\left(", "\\right)", "1.65", "-", "+", "\\cdot", "\\partial", "L(", "w_1", "\\sigma(", "\\sum_{i=1}^{3}",
        "d^{(t)}", "x_1^{(2)}", "\\ln", "^{2}", "\n", " ", "\\text{so}", "\\boxed{1)}", "```math\n", "\\[", "\\]",
    ]), 0..40)) {
        let doc: String = parts.concat();
        let model = load(&std::fs::read_to_string(root().join("examples/elman.chain")).unwrap(), &[]).unwrap();
        let opts = CheckOptions { claim_time: std::time::Duration::from_secs(2), ..CheckOptions::default() };
        for kind in [DocKind::Markdown, DocKind::Tex] {
            let r = check_document(&model, &doc, kind, &opts);
            for c in &r.claims {
                prop_assert!(c.offset <= doc.len());
                prop_assert!(Verdict::ALL.contains(&c.verdict));
            }
        }
    }
}
