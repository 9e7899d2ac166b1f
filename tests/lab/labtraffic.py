"""UDP traffic helpers run inside lab namespaces (ip netns exec NS python3 ...).

  sink --addr A --port P
      Bind A:P, print "ready", count datagrams per source port until
      SIGTERM, then print {"<sport>": packets, ...} as JSON.
  send --src S --dst D --port P --flows N --packets K [--sport-base B]
      N flows, source ports B..B+N-1 on S, K datagrams each to D:P.
  tcp-sink --addr A --port P
      Accept one TCP connection on A:P ("ready" once listening), read to
      EOF, answer with the byte count and print {"bytes": N}.
  tcp-send --dst D --port P --bytes N
      Send N bytes, half-close, wait for the sink's count: the transfer
      is complete (every byte delivered) when this returns; prints
      {"bytes": N, "seconds": T}.
"""

import argparse
import json
import signal
import socket
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
            counts[peer[1]] += 1
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
        while left > 0:
            n = min(left, len(block))
            sock.sendall(block[:n])
            left -= n
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
    args = parser.parse_args()
    commands = {"sink": sink, "send": send, "tcp-sink": tcp_sink,
                "tcp-send": tcp_send}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
