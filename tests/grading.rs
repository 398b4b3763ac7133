//! `chainrule check DIR --model M`: a folder of submissions checked in
//! parallel, summarised as a table, CSV and JSON, and a Gradescope-style
//! results.json, always in the order of the file names.

use std::path::Path;
use std::process::Command;

fn chainrule(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A folder of four submissions: right, wrong, no math, a LaTeX one in a
/// student's subfolder; and a file that is not a submission.
fn submissions() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("model.chain"), "param w = 3\nJ = w^2\n").unwrap();
    let subs = root.join("subs");
    std::fs::create_dir_all(subs.join("dana")).unwrap();
    std::fs::write(subs.join("carol.md"), "$$J = w^2 = 9$$\n").unwrap();
    std::fs::write(subs.join("alice.md"), "$$\\frac{\\partial J}{\\partial w} = 2w = 7$$\n").unwrap();
    std::fs::write(subs.join("bob.md"), "I did not do it.\n").unwrap();
    std::fs::write(subs.join("dana").join("answer.tex"), "\\[ J = 9 \\]\n").unwrap();
    std::fs::write(subs.join("notes.txt"), "$$J = 1$$\n").unwrap();
    dir
}

#[test]
fn a_folder_is_graded_in_name_order() {
    let dir = submissions();
    let o = chainrule(
        &[
            "check",
            "subs",
            "--model",
            "model.chain",
            "--summary",
            "summary.csv",
            "--summary",
            "summary.json",
            "--results",
            "results.json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "alice and bob do not pass");
    let table = String::from_utf8(o.stdout).unwrap();
    let names: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        ["alice.md", "bob.md", "carol.md", "dana/answer.tex", "2"],
        "{table}"
    );
    assert!(table.contains("2 of 4 files pass"), "{table}");
    assert!(!table.contains("notes.txt"), "only .md and .tex files are submissions");

    let csv = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    insta::assert_snapshot!("summary_csv", csv);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["passed"], 2);
    assert_eq!(json["files"][1]["status"], "nothing-to-check");

    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("results.json")).unwrap()).unwrap();
    let tests = results["tests"].as_array().unwrap();
    // alice: 2 claims (2w right; 2w = 7 does not follow at w = 3), bob:
    // none, carol: 1 (J = w^2 defines nothing new; w^2 = 9 is the claim), dana: 1.
    let scores: Vec<(String, u64, u64)> = tests
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().split(' ').next().unwrap().to_string(),
                t["score"].as_u64().unwrap(),
                t["max_score"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        scores,
        [
            ("alice.md:1:35".to_string(), 1, 1),
            ("alice.md:1:40".to_string(), 0, 1),
            ("bob.md".to_string(), 0, 0),
            ("carol.md:1:13".to_string(), 1, 1),
            ("dana/answer.tex:1:8".to_string(), 1, 1),
        ],
        "{results:#}"
    );
    assert_eq!(results["score"], 3);
    assert_eq!(results["max_score"], 4);
    let feedback = tests[1]["output"].as_str().unwrap();
    assert!(
        feedback.starts_with("arithmetic; expected: 6; got: 7; hint:"),
        "{feedback}"
    );
}

#[test]
fn one_job_or_many_give_the_same_bytes() {
    let dir = submissions();
    let run = |jobs: &str| {
        let o = chainrule(
            &[
                "check",
                "subs",
                "--model",
                "model.chain",
                "--format",
                "json",
                "--jobs",
                jobs,
            ],
            dir.path(),
        );
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn a_folder_without_documents_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("model.chain"), "param w = 3\nJ = w^2\n").unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let o = chainrule(&["check", "empty", "--model", "model.chain"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no `.md` or `.tex` file"));
    let o = chainrule(
        &["check", "empty", "--model", "model.chain", "--format", "html"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
}
