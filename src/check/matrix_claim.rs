//! Claims about whole vectors and matrices (LANGUAGE.md §4): a line such
//! as `\nabla_{\mathbf{W}} L = \begin{bmatrix} … \end{bmatrix}` is judged
//! entry by entry. A side is read when it is a `bmatrix`/`pmatrix` of
//! numbers, a gradient `\nabla_{X} L` of a vector or matrix `X` (a
//! parameter, or a quantity at a step), or such a name itself, each
//! optionally transposed (`^\top`, `^T`). A wrong claim names the wrong
//! entries, and says so when the matrix is the transpose of the right one
//! or the gradient one step off.

use super::tensor_formula::{self as tf, Formula, Leaf, Tensor};
use crate::calculus::numeric::gradient_ad;
use crate::eval::{evaluate, Bindings, EvalOptions, Value};
use crate::graph::{NodeId, Unroller};
use crate::model::Model;
use crate::notation::names::default_latex;
use crate::number::Q;
use crate::shape::Shape;

/// One judged pair of sides.
pub struct MatrixVerdict {
    /// Byte range of the right side within the line.
    pub start: usize,
    pub end: usize,
    /// Byte offset of the left side within the line.
    pub from: usize,
    pub verdict: super::Verdict,
    pub expected: String,
    pub got: String,
    pub note: String,
}

/// What one side of a claim is.
#[derive(Clone, Debug)]
pub(super) enum Side {
    /// Numbers written out, with the decimal places of each.
    Literal(Shape, Vec<(Q, Option<usize>)>),
    /// `∇_{X} L`: the quantity `of`, the tensor `x` at `step`.
    Nabla {
        of: String,
        x: String,
        step: Option<i64>,
        transposed: bool,
    },
    /// The value of a tensor at a step.
    Named {
        x: String,
        step: Option<i64>,
        transposed: bool,
    },
    /// A formula in the model's vectors and matrices (`tensor_formula`).
    Formula(Formula),
}

/// The sides of `text` split at top-level `=` and `\approx`, with offsets.
pub(super) fn sides(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    while i < bytes.len() {
        // Only ASCII marks split or nest; the bytes inside a wider character
        // are stepped over (fuzz find: `§` in a formula sliced mid-character).
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("\\begin{") {
            depth += 1;
        } else if rest.starts_with("\\end{") {
            depth -= 1;
        }
        match bytes[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth -= 1,
            b'=' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            b'\\' if depth == 0 && rest.starts_with("\\approx") => {
                out.push((start, i));
                start = i + "\\approx".len();
                i = start;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, text.len()));
    out
}

/// Removes `\mathbf{…}`, `\boldsymbol{…}`, `\bm{…}` wrappers and spaces.
fn unbold(s: &str) -> String {
    let mut t = s.replace(' ', "");
    for w in ["\\mathbf", "\\boldsymbol", "\\bm", "\\vec"] {
        while let Some(at) = t.find(&format!("{w}{{")) {
            let open = at + w.len();
            let Some(close) = matching(&t, open) else { break };
            t = format!("{}{}{}", &t[..at], &t[open + 1..close], &t[close + 1..]);
        }
    }
    t
}

/// The index of the `}` matching the `{` at `open`.
fn matching(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A transpose written at the end: `^\top`, `^{\top}`, `^T`, `^{T}`, `'`.
fn strip_transpose(s: &str) -> (String, bool) {
    for t in ["^{\\top}", "^\\top", "^{T}", "^T", "^{\\intercal}", "'"] {
        if let Some(rest) = s.strip_suffix(t) {
            return (rest.to_string(), true);
        }
    }
    (s.to_string(), false)
}

/// A vector or matrix name of the model at a step, as typeset: `h^{(3)}`,
/// `\hat{y}^{(2)}`, `W`, `W_{f}`, `h_{3}` (subscript time style).
fn tensor_name(model: &Model, s: &str) -> Option<(String, Option<i64>)> {
    let s = match s.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
        Some(inner) if matching(s, 0) == Some(s.len() - 1) => inner,
        _ => s,
    };
    let (base, step) = match s.rfind("^{(") {
        Some(at) if s.ends_with(")}") => (&s[..at], fixed_step(model, &s[at + 3..s.len() - 2])),
        _ => (s, None),
    };
    let base = match base.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
        Some(inner) if matching(base, 0) == Some(base.len() - 1) => inner,
        _ => base,
    };
    for (name, decl) in &model.tensors.decls {
        let plain = unbold(&default_latex(name));
        let shown = model.tensors.shows.get(name).map(|x| unbold(x));
        // A name of several letters is typeset upright (`\mathrm{ctx}`);
        // by hand it is often bold alone (`\mathbf{ctx}`): the letters decide.
        let upright = |s: &str| {
            s.strip_prefix("\\mathrm{")
                .or_else(|| s.strip_prefix("\\text{"))
                .or_else(|| s.strip_prefix("\\operatorname{"))
                .and_then(|r| r.strip_suffix('}'))
                .map(str::to_string)
                .unwrap_or_else(|| s.to_string())
        };
        if base == plain || shown.as_deref() == Some(base) || (name.len() > 1 && upright(base) == *name) {
            return Some((name.clone(), step.filter(|_| decl.role.stepped())));
        }
        // Subscript time style: `h_{3}`.
        if decl.role.stepped() && step.is_none() {
            if let Some(k) = base
                .strip_prefix(&format!("{plain}_{{"))
                .and_then(|r| r.strip_suffix('}'))
            {
                if let Some(k) = fixed_step(model, k) {
                    return Some((name.clone(), Some(k)));
                }
            }
        }
    }
    None
}

