"""Restart with no loss of its own: FRR's graceful restart (`zebra -K 60`
retains the kernel's routes, bgpd with `bgp graceful-restart`, a gobgpd
peer in helper mode advertising the route) on FRR started as Debian's
service (svclab.py).  zebra is killed (-9); watchfrr's phased restart
stops bgpd and staticd, restarts zebra, then starts them again.  A 1000/s
flow to the BGP route must lose nothing and never take the covering
static route to the other server; the same run without xdpfwd beside it.
"""

from __future__ import annotations

import json
import signal
import time

import pytest

import dynlab
import lablib
import svclab

RATE = 1000
FLOW_PORT = 9200
BGP_ROUTE = lablib.ROUTE_V4            # 10.100.0.0/24 via S1 (BGP)
COVERING = "10.100.0.0/16"             # static, via S2
GOBGP_PORT = 50071
R_AS, PEER_AS = 65000, 65001

BGPD_CONF = f"""router bgp {R_AS}
 bgp router-id 10.0.2.1
 no bgp ebgp-requires-policy
 bgp graceful-restart
 bgp graceful-restart preserve-fw-state
 timers bgp 3 9
 neighbor 10.0.2.2 remote-as {PEER_AS}
 neighbor 10.0.2.2 timers connect 1
 !
 address-family ipv4 unicast
  neighbor 10.0.2.2 activate
 exit-address-family
exit
!
"""

GOBGPD_CONF = f"""[global.config]
  as = {PEER_AS}
  router-id = "10.0.2.2"
  local-address-list = ["10.0.2.2"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.0.2.1"
    peer-as = {R_AS}
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
    idle-hold-time-after-reset = 1
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 120
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
"""


def bgp_established(topo) -> bool:
    out = topo.frr.vtysh("show bgp neighbors 10.0.2.2 json", daemon="bgpd",
                         check=False).stdout
    try:
        return json.loads(out)["10.0.2.2"]["bgpState"] == "Established"
    except (ValueError, KeyError):
        return False


def bgpd_has_route(topo) -> bool:
    """bgpd (the restarted one) learnt the route from its peer again."""
    out = topo.frr.vtysh(f"show bgp ipv4 unicast {BGP_ROUTE} json",
                         daemon="bgpd", check=False).stdout
    try:
        return bool(json.loads(out).get("paths"))
    except ValueError:
        return False


def bgp_route_in_kernel(topo) -> bool:
    route = lablib.kernel_route(topo.r, BGP_ROUTE)
    return route is not None and route.get("protocol") == "bgp"


def fast_path_forwards(topo, mode: str, dst_packets: float) -> bool:
    if mode == "plain":
        return True
    a = lablib.reason_packets(lablib.xdpfwd_counters(topo.frr), "fwdV4")
    time.sleep(0.5)
    b = lablib.reason_packets(lablib.xdpfwd_counters(topo.frr), "fwdV4")
    return b - a >= dst_packets


@pytest.fixture(params=["xdpfwd", "plain"])
def gr(request, xdpfwd_module, xdpfwd_vtysh):
    dynlab.check_prerequisites()
    mode = request.param
    lab = svclab.SvcLab(f"gr-{mode}")
    try:
        topo = svclab.build(
            lab, vtysh_client=xdpfwd_vtysh, bgpd=True, zebra_args="-K 60",
            module_file=(svclab.module_file(xdpfwd_module)
                         if mode == "xdpfwd" else None),
            static_routes=[f"ip route {COVERING} 10.0.3.2"],
            extra_conf=BGPD_CONF)
        conf = lab.dir / "gobgpd.toml"
        conf.write_text(GOBGPD_CONF)
        log = open(lab.dir / "gobgpd.log", "w")
        lab.popen(topo.s1, "gobgpd", "-f", str(conf), "-p", "--api-hosts",
                  f"127.0.0.1:{GOBGP_PORT}", "--log-level", "warn",
                  stdout=log, stderr=log)
        gobgp = ["gobgp", "-p", str(GOBGP_PORT)]
        lablib.wait_until(lambda: topo.s1.run(*gobgp, "global", check=False)
                          .returncode == 0, 15, what="gobgpd's API")
        topo.s1.run(*gobgp, "global", "rib", "add", BGP_ROUTE, "-a", "ipv4")
        # S2 owns the flow's destination too: a datagram that takes the
        # covering route arrives there and is counted
        topo.s2.ip("addr", "add", f"{lablib.TARGET_V4}/32", "dev", "lo")
        lablib.wait_until(lambda: bgp_established(topo), 30,
                          what="the BGP session")
        lablib.wait_until(lambda: bgp_route_in_kernel(topo), 20,
                          what="the BGP route in R's kernel")
        lablib.wait_until(lambda: lablib.kernel_route(topo.r, COVERING),
                          20, what="the covering static route")
        if mode == "xdpfwd":
            lablib.wait_until(lambda: topo.frr.xdpfwd_json(
                "show xdpfwd json").get("liveness", {}).get("gateOpen"),
                20, what="xdpfwd's start gate open")
        res = topo.c.ping(lablib.TARGET_V4, count=2, interval=0.2)
        assert res.returncode == 0, res.stdout
        topo.s2.ping("10.0.1.2", count=1)
        yield topo, mode
    finally:
        lab.close()


