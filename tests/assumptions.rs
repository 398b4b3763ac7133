//! `assume relu active` (LANGUAGE.md §1: relu′ = 1) is read the same way by
//! every route that checks a derivation, so a right derivation never fails
//! its check at a point where some relu argument is negative (issue 11).

mod common;
use chainrule::query::{derive, load, DeriveRequest};
use common::assert_agrees;
use std::process::Command;

/// The Elman network of the issue, with no values: every leaf is random.
const FREE_ELMAN: &str = "param w1, w2, u, b_h, v, b_y
input x1, x2
h[t] = relu(w1*x1[t] + w2*x2[t] + u*h[t-1] + b_h)
y[t] = sigmoid(v*h[t] + b_y)
L(z) = -ln(z)
assume relu active
";

fn derive_cli(model: &str, of: &str, seed: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.chain");
    std::fs::write(&path, model).unwrap();
    Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args([
            "derive",
            path.to_str().unwrap(),
            "--of",
            of,
            "--wrt",
            "w1",
            "--random",
            seed,
        ])
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

#[test]
fn random_values_never_fail_a_right_derivation() {
    // Before the fix most seeds exited 1: a random point made a relu
    // argument negative, the central difference read the real relu (slope
    // 0) while AD and the derivation took relu′ = 1.
    for seed in 1..=12 {
        for of in ["L(y[2])", "L(y[1])"] {
            let o = derive_cli(FREE_ELMAN, of, &seed.to_string());
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                o.status.success(),
                "seed {seed}, {of}: exit {:?}\n{err}",
                o.status.code()
            );
        }
    }
}

#[test]
fn a_point_where_the_assumption_fails_is_read_with_relu_as_the_identity() {
    // At w = -1, x = 2 the relu argument is -2. Under the assumption relu is
    // the identity: h = w x = -2, L = h^2, dL/dw = 2 h x = 2 (-2)(2) = -8
    // (by hand). The real relu would give h = 0 and a slope of 0.
    let src = "param w = -1\ninput x = [2]\nh[t] = relu(w*x[t])\nL = h[1]*h[1]\nassume relu active\n";
    let model = load(src, &[]).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: "w".into(),
        steps: None,
        max_paths: 50,
        digits: 40,
        seed: 1,
        granularity: Default::default(),
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    assert!(d.derivation.proof.verified, "{:?}", d.derivation.proof);
    assert_agrees(&d.derivation.total_value, "-8.000000000000000000000000000000", 30);
}
