//! A [`Derivation`] as strings (a view), and the view through a template:
//! LaTeX (`align*` fragment), a standalone document, Markdown, or JSON.
//!
//! Everything here is formatting: the steps of each path, the total's
//! forms and every value come from `calculus`; this module only names
//! nodes (`z_{k}` for the intermediate operations) and prints them.

use super::display::Display;
use super::folding::{adjoint_views, folded_path, intermediate_views, PathTexts};
use super::path_list::route_labels;
use super::table::json_decimal;
use crate::calculus::derive::Derivation;
use crate::calculus::steps::{Granularity, Step};
use crate::eval::Value;
use crate::graph::{Graph, Node, NodeId};
use crate::model::Model;
use crate::model::RExpr;
use crate::notation::latex::{latex_with, paren, NoOverrides, Overrides};
use crate::notation::names::Typesetter;
use crate::notation::numbers::{show, show_bound, DEFAULT_SHOWN_DIGITS};
use crate::query::RandomFill;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a derivation is shown.
#[derive(Clone, Debug)]
pub struct ViewOptions {
    /// One intermediate variable per operation or per equation; must match
    /// the granularity the derivation's steps were made at.
    pub granularity: Granularity,
    /// Significant digits of the values shown in text and math.
    pub digits: u32,
    /// Add the lines with every name replaced by its value.
    pub numbers: bool,
    /// Stretches of at least this many repeated steps are written once
    /// over their range (`usize::MAX`: never); see [`crate::fold`].
    pub fold_at: usize,
}

impl Default for ViewOptions {
    fn default() -> ViewOptions {
        ViewOptions {
            granularity: Granularity::Operations,
            digits: DEFAULT_SHOWN_DIGITS,
            numbers: false,
            fold_at: crate::fold::MIN_RUN,
        }
    }
}

#[derive(Serialize)]
pub struct IntermediateView {
    pub name: String,
    pub def: String,
    /// For a line written once for a stretch of steps: `1 \le t \le 10000`;
    /// empty otherwise.
    pub range: String,
}

#[derive(Serialize)]
pub struct PathView {
    pub number: usize,
    /// `w_{1} \to z_{1} \to … \to L(y^{(2)})`
    pub route: String,
    /// `\frac{\partial L}{\partial z_{5}} \frac{\partial z_{5}}{\partial y^{(2)}} …`
    pub chain: String,
    /// The same with each local derivative written out (factors equal to 1 left out).
    pub substituted: String,
    /// Broken into lines when long (for `aligned`/`align*`).
    pub simplified: String,
    /// On one line.
    pub simplified_flat: String,
    /// With `--numbers`: the simplified form with every name replaced by its value.
    pub numbers: String,
    /// `= 1.65`, `= \frac{223}{60}` or `\approx -0.0465919`.
    pub value: String,
    /// When the route stands for several paths of the graph (an operation
    /// that uses one operand twice): `counts as 2 paths: $z_{4}$ uses
    /// $h^{(1)}$ twice`; empty otherwise.
    pub counts_as: String,
}

#[derive(Serialize)]
pub struct TotalView {
    /// The sum of the simplified path forms, when the total is written
    /// otherwise (and there are two paths or more).
    pub sum: String,
    /// Broken into lines when long.
    pub simplified: String,
    /// On one line.
    pub simplified_flat: String,
    /// With `--numbers`: the simplified total with every name replaced by its value.
    pub numbers: String,
    /// With `--numbers` and two paths or more: the path values added up.
    pub path_values: String,
    /// `= 80` or `\approx -0.0465919`.
    pub value: String,
}

/// `δ_{h^{(2)}} = δ_{y^{(2)}} · (…) + …`
#[derive(Serialize)]
pub struct AdjointView {
    pub name: String,
    /// The right side, broken into lines for `aligned`/`align*`.
    pub rhs: String,
    /// The right side on one line.
    pub rhs_flat: String,
    /// Empty for a line written once for a stretch of steps.
    pub value: String,
    /// For a line written once for a stretch of steps: `1 \le t \le 9999`;
    /// empty otherwise.
    pub range: String,
}

