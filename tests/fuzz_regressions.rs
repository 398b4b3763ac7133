//! Inputs found by the fuzz targets in `fuzz/` (see fuzz/RESULTS.md),
//! replayed: each must give a clean answer or a clean error, never a
//! panic, and within a bounded time: the crashes the runs of issue 17
//! found (minimized), and the slowest inputs each target met, so that
//! they stay bounded.

use chainrule::{check_document, check_output, CheckOptions, DocKind, Format};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what each input takes (under a second in a fuzzing build).
const BOUND: Duration = Duration::from_secs(20);

fn elman() -> chainrule::Model {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/elman.chain")).unwrap();
    chainrule::load(&src, &[]).unwrap()
}

/// `chainrule eval -` on `model`: its exit code and standard error.
fn eval_stdin(model: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(["eval", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(model.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// check_document, .tex route (minimized): `\begin{` with no closing
/// brace at the end of the text read the environment name as if the
/// brace were there, and sliced past the end of the text.
#[test]
fn tex_begin_without_closing_brace_is_not_math() {
    for doc in [
        "\\begin{align",
        "x \\begin{align*",
        "\\begin{equation\\end{document}",
        "\\begin{",
    ] {
        assert!(chainrule::check::document::tex_math(doc).is_empty(), "{doc}");
        let report = check_document(&elman(), doc, DocKind::Tex, &CheckOptions::default());
        assert!(report.nothing_to_check().is_some(), "{doc}");
    }
}

#[test]
fn tex_begin_without_closing_brace_is_a_clean_error_on_the_command_line() {
    let dir = std::env::temp_dir().join(format!("chainrule-fuzz-regression-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = dir.join("unclosed.tex");
    std::fs::write(&doc, "\\begin{align").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .arg("check")
        .arg(&doc)
        .args(["--model", concat!(env!("CARGO_MANIFEST_DIR"), "/examples/elman.chain")])
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// model_grammar's slowest input (0.7 s in the fuzzing build): a
/// parameter whose value is a power of a 4096th power, exact, with more
/// than 65,535 digits. It loads; `eval` panicked writing its text table
/// (a `{:<width$}` width past `u16::MAX`), and now prints it.
const HUGE_POWER: &str = "#.\nparam w = ((42^4096)^4-097)^46\nJ = w\n";

#[test]
fn nested_huge_powers_load_quickly() {
    let start = Instant::now();
    let _ = chainrule::load(HUGE_POWER, &[]);
    assert!(start.elapsed() < BOUND, "load took {:?}", start.elapsed());
}

#[test]
fn a_value_wider_than_a_format_width_is_printed_on_the_command_line() {
    let (code, err) = eval_stdin(HUGE_POWER);
    assert!(!err.contains("panicked"), "{err}");
    assert!(code == Some(0) || code == Some(2), "{code:?}: {err}");
}

/// check_document's timeout (13 s in the fuzzing run, Markdown route)
/// and its slowest inputs (9 and 12 s), one family: a claim about
/// `\sigma` of a number with 70 digits, whose value is an interval with
/// endpoints of millions of bits. Writing it rounded found the power of
/// ten of each endpoint again for each of 30 digit counts; once now
/// (about 3.5 s in the fuzzing build, from 13).
#[test]
fn huge_values_in_a_claim_are_written_in_bounded_time() {
    let docs = [
        "<!}- modore -->\n\n$$y^{(2)} = \\sigma\\left(v hWight) = \\sigma(000000002049638230412172398 - \
         5555555555555555555555555555555555555555555555555555555500000001779284859-5 5 0.5) \
         = \\sigma(5.07505)$$\n<!-- vel's definitio",
        "<!}- modore -->\n\n$$y^{(2)} = \\sigma\\left(v hWight) = \\sigma(2.5 \\cdot \
         3.67755555555555555555555555555555555555555555555b_{y}\
         5555555555555555555555555555555555555555555555555555555555555555551-5 5 0.5) \
         = \\sigma(5.07505)$$\n<!-- vel's definitio",
    ];
    let model = elman();
    for doc in docs {
        let start = Instant::now();
        let report = check_document(&model, doc, DocKind::Markdown, &CheckOptions::default());
        let _ = check_output(&report, "doc.md", Format::Text);
        let _ = check_output(&report, "doc.md", Format::Json);
        assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
    }
}

/// Shapes of model text the fuzzer reached early: truncated statements,
/// NUL bytes, stray brackets and Unicode. Each loads or is a clean error.
#[test]
fn model_text_fragments_never_panic() {
    let cases = [
        "#.\0\0\0\0\0\0\0\0\nparam w = ((42^4096)^4-096)^46\nJ = w\n",
        "param w = 1/2\nh[t] = w*h[t-1\n",
        "h[t] = h[t-1] + h[t+1]\nJ = h[2]\n",
        "J = sum(k = 1..0, k)\n",
        "\u{feff}param w = 3\nJ = w^2\n",
        "param w = 3\nJ = w^(-0)\n",
        "f(a) = f(a)\nJ = f(1)\n",
        "input x = []\nJ = x[1]\n",
        "const T = -1\nh[0] = 1\nh[t] = h[t-1]\nJ = h[T]\n",
    ];
    for src in cases {
        let _ = chainrule::load(src, &[]);
    }
}

/// check_document's and latex_reader's slowest shapes: long runs of
/// unclosed math, nested braces and environments without an end, in
/// Markdown and in .tex. A report comes back and prints as text and JSON.
#[test]
fn hostile_documents_check_cleanly() {
    let model = elman();
    let braces = "{".repeat(400);
    let docs = [
        format!("$$h^{{(1)}} = {braces}$$\n"),
        "$$\\begin{aligned} J &= \\sum_{t=1}^{3} L(y^{(t)}) \\\\ &= \n".repeat(20),
        "\\begin{align*}\nh^{(1)} &= \\operatorname{ReLU}(\\frac{1}{2} \\cdot 2 + \\frac{1}{4} + 2 \\cdot \\frac15)\n"
            .repeat(10),
        "$".repeat(1000),
        "\\[ \\frac{\\partial J}{\\partial w_1} = \\frac{\\partial J}{\\partial ".repeat(30),
    ];
    for doc in &docs {
        for (name, kind) in [("doc.md", DocKind::Markdown), ("doc.tex", DocKind::Tex)] {
            let start = Instant::now();
            let report = check_document(&model, doc, kind, &CheckOptions::default());
            let _ = check_output(&report, name, Format::Text);
            let _ = check_output(&report, name, Format::Json);
            assert!(start.elapsed() < BOUND, "{name} took {:?}", start.elapsed());
        }
    }
}

/// Fuzzing the model grammar after vectors and matrices landed found
/// `param A: 344444044444444444` (a shape of 3·10¹⁷ entries) aborting on a
/// capacity overflow while its entries were named. Shapes, `zeros`,
/// `outer`, `diag` and matrix products are now measured first, as are
/// functions that call each other twice over.
#[test]
fn huge_shapes_are_refused_by_size() {
    for (model, words) in [
        ("param A: 344444044444444444\n", "344,444,044,444,444,444 entries"),
        ("param a: 2 = [1, 2]\nL = sum(zeros(100000000))\n", "`zeros` would have"),
        (
            "param A: 1000x1000\nparam B: 1000x1000\nC = A*B\nL = C[1,1]\n",
            "matrix product",
        ),
    ] {
        let err = chainrule::load(model, &[]).expect_err(model);
        let text = err.to_string();
        assert!(text.contains(words) && text.contains("size limit"), "{model}: {text}");
    }
    let mut doubling = vec!["param v: 2 = [1, 2]".to_string()];
    for i in 0..25 {
        doubling.push(format!("f{i}(x) = f{}(x) + f{}(x)", i + 1, i + 1));
    }
    doubling.push("f25(x) = x\nL = sum(f0(v))\n".into());
    let err = chainrule::load(&doubling.join("\n"), &[]).expect_err("doubling functions");
    assert!(err.to_string().contains("size limit"), "{err}");
}

/// model_grammar, minimized from the capacity-overflow crash above by
/// `cargo fuzz tmin` (with `-rss_limit_mb=2048`): a shape of 4,404,404
/// entries written without a space. Before the size limit it did not
/// overflow but named every entry, past 2 GB (libFuzzer's out-of-memory).
#[test]
fn a_shape_of_millions_of_entries_is_refused_at_once() {
    for model in [
        "param A:4404404",
        "param A:4404404\n",
        "param A: 2100x2100\nL = A[1,1]\n",
    ] {
        let start = Instant::now();
        let err = chainrule::load(model, &[]).expect_err(model);
        assert!(err.to_string().contains("size limit"), "{model}: {err}");
        assert!(start.elapsed() < BOUND, "{model}: took {:?}", start.elapsed());
    }
}

/// model_grammar (2026-12-03, at 4af30c7, after 131,697 executions),
/// minimized by `cargo fuzz tmin` to `param u=b\nu=[0,1]`: a name declared
/// with a value and also defined by an equation of another shape. The
/// shape layer took the name's shape from the equation (2 entries) and
/// indexed the declared value's entries (1) with it: `index out of
/// bounds: the len is 1 but the index is 1` in `shape::stmt::lower_stmt`.
/// A name defined twice is a clean error, whatever the shapes.
#[test]
fn a_declaration_and_an_equation_of_other_shapes_are_a_clean_error() {
    for model in [
        "param u=b\nu=[0,1]",
        "param u = 1\nu = [0,1]\n",
        "param u=b\nu=[[0,1],[2,3]]\n",
        "param u = [1,2]\nu = [0,1,2]\n",
        "param u = 1\nu[t] = [0,1]\n",
        "u = [0,1]\nparam u = 1\n",
        "input x = [1,2]\nx = [[0,1],[1,0]]\n",
        "param u: 2 = [1,2]\nu = 3\n",
        "param u\nu = [0,1]\n",
    ] {
        let start = Instant::now();
        let result = std::panic::catch_unwind(|| chainrule::load(model, &[]).map(|_| ()));
        match result {
            Ok(r) => assert!(r.is_err(), "{model}: a name defined twice loaded"),
            Err(_) => panic!("{model}: load panicked"),
        }
        assert!(start.elapsed() < BOUND, "{model}: took {:?}", start.elapsed());
    }
}

#[test]
fn a_declaration_and_an_equation_of_other_shapes_are_a_clean_error_on_the_command_line() {
    let (code, err) = eval_stdin("param u=b\nu=[0,1]\n");
    assert!(!err.contains("panicked") && !err.contains("internal failure"), "{err}");
    assert_eq!(code, Some(2), "{err}");
}

/// model_grammar (2026-12-03, after 305,962 executions): a vector input
/// declared again as a scalar sequence (`input x: 2 = [[…]]` then
/// `input x = [1, 3]`) lowered the second declaration with the first one's
/// entry count and indexed past its values (`shape/stmt.rs`). A name
/// declared twice is refused at the second declaration now.
#[test]
fn a_name_declared_twice_with_other_shapes_is_a_clean_error() {
    for model in [
        "input x: 2 = [[1, -1], [1/2, 2]]\ninput x = [1, 3]\nL = dot(x[1], x[2])\n",
        "input x = [1, 3]\ninput x: 2 = [[1, -1], [1/2, 2]]\nL = x[1]\n",
        "param W: 2x2 = [[1, 2], [3, 4]]\nparam W = 1\nL = W[1,1]\n",
        "param b: 2 = [1, 2]\ntarget b: 2 = [[1, 2]]\nL = b[1]\n",
    ] {
        let start = Instant::now();
        let result = std::panic::catch_unwind(|| chainrule::load(model, &[]).map(|_| ()));
        match result {
            Ok(Err(e)) => assert!(e.to_string().contains("twice"), "{model}: {e}"),
            Ok(Ok(())) => panic!("{model}: a name declared twice loaded"),
            Err(_) => panic!("{model}: load panicked"),
        }
        assert!(start.elapsed() < BOUND, "{model}: took {:?}", start.elapsed());
    }
    let (code, err) = eval_stdin("input x: 2 = [[1, -1], [1/2, 2]]\ninput x = [1, 3]\nL = dot(x[1], x[2])\n");
    assert!(err.contains("`x` is declared twice") && err.contains("2:7"), "{err}");
    assert_eq!(code, Some(2), "{err}");
}

/// check_matrix (2026-12-03, after 118 executions): a line with a
/// character wider than a byte (`§`) in a document checked against a vector
/// model was split into sides byte by byte and sliced mid-character
/// (`check/matrix_claim.rs`). Its bytes are stepped over now.
#[test]
fn wide_characters_in_a_matrix_claim_are_stepped_over() {
    let model = chainrule::load(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vector_bptt.chain")).unwrap(),
        &[],
    )
    .unwrap();
    for doc in [
        "Let $h's r (§4) = \\mathbf{h}^{(1)}$ hold.\n",
        "$\\mathbf{h}^{(1)} = § \\approx \\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}$\n",
        "$\\nabla_{\\mathbf{W}} L = é \\sum_{t=1}^{T} ∇ \\mathbf{x}^{(t)\\top}$\n",
    ] {
        for kind in [chainrule::DocKind::Markdown, chainrule::DocKind::Tex] {
            let result = std::panic::catch_unwind(|| {
                let report = chainrule::check_document(&model, doc, kind, &chainrule::CheckOptions::default());
                let _ = chainrule::check_output(&report, "doc", chainrule::Format::Text);
            });
            assert!(result.is_ok(), "{doc}: check panicked");
        }
    }
}
