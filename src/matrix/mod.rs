//! `derive --wrt W` for a vector or matrix `W` (LANGUAGE.md §4): the
//! gradient derived in matrix form, as a textbook writes backpropagation
//! through time. From the loss down, each named quantity on the way to `W`
//! gets its adjoint `∇_{h^{(t)}} L` as a formula in the adjoints above it
//! (`vjp`); the gradient is the sum of what flows into `W` at each use.
//!
//! **Proven:** every formula is added to the model as an equation of its
//! own, lowered and evaluated by the exact evaluator, and each entry of
//! each adjoint and of the gradient is compared with reverse-mode AD over
//! the scalar graph; each entry of the gradient also with a certified
//! central difference. A formula that disagrees anywhere fails the check.

pub(crate) mod build;
mod paths;
pub(crate) mod steps;
mod vjp;

pub use paths::{tensor_paths, TensorPaths};
pub use steps::At;
pub use vjp::Unsupported;

use crate::calculus::numeric::{agree, central_difference, gradients_ad};
use crate::eval::bindings::{free_leaves, random_values};
use crate::eval::{evaluate, Bindings, EvalOptions, Value};
use crate::graph::{NodeId, UnrollOptions, Unroller};
use crate::model::{Model, SymKind};
use crate::number::Q;
use crate::shape::{Shape, Tensors};
use crate::syntax::ast::{Expr, ExprKind, File, Lhs, Stmt, StmtKind};
use build::*;
use std::collections::{BTreeMap, BTreeSet};
use steps::Equations;
use vjp::Vjp;

/// The adjoint of one named quantity at one step.
#[derive(Clone, Debug)]
pub struct Adjoint {
    pub at: At,
    pub shape: Shape,
    /// In terms of forward values and the adjoints above it.
    pub formula: Expr,
    /// The formula evaluated, entry by entry.
    pub values: Vec<Value>,
    /// Reverse-mode AD over the scalar graph, entry by entry.
    pub ad: Vec<Value>,
    /// Every entry of the formula agrees with AD.
    pub verified: bool,
}

/// The gradient of a scalar by a vector or matrix, in matrix form.
#[derive(Clone, Debug)]
pub struct MatrixDerivation {
    pub of: At,
    /// As given: `W`, `h[2]`.
    pub wrt: String,
    /// What it names: a parameter, or a quantity at a step.
    pub wrt_at: At,
    pub shape: Shape,
    /// The equations on the way from `wrt` to `of`, as the model writes
    /// them (general ones once).
    pub forward: Vec<Stmt>,
    /// From the loss down.
    pub adjoints: Vec<Adjoint>,
    /// Softmax outputs whose adjoint was folded with cross-entropy into
    /// `ŷ − y` (their targets sum to 1), with that target.
    pub softmax_ce: Vec<(At, Expr)>,
    /// `∇_W L` as a formula.
    pub gradient: Expr,
    pub values: Vec<Value>,
    pub ad: Vec<Value>,
    /// Certified central differences: `(entry, enclosure)`, row by row;
    /// every entry up to [`MAX_DIFFERENCES`], else that many drawn with the seed.
    pub difference: Vec<(usize, crate::number::Interval)>,
    /// Seeded random values given to leaves without values.
    pub random: Option<(u64, Vec<(String, Q)>)>,
    /// The seed of random values and of the differenced entries.
    pub seed: u64,
    /// Entries where the formula and AD or the difference disagree.
    pub mismatches: Vec<String>,
    /// Every entry of the gradient agrees with AD and the differences.
    pub gradient_verified: bool,
}

impl MatrixDerivation {
    pub fn verified(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Why no matrix-form derivation was made.
#[derive(Clone, Debug, PartialEq)]
pub enum MatrixError {
    /// `--of` or `--wrt` is not what this form needs.
    Query(String),
    Unsupported(String),
    /// The derived formulas could not be evaluated.
    Eval(String),
}

impl std::fmt::Display for MatrixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatrixError::Query(s) => write!(f, "{s}"),
            MatrixError::Unsupported(s) => write!(f, "the matrix form does not cover {s} yet"),
            MatrixError::Eval(s) => write!(f, "the derived formulas could not be evaluated: {s}"),
        }
    }
}

impl From<Unsupported> for MatrixError {
    fn from(u: Unsupported) -> MatrixError {
        MatrixError::Unsupported(u.0)
    }
}

