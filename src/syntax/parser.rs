//! Text to [`File`]: the pest grammar `grammar/model.pest`, then a walk over
//! its pairs that builds the syntax tree.

use super::ast::*;
use super::continuation::{blank_continuations, BracketError, MAX_NESTING};
use super::span::Span;
use crate::number::Q;
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/model.pest"]
struct ModelParser;

/// At most this many `^` in one chain (`a^b^c…`), which bounds tree depth.
pub const MAX_POWER_CHAIN: usize = 16;

/// Everything that can go wrong before names are looked at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ParseError {
    #[error("syntax error: {message}")]
    #[diagnostic(code(parse::syntax))]
    Syntax {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },
    #[error("brackets nest more than {MAX_NESTING} deep")]
    #[diagnostic(code(parse::too_deep), help("split the expression into named quantities"))]
    TooDeep {
        #[label("this bracket is one level too many")]
        span: Span,
    },
    #[error("this bracket is never closed")]
    #[diagnostic(
        code(parse::unclosed),
        help("close it with the matching `)` or `]`; an expression may continue over several lines inside brackets")
    )]
    Unclosed {
        #[label("opened here")]
        span: Span,
    },
    #[error("a chain of powers may have at most {MAX_POWER_CHAIN} `^`")]
    #[diagnostic(code(parse::too_deep), help("use brackets or named quantities"))]
    PowerChain {
        #[label("this chain")]
        span: Span,
    },
    #[error("`{text}` is not a number I can read")]
    #[diagnostic(code(parse::number))]
    Number {
        text: String,
        #[label("here")]
        span: Span,
    },
}

impl ParseError {
    /// The span the error points at.
    pub fn span(&self) -> Span {
        match self {
            ParseError::Syntax { span, .. }
            | ParseError::TooDeep { span }
            | ParseError::Unclosed { span }
            | ParseError::PowerChain { span }
            | ParseError::Number { span, .. } => *span,
        }
    }

    /// The same error, located in the text of `source`.
    pub fn with_source(mut self, source: super::span::Source) -> ParseError {
        match &mut self {
            ParseError::Syntax { span, .. }
            | ParseError::TooDeep { span }
            | ParseError::Unclosed { span }
            | ParseError::PowerChain { span }
            | ParseError::Number { span, .. } => *span = span.with_source(source),
        }
        self
    }
}

/// Parses a whole model file.
///
/// ```
/// let file = chainrule::syntax::parse("param w = 1/2\nh[t] = w*h[t-1]").unwrap();
/// assert_eq!(file.stmts.len(), 2);
/// ```
pub fn parse(src: &str) -> Result<File, ParseError> {
    let text = blank_continuations(src).map_err(bracket_error)?;
    let mut pairs = ModelParser::parse(Rule::file, &text).map_err(|e| syntax_error(&text, e))?;
    let file = pairs.next().expect("the file rule always yields one pair");
    let mut stmts = Vec::new();
    for pair in file.into_inner() {
        if pair.as_rule() == Rule::EOI {
            continue;
        }
        stmts.push(build_stmt(pair)?);
    }
    Ok(File { stmts })
}

/// Parses one expression on its own, in the model's text.
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    parse_expr_in(src, super::span::Source::Model)
}

/// Parses one expression on its own, the text of `source` (`--of EXPR`
/// is [`Source::Of`](super::span::Source::Of)): its spans and errors point there.
pub fn parse_expr_in(src: &str, source: super::span::Source) -> Result<Expr, ParseError> {
    let parsed = (|| {
        let text = blank_continuations(src).map_err(bracket_error)?;
        let text = text.replace('\n', " ");
        let mut pairs = ModelParser::parse(Rule::expr_only, &text).map_err(|e| syntax_error(&text, e))?;
        let pair = pairs.next().expect("expr_only yields one pair");
        let inner = pair.into_inner().next().expect("expr_only holds an expr");
        build_expr(inner)
    })();
    match parsed {
        Ok(mut e) => {
            e.set_source(source);
            Ok(e)
        }
        Err(err) => Err(err.with_source(source)),
    }
}

