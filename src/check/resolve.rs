//! Resolving a student's math through the model: each symbol is matched
//! against the model's names and display forms (`h_1`, `h^{(1)}`, `x_{1,2}`,
//! `\hat{y}_2`), and the formula is built as nodes of the same unrolled
//! graph the engine uses, so "the same quantity" means "the same node".
//!
//! A derivative `\frac{\partial A}{\partial B}` becomes a placeholder leaf
//! whose value the judge supplies at each point (reverse-mode AD of A with
//! respect to B); everything else is ordinary graph nodes.

use super::math::{BigOp, Func, Math, MathKind, Symbol};
use crate::graph::{Builtin, Graph, Key, Node, NodeId, Sym, UnrollError, Unroller};
use crate::model::{Model, SymId, SymKind};
use crate::notation::names::Typesetter;
use crate::number::decimal::parse_decimal;
use crate::number::Q;
use crate::syntax::Span;
use std::collections::BTreeMap;

/// Placeholder leaves for derivatives use symbol ids from here up; no
/// model has this many symbols.
const DERIV_BASE: u32 = 1 << 30;
/// Leaves standing for the decimals written in a formula (see
/// [`Resolver::decimals`]) use symbol ids from here up, past any
/// derivative placeholder.
const DECIMAL_BASE: u32 = 1 << 31;
/// Student definitions may refer to one another this deep.
const MAX_DEF_DEPTH: usize = 16;
/// `\sum_{i=1}^{n}` expands at most this many terms.
const MAX_SUM_TERMS: i64 = 10_000;
/// Without data to fix the horizon, steps up to this are accepted.
const MAX_FREE_STEP: i64 = 1_000;
/// An integer exponent beyond this is not a hand derivation.
const MAX_EXPONENT: i64 = 1_000;

/// A symbol of the model with its display key: the typeset base split into
/// base and subscript (`w_{1}` → `w`, `1`).
#[derive(Clone, Debug)]
struct Entry {
    id: SymId,
    stepped: bool,
}

/// The model's symbols by display key, and every spelling for suggestions.
pub struct SymbolIndex {
    by_key: BTreeMap<(String, String), Vec<Entry>>,
    /// Display spellings (`h^{(t)}`, `w_{1}`) and model names, for "did you mean".
    spellings: Vec<String>,
}

/// Splits a typeset base into (base, subscript text), normalized the way the
/// reader normalizes a student's symbol.
fn display_key(latex: &str) -> (String, String) {
    let lines = super::latex::read_math(latex);
    if let [super::math::Line::Chain(c)] = lines.as_slice() {
        if let [m] = c.members.as_slice() {
            if let MathKind::Symbol(s) = &m.kind {
                if s.sup.is_none() {
                    return (
                        s.base.clone(),
                        s.sub.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
                    );
                }
            }
        }
    }
    (latex.split_whitespace().collect(), String::new())
}

impl SymbolIndex {
    pub fn new(model: &Model) -> SymbolIndex {
        let ts = Typesetter::new(model);
        let mut by_key: BTreeMap<(String, String), Vec<Entry>> = BTreeMap::new();
        let mut spellings = Vec::new();
        for id in model.ids() {
            let s = model.symbol(id);
            let stepped = match &s.kind {
                SymKind::Input { .. } | SymKind::Target { .. } | SymKind::Sequence(_) => true,
                SymKind::Function { .. }
                | SymKind::Opaque
                | SymKind::Param { .. }
                | SymKind::Const { .. }
                | SymKind::Quantity { .. } => false,
            };
            let base = ts.base(id).to_string();
            by_key
                .entry(display_key(&base))
                .or_default()
                .push(Entry { id, stepped });
            // The model's own name is a spelling too (`w1`, `yhat`).
            let plain = (s.name.clone(), String::new());
            if !by_key.contains_key(&plain) {
                by_key.entry(plain).or_default().push(Entry { id, stepped });
            }
            spellings.push(if stepped { format!("{base}^{{(t)}}") } else { base });
        }
        spellings.sort();
        spellings.dedup();
        SymbolIndex { by_key, spellings }
    }

    fn lookup(&self, base: &str, sub: &str, stepped: bool) -> Option<SymId> {
        let entries = self.by_key.get(&(base.to_string(), sub.to_string()))?;
        entries.iter().find(|e| e.stepped == stepped).map(|e| e.id)
    }

