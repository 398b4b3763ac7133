//! `derive --general` on vector models: backpropagation through time in
//! matrix form at a symbolic step (LANGUAGE.md §4, §5). The formulas are
//! the textbook's (Goodfellow et al., §10.2.2, eqs. 10.18–10.22), and the
//! check by instantiation must reject each slip an answer key makes.

use chainrule::matrix_general::{check, derive, MatrixGeneral};
use chainrule::syntax::ast::{Expr, ExprKind};
use chainrule::Format;

fn model(path: &str) -> chainrule::Model {
    let src = std::fs::read_to_string(path).unwrap();
    chainrule::load(&src, &[]).unwrap()
}

fn lstm() -> chainrule::Model {
    let src = std::fs::read_to_string("examples/vector_lstm.chain")
        .unwrap()
        .replace(
            "input x: 2 = [[1, -1], [1/2, 2]]",
            "input x: 2 = [[1, -1], [1/2, 2]]\nconst T = 2",
        )
        .replace("L = dot(r, h[2])", "L = dot(r, h[T])");
    chainrule::load(&src, &[]).unwrap()
}

#[test]
fn elman_gradient_is_the_textbooks_and_verified() {
    let m = model("examples/vector_bptt.chain");
    let g = derive(&m, "L", "W", 1).unwrap();
    assert!(g.verified);
    // Every horizon 1..6, each step of each adjoint and the gradient.
    assert_eq!(g.instances.iter().map(|i| i.horizon).max(), Some(6));
    assert!(g.instances.iter().any(|i| i.step.is_none()));
    let md = chainrule::matrix_general_output(&g, &m, Format::Markdown, None).unwrap();
    for want in [
        r"\nabla_{\boldsymbol{o}^{(t)}} L &= \boldsymbol{\hat{y}}^{(t)} - \boldsymbol{y}^{(t)}, && 1 \le t \le T",
        r"\nabla_{\boldsymbol{h}^{(T)}} L &= \boldsymbol{V}^{\top} \nabla_{\boldsymbol{o}^{(T)}} L",
        r"\nabla_{\boldsymbol{h}^{(t)}} L &= \boldsymbol{V}^{\top} \nabla_{\boldsymbol{o}^{(t)}} L + \boldsymbol{U}^{\top} \operatorname{diag}\left(\mathbf{1} - \boldsymbol{h}^{(t+1)} \odot \boldsymbol{h}^{(t+1)}\right) \nabla_{\boldsymbol{h}^{(t+1)}} L, && 1 \le t \le T - 1",
        r"\nabla_{\boldsymbol{W}} L &= \sum_{t=1}^{T} \operatorname{diag}\left(\mathbf{1} - \boldsymbol{h}^{(t)} \odot \boldsymbol{h}^{(t)}\right) \left(\nabla_{\boldsymbol{h}^{(t)}} L\right) {\boldsymbol{x}^{(t)}}^{\top}",
        "**Check: verified.**",
    ] {
        assert!(md.contains(want), "missing {want}\n{md}");
    }
    // One softmax sentence, not one per step.
    assert_eq!(md.matches("is a softmax under cross-entropy").count(), 1, "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&chainrule::matrix_general_output(&g, &m, Format::Json, None).unwrap()).unwrap();
    assert_eq!(json["general"], true);
    assert_eq!(json["form"], "matrix");
    assert_eq!(json["check"]["status"], "verified");
    assert_eq!(json["check"]["instances"][0]["T"], 1);
}

/// Applies `f` to every node of every formula of `g` until it reports a change.
fn plant(g: &mut MatrixGeneral, f: &dyn Fn(&mut Expr) -> bool) -> bool {
    for e in g
        .adjoints
        .iter_mut()
        .map(|a| &mut a.formula)
        .chain(g.gradient.iter_mut())
    {
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            if f(x) {
                return true;
            }
            stack.extend(x.children_mut());
        }
    }
    false
}

