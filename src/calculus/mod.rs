//! Stage 4b: paths, derivatives and their independent checks.

pub mod adjoint_form;
pub mod assumption;
pub mod check;
pub mod derive;
pub mod local;
pub mod numeric;
pub mod paths;
pub mod steps;
