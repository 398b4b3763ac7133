//! A general derivation (LaTeX `\sum`, `\prod`, `\partial L/\partial h^{(t+1)}`)
//! as strings for the templates, and as JSON with its instances.

use crate::general::components::{At, Components, Expr};
use crate::general::{active_terms, at_step, product_form, General, Wrt};
use crate::model::Model;
use crate::notation::latex::{latex_with, paren, NoOverrides};
use crate::notation::names::Typesetter;
use crate::vocab::steps::{GENERIC_T, HORIZON};
use crate::vocab::{Sym, SymId};
use serde::Serialize;

/// How far from each end steps are looked at one by one before the general
/// equation is trusted: one more than the model's reach.
fn span(g: &General) -> i64 {
    g.shape.reach + 2
}

/// One line of a recurrence: `\frac{\partial L}{\partial h^{(t)}} &= …`,
/// and the steps it holds for.
#[derive(Serialize, Clone, Debug)]
pub struct Line {
    pub lhs: String,
    pub rhs: String,
    /// `0 \le t \le T - 1`, or empty for a single step named in `lhs`.
    pub range: String,
}

/// Everything the general templates see.
#[derive(Serialize, Debug)]
pub struct GeneralView {
    /// `\frac{\partial L}{\partial h^{(t)}}`.
    pub derivative: String,
    pub of_text: String,
    pub wrt_text: String,
    /// What is asked: `recurrence`, `product` or `sum`.
    pub form: &'static str,
    /// The adjoint recurrences, one block per state.
    pub recurrences: Vec<Vec<Line>>,
    /// The product or sum form of the result (empty for `recurrence`).
    pub result: Vec<Line>,
    /// A sentence for a result that is read off the recurrence.
    pub result_note: String,
    /// The loss, typeset.
    pub of: String,
    /// The result sums the loss's summand `ℓ_s` over steps.
    pub summand: bool,
    /// The model has opaque functions (whose derivatives are drawn at random).
    pub opaque: bool,
    pub check: GeneralCheck,
}

#[derive(Serialize, Debug)]
pub struct GeneralCheck {
    pub status: &'static str,
    pub instances: usize,
    pub failed: usize,
    pub horizons: String,
}

/// `\frac{\partial L}{\partial h^{(t+1)}}` for a state at a step.
fn dl(of: &str, ts: &Typesetter, q: SymId, step: i64) -> String {
    format!(
        "\\frac{{\\partial {of}}}{{\\partial {}}}",
        ts.symbol(Sym {
            id: q,
            step: Some(step)
        })
    )
}

fn expr(c: &Components, e: Expr, ts: &Typesetter) -> String {
    latex_with(&c.graphs[e.graph], e.node, ts, &NoOverrides)
}

/// A factor in a product: bracketed when it is a sum.
fn factor(s: String) -> String {
    let depth0_sign = {
        let mut depth = 0i32;
        s.char_indices().any(|(i, ch)| {
            match ch {
                '(' | '{' => depth += 1,
                ')' | '}' => depth -= 1,
                '+' | '-' if depth == 0 && i > 0 => return true,
                _ => {}
            }
            false
        })
    };
    if depth0_sign || s.starts_with('-') {
        paren(&s)
    } else {
        s
    }
}

/// The right side of state `q`'s adjoint at step `at` (`GENERIC_T` for
/// `t`), with the terms active there at horizon `n`.
fn rhs(g: &General, of: &str, ts: &Typesetter, q: SymId, at: i64, n: i64) -> String {
    let c = &g.components;
    let a = &c.adjoints[&q];
    let (next, body, points) = active_terms(g, q, at, n);
    let here = ts.at_step(at, "t");
    let mut terms: Vec<String> = Vec::new();
    for &i in &body {
        terms.push(expr(c, a.body[i].1, &here));
    }
    for &i in &points {
        terms.push(expr(c, a.points[i].1, ts));
    }
    for &i in &next {
        let nx = &a.next[i];
        let partial = expr(c, nx.partial, &here);
        let d = dl(of, &here, nx.p, GENERIC_T + nx.j);
        terms.push(if partial == "1" {
            d
        } else {
            format!("{d} \\cdot {}", factor(partial))
        });
    }
    if terms.is_empty() {
        return "0".to_string();
    }
    broken_sum(&terms)
}

