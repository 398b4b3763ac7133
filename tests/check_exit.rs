//! Issue 11, item 4: exit 0 means that what was read is right AND that
//! something was read. A document whose every claim is unparsed or
//! unknown-symbol does not pass (exit 1, said in the summary); a document
//! with nothing to check (no math, or math that claims nothing) is bad
//! input (exit 2, located).

use chainrule::check::{check_document, CheckOptions, DocKind, Report};
use chainrule::diagnostics::{render_plain, Sources};
use chainrule::query::load;
use serde_json::Value as Json;
use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn elman() -> chainrule::model::Model {
    load(
        &std::fs::read_to_string(root().join("examples/elman.chain")).unwrap(),
        &[],
    )
    .unwrap()
}

fn check(doc: &str, kind: DocKind) -> Report {
    check_document(&elman(), doc, kind, &CheckOptions::default())
}

fn scratch(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chainrule-check-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn run(path: &PathBuf, json: bool) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chainrule"));
    c.arg("check").arg(path).args(["--model", "examples/elman.chain"]);
    if json {
        c.args(["--format", "json"]);
    }
    c.current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// `w_9` is no name of examples/elman.chain; `y = (` never closes.
const ALL_UNREAD: &str = "$$h^{(1)} = w_9$$\n\n$$y^{(1)} = (\n$$\n";
// h⁽¹⁾ = 33/20 = 1.65 by hand; then the same unreadable formula.
const MIXED: &str = "$$h^{(1)} = 1.65$$\n\n$$y^{(1)} = (\n$$\n";

#[test]
fn all_claims_unreadable_does_not_pass() {
    let r = check(ALL_UNREAD, DocKind::Markdown);
    assert_eq!((r.checked(), r.unread()), (0, 2));
    assert!(r.has_errors(), "nothing was checked, so it must not pass");
    assert!(r.nothing_to_check().is_none(), "claims were found: not bad input");
    let p = scratch("unread.md", ALL_UNREAD);
    let o = run(&p, false);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("0 claims checked; 2 could not be read (1 unparsed, 1 unknown-symbol): nothing could be checked"),
        "{out}"
    );
    let o = run(&p, true);
    assert_eq!(o.status.code(), Some(1));
    let j: Json = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["summary"]["checked"], 0);
    assert_eq!(j["summary"]["unread"], 2);
}

#[test]
fn what_was_read_is_right_and_the_rest_is_counted() {
    let r = check(MIXED, DocKind::Markdown);
    assert_eq!((r.checked(), r.unread()), (1, 1));
    assert!(!r.has_errors());
    let p = scratch("mixed.md", MIXED);
    let o = run(&p, false);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .contains("1 claim checked (1 correct); 1 could not be read (1 unparsed); random points seeded with 1"),
        "{}",
        stdout(&o)
    );
    let j: Json = serde_json::from_str(&stdout(&run(&p, true))).unwrap();
    assert_eq!(
        (j["summary"]["checked"].as_u64(), j["summary"]["unread"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn nothing_to_check_is_located() {
    // No math at all: located at the start.
    let doc = "# Notes\n\nNo formulas here.\n";
    let r = check(doc, DocKind::Markdown);
    let e = r.nothing_to_check().expect("no math");
    assert!(r.has_errors());
    assert!(e.message.contains("no math found"), "{e:?}");
    let shown = render_plain(
        &e,
        &Sources {
            file_name: "notes.md",
            model: doc,
            query: None,
            wrt: None,
        },
    );
    assert!(shown.contains("notes.md:1:1"), "{shown}");
    // Math that claims nothing (symbols, and a definition of the author's
    // own name): located at the first formula, `$w_1$` on line 3, column 9.
    let doc = "Intro.\n\nWe use $w_1$ and $h^{(1)}$.\n\n$$d^{(t)} = w_1 x_1^{(t)}$$\n";
    let r = check(doc, DocKind::Markdown);
    let e = r.nothing_to_check().expect("no claim");
    assert!(e.message.contains("3 formulas make no claim"), "{e:?}");
    let shown = render_plain(
        &e,
        &Sources {
            file_name: "notes.md",
            model: doc,
            query: None,
            wrt: None,
        },
    );
    assert!(shown.contains("notes.md:3:9"), "{shown}");
    // A .tex file says how to write math in LaTeX.
    let r = check(
        "\\documentclass{article}\\begin{document}Hello.\\end{document}",
        DocKind::Tex,
    );
    let e = r.nothing_to_check().expect("no math");
    assert!(e.help.unwrap_or_default().contains("equation"));
    // Either way the command does not pass.
    let p = scratch("nomath.md", "No formulas here.\n");
    let o = run(&p, false);
    assert!(matches!(o.status.code(), Some(1 | 2)), "{:?}", o.status);
}

/// Bad input exits 2 with a located message. Needs the `run_check` change
/// in src/main.rs described in the check-fixes report (call
/// `Report::nothing_to_check` and render it like every other error).
#[test]
fn nothing_to_check_exits_two() {
    let p = scratch("nomath2.md", "# Notes\n\nNo formulas here.\n");
    let o = run(&p, false);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no math found") && err.contains("nomath2.md:1:1"), "{err}");
    assert!(o.stdout.is_empty());
}
