//! Judging a document: every neighbouring pair `a R b` of a relation chain
//! is a claim, built into the model's graph and evaluated at the model's
//! values (and at seeded random points when both sides are symbolic).
//!
//! A claim is, in this order: `correct` (the two sides agree), `approximate`
//! (a decimal that is the true value rounded to the places written), correct
//! by an error carried forward (right given a wrong value the author wrote
//! earlier), correct as one path's contribution (a derivative equated with a
//! single path), `arithmetic` (an author's computation whose result does not
//! follow), or `wrong` (a model quantity or derivative given a value the
//! model does not have), with the single slip that explains it if one does.

use super::context::Prose;
use super::diagnose::{diagnose, Slip};
use super::document::{line_col, Segment};
use super::math::{Line, Math, MathKind, Relation};
use super::points::{fill_free, leaves, random_points, same, symbolic, values_at};
use super::resolve::{Definition, Definitions, DerivTerm, Problem, Resolver, SymbolIndex};
use super::verdict::{Claim, Report, Verdict};
use super::DocKind;
use crate::calculus::derive::{derive, Derivation, DeriveOptions};
use crate::eval::{Bindings, Value};
use crate::graph::{Graph, Node, NodeId, Sym, UnrollOptions, Unroller};
use crate::model::{Model, SymId};
use crate::notation::latex::latex_symbol_or_expr;
use crate::notation::names::Typesetter;
use crate::number::decimal::{interval_to_decimal, parse_decimal, q_to_decimal};
use crate::number::Q;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// How claims are checked.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Seed of the random points (printed in the report).
    pub seed: u64,
    /// Random points per symbolic claim.
    pub points: usize,
    /// Certified digits of every value compared.
    pub digits: u32,
    /// Time allowed for judging one claim, diagnosis included.
    pub claim_time: Duration,
    /// At most this many claims are judged; the rest are reported as a limit.
    pub max_claims: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            seed: 1,
            points: 3,
            digits: 30,
            claim_time: Duration::from_secs(10),
            max_claims: 5_000,
        }
    }
}

/// Letters that index steps in a definition such as `d^{(t)} = …`.
const INDEX_VARS: [&str; 7] = ["t", "k", "i", "j", "n", "s", "\\tau"];

/// A formula built into the graph.
#[derive(Clone, Debug)]
pub(super) struct Built {
    pub node: NodeId,
    /// Derivative placeholders it uses.
    pub uses: Vec<usize>,
    pub saw_log: bool,
}

/// One member of a chain: what was written and what it built.
pub(super) struct MemberRef<'a> {
    pub math: &'a Math,
    pub seg_start: usize,
    pub built: Result<Built, Problem>,
}

/// A value the author gave a model quantity that the model does not give it:
/// later steps that use it are "error carried forward".
#[derive(Clone, Debug)]
struct Belief {
    node: NodeId,
    value: Value,
    /// The quantity and the line, for the note.
    label: String,
    line: usize,
    /// The written decimal is the model's value rounded to the places
    /// written: using it later is rounding, not an error carried forward.
    rounded: bool,
}

pub(super) struct Checker<'m> {
    pub model: &'m Model,
    src: &'m str,
    pub opts: CheckOptions,
    pub un: Unroller<'m>,
    pub index: SymbolIndex,
    pub defs: Definitions,
    pub derivs: Vec<DerivTerm>,
    last_applied: BTreeMap<SymId, NodeId>,
    pub ts: Typesetter,
    /// The model's values, plus seeded values for leaves without one.
    pub p0: Bindings,
    /// The model's values alone: a leaf not here has a random value in `p0`.
    model_vals: Bindings,
    beliefs: Vec<Belief>,
    derivations: BTreeMap<usize, Option<Derivation>>,
    claims: Vec<Claim>,
    warnings: Vec<String>,
    /// The prose around the formulas.
    prose: Prose,
    /// The author says the formula being judged is about one path.
    path_context: bool,
}

/// Checks every claim of a document whose math has been cut into segments.
pub fn check_segments(model: &Model, src: &str, kind: DocKind, segments: &[Segment], opts: &CheckOptions) -> Report {
    let mut c = Checker {
        model,
        src,
        opts: opts.clone(),
        un: Unroller::new(
            model,
            UnrollOptions {
                horizon: model.data_horizon(),
                ..Default::default()
            },
        ),
        index: SymbolIndex::new(model),
        defs: Definitions::new(),
        derivs: Vec::new(),
        last_applied: BTreeMap::new(),
        ts: Typesetter::new(model),
        p0: Bindings::from_model(model),
        model_vals: Bindings::from_model(model),
        beliefs: Vec::new(),
        derivations: BTreeMap::new(),
        claims: Vec::new(),
        warnings: Vec::new(),
        prose: Prose::new(src, segments, kind),
        path_context: false,
    };
    let mut saw_log = false;
    'segments: for seg in segments {
        c.path_context = c
            .prose
            .speaks_of_one_path(seg.start, seg.start + seg.text.len(), &seg.text);
        for line in super::latex::read_math(&seg.text) {
            if c.claims.len() >= opts.max_claims {
                c.warnings.push(format!(
                    "stopped after {} claims; the rest of the document was not checked",
                    opts.max_claims
                ));
                break 'segments;
            }
            match line {
                Line::Unparsed { span, message } => {
                    let text = seg.text.get(span.start..span.end).unwrap_or("");
                    if is_path_list(text) || is_enumeration(text) || super::matrix_claim::is_mention(model, text) {
                        continue;
                    }
                    // A claim about a whole vector or matrix, entry by entry
                    // (a `bmatrix`, or a formula the scalar reader stopped at).
                    if message.starts_with("matrix notation") || !model.tensors.is_empty() {
                        let judged = super::matrix_claim::judge(model, &mut c.un, &c.p0, text, c.opts.digits);
                        if let Some(judged) = judged {
                            c.push_matrix(seg.start + span.start, text, judged);
                            continue;
                        }
                    }
                    let at = seg.start + span.start;
                    c.push(at, span.end - span.start, at, Verdict::Unparsed, "", "", &message);
                }
                Line::Chain(chain) => {
                    if chain.members.len() < 2 {
                        continue;
                    }
                    // A formula in the model's vectors and matrices
                    // (`\tanh(\mathbf{W}\mathbf{x}^{(1)} + \mathbf{b})`), entry by entry.
                    if !model.tensors.is_empty() {
                        let span = &chain.span;
                        let text = seg.text.get(span.start..span.end).unwrap_or("");
                        let judged = super::matrix_claim::judge(model, &mut c.un, &c.p0, text, c.opts.digits)
                            // The scalar reader read it: its own verdict beats "not read".
                            .filter(|js| js.iter().any(|j| j.verdict != Verdict::Unparsed));
                        if let Some(judged) = judged {
                            c.push_matrix(seg.start + span.start, text, judged);
                            continue;
                        }
                    }
                    // `J_1 = \frac12 (\hat y - y)^2 \approx 0.0239`: the author
                    // names a quantity and works it out in one chain; the
                    // name is defined and the rest of the chain is judged.
                    let from = usize::from(c.definition(
                        &chain.members[..2],
                        &chain.relations[..1],
                        seg.start,
                        chain.range.as_deref(),
                    ));
                    if from + 1 >= chain.members.len() {
                        continue;
                    }
                    let rels: Vec<Relation> = chain.relations[from..].iter().map(|r| r.0).collect();
                    if let Some((h, has_t)) = c.general(&chain.members[from..]) {
                        c.general_chain(
                            &chain.members[from..],
                            &rels,
                            seg.start,
                            h,
                            has_t,
                            chain.range.as_deref(),
                        );
                        continue;
                    }
                    let members = c.members(&chain.members[from..], seg.start);
                    saw_log |= members.iter().any(|m| m.built.as_ref().is_ok_and(|b| b.saw_log));
                    c.chain(&members, &rels);
                }
            }
        }
    }
    if saw_log {
        c.warnings
            .push("`\\log` was read as the natural logarithm `\\ln`, as in the course".to_string());
    }
    Report {
        claims: c.claims,
        formulas: segments.len(),
        first_formula: segments.first().map(|s| s.start),
        kind,
        seed: opts.seed,
        warnings: c.warnings,
    }
}

