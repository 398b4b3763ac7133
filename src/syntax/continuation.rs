//! Continuation lines: inside an open bracket, newlines and comments are
//! blanked to spaces so the line-oriented grammar sees one statement.
//!
//! Blanking keeps every byte offset, so spans still point into the text the
//! user wrote. This pass also bounds bracket nesting, which bounds the
//! recursion of the parser and of every pass over the syntax tree.

use super::span::Span;

/// Brackets may nest this deep; deeper input is rejected with a located error.
pub const MAX_NESTING: usize = 64;

/// Why the text cannot be handed to the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BracketError {
    /// This bracket opens one level more than [`MAX_NESTING`].
    TooDeep(Span),
    /// This bracket is still open at the end of the text.
    Unclosed(Span),
}

/// Returns the text to hand to the grammar.
pub fn blank_continuations(src: &str) -> Result<String, BracketError> {
    let bytes = src.as_bytes();
    let mut out = bytes.to_vec();
    let mut open: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_comment {
            // A comment runs to the end of the line; inside a bracket all of
            // it (every byte of every character) and its newline become spaces.
            if b == b'\n' {
                in_comment = false;
            }
            if !open.is_empty() {
                out[i] = b' ';
            }
            continue;
        }
        if in_string {
            if b == b'"' || b == b'\n' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'#' => {
                in_comment = true;
                if !open.is_empty() {
                    out[i] = b' ';
                }
            }
            b'(' | b'[' => {
                open.push(i);
                if open.len() > MAX_NESTING {
                    return Err(BracketError::TooDeep(Span::new(i, i + 1)));
                }
            }
            b')' | b']' => {
                open.pop();
            }
            b'\n' if !open.is_empty() => out[i] = b' ',
            _ => {}
        }
    }
    if let Some(&i) = open.last() {
        return Err(BracketError::Unclosed(Span::new(i, i + 1)));
    }
    // Replaced bytes are ASCII newlines or whole comments, so the result is
    // still UTF-8; the fallback is never taken.
    Ok(String::from_utf8(out).unwrap_or_else(|_| src.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_newlines_and_comments_inside_brackets() {
        let src = "h[t] = f(a, # note\n  b)\nx = 1";
        let out = blank_continuations(src).unwrap();
        assert_eq!(out.len(), src.len());
        // One space after the comma, six for `# note`, one for the newline, two of indent.
        assert_eq!(out, format!("h[t] = f(a,{}b)\nx = 1", " ".repeat(10)));
    }

    #[test]
    fn rejects_deep_nesting() {
        let src = "x = ".to_string() + &"(".repeat(MAX_NESTING + 1);
        assert!(matches!(blank_continuations(&src), Err(BracketError::TooDeep(_))));
    }

    #[test]
    fn reports_the_bracket_left_open() {
        assert_eq!(
            blank_continuations("y = f(a, [b]"),
            Err(BracketError::Unclosed(Span::new(5, 6)))
        );
    }

    #[test]
    fn blanks_non_ascii_comment_whole() {
        let src = "y = (1 # héllo\n)";
        let out = blank_continuations(src).unwrap();
        assert_eq!(out.len(), src.len());
        assert!(out.starts_with("y = (1 "));
        assert!(out.ends_with(')'));
    }
}
