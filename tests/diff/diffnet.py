"""Frame sender and capturer of the differential test, run inside a lab
namespace (ip netns exec NS /usr/bin/python3 diffnet.py ...).

  send --iface I --frames FILE [--burst B] [--gap-us G]
      Send every frame of FILE (records: u32 length, bytes) through an
      AF_PACKET socket bound to I, B frames at a time, then G microseconds
      of pause; print {"sent": N, "errors": [[index, errno], ...]}.
  touch --addrs FILE
      Send one empty UDP datagram (port 9) to every address of FILE (one a
      line), so that this namespace's kernel resolves their neighbours.
  sniff --iface I --out FILE [--quiet S] [--max-wait S]
      Capture every frame that arrives on I (AF_PACKET, outgoing frames
      left out), print "ready" once the socket is bound.  After SIGUSR1
      ("the senders are done") end as soon as S seconds passed without a
      frame (at most --max-wait after the signal); SIGTERM ends at once.
      FILE gets the frames (records: u32 length, u8 packet type, bytes)
      and stdout {"frames": N, "drops": socket drops}.
"""

import argparse
import json
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
SO_RCVBUFFORCE = 33
AUX = struct.Struct("IIIHHHH")


def with_vlan_tag(frame: bytes, ancdata) -> bytes:
    """The kernel takes a VLAN tag out of the frame before the capture
    sees it (hardware-acceleration emulation); put it back."""
    for level, typ, data in ancdata:
        if level != SOL_PACKET or typ != PACKET_AUXDATA or \
                len(data) < AUX.size:
            continue
        status, _, _, _, _, tci, tpid = AUX.unpack_from(data)
        if status & TP_STATUS_VLAN_VALID:
            if not status & TP_STATUS_VLAN_TPID_VALID:
                tpid = 0x8100
            return frame[:12] + struct.pack("!HH", tpid, tci) + frame[12:]
    return frame


def read_frames(path: str) -> list[bytes]:
    data = open(path, "rb").read()
    frames, pos = [], 0
    while pos < len(data):
        (n,) = struct.unpack_from("<I", data, pos)
        frames.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    return frames


def send(args) -> int:
    frames = read_frames(args.frames)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((args.iface, 0))
    errors = []
    gap = args.gap_us / 1e6
    for i, frame in enumerate(frames):
        try:
            s.send(frame)
        except OSError as exc:
            errors.append([i, exc.errno])
        if (i + 1) % args.burst == 0:
            time.sleep(gap)
    print(json.dumps({"sent": len(frames) - len(errors), "errors": errors}),
          flush=True)
    return 0


def touch(args) -> int:
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    n = 0
    for line in open(args.addrs):
        addr = line.strip()
        if not addr:
            continue
        try:
            if ":" in addr:
                s6.sendto(b"", (addr, 9))
            else:
                s4.sendto(b"", (addr, 9))
            n += 1
        except OSError:
            pass
    print(json.dumps({"sent": n}), flush=True)
    return 0


def sniff(args) -> int:
    state = {"done_at": None, "stop": False}

    def on_usr1(signum, frame):
        state["done_at"] = time.monotonic()

    def on_term(signum, frame):
        state["stop"] = True

    signal.signal(signal.SIGUSR1, on_usr1)
    signal.signal(signal.SIGTERM, on_term)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((args.iface, 0))
    s.setblocking(False)
    # frames queued before bind() finished may belong to another interface
    while True:
        try:
            s.recv(65536)
        except BlockingIOError:
            break
    s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # reset the counters
    print("ready", flush=True)
    poller = select.poll()
    poller.register(s.fileno(), select.POLLIN)
    frames: list[tuple[int, bytes]] = []
    last = time.monotonic()
    while not state["stop"]:
        try:
            events = poller.poll(20)
        except InterruptedError:
            events = []
        now = time.monotonic()
        if events:
            while True:
                try:
                    frame, anc, _, addr = s.recvmsg(
                        65536, socket.CMSG_SPACE(AUX.size))
                except BlockingIOError:
                    break
                except InterruptedError:
                    continue
                if addr[2] == PACKET_OUTGOING:
                    continue
                frames.append((addr[2], with_vlan_tag(frame, anc)))
                last = now = time.monotonic()
        done = state["done_at"]
        if done is not None:
            if now - max(last, done) >= args.quiet:
                break
            if now - done >= args.max_wait:
                break
    _, drops = struct.unpack("II", s.getsockopt(SOL_PACKET,
                                                PACKET_STATISTICS, 8))
    with open(args.out, "wb") as f:
        for ptype, frame in frames:
            f.write(struct.pack("<IB", len(frame), ptype))
            f.write(frame)
    print(json.dumps({"frames": len(frames), "drops": drops}), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("send")
    p.add_argument("--iface", required=True)
    p.add_argument("--frames", required=True)
    p.add_argument("--burst", type=int, default=8)
    p.add_argument("--gap-us", type=float, default=1000)
    p = sub.add_parser("touch")
    p.add_argument("--addrs", required=True)
    p = sub.add_parser("sniff")
    p.add_argument("--iface", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--quiet", type=float, default=0.4)
    p.add_argument("--max-wait", type=float, default=10)
    args = parser.parse_args()
    return {"send": send, "touch": touch, "sniff": sniff}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
