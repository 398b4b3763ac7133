//! Queries against a model: load it, unroll what a question needs, and
//! evaluate it. Returns plain data; `render` turns it into text.

use crate::error::Error;
use crate::eval::bindings::{free_leaves, random_values};
use crate::eval::{evaluate, Bindings, EvalError, EvalOptions, Value};
use crate::graph::{Key, NodeId, Sym, UnrollOptions, Unroller};
use crate::model::{resolve, Model, RExpr, Setting, SymKind};
use crate::number::Q;
use crate::syntax::{parse, parse_expr_in, Source, Span};

/// Every value is certified to at least this many significant digits
/// (LANGUAGE.md: JSON values carry 30 or more), whatever is shown.
pub const CERTIFIED_DIGITS: u32 = 40;

/// Parses and resolves a model, with `--set` settings applied. A leading
/// byte-order mark is skipped (spans count from after it, as
/// [`crate::diagnostics`] does).
pub fn load(src: &str, settings: &[Setting]) -> Result<Model, Error> {
    let file = parse(crate::syntax::strip_bom(src))?;
    let (file, tensors) = crate::shape::lower(file)?;
    let mut model = resolve(&file, settings)?;
    model.tensors = tensors;
    Ok(model)
}

/// Parses and resolves a `--of` expression in the model's global scope;
/// its spans point into the `--of` text.
pub fn parse_query(text: &str, model: &Model) -> Result<RExpr, Error> {
    parse_in(text, model, Source::Of)
}

/// Parses and resolves a command-line expression whose spans point into
/// the text of `source`.
pub fn parse_in(text: &str, model: &Model, source: Source) -> Result<RExpr, Error> {
    let e = parse_expr_in(text, source)?;
    let t = crate::shape::lower_expr(&e, &model.tensors)?;
    if !t.shape.is_scalar() {
        let entry = if t.shape.cols > 1 && t.shape.rows > 1 {
            "[1,1]"
        } else {
            "[1]"
        };
        let help = match source {
            Source::Wrt => format!(
                "name one entry, such as `{}{entry}`; `derive` and `paths` also take the whole of a parameter or of a quantity at a step",
                text.trim()
            ),
            _ => format!("name one entry, such as `{}{entry}`, or name a number such as a loss", text.trim()),
        };
        return Err(crate::shape::ShapeError::Invalid {
            message: format!("this is {}; here a number is needed", t.shape.words()),
            span: e.span,
            help: Some(help),
        }
        .into());
    }
    let e = t.entries.into_iter().next().expect("a scalar has one entry");
    let (r, _) = crate::model::scope::resolve_expr(&e, model, Default::default())?;
    Ok(r)
}

/// Significant digits shown in text and math unless asked otherwise.
pub const SHOWN_DIGITS: u32 = 6;

/// Paths listed unless asked otherwise; past them, totals come from adjoints.
pub const MAX_PATHS: usize = 50;

/// Seed of random values unless asked otherwise.
pub const SEED: u64 = 1;

/// What `chainrule eval` was asked.
#[derive(Clone, Debug)]
pub struct EvalRequest {
    /// One expression instead of the whole table.
    pub of: Option<String>,
    /// The horizon: steps printed, and the last step of look-ahead recurrences.
    pub steps: Option<i64>,
    /// Significant digits shown in text and math; values are certified to
    /// at least [`CERTIFIED_DIGITS`] (and to this many when more).
    pub digits: u32,
    /// Fill leaves without values with seeded random rationals.
    pub random: Option<u64>,
    /// Print the simplified closed form in terms of the leaves instead of values.
    pub symbolic: bool,
}

impl Default for EvalRequest {
    /// The whole table, 6 digits shown, no random values.
    fn default() -> EvalRequest {
        EvalRequest {
            of: None,
            steps: None,
            digits: SHOWN_DIGITS,
            random: None,
            symbolic: false,
        }
    }
}

/// One quantity as a closed form in the leaves (`eval --symbolic`).
#[derive(Clone, Debug)]
pub struct SymbolicRow {
    /// The named element, or `None` for a `--of` expression.
    pub sym: Option<Sym>,
    /// The quantity as the model writes it (`h[4]`), or the `--of` text.
    pub label: String,
    /// The quantity's node.
    pub node: NodeId,
    /// Its closed form, simplified.
    pub form: NodeId,
}

