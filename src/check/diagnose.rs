//! The single slip that explains a wrong step, when there is one: a path
//! given for the total, a missing or extra local-derivative factor, a
//! dropped path, swapped time steps, steps off by one, or one symbol
//! written for another. Each candidate is rebuilt and compared at the same
//! points as the claim, so a diagnosis is a checked fact, not a guess.

use super::judge::{Built, Checker};
use super::resolve::{Atom, Subst};
use crate::calculus::derive::Derivation;
use crate::eval::{Bindings, Value};
use crate::graph::{Node, NodeId};
use crate::model::SymKind;
use crate::notation::latex::latex_symbol_or_expr;
use crate::number::{Prec, Q};
use std::time::Instant;

/// At most this many rewritten right sides are tried per claim.
const MAX_VARIANTS: usize = 200;

#[derive(Clone, Debug)]
pub enum Slip {
    /// The right side is one path's contribution, not the total: `path`
    /// describes it ("the path through …"), `form` is its simplified form
    /// and `value` its value at the model's values; `total_paths` counts
    /// all paths. `rounded` names the places when the right side is that
    /// value rounded rather than equal to it.
    OnePath {
        path: String,
        form: Option<String>,
        value: Value,
        total_paths: String,
        rounded: Option<String>,
    },
    /// Any other single slip, explained.
    Explained(String),
}

impl Slip {
    pub fn note(&self) -> String {
        match self {
            Slip::OnePath { path, total_paths, .. } => {
                format!("this is the contribution of one path, {path}, not the total over all {total_paths} paths")
            }
            Slip::Explained(note) => note.clone(),
        }
    }
}

/// All `xs` agree with `ys`, point by point.
fn all_same(xs: &[Value], ys: &[Value]) -> bool {
    xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| super::points::same(x, y) == Some(true))
}

/// Exactly zero.
fn is_zero(v: &Value) -> bool {
    v.exact().is_some_and(|q| q.is_zero())
}

fn prec() -> Prec {
    Prec(256)
}

/// Finds the slip, if a single one explains `b` against `a`.
#[allow(clippy::too_many_arguments)]
pub(super) fn diagnose(
    c: &mut Checker,
    a: &super::judge::MemberRef,
    b: &super::judge::MemberRef,
    na: &Built,
    nb: &Built,
    deriv: Option<usize>,
    pts: &[Bindings],
    started: Instant,
) -> Option<Slip> {
    let mut uses = na.uses.clone();
    uses.extend(&nb.uses);
    // Values of both sides at every point.
    let mut va = Vec::new();
    let mut vb = Vec::new();
    for p in pts {
        let v = c.eval(&[na.node, nb.node], &uses, p, &[]).ok()?;
        va.push(v[0].clone());
        vb.push(v[1].clone());
    }
    let d = deriv.and_then(|k| c.derivation(k).cloned());
    let written = super::judge::written_decimal(b.math);
    if let Some(d) = &d {
        if let Some(s) = path_slips(c, d, &va, &vb, pts, written.as_deref()) {
            return Some(s);
        }
    }
    if let Some(s) = prime_at_output(c, b, &va, pts) {
        return Some(s);
    }
    variants(c, a, b, &va, d.as_ref(), pts, started)
}

/// A short description of a path: the operation it enters by and the named
/// quantities it passes through.
fn describe(c: &Checker, nodes: &[NodeId]) -> String {
    let g = c.un.graph();
    let mut parts = Vec::new();
    for (i, &n) in nodes.iter().enumerate().skip(1) {
        let last = i + 1 == nodes.len();
        if last {
            break;
        }
        if i == 1 || matches!(g.node(n), Node::Named(..)) {
            parts.push(latex_symbol_or_expr(g, n, &c.ts));
        }
    }
    if parts.is_empty() {
        "the direct path".to_string()
    } else {
        format!("the path through {}", parts.join(", "))
    }
}

/// A node as the operand of `\\partial`: the name of the quantity it
/// defines if there is one (`h^{(2)}` for its tanh), else its formula,
/// bracketed unless it is a single symbol.
fn operand(c: &Checker, n: NodeId) -> String {
    let g = c.un.graph();
    let named = g
        .nodes()
        .iter()
        .enumerate()
        .skip(n.index() + 1)
        .find(|(_, x)| matches!(x, Node::Named(_, d) if *d == n))
        .map(|(i, _)| NodeId(i as u32));
    let text = latex_symbol_or_expr(g, named.unwrap_or(n), &c.ts);
    match g.node(named.unwrap_or(n)) {
        Node::Leaf(_) | Node::Named(..) => text,
        _ => format!("\\left({text}\\right)"),
    }
}

