//! Stage 4b: paths, derivatives and their independent checks.

pub mod numeric;
pub mod paths;
