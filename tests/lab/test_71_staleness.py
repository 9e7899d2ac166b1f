"""Bounded staleness, measured with a 1000 datagrams/s flow with sequence
numbers (loss and reordering counted at the receiver), on FRR started as
Debian's service (svclab.py): zebra killed, stopped (SIGSTOP) while the
kernel's truth changes, stopped with no change.  Each scenario runs with
xdpfwd and with plain FRR (no -M): FRR's own behaviour is part of the
figure, printed for both.

While zebra does not refresh its heartbeat, XDP forwards for at most 1 s
(the deadline it renews every 250 ms to now + 1 s) and then passes every
frame to the kernel (passStale); a killed zebra takes its XDP links with
it.
"""

from __future__ import annotations

import signal
import time

import pytest

import lablib
import svclab

RATE = 1000
# The deadline is at most 1 s after zebra's last refresh.  The margin
# covers CLOCK_MONOTONIC_COARSE's tick (4 ms at HZ=250) and the time
# from the sender's timestamp to the router (same host, sub-millisecond);
# measured figures are printed.
STALE_BOUND = 1.0
MARGIN = 0.1
FLOW_PORT = 9100


def ready(topo, mode: str) -> bool:
    if mode == "plain":
        return lablib.kernel_route(topo.r, lablib.ROUTE_V4) is not None
    st = topo.frr.xdpfwd_json("show xdpfwd json")
    return (st["status"] == "running"
            and st.get("liveness", {}).get("gateOpen") is True
            and lablib.kernel_route(topo.r, lablib.ROUTE_V4) is not None)


def counters(topo, mode: str) -> dict[str, int]:
    """fwdV4 and passStale of xdpfwd, and the kernel's ForwDatagrams."""
    out = {"kernel": topo.r.forwarded(4)}
    if mode == "xdpfwd":
        c = lablib.xdpfwd_counters(topo.frr)
        out["fwdV4"] = lablib.reason_packets(c, "fwdV4")
        out["passStale"] = lablib.reason_packets(c, "passStale")
    return out


def delta(a: dict, b: dict) -> dict[str, int]:
    return {k: b[k] - a[k] for k in a}


def xdp_forwards_again(topo, mode: str, timeout: float = 20) -> None:
    """(xdpfwd) fwdV4 grows by most of the flow within 0.5 s."""
    if mode == "plain":
        return

    def grows():
        a = counters(topo, mode)
        time.sleep(0.5)
        b = counters(topo, mode)
        return b["fwdV4"] - a["fwdV4"] >= 0.8 * RATE * 0.5
    lablib.wait_until(grows, timeout, interval=0,
                      what="XDP forwarding the flow again")


@pytest.fixture(scope="module", params=["xdpfwd", "plain"])
def svc(request, xdpfwd_module, xdpfwd_vtysh):
    mode = request.param
    lab = svclab.SvcLab(f"stale-{mode}")
    try:
        topo = svclab.build(
            lab, vtysh_client=xdpfwd_vtysh,
            module_file=(svclab.module_file(xdpfwd_module)
                         if mode == "xdpfwd" else None),
            static_routes=[f"ip route {lablib.ROUTE_V4} 10.0.2.2"])
        lablib.wait_until(lambda: ready(topo, mode), 20,
                          what=f"{mode} ready")
        res = topo.c.ping(lablib.TARGET_V4, count=2, interval=0.2)
        assert res.returncode == 0, res.stdout
        topo.s1.ping("10.0.1.2", count=1)
        yield topo, mode
    finally:
        lab.close()


FLOWS: list[svclab.SeqFlow] = []


@pytest.fixture(autouse=True)
def no_flow_left():
    """A test that fails mid-flow leaves no sender or sink behind (the
    next test binds the same port)."""
    yield
    while FLOWS:
        FLOWS.pop().close()


def flow(topo, dst: str = lablib.TARGET_V4) -> svclab.SeqFlow:
    f = svclab.SeqFlow(topo.lab, topo.c, "10.0.1.2", topo.s1, dst,
                       port=FLOW_PORT, rate=RATE)
    FLOWS.append(f)
    time.sleep(0.5)
    return f


def test_pause_without_change(svc):
    """SIGSTOP 2 s then SIGCONT, nothing changes meanwhile: the kernel
    takes the flow after the deadline and XDP takes it back, 0 lost, 0
    reordered; passStale counts the kernel's part."""
    topo, mode = svc
    f = flow(topo)
    xdp_forwards_again(topo, mode)
    before = counters(topo, mode)
    pid = topo.svc.signal("zebra", signal.SIGSTOP)
    try:
        time.sleep(2.0)
    finally:
        topo.svc.signal("zebra", signal.SIGCONT)
    time.sleep(0.3)
    mid = counters(topo, mode)
    xdp_forwards_again(topo, mode)
    res = f.finish()
    assert topo.svc.pid("zebra") == pid
    print(f"\n[{mode}] SIGSTOP 2 s, SIGCONT: {res.summary()}; "
          f"during the stop: {delta(before, mid)}")
    assert res.lost == 0 and res.reordered == 0 and res.duplicates == 0
    if mode == "xdpfwd":
        d = delta(before, mid)
        # the kernel forwarded the 2 s minus the (<= 1 s) stale window
        assert d["passStale"] >= 0.8 * RATE, d
        assert d["kernel"] >= d["passStale"], d


