//! Forward values of every course problem against `problems/EXPECTED.md`
//! (an independent implementation with 60-digit arithmetic; the figures
//! below are copied from it verbatim).

mod common;
use chainrule::number::Q;
use common::{assert_agrees, eval_of};

#[test]
fn elman_hidden_values_are_exact() {
    // EXPECTED.md: h[1] = 33/20, h[2] = 223/60, h[3] = 177/20.
    assert_eq!(eval_of("elman.chain", "h[1]").exact(), Some(&Q::ratio(33, 20)));
    assert_eq!(eval_of("elman.chain", "h[2]").exact(), Some(&Q::ratio(223, 60)));
    assert_eq!(eval_of("elman.chain", "h[3]").exact(), Some(&Q::ratio(177, 20)));
}

#[test]
fn elman_output() {
    assert_agrees(
        &eval_of("elman.chain", "y[2]"),
        "0.99378774689153728960121369914890529",
        30,
    );
}

#[test]
fn gated_memory_table() {
    // EXPECTED.md gives these to 6 significant digits.
    let table = [
        (1, "0.952574", "0.989289"),
        (2, "0.940636", "0.987948"),
        (3, "0.937214", "0.987533"),
        (4, "0.0899759", "0.0162986"),
        (5, "0.175069", "0.0373516"),
        (6, "0.00218347", "0.00683958"),
        (7, "0.000921043", "0.00675436"),
    ];
    for (t, h, y) in table {
        assert_agrees(&eval_of("gated_memory.chain", &format!("h[{t}]")), h, 6);
        assert_agrees(&eval_of("gated_memory.chain", &format!("y[{t}]")), y, 6);
    }
    assert_agrees(
        &eval_of("gated_memory.chain", "y[7]"),
        "0.0067543614087456887124108954199577",
        30,
    );
}

#[test]
fn lstm_loss() {
    assert_agrees(&eval_of("lstm.chain", "L"), "0.44967354030248836059778939928824", 30);
}

#[test]
fn tanh_bptt_loss() {
    assert_agrees(
        &eval_of("tanh_bptt.chain", "J"),
        "5.3984614389293106290434615479656",
        30,
    );
}

#[test]
fn bidirectional_loss() {
    assert_agrees(
        &eval_of("bidirectional.chain", "L"),
        "0.37256346901529388199508762005065",
        30,
    );
}

#[test]
fn deep_residual_loss() {
    assert_agrees(
        &eval_of("deep_residual.chain", "L"),
        "0.000085645185496934164192466254761349",
        30,
    );
}

#[test]
fn alternating_closed_form() {
    // EXPECTED.md: unrolled and simplified, h[4] = x^(4) − x^(3) + x^(2) − x^(1).
    use chainrule::query::{eval_symbolic, load, EvalRequest};
    let model = load(&common::example("alternating.chain"), &[]).unwrap();
    let req = EvalRequest {
        of: Some("h[4]".into()),
        symbolic: true,
        ..Default::default()
    };
    let report = eval_symbolic(&model, &req).unwrap();
    use chainrule::render::table::{symbolic_latex, symbolic_text};
    assert_eq!(symbolic_text(&report, &model), "h[4] = x[4] - x[3] + x[2] - x[1]\n");
    assert!(
        symbolic_latex(&report, &model).contains("&= x^{(4)} - x^{(3)} + x^{(2)} - x^{(1)}"),
        "{}",
        symbolic_latex(&report, &model)
    );
}
