//! Vectors and matrices (issue 13): a 16-unit tanh RNN with a softmax
//! output and cross-entropy loss at every step, at T = 10, 30 and 100.
//!
//! `cargo bench --bench tensor` times, each with `load` (parsing the
//! generated model, lowering every vector and matrix to scalars) included:
//! - `eval_loss`: `eval --of L` (exact where rational, certified enclosures
//!   through tanh, softmax and ln) at T = 10, 30, 100;
//! - `derive_by_u`: `derive --of L --wrt U`, the 16×16 gradient in matrix
//!   form (adjoints δ^{(t)}), every entry checked against AD (one reverse
//!   sweep for all of them) and 16 seeded entries against certified central
//!   differences, and its Markdown (6 digits), at T = 10, 30 (`derive_by_u_t30`)
//!   and 100 (`derive_by_u_t100`, one sample);
//! - `derive_entry_u12`: `derive --of L --wrt 'U[1,2]'`, one entry as a
//!   scalar derivation (paths, adjoints, proof) and its Markdown, at T = 10,
//!   for comparison with `derive_by_u` at the same horizon;
//! - `per_entry`: the three routes the matrix-form check runs once per
//!   checked entry (a forward pass, reverse-mode AD, a certified central
//!   difference), each for one entry `U[1,2]` on the model's own graph, at
//!   T = 10, 30, 100. Before the check swept once for all entries it made
//!   (16·T + 256) AD calls and 256 central differences, each over the whole
//!   unrolled graph (T = 10 took 27 s, T = 100 over ten minutes).
//!
//! The model is generated here (`model_text`); benches/tensor_peer.sh
//! writes the same text with Python for whole-process timings. Shapes:
//! input size 4 (`x: 4`, so `W` is 16×4; the recurrent `U` is the 16×16
//! cost that matters), two classes (`V` 2×16, `c` 2) with one-hot targets.
//! Weights are small rationals `((i·j + a·i + b·j) mod 17 − 8)/40` (a
//! different `a, b` per matrix, |entry| ≤ 1/5, no repeating rows), inputs
//! `k/7 − 1/2` with `k = (3t + 5j) mod 8`, so the hidden units stay in
//! |h| < 0.3, well away from saturation.
//!
//! A derive takes seconds even at T = 10, so those run a fixed number of
//! single-iteration samples (T = 30: one). `cargo bench --bench tensor`
//! alone is bounded (about five minutes on two cores); `-- --sample-count N`
//! overrides every count below, the derives' too.

use chainrule::{derivation_output, derive, derive_matrix, is_matrix_wrt, load, matrix_output};
use chainrule::{DeriveRequest, EvalRequest, Format, ViewOptions, SEED};

fn main() {
    // `TENSOR_MODEL=100 cargo bench --bench tensor` prints the model at
    // T = 100 instead (to compare with benches/tensor_peer.sh's generator).
    if let Some(t) = std::env::var("TENSOR_MODEL").ok().and_then(|t| t.parse().ok()) {
        print!("{}", model_text(t));
        return;
    }
    divan::main();
}

/// Hidden units, input size, classes.
const H: i64 = 16;
const D: i64 = 4;
const K: i64 = 2;

