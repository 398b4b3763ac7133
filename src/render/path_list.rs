//! Output of `chainrule paths`: the number of paths from `--wrt` to `--of`
//! and the first few paths, as text, JSON (LANGUAGE.md §3), Markdown or
//! LaTeX.
//!
//! Node labels: the first node of a path is the `--wrt` text and the last the
//! `--of` text, as the user wrote them; the nodes in between are named
//! quantities (`h[1]`) or operations in model syntax (`w1*x1[2]`). In LaTeX,
//! every node is typeset from the graph (`w_{1} x_{1}^{(2)}`).

use crate::graph::{Graph, Node, NodeId};
use crate::model::Model;
use crate::notation::latex::latex_symbol_or_expr;
use crate::notation::names::Typesetter;
use crate::notation::text::{text_symbol_or_expr, TextNames};
use crate::query::DiffQuery;
use num_bigint::BigUint;
use serde::Serialize;
use std::collections::HashMap;

/// Each path as the quantities it passes through: `wrt`, the named
/// quantities and leaves it meets, and `of` (`w1 → h[1] → h[2] → y[2] →
/// L(y[2])`), as a course draws it. Operations are not listed, except on
/// paths that would otherwise read the same as another listed path (two
/// routes between the same quantities, as through `x*x`): those keep
/// every node.
pub fn routes(g: &Graph, of: NodeId, wrt: NodeId, listed: &[&[NodeId]]) -> Vec<Vec<NodeId>> {
    let shown = |n: NodeId| n == of || n == wrt || matches!(g.node(n), Node::Named(..) | Node::Leaf(_));
    let short: Vec<Vec<NodeId>> = listed
        .iter()
        .map(|p| p.iter().copied().filter(|&n| shown(n)).collect())
        .collect();
    let mut seen: HashMap<&Vec<NodeId>, usize> = HashMap::new();
    for s in &short {
        *seen.entry(s).or_insert(0) += 1;
    }
    listed
        .iter()
        .zip(&short)
        .map(|(p, s)| if seen[s] > 1 { p.to_vec() } else { s.clone() })
        .collect()
}

/// [`routes`] in model syntax: the `--wrt` and `--of` texts as given, the
/// rest as `h[1]` (or, for a spelt-out operation, `u*h[1]`).
pub fn route_labels<'p>(
    g: &Graph,
    model: &Model,
    of: NodeId,
    wrt: NodeId,
    of_text: &str,
    wrt_text: &str,
    listed: impl Iterator<Item = &'p [NodeId]>,
) -> Vec<Vec<String>> {
    let names = TextNames::new(model);
    let mut cache: HashMap<NodeId, String> = HashMap::new();
    let listed: Vec<&[NodeId]> = listed.collect();
    routes(g, of, wrt, &listed)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|n| match n {
                    _ if n == wrt => wrt_text.to_string(),
                    _ if n == of => of_text.to_string(),
                    _ => cache
                        .entry(n)
                        .or_insert_with(|| text_symbol_or_expr(g, n, &names))
                        .clone(),
                })
                .collect()
        })
        .collect()
}

/// For each listed path, ` (edge k of m)` when it goes through the very
/// same nodes as `m − 1` others (an operation that uses one operand twice,
/// as `x*x`, has two edges from it), else nothing.
fn edge_notes(listed: &[Vec<NodeId>]) -> Vec<String> {
    let mut total: HashMap<&Vec<NodeId>, usize> = HashMap::new();
    for p in listed {
        *total.entry(p).or_insert(0) += 1;
    }
    let mut seen: HashMap<&Vec<NodeId>, usize> = HashMap::new();
    listed
        .iter()
        .map(|p| {
            let m = total[p];
            let k = seen.entry(p).or_insert(0);
            *k += 1;
            if m > 1 {
                format!(" (edge {k} of {m})")
            } else {
                String::new()
            }
        })
        .collect()
}

fn labels(model: &Model, q: &DiffQuery, listed: &[Vec<NodeId>]) -> Vec<Vec<String>> {
    route_labels(
        &q.graph,
        model,
        q.of,
        q.wrt,
        &q.of_text,
        &q.wrt_text,
        listed.iter().map(Vec::as_slice),
    )
}

/// `1 path` or `N paths`.
fn count_phrase(count: &BigUint) -> String {
    if *count == BigUint::from(1u32) {
        "1 path".to_string()
    } else {
        format!("{count} paths")
    }
}