    /// The closest display spellings to `written`, best first (at most 3).
    pub fn suggest(&self, written: &str) -> Vec<String> {
        let mut scored: Vec<(usize, &String)> = self
            .spellings
            .iter()
            .map(|s| (strsim::damerau_levenshtein(written, s), s))
            .collect();
        scored.sort();
        let limit = (written.len() / 2).max(3);
        scored
            .into_iter()
            .filter(|(d, _)| *d <= limit)
            .take(3)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

/// A student's own name: `d^{(t)} = …` or `n = …`.
#[derive(Clone, Debug)]
pub struct Definition {
    /// The index variable (`t`), if the name is indexed.
    pub var: Option<String>,
    pub body: Math,
    /// File offset of the math text the body's spans point into.
    pub seg_start: usize,
    /// The steps an indexed definition is written for (`&& 2 \le t \le 21`);
    /// other steps may have definitions of their own.
    pub range: Option<(i64, i64)>,
}

/// Student definitions by (base, subscript) key, or (base, "") when indexed
/// by a variable.
pub type Definitions = BTreeMap<(String, String), Definition>;

/// A derivative in a formula: `∂of/∂wrt`, standing in as `placeholder`.
#[derive(Clone, Debug)]
pub struct DerivTerm {
    pub of: NodeId,
    pub wrt: NodeId,
    pub placeholder: NodeId,
    /// The direct partial (other named quantities held fixed): a factor of
    /// a chain-rule product whose denominator appears in the numerator's
    /// own equation, as in `∂h^{(2)}/∂h^{(1)} ∂h^{(1)}/∂w_1`. Otherwise the
    /// total derivative.
    pub direct: bool,
    /// A direct partial whose denominator is an operand of the numerator's
    /// own operation: every other operand held, even one that depends on
    /// the denominator (an operation-per-line derivation's factor
    /// `∂ŷ/∂z₅ = 1/z₉` where `ŷ = z₅/z₉` and `z₉ = z₅ + z₈`).
    pub edge: bool,
    /// The partial at the numerator's step, quantities of other steps held
    /// fixed: a factor `∂c^{(t)}/∂u_f` inside a sum over steps whose
    /// denominator is not in the numerator's own equation (see
    /// [`crate::calculus::numeric::gradient_local`]).
    pub local: bool,
}

/// Why a formula could not be built.
#[derive(Clone, Debug)]
pub enum Problem {
    /// A symbol neither in the model nor defined by the author.
    Unknown {
        at: usize,
        len: usize,
        written: String,
        suggestions: Vec<String>,
    },
    /// Read, but has no meaning here (a derivative of a derivative, a step
    /// that is not a whole number, an exponent too large).
    Unsupported { at: usize, len: usize, message: String },
    /// The model could not be unrolled for it (a step without data, say).
    Model { at: usize, len: usize, message: String },
}

/// A replacement of one model atom by another, for "what if the author
/// wrote the wrong symbol" diagnoses.
pub type Subst = BTreeMap<Atom, Atom>;

/// A model symbol at a step, as written in a formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Atom {
    pub id: SymId,
    pub step: Option<i64>,
}

/// Builds formulas into the unrolled graph.
pub struct Resolver<'u, 'm> {
    pub model: &'m Model,
    pub un: &'u mut Unroller<'m>,
    pub index: &'u SymbolIndex,
    pub defs: &'u Definitions,
    pub derivs: &'u mut Vec<DerivTerm>,
    pub subst: Option<&'u Subst>,
    /// Every model atom used, in order of first use.
    pub atoms: Vec<Atom>,
    /// When `Some`, each decimal written with a point or an exponent
    /// (`0.7167`, `1.5e-3`) becomes a leaf of its own, listed here with its
    /// value and one unit in its last place: the judge puts in the interval
    /// of everything that rounds to it, to see whether a claim holds up to
    /// the rounding of the numbers the author wrote.
    pub decimals: Option<Vec<(NodeId, Q, Q)>>,
    /// `\log` was read as the natural logarithm.
    pub saw_log: bool,
    /// The derivative placeholders this formula uses.
    pub uses: Vec<usize>,
    /// The last `L(…)` applied in a derivative's numerator, so that a bare
    /// `\partial L` later means the same quantity.
    pub last_applied: &'u mut BTreeMap<SymId, NodeId>,
    seg_start: usize,
    def_depth: usize,
    /// Resolving a factor of a product of two or more derivatives.
    in_chain: bool,
    /// Resolving the body of a `\sum` (over steps, as a course writes one).
    in_step_sum: bool,
    /// Definitions already expanded in this formula, by key and step: a
    /// recurrence of the author's own (`\delta_{h^{(t)}} = \delta_{h^{(t+1)}}
    /// …`) is expanded once per step, not once per use.
    expanded: std::collections::HashMap<(String, String, Option<i64>), NodeId>,
}

/// Index variables in scope (`t` in a definition, `i` in a sum).
type Env = Vec<(String, i64)>;

impl<'u, 'm> Resolver<'u, 'm> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        model: &'m Model,
        un: &'u mut Unroller<'m>,
        index: &'u SymbolIndex,
        defs: &'u Definitions,
        derivs: &'u mut Vec<DerivTerm>,
        last_applied: &'u mut BTreeMap<SymId, NodeId>,
        subst: Option<&'u Subst>,
        seg_start: usize,
    ) -> Self {
        Resolver {
            model,
            un,
            index,
            defs,
            derivs,
            subst,
            atoms: Vec::new(),
            decimals: None,
            saw_log: false,
            uses: Vec::new(),
            last_applied,
            seg_start,
            def_depth: 0,
            in_chain: false,
            in_step_sum: false,
            expanded: Default::default(),
        }
    }

    pub fn graph(&self) -> &Graph {
        self.un.graph()
    }

    /// The node of a formula.
    pub fn build(&mut self, m: &Math) -> Result<NodeId, Problem> {
        self.resolve(m, &Vec::new())
    }

    /// The model symbol a bare symbol names, if it is one (no definitions).
    pub fn model_symbol(&self, s: &Symbol) -> bool {
        let sub = s.sub.as_ref().map(|x| x.text.as_str()).unwrap_or("");
        self.index.lookup(&s.base, sub, false).is_some()
            || self.index.lookup(&s.base, sub, true).is_some()
            || self.index.lookup(&s.base, "", true).is_some()
            || sub
                .rsplit_once(',')
                .is_some_and(|(h, _)| self.index.lookup(&s.base, h, true).is_some())
    }

    fn unsupported(&self, span: Span, message: impl Into<String>) -> Problem {
        Problem::Unsupported {
            at: self.seg_start + span.start,
            len: span.end - span.start,
            message: message.into(),
        }
    }

    fn model_error(&self, span: Span, e: UnrollError) -> Problem {
        Problem::Model {
            at: self.seg_start + span.start,
            len: span.end - span.start,
            message: e.to_string(),
        }
    }

    fn mk(&mut self, node: Node, span: Span) -> Result<NodeId, Problem> {
        self.un.node(node).map_err(|e| self.model_error(span, e))
    }

    fn resolve(&mut self, m: &Math, env: &Env) -> Result<NodeId, Problem> {
        match &m.kind {
            MathKind::Number(text) => {
                let (q, _, ulp) = parse_decimal(text).ok_or_else(|| self.unsupported(m.span, "not a number"))?;
                if let Some(k) = self.decimals.as_ref().map(Vec::len) {
                    if text.contains(['.', 'e', 'E']) {
                        let id = DECIMAL_BASE.saturating_add(u32::try_from(k).unwrap_or(u32::MAX - DECIMAL_BASE));
                        let leaf = self.mk(
                            Node::Leaf(Sym {
                                id: SymId(id),
                                step: None,
                            }),
                            m.span,
                        )?;
                        if let Some(list) = &mut self.decimals {
                            list.push((leaf, q, ulp));
                        }
                        return Ok(leaf);
                    }
                }
                self.mk(Node::lit(q), m.span)
            }
            MathKind::Symbol(s) => self.symbol(s, m.span, env),
            MathKind::Apply(s, args) => self.apply(s, args, m.span, env),
            MathKind::Prime(inner) => self.prime(inner, m.span, env),
            MathKind::Func(f, a) => {
                let a = self.resolve(a, env)?;
                let b = match f {
                    Func::Sigma => Builtin::Sigmoid,
                    Func::Tanh => Builtin::Tanh,
                    Func::Ln => Builtin::Ln,
                    Func::Log => {
                        self.saw_log = true;
                        Builtin::Ln
                    }
                    Func::Exp => Builtin::Exp,
                    Func::Relu => Builtin::Relu,
                    Func::Sqrt => Builtin::Sqrt,
                    Func::Step => Builtin::Step,
                };
                self.mk(Node::Call(b, a), m.span)
            }
            MathKind::Neg(a) => {
                let a = self.resolve(a, env)?;
                self.mk(Node::Neg(a), m.span)
            }
            MathKind::Sum(terms) => {
                let mut acc: Option<NodeId> = None;
                for (minus, t) in terms {
                    let x = self.resolve(t, env)?;
                    acc = Some(match (acc, minus) {
                        (None, false) => x,
                        (None, true) => self.mk(Node::Neg(x), t.span)?,
                        (Some(a), false) => self.mk(Node::Add(a, x), m.span)?,
                        (Some(a), true) => self.mk(Node::Sub(a, x), m.span)?,
                    });
                }
                acc.ok_or_else(|| self.unsupported(m.span, "an empty sum"))
            }
            MathKind::Product(factors) => {
                let chain = factors.iter().filter(|(_, f)| is_derivative(f)).count() >= 2;
                let mut acc: Option<NodeId> = None;
                for (div, f) in factors {
                    let saved = std::mem::replace(&mut self.in_chain, chain);
                    let x = self.resolve(f, env);
                    self.in_chain = saved;
                    let x = x?;
                    acc = Some(match (acc, div) {
                        (None, false) => x,
                        (None, true) => {
                            let one = self.mk(Node::lit(Q::one()), f.span)?;
                            self.mk(Node::Div(one, x), m.span)?
                        }
                        (Some(a), false) => self.mk(Node::Mul(a, x), m.span)?,
                        (Some(a), true) => self.mk(Node::Div(a, x), m.span)?,
                    });
                }
                acc.ok_or_else(|| self.unsupported(m.span, "an empty product"))
            }
            MathKind::Frac(a, b) => {
                let a = self.resolve(a, env)?;
                let b = self.resolve(b, env)?;
                self.mk(Node::Div(a, b), m.span)
            }
            MathKind::Pow(a, b) => {
                // `h^{(2)} \left(h^{(1)}\right)^{2}` reads as an application
                // raised to a power; when the name is not a function it is a
                // product, and the power belongs to the bracket alone.
                if let MathKind::Apply(s, args) = &a.kind {
                    if let ([arg], false) = (args.as_slice(), self.is_function(s)) {
                        let head = self.symbol(s, a.span, env)?;
                        let x = self.resolve(arg, env)?;
                        let p = self.power(x, b, m.span, env)?;
                        return self.mk(Node::Mul(head, p), m.span);
                    }
                }
                let a = self.resolve(a, env)?;
                self.power(a, b, m.span, env)
            }
            MathKind::Group(a) => self.resolve(a, env),
            MathKind::Derivative { of, wrt } => self.derivative(of, wrt, m.span, env),
            MathKind::Big { op, var, lo, hi, body } => {
                let lo = self.integer(lo, env)?;
                let hi = self.integer(hi, env)?;
                if hi.saturating_sub(lo) >= MAX_SUM_TERMS {
                    return Err(self.unsupported(m.span, format!("more than {MAX_SUM_TERMS} terms")));
                }
                let (unit, combine): (Q, fn(NodeId, NodeId) -> Node) = match op {
                    BigOp::Sum => (Q::zero(), Node::Add),
                    BigOp::Prod => (Q::one(), Node::Mul),
                };
                // The terms are resolved from the last step down and added
                // from the first: an author's backward recurrence (δ at t in
                // terms of δ at t+1) then expands each step once, from the
                // horizon, never T definitions deep.
                let mut terms = Vec::with_capacity(usize::try_from(hi.saturating_sub(lo) + 1).unwrap_or(0));
                for k in (lo..=hi).rev() {
                    let mut inner = env.clone();
                    inner.push((var.clone(), k));
                    let saved = std::mem::replace(&mut self.in_step_sum, matches!(op, BigOp::Sum));
                    let x = self.resolve(body, &inner);
                    self.in_step_sum = saved;
                    terms.push(x?);
                }
                let mut acc = self.mk(Node::lit(unit), m.span)?;
                for x in terms.into_iter().rev() {
                    acc = self.mk(combine(acc, x), m.span)?;
                }
                Ok(acc)
            }
        }
    }

    fn power(&mut self, base: NodeId, exp: &Math, span: Span, env: &Env) -> Result<NodeId, Problem> {
        let e = self.resolve(exp, env)?;
        if let Some(q) = self.graph().literal(e) {
            if q.abs() > Q::int(MAX_EXPONENT) {
                return Err(self.unsupported(span, format!("an exponent beyond {MAX_EXPONENT}")));
            }
        }
        self.mk(Node::Pow(base, e), span)
    }

    /// An integer: a step or a sum bound.
    fn integer(&mut self, m: &Math, env: &Env) -> Result<i64, Problem> {
        let bad = |r: &Self| r.unsupported(m.span, "a step or bound must be a whole number");
        match &m.kind {
            MathKind::Number(t) => t.parse::<i64>().map_err(|_| bad(self)),
            MathKind::Symbol(s) if s.sub.is_none() && s.sup.is_none() => {
                env.iter().rev().find(|(v, _)| *v == s.base).map(|(_, k)| *k).ok_or_else(|| {
                    // `h^{(t)} = \tanh(a^{(t)})`: a statement for every step.
                    self.unsupported(
                        m.span,
                        format!(
                            "`{0}` here is any step: statements about a general step are not checked yet; write it for one step, such as {0} = 2",
                            s.base
                        ),
                    )
                })
            }
            MathKind::Group(a) => self.integer(a, env),
            MathKind::Neg(a) => Ok(-self.integer(a, env)?),
            MathKind::Sum(terms) => {
                let mut acc = 0i64;
                for (minus, t) in terms {
                    let x = self.integer(t, env)?;
                    acc = if *minus { acc.checked_sub(x) } else { acc.checked_add(x) }.ok_or_else(|| bad(self))?;
                }
                Ok(acc)
            }
            MathKind::Product(fs) => {
                let mut acc = 1i64;
                for (div, f) in fs {
                    if *div {
                        return Err(bad(self));
                    }
                    acc = acc.checked_mul(self.integer(f, env)?).ok_or_else(|| bad(self))?;
                }
                Ok(acc)
            }
            _ => Err(bad(self)),
        }
    }

    /// A step written in a script: `2`, `(2)`, `t-1`, or by text when the
    /// reader kept only text (`1,2` has its parts split by the caller).
    fn step_of(&mut self, text: &str, math: Option<&Math>, span: Span, env: &Env) -> Result<i64, Problem> {
        if let Some(m) = math {
            return self.integer(m, env);
        }
        let t = text.trim().trim_start_matches('(').trim_end_matches(')');
        if let Ok(k) = t.parse::<i64>() {
            return Ok(k);
        }
        // `t-1`, `t+1`, `t`
        let (var, off) = match t.find(['+', '-']) {
            Some(i) => (&t[..i], t[i..].parse::<i64>().ok()),
            None => (t, Some(0)),
        };
        match (env.iter().rev().find(|(v, _)| v == var), off) {
            (Some((_, k)), Some(o)) => Ok(k + o),
            _ => Err(self.unsupported(span, format!("`{text}` is not a step"))),
        }
    }

    fn symbol(&mut self, s: &Symbol, span: Span, env: &Env) -> Result<NodeId, Problem> {
        let sub = s.sub.as_ref().map(|x| x.text.clone()).unwrap_or_default();
        // An index variable in scope (`i` inside `\sum_{i=1}`) is a number.
        if sub.is_empty() && s.sup.is_none() {
            if let Some((_, k)) = env.iter().rev().find(|(v, _)| *v == s.base) {
                return self.mk(Node::lit(Q::int(*k)), span);
            }
        }
        // 1. `h^{(2)}`, `x_1^{(2)}`: a parenthesized superscript is the step.
        if let Some(sup) = &s.sup {
            let paren = sup.text.starts_with('(') && sup.text.ends_with(')');
            if paren {
                if let Some(id) = self.index.lookup(&s.base, &sub, true) {
                    let inner = sup.math.as_deref().map(|m| match &m.kind {
                        MathKind::Group(x) => x.as_ref(),
                        _ => m,
                    });
                    let k = self.step_of(&sup.text, inner, sup.span, env)?;
                    return self.atom(Atom { id, step: Some(k) }, span);
                }
            }
        }
        // 2. A plain symbol (`w_1`, `b_h`, `J`); any superscript is a power.
        let plain = self.index.lookup(&s.base, &sub, false);
        // 3. `h_2`, `\hat{y}_2`: a sequence whose display has no subscript.
        // 4. `x_{1,2}`: the step merged into the subscript.
        let stepped = if plain.is_some() {
            None
        } else if let (Some(id), Some(sc)) = (self.index.lookup(&s.base, "", true), &s.sub) {
            Some((id, self.step_of(&sc.text, sc.math.as_deref(), sc.span, env)?))
        } else if let Some((head, last)) = sub.rsplit_once(',') {
            match (self.index.lookup(&s.base, head, true), &s.sub) {
                (Some(id), Some(sc)) => Some((id, self.step_of(last, None, sc.span, env)?)),
                _ => None,
            }
        } else {
            None
        };
        let node = match (plain, stepped) {
            (Some(id), _) => self.atom(Atom { id, step: None }, span)?,
            (None, Some((id, k))) => self.atom(Atom { id, step: Some(k) }, span)?,
            (None, None) => match self.definition(s, &sub, span, env)? {
                Some(n) => n,
                None if s.base == "e" && sub.is_empty() => {
                    // Euler's number: `e^{x}` is exp(x).
                    let one = self.mk(Node::lit(Q::one()), span)?;
                    let e = self.mk(Node::Call(Builtin::Exp, one), span)?;
                    if let Some(sup) = &s.sup {
                        let x = self.sup_math(sup, span)?;
                        let x = self.resolve(&x, env)?;
                        return self.mk(Node::Call(Builtin::Exp, x), span);
                    }
                    e
                }
                None => {
                    if self.index.lookup(&s.base, &sub, true).is_some() {
                        return Err(self.unsupported(span, "this quantity needs a step, such as `^{(2)}`"));
                    }
                    let written = written_form(s);
                    return Err(Problem::Unknown {
                        at: self.seg_start + span.start,
                        len: span.end - span.start,
                        suggestions: self.index.suggest(&written),
                        written,
                    });
                }
            },
        };
        // A parenthesized superscript on an indexed definition was its step.
        let sup_was_step = plain.is_none()
            && stepped.is_none()
            && s.sup.as_ref().is_some_and(|x| x.text.starts_with('('))
            && ([String::new(), sub.clone()].iter().any(|k| {
                self.defs
                    .get(&(s.base.clone(), k.clone()))
                    .is_some_and(|d| d.var.is_some())
            }) || self
                .defs
                .keys()
                .any(|(b, k)| *b == s.base && k.starts_with(&format!("{sub}@"))));
        match &s.sup {
            Some(sup) if !sup_was_step => {
                let x = self.sup_math(sup, span)?;
                self.power(node, &x, span, env)
            }
            _ => Ok(node),
        }
    }

    fn sup_math(&self, sup: &super::math::Script, span: Span) -> Result<Math, Problem> {
        match &sup.math {
            Some(m) => Ok((**m).clone()),
            None => match sup.text.parse::<i64>() {
                Ok(_) => Ok(Math {
                    kind: MathKind::Number(sup.text.clone()),
                    span: sup.span,
                }),
                Err(_) => Err(self.unsupported(span, format!("cannot read the superscript `{}`", sup.text))),
            },
        }
    }

    /// A student's own name, expanded.
    fn definition(&mut self, s: &Symbol, sub: &str, span: Span, env: &Env) -> Result<Option<NodeId>, Problem> {
        let defs = self.defs;
        // `\delta_{h^{(k)}}`: the definition for that step, else the one for
        // every step (`\delta_{h^{(t)}} = …`) at t = k.
        let nested = s.sup.is_none().then(|| s.sub.as_ref().and_then(nested_key)).flatten();
        let nested_def = match (nested, s.sub.as_ref().and_then(|x| x.math.as_deref())) {
            (
                Some((nk, _)),
                Some(Math {
                    kind: MathKind::Symbol(inner),
                    ..
                }),
            ) => {
                let sup = inner.sup.as_ref().expect("a nested key has a step");
                let m = sup.math.as_deref().map(|m| match &m.kind {
                    MathKind::Group(x) => x.as_ref(),
                    _ => m,
                });
                match self.step_of(&sup.text, m, sup.span, env) {
                    Ok(k) => match defs.get(&(s.base.clone(), format!("{nk}@{k}"))) {
                        Some(d) => Some((d, None)),
                        None => defs
                            .get(&(s.base.clone(), nk))
                            .filter(|d| d.var.is_some())
                            .map(|d| (d, Some((d.var.clone().unwrap_or_default(), k)))),
                    },
                    Err(_) => None,
                }
            }
            _ => None,
        };
        // `z_{1}^{(11)}`: the author's name at that step, when defined there.
        let at_step = match s.sup.as_ref().filter(|x| x.text.starts_with('(')) {
            Some(sup) if nested_def.is_none() => {
                let m = sup.math.as_deref().map(|m| match &m.kind {
                    MathKind::Group(x) => x.as_ref(),
                    _ => m,
                });
                match self.step_of(&sup.text, m, sup.span, env) {
                    Ok(k) => defs.get(&(s.base.clone(), format!("{sub}@{k}"))).map(|d| (d, None)),
                    Err(_) => None,
                }
            }
            _ => None,
        };
        let (def, bound) = if let Some(found) = nested_def.or(at_step) {
            found
        } else if let Some(d) = defs.get(&(s.base.clone(), sub.to_string())).filter(|d| d.var.is_none()) {
            (d, None)
        } else if let Some(d) = defs
            .get(&(s.base.clone(), sub.to_string()))
            .filter(|d| d.var.is_some() && s.sup.is_some())
            .or_else(|| defs.get(&(s.base.clone(), String::new())).filter(|d| d.var.is_some()))
            .filter(|d| {
                // Outside its range an indexed definition does not apply.
                let (Some((lo, hi)), Some(sup)) = (d.range, s.sup.as_ref()) else {
                    return true;
                };
                let m = sup.math.as_deref().map(|m| match &m.kind {
                    MathKind::Group(x) => x.as_ref(),
                    _ => m,
                });
                self.step_of(&sup.text, m, sup.span, env)
                    .map_or(true, |k| (lo..=hi).contains(&k))
            })
        {
            // `d^{(2)}` or `d_2` for `d^{(t)} = …`.
            let script = s.sup.as_ref().filter(|x| x.text.starts_with('(')).or(s.sub.as_ref());
            let Some(sc) = script else {
                return Ok(None);
            };
            let inner = sc.math.as_deref().map(|m| match &m.kind {
                MathKind::Group(x) => x.as_ref(),
                _ => m,
            });
            let k = self.step_of(&sc.text, inner, sc.span, env)?;
            (d, Some((d.var.clone().unwrap_or_default(), k)))
        } else {
            return Ok(None);
        };
        let memo_key = (
            s.base.clone(),
            def.body.span.start.to_string() + "@" + &def.seg_start.to_string(),
            bound.as_ref().map(|(_, k)| *k),
        );
        if let Some(&id) = self.expanded.get(&memo_key) {
            return Ok(Some(id));
        }
        if self.def_depth >= MAX_DEF_DEPTH {
            return Err(self.unsupported(span, "definitions refer to each other too deeply (or in a circle)"));
        }
        let saved = self.seg_start;
        self.seg_start = def.seg_start;
        self.def_depth += 1;
        let mut inner: Env = Vec::new();
        inner.extend(bound);
        let r = self.resolve(&def.body, &inner);
        self.def_depth -= 1;
        self.seg_start = saved;
        if let Ok(id) = r {
            self.expanded.insert(memo_key, id);
        }
        r.map(Some)
    }

    fn atom(&mut self, a: Atom, span: Span) -> Result<NodeId, Problem> {
        let a = self.subst.and_then(|m| m.get(&a)).copied().unwrap_or(a);
        // The question's steps are the data's; beyond them an exact value
        // can take time and memory exponential in the step (`h^{(99999)}`
        // in a linear recurrence), which a student file must not buy.
        if let Some(k) = a.step {
            let last = self.model.data_horizon().unwrap_or(MAX_FREE_STEP);
            // A step the model gives an equation of its own (`hb[4] = 0`, the
            // boundary of a backward recurrence) is part of the question even
            // past the data: derivations print it, so it must read back.
            let boundary = matches!(&self.model.symbol(a.id).kind, SymKind::Sequence(q) if q.fixed.contains_key(&k));
            if !boundary && (k > last || k < -MAX_FREE_STEP) {
                return Err(self.unsupported(
                    span,
                    format!(
                        "step {k} of `{}` is outside the question, whose steps run to {last}",
                        self.model.symbol(a.id).name
                    ),
                ));
            }
        }
        if !self.atoms.contains(&a) {
            self.atoms.push(a);
        }
        let sym = self.model.symbol(a.id);
        let r = match (&sym.kind, a.step) {
            (SymKind::Sequence(_), Some(k)) => self.un.element(Key::Elem(a.id, k), Span::default()),
            (SymKind::Quantity { .. }, None) => self.un.element(Key::Quantity(a.id), Span::default()),
            (SymKind::Const { value: Some(q) }, None) => self.un.node(Node::lit(q.clone())),
            (SymKind::Function { .. }, _) => {
                return Err(self.unsupported(span, format!("`{}` is a function: give it an argument", sym.name)))
            }
            _ => self.un.leaf(Sym { id: a.id, step: a.step }),
        };
        r.map_err(|e| self.model_error(span, e))
    }

    /// The name is a function of the model (`L`, `f`), or `\phi` for the
    /// step built-in.
    fn is_function(&self, s: &Symbol) -> bool {
        let sub = s.sub.as_ref().map(|x| x.text.as_str()).unwrap_or("");
        self.is_step_phi(s)
            || s.sup.is_none()
                && self
                    .index
                    .lookup(&s.base, sub, false)
                    .is_some_and(|id| matches!(self.model.symbol(id).kind, SymKind::Function { .. } | SymKind::Opaque))
    }

    /// `\phi` applied to something is the Heaviside step, which is how
    /// chainrule typesets `step` (LANGUAGE.md §1) — unless the model or the
    /// author has a `\phi` of their own, which then keeps its meaning.
    fn is_step_phi(&self, s: &Symbol) -> bool {
        s.base == "\\phi"
            && s.sub.is_none()
            && s.sup.is_none()
            && self.index.lookup(&s.base, "", false).is_none()
            && self.index.lookup(&s.base, "", true).is_none()
            && !self.defs.keys().any(|(base, _)| base == &s.base)
    }

    /// `f'(z)`: the derivative of a built-in at `z`, written out as the
    /// derivation prints it (σ′(z) = σ(z)(1 − σ(z)), tanh′(z) = 1 − tanh²(z)),
    /// or the slope of an opaque call (`\ell'(h^{(T)})`, LANGUAGE.md §5),
    /// which the checker draws at random as `derive` does.
    fn prime(&mut self, inner: &Math, span: Span, env: &Env) -> Result<NodeId, Problem> {
        match &inner.kind {
            MathKind::Func(f, a) => {
                let x = self.resolve(a, env)?;
                let one = self.mk(Node::lit(Q::one()), span)?;
                match f {
                    Func::Sigma => {
                        let s = self.mk(Node::Call(Builtin::Sigmoid, x), span)?;
                        let rest = self.mk(Node::Sub(one, s), span)?;
                        self.mk(Node::Mul(s, rest), span)
                    }
                    Func::Tanh => {
                        let t = self.mk(Node::Call(Builtin::Tanh, x), span)?;
                        let two = self.mk(Node::lit(Q::int(2)), span)?;
                        let sq = self.mk(Node::Pow(t, two), span)?;
                        self.mk(Node::Sub(one, sq), span)
                    }
                    Func::Exp => self.mk(Node::Call(Builtin::Exp, x), span),
                    Func::Ln | Func::Log => {
                        if matches!(f, Func::Log) {
                            self.saw_log = true;
                        }
                        self.mk(Node::Div(one, x), span)
                    }
                    Func::Relu => self.mk(Node::Call(Builtin::Step, x), span),
                    Func::Sqrt => {
                        let two = self.mk(Node::lit(Q::int(2)), span)?;
                        let r = self.mk(Node::Call(Builtin::Sqrt, x), span)?;
                        let d = self.mk(Node::Mul(two, r), span)?;
                        self.mk(Node::Div(one, d), span)
                    }
                    Func::Step => Err(self.unsupported(span, "the step function has no derivative to write")),
                }
            }
            MathKind::Apply(s, args) => {
                let sub = s.sub.as_ref().map(|x| x.text.as_str()).unwrap_or("");
                let f = self
                    .index
                    .lookup(&s.base, sub, false)
                    .filter(|id| matches!(self.model.symbol(*id).kind, SymKind::Opaque));
                match (f, args.as_slice()) {
                    (Some(f), [arg]) => {
                        let x = self.resolve(arg, env)?;
                        self.mk(Node::OpaquePrime(f, x), span)
                    }
                    (Some(_), _) => Err(self.unsupported(span, "an opaque function takes one argument")),
                    (None, _) => Err(self.unsupported(
                        span,
                        "a prime on a name that is not a built-in or an opaque function of the model",
                    )),
                }
            }
            _ => Err(self.unsupported(span, "a prime on something that is not a function")),
        }
    }

    fn apply(&mut self, s: &Symbol, args: &[Math], span: Span, env: &Env) -> Result<NodeId, Problem> {
        if self.is_step_phi(s) {
            let [arg] = args else {
                return Err(self.unsupported(span, "the step function `\\phi` takes one argument"));
            };
            let x = self.resolve(arg, env)?;
            return self.mk(Node::Call(Builtin::Step, x), span);
        }
        let sub = s.sub.as_ref().map(|x| x.text.as_str()).unwrap_or("");
        if let Some(f) = self
            .index
            .lookup(&s.base, sub, false)
            .filter(|id| matches!(self.model.symbol(*id).kind, SymKind::Opaque))
        {
            let [arg] = args else {
                return Err(self.unsupported(span, "an opaque function takes one argument"));
            };
            let x = self.resolve(arg, env)?;
            return self.mk(Node::Opaque(f, x), span);
        }
        let f = self
            .index
            .lookup(&s.base, sub, false)
            .filter(|id| matches!(self.model.symbol(*id).kind, SymKind::Function { .. }));
        let Some(f) = f else {
            // Not a function: juxtaposition, `u(h + 1)`.
            let [arg] = args else {
                return Err(self.unsupported(span, "a list in parentheses after a name that is not a function"));
            };
            let head = self.symbol(s, span, env)?;
            let x = self.resolve(arg, env)?;
            return self.mk(Node::Mul(head, x), span);
        };
        let SymKind::Function { params, .. } = &self.model.symbol(f).kind else {
            unreachable!("filtered to functions")
        };
        if params.len() != args.len() {
            return Err(self.unsupported(
                span,
                format!(
                    "`{}` takes {} argument(s), not {}",
                    self.model.symbol(f).name,
                    params.len(),
                    args.len()
                ),
            ));
        }
        let mut ids = Vec::with_capacity(args.len());
        for a in args {
            ids.push(self.resolve(a, env)?);
        }
        self.un.apply(f, ids, span).map_err(|e| self.model_error(span, e))
    }

    fn derivative(&mut self, of: &Math, wrt: &Math, span: Span, env: &Env) -> Result<NodeId, Problem> {
        let before = self.uses.len();
        let of_node = match &of.kind {
            // `\partial L` alone: the `L(…)` a previous derivative applied.
            MathKind::Symbol(s) if s.sub.is_none() && s.sup.is_none() => {
                let f = self
                    .index
                    .lookup(&s.base, "", false)
                    .filter(|id| matches!(self.model.symbol(*id).kind, SymKind::Function { .. }));
                match f.and_then(|f| self.last_applied.get(&f).copied()) {
                    Some(n) => n,
                    None => self.resolve(of, env)?,
                }
            }
            _ => self.resolve(of, env)?,
        };
        if let MathKind::Apply(s, _) = &of.kind {
            if let Some(f) = self.index.lookup(&s.base, "", false) {
                self.last_applied.insert(f, of_node);
            }
        }
        let wrt_node = self.resolve(wrt, env)?;
        // `\partial h^{(1)} / \partial z_{2}` where the document groups z₂'s
        // sum differently from the model: the model's node is meant.
        let wrt_node = super::same_node::reached_equal(self.graph(), of_node, wrt_node);
        if self.uses.len() > before {
            return Err(self.unsupported(span, "a derivative of a derivative"));
        }
        if !is_variable(self.graph(), wrt_node) {
            return Err(self.unsupported(
                wrt.span,
                "differentiate with respect to a parameter, an input or a quantity at a step",
            ));
        }
        let direct = self.in_chain && direct_argument(self.graph(), of_node, wrt_node);
        let edge = direct && crate::calculus::numeric::is_operand(self.graph(), of_node, wrt_node);
        // Σ_t ∂L/∂c^{(t)} ∂c^{(t)}/∂u_f: the step's own partial (BPTT's
        // copy of the parameter at step t), not the total through earlier
        // steps, which the sum already counts.
        let local = self.in_chain
            && !direct
            && self.in_step_sum
            && matches!(self.graph().node(of_node), Node::Named(s, _) if s.step.is_some());
        if let Some(k) = self.derivs.iter().position(|d| {
            d.of == of_node && d.wrt == wrt_node && d.direct == direct && d.edge == edge && d.local == local
        }) {
            self.uses.push(k);
            return Ok(self.derivs[k].placeholder);
        }
        let k = self.derivs.len();
        let placeholder = self.mk(
            Node::Leaf(Sym {
                id: SymId(DERIV_BASE + k as u32),
                step: None,
            }),
            span,
        )?;
        self.derivs.push(DerivTerm {
            of: of_node,
            wrt: wrt_node,
            placeholder,
            direct,
            edge,
            local,
        });
        self.uses.push(k);
        Ok(placeholder)
    }
}

