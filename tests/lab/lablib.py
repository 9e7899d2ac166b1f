"""Network-namespace lab for xdpfwd: client C -- router R -- servers S1, S2.

Everything a lab creates is recorded in its Lab object (namespaces, FRR
daemons by pid file, helper processes by Popen handle, one scratch
directory) and Lab.close() removes exactly those, nothing found by name
patterns.  Lab.state()/Lab.from_state() let a different process (labctl.py
down) tear down a lab that labctl.py up created.

Needs root, iproute2, ethtool, Debian's frr (zebra, staticd, vtysh), iperf3.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LAB_DIR = Path(__file__).resolve().parent
TRAFFIC_SCRIPT = LAB_DIR / "labtraffic.py"

FRR_SBIN = Path("/usr/lib/frr")
FRR_MODULE_DIR = Path("/usr/lib/x86_64-linux-gnu/frr/modules")
VTYSH = "vtysh"

NAME_PREFIX = "xdpfwdlab"
_name_counter = itertools.count()

# Interface names.  Each namespace has its own set, so C, S1 and S2 all
# call the interface facing R "eth0"; R names its interfaces by neighbour.
HOST_IF = "eth0"
R_IF = {"c": "to-c", "s1": "to-s1", "s2": "to-s2"}

ADDR = {
    "c": {"v4": "10.0.1.2/24", "v6": "fd00:1::2/64"},
    "r": {
        "to-c": ("10.0.1.1/24", "fd00:1::1/64"),
        "to-s1": ("10.0.2.1/24", "fd00:2::1/64"),
        "to-s2": ("10.0.3.1/24", "fd00:3::1/64"),
    },
    "s1": {"v4": "10.0.2.2/24", "v6": "fd00:2::2/64",
           "lo": ["10.100.0.1/32", "2001:db8:100::1/128",
                  "10.200.0.1/32", "2001:db8:200::1/128"]},
    "s2": {"v4": "10.0.3.2/24", "v6": "fd00:3::2/64",
           "lo": ["10.200.0.1/32", "2001:db8:200::1/128"]},
}
GATEWAY = {
    "c": ("10.0.1.1", "fd00:1::1"),
    "s1": ("10.0.2.1", "fd00:2::1"),
    "s2": ("10.0.3.1", "fd00:3::1"),
}

# Targets behind the router (on S1's / on S1's and S2's loopbacks).
TARGET_V4 = "10.100.0.1"
TARGET_V6 = "2001:db8:100::1"
ANYCAST_V4 = "10.200.0.1"
ANYCAST_V6 = "2001:db8:200::1"
ROUTE_V4 = "10.100.0.0/24"
ROUTE_V6 = "2001:db8:100::/48"
ECMP_V4 = "10.200.0.0/24"
ECMP_V6 = "2001:db8:200::/48"

# Typed into staticd through stock vtysh, in configure mode.
STATIC_ROUTES = [
    f"ip route {ROUTE_V4} 10.0.2.2",
    f"ip route {ECMP_V4} 10.0.2.2",
    f"ip route {ECMP_V4} 10.0.3.2",
    f"ipv6 route {ROUTE_V6} fd00:2::2",
    f"ipv6 route {ECMP_V6} fd00:2::2",
    f"ipv6 route {ECMP_V6} fd00:3::2",
]


class LabError(RuntimeError):
    """A lab step failed; the message carries the command and its output."""


# `show xdpfwd ... json` answers are RFC 7951 instances of yang/frr-xdpfwd.yang
XDPFWD_YANG = REPO_ROOT / "yang" / "frr-xdpfwd.yang"
XDPFWD_YANG_TOP = "frr-xdpfwd:xdpfwd"
FRR_YANG_DIR = Path("/usr/share/yang")  # FRR's models, which it imports


@functools.cache
def yang_64bit_leaves() -> frozenset[str]:
    """Names of the model's 64-bit integer leaves (RFC 7951: JSON strings)."""
    return frozenset(re.findall(
        r"leaf (\w+) \{\s*type (?:u64-counter|uint64|int64)\b",
        XDPFWD_YANG.read_text()))


def _ints(node, name: str = ""):
    if isinstance(node, dict):
        return {k: _ints(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_ints(v, name) for v in node]
    # names are not unique in the model ("type" is also an enumeration)
    if isinstance(node, str) and name in yang_64bit_leaves() and \
            re.fullmatch(r"-?[0-9]+", node):
        return int(node)
    return node


def yang_validate(doc: dict, kind: str = "data") -> subprocess.CompletedProcess:
    """yanglint on doc as `kind` data ("data": state included, "config")
    of yang/frr-xdpfwd.yang with FRR's installed models; strict (a member
    the model lacks is an error).  returncode 0 and no stderr: valid."""
    with tempfile.TemporaryDirectory(prefix=f"{NAME_PREFIX}-yang-") as tmp:
        path = Path(tmp) / "doc.json"  # yanglint reads the format from .json
        path.write_text(json.dumps(doc, indent=1))
        return subprocess.run(["yanglint", "-p", str(FRR_YANG_DIR), "-t",
                               kind, str(XDPFWD_YANG), str(path)],
                              capture_output=True, text=True, timeout=60)


def xdpfwd_state(doc) -> dict:
    """The state container of a `show xdpfwd ... json` document,
    {"frr-xdpfwd:xdpfwd": {"state": {...}}} -> {...}, with the model's
    64-bit integers (JSON strings) as ints."""
    if not isinstance(doc, dict) or set(doc) != {XDPFWD_YANG_TOP}:
        raise LabError(f"not an {XDPFWD_YANG_TOP} document: {doc!r:.200}")
    return _ints(doc[XDPFWD_YANG_TOP]["state"])


def run(cmd: list[str], *, check: bool = True, timeout: float = 60,
        input: str | None = None) -> subprocess.CompletedProcess:
    """Run a command, capture text output, raise LabError on failure."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, input=input)
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"timeout after {timeout}s: {' '.join(cmd)}") from exc
    if check and proc.returncode != 0:
        raise LabError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
                       f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


def wait_until(predicate, timeout: float, interval: float = 0.2,
               what: str = "condition"):
    """Poll predicate() until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise LabError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def unique_name(role: str) -> str:
    """Namespace name unique to this process: prefix-pid-counter-role."""
    return f"{NAME_PREFIX}-{os.getpid()}-{next(_name_counter)}-{role}"


def netns_exists(name: str) -> bool:
    return (Path("/run/netns") / name).exists()


def our_leftover_namespaces(pid: int | None = None) -> list[str]:
    """Namespaces named by this process (or pid) that still exist."""
    prefix = f"{NAME_PREFIX}-{pid or os.getpid()}-"
    try:
        names = os.listdir("/run/netns")
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.startswith(prefix))


