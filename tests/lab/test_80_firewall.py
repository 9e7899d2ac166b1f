"""The firewall-aware fast path in the lab (README "Firewalls").

R runs zebra -M xdpfwd with its three interfaces enabled.  Rules are
added in R's namespace with Debian's nft, iptables-legacy, iptables-nft,
ip xfrm and tc, and removed by each test (the lab deletes the namespace
anyway); nothing touches the host's namespace.

In the default mode (`xdpfwd firewall pass`) a family's routed traffic
goes to the kernel while a firewall, NAT or IPsec rule could act on it:
a forward-chain drop rule is honoured (nothing arrives, the rule's
counter grows, passFirewall grows, fwdV4 does not).  `xdpfwd firewall
bypass` forwards in XDP anyway and says so.  xfrm policies and a qdisc
on the egress send the traffic to the kernel in every mode.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import time
from contextlib import contextmanager

import pytest

import lablib
from lablib import FAMILY

TABLE = "xdpfwdtest"
DROP_PORT = 7777
OPEN_PORT = 7778
PACKETS = 40
# nftables, xfrm and tc notify: the fast path follows within a second;
# x_tables is polled each second (and then scanned)
NOTIFIED_S = 1.0
POLLED_S = 3.0
SRC = {4: "10.0.1.2", 6: "fd00:1::2"}


@pytest.fixture(scope="module")
def fw_lab(xdpfwd_module, xdpfwd_vtysh):
    with lablib.lab_topology("fw", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=True) as topo:
        lablib.wait_fast_path(topo)
        lablib.warm_up(topo)
        yield topo


def firewall(topo) -> dict:
    return topo.frr.xdpfwd_json("show xdpfwd json")["firewall"]


def counters(topo) -> dict:
    return lablib.xdpfwd_counters(topo.frr)


def reason_delta(before: dict, after: dict, name: str) -> int:
    return (lablib.reason_packets(after, name)
            - lablib.reason_packets(before, name))


def wait_verdict(topo, key: str, verdict: str, timeout: float) -> None:
    """`show xdpfwd json` gives `verdict` for firewall[key] within
    timeout seconds."""
    lablib.wait_until(lambda: firewall(topo)[key]["verdict"] == verdict,
                      timeout, interval=0.1,
                      what=f"firewall {key} verdict {verdict}")


def nft(topo, script: str) -> None:
    topo.r.run("nft", "-f", "-", input=script)


def rule_counter(topo, family: str, chain: str) -> int:
    """Packets counted by the rules of chain in our table."""
    out = topo.r.run("nft", "list", "chain", family, TABLE, chain).stdout
    return sum(int(n) for n in re.findall(r"counter packets (\d+)", out))


def drop_table(family: str, hook: str = "forward") -> str:
    return (f"table {family} {TABLE} {{\n"
            f" chain c {{\n"
            f"  type filter hook {hook} priority 0; policy accept;\n"
            f"  udp dport {DROP_PORT} counter drop\n"
            f" }}\n"
            f"}}\n")


@contextmanager
def nft_table(topo, family: str, script: str):
    nft(topo, script)
    try:
        yield
    finally:
        topo.r.run("nft", "delete", "table", family, TABLE, check=False)


def udp(topo, family: int, port: int, packets: int = PACKETS,
        by_addr: bool = False) -> dict:
    """packets UDP datagrams C -> S1's target:port; what S1 received, by
    source port (or source address)."""
    dst = FAMILY[family]["target"]
    args = [sys.executable, str(lablib.TRAFFIC_SCRIPT), "sink", "--addr",
            dst, "--port", str(port)]
    if by_addr:
        args.append("--by-source-addr")
    sink = topo.lab.popen(topo.s1, *args, stdout=lablib.subprocess.PIPE,
                          text=True)
    try:
        assert sink.stdout.readline().strip() == "ready"
        lablib.send_udp_flows(topo.c, SRC[family], dst, port, 1, packets)
        time.sleep(0.5)
    finally:
        sink.send_signal(signal.SIGTERM)
        out, _ = sink.communicate(timeout=10)
    return json.loads(out)


def received(counts: dict) -> int:
    return sum(counts.values())


@contextmanager
def bypass_mode(topo):
    topo.frr.xdpfwd("configure terminal", "xdpfwd firewall bypass")
    try:
        yield
    finally:
        topo.frr.xdpfwd("configure terminal", "no xdpfwd firewall bypass")


def test_no_firewall_takes_the_fast_path(fw_lab):
    """Without rules: mode pass, every verdict fastPath, UDP forwarded in
    XDP (fwdV4 grows by every datagram, passFirewall does not)."""
    fw = firewall(fw_lab)
    assert fw["mode"] == "pass" and fw["bypassed"] is False
    for key in ("ipv4", "ipv6", "bridge"):
        assert fw[key]["verdict"] == "fastPath", fw
    before = counters(fw_lab)
    got = received(udp(fw_lab, 4, OPEN_PORT))
    after = counters(fw_lab)
    assert got == PACKETS
    assert reason_delta(before, after, "fwdV4") >= PACKETS
    assert reason_delta(before, after, "passFirewall") == 0


@pytest.mark.parametrize("nft_family", ["inet", "ip"])
def test_forward_drop_rule_is_honoured(fw_lab, nft_family):
    """A forward-chain drop rule added at run time: within a second the
    dropped flow no longer arrives, the rule's counter grows by every
    datagram, passFirewall grows and fwdV4 does not; another port still
    arrives (through the kernel).  IPv6 meets the rule only in inet.
    Removed, the fast path is back within a second."""
    with nft_table(fw_lab, nft_family, drop_table(nft_family)):
        time.sleep(NOTIFIED_S)
        fw = firewall(fw_lab)
        assert fw["ipv4"]["verdict"] == "kernel", fw
        assert fw["ipv4"]["nftablesChains"] == 1
        assert fw["ipv6"]["verdict"] == (
            "kernel" if nft_family == "inet" else "fastPath"), fw
        before = counters(fw_lab)
        dropped = received(udp(fw_lab, 4, DROP_PORT))
        passed = received(udp(fw_lab, 4, OPEN_PORT))
        after = counters(fw_lab)
        assert dropped == 0
        assert passed == PACKETS
        assert rule_counter(fw_lab, nft_family, "c") == PACKETS
        assert reason_delta(before, after, "passFirewall") >= 2 * PACKETS
        assert reason_delta(before, after, "fwdV4") == 0
        # IPv6: through the rule (inet) or the fast path (ip)
        before = counters(fw_lab)
        got6 = received(udp(fw_lab, 6, DROP_PORT))
        after = counters(fw_lab)
        if nft_family == "inet":
            assert got6 == 0
            assert reason_delta(before, after, "fwdV6") == 0
        else:
            assert got6 == PACKETS
            assert reason_delta(before, after, "fwdV6") >= PACKETS
    time.sleep(NOTIFIED_S)
    before = counters(fw_lab)
    got = received(udp(fw_lab, 4, DROP_PORT))
    after = counters(fw_lab)
    assert got == PACKETS
    assert reason_delta(before, after, "fwdV4") >= PACKETS
    assert firewall(fw_lab)["ipv4"]["verdict"] == "fastPath"


def test_input_chain_and_empty_forward_chain_do_not_count(fw_lab):
    """Chains that cannot act on forwarded packets (an input chain with
    rules, an accept forward chain without rules) leave the fast path on."""
    script = (f"table inet {TABLE} {{\n"
              f" chain i {{\n"
              f"  type filter hook input priority 0; policy accept;\n"
              f"  udp dport {DROP_PORT} counter drop\n"
              f" }}\n"
              f" chain f {{\n"
              f"  type filter hook forward priority 0; policy accept;\n"
              f" }}\n"
              f"}}\n")
    with nft_table(fw_lab, "inet", script):
        time.sleep(NOTIFIED_S)
        assert firewall(fw_lab)["ipv4"]["verdict"] == "fastPath"
        before = counters(fw_lab)
        got = received(udp(fw_lab, 4, DROP_PORT))
        after = counters(fw_lab)
        assert got == PACKETS
        assert reason_delta(before, after, "fwdV4") >= PACKETS


@pytest.mark.parametrize("tool", ["iptables-legacy", "iptables-nft"])
def test_iptables_rules_are_detected(fw_lab, tool):
    """An iptables FORWARD drop rule (x_tables, polled; or iptables-nft,
    seen as nftables): the flow is dropped by the kernel, passFirewall
    grows, fwdV4 does not.  Deleted: the fast path is back."""
    rule = ["FORWARD", "-p", "udp", "--dport", str(DROP_PORT), "-j", "DROP"]
    fw_lab.r.run(tool, "-A", *rule)
    try:
        wait_verdict(fw_lab, "ipv4", "kernel",
                     POLLED_S if tool == "iptables-legacy" else NOTIFIED_S)
        fw = firewall(fw_lab)
        if tool == "iptables-legacy":
            assert fw["ipv4"]["xtablesRules"] == 1, fw
        else:
            assert fw["ipv4"]["nftablesChains"] == 1, fw
        before = counters(fw_lab)
        got = received(udp(fw_lab, 4, DROP_PORT))
        after = counters(fw_lab)
        assert got == 0
        assert reason_delta(before, after, "passFirewall") >= PACKETS
        assert reason_delta(before, after, "fwdV4") == 0
    finally:
        fw_lab.r.run(tool, "-D", *rule, check=False)
    wait_verdict(fw_lab, "ipv4", "fastPath",
                 POLLED_S if tool == "iptables-legacy" else NOTIFIED_S)


def test_masquerade_leaves_natted(fw_lab):
    """A MASQUERADE rule on the egress to S1: the datagrams arrive with
    R's address on that link as their source, through the kernel."""
    script = (f"table ip {TABLE} {{\n"
              f" chain post {{\n"
              f"  type nat hook postrouting priority 100; policy accept;\n"
              f"  oifname \"to-s1\" counter masquerade\n"
              f" }}\n"
              f"}}\n")
    with nft_table(fw_lab, "ip", script):
        time.sleep(NOTIFIED_S)
        before = counters(fw_lab)
        by_addr = udp(fw_lab, 4, OPEN_PORT, by_addr=True)
        after = counters(fw_lab)
        assert by_addr == {"10.0.2.1": PACKETS}, by_addr
        assert reason_delta(before, after, "passFirewall") >= PACKETS
        assert reason_delta(before, after, "fwdV4") == 0
    time.sleep(NOTIFIED_S)
    assert udp(fw_lab, 4, OPEN_PORT, by_addr=True) == {SRC[4]: PACKETS}


