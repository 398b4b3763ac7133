//! Local partial derivatives of each operation, written through the
//! network's own names: for `y = σ(n)`, `∂y/∂n = y(1 − y)`; for
//! `h = tanh(a)`, `∂h/∂a = 1 − h²`.

use crate::graph::{Builtin, Graph, Node, NodeId, TooLarge};
use crate::number::Q;
use crate::simplify::{canonical, Depth, Factored, Monomial, Poly};
use std::collections::HashMap;

/// For each node that is the definition of a named quantity, that named
/// node: the name to write the node's value with.
#[derive(Clone, Debug, Default)]
pub struct Names {
    by_def: HashMap<NodeId, NodeId>,
}

impl Names {
    pub fn new(g: &Graph) -> Names {
        let mut by_def = HashMap::new();
        for (i, n) in g.nodes().iter().enumerate() {
            if let Node::Named(_, d) = n {
                by_def.entry(*d).or_insert(NodeId(i as u32));
            }
        }
        Names { by_def }
    }

    /// The named node for `id`'s value, or `id` itself.
    pub fn of(&self, id: NodeId) -> NodeId {
        self.by_def.get(&id).copied().unwrap_or(id)
    }
}

fn expr(g: &Graph, id: NodeId) -> Factored {
    Factored::from_poly(&canonical(g, id, Depth::StopAtNames))
}

fn atom_pow(a: NodeId, n: i32) -> Factored {
    Factored {
        coeff: Q::one(),
        sums: Vec::new(),
        mono: Monomial::atom(a).pow(n),
    }
}

/// `1 / e` where `e` is the expression at `id`: the monomial inverted when
/// it is a single term, else the node itself as an atom to the power −1.
fn reciprocal(g: &Graph, id: NodeId, power: i32) -> Factored {
    let f = expr(g, id);
    if f.sums.is_empty() && !f.coeff.is_zero() {
        let k = f.coeff.pow(i64::from(-power)).unwrap_or_else(Q::one);
        return Factored {
            coeff: k,
            sums: Vec::new(),
            mono: f.mono.pow(-power),
        };
    }
    atom_pow(id, -power)
}

/// `∂parent / ∂(operand number slot)`. `relu_active` is the model's
/// `assume relu active`. May add nodes (such as `ln a` for a power's
/// exponent, or the step function for relu') to the graph.
pub fn local_partial(
    g: &mut Graph,
    names: &Names,
    parent: NodeId,
    slot: usize,
    relu_active: bool,
) -> Result<Factored, TooLarge> {
    let one = Factored::constant(Q::one());
    Ok(match g.node(parent).clone() {
        Node::Named(..) => one,
        // ∂ℓ(a)/∂a = ℓ′(a), a symbol of its own.
        Node::Opaque(f, a) => {
            let d = g.add(Node::OpaquePrime(f, a))?;
            Factored {
                coeff: Q::one(),
                sums: Vec::new(),
                mono: Monomial::atom(d),
            }
        }
        Node::OpaquePrime(..) => Factored::constant(Q::zero()),
        Node::Add(..) => one,
        Node::Sub(..) => Factored::constant(if slot == 0 { Q::one() } else { -Q::one() }),
        Node::Neg(_) => Factored::constant(-Q::one()),
        Node::Mul(a, b) => expr(g, if slot == 0 { b } else { a }),
        Node::Div(a, b) => {
            if slot == 0 {
                reciprocal(g, b, 1)
            } else {
                let mut f = expr(g, a).mul(&reciprocal(g, b, 2));
                f.coeff = -f.coeff;
                f
            }
        }
        Node::Pow(a, e) => match g.literal(e).and_then(|q| q.to_i64()) {
            Some(1) if slot == 0 => one,
            Some(n) if slot == 0 && i32::try_from(n).is_ok() => {
                // n · a^(n−1), kept factored when `a` is a sum; as the
                // general form below when a^(n−1) would not fit (a power
                // past `i32`; a coefficient too large to write out keeps
                // a^(n−1) as written).
                let m = n as i32 - 1;
                let base = expr(g, a);
                let fits = crate::simplify::canonical::coefficient_fits(&base.coeff, m);
                let pow = if n >= 2 && fits {
                    let sums = base
                        .sums
                        .iter()
                        .map(|(p, k)| Some((p.clone(), k.checked_mul(m as u32)?)));
                    sums.collect::<Option<Vec<_>>>()
                        .zip(base.mono.checked_pow(m))
                        .map(|(sums, mono)| Factored {
                            coeff: base.coeff.pow(i64::from(m)).unwrap_or_else(Q::one),
                            sums,
                            mono,
                        })
                } else if base.sums.is_empty() && !base.coeff.is_zero() && fits {
                    base.mono.checked_pow(m).map(|mono| Factored {
                        coeff: base.coeff.pow(i64::from(m)).unwrap_or_else(Q::one),
                        sums: Vec::new(),
                        mono,
                    })
                } else {
                    Some(atom_pow(a, m))
                };
                match pow {
                    Some(pow) => Factored::constant(Q::int(n)).mul(&pow),
                    None => general_base_partial(g, names, parent, a, e),
                }
            }
            _ if slot == 0 => general_base_partial(g, names, parent, a, e),
            _ => {
                // d(a^b)/db = a^b · ln a
                let ln = g.add(Node::Call(Builtin::Ln, a))?;
                atom_pow(names.of(parent), 1).mul(&atom_pow(ln, 1))
            }
        },
        Node::Call(f, z) => {
            let s = names.of(parent);
            match f {
                Builtin::Sigmoid => {
                    Factored::from_poly(&Poly::atom(s).sub(&Poly::term(Q::one(), Monomial::atom(s).pow(2))))
                }
                Builtin::Tanh => {
                    Factored::from_poly(&Poly::constant(Q::one()).sub(&Poly::term(Q::one(), Monomial::atom(s).pow(2))))
                }
                Builtin::Exp => atom_pow(s, 1),
                Builtin::Ln => reciprocal(g, z, 1),
                Builtin::Sqrt => Factored {
                    coeff: Q::ratio(1, 2),
                    sums: Vec::new(),
                    mono: Monomial::atom(s).pow(-1),
                },
                Builtin::Relu if relu_active => one,
                Builtin::Relu => atom_pow(g.add(Node::Call(Builtin::Step, z))?, 1),
                Builtin::Step => Factored::constant(Q::zero()),
            }
        }
        Node::Lit(_) | Node::Leaf(_) => Factored::constant(Q::zero()),
    })
}

/// `∂(a^b)/∂a = b · a^b / a`, in atoms only: no power is expanded.
fn general_base_partial(g: &mut Graph, names: &Names, parent: NodeId, a: NodeId, e: NodeId) -> Factored {
    let p = names.of(parent);
    expr(g, e).mul(&atom_pow(p, 1)).mul(&reciprocal(g, a, 1))
}

/// The operand slots of `parent` that hold `child` (two for `x*x`).
pub fn slots(g: &Graph, parent: NodeId, child: NodeId) -> Vec<usize> {
    g.node(parent)
        .children()
        .enumerate()
        .filter(|&(_, c)| c == child)
        .map(|(i, _)| i)
        .collect()
}
