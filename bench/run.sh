#!/bin/sh
# xdpfwd datapath and FIB-builder benchmark (bench/README.md).
#
#   bench/run.sh [--smoke] [xdpbench options]      (as root)
#
# Builds what it needs (the top-level bpf/xdpfwd.skel.h, then bench/),
# runs build/xdpbench in a private network namespace and build/lookup4
# (the IPv4 lookup structures alone), and writes to
# bench/results/ (bench/results/tmp/smoke/ with --smoke, so that a smoke
# run never replaces the recorded results):
#   results.md     tables, goals, machine details
#   latest.json    headline figures, merged into an existing file so
#                  that keys written by other benchmarks are kept
#   cost_v4.png, cost_v6.png, lookup4.png, throughput.png
# Exit status: 0, or non-zero when the build or the run failed, or when a
# forwarder did not forward a sampled packet as expected or a lookup
# structure disagreed with the longest-prefix-match oracle (figures
# invalid).  Goals are reported, never enforced.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
builddir=${XDPFWD_BUILDDIR:-$top}

smoke=0
for a in "$@"; do
	[ "$a" = --smoke ] && smoke=1
done
if [ "$smoke" = 1 ]; then
	out=${BENCH_OUT:-$here/results/tmp/smoke}
else
	out=${BENCH_OUT:-$here/results}
fi
raw=$out/tmp
[ "$smoke" = 1 ] && raw=$out/raw

if [ "$(id -u)" != 0 ]; then
	echo "bench/run.sh: needs root (network namespace, BPF, XDP)" >&2
	exit 1
fi
for tool in jq gnuplot ip; do
	command -v "$tool" >/dev/null || {
		echo "bench/run.sh: $tool not found (apt-get install $tool)" >&2
		exit 1
	}
done

echo "== building (xdpfwd object in $builddir, bench programs in bench/build)" >&2
make -s -C "$builddir" bpf/xdpfwd.skel.h >&2
make -s -C "$here" BUILDDIR="$builddir" >&2

mkdir -p "$out" "$raw"
# (git status, unlike describe --dirty, does not take stat-only changes for
# modifications; no optional locks: others may be using the repository;
# the recorded results themselves do not make the measured code dirty)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$top" status --porcelain -uno -- . ':!bench/results' 2>/dev/null)" ]; then
	commit="$commit-dirty"
fi
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "== running ($( [ "$smoke" = 1 ] && echo smoke || echo full ) run; progress below)" >&2
status=0
"$here/build/xdpbench" --out "$raw" --commit "$commit" --date "$date" "$@" ||
	status=$?
if [ ! -s "$raw/raw.json" ] || { [ "$status" != 0 ] && [ "$status" != 3 ]; }; then
	echo "bench/run.sh: xdpbench failed (status $status)" >&2
	exit "${status:-1}"
fi

# the IPv4 lookup structures alone (lookup4.c): DIR-24-8 against Poptrie
lookup_args=
[ "$smoke" = 1 ] && lookup_args=--smoke
"$here/build/lookup4" --out "$raw" $lookup_args || {
	echo "bench/run.sh: lookup4 failed" >&2
	exit 1
}

# latest.json: this run's keys replace ours, every other key is kept;
# the BGP lab's keys exist (null) until that benchmark fills them
json=$out/latest.json
new=$raw/raw.json
if [ -s "$json" ] && jq -e 'type == "object"' "$json" >/dev/null 2>&1; then
	old=$json
else
	old=$raw/empty.json
	echo '{}' >"$old"
fi
jq -s '({bgp_1m_xdp_s: null, bgp_1m_kernel_s: null} + .[0]) * .[1] * .[2]' \
	"$old" "$new" "$raw/lookup4.json" >"$json.tmp"
mv "$json.tmp" "$json"

# plots, for the tables this run measured
has_rows() { grep -qv '^#' "$1" 2>/dev/null; }
v4=0; v6=0; tp=0; lk=0
has_rows "$raw/cost_v4.tsv" && v4=1
has_rows "$raw/cost_v6.tsv" && v6=1
has_rows "$raw/tput.tsv" && tp=1
has_rows "$raw/lookup4.tsv" && lk=1
gnuplot -e "dir='$raw'; out='$out'; do_v4=$v4; do_v6=$v6; do_tput=$tp; do_lookup=$lk" \
	"$here/plot.gp" 2>"$raw/gnuplot.log" ||
	echo "bench/run.sh: gnuplot failed, see $raw/gnuplot.log" >&2

cat "$raw/results.md" "$raw/lookup4.md" >"$out/results.md"
{
	echo
	echo "## Plots"
	echo
	[ "$v4" = 1 ] && echo "![IPv4 cost per packet](cost_v4.png)"
	[ "$v6" = 1 ] && echo "![IPv6 cost per packet](cost_v6.png)"
	[ "$lk" = 1 ] && echo "![IPv4 lookup structures alone](lookup4.png)"
	[ "$tp" = 1 ] && echo "![IPv4 throughput](throughput.png)"
	true
} >>"$out/results.md"

echo >&2
cat "$out/results.md"
echo >&2
echo "== results in $out (results.md, latest.json, *.png)" >&2
exit "$status"