/// The name an adjoint is given in the model the check builds.
fn adjoint_name(name: &str) -> String {
    format!("∇{name}")
}

/// Reads `--of`: a quantity, at a step or not.
fn read_of(eqs: &Equations, text: &str) -> Result<At, MatrixError> {
    let bad = || {
        MatrixError::Query(format!(
            "--of `{text}`: the matrix form needs a named quantity, such as `L`"
        ))
    };
    let e = crate::syntax::parse_expr(text).map_err(|_| bad())?;
    let at = match &e.kind {
        ExprKind::Name(id) => (id.name.clone(), None),
        ExprKind::Index(id, k) => (id.name.clone(), Some(eqs.int(k).ok_or_else(bad)?)),
        _ => return Err(bad()),
    };
    if eqs.rhs(&at).is_none() {
        return Err(bad());
    }
    Ok(at)
}

/// What `--wrt` names when it is a whole vector or matrix: a parameter
/// (`W`), an input, or a quantity at a step (`h[2]`).
pub fn read_wrt(model: &Model, text: &str) -> Option<At> {
    let e = crate::syntax::parse_expr(text.trim()).ok()?;
    let eqs = Equations::new(model);
    match &e.kind {
        ExprKind::Name(id) => {
            let d = model.tensors.get(&id.name)?;
            (!d.role.stepped()).then(|| (id.name.clone(), None))
        }
        ExprKind::Index(id, k) => {
            let d = model.tensors.get(&id.name)?;
            let k = eqs.int(k)?;
            d.role.stepped().then(|| (id.name.clone(), Some(k)))
        }
        _ => None,
    }
}

/// Derives `∂of/∂wrt` for a vector or matrix `wrt` (a parameter, or a
/// quantity at a step) in matrix form and checks it entry by entry.
pub fn derive_matrix(
    model: &Model,
    of: &str,
    wrt: &str,
    seed: u64,
    digits: u32,
) -> Result<MatrixDerivation, MatrixError> {
    check(model, seed, digits, derive_formulas(model, of, wrt)?)
}

/// The formulas of `∂of/∂wrt` in matrix form, before their check.
pub(crate) fn derive_formulas(model: &Model, of: &str, wrt: &str) -> Result<Input, MatrixError> {
    let tensors = &model.tensors;
    let Some(target) = read_wrt(model, wrt) else {
        return Err(MatrixError::Query(format!(
            "--wrt `{wrt}` is not a vector or matrix parameter, or such a quantity at a step"
        )));
    };
    let decl = tensors.get(&target.0).expect("read_wrt found it");
    let eqs = Equations::new(model);
    let vjp = Vjp {
        eqs: &eqs,
        tensors,
        relu_active: model.relu_active,
    };
    let root = read_of(&eqs, of)?;
    if !vjp.shape(&Vjp::refer(&root))?.is_scalar() {
        return Err(MatrixError::Query(format!(
            "--of `{of}` must be a number, such as a loss"
        )));
    }
    let order = topological(&eqs, &vjp, &root)?;
    // Which quantities depend on `wrt`.
    let mut reaches: BTreeSet<At> = BTreeSet::new();
    for (at, deps) in &order {
        if deps.iter().any(|d| *d == target || reaches.contains(d)) {
            reaches.insert(at.clone());
        }
    }
    let mut flows: BTreeMap<At, Vec<Expr>> = BTreeMap::new();
    let mut adjoints: Vec<(At, Expr)> = Vec::new();
    let mut softmax_ce = Vec::new();
    let mut w_terms: Vec<(At, Expr)> = Vec::new();
    for (at, deps) in order.iter().rev() {
        if !reaches.contains(at) {
            continue;
        }
        let rhs = eqs.rhs(at).expect("ordered quantities are defined");
        let own = Vjp::refer(at);
        let mut g = if *at == root {
            num(1)
        } else {
            let Some(parts) = flows.remove(at) else { continue };
            let total = sum(parts).expect("at least one part");
            adjoints.push((at.clone(), total.clone()));
            index_or_name(&adjoint_name(&at.0), at.1)
        };
        let mut rhs = rhs;
        // Softmax under cross-entropy: `(diag(ŷ) − ŷŷ^⊤)(−y ⊘ ŷ) = ŷ − y`
        // when the entries of y sum to 1, as a textbook simplifies it.
        if let Some((arg, y)) = softmax_ce_pattern(model, &vjp, &rhs, adjoints.last(), at) {
            adjoints.pop();
            softmax_ce.push((at.clone(), y.clone()));
            g = sub(own.clone(), y);
            rhs = arg;
        }
        for dep in deps.iter().filter(|d| **d == target || reaches.contains(*d)) {
            if let Some(part) = vjp.vjp(&rhs, g.clone(), dep, Some(&own))? {
                if *dep == target {
                    w_terms.push((at.clone(), part));
                } else {
                    flows.entry(dep.clone()).or_default().push(part);
                }
            }
        }
    }
    let gradient = fold_steps(&eqs, &vjp, &w_terms, &target, &softmax_ce)
        .or_else(|| sum(w_terms.iter().map(|(_, e)| e.clone()).collect()))
        .unwrap_or_else(|| zeros(decl.shape));
    let forward = forward_equations(model, &order, &reaches, &root);
    Ok(Input {
        root,
        wrt: wrt.trim().to_string(),
        target,
        shape: decl.shape,
        forward,
        adjoints,
        softmax_ce,
        gradient,
    })
}

