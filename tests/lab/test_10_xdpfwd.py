"""The xdpfwd fast path in the lab: zebra -M xdpfwd, enabled in zebra.conf.

R runs zebra with the plugin and `interface X` / ` xdpfwd` for its three
interfaces in the zebra.conf given with -f; the static routes are typed
through stock vtysh.  The module's commands run through xdpfwd-vtysh.

If the module file is missing every test here fails (never skips): see
the xdpfwd_module fixture in conftest.py.
"""

from __future__ import annotations

import json
import time

import pytest

import lablib
from lablib import FAMILY, KERNEL_SLACK, R_IF

ENABLED = set(R_IF.values())


def wait_fast_path_ready(topo: lablib.Topology, timeout: float = 20) -> None:
    """Best effort: interfaces attached and static routes offloaded.  The
    tests assert each of these; waiting here only avoids racing the start."""
    def ready():
        try:
            status = topo.frr.xdpfwd_json("show xdpfwd json")
            attached = {i["name"] for i in status.get("interfaces", [])
                        if i.get("attached")}
            return ENABLED <= attached and all(
                lablib.static_route_offloaded(topo.frr, p)
                for p in (lablib.ROUTE_V4, lablib.ECMP_V4,
                          lablib.ROUTE_V6, lablib.ECMP_V6))
        except (lablib.LabError, json.JSONDecodeError, KeyError, TypeError):
            return False

    try:
        lablib.wait_until(ready, timeout, interval=0.5, what="fast path")
    except lablib.LabError:
        pass


@pytest.fixture(scope="module")
def xdp_lab(xdpfwd_module, xdpfwd_vtysh):
    """The topology with zebra -M <module> and xdpfwd in zebra.conf."""
    with lablib.lab_topology("xdpfwd", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=True) as topo:
        wait_fast_path_ready(topo)
        lablib.warm_up(topo)
        yield topo


class Snapshot:
    """Kernel forwarding counters and xdpfwd counters at one instant."""

    def __init__(self, topo: lablib.Topology):
        self.kernel = {4: topo.r.forwarded(4), 6: topo.r.forwarded(6)}
        self.xdp = lablib.xdpfwd_counters(topo.frr)

    def reason(self, name: str) -> int:
        return lablib.reason_packets(self.xdp, name)

    def iface(self, ifname: str, key: str) -> int:
        return int(self.xdp["interfaces"][ifname][key])


class Delta:
    """What changed between two snapshots."""

    def __init__(self, before: Snapshot, after: Snapshot):
        self.before, self.after = before, after

    def kernel(self, family: int) -> int:
        return self.after.kernel[family] - self.before.kernel[family]

    def reason(self, name: str) -> int:
        return self.after.reason(name) - self.before.reason(name)

    def fwd(self, family: int) -> int:
        return self.reason(FAMILY[family]["fwd"])

    def iface(self, ifname: str, key: str) -> int:
        return self.after.iface(ifname, key) - self.before.iface(ifname, key)


def measure(topo, action):
    """Run action() between two snapshots; return (result, Delta)."""
    before = Snapshot(topo)
    result = action()
    return result, Delta(before, Snapshot(topo))


def test_module_file_is_found():
    """The module under test exists: this test FAILS (the others error at
    setup) when it is missing, never skips."""
    message = lablib.module_missing_message(lablib.xdpfwd_module_spec())
    if message:
        pytest.fail(message, pytrace=False)


def test_status_lists_enabled_interfaces_attached(xdp_lab):
    """`show xdpfwd json`: running, the three interfaces from zebra.conf
    attached (native or generic) with R's ifindexes, and the kernel shows
    an XDP program on each."""
    status = xdp_lab.frr.xdpfwd_json("show xdpfwd json")
    assert status["status"] == "running"
    by_name = {i["name"]: i for i in status["interfaces"]}
    assert set(by_name) == ENABLED
    for ifname, entry in by_name.items():
        assert entry["attached"] is True
        assert entry["mode"] in ("native", "generic")
        assert entry["ifindex"] == xdp_lab.r.ifindex(ifname)
        # the kernel agrees: an XDP program is attached to the interface
        assert "xdp" in xdp_lab.r.link(ifname), ifname


