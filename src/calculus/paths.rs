//! Paths in the op-level DAG (LANGUAGE.md §2): counted exactly by dynamic
//! programming, and listed lazily, one path at a time.
//!
//! A path from `from` to `to` goes from a node up to a parent that uses it,
//! and so on, up to `to`. Edges count with multiplicity: in `x*x` the node
//! `x` has two edges into the product, so two paths pass through it.
//!
//! Both passes are loops over node ids (children have smaller ids than their
//! parents), restricted to `from..=to`; nothing here recurses.

use crate::graph::{Graph, Node, NodeId};
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// For each node of `from..=to` (indexed from `from`), whether `to` depends
/// on it, i.e. whether it reaches `to` going up. One descending pass.
fn reaches_to(graph: &Graph, from: NodeId, to: NodeId) -> Vec<bool> {
    let lo = from.index();
    let hi = to.index();
    let mut down = vec![false; hi - lo + 1];
    down[hi - lo] = true;
    for n in (lo..=hi).rev() {
        if down[n - lo] {
            for c in graph.node(NodeId(n as u32)).children() {
                if c.index() >= lo {
                    down[c.index() - lo] = true;
                }
            }
        }
    }
    down
}

/// The number of paths from `from` up to `to`, exactly.
///
/// Dynamic programming over ids in ascending order, restricted to the nodes
/// of `from..=to` that `to` depends on: `ways[from] = 1` and `ways[n]` is the
/// sum of `ways[c]` over the children `c` of `n`, with repetition. Zero if
/// `to` does not depend on `from`; one if they are the same node.
///
/// ```
/// use chainrule::calculus::paths::count_paths;
/// use chainrule::graph::{Graph, Node, Sym};
/// use chainrule::model::SymId;
/// let mut g = Graph::new();
/// let w = g.intern(Node::Leaf(Sym { id: SymId(0), step: None })).unwrap();
/// let ww = g.intern(Node::Mul(w, w)).unwrap();
/// assert_eq!(count_paths(&g, w, ww), 2u32.into());
/// ```
pub fn count_paths(graph: &Graph, from: NodeId, to: NodeId) -> BigUint {
    if from > to {
        return BigUint::zero();
    }
    let lo = from.index();
    let hi = to.index();
    let down = reaches_to(graph, from, to);
    if !down[0] {
        return BigUint::zero();
    }
    if let Some(n) = count_in_u64(graph, lo, hi, &down) {
        return n.into();
    }
    // Zero BigUints do not allocate, so nodes off every path cost nothing.
    let mut ways: Vec<BigUint> = vec![BigUint::zero(); hi - lo + 1];
    ways[0] = BigUint::one();
    for n in lo + 1..=hi {
        if !down[n - lo] {
            continue;
        }
        let mut sum = BigUint::zero();
        for c in graph.node(NodeId(n as u32)).children() {
            if c.index() >= lo {
                let w = &ways[c.index() - lo];
                if !w.is_zero() {
                    sum += w;
                }
            }
        }
        ways[n - lo] = sum;
    }
    std::mem::take(&mut ways[hi - lo])
}

/// [`count_paths`] in machine words, `None` as soon as a count passes
/// `u64::MAX` (the caller then counts in big integers). Almost every
/// network's counts fit, and a word a node is a third of an empty
/// `BigUint`, with no allocation for each count that is not zero.
fn count_in_u64(graph: &Graph, lo: usize, hi: usize, down: &[bool]) -> Option<u64> {
    let mut ways = vec![0u64; hi - lo + 1];
    ways[0] = 1;
    for n in lo + 1..=hi {
        if !down[n - lo] {
            continue;
        }
        let mut sum = 0u64;
        for c in graph.node(NodeId(n as u32)).children() {
            if c.index() >= lo {
                sum = sum.checked_add(ways[c.index() - lo])?;
            }
        }
        ways[n - lo] = sum;
    }
    Some(ways[hi - lo])
}

/// The paths from one node up to another, listed lazily.
///
/// Each item is the node ids of one path, from `from` to `to` inclusive.
///
/// **Order.** Depth-first from `from`, trying the parents of each node in
/// ascending id order: paths come out in lexicographic order of their id
/// sequences. A parent that uses a node twice (`x*x`) has two edges to it;
/// they are tried one after the other, so that parent's paths come out
/// twice in a row, with the same node ids (they are distinct paths, since
/// they differ in an edge).
///
/// **Cost.** Building the iterator costs O(size of `from..=to`) time and
/// memory (an on-path mark and a parent index). Each node of the index lies
/// on a path to `to`, so the search never backtracks out of a dead end:
/// each further path costs O(its length), and only the current path is held.
#[derive(Clone, Debug)]
pub struct Paths<'g> {
    graph: &'g Graph,
    to: NodeId,
    /// Lowest id of the index (`from`).
    lo: usize,
    /// `start[n - lo] .. start[n - lo + 1]` are the edges of node `n` into
    /// `parents`: its parents on some path, ascending, with multiplicity.
    start: Vec<u32>,
    parents: Vec<NodeId>,
    /// The current path.
    path: Vec<NodeId>,
    /// `choice[i]` is the index of the edge from `path[i]` to `path[i + 1]`
    /// among `path[i]`'s edges; `choice.len() + 1 == path.len()`.
    choice: Vec<u32>,
    /// The first path has not been returned yet.
    fresh: bool,
    done: bool,
}

