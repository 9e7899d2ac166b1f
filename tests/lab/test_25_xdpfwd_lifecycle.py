"""xdpfwd's life cycle and its edges as an operator meets them: detaching,
routes the fast path cannot take, blackholes, generic mode, debug output,
a zebra restart, Debian's integrated frr.conf, and a module built for
another FRR version.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import lablib
from lablib import FAMILY, KERNEL_SLACK, R_IF

ENABLED = set(R_IF.values())


def attached(topo) -> dict[str, str]:
    status = topo.frr.xdpfwd_json("show xdpfwd json")
    return {i["name"]: i["mode"] for i in status["interfaces"]
            if i.get("attached")}


def interface_block(config: str, ifname: str) -> str:
    """The indented lines under `interface IFNAME` in a running-config."""
    lines, inside = [], False
    for line in config.splitlines():
        if line.startswith("interface "):
            inside = line.split()[1] == ifname
        elif not line.startswith(" "):
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines)


def assert_pings_forwarded_in_xdp(topo, count: int = 20) -> None:
    """Pings C -> S1 (after one warm-up) are all forwarded by XDP both
    ways, and the router's kernel forwards none of them."""
    topo.c.ping(lablib.TARGET_V4, count=1)
    before = lablib.xdpfwd_counters(topo.frr)
    before_k = topo.r.forwarded(4)
    res = topo.c.ping(lablib.TARGET_V4, count=count, interval=0.02)
    assert res.returncode == 0, res.stdout
    after = lablib.xdpfwd_counters(topo.frr)
    assert (lablib.reason_packets(after, "fwdV4")
            - lablib.reason_packets(before, "fwdV4")) >= 2 * count
    assert topo.r.forwarded(4) - before_k <= KERNEL_SLACK


def offloaded_flag(frr, prefix: str):
    """The "offloaded" value of the selected entry for prefix (or None)."""
    for entry in lablib.zebra_route_entries(frr, prefix):
        if entry.get("selected"):
            return entry.get("offloaded")
    return None


@pytest.fixture
def lab(xdpfwd_module, xdpfwd_vtysh):
    with lablib.lab_topology("life", vtysh_client=xdpfwd_vtysh,
                             module=xdpfwd_module,
                             xdpfwd_in_config=True) as topo:
        lablib.wait_until(lambda: set(attached(topo)) == ENABLED, 15,
                          what="interfaces attached")
        lablib.wait_until(
            lambda: lablib.static_route_offloaded(topo.frr, lablib.ROUTE_V4),
            15, what="static route offloaded")
        lablib.warm_up(topo)
        yield topo


def test_no_xdpfwd_detaches_and_routes_fall_back(lab):
    """`no xdpfwd` on the interface towards S1 removes the XDP program from
    it; routes through it are then reported "offloaded": false and their
    traffic is forwarded by the kernel (and still arrives)."""
    lab.frr.xdpfwd("configure terminal", "interface to-s1", "no xdpfwd")
    lablib.wait_until(lambda: "to-s1" not in attached(lab), 10,
                      what="to-s1 detached")
    assert "xdp" not in lab.r.link("to-s1")
    assert " xdpfwd" not in interface_block(
        lab.frr.xdpfwd("show running-config").stdout, "to-s1")
    assert " xdpfwd" in interface_block(
        lab.frr.xdpfwd("show running-config").stdout, "to-c")
    lablib.wait_until(lambda: offloaded_flag(lab.frr, lablib.ROUTE_V4)
                      is False, 10, what="route marked not offloaded")

    before_k = lab.r.forwarded(4)
    res = lab.c.ping(lablib.TARGET_V4, count=5, interval=0.05)
    assert res.returncode == 0, res.stdout
    assert lab.r.forwarded(4) - before_k >= 5

    lab.frr.xdpfwd("configure terminal", "interface to-s1", "xdpfwd")
    lablib.wait_until(lambda: offloaded_flag(lab.frr, lablib.ROUTE_V4)
                      is True, 10, what="route offloaded again")


