#!/usr/bin/python3
"""Differential test: R forwarding by the kernel alone against R with the
xdpfwd fast path, frame by frame.

For each scenario (SCENARIOS: one router configuration each) a fresh lab
(tests/lab/lablib.py: C -- R -- S1, S2, zebra -M xdpfwd and staticd in R)
is built, the scenario is applied, and the corpus of corpus.py is sent
from C (and a few frames from S1) three times while every host captures
what arrives on its eth0:

  1. kernel   xdpfwd loaded, no interface enabled: the kernel forwards
  2. xdpfwd   `interface X` / ` xdpfwd` on all three router interfaces
  3. kernel   `no xdpfwd` again: the self-test, it must equal run 1

The captures are matched by the id every frame carries (corpus.py: a tag
early in the L4 payload, quoted by ICMP errors; TCP marks for RSTs) and
compared byte for byte per host.  Run 1 against run 3 is the harness's
self-test (any difference there is the harness's, not xdpfwd's); run 1
against run 2 is the result.

Made deterministic for the comparison:
- R: net.ipv4.icmp_ratelimit=0, net.ipv4.icmp_ratemask=0,
  net.ipv6.icmp.ratelimit=0, net.ipv6.icmp.ratemask="" (no ICMP error is
  rate limited, neither per destination nor by the global budget);
- ICMP redirects are rate limited per source by the kernel with no knob
  in a namespace, so every frame that may be routed back out of its
  ingress link has a source address of its own (corpus.py pools);
- the hosts drop every IPv4/IPv6 frame at tc ingress except neighbour
  discovery (AF_PACKET captures before tc): they never answer, so what
  they receive is R's doing alone;
- ignored: ARP, ND (RS/RA/NS/NA), MLD and IGMP frames without a corpus id
  (control traffic, not the corpus);
- R's own packets (ICMP errors, echo replies, RSTs): IPv4 id and IPv6
  flow label zeroed (the kernel draws them at random per packet);
- ECMP: a forwarded frame under an ECMP route is compared from its IP
  header on, at whichever member host (S1 or S2) it arrives, its MACs
  checked to be that member's and R's.

Usage:
  /usr/bin/python3 tests/diff/difftest.py            # CI-sized corpus
  /usr/bin/python3 tests/diff/difftest.py --full     # full corpus
  ... [--scenario NAME ...] [--seed N] [--size N] [--json FILE] [-v]
"""

from __future__ import annotations

import argparse
import collections
import ipaddress
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lab"))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import lablib  # noqa: E402

NETSCRIPT = HERE / "diffnet.py"
HOSTS = ("c", "s1", "s2")
R_IFS = lablib.R_IF  # role -> R's interface facing it
SEED = 1
CI_SIZE = 0          # the systematic part only (~580 frames)
FULL_SIZE = 3000     # systematic part + 3000 random frames
S2_MTU = 1400        # R's to-s2, in every scenario (cheap over-MTU frames)


class Differences(AssertionError):
    """xdpfwd's output differs from the kernel's (the result, not a harness
    failure)."""


class HarnessError(AssertionError):
    """The comparison is not valid: the self-test differs, frames were
    dropped by a queue, or the fast path did not run."""


# ---------------------------------------------------------------------------
# Scenarios: a router configuration, applied once before all three runs


def _vtysh_routes(t, *lines):
    t.frr.configure(*lines)


def _wait_route(t, prefix, table="main"):
    fam = "-6" if ":" in prefix else "-4"

    def there():
        out = t.r.ip("-j", fam, "route", "show", "table", table,
                     "exact", prefix).stdout
        return bool(out.strip()) and json.loads(out)
    lablib.wait_until(there, 15, what=f"{prefix} in R's kernel ({table})")


def sc_default(t):
    pass


def sc_forwarding_off(t):
    t.r.sysctl("net.ipv4.ip_forward", 0)
    t.r.sysctl("net.ipv6.conf.all.forwarding", 0)


def sc_ingress_forwarding_off(t):
    t.r.sysctl("net.ipv4.conf.to-c.forwarding", 0)
    t.r.sysctl("net.ipv6.conf.to-c.forwarding", 0)


def sc_rp_filter(mode):
    def apply(t):
        for conf in ("all", "to-c", "to-s1", "to-s2"):
            t.r.sysctl(f"net.ipv4.conf.{conf}.rp_filter", mode)
    return apply


def sc_policy_rule(t):
    t.r.ip("route", "add", "10.100.0.0/24", "via", "10.0.3.2", "table", "100")
    t.r.ip("rule", "add", "from", "10.0.1.0/24", "table", "100")


def sc_policy_rule_v6(t):
    t.r.ip("-6", "route", "add", "2001:db8:100::/48", "via", "fd00:3::2",
           "table", "100")
    t.r.ip("-6", "rule", "add", "from", "fd00:1::/64", "table", "100")


def sc_mtu(t):
    t.r.ip("route", "replace", "10.101.0.0/24", "via", "10.0.2.2", "mtu",
           "1300")
    t.r.ip("-6", "route", "replace", "2001:db8:101::/48", "via", "fd00:2::2",
           "mtu", "1300")
    t.r.ip("link", "set", "to-s1", "mtu", "1450")
    t.r.sysctl("net.ipv6.conf.to-s2.mtu", 1280)


def sc_throw(t):
    t.r.ip("route", "add", "throw", "10.100.0.128/25")
    t.r.ip("-6", "route", "add", "throw", "2001:db8:100:8000::/49")


