// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet-fixture tests for bridging in the xdpfwd XDP datapath
 * (bpf/bridge.h and the bridge parts of bpf/xdpfwd.bpf.c, bpf/nexthop.h).
 *
 * As tests/datapath/test_datapath.c: a private network namespace with veth
 * ports, the real object loaded through its skeleton, maps filled as the
 * plugin fills them (ifaces with bridge-port flags, fdb, neighbours with
 * their resolved port, bridge adjacencies), frames fed through
 * BPF_PROG_TEST_RUN.  Each case gives the input frame, the expected
 * verdict, reason counter and per-interface counters, and the expected
 * output frame: the input itself when bridged or passed (a bridged frame
 * is never modified), one built from scratch when routed.  Some cases
 * change the maps first (an FDB entry moves, ages out, a port stops
 * forwarding), as the plugin does on a netlink notification.
 * The harness (reporting, namespace, map writes, counters, running)
 * is shared with the other fixture program: harness.c.
 *
 * Output: "ok N - ..." / "not ok N - ..." per check, then "P passed, F failed".
 * Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_BPF) and iproute2.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfwd_maps.h"
#include "bpf/xdpfwd.skel.h"
#include "harness.h"

/* ------------------------------------------------------------------ */
/* environment: bridge A with ports p1..p7, bridge B with q1, router
 * interface r1; the veths need not be enslaved for BPF_PROG_TEST_RUN,
 * the maps say what they are
 */

static int br_a, br_b;
static int p1, p2, p3;	/* ports of A: forwarding, enabled, in tx_ports */
static int p4;		/* port of A: forwarding, enabled, NOT in tx_ports */
static int p5;		/* port of A: in tx_ports, not forwarding (blocking) */
static int p6;		/* port of A: in tx_ports, xdpfwd not enabled */
static int p7;		/* port of A: MTU 1000 */
static int ph;		/* port of A in hairpin mode */
static int pnone;	/* no ifaces entry at all */
static int q1, q2;	/* ports of B */
static int r1;		/* routed interface, not a bridge port */
static int p2_peer;

static const __u8 BR_A_MAC[6] = { 0x02, 0, 0, 0, 0x0a, 0x00 };
static const __u8 BR_B_MAC[6] = { 0x02, 0, 0, 0, 0x0b, 0x00 };
static const __u8 R1_MAC[6] = { 0x02, 0, 0, 0, 0x0c, 0x01 };
static const __u8 GW_R1[6] = { 0x02, 0, 0, 0, 0x0c, 0xaa };
static const __u8 H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const __u8 H1B[6] = { 0x02, 0, 0, 0, 0x01, 0x02 }; /* also on p1 */
static const __u8 H2[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
static const __u8 H3[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };
static const __u8 H4[6] = { 0x02, 0, 0, 0, 0x04, 0x01 };
static const __u8 H5[6] = { 0x02, 0, 0, 0, 0x05, 0x01 };
static const __u8 H6[6] = { 0x02, 0, 0, 0, 0x06, 0x01 };
static const __u8 H7[6] = { 0x02, 0, 0, 0, 0x07, 0x01 };
static const __u8 HH[6] = { 0x02, 0, 0, 0, 0x08, 0x01 };  /* on ph */
static const __u8 HH2[6] = { 0x02, 0, 0, 0, 0x08, 0x02 }; /* on ph */
static const __u8 HQ[6] = { 0x02, 0, 0, 0, 0x09, 0x01 };  /* on q1, in B */
static const __u8 HX[6] = { 0x02, 0, 0, 0, 0x0e, 0x01 };  /* A's entry -> q1 */
static const __u8 HNONE[6] = { 0x02, 0, 0, 0, 0x0e, 0x02 }; /* -> pnone */
static const __u8 LOCAL_A[6] = { 0x02, 0, 0, 0, 0x0a, 0x55 }; /* local */
static const __u8 UNKNOWN[6] = { 0x02, 0, 0, 0, 0x0f, 0x0f };
static const __u8 BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 MCAST4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const __u8 MCAST6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const __u8 STP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const __u8 LACP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };
static const __u8 EAPOL[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x03 };
static const __u8 LLDP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const __u8 LL0F[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0f };
static const __u8 NOT_LL[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x10 };
static const __u8 ZERO[6] = { 0 };

static void setup_links(void)
{
	sh("ip link add xbra type bridge");
	sh("ip link add xbrb type bridge");
	br_a = ifidx("xbra");
	br_b = ifidx("xbrb");
	p1 = veth("xp1", "xp1p");
	p2 = veth("xp2", "xp2p");
	p2_peer = ifidx("xp2p");
	p3 = veth("xp3", "xp3p");
	p4 = veth("xp4", "xp4p");
	p5 = veth("xp5", "xp5p");
	p6 = veth("xp6", "xp6p");
	p7 = veth("xp7", "xp7p");
	ph = veth("xph", "xphp");
	pnone = veth("xpn", "xpnp");
	q1 = veth("xq1", "xq1p");
	q2 = veth("xq2", "xq2p");
	r1 = veth("xr1", "xr1p");
}

/* ------------------------------------------------------------------ */
/* maps, written as the plugin writes them */

#define F_EN XDPFWD_IF_F_ENABLED
#define F_PORT (XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_BRIDGE_PORT)
#define F_FWD (F_PORT | XDPFWD_IF_F_FORWARDING)

static struct xdpfwd_fdb_key fdb_key(int bridge, const __u8 *mac)
{
	struct xdpfwd_fdb_key k = { .bridge_ifindex = bridge };

	memcpy(k.mac, mac, 6);
	return k;
}

static void fdb_set(int bridge, const __u8 *mac, int port, __u32 flags)
{
	struct xdpfwd_fdb_key k = fdb_key(bridge, mac);
	struct xdpfwd_fdb v = { .port_ifindex = port, .flags = flags };

	upd(skel->maps.fdb, &k, sizeof(k), &v, sizeof(v));
}

