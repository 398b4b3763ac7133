//! The planted-error corpus (issue 17): hand derivations under
//! examples/check/planted/, each with exactly one known slip, checked by
//! `chainrule check` as a student would run it.
//!
//! Every file names its model on its first line and the kind of its slip on
//! its second (`<!-- planted: KIND. … -->` or `% planted: KIND. …`), and
//! carries its expected verdicts the way examples/check does
//! (`<!-- verdicts: correct wrong -->`, `% verdicts: …`): exactly one item is
//! `wrong` or `arithmetic`, the slip; every other claim is `correct` or
//! `approximate`.
//!
//! Counted, and printed as a table (`cargo test --test planted_corpus --
//! --nocapture`):
//! - a **false accept**: the slip's claim is not flagged wrong (or
//!   arithmetic) at its line. There must be none.
//! - a **false alarm**: a correct claim flagged wrong or arithmetic, or the
//!   slip flagged for a reason that belongs to another kind of slip. The
//!   count must equal [`RECORDED_FALSE_ALARMS`].
//! - an **unnamed** slip: flagged, with no reason given (the checker knows
//!   the line is wrong but not which single slip explains it). The count
//!   must equal [`RECORDED_UNNAMED`], so a diagnosis lost is a failure and
//!   a diagnosis gained updates the record.

mod common;
use common::cli::check_json;

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Correct claims flagged wrong, plus slips flagged for an unrelated reason.
const RECORDED_FALSE_ALARMS: usize = 0;
/// Slips flagged wrong with no reason named (see the README of the corpus).
const RECORDED_UNNAMED: usize = 8;

const KINDS: [&str; 7] = [
    "wrong-factor",
    "dropped-path",
    "off-by-one",
    "transposed",
    "sigma-prime",
    "arithmetic",
    "one-path-total",
];

/// Phrases by which the checker names a reason; a slip's note that names
/// none of them gave no reason.
const REASONS: [&str; 16] = [
    "missing",
    "extra factor",
    "misses its input",
    "leaves out",
    "equals only the contribution",
    "off by one",
    "swapping the steps",
    "are swapped",
    "is written where",
    "belongs at",
    "does not follow",
    "carried forward",
    "contribution of one path",
    "a transposed factor",
    "the transpose of the right matrix",
    "the sum's range",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> PathBuf {
    root().join("examples").join("check").join("planted")
}

/// One planted file, read.
struct Planted {
    file: String,
    path: PathBuf,
    src: String,
    tex: bool,
    model: PathBuf,
    kind: String,
    /// (byte offset, 1-based line, expected verdicts) per annotation.
    anns: Vec<(usize, usize, Vec<String>)>,
}

/// A claim as `chainrule check --format json` reports it.
#[derive(Clone, Debug)]
struct Claim {
    line: usize,
    column: usize,
    source: String,
    verdict: String,
    note: String,
}

fn line_of(src: &str, pos: usize) -> usize {
    src[..pos].matches('\n').count() + 1
}

/// The byte offset of a 1-based line and (character) column.
fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let mut pos = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return pos
                + l.chars()
                    .take(column.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum::<usize>();
        }
        pos += l.len();
    }
    src.len()
}

/// The text of a header line: `<!-- key: text -->` or `% key: text`.
fn header<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let t = line.trim();
    let inner = t
        .strip_prefix("<!--")
        .map(|s| s.strip_suffix("-->").unwrap_or(s))
        .or_else(|| t.strip_prefix('%'))?;
    inner.trim().strip_prefix(key).map(str::trim)
}

fn read_planted(path: &Path) -> Planted {
    let file = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let src = std::fs::read_to_string(path).unwrap();
    let tex = path.extension().is_some_and(|e| e == "tex");
    let mut lines = src.lines();
    let model = header(lines.next().unwrap_or(""), "model:")
        .unwrap_or_else(|| panic!("{file}: the first line must name the model"));
    let model = path.parent().unwrap().join(model);
    assert!(model.is_file(), "{file}: model {} does not exist", model.display());
    let kind = header(lines.next().unwrap_or(""), "planted:")
        .and_then(|t| t.split(['.', ' ']).next())
        .unwrap_or_else(|| panic!("{file}: the second line must say `planted: KIND. …`"))
        .to_string();
    assert!(
        KINDS.contains(&kind.as_str()),
        "{file}: `{kind}` is not a kind of slip {KINDS:?}"
    );
    let mut anns = Vec::new();
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        let body = if tex {
            t.strip_prefix('%')
                .and_then(|r| r.trim_start().strip_prefix("verdicts:"))
        } else {
            None
        };
        if let Some(body) = body {
            anns.push((pos, line_of(&src, pos), words(body)));
        }
        pos += line.len();
    }
    if !tex {
        let mut from = 0;
        while let Some(k) = src[from..].find("<!--") {
            let start = from + k;
            let end = start + src[start..].find("-->").expect("a closed comment");
            if let Some(body) = src[start + 4..end].trim_start().strip_prefix("verdicts:") {
                anns.push((start, line_of(&src, start), words(body)));
            }
            from = end + 3;
        }
    }
    assert!(!anns.is_empty(), "{file}: no verdict annotations");
    Planted {
        file,
        path: path.to_path_buf(),
        src,
        tex,
        model,
        kind,
        anns,
    }
}

