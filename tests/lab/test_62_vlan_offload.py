"""VLAN tags held as metadata (README "What the fast path does").

A driver with rx VLAN offload, or a veth whose peer transmits with
tx-vlan-hw-insert on, hands the kernel a frame whose 802.1Q tag is
metadata (skb->vlan_tci): an XDP program, native or generic, sees the
frame untagged.  The kernel, with no VLAN device for the id, drops it
(PACKET_OTHERHOST); a priority tag (id 0) it routes as untagged.

Here C's eth0 pushes a tag onto its IPv4 packets with a tcx egress
program (bpf_skb_vlan_push(), which keeps the tag as metadata:
tests/lab/tcxlink.py; this kernel has no act_vlan) and C's
tx-vlan-hw-insert decides whether the tag reaches R in the frame (off:
XDP sees it and passes the frame, passVlan) or as metadata (on).  Each
case is sent with xdpfwd on R's to-c and with the kernel alone (xdpfwd
off on to-c); S1 must receive the same in both.  Without the check XDP
would forward the id-10 datagrams, untagged, where the kernel drops
them.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from contextlib import contextmanager

import pytest

import lablib
from lablib import FAMILY

PORT = 7790
PACKETS = 30
POLL_S = 3.0  # the peer's features are read each second
SRC = "10.0.1.2"
TCX_SCRIPT = lablib.LAB_DIR / "tcxlink.py"


@pytest.fixture(scope="module")
def vlan_lab(xdpfwd_module, xdpfwd_vtysh):
    with lablib.lab_topology("vlan", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=True) as topo:
        lablib.wait_until(lambda: to_c(topo).get("vlanOffloadPasses")
                          is False and lablib.static_route_offloaded(
                              topo.frr, lablib.ROUTE_V4), 20, interval=0.5,
                          what="to-c forwarding in XDP")
        lablib.warm_up(topo)
        yield topo


def to_c(topo) -> dict:
    status = topo.frr.xdpfwd_json("show xdpfwd json")
    for i in status.get("interfaces", []):
        if i["name"] == "to-c":
            return i
    return {}


def c_txvlan(topo, on: bool) -> None:
    state = "on" if on else "off"
    topo.c.run("ethtool", "-K", "eth0", "txvlan", state,
               "tx-vlan-stag-hw-insert", state)


def wait_passes(topo, passes: bool) -> None:
    lablib.wait_until(lambda: to_c(topo).get("vlanOffloadPasses") is passes,
                      POLL_S, interval=0.1,
                      what=f"to-c vlanOffloadPasses {passes}")


@contextmanager
def tag_pushed(topo, vid: int):
    """C's IPv4 packets leave with an 802.1Q tag of id vid, as metadata."""
    proc = topo.lab.popen(topo.c, sys.executable, str(TCX_SCRIPT), "eth0",
                          "egress", str(vid), stdin=lablib.subprocess.PIPE,
                          stdout=lablib.subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "attached"
        yield
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0


@contextmanager
def kernel_alone(topo):
    """xdpfwd off on to-c: R's kernel alone receives what C sends."""
    topo.frr.xdpfwd("configure terminal", "interface to-c", "no xdpfwd")
    lablib.wait_until(lambda: not to_c(topo), 5, interval=0.1,
                      what="to-c detached")
    try:
        yield
    finally:
        topo.frr.xdpfwd("configure terminal", "interface to-c", "xdpfwd")
        lablib.wait_until(lambda: bool(to_c(topo)), 5, interval=0.1,
                          what="to-c attached")


def udp(topo) -> int:
    """PACKETS UDP datagrams C -> S1's target: how many S1 received."""
    dst = FAMILY[4]["target"]
    sink = topo.lab.popen(topo.s1, sys.executable, str(lablib.TRAFFIC_SCRIPT),
                          "sink", "--addr", dst, "--port", str(PORT),
                          stdout=lablib.subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().strip() == "ready"
        lablib.send_udp_flows(topo.c, SRC, dst, PORT, 1, PACKETS)
        time.sleep(0.5)
    finally:
        sink.send_signal(signal.SIGTERM)
        out, _ = sink.communicate(timeout=10)
    return sum(json.loads(out).values())


def run(topo) -> tuple[int, dict]:
    before = lablib.xdpfwd_counters(topo.frr)
    got = udp(topo)
    after = lablib.xdpfwd_counters(topo.frr)
    delta = {k: lablib.reason_packets(after, k) - lablib.reason_packets(
        before, k) for k in ("fwdV4", "passVlan", "passVlanOffload")}
    return got, delta


def test_untagged_is_forwarded_in_xdp(vlan_lab):
    """C's txvlan off (the lab's hosts): to-c is read as "tags arrive in
    the frame" and UDP from C is forwarded by XDP."""
    i = to_c(vlan_lab)
    assert i["vlanOffloadPasses"] is False, i
    assert i["vlanOffload"].startswith("none"), i
    got, delta = run(vlan_lab)
    assert got == PACKETS
    assert delta["fwdV4"] >= PACKETS, delta


@pytest.mark.parametrize("vid,arrives", [(10, 0), (0, PACKETS)])
def test_tag_as_metadata_is_the_kernels(vlan_lab, vid, arrives):
    """C's txvlan on and a tag pushed as metadata: within the poll
    period `show xdpfwd json` says the peer passes tags as metadata and
    every datagram goes to R's kernel (passVlanOffload, no fwdV4), which
    drops id 10 and routes id 0 (a priority tag) untagged, exactly as
    the kernel alone does."""
    c_txvlan(vlan_lab, True)
    try:
        wait_passes(vlan_lab, True)
        assert "metadata" in to_c(vlan_lab)["vlanOffload"]
        text = vlan_lab.frr.xdpfwd("show xdpfwd").stdout
        assert "to-c: VLAN tags held as metadata" in text, text
        with tag_pushed(vlan_lab, vid):
            got, delta = run(vlan_lab)
            with kernel_alone(vlan_lab):
                ref, _ = run(vlan_lab)
            wait_passes(vlan_lab, True)
        assert ref == arrives, ref
        assert got == ref, (got, ref)
        assert delta["passVlanOffload"] >= PACKETS, delta
        assert delta["fwdV4"] == 0, delta
    finally:
        c_txvlan(vlan_lab, False)
    wait_passes(vlan_lab, False)
    got, delta = run(vlan_lab)
    assert got == PACKETS and delta["fwdV4"] >= PACKETS, delta


def test_tag_in_the_frame_is_seen(vlan_lab):
    """C's txvlan off with the tag pushed: it is written into the frame,
    XDP sees it (passVlan), to-c stays in the fast path and the kernel
    drops id 10, as the kernel alone does."""
    with tag_pushed(vlan_lab, 10):
        got, delta = run(vlan_lab)
        with kernel_alone(vlan_lab):
            ref, _ = run(vlan_lab)
    assert ref == 0 and got == 0, (got, ref)
    assert delta["passVlan"] >= PACKETS, delta
    assert delta["passVlanOffload"] == 0 and delta["fwdV4"] == 0, delta
    assert to_c(vlan_lab)["vlanOffloadPasses"] is False