def sc_unreachable_prohibit(t):
    t.r.ip("route", "add", "unreachable", "10.100.0.128/25")
    t.r.ip("route", "add", "prohibit", "10.100.0.64/26")
    t.r.ip("-6", "route", "add", "unreachable", "2001:db8:100:8000::/49")
    t.r.ip("-6", "route", "add", "prohibit", "2001:db8:100:4000::/50")


def sc_lo_subnet(t):
    t.r.ip("addr", "add", "10.255.0.1/24", "dev", "lo")
    t.r.ip("-6", "addr", "add", "2001:db8:255::1/64", "dev", "lo", "nodad")


def sc_anyip(t):
    # AnyIP: 10.100.0.128/25 is local inside the static route to S1, but a
    # main /32 inside it still routes (IPv4 looks both tables up as one);
    # from then on the kernel validates every IPv4 source (IPv6 keeps the
    # fast path busy)
    t.r.ip("route", "add", "local", "10.100.0.128/25", "dev", "lo")
    t.r.ip("route", "add", "10.100.0.200/32", "via", "10.0.3.2")
    _wait_route(t, "10.100.0.200/32")


def sc_anyip_v6(t):
    # IPv6 looks the local table up first: the /49 is local, the main /64
    # inside it too; the rest of IPv6 stays in the fast path
    t.r.ip("-6", "route", "add", "local", "2001:db8:100:8000::/49",
           "dev", "lo")
    t.r.ip("-6", "route", "add", "2001:db8:100:8000::/64", "via",
           "fd00:3::2")
    _wait_route(t, "2001:db8:100:8000::/64")


def sc_local_route_deleted(t):
    # the local routes of R's address on to-s2 and of that subnet's
    # broadcast address deleted: the kernel routes both like any host of
    # the subnet, here to S2's MAC (a permanent neighbour entry each)
    s2_mac = t.env.mac["s2"]
    for fam, addr, kind in (("-4", "10.0.3.1", "local"),
                            ("-4", "10.0.3.255", "broadcast"),
                            ("-6", "fd00:3::1", "local")):
        t.r.ip(fam, "route", "del", kind, addr, "dev", "to-s2", "table",
               "local")
        t.r.ip(fam, "neigh", "replace", addr, "lladdr", s2_mac, "nud",
               "permanent", "dev", "to-s2")


def sc_directed_broadcast(t):
    for conf in ("all", "to-c", "to-s1", "to-s2"):
        t.r.sysctl(f"net.ipv4.conf.{conf}.bc_forwarding", 1)


def sc_hairpin(t):
    _vtysh_routes(t, "ip route 10.77.0.0/24 10.0.1.2",
                  f"ipv6 route 2001:db8:77::/48 {t.env.ll['c']} to-c")
    _wait_route(t, "10.77.0.0/24")
    _wait_route(t, "2001:db8:77::/48")


def sc_default_route(t):
    _vtysh_routes(t, "ip route 0.0.0.0/0 10.0.3.2",
                  "ipv6 route ::/0 fd00:3::2")
    _wait_route(t, "0.0.0.0/0")
    _wait_route(t, "::/0")


def _nft(t, script: str) -> None:
    # (nft -f rejects a rule followed by "; }" on its line: newlines)
    t.r.run("nft", "-f", "-", input=script)


def sc_nft_forward_drop(t):
    # IPv4 only (an ip table): IPv6 keeps the fast path busy
    _nft(t, "table ip xdpfwddiff {\n"
            " chain f {\n"
            "  type filter hook forward priority 0; policy accept;\n"
            "  ip daddr 10.100.0.0/25 counter drop\n"
            "  udp dport 7 counter drop\n"
            " }\n"
            "}\n")


def sc_nft_masquerade(t):
    # ICMP redirects are rate limited per source: the kernel would differ
    # from itself (see field-notes); NAT changes nothing to that, off here
    for conf in ("all", "to-c", "to-s1", "to-s2"):
        t.r.sysctl(f"net.ipv4.conf.{conf}.send_redirects", 0)
    _nft(t, "table ip xdpfwddiffnat {\n"
            " chain post {\n"
            "  type nat hook postrouting priority 100; policy accept;\n"
            "  oifname \"to-s1\" masquerade\n"
            " }\n"
            "}\n")


def _conntrack_mode(apply):
    """apply, in `xdpfwd firewall conntrack`: the packets of connections
    conntrack holds as established (none in the corpus: single frames, no
    handshake) are forwarded in XDP, the rest goes to the kernel."""
    def sc(t):
        res = t.frr.xdpfwd("configure terminal", "xdpfwd firewall conntrack",
                           check=False)
        if res.returncode != 0:
            raise HarnessError(f"xdpfwd-vtysh failed: {res.stdout}"
                               f"{res.stderr}")
        apply(t)
    return sc


@dataclass
class Scenario:
    name: str
    description: str
    apply: object


