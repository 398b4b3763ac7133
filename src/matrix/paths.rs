//! Paths through the graph as the course draws it for vector models: one
//! node per named quantity at a step (`h^{(2)}`, `\hat{y}^{(2)}`, `L`) and
//! per parameter (`W`), an edge where an equation uses a quantity. Counted
//! exactly by one pass in topological order; listed up to a bound.

use super::steps::{At, Equations};
use super::vjp::Vjp;
use super::MatrixError;
use num_bigint::BigUint;
use std::collections::BTreeMap;

/// The paths from a vector or matrix parameter to a quantity.
#[derive(Clone, Debug)]
pub struct TensorPaths {
    pub of: At,
    pub wrt: String,
    pub count: BigUint,
    /// The first paths, each from `wrt` to `of`.
    pub listed: Vec<Vec<At>>,
}

impl TensorPaths {
    pub fn truncated(&self) -> bool {
        BigUint::from(self.listed.len()) < self.count
    }
}

/// Counts the paths from `wrt` to `of` among named quantities and lists
/// the first `max`.
pub fn tensor_paths(model: &crate::model::Model, of: &str, wrt: &str, max: usize) -> Result<TensorPaths, MatrixError> {
    let Some(target) = super::read_wrt(model, wrt) else {
        return Err(MatrixError::Query(format!(
            "--wrt `{wrt}` is not a vector or matrix parameter, or such a quantity at a step"
        )));
    };
    let eqs = Equations::new(model);
    let vjp = Vjp {
        eqs: &eqs,
        tensors: &model.tensors,
        relu_active: model.relu_active,
    };
    let root = super::read_of(&eqs, of)?;
    let order = super::topological(&eqs, &vjp, &root)?;
    // Paths from `wrt` to each quantity, in topological order.
    let mut count: BTreeMap<At, BigUint> = BTreeMap::new();
    count.insert(target.clone(), BigUint::from(1u32));
    let deps: BTreeMap<&At, &Vec<At>> = order.iter().map(|(a, d)| (a, d)).collect();
    for (at, ds) in &order {
        let n: BigUint = ds.iter().filter_map(|d| count.get(d)).sum();
        if n > BigUint::ZERO {
            count.insert(at.clone(), n);
        }
    }
    let total = count.get(&root).cloned().unwrap_or_default();
    // Listing: walk back from `of` along edges that lead to `wrt`, with an
    // explicit stack; at most `max` paths.
    let mut listed = Vec::new();
    let mut stack: Vec<Vec<At>> = vec![vec![root.clone()]];
    while let Some(path) = stack.pop() {
        if listed.len() >= max {
            break;
        }
        let last = path.last().expect("paths are not empty");
        if *last == target {
            let mut p = path.clone();
            p.reverse();
            listed.push(p);
            continue;
        }
        let Some(ds) = deps.get(last) else { continue };
        for d in ds.iter().rev().filter(|d| count.contains_key(*d)) {
            let mut next = path.clone();
            next.push(d.clone());
            stack.push(next);
        }
    }
    Ok(TensorPaths {
        of: root,
        wrt: wrt.to_string(),
        count: total,
        listed,
    })
}
