//! Claims at a general step t (LANGUAGE.md §5): `\frac{\partial L}{\partial
//! h_t} = \frac{\partial L}{\partial h_{t+1}} (1 - h_{t+1}^2) u`.
//!
//! A statement about every step is checked by instantiation, as `derive
//! --general` checks its own results: t is replaced by each step of the
//! model's horizon in turn (and `T` by the horizon), and each instance is
//! judged as a claim at a fixed step. A general claim holds when every
//! instance that can be read holds; the first instance that fails names
//! the step where it fails. Only the tree is rewritten, never the text, so
//! `\tanh` and `\partial` keep their letters.

use super::math::{Math, MathKind, Script, Symbol};
use crate::model::{Model, SymKind};

/// The step variable of general claims.
pub const STEP_VAR: &str = "t";

/// Does `m` use `var` free (not as the index of a `\sum` or `\prod`)?
pub fn uses_free(m: &Math, var: &str) -> bool {
    let mut stack = vec![m];
    while let Some(m) = stack.pop() {
        match &m.kind {
            MathKind::Symbol(s) if is_var(s, var) || script_uses(s, var) => return true,
            MathKind::Apply(s, _) if script_uses(s, var) => return true,
            // A sum or product over `var` binds it in its body.
            MathKind::Big { var: bound, lo, hi, .. } if bound == var => {
                stack.push(lo);
                stack.push(hi);
            }
            _ => stack.extend(m.children()),
        }
    }
    false
}

fn is_var(s: &Symbol, var: &str) -> bool {
    s.base == var && s.sub.is_none() && s.sup.is_none()
}

fn script_uses(s: &Symbol, var: &str) -> bool {
    [&s.sub, &s.sup].into_iter().flatten().any(|sc| match &sc.math {
        Some(m) => uses_free(m, var),
        None => has_token(&sc.text, var),
    })
}

/// `var` as a token of its own in script text (`t+1`, `(t)`, `t,2`).
fn has_token(text: &str, var: &str) -> bool {
    !replace_token(text, var, "").1.is_empty()
}

/// `text` with each token `var` replaced by `by`, and the positions replaced.
fn replace_token(text: &str, var: &str, by: &str) -> (String, Vec<usize>) {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let boundary_before = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'\\');
        let end = i + var.len();
        if boundary_before && text[i..].starts_with(var) && (end == text.len() || !bytes[end].is_ascii_alphanumeric()) {
            out.push_str(by);
            hits.push(i);
            i = end;
            continue;
        }
        let c = text[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    (out, hits)
}

/// `m` with `var` (free) replaced by the integer `k`.
pub fn instantiate(m: &Math, var: &str, k: i64) -> Math {
    let num = |span| Math {
        kind: MathKind::Number(k.to_string()),
        span,
    };
    let kind = match &m.kind {
        MathKind::Symbol(s) if is_var(s, var) => return wrap_negative(num(m.span), k),
        MathKind::Symbol(s) => MathKind::Symbol(symbol(s, var, k)),
        MathKind::Apply(s, args) => {
            MathKind::Apply(symbol(s, var, k), args.iter().map(|a| instantiate(a, var, k)).collect())
        }
        MathKind::Number(_) => m.kind.clone(),
        MathKind::Func(f, x) => MathKind::Func(*f, Box::new(instantiate(x, var, k))),
        MathKind::Neg(x) => MathKind::Neg(Box::new(instantiate(x, var, k))),
        MathKind::Group(x) => MathKind::Group(Box::new(instantiate(x, var, k))),
        MathKind::Prime(x) => MathKind::Prime(Box::new(instantiate(x, var, k))),
        MathKind::Sum(xs) => MathKind::Sum(xs.iter().map(|(s, x)| (*s, instantiate(x, var, k))).collect()),
        MathKind::Product(xs) => MathKind::Product(xs.iter().map(|(s, x)| (*s, instantiate(x, var, k))).collect()),
        MathKind::Frac(x, y) => MathKind::Frac(Box::new(instantiate(x, var, k)), Box::new(instantiate(y, var, k))),
        MathKind::Pow(x, y) => MathKind::Pow(Box::new(instantiate(x, var, k)), Box::new(instantiate(y, var, k))),
        MathKind::Derivative { of, wrt } => MathKind::Derivative {
            of: Box::new(instantiate(of, var, k)),
            wrt: Box::new(instantiate(wrt, var, k)),
        },
        MathKind::Big {
            op,
            var: bound,
            lo,
            hi,
            body,
        } => MathKind::Big {
            op: *op,
            var: bound.clone(),
            lo: Box::new(instantiate(lo, var, k)),
            hi: Box::new(instantiate(hi, var, k)),
            body: Box::new(if bound == var {
                (**body).clone()
            } else {
                instantiate(body, var, k)
            }),
        },
    };
    Math { kind, span: m.span }
}