@pytest.mark.parametrize("mode", ["pass", "bypass"])
def test_xfrm_policy_sends_traffic_to_the_kernel_in_every_mode(fw_lab, mode):
    """An IPsec policy (ip xfrm policy, no daemon, no state) for IPv4: the
    family's routed traffic is the kernel's in both modes (it arrives,
    passFirewall grows, fwdV4 does not); IPv6 keeps the fast path."""
    sel = ["src", "10.0.1.0/24", "dst", "10.100.0.0/24", "dir", "fwd"]
    mode_cm = bypass_mode(fw_lab) if mode == "bypass" else nullcontext()
    with mode_cm:
        fw_lab.r.ip("xfrm", "policy", "add", *sel, "action", "allow")
        try:
            time.sleep(NOTIFIED_S)
            fw = firewall(fw_lab)
            assert fw["ipv4"]["xfrmPolicies"] == 1, fw
            assert fw["ipv4"]["verdict"] == "kernel", fw
            assert fw["ipv6"]["verdict"] == "fastPath", fw
            before = counters(fw_lab)
            got = received(udp(fw_lab, 4, OPEN_PORT))
            got6 = received(udp(fw_lab, 6, OPEN_PORT))
            after = counters(fw_lab)
            assert got == PACKETS and got6 == PACKETS
            assert reason_delta(before, after, "passFirewall") >= PACKETS
            assert reason_delta(before, after, "fwdV4") == 0
            assert reason_delta(before, after, "fwdV6") >= PACKETS
        finally:
            fw_lab.r.ip("xfrm", "policy", "delete", *sel, check=False)
    time.sleep(NOTIFIED_S)
    assert firewall(fw_lab)["ipv4"]["verdict"] == "fastPath"


