"""Dynamic-routing lab for xdpfwd: BGP (gobgpd) and OSPF (bird2) peers of
a router running zebra -M xdpfwd, bgpd, ospfd and ospf6d.

    C --to-c-- R --to-pa/to-pb/to-pc-- P (three gobgpd: speakers a, b, c)
               R --to-o------------ O (bird2: OSPFv2 + OSPFv3, stub nets)

Each speaker has one IPv4 and one IPv6 eBGP session with R (AS 65001 ->
AS 65000) over its own link, so a route's next hop names the link it
leaves by.  R runs BGP multipath; prefixes announced by a and b ("ab")
get two paths, and those in bgptable.WEIGHTED_BLOCK carry link-bandwidth
communities 1:3 (weighted ECMP: bgpd gives zebra weights 25:75).  Sessions start
administratively down on R so that a timed load starts with `no neighbor
shutdown` once every speaker holds its routes.

Built on lablib (namespaces, veths, FRR daemons, cleanup by name and pid);
this file only adds what the dynamic lab needs.  Needs Debian's gobgpd and
bird2 packages.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import bgptable
import lablib
from lablib import LabError, Netns, wait_until

LAB_DIR = Path(__file__).resolve().parent
NLCOUNT = LAB_DIR / "nlcount.py"
NLWATCH = LAB_DIR / "nlwatch.py"
DYNTRAFFIC = LAB_DIR / "dyntraffic.py"

R_AS, PEER_AS = 65000, 65001
SPEAKERS = ("a", "b", "c")
# speaker -> (R's interface, P's interface, IPv4 /24, IPv6 /64, gRPC port)
LINKS = {
    "a": ("to-pa", "pa", "10.0.11", "fd00:11::", 50061),
    "b": ("to-pb", "pb", "10.0.12", "fd00:12::", 50062),
    "c": ("to-pc", "pc", "10.0.13", "fd00:13::", 50063),
}
R_IFS = ["to-c", "to-pa", "to-pb", "to-pc", "to-o"]
C_ADDR = ("10.0.1.2", "fd00:1::2")
O_ADDR = ("10.0.9.2", "fd00:9::2")
# OSPF networks behind O (bird stub networks)
OSPF_V4 = ["10.250.0.0/24", "10.250.1.0/24", "10.251.0.0/16"]
OSPF_V6 = ["fd00:250::/48", "fd00:251::/48"]
# link bandwidth (bytes/s) a and b announce on the prefixes of
# WEIGHTED_BLOCK: bgpd turns it into next hop weights 25:75
LINKBW = {"a": 12.5e6, "b": 37.5e6}

EXTRA_DAEMONS = ("bgpd", "ospfd", "ospf6d")
RTPROT_BGP = "186"


def check_prerequisites() -> None:
    """Fail (never skip) when the peers' packages are missing."""
    missing = [t for t in ("gobgpd", "gobgp", "bird", "birdc")
               if shutil.which(t) is None]
    missing += [str(lablib.FRR_SBIN / d) for d in EXTRA_DAEMONS
                if not (lablib.FRR_SBIN / d).exists()]
    if missing:
        raise LabError("dynamic lab prerequisites missing: " +
                       ", ".join(missing) +
                       " (apt-get install gobgpd bird2 frr)")


def peer_addr(speaker: str, family: int) -> str:
    _, _, v4, v6, _ = LINKS[speaker]
    return f"{v4}.2" if family == 4 else f"{v6}2"


def r_addr(speaker: str, family: int) -> str:
    _, _, v4, v6, _ = LINKS[speaker]
    return f"{v4}.1" if family == 4 else f"{v6}1"


# --------------------------------------------------------------------------
# FRR with extra zebra arguments and more daemons