/// Closed forms, and the graph their nodes live in.
#[derive(Clone, Debug)]
pub struct SymbolicReport {
    pub graph: crate::graph::Graph,
    pub rows: Vec<SymbolicRow>,
}

/// Closed forms of every named quantity the model needs, or of `--of`:
/// named quantities are inlined down to the leaves, then simplified.
pub fn eval_symbolic(model: &Model, req: &EvalRequest) -> Result<SymbolicReport, Error> {
    use crate::simplify::{canonical, inline::inline_names, present::present, Depth, Factored};
    let (un, roots, _) = eval_roots(model, req)?;
    let mut g = un.into_graph();
    let too_large = |_| {
        Error::Unroll(crate::graph::UnrollError::TooLarge {
            limit: crate::graph::arena::node_limit(),
        })
    };
    let mut rows = Vec::new();
    for (sym, label, node) in roots {
        let flat = inline_names(&mut g, node).map_err(too_large)?;
        let poly = canonical(&g, flat, Depth::StopAtNames);
        let form = present(&mut g, &Factored::from_poly(&poly)).map_err(too_large)?;
        rows.push(SymbolicRow { sym, label, node, form });
    }
    Ok(SymbolicReport { graph: g, rows })
}

/// What `eval` shows, unrolled: the `--of` expression, or the whole table.
fn eval_roots<'m>(model: &'m Model, req: &EvalRequest) -> Result<(Unroller<'m>, EvalRoots, Vec<Group>), Error> {
    crate::progress::step("unroll");
    let horizon = req.steps.or_else(|| model.data_horizon());
    let mut un = Unroller::new(
        model,
        UnrollOptions {
            horizon,
            ..Default::default()
        },
    );
    let (roots, groups) = match &req.of {
        Some(text) => {
            let (shape, entries) = parse_tensor_in(text, model, Source::Of)?;
            if shape.is_scalar() {
                (vec![(None, text.clone(), un.expr(&entries[0])?)], Vec::new())
            } else {
                let mut roots = Vec::with_capacity(entries.len());
                for (k, e) in entries.iter().enumerate() {
                    let label = crate::shape::entry_name(text, shape, k / shape.cols, k % shape.cols);
                    roots.push((None, label, un.expr(e)?));
                }
                let group = Group {
                    label: text.clone(),
                    name: None,
                    shape,
                    rows: (0..roots.len()).collect(),
                };
                (roots, vec![group])
            }
        }
        None => {
            let roots = table_roots(model, &mut un, req.steps, horizon)?;
            let groups = table_groups(model, &roots);
            (roots, groups)
        }
    };
    Ok((un, roots, groups))
}

/// A `--of` or `--wrt` text that may be a vector or matrix: its shape and
/// one resolved expression per entry, row by row.
pub fn parse_tensor_in(text: &str, model: &Model, source: Source) -> Result<(crate::shape::Shape, Vec<RExpr>), Error> {
    let e = parse_expr_in(text, source)?;
    let t = crate::shape::lower_expr(&e, &model.tensors)?;
    let mut out = Vec::with_capacity(t.entries.len());
    for x in &t.entries {
        out.push(crate::model::scope::resolve_expr(x, model, Default::default())?.0);
    }
    Ok((t.shape, out))
}

/// The entries of one vector or matrix among a report's rows, shown as a
/// whole (LANGUAGE.md §4).
#[derive(Clone, Debug)]
pub struct Group {
    /// As the model writes it: `h[1]`, `W`, or the `--of` text.
    pub label: String,
    /// The vector's name and step, for typesetting; `None` for `--of`.
    pub name: Option<(String, Option<i64>)>,
    pub shape: crate::shape::Shape,
    /// Indices into the rows, row by row.
    pub rows: Vec<usize>,
}

