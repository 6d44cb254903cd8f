#!/usr/bin/env bash
# bench/scan-rss.sh: peak resident memory of rootwatch scan on a flood of
# root records (issue 13): one .json.gz of RECORDS root events, each with
# its own eventID (the worst case for the dedup set), scanned in every
# output format under /usr/bin/time -v. Target: under 256 MB each.
#
#   bench/scan-rss.sh [RECORDS]        (default 1900000, a ~12 MB .json.gz)
#   FORMATS="jsonl json" bench/scan-rss.sh   (a subset of the formats)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1900000}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/rootwatch-bench}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time; Debian package time)" >&2; exit 1; }

go build -o "$work/rootwatch" ./cmd/rootwatch
flood="$work/flood-$records.json.gz"
if [ ! -f "$flood" ]; then
	echo "generating $records root records into $flood" >&2
	awk -v n="$records" 'BEGIN {
		printf "{\"Records\":["
		for (i = 0; i < n; i++) {
			if (i) printf ","
			printf "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\"},\"eventTime\":\"2024-06-02T%02d:%02d:%02dZ\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.10\",\"userAgent\":\"aws-cli/2\",\"eventID\":\"%08d-0000-4000-8000-000000000000\",\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\"}", (i / 3600) % 24, (i / 60) % 60, i % 60, i
		}
		printf "]}"
	}' | gzip -6 >"$flood"
fi
echo "input: $records root records, $(($(stat -c %s "$flood") / 1000)) kB gzip"
printf '%-8s %12s %10s %10s\n' format "peak RSS MB" "wall s" findings
for format in ${FORMATS:-jsonl csv json table}; do
	out="$work/flood.$format"
	/usr/bin/time -v -o "$work/time.txt" "$work/rootwatch" scan --fail-on none --format "$format" "$flood" >"$out" 2>/dev/null
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
	case $format in
	jsonl) n=$(wc -l <"$out");;
	csv) n=$(($(wc -l <"$out") - 1));;
	json) n=$(grep -c '"event_id"' "$out");;
	table) n=$(grep -c ' ListUsers ' "$out");;
	esac
	printf '%-8s %12d %10s %10d\n' "$format" $((rss / 1024)) "$wall" "$n"
	rm -f "$out"
done
echo "target: peak RSS under 256 MB in every format, every finding written."
