#!/usr/bin/env bash
# chainrule against SymPy, side by side, in one run.
#
#   bash benches/peer.sh
#
# From a fresh clone: creates .venv-peer (python3 -m venv; pip install
# sympy), builds chainrule in release mode, then for each model and horizon
#   - runs the SymPy peer (../shared/bench/peer_bench.py, or the copy in
#     benches/peer/ when the shared folder is not there) with a per-step
#     time limit, and takes diff + simplify + latex from its --json output;
#   - times chainrule's `derive MODEL --of L --wrt P --set T=… --format
#     latex` (derivation, simplification, LaTeX and the exact check, which
#     must verify) two ways: in-process, parsing the model included
#     (benches/peer_time.rs, REPS runs averaged), and as REPS runs of the
#     command divided by REPS (process start-up included);
# and prints a Markdown table with the ratio. Then it times chainrule derive
# on M2 at the long horizons (adjoints) with /usr/bin/time: seconds and peak
# RSS, and the ratio between the last and the first.
#
# Settings (environment):
#   MODELS="M1 M2 M3"  TS="2 4 8 16"  TIMEOUT=60 (s per SymPy step)
#   REPS=20  LONG_TS="1000 10000"  PEER_BENCH=path/to/peer_bench.py
#   SE_MODELS="M2 M3"  SE_TS="8 32 128" (the SymEngine table; SE_MODELS="" skips it)
#   OUT=target/peer (where the peer's JSON and outputs go)
set -euo pipefail

cd "$(dirname "$0")/.."
MODELS=${MODELS:-"M1 M2 M3"}
TS=${TS:-"2 4 8 16"}
TIMEOUT=${TIMEOUT:-60}
REPS=${REPS:-20}
LONG_TS=${LONG_TS:-"1000 10000"}
OUT=${OUT:-target/peer}
if [[ -z "${PEER_BENCH:-}" ]]; then
    if [[ -f ../shared/bench/peer_bench.py ]]; then
        PEER_BENCH=../shared/bench/peer_bench.py
    else
        PEER_BENCH=benches/peer/peer_bench.py
    fi
fi
mkdir -p "$OUT"
log() { echo "$*" >&2; }

# --- SymPy in a local virtual environment -------------------------------
if [[ ! -x .venv-peer/bin/python ]]; then
    log "creating .venv-peer"
    python3 -m venv .venv-peer
fi
if ! .venv-peer/bin/python -c 'import sympy' 2>/dev/null; then
    log "installing sympy into .venv-peer"
    .venv-peer/bin/pip install --quiet sympy
fi
PY=.venv-peer/bin/python

# --- chainrule ------------------------------------------------------------
log "building chainrule (release)"
cargo build --release --quiet
CR=target/release/chainrule

wrt_of() { if [[ $1 == M3 ]]; then echo uf; else echo w1; fi; }
file_of() { echo "benches/models/$(echo "$1" | tr 'M' 'm').chain"; }
comma() { echo "$*" | tr ' ' ','; }

# Seconds per `chainrule derive --format latex` run, averaged over REPS runs
# (one warm-up run first, whose check must verify).
time_derive() {
    local model=$1 t=$2 file wrt start end
    file=$(file_of "$model")
    wrt=$(wrt_of "$model")
    "$CR" derive "$file" --of L --wrt "$wrt" --set "T=$t" --format latex >"$OUT/$model-$t.tex"
    grep -q 'check verified' "$OUT/$model-$t.tex"
    start=$(date +%s%N)
    for ((i = 0; i < REPS; i++)); do
        "$CR" derive "$file" --of L --wrt "$wrt" --set "T=$t" --format latex >/dev/null
    done
    end=$(date +%s%N)
    echo "$(( (end - start) / REPS ))" | awk '{ printf "%.6f", $1 / 1e9 }'
}

# --- the peer -------------------------------------------------------------
log "running the SymPy peer ($PEER_BENCH, models $MODELS, T = $TS, ${TIMEOUT} s per step)"
"$PY" "$PEER_BENCH" --backends sympy --models "$(comma $MODELS)" --T "$(comma $TS)" \
    --timeout "$TIMEOUT" --json "$OUT/peer.json" >"$OUT/peer.log" 2>&1 ||
    { log "the peer failed; see $OUT/peer.log"; exit 1; }

