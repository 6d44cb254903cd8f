#!/usr/bin/env bash
# Measures the filter-pattern engine's CIS 4.3 matching throughput on one
# core beside `grep -c '"type":"Root"'` over the same CloudTrail JSON Lines
# file, and prints the ratio.
#
#   bench/match.sh                 # 600000 records, about 1 GB
#   RECORDS=100000 bench/match.sh  # smaller corpus
#   BENCH_DIR=/data/ct bench/match.sh
#
# The corpus comes from internal/tools/ctgen (seed 42) and is reused when it
# already exists with the same record count. Both tools read the file from
# the page cache (grep) or memory (Go); each is run RUNS times (default 5)
# and the best run counts. Run it on a quiet machine: other load lowers
# both figures, and not by the same factor.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${RECORDS:-600000}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/rootwatch-match-bench}
runs=${RUNS:-5}

mkdir -p "$dir"
if ! grep -q "\"records\": $records," "$dir/truth.json" 2>/dev/null; then
	echo "generating $records records into $dir ..." >&2
	go build -o "$dir/ctgen" ./internal/tools/ctgen
	"$dir/ctgen" --seed 42 --records "$records" --root-fraction 0.001 --format jsonl --out "$dir" 2>/dev/null
fi
file=$dir/events.jsonl
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null # warm the page cache

best=
for _ in $(seq "$runs"); do
	t0=$(date +%s%N)
	n=$(grep -c '"type":"Root"' "$file")
	t1=$(date +%s%N)
	d=$((t1 - t0))
	if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
done
grep_mbs=$(awk -v b="$bytes" -v ns="$best" 'BEGIN { printf "%.0f", b / ns * 1000 }')

# One pass per run; the best run counts, like grep's.
out=$(FP_CORPUS="$file" GOMAXPROCS=1 go test -run '^$' -bench '^BenchmarkMatchCIS43$/^corpus$' \
	-benchtime 1x -count "$runs" ./filterpattern/)
lines=$(grep 'BenchmarkMatchCIS43/corpus' <<<"$out") || { echo "$out" >&2; exit 1; }
line=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "MB/s") print $(i-1), $0 }' <<<"$lines" | sort -rn | head -1 | cut -d' ' -f2-)
go_mbs=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "MB/s") print $(i-1) }' <<<"$line")
go_nse=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "ns/event") print $(i-1) }' <<<"$line")
go_alloc=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "allocs/op") print $(i-1) }' <<<"$line")
cis=$(sed -n 's/.*"cis_matches": \([0-9]*\).*/\1/p' "$dir/truth.json")

printf 'corpus: %s (%d bytes, %s records, cis_matches %s)\n' "$file" "$bytes" "$records" "$cis"
printf '%-44s %10s MB/s  (count %s)\n' "grep -c '\"type\":\"Root\"'" "$grep_mbs" "$n"
printf '%-44s %10s MB/s  %s ns/event  %s allocs/pass  (count checked = %s)\n' \
	"filterpattern CIS 4.3 Match, 1 core" "$go_mbs" "$go_nse" "$go_alloc" "$cis"
awk -v g="$grep_mbs" -v m="$go_mbs" 'BEGIN { printf "ratio filterpattern / grep: %.2fx\n", m / g }'
