"""`xdpfwd firewall conntrack` in the lab (README "Firewalls").

R runs zebra -M xdpfwd with its three interfaces enabled, in conntrack
mode, and an nftables forward chain in R's namespace (Debian's nft):

    ct state invalid counter drop
    tcp dport 23 counter drop
    ct state established,related counter accept
    ct state new counter accept

Routed traffic is then forwarded in XDP only for connections conntrack
holds as established (and liberal, for TCP), not NATed; everything else
goes to the kernel, whose rules see it.  Nothing touches the host's
namespace; each test removes what it adds (the lab deletes the namespace
anyway).
"""

from __future__ import annotations

import re
import sys
import time
from contextlib import contextmanager

import pytest

import lablib
from lablib import FAMILY
from test_80_firewall import (NOTIFIED_S, PACKETS, SRC, TABLE,
                              counters, firewall, nft_table, reason_delta,
                              received, udp, wait_verdict)

OPEN_PORT = 7778
RUNTIME_PORT = 7790
TCP_PORT = 5201
MBYTES = 8
PAUSE_BYTES = 256 << 10


@pytest.fixture(scope="module")
def ct_lab(xdpfwd_module, xdpfwd_vtysh):
    with lablib.lab_topology("ct", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=True) as topo:
        lablib.wait_fast_path(topo)
        lablib.warm_up(topo)
        topo.frr.xdpfwd("configure terminal", "xdpfwd firewall conntrack")
        try:
            yield topo
        finally:
            topo.frr.xdpfwd("configure terminal",
                            "no xdpfwd firewall conntrack", check=False)


RULESET = (f"table inet {TABLE} {{\n"
           f" chain f {{\n"
           f"  type filter hook forward priority 0; policy accept;\n"
           f"  ct state invalid counter drop\n"
           f"  tcp dport 23 counter drop\n"
           f"  ct state established,related counter accept\n"
           f"  ct state new counter accept\n"
           f" }}\n"
           f"}}\n")


def rule_counters(topo) -> dict[str, int]:
    """Packets counted by each rule of the forward chain, by its match."""
    out = topo.r.run("nft", "list", "chain", "inet", TABLE, "f").stdout
    got = {}
    for match, n in re.findall(r"^\s*(.*?) counter packets (\d+)", out,
                               re.M):
        got[match.strip()] = int(n)
    return got


@contextmanager
def ruleset(topo):
    with nft_table(topo, "inet", RULESET):
        wait_verdict(topo, "ipv4", "conntrack", NOTIFIED_S)
        wait_verdict(topo, "ipv6", "conntrack", NOTIFIED_S)
        yield


def connect(topo, family: int, port: int) -> str:
    """One TCP connection attempt C -> S1's target:port (nothing listens
    there): "refused" (the RST of S1 came back), "timeout" (dropped) or
    "connected"."""
    dst = FAMILY[family]["target"]
    code = ("import socket,sys\n"
            "try:\n"
            f" socket.create_connection(({dst!r},{port}),timeout=2)\n"
            " print('connected')\n"
            "except ConnectionRefusedError: print('refused')\n"
            "except OSError: print('timeout')\n")
    return topo.c.run(sys.executable, "-c", code, check=False,
                      timeout=20).stdout.strip()


def test_mode_is_configured_and_shown(ct_lab):
    """`xdpfwd firewall conntrack`: show xdpfwd [json] gives the mode,
    the running-config carries the line; with rules the routed families'
    verdict is conntrack, the bridged one stays the kernel's."""
    fw = firewall(ct_lab)
    assert fw["mode"] == "conntrack" and fw["bypassed"] is False, fw
    assert fw["ipv4"]["verdict"] == "fastPath", fw
    config = ct_lab.frr.xdpfwd("show running-config").stdout
    assert "\nxdpfwd firewall conntrack\n" in config, config
    assert "Firewall mode conntrack" in ct_lab.frr.xdpfwd(
        "show xdpfwd").stdout
    with ruleset(ct_lab):
        fw = firewall(ct_lab)
        assert fw["ipv4"]["verdict"] == "conntrack", fw
        assert fw["ipv6"]["verdict"] == "conntrack", fw
        # the model (yang/frr-xdpfwd.yang) knows the mode, the verdict
        # and the conntrack reasons
        for command in ("show xdpfwd json", "show xdpfwd counters json"):
            doc = ct_lab.frr.xdpfwd_doc(command)
            res = lablib.yang_validate(doc)
            assert res.returncode == 0 and res.stderr == "", (
                f"{command}: {res.stderr}")