# --------------------------------------------------------------------------
# Paths of the things under test


def build_dirs() -> list[Path]:
    """Where built files are looked for: $XDPFWD_BUILDDIR (set by `make
    check`, may be an out-of-tree build), then the repository root."""
    dirs = []
    if os.environ.get("XDPFWD_BUILDDIR"):
        dirs.append(Path(os.environ["XDPFWD_BUILDDIR"]))
    dirs.append(REPO_ROOT)
    return dirs


def find_xdpfwd_vtysh() -> Path | None:
    """The xdpfwd-vtysh client: $XDPFWD_VTYSH, else build/tools/ or tools/
    under the build directory or the repository root."""
    env = os.environ.get("XDPFWD_VTYSH")
    if env:
        path = Path(env)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for base in build_dirs():
        for rel in ("build/tools/xdpfwd-vtysh", "tools/xdpfwd-vtysh"):
            path = base / rel
            if path.is_file() and os.access(path, os.X_OK):
                return path
    return None


def build_xdpfwd_vtysh(outdir: Path) -> Path:
    """Compile tools/xdpfwd-vtysh.c into outdir (used when none is built)."""
    out = outdir / "xdpfwd-vtysh"
    run(["gcc", "-O2", "-Wall", "-I", str(REPO_ROOT), "-o", str(out),
         str(REPO_ROOT / "tools" / "xdpfwd-vtysh.c"),
         str(REPO_ROOT / "tools" / "vty_client.c")])
    return out


def xdpfwd_module_spec() -> str:
    """What to pass to zebra -M: $XDPFWD_MODULE, else the built module
    (plugin/.libs/zebra_xdpfwd.so under the build directory or the
    repository root) if it exists, else "xdpfwd" (installed)."""
    env = os.environ.get("XDPFWD_MODULE")
    if env:
        return env
    for base in build_dirs():
        built = base / "plugin" / ".libs" / "zebra_xdpfwd.so"
        if built.is_file():
            return str(built)
    return "xdpfwd"


def resolve_module(spec: str) -> Path | None:
    """The file zebra would load for -M spec (lib/module.c search order:
    a path is used as is; a name NAME is <moduledir>/zebra_NAME.so, then
    <moduledir>/NAME.so).  "name:args" passes args to the module."""
    name = spec.split(":", 1)[0]
    if "/" in name:
        path = Path(name)
        return path if path.is_file() else None
    for candidate in (FRR_MODULE_DIR / f"zebra_{name}.so",
                      FRR_MODULE_DIR / f"{name}.so"):
        if candidate.is_file():
            return candidate
    return None


def module_missing_message(spec: str) -> str | None:
    """Why the xdpfwd module cannot be loaded, or None if its file exists."""
    if resolve_module(spec) is not None:
        return None
    return (f"xdpfwd zebra module not found: zebra -M {spec!r} would load no "
            "file. Default: plugin/.libs/zebra_xdpfwd.so under "
            f"$XDPFWD_BUILDDIR or {REPO_ROOT}, else the installed "
            f"{FRR_MODULE_DIR}/zebra_xdpfwd.so. Build the plugin "
            "(make) or set XDPFWD_MODULE to the .so path.")


# --------------------------------------------------------------------------
# Namespaces


