//! Stage 4b: paths, derivatives and their independent checks.

pub mod adjoint_form;
pub mod assumption;
pub mod derive;
pub mod fold_path;
pub mod listing;
pub mod local;
pub mod numeric;
pub mod parallel;
pub mod paths;
pub mod random_points;
pub mod steps;
pub mod total;
pub mod verify;
