//! Long horizons (issue 12): a derivation over thousands of steps writes
//! repeated steps once (recurrences with their range, sums over t, products
//! along a path), so its size does not grow with the horizon, and what it
//! writes once stands exactly for what it folds.

use chainrule::calculus::fold_path::FoldedPath;
use chainrule::eval::{evaluate, EvalOptions};
use chainrule::number::Prec;
use chainrule::simplify::present::present;
use chainrule::simplify::{canonical, Depth, Factored};
use chainrule::{derivation_output, derive, load, DeriveRequest, Format, ViewOptions};

/// A tanh RNN with a squared loss at every step, `t` steps of data
/// (deterministic, varied).
fn every_step(t: usize) -> String {
    let xs: Vec<String> = (0..t).map(|k| format!("{}/10", (k * 7 % 19) as i64 - 9)).collect();
    let ys: Vec<String> = (0..t).map(|k| format!("{}/10", (k * 5 % 17) as i64 - 8)).collect();
    format!(
        "param w = 1/2, u = -1/3, b = 1/10, v = 3/4\ninput x = [{}]\ntarget y = [{}]\nshow yhat as \"\\hat{{y}}\"\nh[0] = 0\nh[t] = tanh(w*x[t] + u*h[t-1] + b)\nyhat[t] = v*h[t]\nL = sum(t = 1..{t}, (yhat[t] - y[t])^2 / 2)\n",
        xs.join(", "),
        ys.join(", ")
    )
}

/// A sigmoid RNN with its loss on the last step.
fn last_step(t: usize) -> String {
    let xs: Vec<String> = (0..t).map(|k| format!("{}/10", (k * 3 % 13) as i64 - 6)).collect();
    format!(
        "param w = 1/2, u = -1/3, b = 1/10\ninput x = [{}]\nh[0] = 0\nh[t] = sigmoid(w*h[t-1] + u*x[t] + b)\nL = (h[{t}] - 1)^2\n",
        xs.join(", ")
    )
}

fn markdown(src: &str, wrt: &str, fold_at: usize) -> String {
    let model = load(src, &[]).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: wrt.into(),
        fold_at,
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    assert!(d.derivation.proof.verified, "{:?}", d.derivation.proof);
    let opts = ViewOptions {
        fold_at,
        ..Default::default()
    };
    derivation_output(&d, &model, &req, &opts, Format::Markdown, None).unwrap()
}

#[test]
fn the_size_does_not_grow_with_the_horizon() {
    for (name, model) in [
        ("every step", every_step as fn(usize) -> String),
        ("last step", last_step),
    ] {
        let short = markdown(&model(300), "u", chainrule::FOLD_AT).len();
        let long = markdown(&model(3000), "u", chainrule::FOLD_AT).len();
        // Ten times the steps: the same lines, only longer step numbers.
        assert!(
            long < short + short / 5,
            "{name}: {short} bytes at T = 300, {long} at T = 3000"
        );
        assert!(long < 3000 * 30, "{name}: {long} bytes at T = 3000");
    }
}

#[test]
fn a_loss_at_every_step_reads_as_the_course_writes_it() {
    let md = markdown(&every_step(200), "u", chainrule::FOLD_AT);
    for line in [
        r"L &= \sum_{t=1}^{50} z_{5}^{(t)} + \sum_{t=51}^{200} \frac{(\hat{y}^{(t)} - y^{(t)})^{2}}{2}",
        r"z_{1}^{(t)} &= u h^{(t-1)} && 1 \le t \le 50",
        r"\delta_{h^{(t)}} &= \delta_{h^{(t+1)}} \cdot (1 - (h^{(t+1)})^{2}) u + \delta_{\hat{y}^{(t)}} \cdot v && 1 \le t \le 199",
        r"\delta_{u} &= \sum_{t=1}^{200} \delta_{h^{(t)}} \cdot (1 - (h^{(t)})^{2}) h^{(t-1)}",
    ] {
        assert!(md.contains(line), "missing `{line}` in\n{md}");
    }
}