class DynFrr(lablib.Frr):
    """lablib.Frr whose start() takes extra arguments (zebra -s ...)."""

    def start(self, daemon: str, config: str = "", module: str | None = None,
              timeout: float = 20, extra: list[str] | None = None):
        conf = self._write_conf(daemon, f"hostname {self.ns.name}\n{config}")
        pidfile = self.dir / f"{daemon}.pid"
        log = self.dir / f"{daemon}.log"
        args = [str(lablib.FRR_SBIN / daemon), "-d", "-F", "traditional",
                "-f", str(conf), "-i", str(pidfile),
                "-z", str(self.dir / "zserv.api"),
                "--vty_socket", str(self.dir), "-P", "0",
                "-u", "frr", "-g", "frr", "--log", f"file:{log}"]
        if module:
            args += ["-M", module]
        args += extra or []
        d = lablib.Daemon(daemon, pidfile, log)
        self.daemons[daemon] = d
        with open(self.dir / f"{daemon}.stdout", "w") as stdout:
            rc = subprocess.call(self.ns.exec_args(*args), stdout=stdout,
                                 stderr=subprocess.STDOUT, timeout=60)
        sock = self.dir / f"{daemon}.vty"
        try:
            if rc != 0:
                raise LabError(f"{daemon} exited with {rc}")
            wait_until(lambda: lablib.vty_probe(sock), timeout,
                       what=f"{daemon} to answer on {sock}")
            wait_until(d.running, 5, what=f"{daemon}'s pid file")
        except LabError as exc:
            raise LabError(f"{exc}\n{self.logs(daemon)}") from None
        return d

    def stop(self) -> None:
        for name in EXTRA_DAEMONS:
            if name in self.daemons:
                self.daemons[name].stop(timeout=20)
        super().stop()


class DynLab(lablib.Lab):
    """lablib.Lab that also stops bgpd/ospfd/ospf6d (Lab.close only knows
    zebra and staticd) before the rest is torn down."""

    def add_frr(self, ns: Netns, vtysh_client: Path | None) -> DynFrr:
        directory = self.dir / f"frr-{ns.name}"
        directory.mkdir()
        shutil.chown(directory, "frr", "frr")
        frr = DynFrr(ns, directory, vtysh_client)
        self.frrs.append(frr)
        return frr

    def close(self) -> None:
        if self.closed:
            return
        # helpers first (gobgpd sessions, bird), then FRR's extra daemons
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for frr in self.frrs:
            for name in EXTRA_DAEMONS:
                d = frr.daemons.get(name)
                if d:
                    try:
                        d.stop(timeout=20)
                    except Exception:
                        pass
        super().close()


# --------------------------------------------------------------------------
# gobgpd speakers and bird


@dataclass
class Speaker:
    """One gobgpd in P with an IPv4 and an IPv6 session to R."""

    name: str
    ns: Netns
    port: int
    proc: subprocess.Popen | None = None

    def gobgp(self, *args: str, check: bool = True, timeout: float = 120):
        return self.ns.run("gobgp", "-p", str(self.port), *args, check=check,
                           timeout=timeout)

    def rib_count(self, family: int) -> int:
        out = self.gobgp("global", "rib", "summary", "-a",
                         "ipv4" if family == 4 else "ipv6").stdout
        m = re.search(r"Destination: (\d+)", out)
        return int(m.group(1)) if m else 0

    def inject(self, lab_dir: Path, prefixes4: list[str],
               prefixes6: list[str], tries: int = 5) -> float:
        """Add routes through an MRT file; returns the seconds it took.
        Checks the RIB count (gobgp 3.10's injector can drop a file's last
        records, see bgptable.write_mrt) and injects again if short."""
        want4 = self.rib_count(4) + len(prefixes4)
        want6 = self.rib_count(6) + len(prefixes6)
        path = lab_dir / f"inject-{self.name}-{time.monotonic_ns()}.mrt"
        bgptable.write_mrt(str(path), prefixes4, prefixes6,
                           peer_addr(self.name, 4), peer_addr(self.name, 6),
                           linkbw=LINKBW.get(self.name, 0))
        t0 = time.monotonic()
        try:
            for _ in range(tries):
                self.gobgp("mrt", "inject", "global", str(path),
                           timeout=900)
                try:
                    wait_until(lambda: self.rib_count(4) >= want4 and
                               self.rib_count(6) >= want6, 10, interval=0.5,
                               what=f"gobgpd {self.name} to hold its routes")
                    return time.monotonic() - t0
                except LabError:
                    continue
        finally:
            path.unlink(missing_ok=True)
        raise LabError(f"gobgpd {self.name}: {self.rib_count(4)}/{want4} "
                       f"IPv4, {self.rib_count(6)}/{want6} IPv6 after "
                       f"{tries} injections")

    def withdraw(self, prefixes: list[str]) -> None:
        """Delete routes one CLI call each (for small churn sets)."""
        for p in prefixes:
            self.gobgp("global", "rib", "-a",
                       "ipv6" if ":" in p else "ipv4", "del", p)