def test_running_config_writes_xdpfwd_back(xdp_lab):
    """zebra's running-config carries ` xdpfwd` under each enabled
    interface (FRR's interface idiom, written back by the module)."""
    config = xdp_lab.frr.xdpfwd("show running-config").stdout
    for ifname in ENABLED:
        block = config.split(f"interface {ifname}\n", 1)
        assert len(block) == 2, f"no interface {ifname} block"
        assert " xdpfwd\n" in block[1].split("exit", 1)[0]


def test_maps_hold_routes_groups_and_adjacencies(xdp_lab):
    """The map summary counts at least our IPv4 and IPv6 routes, a single
    and an ECMP nexthop group, and the adjacencies to S1 and S2."""
    maps = xdp_lab.frr.xdpfwd_json("show xdpfwd json")["maps"]
    assert maps["fib4Routes"] >= 2
    assert maps["fib6Routes"] >= 2
    assert maps["nexthopGroups"] >= 2
    assert maps["adjacencies"] >= 2
    assert maps["neighbors"] >= 2


@pytest.mark.parametrize("family", [4, 6])
def test_static_routes_offloaded_in_zebra(xdp_lab, family):
    """Stock vtysh `show ip[v6] route json` marks the static routes, single
    and ECMP, "offloaded": true."""
    for prefix in (FAMILY[family]["route"], FAMILY[family]["ecmp"]):
        assert lablib.static_route_offloaded(xdp_lab.frr, prefix), \
            lablib.zebra_route_entries(xdp_lab.frr, prefix)


@pytest.mark.parametrize("family", [4, 6])
def test_xdpfwd_routes_table(xdp_lab, family):
    """`show xdpfwd routes json` lists both static routes as offloaded
    forward routes, the ECMP one in a different nexthop group; with a
    PREFIX argument it lists just that route."""
    routes = {r["prefix"]: r for r in
              xdp_lab.frr.xdpfwd_json("show xdpfwd routes json")["routes"]}
    single = routes[FAMILY[family]["route"]]
    ecmp = routes[FAMILY[family]["ecmp"]]
    for route in (single, ecmp):
        assert route["type"] == "forward"
        assert route["offloaded"] is True
        assert isinstance(route["nhgId"], int)
    assert single["nhgId"] != ecmp["nhgId"]

    prefix = FAMILY[family]["route"]
    only = xdp_lab.frr.xdpfwd_json(f"show xdpfwd routes {prefix} json")
    assert [r["prefix"] for r in only["routes"]] == [prefix]


def test_nexthops_and_neighbors_show_json(xdp_lab):
    """`show xdpfwd nexthops json` and `show xdpfwd neighbors json` print
    JSON; after the warm-up the neighbour table knows S1's and S2's
    addresses on R's links."""
    assert isinstance(xdp_lab.frr.xdpfwd_json("show xdpfwd nexthops json"),
                      (dict, list))
    neighbors = xdp_lab.frr.xdpfwd_json("show xdpfwd neighbors json")
    text = json.dumps(neighbors)
    for addr in ("10.0.2.2", "10.0.3.2", "fd00:2::2", "fd00:3::2"):
        assert addr in text


@pytest.mark.parametrize("family", [4, 6])
def test_ping_uses_fast_path(xdp_lab, family):
    """Pings C -> S1's target succeed; xdpfwd forwards request and reply
    (fwdV4/fwdV6 grow by 2 per ping) while the kernel does not."""
    count = 5
    res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(
        FAMILY[family]["target"], count=count))
    assert res.returncode == 0, res.stdout
    assert delta.fwd(family) >= 2 * count
    assert delta.kernel(family) <= KERNEL_SLACK