fn bracket_error(e: BracketError) -> ParseError {
    match e {
        BracketError::TooDeep(span) => ParseError::TooDeep { span },
        BracketError::Unclosed(span) => ParseError::Unclosed { span },
    }
}

fn syntax_error(text: &str, e: pest::error::Error<Rule>) -> ParseError {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // A caret one character wide, or at the end of the input.
    let end = text[pos..].chars().next().map_or(pos, |c| pos + c.len_utf8());
    let found = match text[pos..].chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') => "the end of the line".to_string(),
        Some(c) => format!("`{c}`"),
    };
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let help = bracket_help(text, pos);
    ParseError::Syntax {
        message: format!("expected {expected}, found {found}"),
        span: Span::new(pos, end),
        label: format!("expected {expected}"),
        help,
    }
}

/// Human names for what the grammar wanted, in a fixed order.
fn describe_expected(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for r in rules {
        let w = match r {
            Rule::expr
            | Rule::term
            | Rule::factor
            | Rule::power
            | Rule::number
            | Rule::seq_number
            | Rule::name
            | Rule::call
            | Rule::indexed
            | Rule::sum
            | Rule::paren
            | Rule::list
            | Rule::index_br
            | Rule::neg => "an expression",
            Rule::add_op | Rule::mul_op | Rule::pow_op | Rule::tick => "an operator",
            Rule::shape => "a shape such as `2` or `2x3`",
            Rule::ident | Rule::lhs | Rule::decl | Rule::seq_decl => "a name",
            Rule::EOI => "the end of the statement",
            Rule::string => "a quoted string",
            Rule::seq_values | Rule::plain_list | Rule::list_general | Rule::list_only => "a list `[ ... ]`",
            Rule::kw_as => "`as`",
            Rule::fn_params | Rule::lhs_index => "`=`",
            _ => "a statement",
        };
        if !words.contains(&w) {
            words.push(w);
        }
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {}", words.join(", "), last)
        }
    }
}

/// If the line has unbalanced brackets, say so: the most common slip.
fn bracket_help(text: &str, pos: usize) -> Option<String> {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let line = &text[line_start..line_end];
    let opens = line.matches(['(', '[']).count();
    let closes = line.matches([')', ']']).count();
    (opens != closes).then(|| format!("this line opens {opens} bracket(s) and closes {closes}"))
}

fn span_of(pair: &Pair<Rule>) -> Span {
    pair.as_span().into()
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span_of(&pair),
    }
}

fn build_stmt(pair: Pair<Rule>) -> Result<Stmt, ParseError> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let kind = match rule {
        Rule::param_decl | Rule::const_decl => {
            inner.next(); // keyword
            let mut decls = Vec::new();
            for d in inner {
                let mut parts = d.into_inner();
                let name = ident(parts.next().expect("decl has a name"));
                let mut next = parts.next();
                let shape = match next.as_ref() {
                    Some(p) if p.as_rule() == Rule::shape => {
                        let s = shape_spec(next.take().expect("just matched"))?;
                        next = parts.next();
                        Some(s)
                    }
                    _ => None,
                };
                let value = next.map(build_expr).transpose()?;
                decls.push(Decl { name, shape, value });
            }
            if rule == Rule::param_decl {
                StmtKind::Param(decls)
            } else {
                StmtKind::Const(decls)
            }
        }
        Rule::input_decl | Rule::target_decl => {
            inner.next();
            let mut decls = Vec::new();
            for d in inner {
                let mut parts = d.into_inner();
                let name = ident(parts.next().expect("seq_decl has a name"));
                let mut next = parts.next();
                let shape = match next.as_ref() {
                    Some(p) if p.as_rule() == Rule::shape => {
                        let s = shape_spec(next.take().expect("just matched"))?;
                        next = parts.next();
                        Some(s)
                    }
                    _ => None,
                };
                let value = match next {
                    Some(list) => Some(seq_values(list)?),
                    None => None,
                };
                decls.push(Decl { name, shape, value });
            }
            if rule == Rule::input_decl {
                StmtKind::Input(decls)
            } else {
                StmtKind::Target(decls)
            }
        }
        Rule::opaque_decl => {
            inner.next(); // keyword
            StmtKind::Opaque(inner.map(ident).collect())
        }
        Rule::assume => {
            inner.next();
            let a = ident(inner.next().expect("assume has two words"));
            let b = ident(inner.next().expect("assume has two words"));
            StmtKind::Assume(a, b)
        }
        Rule::show => {
            inner.next();
            let name = ident(inner.next().expect("show has a name"));
            inner.next(); // `as`
            let s = inner.next().expect("show has a string");
            let s_span = span_of(&s);
            let body = s
                .into_inner()
                .next()
                .map(|b| b.as_str().to_string())
                .unwrap_or_default();
            StmtKind::Show(name, body, s_span)
        }
        Rule::style => {
            inner.next();
            let a = ident(inner.next().expect("style has two words"));
            let b = ident(inner.next().expect("style has two words"));
            StmtKind::Style(a, b)
        }
        Rule::equation => {
            let lhs_pair = inner.next().expect("equation has a left side");
            let rhs = build_expr(inner.next().expect("equation has a right side"))?;
            let mut lp = lhs_pair.into_inner();
            let name = ident(lp.next().expect("lhs has a name"));
            let lhs = match lp.next() {
                None => Lhs::Plain(name),
                Some(p) if p.as_rule() == Rule::lhs_index => {
                    Lhs::Indexed(name, build_expr(p.into_inner().next().expect("index holds an expr"))?)
                }
                Some(p) => Lhs::Function(name, p.into_inner().map(ident).collect()),
            };
            StmtKind::Equation(lhs, rhs)
        }
        other => unreachable!("grammar produced an unexpected statement {other:?}"),
    };
    Ok(Stmt { kind, span })
}