#[test]
fn each_planted_slip_fails_the_check() {
    let m = model("examples/vector_bptt.chain");
    let good = derive(&m, "L", "W", 1).unwrap();
    // A transposed factor: U^⊤ written U.
    let mut g = good.clone();
    assert!(plant(&mut g, &|x| match &x.kind {
        ExprKind::Transpose(a) if matches!(&a.kind, ExprKind::Name(n) if n.name == "U") => {
            *x = (**a).clone();
            true
        }
        _ => false,
    }));
    check(&m, &mut g).unwrap();
    assert!(!g.verified, "a transposed U passed");
    // One step off: h^{(t+1)} written h^{(t)} inside the diag.
    let mut g = good.clone();
    assert!(plant(&mut g, &|x| match &mut x.kind {
        ExprKind::Index(id, k) if id.name == "h" && matches!(k.kind, ExprKind::AddChain(..)) => {
            **k = Expr {
                kind: ExprKind::Name(chainrule::syntax::ast::Ident {
                    name: "t".into(),
                    span: Default::default(),
                }),
                span: Default::default(),
            };
            true
        }
        _ => false,
    }));
    check(&m, &mut g).unwrap();
    assert!(!g.verified, "an off-by-one step passed");
    // The recurrence made to hold at T as well (its range one step too far).
    let mut g = good.clone();
    for a in &mut g.adjoints {
        if let chainrule::matrix_general::Range::Steps { off, .. } = &mut a.range {
            if a.name == "h" {
                *off = 0;
            }
        }
    }
    g.adjoints
        .retain(|a| !(a.name == "h" && matches!(a.range, chainrule::matrix_general::Range::End(_))));
    check(&m, &mut g).unwrap();
    // At T the recurrence reads ∇h^{(T+1)}, which is no quantity: the check
    // cannot pass with it.
    assert!(!g.verified, "a recurrence run to T passed");
    // The same formulas again pass: the check is not failing for its own reasons.
    let mut g = good.clone();
    check(&m, &mut g).unwrap();
    assert!(g.verified);
}

#[test]
fn lstm_state_recurrences_are_verified() {
    let m = lstm();
    let g = derive(&m, "L", "h[t]", 3).unwrap();
    assert!(g.verified);
    let md = chainrule::matrix_general_output(&g, &m, Format::Markdown, None).unwrap();
    assert!(
        md.contains(r"\nabla_{\boldsymbol{h}^{(T)}} L &= \boldsymbol{r}"),
        "{md}"
    );
    assert!(
        md.contains(
            r"\nabla_{\boldsymbol{c}^{(t)}} L &= \boldsymbol{f}^{(t+1)} \odot \nabla_{\boldsymbol{c}^{(t+1)}} L"
        ),
        "{md}"
    );
    let g = derive(&m, "L", "Uf", 3).unwrap();
    assert!(g.verified);
}

#[test]
fn what_is_not_covered_is_refused_with_a_reason() {
    let m = model("examples/vector_bptt.chain");
    let e = derive(&m, "L", "o[t]", 1).unwrap_err().to_string();
    assert!(e.contains("not a state"), "{e}");
    let e = derive(&m, "L", "h[2]", 1).unwrap_err().to_string();
    assert!(e.contains("a fixed step"), "{e}");
    let m = model("examples/vector_rnn.chain");
    let e = derive(&m, "L", "W", 1).unwrap_err().to_string();
    assert!(e.contains("horizon"), "{e}");
}

#[test]
fn the_cli_routes_vector_models_to_the_matrix_form() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args([
            "derive",
            "examples/vector_bptt.chain",
            "--of",
            "L",
            "--wrt",
            "U",
            "--general",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r"{\boldsymbol{h}^{(t-1)}}^{\top}"), "{text}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args([
            "derive",
            "examples/vector_bptt.chain",
            "--of",
            "L",
            "--wrt",
            "h[2]",
            "--general",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
