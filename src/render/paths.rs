//! Output of `chainrule paths`: the number of paths from `--wrt` to `--of`
//! and the first few paths, as text, JSON (LANGUAGE.md §3), Markdown or
//! LaTeX.
//!
//! Node labels: the first node of a path is the `--wrt` text and the last the
//! `--of` text, as the user wrote them; the nodes in between are named
//! quantities (`h[1]`) or operations in model syntax (`w1*x1[2]`). In LaTeX,
//! every node is typeset from the graph (`w_{1} x_{1}^{(2)}`).

use super::latex::latex_symbol_or_expr;
use super::names::Typesetter;
use super::text::{text_symbol_or_expr, TextNames};
use crate::graph::NodeId;
use crate::model::Model;
use crate::query::DiffQuery;
use num_bigint::BigUint;
use serde::Serialize;
use std::collections::HashMap;

/// Model-syntax labels of path nodes, each computed once: the paths listed
/// share most of their nodes.
struct Labels<'a> {
    q: &'a DiffQuery,
    names: TextNames,
    cache: HashMap<NodeId, String>,
}

impl<'a> Labels<'a> {
    fn new(model: &Model, q: &'a DiffQuery) -> Labels<'a> {
        Labels {
            q,
            names: TextNames::new(model),
            cache: HashMap::new(),
        }
    }

    /// The labels of one path's nodes: the `--wrt` text first, the `--of`
    /// text last, model syntax in between.
    fn path(&mut self, path: &[NodeId]) -> Vec<String> {
        let last = path.len().saturating_sub(1);
        let mut out = Vec::with_capacity(path.len());
        for (i, &id) in path.iter().enumerate() {
            let label = if i == 0 && id == self.q.wrt {
                self.q.wrt_text.clone()
            } else if i == last && id == self.q.of {
                self.q.of_text.clone()
            } else {
                let (graph, names) = (&self.q.graph, &self.names);
                self.cache
                    .entry(id)
                    .or_insert_with(|| text_symbol_or_expr(graph, id, names))
                    .clone()
            };
            out.push(label);
        }
        out
    }
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
    let mut labels = Labels::new(model, q);
    let mut out = format!("{} from {} to {}\n", count_phrase(count), q.wrt_text, q.of_text);
    let width = listed.len().to_string().len();
    for (i, path) in listed.iter().enumerate() {
        out.push_str(&format!("  {:>width$}. {}\n", i + 1, labels.path(path).join(" → ")));
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
    let mut labels = Labels::new(model, q);
    let report = JsonPaths {
        of: q.of_text.clone(),
        wrt: q.wrt_text.clone(),
        path_count: count.to_string(),
        paths: listed.iter().map(|p| labels.path(p)).collect(),
        truncated: left_out(count, listed).is_some(),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Markdown: a sentence with the count, then a numbered list of paths whose
/// nodes are inline code.
pub fn markdown(model: &Model, q: &DiffQuery, count: &BigUint, listed: &[Vec<NodeId>]) -> String {
    let mut labels = Labels::new(model, q);
    let mut out = format!("**{}** from `{}` to `{}`\n", count_phrase(count), q.wrt_text, q.of_text);
    if !listed.is_empty() {
        out.push('\n');
    }
    for (i, path) in listed.iter().enumerate() {
        let nodes: Vec<String> = labels.path(path).into_iter().map(|l| format!("`{l}`")).collect();
        out.push_str(&format!("{}. {}\n", i + 1, nodes.join(" → ")));
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
        for path in listed {
            for &id in path {
                cache
                    .entry(id)
                    .or_insert_with(|| latex_symbol_or_expr(&q.graph, id, &ts));
            }
            let nodes: Vec<&str> = path.iter().map(|id| cache[id].as_str()).collect();
            out.push_str(&format!("  \\item ${}$\n", nodes.join(" \\to ")));
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