static void fdb_del(int bridge, const __u8 *mac)
{
	struct xdpfwd_fdb_key k = fdb_key(bridge, mac);

	if (bpf_map__delete_elem(skel->maps.fdb, &k, sizeof(k), 0))
		die("fdb delete: %s", strerror(errno));
}

static bool fdb_get(int bridge, const __u8 *mac, struct xdpfwd_fdb *v)
{
	struct xdpfwd_fdb_key k = fdb_key(bridge, mac);

	return bpf_map__lookup_elem(skel->maps.fdb, &k, sizeof(k), v,
				    sizeof(*v), 0) == 0;
}

/* IPv4 FIB: a whole /16 block, one /24 entry of a block, or a /32 through
 * a tbl8 group (enough for these fixtures; test_fib4 tests the builder)
 */
static void fib4_block(const char *addr, int len, __u16 nhg)
{
	struct xdpfwd_fib4_block blk = {};
	struct in_addr ia;
	__u32 a, k;
	int i;

	inet_pton(AF_INET, addr, &ia);
	a = ntohl(ia.s_addr);
	k = a >> 16;
	bpf_map__lookup_elem(skel->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk),
			     0);
	for (i = 0; i < XDPFWD_FIB4_BLOCK; i++)
		if (len == 16 || i == (int)((a >> 8) & 0xff))
			blk.entry[i] = nhg;
	upd(skel->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk));
}

static void fib4_host(const char *addr, __u16 nhg, __u16 rest, __u32 group)
{
	struct xdpfwd_fib4_block blk = {}, g = {};
	struct in_addr ia;
	__u32 a, k;
	int i;

	inet_pton(AF_INET, addr, &ia);
	a = ntohl(ia.s_addr);
	for (i = 0; i < XDPFWD_FIB4_BLOCK; i++)
		g.entry[i] = rest;
	g.entry[a & 0xff] = nhg;
	upd(skel->maps.fib4_tbl8, &group, 4, &g, sizeof(g));
	k = a >> 16;
	bpf_map__lookup_elem(skel->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk),
			     0);
	blk.entry[(a >> 8) & 0xff] = XDPFWD_FIB4_EXT | group;
	upd(skel->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk));
}

enum {
	ADJ_R1 = 1,	/* gateway on r1 (not a bridge) */
	ADJ_BR_CONN,	/* connected on bridge A */
	ADJ_BR_GW3,	/* gateway behind A, learned on p3 */
	ADJ_BR_GW_UNK,	/* gateway behind A, MAC not in the FDB */
	ADJ_BR_GW4,	/* gateway behind A, learned on p4 (no tx) */
	ADJ_BR_INVALID, /* bridge A down */
};

enum {
	NHG_R1 = 10, NHG_BR_CONN, NHG_BR_GW3, NHG_BR_GW_UNK, NHG_BR_GW4,
	NHG_BR_INVALID,
	NHG_ECMP_R1_BR, /* ECMP: gateway on r1 and gateway behind A */
};

