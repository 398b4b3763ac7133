//! Derivations at a general step (LANGUAGE.md §5, issue 12). The formulas
//! below are worked by hand from the models' equations; every result is
//! also checked by chainrule itself against AD on the unrolled network at
//! T = 1 … 6, and a planted slip must fail that check.

use chainrule::{derive_general, general_output, Format, GeneralRequest};

fn example(name: &str) -> String {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn general(file: &str, wrt: &str) -> chainrule::GeneralDerived {
    let req = GeneralRequest {
        of: "L".into(),
        wrt: wrt.into(),
        seed: 1,
    };
    derive_general(&example(file), &[], &req).unwrap_or_else(|e| panic!("{file} {wrt}: {e}"))
}

fn markdown(d: &chainrule::GeneralDerived) -> String {
    general_output(d, Format::Markdown, None).unwrap()
}

#[test]
fn sigmoid_rnn_recurrence() {
    // h(t+1) = σ(w h(t) + u x(t+1) + b), so ∂h(t+1)/∂h(t) = σ′ · w with σ′
    // taken at h(t+1)'s own pre-activation: h(t+1) (1 − h(t+1)) w. The loss
    // reads h(T) only: ∂L/∂h(T) = ℓ′(h(T)).
    let d = general("sigmoid_rnn.chain", "h[t]");
    assert!(d.general.verified);
    // T = 1 … 6 and every t = 0 … T: 2 + 3 + … + 7 instances.
    assert_eq!(d.general.instances.len(), 27);
    let md = markdown(&d);
    assert!(
        md.contains(r"\frac{\partial L}{\partial h^{(T)}} &= \ell'(h^{(T)})"),
        "{md}"
    );
    assert!(
        md.contains(r"\frac{\partial L}{\partial h^{(t)}} &= \frac{\partial L}{\partial h^{(t+1)}} \cdot (1 - h^{(t+1)}) h^{(t+1)} w, && 0 \le t \le T - 1"),
        "{md}"
    );
}

#[test]
fn sigmoid_rnn_product_and_sum_forms() {
    // Unrolling the recurrence: ∂L/∂h(0) = ℓ′(h(T)) ∏_{t=1}^{T} h(t)(1 − h(t)) w.
    let d = general("sigmoid_rnn.chain", "h[0]");
    assert!(d.general.verified);
    let md = markdown(&d);
    assert!(
        md.contains(r"\ell'(h^{(T)}) \prod_{t=1}^{T} (1 - h^{(t)}) h^{(t)} w"),
        "{md}"
    );
    // ∂h(t)/∂w with h(t−1) held: h(t)(1 − h(t)) h(t−1).
    let d = general("sigmoid_rnn.chain", "w");
    assert!(d.general.verified);
    let md = markdown(&d);
    assert!(
        md.contains(r"\sum_{t=1}^{T} \frac{\partial L}{\partial h^{(t)}} \cdot (1 - h^{(t)}) h^{(t)} h^{(t-1)}"),
        "{md}"
    );
}

#[test]
fn a_loss_at_every_step_adds_a_local_term() {
    // ℓ_t = (ŷ(t) − y(t))²/2 with ŷ(t) = v h(t): ∂ℓ_t/∂h(t) = (ŷ(t) − y(t)) v;
    // tanh′ = 1 − h²: ∂h(t+1)/∂h(t) = (1 − h(t+1)²) u. At t = 0 no summand.
    let d = general("tanh_rnn.chain", "h[t]");
    assert!(d.general.verified);
    let md = markdown(&d);
    for line in [
        r"\frac{\partial L}{\partial h^{(T)}} &= (\hat{y}^{(T)} - y^{(T)}) v",
        r"&= (\hat{y}^{(t)} - y^{(t)}) v + \frac{\partial L}{\partial h^{(t+1)}} \cdot (1 - (h^{(t+1)})^{2}) u, && 1 \le t \le T - 1",
        r"\frac{\partial L}{\partial h^{(0)}} &= \frac{\partial L}{\partial h^{(1)}} \cdot (1 - (h^{(1)})^{2}) u",
    ] {
        assert!(md.contains(line), "missing {line}\n{md}");
    }
    let d = general("tanh_rnn.chain", "u");
    assert!(d.general.verified);
    assert!(markdown(&d).contains(r"\frac{\partial L}{\partial h^{(t)}} \cdot (1 - (h^{(t)})^{2}) h^{(t-1)}"));
}

#[test]
fn a_skip_connection_reaches_two_steps_ahead() {
    // h(t+2) reads h(t) through c: ∂h(t+2)/∂h(t) = (1 − h(t+2)²) c.
    let d = general("skip_rnn.chain", "h[t]");
    assert!(d.general.verified);
    let md = markdown(&d);
    assert!(
        md.contains(r"\frac{\partial L}{\partial h^{(t+2)}} \cdot (1 - (h^{(t+2)})^{2}) c, && 0 \le t \le T - 2"),
        "{md}"
    );
    assert!(md.contains(
        r"\frac{\partial L}{\partial h^{(T-1)}} &= \frac{\partial L}{\partial h^{(T)}} \cdot (1 - (h^{(T)})^{2}) a"
    ));
}

#[test]
fn lstm_has_one_recurrence_per_state() {
    // c(t) = f(t) c(t−1) + i(t) g(t), h(t) = o(t) tanh(c(t)):
    // ∂L/∂c(t) = ∂L/∂h(t) o(t)(1 − tanh²c(t)) + ∂L/∂c(t+1) f(t+1).
    let d = general("lstm.chain", "h[t]");
    assert!(d.general.verified);
    let md = markdown(&d);
    assert!(
        md.contains(r"\frac{\partial L}{\partial c^{(t+1)}} \cdot f^{(t+1)}"),
        "{md}"
    );
    assert!(
        md.contains(r"\frac{\partial L}{\partial h^{(t)}} \cdot (1 - (\tanh(c^{(t)}))^{2}) o^{(t)}"),
        "{md}"
    );
    // Two states feed each other: no single product for h[0].
    let d = general("lstm.chain", "h[0]");
    assert!(d.general.verified);
    assert!(markdown(&d).contains("is the recurrence at $t = 0$"));
}

#[test]
fn a_planted_slip_fails_the_check() {
    // The answer-key slip of issue 12: σ′ at h(t) instead of h(t+1). Plant
    // it by using ∂h(t)/∂h(t−1), written at t, where ∂h(t+1)/∂h(t) belongs.
    use chainrule::general::check;
    use chainrule::model::Setting;
    let src = example("sigmoid_rnn.chain");
    let mut d = general("sigmoid_rnn.chain", "h[t]");
    let h = d.model.lookup("h").unwrap();
    let back = d.general.components.step_back[&h];
    d.general.components.adjoints.get_mut(&h).unwrap().next[0].partial = back;
    let at = |name: &str, n: i64| {
        let s: Setting = format!("{name}={n}").parse().unwrap();
        chainrule::load(&src, &[s]).map_err(|e| chainrule::general::GeneralError::Instance(n, e.to_string()))
    };
    check(&mut d.general, "T", &at, 1).unwrap();
    assert!(!d.general.verified);
    // It fails where the slip matters (t < T), and only there.
    assert!(d
        .general
        .instances
        .iter()
        .all(|i| i.verified == (i.step == Some(i.horizon))));
}

#[test]
fn json_lists_the_instances() {
    let d = general("tanh_rnn.chain", "h[t]");
    let j: serde_json::Value = serde_json::from_str(&general_output(&d, Format::Json, None).unwrap()).unwrap();
    assert_eq!(j["general"], true);
    assert_eq!(j["check"]["status"], "verified");
    let inst = j["check"]["instances"].as_array().unwrap();
    assert_eq!(inst.len(), 27);
    assert!(inst
        .iter()
        .all(|i| i["status"] == "verified" && i["T"].is_i64() && i["t"].is_i64()));
}

#[test]
fn errors_say_what_a_general_derivation_needs() {
    let run = |src: &str, wrt: &str| {
        let req = GeneralRequest {
            of: "L".into(),
            wrt: wrt.into(),
            seed: 1,
        };
        derive_general(src, &[], &req).err().map(|e| e.to_string())
    };
    // No horizon const.
    let e = run("param w\ninput x\nh[0] = 0\nh[t] = w*h[t-1] + x[t]\nL = h[3]\n", "h[t]").unwrap();
    assert!(e.contains("horizon as a const"), "{e}");
    // Not a state.
    let e = run(&example("tanh_rnn.chain"), "yhat[t]").unwrap();
    assert!(e.contains("not a state"), "{e}");
}