#[test]
fn unfold_writes_every_step() {
    let md = markdown(&every_step(30), "u", usize::MAX);
    assert!(!md.contains(r"\le t \le") && !md.contains(r"\sum_{") && !md.contains(r"\prod_{"));
    assert!(md.contains(r"\delta_{h^{(17)}} &="), "{md}");
}

/// A path through many steps, written `(rest) ∏_j (one step at j)`:
/// multiplying the rest by every step's own factors, each simplified on
/// its own, gives the path's value, and each step's factors are the
/// stretch's factor moved to that step.
#[test]
fn a_product_over_steps_is_the_path() {
    let model = load(&last_step(60), &[]).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: "u".into(),
        ..Default::default()
    };
    let mut d = derive(&model, &req).unwrap();
    let bindings = chainrule::eval::Bindings::from_model(&model);
    let g = &mut d.graph;
    let step_of = chainrule::fold::StepOf::new(g, d.derivation.of);
    let mut checked = 0;
    for p in &d.derivation.paths {
        let Some(FoldedPath { stretches, rest }) = &p.folded else {
            continue;
        };
        let mut factors = vec![*rest];
        for s in stretches {
            for block in p.steps[s.first..=s.last].chunks(s.block) {
                let one: Vec<Factored> = block
                    .iter()
                    .map(|x| Factored::from_poly(&canonical(g, x.partial, Depth::StopAtNames)))
                    .collect();
                let f = present(g, &Factored::product(&one)).unwrap();
                let at = step_of.get(block[0].parent).unwrap();
                assert!(
                    chainrule::fold::same_shape(g, s.factor, f, at - s.from_step, &|_| None),
                    "the step at {at} is the stretch's factor moved there"
                );
                factors.push(f);
            }
        }
        let values = evaluate(g, &factors, &bindings, EvalOptions { digits: 40 }).unwrap();
        let product = values
            .iter()
            .skip(1)
            .fold(values[0].clone(), |acc, v| acc.mul(v, Prec(400)));
        // Both enclose the path's value: they overlap, and both are tight.
        let (a, b) = (product.interval(), p.value.interval());
        assert!(a.lo() <= b.hi() && b.lo() <= a.hi(), "{a:?} vs {b:?}");
        let tight = chainrule::number::Q::from_bigints(1.into(), num_bigint::BigInt::from(10).pow(30)).unwrap();
        assert!(a.width() < tight && b.width() < tight);
        checked += 1;
    }
    assert!(checked >= 30, "paths through 10 or more steps: {checked}");
}

#[test]
fn a_folded_derivation_checks_back() {
    // What is written once for many steps (recurrences over a range of t,
    // sums and products over steps, adjoints δ of a quantity at any step)
    // is read back by the checker, which expands each at every step.
    use chainrule::{check_document, CheckOptions, DocKind, Verdict};
    for (name, src, wrt) in [
        ("every step", every_step(30), "u"),
        ("every step", every_step(30), "w"),
        ("last step", last_step(30), "u"),
    ] {
        let doc = markdown(&src, wrt, chainrule::FOLD_AT);
        let model = load(&src, &[]).unwrap();
        let report = check_document(&model, &doc, DocKind::Markdown, &CheckOptions::default());
        assert!(report.claims.len() >= 5, "{name} {wrt}: {} claims", report.claims.len());
        let bad: Vec<String> = report
            .claims
            .iter()
            // The reader's guard against hostile input: a line with more than
            // 16 sums or products (a total of 30 paths, each with its ∏) is
            // left unread, by design.
            .filter(|c| !matches!(c.verdict, Verdict::Correct | Verdict::Approximate))
            .filter(|c| !(matches!(c.verdict, Verdict::Unparsed) && c.note.contains("sums or products in one line")))
            .map(|c| {
                format!(
                    "{}:{} {} `{}`: {}",
                    c.line,
                    c.column,
                    c.verdict.name(),
                    c.source,
                    c.note
                )
            })
            .collect();
        assert!(bad.is_empty(), "{name} --wrt {wrt}:\n{}", bad.join("\n"));
    }
}