@pytest.mark.parametrize("family", [4, 6])
def test_drop_rule_is_honoured(ct_lab, family):
    """tcp dport 23 drop: the connection attempt times out (the SYN never
    reaches S1, which would refuse it), the rule counts the SYNs; the
    SYN to a port without rule reaches S1 (refused)."""
    with ruleset(ct_lab):
        before = counters(ct_lab)
        assert connect(ct_lab, family, 23) == "timeout"
        assert connect(ct_lab, family, 24) == "refused"
        after = counters(ct_lab)
        assert rule_counters(ct_lab)["tcp dport 23"] >= 1
        assert reason_delta(before, after, "passConntrack") >= 2
        assert reason_delta(before, after, f"fwdV{family}") == 0


def marked_liberal(topo, port: int) -> bool:
    """zebra logged (debug xdpfwd events) that the connection from or to
    local port `port` was marked liberal."""
    log = topo.frr.daemons["zebra"].log.read_text()
    return any(f" {port} " in line and "marked liberal: done" in line
               for line in log.splitlines())


def quiet(topo, family: int) -> None:
    """Wait until the kernel's forwarding counter and XDP's stop moving
    (the segments in flight have arrived)."""
    last = [None]

    def unchanged() -> bool:
        now = (topo.r.forwarded(family),
               counters(topo).get(f"fwdV{family}", 0))
        same, last[0] = now == last[0], now
        return same

    lablib.wait_until(unchanged, 10, what="the forwarding counters to "
                      "stop moving")


@pytest.mark.parametrize("family", [4, 6])
def test_established_tcp_is_forwarded_in_xdp_and_closes(ct_lab, family):
    """An allowed TCP connection sends PAUSE_BYTES, then (once zebra has
    marked it liberal, as its log says) the rest of MBYTES MB: the
    segments of the second part are forwarded in XDP (fwdV grows by
    thousands, the kernel's forwarding counter and the established rule's
    counter by a few: the close and the acks that cross it), and it
    closes cleanly (the sender's FIN, the receiver's count and FIN: both
    see EOF and every byte), with no packet judged invalid.  The
    connection met the firewall: the new rule counted its SYN, its first
    packets went to the kernel as not liberal yet.  Pausing makes the
    test independent of how soon zebra marks the connection."""
    dst = FAMILY[family]["target"]
    phase = {}

    def on_pause(port):
        lablib.wait_until(lambda: marked_liberal(ct_lab, port), 10,
                          what=f"the connection from port {port} marked "
                          "liberal")
        quiet(ct_lab, family)
        phase["counters"] = counters(ct_lab)
        phase["kern"] = ct_lab.r.forwarded(family)
        phase["rules"] = rule_counters(ct_lab)

    with ruleset(ct_lab):
        ct_lab.frr.xdpfwd("debug xdpfwd events")
        try:
            before = counters(ct_lab)
            res = lablib.tcp_transfer(ct_lab, ct_lab.c, ct_lab.s1, dst,
                                      MBYTES << 20, port=TCP_PORT,
                                      pause_after=PAUSE_BYTES,
                                      on_pause=on_pause)
        finally:
            ct_lab.frr.xdpfwd("no debug xdpfwd events", check=False)
        after = counters(ct_lab)
        kern = ct_lab.r.forwarded(family) - phase["kern"]
        rules = rule_counters(ct_lab)
        established = "ct state established,related"
        tail = rules[established] - phase["rules"][established]
        fwd = reason_delta(phase["counters"], after, f"fwdV{family}")
        print(f"IPv{family} after the marking: {fwd} forwarded in XDP, "
              f"{kern} by the kernel, {tail} counted established; "
              f"rules {rules}")
        assert res["bytes"] == MBYTES << 20
        assert fwd >= ((MBYTES << 20) - PAUSE_BYTES) // 1500, (fwd, kern)
        assert kern < fwd // 20, (fwd, kern)
        assert tail < fwd // 20, (fwd, tail)
        assert rules["ct state invalid"] == 0, rules
        assert rules["ct state new"] == 1, rules
        assert reason_delta(before, phase["counters"],
                            "passConntrackLiberal") >= 1
        assert reason_delta(before, after, "passConntrack") >= 1


def test_new_connection_still_meets_the_firewall(ct_lab):
    """Two connections one after the other: each one's SYN is counted by
    the new rule, the second is forwarded in XDP once established."""
    dst = FAMILY[4]["target"]
    with ruleset(ct_lab):
        for n in (1, 2):
            before = counters(ct_lab)
            lablib.tcp_transfer(ct_lab, ct_lab.c, ct_lab.s1, dst, 1 << 20,
                                port=TCP_PORT + n)
            after = counters(ct_lab)
            assert rule_counters(ct_lab)["ct state new"] == n
            assert reason_delta(before, after, "fwdV4") >= 100


