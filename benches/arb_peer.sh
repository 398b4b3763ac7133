#!/usr/bin/env bash
# chainrule's certified evaluation against Arb's ball arithmetic, side by
# side in one run (issue 14):
#
#   bash benches/arb_peer.sh
#
# The model is the tanh RNN of 10^5 steps with rational data,
#   h[t] = tanh(w*x[t] + u*h[t-1] + b),  x[t] = ((37 t) mod 101 - 50)/100,
# written to $OUT/rnn.chain. Arb (python-flint in .venv-arb, created here)
# runs the same recurrence as a Python loop of arb.tanh at chainrule's
# starting precision (benches/peer/arb_tanh_rnn.py). chainrule runs
#   chainrule eval rnn.chain --of 'h[STEPS]' --digits 40
# as a whole process (parse, unroll, certified evaluation, output). Both
# print h[STEPS] to 40 digits, and the script checks the digits agree.
#
# Prints a Markdown table: Arb's loop in-process, Arb's whole process, and
# chainrule's whole process (wall, user and peak RSS from /usr/bin/time;
# median of RUNS runs), with the ratios.
#
# Settings (environment): STEPS=100000  RUNS=5  OUT=target/arb_peer
#   CR=path  (a chainrule binary to use instead of building one)
set -euo pipefail

cd "$(dirname "$0")/.."
STEPS=${STEPS:-100000}
RUNS=${RUNS:-5}
OUT=${OUT:-target/arb_peer}
mkdir -p "$OUT"
log() { echo "$*" >&2; }

if [[ ! -x .venv-arb/bin/python ]]; then
    log "creating .venv-arb"
    python3 -m venv .venv-arb
fi
if ! .venv-arb/bin/python -c 'import flint' 2>/dev/null; then
    log "installing python-flint into .venv-arb"
    .venv-arb/bin/pip install --quiet python-flint
fi
PY=.venv-arb/bin/python

if [[ -z "${CR:-}" ]]; then
    log "building chainrule (release)"
    cargo build --release --quiet
    CR=target/release/chainrule
fi

MODEL=$OUT/rnn.chain
python3 - "$STEPS" > "$MODEL" <<'PY'
import sys
n = int(sys.argv[1])
xs = ", ".join(f"{(37 * t) % 101 - 50}/100" for t in range(1, n + 1))
print("# tanh RNN for benches/arb_peer.sh")
print("param w = 1/2, u = -3/4, b = 1/10")
print("h[0] = 1/4")
print(f"input x = [{xs}]")
print("h[t] = tanh(w*x[t] + u*h[t-1] + b)")
PY

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

arb_loop=() arb_wall=()
for _ in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    line=$($PY benches/peer/arb_tanh_rnn.py "$MODEL" "$STEPS")
    end=$(date +%s.%N)
    arb_loop+=("$(echo "$line" | sed 's/.*"loop_s": \([0-9.]*\).*/\1/')")
    arb_wall+=("$(echo "$end - $start" | bc -l)")
done
arb_value=$(echo "$line" | sed 's/.*"value": "\([^"]*\)".*/\1/')

cr_wall=() cr_user=() cr_rss=()
for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %M' -o "$OUT/time.txt" "$CR" eval "$MODEL" --of "h[$STEPS]" --digits 40 > "$OUT/cr.txt"
    read -r wall user rss < "$OUT/time.txt"
    cr_wall+=("$wall") cr_user+=("$user") cr_rss+=("$rss")
done
cr_value=$(awk 'NR == 2 {print $NF}' "$OUT/cr.txt")

if [[ "${cr_value:0:40}" != "${arb_value:0:40}" ]]; then
    log "the values disagree: chainrule $cr_value, Arb $arb_value"
    exit 1
fi

al=$(printf '%s\n' "${arb_loop[@]}" | median)
aw=$(printf '%s\n' "${arb_wall[@]}" | median)
cw=$(printf '%s\n' "${cr_wall[@]}" | median)
cu=$(printf '%s\n' "${cr_user[@]}" | median)
cm=$(printf '%s\n' "${cr_rss[@]}" | median)
echo "h[$STEPS] = $cr_value (chainrule) = $arb_value (Arb), 40 digits agree"
echo
echo "| steps | Arb loop s (in-process) | Arb process s | chainrule process s (user s) | peak RSS MB | chainrule / Arb loop | chainrule / Arb process |"
echo "|---|---|---|---|---|---|---|"
printf '| %s | %.3f | %.3f | %.2f (%.2f) | %d | %.1f× | %.1f× |\n' "$STEPS" "$al" "$aw" "$cw" "$cu" "$((cm / 1024))" \
    "$(echo "$cw / $al" | bc -l)" "$(echo "$cw / $aw" | bc -l)"