SCENARIOS = [
    Scenario("default", "the lab as built: static single-path and ECMP "
             "routes, a blackhole and a reject route, to-s2 MTU 1400, "
             "kernel defaults (send_redirects on, rp_filter off)",
             sc_default),
    Scenario("forwarding-off", "forwarding off globally: "
             "net.ipv4.ip_forward=0, net.ipv6.conf.all.forwarding=0",
             sc_forwarding_off),
    Scenario("ingress-forwarding-off", "forwarding off on the ingress "
             "only: net.ipv4.conf.to-c.forwarding=0, "
             "net.ipv6.conf.to-c.forwarding=0", sc_ingress_forwarding_off),
    Scenario("rp-filter-strict", "net.ipv4.conf.{all,to-*}.rp_filter=1; "
             "the corpus has spoofed and martian sources", sc_rp_filter(1)),
    Scenario("rp-filter-loose", "net.ipv4.conf.{all,to-*}.rp_filter=2",
             sc_rp_filter(2)),
    Scenario("policy-rule", "ip rule add from 10.0.1.0/24 table 100, "
             "where 10.100.0.0/24 goes via S2 instead of S1 (IPv4 only: "
             "IPv6 keeps the fast path busy)", sc_policy_rule),
    Scenario("policy-rule-v6", "ip -6 rule add from fd00:1::/64 table 100, "
             "where 2001:db8:100::/48 goes via S2 instead of S1",
             sc_policy_rule_v6),
    Scenario("mtu", "ip route replace 10.101.0.0/24 via S1 mtu 1300 (and "
             "2001:db8:101::/48) through the kernel; to-s1 MTU 1450; "
             "net.ipv6.conf.to-s2.mtu=1280 (link MTU 1400)", sc_mtu),
    Scenario("throw", "throw 10.100.0.128/25 and 2001:db8:100:8000::/49 "
             "in the main table (no rule after it routes them)", sc_throw),
    Scenario("unreachable-prohibit", "kernel routes `ip route add "
             "unreachable 10.100.0.128/25`, `prohibit 10.100.0.64/26` (and "
             "IPv6 2001:db8:100:8000::/49, 2001:db8:100:4000::/50) inside "
             "the static route to S1", sc_unreachable_prohibit),
    Scenario("lo-subnet", "10.255.0.1/24 and 2001:db8:255::1/64 on R's lo; "
             "frames to 10.255.0.7 / 2001:db8:255::7", sc_lo_subnet),
    Scenario("anyip", "AnyIP: `ip route add local 10.100.0.128/25 dev lo` "
             "in the local table, inside the static route to S1, and a main "
             "10.100.0.200/32 via S2 inside it", sc_anyip),
    Scenario("anyip-v6", "AnyIP: `ip -6 route add local "
             "2001:db8:100:8000::/49 dev lo`, inside the static route to S1, "
             "and a main 2001:db8:100:8000::/64 via S2 inside it",
             sc_anyip_v6),
    Scenario("local-route-deleted", "the local-table routes of 10.0.3.1, "
             "10.0.3.255 and fd00:3::1 (R's on to-s2) deleted, each a "
             "permanent neighbour at S2's MAC: routed to S2",
             sc_local_route_deleted),
    Scenario("directed-broadcast", "net.ipv4.conf.{all,to-*}.bc_forwarding"
             "=1; frames to 10.0.2.255 and 10.0.3.255",
             sc_directed_broadcast),
    Scenario("hairpin", "static routes 10.77.0.0/24 via C (10.0.1.2) and "
             "2001:db8:77::/48 via C's link-local: back out of the ingress",
             sc_hairpin),
    Scenario("default-route", "default routes 0.0.0.0/0 and ::/0 via S2: "
             "unrouted and special destinations get a route",
             sc_default_route),
    Scenario("nft-forward-drop", "an nftables ip forward chain dropping "
             "10.100.0.0/25 and UDP port 7 (xdpfwd firewall pass: IPv4 is "
             "the kernel's)", sc_nft_forward_drop),
    Scenario("nft-masquerade", "an nftables ip nat postrouting chain "
             "masquerading out of to-s1; send_redirects off",
             sc_nft_masquerade),
    Scenario("nft-forward-drop-conntrack", "nft-forward-drop in "
             "`xdpfwd firewall conntrack`",
             _conntrack_mode(sc_nft_forward_drop)),
    Scenario("nft-masquerade-conntrack", "nft-masquerade in "
             "`xdpfwd firewall conntrack`",
             _conntrack_mode(sc_nft_masquerade)),
]
SCENARIO_BY_NAME = {s.name: s for s in SCENARIOS}


# ---------------------------------------------------------------------------
# The lab


@dataclass
class DiffLab:
    lab: lablib.Lab
    topo: lablib.Topology
    env: corpus.Env
    r_addrs: object = None

    def __getattr__(self, name):  # t.r, t.c, t.frr ... from the topology
        return getattr(self.topo, name)


def r_sysctls(r: lablib.Netns) -> None:
    """No rate limit on any ICMP error R sends (see the module doc)."""
    r.sysctl("net.ipv4.icmp_ratelimit", 0)
    r.sysctl("net.ipv4.icmp_ratemask", 0)
    r.sysctl("net.ipv6.icmp.ratelimit", 0)
    r.sysctl("net.ipv6.icmp.ratemask", "")


def host_drop_filters(ns: lablib.Netns, sink: lablib.Netns,
                      name: str) -> None:
    """The host's kernel never sees an IP frame (AF_PACKET captures come
    before tc ingress): tc redirects every IPv4/IPv6 frame arriving on
    eth0 into a veth whose peer is in the sink namespace (no addresses,
    IPv6 disabled: every frame dies there); only neighbour
    solicitations/advertisements pass, so that R keeps resolving the
    host.  (This kernel has cls_u32 and act_mirred, not gact, matchall or
    flower: a u32 match without action ends the chain with "pass".)"""
    lablib.run(["ip", "link", "add", "name", "sink0", "netns", ns.name,
                "type", "veth", "peer", "name", name, "netns", sink.name])
    sink.ip("link", "set", name, "up")
    ns.ip("link", "set", "sink0", "up")
    ns.run("tc", "qdisc", "add", "dev", "eth0", "clsact")
    for pref, typ in ((1, 135), (2, 136)):
        ns.run("tc", "filter", "add", "dev", "eth0", "ingress", "pref",
               str(pref), "protocol", "ipv6", "u32", "match", "ip6",
               "protocol", "58", "0xff", "match", "u8", str(typ), "0xff",
               "at", "40", "flowid", "1:1")
    for pref, proto in ((10, "ip"), (11, "ipv6")):
        ns.run("tc", "filter", "add", "dev", "eth0", "ingress", "pref",
               str(pref), "protocol", proto, "u32", "match", "u32", "0", "0",
               "action", "mirred", "egress", "redirect", "dev", "sink0")


