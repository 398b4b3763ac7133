//! The student's document to math [`Segment`]s: the front ends for Markdown
//! (pulldown-cmark with `ENABLE_MATH`) and for `.tex` files (a scanner).
//! Each segment's text goes to [`read_math`](super::latex::read_math); a
//! span in its lines plus [`Segment::start`] is a byte offset in the file,
//! and [`line_col`] turns that into what a message shows.
//!
//! Both front ends are linear in the file: an opener without a closer is
//! remembered, so a file of ten thousand lone `$` is not searched ten
//! thousand times. The file-size limit is the caller's.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// One formula of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Byte offset in the file of `text`'s first byte. Where `text` is not a
    /// verbatim slice of the file (a formula inside a Markdown block quote,
    /// whose `> ` markers pulldown-cmark removes), this is the offset of the
    /// formula's first byte and offsets inside it are approximate after the
    /// first line.
    pub start: usize,
    pub text: String,
    /// Display math (`$$…$$`, `\[…\]`, ```` ```math ````, `align`…) rather
    /// than inline (`$…$`, `\(…\)`).
    pub display: bool,
}

/// The math of a Markdown document, in order: `$…$`, `$$…$$`, ```` ```math ````
/// blocks, and `\[…\]` / `\(…\)` written in paragraphs. Other code blocks
/// (```` ```chainrule ````) and inline code are skipped.
///
/// ```
/// use chainrule::check::document::markdown_math;
/// let segs = markdown_math("Let $h = 1$.\n\n$$y = 2$$\n");
/// assert_eq!(segs.len(), 2);
/// assert_eq!(segs[0].start, 5);
/// assert_eq!(segs[0].text, "h = 1");
/// assert!(segs[1].display);
/// ```
pub fn markdown_math(src: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    // Inside a ```` ```math ```` block: its texts so far and the block's range.
    let mut in_math_block: Option<MathBlock> = None;
    let mut in_other_code = false;
    // Paragraph-like blocks whose raw text may hold `\[…\]`, with the ranges
    // of inline code and `$` math inside them (not searched).
    let mut para: Option<(Range<usize>, Vec<Range<usize>>)> = None;
    // Where the last bracket scan stopped: an item holding paragraphs is
    // scanned once, not once for it and once for each paragraph.
    let mut scanned_upto = 0;
    let mut brackets = BracketScan::default();
    for (event, range) in Parser::new_ext(src, Options::ENABLE_MATH).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => match kind {
                CodeBlockKind::Fenced(lang) if lang.trim() == "math" => in_math_block = Some((Vec::new(), range)),
                _ => in_other_code = true,
            },
            Event::End(TagEnd::CodeBlock) => {
                if let Some((texts, block)) = in_math_block.take() {
                    out.push(math_block(&texts, block));
                }
                in_other_code = false;
            }
            Event::Text(t) if in_math_block.is_some() => {
                if let Some((texts, _)) = &mut in_math_block {
                    texts.push((t.to_string(), range));
                }
            }
            _ if in_other_code => {}
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item) if para.is_none() => {
                para = Some((range, Vec::new()));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item) => {
                if let Some((block, skip)) = para.take() {
                    let from = block.start.max(scanned_upto);
                    let to = block.end.min(range.end).max(from);
                    brackets.scan(src, from..to, &skip, &mut out);
                    scanned_upto = to;
                }
            }
            Event::InlineMath(ref t) | Event::DisplayMath(ref t) => {
                let display = matches!(event, Event::DisplayMath(_));
                let d = if display { 2 } else { 1 };
                out.push(delimited(src, &range, d, t, display));
                if let Some((_, skip)) = &mut para {
                    skip.push(range);
                }
            }
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => {
                if let Some((_, skip)) = &mut para {
                    skip.push(range);
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|s| s.start);
    out
}

type MathBlock = (Vec<(String, Range<usize>)>, Range<usize>);

/// `$…$` or `$$…$$` at `range`: the verbatim inside when it matches what
/// pulldown-cmark read, else its text at the formula's start.
fn delimited(src: &str, range: &Range<usize>, d: usize, content: &str, display: bool) -> Segment {
    let inner = range.start + d..range.end.saturating_sub(d);
    match src.get(inner.clone()) {
        Some(raw) if inner.start <= inner.end && raw == content => Segment {
            start: inner.start,
            text: raw.to_string(),
            display,
        },
        _ => {
            // Inside a block quote or list the markers are gone; find the
            // content's first line to get as close as we can.
            let first = content.lines().next().unwrap_or("");
            let start = src
                .get(range.clone())
                .and_then(|r| r.find(first))
                .map_or(range.start, |p| range.start + p);
            Segment {
                start,
                text: content.to_string(),
                display,
            }
        }
    }
}

fn math_block(texts: &[(String, Range<usize>)], block: Range<usize>) -> Segment {
    let text: String = texts.iter().map(|(t, _)| t.as_str()).collect();
    // The first line's offset; verbatim after it unless inside a block quote
    // (see `Segment::start`).
    let start = texts.first().map_or(block.end, |(_, r)| r.start);
    Segment {
        start,
        text,
        display: true,
    }
}

/// `\[…\]` and `\(…\)` in raw Markdown, which pulldown-cmark reads as
/// escaped brackets. Remembers where no closer is left, to stay linear.
#[derive(Default)]
struct BracketScan {
    no_display_close_after: Option<usize>,
    no_inline_close_after: Option<usize>,
}