#[derive(Serialize)]
pub struct CheckView {
    pub status: &'static str,
    /// `the model's values`, or `random values (seed 1)`.
    pub at: String,
    pub ad: String,
    pub difference: String,
    /// When the difference is an enclosure of 0: the bound on it.
    pub difference_within: String,
    pub difference_bound: String,
    pub epsilon: String,
    pub path_sum: Option<String>,
    /// The values were compared to `10^{-tolerance}`.
    pub tolerance: String,
    /// Random points where the symbolic result and AD were compared again,
    /// and how many agreed.
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
    /// Where the leaves' values came from when some were drawn at random:
    /// `random values (seed 1): w1 = -2, …`; empty otherwise.
    pub random_values: String,
    /// Under `assume relu active`, the quantities whose relu argument is not
    /// positive at these values (`h^{(2)}`), where relu was read as the identity.
    pub relu_inactive: Vec<String>,
}

/// Path forms added up: `a + b - c`.
fn sum_of(forms: Vec<String>) -> String {
    let mut out = String::new();
    for (i, f) in forms.into_iter().enumerate() {
        match (i, f.strip_prefix('-')) {
            (0, _) => out.push_str(&f),
            (_, Some(rest)) => out.push_str(&format!(" - {rest}")),
            (_, None) => out.push_str(&format!(" + {f}")),
        }
    }
    out
}

/// Joins factors, breaking the line (inside `aligned`/`align*`) every
/// `per_line` factors so long chains stay on the page.
pub(super) fn lines(factors: Vec<String>, sep: &str, per_line: usize) -> String {
    factors
        .chunks(per_line)
        .map(|c| c.join(sep))
        .collect::<Vec<_>>()
        .join(&format!("{sep}\\\\\n  &\\qquad "))
}

/// A value as it stands in for a name in a formula: short, and bracketed
/// when negative so that `a - (-b)` and `2 (-3)` read right.
fn value_text(v: &Value) -> String {
    let s = show(v, DEFAULT_SHOWN_DIGITS).latex;
    if s.starts_with('-') || s.contains("\\times") {
        paren(&s)
    } else {
        s
    }
}

/// `text` (the LaTeX of `n`) bracketed when `n` is a sum or a negation, as
/// a factor of a product needs.
pub(super) fn paren_if_sum(g: &Graph, n: NodeId, text: String) -> String {
    if matches!(g.node(n), Node::Add(..) | Node::Sub(..) | Node::Neg(_)) || text.starts_with('-') {
        paren(&text)
    } else {
        text
    }
}

/// The expression at `root` with every leaf and named node replaced by its
/// value, and the intermediate variables by theirs: the handcalcs-style
/// "values substituted" line.
fn with_values(g: &Graph, ts: &Typesetter, root: NodeId, values: &BTreeMap<NodeId, Value>) -> String {
    let texts: BTreeMap<NodeId, String> = crate::calculus::derive::printed_atoms(g, root)
        .into_iter()
        .filter_map(|a| values.get(&a).map(|v| (a, value_text(v))))
        .collect();
    broken(g, root, ts, &texts)
}

/// LaTeX source characters per printed line: about a page's width.
const LINE: usize = 150;
/// A line break inside `aligned`/`align*`, continuing indented.
const BREAK: &str = " \\\\\n  &\\qquad ";

/// The terms of a sum along its left spine, with their signs (`true` for
/// a subtracted term).
fn sum_terms(g: &Graph, root: NodeId) -> Vec<(bool, NodeId)> {
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
    terms
}

/// Pieces joined into lines of about [`LINE`] characters.
pub(super) fn fill(pieces: &[String], first_sep: &str) -> String {
    let mut out = String::new();
    let mut line = 0usize;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 && line + piece.len() > LINE {
            out.push_str(BREAK);
            line = 0;
        } else if i > 0 {
            out.push_str(first_sep);
        }
        line += piece.len();
        out.push_str(piece);
    }
    out
}