/// Groups the entries of each vector or matrix at each step among `roots`.
fn table_groups(model: &Model, roots: &EvalRoots) -> Vec<Group> {
    use std::collections::BTreeMap;
    let mut found: BTreeMap<(String, Option<i64>), Vec<Option<usize>>> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, (sym, _, _)) in roots.iter().enumerate() {
        let Some(sym) = sym else { continue };
        let name = &model.symbol(sym.id).name;
        let Some((base, idx)) = crate::shape::split_entry(name) else {
            continue;
        };
        let Some(decl) = model.tensors.get(base) else { continue };
        let shape = decl.shape;
        let at = match idx.as_slice() {
            [i] => i - 1,
            [i, j] => (i - 1) * shape.cols + (j - 1),
            _ => continue,
        };
        let key = (base.to_string(), sym.step);
        let slots = found.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            vec![None; shape.len()]
        });
        if let Some(slot) = slots.get_mut(at) {
            *slot = Some(i);
        }
    }
    order
        .into_iter()
        .filter_map(|key| {
            let rows: Option<Vec<usize>> = found[&key].iter().copied().collect();
            let shape = model.tensors.get(&key.0)?.shape;
            let label = match key.1 {
                Some(k) => format!("{}[{k}]", key.0),
                None => key.0.clone(),
            };
            Some(Group {
                label,
                name: Some(key),
                shape,
                rows: rows?,
            })
        })
        .collect()
}

/// Each root: its named element (if any), its plain label, its node.
type EvalRoots = Vec<(Option<Sym>, String, NodeId)>;

/// The named elements a whole-model table shows: every plain quantity,
/// and (with `--steps`, or when there is no plain quantity) every
/// recurrence at steps `1..=horizon`; in (declaration, step) order.
fn table_roots(model: &Model, un: &mut Unroller, steps: Option<i64>, horizon: Option<i64>) -> Result<EvalRoots, Error> {
    let quantities: Vec<_> = model
        .ids()
        .filter(|&id| matches!(model.symbol(id).kind, SymKind::Quantity { .. }))
        .collect();
    for &id in &quantities {
        un.element(Key::Quantity(id), model.symbol(id).span)?;
    }
    if steps.is_some() || quantities.is_empty() {
        let h = horizon.ok_or(EvalError::NothingToEvaluate)?;
        for id in model.ids() {
            if let SymKind::Sequence(seq) = &model.symbol(id).kind {
                if seq.general.is_some() {
                    for k in 1..=h {
                        un.element(Key::Elem(id, k), model.symbol(id).span)?;
                    }
                }
            }
        }
    }
    let mut named: Vec<(Sym, NodeId)> = un.named().into_iter().map(|(k, id)| (k.sym(), id)).collect();
    named.sort();
    Ok(named
        .into_iter()
        .map(|(sym, id)| (Some(sym), model.label(sym), id))
        .collect())
}

/// One evaluated quantity.
#[derive(Clone, Debug)]
pub struct Row {
    /// The named element, or `None` for a `--of` expression.
    pub sym: Option<Sym>,
    /// The quantity as the model writes it (`h[1]`, `J`), or the `--of` text.
    pub label: String,
    /// Its node in the report's graph.
    pub node: NodeId,
    pub value: Value,
}

/// The seeded random values that filled leaves without values.
#[derive(Clone, Debug)]
pub struct RandomFill {
    pub seed: u64,
    /// Each leaf, its plain label, and the value used.
    pub values: Vec<(Sym, String, Q)>,
    /// Under `assume relu active`, the first values drawn made some relu
    /// argument negative, and these were drawn again from the same seed
    /// until none was.
    pub redrawn: bool,
    /// The derivatives drawn for opaque calls: the function, the argument
    /// node, and `ell'(arg)`.
    pub slopes: Vec<(crate::vocab::SymId, NodeId, Q)>,
}

/// How the model names the derivative of opaque `f` at `arg`: `ell'(h[3])`
/// (`ell'(…)` when the argument is not a named quantity).
pub fn slope_label(model: &Model, graph: &crate::graph::Graph, f: crate::vocab::SymId, arg: NodeId) -> String {
    let at = match graph.node(arg) {
        crate::graph::Node::Named(s, _) | crate::graph::Node::Leaf(s) => model.label(*s),
        _ => "…".to_string(),
    };
    format!("{}'({at})", model.symbol(f).name)
}

