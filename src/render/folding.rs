//! Repeated steps written once (see [`crate::fold`]): the intermediate
//! variables of a stretch of steps as lines at a general step `t` with
//! their range, the adjoints of a stretch as one recurrence, a long sum of
//! per-step terms as `\sum_{t=a}^{b}`, and a path through many repeated
//! steps as a product `\prod_{j=a}^{b}` over one step's factors.

use super::derivation::{fill, lines, paren_if_sum, AdjointView, IntermediateView};
use super::display::{Display, LinePiece, Relative};
use crate::calculus::adjoint_form::AdjointEq;
use crate::calculus::derive::{Derivation, PathDerivation};
use crate::calculus::fold_path::FoldedPath;
use crate::fold::{block_runs, blocks, runs, same_shape, Piece};
use crate::graph::{Graph, Node, NodeId};
use crate::notation::latex::{latex_with, Overrides};
use crate::notation::numbers::show;

/// `1 \le t \le 10000`.
fn range(name: &str, from: i64, to: i64) -> String {
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    format!("{lo} \\le {name} \\le {hi}")
}

/// The terms of a sum along its left spine, with their signs (`true` for a
/// subtracted term); a node `stop` says is a name is a term, not looked into.
fn spine_terms(g: &Graph, root: NodeId, stop: &dyn Fn(NodeId) -> bool) -> Vec<(bool, NodeId)> {
    let mut terms: Vec<(bool, NodeId)> = Vec::new();
    let mut n = root;
    loop {
        match g.node(n) {
            Node::Add(a, b) if n == root || !stop(n) => {
                terms.push((false, *b));
                n = *a;
            }
            Node::Sub(a, b) if n == root || !stop(n) => {
                terms.push((true, *b));
                n = *a;
            }
            _ => {
                terms.push((false, n));
                break;
            }
        }
    }
    terms.reverse();
    terms
}

/// The sum at `root` with its stretches of per-step terms written as
/// `\sum_{index=a}^{b}`, joined into lines; `None` when no stretch folds.
fn folded_sum(g: &Graph, disp: &Display, rel: &Relative, root: NodeId, index: &'static str) -> Option<String> {
    if !matches!(g.node(root), Node::Add(..) | Node::Sub(..)) {
        return None;
    }
    let over = rel.vars_only();
    let terms = spine_terms(g, root, &|n| over.get(n).is_some());
    if terms.len() < disp.fold_at {
        return None;
    }
    let step = |i: usize| disp.step_of.get(terms[i].1);
    let pieces = runs(
        terms.len(),
        step,
        |i, j, shift| terms[i].0 == terms[j].0 && disp.same_term(g, terms[i].1, terms[j].1, shift),
        1,
        disp.fold_at,
    );
    if !pieces.iter().any(|p| matches!(p, Piece::Run { .. })) {
        return None;
    }
    let texts: Vec<(bool, String)> = pieces
        .into_iter()
        .map(|p| match p {
            Piece::One(i) => (terms[i].0, latex_with(g, terms[i].1, &rel.ts, &over)),
            Piece::Run { first, last } => {
                let (a, b) = (step(first).unwrap_or(0), step(last).unwrap_or(0));
                let r = disp.relative(a, index);
                let t = terms[first].1;
                let text = paren_if_sum(g, t, latex_with(g, t, &r.ts, &r.vars_only()));
                (terms[first].0, format!("\\sum_{{{index}={a}}}^{{{b}}} {text}"))
            }
        })
        .collect();
    Some(signed(texts))
}

/// Terms with their signs, as one sum broken into lines.
fn signed(texts: Vec<(bool, String)>) -> String {
    let pieces: Vec<String> = texts
        .into_iter()
        .enumerate()
        .map(|(i, (neg, t))| match (i, neg, t.strip_prefix('-')) {
            (0, false, _) => t,
            (0, true, _) => format!("-{t}"),
            (_, false, Some(rest)) => format!("- {rest}"),
            (_, false, None) => format!("+ {t}"),
            (_, true, _) => format!("- {t}"),
        })
        .collect();
    fill(&pieces, " ")
}

/// The right side of a listed line, in `rel`'s names, with long sums of
/// per-step terms folded.
fn line_definition(g: &Graph, disp: &Display, rel: &Relative, n: NodeId, index: &'static str) -> String {
    let root = match g.node(n) {
        Node::Named(_, d) => *d,
        _ => n,
    };
    folded_sum(g, disp, rel, root, index).unwrap_or_else(|| rel.definition(g, n))
}

