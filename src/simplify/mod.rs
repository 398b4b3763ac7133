//! Simplification: a canonical form first (`poly`, `canonical`), then
//! presentation (`factored`, `build`): the shorter of the factored and
//! expanded forms, in the network's own names.

pub mod build;
pub mod canonical;
pub mod factored;
pub mod inline;
pub mod poly;
pub mod present;

pub use canonical::{canonical, Depth};
pub use factored::{CommonFactor, Factored};
pub use poly::{Monomial, Poly};