/// A step written as a number, or in `T` (the model's horizon): `3`, `T - 1`.
fn fixed_step(model: &Model, s: &str) -> Option<i64> {
    match tf::step_of(s, None, super::general_step::horizon(model))? {
        tf::StepE::At(k) => Some(k),
        tf::StepE::Var(_) => None,
    }
}

/// A number as written: `-0.1808`, `\frac{1}{2}`, `-\frac{1}{3}`, `3`.
fn number(cell: &str) -> Option<(Q, Option<usize>)> {
    let c = cell.replace(' ', "");
    let (neg, body) = match c.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, c.clone()),
    };
    let short = body
        .strip_prefix("\\frac")
        .or_else(|| body.strip_prefix("\\tfrac"))
        .filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()));
    let (q, places) = if let Some(r) = short {
        // `\frac14`: one digit each.
        let num: Q = r[..1].parse().ok()?;
        let den: Q = r[1..].parse().ok()?;
        (num.checked_div(&den)?, None)
    } else if let Some(r) = body.strip_prefix("\\frac{").or_else(|| body.strip_prefix("\\tfrac{")) {
        let close = r.find('}')?;
        let num: Q = r[..close].parse().ok()?;
        let den: Q = r[close + 1..].strip_prefix('{')?.strip_suffix('}')?.parse().ok()?;
        (num.checked_div(&den)?, None)
    } else {
        let q: Q = body.parse().ok()?;
        (q, body.split_once('.').map(|(_, f)| f.len()))
    };
    Some((if neg { -q } else { q }, places))
}

/// `\begin{bmatrix} a & b \\ c & d \end{bmatrix}` of numbers.
fn literal(s: &str) -> Option<Side> {
    let s = s.trim();
    let env = ["bmatrix", "pmatrix", "Bmatrix", "vmatrix"]
        .into_iter()
        .find(|e| s.starts_with(&format!("\\begin{{{e}}}")))?;
    let inner = s
        .strip_prefix(&format!("\\begin{{{env}}}"))?
        .strip_suffix(&format!("\\end{{{env}}}"))?;
    let rows: Vec<&str> = inner.split("\\\\").map(str::trim).filter(|r| !r.is_empty()).collect();
    let cells: Vec<Vec<(Q, Option<usize>)>> = rows
        .iter()
        .map(|r| r.split('&').map(number).collect::<Option<Vec<_>>>())
        .collect::<Option<_>>()?;
    let cols = cells.first()?.len();
    if cols == 0 || cells.iter().any(|r| r.len() != cols) {
        return None;
    }
    let shape = Shape {
        rows: cells.len(),
        cols,
    };
    Some(Side::Literal(shape, cells.into_iter().flatten().collect()))
}

