#!/usr/bin/env bash
# bench/size.sh: how big the release binary is, and what takes the space.
#
#   bench/size.sh            # top 25 modules and packages
#   TOP=40 bench/size.sh
#
# Builds the linux/amd64 release binary as scripts/release.sh does (static,
# stripped, -tags lambda.norpc) and reports its size (target, issue 16:
# under 60 MB). Then builds the same binary with its symbol table and sums
# the machine code (`go tool nm -size`, symbols of type T/t) by Go module
# and by package, using `go list -deps` to map packages to modules. Code
# is about half of the file; the function tables (.gopclntab) and type
# data grow with it, so the shares are a fair guide to what a module costs.
#
# It also says whether the linker could drop unused methods: any reachable
# call of reflect's Method/MethodByName with a name known only at run time
# (text/template and html/template executing, net/rpc registering) makes it
# keep every exported method of every type that reaches an interface,
# which is what made the binary 105 MB (every EC2 and Security Hub
# operation linked in).
set -euo pipefail
cd "$(dirname "$0")/.."
top=${TOP:-25}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64
go build -trimpath -tags lambda.norpc -ldflags '-s -w' -o "$work/rootwatch" ./cmd/rootwatch
go build -trimpath -tags lambda.norpc -o "$work/rootwatch.sym" ./cmd/rootwatch
size=$(stat -c %s "$work/rootwatch")
awk -v s="$size" 'BEGIN {printf "release binary (linux/amd64, stripped): %.1f MB (%d bytes)\n", s / 1e6, s}'

go tool nm -size "$work/rootwatch.sym" >"$work/nm"
if grep -qE ' T (text/template\.\(\*state\)\.evalField|net/rpc\.suitableMethods)$' "$work/nm"; then
	echo "unused-method removal: OFF (text/template or net/rpc is reachable: see the comment at the top)"
else
	echo "unused-method removal: on"
fi

go list -tags lambda.norpc -deps -f '{{.ImportPath}} {{with .Module}}{{.Path}}{{else}}std{{end}}' ./cmd/rootwatch >"$work/mods"
awk -v top="$top" '
FNR == NR { mod[$1] = $2; next }
$3 == "T" || $3 == "t" {
	name = $4
	for (i = 5; i <= NF; i++) name = name " " $i
	p = name
	sub(/[\[(].*/, "", p)            # generic shapes, (*T).Method
	n = split(p, el, "/")
	last = el[n]
	if (match(last, /^[^.]+\.v[0-9]+\./)) last = substr(last, 1, RLENGTH - 1)   # gopkg.in/yaml.v3
	else sub(/\..*/, "", last)
	pkg = ""
	for (i = 1; i < n; i++) pkg = pkg el[i] "/"
	pkg = pkg last
	m = (pkg in mod) ? mod[pkg] : "(runtime-generated)"
	bypkg[pkg] += $2; bymod[m] += $2; total += $2
}
END {
	printf "machine code: %.1f MB\n", total / 1e6
	for (k in bymod) printf "%d %s\n", bymod[k], k > (dir "/m.unsorted")
	for (k in bypkg) printf "%d %s\n", bypkg[k], k > (dir "/p.unsorted")
}' dir="$work" "$work/mods" "$work/nm"
sort -rn "$work/m.unsorted" >"$work/m"
sort -rn "$work/p.unsorted" >"$work/p"
printf '\ntop %d modules by machine code:\n' "$top"
head -n "$top" "$work/m" | awk '{printf "  %7.2f MB  %s\n", $1 / 1e6, $2}'
printf '\ntop %d packages by machine code:\n' "$top"
head -n "$top" "$work/p" | awk '{printf "  %7.2f MB  %s\n", $1 / 1e6, $2}'
