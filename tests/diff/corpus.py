"""Seeded corpus of Ethernet frames for the differential test (difftest.py).

Every frame is sent to the lab router R by a host (C, or S1 for the few
that enter R from a server link) and carries a unique id that forwarding
preserves:

- the tag  b"xdpdiff:" + id (4 bytes, big endian)  at the start of the L4
  payload (right after the UDP/TCP/ICMP header), or at the start of the
  data of a fragment; ICMP errors quote the packet's start, so errors
  about a frame carry its tag too;
- TCP frames also carry 0xD1000000 | id as acknowledgement number (and a
  SYN has its sequence number chosen so that the RST answering it
  acknowledges that value), so R's RSTs can be matched to their frame.

generate(env, seed, size) returns the same frames for the same env (the
lab's MAC and link-local addresses), seed and size: first a systematic
part (every kind below at least once, `size` only adds to it), then
`size` frames drawn at random from the ordinary templates.

A frame's kind is a short string naming what is special about it
("v4/udp/route", "v4/ttl1/ecmp", "v6/ext-hbh/route", "l2/vlan5",
"v4/src-martian-127/route", ...); differences are reported per kind.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lab"))

import lablib  # noqa: E402

MAGIC = b"xdpdiff:"
TAG_LEN = len(MAGIC) + 4
TCP_MARK = 0xD1000000
ID_MASK = 0x00FFFFFF

ETH_IP, ETH_IP6, ETH_ARP = 0x0800, 0x86DD, 0x0806
ETH_VLAN, ETH_QINQ = 0x8100, 0x88A8
PROTO = {"icmp": 1, "tcp": 6, "udp": 17, "icmp6": 58}

# ---------------------------------------------------------------------------
# Addresses of the lab (lablib) and those the difftest lab adds

V4 = {
    "route": "10.100.0.1",          # static route via S1 (S1's loopback)
    "ecmp": "10.200.0.1",           # static ECMP route via S1 and S2
    "conn-s1": "10.0.2.2",
    "conn-s2": "10.0.3.2",
    "conn-c": "10.0.1.2",           # back out of the ingress (hairpin)
    "unrouted": "198.51.100.1",
    "blackhole": "10.66.0.1",       # `ip route 10.66.0.0/24 blackhole`
    "reject": "10.67.0.1",          # `ip route 10.67.0.0/24 reject`
    "hairpin-route": "10.77.0.1",   # hairpin scenario: route via C
    "throw": "10.100.0.200",        # throw scenario: throw 10.100.0.128/25
    "prohibit": "10.100.0.100",     # unreachable-prohibit: prohibit .64/26
    "route-mtu": "10.101.0.1",      # mtu scenario: route with mtu 1300
    "lo-subnet": "10.255.0.7",      # lo scenario: 10.255.0.1/24 on lo
}
V6 = {
    "route": "2001:db8:100::1",
    "ecmp": "2001:db8:200::1",
    "conn-s1": "fd00:2::2",
    "conn-s2": "fd00:3::2",
    "conn-c": "fd00:1::2",
    "unrouted": "2001:db8:dead::1",
    "blackhole": "2001:db8:66::1",
    "reject": "2001:db8:67::1",
    "hairpin-route": "2001:db8:77::1",
    "throw": "2001:db8:100:8000::1",
    "prohibit": "2001:db8:100:4000::1",
    "route-mtu": "2001:db8:101::1",
    "lo-subnet": "2001:db8:255::7",
}
ROUTER_V4 = {"r-c": "10.0.1.1", "r-s1": "10.0.2.1", "r-s2": "10.0.3.1"}
ROUTER_V6 = {"r-c": "fd00:1::1", "r-s1": "fd00:2::1", "r-s2": "fd00:3::1"}
HOST_V4 = {"c": "10.0.1.2", "s1": "10.0.2.2", "s2": "10.0.3.2"}
HOST_V6 = {"c": "fd00:1::2", "s1": "fd00:2::2", "s2": "fd00:3::2"}

ECMP_NETS = [ipaddress.ip_network(lablib.ECMP_V4),
             ipaddress.ip_network(lablib.ECMP_V6)]
ECMP_MEMBERS = ("s1", "s2")
# ECMP members' MTUs differ (to-s2 1400, IPv6 1280 in the mtu scenario)
# and the member is the hash's choice: larger frames are not comparable
ECMP_MAX_SIZE = 1280

# Rate limits the kernel applies per address, with no knob inside a
# namespace (net.ipv4.route.error_cost/error_burst and redirect_* exist in
# the initial namespace only), would decide whether an ICMP message is
# sent, so frames that may draw one get addresses of their own:
# - ICMP redirects (a frame routed back out of its ingress link), IPv4:
#   per source (20 ms << n, 9 at most); IPv6: per destination and per
#   source (6, then 1/s): an on-link source from the sender's POOL (the
#   hosts own these addresses), and for IPv6 an unused destination;
# - IPv4 "unreachable" for a frame without a usable route (ip_error():
#   5, then 1/s per source): a source from BEHIND, a prefix routed to C
#   (the difftest lab adds the route on R).
POOL_V4 = {"c": ("10.0.1.", 128, 254), "s1": ("10.0.2.", 128, 254)}
POOL_V6 = {"c": "fd00:1::1:", "s1": "fd00:2::1:"}
POOL_SIZE = 120
BEHIND_V4 = "10.9.0.0/16"
BEHIND_V6 = "2001:db8:9::/48"
# destinations for which some scenario has no route (or a reject/throw)
ERROR_PRONE = ("unrouted", "reject", "throw", "prohibit", "route-mtu",
               "lo-subnet", "hairpin-route", "special")
# destinations routed back out of the sender's own link (in a scenario)
HAIRPIN = {"c": ("conn-c", "hairpin-route", "ll-c"),
           "s1": ("conn-s1", "route", "ecmp")}


def pool_addresses(role: str) -> list[str]:
    """The addresses a host gets for pooled sources (v4 then v6)."""
    base, lo, _hi = POOL_V4[role]
    v4 = [f"{base}{lo + i}" for i in range(POOL_SIZE)]
    v6 = [f"{POOL_V6[role]}{i + 1:x}" for i in range(POOL_SIZE)]
    return v4 + v6


@dataclass
class Env:
    """What the frames depend on in a given lab: MACs of the hosts' eth0
    ("c", "s1", "s2") and of R's interfaces ("r-c", "r-s1", "r-s2"), and
    the link-local addresses of the same."""

    mac: dict[str, str]
    ll: dict[str, str]

    def macb(self, role: str) -> bytes:
        return bytes.fromhex(self.mac[role].replace(":", ""))


@dataclass
class Frame:
    fid: int
    kind: str
    sender: str           # role of the host that sends it ("c", "s1")
    data: bytes
    dst: str | None = None  # IP destination, when there is one
    ecmp: bool = False      # destination under an ECMP route

    def summary(self) -> str:
        return f"#{self.fid} {self.kind} ({len(self.data)} B)"


# ---------------------------------------------------------------------------
# Header builders (every field explicit, so that broken headers are easy)


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def a4(addr: str) -> bytes:
    return socket.inet_pton(socket.AF_INET, addr)


def a6(addr: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6, addr)


def tag(fid: int) -> bytes:
    return MAGIC + struct.pack("!I", fid)


def eth(dst: bytes, src: bytes, etype: int, payload: bytes,
        vlans: tuple = ()) -> bytes:
    """vlans: ((tpid, tci), ...) outermost first."""
    hdr = dst + src
    for tpid, tci in vlans:
        hdr += struct.pack("!HH", tpid, tci)
    return hdr + struct.pack("!H", etype) + payload


def ipv4(src: str, dst: str, proto: int, payload: bytes, *, ttl: int = 64,
         ident: int = 0, df: bool = False, mf: bool = False,
         offset: int = 0, tos: int = 0, options: bytes = b"",
         ihl: int | None = None, tot_len: int | None = None,
         check: int | None = None, version: int = 4,
         bad_check: bool = False) -> bytes:
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    hlen = 20 + len(options)
    ihl = hlen // 4 if ihl is None else ihl
    tot = hlen + len(payload) if tot_len is None else tot_len
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (offset & 0x1FFF)
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | (ihl & 0xF), tos,
                      tot & 0xFFFF, ident, flags, ttl, proto, 0, a4(src),
                      a4(dst)) + options
    if check is None:
        check = csum(hdr)
        if bad_check:
            check ^= 0x5A5A
    hdr = hdr[:10] + struct.pack("!H", check) + hdr[12:]
    return hdr + payload


def ipv6(src: str, dst: str, nh: int, payload: bytes, *, hlim: int = 64,
         tc: int = 0, flow: int = 0, plen: int | None = None,
         version: int = 6) -> bytes:
    plen = len(payload) if plen is None else plen
    first = (version << 28) | (tc << 20) | flow
    return struct.pack("!IHBB16s16s", first, plen & 0xFFFF, nh, hlim,
                       a6(src), a6(dst)) + payload


def pseudo(src: str, dst: str, proto: int, length: int) -> bytes:
    if ":" in src:
        return a6(src) + a6(dst) + struct.pack("!IxxxB", length, proto)
    return a4(src) + a4(dst) + struct.pack("!xBH", proto, length)


def udp(src: str, dst: str, sport: int, dport: int, data: bytes,
        zero_csum: bool = False) -> bytes:
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(data), 0)
    if zero_csum:
        return hdr + data
    c = csum(pseudo(src, dst, 17, 8 + len(data)) + hdr + data) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + data


def tcp(src: str, dst: str, sport: int, dport: int, seq: int, ack: int,
        flags: int, data: bytes, bad_csum: bool = False) -> bytes:
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, 5 << 4, flags, 29200, 0, 0)
    c = csum(pseudo(src, dst, 6, len(hdr) + len(data)) + hdr + data)
    if bad_csum:
        c ^= 0x1234
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + data


def icmp4(typ: int, code: int, rest: bytes, data: bytes) -> bytes:
    body = struct.pack("!BBH", typ, code, 0) + rest + data
    return body[:2] + struct.pack("!H", csum(body)) + body[4:]


def icmp6(src: str, dst: str, typ: int, code: int, rest: bytes,
          data: bytes) -> bytes:
    body = struct.pack("!BBH", typ, code, 0) + rest + data
    c = csum(pseudo(src, dst, 58, len(body)) + body)
    return body[:2] + struct.pack("!H", c) + body[4:]


def ext_opts(nh: int, opts: bytes) -> bytes:
    """Hop-by-hop or destination options header with options opts,
    padded with PadN to a multiple of 8."""
    total = 2 + len(opts)
    pad = (-total) % 8
    if pad == 1:
        opts += b"\0"
    elif pad:
        opts += bytes([1, pad - 2]) + b"\0" * (pad - 2)
    return bytes([nh, (2 + len(opts)) // 8 - 1]) + opts


def ext_routing(nh: int, rtype: int, segs_left: int, addrs: list[str]) -> bytes:
    body = b"".join(a6(a) for a in addrs)
    return bytes([nh, len(body) // 8, rtype, segs_left]) + b"\0" * 4 + body


def ext_frag(nh: int, offset: int, more: bool, ident: int) -> bytes:
    return struct.pack("!BBHI", nh, 0, (offset << 3) | (1 if more else 0),
                       ident)


# ---------------------------------------------------------------------------
# The generator


class Corpus:
    def __init__(self, env: Env, seed: int):
        self.env = env
        self.rng = random.Random(seed)
        self.frames: list[Frame] = []
        self.pool_next = {("c", 4): 0, ("c", 6): 0, ("s1", 4): 0,
                          ("s1", 6): 0}
        self.behind_next = {4: 0, 6: 0}
        self.hairpin6_next = 0

    # -- helpers -----------------------------------------------------------
    def next_id(self) -> int:
        return len(self.frames) + 1

    def pooled(self, role: str, family: int) -> str:
        """A source address used by no other frame of this corpus."""
        i = self.pool_next[(role, family)]
        if i >= POOL_SIZE:
            raise ValueError(f"source pool of {role} exhausted: corpus too "
                             "large for its hairpin-shaped frames")
        self.pool_next[(role, family)] = i + 1
        if family == 4:
            base, lo, _ = POOL_V4[role]
            return f"{base}{lo + i}"
        return f"{POOL_V6[role]}{i + 1:x}"

    def add(self, kind: str, sender: str, data: bytes, dst: str | None):
        ecmp = False
        if dst:
            addr = ipaddress.ip_address(dst)
            ecmp = any(addr.version == n.version and addr in n
                       for n in ECMP_NETS)
        self.frames.append(Frame(self.next_id(), kind, sender, data, dst,
                                 ecmp))

    def filler(self, n: int) -> bytes:
        return bytes(self.rng.getrandbits(8) for _ in range(max(0, n)))

    def payload(self, fid: int, extra: int) -> bytes:
        return tag(fid) + self.filler(extra)

    def l2(self, sender: str, dst_mac: bytes | None = None) -> tuple:
        rif = {"c": "r-c", "s1": "r-s1", "s2": "r-s2"}[sender]
        return (dst_mac or self.env.macb(rif), self.env.macb(sender))

    def l4(self, proto: str, src: str, dst: str, fid: int, extra: int,
           syn: bool = False, bad_csum: bool = False) -> tuple[int, bytes]:
        """(protocol number, L4 segment) with the tag first in the data."""
        data = self.payload(fid, extra)
        v6 = ":" in dst
        sport = self.rng.randrange(1024, 65535)
        dport = self.rng.choice([53, 80, 443, 4789, 9000,
                                 self.rng.randrange(1024, 65535)])
        if proto == "udp":
            return 17, udp(src, dst, sport, dport, data)
        if proto == "tcp":
            mark = TCP_MARK | fid
            if syn:
                return 6, tcp(src, dst, sport, dport, mark - 1 - len(data),
                              0, 0x02, data, bad_csum)
            return 6, tcp(src, dst, sport, dport,
                          self.rng.getrandbits(32), mark, 0x18, data,
                          bad_csum)
        if v6:
            return 58, icmp6(src, dst, 128, 0,
                             struct.pack("!HH", fid & 0xFFFF, 1), data)
        return 1, icmp4(8, 0, struct.pack("!HH", fid & 0xFFFF, 1), data)

    def behind(self, family: int) -> str:
        """An address under BEHIND (routed to C) used by no other frame."""
        self.behind_next[family] += 1
        net = ipaddress.ip_network(BEHIND_V4 if family == 4 else BEHIND_V6)
        return str(net[self.behind_next[family]])

    def pool_left(self, role: str, family: int, n: int = 2) -> bool:
        return self.pool_next[(role, family)] + n <= POOL_SIZE

    def src_for(self, sender: str, family: int, dclass: str) -> str:
        if dclass in HAIRPIN[sender]:
            return self.pooled(sender, family)
        if family == 4 and sender == "c" and dclass in ERROR_PRONE:
            return self.behind(4)
        return (HOST_V4 if family == 4 else HOST_V6)[sender]

    def hairpin_dst6(self, sender: str, dclass: str) -> str | None:
        """IPv6 redirects are limited per destination as well: a hairpin
        frame gets a destination of its own."""
        if dclass not in HAIRPIN[sender] or dclass == "ll-c":
            return None
        if dclass in ("conn-c", "conn-s1"):
            return self.pooled(sender, 6)
        self.hairpin6_next += 1
        base = ipaddress.ip_address(V6[dclass])
        return str(base + 0x10000 + self.hairpin6_next)

    def dst_for(self, family: int, dclass: str, randomize: bool) -> str:
        if dclass.startswith("router-"):
            return (ROUTER_V4 if family == 4 else ROUTER_V6)[dclass[7:]]
        if dclass == "ll-r":
            return self.env.ll["r-c"]
        if dclass == "ll-c":
            return self.env.ll["c"]
        base = (V4 if family == 4 else V6)[dclass]
        if randomize and dclass in ("route", "ecmp", "unrouted"):
            if family == 4:
                # 10.100.0.64-255 is prohibit/unreachable/throw in some
                # scenarios: random "route" destinations stay below
                net = ipaddress.ip_network(base + "/24", strict=False)
                top = 64 if dclass == "route" else 127
                return str(net[self.rng.randrange(1, top)])
            return str(ipaddress.ip_address(base) +
                       self.rng.randrange(1, 1 << 16))
        return base

    # -- ordinary packets --------------------------------------------------
    def packet(self, kind: str, family: int, proto: str, dclass: str, *,
               sender: str = "c", size: int | None = None, ttl: int = 64,
               src: str | None = None, dst: str | None = None,
               randomize: bool = False, df: bool = True,
               dst_mac: bytes | None = None, syn: bool = False,
               tos: int = 0, flow: int = 0) -> None:
        """A valid IPv4/IPv6 packet; size is the IP packet's length."""
        fid = self.next_id()
        if dst is None and family == 6:
            dst = self.hairpin_dst6(sender, dclass)
        dst = dst or self.dst_for(family, dclass, randomize)
        src = src or self.src_for(sender, family, dclass)
        hdr = 20 if family == 4 else 40
        l4hdr = {"udp": 8, "tcp": 20, "icmp": 8}[proto]
        if size is None:
            # at least 8 bytes after the tag: an IPv6 redirect quotes the
            # packet cut to a multiple of 8 bytes
            size = hdr + l4hdr + TAG_LEN + self.rng.choice(
                [8, 12, 18, 50, 100, 300, 700])
        extra = size - hdr - l4hdr - TAG_LEN
        pnum, seg = self.l4(proto, src, dst, fid, extra, syn=syn)
        if family == 4:
            pkt = ipv4(src, dst, pnum, seg, ttl=ttl, df=df, tos=tos,
                       ident=self.rng.getrandbits(16))
            etype = ETH_IP
        else:
            pkt = ipv6(src, dst, pnum, seg, hlim=ttl, tc=tos, flow=flow)
            etype = ETH_IP6
        self.add(kind, sender, eth(*self.l2(sender, dst_mac), etype, pkt),
                 dst)

    def raw4(self, kind: str, dclass: str = "route", *, sender: str = "c",
             trailer: bytes = b"", etype: int = ETH_IP, vlans: tuple = (),
             dst_mac: bytes | None = None, proto: str = "udp",
             extra: int = 20, cut: int = 0, **ipkw) -> None:
        """An IPv4 packet with header fields given in ipkw (ipv4()'s
        keywords), then trailer bytes; cut drops bytes from the end."""
        fid = self.next_id()
        dst = ipkw.pop("dst", None) or self.dst_for(4, dclass, False)
        src = ipkw.pop("src", None) or self.src_for(sender, 4, dclass)
        pnum, seg = self.l4(proto, src, dst, fid, extra)
        ipkw.setdefault("ident", self.rng.getrandbits(16))
        ipkw.setdefault("df", True)
        pkt = ipv4(src, dst, pnum, seg, **ipkw) + trailer
        if cut:
            pkt = pkt[:-cut]
        self.add(kind, sender, eth(*self.l2(sender, dst_mac), etype, pkt,
                                   vlans), dst)

    def raw6(self, kind: str, dclass: str = "route", *, sender: str = "c",
             exts: list | None = None, trailer: bytes = b"",
             etype: int = ETH_IP6, vlans: tuple = (),
             dst_mac: bytes | None = None, proto: str = "udp",
             extra: int = 20, cut: int = 0, **ipkw) -> None:
        """An IPv6 packet; exts: [(header type, builder(nh) -> bytes)]."""
        fid = self.next_id()
        dst = (ipkw.pop("dst", None) or self.hairpin_dst6(sender, dclass)
               or self.dst_for(6, dclass, False))
        src = ipkw.pop("src", None) or self.src_for(sender, 6, dclass)
        pnum, seg = self.l4(proto if proto != "icmp" else "icmp6", src,
                            dst, fid, extra)
        body, nh = seg, pnum
        for htype, build in reversed(exts or []):
            body = build(nh) + body
            nh = htype
        pkt = ipv6(src, dst, nh, body, **ipkw) + trailer
        if cut:
            pkt = pkt[:-cut]
        self.add(kind, sender, eth(*self.l2(sender, dst_mac), etype, pkt,
                                   vlans), dst)

    # -- fragments ---------------------------------------------------------
    def frags4(self, kind: str, dclass: str, pieces: list[str], *,
               ttl: int = 64, df: bool = False, size: int = 200,
               proto: str = "udp") -> None:
        """Fragments of one UDP datagram (each its own frame and id):
        pieces names which to send: "first", "middle", "last"; each
        fragment's data starts with its own tag."""
        dst = self.dst_for(4, dclass, False)
        src = self.src_for("c", 4, dclass)
        ident = self.rng.getrandbits(16)
        third = (size // 3) // 8 * 8
        for piece in pieces:
            fid = self.next_id()
            if piece == "first":
                pnum, seg = self.l4(proto, src, dst, fid,
                                    3 * third - 8 - TAG_LEN)
                data, off, mf = seg[:third], 0, True
            elif piece == "middle":
                data, off, mf = self.payload(fid, third - TAG_LEN), third, True
                pnum = PROTO[proto]
            else:
                data, off, mf = (self.payload(fid, third - TAG_LEN),
                                 2 * third, False)
                pnum = PROTO[proto]
            pkt = ipv4(src, dst, pnum, data, ttl=ttl, ident=ident, df=df,
                       mf=mf, offset=off // 8)
            self.add(f"{kind}-{piece}", "c",
                     eth(*self.l2("c"), ETH_IP, pkt), dst)

    def frags6(self, kind: str, dclass: str, pieces: list[str], *,
               hlim: int = 64, size: int = 200) -> None:
        dst = self.dst_for(6, dclass, False)
        src = self.src_for("c", 6, dclass)
        ident = self.rng.getrandbits(32)
        third = (size // 3) // 8 * 8
        for piece in pieces:
            fid = self.next_id()
            if piece == "first":
                _, seg = self.l4("udp", src, dst, fid, 3 * third - 8 - TAG_LEN)
                data, off, more = seg[:third], 0, True
            elif piece == "atomic":
                _, seg = self.l4("udp", src, dst, fid, 40)
                data, off, more = seg, 0, False
            elif piece == "middle":
                data, off, more = self.payload(fid, third - TAG_LEN), third, True
            else:
                data, off, more = (self.payload(fid, third - TAG_LEN),
                                   2 * third, False)
            pkt = ipv6(src, dst, 44, ext_frag(17, off // 8, more, ident) + data,
                       hlim=hlim)
            self.add(f"{kind}-{piece}", "c",
                     eth(*self.l2("c"), ETH_IP6, pkt), dst)

    def two_tags(self, fid: int, at: int) -> bytes:
        """Echo data with tag(fid) first and tag(fid + 1) at offset at:
        the two fragments of one message are two frames, each tagged."""
        data = self.payload(fid, at - TAG_LEN)
        return data + self.payload(fid + 1, 300 - at)

    def frags_local(self) -> None:
        """A complete fragmented echo request to R's own address, both
        families (reassembled by R, which answers)."""
        src, dst = HOST_V4["c"], ROUTER_V4["r-c"]
        ident = self.rng.getrandbits(16)
        fid = self.next_id()
        msg = icmp4(8, 0, struct.pack("!HH", fid & 0xFFFF, 1),
                    self.two_tags(fid, 160 - 8))
        for i, (lo, hi) in enumerate(((0, 160), (160, len(msg)))):
            frag = msg[lo:hi]
            pkt = ipv4(src, dst, 1, frag, ident=ident, mf=(i == 0),
                       offset=lo // 8)
            self.add(f"v4/frag-local-{'first' if i == 0 else 'last'}", "c",
                     eth(*self.l2("c"), ETH_IP, pkt), dst)
        src, dst = HOST_V6["c"], ROUTER_V6["r-c"]
        ident = self.rng.getrandbits(32)
        fid = self.next_id()
        msg = icmp6(src, dst, 128, 0, struct.pack("!HH", fid & 0xFFFF, 1),
                    self.two_tags(fid, 160 - 8))
        for i, (lo, hi) in enumerate(((0, 160), (160, len(msg)))):
            pkt = ipv6(src, dst, 44,
                       ext_frag(58, lo // 8, i == 0, ident) + msg[lo:hi])
            self.add(f"v6/frag-local-{'first' if i == 0 else 'last'}", "c",
                     eth(*self.l2("c"), ETH_IP6, pkt), dst)

    # -- the systematic part -----------------------------------------------
    def systematic(self) -> None:
        fams = (4, 6)
        basic = ["route", "ecmp", "conn-s1", "conn-s2", "conn-c", "unrouted",
                 "blackhole", "reject", "hairpin-route", "throw", "prohibit",
                 "route-mtu", "lo-subnet", "router-r-c", "router-r-s1",
                 "router-r-s2"]
        for fam in fams:
            for dclass in basic:
                for proto in ("udp", "tcp", "icmp"):
                    self.packet(f"v{fam}/{proto}/{dclass}", fam, proto,
                                dclass)
            for dclass in ("router-r-c", "router-r-s2"):
                self.packet(f"v{fam}/tcp-syn/{dclass}", fam, "tcp", dclass,
                            syn=True)
            # several flows over the ECMP route and the single path
            for i in range(6):
                self.packet(f"v{fam}/udp/ecmp-flows", fam, "udp", "ecmp",
                            randomize=True)
                self.packet(f"v{fam}/tcp/route-hosts", fam, "tcp", "route",
                            randomize=True)
            # TTL / hop limit
            for ttl in (0, 1, 2, 255):
                for dclass in ("route", "ecmp", "conn-s2", "router-r-s1",
                               "unrouted"):
                    for proto in ("udp", "icmp"):
                        self.packet(f"v{fam}/ttl{ttl}/{dclass}", fam, proto,
                                    dclass, ttl=ttl)
                self.packet(f"v{fam}/ttl{ttl}/tcp-route", fam, "tcp",
                            "route", ttl=ttl)
            # sizes around the lowered MTUs: to-s2 1400 (all scenarios),
            # to-s1 1450 and the route mtu 1300 (mtu scenario)
            # (not over the ECMP route: its members' MTUs differ, and which
            # member a flow takes is the hash's choice)
            for dclass in ("conn-s2", "route", "route-mtu"):
                for size in (1280, 1300, 1301, 1400, 1401, 1450, 1451, 1500):
                    self.packet(f"v{fam}/size{size}/{dclass}", fam, "udp",
                                dclass, size=size)
                    if fam == 4:
                        self.packet(f"v4/size{size}-nodf/{dclass}", 4, "udp",
                                    dclass, size=size, df=False)
            self.packet(f"v{fam}/tos/route", fam, "udp", "route", tos=0xB9,
                        flow=0x12345)
        self.v4_headers()
        self.v6_headers()
        self.special_addresses()
        self.layer2()
        self.from_server()
        self.frags_local()

    def v4_headers(self) -> None:
        rnd = self.filler
        for dclass in ("route", "ecmp", "conn-s1"):
            self.raw4(f"v4/opt-nop/{dclass}", dclass, options=b"\x01" * 4)
            self.raw4(f"v4/opt-rr/{dclass}", dclass,
                      options=b"\x07\x0b\x04" + b"\0" * 8 + b"\x00")
            self.raw4(f"v4/opt-ra/{dclass}", dclass,
                      options=b"\x94\x04\x00\x00")
            self.raw4(f"v4/eth-pad/{dclass}", dclass, extra=0,
                      trailer=b"\0" * 10)
            self.raw4(f"v4/trailer/{dclass}", dclass, trailer=rnd(17))
            self.raw4(f"v4/trailer-tcp/{dclass}", dclass, proto="tcp",
                      trailer=rnd(5))
            self.raw4(f"v4/badcsum/{dclass}", dclass, bad_check=True)
        self.raw4("v4/opt-unknown/route", options=b"\x9e\x04\x00\x00")
        self.raw4("v4/opt-eol-only/route", options=b"\x00\x00\x00\x00")
        self.raw4("v4/opt-lsrr/route",
                  options=b"\x83\x07\x04" + a4("10.0.2.2"))
        self.raw4("v4/opt-badlen/route", options=b"\x07\x02\x04\x00")
        self.raw4("v4/opt-rr-ttl1/route", ttl=1,
                  options=b"\x07\x0b\x04" + b"\0" * 8 + b"\x00")
        self.raw4("v4/ihl4/route", ihl=4)
        self.raw4("v4/ihl3/route", ihl=3)
        self.raw4("v4/ihl15-short/route", ihl=15)
        self.raw4("v4/totlen-long/route", tot_len=20 + 8 + TAG_LEN + 20 + 30)
        self.raw4("v4/totlen-lt-ihl/route", tot_len=12)
        self.raw4("v4/totlen-short/route", extra=60,
                  tot_len=20 + 8 + TAG_LEN + 20)
        self.raw4("v4/eth-pad/router-r-c", "router-r-c", extra=0,
                  trailer=b"\0" * 10, proto="icmp")
        self.raw4("v4/trailer/ttl1-route", ttl=1, trailer=self.filler(9))
        self.raw4("v4/trailer/size-s2", "conn-s2", extra=1400 - 40 - TAG_LEN,
                  trailer=self.filler(12))
        self.raw4("v4/version6-in-ipv4/route", version=6)
        self.raw4("v4/version0/route", version=0)
        self.raw4("v4/version4-in-ipv6-ethertype/route", etype=ETH_IP6)
        self.raw4("v4/df-mf/route", df=True, mf=True)
        self.raw4("v4/ident0-df/route", ident=0, df=True)
        self.raw4("v4/cut-frame/route", cut=6)
        self.raw4("v4/ecn-ce/route", tos=0x03)
        # TCP with a bad checksum and UDP with none (a router does not check)
        fid = self.next_id()
        src, dst = HOST_V4["c"], V4["route"]
        seg = tcp(src, dst, 40000, 80, 1, TCP_MARK | fid, 0x18,
                  self.payload(fid, 30), bad_csum=True)
        self.add("v4/tcp-badcsum/route", "c",
                 eth(*self.l2("c"), ETH_IP, ipv4(src, dst, 6, seg, df=True,
                                                ident=7)), dst)
        fid = self.next_id()
        seg = udp(src, dst, 40000, 53, self.payload(fid, 30), zero_csum=True)
        self.add("v4/udp-zerocsum/route", "c",
                 eth(*self.l2("c"), ETH_IP, ipv4(src, dst, 17, seg, df=True,
                                                ident=8)), dst)
        # an ICMP error from C quoting some packet, forwarded like any
        fid = self.next_id()
        inner = ipv4(V4["route"], src, 17, udp(V4["route"], src, 53, 40000,
                                                self.payload(fid, 8)))
        self.add("v4/icmp-error-transit/route", "c",
                 eth(*self.l2("c"), ETH_IP,
                     ipv4(src, dst, 1, icmp4(3, 3, b"\0" * 4, inner))), dst)
        # fragments
        self.frags4("v4/frag", "route", ["first", "middle", "last"])
        self.frags4("v4/frag", "ecmp", ["first", "middle", "last"])
        self.frags4("v4/frag-ttl1", "route", ["first", "last"], ttl=1)
        self.frags4("v4/frag-df", "route", ["first"], df=True)
        self.frags4("v4/frag-big", "conn-s2", ["first", "last"], size=4200)
        self.frags4("v4/frag-big-df", "conn-s2", ["first"], size=4200, df=True)
        self.frags4("v4/frag", "unrouted", ["first", "last"])

    def v6_headers(self) -> None:
        hbh = (0, lambda nh: ext_opts(nh, b""))
        hbh_ra = (0, lambda nh: ext_opts(nh, b"\x05\x02\x00\x00"))
        hbh_unknown = (0, lambda nh: ext_opts(nh, b"\x9e\x02\x00\x00"))
        dopt = (60, lambda nh: ext_opts(nh, b""))
        rh0 = (43, lambda nh: ext_routing(nh, 0, 1, [HOST_V6["s2"]]))
        rh0_0 = (43, lambda nh: ext_routing(nh, 0, 0, [HOST_V6["s2"]]))
        rh4 = (43, lambda nh: ext_routing(nh, 4, 1, [HOST_V6["s2"]]))
        fragh = (44, lambda nh: ext_frag(nh, 0, False, 0x1234))
        for dclass in ("route", "ecmp", "conn-s1"):
            self.raw6(f"v6/ext-hbh/{dclass}", dclass, exts=[hbh])
            self.raw6(f"v6/ext-dstopt/{dclass}", dclass, exts=[dopt])
            self.raw6(f"v6/ext-rh0/{dclass}", dclass, exts=[rh0])
            self.raw6(f"v6/ext-frag-atomic/{dclass}", dclass, exts=[fragh])
            self.raw6(f"v6/ext-chain/{dclass}", dclass,
                      exts=[hbh, dopt, rh0_0, fragh, dopt])
            self.raw6(f"v6/trailer/{dclass}", dclass, trailer=self.filler(17))
            self.raw6(f"v6/eth-pad/{dclass}", dclass, extra=0,
                      trailer=b"\0" * 6)
        self.raw6("v6/ext-hbh-ra/route", exts=[hbh_ra])
        self.raw6("v6/ext-hbh-unknown/route", exts=[hbh_unknown])
        self.raw6("v6/ext-hbh-ttl1/route", exts=[hbh], hlim=1)
        self.raw6("v6/ext-hbh-not-first/route", exts=[dopt, hbh])
        self.raw6("v6/ext-rh4/route", exts=[rh4])
        self.raw6("v6/ext-rh0/router-r-c", "router-r-c", exts=[rh0])
        self.raw6("v6/ext-rh0-0/router-r-c", "router-r-c", exts=[rh0_0])
        self.raw6("v6/ext-dstopt/router-r-c", "router-r-c", exts=[dopt],
                  proto="icmp")
        # the kernel cuts a packet to its payload length: with 0 (and no
        # hop-by-hop header, so no jumbogram) only the header is left, so
        # the flow label carries the id (frame_id())
        self.raw6("v6/plen0/route", plen=0, flow=self.next_id())
        self.raw6("v6/plen-long/route", plen=8 + TAG_LEN + 20 + 30)
        self.raw6("v6/plen-short/route", extra=60, plen=8 + TAG_LEN + 20)
        self.raw6("v6/trailer/ttl1-route", hlim=1, trailer=self.filler(9))
        self.raw6("v6/trailer/size-s2", "conn-s2",
                  extra=1400 - 48 - TAG_LEN, trailer=self.filler(12))
        self.raw6("v6/version4-in-ipv6/route", version=4)
        self.raw6("v6/version6-in-ipv4-ethertype/route", etype=ETH_IP)
        self.raw6("v6/cut-frame/route", cut=6)
        self.frags6("v6/frag", "route", ["first", "middle", "last"])
        self.frags6("v6/frag", "ecmp", ["first", "last", "atomic"])
        self.frags6("v6/frag-hlim1", "route", ["first", "last"], hlim=1)
        self.frags6("v6/frag-big", "conn-s2", ["first"], size=4200)

    def special_addresses(self) -> None:
        env = self.env
        for name, dst in (("0/8", "0.1.2.3"), ("127/8", "127.0.0.1"),
                          ("224/4-local", "224.0.0.1"),
                          ("224/4", "239.1.2.3"), ("240/4", "240.0.0.1"),
                          ("255.255.255.255", "255.255.255.255"),
                          ("169.254/16", "169.254.1.1"),
                          ("subnet-bcast-ingress", "10.0.1.255"),
                          ("directed-bcast-s1", "10.0.2.255"),
                          ("directed-bcast-s2", "10.0.3.255"),
                          ("lo-subnet-addr", "10.255.0.1")):
            for proto in ("udp", "icmp"):
                self.packet(f"v4/dst-{name}/{proto}", 4, proto, "special",
                            dst=dst)
        self.packet("v4/dst-directed-bcast-s1/ttl1", 4, "udp", "special",
                    dst="10.0.2.255", ttl=1)
        for name, src in (("0.0.0.0", "0.0.0.0"), ("0/8", "0.1.2.3"),
                          ("127/8", "127.0.0.1"), ("224/4", "224.0.0.5"),
                          ("240/4", "240.0.0.1"),
                          ("255.255.255.255", "255.255.255.255"),
                          ("169.254/16", "169.254.1.1"),
                          ("router-ingress", "10.0.1.1"),
                          ("router-other", "10.0.2.1"),
                          ("subnet-bcast", "10.0.1.255"),
                          ("spoof-s2", "10.0.3.2"),
                          ("spoof-route", "10.100.0.1"),
                          ("spoof-unrouted", "198.51.100.7"),
                          ("onlink-other", "10.0.1.77")):
            self.packet(f"v4/src-{name}/route", 4, "udp", "route", src=src)
            self.packet(f"v4/src-{name}/ecmp", 4, "icmp", "ecmp", src=src)
        for name, src in (("spoof-s2", "10.0.3.2"),
                          ("spoof-route", "10.100.0.1"),
                          ("onlink-other", "10.0.1.77"),
                          ("169.254/16", "169.254.1.1")):
            self.packet(f"v4/src-{name}/ttl1", 4, "udp", "route", src=src,
                        ttl=1)
            self.packet(f"v4/src-{name}/unrouted", 4, "udp", "unrouted",
                        src=src)
            self.packet(f"v4/src-{name}/conn-s1", 4, "udp", "conn-s1",
                        src=src)
        for name, dst in (("::1", "::1"), ("::", "::"),
                          ("ff02::1", "ff02::1"), ("ff02::2", "ff02::2"),
                          ("ff05::2", "ff05::2"), ("ff0e::1", "ff0e::1"),
                          ("ff01::1", "ff01::1"), ("ff00::1", "ff00::1"),
                          ("v4mapped", "::ffff:10.100.0.1"),
                          ("nat64", "64:ff9b::a64:1"),
                          ("anycast-s1", "fd00:2::"),
                          ("ll-r", env.ll["r-c"]),
                          ("lo-subnet-addr", "2001:db8:255::1")):
            # (not R's link-local of another interface: the kernel routes
            # it back out of the ingress and solicits it there for 3 s)
            for proto in ("udp", "icmp"):
                self.packet(f"v6/dst-{name}/{proto}", 6, proto, "special",
                            dst=dst)
        # (a pooled global source: with C's link-local as source too, the
        # kernel's per-address redirect budget would be spent twice)
        for proto in ("udp", "icmp"):
            self.packet(f"v6/dst-ll-c/{proto}", 6, proto, "ll-c")
        for name, src in (("::1", "::1"), ("::", "::"),
                          ("ff02::1", "ff02::1"), ("ll-c", env.ll["c"]),
                          ("ll-other", "fe80::1234"),
                          ("v4mapped", "::ffff:10.0.1.2"),
                          ("router-ingress", "fd00:1::1"),
                          ("router-other", "fd00:2::1"),
                          ("spoof-s2", "fd00:3::2"),
                          ("spoof-route", "2001:db8:100::1"),
                          ("spoof-unrouted", "2001:db8:dead::7"),
                          ("onlink-other", "fd00:1::77")):
            self.packet(f"v6/src-{name}/route", 6, "udp", "route", src=src)
            self.packet(f"v6/src-{name}/ecmp", 6, "icmp", "ecmp", src=src)
        for name, src in (("spoof-s2", "fd00:3::2"),
                          ("v4mapped", "::ffff:10.0.1.2"),
                          ("ll-c", env.ll["c"])):
            self.packet(f"v6/src-{name}/ttl1", 6, "udp", "route", src=src,
                        ttl=1)
            self.packet(f"v6/src-{name}/unrouted", 6, "udp", "unrouted",
                        src=src)

    def layer2(self) -> None:
        other = bytes.fromhex("020000000099")
        macs = (("other-unicast", other),
                ("broadcast", b"\xff" * 6),
                ("mcast-v4", bytes.fromhex("01005e000001")),
                ("mcast-v6", bytes.fromhex("333300000001")))
        for name, mac in macs:
            for fam in (4, 6):
                self.packet(f"l2/mac-{name}/v{fam}-route", fam, "udp",
                            "route", dst_mac=mac)
            self.packet(f"l2/mac-{name}/v4-router", 4, "icmp",
                        "router-r-c", dst_mac=mac)
        for name, vlans in (("vlan5", ((ETH_VLAN, 5),)),
                            ("vlan0-prio", ((ETH_VLAN, 0xA000),)),
                            ("qinq", ((ETH_QINQ, 7), (ETH_VLAN, 5)))):
            self.raw4(f"l2/{name}/v4-route", vlans=vlans)
            self.raw6(f"l2/{name}/v6-route", vlans=vlans)
        self.raw4("l2/ethertype-88b5/v4-route", etype=0x88B5)
        fid = self.next_id()
        self.add("l2/runt-ipv4", "c",
                 eth(*self.l2("c"), ETH_IP, b"\x45\x00" + tag(fid)), None)
        fid = self.next_id()
        self.add("l2/arp-reply-unsolicited", "c",
                 eth(*self.l2("c"), ETH_ARP,
                     struct.pack("!HHBBH6s4s6s4s", 1, ETH_IP, 6, 4, 2,
                                 self.env.macb("c"), a4("10.0.1.2"),
                                 self.env.macb("r-c"), a4("10.0.1.1"))
                     + tag(fid)), None)

    def from_server(self) -> None:
        """A few frames entering R from S1's link."""
        for fam in (4, 6):
            for dclass in ("conn-c", "conn-s2", "ecmp", "route", "router-r-c",
                           "unrouted"):
                self.packet(f"v{fam}/from-s1/{dclass}", fam, "udp",
                            dclass, sender="s1", randomize=True)
            # the ECMP route has a member out of S1's link: the kernel's
            # hash sends some of these flows back out, IPv4 ones with a
            # redirect (IPv6 redirects name link-local targets only, and
            # the members are global addresses), whichever member xdpfwd's
            # hash would pick.  One flow would differ or not by chance;
            # without the hairpin test, 20 all agree with p = 0.75^20.
            for _ in range(20 if fam == 4 else 6):
                self.packet(f"v{fam}/from-s1/ecmp-flows", fam, "udp", "ecmp",
                            sender="s1", randomize=True)
            self.packet(f"v{fam}/from-s1/ttl1-conn-c", fam, "udp", "conn-c",
                        sender="s1", ttl=1)
            self.packet(f"v{fam}/from-s1/size1401-conn-s2", fam, "udp",
                        "conn-s2", sender="s1", size=1401)

    # -- the random part ---------------------------------------------------
    def random_frames(self, n: int) -> None:
        classes = ["route", "ecmp", "conn-s1", "conn-s2", "unrouted",
                   "router-r-c", "blackhole", "reject", "throw", "prohibit",
                   "conn-c",
                   "hairpin-route"]
        for _ in range(n):
            fam = self.rng.choice((4, 6))
            proto = self.rng.choice(("udp", "udp", "tcp", "icmp"))
            dclass = self.rng.choice(classes)
            if dclass in ("conn-c", "hairpin-route") and \
                    not self.pool_left("c", fam):
                dclass = "route"
            ttl = self.rng.choice((64, 64, 64, 1, 2, 255))
            size = self.rng.choice((None, None, None, 1300, 1401, 1500))
            if dclass == "ecmp" and size and size > ECMP_MAX_SIZE:
                size = ECMP_MAX_SIZE
            mod = self.rng.choice(("", "", "", "trailer", "pad"))
            if mod and size is None:
                trailer = (self.filler(self.rng.randrange(1, 30))
                           if mod == "trailer" else b"\0" * 8)
                if fam == 4:
                    self.raw4(f"rnd/v4/{mod}/{dclass}", dclass, proto=proto,
                              ttl=ttl, trailer=trailer,
                              extra=self.rng.randrange(8, 200))
                else:
                    self.raw6(f"rnd/v6/{mod}/{dclass}", dclass, proto=proto,
                              hlim=ttl, trailer=trailer,
                              extra=self.rng.randrange(8, 200))
                continue
            self.packet(f"rnd/v{fam}/{proto}/{dclass}", fam, proto, dclass,
                        ttl=ttl, size=size, randomize=True,
                        df=self.rng.random() < 0.7)


def generate(env: Env, seed: int = 1, size: int = 0) -> list[Frame]:
    corpus = Corpus(env, seed)
    corpus.systematic()
    corpus.random_frames(size)
    return corpus.frames


# ---------------------------------------------------------------------------
# Reading frames back


def frame_id(frame: bytes) -> int | None:
    """The corpus id a captured frame carries (its own tag, the tag in a
    quoted packet, or a TCP acknowledgement/sequence mark), else None."""
    pos = frame.find(MAGIC)
    if pos >= 0 and pos + TAG_LEN <= len(frame):
        return struct.unpack_from("!I", frame, pos + len(MAGIC))[0]
    l3 = parse_l3(frame)
    if l3 and l3.get("family") == 6 and l3["tot"] == 40:
        off = l3["l3off"]
        return struct.unpack_from("!I", frame, off)[0] & 0xFFFFF or None
    if l3 and l3.get("proto") == 6 and len(l3.get("l4") or b"") >= 12:
        seq, ack = struct.unpack_from("!II", l3["l4"], 4)
        for value in (seq, ack):
            if value & 0xFF000000 == TCP_MARK:
                return value & ID_MASK
    return None


def parse_l3(frame: bytes) -> dict | None:
    """Ethernet (+ VLAN tags) and the IP header of a frame."""
    if len(frame) < 14:
        return None
    pos, etype, vlans = 12, struct.unpack_from("!H", frame, 12)[0], []
    while etype in (ETH_VLAN, ETH_QINQ) and len(frame) >= pos + 6:
        vlans.append(struct.unpack_from("!H", frame, pos + 2)[0] & 0xFFF)
        pos += 4
        etype = struct.unpack_from("!H", frame, pos)[0]
    l3 = frame[pos + 2:]
    out = {"etype": etype, "vlans": vlans, "l3off": pos + 2,
           "dmac": frame[:6].hex(":"), "smac": frame[6:12].hex(":")}
    if etype == ETH_IP and len(l3) >= 20 and l3[0] >> 4 == 4:
        ihl = (l3[0] & 0xF) * 4
        out.update(family=4, src=socket.inet_ntop(socket.AF_INET, l3[12:16]),
                   dst=socket.inet_ntop(socket.AF_INET, l3[16:20]),
                   ttl=l3[8], proto=l3[9],
                   tot=struct.unpack_from("!H", l3, 2)[0],
                   frag=struct.unpack_from("!H", l3, 6)[0],
                   l4=l3[ihl:] if ihl >= 20 else b"")
        return out
    if etype == ETH_IP6 and len(l3) >= 40 and l3[0] >> 4 == 6:
        nh, pos6, later_fragment = l3[6], 40, False
        while nh in (0, 43, 60, 44) and len(l3) >= pos6 + 8:
            if nh == 44:
                later_fragment = bool(struct.unpack_from(
                    "!H", l3, pos6 + 2)[0] & 0xFFF8)
                nh, pos6 = l3[pos6], pos6 + 8
                break
            nh, pos6 = l3[pos6], pos6 + (l3[pos6 + 1] + 1) * 8
        out.update(family=6, src=socket.inet_ntop(socket.AF_INET6, l3[8:24]),
                   dst=socket.inet_ntop(socket.AF_INET6, l3[24:40]),
                   ttl=l3[7], proto=nh,
                   tot=40 + struct.unpack_from("!H", l3, 4)[0],
                   l4=b"" if later_fragment else l3[pos6:])
        return out
    out["family"] = None
    return out


ICMP4_NAMES = {0: "echo-reply", 3: "unreachable", 5: "redirect",
               8: "echo-request", 11: "time-exceeded", 12: "param-problem"}
ICMP6_NAMES = {1: "unreachable", 2: "packet-too-big", 3: "time-exceeded",
               4: "param-problem", 128: "echo-request", 129: "echo-reply",
               133: "router-solicitation", 134: "router-advertisement",
               135: "neighbour-solicitation", 136: "neighbour-advertisement",
               137: "redirect", 143: "mldv2-report"}


def describe(frame: bytes) -> str:
    """One line: what a captured frame is."""
    p = parse_l3(frame)
    if p is None:
        return f"{len(frame)} B runt"
    vl = "".join(f" vlan{v}" for v in p["vlans"])
    if p.get("family") is None:
        return f"{len(frame)} B ethertype 0x{p['etype']:04x}{vl}"
    fam, proto, l4 = p["family"], p["proto"], p["l4"]
    if fam == 4 and p["frag"] & 0x1FFF:
        l4 = b""  # a later fragment: no L4 header
    what = {1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6"}.get(proto,
                                                            f"proto{proto}")
    extra = ""
    if proto in (1, 58) and l4:
        names = ICMP4_NAMES if proto == 1 else ICMP6_NAMES
        extra = f" {names.get(l4[0], l4[0])}/{l4[1] if len(l4) > 1 else '?'}"
        if proto == 1 and l4[0] == 3 and l4[1] == 4 and len(l4) >= 8:
            extra += f" mtu={struct.unpack_from('!H', l4, 6)[0]}"
        if proto == 58 and l4[0] == 2 and len(l4) >= 8:
            extra += f" mtu={struct.unpack_from('!I', l4, 4)[0]}"
    if proto == 6 and len(l4) >= 14:
        flags = l4[13]
        extra = " " + "".join(c for bit, c in ((2, "S"), (16, "A"), (4, "R"),
                                               (8, "P"), (1, "F"))
                              if flags & bit)
    frag = ""
    if fam == 4 and p["frag"] & 0x3FFF:
        frag = f" frag(off={(p['frag'] & 0x1FFF) * 8},mf={p['frag'] >> 13 & 1})"
    trailer = len(frame) - p["l3off"] - p["tot"]
    trail = f" +{trailer} B after IP" if trailer > 0 else ""
    return (f"{len(frame)} B{vl} IPv{fam} {p['src']} > {p['dst']} "
            f"ttl={p['ttl']} {what}{extra}{frag}{trail} "
            f"[{p['smac']} > {p['dmac']}]")
