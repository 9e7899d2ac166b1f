"""Dynamic routing at scale: BGP and OSPF routes in the fast path.

R runs zebra -M xdpfwd, bgpd, ospfd and ospf6d; three gobgpd speakers in P
announce a full-table-shaped route set over three links (some prefixes from
two speakers: multipath, some of those weighted), bird2 in O brings OSPFv2
and OSPFv3 networks (see dynlab.py).  Every step ends with the audit
(`show xdpfwd audit json`) reporting zero differences and sampled traffic
from C arriving at the right next hop with R's kernel forwarding counters
flat.

Size: XDPFWD_DYN_V4 / XDPFWD_DYN_V6 prefixes (default 100000 / 20000, the
CI size); tests/lab/scale.py --full runs the load at 1M / 200k.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import time

import pytest

import bgptable
import dynlab
import lablib
from lablib import KERNEL_SLACK

N4 = int(os.environ.get("XDPFWD_DYN_V4", "100000"))
N6 = int(os.environ.get("XDPFWD_DYN_V6", "20000"))
SAMPLE4 = int(os.environ.get("XDPFWD_DYN_SAMPLE4", "2000"))
SAMPLE6 = int(os.environ.get("XDPFWD_DYN_SAMPLE6", "500"))
CHURN = 150  # prefixes per churn step and family (v6: a third)


@pytest.fixture(scope="module")
def dyn(xdpfwd_module, xdpfwd_vtysh):
    dynlab.check_prerequisites()
    lab = dynlab.DynLab("dyn")
    try:
        topo = dynlab.build(lab, vtysh_client=xdpfwd_vtysh,
                            module=xdpfwd_module)
        lablib.wait_until(lambda: dynlab.ospf_routes_ready(topo), 90,
                          interval=0.5, what="OSPF routes from bird")
        topo.load = dynlab.load_table(topo, bgptable.generate(N4, N6, 1))
        topo.wait_converged(180, "after the load")
        topo.sample = dynlab.sample_destinations(topo, SAMPLE4, SAMPLE6)
        # resolve every next hop's neighbour once (not measured)
        dynlab.send_and_check(topo, topo.sample, tag="warmup")
        yield topo
    finally:
        lab.close()


def assert_traffic(topo: dynlab.DynTopo, dsts: list[str], tag: str,
                   kernel_slack: int = KERNEL_SLACK) -> dynlab.TrafficResult:
    """Every sampled destination arrives at its next hop, by XDP."""
    res = dynlab.send_and_check(topo, dsts, tag=tag)
    assert not res.wrong, res.summary()
    assert not res.missing, res.summary()
    assert not res.unexpected, res.summary()
    routed = {f: sum(1 for d in dsts if (":" in d) == (f == 6)
                     and topo.expected(d)) for f in (4, 6)}
    for fam in (4, 6):
        assert res.kernel_fwd[fam] <= kernel_slack, res.summary()
        assert res.xdp_fwd[fam] >= routed[fam], res.summary()
    return res


def assert_clean(topo: dynlab.DynTopo, what: str) -> dict:
    audit = topo.wait_converged(240, what)
    assert audit["differences"] == 0
    return audit


def route_summary(topo: dynlab.DynTopo, family: int) -> dict[str, dict]:
    cmd = "show ip route summary json" if family == 4 else \
        "show ipv6 route summary json"
    data = topo.frr.vtysh_json(cmd)
    return {r["type"]: r for r in data["routes"]}


def test_full_table_in_maps_and_offloaded(dyn):
    """After the load: every BGP route zebra installed is in the kernel and
    in the XDP maps, zebra marks every BGP and OSPF route offloaded, the
    audit finds no difference."""
    load = dyn.load
    kernel = dyn.kernel_counts()
    want4, want6 = dyn.bgp_expected_counts()
    assert kernel["4"]["proto"].get(dynlab.RTPROT_BGP) == want4 == N4
    assert kernel["6"]["proto"].get(dynlab.RTPROT_BGP) == want6 == N6
    print(f"\nload {N4}/{N6}: first session up {load.first_established_s:.1f}s, "
          f"IPv4 kernel {load.bgp_kernel_s:.1f}s XDP {load.bgp_xdp_s:.1f}s, "
          f"IPv6 kernel {load.bgp6_kernel_s:.1f}s XDP {load.bgp6_xdp_s:.1f}s "
          f"(from no neighbor shutdown); dplane {load.dplane_max}")
    # the maps hold the BGP routes plus what the plugin derived
    maps = dyn.xdpfwd_status()["maps"]
    assert maps["fib4Routes"] >= N4 + len(dynlab.OSPF_V4)
    assert maps["fib6Routes"] >= N6 + len(dynlab.OSPF_V6)
    for fam in (4, 6):
        summary = route_summary(dyn, fam)
        for proto in ("ebgp", "ospf" if fam == 4 else "ospf6"):
            entry = summary[proto]
            assert entry["fib"] > 0
            assert entry["fibOffLoaded"] == entry["fib"], (fam, entry)
    audit = assert_clean(dyn, "after the load")
    assert audit["ipv4"]["checked"] >= N4
    assert audit["ipv6"]["checked"] >= N6
    assert audit["ipv4"]["offloaded"] >= N4 + len(dynlab.OSPF_V4)
    assert audit["ipv6"]["offloaded"] >= N6 + len(dynlab.OSPF_V6)


def test_sampled_traffic_forwarded_by_xdp(dyn):
    """Thousands of destinations spread over the table (and the OSPF
    networks) arrive at the right next hop; R's kernel forwards none."""
    res = assert_traffic(dyn, dyn.sample, "sample")
    links = {dynlab.RX_TO_R[h[0]] for hits in res.delivered.values()
             for h in hits}
    assert links == {"to-pa", "to-pb", "to-pc", "to-o"}


