//! Which named elements the unroller has built, and their nodes.

use super::node::NodeId;
use super::unroll::Key;
use crate::model::SymId;
use crate::stepmap::StepMap;
use rustc_hash::FxHashMap as HashMap;

/// The node of each element built so far: plain quantities by symbol, and
/// each sequence's steps in a [`StepMap`] (a slot a step: a 10⁵-step
/// unroll kept two maps of about 50 bytes an entry each before).
#[derive(Clone, Debug, Default)]
pub(super) struct Built {
    quantities: HashMap<SymId, NodeId>,
    steps: HashMap<SymId, StepMap<NodeId>>,
}

impl Built {
    pub(super) fn get(&self, key: Key) -> Option<NodeId> {
        match key {
            Key::Quantity(id) => self.quantities.get(&id).copied(),
            Key::Elem(id, k) => self.steps.get(&id)?.get(k).copied(),
        }
    }

    pub(super) fn contains(&self, key: Key) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn insert(&mut self, key: Key, node: NodeId) {
        match key {
            Key::Quantity(id) => {
                self.quantities.insert(id, node);
            }
            Key::Elem(id, k) => self.steps.entry(id).or_default().insert(k, node),
        }
    }

    /// Every element built, in key order.
    pub(super) fn entries(&self) -> Vec<(Key, NodeId)> {
        let mut all: Vec<(Key, NodeId)> = self
            .quantities
            .iter()
            .map(|(&id, &n)| (Key::Quantity(id), n))
            .chain(
                self.steps
                    .iter()
                    .flat_map(|(&id, m)| m.iter().map(move |(k, &n)| (Key::Elem(id, k), n))),
            )
            .collect();
        all.sort_unstable();
        all
    }
}