def link_local(ns: lablib.Netns, ifname: str) -> str:
    out = json.loads(ns.ip("-j", "-6", "addr", "show", "dev", ifname,
                           "scope", "link").stdout)
    for link in out:
        for a in link.get("addr_info", []):
            if a.get("local", "").startswith("fe80:"):
                return a["local"]
    raise lablib.LabError(f"no link-local address on {ifname} in {ns.name}")


def build(module: str, vtysh_client: Path, tag: str) -> DiffLab:
    lab = lablib.Lab(tag)
    try:
        topo = lablib.build_topology(lab, vtysh_client=vtysh_client,
                                     module=module, xdpfwd_in_config=False)
        r = topo.r
        r_sysctls(r)
        for ns in topo.hosts.values():
            ns.sysctl("net.ipv6.conf.eth0.router_solicitations", 0)
        r.ip("link", "set", "to-s2", "mtu", str(S2_MTU))
        topo.frr.configure("ip route 10.66.0.0/24 blackhole",
                           "ipv6 route 2001:db8:66::/48 blackhole",
                           "ip route 10.67.0.0/24 reject",
                           "ipv6 route 2001:db8:67::/48 reject",
                           f"ip route {corpus.BEHIND_V4} 10.0.1.2",
                           f"ipv6 route {corpus.BEHIND_V6} fd00:1::2")
        for role in ("c", "s1"):
            batch = lab.dir / f"pool-{role}.batch"
            batch.write_text("".join(
                f"addr add {a}/128 dev eth0 nodad\n" if ":" in a else
                f"addr add {a}/32 dev eth0\n"
                for a in corpus.pool_addresses(role)))
            topo.host(role).ip("-batch", str(batch))
        mac = {role: topo.host(role).link("eth0")["address"]
               for role in HOSTS}
        mac.update({f"r-{role}": r.link(ifname)["address"]
                    for role, ifname in R_IFS.items()})
        ll = {role: link_local(topo.host(role), "eth0") for role in HOSTS}
        ll.update({f"r-{role}": link_local(r, ifname)
                   for role, ifname in R_IFS.items()})
        env = corpus.Env(mac=mac, ll=ll)
        for prefix in ("10.66.0.0/24", "2001:db8:66::/48", "10.67.0.0/24",
                       "2001:db8:67::/48", corpus.BEHIND_V4,
                       corpus.BEHIND_V6):
            lablib.wait_until(lambda: _kernel_has(r, prefix), 15,
                              what=f"{prefix} in R's kernel")
        lablib.warm_up(topo)
        # R's neighbour entry for C's link-local (hairpin next hop, and
        # frames to it)
        r.run("ping", "-6", "-c", "1", "-W", "2", f"{ll['c']}%to-c",
              check=False)
        sink = lab.add_netns("sink")
        sink.sysctl("net.ipv6.conf.all.disable_ipv6", 1)
        sink.sysctl("net.ipv6.conf.default.disable_ipv6", 1)
        for role in HOSTS:
            host_drop_filters(topo.host(role), sink, f"from-{role}")
        resolve_pools(lab, r)
        return DiffLab(lab, topo, env)
    except BaseException:
        lab.close()
        raise


def resolve_pools(lab: lablib.Lab, r: lablib.Netns) -> None:
    """R resolves the hosts' pool addresses before the first run: an IPv6
    redirect carries the target's link-layer address only when R has a
    valid neighbour entry for it, so the first run would differ from the
    others."""
    addrs = {a for role in ("c", "s1") for a in corpus.pool_addresses(role)}
    path = lab.dir / "pool-addrs.txt"
    path.write_text("\n".join(sorted(addrs)) + "\n")
    r.run(sys.executable, str(NETSCRIPT), "touch", "--addrs", str(path))

    def resolved():
        out = json.loads(r.ip("-j", "neigh", "show").stdout) + json.loads(
            r.ip("-j", "-6", "neigh", "show").stdout)
        valid = {str(ipaddress.ip_address(n["dst"])) for n in out
                 if set(n.get("state", [])) & {"REACHABLE", "STALE", "DELAY",
                                               "PROBE", "PERMANENT"}}
        return {str(ipaddress.ip_address(a)) for a in addrs} <= valid
    lablib.wait_until(resolved, 10, interval=0.1,
                      what="R's neighbours for the pool addresses")


def _kernel_has(r, prefix):
    fam = "-6" if ":" in prefix else "-4"
    out = r.ip("-j", fam, "route", "show", "exact", prefix).stdout
    if not out.strip():
        # blackhole/unreachable routes: `show exact` lists them by type
        out = r.ip("-j", fam, "route", "show", "table", "main").stdout
        return any(x.get("dst") == prefix for x in json.loads(out))
    return bool(json.loads(out))


