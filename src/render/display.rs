//! How the nodes of a derivation are named: model symbols, the `--of`
//! expression as written, and a variable for each intermediate operation.
//!
//! Intermediates are numbered through the derivation (`z_{1}`, `z_{2}`, …)
//! unless some stretch of steps is written once over its range
//! ([`crate::fold`]); then they are numbered within their step, `z_{1}^{(3)}`,
//! so that the line written once at step `t` names `z_{1}^{(t)}` and a path
//! through step 3 names `z_{1}^{(3)}`, the same variable at that step.

use crate::calculus::derive::Derivation;
use crate::calculus::steps::Granularity;
use crate::fold::{block_runs, blocks, same_shape, Atom, Block, Piece, StepOf};
use crate::graph::{Graph, Node, NodeId};
use crate::model::{Model, RExpr};
use crate::notation::latex::{definition_with, latex_with, query_latex, NoOverrides, Overrides};
use crate::notation::names::{with_step_text, Typesetter};
use std::collections::BTreeMap;

/// A stretch of the listed lines written once: the lines of `template`
/// (one block), standing for the steps `from..=to`.
#[derive(Clone, Copy, Debug)]
pub struct LineRun {
    pub template: Block,
    pub from: i64,
    pub to: i64,
}

/// One piece of the list of intermediate variables.
#[derive(Clone, Copy, Debug)]
pub enum LinePiece {
    One(usize),
    Run(LineRun),
}

pub struct Display {
    pub ts: Typesetter,
    /// The text printed for nodes that are not model symbols.
    pub names: BTreeMap<NodeId, String>,
    /// The operations named as variables, in evaluation order.
    pub intermediates: Vec<NodeId>,
    /// The lines listed: intermediates, named quantities on the paths and
    /// the output, in evaluation order (never `wrt`).
    pub lines: Vec<NodeId>,
    /// How the lines are written: one by one, or a stretch at once.
    pub pieces: Vec<LinePiece>,
    pub step_of: StepOf,
    /// Each intermediate's number within its step, and the step.
    vars: BTreeMap<NodeId, (u32, Option<i64>)>,
    /// Intermediates are numbered within their step.
    pub per_step: bool,
    letter: &'static str,
    /// Stretches of at least this many steps are folded.
    pub fold_at: usize,
}

impl Display {
    pub fn new(
        g: &Graph,
        model: &Model,
        d: &Derivation,
        of_expr: Option<&RExpr>,
        gran: Granularity,
        fold_at: usize,
    ) -> Display {
        let ts = Typesetter::new(model);
        let letter = ["z", "s", "q", "r"]
            .into_iter()
            // Not a name of the model, nor a vector whose entries are `q_{1}`.
            .find(|l| model.lookup(l).is_none() && model.tensors.get(l).is_none())
            .unwrap_or("z");
        let mut on_routes: Vec<NodeId> = d
            .paths
            .iter()
            .flat_map(|p| p.steps.iter().flat_map(|s| [s.child, s.parent]))
            .collect();
        on_routes.sort_unstable();
        on_routes.dedup();
        let intermediates: Vec<NodeId> = match gran {
            Granularity::Equations => Vec::new(),
            Granularity::Operations => on_routes
                .into_iter()
                .filter(|&n| n != d.of && n != d.wrt && !matches!(g.node(n), Node::Named(..) | Node::Leaf(_)))
                .collect(),
        };
        // Every operation on the paths gets its variable; the named
        // quantities on the paths are listed too, by their definitions in
        // those variables (`h^{(1)} = \operatorname{ReLU}(z_{4})`), and so
        // is the output.
        let mut lines: Vec<NodeId> = intermediates.clone();
        lines.extend(
            d.paths
                .iter()
                .flat_map(|p| p.steps.iter().map(|s| s.parent))
                .filter(|&n| n == d.of || matches!(g.node(n), Node::Named(..))),
        );
        lines.sort_unstable();
        lines.dedup();
        lines.retain(|&n| n != d.wrt);
        let step_of = StepOf::new(g, d.of);
        let mut counters: BTreeMap<Option<i64>, u32> = BTreeMap::new();
        let vars: BTreeMap<NodeId, (u32, Option<i64>)> = intermediates
            .iter()
            .map(|&n| {
                let s = step_of.get(n);
                let c = counters.entry(s).or_insert(0);
                *c += 1;
                (n, (*c, s))
            })
            .collect();
        let mut disp = Display {
            ts,
            names: BTreeMap::new(),
            intermediates,
            lines,
            pieces: Vec::new(),
            step_of,
            vars,
            per_step: false,
            letter,
            fold_at,
        };
        disp.pieces = disp.line_pieces(g);
        disp.per_step =
            d.paths.iter().any(|p| p.folded.is_some()) || disp.pieces.iter().any(|p| matches!(p, LinePiece::Run(_)));
        let mut unstepped = 0;
        for (k, &n) in disp.intermediates.iter().enumerate() {
            let name = match disp.vars[&n] {
                (pos, Some(s)) if disp.per_step => {
                    with_step_text(&format!("{letter}_{{{pos}}}"), Some(&s.to_string()), disp.ts.style())
                }
                _ if disp.per_step => {
                    unstepped += 1;
                    format!("{letter}_{{{unstepped}}}")
                }
                _ => format!("{letter}_{{{}}}", k + 1),
            };
            disp.names.insert(n, name);
        }
        if !matches!(g.node(d.of), Node::Named(..)) {
            let shown = of_expr
                .and_then(|e| query_latex(e, &disp.ts))
                .unwrap_or_else(|| definition_with(g, d.of, &disp.ts, &NoOverrides));
            disp.names.insert(d.of, shown);
        }
        disp
    }

