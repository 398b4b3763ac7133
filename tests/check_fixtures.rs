//! `chainrule check` against hand derivations whose expected verdicts sit
//! next to each claim (examples/check/), typst-style:
//!
//! - Markdown: after a formula or block, `<!-- verdicts: correct arithmetic -->`.
//! - .tex: a line `% verdicts: correct wrong`.
//!
//! An annotation lists, in order, the verdicts of the claims in the math
//! between the previous annotation and itself. A claim belongs to the first
//! annotation that starts after the claim's position (its line and column).
//! An item may require a substring of the claim's note: `wrong:"factor"`,
//! `correct:"carried forward"`. The first line of a fixture names its model,
//! relative to the fixture: `<!-- model: ../lstm.chain -->` or
//! `% model: ../lstm.chain`.
//!
//! The exit code must be 1 exactly when some expected verdict is `wrong` or
//! `arithmetic`, or when every one is `unparsed` or `unknown-symbol`, else 0.
//!
//! The Elman sample (examples/elman_student.md) keeps its expectations in a
//! separate table, examples/elman_student.expected.md, whose verdict column
//! is read here; "correct, noted" means correct with a note about the path.

mod common;
use common::cli::check_json;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const VERDICTS: [&str; 6] = [
    "correct",
    "wrong",
    "arithmetic",
    "approximate",
    "unparsed",
    "unknown-symbol",
];

/// One expected verdict, with an optional required note substring.
#[derive(Clone, Debug, PartialEq)]
struct Item {
    verdict: String,
    note: Option<String>,
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.note {
            Some(n) => write!(f, "{}:{n:?}", self.verdict),
            None => write!(f, "{}", self.verdict),
        }
    }
}

/// One annotation: where it starts (byte offset, 1-based line) and its items.
#[derive(Debug)]
struct Annotation {
    pos: usize,
    line: usize,
    items: Vec<Item>,
}

/// A claim as reported by `chainrule check --format json`.
#[derive(Debug)]
struct Claim {
    line: usize,
    column: usize,
    source: String,
    verdict: String,
    expected: String,
    got: String,
    note: String,
}

impl Claim {
    fn describe(&self, file: &str) -> String {
        let mut s = format!(
            "{file}:{}:{}: {}  `{}`",
            self.line, self.column, self.verdict, self.source
        );
        if !self.expected.is_empty() || !self.got.is_empty() {
            s.push_str(&format!("\n        expected {} / got {}", self.expected, self.got));
        }
        if !self.note.is_empty() {
            s.push_str(&format!("\n        note: {}", self.note));
        }
        s
    }
}

fn line_of(src: &str, pos: usize) -> usize {
    src[..pos].matches('\n').count() + 1
}

/// The items of one annotation body: `correct wrong:"missing factor" approximate`.
fn parse_items(body: &str, at: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == ':' {
                break;
            }
            word.push(c);
            chars.next();
        }
        let mut note = None;
        if chars.peek() == Some(&':') {
            chars.next();
            assert_eq!(chars.next(), Some('"'), "{at}: expected a quoted note after `{word}:`");
            let mut n = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => n.push(c),
                    None => panic!("{at}: unterminated note after `{word}:`"),
                }
            }
            note = Some(n);
        }
        assert!(
            VERDICTS.contains(&word.as_str()),
            "{at}: `{word}` is not a verdict (one of {VERDICTS:?})"
        );
        items.push(Item { verdict: word, note });
    }
    items
}