/// `T = 1, \ldots, 6`: the values a name runs through, which claims
/// nothing about them.
fn is_enumeration(text: &str) -> bool {
    ["\\ldots", "\\dots", "\\cdots"].iter().any(|d| text.contains(d)) && text.contains(',')
}

/// `w_1 \to h^{(1)} \to L`: a path written as a list of nodes, which
/// claims nothing (there is no relation in it).
fn is_path_list(text: &str) -> bool {
    let arrows = ["\\to", "\\rightarrow", "\\longrightarrow"];
    arrows.iter().any(|a| text.contains(a)) && !text.contains('=') && !text.contains("\\approx")
}

/// `a` is a bare reference to something the model defines: a quantity, a
/// parameter, a call such as `L(y^{(2)})`, or a derivative. A claim about
/// it is a claim about the model; anything else is the author's own
/// computation, whose result must follow from it.
fn is_reference(m: &Math) -> bool {
    match &m.kind {
        MathKind::Symbol(_) | MathKind::Apply(..) | MathKind::Derivative { .. } => true,
        MathKind::Group(a) => is_reference(a),
        _ => false,
    }
}

fn is_derivative(m: &Math) -> bool {
    match &m.kind {
        MathKind::Derivative { .. } => true,
        MathKind::Group(a) => is_derivative(a),
        _ => false,
    }
}

/// The decimal written, with its sign: `-0.0466`.
pub(super) fn written_decimal(m: &Math) -> Option<String> {
    match &m.kind {
        MathKind::Number(t) => Some(t.clone()),
        MathKind::Neg(a) => written_decimal(a).map(|t| format!("-{t}")),
        MathKind::Group(a) => written_decimal(a),
        _ => None,
    }
}

/// A value for people: exact decimals in full, other rationals as `p/q`
/// with their decimal, enclosures to the certain digits.
pub(super) fn show(v: &Value) -> String {
    match v {
        Value::Exact(q) => match q_to_decimal(q, 30) {
            (s, true) => s,
            (s, false) => format!("{q} = {s}…"),
        },
        Value::Approx(iv) => match interval_to_decimal(iv, 30) {
            Some(s) => format!("{s}…"),
            None => "(not certain to any digit)".to_string(),
        },
    }
}

