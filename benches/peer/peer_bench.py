# Copied from ../shared/bench/peer_bench.py (the course's SymPy peer) so that benches/peer.sh
# runs from a clone without the shared folder; benches/peer.sh prefers the shared copy.
#!/usr/bin/env python3
"""peer_bench.py -- peer baseline: unrolled scalar RNNs in Python CAS libraries.

What a user would do in Python instead of our Rust tool: unroll an RNN
recurrence for T steps into one symbolic expression, differentiate the loss
w.r.t. one parameter, simplify, print LaTeX, evaluate exactly at rational
parameter values, and count computation-graph paths parameter -> loss.

Models (scalar; inputs are small integers, parameters are symbols):
  M1  Elman RNN, relu assumed active (identity):
        h_t = w1*x1_t + w2*x2_t + u*h_{t-1} + b_h,  y_T = sigmoid(v*h_T + b_y),
        L = -ln(y_T);                                parameter w1
  M2  tanh hidden unit, linear output, loss over all steps:
        h_t = tanh(w1*x1_t + w2*x2_t + u*h_{t-1} + b_h),  y_t = v*h_t,
        L = sum_t (y_t - target_t)^2;                parameter w1
  M3  scalar LSTM cell (sigmoid gates f,i,o; tanh candidate g and cell output):
        c_t = f_t*c_{t-1} + i_t*g_t,  h_t = o_t*tanh(c_t),
        L = (h_T - 1)^2;                             parameter uf (forget gate
                                                     weight on h_{t-1})
  h_0 = c_0 = 0.  sigmoid(z) is written 1/(1+exp(-z)), as a user would.

Backends: sympy (all steps; plain Symbols), sympy_real (same with
Symbol(..., real=True)), symengine and symbolica (the steps they offer).

Each (backend, model, T) runs in a fresh subprocess.  The parent enforces a
per-step wall-clock limit (default 60 s): a step over the limit is recorded
as TIMEOUT, the worker is killed and restarted without that step (build and
diff are redone but their first timing is kept).  A step that timed out (or
ran out of memory) is not attempted again at larger T ("skip"); if build or
diff fails, larger T are not attempted for that model/backend.

Steps (in run order; all timed with time.perf_counter):
  build     construct the loss expression L
  diff      dL = dL/dparam
  cg_paths  number of paths param -> L in the RNN computation graph (a small
            recording backend that builds the same DAG; no CAS involved)
  paths     number of root-to-leaf paths ending at param in the CAS's own
            expression tree of L (memoised walk over the shared DAG), plus the
            number of distinct nodes (DAG size) of dL  [sympy only]
  latex     LaTeX string of dL (unsimplified); its length is reported
  subs      exact substitution of rational parameter values into dL
            (result is exact, but contains exp/tanh of rationals)
  evalf     the substituted result to 30 significant digits
  expand / cancel / simplify   of dL (simplify: sympy.simplify only)

Peak memory = max ru_maxrss of the worker processes of a configuration
(VmHWM read from /proc for a worker that had to be killed).

Usage:
  python peer_bench.py                                  # everything (~1 h)
  python peer_bench.py --paths-only                     # path-count table only
  python peer_bench.py --backends sympy --models M1 --T 2,4,8 --timeout 60
  results also go to --json (default peer_results_<backends>.json)
"""

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import threading
import time
from fractions import Fraction

os.environ.setdefault("SYMBOLICA_HIDE_BANNER", "1")

# --------------------------------------------------------------------------
# Data: inputs, targets, parameter values (all exact)
# --------------------------------------------------------------------------

def x1(t):  return 1 + t % 3            # 2, 3, 1, 2, ...
def x2(t):  return -1 if t % 2 else 2   # -1, 2, -1, ...
def target(t): return t % 2             # 1, 0, 1, ...
def xin(t): return 1 + t % 2            # M3 input: 2, 1, 2, ...

VALUE_CYCLE = [Fraction(1, 2), Fraction(1, 3), Fraction(-2, 5), Fraction(1, 4),
               Fraction(-1, 5), Fraction(2, 3), Fraction(-1, 3), Fraction(3, 5),
               Fraction(1, 6), Fraction(-3, 4), Fraction(2, 5), Fraction(-1, 2)]

def param_values(names):
    return {n: VALUE_CYCLE[i % len(VALUE_CYCLE)] for i, n in enumerate(names)}

