#!/bin/sh
# Prepare a configured FRR source tree that matches the installed frr package
# exactly, so the zebra module can be compiled against zebra's own headers.
# Debian packages no FRR development headers (FRR < 10.6 installs none).
#
# Usage: tools/prepare-frr-source.sh [DESTDIR]   (default: ./frr-src)
# Prints the path of the prepared tree on its last line.
set -eu

dest=${1:-$(pwd)/frr-src}
ver=$(dpkg-query -W -f '${Version}' frr 2>/dev/null) || {
	echo "prepare-frr-source: the frr package is not installed" >&2
	exit 1
}
upstream=${ver#*:}
upstream=${upstream%%-*}
tree="$dest/frr-$upstream"
stamp="$tree/.xdpfwd-prepared-$ver"

if [ -f "$stamp" ]; then
	echo "$tree"
	exit 0
fi

# deb-src: a Types: deb-src copy of the machine's deb822 sources.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	! grep -qs '^deb-src' /etc/apt/sources.list; then
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
		>/etc/apt/sources.list.d/xdpfwd-debian-src.sources
	apt-get update -q >&2
fi

mkdir -p "$dest"
if [ ! -d "$tree" ]; then
	(cd "$dest" && apt-get source -q "frr=$ver" >&2)
	# apt-get source names the directory frr-<upstream version>
	[ -d "$tree" ] || {
		echo "prepare-frr-source: expected $tree after apt-get source" >&2
		exit 1
	}
fi

cd "$tree"
# The configure flags that change generated headers come from the source's
# own debian/rules; the directory layout must be Debian's for module paths.
[ -x configure ] || ./bootstrap.sh >&2
./configure -q \
	--localstatedir=/var/run/frr --sbindir=/usr/lib/frr \
	--sysconfdir=/etc/frr --libdir=/usr/lib/x86_64-linux-gnu/frr \
	--with-moduledir=/usr/lib/x86_64-linux-gnu/frr/modules \
	--enable-multipath=256 --enable-user=frr --enable-group=frr \
	--enable-vty-group=frrvty --disable-doc --enable-fpm \
	--with-libpam=no --disable-snmp --enable-config-rollbacks=no \
	--disable-grpc --enable-systemd=no >&2
# Generated headers zebra's headers include, and FRR's clippy for DEFPY.
make -j"$(nproc)" lib/route_types.h lib/version.h lib/clippy >&2
touch "$stamp"
echo "$tree"
