//! The laid-out scene as a TikZ picture for LaTeX documents: the same
//! positions as the SVG (one pixel is 0.025 cm), labels typeset as the
//! derivation typesets them (`h^{(1)}`), coloured routes side by side.
//! Needs `\usepackage{tikz}` and `amsmath` (for `\operatorname`).

use super::layered::{Cubic, Layout};
use super::{edge_look, node_look, Scene, COLOURS, GREY, GREY_TEXT, INK, ON_PATH};
use std::fmt::Write;

/// Gap between parallel strokes of one edge, pixels (as in the SVG).
const STROKE_GAP: f64 = 3.2;

/// A `tikzpicture` environment drawing the scene.
pub fn tikz(scene: &Scene, layout: &Layout) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "% chainrule graph: {} (needs \\usepackage{{tikz,amsmath}})",
        summary(scene)
    );
    let colours: Vec<(&str, &str)> = [
        ("crgrey", GREY),
        ("crgreytext", GREY_TEXT),
        ("crink", INK),
        ("cron", ON_PATH),
    ]
    .into_iter()
    .chain(
        COLOURS
            .iter()
            .enumerate()
            .map(|(i, c)| (["crA", "crB", "crC", "crD", "crE", "crF"][i], *c)),
    )
    .collect();
    for (name, hex) in &colours {
        let _ = writeln!(out, "\\definecolor{{{name}}}{{HTML}}{{{}}}", &hex[1..]);
    }
    let name_of = |hex: &str| colours.iter().find(|(_, h)| *h == hex).map_or("black", |(n, _)| *n);
    out.push_str("\\begin{tikzpicture}[x=0.025cm, y=-0.025cm, font=\\small]\n");
    for (i, (n, p)) in scene.nodes.iter().zip(&layout.nodes).enumerate() {
        let look = node_look(n);
        let shape = if look.round {
            "rounded corners=6pt"
        } else {
            "rounded corners=2pt"
        };
        let fill = look.fill.trim_start_matches('#');
        let _ = writeln!(
            out,
            "  \\node[draw={}, text={}, fill={{rgb,255:red,{};green,{};blue,{}}}, line width={}pt, {shape}, inner sep=1pt, minimum width={}cm, minimum height={}cm] (n{i}) at ({}, {}) {{${}$}};",
            name_of(look.stroke),
            name_of(look.text),
            u8::from_str_radix(&fill[0..2], 16).unwrap_or(255),
            u8::from_str_radix(&fill[2..4], 16).unwrap_or(255),
            u8::from_str_radix(&fill[4..6], 16).unwrap_or(255),
            look.width * 0.4,
            cm(p.w),
            cm(p.h),
            p.cx,
            p.cy,
            n.latex
        );
    }
    for (e, pieces) in scene.edges.iter().zip(&layout.edges) {
        let look = edge_look(scene, e);
        let k = look.colours.len();
        for (i, colour) in look.colours.iter().enumerate() {
            let offset = (i as f64 - (k as f64 - 1.0) / 2.0) * STROKE_GAP;
            let _ = writeln!(
                out,
                "  \\draw[->, draw={}, line width={}pt] {};",
                name_of(colour),
                look.width * 0.4,
                curve(pieces, offset)
            );
        }
        if e.count > 1 {
            let mid = pieces.get(pieces.len() / 2).map(|c| c[3]).unwrap_or_default();
            let _ = writeln!(
                out,
                "  \\node[font=\\scriptsize, anchor=west] at ({}, {}) {{$\\times {}$}};",
                r(mid.0),
                r(mid.1),
                e.count
            );
        }
    }
    // The legend under the drawing.
    let mut y = layout.height + 14.0;
    let _ = writeln!(out, "  \\node[anchor=west] at (0, {}) {{{}}};", r(y), summary(scene));
    if scene.routes.is_empty() && scene.path_count > 0u32.into() {
        y += 18.0;
        let _ = writeln!(
            out,
            "  \\draw[cron, line width=1.2pt] (0, {y}) -- (18, {y}); \\node[anchor=west] at (22, {y}) {{every edge on a path}};"
        );
    }
    for (i, route) in scene.routes.iter().enumerate() {
        y += 18.0;
        let names: Vec<&str> = route
            .nodes
            .iter()
            .map(|&n| &scene.nodes[n])
            .filter(|n| !matches!(n.kind, super::NodeKind::Operation | super::NodeKind::Literal))
            .map(|n| n.latex.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  \\draw[{}, line width=1.2pt] (0, {}) -- (18, {}); \\node[anchor=west] at (22, {}) {{route {}: ${}$}};",
            ["crA", "crB", "crC", "crD", "crE", "crF"][i],
            r(y),
            r(y),
            r(y),
            i + 1,
            names.join(" \\to ")
        );
    }
    out.push_str("\\end{tikzpicture}\n");
    out
}

/// `2 paths from $w_{1}$ to $L(y^{(2)})$`.
fn summary(scene: &Scene) -> String {
    let latex_of = |kind| {
        scene
            .nodes
            .iter()
            .find(|n| n.kind == kind)
            .map(|n| format!("${}$", n.latex))
            .unwrap_or_default()
    };
    let paths = if scene.path_count == 1u32.into() {
        "1 path".to_string()
    } else {
        format!("{} paths", scene.path_count)
    };
    format!(
        "{paths} from {} to {}",
        latex_of(super::NodeKind::Wrt),
        latex_of(super::NodeKind::Of)
    )
}

fn cm(px: f64) -> f64 {
    (px * 0.025 * 1000.0).round() / 1000.0
}

fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `(x,y) .. controls (…) and (…) .. (…) …`, moved `offset` pixels to the
/// left of the edge's direction.
fn curve(pieces: &[Cubic], offset: f64) -> String {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return String::new();
    };
    let (dx, dy) = (last[3].0 - first[0].0, last[3].1 - first[0].1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len * offset, dx / len * offset);
    let p = |(x, y): (f64, f64)| format!("({}, {})", r(x + nx), r(y + ny));
    let mut s = p(first[0]);
    for c in pieces {
        let _ = write!(s, " .. controls {} and {} .. {}", p(c[1]), p(c[2]), p(c[3]));
    }
    s
}