def router_local_nets(r: lablib.Netns) -> list:
    """R's own addresses, as sources of the packets R sends: the `local`
    routes of its local table (a /24 on lo makes the whole /24 local) and
    its interfaces' addresses (a scenario may delete an address's local
    route; R still sends from it)."""
    nets = []
    for fam in ("-4", "-6"):
        out = r.ip("-j", fam, "route", "show", "table", "local").stdout
        for rt in json.loads(out) if out.strip() else []:
            if rt.get("type") == "local":
                nets.append(ipaddress.ip_network(rt["dst"], strict=False))
        out = r.ip("-j", fam, "addr", "show").stdout
        for link in json.loads(out) if out.strip() else []:
            for a in link.get("addr_info", []):
                nets.append(ipaddress.ip_network(a["local"]))
    return nets


class LocalAddrs:
    """`addr in LocalAddrs(nets)`: addr is one of R's own addresses."""

    def __init__(self, nets):
        self.nets = nets
        self.cache = {}

    def __contains__(self, addr: str) -> bool:
        if addr not in self.cache:
            a = ipaddress.ip_address(addr)
            self.cache[addr] = any(a.version == n.version and a in n
                                   for n in self.nets)
        return self.cache[addr]


# -- xdpfwd on and off ------------------------------------------------------


def attached(t) -> set[str]:
    status = t.frr.xdpfwd_json("show xdpfwd json")
    return {i["name"] for i in status.get("interfaces", [])
            if i.get("attached")}


def set_xdpfwd(t, on: bool) -> None:
    cmds = ["configure terminal"]
    for ifname in R_IFS.values():
        cmds += [f"interface {ifname}", "xdpfwd" if on else "no xdpfwd"]
    res = t.frr.xdpfwd(*cmds, check=False)
    if res.returncode != 0:
        raise HarnessError(f"xdpfwd-vtysh failed: {res.stdout}{res.stderr}")
    want = set(R_IFS.values()) if on else set()
    lablib.wait_until(lambda: attached(t) == want, 15,
                      what=f"xdpfwd {'attached' if on else 'detached'}")
    if on:
        def converged():
            audit = t.frr.xdpfwd_json("show xdpfwd audit json").get(
                "audit", {})
            return audit.get("converged") and all(
                lablib.static_route_offloaded(t.frr, p)
                for p in (lablib.ROUTE_V4, lablib.ECMP_V4, lablib.ROUTE_V6,
                          lablib.ECMP_V6))
        lablib.wait_until(converged, 20, interval=0.1,
                          what="xdpfwd converged and routes offloaded")


# ---------------------------------------------------------------------------
# One pass of the corpus


@dataclass
class Pass:
    label: str
    captures: dict            # host role -> [bytes]
    sent: int
    fwd_kernel: dict          # family -> R's kernel forwarding delta
    xdp: dict | None          # reason -> packets delta (xdpfwd passes)
    drops: dict               # where -> count (must be all 0)
    seconds: float


def write_frames(path: Path, frames: list[bytes]) -> None:
    with open(path, "wb") as f:
        for data in frames:
            f.write(struct.pack("<I", len(data)))
            f.write(data)


def read_capture(path: Path) -> list[bytes]:
    data = path.read_bytes()
    out, pos = [], 0
    while pos < len(data):
        n, _ptype = struct.unpack_from("<IB", data, pos)
        out.append(data[pos + 5:pos + 5 + n])
        pos += 5 + n
    return out


def link_drops(t) -> dict[str, int]:
    """tx_dropped/rx_dropped of every lab interface (veth drops frames it
    cannot queue into its peer as the sender's tx_dropped)."""
    out = {}
    for role in HOSTS:
        s = t.topo.host(role).link_stats("eth0")
        out[f"{role}:eth0"] = s["tx_dropped"] + s["rx_dropped"]
    for ifname in R_IFS.values():
        s = t.r.link_stats(ifname)
        out[f"r:{ifname}"] = s["tx_dropped"]
    return out


def xdp_reasons(t) -> dict[str, int]:
    c = lablib.xdpfwd_counters(t.frr)
    return {k: int(v.get("packets", 0)) for k, v in c["reasons"].items()}


def run_pass(t, label: str, frames: list[corpus.Frame], *,
             quiet: float, xdp: bool) -> Pass:
    start = time.monotonic()
    workdir = t.lab.dir / f"pass-{label}"
    workdir.mkdir(exist_ok=True)
    by_sender: dict[str, list[bytes]] = collections.defaultdict(list)
    for f in frames:
        by_sender[f.sender].append(f.data)
    files = {}
    for sender, datas in by_sender.items():
        files[sender] = workdir / f"send-{sender}.bin"
        write_frames(files[sender], datas)
    before_k = {4: t.r.forwarded(4), 6: t.r.forwarded(6)}
    before_x = xdp_reasons(t) if xdp else None
    before_d = link_drops(t)
    sniffers = {}
    try:
        for role in HOSTS:
            out = workdir / f"cap-{role}.bin"
            proc = t.lab.popen(t.topo.host(role), sys.executable,
                               str(NETSCRIPT), "sniff", "--iface", "eth0",
                               "--out", str(out), "--quiet", str(quiet),
                               stdout=subprocess.PIPE, text=True)
            sniffers[role] = (proc, out)
        for role, (proc, _) in sniffers.items():
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise HarnessError(f"sniffer in {role} did not start: "
                                   f"{line!r}")
        sent = 0
        for sender in ("c", "s1"):
            if sender not in files:
                continue
            res = t.topo.host(sender).run(
                sys.executable, str(NETSCRIPT), "send", "--iface", "eth0",
                "--frames", str(files[sender]), timeout=300)
            info = json.loads(res.stdout)
            if info["errors"]:
                raise HarnessError(f"send errors from {sender}: "
                                   f"{info['errors'][:10]}")
            sent += info["sent"]
        results = {}
        for role, (proc, out) in sniffers.items():
            proc.send_signal(signal.SIGUSR1)
        for role, (proc, out) in sniffers.items():
            stdout, _ = proc.communicate(timeout=60)
            results[role] = json.loads(stdout.strip().splitlines()[-1])
    finally:
        for proc, _ in sniffers.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    captures = {role: read_capture(out) for role, (_, out) in sniffers.items()}
    after_d = link_drops(t)
    drops = {k: after_d[k] - before_d[k] for k in after_d}
    drops.update({f"{role}:capture": results[role]["drops"]
                  for role in HOSTS})
    fwd_k = {fam: t.r.forwarded(fam) - before_k[fam] for fam in (4, 6)}
    xdp_delta = None
    if xdp:
        after_x = xdp_reasons(t)
        xdp_delta = {k: after_x[k] - before_x.get(k, 0) for k in after_x}
    return Pass(label, captures, sent, fwd_k, xdp_delta, drops,
                time.monotonic() - start)