impl BracketScan {
    fn scan(&mut self, src: &str, block: Range<usize>, skip: &[Range<usize>], out: &mut Vec<Segment>) {
        let Some(text) = src.get(block.clone()) else { return };
        let bytes = text.as_bytes();
        let mut i = 0;
        // `skip` is in document order: one pointer walks it.
        let mut k = 0;
        while i + 1 < bytes.len() {
            let at = block.start + i;
            while k < skip.len() && skip[k].end <= at {
                k += 1;
            }
            if k < skip.len() && skip[k].contains(&at) {
                i = skip[k].end - block.start;
                continue;
            }
            if bytes[i] == b'\\' && (bytes[i + 1] == b'[' || bytes[i + 1] == b'(') {
                let display = bytes[i + 1] == b'[';
                let (close, memo) = if display {
                    ("\\]", &mut self.no_display_close_after)
                } else {
                    ("\\)", &mut self.no_inline_close_after)
                };
                if memo.is_some_and(|p| p <= at) {
                    i += 2;
                    continue;
                }
                match text[i + 2..].find(close) {
                    Some(off) => {
                        let s = i + 2;
                        out.push(Segment {
                            start: block.start + s,
                            text: text[s..s + off].to_string(),
                            display,
                        });
                        i = s + off + 2;
                        continue;
                    }
                    None => *memo = Some(at),
                }
                i += 2;
                continue;
            }
            // `\\` is an escaped backslash, not the start of `\[`.
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
    }
}

/// Display environments of a `.tex` file whose content is math.
const TEX_ENVS: &[&str] = &[
    "equation",
    "equation*",
    "align",
    "align*",
    "gather",
    "gather*",
    "multline",
    "multline*",
    "flalign",
    "flalign*",
    "eqnarray",
    "eqnarray*",
    "displaymath",
];

/// Environments whose content is never math.
const TEX_VERBATIM: &[&str] = &["verbatim", "verbatim*", "lstlisting", "minted", "comment"];

/// The math of a `.tex` file, in order: `\[…\]`, `$$…$$`, `$…$`, `\(…\)`
/// and the display environments (`equation`, `align`, `gather`, starred or
/// not; an `aligned` inside one is read with it). `%` comments are blanked
/// (the segment keeps its length, so offsets stay exact); the preamble
/// before `\begin{document}` is skipped when there is one.
///
/// ```
/// use chainrule::check::document::tex_math;
/// let segs = tex_math("\\begin{align*}\n h &= 1 % given\n\\end{align*}");
/// assert_eq!(segs.len(), 1);
/// assert_eq!(segs[0].start, 14);
/// assert_eq!(segs[0].text.trim(), "h &= 1");
/// ```
pub fn tex_math(src: &str) -> Vec<Segment> {
    let clean = blank_comments(src);
    let body_start = clean
        .find("\\begin{document}")
        .map_or(0, |p| p + "\\begin{document}".len());
    let body_end = clean
        .find("\\end{document}")
        .filter(|&e| e >= body_start)
        .unwrap_or(clean.len());
    let bytes = clean.as_bytes();
    let mut out = Vec::new();
    // Closers known to be absent after a position: searching again is futile.
    let mut missing: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut i = body_start;
    while i < body_end {
        let b = bytes[i];
        if b != b'\\' && b != b'$' {
            i += 1;
            continue;
        }
        let rest = &clean[i..body_end];
        let (open_len, close, display) = if rest.starts_with("\\[") {
            (2, "\\]".to_string(), true)
        } else if rest.starts_with("\\(") {
            (2, "\\)".to_string(), false)
        } else if rest.starts_with("$$") {
            (2, "$$".to_string(), true)
        } else if b == b'$' {
            (1, "$".to_string(), false)
        } else if let Some((env, _)) = rest.strip_prefix("\\begin{").and_then(|r| r.split_once('}')) {
            let open_len = "\\begin{}".len() + env.len();
            if TEX_ENVS.contains(&env) {
                (open_len, format!("\\end{{{env}}}"), true)
            } else if TEX_VERBATIM.contains(&env) {
                let close = format!("\\end{{{env}}}");
                i = rest.find(&close).map_or(body_end, |p| i + p + close.len());
                continue;
            } else {
                i += open_len;
                continue;
            }
        } else {
            // Any other control sequence, including `\$` and `\\`.
            i += 2;
            continue;
        };
        let from = i + open_len;
        if missing.get(&close).is_some_and(|&p| p <= i) {
            i = from;
            continue;
        }
        match find_closer(&clean[from..body_end], &close) {
            Some(off) => {
                out.push(Segment {
                    start: from,
                    text: clean[from..from + off].to_string(),
                    display,
                });
                i = from + off + close.len();
            }
            None => {
                missing.insert(close, i);
                i = from;
            }
        }
    }
    out
}

/// The first `close` in `s` that is not escaped (`\$` is a dollar sign).
fn find_closer(s: &str, close: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = s[from..].find(close) {
        let at = from + p;
        let escaped = close.starts_with('$') && at > 0 && s.as_bytes()[at - 1] == b'\\';
        if !escaped {
            return Some(at);
        }
        from = at + close.len();
    }
    None
}

/// `%` to the end of the line becomes spaces; `\%` is a percent sign.
fn blank_comments(src: &str) -> String {
    let mut buf = src.as_bytes().to_vec();
    let mut i = 0;
    while i < buf.len() {
        match buf[i] {
            b'\\' => i += 2,
            b'%' => {
                while i < buf.len() && buf[i] != b'\n' {
                    buf[i] = b' ';
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    // Whole characters (from an ASCII `%` up to a newline) were replaced.
    String::from_utf8(buf).unwrap_or_else(|_| src.to_string())
}

/// 1-based line and column (in characters) of a byte offset; an offset past
/// the end or inside a character is clamped back to a character boundary.
///
/// ```
/// use chainrule::check::document::line_col;
/// assert_eq!(line_col("ab\nçd", 5), (2, 2));
/// ```
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}
