//! A vector or matrix formula on one side of a claim, as a course writes
//! it (LANGUAGE.md §4): `\tanh(\mathbf{W}\mathbf{x}^{(1)} + \mathbf{b})`,
//! `\mathbf{V}^\top(\hat{\mathbf{y}}^{(3)} - \mathbf{y}^{(3)})`,
//! `\sum_{t=1}^{3} \operatorname{diag}(1 - \mathbf{h}^{(t)} \odot
//! \mathbf{h}^{(t)}) \nabla_{\mathbf{h}^{(t)}} L \, \mathbf{x}^{(t)\top}`.
//!
//! Read by a small recursive-descent reader of its own (the scalar LaTeX
//! grammar has no shapes, and juxtaposition here is a matrix product that
//! must not commute), then evaluated entry by entry with certified
//! enclosures. The names in it (`Leaf`) are looked up by the caller, so this
//! file knows nothing of models: it hands back a tree and evaluates it with
//! the leaf values it is given.

use crate::eval::forward::apply_builtin;
use crate::eval::Value;
use crate::number::{Prec, Q};
use crate::shape::Shape;
use crate::vocab::Builtin;

/// Deepest nesting of brackets and calls read; deeper formulas are left
/// unread.
const MAX_DEPTH: usize = 96;
/// Most nodes in one formula (a chain of terms, or `^2` doubling a
/// subtree, counts each node): a bound on the tree, so cloning, dropping
/// and evaluating it never run deep or long.
const MAX_NODES: usize = 4096;
/// Longest side of a matrix a formula builds (`diag`, an outer product):
/// a vector of the model may be long, its square need not fit.
const MAX_SIDE: usize = 1024;
/// Largest step number read (`h^{(1000000)}`): step arithmetic stays far
/// from overflow.
const MAX_STEP: i64 = 1_000_000;
/// Longest sum range evaluated (`\sum_{t=1}^{T}` with a literal bound).
const MAX_SUM_TERMS: i64 = 4096;

/// A step as written in a superscript: a number, or the summation index plus
/// an offset (`t`, `t+1`, `t-1`).
#[derive(Clone, Debug, PartialEq)]
pub enum StepE {
    At(i64),
    Var(i64),
}

impl StepE {
    fn at(&self, var: Option<i64>) -> Option<i64> {
        match self {
            StepE::At(k) => Some(*k),
            StepE::Var(d) => var.and_then(|t| t.checked_add(*d)),
        }
    }
    fn shifted(&self, d: i64) -> StepE {
        match self {
            StepE::At(k) => StepE::At(k + d),
            StepE::Var(o) => StepE::Var(o + d),
        }
    }
    fn latex(&self, var: &str) -> String {
        match self {
            StepE::At(k) => k.to_string(),
            StepE::Var(0) => var.to_string(),
            StepE::Var(d) if *d > 0 => format!("{var}+{d}"),
            StepE::Var(d) => format!("{var}-{}", -d),
        }
    }
}

/// A name in a formula: a vector or matrix of the model (`h^{(t)}`), or the
/// gradient of a quantity with respect to one (`\nabla_{h^{(t)}} L`).
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The base as the model's typesetting shows it, without bold
    /// (`h`, `\hat{y}`, `W_{f}`).
    pub base: String,
    pub step: Option<StepE>,
    pub transposed: bool,
    /// `Some(L)` for `\nabla_{…} L`: the quantity as written.
    pub nabla_of: Option<String>,
    /// The leaf as written, for messages.
    pub written: String,
}

impl Leaf {
    /// The leaf typeset anew (after a change), in the summation index `var`.
    pub fn latex(&self, var: &str) -> String {
        let mut sup = match &self.step {
            Some(k) => format!("({})", k.latex(var)),
            None => String::new(),
        };
        if self.transposed {
            sup += "\\top";
        }
        // In the bold the author used (`\boldsymbol`, `\bm`), else `\mathbf`.
        let bold = ["\\boldsymbol", "\\bm", "\\mathbf"]
            .into_iter()
            .find(|b| self.written.contains(&format!("{b}{{")))
            .unwrap_or("\\mathbf");
        // `W_{o}` is set as `\mathbf{W}_{o}`: the subscript names, it is not bold.
        let (letters, sub) = match self.base.split_once('_') {
            Some((l, r)) if !l.starts_with('\\') => (l, format!("_{r}")),
            _ => (self.base.as_str(), String::new()),
        };
        let mut s = match letters.strip_prefix("\\hat{").and_then(|r| r.strip_suffix('}')) {
            Some(inner) => format!("\\hat{{{bold}{{{inner}}}}}{sub}"),
            None => format!("{bold}{{{letters}}}{sub}"),
        };
        if !sup.is_empty() {
            s += &format!("^{{{sup}}}");
        }
        match &self.nabla_of {
            Some(of) => format!("\\nabla_{{{s}}} {of}"),
            None => s,
        }
    }
}

/// A formula: the tree read from one side.
#[derive(Clone, Debug, PartialEq)]
pub enum Formula {
    Num(Q),
    /// `\mathbf{0}`, `\mathbf{1}`: a constant vector of whatever shape it meets.
    Fill(Q),
    Leaf(Leaf),
    Neg(Box<Formula>),
    Add(Box<Formula>, Box<Formula>),
    Sub(Box<Formula>, Box<Formula>),
    /// Juxtaposition, `\cdot`, `\times`: a matrix product, or scaling when
    /// one side is a scalar.
    Prod(Box<Formula>, Box<Formula>),
    /// `\odot`.
    Had(Box<Formula>, Box<Formula>),
    /// Division by a scalar.
    Div(Box<Formula>, Box<Formula>),
    Transpose(Box<Formula>),
    Diag(Box<Formula>),
    Call(Builtin, Box<Formula>),
    Softmax(Box<Formula>),
    /// `\sum_{var=from}^{to} body`.
    Sum {
        var: String,
        from: i64,
        to: i64,
        body: Box<Formula>,
    },
}

