//! Long unrolls and long lines run in constant stack: each test runs on a
//! thread with a small stack, so any recursion over the graph would
//! overflow it.

use chainrule::model::Setting;
use chainrule::query::{eval_model, load, EvalRequest};

const SMALL_STACK: usize = 512 << 10;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no overflow, no panic")
}

const TANH_RNN: &str = "param w = 1/2, u = -3/4, b = 1/10, v = 2
const T = 10
input x
h[0] = 1/4
h[t] = tanh(w*x[t] + u*h[t-1] + b)
L = (v*h[T] - 1)^2
";

#[test]
fn unrolls_100000_steps_without_recursion() {
    let n = on_small_stack(|| {
        let model = load(TANH_RNN, &["T=100000".parse::<Setting>().unwrap()]).unwrap();
        let q = chainrule::query::diff_query(&model, "L", "w", None).unwrap();
        q.graph.len()
    });
    // Per step: x[t], w*x[t], h[t-1] named, u*h[t-1], two adds, tanh, named h[t].
    assert!(n > 600_000 && n < 1_000_000, "{n} nodes");
}

/// The node list's capacity over its length after unrolling `L`.
fn room_over_size(src: &str, settings: &[&str]) -> f64 {
    let settings: Vec<Setting> = settings.iter().map(|s| s.parse().unwrap()).collect();
    let model = load(src, &settings).unwrap();
    let q = chainrule::query::diff_query(&model, "L", "w", None).unwrap();
    q.graph.capacity() as f64 / q.graph.len() as f64
}

#[test]
fn room_reserved_for_an_unroll_stays_near_its_size() {
    // After a long look-ahead the unroller reserves room from the sizes of
    // the equations it entered (an estimate from above; whether that saves
    // time is for the benches). The risk to guard is reserving far more
    // than is built: on one chain of 100,000 steps, and on a loss at every
    // step, where T look-aheads overlap.
    let one = room_over_size(TANH_RNN, &["T=100000"]);
    assert!(one < 3.0, "capacity {one}× the nodes");
    let every = "param w, u, b\ninput x\ntarget y\nconst T = 2000\nh[0] = 0\nh[t] = tanh(w*x[t] + u*h[t-1] + b)\nL = sum(t = 1..T, (h[t] - y[t])^2)\n";
    let every = room_over_size(every, &[]);
    assert!(every < 3.0, "capacity {every}× the nodes");
}

#[test]
fn evaluates_10000_steps_on_a_small_stack() {
    let report = on_small_stack(|| {
        let model = load(TANH_RNN, &["T=10000".parse::<Setting>().unwrap()]).unwrap();
        let req = EvalRequest {
            of: Some("L".into()),
            digits: 40,
            random: Some(1),
            ..Default::default()
        };
        eval_model(&model, &req).unwrap()
    });
    let v = &report.rows[0].value;
    assert!(v.exact().is_none());
    // (2h − 1)² with |h| < 1 lies in [0, 9).
    assert!(v.interval().lo() >= &chainrule::number::Q::zero());
    assert!(v.interval().hi() < &chainrule::number::Q::int(9));
}

#[test]
fn a_sum_of_100000_terms() {
    let report = on_small_stack(|| {
        let model = load("param a = 1\n", &[]).unwrap();
        let req = EvalRequest {
            of: Some("sum(k = 1..100000, k)".into()),
            digits: 10,
            ..Default::default()
        };
        let r = eval_model(&model, &req).unwrap();
        r.rows[0].value.clone()
    });
    // Gauss: 100000 · 100001 / 2.
    assert_eq!(report.exact(), Some(&chainrule::number::Q::int(5_000_050_000)));
}

#[test]
fn a_line_of_50000_terms_parses_and_evaluates() {
    let v = on_small_stack(|| {
        let mut src = String::from("param a = 1/3\nJ = a");
        for _ in 1..50_000 {
            src.push_str(" + a");
        }
        src.push('\n');
        let model = load(&src, &[]).unwrap();
        let req = EvalRequest {
            of: Some("J".into()),
            digits: 10,
            ..Default::default()
        };
        eval_model(&model, &req).unwrap().rows[0].value.clone()
    });
    assert_eq!(v.exact(), Some(&chainrule::number::Q::ratio(50_000, 3)));
}

#[test]
fn a_chain_of_10000_plain_quantities() {
    let v = on_small_stack(|| {
        let mut src = String::from("param a = 1/2\nq0 = a\n");
        for i in 1..10_000 {
            src.push_str(&format!("q{i} = q{} + a\n", i - 1));
        }
        let model = load(&src, &[]).unwrap();
        let req = EvalRequest {
            of: Some("q9999".into()),
            digits: 10,
            ..Default::default()
        };
        eval_model(&model, &req).unwrap().rows[0].value.clone()
    });
    assert_eq!(v.exact(), Some(&chainrule::number::Q::int(5000)));
}