fn words(body: &str) -> Vec<String> {
    let v: Vec<String> = body.split_whitespace().map(str::to_string).collect();
    for w in &v {
        assert!(
            ["correct", "approximate", "wrong", "arithmetic"].contains(&w.as_str()),
            "`{w}` is not a verdict a planted file expects"
        );
    }
    v
}

fn run_check(p: &Planted) -> Vec<Claim> {
    let out = check_json(&p.path, &p.model);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: `chainrule check` did not print JSON ({e})\n{stdout}\n{}",
            p.file,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let text = |c: &Json, k: &str| c[k].as_str().unwrap_or("").to_string();
    let num = |c: &Json, k: &str| c[k].as_u64().expect("a numeric field") as usize;
    json["claims"]
        .as_array()
        .expect("a claims array")
        .iter()
        .map(|c| Claim {
            line: num(c, "line"),
            column: num(c, "column"),
            source: text(c, "source"),
            verdict: text(c, "verdict"),
            note: text(c, "note"),
        })
        .collect()
}

/// The bases of `X is written where Y belongs`, steps dropped, when the
/// note says so.
fn written_where(note: &str) -> Option<(String, String)> {
    let k = note.find(" is written where ")?;
    let x = note[..k].rsplit([' ', ':', ';']).next()?.to_string();
    let rest = &note[k + " is written where ".len()..];
    let y = rest.split(' ').next()?.to_string();
    let base = |s: &str| s.split("^{(").next().unwrap_or(s).to_string();
    Some((base(&x), base(&y)))
}

/// Whether the note names the reason a slip of this kind should have.
fn names_kind(kind: &str, verdict: &str, note: &str) -> bool {
    let same_base = written_where(note).is_some_and(|(x, y)| x == y);
    let other_base = written_where(note).is_some_and(|(x, y)| x != y);
    match kind {
        "wrong-factor" => {
            note.contains("missing") || note.contains("extra factor") || note.contains("misses its input")
        }
        "dropped-path" => note.contains("leaves out") || note.contains("the sum's range"),
        "off-by-one" => note.contains("off by one") || note.contains("swapping the steps") || same_base,
        "transposed" => {
            note.contains("are swapped")
                || note.contains("swapping the steps")
                || other_base
                || note.contains("a transposed factor")
                || note.contains("the transpose of the right matrix")
        }
        "sigma-prime" => note.contains("belongs at") || note.contains("off by one") || same_base,
        "arithmetic" => verdict == "arithmetic" && note.contains("does not follow"),
        "one-path-total" => note.contains("equals only the contribution"),
        _ => unreachable!(),
    }
}

#[derive(Default, Clone, Copy)]
struct Row {
    files: usize,
    caught: usize,
    named: usize,
    unnamed: usize,
    unrelated: usize,
    false_accepts: usize,
    alarms_on_correct: usize,
    correct_claims: usize,
}

/// Judges one file: its row counts and any problems to report.
fn judge(p: &Planted, claims: &[Claim], row: &mut Row, problems: &mut Vec<String>, notes: &mut Vec<String>) {
    row.files += 1;
    let slips: usize = p
        .anns
        .iter()
        .flat_map(|a| &a.2)
        .filter(|v| *v == "wrong" || *v == "arithmetic")
        .count();
    if slips != 1 {
        problems.push(format!(
            "{}: {slips} slips expected; a planted file has exactly one",
            p.file
        ));
    }
    let mut groups: Vec<Vec<&Claim>> = vec![Vec::new(); p.anns.len()];
    for c in claims {
        match p.anns.iter().position(|a| a.0 > offset_of(&p.src, c.line, c.column)) {
            Some(k) => groups[k].push(c),
            None => problems.push(format!(
                "{}:{}: a claim after the last annotation: `{}`",
                p.file, c.line, c.source
            )),
        }
    }
    for (a, got) in p.anns.iter().zip(&groups) {
        if a.2.len() != got.len() {
            let listing: Vec<String> = got
                .iter()
                .map(|c| format!("    {}:{} {} `{}` {}", c.line, c.column, c.verdict, c.source, c.note))
                .collect();
            problems.push(format!(
                "{}:{}: expected {} claims [{}], the checker read {}\n{}",
                p.file,
                a.1,
                a.2.len(),
                a.2.join(" "),
                got.len(),
                listing.join("\n")
            ));
            continue;
        }
        for (want, c) in a.2.iter().zip(got) {
            let flagged = c.verdict == "wrong" || c.verdict == "arithmetic";
            if want == "wrong" || want == "arithmetic" {
                if c.verdict != *want {
                    row.false_accepts += 1;
                    problems.push(format!(
                        "{}:{}: FALSE ACCEPT: the planted slip ({}) is `{}`, expected `{want}`: `{}` {}",
                        p.file, c.line, p.kind, c.verdict, c.source, c.note
                    ));
                    continue;
                }
                row.caught += 1;
                if names_kind(&p.kind, &c.verdict, &c.note) {
                    row.named += 1;
                } else if REASONS.iter().any(|r| c.note.contains(r)) {
                    row.unrelated += 1;
                    notes.push(format!(
                        "{}:{}: false alarm: the {} slip is flagged for another reason: {}",
                        p.file, c.line, p.kind, c.note
                    ));
                } else {
                    row.unnamed += 1;
                    notes.push(format!(
                        "{}:{}: the {} slip is flagged with no reason named",
                        p.file, c.line, p.kind
                    ));
                }
            } else {
                row.correct_claims += 1;
                if flagged {
                    row.alarms_on_correct += 1;
                    notes.push(format!(
                        "{}:{}: false alarm: a correct claim is `{}`: `{}` {}",
                        p.file, c.line, c.verdict, c.source, c.note
                    ));
                } else if c.verdict != "correct" && c.verdict != "approximate" {
                    problems.push(format!(
                        "{}:{}: a correct claim is `{}`: `{}` {}",
                        p.file, c.line, c.verdict, c.source, c.note
                    ));
                } else if c.verdict != *want {
                    problems.push(format!(
                        "{}:{}: `{}` where the file expects `{want}`: `{}`",
                        p.file, c.line, c.verdict, c.source
                    ));
                }
            }
        }
    }
}

