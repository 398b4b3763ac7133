//! `derive --wrt W` for a vector or matrix `W`: the matrix-form derivation
//! ([`crate::matrix`]) as Markdown, LaTeX, a document or JSON.

use crate::eval::Value;
use crate::matrix::MatrixDerivation;
use crate::model::Model;
use crate::notation::latex::latex_rational;
use crate::notation::numbers::show_decimal;
use crate::notation::tensor::{adjoint_latex, nabla, named_at, step_text, tensor_latex};
use crate::render::table::{bmatrix, json_decimal, json_exact, nested_json};
use crate::shape::Shape;
use crate::syntax::ast::{Lhs, StmtKind};
use serde::Serialize;

/// One line `lhs = formula ≈ value`.
#[derive(Serialize)]
pub struct Line {
    pub lhs: String,
    pub formula: String,
    /// `= [exact]` or `\approx [decimals]`.
    pub value: String,
}

/// What the matrix templates print.
#[derive(Serialize)]
pub struct MatrixView {
    /// `\nabla_{\boldsymbol{W}} L`.
    pub derivative: String,
    pub forward: Vec<String>,
    pub adjoints: Vec<Line>,
    /// Softmax outputs folded with cross-entropy, one sentence each.
    pub softmax_ce: Vec<String>,
    pub gradient: Line,
    pub verified: bool,
    pub check: String,
}

/// `= exact` when every entry is rational, else `\approx decimals`.
fn value_latex(shape: Shape, vals: &[Value], digits: u32) -> String {
    let exact: Option<Vec<String>> = vals.iter().map(|v| v.exact().map(latex_rational)).collect();
    let one = |cells: Vec<String>| {
        if shape.is_scalar() {
            cells.into_iter().next().unwrap_or_default()
        } else {
            bmatrix(shape, &cells)
        }
    };
    match exact {
        Some(e) => format!("= {}", one(e)),
        None => format!(
            "\\approx {}",
            one(vals.iter().map(|v| show_decimal(v, digits).latex).collect())
        ),
    }
}

fn of_latex(model: &Model, d: &MatrixDerivation) -> String {
    named_at(model, &d.of.0, d.of.1.map(|k| k.to_string()).as_deref())
}

/// The model's equations as aligned lines `lhs &= rhs`.
pub(crate) fn forward_lines(model: &Model, stmts: &[crate::syntax::ast::Stmt]) -> Vec<String> {
    stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Equation(Lhs::Plain(id), rhs) => Some(format!(
                "{} &= {}",
                named_at(model, &id.name, None),
                tensor_latex(model, rhs)
            )),
            StmtKind::Equation(Lhs::Indexed(id, k), rhs) => Some(format!(
                "{} &= {}",
                named_at(model, &id.name, Some(&step_text(k))),
                tensor_latex(model, rhs)
            )),
            _ => None,
        })
        .collect()
}

