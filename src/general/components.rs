//! The parts of a general derivation, each found once by differentiating
//! one step of the network on its own.
//!
//! A graph is unrolled around one step `s` with every state held fixed
//! where an expression reads it (its elements there are leaves: see
//! `graph::UnrollOptions::stop`). The derivative of a state's equation at
//! `s + j` by a state's leaf at `s` is then one local factor of the
//! backpropagation-through-time recurrence, `∂h^{(t+1)}/∂h^{(t)}`,
//! written through the network's names by the same path machinery as an
//! unrolled derivation. Built at the generic step `t` (see
//! [`crate::vocab::steps`]), it holds for every step the same equation
//! covers.

use super::analysis::Shape;
use super::GeneralError;
use crate::calculus::listing::list_paths;
use crate::calculus::total::total_forms;
use crate::graph::{Graph, Key, Node, NodeId, UnrollOptions, Unroller};
use crate::model::Model;
use crate::vocab::steps::{GENERIC_T, HORIZON};
use crate::vocab::{Sym, SymId};
use std::collections::BTreeMap;

/// Paths looked at in one step of a network; one step has few.
const MAX_STEP_PATHS: usize = 4096;

/// An expression in one of the [`Components`]' graphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expr {
    /// Index into [`Components::graphs`].
    pub graph: usize,
    pub node: NodeId,
}

/// Where a term of the loss that is not summed over steps touches a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum At {
    /// At step `k`.
    Start(i64),
    /// At step `T − m`.
    End(i64),
}

/// `∂L/∂q^{(t)}` through state `p` at `t + j`: `∂L/∂p^{(t+j)} · partial`.
#[derive(Clone, Debug)]
pub struct Next {
    pub p: SymId,
    pub j: i64,
    /// `∂p^{(t+j)}/∂q^{(t)}`, other states held fixed; steps relative to
    /// the generic `t`.
    pub partial: Expr,
}

/// The adjoint of one state, in parts.
#[derive(Clone, Debug, Default)]
pub struct Adjoint {
    /// Through later (or same-step) states.
    pub next: Vec<Next>,
    /// Directly from the loss's summand at step `t + d`, for each `d`:
    /// `∂ℓ_{t+d}/∂q^{(t)}`.
    pub body: Vec<(i64, Expr)>,
    /// Directly from the loss's other terms, at the steps they touch.
    pub points: Vec<(At, Expr)>,
}

/// Everything a general derivation is written and checked with.
pub struct Components {
    /// The graphs the expressions live in.
    pub graphs: Vec<Graph>,
    /// The adjoint of each state.
    pub adjoints: BTreeMap<SymId, Adjoint>,
    /// `∂p^{(t)}/∂p^{(t−1)}` for each state `p` that reads itself one step
    /// back, written at `t` (for the product form).
    pub step_back: BTreeMap<SymId, Expr>,
}

/// Unroll options around one step: every state held fixed where it is read.
fn options(shape: &Shape, window: Option<(i64, i64)>) -> UnrollOptions {
    UnrollOptions {
        horizon: Some(HORIZON),
        stop: shape.states.clone(),
        window,
        symbolic: vec![shape.horizon],
    }
}

/// `∂of/∂wrt` in `g`, written through the network's names: the total of
/// every path between them; `None` when there is no path.
pub(super) fn symbolic_partial(
    g: &mut Graph,
    of: NodeId,
    wrt: NodeId,
    relu_active: bool,
) -> Result<Option<NodeId>, GeneralError> {
    let listing = list_paths(g, of, wrt, MAX_STEP_PATHS, relu_active).map_err(|_| GeneralError::TooLarge)?;
    if listing.paths.is_empty() {
        return Ok(None);
    }
    if listing.truncated {
        return Err(GeneralError::TooLarge);
    }
    let (_, total) = total_forms(g, &listing.paths).map_err(|_| GeneralError::TooLarge)?;
    Ok(total)
}

/// The leaf of state `q` at step `s` in `g`, if anything there reads it.
fn state_leaf(g: &Graph, q: SymId, s: i64) -> Option<NodeId> {
    g.find(&Node::Leaf(Sym { id: q, step: Some(s) }))
}