/// A negative step as a tree the resolver reads (`-1`, a negation).
fn wrap_negative(m: Math, k: i64) -> Math {
    if k >= 0 {
        return m;
    }
    Math {
        kind: MathKind::Neg(Box::new(Math {
            kind: MathKind::Number((-k).to_string()),
            span: m.span,
        })),
        span: m.span,
    }
}

fn symbol(s: &Symbol, var: &str, k: i64) -> Symbol {
    let script = |sc: &Option<Script>| {
        sc.as_ref().map(|sc| Script {
            text: replace_token(&sc.text, var, &k.to_string()).0,
            math: sc.math.as_ref().map(|m| Box::new(instantiate(m, var, k))),
            span: sc.span,
        })
    };
    Symbol {
        base: s.base.clone(),
        sub: script(&s.sub),
        sup: script(&s.sup),
    }
}

/// Do the steps `m` writes with `var` (scripts such as `(t+1)`) all lie in
/// `0..=h` at `var = k`? A recurrence written for t is meant where its
/// steps exist: `∂L/∂h_{t+1}` at t = T is past the horizon, so that
/// instance is not part of the claim.
pub fn in_range(m: &Math, var: &str, k: i64, h: i64) -> bool {
    let mut ok = true;
    visit_scripts(m, &mut |sc: &Script| {
        if let Some(sm) = &sc.math {
            if uses_free(sm, var) {
                if let Some(v) = int_value(&instantiate(sm, var, k)) {
                    ok &= (0..=h).contains(&v);
                }
            }
        }
    });
    ok
}

fn visit_scripts(m: &Math, f: &mut dyn FnMut(&Script)) {
    for n in m.preorder() {
        if let MathKind::Symbol(s) | MathKind::Apply(s, _) = &n.kind {
            [&s.sub, &s.sup].into_iter().flatten().for_each(&mut *f);
        }
    }
}

/// The steps `range` allows, at horizon `h` (`T - 1` is `h - 1`), within
/// `0..=h`.
pub fn allowed(range: Option<&super::math::StepRange>, var: &str, h: i64) -> (i64, i64) {
    let Some(r) = range.filter(|r| r.var == var) else {
        return (0, h);
    };
    let value = |b: &Option<(Math, bool)>| {
        b.as_ref()
            .and_then(|(m, strict)| int_value(&instantiate(m, "T", h)).map(|v| (v, *strict)))
    };
    let lo = value(&r.lo).map_or(0, |(v, strict)| if strict { v + 1 } else { v });
    let hi = value(&r.hi).map_or(h, |(v, strict)| if strict { v - 1 } else { v });
    (lo.max(0), hi.min(h))
}

/// The integer a step script holds (`(3+1)`), if it is plain arithmetic.
fn int_value(m: &Math) -> Option<i64> {
    match &m.kind {
        MathKind::Number(t) => t.parse().ok(),
        MathKind::Group(x) => int_value(x),
        MathKind::Neg(x) => int_value(x).map(|v| -v),
        MathKind::Sum(ts) => ts.iter().try_fold(0i64, |acc, (minus, t)| {
            let v = int_value(t)?;
            if *minus {
                acc.checked_sub(v)
            } else {
                acc.checked_add(v)
            }
        }),
        _ => None,
    }
}