# --------------------------------------------------------------------------
# Models, written once against a tiny backend interface:
#   B.symbol(name), B.exp, B.log, B.tanh  and Python operators.
# Each returns (L, param_symbol, {name: symbol}).
# --------------------------------------------------------------------------

def sigmoid(B, z):
    return 1 / (1 + B.exp(-z))

def model_m1(B, T):
    names = ["w1", "w2", "u", "b_h", "v", "b_y"]
    s = {n: B.symbol(n) for n in names}
    h = 0
    for t in range(1, T + 1):
        h = s["w1"] * x1(t) + s["w2"] * x2(t) + s["u"] * h + s["b_h"]  # relu = id
    y = sigmoid(B, s["v"] * h + s["b_y"])
    return -B.log(y), s["w1"], s

def model_m2(B, T):
    names = ["w1", "w2", "u", "b_h", "v"]
    s = {n: B.symbol(n) for n in names}
    h, L = 0, 0
    for t in range(1, T + 1):
        h = B.tanh(s["w1"] * x1(t) + s["w2"] * x2(t) + s["u"] * h + s["b_h"])
        y = s["v"] * h
        L = L + (y - target(t)) ** 2
    return L, s["w1"], s

def model_m3(B, T):
    names = [p + g for g in "figo" for p in ("w", "u", "b")]
    s = {n: B.symbol(n) for n in names}
    h, c = 0, 0
    for t in range(1, T + 1):
        pre = {g: s["w" + g] * xin(t) + s["u" + g] * h + s["b" + g] for g in "figo"}
        f, i, o = sigmoid(B, pre["f"]), sigmoid(B, pre["i"]), sigmoid(B, pre["o"])
        g = B.tanh(pre["g"])
        c = f * c + i * g
        h = o * B.tanh(c)
    return (h - 1) ** 2, s["uf"], s

MODELS = {"M1": model_m1, "M2": model_m2, "M3": model_m3}

# --------------------------------------------------------------------------
# Recording backend for computation-graph path counting (no CAS).
# Folds x*0 -> 0 and x+0 -> x, as every CAS does, so that e.g. u*h_0 (h_0=0)
# contributes no edge.
# --------------------------------------------------------------------------

class G:
    __slots__ = ("op", "args")

    def __init__(self, op, args):
        self.op, self.args = op, args

    @staticmethod
    def _bin(op, a, b):
        if op == "add":
            if isinstance(a, (int, Fraction)) and a == 0: return b
            if isinstance(b, (int, Fraction)) and b == 0: return a
        if op == "mul":
            for z in (a, b):
                if isinstance(z, (int, Fraction)) and z == 0: return 0
        return G(op, (a, b))

    def __add__(self, o):  return G._bin("add", self, o)
    def __radd__(self, o): return G._bin("add", o, self)
    def __sub__(self, o):  return G._bin("add", self, -o if not isinstance(o, G) else G("neg", (o,)))
    def __rsub__(self, o): return G._bin("add", o, G("neg", (self,)))
    def __mul__(self, o):  return G._bin("mul", self, o)
    def __rmul__(self, o): return G._bin("mul", o, self)
    def __neg__(self):     return G("neg", (self,))
    def __truediv__(self, o):  return G("div", (self, o))
    def __rtruediv__(self, o): return G("div", (o, self))
    def __pow__(self, n):  return G("pow", (self, n))


class GraphBackend:
    @staticmethod
    def symbol(name): return G("sym:" + name, ())
    @staticmethod
    def exp(x):  return G("exp", (x,))
    @staticmethod
    def log(x):  return G("log", (x,))
    @staticmethod
    def tanh(x): return G("tanh", (x,))


def count_paths(root, target, children, key=id):
    """Number of root->target paths in a DAG (edge multiplicity counted).
    Iterative memoised DFS, so deep unrollings do not hit recursion limits."""
    memo = {}
    stack = [root]
    while stack:
        n = stack[-1]
        k = key(n)
        if k in memo:
            stack.pop(); continue
        if n is target or n == target:
            memo[k] = 1; stack.pop(); continue
        kids = children(n)
        todo = [c for c in kids if key(c) not in memo]
        if todo:
            stack.extend(todo)
        else:
            memo[k] = sum(memo[key(c)] for c in kids)
            stack.pop()
    return memo[key(root)]


