//! A [`Derivation`] as strings (a view), and the view through a template:
//! LaTeX (`align*` fragment), a standalone document, Markdown, or JSON.

use super::latex::{latex, latex_symbol_or_expr};
use super::names::Typesetter;
use super::table::decimal;
use super::text::{text_symbol_or_expr, TextNames};
use crate::calculus::derive::Derivation;
use crate::eval::Value;
use crate::graph::{Graph, Node, NodeId, Sym};
use crate::model::{Model, SymId};
use crate::syntax::ast::{Expr, ExprKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// Names for the nodes of a derivation: model symbols, the `--of`
/// expression as written, and `z_{k}` for each intermediate operation.
struct Display {
    ts: Typesetter,
    /// Display leaf per node that gets a synthetic name.
    alias: BTreeMap<NodeId, NodeId>,
    intermediates: Vec<NodeId>,
}

#[derive(Serialize)]
pub struct IntermediateView {
    pub name: String,
    pub def: String,
}

#[derive(Serialize)]
pub struct PathView {
    pub number: usize,
    /// `w_{1} \to z_{1} \to … \to L(y^{(2)})`
    pub route: String,
    /// Model-syntax labels of the nodes, for JSON.
    pub nodes: Vec<String>,
    /// `\frac{\partial L}{\partial z_{5}} \frac{\partial z_{5}}{\partial y^{(2)}} …`
    pub chain: String,
    /// The same with each local derivative written out (factors equal to 1 left out).
    pub substituted: String,
    /// Broken into lines when long (for `aligned`/`align*`).
    pub simplified: String,
    /// On one line (for JSON).
    pub simplified_flat: String,
    /// With `--numbers`: the simplified form with every name replaced by its value.
    pub numbers: String,
    pub value: String,
    pub exact: Option<String>,
}

#[derive(Serialize)]
pub struct TotalView {
    /// The sum of the simplified path forms, or empty when paths were left out.
    pub sum: String,
    /// Broken into lines when long.
    pub simplified: String,
    /// On one line (for JSON).
    pub simplified_flat: String,
    /// With `--numbers`: the simplified total with every name replaced by its value.
    pub numbers: String,
    pub value: String,
    pub exact: Option<String>,
}

/// `δ_{h^{(2)}} = δ_{y^{(2)}} · (…) + …`
#[derive(Serialize)]
pub struct AdjointView {
    pub name: String,
    /// The right side, broken into lines for `aligned`/`align*`.
    pub rhs: String,
    /// The right side on one line (for JSON).
    pub rhs_flat: String,
    pub value: String,
}

#[derive(Serialize)]
pub struct CheckView {
    pub status: &'static str,
    pub ad: String,
    pub difference: String,
    pub difference_bound: String,
    pub epsilon: String,
    pub path_sum: Option<String>,
    /// Random points where the symbolic result, AD and the central
    /// difference were compared again, and how many agreed.
    pub random_points: usize,
    pub random_points_verified: usize,
}

/// Everything a template sees.
#[derive(Serialize)]
pub struct View {
    pub of: String,
    pub wrt: String,
    pub of_text: String,
    pub wrt_text: String,
    pub derivative: String,
    pub path_count: String,
    pub listed: usize,
    pub truncated: bool,
    pub intermediates: Vec<IntermediateView>,
    pub paths: Vec<PathView>,
    pub total: TotalView,
    /// The adjoint equations, from the output down, when paths were left out.
    pub adjoints: Vec<AdjointView>,
    pub check: CheckView,
    /// Show the handcalcs-style lines with values substituted (`--numbers`).
    pub show_numbers: bool,
    /// One intermediate per equation (named quantities) rather than per operation.
    pub per_equation: bool,
}

/// The `--of` text typeset as written: `L(y[2])` → `L\left(y^{(2)}\right)`.
fn typeset_query(text: &str, model: &Model, ts: &Typesetter) -> Option<String> {
    fn go(e: &Expr, model: &Model, ts: &Typesetter) -> Option<String> {
        match &e.kind {
            ExprKind::Name(id) => model.lookup(&id.name).map(|s| ts.symbol(Sym { id: s, step: None })),
            ExprKind::Index(id, idx) => match &idx.kind {
                ExprKind::Num(k) => Some(ts.symbol(Sym {
                    id: model.lookup(&id.name)?,
                    step: Some(k.to_i64()?),
                })),
                _ => None,
            },
            ExprKind::Call(id, args) => {
                let f = model.lookup(&id.name).map(|s| ts.base(s).to_string())?;
                let args: Option<Vec<String>> = args.iter().map(|a| go(a, model, ts)).collect();
                Some(format!("{f}\\left({}\\right)", args?.join(", ")))
            }
            _ => None,
        }
    }
    go(&crate::syntax::parse_expr(text).ok()?, model, ts)
}

fn exact(v: &Value) -> Option<String> {
    v.exact().map(|q| q.to_string())
}

impl Display {
    fn new(g: &mut Graph, model: &Model, d: &Derivation, of_text: &str) -> Display {
        let base = Typesetter::new(model);
        let mut bases: Vec<String> = model.ids().map(|id| base.base(id).to_string()).collect();
        let letter = ["z", "s", "q", "r"]
            .into_iter()
            .find(|l| model.lookup(l).is_none())
            .unwrap_or("z");
        let mut on_paths: Vec<NodeId> = d.paths.iter().flat_map(|p| p.nodes.iter().copied()).collect();
        on_paths.sort();
        on_paths.dedup();
        let intermediates: Vec<NodeId> = on_paths
            .into_iter()
            .filter(|&n| n != d.of && n != d.wrt && !matches!(g.node(n), Node::Named(..) | Node::Leaf(_)))
            .collect();
        let mut alias = BTreeMap::new();
        let mut add = |g: &mut Graph, bases: &mut Vec<String>, node: NodeId, name: String| {
            let id = SymId(bases.len() as u32);
            bases.push(name);
            if let Ok(leaf) = g.intern(Node::Leaf(Sym { id, step: None })) {
                alias.insert(node, leaf);
            }
        };
        for (k, &n) in intermediates.iter().enumerate() {
            add(g, &mut bases, n, format!("{letter}_{{{}}}", k + 1));
        }
        if !matches!(g.node(d.of), Node::Named(..)) {
            let shown = typeset_query(of_text, model, &base).unwrap_or_else(|| latex(g, d.of, &base));
            add(g, &mut bases, d.of, shown);
        }
        Display {
            ts: Typesetter::from_parts(bases, model.time_style),
            alias,
            intermediates,
        }
    }

    /// The name of a node: its alias, or its symbol, or its expression.
    fn name(&self, g: &Graph, n: NodeId) -> String {
        latex_symbol_or_expr(g, *self.alias.get(&n).unwrap_or(&n), &self.ts)
    }

    /// The definition of an intermediate, with aliased children.
    fn definition(&self, g: &mut Graph, n: NodeId) -> String {
        let sub = |c: NodeId| *self.alias.get(&c).unwrap_or(&c);
        let node = match g.node(n).clone() {
            Node::Add(a, b) => Node::Add(sub(a), sub(b)),
            Node::Sub(a, b) => Node::Sub(sub(a), sub(b)),
            Node::Mul(a, b) => Node::Mul(sub(a), sub(b)),
            Node::Div(a, b) => Node::Div(sub(a), sub(b)),
            Node::Pow(a, b) => Node::Pow(sub(a), sub(b)),
            Node::Neg(a) => Node::Neg(sub(a)),
            Node::Call(f, a) => Node::Call(f, sub(a)),
            other => other,
        };
        match g.intern(node) {
            Ok(id) => latex(g, id, &self.ts),
            Err(_) => latex(g, n, &self.ts),
        }
    }

    fn partial(&self, g: &Graph, parent: NodeId, child: NodeId) -> String {
        format!(
            "\\frac{{\\partial {}}}{{\\partial {}}}",
            self.name(g, parent),
            self.name(g, child)
        )
    }
}

/// Joins factors, breaking the line (inside `aligned`/`align*`) every
/// `per_line` factors so long chains stay on the page.
fn lines(factors: Vec<String>, sep: &str, per_line: usize) -> String {
    factors
        .chunks(per_line)
        .map(|c| c.join(sep))
        .collect::<Vec<_>>()
        .join(&format!("{sep}\\\\\n  &\\qquad "))
}

/// The expression at `root` with every leaf and named node replaced by its
/// value, printed: the handcalcs-style "values substituted" line. Values
/// show 6 significant digits (exact fractions in full when short).
/// `base` is the model's typesetter, made once per view: building one
/// typesets every name of the model, which is not free.
fn with_values(g: &mut Graph, base: &Typesetter, root: NodeId, values: &BTreeMap<NodeId, Value>) -> String {
    let mut bases: Vec<String> = base.bases().to_vec();
    let mut map: BTreeMap<NodeId, NodeId> = BTreeMap::new();
    let atoms = crate::calculus::derive::printed_atoms(g, root);
    for a in atoms {
        if map.contains_key(&a) {
            continue;
        }
        let Some(v) = values.get(&a) else { continue };
        let text = match v {
            Value::Exact(q) if q.bits() <= 24 => super::latex::latex_rational(q),
            _ => decimal(v, 6),
        };
        let text = if text.starts_with('-') {
            format!("\\left({text}\\right)")
        } else {
            text
        };
        let id = SymId(bases.len() as u32);
        bases.push(text);
        if let Ok(leaf) = g.intern(Node::Leaf(Sym { id, step: None })) {
            map.insert(a, leaf);
        }
    }
    let ts = Typesetter::from_parts(bases, base.style());
    match substitute(g, root, &map) {
        Ok(n) => latex(g, n, &ts),
        Err(_) => String::new(),
    }
}

/// A copy of the tree at `root` with the nodes in `map` replaced; no
/// folding (the values stay visible), one pass over the subtree's ids.
fn substitute(g: &mut Graph, root: NodeId, map: &BTreeMap<NodeId, NodeId>) -> Result<NodeId, crate::graph::TooLarge> {
    let mut order = Vec::new();
    let mut stack = vec![root];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        order.push(n);
        if !map.contains_key(&n) {
            stack.extend(g.node(n).children());
        }
    }
    order.sort_unstable();
    let mut out: BTreeMap<NodeId, NodeId> = map.clone();
    for n in order {
        if out.contains_key(&n) {
            continue;
        }
        let m = |c: NodeId| *out.get(&c).unwrap_or(&c);
        let node = match g.node(n).clone() {
            Node::Add(a, b) => Node::Add(m(a), m(b)),
            Node::Sub(a, b) => Node::Sub(m(a), m(b)),
            Node::Mul(a, b) => Node::Mul(m(a), m(b)),
            Node::Div(a, b) => Node::Div(m(a), m(b)),
            Node::Pow(a, b) => Node::Pow(m(a), m(b)),
            Node::Neg(a) => Node::Neg(m(a)),
            Node::Call(f, a) => Node::Call(f, m(a)),
            other => other,
        };
        let id = g.intern(node)?;
        out.insert(n, id);
    }
    Ok(*out.get(&root).unwrap_or(&root))
}

