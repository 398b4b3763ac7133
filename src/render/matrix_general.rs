//! `derive --general` on a vector model ([`crate::matrix_general`]): the
//! adjoint recurrences and the gradient at a general step, in matrix
//! form, as Markdown, LaTeX, a document or JSON. The JSON has the fields
//! of the scalar general derivation (`recurrences`, `result`,
//! `check.instances`).

use crate::matrix_general::{GeneralWrt, MatrixGeneral, Range};
use crate::model::Model;
use crate::notation::tensor::{adjoint_latex, nabla, named_at};
use crate::render::general::{json_instances, JsonInstance, Line};
use crate::render::matrix::{broken, forward_lines};
use serde::Serialize;

/// What the general matrix templates print.
#[derive(Serialize)]
pub struct MatrixGeneralView {
    /// `\nabla_{\boldsymbol{W}} L` or `\nabla_{\boldsymbol{h}^{(t)}} L`.
    pub derivative: String,
    pub forward: Vec<String>,
    /// Softmax outputs folded with cross-entropy, one sentence each.
    pub softmax_ce: Vec<String>,
    /// One block per quantity, from the loss down.
    pub recurrences: Vec<Vec<Line>>,
    /// `∇_W L = Σ_t …` (empty for a state).
    pub result: Vec<Line>,
    pub verified: bool,
    pub check: String,
}

/// `T`, `T-1`, `t`, `0`: where a formula's left side is.
fn step_of(g: &MatrixGeneral, r: Range) -> Option<String> {
    match r {
        Range::Steps { .. } => Some(g.var.clone()),
        Range::End(0) => Some(g.horizon.clone()),
        Range::End(d) => Some(format!("{}-{d}", g.horizon)),
        Range::Fixed(k) => Some(k.to_string()),
        Range::Plain => None,
    }
}

/// `1 \le t \le T - 1`.
fn range_latex(g: &MatrixGeneral, r: Range) -> String {
    match r {
        Range::Steps { lo, off } => {
            let hi = match off {
                0 => g.horizon.clone(),
                d => format!("{} - {d}", g.horizon),
            };
            format!("{lo} \\le {} \\le {hi}", g.var)
        }
        _ => String::new(),
    }
}

fn of_latex(model: &Model, g: &MatrixGeneral) -> String {
    named_at(model, &g.of, None)
}

fn derivative(model: &Model, g: &MatrixGeneral) -> String {
    let of = of_latex(model, g);
    match &g.wrt {
        GeneralWrt::Param(w) => nabla(&named_at(model, w, None), &of),
        GeneralWrt::State(h) => nabla(&named_at(model, h, Some(&g.var)), &of),
    }
}

pub fn view(g: &MatrixGeneral, model: &Model) -> MatrixGeneralView {
    let of = of_latex(model, g);
    let mut recurrences: Vec<Vec<Line>> = Vec::new();
    let mut last: Option<&str> = None;
    for f in &g.adjoints {
        let line = Line {
            lhs: nabla(&named_at(model, &f.name, step_of(g, f.range).as_deref()), &of),
            rhs: broken(&adjoint_latex(model, &f.formula, &of)),
            range: range_latex(g, f.range),
        };
        match recurrences.last_mut() {
            Some(block) if last == Some(f.name.as_str()) => block.push(line),
            _ => recurrences.push(vec![line]),
        }
        last = Some(&f.name);
    }
    let derivative = derivative(model, g);
    let result = g
        .gradient
        .iter()
        .map(|e| Line {
            lhs: derivative.clone(),
            rhs: broken(&adjoint_latex(model, e, &of)),
            range: String::new(),
        })
        .collect();
    let softmax_ce = g
        .softmax_ce
        .iter()
        .map(|(yhat, y)| {
            let yhat = named_at(model, yhat, Some(&g.var));
            let y = named_at(model, y, Some(&g.var));
            format!(
                "At every step, ${yhat}$ is a softmax under cross-entropy, so the adjoint of its argument is ${yhat} - {y}$: \
                 $\\left(\\operatorname{{diag}}({yhat}) - {yhat} {{{yhat}}}^{{\\top}}\\right)\\left(-{y} \\oslash {yhat}\\right) = {yhat} - {y}$ \
                 when the entries of ${y}$ sum to 1 (one-hot or probability targets: the data given satisfy it, and the check draws targets that do)."
            )
        })
        .collect();
    MatrixGeneralView {
        derivative,
        forward: forward_lines(model, &g.forward),
        softmax_ce,
        recurrences,
        result,
        verified: g.verified,
        check: check_text(g, model),
    }
}

fn check_text(g: &MatrixGeneral, model: &Model) -> String {
    let horizons = crate::general::CHECKED_HORIZONS;
    let (first, last) = (horizons.start(), horizons.end());
    let targets: Vec<String> = g
        .softmax_ce
        .iter()
        .map(|(_, y)| format!("${}$", named_at(model, y, Some(&g.var))))
        .collect();
    let drawn = if targets.is_empty() {
        String::new()
    } else {
        format!(" ({} drawn with entries summing to 1)", targets.join(" and "))
    };
    let gradient = match &g.wrt {
        GeneralWrt::Param(_) => format!(
            "; each entry of ${}$ also agrees with a certified central difference",
            derivative(model, g)
        ),
        GeneralWrt::State(_) => String::new(),
    };
    let failed: Vec<String> = g
        .instances
        .iter()
        .filter(|i| !i.verified)
        .map(|i| match i.step {
            Some(t) => format!("$T = {}, {} = {t}$", i.horizon, g.var),
            None => format!("$T = {}$ (the gradient)", i.horizon),
        })
        .collect();
    let except = if failed.is_empty() {
        String::new()
    } else {
        format!(" Disagreements at {}.", failed.join(", "))
    };
    format!(
        "Instantiated at $T = {first}, \\ldots, {last}$ and every step ({} instances), with parameters, inputs and targets drawn at random with seed {}{drawn}, \
         each formula above, written out at its steps and evaluated by the exact evaluator, agrees entry by entry with reverse-mode AD on the unrolled network{gradient}.{except}",
        g.instances.len(),
        g.seed
    )
}

#[derive(Serialize)]
struct JsonCheck {
    status: &'static str,
    seed: u64,
    instances: Vec<JsonInstance>,
}

#[derive(Serialize)]
struct JsonMatrixGeneral<'a> {
    of: &'a str,
    wrt: String,
    general: bool,
    form: &'static str,
    shape: [usize; 2],
    recurrences: &'a [Vec<Line>],
    result: &'a [Line],
    check: JsonCheck,
}

/// JSON with the fields of a scalar general derivation, `form: "matrix"`.
pub fn json(g: &MatrixGeneral, model: &Model) -> String {
    let v = view(g, model);
    let wrt = match &g.wrt {
        GeneralWrt::Param(w) => w.clone(),
        GeneralWrt::State(h) => format!("{h}[{}]", g.var),
    };
    let doc = JsonMatrixGeneral {
        of: &g.of,
        wrt,
        general: true,
        form: "matrix",
        shape: [g.shape.rows, g.shape.cols],
        recurrences: &v.recurrences,
        result: &v.result,
        check: JsonCheck {
            status: if g.verified { "verified" } else { "failed" },
            seed: g.seed,
            instances: json_instances(&g.instances),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