def dag_size(root, children, key=id):
    seen, stack = set(), [root]
    while stack:
        n = stack.pop()
        k = key(n)
        if k in seen: continue
        seen.add(k)
        stack.extend(children(n))
    return len(seen)

# --------------------------------------------------------------------------
# CAS backends. Each: symbol/exp/log/tanh, rational(Fraction), and step
# implementations.  Steps get a dict `env` (L, p, syms, d, r, ...) and return
# a dict of extra info (may be empty).
# --------------------------------------------------------------------------

class SympyBackend:
    name = "sympy"
    steps = ["build", "diff", "cg_paths", "paths", "latex", "subs", "evalf",
             "expand", "cancel", "simplify"]

    def __init__(self):
        import sympy
        self.sp = sympy
        self.exp, self.log, self.tanh = sympy.exp, sympy.log, sympy.tanh

    def symbol(self, n): return self.sp.Symbol(n)
    def rational(self, q): return self.sp.Rational(q.numerator, q.denominator)
    def diff(self, L, p): return L.diff(p)
    def latex(self, e): return self.sp.latex(e)
    def subs(self, e, vals): return e.subs(vals)
    def evalf(self, e): return str(e.evalf(30))
    def expand(self, e): return self.sp.expand(e)
    def cancel(self, e): return self.sp.cancel(e)
    def simplify(self, e): return self.sp.simplify(e)
    def children(self, e): return e.args


class SympyRealBackend(SympyBackend):
    """Same, but symbols declared real=True (cheaper automatic assumption
    queries during construction; what an informed SymPy user would do)."""
    name = "sympy_real"
    def symbol(self, n): return self.sp.Symbol(n, real=True)


class SymengineBackend:
    name = "symengine"
    steps = ["build", "diff", "latex", "subs", "evalf", "expand"]

    def __init__(self):
        import symengine
        self.se = symengine
        self.exp, self.log, self.tanh = symengine.exp, symengine.log, symengine.tanh

    def symbol(self, n): return self.se.Symbol(n)
    def rational(self, q): return self.se.Rational(q.numerator, q.denominator)
    def diff(self, L, p): return L.diff(p)
    def latex(self, e): return self.se.latex(e)
    def subs(self, e, vals): return e.subs(vals)
    def evalf(self, e): return str(e.n(104, real=True))   # ~31 digits
    def expand(self, e): return self.se.expand(e)


class SymbolicaBackend:
    name = "symbolica"
    steps = ["build", "diff", "latex", "subs", "evalf", "expand", "cancel"]

    def __init__(self):
        from symbolica import Expression, S, Replacement
        self.E, self.S, self.R = Expression, S, Replacement
        self.exp, self.log, self.tanh = Expression.EXP, Expression.LOG, Expression.TANH

    def symbol(self, n): return self.S(n)
    def rational(self, q): return self.E.num(q.numerator) / self.E.num(q.denominator)
    def diff(self, L, p): return L.derivative(p)
    def latex(self, e): return e.to_latex()
    def subs(self, e, vals): return e.replace_multiple([self.R(k, v) for k, v in vals.items()])
    def evalf(self, e): return str(e.evaluate({}, 30).real)
    def expand(self, e): return e.expand()
    def cancel(self, e): return e.cancel()


BACKENDS = {"sympy": SympyBackend, "sympy_real": SympyRealBackend,
            "symengine": SymengineBackend,
            "symbolica": SymbolicaBackend}
DEPENDS = {"evalf": "subs"}   # evalf needs the substituted value


def run_step(B, step, env, model, T):
    if step == "build":
        env["L"], env["p"], env["syms"] = MODELS[model](B, T)
        return {}
    if step == "diff":
        env["d"] = B.diff(env["L"], env["p"])
        return {}
    if step == "cg_paths":
        L, p, _ = MODELS[model](GraphBackend, T)
        kids = lambda n: [a for a in n.args if isinstance(a, G)]
        return {"cg_paths": count_paths(L, p, kids),
                "cg_nodes": dag_size(L, kids)}
    if step == "paths":
        return {"tree_paths": count_paths(env["L"], env["p"], B.children),
                "dag_dL": dag_size(env["d"], B.children)}
    if step == "latex":
        return {"latex_len": len(B.latex(env["d"]))}
    if step == "subs":
        vals = {env["syms"][n]: B.rational(q)
                for n, q in param_values(list(env["syms"])).items()}
        env["r"] = B.subs(env["d"], vals)
        return {}
    if step == "evalf":
        return {"value": B.evalf(env["r"])[:24]}
    if step in ("expand", "cancel", "simplify"):
        getattr(B, step)(env["d"])
        return {}
    raise ValueError(step)


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KB on Linux


