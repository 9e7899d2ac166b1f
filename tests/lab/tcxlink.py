#!/usr/bin/python3
"""Attach a tc program through a tcx link (BPF_LINK_CREATE with
BPF_TCX_INGRESS or BPF_TCX_EGRESS, kernel >= 6.6: no qdisc), hold it
while stdin stays open, then detach it.  Run inside the network
namespace of IFNAME, as root:

    tcxlink.py IFNAME ingress|egress [VID]

Prints "attached" once the link exists.  The program lets every packet
through (TCX_NEXT); with VID it first pushes an 802.1Q tag with that id
onto IPv4 packets with bpf_skb_vlan_push(), which keeps the tag as
metadata (skb->vlan_tci, as rx VLAN offload or a VLAN device leaves it):
on an egress, the device's tx-vlan-hw-insert then decides whether the tag
is written into the frame or handed on as metadata (a veth hands it to
its peer so).  This kernel has no act_vlan; Debian 12's bpftool cannot
attach tcx: hence the raw bpf(2) calls (pinlink.py's).
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
import sys

# the raw bpf(2) call and its command numbers: pinlink.py's, next to this
from pinlink import BPF_LINK_CREATE, BPF_PROG_LOAD, bpf

BPF_LINK_DETACH = 34
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX = {"ingress": 46, "egress": 47}  # enum bpf_attach_type (6.6)


BPF_FUNC_SKB_VLAN_PUSH = 18
SKB_PROTOCOL = 16  # offsetof(struct __sk_buff, protocol)


def insn(code: int, dst: int = 0, src: int = 0, off: int = 0,
         imm: int = 0) -> bytes:
    return struct.pack("<BBhi", code, dst | (src << 4), off, imm)


def load_tc_next(vid: int | None = None) -> int:
    insns = b""
    if vid is not None:
        insns += (
            # r2 = skb->protocol (network order, in the low 16 bits)
            insn(0x61, 2, 1, SKB_PROTOCOL) +
            # if r2 != htons(ETH_P_IP) skip the push (3 insns)
            insn(0x55, 2, 0, 3, socket.htons(0x0800)) +
            # bpf_skb_vlan_push(skb, htons(ETH_P_8021Q), vid)
            insn(0xb7, 2, 0, 0, socket.htons(0x8100)) +
            insn(0xb7, 3, 0, 0, vid) +
            insn(0x85, 0, 0, 0, BPF_FUNC_SKB_VLAN_PUSH))
    # r0 = TCX_NEXT (-1); exit
    insns += insn(0xb7, 0, 0, 0, -1) + insn(0x95)
    insn_buf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL")
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS,
                       len(insns) // 8,
                       ctypes.addressof(insn_buf), ctypes.addressof(lic),
                       0, 0, 0, 0, 0, b"xdpfwdtcxtest")
    return bpf(BPF_PROG_LOAD, attr)


def main() -> int:
    ifname, direction = sys.argv[1], sys.argv[2]
    prog = load_tc_next(int(sys.argv[3]) if len(sys.argv) > 3 else None)
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
