#!/usr/bin/env bash
# bench/replicas.sh: `rootwatch watch` replicas sharing one PostgreSQL store
# and one SQS queue (the repository's emulator, internal/awsemu), in one
# run: events/s and p99 delivery delay at 1, 2 and 4 replicas, zero lost
# and zero duplicated, then one of 2 replicas killed with SIGKILL half-way
# through a backlog: nothing lost, its leased deliveries taken over within
# the lease. internal/tools/replicabench drives each case.
#
#   bench/replicas.sh
#
# FILES (default 1500) log files of RECORDS (100) records, one root call
# each (one alert per file), as a backlog for events/s; PACED (300) files
# at RATE (20) files/s for the delay from writing a file to its alert at
# the webhook; LATENCY (10ms) added to every S3 and SQS request; LEASE
# (10s) and VISIBILITY (10s) of the replicas and the queue. PostgreSQL is
# started from the Debian binaries on loopback, as the tests do, with its
# default durability (fsync on). BENCH_DIR keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-1500} records=${RECORDS:-100} paced=${PACED:-300} rate=${RATE:-20}
latency=${LATENCY:-10ms} lease=${LEASE:-10s} visibility=${VISIBILITY:-10s}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/rootwatch-bench-replicas}
rm -rf "$work" && mkdir -p "$work"
go build -o "$work/rootwatch" ./cmd/rootwatch
go build -o "$work/replicabench" ./internal/tools/replicabench

bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
[ -x "$bin/pg_ctl" ] || { echo "replicas.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
pg="$work/pg"
mkdir -p "$pg"
# PostgreSQL refuses to run as root: run it as nobody.
as=()
if [ "$(id -u)" = 0 ]; then
	chown nobody "$pg"
	as=(runuser -u nobody --)
fi
"${as[@]}" "$bin/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
port=$("$work/replicabench" --free-port)
"${as[@]}" "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $pg -c max_connections=200" start >/dev/null
trap '"${as[@]}" "$bin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT

# bench NAME ARGS...: one case on a fresh database; its JSON to $work/NAME.json.
bench() {
	local name=$1
	shift
	"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name"
	mkdir -p "$work/$name"
	"$work/replicabench" --rootwatch "$work/rootwatch" --dsn "postgres://postgres@127.0.0.1:$port/$name?sslmode=disable" \
		--work "$work/$name" --files "$files" --records "$records" --latency "$latency" --lease "$lease" \
		--visibility "$visibility" "$@" >"$work/$name.json"
}

echo "$files log files x $records records (one root call each) as a backlog; $paced files at $rate/s for the delay; $latency per S3/SQS request; lease $lease, visibility $visibility; $(nproc) cores"
printf '%-9s %10s %9s %9s %9s %10s %10s %5s %6s\n' replicas events/s ratio per-rep ev/cpu-s p50-ms p99-ms lost dupes
base=
for n in 1 2 4; do
	bench "r$n" --replicas "$n" --paced "$paced" --rate "$rate"
	r="$work/r$n.json"
	eps=$(jq .events_per_second "$r")
	base=${base:-$eps}
	printf '%-9s %10.0f %8.2fx %9.0f %9.0f %10.1f %10.1f %5d %6d\n' "$n" "$eps" "$(jq -n "$eps/$base")" "$(jq -n "$eps/$n")" \
		"$(jq .events_per_replica_cpu_second "$r")" \
		"$(jq .p50_delay_ms "$r")" "$(jq .p99_delay_ms "$r")" "$(jq .lost "$r")" "$(jq '.redelivered + .events_in_several_alerts' "$r")"
done
bench kill --replicas 2 --kill --paced 0
r="$work/kill.json"
echo "kill -9 of 1 of 2 replicas half-way: lost $(jq .lost "$r"), same alert redelivered $(jq .redelivered "$r") (at most 8: the at-least-once window), events in several alerts $(jq .events_in_several_alerts "$r"); $(jq .leased_to_killed "$r") deliveries leased to it, all taken over within $(jq .takeover_max_seconds "$r") s of the kill (lease $(jq .lease_seconds "$r") s)"
