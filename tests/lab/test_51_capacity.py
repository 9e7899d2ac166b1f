"""Full tables: what does not fit stays on the kernel path, correctly.

The dynamic lab (dynlab.py) with deliberately small maps, module arguments
tbl8=8 and fib6=16 (128 range-table slots):
- IPv4: R's own addresses take 5 tbl8 groups, so of the 12 /24s where
  speaker c announces a /25 under speaker a's covering /16, 3 get a group
  and 9 are "degraded": the whole /24 passes to the kernel.  Packets for
  the /25s must reach c (never a, the cover's next hop: that was the bug
  of dropping a route that does not fit), packets for the rest of those
  /24s must reach b (a /24 route) or a (the /16), through the kernel;
- IPv6: a's /32, c's 40 /48s under it and b's 10 /48s share one chunk
  of the IPv6 FIB (2a00::/20): its range tables do not fit next to R's own
  entries and the OSPF routes, so the chunk is "degraded": every address
  in it passes to the kernel and reaches the right next hop, while R's own
  entries and the OSPF routes (other chunks) stay in XDP;
- zebra marks exactly those routes not offloaded, the audit finds no
  difference, one rate-limited log line per kind;
- when routes are withdrawn, freed groups restore degraded /24s and the
  IPv6 chunk is published again once it fits.
"""

from __future__ import annotations

import ipaddress

import pytest

import bgptable
import dynlab
import lablib
from lablib import KERNEL_SLACK

TBL8, FIB6 = 8, 16
# R's own addresses take a tbl8 group per /24 (the /32 local and
# broadcast routes of its local table): the five interface /24s (lo's
# 127/8 is passed before the FIB lookup, never written into it)
LOCAL_24S = 5
LONG_24S = 12      # /24s with a /25 from c
DEGRADED = LONG_24S - (TBL8 - LOCAL_24S)
SLASH24_B = 4      # of those, with a /24 route from b too
LONG_V6 = 40
SLASH48_B = 10     # b's /48s, in the same IPv6 chunk

def capacity_table() -> bgptable.Table:
    t = bgptable.Table()
    t.v4["5.0.0.0/16"] = "a"
    for i in range(LONG_24S):
        t.v4[f"5.0.{i}.128/25"] = "c"
    for i in range(SLASH24_B):
        t.v4[f"5.0.{i}.0/24"] = "b"
    for i in range(200):
        t.v4[f"6.{i // 100}.{i % 100}.0/24"] = "ab"[i % 2]
    t.v6["2a00:1::/32"] = "a"
    for i in range(LONG_V6):
        t.v6[f"2a00:1:{i:x}::/48"] = "c"
    for i in range(SLASH48_B):
        t.v6[f"2a00:2:{i:x}::/48"] = "b"
    return t


@pytest.fixture(scope="module")
def cap(xdpfwd_module, xdpfwd_vtysh):
    dynlab.check_prerequisites()
    lab = dynlab.DynLab("cap")
    try:
        topo = dynlab.build(lab, vtysh_client=xdpfwd_vtysh,
                            module=xdpfwd_module,
                            module_args=f"tbl8={TBL8},fib6={FIB6}")
        lablib.wait_until(lambda: dynlab.ospf_routes_ready(topo), 90,
                          interval=0.5, what="OSPF routes from bird")
        topo.load = dynlab.load_table(topo, capacity_table(), timeout=120,
                                      xdp_complete=False)
        topo.wait_converged(120, "after the load")
        yield topo
    finally:
        lab.close()


def destinations() -> list[str]:
    """In each /24 with a /25: one address in the /25, one outside; the
    other /24s; IPv6 in each /48 and in the /32 outside them."""
    d = []
    for i in range(LONG_24S):
        d += [f"5.0.{i}.130", f"5.0.{i}.7"]
    d += [f"6.{i // 100}.{i % 100}.9" for i in range(0, 200, 7)]
    d += [f"2a00:1:{i:x}::9" for i in range(LONG_V6)]
    d += ["2a00:1:ffff::1", "2a00:2:3::1"]
    return [str(ipaddress.ip_address(a)) for a in d]


def degraded_24s(topo) -> set[int]:
    """The /24s 5.0.i.0 the fast path leaves to the kernel."""
    out = set()
    for r in topo.frr.xdpfwd_json("show xdpfwd routes json")["routes"]:
        n = ipaddress.ip_network(r["prefix"])
        if n.version == 4 and str(n).startswith("5.0.") and \
                n.prefixlen == 25 and r.get("kernelPath"):
            out.add(int(str(n.network_address).split(".")[2]))
    return out


def zebra_offloaded(topo, prefix: str) -> bool:
    entries = lablib.zebra_route_entries(topo.frr, prefix)
    sel = [e for e in entries if e.get("selected")]
    assert sel, prefix
    return sel[0].get("offloaded") is True


def check_traffic(topo, dsts, kernel_expected: dict[int, int]):
    """Every destination reaches its next hop; R's kernel forwards those
    left to it (kernel_expected per family, give or take the slack)."""
    dynlab.send_and_check(topo, dsts, tag="warm")  # neighbours
    res = dynlab.send_and_check(topo, dsts, tag="cap")
    assert not res.wrong, res.summary()
    assert not res.missing, res.summary()
    assert not res.unexpected, res.summary()
    for fam in (4, 6):
        assert abs(res.kernel_fwd[fam] - kernel_expected[fam]) <= \
            KERNEL_SLACK, (fam, kernel_expected, res.summary())
    return res