static void configure(void)
{
	const __u16 vr = XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED;
	const __u16 vb = XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_BRIDGE;

	/* ingress / egress interfaces: the router MAC of a port is its
	 * bridge's; the plugin writes the port's MTU
	 */
	set_iface(skel, p1, BR_A_MAC, F_FWD, br_a, 1500);
	set_iface(skel, p2, BR_A_MAC, F_FWD, br_a, 1500);
	set_iface(skel, p3, BR_A_MAC, F_FWD, br_a, 1500);
	set_iface(skel, p4, BR_A_MAC, F_FWD, br_a, 1500);
	set_iface(skel, p5, BR_A_MAC, F_PORT, br_a, 1500);
	set_iface(skel, p6, BR_A_MAC,
		  XDPFWD_IF_F_BRIDGE_PORT | XDPFWD_IF_F_FORWARDING, br_a, 1500);
	set_iface(skel, p7, BR_A_MAC, F_FWD, br_a, 1000);
	set_iface(skel, ph, BR_A_MAC, F_FWD | XDPFWD_IF_F_HAIRPIN, br_a,
		  1500);
	set_iface(skel, q1, BR_B_MAC, F_FWD, br_b, 1500);
	set_iface(skel, q2, BR_B_MAC, F_FWD, br_b, 1500);
	set_iface(skel, r1, R1_MAC, F_EN, 0, 0);
	set_tx(skel, p1);
	set_tx(skel, p2);
	set_tx(skel, p3);
	set_tx(skel, p5);
	set_tx(skel, p6);
	set_tx(skel, p7);
	set_tx(skel, ph);
	set_tx(skel, pnone);
	set_tx(skel, q1);
	set_tx(skel, q2);
	set_tx(skel, r1);

	/* the FDB of A and B */
	fdb_set(br_a, H1, p1, 0);
	fdb_set(br_a, H1B, p1, 0);
	fdb_set(br_a, H2, p2, 0);
	fdb_set(br_a, H3, p3, XDPFWD_FDB_F_STATIC);
	fdb_set(br_a, H4, p4, 0);
	fdb_set(br_a, H5, p5, 0);
	fdb_set(br_a, H6, p6, 0);
	fdb_set(br_a, H7, p7, XDPFWD_FDB_F_EXTERN);
	fdb_set(br_a, HH, ph, 0);
	fdb_set(br_a, HH2, ph, 0);
	fdb_set(br_a, HX, q1, 0);
	fdb_set(br_a, HNONE, pnone, 0);
	fdb_set(br_a, LOCAL_A, br_a, XDPFWD_FDB_F_LOCAL);
	fdb_set(br_a, BR_A_MAC, br_a, XDPFWD_FDB_F_LOCAL);
	fdb_set(br_b, HQ, q1, 0);
	fdb_set(br_b, H2, q2, 0); /* same MAC in both bridges */

	/* routing */
	set_adj(skel, ADJ_R1, r1, 1500, vr, R1_MAC, GW_R1);
	set_adj(skel, ADJ_BR_CONN, br_a, 1500, vb | XDPFWD_ADJ_F_CONNECTED,
		BR_A_MAC, NULL);
	set_adj(skel, ADJ_BR_GW3, p3, 1500, vb | XDPFWD_ADJ_F_RESOLVED,
		BR_A_MAC, H3);
	set_adj(skel, ADJ_BR_GW_UNK, 0, 1500, vb | XDPFWD_ADJ_F_RESOLVED,
		BR_A_MAC, UNKNOWN);
	set_adj(skel, ADJ_BR_GW4, p4, 1500, vb | XDPFWD_ADJ_F_RESOLVED,
		BR_A_MAC, H4);
	set_adj(skel, ADJ_BR_INVALID, p3, 1500,
		XDPFWD_ADJ_F_BRIDGE | XDPFWD_ADJ_F_RESOLVED, BR_A_MAC, H3);
	set_reserved_nhgs(skel);
	set_nhg1(NHG_R1, ADJ_R1);
	set_nhg1(NHG_BR_CONN, ADJ_BR_CONN);
	set_nhg1(NHG_BR_GW3, ADJ_BR_GW3);
	set_nhg1(NHG_BR_GW_UNK, ADJ_BR_GW_UNK);
	set_nhg1(NHG_BR_GW4, ADJ_BR_GW4);
	set_nhg1(NHG_BR_INVALID, ADJ_BR_INVALID);
	{
		/* its egresses as the plugin lists them: the L3 devices */
		struct xdpfwd_nhg g = {
			.type = XDPFWD_NHG_FORWARD, .nslots = 2,
			.slot = { ADJ_R1, ADJ_BR_GW3 }, .negress = 2,
			.egress = { r1, br_a },
			.egress_mask = (1ULL << (r1 & 63)) |
				       (1ULL << (br_a & 63)),
		};
		__u32 id = NHG_ECMP_R1_BR;

		upd(skel->maps.nhgs, &id, 4, &g, sizeof(g));
	}

	/* 10.10.0.0/24 is the subnet on bridge A, 10.10.0.1 the router */
	fib4_block("10.10.0.0", 24, NHG_BR_CONN);
	fib4_host("10.10.0.1", XDPFWD_NHG_ID_LOCAL, NHG_BR_CONN, 1);
	fib4_block("10.11.0.0", 16, NHG_BR_GW3);
	fib4_block("10.12.0.0", 16, NHG_BR_GW_UNK);
	fib4_block("10.13.0.0", 16, NHG_BR_GW4);
	fib4_block("10.14.0.0", 16, NHG_BR_INVALID);
	fib4_block("198.51.0.0", 16, NHG_R1);
	fib4_block("10.15.0.0", 16, NHG_ECMP_R1_BR);
	set_neigh4(br_a, "10.10.0.2", H2, p2);
	set_neigh4(br_a, "10.10.0.3", H3, 0);	/* MAC not in the FDB */
	set_neigh4(br_a, "10.10.0.4", H4, p4);	/* port without tx */
	set_neigh4(br_a, "10.10.0.5", ZERO, p2); /* unusable neighbour */
	set_neigh4(br_a, "10.10.0.8", HH, ph);
	route6_add("2001:db8:10::", 64, NHG_BR_CONN);
	route6_add("2001:db8:11::", 48, NHG_BR_GW3);
	route6_add("2001:db8:12::", 48, NHG_BR_GW_UNK);
	set_neigh6(br_a, "2001:db8:10::2", H2, p2);
	set_neigh6(br_a, "2001:db8:10::3", H3, 0);
}

/* ------------------------------------------------------------------ */
/* frames, built independently of the datapath */

enum kind { K_UDP4 = 0, K_UDP6, K_ARP, K_BPDU, K_ETHERTYPE, K_VLAN };

struct fspec {
	enum kind kind;
	const char *src, *dst;	/* IP addresses */
	int ttl;		/* 0: 64 */
	int l3len;		/* 0: 60 */
	__u16 ethertype;	/* K_ETHERTYPE */
};

/* @dec: TTL decrement of the expected routed frame */
static void build(const struct fspec *s, const __u8 *dmac, const __u8 *smac,
		  int dec, struct frame *f)
{
	int ttl = (s->ttl ? s->ttl : 64) - dec, l3 = s->l3len ? s->l3len : 60;
	__u8 *p = f->d, *ip;
	int off = 12, i;

	memset(f, 0, sizeof(*f));
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	switch (s->kind) {
	case K_BPDU:
		/* 802.3 length, LLC 42 42 03, config BPDU */
		put16(p + off, 38);
		p[14] = 0x42;
		p[15] = 0x42;
		p[16] = 0x03;
		for (i = 17; i < 52; i++)
			p[i] = (__u8)i;
		f->len = 60;
		return;
	case K_ARP:
		put16(p + off, 0x0806);
		put16(p + 14, 1);
		put16(p + 16, 0x0800);
		p[18] = 6;
		p[19] = 4;
		put16(p + 20, 2); /* reply */
		memcpy(p + 22, smac, 6);
		inet_pton(AF_INET, "10.10.0.2", p + 28);
		memcpy(p + 32, dmac, 6);
		inet_pton(AF_INET, "10.10.0.3", p + 38);
		f->len = 60;
		return;
	case K_ETHERTYPE:
		put16(p + off, s->ethertype);
		for (i = 14; i < 60; i++)
			p[i] = (__u8)(i * 7);
		f->len = 60;
		return;
	case K_VLAN:
		put16(p + off, 0x8100);
		put16(p + off + 2, 10);
		off += 4;
		/* IPv4 inside */
		__attribute__((fallthrough));
	case K_UDP4:
		put16(p + off, 0x0800);
		ip = p + off + 2;
		ip[0] = 0x45;
		put16(ip + 2, l3);
		put16(ip + 4, 0x1234);
		put16(ip + 6, 0x4000);
		ip[8] = ttl;
		ip[9] = IPPROTO_UDP;
		inet_pton(AF_INET, s->src ? s->src : "10.10.0.9", ip + 12);
		inet_pton(AF_INET, s->dst ? s->dst : "10.10.0.2", ip + 16);
		put16(ip + 20, 4000);
		put16(ip + 22, 5000);
		put16(ip + 24, l3 - 20);
		for (i = 28; i < l3; i++)
			ip[i] = (__u8)(i * 13);
		/* UDP checksum over pseudo header (TTL not part of it) */
		{
			__u32 ps = sum16(ip + 12, 8, 0) + IPPROTO_UDP + l3 - 20;
			__u16 c = ~fold(sum16(ip + 20, l3 - 20, ps));

			put16(ip + 26, c ? c : 0xffff);
		}
		put16(ip + 10, ~fold(sum16(ip, 20, 0)));
		f->len = off + 2 + l3;
		break;
	case K_UDP6:
		put16(p + off, 0x86dd);
		ip = p + off + 2;
		l3 = l3 < 48 ? 48 : l3;
		ip[0] = 0x60;
		put16(ip + 4, l3 - 40);
		ip[6] = IPPROTO_UDP;
		ip[7] = ttl;
		inet_pton(AF_INET6, s->src ? s->src : "2001:db8:10::9", ip + 8);
		inet_pton(AF_INET6, s->dst, ip + 24);
		put16(ip + 40, 4000);
		put16(ip + 42, 5000);
		put16(ip + 44, l3 - 40);
		for (i = 48; i < l3; i++)
			ip[i] = (__u8)(i * 13);
		{
			__u32 ps = sum16(ip + 8, 32, 0) + IPPROTO_UDP + l3 - 40;
			__u16 c = ~fold(sum16(ip + 40, l3 - 40, ps));

			put16(ip + 46, c ? c : 0xffff);
		}
		f->len = off + 2 + l3;
		break;
	}
	if (f->len < 60)
		f->len = 60;
}

