//! `chainrule eval` output: a text table, LaTeX, Markdown or JSON.

use crate::eval::Value;
use crate::model::Model;
use crate::notation::latex::latex_rational;
use crate::notation::latex::latex_symbol_or_expr;
use crate::notation::names::Typesetter;
use crate::notation::numbers::show;
use crate::notation::text::{text_symbol_or_expr, TextNames};
use crate::number::decimal::{interval_to_decimal, q_to_decimal};
use crate::query::{EvalReport, Item, RandomFill, SymbolicReport, SymbolicRow};
use crate::shape::Shape;
use serde::Serialize;

/// The decimal of a value with every certain digit: every digit of an
/// exact decimal, else as many significant digits as are certain (at most
/// `digits`). An enclosure of 0 whose sign is not known is written as the
/// interval it is, `[-2.3e-45, 2.3e-45]`: a number, never a word.
pub fn decimal(v: &Value, digits: u32) -> String {
    match v {
        Value::Exact(q) => q_to_decimal(q, digits as usize).0,
        Value::Approx(iv) => interval_to_decimal(iv, digits as usize).unwrap_or_else(|| {
            let b = crate::notation::numbers::show_bound(&iv.lo().abs().max(iv.hi().abs())).text;
            format!("[-{b}, {b}]")
        }),
    }
}

/// The decimal for JSON: at least `digits` significant digits even when the
/// value is a short exact decimal (trailing zeros are exact).
pub(crate) fn json_decimal(v: &Value, digits: u32) -> String {
    let s = decimal(v, digits);
    match v {
        Value::Exact(q) if !q.is_zero() => pad_significant(&s, digits as usize),
        _ => s,
    }
}

/// Pads a plain decimal with zeros to `n` significant digits.
fn pad_significant(s: &str, n: usize) -> String {
    if s.contains(['e', 'E']) {
        return s.to_string();
    }
    let sig = s
        .trim_start_matches('-')
        .trim_start_matches(['0', '.'])
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if sig >= n {
        return s.to_string();
    }
    let mut out = s.to_string();
    if !out.contains('.') {
        out.push('.');
    }
    out.extend(std::iter::repeat_n('0', n - sig));
    out
}

/// The exact value as `p/q` (or `p`), if rational.
fn exact(v: &Value) -> Option<String> {
    v.exact().map(|q| q.to_string())
}

/// The JSON `exact` field: always `p/q` (LANGUAGE.md), so integers read `-1/1`.
pub fn json_exact(v: &Value) -> Option<String> {
    v.exact().map(|q| format!("{}/{}", q.numer(), q.denom()))
}

/// `s` padded with spaces to `width` characters. Not `{:<width$}`: a
/// width past 65,535 (an exact value of that many digits) panics there.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.chars().count())))
}

/// A text table: quantity, exact value, decimal value.
pub fn text(report: &EvalReport) -> String {
    let mut out = String::new();
    if let Some(RandomFill { seed, values: vals, .. }) = &report.random {
        let list: Vec<String> = vals.iter().map(|(_, label, q)| format!("{label} = {q}")).collect();
        let list = if list.is_empty() {
            "none needed".to_string()
        } else {
            list.join(", ")
        };
        out.push_str(&format!("random values (seed {seed}): {list}\n\n"));
    }
    let rows: Vec<(String, String, String)> = report
        .items()
        .into_iter()
        .map(|item| match item {
            Item::Row(i) => {
                let r = &report.rows[i];
                (
                    r.label.clone(),
                    exact(&r.value).unwrap_or_default(),
                    crate::notation::numbers::show_decimal(&r.value, report.shown).text,
                )
            }
            Item::Group(g) => {
                let group = &report.groups[g];
                let vals: Vec<&Value> = group.rows.iter().map(|&i| &report.rows[i].value).collect();
                let all_exact = vals.iter().all(|v| v.exact().is_some());
                let ex = if all_exact {
                    nested_text(group.shape, &vals, |v| exact(v).unwrap_or_default())
                } else {
                    String::new()
                };
                let dec = nested_text(group.shape, &vals, |v| {
                    crate::notation::numbers::show_decimal(v, report.shown).text
                });
                (group.label.clone(), ex, dec)
            }
        })
        .collect();
    let w0 = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max("quantity".len());
    let w1 = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .max("exact".len());
    out.push_str(&format!("{}  {}  value\n", pad("quantity", w0), pad("exact", w1)));
    for (a, b, c) in rows {
        out.push_str(format!("{}  {}  {c}", pad(&a, w0), pad(&b, w1)).trim_end());
        out.push('\n');
    }
    out
}