/// The paths from `from` up to `to`, lazily, in the order documented on
/// [`Paths`]. Empty if `to` does not depend on `from`; the single path
/// `[from]` if they are the same node.
///
/// ```
/// use chainrule::calculus::paths::paths;
/// use chainrule::graph::{Graph, Node, Sym};
/// use chainrule::model::SymId;
/// let mut g = Graph::new();
/// let a = g.intern(Node::Leaf(Sym { id: SymId(0), step: None })).unwrap();
/// let b = g.intern(Node::Leaf(Sym { id: SymId(1), step: None })).unwrap();
/// let ab = g.intern(Node::Mul(a, b)).unwrap();
/// let e = g.intern(Node::Add(ab, a)).unwrap();
/// let all: Vec<_> = paths(&g, a, e).collect();
/// assert_eq!(all, vec![vec![a, ab, e], vec![a, e]]);
/// ```
pub fn paths(graph: &Graph, from: NodeId, to: NodeId) -> Paths<'_> {
    let mut it = Paths {
        graph,
        to,
        lo: from.index(),
        start: Vec::new(),
        parents: Vec::new(),
        path: Vec::new(),
        choice: Vec::new(),
        fresh: true,
        done: true,
    };
    if from > to {
        return it;
    }
    let lo = from.index();
    let hi = to.index();
    let size = hi - lo + 1;
    let down = reaches_to(graph, from, to);
    if !down[0] {
        return it;
    }
    // On a path: reachable from `from` going up, and reaching `to`. Count
    // the on-path edges into each child on the way.
    let mut on = vec![false; size];
    on[0] = true;
    let mut degree = vec![0u32; size + 1];
    for n in lo + 1..=hi {
        if !down[n - lo] {
            continue;
        }
        for c in graph.node(NodeId(n as u32)).children() {
            if c.index() >= lo && on[c.index() - lo] {
                on[n - lo] = true;
                degree[c.index() - lo] += 1;
            }
        }
    }
    drop(down);
    // Prefix sums give each node's slice; filling parents in ascending
    // order keeps every slice ascending.
    let mut start = Vec::with_capacity(size + 1);
    let mut total = 0u32;
    for d in &degree[..size] {
        start.push(total);
        total += d;
    }
    start.push(total);
    let mut fill: Vec<u32> = start[..size].to_vec();
    let mut parents = vec![NodeId(0); total as usize];
    for n in lo + 1..=hi {
        if !on[n - lo] {
            continue;
        }
        for c in graph.node(NodeId(n as u32)).children() {
            if c.index() >= lo && on[c.index() - lo] {
                let slot = &mut fill[c.index() - lo];
                parents[*slot as usize] = NodeId(n as u32);
                *slot += 1;
            }
        }
    }
    it.start = start;
    it.parents = parents;
    it.path.push(from);
    it.done = false;
    it
}

impl Paths<'_> {
    /// The on-path parent edges of `n`.
    fn edges(&self, n: NodeId) -> &[NodeId] {
        self.edges_of(n)
    }

    /// The on-path parent edges of `n` (ascending, with multiplicity).
    fn edges_of(&self, n: NodeId) -> &[NodeId] {
        let i = n.index() - self.lo;
        &self.parents[self.start[i] as usize..self.start[i + 1] as usize]
    }

    /// Extends the current path by first edges until it reaches `to`. Every
    /// node of the index other than `to` has at least one edge.
    fn descend(&mut self) {
        while let Some(&top) = self.path.last() {
            if top == self.to {
                break;
            }
            let next = self.edges(top)[0];
            self.choice.push(0);
            self.path.push(next);
        }
    }

    /// The graph the paths are in.
    pub fn graph(&self) -> &Graph {
        self.graph
    }
}

