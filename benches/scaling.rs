//! Speed targets of the design, measured on demand with `cargo bench`
//! (never asserted in tests):
//! - `derive` on a 100-step LSTM (exact path count, 50 listed paths, the
//!   adjoint equations, a verified total) in under a second;
//! - `paths` on a 1,000-step LSTM in under a second;
//! - `eval` of a 10,000-step tanh RNN.

use chainrule::model::Setting;
use chainrule::query::{derive, diff_query, eval_model, load, DeriveRequest, EvalRequest};

fn main() {
    divan::main();
}

const LSTM: &str = include_str!("../examples/lstm.chain");
const TANH_RNN: &str = include_str!("models/tanh_rnn.chain");

/// `T=n` and an input sequence of length `n` (values cycle through a
/// fixed pattern, as in the peer benchmark).
fn lstm_settings(n: usize) -> Vec<Setting> {
    let xs: Vec<String> = (0..n).map(|t| ["1", "-1", "2", "1", "-2"][t % 5].to_string()).collect();
    vec![
        format!("T={n}").parse().unwrap(),
        format!("x=[{}]", xs.join(",")).parse().unwrap(),
    ]
}

#[divan::bench(sample_count = 10)]
fn derive_lstm_100_steps() -> bool {
    let model = load(LSTM, &lstm_settings(100)).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: "uf".into(),
        steps: None,
        max_paths: 50,
        digits: 40,
        seed: 1,
        granularity: Default::default(),
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    assert!(d.derivation.proof.verified);
    d.derivation.proof.verified
}

#[divan::bench(sample_count = 10)]
fn paths_lstm_1000_steps() -> usize {
    use chainrule::calculus::paths::{count_paths, paths};
    let model = load(LSTM, &lstm_settings(1000)).unwrap();
    let q = diff_query(&model, "L", "uf", None).unwrap();
    let count = count_paths(&q.graph, q.wrt, q.of);
    let listed = paths(&q.graph, q.wrt, q.of).take(50).count();
    count.bits() as usize + listed
}

#[divan::bench(sample_count = 5, args = [1_000, 10_000])]
fn eval_tanh_rnn(n: usize) -> bool {
    let model = load(TANH_RNN, &[format!("T={n}").parse().unwrap()]).unwrap();
    let req = EvalRequest {
        of: Some("L".into()),
        digits: 40,
        random: Some(1),
        ..Default::default()
    };
    eval_model(&model, &req).unwrap().rows[0].value.exact().is_none()
}

/// AD and the central difference against the exact forward pass on one
/// graph: lstm.chain at T = 100, by each of three weights (the design's
/// "a gradient costs a small constant times the function").
mod lstm_100_routes {
    use super::*;
    use chainrule::calculus::numeric::{central_difference, gradient_ad};
    use chainrule::eval::{evaluate, Bindings, EvalOptions};

    const WRT: [&str; 3] = ["uf", "wc", "bo"];

    fn setup(i: usize) -> (chainrule::model::Model, chainrule::query::DiffQuery) {
        let model = load(LSTM, &lstm_settings(100)).unwrap();
        let q = diff_query(&model, "L", WRT[i], None).unwrap();
        (model, q)
    }

    #[divan::bench(args = [0, 1, 2], sample_count = 7)]
    fn forward(bencher: divan::Bencher, i: usize) {
        let (model, q) = setup(i);
        let b = Bindings::from_model(&model);
        bencher.bench(|| evaluate(&q.graph, &[q.of], &b, EvalOptions { digits: 40 }).unwrap());
    }

    #[divan::bench(args = [0, 1, 2], sample_count = 7)]
    fn reverse_mode_ad(bencher: divan::Bencher, i: usize) {
        let (model, q) = setup(i);
        let b = Bindings::from_model(&model);
        bencher.bench(|| gradient_ad(&q.graph, q.of, q.wrt, &b, model.relu_active, 40).unwrap());
    }

    #[divan::bench(args = [0, 1, 2], sample_count = 7)]
    fn central_difference_route(bencher: divan::Bencher, i: usize) {
        let (model, q) = setup(i);
        let b = Bindings::from_model(&model);
        bencher.bench(|| central_difference(&q.graph, q.of, q.wrt, &b, 40).unwrap());
    }
}