/// The value's right-hand side in LaTeX: `= \frac{33}{20} = 1.65`,
/// `= \frac{223}{60} \approx 3.71667` or `\approx 0.993788`.
fn value_latex(v: &Value, digits: u32) -> String {
    let shown = show(v, digits);
    match v {
        Value::Exact(q) if q.is_integer() => format!("= {q}"),
        Value::Exact(q) => {
            let decimal = crate::notation::numbers::show_q_decimal(q, digits);
            format!("= {} {}", latex_rational(q), decimal.latex_relation())
        }
        Value::Approx(_) => shown.latex_relation(),
    }
}

/// An amsmath `align*` block, one line per quantity.
pub fn latex(report: &EvalReport, model: &Model) -> String {
    let ts = Typesetter::new(model);
    let mut out = String::from("\\begin{align*}\n");
    let items = report.items();
    let n = items.len();
    for (i, item) in items.into_iter().enumerate() {
        let sep = if i + 1 < n { " \\\\" } else { "" };
        let (name, rhs) = match item {
            Item::Row(i) => {
                let r = &report.rows[i];
                (row_latex(report, &ts, r), value_latex(&r.value, report.shown))
            }
            Item::Group(g) => {
                let (ex, dec) = group_latex(report, g);
                let rhs = match ex {
                    Some(ex) => format!("= {ex}"),
                    None => format!("\\approx {dec}"),
                };
                (group_name_latex(report, model, g), rhs)
            }
        };
        let (rel, rest) = rhs.split_at(rhs.find(' ').unwrap_or(0));
        out.push_str(&format!("  {} &{}{}{}\n", name, rel, rest, sep));
    }
    out.push_str("\\end{align*}\n");
    if let Some(RandomFill { seed, values: vals, .. }) = &report.random {
        let list: Vec<String> = vals
            .iter()
            .map(|(sym, _, q)| format!("${} = {}$", ts.symbol(*sym), latex_rational(q)))
            .collect();
        out.push_str(&format!("% random values (seed {seed}): {}\n", list.join(", ")));
    }
    out
}

