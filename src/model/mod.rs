//! Stage 2: syntax tree to [`Model`], where every name has a kind.

pub mod constant;
pub mod cycles;
pub mod error;
pub mod offset;
pub mod resolve;
pub mod scope;
pub mod settings;
pub mod types;

pub use error::ResolveError;
pub use resolve::resolve;
pub use settings::{SetValue, Setting};
pub use types::*;
