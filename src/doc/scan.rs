//! Finding the ```` ```chainrule ```` blocks of a Markdown document, their
//! contents, and where their generated regions are (or go).

use super::error::BlockError;
use super::END;
use crate::syntax::Span;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use std::ops::Range;

/// One `chainrule` block, found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The opening fence line, without its line break.
    pub fence: Span,
    /// The block's contents with the fence's indentation removed, `\r` dropped.
    pub content: String,
    /// Each content line: its offset in `content` and in the document.
    pub lines: Vec<(usize, usize)>,
    /// The bytes the generated region replaces: empty right after the
    /// closing fence, or the old region, markers included.
    pub region: Range<usize>,
    /// The document's line break at the block.
    pub eol: &'static str,
    /// The closing fence is the document's last line and has no line break.
    pub needs_break: bool,
}

/// A generated-region marker seen by the Markdown parser (not inside code).
struct Marker {
    line: Span,
    begin: bool,
}

fn marker(line: &str) -> Option<bool> {
    let t = line.trim();
    if t.starts_with(BEGIN_PREFIX) {
        Some(true)
    } else if t.starts_with(END_PREFIX) {
        Some(false)
    } else {
        None
    }
}

const BEGIN_PREFIX: &str = "<!-- chainrule:begin";
const END_PREFIX: &str = "<!-- chainrule:end";

/// Lines of `text` starting at document offset `base`: (offset, line
/// including its break).
fn lines_at(text: &str, base: usize) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(base, |at, l| {
        let start = *at;
        *at += l.len();
        Some((start, l))
    })
}

fn strip_break(l: &str) -> &str {
    l.strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(l)
}

/// Every `chainrule` block in document order, or the first problem.
pub fn scan(doc: &str) -> Result<Vec<Found>, BlockError> {
    let mut depth = 0usize;
    let mut candidates = Vec::new();
    let mut markers = Vec::new();
    for (ev, range) in Parser::new(doc).into_offset_iter() {
        match ev {
            Event::Start(tag) => {
                match &tag {
                    Tag::CodeBlock(CodeBlockKind::Fenced(info))
                        if info.split_whitespace().next() == Some("chainrule") =>
                    {
                        candidates.push((range.clone(), depth));
                    }
                    Tag::HtmlBlock => {
                        for (at, l) in lines_at(&doc[range.clone()], range.start) {
                            if let Some(begin) = marker(l) {
                                markers.push(Marker {
                                    line: Span::new(at, at + strip_break(l).len()),
                                    begin,
                                });
                            }
                        }
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (range, depth) in candidates {
        let block = block(doc, range, depth)?;
        if let Some(prev) = found.last().map(|f: &Found| f.region.end) {
            debug_assert!(prev <= block.region.start);
        }
        found.push(block);
    }
    for m in markers {
        if !found.iter().any(|f| f.region.contains(&m.line.start)) {
            let what = if m.begin { "begin" } else { "end" };
            return Err(BlockError::new(
                format!("a `chainrule:{what}` marker that belongs to no block"),
                m.line,
                "stray marker",
            )
            .help(
                "a generated region starts on the line right after the closing fence of a ```chainrule block \
                 and ends at `<!-- chainrule:end -->`; delete the stray markers (and the text between them), \
                 and `chainrule doc` writes the region again",
            ));
        }
    }
    Ok(found)
}

fn block(doc: &str, range: Range<usize>, depth: usize) -> Result<Found, BlockError> {
    let lines: Vec<(usize, &str)> = lines_at(&doc[range.clone()], range.start).collect();
    let (open_at, open) = lines[0];
    let open = strip_break(open);
    let fence = Span::new(open_at, open_at + open.len());
    if depth > 0 {
        return Err(BlockError::new(
            "a ```chainrule block inside a list, quote or other container",
            fence,
            "not at the top level",
        )
        .help("move the block to the top level of the document (no indentation, no `>` or list marker)"));
    }
    let indent = open.len() - open.trim_start_matches(' ').len();
    let body = &open[indent..];
    let ch = body.chars().next().unwrap_or('`');
    let fence_len = body.len() - body.trim_start_matches(ch).len();
    let closed = lines.len() >= 2 && {
        let last = strip_break(lines[lines.len() - 1].1).trim();
        last.len() >= fence_len && last.chars().all(|c| c == ch)
    };
    if !closed {
        return Err(
            BlockError::new("this ```chainrule block is never closed", fence, "opened here")
                .help(format!("end the block with a line `{}`", &body[..fence_len])),
        );
    }
    let (close_at, close) = lines[lines.len() - 1];
    // The closing line as it is in the document (the parser's range may stop before the break).
    let close_end = doc[close_at..].find('\n').map_or(doc.len(), |i| close_at + i + 1);
    let close_line = &doc[close_at..close_end];
    debug_assert!(close_line.starts_with(strip_break(close)));
    let needs_break = !close_line.ends_with('\n');
    let eol = if close_line.ends_with("\r\n") || (needs_break && doc.contains("\r\n")) {
        "\r\n"
    } else {
        "\n"
    };
    let mut content = String::new();
    let mut map = Vec::new();
    for &(at, l) in &lines[1..lines.len() - 1] {
        let l = strip_break(l);
        let cut = l.len() - l.trim_start_matches(' ').len();
        let cut = cut.min(indent);
        map.push((content.len(), at + cut));
        content.push_str(&l[cut..]);
        content.push('\n');
    }
    let region = region(doc, close_end)?;
    Ok(Found {
        fence,
        content,
        lines: map,
        region,
        eol,
        needs_break,
    })
}

/// The old generated region starting at `at` (the line after a closing
/// fence), or an empty range there.
fn region(doc: &str, at: usize) -> Result<Range<usize>, BlockError> {
    let mut it = lines_at(&doc[at..], at);
    let Some((first_at, first)) = it.next() else {
        return Ok(at..at);
    };
    if marker(first) != Some(true) {
        return Ok(at..at);
    }
    let begin = Span::new(first_at, first_at + strip_break(first).len());
    for (l_at, l) in it {
        match marker(l) {
            Some(false) => return Ok(at..l_at + l.len()),
            Some(true) => break,
            None => {}
        }
    }
    Err(
        BlockError::new("this generated region is never closed", begin, "begins here").help(format!(
            "the region ends at a line `{END}`; restore it, or delete the region and run `chainrule doc` again"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_block_and_its_region() {
        let doc = "text\n\n```chainrule\nof: J\n```\n<!-- chainrule:begin x -->\nold\n<!-- chainrule:end -->\nafter\n";
        let f = scan(doc).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].content, "of: J\n");
        assert_eq!(&doc[f[0].lines[0].1..][..5], "of: J");
        assert_eq!(
            &doc[f[0].region.clone()],
            "<!-- chainrule:begin x -->\nold\n<!-- chainrule:end -->\n"
        );
        assert!(crate::doc::BEGIN.starts_with(BEGIN_PREFIX) && END.starts_with(END_PREFIX));
    }

    #[test]
    fn markers_inside_code_are_text() {
        let doc = "```\n<!-- chainrule:begin -->\n```\n`<!-- chainrule:end -->`\n";
        assert!(scan(doc).unwrap().is_empty());
    }

    #[test]
    fn a_stray_marker_is_an_error() {
        let doc = "```chainrule\nof: J\n```\n\n<!-- chainrule:begin -->\nx\n<!-- chainrule:end -->\n";
        let e = scan(doc).unwrap_err();
        assert_eq!(e.span.start, doc.find("<!--").unwrap());
    }
}
