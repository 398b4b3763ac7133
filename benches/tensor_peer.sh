#!/usr/bin/env bash
# Whole-process figures for the 16-unit tanh RNN of benches/tensor.rs
# (issue 13): wall time and peak memory of
#   chainrule eval   MODEL --of L
#   chainrule derive MODEL --of L --wrt U --format json
# with the model written by a small Python generator (the same text as
# model_text in benches/tensor.rs; input size 4, two classes, T steps).
#
#   bash benches/tensor_peer.sh
#
# Wall time: hyperfine (mean ± σ over RUNS runs, one warm-up) when it is
# installed and the command is quick (eval); otherwise, and always for the
# peak resident set, one run under /usr/bin/time -v. A run is stopped
# after TIMEOUT seconds and reported as such, with its peak RSS until then. The derive's JSON must say
# "status": "verified".
#
# Settings (environment):
#   TS="100"        horizons (e.g. TS="10 30 100")
#   DERIVE_TS=$TS   horizons at which derive is timed (DERIVE_TS="" skips it)
#   RUNS=5          hyperfine runs for eval
#   TIMEOUT=600     seconds before a run is stopped
#   CR=path         a chainrule binary to use instead of building one
#   OUT=target/tensor_peer   models, outputs and timings
set -euo pipefail

cd "$(dirname "$0")/.."
TS=${TS:-100}
DERIVE_TS=${DERIVE_TS-$TS}
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-600}
OUT=${OUT:-target/tensor_peer}
mkdir -p "$OUT"
log() { echo "$*" >&2; }

if [[ -z "${CR:-}" ]]; then
    log "building chainrule (release)"
    cargo build --release --quiet
    CR=target/release/chainrule
fi
[[ -x /usr/bin/time ]] || { log "needs /usr/bin/time (apt-get install -y time)"; exit 2; }
HYPERFINE=$(command -v hyperfine || true)
[[ -n $HYPERFINE ]] || log "hyperfine not found: wall times from one /usr/bin/time run (apt-get install -y hyperfine)"

# The model at horizon $1 on standard output.
generate() {
    python3 - "$1" <<'PY'
import sys
from fractions import Fraction

T = int(sys.argv[1])
H, D, K = 16, 4, 2  # hidden units, input size, classes


def q(n, d):
    f = Fraction(n, d)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def lst(items):
    return "[" + ", ".join(items) + "]"


def matrix(r, c, a, b):
    # ((i j + a i + b j) mod 17 - 8)/40: |entry| <= 1/5, no repeating rows
    return lst(lst(q((i * j + a * i + b * j) % 17 - 8, 40) for j in range(1, c + 1)) for i in range(1, r + 1))


print(f"# {H}-unit tanh RNN, input size {D}, {K} classes, T = {T}")
print(f"param W: {H}x{D} = {matrix(H, D, 0, 0)}")
print(f"param U: {H}x{H} = {matrix(H, H, 1, 2)}")
print(f"param b: {H} = {lst(q(i % 5 - 2, 20) for i in range(1, H + 1))}")
print(f"param V: {K}x{H} = {matrix(K, H, 2, 1)}")
print(f"param c: {K} = {lst(q(i % 3 - 1, 10) for i in range(1, K + 1))}")
# x[t][j] = k/7 - 1/2 with k = (3t + 5j) mod 8
print(f"input x: {D} = " + lst(lst(q(2 * ((3 * t + 5 * j) % 8) - 7, 14) for j in range(1, D + 1)) for t in range(1, T + 1)))
print(f"target y: {K} = " + lst("[1, 0]" if t % 3 == 0 else "[0, 1]" for t in range(1, T + 1)))
print(f"h[0] = zeros({H})")
print("h[t] = tanh(W*x[t] + U*h[t-1] + b)")
print("yhat[t] = softmax(V*h[t] + c)")
print(f"L = -sum(t = 1..{T}, dot(y[t], ln(yhat[t])))")
PY
}

ROWS=()
# One timed run: label, T, output file, command...; appends a table row.
measure() {
    local label=$1 t=$2 out=$3 rc=0 wall rss status mean=""
    shift 3
    # time outside timeout: a stopped run still gets its wall time and peak RSS
    /usr/bin/time -v -o "$OUT/time.txt" timeout "$TIMEOUT" "$@" >"$out" 2>"$OUT/stderr.txt" || rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$OUT/time.txt" 2>/dev/null || true)
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/time.txt" 2>/dev/null || true)
    if [[ $rc == 124 ]]; then
        status="stopped after ${TIMEOUT} s (RSS: peak until then)"
        wall=">$TIMEOUT"
    elif [[ $rc != 0 ]]; then
        status="exit $rc"
    else
        status=ok
    fi
    if [[ $label == derive* && $rc == 0 ]]; then
        status=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["check"]["status"])' "$out")
    fi
    if [[ $rc == 0 && -n $HYPERFINE && $label == eval* ]]; then
        "$HYPERFINE" --warmup 1 --runs "$RUNS" --style none --export-json "$OUT/hf.json" \
            "$(printf '%q ' "$@")" >/dev/null 2>&1
        mean=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.3f ± %.3f" % (r["mean"], r["stddev"]))' "$OUT/hf.json")
    fi
    log "$label T=$t: $wall s, $rss MB, $status"
    ROWS+=("| $label | $t | ${mean:-$wall} | $rss | $status |")
}

for t in $TS; do
    model="$OUT/rnn16-T$t.chain"
    generate "$t" >"$model"
    measure "eval --of L" "$t" "$OUT/eval-T$t.txt" "$CR" eval "$model" --of L
done
for t in $DERIVE_TS; do
    model="$OUT/rnn16-T$t.chain"
    [[ -f $model ]] || generate "$t" >"$model"
    measure "derive --of L --wrt U --format json" "$t" "$OUT/derive-T$t.json" \
        "$CR" derive "$model" --of L --wrt U --format json
done

echo
echo "chainrule $("$CR" --version | cut -d' ' -f2), $(nproc) cores; wall: ${HYPERFINE:+hyperfine mean ± σ of $RUNS runs for eval, }one run otherwise"
echo
echo "| command | T | wall (s) | max RSS (MB) | status |"
echo "|---|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
