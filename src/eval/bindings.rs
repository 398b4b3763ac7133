//! Values for the leaves of the graph: from the model, from `--set`, or
//! seeded random rationals for leaves that have none.

use crate::graph::{Graph, Node, NodeId, Sym};
use crate::model::{Model, SymId, SymKind};
use crate::number::Q;
use crate::stepmap::StepMap;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// Exact values of leaves, and how relu is read at them. Model values never
/// enter the graph; they are bound here, at evaluation time.
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    /// Parameters and other unstepped leaves.
    scalars: HashMap<SymId, Q>,
    /// Input and target elements, per name by step: looked up once per leaf
    /// node, in step order, so a dense run keeps those lookups in cache.
    steps: HashMap<SymId, StepMap<Q>>,
    /// Read relu as the identity (`assume relu active`, LANGUAGE.md §1).
    /// A derivation under the assumption takes relu′ = 1; every route that
    /// checks it (forward values, AD, the central difference and its
    /// Taylor bound) must read relu the same way, or a point where some
    /// relu argument is negative fails a right derivation.
    relu_active: bool,
    /// The slope of each opaque call, by function and argument node: its
    /// `ell'(arg)` (see `graph::Node::Opaque`).
    opaque: HashMap<(SymId, NodeId), Q>,
}

impl Bindings {
    /// Every value the model gives: parameters, and input and target elements.
    pub fn from_model(model: &Model) -> Bindings {
        let mut b = Bindings::default();
        for (i, s) in model.symbols.iter().enumerate() {
            let id = SymId(i as u32);
            match &s.kind {
                SymKind::Param { value: Some(v) } => b.set(Sym { id, step: None }, v.clone()),
                SymKind::Input { values: Some(vs) } | SymKind::Target { values: Some(vs) } => {
                    for (k, v) in vs.iter().enumerate() {
                        b.set(
                            Sym {
                                id,
                                step: Some(k as i64 + 1),
                            },
                            v.clone(),
                        );
                    }
                }
                _ => {}
            }
        }
        b
    }

    /// The same values, with relu read as the identity when `on`.
    pub fn assume_relu_active(mut self, on: bool) -> Bindings {
        self.relu_active = on;
        self
    }

    /// The derivative of opaque function `f` at argument node `arg`.
    pub fn opaque(&self, f: SymId, arg: NodeId) -> Option<&Q> {
        self.opaque.get(&(f, arg))
    }

    /// Sets the derivative of opaque function `f` at argument node `arg`.
    pub fn set_opaque(&mut self, f: SymId, arg: NodeId, slope: Q) {
        self.opaque.insert((f, arg), slope);
    }

    /// Whether relu is read as the identity.
    pub fn relu_active(&self) -> bool {
        self.relu_active
    }

    pub fn get(&self, sym: &Sym) -> Option<&Q> {
        match sym.step {
            None => self.scalars.get(&sym.id),
            Some(k) => self.steps.get(&sym.id)?.get(k),
        }
    }

    pub fn set(&mut self, sym: Sym, value: Q) {
        match sym.step {
            None => {
                self.scalars.insert(sym.id, value);
            }
            Some(k) => self.steps.entry(sym.id).or_default().insert(k, value),
        }
    }
}

/// The leaves reachable from `roots` that have no value, in (declaration, step) order.
pub fn free_leaves(graph: &Graph, roots: &[NodeId], bindings: &Bindings) -> Vec<Sym> {
    let seen = graph.reachable(roots);
    let mut out = BTreeSet::new();
    for (i, node) in graph.nodes().iter().enumerate() {
        if let (true, Node::Leaf(sym)) = (seen[i], node) {
            if bindings.get(sym).is_none() {
                out.insert(*sym);
            }
        }
    }
    out.into_iter().collect()
}

/// The opaque calls reachable from `roots` (and the derivative symbols of
/// such calls) whose slope has no value, as (function, argument node), in
/// id order.
pub fn free_opaque(graph: &Graph, roots: &[NodeId], bindings: &Bindings) -> Vec<(SymId, NodeId)> {
    let seen = graph.reachable(roots);
    let mut out = BTreeSet::new();
    for (i, node) in graph.nodes().iter().enumerate() {
        if let (true, Node::Opaque(f, a) | Node::OpaquePrime(f, a)) = (seen[i], node) {
            if bindings.opaque(*f, *a).is_none() {
                out.insert((*a, *f));
            }
        }
    }
    out.into_iter().map(|(a, f)| (f, a)).collect()
}