fn planted_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "tex")))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

#[test]
fn planted_slips_are_caught() {
    let files: Vec<Planted> = planted_files().iter().map(|f| read_planted(f)).collect();
    // Two workers: the machine is shared.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, Vec<Claim>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(p) = files.get(i) else { break };
                        out.push((i, run_check(p)));
                    }
                    out
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let mut by_file: BTreeMap<usize, Vec<Claim>> = results.into_iter().collect();
    let mut rows: BTreeMap<&str, Row> = KINDS.iter().map(|k| (*k, Row::default())).collect();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut models = std::collections::BTreeSet::new();
    for (i, p) in files.iter().enumerate() {
        let claims = by_file.remove(&i).unwrap();
        models.insert(p.model.file_name().unwrap().to_string_lossy().to_string());
        judge(
            p,
            &claims,
            rows.get_mut(p.kind.as_str()).unwrap(),
            &mut problems,
            &mut notes,
        );
    }
    let total = rows.values().fold(Row::default(), |a, r| Row {
        files: a.files + r.files,
        caught: a.caught + r.caught,
        named: a.named + r.named,
        unnamed: a.unnamed + r.unnamed,
        unrelated: a.unrelated + r.unrelated,
        false_accepts: a.false_accepts + r.false_accepts,
        alarms_on_correct: a.alarms_on_correct + r.alarms_on_correct,
        correct_claims: a.correct_claims + r.correct_claims,
    });
    println!(
        "\nplanted-error corpus: {} files over {} models ({} .tex)\n",
        files.len(),
        models.len(),
        files.iter().filter(|p| p.tex).count()
    );
    println!(
        "{:<16} {:>5} {:>6} {:>6} {:>8} {:>13} {:>15} {:>14}",
        "kind", "files", "caught", "named", "unnamed", "false accepts", "false alarms", "correct claims"
    );
    let print = |k: &str, r: &Row| {
        println!(
            "{:<16} {:>5} {:>6} {:>6} {:>8} {:>13} {:>15} {:>14}",
            k,
            r.files,
            r.caught,
            r.named,
            r.unnamed,
            r.false_accepts,
            r.unrelated + r.alarms_on_correct,
            r.correct_claims
        )
    };
    for (k, r) in &rows {
        print(k, r);
    }
    print("total", &total);
    println!();
    for n in &notes {
        println!("  {n}");
    }
    let false_alarms = total.unrelated + total.alarms_on_correct;
    println!(
        "\nfalse accepts: {}; false alarms: {false_alarms} (recorded {RECORDED_FALSE_ALARMS}); unnamed: {} (recorded {RECORDED_UNNAMED})",
        total.false_accepts, total.unnamed
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    assert_eq!(total.false_accepts, 0, "every planted slip must be flagged");
    assert_eq!(
        false_alarms,
        RECORDED_FALSE_ALARMS,
        "false alarms changed (correct claims flagged, or slips flagged for another reason):\n{}",
        notes.join("\n")
    );
    assert_eq!(
        total.unnamed,
        RECORDED_UNNAMED,
        "the number of slips flagged with no reason changed; update RECORDED_UNNAMED and the corpus README:\n{}",
        notes.join("\n")
    );
    assert!(
        total.caught >= 50,
        "only {} caught slips; the corpus needs at least 50",
        total.caught
    );
    for (k, r) in &rows {
        assert!(r.files >= 3, "only {} files of kind {k}", r.files);
    }
    assert!(
        models.len() >= 8,
        "the corpus spans only {} models: {models:?}",
        models.len()
    );
}