/// A value: its shape and its entries, row by row.
#[derive(Clone, Debug)]
pub struct Tensor {
    pub shape: Shape,
    pub vals: Vec<Value>,
}

/// Reads a side; `None` when it is not a formula this reader knows.
pub fn parse(text: &str) -> Option<Formula> {
    parse_in(text, None, None)
}

/// Reads a side about a general step `var` (`h^{(t+1)}` in a claim for
/// every `t`), `T` standing for `horizon` where one is given.
pub fn parse_in(text: &str, var: Option<&str>, horizon: Option<i64>) -> Option<Formula> {
    Reader::new(text, var, horizon).whole()
}

struct Reader<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    depth: usize,
    /// The summation index in scope.
    var: Option<String>,
    /// What `T` stands for (the model's horizon).
    horizon: Option<i64>,
    /// Nodes built so far, against [`MAX_NODES`].
    size: usize,
}

/// Greek letters that name quantities (`\alpha^{(t)}`); `\sigma` is the
/// function and is read as one before names are tried.
const GREEK: &[&str] = &[
    "\\alpha",
    "\\beta",
    "\\gamma",
    "\\delta",
    "\\epsilon",
    "\\varepsilon",
    "\\zeta",
    "\\eta",
    "\\theta",
    "\\kappa",
    "\\lambda",
    "\\mu",
    "\\nu",
    "\\xi",
    "\\pi",
    "\\rho",
    "\\tau",
    "\\phi",
    "\\varphi",
    "\\chi",
    "\\psi",
    "\\omega",
    "\\Gamma",
    "\\Delta",
    "\\Theta",
    "\\Lambda",
    "\\Phi",
    "\\Psi",
    "\\Omega",
];

/// Commands that only space or size things.
const SPACING: &[&str] = &[
    "\\,", "\\;", "\\:", "\\!", "\\ ", "\\quad", "\\qquad", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\left.",
];

