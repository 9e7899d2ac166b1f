"""Plugin-independent checks of the lab itself, with zebra WITHOUT -M.

These run first.  They prove the harness works (namespaces, daemons, both
vty clients, traffic tools) and that every probe used by the xdpfwd tests
can fail: with the kernel alone, ForwDatagrams grows with the transfer and
no route is "offloaded".
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import lablib
from lablib import FAMILY, R_IF


@pytest.fixture(scope="module")
def kernel_lab(xdpfwd_vtysh):
    """The full topology, kernel forwarding only (zebra without -M)."""
    with lablib.lab_topology("kernel", vtysh_client=xdpfwd_vtysh) as topo:
        lablib.warm_up(topo)
        yield topo


def test_lab_teardown_removes_exactly_what_it_created():
    """close() kills the daemons and processes it started and deletes its
    namespaces, and leaves an unrelated namespace of similar name alone."""
    bystander = f"{lablib.NAME_PREFIX}-bystander-{lablib.os.getpid()}"
    lablib.run(["ip", "netns", "add", bystander])
    try:
        lab = lablib.Lab("teardown")
        a, b = lab.add_netns("a"), lab.add_netns("b")
        assert str(lablib.os.getpid()) in a.name and a.name != b.name
        lab.add_veth(a, "x0", b, "y0")
        sleeper = lab.popen(a, "sleep", "600")
        frr = lab.add_frr(a, None)
        zebra = frr.start("zebra")
        zebra_pid = zebra.pid()
        assert zebra_pid and zebra.running()
        lab.close()

        assert not lablib.netns_exists(a.name)
        assert not lablib.netns_exists(b.name)
        assert sleeper.poll() is not None
        assert not zebra.is_ours(zebra_pid)
        assert not lab.dir.exists()
        assert lablib.netns_exists(bystander)
    finally:
        lablib.run(["ip", "netns", "del", bystander], check=False)


def test_daemons_answer_on_vty_sockets(kernel_lab):
    """zebra and staticd run in R, answer on their vty sockets, and staticd
    is connected to zebra's zserv socket."""
    for daemon in ("zebra", "staticd"):
        assert kernel_lab.frr.daemons[daemon].running()
        assert lablib.vty_probe(kernel_lab.frr.dir / f"{daemon}.vty")
    clients = kernel_lab.frr.vtysh("show zebra client summary",
                                   daemon="zebra").stdout
    assert "static" in clients


def test_static_routes_typed_in_vtysh_reach_kernel(kernel_lab):
    """The routes typed through stock vtysh are in staticd's config and in
    R's kernel FIB, the ECMP ones with two paths."""
    config = kernel_lab.frr.vtysh("show running-config").stdout
    for line in lablib.STATIC_ROUTES:
        assert line in config
    for prefix, paths in ((lablib.ROUTE_V4, 1), (lablib.ECMP_V4, 2),
                          (lablib.ROUTE_V6, 1), (lablib.ECMP_V6, 2)):
        route = lablib.kernel_route(kernel_lab.r, prefix)
        assert route is not None, prefix
        assert route["protocol"] == "static"
        assert lablib.route_path_count(kernel_lab.r, route) == paths


def test_xdpfwd_vtysh_runs_builtin_commands(kernel_lab):
    """The xdpfwd-vtysh client runs a show command on zebra's vty socket
    and prints its output."""
    res = kernel_lab.frr.xdpfwd("show interface brief")
    for ifname in R_IF.values():
        assert ifname in res.stdout


def test_xdpfwd_vtysh_keeps_the_node_across_commands(kernel_lab):
    """-c "configure terminal" -c "interface X" -c CMD works in one call
    (the client enables and keeps one session); the change shows in stock
    vtysh's running-config; without "configure terminal" the same
    interface command fails with a non-zero exit and the status."""
    frr = kernel_lab.frr
    frr.xdpfwd("configure terminal", "interface to-s2",
               "description xdpfwd-lab-marker")
    try:
        config = frr.vtysh("show running-config").stdout
        assert "interface to-s2\n description xdpfwd-lab-marker" in config
    finally:
        frr.xdpfwd("configure terminal", "interface to-s2", "no description")
    assert "xdpfwd-lab-marker" not in frr.vtysh("show running-config").stdout

    res = frr.xdpfwd("interface to-s2", check=False)
    assert res.returncode == 1
    assert "CMD_ERR_NO_MATCH" in res.stderr


