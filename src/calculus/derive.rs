//! The derivation as data: paths, their chain-rule products, the total, and
//! the check. Nothing here formats strings; `render::derivation` does.

use super::adjoint_form::{accumulate, adjoint_equations, AdjointEq};
use super::local::{local_partial, slots, Names};
use super::numeric::{agree, central_difference, gradient_ad, Difference};
use super::paths::{count_paths, paths};
use crate::eval::{evaluate, Bindings, EvalOptions, Unevaluable, Value};
use crate::graph::{Graph, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::build::factored_node;
use crate::simplify::present::{operands, present};
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

/// One edge of a path: `parent` uses `child` as operand number `slot`.
#[derive(Clone, Debug)]
pub struct Edge {
    pub child: NodeId,
    pub parent: NodeId,
    pub slot: usize,
    /// `∂parent/∂child`, written through names and presented.
    pub partial: NodeId,
}

/// One path from `wrt` up to `of`.
#[derive(Clone, Debug)]
pub struct PathDerivation {
    pub nodes: Vec<NodeId>,
    pub edges: Vec<Edge>,
    /// The product of the local partials, simplified.
    pub product: Factored,
    pub simplified: NodeId,
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
    /// The simplified total when every path is listed; `None` otherwise.
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
    pub check: Check,
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

/// How the result was proven.
#[derive(Clone, Debug)]
pub struct Check {
    pub verified: bool,
    /// Reverse-mode AD on the graph.
    pub ad: Value,
    /// Central difference of the forward evaluator, with its error bound.
    pub difference: Difference,
    /// The sum of the listed path values, when all paths are listed.
    pub path_sum: Option<Value>,
    /// The same agreement at seeded random points.
    pub points: Vec<super::check::PointCheck>,
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

/// Every slot assignment of a node path: `x*x` gives two paths through the
/// same nodes, one per operand.
fn edge_choices(g: &Graph, nodes: &[NodeId]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for w in nodes.windows(2) {
        let s = slots(g, w[1], w[0]);
        out = out
            .into_iter()
            .flat_map(|prefix| s.iter().map(move |&k| [prefix.clone(), vec![k]].concat()))
            .collect();
    }
    out
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
    let node_paths: Vec<Vec<NodeId>> = {
        let mut seen = std::collections::HashSet::new();
        paths(g, wrt, of)
            .filter(|p| seen.insert(p.clone()))
            .take(opts.max_paths)
            .collect()
    };
    let named = Names::new(g);
    // Paths share most of their edges: each local partial is derived and
    // presented once.
    let mut partials: std::collections::HashMap<(NodeId, usize), (Factored, NodeId)> = Default::default();
    let mut listed: Vec<(Vec<NodeId>, Vec<Edge>, Factored)> = Vec::new();
    'outer: for nodes in &node_paths {
        for choice in edge_choices(g, nodes) {
            if listed.len() >= opts.max_paths {
                break 'outer;
            }
            let mut product = Factored::constant(Q::one());
            let mut edges = Vec::new();
            for (w, &slot) in nodes.windows(2).zip(&choice) {
                let (f, partial) = match partials.get(&(w[1], slot)) {
                    Some(hit) => hit.clone(),
                    None => {
                        let f = local_partial(g, &named, w[1], slot, opts.relu_active)?;
                        let partial = present(g, &f)?;
                        partials.insert((w[1], slot), (f.clone(), partial));
                        (f, partial)
                    }
                };
                product = product.mul(&f);
                edges.push(Edge {
                    child: w[0],
                    parent: w[1],
                    slot,
                    partial,
                });
            }
            listed.push((nodes.clone(), edges, product));
        }
    }
    let truncated = BigUint::from(listed.len()) < path_count;
    let mut built = Vec::new();
    for (nodes, edges, product) in listed {
        let simplified = present(g, &product)?;
        built.push(PathDerivation {
            nodes,
            edges,
            product,
            simplified,
            value: Value::Exact(Q::zero()),
        });
    }
    let mut total_factored = false;
    let total = if truncated {
        None
    } else {
        // The sum of the simplified paths, or the sum with its common
        // factors pulled out, whichever has fewer operands.
        let mut plain: Option<NodeId> = None;
        for p in &built {
            use crate::graph::Node;
            plain = Some(match (plain, g.node(p.simplified).clone()) {
                (None, _) => p.simplified,
                (Some(a), Node::Neg(t)) => g.add(Node::Sub(a, t))?,
                (Some(a), _) => g.add(Node::Add(a, p.simplified))?,
            });
        }
        let products: Vec<Factored> = built.iter().map(|p| p.product.clone()).collect();
        match (Factored::sum(&products), plain) {
            (Some(f), Some(plain)) => {
                let factored = present(g, &f)?;
                if operands(g, factored) <= operands(g, plain) {
                    total_factored = true;
                    Some(factored)
                } else {
                    Some(plain)
                }
            }
            (Some(f), None) => Some(factored_node(g, &f)?),
            (None, plain) => plain,
        }
    };
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
            super::check::check_random_points(
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
    let tolerance = Q::one()
        / Q::int(10)
            .pow(i64::from(opts.digits.saturating_sub(5)))
            .unwrap_or_else(Q::one);
    let path_sum = (!truncated).then(|| sum_values(built.iter().map(|p| &p.value)));
    let mut verified = agree(&total_value, &ad.interval(), &tolerance)
        && agree(&total_value, &difference.estimate, &tolerance)
        && agree(&ad, &difference.estimate, &tolerance);
    if let Some(s) = &path_sum {
        verified &= agree(s, &ad.interval(), &tolerance);
    }
    verified &= points.iter().all(|p| p.verified);
    Ok(Derivation {
        of,
        wrt,
        path_count,
        paths: built,
        truncated,
        total,
        adjoints,
        total_factored,
        total_value,
        atom_values,
        check: Check {
            verified,
            ad,
            difference,
            path_sum,
            points,
        },
    })
}

/// The exact sum of exact values, or an interval sum otherwise.
fn sum_values<'a>(vals: impl Iterator<Item = &'a Value>) -> Value {
    vals.fold(Value::Exact(Q::zero()), |acc, v| acc.add(v, crate::number::Prec(400)))
}
