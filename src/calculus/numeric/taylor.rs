//! Interval Taylor arithmetic of order 3: a proven bound on `f'''` over an
//! interval, for the truncation error of the central difference.
//!
//! Every active node carries four interval coefficients `c_k`, which enclose
//! `f^(k)(ξ)/k!` of that node, as a function of the perturbed value `ξ`, for
//! *every* `ξ` in the input interval `X`. The wrt node starts as `(X, 1, 0, 0)`;
//! nodes that do not depend on it are constants. The usual recurrences of
//! automatic Taylor expansion (Moore 1966; Griewank & Walther, *Evaluating
//! Derivatives*, ch. 13) are evaluated in outward-rounded interval arithmetic,
//! which is inclusion-monotone, so the enclosure holds over the whole of `X`.
//! An operation that is not smooth somewhere on its input (a relu or step
//! argument that may be 0, a divisor, ln or sqrt argument that may be 0) is
//! refused: the bound exists only where `f` is three times differentiable.

use super::Fail;
use crate::eval::Value;
use crate::graph::{Builtin, Graph, Node, NodeId};
use crate::number::{elementary, Interval, IntervalError, Prec, Q};

/// Taylor coefficients `c_0..c_3`.
#[derive(Clone, Debug)]
struct Series([Interval; 4]);

fn zero() -> Interval {
    Interval::point(Q::zero())
}

fn pt(q: Q) -> Interval {
    Interval::point(q)
}

impl Series {
    fn constant(c: Interval) -> Series {
        Series([c, zero(), zero(), zero()])
    }
}

/// Interval arithmetic at one precision, failing at one node.
struct Ops {
    p: Prec,
    id: NodeId,
}

