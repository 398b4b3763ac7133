//! The scene in Graphviz's DOT language: `chainrule graph`'s default
//! output, and what the shell hands `dot -Tsvg` when Graphviz is there.
//! An edge on several coloured routes is one edge with a colour list
//! (`"#0072B2:#D55E00"`), which Graphviz draws as parallel strokes; its
//! `class` (`path path-1 path-2`) survives into Graphviz's SVG.

use super::{edge_look, legend, node_look, Scene};
use std::fmt::Write;

/// The scene as a DOT digraph, leaves on top and `--of` at the bottom.
pub fn dot(scene: &Scene) -> String {
    let mut out = String::new();
    for (_, line) in legend(scene) {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str("digraph chainrule {\n");
    out.push_str("  rankdir=TB;\n  bgcolor=\"white\";\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=12, height=0.3];\n");
    out.push_str("  edge [arrowsize=0.7];\n");
    for (i, n) in scene.nodes.iter().enumerate() {
        let look = node_look(n);
        let shape = if look.round { ", shape=ellipse" } else { "" };
        let _ = writeln!(
            out,
            "  n{i} [label=\"{}\", color=\"{}\", fontcolor=\"{}\", fillcolor=\"{}\", penwidth={}{shape}];",
            quote(&n.label),
            look.stroke,
            look.text,
            look.fill,
            look.width
        );
    }
    for e in &scene.edges {
        let look = edge_look(scene, e);
        let mut attrs = format!("color=\"{}\", penwidth={}", look.colours.join(":"), look.width);
        if !look.class.is_empty() {
            let _ = write!(attrs, ", class=\"{}\"", look.class);
        }
        if e.count > 1 {
            let _ = write!(attrs, ", label=\"×{}\", fontsize=10", e.count);
        }
        let _ = writeln!(out, "  n{} -> n{} [{attrs}];", e.from, e.to);
    }
    out.push_str("}\n");
    out
}

/// Text inside a DOT double-quoted string.
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