@pytest.mark.parametrize("family", [4, 6])
def test_tcp_transfer_bypasses_kernel_forwarding(xdp_lab, family):
    """A 20 MB TCP transfer C -> S1 completes; R's kernel forwarding
    counter stays flat (<= KERNEL_SLACK, see lablib) while xdpfwd's
    fwdV4/fwdV6 and the per-interface counters of R's C- and S1-facing
    interfaces grow by at least the data packets the transfer needed."""
    target = FAMILY[family]["target"]
    warm = xdp_lab.c.ping(target, count=2)
    assert warm.returncode == 0, warm.stdout
    needed = lablib.data_packets_needed(lablib.TRANSFER_BYTES)

    result, delta = measure(xdp_lab, lambda: lablib.tcp_transfer(
        xdp_lab, xdp_lab.c, xdp_lab.s1, target, lablib.TRANSFER_BYTES))

    assert result["bytes"] == lablib.TRANSFER_BYTES
    assert delta.kernel(family) <= KERNEL_SLACK, \
        f"kernel forwarded {delta.kernel(family)} packets"
    assert delta.fwd(family) >= needed
    assert delta.iface("to-c", "rxFwdPackets") >= needed
    assert delta.iface("to-c", "rxFwdBytes") >= lablib.TRANSFER_BYTES
    assert delta.iface("to-s1", "txFwdPackets") >= needed
    assert delta.iface("to-s1", "txFwdBytes") >= lablib.TRANSFER_BYTES
    # the ACKs come back S1 -> C through the fast path too
    assert delta.iface("to-s1", "rxFwdPackets") > 0
    assert delta.iface("to-c", "txFwdPackets") > 0


@pytest.mark.parametrize("family", [4, 6])
def test_ecmp_splits_flows_between_servers(xdp_lab, family):
    """200 UDP flows (distinct source ports) to the anycast address are
    split between S1 and S2 (each gets at least 20%), every packet arrives,
    no flow is split, and xdpfwd forwarded them instead of the kernel."""
    flows, packets = 200, 5
    counts, delta = measure(xdp_lab, lambda: lablib.ecmp_run(
        xdp_lab, FAMILY[family]["anycast"], flows=flows, packets=packets))
    split = lablib.ecmp_split(counts)
    assert len(split["all_flows"]) == flows
    assert split["s1_packets"] + split["s2_packets"] == flows * packets
    assert split["split_flows"] == []
    assert split["s1_flows"] >= flows // 5, split
    assert split["s2_flows"] >= flows // 5, split
    assert delta.fwd(family) >= flows * packets
    assert delta.kernel(family) <= KERNEL_SLACK


@pytest.mark.parametrize("family", [4, 6])
def test_each_flow_sticks_to_one_server(xdp_lab, family):
    """Every packet of one flow (same 5-tuple) lands on the same server:
    5 flows of 100 packets each, each flow entirely at S1 or at S2."""
    counts = lablib.ecmp_run(xdp_lab, FAMILY[family]["anycast"], flows=5,
                             packets=100, sport_base=31000)
    for sport in range(31000, 31005):
        at_s1 = counts["s1"].get(sport, 0)
        at_s2 = counts["s2"].get(sport, 0)
        assert sorted((at_s1, at_s2)) == [0, 100], (sport, at_s1, at_s2)


@pytest.mark.parametrize("family", [4, 6])
def test_ttl_one_gets_time_exceeded_from_router(xdp_lab, family):
    """A TTL/hop-limit 1 probe is not forwarded: the router answers with
    ICMP time exceeded (the XDP program passes it, counted as passTtl)."""
    res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(
        FAMILY[family]["target"], count=3, ttl=1))
    assert lablib.icmp_from_router(res, family,
                                   lablib.TTL_EXCEEDED_TEXT[family]), res.stdout
    assert delta.reason("passTtl") >= 3
    assert delta.fwd(family) == 0