fn zeros(s: Shape) -> Expr {
    if s.cols == 1 {
        call("zeros", vec![num(s.rows as i64)])
    } else {
        call("zeros", vec![num(s.rows as i64), num(s.cols as i64)])
    }
}

fn index_or_name(n: &str, step: Option<i64>) -> Expr {
    match step {
        Some(k) => index(n, num(k)),
        None => name(n),
    }
}

/// Named quantities below `root`, each after everything it uses, with
/// what it uses; by an explicit stack.
fn topological(eqs: &Equations, vjp: &Vjp, root: &At) -> Result<Vec<(At, Vec<At>)>, MatrixError> {
    let mut out = Vec::new();
    let mut done: BTreeSet<At> = BTreeSet::new();
    let mut stack: Vec<(At, bool)> = vec![(root.clone(), false)];
    let mut deps_of: BTreeMap<At, Vec<At>> = BTreeMap::new();
    while let Some((at, expanded)) = stack.pop() {
        if done.contains(&at) {
            continue;
        }
        if expanded {
            done.insert(at.clone());
            out.push((at.clone(), deps_of.remove(&at).unwrap_or_default()));
            continue;
        }
        let Some(rhs) = eqs.rhs(&at) else { continue };
        let mut deps: BTreeSet<At> = BTreeSet::new();
        vjp.visit_refs(&rhs, &mut |d| {
            deps.insert(d.clone());
        });
        stack.push((at.clone(), true));
        for d in &deps {
            if !done.contains(d) && eqs.rhs(d).is_some() {
                stack.push((d.clone(), false));
            }
        }
        deps_of.insert(at, deps.into_iter().collect());
        if out.len() > 1_000_000 {
            return Err(MatrixError::Unsupported("more than a million named quantities".into()));
        }
    }
    Ok(out)
}

/// `rhs = softmax(a)` whose adjoint is exactly `−(y ⊙ ŷ^{-1})` with `y`
/// data whose entries sum to 1: the argument `a` and `y`.
fn softmax_ce_pattern(
    model: &Model,
    vjp: &Vjp,
    rhs: &Expr,
    adjoint: Option<&(At, Expr)>,
    at: &At,
) -> Option<(Expr, Expr)> {
    let ExprKind::Call(f, args) = &rhs.kind else {
        return None;
    };
    if f.name != "softmax" || args.len() != 1 || vjp.tensors.functions.contains_key("softmax") {
        return None;
    }
    let (adj_at, formula) = adjoint?;
    if adj_at != at {
        return None;
    }
    let ExprKind::Neg(inner) = &formula.kind else {
        return None;
    };
    let ExprKind::MulChain(y, rest) = &inner.kind else {
        return None;
    };
    let [(crate::syntax::ast::MulOp::Hadamard, p)] = rest.as_slice() else {
        return None;
    };
    let ExprKind::Pow(s, e) = &p.kind else { return None };
    if !same(s, &Vjp::refer(at)) || !is_num(e, -1) || !sums_to_one(model, y) {
        return None;
    }
    Some((args[0].clone(), (**y).clone()))
}