def gobgpd_config(speaker: str) -> str:
    rid = peer_addr(speaker, 4)
    # listens on its own addresses only (three gobgpd share P), so that
    # R's bgpd can connect too: sessions come up within a second or two
    out = [f'[global.config]\n  as = {PEER_AS}\n  router-id = "{rid}"\n'
           f'  local-address-list = ["{peer_addr(speaker, 4)}", '
           f'"{peer_addr(speaker, 6)}"]\n']
    for fam, afi in ((4, "ipv4-unicast"), (6, "ipv6-unicast")):
        out.append(f"""
[[neighbors]]
  [neighbors.config]
    neighbor-address = "{r_addr(speaker, fam)}"
    peer-as = {R_AS}
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
    idle-hold-time-after-reset = 1
  [neighbors.transport.config]
    local-address = "{peer_addr(speaker, fam)}"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "{afi}"
""")
    return "".join(out)


def bird_config(log: Path) -> str:
    stub4 = "".join(f"    stubnet {n};\n" for n in OSPF_V4)
    stub6 = "".join(f"    stubnet {n};\n" for n in OSPF_V6)
    iface = '    interface "eth0" { type ptp; hello 1; dead 4; };\n'
    return f"""router id {O_ADDR[0]};
log "{log}" all;
protocol device {{ scan time 2; }}
protocol ospf v2 ospf4 {{
  ipv4 {{ import none; export none; }};
  area 0 {{
{iface}{stub4}  }};
}}
protocol ospf v3 ospf6 {{
  ipv6 {{ import none; export none; }};
  area 0 {{
{iface}{stub6}  }};
}}
"""


@dataclass
class Bird:
    ns: Netns
    dir: Path
    proc: subprocess.Popen | None = None

    @property
    def sock(self) -> Path:
        return self.dir / "bird.ctl"

    def birdc(self, *args: str) -> str:
        return self.ns.run("birdc", "-s", str(self.sock), *args).stdout


# --------------------------------------------------------------------------
# The topology


def zebra_config() -> str:
    return "".join(f"interface {i}\n xdpfwd\nexit\n!\n" for i in R_IFS)


def bgpd_config(shutdown: bool = True) -> str:
    lines = [f"router bgp {R_AS}", " bgp router-id 10.0.1.1",
             " no bgp ebgp-requires-policy", " no bgp default ipv4-unicast",
             " no bgp network import-check",
             " timers bgp 3 9"]
    for s in SPEAKERS:
        for fam in (4, 6):
            lines.append(f" neighbor {peer_addr(s, fam)} remote-as {PEER_AS}")
            lines.append(f" neighbor {peer_addr(s, fam)} timers connect 1")
            if shutdown:
                lines.append(f" neighbor {peer_addr(s, fam)} shutdown")
    for fam, af in ((4, "ipv4"), (6, "ipv6")):
        lines.append(f" address-family {af} unicast")
        lines.append("  maximum-paths 8")
        for s in SPEAKERS:
            lines.append(f"  neighbor {peer_addr(s, fam)} activate")
            # R sends nothing back: the speakers are its upstreams, and
            # re-advertising a full table to five sessions would make the
            # load measure bgpd's output and gobgpd's input instead
            lines.append(f"  neighbor {peer_addr(s, fam)} route-map "
                         "DENY-ALL out")
        lines.append(" exit-address-family")
    lines.append("exit")
    lines.append("route-map DENY-ALL deny 10")
    return "\n".join(lines) + "\n"


def ospfd_config() -> str:
    return f"""interface to-o
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 4
exit
router ospf
 ospf router-id 10.0.9.1
 network 10.0.9.0/24 area 0
exit
"""


def ospf6d_config() -> str:
    return """interface to-o
 ipv6 ospf6 area 0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 4
exit
router ospf6
 ospf6 router-id 10.0.9.1
exit
"""