/// A side without the alignment marks around it (`&`, a line break `\\`).
pub(super) fn bare(s: &str) -> &str {
    let mut t = s.trim();
    loop {
        let before = t.len();
        t = t.trim_start_matches('&').trim_end_matches('&').trim();
        if let Some(x) = t.strip_suffix("\\\\") {
            t = x.trim();
        }
        if t.len() == before {
            return t;
        }
    }
}

fn read_side(model: &Model, s: &str) -> Option<Side> {
    let s = bare(s);
    if let Some(side) = literal(s) {
        return Some(side);
    }
    if let Some(side) = read_named(model, s) {
        return Some(side);
    }
    let f = formula(model, s)?;
    // A lone name: a scalar quantity (`L`), or a name read the formula's way.
    if let Formula::Leaf(l) = &f {
        let step = match l.step {
            Some(tf::StepE::At(k)) => Some(k),
            Some(tf::StepE::Var(_)) => return None,
            None => None,
        };
        if let Some(side) = leaf_side(model, l, step) {
            return Some(side);
        }
    }
    Some(Side::Formula(f))
}

/// Is `text` one vector or matrix formula and nothing else (`$\mathbf{h}^{(1)}$`
/// in prose)? A mention, not a claim.
pub fn is_mention(model: &Model, text: &str) -> bool {
    !model.tensors.is_empty()
        && sides(text).len() == 1
        && matches!(
            read_side(model, text),
            Some(Side::Named { .. } | Side::Nabla { .. } | Side::Formula(_))
        )
}

/// Does a side name a vector or matrix of the model (a literal matrix
/// counts)?
fn names_tensor(model: &Model, side: &Side) -> bool {
    match side {
        Side::Literal(shape, _) => !shape.is_scalar(),
        Side::Named { x, .. } | Side::Nabla { x, .. } => model.tensors.decls.contains_key(x),
        Side::Formula(f) => tf::leaves(f).iter().any(|l| {
            let text = match &l.step {
                Some(tf::StepE::At(k)) => format!("{}^{{({k})}}", l.base),
                _ => l.base.clone(),
            };
            tensor_name(model, &text).is_some()
        }),
    }
}

/// A side read as a formula at fixed steps (`T` is the horizon).
fn formula(model: &Model, s: &str) -> Option<Formula> {
    tf::parse_in(s, None, super::general_step::horizon(model))
}

/// A quantity or parameter of the model that is a number (`L`, `z`), or,
/// `stepped`, a sequence of numbers (`\alpha^{(t)}`).
fn scalar_name(model: &Model, shown: &str, stepped: bool) -> Option<String> {
    use crate::model::SymKind;
    model
        .symbols
        .iter()
        .find(|s| {
            let kind_fits = if stepped {
                matches!(
                    s.kind,
                    SymKind::Sequence(_) | SymKind::Input { .. } | SymKind::Target { .. }
                )
            } else {
                matches!(s.kind, SymKind::Quantity { .. } | SymKind::Param { .. })
            };
            kind_fits
                && !model.tensors.decls.contains_key(&s.name)
                && (unbold(&default_latex(&s.name)) == shown || s.show.as_deref() == Some(shown))
        })
        .map(|s| s.name.clone())
}