@pytest.mark.parametrize("family", [4, 6])
def test_blackhole_route_dropped_in_xdp(lab, family):
    """A blackhole static route is offloaded and its packets are dropped
    by XDP (dropBlackhole grows by what was sent; the kernel forwards
    nothing)."""
    prefix, dst = (("10.66.0.0/24", "10.66.0.1") if family == 4
                   else ("2001:db8:66::/48", "2001:db8:66::1"))
    ip = "ip" if family == 4 else "ipv6"
    lab.frr.configure(f"{ip} route {prefix} blackhole")
    lablib.wait_until(lambda: offloaded_flag(lab.frr, prefix) is True, 15,
                      what="blackhole route offloaded")
    before = lablib.xdpfwd_counters(lab.frr)
    before_k = lab.r.forwarded(family)
    res = lab.c.ping(dst, count=10, interval=0.02)
    assert res.returncode != 0
    after = lablib.xdpfwd_counters(lab.frr)
    dropped = (lablib.reason_packets(after, "dropBlackhole")
               - lablib.reason_packets(before, "dropBlackhole"))
    assert dropped == 10
    assert lab.r.forwarded(family) - before_k == 0


def test_debug_output_goes_to_zlog(lab):
    """`debug xdpfwd routes` shows in `show debugging` and makes route
    programming visible in zebra's log."""
    lab.frr.xdpfwd("debug xdpfwd routes")
    dbg = lab.frr.xdpfwd("show debugging").stdout
    assert "xdpfwd routes debugging is on" in dbg
    lab.frr.configure("ip route 10.77.0.0/24 10.0.2.2")
    lablib.wait_until(
        lambda: "xdpfwd: install 10.77.0.0/24" in
        lab.frr.daemons["zebra"].log.read_text(), 10,
        what="debug line in zebra's log")
    lab.frr.xdpfwd("no debug xdpfwd")
    assert "xdpfwd" not in lab.frr.xdpfwd("show debugging").stdout


def test_generic_mode(lab):
    """`xdpfwd mode generic` reattaches in generic (skb) mode, is written
    back as such, and still forwards in XDP with the kernel flat."""
    cmds = ["configure terminal"]
    for ifname in sorted(ENABLED):
        cmds += [f"interface {ifname}", "xdpfwd mode generic"]
    lab.frr.xdpfwd(*cmds)
    lablib.wait_until(lambda: set(attached(lab).values()) == {"generic"},
                      10, what="generic mode on every interface")
    assert "xdpgeneric" in lab.r.ip("-d", "link", "show", "to-c").stdout
    assert "xdpfwd mode generic" in lab.frr.xdpfwd(
        "show running-config").stdout
    assert_pings_forwarded_in_xdp(lab)


def test_native_ingress_leaves_generic_egress_to_the_kernel(lab):
    """to-s1 in generic mode, to-c native: a native ingress does not
    redirect to a generic-mode egress (it may have no native XDP transmit
    and drop the frame after the redirect), so C -> S1 goes to the kernel
    (passEgress) and arrives; S1 -> C (generic ingress, native egress)
    stays in XDP."""
    lab.frr.xdpfwd("configure terminal", "interface to-s1",
                   "xdpfwd mode generic")
    lablib.wait_until(lambda: attached(lab).get("to-s1") == "generic", 10,
                      what="to-s1 in generic mode")
    time.sleep(0.5)
    lab.c.ping(lablib.TARGET_V4, count=1)
    before = lablib.xdpfwd_counters(lab.frr)
    before_k = lab.r.forwarded(4)
    res = lab.c.ping(lablib.TARGET_V4, count=10, interval=0.05)
    after = lablib.xdpfwd_counters(lab.frr)
    assert res.returncode == 0, res.stdout
    delta = {k: lablib.reason_packets(after, k) - lablib.reason_packets(
        before, k) for k in ("fwdV4", "passEgress")}
    assert delta["passEgress"] >= 10, delta      # the requests
    assert delta["fwdV4"] >= 10, delta           # the replies
    assert lab.r.forwarded(4) - before_k >= 10   # the kernel took them