/// Slips measured against the engine's paths. `written` is the right side
/// when it is a decimal as written, which may be a path's value rounded.
fn path_slips(
    c: &mut Checker,
    d: &Derivation,
    va: &[Value],
    vb: &[Value],
    pts: &[Bindings],
    written: Option<&str>,
) -> Option<Slip> {
    let n = d.paths.len();
    if n == 0 {
        return None;
    }
    // Each path's value, and each of its local partials, at every point.
    let mut pv: Vec<Vec<Value>> = Vec::new();
    let mut ev: Vec<Vec<Vec<Value>>> = Vec::new();
    for p in &d.paths {
        let mut roots = vec![p.simplified];
        roots.extend(p.edges.iter().map(|e| e.partial));
        let mut per_point = Vec::new();
        for pt in pts {
            per_point.push(c.eval(&roots, &[], pt, &[]).ok()?);
        }
        pv.push(per_point.iter().map(|v| v[0].clone()).collect());
        ev.push(
            (0..p.edges.len())
                .map(|j| per_point.iter().map(|v| v[j + 1].clone()).collect())
                .collect(),
        );
    }
    let total_paths = if d.truncated {
        format!("more than {n}")
    } else {
        d.path_count.to_string()
    };
    let g = c.un.graph();
    let form = |id: NodeId| latex_symbol_or_expr(g, id, &c.ts);
    if n > 1 || d.truncated {
        for (i, p) in d.paths.iter().enumerate() {
            let exact = all_same(vb, &pv[i]);
            // A decimal is checked at the model's values only.
            let rounded = match (exact, written, pv[i].as_slice()) {
                (false, Some(t), [v]) => super::judge::rounds_to(v, t),
                _ => None,
            };
            if exact || rounded.is_some() {
                return Some(Slip::OnePath {
                    path: describe(c, &p.nodes),
                    form: Some(form(p.simplified)),
                    value: pv[i][0].clone(),
                    total_paths,
                    rounded,
                });
            }
        }
    }
    // A missing (or extra) local derivative on one path.
    for (i, p) in d.paths.iter().enumerate() {
        for (j, e) in p.edges.iter().enumerate() {
            let f = &ev[i][j];
            // A factor of 1 changes nothing; a factor that is 0 somewhere
            // (h⁽⁰⁾ = 0 in ∂(u h⁽⁰⁾)/∂u) makes both sides 0 there and
            // proves nothing.
            if f.iter().all(|v| v.exact().is_some_and(|q| q.is_one())) || f.iter().any(is_zero) {
                continue;
            }
            let times: Vec<Value> = vb.iter().zip(f).map(|(x, y)| x.mul(y, prec())).collect();
            let what = format!(
                "{} = \\partial {} / \\partial {}",
                form(e.partial),
                operand(c, e.parent),
                operand(c, e.child)
            );
            let whose = if n > 1 {
                format!("{} is {}", describe(c, &p.nodes), form(p.simplified))
            } else {
                format!("the derivative is {}", form(p.simplified))
            };
            if all_same(&times, &pv[i]) {
                return Some(Slip::Explained(format!(
                    "it matches no path and not the total; {whose}, so a factor {what} is missing"
                )));
            }
            let with: Vec<Value> = pv[i].iter().zip(f).map(|(x, y)| x.mul(y, prec())).collect();
            if all_same(vb, &with) {
                return Some(Slip::Explained(format!(
                    "{whose}; the right side has an extra factor {what}"
                )));
            }
        }
    }
    // A sum of the paths where one path misses one of its factors:
    // right side = total − path + path / factor, that is
    // (right side − total + path) · factor = path.
    if n > 1 && !d.truncated {
        let minus_one = Value::Exact(-Q::one());
        for (i, p) in d.paths.iter().enumerate() {
            let rest: Vec<Value> = vb
                .iter()
                .zip(va)
                .zip(&pv[i])
                .map(|((b, t), x)| b.add(&t.mul(&minus_one, prec()), prec()).add(x, prec()))
                .collect();
            for (j, e) in p.edges.iter().enumerate() {
                let f = &ev[i][j];
                if f.iter().all(|v| v.exact().is_some_and(|q| q.is_one())) || f.iter().any(is_zero) {
                    continue;
                }
                let times: Vec<Value> = rest.iter().zip(f).map(|(x, y)| x.mul(y, prec())).collect();
                if all_same(&times, &pv[i]) && !all_same(vb, va) {
                    return Some(Slip::Explained(format!(
                        "the sum over the paths has {} without its factor {} = \\partial {} / \\partial {}; that path is {}",
                        describe(c, &p.nodes),
                        form(e.partial),
                        operand(c, e.parent),
                        operand(c, e.child),
                        form(p.simplified)
                    )));
                }
            }
        }
    }
    // A dropped path.
    if n > 1 && !d.truncated {
        let minus_one = Value::Exact(-Q::one());
        for (i, p) in d.paths.iter().enumerate() {
            let rest: Vec<Value> = va
                .iter()
                .zip(&pv[i])
                .map(|(t, x)| t.add(&x.mul(&minus_one, prec()), prec()))
                .collect();
            if all_same(vb, &rest) {
                return Some(Slip::Explained(format!(
                    "the sum leaves out {}, whose contribution is {}",
                    describe(c, &p.nodes),
                    form(p.simplified)
                )));
            }
        }
    }
    None
}