/// How many paths were left out, if any.
fn left_out(count: &BigUint, listed: &[Vec<NodeId>]) -> Option<BigUint> {
    let shown = BigUint::from(listed.len());
    (*count > shown).then(|| count - shown)
}

/// Plain text:
///
/// ```text
/// 2 paths from w1 to L(y[2])
///   1. w1 → w1*x1[2] → … → L(y[2])
///   2. w1 → w1*x1[1] → … → L(y[2])
/// ```
///
/// then `… and M more (showing the first K; --max-paths)` when truncated.
pub fn text(model: &Model, q: &DiffQuery, count: &BigUint, listed: &[Vec<NodeId>]) -> String {
    let mut out = format!("{} from {} to {}\n", count_phrase(count), q.wrt_text, q.of_text);
    let width = listed.len().to_string().len();
    let notes = edge_notes(listed);
    for (i, path) in labels(model, q, listed).iter().enumerate() {
        out.push_str(&format!("  {:>width$}. {}{}\n", i + 1, path.join(" → "), notes[i]));
    }
    if let Some(more) = left_out(count, listed) {
        out.push_str(&format!(
            "… and {more} more (showing the first {}; --max-paths)\n",
            listed.len()
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonPaths {
    of: String,
    wrt: String,
    path_count: String,
    paths: Vec<Vec<String>>,
    truncated: bool,
}

/// JSON with the fields of LANGUAGE.md §3 plus `of` and `wrt`:
/// `{"of", "wrt", "path_count": "<decimal>", "paths": [[label, …], …], "truncated"}`.
/// Pretty-printed, with a trailing newline.
pub fn json(model: &Model, q: &DiffQuery, count: &BigUint, listed: &[Vec<NodeId>]) -> String {
    let report = JsonPaths {
        of: q.of_text.clone(),
        wrt: q.wrt_text.clone(),
        path_count: count.to_string(),
        paths: labels(model, q, listed),
        truncated: left_out(count, listed).is_some(),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Markdown: a sentence with the count, then a numbered list of paths whose
/// nodes are inline code.
pub fn markdown(model: &Model, q: &DiffQuery, count: &BigUint, listed: &[Vec<NodeId>]) -> String {
    let mut out = format!("**{}** from `{}` to `{}`\n", count_phrase(count), q.wrt_text, q.of_text);
    if !listed.is_empty() {
        out.push('\n');
    }
    let notes = edge_notes(listed);
    for (i, path) in labels(model, q, listed).into_iter().enumerate() {
        let nodes: Vec<String> = path.into_iter().map(|l| format!("`{l}`")).collect();
        out.push_str(&format!("{}. {}{}\n", i + 1, nodes.join(" → "), notes[i]));
    }
    if let Some(more) = left_out(count, listed) {
        out.push_str(&format!(
            "\n… and {more} more (showing the first {}; `--max-paths`)\n",
            listed.len()
        ));
    }
    out
}

/// A LaTeX fragment: the count as a sentence, then an `enumerate` with one
/// path per item, its nodes typeset and joined by `\to`.
pub fn latex(model: &Model, q: &DiffQuery, count: &BigUint, listed: &[Vec<NodeId>]) -> String {
    let ts = Typesetter::new(model);
    let of = latex_symbol_or_expr(&q.graph, q.of, &ts);
    let wrt = latex_symbol_or_expr(&q.graph, q.wrt, &ts);
    let mut out = format!("{} from ${wrt}$ to ${of}$.\n", count_phrase(count));
    if !listed.is_empty() {
        // Typeset each node once: the paths share most of their nodes.
        let mut cache: HashMap<NodeId, String> = HashMap::new();
        out.push_str("\\begin{enumerate}\n");
        let slices: Vec<&[NodeId]> = listed.iter().map(Vec::as_slice).collect();
        let notes = edge_notes(listed);
        for (route, note) in routes(&q.graph, q.of, q.wrt, &slices).into_iter().zip(notes) {
            let nodes: Vec<String> = route
                .iter()
                .map(|&id| {
                    cache
                        .entry(id)
                        .or_insert_with(|| latex_symbol_or_expr(&q.graph, id, &ts))
                        .clone()
                })
                .collect();
            out.push_str(&format!("  \\item ${}${note}\n", nodes.join(" \\to ")));
        }
        out.push_str("\\end{enumerate}\n");
    }
    if let Some(more) = left_out(count, listed) {
        out.push_str(&format!(
            "\\ldots{{}} and {more} more (showing the first {}).\n",
            listed.len()
        ));
    }
    out
}