@dataclass
class Netns:
    """A named network namespace (ip netns) and helpers to work in it."""

    name: str

    def exec_args(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *args]

    def run(self, *args: str, check: bool = True, timeout: float = 60,
            input: str | None = None) -> subprocess.CompletedProcess:
        return run(self.exec_args(*args), check=check, timeout=timeout,
                   input=input)

    def ip(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run(["ip", "-n", self.name, *args], check=check)

    def sysctl(self, key: str, value: str | int) -> None:
        self.run("sysctl", "-qw", f"{key}={value}")

    def read_file(self, path: str) -> str:
        """Read a file as seen from inside the namespace (/proc/net, /sys)."""
        return self.run("cat", path).stdout

    def link(self, ifname: str) -> dict:
        """`ip -j -s link show` for one interface (mtu, address, stats64)."""
        out = self.ip("-j", "-s", "link", "show", "dev", ifname).stdout
        return json.loads(out)[0]

    def link_stats(self, ifname: str) -> dict:
        """Flat counters of an interface: rx_packets, tx_bytes, ..."""
        stats = self.link(ifname)["stats64"]
        return {f"{d}_{k}": v for d in ("rx", "tx")
                for k, v in stats[d].items()}

    def ifindex(self, ifname: str) -> int:
        return int(self.link(ifname)["ifindex"])

    def snmp(self) -> dict[str, int]:
        """/proc/net/snmp of this namespace as {"Ip.ForwDatagrams": N, ...}."""
        counters: dict[str, int] = {}
        lines = self.read_file("/proc/net/snmp").splitlines()
        for header, values in zip(lines[0::2], lines[1::2]):
            proto, names = header.split(":", 1)
            _, nums = values.split(":", 1)
            for key, val in zip(names.split(), nums.split()):
                counters[f"{proto}.{key}"] = int(val)
        return counters

    def snmp6(self) -> dict[str, int]:
        """/proc/net/snmp6 of this namespace as {"Ip6OutForwDatagrams": N}."""
        counters: dict[str, int] = {}
        for line in self.read_file("/proc/net/snmp6").splitlines():
            parts = line.split()
            if len(parts) == 2:
                counters[parts[0]] = int(parts[1])
        return counters

    def forwarded(self, family: int) -> int:
        """The kernel's forwarding counter: Ip: ForwDatagrams (IPv4) or
        Ip6OutForwDatagrams (IPv6)."""
        if family == 4:
            return self.snmp()["Ip.ForwDatagrams"]
        return self.snmp6()["Ip6OutForwDatagrams"]

    def ping(self, dst: str, *, count: int = 3, interval: float = 0.2,
             wait: float = 2, ttl: int | None = None, size: int | None = None,
             dont_fragment: bool = False,
             source: str | None = None) -> subprocess.CompletedProcess:
        """iputils ping (IPv6 chosen from the address); never raises."""
        args = ["ping", "-n", "-c", str(count), "-i", str(interval),
                "-W", str(wait)]
        if ":" in dst:
            args.insert(1, "-6")
        if ttl is not None:
            args += ["-t", str(ttl)]
        if size is not None:
            args += ["-s", str(size)]
        if dont_fragment:
            args += ["-M", "do"]
        if source:
            args += ["-I", source]
        args.append(dst)
        return self.run(*args, check=False,
                        timeout=count * (interval + wait) + 10)


# --------------------------------------------------------------------------
# FRR daemons


@dataclass
class Daemon:
    """An FRR daemon started with -d and -i PIDFILE; stopped by that pid."""

    name: str
    pidfile: Path
    log: Path

    def pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def is_ours(self, pid: int) -> bool:
        """The process still is the daemon we started (guards pid reuse):
        its command line carries our pid file path."""
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return str(self.pidfile).encode() in cmdline.split(b"\0")

    def running(self) -> bool:
        pid = self.pid()
        return pid is not None and self.is_ours(pid)

    def stop(self, timeout: float = 10) -> None:
        pid = self.pid()
        if pid is None or not self.is_ours(pid):
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.is_ours(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.is_ours(pid):
            os.kill(pid, signal.SIGKILL)
            while self.is_ours(pid):
                time.sleep(0.05)


def vty_probe(socket_path: Path, command: str = "show version",
              timeout: float = 2) -> bool:
    """True if the daemon answers a command on its vty socket (the same
    protocol as vtysh: command + NUL, answer ends with 3 NULs + status)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(socket_path))
            sock.sendall(command.encode() + b"\0")
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return False
                data += chunk
                nul = data.find(b"\0")
                if nul >= 0 and len(data) >= nul + 4:
                    return data[nul:nul + 3] == b"\0\0\0"
    except OSError:
        return False


class Frr:
    """zebra and staticd in one namespace, sockets and files in one dir."""

    def __init__(self, ns: Netns, directory: Path, vtysh_client: Path | None):
        self.ns = ns
        self.dir = directory
        self.client = vtysh_client
        self.daemons: dict[str, Daemon] = {}

    def _write_conf(self, daemon: str, text: str) -> Path:
        conf = self.dir / f"{daemon}.conf"
        conf.write_text(text)
        shutil.chown(conf, "frr", "frr")
        return conf

    def start(self, daemon: str, config: str = "", module: str | None = None,
              timeout: float = 20, config_file: bool = True) -> Daemon:
        """Start /usr/lib/frr/<daemon> -d inside the namespace and wait
        until it answers on its vty socket.  config_file=False starts it
        without -f, as Debian's integrated-config setup does."""
        conf = self._write_conf(daemon, f"hostname {self.ns.name}\n{config}")
        pidfile = self.dir / f"{daemon}.pid"
        log = self.dir / f"{daemon}.log"
        args = [str(FRR_SBIN / daemon), "-d", "-F", "traditional",
                *(["-f", str(conf)] if config_file else []), "-i", str(pidfile),
                "-z", str(self.dir / "zserv.api"),
                "--vty_socket", str(self.dir), "-P", "0",
                "-u", "frr", "-g", "frr", "--log", f"file:{log}"]
        if module:
            args += ["-M", module]
        d = Daemon(daemon, pidfile, log)
        self.daemons[daemon] = d
        out = self.dir / f"{daemon}.stdout"
        with open(out, "w") as stdout:
            rc = subprocess.call(self.ns.exec_args(*args), stdout=stdout,
                                 stderr=subprocess.STDOUT, timeout=60)
        sock = self.dir / f"{daemon}.vty"
        try:
            if rc != 0:
                raise LabError(f"{daemon} exited with {rc}")
            wait_until(lambda: vty_probe(sock), timeout,
                       what=f"{daemon} to answer on {sock}")
            wait_until(d.running, 5, what=f"{daemon}'s pid file")
            if module and daemon == "zebra" and self.client:
                wait_until(self.xdpfwd_settled, timeout,
                           what="xdpfwd's start gate to open")
        except LabError as exc:
            raise LabError(f"{exc}\n{self.logs(daemon)}") from None
        return d

    def xdpfwd_settled(self) -> bool:
        """The module has decided: its start gate is open (the fast path
        forwards), or it is not running (passive, or not loaded)."""
        res = self.xdpfwd("show xdpfwd json", check=False)
        try:
            status = xdpfwd_state(json.loads(res.stdout))
        except (json.JSONDecodeError, LabError):
            return True  # no such command: the module did not load
        if status.get("status") != "running":
            return True
        return status["liveness"]["gateOpen"]

    def logs(self, daemon: str) -> str:
        """stdout and log file of a daemon, for failure messages."""
        parts = []
        for suffix in ("stdout", "log"):
            path = self.dir / f"{daemon}.{suffix}"
            if path.exists():
                parts.append(f"--- {path}\n{path.read_text()[-4000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        for name in ("staticd", "zebra"):
            if name in self.daemons:
                self.daemons[name].stop()

    def vtysh(self, *commands: str, check: bool = True,
              daemon: str | None = None) -> subprocess.CompletedProcess:
        """Stock vtysh with -c for each command, against this FRR."""
        args = [VTYSH, "--vty_socket", str(self.dir)]
        if daemon:
            args += ["-d", daemon]
        for cmd in commands:
            args += ["-c", cmd]
        return self.ns.run(*args, check=check)

    def vtysh_json(self, command: str, daemon: str | None = None):
        return json.loads(self.vtysh(command, daemon=daemon).stdout)

    def configure(self, *lines: str) -> subprocess.CompletedProcess:
        """Type configuration lines through stock vtysh."""
        return self.vtysh("configure terminal", *lines)

    def xdpfwd(self, *commands: str, check: bool = True,
               daemon: str = "zebra") -> subprocess.CompletedProcess:
        """The xdpfwd-vtysh client (runs module commands) against a daemon."""
        if self.client is None:
            raise LabError("no xdpfwd-vtysh client (set XDPFWD_VTYSH)")
        args = [str(self.client), "--vty_socket", str(self.dir),
                "-d", daemon]
        for cmd in commands:
            args += ["-c", cmd]
        return run(args, check=check)

    def xdpfwd_doc(self, command: str) -> dict:
        """Run `<command>` (ending in json) through xdpfwd-vtysh, parse it:
        the whole RFC 7951 document (yang/frr-xdpfwd.yang)."""
        out = self.xdpfwd(command).stdout
        try:
            return json.loads(out)
        except json.JSONDecodeError as exc:
            raise LabError(f"{command!r} did not print JSON: {out!r}") from exc

    def xdpfwd_json(self, command: str) -> dict:
        """`<command>`'s answer: the members of the model's state container
        it printed (64-bit integers are strings: int() them)."""
        return xdpfwd_state(self.xdpfwd_doc(command))


# --------------------------------------------------------------------------
# The lab


class Lab:
    """Owns namespaces, daemons, helper processes and a scratch directory.

    Use as a context manager; close() undoes exactly what was created,
    continuing past errors so one failure does not leak the rest.
    """

    def __init__(self, tag: str = "lab"):
        self.tag = tag
        self.dir = Path(tempfile.mkdtemp(prefix=f"{NAME_PREFIX}-{tag}-"))
        os.chmod(self.dir, 0o755)
        self.namespaces: list[Netns] = []
        self.frrs: list[Frr] = []
        self.procs: list[subprocess.Popen] = []
        self.closed = False

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add_netns(self, role: str) -> Netns:
        ns = Netns(unique_name(role))
        run(["ip", "netns", "add", ns.name])
        self.namespaces.append(ns)
        ns.ip("link", "set", "lo", "up")
        # No DAD anywhere: link-local and global addresses usable at once.
        ns.sysctl("net.ipv6.conf.all.accept_dad", 0)
        ns.sysctl("net.ipv6.conf.default.accept_dad", 0)
        return ns

    def add_veth(self, a: Netns, a_if: str, b: Netns, b_if: str) -> None:
        """A veth pair created directly inside both namespaces."""
        run(["ip", "link", "add", "name", a_if, "netns", a.name, "type",
             "veth", "peer", "name", b_if, "netns", b.name])

    def add_frr(self, ns: Netns, vtysh_client: Path | None) -> Frr:
        directory = self.dir / f"frr-{ns.name}"
        directory.mkdir()
        shutil.chown(directory, "frr", "frr")
        frr = Frr(ns, directory, vtysh_client)
        self.frrs.append(frr)
        return frr

    def popen(self, ns: Netns, *args: str, **kwargs) -> subprocess.Popen:
        """A helper process in a namespace, terminated by close()."""
        proc = subprocess.Popen(ns.exec_args(*args), **kwargs)
        self.procs.append(proc)
        return proc

    def state(self) -> dict:
        return {
            "dir": str(self.dir),
            "namespaces": [ns.name for ns in self.namespaces],
            "daemons": [{"name": d.name, "pidfile": str(d.pidfile),
                         "log": str(d.log)}
                        for frr in self.frrs for d in frr.daemons.values()],
        }

    @classmethod
    def from_state(cls, state: dict) -> Lab:
        """A Lab object that can close() what another process created."""
        lab = cls.__new__(cls)
        lab.tag = "restored"
        lab.dir = Path(state["dir"])
        lab.namespaces = [Netns(n) for n in state["namespaces"]]
        lab.procs = []
        lab.frrs = []
        lab.closed = False
        frr = Frr(Netns(""), lab.dir, None)
        for d in state["daemons"]:
            frr.daemons[d["name"]] = Daemon(d["name"], Path(d["pidfile"]),
                                            Path(d["log"]))
        lab.frrs.append(frr)
        return lab

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        errors = []
        for proc in self.procs:
            try:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
            except Exception as exc:  # keep tearing down
                errors.append(f"process {proc.pid}: {exc}")
        daemons = [d for frr in self.frrs
                   for name in ("staticd", "zebra")
                   if (d := frr.daemons.get(name))]
        for d in daemons:
            try:
                d.stop()
            except Exception as exc:
                errors.append(f"{d.name} ({d.pidfile}): {exc}")
        for ns in reversed(self.namespaces):
            try:
                if netns_exists(ns.name):
                    run(["ip", "netns", "del", ns.name])
            except Exception as exc:
                errors.append(f"netns {ns.name}: {exc}")
        if os.environ.get("XDPFWD_LAB_KEEP_LOGS"):
            print(f"lab logs kept in {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        if errors:
            raise LabError("teardown problems:\n" + "\n".join(errors))


# --------------------------------------------------------------------------
# The topology


@dataclass
class Topology:
    """C -- R -- S1/S2 with FRR on R."""

    lab: Lab
    c: Netns
    r: Netns
    s1: Netns
    s2: Netns
    frr: Frr
    module: str | None = None
    hosts: dict[str, Netns] = field(default_factory=dict)

    def host(self, role: str) -> Netns:
        return self.hosts[role]


def zebra_xdpfwd_config(interfaces) -> str:
    """zebra.conf stanzas enabling xdpfwd, in FRR's interface idiom."""
    return "".join(f"interface {ifname}\n xdpfwd\nexit\n!\n"
                   for ifname in interfaces)


def router_sysctls(r: Netns) -> None:
    """The router namespace's forwarding settings shared by the labs."""
    r.sysctl("net.ipv4.ip_forward", 1)
    r.sysctl("net.ipv6.conf.all.forwarding", 1)
    # Hash L4 ports for ECMP in the kernel too, as the XDP path does, so
    # the ECMP tests are meaningful for kernel-only runs.
    r.sysctl("net.ipv4.fib_multipath_hash_policy", 1)
    r.sysctl("net.ipv6.fib_multipath_hash_policy", 1)
    # Answer every TTL / MTU probe: no ICMP rate limit on the router.
    r.sysctl("net.ipv4.icmp_ratelimit", 0)
    r.sysctl("net.ipv6.icmp.ratelimit", 0)


def build_topology(lab: Lab, *, vtysh_client: Path | None,
                   module: str | None = None,
                   xdpfwd_in_config: bool = False,
                   static_routes: bool = True) -> Topology:
    """Create namespaces, links, addresses, sysctls; start zebra (with
    -M module if given) and staticd in R; type the static routes."""
    c, r, s1, s2 = build_network(lab)
    hosts = {"c": c, "s1": s1, "s2": s2}

    frr = lab.add_frr(r, vtysh_client)
    zebra_conf = zebra_xdpfwd_config(R_IF.values()) if xdpfwd_in_config else ""
    frr.start("zebra", config=zebra_conf, module=module)
    frr.start("staticd")
    wait_until(lambda: "static" in frr.vtysh("show zebra client summary",
                                             daemon="zebra").stdout,
               15, what="staticd to connect to zebra")
    topo = Topology(lab, c, r, s1, s2, frr, module, hosts)
    if static_routes:
        frr.configure(*STATIC_ROUTES)
        wait_kernel_routes(topo)
    return topo


def build_network(lab: Lab) -> tuple[Netns, Netns, Netns, Netns]:
    """Namespaces C, R, S1, S2, their links, addresses and sysctls, no
    daemons; returns (c, r, s1, s2)."""
    c, r, s1, s2 = (lab.add_netns(role) for role in ("c", "r", "s1", "s2"))
    hosts = {"c": c, "s1": s1, "s2": s2}

    router_sysctls(r)

    for role, host in hosts.items():
        lab.add_veth(host, HOST_IF, r, R_IF[role])
        # The hosts send frames as a NIC would deliver them to R:
        # - GRO on: a frame XDP-redirected into a veth is delivered only if
        #   the peer has XDP attached or GRO on;
        # - tx checksum offload off: with it, locally generated TCP/UDP
        #   frames cross the veth with CHECKSUM_PARTIAL (checksum not yet
        #   filled in); native XDP on R cannot see that, and a frame it
        #   redirects arrives with a bad checksum and is dropped by the
        #   receiver (seen: tcpdump "bad udp cksum" at S1, TCP connect
        #   timing out, while ping worked);
        # - TSO/GSO off: MTU-sized frames, so one forwarded datagram is one
        #   packet in both the kernel and the XDP path and counts compare.
        host_link_offloads(host, HOST_IF)
        host.ip("addr", "add", ADDR[role]["v4"], "dev", HOST_IF)
        host.ip("addr", "add", ADDR[role]["v6"], "dev", HOST_IF, "nodad")
        for addr in ADDR[role].get("lo", []):
            extra = ["nodad"] if ":" in addr else []
            host.ip("addr", "add", addr, "dev", "lo", *extra)
        host.ip("link", "set", HOST_IF, "up")
    for ifname, (v4, v6) in ADDR["r"].items():
        r.ip("addr", "add", v4, "dev", ifname)
        r.ip("addr", "add", v6, "dev", ifname, "nodad")
        r.ip("link", "set", ifname, "up")
    for role, host in hosts.items():
        gw4, gw6 = GATEWAY[role]
        host.ip("route", "add", "default", "via", gw4)
        host.ip("-6", "route", "add", "default", "via", gw6)
    return c, r, s1, s2


@contextmanager
def lab_topology(tag: str, **kwargs):
    """A Lab with the topology built in it; closed on exit, also when the
    build itself fails half-way."""
    lab = Lab(tag)
    try:
        yield build_topology(lab, **kwargs)
    finally:
        lab.close()


def kernel_route(ns: Netns, prefix: str) -> dict | None:
    """The kernel's route for exactly prefix in the main table, or None."""
    family = "-6" if ":" in prefix else "-4"
    out = ns.ip("-j", family, "route", "show", "exact", prefix).stdout
    routes = json.loads(out) if out.strip() else []
    return routes[0] if routes else None


def kernel_nexthop_count(route: dict) -> int:
    if "nexthops" in route:
        return len(route["nexthops"])
    return 1 if route.get("gateway") or route.get("dev") else 0


def wait_kernel_routes(topo: Topology, timeout: float = 15) -> None:
    """All static routes in R's kernel, the ECMP ones with two nexthops.
    zebra installs nexthop objects (ip nexthop); `ip route` shows `nhid`,
    so count the paths via the nexthop group."""
    expected = {ROUTE_V4: 1, ECMP_V4: 2, ROUTE_V6: 1, ECMP_V6: 2}

    def ready():
        for prefix, paths in expected.items():
            route = kernel_route(topo.r, prefix)
            if route is None or route_path_count(topo.r, route) != paths:
                return False
        return True

    wait_until(ready, timeout, what="static routes in R's kernel FIB")


def route_path_count(ns: Netns, route: dict | None) -> int:
    """Paths of a kernel route (0 for no route)."""
    if route is None:
        return 0
    if "nhid" in route:
        out = ns.ip("-j", "nexthop", "show", "id", str(route["nhid"])).stdout
        nh = json.loads(out)[0]
        return len(nh["group"]) if "group" in nh else 1
    return kernel_nexthop_count(route)


# --------------------------------------------------------------------------
# FRR views


def zebra_route_entries(frr: Frr, prefix: str) -> list[dict]:
    """Entries of `show ip[v6] route PREFIX json` (stock vtysh): zebra's
    entries for exactly that prefix, [] when it has none.  One prefix, not
    the whole table: a full-table JSON dump holds zebra's main thread for
    seconds at 100k routes and trips its CPU-hog warning."""
    fam = "ipv6" if ":" in prefix else "ip"
    # "% Network not in table" (CMD_WARNING) prints "{}" with json
    out = frr.vtysh(f"show {fam} route {prefix} json", check=False).stdout
    return json.loads(out or "{}").get(prefix, [])


def zebra_has_routes(frr: Frr, prefixes, protocol: str) -> bool:
    """zebra has a selected `protocol` entry for every one of prefixes
    (one `show ip[v6] route PREFIX json` each)."""
    return all(any(e.get("protocol") == protocol and e.get("selected")
                   for e in zebra_route_entries(frr, p)) for p in prefixes)


def zebra_has_none(frr: Frr, prefixes, protocol: str) -> bool:
    """zebra has no `protocol` entry for any of prefixes."""
    return not any(any(e.get("protocol") == protocol
                       for e in zebra_route_entries(frr, p))
                   for p in prefixes)


def static_route_offloaded(frr: Frr, prefix: str) -> bool:
    """The selected static entry for prefix says "offloaded": true."""
    return any(e.get("protocol") == "static" and e.get("selected")
               and e.get("offloaded") is True
               for e in zebra_route_entries(frr, prefix))


def wait_fast_path(topo: "Topology", timeout: float = 20) -> None:
    """Every router interface attached and the static routes ROUTE_V4 and
    ROUTE_V6 offloaded, or LabError after timeout."""
    enabled = set(R_IF.values())

    def ready():
        status = topo.frr.xdpfwd_json("show xdpfwd json")
        attached = {i["name"] for i in status.get("interfaces", [])}
        return enabled <= attached and all(
            static_route_offloaded(topo.frr, p)
            for p in (ROUTE_V4, ROUTE_V6))

    wait_until(ready, timeout, interval=0.5, what="fast path")


def xdpfwd_counters(frr: Frr) -> dict:
    """`show xdpfwd counters json` as {"reasons": {reason: {"packets": n,
    "bytes": n}}, "interfaces": {ifname: {"rxFwdPackets": n, ...}}}: the
    model's keyed lists as dicts."""
    c = frr.xdpfwd_json("show xdpfwd counters json")["counters"]
    return {"reasons": {r.pop("reason"): r for r in c.get("reasons", [])},
            "interfaces": {i.pop("name"): i
                           for i in c.get("interfaces", [])}}


def reason_packets(counters: dict, reason: str) -> int:
    return int(counters["reasons"].get(reason, {}).get("packets", 0))


def xdpfwd_route_prefixes(frr: Frr) -> set[str]:
    return {r["prefix"] for r in
            frr.xdpfwd_json("show xdpfwd routes json").get("routes", [])}


# --------------------------------------------------------------------------
# Traffic


def warm_up(topo: Topology) -> None:
    """Resolve every neighbour on the way (C<->R, R<->S1, R<->S2) for both
    families, so the measured traffic needs no ARP/ND on the router."""
    for dst in (TARGET_V4, TARGET_V6):
        res = topo.c.ping(dst, count=2, interval=0.2)
        if res.returncode != 0:
            raise LabError(f"warm-up ping to {dst} failed:\n{res.stdout}")
    for host in (topo.s1, topo.s2):
        for dst in GATEWAY["c"]:
            host.ping(dst, count=1)
    topo.s2.ping("10.0.1.2", count=1)
    topo.s2.ping("fd00:1::2", count=1)


def tcp_transfer(topo: Topology, client: Netns, server: Netns, addr: str,
                 nbytes: int, port: int = 5201, pause_after: int = 0,
                 on_pause=None) -> dict:
    """Send nbytes over one TCP connection from client to addr:port (on
    server) and wait until the server confirms it received every byte;
    return {"bytes": received, "seconds": duration}.  With pause_after,
    the sender stops once that many bytes are sent and on_pause(its
    local port) runs before it goes on."""
    sink = topo.lab.popen(server, sys.executable, str(TRAFFIC_SCRIPT),
                          "tcp-sink", "--addr", addr, "--port", str(port),
                          stdout=subprocess.PIPE, text=True)
    args = [sys.executable, str(TRAFFIC_SCRIPT), "tcp-send", "--dst", addr,
            "--port", str(port), "--bytes", str(nbytes)]
    try:
        line = sink.stdout.readline()
        if line.strip() != "ready":
            raise LabError(f"TCP sink in {server.name} did not start")
        if not pause_after:
            res = client.run(*args, check=False, timeout=120)
            out, err, rc = res.stdout, res.stderr, res.returncode
        else:
            sender = topo.lab.popen(client, *args, "--pause-after",
                                    str(pause_after), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            line = sender.stdout.readline().split()
            if line[:1] != ["paused"]:
                sender.kill()
                raise LabError(f"TCP sender in {client.name} did not "
                               f"pause: {line}")
            on_pause(int(line[1]))
            out, err = sender.communicate("go\n", timeout=120)
            rc = sender.returncode
        if rc != 0:
            raise LabError(f"TCP transfer to {addr} failed:\n{out}\n{err}")
        sink.wait(timeout=10)
        return json.loads(out)
    finally:
        if sink.poll() is None:
            sink.terminate()
            sink.wait(timeout=5)


class UdpSink:
    """labtraffic.py sink on a server: counts packets per source port."""

    def __init__(self, lab: Lab, ns: Netns, addr: str, port: int):
        self.proc = lab.popen(ns, sys.executable, str(TRAFFIC_SCRIPT), "sink",
                              "--addr", addr, "--port", str(port),
                              stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise LabError(f"UDP sink in {ns.name} did not start: {line!r}")

    def finish(self) -> dict[int, int]:
        """Stop the sink, return {source port: packets}."""
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=10)
        return {int(k): v for k, v in json.loads(out).items()}


def send_udp_flows(ns: Netns, src: str, dst: str, port: int, flows: int,
                   packets: int, sport_base: int = 20000) -> None:
    """From ns, `flows` UDP flows (source ports sport_base...) of
    `packets` packets each to dst:port."""
    ns.run(sys.executable, str(TRAFFIC_SCRIPT), "send", "--src", src,
           "--dst", dst, "--port", str(port), "--flows", str(flows),
           "--packets", str(packets), "--sport-base", str(sport_base),
           timeout=120)


def ecmp_run(topo: Topology, dst: str, flows: int, packets: int,
             port: int = 9000, sport_base: int = 20000) -> dict[str, dict]:
    """Send flows to the anycast dst; return each server's per-port count."""
    src = "fd00:1::2" if ":" in dst else "10.0.1.2"
    sinks = {role: UdpSink(topo.lab, topo.host(role), dst, port)
             for role in ("s1", "s2")}
    try:
        send_udp_flows(topo.c, src, dst, port, flows, packets, sport_base)
        time.sleep(0.5)
    finally:
        counts = {role: sink.finish() for role, sink in sinks.items()}
    return counts



# --------------------------------------------------------------------------
# Behaviour probes shared by the kernel-only and the xdpfwd tests

# Bytes in one transfer; at most 1448 payload bytes fit one 1500-byte IPv4
# TCP segment with timestamps (1428 for IPv6), so a transfer of N bytes
# needs at least N // 1448 data packets through the router.
TRANSFER_BYTES = 20_000_000
MAX_TCP_PAYLOAD = 1448

# Kernel forwards allowed while the fast path is expected to take all the
# traffic.  After the warm-up every neighbour is resolved, but the kernel
# may still see a stray forwarded packet: e.g. one sent while R's kernel
# re-validates a STALE neighbour entry (the XDP program passes packets
# whose adjacency is not usable at that instant).  A broken fast path
# instead leaves thousands of packets to the kernel.
KERNEL_SLACK = 5

TTL_EXCEEDED_TEXT = {4: "Time to live exceeded", 6: "Time exceeded: Hop limit"}
TOO_BIG_TEXT = {4: "Frag needed and DF set (mtu = {mtu})",
                6: "Packet too big: mtu={mtu}"}
ROUTER_ADDRS = {4: ["10.0.1.1", "10.0.2.1", "10.0.3.1"],
                6: ["fd00:1::1", "fd00:2::1", "fd00:3::1"]}
FAMILY = {4: {"target": TARGET_V4, "anycast": ANYCAST_V4, "route": ROUTE_V4,
              "ecmp": ECMP_V4, "gw": "10.0.1.1", "src": "10.0.1.2",
              "via_s1": "10.0.2.2", "ip": "ip", "fwd": "fwdV4"},
          6: {"target": TARGET_V6, "anycast": ANYCAST_V6, "route": ROUTE_V6,
              "ecmp": ECMP_V6, "gw": "fd00:1::1", "src": "fd00:1::2",
              "via_s1": "fd00:2::2", "ip": "ipv6", "fwd": "fwdV6"}}


def data_packets_needed(nbytes: int) -> int:
    return nbytes // MAX_TCP_PAYLOAD


def icmp_from_router(res: subprocess.CompletedProcess, family: int,
                     text: str) -> bool:
    """ping printed an ICMP error with text, sent by R's C-facing address."""
    gw = FAMILY[family]["gw"]
    return any(line.startswith(f"From {gw} ") and text in line
               for line in res.stdout.splitlines())


@contextmanager
def lowered_mtu(topo: Topology, ifname: str, mtu: int):
    """R's ifname at a lower MTU; restored (and C's PMTU cache flushed)."""
    old = topo.r.link(ifname)["mtu"]
    topo.r.ip("link", "set", ifname, "mtu", str(mtu))
    try:
        yield
    finally:
        topo.r.ip("link", "set", ifname, "mtu", str(old))
        topo.c.ip("-4", "route", "flush", "cache", check=False)
        topo.c.ip("-6", "route", "flush", "cache", check=False)


def too_big_probe(topo: Topology, family: int, mtu: int,
                  timeout: float = 5) -> subprocess.CompletedProcess:
    """Ping S1's target with DF and 1450 bytes until R answers with an ICMP
    error (zebra/xdpfwd may need a moment to learn the MTU); returns the
    last ping result."""
    text = TOO_BIG_TEXT[family].format(mtu=mtu)
    deadline = time.monotonic() + timeout
    while True:
        res = topo.c.ping(FAMILY[family]["target"], count=1, size=1450,
                          dont_fragment=True, wait=1)
        if icmp_from_router(res, family, text) or time.monotonic() > deadline:
            return res
        time.sleep(0.3)


def ecmp_split(counts: dict[str, dict[int, int]]) -> dict:
    """Summary of an ecmp_run: flows and packets per server, flows seen at
    both servers."""
    s1, s2 = counts["s1"], counts["s2"]
    return {"s1_flows": len(s1), "s2_flows": len(s2),
            "s1_packets": sum(s1.values()), "s2_packets": sum(s2.values()),
            "split_flows": sorted(set(s1) & set(s2)),
            "all_flows": set(s1) | set(s2)}


# --------------------------------------------------------------------------
# Bridge lab (tests/lab/test_40_bridge.py): R bridges br0 over veth ports
# to hosts; X sits behind another router interface.
#
#   H1 -- p1 \                      / to-x -- X
#   H2 -- p2  +- br0 (R, 10.50.0.1) -
#   H3 -- p3 /  (H3B: macvlan on H3's eth0, VEPA: a second MAC behind p3)
#   HM -- p4, and HM's eth1 -- p5 (where HM moves to)
#
# MACs are fixed so that FDB entries are predictable.

BRIDGE = "br0"
BRIDGE_MAC = "02:50:00:00:00:01"
BR_PORT = {"h1": "p1", "h2": "p2", "h3": "p3", "hm": "p4"}
BR_MOVE_PORT = "p5"  # HM's second link (eth1)
BR_HOST_MAC = {"h1": "02:50:00:00:00:11", "h2": "02:50:00:00:00:12",
               "h3": "02:50:00:00:00:13", "h3b": "02:50:00:00:00:23",
               "hm": "02:50:00:00:00:14"}
BR_HOST_ADDR = {"h1": ("10.50.0.11", "fd00:50::11"),
                "h2": ("10.50.0.12", "fd00:50::12"),
                "h3": ("10.50.0.13", "fd00:50::13"),
                "h3b": ("10.50.0.23", "fd00:50::23"),
                "hm": ("10.50.0.14", "fd00:50::14")}
BR_ROUTER_ADDR = ("10.50.0.1", "fd00:50::1")
X_ADDR = ("10.60.0.2", "fd00:60::2")
X_ROUTER_ADDR = ("10.60.0.1", "fd00:60::1")
# behind H3 (its loopback): routed by R through a gateway on the bridge
BR_GW_ROUTE = "10.70.0.0/24"
BR_GW_TARGET = "10.70.0.1"
BR_XDP_IFS = ["p1", "p2", "p3", "p4", "p5", "to-x"]


def host_link_offloads(ns: Netns, ifname: str) -> None:
    """A lab host's link as lablib.build_topology sets it (GRO on so that
    XDP-redirected frames are delivered, tx checksum/TSO/GSO off, VLAN tag
    insertion off so that a tag travels in the frame: with it on, xdpfwd
    leaves the router's end to the kernel, passVlanOffload).  Must
    run before the router's end comes up: a veth becomes a redirect
    target when it opens (or when its peer's GRO is toggled while the
    peer is up), not when GRO is turned on in a peer that is down."""
    ns.run("ethtool", "-K", ifname, "gro", "on", "tx", "off", "tso", "off",
           "gso", "off", "txvlan", "off", "tx-vlan-stag-hw-insert", "off")


@dataclass
class BridgeTopology:
    lab: Lab
    r: Netns
    x: Netns
    hosts: dict[str, Netns]
    frr: Frr

    def host(self, role: str) -> Netns:
        return self.hosts[role]


def build_bridge_topology(lab: Lab, *, vtysh_client: Path | None,
                          module: str | None) -> BridgeTopology:
    """Namespaces, the bridge and its ports, addresses, zebra (-M module,
    xdpfwd on every bridge port and to-x) and staticd with the route via
    H3."""
    r = lab.add_netns("br-r")
    x = lab.add_netns("br-x")
    hosts = {role: lab.add_netns(f"br-{role}")
             for role in ("h1", "h2", "h3", "h3b", "hm")}
    # no IPv6 router solicitations: fewer multicast frames for the kernel
    # bridge to flood while tests count what it sends
    for ns in (r, x, *hosts.values()):
        ns.sysctl("net.ipv6.conf.default.router_solicitations", 0)
    r.sysctl("net.ipv4.ip_forward", 1)
    r.sysctl("net.ipv6.conf.all.forwarding", 1)
    r.sysctl("net.ipv4.icmp_ratelimit", 0)
    r.ip("link", "add", BRIDGE, "type", "bridge")
    r.ip("link", "set", BRIDGE, "address", BRIDGE_MAC)
    r.ip("addr", "add", f"{BR_ROUTER_ADDR[0]}/24", "dev", BRIDGE)
    r.ip("addr", "add", f"{BR_ROUTER_ADDR[1]}/64", "dev", BRIDGE, "nodad")
    r.ip("link", "set", BRIDGE, "up")

    links = [(role, "eth0", port) for role, port in BR_PORT.items()]
    links.append(("hm", "eth1", BR_MOVE_PORT))
    for role, hif, port in links:
        host = hosts[role]
        lab.add_veth(host, hif, r, port)
        host_link_offloads(host, hif)
        if hif == "eth0":
            host.ip("link", "set", hif, "address", BR_HOST_MAC[role])
            v4, v6 = BR_HOST_ADDR[role]
            host.ip("addr", "add", f"{v4}/24", "dev", hif)
            host.ip("addr", "add", f"{v6}/64", "dev", hif, "nodad")
        host.ip("link", "set", hif, "up")
        r.ip("link", "set", port, "master", BRIDGE)
        r.ip("link", "set", port, "up")
    # H3B: a VEPA macvlan on H3's eth0 (its frames to H3 leave through
    # p3 and must come back through it: hairpin)
    h3, h3b = hosts["h3"], hosts["h3b"]
    h3.ip("link", "add", "mv0", "link", "eth0", "address",
          BR_HOST_MAC["h3b"], "type", "macvlan", "mode", "vepa")
    h3.ip("link", "set", "mv0", "netns", h3b.name)
    h3b.ip("addr", "add", f"{BR_HOST_ADDR['h3b'][0]}/24", "dev", "mv0")
    h3b.ip("addr", "add", f"{BR_HOST_ADDR['h3b'][1]}/64", "dev", "mv0",
           "nodad")
    h3b.ip("link", "set", "mv0", "up")
    h3.ip("addr", "add", f"{BR_GW_TARGET}/32", "dev", "lo")
    for role in ("h1", "h2", "h3", "hm"):
        hosts[role].ip("route", "add", "default", "via", BR_ROUTER_ADDR[0])
        hosts[role].ip("-6", "route", "add", "default", "via",
                       BR_ROUTER_ADDR[1])
    h3b.ip("route", "add", "default", "via", BR_ROUTER_ADDR[0])

    lab.add_veth(x, "eth0", r, "to-x")
    host_link_offloads(x, "eth0")
    x.ip("addr", "add", f"{X_ADDR[0]}/24", "dev", "eth0")
    x.ip("addr", "add", f"{X_ADDR[1]}/64", "dev", "eth0", "nodad")
    x.ip("link", "set", "eth0", "up")
    x.ip("route", "add", "default", "via", X_ROUTER_ADDR[0])
    x.ip("-6", "route", "add", "default", "via", X_ROUTER_ADDR[1])
    r.ip("addr", "add", f"{X_ROUTER_ADDR[0]}/24", "dev", "to-x")
    r.ip("addr", "add", f"{X_ROUTER_ADDR[1]}/64", "dev", "to-x", "nodad")
    r.ip("link", "set", "to-x", "up")

    frr = lab.add_frr(r, vtysh_client)
    frr.start("zebra", config=zebra_xdpfwd_config(BR_XDP_IFS), module=module)
    frr.start("staticd")
    wait_until(lambda: "static" in frr.vtysh("show zebra client summary",
                                             daemon="zebra").stdout,
               15, what="staticd to connect to zebra")
    frr.configure(f"ip route {BR_GW_ROUTE} {BR_HOST_ADDR['h3'][0]}")
    wait_until(lambda: kernel_route(r, BR_GW_ROUTE) is not None, 15,
               what=f"{BR_GW_ROUTE} in R's kernel")
    return BridgeTopology(lab, r, x, hosts, frr)


@contextmanager
def bridge_lab_topology(tag: str, **kwargs):
    lab = Lab(tag)
    try:
        yield build_bridge_topology(lab, **kwargs)
    finally:
        lab.close()


def qdisc_sent_packets(ns: Netns, ifname: str) -> int:
    """Packets the kernel transmitted through ifname's root qdisc.  Frames
    an XDP program redirects into a device never pass its qdisc, so with
    a real qdisc (add_counting_qdisc) this counts exactly what the
    kernel's own forwarding (bridge or IP) sent out of it."""
    out = ns.run("tc", "-s", "-j", "qdisc", "show", "dev", ifname).stdout
    return sum(int(q.get("packets", 0)) for q in json.loads(out)
               if q.get("root"))


EGRESS_COUNT_TABLE = "xdpfwdlab_egress"


def add_egress_counters(ns: Netns, ifnames) -> None:
    """An nftables netdev egress chain with a counter on each interface:
    it counts what the kernel transmits there (bridge or IP forwarding,
    __dev_queue_xmit), never what XDP redirects into the device.  The
    fast path sends such traffic to the kernel unless the firewall is
    bypassed (`xdpfwd firewall bypass`, which the caller sets)."""
    chains = "".join(
        f" chain eg_{i} {{\n"
        f"  type filter hook egress device \"{i}\" priority 0;\n"
        f"  counter\n"
        f" }}\n" for i in ifnames)
    ns.run("nft", "-f", "-",
           input=f"table netdev {EGRESS_COUNT_TABLE} {{\n{chains}}}\n")


def egress_counter_packets(ns: Netns, ifname: str) -> int:
    """Packets the kernel transmitted through ifname (add_egress_counters)."""
    out = ns.run("nft", "list", "chain", "netdev", EGRESS_COUNT_TABLE,
                 f"eg_{ifname}").stdout
    match = re.search(r"counter packets (\d+)", out)
    if not match:
        raise LabError(f"no egress counter on {ifname}: {out}")
    return int(match.group(1))


def add_counting_qdisc(ns: Netns, ifname: str) -> None:
    """A pfifo root qdisc (veths default to noqueue, which counts
    nothing)."""
    ns.run("tc", "qdisc", "replace", "dev", ifname, "root", "pfifo")


def kernel_fdb(ns: Netns, bridge: str) -> dict[str, dict]:
    """The bridge's own FDB entries (not devices' self entries), VLAN 0,
    by MAC: {"port": ifname, "state": "permanent"/"static"/"", "flags"}."""
    out = ns.run("bridge", "-j", "-s", "fdb", "show", "br", bridge).stdout
    entries = {}
    for e in json.loads(out) if out.strip() else []:
        if e.get("master") != bridge or e.get("vlan"):
            continue
        entries[e["mac"]] = {"port": e["ifname"], "state": e.get("state", ""),
                             "flags": e.get("flags", []),
                             "updated": e.get("updated"),
                             "used": e.get("used")}
    return entries


def xdpfwd_fdb(frr: Frr) -> dict[str, dict]:
    """`show xdpfwd bridge fdb json` by MAC."""
    return {e["mac"]: e for e in
            frr.xdpfwd_json("show xdpfwd bridge fdb json")["fdb"]}


def send_raw_frames(ns: Netns, ifname: str, frame_hex: str,
                    count: int = 1) -> None:
    """Send an Ethernet frame (hex, destination MAC first) count times
    through an AF_PACKET socket."""
    code = ("import socket,sys;"
            "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);"
            "s.bind((sys.argv[1],0));f=bytes.fromhex(sys.argv[2]);"
            "[s.send(f) for _ in range(int(sys.argv[3]))]")
    ns.run(sys.executable, "-c", code, ifname, frame_hex, str(count))
