//! `chainrule graph`: the unrolled graph with the paths from --wrt to --of
//! highlighted, as DOT (snapshotted, read before accepting), SVG and TikZ.

use chainrule::{graph, load, GraphGranularity, GraphRequest};
use std::process::Command;

fn elman(granularity: GraphGranularity) -> chainrule::Drawing {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/elman.chain")).unwrap();
    let model = load(&src, &[]).unwrap();
    let req = GraphRequest {
        of: "L(y[2])".into(),
        wrt: "w1".into(),
        granularity,
        ..Default::default()
    };
    graph(&model, &req).unwrap()
}

#[test]
fn elman_has_two_routes_in_two_colours() {
    for g in [GraphGranularity::Quantities, GraphGranularity::Operations] {
        let d = elman(g);
        assert_eq!(d.scene.path_count, 2u32.into());
        assert_eq!(d.scene.routes.len(), 2, "{g:?}");
        // The edge both routes share (y[2] → L(y[2])) is drawn in both colours.
        let dot = d.dot();
        assert!(dot.contains("color=\"#0072B2:#D55E00\""), "{dot}");
        assert!(dot.contains("class=\"path path-1 path-2\""), "{dot}");
    }
    // One node per named quantity: 6 parameters, 4 inputs, h[0..2], y[2], L(y[2]).
    assert_eq!(elman(GraphGranularity::Quantities).scene.nodes.len(), 15);
}

#[test]
fn elman_dot() {
    insta::assert_snapshot!("quantities", elman(GraphGranularity::Quantities).dot());
    insta::assert_snapshot!("operations", elman(GraphGranularity::Operations).dot());
}

#[test]
fn svg_and_tikz_are_the_same_every_time() {
    let d = elman(GraphGranularity::Quantities);
    let svg = d.svg().unwrap();
    assert_eq!(svg, elman(GraphGranularity::Quantities).svg().unwrap());
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("class=\"edge path path-1 path-2\"").count(), 2, "{svg}");
    assert!(svg.contains("route 2: w1 → h[1] → h[2] → y[2] → L(y[2])"), "{svg}");
    let tikz = d.tikz().unwrap();
    assert!(
        tikz.contains("\\begin{tikzpicture}") && tikz.contains("{$L(y^{(2)})$}"),
        "{tikz}"
    );
    assert_eq!(tikz, elman(GraphGranularity::Quantities).tikz().unwrap());
}

#[test]
fn many_paths_are_one_colour() {
    // h[t] = w*h[t-1]*h[t-1]: 2^k paths from h[0], routes not told apart.
    let src = "param w = 1/2\nh[0] = 1\nh[t] = w*h[t-1] + h[t-1]^2\nL = h[4]";
    let model = load(src, &[]).unwrap();
    let req = GraphRequest {
        of: "L".into(),
        wrt: "h[0]".into(),
        granularity: GraphGranularity::Operations,
        ..Default::default()
    };
    let d = graph(&model, &req).unwrap();
    assert!(d.scene.path_count > 6u32.into());
    assert!(d.scene.routes.is_empty());
    let dot = d.dot();
    assert!(dot.contains("every edge on a path"), "{dot}");
    assert!(dot.contains("class=\"path\""), "{dot}");
}

fn chainrule(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_large_graph_is_refused_with_a_message() {
    let o = chainrule(&[
        "graph",
        "examples/tanh_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "u",
        "--set",
        "T=300",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("drawings stop at 200") && err.contains("--max-nodes"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    // Under the node cap but too tangled for the built-in layout.
    let o = chainrule(&[
        "graph",
        "examples/tanh_rnn.chain",
        "--of",
        "L",
        "--wrt",
        "u",
        "--set",
        "T=40",
        "--format",
        "svg",
        "--layout",
        "builtin",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("stops at 2000 layered points") && err.contains("Graphviz"),
        "{err}"
    );
}

#[test]
fn bad_questions_are_located_errors() {
    let o = chainrule(&["graph", "examples/elman.chain", "--of", "L(y[2])", "--wrt", "w9"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("w9") && err.contains("w1"), "{err}");
}

#[test]
fn svg_written_atomically_with_o() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.svg");
    let o = chainrule(&[
        "graph",
        "examples/elman.chain",
        "--of",
        "L(y[2])",
        "--wrt",
        "w1",
        "--format",
        "svg",
        "--layout",
        "builtin",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("<svg"));
}

/// The TikZ picture compiles in a document, where pdflatex and TikZ are installed.
#[test]
fn tikz_compiles() {
    let has = |file: &str| {
        Command::new("kpsewhich")
            .arg(file)
            .output()
            .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
    };
    if !has("tikz.sty") {
        println!("skipped: no pdflatex with TikZ (apt-get install texlive-pictures)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let body = elman(GraphGranularity::Operations).tikz().unwrap();
    let doc = format!(
        "\\documentclass{{article}}\n\\usepackage{{tikz,amsmath}}\n\\begin{{document}}\n{body}\\end{{document}}\n"
    );
    std::fs::write(dir.path().join("g.tex"), doc).unwrap();
    let o = Command::new("pdflatex")
        .args(["-interaction=nonstopmode", "-halt-on-error", "g.tex"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}
