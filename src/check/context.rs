//! The prose around a formula: what the author says a formula is about.
//!
//! A derivative set equal to one path's contribution is a correct step when
//! the author says the formula is about that path ("Along the path that
//! enters at step 2:"), and a wrong total otherwise. The checker reads that
//! from the words nearest the formula: the last sentence before it (in its
//! own paragraph, or the paragraph just before when the formula opens its
//! own), the rest of its sentence after it, and the words the formula itself
//! holds (`\text{path 1}`).
//!
//! This is deliberately plain word matching, not language understanding: it
//! only decides between two readings of a formula the checker has already
//! proven equal to one path, and its answer is stated in the note.

use super::document::Segment;
use super::DocKind;

/// Marks where a formula was (its first byte) in the prose view.
const MATH: u8 = 0x01;

/// Words that say a formula is about the whole derivative.
const TOTAL_WORDS: &[&str] = &[
    "total",
    "totals",
    "sum",
    "sums",
    "summing",
    "add",
    "adding",
    "added",
    "all",
    "both",
    "together",
    "overall",
    "combined",
    "altogether",
    "full",
    "complete",
    "entire",
    "every",
];

/// Words that describe a route, which name one path when the paragraph is
/// about paths: "The one through the output gate:".
const ROUTE_WORDS: &[&str] = &["through", "via", "along"];

/// Prose nearer a formula than this many bytes is all that is read: a
/// lead-in is a sentence or two, and a long paragraph with many formulas
/// must not be read once per formula.
const WINDOW: usize = 2_000;

/// The document with everything but prose blanked: math, comments, LaTeX
/// commands, braces and dollars become spaces (byte offsets unchanged), and
/// each formula's first byte becomes `MATH`.
pub struct Prose {
    buf: Vec<u8>,
    /// Paragraphs (runs of non-blank lines) as byte ranges, in order.
    paras: Vec<(usize, usize)>,
    /// For each paragraph, the last paragraph at or before it that holds
    /// prose (a paragraph of formulas alone has no letters left).
    prose_before: Vec<Option<usize>>,
}