/// Long results broken into lines for `aligned`/`align*`, between the
/// terms of a sum, or between the factors of a product and inside a long
/// bracketed sum among them (then bracketed with `\Bigl( \Bigr)`, which
/// may span lines as `\left( \right)` may not). Short results print as
/// they are.
fn broken(g: &Graph, root: NodeId, ts: &Typesetter, over: &dyn Overrides) -> String {
    let whole = latex_with(g, root, ts, over);
    if whole.len() < LINE {
        return whole;
    }
    let print = |n: NodeId| latex_with(g, n, ts, over);
    let is_sum = |n: NodeId| over.get(n).is_none() && matches!(g.node(n), Node::Add(..) | Node::Sub(..));
    let bracket = |n: NodeId| {
        let s = print(n);
        if over.get(n).is_none() && matches!(g.node(n), Node::Add(..) | Node::Sub(..) | Node::Neg(_)) {
            paren(&s)
        } else {
            s
        }
    };
    // The terms of a sum, each with its sign in front.
    let signed_terms = |n: NodeId| -> Vec<String> {
        sum_terms(g, n)
            .iter()
            .enumerate()
            .map(|(i, (neg, t))| {
                let s = if *neg { bracket(*t) } else { print(*t) };
                match (i, *neg, s.strip_prefix('-')) {
                    (0, _, _) => s,
                    (_, false, Some(rest)) => format!("- {rest}"),
                    (_, false, None) => format!("+ {s}"),
                    (_, true, _) => format!("- {s}"),
                }
            })
            .collect()
    };
    if is_sum(root) {
        return fill(&signed_terms(root), " ");
    }
    // A product: its factors along the left spine, the same factors in the
    // same order as on one line, only broken.
    let mut n = root;
    let mut sign = "";
    if let Node::Neg(a) = g.node(n) {
        sign = "-";
        n = *a;
    }
    let mut spine: Vec<NodeId> = Vec::new();
    let mut denominator = None;
    if let Node::Div(a, b) = g.node(n) {
        denominator = Some(*b);
        n = *a;
    }
    while let Node::Mul(a, b) = g.node(n) {
        spine.push(*b);
        n = *a;
    }
    spine.push(n);
    spine.reverse();
    let mut pieces: Vec<String> = Vec::new();
    if let Some(b) = denominator {
        // `\frac{1}{4} (…)(…)`: the same quotient, breakable.
        pieces.push(format!("\\frac{{1}}{{{}}}", print(b)));
    }
    for f in spine {
        if is_sum(f) && print(f).len() + 14 > LINE {
            let mut terms = signed_terms(f);
            if let Some(first) = terms.first_mut() {
                *first = format!("\\Bigl({first}");
            }
            if let Some(last) = terms.last_mut() {
                last.push_str("\\Bigr)");
            }
            pieces.extend(terms);
        } else {
            pieces.push(bracket(f));
        }
    }
    if pieces.len() <= 1 {
        return whole;
    }
    format!("{sign}{}", fill(&pieces, " "))
}

/// The factors of one path's chain, written out: each step's partial,
/// bracketed where a product needs it, factors equal to 1 left out.
fn substituted(g: &Graph, disp: &Display, steps: &[Step]) -> String {
    let factors: Vec<String> = steps
        .iter()
        .rev()
        .filter(|e| g.literal(e.partial).is_none_or(|q| !q.is_one()))
        .map(|e| {
            let s = disp.expr(g, e.partial);
            let sum = matches!(g.node(e.partial), Node::Add(..) | Node::Sub(..) | Node::Neg(_));
            if sum || s.starts_with('-') {
                paren(&s)
            } else {
                s
            }
        })
        .collect();
    if factors.is_empty() {
        "1".to_string()
    } else {
        lines(factors, " \\cdot ", 8)
    }
}

/// `counts as 2 paths: $z_{4}$ uses $h^{(1)}$ twice`, for a route through
/// an operation that uses one operand more than once.
fn counts_as(g: &Graph, disp: &Display, p: &crate::calculus::derive::PathDerivation) -> String {
    if p.multiplicity == 1u32.into() {
        return String::new();
    }
    if !p.routes.is_empty() {
        let places: Vec<String> = p
            .routes
            .iter()
            .map(|&(child, parent, n)| {
                format!(
                    "${}$ enters ${}$ in {n} places",
                    disp.name(g, child),
                    disp.name(g, parent)
                )
            })
            .collect();
        return format!(
            "counts as {} paths: {}, and each such factor is the sum over its places",
            p.multiplicity,
            places.join(", ")
        );
    }
    let twice: Vec<String> = p
        .edges
        .iter()
        .filter_map(|e| {
            let n = g.node(e.parent).children().filter(|&c| c == e.child).count();
            (n > 1).then(|| {
                let times = if n == 2 {
                    "twice".to_string()
                } else {
                    format!("{n} times")
                };
                format!("${}$ uses ${}$ {times}", disp.name(g, e.parent), disp.name(g, e.child))
            })
        })
        .collect();
    format!("counts as {} paths: {}", p.multiplicity, twice.join(", "))
}

