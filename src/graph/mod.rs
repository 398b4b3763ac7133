//! Stage 3: the model unrolled on demand into a hash-consed DAG.

pub mod arena;
mod built;
pub mod error;
pub mod fold;
pub mod node;
pub mod unroll;

pub use arena::{Graph, TooLarge};
pub use error::UnrollError;
pub use node::{Builtin, Node, NodeId, Sym};
pub use unroll::{Key, UnrollOptions, Unroller};