@pytest.mark.parametrize("family", [4, 6])
def test_over_mtu_packet_gets_too_big_from_router(xdp_lab, family):
    """With R's MTU towards S1 at 1400, a 1478/1498-byte DF packet gets
    fragmentation-needed / packet-too-big (mtu 1400) from the router, the
    XDP program having passed it (passMtu); at 1500 again it is forwarded
    by the fast path."""
    with lablib.lowered_mtu(xdp_lab, "to-s1", 1400):
        res, delta = measure(xdp_lab, lambda: lablib.too_big_probe(
            xdp_lab, family, 1400))
        assert lablib.icmp_from_router(
            res, family, lablib.TOO_BIG_TEXT[family].format(mtu=1400)), \
            res.stdout
        assert delta.reason("passMtu") >= 1

    def big_ping():
        return xdp_lab.c.ping(FAMILY[family]["target"], count=1, size=1450,
                              dont_fragment=True)

    # the plugin learns the MTU change from netlink: allow it a moment
    deadline = time.monotonic() + 5
    while True:
        res, delta = measure(xdp_lab, big_ping)
        if delta.fwd(family) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert res.returncode == 0, res.stdout
    assert delta.fwd(family) >= 2


@pytest.mark.parametrize("family", [4, 6])
def test_router_addresses_answer(xdp_lab, family):
    """R's own addresses on all three links answer C's pings with XDP
    attached; traffic for the router itself is not forwarded."""
    addrs = lablib.ROUTER_ADDRS[family]

    def ping_all():
        return [xdp_lab.c.ping(a, count=2) for a in addrs]

    results, delta = measure(xdp_lab, ping_all)
    for addr, res in zip(addrs, results):
        assert res.returncode == 0, (addr, res.stdout)
    assert delta.fwd(family) == 0


@pytest.mark.parametrize("family", [4, 6])
def test_removing_one_ecmp_path_moves_all_flows(xdp_lab, family):
    """`no ip[v6] route <ecmp> via S2` in vtysh: all flows to the anycast
    address land on S1, still through the fast path; the path is
    restored afterwards."""
    fam = FAMILY[family]
    s2_via = "10.0.3.2" if family == 4 else "fd00:3::2"
    frr = xdp_lab.frr
    frr.configure(f"no {fam['ip']} route {fam['ecmp']} {s2_via}")
    try:
        lablib.wait_until(
            lambda: lablib.route_path_count(
                xdp_lab.r, lablib.kernel_route(xdp_lab.r, fam["ecmp"])) == 1,
            10, what="single-path ECMP route in the kernel")
        lablib.wait_until(
            lambda: lablib.static_route_offloaded(frr, fam["ecmp"]), 10,
            what="single-path route offloaded")
        counts, delta = measure(xdp_lab, lambda: lablib.ecmp_run(
            xdp_lab, fam["anycast"], flows=50, packets=2, sport_base=32000))
        split = lablib.ecmp_split(counts)
        assert split["s1_flows"] == 50 and split["s2_flows"] == 0, split
        assert delta.fwd(family) >= 100
    finally:
        frr.configure(f"{fam['ip']} route {fam['ecmp']} {s2_via}")
        lablib.wait_until(
            lambda: lablib.route_path_count(
                xdp_lab.r, lablib.kernel_route(xdp_lab.r, fam["ecmp"])) == 2,
            10, what="ECMP route restored in the kernel")


