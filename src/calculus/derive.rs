//! The derivation as data: paths, their chain-rule products, the total, and
//! the check. Nothing here formats strings; `render::derivation` does.

use super::adjoint_form::{accumulate, adjoint_equations, AdjointEq};
use super::assumption::inactive_relus;
use super::fold_path::fold_path;
use super::listing::{list_paths, Listing};
pub use super::listing::{Edge, PathDerivation};
use super::numeric::gradient_ad;
use super::steps::{steps, Absorbed, Granularity};
pub use super::total::printed_atoms;
use super::total::total_forms;
use super::verify::DifferenceJob;
pub use super::verify::Proof;
use crate::eval::{evaluate, Bindings, EvalOptions, Unevaluable, Value};
use crate::fold::StepOf;
use crate::graph::{Graph, NodeId, TooLarge};
use crate::number::Q;
use num_bigint::BigUint;

/// What `derive` was asked.
#[derive(Clone, Debug)]
pub struct DeriveOptions {
    /// List at most this many paths; beyond, the total comes from adjoints.
    pub max_paths: usize,
    /// Certified digits of every value.
    pub digits: u32,
    pub relu_active: bool,
    /// Also check at this many seeded random points.
    pub random_points: usize,
    /// Seed of those points.
    pub seed: u64,
}

/// The derivative of `of` with respect to `wrt`.
#[derive(Clone, Debug)]
pub struct Derivation {
    pub of: NodeId,
    pub wrt: NodeId,
    pub path_count: BigUint,
    /// The listed paths (at most `max_paths`).
    pub paths: Vec<PathDerivation>,
    /// More paths exist than are listed.
    pub truncated: bool,
    /// The sum of the simplified path forms, in path order, when every
    /// path is listed and there are two or more.
    pub total_sum: Option<NodeId>,
    /// The simplified total when every path is listed; `None` otherwise:
    /// the sum of the paths with what they share pulled out, or collected
    /// and factored when that reads shorter, never longer than the sum.
    pub total: Option<NodeId>,
    /// When paths were left out: the total by reverse accumulation, one
    /// adjoint equation per named quantity (empty otherwise).
    pub adjoints: Vec<AdjointEq>,
    /// The total has common factors pulled out (rather than being the plain
    /// sum of the path forms, which was shorter).
    pub total_factored: bool,
    pub total_value: Value,
    /// The value of every leaf and named quantity the path forms and the
    /// total are written in.
    pub atom_values: std::collections::BTreeMap<NodeId, Value>,
    pub proof: Proof,
    /// Under `assume relu active`: the relu calls whose argument is not
    /// positive at these values (where the assumption itself is false;
    /// relu was read as the identity there).
    pub relu_inactive: Vec<NodeId>,
}

/// Why a derivation could not be made.
#[derive(Clone, Debug)]
pub enum DeriveError {
    TooLarge,
    Eval(Unevaluable),
}

impl From<TooLarge> for DeriveError {
    fn from(_: TooLarge) -> DeriveError {
        DeriveError::TooLarge
    }
}

impl From<Unevaluable> for DeriveError {
    fn from(u: Unevaluable) -> DeriveError {
        DeriveError::Eval(u)
    }
}

