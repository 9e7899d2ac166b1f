#!/bin/sh
# xdpfwd demo: a static route typed in vtysh is offloaded to the XDP fast
# path, and its traffic is forwarded and counted by XDP instead of the
# kernel.  Builds nothing: run it after `make` (or tools/setup-and-run.sh).
#
#   client C -- router R (zebra -M xdpfwd, staticd) -- server S1 (and S2)
#
# The lab (network namespaces, zebra and staticd in R) comes from
# tests/lab/labctl.py; everything it made is removed on exit, also on
# failure or Ctrl-C.  Exit status: 0 when the route is offloaded and XDP
# counted the traffic, 1 otherwise (2: cannot run).
#
# Environment: XDPFWD_MODULE (zebra -M argument), XDPFWD_VTYSH (client),
# XDPFWD_BUILDDIR, as for the tests (tests/lab/lablib.py).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
lab="$repo/tests/lab"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export PYTHONPATH="$lab${PYTHONPATH:+:$PYTHONPATH}"

ROUTE=10.100.0.0/24
VIA=10.0.2.2
TARGET=10.100.0.1
BYTES=50000000

say() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (network namespaces, XDP)" >&2
	exit 2
fi

module=$($py -c 'import lablib; print(lablib.xdpfwd_module_spec())')
missing=$($py -c 'import lablib, sys
print(lablib.module_missing_message(sys.argv[1]) or "")' "$module")
if [ -n "$missing" ]; then
	echo "demo: $missing" >&2
	exit 2
fi
client=$($py -c 'import lablib; print(lablib.find_xdpfwd_vtysh() or "")')
if [ -z "$client" ]; then
	echo "demo: no xdpfwd-vtysh client built (make, or set XDPFWD_VTYSH)" >&2
	exit 2
fi

work=$(mktemp -d /tmp/xdpfwd-demo.XXXXXX)
sink_pid=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	status=$?
	trap - EXIT INT TERM
	if [ -n "$sink_pid" ] && kill -0 "$sink_pid" 2>/dev/null; then
		kill "$sink_pid" 2>/dev/null || true
		wait "$sink_pid" 2>/dev/null || true
	fi
	if [ -f "$work/lab.json" ]; then
		say "cleaning up the lab"
		$py "$lab/labctl.py" down --state "$work/lab.json" || status=1
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the lab: zebra -M $module and staticd in R"
vars=$($py "$lab/labctl.py" up --state "$work/lab.json" --module "$module")
eval "$vars"
echo "namespaces: C=$NS_C R=$NS_R S1=$NS_S1 S2=$NS_S2; vty sockets in $VTY_DIR"

zvty() { show "$client" --vty_socket "$VTY_DIR" "$@"; }
vtysh_r() { show ip netns exec "$NS_R" vtysh --vty_socket "$VTY_DIR" "$@"; }
json_get() { $py -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# the same on the state of a `show xdpfwd ... json` answer (yang/frr-xdpfwd.yang)
xdpfwd_get() { $py -c "import json, sys; s = json.load(sys.stdin)['frr-xdpfwd:xdpfwd']['state']; print($1)"; }
forw() { ip netns exec "$NS_R" cat /proc/net/snmp |
	awk '/^Ip:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "ForwDatagrams") c = i; n = 1 } else print $c }'; }
fwd4() { "$client" --vty_socket "$VTY_DIR" -c "show xdpfwd counters json" |
	xdpfwd_get 'next(r["packets"] for r in s["counters"]["reasons"] if r["reason"] == "fwdV4")'; }

say "enabling xdpfwd on R's interfaces through zebra's vty"
zvty -c "configure terminal" -c "interface to-c" -c "xdpfwd" \
	-c "interface to-s1" -c "xdpfwd" -c "interface to-s2" -c "xdpfwd"
i=0
until [ "$("$client" --vty_socket "$VTY_DIR" -c "show xdpfwd json" |
	xdpfwd_get 'sum(1 for x in s["interfaces"] if x.get("attached"))')" = 3 ]; do
	i=$((i + 1))
	[ $i -lt 30 ] || { echo "demo: xdpfwd did not attach to 3 interfaces" >&2; exit 1; }
	sleep 0.5
done
zvty -c "show xdpfwd"

say "typing a static route in stock vtysh (staticd)"
vtysh_r -c "configure terminal" -c "ip route $ROUTE $VIA"

say "waiting for zebra to mark $ROUTE offloaded"
offloaded=no
i=0
while [ $i -lt 30 ]; do
	state=$(ip netns exec "$NS_R" vtysh --vty_socket "$VTY_DIR" \
		-c "show ip route $ROUTE json" |
		json_get 'any(e.get("offloaded") is True and e.get("selected")
			for e in d.get("'$ROUTE'", []))')
	if [ "$state" = True ]; then
		offloaded=yes
		break
	fi
	sleep 0.5
	i=$((i + 1))
done
vtysh_r -c "show ip route $ROUTE json"
echo "offloaded: $offloaded"

say "sending traffic: warm-up ping, then $BYTES bytes over TCP from C to $TARGET"
show ip netns exec "$NS_C" ping -c 2 -i 0.2 "$TARGET"
kernel_before=$(forw)
xdp_before=$(fwd4)
ip netns exec "$NS_S1" "$py" "$lab/labtraffic.py" tcp-sink \
	--addr "$TARGET" --port 5201 >"$work/sink.out" &
sink_pid=$!
i=0
until grep -q ready "$work/sink.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "demo: TCP sink did not start" >&2; exit 1; }
	sleep 0.1
done
show ip netns exec "$NS_C" "$py" "$lab/labtraffic.py" tcp-send \
	--dst "$TARGET" --port 5201 --bytes "$BYTES"
wait "$sink_pid" || true
sink_pid=
kernel_after=$(forw)
xdp_after=$(fwd4)

say "what the fast path did"
zvty -c "show xdpfwd routes"
zvty -c "show xdpfwd counters"

needed=$((BYTES / 1448))
kernel_delta=$((kernel_after - kernel_before))
xdp_delta=$((xdp_after - xdp_before))
say "result"
echo "kernel Ip: ForwDatagrams on R: $kernel_before -> $kernel_after (+$kernel_delta)"
echo "xdpfwd fwdV4 packets:          $xdp_before -> $xdp_after (+$xdp_delta)"
echo "data packets the transfer needed: >= $needed"

ok=yes
if [ "$offloaded" != yes ]; then
	echo "FAIL: $ROUTE is not offloaded in zebra" >&2
	ok=no
fi
if [ "$xdp_delta" -lt "$needed" ]; then
	echo "FAIL: XDP counted $xdp_delta forwarded packets, expected >= $needed" >&2
	ok=no
fi
if [ "$kernel_delta" -gt 5 ]; then
	echo "NOTE: R's kernel forwarded $kernel_delta packets: xdpfwd passed part of the traffic (see the Pass verdicts above)"
fi
if [ "$ok" = yes ]; then
	echo "OK: route offloaded, traffic forwarded by XDP (kernel forwarded $kernel_delta)"
	exit 0
fi
exit 1
