//! Checking a general result by instantiation: at every horizon `T = 1 … 6`
//! and every step `t`, with seeded random values for every leaf and every
//! derivative of an opaque function, the general formulas are built into
//! the unrolled network's own graph and evaluated, and compared with
//! reverse-mode AD on that graph. The unrolled engine is the oracle; the
//! general form needs no proof engine of its own.

use super::components::{At, Components, Expr};
use super::GeneralError;
use crate::calculus::numeric::{agree, gradient_ad};
use crate::eval::bindings::{free_leaves, free_opaque, random_slopes, random_values};
use crate::eval::{evaluate, Bindings, EvalOptions, Value};
use crate::graph::{Graph, Key, Node, NodeId, UnrollOptions, Unroller};
use crate::model::{Model, SymKind};
use crate::number::{Prec, Q};
use crate::vocab::steps::{GENERIC_T, HORIZON, STEP_RADIUS};
use crate::vocab::{Sym, SymId};
use std::collections::HashMap;

/// Digits every instance is certified to.
const DIGITS: u32 = 30;

/// One horizon's network, unrolled, with random values.
pub struct Instance<'m> {
    pub n: i64,
    pub un: Unroller<'m>,
    pub bindings: Bindings,
    /// The loss's node.
    pub of: NodeId,
}

impl<'m> Instance<'m> {
    /// The network at horizon `n` (`model` has its horizon const set to
    /// `n`), with seeded random values where the model gives none, and for
    /// every opaque call. `randomize_all` replaces the model's own values too.
    pub fn new(model: &'m Model, n: i64, of: SymId, seed: u64) -> Result<Instance<'m>, GeneralError> {
        let mut un = Unroller::new(
            model,
            UnrollOptions {
                horizon: Some(n),
                ..Default::default()
            },
        );
        let of = un.element(Key::Quantity(of), Default::default())?;
        // Every state and named element up to the horizon, so that AD by
        // any of them is defined.
        let mut bindings = Bindings::from_model(model).assume_relu_active(model.relu_active);
        let leaves = free_leaves(un.graph(), &[of], &Bindings::default());
        for (sym, q) in random_values(seed, &leaves) {
            bindings.set(sym, q);
        }
        let calls = free_opaque(un.graph(), &[of], &bindings);
        for ((f, a), q) in random_slopes(seed, un.graph(), &calls) {
            bindings.set_opaque(f, a, q);
        }
        Ok(Instance { n, un, bindings, of })
    }

    /// Where a step of a component graph lands at `t` of this instance:
    /// near the horizon relative to `n`, near the generic step relative to
    /// `t`, otherwise where it is.
    fn step(&self, k: i64, t: i64) -> i64 {
        if (k - HORIZON).abs() <= STEP_RADIUS {
            self.n + (k - HORIZON)
        } else if (k - GENERIC_T).abs() <= STEP_RADIUS {
            t + (k - GENERIC_T)
        } else {
            k
        }
    }

    /// The expression `e` of the components, built into this instance's
    /// graph at step `t`: each named quantity or state at its step there, the
    /// horizon const as the number `n`, the operations rebuilt.
    pub fn build(&mut self, c: &Components, e: Expr, t: i64, horizon: SymId) -> Result<NodeId, GeneralError> {
        let src: &Graph = &c.graphs[e.graph];
        let mut order = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![e.node];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            order.push(n);
            match src.node(n) {
                Node::Named(..) | Node::Leaf(_) => {}
                // The argument of ℓ′ is where it is taken: built too.
                Node::OpaquePrime(_, a) => stack.push(*a),
                other => stack.extend(other.children()),
            }
        }
        order.sort_unstable();
        let mut map: HashMap<NodeId, NodeId> = HashMap::new();
        let model = self.un.model();
        for n in order {
            let m = |x: &NodeId| map[x];
            let built = match src.node(n).clone() {
                Node::Lit(q) => self.un.node(Node::Lit(q))?,
                Node::Leaf(sym) | Node::Named(sym, _) => self.atom(model, sym, t, horizon)?,
                Node::Add(a, b) => self.un.node(Node::Add(m(&a), m(&b)))?,
                Node::Sub(a, b) => self.un.node(Node::Sub(m(&a), m(&b)))?,
                Node::Mul(a, b) => self.un.node(Node::Mul(m(&a), m(&b)))?,
                Node::Div(a, b) => self.un.node(Node::Div(m(&a), m(&b)))?,
                Node::Pow(a, b) => self.un.node(Node::Pow(m(&a), m(&b)))?,
                Node::Neg(a) => self.un.node(Node::Neg(m(&a)))?,
                Node::Call(f, a) => self.un.node(Node::Call(f, m(&a)))?,
                Node::Opaque(f, a) => self.un.node(Node::Opaque(f, m(&a)))?,
                Node::OpaquePrime(f, a) => self.un.node(Node::OpaquePrime(f, m(&a)))?,
            };
            map.insert(n, built);
        }
        Ok(map[&e.node])
    }