/// A name, or the gradient with respect to one, maybe transposed.
fn read_named(model: &Model, s: &str) -> Option<Side> {
    let t = unbold(s);
    // `(\nabla_{W} L)^\top`: brackets around a transposed gradient.
    let (t, outer_t) = strip_transpose(&t);
    let t = t
        .strip_prefix("\\left(")
        .and_then(|x| x.strip_suffix("\\right)"))
        .or_else(|| t.strip_prefix('(').and_then(|x| x.strip_suffix(')')))
        .map(str::to_string)
        .unwrap_or(t);
    // `\frac{\partial L}{\partial W}`: the gradient, laid out as W is.
    if let Some(rest) = t.strip_prefix("\\frac{\\partial") {
        let close = matching(&t, "\\frac".len())?;
        let of = rest[..close - "\\frac{\\partial".len()].to_string();
        let den = t[close + 1..].strip_prefix("{\\partial")?.strip_suffix('}')?;
        let (x, inner_t) = strip_transpose(den);
        let (x, step) = tensor_name(model, &x)?;
        return Some(Side::Nabla {
            of,
            x,
            step,
            transposed: outer_t ^ inner_t,
        });
    }
    if let Some(rest) = t.strip_prefix("\\nabla_") {
        let (x, of) = if rest.starts_with('{') {
            let close = matching(rest, 0)?;
            (&rest[1..close], &rest[close + 1..])
        } else {
            rest.split_at(rest.char_indices().nth(1).map_or(rest.len(), |(i, _)| i))
        };
        let (x, inner_t) = strip_transpose(x);
        let (x, step) = tensor_name(model, &x)?;
        let of = of.trim().to_string();
        return Some(Side::Nabla {
            of,
            x,
            step,
            transposed: outer_t ^ inner_t,
        });
    }
    let (x, step) = tensor_name(model, &t)?;
    Some(Side::Named {
        x,
        step,
        transposed: outer_t,
    })
}

/// The model's name for a plain quantity typeset as `of` (`L`, `J`).
fn quantity(model: &Model, of: &str) -> Option<String> {
    model
        .symbols
        .iter()
        .find(|s| {
            matches!(s.kind, crate::model::SymKind::Quantity { .. })
                && (default_latex(&s.name) == of || s.show.as_deref() == Some(of))
        })
        .map(|s| s.name.clone())
}

/// Values of a model side, entry by entry, and its shape.
fn values(model: &Model, un: &mut Unroller, b: &Bindings, side: &Side, digits: u32) -> Option<(Shape, Vec<Value>)> {
    let entries = |un: &mut Unroller, x: &str, step: Option<i64>| -> Option<(Shape, Vec<NodeId>)> {
        let text = match step {
            Some(k) => format!("{x}[{k}]"),
            None => x.to_string(),
        };
        let e = crate::syntax::parse_expr(&text).ok()?;
        let t = crate::shape::lower_expr(&e, &model.tensors).ok()?;
        let nodes = t
            .entries
            .iter()
            .map(|x| {
                let (r, _) = crate::model::scope::resolve_expr(x, model, Default::default()).ok()?;
                un.expr(&r).ok()
            })
            .collect::<Option<Vec<_>>>()?;
        Some((t.shape, nodes))
    };
    let (shape, vals, transposed) = match side {
        Side::Literal(..) => return None,
        Side::Formula(f) => {
            let t = formula_values(model, un, b, f, None, digits)?;
            (t.shape, t.vals, false)
        }
        Side::Named { x, step, transposed } => {
            let (shape, nodes) = entries(un, x, *step)?;
            let vals = evaluate(un.graph(), &nodes, b, EvalOptions { digits }).ok()?;
            (shape, vals, *transposed)
        }
        Side::Nabla {
            of,
            x,
            step,
            transposed,
        } => {
            let of_name = quantity(model, of)?;
            let e = crate::syntax::parse_expr(&of_name).ok()?;
            let (r, _) = crate::model::scope::resolve_expr(&e, model, Default::default()).ok()?;
            let of_node = un.expr(&r).ok()?;
            let (shape, nodes) = entries(un, x, *step)?;
            let vals = nodes
                .iter()
                .map(|&n| gradient_ad(un.graph(), of_node, n, b, model.relu_active, digits).ok())
                .collect::<Option<Vec<_>>>()?;
            (shape, vals, *transposed)
        }
    };
    Some(if transposed {
        transpose(shape, vals)
    } else {
        (shape, vals)
    })
}

fn transpose<T: Clone>(shape: Shape, vals: Vec<T>) -> (Shape, Vec<T>) {
    tf::transposed(shape, vals)
}