/// σ′ or tanh′ taken at an activation's output, `\sigma'(y^{(2)})`, where it
/// belongs at the pre-activation: the right side is rebuilt with the slope
/// written through the output, σ′(z) = y(1 − y) or tanh′(z) = 1 − h², at the
/// output's own step and at the steps next to it (∂h⁽²⁾/∂h⁽¹⁾ needs the
/// slope of step 2, not of step 1). The first rewrite that makes the claim
/// hold at every point is the slip.
fn prime_at_output(c: &mut Checker, b: &super::judge::MemberRef, va: &[Value], pts: &[Bindings]) -> Option<Slip> {
    use super::math::{Func, Math, MathKind};
    // The first prime of σ or tanh applied to a bare name: the function
    // and the name.
    fn find(m: &Math) -> Option<(Func, super::math::Symbol)> {
        match &m.kind {
            MathKind::Prime(inner) => {
                if let MathKind::Func(f @ (Func::Sigma | Func::Tanh), arg) = &inner.kind {
                    let mut a = arg.as_ref();
                    while let MathKind::Group(x) = &a.kind {
                        a = x;
                    }
                    if let MathKind::Symbol(s) = &a.kind {
                        return Some((*f, s.clone()));
                    }
                }
                None
            }
            _ => children(m).into_iter().find_map(find),
        }
    }
    fn children(m: &Math) -> Vec<&Math> {
        match &m.kind {
            MathKind::Number(_) | MathKind::Symbol(_) => vec![],
            MathKind::Apply(_, xs) => xs.iter().collect(),
            MathKind::Func(_, x) | MathKind::Neg(x) | MathKind::Group(x) | MathKind::Prime(x) => vec![x],
            MathKind::Sum(xs) | MathKind::Product(xs) => xs.iter().map(|(_, x)| x).collect(),
            MathKind::Frac(x, y) | MathKind::Pow(x, y) => vec![x, y],
            MathKind::Derivative { of, wrt } => vec![of, wrt],
            MathKind::Big { lo, hi, body, .. } => vec![lo, hi, body],
        }
    }
    /// `m` with every σ′(s) (tanh′(s)) replaced by the slope through `s`.
    fn rewrite(m: &Math, f: Func, s: &super::math::Symbol) -> Math {
        let span = m.span;
        let mk = |kind| Math { kind, span };
        if let MathKind::Prime(inner) = &m.kind {
            if let MathKind::Func(g, arg) = &inner.kind {
                let mut a = arg.as_ref();
                while let MathKind::Group(x) = &a.kind {
                    a = x;
                }
                if *g == f && matches!(&a.kind, MathKind::Symbol(x) if x == s) {
                    let sym = || mk(MathKind::Symbol(s.clone()));
                    let one = || mk(MathKind::Number("1".into()));
                    let kind = match f {
                        Func::Sigma => MathKind::Product(vec![
                            (false, sym()),
                            (
                                false,
                                mk(MathKind::Group(Box::new(mk(MathKind::Sum(vec![
                                    (false, one()),
                                    (true, sym()),
                                ]))))),
                            ),
                        ]),
                        _ => MathKind::Sum(vec![
                            (false, one()),
                            (true, mk(MathKind::Product(vec![(false, sym()), (false, sym())]))),
                        ]),
                    };
                    return mk(MathKind::Group(Box::new(mk(kind))));
                }
            }
        }
        let r = |x: &Math| Box::new(rewrite(x, f, s));
        let kind = match &m.kind {
            MathKind::Number(_) | MathKind::Symbol(_) => m.kind.clone(),
            MathKind::Apply(n, xs) => MathKind::Apply(n.clone(), xs.iter().map(|x| rewrite(x, f, s)).collect()),
            MathKind::Func(g, x) => MathKind::Func(*g, r(x)),
            MathKind::Neg(x) => MathKind::Neg(r(x)),
            MathKind::Group(x) => MathKind::Group(r(x)),
            MathKind::Prime(x) => MathKind::Prime(r(x)),
            MathKind::Sum(xs) => MathKind::Sum(xs.iter().map(|(k, x)| (*k, rewrite(x, f, s))).collect()),
            MathKind::Product(xs) => MathKind::Product(xs.iter().map(|(k, x)| (*k, rewrite(x, f, s))).collect()),
            MathKind::Frac(x, y) => MathKind::Frac(r(x), r(y)),
            MathKind::Pow(x, y) => MathKind::Pow(r(x), r(y)),
            MathKind::Derivative { of, wrt } => MathKind::Derivative { of: r(of), wrt: r(wrt) },
            MathKind::Big { op, var, lo, hi, body } => MathKind::Big {
                op: *op,
                var: var.clone(),
                lo: r(lo),
                hi: r(hi),
                body: r(body),
            },
        };
        mk(kind)
    }
    let (f, s) = find(b.math)?;
    let fname = if f == Func::Sigma { "σ′" } else { "tanh′" };
    let alone = Math {
        kind: MathKind::Symbol(s.clone()),
        span: b.math.span,
    };
    let atom = *c.atoms(&alone, b.seg_start).first()?;
    let k = atom.step;
    let rewritten = rewrite(b.math, f, &s);
    let name = |c: &Checker, a: Atom| c.ts.symbol(crate::graph::Sym { id: a.id, step: a.step });
    for delta in [0i64, 1, -1] {
        let to = Atom {
            id: atom.id,
            step: k.map(|k| k + delta),
        };
        if delta != 0 && k.is_none() {
            continue;
        }
        let subst: Subst = [(atom, to)].into_iter().collect();
        let Ok(built) = c.build(&rewritten, b.seg_start, (delta != 0).then_some(&subst)) else {
            continue;
        };
        let vals = values_at(c, &built, pts);
        if vals.len() != pts.len() || !all_same(&vals, va) {
            continue;
        }
        let (at, out) = (name(c, atom), name(c, to));
        let slope = if f == Func::Sigma {
            format!("{out}(1 - {out})")
        } else {
            format!("1 - ({out})^2")
        };
        let whose = match (delta, to.step) {
            (0, _) | (_, None) => "its pre-activation".to_string(),
            (_, Some(j)) => format!("the pre-activation of step {j}"),
        };
        return Some(Slip::Explained(format!(
            "{fname} is taken at {at}, an activation's output; it belongs at {whose}, where {fname}(z) = {slope} is written through the output"
        )));
    }
    None
}