def test_silent_mac_change_of_a_gateway_is_followed(lab):
    """S1 (the gateway of the static route) changes its MAC without
    telling anyone (arp_notify is off).  The kernel would notice by
    re-verifying the neighbour it sends to (STALE -> DELAY -> PROBE); XDP
    sends in its place, so the plugin reports the neighbours XDP uses
    (NTF_USE) and the kernel re-verifies them the same way: traffic
    resumes at the new MAC within the kernel's own time (short timers
    here; measured: 21 s with xdpfwd, 33 s for the kernel alone, never
    within 60 s without the reports)."""
    r = lab.r
    for key, val in (("base_reachable_time_ms", 1000),
                     ("delay_first_probe_time", 1),
                     ("retrans_time_ms", 500)):
        r.sysctl(f"net.ipv4.neigh.to-s1.{key}", val)
    assert_pings_forwarded_in_xdp(lab)
    new_mac = "02:00:00:00:5e:99"
    lab.s1.ip("link", "set", "eth0", "address", new_mac)
    start = time.monotonic()
    lablib.wait_until(
        lambda: lab.c.ping(lablib.TARGET_V4, count=1,
                           wait=0.5).returncode == 0,
        60, interval=0.2, what="traffic at S1's new MAC")
    print(f"\ntraffic resumed {time.monotonic() - start:.1f} s after "
          "the silent MAC change")
    lablib.wait_until(lambda: any(
        a.get("mac") == new_mac for a in
        lab.frr.xdpfwd_json("show xdpfwd nexthops json")["adjacencies"]),
        10, what="the new MAC in the fast path")
    assert_pings_forwarded_in_xdp(lab)


# In S1: every UDP frame to port 9999 seen on eth0 (promiscuous, so
# frames to another MAC are seen too), counted by destination MAC.
CAPTURE_BY_DMAC = r"""
import json, signal, socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("eth0", 0))
mreq = struct.pack("iHH8s", socket.if_nametoindex("eth0"), 1, 0, b"")
s.setsockopt(263, 1, mreq)          # SOL_PACKET, ADD_MEMBERSHIP, PROMISC
s.settimeout(0.2)
counts, done = {}, []
signal.signal(signal.SIGTERM, lambda *a: done.append(1))
print("ready", flush=True)
while not done:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    if len(f) >= 38 and f[23] == 17 and f[36:38] == b"\x27\x0f":
        mac = f[0:6].hex(":")
        counts[mac] = counts.get(mac, 0) + 1
print(json.dumps(counts), flush=True)
"""


def test_gateway_mac_flapping_never_shows_a_mixed_mac(lab):
    """While the gateway's MAC flaps between two values hundreds of times
    under traffic forwarded by XDP, every frame leaving towards S1 carries
    one of the MACs the neighbour had: never a zero or half-written one
    (a changed adjacency is written whole under a new id, then switched)."""
    macs = ("02:00:00:00:5e:01", "02:00:00:00:5e:02")
    cap = lab.lab.popen(lab.s1, sys.executable, "-c", CAPTURE_BY_DMAC,
                        stdout=subprocess.PIPE, text=True)
    assert cap.stdout.readline().strip() == "ready"
    before = lablib.xdpfwd_counters(lab.frr)
    sender = lab.lab.popen(lab.c, sys.executable, str(lablib.TRAFFIC_SCRIPT),
                           "send", "--src", "10.0.1.2", "--dst",
                           lablib.TARGET_V4, "--port", "9999", "--flows",
                           "20", "--packets", "2000")
    flaps = 0
    while sender.poll() is None and flaps < 600:
        lab.r.ip("neigh", "replace", "10.0.2.2", "lladdr", macs[flaps % 2],
                 "nud", "permanent", "dev", "to-s1")
        flaps += 1
    sender.wait(timeout=120)
    time.sleep(0.3)
    cap.send_signal(signal.SIGTERM)
    out, _ = cap.communicate(timeout=10)
    seen = json.loads(out.strip().splitlines()[-1])
    after = lablib.xdpfwd_counters(lab.frr)
    lab.r.ip("neigh", "del", "10.0.2.2", "dev", "to-s1", check=False)
    fwd = (lablib.reason_packets(after, "fwdV4")
           - lablib.reason_packets(before, "fwdV4"))
    print(f"\n{flaps} MAC flaps, {fwd} packets forwarded by XDP, "
          f"seen at S1 by destination MAC: {seen}")
    s1_mac = lab.s1.link("eth0")["address"]
    assert flaps >= 20 and fwd >= 10000
    assert set(seen) <= {s1_mac, *macs}, seen
    assert all(seen.get(m, 0) > 0 for m in macs), seen


