//! Stage 5: plain data to text: names, expressions, tables.

pub mod derivation;
pub mod latex;
pub mod names;
pub mod numbers;
pub mod paths;
pub mod precedence;
pub mod table;
pub mod template;
pub mod text;
