//! `chainrule check DIR --model M`: every submission of a folder checked
//! against one model, in parallel across cores, then a summary per file
//! (text, CSV, JSON) and a Gradescope-style `results.json` with a score
//! per claim. Plain data in, strings out: the shell reads the folder and
//! writes the files.
//!
//! Scores: a claim judged correct or approximate scores 1 of 1, wrong or
//! arithmetic 0 of 1; a claim that could not be read (unparsed,
//! unknown-symbol) scores 0 of 0 and is listed for a person to read. A file
//! that could not be read or holds nothing to check scores 0 of 0 with the
//! reason. Output is in the order of the submissions' names.

use crate::check::{check_document, CheckOptions, DocKind, Report, Verdict};
use crate::model::Model;
use serde::Serialize;
use std::fmt::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One file of the folder: its name (relative to the folder) and text, or
/// why it could not be read.
#[derive(Clone, Debug)]
pub struct Submission {
    pub name: String,
    pub text: Result<String, String>,
    pub kind: DocKind,
}

/// What checking one submission gave.
#[derive(Clone, Debug)]
pub enum Outcome {
    Checked(Report),
    /// The file could not be read (too large, not UTF-8, …).
    Unreadable(String),
    /// The file holds no claim (no math, or math that relates nothing).
    NothingToCheck(String),
}

/// One submission, checked.
#[derive(Clone, Debug)]
pub struct Graded {
    pub name: String,
    pub outcome: Outcome,
}

impl Graded {
    /// Claims scored right, of claims scored.
    pub fn score(&self) -> (usize, usize) {
        match &self.outcome {
            Outcome::Checked(r) => (
                r.claims
                    .iter()
                    .filter(|c| matches!(c.verdict, Verdict::Correct | Verdict::Approximate))
                    .count(),
                r.checked(),
            ),
            _ => (0, 0),
        }
    }

    /// `pass`, `fail`, `nothing-to-check` or `unreadable`.
    pub fn status(&self) -> &'static str {
        match &self.outcome {
            Outcome::Checked(r) if r.has_errors() => "fail",
            Outcome::Checked(_) => "pass",
            Outcome::NothingToCheck(_) => "nothing-to-check",
            Outcome::Unreadable(_) => "unreadable",
        }
    }

    /// Passed: read, and every claim read is right.
    pub fn passed(&self) -> bool {
        self.status() == "pass"
    }

    fn counts(&self) -> Vec<(Verdict, usize)> {
        match &self.outcome {
            Outcome::Checked(r) => r.summary(),
            _ => Verdict::ALL.iter().map(|&v| (v, 0)).collect(),
        }
    }

    fn reason(&self) -> String {
        match &self.outcome {
            Outcome::Checked(r) => crate::check::report::summary_line(r),
            Outcome::Unreadable(why) | Outcome::NothingToCheck(why) => why.clone(),
        }
    }
}

/// Checks every submission with `jobs` threads (at least one), and hands
/// the results back in the submissions' order.
pub fn grade(model: &Model, submissions: &[Submission], opts: &CheckOptions, jobs: usize) -> Vec<Graded> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Graded>>> = Mutex::new(vec![None; submissions.len()]);
    let jobs = jobs.clamp(1, submissions.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(sub) = submissions.get(i) else { break };
                let graded = grade_one(model, sub, opts);
                if let Ok(mut d) = done.lock() {
                    d[i] = Some(graded);
                }
            });
        }
    });
    done.into_inner()
        .unwrap_or_default()
        .into_iter()
        .zip(submissions)
        .map(|(g, sub)| {
            g.unwrap_or_else(|| Graded {
                name: sub.name.clone(),
                outcome: Outcome::Unreadable("the check of this file failed".to_string()),
            })
        })
        .collect()
}

fn grade_one(model: &Model, sub: &Submission, opts: &CheckOptions) -> Graded {
    let outcome = match &sub.text {
        Err(why) => Outcome::Unreadable(why.clone()),
        Ok(text) => {
            let report = check_document(model, text, sub.kind, opts);
            match report.nothing_to_check() {
                Some(e) => Outcome::NothingToCheck(e.message),
                None => Outcome::Checked(report),
            }
        }
    };
    Graded {
        name: sub.name.clone(),
        outcome,
    }
}

/// A table for the terminal: one line per file, then the totals.
pub fn summary_text(graded: &[Graded]) -> String {
    let width = graded.iter().map(|g| g.name.chars().count()).max().unwrap_or(4).max(4);
    let mut out = format!(
        "{:<width$}  {:>7}  {:>7} {:>6} {:>6} {:>6} {:>8}  status\n",
        "file", "score", "correct", "approx", "arith", "wrong", "unread"
    );
    for g in graded {
        let (got, of) = g.score();
        let c: Vec<usize> = g.counts().into_iter().map(|(_, n)| n).collect();
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:>7} {:>6} {:>6} {:>6} {:>8}  {}",
            g.name,
            format!("{got}/{of}"),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4] + c[5],
            g.status()
        );
    }
    let passed = graded.iter().filter(|g| g.passed()).count();
    let _ = writeln!(out, "{passed} of {} files pass", graded.len());
    out
}