@pytest.mark.parametrize("mode", ["pass", "bypass"])
def test_shaper_on_the_egress_in_every_mode(fw_lab, mode):
    """An htb root qdisc on R's link to S1: traffic out of it goes to the
    kernel in both modes (passTc grows, the qdisc sends every datagram),
    and `show xdpfwd json` names it on to-s1."""
    mode_cm = bypass_mode(fw_lab) if mode == "bypass" else nullcontext()
    with mode_cm:
        fw_lab.r.run("tc", "qdisc", "add", "dev", "to-s1", "root", "handle",
                     "1:", "htb")
        try:
            time.sleep(NOTIFIED_S)
            fw = firewall(fw_lab)
            tc = {i["name"]: i["tc"] for i in fw["interfaces"]}
            assert tc["to-s1"] == "egress", fw
            sent = lablib.qdisc_sent_packets(fw_lab.r, "to-s1")
            before = counters(fw_lab)
            got = received(udp(fw_lab, 4, OPEN_PORT))
            after = counters(fw_lab)
            assert got == PACKETS
            assert reason_delta(before, after, "passTc") >= PACKETS
            assert reason_delta(before, after, "fwdV4") == 0
            assert (lablib.qdisc_sent_packets(fw_lab.r, "to-s1") - sent
                    >= PACKETS)
        finally:
            fw_lab.r.run("tc", "qdisc", "del", "dev", "to-s1", "root",
                         check=False)
    time.sleep(NOTIFIED_S)
    before = counters(fw_lab)
    assert received(udp(fw_lab, 4, OPEN_PORT)) == PACKETS
    assert reason_delta(before, counters(fw_lab), "fwdV4") >= PACKETS