    /// How a node is told apart across steps when lines are compared: an
    /// intermediate by its number within its step.
    pub fn atom(&self, n: NodeId) -> Option<Atom> {
        self.vars.get(&n).map(|&(pos, s)| Atom::Var(pos, s))
    }

    /// Node `b` is node `a` moved `shift` steps, both as names (symbols or
    /// variables) or, for other nodes, as expressions.
    pub fn same_term(&self, g: &Graph, a: NodeId, b: NodeId, shift: i64) -> bool {
        let name = |n: NodeId| match g.node(n) {
            Node::Leaf(s) | Node::Named(s, _) => Some(Atom::Sym(s.id, s.step)),
            _ => self.atom(n),
        };
        match (name(a), name(b)) {
            (Some(p), Some(q)) => p.shifted(q, shift),
            (None, None) => same_shape(g, a, b, shift, &|n| self.atom(n)),
            _ => false,
        }
    }

    /// The listed lines split into those written one by one and the
    /// stretches of repeated steps written once.
    fn line_pieces(&self, g: &Graph) -> Vec<LinePiece> {
        let lines = &self.lines;
        let blocks = blocks(lines.len(), |i| self.step_of.get(lines[i]));
        let same = |i: usize, j: usize, shift: i64| {
            let (a, b) = (lines[i], lines[j]);
            if !self.same_term(g, a, b, shift) {
                return false;
            }
            match (g.node(a), g.node(b)) {
                (Node::Named(_, x), Node::Named(_, y)) => same_shape(g, *x, *y, shift, &|n| self.atom(n)),
                _ => same_shape(g, a, b, shift, &|n| self.atom(n)),
            }
        };
        block_runs(&blocks, same, 1, self.fold_at)
            .into_iter()
            .flat_map(|p| match p {
                Piece::One(b) => (blocks[b].first..=blocks[b].last)
                    .map(LinePiece::One)
                    .collect::<Vec<_>>(),
                Piece::Run { first, last } => vec![LinePiece::Run(LineRun {
                    template: blocks[first],
                    from: blocks[first].step.unwrap_or(0),
                    to: blocks[last].step.unwrap_or(0),
                })],
            })
            .collect()
    }

    /// The names of everything near step `at`, with steps written relative
    /// to it as `name` (`t`, `t-1`): for a line written once over a stretch.
    pub fn relative(&self, at: i64, name: &'static str) -> Relative {
        let ts = self.ts.relative(at, name);
        let radius = crate::vocab::steps::STEP_RADIUS;
        let mut names = BTreeMap::new();
        for (&n, &(pos, s)) in &self.vars {
            let text = match s {
                Some(s) if self.per_step && (s - at).abs() <= radius => {
                    with_step_text(&format!("{}_{{{pos}}}", self.letter), Some(&ts.step(s)), ts.style())
                }
                _ => match self.names.get(&n) {
                    Some(t) => t.clone(),
                    None => continue,
                },
            };
            names.insert(n, text);
        }
        for (&n, t) in &self.names {
            names.entry(n).or_insert_with(|| t.clone());
        }
        Relative {
            ts,
            names,
            vars: self.vars.keys().copied().collect(),
        }
    }

    /// The absolute names, as a [`Relative`] at no step in particular.
    pub fn absolute(&self) -> Relative {
        Relative {
            ts: self.ts.clone(),
            names: self.names.clone(),
            vars: self.vars.keys().copied().collect(),
        }
    }

    /// The name of a node: its variable or `--of` text, its symbol, or its expression.
    pub fn name(&self, g: &Graph, n: NodeId) -> String {
        latex_with(g, n, &self.ts, &self.names)
    }

    /// An expression in the network's names (no variables).
    pub fn expr(&self, g: &Graph, n: NodeId) -> String {
        latex_with(g, n, &self.ts, &NoOverrides)
    }

    pub fn partial(&self, g: &Graph, parent: NodeId, child: NodeId) -> String {
        self.absolute().partial(g, parent, child)
    }
}

/// Names written at one step (or absolutely): a typesetter and the
/// variables' texts.
pub struct Relative {
    pub ts: Typesetter,
    names: BTreeMap<NodeId, String>,
    vars: std::collections::BTreeSet<NodeId>,
}

impl Relative {
    pub fn name(&self, g: &Graph, n: NodeId) -> String {
        latex_with(g, n, &self.ts, &self.names)
    }

    pub fn expr(&self, g: &Graph, n: NodeId) -> String {
        latex_with(g, n, &self.ts, &NoOverrides)
    }

    /// The definition of a line in the variables (never the `--of` text).
    pub fn definition(&self, g: &Graph, n: NodeId) -> String {
        definition_with(g, n, &self.ts, &self.vars_only())
    }

    /// The variables alone, as overrides (not the `--of` text: an
    /// expression that happens to equal the output is still written out).
    pub fn vars_only(&self) -> impl Overrides + '_ {
        struct Only<'a>(&'a Relative);
        impl Overrides for Only<'_> {
            fn get(&self, n: NodeId) -> Option<&str> {
                if self.0.vars.contains(&n) {
                    self.0.names.get(&n).map(String::as_str)
                } else {
                    None
                }
            }
        }
        Only(self)
    }

    pub fn partial(&self, g: &Graph, parent: NodeId, child: NodeId) -> String {
        format!(
            "\\frac{{\\partial {}}}{{\\partial {}}}",
            self.name(g, parent),
            self.name(g, child)
        )
    }
}
