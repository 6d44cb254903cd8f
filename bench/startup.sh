#!/usr/bin/env bash
# bench/startup.sh: what every CLI call and Lambda cold start pays before
# main runs, and how big a release binary is.
#
#   bench/startup.sh
#
# Builds the release binary (static, stripped, as `make build`), runs
# `rootwatch version` RUNS times (default 20) with GODEBUG=inittrace=1 and
# reports the median package-initialisation time of rootwatch's own packages
# beside that of everything (the SDK, the standard library), plus the
# binary's size. Targets (issue 16): our own init under 20 ms, a release
# binary under 60 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -trimpath -tags lambda.norpc -ldflags '-s -w' -o "$work/rootwatch" ./cmd/rootwatch

ours=() all=()
for _ in $(seq "$runs"); do
	trace=$(GODEBUG=inittrace=1 "$work/rootwatch" version 2>&1 >/dev/null)
	ours+=("$(awk '/^init github.com\/rootwatch\/rootwatch/ {ms += $5} END {printf "%.3f", ms}' <<<"$trace")")
	all+=("$(awk '/^init / {ms += $5} END {printf "%.3f", ms}' <<<"$trace")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
size=$(stat -c %s "$work/rootwatch")
printf 'init, rootwatch packages: %s ms (median of %d)\n' "$(median "${ours[@]}")" "$runs"
printf 'init, all packages:       %s ms\n' "$(median "${all[@]}")"
awk -v s="$size" 'BEGIN {printf "release binary:           %.1f MB (%d bytes)\n", s / 1048576, s}'
printf 'slowest of ours (last run):\n'
GODEBUG=inittrace=1 "$work/rootwatch" version 2>&1 >/dev/null | awk '/^init github.com\/rootwatch\/rootwatch/ {print "  " $5 " ms  " $2}' | sort -rn | head -5