/// The intermediate variables, a stretch of repeated steps written once at
/// step `t` with its range.
pub fn intermediate_views(g: &Graph, disp: &Display) -> Vec<IntermediateView> {
    let abs = disp.absolute();
    let mut out = Vec::new();
    for piece in &disp.pieces {
        match *piece {
            LinePiece::One(i) => {
                let n = disp.lines[i];
                out.push(IntermediateView {
                    name: abs.name(g, n),
                    def: line_definition(g, disp, &abs, n, "t"),
                    range: String::new(),
                });
            }
            LinePiece::Run(run) => {
                let rel = disp.relative(run.from, "t");
                for &n in &disp.lines[run.template.first..=run.template.last] {
                    out.push(IntermediateView {
                        name: rel.name(g, n),
                        def: line_definition(g, disp, &rel, n, "s"),
                        range: range("t", run.from, run.to),
                    });
                }
            }
        }
    }
    out
}

/// `δ_parent · partial` terms of one adjoint equation, in `rel`'s names.
fn term_text(g: &Graph, rel: &Relative, of: NodeId, parent: NodeId, partial: NodeId) -> String {
    let p = rel.expr(g, partial);
    let dp = if parent == of {
        String::new()
    } else {
        format!("\\delta_{{{}}}", rel.name(g, parent))
    };
    match (dp.is_empty(), g.literal(partial).is_some_and(|q| q.is_one())) {
        (true, _) => p,
        (false, true) => dp,
        // `δ · -x` reads as a typo: a sum or a negative factor is bracketed.
        (false, false) if matches!(g.node(partial), Node::Add(..) | Node::Sub(..)) || p.starts_with('-') => {
            format!("{dp} {}", crate::notation::latex::paren(&p))
        }
        (false, false) => format!("{dp} \\cdot {p}"),
    }
}

/// One adjoint equation in `rel`'s names, its long sums over steps folded
/// (`\sum_{index=a}^{b}`): the name, the right side in lines, and on one line.
fn adjoint_text(
    g: &Graph,
    disp: &Display,
    rel: &Relative,
    of: NodeId,
    eq: &AdjointEq,
    index: &'static str,
) -> (String, String, String) {
    let terms = &eq.terms;
    let step = |k: usize| {
        (terms[k].parent != of)
            .then(|| disp.step_of.get(terms[k].parent))
            .flatten()
    };
    let same = |k: usize, l: usize, shift: i64| {
        let (a, b) = (&terms[k], &terms[l]);
        a.parent != of
            && b.parent != of
            && disp.same_term(g, a.parent, b.parent, shift)
            && same_shape(g, a.partial, b.partial, shift, &|_| None)
    };
    let pieces = if terms.len() >= disp.fold_at {
        runs(terms.len(), step, same, -1, disp.fold_at)
    } else {
        (0..terms.len()).map(Piece::One).collect()
    };
    let texts: Vec<String> = pieces
        .into_iter()
        .map(|p| match p {
            Piece::One(k) => term_text(g, rel, of, terms[k].parent, terms[k].partial),
            Piece::Run { first, last } => {
                let (hi, lo) = (step(first).unwrap_or(0), step(last).unwrap_or(0));
                let r = disp.relative(hi, index);
                let t = term_text(g, &r, of, terms[first].parent, terms[first].partial);
                format!("\\sum_{{{index}={lo}}}^{{{hi}}} {t}")
            }
        })
        .collect();
    let name = format!("\\delta_{{{}}}", rel.name(g, eq.node));
    let flat = texts.join(" + ").replace("+ -", "- ");
    let broken = lines(texts, " + ", 3).replace("+ -", "- ");
    (name, broken, flat)
}

/// The adjoint equations, a stretch of repeated steps written once as a
/// recurrence at step `t` with its range (values per step are left out
/// there: there is one per step).
pub fn adjoint_views(g: &Graph, disp: &Display, d: &Derivation, digits: u32) -> Vec<AdjointView> {
    let eqs = &d.adjoints;
    let of = d.of;
    let blocks = blocks(eqs.len(), |i| disp.step_of.get(eqs[i].node));
    let same = |i: usize, j: usize, shift: i64| {
        let (a, b) = (&eqs[i], &eqs[j]);
        disp.same_term(g, a.node, b.node, shift)
            && a.terms.len() == b.terms.len()
            && a.terms.iter().zip(&b.terms).all(|(x, y)| {
                let parents = match (x.parent == of, y.parent == of) {
                    (true, true) => true,
                    (false, false) => disp.same_term(g, x.parent, y.parent, shift),
                    _ => false,
                };
                parents && same_shape(g, x.partial, y.partial, shift, &|_| None)
            })
    };
    let abs = disp.absolute();
    let mut out = Vec::new();
    for p in block_runs(&blocks, same, -1, disp.fold_at) {
        match p {
            Piece::One(b) => {
                for eq in &eqs[blocks[b].first..=blocks[b].last] {
                    let (name, rhs, rhs_flat) = adjoint_text(g, disp, &abs, of, eq, "t");
                    out.push(AdjointView {
                        name,
                        rhs,
                        rhs_flat,
                        value: show(&eq.value, digits).latex_relation(),
                        range: String::new(),
                    });
                }
            }
            Piece::Run { first, last } => {
                let (hi, lo) = (blocks[first].step.unwrap_or(0), blocks[last].step.unwrap_or(0));
                let rel = disp.relative(hi, "t");
                for eq in &eqs[blocks[first].first..=blocks[first].last] {
                    let (name, rhs, rhs_flat) = adjoint_text(g, disp, &rel, of, eq, "s");
                    out.push(AdjointView {
                        name,
                        rhs,
                        rhs_flat,
                        value: String::new(),
                        range: range("t", lo, hi),
                    });
                }
            }
        }
    }
    out
}

