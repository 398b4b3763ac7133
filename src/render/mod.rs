//! Stage 6: what commands print. The derivation's view and its templates
//! (`derivation`, `template`), `paths` listings (`paths`) and `eval`
//! tables (`table`), built from the plain data of `query` and `calculus`
//! with the typesetting of `notation`.

pub mod derivation;
mod display;
mod folding;
pub mod general;
pub mod matrix;
pub mod matrix_general;
pub mod path_list;
pub mod table;
pub mod template;
