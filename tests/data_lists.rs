//! Data lists (`input x = [2, -1, 0.5]`) are read by a fast path when they
//! hold plain signed numbers only (`plain_list` in grammar/model.pest). It
//! gives each element as one number (`Num`) with the value and span of
//! the element the general path builds (`-13/100` is a quotient of a
//! negated number there).

use chainrule::number::Q;
use chainrule::syntax::ast::{Expr, ExprKind, MulOp, StmtKind};
use chainrule::syntax::parse;
use proptest::prelude::*;

/// The value of an element as the general path builds it: a number, a
/// negation, or a quotient of those; `None` for a division by zero.
fn value(e: &Expr) -> Option<Q> {
    match &e.kind {
        ExprKind::Num(q) => Some(q.clone()),
        ExprKind::Neg(a) => Some(-value(a)?),
        ExprKind::MulChain(first, rest) => {
            let mut acc = value(first)?;
            for (op, x) in rest {
                let v = value(x)?;
                acc = match op {
                    MulOp::Div => acc.checked_div(&v)?,
                    _ => &acc * &v,
                };
            }
            Some(acc)
        }
        other => panic!("not a data element: {other:?}"),
    }
}

/// The elements of the first `input` statement's list.
fn elements(src: &str) -> Vec<Expr> {
    let file = parse(src).expect("parses");
    for s in file.stmts {
        if let StmtKind::Input(decls) = s.kind {
            return decls.into_iter().next().and_then(|d| d.value).expect("a list");
        }
    }
    panic!("no input statement in {src}");
}

fn unsigned() -> impl Strategy<Value = String> {
    (0u64..100_000, prop::option::of(0u32..1000))
        .prop_map(|(int, frac)| format!("{int}{}", frac.map(|f| format!(".{f}")).unwrap_or_default()))
}

/// `-2.5`, `7`, `-13/100`, `1.5/3`: what the fast path takes.
fn number() -> impl Strategy<Value = String> {
    (any::<bool>(), unsigned(), prop::option::of(unsigned())).prop_map(|(neg, n, d)| {
        format!(
            "{}{n}{}",
            if neg { "-" } else { "" },
            d.map(|d| format!("/{d}")).unwrap_or_default()
        )
    })
}

fn space() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", " ", "  ", "\t", "\n    "]).prop_map(str::to_string)
}

proptest! {
    #[test]
    fn plain_lists_build_what_the_general_path_builds(
        items in prop::collection::vec((space(), number(), space()), 0..12)
    ) {
        let rest: String = items.iter().map(|(a, n, b)| format!(",{a}{n}{b}")).collect();
        // `  0` goes through the fast path; `(0)`, three bytes too, forces the
        // general path for the whole list and leaves every later span as it was.
        let plain = elements(&format!("input x = [  0{rest}]\n"));
        let general = elements(&format!("input x = [(0){rest}]\n"));
        prop_assert_eq!(plain.len(), items.len() + 1);
        let values: Vec<Option<Q>> = general[1..].iter().map(value).collect();
        if values.iter().any(Option::is_none) {
            // a zero denominator: the general path reads the whole list,
            // and resolution reports the division
            prop_assert_eq!(&plain[1..], &general[1..]);
        } else {
            for ((p, g), v) in plain[1..].iter().zip(&general[1..]).zip(values) {
                prop_assert_eq!(p.span, g.span);
                prop_assert_eq!(&p.kind, &ExprKind::Num(v.unwrap()));
            }
        }
    }
}

#[test]
fn a_plain_list_has_exact_values_and_spans() {
    let src = "input x = [2, -1.5,\n  0.5 ]\n";
    let got = elements(src);
    assert_eq!(got.len(), 3);
    assert_eq!(&src[got[0].span.start..got[0].span.end], "2");
    assert_eq!(&src[got[1].span.start..got[1].span.end], "-1.5");
    assert_eq!(got[1].kind, ExprKind::Num(Q::ratio(-3, 2)));
    assert_eq!(&src[got[2].span.start..got[2].span.end], "0.5");
}

#[test]
fn empty_and_broken_lists() {
    assert!(elements("input x = []\n").is_empty());
    assert!(elements("input x = [ ]\n").is_empty());
    let err = parse("input x = [1, 2,, 3]\n").unwrap_err().to_string();
    assert!(err.contains("expected"), "{err}");
    assert!(parse("input x = [1, 2, 3\n").is_err());
}

proptest! {
    // A bracket-free list with an expression among the numbers goes through
    // the fast rule, is re-read by the general one, and must come out as if
    // the general rule had read it in place (spans moved into the file).
    #[test]
    fn mixed_lists_are_reread_in_place(
        items in prop::collection::vec((space(), number(), space()), 0..8),
        pos in 0usize..8,
    ) {
        let mut parts: Vec<String> = items.iter().map(|(a, n, b)| format!("{a}{n}{b}")).collect();
        let at = pos.min(parts.len());
        parts.insert(at, " 2*w - 1 ".to_string());
        let list = parts.join(",");
        // `(0)` first forces the general rule for the whole list; `  0`
        // (three bytes too) lets the fast rule try, fail over `2*w`, re-read.
        let fast = elements(&format!("param w = 1\ninput x = [  0,{list}]\n"));
        let general = elements(&format!("param w = 1\ninput x = [(0),{list}]\n"));
        prop_assert_eq!(&fast[1..], &general[1..]);
    }
}

#[test]
fn errors_in_reread_lists_point_into_the_file() {
    let src = "param w = 1\ninput x = [  1, 2 w, 3]\n";
    let fast = parse(src).unwrap_err();
    let general = parse("param w = 1\ninput x = [(1), 2 w, 3]\n").unwrap_err();
    assert_eq!(fast.to_string(), general.to_string());
    let span = |e: &chainrule::syntax::ParseError| match e {
        chainrule::syntax::ParseError::Syntax { span, .. } => *span,
        other => panic!("{other:?}"),
    };
    assert_eq!(span(&fast), span(&general));
    assert_eq!(&src[span(&fast).start..span(&fast).start + 1], "w");
}

#[test]
fn a_list_of_fractions_takes_the_fast_path_with_general_spans() {
    let src = "input x = [-13/100, 1/3]\n";
    let got = elements(src);
    assert_eq!(&src[got[0].span.start..got[0].span.end], "-13/100");
    assert_eq!(got[0].kind, ExprKind::Num(Q::ratio(-13, 100)));
    assert_eq!(&src[got[1].span.start..got[1].span.end], "1/3");
    assert_eq!(got[1].kind, ExprKind::Num(Q::ratio(1, 3)));
    // a zero denominator leaves the list to the general rule, so that
    // resolution can point at the division
    let src = "input x = [-13/100, 1/0]\n";
    let got = elements(src);
    assert!(matches!(&got[0].kind, ExprKind::MulChain(..)), "{:?}", got[0]);
    let err = chainrule::load(src, &[]).unwrap_err().to_string();
    assert!(err.contains("zero"), "{err}");
}

#[test]
fn a_no_break_space_is_refused_on_both_paths() {
    // The general rule's blanks are space, tab and the line ends; the fast
    // path must not accept more (`str::trim` took U+00A0).
    assert!(parse("input x = [0,\u{a0}1/2]\n").is_err());
    assert!(parse("input x = [0,\u{a0}1]\n").is_err());
    assert!(parse("input x = [\u{a0}]\n").is_err());
}
