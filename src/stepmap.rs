//! Things kept by step (`h[1]`, `h[2]`, …): a dense run that grows at
//! either end, and the steps far from it in an ordered map.
//!
//! A recurrence is unrolled and bound step after step, upward (`h[1]`,
//! `h[2]`, …) or, for a look-ahead one, downward from the horizon; data
//! lists are steps 1, 2, 3, …. A hash map spent about 50 bytes on each such
//! step and an ordered map as much again; the run spends one slot. A step
//! far from the run (`--set 'x[1000000000]=1'`) goes to the map instead of
//! filling a gap of a billion slots. Steps span all of `i64`: every offset
//! is computed with checked arithmetic.

use std::collections::{BTreeMap, VecDeque};

/// Past this many missing steps a step goes to the sparse map.
const MAX_GAP: i64 = 1 << 16;

/// Values of type `T` by step.
#[derive(Clone, Debug)]
pub struct StepMap<T> {
    /// The step of `dense[0]` (meaningless while `dense` is empty).
    first: i64,
    dense: VecDeque<Option<T>>,
    /// Steps set outside the run. A step the run later grew over stays
    /// here (the run holds `None` there) until it is set again.
    sparse: BTreeMap<i64, T>,
}

impl<T> Default for StepMap<T> {
    fn default() -> Self {
        StepMap {
            first: 0,
            dense: VecDeque::new(),
            sparse: BTreeMap::new(),
        }
    }
}

impl<T> StepMap<T> {
    /// The run's slot for step `k`, if it lies in the run.
    fn index(&self, k: i64) -> Option<usize> {
        let i = k.checked_sub(self.first)?;
        (0..self.dense.len() as i64).contains(&i).then_some(i as usize)
    }

    /// The value at step `k`.
    pub fn get(&self, k: i64) -> Option<&T> {
        match self.index(k) {
            Some(i) => self.dense[i].as_ref().or_else(|| self.sparse.get(&k)),
            None => self.sparse.get(&k),
        }
    }

    /// Sets step `k` (replacing any value it had).
    pub fn insert(&mut self, k: i64, value: T) {
        if self.dense.is_empty() {
            // The first step set starts the run (and the run never empties).
            self.first = k;
            self.dense.push_back(Some(value));
            return;
        }
        if let Some(i) = self.index(k) {
            self.dense[i] = Some(value);
            self.sparse.remove(&k);
            return;
        }
        let end = self.first.checked_add(self.dense.len() as i64);
        // Missing steps between the run's end and `k` (k at or past the
        // end), or between `k` and the run's start (k before it).
        let after = end.and_then(|e| k.checked_sub(e)).filter(|g| (0..=MAX_GAP).contains(g));
        let before = self
            .first
            .checked_sub(k)
            .and_then(|g| g.checked_sub(1))
            .filter(|g| (0..=MAX_GAP).contains(g));
        if let Some(gap) = after {
            self.dense.extend((0..gap).map(|_| None));
            self.dense.push_back(Some(value));
            self.sparse.remove(&k);
        } else if let Some(gap) = before {
            for _ in 0..gap {
                self.dense.push_front(None);
            }
            self.dense.push_front(Some(value));
            self.first = k;
            self.sparse.remove(&k);
        } else {
            self.sparse.insert(k, value);
        }
    }

    /// Every step with a value, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &T)> {
        let mut all: Vec<(i64, &T)> = self
            .dense
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (self.first + i as i64, v)))
            .chain(self.sparse.iter().map(|(&k, v)| (k, v)))
            .collect();
        // Runs and map each ascend; a step is in at most one of them.
        all.sort_by_key(|&(k, _)| k);
        all.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Any sequence of sets reads back as a BTreeMap's would, including
        // steps near the ends of i64, far gaps, and runs grown downward.
        #[test]
        fn reads_back_like_an_ordered_map(ops in prop::collection::vec(
            (prop_oneof![
                -5i64..5,
                -70_000i64..70_000,
                Just(i64::MAX), Just(i64::MIN), Just(i64::MAX - 1), Just(i64::MIN + 1),
            ], 0u32..1000),
            0..60,
        )) {
            let mut m = StepMap::default();
            let mut reference = BTreeMap::new();
            for (k, v) in ops {
                m.insert(k, v);
                reference.insert(k, v);
                for (&rk, rv) in &reference {
                    prop_assert_eq!(m.get(rk), Some(rv));
                }
            }
            let got: Vec<(i64, u32)> = m.iter().map(|(k, &v)| (k, v)).collect();
            let want: Vec<(i64, u32)> = reference.into_iter().collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn runs_grow_both_ways_and_far_steps_stay_sparse() {
        let mut m = StepMap::default();
        for k in (1..=100).rev() {
            m.insert(k, k);
        }
        for k in 101..=200 {
            m.insert(k, k);
        }
        assert_eq!(m.dense.len(), 200);
        assert!(m.sparse.is_empty());
        m.insert(1_000_000_000, 0);
        assert_eq!(m.sparse.len(), 1);
        assert_eq!(m.dense.len(), 200);
        assert!(m.get(0).is_none() && m.get(201).is_none() && m.get(1_000_000_000).is_some());
    }
}