/// Gives every opaque call below `roots` without a derivative a seeded
/// random one (see [`crate::eval::bindings::random_slopes`]).
fn fill_slopes(
    graph: &crate::graph::Graph,
    roots: &[NodeId],
    bindings: &mut Bindings,
    seed: u64,
) -> Vec<(crate::vocab::SymId, NodeId, Q)> {
    use crate::eval::bindings::{free_opaque, random_slopes};
    let calls = free_opaque(graph, roots, bindings);
    random_slopes(seed, graph, &calls)
        .into_iter()
        .map(|((f, a), q)| {
            bindings.set_opaque(f, a, q.clone());
            (f, a, q)
        })
        .collect()
}

/// Everything `eval` prints.
#[derive(Clone, Debug)]
pub struct EvalReport {
    /// The unrolled graph the rows' nodes live in.
    pub graph: crate::graph::Graph,
    pub rows: Vec<Row>,
    /// The seed and the random values used, if `--random` was given.
    pub random: Option<RandomFill>,
    /// Certified digits of every value (what JSON prints).
    pub digits: u32,
    /// Significant digits shown in text and math.
    pub shown: u32,
    /// The entries of vectors and matrices among the rows.
    pub groups: Vec<Group>,
}

/// One line of an eval report: a scalar row, or a vector or matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Row(usize),
    Group(usize),
}

impl EvalReport {
    /// What to print, in order: each vector or matrix where its first
    /// entry stands, every other row as it is.
    pub fn items(&self) -> Vec<Item> {
        let mut owner = vec![None; self.rows.len()];
        for (g, group) in self.groups.iter().enumerate() {
            for &r in &group.rows {
                owner[r] = Some(g);
            }
        }
        let mut seen = vec![false; self.groups.len()];
        let mut out = Vec::new();
        for (r, o) in owner.into_iter().enumerate() {
            match o {
                Some(g) if !seen[g] => {
                    seen[g] = true;
                    out.push(Item::Group(g));
                }
                Some(_) => {}
                None => out.push(Item::Row(r)),
            }
        }
        out
    }
}

/// Evaluates the whole model (every named quantity at every step it needs)
/// or one expression.
pub fn eval_model(model: &Model, req: &EvalRequest) -> Result<EvalReport, Error> {
    let (un, roots, groups) = eval_roots(model, req)?;
    let graph = un.graph();
    let ids: Vec<NodeId> = roots.iter().map(|r| r.2).collect();
    let mut bindings = Bindings::from_model(model);
    let free = free_leaves(graph, &ids, &bindings);
    let random = match req.random {
        Some(seed) => {
            let vals = random_values(seed, &free);
            for (sym, q) in &vals {
                bindings.set(*sym, q.clone());
            }
            let slopes = fill_slopes(graph, &ids, &mut bindings, seed);
            Some(RandomFill {
                seed,
                values: vals.into_iter().map(|(s, q)| (s, model.label(s), q)).collect(),
                redrawn: false,
                slopes,
            })
        }
        None if !free.is_empty() || !crate::eval::bindings::free_opaque(graph, &ids, &bindings).is_empty() => {
            let mut leaves: Vec<String> = free.iter().map(|&s| model.label(s)).collect();
            leaves.extend(
                crate::eval::bindings::free_opaque(graph, &ids, &bindings)
                    .into_iter()
                    .map(|(f, a)| slope_label(model, graph, f, a)),
            );
            let first = free.first().map_or(crate::vocab::SymId(0), |s| s.id);
            return Err(EvalError::MissingValues {
                leaves,
                span: Some(model.symbol(first).span),
            }
            .into());
        }
        None => None,
    };
    crate::progress::step("evaluate");
    let certified = req.digits.max(CERTIFIED_DIGITS);
    let values = evaluate(graph, &ids, &bindings, EvalOptions { digits: certified }).map_err(|u| {
        let owner = crate::eval::owner::owner(graph, u.node());
        let (quantity, span) = match owner {
            Some(sym) => (model.label(sym), Some(model.symbol(sym.id).span)),
            None => (req.of.clone().unwrap_or_else(|| "the query".into()), None),
        };
        Error::Eval(u.into_error(quantity, span, req.digits))
    })?;
    let rows = roots
        .into_iter()
        .zip(values)
        .map(|((sym, label, node), value)| Row {
            sym,
            label,
            node,
            value,
        })
        .collect();
    Ok(EvalReport {
        graph: un.into_graph(),
        rows,
        random,
        digits: certified,
        shown: req.digits,
        groups,
    })
}

