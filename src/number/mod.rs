//! Exact rationals and certified enclosures of real numbers.

pub mod decimal;
pub mod dyadic;
pub mod elementary;
pub mod interval;
mod limbs;
mod midpoint;
pub mod rational;
pub mod size;

pub use interval::{Interval, IntervalError, Prec};
pub use rational::Q;
