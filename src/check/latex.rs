//! Math text (the inside of `$…$`, `$$…$$`, an `align`) to [`Line`]s of
//! [`check::math`](super::math) trees.
//!
//! Two passes. `prepare` is a byte scanner, no recursion: it splits the
//! text at `\\` (and at `\Rightarrow`, `, \quad` between two claims), joins a
//! line that continues the one before it (`&= …`, `&\qquad …`, a line after
//! a trailing `\cdot`), and replaces decorations by spaces so that every byte
//! offset stays exact. Then each logical line is checked against the limits
//! and read by `grammar/latex.pest`; the pairs become a [`Math`] tree.
//!
//! The input is untrusted: over-long text, deep nesting and long numbers give
//! an [`Line::Unparsed`] with a message, never a panic or a stack overflow.

use super::math::*;
use crate::syntax::Span;
use pest::iterators::Pair;
use pest::Parser;
use std::collections::HashMap;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/latex.pest"]
struct LatexParser;

/// Longer math texts are not read at all (one `Unparsed` line).
pub const MAX_TEXT: usize = 100_000;
/// Brackets and braces may nest this deep; pest recurses once per level.
pub const MAX_DEPTH: usize = 64;
/// Digits in one number.
pub const MAX_NUMBER: usize = 300;
/// The power of ten of a number in scientific notation (`1.5e-300`,
/// `2 \times 10^{40}`): beyond it, the exact value alone would be a very
/// long integer, which nothing written by hand needs.
pub const MAX_DECIMAL_EXPONENT: i64 = 10_000;
/// `\sum`/`\prod` in one line: a big operator's body is read recursively
/// without a bracket, so their count bounds the recursion.
pub const MAX_BIG_OPS: usize = 16;
/// The tree builder stops with a message when less stack than this is left.
const MIN_STACK: usize = 32 * 1024;

/// Reads every line of a math text. Never panics; what can't be read is an
/// `Unparsed` line covering the whole logical line.
///
/// ```
/// use chainrule::check::{latex::read_math, math::Line};
/// let lines = read_math(r"h &= 1 \\ &= 1.0");
/// assert_eq!(lines.len(), 1);
/// let Line::Chain(c) = &lines[0] else { panic!() };
/// assert_eq!(c.members.len(), 3);
/// ```
pub fn read_math(text: &str) -> Vec<Line> {
    if text.len() > MAX_TEXT {
        return vec![Line::Unparsed {
            span: Span::new(0, text.len()),
            message: format!("this formula is longer than {MAX_TEXT} bytes; split it"),
        }];
    }
    let prep = prepare(text);
    prep.lines
        .iter()
        .map(|&(s, e)| {
            // A line holding a matrix is not read at all: its `&` and `\\`
            // separate entries, and no scalar claim can be made of them.
            match prep.blocks.iter().find(|b| b.start < e && s < b.end) {
                Some(b) => Line::Unparsed {
                    span: Span::new(s, e),
                    message: block_message(&b.env),
                },
                None => read_line(&prep.blanked, s, e),
            }
        })
        .collect()
}

/// Why a line with a matrix (or cases) block was not read.
fn block_message(env: &str) -> String {
    if env.starts_with("cases") || env.starts_with("dcases") {
        format!("a definition by cases (`{env}`) is not read yet; this formula was not checked")
    } else {
        format!("matrix notation (`{env}`) is not read yet; this formula was not checked")
    }
}

// ---------------------------------------------------------------------------
// Pass 1: split, join and blank.

struct Prepared {
    /// `text` with decorations replaced by spaces: the same length, and
    /// valid UTF-8 because only whole characters are replaced.
    blanked: String,
    /// Logical lines as byte ranges, in order.
    lines: Vec<(usize, usize)>,
    /// Matrix and cases blocks, `\begin{bmatrix}` to `\end{bmatrix}`: never
    /// split into lines or cells, and a line holding one is not read.
    blocks: Vec<Block>,
}

struct Block {
    start: usize,
    end: usize,
    env: String,
}

/// Environments whose `&` and `\\` separate cells, not claims.
const MATRIX_ENVS: &[&str] = &[
    "matrix",
    "pmatrix",
    "bmatrix",
    "Bmatrix",
    "vmatrix",
    "Vmatrix",
    "smallmatrix",
    "array",
    "cases",
    "dcases",
];

/// The end of the block `\begin{env}` whose name ends at `from`: just after
/// its matching `\end{env}` (blocks of the same name nest), or the end of
/// the text when it is never closed.
fn block_end(text: &str, env: &str, from: usize) -> usize {
    let (open, close) = (format!("\\begin{{{env}}}"), format!("\\end{{{env}}}"));
    let mut depth = 1usize;
    let mut i = from;
    while let Some(p) = text[i..].find(['\\']) {
        let at = i + p;
        if text[at..].starts_with(&close) {
            depth -= 1;
            i = at + close.len();
            if depth == 0 {
                return i;
            }
        } else if text[at..].starts_with(&open) {
            depth += 1;
            i = at + open.len();
        } else {
            i = at + 1;
        }
    }
    text.len()
}

