//! The derivation as data: paths, their chain-rule products, the total, and
//! the check. Nothing here formats strings; `render::derivation` does.

use super::adjoint_form::{accumulate, adjoint_equations, AdjointEq};
use super::assumption::inactive_relus;
use super::local::{local_partial, slots, Names};
use super::numeric::{agree, central_difference, gradient_ad, Difference};
use super::paths::{count_paths, listed_paths};
use super::steps::{steps, Granularity, Step};
use crate::eval::{evaluate, Bindings, EvalOptions, Unevaluable, Value};
use crate::graph::{Graph, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::build::factored_node;
use crate::simplify::present::{minus_signs, operands, present};
use crate::simplify::Factored;
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

/// One step of a path: `parent` uses `child` (as one operand or more).
#[derive(Clone, Debug)]
pub struct Edge {
    pub child: NodeId,
    pub parent: NodeId,
    /// `∂parent/∂child` (over every operand that is `child`), written
    /// through names and presented.
    pub partial: NodeId,
}

/// One path from `wrt` up to `of`.
#[derive(Clone, Debug)]
pub struct PathDerivation {
    pub nodes: Vec<NodeId>,
    pub edges: Vec<Edge>,
    /// The chain-rule factors, from `wrt` up: per operation, unless
    /// [`regroup`] was asked for another granularity.
    pub steps: Vec<Step>,
    /// The product of the local partials, simplified.
    pub product: Factored,
    pub simplified: NodeId,
    /// How many paths of the graph this one stands for: more than one when
    /// an operation on it uses its operand twice (`x*x`: one path per edge).
    pub multiplicity: BigUint,
    pub value: Value,
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

/// The leaves and named nodes an expression prints as names: a walk of its
/// tree that stops at them, with an explicit stack.
pub fn printed_atoms(g: &Graph, root: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match g.node(n) {
            crate::graph::Node::Leaf(_) | crate::graph::Node::Named(..) => out.push(n),
            other => stack.extend(other.children()),
        }
    }
    out
}

/// How the result was proven: the routes that share no code with the
/// symbolic one, and their agreement.
#[derive(Clone, Debug)]
pub struct Proof {
    pub verified: bool,
    /// Reverse-mode AD on the graph.
    pub ad: Value,
    /// Central difference of the forward evaluator, with its error bound.
    pub difference: Difference,
    /// The sum of the listed path values, when all paths are listed.
    pub path_sum: Option<Value>,
    /// The same agreement at seeded random points.
    pub points: Vec<super::random_points::PointCheck>,
    /// Routes agree when they differ by less than `10^-tolerance_digits`.
    pub tolerance_digits: u32,
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
    // the graph holds yet: it starts now on a second thread, with a copy of
    // the graph (the paths below add nodes), and is joined at the check.
    // On an early error it is left to finish on its own, its result unused.
    let difference_job = {
        let (graph, bindings, digits) = (g.clone(), bindings.clone(), opts.digits);
        std::thread::Builder::new()
            .name("central difference".into())
            .spawn(move || central_difference(&graph, of, wrt, &bindings, digits))
            .ok()
    };
    crate::progress::step("derive paths");
    let path_count = count_paths(g, wrt, of);
    // A node path that goes through an operation using one operand twice
    // (`x*x`) stands for as many graph paths, one per edge; it is shown
    // once, with the whole local partial (`2x`), as a course writes it,
    // and counted as what it stands for.
    let node_paths: Vec<Vec<NodeId>> = {
        let mut seen = std::collections::HashSet::new();
        listed_paths(g, wrt, of, opts.max_paths)
            .into_iter()
            .filter(|p| seen.insert(p.clone()))
            .collect()
    };
    let named = Names::new(g);
    // Paths share most of their edges: each local partial is derived and
    // presented once.
    let mut partials: std::collections::HashMap<(NodeId, NodeId), (Factored, NodeId)> = Default::default();
    let mut built = Vec::new();
    let mut stands_for = BigUint::from(0u32);
    for nodes in node_paths {
        let mut product = Factored::constant(Q::one());
        let mut edges = Vec::new();
        let mut multiplicity = BigUint::from(1u32);
        for w in nodes.windows(2) {
            let (child, parent) = (w[0], w[1]);
            let slots = slots(g, parent, child);
            multiplicity *= slots.len();
            let (f, partial) = match partials.get(&(parent, child)) {
                Some(hit) => hit.clone(),
                None => {
                    let mut terms = Vec::with_capacity(slots.len());
                    for &slot in &slots {
                        terms.push(local_partial(g, &named, parent, slot, opts.relu_active)?);
                    }
                    let f = match terms.len() {
                        1 => terms.remove(0),
                        _ => Factored::sum(&terms).unwrap_or_else(|| terms.remove(0)),
                    };
                    let partial = present(g, &f)?;
                    partials.insert((parent, child), (f.clone(), partial));
                    (f, partial)
                }
            };
            product = product.mul(&f);
            edges.push(Edge { child, parent, partial });
        }
        stands_for += &multiplicity;
        let simplified = present(g, &product)?;
        let steps = steps(g, of, wrt, &edges, Granularity::Operations)?;
        built.push(PathDerivation {
            nodes,
            edges,
            steps,
            product,
            simplified,
            multiplicity,
            value: Value::Exact(Q::zero()),
        });
    }
    let truncated = stands_for < path_count;
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
    let difference = match difference_job {
        Some(job) => job.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        None => central_difference(g, of, wrt, bindings, opts.digits),
    };
    let difference = difference?;
    let total_value = match (total, adjoint_total) {
        (Some(_), _) => values.last().cloned().unwrap_or(Value::Exact(Q::zero())),
        (None, Some(v)) => v,
        (None, None) => ad.clone(),
    };
    let tolerance_digits = opts.digits.saturating_sub(5);
    let tolerance = Q::one() / Q::int(10).pow(i64::from(tolerance_digits)).unwrap_or_else(Q::one);
    let path_sum = (!truncated).then(|| sum_values(built.iter().map(|p| &p.value)));
    let mut verified = agree(&total_value, &ad.interval(), &tolerance)
        && agree(&total_value, &difference.estimate, &tolerance)
        && agree(&ad, &difference.estimate, &tolerance);
    if let Some(s) = &path_sum {
        verified &= agree(s, &ad.interval(), &tolerance);
    }
    verified &= points.iter().all(|p| p.verified);
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
        proof: Proof {
            verified,
            ad,
            difference,
            path_sum,
            points,
            tolerance_digits,
        },
        relu_inactive,
    })
}