@pytest.mark.parametrize("family", [4, 6])
def test_permanent_neighbours_stay_permanent(lab, family):
    """Permanent neighbours XDP sends to (S1, the gateway; C, a host on a
    connected subnet) stay permanent.  The plugin reports the neighbours
    XDP used every second (NTF_USE); on a NUD_PERMANENT entry that report
    would clear NUD_PERMANENT, and the kernel would resolve the entry
    afresh (INCOMPLETE, FAILED without an answer)."""
    r, fam = lab.r, f"-{family}"
    gw, host = ("10.0.2.2", "10.0.1.2") if family == 4 else (
        "fd00:2::2", "fd00:1::2")
    entries = ((gw, "to-s1", lab.s1.link("eth0")["address"]),
               (host, "to-c", lab.c.link("eth0")["address"]))
    target = FAMILY[family]["target"]
    try:
        for addr, dev, mac in entries:
            r.ip(fam, "neigh", "replace", addr, "lladdr", mac, "nud",
                 "permanent", "dev", dev)
        lab.c.ping(target, count=1)
        before = lablib.xdpfwd_counters(lab.frr)
        res = lab.c.ping(target, count=30, interval=0.1)
        assert res.returncode == 0, res.stdout
        after = lablib.xdpfwd_counters(lab.frr)
        fwd = f"fwdV{family}"
        assert (lablib.reason_packets(after, fwd)
                - lablib.reason_packets(before, fwd)) >= 60
        time.sleep(1.5)  # the last use report
        for addr, dev, _mac in entries:
            out = json.loads(r.ip("-j", fam, "neigh", "show", addr, "dev",
                                  dev).stdout)
            assert out and "PERMANENT" in out[0].get("state", []), (
                f"{addr} on {dev} after XDP traffic: {out}")
    finally:
        for addr, dev, _mac in entries:
            r.ip(fam, "neigh", "del", addr, "dev", dev, check=False)


def test_zebra_restart(lab, xdpfwd_module):
    """zebra stops and starts again with the module: the new instance
    replaces the old pins, attaches once, gets the routes back from
    staticd and forwards in XDP again."""
    lab.frr.daemons["zebra"].stop()
    conf = lablib.zebra_xdpfwd_config(sorted(ENABLED))
    lab.frr.start("zebra", config=conf, module=xdpfwd_module)
    lablib.wait_until(
        lambda: lablib.static_route_offloaded(lab.frr, lablib.ROUTE_V4),
        60, what="static route offloaded after restart")
    assert set(attached(lab)) == ENABLED
    assert_pings_forwarded_in_xdp(lab)


