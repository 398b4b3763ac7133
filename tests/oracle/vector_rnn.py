#!/usr/bin/env python3
"""Oracle for examples/vector_rnn.chain, re-implemented by hand in SymPy (exact Rationals).

    h[0] = 0,  h[t] = tanh(W x[t] + U h[t-1] + b),  yhat[t] = softmax(V h[t] + c),
    L = -sum_{t=1..3} y[t] . ln(yhat[t])

Writes tests/oracle/vector_rnn.json (values, exact values, dL/dparam for every param,
and the adjoints delta h[t] = dL/dh[t], total through later steps) and prints it.
Also cross-checks dL/dW[1,2] by an mpmath central difference (stderr).
"""
import json, os, sys
from decimal import Context, ROUND_HALF_EVEN
import mpmath
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
    "W": Matrix([[R(1, 2), R(-1, 3)], [R(1, 4), R(2, 3)]]),
    "U": Matrix([[R(1, 5), R(1, 2)], [R(-1, 2), R(1, 3)]]),
    "b": Matrix([R(1, 10), R(-1, 5)]),
    "V": Matrix([[1, R(-1, 2)], [R(1, 3), R(1, 4)]]),
    "c": Matrix([0, R(1, 10)]),
}
X = {1: Matrix([1, 0]), 2: Matrix([0, 1]), 3: Matrix([2, -1])}
Y = {1: Matrix([1, 0]), 2: Matrix([0, 1]), 3: Matrix([1, 0])}
T = 3


def softmax(z):
    e = z.applyfunc(sp.exp)
    return e / sum(e)


def forward(P, override=None):
    """override = (t, vector): replace the node h[t] by the given vector (for dL/dh[t])."""
    v = {"h[0]": sp.zeros(2, 1)}
    L = 0
    for t in range(1, T + 1):
        h = (P["W"] * X[t] + P["U"] * v[f"h[{t-1}]"] + P["b"]).applyfunc(sp.tanh)
        if override and override[0] == t:
            h = override[1]
        v[f"h[{t}]"] = h
        v[f"yhat[{t}]"] = softmax(P["V"] * h + P["c"])
        L -= Y[t].dot(v[f"yhat[{t}]"].applyfunc(sp.log))
    v["L"] = L
    return v


vals = forward(P)
order = [f"h[{t}]" for t in range(T + 1)] + [f"yhat[{t}]" for t in range(1, T + 1)] + ["L"]

th = sp.Symbol("theta", real=True)  # real: keeps SymPy's assumption queries cheap
grads = {}
for name, M in P.items():
    G = sp.zeros(*M.shape)
    for k in range(len(M)):
        Q = dict(P)
        Q[name] = M.copy()
        Q[name][k] = th
        G[k] = sp.diff(forward(Q)["L"], th).subs(th, M[k])
    grads[name] = tree(dec, G)

hs = Matrix(sp.symbols("h1 h2", real=True))
delta = {}
for t in range(T, 0, -1):
    L_t = forward(P, (t, hs))["L"]
    d = Matrix([sp.diff(L_t, s) for s in hs]).subs(dict(zip(hs, vals[f"h[{t}]"])))
    delta[f"h[{t}]"] = tree(dec, d)

out = {
    "model": "examples/vector_rnn.chain",
    "values": {k: tree(dec, vals[k]) for k in order},
    "exact": {k: tree(exact, vals[k]) for k in order},
    "gradients": {"L": grads, "delta": delta},
}

# --- sanity checks -------------------------------------------------------------------------
for t in range(1, T + 1):
    assert abs(sp.N(sum(vals[f"yhat[{t}]"]) - 1, 50)) < sp.Float("1e-45"), "softmax must sum to 1"

# Independent cross-check of one gradient entry: plain mpmath forward pass, central difference.
mpmath.mp.dps = 60


def L_mp(W12):
    M = lambda A: mpmath.matrix([[mpmath.mpf(sp.Rational(e).p) / sp.Rational(e).q for e in row]
                                 for row in A.tolist()])
    W, U, b, V, c = (M(P[k]) for k in "WUbVc")
    W[0, 1] = W12
    h, L = mpmath.matrix(2, 1), mpmath.mpf(0)
    for t in range(1, T + 1):
        z = W * M(X[t]) + U * h + b
        h = mpmath.matrix([mpmath.tanh(z[0]), mpmath.tanh(z[1])])
        a = V * h + c
        S = mpmath.exp(a[0]) + mpmath.exp(a[1])
        L -= sum(Y[t][i] * (a[i] - mpmath.log(S)) for i in range(2))
    return L


w12, eps = mpmath.mpf(-1) / 3, mpmath.mpf("1e-30")
fd = (L_mp(w12 + eps) - L_mp(w12 - eps)) / (2 * eps)
g = mpmath.mpf(grads["W"][0][1])
Lmp = L_mp(w12)
print(f"# mpmath L = {mpmath.nstr(Lmp, 45)}  (|diff vs SymPy| = {mpmath.nstr(abs(Lmp - mpmath.mpf(out['values']['L'])), 3)})",
      file=sys.stderr)
print(f"# dL/dW[1,2]: SymPy {grads['W'][0][1]}\n#             central difference (h=1e-30, 60 digits) {mpmath.nstr(fd, 40)}\n"
      f"#             relative difference {mpmath.nstr(abs(fd - g) / abs(g), 3)}", file=sys.stderr)
assert abs(fd - g) / abs(g) < mpmath.mpf("1e-25")

text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vector_rnn.json"), "w") as fh:
    fh.write(text)
print(text, end="")