/// The side a leaf of a formula names: a tensor at a step, or a gradient.
pub(super) fn leaf_side(model: &Model, l: &Leaf, step: Option<i64>) -> Option<Side> {
    let text = match step {
        Some(k) => format!("{}^{{({k})}}", l.base),
        None => l.base.clone(),
    };
    let Some((x, found)) = tensor_name(model, &text) else {
        // A number of the model (`L = \mathbf{r}^\top \mathbf{h}^{(2)}`,
        // `\alpha^{(2)}` in a weighted sum).
        if l.nabla_of.is_some() {
            return None;
        }
        return scalar_name(model, &l.base, step.is_some()).map(|x| Side::Named {
            x,
            step,
            transposed: false,
        });
    };
    // A step on a matrix that has none (`W_{12}` is an entry), or none on a
    // sequence: not this leaf.
    let stepped = model.tensors.decls.get(&x).is_some_and(|d| d.role.stepped());
    if found.is_some() != step.is_some() || stepped != step.is_some() {
        return None;
    }
    let step = found;
    Some(match &l.nabla_of {
        Some(of) => Side::Nabla {
            of: of.clone(),
            x,
            step,
            transposed: l.transposed,
        },
        None => Side::Named {
            x,
            step,
            transposed: l.transposed,
        },
    })
}

/// A formula's entries: its names looked up in the model, the rest
/// evaluated with enclosures 64 bits finer than the values compared.
fn formula_values(
    model: &Model,
    un: &mut Unroller,
    b: &Bindings,
    f: &Formula,
    at: Option<i64>,
    digits: u32,
) -> Option<Tensor> {
    let mut lookup = |l: &Leaf, step: Option<i64>| -> Option<Tensor> {
        let side = leaf_side(model, l, step)?;
        let (shape, vals) = values(model, un, b, &side, digits)?;
        Some(Tensor { shape, vals })
    };
    let prec = crate::number::Prec(crate::eval::forward::initial_bits(digits) + 64);
    tf::evaluate(f, at, &mut lookup, prec)
}

/// Digits two enclosures must agree to: 25, fewer when fewer are asked
/// for (`CheckOptions::digits`), never under 6.
fn agreement(digits: u32) -> i64 {
    i64::from(digits.saturating_sub(5).clamp(6, 25))
}

/// Whether two values are the same number: equal when exact, otherwise
/// enclosures that overlap and agree to `places` digits past the larger of 1
/// and the value (`None`: too wide to tell).
fn agree(a: &Value, b: &Value, places: i64) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.exact(), b.exact()) {
        return Some(x == y);
    }
    let (x, y) = (a.interval(), b.interval());
    if x.hi() < y.lo() || y.hi() < x.lo() {
        return Some(false);
    }
    let scale = x.lo().abs().max(x.hi().abs()).max(Q::one());
    let tol = scale * Q::from(10).pow(-places)?;
    (x.width() < tol && y.width() < tol).then_some(true)
}

/// Entries `(i, j)` where a formula's values are not the model's.
fn formula_misses(shape: Shape, want: &[Value], got: &[Value], digits: u32) -> Vec<(usize, usize)> {
    (0..want.len())
        .filter(|&k| agree(&want[k], &got[k], agreement(digits)) != Some(true))
        .map(|k| (k / shape.cols + 1, k % shape.cols + 1))
        .collect()
}

/// `entries 1, 2 differ`, `entry (1,2) differs`.
fn entry_list(shape: Shape, wrong: &[(usize, usize)]) -> String {
    let list: Vec<String> = wrong
        .iter()
        .map(|(i, j)| {
            if shape.cols == 1 {
                format!("{i}")
            } else {
                format!("({i},{j})")
            }
        })
        .collect();
    let noun = if list.len() == 1 { "entry" } else { "entries" };
    let verb = if list.len() == 1 { "differs" } else { "differ" };
    format!("{noun} {} {verb}", list.join(", "))
}

