//! Vector and matrix expressions (the model's own syntax, before
//! lowering) in LaTeX as a textbook writes them: bold vectors and matrices
//! (`\boldsymbol{h}^{(t)}`), `^{\top}`, `\odot`, `\operatorname{diag}`,
//! `\operatorname{softmax}` (LANGUAGE.md §4). Products keep their order:
//! a matrix product does not commute.

use super::names::{default_latex, with_step_text};
use crate::model::Model;
use crate::syntax::ast::{AddOp, Expr, ExprKind, MulOp};
use crate::vocab::Builtin;

/// The base of a vector or matrix name: bold, with a subscript of the
/// name kept upright weight (`W_f` → `\boldsymbol{W}_{f}`); `show` wins.
pub fn tensor_base(model: &Model, name: &str) -> String {
    if let Some(s) = model.tensors.shows.get(name) {
        return s.clone();
    }
    let plain = default_latex(name);
    match plain.find("_{") {
        Some(at) => format!("\\boldsymbol{{{}}}{}", &plain[..at], &plain[at..]),
        None => format!("\\boldsymbol{{{plain}}}"),
    }
}

/// The base of any name of the model: bold when it is a vector or matrix.
fn base(model: &Model, name: &str) -> String {
    if model.tensors.get(name).is_some() {
        return tensor_base(model, name);
    }
    match model.lookup(name) {
        Some(id) => model.symbol(id).show.clone().unwrap_or_else(|| default_latex(name)),
        None => default_latex(name),
    }
}

/// A tensor name at a step written as text (`t-1`, `3`).
pub fn named_at(model: &Model, name: &str, step: Option<&str>) -> String {
    with_step_text(&base(model, name), step, model.time_style)
}

/// `e` in LaTeX.
pub fn tensor_latex(model: &Model, e: &Expr) -> String {
    Printer { model, of: None }.expr(e).0
}

/// [`tensor_latex`] where a name `∇h` stands for the adjoint of `h`
/// (`∇h[3]` is `\nabla_{\boldsymbol{h}^{(3)}} L`), `of` being `L` typeset.
pub fn adjoint_latex(model: &Model, e: &Expr, of: &str) -> String {
    Printer { model, of: Some(of) }.expr(e).0
}

/// `\nabla_{x} L` for the adjoint of `x` (typeset) of `of`.
pub fn nabla(x: &str, of: &str) -> String {
    format!("\\nabla_{{{x}}} {of}")
}

/// Binding strength: sums 1, products 2, powers 3, atoms 4.
type Out = (String, u8);

struct Printer<'a> {
    model: &'a Model,
    /// The differentiated quantity, typeset, for adjoint names `∇h`.
    of: Option<&'a str>,
}

fn wrap(o: Out, min: u8) -> String {
    if o.1 < min {
        format!("\\left({}\\right)", o.0)
    } else {
        o.0
    }
}

