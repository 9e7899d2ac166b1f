#!/bin/sh
# Run the XDP datapath packet-fixture tests.  Builds nothing.
#
#   tests/datapath/run.sh [path/to/test_datapath]
#
# default binary: build/tests/test_datapath (relative to the repository
# root).  Build it first, from the repository root:
#
#   mkdir -p build/bpf build/tests
#   clang -target bpf -O2 -g -Wall -Werror -I/work/main/include -I/work/main/bpf \
#       -I/usr/include/x86_64-linux-gnu -c bpf/xdpfwd.bpf.c -o build/bpf/xdpfwd.bpf.o
#   bpftool gen skeleton build/bpf/xdpfwd.bpf.o name xdpfwd_bpf > build/bpf/xdpfwd.skel.h
#   gcc -O2 -Wall -I/work/main/include -Ibuild/bpf tests/datapath/test_datapath.c \
#       -o build/tests/test_datapath $(pkg-config --cflags --libs libbpf) -lelf -lz
#
# Needs root (BPF, veth creation).  The binary moves itself into a new
# anonymous network namespace first, so it touches no existing interface,
# leaves nothing behind and can run concurrently with itself.
# Exit status: 0 all passed, 1 some case failed, 2 setup failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/tests/test_datapath}

if [ ! -x "$bin" ]; then
	echo "run.sh: $bin not found or not executable (build it first, see $0)" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: needs root" >&2
	exit 2
fi
exec "$bin"
