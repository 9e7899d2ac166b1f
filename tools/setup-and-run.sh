#!/bin/sh
# One command from a fresh Debian 12 machine to a result:
#   tools/setup-and-run.sh demo   install, build, run the demo lab
#   tools/setup-and-run.sh test   install, build, run every test (make check)
# Installs Debian packages (apt-get), prepares FRR's configured source tree
# for the installed frr (tools/prepare-frr-source.sh), builds with autotools.
set -eu
cd "$(dirname "$0")/.."
what=${1:-test}

if [ "$(id -u)" != 0 ]; then
	echo "setup-and-run: run as root (XDP, namespaces, apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	frr iproute2 iputils-ping ethtool procps kmod tcpdump iperf3 \
	build-essential autoconf automake libtool pkg-config dpkg-dev \
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libmnl-dev \
	libnftnl-dev nftables iptables \
	libjson-c-dev libyang2-dev libyang2-tools \
	libmicrohttpd-dev libclang-rt-14-dev \
	bison flex libreadline-dev libcap-dev libc-ares-dev \
	libprotobuf-c-dev protobuf-c-compiler python3-dev texinfo \
	python3 python3-pytest python3-scapy jq gnuplot-nox debhelper \
	gobgpd bird2 util-linux libpam0g-dev libsnmp-dev lintian

frr_tree=$(tools/prepare-frr-source.sh "${XDPFWD_FRR_DIR:-/var/tmp/xdpfwd-frr}" | tail -n 1)
[ -x configure ] || ./bootstrap.sh
./configure -q --with-frr-source="$frr_tree"
make -j"$(nproc)"

case "$what" in
demo)
	exec tools/demo.sh
	;;
test)
	exec make check
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