/// A differentiation question, unrolled: the graph, the node of `--of` and
/// the node of `--wrt`.
#[derive(Clone, Debug)]
pub struct DiffQuery {
    pub graph: crate::graph::Graph,
    pub of: NodeId,
    pub wrt: NodeId,
    /// The `--of` and `--wrt` texts as given.
    pub of_text: String,
    pub wrt_text: String,
    /// The `--of` expression as resolved, for writing it as the user did
    /// (`L(y^{(2)})` rather than its inlined definition).
    pub of_expr: RExpr,
    /// Every named element built, in (declaration, step) order.
    pub named: Vec<(Sym, NodeId)>,
}

/// Unrolls what `∂(of)/∂(wrt)` needs. `wrt` names a parameter (`w1`), an
/// input element (`x1[1]`), or a named quantity at a step (`h[1]`, `J`);
/// a named quantity stays a node even when its definition is a literal.
pub fn diff_query(model: &Model, of: &str, wrt: &str, steps: Option<i64>) -> Result<DiffQuery, Error> {
    let wrt_expr = parse_in(wrt, model, Source::Wrt)?;
    let bad_wrt = |message: &str| {
        Error::Resolve(crate::model::ResolveError::Invalid {
            message: message.to_string(),
            span: Span::in_source(Source::Wrt, 0, wrt.len()),
            help: Some(
                "--wrt names a parameter (`w1`), an input element (`x1[1]`) or a quantity at a step (`h[1]`)".into(),
            ),
        })
    };
    enum Wrt {
        Leaf(Sym),
        Named(Key),
    }
    let target = match &wrt_expr.kind {
        crate::model::RKind::Sym(id) => match &model.symbol(*id).kind {
            SymKind::Param { .. } => Wrt::Leaf(Sym { id: *id, step: None }),
            SymKind::Quantity { .. } => Wrt::Named(Key::Quantity(*id)),
            _ => return Err(bad_wrt("--wrt must name something that has a value in the graph")),
        },
        crate::model::RKind::Elem(id, idx) => {
            let crate::model::RKind::Num(k) = &idx.kind else {
                return Err(bad_wrt("--wrt needs a literal step, such as `h[1]`"));
            };
            let k = k.to_i64().ok_or_else(|| bad_wrt("a step must be a whole number"))?;
            match &model.symbol(*id).kind {
                SymKind::Sequence(_) => Wrt::Named(Key::Elem(*id, k)),
                _ => Wrt::Leaf(Sym { id: *id, step: Some(k) }),
            }
        }
        _ => return Err(bad_wrt("--wrt must be a single name, not an expression")),
    };
    let horizon = steps.or_else(|| model.data_horizon());
    crate::progress::step("unroll");
    let mut un = Unroller::new(
        model,
        UnrollOptions {
            horizon,
            ..Default::default()
        },
    );
    let of_expr = parse_query(of, model)?;
    let of_id = un.expr(&of_expr)?;
    let wrt_id = match target {
        Wrt::Leaf(sym) => un.leaf(sym)?,
        Wrt::Named(key) => un.element(key, Span::in_source(Source::Wrt, 0, wrt.len()))?,
    };
    let mut named: Vec<(Sym, NodeId)> = un.named().into_iter().map(|(k, id)| (k.sym(), id)).collect();
    named.sort();
    Ok(DiffQuery {
        graph: un.into_graph(),
        of: of_id,
        wrt: wrt_id,
        of_text: of.to_string(),
        wrt_text: wrt.to_string(),
        of_expr,
        named,
    })
}

/// Gives the `free` leaves seeded random values. Under `assume relu active`
/// the values are drawn again (draw `k` from seed `seed + k·2^32`, so the
/// printed seed still reproduces them) until every relu argument below
/// `of` is positive, for up to [`RELU_DRAWS`] draws: the derivation is
/// checked with relu read as the identity either way, but values where the
/// assumption holds are the network's own.
fn fill_randomly(
    model: &Model,
    graph: &crate::graph::Graph,
    of: NodeId,
    bindings: &mut Bindings,
    free: &[Sym],
    seed: u64,
) -> RandomFill {
    use crate::calculus::assumption::inactive_relus;
    let mut draw = 0u64;
    let vals = loop {
        let vals = random_values(seed.wrapping_add(draw << 32), free);
        for (sym, v) in &vals {
            bindings.set(*sym, v.clone());
        }
        draw += 1;
        if draw >= RELU_DRAWS || inactive_relus(graph, &[of], bindings).is_empty() {
            break vals;
        }
    };
    RandomFill {
        seed,
        values: vals.into_iter().map(|(s, v)| (s, model.label(s), v)).collect(),
        redrawn: draw > 1,
        slopes: Vec::new(),
    }
}

