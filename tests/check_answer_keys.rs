//! Issue 11, "Answer keys a TA would sign": each test states where its
//! expected verdict or number comes from (a hand calculation in a comment,
//! or the model's own definition), never from the checker's output.

use chainrule::check::{check_document, CheckOptions, Claim, DocKind, Report, Verdict};
use chainrule::query::load;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A model from examples/ (or examples/check/models/).
fn model_file(rel: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(rel)).unwrap()
}

fn check_with(model_src: &str, doc: &str, kind: DocKind) -> Report {
    let model = load(model_src, &[]).unwrap();
    check_document(&model, doc, kind, &CheckOptions::default())
}

fn check_md(model_src: &str, doc: &str) -> Report {
    check_with(model_src, doc, DocKind::Markdown)
}

fn verdicts(r: &Report) -> Vec<Verdict> {
    r.claims.iter().map(|c| c.verdict).collect()
}

fn describe(r: &Report) -> String {
    r.claims
        .iter()
        .map(|c: &Claim| {
            format!(
                "{}:{} {:?} `{}`\n    expected {} / got {}\n    note: {}",
                c.line, c.column, c.verdict, c.source, c.expected, c.got, c.note
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The boundary of a backward recurrence lies past the data (`hb[4] = 0`
/// with three inputs); derivations print `h_{b}^{(4)}`, so it reads back.
#[test]
fn a_boundary_step_past_the_data_is_part_of_the_question() {
    let m = model_file("bidirectional.chain");
    // The model's own equation at t = 3: hb[3] = tanh(w*x[3] + ub*hb[4]).
    let doc = "$$h_{b}^{(3)} = \\tanh\\left(w x^{(3)} + u_{b} h_{b}^{(4)}\\right)$$\n\n$$h_b^{(5)} = 0$$\n";
    let r = check_md(&m, doc);
    // hb[5] has no equation and lies past the data: not part of the question.
    assert_eq!(verdicts(&r), [Verdict::Correct, Verdict::Unparsed], "{}", describe(&r));
}
