//! LaTeX for an expression of the graph, with the fewest brackets that keep
//! its meaning.
//!
//! The printer walks the expression with an explicit stack, so the depth of
//! the expression (a 100,000-step unrolled sum) never touches the call stack.

use super::names::{has_superscript, Typesetter};
use super::precedence::{leads_with_minus, prec, Binding, Notation};
use crate::graph::{Builtin, Graph, Node, NodeId, Sym};
use crate::number::Q;

const LATEX: Notation = Notation::Latex;

/// Text printed in place of some nodes: the `z_{4}` of an intermediate
/// variable, or a value in a line with the numbers substituted. A node
/// printed this way is an atom: it is never looked into, and it takes no
/// brackets of its own (a negative value brings its own `\left( \right)`).
pub trait Overrides {
    fn get(&self, n: NodeId) -> Option<&str>;
}

/// No node is printed in place of another.
pub struct NoOverrides;

impl Overrides for NoOverrides {
    fn get(&self, _: NodeId) -> Option<&str> {
        None
    }
}

impl Overrides for std::collections::BTreeMap<NodeId, String> {
    fn get(&self, n: NodeId) -> Option<&str> {
        std::collections::BTreeMap::get(self, &n).map(String::as_str)
    }
}

impl Overrides for std::collections::HashMap<NodeId, String> {
    fn get(&self, n: NodeId) -> Option<&str> {
        std::collections::HashMap::get(self, &n).map(String::as_str)
    }
}

/// The printer's state: the graph, names, and the nodes printed otherwise.
struct Printer<'a> {
    graph: &'a Graph,
    ts: &'a Typesetter,
    over: &'a dyn Overrides,
    /// The nodes that print something tall, which take `\left( \right)`.
    tall: std::collections::HashSet<NodeId>,
}

