//! Matrix claims at a general step (LANGUAGE.md §4 and §5), such as
//! `\nabla_{\mathbf{h}^{(t)}} L = \mathbf{V}^\top \nabla_{\mathbf{o}^{(t)}} L`
//! plus `\mathbf{U}^\top \operatorname{diag}(1 - \mathbf{h}^{(t+1)} \odot
//! \mathbf{h}^{(t+1)}) \nabla_{\mathbf{h}^{(t+1)}} L`, maybe with its range
//! (`, 1 \le t \le T-1`).
//!
//! Checked by instantiation, as the scalar general claims are
//! (`general_step`): the left side must name one vector or matrix (or its
//! gradient) at a step written with `t`; each right side is judged against
//! it at every step of the horizon the range allows and whose steps exist
//! (`h^{(t+1)}` at `t = T` is past the horizon, so that instance is not part
//! of the claim). The first step that fails names itself and the slip.

use super::general_step::horizon;
use super::matrix_claim::{bare, judge_formula, leaf_side, sides, MatrixVerdict};
use super::tensor_formula::{self as tf, Formula, StepE};
use super::Verdict;
use crate::eval::Bindings;
use crate::graph::Unroller;
use crate::model::Model;

/// The step variable.
const VAR: &str = "t";

/// Judges `text` as a claim for every step `t`; `None` when it is not one.
pub fn judge(model: &Model, un: &mut Unroller, b: &Bindings, text: &str, digits: u32) -> Option<Vec<MatrixVerdict>> {
    let h = horizon(model)?;
    let mut parts = sides(text);
    if parts.len() < 2 {
        return None;
    }
    // A range after the last side: `…, 1 \le t \le T - 1`.
    let last = parts.len() - 1;
    let (ls, le) = parts[last];
    let (end, range) = match text[ls..le].rfind(',') {
        Some(at) => match steps_range(&text[ls + at + 1..le], h) {
            Some(r) => (ls + at, Some(r)),
            None => (le, None),
        },
        None => (le, None),
    };
    parts[last].1 = end;
    let formulas: Vec<Formula> = parts
        .iter()
        .map(|&(s, e)| tf::parse_in(bare(&text[s..e]), Some(VAR), Some(h)))
        .collect::<Option<_>>()?;
    // A name the model does not have, in a line about its vectors (some
    // other name is one): say which, rather than "cannot read".
    let unknown =
        |l: &tf::Leaf| (0..=h).all(|t| leaf_side(model, l, Some(t)).is_none()) && leaf_side(model, l, None).is_none();
    let about_tensors = formulas.iter().flat_map(tf::leaves).any(|l| !unknown(l));
    for (k, f) in formulas.iter().enumerate().filter(|_| about_tensors) {
        if let Some(l) = tf::leaves(f).into_iter().find(|l| unknown(l)) {
            let names: Vec<&str> = model.tensors.decls.keys().map(String::as_str).collect();
            return Some(vec![MatrixVerdict {
                start: parts[k].0,
                end: parts[k].1,
                from: parts[k].0,
                verdict: Verdict::Unparsed,
                expected: String::new(),
                got: String::new(),
                note: format!(
                    "${}$ is not a vector or matrix of the model (its vectors and matrices: {}); this claim was not checked",
                    l.written,
                    names.join(", ")
                ),
            }]);
        }
    }
    let Formula::Leaf(left) = &formulas[0] else {
        return None;
    };
    if !matches!(left.step, Some(StepE::Var(_))) {
        return None;
    }
    let (lo, hi) = range.unwrap_or((0, h));
    let mut out = Vec::new();
    for (k, f) in formulas.iter().enumerate().skip(1) {
        let (s, e) = parts[k];
        let mut checked = Vec::new();
        let mut failed = None;
        for t in lo.max(0)..=hi.min(h) {
            // An instance whose steps leave 0..=T is not part of the claim.
            if !steps_within(&formulas[0], t, h) || !steps_within(f, t, h) {
                continue;
            }
            let Some(truth) = leaf_side(model, left, Some(t + step_offset(left))) else {
                continue;
            };
            let Some((verdict, expected, got, note)) = judge_formula(model, un, b, &truth, f, Some(t), digits) else {
                continue;
            };
            if verdict == Verdict::Correct {
                checked.push(t);
            } else {
                failed = Some((t, expected, got, note));
                break;
            }
        }
        let (verdict, expected, got, note) = match failed {
            Some((t, expected, got, note)) => {
                let right = if checked.is_empty() {
                    String::new()
                } else {
                    format!(" (right at {})", steps_text(&checked))
                };
                (Verdict::Wrong, expected, got, format!("at t = {t}{right}: {note}"))
            }
            None if checked.is_empty() => continue,
            None => (
                Verdict::Correct,
                String::new(),
                String::new(),
                format!(
                    "checked entry by entry at every step it speaks of, {}, at the model's values",
                    steps_text(&checked)
                ),
            ),
        };
        out.push(MatrixVerdict {
            start: s,
            end: e.min(end.max(s)),
            from: parts[0].0,
            verdict,
            expected,
            got,
            note,
        });
    }
    (!out.is_empty()).then_some(out)
}

