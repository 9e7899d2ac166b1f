"""xdpfwd deployed as Debian runs FRR (svclab.py): frrinit.sh with a
pathspace, watchfrr, zebra as user frr with `-M NAME` from FRR's module
directory, the integrated frr.conf, bpffs as systemd mounts it (root,
0700) and outliving zebra.  The fast path runs, nothing of it is pinned,
and no process without capabilities -- a daemon running as frr like
zebra -- can reach one of its BPF objects.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import lablib
import svclab
from lablib import KERNEL_SLACK, R_IF

ENABLED = set(R_IF.values())
# What a fresh bpffs holds of the kernel's own (bpf_preload's iterators)
KERNEL_PRELOAD = {"/sys/fs/bpf/maps.debug", "/sys/fs/bpf/progs.debug"}


def status(topo) -> dict:
    return topo.frr.xdpfwd_json("show xdpfwd json")


def fast_path_ready(topo) -> bool:
    st = status(topo)
    attached = {i["name"] for i in st.get("interfaces", [])
                if i.get("attached")}
    return (st["status"] == "running" and attached == ENABLED
            and st.get("liveness", {}).get("gateOpen") is True)


@pytest.fixture(scope="module")
def svc(xdpfwd_module, xdpfwd_vtysh):
    lab = svclab.SvcLab("svc")
    try:
        topo = svclab.build(
            lab, vtysh_client=xdpfwd_vtysh,
            module_file=svclab.module_file(xdpfwd_module),
            static_routes=[f"ip route {lablib.ROUTE_V4} 10.0.2.2"])
        lablib.wait_until(lambda: fast_path_ready(topo), 20,
                          what="xdpfwd running, attached, gate open")
        lablib.wait_until(lambda: lablib.kernel_route(
            topo.r, lablib.ROUTE_V4), 15, what="the static route")
        res = topo.c.ping(lablib.TARGET_V4, count=2, interval=0.2)
        assert res.returncode == 0, res.stdout
        yield topo
    finally:
        lab.close()


def proc_status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, val = line.partition(":")
        out[key] = val.strip()
    return out


def test_service_shape(svc):
    """frrinit.sh started watchfrr in the router's namespace and zebra as
    frr, without root's DAC override, with -N NAME and -M NAME; bpffs is
    root's, 0700, and shared by zebra's mount namespace."""
    pid = svc.svc.pid("zebra")
    wpid = svc.svc.pid("watchfrr")
    assert pid and wpid
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert svc.svc.module_name.encode() in argv
    st = proc_status(pid)
    frr_uid = str(lablib.run(["id", "-u", "frr"]).stdout.strip())
    assert st["Uid"].split()[0] == frr_uid, st["Uid"]
    cap_eff = int(st["CapEff"], 16)
    assert not cap_eff & (1 << 1), "zebra has CAP_DAC_OVERRIDE"
    for p in (pid, wpid):
        assert (os.readlink(f"/proc/{p}/ns/mnt")
                == os.readlink(f"/proc/{svc.mnt.pid}/ns/mnt"))
    r_net = os.stat(f"/run/netns/{svc.r.name}").st_ino
    assert os.stat(f"/proc/{pid}/ns/net").st_ino == r_net
    assert os.stat(f"/proc/{wpid}/ns/net").st_ino == r_net
    owner, mode = svc.mnt.bpffs_mode().split()
    assert owner == "root" and int(mode, 8) & 0o777 == 0o700
    # the interface lines came from the pathspace's integrated frr.conf
    log = svc.svc.log()
    for ifname in ENABLED:
        assert (f"xdpfwd: interface {ifname} enabled from "
                f"/etc/frr/{svc.r.name}/frr.conf") in log, log[-3000:]


def test_fast_path_runs(svc):
    """The static route's traffic is forwarded by XDP (fwdV4 counts both
    directions of the pings) and the kernel forwards (almost) none."""
    st = status(svc)
    assert st["status"] == "running"
    assert "pinDir" not in st
    count = 50
    before = lablib.xdpfwd_counters(svc.frr)
    before_k = svc.r.forwarded(4)
    res = svc.c.ping(lablib.TARGET_V4, count=count, interval=0.01)
    assert res.returncode == 0, res.stdout
    after = lablib.xdpfwd_counters(svc.frr)
    fwd = (lablib.reason_packets(after, "fwdV4")
           - lablib.reason_packets(before, "fwdV4"))
    assert fwd >= 2 * count, (before, after)
    assert svc.r.forwarded(4) - before_k <= KERNEL_SLACK


def test_nothing_on_bpffs(svc):
    """Nothing of xdpfwd is pinned: the bpffs holds only what the kernel
    put there itself."""
    entries = set(svc.mnt.bpffs_entries())
    assert entries <= KERNEL_PRELOAD, sorted(entries)


# Run as frr with no capability: try every way to a BPF object of zebra.
PROBE = r"""
import ctypes, errno, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_open, SYS_pidfd_getfd, SYS_bpf = 434, 438, 321
GET_FD_BY_ID = {"prog": 13, "map": 14, "link": 30}
pid, objs = int(sys.argv[1]), json.loads(sys.argv[2])
def err(rc):
    return "ok" if rc >= 0 else errno.errorcode[ctypes.get_errno()]
