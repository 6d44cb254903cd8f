#!/usr/bin/env bash
# bench/watch-rss.sh: peak resident memory of rootwatch watch when one
# authenticated POST floods its HTTP source (issue 13: a 1.3 MB body of
# 383,000 tiny root records once made one alert of 1.4 GB). Builds the
# binary, starts watch on 127.0.0.1 with an http:// source, a SQLite store
# and the stdout notifier, POSTs one gzip'd {"Records":[...]} body of
# RECORDS root records, waits for the answer and for every alert to be
# delivered, and reports VmHWM (peak RSS) from /proc. Target: under 256 MB.
#
#   bench/watch-rss.sh [RECORDS]          (default 383000)
#   SESSIONS=many bench/watch-rss.sh      (a source IP per record: a
#                                          session, so an alert, per event)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-383000}
sessions=${SESSIONS:-one}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/rootwatch-bench}
mkdir -p "$work"
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }

go build -o "$work/rootwatch" ./cmd/rootwatch
body="$work/watch-flood-$sessions-$records.json.gz"
if [ ! -f "$body" ]; then
	echo "generating $records tiny root records into $body" >&2
	awk -v n="$records" -v many="$([ "$sessions" = many ] && echo 1 || echo 0)" 'BEGIN {
		printf "{\"Records\":["
		for (i = 0; i < n; i++) {
			if (i) printf ","
			ip = many ? sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256) : "203.0.113.10"
			printf "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"Root\",\"accountId\":\"111122223333\"},\"eventTime\":\"2026-06-02T%02d:%02d:%02dZ\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",\"sourceIPAddress\":\"%s\",\"eventID\":\"%d\",\"eventType\":\"AwsApiCall\"}", int(i / 3600) % 24, int(i / 60) % 60, i % 60, ip, i
		}
		printf "]}"
	}' | gzip -9 >"$body"
fi

port=$((20000 + RANDOM % 20000))
store="$work/watch-rss.db"
rm -f "$store" "$store"-*
export ROOTWATCH_INGEST_SECRET=bench-secret-0123456789
"$work/rootwatch" watch --source "http://127.0.0.1:$port/ingest" --listen "127.0.0.1:$((port + 1))" \
	--store "$store" --notify stdout: --log-level warn >"$work/watch-rss.out" 2>"$work/watch-rss.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	curl -fs "http://127.0.0.1:$((port + 1))/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
idle=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
start=$(date +%s.%N)
status=$(curl -s -o "$work/watch-rss.answer" -w '%{http_code}' -H "X-Rootwatch-Secret: $ROOTWATCH_INGEST_SECRET" \
	-H 'Content-Type: application/json' --data-binary "@$body" "http://127.0.0.1:$port/ingest")
end=$(date +%s.%N)
# Let the outbox deliver what the request recorded.
for _ in $(seq 300); do
	n=$(grep -c '"alert_id"\|"id"' "$work/watch-rss.out" || true)
	[ "$n" -gt 0 ] && sleep 1 && break
	sleep 0.1
done
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill "$pid"
wait "$pid" 2>/dev/null || true
trap - EXIT
echo "input: $records root records ($sessions session(s)), $(($(stat -c %s "$body") / 1000)) kB gzip body"
printf '%-10s %-8s %12s %12s %10s %14s\n' sessions answer "idle RSS MB" "peak RSS MB" "request s" "alert bytes"
printf '%-10s %-8s %12d %12d %10.2f %14d\n' "$sessions" "$status" $((idle / 1024)) $((peak / 1024)) \
	"$(echo "$end - $start" | bc)" "$(stat -c %s "$work/watch-rss.out")"
echo "target: peak RSS under 256 MB, answer 200."