fn step_offset(l: &tf::Leaf) -> i64 {
    match l.step {
        Some(StepE::Var(d)) => d,
        _ => 0,
    }
}

/// Do the steps `f` writes with `t` all lie in `0..=h` at `t`?
fn steps_within(f: &Formula, t: i64, h: i64) -> bool {
    tf::leaves(f).iter().all(|l| match l.step {
        Some(StepE::Var(d)) => (0..=h).contains(&(t + d)),
        _ => true,
    })
}

/// `t = 1, 2, 3` or `t = 1, …, 16`.
fn steps_text(ts: &[i64]) -> String {
    match ts {
        [a, .., z] if ts.len() > 4 && z - a + 1 == ts.len() as i64 => format!("t = {a}, …, {z}"),
        _ => format!(
            "t = {}",
            ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `1 \le t \le T-1`, `t < T`, `t \ge 1`, `\text{for } 1 \leq t \leq T`:
/// the steps allowed, at horizon `h`.
fn steps_range(text: &str, h: i64) -> Option<(i64, i64)> {
    let mut t = text
        .replace("\\leq", "\\le")
        .replace("\\geq", "\\ge")
        .replace("\\lt", "<");
    for noise in [
        "\\quad",
        "\\qquad",
        "\\forall",
        "\\,",
        "\\;",
        "\\text{for}",
        "\\text{for }",
        "\\text{ for }",
    ] {
        t = t.replace(noise, "");
    }
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    // Split into bounds and relations.
    let mut parts: Vec<String> = vec![String::new()];
    let mut rels: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let rest = &t[i..];
        let rel = ["\\le", "\\ge", "<", ">"].into_iter().find(|r| rest.starts_with(r));
        match rel {
            Some(r) => {
                rels.push(r);
                parts.push(String::new());
                i += r.len();
            }
            None => {
                let c = rest.chars().next()?;
                parts.last_mut()?.push(c);
                i += c.len_utf8();
            }
        }
    }
    if rels.is_empty() || parts.len() > 3 {
        return None;
    }
    let at = parts.iter().position(|p| p == VAR)?;
    let value = |p: &str| match step_of_bound(p, h)? {
        StepE::At(k) => Some(k),
        StepE::Var(_) => None,
    };
    let (mut lo, mut hi) = (0, h);
    if at > 0 {
        let v = value(&parts[at - 1])?;
        match rels[at - 1] {
            "\\le" => lo = v,
            "<" => lo = v + 1,
            "\\ge" => hi = v,
            _ => hi = v - 1,
        }
    }
    if at + 1 < parts.len() {
        let v = value(&parts[at + 1])?;
        match rels[at] {
            "\\le" => hi = v,
            "<" => hi = v - 1,
            "\\ge" => lo = v,
            _ => lo = v + 1,
        }
    }
    Some((lo, hi))
}

fn step_of_bound(p: &str, h: i64) -> Option<StepE> {
    tf::step_of(p, None, Some(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ranges() {
        assert_eq!(steps_range(" 1 \\le t \\le T - 1", 5), Some((1, 4)));
        assert_eq!(steps_range("\\quad t < T", 5), Some((0, 4)));
        assert_eq!(steps_range("t \\geq 2", 5), Some((2, 5)));
        assert_eq!(steps_range("\\text{for } 0 < t \\leq 3", 5), Some((1, 3)));
        assert_eq!(steps_range("x = 2", 5), None);
        assert_eq!(steps_range("1 \\le s \\le 3", 5), None);
    }

    #[test]
    fn names_steps() {
        assert_eq!(steps_text(&[1, 2, 3]), "t = 1, 2, 3");
        assert_eq!(steps_text(&[1, 2, 3, 4, 5, 6]), "t = 1, …, 6");
    }
}
