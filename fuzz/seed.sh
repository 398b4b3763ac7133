#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from examples/ and docs/ (the corpora are not
# committed; rerunning adds the same files again, named by content).
#   model_grammar:  every examples/**/*.chain (the vector and matrix models
#                   too), fuzz/seeds/models/*.chain (vector syntax the
#                   examples do not use: `'`, W[1,2], outer, diag, ones),
#                   and the models written inline in the ```chainrule
#                   blocks of docs/*.md (after `---`)
#   check_document, check_matrix: examples/check/*, examples/elman_student.md,
#                   fuzz/seeds/* and docs/*.md in pieces of at most 4 KB, each
#                   prefixed by the route byte the target reads (0: Markdown,
#                   1: .tex)
#   latex_reader, markdown_front: the same documents without the route byte
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out"/{model_grammar,check_document,check_matrix,latex_reader,markdown_front}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Stores stdin in corpus dir $1 under the hash of its content.
put() {
    local f
    f=$(mktemp "$tmp/in.XXXXXX")
    cat >"$f"
    [ -s "$f" ] && mv "$f" "$1/$(sha1sum "$f" | cut -c1-40)"
    rm -f "$f"
}

# Models.
while IFS= read -r f; do
    put "$out/model_grammar" <"$f"
done < <(find examples fuzz/seeds/models -name '*.chain' | sort)
for f in docs/*.md; do
    awk -v dir="$tmp/block" '
        /^```chainrule/ { inblk = 1; model = 0; n++; next }
        inblk && /^```/ { inblk = 0; next }
        inblk && /^---$/ { model = 1; next }
        inblk && model { print > (dir "." n) }
    ' "$f"
    for b in "$tmp"/block.*; do
        [ -e "$b" ] || continue
        put "$out/model_grammar" <"$b"
        rm -f "$b"
    done
done

# Documents: whole files up to 4 KB, larger ones cut at blank lines.
docs=(examples/check/*.md examples/check/*.tex examples/elman_student.md fuzz/seeds/* docs/*.md)
for f in "${docs[@]}"; do
    [ -f "$f" ] || continue   # fuzz/seeds/models/ is for model_grammar
    case "$f" in *.tex) route='\001' ;; *) route='\000' ;; esac
    awk -v dir="$tmp/piece" '
        BEGIN { n = 0; size = 0 }
        { line = $0 "\n"
          if (size + length(line) > 3000 && size > 0 && $0 == "") { n++; size = 0 }
          printf "%s", line > (dir "." n); size += length(line) }
    ' "$f"
    for p in "$tmp"/piece.*; do
        [ -e "$p" ] || continue
        put "$out/latex_reader" <"$p"
        put "$out/markdown_front" <"$p"
        { printf "$route"; cat "$p"; } | put "$out/check_document"
        { printf "$route"; cat "$p"; } | put "$out/check_matrix"
        rm -f "$p"
    done
done

for t in model_grammar check_document check_matrix latex_reader markdown_front; do
    echo "$t: $(ls "$out/$t" | wc -l) seeds"
done
