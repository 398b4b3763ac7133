//! Unrolling on demand: a query names a quantity at a step, and only what it
//! reaches is built.
//!
//! Named elements (`h[3]`, `J`) are built with an explicit work stack, never
//! by recursion, so a 100,000-step recurrence unrolls in constant stack.
//! Each element is walked twice: a scan that lists the elements it needs
//! that are not built yet, then (once they are) the build itself.

use super::arena::{node_limit, Graph, TooLarge};
use super::built::Built;
use super::error::UnrollError;
use super::node::{Node, NodeId, Sym};
use crate::model::{Model, RExpr, RKind, SymId, SymKind};
use crate::number::Q;
use crate::syntax::ast::{AddOp, MulOp};
use crate::syntax::Span;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Why an index could not be computed.
enum IntError {
    Why(String),
    Unroll(UnrollError),
}

fn why(s: &str) -> IntError {
    IntError::Why(s.to_string())
}

/// A named element: a plain quantity, or an indexed quantity at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Quantity(SymId),
    Elem(SymId, i64),
}

impl Key {
    pub fn sym(self) -> Sym {
        match self {
            Key::Quantity(id) => Sym { id, step: None },
            Key::Elem(id, k) => Sym { id, step: Some(k) },
        }
    }
}

/// What the query fixes about unrolling.
#[derive(Clone, Debug, Default)]
pub struct UnrollOptions {
    /// The last step of sequences that look ahead (`h[t+1]`); also the value
    /// of a `const` declared without one.
    pub horizon: Option<i64>,
    /// Sequences whose elements, where an expression refers to them, are
    /// leaves rather than unrolled: one step of a network seen on its own,
    /// its state before the step held fixed (how `general` differentiates
    /// a recurrence once). An element asked for directly is still built.
    pub stop: Vec<SymId>,
    /// Only the terms of a `sum` whose variable lies in `lo..=hi` are
    /// built: the terms of a loss summed over a symbolic horizon that can
    /// depend on one step (for derivatives only: the others are left out).
    pub window: Option<(i64, i64)>,
    /// Consts that stand for themselves in values (a leaf `T`, not its
    /// number), though their number still sets indices and bounds: the
    /// horizon of a general derivation.
    pub symbolic: Vec<SymId>,
}

/// The sum slots an expression uses (its deepest sum nesting).
fn sum_slots(e: &RExpr) -> usize {
    let mut most = 0;
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let RKind::Sum { slot, .. } = &e.kind {
            most = most.max(slot + 1);
        }
        stack.extend(e.children());
    }
    most
}

/// The syntax nodes of an expression: about as many graph nodes as
/// building it adds, or more (indices and literals fold away).
fn expr_size(e: &RExpr) -> usize {
    let mut n = 0;
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        n += 1;
        stack.extend(e.children());
    }
    n
}

/// Function calls may nest this deep (each call is inlined).
pub const MAX_INLINE_DEPTH: usize = 200;

const SCAN_DUMMY: NodeId = NodeId(u32::MAX);

struct Env {
    step: Option<i64>,
    args: Vec<NodeId>,
    sums: Vec<i64>,
    depth: usize,
}

/// Builds the graph of one model, element by element, as queries demand.
pub struct Unroller<'m> {
    model: &'m Model,
    opts: UnrollOptions,
    graph: Graph,
    /// Every element built so far: its named node, or its leaf when no
    /// equation covers it.
    built: Built,
    /// `Some` while scanning: the unbuilt elements found, with where.
    scan: Option<Vec<(Key, Span)>>,
    /// Above this step no fixed equation exists, so recurrences there are
    /// shift-invariant: needing a later step of a sequence already on the
    /// work stack means the unrolling would never end.
    fixed_bound: i64,
}