/// A folded path's texts: route, chain, substituted factors, simplified
/// (in lines) and simplified on one line.
pub struct PathTexts {
    pub route: String,
    pub chain: String,
    pub substituted: String,
    pub simplified: String,
    pub simplified_flat: String,
}

/// The texts of a path through stretches of repeated steps, each stretch
/// written once as a product over its steps.
pub fn folded_path(g: &Graph, disp: &Display, d: &Derivation, p: &PathDerivation, f: &FoldedPath) -> PathTexts {
    let steps = &p.steps;
    // Route: each stretch's first step, then `\cdots`, then where it ends.
    let mut route = vec![disp.name(g, d.wrt)];
    let mut i = 0;
    while i < steps.len() {
        match f.stretches.iter().find(|s| s.first == i) {
            Some(s) => {
                route.extend(steps[s.first..s.first + s.block].iter().map(|x| disp.name(g, x.parent)));
                route.push("\\cdots".to_string());
                route.push(disp.name(g, steps[s.last].parent));
                i = s.last + 1;
            }
            None => {
                route.push(disp.name(g, steps[i].parent));
                i += 1;
            }
        }
    }
    // Chain and substituted factors, from the output down.
    let mut chain: Vec<String> = Vec::new();
    let mut substituted: Vec<String> = Vec::new();
    let not_one = |n: NodeId| g.literal(n).is_none_or(|q| !q.is_one());
    let sub = |rel: &Relative, n: NodeId| paren_if_sum(g, n, rel.expr(g, n));
    let abs = disp.absolute();
    let mut k = steps.len();
    while k > 0 {
        let i = k - 1;
        match f.stretches.iter().find(|s| s.last == i) {
            Some(s) => {
                let r = disp.relative(s.from_step, "j");
                let block = &steps[s.first..s.first + s.block];
                let prod = format!("\\prod_{{j={}}}^{{{}}}", s.from_step, s.to_step);
                let fracs: Vec<String> = block.iter().rev().map(|x| r.partial(g, x.parent, x.child)).collect();
                chain.push(match fracs.len() {
                    1 => format!("{prod} {}", fracs[0]),
                    _ => format!("{prod} \\Bigl({}\\Bigr)", fracs.join(" \\, ")),
                });
                let subs: Vec<String> = block
                    .iter()
                    .rev()
                    .filter(|x| not_one(x.partial))
                    .map(|x| sub(&r, x.partial))
                    .collect();
                match subs.len() {
                    0 => {}
                    1 => substituted.push(format!("{prod} {}", subs[0])),
                    _ => substituted.push(format!("{prod} \\Bigl({}\\Bigr)", subs.join(" \\cdot "))),
                }
                k = s.first;
            }
            None => {
                chain.push(abs.partial(g, steps[i].parent, steps[i].child));
                if not_one(steps[i].partial) {
                    substituted.push(sub(&abs, steps[i].partial));
                }
                k = i;
            }
        }
    }
    // Simplified: what is outside the stretches, then each stretch's step.
    let mut simple: Vec<String> = Vec::new();
    match g.literal(f.rest) {
        Some(q) if q.is_one() => {}
        Some(q) if (-q.clone()).is_one() => simple.push("-".to_string()),
        _ => simple.push(paren_if_sum(g, f.rest, disp.expr(g, f.rest))),
    }
    for s in &f.stretches {
        let r = disp.relative(s.from_step, "j");
        simple.push(format!(
            "\\prod_{{j={}}}^{{{}}} {}",
            s.from_step,
            s.to_step,
            paren_if_sum(g, s.factor, r.expr(g, s.factor))
        ));
    }
    // A `\prod` reads to the end of its product, so one with factors after
    // it is bracketed: `\Bigl[\prod_{j=a}^{b} …\Bigr] \cdot x`.
    bracket_inner_products(&mut chain);
    bracket_inner_products(&mut substituted);
    bracket_inner_products(&mut simple);
    let flat = simple.join(" ").replace("- \\prod", "-\\prod");
    PathTexts {
        route: route.join(" \\to "),
        chain: lines(chain, " \\, ", 6),
        substituted: if substituted.is_empty() {
            "1".to_string()
        } else {
            lines(substituted, " \\cdot ", 8)
        },
        simplified: lines(simple, " ", 4).replace("- \\prod", "-\\prod"),
        simplified_flat: flat,
    }
}