def test_xdpfwd_vtysh_reports_failure_and_stops(kernel_lab):
    """An unknown command makes the client exit 1 and print the status;
    the commands after it are not run."""
    res = kernel_lab.frr.xdpfwd("show no-such-thing", "show version",
                                check=False)
    assert res.returncode == 1
    assert "returned 2 (CMD_ERR_NO_MATCH)" in res.stderr
    assert "FRRouting" not in res.stdout


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_path_reaches_targets(kernel_lab, family):
    """C reaches S1's route target and the anycast address through R."""
    for dst in (FAMILY[family]["target"], FAMILY[family]["anycast"]):
        res = kernel_lab.c.ping(dst, count=2)
        assert res.returncode == 0, res.stdout


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_only_forwarding_counter_grows(kernel_lab, family):
    """Sanity for the fast-path check: with the kernel alone the same TCP
    transfer raises R's ForwDatagrams / Ip6OutForwDatagrams by at least the
    packets it needed, so a counter that stays flat means a bypass."""
    before = kernel_lab.r.forwarded(family)
    result = lablib.tcp_transfer(kernel_lab, kernel_lab.c, kernel_lab.s1,
                                 FAMILY[family]["target"],
                                 lablib.TRANSFER_BYTES)
    grown = kernel_lab.r.forwarded(family) - before
    assert result["bytes"] == lablib.TRANSFER_BYTES
    assert grown >= lablib.data_packets_needed(lablib.TRANSFER_BYTES)


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_only_routes_are_not_offloaded(kernel_lab, family):
    """Without the plugin zebra marks no static route "offloaded": true, so
    the offload assertion of the xdpfwd tests can fail."""
    for prefix in (FAMILY[family]["route"], FAMILY[family]["ecmp"]):
        entries = lablib.zebra_route_entries(kernel_lab.frr, prefix)
        assert any(e["protocol"] == "static" and e.get("selected")
                   for e in entries)
        assert not lablib.static_route_offloaded(kernel_lab.frr, prefix)


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_ecmp_splits_flows(kernel_lab, family):
    """The ECMP probe works: with L4 multipath hashing, 200 UDP flows to the
    anycast address are split between S1 and S2 and no flow is split."""
    counts = lablib.ecmp_run(kernel_lab, FAMILY[family]["anycast"],
                             flows=200, packets=5)
    split = lablib.ecmp_split(counts)
    assert len(split["all_flows"]) == 200
    assert split["split_flows"] == []
    assert split["s1_flows"] >= 40 and split["s2_flows"] >= 40


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_ttl_one_gets_time_exceeded(kernel_lab, family):
    """The TTL probe recognises the router's ICMP time-exceeded."""
    res = kernel_lab.c.ping(FAMILY[family]["target"], count=1, ttl=1)
    assert lablib.icmp_from_router(res, family,
                                   lablib.TTL_EXCEEDED_TEXT[family]), res.stdout


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_over_mtu_gets_too_big(kernel_lab, family):
    """The MTU probe recognises fragmentation-needed / packet-too-big from
    the router after R's MTU towards S1 is lowered to 1400, and the same
    probe is forwarded again once the MTU is restored."""
    with lablib.lowered_mtu(kernel_lab, "to-s1", 1400):
        res = lablib.too_big_probe(kernel_lab, family, 1400)
        assert lablib.icmp_from_router(
            res, family, lablib.TOO_BIG_TEXT[family].format(mtu=1400)), \
            res.stdout
    res = kernel_lab.c.ping(FAMILY[family]["target"], count=1, size=1450,
                            dont_fragment=True)
    assert res.returncode == 0, res.stdout


@pytest.mark.parametrize("family", [4, 6])
def test_kernel_router_addresses_answer(kernel_lab, family):
    """R's own addresses on all three links answer C's pings."""
    for addr in lablib.ROUTER_ADDRS[family]:
        res = kernel_lab.c.ping(addr, count=1)
        assert res.returncode == 0, res.stdout


def test_labtraffic_script_runs_under_this_python():
    """The traffic helper imports and parses arguments with the Python that
    runs the tests (it is executed inside the namespaces)."""
    res = subprocess.run([sys.executable, str(lablib.TRAFFIC_SCRIPT),
                          "--help"], capture_output=True, text=True)
    assert res.returncode == 0
    assert "tcp-send" in res.stdout