@dataclass
class DynTopo:
    lab: DynLab
    c: Netns
    r: Netns
    p: Netns
    o: Netns
    frr: DynFrr
    speakers: dict[str, Speaker]
    bird: Bird
    table: bgptable.Table | None = None
    index: dict | None = None
    down: set = field(default_factory=set)  # speakers whose routes are gone
    ospf_up: bool = True

    # ---- views of R ----

    def kernel_counts(self) -> dict:
        """Routes in R's main table: {"4": {"total", "proto"}, "6": ...}."""
        out = self.r.run(sys.executable, str(NLCOUNT), timeout=120).stdout
        return json.loads(out)

    def xdpfwd_status(self) -> dict:
        return self.frr.xdpfwd_json("show xdpfwd json")

    def audit(self) -> dict:
        """`show xdpfwd audit json` ({} while xdpfwd is not running)."""
        return self.frr.xdpfwd_json("show xdpfwd audit json").get("audit", {})

    def wait_converged(self, timeout: float = 120, what: str = "",
                       interval: float = 1.0) -> dict:
        """Until the audit says converged with zero differences; returns
        the last audit."""
        last = {}

        def ok():
            nonlocal last
            last = self.audit()
            return last.get("converged") and last.get("differences") == 0

        try:
            wait_until(ok, timeout, interval=interval,
                       what=f"xdpfwd audit clean {what}")
        except LabError as exc:
            raise LabError(f"{exc}: {json.dumps(last)[:3000]}") from None
        return last

    def bgp_established(self) -> int:
        data = self.frr.vtysh_json("show bgp summary json")
        n = 0
        for af in ("ipv4Unicast", "ipv6Unicast"):
            for peer in data.get(af, {}).get("peers", {}).values():
                if peer.get("state") == "Established":
                    n += 1
        return n

    def set_shutdown(self, shutdown: bool, speakers=SPEAKERS,
                     families=(4, 6)) -> None:
        no = "" if shutdown else "no "
        lines = [f"router bgp {R_AS}"]
        for s in speakers:
            for fam in families:
                lines.append(f"{no}neighbor {peer_addr(s, fam)} shutdown")
        self.frr.configure(*lines)

    # ---- the model ----

    def expected(self, dst: str) -> set[str] | None:
        """R's interfaces a packet to dst must leave by (None: no route):
        the longest match among the routes of speakers that are up."""
        for net in OSPF_V4 + OSPF_V6:
            if ipaddress.ip_address(dst) in ipaddress.ip_network(net):
                return {"to-o"} if self.ospf_up else None
        a = ipaddress.ip_address(dst)
        fam, bits, x = a.version, a.max_prefixlen, int(a)
        for length, nets in self.index[fam]:
            key = x & (((1 << bits) - 1) ^ ((1 << (bits - length)) - 1))
            owner = nets.get(key)
            if owner is None:
                continue
            up = [s for s in owner if s not in self.down]
            if up:
                return {LINKS[s][0] for s in up}
        return None

    def reindex(self) -> None:
        self.index = self.table.lpm_index()

    def owners_sorted(self, family: int) -> list[tuple[str, str]]:
        return sorted(self.table.owners(family).items())

    def bgp_expected_counts(self) -> tuple[int, int]:
        """BGP routes R should have (owners with a speaker up)."""
        return tuple(sum(1 for o in self.table.owners(f).values()
                         if any(s not in self.down for s in o))
                     for f in (4, 6))

    def wait_bgp_counts(self, timeout: float = 300) -> None:
        """R's kernel has exactly the model's BGP routes."""
        want = self.bgp_expected_counts()
        last = {}

        def ok():
            nonlocal last
            last = self.kernel_counts()
            return (last["4"]["proto"].get(RTPROT_BGP, 0),
                    last["6"]["proto"].get(RTPROT_BGP, 0)) == want

        try:
            wait_until(ok, timeout, interval=1,
                       what=f"{want} BGP routes in R's kernel")
        except LabError as exc:
            raise LabError(f"{exc}: {last}") from None

    # ---- changes ----

    def withdraw(self, speaker: str, prefixes: list[str]) -> None:
        """speaker stops announcing prefixes (model updated)."""
        self.speakers[speaker].withdraw(prefixes)
        for p in prefixes:
            fam = 6 if ":" in p else 4
            owners = self.table.owners(fam)
            rest = owners[p].replace(speaker, "")
            if rest:
                owners[p] = rest
            else:
                del owners[p]
        self.reindex()

    def announce(self, speaker: str, prefixes: list[str]) -> None:
        """speaker announces prefixes too (model updated)."""
        p4 = [p for p in prefixes if ":" not in p]
        p6 = [p for p in prefixes if ":" in p]
        self.speakers[speaker].inject(self.lab.dir, p4, p6)
        for p in prefixes:
            owners = self.table.owners(6 if ":" in p else 4)
            owners[p] = "".join(sorted(set(owners.get(p, "")) | {speaker}))
        self.reindex()


