//! Two readings that the round trip relies on, each from an independent
//! hand calculation:
//! - the checker reads `\ell'(h)` (an opaque slope), `\sigma'(z)` and
//!   `\tanh'(z)`, and catches σ′ taken at the wrong argument;
//! - per equation, a quantity that enters an equation in two places gives
//!   one listed path whose factor is the whole partial (the sum over the
//!   places), never two chains that each claim the whole partial.

use chainrule::calculus::steps::Granularity;
use chainrule::check::{check_document, CheckOptions, DocKind, Verdict};
use chainrule::query::{derive, load, DeriveRequest};

fn verdicts(model: &str, doc: &str) -> Vec<(Verdict, String)> {
    let m = load(model, &[]).unwrap();
    check_document(&m, doc, DocKind::Markdown, &CheckOptions::default())
        .claims
        .into_iter()
        .map(|c| (c.verdict, c.source))
        .collect()
}

/// A one-step sigmoid network with an opaque loss and the model's values:
/// h1 = σ(w h0 + x1) with w = 2, h0 = 0, x1 = 0, so h1 = σ(0) = 1/2.
const SIGMOID: &str =
    "param w = 2\ninput x = [0]\nconst T = 1\nopaque ell\nh[0] = 0\nh[t] = sigmoid(w*h[t-1] + x[t])\nL = ell(h[T])\n";

#[test]
fn sigma_prime_is_read_and_its_argument_matters() {
    // ∂h1/∂x1 = σ′(z1) = h1(1 − h1) = 1/4 at these values (by hand).
    let v = verdicts(
        SIGMOID,
        "$$\\frac{\\partial h^{(1)}}{\\partial x^{(1)}} = \\sigma'(w h^{(0)} + x^{(1)})$$\n\n\
         $$\\frac{\\partial h^{(1)}}{\\partial x^{(1)}} = 0.25$$\n\n\
         $$\\frac{\\partial h^{(1)}}{\\partial x^{(1)}} = \\sigma'(h^{(1)})$$\n",
    );
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(matches!(v[0].0, Verdict::Correct), "{v:?}");
    assert!(matches!(v[1].0, Verdict::Correct), "{v:?}");
    // σ′(h1) = σ(1/2)(1 − σ(1/2)) ≈ 0.235, not 1/4: the classic slip.
    assert!(matches!(v[2].0, Verdict::Wrong | Verdict::Arithmetic), "{v:?}");
}

#[test]
fn tanh_prime_is_one_minus_the_square() {
    let model = "param w = 1\ninput x = [1/2]\nconst T = 1\nh[0] = 0\nh[t] = tanh(w*x[t])\nL = h[T]\n";
    let v = verdicts(
        model,
        "$$\\frac{\\partial h^{(1)}}{\\partial w} = \\tanh'(w x^{(1)}) x^{(1)}$$\n\n\
         $$\\frac{\\partial h^{(1)}}{\\partial w} = (1 - (h^{(1)})^{2}) x^{(1)}$$\n\n\
         $$\\frac{\\partial h^{(1)}}{\\partial w} = \\tanh'(w x^{(1)})$$\n",
    );
    assert!(matches!(v[0].0, Verdict::Correct), "{v:?}");
    assert!(matches!(v[1].0, Verdict::Correct), "{v:?}");
    assert!(matches!(v[2].0, Verdict::Wrong | Verdict::Arithmetic), "{v:?}");
}

#[test]
fn an_opaque_slope_reads_back_and_is_a_free_symbol() {
    // ∂L/∂h1 = ℓ′(h1): true for every ℓ′, so it holds at random points;
    // 2 ℓ′(h1) holds for none (ℓ′ is drawn nonzero).
    let v = verdicts(
        SIGMOID,
        "$$\\frac{\\partial L}{\\partial h^{(1)}} = \\ell'(h^{(1)})$$\n\n\
         $$\\frac{\\partial L}{\\partial x^{(1)}} = \\ell'(h^{(1)}) h^{(1)} (1 - h^{(1)})$$\n\n\
         $$\\frac{\\partial L}{\\partial h^{(1)}} = 2 \\ell'(h^{(1)})$$\n",
    );
    assert!(matches!(v[0].0, Verdict::Correct), "{v:?}");
    assert!(matches!(v[1].0, Verdict::Correct), "{v:?}");
    assert!(matches!(v[2].0, Verdict::Wrong | Verdict::Arithmetic), "{v:?}");
}

/// h1 = (u h0 + b) / (2 + h0²): h0 enters twice. With u = 1, b = 1, h0 = 1
/// (by hand): ∂h1/∂h0 = u/(2 + h0²) − 2 h0 (u h0 + b)/(2 + h0²)²
/// = 1/3 − 4/9 = −1/9, and L = h1 gives ∂L/∂h0 = −1/9.
const TWICE: &str = "param u = 1, b = 1\nconst T = 1\nh[0] = 1\nh[t] = (u*h[t-1] + b) / (2 + h[t-1]^2)\nL = h[T]\n";

#[test]
fn a_quantity_entering_twice_is_one_path_per_equation() {
    let model = load(TWICE, &[]).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: "h[0]".into(),
        granularity: Granularity::Equations,
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    assert_eq!(d.derivation.path_count, 2u32.into(), "two graph paths");
    assert_eq!(d.derivation.paths.len(), 1, "listed once per equation");
    let p = &d.derivation.paths[0];
    assert_eq!(p.multiplicity, 2u32.into());
    assert_eq!(p.value.exact().cloned(), Some(chainrule::number::Q::ratio(-1, 9)));
    assert!(!d.derivation.truncated);
    // Per operation the two routes stay two paths, each a part.
    let ops = derive(
        &model,
        &DeriveRequest {
            granularity: Granularity::Operations,
            ..req.clone()
        },
    )
    .unwrap();
    assert_eq!(ops.derivation.paths.len(), 2);
}

#[test]
fn a_listing_cut_short_still_merges_to_whole_partials() {
    // Two steps, each with two places: 4 graph paths. With --max-paths 2
    // the listing holds only some routes; the merged path must still be
    // the whole product (value: ∂L/∂h0 by AD, below).
    let src = TWICE.replace("const T = 1", "const T = 2");
    let model = load(&src, &[]).unwrap();
    let req = DeriveRequest {
        of: "L".into(),
        wrt: "h[0]".into(),
        granularity: Granularity::Equations,
        max_paths: 2,
        ..Default::default()
    };
    let d = derive(&model, &req).unwrap();
    assert_eq!(d.derivation.path_count, 4u32.into());
    assert_eq!(d.derivation.paths.len(), 1);
    assert_eq!(d.derivation.paths[0].multiplicity, 4u32.into());
    assert!(!d.derivation.truncated);
    // One path standing for all four is the total.
    assert_eq!(d.derivation.paths[0].value.exact(), d.derivation.total_value.exact());
    assert!(d.derivation.total_value.exact().is_some());
}