impl Ops {
    fn err(&self, what: &'static str) -> impl Fn(IntervalError) -> Fail + '_ {
        move |e| Fail::interval(e, self.id, what)
    }
    fn add(&self, a: &Series, b: &Series) -> Series {
        Series(std::array::from_fn(|k| a.0[k].add(&b.0[k], self.p)))
    }
    fn neg(&self, a: &Series) -> Series {
        Series(std::array::from_fn(|k| a.0[k].neg()))
    }
    /// `Σ_{j=lo..=hi} x_j y_{k−j}`.
    fn conv(&self, x: &[Interval; 4], y: &[Interval; 4], k: usize, lo: usize, hi: usize) -> Interval {
        let mut s = zero();
        for j in lo..=hi {
            s = s.add(&x[j].mul(&y[k - j], self.p), self.p);
        }
        s
    }
    /// `Σ_{j=1..=k} j x_j y_{k−j} / k`: the coefficient `k` of `∫ x' y`.
    fn integral(&self, x: &[Interval; 4], y: &[Interval; 4], k: usize) -> Interval {
        let mut s = zero();
        for j in 1..=k {
            let t = x[j].mul(&y[k - j], self.p).mul(&pt(Q::int(j as i64)), self.p);
            s = s.add(&t, self.p);
        }
        s.mul(&pt(Q::ratio(1, k as i64)), self.p)
    }
    /// Each coefficient lying within `±2^-(p+64)` widened to exactly that:
    /// a larger enclosure, so still sound, whose ends stay short. Repeated
    /// squaring of a base below 1 (`(w/3)^(10^9)`) would otherwise carry
    /// ends with a billion bits.
    fn flush(&self, a: Series) -> Series {
        let bits = -f64::from(self.p.0) - 64.0;
        let tiny = |q: &Q| crate::number::size::log2_abs(q).is_none_or(|l| l < bits);
        Series(a.0.map(|c| {
            if tiny(c.lo()) && tiny(c.hi()) && !(c.lo().is_zero() && c.hi().is_zero()) {
                let t = Q::from_dyadic(1.into(), -i64::from(self.p.0) - 64);
                Interval::new(-t.clone(), t)
            } else {
                c
            }
        }))
    }
    fn mul(&self, a: &Series, b: &Series) -> Series {
        Series(std::array::from_fn(|k| self.conv(&a.0, &b.0, k, 0, k)))
    }
    fn div(&self, a: &Series, b: &Series) -> Result<Series, Fail> {
        let d = &b.0[0];
        let mut q = [zero(), zero(), zero(), zero()];
        for k in 0..4 {
            let s = a.0[k].sub(&self.conv(&b.0, &q, k, 1, k), self.p);
            q[k] = s.div(d, self.p).map_err(self.err("division by zero"))?;
        }
        Ok(Series(q))
    }
    fn exp(&self, a: &Series) -> Series {
        let mut e = [elementary::exp(&a.0[0], self.p), zero(), zero(), zero()];
        for k in 1..4 {
            e[k] = self.integral(&a.0, &e, k);
        }
        Series(e)
    }
    fn ln(&self, a: &Series) -> Result<Series, Fail> {
        let what = "ln of a number that may be non-positive";
        let mut l = [
            elementary::ln(&a.0[0], self.p).map_err(self.err(what))?,
            zero(),
            zero(),
            zero(),
        ];
        for k in 1..4 {
            // a_k = Σ_{j=1..k} (j/k) l_j a_{k−j}  ⇒  l_k = (a_k − Σ_{j<k} (j/k) l_j a_{k−j}) / a_0
            let mut s = zero();
            for (j, lj) in l.iter().enumerate().take(k).skip(1) {
                let t = lj
                    .mul(&a.0[k - j], self.p)
                    .mul(&pt(Q::ratio(j as i64, k as i64)), self.p);
                s = s.add(&t, self.p);
            }
            l[k] = a.0[k].sub(&s, self.p).div(&a.0[0], self.p).map_err(self.err(what))?;
        }
        Ok(Series(l))
    }
    fn sqrt(&self, a: &Series) -> Result<Series, Fail> {
        let what = "sqrt of a number that may be non-positive";
        let r0 = elementary::sqrt(&a.0[0], self.p).map_err(self.err(what))?;
        let two_r0 = r0.mul(&pt(Q::int(2)), self.p);
        let mut r = [r0, zero(), zero(), zero()];
        for k in 1..4 {
            let s = self.conv(&r, &r, k, 1, k - 1);
            r[k] = a.0[k].sub(&s, self.p).div(&two_r0, self.p).map_err(self.err(what))?;
        }
        Ok(Series(r))
    }
    /// `y' = d(y)·a'` with `d = 1 − y²` (tanh) or `d = y − y²` (σ), built up
    /// one order at a time.
    fn logistic_like(&self, a: &Series, y0: Interval, tanh: bool) -> Result<Series, Fail> {
        let mut y = [y0, zero(), zero(), zero()];
        let mut d = [zero(), zero(), zero(), zero()];
        for k in 0..4 {
            if k > 0 {
                y[k] = self.integral(&a.0, &d, k);
            }
            if k < 3 {
                let sq = match k {
                    0 => y[0].powi(2, self.p).map_err(self.err("a square"))?,
                    _ => self.conv(&y, &y, k, 0, k),
                };
                let base = match (tanh, k) {
                    (true, 0) => pt(Q::one()),
                    (true, _) => zero(),
                    (false, _) => y[k].clone(),
                };
                d[k] = base.sub(&sq, self.p);
            }
        }
        Ok(Series(y))
    }
    /// `a^n` for an integer `n`, by repeated squaring (no sign condition on `a`).
    fn powi(&self, a: &Series, n: i64) -> Result<Series, Fail> {
        let mut acc = Series::constant(pt(Q::one()));
        let mut base = a.clone();
        let mut k = n.unsigned_abs();
        while k > 0 {
            if k & 1 == 1 {
                acc = self.flush(self.mul(&acc, &base));
            }
            k >>= 1;
            if k > 0 {
                base = self.flush(self.mul(&base, &base));
            }
        }
        match n < 0 {
            true => self.div(&Series::constant(pt(Q::one())), &acc),
            false => Ok(acc),
        }
    }
}

/// An enclosure of `c_3 = f'''(ξ)/6` for every `ξ` in `x`, where `f` is the
/// value of `of` as a function of the value of `wrt`, every node that does not
/// depend on `wrt` keeping its value in `base` (forward values at precision
/// `prec`). `active` is [`super::active_nodes`]`(graph, of, wrt)`, and `of` is active.
/// Where the Taylor coefficients are taken: over `x` (an interval of the
/// `wrt` value), at working precision `prec`, with relu read as the
/// identity as the bindings say (as the forward pass reads it).
pub(super) struct Around<'b> {
    pub x: Interval,
    pub prec: Prec,
    /// The point's bindings: how relu is read, and the opaque slopes.
    pub bindings: &'b crate::eval::Bindings,
}