impl Iterator for Paths<'_> {
    type Item = Vec<NodeId>;

    fn next(&mut self) -> Option<Vec<NodeId>> {
        if self.done {
            return None;
        }
        if self.fresh {
            self.fresh = false;
            self.descend();
            return Some(self.path.clone());
        }
        // Drop `to`, then back up to the deepest node with an untried edge.
        self.path.pop();
        while let Some(c) = self.choice.pop() {
            let top = *self.path.last().expect("choice.len() + 1 == path.len()");
            let edges = self.edges(top);
            let c = c as usize + 1;
            if c < edges.len() {
                let next = edges[c];
                self.choice.push(c as u32);
                self.path.push(next);
                self.descend();
                return Some(self.path.clone());
            }
            self.path.pop();
        }
        self.path.clear();
        self.done = true;
        None
    }
}

impl std::iter::FusedIterator for Paths<'_> {}

/// At most this many paths are looked at to choose the ones listed.
const PATH_POOL: usize = 4096;

/// The search states (16 bytes each) the listing may hold before it stops
/// at the paths found so far: paths through a million-term sum are each a
/// million nodes long, and fifty of them took 5 GB. The count stays exact;
/// only the listing is shorter.
pub const SEARCH_STATES: usize = 1 << 22;

/// The paths a derivation or `chainrule paths` lists, at most `max` (a
/// path through `x*x` twice, once per edge, as [`paths`] gives it), in the
/// order a course lists them: by the quantities (named nodes and leaves)
/// they pass through, fewest first (the path into the last step, then one
/// step further back, …), and among as many, the one through earlier
/// quantities first (into step 1, then step 2, …).
///
/// The paths are found fewest quantities first by a best-first search
/// whose estimate is exact (the fewest quantities from each node up to
/// `to`, one descending pass), so the short paths of a long network are
/// found without walking its long ones: a 10⁵-step network lists its 50
/// shortest paths in time proportional to their length. A few more than
/// `max` are found, then put in that order. Paths that are each millions
/// of nodes long are listed fewer: the search stops after
/// [`SEARCH_STATES`] states with the paths it has.
pub fn listed_paths(graph: &Graph, from: NodeId, to: NodeId, max: usize) -> Vec<Vec<NodeId>> {
    if max == 0 {
        // `--max-paths 0`: the count alone, without indexing the graph.
        return Vec::new();
    }
    let pool = max.saturating_mul(4).min(PATH_POOL).max(max);
    let mut found = fewest_first(graph, from, to, pool);
    let named = |p: &Vec<NodeId>| -> Vec<NodeId> {
        p.iter()
            .copied()
            .filter(|&n| matches!(graph.node(n), Node::Named(..) | Node::Leaf(_)))
            .collect()
    };
    found.sort_by_cached_key(|p| {
        let q = named(p);
        (q.len(), q)
    });
    found.truncate(max);
    found
}