# --- chainrule, same models and horizons ----------------------------------
log "building the in-process timer (benches/peer_time.rs)"
cargo bench --quiet --bench peer_time --no-run 2>/dev/null
: >"$OUT/chainrule.tsv"
for m in $MODELS; do
    log "chainrule derive $m in-process, T = $TS ($REPS runs each)"
    # shellcheck disable=SC2086
    cargo bench --quiet --bench peer_time -- "$(file_of "$m")" "$(wrt_of "$m")" "$REPS" $TS >"$OUT/inproc-$m.txt"
    for t in $TS; do
        inproc=$(awk -v t="T=$t" '$1 == t && $3 == "verified" { print $2 }' "$OUT/inproc-$m.txt")
        [[ -n $inproc ]] || { log "no verified in-process time for $m T=$t"; exit 1; }
        log "chainrule derive $m T=$t ($REPS command runs)"
        printf '%s\t%s\t%s\t%s\n' "$m" "$t" "$inproc" "$(time_derive "$m" "$t")" >>"$OUT/chainrule.tsv"
    done
done

# --- the table --------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
ram=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
echo "Machine: $(nproc) cores, $cpu, $ram RAM; $("$PY" -c 'import sympy, sys; print("SymPy", sympy.__version__, "on Python", sys.version.split()[0])'); chainrule $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
echo
"$PY" - "$OUT/peer.json" "$OUT/chainrule.tsv" "$TIMEOUT" "$REPS" <<'EOF'
import json, sys
peer = json.load(open(sys.argv[1]))
timeout, reps = float(sys.argv[3]), sys.argv[4]
ours = {}
for line in open(sys.argv[2]):
    m, t, inproc, cli = line.split()
    ours[(m, int(t))] = (float(inproc), float(cli))
steps = {(r["model"], r["T"]): r["steps"] for r in peer["results"]}
print("| model | T | SymPy diff+simplify+latex s | chainrule derive s (in-process) | ratio | chainrule command s | ratio |")
print("|---|---|---|---|---|---|---|")
for (m, t), (s, c) in ours.items():
    st = steps.get((m, t))
    total, why = 0.0, None
    for step in ("diff", "simplify", "latex"):
        r = (st or {}).get(step)
        if r is None:
            built = st is not None and st.get("build", {}).get("status") == "ok"
            why = why or (f"{step} not run: it timed out at a smaller T" if built else "not run: build timed out")
        elif r.get("status") != "ok":
            why = why or f"{step}: {r.get('status')}"
        else:
            total += r["s"]
    if why is None:
        print(f"| {m} | {t} | {total:.3f} | {s:.5f} | {total / s:,.0f}× | {c:.4f} | {total / c:,.0f}× |")
    else:
        print(f"| {m} | {t} | > {timeout:g} ({why}) | {s:.5f} | > {timeout / s:,.0f}× | {c:.4f} | > {timeout / c:,.0f}× |")
print()
print(f"SymPy: in-process time of diff + simplify + latex (per-step limit {timeout:g} s; a step that timed out")
print(f"at a smaller T is not run again, so its time is at least the limit). chainrule in-process: parse the")
print(f"model, derive, check, LaTeX (benches/peer_time.rs), median of {reps} runs. chainrule command: wall time")
print(f"of `chainrule derive MODEL --of L --wrt P --set T=… --format latex` over {reps} runs, divided by {reps}")
print("(process start-up included).")
EOF

# --- SymEngine: diff + latex, the fast peer ---------------------------------
# SymEngine has no simplify; its diff takes milliseconds, and its LaTeX walks
# the fully unfolded tree. Side by side with chainrule's whole derivation
# (paths or adjoints, simplified forms, LaTeX and the exact check).
SE_MODELS=${SE_MODELS:-"M2 M3"}
SE_TS=${SE_TS:-"8 32 128"}
if [[ -n $SE_MODELS ]]; then
    if ! "$PY" -c 'import symengine' 2>/dev/null; then
        log "installing symengine into .venv-peer"
        "$PY" -m pip install --quiet symengine
    fi
    log "running the SymEngine peer (models $SE_MODELS, T = $SE_TS, ${TIMEOUT} s per step)"
    "$PY" "$PEER_BENCH" --backends symengine --models "$(comma $SE_MODELS)" --T "$(comma $SE_TS)" \
        --timeout "$TIMEOUT" --json "$OUT/symengine.json" >"$OUT/symengine.log" 2>&1 ||
        { log "the SymEngine peer failed; see $OUT/symengine.log"; exit 1; }
    : >"$OUT/chainrule-se.tsv"
    for m in $SE_MODELS; do
        for t in $SE_TS; do
            log "chainrule derive $m T=$t (3 command runs)"
            printf '%s\t%s\t%s\n' "$m" "$t" "$(REPS=3 time_derive "$m" "$t")" >>"$OUT/chainrule-se.tsv"
        done
    done
    echo
    "$PY" - "$OUT/symengine.json" "$OUT/chainrule-se.tsv" "$TIMEOUT" <<'EOF2'