pub(super) fn third_coefficient(
    graph: &Graph,
    of: NodeId,
    wrt: NodeId,
    active: &[bool],
    base: &[Option<Value>],
    around: Around,
) -> Result<Interval, Fail> {
    let Around { x, prec, bindings } = around;
    let relu_active = bindings.relu_active();
    let mut ser: Vec<Option<Series>> = vec![None; of.index() + 1];
    ser[wrt.index()] = Some(Series([x, pt(Q::one()), zero(), zero()]));
    for i in wrt.index() + 1..=of.index() {
        if !active[i] {
            continue;
        }
        let id = NodeId(i as u32);
        let get = |c: NodeId| -> Series {
            match &ser[c.index()] {
                Some(s) if active[c.index()] => s.clone(),
                _ => Series::constant(base[c.index()].as_ref().expect("needed nodes have values").interval()),
            }
        };
        let o = Ops { p: prec, id };
        let s = match graph.node(id) {
            Node::Lit(_) | Node::Leaf(_) | Node::OpaquePrime(..) => unreachable!("only wrt is an active leaf"),
            // An opaque call is the line through 0 with its slope.
            Node::Opaque(f, a) => {
                let s = bindings
                    .opaque(*f, *a)
                    .cloned()
                    .ok_or_else(|| Fail::Domain(id, "an opaque function without a derivative".into()))?;
                o.mul(&Series::constant(pt(s)), &get(*a))
            }
            Node::Named(_, d) => get(*d),
            Node::Neg(a) => o.neg(&get(*a)),
            Node::Add(a, b) => o.add(&get(*a), &get(*b)),
            Node::Sub(a, b) => o.add(&get(*a), &o.neg(&get(*b))),
            Node::Mul(a, b) => o.mul(&get(*a), &get(*b)),
            Node::Div(a, b) => o.div(&get(*a), &get(*b))?,
            Node::Pow(a, b) => {
                let n = match (active[b.index()], base[b.index()].as_ref()) {
                    (false, Some(Value::Exact(e))) => e.to_i64(),
                    _ => None,
                };
                match n {
                    Some(n) => o.powi(&get(*a), n)?,
                    // a^b = exp(b ln a), which needs a > 0
                    None => o.exp(&o.mul(&get(*b), &o.ln(&get(*a))?)),
                }
            }
            Node::Call(f, a) => {
                let a = get(*a);
                match f {
                    Builtin::Exp => o.exp(&a),
                    Builtin::Ln => o.ln(&a)?,
                    Builtin::Sqrt => o.sqrt(&a)?,
                    Builtin::Tanh => o.logistic_like(&a, elementary::tanh(&a.0[0], prec), true)?,
                    Builtin::Sigmoid => o.logistic_like(&a, elementary::sigmoid(&a.0[0], prec), false)?,
                    // `assume relu active`: the identity, as the forward pass reads it.
                    Builtin::Relu if relu_active => a,
                    Builtin::Relu | Builtin::Step => {
                        let z = &a.0[0];
                        let positive = match (z.lo().is_positive(), z.hi().is_negative()) {
                            (true, _) => true,
                            (_, true) => false,
                            // a kink or a jump may lie in the interval
                            _ => return Err(Fail::Undecided(id)),
                        };
                        match (f, positive) {
                            (Builtin::Relu, true) => a,
                            (Builtin::Step, true) => Series::constant(pt(Q::one())),
                            _ => Series::constant(zero()),
                        }
                    }
                }
            }
        };
        ser[i] = Some(s);
    }
    let out = ser[of.index()].take().expect("of is active");
    let [_, _, _, c3] = out.0;
    Ok(c3)
}