impl Printer<'_> {
    /// A step index as text: `t`, `t-1`, `3`.
    fn step(&self, e: &Expr) -> String {
        step_text(e)
    }

    fn name(&self, name: &str, step: Option<&str>) -> String {
        match (name.strip_prefix('∇'), self.of) {
            (Some(x), Some(of)) => nabla(&named_at(self.model, x, step), of),
            _ => named_at(self.model, name, step),
        }
    }

    /// An adjoint name `∇h[t]` printed as `\nabla_{h^{(t)}} L`.
    fn is_adjoint(&self, e: &Expr) -> bool {
        self.of.is_some() && matches!(&e.kind, ExprKind::Name(id) | ExprKind::Index(id, _) if id.name.starts_with('∇'))
    }

    fn expr(&self, e: &Expr) -> Out {
        match &e.kind {
            ExprKind::Num(q) => {
                let s = super::latex::latex_rational(q);
                let level = if q.is_integer() && !s.starts_with('-') { 4 } else { 2 };
                (s, level)
            }
            ExprKind::Name(id) => (self.name(&id.name, None), 4),
            ExprKind::Index(id, k) => (self.name(&id.name, Some(&self.step(k))), 4),
            ExprKind::Entry(b, idx) => {
                let inner = wrap(self.expr(b), 4);
                let idx: Vec<String> = idx.iter().map(|i| self.step(i)).collect();
                (format!("\\left[{inner}\\right]_{{{}}}", idx.join(",")), 4)
            }
            ExprKind::Transpose(a) => (format!("{}^{{\\top}}", sup_base(wrap(self.expr(a), 4))), 4),
            ExprKind::List(items) => {
                let rows: Vec<String> = items
                    .iter()
                    .map(|r| match &r.kind {
                        ExprKind::List(cells) => cells.iter().map(|c| self.expr(c).0).collect::<Vec<_>>().join(" & "),
                        _ => self.expr(r).0,
                    })
                    .collect();
                (
                    format!("\\begin{{bmatrix}} {} \\end{{bmatrix}}", rows.join(" \\\\ ")),
                    4,
                )
            }
            // `-\sum …` needs no brackets.
            ExprKind::Neg(a) if matches!(a.kind, ExprKind::Sum { .. }) => (format!("-{}", self.expr(a).0), 1),
            ExprKind::Neg(a) => (format!("-{}", wrap(self.expr(a), 2)), 1),
            ExprKind::AddChain(first, rest) => {
                let mut s = self.expr(first).0;
                for (op, x) in rest {
                    let o = self.expr(x);
                    let body = if o.0.starts_with('-') {
                        format!("\\left({}\\right)", o.0)
                    } else {
                        o.0
                    };
                    let body = if o.1 < 1 {
                        format!("\\left({body}\\right)")
                    } else {
                        body
                    };
                    s.push_str(if *op == AddOp::Add { " + " } else { " - " });
                    s.push_str(&body);
                }
                (s, 1)
            }
            ExprKind::MulChain(first, rest) => {
                // An adjoint followed by another factor is bracketed, as
                // textbooks write `(\nabla_{h} L) x^{\top}`.
                let factor = |e: &Expr, followed: bool, min: u8| {
                    let out = wrap(self.expr(e), min);
                    if followed && self.is_adjoint(e) {
                        format!("\\left({out}\\right)")
                    } else {
                        out
                    }
                };
                let followed = |k: usize| rest.get(k).is_some_and(|(op, _)| *op == MulOp::Mul);
                let mut s = factor(first, followed(0), 2);
                let mut odot = false;
                for (k, (op, x)) in rest.iter().enumerate() {
                    match op {
                        // `(a ⊙ b) c`: a product after ⊙ takes the whole left side.
                        MulOp::Mul if odot => {
                            s = format!("\\left({s}\\right) {}", factor(x, followed(k + 1), 3));
                            odot = false;
                        }
                        MulOp::Mul => {
                            s.push(' ');
                            s.push_str(&factor(x, followed(k + 1), 3));
                        }
                        MulOp::Hadamard => {
                            odot = true;
                            s.push_str(" \\odot ");
                            s.push_str(&wrap(self.expr(x), 3));
                        }
                        MulOp::Div => {
                            s = format!("\\frac{{{s}}}{{{}}}", self.expr(x).0);
                        }
                    }
                }
                (s, 2)
            }
            ExprKind::Pow(a, b) => (format!("{}^{{{}}}", sup_base(wrap(self.expr(a), 4)), self.expr(b).0), 3),
            ExprKind::Sum { var, lo, hi, body } => (
                format!(
                    "\\sum_{{{}={}}}^{{{}}} {}",
                    var.name,
                    self.expr(lo).0,
                    self.expr(hi).0,
                    wrap(self.expr(body), 2)
                ),
                1,
            ),
            ExprKind::Call(id, args) => self.call(&id.name, args),
        }
    }

    fn call(&self, name: &str, args: &[Expr]) -> Out {
        let arg = |i: usize| self.expr(&args[i]).0;
        let one = args.len() == 1;
        match (name, args.len()) {
            ("dot", 2) => (
                format!(
                    "{}^{{\\top}} {}",
                    sup_base(wrap(self.expr(&args[0]), 4)),
                    wrap(self.expr(&args[1]), 3)
                ),
                2,
            ),
            ("outer", 2) => (
                format!(
                    "{} {}^{{\\top}}",
                    wrap(self.expr(&args[0]), 3),
                    sup_base(wrap(self.expr(&args[1]), 4))
                ),
                2,
            ),
            ("diag", 1) => (format!("\\operatorname{{diag}}\\left({}\\right)", arg(0)), 4),
            ("softmax", 1) => (format!("\\operatorname{{softmax}}\\left({}\\right)", arg(0)), 4),
            ("sum", 1) => (format!("\\mathbf{{1}}^{{\\top}} {}", wrap(self.expr(&args[0]), 3)), 2),
            ("zeros", _) => ("\\mathbf{0}".into(), 4),
            ("ones", _) => ("\\mathbf{1}".into(), 4),
            _ if one && Builtin::from_name(name).is_some() => {
                let b = Builtin::from_name(name).expect("checked");
                let f = match b {
                    Builtin::Sigmoid => "\\sigma",
                    Builtin::Tanh => "\\tanh",
                    Builtin::Relu => "\\operatorname{ReLU}",
                    Builtin::Exp => "\\exp",
                    Builtin::Ln => "\\ln",
                    Builtin::Sqrt => return (format!("\\sqrt{{{}}}", arg(0)), 4),
                    Builtin::Step => "\\phi",
                };
                (format!("{f}\\left({}\\right)", arg(0)), 4)
            }
            _ => {
                let all: Vec<String> = (0..args.len()).map(arg).collect();
                (
                    format!("{}\\left({}\\right)", base(self.model, name), all.join(", ")),
                    4,
                )
            }
        }
    }
}

/// A base for a superscript: grouped when it has one already
/// (`{\boldsymbol{h}^{(t)}}^{\top}`), which LaTeX would reject.
fn sup_base(s: String) -> String {
    if super::names::has_superscript(&s) {
        format!("{{{s}}}")
    } else {
        s
    }
}

/// A step index as the model writes it: `t`, `t-1`, `3`, `T`.
pub fn step_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Num(q) => q.to_string(),
        ExprKind::Name(id) => id.name.clone(),
        ExprKind::Neg(a) => format!("-{}", step_text(a)),
        ExprKind::AddChain(first, rest) => {
            let mut s = step_text(first);
            for (op, x) in rest {
                s.push(if *op == AddOp::Add { '+' } else { '-' });
                s.push_str(&step_text(x));
            }
            s
        }
        ExprKind::MulChain(first, rest) => {
            let mut s = step_text(first);
            for (op, x) in rest {
                s.push_str(match op {
                    MulOp::Div => "/",
                    _ => "",
                });
                s.push_str(&step_text(x));
            }
            s
        }
        _ => "?".into(),
    }
}