@pytest.mark.parametrize("family", [4, 6])
def test_removed_route_leaves_fast_path(xdp_lab, family):
    """`no ip[v6] route ...` in vtysh removes the route from `show xdpfwd
    routes json`; pings to it then fail (no route on R) and are not
    counted as forwarded by xdpfwd (passNoRoute instead).  Re-adding the
    route brings it back offloaded and forwarded."""
    fam = FAMILY[family]
    frr = xdp_lab.frr
    route_cmd = f"{fam['ip']} route {fam['route']} {fam['via_s1']}"
    frr.configure(f"no {route_cmd}")
    try:
        lablib.wait_until(
            lambda: fam["route"] not in lablib.xdpfwd_route_prefixes(frr),
            10, what=f"{fam['route']} to leave show xdpfwd routes")
        lablib.wait_until(
            lambda: lablib.kernel_route(xdp_lab.r, fam["route"]) is None, 10,
            what="kernel route removed")
        count = 5
        res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(
            fam["target"], count=count))
        assert res.returncode != 0, res.stdout
        assert delta.fwd(family) < count
        assert delta.reason("passNoRoute") >= count
    finally:
        frr.configure(route_cmd)
    lablib.wait_until(lambda: lablib.static_route_offloaded(frr, fam["route"]),
                      10, what="re-added route offloaded")
    assert fam["route"] in lablib.xdpfwd_route_prefixes(frr)
    res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(fam["target"],
                                                         count=3))
    assert res.returncode == 0, res.stdout
    assert delta.fwd(family) >= 6


@pytest.mark.parametrize("family", [4, 6])
def test_forwarding_off_leaves_traffic_to_the_kernel(xdp_lab, family):
    """Forwarding off where the kernel reads it (IPv4: the ingress's own
    net.ipv4.conf.IF.forwarding; IPv6: net.ipv6.conf.all.forwarding): the
    kernel stops routing and xdpfwd forwards nothing either, every packet
    counted passForwarding; back on, the fast path forwards again.  The
    change reaches the datapath by netconf notification, within a second."""
    key = ("net.ipv4.conf.to-c.forwarding" if family == 4
           else "net.ipv6.conf.all.forwarding")
    target = FAMILY[family]["target"]
    r = xdp_lab.r
    r.sysctl(key, 0)
    try:
        lablib.wait_until(
            lambda: measure(xdp_lab, lambda: xdp_lab.c.ping(
                target, count=1, wait=0.5))[1].reason("passForwarding"),
            5, interval=0.2, what="the setting in the datapath")
        res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(
            target, count=5, wait=1))
        assert res.returncode != 0, res.stdout
        assert delta.fwd(family) == 0
        assert delta.reason("passForwarding") >= 5
        assert delta.kernel(family) == 0  # the kernel does not route either
    finally:
        r.sysctl(key, 1)
    time.sleep(1)
    res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(target, count=5))
    assert res.returncode == 0, res.stdout
    assert delta.fwd(family) >= 2 * 5
    assert delta.reason("passForwarding") == 0


@pytest.mark.parametrize("family", [4, 6])
def test_policy_rule_leaves_its_family_to_the_kernel(xdp_lab, family):
    """A policy routing rule (`ip rule add from C's subnet table 100`, as
    pbrd or an IPsec daemon adds them): the kernel may look up another
    table than the main one, the only one the fast path has, so the
    family's routed traffic goes to the kernel (passPolicy; the kernel
    forwards it by its rules); deleted, the fast path forwards again."""
    ip = ["-4"] if family == 4 else ["-6"]
    src = "10.0.1.0/24" if family == 4 else "fd00:1::/64"
    target = FAMILY[family]["target"]
    r = xdp_lab.r
    r.ip(*ip, "rule", "add", "pref", "100", "from", src, "table", "100")
    try:
        lablib.wait_until(
            lambda: measure(xdp_lab, lambda: xdp_lab.c.ping(
                target, count=1, wait=0.5))[1].reason("passPolicy"),
            5, interval=0.2, what="the rule in the datapath")
        res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(
            target, count=5))
        assert res.returncode == 0, res.stdout  # table 100 is empty
        assert delta.fwd(family) == 0
        assert delta.reason("passPolicy") >= 5
        assert delta.kernel(family) >= 5
    finally:
        r.ip(*ip, "rule", "del", "pref", "100")
    time.sleep(1)
    res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(target, count=5))
    assert res.returncode == 0, res.stdout
    assert delta.fwd(family) >= 2 * 5
    assert delta.reason("passPolicy") == 0