/// LaTeX source characters per printed line: about a page's width.
const LINE: usize = 150;

/// Terms joined by `+`, broken into lines (inside `aligned`/`align*`) about
/// a page's width apart.
fn broken_sum(terms: &[String]) -> String {
    let mut out = String::new();
    let mut line = 0usize;
    for (i, t) in terms.iter().enumerate() {
        let (sep, body) = match t.strip_prefix('-') {
            Some(rest) if i > 0 => (" - ", rest),
            _ if i > 0 => (" + ", t.as_str()),
            _ => ("", t.as_str()),
        };
        if i > 0 && line + body.len() > LINE {
            out.push_str(&format!(" \\\\\n  &\\qquad{sep}"));
            line = 0;
        } else {
            out.push_str(sep);
        }
        line += body.len() + sep.len();
        out.push_str(body);
    }
    out
}

/// Which terms hold at a step, for grouping steps into ranges.
type Active = (Vec<usize>, Vec<usize>, Vec<At>);

fn active_key(g: &General, q: SymId, t: i64, n: i64) -> Active {
    let (next, body, points) = active_terms(g, q, t, n);
    let a = &g.components.adjoints[&q];
    (next, body, points.iter().map(|&i| a.points[i].0).collect())
}

/// The lines of state `q`'s recurrence: the steps near the horizon and near
/// 0 where it differs, and the general equation between them.
fn recurrence(g: &General, of: &str, ts: &Typesetter, q: SymId) -> Vec<Line> {
    let w = span(g);
    let generic = active_key(g, q, GENERIC_T, HORIZON);
    // From the start: the first step from which every step is as the
    // general one.
    let start: Vec<Active> = (0..=w).map(|k| active_key(g, q, k, HORIZON)).collect();
    let a = (0..=w as usize)
        .rev()
        .take_while(|&i| start[i] == generic)
        .last()
        .unwrap_or(w as usize + 1) as i64;
    let end: Vec<Active> = (0..=w).map(|m| active_key(g, q, HORIZON - m, HORIZON)).collect();
    let b = (0..=w as usize)
        .rev()
        .take_while(|&i| end[i] == generic)
        .last()
        .unwrap_or(w as usize + 1) as i64;
    let mut lines = Vec::new();
    let point = |s: i64| Line {
        lhs: dl(of, ts, q, s),
        rhs: rhs(g, of, ts, q, s, HORIZON),
        range: String::new(),
    };
    for m in 0..b {
        lines.push(point(HORIZON - m));
    }
    let to = if b == 0 { "T".to_string() } else { format!("T - {b}") };
    lines.push(Line {
        lhs: dl(of, ts, q, GENERIC_T),
        rhs: rhs(g, of, ts, q, GENERIC_T, HORIZON),
        range: format!("{a} \\le t \\le {to}"),
    });
    for k in (0..a).rev() {
        lines.push(point(k));
    }
    lines
}

