//! Stage 5: plain data to text: names, expressions, tables.

pub mod latex;
pub mod names;
pub mod precedence;
pub mod table;
pub mod text;