/// Builds an expression. Recursion here follows bracket nesting only, which
/// `blank_continuations` bounds by [`MAX_NESTING`].
fn build_expr(pair: Pair<Rule>) -> Result<Expr, ParseError> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::expr => {
            let mut inner = pair.into_inner();
            let first = build_expr(inner.next().expect("expr has a term"))?;
            let mut rest = Vec::new();
            while let Some(op) = inner.next() {
                let op = if op.as_str() == "+" { AddOp::Add } else { AddOp::Sub };
                rest.push((op, build_expr(inner.next().expect("operator has an operand"))?));
            }
            Ok(if rest.is_empty() {
                first
            } else {
                Expr {
                    kind: ExprKind::AddChain(Box::new(first), rest),
                    span,
                }
            })
        }
        Rule::term => {
            let mut inner = pair.into_inner();
            let first = build_expr(inner.next().expect("term has a factor"))?;
            let mut rest = Vec::new();
            while let Some(op) = inner.next() {
                let op = match op.as_str() {
                    "*" => MulOp::Mul,
                    "/" => MulOp::Div,
                    _ => MulOp::Hadamard,
                };
                rest.push((op, build_expr(inner.next().expect("operator has an operand"))?));
            }
            Ok(if rest.is_empty() {
                first
            } else {
                Expr {
                    kind: ExprKind::MulChain(Box::new(first), rest),
                    span,
                }
            })
        }
        // `seq_number` is a factor made of signs and one number, so a number
        // in a mixed list spans exactly what a plain list gives it (an
        // `expr` would take the whitespace after it).
        Rule::factor | Rule::seq_number => {
            let mut negs = 0usize;
            let mut body = None;
            for p in pair.into_inner() {
                if p.as_rule() == Rule::neg {
                    negs += 1;
                } else {
                    body = Some(build_expr(p)?);
                }
            }
            let body = body.expect("factor has a power");
            Ok(apply_negs(body, negs, span))
        }
        Rule::power => {
            // Operands with their own leading minus signs, folded from the right.
            let mut operands: Vec<(usize, Expr, Span)> = Vec::new();
            let mut negs = 0usize;
            let mut neg_start = None;
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::pow_op => {}
                    Rule::tick => {
                        let (n, e, s) = operands.pop().expect("a tick follows an operand");
                        let sp = Span::new(e.span.start, span_of(&p).end);
                        let t = Expr {
                            kind: ExprKind::Transpose(Box::new(e)),
                            span: sp,
                        };
                        operands.push((n, t, Span::new(s.start, sp.end)));
                    }
                    Rule::neg => {
                        negs += 1;
                        neg_start.get_or_insert(span_of(&p).start);
                    }
                    _ => {
                        let e = build_expr(p)?;
                        let s = Span::new(neg_start.take().unwrap_or(e.span.start), e.span.end);
                        operands.push((negs, e, s));
                        negs = 0;
                    }
                }
            }
            if operands.len() > MAX_POWER_CHAIN + 1 {
                return Err(ParseError::PowerChain { span });
            }
            let (n, e, s) = operands.pop().expect("power has an operand");
            let mut acc = apply_negs(e, n, s);
            while let Some((n, e, s)) = operands.pop() {
                let base = apply_negs(e, n, s);
                let sp = base.span.to(acc.span);
                acc = Expr {
                    kind: ExprKind::Pow(Box::new(base), Box::new(acc)),
                    span: sp,
                };
            }
            Ok(acc)
        }
        Rule::paren => {
            let inner = build_expr(pair.into_inner().next().expect("paren holds an expr"))?;
            Ok(Expr { kind: inner.kind, span })
        }
        Rule::number => {
            let text = pair.as_str();
            let q: Q = text.parse().map_err(|_| ParseError::Number {
                text: text.to_string(),
                span,
            })?;
            Ok(Expr {
                kind: ExprKind::Num(q),
                span,
            })
        }
        Rule::name => Ok(Expr {
            kind: ExprKind::Name(ident(pair.into_inner().next().expect("name"))),
            span,
        }),
        Rule::indexed => {
            // `x[t]` is a step (or a vector entry, which `shape` tells
            // apart); `W[1,2]` and every later bracket are entries.
            let mut inner = pair.into_inner();
            let name = ident(inner.next().expect("indexed has a name"));
            let mut acc: Option<Expr> = None;
            for br in inner {
                let end = span_of(&br).end;
                let mut idx = br.into_inner().map(build_expr).collect::<Result<Vec<_>, _>>()?;
                let sp = Span::new(span.start, end);
                let kind = match acc.take() {
                    None if idx.len() == 1 => ExprKind::Index(name.clone(), Box::new(idx.remove(0))),
                    None => {
                        let base = Expr {
                            kind: ExprKind::Name(name.clone()),
                            span: name.span,
                        };
                        ExprKind::Entry(Box::new(base), idx)
                    }
                    Some(base) => ExprKind::Entry(Box::new(base), idx),
                };
                acc = Some(Expr { kind, span: sp });
            }
            Ok(acc.expect("indexed has a bracket"))
        }
        Rule::list => {
            let items = pair.into_inner().map(build_expr).collect::<Result<Vec<_>, _>>()?;
            Ok(Expr {
                kind: ExprKind::List(items),
                span,
            })
        }
        Rule::call => {
            let mut inner = pair.into_inner();
            let name = ident(inner.next().expect("call has a name"));
            let args = inner.map(build_expr).collect::<Result<Vec<_>, _>>()?;
            Ok(Expr {
                kind: ExprKind::Call(name, args),
                span,
            })
        }
        Rule::sum => {
            let mut inner = pair.into_inner();
            inner.next(); // keyword
            let var = ident(inner.next().expect("sum has a variable"));
            let lo = build_expr(inner.next().expect("sum has a lower bound"))?;
            let hi = build_expr(inner.next().expect("sum has an upper bound"))?;
            let body = build_expr(inner.next().expect("sum has a body"))?;
            Ok(Expr {
                kind: ExprKind::Sum {
                    var,
                    lo: Box::new(lo),
                    hi: Box::new(hi),
                    body: Box::new(body),
                },
                span,
            })
        }
        other => unreachable!("grammar produced an unexpected expression {other:?}"),
    }
}