impl<'a> Reader<'a> {
    fn new(text: &'a str, var: Option<&str>, horizon: Option<i64>) -> Reader<'a> {
        Reader {
            s: text.as_bytes(),
            src: text,
            i: 0,
            depth: 0,
            var: var.map(str::to_string),
            horizon,
            size: 0,
        }
    }

    /// The whole text as one formula, or nothing.
    fn whole(mut self) -> Option<Formula> {
        let f = self.sum()?;
        self.skip();
        (self.i == self.s.len()).then_some(f)
    }

    /// Counts `n` more nodes; past [`MAX_NODES`] the side is not read (so
    /// no tree is too deep to clone, drop or evaluate).
    fn grow(&mut self, n: usize) -> Option<()> {
        self.size = self.size.saturating_add(n);
        (self.size <= MAX_NODES).then_some(())
    }

    fn rest(&self) -> &'a str {
        &self.src[self.i..]
    }
    fn skip(&mut self) {
        loop {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            let rest = self.rest();
            let Some(sp) = SPACING.iter().find(|sp| {
                rest.starts_with(**sp)
                    && !rest[sp.len()..]
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphabetic() && sp.as_bytes()[sp.len() - 1].is_ascii_alphabetic())
            }) else {
                return;
            };
            self.i += sp.len();
        }
    }
    /// Consumes `tok` (a command must not run on into letters).
    fn eat(&mut self, tok: &str) -> bool {
        self.skip();
        let rest = self.rest();
        if !rest.starts_with(tok) {
            return false;
        }
        let cmd = tok.starts_with('\\') && tok.as_bytes()[tok.len() - 1].is_ascii_alphabetic();
        if cmd
            && rest[tok.len()..]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic())
        {
            return false;
        }
        self.i += tok.len();
        true
    }
    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.s.get(self.i).copied()
    }
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// `{…}` as raw text (braces matched), or one token when unbraced.
    fn group_text(&mut self) -> Option<&'a str> {
        self.skip();
        if self.s.get(self.i) == Some(&b'{') {
            let start = self.i + 1;
            let mut depth = 0;
            while self.i < self.s.len() {
                match self.s[self.i] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            self.i += 1;
                            return Some(&self.src[start..self.i - 1]);
                        }
                    }
                    _ => {}
                }
                self.i += 1;
            }
            return None;
        }
        let start = self.i;
        if self.s.get(self.i) == Some(&b'\\') {
            self.i += 1;
            while self.i < self.s.len() && self.s[self.i].is_ascii_alphabetic() {
                self.i += 1;
            }
        } else {
            let c = self.rest().chars().next()?;
            self.i += c.len_utf8();
        }
        Some(&self.src[start..self.i])
    }

    fn sum(&mut self) -> Option<Formula> {
        self.enter()?;
        let mut acc = self.term()?;
        loop {
            if self.eat("+") {
                self.grow(1)?;
                acc = Formula::Add(Box::new(acc), Box::new(self.term()?));
            } else if self.peek() == Some(b'-') {
                self.i += 1;
                self.grow(1)?;
                acc = Formula::Sub(Box::new(acc), Box::new(self.term()?));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Some(acc)
    }

    fn term(&mut self) -> Option<Formula> {
        self.enter()?;
        let mut acc = if self.eat("-") {
            Formula::Neg(Box::new(self.factor()?))
        } else {
            self.factor()?
        };
        loop {
            self.grow(1)?;
            if self.eat("\\odot") || self.eat("\\circ") {
                acc = Formula::Had(Box::new(acc), Box::new(self.factor()?));
            } else if self.eat("\\cdot") || self.eat("\\times") {
                acc = Formula::Prod(Box::new(acc), Box::new(self.factor()?));
            } else if self.eat("/") {
                acc = Formula::Div(Box::new(acc), Box::new(self.factor()?));
            } else if self.starts_primary() {
                acc = Formula::Prod(Box::new(acc), Box::new(self.factor()?));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Some(acc)
    }

    fn starts_primary(&mut self) -> bool {
        match self.peek() {
            Some(b'(' | b'[' | b'{') => true,
            Some(c) if c.is_ascii_alphanumeric() => true,
            Some(b'\\') => {
                let rest = self.rest();
                !["\\right", "\\end", "\\odot", "\\cdot", "\\times", "\\circ", "\\approx"]
                    .iter()
                    .any(|c| rest.starts_with(c))
            }
            _ => false,
        }
    }

    fn factor(&mut self) -> Option<Formula> {
        self.enter()?;
        let mut f = self.primary()?;
        loop {
            if self.eat("'") {
                f = transpose(f);
            } else if self.peek() == Some(b'^') {
                self.i += 1;
                let sup = self.group_text()?.trim();
                if is_transpose(sup) {
                    f = transpose(f);
                } else if sup == "2" {
                    self.grow(size(&f))?;
                    f = Formula::Had(Box::new(f.clone()), Box::new(f));
                } else {
                    return None;
                }
            } else {
                break;
            }
        }
        self.depth -= 1;
        Some(f)
    }

    fn bracketed(&mut self) -> Option<Formula> {
        for (open, close) in [
            ("\\left(", "\\right)"),
            ("\\left[", "\\right]"),
            ("(", ")"),
            ("[", "]"),
            ("{", "}"),
        ] {
            let (save, depth) = (self.i, self.depth);
            if self.eat(open) {
                let f = self.sum().filter(|_| self.eat(close));
                if f.is_none() {
                    // Not this bracket after all: nothing read is kept.
                    (self.i, self.depth) = (save, depth);
                }
                return f;
            }
        }
        None
    }

    /// A function's argument: bracketed, or a single factor (`\tanh x`).
    fn argument(&mut self) -> Option<Formula> {
        if let Some(f) = self.bracketed() {
            return Some(f);
        }
        self.factor()
    }

    fn primary(&mut self) -> Option<Formula> {
        self.skip();
        if let Some(f) = self.bracketed() {
            return Some(f);
        }
        let c = self.peek()?;
        if c.is_ascii_digit() {
            return self.number();
        }
        for w in ["\\operatorname", "\\mathrm", "\\text", "\\textrm", "\\mathop"] {
            if self.eat(w) {
                let name = self.group_text()?.trim();
                return self.named_function(name);
            }
        }
        for (cmd, f) in [
            ("\\tanh", Builtin::Tanh),
            ("\\sigma", Builtin::Sigmoid),
            ("\\exp", Builtin::Exp),
            ("\\ln", Builtin::Ln),
            ("\\log", Builtin::Ln),
        ] {
            if self.eat(cmd) {
                // `\tanh^2(x)`: the square of the value.
                let squared = self.peek() == Some(b'^') && {
                    let save = self.i;
                    self.i += 1;
                    let two = self.group_text().map(str::trim) == Some("2");
                    if !two {
                        self.i = save;
                    }
                    two
                };
                let call = Formula::Call(f, Box::new(self.argument()?));
                if squared {
                    self.grow(size(&call))?;
                }
                return Some(if squared {
                    Formula::Had(Box::new(call.clone()), Box::new(call))
                } else {
                    call
                });
            }
        }
        if self.eat("\\diag") {
            return Some(Formula::Diag(Box::new(self.argument()?)));
        }
        let start = self.i;
        if self.eat("\\frac") || self.eat("\\tfrac") || self.eat("\\dfrac") {
            return self.fraction(start);
        }
        if self.eat("\\nabla") {
            return self.nabla();
        }
        if self.eat("\\sum") {
            return self.summation();
        }
        self.name()
    }

    fn named_function(&mut self, name: &str) -> Option<Formula> {
        let f = match name {
            "diag" => return Some(Formula::Diag(Box::new(self.argument()?))),
            "softmax" => return Some(Formula::Softmax(Box::new(self.argument()?))),
            "relu" | "ReLU" => Builtin::Relu,
            "tanh" => Builtin::Tanh,
            "sigmoid" | "sigm" => Builtin::Sigmoid,
            "exp" => Builtin::Exp,
            _ => return None,
        };
        Some(Formula::Call(f, Box::new(self.argument()?)))
    }

    fn number(&mut self) -> Option<Formula> {
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.') {
            self.i += 1;
        }
        self.src[start..self.i].parse().ok().map(Formula::Num)
    }

    /// `\frac{a}{b}`: a number, a scalar quotient, or `\frac{\partial L}{\partial X}`.
    fn fraction(&mut self, start: usize) -> Option<Formula> {
        let num = self.group_text()?.trim();
        let den = self.group_text()?.trim();
        if let (Some(of), Some(x)) = (num.strip_prefix("\\partial"), den.strip_prefix("\\partial")) {
            let mut leaf = leaf_of(x.trim(), self.var.as_deref(), self.horizon)?;
            leaf.nabla_of = Some(of.trim().to_string());
            leaf.written = self.src[start..self.i].trim().to_string();
            return Some(Formula::Leaf(leaf));
        }
        let (var, horizon) = (self.var.clone(), self.horizon);
        let inner = |t: &str| Reader::new(t, var.as_deref(), horizon).whole();
        let (n, d) = (inner(num)?, inner(den)?);
        Some(match (&n, &d) {
            (Formula::Num(a), Formula::Num(b)) => Formula::Num(a.checked_div(b)?),
            _ => Formula::Div(Box::new(n), Box::new(d)),
        })
    }

    /// `\nabla_{X} L`.
    fn nabla(&mut self) -> Option<Formula> {
        let start = self.i - "\\nabla".len();
        if !self.eat("_") {
            return None;
        }
        let x = self.group_text()?.trim();
        let mut leaf = leaf_of(x, self.var.as_deref(), self.horizon)?;
        self.skip();
        let of = if self.eat("\\mathcal") {
            format!("\\mathcal{{{}}}", self.group_text()?.trim())
        } else {
            let c = self.peek()?;
            if !c.is_ascii_alphabetic() {
                return None;
            }
            self.i += 1;
            (c as char).to_string()
        };
        leaf.nabla_of = Some(of);
        leaf.written = self.src[start..self.i].trim().to_string();
        Some(Formula::Leaf(leaf))
    }

    /// `\sum_{t=1}^{3} body`: the body is one product (it ends at `+`/`-`).
    fn summation(&mut self) -> Option<Formula> {
        if !self.eat("_") {
            return None;
        }
        let lower = self.group_text()?;
        let (var, from) = lower.split_once('=')?;
        let var = var.trim().to_string();
        if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let from = match step_of(from, None, self.horizon)? {
            StepE::At(k) => k,
            StepE::Var(_) => return None,
        };
        if !self.eat("^") {
            return None;
        }
        let to = match step_of(self.group_text()?, None, self.horizon)? {
            StepE::At(k) => k,
            StepE::Var(_) => return None,
        };
        // Both are at most MAX_STEP in size (`step_of`): no overflow.
        if to - from >= MAX_SUM_TERMS {
            return None;
        }
        let outer = self.var.replace(var.clone());
        let body = self.term();
        self.var = outer;
        Some(Formula::Sum {
            var,
            from,
            to,
            body: Box::new(body?),
        })
    }

    /// A name with its decorations: `\mathbf{h}^{(t+1)}`, `\hat{\mathbf{y}}^{(3)}`,
    /// `\mathbf{x}^{(t)\top}`, `W_{f}`, `\mathbf{0}`.
    fn name(&mut self) -> Option<Formula> {
        self.grow(1)?;
        self.skip();
        let start = self.i;
        let mut bold = false;
        let base = if ["\\mathbf", "\\boldsymbol", "\\bm", "\\vec", "\\hat", "\\tilde", "\\bar"]
            .iter()
            .any(|w| self.rest().starts_with(w))
        {
            let cmd = self.group_text()?;
            bold = cmd != "\\hat" && cmd != "\\tilde" && cmd != "\\bar";
            let inner = self.group_text()?;
            if bold {
                strip_bold(inner)
            } else {
                format!("{cmd}{{{}}}", strip_bold(inner))
            }
        } else if let Some(g) = GREEK.iter().find(|g| {
            let rest = self.rest();
            rest.starts_with(**g) && !rest[g.len()..].bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        }) {
            self.i += g.len();
            g.to_string()
        } else {
            let c = self.peek()?;
            if !c.is_ascii_alphabetic() {
                return None;
            }
            self.i += 1;
            (c as char).to_string()
        };
        if bold {
            if let Ok(q) = base.trim().parse::<Q>() {
                return Some(Formula::Fill(q));
            }
        }
        let mut base = base.trim().to_string();
        let mut step = None;
        let mut transposed = false;
        // Subscripts name the matrix (`W_{f}`) or, in subscript time style, the step.
        if self.peek() == Some(b'_') {
            self.i += 1;
            let sub = self.group_text()?.trim();
            match step_of(sub, self.var.as_deref(), self.horizon) {
                Some(k) if !sub.chars().all(|c| c.is_ascii_alphabetic()) || Some(sub) == self.var.as_deref() => {
                    step = Some(k)
                }
                _ => base = format!("{base}_{{{sub}}}"),
            }
        }
        if self.peek() == Some(b'^') {
            let save = self.i;
            self.i += 1;
            let sup = self.group_text()?.trim();
            if let Some(inner) = sup.strip_prefix('(') {
                // `i_{1}^{(1)}`: an entry at a step, the scalar reader's.
                if step.is_some() {
                    return None;
                }
                let close = inner.find(')')?;
                step = Some(step_of(&inner[..close], self.var.as_deref(), self.horizon)?);
                let after = inner[close + 1..].trim();
                if is_transpose(after) {
                    transposed = true;
                } else if !after.is_empty() {
                    return None;
                }
            } else {
                // `^\top`, `^2`: the factor's postfix reads them.
                self.i = save;
            }
        }
        Some(Formula::Leaf(Leaf {
            base,
            step,
            transposed,
            nabla_of: None,
            written: self.src[start..self.i].trim().to_string(),
        }))
    }
}

fn transpose(f: Formula) -> Formula {
    match f {
        Formula::Leaf(mut l) => {
            l.transposed = !l.transposed;
            Formula::Leaf(l)
        }
        Formula::Transpose(inner) => *inner,
        other => Formula::Transpose(Box::new(other)),
    }
}

fn is_transpose(s: &str) -> bool {
    matches!(
        s.replace(['{', '}', ' '], "").as_str(),
        "\\top" | "T" | "\\intercal" | "\\mathsf T" | "\\mathsfT" | "\\mathrmT" | "\\prime"
    )
}

fn strip_bold(s: &str) -> String {
    let t = s.trim();
    for w in ["\\mathbf", "\\boldsymbol", "\\bm"] {
        if let Some(r) = t.strip_prefix(w) {
            let r = r.trim();
            if let Some(inner) = r.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                return inner.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// `3`, `t`, `t+1`, `t-1` (in the summation index `var`), `T`, `T-1`.
pub fn step_of(s: &str, var: Option<&str>, horizon: Option<i64>) -> Option<StepE> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let small = |k: i64| (k.unsigned_abs() <= MAX_STEP.unsigned_abs()).then_some(k);
    if let Ok(k) = s.parse::<i64>() {
        return small(k).map(StepE::At);
    }
    if let (Some(h), Some(rest)) = (horizon, s.strip_prefix('T')) {
        if var != Some("T") {
            let d = match rest.as_bytes().first() {
                None => 0,
                Some(b'+') => small(rest[1..].parse::<i64>().ok()?)?,
                Some(b'-') => -small(rest[1..].parse::<i64>().ok()?)?,
                _ => return None,
            };
            return small(small(h)? + d).map(StepE::At);
        }
    }
    let v = var?;
    let rest = s.strip_prefix(v)?;
    if rest.is_empty() {
        return Some(StepE::Var(0));
    }
    let (sign, n) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    Some(StepE::Var(sign * small(n.parse::<i64>().ok()?)?))
}

/// The leaf named by `x` (the subscript of `\nabla`, the denominator of a
/// partial), maybe transposed.
fn leaf_of(x: &str, var: Option<&str>, horizon: Option<i64>) -> Option<Leaf> {
    let mut r = Reader::new(x, var, horizon);
    let f = r.factor()?;
    r.skip();
    match f {
        Formula::Leaf(l) if r.i == r.s.len() && l.nabla_of.is_none() => Some(l),
        _ => None,
    }
}

/// Every leaf of a formula, in reading order (with repetition): the names
/// a one-slip rewrite may change.
pub fn leaves(f: &Formula) -> Vec<&Leaf> {
    preorder(f)
        .filter_map(|g| match g {
            Formula::Leaf(l) => Some(l),
            _ => None,
        })
        .collect()
}

/// The index of the first sum in `f` (the letter to write steps in).
pub fn sum_var(f: &Formula) -> Option<&str> {
    preorder(f).find_map(|g| match g {
        Formula::Sum { var, .. } => Some(var.as_str()),
        _ => None,
    })
}

/// The subformulas of `f`, `f` first, in reading order, by a loop over an
/// explicit stack (the one walk `leaves`, `sum_var` and `size` share).
fn preorder(f: &Formula) -> impl Iterator<Item = &Formula> {
    let mut stack = vec![f];
    std::iter::from_fn(move || {
        let g = stack.pop()?;
        match g {
            Formula::Leaf(_) | Formula::Num(_) | Formula::Fill(_) => {}
            Formula::Neg(a)
            | Formula::Transpose(a)
            | Formula::Diag(a)
            | Formula::Call(_, a)
            | Formula::Softmax(a)
            | Formula::Sum { body: a, .. } => stack.push(a),
            Formula::Add(a, b) | Formula::Sub(a, b) | Formula::Prod(a, b) | Formula::Had(a, b) | Formula::Div(a, b) => {
                stack.push(b);
                stack.push(a);
            }
        }
        Some(g)
    })
}

/// The formula with every leaf equal to `old` (a name written twice, as in
/// `h \odot h`, is one slip) replaced by `new`.
pub fn replace_leaf(f: &Formula, old: &Leaf, new: &Leaf) -> Formula {
    let r = |x: &Formula| Box::new(replace_leaf(x, old, new));
    match f {
        Formula::Leaf(l) if l == old => Formula::Leaf(new.clone()),
        Formula::Leaf(_) | Formula::Num(_) | Formula::Fill(_) => f.clone(),
        Formula::Neg(a) => Formula::Neg(r(a)),
        Formula::Transpose(a) => Formula::Transpose(r(a)),
        Formula::Diag(a) => Formula::Diag(r(a)),
        Formula::Call(g, a) => Formula::Call(*g, r(a)),
        Formula::Softmax(a) => Formula::Softmax(r(a)),
        Formula::Sum { var, from, to, body } => Formula::Sum {
            var: var.clone(),
            from: *from,
            to: *to,
            body: r(body),
        },
        Formula::Add(x, y) => Formula::Add(r(x), r(y)),
        Formula::Sub(x, y) => Formula::Sub(r(x), r(y)),
        Formula::Prod(x, y) => Formula::Prod(r(x), r(y)),
        Formula::Had(x, y) => Formula::Had(r(x), r(y)),
        Formula::Div(x, y) => Formula::Div(r(x), r(y)),
    }
}

/// The leaf moved by `d` steps.
pub fn shift(l: &Leaf, d: i64) -> Option<Leaf> {
    let mut m = l.clone();
    m.step = Some(l.step.as_ref()?.shifted(d));
    Some(m)
}

/// The value of a leaf at a step: the caller's lookup.
pub type Lookup<'l> = dyn FnMut(&Leaf, Option<i64>) -> Option<Tensor> + 'l;

/// Evaluates `f` entry by entry at working precision `prec`, its free step
/// variable (if any) at `at`; `None` when a name is unknown, shapes do not
/// fit, or a value is undefined.
pub fn evaluate(f: &Formula, at: Option<i64>, lookup: &mut Lookup<'_>, prec: Prec) -> Option<Tensor> {
    eval(f, at, lookup, prec, 0)
}

fn is_fill(f: &Formula) -> bool {
    matches!(f, Formula::Fill(_))
}

/// Nodes in `f` (a bounded tree: see [`MAX_NODES`]).
fn size(f: &Formula) -> usize {
    preorder(f).count()
}

fn scalar(v: Value) -> Tensor {
    Tensor {
        shape: Shape::SCALAR,
        vals: vec![v],
    }
}

fn neg(v: &Value) -> Value {
    match v {
        Value::Exact(q) => Value::Exact(-q.clone()),
        Value::Approx(iv) => Value::approx(iv.neg()),
    }
}

fn div(a: &Value, b: &Value, prec: Prec) -> Option<Value> {
    match (a, b) {
        (_, Value::Exact(y)) if y.is_zero() => None,
        (Value::Exact(x), Value::Exact(y)) => Some(Value::Exact(x.checked_div(y)?)),
        _ => a.interval().div(&b.interval(), prec).ok().map(Value::approx),
    }
}

/// Entry by entry, a scalar (or a fill) meeting a tensor spreads over it.
fn zip(a: Tensor, b: Tensor, op: impl Fn(&Value, &Value) -> Option<Value>) -> Option<Tensor> {
    let shape = match (a.shape.is_scalar(), b.shape.is_scalar()) {
        (true, _) => b.shape,
        (_, true) => a.shape,
        _ if a.shape == b.shape => a.shape,
        _ => return None,
    };
    let at = |t: &Tensor, k: usize| if t.shape.is_scalar() { 0 } else { k };
    let vals = (0..shape.len())
        .map(|k| op(&a.vals[at(&a, k)], &b.vals[at(&b, k)]))
        .collect::<Option<Vec<_>>>()?;
    Some(Tensor { shape, vals })
}

fn eval(f: &Formula, var: Option<i64>, lookup: &mut Lookup<'_>, prec: Prec, depth: usize) -> Option<Tensor> {
    if depth > 4 * MAX_DEPTH {
        return None;
    }
    let go = |g: &Formula, lookup: &mut Lookup<'_>| eval(g, var, lookup, prec, depth + 1);
    Some(match f {
        Formula::Num(q) | Formula::Fill(q) => scalar(Value::Exact(q.clone())),
        Formula::Leaf(l) => {
            let step = match &l.step {
                Some(s) => Some(s.at(var)?),
                None => None,
            };
            lookup(l, step)?
        }
        Formula::Neg(a) => {
            let t = go(a, lookup)?;
            Tensor {
                shape: t.shape,
                vals: t.vals.iter().map(neg).collect(),
            }
        }
        Formula::Add(a, b) => zip(go(a, lookup)?, go(b, lookup)?, |x, y| Some(x.add(y, prec)))?,
        Formula::Sub(a, b) => zip(go(a, lookup)?, go(b, lookup)?, |x, y| Some(x.add(&neg(y), prec)))?,
        Formula::Had(a, b) => zip(go(a, lookup)?, go(b, lookup)?, |x, y| Some(x.mul(y, prec)))?,
        Formula::Div(a, b) => {
            let d = go(b, lookup)?;
            if !d.shape.is_scalar() {
                return None;
            }
            zip(go(a, lookup)?, d, |x, y| div(x, y, prec))?
        }
        // `\mathbf{1}` spreads over what it meets elementwise; in a product,
        // a transpose or a diag its length is unknown, so it is not read.
        Formula::Prod(a, b) if is_fill(a) || is_fill(b) => return None,
        Formula::Transpose(a) | Formula::Diag(a) | Formula::Softmax(a) if is_fill(a) => return None,
        Formula::Prod(a, b) => {
            let (x, y) = (go(a, lookup)?, go(b, lookup)?);
            if x.shape.is_scalar() || y.shape.is_scalar() {
                zip(x, y, |p, q| Some(p.mul(q, prec)))?
            } else {
                matmul(&x, &y, prec)?
            }
        }
        Formula::Transpose(a) => {
            let t = go(a, lookup)?;
            let (shape, vals) = transposed(t.shape, t.vals);
            Tensor { shape, vals }
        }
        Formula::Diag(a) => {
            let t = go(a, lookup)?;
            if t.shape.rows != 1 && t.shape.cols != 1 {
                return None;
            }
            let n = t.shape.len();
            if n > MAX_SIDE {
                return None;
            }
            let mut vals = vec![Value::Exact(Q::zero()); n * n];
            for (k, v) in t.vals.into_iter().enumerate() {
                vals[k * n + k] = v;
            }
            Tensor {
                shape: Shape { rows: n, cols: n },
                vals,
            }
        }
        Formula::Call(g, a) => {
            let t = go(a, lookup)?;
            let vals = t
                .vals
                .iter()
                .map(|v| apply_builtin(*g, v, prec).ok())
                .collect::<Option<Vec<_>>>()?;
            Tensor { shape: t.shape, vals }
        }
        Formula::Softmax(a) => {
            let t = go(a, lookup)?;
            if t.shape.rows != 1 && t.shape.cols != 1 {
                return None;
            }
            let exps = t
                .vals
                .iter()
                .map(|v| apply_builtin(Builtin::Exp, v, prec).ok())
                .collect::<Option<Vec<_>>>()?;
            let mut total = Value::Exact(Q::zero());
            for e in &exps {
                total = total.add(e, prec);
            }
            let vals = exps.iter().map(|e| div(e, &total, prec)).collect::<Option<Vec<_>>>()?;
            Tensor { shape: t.shape, vals }
        }
        Formula::Sum { from, to, body, .. } => {
            let mut acc: Option<Tensor> = None;
            for k in *from..=*to {
                let term = eval(body, Some(k), lookup, prec, depth + 1)?;
                acc = Some(match acc {
                    None => term,
                    Some(s) => zip(s, term, |x, y| Some(x.add(y, prec)))?,
                });
            }
            acc.unwrap_or_else(|| scalar(Value::Exact(Q::zero())))
        }
    })
}

fn matmul(x: &Tensor, y: &Tensor, prec: Prec) -> Option<Tensor> {
    // A vector times a vector written side by side (`a b^\top`) is an outer
    // product only when the shapes say so; anything else that does not fit is
    // not read.
    if x.shape.cols != y.shape.rows {
        return None;
    }
    let (n, m, p) = (x.shape.rows, x.shape.cols, y.shape.cols);
    if n.saturating_mul(p) > MAX_SIDE * MAX_SIDE || n.saturating_mul(m).saturating_mul(p) > 1 << 24 {
        return None;
    }
    let mut vals = Vec::with_capacity(n * p);
    for i in 0..n {
        for j in 0..p {
            let mut acc = Value::Exact(Q::zero());
            for k in 0..m {
                acc = acc.add(&x.vals[i * m + k].mul(&y.vals[k * p + j], prec), prec);
            }
            vals.push(acc);
        }
    }
    Some(Tensor {
        shape: Shape { rows: n, cols: p },
        vals,
    })
}

/// Entries of a row-major `shape` laid out transposed.
pub fn transposed<T: Clone>(shape: Shape, vals: Vec<T>) -> (Shape, Vec<T>) {
    let t = shape.transposed();
    let mut out = Vec::with_capacity(vals.len());
    for i in 0..t.rows {
        for j in 0..t.cols {
            out.push(vals[j * shape.cols + i].clone());
        }
    }
    (t, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(base: &str, step: Option<StepE>, t: bool) -> Formula {
        Formula::Leaf(Leaf {
            base: base.into(),
            step,
            transposed: t,
            nabla_of: None,
            written: String::new(),
        })
    }

    fn no_written(f: &Formula) -> Formula {
        fn w(f: &Formula) -> Formula {
            let b = |x: &Formula| Box::new(w(x));
            match f {
                Formula::Leaf(l) => Formula::Leaf(Leaf {
                    written: String::new(),
                    ..l.clone()
                }),
                Formula::Add(x, y) => Formula::Add(b(x), b(y)),
                Formula::Sub(x, y) => Formula::Sub(b(x), b(y)),
                Formula::Prod(x, y) => Formula::Prod(b(x), b(y)),
                Formula::Had(x, y) => Formula::Had(b(x), b(y)),
                Formula::Call(g, x) => Formula::Call(*g, b(x)),
                Formula::Diag(x) => Formula::Diag(b(x)),
                Formula::Sum { var, from, to, body } => Formula::Sum {
                    var: var.clone(),
                    from: *from,
                    to: *to,
                    body: b(body),
                },
                other => other.clone(),
            }
        }
        w(f)
    }

    #[test]
    fn reads_the_forward_step() {
        let f = parse("\\tanh(\\boldsymbol{W}\\boldsymbol{x}^{(1)} + \\boldsymbol{b})").unwrap();
        let want = Formula::Call(
            Builtin::Tanh,
            Box::new(Formula::Add(
                Box::new(Formula::Prod(
                    Box::new(leaf("W", None, false)),
                    Box::new(leaf("x", Some(StepE::At(1)), false)),
                )),
                Box::new(leaf("b", None, false)),
            )),
        );
        assert_eq!(no_written(&f), want);
    }

    #[test]
    fn reads_transposes_hadamard_and_sums() {
        let f = parse(
            "\\sum_{t=1}^{3} \\operatorname{diag}(1 - \\mathbf{h}^{(t)} \\odot \\mathbf{h}^{(t)}) \
             \\nabla_{\\mathbf{h}^{(t)}} L \\, \\mathbf{x}^{(t)\\top}",
        )
        .unwrap();
        let Formula::Sum { var, from, to, body } = no_written(&f) else {
            panic!("not a sum: {f:?}")
        };
        assert_eq!((var.as_str(), from, to), ("t", 1, 3));
        let Formula::Prod(left, x) = *body else { panic!() };
        assert_eq!(*x, leaf("x", Some(StepE::Var(0)), true));
        let Formula::Prod(d, g) = *left else { panic!() };
        assert!(matches!(*d, Formula::Diag(_)));
        let Formula::Leaf(g) = *g else { panic!() };
        assert_eq!(g.nabla_of.as_deref(), Some("L"));
        assert_eq!(g.step, Some(StepE::Var(0)));
        let v = parse("\\mathbf{V}^\\top (\\hat{\\mathbf{y}}^{(3)} - \\mathbf{y}^{(3)})").unwrap();
        let Formula::Prod(v, diff) = no_written(&v) else {
            panic!()
        };
        assert_eq!(*v, leaf("V", None, true));
        let Formula::Sub(yhat, _) = *diff else { panic!() };
        assert_eq!(*yhat, leaf("\\hat{y}", Some(StepE::At(3)), false));
        assert_eq!(parse("\\mathbf{0}"), Some(Formula::Fill(Q::zero())));
        // Subscripts: a name (`W_{f}`), or a step where one can be (`h_{2}`).
        let Formula::Prod(w, h) = no_written(&parse("W_{f}' h_{2}").unwrap()) else {
            panic!()
        };
        assert_eq!(*w, leaf("W_{f}", None, true));
        assert_eq!(*h, leaf("h", Some(StepE::At(2)), false));
    }

    #[test]
    fn every_cut_and_every_dropped_byte_reads_or_is_left_alone() {
        // Truncations and one-byte deletions of real sides, as a hand-written
        // document half-edited gives them: never a panic (char boundaries,
        // unbalanced braces, a `^` at the end).
        for text in [
            "\\sum_{t=1}^{T} \\operatorname{diag}\\left(1 - (\\boldsymbol{h}^{(t)})^2\\right) \\nabla_{\\boldsymbol{h}^{(t)}} L \\, \\boldsymbol{x}^{(t)\\top}",
            "\\hat{\\mathbf{y}}^{(3)} - \\frac{\\partial L}{\\partial \\mathbf{o}^{(3)}} \\odot \\tanh^2(\\mathbf{c}_{2}) / 2",
            "\\mathbf{W}_{f}' \\operatorname{softmax}(\\mathbf{V} \\mathbf{h}^{(t+1)} + \\mathbf{c}) ∘ é",
        ] {
            for (k, _) in text.char_indices() {
                let _ = parse_in(&text[..k], Some("t"), Some(3));
                let mut cut = text.to_string();
                cut.remove(k);
                let _ = parse_in(&cut, Some("t"), Some(3));
            }
        }
    }

    #[test]
    fn hostile_sides_are_refused_quickly() {
        // Each `^2` doubles the tree: bounded by MAX_NODES, not exponential.
        let squares = format!("\\mathbf{{h}}^{{(1)}}{}", "^2".repeat(22));
        let start = std::time::Instant::now();
        assert_eq!(parse(&squares), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        // Step numbers past MAX_STEP: no overflow in `to - from`.
        assert_eq!(parse("\\sum_{t=-9223372036854775808}^{9223372036854775807} W"), None);
        assert_eq!(parse("h^{(9223372036854775807)}"), None);
        // A bracket that does not close is not skipped over.
        assert_eq!(parse("((\\mathbf{b}^{3} \\mathbf{h}^{(1)})"), None);
        // A long chain of terms is refused, not built a million deep.
        assert_eq!(parse(&vec!["a"; 100_000].join(" + ")), None);
    }

    #[test]
    fn a_vector_of_ones_is_not_multiplied() {
        // `\mathbf{1}^\top x` is the sum of the entries; the length of the ones
        // is unknown, so it is not read as a scalar 1.
        let x = Tensor {
            shape: Shape::vector(2),
            vals: [5, 6].map(|k| Value::Exact(Q::int(k))).to_vec(),
        };
        let mut look = |_: &Leaf, _: Option<i64>| Some(x.clone());
        let p = Prec(100);
        assert!(evaluate_now(&parse("\\mathbf{1}^\\top x").unwrap(), &mut look, p).is_none());
        assert!(evaluate_now(&parse("\\mathbf{1} x").unwrap(), &mut look, p).is_none());
        let t = evaluate_now(&parse("\\mathbf{1} - x").unwrap(), &mut look, p).unwrap();
        assert_eq!(
            t.vals
                .iter()
                .map(|v| v.exact().unwrap().to_i64().unwrap())
                .collect::<Vec<_>>(),
            [-4, -5]
        );
    }

    #[test]
    fn leaves_what_it_cannot_read() {
        for s in [
            "",
            "\\int_0^1 x",
            "h^{(t)}",
            "\\sum_{t=1}^{T} h^{(t)}",
            "(((((",
            "a \\approx 2",
        ] {
            assert_eq!(parse(s).map(|f| no_written(&f)), None, "{s}");
        }
        let deep = format!("{}h{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse(&deep), None);
    }

    fn evaluate_now(f: &Formula, look: &mut Lookup<'_>, p: Prec) -> Option<Tensor> {
        evaluate(f, None, look, p)
    }

    #[test]
    fn evaluates_products_in_order_and_by_hand() {
        // W = [[1,2],[3,4]], x = [5,6]: W x = [17, 39], x^T W = [23, 34].
        let w = Tensor {
            shape: Shape { rows: 2, cols: 2 },
            vals: [1, 2, 3, 4].map(|k| Value::Exact(Q::int(k))).to_vec(),
        };
        let x = Tensor {
            shape: Shape::vector(2),
            vals: [5, 6].map(|k| Value::Exact(Q::int(k))).to_vec(),
        };
        let mut look = |l: &Leaf, _: Option<i64>| -> Option<Tensor> {
            let t = if l.base == "W" { w.clone() } else { x.clone() };
            Some(if l.transposed {
                let (shape, vals) = transposed(t.shape, t.vals);
                Tensor { shape, vals }
            } else {
                t
            })
        };
        let ints = |t: Tensor| {
            t.vals
                .iter()
                .map(|v| v.exact().unwrap().to_i64().unwrap())
                .collect::<Vec<_>>()
        };
        let p = Prec(100);
        assert_eq!(
            ints(evaluate_now(&parse("W x").unwrap(), &mut look, p).unwrap()),
            [17, 39]
        );
        assert_eq!(
            ints(evaluate_now(&parse("x^\\top W").unwrap(), &mut look, p).unwrap()),
            [23, 34]
        );
        // diag(x) W = [[5,10],[18,24]]; 1 - x ⊙ x = [-24, -35]; x x^T = [[25,30],[30,36]].
        assert_eq!(
            ints(evaluate_now(&parse("\\operatorname{diag}(x) W").unwrap(), &mut look, p).unwrap()),
            [5, 10, 18, 24]
        );
        assert_eq!(
            ints(evaluate_now(&parse("1 - x \\odot x").unwrap(), &mut look, p).unwrap()),
            [-24, -35]
        );
        assert_eq!(
            ints(evaluate_now(&parse("x x^T").unwrap(), &mut look, p).unwrap()),
            [25, 30, 30, 36]
        );
        assert!(
            evaluate_now(&parse("x W").unwrap(), &mut look, p).is_none(),
            "shapes that do not fit"
        );
    }
}