def test_integrated_frr_conf(xdpfwd_module, xdpfwd_vtysh):
    """Debian's integrated config: zebra reads no file of its own and
    `vtysh -b` cannot pass module commands, so xdpfwd applies the
    `interface X` / ` xdpfwd` lines and the global `xdpfwd firewall`
    line of frr.conf itself at start."""
    with lablib.Lab("integ") as lab:
        r = lab.add_netns("r")
        peer = lab.add_netns("p")
        lab.add_veth(r, "to-p", peer, "eth0")
        r.ip("link", "set", "to-p", "up")
        peer.ip("link", "set", "eth0", "up")
        frr = lab.add_frr(r, xdpfwd_vtysh)
        frr_conf = frr.dir / "frr.conf"
        frr_conf.write_text("frr defaults traditional\n!\n"
                            "xdpfwd firewall bypass\n!\ninterface to-p\n"
                            " xdpfwd mode generic\nexit\n!\n")
        if Path("/etc/frr/zebra.conf").exists():
            pytest.fail("/etc/frr/zebra.conf exists: zebra would read it")
        frr.start("zebra", module=f"{xdpfwd_module}:frrconf={frr_conf}",
                  config_file=False)
        status = frr.xdpfwd_json("show xdpfwd json")
        modes = {i["name"]: i["mode"] for i in status["interfaces"]}
        assert modes == {"to-p": "generic"}
        assert "xdpgeneric" in r.ip("-d", "link", "show", "to-p").stdout
        assert status["firewall"]["mode"] == "bypass"
        assert "\nxdpfwd firewall bypass\n" in frr.xdpfwd(
            "show running-config").stdout


def wrongver_module() -> Path:
    build = Path(os.environ.get("XDPFWD_BUILDDIR", lablib.REPO_ROOT))
    return build / "tests/lab/.libs/zebra_xdpfwd_wrongver.so"


def test_module_for_another_frr_version_is_refused(xdpfwd_vtysh):
    """The same module built as if for FRR 0.0.0-test: zebra logs one
    clear line, carries on (answers, installs routes) and has no xdpfwd
    commands."""
    module = wrongver_module()
    assert module.exists(), f"{module} not built (make check builds it)"
    with lablib.Lab("ver") as lab:
        r = lab.add_netns("r")
        frr = lab.add_frr(r, xdpfwd_vtysh)
        frr.start("zebra", module=str(module))
        log = frr.daemons["zebra"].log.read_text()
        lines = [l for l in log.splitlines() if "xdpfwd" in l]
        assert len(lines) == 1, log
        running = lablib.run([str(lablib.FRR_SBIN / "zebra"), "--version"]
                             ).stdout.split()[2]
        assert (f"built for FRR 0.0.0-test but this zebra is FRR {running}"
                in lines[0])
        assert running in frr.vtysh("show version", daemon="zebra").stdout
        res = frr.xdpfwd("show xdpfwd", check=False)
        assert res.returncode != 0


def zebra_bpf_fds(pid: int) -> dict[str, int]:
    """zebra's open BPF objects by kind (bpf-map, bpf-prog, bpf-link; the
    kernel names a link's inode bpf_link)."""
    kinds: dict[str, int] = {}
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        m = re.fullmatch(r"anon_inode:bpf[-_](\w+)", target)
        if m:
            kind = "bpf-" + m.group(1)
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def test_nothing_is_pinned(lab):
    """Nothing of xdpfwd is on bpffs (no pin another process of zebra's
    user could open: the kernel checks only a pin's file mode): the XDP
    links, one per enabled interface, are held by zebra's own fds and so
    die with its process."""
    pid = lab.frr.daemons["zebra"].pid()
    mounted = lablib.run(["nsenter", "-t", str(pid), "-m", "findmnt", "-n",
                          "-t", "bpf", "-o", "TARGET"], check=False).stdout
    for mnt in mounted.split():
        found = lablib.run(["nsenter", "-t", str(pid), "-m", "find", mnt,
                            "-mindepth", "1", "-path", "*xdpfwd*"]
                           ).stdout.split()
        assert not found, found
    kinds = zebra_bpf_fds(pid)
    assert kinds.get("bpf-link") == len(ENABLED), kinds
    assert kinds.get("bpf-map", 0) > 0 and kinds.get("bpf-prog", 0) > 0


