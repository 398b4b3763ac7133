//! The LaTeX and text printers: names, steps, brackets, deep expressions and
//! round trips. Expressions are read with `syntax::parse_expr` and built with
//! `Graph::intern`, which does not fold, so each test sees the tree as written.

use chainrule::graph::{Builtin, Graph, Node, NodeId, Sym};
use chainrule::model::{Model, SymId, SymKind, Symbol, TimeStyle};
use chainrule::notation::latex::{latex, latex_symbol_or_expr};
use chainrule::notation::names::{default_latex, with_step, Typesetter};
use chainrule::notation::text::{plain, text, text_symbol_or_expr, TextNames};
use chainrule::number::Q;
use chainrule::syntax::ast::{AddOp, Expr, ExprKind, MulOp};
use chainrule::syntax::{parse_expr, Span};
use proptest::prelude::*;
use std::collections::HashMap;
use TimeStyle::{Subscript, Superscript};

/// A graph built from expressions as written, with its own name table.
#[derive(Default)]
struct Fixture {
    graph: Graph,
    names: Vec<String>,
    /// Symbols that `define` made into Named nodes, by name and step.
    named: HashMap<(String, Option<i64>), NodeId>,
}

type Make = fn(NodeId, NodeId) -> Node;

impl Fixture {
    fn sym(&mut self, name: &str, step: Option<i64>) -> Sym {
        let i = self.names.iter().position(|n| n == name);
        let i = i.unwrap_or_else(|| {
            self.names.push(name.to_string());
            self.names.len() - 1
        });
        let id = SymId(i as u32);
        Sym { id, step }
    }

    fn node(&mut self, node: Node) -> NodeId {
        self.graph.intern(node).unwrap()
    }

    fn leaf(&mut self, name: &str, step: Option<i64>) -> NodeId {
        if let Some(&id) = self.named.get(&(name.to_string(), step)) {
            return id;
        }
        let sym = self.sym(name, step);
        self.node(Node::Leaf(sym))
    }

    fn parse(&mut self, src: &str) -> NodeId {
        let e = parse_expr(src).unwrap_or_else(|e| panic!("`{src}` does not parse: {e}"));
        self.lower(&e)
    }

    /// `name[step] = src` as a Named node, which later expressions get.
    fn define(&mut self, name: &str, step: Option<i64>, src: &str) -> NodeId {
        let def = self.parse(src);
        let sym = self.sym(name, step);
        let id = self.node(Node::Named(sym, def));
        self.named.insert((name.to_string(), step), id);
        id
    }

    /// Lowers without folding, except that literals are read as `Graph::add`
    /// leaves them: `-2` is the literal -2 and `1/2` the literal 1/2.
    fn lower(&mut self, e: &Expr) -> NodeId {
        let node = match &e.kind {
            ExprKind::Num(q) => Node::lit(q.clone()),
            ExprKind::Neg(x) if matches!(x.kind, ExprKind::Num(_)) => Node::lit(number(e).unwrap()),
            ExprKind::Neg(x) => Node::Neg(self.lower(x)),
            ExprKind::Name(id) => return self.leaf(&id.name, None),
            ExprKind::Index(id, k) => {
                let k = number(k).and_then(|q| q.to_i64()).expect("an integer step");
                return self.leaf(&id.name, Some(k));
            }
            ExprKind::Call(f, args) => Node::Call(Builtin::from_name(&f.name).unwrap(), self.lower(&args[0])),
            ExprKind::Pow(b, x) => Node::Pow(self.lower(b), self.lower(x)),
            ExprKind::AddChain(first, rest) => {
                let first = self.lower(first);
                let rest = rest.iter().map(|(op, e)| (*op == AddOp::Add, e));
                return self.chain(first, rest, [Node::Add, Node::Sub]);
            }
            ExprKind::MulChain(first, rest) => {
                let literal = match rest.first() {
                    Some((MulOp::Div, d)) => fraction(first, d),
                    _ => None,
                };
                let (first, rest) = match literal {
                    Some(q) => (self.node(Node::lit(q)), &rest[1..]),
                    None => (self.lower(first), &rest[..]),
                };
                let rest = rest.iter().map(|(op, e)| (*op != MulOp::Div, e));
                return self.chain(first, rest, [Node::Mul, Node::Div]);
            }
            ExprKind::Sum { .. } => panic!("sums are unrolled before printing"),
            ExprKind::List(_) | ExprKind::Entry(..) | ExprKind::Transpose(_) => {
                panic!("the printer reads scalar expressions only")
            }
        };
        self.node(node)
    }

