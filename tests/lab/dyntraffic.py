"""Traffic for the dynamic-routing lab, run inside namespaces.

  send --src4 A --src6 B --file F [--port P] [--rate PPS] [--tag T]
      One UDP datagram to every address listed in F (one a line), from
      A / B, paced at PPS; the payload carries the tag and the address.
  sniff --ifaces I1,I2,...
      Count, until SIGTERM, the UDP datagrams with a dyntraffic payload
      that arrive on each interface (AF_PACKET: the receiving host does not
      have to accept them), by destination address, with the frame's
      destination MAC; print "ready" first and JSON at the end:
      {"<addr>": [["<ifname>", "<dmac>", count], ...], ...}
"""

import argparse
import json
import select
import signal
import socket
import struct
import sys
import time

MAGIC = b"xdpfwd-dyn "
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def send(args) -> int:
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s4.bind((args.src4, 0))
    s6.bind((args.src6, 0))
    with open(args.file) as f:
        dsts = [line.strip() for line in f if line.strip()]
    gap = 1.0 / args.rate
    t = time.monotonic()
    errors = 0
    for dst in dsts:
        payload = MAGIC + args.tag.encode() + b" " + dst.encode()
        try:
            if ":" in dst:
                s6.sendto(payload, (dst, args.port))
            else:
                s4.sendto(payload, (dst, args.port))
        except OSError:
            errors += 1  # e.g. an ICMP error reported on the socket
        t += gap
        delay = t - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print(json.dumps({"sent": len(dsts), "errors": errors}), flush=True)
    return 0


def parse(frame: bytes):
    """(destination address, destination MAC) of a dyntraffic datagram."""
    if len(frame) < 14:
        return None
    dmac = frame[:6].hex(":")
    etype = struct.unpack_from("!H", frame, 12)[0]
    if etype == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0x0f) * 4
        if frame[23] != 17:
            return None
        dst = socket.inet_ntop(socket.AF_INET, frame[30:34])
        payload = frame[14 + ihl + 8:]
    elif etype == 0x86dd and len(frame) >= 62:
        if frame[20] != 17:
            return None
        dst = socket.inet_ntop(socket.AF_INET6, frame[38:54])
        payload = frame[62:]
    else:
        return None
    if not payload.startswith(MAGIC):
        return None
    return dst, dmac


def sniff(args) -> int:
    stop = False

    def on_term(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    socks = {}
    for ifname in args.ifaces.split(","):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        s.bind((ifname, 0))
        s.setblocking(False)
        socks[s.fileno()] = (s, ifname)
    counts: dict[tuple, int] = {}
    print("ready", flush=True)
    poller = select.poll()
    for fd in socks:
        poller.register(fd, select.POLLIN)
    while True:
        events = poller.poll(100)
        if not events and stop:
            break
        for fd, _ in events:
            s, ifname = socks[fd]
            while True:
                try:
                    frame, addr = s.recvfrom(4096)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                hit = parse(frame)
                if hit:
                    key = (hit[0], ifname, hit[1])
                    counts[key] = counts.get(key, 0) + 1
    out: dict[str, list] = {}
    for (dst, ifname, dmac), n in counts.items():
        out.setdefault(dst, []).append([ifname, dmac, n])
    print(json.dumps(out), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("send")
    p.add_argument("--src4", required=True)
    p.add_argument("--src6", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--port", type=int, default=9)
    p.add_argument("--rate", type=float, default=5000)
    p.add_argument("--tag", default="x")
    p = sub.add_parser("sniff")
    p.add_argument("--ifaces", required=True)
    args = parser.parse_args()
    return send(args) if args.cmd == "send" else sniff(args)


if __name__ == "__main__":
    sys.exit(main())