/// Words that `\text{…}` may hold between formulas; any other single word
/// (`\text{loss}`) is a name.
const TEXT_WORDS: &[&str] = &[
    "and",
    "or",
    "so",
    "where",
    "with",
    "for",
    "thus",
    "hence",
    "then",
    "since",
    "because",
    "is",
    "are",
    "the",
    "at",
    "we",
    "get",
    "gives",
    "by",
    "from",
    "of",
    "in",
    "on",
    "if",
    "let",
    "given",
    "using",
    "therefore",
    "which",
    "when",
    "as",
    "to",
    "giving",
    "yields",
];

/// Commands that are only spacing or layout.
const BLANK_COMMANDS: &[&str] = &[
    "quad",
    "qquad",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "nonumber",
    "notag",
    "limits",
    "nolimits",
    "hfill",
    "enspace",
    "thinspace",
    "medspace",
    "thickspace",
    "negthinspace",
    "middle",
];

/// Commands whose braced argument is layout, not math.
const BLANK_WITH_ARG: &[&str] = &[
    "tag",
    "label",
    "hspace",
    "vspace",
    "begin",
    "end",
    "phantom",
    "intertext",
];

const TEXT_COMMANDS: &[&str] = &["text", "textrm", "textit", "textbf", "textsf", "mbox"];

/// Connectives that end one claim and start another.
const ARROWS: &[&str] = &["therefore", "Rightarrow", "implies", "Longrightarrow", "iff", "because"];

fn is_word(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic()) && b.all(|c| c.is_ascii_alphanumeric())
}

fn blank(buf: &mut [u8], from: usize, to: usize) {
    let to = to.min(buf.len());
    for b in &mut buf[from..to] {
        *b = b' ';
    }
}

/// `{` positions (not `\{`) to their matching `}`: one pass with a stack.
fn match_braces(bytes: &[u8]) -> HashMap<usize, usize> {
    let mut stack = Vec::new();
    let mut map = HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => stack.push(i),
            b'}' => {
                if let Some(o) = stack.pop() {
                    map.insert(o, i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    map
}

/// The index just after a command name that starts at `i` (the byte after `\`).
fn name_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
        j += 1;
    }
    j
}

/// Whether `rest` (what follows `, \quad`) is a range of steps up to the
/// end of its line: a comparison such as `1 \le t \le T - 1` or `t < T`,
/// with no `=` of another claim.
fn is_step_range(rest: &str) -> bool {
    let line = rest.lines().next().unwrap_or("");
    let line = line.split("\\\\").next().unwrap_or("");
    let cmp = ["\\le", "\\ge", "<", ">"].iter().any(|c| line.contains(c));
    cmp && !line.contains('=') && !line.contains('$')
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn all_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace())
}

