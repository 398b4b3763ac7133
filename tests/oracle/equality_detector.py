#!/usr/bin/env python3
"""Oracle for examples/equality_detector.chain, re-implemented by hand in SymPy (exact Rationals).

    h[t] = step(W x[t] + b),  y[t] = step(v . h[t] + c),  step(z) = 1 if z > 0 else 0

All values are exact 0/1. Every gradient dy[t]/dparam is 0: step' = 0 away from 0, and no
pre-activation is 0 at these values (asserted). SymPy's diff gives DiracDelta(z) factors, which
evaluate to 0 at the (nonzero) pre-activations. Writes tests/oracle/equality_detector.json.
"""
import json, os
from decimal import Context, ROUND_HALF_EVEN
import sympy as sp
from sympy import Matrix, Rational as R


def dec(x):
    """Evaluate to 50 digits, round (half-even) to 40 significant digits.
    Plain notation when 1e-10 <= |x| < 1e10, scientific (e.g. 1.2...e-12) otherwise; exact 0 -> "0"."""
    x = sp.N(x, 50)
    if x == 0:
        return "0"
    d = Context(prec=40, rounding=ROUND_HALF_EVEN).create_decimal(str(x))
    return format(d, "f") if 1e-10 <= abs(d) < 1e10 else format(d, "e")


def exact(x):
    """Return "p/q" (or "p") when the exact SymPy value is a Rational, else None (no guessing)."""
    return str(x) if x.is_Rational else None


def tree(f, v):
    """Apply f entrywise; column vectors -> flat list, matrices -> list of rows, scalars -> f(v)."""
    if not isinstance(v, sp.MatrixBase):
        return f(v)
    if v.cols == 1:
        return [f(e) for e in v]
    return [[f(v[i, j]) for j in range(v.cols)] for i in range(v.rows)]


step = lambda z: sp.Heaviside(z, 0)  # Heaviside with H(0) = 0, i.e. 1 iff z > 0

P = {
    "W": Matrix([[1, 1], [-1, -1]]),   # row 1: x1 + x2 - 3/2 > 0 iff (1,1)  (AND)
    "b": Matrix([R(-3, 2), R(1, 2)]),  # row 2: -x1 - x2 + 1/2 > 0 iff (0,0) (NOR)
    "v": Matrix([1, 1]),               # output: h1 + h2 - 1/2 > 0 iff AND or NOR (OR)
    "c": R(-1, 2),
}
X = {1: Matrix([0, 0]), 2: Matrix([0, 1]), 3: Matrix([1, 0]), 4: Matrix([1, 1])}
T = 4


def forward(P):
    v, pre = {}, []
    for t in range(1, T + 1):
        zh = P["W"] * X[t] + P["b"]
        v[f"h[{t}]"] = zh.applyfunc(step)
        zy = P["v"].dot(v[f"h[{t}]"]) + P["c"]
        v[f"y[{t}]"] = step(zy)
        pre += list(zh) + [zy]
    return v, pre


vals, pre = forward(P)
assert all(z != 0 for z in pre), "a pre-activation sits on the step's jump"
order = [f"h[{t}]" for t in range(1, T + 1)] + [f"y[{t}]" for t in range(1, T + 1)]

th = sp.Symbol("theta", real=True)  # real: keeps SymPy's assumption queries cheap
grads = {}
for t in range(1, T + 1):
    grads[f"y[{t}]"] = {}
    for name, M in P.items():
        if not isinstance(M, sp.MatrixBase):
            g = sp.diff(forward({**P, name: th})[0][f"y[{t}]"], th).subs(th, M)
            grads[f"y[{t}]"][name] = dec(g)
            continue
        G = sp.zeros(*M.shape)
        for k in range(len(M)):
            Mk = M.copy()
            Mk[k] = th
            G[k] = sp.diff(forward({**P, name: Mk})[0][f"y[{t}]"], th).subs(th, M[k])
        grads[f"y[{t}]"][name] = tree(dec, G)

truth = [{"x": [int(e) for e in X[t]], "y": int(vals[f"y[{t}]"]), "equal": bool(X[t][0] == X[t][1])}
         for t in range(1, T + 1)]
assert all(row["y"] == int(row["equal"]) for row in truth), "network does not compute equality"
flat = lambda a: [a] if isinstance(a, str) else [z for e in a for z in flat(e)]
assert all(s == "0" for g in grads.values() for a in g.values() for s in flat(a))

out = {
    "model": "examples/equality_detector.chain",
    "values": {k: tree(dec, vals[k]) for k in order},
    "exact": {k: tree(exact, vals[k]) for k in order},
    "gradients": grads,
    "truth_table": truth,
    "note": "step' = 0 away from 0 and no pre-activation is 0 here, so every gradient is exactly 0.",
}
text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "equality_detector.json"), "w") as fh:
    fh.write(text)
print(text, end="")
