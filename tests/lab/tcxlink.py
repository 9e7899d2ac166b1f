#!/usr/bin/python3
"""Attach a tc program through a tcx link (BPF_LINK_CREATE with
BPF_TCX_INGRESS or BPF_TCX_EGRESS, kernel >= 6.6: no qdisc), hold it
while stdin stays open, then detach it.  Run inside the network
namespace of IFNAME, as root:

    tcxlink.py IFNAME ingress|egress

Prints "attached" once the link exists.  The program lets every packet
through (TCX_NEXT).  Debian 12's bpftool cannot attach tcx, hence the raw
bpf(2) calls (as pinlink.py).
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
import sys

SYS_BPF = 321  # x86_64
BPF_PROG_LOAD, BPF_LINK_CREATE, BPF_LINK_DETACH = 5, 28, 34
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX = {"ingress": 46, "egress": 47}  # enum bpf_attach_type (6.6)

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd: int, attr: bytes) -> int:
    buf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(SYS_BPF, cmd, buf, 128)
    if fd < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"bpf({cmd}): {os.strerror(err)}")
    return fd


def load_tc_next() -> int:
    # r0 = TCX_NEXT (-1); exit
    insns = struct.pack("<BBhi", 0xb7, 0, 0, -1) + \
        struct.pack("<BBhi", 0x95, 0, 0, 0)
    insn_buf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL")
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, 2,
                       ctypes.addressof(insn_buf), ctypes.addressof(lic),
                       0, 0, 0, 0, 0, b"xdpfwdtcxtest")
    return bpf(BPF_PROG_LOAD, attr)


def main() -> int:
    ifname, direction = sys.argv[1], sys.argv[2]
    prog = load_tc_next()
    ifindex = socket.if_nametoindex(ifname)
    link = bpf(BPF_LINK_CREATE, struct.pack("<IIII", prog, ifindex,
                                            BPF_TCX[direction], 0))
    print("attached", flush=True)
    sys.stdin.read()
    # closing the fd releases the link later (deferred): detach now
    bpf(BPF_LINK_DETACH, struct.pack("<I", link))
    os.close(link)
    os.close(prog)
    print("detached", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