/// `random values (seed 1): w1 = -2, …, ell'(h[3]) = 2/3` (redrawn under
/// `assume relu active`).
fn random_note(g: &Graph, model: &Model, r: &RandomFill) -> String {
    let mut list: Vec<String> = r.values.iter().map(|(_, l, q)| format!("{l} = {q}")).collect();
    list.extend(
        r.slopes
            .iter()
            .map(|&(f, a, ref q)| format!("{} = {q}", crate::query::slope_label(model, g, f, a))),
    );
    let redrawn = if r.redrawn {
        ", drawn again until every relu argument was positive"
    } else {
        ""
    };
    format!("random values (seed {}{redrawn}): {}", r.seed, list.join(", "))
}

/// What was asked, as the user wrote it.
#[derive(Clone, Copy, Debug)]
pub struct Question<'a> {
    /// The `--of` and `--wrt` texts.
    pub of_text: &'a str,
    pub wrt_text: &'a str,
    /// The `--of` expression as resolved, to write it as given.
    pub of_expr: Option<&'a RExpr>,
}

/// Builds the view of a derivation whose steps were made at `opts.granularity`.
pub fn view(
    g: &Graph,
    model: &Model,
    d: &Derivation,
    question: &Question,
    random: Option<&RandomFill>,
    opts: &ViewOptions,
) -> View {
    let (of_text, wrt_text) = (question.of_text, question.wrt_text);
    let gran = opts.granularity;
    let digits = opts.digits;
    let disp = Display::new(g, model, d, question.of_expr, gran, opts.fold_at);
    let base_ts = &disp.ts;
    let intermediates = intermediate_views(g, &disp);
    let of = disp.name(g, d.of);
    let wrt = disp.name(g, d.wrt);
    // Results are written in the network's names alone: the `z_{k}` are
    // for following the chain, not for reading the answer.
    let over = NoOverrides;
    let mut paths = Vec::new();
    for (i, p) in d.paths.iter().enumerate() {
        let texts = match &p.folded {
            Some(f) => folded_path(g, &disp, d, p, f),
            None => PathTexts {
                route: std::iter::once(d.wrt)
                    .chain(p.steps.iter().map(|s| s.parent))
                    .map(|n| disp.name(g, n))
                    .collect::<Vec<_>>()
                    .join(" \\to "),
                chain: lines(
                    p.steps
                        .iter()
                        .rev()
                        .map(|e| disp.partial(g, e.parent, e.child))
                        .collect(),
                    " \\, ",
                    6,
                ),
                substituted: substituted(g, &disp, &p.steps),
                simplified: broken(g, p.simplified, base_ts, &over),
                simplified_flat: disp.expr(g, p.simplified),
            },
        };
        paths.push(PathView {
            number: i + 1,
            route: texts.route,
            chain: texts.chain,
            substituted: texts.substituted,
            simplified: texts.simplified,
            simplified_flat: texts.simplified_flat,
            // A value per step of a stretch would undo the folding.
            numbers: if opts.numbers && p.folded.is_none() {
                with_values(g, base_ts, p.simplified, &d.atom_values)
            } else {
                String::new()
            },
            value: show(&p.value, digits).latex_relation(),
            counts_as: counts_as(g, &disp, p),
        });
    }
    // Paths through stretches of repeated steps are added as they are
    // written, each with its products over steps.
    let folded_total = (!d.truncated && d.paths.iter().any(|p| p.folded.is_some()))
        .then(|| sum_of(paths.iter().map(|p| p.simplified_flat.clone()).collect()));
    let sum = match d.total_sum {
        Some(s) if d.total != Some(s) => broken(g, s, base_ts, &over),
        _ => String::new(),
    };
    let path_values = if opts.numbers && d.paths.len() > 1 {
        let mut sum = String::new();
        for (i, p) in d.paths.iter().enumerate() {
            let v = show(&p.value, digits).latex;
            match (i, v.strip_prefix('-')) {
                (0, _) => sum.push_str(&v),
                (_, Some(rest)) => sum.push_str(&format!(" - {rest}")),
                (_, None) => sum.push_str(&format!(" + {v}")),
            }
        }
        sum
    } else {
        String::new()
    };
    let total = match folded_total {
        Some(t) => TotalView {
            sum: String::new(),
            simplified: t.clone(),
            simplified_flat: t,
            numbers: String::new(),
            path_values,
            value: show(&d.total_value, digits).latex_relation(),
        },
        None => TotalView {
            sum,
            simplified: d.total.map(|t| broken(g, t, base_ts, &over)).unwrap_or_default(),
            simplified_flat: d.total.map(|t| disp.expr(g, t)).unwrap_or_default(),
            numbers: match d.total {
                Some(t) if opts.numbers => with_values(g, base_ts, t, &d.atom_values),
                _ => String::new(),
            },
            path_values,
            value: show(&d.total_value, digits).latex_relation(),
        },
    };
    let adjoints = adjoint_views(g, &disp, d, digits);
    let check = check_view(d, random, digits);
    let relu_inactive = d
        .relu_inactive
        .iter()
        .filter_map(|&n| crate::eval::owner::owner(g, n))
        .map(|s| base_ts.symbol(s))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
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
        show_numbers: opts.numbers,
        per_equation: gran == Granularity::Equations,
        random_values: random.map(|r| random_note(g, model, r)).unwrap_or_default(),
        relu_inactive,
    }
}