TCX_SCRIPT = lablib.LAB_DIR / "tcxlink.py"


def fw_tc(topo, ifname: str) -> str | None:
    """What `show xdpfwd json` says of tc on ifname."""
    for i in firewall(topo)["interfaces"]:
        if i["name"] == ifname:
            return i["tc"]
    return None


@pytest.mark.parametrize("ifname,direction", [("to-c", "ingress"),
                                              ("to-s1", "egress")])
def test_tcx_program_sends_traffic_to_the_kernel(fw_lab, ifname, direction):
    """A tc program attached through a tcx link (no qdisc, no
    notification) on R's ingress from C or its egress to S1: within the
    poll period the traffic concerned goes to the kernel (passTc grows by
    every datagram, fwdV4 does not), `show xdpfwd json` names it, and it
    is forwarded in XDP again once the link is detached."""
    proc = fw_lab.lab.popen(fw_lab.r, sys.executable, str(TCX_SCRIPT),
                            ifname, direction, stdin=lablib.subprocess.PIPE,
                            stdout=lablib.subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "attached"
        lablib.wait_until(lambda: fw_tc(fw_lab, ifname) == direction,
                          POLLED_S, interval=0.1,
                          what=f"tcx on {ifname} {direction} detected")
        before = counters(fw_lab)
        got = received(udp(fw_lab, 4, OPEN_PORT))
        after = counters(fw_lab)
        assert got == PACKETS
        assert reason_delta(before, after, "passTc") >= PACKETS
        assert reason_delta(before, after, "fwdV4") == 0
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    lablib.wait_until(lambda: fw_tc(fw_lab, ifname) == "-", POLLED_S,
                      interval=0.1, what=f"tcx on {ifname} gone")
    before = counters(fw_lab)
    assert received(udp(fw_lab, 4, OPEN_PORT)) == PACKETS
    after = counters(fw_lab)
    assert reason_delta(before, after, "fwdV4") >= PACKETS
    assert reason_delta(before, after, "passTc") == 0


def test_bypass_mode_forwards_and_says_so(fw_lab):
    """`xdpfwd firewall bypass`: with the drop rule in place the flow is
    forwarded in XDP (it arrives, fwdV4 grows, the rule's counter stays
    0); `show xdpfwd` and the log say the firewall is bypassed; the
    running-config carries the line, and `no` takes it away."""
    with bypass_mode(fw_lab), \
            nft_table(fw_lab, "inet", drop_table("inet")):
        time.sleep(NOTIFIED_S)
        fw = firewall(fw_lab)
        assert fw["mode"] == "bypass" and fw["bypassed"] is True, fw
        assert fw["ipv4"]["verdict"] == "bypassed"
        text = fw_lab.frr.xdpfwd("show xdpfwd").stdout
        assert "FIREWALL BYPASSED" in text, text
        before = counters(fw_lab)
        got = received(udp(fw_lab, 4, DROP_PORT))
        after = counters(fw_lab)
        assert got == PACKETS
        assert reason_delta(before, after, "fwdV4") >= PACKETS
        assert reason_delta(before, after, "passFirewall") == 0
        assert rule_counter(fw_lab, "inet", "c") == 0
        config = fw_lab.frr.xdpfwd("show running-config").stdout
        assert "\nxdpfwd firewall bypass\n" in config, config
        assert "FIREWALL BYPASSED" in fw_lab.frr.logs("zebra")
    config = fw_lab.frr.xdpfwd("show running-config").stdout
    assert "xdpfwd firewall" not in config
    assert firewall(fw_lab)["mode"] == "pass"


class nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