import json, sys
peer = json.load(open(sys.argv[1]))
timeout = float(sys.argv[3])
steps = {(r["model"], r["T"]): r["steps"] for r in peer["results"]}
print(f"SymEngine {peer.get('versions', {}).get('symengine')}: diff + latex of dL/dp, against chainrule derive as a command.")
print()
print("| model | T | SymEngine diff s | SymEngine latex s (chars) | diff + latex s | chainrule derive s | ratio |")
print("|---|---|---|---|---|---|---|")
for line in open(sys.argv[2]):
    m, t, c = line.split()
    t, c = int(t), float(c)
    st = steps.get((m, t)) or {}
    d, l = st.get("diff", {}), st.get("latex", {})
    if d.get("status") == "ok" and l.get("status") == "ok":
        total = d["s"] + l["s"]
        r = total / c
        print(f"| {m} | {t} | {d['s']:.4f} | {l['s']:.3f} ({l.get('latex_len', 0):,}) | {total:.3f} | {c:.4f} | {r:,.1f}× |" if r >= 1 else
              f"| {m} | {t} | {d['s']:.4f} | {l['s']:.3f} ({l.get('latex_len', 0):,}) | {total:.3f} | {c:.4f} | {r:.2g}× (SymEngine {1 / r:,.0f}× faster) |")
    else:
        why = d.get("status") if d.get("status") != "ok" else l.get("status", "not run")
        print(f"| {m} | {t} | {d.get('s', float('nan')):.4f} | {why} | > {timeout:g} | {c:.4f} | > {timeout / c:,.0f}× |")
EOF2
fi

# --- M2 at long horizons: linear growth ------------------------------------
echo
echo "| M2 derive (adjoints), T | wall s | peak RSS MB |"
echo "|---|---|---|"
first_s="" first_kb="" last_s="" last_kb="" first_t="" last_t=""
for t in $LONG_TS; do
    mapfile -t sets < <("$PY" -c '
import sys
T = int(sys.argv[1])
print(f"T={T}")
print("x1=[" + ",".join(str(1 + t % 3) for t in range(1, T + 1)) + "]")
print("x2=[" + ",".join(("-1" if t % 2 else "2") for t in range(1, T + 1)) + "]")
print("tgt=[" + ",".join(str(t % 2) for t in range(1, T + 1)) + "]")
' "$t")
    args=()
    for s in "${sets[@]}"; do args+=(--set "$s"); done
    log "chainrule derive M2 T=$t"
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%e %M' -o "$OUT/time-$t" "$CR" derive benches/models/m2.chain --of L --wrt w1 \
            "${args[@]}" --format latex >"$OUT/M2-$t.tex"
        read -r secs kb <"$OUT/time-$t"
    else
        start=$(date +%s%N)
        "$CR" derive benches/models/m2.chain --of L --wrt w1 "${args[@]}" --format latex >"$OUT/M2-$t.tex"
        secs=$(echo "$(( $(date +%s%N) - start ))" | awk '{ printf "%.2f", $1 / 1e9 }')
        kb=0
    fi
    grep -q 'check verified' "$OUT/M2-$t.tex"
    echo "| $t | $secs | $(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }') |"
    if [[ -z $first_t ]]; then first_t=$t first_s=$secs first_kb=$kb; fi
    last_t=$t last_s=$secs last_kb=$kb
done
if [[ -n $first_t && $first_t != "$last_t" ]]; then
    awk -v a="$first_s" -v b="$last_s" -v c="$first_kb" -v d="$last_kb" -v t0="$first_t" -v t1="$last_t" 'BEGIN {
        printf "| ratio %s/%s (T × %g) | %.1f× | %s |\n", t1, t0, t1 / t0, b / a, (c > 0 ? sprintf("%.1f×", d / c) : "—")
    }'
fi
