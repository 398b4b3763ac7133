//! The command line as a user meets it: exit codes, formats, `-o`, `--set`,
//! `--random`, standard input, determinism.

mod common;
use common::cli::{chainrule, root, stderr, stdout};

use std::process::{Command, Stdio};

#[test]
fn eval_prints_the_elman_table() {
    let o = chainrule(&["eval", "examples/elman.chain"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // EXPECTED.md: h[1] = 33/20, h[2] = 223/60, h[3] = 177/20.
    for row in [
        "h[1]      33/20",
        "h[2]      223/60",
        "h[3]      177/20",
        "h[0]      1/5",
    ] {
        assert!(out.contains(row), "missing `{row}` in\n{out}");
    }
    assert!(out.contains("y[2]"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("J ")), "{out}");
}

#[test]
fn json_has_the_contract_fields() {
    let o = chainrule(&["eval", "examples/elman.chain", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let values = v["values"].as_array().expect("values array");
    let h1 = values.iter().find(|r| r["name"] == "h[1]").expect("h[1] row");
    assert_eq!(h1["exact"], "33/20");
    let y2 = values.iter().find(|r| r["name"] == "y[2]").expect("y[2] row");
    assert!(y2["exact"].is_null());
    for r in values {
        let s = r["value"].as_str().expect("value is a string");
        let sig = s
            .trim_start_matches('-')
            .trim_start_matches(['0', '.'])
            .chars()
            .filter(char::is_ascii_digit)
            .count();
        assert!(sig >= 30, "{} has {sig} significant digits: {s}", r["name"]);
    }
    // `exact` is always `p/q`: the boundary value h[0] = 1/5 here, and an
    // integer is written over 1.
    let o = chainrule(&[
        "eval",
        "examples/gated_memory.chain",
        "--format",
        "json",
        "--of",
        "h[0] * 2",
    ]);
    let g: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(g["values"][0]["exact"], "2/1");
    // EXPECTED.md: y[2] = 0.99378774689153728960121369914890529
    assert!(y2["value"]
        .as_str()
        .unwrap()
        .starts_with("0.993787746891537289601213699148905"));
}

#[test]
fn of_evaluates_one_expression() {
    let o = chainrule(&["eval", "examples/elman.chain", "--of", "h[1] * 20"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("33"), "{}", stdout(&o));
    // A query may bring its own sum: 2·1 + 1·2 + 3·3 = 13 by hand.
    let o = chainrule(&["eval", "examples/elman.chain", "--of", "sum(k = 1..3, x1[k] * k)"]);
    assert!(stdout(&o).contains("13"), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn set_overrides_values() {
    // h[1] = w1*2 + w2*0 + 2*(1/5) + 1/4 with w1 = 1: 2 + 2/5 + 1/4 = 53/20.
    let o = chainrule(&["eval", "examples/elman.chain", "--of", "h[1]", "--set", "w1=1"]);
    assert!(stdout(&o).contains("53/20"), "{}{}", stdout(&o), stderr(&o));
    // x1[1] = 0: h[1] = 0 + 0 + 2/5 + 1/4 = 13/20.
    let o = chainrule(&["eval", "examples/elman.chain", "--of", "h[1]", "--set", "x1[1]=0"]);
    assert!(stdout(&o).contains("13/20"), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn bad_settings_exit_2() {
    for bad in ["nope=1", "w1", "x1[9]=1", "h=2", "w1=abc"] {
        let o = chainrule(&["eval", "examples/elman.chain", "--set", bad]);
        assert_eq!(o.status.code(), Some(2), "--set {bad}");
        assert!(stderr(&o).contains("--set"), "--set {bad}: {}", stderr(&o));
    }
}

#[test]
fn random_is_seeded_printed_and_deterministic() {
    let args = ["eval", "examples/alternating.chain", "--of", "h[4]", "--random", "7"];
    let a = chainrule(&args);
    let b = chainrule(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let out = stdout(&a);
    assert!(out.contains("seed 7"), "{out}");
    assert!(out.contains("x[1] = ") && out.contains("x[4] = "), "{out}");
    let other = chainrule(&["eval", "examples/alternating.chain", "--of", "h[4]", "--random", "8"]);
    assert_ne!(a.stdout, other.stdout);
}

#[test]
fn missing_values_name_the_leaves() {
    let o = chainrule(&["eval", "examples/alternating.chain", "--of", "h[2]"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("x[1], x[2]"), "{}", stderr(&o));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for f in [
        "elman",
        "lstm",
        "tanh_bptt",
        "bidirectional",
        "deep_residual",
        "gated_memory",
    ] {
        let path = format!("examples/{f}.chain");
        let a = chainrule(&["eval", &path, "--format", "json"]);
        let b = chainrule(&["eval", &path, "--format", "json"]);
        assert!(a.status.success(), "{f}: {}", stderr(&a));
        assert_eq!(a.stdout, b.stdout, "{f}");
    }
}

#[test]
fn every_format_runs() {
    for fmt in ["text", "latex", "markdown", "json"] {
        let o = chainrule(&["eval", "examples/tanh_bptt.chain", "--format", fmt]);
        assert!(o.status.success(), "{fmt}: {}", stderr(&o));
        assert!(!o.stdout.is_empty());
    }
    let o = chainrule(&["eval", "examples/tanh_bptt.chain", "--format", "latex"]);
    let out = stdout(&o);
    assert!(
        out.starts_with("\\begin{align*}") && out.contains("\\hat{y}^{(1)}"),
        "{out}"
    );
}

#[test]
fn reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(["eval", "-", "--of", "a*b"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"param a = 3/4, b = 2\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("3/2"));
}

#[test]
fn unreadable_file_exits_2() {
    let o = chainrule(&["eval", "examples/does-not-exist.chain"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"));
}

#[test]
fn output_file_is_complete_or_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    std::fs::write(&target, "previous contents").unwrap();
    let t = target.to_str().unwrap();
    // An error leaves the file as it was.
    let o = chainrule(&["eval", "examples/errors/parse/missing_operand.chain", "-o", t]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous contents");
    // Success replaces it with exactly what standard output would show.
    let o = chainrule(&["eval", "examples/elman.chain", "--format", "json", "-o", t]);
    assert!(o.status.success());
    let plain = chainrule(&["eval", "examples/elman.chain", "--format", "json"]);
    assert_eq!(std::fs::read(&target).unwrap(), plain.stdout);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

#[test]
fn every_error_example_exits_2_with_a_location() {
    let dir = root().join("examples/errors");
    let mut seen = 0;
    for kind in std::fs::read_dir(&dir).unwrap() {
        for file in std::fs::read_dir(kind.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let rel = path.strip_prefix(root()).unwrap().to_str().unwrap().to_string();
            let o = chainrule(&["eval", &rel]);
            assert_eq!(o.status.code(), Some(2), "{rel}");
            let err = stderr(&o);
            let located = err.contains(&format!("{rel}:")) || err.contains("no value for");
            assert!(located, "{rel} is not located:\n{err}");
            assert!(!err.contains("panicked"), "{rel}");
            seen += 1;
        }
    }
    assert!(seen >= 15, "only {seen} error examples");
}

#[test]
fn help_explains_eval() {
    let o = chainrule(&["eval", "--help"]);
    let out = stdout(&o);
    for flag in ["--of", "--set", "--steps", "--format", "--digits", "--random", "-o"] {
        assert!(out.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn derive_options_change_the_output() {
    let base = ["derive", "examples/elman.chain", "--of", "L(y[2])", "--wrt", "w1"];
    // --numbers: the simplified path form again with its values, by hand:
    // (y2 - 1) v x1[2] with y2 = 0.993788 (EXPECTED.md, to 6 digits),
    // v = 3/2 and x1[2] = 1.
    let o = chainrule(&[&base[..], &["--numbers"]].concat());
    assert!(o.status.success());
    assert!(
        stdout(&o).contains(r"(0.993788 - 1) \cdot 1.5 \cdot 1 \approx"),
        "{}",
        stdout(&o)
    );
    // --granularity equations: one factor per equation.
    let o = chainrule(&[&base[..], &["--granularity", "equations"]].concat());
    assert!(
        stdout(&o).contains(r"\frac{\partial h^{(2)}}{\partial h^{(1)}}"),
        "{}",
        stdout(&o)
    );
    // --template: a user's own template sees the same view.
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("mine.jinja");
    std::fs::write(&t, "paths=<< path_count >> status=<< check.status >>\n").unwrap();
    let o = chainrule(&[&base[..], &["--template", t.to_str().unwrap()]].concat());
    assert_eq!(stdout(&o), "paths=2 status=verified\n");
    // A broken template is bad input: exit 2, nothing on standard output.
    std::fs::write(&t, "<% if %>").unwrap();
    let o = chainrule(&[&base[..], &["--template", t.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn derive_errors_are_located() {
    let o = chainrule(&["derive", "examples/elman.chain", "--of", "L(y[2])", "--wrt", "w9"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--wrt:1:1"), "located in the --wrt text: {err}");
    assert!(err.contains("did you mean"), "{err}");
}