/// Builds the derivation: paths and products, the simplified total, values
/// at `bindings`, and the independent check.
pub fn derive(
    g: &mut Graph,
    of: NodeId,
    wrt: NodeId,
    bindings: &Bindings,
    opts: &DeriveOptions,
) -> Result<Derivation, DeriveError> {
    // The central difference needs only the unrolled network, which is all
    // the graph holds yet: it starts now beside the rest.
    let difference_job = DifferenceJob::start(g, of, wrt, bindings, opts.digits);
    crate::progress::step("derive paths");
    let Listing {
        count: path_count,
        paths: mut built,
        truncated,
    } = list_paths(g, of, wrt, opts.max_paths, opts.relu_active)?;
    let (total_sum, total) = if truncated {
        (None, None)
    } else {
        total_forms(g, &built)?
    };
    let total_factored = total.is_some() && total != total_sum && total_sum.is_some();
    crate::progress::step("evaluate");
    // Values: every path, the total, AD and the central difference.
    let mut roots: Vec<NodeId> = built.iter().map(|p| p.simplified).collect();
    if let Some(t) = total {
        roots.push(t);
    }
    // The values of the names the results are written in, for the
    // handcalcs-style "values substituted" lines, come from the same forward
    // pass: they are below the roots.
    let mut atoms: Vec<NodeId> = roots.iter().flat_map(|&r| printed_atoms(g, r)).collect();
    atoms.sort_unstable();
    atoms.dedup();
    let asked: Vec<NodeId> = roots.iter().chain(&atoms).copied().collect();
    // With paths left out, the total comes from the adjoint equations,
    // evaluated term by term and accumulated: a route through the same
    // local partials as the paths, checked below against AD and the
    // central difference, which share none of it.
    let mut adjoints = Vec::new();
    if truncated {
        crate::progress::step("derive adjoints");
        adjoints = adjoint_equations(g, wrt, of, opts.relu_active)?;
    }
    // From here the graph is fixed. The random points (the symbolic result
    // against AD at seeded points) need nothing below, so they run on a
    // second thread while this one evaluates the values, the adjoint total
    // and AD at the model's point.
    let g: &Graph = g;
    let point_eqs = adjoints.clone();
    let (main, points) = std::thread::scope(|s| {
        let points = s.spawn(|| {
            super::random_points::check_random_points(
                g,
                of,
                wrt,
                total,
                &point_eqs,
                bindings,
                opts.seed,
                opts.random_points,
                opts.relu_active,
                opts.digits,
            )
        });
        let main = (|| -> Result<_, DeriveError> {
            let mut values = evaluate(g, &asked, bindings, EvalOptions { digits: opts.digits })?;
            let atom_values: std::collections::BTreeMap<NodeId, Value> =
                atoms.iter().copied().zip(values.split_off(roots.len())).collect();
            let mut adjoint_total = None;
            if truncated {
                let partials: Vec<NodeId> = adjoints
                    .iter()
                    .flat_map(|e| e.terms.iter().map(|t| t.partial))
                    .collect();
                let values = evaluate(
                    g,
                    &partials,
                    bindings,
                    EvalOptions {
                        digits: opts.digits + 10,
                    },
                )?;
                adjoint_total = Some(accumulate(&mut adjoints, of, &values));
            }
            crate::progress::step("check");
            let ad = gradient_ad(g, of, wrt, bindings, opts.relu_active, opts.digits)?;
            Ok((values, atom_values, adjoint_total, ad))
        })();
        (main, points.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    });
    let (values, atom_values, adjoint_total, ad) = main?;
    for (p, v) in built.iter_mut().zip(&values) {
        p.value = v.clone();
    }
    let difference = difference_job.finish(g, of, wrt, bindings, opts.digits)?;
    let total_value = match (total, adjoint_total) {
        (Some(_), _) => values.last().cloned().unwrap_or(Value::Exact(Q::zero())),
        (None, Some(v)) => v,
        (None, None) => ad.clone(),
    };
    let path_sum = (!truncated).then(|| sum_values(built.iter().map(|p| &p.value)));
    let proof = Proof::of(&total_value, ad, difference, path_sum, points, opts.digits);
    let relu_inactive = inactive_relus(g, &[of], bindings);
    Ok(Derivation {
        of,
        wrt,
        path_count,
        paths: built,
        truncated,
        total_sum,
        total,
        adjoints,
        total_factored,
        total_value,
        atom_values,
        proof,
        relu_inactive,
    })
}

/// Shows every path of `d` in steps of granularity `gran` (a derivation is
/// built per operation), with stretches of at least `min_run` repeated
/// steps written as products over them (`usize::MAX`: never).
///
/// Per equation, routes that read the same are merged (see
/// [`super::parallel`]); `bindings` and `digits` evaluate a merged path.
pub fn regroup(
    g: &mut Graph,
    d: &mut Derivation,
    gran: Granularity,
    min_run: usize,
    bindings: &Bindings,
    digits: u32,
) -> Result<(), DeriveError> {
    let absorbed = Absorbed::new(g, d.of, d.wrt);
    let step_of = StepOf::new(g, d.of);
    for p in &mut d.paths {
        p.steps = steps(g, d.of, d.wrt, &p.edges, gran, &absorbed)?;
    }
    if gran == Granularity::Equations {
        let cx = super::parallel::MergeContext {
            of: d.of,
            wrt: d.wrt,
            bindings,
            digits,
            relu_active: bindings.relu_active(),
        };
        d.paths = super::parallel::merge_parallel(g, std::mem::take(&mut d.paths), &cx).map_err(|e| match e {
            super::parallel::MergeError::TooLarge(_) => DeriveError::TooLarge,
            super::parallel::MergeError::Eval(u) => DeriveError::Eval(u),
        })?;
        let stands_for: num_bigint::BigUint = d.paths.iter().map(|p| p.multiplicity.clone()).sum();
        d.truncated = stands_for < d.path_count;
    }
    for p in &mut d.paths {
        p.folded = fold_path(g, &p.steps, &step_of, min_run)?;
    }
    Ok(())
}

/// The exact sum of exact values, or an interval sum otherwise.
fn sum_values<'a>(vals: impl Iterator<Item = &'a Value>) -> Value {
    vals.fold(Value::Exact(Q::zero()), |acc, v| acc.add(v, crate::number::Prec(400)))
}