def test_kill_with_graceful_restart(gr):
    """kill -9 zebra under a 1000/s flow to the BGP route: zebra -K keeps
    the kernel's routes, watchfrr restarts zebra, bgpd and staticd, bgpd
    learns the route again; not one datagram is lost or reordered, none
    takes the covering static route to S2, and XDP forwards the flow
    again (with xdpfwd) before and after bgpd is back.  (Without -K the
    same run lost 3.6 s with xdpfwd and 2.7 s without, 3033 and 2031
    datagrams of it at S2.)"""
    topo, mode = gr
    other = lablib.UdpSink(topo.lab, topo.s2, lablib.TARGET_V4, FLOW_PORT)
    f = svclab.SeqFlow(topo.lab, topo.c, "10.0.1.2", topo.s1,
                       lablib.TARGET_V4, port=FLOW_PORT, rate=RATE)
    time.sleep(1.0)
    if mode == "xdpfwd":
        assert fast_path_forwards(topo, mode, 0.8 * RATE * 0.5)
    t_kill = time.monotonic()
    old = {d: topo.svc.pid(d) for d in ("zebra", "bgpd", "staticd")}
    topo.svc.signal("zebra", signal.SIGKILL)
    topo.svc.wait_restarted("zebra", old["zebra"], timeout=60)
    t_zebra = time.monotonic()
    # with xdpfwd: the fast path takes the flow back by the retained
    # routes once its start gate opens, before bgpd has its session back
    lablib.wait_until(lambda: fast_path_forwards(topo, mode,
                                                 0.8 * RATE * 0.5),
                      30, interval=0, what="the fast path back")
    t_fast = time.monotonic()
    topo.svc.wait_restarted("bgpd", old["bgpd"], timeout=60)
    lablib.wait_until(lambda: bgp_established(topo), 60,
                      what="the BGP session back")
    t_bgp = time.monotonic()
    lablib.wait_until(lambda: bgpd_has_route(topo), 30,
                      what="bgpd to learn the route again")
    # the route bgpd learnt again replaces the retained one: still XDP
    lablib.wait_until(lambda: fast_path_forwards(topo, mode,
                                                 0.8 * RATE * 0.5),
                      30, interval=0, what="the fast path after BGP")
    time.sleep(1.0)
    res = f.finish()
    at_s2 = sum(other.finish().values())
    extra = ""
    if mode == "xdpfwd":
        c = lablib.xdpfwd_counters(topo.frr)
        extra = (f"; new zebra's counters: fwdV4 "
                 f"{lablib.reason_packets(c, 'fwdV4')}, passStale "
                 f"{lablib.reason_packets(c, 'passStale')} (gate closed)")
    print(f"\n[{mode}] kill -9 zebra (-K 60, BGP graceful restart): zebra "
          f"back {t_zebra - t_kill:.1f} s, fast path "
          f"{t_fast - t_kill:.1f} s, BGP session {t_bgp - t_kill:.1f} s "
          f"after the kill; {res.summary()}; at S2 (covering static "
          f"route): {at_s2}{extra}")
    assert at_s2 == 0
    assert res.lost == 0 and res.reordered == 0
