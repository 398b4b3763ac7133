//! Issue 11, "Answer keys a TA would sign": each test states where its
//! expected verdict or number comes from (a hand calculation in a comment,
//! or the model's own definition), never from the checker's output.

use chainrule::check::{check_document, CheckOptions, Claim, DocKind, Report, Verdict};
use chainrule::query::load;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A model from examples/ (or examples/check/models/).
fn model_file(rel: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(rel)).unwrap()
}

fn check_with(model_src: &str, doc: &str, kind: DocKind) -> Report {
    let model = load(model_src, &[]).unwrap();
    check_document(&model, doc, kind, &CheckOptions::default())
}

fn check_md(model_src: &str, doc: &str) -> Report {
    check_with(model_src, doc, DocKind::Markdown)
}

fn verdicts(r: &Report) -> Vec<Verdict> {
    r.claims.iter().map(|c| c.verdict).collect()
}

fn describe(r: &Report) -> String {
    r.claims
        .iter()
        .map(|c: &Claim| {
            format!(
                "{}:{} {:?} `{}`\n    expected {} / got {}\n    note: {}",
                c.line, c.column, c.verdict, c.source, c.expected, c.got, c.note
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The boundary of a backward recurrence lies past the data (`hb[4] = 0`
/// with three inputs); derivations print `h_{b}^{(4)}`, so it reads back.
#[test]
fn a_boundary_step_past_the_data_is_part_of_the_question() {
    let m = model_file("bidirectional.chain");
    // The model's own equation at t = 3: hb[3] = tanh(w*x[3] + ub*hb[4]).
    let doc = "$$h_{b}^{(3)} = \\tanh\\left(w x^{(3)} + u_{b} h_{b}^{(4)}\\right)$$\n\n$$h_b^{(5)} = 0$$\n";
    let r = check_md(&m, doc);
    // hb[5] has no equation and lies past the data: not part of the question.
    assert_eq!(verdicts(&r), [Verdict::Correct, Verdict::Unparsed], "{}", describe(&r));
}

/// `1.49e-63`, `1.49 \times 10^{-63}` and `1.49\cdot 10^{-63}` are one number.
#[test]
fn numbers_in_scientific_notation_read_as_written() {
    let m = model_file("elman.chain");
    // By hand (examples/elman.chain): h[1] = 1/2*2 - 1/3*0 + 2*1/5 + 1/4 = 33/20 = 1.65,
    // so h[1] * 10^-63 = 1.65e-63 exactly.
    let doc = "$$h^{(1)} \\cdot 10^{-63} = 1.65 \\times 10^{-63} = 1.65\\cdot 10^{-63} = 1.65e-63$$\n\n\
               $$h^{(1)} \\cdot 10^{-63} \\approx 1.7 \\times 10^{-63}$$\n\n\
               $$h^{(1)} = 1.65e0$$\n\n$$h^{(1)} = 1.49e-63$$\n";
    let r = check_md(&m, doc);
    assert_eq!(
        verdicts(&r),
        [
            Verdict::Correct,
            Verdict::Correct,
            Verdict::Correct,
            // 1.65e-63 to 2 significant figures is 1.7e-63 (half rounds up).
            Verdict::Approximate,
            Verdict::Correct,
            // 1.49e-63 is not 1.65. Read as 1.49·e − 63 it would be about
            // -58.95, also wrong, so the number itself is checked too:
            Verdict::Wrong,
        ],
        "{}",
        describe(&r)
    );
    assert_eq!(r.claims[5].got, "1.49e-63");
    assert!(r.claims[3].note.contains("2 significant figures"), "{}", describe(&r));
    // The written value is 1.49·10^-63 exactly: 1.49e-63 = 149/10^65.
    let doc = "$$\\frac{149}{10^{65}} = 1.49e-63 = 1.49 \\times 10^{-63}$$\n";
    let r = check_md(&m, doc);
    assert_eq!(verdicts(&r), [Verdict::Correct, Verdict::Correct], "{}", describe(&r));
}

/// A unit gated by the Heaviside step. By hand, with w = 1/2, b = -1,
/// x = [4, 1], h[0] = 0:
///   h[1] = step(1/2*4 - 1)*4 + 0 = step(1)*4 = 4
///   h[2] = step(1/2*1 - 1)*1 + 4 = step(-1/2)*1 + 4 = 4
const STEP_MODEL: &str = "param w = 1/2, b = -1\ninput x = [4, 1]\nh[0] = 0\n\
                          h[t] = step(w*x[t] + b)*x[t] + h[t-1]\nL = h[2]^2\n";

/// chainrule prints `step` as `\phi(…)`; a document that writes it so reads
/// it back as the step function.
#[test]
fn phi_of_something_is_the_step_function() {
    let doc = "$$h^{(1)} = \\phi\\left(w x^{(1)} + b\\right) x^{(1)} + h^{(0)} = 4$$\n\n\
               $$h^{(2)} = \\phi(w x^{(2)} + b)\\, x^{(2)} + h^{(1)} = 4$$\n\n\
               $$h^{(2)} = \\phi(w x^{(2)} + b)\\, x^{(2)} + h^{(1)} = 5$$\n\n\
               $$\\phi\\left(w x^{(1)} + b\\right) - \\phi(w x^{(2)} + b) = 1$$\n";
    let r = check_md(STEP_MODEL, doc);
    use Verdict::*;
    // The middle member of each chain is the model's own equation written
    // out, so each chain is one claim about h: 4, 4, and 5 (wrong). Then
    // step(1) - step(-1/2) = 1 - 0 = 1.
    assert_eq!(verdicts(&r), [Correct, Correct, Wrong, Correct], "{}", describe(&r));
    assert_eq!(r.claims[2].expected, "4");
    // A model with a `phi` of its own keeps it: \phi(3) is phi times 3 = 6.
    let m = "param phi = 2\nL = phi\n";
    let r = check_md(m, "$$\\phi(3) = 6$$\n");
    assert_eq!(verdicts(&r), [Correct], "{}", describe(&r));
}

/// What `chainrule derive` prints for the step model reads back as correct.
#[test]
fn a_derivation_with_the_step_function_reads_back() {
    let dir = std::env::temp_dir().join(format!("chainrule-answer-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("step.chain");
    std::fs::write(&model, STEP_MODEL).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(["derive", model.to_str().unwrap(), "--of", "L", "--wrt", "w"])
        .args(["--format", "markdown", "--granularity", "equations"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("\\phi("), "{md}");
    let r = check_md(STEP_MODEL, &md);
    let bad: Vec<&Claim> = r
        .claims
        .iter()
        .filter(|c| !matches!(c.verdict, Verdict::Correct | Verdict::Approximate))
        .collect();
    assert!(!r.claims.is_empty() && bad.is_empty(), "{}", describe(&r));
}

/// A matrix is never judged entry by entry: `1.65 & 2` is not the claim
/// ∂L/∂w₁ = 1.65, nor `h = (1.65)` a scalar one.
#[test]
fn a_formula_with_a_matrix_is_unparsed_whole() {
    let m = model_file("elman.chain");
    let doc = "$$\\frac{\\partial L(y^{(2)})}{\\partial w_1} = \\begin{bmatrix} 1.65 & 2 \\\\ 3 & 4 \\end{bmatrix}$$\n\n\
               $$h^{(1)} = \\begin{pmatrix} 1.65 \\end{pmatrix}$$\n\n\
               $$\\begin{aligned} h^{(1)} &= 1.65 \\\\ W &= \\left[\\begin{vmatrix} h^{(1)} & 1 \\\\ 1 & h^{(1)} \\end{vmatrix}\\right] \\end{aligned}$$\n";
    let r = check_md(&m, doc);
    use Verdict::*;
    // h[1] = 33/20 = 1.65 by hand (see numbers_in_scientific_notation_read_as_written).
    assert_eq!(
        verdicts(&r),
        [Unparsed, Unparsed, Correct, Unparsed],
        "{}",
        describe(&r)
    );
    for i in [0, 1, 3] {
        assert!(r.claims[i].note.contains("matrix notation"), "{}", describe(&r));
        // The whole formula is reported, from its first symbol.
        assert!(r.claims[i].source.contains("\\end{"), "{}", describe(&r));
    }
}

/// Hand-worked in examples/check/models/two_paths.chain: the path through
/// h⁽¹⁾ gives −4, the direct path 12, the total 8.
fn two_paths() -> String {
    model_file("check/models/two_paths.chain")
}

const D: &str = "\\frac{\\partial L}{\\partial w_h}";

/// A claim about the total that equals one path's value is wrong, with a
/// note naming the path and giving the total.
#[test]
fn a_wrong_total_equal_to_one_path_is_wrong() {
    let m = two_paths();
    for (value, path) in [("-4", "h^{(1)}"), ("12", "the path through w_{h} x^{(2)}")] {
        let r = check_md(&m, &format!("$${D} = {value}$$\n"));
        assert_eq!(verdicts(&r), [Verdict::Wrong], "{}", describe(&r));
        let c = &r.claims[0];
        assert!(
            c.note.contains("only the contribution of the path through"),
            "{}",
            describe(&r)
        );
        assert!(c.note.contains(path), "{}", describe(&r));
        assert!(
            c.note.contains("the total is") && c.note.contains("= 8"),
            "{}",
            describe(&r)
        );
        assert!(c.expected.ends_with("= 8"), "{}", describe(&r));
    }
    // The total itself.
    let r = check_md(&m, &format!("$${D} = 8$$\n"));
    assert_eq!(verdicts(&r), [Verdict::Correct], "{}", describe(&r));
    // Prose that names both paths, or the sum, is about the total.
    for lead in [
        "There are two paths from $w_h$ to $L$.",
        "Adding the two paths:",
        "The total gradient:",
    ] {
        let r = check_md(&m, &format!("{lead}\n\n$${D} = -4$$\n"));
        assert_eq!(verdicts(&r), [Verdict::Wrong], "{lead}\n{}", describe(&r));
    }
}

/// The same value under prose that says which path it is: correct, and the
/// expected value shown is that path's, not the total.
#[test]
fn one_path_is_right_where_the_text_says_so() {
    let m = two_paths();
    for doc in [
        format!("Along the path through $h^{{(1)}}$:\n\n$${D} = -4$$\n"),
        format!("The two paths give different signs. The one through $h^{{(1)}}$:\n\n$${D} = -4$$\n"),
        format!("Its contribution is $${D} = -4 \\quad \\text{{(path through }} h^{{(1)}}\\text{{)}}$$\n"),
        format!("We get ${D} = -4$ along the path through $h^{{(1)}}$.\n"),
    ] {
        let r = check_md(&m, &doc);
        let c = r.claims.iter().find(|c| c.source.contains("-4")).expect("the claim");
        assert_eq!(c.verdict, Verdict::Correct, "{doc}\n{}", describe(&r));
        assert!(
            c.note.contains("one path") && c.note.contains("= 8"),
            "{}",
            describe(&r)
        );
        assert!(c.expected.ends_with("= -4"), "{}", describe(&r));
    }
}

/// A path's value rounded is approximate under path prose, wrong without.
/// Elman, by hand: the path entering at step 2 is (y⁽²⁾ − 1)·v·x₁⁽²⁾ =
/// (0.9937877… − 1)·1.5·1 = −0.0093184…, which is −0.0093 to 4 places; the
/// total is −0.046591… (examples/elman_student.expected.md, row 11).
#[test]
fn a_rounded_path_value() {
    let m = model_file("elman.chain");
    let claim = "$$\\frac{\\partial L(y^{(2)})}{\\partial w_1} \\approx -0.0093$$\n";
    let r = check_md(&m, &format!("Along the path that enters at step 2:\n\n{claim}"));
    assert_eq!(verdicts(&r), [Verdict::Approximate], "{}", describe(&r));
    assert!(r.claims[0].note.contains("one path"), "{}", describe(&r));
    let r = check_md(&m, claim);
    assert_eq!(verdicts(&r), [Verdict::Wrong], "{}", describe(&r));
    assert!(r.claims[0].note.contains("-0.04659"), "{}", describe(&r));
}

/// Prose inside a formula between two claims keeps them apart. By hand
/// (examples/elman.chain): h⁽¹⁾ = 33/20 = 1.65, h⁽⁰⁾ = 1/5 = 0.2,
/// y⁽¹⁾ = σ(3/2·1.65 − 1/2) = σ(1.975) = 0.87815….
#[test]
fn prose_between_claims_is_not_a_factor() {
    let m = model_file("elman.chain");
    let doc = "$$h^{(1)} = 1.65 \\quad\\text{and}\\quad y^{(1)} \\approx 0.8781$$\n\n\
               $$h^{(1)} = 1.65 \\text{ since } h^{(0)} = 0.2$$\n";
    let r = check_md(&m, doc);
    use Verdict::*;
    assert_eq!(
        verdicts(&r),
        [Correct, Approximate, Correct, Correct],
        "{}",
        describe(&r)
    );
}

/// Without values in the model, checks run at seeded random values, and
/// the notes say so; a plain number cannot be checked at all.
#[test]
fn notes_say_when_values_are_random() {
    let m = model_file("check/models/free_tanh.chain");
    // The model's equation with h⁽⁰⁾ = 0, so u h⁽⁰⁾ = 0: an identity.
    // Dropping b (the model leaves it free) is wrong at every point.
    let doc = "$$h^{(1)} = \\tanh(w x^{(1)} + b)$$\n\n$$h^{(1)} = \\tanh(w x^{(1)})$$\n\n$$h^{(1)} = 0.5$$\n";
    let model = load(&m, &[]).unwrap();
    for seed in [1u64, 7] {
        let opts = CheckOptions {
            seed,
            ..CheckOptions::default()
        };
        let r = check_document(&model, doc, DocKind::Markdown, &opts);
        use Verdict::*;
        assert_eq!(verdicts(&r), [Correct, Wrong, Unparsed], "{}", describe(&r));
        let phrase = format!("random values (seed {seed})");
        for c in &r.claims[..2] {
            assert!(c.note.contains(&phrase), "{phrase}\n{}", describe(&r));
        }
        for c in &r.claims {
            assert!(!c.note.contains("model's values"), "{}", describe(&r));
        }
        assert!(r.claims[2].note.contains("cannot be checked"), "{}", describe(&r));
        assert!(r.claims[2].note.contains("--set"), "{}", describe(&r));
    }
}

/// A correct step never shows a different expected value, and an error
/// carried forward names only the earlier line it rests on.
/// By hand (examples/elman.chain): with the wrong h⁽¹⁾ = 1.55,
///   h⁽²⁾ = 1/2 − 1/3 + 2·1.55 + 1/4 = (30 − 20 + 186 + 15)/60 = 211/60,
/// and y⁽²⁾ = σ(3/2·h⁽²⁾ − 1/2) depends on h⁽²⁾ alone. The model's
/// h⁽²⁾ is 223/60 (elman_student.expected.md, row 5). y⁽¹⁾ = 0.5 (line 3)
/// is wrong too, but nothing after it uses it.
#[test]
fn carried_forward_cites_only_what_it_uses() {
    let m = model_file("elman.chain");
    let doc = "$$h^{(1)} = 1.55$$\n\n$$y^{(1)} = 0.5$$\n\n\
               $$h^{(2)} = \\frac{1}{2} - \\frac{1}{3} + 2 \\cdot 1.55 + \\frac{1}{4} = \\frac{211}{60}$$\n\n\
               $$y^{(2)} = \\sigma\\left(\\frac{3}{2} \\cdot \\frac{211}{60} - \\frac{1}{2}\\right)$$\n";
    let r = check_md(&m, doc);
    use Verdict::*;
    assert_eq!(
        verdicts(&r),
        [Wrong, Wrong, Correct, Correct, Correct],
        "{}",
        describe(&r)
    );
    let h2 = &r.claims[2];
    assert!(
        h2.note.contains("carried forward") && h2.note.contains("(line 1)"),
        "{}",
        describe(&r)
    );
    assert!(!h2.note.contains("line 3"), "{}", describe(&r));
    // Right against 211/60, which is what it shows; the model's 223/60 is
    // in the note.
    assert!(h2.expected.starts_with("211/60"), "{}", describe(&r));
    assert!(h2.note.contains("223/60"), "{}", describe(&r));
    let y2 = &r.claims[4];
    assert!(
        y2.note.contains("h^{(2)} = 211/60") && y2.note.contains("(line 5)"),
        "{}",
        describe(&r)
    );
    assert!(
        !y2.note.contains("line 1") && !y2.note.contains("line 3"),
        "{}",
        describe(&r)
    );
    assert_eq!(y2.expected, y2.got, "{}", describe(&r));
}

/// A decimal rounded inside a formula is rounding, not an error. By hand
/// (examples/lstm.chain): the forget gate's input at step 1 is
/// 1/2·1 − 1/3·1/10 + 1/4 = 43/60 = 0.71666…, which is 0.7167 to 4 places
/// and 0.72 to 2, but not 0.75 (nor 0.7166) to any places written.
#[test]
fn decimals_rounded_inside_a_formula() {
    let m = model_file("lstm.chain");
    let doc = "$$f^{(1)} = \\sigma(0.7167)$$\n\n$$f^{(1)} = \\sigma(0.72)$$\n\n\
               $$f^{(1)} = \\sigma(0.75)$$\n\n$$f^{(1)} = \\sigma(0.7166)$$\n";
    let r = check_md(&m, doc);
    use Verdict::*;
    assert_eq!(
        verdicts(&r),
        [Approximate, Approximate, Wrong, Wrong],
        "{}",
        describe(&r)
    );
    assert!(
        r.claims[0].note.contains("rounding of the decimals written (0.7167)"),
        "{}",
        describe(&r)
    );
}

/// Two gates written for each other. By hand: c⁽¹⁾ = f⁽¹⁾c⁽⁰⁾ + i⁽¹⁾g⁽¹⁾ in
/// the model; f⁽¹⁾g⁽¹⁾ + i⁽¹⁾c⁽⁰⁾ swaps f⁽¹⁾ and i⁽¹⁾ (0.159277 against 0.131744).
#[test]
fn swapped_gates_are_named() {
    let m = model_file("lstm.chain");
    let r = check_md(&m, "$$c^{(1)} = f^{(1)} g^{(1)} + i^{(1)} c^{(0)}$$\n");
    assert_eq!(verdicts(&r), [Verdict::Wrong], "{}", describe(&r));
    assert!(
        r.claims[0].note.contains("f^{(1)} and i^{(1)} are swapped"),
        "{}",
        describe(&r)
    );
}

/// A number against a quantity the model gives no value is never "correct"
/// by the luck of a random draw (random values are small fractions, so
/// x⁽¹⁾ = 1 happens), while a real identity (u h⁽⁰⁾ = 0, as h⁽⁰⁾ = 0 in the
/// model) still is.
#[test]
fn a_lucky_random_value_proves_nothing() {
    let m = load(&model_file("check/models/free_tanh.chain"), &[]).unwrap();
    for seed in 1..=40u64 {
        let opts = CheckOptions {
            seed,
            ..CheckOptions::default()
        };
        let doc = "$$x^{(1)} = 1$$\n\n$$w = -1$$\n\n$$u h^{(0)} = 0$$\n";
        let r = check_document(&m, doc, DocKind::Markdown, &opts);
        use Verdict::*;
        assert_eq!(
            verdicts(&r),
            [Unparsed, Unparsed, Correct],
            "seed {seed}\n{}",
            describe(&r)
        );
    }
}

/// One path of a sum missing a factor. By hand (free_tanh.chain): ∂L/∂w =
/// 2h⁽²⁾(1 − h⁽²⁾²)(x⁽²⁾ + u(1 − h⁽¹⁾²)x⁽¹⁾); without the u, the path
/// through h⁽¹⁾ lacks its factor ∂(u h⁽¹⁾)/∂h⁽¹⁾ = u.
#[test]
fn a_path_in_a_sum_without_one_factor() {
    let m = model_file("check/models/free_tanh.chain");
    let doc = "$$\\frac{\\partial L}{\\partial w} = 2 h^{(2)} \\left(1 - \\left(h^{(2)}\\right)^2\\right) \
               \\left(x^{(2)} + \\left(1 - \\left(h^{(1)}\\right)^2\\right) x^{(1)}\\right)$$\n";
    let r = check_md(&m, doc);
    assert_eq!(verdicts(&r), [Verdict::Wrong], "{}", describe(&r));
    assert!(r.claims[0].note.contains("without its factor u ="), "{}", describe(&r));
}

/// The author names a quantity and works it out in one chain; a name
/// already defined is a claim about it, not a second definition.
/// By hand: tanh_bptt, ŷ⁽¹⁾ − y⁽¹⁾ = 2·tanh(0.4125) − 1 = −0.218813, so
/// J₁ = ½(−0.218813)² = 0.023940; elman, n = v h⁽²⁾ + b_y =
/// 3/2 · 223/60 − 1/2 = 609/120 = 5.075.
#[test]
fn a_name_defined_in_its_own_chain() {
    let m = model_file("tanh_bptt.chain");
    let doc = "$J_1 = \\frac12\\left(\\hat{y}^{(1)} - y^{(1)}\\right)^2 \\approx 0.0239$ and later $J_1 = 0.03$.\n";
    let r = check_md(&m, doc);
    use Verdict::*;
    assert_eq!(verdicts(&r), [Approximate, Wrong], "{}", describe(&r));
    let m = model_file("elman.chain");
    let doc = "Let $n = v h^{(2)} + b_y$. Then $n = 5.075$, not $n = 5.2$.\n";
    let r = check_md(&m, doc);
    assert_eq!(verdicts(&r), [Correct, Wrong], "{}", describe(&r));
}
