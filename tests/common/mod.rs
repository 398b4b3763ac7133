//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cli;

use chainrule::eval::Value;
use chainrule::number::decimal::parse_decimal;
use chainrule::query::{eval_model, load, EvalRequest};
use std::path::PathBuf;

pub fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Evaluates `of` in the example model with default settings (40 digits).
pub fn eval_of(model_file: &str, of: &str) -> Value {
    let model = load(&example(model_file), &[]).expect("model loads");
    let req = EvalRequest {
        of: Some(of.into()),
        digits: 40,
        ..Default::default()
    };
    let report = eval_model(&model, &req).unwrap_or_else(|e| panic!("{model_file}: {of}: {e}"));
    report.rows.into_iter().next().expect("one row").value
}

/// The value agrees with a decimal from an independent source to every
/// digit written there: the certified enclosure lies within one unit in the
/// last written place (which covers both rounding and truncation), and that
/// place is at least `min_sig` significant digits deep.
pub fn assert_agrees(v: &Value, expected: &str, min_sig: usize) {
    let (q, sig, ulp) = parse_decimal(expected).unwrap_or_else(|| panic!("bad decimal {expected}"));
    assert!(sig >= min_sig, "oracle {expected} has only {sig} significant digits");
    let iv = v.interval();
    let lo = &q - &ulp;
    let hi = &q + &ulp;
    assert!(
        iv.lo() >= &lo && iv.hi() <= &hi,
        "value [{} , {}] does not agree with {expected}",
        chainrule::number::decimal::interval_to_decimal(&chainrule::number::Interval::point(iv.lo().clone()), 50)
            .unwrap_or_default(),
        chainrule::number::decimal::interval_to_decimal(&chainrule::number::Interval::point(iv.hi().clone()), 50)
            .unwrap_or_default(),
    );
}
