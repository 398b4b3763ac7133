//! One-line simplifier cases: `simplify!("input" => "expected")`, both in
//! model syntax. Symbols are parameters `a b c u v x y`. Atoms are written
//! in the reverse of the order the expression first meets them (the order
//! of a walk back from the loss), terms likewise, constants last; a
//! person would write these forms by hand.

use chainrule::graph::{Node, UnrollOptions, Unroller};
use chainrule::notation::text::{text_symbol_or_expr, TextNames};
use chainrule::query::{load, parse_query};
use chainrule::simplify::{canonical, present::present, Depth, Factored};

fn simplified(src: &str) -> String {
    let model = load("param a, b, c, u, v, x, y\n", &[]).expect("model");
    let mut un = Unroller::new(&model, UnrollOptions::default());
    let e = parse_query(src, &model).expect("expression");
    let root = un.expr(&e).expect("unrolls");
    let mut g = un.into_graph();
    let root = match g.node(root) {
        Node::Named(_, d) => *d,
        _ => root,
    };
    let poly = canonical(&g, root, Depth::StopAtNames);
    let names = TextNames::new(&model);
    let id = present(&mut g, &Factored::from_poly(&poly)).expect("small");
    text_symbol_or_expr(&g, id, &names)
}

macro_rules! simplify {
    ($input:expr => $want:expr) => {
        assert_eq!(simplified($input), $want, "simplify!({:?})", $input)
    };
}

#[test]
fn cancels_and_collects() {
    simplify!("1/y * y*(1-y)" => "1 - y");
    simplify!("x + x" => "2*x");
    simplify!("x - x" => "0");
    simplify!("x*x*x/x" => "x^2");
    simplify!("2*a/4" => "a/2");
    simplify!("(a + b) - (b + a)" => "0");
    simplify!("-(-x)" => "x");
    simplify!("3*(x + 1) - 3" => "3*x");
}

#[test]
fn orders_terms_the_way_they_are_met() {
    // Atoms met later come first.
    simplify!("a + x + y" => "y + x + a");
    simplify!("y + x + a" => "a + x + y");
    simplify!("1 + y" => "y + 1");
    simplify!("1 - y" => "1 - y");
    simplify!("-y - 1" => "-y - 1");
}

#[test]
fn factors_out_what_terms_share() {
    // The course's path through x1[2], with its factors in the order the
    // network meets them: x, then v, then the output y and the loss.
    simplify!("x * v * (y*(1 - y)) * -(1/y)" => "(y - 1)*v*x");
    simplify!("x*v*y - x*v" => "(y - 1)*v*x");
    // Coefficient, then sum factors, then the monomial.
    simplify!("2*a*x + 4*a*y" => "2*(2*y + x)*a");
    simplify!("a*b + a*c" => "(c + b)*a");
}

/// The sum of separately simplified terms, as a derivation adds its paths.
fn sum_of(terms: &[&str]) -> String {
    let model = load("param a, b, c, u, v, x, y\n", &[]).expect("model");
    let mut un = Unroller::new(&model, UnrollOptions::default());
    let roots: Vec<_> = terms
        .iter()
        .map(|t| un.expr(&parse_query(t, &model).unwrap()).unwrap())
        .collect();
    let mut g = un.into_graph();
    let parts: Vec<Factored> = roots
        .iter()
        .map(|&r| Factored::from_poly(&canonical(&g, r, Depth::StopAtNames)))
        .collect();
    let names = TextNames::new(&model);
    let id = present(&mut g, &Factored::sum(&parts).expect("small")).expect("small");
    text_symbol_or_expr(&g, id, &names)
}

#[test]
fn a_sum_of_paths_keeps_their_common_factors() {
    // The course's total: both elman paths share (y - 1) and v.
    assert_eq!(sum_of(&["(y - 1)*v*x", "(y - 1)*v*u*c"]), "(y - 1)*(c*u + x)*v");
    assert_eq!(sum_of(&["2*a", "4*a", "-6*a"]), "0");
    assert_eq!(sum_of(&["a*b", "a*c"]), "(c + b)*a");
}

#[test]
fn chooses_the_shorter_form() {
    // Expanded is shorter than -(y - 1).
    simplify!("y*(1 - y)/y" => "1 - y");
    simplify!("x*x + x" => "(x + 1)*x");
    // Powers of sums are multiplied out: the canonical form has no
    // polynomial factorisation, only common factors.
    simplify!("(x + 1)^2" => "x^2 + 2*x + 1");
    // A negative coefficient is absorbed into the sum factor.
    simplify!("y - y^2" => "(1 - y)*y");
}

#[test]
fn powers_and_quotients() {
    simplify!("x^2 * x^-3" => "1/x");
    simplify!("(a*x)^2" => "x^2*a^2");
    // A divisor with several terms stays as written.
    simplify!("a / (x + y)" => "a/(x + y)");
}
