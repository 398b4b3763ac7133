"""Arb's side of benches/arb_peer.sh: the tanh RNN h[t] = tanh(w x[t] + u h[t-1] + b)
in ball arithmetic (python-flint's arb), at the working precision chainrule
starts from for 40 digits (initial_bits in src/eval/forward.rs: 133 + 32 bits).

    python arb_tanh_rnn.py MODEL.chain STEPS

Reads w, u, b, h[0] and the list x from the model text (all rationals), runs
the loop, and prints one JSON line: the value of h[STEPS] to 40 digits,
whether Arb certifies those digits, and the loop's own time in seconds
(in-process, model reading excluded).
"""
import json
import re
import sys
import time

from flint import arb, ctx, fmpq


def rational(text):
    text = text.strip()
    if "/" in text:
        n, d = text.split("/")
        return fmpq(int(n), int(d))
    return fmpq(int(text))


def main():
    path, steps = sys.argv[1], int(sys.argv[2])
    src = open(path).read()
    params = dict(re.findall(r"(\w+) = (-?\d+(?:/\d+)?)", src.split("input")[0]))
    xs = [rational(v) for v in src.split("input x = [")[1].split("]")[0].split(",")]
    ctx.prec = 165
    w, u, b = (arb(rational(params[k])) for k in ("w", "u", "b"))
    h0 = arb(rational(re.search(r"h\[0\] = (-?\d+(?:/\d+)?)", src).group(1)))
    start = time.perf_counter()
    h = h0
    for x in xs[:steps]:
        h = (w * x + u * h + b).tanh()
    loop = time.perf_counter() - start
    print(json.dumps({
        "value": h.str(40, radius=False),
        "certified_40": h.rad() < arb(10) ** -40 * abs(h.mid()),
        "loop_s": round(loop, 4),
    }))


main()