    /// A symbol of a component graph in this instance.
    fn atom(&mut self, model: &Model, sym: Sym, t: i64, horizon: SymId) -> Result<NodeId, GeneralError> {
        if sym.id == horizon {
            return Ok(self.un.node(Node::lit(Q::int(self.n)))?);
        }
        let step = sym.step.map(|k| self.step(k, t));
        Ok(match (&model.symbol(sym.id).kind, step) {
            (SymKind::Sequence(_), Some(k)) => self.un.element(Key::Elem(sym.id, k), Default::default())?,
            (SymKind::Quantity { .. }, None) => self.un.element(Key::Quantity(sym.id), Default::default())?,
            _ => self.un.leaf(Sym { id: sym.id, step })?,
        })
    }

    /// The value of `node` in this instance.
    pub fn value(&self, node: NodeId) -> Result<Value, GeneralError> {
        evaluate(self.un.graph(), &[node], &self.bindings, EvalOptions { digits: DIGITS })
            .map(|mut v| v.remove(0))
            .map_err(|_| GeneralError::Unevaluable)
    }

    /// `∂L/∂wrt` by reverse-mode AD on the unrolled network.
    pub fn ad(&self, wrt: NodeId) -> Result<Value, GeneralError> {
        gradient_ad(
            self.un.graph(),
            self.of,
            wrt,
            &self.bindings,
            self.un.model().relu_active,
            DIGITS,
        )
        .map_err(|_| GeneralError::Unevaluable)
    }
}

/// Do a computed value and AD agree (within `10^-(DIGITS − 5)`)?
pub fn agrees(a: &Value, b: &Value) -> bool {
    let tol = Q::one() / Q::int(10).pow(i64::from(DIGITS - 5)).unwrap_or_else(Q::one);
    agree(a, &b.interval(), &tol)
}

/// `a + b·c` for values.
pub fn add_mul(a: &Value, b: &Value, c: &Value) -> Value {
    a.add(&b.mul(c, Prec(400)), Prec(400))
}

/// Which terms of a state's adjoint apply at step `t` of horizon `n`.
pub fn next_applies(j: i64, t: i64, n: i64) -> bool {
    t + j <= n && t + j >= 1
}

/// Does the loss's summand at `t + d` exist (`lo ≤ t + d ≤ n + hi`)?
pub fn body_applies(bounds: Option<(i64, i64)>, d: i64, t: i64, n: i64) -> bool {
    bounds.is_some_and(|(lo, hi)| lo <= t + d && t + d <= n + hi)
}

/// Does a term of the loss at `at` touch step `t` of horizon `n`?
pub fn point_applies(at: At, t: i64, n: i64) -> bool {
    match at {
        At::Start(k) => t == k,
        At::End(m) => t == n - m,
    }
}