/// Long results broken into lines for `aligned`/`align*`, between the
/// terms of a sum or else between the factors of a product (a quotient by
/// a number is written as that fraction times the factors, so it can break
/// too), about a page's width apart. Short results print as they are.
fn broken(g: &Graph, root: NodeId, ts: &Typesetter) -> String {
    // LaTeX source characters per printed line: about a page's width.
    const LINE: usize = 150;
    const BREAK: &str = " \\\\\n  &\\qquad ";
    let whole = latex_symbol_or_expr(g, root, ts);
    if whole.len() < LINE {
        return whole;
    }
    let bracket = |n: NodeId| {
        let s = latex_symbol_or_expr(g, n, ts);
        if matches!(g.node(n), Node::Add(..) | Node::Sub(..) | Node::Neg(_)) {
            format!("\\left({s}\\right)")
        } else {
            s
        }
    };
    // A sum: its terms along the left spine, with their signs.
    let mut terms: Vec<(bool, NodeId)> = Vec::new();
    let mut n = root;
    loop {
        match g.node(n) {
            Node::Add(a, b) => {
                terms.push((false, *b));
                n = *a;
            }
            Node::Sub(a, b) => {
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
    if terms.len() > 1 {
        let mut out = String::new();
        let mut line = 0usize;
        for (i, (neg, t)) in terms.iter().enumerate() {
            let s = if *neg {
                bracket(*t)
            } else {
                latex_symbol_or_expr(g, *t, ts)
            };
            let piece = if i == 0 {
                s
            } else {
                match (*neg, s.strip_prefix('-')) {
                    (false, Some(rest)) => format!(" - {rest}"),
                    (false, None) => format!(" + {s}"),
                    (true, _) => format!(" - {s}"),
                }
            };
            if i > 0 && line + piece.len() > LINE {
                out.push_str(BREAK);
                line = 0;
            }
            line += piece.len();
            out.push_str(&piece);
        }
        return out;
    }
    // A product: its factors along the left spine.
    let mut factors: Vec<String> = Vec::new();
    let mut n = root;
    let mut sign = "";
    if let Node::Neg(a) = g.node(n) {
        sign = "-";
        n = *a;
    }
    if let Node::Div(a, b) = g.node(n) {
        if let Some(k) = g.literal(*b) {
            factors.push(format!("\\frac{{1}}{{{k}}}"));
            n = *a;
        }
    }
    let mut rest: Vec<String> = Vec::new();
    while let Node::Mul(a, b) = g.node(n) {
        rest.push(bracket(*b));
        n = *a;
    }
    rest.push(bracket(n));
    rest.reverse();
    factors.extend(rest);
    if factors.len() <= 2 {
        return whole;
    }
    let mut out = sign.to_string();
    let mut line = 0usize;
    for (i, f) in factors.iter().enumerate() {
        if i > 0 && line + f.len() > LINE {
            out.push_str(BREAK);
            line = 0;
        } else if i > 0 {
            out.push(' ');
        }
        line += f.len();
        out.push_str(f);
    }
    out
}

/// Builds the view of a derivation.
pub fn view(g: &mut Graph, model: &Model, d: &Derivation, of_text: &str, wrt_text: &str, digits: u32) -> View {
    view_with(g, model, d, of_text, wrt_text, digits, Granularity::Operations)
}

/// What the intermediate variables and the steps of a path are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Granularity {
    /// One variable per operation (`z_{k}`), one chain-rule factor per edge.
    #[default]
    Operations,
    /// One per equation: the named quantities (`h^{(1)}`, `y^{(2)}`), and one
    /// factor per step between them (`∂h^{(2)}/∂h^{(1)}`).
    Equations,
}

/// One chain-rule factor: `∂parent/∂child`, written out.
struct Step {
    child: NodeId,
    parent: NodeId,
    partial: NodeId,
}

/// The steps of a path at the chosen granularity. For equations, the edges
/// between two named quantities are multiplied into one factor.
fn steps(g: &mut Graph, d: &Derivation, edges: &[crate::calculus::derive::Edge], gran: Granularity) -> Vec<Step> {
    if gran == Granularity::Operations {
        return edges
            .iter()
            .map(|e| Step {
                child: e.child,
                parent: e.parent,
                partial: e.partial,
            })
            .collect();
    }
    use crate::simplify::{canonical, present::present, Depth, Factored};
    let key = |g: &Graph, n: NodeId| n == d.of || n == d.wrt || matches!(g.node(n), Node::Named(..));
    let mut out = Vec::new();
    let mut start = None;
    let mut product = Factored::constant(crate::number::Q::one());
    for e in edges {
        start.get_or_insert(e.child);
        product = product.mul(&Factored::from_poly(&canonical(g, e.partial, Depth::StopAtNames)));
        if key(g, e.parent) {
            let partial = present(g, &product).unwrap_or(e.partial);
            out.push(Step {
                child: start.take().unwrap_or(e.child),
                parent: e.parent,
                partial,
            });
            product = Factored::constant(crate::number::Q::one());
        }
    }
    out
}

/// Builds the view of a derivation at the given granularity.
pub fn view_with(
    g: &mut Graph,
    model: &Model,
    d: &Derivation,
    of_text: &str,
    wrt_text: &str,
    digits: u32,
    gran: Granularity,
) -> View {
    view_labelled(g, model, d, of_text, wrt_text, digits, gran, true)
}

/// [`view_with`], with the model-syntax labels of the path nodes
/// ([`PathView::nodes`], which JSON prints) only when `labels` is set. A
/// label is the text of a whole subexpression, so along a loss summed over
/// T steps the labels of one path add up to O(T²) characters; the shipped
/// LaTeX and Markdown templates do not print them, so those formats skip
/// them and stay linear in T.
#[allow(clippy::too_many_arguments)]
pub fn view_labelled(
    g: &mut Graph,
    model: &Model,
    d: &Derivation,
    of_text: &str,
    wrt_text: &str,
    digits: u32,
    gran: Granularity,
    labels: bool,
) -> View {
    let disp = Display::new(g, model, d, of_text);
    let text_names = TextNames::new(model);
    let base_ts = Typesetter::new(model);
    // Every operation on the paths gets its variable; named quantities on
    // the paths are listed too, as what they are in those variables
    // (`h^{(1)} = z_{5}`), and so is the output (`L(y^{(2)}) = -z_{15}`),
    // so the routes below can be followed line by line.
    let mut listed_nodes: Vec<NodeId> = disp.intermediates.clone();
    let mut on_paths: Vec<NodeId> = d.paths.iter().flat_map(|p| p.nodes.iter().copied()).collect();
    on_paths.sort_unstable();
    on_paths.dedup();
    listed_nodes.extend(
        on_paths
            .into_iter()
            .filter(|&n| n != d.wrt && (matches!(g.node(n), Node::Named(..)) || n == d.of)),
    );
    listed_nodes.sort_unstable();
    listed_nodes.dedup();
    if gran == Granularity::Equations {
        listed_nodes.retain(|&n| n == d.of || matches!(g.node(n), Node::Named(..)));
    }
    let intermediates = listed_nodes
        .into_iter()
        .map(|n| {
            let def = match (gran, g.node(n).clone()) {
                (Granularity::Equations, _) => latex(g, n, &base_ts),
                (_, Node::Named(_, inner)) => disp.name(g, inner),
                _ => disp.definition(g, n),
            };
            IntermediateView {
                name: disp.name(g, n),
                def,
            }
        })
        .collect();
    let of = disp.name(g, d.of);
    let wrt = disp.name(g, d.wrt);
    let mut paths = Vec::new();
    for (i, p) in d.paths.iter().enumerate() {
        let steps = steps(g, d, &p.edges, gran);
        let route = std::iter::once(d.wrt)
            .chain(steps.iter().map(|s| s.parent))
            .map(|n| disp.name(g, n))
            .collect::<Vec<_>>()
            .join(" \\to ");
        let nodes = p
            .nodes
            .iter()
            .filter(|_| labels)
            .map(|&n| {
                if n == d.of {
                    of_text.to_string()
                } else if n == d.wrt {
                    wrt_text.to_string()
                } else {
                    text_symbol_or_expr(g, n, &text_names)
                }
            })
            .collect();
        let chain = lines(
            steps.iter().rev().map(|e| disp.partial(g, e.parent, e.child)).collect(),
            " \\, ",
            6,
        );
        let factors: Vec<String> = steps
            .iter()
            .rev()
            .filter(|e| g.literal(e.partial).is_none_or(|q| !q.is_one()))
            .map(|e| {
                let s = latex_symbol_or_expr(g, e.partial, &disp.ts);
                if matches!(g.node(e.partial), Node::Add(..) | Node::Sub(..) | Node::Neg(_)) || s.starts_with('-') {
                    format!("\\left({s}\\right)")
                } else {
                    s
                }
            })
            .collect();
        let substituted = if factors.is_empty() {
            "1".to_string()
        } else {
            lines(factors, " \\cdot ", 8)
        };
        paths.push(PathView {
            number: i + 1,
            route,
            nodes,
            chain,
            substituted,
            simplified: broken(g, p.simplified, &disp.ts),
            simplified_flat: latex_symbol_or_expr(g, p.simplified, &disp.ts),
            numbers: with_values(g, &base_ts, p.simplified, &d.atom_values),
            value: decimal(&p.value, digits),
            exact: exact(&p.value),
        });
    }
    // The sum of the paths is shown only when adding them simplified
    // something; otherwise it would repeat the total.
    let sum = if d.truncated || paths.len() < 2 || !d.total_factored {
        String::new()
    } else {
        // One path per line once the sum is long.
        let flat: Vec<String> = paths.iter().map(|p| p.simplified_flat.clone()).collect();
        let sep = if flat.iter().map(String::len).sum::<usize>() > 160 {
            " \\\\\n  &\\qquad + "
        } else {
            " + "
        };
        flat.join(sep).replace("+ -", "- ")
    };
    let total = TotalView {
        sum,
        simplified: d.total.map(|t| broken(g, t, &disp.ts)).unwrap_or_default(),
        simplified_flat: d
            .total
            .map(|t| latex_symbol_or_expr(g, t, &disp.ts))
            .unwrap_or_default(),
        numbers: d
            .total
            .map(|t| with_values(g, &base_ts, t, &d.atom_values))
            .unwrap_or_default(),
        value: decimal(&d.total_value, digits),
        exact: exact(&d.total_value),
    };
    let delta = |g: &Graph, n: NodeId| format!("\\delta_{{{}}}", disp.name(g, n));
    let adjoints: Vec<AdjointView> = d
        .adjoints
        .iter()
        .map(|eq| {
            let terms: Vec<String> = eq
                .terms
                .iter()
                .map(|t| {
                    let p = latex_symbol_or_expr(g, t.partial, &disp.ts);
                    let d = if t.parent == d.of {
                        String::new()
                    } else {
                        delta(g, t.parent)
                    };
                    match (d.is_empty(), g.literal(t.partial).is_some_and(|q| q.is_one())) {
                        (true, _) => p,
                        (false, true) => d,
                        (false, false) if matches!(g.node(t.partial), Node::Add(..) | Node::Sub(..)) => {
                            format!("{d} \\left({p}\\right)")
                        }
                        (false, false) => format!("{d} \\cdot {p}"),
                    }
                })
                .collect();
            AdjointView {
                name: delta(g, eq.node),
                rhs_flat: terms.join(" + ").replace("+ -", "- "),
                rhs: lines(terms, " + ", 3).replace("+ -", "- "),
                value: decimal(&eq.value, digits),
            }
        })
        .collect();
    let check = CheckView {
        status: if d.check.verified { "verified" } else { "failed" },
        ad: decimal(&d.check.ad, digits),
        difference: decimal(&Value::Approx(d.check.difference.estimate.clone()), digits),
        difference_bound: crate::number::decimal::q_to_decimal(&d.check.difference.error_bound, 3).0,
        epsilon: format!("2^{{-{}}}", d.check.difference.epsilon.denom().bits().saturating_sub(1)),
        path_sum: d.check.path_sum.as_ref().map(|v| decimal(v, digits)),
        random_points: d.check.points.len(),
        random_points_verified: d.check.points.iter().filter(|p| p.verified).count(),
    };
    View {
        derivative: format!("\\frac{{\\partial {of}}}{{\\partial {wrt}}}"),
        of,
        wrt,
        of_text: of_text.to_string(),
        wrt_text: wrt_text.to_string(),
        path_count: d.path_count.to_string(),
        listed: d.paths.len(),
        truncated: d.truncated,
        intermediates,
        paths,
        total: TotalView {
            // With paths left out, the total is the last adjoint, `δ_{wrt}`.
            simplified: match (d.truncated, adjoints.last()) {
                (true, Some(a)) => a.name.clone(),
                _ => total.simplified,
            },
            ..total
        },
        adjoints,
        check,
        show_numbers: false,
        per_equation: gran == Granularity::Equations,
    }
}

#[derive(Serialize)]
struct JsonPath<'a> {
    nodes: &'a [String],
    latex: &'a str,
    value: &'a str,
    exact: Option<String>,
}

#[derive(Serialize)]
struct JsonTotal<'a> {
    latex: &'a str,
    value: &'a str,
    exact: Option<String>,
}

