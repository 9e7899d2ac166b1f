"""Enabling xdpfwd at run time through zebra's vty (xdpfwd-vtysh).

zebra starts with -M xdpfwd and a zebra.conf WITHOUT any xdpfwd line; the
interfaces are then enabled with
  xdpfwd-vtysh -c "configure terminal" -c "interface X" -c "xdpfwd"
The module file being missing makes these tests fail (conftest.py).
"""

from __future__ import annotations

import pytest

import lablib
from lablib import FAMILY, KERNEL_SLACK, R_IF

ENABLED = set(R_IF.values())


@pytest.fixture(scope="module")
def vty_lab(xdpfwd_module, xdpfwd_vtysh):
    """zebra -M <module>, nothing enabled in its config."""
    with lablib.lab_topology("xdpvty", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=False) as topo:
        lablib.warm_up(topo)
        yield topo


def attached_interfaces(topo) -> set[str]:
    status = topo.frr.xdpfwd_json("show xdpfwd json")
    return {i["name"] for i in status["interfaces"] if i.get("attached")}


def test_nothing_attached_before_enabling(vty_lab):
    """Loaded but not enabled: xdpfwd runs, no interface is attached (none
    has an XDP program) and the kernel forwards the traffic."""
    status = vty_lab.frr.xdpfwd_json("show xdpfwd json")
    assert status["status"] == "running"
    assert attached_interfaces(vty_lab) == set()
    for ifname in ENABLED:
        assert "xdp" not in vty_lab.r.link(ifname)
    before = vty_lab.r.forwarded(4)
    res = vty_lab.c.ping(lablib.TARGET_V4, count=3)
    assert res.returncode == 0, res.stdout
    assert vty_lab.r.forwarded(4) - before >= 6


def test_enable_through_xdpfwd_vtysh(vty_lab):
    """`configure terminal` / `interface X` / `xdpfwd` in one xdpfwd-vtysh
    call attaches XDP on all three interfaces (seen by xdpfwd and by the
    kernel), is written to the running-config, and traffic then (pings
    and a TCP transfer, IPv4 and IPv6) takes the fast path instead of the
    kernel."""
    commands = ["configure terminal"]
    for ifname in sorted(ENABLED):
        commands += [f"interface {ifname}", "xdpfwd"]
    res = vty_lab.frr.xdpfwd(*commands, check=False)
    assert res.returncode == 0, res.stdout + res.stderr

    lablib.wait_until(lambda: attached_interfaces(vty_lab) == ENABLED, 15,
                      what="xdpfwd attached on all interfaces")
    for ifname in ENABLED:
        assert "xdp" in vty_lab.r.link(ifname), ifname
    config = vty_lab.frr.xdpfwd("show running-config").stdout
    for ifname in ENABLED:
        block = config.split(f"interface {ifname}\n", 1)[1].split("exit")[0]
        assert " xdpfwd\n" in block

    for family in (4, 6):
        target = FAMILY[family]["target"]
        vty_lab.c.ping(target, count=1)  # neighbours, in case of re-resolve
        lablib.wait_until(
            lambda: lablib.static_route_offloaded(vty_lab.frr,
                                                  FAMILY[family]["route"]),
            15, what="route offloaded")
        fwd = FAMILY[family]["fwd"]
        before_x = lablib.reason_packets(lablib.xdpfwd_counters(vty_lab.frr),
                                         fwd)
        before_k = vty_lab.r.forwarded(family)
        res = vty_lab.c.ping(target, count=5)
        assert res.returncode == 0, res.stdout
        result = lablib.tcp_transfer(vty_lab, vty_lab.c, vty_lab.s1, target,
                                     lablib.TRANSFER_BYTES)
        assert result["bytes"] == lablib.TRANSFER_BYTES
        after_x = lablib.reason_packets(lablib.xdpfwd_counters(vty_lab.frr),
                                        fwd)
        assert after_x - before_x >= 10 + lablib.data_packets_needed(
            lablib.TRANSFER_BYTES), family
        kernel = vty_lab.r.forwarded(family) - before_k
        assert kernel <= KERNEL_SLACK, \
            f"IPv{family}: kernel forwarded {kernel} packets"


def test_enabling_missing_interface_says_does_not_exist(vty_lab):
    """`xdpfwd` under an interface the kernel does not have prints an error
    containing "does not exist" and attaches nothing."""
    res = vty_lab.frr.xdpfwd("configure terminal", "interface nosuch0",
                             "xdpfwd", check=False)
    assert "does not exist" in res.stdout + res.stderr
    assert "nosuch0" not in attached_interfaces(vty_lab)