/// `n/d` in lowest terms (`0`, `-1/5`, `3/40`).
fn q(n: i64, d: i64) -> String {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 {
            a.abs()
        } else {
            gcd(b, a % b)
        }
    }
    let g = gcd(n, d).max(1);
    let (n, d) = (n / g, d / g);
    if d == 1 {
        n.to_string()
    } else {
        format!("{n}/{d}")
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// An `r×c` matrix of entries `((i·j + a·i + b·j) mod 17 − 8)/40`, row by row.
fn matrix(r: i64, c: i64, a: i64, b: i64) -> String {
    list((1..=r).map(|i| list((1..=c).map(|j| q((i * j + a * i + b * j) % 17 - 8, 40)))))
}

/// The model at horizon `t_max`, the same text as the generator in
/// benches/tensor_peer.sh.
fn model_text(t_max: i64) -> String {
    let b = list((1..=H).map(|i| q(i % 5 - 2, 20)));
    let c = list((1..=K).map(|i| q(i % 3 - 1, 10)));
    // x[t][j] = k/7 - 1/2 = (2k - 7)/14 with k = (3t + 5j) mod 8.
    let x = list((1..=t_max).map(|t| list((1..=D).map(|j| q(2 * ((3 * t + 5 * j) % 8) - 7, 14)))));
    let y = list((1..=t_max).map(|t| if t % 3 == 0 { "[1, 0]" } else { "[0, 1]" }.to_string()));
    [
        format!("# {H}-unit tanh RNN, input size {D}, {K} classes, T = {t_max}"),
        format!("param W: {H}x{D} = {}", matrix(H, D, 0, 0)),
        format!("param U: {H}x{H} = {}", matrix(H, H, 1, 2)),
        format!("param b: {H} = {b}"),
        format!("param V: {K}x{H} = {}", matrix(K, H, 2, 1)),
        format!("param c: {K} = {c}"),
        format!("input x: {D} = {x}"),
        format!("target y: {K} = {y}"),
        format!("h[0] = zeros({H})"),
        "h[t] = tanh(W*x[t] + U*h[t-1] + b)".into(),
        "yhat[t] = softmax(V*h[t] + c)".into(),
        format!("L = -sum(t = 1..{t_max}, dot(y[t], ln(yhat[t])))"),
        String::new(),
    ]
    .join("\n")
}

/// `chainrule eval MODEL --of L`: the text table, as the command prints it.
#[divan::bench(sample_count = 10, args = [10, 30, 100])]
fn eval_loss(bencher: divan::Bencher, t_max: i64) {
    let src = model_text(t_max);
    bencher.bench(|| {
        let model = load(&src, &[]).unwrap();
        let req = EvalRequest {
            of: Some("L".into()),
            ..Default::default()
        };
        let report = chainrule::eval(&model, &req).unwrap();
        chainrule::eval_output(&report, &model, Format::Text)
    });
}

/// `chainrule derive MODEL --of L --wrt U` (Markdown, 6 digits): the
/// matrix form, its check (256 entries against AD and a certified central
/// difference) and its output.
fn derive_u(src: &str) -> usize {
    let model = load(src, &[]).unwrap();
    assert!(is_matrix_wrt(&model, "U"));
    let d = derive_matrix(&model, "L", "U", SEED).unwrap();
    assert!(d.verified(), "mismatches: {:?}", d.mismatches);
    matrix_output(&d, &model, Format::Markdown, 6, None).unwrap().len()
}

#[divan::bench(sample_count = 3, sample_size = 1, args = [10])]
fn derive_by_u(bencher: divan::Bencher, t_max: i64) {
    let src = model_text(t_max);
    bencher.bench(|| derive_u(&src));
}

/// T = 30 on its own: one sample.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn derive_by_u_t30(bencher: divan::Bencher) {
    let src = model_text(30);
    bencher.bench(|| derive_u(&src));
}

/// T = 100: one sample (about 25 s whole-process, 475 MB).
#[divan::bench(sample_count = 1, sample_size = 1)]
fn derive_by_u_t100(bencher: divan::Bencher) {
    let src = model_text(100);
    bencher.bench(|| derive_u(&src));
}

/// `chainrule derive MODEL --of L --wrt 'U[1,2]'` (Markdown): one entry as
/// a scalar derivation, at T = 10.
#[divan::bench(sample_count = 3, sample_size = 1, args = [10])]
fn derive_entry_u12(bencher: divan::Bencher, t_max: i64) {
    let src = model_text(t_max);
    bencher.bench(|| {
        let model = load(&src, &[]).unwrap();
        assert!(!is_matrix_wrt(&model, "U[1,2]"));
        let req = DeriveRequest {
            of: "L".into(),
            wrt: "U[1,2]".into(),
            ..Default::default()
        };
        let d = derive(&model, &req).unwrap();
        assert!(d.derivation.proof.verified);
        derivation_output(&d, &model, &req, &ViewOptions::default(), Format::Markdown, None)
            .unwrap()
            .len()
    });
}

/// One checked entry's worth of work, on the unrolled graph of `L` by
/// `U[1,2]` (40 certified digits, as the check uses).
mod per_entry {
    use super::*;
    use chainrule::calculus::numeric::{central_difference, gradient_ad};
    use chainrule::eval::{evaluate, Bindings, EvalOptions};
    use chainrule::query::{diff_query, DiffQuery};
    use chainrule::{Model, CERTIFIED_DIGITS};

    fn setup(t_max: i64) -> (Model, DiffQuery) {
        let model = load(&model_text(t_max), &[]).unwrap();
        let q = diff_query(&model, "L", "U[1,2]", None).unwrap();
        (model, q)
    }

    #[divan::bench(sample_count = 5, args = [10, 30, 100])]
    fn forward(bencher: divan::Bencher, t_max: i64) {
        let (model, q) = setup(t_max);
        let b = Bindings::from_model(&model);
        let opts = EvalOptions {
            digits: CERTIFIED_DIGITS,
        };
        bencher.bench(|| evaluate(&q.graph, &[q.of], &b, opts).unwrap());
    }

    #[divan::bench(sample_count = 5, args = [10, 30, 100])]
    fn reverse_mode_ad(bencher: divan::Bencher, t_max: i64) {
        let (model, q) = setup(t_max);
        let b = Bindings::from_model(&model);
        bencher.bench(|| gradient_ad(&q.graph, q.of, q.wrt, &b, model.relu_active, CERTIFIED_DIGITS).unwrap());
    }

    #[divan::bench(sample_count = 5, args = [10, 30, 100])]
    fn central_difference_route(bencher: divan::Bencher, t_max: i64) {
        let (model, q) = setup(t_max);
        let b = Bindings::from_model(&model);
        bencher.bench(|| central_difference(&q.graph, q.of, q.wrt, &b, CERTIFIED_DIGITS).unwrap());
    }
}