/// The elements of a `[ ... ]` list: split from a `plain_list` when every
/// element is a signed number or a quotient of such (each then one number,
/// `Num`, with the general rule's value and span: a list of 10⁵ fractions
/// as trees of quotients and signs took 60 MB), built one by one otherwise.
fn seq_values(list: Pair<Rule>) -> Result<Vec<Expr>, ParseError> {
    let inner = list.into_inner().next().expect("seq_values holds a list");
    if inner.as_rule() == Rule::list_general {
        return inner.into_inner().map(build_expr).collect();
    }
    let (text, base) = (inner.as_str(), inner.as_span().start());
    match plain_numbers(text, base) {
        Some(items) => Ok(items),
        None => reread_list(inner.as_span().get_input(), text, base),
    }
}

/// The elements of `[a, b, ...]` starting at byte `base`, when each is an
/// optionally negated `digits` or `digits.digits`, or such a number over
/// another written without spaces (`-13/100`, the usual form of rational
/// data); `None` otherwise (the general rule then reads the list, errors
/// included).
fn plain_numbers(text: &str, base: usize) -> Option<Vec<Expr>> {
    // Only the grammar's blanks: `str::trim` would also take U+00A0,
    // which the general rule refuses.
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let body = &text[1..text.len() - 1];
    if body.trim_matches(blank).is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    let mut at = base + 1;
    for item in body.split(',') {
        let start = at + (item.len() - item.trim_start_matches(blank).len());
        let item_text = item.trim_matches(blank);
        at += item.len() + 1;
        let (negs, digits) = match item_text.strip_prefix('-') {
            Some(rest) => (1, rest),
            None => (0, item_text),
        };
        let (numer, denom) = match digits.split_once('/') {
            Some((n, d)) => (n, Some(d)),
            None => (digits, None),
        };
        let mut value = plain_number(numer)?;
        if negs == 1 {
            value = -value;
        }
        let span = match denom {
            None => Span::new(start, start + negs + numer.len()),
            // The general rule's quotient runs on over the blanks before
            // the next `,` (pest skips them inside the repetition of `term`).
            Some(d) => {
                let d = plain_number(d)?;
                if d.is_zero() {
                    return None; // the general rule reads it, and resolution says why
                }
                // `- 13/100` is `(-13)/100` to the general rule: the same number.
                value = &value / &d;
                Span::new(start, at - 1)
            }
        };
        out.push(Expr {
            kind: ExprKind::Num(value),
            span,
        });
    }
    Some(out)
}