fn prepare(text: &str) -> Prepared {
    let src = text.as_bytes();
    let mut buf = src.to_vec();
    let braces = match_braces(src);
    // Ranges (already blanked) where one raw line ends and the next starts.
    let mut breaks: Vec<(usize, usize)> = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut line_start = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'\\' if i + 1 < src.len() && src[i + 1].is_ascii_alphabetic() => {
                let j = name_end(src, i + 1);
                let name = &text[i + 1..j];
                let at_line_start = all_blank(&buf[line_start..i]);
                let env = (name == "begin")
                    .then(|| braces.get(&j).map(|&close| (text[j + 1..close].trim(), close)))
                    .flatten()
                    .filter(|(env, _)| MATRIX_ENVS.contains(&env.trim_end_matches('*')));
                if let Some((env, close)) = env {
                    let end = block_end(text, env, close + 1);
                    blocks.push(Block {
                        start: i,
                        end,
                        env: env.to_string(),
                    });
                    i = end;
                    continue;
                }
                if BLANK_COMMANDS.contains(&name) {
                    blank(&mut buf, i, j);
                    // `h = 2 \quad y = 3`: a wide space between two formulas
                    // separates them (a wrapped line's `&\qquad` starts its line).
                    if matches!(name, "quad" | "qquad") && !at_line_start && depth == 0 {
                        breaks.push((i, j));
                        line_start = j;
                    }
                } else if (name == "left" || name == "right") && src.get(j) == Some(&b'.') {
                    blank(&mut buf, i, j + 1);
                } else if BLANK_WITH_ARG.contains(&name) || TEXT_COMMANDS.contains(&name) || name == "boxed" {
                    let mut k = j;
                    if src.get(k) == Some(&b'*') {
                        k += 1;
                    }
                    k = skip_spaces(src, k);
                    match braces.get(&k) {
                        Some(&close) => {
                            let inner = text[k + 1..close].trim();
                            let keep_text = TEXT_COMMANDS.contains(&name)
                                && name != "intertext"
                                && is_word(inner)
                                && !TEXT_WORDS.contains(&inner.to_ascii_lowercase().as_str());
                            if keep_text {
                                // A name such as `\text{loss}`: the grammar reads it.
                            } else if name == "boxed" && !(at_line_start && is_label(inner)) {
                                // A boxed answer: the box goes, the math stays.
                                blank(&mut buf, i, k + 1);
                                blank(&mut buf, close, close + 1);
                            } else {
                                blank(&mut buf, i, close + 1);
                                // Prose between formulas (`\text{ since }`,
                                // `\text{(path 1)}`) ends the claim before
                                // it: read as nothing, `h = 1.65 \text{ since }
                                // h_0 = 0.2` would multiply 1.65 by h_0.
                                if TEXT_COMMANDS.contains(&name) && !at_line_start && depth == 0 {
                                    breaks.push((i, close + 1));
                                    line_start = close + 1;
                                }
                                i = close + 1;
                                continue;
                            }
                        }
                        None => blank(&mut buf, i, j),
                    }
                } else if ARROWS.contains(&name) {
                    blank(&mut buf, i, j);
                    if !at_line_start && depth == 0 {
                        breaks.push((i, j));
                        line_start = j;
                    }
                }
                i = j;
                continue;
            }
            b'\\' if i + 1 < src.len() => {
                match src[i + 1] {
                    b'\\' => {
                        // `\\`, `\\*`, `\\[4pt]`
                        let mut k = i + 2;
                        if src.get(k) == Some(&b'*') {
                            k += 1;
                        }
                        if src.get(k) == Some(&b'[') {
                            if let Some(off) = src[k..].iter().position(|&b| b == b']') {
                                if src[k + 1..k + off]
                                    .iter()
                                    .all(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b' ')
                                {
                                    k += off + 1;
                                }
                            }
                        }
                        blank(&mut buf, i, k);
                        breaks.push((i, k));
                        line_start = k;
                        depth = 0;
                        i = k;
                        continue;
                    }
                    b',' | b';' | b':' | b'!' | b' ' | b'>' => blank(&mut buf, i, i + 2),
                    _ => {}
                }
                i += 2;
                continue;
            }
            // `&& 1 \le t \le T - 1`: the column a range of steps sits in
            // becomes the `,` the grammar reads a range after (same width).
            b'&' if src.get(i + 1) == Some(&b'&') => {
                buf[i] = b',';
                blank(&mut buf, i + 1, i + 2);
                i += 1;
            }
            b'&' | b'~' => blank(&mut buf, i, i + 1),
            b'%' => {
                let end = src[i..].iter().position(|&b| b == b'\n').map_or(src.len(), |p| i + p);
                blank(&mut buf, i, end);
                i = end;
                continue;
            }
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b',' | b';' if depth == 0 => {
                // `h = 2, \quad y = 3`: two claims on one line; but
                // `…, \quad 1 \le t \le T - 1` is the range of steps the
                // claim speaks of: the wide space is blank and the comma
                // stays for the grammar's range.
                let k = skip_spaces(src, i + 1);
                let rest = &text[k..];
                let quad = ["\\qquad", "\\quad"]
                    .into_iter()
                    .find(|q| rest.starts_with(q) && !rest[q.len()..].starts_with(|c: char| c.is_ascii_alphabetic()));
                if let Some(q) = quad.filter(|q| b',' == src[i] && is_step_range(&rest[q.len()..])) {
                    blank(&mut buf, k, k + q.len());
                    i = k + q.len();
                    continue;
                }
                if quad.is_some() {
                    blank(&mut buf, i, i + 1);
                    breaks.push((i, i + 1));
                    line_start = i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    breaks.push((src.len(), src.len()));

    // Raw lines, their labels, and whether each continues the one before.
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut prev_ends_with_op = false;
    let mut start = 0;
    for &(b, after) in &breaks {
        let (s, e) = (start, b);
        start = after;
        strip_label(&mut buf, s, e);
        let Some((fs, fe)) = trimmed(&buf, s, e) else { continue };
        let head = &buf[fs..fe];
        let starts_rel = head.starts_with(b"=")
            || [&b"\\approx"[..], b"\\simeq", b"\\doteq"]
                .iter()
                .any(|c| head.starts_with(c) && !head.get(c.len()).is_some_and(|x| x.is_ascii_alphabetic()));
        let starts_op = head.starts_with(b"+") || head.starts_with(b"\\cdot") || head.starts_with(b"\\times");
        // `&\qquad …` is how a long expression is wrapped in an align.
        let k = skip_spaces(src, s);
        let indented = src.get(k) == Some(&b'&') && {
            let m = skip_spaces(src, k + 1);
            text[m..].starts_with("\\quad") || text[m..].starts_with("\\qquad")
        };
        let continues = starts_rel || starts_op || indented || prev_ends_with_op;
        match lines.last_mut() {
            Some(last) if continues => last.1 = fe,
            _ => lines.push((fs, fe)),
        }
        prev_ends_with_op = [&b"+"[..], b"-", b"*", b"/", b"=", b"\\cdot", b"\\times"]
            .iter()
            .any(|op| head.ends_with(op));
    }
    // Trailing `.`, `,` and `;` close a sentence, not a formula.
    for l in &mut lines {
        if matches!(buf[l.1 - 1], b'.' | b',' | b';') {
            buf[l.1 - 1] = b' ';
            if let Some((s, e)) = trimmed(&buf, l.0, l.1) {
                *l = (s, e);
            }
        }
    }
    lines.retain(|&(s, e)| trimmed(&buf, s, e).is_some());
    // Only ASCII bytes inside whole ASCII-delimited ranges were replaced, so
    // this cannot fail; if it ever did, reading nothing beats panicking.
    let blanked = String::from_utf8(buf).unwrap_or_else(|_| " ".repeat(text.len()));
    Prepared { blanked, lines, blocks }
}

/// The non-blank part of `buf[s..e]`.
fn trimmed(buf: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
    let fs = (s..e).find(|&i| !buf[i].is_ascii_whitespace())?;
    let fe = (s..e).rev().find(|&i| !buf[i].is_ascii_whitespace())? + 1;
    Some((fs, fe))
}

/// What a label in `\boxed{…}` looks like: `1)`, `(a)`, `b.`, `iii`.
fn is_label(s: &str) -> bool {
    let s = s.trim();
    let core = s.trim_start_matches('(').trim_end_matches([')', '.', ':']);
    !core.is_empty() && core.len() <= 4 && core.bytes().all(|b| b.is_ascii_alphanumeric()) && core != s
        || s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Blanks leading labels and bullets of a raw line: `*`, `(a) `, `1) `, `b. `.
fn strip_label(buf: &mut [u8], s: usize, e: usize) {
    let Some((fs, _)) = trimmed(buf, s, e) else { return };
    if buf[fs] == b'*' {
        blank(buf, fs, fs + 1);
        return;
    }
    let line = &buf[fs..e];
    let (open, from) = if line.first() == Some(&b'(') {
        (true, 1)
    } else {
        (false, 0)
    };
    let n = line[from..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    if n == 0 || n > 4 {
        return;
    }
    let word = &line[from..from + n];
    let after = line.get(from + n);
    let closes = if open {
        after == Some(&b')')
    } else {
        matches!(after, Some(b')') | Some(b'.'))
    };
    let label_like = word.iter().all(|b| b.is_ascii_digit())
        || word.len() == 1
        || word.iter().all(|b| matches!(b, b'i' | b'v' | b'x'));
    let followed_by_space = line.get(from + n + 1).is_some_and(|b| b.is_ascii_whitespace());
    // `(2)` alone could be math; a label needs text after it.
    let rest_nonblank = !all_blank(&line[(from + n + 1).min(line.len())..]);
    if closes && label_like && followed_by_space && rest_nonblank {
        blank(buf, fs, fs + from + n + 1);
    }
}

// ---------------------------------------------------------------------------
// Pass 2: limits, pest, and the tree.

type Fail = (Span, String);

fn read_line(blanked: &str, s: usize, e: usize) -> Line {
    let span = Span::new(s, e);
    let unparsed = |message: String| Line::Unparsed { span, message };
    let text = &blanked[s..e];
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'{' | b'(' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return unparsed(format!("brackets and braces nest more than {MAX_DEPTH} deep"));
                }
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let bigs = text.matches("\\sum").count() + text.matches("\\prod").count();
    if bigs > MAX_BIG_OPS {
        return unparsed(format!("more than {MAX_BIG_OPS} sums or products in one line"));
    }
    let pairs = match LatexParser::parse(Rule::line, text) {
        Ok(p) => p,
        Err(err) => {
            let pos = match err.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((p, _)) => p,
            };
            let near: String = text[pos..].chars().take(24).collect();
            let stack = matches!(&err.variant, pest::error::ErrorVariant::CustomError { message } if message.contains("limit reached"));
            let message = if stack {
                "nested too deeply for this thread's stack".to_string()
            } else if near.trim().is_empty() {
                "cannot read this as math: it ends too early".to_string()
            } else {
                format!("cannot read this as math from `{}`", near.trim())
            };
            return unparsed(message);
        }
    };
    let b = Builder { off: s, text };
    let Some(line) = pairs.into_iter().next() else {
        return unparsed("empty".into());
    };
    let mut line_pairs = line.into_inner();
    let Some(chain) = line_pairs.find(|p| p.as_rule() == Rule::chain) else {
        return unparsed("empty".into());
    };
    // A bare `,` (a trailing comma, `&&` before prose) is no range.
    let range = line_pairs
        .find(|p| p.as_rule() == Rule::range)
        .filter(|r| r.clone().into_inner().any(|c| c.as_rule() == Rule::expr));
    match b.chain(chain) {
        Ok(mut c) => {
            if let Some(r) = range {
                match b.range(r) {
                    Ok(r) => c.range = Some(Box::new(r)),
                    Err((_, m)) => return unparsed(m),
                }
            }
            Line::Chain(c)
        }
        Err((_, m)) => unparsed(m),
    }
}

struct Builder<'a> {
    off: usize,
    /// The line as pest read it, to trim spans.
    text: &'a str,
}

fn boxed(m: Math) -> Box<Math> {
    Box::new(m)
}

impl Builder<'_> {
    /// A pair's span without the whitespace pest consumed at its end (a
    /// non-atomic rule ends after the spaces before a token it didn't take).
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let trimmed = self.text[s.start()..s.end()].trim_end().len();
        Span::new(s.start() + self.off, s.start() + trimmed + self.off)
    }

    fn fail<T>(&self, p: &Pair<Rule>, msg: impl Into<String>) -> Result<T, Fail> {
        Err((self.span(p), msg.into()))
    }

    fn chain(&self, p: Pair<Rule>) -> Result<Chain, Fail> {
        let span = self.span(&p);
        let mut members = Vec::new();
        let mut relations = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => members.push(self.expr(c)?),
                Rule::rel_eq => relations.push((Relation::Eq, self.span(&c))),
                Rule::rel_approx => relations.push((Relation::Approx, self.span(&c))),
                _ => {}
            }
        }
        Ok(Chain {
            members,
            relations,
            span,
            range: None,
        })
    }

    /// `a \le t \le b`, `t \ge a`, `t < b`: which side is the variable
    /// decides which bound each number is.
    fn range(&self, p: Pair<Rule>) -> Result<StepRange, Fail> {
        let span = self.span(&p);
        let mut parts = Vec::new();
        let mut cmps = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => parts.push(self.expr(c)?),
                Rule::range_cmp => cmps.push(c.as_str().to_string()),
                _ => {}
            }
        }
        let var_of = |m: &Math| match &m.kind {
            MathKind::Symbol(s) if s.sub.is_none() && s.sup.is_none() => Some(s.base.clone()),
            _ => None,
        };
        // `<`/`\le` read left to right: lower bounds come first.
        let less = |c: &str| c.starts_with('<') || c.starts_with("\\l");
        let strict = |c: &str| c == "<" || c == ">";
        let bad = || (span, "a range of steps is written `1 \\le t \\le T - 1`".to_string());
        match (parts.as_slice(), cmps.as_slice()) {
            ([a, v, b], [c1, c2]) if less(c1) == less(c2) => {
                let var = var_of(v).ok_or_else(bad)?;
                let (lo, hi) = if less(c1) {
                    ((a.clone(), strict(c1)), (b.clone(), strict(c2)))
                } else {
                    ((b.clone(), strict(c2)), (a.clone(), strict(c1)))
                };
                Ok(StepRange {
                    var,
                    lo: Some(lo),
                    hi: Some(hi),
                })
            }
            ([a, b], [c]) => {
                // The horizon `T` is a bound, never the variable (`T > t`).
                let (var, bound, var_first) = match (var_of(a), var_of(b)) {
                    (Some(v), w) if v != "T" || w.is_none() => (v, b.clone(), true),
                    (_, Some(v)) => (v, a.clone(), false),
                    _ => return Err(bad()),
                };
                // `t < b` and `a < t`: an upper bound when the variable is
                // on the small side.
                let upper = less(c) == var_first;
                let bound = Some((bound, strict(c)));
                Ok(if upper {
                    StepRange {
                        var,
                        lo: None,
                        hi: bound,
                    }
                } else {
                    StepRange {
                        var,
                        lo: bound,
                        hi: None,
                    }
                })
            }
            _ => Err(bad()),
        }
    }

    fn expr(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        // Every nesting level passes through here. Pest stops with 64 KiB
        // left; the builder's frames are larger than pest's, so it checks too.
        if stacker::remaining_stack().is_some_and(|r| r < MIN_STACK) {
            return Err((span, "nested too deeply for this thread's stack".into()));
        }
        let mut terms: Vec<(bool, Math)> = Vec::new();
        let mut neg_next = false;
        let mut lead: Option<Span> = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::lead_neg => lead = Some(self.span(&c)),
                Rule::add_op => neg_next = c.as_str() == "-",
                Rule::term => {
                    let mut t = self.term(c)?;
                    if let Some(l) = lead.take() {
                        let s = l.to(t.span);
                        t = Math {
                            kind: MathKind::Neg(boxed(t)),
                            span: s,
                        };
                    }
                    terms.push((neg_next, t));
                    neg_next = false;
                }
                _ => {}
            }
        }
        if terms.len() == 1 {
            return Ok(terms.pop().expect("one term").1);
        }
        Ok(Math {
            kind: MathKind::Sum(terms),
            span,
        })
    }

    fn term(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        let mut factors: Vec<(bool, Math)> = Vec::new();
        let mut div = false;
        // The factor follows an explicit `\times`, `\cdot` or `*`.
        let mut times = false;
        for c in p.into_inner() {
            let f = match c.as_rule() {
                Rule::mul_times => {
                    (div, times) = (false, true);
                    continue;
                }
                Rule::mul_div => {
                    (div, times) = (true, false);
                    continue;
                }
                Rule::factor => self.factor(c)?,
                Rule::signed => self.signed(c)?,
                _ => continue,
            };
            // `1.49 \times 10^{-63}`: one number in scientific notation, read
            // as `1.49e-63` so that its places (and rounding) are the ones
            // written, as chainrule prints small values.
            let merged = match factors.last() {
                Some((false, prev)) if times && !div => scientific(prev, &f),
                _ => None,
            };
            match merged {
                Some(n) => {
                    if let Some(last) = factors.last_mut() {
                        last.1 = n;
                    }
                }
                None => factors.push((div, f)),
            }
            (div, times) = (false, false);
        }
        if factors.len() == 1 {
            return Ok(factors.pop().expect("one factor").1);
        }
        Ok(Math {
            kind: MathKind::Product(factors),
            span,
        })
    }

    fn signed(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        let mut neg = false;
        let mut inner = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::neg => neg = true,
                _ => inner = Some(self.factor(c)?),
            }
        }
        let inner = inner.expect("signed has a factor");
        Ok(if neg {
            Math {
                kind: MathKind::Neg(boxed(inner)),
                span,
            }
        } else {
            inner
        })
    }

    /// `factor` and `operand`: an atom and the scripts written after it.
    fn factor(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let atom = it.next().expect("factor has an atom");
        let from_curly = atom.as_rule() == Rule::group
            && atom
                .clone()
                .into_inner()
                .next()
                .is_some_and(|g| g.as_rule() == Rule::curly_group);
        let base = self.atom(atom)?;
        let Some(scripts) = it.next() else { return Ok(base) };
        let (sub, sup) = self.scripts(scripts)?;
        if sub.is_none() && sup.is_none() {
            return Ok(base);
        }
        // `{x}^{(2)}` is the symbol x⁽²⁾.
        let base = match base.kind {
            MathKind::Group(inner) if from_curly && matches!(inner.kind, MathKind::Symbol(_)) => *inner,
            kind => Math { kind, span: base.span },
        };
        match base.kind {
            MathKind::Symbol(mut sym)
                if !(sub.is_some() && sym.sub.is_some() || sup.is_some() && sym.sup.is_some()) =>
            {
                if sub.is_some() {
                    sym.sub = sub;
                }
                if sup.is_some() {
                    sym.sup = sup;
                }
                Ok(Math {
                    kind: MathKind::Symbol(sym),
                    span,
                })
            }
            kind => {
                let base = Math { kind, span: base.span };
                if let Some(s) = sub {
                    return Err((s.span, format!("cannot read the subscript `{}` here", s.text)));
                }
                let sup = sup.expect("a superscript");
                let Some(exp) = sup.math else {
                    return Err((sup.span, format!("cannot read the exponent `{}` as math", sup.text)));
                };
                Ok(Math {
                    kind: MathKind::Pow(boxed(base), exp),
                    span,
                })
            }
        }
    }

    fn scripts(&self, p: Pair<Rule>) -> Result<(Option<Script>, Option<Script>), Fail> {
        let (mut sub, mut sup) = (None, None);
        for c in p.into_inner() {
            let is_sub = c.as_rule() == Rule::sub;
            let arg = c.into_inner().next().expect("a script has an argument");
            let s = self.script(arg)?;
            if is_sub {
                sub = Some(s);
            } else {
                sup = Some(s);
            }
        }
        Ok((sub, sup))
    }

    /// `script_braced` or `script_tok`.
    fn script(&self, p: Pair<Rule>) -> Result<Script, Fail> {
        let span = self.span(&p);
        let raw = p.as_str();
        let raw = if p.as_rule() == Rule::script_braced {
            &raw[1..raw.len() - 1]
        } else {
            raw
        };
        let text: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let inner = p.into_inner().next().expect("a script has content");
        let math = match inner.as_rule() {
            Rule::script_expr => Some(boxed(self.expr(inner.into_inner().next().expect("an expr"))?)),
            Rule::script_raw => None,
            Rule::script_tok => Some(boxed(self.token(inner.into_inner().next().expect("a token"))?)),
            _ => Some(boxed(self.token(inner)?)),
        };
        Ok(Script { text, math, span })
    }

    /// A single-character argument: a digit, a letter or a Greek name.
    fn token(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::digit1 | Rule::number => MathKind::Number(p.as_str().to_string()),
            _ => MathKind::Symbol(Symbol {
                base: p.as_str().to_string(),
                sub: None,
                sup: None,
            }),
        };
        Ok(Math { kind, span })
    }

    fn atom(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        let m = |kind| Ok(Math { kind, span });
        match p.as_rule() {
            Rule::number => {
                if p.as_str().len() > MAX_NUMBER {
                    return self.fail(&p, format!("a number longer than {MAX_NUMBER} characters"));
                }
                if let Some((_, e)) = p.as_str().split_once(['e', 'E']) {
                    if e.trim_start_matches(['+', '-'])
                        .parse::<i64>()
                        .map_or(true, |e| e > MAX_DECIMAL_EXPONENT)
                    {
                        return self.fail(&p, format!("a power of ten beyond {MAX_DECIMAL_EXPONENT}"));
                    }
                }
                m(MathKind::Number(p.as_str().to_string()))
            }
            Rule::frac => {
                let mut it = p.into_inner().skip(1);
                let first = it.next().expect("frac body");
                match first.as_rule() {
                    Rule::deriv_frac => {
                        let mut ex = first.into_inner().filter(|c| c.as_rule() == Rule::expr);
                        let of = self.expr(ex.next().expect("numerator"))?;
                        let wrt = self.expr(ex.next().expect("denominator"))?;
                        m(MathKind::Derivative {
                            of: boxed(of),
                            wrt: boxed(wrt),
                        })
                    }
                    Rule::deriv_op => {
                        let mut wrt = None;
                        let mut of = None;
                        for c in first.into_inner() {
                            match c.as_rule() {
                                Rule::expr => wrt = Some(self.expr(c)?),
                                Rule::operand => of = Some(self.factor(c)?),
                                _ => {}
                            }
                        }
                        let (of, wrt) = (of.expect("operand"), wrt.expect("denominator"));
                        m(MathKind::Derivative {
                            of: boxed(of),
                            wrt: boxed(wrt),
                        })
                    }
                    _ => {
                        let second = it.next().expect("denominator");
                        let a = self.frac_arg(first)?;
                        let b = self.frac_arg(second)?;
                        m(MathKind::Frac(boxed(a), boxed(b)))
                    }
                }
            }
            Rule::big => {
                let mut op = BigOp::Sum;
                let (mut var, mut lo, mut hi, mut body) = (String::new(), None, None, None);
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::big_op => {
                            op = if c.as_str() == "\\prod" {
                                BigOp::Prod
                            } else {
                                BigOp::Sum
                            }
                        }
                        Rule::big_lo => {
                            for d in c.into_inner() {
                                match d.as_rule() {
                                    Rule::big_var => var = d.as_str().trim().to_string(),
                                    _ => lo = Some(self.expr(d)?),
                                }
                            }
                        }
                        Rule::big_hi => {
                            let s = self.script(c.into_inner().next().expect("upper limit"))?;
                            match s.math {
                                Some(x) => hi = Some(*x),
                                None => return Err((s.span, format!("cannot read the upper limit `{}`", s.text))),
                            }
                        }
                        _ => body = Some(self.term(c)?),
                    }
                }
                m(MathKind::Big {
                    op,
                    var,
                    lo: boxed(lo.expect("lower limit")),
                    hi: boxed(hi.expect("upper limit")),
                    body: boxed(body.expect("body")),
                })
            }
            Rule::indicator => {
                let mut sides = Vec::new();
                let mut flip = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::expr => sides.push(self.expr(c)?),
                        Rule::ind_rel => flip = c.as_str().starts_with('<') || c.as_str().starts_with("\\l"),
                        _ => {}
                    }
                }
                let (b, a) = (sides.pop().expect("right side"), sides.pop().expect("left side"));
                let (hi, lo) = if flip { (b, a) } else { (a, b) };
                let diff = Math {
                    kind: MathKind::Sum(vec![(false, hi), (true, lo)]),
                    span,
                };
                m(MathKind::Func(Func::Step, boxed(diff)))
            }
            Rule::sqrt => {
                let arg = p.into_inner().nth(1).expect("sqrt argument");
                let a = self.arg_or_token(arg)?;
                m(MathKind::Func(Func::Sqrt, boxed(a)))
            }
            Rule::partial_ratio => {
                let mut ops = p.into_inner().filter(|c| c.as_rule() == Rule::operand);
                let of = self.factor(ops.next().expect("of"))?;
                let wrt = self.factor(ops.next().expect("wrt"))?;
                m(MathKind::Derivative {
                    of: boxed(of),
                    wrt: boxed(wrt),
                })
            }
            Rule::sigma_call | Rule::func_call | Rule::func_paren => {
                let mut f = Func::Sigma;
                let mut pow = None;
                let mut arg = None;
                let mut primed = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::fn_sigma => f = Func::Sigma,
                        Rule::prime => primed = true,
                        Rule::func_name => f = func_of(&c),
                        Rule::func_pow => {
                            let s = self.script(c.into_inner().next().expect("exponent"))?;
                            match s.math {
                                Some(x) => pow = Some(x),
                                None => return Err((s.span, format!("cannot read the exponent `{}`", s.text))),
                            }
                        }
                        Rule::paren_list => arg = Some(self.single_paren(c)?),
                        _ => arg = Some(self.factor(c)?),
                    }
                }
                let mut call = Math {
                    kind: MathKind::Func(f, boxed(arg.expect("argument"))),
                    span,
                };
                if primed {
                    call = Math {
                        kind: MathKind::Prime(boxed(call)),
                        span,
                    };
                }
                match pow {
                    Some(e) => m(MathKind::Pow(boxed(call), e)),
                    None => Ok(call),
                }
            }
            Rule::symbol_app => {
                let mut it = p.into_inner().peekable();
                let mut sym = self.symbol(it.next().expect("symbol"))?;
                let mut primed = it.next_if(|c| c.as_rule() == Rule::prime).is_some();
                match it.next() {
                    None => m(MathKind::Symbol(sym)),
                    Some(list) => {
                        let args = list
                            .into_inner()
                            .filter(|e| e.as_rule() == Rule::expr)
                            .map(|e| self.expr(e))
                            .collect::<Result<Vec<_>, _>>()?;
                        // `\ell^{\prime}(z)`: the scripts took the prime.
                        if sym.sup.as_ref().is_some_and(|s| s.text == "\\prime") {
                            sym.sup = None;
                            primed = true;
                        }
                        let call = Math {
                            kind: MathKind::Apply(sym, args),
                            span,
                        };
                        if primed {
                            m(MathKind::Prime(boxed(call)))
                        } else {
                            Ok(call)
                        }
                    }
                }
            }
            Rule::group => {
                let g = p.into_inner().next().expect("group kind");
                let inner = if g.as_rule() == Rule::paren_list {
                    self.single_paren(g)?
                } else {
                    let e = g
                        .into_inner()
                        .find(|c| c.as_rule() == Rule::expr)
                        .expect("group content");
                    self.expr(e)?
                };
                m(MathKind::Group(boxed(inner)))
            }
            _ => self.fail(&p, "unexpected construct"),
        }
    }

    /// The one expression in `( … )`; a comma list is only an argument list.
    fn single_paren(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let span = self.span(&p);
        let mut ex: Vec<Pair<Rule>> = p.into_inner().filter(|c| c.as_rule() == Rule::expr).collect();
        if ex.len() != 1 {
            return Err((
                span,
                "a list in brackets is only read as the arguments of a name".into(),
            ));
        }
        self.expr(ex.pop().expect("one"))
    }

    fn frac_arg(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        let inner = p.into_inner().next().expect("frac argument");
        self.arg_or_token(inner)
    }

    fn arg_or_token(&self, p: Pair<Rule>) -> Result<Math, Fail> {
        match p.as_rule() {
            Rule::expr => self.expr(p),
            _ => self.token(p),
        }
    }

    fn symbol(&self, p: Pair<Rule>) -> Result<Symbol, Fail> {
        let mut it = p.into_inner();
        let base_pair = it.next().expect("symbol base").into_inner().next().expect("base kind");
        let mut sym = Symbol {
            base: String::new(),
            sub: None,
            sup: None,
        };
        match base_pair.as_rule() {
            Rule::letter => sym.base = base_pair.as_str().to_string(),
            Rule::greek_sym => sym.base = base_pair.as_str().trim().to_string(),
            Rule::upright_sym => {
                let word = base_pair
                    .into_inner()
                    .find(|c| c.as_rule() == Rule::upright_word)
                    .expect("word");
                sym.base = format!("\\mathrm{{{}}}", word.as_str());
            }
            Rule::accent => {
                let mut a = base_pair.into_inner();
                let cmd = a.next().expect("accent command").as_str();
                let cmd = match cmd {
                    "\\widehat" => "\\hat",
                    "\\widetilde" => "\\tilde",
                    "\\overline" => "\\bar",
                    c => c,
                };
                let mut inner = a.next().expect("accent inner").into_inner();
                let letter = inner.next().expect("accented letter").as_str();
                sym.base = format!("{cmd}{{{letter}}}");
                if let Some(sc) = inner.next() {
                    (sym.sub, sym.sup) = self.scripts(sc)?;
                }
            }
            _ => return self.fail(&base_pair, "unexpected name"),
        }
        if let Some(sc) = it.next() {
            let span = self.span(&sc);
            let (sub, sup) = self.scripts(sc)?;
            if sub.is_some() && sym.sub.is_some() || sup.is_some() && sym.sup.is_some() {
                return Err((span, "a second subscript or superscript on one name".into()));
            }
            sym.sub = sym.sub.or(sub);
            sym.sup = sym.sup.or(sup);
        }
        Ok(sym)
    }
}