# ---------------------------------------------------------------------------
# Comparison

CONTROL_ICMP6 = {130, 131, 132, 133, 134, 135, 136, 143}


def is_control(frame: bytes) -> bool:
    p = corpus.parse_l3(frame)
    if p is None:
        return False
    if p["etype"] == corpus.ETH_ARP:
        return True
    if p.get("family") == 4 and p["proto"] == 2:  # IGMP
        return True
    if p.get("family") == 6 and p["proto"] == 58 and p["l4"]:
        return p["l4"][0] in CONTROL_ICMP6
    return False


def normalize(frame: bytes, r_addrs: set[str]) -> bytes:
    """Zero what the kernel draws at random in R's own packets: the IPv4
    id (and the header checksum over it), the IPv6 flow label."""
    p = corpus.parse_l3(frame)
    if not p or p.get("family") is None or p["src"] not in r_addrs:
        return frame
    off = p["l3off"]
    b = bytearray(frame)
    if p["family"] == 4:
        ihl = (b[off] & 0xF) * 4
        b[off + 4:off + 6] = b"\0\0"
        b[off + 10:off + 12] = b"\0\0"
        b[off + 10:off + 12] = struct.pack(
            "!H", corpus.csum(bytes(b[off:off + ihl])))
    else:
        b[off + 1] &= 0xF0
        b[off + 2:off + 4] = b"\0\0"
    return bytes(b)


ECMP_LABEL = "s1|s2"


def frag_key(frame: bytes):
    """(source, destination, protocol, id) of an IPv4 fragment, else None."""
    p = corpus.parse_l3(frame)
    if not p or p.get("family") != 4 or not p["frag"] & 0x3FFF:
        return None
    ident = frame[p["l3off"] + 4:p["l3off"] + 6]
    return (p["src"], p["dst"], p["proto"], ident)


def index_pass(p: Pass, frames: dict[int, corpus.Frame], env: corpus.Env,
               r_addrs: set[str]):
    """{(id or None, host label): Counter(normalized frame bytes)}, and
    the number of control frames ignored."""
    out: dict[tuple, collections.Counter] = collections.defaultdict(
        collections.Counter)
    ignored = 0
    for role, caps in p.captures.items():
        # fragments the kernel made of a frame: only the first carries the
        # tag; the others are matched by (source, destination, IP id)
        frag_ids = {}
        for data in caps:
            key = frag_key(data)
            fid = corpus.frame_id(data)
            if key and fid in frames:
                frag_ids[key] = min(fid, frag_ids.get(key, fid))
        for data in caps:
            fid = corpus.frame_id(data)
            if fid not in frames:
                fid = frag_ids.get(frag_key(data))
            if fid is None and is_control(data):
                ignored += 1
                continue
            data = normalize(data, r_addrs)
            label = role
            f = frames.get(fid)
            if f is not None and f.ecmp and role in corpus.ECMP_MEMBERS:
                l3 = corpus.parse_l3(data)
                if l3 and l3.get("dst") == str(ipaddress.ip_address(f.dst)):
                    macs_ok = (l3["dmac"] == env.mac[role] and
                               l3["smac"] == env.mac[f"r-{role}"])
                    label = ECMP_LABEL
                    if macs_ok:
                        data = b"ECMP-MACS-OK" + data[12:]
            out[(fid, label)][data] += 1
    return out, ignored


@dataclass
class Difference:
    fid: int | None
    kind: str
    host: str
    a: list       # frames of run A (kernel) [bytes]
    b: list       # frames of run B

    def how(self, a_name="kernel", b_name="xdpfwd") -> str:
        """A short description of how the two sides differ."""
        if not self.a:
            return (f"{a_name}: nothing; {b_name}: "
                    + "; ".join(describe_short(x) for x in self.b))
        if not self.b:
            return (f"{a_name}: " + "; ".join(describe_short(x)
                                              for x in self.a)
                    + f"; {b_name}: nothing")
        if len(self.a) == len(self.b) == 1:
            x, y = self.a[0], self.b[0]
            if len(x) != len(y):
                return (f"{a_name} {len(x)} B, {b_name} {len(y)} B "
                        f"({describe_short(x)} / {describe_short(y)})")
            first = next(i for i in range(len(x)) if x[i] != y[i])
            return (f"same length {len(x)} B, first different byte at "
                    f"{first}: {describe_short(x)} / {describe_short(y)}")
        return (f"{a_name}: " + "; ".join(describe_short(x) for x in self.a)
                + f" / {b_name}: " + "; ".join(describe_short(x)
                                               for x in self.b))


