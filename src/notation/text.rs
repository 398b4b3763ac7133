//! Model syntax for an expression of the graph (`w1*x1[2] + u*h[1]`), for
//! path listings and JSON. It parses back to the same tree.
//!
//! Brackets are the fewest that keep the exact tree shape: `a*(b*c)` keeps
//! its brackets because the parser reads `a*b*c` as `(a*b)*c`. Like the LaTeX
//! printer, this one walks with an explicit stack, never recursion.

use super::precedence::{leads_with_minus, prec, Binding, Notation};
use crate::graph::{Graph, Node, NodeId, Sym};
use crate::model::{Model, SymId};

const TEXT: Notation = Notation::Text;

/// The model-syntax names of the symbols of one model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextNames {
    /// Indexed by `SymId`.
    names: Vec<String>,
}

impl TextNames {
    /// The names as declared in the model.
    pub fn new(model: &Model) -> TextNames {
        TextNames {
            names: model.symbols.iter().map(|s| s.name.clone()).collect(),
        }
    }

    /// Names indexed by `SymId` (for tests and tools that have no [`Model`]).
    pub fn from_names(names: Vec<String>) -> TextNames {
        TextNames { names }
    }

    /// The symbol as written in a model: `w1`, `h[2]`, `h[-1]`. Panics if
    /// `sym.id` is not a symbol of this model.
    ///
    /// ```
    /// use chainrule::graph::Sym;
    /// use chainrule::model::SymId;
    /// use chainrule::notation::text::TextNames;
    /// let names = TextNames::from_names(vec!["w1".into(), "h".into()]);
    /// assert_eq!(names.symbol(Sym { id: SymId(0), step: None }), "w1");
    /// assert_eq!(names.symbol(Sym { id: SymId(1), step: Some(2) }), "h[2]");
    /// ```
    pub fn symbol(&self, sym: Sym) -> String {
        indexed(self.base(sym.id), sym.step)
    }

    /// The declared name, without a step.
    pub fn base(&self, id: SymId) -> &str {
        &self.names[id.0 as usize]
    }
}

/// The plain name of one symbol of `model`: `h[2]`, `w1`. For many symbols,
/// build a [`TextNames`] once instead.
pub fn plain(model: &Model, sym: Sym) -> String {
    indexed(&model.symbol(sym.id).name, sym.step)
}

/// `name` or `name[step]`.
fn indexed(name: &str, step: Option<i64>) -> String {
    match step {
        Some(k) => crate::vocab::at_step(name, k),
        None => name.to_string(),
    }
}

/// One piece of pending output.
enum Task {
    /// Print a node, inside `( )` when the flag is set.
    Node(NodeId, bool),
    Emit(&'static str),
}

/// The model syntax of the expression rooted at `root`; parsing it gives
/// back the same tree (for a graph built by `Graph::add`, whose literals are
/// folded: `-2` and `1/2` are read back as the literals -2 and 1/2).
///
/// Named nodes below the root print as their symbol (`h[1]`); a Named root
/// prints its definition. Use [`text_symbol_or_expr`] to print a Named root
/// as its name.
///
/// ```
/// use chainrule::graph::{Graph, Node, Sym};
/// use chainrule::model::SymId;
/// use chainrule::notation::text::{text, TextNames};
/// let names = TextNames::from_names(vec!["a".into(), "b".into(), "c".into()]);
/// let mut g = Graph::new();
/// let [a, b, c] = [0, 1, 2].map(|i| g.intern(Node::Leaf(Sym { id: SymId(i), step: None })).unwrap());
/// let bc = g.intern(Node::Mul(b, c)).unwrap();
/// let e = g.intern(Node::Mul(a, bc)).unwrap();
/// assert_eq!(text(&g, e, &names), "a*(b*c)");
/// ```
pub fn text(graph: &Graph, root: NodeId, names: &TextNames) -> String {
    text_cut(graph, root, names, &std::collections::HashSet::new())
}

/// [`text`] with the subtrees in `cut` printed as `…` (see
/// [`super::abbrev`]): a short label for a long expression.
pub fn text_cut(graph: &Graph, root: NodeId, names: &TextNames, cut: &std::collections::HashSet<NodeId>) -> String {
    let start = match *graph.node(root) {
        Node::Named(_, def) => def,
        _ => root,
    };
    let mut out = String::new();
    let mut stack = vec![Task::Node(start, false)];
    while let Some(task) = stack.pop() {
        match task {
            Task::Emit(s) => out.push_str(s),
            Task::Node(id, _) if cut.contains(&id) => out.push('…'),
            Task::Node(id, bracket) => {
                if bracket {
                    out.push('(');
                    stack.push(Task::Emit(")"));
                }
                visit(graph, id, names, &mut out, &mut stack);
            }
        }
    }
    out
}

/// Like [`text`], except that a Named root prints as its symbol (`y[2]`).
pub fn text_symbol_or_expr(graph: &Graph, root: NodeId, names: &TextNames) -> String {
    match *graph.node(root) {
        Node::Named(sym, _) => names.symbol(sym),
        _ => text(graph, root, names),
    }
}

/// Writes the start of node `id` and pushes the rest, last part first.
fn visit(graph: &Graph, id: NodeId, names: &TextNames, out: &mut String, stack: &mut Vec<Task>) {
    let p = |n: NodeId| prec(graph, n, TEXT);
    // A right operand that starts with a sign is bracketed: `a + (-b)`. The
    // parser would read `a*-b` the same way, but people would not.
    let minus = |n: NodeId| leads_with_minus(graph, n, TEXT);
    // The loosest an operand may bind and still go without brackets, left
    // and right. Sums and products are read left to right, so a right
    // operand of the same strength keeps its brackets (`a - (b - c)`);
    // `^` is read right to left, so `a^b^c` is `a^(b^c)`.
    let (l, op, r, l_min, r_min) = match *graph.node(id) {
        Node::Add(l, r) => (l, " + ", r, Binding::Sum, Binding::Product),
        Node::Sub(l, r) => (l, " - ", r, Binding::Sum, Binding::Product),
        Node::Mul(l, r) => (l, "*", r, Binding::Product, Binding::Unary),
        Node::Div(l, r) => (l, "/", r, Binding::Product, Binding::Unary),
        Node::Pow(b, e) => (b, "^", e, Binding::Atom, Binding::Power),
        Node::Lit(ref q) => {
            out.push_str(&q.to_string());
            return;
        }
        Node::Leaf(sym) | Node::Named(sym, _) => {
            out.push_str(&names.symbol(sym));
            return;
        }
        Node::Neg(x) => {
            out.push('-');
            stack.push(Task::Node(x, p(x) < Binding::Unary || minus(x)));
            return;
        }
        Node::Opaque(f, z) | Node::OpaquePrime(f, z) => {
            out.push_str(&names.symbol(crate::vocab::Sym { id: f, step: None }));
            if matches!(graph.node(id), Node::OpaquePrime(..)) {
                out.push('\'');
            }
            out.push('(');
            stack.extend([Task::Emit(")"), Task::Node(z, false)]);
            return;
        }
        Node::Call(f, z) => {
            out.push_str(f.name());
            out.push('(');
            stack.extend([Task::Emit(")"), Task::Node(z, false)]);
            return;
        }
    };
    let (l_bracket, r_bracket) = (p(l) < l_min, p(r) < r_min || minus(r));
    stack.extend([Task::Node(r, r_bracket), Task::Emit(op), Task::Node(l, l_bracket)]);
}