/// `∂L/∂q^{(k)} = Σ_s c_s ∏_{t=k+1}^{s} ∂q^{(t)}/∂q^{(t−1)}` for a state
/// that feeds only itself, one step ahead: symbolically, then written out.
/// `c_s` is what the loss gives `q^{(s)}` directly: `∂L/∂q^{(T)}` for a loss
/// on the last state, `∂ℓ_s/∂q^{(s)}` for a summand at every step.
fn product_lines(g: &General, ts: &Typesetter, of: &str, q: SymId, k: i64, step: Expr) -> Vec<Line> {
    let c = &g.components;
    let a = &c.adjoints[&q];
    let at = |s: i64| ts.symbol(Sym { id: q, step: Some(s) });
    let ratio = format!(
        "\\frac{{\\partial {}}}{{\\partial {}}}",
        at(GENERIC_T),
        at(GENERIC_T - 1)
    );
    let step_latex = factor(expr(c, step, ts));
    let prod = |upper: &str, body: &str| format!("\\prod_{{t={}}}^{{{upper}}} {body}", k + 1);
    let mut sym_terms = Vec::new();
    let mut terms = Vec::new();
    for &(place, e) in &a.points {
        let s = at_step(place);
        let upper = crate::vocab::steps::step_text(s);
        sym_terms.push(format!(
            "\\frac{{\\partial {of}}}{{\\partial {}}} {}",
            at(s),
            prod(&upper, &ratio)
        ));
        terms.push(format!("{} {}", factor(expr(c, e, ts)), prod(&upper, &step_latex)));
    }
    if let (Some((lo, hi)), false) = (g.shape.sum_bounds, a.body.is_empty()) {
        let upper = if hi == 0 { "T".to_string() } else { format!("T{hi}") };
        let from = lo.max(k);
        // Every summand that reads q^{(s)}: ℓ_s, and ℓ_{s+d} for a loss that
        // reads a state at another step too.
        let at_s = ts.at_step(GENERIC_T, "s");
        let direct: Vec<String> = a.body.iter().map(|&(_, e)| expr(c, e, &at_s)).collect();
        let summand = if a.body.iter().all(|&(d, _)| d == 0) {
            format!(
                "\\frac{{\\partial \\ell_{{s}}}}{{\\partial {}}}",
                at_s.symbol(Sym {
                    id: q,
                    step: Some(GENERIC_T)
                })
            )
        } else {
            format!(
                "\\sum_{{d}} \\frac{{\\partial \\ell_{{s+d}}}}{{\\partial {}}}",
                at_s.symbol(Sym {
                    id: q,
                    step: Some(GENERIC_T)
                })
            )
        };
        sym_terms.push(format!(
            "\\sum_{{s={from}}}^{{{upper}}} {summand} {}",
            prod("s", &ratio)
        ));
        terms.push(format!(
            "\\sum_{{s={from}}}^{{{upper}}} {} {}",
            factor(direct.join(" + ")),
            prod("s", &step_latex)
        ));
    }
    vec![
        Line {
            lhs: dl(of, ts, q, k),
            rhs: broken_sum(&sym_terms),
            range: String::new(),
        },
        Line {
            lhs: String::new(),
            rhs: broken_sum(&terms),
            range: String::new(),
        },
    ]
}

