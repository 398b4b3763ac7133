//! Bad input of every shape gives an error, never a panic: random token
//! soups, random bytes, and truncations of the real examples.

use chainrule::query::{eval_model, load, EvalRequest};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "param",
    "input",
    "target",
    "const",
    "assume",
    "relu",
    "active",
    "show",
    "as",
    "\"\\hat{y}\"",
    "style",
    "time",
    "subscript",
    "h",
    "y",
    "x",
    "w",
    "t",
    "T",
    "L",
    "J",
    "sum",
    "tanh",
    "sigmoid",
    "ln",
    "exp",
    "sqrt",
    "step",
    "=",
    "+",
    "-",
    "*",
    "/",
    "^",
    "(",
    ")",
    "[",
    "]",
    ",",
    "..",
    "1",
    "0",
    "2",
    "1/2",
    "0.5",
    "\n",
    "\n",
    " ",
    "#c\n",
    "t-1",
    "t+1",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|v| v.join(" "))
}

/// Loads and, if that works, evaluates with random values for missing
/// leaves. Errors are fine; panics are not.
fn exercise(src: &str) {
    if let Ok(model) = load(src, &[]) {
        let req = EvalRequest {
            digits: 10,
            random: Some(1),
            steps: Some(3),
            ..Default::default()
        };
        let _ = eval_model(&model, &req);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(src in soup()) {
        exercise(&src);
    }

    #[test]
    fn any_query_never_panics(of in soup()) {
        let model = load(&std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/elman.chain"),
        ).unwrap(), &[]).unwrap();
        let of = of.replace('\n', " ");
        let req = EvalRequest { of: Some(of.clone()), digits: 10, random: Some(1), ..Default::default() };
        let _ = eval_model(&model, &req);
        let _ = chainrule::query::diff_query(&model, &of, "w1", None);
        let _ = chainrule::query::diff_query(&model, "L(y[2])", &of, None);
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        exercise(&src);
    }
}

#[test]
fn every_prefix_of_every_example_is_handled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "chain") {
            let src = std::fs::read_to_string(&path).unwrap();
            for (i, _) in src.char_indices().step_by(7) {
                exercise(&src[..i]);
            }
        }
    }
}
