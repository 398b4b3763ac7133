//! `--format html` for derive, eval and check: one self-contained page,
//! snapshotted whole (each read before it was accepted), and its promises
//! checked directly: no script, nothing fetched, text escaped, math as
//! MathML, what cannot be converted shown as LaTeX source.

use chainrule::{
    check_document, check_html, derivation_drawing, derivation_html, derive, load, CheckOptions, DeriveRequest, DocKind,
};
use std::process::Command;

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Nothing on the page fetches or runs anything.
fn self_contained(page: &str) {
    for bad in ["<script", "<link", "src=", "@import", "url(http", "href=\"http"] {
        assert!(!page.contains(bad), "the page has `{bad}`");
    }
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
}

fn elman_page() -> String {
    let model = load(&example("elman.chain"), &[]).unwrap();
    let req = DeriveRequest {
        of: "L(y[2])".into(),
        wrt: "w1".into(),
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    let drawing = derivation_drawing(&d, &model, &req).unwrap();
    let svg = drawing.svg_figure().unwrap();
    derivation_html(&d, &model, &req, &Default::default(), Ok((&drawing, svg)), None).unwrap()
}

#[test]
fn the_elman_derivation_page() {
    let page = elman_page();
    self_contained(&page);
    // Every formula converted: no LaTeX left showing as source.
    assert!(!page.contains("class=\"latex\""), "a formula fell back to source");
    assert!(page.matches("<math").count() >= 15, "{page}");
    insta::assert_snapshot!("elman_derive", page);
}

#[test]
fn a_page_without_its_graph_says_why() {
    let model = load(&example("elman.chain"), &[]).unwrap();
    let req = DeriveRequest {
        of: "L(y[2])".into(),
        wrt: "w1".into(),
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    let page = derivation_html(&d, &model, &req, &Default::default(), Err("too large".into()), None).unwrap();
    assert!(!page.contains("<svg") && page.contains("The computation graph is not drawn: too large."));
}

#[test]
fn the_elman_student_check_page() {
    let model = load(&example("elman.chain"), &[]).unwrap();
    let doc = example("elman_student.md");
    let report = check_document(&model, &doc, DocKind::Markdown, &CheckOptions::default());
    let page = check_html(&report, "elman_student.md", &doc).unwrap();
    self_contained(&page);
    for (class, v) in [
        ("ok", "correct"),
        ("bad", "wrong"),
        ("bad", "arithmetic"),
        ("ok", "approximate"),
    ] {
        let badge = format!("<span class=\"status {class}\">{v}</span>");
        assert!(page.contains(&badge), "{badge}");
    }
    insta::assert_snapshot!("elman_student_check", page);
}

#[test]
fn a_student_cannot_put_markup_on_the_page() {
    let model = load("param w = 3\nJ = w^2", &[]).unwrap();
    let doc = "<script>alert(1)</script>\n\n$$J = 9 \\text{<b>x</b>}$$\n\n$$J = \\frac{1$$\n";
    let report = check_document(&model, doc, DocKind::Markdown, &CheckOptions::default());
    let page = check_html(&report, "<evil>.md", doc).unwrap();
    assert!(
        !page.contains("<script") && !page.contains("<b>") && !page.contains("<evil>"),
        "{page}"
    );
    assert!(page.contains("&lt;evil&gt;.md"));
}

fn chainrule(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn eval_page() {
    let o = chainrule(&["eval", "examples/elman.chain", "--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = String::from_utf8(o.stdout).unwrap();
    self_contained(&page);
    insta::assert_snapshot!("elman_eval", page);
    let o = chainrule(&[
        "eval",
        "examples/alternating.chain",
        "--of",
        "h[4]",
        "--symbolic",
        "--format",
        "html",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("<math display=\"block\">"));
}

#[test]
fn check_html_exit_codes_are_the_text_ones() {
    let o = chainrule(&[
        "check",
        "examples/elman_student.md",
        "--model",
        "examples/elman.chain",
        "--format",
        "html",
    ]);
    assert_eq!(o.status.code(), Some(1), "the sample has wrong claims");
    assert!(String::from_utf8_lossy(&o.stdout).contains("does not pass"));
}

#[test]
fn general_derivations_have_no_page_yet() {
    let o = chainrule(&[
        "derive",
        "examples/tanh_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "u",
        "--general",
        "--format",
        "html",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--general has no HTML page"));
}

proptest::proptest! {
    /// Whatever LaTeX a student writes, the page shows MathML or the source,
    /// never a panic (token soups of what documents hold).
    #[test]
    fn any_latex_becomes_mathml_or_source(parts in proptest::collection::vec(proptest::sample::select(vec![
        "\\frac", "{", "}", "x", "^", "_", "\\left(", "\\right)", "\\begin{aligned}", "\\end{aligned}", "&", "\\\\",
        "\\sigma", "'", "=", "\\approx", "2", "\\sum", "\\operatorname{ReLU}", "\\text{", "\\mathbb{1}", "\\hat",
        "\\Bigl(", "\\Bigr)", "<", "\\", "%", "$", "\\begin{pmatrix}", "\\end{pmatrix}", "\\cdot", "\\to", "-",
    ]), 0..24)) {
        let latex = parts.concat();
        let shown = chainrule::mathml::display(&latex);
        proptest::prop_assert!(shown.starts_with("<math") || shown.starts_with("<pre class=\"latex\">"), "{}", shown);
        proptest::prop_assert!(!shown.contains("<script"));
    }
}
