//! Random small vector models (LANGUAGE.md §4), written out as model text
//! and run through the `chainrule` binary with `--format json`:
//!
//! - a. `derive --wrt W` (the matrix form) verifies itself;
//! - b. every entry of the matrix form equals the scalar derivation
//!   `derive --wrt 'W[i,j]'` (another code path) to 30 significant digits,
//!   for W, U and b;
//! - c. every entry of the matrix form agrees with a central difference of
//!   `eval --of L` on models written with that one weight moved by ±1e-12;
//! - a shape slip inserted into a random model is a located error (exit 2)
//!   that names both shapes.
//!
//! The models are h[t] = F(W*x[t] + U*h[t-1] + b) with F = tanh or sigmoid,
//! optionally gated, h[t] = g[t] .* F(…) with g[t] = sigmoid(Wg*x[t] + Ug*h[t-1] + bg),
//! h[0] = zeros(n), and one of three scalar losses.
//!
//! The runs are seeded (`SEED`, or `PROPTEST_RNG_SEED` to try another) so
//! they are the same on every machine; a failure is shrunk and saved by
//! proptest in `property_tensor.proptest-regressions`, and its message
//! carries the model text.

mod common;

use chainrule::number::decimal::parse_decimal;
use chainrule::number::Q;
use common::cli::{chainrule, stderr, stdout};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngAlgorithm, RngSeed, TestRng, TestRunner};
use serde_json::Value as Json;
use std::path::Path;

/// The seed of every property in this file unless `PROPTEST_RNG_SEED` is set.
const SEED: u64 = 0x007e_450c_4a11;

fn config(cases: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    let rng_seed = match default.rng_seed {
        RngSeed::Random => RngSeed::Fixed(SEED),
        fixed => fixed,
    };
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed,
        // Each case runs the binary a few dozen times; shrinking stays short.
        max_shrink_iters: 256,
        ..default
    }
}

/// `numerator / denominator`.
type R = (i64, i64);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    Tanh,
    Sigmoid,
}

impl Act {
    fn name(self) -> &'static str {
        match self {
            Act::Tanh => "tanh",
            Act::Sigmoid => "sigmoid",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Loss {
    /// `L = sum(t = 1..T, dot(v, h[t]))`
    SumDot,
    /// `L = dot(v, h[T]) ^ 2`
    DotSquared,
    /// `yhat[t] = softmax(V*h[t] + c)`, `L = -sum(t = 1..T, dot(y[t], ln(yhat[t])))`
    SoftmaxCe,
}

/// A random vector model. Matrices are row by row.
#[derive(Clone, Debug)]
struct Model {
    /// Hidden size.
    n: usize,
    /// Input size.
    m: usize,
    /// Output size (softmax loss only).
    k: usize,
    act: Act,
    gated: bool,
    loss: Loss,
    w: Vec<R>,
    u: Vec<R>,
    b: Vec<R>,
    /// Gate weights: Wg (n x m), Ug (n x n), bg (n), when `gated`.
    wg: Vec<R>,
    ug: Vec<R>,
    bg: Vec<R>,
    /// Read-out of the dot losses (n).
    v: Vec<R>,
    /// Read-out of the softmax loss: V (k x n), c (k).
    vv: Vec<R>,
    c: Vec<R>,
    /// Inputs, T rows of m.
    x: Vec<Vec<R>>,
    /// One-hot targets (softmax loss only): the index of the 1 at each step.
    y: Vec<usize>,
}

/// The parameter whose entries are compared, and how it is declared.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Param {
    W,
    U,
    B,
}

impl Param {
    fn name(self) -> &'static str {
        match self {
            Param::W => "W",
            Param::U => "U",
            Param::B => "b",
        }
    }
}

/// One weight moved: which parameter, which flat (row-major) entry, and
/// the new value as an exact fraction (numerator, denominator).
type Nudge = (Param, usize, (i128, i128));

