"""The demo's order of events on a fresh router: nothing has crossed R yet
when xdpfwd is enabled at run time, the route is typed afterwards, and the
first traffic (one warm-up ping, then a TCP transfer) follows as soon as
zebra reports the route offloaded.
"""

from __future__ import annotations

import pytest

import lablib
from lablib import FAMILY, KERNEL_SLACK, R_IF


@pytest.fixture
def fresh_lab(xdpfwd_module, xdpfwd_vtysh):
    """zebra -M <module>, no xdpfwd in its config, no static routes, no
    traffic yet."""
    with lablib.lab_topology("fresh", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module, xdpfwd_in_config=False,
                             static_routes=False) as topo:
        yield topo


@pytest.mark.parametrize("family", [4, 6])
def test_first_transfer_after_runtime_enable_uses_fast_path(fresh_lab,
                                                            family):
    """Enable xdpfwd on R's interfaces, type the static route, wait until
    it is offloaded, ping once, then transfer 20 MB: both directions of
    the transfer (data C -> S1, ACKs S1 -> C) are forwarded by xdpfwd and
    R's kernel forwarding counter stays flat."""
    fam = FAMILY[family]
    frr = fresh_lab.frr
    commands = ["configure terminal"]
    for ifname in R_IF.values():
        commands += [f"interface {ifname}", "xdpfwd"]
    frr.xdpfwd(*commands)
    frr.configure(f"{fam['ip']} route {fam['route']} {fam['via_s1']}")
    lablib.wait_until(lambda: lablib.static_route_offloaded(frr, fam["route"]),
                      15, what="route offloaded")
    warm = fresh_lab.c.ping(fam["target"], count=1)
    assert warm.returncode == 0, warm.stdout

    before_k = fresh_lab.r.forwarded(family)
    before = lablib.xdpfwd_counters(frr)
    result = lablib.tcp_transfer(fresh_lab, fresh_lab.c, fresh_lab.s1,
                                 fam["target"], lablib.TRANSFER_BYTES)
    after = lablib.xdpfwd_counters(frr)
    kernel = fresh_lab.r.forwarded(family) - before_k

    assert result["bytes"] == lablib.TRANSFER_BYTES
    fwd = (lablib.reason_packets(after, fam["fwd"])
           - lablib.reason_packets(before, fam["fwd"]))
    assert fwd >= lablib.data_packets_needed(lablib.TRANSFER_BYTES)
    passed = {reason: lablib.reason_packets(after, reason)
              - lablib.reason_packets(before, reason)
              for reason in after["reasons"]
              if reason.startswith("pass")}
    assert kernel <= KERNEL_SLACK, \
        f"kernel forwarded {kernel}; xdpfwd pass reasons: " + str(
            {r: n for r, n in passed.items() if n})
