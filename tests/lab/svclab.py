"""FRR run as Debian's service runs it, for xdpfwd's deployment tests.

    C -- R -- S1, S2 (lablib.build_network), R's namespace named NAME

R's FRR is started by `/usr/lib/frr/frrinit.sh start NAME` (what
frr.service runs, with a pathspace): /etc/frr/NAME/daemons,
/etc/frr/NAME/frr.conf (integrated, with `interface X` / ` xdpfwd` lines),
/etc/frr/NAME/vtysh.conf.  watchfrr joins the network namespace NAME
itself (`watchfrr_options="--netns"`: setns(CLONE_NEWNET) only, see
watchfrr.c netns_setup()) and starts zebra, staticd (and bgpd) through
watchfrr.sh, which run as user frr; zebra loads the module by name
(`-M NAME` finds <moduledir>/zebra_NAME.so, as the package's
zebra_xdpfwd.so is found), so the built module is copied there under a
unique name for the test.

bpffs as systemd mounts it (root, mode 0700) and outliving zebra: all of
FRR runs in a mount namespace held open by a `sleep` this lab starts
(`unshare --mount --propagation slave`: the host's mounts, /run/netns
included, propagate in, nothing mounted inside propagates out), with bpffs
mounted on its /sys/fs/bpf.  Nothing is mounted on the host's /sys/fs/bpf.

Teardown: `frrinit.sh stop NAME`, then SIGKILL for any daemon of ours
still alive (by its pid file, checked against its command line), the
files written under /etc/frr/NAME, /var/run/frr/NAME and the module
copy, the holder process, the namespaces.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import lablib
from lablib import LabError, Netns, run, wait_until

FRRINIT = "/usr/lib/frr/frrinit.sh"
ETC_FRR = Path("/etc/frr")
RUN_FRR = Path("/var/run/frr")
_module_counter = itertools.count()

# watchfrr restarts zebra no sooner than this many seconds after its
# previous (re)start (FRR 8.4's default is 60)
MIN_RESTART = 2


class MountNs:
    """A mount namespace held open by a `sleep infinity` we started, with
    a bpffs mounted on its /sys/fs/bpf as systemd mounts it."""

    def __init__(self, lab: lablib.Lab):
        self.proc = subprocess.Popen(["unshare", "--mount", "--propagation",
                                      "slave", "sleep", "infinity"])
        lab.procs.append(self.proc)
        own = os.readlink("/proc/self/ns/mnt")
        wait_until(lambda: self._mnt() not in (None, own), 5,
                   interval=0.02, what="the holder's mount namespace")
        run(self.args("mount", "-t", "bpf", "bpf", "/sys/fs/bpf", "-o",
                      "mode=0700"))

    def _mnt(self) -> str | None:
        try:
            return os.readlink(f"/proc/{self.proc.pid}/ns/mnt")
        except OSError:
            return None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def args(self, *args: str) -> list[str]:
        return ["nsenter", "-t", str(self.proc.pid), "-m", "--", *args]

    def bpffs_entries(self) -> list[str]:
        """Everything on that bpffs."""
        return run(self.args("find", "/sys/fs/bpf", "-mindepth", "1")
                   ).stdout.split()

    def bpffs_mode(self) -> str:
        return run(self.args("stat", "-c", "%U %a", "/sys/fs/bpf")
                   ).stdout.strip()


def daemons_file(zebra_options: str, bgpd: bool) -> str:
    """/etc/frr/NAME/daemons: Debian's defaults for what we run."""
    return (f"bgpd={'yes' if bgpd else 'no'}\n"
            "ospfd=no\nospf6d=no\nripd=no\nripngd=no\nisisd=no\npimd=no\n"
            "ldpd=no\nnhrpd=no\neigrpd=no\nbabeld=no\nsharpd=no\npbrd=no\n"
            "bfdd=no\nfabricd=no\nvrrpd=no\npathd=no\n"
            "vtysh_enable=yes\n"
            f'zebra_options="  -A 127.0.0.1 -s 90000000 {zebra_options}"\n'
            'bgpd_options="   -A 127.0.0.1"\n'
            'staticd_options="-A 127.0.0.1"\n'
            f'watchfrr_options="--netns --min-restart-interval {MIN_RESTART}"'
            "\n")


