#!/usr/bin/env bash
# Side-by-side NER on CoNLL-2002 ned.testa: kennisgraaf's shipped model vs Debian's frog.
# Prints conlleval F1 and tokens/s for both. Not part of the test run.
#   bench/ner-vs-frog.sh [path/to/ned.testa]
set -euo pipefail
cd "$(dirname "$0")/.."
gold=${1:-../shared/data/conll2002/ned.testa}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v frog >/dev/null; then
  echo "installing frog and frogdata (Debian packages)..." >&2
  apt-get update -qq && apt-get install -y -qq frog frogdata >/dev/null
fi
cargo build --release --quiet

# One sentence a line, tokens as in the gold file.
python3 - "$gold" "$work/tokens.txt" <<'PY'
import sys
out, sent = [], []
for line in open(sys.argv[1], encoding="utf-8"):
    cols = line.split()
    if not cols or cols[0] == "-DOCSTART-":
        if sent: out.append(" ".join(sent)); sent = []
        continue
    sent.append(cols[0])
if sent: out.append(" ".join(sent))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
tokens=$(wc -w < "$work/tokens.txt")

echo "== frog $(frog --version 2>&1 | head -1 | tr -d '\n') (tokeniser, morphology, chunker and parser skipped)"
start=$(date +%s.%N)
frog -t "$work/tokens.txt" -n --skip=tmpc -o "$work/frog.out" >/dev/null 2>"$work/frog.log"
end=$(date +%s.%N)
# Frog's NER column (7th) → CoNLL tags; its EVE and PRO types count as MISC.
python3 - "$work/frog.out" "$work/frog.conll" <<'PY'
import sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 7 or not cols[0].strip():
        rows.append("")
        continue
    tag = cols[6].strip() or "O"
    if tag != "O":
        prefix, _, kind = tag.partition("-")
        kind = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}.get(kind.upper(), "MISC")
        tag = f"{prefix.upper()}-{kind}"
    rows.append(f"{cols[1]} {tag}")
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rows) + "\n")
PY
./target/release/kennisgraaf eval ner --gold "$gold" --predicted "$work/frog.conll" | tail -6
python3 -c "print(f'frog: {$tokens / ($end - $start):,.0f} tokens/s wall clock, whole run ({$tokens} tokens, {$end - $start:.1f} s, model loading included)')"

echo
echo "== kennisgraaf (data/models/ner-nl.kgm)"
start=$(date +%s.%N)
./target/release/kennisgraaf eval ner --gold "$gold" | tail -7
end=$(date +%s.%N)
python3 -c "print(f'kennisgraaf: {$tokens / ($end - $start):,.0f} tokens/s wall clock, whole run ({$end - $start:.1f} s, model loading and file reading included)')"