/// `σ′` or `tanh′` applied to a bare name (`\sigma'(h^{(t)})`): the slip of
/// taking an activation's derivative at its output instead of at the
/// pre-activation. The name as written, for the note.
pub fn prime_at_a_name(m: &Math) -> Option<(&'static str, String)> {
    m.preorder().find_map(|n| {
        let MathKind::Prime(inner) = &n.kind else { return None };
        let MathKind::Func(f, arg) = &inner.kind else {
            return None;
        };
        let name = match f {
            super::math::Func::Sigma => "σ′",
            super::math::Func::Tanh => "tanh′",
            _ => return None,
        };
        let mut a = arg.as_ref();
        while let MathKind::Group(x) = &a.kind {
            a = x;
        }
        let MathKind::Symbol(s) = &a.kind else { return None };
        let mut text = s.base.clone();
        if let Some(sub) = &s.sub {
            text.push_str(&format!("_{{{}}}", sub.text));
        }
        if let Some(sup) = &s.sup {
            text.push_str(&format!("^{{{}}}", sup.text));
        }
        Some((name, text))
    })
}

/// A copy of `m` in which the body of every `\sum` over steps is
/// multiplied by `factor(var)`; `None` when `m` has no such sum. Used to
/// test the slip of a gradient summed over t without its input factor.
pub fn with_sum_factor(m: &Math, factor: &dyn Fn(&str) -> Option<Math>) -> Option<Math> {
    let mut changed = false;
    let out = sum_factor(m, factor, &mut changed);
    changed.then_some(out)
}

fn sum_factor(m: &Math, factor: &dyn Fn(&str) -> Option<Math>, changed: &mut bool) -> Math {
    let kind = match &m.kind {
        MathKind::Big {
            op: super::math::BigOp::Sum,
            var,
            lo,
            hi,
            body,
        } => match factor(var) {
            Some(f) => {
                *changed = true;
                MathKind::Big {
                    op: super::math::BigOp::Sum,
                    var: var.clone(),
                    lo: lo.clone(),
                    hi: hi.clone(),
                    body: Box::new(Math {
                        kind: MathKind::Product(vec![(false, (**body).clone()), (false, f)]),
                        span: body.span,
                    }),
                }
            }
            None => m.kind.clone(),
        },
        MathKind::Sum(xs) => MathKind::Sum(xs.iter().map(|(s, x)| (*s, sum_factor(x, factor, changed))).collect()),
        MathKind::Product(xs) => {
            MathKind::Product(xs.iter().map(|(s, x)| (*s, sum_factor(x, factor, changed))).collect())
        }
        MathKind::Group(x) => MathKind::Group(Box::new(sum_factor(x, factor, changed))),
        MathKind::Neg(x) => MathKind::Neg(Box::new(sum_factor(x, factor, changed))),
        _ => m.kind.clone(),
    };
    Math { kind, span: m.span }
}

/// The horizon the steps run to: the model's `const T`, else the length of
/// its data.
pub fn horizon(model: &Model) -> Option<i64> {
    let from_const = model.symbols.iter().find_map(|s| match &s.kind {
        SymKind::Const { value: Some(v) } if s.name == "T" && v.is_integer() => v.to_i64(),
        _ => None,
    });
    from_const.or_else(|| model.data_horizon())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::latex::read_math;
    use crate::check::math::Line;

    fn one(text: &str) -> Vec<Math> {
        match read_math(text).pop() {
            Some(Line::Chain(c)) => c.members,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn finds_t_in_scripts_but_not_in_commands_or_bound_sums() {
        let m = one(r"\frac{\partial L}{\partial h_{t}} = \tanh(a) \, \frac{\partial L}{\partial h_{t+1}}");
        assert!(uses_free(&m[0], "t"));
        assert!(!uses_free(&one(r"\tanh(a) + \theta")[0], "t"));
        assert!(!uses_free(&one(r"\sum_{t=1}^{3} h^{(t)}")[0], "t"));
        assert!(uses_free(&one(r"\sum_{k=1}^{t} h^{(k)}")[0], "t"));
    }

    #[test]
    fn instances_replace_the_step_only() {
        let m = one(r"h^{(t+1)} u_{t}");
        let i = instantiate(&m[0], "t", 3);
        assert!(!uses_free(&i, "t"));
        let MathKind::Product(fs) = &i.kind else {
            panic!("{i:?}")
        };
        let MathKind::Symbol(h) = &fs[0].1.kind else { panic!() };
        assert_eq!(h.sup.as_ref().unwrap().text, "(3+1)");
        let MathKind::Symbol(u) = &fs[1].1.kind else { panic!() };
        assert_eq!(u.sub.as_ref().unwrap().text, "3");
        assert_eq!(replace_token(r"\tanh t_{t}", "t", "2").0, r"\tanh 2_{2}");
    }
}