/// Judges a formula against the model's value of the other side.
pub(super) fn judge_formula(
    model: &Model,
    un: &mut Unroller,
    b: &Bindings,
    truth: &Side,
    f: &Formula,
    at: Option<i64>,
    digits: u32,
) -> Option<(super::Verdict, String, String, String)> {
    use super::Verdict;
    let (shape, want) = values(model, un, b, truth, digits)?;
    let mut got = formula_values(model, un, b, f, at, digits)?;
    // `\mathbf{0}` alone: a zero vector of whatever shape it is set against.
    if let (Formula::Fill(_), true) = (f, got.shape.is_scalar()) {
        got = Tensor {
            shape,
            vals: vec![got.vals[0].clone(); shape.len()],
        };
    }
    let shown = |v: &Value| crate::notation::numbers::show_decimal(v, 6).text;
    let expected = text_of(shape, want.iter().map(shown).collect());
    let written = text_of(got.shape, got.vals.iter().map(shown).collect());
    if got.shape != shape {
        let note = format!(
            "this formula is {}, but the other side is {}",
            got.shape.words(),
            shape.words()
        );
        return Some((Verdict::Wrong, expected, written, note));
    }
    let wrong = formula_misses(shape, &want, &got.vals, digits);
    if wrong.is_empty() {
        let how = if want.iter().chain(&got.vals).all(|v| v.exact().is_some()) {
            "exactly".to_string()
        } else {
            format!("to {} digits", agreement(digits))
        };
        let note = if shape.len() == 1 {
            format!("checked at the model's values: the value agrees {how}")
        } else {
            format!(
                "checked entry by entry at the model's values: {} entries agree {how}",
                shape.len()
            )
        };
        return Some((Verdict::Correct, String::new(), String::new(), note));
    }
    let base = entry_list(shape, &wrong);
    if shape.rows == shape.cols && shape.rows > 1 {
        let (_, t) = transpose(shape, got.vals.clone());
        if formula_misses(shape, &want, &t, digits).is_empty() {
            let note = format!("{base}: the formula gives the transpose of the right matrix");
            return Some((Verdict::Wrong, expected, written, note));
        }
    }
    let note = match formula_slip(model, un, b, f, at, shape, &want, digits) {
        Some(why) => format!("{base}: {why}"),
        None => base,
    };
    Some((Verdict::Wrong, expected, written, note))
}

/// The one change to a wrong formula that makes it right, in words: a
/// factor transposed, a step off by one, a sum's range, the sign.
#[allow(clippy::too_many_arguments)]
fn formula_slip(
    model: &Model,
    un: &mut Unroller,
    b: &Bindings,
    f: &Formula,
    at: Option<i64>,
    shape: Shape,
    want: &[Value],
    digits: u32,
) -> Option<String> {
    let right = |g: &Formula, un: &mut Unroller| -> bool {
        formula_values(model, un, b, g, at, digits)
            .is_some_and(|t| t.shape == shape && formula_misses(shape, want, &t.vals, digits).is_empty())
    };
    let mut leaves: Vec<Leaf> = Vec::new();
    for l in tf::leaves(f) {
        if !leaves.contains(l) {
            leaves.push(l.clone());
        }
    }
    let var = tf::sum_var(f).unwrap_or("t");
    for l in &leaves {
        let flipped = Leaf {
            transposed: !l.transposed,
            ..l.clone()
        };
        if right(&tf::replace_leaf(f, l, &flipped), un) {
            return Some(format!(
                "a transposed factor: with ${}$ in place of ${}$ it gives the right value",
                flipped.latex(var),
                l.written
            ));
        }
        for d in [1i64, -1] {
            let Some(moved) = tf::shift(l, d) else { continue };
            if right(&tf::replace_leaf(f, l, &moved), un) {
                return Some(format!(
                    "a step off by one: with ${}$ in place of ${}$ (one step {}) it gives the right value",
                    moved.latex(var),
                    l.written,
                    if d > 0 { "later" } else { "earlier" }
                ));
            }
        }
    }
    if let Formula::Sum { var, from, to, body } = f {
        for (a, z) in [(from + 1, *to), (from - 1, *to), (*from, to + 1), (*from, to - 1)] {
            let g = Formula::Sum {
                var: var.clone(),
                from: a,
                to: z,
                body: body.clone(),
            };
            if a <= z && right(&g, un) {
                return Some(format!(
                    "the sum's range: summed over ${var} = {a}, …, {z}$ it gives the right value"
                ));
            }
        }
    }
    if right(&Formula::Neg(Box::new(f.clone())), un) {
        return Some("every entry has the wrong sign".into());
    }
    None
}