/// A derivative, possibly in brackets.
fn is_derivative(m: &Math) -> bool {
    match &m.kind {
        MathKind::Derivative { .. } => true,
        MathKind::Group(a) => is_derivative(a),
        _ => false,
    }
}

/// `wrt` appears in the equation of `of` itself: reachable from it without
/// passing through another named quantity.
fn direct_argument(g: &Graph, of: NodeId, wrt: NodeId) -> bool {
    let mut stack = vec![of];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = stack.pop() {
        if n == wrt {
            return true;
        }
        if !seen.insert(n) || (n != of && matches!(g.node(n), Node::Named(..))) {
            continue;
        }
        stack.extend(g.node(n).children());
    }
    false
}

/// Something a derivative can be taken with respect to: a leaf, a named
/// quantity, or an operation the author named.
fn is_variable(g: &Graph, n: NodeId) -> bool {
    !matches!(g.node(n), Node::Lit(_))
}

/// A subscript that names a quantity at a step (`h^{(t)}`, `h^{(40)}`,
/// `x_{1}^{(t+1)}`): the quantity's key (`h^{(·)}`) and the step as written
/// (`t`, `40`, `t+1`). The key of adjoint names such as `\delta_{h^{(t)}}`.
pub fn nested_key(sub: &super::math::Script) -> Option<(String, String)> {
    let Some(Math {
        kind: MathKind::Symbol(inner),
        ..
    }) = sub.math.as_deref()
    else {
        return None;
    };
    let sup = inner.sup.as_ref()?;
    let step = sup.text.strip_prefix('(')?.strip_suffix(')')?;
    let mut key = inner.base.clone();
    if let Some(x) = &inner.sub {
        key.push_str(&format!("_{{{}}}", x.text));
    }
    key.push_str("^{(·)}");
    Some((key, step.to_string()))
}

/// True for a placeholder leaf standing for a derivative (or for a decimal
/// written, see [`Resolver::decimals`]): never a leaf of the model.
pub fn is_placeholder(g: &Graph, n: NodeId) -> bool {
    matches!(g.node(n), Node::Leaf(s) if s.id.0 >= DERIV_BASE)
}

/// The symbol as the author wrote it, for messages: `d^{(t)}`.
pub fn written_form(s: &Symbol) -> String {
    let mut out = s.base.clone();
    if let Some(sub) = &s.sub {
        out.push_str(&format!("_{{{}}}", sub.text));
    }
    if let Some(sup) = &s.sup {
        out.push_str(&format!("^{{{}}}", sup.text));
    }
    out
}