/// The value of `digits` or `digits.digits`, as the `number` rule reads it.
fn plain_number(text: &str) -> Option<Q> {
    let (int, frac) = text.split_once('.').unwrap_or((text, "1"));
    let plain = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !plain(int) || !plain(frac) {
        return None;
    }
    text.parse().ok()
}

/// A bracket-free list with some element that is not a plain number, read
/// again on its own by the general list rule; spans and error positions are
/// moved by `base` into the whole file (`full`).
fn reread_list(full: &str, text: &str, base: usize) -> Result<Vec<Expr>, ParseError> {
    let mut pairs = ModelParser::parse(Rule::list_only, text).map_err(|mut e| {
        e.location = match e.location {
            pest::error::InputLocation::Pos(p) => pest::error::InputLocation::Pos(p + base),
            pest::error::InputLocation::Span((a, b)) => pest::error::InputLocation::Span((a + base, b + base)),
        };
        syntax_error(full, e)
    })?;
    let list = pairs.next().expect("list_only yields one pair");
    let general = list.into_inner().next().expect("list_only holds a list");
    let mut items = general.into_inner().map(build_expr).collect::<Result<Vec<_>, _>>()?;
    for e in &mut items {
        e.shift_spans(base);
    }
    Ok(items)
}

/// `2` or `2x3`.
fn shape_spec(pair: Pair<Rule>) -> Result<ShapeSpec, ParseError> {
    let span = span_of(&pair);
    let text = pair.as_str();
    let dim = |d: &str| {
        d.parse::<usize>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| ParseError::Number {
                text: text.to_string(),
                span,
            })
    };
    Ok(match text.split_once('x') {
        Some((r, c)) => ShapeSpec {
            rows: dim(r)?,
            cols: Some(dim(c)?),
            span,
        },
        None => ShapeSpec {
            rows: dim(text)?,
            cols: None,
            span,
        },
    })
}

/// `--x` is `x`: pairs of signs cancel, so a run of signs never deepens the tree.
fn apply_negs(e: Expr, negs: usize, span: Span) -> Expr {
    if negs % 2 == 0 {
        e
    } else {
        Expr {
            kind: ExprKind::Neg(Box::new(e)),
            span,
        }
    }
}
