#!/usr/bin/python3
"""Pin an XDP link as xdpfwd builds before the "nothing pinned" change did:
a trivial XDP program (returns XDP_PASS) attached to IFNAME through a
bpf_link, pinned at PATH.  Run inside the network namespace of IFNAME and
the mount namespace whose bpffs holds PATH (nsenter), as root:

    pinlink.py IFNAME PATH

No Debian tool creates a pinned XDP link (bpftool attaches XDP through
netlink, without a link), hence the raw bpf(2) calls.
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
import sys

SYS_BPF = 321  # x86_64
BPF_PROG_LOAD, BPF_OBJ_PIN, BPF_LINK_CREATE = 5, 6, 28
BPF_PROG_TYPE_XDP = 6
BPF_XDP = 37  # enum bpf_attach_type
XDP_PASS = 2

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd: int, attr: bytes) -> int:
    buf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(SYS_BPF, cmd, buf, 128)
    if fd < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"bpf({cmd}): {os.strerror(err)}")
    return fd


def load_xdp_pass() -> int:
    # r0 = XDP_PASS; exit
    insns = struct.pack("<BBhi", 0xb7, 0, 0, XDP_PASS) + \
        struct.pack("<BBhi", 0x95, 0, 0, 0)
    insn_buf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL")
    # prog_type, insn_cnt, insns, license, log_level, log_size, log_buf,
    # kern_version, prog_flags, prog_name[16], prog_ifindex,
    # expected_attach_type
    attr = struct.pack("<IIQQIIQII16sII", BPF_PROG_TYPE_XDP, 2,
                       ctypes.addressof(insn_buf), ctypes.addressof(lic),
                       0, 0, 0, 0, 0, b"oldxdpfwd", 0, BPF_XDP)
    return bpf(BPF_PROG_LOAD, attr)


def main() -> int:
    ifname, path = sys.argv[1], sys.argv[2]
    prog = load_xdp_pass()
    ifindex = socket.if_nametoindex(ifname)
    # prog_fd, target_ifindex, attach_type, flags (XDP_FLAGS_SKB_MODE: any
    # device takes it)
    link = bpf(BPF_LINK_CREATE, struct.pack("<IIII", prog, ifindex,
                                            BPF_XDP, 1 << 1))
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    name = ctypes.create_string_buffer(path.encode())
    bpf(BPF_OBJ_PIN, struct.pack("<QII", ctypes.addressof(name), link, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
