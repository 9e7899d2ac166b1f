"""A client of xdpfwd-apid for the lab, run inside the router's namespace
(`ip netns exec R python3 apiclient.py ...`); prints one JSON line.

  post PORT [--chunked] [--method M]   body from stdin -> {"status", "body"}
                                        (status 0: the connection was closed
                                        or reset without an answer)
  idle PORT N SECONDS [--partial]      open N connections that send nothing
                                        (or headers promising a body that
                                        never comes), print "ready", then
                                        report how many the server closed
                                        within SECONDS: {"closed", "open"}
  raw PORT                              stdin's bytes as they are, then
                                        what came back: {"reply", "closed"}
"""
import http.client
import json
import select
import socket
import sys
import time


def post(port: int, body: bytes, chunked: bool, method: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Content-Type": "application/json"}
    try:
        if chunked:
            chunks = [body[i:i + 4096] for i in range(0, len(body), 4096)]
            conn.request(method, "/", body=iter(chunks), headers=headers,
                         encode_chunked=True)
        else:
            conn.request(method, "/", body=body if method == "POST" else None,
                         headers=headers)
        resp = conn.getresponse()
        return {"status": resp.status, "body": resp.read().decode()}
    except (OSError, http.client.HTTPException) as exc:
        return {"status": 0, "error": repr(exc)}
    finally:
        conn.close()


def idle(port: int, count: int, seconds: float, partial: bool) -> dict:
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if partial:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 100\r\n\r\n{\"action\":")
        socks.append(s)
    print("ready", flush=True)
    closed = set()
    deadline = time.monotonic() + seconds
    while len(closed) < count and time.monotonic() < deadline:
        ready, _, _ = select.select([s for s in socks if s not in closed],
                                    [], [], 0.2)
        for s in ready:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed.add(s)
    for s in socks:
        s.close()
    return {"closed": len(closed), "open": count - len(closed)}


def raw(port: int, data: bytes) -> dict:
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    reply = b""
    closed = False
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            reply += chunk
    except OSError:
        closed = True
    finally:
        s.close()
    return {"reply": reply.decode(errors="replace"), "closed": closed}


def main() -> None:
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "post":
        method = "POST"
        if "--method" in sys.argv:
            method = sys.argv[sys.argv.index("--method") + 1]
        out = post(port, sys.stdin.buffer.read(), "--chunked" in sys.argv,
                   method)
    elif cmd == "idle":
        out = idle(port, int(sys.argv[3]), float(sys.argv[4]),
                   "--partial" in sys.argv)
    elif cmd == "raw":
        out = raw(port, sys.stdin.buffer.read())
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