def test_mac_change_while_stopped(svc):
    """SIGSTOP, then S1 (the static route's gateway) takes a new MAC and
    R's kernel learns it: at most ~1 s of the flow is lost (what XDP
    still sent to the old MAC until the deadline)."""
    topo, mode = svc
    old_mac = topo.s1.link("eth0")["address"]
    new_mac = "02:00:00:00:71:02" if old_mac != "02:00:00:00:71:02" \
        else "02:00:00:00:71:03"
    f = flow(topo)
    xdp_forwards_again(topo, mode)
    t_stop = time.monotonic()
    topo.svc.signal("zebra", signal.SIGSTOP)
    try:
        time.sleep(0.2)
        t_change = time.monotonic()
        topo.s1.ip("link", "set", "eth0", "address", new_mac)
        topo.r.ip("neigh", "replace", "10.0.2.2", "lladdr", new_mac,
                  "nud", "reachable", "dev", "to-s1")
        time.sleep(2.0)
    finally:
        topo.svc.signal("zebra", signal.SIGCONT)
    xdp_forwards_again(topo, mode)
    res = f.finish()
    lost_after_change = res.lost_between(t_change, res.end)
    last_lost = res.last_lost_sent_at()
    until = (f", the last lost one sent {last_lost - t_stop:.3f} s after "
             "SIGSTOP" if last_lost else "")
    print(f"\n[{mode}] MAC change {t_change - t_stop:.2f} s after SIGSTOP: "
          f"{res.summary()}; lost after the change {lost_after_change} "
          f"({lost_after_change / RATE:.3f} s of the flow){until}")
    assert res.lost == lost_after_change
    assert lost_after_change <= (STALE_BOUND + MARGIN) * RATE
    if last_lost:
        assert last_lost - t_stop <= STALE_BOUND + MARGIN
    assert res.reordered == 0


def test_route_deleted_while_stopped(svc):
    """SIGSTOP, then the flow's route is deleted in the kernel: the last
    datagram that still reaches S1 was sent no later than 1 s after zebra
    stopped (and after the delete)."""
    topo, mode = svc
    f = flow(topo)
    xdp_forwards_again(topo, mode)
    t_stop = time.monotonic()
    topo.svc.signal("zebra", signal.SIGSTOP)
    try:
        time.sleep(0.3)
        t_del = time.monotonic()
        topo.r.ip("route", "del", lablib.ROUTE_V4)
        time.sleep(2.0)
        t_cont = time.monotonic()
    finally:
        topo.svc.signal("zebra", signal.SIGCONT)
    res = f.finish()
    # zebra, continued, may put its route back: look before SIGCONT
    got = [(s, r) for s, r in zip(res.sent_at, res.recv_at) if r < t_cont]
    last_sent = max(s for s, _ in got)
    last_recv = max(r for _, r in got)
    print(f"\n[{mode}] route deleted {t_del - t_stop:.2f} s after SIGSTOP: "
          f"last datagram through sent {last_sent - t_del:+.3f} s, "
          f"received {last_recv - t_del:+.3f} s after the delete "
          f"({last_sent - t_stop:.3f} s after SIGSTOP); {res.summary()}")
    assert last_sent - t_stop <= STALE_BOUND + MARGIN
    assert last_recv - t_del <= STALE_BOUND
    restore_route(topo)


def restore_route(topo) -> None:
    """The static route back in the kernel: zebra reinstalls what the
    kernel deleted under it; if it does not, staticd is told again."""
    def back():
        return lablib.kernel_route(topo.r, lablib.ROUTE_V4) is not None
    try:
        lablib.wait_until(back, 5, what="zebra to reinstall the route")
    except lablib.LabError:
        print("zebra did not reinstall the deleted route; staticd again")
        route = f"ip route {lablib.ROUTE_V4} 10.0.2.2"
        topo.frr.configure(f"no {route}")
        topo.frr.configure(route)
        lablib.wait_until(back, 10, what="the route back")


def test_kill_connected_flow(svc):
    """SIGKILL zebra under a flow to a connected route: its XDP links die
    with it, the kernel forwards at once (0 lost, 0 reordered), and once
    watchfrr has restarted zebra the fast path forwards again."""
    topo, mode = svc
    f = flow(topo, dst="10.0.2.2")
    xdp_forwards_again(topo, mode)
    t_kill = time.monotonic()
    old = topo.svc.signal("zebra", signal.SIGKILL)
    topo.svc.wait_restarted("zebra", old)
    t_up = time.monotonic()
    xdp_forwards_again(topo, mode, timeout=30)
    t_fast = time.monotonic()
    time.sleep(0.5)
    res = f.finish()
    print(f"\n[{mode}] SIGKILL: zebra answering again after "
          f"{t_up - t_kill:.1f} s, fast path after {t_fast - t_kill:.1f} s; "
          f"{res.summary()}")
    assert res.lost == 0 and res.reordered == 0 and res.duplicates == 0