/// The view of a general derivation.
pub fn general_view(g: &General, model: &Model) -> GeneralView {
    let ts = Typesetter::new(model).symbolic();
    let of_name = ts.symbol(Sym { id: g.of, step: None });
    let c = &g.components;
    let recurrences: Vec<Vec<Line>> = g
        .shape
        .states
        .iter()
        .map(|&q| recurrence(g, &of_name, &ts, q))
        .collect();
    let mut result = Vec::new();
    let mut result_note = String::new();
    let (derivative, form) = match g.wrt {
        Wrt::State(q) => (dl(&of_name, &ts, q, GENERIC_T), "recurrence"),
        Wrt::StateAt(q, k) => {
            let d = dl(&of_name, &ts, q, k);
            match product_form(g, q) {
                Some(step) => result = product_lines(g, &ts, &of_name, q, k, step),
                None => {
                    result_note = format!(
                        "$\\frac{{\\partial {of_name}}}{{\\partial {}}}$ is the recurrence at $t = {k}$: the states feed each other, so there is no single product.",
                        ts.symbol(Sym { id: q, step: Some(k) })
                    );
                }
            }
            (d, "product")
        }
        Wrt::Param(w) => {
            let wname = ts.symbol(Sym { id: w, step: None });
            let d = format!("\\frac{{\\partial {of_name}}}{{\\partial {wname}}}");
            let parts = g.param.as_ref().expect("a parameter's parts");
            let mut sym_terms = Vec::new();
            let mut terms = Vec::new();
            for &(q, e) in &parts.local {
                let x = ts.symbol(Sym {
                    id: q,
                    step: Some(GENERIC_T),
                });
                sym_terms.push(format!(
                    "\\sum_{{t=1}}^{{T}} {} \\frac{{\\partial {x}}}{{\\partial {wname}}}",
                    dl(&of_name, &ts, q, GENERIC_T)
                ));
                terms.push(format!(
                    "\\sum_{{t=1}}^{{T}} {} \\cdot {}",
                    dl(&of_name, &ts, q, GENERIC_T),
                    factor(expr(c, e, &ts))
                ));
            }
            if let (Some(e), Some((lo, hi))) = (parts.body, g.shape.sum_bounds) {
                let upper = if hi == 0 { "T".to_string() } else { format!("T{hi}") };
                sym_terms.push(format!(
                    "\\sum_{{t={lo}}}^{{{upper}}} \\frac{{\\partial \\ell_{{t}}}}{{\\partial {wname}}}"
                ));
                terms.push(format!("\\sum_{{t={lo}}}^{{{upper}}} {}", factor(expr(c, e, &ts))));
            }
            if let Some(e) = parts.rest {
                sym_terms.push(expr(c, e, &ts));
                terms.push(expr(c, e, &ts));
            }
            if terms.is_empty() {
                terms.push("0".into());
                sym_terms.push("0".into());
            }
            result.push(Line {
                lhs: d.clone(),
                rhs: broken_sum(&sym_terms),
                range: String::new(),
            });
            result.push(Line {
                lhs: String::new(),
                rhs: broken_sum(&terms),
                range: String::new(),
            });
            (d, "sum")
        }
    };
    let failed = g.instances.iter().filter(|i| !i.verified).count();
    let summand = matches!(g.wrt, Wrt::StateAt(..) | Wrt::Param(_)) && g.shape.sum_bounds.is_some();
    GeneralView {
        derivative,
        of: of_name.clone(),
        summand,
        opaque: model
            .ids()
            .any(|id| matches!(model.symbol(id).kind, crate::model::SymKind::Opaque)),
        of_text: model.symbol(g.of).name.clone(),
        wrt_text: crate::general::wrt_text(model, g.wrt),
        form,
        recurrences,
        result,
        result_note,
        check: GeneralCheck {
            status: if g.verified { "verified" } else { "failed" },
            instances: g.instances.len(),
            failed,
            horizons: format!(
                "{}, \\ldots, {}",
                crate::general::CHECKED_HORIZONS.start(),
                crate::general::CHECKED_HORIZONS.end()
            ),
        },
    }
}

#[derive(Serialize)]
pub(crate) struct JsonInstance {
    #[serde(rename = "T")]
    horizon: i64,
    t: Option<i64>,
    status: &'static str,
}

#[derive(Serialize)]
struct JsonGeneral<'a> {
    of: &'a str,
    wrt: &'a str,
    general: bool,
    form: &'static str,
    recurrences: &'a [Vec<Line>],
    result: &'a [Line],
    check: JsonCheck,
}

#[derive(Serialize)]
struct JsonCheck {
    status: &'static str,
    instances: Vec<JsonInstance>,
}

/// JSON: the recurrences and the result as LaTeX lines, and
/// `check.instances` with each `(T, t, status)` checked.
pub fn general_json(g: &General, model: &Model) -> String {
    let v = general_view(g, model);
    let doc = JsonGeneral {
        of: &v.of_text,
        wrt: &v.wrt_text,
        general: true,
        form: v.form,
        recurrences: &v.recurrences,
        result: &v.result,
        check: JsonCheck {
            status: v.check.status,
            instances: json_instances(&g.instances),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// `check.instances`: each (T, t, status) of a check by instantiation.
pub(crate) fn json_instances(instances: &[crate::general::Instance1]) -> Vec<JsonInstance> {
    instances
        .iter()
        .map(|i| JsonInstance {
            horizon: i.horizon,
            t: i.step,
            status: if i.verified { "verified" } else { "failed" },
        })
        .collect()
}