def test_full_tables_stay_on_the_kernel_path(cap):
    status = cap.xdpfwd_status()
    capacity = status["maps"]["capacity"]
    assert capacity["tbl8Used"] == TBL8
    assert capacity["degraded24"] == DEGRADED, capacity
    assert capacity["degradedRoutes"] == DEGRADED, capacity
    assert capacity["degradedChunks6"] == 1, capacity
    assert status["status"] == "running"
    deg = degraded_24s(cap)
    assert len(deg) == DEGRADED
    # zebra's view: the /25s (and the /24 route) of degraded /24s, and
    # every IPv6 route in the degraded chunk, not offloaded; everything
    # else offloaded
    for i in range(LONG_24S):
        assert zebra_offloaded(cap, f"5.0.{i}.128/25") == (i not in deg)
    for i in range(SLASH24_B):
        assert zebra_offloaded(cap, f"5.0.{i}.0/24") == (i not in deg)
    assert zebra_offloaded(cap, "5.0.0.0/16")
    assert zebra_offloaded(cap, "6.0.7.0/24")
    assert not zebra_offloaded(cap, "2a00:1::/32")
    assert not zebra_offloaded(cap, "2a00:1:5::/48")
    assert not zebra_offloaded(cap, "2a00:2:3::/48")
    assert zebra_offloaded(cap, dynlab.OSPF_V6[0])
    audit = cap.wait_converged(60, "full tables")
    assert audit["ipv4"]["kernelPath"] == DEGRADED + len(
        [i for i in range(SLASH24_B) if i in deg])
    assert audit["ipv6"]["kernelPath"] == 1 + LONG_V6 + SLASH48_B
    assert audit["ipv6"]["offloaded"] >= len(dynlab.OSPF_V6)


def test_traffic_of_what_does_not_fit_reaches_the_right_next_hop(cap):
    """The /25s in degraded /24s reach c through the kernel, not a (the
    /16's next hop) through XDP; IPv6 all through the kernel."""
    deg = degraded_24s(cap)
    dsts = destinations()
    v4_kernel = sum(1 for d in dsts if d.startswith("5.0.") and
                    int(d.split(".")[2]) in deg)
    v6 = sum(1 for d in dsts if ":" in d)
    check_traffic(cap, dsts, {4: v4_kernel, 6: v6})


def test_one_log_line_per_kind(cap):
    log = (cap.frr.dir / "zebra.log").read_text()
    assert log.count("IPv4 tbl8 groups exhausted") == 1, log[-3000:]
    assert log.count("IPv6 FIB tables full") == 1, log[-3000:]


def test_freed_groups_restore_degraded_24s(cap):
    """Withdrawing the /25s of the /24s that had a group frees 3 groups:
    3 degraded /24s get them (and go back into XDP); withdrawing the rest
    empties the degraded ones, which return to their cover."""
    deg = degraded_24s(cap)
    with_group = [i for i in range(LONG_24S) if i not in deg]
    cap.withdraw("c", [f"5.0.{i}.128/25" for i in with_group])
    freed = len(with_group)
    assert freed == TBL8 - LOCAL_24S
    lablib.wait_until(lambda: cap.xdpfwd_status()["maps"]["capacity"][
        "degraded24"] == DEGRADED - freed, 30,
        what=f"{freed} degraded /24s restored")
    cap.wait_converged(60, "after restoring")
    now = degraded_24s(cap)
    assert len(now) == DEGRADED - freed and now < deg
    for i in deg - now:
        assert zebra_offloaded(cap, f"5.0.{i}.128/25")
    cap.withdraw("c", [f"5.0.{i}.128/25" for i in sorted(now)])
    lablib.wait_until(lambda: cap.xdpfwd_status()["maps"]["capacity"][
        "degraded24"] == 0, 30, what="no degraded /24 left")
    cap.wait_converged(60, "without long routes")
    for i in range(SLASH24_B):
        assert zebra_offloaded(cap, f"5.0.{i}.0/24")
    dsts = [d for d in destinations() if ":" not in d]
    check_traffic(cap, dsts, {4: 0, 6: 0})


def test_ipv6_chunk_back_when_it_fits(cap):
    """Withdraw c's /48s: what is left of the chunk (a's /32, b's /48s)
    fits, the chunk is published again and its routes are offloaded."""
    cap.withdraw("c", [f"2a00:1:{i:x}::/48" for i in range(LONG_V6)])
    lablib.wait_until(lambda: cap.xdpfwd_status()["maps"]["capacity"][
        "degradedChunks6"] == 0, 30, what="IPv6 chunk restored")
    audit = cap.wait_converged(60, "IPv6 back")
    assert audit["ipv6"]["kernelPath"] == 0
    assert zebra_offloaded(cap, "2a00:1::/32")
    assert zebra_offloaded(cap, "2a00:2:3::/48")
    dsts = [d for d in destinations() if ":" in d]
    check_traffic(cap, dsts, {4: 0, 6: 0})