class FrrService:
    """FRR in namespace `ns` under pathspace ns.name, started and stopped
    by frrinit.sh inside the mount namespace `mnt`."""

    def __init__(self, lab: lablib.Lab, mnt: MountNs, ns: Netns,
                 vtysh_client: Path | None, *, module_file: Path | None,
                 frr_conf: str, bgpd: bool = False, zebra_args: str = "",
                 module_args: str = ""):
        self.lab, self.mnt, self.ns = lab, mnt, ns
        self.name = ns.name
        self.etc = ETC_FRR / self.name
        self.run_dir = RUN_FRR / self.name
        self.bgpd = bgpd
        self.module_copy: Path | None = None
        self.module_name: str | None = None
        if self.etc.exists() or self.run_dir.exists():
            raise LabError(f"{self.etc} or {self.run_dir} exists already")
        if module_file is not None:
            self.module_name = (f"{lablib.NAME_PREFIX}_{os.getpid()}_"
                                f"{next(_module_counter)}")
            self.module_copy = lablib.FRR_MODULE_DIR / \
                f"zebra_{self.module_name}.so"
            shutil.copyfile(module_file, self.module_copy)
            os.chmod(self.module_copy, 0o644)
        options = zebra_args
        if self.module_name:
            options += f" -M {self.module_name}"
            if module_args:
                options += f":{module_args}"
        self.etc.mkdir(mode=0o755)
        shutil.chown(self.etc, "frr", "frr")
        for fname, text, group, mode in (
                ("daemons", daemons_file(options, bgpd), "frr", 0o640),
                ("frr.conf", frr_conf, "frr", 0o640),
                ("vtysh.conf", "service integrated-vtysh-config\n", "frrvty",
                 0o640)):
            path = self.etc / fname
            path.write_text(text)
            shutil.chown(path, "frr", group)
            os.chmod(path, mode)
        # lablib's vty helpers against /var/run/frr/NAME (no daemons of
        # its own: this lab stops FRR through frrinit.sh)
        self.frr = lablib.Frr(ns, self.run_dir, vtysh_client)
        self.started = False

    @property
    def daemon_names(self) -> list[str]:
        return ["zebra", *(["bgpd"] if self.bgpd else []), "staticd"]

    def frrinit(self, action: str, timeout: float = 60):
        return run(self.mnt.args(FRRINIT, action, self.name),
                   check=False, timeout=timeout)

    def start(self, timeout: float = 30) -> None:
        self.started = True
        res = self.frrinit("start")
        if res.returncode != 0:
            raise LabError(f"frrinit.sh start {self.name} failed:\n"
                           f"{res.stdout}\n{res.stderr}")
        self.wait_up(timeout)

    def wait_up(self, timeout: float = 30, daemons=None) -> None:
        """Every daemon (or those named) answers on its vty socket."""
        for daemon in daemons or self.daemon_names:
            sock = self.run_dir / f"{daemon}.vty"
            wait_until(lambda: lablib.vty_probe(sock), timeout,
                       what=f"{daemon} to answer on {sock}")

    def pid(self, daemon: str) -> int | None:
        """The daemon's pid (its pid file), if that process is ours."""
        try:
            pid = int((self.run_dir / f"{daemon}.pid").read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if self._is_ours(pid, daemon) else None

    def _is_ours(self, pid: int, daemon: str) -> bool:
        """pid runs /usr/lib/frr/<daemon> with -N <our pathspace>."""
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return (argv[0] == str(lablib.FRR_SBIN / daemon).encode()
                and b"-N" in argv
                and argv[argv.index(b"-N") + 1:][:1] == [self.name.encode()])

    def signal(self, daemon: str, sig: int) -> int:
        pid = self.pid(daemon)
        if pid is None:
            raise LabError(f"{daemon} of {self.name} is not running")
        os.kill(pid, sig)
        return pid

    def wait_restarted(self, daemon: str, old_pid: int,
                       timeout: float = 30) -> int:
        """watchfrr started a new `daemon` (a pid other than old_pid) and
        it answers on its vty socket."""
        def new():
            pid = self.pid(daemon)
            return pid if pid not in (None, old_pid) else None
        pid = wait_until(new, timeout, what=f"watchfrr to restart {daemon}")
        self.wait_up(timeout, [daemon])
        return pid

    def log(self, daemon: str = "zebra") -> str:
        path = self.run_dir / f"{daemon}.log"
        try:
            return path.read_text()
        except OSError:
            return ""

    def stop(self) -> list[str]:
        """frrinit.sh stop; SIGKILL what is still ours; return problems."""
        problems = []
        if not self.started:
            return problems
        res = self.frrinit("stop", timeout=180)
        if res.returncode != 0:
            problems.append(f"frrinit.sh stop {self.name}: {res.stdout} "
                            f"{res.stderr}")
        for daemon in ("watchfrr", *self.daemon_names):
            pid = self.pid(daemon)
            if pid is not None:
                # a SIGSTOPped daemon ignores SIGINT until continued
                for sig in (signal.SIGCONT, signal.SIGKILL):
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                problems.append(f"{daemon} ({pid}) survived frrinit.sh stop")
        self.started = False
        return problems

    def remove_files(self) -> None:
        for path in (self.etc, self.run_dir):
            shutil.rmtree(path, ignore_errors=True)
        if self.module_copy is not None:
            self.module_copy.unlink(missing_ok=True)


class SvcLab(lablib.Lab):
    """lablib.Lab that stops its FRR services (and removes their files)
    before the helper processes and the namespaces go."""

    def __init__(self, tag: str = "svc"):
        super().__init__(tag)
        self.services: list[FrrService] = []

    def close(self) -> None:
        if self.closed:
            return
        problems = []
        for svc in self.services:
            try:
                problems += svc.stop()
            except Exception as exc:
                problems.append(f"{svc.name}: {exc}")
            finally:
                if os.environ.get("XDPFWD_LAB_KEEP_LOGS"):
                    for f in svc.run_dir.glob("*.log"):
                        shutil.copy(f, self.dir / f"{svc.name}-{f.name}")
                svc.remove_files()
        try:
            super().close()
        finally:
            if problems:
                raise LabError("service teardown: " + "; ".join(problems))


def frr_conf(name: str, xdpfwd_ifs, static_routes=(), extra: str = "") -> str:
    """An integrated frr.conf as Debian's frr.conf looks."""
    lines = ["frr version 8.4.4", "frr defaults traditional",
             f"hostname {name}", "log syslog informational",
             "service integrated-vtysh-config", "!"]
    for ifname in xdpfwd_ifs:
        lines += [f"interface {ifname}", " xdpfwd", "exit", "!"]
    lines += list(static_routes)
    lines.append("!")
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("end")
    return "\n".join(lines) + "\n"


@dataclass
class SvcTopo:
    lab: SvcLab
    mnt: MountNs
    c: Netns
    r: Netns
    s1: Netns
    s2: Netns
    svc: FrrService

    @property
    def frr(self) -> lablib.Frr:
        return self.svc.frr


def build(lab: SvcLab, *, vtysh_client: Path | None,
          module_file: Path | None, static_routes=(), bgpd: bool = False,
          zebra_args: str = "", module_args: str = "", extra_conf: str = "",
          log_file: bool = True) -> SvcTopo:
    """The network, the mount namespace with bpffs, FRR started by
    frrinit.sh; returns once every daemon answers."""
    c, r, s1, s2 = lablib.build_network(lab)
    mnt = MountNs(lab)
    if log_file:
        # logs beside the sockets (no syslog daemon here); FRR's own option
        zebra_args += f" --log file:{RUN_FRR / r.name}/zebra.log"
    conf = frr_conf(r.name, lablib.R_IF.values() if module_file else (),
                    static_routes, extra_conf)
    svc = FrrService(lab, mnt, r, vtysh_client, module_file=module_file,
                     frr_conf=conf, bgpd=bgpd, zebra_args=zebra_args,
                     module_args=module_args)
    lab.services.append(svc)
    svc.start()
    return SvcTopo(lab, mnt, c, r, s1, s2, svc)


def module_file(spec: str) -> Path:
    """The .so that zebra -M spec would load (tests copy it)."""
    path = lablib.resolve_module(spec)
    if path is None:
        raise LabError(lablib.module_missing_message(spec))
    return path


# --------------------------------------------------------------------------
# A fixed-rate flow with sequence numbers (labtraffic.py seq-send/seq-sink)


class SeqFlow:
    """A flow from `src_ns` to dst at `rate` datagrams/s, counted at the
    sink in `dst_ns`."""

    def __init__(self, lab: lablib.Lab, src_ns: Netns, src: str,
                 dst_ns: Netns, dst: str, port: int = 9100,
                 rate: int = 1000):
        self.lab, self.rate = lab, rate
        self.sink = lab.popen(dst_ns, sys.executable,
                              str(lablib.TRAFFIC_SCRIPT), "seq-sink",
                              "--addr", dst, "--port", str(port),
                              stdout=subprocess.PIPE, text=True)
        if self.sink.stdout.readline().strip() != "ready":
            raise LabError(f"seq-sink in {dst_ns.name} did not start")
        self.sender = lab.popen(src_ns, sys.executable,
                                str(lablib.TRAFFIC_SCRIPT), "seq-send",
                                "--src", src, "--dst", dst, "--port",
                                str(port), "--rate", str(rate),
                                stdout=subprocess.PIPE, text=True)

    def close(self) -> None:
        """Stop both ends if still running (after a failure)."""
        for proc in (self.sender, self.sink):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def finish(self, drain: float = 0.3) -> FlowResult:
        """Stop the sender, let the last datagrams arrive, stop the sink."""
        self.sender.send_signal(signal.SIGTERM)
        out, _ = self.sender.communicate(timeout=10)
        sent = json.loads(out)
        time.sleep(drain)
        self.sink.send_signal(signal.SIGTERM)
        out, _ = self.sink.communicate(timeout=30)
        got = json.loads(out)
        return FlowResult(sent["sent"], sent["start"], sent["end"],
                          got["seq"], got["sent"], got["recv"], self.rate)


@dataclass
class FlowResult:
    sent: int
    start: float
    end: float
    seq: list[int]
    sent_at: list[float]
    recv_at: list[float]
    rate: int

    @property
    def received(self) -> int:
        return len(set(self.seq))

    @property
    def lost(self) -> int:
        return self.sent - self.received

    @property
    def reordered(self) -> int:
        """Datagrams that arrived after one with a higher number."""
        top, n = -1, 0
        for k in self.seq:
            if k < top:
                n += 1
            top = max(top, k)
        return n

    @property
    def duplicates(self) -> int:
        return len(self.seq) - len(set(self.seq))

    def lost_between(self, t0: float, t1: float) -> int:
        """Datagrams sent in [t0, t1) (by the send schedule) that never
        arrived."""
        first = max(0, int((t0 - self.start) * self.rate))
        last = min(self.sent, int((t1 - self.start) * self.rate))
        got = set(self.seq)
        return sum(1 for k in range(first, last) if k not in got)

    def last_lost_sent_at(self) -> float | None:
        """When (by the send schedule) the last lost datagram was sent."""
        got = set(self.seq)
        lost = [k for k in range(self.sent) if k not in got]
        return self.start + lost[-1] / self.rate if lost else None

    def longest_gap(self) -> tuple[float, float]:
        """The longest time between consecutive arrivals (and its start)."""
        best = (0.0, self.start)
        for a, b in zip(self.recv_at, self.recv_at[1:]):
            if b - a > best[0]:
                best = (b - a, a)
        return best

    def summary(self) -> str:
        gap, _ = self.longest_gap()
        return (f"sent {self.sent}, received {self.received}, lost "
                f"{self.lost}, reordered {self.reordered}, duplicates "
                f"{self.duplicates}, longest gap {gap * 1000:.0f} ms")