def build(lab: DynLab, *, vtysh_client: Path | None, module: str,
          module_args: str = "", zebra_extra: list[str] | None = None
          ) -> DynTopo:
    """Namespaces, links, addresses; zebra -M xdpfwd, bgpd, ospfd, ospf6d
    in R; gobgpd x3 in P (no routes yet); bird in O."""
    c, r, p, o = (lab.add_netns(role) for role in ("c", "r", "p", "o"))
    lablib.router_sysctls(r)
    # an interface set down and up again keeps its IPv6 addresses (the
    # default flushes them, and the IPv6 BGP session would never return)
    r.sysctl("net.ipv6.conf.all.keep_addr_on_down", 1)
    r.sysctl("net.ipv6.conf.default.keep_addr_on_down", 1)
    # room for a full table (the default would be ~4096 IPv6 routes)
    r.sysctl("net.ipv6.route.max_size", 4194304)
    r.sysctl("net.ipv6.route.gc_thresh", 4194304)

    def host_if(ns: Netns, ifname: str):
        lablib.host_link_offloads(ns, ifname)
        ns.ip("link", "set", ifname, "up")

    lab.add_veth(c, "eth0", r, "to-c")
    c.ip("addr", "add", f"{C_ADDR[0]}/24", "dev", "eth0")
    c.ip("addr", "add", f"{C_ADDR[1]}/64", "dev", "eth0", "nodad")
    host_if(c, "eth0")
    r.ip("addr", "add", "10.0.1.1/24", "dev", "to-c")
    r.ip("addr", "add", "fd00:1::1/64", "dev", "to-c", "nodad")
    for s, (rif, pif, v4, v6, _) in LINKS.items():
        lab.add_veth(p, pif, r, rif)
        p.ip("addr", "add", f"{v4}.2/24", "dev", pif)
        p.ip("addr", "add", f"{v6}2/64", "dev", pif, "nodad")
        host_if(p, pif)
        r.ip("addr", "add", f"{v4}.1/24", "dev", rif)
        r.ip("addr", "add", f"{v6}1/64", "dev", rif, "nodad")
    lab.add_veth(o, "eth0", r, "to-o")
    o.ip("addr", "add", f"{O_ADDR[0]}/24", "dev", "eth0")
    o.ip("addr", "add", f"{O_ADDR[1]}/64", "dev", "eth0", "nodad")
    host_if(o, "eth0")
    r.ip("addr", "add", "10.0.9.1/24", "dev", "to-o")
    r.ip("addr", "add", "fd00:9::1/64", "dev", "to-o", "nodad")
    for ifname in R_IFS:
        r.ip("link", "set", ifname, "up")
    c.ip("route", "add", "default", "via", "10.0.1.1")
    c.ip("-6", "route", "add", "default", "via", "fd00:1::1")
    # P and O receive the traffic and drop it (not theirs): no forwarding,
    # no ICMP back
    for ns in (p, o):
        ns.sysctl("net.ipv4.ip_forward", 0)
        ns.sysctl("net.ipv6.conf.all.forwarding", 0)

    frr = lab.add_frr(r, vtysh_client)
    spec = f"{module}:{module_args}" if module_args else module
    frr.start("zebra", config=zebra_config(), module=spec,
              extra=(zebra_extra if zebra_extra is not None
                     else ["-s", "90000000"]))
    frr.start("bgpd", config=bgpd_config())
    frr.start("ospfd", config=ospfd_config())
    frr.start("ospf6d", config=ospf6d_config())

    speakers = {}
    for s in SPEAKERS:
        conf = lab.dir / f"gobgpd-{s}.toml"
        conf.write_text(gobgpd_config(s))
        log = open(lab.dir / f"gobgpd-{s}.log", "w")
        port = LINKS[s][4]
        proc = lab.popen(p, "gobgpd", "-f", str(conf), "-p",
                         "--api-hosts", f"127.0.0.1:{port}",
                         "--log-level", "warn",
                         stdout=log, stderr=subprocess.STDOUT)
        sp = Speaker(s, p, port, proc)
        wait_until(lambda: sp.gobgp("global", check=False).returncode == 0,
                   15, what=f"gobgpd {s} API")
        speakers[s] = sp

    bdir = lab.dir / "bird"
    bdir.mkdir()
    (bdir / "bird.conf").write_text(bird_config(bdir / "bird.log"))
    bird = Bird(o, bdir)
    bird.proc = lab.popen(o, "bird", "-f", "-c", str(bdir / "bird.conf"),
                          "-s", str(bird.sock), "-P", str(bdir / "bird.pid"),
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.STDOUT)
    wait_until(lambda: bird.sock.exists(), 10, what="bird's socket")
    topo = DynTopo(lab, c, r, p, o, frr, speakers, bird)
    wait_until(lambda: ENABLED_IFS <= attached(topo), 20,
               what="xdpfwd on R's interfaces")
    wait_until(frr.xdpfwd_settled, 20, what="xdpfwd's start gate to open")
    return topo


