#!/usr/bin/env bash
# bench/s3.sh: `rootwatch scan s3://` against the repository's S3
# emulator on loopback with AWS's round trip added to every request,
# before and after the S3 fetch stage, in one run, as ratios to the ideal.
#
#   bench/s3.sh [ACCOUNTS REGIONS DAYS RECORDS PER_FILE]
#       default 100 4 3 155000 20: an organization trail of about 8,000
#       log files plus hourly digests (issue 15's bench)
#   BASE=none bench/s3.sh 1000 17 1 680000 20
#       issue 15's organization scale: 1,000 accounts in the 17 default
#       regions, one day (about 45,000 log files, 450,000 objects with
#       the digests; ctgen takes about 2 minutes, the run about 5), the
#       current build only
#
# The ideal is the fewest requests the layout needs, 64 in flight, at
# LATENCY each, plus the time the same scan takes on a local copy (decode):
#   whole bucket: ceil(keys / 1000) LISTs + one GET per log file;
#   one day D:    1 LIST for the accounts, 1 per account for its regions,
#                 1 per region-day directory of D and D+1 that exists (D+1
#                 holds D's late events), + one GET per log file read.
# BASE (default beb7706, the commit before the fetch stage) is built from
# git archive (none: measure the current build only); LATENCY (default 30ms); BENCH_DIR keeps the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-100} regions=${2:-4} days=${3:-3} records=${4:-155000} perfile=${5:-20}
latency=${LATENCY:-30ms}
base=${BASE:-beb7706}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/rootwatch-bench-s3}
org=o-bench12345
mkdir -p "$work"

go build -o "$work/rootwatch" ./cmd/rootwatch
go build -o "$work/s3serve" ./internal/tools/s3serve
go build -o "$work/ctgen" ./internal/tools/ctgen
builds="base new"
if [ "$base" = none ]; then
	builds=new
else
	rm -rf "$work/base-src" && mkdir -p "$work/base-src"
	git archive "$base" | tar -x -C "$work/base-src"
	(cd "$work/base-src" && go build -o "$work/rootwatch-base" ./cmd/rootwatch)
fi

corpus="$work/corpus-$accounts-$regions-$days-$records-$perfile"
if [ ! -f "$corpus/truth.json" ]; then
	echo "generating $corpus" >&2
	rm -rf "$corpus"
	"$work/ctgen" --seed 7 --accounts "$accounts" --regions "$regions" --days "$days" \
		--records "$records" --per-file "$perfile" --format s3 --out "$corpus" 2>/dev/null
fi
files=$(jq .s3_files "$corpus/truth.json")
truth=$(jq .cis_matches "$corpus/truth.json")

"$work/s3serve" --dir "$corpus" --org "$org" --digests --latency "$latency" >"$work/url" 2>"$work/serve.err" &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT
for _ in $(seq 600); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
keys=$(curl -s "$url/_stats" | jq .objects)

export AWS_ENDPOINT_URL=$url AWS_ACCESS_KEY_ID=AKIA111122223333 AWS_SECRET_ACCESS_KEY=bench \
	AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
	AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
# The first day of a corpus of several days is partial; take the second.
# A one-day corpus is that day (the next holds only its last files).
nth=2
[ "$days" = 1 ] && nth=1
day=$(ls -d "$corpus"/AWSLogs/*/CloudTrail/*/*/*/* | awk -F/ '{print $(NF-2)"-"$(NF-1)"-"$NF}' | sort -u | sed -n ${nth}p)
next=$(date -u -d "$day + 1 day" +%F)

# secs CMD...: wall seconds of one run; stdout to $OUT, stderr to $OUT.err.
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >"$OUT" 2>"$OUT.err" || true
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a/b}'; }
ms=$(awk -v l="$latency" 'BEGIN{sub(/ms$/,"",l); print l}')

echo "corpus: $accounts accounts x $regions regions x $days days, organization trail: $files log files ($keys objects with digests), $truth CIS matches; $latency per request; day $day"
printf '%-12s %-6s %8s %8s %7s %6s %6s %s\n' case build seconds ideal ratio LISTs GETs findings
for c in whole day; do
	args=(--format jsonl --fail-on none)
	if [ "$c" = day ]; then args+=(--since "$day" --until "$next"); fi
	# Decode time: the same scan of a local copy.
	OUT="$work/$c-local.jsonl"
	decode=$(secs "$work/rootwatch" scan "${args[@]}" "$corpus")
	for b in $builds; do
		bin="$work/rootwatch"; [ $b = base ] && bin="$work/rootwatch-base"
		curl -s "$url/_stats?reset=1" >/dev/null
		OUT="$work/$c-$b.jsonl"
		t=$(secs "$bin" scan "${args[@]}" "s3://trail-bucket/AWSLogs/$org/")
		st=$(curl -s "$url/_stats")
		lists=$(jq .lists <<<"$st") gets=$(($(jq .gets <<<"$st") - 2)) # STS + IAM for the alias
		if [ $c = whole ]; then
			need=$(( (keys + 999) / 1000 + files ))
		else
			dirs=$(ls -d "$corpus"/AWSLogs/*/CloudTrail/*/"${day//-//}" "$corpus"/AWSLogs/*/CloudTrail/*/"${next//-//}" 2>/dev/null | wc -l)
			need=$(( 1 + accounts + dirs + gets ))
		fi
		ideal=$(awk -v n="$need" -v ms="$ms" -v d="$decode" 'BEGIN{printf "%.2f", int((n+63)/64)*ms/1000 + d}')
		same=identical
		# Findings without where they were read (a path or an s3:// URL).
		cmp -s <(jq -c 'del(.where)' "$work/$c-local.jsonl" | sort) <(jq -c 'del(.where)' "$OUT" | sort) || same=DIFFERENT
		printf '%-12s %-6s %8s %8s %6sx %6s %6s %s (%d)\n' "$c" "$b" "$t" "$ideal" "$(ratio "$t" "$ideal")" "$lists" "$gets" "$same" "$(wc -l <"$OUT")"
	done
done