/// `mantissa \times 10^{k}` as one number `mantissa e k`, when the mantissa
/// is a plain decimal and `k` a whole number within the limit.
fn scientific(mantissa: &Math, power: &Math) -> Option<Math> {
    let MathKind::Number(m) = &mantissa.kind else {
        return None;
    };
    if m.contains(['e', 'E']) {
        return None;
    }
    let MathKind::Pow(base, exp) = &power.kind else {
        return None;
    };
    if !matches!(&base.kind, MathKind::Number(b) if b == "10") {
        return None;
    }
    fn int(x: &Math) -> Option<i64> {
        match &x.kind {
            MathKind::Number(t) if t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
            MathKind::Neg(a) => int(a).map(|k| -k),
            MathKind::Group(a) => int(a),
            _ => None,
        }
    }
    let k = int(exp).filter(|k| k.abs() <= MAX_DECIMAL_EXPONENT)?;
    Some(Math {
        kind: MathKind::Number(format!("{m}e{k}")),
        span: mantissa.span.to(power.span),
    })
}

fn func_of(p: &Pair<Rule>) -> Func {
    let s = p.as_str();
    let word = match p.clone().into_inner().next().map(|c| c.as_rule()) {
        Some(Rule::upright_func) => p
            .clone()
            .into_inner()
            .next()
            .and_then(|u| u.into_inner().find(|c| c.as_rule() == Rule::func_word))
            .map_or(String::new(), |w| w.as_str().to_ascii_lowercase()),
        _ => s.trim_start_matches('\\').to_string(),
    };
    match word.as_str() {
        "tanh" => Func::Tanh,
        "ln" => Func::Ln,
        "log" => Func::Log,
        "exp" => Func::Exp,
        "sigmoid" => Func::Sigma,
        _ => Func::Relu,
    }
}