/// The JSON `exact` field is always `p/q` (LANGUAGE.md): `-1` reads `-1/1`.
fn as_pq(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|t| if t.contains('/') { t.clone() } else { format!("{t}/1") })
}

#[derive(Serialize)]
struct JsonDerivation<'a> {
    of: &'a str,
    wrt: &'a str,
    path_count: &'a str,
    truncated: bool,
    paths: Vec<JsonPath<'a>>,
    total: JsonTotal<'a>,
    check: &'a CheckView,
}

/// JSON with the fields of LANGUAGE.md §3 (`derive`).
pub fn json(v: &View) -> String {
    // With paths left out, the total is the last adjoint, written in the
    // adjoints of the quantities above it.
    let total_latex = match v.adjoints.last() {
        Some(a) if v.truncated => &a.rhs_flat,
        _ if v.total.simplified_flat.is_empty() => &v.total.sum,
        _ => &v.total.simplified_flat,
    };
    let doc = JsonDerivation {
        of: &v.of_text,
        wrt: &v.wrt_text,
        path_count: &v.path_count,
        truncated: v.truncated,
        paths: v
            .paths
            .iter()
            .map(|p| JsonPath {
                nodes: &p.nodes,
                latex: &p.simplified_flat,
                value: &p.value,
                exact: as_pq(&p.exact),
            })
            .collect(),
        total: JsonTotal {
            latex: total_latex,
            value: &v.total.value,
            exact: as_pq(&v.total.exact),
        },
        check: &v.check,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The view `derive` shows for a derivation it asked for: the request's
/// `--of`, `--wrt` and digits, at `gran`, with `--numbers` lines if `numbers`.
pub fn derived_view(
    derived: &mut crate::query::Derived,
    model: &Model,
    req: &crate::query::DeriveRequest,
    gran: Granularity,
    numbers: bool,
    labels: bool,
) -> View {
    let mut v = view_labelled(
        &mut derived.graph,
        model,
        &derived.derivation,
        &req.of,
        &req.wrt,
        req.digits,
        gran,
        labels,
    );
    v.show_numbers = numbers;
    v
}
