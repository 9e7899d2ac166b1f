"""UDP traffic helpers run inside lab namespaces (ip netns exec NS python3 ...).

  sink --addr A --port P [--by-source-addr]
      Bind A:P, print "ready", count datagrams per source port (or per
      source address) until SIGTERM, then print {"<sport>": packets, ...}
      as JSON.
  send --src S --dst D --port P --flows N --packets K [--sport-base B]
      N flows, source ports B..B+N-1 on S, K datagrams each to D:P.
  tcp-sink --addr A --port P
      Accept one TCP connection on A:P ("ready" once listening), read to
      EOF, answer with the byte count and print {"bytes": N}.
  tcp-send --dst D --port P --bytes N [--pause-after M]
      Send N bytes, half-close, wait for the sink's count: the transfer
      is complete (every byte delivered) when this returns; prints
      {"bytes": N, "seconds": T}.  With --pause-after, once the first M
      bytes are sent print "paused <local port>" and go on only after a
      line on stdin.
  seq-send --src S --dst D --port P --rate R [--seconds T]
      One flow at a fixed rate: datagram k carries k and its send time
      (CLOCK_MONOTONIC, the same clock in every network namespace), sent
      at start + k/R; until T seconds or SIGTERM.  Prints {"sent": N,
      "start": t0, "end": t1}.
  seq-sink --addr A --port P
      Like sink, for seq-send's flow: on SIGTERM prints {"seq": [...],
      "sent": [...], "recv": [...]} in arrival order (sequence number,
      send and arrival time of each datagram).
"""

import argparse
import json
import signal
import socket
import struct
import sys
import time
from collections import Counter


def family(addr: str) -> int:
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def sink(args) -> int:
    stop = False

    def on_term(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    sock = socket.socket(family(args.addr), socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((args.addr, args.port))
    sock.settimeout(0.1)
    counts: Counter[int] = Counter()
    print("ready", flush=True)
    while True:
        try:
            _, peer = sock.recvfrom(2048)
            counts[peer[0] if args.by_source_addr else peer[1]] += 1
        except socket.timeout:
            if stop:
                break
        except InterruptedError:
            pass
    print(json.dumps({str(k): v for k, v in sorted(counts.items())}),
          flush=True)
    return 0


def send(args) -> int:
    payload = b"xdpfwd-lab " + b"x" * 52
    for i in range(args.flows):
        with socket.socket(family(args.dst), socket.SOCK_DGRAM) as sock:
            sock.bind((args.src, args.sport_base + i))
            for _ in range(args.packets):
                sock.sendto(payload, (args.dst, args.port))
        # Keep the rate modest: nothing here measures throughput.
        time.sleep(0.001)
    return 0


SEQ_FORMAT = "!Qd"


def on_sigterm() -> list:
    stop: list = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    return stop


def seq_send(args) -> int:
    stop = on_sigterm()
    pad = b"s" * 48
    with socket.socket(family(args.dst), socket.SOCK_DGRAM) as sock:
        sock.bind((args.src, 0))
        start = time.monotonic()
        k = 0
        while not stop and (args.seconds <= 0
                            or k < args.seconds * args.rate):
            due = start + k / args.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            try:
                sock.sendto(struct.pack(SEQ_FORMAT, k, time.monotonic())
                            + pad, (args.dst, args.port))
            except OSError:
                pass    # e.g. an ICMP error reported back: keep the rate
            k += 1
    print(json.dumps({"sent": k, "start": start, "end": time.monotonic()}),
          flush=True)
    return 0


def seq_sink(args) -> int:
    stop = on_sigterm()
    sock = socket.socket(family(args.addr), socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((args.addr, args.port))
    sock.settimeout(0.1)
    seqs, sent, recv = [], [], []
    size = struct.calcsize(SEQ_FORMAT)
    print("ready", flush=True)
    while not stop:
        try:
            data = sock.recv(2048)
        except (socket.timeout, InterruptedError):
            continue
        now = time.monotonic()
        if len(data) >= size:
            k, t = struct.unpack_from(SEQ_FORMAT, data)
            seqs.append(k)
            sent.append(t)
            recv.append(now)
    print(json.dumps({"seq": seqs, "sent": sent, "recv": recv}), flush=True)
    return 0


def tcp_sink(args) -> int:
    with socket.socket(family(args.addr), socket.SOCK_STREAM) as lsock:
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((args.addr, args.port))
        lsock.listen(1)
        print("ready", flush=True)
        conn, _ = lsock.accept()
        with conn:
            total = 0
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    break
                total += len(data)
            conn.sendall(str(total).encode())
    print(json.dumps({"bytes": total}), flush=True)
    return 0


def tcp_send(args) -> int:
    block = b"\x5a" * (1 << 16)
    start = time.monotonic()
    with socket.create_connection((args.dst, args.port), timeout=60) as sock:
        left = args.bytes
        pause = args.pause_after
        while left > 0:
            n = min(left, len(block), pause if pause > 0 else len(block))
            sock.sendall(block[:n])
            left -= n
            if pause > 0:
                pause -= n
                if pause == 0:
                    print(f"paused {sock.getsockname()[1]}", flush=True)
                    sys.stdin.readline()
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            data = sock.recv(64)
            if not data:
                break
            reply += data
    seconds = time.monotonic() - start
    received = int(reply or b"-1")
    print(json.dumps({"bytes": received, "seconds": seconds}), flush=True)
    return 0 if received == args.bytes else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sink")
    p.add_argument("--addr", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--by-source-addr", action="store_true")
    p = sub.add_parser("send")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--flows", type=int, default=1)
    p.add_argument("--packets", type=int, default=1)
    p.add_argument("--sport-base", type=int, default=20000)
    p = sub.add_parser("tcp-sink")
    p.add_argument("--addr", required=True)
    p.add_argument("--port", type=int, required=True)
    p = sub.add_parser("tcp-send")
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--pause-after", type=int, default=0)
    p = sub.add_parser("seq-send")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--rate", type=float, default=1000)
    p.add_argument("--seconds", type=float, default=0)
    p = sub.add_parser("seq-sink")
    p.add_argument("--addr", required=True)
    p.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    commands = {"sink": sink, "send": send, "tcp-sink": tcp_sink,
                "tcp-send": tcp_send, "seq-send": seq_send,
                "seq-sink": seq_sink}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
