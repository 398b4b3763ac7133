//! The proof of a derivation: the routes that share no code with the
//! symbolic one (reverse-mode AD, the central difference of the exact
//! forward evaluator, the sum of the path values, random points) and
//! whether they agree with the total.

use super::numeric::{agree, central_difference, Difference};
use super::random_points::PointCheck;
use crate::eval::{Bindings, Unevaluable, Value};
use crate::graph::{Graph, NodeId};
use crate::number::Q;

/// How the result was proven: the routes that share no code with the
/// symbolic one, and their agreement.
#[derive(Clone, Debug)]
pub struct Proof {
    pub verified: bool,
    /// Reverse-mode AD on the graph.
    pub ad: Value,
    /// Central difference of the forward evaluator, with its error bound.
    pub difference: Difference,
    /// The sum of the listed path values, when all paths are listed.
    pub path_sum: Option<Value>,
    /// The same agreement at seeded random points.
    pub points: Vec<PointCheck>,
    /// Routes agree when they differ by less than `10^-tolerance_digits`.
    pub tolerance_digits: u32,
}

impl Proof {
    /// The routes' agreement with the total: every pair of enclosures must
    /// meet within `10^-(digits − 5)`, and every random point agree.
    pub fn of(
        total: &Value,
        ad: Value,
        difference: Difference,
        path_sum: Option<Value>,
        points: Vec<PointCheck>,
        digits: u32,
    ) -> Proof {
        let tolerance_digits = digits.saturating_sub(5);
        let tolerance = Q::one() / Q::int(10).pow(i64::from(tolerance_digits)).unwrap_or_else(Q::one);
        let mut verified = agree(total, &ad.interval(), &tolerance)
            && agree(total, &difference.estimate, &tolerance)
            && agree(&ad, &difference.estimate, &tolerance);
        if let Some(s) = &path_sum {
            verified &= agree(s, &ad.interval(), &tolerance);
        }
        verified &= points.iter().all(|p| p.verified);
        Proof {
            verified,
            ad,
            difference,
            path_sum,
            points,
            tolerance_digits,
        }
    }
}

/// The central difference, running on a thread of its own from the start
/// of a derivation: it needs only the unrolled network, which is all the
/// graph holds then, so it works on a copy while the paths add nodes. On
/// an early error it is left to finish on its own, its result unused.
pub struct DifferenceJob(Option<std::thread::JoinHandle<Result<Difference, Unevaluable>>>);

impl DifferenceJob {
    pub fn start(g: &Graph, of: NodeId, wrt: NodeId, bindings: &Bindings, digits: u32) -> DifferenceJob {
        let (graph, bindings) = (g.clone(), bindings.clone());
        DifferenceJob(
            std::thread::Builder::new()
                .name("central difference".into())
                .spawn(move || central_difference(&graph, of, wrt, &bindings, digits))
                .ok(),
        )
    }

    /// Its result (computed here if the thread could not be started).
    pub fn finish(
        self,
        g: &Graph,
        of: NodeId,
        wrt: NodeId,
        bindings: &Bindings,
        digits: u32,
    ) -> Result<Difference, Unevaluable> {
        match self.0 {
            Some(job) => job.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None => central_difference(g, of, wrt, bindings, digits),
        }
    }
}