def test_liveness_is_shown_and_renewed(lab):
    """The start gate opened once zebra's queues drained, and the
    deadline is renewed (bpf/liveness.h): `show xdpfwd json` says so, and
    XDP forwards (no frame counted passStale while zebra runs)."""
    first = lab.frr.xdpfwd_json("show xdpfwd json")["liveness"]
    time.sleep(0.6)
    live = lab.frr.xdpfwd_json("show xdpfwd json")["liveness"]
    assert live["gateOpen"] is True
    assert live["renewals"] >= first["renewals"] + 2, (first, live)
    assert 0 < live["validForMs"] <= live["validityMs"] == 1000
    before = lablib.xdpfwd_counters(lab.frr)
    assert_pings_forwarded_in_xdp(lab, count=5)
    after = lablib.xdpfwd_counters(lab.frr)
    assert (lablib.reason_packets(after, "passStale")
            == lablib.reason_packets(before, "passStale"))
    text = lab.frr.xdpfwd("show xdpfwd").stdout
    assert "Liveness: forwarding" in text, text


BAD_MODULE_ARGS = [
    # (module arguments, what the log line must say)
    ("fib6=-1", "fib6=-1: fib6 takes 1..16777216"),
    ("fib6=4294967296", "fib6=4294967296: fib6 takes 1..16777216"),
    ("neigh=99999999999", "neigh=99999999999: neigh takes 1..2147483647"),
    ("tbl8=0", "tbl8=0: tbl8 takes 1..32768"),
    ("tbl8=40000", "tbl8=40000: tbl8 takes 1..32768"),
    ("fib6= 5", "fib6= 5: fib6 takes"),
    ("fib6=0x10", "fib6=0x10: fib6 takes"),
    ("tbl8=8,foo=1", "unknown key 'foo'"),
    ("tbl8", "'tbl8' is not KEY=VALUE"),
]


@pytest.mark.parametrize("args,expected", BAD_MODULE_ARGS,
                         ids=[a for a, _ in BAD_MODULE_ARGS])
def test_bad_module_argument_is_named(xdpfwd_module, xdpfwd_vtysh, args,
                                      expected):
    """A negative, overflowing, out-of-range, non-decimal or unknown module
    argument gets one 'bad module argument' line naming it and what it
    accepts; every argument keeps its default and the module starts."""
    with lablib.Lab("args") as lab:
        r = lab.add_netns("r")
        frr = lab.add_frr(r, xdpfwd_vtysh)
        frr.start("zebra", module=f"{xdpfwd_module}:{args}")
        log = frr.daemons["zebra"].log.read_text()
        bad = [l for l in log.splitlines() if "bad module argument" in l]
        assert len(bad) == 1 and expected in bad[0], log
        assert "left at their defaults" in bad[0]
        maps = frr.xdpfwd_json("show xdpfwd json")["maps"]
        assert maps["fib6Max"] == 262144 and maps["fib4Tbl8Groups"] == 16384