def _worker_body(backend, model, T, skip, conn):
    B = BACKENDS[backend]()
    env = {}
    failed = set()
    for step in B.steps:
        if step in skip:
            continue
        if DEPENDS.get(step) in failed | set(skip):
            conn.send(("fail", step, "n/a", maxrss_mb())); continue
        conn.send(("start", step))
        t0 = time.perf_counter()
        try:
            info = run_step(B, step, env, model, T)
        except MemoryError:
            status = "MEMOUT"
        except RecursionError:
            status = "RECURSION"
        except Exception as e:             # report, keep going
            status = "ERR:" + type(e).__name__
        else:
            conn.send(("done", step, time.perf_counter() - t0, info, maxrss_mb()))
            continue
        failed.add(step)
        conn.send(("fail", step, status, maxrss_mb()))
        if step in ("build", "diff"):
            break
    conn.send(("end", maxrss_mb()))


def worker(backend, model, T, skip, conn, mem_gb):
    """Subprocess entry: cap memory, allow deep recursion, run steps."""
    lim = int(mem_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 2**20)       # deep nested expressions
    th = threading.Thread(target=_worker_body, args=(backend, model, T, skip, conn))
    th.start(); th.join()

# --------------------------------------------------------------------------
# Parent: per-step timeouts, restarts, result collection
# --------------------------------------------------------------------------

def _vmhwm_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def run_config(backend, model, T, skip, timeout, mem_gb):
    """Returns {step: {"status": "ok"/TIMEOUT/..., "s": secs, ...}}, peak_mb.

    Worker -> parent messages go through a Pipe written synchronously by the
    worker (no feeder thread, so they arrive even while a C extension holds
    the GIL, and the parent's per-step deadline is exact)."""
    ctx = mp.get_context("spawn")
    res, peak = {}, 0.0
    skip = set(skip)
    while True:
        rd, wr = ctx.Pipe(duplex=False)
        p = ctx.Process(target=worker, args=(backend, model, T, sorted(skip), wr, mem_gb))
        p.start()
        wr.close()                     # parent keeps only the read end
        cur, deadline = "startup", time.monotonic() + timeout
        restart = False
        while True:
            msg = None
            if rd.poll(max(0.05, min(1.0, deadline - time.monotonic()))):
                try:
                    msg = rd.recv()
                except EOFError:
                    msg = None
            died = msg is None and not p.is_alive()
            if msg is None and (died or time.monotonic() > deadline):
                peak = max(peak, _vmhwm_mb(p.pid))
                p.kill(); p.join()
                status = f"CRASH(rc={p.exitcode})" if died else "TIMEOUT"
                if cur in res:         # build/diff failed on a rerun: keep
                    res[cur]["rerun"] = status          # the first timing
                else:
                    res[cur] = {"status": status}
                if cur in ("startup", "build", "diff"):
                    return res, peak
                # restart without this step and without steps already done
                skip |= {cur} | {s for s in res if s not in ("build", "diff")}
                restart = True
                break
            if msg is None:
                continue
            kind = msg[0]
            if kind == "start":
                cur, deadline = msg[1], time.monotonic() + timeout
            elif kind == "done":
                _, step, secs, info, rss = msg
                peak = max(peak, rss)
                res.setdefault(step, {"status": "ok", "s": secs, **info})
                cur, deadline = "between", time.monotonic() + timeout
            elif kind == "fail":
                _, step, status, rss = msg
                peak = max(peak, rss)
                res.setdefault(step, {"status": status})
            elif kind == "end":
                peak = max(peak, msg[1])
                p.join()
                break
        if not restart:
            return res, peak


def fmt(r, key="s"):
    if r is None: return "skip"
    if r["status"] != "ok": return r["status"]
    v = r.get(key)
    if isinstance(v, float): return f"{v:.4f}" if v < 10 else f"{v:.1f}"
    return str(v)