def fast_path_nexthops(topo, prefix: str) -> list[dict]:
    routes = topo.frr.xdpfwd_json(f"show xdpfwd routes {prefix} json")
    assert routes["routes"], prefix
    return routes["routes"][0]["nexthops"]


def zebra_nexthops(topo, prefix: str) -> list[dict]:
    entries = lablib.zebra_route_entries(topo.frr, prefix)
    sel = [e for e in entries if e.get("selected")]
    assert sel, (prefix, entries)
    return [n for n in sel[0]["nexthops"] if n.get("fib")]


def test_multipath_and_weighted_ecmp(dyn):
    """A prefix from two speakers: two next hops on two links in zebra and
    in the fast path; in the weighted block, zebra's 1:3 weights are the
    group's weights and traffic splits accordingly."""
    ab = [p for p, o in dyn.table.v4.items() if o == "ab" and not
          ipaddress.ip_network(p).subnet_of(
              ipaddress.ip_network(bgptable.WEIGHTED_BLOCK))][:3]
    ab += [p for p, o in dyn.table.v6.items() if o == "ab"][:2]
    for prefix in ab:
        zn = zebra_nexthops(dyn, prefix)
        fn = fast_path_nexthops(dyn, prefix)
        assert len(zn) == 2 and len(fn) == 2, (prefix, zn, fn)
        assert {n["interface"] for n in fn} == {"to-pa", "to-pb"}
        assert fn[0]["weight"] == fn[1]["weight"]

    weighted = next(p for p, o in dyn.table.v4.items() if ipaddress.ip_network(
        p).subnet_of(ipaddress.ip_network(bgptable.WEIGHTED_BLOCK)))
    zn = zebra_nexthops(dyn, weighted)
    fn = fast_path_nexthops(dyn, weighted)
    zw = {n["interfaceName"]: n.get("weight") for n in zn}
    fw = {n["interface"]: n["weight"] for n in fn}
    assert set(zw) == set(fw) == {"to-pa", "to-pb"}, (zn, fn)
    assert zw["to-pb"] == 3 * zw["to-pa"], zn
    assert fw["to-pb"] == 3 * fw["to-pa"], fn

    # 400 destinations (flows) over the weighted /24s: about 1:3
    block = ipaddress.ip_network(bgptable.WEIGHTED_BLOCK)
    dsts = [str(block.network_address + (i % bgptable.WEIGHTED_V4) * 256 +
                1 + i // bgptable.WEIGHTED_V4) for i in range(400)]
    res = assert_traffic(dyn, dsts, "weighted")
    per_link = {"to-pa": 0, "to-pb": 0}
    for hits in res.delivered.values():
        per_link[dynlab.RX_TO_R[hits[0][0]]] += 1
    share_a = per_link["to-pa"] / 400
    assert 0.15 <= share_a <= 0.35, per_link


def churn_sample(topo, prefixes: list[str]) -> list[str]:
    """One address in each prefix (first usable) plus the general sample."""
    out = []
    for p in prefixes:
        n = ipaddress.ip_network(p)
        out.append(str(n.network_address + (1 if n.num_addresses > 2 else 0)))
    return out + topo.sample


def pick(topo, owner: str, count: int, family: int, skip: int = 0):
    return [p for p, o in topo.owners_sorted(family) if o == owner][
        skip:skip + count]


def test_churn_withdrawals(dyn):
    """Withdrawn prefixes leave the fast path: their traffic follows the
    next shorter route of the model, or arrives nowhere."""
    gone = pick(dyn, "a", CHURN, 4) + pick(dyn, "a", CHURN // 3, 6)
    dyn.withdraw("a", gone)
    dyn.wait_bgp_counts()
    assert_clean(dyn, "after withdrawals")
    assert_traffic(dyn, churn_sample(dyn, gone), "withdraw")


def test_churn_reannounce_other_nexthop(dyn):
    """Prefixes move from speaker b to speaker c: the fast path follows."""
    moved = pick(dyn, "b", CHURN, 4) + pick(dyn, "b", CHURN // 3, 6)
    dyn.announce("c", moved)
    dyn.withdraw("b", moved)
    dyn.wait_bgp_counts()
    assert_clean(dyn, "after moving prefixes to c")
    for p in moved[:3]:
        assert [n["interface"] for n in fast_path_nexthops(dyn, p)] == \
            ["to-pc"]
    assert_traffic(dyn, churn_sample(dyn, moved), "move")


def test_churn_bgp_session_reset(dyn):
    """A hard reset of speaker b's sessions: all its routes go and come
    back; afterwards the fast path matches zebra."""
    sessions = dyn.bgp_established()
    dyn.frr.vtysh("clear bgp 10.0.12.2", "clear bgp fd00:12::2")
    lablib.wait_until(lambda: dyn.bgp_established() == sessions, 120,
                      interval=0.5, what="b's sessions back")
    dyn.wait_bgp_counts()
    assert_clean(dyn, "after the session reset")
    assert_traffic(dyn, dyn.sample, "reset")


def test_churn_ospf_neighbour_lost_and_back(dyn):
    """bird's OSPF goes away: its networks leave zebra and the fast path
    (traffic to them arrives nowhere); back: they return."""
    dyn.bird.birdc("disable", "ospf4")
    dyn.bird.birdc("disable", "ospf6")
    dyn.ospf_up = False
    lablib.wait_until(lambda: lablib.zebra_has_none(
        dyn.frr, dynlab.OSPF_V4, "ospf"), 60, what="OSPFv2 routes gone")
    lablib.wait_until(lambda: lablib.zebra_has_none(
        dyn.frr, dynlab.OSPF_V6, "ospf6"), 60, what="OSPFv3 routes gone")
    assert_clean(dyn, "with OSPF down")
    ospf_dsts = [d for d in dyn.sample if any(
        ipaddress.ip_address(d) in ipaddress.ip_network(n)
        for n in dynlab.OSPF_V4 + dynlab.OSPF_V6)]
    assert ospf_dsts
    assert_traffic(dyn, dyn.sample, "ospf-down")
    dyn.bird.birdc("enable", "ospf4")
    dyn.bird.birdc("enable", "ospf6")
    dyn.ospf_up = True
    lablib.wait_until(lambda: dynlab.ospf_routes_ready(dyn), 90,
                      interval=0.5, what="OSPF routes back")
    # bird restarts its LSAs at the initial sequence number, R still holds
    # the old ones: the routes flap once within seconds (seen: gone from
    # zebra and the kernel ~7 s after coming back); let OSPF settle
    quiet_route_ops(dyn, quiet=12)
    assert dynlab.ospf_routes_ready(dyn)
    assert_clean(dyn, "with OSPF back")
    assert_traffic(dyn, dyn.sample, "ospf-up")


def quiet_route_ops(topo, quiet: float = 3) -> int:
    """The provider's applied route operations once they stopped moving
    for `quiet` seconds (earlier steps may still be settling, e.g. ospfd
    re-announcing its routes after an SPF run)."""
    last, since = None, time.monotonic()
    deadline = since + 60
    while time.monotonic() < deadline:
        ops = topo.xdpfwd_status()["provider"]["routeOpsApplied"]
        if ops != last:
            last, since = ops, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return ops
        time.sleep(0.5)
    raise lablib.LabError("route operations never settled")


def test_churn_nexthop_mac_change(dyn):
    """Speaker c's MAC changes: R's neighbour entries follow, the fast path
    rewrites to the new MAC, and no route is touched for it (the shared
    adjacency is one map write)."""
    before_ops = quiet_route_ops(dyn)
    old = dyn.p.link("pc")["address"]
    new = "02:00:00:c0:ff:ee" if old != "02:00:00:c0:ff:ee" else \
        "02:00:00:c0:ff:ef"
    dyn.p.ip("link", "set", "pc", "address", new)
    dyn.p.ip("neigh", "flush", "dev", "pc")
    # P's ARP request / neighbour solicitation carries its new MAC: R's
    # kernel overrides its entries (global and link-local next hops)
    addrs = json.loads(dyn.r.ip("-j", "-6", "addr", "show", "dev",
                                "to-pc").stdout)[0]["addr_info"]
    r_ll = next(a["local"] for a in addrs if a["local"].startswith("fe80"))
    for dst in ("10.0.13.1", "fd00:13::1", f"{r_ll}%pc"):
        dyn.p.ping(dst, count=1)

    def updated():
        neigh = json.loads(dyn.r.ip("-j", "neigh", "show", "dev",
                                    "to-pc").stdout)
        macs = {n.get("lladdr") for n in neigh
                if n["dst"].startswith(("10.0.13.2", "fd00:13::2", "fe80"))}
        return macs == {new}

    lablib.wait_until(updated, 20, interval=0.3,
                      what="R's neighbours of c on the new MAC")
    assert_clean(dyn, "after the MAC change")
    c_only = [p for p, o in dyn.owners_sorted(4) if o == "c"][:200]
    c_only += [p for p, o in dyn.owners_sorted(6) if o == "c"][:50]
    res = assert_traffic(dyn, churn_sample(dyn, c_only), "mac")
    to_c = [h for hits in res.delivered.values() for h in hits
            if h[0] == "pc"]
    assert to_c and all(h[1] == new for h in to_c)
    after_ops = dyn.xdpfwd_status()["provider"]["routeOpsApplied"]
    assert after_ops == before_ops, "route operations for a MAC change"


def test_churn_interface_down_up(dyn):
    """R's link to c goes down: c's sessions drop, its routes leave zebra
    and the fast path (traffic falls to the model's remaining routes);
    back up: they return."""
    sessions = dyn.bgp_established()
    dyn.r.ip("link", "set", "to-pc", "down")
    dyn.down.add("c")
    lablib.wait_until(lambda: dyn.bgp_established() == sessions - 2, 60,
                      interval=0.5, what="c's sessions down")
    dyn.wait_bgp_counts()
    assert_clean(dyn, "with to-pc down")
    assert_traffic(dyn, dyn.sample, "if-down")
    dyn.r.ip("link", "set", "to-pc", "up")
    dyn.down.discard("c")
    lablib.wait_until(lambda: dyn.bgp_established() == sessions, 120,
                      interval=0.5, what="c's sessions back")
    dyn.wait_bgp_counts()
    assert_clean(dyn, "with to-pc up")
    assert_traffic(dyn, dyn.sample, "if-up")


def test_zebra_healthy(dyn):
    """After all of it: dplane queues empty, no errors, no CPU hog or
    starvation warnings in zebra's log, nothing failed in the plugin."""
    counters = dynlab.dplane_counters(dyn)
    assert counters["routeQueueDepth"] == 0
    status = dyn.xdpfwd_status()
    assert status["provider"]["queueDepth"] == 0
    assert status["programmingFailures"] == 0
    log = (dyn.frr.dir / "zebra.log").read_text()
    # zebra's only dplane errors: routes it did not even queue because
    # their kernel nexthop group was not installed yet, right after to-pc
    # came back up (zebra_dplane.c, before any provider sees them); it
    # installs them once the group is (the counts matched, see above)
    refused = log.count("Failed to enqueue dataplane install")
    assert counters["routeErrors"] == refused, (counters, refused)
    bad = [line for line in log.splitlines()
           if re.search(r"CPU HOG|SLOW THREAD|starv|overrun|xdpfwd.*(fail|error)",
                        line, re.I)]
    assert not bad, "\n".join(bad[:20])
    assert dyn.frr.daemons["zebra"].running()
    # informational: the longest single task runs, against the 5 s warning
    print("\nzebra's slowest tasks (max CPU per run): " + ", ".join(
        f"{name} {us / 1e3:.0f} ms" for us, name in
        dynlab.slowest_zebra_tasks(dyn)))
