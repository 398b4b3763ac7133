//! LaTeX for an expression of the graph, with the fewest brackets that keep
//! its meaning.
//!
//! The printer walks the expression with an explicit stack, so the depth of
//! the expression (a 100,000-step unrolled sum) never touches the call stack.

use super::names::{has_superscript, Typesetter};
use super::precedence::{leads_with_minus, prec, Notation, Prec};
use crate::graph::{Builtin, Graph, Node, NodeId};
use crate::number::Q;

const LATEX: Notation = Notation::Latex;

/// One piece of pending output.
enum Task {
    /// Print a node, inside `\left( \right)` when the flag is set.
    Node(NodeId, bool),
    Emit(&'static str),
}

/// The LaTeX of the expression rooted at `root`.
///
/// Named nodes below the root print as their symbol (`h^{(1)}`); a Named
/// root prints its definition, so the node of `h[2]` gives the right side
/// of its equation. Use [`latex_symbol_or_expr`] to print a Named root as
/// its name. Output depends only on the graph and the typesetter.
///
/// ```
/// use chainrule::graph::{Graph, Node, Sym};
/// use chainrule::model::{SymId, TimeStyle};
/// use chainrule::render::{latex::latex, names::Typesetter};
/// let ts = Typesetter::from_parts(vec!["a".into(), "b".into(), "c".into()], TimeStyle::Superscript);
/// let mut g = Graph::new();
/// let [a, b, c] = [0, 1, 2].map(|i| g.intern(Node::Leaf(Sym { id: SymId(i), step: None })).unwrap());
/// let bc = g.intern(Node::Sub(b, c)).unwrap();
/// let e = g.intern(Node::Sub(a, bc)).unwrap();
/// assert_eq!(latex(&g, e, &ts), "a - \\left(b - c\\right)");
/// ```
pub fn latex(graph: &Graph, root: NodeId, ts: &Typesetter) -> String {
    let start = match *graph.node(root) {
        Node::Named(_, def) => def,
        _ => root,
    };
    let mut out = String::new();
    let mut stack = vec![Task::Node(start, false)];
    while let Some(task) = stack.pop() {
        match task {
            Task::Emit(s) => out.push_str(s),
            Task::Node(id, bracket) => {
                if bracket {
                    out.push_str("\\left(");
                    stack.push(Task::Emit("\\right)"));
                }
                visit(graph, id, ts, &mut out, &mut stack);
            }
        }
    }
    out
}

/// Like [`latex`], except that a Named root prints as its symbol
/// (`y^{(2)}`), as in the nodes of a path.
pub fn latex_symbol_or_expr(graph: &Graph, root: NodeId, ts: &Typesetter) -> String {
    match *graph.node(root) {
        Node::Named(sym, _) => ts.symbol(sym),
        _ => latex(graph, root, ts),
    }
}

/// The LaTeX of an exact rational: `2`, `-3`, `\frac{1}{2}`, `-\frac{1}{3}`.
///
/// ```
/// use chainrule::number::Q;
/// use chainrule::render::latex::latex_rational;
/// assert_eq!(latex_rational(&Q::ratio(-1, 3)), "-\\frac{1}{3}");
/// assert_eq!(latex_rational(&Q::int(12)), "12");
/// ```
pub fn latex_rational(q: &Q) -> String {
    if q.is_integer() {
        return q.to_string();
    }
    let sign = if q.is_negative() { "-" } else { "" };
    format!("{sign}\\frac{{{}}}{{{}}}", q.numer().magnitude(), q.denom())
}

/// What opens a call of `f`, up to its argument: `\sigma\left(`, `\sqrt{`.
fn builtin_open(f: Builtin) -> &'static str {
    match f {
        Builtin::Sigmoid => "\\sigma\\left(",
        Builtin::Tanh => "\\tanh\\left(",
        Builtin::Relu => "\\operatorname{ReLU}\\left(",
        Builtin::Exp => "\\exp\\left(",
        Builtin::Ln => "\\ln\\left(",
        Builtin::Sqrt => "\\sqrt{",
        Builtin::Step => "\\phi\\left(",
    }
}