ENABLED_IFS = set(R_IFS)


def attached(topo: DynTopo) -> set[str]:
    try:
        status = topo.xdpfwd_status()
    except (LabError, json.JSONDecodeError):
        return set()
    return {i["name"] for i in status.get("interfaces", [])
            if i.get("attached")}


def ospf_routes_ready(topo: DynTopo) -> bool:
    return (lablib.zebra_has_routes(topo.frr, OSPF_V4, "ospf") and
            lablib.zebra_has_routes(topo.frr, OSPF_V6, "ospf6"))


# --------------------------------------------------------------------------
# Loading the table


@dataclass
class LoadResult:
    n4: int
    n6: int
    inject_s: float
    bgp_kernel_s: float  # first poll with every IPv4 BGP route in the kernel
    bgp_xdp_s: float     # ... in the XDP maps
    bgp6_kernel_s: float
    bgp6_xdp_s: float
    established_s: float = 0  # all sessions Established, from t0
    first_established_s: float = 0  # the first one: announcements start
    kernel_overrun: bool = False  # nlwatch overflowed: kernel times polled
    samples: list = field(default_factory=list)
    dplane_max: dict = field(default_factory=dict)


def load_table(topo: DynTopo, table: bgptable.Table, timeout: float = 900,
               poll: float = 0.25, xdp_complete: bool = True) -> LoadResult:
    """Give every speaker its routes, then bring all sessions up at t0 and
    wait until every BGP route is in the kernel FIB and in the XDP maps.

    Kernel: nlwatch.py in R follows the route notifications and reports
    the instant each family is complete (falls back to netlink dumps if
    its socket overflows).  XDP: `show xdpfwd json` every `poll` seconds
    (fib4Routes / fib6Routes over the count before the load).  zebra's
    dplane counters are sampled every couple of seconds.
    xdp_complete=False: maps too small on purpose, only wait for the
    kernel."""
    topo.table = table
    topo.reindex()
    t_inj = time.monotonic()
    for s, sp in topo.speakers.items():
        p4, p6 = table.by_owner(s, 4), table.by_owner(s, 6)
        sp.inject(topo.lab.dir, p4, p6)
    inject_s = time.monotonic() - t_inj
    base = topo.xdpfwd_status()["maps"]
    base4, base6 = base["fib4Routes"], base["fib6Routes"]
    want4, want6 = len(table.v4), len(table.v6)
    res = LoadResult(want4, want6, inject_s, 0, 0, 0, 0)
    dmax: dict[str, int] = {}
    watch = topo.lab.popen(topo.r, sys.executable, str(NLWATCH), "--proto",
                           RTPROT_BGP, "--want4", str(want4), "--want6",
                           str(want6), stdout=subprocess.PIPE, text=True)
    if watch.stdout.readline().strip() != "ready":
        raise LabError("nlwatch did not start")
    events: list[dict] = []
    reader = threading.Thread(
        target=lambda: events.extend(json.loads(line) for line in
                                     watch.stdout), daemon=True)
    reader.start()
    t0 = time.monotonic()
    topo.set_shutdown(False)
    sessions = 2 * len(topo.speakers)
    done: dict[str, float] = {}
    if not xdp_complete:
        done["x4"] = done["x6"] = 0.0
    next_dp = 0.0
    overrun = False
    try:
        while not {"k4", "k6", "x4", "x6", "all_up"} <= set(done):
            now = time.monotonic() - t0
            if now > timeout:
                raise LabError(f"table not loaded after {timeout}s: {done} "
                               f"{res.samples[-1:]}")
            if "all_up" not in done:
                up = topo.bgp_established()
                if up:
                    done.setdefault("first_up", time.monotonic() - t0)
                if up == sessions:
                    done["all_up"] = time.monotonic() - t0
            for ev in list(events):
                if ev.get("overrun"):
                    overrun = True
                elif "family" in ev:
                    done.setdefault(f"k{ev['family']}", ev["t"] - t0)
            m = topo.xdpfwd_status()
            xt = time.monotonic() - t0
            x4 = m["maps"]["fib4Routes"] - base4
            x6 = m["maps"]["fib6Routes"] - base6
            for key, val, want in (("x4", x4, want4), ("x6", x6, want6)):
                if key not in done and val >= want:
                    done[key] = xt
            if now >= next_dp or overrun:
                sample = {"t": round(xt, 2), "xdp4": x4, "xdp6": x6,
                          "providerQueue":
                          m.get("provider", {}).get("queueDepth", 0)}
                if overrun:
                    k = topo.kernel_counts()
                    kt = time.monotonic() - t0
                    sample["kernel4"] = k["4"]["proto"].get(RTPROT_BGP, 0)
                    sample["kernel6"] = k["6"]["proto"].get(RTPROT_BGP, 0)
                    if sample["kernel4"] >= want4:
                        done.setdefault("k4", kt)
                    if sample["kernel6"] >= want6:
                        done.setdefault("k6", kt)
                dp = dplane_counters(topo)
                sample.update(dp)
                for key, val in dp.items():
                    dmax[key] = max(dmax.get(key, 0), val)
                res.samples.append(sample)
                next_dp = now + 2.0
            time.sleep(poll)
    finally:
        if watch.poll() is None:
            watch.terminate()
    res.first_established_s = done["first_up"]
    res.established_s = done["all_up"]
    res.bgp_kernel_s, res.bgp_xdp_s = done["k4"], done["x4"]
    res.bgp6_kernel_s, res.bgp6_xdp_s = done["k6"], done["x6"]
    res.kernel_overrun = overrun
    dmax["xdpfwdQueueMax"] = topo.xdpfwd_status()["provider"]["queueDepthMax"]
    res.dplane_max = dmax
    return res


