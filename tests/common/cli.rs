//! Running the `chainrule` binary from an integration test, from the
//! project root and without colour, as a user at a terminal would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root (examples and docs are named from it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `args` from the project root.
pub fn chainrule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 errors")
}

/// `chainrule check FILE --model MODEL --format json`, as a student runs it.
pub fn check_json(file: &Path, model: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .arg("check")
        .arg(file)
        .arg("--model")
        .arg(model)
        .args(["--format", "json"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}