out = {"capEff": [l.split()[1] for l in open("/proc/self/status")
                  if l.startswith("CapEff")][0],
       "uid": os.getuid(), "open": {}, "getfd": {}, "byId": {}}
try:
    os.listdir(f"/proc/{pid}/fd")
    out["listdir"] = "ok"
except OSError as e:
    out["listdir"] = errno.errorcode[e.errno]
pidfd = libc.syscall(SYS_pidfd_open, pid, 0)
out["pidfd"] = err(pidfd)
for fd, (kind, oid) in objs.items():
    res = []
    for flags in (os.O_RDONLY, os.O_RDWR):
        try:
            os.close(os.open(f"/proc/{pid}/fd/{fd}", flags))
            res.append("ok")
        except OSError as e:
            res.append(errno.errorcode[e.errno])
    out["open"][fd] = res
    if pidfd >= 0:
        out["getfd"][fd] = err(libc.syscall(SYS_pidfd_getfd, pidfd,
                                            int(fd), 0))
    attr = (ctypes.c_uint32 * 32)(oid)
    out["byId"][fd] = err(libc.syscall(SYS_bpf, GET_FD_BY_ID[kind],
                                       ctypes.byref(attr), 12))
print(json.dumps(out))
"""


def zebra_bpf_objects(pid: int) -> dict[str, tuple[str, int]]:
    """zebra's BPF file descriptors, read as root: {fd: (kind, id)}."""
    objs = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        # anon_inode:bpf-map, anon_inode:bpf-prog, anon_inode:bpf_link
        if not target.startswith(("anon_inode:bpf-", "anon_inode:bpf_")):
            continue
        kind = target[len("anon_inode:bpf-"):]
        info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
        oid = next(int(line.split()[1]) for line in info.splitlines()
                   if line.startswith(f"{kind}_id:"))
        objs[fd] = (kind, oid)
    return objs


def test_nobody_else_writes_the_fast_path(svc):
    """As frr with no capabilities (what bgpd, ospfd or anything else of
    FRR's user runs as), none of zebra's BPF maps, programs or links can
    be reached: not through /proc/PID/fd (EACCES), not with pidfd_getfd
    (EPERM), not by id (EPERM), and no pin exists to open."""
    pid = svc.svc.pid("zebra")
    objs = zebra_bpf_objects(pid)
    kinds = {}
    for kind, _ in objs.values():
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"\nzebra holds BPF fds: {kinds}")
    assert kinds.get("map", 0) > 0 and kinds.get("prog", 0) > 0, kinds
    assert kinds.get("link", 0) >= len(ENABLED), kinds
    res = lablib.run(["setpriv", "--reuid", "frr", "--regid", "frr",
                      "--clear-groups", "--inh-caps=-all",
                      "--bounding-set=-all", sys.executable, "-c", PROBE,
                      str(pid), json.dumps(objs)])
    out = json.loads(res.stdout)
    seen = {"open": sorted({e for v in out["open"].values() for e in v}),
            "pidfd_getfd": sorted(set(out["getfd"].values())),
            "GET_FD_BY_ID": sorted(set(out["byId"].values()))}
    print(f"as uid {out['uid']}, CapEff {out['capEff']}: listdir "
          f"{out['listdir']}, pidfd_open {out['pidfd']}, {seen}")
    assert int(out["capEff"], 16) == 0 and out["uid"] != 0, out
    assert out["listdir"] in ("EACCES", "EPERM"), out
    for fd in objs:
        assert set(out["open"][fd]) <= {"EACCES", "EPERM"}, (fd, out)
        assert out["byId"][fd] == "EPERM", (fd, out)
        if out["pidfd"] == "ok":
            assert out["getfd"][fd] == "EPERM", (fd, out)
    # no pin: the bpffs is root's 0700 and holds nothing of xdpfwd
    assert set(svc.mnt.bpffs_entries()) <= KERNEL_PRELOAD