_DPLANE_RE = {
    "routeQueueDepth": r"Route update queue depth:\s+(\d+)",
    "routeQueueMax": r"Route update queue max:\s+(\d+)",
    "routeUpdates": r"Route updates:\s+(\d+)",
    "routeErrors": r"Route update errors:\s+(\d+)",
}


def slowest_zebra_tasks(topo: DynTopo, n: int = 3) -> list[tuple[int, str]]:
    """The n tasks of zebra's main pthread with the longest single run
    (`show thread cpu`: max CPU microseconds, task name), longest first:
    how far the slowest command is from zebra's 5 s CPU-hog warning."""
    out = topo.frr.vtysh("show thread cpu", daemon="zebra",
                         check=False).stdout
    # zebra's main pthread is "default" in FRR 8.4's listing
    blocks = out.split("Showing statistics for pthread ")
    main = next((b for b in blocks[1:]
                 if b.startswith(("default", "main"))), "")
    tasks = []
    for line in main.splitlines():
        f = line.split()
        # Active Runtime Invoked AvgCPU MaxCPU AvgReal MaxReal CPU_Warn
        # Wall_Warn Starv_Warn Type Thread
        if len(f) >= 12 and f[0].isdigit() and f[4].isdigit():
            tasks.append((int(f[4]), f[-1]))
    return sorted(tasks, reverse=True)[:n]


def dplane_counters(topo: DynTopo) -> dict[str, int]:
    """zebra's dplane counters (show zebra dplane detailed) and each
    provider's queue maxima (show zebra dplane providers detailed)."""
    out = topo.frr.vtysh("show zebra dplane detailed", check=False).stdout
    res = {}
    for key, rx in _DPLANE_RE.items():
        m = re.search(rx, out)
        if m:
            res[key] = int(m.group(1))
    out = topo.frr.vtysh("show zebra dplane providers detailed",
                         check=False).stdout
    for m in re.finditer(r"(\S+) \(\d+\): in: (\d+), q: (\d+), q_max: (\d+), "
                         r"out: (\d+), q: (\d+), q_max: (\d+)", out):
        name = m.group(1)
        res[f"{name}InQueueMax"] = int(m.group(4))
        res[f"{name}OutQueueMax"] = int(m.group(7))
    return res


def zebra_pid(topo: DynTopo) -> int:
    return topo.frr.daemons["zebra"].pid()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def xdpfwd_memory(topo: DynTopo) -> dict[str, int]:
    """Bytes FRR's memory accounting has for xdpfwd's groups (show memory
    in zebra): "xdpfwd" and "xdpfwd IPv4 FIB"."""
    out = topo.frr.xdpfwd("show memory").stdout
    res: dict[str, int] = {}
    group = None
    for line in out.splitlines():
        m = re.match(r"--- qmem (.+) ---", line.strip())
        if m:
            group = m.group(1)
            continue
        if group and group.startswith("xdpfwd"):
            # name : count  size  total [max ...]
            m = re.match(r"(.+?)\s*:\s*(\d+)\s+(\S+)\s+(\d+)", line.strip())
            if m:
                res[group] = res.get(group, 0) + int(m.group(4))
    return res


# --------------------------------------------------------------------------
# Traffic