/// Every verdict annotation of a fixture, in document order.
fn annotations(src: &str, tex: bool, file: &str) -> Vec<Annotation> {
    let mut out = Vec::new();
    if tex {
        let mut pos = 0;
        for line in src.split_inclusive('\n') {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix('%') {
                if let Some(body) = rest.trim_start().strip_prefix("verdicts:") {
                    let at = format!("{file}:{}", line_of(src, pos));
                    out.push(Annotation {
                        pos,
                        line: line_of(src, pos),
                        items: parse_items(body, &at),
                    });
                }
            }
            pos += line.len();
        }
    } else {
        let mut from = 0;
        while let Some(k) = src[from..].find("<!--") {
            let start = from + k;
            let end = src[start..]
                .find("-->")
                .map(|e| start + e)
                .unwrap_or_else(|| panic!("{file}:{}: unterminated comment", line_of(src, start)));
            let inner = src[start + 4..end].trim_start();
            if let Some(body) = inner.strip_prefix("verdicts:") {
                let at = format!("{file}:{}", line_of(src, start));
                out.push(Annotation {
                    pos: start,
                    line: line_of(src, start),
                    items: parse_items(body, &at),
                });
            }
            from = end + 3;
        }
    }
    out
}

/// The model named on the first line, relative to the fixture.
fn model_of(src: &str, fixture: &Path) -> PathBuf {
    let first = src.lines().next().unwrap_or("").trim();
    let name = first
        .strip_prefix("<!--")
        .and_then(|s| s.strip_suffix("-->"))
        .or_else(|| first.strip_prefix('%'))
        .map(str::trim)
        .and_then(|s| s.strip_prefix("model:"))
        .map(str::trim)
        .unwrap_or_else(|| {
            panic!(
                "{}: the first line must name the model (`<!-- model: ../x.chain -->` or `% model: ../x.chain`), found `{first}`",
                fixture.display()
            )
        });
    let path = fixture.parent().unwrap().join(name);
    assert!(
        path.is_file(),
        "{}: model {} does not exist",
        fixture.display(),
        path.display()
    );
    path
}

/// Runs `chainrule check FILE --model MODEL --format json`: the claims, the
/// summary and the exit code.
fn run_check(file: &Path, model: &Path) -> (Vec<Claim>, Json, i32) {
    let out = check_json(file, model);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code().unwrap_or(-1);
    let json: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: `chainrule check` (exit {code}) did not print JSON ({e})\nstdout:\n{stdout}\nstderr:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let field = |c: &Json, k: &str| -> String {
        match &c[k] {
            Json::String(s) => s.clone(),
            Json::Null => String::new(),
            other => other.to_string(),
        }
    };
    let num = |c: &Json, k: &str| -> usize {
        c[k].as_u64()
            .or_else(|| c[k].as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_else(|| panic!("{}: claim without a numeric `{k}`: {c}", file.display())) as usize
    };
    let claims = json["claims"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `claims` array in {json}", file.display()))
        .iter()
        .map(|c| Claim {
            line: num(c, "line"),
            column: num(c, "column"),
            source: field(c, "source"),
            verdict: field(c, "verdict"),
            expected: field(c, "expected"),
            got: field(c, "got"),
            note: field(c, "note"),
        })
        .collect();
    (claims, json["summary"].clone(), code)
}

/// The byte offset of a 1-based line and (character) column.
fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let mut pos = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
            return pos + col;
        }
        pos += l.len();
    }
    src.len()
}

/// The summary counts each verdict as often as the claims do.
fn check_summary(file: &str, claims: &[Claim], summary: &Json, failures: &mut Vec<String>) {
    for v in VERDICTS {
        let n = claims.iter().filter(|c| c.verdict == v).count();
        let s = summary[v].as_u64().map(|x| x as usize).unwrap_or(0);
        if s != n {
            failures.push(format!("{file}: summary says {s} `{v}`, the claims have {n}"));
        }
    }
}