fn check_view(d: &Derivation, random: Option<&RandomFill>, digits: u32) -> CheckView {
    let c = &d.proof;
    let bound = show_bound(&c.difference.error_bound);
    CheckView {
        status: if c.verified { "verified" } else { "failed" },
        at: match random {
            Some(r) => format!("random values (seed {})", r.seed),
            None => "the model's values".to_string(),
        },
        ad: show(&c.ad, digits).latex,
        difference: show(&Value::approx(c.difference.estimate.clone()), digits).latex,
        difference_within: show(&Value::approx(c.difference.estimate.clone()), digits)
            .within
            .unwrap_or_default(),
        difference_bound: if c.difference.error_bound.is_zero() {
            "0".to_string()
        } else {
            bound.latex
        },
        epsilon: format!("2^{{-{}}}", c.difference.epsilon.denom().bits().saturating_sub(1)),
        path_sum: c.path_sum.as_ref().map(|v| show(v, digits).latex),
        tolerance: format!("10^{{-{}}}", c.tolerance_digits),
        random_points: c.points.len(),
        random_points_verified: c.points.iter().filter(|p| p.verified).count(),
    }
}

#[derive(Serialize)]
struct JsonPath {
    nodes: Vec<String>,
    latex: String,
    value: String,
    exact: Option<String>,
}

#[derive(Serialize)]
struct JsonTotal {
    latex: String,
    value: String,
    exact: Option<String>,
}

#[derive(Serialize)]
struct JsonCheck {
    status: &'static str,
    ad: String,
    difference: String,
    difference_bound: String,
    epsilon: String,
    path_sum: Option<String>,
    random_points: usize,
    random_points_verified: usize,
}

#[derive(Serialize)]
struct JsonDerivation<'a> {
    of: &'a str,
    wrt: &'a str,
    path_count: String,
    truncated: bool,
    paths: Vec<JsonPath>,
    total: JsonTotal,
    check: JsonCheck,
}

/// The JSON `exact` field is always `p/q` (LANGUAGE.md): `-1` reads `-1/1`.
fn exact_pq(v: &Value) -> Option<String> {
    v.exact().map(|q| {
        let t = q.to_string();
        if t.contains('/') {
            t
        } else {
            format!("{t}/1")
        }
    })
}

