#!/usr/bin/env python3
"""Oracle for examples/attention.chain, re-implemented by hand in SymPy (exact Rationals).

    s[t] = q . e[t],  z = sum_t exp(s[t]),  alpha[t] = exp(s[t]) / z,
    ctx = sum_t alpha[t] e[t],  out = tanh(Wo ctx),  L = r . out        (t = 1..3)

Writes tests/oracle/attention.json (values, exact values, dL/dparam for q, Wo, r) and prints it.
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


P = {
    "q": Matrix([R(1, 2), -1]),
    "Wo": Matrix([[R(1, 2), R(-1, 4)], [R(1, 3), 1]]),
    "r": Matrix([1, R(-1, 2)]),
}
E = {1: Matrix([1, R(1, 2)]), 2: Matrix([-1, 1]), 3: Matrix([R(1, 2), R(-1, 2)])}
T = 3


def forward(P):
    v = {}
    for t in range(1, T + 1):
        v[f"s[{t}]"] = P["q"].dot(E[t])
    v["z"] = sum(sp.exp(v[f"s[{t}]"]) for t in range(1, T + 1))
    for t in range(1, T + 1):
        v[f"alpha[{t}]"] = sp.exp(v[f"s[{t}]"]) / v["z"]
    v["ctx"] = sum((v[f"alpha[{t}]"] * E[t] for t in range(1, T + 1)), sp.zeros(2, 1))
    v["out"] = (P["Wo"] * v["ctx"]).applyfunc(sp.tanh)
    v["L"] = P["r"].dot(v["out"])
    return v


vals = forward(P)
order = list(vals)  # s[1..3], z, alpha[1..3], ctx, out, L

th = sp.Symbol("theta", real=True)  # real: keeps SymPy's assumption queries cheap
grads = {}
for name, M in P.items():
    G = sp.zeros(*M.shape)
    for k in range(len(M)):
        Mk = M.copy()
        Mk[k] = th
        G[k] = sp.diff(forward({**P, name: Mk})["L"], th).subs(th, M[k])
    grads[name] = tree(dec, G)

out = {
    "model": "examples/attention.chain",
    "values": {k: tree(dec, vals[k]) for k in order},
    "exact": {k: tree(exact, vals[k]) for k in order},
    "gradients": {"L": grads},
}

# sanity: attention weights sum to 1; dL/dr = out (L is linear in r)
assert abs(sp.N(sum(vals[f"alpha[{t}]"] for t in range(1, T + 1)) - 1, 50)) < sp.Float("1e-45")
assert grads["r"] == out["values"]["out"]

text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention.json"), "w") as fh:
    fh.write(text)
print(text, end="")