/// Builds every part. `model` has its horizon const set to [`HORIZON`].
pub fn components(model: &Model, shape: &Shape, of: SymId) -> Result<Components, GeneralError> {
    let relu = model.relu_active;
    let mut graphs: Vec<Graph> = Vec::new();
    let mut adjoints: BTreeMap<SymId, Adjoint> = shape.states.iter().map(|&q| (q, Adjoint::default())).collect();
    let g0 = GENERIC_T;
    let reach = shape.reach;

    // Through states: each state's equation at t + j, by each state at t.
    {
        let mut un = Unroller::new(model, options(shape, None));
        let mut roots = Vec::new();
        for &p in &shape.states {
            for j in 0..=reach {
                roots.push((p, j, un.element(Key::Elem(p, g0 + j), Default::default())?));
            }
        }
        let mut g = un.into_graph();
        let index = graphs.len();
        for (p, j, root) in roots {
            for &q in &shape.states {
                if p == q && j == 0 {
                    continue;
                }
                let Some(leaf) = state_leaf(&g, q, g0) else { continue };
                if let Some(partial) = symbolic_partial(&mut g, root, leaf, relu)? {
                    adjoints.get_mut(&q).expect("a state").next.push(Next {
                        p,
                        j,
                        partial: Expr {
                            graph: index,
                            node: partial,
                        },
                    });
                }
            }
        }
        graphs.push(g);
    }

    // The same one step back, for the product form: ∂p^{(t)}/∂p^{(t−1)}.
    let mut step_back = BTreeMap::new();
    {
        let mut un = Unroller::new(model, options(shape, None));
        let mut roots = Vec::new();
        for &p in &shape.states {
            roots.push((p, un.element(Key::Elem(p, g0), Default::default())?));
        }
        let mut g = un.into_graph();
        let index = graphs.len();
        for (p, root) in roots {
            if let Some(leaf) = state_leaf(&g, p, g0 - 1) {
                if let Some(partial) = symbolic_partial(&mut g, root, leaf, relu)? {
                    step_back.insert(
                        p,
                        Expr {
                            graph: index,
                            node: partial,
                        },
                    );
                }
            }
        }
        graphs.push(g);
    }

    // Directly from the loss's summands: the summand at t + d alone.
    if shape.sum_bounds.is_some() {
        for d in -reach..=reach {
            let mut un = Unroller::new(model, options(shape, Some((g0 + d, g0 + d))));
            let root = un.element(Key::Quantity(of), Default::default())?;
            let mut g = un.into_graph();
            let index = graphs.len();
            for &q in &shape.states {
                let Some(leaf) = state_leaf(&g, q, g0) else { continue };
                if let Some(partial) = symbolic_partial(&mut g, root, leaf, relu)? {
                    adjoints.get_mut(&q).expect("a state").body.push((
                        d,
                        Expr {
                            graph: index,
                            node: partial,
                        },
                    ));
                }
            }
            graphs.push(g);
        }
    }

    // Directly from the loss's other terms: without its summands, near the
    // start and near the horizon (in the middle there must be none).
    let span = reach + 2;
    let mut at: Vec<(At, i64)> = (0..=span).map(|k| (At::Start(k), k)).collect();
    at.extend((0..=span).map(|m| (At::End(m), HORIZON - m)));
    at.push((At::Start(g0), g0));
    for (place, s) in at {
        let mut un = Unroller::new(model, options(shape, Some((1, 0))));
        let root = un.element(Key::Quantity(of), Default::default())?;
        let mut g = un.into_graph();
        let index = graphs.len();
        let mut used = false;
        for &q in &shape.states {
            let Some(leaf) = state_leaf(&g, q, s) else { continue };
            if let Some(partial) = symbolic_partial(&mut g, root, leaf, relu)? {
                if s == g0 {
                    return Err(GeneralError::LossAtGenericStep(model.symbol(q).name.clone()));
                }
                adjoints.get_mut(&q).expect("a state").points.push((
                    place,
                    Expr {
                        graph: index,
                        node: partial,
                    },
                ));
                used = true;
            }
        }
        if used {
            graphs.push(g);
        }
    }
    Ok(Components {
        graphs,
        adjoints,
        step_back,
    })
}

/// `∂x^{(t)}/∂w` for each state `x` (local: other states held fixed), the
/// loss summand's `∂ℓ_t/∂w`, and the other terms' `∂L/∂w`, for a
/// parameter `w`: the parts of `∂L/∂w = Σ_t Σ_x ∂L/∂x^{(t)} ∂x^{(t)}/∂w + …`.
pub struct ParamParts {
    pub local: Vec<(SymId, Expr)>,
    pub body: Option<Expr>,
    pub rest: Option<Expr>,
}

/// The parts of a derivative by the parameter `w`, in new graphs of `c`.
pub fn param_parts(
    model: &Model,
    shape: &Shape,
    of: SymId,
    w: SymId,
    c: &mut Components,
) -> Result<ParamParts, GeneralError> {
    let relu = model.relu_active;
    let wsym = Sym { id: w, step: None };
    let g0 = GENERIC_T;
    let mut local = Vec::new();
    {
        let mut un = Unroller::new(model, options(shape, None));
        let mut roots = Vec::new();
        for &q in &shape.states {
            roots.push((q, un.element(Key::Elem(q, g0), Default::default())?));
        }
        let mut g = un.into_graph();
        let index = c.graphs.len();
        if let Some(leaf) = g.find(&Node::Leaf(wsym)) {
            for (q, root) in roots {
                if let Some(p) = symbolic_partial(&mut g, root, leaf, relu)? {
                    local.push((q, Expr { graph: index, node: p }));
                }
            }
        }
        c.graphs.push(g);
    }
    let mut loss_part = |window: (i64, i64)| -> Result<Option<Expr>, GeneralError> {
        let mut un = Unroller::new(model, options(shape, Some(window)));
        let root = un.element(Key::Quantity(of), Default::default())?;
        let mut g = un.into_graph();
        let Some(leaf) = g.find(&Node::Leaf(wsym)) else {
            return Ok(None);
        };
        let found = symbolic_partial(&mut g, root, leaf, relu)?;
        let index = c.graphs.len();
        c.graphs.push(g);
        Ok(found.map(|node| Expr { graph: index, node }))
    };
    let body = if shape.sum_bounds.is_some() {
        loss_part((g0, g0))?
    } else {
        None
    };
    let rest = loss_part((1, 0))?;
    Ok(ParamParts { local, body, rest })
}