    /// `first op e op e ...`, left to right; `op` is `ops[0]` where the flag is set, else `ops[1]`.
    fn chain<'e, I>(&mut self, first: NodeId, rest: I, ops: [Make; 2]) -> NodeId
    where
        I: Iterator<Item = (bool, &'e Expr)>,
    {
        rest.fold(first, |acc, (is_first_op, e)| {
            let e = self.lower(e);
            self.node(ops[usize::from(!is_first_op)](acc, e))
        })
    }

    fn typesetter(&self, style: TimeStyle) -> Typesetter {
        Typesetter::from_parts(self.names.iter().map(|n| default_latex(n)).collect(), style)
    }

    fn text_names(&self) -> TextNames {
        TextNames::from_names(self.names.clone())
    }
}

/// A number as written: `3`, `-3`, `1.5`; not `-(-3)`, which is an operation.
fn number(e: &Expr) -> Option<Q> {
    match &e.kind {
        ExprKind::Num(q) => Some(q.clone()),
        ExprKind::Neg(x) if matches!(x.kind, ExprKind::Num(_)) => number(x).map(|q| -q),
        _ => None,
    }
}

/// `p/q` with integers `p` and `q != 0`, which `Graph::add` folds to a literal.
fn fraction(p: &Expr, q: &Expr) -> Option<Q> {
    let q = number(q).filter(|_| matches!(q.kind, ExprKind::Num(_)))?;
    let p = number(p)?;
    (p.is_integer() && q.is_integer() && !q.is_zero()).then(|| p / q)
}

fn latex_of(src: &str, style: TimeStyle) -> String {
    let mut f = Fixture::default();
    let root = f.parse(src);
    latex(&f.graph, root, &f.typesetter(style))
}

/// The text of `src`, after checking that it reads back as the same tree.
fn text_of(src: &str) -> String {
    let mut f = Fixture::default();
    let root = f.parse(src);
    let printed = text(&f.graph, root, &f.text_names());
    assert_eq!(f.parse(&printed), root, "{printed} reads back differently");
    printed
}

/// The base with step `k` in both time styles.
fn steps((base, k): (&str, i64)) -> [String; 2] {
    [Superscript, Subscript].map(|style| with_step(base, Some(k), style))
}

/// `check!(f, test_name, input => expected, ...)`: a test that `f(input)` is `expected`.
macro_rules! check {
    ($f:expr, $name:ident, $($input:expr => $want:expr),+ $(,)?) => {
        #[test]
        fn $name() {
            $(assert_eq!(($f)($input), $want, "input: {:?}", $input);)+
        }
    };
}
macro_rules! name { ($($t:tt)*) => { check!(default_latex, $($t)*); }; }
macro_rules! step { ($($t:tt)*) => { check!(steps, $($t)*); }; }
macro_rules! latex { ($($t:tt)*) => { check!(|s| latex_of(s, Superscript), $($t)*); }; }
macro_rules! latex_sub { ($($t:tt)*) => { check!(|s| latex_of(s, Subscript), $($t)*); }; }
macro_rules! text { ($($t:tt)*) => { check!(text_of, $($t)*); }; }

name!(name_digits, "w1" => "w_{1}", "x12" => "x_{12}");
name!(name_underscore, "b_h" => "b_{h}", "w_hh" => "w_{hh}", "w1_h" => "w_{1,h}");
name!(name_greek, "alpha" => r"\alpha", "sigma" => r"\sigma", "Delta" => r"\Delta");
name!(name_greek_subscripts, "beta2" => r"\beta_{2}", "w_alpha" => r"w_{\alpha}");
name!(name_hat, "yhat" => r"\hat{y}", "yhat2" => r"\hat{y}_{2}");
name!(name_accents, "xbar" => r"\bar{x}", "thetatilde" => r"\tilde{\theta}", "hdot" => r"\dot{h}");
name!(name_words, "loss" => r"\mathrm{loss}", "crowbar" => r"\mathrm{crowbar}", "_tmp" => r"\mathrm{\_tmp}");
// Two lower-case letters: a letter with a subscript, unless Greek.
name!(name_two_letters, "uf" => "u_{f}", "bo" => "b_{o}", "hf" => "h_{f}", "mu" => r"\mu", "wf2" => "w_{f,2}");
name!(name_letters, "x" => "x", "L" => "L", "J" => "J");

step!(step_on_letter, ("h", 2) => ["h^{(2)}", "h_{2}"], ("h", 0) => ["h^{(0)}", "h_{0}"], ("h", -1) => ["h^{(-1)}", "h_{-1}"]);
step!(step_merges_subscripts, ("x_{1}", 2) => ["x_{1}^{(2)}", "x_{1,2}"], ("W_1", 2) => ["W_1^{(2)}", "W_{1,2}"]);
step!(step_on_accent, (r"\hat{y}", 2) => [r"\hat{y}^{(2)}", r"\hat{y}_{2}"]);
step!(step_on_accent_subscripted, (r"\hat{y}_{2}", 3) => [r"\hat{y}_{2}^{(3)}", r"\hat{y}_{2,3}"]);
step!(step_on_superscripted, ("W^{T}", 2) => ["{W^{T}}^{(2)}", "W^{T}_{2}"]);
step!(step_on_inner_subscript, ("W_{1}^{T}", 2) => ["{W_{1}^{T}}^{(2)}", "{W_{1}^{T}}_{2}"]);

latex!(sum, "a + b" => "a + b", "(a - b) - c" => "a - b - c");
latex!(sub_brackets_a_sum_on_its_right, "a - (b - c)" => r"a - (b - c)", "a - (b + c)" => r"a - (b + c)");
latex!(add_drops_brackets_on_its_right, "a + (b + c)" => "a + b + c", "a + (b - c)" => "a + b - c");
latex!(neg, "-x" => "-x", "-(a + b)" => r"-(a + b)", "-(-x)" => r"-(-x)");
latex!(neg_of_power_and_power_of_neg, "-(x^2)" => "-x^{2}", "(-x)^2" => r"(-x)^{2}");
latex!(neg_and_product, "-(a*b)" => "-a b", "-a*b" => "-a b", "-sigmoid(z)" => r"-\sigma(z)");
latex!(sign_after_plus_or_minus, "a + (-b)" => r"a + (-b)", "a - (-b)" => r"a - (-b)");
latex!(sign_after_times, "a*(-b)" => r"a (-b)", "a*(-2)" => r"a (-2)");
latex!(signs_in_sums, "a + (-2*x)" => r"a + (-2 x)", "-2 + x" => "-2 + x");
latex!(sum_in_product, "(a + b)*c" => r"(a + b) c", "a*(b - c)" => r"a (b - c)");
latex!(juxtaposition, "v*h[2]" => "v h^{(2)}", "w1*x1[1]" => "w_{1} x_{1}^{(1)}", "2*x" => "2 x");
latex!(juxtaposition_nested, "a*(b*c)" => "a b c", "2*sqrt(x)" => r"2 \sqrt{x}", "a*(b/c)" => r"a \frac{b}{c}");
latex!(cdot_before_numbers, "2*3^x" => r"2 \cdot 3^{x}", "x*2" => r"x \cdot 2", "x*(2*y)" => r"x \cdot 2 y");
latex!(cdot_before_fractions, "1/2*(1/3)" => r"\frac{1}{2} \cdot \frac{1}{3}", "2*(1/2)" => r"2 \cdot \frac{1}{2}");
latex!(frac, "a/b" => r"\frac{a}{b}", "a/(b*c)" => r"\frac{a}{b c}", "(a + b)/c" => r"\frac{a + b}{c}");
latex!(frac_nested, "(a/b)/(c/d)" => r"\frac{\frac{a}{b}}{\frac{c}{d}}");
latex!(literals, "12" => "12", "1/2" => r"\frac{1}{2}", "-1/3" => r"-\frac{1}{3}");
latex!(literal_fractions_in_sums, "x + 1/2" => r"x + \frac{1}{2}", "x - 1/3" => r"x - \frac{1}{3}");
latex!(negative_fraction_after_plus, "x + (-1/3)" => r"x + \left(-\frac{1}{3}\right)");
latex!(pow, "x^2" => "x^{2}", "x^(-1)" => "x^{-1}", "2^x" => "2^{x}", "x1^2" => "x_{1}^{2}");
latex!(pow_exponent_needs_no_brackets, "x^(1/2)" => r"x^{\frac{1}{2}}", "x^(a + b)" => "x^{a + b}", "x^y^z" => "x^{y^{z}}");
latex!(pow_of_stepped_symbol, "h[2]^2" => r"(h^{(2)})^{2}");
latex_sub!(pow_of_stepped_symbol_subscript_style, "h[2]^2" => "h_{2}^{2}");
latex!(pow_of_call, "tanh(x)^2" => r"(\tanh(x))^{2}", "sqrt(x)^2" => r"(\sqrt{x})^{2}");
latex!(pow_of_fraction, "(1/2)^x" => r"\left(\frac{1}{2}\right)^{x}", "(a/b)^2" => r"\left(\frac{a}{b}\right)^{2}");
latex!(pow_of_compound, "(-2)^x" => r"(-2)^{x}", "(a*b)^2" => r"(a b)^{2}", "(x^2)^3" => r"(x^{2})^{3}");
latex!(builtins, "sigmoid(z)" => r"\sigma(z)", "tanh(z)" => r"\tanh(z)", "relu(z)" => r"\operatorname{ReLU}(z)");
latex!(builtins_more, "exp(z)" => r"\exp(z)", "ln(z)" => r"\ln(z)", "sqrt(z)" => r"\sqrt{z}", "step(z)" => r"\phi(z)");
latex!(builtin_aliases, "sigma(z)" => r"\sigma(z)", "log(z)" => r"\ln(z)");
latex!(output_unit, "sigmoid(v*h[2] + b_y)" => r"\sigma(v h^{(2)} + b_{y})");
latex!(names_with_steps, "yhat[2]" => r"\hat{y}^{(2)}", "x1[2]" => "x_{1}^{(2)}", "h[-1] + h[0]" => "h^{(-1)} + h^{(0)}");
latex_sub!(names_with_steps_subscript_style, "yhat[2]" => r"\hat{y}_{2}", "x1[2]" => "x_{1,2}");
latex!(greek_product, "alpha*beta2" => r"\alpha \beta_{2}");

text!(text_elman, "w1*x1[2] + u*h[1]" => "w1*x1[2] + u*h[1]");
text!(text_keeps_right_grouping, "a*(b*c)" => "a*(b*c)", "a - (b - c)" => "a - (b - c)", "a + (b + c)" => "a + (b + c)");
text!(text_drops_left_grouping, "(a*b)*c" => "a*b*c", "(a - b) - c" => "a - b - c", "(a + b)*c" => "(a + b)*c");
text!(text_neg_and_power, "-(x^2)" => "-x^2", "(-x)^2" => "(-x)^2", "-(-x)" => "-(-x)");
text!(text_neg_and_product, "-(a*b)" => "-(a*b)", "-a*b" => "-a*b", "-sqrt(x)" => "-sqrt(x)");
text!(text_negative_literals, "a + (-2)" => "a + (-2)", "a*(-2)" => "a*(-2)", "-2 + x" => "-2 + x", "-2*x" => "-2*x");
text!(text_signed_product_after_plus, "a + (-2*x)" => "a + (-2*x)");
text!(text_fractions, "1/2" => "1/2", "x + 1/2" => "x + 1/2", "1/2*a" => "1/2*a", "-1/3*x" => "-1/3*x");
text!(text_bracketed_fractions, "x^(1/2)" => "x^(1/2)", "(1/2)^x" => "(1/2)^x", "a/(1/2)" => "a/(1/2)", "a*(1/2)" => "a*(1/2)");
text!(text_neg_of_fraction, "-(1/2)" => "-(1/2)");
text!(text_powers, "x^(-1)" => "x^(-1)", "x^y^z" => "x^y^z", "(x^y)^z" => "(x^y)^z", "tanh(x)^2" => "tanh(x)^2");
text!(text_division, "a/(b*c)" => "a/(b*c)", "(a/b)/(c/d)" => "a/b/(c/d)", "a/b*c" => "a/b*c", "a*(b/c)" => "a*(b/c)");
text!(text_builtins, "sigmoid(z) + relu(w1*x1[1] + b_h)" => "sigmoid(z) + relu(w1*x1[1] + b_h)");
text!(text_aliases_and_steps, "sigma(z)*log(z)" => "sigmoid(z)*ln(z)", "h[-1] + h[0]" => "h[-1] + h[0]");

#[test]
fn a_named_root_prints_its_definition_and_named_children_their_symbol() {
    let mut f = Fixture::default();
    f.define("h", Some(1), "relu(w1*x1[1] + u*h[0] + b_h)");
    let h2 = f.define("h", Some(2), "relu(w1*x1[2] + u*h[1] + b_h)");
    let y2 = f.define("y", Some(2), "sigmoid(v*h[2] + b_y)");
    let sq = f.parse("h[2]^2");
    let (sup, sub) = (f.typesetter(Superscript), f.typesetter(Subscript));
    let names = f.text_names();
    let g = &f.graph;
    let h2_sup = r"\operatorname{ReLU}(w_{1} x_{1}^{(2)} + u h^{(1)} + b_{h})";
    let h2_sub = r"\operatorname{ReLU}(w_{1} x_{1,2} + u h_{1} + b_{h})";
    assert_eq!([latex(g, h2, &sup), latex(g, h2, &sub)], [h2_sup, h2_sub]);
    assert_eq!(latex(g, y2, &sup), r"\sigma(v h^{(2)} + b_{y})");
    assert_eq!(latex(g, sq, &sup), r"(h^{(2)})^{2}");
    assert_eq!(latex_symbol_or_expr(g, y2, &sup), "y^{(2)}");
    assert_eq!(latex_symbol_or_expr(g, y2, &sub), "y_{2}");
    assert_eq!(latex_symbol_or_expr(g, sq, &sup), latex(g, sq, &sup));
    assert_eq!(text(g, h2, &names), "relu(w1*x1[2] + u*h[1] + b_h)");
    assert_eq!(text_symbol_or_expr(g, y2, &names), "y[2]");
    assert_eq!(text_symbol_or_expr(g, sq, &names), "h[2]^2");
}

#[test]
fn a_model_gives_its_names_show_overrides_and_time_style() {
    let symbol = |name: &str, show: &str| Symbol {
        name: name.to_string(),
        span: Span::default(),
        kind: SymKind::Param { value: None },
        show: (!show.is_empty()).then(|| show.to_string()),
    };
    let mut model = Model::default();
    for (name, show) in [("yhat", ""), ("out", r"\hat{o}"), ("W", "W^{T}")] {
        model.symbols.push(symbol(name, show));
    }
    let at = |i: u32, step: Option<i64>| Sym { id: SymId(i), step };
    let sup = Typesetter::new(&model);
    assert_eq!(sup.base(SymId(0)), r"\hat{y}");
    assert_eq!(sup.symbol(at(1, Some(2))), r"\hat{o}^{(2)}");
    assert_eq!(sup.symbol(at(2, Some(2))), "{W^{T}}^{(2)}");
    assert_eq!(sup.symbol(at(2, None)), "W^{T}");
    model.time_style = Subscript;
    let sub = Typesetter::new(&model);
    assert_eq!(sub.symbol(at(1, Some(2))), r"\hat{o}_{2}");
    assert_eq!(plain(&model, at(0, Some(2))), "yhat[2]");
    assert_eq!(TextNames::new(&model).symbol(at(1, None)), "out");

    let mut g = Graph::new();
    let out2 = g.intern(Node::Leaf(at(1, Some(2)))).unwrap();
    let two = g.intern(Node::lit(Q::int(2))).unwrap();
    let squared = g.intern(Node::Pow(out2, two)).unwrap();
    assert_eq!(latex(&g, squared, &sup), r"(\hat{o}^{(2)})^{2}");
    assert_eq!(latex(&g, squared, &sub), r"\hat{o}_{2}^{2}");
}

#[test]
fn a_200000_term_expression_prints_on_a_256_kib_stack() {
    const N: usize = 200_000;
    let small_stack = std::thread::Builder::new().stack_size(256 * 1024);
    let worker = small_stack.spawn(|| {
        let mut f = Fixture::default();
        let (x, y) = (f.leaf("x", None), f.leaf("y", None));
        let (mut left, mut right) = (x, x);
        for _ in 0..N {
            left = f.node(Node::Add(left, y));
            right = f.node(Node::Sub(y, right));
        }
        let (ts, names) = (f.typesetter(Superscript), f.text_names());
        let sum = latex(&f.graph, left, &ts);
        assert_eq!(sum.len(), 1 + 4 * N);
        assert!(sum.starts_with("x + y + y"));
        assert_eq!(text(&f.graph, left, &names), sum);
        // Plain brackets: nothing in them is tall.
        let nested = latex(&f.graph, right, &ts);
        assert!(nested.starts_with("y - (y - (y"));
        let inner = nested.trim_end_matches(')');
        assert!(inner.ends_with("(y - x"));
        assert_eq!(nested.matches('(').count(), N - 1);
        let nested = text(&f.graph, right, &names);
        assert!(nested.starts_with("y - (y - (y"));
        assert!(nested.trim_end_matches(')').ends_with("(y - x"));
        assert_eq!(nested.matches('(').count(), N - 1);
    });
    let finished = worker.unwrap().join();
    assert!(finished.is_ok(), "printing overflowed a small stack");
}

/// The operands a random program starts from: symbols with and without
/// steps, and literals of every sign and shape.
const SEEDS: &str = "x w1 b_h[2] yhat[-1] h[0] 0 2 -3 1/2 -2/3";

/// A random expression as a program: step `[op, i, j]` applies operation
/// `op % 7` to one of the last three results and to any earlier result `j`
/// (in the other order when `op >= 7`), so subexpressions can be shared.
fn program() -> impl Strategy<Value = Vec<[usize; 3]>> {
    proptest::collection::vec([0..14usize, 0..3usize, 0..64usize], 1..14)
}

impl Fixture {
    /// Runs `program` with literals as `Graph::add` leaves them: the graph
    /// never holds `-(2)` or `2/3` as operations on literals, which text
    /// prints the same as the literals -2 and 2/3.
    fn build(&mut self, program: &[[usize; 3]]) -> NodeId {
        let mut done: Vec<NodeId> = SEEDS.split(' ').map(|s| self.parse(s)).collect();
        let int = |g: &Graph, id| g.literal(id).filter(|q| q.is_integer()).cloned();
        for &[op, i, j] in program {
            let (a, b) = (done[done.len() - 1 - i], done[j % done.len()]);
            let (a, b) = if op < 7 { (a, b) } else { (b, a) };
            let node = match (op % 7, int(&self.graph, a), int(&self.graph, b)) {
                (0, Some(q), _) if !q.is_negative() => Node::lit(-q),
                (0, ..) => Node::Neg(a),
                (1, ..) => Node::Call(Builtin::ALL[j % Builtin::ALL.len()], a),
                (2, ..) => Node::Add(a, b),
                (3, ..) => Node::Sub(a, b),
                (4, ..) => Node::Mul(a, b),
                (5, Some(p), Some(q)) if q.is_positive() => Node::lit(p / q),
                (5, ..) => Node::Div(a, b),
                _ => Node::Pow(a, b),
            };
            done.push(self.node(node));
        }
        done[done.len() - 1]
    }
}

/// True when every `(` and `{` is closed, in order.
fn balanced(s: &str) -> bool {
    let mut open = Vec::new();
    for c in s.chars() {
        match c {
            '(' | '{' => open.push(c),
            ')' if open.pop() != Some('(') => return false,
            '}' if open.pop() != Some('{') => return false,
            _ => {}
        }
    }
    open.is_empty()
}

proptest! {
    #[test]
    fn random_expressions_read_back_and_balance(program in program(), sub in any::<bool>()) {
        let mut f = Fixture::default();
        let root = f.build(&program);
        let printed = text(&f.graph, root, &f.text_names());
        for sign_after_operator in ["+ -", "- -", "*-", "/-", "^-", "--"] {
            prop_assert!(!printed.contains(sign_after_operator), "{}", printed);
        }
        let again = f.parse(&printed);
        prop_assert_eq!(again, root, "printed as {}", printed);

        let printed = latex(&f.graph, root, &f.typesetter(if sub { Subscript } else { Superscript }));
        prop_assert!(balanced(&printed), "{}", printed);
        // `\left(` only around something tall, and always closed.
        let lefts = printed.matches(r"\left(").count();
        prop_assert_eq!(lefts, printed.matches(r"\right)").count());
        prop_assert!(lefts == 0 || printed.contains(r"\frac"), "{}", printed);
        for sign_after_operator in ["+ -", "- -", r"\cdot -", "--"] {
            prop_assert!(!printed.contains(sign_after_operator), "{}", printed);
        }
    }
}