def test_failed_start_is_loud_and_passive(xdpfwd_module, xdpfwd_vtysh):
    """A part that cannot start (here the BPF load: a neighbour map of 2e9
    entries is refused by the kernel) leaves the module passive: one log
    line says which part and why, `show xdpfwd` says the same, `xdpfwd` on
    an interface answers that the fast path is not running (not that the
    interface does not exist), the line is kept for `write`, and zebra
    carries on without any XDP program attached."""
    with lablib.Lab("passive") as lab:
        r = lab.add_netns("r")
        peer = lab.add_netns("p")
        lab.add_veth(r, "to-p", peer, "eth0")
        r.ip("link", "set", "to-p", "up")
        frr = lab.add_frr(r, xdpfwd_vtysh)
        frr.start("zebra", module=f"{xdpfwd_module}:neigh=2000000000")
        log = frr.daemons["zebra"].log.read_text()
        failed = [l for l in log.splitlines() if "xdpfwd: not started" in l]
        assert len(failed) == 1, log
        assert "loading the XDP program failed" in failed[0]
        assert "xdpfwd: started" not in log
        status = frr.xdpfwd_json("show xdpfwd json")
        assert status["status"] == "error"
        assert "loading the XDP program failed" in status["error"]
        # every command's answer then, an instance of the model's state
        for cmd in ("show xdpfwd json", "show xdpfwd counters json",
                    "show xdpfwd forward routes json"):
            doc = frr.xdpfwd_doc(cmd)
            res = lablib.yang_validate(doc)
            assert res.returncode == 0 and not res.stderr, (cmd, res.stderr)
            assert lablib.xdpfwd_state(doc)["status"] == "error", doc
        res = frr.xdpfwd("configure terminal", "interface to-p", "xdpfwd",
                         check=False)
        out = res.stdout + res.stderr
        assert "the fast path is not running" in out, out
        assert "does not exist" not in out, out
        link = r.ip("-d", "link", "show", "to-p").stdout
        assert not re.search(r"\bxdp(generic|drv|offload)?\b", link), link
        config = frr.xdpfwd("show running-config").stdout
        assert "interface to-p\n xdpfwd\n" in config, config
        assert frr.daemons["zebra"].running()


# --------------------------------------------------------------------------
# Pins left by earlier builds (which pinned their XDP links on bpffs)

PINLINK = Path(__file__).resolve().parent / "pinlink.py"
OLD_ROOT = "/sys/fs/bpf/xdpfwd"


@dataclass
class HeldNetns(lablib.Netns):
    """A lab namespace entered with setns() only (as watchfrr --netns does),
    in a mount namespace held open by another process: its bpffs outlives
    zebra, as systemd's does on a router."""
    holder: int = 0

    def exec_args(self, *args: str) -> list[str]:
        return ["nsenter", "-t", str(self.holder), "-m",
                f"--net=/run/netns/{self.name}", *args]


@contextmanager
def bpffs_holder():
    """A private mount namespace, held by a sleeping process, with a bpffs
    that outlives zebra, mounted as earlier builds' zebra mounted it when
    there was none (as frr, 0700: systemd's root 0700 one let them create
    nothing).  Gone (with every pin in it) when the holder is killed."""
    own = os.stat("/proc/self/ns/mnt").st_ino
    proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private",
                             "sleep", "infinity"])
    try:
        lablib.wait_until(
            lambda: os.stat(f"/proc/{proc.pid}/ns/mnt").st_ino != own, 5,
            what="the holder's mount namespace")
        frr = pwd.getpwnam("frr")
        lablib.run(["nsenter", "-t", str(proc.pid), "-m", "mount", "-t",
                    "bpf", "bpf", "/sys/fs/bpf", "-o",
                    f"mode=0700,uid={frr.pw_uid},gid={frr.pw_gid}"])
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def netns_inode(ns) -> int:
    return os.stat(f"/run/netns/{ns.name}").st_ino


def pin_old_link(holder: int, ns, ifname: str) -> str:
    """An earlier build's pin of an XDP link on ns's ifname, owned by frr
    as that build's zebra made it; its directory."""
    d = f"{OLD_ROOT}/netns-{netns_inode(ns)}"
    lablib.run(["nsenter", "-t", str(holder), "-m",
                f"--net=/run/netns/{ns.name}", sys.executable, str(PINLINK),
                ifname, f"{d}/links/{ifname}"])
    lablib.run(["nsenter", "-t", str(holder), "-m", "chown", "-R",
                "frr:frr", OLD_ROOT])
    return d


def held_entries(holder: int, path: str) -> list[str]:
    res = lablib.run(["nsenter", "-t", str(holder), "-m", "find", path,
                      "-maxdepth", "1", "-mindepth", "1"], check=False)
    return sorted(res.stdout.split())