/// JSON with the fields of LANGUAGE.md §3 (`derive`): every value with all
/// its certified digits (`digits`, at least 30), path nodes as the
/// quantities they pass through (`w1`, `h[1]`, `y[2]`, `L(y[2])`).
pub fn json(g: &Graph, model: &Model, d: &Derivation, question: &Question, digits: u32) -> String {
    let (of_text, wrt_text) = (question.of_text, question.wrt_text);
    let disp = Display::new(
        g,
        model,
        d,
        question.of_expr,
        Granularity::Equations,
        crate::fold::MIN_RUN,
    );
    let path_latex: Vec<String> = d
        .paths
        .iter()
        .map(|p| match &p.folded {
            Some(f) => folded_path(g, &disp, d, p, f).simplified_flat,
            None => disp.expr(g, p.simplified),
        })
        .collect();
    let folded = d.paths.iter().any(|p| p.folded.is_some());
    let labels = route_labels(
        g,
        model,
        d.of,
        d.wrt,
        of_text,
        wrt_text,
        d.paths.iter().map(|p| p.nodes.as_slice()),
    );
    let c = &d.proof;
    let total_latex = match (d.total, d.adjoints.last()) {
        (Some(_), _) if folded => sum_of(path_latex.clone()),
        (Some(t), _) => disp.expr(g, t),
        // With paths left out, the total is the last adjoint, written in
        // the adjoints of the quantities above it.
        (None, Some(eq)) => {
            let terms: Vec<String> = eq
                .terms
                .iter()
                .map(|t| {
                    let p = latex_with(g, t.partial, &disp.ts, &NoOverrides);
                    if t.parent == d.of {
                        p
                    } else {
                        format!("\\delta_{{{}}} {}", disp.name(g, t.parent), paren(&p))
                    }
                })
                .collect();
            terms.join(" + ")
        }
        (None, None) => String::new(),
    };
    let doc = JsonDerivation {
        of: of_text,
        wrt: wrt_text,
        path_count: d.path_count.to_string(),
        truncated: d.truncated,
        paths: d
            .paths
            .iter()
            .zip(labels)
            .zip(path_latex)
            .map(|((p, nodes), latex)| JsonPath {
                nodes,
                latex,
                value: json_decimal(&p.value, digits),
                exact: exact_pq(&p.value),
            })
            .collect(),
        total: JsonTotal {
            latex: total_latex,
            value: json_decimal(&d.total_value, digits),
            exact: exact_pq(&d.total_value),
        },
        check: JsonCheck {
            status: if c.verified { "verified" } else { "failed" },
            ad: json_decimal(&c.ad, digits),
            difference: json_decimal(&Value::approx(c.difference.estimate.clone()), digits),
            difference_bound: show_bound(&c.difference.error_bound).text,
            epsilon: format!("2^-{}", c.difference.epsilon.denom().bits().saturating_sub(1)),
            path_sum: c.path_sum.as_ref().map(|v| json_decimal(v, digits)),
            random_points: c.points.len(),
            random_points_verified: c.points.iter().filter(|p| p.verified).count(),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The question of a derivation `derive` asked for.
fn question<'a>(derived: &'a crate::query::Derived, req: &'a crate::query::DeriveRequest) -> Question<'a> {
    Question {
        of_text: &req.of,
        wrt_text: &req.wrt,
        of_expr: Some(&derived.of_expr),
    }
}

/// The view `derive` shows for a derivation it asked for.
pub fn derived_view(
    derived: &crate::query::Derived,
    model: &Model,
    req: &crate::query::DeriveRequest,
    opts: &ViewOptions,
) -> View {
    let q = question(derived, req);
    view(
        &derived.graph,
        model,
        &derived.derivation,
        &q,
        derived.random.as_ref(),
        opts,
    )
}

/// The JSON `derive` prints for a derivation it asked for.
pub fn derived_json(derived: &crate::query::Derived, model: &Model, req: &crate::query::DeriveRequest) -> String {
    let q = question(derived, req);
    json(
        &derived.graph,
        model,
        &derived.derivation,
        &q,
        req.digits.max(crate::query::CERTIFIED_DIGITS),
    )
}