pub fn view(d: &MatrixDerivation, model: &Model, digits: u32) -> MatrixView {
    let of = of_latex(model, d);
    let forward = forward_lines(model, &d.forward);
    let adjoints = d
        .adjoints
        .iter()
        .map(|a| Line {
            lhs: nabla(&named_at(model, &a.at.0, a.at.1.map(|k| k.to_string()).as_deref()), &of),
            formula: broken(&adjoint_latex(model, &a.formula, &of)),
            value: value_latex(a.shape, &a.values, digits),
        })
        .collect();
    let softmax_ce = softmax_sentences(d, model);
    let wrt = latex_at(model, &d.wrt_at);
    let derivative = nabla(&wrt, &of);
    let gradient = Line {
        lhs: derivative.clone(),
        formula: broken(&adjoint_latex(model, &d.gradient, &of)),
        value: value_latex(d.shape, &d.values, digits),
    };
    let entries = d.shape.len();
    let adjoint_entries: usize = d.adjoints.iter().map(|a| a.shape.len()).sum();
    let random = match &d.random {
        Some((seed, vals)) => format!(
            " Leaves without values were given seeded random values (seed {seed}): {}.",
            vals.iter()
                .map(|(n, q)| format!("{n} = {q}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    let differenced = if d.difference.len() == entries {
        format!("each entry of ${derivative}$ also agrees with a certified central difference")
    } else {
        format!(
            "{} entries of ${derivative}$, drawn with seed {}, also agree with certified central differences",
            d.difference.len(),
            d.seed
        )
    };
    let check = if d.verified() {
        format!(
            "Each of the {adjoint_entries} adjoint entries and the {entries} entries of ${derivative}$, evaluated from these formulas by the exact evaluator, agrees with reverse-mode AD over the scalar graph; {differenced}.{random}"
        )
    } else {
        format!("Disagreements: {}.{random}", d.mismatches.join("; "))
    };
    MatrixView {
        derivative,
        forward,
        adjoints,
        softmax_ce,
        gradient,
        verified: d.verified(),
        check,
    }
}

#[derive(Serialize)]
struct JsonTensor {
    name: String,
    latex: String,
    value: serde_json::Value,
    exact: serde_json::Value,
}

#[derive(Serialize)]
struct JsonCheck {
    status: &'static str,
    entries: usize,
    mismatches: Vec<String>,
}

#[derive(Serialize)]
struct JsonMatrix {
    of: String,
    wrt: String,
    shape: Vec<usize>,
    form: &'static str,
    adjoints: Vec<JsonTensor>,
    total: JsonTensor,
    check: JsonCheck,
}

fn json_tensor(name: String, latex: String, shape: Shape, vals: &[Value], digits: u32) -> JsonTensor {
    let value = vals.iter().map(|v| json_decimal(v, digits).into()).collect();
    let exact = vals.iter().map(|v| json_exact(v).into()).collect();
    if shape.is_scalar() {
        return JsonTensor {
            name,
            latex,
            value: json_decimal(&vals[0], digits).into(),
            exact: json_exact(&vals[0]).into(),
        };
    }
    JsonTensor {
        name,
        latex,
        value: nested_json(shape, value),
        exact: nested_json(shape, exact),
    }
}

/// JSON: LANGUAGE.md's derive fields, with `total.value`/`exact` nested
/// lists of the gradient's shape, and every adjoint.
pub fn json(d: &MatrixDerivation, model: &Model) -> String {
    const DIGITS: u32 = crate::query::CERTIFIED_DIGITS;
    let of = of_latex(model, d);
    let label = |at: &crate::matrix::At| match at.1 {
        Some(k) => crate::vocab::at_step(&at.0, k),
        None => at.0.clone(),
    };
    let adjoints = d
        .adjoints
        .iter()
        .map(|a| {
            json_tensor(
                label(&a.at),
                adjoint_latex(model, &a.formula, &of),
                a.shape,
                &a.values,
                DIGITS,
            )
        })
        .collect();
    let report = JsonMatrix {
        of: label(&d.of),
        wrt: d.wrt.clone(),
        shape: vec![d.shape.rows, d.shape.cols],
        form: "matrix",
        adjoints,
        total: json_tensor(
            d.wrt.clone(),
            adjoint_latex(model, &d.gradient, &of),
            d.shape,
            &d.values,
            DIGITS,
        ),
        check: JsonCheck {
            status: if d.verified() { "verified" } else { "failed" },
            entries: d.shape.len(),
            mismatches: d.mismatches.clone(),
        },
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// One sentence per softmax output folded with cross-entropy, written at a
/// general step when it holds at several.
fn softmax_sentences(d: &MatrixDerivation, model: &Model) -> Vec<String> {
    use std::collections::BTreeMap;
    let mut by_name: BTreeMap<&str, Vec<(Option<i64>, &crate::syntax::ast::Expr)>> = BTreeMap::new();
    for (at, y) in &d.softmax_ce {
        by_name.entry(at.0.as_str()).or_default().push((at.1, y));
    }
    by_name
        .into_iter()
        .map(|(name, uses)| {
            let (step, y, when) = match (uses.as_slice(), &uses[0].1.kind) {
                ([(Some(_), _), _, ..], crate::syntax::ast::ExprKind::Index(yid, _)) => {
                    let steps: Vec<String> = uses.iter().filter_map(|(k, _)| k.map(|k| k.to_string())).collect();
                    (
                        Some("t".to_string()),
                        named_at(model, &yid.name, Some("t")),
                        format!("For $t = {}$, ", steps.join(", ")),
                    )
                }
                _ => (uses[0].0.map(|k| k.to_string()), tensor_latex(model, uses[0].1), String::new()),
            };
            let yhat = named_at(model, name, step.as_deref());
            let when = if when.is_empty() { String::new() } else { when };
            format!(
                "{when}${yhat}$ is a softmax under cross-entropy, so the adjoint of its argument is ${yhat} - {y}$: \
                 $\\left(\\operatorname{{diag}}({yhat}) - {yhat} {{{yhat}}}^{{\\top}}\\right)\\left(-{y} \\oslash {yhat}\\right) = {yhat} - {y}$ \
                 because the entries of ${y}$ sum to 1 (they do here)."
            )
        })
        .collect()
}

/// Characters of LaTeX source per line before a long sum is broken.
const LINE: usize = 150;

/// A long sum broken before its top-level `+`/`-` onto aligned lines
/// (`\\ &\qquad + …`), so that no term runs off the page.
pub(crate) fn broken(latex: &str) -> String {
    let bytes = latex.as_bytes();
    let mut depth = 0i32;
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if latex[i..].starts_with("\\left") {
            depth += 1;
            i += 5;
            continue;
        }
        if latex[i..].starts_with("\\right") {
            depth -= 1;
            i += 6;
            continue;
        }
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b' ' if depth == 0 && (latex[i..].starts_with(" + ") || latex[i..].starts_with(" - ")) => cuts.push(i),
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    let (mut start, mut line_start) = (0, 0);
    for &c in &cuts {
        if c - line_start > LINE {
            out.push_str(&latex[start..c]);
            out.push_str(" \\\\\n&\\qquad");
            start = c;
            line_start = c;
        }
    }
    out.push_str(&latex[start..]);
    out
}

/// `h[2]`, `W`: a node of the tensor-level graph as the model writes it.
fn plain_at(at: &crate::matrix::At) -> String {
    match at.1 {
        Some(k) => crate::vocab::at_step(&at.0, k),
        None => at.0.clone(),
    }
}

fn latex_at(model: &Model, at: &crate::matrix::At) -> String {
    named_at(model, &at.0, at.1.map(|k| k.to_string()).as_deref())
}

/// How `paths --wrt W` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathsLayout {
    Text,
    Json,
    /// Markdown with `$…$` math (LaTeX output uses the same lines).
    Markdown,
}

/// The paths among named quantities: a text list, Markdown or JSON.
pub fn paths_output(p: &crate::matrix::TensorPaths, model: &Model, layout: PathsLayout) -> String {
    let noun = |n: &num_bigint::BigUint| if *n == 1u32.into() { "path" } else { "paths" };
    let shown = if p.truncated() {
        format!("; the first {} are listed", p.listed.len())
    } else {
        String::new()
    };
    let entry = match model.tensors.get(&p.wrt).map(|d| d.shape) {
        Some(s) if s.cols > 1 => format!("{}[1,1]", p.wrt),
        _ => format!("{}[1]", p.wrt),
    };
    let why = format!(
        "counted in the graph of named quantities, as the course draws it; \
         `--wrt '{entry}'` gives the paths of one entry through scalar operations"
    );
    match layout {
        PathsLayout::Json => {
            let v = serde_json::json!({
                "path_count": p.count.to_string(),
                "paths": p.listed.iter().map(|path| path.iter().map(plain_at).collect::<Vec<_>>()).collect::<Vec<_>>(),
                "truncated": p.truncated(),
                "level": "tensor",
            });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        PathsLayout::Text => {
            let mut out = format!(
                "{} {} from {} to {} ({why}){shown}\n",
                p.count,
                noun(&p.count),
                p.wrt,
                plain_at(&p.of)
            );
            for (k, path) in p.listed.iter().enumerate() {
                let names: Vec<String> = path.iter().map(plain_at).collect();
                out.push_str(&format!("{:>4}. {}\n", k + 1, names.join(" → ")));
            }
            out
        }
        PathsLayout::Markdown => {
            let wrt = named_at(model, &p.wrt, None);
            let of = latex_at(model, &p.of);
            let mut out = format!(
                "There {} {} {} from ${wrt}$ to ${of}$ ({why}){shown}.\n\n",
                if p.count == 1u32.into() { "is" } else { "are" },
                p.count,
                noun(&p.count)
            );
            for (k, path) in p.listed.iter().enumerate() {
                let names: Vec<String> = path.iter().map(|a| latex_at(model, a)).collect();
                out.push_str(&format!("{}. ${}$\n", k + 1, names.join(" \\to ")));
            }
            out
        }
    }
}
