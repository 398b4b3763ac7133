//! chainrule reads the recurrence equations of a small neural network,
//! unrolls them into a hash-consed computation graph, and answers the
//! questions of a deep-learning course exactly: forward values, the paths
//! from a parameter to a loss, each path's chain-rule product, the total,
//! and a proof of it. It also checks derivations written by hand.
//!
//! ```
//! let model = chainrule::load(
//!     "param w = 1/2, u = 2\ninput x = [1, 3]\nh[0] = 0\nh[t] = w*x[t] + u*h[t-1]\nL = h[2]^2",
//!     &[],
//! )
//! .unwrap();
//! let req = chainrule::DeriveRequest { of: "L".into(), wrt: "w".into(), ..Default::default() };
//! let d = chainrule::derive(&model, &req).unwrap();
//! // h1 = 1/2, h2 = 3/2 + 1 = 5/2; dL/dw = 2 h2 (x2 + u x1) = 5 * 5 = 25
//! assert_eq!(d.derivation.path_count.to_string(), "2");
//! assert_eq!(d.derivation.total_value.exact().unwrap().to_string(), "25");
//! assert!(d.derivation.proof.verified);
//! ```
//!
//! The supported interface is what this page lists (see [`load`],
//! [`eval()`], [`derive()`], [`paths()`], [`check_document`], [`expand`] and the
//! `*_output` writers). The library does no I/O; `src/main.rs` is the
//! command-line shell. ARCHITECTURE.md describes the stages, one module
//! each, from `vocab` up to `diagnostics`; they are public only so that
//! the tests, benches and fuzz targets can reach them, and hidden here.
#![warn(missing_docs)]

mod api;
pub use api::*;

#[doc(hidden)]
pub mod calculus;
#[doc(hidden)]
pub mod check;
#[doc(hidden)]
pub mod diagnostics;
#[doc(hidden)]
pub mod doc;
#[doc(hidden)]
pub mod drawing;
#[doc(hidden)]
pub mod error;
#[doc(hidden)]
pub mod eval;
#[doc(hidden)]
pub mod fold;
#[doc(hidden)]
pub mod general;
#[doc(hidden)]
pub mod grading;
#[doc(hidden)]
pub mod graph;
#[doc(hidden)]
pub mod html;
#[doc(hidden)]
pub mod mathml;
#[doc(hidden)]
pub mod matrix;
#[doc(hidden)]
pub mod matrix_general;
#[doc(hidden)]
pub mod model;
#[doc(hidden)]
pub mod notation;
#[doc(hidden)]
pub mod number;
#[doc(hidden)]
pub mod progress;
#[doc(hidden)]
pub mod query;
#[doc(hidden)]
pub mod render;
#[doc(hidden)]
pub mod shape;
#[doc(hidden)]
pub mod simplify;
#[doc(hidden)]
pub mod stepmap;
#[doc(hidden)]
pub mod syntax;
#[doc(hidden)]
pub mod vocab;
