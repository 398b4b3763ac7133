//! The hash-consed arena: `Vec<Node>` plus a table of ids hashed by the
//! node they name (each node is stored once).

use super::fold::{fold, partial, Folded};
use super::node::{Node, NodeId};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The unrolled computation graph. Nodes are only ever appended, after their
/// children, so ids are in topological order and every pass is a loop.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    /// Ids with 32 bits of their node's hash, found by that hash and
    /// compared through `nodes`. Keeping the hash bits means growing the
    /// table rehashes from them alone: recomputing each hash read every
    /// node again, a cache miss apiece (a fifth of the unroll of a
    /// million-node graph went there).
    index: HashTable<(NodeId, u32)>,
    /// Per node: may be undefined at some values (see [`fold::partial`]);
    /// `0 * x` folds to 0 only when `x` is not.
    partial: Vec<bool>,
}

/// 32 bits of the hash of a node.
fn hash(node: &Node) -> u32 {
    (FxBuildHasher.hash_one(node) >> 32) as u32
}

/// The table's 64-bit hash from the stored 32 bits (spread over the word,
/// since the table takes its bucket from the low bits and its tag from
/// the high ones).
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Adding the node would exceed the node budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

/// Default cap on the number of nodes, far above any course network (a
/// 100,000-step tanh RNN needs about a million). A node costs about 100
/// bytes with the unroller's tables (a linear recurrence of 10⁶ steps,
/// 3·10⁶ nodes, runs `paths` in 308 MB) and about as much again when
/// evaluated with every value kept (AD, the checks), so ten million fit in
/// a few GB; past the cap a run stops with a message, where it would
/// otherwise grow until the system killed it.
pub const DEFAULT_NODE_LIMIT: usize = 10_000_000;

static NODE_LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_NODE_LIMIT);

/// The cap on nodes in any one graph (`--node-limit`): a process-wide
/// resource setting, as a thread count is, so that every stage that
/// builds a graph (unroll, simplification, checks) honours it.
pub fn node_limit() -> usize {
    NODE_LIMIT.load(Ordering::Relaxed)
}

/// Sets [`node_limit`] for this process.
pub fn set_node_limit(limit: usize) {
    NODE_LIMIT.store(limit, Ordering::Relaxed);
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The id of an existing node equal to `node`, if any.
    pub fn find(&self, node: &Node) -> Option<NodeId> {
        let nodes = &self.nodes;
        let h = hash(node);
        self.index
            .find(spread(h), |&(id, hh)| hh == h && nodes[id.index()] == *node)
            .map(|&(id, _)| id)
    }

    /// Adds `node` after folding literals, reusing an equal node if there is one.
    ///
    /// ```
    /// use chainrule::graph::{Graph, Node};
    /// use chainrule::number::Q;
    /// let mut g = Graph::new();
    /// let two = g.add(Node::lit(Q::int(2))).unwrap();
    /// let three = g.add(Node::lit(Q::int(3))).unwrap();
    /// let five = g.add(Node::Add(two, three)).unwrap();
    /// assert_eq!(g.node(five), &Node::lit(Q::int(5)));
    /// ```
    pub fn add(&mut self, node: Node) -> Result<NodeId, TooLarge> {
        match fold(node, &|id| self.node(id), &|id| self.partial[id.index()]) {
            Folded::Existing(id) => Ok(id),
            Folded::New(node) => self.intern(node),
        }
    }

    /// Adds `node` exactly as given (no folding), reusing an equal node.
    pub fn intern(&mut self, node: Node) -> Result<NodeId, TooLarge> {
        let h = hash(&node);
        let Graph { nodes, index, .. } = self;
        if let Some(&(id, _)) = index.find(spread(h), |&(id, hh)| hh == h && nodes[id.index()] == node) {
            return Ok(id);
        }
        if self.nodes.len() >= node_limit() {
            return Err(TooLarge);
        }
        debug_assert!(node.children().all(|c| c.index() < self.nodes.len()));
        crate::progress::count("unroll", self.nodes.len(), "nodes");
        let id = NodeId(self.nodes.len() as u32);
        self.partial
            .push(partial(&node, |c| self.partial[c.index()], |c| &self.nodes[c.index()]));
        self.nodes.push(node);
        self.index.insert_unique(spread(h), (id, h), |&(_, hh)| spread(hh));
        Ok(id)
    }

    /// Room for `additional` more nodes in the node list without growing
    /// it. Growing a vector of a million nodes copies it and holds old and
    /// new at once (a fifth more memory at the peak); room reserved but
    /// never used is address space, not memory, until it is written. The
    /// hash-consing table is left to grow by itself: sized for an
    /// estimate (an upper bound) it came out twice as large as needed,
    /// and lookups in it made the whole run a tenth slower.
    pub fn reserve(&mut self, additional: usize) {
        let additional = additional.min(node_limit().saturating_sub(self.nodes.len()));
        self.nodes.reserve(additional);
        self.partial.reserve(additional);
    }

    /// How many nodes fit before the node list grows (see [`Graph::reserve`]).
    pub fn capacity(&self) -> usize {
        self.nodes.capacity()
    }

    /// The literal value of a node, seeing through nothing: `Some` only for `Lit`.
    pub fn literal(&self, id: NodeId) -> Option<&crate::number::Q> {
        match self.node(id) {
            Node::Lit(q) => Some(q),
            _ => None,
        }
    }

    /// Marks every node reachable from `roots` (roots included), in one
    /// descending pass over ids: a child's id is below its parent's.
    pub fn reachable(&self, roots: &[NodeId]) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        for r in roots {
            seen[r.index()] = true;
        }
        for i in (0..self.nodes.len()).rev() {
            if seen[i] {
                for c in self.nodes[i].children() {
                    seen[c.index()] = true;
                }
            }
        }
        seen
    }
}