/// Brackets every `\prod` factor that is not the last: the body of a big
/// operator extends to the end of the product it stands in.
fn bracket_inner_products(factors: &mut [String]) {
    let n = factors.len();
    for f in factors.iter_mut().take(n.saturating_sub(1)) {
        if f.starts_with("\\prod") {
            *f = format!("\\Bigl[{f}\\Bigr]");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculus::steps::Granularity;
    use crate::query::{derive, load, DeriveRequest};

    /// A sigmoid RNN with its loss on the last step, over 40 steps.
    const MODEL: &str = "param w = 1/2, u = -1/3, b = 1/10
input x = [3/10, -1/5, 1/2, 0, 1/10, -7/10, 2/5, 1/4, -1/2, 9/10, 1/3, -1/3, 1/5, 0, 1/2, -1/10, 3/5, -2/5, 1/10, 1/8,
  3/10, -1/5, 1/2, 0, 1/10, -7/10, 2/5, 1/4, -1/2, 9/10, 1/3, -1/3, 1/5, 0, 1/2, -1/10, 3/5, -2/5, 1/10, 1/8]
h[0] = 0
h[t] = sigmoid(w*h[t-1] + u*x[t] + b)
L = (h[40] - 1)^2
";

    fn folded(gran: Granularity) -> (crate::query::Derived, Display) {
        let model = load(MODEL, &[]).unwrap();
        let req = DeriveRequest {
            of: "L".into(),
            wrt: "u".into(),
            granularity: gran,
            ..Default::default()
        };
        let d = derive(&model, &req).unwrap();
        let disp = Display::new(
            &d.graph,
            &model,
            &d.derivation,
            Some(&d.of_expr),
            gran,
            crate::fold::MIN_RUN,
        );
        (d, disp)
    }

    /// Every line a stretch stands for, written at its own step, is the
    /// template written once: the folded line is each of them exactly.
    #[test]
    fn every_folded_line_is_its_template_at_its_step() {
        for gran in [Granularity::Operations, Granularity::Equations] {
            let (d, disp) = folded(gran);
            let g = &d.graph;
            let runs: Vec<_> = disp
                .pieces
                .iter()
                .filter_map(|p| match p {
                    LinePiece::Run(r) => Some(*r),
                    LinePiece::One(_) => None,
                })
                .collect();
            assert!(!runs.is_empty(), "{gran:?}: 40 steps fold");
            for run in runs {
                let rel = disp.relative(run.from, "t");
                let template: Vec<(String, String)> = disp.lines[run.template.first..=run.template.last]
                    .iter()
                    .map(|&n| (rel.name(g, n), line_definition(g, &disp, &rel, n, "s")))
                    .collect();
                let width = template.len();
                for s in run.from..=run.to {
                    let at: Vec<NodeId> = disp
                        .lines
                        .iter()
                        .copied()
                        .filter(|&n| disp.step_of.get(n) == Some(s))
                        .collect();
                    let at = &at[..width.min(at.len())];
                    assert_eq!(at.len(), width, "{gran:?}: step {s} has the template's lines");
                    let rel = disp.relative(s, "t");
                    let written: Vec<(String, String)> = at
                        .iter()
                        .map(|&n| (rel.name(g, n), line_definition(g, &disp, &rel, n, "s")))
                        .collect();
                    assert_eq!(written, template, "{gran:?}: step {s}");
                }
            }
        }
    }

    /// The same for each path's products over steps: every step of a
    /// stretch, written at its own step, is the stretch's factor.
    #[test]
    fn every_step_of_a_product_is_its_factor() {
        let (d, disp) = folded(Granularity::Operations);
        let g = &d.graph;
        let mut stretches = 0;
        for p in &d.derivation.paths {
            let Some(f) = &p.folded else { continue };
            for s in &f.stretches {
                stretches += 1;
                let text = |k: usize| {
                    let block = &p.steps[s.first + k * s.block..s.first + (k + 1) * s.block];
                    let at = disp.step_of.get(block[0].parent).unwrap();
                    let r = disp.relative(at, "j");
                    block
                        .iter()
                        .map(|x| (r.partial(g, x.parent, x.child), r.expr(g, x.partial)))
                        .collect::<Vec<_>>()
                };
                let first = text(0);
                let count = (s.last + 1 - s.first) / s.block;
                assert_eq!(count as i64, s.to_step - s.from_step + 1);
                for k in 1..count {
                    assert_eq!(text(k), first, "block {k}");
                }
            }
        }
        assert!(stretches > 0, "paths through 10 or more steps fold");
    }
}