/// Up to `limit` paths from `from` to `to`, in nondecreasing number of
/// quantities (named nodes and leaves) on them; every path with fewer
/// quantities than the last one returned is among them.
fn fewest_first(graph: &Graph, from: NodeId, to: NodeId, limit: usize) -> Vec<Vec<NodeId>> {
    let index = paths(graph, from, to);
    if index.done || limit == 0 {
        return Vec::new();
    }
    let lo = from.index();
    let size = to.index() - lo + 1;
    let cost = |n: NodeId| u32::from(matches!(graph.node(n), Node::Named(..) | Node::Leaf(_)));
    // `rest[n]`: the fewest quantities on a path from `n` up to `to`,
    // `n` included; parents have larger ids, so one descending pass.
    let mut rest = vec![u32::MAX; size];
    rest[size - 1] = cost(to);
    for i in (0..size - 1).rev() {
        let n = NodeId((lo + i) as u32);
        let best = index.edges_of(n).iter().map(|p| rest[p.index() - lo]).min();
        if let Some(b) = best.filter(|&b| b != u32::MAX) {
            rest[i] = b + cost(n);
        }
    }
    // Search states: a node, the state it was reached from, and the
    // quantities before it. Prefixes share their states, so a state costs
    // O(1) however long its path.
    struct State {
        node: NodeId,
        back: u32,
        before: u32,
        depth: u32,
    }
    let mut states: Vec<State> = vec![State {
        node: from,
        back: u32::MAX,
        before: 0,
        depth: 0,
    }];
    // Ordered by the exact estimate, then deepest first (a path is finished
    // before another is begun), then by node id.
    let mut heap = std::collections::BinaryHeap::new();
    let key = |s: &State, i: u32| {
        std::cmp::Reverse((
            s.before + rest[s.node.index() - lo],
            std::cmp::Reverse(s.depth),
            s.node,
            i,
        ))
    };
    heap.push(key(&states[0], 0));
    let mut out = Vec::new();
    while let Some(std::cmp::Reverse((_, _, node, i))) = heap.pop() {
        if node == to {
            let mut path = Vec::new();
            let mut k = i;
            while k != u32::MAX {
                path.push(states[k as usize].node);
                k = states[k as usize].back;
            }
            path.reverse();
            out.push(path);
            if out.len() >= limit || states.len() > SEARCH_STATES {
                break;
            }
            continue;
        }
        let (before, depth) = {
            let s = &states[i as usize];
            (s.before + cost(s.node), s.depth + 1)
        };
        for &p in index.edges_of(node) {
            let j = states.len() as u32;
            states.push(State {
                node: p,
                back: i,
                before,
                depth,
            });
            heap.push(key(&states[j as usize], j));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Node, Sym};
    use crate::model::SymId;

    fn leaf(g: &mut Graph, i: u32) -> NodeId {
        g.intern(Node::Leaf(Sym {
            id: SymId(i),
            step: None,
        }))
        .unwrap()
    }

    #[test]
    fn same_node_is_one_path() {
        let mut g = Graph::new();
        let a = leaf(&mut g, 0);
        assert_eq!(count_paths(&g, a, a), BigUint::one());
        assert_eq!(paths(&g, a, a).collect::<Vec<_>>(), vec![vec![a]]);
    }

    #[test]
    fn independent_is_no_path() {
        let mut g = Graph::new();
        let a = leaf(&mut g, 0);
        let b = leaf(&mut g, 1);
        let nb = g.intern(Node::Neg(b)).unwrap();
        assert_eq!(count_paths(&g, a, nb), BigUint::zero());
        assert_eq!(paths(&g, a, nb).count(), 0);
        // `from` above `to`.
        assert_eq!(count_paths(&g, nb, b), BigUint::zero());
        assert_eq!(paths(&g, nb, b).count(), 0);
    }

    #[test]
    fn doubled_edges_multiply() {
        // (a*a)*(a*a): 2 edges into a*a, then 2 into the top: 4 paths.
        let mut g = Graph::new();
        let a = leaf(&mut g, 0);
        let aa = g.intern(Node::Mul(a, a)).unwrap();
        let top = g.intern(Node::Mul(aa, aa)).unwrap();
        assert_eq!(count_paths(&g, a, top), 4u32.into());
        let all: Vec<_> = paths(&g, a, top).collect();
        assert_eq!(all, vec![vec![a, aa, top]; 4]);
    }

    #[test]
    fn dead_ends_are_skipped() {
        // a feeds a dead branch (a + b, unused) and the live one.
        let mut g = Graph::new();
        let a = leaf(&mut g, 0);
        let b = leaf(&mut g, 1);
        let _dead = g.intern(Node::Add(a, b)).unwrap();
        let na = g.intern(Node::Neg(a)).unwrap();
        let top = g.intern(Node::Mul(na, b)).unwrap();
        assert_eq!(count_paths(&g, a, top), BigUint::one());
        assert_eq!(paths(&g, a, top).collect::<Vec<_>>(), vec![vec![a, na, top]]);
    }

    #[test]
    fn counts_stay_exact_where_they_leave_machine_words() {
        // 2^n paths through n diamonds, for n around 64, where the count
        // moves from u64 to big integers.
        for n in 62..=66u32 {
            let mut g = Graph::new();
            let mut x = leaf(&mut g, 0);
            let from = x;
            for _ in 0..n {
                let l = g.intern(Node::Neg(x)).unwrap();
                let r = g.intern(Node::Call(crate::graph::Builtin::Exp, x)).unwrap();
                x = g.intern(Node::Add(l, r)).unwrap();
            }
            assert_eq!(count_paths(&g, from, x), BigUint::one() << n, "{n} diamonds");
            // two routes from x to the top: twice the count (at n = 63 it
            // overflows only at the last node)
            let top = g.intern(Node::Neg(x)).unwrap();
            let twice = g.intern(Node::Add(top, x)).unwrap();
            assert_eq!(
                count_paths(&g, from, twice),
                BigUint::one() << (n + 1),
                "{n} diamonds, doubled"
            );
        }
    }

    #[test]
    fn diamond_chain_is_lexicographic_and_exponential() {
        // x_{k+1} = x_k * x_k' where both come from x_k: 2^n paths.
        let mut g = Graph::new();
        let mut x = leaf(&mut g, 0);
        let from = x;
        for _ in 0..200 {
            let l = g.intern(Node::Neg(x)).unwrap();
            let r = g.intern(Node::Call(crate::graph::Builtin::Exp, x)).unwrap();
            x = g.intern(Node::Add(l, r)).unwrap();
        }
        let n = count_paths(&g, from, x);
        assert_eq!(n, BigUint::one() << 200u32);
        let first: Vec<_> = paths(&g, from, x).take(50).collect();
        assert_eq!(first.len(), 50);
        for w in first.windows(2) {
            assert!(w[0] < w[1], "lexicographic and distinct");
        }
    }
}
