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
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

/// `11 claims checked (6 correct, …); 2 could not be read (1 unparsed,
/// 1 unknown-symbol); random points seeded with 1`, and why nothing was
/// checked when nothing was.
pub fn summary_line(report: &Report) -> String {
    let counts = |unread: bool| -> Vec<String> {
        report
            .summary()
            .into_iter()
            .filter(|(v, n)| *n > 0 && v.is_unread() == unread)
            .map(|(v, n)| format!("{n} {}", v.name()))
            .collect()
    };
    let checked = report.checked();
    let mut line = format!("{checked} claim{} checked", if checked == 1 { "" } else { "s" });
    let judged = counts(false);
    if !judged.is_empty() {
        line.push_str(&format!(" ({})", judged.join(", ")));
    }
    if report.unread() > 0 {
        line.push_str(&format!(
            "; {} could not be read ({})",
            report.unread(),
            counts(true).join(", ")
        ));
    }
    if let Some(why) = report.nothing_to_check() {
        line.push_str(&format!(": {}", why.message));
    } else if checked == 0 {
        line.push_str(": nothing could be checked, so the document does not pass");
    }
    line.push_str(&format!("; random points seeded with {}", report.seed));
    line
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
    let mut summary: serde_json::Map<String, serde_json::Value> = report
        .summary()
        .into_iter()
        .map(|(v, n)| (v.name().to_string(), serde_json::Value::from(n)))
        .collect();
    // Claims judged, and claims that could not be read (unparsed or
    // unknown-symbol): a report with nothing checked does not pass.
    summary.insert("checked".to_string(), serde_json::Value::from(report.checked()));
    summary.insert("unread".to_string(), serde_json::Value::from(report.unread()));
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