impl<'m> Unroller<'m> {
    pub fn new(model: &'m Model, opts: UnrollOptions) -> Unroller<'m> {
        let fixed_bound = model
            .symbols
            .iter()
            .filter_map(|s| match &s.kind {
                SymKind::Sequence(seq) => seq.fixed.keys().next_back().copied(),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            .max(0);
        Unroller {
            model,
            opts,
            graph: Graph::new(),
            built: Built::default(),
            scan: None,
            fixed_bound,
        }
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn into_graph(self) -> Graph {
        self.graph
    }

    /// Every named element built so far (its named node), in
    /// (declaration, step) order.
    pub fn named(&self) -> Vec<(Key, NodeId)> {
        let mut all = self.built.entries();
        all.retain(|&(_, id)| matches!(self.graph.node(id), Node::Named(..)));
        all
    }

    /// The node of a leaf symbol (`w1`, `x1[2]`).
    pub fn leaf(&mut self, sym: Sym) -> Result<NodeId, UnrollError> {
        self.mk(Node::Leaf(sym))
    }

    /// The node of a named element, unrolling whatever it needs.
    pub fn element(&mut self, key: Key, span: Span) -> Result<NodeId, UnrollError> {
        if let Some(id) = self.built.get(key) {
            return Ok(id);
        }
        self.demand(vec![(key, span)])?;
        Ok(self.built.get(key).expect("demand builds what it is asked for"))
    }

    /// Adds an operation over nodes already built (folded and hash-consed,
    /// as every node the unroller makes): how a checked formula is built.
    pub fn node(&mut self, node: Node) -> Result<NodeId, UnrollError> {
        self.mk(node)
    }

    /// The graph, for passes that add nodes of their own (derivative forms)
    /// while the unroller may still be asked for more elements.
    pub fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    /// A call of the model function `f` on nodes already built, inlined.
    pub fn apply(&mut self, f: crate::model::SymId, args: Vec<NodeId>, span: Span) -> Result<NodeId, UnrollError> {
        let e = RExpr {
            kind: RKind::Apply(
                f,
                (0..args.len())
                    .map(|i| RExpr {
                        kind: RKind::Arg(i),
                        span,
                    })
                    .collect(),
            ),
            span,
        };
        let mut env = Env {
            step: None,
            args,
            sums: vec![0; self.model.sum_slots],
            depth: 0,
        };
        let missing = self.scan_expr(&e, &mut env)?;
        self.demand(missing)?;
        self.lower(&e, &mut env)
    }

    /// The node of an expression in the global scope (a `--of` query).
    pub fn expr(&mut self, e: &RExpr) -> Result<NodeId, UnrollError> {
        // A query may hold sums of its own: size the sum slots for both.
        let mut env = Env {
            step: None,
            args: Vec::new(),
            sums: vec![0; self.model.sum_slots.max(sum_slots(e))],
            depth: 0,
        };
        let missing = self.scan_expr(e, &mut env)?;
        self.demand(missing)?;
        self.lower(e, &mut env)
    }

    fn scan_expr(&mut self, e: &RExpr, env: &mut Env) -> Result<Vec<(Key, Span)>, UnrollError> {
        self.scan = Some(Vec::new());
        let r = self.lower(e, env);
        let found = self.scan.take().unwrap_or_default();
        r?;
        Ok(found)
    }

    fn mk(&mut self, node: Node) -> Result<NodeId, UnrollError> {
        if self.scan.is_some() {
            return Ok(SCAN_DUMMY);
        }
        self.graph
            .add(node)
            .map_err(|TooLarge| UnrollError::TooLarge { limit: node_limit() })
    }

    /// The equation that defines `key`, and the step it is taken at; `None`
    /// when no equation covers it (a free symbol).
    fn definition(&self, key: Key) -> Option<(&'m RExpr, Option<i64>)> {
        let sym = self.model.symbol(match key {
            Key::Quantity(id) | Key::Elem(id, _) => id,
        });
        match (&sym.kind, key) {
            (SymKind::Quantity { def }, _) => Some((def, None)),
            (SymKind::Sequence(seq), Key::Elem(_, k)) => {
                if let Some(e) = seq.fixed.get(&k) {
                    return Some((e, None));
                }
                let beyond = seq.looks_ahead && self.opts.horizon.is_some_and(|h| k > h);
                match &seq.general {
                    Some(g) if k >= 1 && !beyond => Some((g, Some(k))),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// How many steps of sequence `id` at least reaching step `k` takes:
    /// `(k − f)/c` for its nearest fixed step `f` below `k` (or 0) and the
    /// shortest step `c ≥ 1` by which its recurrence uses itself, plus the
    /// step it starts from; 0 when it does not use itself.
    fn chain_length(&self, id: SymId, k: i64) -> u64 {
        let SymKind::Sequence(seq) = &self.model.symbol(id).kind else {
            return 0;
        };
        let Some(general) = &seq.general else { return 0 };
        let mut back: Option<i64> = None;
        let mut stack = vec![general];
        while let Some(e) = stack.pop() {
            if let crate::model::RKind::Elem(other, idx) = &e.kind {
                if *other == id {
                    if let Some(c) = crate::model::offset::step_offset(idx).map(|o| -o).filter(|&c| c >= 1) {
                        back = Some(back.map_or(c, |b| b.min(c)));
                    }
                }
            }
            stack.extend(e.children());
        }
        let Some(c) = back else { return 0 };
        let lowest = seq.fixed.range(..k).next_back().map_or(0, |(&f, _)| f).max(0);
        // The steps above `lowest`, and `lowest` itself (a node too).
        (k.saturating_sub(lowest).max(0) / c) as u64 + 1
    }

    fn label(&self, key: Key) -> String {
        match key {
            Key::Quantity(id) => self.model.symbol(id).name.clone(),
            Key::Elem(id, k) => crate::vocab::at_step(&self.model.symbol(id).name, k),
        }
    }

    /// Builds the given elements and everything they need, with a work stack.
    ///
    /// A frame is *entered* once its dependencies have been scanned and
    /// pushed; the entered frames on the stack are exactly the chain of
    /// elements that led to the top one, which is what cycle and look-ahead
    /// detection need. Frames queued but not entered may repeat.
    fn demand(&mut self, roots: Vec<(Key, Span)>) -> Result<(), UnrollError> {
        struct Frame {
            key: Key,
            span: Span,
            entered: bool,
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut entered: HashSet<Key> = HashSet::default();
        // Per sequence: entered steps above `fixed_bound`, with the running
        // minimum, to detect unbounded look-ahead in O(1).
        let mut above: HashMap<SymId, Vec<(i64, i64)>> = HashMap::default();
        let check_horizon = self.opts.horizon.is_none();

        // A recurrence that uses itself `c` steps back reaches step `k`
        // only through `(k − fixed)/c` steps of its own, each a node:
        // refuse at once when those alone pass the cap, instead of after a
        // look-ahead of millions of quantities (`h[10000000]`).
        for (key, _) in &roots {
            if let Key::Elem(id, k) = *key {
                let need = self.chain_length(id, k);
                if need.saturating_add(self.graph.len() as u64) > node_limit() as u64 {
                    return Err(UnrollError::TooLarge { limit: node_limit() });
                }
            }
        }
        let mut reserved = false;
        for (key, span) in roots.into_iter().rev() {
            stack.push(Frame {
                key,
                span,
                entered: false,
            });
        }
        while let Some(top) = stack.last_mut() {
            let key = top.key;
            if self.built.contains(key) {
                stack.pop();
                continue;
            }
            let Some((def, step)) = self.definition(key) else {
                let id = self.mk(Node::Leaf(key.sym()))?;
                self.built.insert(key, id);
                continue;
            };
            let mut env = Env {
                step,
                args: Vec::new(),
                sums: vec![0; self.model.sum_slots],
                depth: 0,
            };
            if !top.entered {
                if let Key::Elem(id, k) = key {
                    let beyond = above.get(&id).and_then(|v| v.last()).is_some_and(|&(_, m)| m < k);
                    if check_horizon && k > self.fixed_bound && beyond {
                        return Err(UnrollError::Unbounded {
                            name: self.label(key),
                            base: self.model.symbol(id).name.clone(),
                            step: k,
                            span: top.span,
                        });
                    }
                }
                top.entered = true;
                entered.insert(key);
                // Every quantity entered becomes at least one node: refuse
                // before building any of them when they alone pass the cap
                // (`h[10000000]` stops here in seconds, not after gigabytes).
                crate::progress::count("unroll: looking ahead", entered.len(), "quantities");
                if entered.len() + self.graph.len() > node_limit() {
                    return Err(UnrollError::TooLarge { limit: node_limit() });
                }
                self.push_above(&mut above, key);
                let missing = self.scan_expr(def, &mut env)?;
                let mut pushed = false;
                for (dep, span) in missing.into_iter().rev() {
                    if self.built.contains(dep) {
                        continue;
                    }
                    if entered.contains(&dep) {
                        let from = stack.iter().position(|f| f.key == dep && f.entered).unwrap_or(0);
                        let mut chain: Vec<String> = stack[from..]
                            .iter()
                            .filter(|f| f.entered)
                            .map(|f| self.label(f.key))
                            .collect();
                        chain.push(self.label(dep));
                        return Err(UnrollError::Cycle {
                            chain: chain.join(" → "),
                            span,
                            name: self.label(dep),
                        });
                    }
                    stack.push(Frame {
                        key: dep,
                        span,
                        entered: false,
                    });
                    pushed = true;
                }
                if pushed {
                    continue;
                }
            }
            // The first build after a long look-ahead: every element entered
            // is about to be built, each about the size of its equation.
            // Room for them at once spares regrowing a vector of a million
            // nodes (a copy, and old and new held together at the peak).
            if !reserved && entered.len() > 1024 {
                reserved = true;
                let mut sizes: HashMap<*const RExpr, usize> = HashMap::default();
                let mut room = 0usize;
                for f in stack.iter().filter(|f| f.entered) {
                    if let Some((d, _)) = self.definition(f.key) {
                        let size = *sizes.entry(std::ptr::from_ref(d)).or_insert_with(|| expr_size(d));
                        room = room.saturating_add(size);
                    }
                }
                self.graph.reserve(room);
            }
            let def_id = self.lower(def, &mut env)?;
            // Every named element is a node of its own, a literal boundary
            // value included: `u*h[0]` stays a product with h[0] even when
            // h[0] = 0, so path counts are a property of the graph, never
            // of the data, and derivations keep the name (`u h^{(0)}`).
            let id = self.mk(Node::Named(key.sym(), def_id))?;
            self.built.insert(key, id);
            stack.pop();
            entered.remove(&key);
            self.pop_above(&mut above, key);
        }
        Ok(())
    }

    fn push_above(&self, above: &mut HashMap<SymId, Vec<(i64, i64)>>, key: Key) {
        if let Key::Elem(id, k) = key {
            if k > self.fixed_bound {
                let v = above.entry(id).or_default();
                let m = v.last().map_or(k, |&(_, m)| m.min(k));
                v.push((k, m));
            }
        }
    }

    fn pop_above(&self, above: &mut HashMap<SymId, Vec<(i64, i64)>>, key: Key) {
        if let Key::Elem(id, k) = key {
            if k > self.fixed_bound {
                if let Some(v) = above.get_mut(&id) {
                    if let Some(pos) = v.iter().rposition(|&(s, _)| s == k) {
                        v.truncate(pos);
                    }
                }
            }
        }
    }

    /// A reference to a named element: its node, or (while scanning) a note
    /// that it is needed.
    fn reference(&mut self, key: Key, span: Span) -> Result<NodeId, UnrollError> {
        if let Key::Elem(id, _) = key {
            if self.opts.stop.contains(&id) {
                return self.mk(Node::Leaf(key.sym()));
            }
        }
        if let Some(id) = self.built.get(key) {
            return Ok(id);
        }
        match &mut self.scan {
            Some(found) => {
                found.push((key, span));
                Ok(SCAN_DUMMY)
            }
            None => {
                // Only reachable for an element the scan did not see, which
                // would be a bug; building it now is still correct.
                self.element(key, span)
            }
        }
    }

    /// Lowers an expression to a node. Recursion follows the syntax tree,
    /// whose depth the parser bounds, and function inlining, bounded by
    /// [`MAX_INLINE_DEPTH`].
    fn lower(&mut self, e: &RExpr, env: &mut Env) -> Result<NodeId, UnrollError> {
        match &e.kind {
            RKind::Num(q) => self.mk(Node::lit(q.clone())),
            RKind::Sym(id) => match &self.model.symbol(*id).kind {
                SymKind::Param { .. } => self.mk(Node::Leaf(Sym { id: *id, step: None })),
                SymKind::Const { .. } if self.opts.symbolic.contains(id) => {
                    self.mk(Node::Leaf(Sym { id: *id, step: None }))
                }
                SymKind::Const { .. } => {
                    let v = self.const_value(*id, e.span)?;
                    self.mk(Node::lit(v))
                }
                _ => self.reference(Key::Quantity(*id), e.span),
            },
            RKind::Elem(id, idx) => {
                let k = self.integer(idx, env, "a step")?;
                match &self.model.symbol(*id).kind {
                    SymKind::Sequence(_) => self.reference(Key::Elem(*id, k), e.span),
                    _ => self.mk(Node::Leaf(Sym { id: *id, step: Some(k) })),
                }
            }
            RKind::Step => {
                let k = env.step.ok_or_else(|| self.not_integer(e.span, "the step"))?;
                self.mk(Node::lit(Q::int(k)))
            }
            RKind::SumVar(slot) => self.mk(Node::lit(Q::int(env.sums[*slot]))),
            RKind::Arg(i) => Ok(env.args[*i]),
            RKind::Builtin(b, a) => {
                let a = self.lower(a, env)?;
                self.mk(Node::Call(*b, a))
            }
            RKind::Opaque(f, a) => {
                let a = self.lower(a, env)?;
                self.mk(Node::Opaque(*f, a))
            }
            RKind::Apply(f, args) => {
                if env.depth >= MAX_INLINE_DEPTH {
                    return Err(UnrollError::InlineTooDeep {
                        limit: MAX_INLINE_DEPTH,
                        span: e.span,
                    });
                }
                let mut ids = Vec::with_capacity(args.len());
                for a in args {
                    ids.push(self.lower(a, env)?);
                }
                let SymKind::Function { body, .. } = &self.model.symbol(*f).kind else {
                    unreachable!("resolution only makes Apply of functions")
                };
                let mut inner = Env {
                    step: None,
                    args: ids,
                    sums: vec![0; self.model.sum_slots],
                    depth: env.depth + 1,
                };
                self.lower(body, &mut inner)
            }
            RKind::Neg(a) => {
                let a = self.lower(a, env)?;
                self.mk(Node::Neg(a))
            }
            RKind::AddChain(first, rest) => {
                let mut acc = self.lower(first, env)?;
                for (op, x) in rest {
                    let x = self.lower(x, env)?;
                    acc = self.mk(match op {
                        AddOp::Add => Node::Add(acc, x),
                        AddOp::Sub => Node::Sub(acc, x),
                    })?;
                }
                Ok(acc)
            }
            RKind::MulChain(first, rest) => {
                let mut acc = self.lower(first, env)?;
                for (op, x) in rest {
                    let x = self.lower(x, env)?;
                    acc = self.mk(match op {
                        MulOp::Mul | MulOp::Hadamard => Node::Mul(acc, x),
                        MulOp::Div => Node::Div(acc, x),
                    })?;
                }
                Ok(acc)
            }
            RKind::Pow(a, b) => {
                let a = self.lower(a, env)?;
                let b = self.lower(b, env)?;
                self.mk(Node::Pow(a, b))
            }
            RKind::Sum { slot, lo, hi, body } => {
                let lo = self.integer(lo, env, "a sum's lower bound")?;
                let hi = self.integer(hi, env, "a sum's upper bound")?;
                let mut acc: Option<NodeId> = None;
                let saved = env.sums[*slot];
                let (lo, hi) = match self.opts.window {
                    Some((a, b)) => (lo.max(a), hi.min(b)),
                    None => (lo, hi),
                };
                for k in lo..=hi {
                    env.sums[*slot] = k;
                    let term = self.lower(body, env)?;
                    acc = Some(match acc {
                        None => term,
                        Some(a) => self.mk(Node::Add(a, term))?,
                    });
                }
                env.sums[*slot] = saved;
                match acc {
                    Some(a) => Ok(a),
                    None => self.mk(Node::lit(Q::zero())),
                }
            }
        }
    }

    fn const_value(&self, id: SymId, span: Span) -> Result<Q, UnrollError> {
        match &self.model.symbol(id).kind {
            SymKind::Const { value: Some(v) } => Ok(v.clone()),
            _ => self
                .opts
                .horizon
                .map(Q::int)
                .ok_or_else(|| UnrollError::ConstWithoutValue {
                    name: self.model.symbol(id).name.clone(),
                    span,
                }),
        }
    }

    fn not_integer(&self, span: Span, why: &str) -> UnrollError {
        UnrollError::NotInteger {
            what: "a step".into(),
            why: why.into(),
            span,
        }
    }

    /// Evaluates an index or a bound: integer arithmetic on literals,
    /// consts, the step and sum variables.
    fn integer(&self, e: &RExpr, env: &Env, what: &str) -> Result<i64, UnrollError> {
        if let Some(k) = self.small_integer(e, env) {
            return Ok(k);
        }
        let q = self.integer_q(e, env).map_err(|err| match err {
            IntError::Why(why) => UnrollError::NotInteger {
                what: what.to_string(),
                why,
                span: e.span,
            },
            IntError::Unroll(u) => u,
        })?;
        q.to_i64().ok_or_else(|| UnrollError::NotInteger {
            what: what.to_string(),
            why: format!("it is {q}"),
            span: e.span,
        })
    }

    /// [`Self::integer_q`] in `i64` for the common index (`t - 1`, `2*k`,
    /// `T`): `Some` only when every intermediate is a whole number in range,
    /// so it agrees with the exact route wherever it answers; anything else
    /// (a division, a power, an overflow, an error) is left to that route.
    /// An index is computed for every element of an unroll, and the exact
    /// route allocated a big rational for each operand.
    fn small_integer(&self, e: &RExpr, env: &Env) -> Option<i64> {
        match &e.kind {
            RKind::Num(q) => q.to_i64(),
            RKind::Step => env.step,
            RKind::SumVar(slot) => Some(env.sums[*slot]),
            RKind::Sym(id) => match &self.model.symbol(*id).kind {
                SymKind::Const { value: Some(v) } => v.to_i64(),
                SymKind::Const { value: None } => self.opts.horizon,
                _ => None,
            },
            RKind::Neg(a) => self.small_integer(a, env)?.checked_neg(),
            RKind::AddChain(first, rest) => {
                let mut acc = self.small_integer(first, env)?;
                for (op, x) in rest {
                    let v = self.small_integer(x, env)?;
                    acc = match op {
                        AddOp::Add => acc.checked_add(v)?,
                        AddOp::Sub => acc.checked_sub(v)?,
                    };
                }
                Some(acc)
            }
            RKind::MulChain(first, rest) => {
                let mut acc = self.small_integer(first, env)?;
                for (op, x) in rest {
                    match op {
                        MulOp::Mul | MulOp::Hadamard => acc = acc.checked_mul(self.small_integer(x, env)?)?,
                        MulOp::Div => return None,
                    }
                }
                Some(acc)
            }
            _ => None,
        }
    }

    fn integer_q(&self, e: &RExpr, env: &Env) -> Result<Q, IntError> {
        let sub = |x: &RExpr| self.integer_q(x, env);
        Ok(match &e.kind {
            RKind::Num(q) => q.clone(),
            RKind::Step => Q::int(env.step.ok_or_else(|| why("there is no step variable here"))?),
            RKind::SumVar(slot) => Q::int(env.sums[*slot]),
            RKind::Sym(id) => match &self.model.symbol(*id).kind {
                SymKind::Const { .. } => self.const_value(*id, e.span).map_err(IntError::Unroll)?,
                _ => {
                    return Err(IntError::Why(format!(
                        "`{}` is not a constant",
                        self.model.symbol(*id).name
                    )))
                }
            },
            RKind::Neg(a) => -sub(a)?,
            RKind::AddChain(first, rest) => {
                let mut acc = sub(first)?;
                for (op, x) in rest {
                    let v = sub(x)?;
                    acc = match op {
                        AddOp::Add => acc + v,
                        AddOp::Sub => acc - v,
                    };
                }
                acc
            }
            RKind::MulChain(first, rest) => {
                let mut acc = sub(first)?;
                for (op, x) in rest {
                    let v = sub(x)?;
                    acc = match op {
                        MulOp::Mul | MulOp::Hadamard => acc * v,
                        MulOp::Div => acc.checked_div(&v).ok_or_else(|| why("it divides by zero"))?,
                    };
                }
                acc
            }
            RKind::Pow(a, b) => {
                let n = sub(b)?
                    .to_i64()
                    .filter(|n| (0..=64).contains(n))
                    .ok_or_else(|| why("its exponent is not a small whole number"))?;
                let base = sub(a)?;
                // A step fits in 64 bits: a larger power (nested ones
                // included) is refused before it is built.
                if base.bits().saturating_mul(n as u64) > 4096 {
                    return Err(why("it is far too large to be a step"));
                }
                base.pow(n).ok_or_else(|| why("it overflows"))?
            }
            _ => return Err(why("it depends on values, not only on steps and constants")),
        })
    }
}