/// True when `y` is data (an input or target at a step, or a parameter)
/// whose entries have values summing to exactly 1.
fn sums_to_one(model: &Model, y: &Expr) -> bool {
    let Ok(t) = crate::shape::lower_expr(y, &model.tensors) else {
        return false;
    };
    let mut total = Q::zero();
    for e in &t.entries {
        let value = match &e.kind {
            ExprKind::Index(id, k) => {
                let (Some(sid), ExprKind::Num(k)) = (model.lookup(&id.name), &k.kind) else {
                    return false;
                };
                let Some(k) = k.to_i64().filter(|&k| k >= 1) else {
                    return false;
                };
                match &model.symbol(sid).kind {
                    SymKind::Input { values: Some(v) } | SymKind::Target { values: Some(v) } => {
                        v.get(k as usize - 1).cloned()
                    }
                    _ => None,
                }
            }
            ExprKind::Name(id) => match model.lookup(&id.name).map(|s| &model.symbol(s).kind) {
                Some(SymKind::Param { value: Some(q) }) => Some(q.clone()),
                _ => None,
            },
            _ => None,
        };
        match value {
            Some(v) => total = &total + &v,
            None => return false,
        }
    }
    total == Q::one()
}

/// `Σ_{t=a}^{b}` of one general term, when the gradient's terms are one
/// recurrence's general equation at consecutive steps (checked: the term
/// at each step is exactly the concrete one).
fn fold_steps(eqs: &Equations, vjp: &Vjp, terms: &[(At, Expr)], target: &At, ce: &[(At, Expr)]) -> Option<Expr> {
    let mut terms = terms.to_vec();
    terms.sort_by_key(|(at, _)| at.1);
    let (q, _) = &terms.first()?.0;
    let steps: Vec<i64> = terms
        .iter()
        .map(|((n, k), _)| if n == q { *k } else { None })
        .collect::<Option<_>>()?;
    let (a, b) = (*steps.first()?, *steps.last()?);
    if terms.len() < 2 || steps.iter().zip(a..).any(|(k, want)| *k != want) {
        return None;
    }
    let (var, general) = eqs.model.tensors.source.stmts.iter().find_map(|s| match &s.kind {
        StmtKind::Equation(Lhs::Indexed(id, k), rhs) if &id.name == q => match &k.kind {
            ExprKind::Name(v) if eqs.int(k).is_none() => Some((v.name.clone(), rhs.clone())),
            _ => None,
        },
        _ => None,
    })?;
    let own = index(q, name(&var));
    let (g, rhs) = match ce.iter().find(|(at, _)| at.0 == *q && at.1 == Some(a)) {
        Some((_, y)) => {
            // The target at step a, written at the general step.
            let ExprKind::Index(yid, _) = &y.kind else { return None };
            let ExprKind::Call(_, args) = &general.kind else {
                return None;
            };
            (sub(own.clone(), index(&yid.name, name(&var))), args[0].clone())
        }
        None => (index(&adjoint_name(q), name(&var)), general.clone()),
    };
    let term = vjp.vjp(&rhs, g, target, Some(&own)).ok()??;
    for ((_, k), concrete) in &terms {
        let k = (*k)?;
        if !same(&eqs.evaluate_steps(steps::substitute(&term, &var, k)), concrete) {
            return None;
        }
    }
    let sum = ExprKind::Sum {
        var: ident(&var),
        lo: Box::new(num(a)),
        hi: Box::new(num(b)),
        body: Box::new(term),
    };
    Some(mk(sum))
}

/// The model's equations on the way, each once as written.
fn forward_equations(model: &Model, order: &[(At, Vec<At>)], reaches: &BTreeSet<At>, root: &At) -> Vec<Stmt> {
    let names: BTreeSet<&str> = order
        .iter()
        .filter(|(at, _)| reaches.contains(at) || at == root)
        .map(|(at, _)| at.0.as_str())
        .collect();
    model
        .tensors
        .source
        .stmts
        .iter()
        .filter(|s| match &s.kind {
            StmtKind::Equation(Lhs::Plain(id) | Lhs::Indexed(id, _), _) => names.contains(id.name.as_str()),
            _ => false,
        })
        .cloned()
        .collect()
}

