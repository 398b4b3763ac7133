//! Stage 1: text to syntax tree ([`File`]), with byte spans.

pub mod ast;
pub mod continuation;
pub mod parser;
pub mod span;

pub use ast::File;
pub use parser::{parse, parse_expr, parse_expr_in, ParseError};
pub use span::{Source, Span};

/// The text after a leading UTF-8 byte-order mark, if there is one.
///
/// Some Windows editors start every file with U+FEFF. It is not part of the
/// text, so it is dropped where text enters the library (a model, a checked
/// document, a `doc` document) and again where messages are drawn from the
/// same text, so spans, lines and columns count from the first visible
/// character either way.
///
/// ```
/// use chainrule::syntax::strip_bom;
/// assert_eq!(strip_bom("\u{feff}param w"), "param w");
/// assert_eq!(strip_bom("param w"), "param w");
/// ```
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}