/// One piece of pending output.
enum Task {
    /// Print a node, inside `\left( \right)` when the flag is set.
    Node(NodeId, bool),
    /// Print a node by its structure even if it has an override.
    Structure(NodeId),
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
/// use chainrule::notation::{latex::latex, names::Typesetter};
/// let ts = Typesetter::from_parts(vec!["a".into(), "b".into(), "c".into()], TimeStyle::Superscript);
/// let mut g = Graph::new();
/// let [a, b, c] = [0, 1, 2].map(|i| g.intern(Node::Leaf(Sym { id: SymId(i), step: None })).unwrap());
/// let bc = g.intern(Node::Sub(b, c)).unwrap();
/// let e = g.intern(Node::Sub(a, bc)).unwrap();
/// assert_eq!(latex(&g, e, &ts), "a - (b - c)");
/// ```
pub fn latex(graph: &Graph, root: NodeId, ts: &Typesetter) -> String {
    definition_with(graph, root, ts, &NoOverrides)
}

/// Like [`latex`], except that a Named root prints as its symbol
/// (`y^{(2)}`), as in the nodes of a path.
pub fn latex_symbol_or_expr(graph: &Graph, root: NodeId, ts: &Typesetter) -> String {
    latex_with(graph, root, ts, &NoOverrides)
}

/// The expression at `root` with the nodes of `over` printed as given:
/// a root that has an override, or is Named, prints as that name.
pub fn latex_with(graph: &Graph, root: NodeId, ts: &Typesetter, over: &dyn Overrides) -> String {
    if let Some(s) = over.get(root) {
        return s.to_string();
    }
    match *graph.node(root) {
        Node::Named(sym, _) => ts.symbol(sym),
        _ => Printer::new(graph, ts, over, root).run(root),
    }
}

/// The definition at `root`, whatever its own name: a Named root prints its
/// right side, and an overridden root its structure, with the nodes below
/// printed as [`latex_with`] does (`z_{3} + b_{h}` for `z_{4}`).
pub fn definition_with(graph: &Graph, root: NodeId, ts: &Typesetter, over: &dyn Overrides) -> String {
    let start = match *graph.node(root) {
        Node::Named(_, def) => def,
        _ => root,
    };
    Printer::new(graph, ts, over, start).run(start)
}

impl<'a> Printer<'a> {
    fn new(graph: &'a Graph, ts: &'a Typesetter, over: &'a dyn Overrides, root: NodeId) -> Printer<'a> {
        Printer {
            graph,
            ts,
            over,
            tall: tall_nodes(graph, root, over),
        }
    }

    fn run(&self, start: NodeId) -> String {
        let mut out = String::new();
        let mut stack = vec![Task::Structure(start)];
        while let Some(task) = stack.pop() {
            match task {
                Task::Emit(s) => out.push_str(s),
                Task::Structure(id) => self.visit(id, &mut out, &mut stack),
                Task::Node(id, bracket) => {
                    if bracket {
                        let (open, close) = self.brackets(id);
                        out.push_str(open);
                        stack.push(Task::Emit(close));
                    }
                    match self.over.get(id) {
                        Some(s) => out.push_str(s),
                        None => self.visit(id, &mut out, &mut stack),
                    }
                }
            }
        }
        out
    }

    /// Brackets around node `n`: `\left( \right)` only when it holds
    /// something tall (a fraction), since they grow with their content and
    /// a superscript alone makes them too big; else plain `( )`, as written
    /// by hand.
    fn brackets(&self, n: NodeId) -> (&'static str, &'static str) {
        if self.tall(n) {
            ("\\left(", "\\right)")
        } else {
            ("(", ")")
        }
    }

    fn tall(&self, n: NodeId) -> bool {
        self.tall.contains(&n)
    }

    fn prec(&self, n: NodeId) -> Binding {
        if self.over.get(n).is_some() {
            return Binding::Atom;
        }
        prec(self.graph, n, LATEX)
    }

    fn is_sum(&self, n: NodeId) -> bool {
        self.prec(n) == Binding::Sum
    }

    /// As [`leads_with_minus`], stopping at overridden nodes (which bring
    /// their own brackets).
    fn minus(&self, mut id: NodeId) -> bool {
        loop {
            if self.over.get(id).is_some() {
                return false;
            }
            id = match *self.graph.node(id) {
                Node::Add(l, _) | Node::Sub(l, _) => l,
                Node::Mul(l, _) if self.is_sum(l) => return false,
                Node::Mul(l, _) => l,
                _ => return leads_with_minus(self.graph, id, LATEX),
            };
        }
    }

    /// Writes the start of node `id` and pushes the rest, last part first.
    fn visit(&self, id: NodeId, out: &mut String, stack: &mut Vec<Task>) {
        let graph = self.graph;
        let (l, sep, r, l_bracket, r_bracket) = match *graph.node(id) {
            // `a + (b + c)` and `a + (b - c)` drop their brackets: addition is
            // associative, and the reader sees one sum either way.
            Node::Add(l, r) => (l, " + ", r, false, self.minus(r)),
            Node::Sub(l, r) => (l, " - ", r, false, self.is_sum(r) || self.minus(r)),
            Node::Mul(l, r) => {
                let r_bracket = self.is_sum(r) || self.minus(r);
                // Juxtaposed numbers would read as one number (`2 3`) or as a
                // mixed fraction (`2 \frac{1}{2}`).
                let number = !r_bracket && self.starts_with_number(r);
                let sep = if number { " \\cdot " } else { " " };
                (l, sep, r, self.is_sum(l), r_bracket)
            }
            Node::Pow(b, e) => {
                stack.push(Task::Emit("}"));
                (b, "^{", e, !self.bare_base(b), false)
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
                out.push_str(&self.ts.symbol(sym));
                return;
            }
            Node::Neg(x) => {
                out.push('-');
                stack.push(Task::Node(x, self.is_sum(x) || self.minus(x)));
                return;
            }
            Node::Opaque(f, z) | Node::OpaquePrime(f, z) => {
                out.push_str(self.ts.base(f));
                if matches!(graph.node(id), Node::OpaquePrime(..)) {
                    out.push('\'');
                }
                let (open, close) = self.brackets(z);
                out.push_str(open);
                // The argument of ℓ′ is not its child (no path runs through
                // it), but it is printed as one.
                stack.extend([Task::Emit(close), Task::Node(z, false)]);
                return;
            }
            Node::Call(f, z) => {
                out.push_str(builtin_name(f));
                let (open, close) = match f {
                    Builtin::Sqrt => ("{", "}"),
                    _ => self.brackets(z),
                };
                out.push_str(open);
                stack.extend([Task::Emit(close), Task::Node(z, false)]);
                return;
            }
        };
        stack.extend([Task::Node(r, r_bracket), Task::Emit(sep), Task::Node(l, l_bracket)]);
    }

    /// A base that takes `^{...}` without brackets: a symbol with no
    /// superscript of its own, or a non-negative integer. Everything else,
    /// including `h^{(2)}`, calls, fractions and negatives, is bracketed so
    /// that the exponent cannot be misread as applying to a part of it.
    fn bare_base(&self, b: NodeId) -> bool {
        if let Some(s) = self.over.get(b) {
            return !has_superscript(s) && !s.contains(['\\', ' ', '-', '+']);
        }
        match *self.graph.node(b) {
            Node::Leaf(sym) | Node::Named(sym, _) => !has_superscript(&self.ts.symbol(sym)),
            Node::Lit(ref q) => q.is_integer() && !q.is_negative(),
            _ => false,
        }
    }

    /// True when node `id`, printed without brackets, begins with a numeral
    /// or a numeric fraction, following leftmost factors (`2 x`, `3^{x}`).
    fn starts_with_number(&self, mut id: NodeId) -> bool {
        let graph = self.graph;
        loop {
            if let Some(s) = self.over.get(id) {
                return s.starts_with(|c: char| c.is_ascii_digit()) || s.starts_with("\\frac");
            }
            id = match *graph.node(id) {
                Node::Lit(_) => return true,
                Node::Mul(l, _) if self.is_sum(l) => return false,
                Node::Mul(l, _) => l,
                // A bracketed base starts with `\left(`; a bare one may be a number.
                Node::Pow(b, _) if !self.bare_base(b) => return false,
                Node::Pow(b, _) => b,
                Node::Div(n, d) => return graph.literal(n).is_some() && graph.literal(d).is_some(),
                Node::Leaf(sym) | Node::Named(sym, _) => {
                    return self.ts.symbol(sym).starts_with(|c: char| c.is_ascii_digit())
                }
                Node::Add(..)
                | Node::Sub(..)
                | Node::Neg(_)
                | Node::Call(..)
                | Node::Opaque(..)
                | Node::OpaquePrime(..) => return false,
            };
        }
    }
}

/// The LaTeX of an exact rational: `2`, `-3`, `\frac{1}{2}`, `-\frac{1}{3}`.
///
/// ```
/// use chainrule::number::Q;
/// use chainrule::notation::latex::latex_rational;
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

/// A question as the user wrote it, when it is a name, a name at a literal
/// step, or a call of a model function on such: `L(y[2])` →
/// `L(y^{(2)})` rather than the inlined `-\ln(y^{(2)})`. `None` for
/// anything else (the caller prints the expression's node).
pub fn query_latex(e: &crate::model::RExpr, ts: &Typesetter) -> Option<String> {
    use crate::model::RKind;
    match &e.kind {
        RKind::Sym(id) => Some(ts.symbol(Sym { id: *id, step: None })),
        RKind::Elem(id, idx) => match &idx.kind {
            RKind::Num(k) => Some(ts.symbol(Sym {
                id: *id,
                step: Some(k.to_i64()?),
            })),
            _ => None,
        },
        RKind::Apply(f, args) => {
            let args: Option<Vec<String>> = args.iter().map(|a| query_latex(a, ts)).collect();
            Some(format!("{}{}", ts.base(*f), paren(&args?.join(", "))))
        }
        _ => None,
    }
}

/// `s` in brackets: `\left( \right)` when it holds something tall (a
/// fraction, a sum or product sign, brackets that grow), else `( )`.
///
/// ```
/// use chainrule::notation::latex::paren;
/// assert_eq!(paren("y^{(2)} - 1"), "(y^{(2)} - 1)");
/// assert_eq!(paren("-\\frac{1}{y}"), "\\left(-\\frac{1}{y}\\right)");
/// ```
pub fn paren(s: &str) -> String {
    if ["\\frac", "\\left", "\\sum", "\\prod"].iter().any(|t| s.contains(t)) {
        format!("\\left({s}\\right)")
    } else {
        format!("({s})")
    }
}

/// The name of a built-in as a call prints it: `\sigma`, `\sqrt`.
fn builtin_name(f: Builtin) -> &'static str {
    match f {
        Builtin::Sigmoid => "\\sigma",
        Builtin::Tanh => "\\tanh",
        Builtin::Relu => "\\operatorname{ReLU}",
        Builtin::Exp => "\\exp",
        Builtin::Ln => "\\ln",
        Builtin::Sqrt => "\\sqrt",
        Builtin::Step => "\\phi",
    }
}

/// The nodes below `root` (itself included) that print something tall: a
/// fraction, or an override that holds one. One pass over the subtree,
/// children before parents.
fn tall_nodes(graph: &Graph, root: NodeId, over: &dyn Overrides) -> std::collections::HashSet<NodeId> {
    let mut order = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        order.push(n);
        // A named node prints as its name: its definition is not looked at.
        if over.get(n).is_none() && !matches!(graph.node(n), Node::Named(..)) {
            stack.extend(graph.node(n).children());
        }
    }
    order.sort_unstable();
    let mut tall = std::collections::HashSet::new();
    for n in order {
        let here = match over.get(n) {
            Some(s) => ["\\frac", "\\left", "\\sum", "\\prod"].iter().any(|t| s.contains(t)),
            None => match graph.node(n) {
                Node::Div(..) => true,
                Node::Lit(q) => !q.is_integer(),
                Node::Named(..) | Node::Leaf(_) => false,
                other => other.children().any(|c| tall.contains(&c)),
            },
        };
        if here {
            tall.insert(n);
        }
    }
    tall
}