/// Draws of random values tried under `assume relu active`.
const RELU_DRAWS: u64 = 64;

/// What `chainrule derive` was asked.
#[derive(Clone, Debug)]
pub struct DeriveRequest {
    /// The quantity differentiated (`L(y[2])`).
    pub of: String,
    /// What it is differentiated by (`w1`, `x1[1]`, `h[1]`).
    pub wrt: String,
    /// The horizon of look-ahead recurrences and of consts without value.
    pub steps: Option<i64>,
    /// Paths listed at most; beyond, the total comes from adjoints.
    pub max_paths: usize,
    /// Significant digits shown; values are certified to at least
    /// [`CERTIFIED_DIGITS`] (and to this many when more).
    pub digits: u32,
    /// Seed for leaves without values.
    pub seed: u64,
    /// The steps each path is shown in.
    pub granularity: crate::calculus::steps::Granularity,
    /// Stretches of at least this many repeated steps are written once,
    /// over their range (`usize::MAX`: every step written out).
    pub fold_at: usize,
}

impl Default for DeriveRequest {
    /// Nothing asked yet (`of` and `wrt` empty), with the command's
    /// defaults: 50 paths, 6 digits shown, seed 1, one step per operation.
    fn default() -> DeriveRequest {
        DeriveRequest {
            of: String::new(),
            wrt: String::new(),
            steps: None,
            max_paths: MAX_PATHS,
            digits: SHOWN_DIGITS,
            seed: SEED,
            granularity: Default::default(),
            fold_at: crate::fold::MIN_RUN,
        }
    }
}

/// What `chainrule paths` was asked.
#[derive(Clone, Debug)]
pub struct PathsRequest {
    /// Where the paths end (`L(y[2])`).
    pub of: String,
    /// Where they start (`w1`).
    pub wrt: String,
    /// The horizon of look-ahead recurrences and of consts without value.
    pub steps: Option<i64>,
    /// Paths listed at most (the count is always exact).
    pub max_paths: usize,
}

impl Default for PathsRequest {
    /// Nothing asked yet, 50 paths listed.
    fn default() -> PathsRequest {
        PathsRequest {
            of: String::new(),
            wrt: String::new(),
            steps: None,
            max_paths: MAX_PATHS,
        }
    }
}

/// The paths from `wrt` to `of`: their exact count and the first ones.
pub struct PathsReport {
    /// The unrolled question the paths run in.
    pub query: DiffQuery,
    /// Every path, counted.
    pub count: num_bigint::BigUint,
    /// The listed paths, as node ids from `wrt` to `of`.
    pub listed: Vec<Vec<NodeId>>,
}

/// Counts the paths from `wrt` to `of` and lists the first `max_paths`.
pub fn paths(model: &Model, req: &PathsRequest) -> Result<PathsReport, Error> {
    use crate::calculus::paths::{count_paths, listed_paths};
    let query = diff_query(model, &req.of, &req.wrt, req.steps)?;
    let count = count_paths(&query.graph, query.wrt, query.of);
    let listed = listed_paths(&query.graph, query.wrt, query.of, req.max_paths);
    Ok(PathsReport { query, count, listed })
}

/// A derivation and the graph its nodes live in.
pub struct Derived {
    pub graph: crate::graph::Graph,
    pub derivation: crate::calculus::derive::Derivation,
    pub random: Option<RandomFill>,
    /// The `--of` expression as resolved (see [`DiffQuery::of_expr`]).
    pub of_expr: RExpr,
}