/// How a written number compares with a value: exact, rounded to the
/// places written, or neither.
fn compare(v: &Value, got: &Q, places: Option<usize>) -> Option<bool> {
    let iv = v.interval();
    if let Some(q) = v.exact() {
        if q == got {
            return Some(true);
        }
    }
    let d = places?;
    let half = Q::from_dyadic(1.into(), -1) * Q::from(10).pow(-(d as i64))?;
    let (lo, hi) = (got - &half, got + &half);
    (iv.lo() >= &lo && iv.hi() <= &hi).then_some(false)
}

/// Entries `(i, j)` where the written numbers miss the values.
fn misses(shape: Shape, vals: &[Value], cells: &[(Q, Option<usize>)]) -> Vec<(usize, usize)> {
    (0..vals.len())
        .filter(|&k| compare(&vals[k], &cells[k].0, cells[k].1).is_none())
        .map(|k| (k / shape.cols + 1, k % shape.cols + 1))
        .collect()
}

fn text_of(shape: Shape, cells: Vec<String>) -> String {
    if shape.cols == 1 || shape.rows == 1 {
        return format!("[{}]", cells.join(", "));
    }
    let rows: Vec<String> = cells
        .chunks(shape.cols)
        .map(|r| format!("[{}]", r.join(", ")))
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Judges a line with a matrix in it; `None` when no pair of its sides
/// can be read (the line stays unparsed).
pub fn judge(model: &Model, un: &mut Unroller, b: &Bindings, text: &str, digits: u32) -> Option<Vec<MatrixVerdict>> {
    use super::Verdict;
    if model.tensors.is_empty() {
        return None;
    }
    let parts = sides(text);
    let read: Vec<(usize, usize, Option<Side>)> = parts
        .iter()
        .map(|&(s, e)| (s, e, read_side(model, &text[s..e])))
        .collect();
    // A line with no vector or matrix of the model in it is the scalar
    // reader's (`L \approx 1.5401` on a vector model).
    if !read
        .iter()
        .any(|(_, _, side)| side.as_ref().is_some_and(|x| names_tensor(model, x)))
    {
        // Perhaps a claim for every step t, whose sides read only with t.
        return super::matrix_steps::judge(model, un, b, text, digits);
    }
    let mut out = Vec::new();
    // Each written matrix against the nearest model side before it (a
    // name or gradient; a formula when there is none); each formula
    // against the nearest name or gradient, before it or else after it.
    let mut model_side: Option<(usize, Side)> = None;
    let mut formula_side: Option<(usize, Side)> = None;
    let mut pending: Vec<(usize, usize, Formula)> = Vec::new();
    let judged = |un: &mut Unroller,
                  out: &mut Vec<MatrixVerdict>,
                  (start, end, from): (usize, usize, usize),
                  truth: &Side,
                  f: &Formula| {
        if let Some((verdict, expected, got, note)) = judge_formula(model, un, b, truth, f, None, digits) {
            out.push(MatrixVerdict {
                start,
                end,
                from,
                verdict,
                expected,
                got,
                note,
            });
        }
    };
    for (s, e, side) in read {
        let Some(side) = side else { continue };
        let cells = match &side {
            Side::Literal(shape, cells) => (*shape, cells.clone()),
            Side::Formula(f) => {
                match &model_side {
                    Some((from, truth)) => judged(un, &mut out, (s, e, *from), truth, f),
                    None => pending.push((s, e, f.clone())),
                }
                formula_side = Some((s, side));
                continue;
            }
            // A second name or gradient: judged as a formula against the first.
            Side::Named { .. } | Side::Nabla { .. } if model_side.is_some() => {
                let (from, truth) = model_side.as_ref()?;
                if let Some(f) = formula(model, bare(&text[s..e])) {
                    judged(un, &mut out, (s, e, *from), truth, &f);
                }
                continue;
            }
            _ => {
                for (ps, pe, f) in pending.drain(..) {
                    judged(un, &mut out, (ps, pe, ps), &side, &f);
                }
                model_side = Some((s, side));
                continue;
            }
        };
        let Some((from, ms)) = model_side.as_ref().or(formula_side.as_ref()) else {
            continue;
        };
        let Some((shape, vals)) = values(model, un, b, ms, digits) else {
            continue;
        };
        let shown = |v: &Value| crate::notation::numbers::show_decimal(v, 6).text;
        let expected = text_of(shape, vals.iter().map(shown).collect());
        let got = text_of(cells.0, written_cells(&text[s..e]));
        let (verdict, note) = if cells.0 != shape {
            (
                Verdict::Wrong,
                format!("this is {}, but the left side is {}", cells.0.words(), shape.words()),
            )
        } else {
            let wrong = misses(shape, &vals, &cells.1);
            if wrong.is_empty() {
                let rounded = (0..vals.len()).any(|k| compare(&vals[k], &cells.1[k].0, cells.1[k].1) == Some(false));
                let v = if rounded {
                    Verdict::Approximate
                } else {
                    Verdict::Correct
                };
                let how = if rounded {
                    "each rounds to the model's value at the places written"
                } else {
                    "each exactly the model's value"
                };
                (v, format!("checked entry by entry: {} entries, {how}", shape.len()))
            } else {
                (
                    Verdict::Wrong,
                    explain(model, un, b, ms, shape, &vals, &cells.1, &wrong, digits),
                )
            }
        };
        // A correct claim shows nothing else, as a correct scalar claim.
        let (expected, got) = if verdict == Verdict::Correct {
            (String::new(), String::new())
        } else {
            (expected, got)
        };
        out.push(MatrixVerdict {
            start: s,
            end: e,
            from: *from,
            verdict,
            expected,
            got,
            note,
        });
    }
    if out.is_empty() {
        // Perhaps a claim for every step t.
        return super::matrix_steps::judge(model, un, b, text, digits);
    }
    out.sort_by_key(|v| v.start);
    Some(out)
}

/// Why the entries miss: a transpose, a step off by one, or which ones.
#[allow(clippy::too_many_arguments)]
fn explain(
    model: &Model,
    un: &mut Unroller,
    b: &Bindings,
    side: &Side,
    shape: Shape,
    vals: &[Value],
    cells: &[(Q, Option<usize>)],
    wrong: &[(usize, usize)],
    digits: u32,
) -> String {
    let base = entry_list(shape, wrong);
    if shape.rows == shape.cols && shape.rows > 1 {
        let (_, t) = transpose(shape, vals.to_vec());
        if misses(shape, &t, cells).is_empty() {
            return format!("{base}: the matrix written is the transpose of the right one");
        }
    }
    if let Side::Nabla {
        of,
        x,
        step: Some(k),
        transposed,
    } = side
    {
        for d in [1i64, -1] {
            let other = Side::Nabla {
                of: of.clone(),
                x: x.clone(),
                step: Some(k + d),
                transposed: *transposed,
            };
            if let Some((s, v)) = values(model, un, b, &other, digits) {
                if s == shape && misses(shape, &v, cells).is_empty() {
                    return format!(
                        "{base}: these are the values at step {}, one step {}",
                        k + d,
                        if d > 0 { "later" } else { "earlier" }
                    );
                }
            }
        }
    }
    let negated: Vec<(Q, Option<usize>)> = cells.iter().map(|(q, p)| (-q.clone(), *p)).collect();
    if misses(shape, vals, &negated).is_empty() {
        return format!("{base}: every entry has the wrong sign");
    }
    base
}

/// The cells of a written matrix as written, row by row.
fn written_cells(s: &str) -> Vec<String> {
    let s = s.trim();
    let inner = s.find('}').map_or(s, |at| &s[at + 1..]);
    let inner = inner.rfind("\\end{").map_or(inner, |at| &inner[..at]);
    inner
        .split("\\\\")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .flat_map(|r| r.split('&').map(|c| c.trim().to_string()).collect::<Vec<_>>())
        .collect()
}