impl Prose {
    pub fn new(src: &str, segments: &[Segment], kind: DocKind) -> Prose {
        let mut buf = src.as_bytes().to_vec();
        let n = buf.len();
        let blank = |buf: &mut Vec<u8>, from: usize, to: usize| {
            for b in &mut buf[from.min(n)..to.min(n)] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        };
        // Comments: `<!-- … -->` (and `%` to the end of the line in .tex).
        let mut from = 0;
        while let Some(p) = src[from..].find("<!--") {
            let at = from + p;
            let end = src[at..].find("-->").map_or(n, |e| at + e + 3);
            blank(&mut buf, at, end);
            from = end;
        }
        if kind == DocKind::Tex {
            let mut i = 0;
            while i < n {
                match src.as_bytes()[i] {
                    b'\\' => i += 2,
                    b'%' => {
                        let end = src[i..].find('\n').map_or(n, |e| i + e);
                        blank(&mut buf, i, end);
                        i = end;
                    }
                    _ => i += 1,
                }
            }
        }
        // Math, with no line breaks left inside it.
        for s in segments {
            let (a, b) = (s.start.min(n), (s.start + s.text.len()).min(n));
            for x in &mut buf[a..b] {
                *x = b' ';
            }
            if a < b {
                buf[a] = MATH;
            }
        }
        // Commands (`\begin`, `\section`, `\[`), braces, dollars, Markdown marks.
        let mut i = 0;
        while i < n {
            match buf[i] {
                b'\\' => {
                    let mut j = i + 1;
                    while j < n && buf[j].is_ascii_alphabetic() {
                        j += 1;
                    }
                    let end = if j == i + 1 { (i + 2).min(n) } else { j };
                    blank(&mut buf, i, end);
                    i = end;
                }
                b'{' | b'}' | b'$' | b'*' | b'#' | b'>' | b'_' => {
                    buf[i] = b' ';
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let mut paras = Vec::new();
        let mut open: Option<usize> = None;
        let mut line = 0;
        while line < n {
            let end = buf[line..].iter().position(|&b| b == b'\n').map_or(n, |p| line + p);
            let blank_line = buf[line..end].iter().all(u8::is_ascii_whitespace);
            match (blank_line, open) {
                (false, None) => open = Some(line),
                (true, Some(s)) => {
                    paras.push((s, line));
                    open = None;
                }
                _ => {}
            }
            line = end + 1;
        }
        if let Some(s) = open {
            paras.push((s, n));
        }
        let mut prose_before = Vec::with_capacity(paras.len());
        let mut last = None;
        for (k, &(a, b)) in paras.iter().enumerate() {
            if has_letters(&buf[a..b]) {
                last = Some(k);
            }
            prose_before.push(last);
        }
        Prose {
            buf,
            paras,
            prose_before,
        }
    }

    /// Does the author say that the formula at `start..end` (offsets in
    /// the document) is about one path? `own` is the formula's text.
    pub fn speaks_of_one_path(&self, start: usize, end: usize, own: &str) -> bool {
        let n = self.buf.len();
        let (start, end) = (start.min(n), end.min(n).max(start.min(n)));
        // The paragraph holding the formula, and the one before it.
        let k = self.paras.partition_point(|p| p.0 <= start);
        let here = k.checked_sub(1).map(|k| self.paras[k]).unwrap_or((start, start));
        let mut lead = here.0.max(start.saturating_sub(WINDOW))..start;
        if !has_letters(&self.buf[lead.clone()]) && k >= 2 {
            // The formula opens its paragraph: the prose paragraph before
            // leads to it, across display formulas written one after
            // another ("Two paths: …" and then one formula for each).
            if let Some(prev) = self.prose_before[k - 2] {
                let prev = self.paras[prev];
                lead = prev.0.max(prev.1.saturating_sub(WINDOW))..prev.1;
            }
        }
        let lead_text = &self.buf[lead];
        let last = last_sentence(lead_text);
        let after_end = here.1.max(end).min(end + WINDOW);
        let after = first_sentence(&self.buf[end..after_end]);
        let mut near = words(last);
        near.extend(words(after));
        near.extend(formula_words(own));
        if near.iter().any(|w| TOTAL_WORDS.contains(&w.as_str())) {
            return false;
        }
        if near.iter().any(|w| w == "path") {
            return true;
        }
        let about_paths = words(lead_text).iter().any(|w| w == "path" || w == "paths");
        about_paths && near.iter().any(|w| ROUTE_WORDS.contains(&w.as_str()))
    }
}

fn has_letters(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_alphabetic)
}

/// A sentence ends at `.`, `?` or `!` followed by a space or a line end
/// (not `3.5`, not `e.g.x`).
fn ends_sentence(b: &[u8], i: usize) -> bool {
    matches!(b[i], b'.' | b'?' | b'!') && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace() || *c == MATH)
}

/// The last sentence of `b`: after the last sentence end that is not at
/// its very end.
fn last_sentence(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end > 0 && ends_sentence(b, end - 1) {
        end -= 1;
    }
    let from = (0..end).rev().find(|&i| ends_sentence(b, i)).map_or(0, |i| i + 1);
    &b[from..end]
}

/// The first sentence of `b`, up to its end.
fn first_sentence(b: &[u8]) -> &[u8] {
    let to = (0..b.len()).find(|&i| ends_sentence(b, i)).unwrap_or(b.len());
    &b[..to]
}

/// Lower-case words of two letters or more (single letters are symbols).
fn words(b: &[u8]) -> Vec<String> {
    b.split(|c| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1)
        .map(|w| String::from_utf8_lossy(w).to_ascii_lowercase())
        .collect()
}

/// The words a formula holds outside commands: `\text{path 1}` gives
/// `path`; `\sum` and `\partial` give nothing.
fn formula_words(own: &str) -> Vec<String> {
    let b = own.as_bytes();
    let mut kept = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 1;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            kept.push(b' ');
            continue;
        }
        kept.push(b[i]);
        i += 1;
    }
    words(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::document::{markdown_math, tex_math};

    /// Whether each formula of a Markdown text is said to be about a path.
    fn md(src: &str) -> Vec<bool> {
        let segs = markdown_math(src);
        let p = Prose::new(src, &segs, DocKind::Markdown);
        segs.iter()
            .map(|s| p.speaks_of_one_path(s.start, s.start + s.text.len(), &s.text))
            .collect()
    }

    #[test]
    fn the_sentence_leading_to_a_formula() {
        // The student sample: a path named right before the formula.
        assert_eq!(
            md("There are two paths from $w_1$ to $L$. Along the path that enters at step 2:\n\n$$a = b$$\n"),
            [false, false, true]
        );
        // Paths counted, then a formula: a claim about the total.
        assert_eq!(
            md("There are two paths from $w$ to $L$.\n\n$$a = b$$\n"),
            [false, false, false]
        );
        // Adding paths is the total, even though it names them.
        assert_eq!(md("Adding the two paths:\n\n$$a = b$$\n"), [false]);
        assert_eq!(
            md("The total along the path through $h$:\n\n$$a = b$$\n"),
            [false, false]
        );
        // A route picked out of a paragraph about paths.
        assert_eq!(
            md("It reaches $h$ along four paths. The one through the output gate:\n\n$$a = b$$\n"),
            [false, true]
        );
        // A route alone, in a paragraph that never mentions paths.
        assert_eq!(md("The gradient flows through $h$:\n\n$$a = b$$\n"), [false, false]);
        // No prose at all.
        assert_eq!(md("$$a = b$$\n"), [false]);
        // Formulas written one after another share the lead-in (`$h$`
        // itself sits in the sentence that names the path) …
        assert_eq!(
            md("Along the path through $h$:\n\n$$a = 1$$\n\n$$b = 2$$\n"),
            [true, true, true]
        );
        // … up to the next prose.
        assert_eq!(
            md("Along the path through $h$:\n\n$$a = 1$$\n\nSo:\n\n$$b = 2$$\n"),
            [true, true, false]
        );
        // Inline, with the path named after the formula in its sentence.
        assert_eq!(
            md("So $a = b$ along the path through $h$. Then $c = d$.\n"),
            [true, true, false]
        );
        // The formula's own words, and comments that are not prose.
        assert_eq!(md("$$a = b \\quad \\text{(path 1)}$$\n"), [true]);
        assert_eq!(md("$$a = b$$\n<!-- verdicts: correct:\"path\" -->\n"), [false]);
    }

    #[test]
    fn tex_prose_and_comments() {
        let src = "\\section*{Gradient}\nAlong the path through $h$:\n\\begin{align*}\na &= b\n\\end{align*}\n% verdicts: correct:\"path\"\n\nNow the sum:\n\\[ c = d \\]\n% the path\n";
        let segs = tex_math(src);
        let p = Prose::new(src, &segs, DocKind::Tex);
        let got: Vec<bool> = segs
            .iter()
            .map(|s| p.speaks_of_one_path(s.start, s.start + s.text.len(), &s.text))
            .collect();
        // `$h$`, the align after the sentence naming the path, and the
        // display after "the sum" (the comment after it is not prose).
        assert_eq!(got, [true, true, false]);
    }
}