def describe_short(frame: bytes) -> str:
    if frame.startswith(b"ECMP-MACS-OK"):
        return corpus.describe(b"\0" * 12 + frame[12:]).split(" [")[0]
    return corpus.describe(frame)


def compare(a: Pass, b: Pass, frames: dict[int, corpus.Frame],
            env: corpus.Env, r_addrs: set[str]) -> tuple[list, dict]:
    ia, ign_a = index_pass(a, frames, env, r_addrs)
    ib, ign_b = index_pass(b, frames, env, r_addrs)
    diffs = []
    for key in sorted(set(ia) | set(ib),
                      key=lambda k: (k[0] is None, k[0] or 0, k[1])):
        ca, cb = ia.get(key, collections.Counter()), ib.get(
            key, collections.Counter())
        if ca == cb:
            continue
        fid, host = key
        only_a = sorted((ca - cb).elements())
        only_b = sorted((cb - ca).elements())
        kind = frames[fid].kind if fid in frames else "untagged"
        diffs.append(Difference(fid, kind, host, only_a, only_b))
    return diffs, (ia, ib)


def outcomes(index, frames) -> dict:
    """{id: ["host: frame description", ...]} of one pass (for --json)."""
    out = collections.defaultdict(list)
    for (fid, host), counter in index.items():
        for data, n in counter.items():
            out[fid].extend([f"{host}: {describe_short(data)}"] * n)
    return {fid: sorted(v) for fid, v in out.items()}


# ---------------------------------------------------------------------------
# A scenario


@dataclass
class Result:
    scenario: str
    description: str
    frames: int
    sent: int
    xdp_forwarded: int
    xdp_reasons: dict
    kernel_forwarded: dict      # run label -> {4: n, 6: n}
    differences: list
    selftest: list
    drops: dict
    seconds: float
    notes: list = field(default_factory=list)
    seen: dict = field(default_factory=dict)  # id -> what arrived where

    def kinds(self, diffs=None) -> dict[str, int]:
        c = collections.Counter(d.kind for d in (diffs if diffs is not None
                                                 else self.differences))
        return dict(sorted(c.items()))

    def summary(self, limit: int = 8) -> str:
        k = self.kernel_forwarded
        lines = [
            f"== scenario {self.scenario}: {self.description}",
            f"   frames sent {self.sent} (corpus {self.frames}); forwarded "
            f"by XDP {self.xdp_forwarded} (fwdV4+fwdV6); kernel forwarding "
            f"delta: kernel run v4 {k['kernel'][4]} v6 {k['kernel'][6]}, "
            f"xdpfwd run v4 {k['xdpfwd'][4]} v6 {k['xdpfwd'][6]}, "
            f"self-test run v4 {k['selftest'][4]} v6 {k['selftest'][6]}",
            f"   differences kernel vs xdpfwd: {len(self.differences)}; "
            f"self-test (kernel vs kernel): {len(self.selftest)}; "
            f"{self.seconds:.1f} s",
        ]
        verdicts = {k: v for k, v in sorted(self.xdp_reasons.items()) if v}
        lines.append(f"   XDP verdicts in the xdpfwd run: {verdicts}")
        nz = {k: v for k, v in self.drops.items() if v}
        if nz:
            lines.append(f"   DROPS: {nz}")
        for note in self.notes:
            lines.append(f"   note: {note}")
        if self.selftest:
            lines.append("   SELF-TEST differences (the harness's fault):")
            for d in self.selftest[:limit]:
                lines.append(f"     #{d.fid} {d.kind} at {d.host}: "
                             f"{d.how('run1', 'run3')}")
        if self.differences:
            lines.append("   differing kinds: " + ", ".join(
                f"{k} x{n}" for k, n in self.kinds().items()))
            for d in self.differences[:limit]:
                lines.append(f"     #{d.fid} {d.kind} at {d.host}: {d.how()}")
            if len(self.differences) > limit:
                lines.append(f"     ... {len(self.differences) - limit} more")
        return "\n".join(lines)

    def to_json(self) -> dict:
        def dj(d):
            return {"id": d.fid, "kind": d.kind, "host": d.host,
                    "how": d.how(), "kernel": [x.hex() for x in d.a],
                    "xdpfwd": [x.hex() for x in d.b]}
        return {"scenario": self.scenario, "description": self.description,
                "frames": self.frames, "sent": self.sent,
                "xdp_forwarded": self.xdp_forwarded,
                "xdp_reasons": {k: v for k, v in self.xdp_reasons.items()
                                if v},
                "kernel_forwarded": self.kernel_forwarded,
                "differences": [dj(d) for d in self.differences],
                "differing_kinds": self.kinds(),
                "selftest": [dj(d) for d in self.selftest],
                "drops": self.drops, "seconds": self.seconds,
                "notes": self.notes, "outcomes": self.seen}

    def check(self) -> None:
        """Raise HarnessError if the comparison is not valid, Differences
        if xdpfwd's output differs from the kernel's."""
        problems = []
        if self.sent != self.frames:
            problems.append(f"sent {self.sent} of {self.frames} frames")
        nz = {k: v for k, v in self.drops.items() if v}
        if nz:
            problems.append(f"frames dropped by queues: {nz}")
        if self.selftest:
            problems.append(f"self-test: the two kernel runs differ in "
                            f"{len(self.selftest)} places "
                            f"({self.kinds(self.selftest)})")
        kernel_fwd = sum(self.kernel_forwarded["kernel"].values())
        if kernel_fwd and self.xdp_forwarded <= 0:
            problems.append("the fast path forwarded nothing (fwdV4/fwdV6 "
                            "did not grow): the comparison proves nothing")
        seen = sum(self.xdp_reasons.values())
        if seen < self.sent:
            problems.append(f"the XDP program counted {seen} verdicts for "
                            f"{self.sent} frames sent")
        if problems:
            raise HarnessError(f"scenario {self.scenario}: "
                               + "; ".join(problems) + "\n" + self.summary())
        if self.differences:
            raise Differences(self.summary())


