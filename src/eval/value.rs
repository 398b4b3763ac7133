//! The value of a node: exact, or a certified enclosure.

use crate::number::{Interval, Prec, Q};

/// A real number known exactly, or known to lie in an interval.
///
/// The interval is boxed: a value is then as large as a rational (64 bytes,
/// not 136), and the forward pass holds one slot per node of graphs with
/// millions of nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Exact(Q),
    Approx(Box<Interval>),
}

impl Value {
    /// An enclosure.
    pub fn approx(iv: Interval) -> Value {
        Value::Approx(Box::new(iv))
    }

    /// The value as an interval (a point for exact values).
    pub fn interval(&self) -> Interval {
        match self {
            Value::Exact(q) => Interval::point(q.clone()),
            Value::Approx(iv) => Interval::clone(iv),
        }
    }

    pub fn exact(&self) -> Option<&Q> {
        match self {
            Value::Exact(q) => Some(q),
            Value::Approx(_) => None,
        }
    }

    /// Width of the enclosure; zero for exact values.
    pub fn width(&self) -> Q {
        match self {
            Value::Exact(_) => Q::zero(),
            Value::Approx(iv) => iv.width(),
        }
    }

    /// `self + o`: exact when both are, else an enclosure at `prec`.
    pub fn add(&self, o: &Value, prec: Prec) -> Value {
        match (self, o) {
            (Value::Exact(x), Value::Exact(y)) => Value::Exact(x + y),
            _ => Value::approx(self.interval().add(&o.interval(), prec)),
        }
    }

    /// `self · o`: exact when both are, else an enclosure at `prec`.
    pub fn mul(&self, o: &Value, prec: Prec) -> Value {
        match (self, o) {
            (Value::Exact(x), Value::Exact(y)) => Value::Exact(x * y),
            _ => Value::approx(self.interval().mul(&o.interval(), prec)),
        }
    }
}
