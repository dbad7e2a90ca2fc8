#!/bin/sh
# Peak memory and time of `kennisgraaf ingest` of one document shaped to hurt, at a size
# in MB (default 2): one news paragraph repeated, one sentence without full stops, one
# name repeated, distinct capitalised names, and real news text (the bundled articles,
# concatenated). Needs python3 and /usr/bin/time; run from the repository root after
# `cargo build --release`. Figures: docs/limits.md.
set -eu
MB=${1:-2}
BIN=${BIN:-target/release/kennisgraaf}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$DIR" "$MB" <<'EOF'
import glob, sys
out, n = sys.argv[1], int(float(sys.argv[2]) * (1 << 20))
def fill(name, unit):
    b = (unit * (n // len(unit.encode()) + 1)).encode()[:n]
    open(f"{out}/{name}.txt", "w").write(b.decode("utf-8", "ignore"))
ref = open("data/corpus/2019-03-aboutaleb-ondermijning.txt").read()
body = "\n\n".join(p for p in ref.split("\n\n") if len(p) > 200) + "\n\n"
fill("repeated-paragraph", "Burgemeester Ahmed Aboutaleb van Rotterdam sprak in Den Haag met minister "
     "Ferd Grapperhaus van Justitie over de politie in Rotterdam.\n\n")
fill("one-sentence", " ".join(w.rstrip(".") for w in body.split()) + " ")
fill("one-name", "Aboutaleb, ")
syl = ["ba", "be", "di", "do", "ka", "ke", "li", "lo", "ma", "mu", "pe", "po", "sa", "si", "te", "vo"]
names, size, k = [], 0, 16
while size < n:
    m, name = k, ""
    while m:
        name, m = name + syl[m % 16], m // 16
    names.append(name.capitalize() + ", ")
    size, k = size + len(name) + 2, k + 1
open(f"{out}/name-list.txt", "w").write("".join(names)[:n])
news = [open(f).read() for f in sorted(glob.glob("data/corpus/**/*.txt", recursive=True))]
fill("real-news", "\n\n".join(news) + "\n\n")
EOF
printf '%-20s %8s %10s\n' shape seconds peak_MB
for f in "$DIR"/*.txt; do
    /usr/bin/time -f '%e %M' -o "$DIR/time" "$BIN" --store "$DIR/store-$(basename "$f")" ingest "$f" >/dev/null 2>&1
    read -r secs kb <"$DIR/time"
    printf '%-20s %8s %10d\n' "$(basename "$f" .txt)" "$secs" $((kb / 1024))
done
