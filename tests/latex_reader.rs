//! `check::latex::read_math`: every construct a student writes, the lines
//! `chainrule derive` emits, spans, limits and labels.

use chainrule::check::latex::read_math;
use chainrule::check::math::*;

/// A compact S-expression of a tree, so expectations fit on one line.
fn sx(m: &Math) -> String {
    match &m.kind {
        MathKind::Number(n) => n.clone(),
        MathKind::Symbol(s) => sym(s),
        MathKind::Apply(s, args) => {
            format!(
                "(apply {} {})",
                sym(s),
                args.iter().map(sx).collect::<Vec<_>>().join(" ")
            )
        }
        MathKind::Func(f, a) => format!("({f:?} {})", sx(a)),
        MathKind::Neg(a) => format!("(- {})", sx(a)),
        MathKind::Sum(ts) => format!(
            "(+ {})",
            ts.iter()
                .map(|(n, t)| if *n { format!("-{}", sx(t)) } else { sx(t) })
                .collect::<Vec<_>>()
                .join(" ")
        ),
        MathKind::Product(fs) => format!(
            "(* {})",
            fs.iter()
                .map(|(d, t)| if *d { format!("/{}", sx(t)) } else { sx(t) })
                .collect::<Vec<_>>()
                .join(" ")
        ),
        MathKind::Frac(a, b) => format!("(frac {} {})", sx(a), sx(b)),
        MathKind::Pow(a, b) => format!("(^ {} {})", sx(a), sx(b)),
        MathKind::Group(a) => format!("[{}]", sx(a)),
        MathKind::Derivative { of, wrt } => format!("(d {} {})", sx(of), sx(wrt)),
        MathKind::Big { op, var, lo, hi, body } => format!("({op:?} {var} {} {} {})", sx(lo), sx(hi), sx(body)),
    }
}

fn sym(s: &Symbol) -> String {
    let mut out = s.base.clone();
    if let Some(sub) = &s.sub {
        out += &format!("_{{{}}}", sub.text);
    }
    if let Some(sup) = &s.sup {
        out += &format!("^{{{}}}", sup.text);
    }
    out
}

fn chains(text: &str) -> Vec<Chain> {
    read_math(text)
        .into_iter()
        .map(|l| match l {
            Line::Chain(c) => c,
            Line::Unparsed { span, message } => panic!("{text:?}: unparsed {span:?}: {message}"),
        })
        .collect()
}

/// The one line of `text`, members joined by `=` or `~`.
fn one(text: &str) -> String {
    let cs = chains(text);
    assert_eq!(cs.len(), 1, "{text:?}: {cs:?}");
    line_str(&cs[0])
}

fn line_str(c: &Chain) -> String {
    let mut out = sx(&c.members[0]);
    for (m, (r, _)) in c.members[1..].iter().zip(&c.relations) {
        out += if *r == Relation::Eq { " = " } else { " ~ " };
        out += &sx(m);
    }
    out
}

fn unparsed(text: &str) -> String {
    let lines = read_math(text);
    assert_eq!(lines.len(), 1, "{text:?}: {lines:?}");
    match &lines[0] {
        Line::Unparsed { message, .. } => message.clone(),
        other => panic!("{text:?} was read: {other:?}"),
    }
}

#[test]
fn debug_print() {
    for t in [
        r"h^{(1)} = w_1 x_1^{(1)} + w_2 x_2^{(1)} + u h^{(0)} + b_h = \frac{1}{2} \cdot 2 + 0 + 2 \cdot \frac{1}{5} + \frac{1}{4} = 1.65",
    ] {
        println!("{}", one(t));
    }
}