/* ------------------------------------------------------------------ */
/* cases */

/* the interface counters and failure wording of this program */
static const struct ck_style ck = {
	.ifc = "port counters", .rx_bytes = false, .moved_by = false,
};

struct bcase {
	const char *desc;
	void (*pre)(void);	/* map changes before the frame */
	int *ingress;
	const __u8 *dmac, *smac;
	struct fspec s;
	int verdict, reason;
	int *egress;		/* REDIRECT: expected egress */
	const __u8 *rdmac, *rsmac; /* routed: rewrite (NULL: unmodified) */
};

static void run_case(const struct bcase *tc)
{
	struct frame in, exp;
	struct want w = {
		.verdict = tc->verdict, .reason = tc->reason,
		.egress = tc->egress ? *tc->egress : 0, .out = &exp,
	};

	if (tc->pre)
		tc->pre();
	build(&tc->s, tc->dmac, tc->smac, 0, &in);
	if (tc->rdmac)
		build(&tc->s, tc->rdmac, tc->rsmac, 1, &exp);
	else
		exp = in;
	report_case(tc->desc, run_want(*tc->ingress, &in, &w, &ck));
}

/* state changes, in the order the table runs them */
static void move_h2_to_p3(void) { fdb_set(br_a, H2, p3, 0); }
static void age_out_h2(void) { fdb_del(br_a, H2); }
static void relearn_h2(void) { fdb_set(br_a, H2, p2, 0); }
static void move_h1_to_p2(void) { fdb_set(br_a, H1, p2, 0); }
static void h1_back(void) { fdb_set(br_a, H1, p1, 0); }
static void h1_local(void) { fdb_set(br_a, H1, br_a, XDPFWD_FDB_F_LOCAL); }
static void p2_blocking(void)
{
	set_iface(skel, p2, BR_A_MAC, F_PORT, br_a, 1500);
}
static void p2_forwarding(void)
{
	set_iface(skel, p2, BR_A_MAC, F_FWD, br_a, 1500);
}
static void p2_no_tx(void) { del_tx(skel, p2); }
static void p2_tx(void) { set_tx(skel, p2); }
static void p2_other_bridge(void)
{
	set_iface(skel, p2, BR_A_MAC, F_FWD, br_b, 1500);
}
static void neigh_moves_to_p3(void) { set_neigh4(br_a, "10.10.0.2", H2, p3); }
static void neigh_port_unknown(void) { set_neigh4(br_a, "10.10.0.2", H2, 0); }
static void neigh_back(void) { set_neigh4(br_a, "10.10.0.2", H2, p2); }
static void adj_gw_moves_to_p2(void)
{
	set_adj(skel, ADJ_BR_GW3, p2, 1500, XDPFWD_ADJ_F_VALID |
		XDPFWD_ADJ_F_BRIDGE | XDPFWD_ADJ_F_RESOLVED, BR_A_MAC, H3);
}
static void h1_native(void)
{
	set_iface(skel, p1, BR_A_MAC, F_FWD | XDPFWD_IF_F_NATIVE, br_a, 1500);
}
static void p2_native(void)
{
	set_iface(skel, p2, BR_A_MAC, F_FWD | XDPFWD_IF_F_NATIVE, br_a, 1500);
}
static void h1_not_port(void) { set_iface(skel, p1, BR_A_MAC, F_EN, 0, 0); }
static void h1_port(void)
{
	set_iface(skel, p1, BR_A_MAC, F_FWD, br_a, 1500);
}
static void p1_fw_bridge(void)
{
	set_iface(skel, p1, BR_A_MAC, F_FWD | XDPFWD_IF_F_FW_BRIDGE, br_a,
		  1500);
}
static void p1_tc(void)
{
	set_iface(skel, p1, BR_A_MAC, F_FWD | XDPFWD_IF_F_TC, br_a, 1500);
}
static void p1_vlan_hw(void)
{
	set_iface(skel, p1, BR_A_MAC,
		  F_FWD | XDPFWD_IF_F_VLAN_HW | XDPFWD_IF_F_TC, br_a, 1500);
}
static void p2_tx_tc(void)
{
	set_iface(skel, p2, BR_A_MAC, F_FWD | XDPFWD_IF_F_TX_TC, br_a, 1500);
}
static void p2_tx_fw(void)
{
	set_iface(skel, p2, BR_A_MAC, F_FWD | XDPFWD_IF_F_TX_FW, br_a, 1500);
}