/// A derivation made, before its check.
pub(crate) struct Input {
    pub root: At,
    pub wrt: String,
    /// What the gradient is of: a parameter, or a quantity at a step.
    pub target: At,
    pub shape: Shape,
    pub forward: Vec<Stmt>,
    /// From the loss down.
    pub adjoints: Vec<(At, Expr)>,
    pub softmax_ce: Vec<(At, Expr)>,
    pub gradient: Expr,
}

/// Adds every formula to the model as an equation, evaluates them, and
/// compares each entry with AD (and the gradient with central differences).
pub(crate) fn check(model: &Model, seed: u64, digits: u32, input: Input) -> Result<MatrixDerivation, MatrixError> {
    let Input {
        root,
        wrt,
        target,
        shape,
        forward,
        adjoints,
        softmax_ce,
        gradient,
    } = input;
    // The gradient is the adjoint of what `--wrt` names: `∇W`, or `∇h` at
    // its step, beside the adjoints of the other steps.
    let grad_lhs = match target.1 {
        Some(k) => Lhs::Indexed(ident(&adjoint_name(&target.0)), num(k)),
        None => Lhs::Plain(ident(&adjoint_name(&target.0))),
    };
    let grad_ref = index_or_name(&adjoint_name(&target.0), target.1);
    let mut file: File = model.tensors.source.clone();
    let eq = |lhs, rhs| Stmt {
        kind: StmtKind::Equation(lhs, rhs),
        span: Default::default(),
    };
    for (at, formula) in &adjoints {
        let lhs = match at.1 {
            Some(k) => Lhs::Indexed(ident(&adjoint_name(&at.0)), num(k)),
            None => Lhs::Plain(ident(&adjoint_name(&at.0))),
        };
        file.stmts.push(eq(lhs, formula.clone()));
    }
    file.stmts.push(eq(grad_lhs, gradient.clone()));
    let err = |e: &dyn std::fmt::Display| MatrixError::Eval(e.to_string());
    let checked = model_of(file).map_err(|e| err(&e))?;
    let mut un = Unroller::new(&checked, UnrollOptions::default());
    let mut nodes = |e: &Expr| -> Result<Vec<NodeId>, MatrixError> {
        let t = crate::shape::lower_expr(e, &checked.tensors).map_err(|e| err(&e))?;
        t.entries
            .iter()
            .map(|x| {
                let (r, _) = crate::model::scope::resolve_expr(x, &checked, Default::default()).map_err(|e| err(&e))?;
                un.expr(&r).map_err(|e| err(&e))
            })
            .collect()
    };
    let of_node = nodes(&Vjp::refer(&root))?[0];
    let adj_nodes = adjoints
        .iter()
        .map(|(at, _)| {
            Ok((
                nodes(&Vjp::refer(at))?,
                nodes(&index_or_name(&adjoint_name(&at.0), at.1))?,
            ))
        })
        .collect::<Result<Vec<_>, MatrixError>>()?;
    let w_nodes = nodes(&Vjp::refer(&target))?;
    let grad_nodes = nodes(&grad_ref)?;
    let graph = un.into_graph();
    let mut bindings = Bindings::from_model(&checked);
    let mut formula_roots: Vec<NodeId> = adj_nodes.iter().flat_map(|(_, f)| f.iter().copied()).collect();
    formula_roots.extend(&grad_nodes);
    formula_roots.push(of_node);
    let free = free_leaves(&graph, &formula_roots, &bindings);
    let random = (!free.is_empty()).then(|| {
        let vals = random_values(seed, &free);
        for (s, q) in &vals {
            bindings.set(*s, q.clone());
        }
        (seed, vals.into_iter().map(|(s, q)| (checked.label(s), q)).collect())
    });
    let opts = EvalOptions { digits };
    let values = evaluate(&graph, &formula_roots, &bindings, opts).map_err(|u| err(&format!("{u:?}")))?;
    // Every adjoint entry and every gradient entry by one reverse sweep.
    let mut targets: Vec<NodeId> = adj_nodes.iter().flat_map(|(named, _)| named.iter().copied()).collect();
    targets.extend(&w_nodes);
    let all_ad = gradients_ad(&graph, of_node, &targets, &bindings, checked.relu_active, digits)
        .map_err(|u| err(&format!("{u:?}")))?;
    let mut ad_values = all_ad.into_iter();
    let mut mismatches = Vec::new();
    let mut at_value = values.into_iter();
    let mut out_adj = Vec::new();
    for ((at, formula), (named, _)) in adjoints.into_iter().zip(&adj_nodes) {
        let vals: Vec<Value> = at_value.by_ref().take(named.len()).collect();
        let ads: Vec<Value> = ad_values.by_ref().take(named.len()).collect();
        let before = mismatches.len();
        for (k, (v, a)) in vals.iter().zip(&ads).enumerate() {
            if !agree(v, &a.interval(), &Q::zero()) {
                mismatches.push(format!(
                    "∇{} entry {}",
                    crate::vocab::at_step(&at.0, at.1.unwrap_or(0)),
                    k + 1
                ));
            }
        }
        let vals = exact_where_known(vals, &ads);
        let shape = crate::shape::lower_expr(&Vjp::refer(&at), &model.tensors)
            .map(|t| t.shape)
            .unwrap_or(Shape::SCALAR);
        out_adj.push(Adjoint {
            at,
            shape,
            formula,
            values: vals,
            ad: ads,
            verified: mismatches.len() == before,
        });
    }
    let grad_vals: Vec<Value> = at_value.by_ref().take(grad_nodes.len()).collect();
    let before = mismatches.len();
    let grad_ad: Vec<Value> = ad_values.collect();
    let mut difference = Vec::new();
    let differenced = difference_entries(w_nodes.len(), seed);
    for (k, &n) in w_nodes.iter().enumerate() {
        let (i, j) = (k / shape.cols + 1, k % shape.cols + 1);
        if !agree(&grad_vals[k], &grad_ad[k].interval(), &Q::zero()) {
            mismatches.push(format!("{wrt}[{i},{j}]: the formula and AD disagree"));
        }
        if !differenced.contains(&k) {
            continue;
        }
        let d = central_difference(&graph, of_node, n, &bindings, digits).map_err(|u| err(&format!("{u:?}")))?;
        if !agree(&grad_vals[k], &d.estimate, &Q::zero()) {
            mismatches.push(format!(
                "{wrt}[{i},{j}]: the formula and the central difference disagree"
            ));
        }
        difference.push((k, d.estimate));
    }
    let grad_vals = exact_where_known(grad_vals, &grad_ad);
    let gradient_verified = mismatches.len() == before;
    Ok(MatrixDerivation {
        of: root,
        wrt: wrt.clone(),
        wrt_at: target,
        shape,
        forward,
        adjoints: out_adj,
        softmax_ce,
        gradient,
        values: grad_vals,
        ad: grad_ad,
        difference,
        random,
        seed,
        mismatches,
        gradient_verified,
    })
}