class Sniffers:
    """dyntraffic.py sniff in P (its three links) and O."""

    def __init__(self, topo: DynTopo):
        self.procs = {}
        for ns, ifaces in ((topo.p, "pa,pb,pc"), (topo.o, "eth0")):
            proc = topo.lab.popen(ns, sys.executable, str(DYNTRAFFIC),
                                  "sniff", "--ifaces", ifaces,
                                  stdout=subprocess.PIPE, text=True)
            if proc.stdout.readline().strip() != "ready":
                raise LabError(f"sniffer in {ns.name} did not start")
            self.procs[ns.name] = proc

    def finish(self) -> dict[str, list]:
        res: dict[str, list] = {}
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
            for dst, hits in json.loads(out).items():
                res.setdefault(dst, []).extend(hits)
        return res


# which R interface a frame arrived through, by the receiving interface
RX_TO_R = {"pa": "to-pa", "pb": "to-pb", "pc": "to-pc", "eth0": "to-o"}


def peer_macs(topo: DynTopo) -> dict[str, str]:
    macs = {pif: topo.p.link(pif)["address"] for _, pif, *_ in LINKS.values()}
    macs["eth0"] = topo.o.link("eth0")["address"]
    return macs


@dataclass
class TrafficResult:
    sent: int
    delivered: dict
    wrong: list       # (dst, expected, got)
    missing: list     # dsts with a route that arrived nowhere
    unexpected: list  # dsts without a route that arrived somewhere
    kernel_fwd: dict  # R's kernel forwarding counters, delta per family
    xdp_fwd: dict     # xdpfwd fwdV4/fwdV6 delta

    def summary(self) -> str:
        return (f"sent {self.sent}, delivered {len(self.delivered)}, "
                f"wrong {len(self.wrong)} {self.wrong[:5]}, missing "
                f"{len(self.missing)} {self.missing[:5]}, unexpected "
                f"{len(self.unexpected)} {self.unexpected[:5]}, kernel "
                f"forwarded {self.kernel_fwd}, XDP forwarded {self.xdp_fwd}")


def send_and_check(topo: DynTopo, dsts: list[str], rate: float = 4000,
                   tag: str = "t") -> TrafficResult:
    """One datagram from C to each of dsts; every one with a route in the
    model must arrive exactly once, through one of the interfaces its
    owner's next hops are on, with that receiver's MAC; none without a
    route may arrive anywhere."""
    listfile = topo.lab.dir / f"dsts-{tag}.txt"
    listfile.write_text("\n".join(dsts) + "\n")
    macs = peer_macs(topo)
    before_k = {4: topo.r.forwarded(4), 6: topo.r.forwarded(6)}
    before_x = lablib.xdpfwd_counters(topo.frr)
    sniffers = Sniffers(topo)
    try:
        topo.c.run(sys.executable, str(DYNTRAFFIC), "send", "--src4",
                   C_ADDR[0], "--src6", C_ADDR[1], "--file", str(listfile),
                   "--rate", str(rate), "--tag", tag,
                   timeout=len(dsts) / rate + 120)
        time.sleep(1.0)
    finally:
        got = sniffers.finish()
    after_k = {4: topo.r.forwarded(4), 6: topo.r.forwarded(6)}
    after_x = lablib.xdpfwd_counters(topo.frr)
    wrong, missing, unexpected = [], [], []
    for dst in dsts:
        want = topo.expected(dst)
        hits = got.get(dst, [])
        if want is None:
            if hits:
                unexpected.append((dst, hits))
            continue
        if not hits:
            missing.append(dst)
            continue
        for rx_if, dmac, n in hits:
            if (RX_TO_R[rx_if] not in want or dmac != macs[rx_if] or
                    n != 1 or len(hits) != 1):
                wrong.append((dst, sorted(want), hits))
                break
    return TrafficResult(
        len(dsts), got, wrong, missing, unexpected,
        {f: after_k[f] - before_k[f] for f in (4, 6)},
        {f: lablib.reason_packets(after_x, n) -
         lablib.reason_packets(before_x, n)
         for f, n in ((4, "fwdV4"), (6, "fwdV6"))})


def sample_destinations(topo: DynTopo, n4: int, n6: int,
                        seed: int = 7) -> list[str]:
    dsts = bgptable.sample_addresses(topo.table, 4, n4, seed)
    dsts += bgptable.sample_addresses(topo.table, 6, n6, seed)
    for net in OSPF_V4 + OSPF_V6:
        n = ipaddress.ip_network(net)
        dsts += [str(n.network_address + 5), str(n.network_address + 77)]
    return dsts