/// Rewrites of the right side that make it right: swapped steps, steps off
/// by one, one symbol for another.
fn variants(
    c: &mut Checker,
    _a: &super::judge::MemberRef,
    b: &super::judge::MemberRef,
    va: &[Value],
    d: Option<&Derivation>,
    pts: &[Bindings],
    started: Instant,
) -> Option<Slip> {
    let atoms = c.atoms(b.math, b.seg_start);
    let name = |c: &Checker, a: Atom| c.ts.symbol(crate::graph::Sym { id: a.id, step: a.step });
    let mut cands: Vec<(Subst, String)> = Vec::new();
    // Swapped steps of one symbol.
    for (i, x) in atoms.iter().enumerate() {
        for y in &atoms[i + 1..] {
            if x.id == y.id && x.step.is_some() && x.step != y.step {
                let s: Subst = [(*x, *y), (*y, *x)].into_iter().collect();
                let base = c.ts.base(x.id).to_string();
                cands.push((
                    s,
                    format!(
                        "swapping the steps of {base} ({} ↔ {}) makes it right",
                        name(c, *x),
                        name(c, *y)
                    ),
                ));
            }
        }
    }
    // Every step of one symbol off by one.
    let mut ids: Vec<_> = atoms.iter().filter(|a| a.step.is_some()).map(|a| a.id).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        for delta in [-1i64, 1] {
            let s: Subst = atoms
                .iter()
                .filter(|a| a.id == id)
                .map(|a| {
                    (
                        *a,
                        Atom {
                            id,
                            step: a.step.map(|k| k + delta),
                        },
                    )
                })
                .collect();
            let base = c.ts.base(id).to_string();
            let dir = if delta > 0 { "one later" } else { "one earlier" };
            cands.push((s, format!("the steps of {base} are off by one: each should be {dir}")));
        }
    }
    // One step of one symbol off by one, the others right: the wrong time
    // index in a local derivative, `(1 - (h^{(2)})^2)` where the tanh′ of
    // step 3 belongs.
    for x in &atoms {
        let Some(k) = x.step else { continue };
        for delta in [-1i64, 1] {
            let y = Atom {
                id: x.id,
                step: Some(k + delta),
            };
            // With one step of this symbol, that is the candidate above.
            if atoms.iter().filter(|a| a.id == x.id).count() == 1 {
                continue;
            }
            let s: Subst = [(*x, y)].into_iter().collect();
            cands.push((s, format!("{} is written where {} belongs", name(c, *x), name(c, y))));
        }
    }
    // Two symbols of the same kind and step, each written for the other
    // (the forget and the input gate in `c = f c_{prev} + i g`).
    for (i, x) in atoms.iter().enumerate() {
        for y in &atoms[i + 1..] {
            if x.id != y.id && x.step == y.step && same_kind(&c.model.symbol(x.id).kind, &c.model.symbol(y.id).kind) {
                let s: Subst = [(*x, *y), (*y, *x)].into_iter().collect();
                cands.push((s, format!("{} and {} are swapped", name(c, *x), name(c, *y))));
            }
        }
    }
    // One symbol written for another of the same kind.
    let model = c.model;
    for x in &atoms {
        for other in model.ids() {
            if other == x.id || !same_kind(&model.symbol(other).kind, &model.symbol(x.id).kind) {
                continue;
            }
            let y = Atom {
                id: other,
                step: x.step,
            };
            let s: Subst = [(*x, y)].into_iter().collect();
            cands.push((s, format!("{} is written where {} belongs", name(c, *x), name(c, y))));
        }
    }
    cands.truncate(MAX_VARIANTS);
    let path_forms: Vec<(NodeId, String)> = d
        .map(|d| {
            d.paths
                .iter()
                .filter(|_| d.paths.len() > 1)
                .map(|p| (p.simplified, describe(c, &p.nodes)))
                .collect()
        })
        .unwrap_or_default();
    for (s, why) in cands {
        if started.elapsed() > c.opts.claim_time {
            return None;
        }
        let Ok(built) = c.build(b.math, b.seg_start, Some(&s)) else {
            continue;
        };
        let vals = values_at(c, &built, pts);
        if vals.len() != pts.len() {
            continue;
        }
        if all_same(&vals, va) {
            return Some(Slip::Explained(why));
        }
        for (node, desc) in &path_forms {
            let mut pv = Vec::new();
            for p in pts {
                if let Ok(v) = c.eval(&[*node], &[], p, &[]) {
                    pv.push(v[0].clone());
                }
            }
            if all_same(&vals, &pv) {
                return Some(Slip::Explained(format!("{why} for {desc}")));
            }
        }
    }
    None
}

/// Symbols one could be mistaken for the other: both parameters, or both
/// indexed the same way.
fn same_kind(x: &SymKind, y: &SymKind) -> bool {
    use SymKind as K;
    matches!(
        (x, y),
        (K::Param { .. }, K::Param { .. })
            | (K::Input { .. } | K::Target { .. }, K::Input { .. } | K::Target { .. })
            | (K::Sequence(_), K::Sequence(_))
            | (K::Quantity { .. }, K::Quantity { .. })
    )
}

/// The value of `built` at each point, up to the first point where it does
/// not evaluate (so a short list means it failed somewhere).
fn values_at(c: &mut Checker, built: &Built, pts: &[Bindings]) -> Vec<Value> {
    let mut vals = Vec::new();
    for p in pts {
        match c.eval(&[built.node], &built.uses, p, &[]) {
            Ok(v) => vals.push(v[0].clone()),
            Err(_) => break,
        }
    }
    vals
}