/// A Markdown table with `$…$` math.
pub fn markdown(report: &EvalReport, model: &Model) -> String {
    let ts = Typesetter::new(model);
    let mut out = String::new();
    if let Some(RandomFill { seed, values: vals, .. }) = &report.random {
        let list: Vec<String> = vals
            .iter()
            .map(|(sym, _, q)| format!("${} = {}$", ts.symbol(*sym), latex_rational(q)))
            .collect();
        out.push_str(&format!(
            "Random values (seed {seed}): {}\n\n",
            if list.is_empty() {
                "none needed".into()
            } else {
                list.join(", ")
            }
        ));
    }
    out.push_str("| quantity | exact | value |\n|---|---|---|\n");
    for item in report.items() {
        let r = match item {
            Item::Row(i) => &report.rows[i],
            Item::Group(g) => {
                let (ex, dec) = group_latex(report, g);
                let name = group_name_latex(report, model, g);
                let ex = ex.map(|e| format!("${e}$")).unwrap_or_default();
                out.push_str(&format!("| ${name}$ | {ex} | ${dec}$ |\n"));
                continue;
            }
        };
        let name = format!("${}$", row_latex(report, &ts, r));
        let ex = r
            .value
            .exact()
            .map(|q| format!("${}$", latex_rational(q)))
            .unwrap_or_default();
        out.push_str(&format!(
            "| {name} | {ex} | {} |\n",
            crate::notation::numbers::show_decimal(&r.value, report.shown).latex
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonValue {
    name: String,
    latex: String,
    /// A string, or nested row-major lists of strings for a vector or
    /// matrix (LANGUAGE.md §4).
    value: serde_json::Value,
    exact: serde_json::Value,
}

#[derive(Serialize)]
struct JsonRandom {
    name: String,
    exact: String,
}

#[derive(Serialize)]
struct JsonReport {
    values: Vec<JsonValue>,
    digits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    random_values: Option<Vec<JsonRandom>>,
}

/// JSON with the fields of LANGUAGE.md §3: `values[].name/value/exact`.
pub fn json(report: &EvalReport, model: &Model) -> String {
    let ts = Typesetter::new(model);
    let values = report
        .items()
        .into_iter()
        .map(|item| match item {
            Item::Row(i) => {
                let r = &report.rows[i];
                JsonValue {
                    name: r.label.clone(),
                    latex: row_latex(report, &ts, r),
                    value: json_decimal(&r.value, report.digits).into(),
                    exact: json_exact(&r.value).into(),
                }
            }
            Item::Group(g) => {
                let group = &report.groups[g];
                let vals: Vec<&Value> = group.rows.iter().map(|&i| &report.rows[i].value).collect();
                let exact: Vec<serde_json::Value> = vals.iter().map(|v| json_exact(v).into()).collect();
                let value: Vec<serde_json::Value> =
                    vals.iter().map(|v| json_decimal(v, report.digits).into()).collect();
                JsonValue {
                    name: group.label.clone(),
                    latex: group_name_latex(report, model, g),
                    value: nested_json(group.shape, value),
                    exact: nested_json(group.shape, exact),
                }
            }
        })
        .collect();
    let (seed, random_values) = match &report.random {
        Some(RandomFill { seed, values: vals, .. }) => (
            Some(*seed),
            Some(
                vals.iter()
                    .map(|(_, label, q)| JsonRandom {
                        name: label.clone(),
                        exact: q.to_string(),
                    })
                    .collect(),
            ),
        ),
        None => (None, None),
    };
    let mut s = serde_json::to_string_pretty(&JsonReport {
        values,
        digits: report.digits,
        seed,
        random_values,
    })
    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Entries row by row as text: `[a, b]` for a vector, `[[a, b], [c, d]]`
/// for a matrix.
fn nested_text(shape: Shape, vals: &[&Value], f: impl Fn(&Value) -> String) -> String {
    let cells: Vec<String> = vals.iter().map(|v| f(v)).collect();
    if shape.cols == 1 || shape.rows == 1 {
        return format!("[{}]", cells.join(", "));
    }
    let rows: Vec<String> = cells
        .chunks(shape.cols)
        .map(|r| format!("[{}]", r.join(", ")))
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Entries as JSON: a flat list for a vector, a list of rows for a matrix.
pub(crate) fn nested_json(shape: Shape, cells: Vec<serde_json::Value>) -> serde_json::Value {
    if shape.cols == 1 || shape.rows == 1 {
        return serde_json::Value::Array(cells);
    }
    serde_json::Value::Array(
        cells
            .chunks(shape.cols)
            .map(|r| serde_json::Value::Array(r.to_vec()))
            .collect(),
    )
}

/// A `bmatrix` of LaTeX cells.
pub fn bmatrix(shape: Shape, cells: &[String]) -> String {
    let rows: Vec<String> = cells.chunks(shape.cols.max(1)).map(|r| r.join(" & ")).collect();
    format!("\\begin{{bmatrix}} {} \\end{{bmatrix}}", rows.join(" \\\\ "))
}

/// A group's exact `bmatrix` (when every entry is rational) and its
/// decimal one.
fn group_latex(report: &EvalReport, g: usize) -> (Option<String>, String) {
    let group = &report.groups[g];
    let vals: Vec<&Value> = group.rows.iter().map(|&i| &report.rows[i].value).collect();
    let exact: Option<Vec<String>> = vals.iter().map(|v| v.exact().map(latex_rational)).collect();
    let dec: Vec<String> = vals
        .iter()
        .map(|v| crate::notation::numbers::show_decimal(v, report.shown).latex)
        .collect();
    (exact.map(|e| bmatrix(group.shape, &e)), bmatrix(group.shape, &dec))
}

/// A group's name in LaTeX: `\boldsymbol{h}^{(1)}`, or the `--of`
/// expression typeset.
fn group_name_latex(report: &EvalReport, model: &Model, g: usize) -> String {
    let group = &report.groups[g];
    match &group.name {
        Some((base, step)) => crate::notation::tensor::named_at(model, base, step.map(|k| k.to_string()).as_deref()),
        None => match crate::syntax::parse_expr(&group.label) {
            Ok(e) => crate::notation::tensor::tensor_latex(model, &e),
            Err(_) => format!("\\texttt{{{}}}", group.label),
        },
    }
}

/// A quantity's name in LaTeX: its symbol (`h^{(1)}`), or the `--of`
/// expression typeset.
fn row_latex(report: &EvalReport, ts: &Typesetter, r: &crate::query::Row) -> String {
    match r.sym {
        Some(s) => ts.symbol(s),
        None => latex_symbol_or_expr(&report.graph, r.node, ts),
    }
}

/// A symbolic row's name and closed form in LaTeX.
fn symbolic_latex_parts(report: &SymbolicReport, ts: &Typesetter, r: &SymbolicRow) -> (String, String) {
    let name = match r.sym {
        Some(s) => ts.symbol(s),
        None => latex_symbol_or_expr(&report.graph, r.node, ts),
    };
    (name, latex_symbol_or_expr(&report.graph, r.form, ts))
}

/// `eval --symbolic` as text: `h[4] = x[4] - x[3] + x[2] - x[1]`.
pub fn symbolic_text(report: &SymbolicReport, model: &Model) -> String {
    let names = TextNames::new(model);
    report
        .rows
        .iter()
        .map(|r| format!("{} = {}\n", r.label, text_symbol_or_expr(&report.graph, r.form, &names)))
        .collect()
}

/// `eval --symbolic` as an `align*` block.
pub fn symbolic_latex(report: &SymbolicReport, model: &Model) -> String {
    let ts = Typesetter::new(model);
    let body: Vec<String> = report
        .rows
        .iter()
        .map(|r| {
            let (name, form) = symbolic_latex_parts(report, &ts, r);
            format!("  {name} &= {form}")
        })
        .collect();
    format!("\\begin{{align*}}\n{}\n\\end{{align*}}\n", body.join(" \\\\\n"))
}

/// `eval --symbolic` as Markdown display math, one line per quantity.
pub fn symbolic_markdown(report: &SymbolicReport, model: &Model) -> String {
    let ts = Typesetter::new(model);
    report
        .rows
        .iter()
        .map(|r| {
            let (name, form) = symbolic_latex_parts(report, &ts, r);
            format!("$$\n{name} = {form}\n$$\n\n")
        })
        .collect()
}

#[derive(Serialize)]
struct JsonSymbolic<'a> {
    name: &'a str,
    text: String,
    latex: String,
}

/// `eval --symbolic` as JSON: `{"values": [{"name", "text", "latex"}]}`.
pub fn symbolic_json(report: &SymbolicReport, model: &Model) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        values: Vec<JsonSymbolic<'a>>,
    }
    let (ts, names) = (Typesetter::new(model), TextNames::new(model));
    let values = report
        .rows
        .iter()
        .map(|r| JsonSymbolic {
            name: &r.label,
            text: text_symbol_or_expr(&report.graph, r.form, &names),
            latex: symbolic_latex_parts(report, &ts, r).1,
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&Doc { values }).unwrap_or_default();
    s.push('\n');
    s
}

/// Each row's name, exact value (empty when irrational) and decimal value
/// in LaTeX, as the Markdown table writes them (for `eval --format html`).
pub fn latex_rows(report: &EvalReport, model: &Model) -> Vec<(String, String, String)> {
    let ts = Typesetter::new(model);
    report
        .rows
        .iter()
        .map(|r| {
            (
                row_latex(report, &ts, r),
                r.value.exact().map(latex_rational).unwrap_or_default(),
                crate::notation::numbers::show_decimal(&r.value, report.shown).latex,
            )
        })
        .collect()
}

/// The random values used, each as `w_{1} = \frac{1}{2}`.
pub fn random_latex(report: &EvalReport, model: &Model) -> Vec<String> {
    let ts = Typesetter::new(model);
    report
        .random
        .iter()
        .flat_map(|r| r.values.iter())
        .map(|(sym, _, q)| format!("{} = {}", ts.symbol(*sym), latex_rational(q)))
        .collect()
}

/// Each closed form's name and form in LaTeX (for `eval --symbolic --format html`).
pub fn symbolic_latex_rows(report: &SymbolicReport, model: &Model) -> Vec<(String, String)> {
    let ts = Typesetter::new(model);
    report
        .rows
        .iter()
        .map(|r| symbolic_latex_parts(report, &ts, r))
        .collect()
}