#define BRIDGED(e) XDP_REDIRECT, XDPFWD_R_BRIDGE_FWD, &(e), NULL, NULL
#define ROUTED4(e, dm, sm) XDP_REDIRECT, XDPFWD_R_FWD_V4, &(e), dm, sm
#define ROUTED6(e, dm, sm) XDP_REDIRECT, XDPFWD_R_FWD_V6, &(e), dm, sm
#define PASS(r) XDP_PASS, XDPFWD_R_PASS_##r
#define U4(...) { .kind = K_UDP4, __VA_ARGS__ }
#define U6(...) { .kind = K_UDP6, __VA_ARGS__ }

static const struct bcase cases[] = {
	/* known unicast */
	{ "known unicast H1 -> H2 bridged to p2, frame unmodified", NULL,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "known unicast H2 -> H1 bridged to p1", NULL,
	  &p2, H1, H2, U4(.src = "10.10.0.2", .dst = "10.10.0.9"),
	  BRIDGED(p1) },
	{ "known unicast to a static entry (H3 on p3)", NULL,
	  &p1, H3, H1, U4(), BRIDGED(p3) },
	{ "known unicast to an externally learned entry (H7 on p7)", NULL,
	  &p1, H7, H1, U4(), BRIDGED(p7) },
	{ "known unicast IPv6 bridged", NULL,
	  &p1, H2, H1, U6(.dst = "2001:db8:10::2"), BRIDGED(p2) },
	{ "known unicast ARP reply bridged", NULL,
	  &p1, H2, H1, { .kind = K_ARP }, BRIDGED(p2) },
	{ "known unicast, any ethertype (0x88b5) bridged", NULL,
	  &p1, H2, H1, { .kind = K_ETHERTYPE, .ethertype = 0x88b5 },
	  BRIDGED(p2) },
	{ "known unicast, TTL 1 bridged untouched (no L3 check)", NULL,
	  &p1, H2, H1, U4(.ttl = 1), BRIDGED(p2) },
	{ "known unicast, 1514-byte frame bridged", NULL,
	  &p1, H2, H1, U4(.l3len = 1500), BRIDGED(p2) },
	{ "FDB is per bridge: same MAC in B goes to q2", NULL,
	  &q1, H2, HQ, U4(), BRIDGED(q2) },
	/* unknown unicast */
	{ "unknown unicast -> kernel floods", NULL,
	  &p1, UNKNOWN, H1, U4(), PASS(BRIDGE_UNKNOWN) },
	{ "MAC known only in another bridge: unknown", NULL,
	  &p1, HQ, H1, U4(), PASS(BRIDGE_UNKNOWN) },
	/* flooding */
	{ "broadcast ARP request -> kernel floods", NULL,
	  &p1, BCAST, H1, { .kind = K_ARP }, PASS(BRIDGE_FLOOD) },
	{ "IPv4 multicast 01:00:5e -> kernel", NULL,
	  &p1, MCAST4, H1, U4(.dst = "224.0.0.251"), PASS(BRIDGE_FLOOD) },
	{ "IPv6 multicast 33:33 -> kernel", NULL,
	  &p1, MCAST6, H1, U6(.dst = "ff02::1"), PASS(BRIDGE_FLOOD) },
	{ "01:80:c2:00:00:10 is not link-local: multicast flood", NULL,
	  &p1, NOT_LL, H1, U4(), PASS(BRIDGE_FLOOD) },
	/* link-local control */
	{ "STP BPDU (01:80:c2:00:00:00) -> kernel", NULL,
	  &p1, STP, H1, { .kind = K_BPDU }, PASS(BRIDGE_CONTROL) },
	{ "LACP (01:80:c2:00:00:02) -> kernel", NULL,
	  &p1, LACP, H1, { .kind = K_ETHERTYPE, .ethertype = 0x8809 },
	  PASS(BRIDGE_CONTROL) },
	{ "802.1X (01:80:c2:00:00:03) -> kernel", NULL,
	  &p1, EAPOL, H1, { .kind = K_ETHERTYPE, .ethertype = 0x888e },
	  PASS(BRIDGE_CONTROL) },
	{ "LLDP (01:80:c2:00:00:0e) -> kernel", NULL,
	  &p1, LLDP, H1, { .kind = K_ETHERTYPE, .ethertype = 0x88cc },
	  PASS(BRIDGE_CONTROL) },
	{ "01:80:c2:00:00:0f -> kernel", NULL,
	  &p1, LL0F, H1, U4(), PASS(BRIDGE_CONTROL) },
	{ "BPDU on a blocking port -> kernel (control first)", NULL,
	  &p5, STP, H5, { .kind = K_BPDU }, PASS(BRIDGE_CONTROL) },
	{ "BPDU from an unknown source -> kernel (control first)", NULL,
	  &p1, STP, UNKNOWN, { .kind = K_BPDU }, PASS(BRIDGE_CONTROL) },
	/* port state */
	{ "known unicast on a port not forwarding -> kernel", NULL,
	  &p5, H2, H5, U4(), PASS(BRIDGE_STATE) },
	{ "to the router MAC on a port not forwarding -> kernel", NULL,
	  &p5, BR_A_MAC, H5, U4(.dst = "198.51.100.1"), PASS(BRIDGE_STATE) },
	{ "broadcast on a port not forwarding -> kernel (state)", NULL,
	  &p5, BCAST, H5, { .kind = K_ARP }, PASS(BRIDGE_STATE) },
	/* learning: the kernel must see sources it does not know here */
	{ "unknown source -> kernel learns", NULL,
	  &p1, H2, UNKNOWN, U4(), PASS(BRIDGE_LEARN) },
	{ "source learned on another port (moved) -> kernel", NULL,
	  &p3, H2, H1, U4(), PASS(BRIDGE_LEARN) },
	{ "source known only in another bridge -> kernel", NULL,
	  &p1, H2, HQ, U4(), PASS(BRIDGE_LEARN) },
	{ "source is a local address of the bridge -> kernel", NULL,
	  &p1, H2, LOCAL_A, U4(), PASS(BRIDGE_LEARN) },
	{ "source is the router MAC -> kernel", NULL,
	  &p1, H2, BR_A_MAC, U4(), PASS(BRIDGE_LEARN) },
	{ "unknown source to the router MAC -> kernel (learns first)", NULL,
	  &p1, BR_A_MAC, UNKNOWN, U4(.dst = "198.51.100.1"),
	  PASS(BRIDGE_LEARN) },
	/* local entries */
	{ "to a local FDB entry (not the router MAC) -> kernel", NULL,
	  &p1, LOCAL_A, H1, U4(), PASS(BRIDGE_LOCAL) },
	/* VLAN */
	{ "802.1Q-tagged known unicast -> kernel", NULL,
	  &p1, H2, H1, { .kind = K_VLAN }, PASS(VLAN) },
	/* hairpin */
	{ "destination on the ingress port: dropped as the bridge does", NULL,
	  &p1, H1B, H1, U4(), XDP_DROP, XDPFWD_R_DROP_HAIRPIN },
	{ "hairpin mode: forwarded back out of the ingress port", NULL,
	  &ph, HH2, HH, U4(), BRIDGED(ph) },
	{ "hairpin port to another port: bridged as usual", NULL,
	  &ph, H2, HH, U4(), BRIDGED(p2) },
	/* egress that cannot take the frame */
	{ "egress port not in tx_ports -> kernel", NULL,
	  &p1, H4, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress port not forwarding -> kernel", NULL,
	  &p1, H5, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress port without xdpfwd -> kernel", NULL,
	  &p1, H6, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress port of another bridge -> kernel", NULL,
	  &p1, HX, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress port without an ifaces entry -> kernel", NULL,
	  &p1, HNONE, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress MTU 1000: 1018-byte frame (+ tag room) bridged", NULL,
	  &p1, H7, H1, U4(.l3len = 1004), BRIDGED(p7) },
	{ "egress MTU 1000: 1019-byte frame -> kernel", NULL,
	  &p1, H7, H1, U4(.l3len = 1005), PASS(MTU) },
	/* moves, ageing, deletion, port state changes */
	{ "FDB entry moves to p3: next frame goes to p3", move_h2_to_p3,
	  &p1, H2, H1, U4(), BRIDGED(p3) },
	{ "FDB entry ages out / is deleted: unknown, kernel floods",
	  age_out_h2, &p1, H2, H1, U4(), PASS(BRIDGE_UNKNOWN) },
	{ "FDB entry learned again on p2: bridged to p2", relearn_h2,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "source moves to p2: its frames on p1 go to the kernel",
	  move_h1_to_p2, &p1, H2, H1, U4(), PASS(BRIDGE_LEARN) },
	{ "frames to the moved MAC follow it (to p2 from p3)", NULL,
	  &p3, H1, H3, U4(), BRIDGED(p2) },
	{ "moved MAC on its old port: same port as destination", NULL,
	  &p2, H1, H2, U4(), XDP_DROP, XDPFWD_R_DROP_HAIRPIN },
	{ "MAC becomes a local entry: kernel", h1_local,
	  &p3, H1, H3, U4(), PASS(BRIDGE_LOCAL) },
	{ "MAC back on p1: bridged again", h1_back,
	  &p3, H1, H3, U4(), BRIDGED(p1) },
	{ "egress port leaves forwarding state: kernel", p2_blocking,
	  &p1, H2, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "ingress port leaves forwarding state: kernel", NULL,
	  &p2, H1, H2, U4(), PASS(BRIDGE_STATE) },
	{ "port forwarding again: bridged", p2_forwarding,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "egress port removed from tx_ports: kernel", p2_no_tx,
	  &p1, H2, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress port back in tx_ports: bridged", p2_tx,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "egress port now in another bridge: kernel", p2_other_bridge,
	  &p1, H2, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "egress port back in its bridge: bridged", p2_forwarding,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "native-mode ingress, generic-mode egress port: kernel", h1_native,
	  &p1, H2, H1, U4(), PASS(BRIDGE_EGRESS) },
	{ "native-mode ingress and egress port: bridged", p2_native,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "generic-mode ingress, native-mode egress port: bridged", h1_port,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "egress port generic again: bridged", p2_forwarding,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	{ "ingress no longer a bridge port: routed rules (not ours)",
	  h1_not_port, &p1, H2, H1, U4(), PASS(NOT_OURS) },
	{ "ingress a bridge port again: bridged", h1_port,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	/* the bridge's netfilter and tc (the writer sets the flags) */
	{ "bridge-family rules / br_netfilter on the ingress port: kernel",
	  p1_fw_bridge, &p1, H2, H1, U4(), PASS(FIREWALL) },
	{ "same port, to the router MAC: kernel too", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "198.51.100.7"), PASS(FIREWALL) },
	{ "other ports not concerned: bridged", NULL,
	  &p2, H1, H2, U4(.src = "10.10.0.2", .dst = "10.10.0.9"),
	  BRIDGED(p1) },
	{ "tc on the ingress port: kernel", p1_tc,
	  &p1, H2, H1, U4(), PASS(TC) },
	{ "tc on the ingress port, router MAC: kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "198.51.100.7"), PASS(TC) },
	{ "a VLAN tag possibly metadata on the ingress port: kernel, first (the kernel bridge keeps the tag, a redirect would lose it)",
	  p1_vlan_hw, &p1, H2, H1, U4(), PASS(VLAN_HW) },
	{ "same port, to the router MAC: kernel too", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "198.51.100.7"), PASS(VLAN_HW) },
	{ "a qdisc on the egress port: kernel", p2_tx_tc,
	  &p3, H2, H3, U4(), PASS(TC) },
	{ "a netdev egress chain on the egress port: kernel", p2_tx_fw,
	  &p3, H2, H3, U4(), PASS(FIREWALL) },
	{ "hooks gone from both ports: bridged again", p2_forwarding,
	  &p3, H2, H3, U4(), BRIDGED(p2) },
	{ "ingress port back to plain: bridged", h1_port,
	  &p1, H2, H1, U4(), BRIDGED(p2) },
	/* routing and bridging */
	{ "to the router MAC: routed out of a non-bridge interface", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "198.51.100.7"),
	  ROUTED4(r1, GW_R1, R1_MAC) },
	{ "to the router MAC: connected host on the bridge, port from the neighbour (from a routed interface)", NULL,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.2"),
	  ROUTED4(p2, H2, BR_A_MAC) },
	{ "router MAC, IPv6 connected on the bridge (from a routed interface)", NULL,
	  &r1, R1_MAC, GW_R1, U6(.src = "2001:db8:99::7", .dst = "2001:db8:10::2"),
	  ROUTED6(p2, H2, BR_A_MAC) },
	{ "router MAC, gateway behind the bridge: the adjacency's port (from a routed interface)", NULL,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.11.1.1"),
	  ROUTED4(p3, H3, BR_A_MAC) },
	{ "router MAC, IPv6 gateway behind the bridge (from a routed interface)", NULL,
	  &r1, R1_MAC, GW_R1, U6(.src = "2001:db8:99::7", .dst = "2001:db8:11::1"),
	  ROUTED6(p3, H3, BR_A_MAC) },
	{ "routed from a non-bridge interface into the bridge", NULL,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.2"),
	  ROUTED4(p2, H2, BR_A_MAC) },
	{ "routed from a bridge port back into its bridge -> kernel (it may redirect)",
	  NULL, &p2, BR_A_MAC, H2, U4(.dst = "10.10.0.2"), PASS(HAIRPIN) },
	{ "routed from a bridge port to another port of the bridge -> kernel",
	  NULL, &p1, BR_A_MAC, H1, U4(.dst = "10.10.0.2"), PASS(HAIRPIN) },
	{ "IPv6 routed from a bridge port into its bridge -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U6(.dst = "2001:db8:10::2"), PASS(HAIRPIN) },
	/* whichever member xdpfwd's hash picks (several flows): the
	 * kernel's may pick the bridge and redirect
	 */
	{ "ECMP with a member into the ingress's bridge -> kernel (flow 1)",
	  NULL, &p1, BR_A_MAC, H1, U4(.src = "10.10.0.21", .dst = "10.15.0.1"),
	  PASS(HAIRPIN) },
	{ "ECMP with a member into the ingress's bridge -> kernel (flow 2)",
	  NULL, &p1, BR_A_MAC, H1, U4(.src = "10.10.0.22", .dst = "10.15.0.2"),
	  PASS(HAIRPIN) },
	{ "ECMP with a member into the ingress's bridge -> kernel (flow 3)",
	  NULL, &p2, BR_A_MAC, H2, U4(.src = "10.10.0.23", .dst = "10.15.0.3"),
	  PASS(HAIRPIN) },
	{ "ECMP with a member into the ingress's bridge -> kernel (flow 4)",
	  NULL, &p2, BR_A_MAC, H2, U4(.src = "10.10.0.24", .dst = "10.15.0.4"),
	  PASS(HAIRPIN) },
	{ "router MAC, the router's own address -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.10.0.1"), PASS(LOCAL) },
	{ "router MAC, ARP -> kernel", NULL,
	  &p1, BR_A_MAC, H1, { .kind = K_ARP }, PASS(ETHERTYPE) },
	{ "router MAC, no route -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "203.0.113.1"), PASS(NO_ROUTE) },
	{ "router MAC, TTL 1 -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "198.51.100.7", .ttl = 1), PASS(TTL) },
	{ "router MAC, VLAN tag -> kernel", NULL,
	  &p1, BR_A_MAC, H1, { .kind = K_VLAN }, PASS(VLAN) },
	{ "connected on the bridge, MAC not in the FDB -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.10.0.3"), PASS(BRIDGE_UNKNOWN) },
	{ "IPv6 connected, MAC not in the FDB -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U6(.dst = "2001:db8:10::3"),
	  PASS(BRIDGE_UNKNOWN) },
	{ "connected on the bridge, neighbour unresolved -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.10.0.5"), PASS(NEIGH) },
	{ "connected on the bridge, no neighbour -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.10.0.6"), PASS(NEIGH) },
	{ "connected on the bridge, port cannot take redirects -> kernel",
	  NULL, &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.4"), PASS(EGRESS) },
	{ "gateway behind the bridge, MAC not in the FDB -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.12.1.1"), PASS(BRIDGE_UNKNOWN) },
	{ "IPv6 gateway behind the bridge, MAC not in the FDB -> kernel",
	  NULL, &p1, BR_A_MAC, H1, U6(.dst = "2001:db8:12::1"),
	  PASS(BRIDGE_UNKNOWN) },
	{ "gateway behind the bridge on a port without tx -> kernel", NULL,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.13.1.1"), PASS(EGRESS) },
	{ "bridge adjacency not valid (bridge down) -> kernel", NULL,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.14.1.1"), PASS(EGRESS) },
	{ "routed into a hairpin port (from a routed interface)", NULL,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.8"),
	  ROUTED4(ph, HH, BR_A_MAC) },
	{ "neighbour's MAC moves to p3: routed to p3 (from a routed interface)", neigh_moves_to_p3,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.2"),
	  ROUTED4(p3, H2, BR_A_MAC) },
	{ "neighbour's MAC ages out of the FDB: kernel", neigh_port_unknown,
	  &p1, BR_A_MAC, H1, U4(.dst = "10.10.0.2"), PASS(BRIDGE_UNKNOWN) },
	{ "neighbour's MAC learned again on p2: routed to p2 (from a routed interface)", neigh_back,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.2"),
	  ROUTED4(p2, H2, BR_A_MAC) },
	{ "gateway's MAC moves to p2: the adjacency follows (from a routed interface)", adj_gw_moves_to_p2,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.11.1.1"),
	  ROUTED4(p2, H3, BR_A_MAC) },
	{ "routed, egress port blocking (not in tx_ports) -> kernel",
	  p2_no_tx, &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.2"), PASS(EGRESS) },
	{ "routed, egress port back (from a routed interface)", p2_tx,
	  &r1, R1_MAC, GW_R1, U4(.src = "198.51.100.7", .dst = "10.10.0.2"),
	  ROUTED4(p2, H2, BR_A_MAC) },
	/* interfaces that are not bridge ports keep their rules */
	{ "non-bridge interface: frame to another MAC -> not ours", NULL,
	  &r1, H2, GW_R1, U4(), PASS(NOT_OURS) },
	{ "non-bridge interface: broadcast -> not ours", NULL,
	  &r1, BCAST, GW_R1, { .kind = K_ARP }, PASS(NOT_OURS) },
	{ "non-bridge interface: BPDU -> not ours", NULL,
	  &r1, STP, GW_R1, { .kind = K_BPDU }, PASS(NOT_OURS) },
	{ "bridge port without xdpfwd: disabled", NULL,
	  &p6, H2, H6, U4(), PASS(DISABLED) },
};

/* ------------------------------------------------------------------ */
/* activity: the datapath marks the source entry when it forwards */

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int send1(int ingress, const __u8 *dmac, const __u8 *smac,
		 const struct fspec *s)
{
	struct frame in, out;

	build(s, dmac, smac, 0, &in);
	return run(skel, ingress, &in, &out);
}

static void activity(void)
{
	struct fspec u = { .kind = K_UDP4 };
	struct fspec r = { .kind = K_UDP4, .dst = "198.51.100.7" };
	struct xdpfwd_fdb v, w;
	__u64 t0;

	/* reset H2's and H3's entries */
	fdb_set(br_a, H2, p2, 0);
	fdb_set(br_a, H3, p3, XDPFWD_FDB_F_STATIC);

	send1(p2, UNKNOWN, H2, &u);
	fdb_get(br_a, H2, &v);
	report(v.seen_ns == 0,
	       "activity: a frame passed to the kernel does not mark the source (seen %llu)",
	       (unsigned long long)v.seen_ns);

	t0 = mono_ns();
	send1(p2, H1, H2, &u);
	fdb_get(br_a, H2, &v);
	report(v.seen_ns && v.seen_ns <= mono_ns() + 20000000ULL &&
		       v.seen_ns + 20000000ULL >= t0,
	       "activity: a bridged frame marks its source with the monotonic time (%lld ms off)",
	       (long long)(v.seen_ns - t0) / 1000000);

	send1(p2, H1, H2, &u);
	fdb_get(br_a, H2, &w);
	report(w.seen_ns == v.seen_ns,
	       "activity: at most one store a second per entry");

	fdb_get(br_a, H1, &v);
	send1(p3, BR_A_MAC, H3, &r);
	fdb_get(br_a, H3, &w);
	report(w.seen_ns != 0,
	       "activity: a frame routed from a bridge port marks its source");
	fdb_get(br_a, H1, &w);
	report(w.seen_ns == v.seen_ns,
	       "activity: the destination's entry is not marked");
	fdb_get(br_a, H5, &v);
	send1(p5, H2, H5, &u);
	fdb_get(br_a, H5, &w);
	report(w.seen_ns == v.seen_ns && v.seen_ns == 0,
	       "activity: a frame on a blocking port does not mark its source");
	fdb_get(br_a, H1, &v);
	send1(p1, H1B, H1, &u);
	fdb_get(br_a, H1, &w);
	report(w.seen_ns == v.seen_ns,
	       "activity: a hairpin drop does not mark its source");
}

/* ------------------------------------------------------------------ */
/* a live frame: bridged from p1 into p2, arrives at p2's peer */

static void live(void)
{
	int fd = bpf_program__fd(skel->progs.xdpfwd_main), err = 0, i;
	struct fspec u = { .kind = K_UDP4 };
	struct xdpfwd_if_counters a, b;
	struct frame in;

	/* a veth takes XDP frames when its peer runs XDP: the program on
	 * p2's peer counts the arriving frame (not enabled there)
	 */
	err = bpf_xdp_attach(p2_peer, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		report(false, "live: attach to p2's peer: %s", strerror(-err));
		return;
	}
	build(&u, H2, H1, 0, &in);
	read_ifc(skel, p2_peer, &a);
	err = run_live(skel, p1, &in);
	for (i = 0; i < 100; i++) {
		read_ifc(skel, p2_peer, &b);
		if (b.rx_pass_packets != a.rx_pass_packets)
			break;
		usleep(10000);
	}
	report(!err && b.rx_pass_packets == a.rx_pass_packets + 1,
	       "live: a frame bridged from p1 really leaves through p2 (err %d)",
	       err);
	bpf_xdp_detach(p2_peer, XDP_FLAGS_DRV_MODE, NULL);
}

/* informational: program run time per frame (BPF_PROG_TEST_RUN repeat) */
static void timing(const char *what, int ingress, const __u8 *dmac,
		   const __u8 *smac, const struct fspec *s)
{
	struct frame in, out;
	struct xdp_md ctx = { .ingress_ifindex = ingress };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.d, .data_out = out.d,
		    .data_size_out = sizeof(out.d), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 200000);

	build(s, dmac, smac, 0, &in);
	ctx.data_end = in.len;
	o.data_size_in = in.len;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdpfwd_main),
				   &o) == 0)
		printf("# %s: %u ns per frame (verdict %s)\n", what, o.duration,
		       verdict_name(o.retval));
}

int main(void)
{
	unsigned int i;

	harness_init();
	setup_links();
	load_skel(xdpfwd_bpf__open(),
		  "object with the FDB map passes the verifier and loads");
	configure();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	activity();
	{
		/* (not routed frames: the repeated buffer keeps its
		 * decremented TTL)
		 */
		struct fspec u = { .kind = K_UDP4 };

		timing("bridged", p1, H2, H1, &u);
		timing("unknown unicast (pass)", p1, UNKNOWN, H1, &u);
	}
	live();
	return harness_done();
}
