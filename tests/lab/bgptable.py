"""A full-table-shaped route set for the dynamic-routing lab, its MRT files
(TABLE_DUMP_V2, RFC 6396) for `gobgp mrt inject global`, and the model the
lab checks forwarding against.

Deterministic from (n4, n6, seed).  Every prefix has an owner: the BGP
speaker(s) announcing it -- "a", "b", "c" (one session each, on R's links
to-pa, to-pb, to-pc) or "ab" (both a and b: BGP multipath, ECMP over two
links).  Prefixes overlap as in a real table (a /16 from one speaker, /24s
inside it from another), so forwarding is checked with a longest-prefix
match over the model.

Address space: IPv4 unicast outside the lab's own and special ranges;
198.18.0.0/16 holds WEIGHTED_V4, /24s announced by a and b that R gives
link-bandwidth weights 1:3 (route-maps) for weighted ECMP.  IPv6 in
2000::/4 outside 2001:db8::/32.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
import struct
import time
from dataclasses import dataclass, field

OWNERS = ("a", "b", "c", "ab")
OWNER_SHARE = (45, 35, 10, 10)  # percent

# IPv4 length distribution, percent (roughly a 2024 DFZ, some long ones)
V4_LENGTHS = [(24, 58.0), (23, 9.0), (22, 12.0), (21, 5.0), (20, 5.0),
              (19, 3.0), (18, 2.0), (17, 1.0), (16, 3.0), (15, 0.2),
              (14, 0.15), (13, 0.1), (12, 0.05), (11, 0.03), (10, 0.01),
              (25, 0.1), (26, 0.1), (27, 0.08), (28, 0.08), (29, 0.05),
              (30, 0.05), (31, 0.01), (32, 0.05)]
V6_LENGTHS = [(48, 50.0), (32, 10.0), (44, 8.0), (40, 6.0), (36, 4.0),
              (29, 2.0), (56, 10.0), (64, 8.0), (46, 2.0)]

V4_EXCLUDED = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
    "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/3")]
V6_EXCLUDED = [ipaddress.ip_network("2001:db8::/32")]

WEIGHTED_BLOCK = "198.18.0.0/16"
WEIGHTED_V4 = 64  # /24s in WEIGHTED_BLOCK, owner "ab", weights a:b = 1:3


def _h(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8)
                          .digest(), "big")


def owner_of(prefix: str) -> str:
    r = _h(prefix) % 100
    acc = 0
    for owner, share in zip(OWNERS, OWNER_SHARE):
        acc += share
        if r < acc:
            return owner
    return OWNERS[-1]


def aspath_of(prefix: str) -> list[int]:
    """One of 1000 AS paths (2-4 hops after the speaker's own AS)."""
    k = _h("as" + prefix) % 1000
    rnd = random.Random(k)
    return [64600 + k % 100] + [rnd.randrange(1000, 60000)
                                for _ in range(1 + k % 3)]


def _draw(rnd: random.Random, lengths, bits: int, base: int, span_bits: int):
    total = sum(w for _, w in lengths)
    r = rnd.random() * total
    for length, weight in lengths:
        r -= weight
        if r <= 0:
            break
    addr = base | rnd.getrandbits(span_bits)
    mask = ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return addr & mask, length


def _excluded4(addr: int, length: int) -> bool:
    net = ipaddress.IPv4Network((addr, length))
    return any(net.overlaps(x) for x in V4_EXCLUDED)


@dataclass
class Table:
    """prefix string -> owner, per family, plus a longest-prefix matcher."""

    v4: dict[str, str] = field(default_factory=dict)
    v6: dict[str, str] = field(default_factory=dict)

    def owners(self, family: int) -> dict[str, str]:
        return self.v4 if family == 4 else self.v6

    def by_owner(self, speaker: str, family: int) -> list[str]:
        """Prefixes speaker (a, b or c) announces."""
        return [p for p, o in self.owners(family).items() if speaker in o]

    def lpm_index(self):
        """Per family and length: set of network ints, for lookups."""
        idx = {}
        for fam in (4, 6):
            per_len: dict[int, dict[int, str]] = {}
            for p, o in self.owners(fam).items():
                n = ipaddress.ip_network(p)
                per_len.setdefault(n.prefixlen, {})[
                    int(n.network_address)] = o
            idx[fam] = sorted(per_len.items(), reverse=True)
        return idx


def lookup(index, addr: str) -> tuple[str, str] | None:
    """(prefix, owner) of the longest match for addr, or None."""
    a = ipaddress.ip_address(addr)
    fam = 4 if a.version == 4 else 6
    bits = 32 if fam == 4 else 128
    x = int(a)
    for length, nets in index[fam]:
        key = x & (((1 << bits) - 1) ^ ((1 << (bits - length)) - 1))
        owner = nets.get(key)
        if owner is not None:
            return f"{ipaddress.ip_address(key)}/{length}", owner
    return None


def generate(n4: int, n6: int, seed: int = 1) -> Table:
    rnd = random.Random(seed)
    t = Table()
    weighted = ipaddress.ip_network(WEIGHTED_BLOCK)
    for i, sub in enumerate(weighted.subnets(new_prefix=24)):
        if i == WEIGHTED_V4:
            break
        t.v4[str(sub)] = "ab"
    while len(t.v4) < n4:
        addr, length = _draw(rnd, V4_LENGTHS, 32, 0, 32)
        if _excluded4(addr, length):
            continue
        p = f"{ipaddress.IPv4Address(addr)}/{length}"
        if p not in t.v4:
            t.v4[p] = owner_of(p)
    while len(t.v6) < n6:
        addr, length = _draw(rnd, V6_LENGTHS, 128, 0x2 << 124, 124)
        net = ipaddress.IPv6Network((addr, length))
        if any(net.overlaps(x) for x in V6_EXCLUDED):
            continue
        p = str(net)
        if p not in t.v6:
            t.v6[p] = owner_of(p)
    return t


def sample_addresses(t: Table, family: int, count: int,
                     seed: int = 7) -> list[str]:
    """count destinations spread over the table: a random address inside
    randomly chosen prefixes (its longest match may be a more specific
    prefix; the model decides where it must go)."""
    rnd = random.Random(seed * 31 + family)
    prefixes = sorted(t.owners(family))
    out = []
    for p in rnd.sample(prefixes, min(count, len(prefixes))):
        n = ipaddress.ip_network(p)
        host_bits = n.max_prefixlen - n.prefixlen
        off = rnd.getrandbits(host_bits) if host_bits else 0
        if family == 4 and host_bits >= 2:
            off = off or 1  # not the network address ...
            if off == (1 << host_bits) - 1:
                off -= 1    # ... nor the broadcast-looking last one
        out.append(str(n.network_address + off))
    return out


# --------------------------------------------------------------------------
# MRT TABLE_DUMP_V2

MRT_TABLE_DUMP_V2 = 13
PEER_INDEX_TABLE = 1
RIB_IPV4_UNICAST = 2
RIB_IPV6_UNICAST = 4


def _mrt(subtype: int, body: bytes, ts: int) -> bytes:
    return struct.pack("!IHHI", ts, MRT_TABLE_DUMP_V2, subtype,
                       len(body)) + body


def _attr(flags: int, code: int, value: bytes) -> bytes:
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def linkbw_community(asn: int, bytes_per_s: float) -> bytes:
    """Link-bandwidth extended community (transitive, two-octet AS
    specific, subtype 4; draft-ietf-idr-link-bandwidth): what bgpd turns
    into next hop weights for multipath."""
    return struct.pack("!BBHf", 0x00, 0x04, asn & 0xffff, bytes_per_s)


def _attrs(prefix: str, nexthop: str, v6: bool,
           ecomm: bytes = b"") -> bytes:
    path = aspath_of(prefix)
    out = _attr(0x40, 1, b"\x00")  # ORIGIN IGP
    out += _attr(0x40, 2, struct.pack("!BB", 2, len(path)) +
                 b"".join(struct.pack("!I", a) for a in path))  # 4-byte ASes
    if ecomm:
        out += _attr(0xc0, 16, ecomm)  # EXTENDED COMMUNITIES
    if v6:
        nh = ipaddress.IPv6Address(nexthop).packed
        # full MP_REACH_NLRI without NLRI: what gobgp's MRT reader parses
        # (not RFC 6396's abbreviated form)
        out += _attr(0x80, 14, struct.pack("!HBB", 2, 1, len(nh)) + nh +
                     b"\x00")
    else:
        out += _attr(0x40, 3, ipaddress.IPv4Address(nexthop).packed)
    return out


def write_mrt(path: str, prefixes4: list[str], prefixes6: list[str],
              nexthop4: str, nexthop6: str, peer_ip: str = "192.0.2.1",
              peer_as: int = 0, tail: int = 20000,
              linkbw: float = 0, linkbw_as: int = 65001) -> None:
    """One peer, one path per prefix.  Peer AS 0: gobgpd then takes the
    paths as its own, so `gobgp global rib del` withdraws them (with a peer
    AS they keep that peer as source and the CLI's delete misses them).

    gobgp 3.10's `mrt inject` closes its stream before gobgpd has taken
    the last records (measured: the last ~500 of 11k lost, a 1-record file
    injects nothing), so the file ends with `tail` records repeating the
    first ones: losing those changes nothing, applying them is a no-op.
    Check the RIB count after injecting anyway (inject_mrt in the lab).
    linkbw: bytes/s of a link-bandwidth community on the prefixes of
    WEIGHTED_BLOCK (weighted ECMP)."""
    weighted = ipaddress.ip_network(WEIGHTED_BLOCK)
    ecomm = linkbw_community(linkbw_as, linkbw) if linkbw else b""
    ts = int(time.time())
    peer = ipaddress.IPv4Address(peer_ip).packed
    body = peer + struct.pack("!H", 0) + struct.pack("!H", 1)
    body += bytes([0x02]) + peer + peer + struct.pack("!I", peer_as)
    with open(path, "wb") as f:
        f.write(_mrt(PEER_INDEX_TABLE, body, ts))
        seq = 0
        both = [(p, False) for p in prefixes4] + [(p, True) for p in prefixes6]
        n_rep = max(2000, min(len(both), tail)) if both else 0
        rep = [both[i % len(both)] for i in range(n_rep)]
        for prefixes, v6, nh, sub in ((prefixes4, False, nexthop4,
                                       RIB_IPV4_UNICAST),
                                      (prefixes6, True, nexthop6,
                                       RIB_IPV6_UNICAST),
                                      ([p for p, f in rep if not f], False,
                                       nexthop4, RIB_IPV4_UNICAST),
                                      ([p for p, f in rep if f], True,
                                       nexthop6, RIB_IPV6_UNICAST)):
            chunks = []
            for p in prefixes:
                n = ipaddress.ip_network(p)
                nbytes = (n.prefixlen + 7) // 8
                attrs = _attrs(p, nh, v6, ecomm if ecomm and not v6 and
                               n.subnet_of(weighted) else b"")
                entry = struct.pack("!HIH", 0, ts, len(attrs)) + attrs
                rec = (struct.pack("!IB", seq, n.prefixlen) +
                       n.network_address.packed[:nbytes] +
                       struct.pack("!H", 1) + entry)
                chunks.append(_mrt(sub, rec, ts))
                seq += 1
                if len(chunks) >= 4096:
                    f.write(b"".join(chunks))
                    chunks = []
            f.write(b"".join(chunks))
