//! Stage 1: text to syntax tree ([`File`]), with byte spans.

pub mod ast;
pub mod continuation;
pub mod parser;
pub mod span;

pub use ast::File;
pub use parser::{parse, parse_expr, parse_expr_in, ParseError};
pub use span::{Source, Span};
