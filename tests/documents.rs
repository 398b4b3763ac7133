//! The LaTeX that `chainrule derive` writes really compiles: a standalone
//! document (`--format document`) and a fragment (`--format latex`) wrapped
//! in a minimal amsmath document, for every example model, through
//! `pdflatex -halt-on-error`.
//!
//! Without `pdflatex` on PATH these tests print a notice and pass, unless the
//! environment variable `CI` is set (CI installs TeX; see `.ci/run`).

mod common;
use common::cli::chainrule;

use std::path::Path;
use std::process::{Command, Stdio};

/// One meaningful question per example model (examples/errors excluded).
const QUERIES: [(&str, &str, &str); 7] = [
    ("elman", "L(y[2])", "w1"),
    ("tanh_bptt", "J", "w"),
    ("lstm", "L", "bo"),
    ("deep_residual", "L", "w2"),
    ("bidirectional", "L", "w"),
    ("gated_memory", "y[7]", "w2"),
    // No input values: the command fills them with seeded random values.
    ("alternating", "y[3]", "x[1]"),
];

/// Is `pdflatex` usable? If not: fail under CI, otherwise say so and skip.
fn have_pdflatex() -> bool {
    let ok = Command::new("pdflatex")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdflatex is not on PATH, and CI is set: TeX must be installed (see .ci/run)"
        );
        eprintln!("notice: pdflatex is not on PATH; skipping the LaTeX compilation tests");
    }
    ok
}

/// `chainrule derive examples/NAME.chain --of OF --wrt WRT --format FORMAT -o OUT`.
fn derive_to(name: &str, of: &str, wrt: &str, format: &str, out: &Path) {
    let model = format!("examples/{name}.chain");
    let out_s = out.to_str().expect("utf-8 temp path");
    let o = chainrule(&[
        "derive", &model, "--of", of, "--wrt", wrt, "--format", format, "-o", out_s,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{name}: derive --format {format} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.is_file(), "{name}: {} was not written", out.display());
}

/// The last `n` lines of `s`.
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs pdflatex on `dir/stem.tex`; asserts success and that the PDF exists.
fn compile(dir: &Path, stem: &str) {
    let o = Command::new("pdflatex")
        .args([
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-no-shell-escape",
            &format!("{stem}.tex"),
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("pdflatex runs");
    let log = std::fs::read_to_string(dir.join(format!("{stem}.log"))).unwrap_or_default();
    let tex = std::fs::read_to_string(dir.join(format!("{stem}.tex"))).unwrap_or_default();
    assert!(
        o.status.success(),
        "pdflatex failed on {stem}.tex ({}):\n{}\n---- log (end) ----\n{}\n---- source ----\n{tex}",
        o.status,
        tail(&String::from_utf8_lossy(&o.stdout), 30),
        tail(&log, 40),
    );
    let pdf = dir.join(format!("{stem}.pdf"));
    let size = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
    assert!(size > 0, "{stem}: no PDF written");
    assert!(!log.contains("! Undefined control sequence"), "{stem}: {log}");
    assert!(!log.contains("Missing character"), "{stem}: a character the font lacks");
}

#[test]
fn standalone_documents_compile() {
    if !have_pdflatex() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, of, wrt) in QUERIES {
        let tex = dir.path().join(format!("{name}.tex"));
        derive_to(name, of, wrt, "document", &tex);
        let src = std::fs::read_to_string(&tex).expect("read .tex");
        assert!(src.contains(r"\documentclass"), "{name}: not a standalone document");
        assert!(src.contains(r"\end{document}"), "{name}: document not closed");
        compile(dir.path(), name);
    }
}

#[test]
fn latex_fragments_compile_in_a_minimal_document() {
    if !have_pdflatex() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, of, wrt) in QUERIES {
        let frag = dir.path().join(format!("{name}.frag.tex"));
        derive_to(name, of, wrt, "latex", &frag);
        let body = std::fs::read_to_string(&frag).expect("read fragment");
        assert!(!body.contains(r"\documentclass"), "{name}: a fragment, not a document");
        let stem = format!("{name}-fragment");
        let doc = format!(
            "\\documentclass{{article}}\n\\usepackage{{amsmath,amssymb}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"
        );
        std::fs::write(dir.path().join(format!("{stem}.tex")), doc).expect("write wrapper");
        compile(dir.path(), &stem);
    }
}

/// The truncated form (adjoint equations instead of a sum of paths) is
/// LaTeX too.
#[test]
fn truncated_derivation_compiles() {
    if !have_pdflatex() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let tex = dir.path().join("lstm-truncated.tex");
    let out = tex.to_str().expect("utf-8 temp path");
    let o = chainrule(&[
        "derive",
        "examples/lstm.chain",
        "--of",
        "L",
        "--wrt",
        "uf",
        "--max-paths",
        "3",
        "--format",
        "document",
        "-o",
        out,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    compile(dir.path(), "lstm-truncated");
}
