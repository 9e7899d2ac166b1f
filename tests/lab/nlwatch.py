"""Watch the routes of one protocol arrive in the kernel's main table (run
inside a namespace: ip netns exec NS python3 nlwatch.py ...).

  nlwatch.py --proto 186 --want4 N --want6 M

Subscribes to the IPv4 and IPv6 route notifications, keeps the set of
(family, prefix) of that protocol in the main table, prints "ready", then
one JSON line when each family first holds at least its wanted count:
{"family": 4, "count": N, "t": <CLOCK_MONOTONIC seconds>} (comparable with
time.monotonic() of any process), and {"overrun": true} if the socket
overflowed (counts are then unreliable: the caller falls back to dumps).
Ends after both, or on SIGTERM with {"counts": {...}}.
"""

import argparse
import json
import signal
import socket
import struct
import sys
import time

NETLINK_ROUTE = 0
RTNLGRP_IPV4_ROUTE = 7
RTNLGRP_IPV6_ROUTE = 11
RTM_NEWROUTE, RTM_DELROUTE = 24, 25
RT_TABLE_MAIN = 254
RTA_DST = 1
SO_RCVBUFFORCE = 33


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--proto", type=int, default=186)
    ap.add_argument("--want4", type=int, required=True)
    ap.add_argument("--want6", type=int, required=True)
    args = ap.parse_args()
    stop = False

    def on_term(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 29)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 26)
    s.bind((0, (1 << (RTNLGRP_IPV4_ROUTE - 1)) |
            (1 << (RTNLGRP_IPV6_ROUTE - 1))))
    s.settimeout(0.2)
    sets = {4: set(), 6: set()}
    want = {4: args.want4, 6: args.want6}
    reported = set()
    unpack = struct.unpack_from
    print("ready", flush=True)
    while not stop and len(reported) < 2:
        try:
            buf = s.recv(1 << 20)
        except socket.timeout:
            continue
        except OSError:  # ENOBUFS
            print(json.dumps({"overrun": True}), flush=True)
            return 1
        off, n = 0, len(buf)
        while off < n:
            length, mtype = unpack("IH", buf, off)
            if length < 16:
                break
            if mtype in (RTM_NEWROUTE, RTM_DELROUTE):
                family, dst_len = buf[off + 16], buf[off + 17]
                table, proto = buf[off + 20], buf[off + 21]
                if table == RT_TABLE_MAIN and proto == args.proto:
                    fam = 4 if family == socket.AF_INET else 6
                    a = off + 28
                    end = off + length
                    dst = b""
                    while a + 4 <= end:
                        alen, atype = unpack("HH", buf, a)
                        if alen < 4:
                            break
                        if atype == RTA_DST:
                            dst = buf[a + 4:a + alen]
                            break
                        a += (alen + 3) & ~3
                    key = bytes([dst_len]) + dst
                    if mtype == RTM_NEWROUTE:
                        sets[fam].add(key)
                    else:
                        sets[fam].discard(key)
            off += (length + 3) & ~3
        now = time.monotonic()
        for fam in (4, 6):
            if fam not in reported and len(sets[fam]) >= want[fam]:
                reported.add(fam)
                print(json.dumps({"family": fam, "count": len(sets[fam]),
                                  "t": now}), flush=True)
    print(json.dumps({"counts": {f: len(v) for f, v in sets.items()}}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