def test_masquerade_is_passed_and_leaves_natted(ct_lab):
    """A MASQUERADE rule on the egress to S1: UDP datagrams arrive with
    R's address on that link, a TCP connection is carried whole by the
    kernel (passConntrackNat, no fwdV4) and completes."""
    script = (f"table ip {TABLE} {{\n"
              f" chain post {{\n"
              f"  type nat hook postrouting priority 100; policy accept;\n"
              f"  oifname \"to-s1\" counter masquerade\n"
              f" }}\n"
              f"}}\n")
    with ruleset(ct_lab), nft_table(ct_lab, "ip", script):
        time.sleep(NOTIFIED_S)
        before = counters(ct_lab)
        by_addr = udp(ct_lab, 4, OPEN_PORT, by_addr=True)
        res = lablib.tcp_transfer(ct_lab, ct_lab.c, ct_lab.s1,
                                  FAMILY[4]["target"], 2 << 20,
                                  port=TCP_PORT + 9)
        after = counters(ct_lab)
        assert by_addr == {"10.0.2.1": PACKETS}, by_addr
        assert res["bytes"] == 2 << 20
        assert reason_delta(before, after, "passConntrackNat") >= 100
        assert reason_delta(before, after, "fwdV4") == 0


def test_rules_added_and_removed_at_run_time(ct_lab):
    """Without rules the fast path forwards without looking conntrack up;
    a ruleset added at run time puts unreplied UDP on the kernel path
    within a second (passConntrack), removed it is back.  (A port of its
    own: the masquerade test's UDP entry, NATed, lives on for 30 s.)"""
    before = counters(ct_lab)
    assert received(udp(ct_lab, 4, RUNTIME_PORT)) == PACKETS
    after = counters(ct_lab)
    assert reason_delta(before, after, "fwdV4") >= PACKETS
    assert reason_delta(before, after, "passConntrack") == 0
    with nft_table(ct_lab, "inet", RULESET):
        time.sleep(NOTIFIED_S)
        before = counters(ct_lab)
        assert received(udp(ct_lab, 4, RUNTIME_PORT)) == PACKETS
        after = counters(ct_lab)
        assert reason_delta(before, after, "passConntrack") >= PACKETS
        assert reason_delta(before, after, "fwdV4") == 0
    time.sleep(NOTIFIED_S)
    before = counters(ct_lab)
    assert received(udp(ct_lab, 4, RUNTIME_PORT)) == PACKETS
    after = counters(ct_lab)
    assert reason_delta(before, after, "fwdV4") >= PACKETS


def test_xfrm_and_shaper_still_pass(ct_lab):
    """An IPsec policy and an htb root qdisc on the egress send the
    traffic concerned to the kernel in conntrack mode too, established
    or not: with the policy all IPv4, with the qdisc what leaves
    through to-s1."""
    sel = ["src", "10.0.1.0/24", "dst", "10.100.0.0/24", "dir", "fwd"]
    with ruleset(ct_lab):
        ct_lab.r.ip("xfrm", "policy", "add", *sel, "action", "allow")
        try:
            time.sleep(NOTIFIED_S)
            assert firewall(ct_lab)["ipv4"]["verdict"] == "kernel"
            before = counters(ct_lab)
            lablib.tcp_transfer(ct_lab, ct_lab.c, ct_lab.s1,
                                FAMILY[4]["target"], 1 << 20,
                                port=TCP_PORT + 20)
            after = counters(ct_lab)
            assert reason_delta(before, after, "passFirewall") >= 100
            assert reason_delta(before, after, "fwdV4") == 0
        finally:
            ct_lab.r.ip("xfrm", "policy", "delete", *sel, check=False)
        ct_lab.r.run("tc", "qdisc", "add", "dev", "to-s1", "root",
                     "handle", "1:", "htb")
        try:
            time.sleep(NOTIFIED_S)
            before = counters(ct_lab)
            lablib.tcp_transfer(ct_lab, ct_lab.c, ct_lab.s1,
                                FAMILY[4]["target"], 1 << 20,
                                port=TCP_PORT + 21)
            after = counters(ct_lab)
            assert reason_delta(before, after, "passTc") >= 100
            # (the ACKs back to C leave through to-c: no qdisc there)
            tx = [c["interfaces"]["to-s1"]["txFwdPackets"]
                  for c in (before, after)]
            assert tx[1] == tx[0]
        finally:
            ct_lab.r.run("tc", "qdisc", "del", "dev", "to-s1", "root",
                         check=False)
