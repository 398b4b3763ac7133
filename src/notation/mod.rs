//! How things are written: model names in LaTeX and model syntax
//! (`names`), expressions as LaTeX (`latex`) and as model syntax (`text`),
//! where brackets go (`precedence`), and numbers for a reader (`numbers`).
//! Below both `render` (what commands print) and `check` (reading a
//! student's notation back), so that both write a name the same way.

pub mod abbrev;
pub mod latex;
pub mod names;
pub mod numbers;
pub mod precedence;
pub mod tensor;
pub mod text;