/// Shows every path of `d` in steps of granularity `gran` (a derivation is
/// built per operation).
pub fn regroup(g: &mut Graph, d: &mut Derivation, gran: Granularity) -> Result<(), TooLarge> {
    for p in &mut d.paths {
        p.steps = steps(g, d.of, d.wrt, &p.edges, gran)?;
    }
    Ok(())
}

/// The sum of the paths' simplified forms (two or more paths), and the
/// total as it is shown: the sum with what the paths share pulled out
/// (nothing multiplied out), or that common factor times the rest collected
/// and factored when it has no more operands (`2 (h⁽¹⁾ + w) h⁽²⁾` for
/// `h⁽²⁾ w + h⁽²⁾ w + h⁽²⁾ h⁽¹⁾ + h⁽²⁾ h⁽¹⁾`).
fn total_forms(g: &mut Graph, built: &[PathDerivation]) -> Result<(Option<NodeId>, Option<NodeId>), TooLarge> {
    use crate::graph::Node;
    use crate::simplify::build::common_factor_node;
    use crate::simplify::CommonFactor;
    let mut plain: Option<NodeId> = None;
    for p in built {
        plain = Some(match (plain, g.node(p.simplified).clone()) {
            (None, _) => p.simplified,
            (Some(a), Node::Neg(t)) => g.add(Node::Sub(a, t))?,
            (Some(a), _) => g.add(Node::Add(a, p.simplified))?,
        });
    }
    let products: Vec<Factored> = built.iter().map(|p| p.product.clone()).collect();
    let Some(cf) = CommonFactor::of(&products) else {
        // One path (or none that is not zero): its form is the total.
        let total = match Factored::sum(&products) {
            Some(f) => present(g, &f)?,
            None => match plain {
                Some(p) => p,
                None => g.add(Node::Lit(Q::zero()))?,
            },
        };
        return Ok((None, Some(total)));
    };
    // The sign goes where it reads best: `(y − 1) v (x⁽²⁾ + u x⁽¹⁾)`, not
    // `(1 − y) v (−x⁽²⁾ − u x⁽¹⁾)`; `v ((ŷ − y) + …)`, not `−v ((y − ŷ) + …)`.
    let mut shown = common_factor_node(g, &cf)?;
    let other = common_factor_node(g, &cf.negated())?;
    if minus_signs(g, other) < minus_signs(g, shown) {
        shown = other;
    }
    if let Some(collected) = Factored::sum(&products) {
        let collected = factored_node(g, &collected)?;
        if operands(g, collected) < operands(g, shown) {
            shown = collected;
        }
    }
    Ok((plain, Some(shown)))
}

/// The exact sum of exact values, or an interval sum otherwise.
fn sum_values<'a>(vals: impl Iterator<Item = &'a Value>) -> Value {
    vals.fold(Value::Exact(Q::zero()), |acc, v| acc.add(v, crate::number::Prec(400)))
}