impl<'m> Checker<'m> {
    /// The verdicts of a matrix claim on the line `text`, which starts at `at`.
    fn push_matrix(&mut self, at: usize, text: &str, judged: Vec<super::matrix_claim::MatrixVerdict>) {
        for j in judged {
            let (s, e) = trimmed(text, j.start, j.end);
            self.push(at + s, e - s, at + j.from, j.verdict, &j.expected, &j.got, &j.note);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, at: usize, len: usize, from: usize, verdict: Verdict, expected: &str, got: &str, note: &str) {
        let (line, column) = line_col(self.src, at);
        let end = (at + len).min(self.src.len());
        let source = self.src.get(from.min(end)..end).unwrap_or("").trim().to_string();
        self.claims.push(Claim {
            offset: at,
            len,
            line,
            column,
            source,
            verdict,
            expected: expected.to_string(),
            got: got.to_string(),
            note: note.to_string(),
        });
    }

    /// Builds one formula; `subst` swaps model atoms (for diagnoses).
    pub(super) fn build(
        &mut self,
        m: &Math,
        seg_start: usize,
        subst: Option<&super::resolve::Subst>,
    ) -> Result<Built, Problem> {
        let mut r = Resolver::new(
            self.model,
            &mut self.un,
            &self.index,
            &self.defs,
            &mut self.derivs,
            &mut self.last_applied,
            subst,
            seg_start,
        );
        let node = r.build(m)?;
        Ok(Built {
            node,
            uses: r.uses.clone(),
            saw_log: r.saw_log,
        })
    }

    /// The atoms a formula uses (for diagnoses that swap them).
    pub(super) fn atoms(&mut self, m: &Math, seg_start: usize) -> Vec<super::resolve::Atom> {
        let mut r = Resolver::new(
            self.model,
            &mut self.un,
            &self.index,
            &self.defs,
            &mut self.derivs,
            &mut self.last_applied,
            None,
            seg_start,
        );
        match r.build(m) {
            Ok(_) => r.atoms.clone(),
            Err(_) => Vec::new(),
        }
    }

    /// `d^{(t)} = …` or `n = …` with a name the model does not have: the
    /// author's own notation, remembered for later formulas.
    fn definition(
        &mut self,
        members: &[Math],
        rels: &[(Relation, crate::syntax::Span)],
        seg_start: usize,
        range: Option<&super::math::StepRange>,
    ) -> bool {
        let ([lhs, body], [(Relation::Eq, _)]) = (members, rels) else {
            return false;
        };
        let MathKind::Symbol(s) = &lhs.kind else {
            return false;
        };
        let r = Resolver::new(
            self.model,
            &mut self.un,
            &self.index,
            &self.defs,
            &mut self.derivs,
            &mut self.last_applied,
            None,
            seg_start,
        );
        if r.model_symbol(s) || (s.base == "e" && s.sub.is_none()) {
            return false;
        }
        // `z_{1}^{(11)} = …`: the author's name at one step (a stretch of
        // steps written once elsewhere, `z_{1}^{(t)} … && 12 \le t \le 59`),
        // keyed with its step. Where an indexed definition covers that
        // step, the line is a claim about it instead (`d^{(2)} = 3.5`).
        if let Some(k) = s
            .sup
            .as_ref()
            .and_then(|x| x.text.strip_prefix('(')?.strip_suffix(')')?.parse::<i64>().ok())
        {
            let sub = s.sub.as_ref().map(|x| x.text.clone()).unwrap_or_default();
            let covered = [String::new(), sub.clone()].iter().any(|key| {
                self.defs
                    .get(&(s.base.clone(), key.clone()))
                    .is_some_and(|d| d.var.is_some() && d.range.is_none_or(|(lo, hi)| (lo..=hi).contains(&k)))
            });
            let key = (s.base.clone(), format!("{sub}@{k}"));
            let plain = self
                .defs
                .get(&(s.base.clone(), sub.clone()))
                .is_some_and(|d| d.var.is_none());
            if !covered && !plain && !self.defs.contains_key(&key) {
                self.defs.insert(
                    key,
                    Definition {
                        var: None,
                        body: body.clone(),
                        seg_start,
                        range: None,
                    },
                );
                return true;
            }
        }
        // A name the author already defined is a claim about it (`n = 3.5`
        // after `n = v h + b`), not a second definition that would hide it.
        // For `d^{(t)} = …`, `d^{(2)}` and `d_2` name it at a step; `\delta_{J}`
        // after `\delta_{n} = …` (n a quantity, not a step) does not.
        let sub_text = s.sub.as_ref().map(|x| x.text.clone()).unwrap_or_default();
        let indexed = [String::new(), sub_text.clone()].iter().any(|k| {
            self.defs
                .get(&(s.base.clone(), k.clone()))
                .is_some_and(|d| d.var.is_some())
        });
        let at_step = |x: &Option<super::math::Script>| {
            x.as_ref().is_some_and(|x| {
                x.text
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .parse::<i64>()
                    .is_ok()
            })
        };
        if self.defs.contains_key(&(s.base.clone(), sub_text)) || indexed && (at_step(&s.sub) || at_step(&s.sup)) {
            return false;
        }
        // An index variable: `d^{(t)}`, `d_t`, `d_{t}`.
        // Only the letters people index steps with, and never a name of the
        // model: `\delta_{u}` is the adjoint of `u`, `\delta_{n}` generic.
        let model = self.model;
        let var_of = |text: &str| {
            let t = text.trim_start_matches('(').trim_end_matches(')');
            (INDEX_VARS.contains(&t) && model.lookup(t).is_none()).then(|| t.to_string())
        };
        // `\delta_{h^{(t)}} = …` (an adjoint of a quantity at any step) and
        // `\delta_{h^{(40)}} = …`: keyed by the quantity, with the step as
        // the index (see [`super::resolve::nested_key`]).
        if let Some((nk, step)) = s
            .sup
            .is_none()
            .then(|| s.sub.as_ref().and_then(super::resolve::nested_key))
            .flatten()
        {
            let (key, var) = match step.parse::<i64>() {
                Ok(k) => ((s.base.clone(), format!("{nk}@{k}")), None),
                Err(_) => match var_of(&step) {
                    Some(v) => ((s.base.clone(), nk), Some(v)),
                    None => return false,
                },
            };
            if self.defs.contains_key(&key) {
                return false;
            }
            self.defs.insert(
                key,
                Definition {
                    var,
                    body: body.clone(),
                    seg_start,
                    range: None,
                },
            );
            return true;
        }
        let sup_var = s.sup.as_ref().and_then(|x| var_of(&x.text));
        let sub_var = s.sub.as_ref().and_then(|x| var_of(&x.text)).filter(|_| s.sup.is_none());
        let (key, var) = match (sup_var, sub_var) {
            (Some(v), _) => (
                (
                    s.base.clone(),
                    s.sub.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
                ),
                Some(v),
            ),
            (None, Some(v)) => ((s.base.clone(), String::new()), Some(v)),
            (None, None) => {
                if s.sup.is_some() {
                    return false;
                }
                (
                    (
                        s.base.clone(),
                        s.sub.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
                    ),
                    None,
                )
            }
        };
        // An indexed definition is looked up by its base and subscript
        // (`z_{1}^{(t)}`, `z_{2}^{(t)}` are two names), or by its base alone
        // when the subscript is the index (`d_t`).
        // The steps it is written for, when the line says (`&& 2 \le t \le 21`).
        let range = match (&var, range) {
            (Some(v), Some(r)) if r.var == *v => {
                let h = super::general_step::horizon(self.model).unwrap_or(i64::MAX / 4);
                Some(super::general_step::allowed(Some(r), v, h))
            }
            _ => None,
        };
        self.defs.insert(
            key,
            Definition {
                var,
                body: body.clone(),
                seg_start,
                range,
            },
        );
        true
    }

    fn graph(&self) -> &Graph {
        self.un.graph()
    }

    /// The horizon to instantiate a chain at when it speaks of a general
    /// step t (and the model has no symbol `t` of its own).
    /// With whether it speaks of t (else only of the horizon `T`).
    fn general(&self, members: &[Math]) -> Option<(i64, bool)> {
        use super::general_step::{horizon, uses_free, STEP_VAR};
        let has_t =
            !self.model.symbols.iter().any(|s| s.name == STEP_VAR) && members.iter().any(|m| uses_free(m, STEP_VAR));
        let has_horizon = members.iter().any(|m| uses_free(m, "T"))
            && self
                .model
                .symbols
                .iter()
                .any(|s| s.name == "T" && matches!(s.kind, crate::model::SymKind::Const { .. }));
        if !has_t && !has_horizon {
            return None;
        }
        horizon(self.model).map(|h| (h, has_t))
    }

    /// A chain at a general step t, judged at every t = 0..=horizon (see
    /// [`super::general_step`]): each claim holds when it holds at every
    /// step where it can be read; otherwise it fails as its first failing
    /// instance does, with the step named.
    #[allow(clippy::too_many_arguments)]
    fn general_chain(
        &mut self,
        members: &[Math],
        rels: &[Relation],
        seg_start: usize,
        h: i64,
        has_t: bool,
        range: Option<&super::math::StepRange>,
    ) {
        use super::general_step::{allowed, in_range, instantiate, prime_at_a_name, STEP_VAR};
        let mut by_place: Vec<(usize, Vec<(i64, Claim)>)> = Vec::new();
        let (lo, hi) = allowed(range, STEP_VAR, h);
        let steps: Vec<i64> = if has_t { (lo..=hi).collect() } else { vec![h] };
        for k in steps {
            let at_horizon: Vec<Math> = members.iter().map(|m| instantiate(m, "T", h)).collect();
            if has_t && !at_horizon.iter().all(|m| in_range(m, STEP_VAR, k, h)) {
                continue;
            }
            let inst: Vec<Math> = at_horizon
                .iter()
                .map(|m| if has_t { instantiate(m, STEP_VAR, k) } else { m.clone() })
                .collect();
            let refs = self.members(&inst, seg_start);
            // A step where the model defines no such quantity (ŷ⁽⁰⁾ when
            // ŷ starts at 1) is outside the statement, not a slip in it.
            let undefined = refs.iter().any(|r| {
                r.built.as_ref().is_ok_and(|b| {
                    leaves(self.graph(), &[b.node]).iter().any(|s| {
                        s.step.is_some()
                            && matches!(
                                self.model.symbol(s.id).kind,
                                crate::model::SymKind::Quantity { .. } | crate::model::SymKind::Sequence(_)
                            )
                    })
                })
            });
            if undefined {
                continue;
            }
            let before = self.claims.len();
            self.chain(&refs, rels);
            for claim in self.claims.drain(before..).collect::<Vec<_>>() {
                match by_place.iter_mut().find(|(at, _)| *at == claim.offset) {
                    Some((_, list)) => list.push((k, claim)),
                    None => by_place.push((claim.offset, vec![(k, claim)])),
                }
            }
        }
        for (_, instances) in by_place {
            let readable: Vec<&(i64, Claim)> = instances
                .iter()
                .filter(|(_, c)| !matches!(c.verdict, Verdict::Unparsed | Verdict::UnknownSymbol))
                .collect();
            let Some(first) = readable.first() else {
                if let Some((_, c)) = instances.into_iter().next() {
                    self.claims.push(c);
                }
                continue;
            };
            let holds: Vec<i64> = readable
                .iter()
                .filter(|(_, c)| matches!(c.verdict, Verdict::Correct | Verdict::Approximate))
                .map(|(k, _)| *k)
                .collect();
            let steps = |ks: &[i64]| match ks {
                [] => "no step".to_string(),
                [k] => format!("t = {k}"),
                [a, .., b] if (b - a) as usize + 1 == ks.len() => format!("t = {a}, …, {b}"),
                _ => format!(
                    "t = {}",
                    ks.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
                ),
            };
            let claim = match readable
                .iter()
                .find(|(_, c)| matches!(c.verdict, Verdict::Wrong | Verdict::Arithmetic))
            {
                Some((k, c)) => {
                    let mut c = c.clone();
                    // The classic slip, named: σ′ at an activation's output
                    // (unless the instance's own diagnosis, a checked one,
                    // already says where it belongs).
                    let named = c.note.contains("belongs at");
                    let slip = members.iter().filter(|_| !named).find_map(prime_at_a_name).map_or(String::new(), |(f, at)| {
                        format!(
                            "{f} is taken at ${at}$, an activation's output; it belongs at the pre-activation of the next step, where σ′(z) = h(1 − h) (tanh′(z) = 1 − h²) is written through that step's h; "
                        )
                    });
                    let slip = if slip.is_empty() {
                        self.missing_input_in_sum(members, rels, seg_start, h, has_t)
                            .map_or(String::new(), |x| {
                                format!("each term of the sum misses its input factor ${x}$ (∂ of the pre-activation by the parameter); ")
                            })
                    } else {
                        slip
                    };
                    let whence = if has_t {
                        format!("a statement for every step, false at t = {k} (T = {h}): ")
                    } else {
                        format!("at the horizon T = {h}: ")
                    };
                    c.note = format!(
                        "{whence}{slip}{}{}",
                        c.note,
                        if holds.is_empty() {
                            String::new()
                        } else {
                            format!("; it holds at {}", steps(&holds))
                        }
                    );
                    c
                }
                None if !has_t => {
                    let mut c = first.1.clone();
                    c.note = if c.note.is_empty() {
                        format!("at the horizon T = {h}")
                    } else {
                        format!("at the horizon T = {h}: {}", c.note)
                    };
                    c
                }
                None => {
                    let mut c = first.1.clone();
                    c.note = format!(
                        "a statement for every step: checked at each step where it can be read, {} (T = {h}), each as at a fixed step",
                        steps(&holds)
                    );
                    c
                }
            };
            // Spans are the original's: the source is the claim as written.
            self.claims.push(claim);
        }
    }

    /// When a claim with `\sum` over steps holds once each term is
    /// multiplied by a model input at that step (`x^{(t)}`), that input's
    /// name at the sum's index: the slip of ∂L/∂u = Σ_t δ_t σ′ without x_t.
    fn missing_input_in_sum(
        &mut self,
        members: &[Math],
        rels: &[Relation],
        seg_start: usize,
        h: i64,
        has_t: bool,
    ) -> Option<String> {
        use super::general_step::{instantiate, with_sum_factor};
        use crate::notation::names::with_step_text;
        if has_t || members.len() != 2 {
            return None;
        }
        let inputs: Vec<String> = self
            .model
            .symbols
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.kind, crate::model::SymKind::Input { .. }))
            .map(|(i, _)| self.ts.base(crate::model::SymId(i as u32)).to_string())
            .collect();
        let style = self.ts.style();
        for base in inputs {
            let spell = |var: &str| match super::latex::read_math(&with_step_text(&base, Some(var), style)).pop() {
                Some(Line::Chain(mut c)) if c.members.len() == 1 => c.members.pop(),
                _ => None,
            };
            let Some(right) = with_sum_factor(&members[1], &spell) else {
                continue;
            };
            let variant: Vec<Math> = [members[0].clone(), right]
                .iter()
                .map(|m| instantiate(m, "T", h))
                .collect();
            let refs = self.members(&variant, seg_start);
            let before = self.claims.len();
            self.chain(&refs, rels);
            let judged: Vec<Claim> = self.claims.drain(before..).collect();
            if !judged.is_empty() && judged.iter().all(|c| matches!(c.verdict, Verdict::Correct)) {
                return Some(with_step_text(&base, Some("t"), style));
            }
        }
        None
    }

    /// Judges each neighbouring pair of one chain.
    /// Each formula of a chain with what it builds to, in order.
    fn members<'a>(&mut self, maths: &'a [Math], seg_start: usize) -> Vec<MemberRef<'a>> {
        maths
            .iter()
            .map(|m| MemberRef {
                math: m,
                seg_start,
                built: self.build(m, seg_start, None),
            })
            .collect()
    }

    fn chain(&mut self, members: &[MemberRef], rels: &[Relation]) {
        // A member that is the model's own definition of its left neighbour,
        // written out (`y^{(2)} = \sigma(v h^{(2)} + b_y) \approx …`), is a
        // restatement: the claim is between the neighbour and what follows.
        let mut kept: Vec<usize> = vec![0];
        for i in 1..members.len() {
            let prev = *kept.last().unwrap_or(&0);
            let restates = match (&members[prev].built, &members[i].built) {
                (Ok(a), Ok(b)) => matches!(self.graph().node(a.node), Node::Named(_, def) if *def == b.node),
                _ => false,
            };
            if restates && i + 1 < members.len() {
                continue;
            }
            kept.push(i);
        }
        let head = &members[0];
        for w in kept.windows(2) {
            let (a, b) = (&members[w[0]], &members[w[1]]);
            let rel = rels[w[1] - 1];
            self.claim(head, a, b, rel);
        }
        self.remember(head, &members[members.len() - 1]);
    }

    /// After a chain from a model quantity to a number: if the number is not
    /// the model's, later steps may carry it forward.
    fn remember(&mut self, head: &MemberRef, last: &MemberRef) {
        let (Ok(h), Ok(l)) = (&head.built, &last.built) else {
            return;
        };
        if !is_reference(head.math) || is_derivative(head.math) || h.node == l.node || symbolic(self.graph(), l.node) {
            return;
        }
        // Without the model's values there is nothing to believe against:
        // the value written may be right for values the author chose.
        let roots = [h.node];
        if leaves(self.graph(), &roots)
            .iter()
            .any(|s| self.model_vals.get(s).is_none())
        {
            return;
        }
        let p0 = self.p0.clone();
        let Ok(vals) = values_at(
            self.graph(),
            &[h.node, l.node],
            &[],
            &p0,
            &[],
            self.model.relu_active,
            self.opts.digits,
        ) else {
            return;
        };
        self.beliefs.retain(|b| b.node != h.node);
        if same(&vals[0], &vals[1]) != Some(true) {
            let (line, _) = line_col(self.src, last.seg_start + last.math.span.start);
            let rounded = written_decimal(last.math).is_some_and(|t| rounds_to(&vals[0], &t).is_some());
            // A model quantity by its name; the author's own name
            // (`a^{(3)}` for `d^{(t)} = …`) as the author wrote it, not
            // expanded into the formula it stands for.
            let label = match self.graph().node(h.node) {
                Node::Named(..) | Node::Leaf(_) => latex_symbol_or_expr(self.graph(), h.node, &self.ts),
                _ => {
                    let (from, to) = (
                        head.seg_start + head.math.span.start,
                        head.seg_start + head.math.span.end,
                    );
                    self.src.get(from..to).unwrap_or("").trim().to_string()
                }
            };
            self.beliefs.push(Belief {
                node: h.node,
                value: vals[1].clone(),
                label,
                line,
                rounded,
            });
        }
    }

    fn claim(&mut self, head: &MemberRef, a: &MemberRef, b: &MemberRef, rel: Relation) {
        let at = b.seg_start + b.math.span.start;
        let len = b.math.span.end - b.math.span.start;
        let from = a.seg_start + a.math.span.start;
        let (na, nb) = match (&a.built, &b.built) {
            (Ok(x), Ok(y)) => (x.clone(), y.clone()),
            (Err(p), _) | (_, Err(p)) => {
                let (verdict, note) = problem_note(p);
                return self.push(at, len, from, verdict, "", "", &note);
            }
        };
        let started = Instant::now();
        let judged = self.judge(head, a, b, &na, &nb, rel, started);
        match judged {
            Ok((verdict, expected, got, note)) => self.push(at, len, from, verdict, &expected, &got, &note),
            Err(why) => self.push(
                at,
                len,
                from,
                Verdict::Unparsed,
                "",
                "",
                &format!("could not be evaluated: {why}"),
            ),
        }
    }

    /// The values of nodes at a point, with the derivatives they use.
    pub(super) fn eval(
        &self,
        nodes: &[NodeId],
        uses: &[usize],
        b: &Bindings,
        ov: &[(NodeId, Value)],
    ) -> Result<Vec<Value>, String> {
        let derivs: Vec<&DerivTerm> = uses.iter().map(|&k| &self.derivs[k]).collect();
        values_at(
            self.graph(),
            nodes,
            &derivs,
            b,
            ov,
            self.model.relu_active,
            self.opts.digits,
        )
        .map_err(|u| match u {
            crate::eval::Unevaluable::Domain { what, .. } => what,
            crate::eval::Unevaluable::Precision { .. } => "not certain at the precision allowed".to_string(),
        })
    }

    /// The roots whose leaves a claim's random points vary.
    fn roots(&self, nodes: &[&Built]) -> Vec<NodeId> {
        let mut roots = Vec::new();
        for b in nodes {
            roots.push(b.node);
            for &k in &b.uses {
                roots.push(self.derivs[k].of);
                roots.push(self.derivs[k].wrt);
            }
        }
        roots
    }

    /// The points a claim is checked at: the model's values, and random
    /// points when both sides are symbolic; with them, the leaves only one
    /// side depends on, which the random points keep at the model's values.
    pub(super) fn points(&mut self, na: &Built, nb: &Built) -> (Vec<Bindings>, Vec<Sym>) {
        let roots = self.roots(&[na, nb]);
        fill_free(&mut self.p0, self.un.graph(), &roots, self.opts.seed);
        let mut pts = vec![self.p0.clone()];
        let sym_a = symbolic(self.graph(), na.node) || !na.uses.is_empty();
        let sym_b = symbolic(self.graph(), nb.node) || !nb.uses.is_empty();
        if !(sym_a && sym_b) {
            return (pts, Vec::new());
        }
        let (vary, kept) = self.shared_leaves(na, nb);
        pts.extend(random_points(
            self.graph(),
            &roots,
            &vary,
            &self.p0,
            self.opts.seed,
            self.opts.points,
            self.model.relu_active,
        ));
        (pts, kept)
    }

    /// The leaves random points vary, and those they keep. A leaf on one
    /// side alone with a value in the model may be that value substituted
    /// (`v h = 1.5 h` with v = 1.5), right at the model's values and at no
    /// other, so it is kept. A leaf without a value in the model has none
    /// to substitute: it varies like the shared ones, so dropping it
    /// (`\tanh(w x)` for `\tanh(w x + b)`) is caught.
    fn shared_leaves(&self, na: &Built, nb: &Built) -> (Vec<Sym>, Vec<Sym>) {
        let left: BTreeSet<Sym> = leaves(self.graph(), &self.roots(&[na])).into_iter().collect();
        let right: BTreeSet<Sym> = leaves(self.graph(), &self.roots(&[nb])).into_iter().collect();
        let mut vary: Vec<Sym> = left.intersection(&right).copied().collect();
        let mut kept = Vec::new();
        for s in left.symmetric_difference(&right) {
            if self.model_vals.get(s).is_some() {
                kept.push(*s);
            } else {
                vary.push(*s);
            }
        }
        vary.sort();
        (vary, kept)
    }

    /// Does `b` equal `a` at every point? `Ok(None)` when undecided.
    fn agree_everywhere(&self, na: &Built, nb: &Built, pts: &[Bindings]) -> Result<bool, String> {
        let mut uses = na.uses.clone();
        uses.extend(&nb.uses);
        for (i, p) in pts.iter().enumerate() {
            // A random point where something cannot be evaluated (σ of a
            // huge argument past the precision allowed, a logarithm of a
            // negative number) says nothing about the claim: it is skipped,
            // as points that break `assume relu active` are never drawn.
            // The first point, the model's values, is never skipped.
            let v = match self.eval(&[na.node, nb.node], &uses, p, &[]) {
                Ok(v) => v,
                Err(_) if i > 0 => continue,
                Err(e) => return Err(e),
            };
            if same(&v[0], &v[1]) != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The derivation behind a derivative placeholder (paths and total), made once.
    pub(super) fn derivation(&mut self, k: usize) -> Option<&Derivation> {
        if !self.derivations.contains_key(&k) {
            let d = &self.derivs[k];
            let (of, wrt) = (d.of, d.wrt);
            let roots = [of, wrt];
            fill_free(&mut self.p0, self.un.graph(), &roots, self.opts.seed);
            let opts = DeriveOptions {
                max_paths: 32,
                digits: self.opts.digits,
                relu_active: self.model.relu_active,
                random_points: 0,
                seed: self.opts.seed,
            };
            let p0 = self.p0.clone();
            let made = derive(self.un.graph_mut(), of, wrt, &p0, &opts).ok();
            self.derivations.insert(k, made);
        }
        self.derivations.get(&k).and_then(|d| d.as_ref())
    }

    #[allow(clippy::too_many_arguments)]
    fn judge(
        &mut self,
        head: &MemberRef,
        a: &MemberRef,
        b: &MemberRef,
        na: &Built,
        nb: &Built,
        rel: Relation,
        started: Instant,
    ) -> Result<(Verdict, String, String, String), String> {
        let (pts, kept) = self.points(na, nb);
        let mut uses = na.uses.clone();
        uses.extend(&nb.uses);
        // Leaves the model gives no value: the first point holds seeded
        // random values for them, and every note must say so.
        let all_leaves = leaves(self.graph(), &self.roots(&[na, nb]));
        let random: Vec<Sym> = all_leaves
            .iter()
            .filter(|s| self.model_vals.get(s).is_none())
            .copied()
            .collect();
        let at = self.values_phrase(&random, all_leaves.len());
        let v0 = self.eval(&[na.node, nb.node], &uses, &pts[0], &[])?;
        let (va, vb) = (&v0[0], &v0[1]);
        let expected = self.expected(a, na, va);
        let got = match written_decimal(b.math) {
            Some(t) if !symbolic(self.graph(), nb.node) => t,
            _ => show(vb),
        };
        // 1. Correct. A side that is a number, against quantities the model
        // gives no value: agreeing at one random point proves little
        // (`x^{(1)} = 1` where x⁽¹⁾ drew 1), so the random leaves are varied
        // at more points before it counts as an identity (`u h^{(0)} = 0`).
        let mut agree = self.agree_everywhere(na, nb, &pts)?;
        let lone_random = pts.len() == 1 && !random.is_empty();
        if agree && lone_random {
            agree = self.holds_varying_all(na, nb, &random)?;
        }
        if agree {
            // A leaf on one side only that the claim does not depend on
            // (`u h^{(0)}` with h⁽⁰⁾ = 0) was not substituted by anyone: the
            // claim is an identity when it holds with every leaf varied too.
            let substituted = !kept.is_empty() && !self.holds_varying_all(na, nb, &all_leaves)?;
            let kept: Vec<String> = kept.iter().map(|&s| self.ts.symbol(s)).collect();
            let more = if random.is_empty() { "" } else { "more " };
            let note = match (pts.len() > 1, substituted) {
                (false, _) if random.is_empty() => String::new(),
                (false, _) => format!(
                    "an identity: checked exactly at {at} and at {} more random points",
                    self.opts.points
                ),
                (true, false) => format!(
                    "an identity: checked exactly at {at} and at {} {more}random points",
                    pts.len() - 1
                ),
                (true, true) => format!(
                    "checked exactly at {at} and at {} {more}random points, keeping the values substituted for {}",
                    pts.len() - 1,
                    kept.join(", ")
                ),
            };
            return Ok((Verdict::Correct, expected, got, note));
        }
        // A number compared with quantities the model gives no value: only
        // the author's own values could decide it, and random ones say
        // nothing about it.
        if lone_random {
            let names: Vec<String> = random.iter().map(|&s| self.ts.symbol(s)).collect();
            let first = random[0];
            let name = &self.model.symbol(first.id).name;
            let example = match first.step {
                Some(k) => format!("--set '{}=VALUE'", crate::vocab::at_step(name, k)),
                None => format!("--set {name}=VALUE"),
            };
            let note = format!(
                "cannot be checked: the model gives no value for {}, and this claim holds or fails only at particular values; give them with --set (e.g. {example})",
                names.join(", ")
            );
            return Ok((Verdict::Unparsed, String::new(), got, note));
        }
        let (verdict, expected, got, note) =
            self.disagreement(head, a, b, na, nb, rel, started, &pts, &uses, va, expected, got)?;
        // Whatever is shown was worked out at these values.
        let note = if random.is_empty() {
            note
        } else {
            join(&[&note, &format!("values are at {at}, as the model gives none")])
        };
        Ok((verdict, expected, got, note))
    }

    /// "the model's values", "random values (seed 1)", or both with the
    /// leaves that are random named.
    fn values_phrase(&self, random: &[Sym], leaves: usize) -> String {
        let seed = self.opts.seed;
        if random.is_empty() {
            "the model's values".to_string()
        } else if random.len() == leaves {
            format!("random values (seed {seed})")
        } else {
            let names: Vec<String> = random.iter().map(|&s| self.ts.symbol(s)).collect();
            format!(
                "the model's values, with random values (seed {seed}) for {}",
                names.join(", ")
            )
        }
    }

    /// Both sides agree at random points where every leaf, shared or not,
    /// is varied.
    fn holds_varying_all(&self, na: &Built, nb: &Built, all: &[Sym]) -> Result<bool, String> {
        let pts = random_points(
            self.graph(),
            &self.roots(&[na, nb]),
            all,
            &self.p0,
            self.opts.seed ^ 0x5eed,
            self.opts.points,
            self.model.relu_active,
        );
        Ok(!pts.is_empty() && self.agree_everywhere(na, nb, &pts)?)
    }

    /// The verdict of a claim whose sides disagree at the model's values.
    #[allow(clippy::too_many_arguments)]
    fn disagreement(
        &mut self,
        head: &MemberRef,
        a: &MemberRef,
        b: &MemberRef,
        na: &Built,
        nb: &Built,
        rel: Relation,
        started: Instant,
        pts: &[Bindings],
        uses: &[usize],
        va: &Value,
        expected: String,
        got: String,
    ) -> Result<(Verdict, String, String, String), String> {
        // 2. Approximate: a decimal that is the true value rounded.
        if let Some(text) = written_decimal(b.math) {
            if let Some(places) = rounds_to(va, &text) {
                let note = format!("{} rounds to {text} at the {places} written", show(va));
                return Ok((Verdict::Approximate, expected, got, note));
            }
        }
        // 3. Right given earlier values the author wrote: rounded ones make
        // it approximate, wrong ones an error carried forward. A correct
        // step shows as expected what it was right against.
        if let Some((verdict, note, given)) = self.carried(na, nb, uses, b.math)? {
            let carried_forward = note.starts_with("error carried forward");
            let expected = if carried_forward { show(&given) } else { expected };
            let note = if carried_forward {
                format!("{note}; with the model's values it is {}", show(va))
            } else {
                note
            };
            return Ok((verdict, expected, got, note));
        }
        // 3½. Right up to the rounding of decimals written inside a formula
        // (`\sigma(0.7167)` for σ(0.71666…), or intermediate values rounded
        // on the way to a rounded result).
        if pts.len() == 1 {
            if let Some(written) = self.within_rounding(a, b)? {
                let note = format!("right up to the rounding of the decimals written ({written})");
                return Ok((Verdict::Approximate, expected, got, note));
            }
        }
        let deriv = match &a.math.kind {
            _ if is_derivative(a.math) => na.uses.first().copied(),
            _ => None,
        };
        // 4. One path of a derivative, not the total.
        let slip = if started.elapsed() < self.opts.claim_time {
            diagnose(self, a, b, na, nb, deriv, pts, started)
        } else {
            None
        };
        if let Some(Slip::OnePath {
            path,
            form,
            value,
            total_paths,
            rounded,
        }) = &slip
        {
            let this = match form {
                Some(f) => format!("{f} = {}", show(value)),
                None => show(value),
            };
            let rounding = match rounded {
                Some(places) => format!(" rounded to the {places} written"),
                None => String::new(),
            };
            // Equal to one path is right only where the author says the
            // formula is about that path; as a claim about the derivative
            // itself it is a wrong total (issue 11).
            if self.path_context {
                let verdict = if rounded.is_some() {
                    Verdict::Approximate
                } else {
                    Verdict::Correct
                };
                let note = format!(
                    "this is the contribution of one path, {path}{rounding}, not the total over all {total_paths} paths; the total is {expected}"
                );
                return Ok((verdict, this, got, note));
            }
            let note = format!(
                "this equals only the contribution of {path} ({this}){rounding}, one of {total_paths} paths; the total is {expected}. If only this path is meant, say so in the text (\"along the path through …\")"
            );
            return Ok((Verdict::Wrong, expected, got, note));
        }
        let slip_note = slip.map(|s| s.note()).unwrap_or_default();
        // 5. The author's own computation does not give what they wrote.
        if !is_reference(a.math) {
            let mut note = String::new();
            if let Ok(h) = &head.built {
                if is_reference(head.math) && h.node != na.node {
                    let p0 = pts[0].clone();
                    if let Ok(v) = self.eval(&[h.node], &h.uses, &p0, &[]) {
                        if same(&v[0], va) == Some(true) {
                            note = format!("the model agrees with the left side, not with {got}");
                        }
                    }
                }
            }
            let note = join(&["the right side does not follow from the left", &note, &slip_note]);
            return Ok((Verdict::Arithmetic, expected, got, note));
        }
        // 6. A model quantity given a value the model does not have.
        let mut note = slip_note;
        if note.is_empty() && rel == Relation::Approx {
            note = format!("{got} is not {} rounded to the places written", show(va));
        }
        Ok((Verdict::Wrong, expected, got, note))
    }

    /// The decimals written in `a` and `b` (as text), when some value that
    /// rounds to each of them makes the two sides agree at the model's
    /// values: both sides are evaluated with every decimal standing for the
    /// interval of numbers that round to it, and the enclosures overlap.
    /// `None` when there are no decimals, or no such values.
    fn within_rounding(&mut self, a: &MemberRef, b: &MemberRef) -> Result<Option<String>, String> {
        let mut decimals = Vec::new();
        let mut built = Vec::new();
        for m in [a, b] {
            let mut r = Resolver::new(
                self.model,
                &mut self.un,
                &self.index,
                &self.defs,
                &mut self.derivs,
                &mut self.last_applied,
                None,
                m.seg_start,
            );
            r.decimals = Some(std::mem::take(&mut decimals));
            let Ok(node) = r.build(m.math) else {
                return Ok(None);
            };
            built.push((node, r.uses.clone()));
            decimals = r.decimals.take().unwrap_or_default();
        }
        if decimals.is_empty() {
            return Ok(None);
        }
        // Every decimal is read as rounded to the most places written in the
        // claim: in `0.5 - 0.1875 + 0.1 = 0.4225` the 0.5 and the 0.1 are
        // exact to four places, not anything from 0.45 to 0.55 (which made
        // a slip of 0.01 "right up to the rounding").
        let finest = decimals
            .iter()
            .map(|(_, _, ulp)| ulp.clone())
            .reduce(|a, b| if b < a { b } else { a })
            .expect("decimals is not empty");
        let mut ov: Vec<(NodeId, Value)> = Vec::new();
        let mut texts = Vec::new();
        for (leaf, q, _) in &decimals {
            let half = finest.clone() * Q::ratio(1, 2);
            let iv = crate::number::Interval::new(q.clone() - half.clone(), q.clone() + half);
            ov.push((*leaf, Value::approx(iv)));
        }
        for m in [a, b] {
            collect_decimals(m.math, &mut texts);
        }
        let mut uses = built[0].1.clone();
        uses.extend(&built[1].1);
        let derivs: Vec<&DerivTerm> = uses.iter().map(|&k| &self.derivs[k]).collect();
        let Ok(v) = values_at(
            self.graph(),
            &[built[0].0, built[1].0],
            &derivs,
            &self.p0,
            &ov,
            self.model.relu_active,
            self.opts.digits,
        ) else {
            return Ok(None);
        };
        let (x, y) = (v[0].interval(), v[1].interval());
        let overlap = x.lo() <= y.hi() && y.lo() <= x.hi();
        Ok(overlap.then(|| texts.join(", ")))
    }

    /// What the model gives for the left side: for a derivative, its
    /// simplified total; else the value.
    fn expected(&mut self, a: &MemberRef, na: &Built, va: &Value) -> String {
        if is_derivative(a.math) {
            if let Some(&k) = na.uses.first() {
                let ts = self.ts.clone();
                if let Some(total) = self.derivation(k).and_then(|d| d.total) {
                    let form = latex_symbol_or_expr(self.graph(), total, &ts);
                    return format!("{form} = {}", show(va));
                }
            }
        }
        if symbolic(self.graph(), na.node) && !is_reference(a.math) {
            return show(va);
        }
        show(va)
    }

    /// The verdict and note for a step that is right given the author's
    /// earlier values: `approximate` when each of those values is the
    /// model's rounded to the places written, else `correct` with "error
    /// carried forward" naming the values the model does not give.
    ///
    /// Only the earlier values the step actually rests on are named: those
    /// it reaches, and of those none that it holds without (a later wrong
    /// value that replaces an earlier one is the one cited). The value
    /// returned is the left side's, given those values.
    fn carried(
        &self,
        na: &Built,
        nb: &Built,
        uses: &[usize],
        bm: &Math,
    ) -> Result<Option<(Verdict, String, Value)>, String> {
        // A claim about a quantity the author gave a value earlier is
        // worked out afresh: its own earlier value is not put in.
        let reach = self.graph().reachable(&[na.node, nb.node]);
        let mut beliefs: Vec<&Belief> = self
            .beliefs
            .iter()
            .filter(|b| b.node != na.node && b.node != nb.node && reach[b.node.index()])
            .collect();
        let close_with = |set: &[&Belief]| -> Result<Option<Value>, String> {
            let ov: Vec<(NodeId, Value)> = set.iter().map(|b| (b.node, b.value.clone())).collect();
            let v = self.eval(&[na.node, nb.node], uses, &self.p0, &ov)?;
            let close = same(&v[0], &v[1]) == Some(true) || rounded_to(&v[0], bm).is_some();
            Ok(close.then(|| v[0].clone()))
        };
        if beliefs.is_empty() {
            return Ok(None);
        }
        let Some(mut given) = close_with(&beliefs)? else {
            return Ok(None);
        };
        // Drop, oldest first, every value the step holds without.
        let mut i = 0;
        while i < beliefs.len() && beliefs.len() > 1 {
            let mut without = beliefs.clone();
            without.remove(i);
            match close_with(&without)? {
                Some(v) => {
                    beliefs = without;
                    given = v;
                }
                None => i += 1,
            }
        }
        let list = |rounded: bool, rel: &str| -> Vec<String> {
            beliefs
                .iter()
                .filter(|b| b.rounded == rounded)
                .map(|b| format!("{} {rel} {} (line {})", b.label, show(&b.value), b.line))
                .collect()
        };
        let wrong = list(false, "=");
        if wrong.is_empty() {
            return Ok(Some((
                Verdict::Approximate,
                format!("follows from the rounded {}", list(true, "≈").join(", ")),
                given,
            )));
        }
        let note = format!(
            "error carried forward: right given the earlier {}, which the model does not give",
            wrong.join(", ")
        );
        // Right given the earlier values, and rounded to the places written:
        // approximate, so that a correct step never shows another value.
        let exact = self
            .eval(&[nb.node], &[], &self.p0, &[])
            .is_ok_and(|v| same(&given, &v[0]) == Some(true));
        match rounded_to(&given, bm).filter(|_| !exact) {
            Some(places) => Ok(Some((
                Verdict::Approximate,
                format!(
                    "{note}; that gives {}, which rounds to {} at the {places} written",
                    show(&given),
                    written_decimal(bm).unwrap_or_default()
                ),
                given,
            ))),
            None => Ok(Some((Verdict::Correct, note, given))),
        }
    }
}

/// The decimals written in a formula (with a point or an exponent), in
/// order: the numbers [`Resolver::decimals`] turns into leaves.
fn collect_decimals(m: &Math, out: &mut Vec<String>) {
    for n in m.preorder() {
        if let MathKind::Number(t) = &n.kind {
            if t.contains(['.', 'e', 'E']) {
                out.push(t.clone());
            }
        }
    }
}

/// `Some(places)` when `m` is a decimal as written that is `v` rounded.
fn rounded_to(v: &Value, m: &Math) -> Option<String> {
    written_decimal(m).and_then(|t| rounds_to(v, &t))
}

/// `Some(places)` when the decimal `text` is `v` rounded to the places
/// written: every point of `v`'s enclosure lies within half a unit of the
/// last place of `text`.
pub(super) fn rounds_to(v: &Value, text: &str) -> Option<String> {
    let (q, _, ulp) = parse_decimal(text)?;
    let half = ulp.clone() * Q::ratio(1, 2);
    let iv = v.interval();
    let lo = q.clone() - half.clone();
    let hi = q + half;
    if !(&lo <= iv.lo() && iv.hi() <= &hi) {
        return None;
    }
    // `1.49e-63`: what was written is significant figures, not places.
    if text.contains(['e', 'E']) {
        let (_, sig, _) = parse_decimal(text)?;
        return Some(match sig {
            1 => "1 significant figure".to_string(),
            n => format!("{n} significant figures"),
        });
    }
    let places = text.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
    Some(match places {
        0 => "units".to_string(),
        1 => "1 decimal place".to_string(),
        n => format!("{n} decimal places"),
    })
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("; ")
}

/// The verdict and note for a formula that could not be built.
fn problem_note(p: &Problem) -> (Verdict, String) {
    match p {
        Problem::Unknown {
            written, suggestions, ..
        } => {
            let mut note = format!("`{written}` is not a name of the model and was not defined earlier");
            if !suggestions.is_empty() {
                note.push_str(&format!(
                    "; did you mean {}?",
                    suggestions
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
            (Verdict::UnknownSymbol, note)
        }
        Problem::Unsupported { message, .. } => (Verdict::Unparsed, message.clone()),
        Problem::Model { message, .. } => (Verdict::Unparsed, message.clone()),
    }
}

/// `start..end` of `text` without the spaces around it.
fn trimmed(text: &str, start: usize, end: usize) -> (usize, usize) {
    let part = &text[start..end];
    let s = start + (part.len() - part.trim_start().len());
    let e = end - (part.len() - part.trim_end().len());
    (s, e.max(s))
}
