//! Long horizons (issue 12): the default derivation of a network with
//! thousands of steps, in time and output linear in T (T = 10⁵ against
//! T = 10⁴: at most ×15), and well under 300 bytes of Markdown per step.
//!
//! `cargo bench --bench long_horizon` times `derive` (with its proof) and
//! the Markdown it prints on the shipped tanh RNN with a loss at every step
//! (`derive --wrt u`) and the sigmoid RNN with its loss on the last step,
//! at T = 10³, 10⁴ and 10⁵, and prints the bytes per step of each output.

use chainrule::model::Setting;
use chainrule::{derivation_output, derive, load, DeriveRequest, Format, ViewOptions};

fn main() {
    divan::main();
}

const TANH_RNN: &str = include_str!("../examples/tanh_rnn.chain");
const SIGMOID_RNN: &str = include_str!("../examples/sigmoid_rnn.chain");

/// `T=n` and data of length `n` for every sequence named (a fixed cycle).
fn settings(n: usize, seqs: &[&str]) -> Vec<Setting> {
    let mut out: Vec<Setting> = vec![format!("T={n}").parse().unwrap()];
    for (k, name) in seqs.iter().enumerate() {
        let vals: Vec<String> = (0..n)
            .map(|t| format!("{}/10", ((t + 3 * k) * 7 % 19) as i64 - 9))
            .collect();
        out.push(format!("{name}=[{}]", vals.join(",")).parse().unwrap());
    }
    out
}

/// The Markdown of the default derivation; its size per step is printed
/// once per horizon.
fn markdown(src: &str, seqs: &[&str], n: usize, wrt: &str, params: &[&str]) -> usize {
    let mut s = settings(n, seqs);
    s.extend(params.iter().map(|p| p.parse::<Setting>().unwrap()));
    let model = load(src, &s).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: wrt.into(),
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    assert!(d.derivation.proof.verified);
    let md = derivation_output(&d, &model, &req, &ViewOptions::default(), Format::Markdown, None).unwrap();
    md.len()
}

const TANH_PARAMS: &[&str] = &["w=1/2", "u=-1/3", "b=1/10", "v=3/4"];
const SIGMOID_PARAMS: &[&str] = &["w=1/2", "u=-1/3", "b=1/10"];

#[divan::bench(sample_count = 1, sample_size = 1, args = [1_000, 10_000, 100_000])]
fn derive_tanh_rnn_loss_every_step(n: usize) -> usize {
    let bytes = markdown(TANH_RNN, &["x", "y"], n, "u", TANH_PARAMS);
    eprintln!(
        "tanh RNN, loss at every step, T = {n}: {bytes} bytes ({:.2} per step)",
        bytes as f64 / n as f64
    );
    bytes
}

#[divan::bench(sample_count = 1, sample_size = 1, args = [1_000, 10_000, 100_000])]
fn derive_sigmoid_rnn_loss_last_step(n: usize) -> usize {
    // The opaque loss is replaced by a squared one: a value for every leaf.
    let src = SIGMOID_RNN
        .replace("opaque ell\n", "")
        .replace("L = ell(h[T])", "L = (h[T] - 1)^2");
    let bytes = markdown(&src, &["x"], n, "u", SIGMOID_PARAMS);
    eprintln!(
        "sigmoid RNN, loss on the last step, T = {n}: {bytes} bytes ({:.2} per step)",
        bytes as f64 / n as f64
    );
    bytes
}
