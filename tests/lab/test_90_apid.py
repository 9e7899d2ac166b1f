"""xdpfwd-apid, the fwd JSON API, in the lab.

R runs zebra -M xdpfwd (the three interfaces enabled) and xdpfwd-apid with
--vty_socket of the lab's FRR directory, listening on 127.0.0.1 inside R.
Requests are sent from inside R by apiclient.py.  Checked: QueryForward
against the kernel's own tables (`ip -j neigh`, `ip -j link`), paging and
filters; UpdateForward making a host real (kernel neighbour and host
route, zebra's kernel route, the fast path's neighbour) with traffic to
it forwarded by XDP to the given MAC; DeleteForward undoing it; every
error code on the wire; idle and half-sent connections not blocking
others and closed by the timeout; the daemon alive after all of it.

If the daemon or the module is missing every test here fails (never skips).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lablib
from lablib import KERNEL_SLACK, R_IF

CLIENT = Path(__file__).resolve().parent / "apiclient.py"
TIMEOUT_S = 3  # the daemon's --timeout in this lab
MAX_CONN = 16
NEW_HOST = "10.150.0.1"  # on S1's loopback; on no subnet of R
NEW_HOST_CONNECTED = "10.0.2.50"  # inside R's to-s1 subnet


def find_apid() -> Path | None:
    for base in lablib.build_dirs():
        path = base / "tools" / "xdpfwd-apid"
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


class Api:
    """The daemon in R and the ways to talk to it."""

    def __init__(self, topo: lablib.Topology, port: int):
        self.topo = topo
        self.port = port
        self.proc: subprocess.Popen | None = None
        self.log = topo.lab.dir / "xdpfwd-apid.log"

    def start(self, apid: Path) -> None:
        with open(self.log, "w") as log:
            self.proc = self.topo.lab.popen(
                self.topo.r, str(apid), "--listen", f"127.0.0.1:{self.port}",
                "--vty_socket", str(self.topo.frr.dir),
                "--timeout", str(TIMEOUT_S),
                "--max-connections", str(MAX_CONN),
                stdout=log, stderr=subprocess.STDOUT)
        lablib.wait_until(lambda: self.post_raw(b"{}")["status"] == 200, 10,
                          what="xdpfwd-apid to answer")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def client(self, *args: str, input: str = "", timeout: float = 30):
        res = self.topo.r.run(sys.executable, str(CLIENT), *args,
                              input=input, timeout=timeout)
        return json.loads(res.stdout.strip().splitlines()[-1])

    def post_raw(self, body: bytes | str, *extra: str) -> dict:
        if isinstance(body, bytes):
            body = body.decode("latin-1")
        return self.client("post", str(self.port), *extra, input=body)

    def post(self, request: dict | str, *extra: str) -> dict:
        """POST a request; the answer's JSON (HTTP 200 asserted)."""
        body = request if isinstance(request, str) else json.dumps(request)
        res = self.post_raw(body, *extra)
        assert res["status"] == 200, (res, self.logs())
        return json.loads(res["body"])

    def logs(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""


@pytest.fixture(scope="module")
def api(xdpfwd_module, xdpfwd_vtysh):
    apid = find_apid()
    if apid is None:
        pytest.fail("tools/xdpfwd-apid not built (make)", pytrace=False)
    with lablib.lab_topology("apid", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=True) as topo:
        lablib.wait_until(
            lambda: all(lablib.static_route_offloaded(topo.frr, p)
                        for p in (lablib.ROUTE_V4, lablib.ECMP_V4)),
            20, what="static routes offloaded")
        lablib.warm_up(topo)
        # a fresh namespace: nothing listens there, any port is free
        a = Api(topo, random.randint(20000, 60000))
        a.start(apid)
        yield a
        assert a.alive(), f"xdpfwd-apid died:\n{a.logs()}"


def r_neighbours(topo) -> dict[tuple[str, int], str]:
    """R's kernel neighbours with a MAC: (address, ifindex) -> MAC."""
    out = {}
    for n in json.loads(topo.r.ip("-j", "neigh", "show").stdout):
        if "lladdr" in n and n.get("dev"):
            out[(n["dst"], topo.r.ifindex(n["dev"]))] = n["lladdr"]
    return out


def host_mac(ns) -> str:
    return ns.link(lablib.HOST_IF)["address"]


def test_query_hosts_matches_kernel(api):
    """QueryForward (default table hosts) lists S1 and S2 on R's links with
    R's ifindex, R's interface MAC as SrcMac and the kernel neighbour's
    MAC as DstMac; the traceId comes back as given."""
    topo = api.topo
    ans = api.post({"action": "QueryForward", "traceId": "q-1"})
    assert ans["code"] == 200 and ans["traceId"] == "q-1", ans
    tables = {(e["Ip"], e["Iface"]): e for e in ans["Tables"]}
    assert ans["Total"] == len(ans["Tables"])
    kernel = r_neighbours(topo)
    for ip, role in (("10.0.2.2", "s1"), ("10.0.3.2", "s2"),
                     ("fd00:2::2", "s1"), ("10.0.1.2", "c")):
        ifname = R_IF[role]
        key = (ip, topo.r.ifindex(ifname))
        assert key in tables, (key, ans)
        entry = tables[key]
        assert entry["SrcMac"] == topo.r.link(ifname)["address"]
        assert entry["DstMac"] == kernel[key] == host_mac(topo.host(role))
    # nothing listed that the kernel does not have
    for key, entry in tables.items():
        assert kernel.get(key) == entry["DstMac"], (key, entry)


def test_query_routes_paging_and_filters(api):
    """table routes: one entry per gateway of each offloaded route (the
    ECMP route two); limit/offset page through the same Total; a prefix
    filter keeps the routes inside it; an ip filter gives its longest
    match."""
    topo = api.topo
    s1_if = topo.r.ifindex(R_IF["s1"])
    s2_if = topo.r.ifindex(R_IF["s2"])
    ans = api.post({"action": "QueryForward", "table": "routes"})
    assert ans["code"] == 200, ans
    entries = ans["Tables"]
    assert ans["Total"] == len(entries)
    got = {(e["Prefix"], e["Ip"], e["Iface"]) for e in entries}
    assert (lablib.ROUTE_V4, "10.0.2.2", s1_if) in got
    assert (lablib.ECMP_V4, "10.0.2.2", s1_if) in got
    assert (lablib.ECMP_V4, "10.0.3.2", s2_if) in got
    assert (lablib.ROUTE_V6, "fd00:2::2", s1_if) in got
    for e in entries:
        role = "s1" if e["Iface"] == s1_if else "s2"
        assert e["SrcMac"] == topo.r.link(R_IF[role])["address"]
        assert e["DstMac"] == host_mac(topo.host(role))

    pages = []
    for offset in range(ans["Total"]):
        page = api.post({"action": "QueryForward", "table": "routes",
                         "offset": offset, "limit": 1})
        assert page["Total"] == ans["Total"] and len(page["Tables"]) == 1
        pages += page["Tables"]
    assert pages == entries
    beyond = api.post({"action": "QueryForward", "table": "routes",
                       "offset": ans["Total"], "limit": 5})
    assert beyond["Tables"] == [] and beyond["Total"] == ans["Total"]

    inside = api.post({"action": "QueryForward", "table": "routes",
                       "prefix": "10.200.0.0/16"})
    assert sorted(e["Ip"] for e in inside["Tables"]) == ["10.0.2.2",
                                                          "10.0.3.2"]
    assert {e["Prefix"] for e in inside["Tables"]} == {lablib.ECMP_V4}
    lpm = api.post({"action": "QueryForward", "table": "routes",
                    "ip": lablib.TARGET_V4})
    assert [e["Prefix"] for e in lpm["Tables"]] == [lablib.ROUTE_V4]
    host = api.post({"action": "QueryForward", "ip": "10.0.3.2"})
    assert [e["Ip"] for e in host["Tables"]] == ["10.0.3.2"]


def update(api, addr: str, role: str, **over) -> dict:
    """UpdateForward of addr on R's interface to role, with role's MAC;
    fields in over replace the request's."""
    topo = api.topo
    req = {"action": "UpdateForward", "traceId": f"u-{addr}", "ip": addr,
           "iface": topo.r.ifindex(R_IF[role]),
           "srcMac": topo.r.link(R_IF[role])["address"],
           "dstMac": host_mac(topo.host(role))}
    req.update(over)
    return api.post(req)


def test_update_forward_host_is_forwarded_by_xdp(api):
    """UpdateForward for a host on no subnet of R (S1 owns it on lo):
    the kernel gets a PERMANENT neighbour with dstMac and a host route
    through to-s1, zebra imports it as a kernel route and offloads it, the
    fast path lists the host; C's pings to it are forwarded by XDP (fwdV4
    grows, to-s1 transmits them, the kernel forwards nothing) and reach S1
    (the dstMac); DeleteForward removes all of it."""
    topo = api.topo
    topo.s1.ip("addr", "add", f"{NEW_HOST}/32", "dev", "lo")
    s1_if = topo.r.ifindex(R_IF["s1"])
    ans = update(api, NEW_HOST, "s1")
    assert ans == {"code": 200, "traceId": f"u-{NEW_HOST}"}, ans

    neigh = json.loads(topo.r.ip("-j", "neigh", "show", NEW_HOST).stdout)
    assert [(n["dev"], n["lladdr"], n["state"]) for n in neigh] == [
        (R_IF["s1"], host_mac(topo.s1), ["PERMANENT"])]
    route = lablib.kernel_route(topo.r, f"{NEW_HOST}/32")
    assert route and route["dev"] == R_IF["s1"] and \
        route["protocol"] == "static", route

    def zebra_offloaded():
        return any(e.get("protocol") == "kernel" and e.get("selected")
                   and e.get("offloaded") is True
                   for e in lablib.zebra_route_entries(topo.frr,
                                                       f"{NEW_HOST}/32"))
    lablib.wait_until(zebra_offloaded, 10, what="zebra to offload the host")
    listed = api.post({"action": "QueryForward", "ip": NEW_HOST})
    assert listed["Tables"] == [{"Ip": NEW_HOST, "Iface": s1_if,
                                 "SrcMac": topo.r.link(R_IF["s1"])["address"],
                                 "DstMac": host_mac(topo.s1)}], listed

    before_fwd = lablib.reason_packets(lablib.xdpfwd_counters(topo.frr),
                                       "fwdV4")
    before_tx = lablib.xdpfwd_counters(topo.frr)["interfaces"][R_IF["s1"]]
    before_kernel = topo.r.forwarded(4)
    s1_rx = topo.s1.link_stats(lablib.HOST_IF)["rx_packets"]
    res = topo.c.ping(NEW_HOST, count=5)
    assert res.returncode == 0, res.stdout
    after = lablib.xdpfwd_counters(topo.frr)
    assert lablib.reason_packets(after, "fwdV4") - before_fwd >= 10
    assert after["interfaces"][R_IF["s1"]]["txFwdPackets"] - \
        before_tx["txFwdPackets"] >= 5
    assert topo.r.forwarded(4) - before_kernel <= KERNEL_SLACK
    assert topo.s1.link_stats(lablib.HOST_IF)["rx_packets"] - s1_rx >= 5

    ans = api.post({"action": "DeleteForward", "traceId": 9, "ip": NEW_HOST,
                    "iface": s1_if})
    assert ans == {"code": 200, "traceId": 9}, ans
    assert json.loads(topo.r.ip("-j", "neigh", "show", NEW_HOST).stdout) == []
    assert lablib.kernel_route(topo.r, f"{NEW_HOST}/32") is None
    lablib.wait_until(lambda: not lablib.zebra_route_entries(
        topo.frr, f"{NEW_HOST}/32"), 10, what="zebra to drop the host")
    assert api.post({"action": "QueryForward", "ip": NEW_HOST})["Tables"] \
        == []
    again = api.post({"action": "DeleteForward", "ip": NEW_HOST,
                      "iface": s1_if})
    assert again["code"] == 1200 and "no entry" in again["reason"], again
    topo.s1.ip("addr", "del", f"{NEW_HOST}/32", "dev", "lo")


def test_update_forward_on_connected_subnet_needs_no_route(api):
    """An address inside to-s1's subnet: only the permanent neighbour is
    made (the connected route reaches it), listed by QueryForward."""
    topo = api.topo
    mac = "02:00:00:00:50:50"
    ans = update(api, NEW_HOST_CONNECTED, "s1", dstMac=mac)
    assert ans["code"] == 200, ans
    try:
        neigh = json.loads(topo.r.ip("-j", "neigh", "show",
                                     NEW_HOST_CONNECTED).stdout)
        assert [(n["lladdr"], n["state"]) for n in neigh] == [
            (mac, ["PERMANENT"])]
        assert lablib.kernel_route(topo.r, f"{NEW_HOST_CONNECTED}/32") \
            is None
        lablib.wait_until(lambda: api.post(
            {"action": "QueryForward", "ip": NEW_HOST_CONNECTED})["Tables"],
            10, what="the host in the fast path")
        entry = api.post({"action": "QueryForward",
                          "ip": NEW_HOST_CONNECTED})["Tables"][0]
        assert entry["DstMac"] == mac
    finally:
        ans = api.post({"action": "DeleteForward", "ip": NEW_HOST_CONNECTED,
                        "iface": topo.r.ifindex(R_IF["s1"])})
    assert ans["code"] == 200, ans


@pytest.mark.parametrize("body,code,why", [
    ('{"action":"QueryForward"', 1100, "unexpected end"),
    ("not json at all", 1100, None),
    ('["QueryForward"]', 1100, "object"),
    ('{"action":"Reboot","traceId":"t"}', 1101, None),
    ('{"action":"QueryForward","limit":0}', 1201, "limit"),
    ('{"action":"QueryForward","prefix":"10.0.0.0/40"}', 1201, "prefix"),
])
def test_error_codes_on_the_wire(api, body, code, why):
    ans = api.post(body)
    assert ans["code"] == code, ans
    assert ans["msg"] == {1100: "json format error",
                          1101: "not support action error",
                          1201: "query error"}[code]
    if why:
        assert why in ans["reason"], ans


def test_update_errors(api):
    """1200 with the reason: bad MAC, srcMac not the interface's, unknown
    ifindex, bad IP, the router's own address; nothing reaches the kernel."""
    topo = api.topo
    cases = [
        ({"dstMac": "02:00:00:00:00"}, "dstMac is not a MAC"),
        ({"srcMac": "02:00:00:00:00:01"}, "is not the MAC of interface"),
        ({"iface": 99999}, "no interface with index 99999"),
        ({"ip": "10.150.0.300"}, "not an IPv4 or IPv6 address"),
        ({"ip": "10.0.2.1"}, "is an address of interface"),
    ]
    for over, why in cases:
        ans = update(api, "10.150.0.2", "s1", **over)
        assert ans["code"] == 1200 and ans["msg"] == "update error", ans
        assert why in ans["reason"], (over, ans)
    assert json.loads(topo.r.ip("-j", "neigh", "show", "10.150.0.2").stdout) \
        == []
    assert lablib.kernel_route(topo.r, "10.150.0.2/32") is None


def test_oversized_and_wrong_method(api):
    """A body over 64 KiB: 1000 with HTTP 413 when announced by
    Content-Length, the connection closed when chunked; a GET: 1000 with
    HTTP 405; the daemon answers the next request."""
    big = '{"action":"QueryForward","x":"' + "a" * (70 * 1024) + '"}'
    res = api.post_raw(big)
    assert res["status"] == 413, res
    assert json.loads(res["body"])["code"] == 1000
    res = api.post_raw(big, "--chunked")
    assert res["status"] == 0, res
    res = api.post_raw("", "--method", "GET")
    assert res["status"] == 405 and json.loads(res["body"])["code"] == 1000
    assert api.post({"action": "QueryForward"})["code"] == 200


def test_garbage_on_the_socket(api):
    """Bytes that are not HTTP get an HTTP error or a closed connection."""
    res = api.client("raw", str(api.port), input="\x16\x03\x01garbage\r\n\r\n")
    assert res["closed"], res
    assert res["reply"] == "" or res["reply"].startswith("HTTP/1.1 4"), res
    assert api.post({"action": "QueryForward"})["code"] == 200


def test_slow_clients_do_not_block_others(api):
    """Idle connections and one that sends headers and half a body hold
    slots, not the daemon: a query is answered meanwhile, and the daemon
    closes them after its --timeout."""
    idle = subprocess.Popen(
        api.topo.r.exec_args(sys.executable, str(CLIENT), "idle",
                             str(api.port), str(MAX_CONN // 2),
                             str(TIMEOUT_S * 4)),
        stdout=subprocess.PIPE, text=True)
    partial = subprocess.Popen(
        api.topo.r.exec_args(sys.executable, str(CLIENT), "idle",
                             str(api.port), "2", str(TIMEOUT_S * 4),
                             "--partial"),
        stdout=subprocess.PIPE, text=True)
    try:
        assert idle.stdout.readline().strip() == "ready"
        assert partial.stdout.readline().strip() == "ready"
        ans = api.post({"action": "QueryForward", "traceId": "while-idle"})
        assert ans["code"] == 200 and ans["traceId"] == "while-idle"
        idle_out = json.loads(idle.stdout.readline())
        partial_out = json.loads(partial.stdout.readline())
    finally:
        for p in (idle, partial):
            if p.poll() is None:
                p.kill()
            p.wait()
    assert idle_out == {"closed": MAX_CONN // 2, "open": 0}, idle_out
    assert partial_out == {"closed": 2, "open": 0}, partial_out
    assert api.alive()


def test_daemon_survived(api):
    """After every request above the daemon still runs and answers."""
    assert api.alive(), api.logs()
    assert api.post({"action": "QueryForward"})["code"] == 200