/// Compares expected items with the claims given for them.
fn compare(file: &str, at: &str, items: &[Item], got: &[&Claim], failures: &mut Vec<String>) {
    let want: Vec<String> = items.iter().map(|i| i.verdict.clone()).collect();
    let have: Vec<String> = got.iter().map(|c| c.verdict.clone()).collect();
    if want != have {
        let listing: Vec<String> = got.iter().map(|c| format!("    {}", c.describe(file))).collect();
        failures.push(format!(
            "{at}: expected verdicts [{}], got [{}]\n{}",
            items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" "),
            have.join(" "),
            if listing.is_empty() {
                "    (no claims)".to_string()
            } else {
                listing.join("\n")
            }
        ));
        return;
    }
    for (item, claim) in items.iter().zip(got) {
        if let Some(n) = &item.note {
            if !claim.note.contains(n.as_str()) {
                failures.push(format!(
                    "{at}: the note of this claim should mention {n:?}\n    {}",
                    claim.describe(file)
                ));
            }
        }
    }
}

/// 1 when a claim is wrong or arithmetic, or when no claim could be read
/// at all (a document that proves nothing right does not pass); else 0.
fn expected_exit(items: &[Item]) -> i32 {
    let error = items.iter().any(|i| i.verdict == "wrong" || i.verdict == "arithmetic");
    let none_read = items
        .iter()
        .all(|i| i.verdict == "unparsed" || i.verdict == "unknown-symbol");
    i32::from(error || none_read)
}

/// Checks one annotated fixture; returns its failures.
fn check_fixture(path: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let file = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let src = std::fs::read_to_string(path).unwrap();
    let tex = path.extension().and_then(|e| e.to_str()) == Some("tex");
    let model = model_of(&src, path);
    let anns = annotations(&src, tex, &file);
    assert!(!anns.is_empty(), "{file}: no verdict annotations");
    let (claims, summary, code) = run_check(path, &model);
    let mut groups: Vec<Vec<&Claim>> = vec![Vec::new(); anns.len()];
    for c in &claims {
        let pos = offset_of(&src, c.line, c.column);
        match anns.iter().position(|a| a.pos > pos) {
            Some(k) => groups[k].push(c),
            None => failures.push(format!(
                "{file}:{}:{}: a claim after the last annotation\n    {}",
                c.line,
                c.column,
                c.describe(&file)
            )),
        }
    }
    for (a, got) in anns.iter().zip(&groups) {
        compare(&file, &format!("{file}:{}", a.line), &a.items, got, &mut failures);
    }
    check_summary(&file, &claims, &summary, &mut failures);
    let all: Vec<Item> = anns.iter().flat_map(|a| a.items.clone()).collect();
    let want = expected_exit(&all);
    if code != want {
        failures.push(format!(
            "{file}: exit code {code}, expected {want} (1 iff a claim is wrong or arithmetic, or none could be read)"
        ));
    }
    failures
}

fn fixtures() -> Vec<PathBuf> {
    let dir = root().join("examples").join("check");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "tex")))
        .collect();
    files.sort();
    files
}

#[test]
fn annotated_fixtures_get_their_verdicts() {
    let files = fixtures();
    let mut failures = Vec::new();
    for f in &files {
        failures.extend(check_fixture(f));
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in {} fixtures:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn fixtures_cover_markdown_and_tex() {
    let files = fixtures();
    let tex = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tex"))
        .count();
    assert!(files.len() >= 8, "only {} fixtures in examples/check", files.len());
    assert!(tex >= 3, "only {tex} .tex fixtures in examples/check");
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let is_tex = f.extension().is_some_and(|e| e == "tex");
        let items: usize = annotations(&src, is_tex, &f.display().to_string())
            .iter()
            .map(|a| a.items.len())
            .sum();
        assert!(items > 0, "{}: no expected verdicts", f.display());
        model_of(&src, f);
    }
}

/// The verdict column of examples/elman_student.expected.md.
fn elman_table() -> Vec<Item> {
    let path = root().join("examples").join("elman_student.expected.md");
    let src = std::fs::read_to_string(&path).unwrap();
    let mut items = Vec::new();
    for line in src.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        // Rows whose first cell is the claim number.
        if cells.len() < 3 || cells[0].parse::<usize>().is_err() {
            continue;
        }
        let cell = cells[2].to_lowercase();
        let (verdict, noted) = match cell.split_once(',') {
            Some((v, rest)) => (v.trim().to_string(), rest.contains("noted")),
            None => (cell.trim().to_string(), false),
        };
        assert!(
            VERDICTS.contains(&verdict.as_str()),
            "elman_student.expected.md: unknown verdict `{}`",
            cells[2]
        );
        items.push(Item {
            verdict,
            // Row 7: correct, noted — it is one path's contribution, not the total.
            note: noted.then(|| "path".to_string()),
        });
    }
    items
}

