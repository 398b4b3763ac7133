//! `chainrule check` output: a compiler-style text report, and JSON with the
//! fields LANGUAGE.md names.

use super::verdict::{Report, Verdict};
use serde::Serialize;
use std::fmt::Write;

/// One block per claim: `file:line:col: verdict`, the claim, then expected,
/// got and the note for anything that is not plainly correct; a summary last.
pub fn text(report: &Report, file: &str) -> String {
    let mut out = String::new();
    for c in &report.claims {
        let _ = writeln!(out, "{file}:{}:{}: {}", c.line, c.column, c.verdict.name());
        let _ = writeln!(out, "    | {}", one_line(&c.source));
        // A correct claim's expected and got are the same value (at most
        // written differently); the note says all there is to add.
        if c.verdict != Verdict::Correct {
            if !c.expected.is_empty() {
                let _ = writeln!(out, "    = expected: {}", c.expected);
            }
            if !c.got.is_empty() {
                let _ = writeln!(out, "    = got: {}", c.got);
            }
        }
        if !c.note.is_empty() {
            let label = match c.verdict {
                Verdict::Wrong | Verdict::Arithmetic => "hint",
                _ => "note",
            };
            let _ = writeln!(out, "    = {label}: {}", c.note);
        }
    }
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    let parts: Vec<String> = report
        .summary()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| format!("{n} {}", v.name()))
        .collect();
    let total = report.claims.len();
    let _ = writeln!(
        out,
        "{total} claim{} checked ({}); random points seeded with {}",
        if total == 1 { "" } else { "s" },
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        },
        report.seed
    );
    out
}

/// A claim on one line: a display formula may span several.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Serialize)]
struct JsonClaim<'a> {
    line: usize,
    column: usize,
    source: &'a str,
    verdict: &'static str,
    expected: &'a str,
    got: &'a str,
    note: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    claims: Vec<JsonClaim<'a>>,
    summary: serde_json::Map<String, serde_json::Value>,
    seed: u64,
    warnings: &'a [String],
}

/// LANGUAGE.md: `{"claims": [{"line", "column", "source", "verdict",
/// "expected", "got", "note"}], "summary": {"correct": N, …}}`.
pub fn json(report: &Report) -> String {
    let claims = report
        .claims
        .iter()
        .map(|c| JsonClaim {
            line: c.line,
            column: c.column,
            source: &c.source,
            verdict: c.verdict.name(),
            expected: &c.expected,
            got: &c.got,
            note: &c.note,
        })
        .collect();
    let summary = report
        .summary()
        .into_iter()
        .map(|(v, n)| (v.name().to_string(), serde_json::Value::from(n)))
        .collect();
    let r = JsonReport {
        claims,
        summary,
        seed: report.seed,
        warnings: &report.warnings,
    };
    let mut s = serde_json::to_string_pretty(&r).unwrap_or_default();
    s.push('\n');
    s
}
