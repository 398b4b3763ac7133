//! The LaTeX math a student writes, as a tree: the contract between the
//! reader (`check::latex`, grammar/latex.pest) and the checker, which
//! resolves symbols through the model.
//!
//! Spans are byte ranges into the math text handed to the reader (the
//! content between `$…$`, say); the document front end adds the segment's
//! offset in the file.

use crate::syntax::Span;

/// One line of display math (lines are split at `\\`), or one inline formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    /// `a = b \approx c`: members joined by relations. `relations.len() + 1
    /// == members.len()`. A line with no relation is a chain of one member.
    Chain(Chain),
    /// Text that could not be read as math; the span covers it all.
    Unparsed { span: Span, message: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub members: Vec<Math>,
    pub relations: Vec<(Relation, Span)>,
    /// The whole line without leading labels and decorations.
    pub span: Span,
    /// `, 1 \le t \le T - 1` after the chain: the steps it speaks of.
    pub range: Option<Box<StepRange>>,
}

/// The steps a general statement is about: `lo ≤ var ≤ hi` (either bound
/// may be missing: `t \ge 1`). Strict bounds are moved by one.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRange {
    pub var: String,
    /// The bound and whether it is strict (`<`).
    pub lo: Option<(Math, bool)>,
    pub hi: Option<(Math, bool)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// `=`, `&=`
    Eq,
    /// `\approx`, `\simeq`, `\doteq`
    Approx,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Math {
    pub kind: MathKind,
    pub span: Span,
}

impl Math {
    /// The formulas directly inside this one, left to right (scripts of a
    /// symbol are not among them: they are text with a tree of their own).
    pub fn children(&self) -> Vec<&Math> {
        match &self.kind {
            MathKind::Number(_) | MathKind::Symbol(_) => Vec::new(),
            MathKind::Apply(_, args) => args.iter().collect(),
            MathKind::Func(_, x) | MathKind::Neg(x) | MathKind::Group(x) | MathKind::Prime(x) => vec![x],
            MathKind::Sum(xs) | MathKind::Product(xs) => xs.iter().map(|(_, x)| x).collect(),
            MathKind::Frac(x, y) | MathKind::Pow(x, y) => vec![x, y],
            MathKind::Derivative { of, wrt } => vec![of, wrt],
            MathKind::Big { lo, hi, body, .. } => vec![lo, hi, body],
        }
    }

    /// Every formula in this one, itself first, in reading order (left to
    /// right, outside in), walked with an explicit stack: a student's
    /// formula may nest deeper than the call stack allows.
    pub fn preorder(&self) -> impl Iterator<Item = &Math> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let m = stack.pop()?;
            stack.extend(m.children().into_iter().rev());
            Some(m)
        })
    }
}

/// A sub- or superscript, kept both as normalized text (no spaces, outer
/// braces dropped: `{(2)}` → `(2)`, `{hh}` → `hh`, `{t-1}` → `t-1`) and, when
/// it reads as math, as a tree (`t-1`, `2`, `(2)` as a parenthesized 2).
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub text: String,
    pub math: Option<Box<Math>>,
    pub span: Span,
}

/// A name as written: a base with optional scripts. The base is normalized:
/// a letter (`h`), a Greek command (`\alpha`), an accent over a base
/// (`\hat{y}`, also written `\hat y`), or an upright name (`\mathrm{loss}`,
/// `\text{loss}`, `\operatorname{loss}` all give `\mathrm{loss}`).
/// `x_1^{(2)}` and `x^{(2)}_1` give the same Symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub base: String,
    pub sub: Option<Script>,
    pub sup: Option<Script>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Sigma,
    Tanh,
    Ln,
    /// `\log`: read as natural log; the checker warns.
    Log,
    Exp,
    Relu,
    Sqrt,
    /// `\mathbb{1}[a > b]`: the unit step of `a − b` (relu′).
    Step,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BigOp {
    Sum,
    Prod,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MathKind {
    /// Digits with an optional decimal point, as written: `1.65`, `12`,
    /// `.5`, or in scientific notation `1.49e-63` (also what `1.49 \times
    /// 10^{-63}` and `1.49 \cdot 10^{-63}` read as). A leading minus is a
    /// `Neg`.
    Number(String),
    Symbol(Symbol),
    /// A symbol directly followed by a parenthesized argument list: `L(y)`,
    /// `f(a, b)`. Either a call or a product; the checker decides.
    Apply(Symbol, Vec<Math>),
    /// A known function: `\sigma(x)`, `\tanh x`, `\operatorname{ReLU}(z)`,
    /// `\exp(x)`, `\sqrt{x}`. `e^{x}` stays a `Pow` of the symbol `e`.
    Func(Func, Box<Math>),
    Neg(Box<Math>),
    /// `a + b - c`: each term with `true` when subtracted.
    Sum(Vec<(bool, Math)>),
    /// `a b`, `a \cdot b`, `a \times b`, `a * b`, `a / b`: each factor with
    /// `true` when it divides.
    Product(Vec<(bool, Math)>),
    Frac(Box<Math>, Box<Math>),
    /// `a^b` where `a` is not a bare symbol (a symbol keeps its superscript
    /// in `Symbol::sup`), e.g. `(1 - y)^2`.
    Pow(Box<Math>, Box<Math>),
    /// `(a)`, `[a]`, `\left( a \right)`, `\big( a \big)`, `{a}`: kept so the
    /// checker can tell `(2)` from `2` in a superscript.
    Group(Box<Math>),
    /// `\frac{\partial A}{\partial B}`, `\partial A / \partial B`,
    /// `\frac{d A}{d B}`.
    Derivative {
        of: Box<Math>,
        wrt: Box<Math>,
    },
    /// `\ell'(z)`, `\sigma'(z)`, `\tanh'(z)`: the derivative of the function
    /// applied inside (an `Apply` or a `Func`) at its argument.
    Prime(Box<Math>),
    /// `\sum_{i=1}^{n} body`, `\prod_{…}^{…} body`.
    Big {
        op: BigOp,
        var: String,
        lo: Box<Math>,
        hi: Box<Math>,
        body: Box<Math>,
    },
}