#[test]
fn elman_student_sample_matches_its_table() {
    let items = elman_table();
    assert_eq!(items.len(), 11, "the table lists 11 claims: {items:?}");
    assert_eq!(
        items[6],
        Item {
            verdict: "correct".into(),
            note: Some("path".into())
        }
    );
    let doc = root().join("examples").join("elman_student.md");
    let model = root().join("examples").join("elman.chain");
    let (claims, summary, code) = run_check(&doc, &model);
    let file = "examples/elman_student.md";
    let mut failures = Vec::new();
    let got: Vec<&Claim> = claims.iter().collect();
    compare(file, "examples/elman_student.expected.md", &items, &got, &mut failures);
    check_summary(file, &claims, &summary, &mut failures);
    let want = expected_exit(&items);
    if code != want {
        failures.push(format!("{file}: exit code {code}, expected {want}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn annotation_reader() {
    let md =
        "x $a = b$ <!-- verdicts: correct wrong:\"missing factor\" -->\n<!-- other -->\n<!--verdicts: approximate-->";
    let a = annotations(md, false, "t.md");
    assert_eq!(a.len(), 2);
    assert_eq!(
        a[0].items,
        vec![
            Item {
                verdict: "correct".into(),
                note: None
            },
            Item {
                verdict: "wrong".into(),
                note: Some("missing factor".into())
            },
        ]
    );
    assert_eq!(a[1].line, 3);
    let tex = "\\[a = b\\]\n  % verdicts: unknown-symbol correct:\"carried forward\"\n% a comment\n";
    let t = annotations(tex, true, "t.tex");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].line, 2);
    assert_eq!(t[0].items[1].note.as_deref(), Some("carried forward"));
    assert_eq!(offset_of("ab\ncé d", 2, 3), 3 + 3);
}

/// The number a shown value ends with: `223/60 = 3.7166…` → 3.7166,
/// `form = -0.0466` → -0.0466, `1.65e-63` → 1.65e-63.
fn last_number(s: &str) -> Option<f64> {
    let tail = s.rsplit(" = ").next()?.trim().trim_end_matches('…');
    if let Some((p, q)) = tail.split_once('/') {
        return Some(p.trim().parse::<f64>().ok()? / q.trim().parse::<f64>().ok()?);
    }
    tail.parse().ok()
}

/// A claim called correct never shows an expected value other than the one
/// it got (issue 11): the two may be written differently (`33/20 = 1.65`
/// and `1.65`), never be different numbers.
#[test]
fn correct_claims_show_no_other_expected_value() {
    let mut files = fixtures();
    files.push(root().join("examples").join("elman_student.md"));
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let model = if f.ends_with("elman_student.md") {
            root().join("examples").join("elman.chain")
        } else {
            model_of(&src, f)
        };
        let file = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        let (claims, _, _) = run_check(f, &model);
        for c in claims
            .iter()
            .filter(|c| c.verdict == "correct" && !c.expected.is_empty())
        {
            match (last_number(&c.expected), last_number(&c.got)) {
                (Some(e), Some(g)) if (e - g).abs() <= 1e-12 * e.abs().max(1.0) => {}
                _ => failures.push(c.describe(&file)),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "correct, yet showing another value:\n{}",
        failures.join("\n")
    );
}
