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
use crate::notation::abbrev::{TreeSizes, LABEL_LEAVES};
use crate::notation::latex::{latex_symbol_or_expr, latex_with};
use crate::notation::names::Typesetter;
use crate::notation::text::{text_cut, text_symbol_or_expr, TextNames};
use crate::query::DiffQuery;
use num_bigint::BigUint;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

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

/// The most nodes a listed route shows: a longer one keeps its first and
/// last nodes with `… (N more) …` between, so that a listing of paths
/// through a million operations stays readable and small.
pub const MAX_ROUTE_NODES: usize = 200;

/// The route with its middle left out when it is longer than
/// [`MAX_ROUTE_NODES`]: `None` stands for the `count` nodes left out.
fn elide(route: &[NodeId]) -> Vec<Result<NodeId, usize>> {
    if route.len() <= MAX_ROUTE_NODES {
        return route.iter().map(|&n| Ok(n)).collect();
    }
    let head = MAX_ROUTE_NODES / 2;
    let tail = MAX_ROUTE_NODES - head - 1;
    let mut out: Vec<Result<NodeId, usize>> = route[..head].iter().map(|&n| Ok(n)).collect();
    out.push(Err(route.len() - head - tail));
    out.extend(route[route.len() - tail..].iter().map(|&n| Ok(n)));
    out
}

/// `… (N more) …`, in place of the nodes [`elide`] left out.
fn more_nodes(count: usize) -> String {
    format!("… ({count} more) …")
}

/// Labels of the nodes on listed routes, each made once (the paths share
/// most of their nodes) and cut to about [`LABEL_LEAVES`] atoms.
struct Labeller<'g, F> {
    graph: &'g Graph,
    sizes: Option<TreeSizes>,
    print: F,
    cache: HashMap<NodeId, String>,
}

impl<'g, F: Fn(NodeId, &HashSet<NodeId>) -> String> Labeller<'g, F> {
    fn new(graph: &'g Graph, print: F) -> Self {
        Labeller {
            graph,
            sizes: None,
            print,
            cache: HashMap::new(),
        }
    }

    fn label(&mut self, n: NodeId) -> String {
        if let Some(s) = self.cache.get(&n) {
            return s.clone();
        }
        let graph = self.graph;
        let sizes = self.sizes.get_or_insert_with(|| TreeSizes::new(graph));
        let cut = sizes.cuts(graph, n, LABEL_LEAVES);
        let s = (self.print)(n, &cut);
        self.cache.insert(n, s.clone());
        s
    }
}

/// [`routes`] in model syntax: the `--wrt` and `--of` texts as given, the
/// rest as `h[1]` (or, for a spelt-out operation, `u*h[1]`, cut short as
/// `… + u*h[1]` when long), with the middle of a very long route left out.
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
    let mut labeller = Labeller::new(g, |n, cut: &HashSet<NodeId>| match *g.node(n) {
        Node::Named(..) => text_symbol_or_expr(g, n, &names),
        _ => text_cut(g, n, &names, cut),
    });
    let listed: Vec<&[NodeId]> = listed.collect();
    routes(g, of, wrt, &listed)
        .into_iter()
        .map(|r| {
            elide(&r)
                .into_iter()
                .map(|n| match n {
                    Ok(n) if n == wrt => wrt_text.to_string(),
                    Ok(n) if n == of => of_text.to_string(),
                    Ok(n) => labeller.label(n),
                    Err(count) => more_nodes(count),
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

/// [`left_out`] for the prose formats: nothing when no path is listed
/// (`--max-paths 0` asks for the count alone, which the first line gives;
/// "… and 5 more (showing the first 0)" would say it again, oddly).
fn more_line(count: &BigUint, listed: &[Vec<NodeId>]) -> Option<BigUint> {
    left_out(count, listed).filter(|_| !listed.is_empty())
}

/// Why a listing of very long paths may hold fewer than `--max-paths`:
/// the search stops at a few million nodes of paths (see
/// [`crate::calculus::paths::listed_paths`]).
fn why_fewer(listed: &[Vec<NodeId>]) -> String {
    let nodes: usize = listed.iter().map(Vec::len).sum();
    match listed.iter().map(Vec::len).min() {
        Some(shortest) if nodes > crate::calculus::paths::SEARCH_STATES / 2 => {
            format!(": each is at least {shortest} nodes long, and paths this long are listed fewer")
        }
        _ => String::new(),
    }
}

/// Plain text:
///
/// ```text
/// 2 paths from w1 to L(y[2])
///   1. w1 → w1*x1[2] → … → L(y[2])
///   2. w1 → w1*x1[1] → … → L(y[2])
/// ```
///
/// then `… and M more (showing the first K; --max-paths)` when truncated
/// (and K is not 0).
pub fn text(model: &Model, q: &DiffQuery, count: &BigUint, listed: &[Vec<NodeId>]) -> String {
    let mut out = format!("{} from {} to {}\n", count_phrase(count), q.wrt_text, q.of_text);
    let width = listed.len().to_string().len();
    let notes = edge_notes(listed);
    for (i, path) in labels(model, q, listed).iter().enumerate() {
        out.push_str(&format!("  {:>width$}. {}{}\n", i + 1, path.join(" → "), notes[i]));
    }
    if let Some(more) = more_line(count, listed) {
        out.push_str(&format!(
            "… and {more} more (showing the first {}; --max-paths){}\n",
            listed.len(),
            why_fewer(listed)
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
    if let Some(more) = more_line(count, listed) {
        out.push_str(&format!(
            "\n… and {more} more (showing the first {}; `--max-paths`){}\n",
            listed.len(),
            why_fewer(listed)
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
        let mut labeller = Labeller::new(&q.graph, |n, cut: &HashSet<NodeId>| {
            let over: HashMap<NodeId, String> = cut.iter().map(|&c| (c, "\\ldots".to_string())).collect();
            latex_with(&q.graph, n, &ts, &over)
        });
        out.push_str("\\begin{enumerate}\n");
        let slices: Vec<&[NodeId]> = listed.iter().map(Vec::as_slice).collect();
        let notes = edge_notes(listed);
        for (route, note) in routes(&q.graph, q.of, q.wrt, &slices).into_iter().zip(notes) {
            let nodes: Vec<String> = elide(&route)
                .into_iter()
                .map(|n| match n {
                    Ok(id) => labeller.label(id),
                    Err(count) => format!("\\ldots_{{({count}\\text{{ more}})}}"),
                })
                .collect();
            out.push_str(&format!("  \\item ${}${note}\n", nodes.join(" \\to ")));
        }
        out.push_str("\\end{enumerate}\n");
    }
    if let Some(more) = more_line(count, listed) {
        out.push_str(&format!(
            "\\ldots{{}} and {more} more (showing the first {}){}.\n",
            listed.len(),
            why_fewer(listed)
        ));
    }
    out
}