/// Writes the start of node `id` and pushes the rest, last part first.
fn visit(graph: &Graph, id: NodeId, ts: &Typesetter, out: &mut String, stack: &mut Vec<Task>) {
    let is_sum = |n: NodeId| prec(graph, n, LATEX) == Prec::Sum;
    // A sign right after an operator is bracketed: `a + \left(-b\right)`.
    let minus = |n: NodeId| leads_with_minus(graph, n, LATEX);
    let (l, sep, r, l_bracket, r_bracket) = match *graph.node(id) {
        // `a + (b + c)` and `a + (b - c)` drop their brackets: addition is
        // associative, and the reader sees one sum either way.
        Node::Add(l, r) => (l, " + ", r, false, minus(r)),
        Node::Sub(l, r) => (l, " - ", r, false, is_sum(r) || minus(r)),
        Node::Mul(l, r) => {
            let r_bracket = is_sum(r) || minus(r);
            // Juxtaposed numbers would read as one number (`2 3`) or as a
            // mixed fraction (`2 \frac{1}{2}`).
            let number = !r_bracket && starts_with_number(graph, r, ts);
            let sep = if number { " \\cdot " } else { " " };
            (l, sep, r, is_sum(l), r_bracket)
        }
        Node::Pow(b, e) => {
            stack.push(Task::Emit("}"));
            (b, "^{", e, !bare_base(graph, b, ts), false)
        }
        Node::Div(l, r) => {
            out.push_str("\\frac{");
            stack.push(Task::Emit("}"));
            (l, "}{", r, false, false)
        }
        Node::Lit(ref q) => {
            out.push_str(&latex_rational(q));
            return;
        }
        Node::Leaf(sym) | Node::Named(sym, _) => {
            out.push_str(&ts.symbol(sym));
            return;
        }
        Node::Neg(x) => {
            out.push('-');
            stack.push(Task::Node(x, is_sum(x) || minus(x)));
            return;
        }
        Node::Call(f, z) => {
            out.push_str(builtin_open(f));
            let close = if f == Builtin::Sqrt { "}" } else { "\\right)" };
            stack.extend([Task::Emit(close), Task::Node(z, false)]);
            return;
        }
    };
    stack.extend([Task::Node(r, r_bracket), Task::Emit(sep), Task::Node(l, l_bracket)]);
}

/// A base that takes `^{...}` without brackets: a symbol with no
/// superscript of its own, or a non-negative integer. Everything else,
/// including `h^{(2)}`, calls, fractions and negatives, is bracketed so that
/// the exponent cannot be misread as applying to a part of it.
fn bare_base(graph: &Graph, b: NodeId, ts: &Typesetter) -> bool {
    match *graph.node(b) {
        Node::Leaf(sym) | Node::Named(sym, _) => !has_superscript(&ts.symbol(sym)),
        Node::Lit(ref q) => q.is_integer() && !q.is_negative(),
        _ => false,
    }
}

/// True when node `id`, printed without brackets, begins with a numeral or
/// a numeric fraction, following leftmost factors (`2 x`, `3^{x}`).
fn starts_with_number(graph: &Graph, mut id: NodeId, ts: &Typesetter) -> bool {
    loop {
        id = match *graph.node(id) {
            Node::Lit(_) => return true,
            Node::Mul(l, _) if prec(graph, l, LATEX) == Prec::Sum => return false,
            Node::Mul(l, _) => l,
            Node::Pow(b, _) => return matches!(graph.node(b), Node::Lit(q) if q.is_integer() && !q.is_negative()),
            Node::Div(n, d) => return graph.literal(n).is_some() && graph.literal(d).is_some(),
            Node::Leaf(sym) | Node::Named(sym, _) => return ts.symbol(sym).starts_with(|c: char| c.is_ascii_digit()),
            Node::Add(..) | Node::Sub(..) | Node::Neg(_) | Node::Call(..) => return false,
        };
    }
}