/// A model file, as written (vectors and matrices whole), lowered and
/// resolved: what `chainrule::load` does after parsing.
pub(crate) fn model_of(file: File) -> Result<Model, String> {
    let (lowered, tensors): (File, Tensors) = crate::shape::lower(file).map_err(|e| e.to_string())?;
    let mut model = crate::model::resolve(&lowered, &[]).map_err(|e| e.to_string())?;
    model.tensors = tensors;
    Ok(model)
}

/// The values shown: AD's where it is exact (an exact rational, which the
/// formula's enclosure was just checked to contain), else the formula's.
/// A zero the evaluator could not prove is then written `0`, not as the
/// tiny interval around it.
fn exact_where_known(formula: Vec<Value>, ad: &[Value]) -> Vec<Value> {
    formula
        .into_iter()
        .zip(ad)
        .map(|(f, a)| match a {
            Value::Exact(_) if agree(&f, &a.interval(), &Q::zero()) => a.clone(),
            _ => f,
        })
        .collect()
}

/// Central differences taken per gradient: each costs forward passes over
/// the whole graph, so a large matrix is differenced at a seeded sample
/// of its entries (AD still checks every entry).
pub const MAX_DIFFERENCES: usize = 16;

/// The entries differenced: all of them, or [`MAX_DIFFERENCES`] drawn
/// without repeats by a generator seeded with `seed` (same every run).
fn difference_entries(n: usize, seed: u64) -> BTreeSet<usize> {
    if n <= MAX_DIFFERENCES {
        return (0..n).collect();
    }
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    let mut out = BTreeSet::new();
    while out.len() < MAX_DIFFERENCES {
        // splitmix64: a fixed, documented sequence for a given seed.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.insert((z % n as u64) as usize);
    }
    out
}