def test_earlier_builds_pins_are_cleaned_up(xdpfwd_module, xdpfwd_vtysh):
    """On a bpffs that outlived earlier zebras: this namespace's old pinned
    link is detached and its directory removed (our own program attaches
    in its place), a deleted namespace's directory (its link holds no
    interface any more) is removed, a live namespace's is left alone;
    each with a log line."""
    with lablib.Lab("pins") as lab, bpffs_holder() as holder:
        r, p = lab.add_netns("r"), lab.add_netns("p")
        gone, live = lab.add_netns("g"), lab.add_netns("l")
        lab.add_veth(r, "to-p", p, "eth0")
        r.ip("link", "set", "to-p", "up")
        for ns in (gone, live):
            ns.ip("link", "add", "vx0", "type", "veth", "peer", "name", "vx1")
        r_dir = pin_old_link(holder, r, "to-p")
        gone_dir = pin_old_link(holder, gone, "vx0")
        live_dir = pin_old_link(holder, live, "vx0")
        assert "xdpgeneric" in r.ip("-d", "link", "show", "to-p").stdout
        lablib.run(["ip", "netns", "del", gone.name])

        frr = lab.add_frr(HeldNetns(r.name, holder=holder), xdpfwd_vtysh)
        frr.start("zebra", config=lablib.zebra_xdpfwd_config(["to-p"]),
                  module=xdpfwd_module)
        log = frr.daemons["zebra"].log.read_text()
        assert (f"detached {r_dir}/links/to-p, left by an earlier zebra"
                in log), log
        assert re.search(re.escape(f"removed {r_dir} (1 XDP links), left "
                                   "by an earlier xdpfwd build") + "$",
                         log, re.M), log
        assert (f"removed {gone_dir} (1 XDP links), left by an earlier "
                "xdpfwd build for a namespace that is gone" in log), log
        assert (f"{live_dir} holds 1 XDP links still attached (another "
                "namespace's zebra): left alone" in log), log
        assert held_entries(holder, OLD_ROOT) == [live_dir]
        status = frr.xdpfwd_json("show xdpfwd json")
        to_p = [i for i in status["interfaces"] if i["name"] == "to-p"][0]
        assert to_p["attached"] is True, to_p
        # the earlier program is gone from to-p: ours is the only one
        assert "oldxdpfwd" not in r.ip("-d", "link", "show", "to-p").stdout


def test_planted_pin_directory_is_left_alone(xdpfwd_module, xdpfwd_vtysh):
    """A /sys/fs/bpf/xdpfwd that another user owns, or that others may
    write, may have been planted: zebra touches nothing in it, says so in
    one line, and runs (it needs no pin itself)."""
    with lablib.Lab("plant") as lab, bpffs_holder() as holder:
        r, p = lab.add_netns("r"), lab.add_netns("p")
        lab.add_veth(r, "to-p", p, "eth0")
        r.ip("link", "set", "to-p", "up")
        planted = f"{OLD_ROOT}/netns-{netns_inode(r)}"
        lablib.run(["nsenter", "-t", str(holder), "-m", "sh", "-c",
                    f"mkdir -p {planted} && chown -R nobody {OLD_ROOT} && "
                    f"chmod 0777 {OLD_ROOT}"])
        frr = lab.add_frr(HeldNetns(r.name, holder=holder), xdpfwd_vtysh)
        frr.start("zebra", config=lablib.zebra_xdpfwd_config(["to-p"]),
                  module=xdpfwd_module)
        log = frr.daemons["zebra"].log.read_text()
        lines = [l for l in log.splitlines() if OLD_ROOT in l]
        assert len(lines) == 1, log
        assert "left alone" in lines[0] and "mode 0777" in lines[0], lines
        assert held_entries(holder, OLD_ROOT) == [planted]
        assert frr.xdpfwd_json("show xdpfwd json")["status"] == "running"