def snapshot_module(spec: str, workdir: Path) -> str:
    """A copy of the module file, so that a rebuild during the run cannot
    hand zebra a half-written file or change it between scenarios."""
    path = lablib.resolve_module(spec)
    if path is None:
        raise HarnessError(lablib.module_missing_message(spec))
    args = spec.split(":", 1)[1:]
    dst = workdir / "zebra_xdpfwd.so"
    shutil.copy2(path, dst)
    os.chmod(dst, 0o644)
    return str(dst) + (":" + args[0] if args else "")


def run_scenario(scenario: Scenario, *, module: str, vtysh_client: Path,
                 seed: int = SEED, size: int = CI_SIZE, quiet: float = 0.4,
                 log=None) -> Result:
    start = time.monotonic()
    t = build(module, vtysh_client, f"diff-{scenario.name}")
    try:
        frames = corpus.generate(t.env, seed, size)
        by_id = {f.fid: f for f in frames}
        scenario.apply(t)
        time.sleep(0.3)  # let zebra see what the scenario changed
        t.r_addrs = LocalAddrs(router_local_nets(t.r))
        p1 = run_pass(t, "kernel", frames, quiet=quiet, xdp=False)
        set_xdpfwd(t, True)
        p2 = run_pass(t, "xdpfwd", frames, quiet=quiet, xdp=True)
        set_xdpfwd(t, False)
        p3 = run_pass(t, "selftest", frames, quiet=quiet, xdp=False)
        diffs, (ia, ib) = compare(p1, p2, by_id, t.env, t.r_addrs)
        self_diffs, _ = compare(p1, p3, by_id, t.env, t.r_addrs)
        ka, kb = outcomes(ia, by_id), outcomes(ib, by_id)
        seen = {f.fid: {"kind": f.kind, "sent": corpus.describe(f.data),
                        "kernel": ka.get(f.fid, []),
                        "xdpfwd": kb.get(f.fid, [])} for f in frames}
        seen["untagged"] = {"kernel": ka.get(None, []),
                            "xdpfwd": kb.get(None, [])}
        drops = {}
        for p in (p1, p2, p3):
            for k, v in p.drops.items():
                drops[f"{p.label}:{k}"] = v
        xdp = p2.xdp or {}
        return Result(
            scenario.name, scenario.description, len(frames),
            min(p1.sent, p2.sent, p3.sent),
            xdp.get("fwdV4", 0) + xdp.get("fwdV6", 0), xdp,
            {p.label: p.fwd_kernel for p in (p1, p2, p3)}, diffs,
            self_diffs, drops, time.monotonic() - start, seen=seen)
    finally:
        t.lab.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true",
                    help=f"full corpus (systematic + {FULL_SIZE} random)")
    ap.add_argument("--size", type=int, default=None,
                    help="random frames added to the systematic part")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--scenario", action="append",
                    choices=list(SCENARIO_BY_NAME), help="only these")
    ap.add_argument("--quiet", type=float, default=None,
                    help="seconds without a frame that end a capture")
    ap.add_argument("--json", help="write every result (with the frames "
                    "of each difference, hex) to this file")
    ap.add_argument("--limit", type=int, default=8,
                    help="differences printed per scenario")
    ap.add_argument("--list", action="store_true", help="list scenarios")
    args = ap.parse_args()
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:24} {s.description}")
        return 0
    if os.geteuid() != 0:
        print("difftest: run as root", file=sys.stderr)
        return 2
    size = args.size if args.size is not None else (
        FULL_SIZE if args.full else CI_SIZE)
    quiet = args.quiet if args.quiet is not None else (
        0.6 if args.full else 0.4)
    client = lablib.find_xdpfwd_vtysh()
    tmp = Path(tempfile.mkdtemp(prefix="xdpfwd-difftest-"))
    os.chmod(tmp, 0o755)
    try:
        if client is None:
            client = lablib.build_xdpfwd_vtysh(tmp)
        module = snapshot_module(lablib.xdpfwd_module_spec(), tmp)
        results, status = [], 0
        names = args.scenario or [s.name for s in SCENARIOS]
        for name in names:
            res = run_scenario(SCENARIO_BY_NAME[name], module=module,
                               vtysh_client=client, seed=args.seed,
                               size=size, quiet=quiet)
            results.append(res)
            print(res.summary(args.limit), flush=True)
            try:
                res.check()
                print("   OK: no difference")
            except Differences:
                print("   DIFFERENT")
                status = max(status, 1)
            except HarnessError as exc:
                print(f"   HARNESS PROBLEM: {str(exc).splitlines()[0]}")
                status = 2
        if args.json:
            Path(args.json).write_text(json.dumps(
                [r.to_json() for r in results], indent=1))
        print("\nsummary:")
        for r in results:
            print(f"  {r.scenario:24} differences {len(r.differences):4}  "
                  f"self-test {len(r.selftest):3}  xdp fwd "
                  f"{r.xdp_forwarded:5}  kinds: "
                  + ", ".join(sorted({k.split('/')[0] + '/' + k.split('/')[1]
                                      if '/' in k else k
                                      for k in r.kinds()}))[:300])
        return status
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