/// Seeded random slopes for opaque calls, one stream per call, keyed by
/// what the call is about rather than by where it sits in a graph: the
/// function and, when the argument is a named quantity or a leaf, that
/// quantity and its step. So `ell'(h[4])` gets the same slope in `derive`
/// (which states it) and in `check` (which reads a document using it),
/// whose graphs number their nodes differently. An argument with no name
/// falls back to its node id.
pub fn random_slopes(seed: u64, graph: &Graph, calls: &[(SymId, NodeId)]) -> Vec<((SymId, NodeId), Q)> {
    calls
        .iter()
        .map(|&(f, a)| {
            let key = match graph.node(a) {
                Node::Named(s, _) | Node::Leaf(s) => {
                    (u64::from(s.id.0) << 24) ^ (s.step.map_or(0x00ff_ffff, |k| k as u64 & 0x00ff_ffff))
                }
                _ => (1 << 63) | u64::from(a.0),
            };
            let call_seed = !seed ^ (u64::from(f.0).rotate_left(48)) ^ key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let q = random_values(call_seed, &[Sym { id: f, step: None }])
                .pop()
                .map_or_else(Q::one, |(_, q)| q);
            ((f, a), q)
        })
        .collect()
}

/// Seeded random rationals `n/d` with `1 <= d <= 8` and `0 < |n/d| <= 3`,
/// one per leaf in the order given. The same seed gives the same values on
/// every machine (ChaCha8 is specified bit for bit).
///
/// ```
/// use chainrule::eval::bindings::random_values;
/// use chainrule::graph::Sym;
/// use chainrule::model::SymId;
/// let leaves = [Sym { id: SymId(0), step: None }];
/// assert_eq!(random_values(7, &leaves), random_values(7, &leaves));
/// ```
pub fn random_values(seed: u64, leaves: &[Sym]) -> Vec<(Sym, Q)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    leaves
        .iter()
        .map(|&sym| {
            let d = 1 + (rng.next_u32() % 8) as i64;
            let r = (rng.next_u32() % (6 * d as u32)) as i64 - 3 * d;
            let n = if r >= 0 { r + 1 } else { r };
            (sym, Q::ratio(n, d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Whatever the order and spread of the steps set, a lookup gives the
        // last value set at that step, as a map would.
        #[test]
        fn step_values_behave_as_a_map(
            sets in prop::collection::vec((prop::sample::select(vec![i64::MIN + 3, -5, 0, 1, 2, 3, 70_000, 65_540, 1 << 40, i64::MAX - 3]), -3i64..3, 0i64..50), 0..60)
        ) {
            let mut b = Bindings::default();
            let mut reference = std::collections::BTreeMap::new();
            for (base, off, v) in sets {
                let k = base + off;
                let sym = Sym { id: SymId(0), step: Some(k) };
                b.set(sym, Q::int(v));
                reference.insert(k, Q::int(v));
            }
            for (k, v) in &reference {
                prop_assert_eq!(b.get(&Sym { id: SymId(0), step: Some(*k) }), Some(v));
            }
            for k in [-9i64, 4, 1000, 1 << 41] {
                prop_assert_eq!(b.get(&Sym { id: SymId(0), step: Some(k) }), reference.get(&k));
            }
        }
    }

    #[test]
    fn steps_at_the_ends_of_i64_do_not_overflow() {
        let mut b = Bindings::default();
        let at = |k| Sym {
            id: SymId(0),
            step: Some(k),
        };
        for k in [-2, i64::MAX, i64::MIN, 5, i64::MAX - 1, 6] {
            b.set(at(k), Q::int(k % 1000));
        }
        for k in [-2, i64::MAX, i64::MIN, 5, i64::MAX - 1, 6] {
            assert_eq!(b.get(&at(k)), Some(&Q::int(k % 1000)));
        }
        assert_eq!(b.get(&at(0)), None);
    }
}