/// One CSV row per file: `file,status,score,max_score,` the count of each
/// verdict, `checked,unread,summary`.
pub fn summary_csv(graded: &[Graded]) -> String {
    let mut out = String::from("file,status,score,max_score");
    for v in Verdict::ALL {
        let _ = write!(out, ",{}", v.name());
    }
    out.push_str(",checked,unread,summary\n");
    for g in graded {
        let (got, of) = g.score();
        let _ = write!(out, "{},{},{got},{of}", csv(&g.name), g.status());
        let counts = g.counts();
        for (_, n) in &counts {
            let _ = write!(out, ",{n}");
        }
        let unread: usize = counts.iter().filter(|(v, _)| v.is_unread()).map(|(_, n)| n).sum();
        let _ = writeln!(out, ",{of},{unread},{}", csv(&g.reason()));
    }
    out
}

/// A CSV field, quoted when it needs to be.
fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    status: &'static str,
    score: usize,
    max_score: usize,
    summary: serde_json::Map<String, serde_json::Value>,
    message: String,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files: Vec<JsonFile<'a>>,
    passed: usize,
    total: usize,
}

/// The summary as JSON: `{"files": [{"file", "status", "score",
/// "max_score", "summary": {"correct": N, …}, "message"}], "passed", "total"}`.
pub fn summary_json(graded: &[Graded]) -> String {
    let files = graded
        .iter()
        .map(|g| {
            let (score, max_score) = g.score();
            JsonFile {
                file: &g.name,
                status: g.status(),
                score,
                max_score,
                summary: g
                    .counts()
                    .into_iter()
                    .map(|(v, n)| (v.name().to_string(), serde_json::Value::from(n)))
                    .collect(),
                message: g.reason(),
            }
        })
        .collect();
    let doc = JsonSummary {
        files,
        passed: graded.iter().filter(|g| g.passed()).count(),
        total: graded.len(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Test {
    name: String,
    score: usize,
    max_score: usize,
    status: &'static str,
    output: String,
}

#[derive(Serialize)]
struct Results {
    score: usize,
    max_score: usize,
    output: String,
    tests: Vec<Test>,
}

/// A claim's name in a test list: where it is and what it says, on one
/// line, cut at 100 characters.
fn claim_name(file: &str, c: &crate::check::Claim) -> String {
    let source = c.source.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = source.chars().take(100).collect();
    let more = if short.len() < source.len() { "…" } else { "" };
    format!("{file}:{}:{} {short}{more}", c.line, c.column)
}

/// Gradescope's `results.json`: one test per claim (score 1 of 1 when it is
/// right, 0 of 1 when wrong, 0 of 0 when it could not be read), its verdict,
/// expected and got values and the hint as feedback; one test of 0 of 0 for
/// a file that could not be checked; the total score.
pub fn gradescope(graded: &[Graded]) -> String {
    let mut tests = Vec::new();
    for g in graded {
        match &g.outcome {
            Outcome::Checked(r) => {
                for c in &r.claims {
                    let (score, max_score) = match c.verdict {
                        Verdict::Correct | Verdict::Approximate => (1, 1),
                        Verdict::Wrong | Verdict::Arithmetic => (0, 1),
                        Verdict::Unparsed | Verdict::UnknownSymbol => (0, 0),
                    };
                    let mut output = c.verdict.name().to_string();
                    if c.verdict != Verdict::Correct {
                        if !c.expected.is_empty() {
                            let _ = write!(output, "; expected: {}", c.expected);
                        }
                        if !c.got.is_empty() {
                            let _ = write!(output, "; got: {}", c.got);
                        }
                    }
                    if !c.note.is_empty() {
                        let label = if c.verdict.is_error() { "hint" } else { "note" };
                        let _ = write!(output, "; {label}: {}", c.note);
                    }
                    if c.verdict.is_unread() {
                        output.push_str(" (not scored: read it by hand)");
                    }
                    tests.push(Test {
                        name: claim_name(&g.name, c),
                        score,
                        max_score,
                        status: if score == max_score { "passed" } else { "failed" },
                        output,
                    });
                }
            }
            Outcome::Unreadable(why) | Outcome::NothingToCheck(why) => tests.push(Test {
                name: g.name.clone(),
                score: 0,
                max_score: 0,
                status: "failed",
                output: why.clone(),
            }),
        }
    }
    let score = tests.iter().map(|t| t.score).sum();
    let max_score = tests.iter().map(|t| t.max_score).sum();
    let passed = graded.iter().filter(|g| g.passed()).count();
    let results = Results {
        score,
        max_score,
        output: format!(
            "{score} of {max_score} claims right; {passed} of {} files pass",
            graded.len()
        ),
        tests,
    };
    let mut s = serde_json::to_string_pretty(&results).unwrap_or_default();
    s.push('\n');
    s
}