/// A shape slip to insert (property 3).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slip {
    /// `param U: (n+1)x(n+1)`
    U,
    /// `param W: nx(m+1)`
    W,
    /// `param b: n+1`
    B,
}

fn frac(r: R) -> String {
    if r.1 == 1 {
        r.0.to_string()
    } else {
        format!("{}/{}", r.0, r.1)
    }
}

fn row(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

impl Model {
    fn steps(&self) -> usize {
        self.x.len()
    }

    fn entries(&self, p: Param) -> &[R] {
        match p {
            Param::W => &self.w,
            Param::U => &self.u,
            Param::B => &self.b,
        }
    }

    /// (rows, cols) of a parameter; a vector has one column.
    fn dims(&self, p: Param) -> (usize, usize) {
        match p {
            Param::W => (self.n, self.m),
            Param::U => (self.n, self.n),
            Param::B => (self.n, 1),
        }
    }

    fn text(&self) -> String {
        self.text_with(None, None)
    }

    /// The model text, with at most one weight moved and at most one shape slip.
    fn text_with(&self, nudge: Option<Nudge>, slip: Option<Slip>) -> String {
        let (n, m) = (self.n, self.m);
        let show = |p: Param, k: usize, r: R| -> String {
            match nudge {
                Some((q, at, (num, den))) if q == p && at == k => format!("{num}/{den}"),
                _ => frac(r),
            }
        };
        let matrix = |name: &str, p: Option<Param>, rows: usize, cols: usize, xs: &[R]| -> String {
            let rs: Vec<String> = (0..rows)
                .map(|i| {
                    let cells: Vec<String> = (0..cols)
                        .map(|j| {
                            let k = i * cols + j;
                            match p {
                                Some(p) => show(p, k, xs[k]),
                                None => frac(xs[k]),
                            }
                        })
                        .collect();
                    row(&cells)
                })
                .collect();
            format!("param {name}: {rows}x{cols} = {}\n", row(&rs))
        };
        let vector = |name: &str, p: Option<Param>, len: usize, xs: &[R]| -> String {
            let cells: Vec<String> = (0..len)
                .map(|k| match p {
                    Some(p) => show(p, k, xs[k]),
                    None => frac(xs[k]),
                })
                .collect();
            format!("param {name}: {len} = {}\n", row(&cells))
        };
        let mut s = String::from("# generated by tests/property_tensor.rs\n");
        // The slips keep the declaration and its value consistent, so the
        // error is the product or sum that uses them.
        let pad = |xs: &[R], rows: usize, cols: usize, new_rows: usize, new_cols: usize| -> Vec<R> {
            (0..new_rows * new_cols)
                .map(|k| {
                    let (i, j) = (k / new_cols, k % new_cols);
                    if i < rows && j < cols {
                        xs[i * cols + j]
                    } else {
                        (1, 2)
                    }
                })
                .collect()
        };
        s += &match slip {
            Some(Slip::W) => matrix("W", None, n, m + 1, &pad(&self.w, n, m, n, m + 1)),
            _ => matrix("W", Some(Param::W), n, m, &self.w),
        };
        s += &match slip {
            Some(Slip::U) => matrix("U", None, n + 1, n + 1, &pad(&self.u, n, n, n + 1, n + 1)),
            _ => matrix("U", Some(Param::U), n, n, &self.u),
        };
        s += &match slip {
            Some(Slip::B) => vector("b", None, n + 1, &pad(&self.b, n, 1, n + 1, 1)),
            _ => vector("b", Some(Param::B), n, &self.b),
        };
        if self.gated {
            s += &matrix("Wg", None, n, m, &self.wg);
            s += &matrix("Ug", None, n, n, &self.ug);
            s += &vector("bg", None, n, &self.bg);
        }
        match self.loss {
            Loss::SumDot | Loss::DotSquared => s += &vector("v", None, n, &self.v),
            Loss::SoftmaxCe => {
                s += &matrix("V", None, self.k, n, &self.vv);
                s += &vector("c", None, self.k, &self.c);
            }
        }
        let xs: Vec<String> = self
            .x
            .iter()
            .map(|xt| row(&xt.iter().map(|&r| frac(r)).collect::<Vec<_>>()))
            .collect();
        s += &format!("input x: {m} = {}\n", row(&xs));
        if self.loss == Loss::SoftmaxCe {
            let ys: Vec<String> = self
                .y
                .iter()
                .map(|&hot| {
                    row(&(0..self.k)
                        .map(|i| if i == hot { "1" } else { "0" }.to_string())
                        .collect::<Vec<_>>())
                })
                .collect();
            s += &format!("target y: {} = {}\n", self.k, row(&ys));
        }
        s += &format!("const T = {}\n", self.steps());
        s += &format!("h[0] = zeros({n})\n");
        let z = "W*x[t] + U*h[t-1] + b";
        let f = self.act.name();
        if self.gated {
            s += "g[t] = sigmoid(Wg*x[t] + Ug*h[t-1] + bg)\n";
            s += &format!("h[t] = g[t] .* {f}({z})\n");
        } else {
            s += &format!("h[t] = {f}({z})\n");
        }
        s += match self.loss {
            Loss::SumDot => "L = sum(t = 1..T, dot(v, h[t]))\n",
            Loss::DotSquared => "L = dot(v, h[T]) ^ 2\n",
            Loss::SoftmaxCe => "yhat[t] = softmax(V*h[t] + c)\nL = -sum(t = 1..T, dot(y[t], ln(yhat[t])))\n",
        };
        s
    }
}

fn ratio() -> impl Strategy<Value = R> {
    (-4i64..=4, 1i64..=6)
}

fn ratios(len: usize) -> impl Strategy<Value = Vec<R>> {
    proptest::collection::vec(ratio(), len)
}

fn model() -> impl Strategy<Value = Model> {
    let act = prop_oneof![Just(Act::Tanh), Just(Act::Sigmoid)];
    let loss = prop_oneof![Just(Loss::SumDot), Just(Loss::DotSquared), Just(Loss::SoftmaxCe)];
    (1usize..=3, 1usize..=3, 1usize..=3, 2usize..=3, act, any::<bool>(), loss).prop_flat_map(
        |(n, m, steps, k, act, gated, loss)| {
            let g = if gated { 1 } else { 0 };
            (
                (ratios(n * m), ratios(n * n), ratios(n)),
                (ratios(g * n * m), ratios(g * n * n), ratios(g * n)),
                (ratios(n), ratios(k * n), ratios(k)),
                proptest::collection::vec(ratios(m), steps),
                proptest::collection::vec(0..k, steps),
            )
                .prop_map(move |((w, u, b), (wg, ug, bg), (v, vv, c), x, y)| Model {
                    n,
                    m,
                    k,
                    act,
                    gated,
                    loss,
                    w,
                    u,
                    b,
                    wg,
                    ug,
                    bg,
                    v,
                    vv,
                    c,
                    x,
                    y,
                })
        },
    )
}

/// A model file in a temporary directory that lives as long as this value.
struct File {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

fn write(text: &str) -> File {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("m.chain");
    std::fs::write(&path, text).expect("the model is written");
    File { _dir: dir, path }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// Runs the binary and reads its JSON; a non-zero exit or bad JSON is a
/// test failure with the model text.
fn json_out(args: &[&str], text: &str) -> Result<Json, TestCaseError> {
    let out = chainrule(args);
    if !out.status.success() {
        return Err(TestCaseError::fail(format!(
            "{args:?} exited with {:?}:\n{}\nmodel:\n{text}",
            out.status.code(),
            stderr(&out)
        )));
    }
    serde_json::from_str(&stdout(&out))
        .map_err(|e| TestCaseError::fail(format!("{args:?}: bad JSON ({e}):\n{}\nmodel:\n{text}", stdout(&out))))
}

/// A decimal string (possibly with an exponent) or `p/q`, exactly, with the
/// unit in its last written place (0 for `p/q`). A value the evaluator
/// cannot tell from 0 is printed as its enclosure, `[-1.9e-398, 1.9e-398]`:
/// that reads as its midpoint, give or take its half-width.
fn number(s: &str) -> Option<(Q, Q)> {
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let (lo, hi) = inner.split_once(',')?;
        let ((lo, ulo), (hi, uhi)) = (number(lo.trim())?, number(hi.trim())?);
        let two = Q::int(2);
        let mid = &(&lo + &hi) / &two;
        let half = &(&hi - &lo) / &two;
        return Some((mid, &(&half + &ulo) + &uhi));
    }
    if s.contains('/') {
        return s.parse::<Q>().ok().map(|q| (q, Q::zero()));
    }
    parse_decimal(s).map(|(q, _, ulp)| (q, ulp))
}

/// Flattens a JSON scalar, list or list of lists of strings, row by row.
fn flat(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![format!("<not a value: {other}>")],
    }
}

/// 10^-e.
fn ten_to_minus(e: usize) -> Q {
    format!("0.{}1", "0".repeat(e - 1)).parse().unwrap()
}

fn max_one(q: &Q) -> Q {
    let a = q.abs();
    if a > Q::one() {
        a
    } else {
        Q::one()
    }
}

/// Every entry of the matrix form `--wrt P` for the three parameters, as
/// exact decimals, after checking that each verified itself (property a).
fn matrix_forms(model: &Model, file: &Path, text: &str) -> Result<Vec<(Param, Vec<Q>)>, TestCaseError> {
    let mut forms = Vec::new();
    for p in [Param::W, Param::U, Param::B] {
        let got = json_out(
            &[
                "derive",
                path_str(file),
                "--of",
                "L",
                "--wrt",
                p.name(),
                "--format",
                "json",
            ],
            text,
        )?;
        prop_assert_eq!(
            &got["check"]["status"],
            "verified",
            "dL/d{} does not verify: {}\nmodel:\n{}",
            p.name(),
            &got["check"],
            text
        );
        let (rows, cols) = model.dims(p);
        let entries = flat(&got["total"]["value"]);
        prop_assert_eq!(
            entries.len(),
            rows * cols,
            "dL/d{} has {} entries, not {}x{}: {}\nmodel:\n{}",
            p.name(),
            entries.len(),
            rows,
            cols,
            &got["total"]["value"],
            text
        );
        let mut values = Vec::new();
        for e in &entries {
            let Some((q, _)) = number(e) else {
                return Err(TestCaseError::fail(format!(
                    "dL/d{}: not a number: {e}\nmodel:\n{text}",
                    p.name()
                )));
            };
            values.push(q);
        }
        forms.push((p, values));
    }
    Ok(forms)
}

/// How an entry of P is named on the command line, 1-based.
fn entry_name(model: &Model, p: Param, k: usize) -> String {
    let (_, cols) = model.dims(p);
    match p {
        Param::B => format!("b[{}]", k + 1),
        _ => format!("{}[{},{}]", p.name(), k / cols + 1, k % cols + 1),
    }
}

/// Properties a and b.
fn matrix_form_matches_scalar_entries(model: &Model) -> Result<(), TestCaseError> {
    let text = model.text();
    let file = write(&text);
    let forms = matrix_forms(model, &file.path, &text)?;
    let tol = ten_to_minus(30);
    for (p, values) in &forms {
        for (k, want) in values.iter().enumerate() {
            let wrt = entry_name(model, *p, k);
            let got = json_out(
                &[
                    "derive",
                    path_str(&file.path),
                    "--of",
                    "L",
                    "--wrt",
                    &wrt,
                    "--format",
                    "json",
                ],
                &text,
            )?;
            prop_assert_eq!(
                &got["check"]["status"],
                "verified",
                "dL/d{} does not verify: {}\nmodel:\n{}",
                wrt,
                &got["check"],
                text
            );
            let value = &got["total"]["value"];
            let Some(s) = value.as_str() else {
                return Err(TestCaseError::fail(format!(
                    "dL/d{wrt} is not a scalar: {value}\nmodel:\n{text}"
                )));
            };
            let Some((g, _)) = number(s) else {
                return Err(TestCaseError::fail(format!(
                    "dL/d{wrt}: not a number: {s}\nmodel:\n{text}"
                )));
            };
            prop_assert!(
                (&g - want).abs() <= &tol * &max_one(want),
                "dL/d{}: scalar derivation {} but entry {} of the matrix form dL/d{} is {}\nmodel:\n{}",
                wrt,
                s,
                k + 1,
                p.name(),
                want,
                text
            );
        }
    }
    Ok(())
}

/// L of a model text by `eval --of L`: the value and the unit in its last place.
fn loss(text: &str) -> Result<(Q, Q), TestCaseError> {
    let file = write(text);
    let got = json_out(&["eval", path_str(&file.path), "--of", "L", "--format", "json"], text)?;
    let row = &got["values"][0];
    if let Some(exact) = row["exact"].as_str() {
        if let Some(q) = number(exact) {
            return Ok(q);
        }
    }
    let s = row["value"].as_str().unwrap_or("");
    number(s).ok_or_else(|| TestCaseError::fail(format!("eval L: not a number: {}\nmodel:\n{text}", row["value"])))
}

/// Property c: the central difference with eps = 10^-12 on models written
/// with one weight moved, against every entry of the matrix forms.
fn matrix_form_matches_central_differences(model: &Model) -> Result<(), TestCaseError> {
    let text = model.text();
    let file = write(&text);
    let forms = matrix_forms(model, &file.path, &text)?;
    const SCALE: i128 = 1_000_000_000_000; // 1/eps
    let eps = ten_to_minus(12);
    let two_eps = &eps + &eps;
    let rel = ten_to_minus(15);
    for (p, values) in &forms {
        for (k, grad) in values.iter().enumerate() {
            let (num, den) = model.entries(*p)[k];
            let (num, den) = (num as i128, den as i128);
            // num/den ± 1/SCALE = (num*SCALE ± den) / (den*SCALE)
            let plus = model.text_with(Some((*p, k, (num * SCALE + den, den * SCALE))), None);
            let minus = model.text_with(Some((*p, k, (num * SCALE - den, den * SCALE))), None);
            let (lp, up) = loss(&plus)?;
            let (lm, um) = loss(&minus)?;
            let fd = &(&lp - &lm) / &two_eps;
            // The decimals' last places, carried through the quotient.
            let widths = &(&up + &um) / &two_eps;
            let tol = &(&rel * &max_one(grad)) + &widths;
            prop_assert!(
                (&fd - grad).abs() <= tol,
                "d L/d{}: central difference {} but the matrix form says {} (L+ = {}, L- = {})\nmodel:\n{}",
                entry_name(model, *p, k),
                fd.approx_f64(),
                grad.approx_f64(),
                lp.approx_f64(),
                lm.approx_f64(),
                text
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn matrix_forms_verify_and_equal_their_scalar_entries(m in model()) {
        matrix_form_matches_scalar_entries(&m)?;
    }
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn matrix_forms_equal_central_differences(m in model()) {
        matrix_form_matches_central_differences(&m)?;
    }
}

/// "a 2x3 matrix", "a 2-vector", "a 1x3 row vector", as the messages name shapes.
fn words(rows: usize, cols: usize) -> String {
    match (rows, cols) {
        (1, 1) => "a scalar".into(),
        (r, 1) => format!("a {r}-vector"),
        (1, c) => format!("a 1x{c} row vector"),
        (r, c) => format!("a {r}x{c} matrix"),
    }
}

/// The shapes a message names, in order of appearance.
fn shapes_named(text: &str) -> Vec<String> {
    let tokens: Vec<&str> = text
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
        .collect();
    let mut named = Vec::new();
    for (i, pair) in tokens.windows(2).enumerate() {
        let (a, what) = (pair[0], pair[1]);
        if a != "a" {
            continue;
        }
        let next = tokens.get(i + 2).copied().unwrap_or("");
        let dims = |t: &str| {
            t.split_once('x')
                .is_some_and(|(r, c)| r.parse::<usize>().is_ok() && c.parse::<usize>().is_ok())
        };
        if what == "scalar" {
            named.push("a scalar".to_string());
        } else if what.ends_with("-vector") && what.trim_end_matches("-vector").parse::<usize>().is_ok() {
            named.push(format!("a {what}"));
        } else if dims(what) && next == "matrix" {
            named.push(format!("a {what} matrix"));
        } else if dims(what) && next == "row" {
            named.push(format!("a {what} row vector"));
        }
    }
    named
}

/// Property 3: a shape slip in a random model (seeded) is a located error
/// with exit code 2 that names both shapes, from `eval` and from `derive`.
///
/// A shape of size 1 is a scalar here (`src/shape/types.rs`: a column
/// vector is n x 1, a scalar 1 x 1), so a 1-vector meets a wrong matrix as
/// a scaling and the clash surfaces at the `+` that follows: then the
/// message must name the slipped shape and one other.
#[test]
fn shape_slips_in_random_models_are_located_errors_naming_both_shapes() {
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &{
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&SEED.to_le_bytes());
            seed
        }),
    );
    let strategy = model();
    let mut failures = Vec::new();
    for round in 0..24 {
        let m = strategy.new_tree(&mut runner).expect("a model").current();
        let slip = [Slip::U, Slip::W, Slip::B][round % 3];
        let text = m.text_with(None, Some(slip));
        // The declared (wrong) shape, and the shape it meets when that is
        // not a scalar.
        let (bad, other) = match slip {
            Slip::U => (words(m.n + 1, m.n + 1), (m.n > 1).then(|| words(m.n, 1))),
            Slip::W => (words(m.n, m.m + 1), (m.m > 1).then(|| words(m.m, 1))),
            Slip::B => (words(m.n + 1, 1), (m.n > 1).then(|| words(m.n, 1))),
        };
        let line = 1 + text
            .lines()
            .position(|l| l.starts_with("h[t] ="))
            .expect("the recurrence");
        let file = write(&text);
        for args in [
            vec!["eval", path_str(&file.path)],
            vec!["derive", path_str(&file.path), "--of", "L", "--wrt", "W"],
        ] {
            let out = chainrule(&args);
            let err = stderr(&out);
            let mut wrong = Vec::new();
            if out.status.code() != Some(2) {
                wrong.push(format!("exit code {:?}", out.status.code()));
            }
            if err.contains("panicked") {
                wrong.push("panicked".into());
            }
            // The headline of the diagnostic (miette marks it with ×).
            let headline = err.lines().find(|l| l.contains('×')).unwrap_or(&err);
            let named = shapes_named(headline);
            if !named.contains(&bad) {
                wrong.push(format!("does not name {bad} (names {named:?})"));
            }
            match &other {
                Some(other) if !named.contains(other) => wrong.push(format!("does not name {other} (names {named:?})")),
                None if named.iter().all(|s| s == &bad) => wrong.push(format!("names only {bad}")),
                _ => {}
            }
            let located = err.find(&format!("m.chain:{line}:")).is_some_and(|at| {
                let rest = &err[at + format!("m.chain:{line}:").len()..];
                rest.chars().next().is_some_and(|c| c.is_ascii_digit())
            });
            if !located {
                wrong.push(format!("not located at m.chain:{line}:COL"));
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{} with {slip:?} slip: {}\nmodel:\n{text}stderr:\n{err}",
                    args[0],
                    wrong.join("; ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