def print_table(backend, rows, steps):
    timed = [s for s in steps if s not in ("cg_paths", "paths")]
    cols = ["model", "T"] + [s + " s" for s in timed] + ["latex_len"]
    if backend.startswith("sympy"):
        cols += ["paths s", "cg_paths", "tree_paths", "dag(dL)"]
    cols += ["peak MB"]
    print(f"\n### {backend}\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for model, T, res, peak in rows:
        g = res.get
        cells = [model, str(T)] + [fmt(g(s)) for s in timed]
        cells.append(fmt(g("latex"), "latex_len"))
        if backend.startswith("sympy"):
            cells += [fmt(g("paths")), fmt(g("cg_paths"), "cg_paths"),
                      fmt(g("paths"), "tree_paths"), fmt(g("paths"), "dag_dL")]
        cells.append(f"{peak:.0f}")
        print("| " + " | ".join(cells) + " |")
    vals = [(m, T, res["evalf"]["value"]) for m, T, res, _ in rows
            if res.get("evalf", {}).get("status") == "ok"]
    if vals:
        print("\nvalues dL/dparam at the rational point (first 20 digits):")
        for m, T, v in vals:
            print(f"  {m} T={T}: {v[:22]}")


def cg_path_table(models, Ts):
    """Computation-graph path counts param -> L for every (model, T), from the
    recording backend alone (no CAS, so also where the CAS cannot build L)."""
    rows = []
    print("\n### computation-graph paths (recording backend, no CAS)\n")
    print("| model | T | graph nodes | paths param->L | count s |")
    print("|---|---|---|---|---|")
    kids = lambda n: [a for a in n.args if isinstance(a, G)]
    for model in models:
        for T in Ts:
            t0 = time.perf_counter()
            L, p, _ = MODELS[model](GraphBackend, T)
            n, nodes = count_paths(L, p, kids), dag_size(L, kids)
            dt = time.perf_counter() - t0
            rows.append({"model": model, "T": T, "nodes": nodes, "paths": str(n), "s": dt})
            shown = str(n) if n < 10**12 else f"{n:.3e} ({len(str(n))} digits)"
            print(f"| {model} | {T} | {nodes} | {shown} | {dt:.4f} |")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backends", default="sympy,sympy_real,symengine,symbolica")
    ap.add_argument("--models", default="M1,M2,M3")
    ap.add_argument("--T", default="2,4,8,16,32,64,128")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per step")
    ap.add_argument("--mem-gb", type=float, default=8.0, help="address-space cap per worker")
    ap.add_argument("--json", default=None)
    ap.add_argument("--paths-only", action="store_true",
                    help="only print the computation-graph path-count table")
    a = ap.parse_args()
    backends = a.backends.split(",")
    Ts = [int(t) for t in a.T.split(",")]
    out = {"python": sys.version.split()[0], "timeout_s": a.timeout, "results": []}
    try:
        from importlib.metadata import version
        out["versions"] = {}
        for pkg in ("sympy", "mpmath", "symengine", "symbolica"):
            try: out["versions"][pkg] = version(pkg)
            except Exception: out["versions"][pkg] = None
    except ImportError:
        pass
    print("versions:", out.get("versions"), " per-step timeout:", a.timeout, "s", flush=True)
    sys.setrecursionlimit(100_000)
    out["cg_paths"] = cg_path_table(a.models.split(","), Ts)
    if a.paths_only:
        return
    for backend in backends:
        steps = BACKENDS[backend].steps
        rows = []
        for model in a.models.split(","):
            dead = set()                      # steps that failed at a smaller T
            for T in Ts:
                t0 = time.time()
                res, peak = run_config(backend, model, T, dead, a.timeout, a.mem_gb)
                for s in res:
                    if res[s]["status"] not in ("ok", "n/a"):
                        dead.add(s)
                rows.append((model, T, res, peak))
                out["results"].append({"backend": backend, "model": model, "T": T,
                                       "peak_mb": peak, "steps": res})
                print(f"  [{backend} {model} T={T}] {time.time()-t0:.1f}s wall, "
                      + ", ".join(f"{s}={fmt(r)}" for s, r in res.items()), flush=True)
                if any(res.get(s, {}).get("status", "ok") != "ok"
                       for s in ("startup", "build", "diff")):
                    break
        print_table(backend, rows, steps)
        sys.stdout.flush()
    path = a.json or f"peer_results_{'_'.join(backends)}.json"
    with open(path, "w") as f:
        json.dump(out, f, indent=1, default=str)
    print("\nwrote", path)


if __name__ == "__main__":
    main()
