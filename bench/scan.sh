#!/usr/bin/env bash
# bench/scan.sh: rootwatch scan's throughput beside grep, jq, gzip, pigz,
# libdeflate-gunzip and klauspost/compress on the same ctgen corpus, in
# one run, as ratios.
#
#   bench/scan.sh [RECORDS]        (default 600000, about 1 GB of JSON)
#
# Per-core figures use CPU time (user + sys) of a single-threaded run, the
# best of $RUNS; they hold on a busy machine where wall time does not.
# The scaling line uses wall time with every core.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-600000}
runs=${RUNS:-3}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/rootwatch-bench}
mkdir -p "$work"

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need jq || missing+=(jq)
need pigz || missing+=(pigz)
need libdeflate-gunzip || missing+=(libdeflate-tools)
[ -f /usr/include/libdeflate.h ] || missing+=(libdeflate-dev)
need gcc || missing+=(gcc libc6-dev)
if ((${#missing[@]})); then
	echo "installing ${missing[*]} from Debian" >&2
	sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

go build -o "$work/rootwatch" ./cmd/rootwatch
CGO_ENABLED=1 go build -tags libdeflate -o "$work/rootwatch-libdeflate" ./cmd/rootwatch
go build -o "$work/kgunzip" ./bench/kgunzip
go build -o "$work/ctgen" ./internal/tools/ctgen

corpus="$work/corpus-$records"
if [ ! -f "$corpus/truth.json" ]; then
	echo "generating $records records into $corpus" >&2
	rm -rf "$corpus"
	"$work/ctgen" --seed 42 --records "$records" --root-fraction 0.001 --out "$corpus" 2>/dev/null
fi
jsonl="$corpus/events.jsonl"
mapfile -t gzfiles < <(find "$corpus/AWSLogs" -name '*.json.gz' | sort)
jbytes=$(stat -c %s "$jsonl")
ubytes=$(jq .s3_uncompressed_bytes "$corpus/truth.json")
truth=$(jq .cis_matches "$corpus/truth.json")
cat "$jsonl" "${gzfiles[@]}" >/dev/null # warm the page cache

# cpu CMD...: best user+sys seconds over $runs runs. Output goes to
# /dev/null, so decompressors are not charged for writing a gigabyte; but
# GNU grep stops at the first match when it sees /dev/null, so grep's goes
# to a file (OUT=file).
cpu() {
	local best="" t out=${OUT:-/dev/null}
	for _ in $(seq "$runs"); do
		t=$( { /usr/bin/env TIMEFORMAT='%U %S' OUT="$out" bash -c 'time "$@" >"$OUT" 2>&1' _ "$@"; } 2>&1 | awk '{print $1+$2}')
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
	done
	echo "$best"
}
wall() {
	local s e
	s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e-s}'
}
gbps() { awk -v b="$1" -v t="$2" 'BEGIN{ if (t<=0) t=0.001; printf "%.2f", b/t/1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b<=0) b=0.001; printf "%.2fx", a/b }'; }

# Correctness first: the count must equal ctgen's truth on both layouts.
for src in "$jsonl" "$corpus/AWSLogs"; do
	got=$("$work/rootwatch" scan --fail-on none --format json "$src" | jq .summary.cis_matches)
	if [ "$got" != "$truth" ]; then
		echo "rootwatch found $got CIS matches in $src, truth is $truth" >&2
		exit 1
	fi
done
echo "corpus: $records records, JSON Lines $((jbytes / 1000000)) MB, S3 layout ${#gzfiles[@]} .json.gz files ($((ubytes / 1000000)) MB decompressed); CIS matches $truth (rootwatch agrees)"
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

printf '%-44s %8s %10s %10s\n' "JSON Lines (per core)" "cpu s" "GB/s" "rootwatch"
rw=$(cpu "$work/rootwatch" scan --workers 1 --fail-on none --format jsonl "$jsonl")
printf '%-44s %8s %10s %10s\n' "rootwatch scan --workers 1" "$rw" "$(gbps "$jbytes" "$rw")" "1.00x"
for name in grep jq; do
	case $name in
	grep) t=$(OUT="$work/grep.out" cpu grep -c '"type":"Root"' "$jsonl"); label="grep -c '\"type\":\"Root\"'";;
	jq)
		# jq is ~50x slower: time it on the first 10% and scale.
		head -c $((jbytes / 10)) "$jsonl" | head -n -1 >"$work/jq.jsonl"
		t=$(RUNS=1 cpu jq -c 'select(.userIdentity.type == "Root" and (.userIdentity | has("invokedBy") | not) and .eventType != "AwsServiceEvent")' "$work/jq.jsonl")
		t=$(awk -v t="$t" -v a="$(stat -c %s "$work/jq.jsonl")" -v b="$jbytes" 'BEGIN{printf "%.2f", t*b/a}')
		label="jq select(CIS 4.3) (scaled from 10%)";;
	esac
	printf '%-44s %8s %10s %10s\n' "$label" "$t" "$(gbps "$jbytes" "$t")" "$(ratio "$t" "$rw")"
done
echo
printf '%-44s %8s %10s %10s\n' ".json.gz S3 layout (per core, decompressed)" "cpu s" "GB/s" "rootwatch"
rwz=$(cpu "$work/rootwatch" scan --workers 1 --fail-on none --format jsonl "$corpus/AWSLogs")
printf '%-44s %8s %10s %10s\n' "rootwatch scan --workers 1" "$rwz" "$(gbps "$ubytes" "$rwz")" "1.00x"
rwl=$(cpu "$work/rootwatch-libdeflate" scan --workers 1 --fail-on none --format jsonl "$corpus/AWSLogs")
printf '%-44s %8s %10s %10s\n' "rootwatch -tags libdeflate, --workers 1" "$rwl" "$(gbps "$ubytes" "$rwl")" "$(ratio "$rwl" "$rwz")"
cat "${gzfiles[@]}" >"$work/all.gz"
for name in kgunzip gzip pigz libdeflate; do
	case $name in
	kgunzip) t=$(cpu "$work/kgunzip" "${gzfiles[@]}"); label="klauspost/compress decompress only";;
	gzip) t=$(cpu gzip -dc "$work/all.gz"); label="gzip -dc";;
	pigz) t=$(cpu pigz -p 1 -dc "$work/all.gz"); label="pigz -p 1 -dc";;
	libdeflate) t=$(cpu libdeflate-gunzip -c "${gzfiles[@]}"); ld=$t; label="libdeflate-gunzip -c";;
	esac
	printf '%-44s %8s %10s %10s\n' "$label" "$t" "$(gbps "$ubytes" "$t")" "$(ratio "$t" "$rwz")"
done
echo
w1=$(wall "$work/rootwatch" scan --workers 1 --fail-on none "$corpus/AWSLogs")
wn=$(wall "$work/rootwatch" scan --fail-on none "$corpus/AWSLogs")
echo "scaling on ${#gzfiles[@]} files (wall): 1 worker ${w1}s, $(nproc) workers ${wn}s: $(ratio "$w1" "$wn") faster"
echo
echo "ratio column: tool cpu time / rootwatch cpu time (above 1.00x: rootwatch is faster)."
echo "libdeflate build / libdeflate-gunzip alone: $(ratio "$rwl" "$ld")"
echo "targets: JSON Lines >= 2x grep -c; .json.gz within 1.15x of klauspost decompress alone;"
echo "         the libdeflate build within 1.25x of libdeflate-gunzip alone."