/// Unrolls, differentiates, simplifies and checks `∂of/∂wrt`.
pub fn derive(model: &Model, req: &DeriveRequest) -> Result<Derived, Error> {
    use crate::calculus::derive::{derive as derive_graph, DeriveError, DeriveOptions};
    let q = diff_query(model, &req.of, &req.wrt, req.steps)?;
    let mut graph = q.graph;
    let mut bindings = Bindings::from_model(model).assume_relu_active(model.relu_active);
    let free = free_leaves(&graph, &[q.of, q.wrt], &bindings);
    let mut random = (!free.is_empty()).then(|| fill_randomly(model, &graph, q.of, &mut bindings, &free, req.seed));
    // An opaque function has no value of its own: its derivative at each
    // call is drawn at random, and said.
    let slopes = fill_slopes(&graph, &[q.of], &mut bindings, req.seed);
    if !slopes.is_empty() {
        random
            .get_or_insert_with(|| RandomFill {
                seed: req.seed,
                values: Vec::new(),
                redrawn: false,
                slopes: Vec::new(),
            })
            .slopes = slopes;
    }
    let certified = req.digits.max(CERTIFIED_DIGITS);
    let opts = DeriveOptions {
        max_paths: req.max_paths,
        digits: certified,
        relu_active: model.relu_active,
        random_points: 2,
        seed: req.seed,
    };
    let mut derivation = derive_graph(&mut graph, q.of, q.wrt, &bindings, &opts).map_err(|e| match e {
        DeriveError::TooLarge => Error::Unroll(crate::graph::UnrollError::TooLarge {
            limit: crate::graph::arena::node_limit(),
        }),
        DeriveError::Eval(u) => derivation_eval_error(model, &graph, u, &req.of, certified),
    })?;
    crate::calculus::derive::regroup(
        &mut graph,
        &mut derivation,
        req.granularity,
        req.fold_at,
        &bindings,
        certified,
    )
    .map_err(|e| match e {
        DeriveError::Eval(u) => derivation_eval_error(model, &graph, u, &req.of, certified),
        DeriveError::TooLarge => Error::Unroll(crate::graph::UnrollError::TooLarge {
            limit: crate::graph::arena::node_limit(),
        }),
    })?;
    Ok(Derived {
        graph,
        derivation,
        random,
        of_expr: q.of_expr,
    })
}

/// An evaluation error met while deriving, located in the named quantity
/// whose definition holds the failing operation or, for an operation of
/// the derivative itself (`10^9 · w^(10^9 − 1)`), in the `--of` text.
fn derivation_eval_error(
    model: &Model,
    graph: &crate::graph::Graph,
    u: crate::eval::Unevaluable,
    of: &str,
    digits: u32,
) -> Error {
    let (quantity, span) = match crate::eval::owner::owner(graph, u.node()) {
        Some(sym) => (model.label(sym), model.symbol(sym.id).span),
        None => (of.to_string(), Span::in_source(Source::Of, 0, of.len())),
    };
    Error::Eval(u.into_error(quantity, Some(span), digits))
}

/// What `chainrule derive --general` was asked.
#[derive(Clone, Debug)]
pub struct GeneralRequest {
    /// The loss, a plain quantity (`L`).
    pub of: String,
    /// `h[t]`, `h[0]` or a parameter.
    pub wrt: String,
    /// Seed of the random values the instances are checked at.
    pub seed: u64,
}

/// A general derivation and the model it is of.
pub struct GeneralDerived {
    /// The model as loaded (its horizon const as given).
    pub model: Model,
    pub general: crate::general::General,
}

/// Derives at a general step (LANGUAGE.md §5) and checks by instantiation:
/// `src` is the model's text, which is loaded again at each horizon.
pub fn derive_general(src: &str, settings: &[Setting], req: &GeneralRequest) -> Result<GeneralDerived, Error> {
    use crate::general::GeneralError;
    let model = load(src, settings)?;
    let at = |name: &str, n: i64| -> Result<Model, GeneralError> {
        let mut s = settings.to_vec();
        let set = format!("{name}={n}")
            .parse::<Setting>()
            .map_err(|e| GeneralError::Instance(n, e.to_string()))?;
        s.push(set);
        load(src, &s).map_err(|e| GeneralError::Instance(n, e.to_string()))
    };
    crate::progress::step("derive at a general step");
    let general = crate::general::derive_general(&model, &at, &req.of, &req.wrt, req.seed).map_err(Box::new)?;
    Ok(GeneralDerived { model, general })
}