def test_lower_ipv6_interface_mtu_gets_too_big_from_router(xdp_lab):
    """net.ipv6.conf.to-s1.mtu=1400 (router advertisements set it too),
    the link MTU staying 1500: a 1498-byte IPv6 packet gets packet-too-big
    (mtu 1400) from the router, XDP having passed it (passMtu); the sysctl
    sends no notification, the plugin reads it every second.  IPv4 keeps
    the link MTU.  Back at 1500, the fast path forwards it."""
    r = xdp_lab.r
    r.sysctl("net.ipv6.conf.to-s1.mtu", 1400)
    try:
        res, delta = measure(xdp_lab, lambda: lablib.too_big_probe(
            xdp_lab, 6, 1400))
        assert lablib.icmp_from_router(
            res, 6, lablib.TOO_BIG_TEXT[6].format(mtu=1400)), res.stdout
        assert delta.reason("passMtu") >= 1
        res, delta = measure(xdp_lab, lambda: xdp_lab.c.ping(
            FAMILY[4]["target"], count=1, size=1450, dont_fragment=True))
        assert res.returncode == 0 and delta.fwd(4) >= 2, res.stdout
    finally:
        r.sysctl("net.ipv6.conf.to-s1.mtu", 1500)
        xdp_lab.c.ip("-6", "route", "flush", "cache", check=False)

    def big_ping():
        return xdp_lab.c.ping(FAMILY[6]["target"], count=1, size=1450,
                              dont_fragment=True)

    deadline = time.monotonic() + 5
    while True:
        res, delta = measure(xdp_lab, big_ping)
        if delta.fwd(6) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert res.returncode == 0, res.stdout
    assert delta.fwd(6) >= 2


def test_packet_trace(xdp_lab):
    """`debug xdpfwd packet interface to-c count 5` traces exactly the next
    5 frames received on to-c: C's pings, forwarded in XDP (fwdV4) out of
    to-s1 with TTL 63, S1's MAC as destination and R's as source, as they
    left (and any IPv6 neighbour discovery C sends R meanwhile, passed);
    logged through zlog and listed by `show xdpfwd trace json`.  The
    replies (received on to-s1) are not traced."""
    topo = xdp_lab
    s1_mac = topo.s1.link(lablib.HOST_IF)["address"]
    r_mac = topo.r.link(R_IF["s1"])["address"]
    log = topo.frr.daemons["zebra"].log
    logged_before = log.read_text().count(f"xdpfwd: packet in {R_IF['c']} ")
    topo.frr.xdpfwd(f"debug xdpfwd packet interface {R_IF['c']} count 5")
    assert "xdpfwd packet debugging is on" in topo.frr.xdpfwd(
        "show debugging").stdout
    res = topo.c.ping(lablib.TARGET_V4, count=8, interval=0.05)
    assert res.returncode == 0, res.stdout
    lablib.wait_until(
        lambda: topo.frr.xdpfwd_json(
            "show xdpfwd trace json")["trace"]["armed"] == 0,
        5, what="the trace to complete")
    trace = topo.frr.xdpfwd_json("show xdpfwd trace json")["trace"]
    assert trace["traced"] >= 5
    last = trace["packets"][-5:]
    # C's own IPv6 neighbour discovery towards R (a NUD probe whenever its
    # entry goes stale) may fall among the 5: link-local, to the kernel
    pings = [p for p in last if p["dst"] == lablib.TARGET_V4]
    for p in last:
        assert p["ingress"] == R_IF["c"], p
        if p not in pings:
            assert p["action"] == "pass", p
            assert p["dst"].startswith(("fe80:", "ff02:")), p
    assert len(pings) >= 3, last
    for p in pings:
        assert p["egress"] == R_IF["s1"], p
        assert p["verdict"] == "fwdV4" and p["action"] == "redirect", p
        assert p["ttl"] == 63, p
        assert p["dstMac"] == s1_mac and p["srcMac"] == r_mac, p
    logged = log.read_text().count(f"xdpfwd: packet in {R_IF['c']} ")
    assert logged - logged_before == 5
    assert "packet debugging" not in topo.frr.xdpfwd(
        "show debugging").stdout
