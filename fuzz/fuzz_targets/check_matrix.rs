//! `check` end to end against a vector model (examples/vector_bptt.chain), so
//! the matrix claims (`matrix_claim`, `tensor_formula`, `matrix_steps`) are
//! reached:
//! the first byte picks the route (even: Markdown, odd: .tex), the rest is
//! the document. Judging every claim and writing the report as text and
//! JSON, as `chainrule check` does: never a panic.
#![no_main]

use chainrule::{check_document, check_output, CheckOptions, DocKind, Format, Model};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Longest document tried (after the route byte).
const MAX_INPUT: usize = 4096;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| chainrule::load(include_str!("../../examples/vector_bptt.chain"), &[]).expect("vector_bptt.chain loads"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&route, doc)) = data.split_first() else {
        return;
    };
    if doc.len() > MAX_INPUT {
        return;
    }
    let Ok(doc) = std::str::from_utf8(doc) else { return };
    let (name, kind) = if route % 2 == 0 {
        ("doc.md", DocKind::Markdown)
    } else {
        ("doc.tex", DocKind::Tex)
    };
    let report = check_document(model(), doc, kind, &CheckOptions::default());
    if report.nothing_to_check().is_some() {
        return;
    }
    let _ = check_output(&report, name, Format::Text);
    let _ = check_output(&report, name, Format::Json);
});
