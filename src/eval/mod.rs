//! Stage 4: exact values and certified enclosures of graph nodes.

pub mod bindings;
pub mod error;
pub mod exact_zero;
pub mod forward;
pub mod owner;
pub mod value;

pub use bindings::Bindings;
pub use error::EvalError;
pub use forward::{evaluate, EvalOptions, Unevaluable};
pub use value::Value;
