#!/usr/bin/env python3
"""Oracle for examples/vector_lstm.chain, re-implemented by hand in SymPy (exact Rationals).

    f[t] = sigmoid(Wf x[t] + Uf h[t-1] + bf)   (i, o likewise),   g[t] = tanh(Wg x[t] + Ug h[t-1] + bg)
    c[t] = f[t] .* c[t-1] + i[t] .* g[t],   h[t] = o[t] .* tanh(c[t]),   h[0] = c[0] = 0,   L = r . h[2]

Writes tests/oracle/vector_lstm.json (values, exact values, dL/dparam for all 13 params, and the
adjoints dL/dh[t], dL/dc[t] -- total derivatives through later steps) and prints it.
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


M2 = lambda a, b, c, d: Matrix([[a, b], [c, d]])
P = {
    "Wf": M2(R(1, 2), R(-1, 3), R(1, 4), R(1, 5)),
    "Uf": M2(R(1, 3), R(1, 4), R(-1, 5), R(1, 2)),
    "bf": Matrix([R(1, 4), R(1, 2)]),
    "Wi": M2(R(2, 3), R(1, 5), R(-1, 4), R(1, 2)),
    "Ui": M2(R(1, 5), R(-1, 3), R(1, 2), R(1, 4)),
    "bi": Matrix([R(-1, 4), R(1, 5)]),
    "Wo": M2(R(3, 4), R(-1, 2), R(1, 3), R(1, 4)),
    "Uo": M2(R(-1, 2), R(1, 4), R(1, 3), R(-1, 5)),
    "bo": Matrix([R(1, 3), R(-1, 4)]),
    "Wg": M2(R(1, 2), R(2, 5), R(-1, 3), R(1, 2)),
    "Ug": M2(R(2, 5), R(-1, 4), R(1, 5), R(1, 3)),
    "bg": Matrix([R(-1, 5), R(1, 10)]),
    "r": Matrix([1, R(-1, 2)]),
}
X = {1: Matrix([1, -1]), 2: Matrix([R(1, 2), 2])}
T = 2
sigmoid = lambda z: 1 / (1 + sp.exp(-z))


def forward(P, override=None):
    """override = (name, t, vector): replace the node name[t] (h or c) by the given vector."""
    v = {"h[0]": sp.zeros(2, 1), "c[0]": sp.zeros(2, 1)}
    for t in range(1, T + 1):
        hp = v[f"h[{t-1}]"]
        pre = lambda k: P["W" + k] * X[t] + P["U" + k] * hp + P["b" + k]
        for k in "fio":
            v[f"{k}[{t}]"] = pre(k).applyfunc(sigmoid)
        v[f"g[{t}]"] = pre("g").applyfunc(sp.tanh)
        c = v[f"f[{t}]"].multiply_elementwise(v[f"c[{t-1}]"]) + v[f"i[{t}]"].multiply_elementwise(v[f"g[{t}]"])
        v[f"c[{t}]"] = override[2] if override and override[:2] == ("c", t) else c
        h = v[f"o[{t}]"].multiply_elementwise(v[f"c[{t}]"].applyfunc(sp.tanh))
        v[f"h[{t}]"] = override[2] if override and override[:2] == ("h", t) else h
    v["L"] = P["r"].dot(v[f"h[{T}]"])
    return v


vals = forward(P)
order = ["h[0]", "c[0]"] + [f"{k}[{t}]" for k in "fiogch" for t in range(1, T + 1)] + ["L"]

th = sp.Symbol("theta", real=True)  # real: keeps SymPy's assumption queries cheap
grads = {}
for name, M in P.items():
    G = sp.zeros(*M.shape)
    for k in range(len(M)):
        Mk = M.copy()
        Mk[k] = th
        G[k] = sp.diff(forward({**P, name: Mk})["L"], th).subs(th, M[k])
    grads[name] = tree(dec, G)

s = Matrix(sp.symbols("s1 s2", real=True))
delta = {}
for t in range(T, 0, -1):
    for k in "hc":
        L_t = forward(P, (k, t, s))["L"]
        d = Matrix([sp.diff(L_t, si) for si in s]).subs(dict(zip(s, vals[f"{k}[{t}]"])))
        delta[f"{k}[{t}]"] = tree(dec, d)

out = {
    "model": "examples/vector_lstm.chain",
    "values": {k: tree(dec, vals[k]) for k in order},
    "exact": {k: tree(exact, vals[k]) for k in order},
    "gradients": {"L": grads, "delta": delta},
}

# sanity: L is linear in r, so dL/dr = h[2] and dL/dh[2] = r; U* do nothing at step 1 (h[0] = 0)
assert grads["r"] == out["values"][f"h[{T}]"]
assert delta[f"h[{T}]"] == [dec(e) for e in P["r"]]

text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vector_lstm.json"), "w") as fh:
    fh.write(text)
print(text, end="")
