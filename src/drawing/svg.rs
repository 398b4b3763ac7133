//! The laid-out scene as SVG: boxes and labels, edges as curves (one
//! stroke per coloured route an edge lies on, side by side), and the
//! legend under the graph. Self-contained: no fonts or scripts to fetch;
//! every element a page may want to find has a class (`edge path path-1`,
//! `node on-path`).

use super::layered::{Cubic, Layout, Xy, FONT};
use super::{edge_look, legend, node_look, Scene, COLOURS, GREY, ON_PATH};
use crate::mathml::escape;
use std::fmt::Write;

/// Height of one legend line, pixels.
const LEGEND_LINE: f64 = 18.0;
/// Gap between parallel strokes of one edge, pixels.
const STROKE_GAP: f64 = 3.2;

/// The scene as an SVG document fragment (`<svg …>…</svg>`), laid out by
/// `layout`, with the legend under it when `with_legend` (a page that
/// embeds the drawing may write the legend itself).
pub fn svg(scene: &Scene, layout: &Layout, with_legend: bool) -> String {
    let all = legend(scene);
    let title = all.first().map(|l| l.1.clone()).unwrap_or_default();
    let legend = if with_legend { all } else { Vec::new() };
    let legend_width = legend
        .iter()
        .map(|(_, t)| super::layered::text_width(t) + 30.0)
        .fold(0.0, f64::max);
    let width = layout.width.max(legend_width).ceil();
    let height = if legend.is_empty() {
        layout.height.ceil()
    } else {
        (layout.height + 10.0 + LEGEND_LINE * legend.len() as f64).ceil()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chainrule-graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\">"
    );
    let _ = writeln!(out, "<title>Computation graph: {}</title>", escape(&title));
    out.push_str("<defs>\n");
    let mut markers: Vec<(&str, &str)> = vec![("grey", GREY), ("on", ON_PATH)];
    for (i, c) in COLOURS.iter().enumerate() {
        markers.push((["r1", "r2", "r3", "r4", "r5", "r6"][i], c));
    }
    for (id, colour) in &markers {
        let _ = writeln!(
            out,
            "<marker id=\"cr-{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n<g class=\"edges\" fill=\"none\">\n");
    for (e, pieces) in scene.edges.iter().zip(&layout.edges) {
        let look = edge_look(scene, e);
        let class = if look.class.is_empty() {
            "edge".to_string()
        } else {
            format!("edge {}", look.class)
        };
        let _ = writeln!(
            out,
            "<g class=\"{class}\" data-from=\"{}\" data-to=\"{}\">",
            escape(&scene.nodes[e.from].label),
            escape(&scene.nodes[e.to].label)
        );
        let k = look.colours.len();
        for (i, colour) in look.colours.iter().enumerate() {
            let offset = (i as f64 - (k as f64 - 1.0) / 2.0) * STROKE_GAP;
            let marker = marker_of(colour, &markers);
            let _ = writeln!(
                out,
                "<path d=\"{}\" stroke=\"{colour}\" stroke-width=\"{}\" marker-end=\"url(#cr-{marker})\"/>",
                path_data(pieces, offset),
                look.width
            );
        }
        if e.count > 1 {
            if let Some(mid) = pieces.get(pieces.len() / 2) {
                let (x, y) = point_at(mid, 0.5);
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#404040\" stroke=\"none\">×{}</text>",
                    r(x + 4.0),
                    r(y),
                    e.count
                );
            }
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (n, p) in scene.nodes.iter().zip(&layout.nodes) {
        let look = node_look(n);
        let class = if n.on_path { "node on-path" } else { "node" };
        let rx = if look.round { p.h / 2.0 } else { 5.0 };
        let _ = writeln!(
            out,
            "<g class=\"{class}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{rx}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"{FONT}\" fill=\"{}\">{}</text></g>",
            r(p.cx - p.w / 2.0),
            r(p.cy - p.h / 2.0),
            p.w,
            p.h,
            look.fill,
            look.stroke,
            look.width,
            p.cx,
            p.cy,
            look.text,
            escape(&n.label)
        );
    }
    out.push_str("</g>\n<g class=\"legend\" font-size=\"12\">\n");
    for (i, (colour, text)) in legend.iter().enumerate() {
        let y = layout.height + 10.0 + LEGEND_LINE * (i as f64 + 0.5);
        let x = match colour {
            Some(c) => {
                let _ = writeln!(
                    out,
                    "<line x1=\"8\" y1=\"{y}\" x2=\"26\" y2=\"{y}\" stroke=\"{c}\" stroke-width=\"3\"/>"
                );
                32.0
            }
            None => 8.0,
        };
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{y}\" dominant-baseline=\"central\" fill=\"#202020\">{}</text>",
            escape(text)
        );
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn marker_of(colour: &str, markers: &[(&'static str, &str)]) -> &'static str {
    markers.iter().find(|(_, c)| *c == colour).map_or("grey", |(id, _)| id)
}

/// Rounded to a tenth, as text.
fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `M … C … C …`, every point moved `offset` pixels to the left of the
/// edge's direction (start to end), so parallel strokes sit side by side.
fn path_data(pieces: &[Cubic], offset: f64) -> String {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return String::new();
    };
    let (dx, dy) = (last[3].0 - first[0].0, last[3].1 - first[0].1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len * offset, dx / len * offset);
    let p = |(x, y): Xy| format!("{},{}", r(x + nx), r(y + ny));
    let mut d = format!("M{}", p(first[0]));
    for c in pieces {
        let _ = write!(d, " C{} {} {}", p(c[1]), p(c[2]), p(c[3]));
    }
    d
}

/// The point of a piece at parameter `t`.
fn point_at(c: &Cubic, t: f64) -> Xy {
    let u = 1.0 - t;
    let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
    (
        w[0] * c[0].0 + w[1] * c[1].0 + w[2] * c[2].0 + w[3] * c[3].0,
        w[0] * c[0].1 + w[1] * c[1].1 + w[2] * c[2].1 + w[3] * c[3].1,
    )
}
