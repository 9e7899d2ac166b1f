// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet-fixture tests for the xdpfwd XDP datapath (bpf/xdpfwd.bpf.c).
 *
 * Runs in its own anonymous network namespace (unshare), creates veth
 * pairs there, loads the real object through its skeleton (so the
 * verifier of the running kernel checks it), fills the maps as the plugin
 * would, and feeds frames through BPF_PROG_TEST_RUN.  Each case gives the
 * input frame, the expected verdict and reason counter, and the expected
 * output frame, which is built here from scratch (checksums included),
 * never derived from what the datapath did.
 * The harness (reporting, namespace, map writes, counters, running)
 * is shared with the other fixture program: harness.c.
 *
 * Output: "ok N - ..." / "not ok N - ..." per check, then "P passed, F failed".
 * Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_BPF) and iproute2.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include <linux/capability.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfwd_maps.h"
#include "bpf/xdpfwd.skel.h"
#include "plugin/lib/ctnl.h"
#include "harness.h"

/* ------------------------------------------------------------------ */
/* environment */

static int if_in;	/* enabled ingress */
static int if_in2;	/* second enabled ingress (other MAC) */
static int if_nofwd4;	/* ingress whose IPv4 forwarding is off */
static int if_nofwd6;	/* ingress seeing IPv6 forwarding off */
static int if_rpf;	/* ingress with rp_filter on */
static int if_rules;	/* ingress seeing IPv4 policy rules */
static int if_native;	/* ingress attached in native mode */
static int if_fw4;	/* ingress whose IPv4 routed traffic meets a firewall */
static int if_fw6;	/* ingress whose IPv6 routed traffic meets one */
static int if_fw_nofwd;	/* firewall and IPv4 forwarding off */
static int if_tc;	/* ingress with an ingress/clsact qdisc */
static int if_ct;	/* ingress in conntrack mode, both families */
static int if_vlanhw;	/* ingress where a VLAN tag may be metadata */
static int if_dis;	/* ingress present in ifaces but not enabled */
static int if_none;	/* ingress with no ifaces entry at all */
static int if_gwa;	/* egress A, in tx_ports */
static int if_gwa_peer;
static int if_gwb;	/* egress B, in tx_ports */
static int if_notx;	/* egress not in tx_ports */

static const __u8 MAC_IN[6] = { 0x02, 0, 0, 0, 0x00, 0x01 };
static const __u8 MAC_IN2[6] = { 0x02, 0, 0, 0, 0x00, 0x02 };
static const __u8 MAC_PEER[6] = { 0x02, 0, 0, 0, 0x0a, 0x01 };
static const __u8 MAC_OTHER[6] = { 0x02, 0, 0, 0, 0x0b, 0x07 };
static const __u8 MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 MAC_MCAST4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
static const __u8 MAC_MCAST6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
/* our MACs on A and B */
static const __u8 MAC_S1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const __u8 MAC_S2[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
static const __u8 MAC_S3[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };
static const __u8 MAC_GWA[6] = { 0x02, 0, 0, 0, 0x01, 0xaa };
static const __u8 MAC_GWB[6] = { 0x02, 0, 0, 0, 0x02, 0xbb };
static const __u8 MAC_N4[6] = { 0x02, 0, 0, 0, 0x02, 0x05 };
static const __u8 MAC_N6[6] = { 0x02, 0, 0, 0, 0x02, 0x06 };
static const __u8 MAC_ZERO[6] = { 0 };
static const __u8 MAC_L8[6] = { 0x02, 0, 0, 0, 0x08, 0x08 };
static const __u8 MAC_L16[6] = { 0x02, 0, 0, 0, 0x08, 0x16 };
static const __u8 MAC_L24[6] = { 0x02, 0, 0, 0, 0x08, 0x24 };
static const __u8 MAC_L25[6] = { 0x02, 0, 0, 0, 0x08, 0x25 };
static const __u8 MAC_L32[6] = { 0x02, 0, 0, 0, 0x08, 0x32 };
static const __u8 MAC_DEF[6] = { 0x02, 0, 0, 0, 0x08, 0x00 };

static void setup_links(void)
{
	if_in = veth("xin0", "xin0p");
	if_in2 = veth("xin1", "xin1p");
	if_nofwd4 = veth("xnf4", "xnf4p");
	if_nofwd6 = veth("xnf6", "xnf6p");
	if_rpf = veth("xrpf", "xrpfp");
	if_rules = veth("xrul", "xrulp");
	if_native = veth("xnat", "xnatp");
	if_fw4 = veth("xfw4", "xfw4p");
	if_fw6 = veth("xfw6", "xfw6p");
	if_fw_nofwd = veth("xfwn", "xfwnp");
	if_tc = veth("xtc", "xtcp");
	if_ct = veth("xct", "xctp");
	if_vlanhw = veth("xvhw", "xvhwp");
	if_dis = veth("xdis0", "xdis0p");
	if_none = veth("xnone0", "xnone0p");
	if_gwa = veth("xgwa0", "xgwa0p");
	if_gwa_peer = if_nametoindex("xgwa0p");
	if_gwb = veth("xgwb0", "xgwb0p");
	if_notx = veth("xnotx0", "xnotx0p");
}

/* ------------------------------------------------------------------ */
/* maps */

/*
 * A small DIR-24-8 builder writing the mmapped arrays the way the plugin
 * does (plain stores, a tbl8 group filled before tbl24 points to it), with
 * shadow depths so that routes can be added in any order.
 */
static __u16 *tbl24, *tbl8;
static __u8 *depth24, *depth8;
static unsigned int tbl8_next;

static void fib4_init(void)
{
	tbl24 = map_mmap(skel->maps.fib4_tbl24);
	tbl8 = map_mmap(skel->maps.fib4_tbl8);
	depth24 = calloc(1u << 24, 1);
	depth8 = calloc((size_t)XDPFWD_TBL8_GROUPS * 256, 1);
	if (!depth24 || !depth8)
		die("calloc");
}

static void fib4_add(const char *pfx, int len, __u16 nh)
{
	__u32 a, i, first, count;
	__u8 d = len + 1; /* 0 is "no route" */
	struct in_addr ia;

	if (inet_pton(AF_INET, pfx, &ia) != 1)
		die("bad prefix %s", pfx);
	a = ntohl(ia.s_addr);
	if (len < 32)
		a &= ~(0xffffffffu >> len);

	if (len <= 24) {
		first = a >> 8;
		count = 1u << (24 - len);
		for (i = first; i < first + count; i++) {
			if (tbl24[i] & XDPFWD_FIB4_EXT) {
				__u32 g = tbl24[i] & XDPFWD_FIB4_VAL_MASK, j;

				for (j = 0; j < 256; j++) {
					if (depth8[g * 256 + j] <= d) {
						depth8[g * 256 + j] = d;
						tbl8[g * 256 + j] = nh;
					}
				}
			} else if (depth24[i] <= d) {
				depth24[i] = d;
				tbl24[i] = nh;
			}
		}
		return;
	}

	i = a >> 8;
	if (!(tbl24[i] & XDPFWD_FIB4_EXT)) {
		__u32 g = tbl8_next++, j;

		if (g >= XDPFWD_TBL8_GROUPS)
			die("tbl8 full");
		for (j = 0; j < 256; j++) {
			tbl8[g * 256 + j] = tbl24[i];
			depth8[g * 256 + j] = depth24[i];
		}
		__atomic_thread_fence(__ATOMIC_RELEASE);
		tbl24[i] = XDPFWD_FIB4_EXT | g;
	}
	{
		__u32 g = tbl24[i] & XDPFWD_FIB4_VAL_MASK, j;

		first = a & 0xff;
		count = 1u << (32 - len);
		for (j = first; j < first + count; j++) {
			if (depth8[g * 256 + j] <= d) {
				depth8[g * 256 + j] = d;
				tbl8[g * 256 + j] = nh;
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* frame construction, independent of the datapath */

struct pspec {
	int af;			/* 4 or 6 */
	const char *src, *dst;	/* NULL: default source */
	int ttl;		/* TTL / hop limit, 0: 64 */
	int proto;		/* 0: UDP */
	__u16 sport, dport;
	int payload;		/* L4 payload bytes */
	int l3len;		/* if set: payload sized to this L3 length */
	int fragment;		/* IPv4: MF/offset; IPv6: Fragment header */
	int frag_mf, frag_off;	/* offset in 8-byte units */
	__u16 id;
	int opts;		/* IPv4 option bytes (multiple of 4) */
	int version;		/* override the version nibble */
	int ihl;		/* override IHL */
	int len_delta;		/* added to tot_len / payload_len */
	int bad_csum;
	int csum_ffff;		/* send a zero checksum as 0xffff */
	int hbh;		/* IPv6 hop-by-hop header */
	int vlan;		/* tag TPID: 0x8100 / 0x88a8 */
	int ethertype;		/* non-IP frame with this ethertype */
	int arp;		/* ARP request */
	int trunc;		/* cut the frame to this length */
	int trailer;		/* bytes after the L3 packet */
	const __u8 *dmac;	/* NULL: MAC of the ingress */
	int seed;
	int tcp_flags;		/* 0: PSH|ACK */
};

static int l4_hdr_len(int proto)
{
	switch (proto) {
	case IPPROTO_UDP: return 8;
	case IPPROTO_TCP: return 20;
	case IPPROTO_ICMP: return 8;
	case IPPROTO_ICMPV6: return 8;
	default: return 0;
	}
}

/* L4 header (checksum 0) and payload; returns length */
static int put_l4(__u8 *p, const struct pspec *s, int proto, int with_hdr,
		  int paylen)
{
	int hl = with_hdr ? l4_hdr_len(proto) : 0, i;

	memset(p, 0, hl);
	if (with_hdr) {
		switch (proto) {
		case IPPROTO_UDP:
			put16(p, s->sport);
			put16(p + 2, s->dport);
			put16(p + 4, 8 + paylen);
			break;
		case IPPROTO_TCP:
			put16(p, s->sport);
			put16(p + 2, s->dport);
			p[4] = 0x11; p[5] = 0x22; p[6] = 0x33; p[7] = 0x44;
			p[12] = 5 << 4;
			p[13] = s->tcp_flags ? s->tcp_flags : 0x18;
			put16(p + 14, 0xffff);
			break;
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6:
			p[0] = proto == IPPROTO_ICMP ? 8 : 128;
			put16(p + 4, s->sport);
			put16(p + 6, s->dport);
			break;
		}
	}
	for (i = 0; i < paylen; i++)
		p[hl + i] = (__u8)(i * 31 + s->seed + 7);
	return hl + paylen;
}

static int l4_csum_off(int proto)
{
	switch (proto) {
	case IPPROTO_UDP: return 6;
	case IPPROTO_TCP: return 16;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: return 2;
	default: return -1;
	}
}

static __u32 pseudo4(const __u8 *ip, int proto, int l4len)
{
	__u32 s = sum16(ip + 12, 8, 0);

	return s + proto + l4len;
}

static __u32 pseudo6(const __u8 *ip6, int proto, int l4len)
{
	__u32 s = sum16(ip6 + 8, 32, 0);

	return s + (l4len >> 16) + (l4len & 0xffff) + proto;
}

static void fill_l4_csum(__u8 *l4, int proto, int l4len, __u32 pseudo)
{
	int off = l4_csum_off(proto);
	__u16 c;

	if (off < 0)
		return;
	if (proto == IPPROTO_ICMP)
		pseudo = 0;
	c = ~fold(sum16(l4, l4len, pseudo));
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(l4 + off, c);
}

static __u16 ipv4_csum(const __u8 *ip, int hl)
{
	__u8 h[60];

	memcpy(h, ip, hl);
	h[10] = h[11] = 0;
	return ~fold(sum16(h, hl, 0));
}

/*
 * Frame for @s with Ethernet @dmac/@smac and TTL lowered by @dec: the
 * input frame (dec 0) or the expected forwarded frame (dec 1).
 */
/*
 * @dec: the frame as forwarded (TTL / hop limit decremented and, as the
 * kernel's ip_rcv()/ipv6_rcv() trim them, no bytes after the IP packet:
 * neither a trailer nor Ethernet padding)
 */
static void build(const struct pspec *s, const __u8 *dmac, const __u8 *smac,
		  int dec, struct frame *f)
{
	int proto = s->proto ? s->proto : IPPROTO_UDP;
	int ttl = (s->ttl ? s->ttl : 64) - dec;
	__u8 *p = f->d;
	int off, i;

	memset(f, 0, sizeof(*f));
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	off = 12;
	if (s->vlan) {
		put16(p + off, s->vlan);
		put16(p + off + 2, 100);
		off += 4;
	}
	if (s->arp) {
		put16(p + off, 0x0806);
		off += 2;
		put16(p + off, 1);
		put16(p + off + 2, 0x0800);
		p[off + 4] = 6;
		p[off + 5] = 4;
		put16(p + off + 6, 1);
		memcpy(p + off + 8, smac, 6);
		inet_pton(AF_INET, "10.9.9.1", p + off + 14);
		inet_pton(AF_INET, "10.9.9.2", p + off + 24);
		f->len = 60;
		goto out;
	}
	if (s->ethertype) {
		put16(p + off, s->ethertype);
		off += 2;
		for (i = 0; i < 46; i++)
			p[off + i] = i;
		f->len = off + 46;
		goto out;
	}

	if (s->af == 4) {
		int hl = 20 + s->opts, frag_later, l4len, paylen;
		__u8 *ip;

		put16(p + off, 0x0800);
		off += 2;
		ip = p + off;
		frag_later = s->fragment && s->frag_off;
		paylen = s->payload;
		if (s->l3len)
			paylen = s->l3len - hl -
				 (frag_later ? 0 : l4_hdr_len(proto));
		l4len = put_l4(ip + hl, s, proto, !frag_later, paylen);
		ip[0] = ((s->version ? s->version : 4) << 4) |
			(s->ihl ? s->ihl : hl / 4);
		put16(ip + 2, hl + l4len + s->len_delta);
		put16(ip + 4, s->id ? s->id : 0x4242);
		if (s->fragment)
			put16(ip + 6, (s->frag_mf ? 0x2000 : 0) | s->frag_off);
		else
			put16(ip + 6, 0x4000); /* DF */
		ip[8] = ttl;
		ip[9] = proto;
		inet_pton(AF_INET, s->src ? s->src : "10.1.2.3", ip + 12);
		inet_pton(AF_INET, s->dst, ip + 16);
		for (i = 0; i < s->opts; i++)
			ip[20 + i] = 1; /* NOP */
		if (!s->fragment)
			fill_l4_csum(ip + hl, proto, l4len,
				     pseudo4(ip, proto, l4len));
		{
			__u16 c = ipv4_csum(ip, hl);

			if (s->csum_ffff && c == 0)
				c = 0xffff;
			if (s->bad_csum)
				c ^= 0x5a5a;
			put16(ip + 10, c);
		}
		off += hl + l4len;
	} else {
		int ext = (s->hbh ? 8 : 0) + (s->fragment ? 8 : 0);
		int frag_later = s->fragment && s->frag_off, l4len, paylen;
		__u8 *ip = p + off + 2, *e;

		put16(p + off, 0x86dd);
		off += 2;
		paylen = s->payload;
		if (s->l3len)
			paylen = s->l3len - 40 - ext -
				 (frag_later ? 0 : l4_hdr_len(proto));
		l4len = put_l4(ip + 40 + ext, s, proto, !frag_later, paylen);
		ip[0] = (s->version ? s->version : 6) << 4;
		ip[1] = 0x01; /* flow label 0x12345 */
		ip[2] = 0x23;
		ip[3] = 0x45;
		put16(ip + 4, ext + l4len + s->len_delta);
		ip[7] = ttl;
		inet_pton(AF_INET6, s->src ? s->src : "2001:db8:1::3", ip + 8);
		inet_pton(AF_INET6, s->dst, ip + 24);
		e = ip + 40;
		ip[6] = s->hbh ? 0 : s->fragment ? 44 : proto;
		if (s->hbh) {
			e[0] = s->fragment ? 44 : proto;
			e[1] = 0;
			e[2] = 1; /* PadN */
			e[3] = 4;
			e += 8;
		}
		if (s->fragment) {
			e[0] = proto;
			put16(e + 2, (s->frag_off << 3) | (s->frag_mf ? 1 : 0));
			e[4] = 0xde; e[5] = 0xad; e[6] = 0xbe; e[7] = s->id;
		}
		if (!s->fragment)
			fill_l4_csum(ip + 40 + ext, proto, l4len,
				     pseudo6(ip, proto, l4len));
		off += 40 + ext + l4len;
	}
	if (dec) {
		f->len = off;
		goto out;
	}
	for (i = 0; i < s->trailer; i++)
		p[off + i] = 0xee;
	f->len = off + s->trailer;
	if (f->len < 60)
		f->len = 60; /* Ethernet minimum: padding */
out:
	if (s->trunc)
		f->len = s->trunc;
}

/* IPv4 header checksum from scratch and L4 checksums of a forwarded frame */
static bool check_sums(const struct frame *f)
{
	const __u8 *ip = f->d + 14;
	int et = get16(f->d + 12);

	if (et == 0x0800) {
		int hl = (ip[0] & 0xf) * 4, tot = get16(ip + 2);
		int proto = ip[9], frag = get16(ip + 6) & 0x3fff;

		if (ipv4_csum(ip, hl) != get16(ip + 10) ||
		    fold(sum16(ip, hl, 0)) != 0xffff) {
			set_why("IPv4 header checksum %04x, from scratch %04x",
				get16(ip + 10), ipv4_csum(ip, hl));
			return false;
		}
		if (!frag && l4_csum_off(proto) >= 0) {
			__u32 ps = proto == IPPROTO_ICMP ? 0 :
				   pseudo4(ip, proto, tot - hl);

			if (fold(sum16(ip + hl, tot - hl, ps)) != 0xffff) {
				set_why("L4 checksum invalid");
				return false;
			}
		}
	} else if (et == 0x86dd) {
		int proto = ip[6], plen = get16(ip + 4);

		if (l4_csum_off(proto) >= 0 &&
		    fold(sum16(ip + 40, plen, pseudo6(ip, proto, plen))) !=
			    0xffff) {
			set_why("L4 checksum invalid");
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* running */

struct tcase {
	const char *desc;
	int *ingress;		/* NULL: if_in */
	struct pspec s;
	int verdict;
	int reason;
	int *egress;		/* REDIRECT: expected egress */
	const __u8 *dmac;	/* REDIRECT: expected rewrite */
	const __u8 *smac;
};

/* the interface counters and failure wording of this program */
static const struct ck_style ck = {
	.ifc = "if_counters", .rx_bytes = true, .moved_by = true,
};

static void run_case(const struct tcase *tc)
{
	__u32 in_if = tc->ingress ? (__u32)*tc->ingress : (__u32)if_in;
	const __u8 *dmac = tc->s.dmac ? tc->s.dmac :
			   (in_if == (__u32)if_in2 ? MAC_IN2 : MAC_IN);
	struct frame in, exp;
	struct want w = {
		.verdict = tc->verdict, .reason = tc->reason,
		.egress = tc->egress ? (__u32)*tc->egress : 0, .out = &exp,
		.check = check_sums,
	};

	build(&tc->s, dmac, MAC_PEER, 0, &in);
	if (tc->verdict == XDP_REDIRECT)
		build(&tc->s, tc->dmac, tc->smac, 1, &exp);
	else
		exp = in;
	report_case(tc->desc, run_want(in_if, &in, &w, &ck));
}

/* ------------------------------------------------------------------ */
/* configuration */

enum {
	ADJ_GWA = 1,	/* gateway on A, resolved */
	ADJ_GWB,	/* gateway on B, resolved */
	ADJ_CONN,	/* connected on B, MAC from neigh maps */
	ADJ_UNRES,	/* gateway on A, not resolved */
	ADJ_INVALID,	/* not VALID */
	ADJ_NOTX,	/* egress not in tx_ports */
	ADJ_L8, ADJ_L16, ADJ_L24, ADJ_L25, ADJ_L32, ADJ_DEF,
	ADJ_MTU9000,	/* adj MTU above the frame: trailer case */
	ADJ_HAIRPIN,	/* back out of the ingress */
	ADJ_GWA_NATIVE,	/* gateway on A, A attached in native mode */
	ADJ_MTU6,	/* gateway on A, IPv6 MTU 1280 below the link's 1500 */
	ADJ_TC,		/* gateway on A, a qdisc on A */
	ADJ_FW,		/* gateway on A, a netdev egress chain on A */
	ADJ_TC_FW,	/* both */
};

enum {
	NHG_GWA = 10, NHG_CONN, NHG_UNRES, NHG_INVALID, NHG_NOTX,
	NHG_ZERO_SLOTS, NHG_TOO_MANY_SLOTS, NHG_NONE, NHG_UNUSED,
	NHG_ECMP2, NHG_ECMP31, NHG_GWB, NHG_HAIRPIN, NHG_GWA_NATIVE, NHG_MTU6, NHG_BADTYPE,
	NHG_L8 = 30, NHG_L16, NHG_L24, NHG_L25, NHG_L32, NHG_DEF,
	/* ECMP with a member back out of an ingress (ecmp_hairpin()) */
	NHG_ECMP_HP = 42, NHG_ECMP_COLLIDE, NHG_ECMP_MANY_HIT,
	NHG_ECMP_MANY_MISS,
};

static void configure(void)
{
	static const __u16 ecmp2[] = { ADJ_GWA, ADJ_GWB };
	/* weights 3:1 expanded into slots, interleaved as a builder might */
	static const __u16 ecmp31[] = { ADJ_GWA, ADJ_GWA, ADJ_GWB, ADJ_GWA };
	const __u16 vr = XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED;

	set_iface(skel, if_in, MAC_IN, XDPFWD_IF_F_ENABLED, 0, 0);
	set_iface(skel, if_in2, MAC_IN2, XDPFWD_IF_F_ENABLED, 0, 0);
	set_iface(skel, if_nofwd4, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_NO_FWD4, 0, 0);
	set_iface(skel, if_nofwd6, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_NO_FWD6, 0, 0);
	set_iface(skel, if_rpf, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_RPF4, 0, 0);
	set_iface(skel, if_rules, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_RULES4, 0, 0);
	set_iface(skel, if_native, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_NATIVE, 0, 0);
	set_iface(skel, if_fw4, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_FW4, 0, 0);
	set_iface(skel, if_fw6, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_FW6, 0, 0);
	set_iface(skel, if_fw_nofwd, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_FW4 | XDPFWD_IF_F_FW6 |
			  XDPFWD_IF_F_NO_FWD4,
		  0, 0);
	set_iface(skel, if_tc, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_TC | XDPFWD_IF_F_FW4, 0,
		  0);
	set_iface(skel, if_ct, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_CT4 | XDPFWD_IF_F_CT6, 0,
		  0);
	set_iface(skel, if_vlanhw, MAC_IN,
		  XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_VLAN_HW | XDPFWD_IF_F_TC |
			  XDPFWD_IF_F_NO_FWD4,
		  0, 0);
	set_iface(skel, if_dis, MAC_IN, 0, 0, 0);
	set_iface(skel, if_gwa, MAC_S1, XDPFWD_IF_F_ENABLED, 0, 0);
	set_iface(skel, if_gwb, MAC_S2, XDPFWD_IF_F_ENABLED, 0, 0);
	set_tx(skel, if_gwa);
	set_tx(skel, if_gwb);
	set_tx(skel, if_in);

	set_adj(skel, ADJ_GWA, if_gwa, 1500, vr, MAC_S1, MAC_GWA);
	set_adj(skel, ADJ_GWB, if_gwb, 1500, vr, MAC_S2, MAC_GWB);
	set_adj(skel, ADJ_CONN, if_gwb, 1500,
		XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_CONNECTED, MAC_S2, NULL);
	set_adj(skel, ADJ_UNRES, if_gwa, 1500, XDPFWD_ADJ_F_VALID, MAC_S1,
		MAC_GWA);
	set_adj(skel, ADJ_INVALID, if_gwa, 1500, XDPFWD_ADJ_F_RESOLVED, MAC_S1,
		MAC_GWA);
	set_adj(skel, ADJ_NOTX, if_notx, 1500, vr, MAC_S3, MAC_GWA);
	set_adj(skel, ADJ_L8, if_gwa, 1500, vr, MAC_S1, MAC_L8);
	set_adj(skel, ADJ_L16, if_gwa, 1500, vr, MAC_S1, MAC_L16);
	set_adj(skel, ADJ_L24, if_gwa, 1500, vr, MAC_S1, MAC_L24);
	set_adj(skel, ADJ_L25, if_gwa, 1500, vr, MAC_S1, MAC_L25);
	set_adj(skel, ADJ_L32, if_gwa, 1500, vr, MAC_S1, MAC_L32);
	set_adj(skel, ADJ_DEF, if_gwb, 1500, vr, MAC_S2, MAC_DEF);
	set_adj(skel, ADJ_MTU9000, if_gwa, 9000, vr, MAC_S1, MAC_GWA);
	set_adj(skel, ADJ_HAIRPIN, if_in, 1500, vr, MAC_IN, MAC_PEER);
	set_adj(skel, ADJ_GWA_NATIVE, if_gwa, 1500,
		vr | XDPFWD_ADJ_F_NATIVE_TX, MAC_S1, MAC_GWA);

	set_reserved_nhgs(skel);
	set_nhg1(NHG_GWA, ADJ_GWA);
	set_nhg1(NHG_GWB, ADJ_GWB);
	set_nhg1(NHG_CONN, ADJ_CONN);
	set_nhg1(NHG_UNRES, ADJ_UNRES);
	set_nhg1(NHG_INVALID, ADJ_INVALID);
	set_nhg1(NHG_NOTX, ADJ_NOTX);
	set_nhg1(NHG_HAIRPIN, ADJ_HAIRPIN);
	set_nhg1(NHG_GWA_NATIVE, ADJ_GWA_NATIVE);
	{
		struct xdpfwd_adj a = { .ifindex = if_gwa, .mtu = 1500,
					.mtu6 = 1280, .flags = vr };
		__u32 id = ADJ_MTU6;

		memcpy(a.smac, MAC_S1, 6);
		memcpy(a.dmac, MAC_GWA, 6);
		upd(skel->maps.adjs, &id, 4, &a, sizeof(a));
	}
	set_nhg1(NHG_MTU6, ADJ_MTU6);
	set_nhg(skel, NHG_ZERO_SLOTS, XDPFWD_NHG_FORWARD, 0, NULL);
	{
		struct xdpfwd_nhg g = { .type = XDPFWD_NHG_FORWARD,
					.nslots = XDPFWD_NHG_SLOTS + 1 };
		__u32 id = NHG_TOO_MANY_SLOTS;
		int i;

		for (i = 0; i < XDPFWD_NHG_SLOTS; i++)
			g.slot[i] = ADJ_GWA;
		upd(skel->maps.nhgs, &id, 4, &g, sizeof(g));
	}
	set_nhg(skel, NHG_NONE, XDPFWD_NHG_NONE, 1, ecmp2);
	set_nhg(skel, NHG_BADTYPE, 9, 1, ecmp2);
	set_nhg(skel, NHG_ECMP2, XDPFWD_NHG_FORWARD, 2, ecmp2);
	set_nhg(skel, NHG_ECMP31, XDPFWD_NHG_FORWARD, 4, ecmp31);
	set_nhg1(NHG_L8, ADJ_L8);
	set_nhg1(NHG_L16, ADJ_L16);
	set_nhg1(NHG_L24, ADJ_L24);
	set_nhg1(NHG_L25, ADJ_L25);
	set_nhg1(NHG_L32, ADJ_L32);
	set_nhg1(NHG_DEF, ADJ_DEF);
	set_nhg1(40, ADJ_MTU9000);
	set_nhg1(41, 60000); /* adjacency id never written: all zero */
	set_adj(skel, ADJ_TC, if_gwa, 1500, vr | XDPFWD_ADJ_F_TC, MAC_S1,
		MAC_GWA);
	set_adj(skel, ADJ_FW, if_gwa, 1500, vr | XDPFWD_ADJ_F_FW, MAC_S1,
		MAC_GWA);
	set_adj(skel, ADJ_TC_FW, if_gwa, 1500,
		vr | XDPFWD_ADJ_F_TC | XDPFWD_ADJ_F_FW, MAC_S1, MAC_GWA);
	set_nhg1(42, ADJ_TC);
	set_nhg1(43, ADJ_FW);
	set_nhg1(44, ADJ_TC_FW);

	set_neigh4(if_gwb, "10.20.0.5", MAC_N4, 0);
	set_neigh4(if_gwb, "10.20.0.7", MAC_ZERO, 0);
	set_neigh4(if_gwa, "10.20.0.8", MAC_N4, 0); /* other interface */
	set_neigh6(if_gwb, "2001:db8:20::5", MAC_N6, 0);
	set_neigh6(if_gwb, "2001:db8:20::7", MAC_ZERO, 0);
	set_neigh6(if_gwa, "2001:db8:20::8", MAC_N6, 0);

	fib4_init();
	fib4_add("192.0.2.1", 32, XDPFWD_NHG_ID_LOCAL);
	{
		/* the router's own address, as the plugin marks it */
		__be32 own;
		__u8 one = 1;

		inet_pton(AF_INET, "192.0.2.1", &own);
		upd(skel->maps.local4, &own, sizeof(own), &one, sizeof(one));
	}
	fib4_add("198.51.100.0", 24, NHG_GWA);
	fib4_add("10.20.0.0", 24, NHG_CONN);
	fib4_add("10.30.0.0", 16, NHG_UNRES);
	fib4_add("10.40.0.0", 16, NHG_INVALID);
	fib4_add("10.50.0.0", 16, NHG_NOTX);
	fib4_add("10.60.0.0", 16, NHG_ZERO_SLOTS);
	fib4_add("10.61.0.0", 16, NHG_TOO_MANY_SLOTS);
	fib4_add("10.62.0.0", 16, NHG_NONE);
	fib4_add("10.63.0.0", 16, NHG_UNUSED);
	fib4_add("10.64.0.0", 16, NHG_BADTYPE);
	fib4_add("10.65.0.0", 16, 41);
	fib4_add("10.70.0.0", 16, XDPFWD_NHG_ID_BLACKHOLE);
	fib4_add("10.71.0.0", 16, XDPFWD_NHG_ID_UNREACHABLE);
	fib4_add("10.72.0.0", 16, XDPFWD_NHG_ID_KERNEL);
	fib4_add("10.80.0.0", 16, NHG_ECMP2);
	fib4_add("10.81.0.0", 16, NHG_ECMP31);
	fib4_add("10.90.0.0", 16, 40);
	fib4_add("10.91.0.0", 16, NHG_HAIRPIN);
	fib4_add("10.95.0.0", 16, NHG_GWA_NATIVE);
	fib4_add("10.96.0.0", 16, NHG_MTU6);
	route6_add("2001:db8:96::", 48, NHG_MTU6);
	fib4_add("10.97.0.0", 16, 42);
	fib4_add("10.98.0.0", 16, 43);
	fib4_add("10.99.0.0", 16, 44);
	route6_add("2001:db8:97::", 48, 42);
	route6_add("2001:db8:98::", 48, 43);
	fib4_add("100.64.0.0", 10, NHG_GWB);
	/* LPM overlaps, added out of order on purpose */
	fib4_add("20.1.1.200", 32, NHG_L32);
	fib4_add("20.1.0.0", 16, NHG_L16);
	fib4_add("20.1.1.128", 25, NHG_L25);
	fib4_add("20.0.0.0", 8, NHG_L8);
	fib4_add("20.1.1.0", 24, NHG_L24);
	fib4_add("20.2.2.2", 32, NHG_L32);	/* /32 under the /8 only */
	fib4_add("20.3.3.0", 25, NHG_L25);	/* /25 under the /8 only */

	route6_add("2001:db8:ff::1", 128, XDPFWD_NHG_ID_LOCAL);
	route6_add("2001:db8:100::", 48, NHG_GWA);
	route6_add("2001:db8:20::", 64, NHG_CONN);
	route6_add("2001:db8:30::", 48, NHG_UNRES);
	route6_add("2001:db8:40::", 48, NHG_INVALID);
	route6_add("2001:db8:50::", 48, NHG_NOTX);
	route6_add("2001:db8:60::", 48, NHG_ZERO_SLOTS);
	route6_add("2001:db8:62::", 48, NHG_NONE);
	route6_add("2001:db8:63::", 48, NHG_UNUSED);
	route6_add("2001:db8:70::", 48, XDPFWD_NHG_ID_BLACKHOLE);
	route6_add("2001:db8:71::", 48, XDPFWD_NHG_ID_UNREACHABLE);
	route6_add("2001:db8:72::", 48, XDPFWD_NHG_ID_KERNEL);
	route6_add("2001:db8:80::", 48, NHG_ECMP2);
	route6_add("2001:db8:81::", 48, NHG_ECMP31);
	route6_add("2001:db8:90::", 48, 40);
	route6_add("fec0::", 10, NHG_GWB);	/* right next to fe80::/10 */
	route6_add("2001:db8:a000::", 36, NHG_L8);
	route6_add("2001:db8:a000::", 48, NHG_L16);
	route6_add("2001:db8:a000:1::", 64, NHG_L24);
	route6_add("2001:db8:a000:1::80", 121, NHG_L25);
	route6_add("2001:db8:a000:1::99", 128, NHG_L32);
}

/* ------------------------------------------------------------------ */
/* cases */

/*
 * The cases above sent through the gateway adjacency A and to the
 * connected host 10.20.0.5: both are stamped for the plugin's NTF_USE
 * reports; the unresolved gateway (only passed frames) is not.
 */
static void use_stamps(void)
{
	struct xdpfwd_neigh4_key nk = { .ifindex = if_gwb };
	struct xdpfwd_neigh nv = {};
	struct xdpfwd_adj a = {}, u = {};
	__u32 id = ADJ_GWA, unres = ADJ_UNRES;

	inet_pton(AF_INET, "10.20.0.5", &nk.addr);
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.adjs), &id, &a);
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.adjs), &unres, &u);
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.neigh4), &nk, &nv);
	report_case("use stamps: a gateway adjacency sent to is stamped",
		    a.seen != 0);
	report_case("use stamps: a connected neighbour sent to is stamped",
		    nv.seen != 0);
	report_case("use stamps: an unresolved gateway (all passed) is not",
		    u.seen == 0);
}

#define FWD4(e, dm, sm) XDP_REDIRECT, XDPFWD_R_FWD_V4, &(e), dm, sm
#define FWD6(e, dm, sm) XDP_REDIRECT, XDPFWD_R_FWD_V6, &(e), dm, sm
#define PASS(r) XDP_PASS, XDPFWD_R_PASS_##r
#define V4(...) { .af = 4, __VA_ARGS__ }
#define V6(...) { .af = 6, __VA_ARGS__ }

static const struct tcase cases1[] = {
	/* Ethernet */
	{ "v4 forward via gateway adjacency", NULL,
	  V4(.dst = "198.51.100.7", .sport = 1000, .dport = 53, .payload = 40),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 forward TCP via gateway (TCP checksum untouched)", NULL,
	  V4(.dst = "198.51.100.8", .proto = IPPROTO_TCP, .sport = 4000,
	     .dport = 443, .payload = 100),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 forward ICMP echo", NULL,
	  V4(.dst = "198.51.100.9", .proto = IPPROTO_ICMP, .sport = 7,
	     .dport = 1, .payload = 56),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 forward GRE (no ports)", NULL,
	  V4(.dst = "198.51.100.9", .proto = 47, .payload = 30),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 minimum frame with Ethernet padding: forwarded without it", NULL,
	  V4(.dst = "198.51.100.10", .payload = 0),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 frame with a 30-byte trailer: forwarded without it", NULL,
	  V4(.dst = "198.51.100.10", .payload = 40, .trailer = 30),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 forwarding off on the ingress: the kernel's", &if_nofwd4,
	  V4(.dst = "198.51.100.7", .payload = 10), PASS(FORWARDING) },
	{ "v6 from that ingress: the IPv4 setting does not apply", &if_nofwd4,
	  V6(.dst = "2001:db8:100::7", .payload = 10),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 forwarding off (all): the kernel's", &if_nofwd6,
	  V6(.dst = "2001:db8:100::7", .payload = 10), PASS(FORWARDING) },
	{ "v4 with only IPv6 forwarding off: forwarded", &if_nofwd6,
	  V4(.dst = "198.51.100.7", .payload = 10),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 rp_filter on the ingress: the kernel validates the source",
	  &if_rpf, V4(.dst = "198.51.100.7", .payload = 10), PASS(RPFILTER) },
	{ "v6 IPv6 MTU 1280 below the link's: 1281 bytes to the kernel",
	  NULL, V6(.dst = "2001:db8:96::1", .l3len = 1281), PASS(MTU) },
	{ "v6 IPv6 MTU 1280: 1280 bytes forwarded", NULL,
	  V6(.dst = "2001:db8:96::1", .l3len = 1280),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 through the same adjacency keeps the link MTU (1500)", NULL,
	  V4(.dst = "10.96.0.1", .l3len = 1500),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 native ingress to a generic-mode egress: the kernel's",
	  &if_native, V4(.dst = "198.51.100.7", .payload = 10), PASS(EGRESS) },
	{ "v4 native ingress to a native-mode egress: forwarded", &if_native,
	  V4(.dst = "10.95.0.1", .payload = 10),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 generic ingress to a generic-mode egress: forwarded", NULL,
	  V4(.dst = "198.51.100.7", .payload = 10),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 native ingress to a generic-mode egress: the kernel's",
	  &if_native, V6(.dst = "2001:db8:100::7", .payload = 10),
	  PASS(EGRESS) },
	{ "v4 with IPv4 policy rules: the kernel's", &if_rules,
	  V4(.dst = "198.51.100.7", .payload = 10), PASS(POLICY) },
	{ "v6 not concerned by IPv4 rules", &if_rules,
	  V6(.dst = "2001:db8:100::7", .payload = 10),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	/* firewall and traffic control (the writer sets the flags) */
	{ "v4 with an IPv4 firewall: the kernel's", &if_fw4,
	  V4(.dst = "198.51.100.7", .proto = IPPROTO_TCP, .dport = 23,
	     .payload = 10),
	  PASS(FIREWALL) },
	{ "v6 not concerned by an IPv4 firewall", &if_fw4,
	  V6(.dst = "2001:db8:100::7", .payload = 10),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 with an IPv6 firewall: the kernel's", &if_fw6,
	  V6(.dst = "2001:db8:100::7", .payload = 10), PASS(FIREWALL) },
	{ "v4 not concerned by an IPv6 firewall", &if_fw6,
	  V4(.dst = "198.51.100.7", .payload = 10),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 firewall and forwarding off: forwarding counts first",
	  &if_fw_nofwd, V4(.dst = "198.51.100.7", .payload = 10),
	  PASS(FORWARDING) },
	{ "v6 firewall, only IPv4 forwarding off: firewall", &if_fw_nofwd,
	  V6(.dst = "2001:db8:100::7", .payload = 10), PASS(FIREWALL) },
	{ "v4 tc on the ingress: the kernel's, before the firewall", &if_tc,
	  V4(.dst = "198.51.100.7", .payload = 10), PASS(TC) },
	{ "v6 tc on the ingress: the kernel's", &if_tc,
	  V6(.dst = "2001:db8:100::7", .payload = 10), PASS(TC) },
	{ "v4 VLAN tag possibly in metadata: the kernel's, before all else",
	  &if_vlanhw, V4(.dst = "198.51.100.7", .payload = 10),
	  PASS(VLAN_HW) },
	{ "v6 VLAN tag possibly in metadata: the kernel's", &if_vlanhw,
	  V6(.dst = "2001:db8:100::7", .payload = 10), PASS(VLAN_HW) },
	{ "v4 to an egress with a qdisc: the kernel's", NULL,
	  V4(.dst = "10.97.0.1", .payload = 10), PASS(TC) },
	{ "v6 to an egress with a qdisc: the kernel's", NULL,
	  V6(.dst = "2001:db8:97::1", .payload = 10), PASS(TC) },
	{ "v4 to an egress with a netdev egress chain: the kernel's", NULL,
	  V4(.dst = "10.98.0.1", .payload = 10), PASS(FIREWALL) },
	{ "v6 to an egress with a netdev egress chain: the kernel's", NULL,
	  V6(.dst = "2001:db8:98::1", .payload = 10), PASS(FIREWALL) },
	{ "v4 to an egress with both: counted as tc", NULL,
	  V4(.dst = "10.99.0.1", .payload = 10), PASS(TC) },
	{ "v4 hairpin before the egress's hooks", NULL,
	  V4(.dst = "10.91.0.1", .payload = 10), PASS(HAIRPIN) },
	{ "v4 TTL 1 to a qdisc egress: the kernel's for the TTL", NULL,
	  V4(.dst = "10.97.0.1", .ttl = 1, .payload = 10), PASS(TTL) },
	{ "v6 not concerned by rp_filter", &if_rpf,
	  V6(.dst = "2001:db8:100::7", .payload = 10),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 source is the router's own address: a martian, the kernel's",
	  NULL, V4(.src = "192.0.2.1", .dst = "198.51.100.7", .payload = 10),
	  PASS(MARTIAN) },
	{ "v4 source next to the router's own address: forwarded", NULL,
	  V4(.src = "192.0.2.2", .dst = "198.51.100.7", .payload = 10),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 second ingress with its own MAC", &if_in2,
	  V4(.dst = "198.51.100.11", .payload = 10),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 hairpin: egress is the ingress (the kernel may redirect)", NULL,
	  V4(.dst = "10.91.0.1", .payload = 10), PASS(HAIRPIN) },
	{ "v4 connected route via neighbour map", NULL,
	  V4(.dst = "10.20.0.5", .payload = 20),
	  FWD4(if_gwb, MAC_N4, MAC_S2) },
	{ "v4 connected, neighbour missing", NULL,
	  V4(.dst = "10.20.0.6", .payload = 20), PASS(NEIGH) },
	{ "v4 connected, neighbour only on another interface", NULL,
	  V4(.dst = "10.20.0.8", .payload = 20), PASS(NEIGH) },
	{ "v4 connected, neighbour with zero MAC", NULL,
	  V4(.dst = "10.20.0.7", .payload = 20), PASS(NEIGH) },
	{ "v4 gateway adjacency not resolved", NULL,
	  V4(.dst = "10.30.1.1", .payload = 20), PASS(NEIGH) },
	{ "v4 TTL 2 forwarded with TTL 1", NULL,
	  V4(.dst = "198.51.100.7", .ttl = 2, .payload = 20),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 TTL 255 forwarded with TTL 254", NULL,
	  V4(.dst = "198.51.100.7", .ttl = 255, .payload = 20),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 TTL 1", NULL,
	  V4(.dst = "198.51.100.7", .ttl = 1, .payload = 20), PASS(TTL) },
	{ "v4 TTL 0", NULL, /* 256 is stored as 0 */
	  V4(.dst = "198.51.100.7", .ttl = 256, .payload = 20), PASS(TTL) },
	{ "v4 options (IHL 6)", NULL,
	  V4(.dst = "198.51.100.7", .opts = 4, .payload = 20),
	  PASS(IP_OPTIONS) },
	{ "v4 options (IHL 15)", NULL,
	  V4(.dst = "198.51.100.7", .opts = 40, .payload = 20),
	  PASS(IP_OPTIONS) },
	{ "v4 first fragment (MF) forwarded", NULL,
	  V4(.dst = "198.51.100.7", .fragment = 1, .frag_mf = 1,
	     .sport = 5, .dport = 6, .payload = 64),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 middle fragment forwarded", NULL,
	  V4(.dst = "198.51.100.7", .fragment = 1, .frag_mf = 1,
	     .frag_off = 9, .payload = 72),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 last fragment forwarded", NULL,
	  V4(.dst = "198.51.100.7", .fragment = 1, .frag_off = 18,
	     .payload = 30),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 dst multicast 224.0.0.5", NULL,
	  V4(.dst = "224.0.0.5", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 dst multicast 239.255.255.250", NULL,
	  V4(.dst = "239.255.255.250", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 dst limited broadcast", NULL,
	  V4(.dst = "255.255.255.255", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 dst 0.0.0.0", NULL,
	  V4(.dst = "0.0.0.0", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 dst 0.1.2.3 (0/8)", NULL,
	  V4(.dst = "0.1.2.3", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 dst loopback 127.0.0.1", NULL,
	  V4(.dst = "127.0.0.1", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 dst 127.255.0.1", NULL,
	  V4(.dst = "127.255.0.1", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 src multicast", NULL,
	  V4(.src = "224.1.1.1", .dst = "198.51.100.7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v4 src loopback", NULL,
	  V4(.src = "127.0.0.1", .dst = "198.51.100.7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v4 src 0.0.0.0", NULL,
	  V4(.src = "0.0.0.0", .dst = "198.51.100.7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v4 src limited broadcast", NULL,
	  V4(.src = "255.255.255.255", .dst = "198.51.100.7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v4 dst 240.0.0.1 (class E, not special): no route", NULL,
	  V4(.dst = "240.0.0.1", .payload = 20), PASS(NO_ROUTE) },
	{ "v4 local address (LOCAL group)", NULL,
	  V4(.dst = "192.0.2.1", .payload = 20), PASS(LOCAL) },
	{ "v4 local address with TTL 1", NULL,
	  V4(.dst = "192.0.2.1", .ttl = 1, .payload = 20), PASS(TTL) },
	{ "v4 next to local /32: no route", NULL,
	  V4(.dst = "192.0.2.2", .payload = 20), PASS(NO_ROUTE) },
	{ "v4 no route", NULL,
	  V4(.dst = "203.0.113.1", .payload = 20), PASS(NO_ROUTE) },
	{ "v4 unreachable route", NULL,
	  V4(.dst = "10.71.3.4", .payload = 20), PASS(UNREACHABLE) },
	{ "v4 route left to the kernel (not offloadable)", NULL,
	  V4(.dst = "10.72.3.4", .payload = 20), PASS(KERNEL) },
	{ "v4 blackhole route dropped", NULL,
	  V4(.dst = "10.70.3.4", .payload = 20),
	  XDP_DROP, XDPFWD_R_DROP_BLACKHOLE },
	{ "v4 MTU: L3 length exactly 1500", NULL,
	  V4(.dst = "198.51.100.7", .l3len = 1500),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 MTU: L3 length 1501", NULL,
	  V4(.dst = "198.51.100.7", .l3len = 1501), PASS(MTU) },
	{ "v4 MTU: 1501 TCP with DF", NULL,
	  V4(.dst = "198.51.100.7", .proto = IPPROTO_TCP, .l3len = 1501),
	  PASS(MTU) },
	{ "v4 MTU: a trailer beyond the MTU is cut, the packet fits", NULL,
	  V4(.dst = "198.51.100.7", .l3len = 100, .trailer = 1401),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 MTU: 100-byte packet with 1400-byte trailer fits", NULL,
	  V4(.dst = "198.51.100.7", .l3len = 100, .trailer = 1400),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 MTU 9000 adjacency takes 3000 bytes", NULL,
	  V4(.dst = "10.90.0.1", .l3len = 3000),
	  FWD4(if_gwa, MAC_GWA, MAC_S1) },
	{ "v4 egress not in tx_ports", NULL,
	  V4(.dst = "10.50.0.1", .payload = 20), PASS(EGRESS) },
	{ "v4 adjacency not valid", NULL,
	  V4(.dst = "10.40.0.1", .payload = 20), PASS(EGRESS) },
	{ "v4 adjacency never written", NULL,
	  V4(.dst = "10.65.0.1", .payload = 20), PASS(EGRESS) },
	{ "v4 group with 0 slots", NULL,
	  V4(.dst = "10.60.0.1", .payload = 20), PASS(NEXTHOP) },
	{ "v4 group with too many slots", NULL,
	  V4(.dst = "10.61.0.1", .payload = 20), PASS(NEXTHOP) },
	{ "v4 group type NONE", NULL,
	  V4(.dst = "10.62.0.1", .payload = 20), PASS(NEXTHOP) },
	{ "v4 group never written", NULL,
	  V4(.dst = "10.63.0.1", .payload = 20), PASS(NEXTHOP) },
	{ "v4 group of unknown type", NULL,
	  V4(.dst = "10.64.0.1", .payload = 20), PASS(NEXTHOP) },
	{ "v4 /10 route covers 100.127.255.254", NULL,
	  V4(.dst = "100.127.255.254", .payload = 20),
	  FWD4(if_gwb, MAC_GWB, MAC_S2) },
	{ "v4 /10 route ends before 100.128.0.0", NULL,
	  V4(.dst = "100.128.0.0", .payload = 20), PASS(NO_ROUTE) },
	/* longest prefix match across tbl24 and tbl8 */
	{ "LPM v4 20.9.9.9 -> /8", NULL,
	  V4(.dst = "20.9.9.9", .payload = 8), FWD4(if_gwa, MAC_L8, MAC_S1) },
	{ "LPM v4 20.1.2.1 -> /16", NULL,
	  V4(.dst = "20.1.2.1", .payload = 8), FWD4(if_gwa, MAC_L16, MAC_S1) },
	{ "LPM v4 20.1.1.1 -> /24 (tbl8, inherited)", NULL,
	  V4(.dst = "20.1.1.1", .payload = 8), FWD4(if_gwa, MAC_L24, MAC_S1) },
	{ "LPM v4 20.1.1.127 -> /24 (below the /25)", NULL,
	  V4(.dst = "20.1.1.127", .payload = 8),
	  FWD4(if_gwa, MAC_L24, MAC_S1) },
	{ "LPM v4 20.1.1.128 -> /25", NULL,
	  V4(.dst = "20.1.1.128", .payload = 8),
	  FWD4(if_gwa, MAC_L25, MAC_S1) },
	{ "LPM v4 20.1.1.199 -> /25", NULL,
	  V4(.dst = "20.1.1.199", .payload = 8),
	  FWD4(if_gwa, MAC_L25, MAC_S1) },
	{ "LPM v4 20.1.1.200 -> /32", NULL,
	  V4(.dst = "20.1.1.200", .payload = 8),
	  FWD4(if_gwa, MAC_L32, MAC_S1) },
	{ "LPM v4 20.1.1.201 -> /25", NULL,
	  V4(.dst = "20.1.1.201", .payload = 8),
	  FWD4(if_gwa, MAC_L25, MAC_S1) },
	{ "LPM v4 20.1.1.255 -> /25", NULL,
	  V4(.dst = "20.1.1.255", .payload = 8),
	  FWD4(if_gwa, MAC_L25, MAC_S1) },
	{ "LPM v4 20.1.0.255 -> /16", NULL,
	  V4(.dst = "20.1.0.255", .payload = 8),
	  FWD4(if_gwa, MAC_L16, MAC_S1) },
	{ "LPM v4 20.2.2.2 -> /32 (tbl8 under /8)", NULL,
	  V4(.dst = "20.2.2.2", .payload = 8), FWD4(if_gwa, MAC_L32, MAC_S1) },
	{ "LPM v4 20.2.2.3 -> /8 (tbl8 inherited /8)", NULL,
	  V4(.dst = "20.2.2.3", .payload = 8), FWD4(if_gwa, MAC_L8, MAC_S1) },
	{ "LPM v4 20.3.3.1 -> /25 under /8", NULL,
	  V4(.dst = "20.3.3.1", .payload = 8), FWD4(if_gwa, MAC_L25, MAC_S1) },
	{ "LPM v4 20.3.3.129 -> /8", NULL,
	  V4(.dst = "20.3.3.129", .payload = 8),
	  FWD4(if_gwa, MAC_L8, MAC_S1) },
	{ "LPM v4 21.0.0.1: no route outside the /8", NULL,
	  V4(.dst = "21.0.0.1", .payload = 8), PASS(NO_ROUTE) },

	/* malformed IPv4 */
	{ "v4 Ethernet header only", NULL,
	  V4(.dst = "198.51.100.7", .trunc = 14), PASS(MALFORMED) },
	{ "v4 partial IP header (10 bytes)", NULL,
	  V4(.dst = "198.51.100.7", .trunc = 24), PASS(MALFORMED) },
	{ "v4 IP header one byte short", NULL,
	  V4(.dst = "198.51.100.7", .trunc = 33), PASS(MALFORMED) },
	{ "v4 IHL 4", NULL,
	  V4(.dst = "198.51.100.7", .ihl = 4, .payload = 20), PASS(MALFORMED) },
	{ "v4 version 6 in an IPv4 ethertype", NULL,
	  V4(.dst = "198.51.100.7", .version = 6, .payload = 20),
	  PASS(MALFORMED) },
	{ "v4 tot_len beyond the frame", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .len_delta = 200),
	  PASS(MALFORMED) },
	{ "v4 tot_len below the header", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .len_delta = -29),
	  PASS(MALFORMED) },
	{ "v4 bad header checksum", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .bad_csum = 1),
	  PASS(MALFORMED) },
	{ "v4 frame truncated inside UDP payload", NULL,
	  V4(.dst = "198.51.100.7", .payload = 200, .trunc = 100),
	  PASS(MALFORMED) },

	/* Ethernet level */
	{ "wrong destination MAC", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .dmac = MAC_OTHER),
	  PASS(NOT_OURS) },
	{ "MAC of the other ingress", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .dmac = MAC_IN2),
	  PASS(NOT_OURS) },
	{ "broadcast destination MAC", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .dmac = MAC_BCAST),
	  PASS(NOT_OURS) },
	{ "IPv4 multicast MAC", NULL,
	  V4(.dst = "224.0.0.5", .payload = 20, .dmac = MAC_MCAST4),
	  PASS(NOT_OURS) },
	{ "IPv6 multicast MAC", NULL,
	  V6(.dst = "ff02::1", .payload = 20, .dmac = MAC_MCAST6),
	  PASS(NOT_OURS) },
	{ "disabled ingress", &if_dis,
	  V4(.dst = "198.51.100.7", .payload = 20), PASS(DISABLED) },
	{ "ingress without ifaces entry", &if_none,
	  V4(.dst = "198.51.100.7", .payload = 20), PASS(DISABLED) },
	{ "disabled ingress, Ethernet header only", &if_dis,
	  V4(.dst = "198.51.100.7", .trunc = 14), PASS(DISABLED) },
	{ "802.1Q tagged IPv4", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .vlan = 0x8100),
	  PASS(VLAN) },
	{ "802.1ad tagged IPv4", NULL,
	  V4(.dst = "198.51.100.7", .payload = 20, .vlan = 0x88a8),
	  PASS(VLAN) },
	{ "ARP request to our MAC", NULL, V4(.arp = 1), PASS(ETHERTYPE) },
	{ "ARP request broadcast", NULL, V4(.arp = 1, .dmac = MAC_BCAST),
	  PASS(NOT_OURS) },
	{ "ethertype 0x88b5", NULL, V4(.ethertype = 0x88b5),
	  PASS(ETHERTYPE) },
	{ "ethertype MPLS 0x8847", NULL, V4(.ethertype = 0x8847),
	  PASS(ETHERTYPE) },
	{ "802.3 length field as ethertype", NULL, V4(.ethertype = 46),
	  PASS(ETHERTYPE) },

	/* IPv6 */
	{ "v6 forward via gateway adjacency", NULL,
	  V6(.dst = "2001:db8:100::7", .sport = 1000, .dport = 53,
	     .payload = 40),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 forward TCP", NULL,
	  V6(.dst = "2001:db8:100::8", .proto = IPPROTO_TCP, .sport = 4000,
	     .dport = 443, .payload = 100),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 forward ICMPv6 echo", NULL,
	  V6(.dst = "2001:db8:100::9", .proto = IPPROTO_ICMPV6, .sport = 7,
	     .dport = 1, .payload = 56),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 no next header (59), empty payload", NULL,
	  V6(.dst = "2001:db8:100::9", .proto = 59),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 second ingress", &if_in2,
	  V6(.dst = "2001:db8:100::7", .payload = 10),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 connected route via neighbour map", NULL,
	  V6(.dst = "2001:db8:20::5", .payload = 20),
	  FWD6(if_gwb, MAC_N6, MAC_S2) },
	{ "v6 connected, neighbour missing", NULL,
	  V6(.dst = "2001:db8:20::6", .payload = 20), PASS(NEIGH) },
	{ "v6 connected, neighbour only on another interface", NULL,
	  V6(.dst = "2001:db8:20::8", .payload = 20), PASS(NEIGH) },
	{ "v6 connected, neighbour with zero MAC", NULL,
	  V6(.dst = "2001:db8:20::7", .payload = 20), PASS(NEIGH) },
	{ "v6 gateway adjacency not resolved", NULL,
	  V6(.dst = "2001:db8:30::1", .payload = 20), PASS(NEIGH) },
	{ "v6 hop limit 2 forwarded with 1", NULL,
	  V6(.dst = "2001:db8:100::7", .ttl = 2, .payload = 20),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 hop limit 1", NULL,
	  V6(.dst = "2001:db8:100::7", .ttl = 1, .payload = 20), PASS(TTL) },
	{ "v6 hop limit 0", NULL,
	  V6(.dst = "2001:db8:100::7", .ttl = 256, .payload = 20), PASS(TTL) },
	{ "v6 hop-by-hop header", NULL,
	  V6(.dst = "2001:db8:100::7", .hbh = 1, .payload = 20),
	  PASS(IP_OPTIONS) },
	{ "v6 first fragment forwarded", NULL,
	  V6(.dst = "2001:db8:100::7", .fragment = 1, .frag_mf = 1,
	     .sport = 5, .dport = 6, .payload = 64),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 later fragment forwarded", NULL,
	  V6(.dst = "2001:db8:100::7", .fragment = 1, .frag_off = 9,
	     .payload = 30),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 dst ff02::1", NULL,
	  V6(.dst = "ff02::1", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 dst ff0e::101", NULL,
	  V6(.dst = "ff0e::101", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 dst fe80::1", NULL,
	  V6(.dst = "fe80::1", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 dst febf::1 (end of fe80::/10)", NULL,
	  V6(.dst = "febf:ffff::1", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 dst fec0::1 (just past fe80::/10) is routed", NULL,
	  V6(.dst = "fec0::1", .payload = 20), FWD6(if_gwb, MAC_GWB, MAC_S2) },
	{ "v6 dst ::", NULL,
	  V6(.dst = "::", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 dst ::1", NULL,
	  V6(.dst = "::1", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 dst ::2: no route", NULL,
	  V6(.dst = "::2", .payload = 20), PASS(NO_ROUTE) },
	{ "v6 src fe80::1", NULL,
	  V6(.src = "fe80::1", .dst = "2001:db8:100::7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v6 src ff02::1", NULL,
	  V6(.src = "ff02::1", .dst = "2001:db8:100::7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v6 src ::", NULL,
	  V6(.src = "::", .dst = "2001:db8:100::7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v6 src ::1", NULL,
	  V6(.src = "::1", .dst = "2001:db8:100::7", .payload = 20),
	  PASS(NON_UNICAST) },
	{ "v6 local address (LOCAL group)", NULL,
	  V6(.dst = "2001:db8:ff::1", .payload = 20), PASS(LOCAL) },
	{ "v6 no route", NULL,
	  V6(.dst = "2001:db8:dead::1", .payload = 20), PASS(NO_ROUTE) },
	{ "v6 unreachable route", NULL,
	  V6(.dst = "2001:db8:71::1", .payload = 20), PASS(UNREACHABLE) },
	{ "v6 route left to the kernel (not offloadable)", NULL,
	  V6(.dst = "2001:db8:72::1", .payload = 20), PASS(KERNEL) },
	{ "v6 blackhole route dropped", NULL,
	  V6(.dst = "2001:db8:70::1", .payload = 20),
	  XDP_DROP, XDPFWD_R_DROP_BLACKHOLE },
	{ "v6 MTU: 40 + payload exactly 1500", NULL,
	  V6(.dst = "2001:db8:100::7", .l3len = 1500),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 MTU: 1501", NULL,
	  V6(.dst = "2001:db8:100::7", .l3len = 1501), PASS(MTU) },
	{ "v6 MTU: a trailer beyond the MTU is cut, the packet fits", NULL,
	  V6(.dst = "2001:db8:100::7", .l3len = 200, .trailer = 1301),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 frame with a 20-byte trailer: forwarded without it", NULL,
	  V6(.dst = "2001:db8:100::7", .payload = 30, .trailer = 20),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 MTU 9000 adjacency takes 3000 bytes", NULL,
	  V6(.dst = "2001:db8:90::1", .l3len = 3000),
	  FWD6(if_gwa, MAC_GWA, MAC_S1) },
	{ "v6 egress not in tx_ports", NULL,
	  V6(.dst = "2001:db8:50::1", .payload = 20), PASS(EGRESS) },
	{ "v6 adjacency not valid", NULL,
	  V6(.dst = "2001:db8:40::1", .payload = 20), PASS(EGRESS) },
	{ "v6 group with 0 slots", NULL,
	  V6(.dst = "2001:db8:60::1", .payload = 20), PASS(NEXTHOP) },
	{ "v6 group type NONE", NULL,
	  V6(.dst = "2001:db8:62::1", .payload = 20), PASS(NEXTHOP) },
	{ "v6 group never written", NULL,
	  V6(.dst = "2001:db8:63::1", .payload = 20), PASS(NEXTHOP) },
	{ "LPM v6 /36", NULL,
	  V6(.dst = "2001:db8:a00f::1", .payload = 8),
	  FWD6(if_gwa, MAC_L8, MAC_S1) },
	{ "LPM v6 /48", NULL,
	  V6(.dst = "2001:db8:a000:2::1", .payload = 8),
	  FWD6(if_gwa, MAC_L16, MAC_S1) },
	{ "LPM v6 /64", NULL,
	  V6(.dst = "2001:db8:a000:1::1", .payload = 8),
	  FWD6(if_gwa, MAC_L24, MAC_S1) },
	{ "LPM v6 /121", NULL,
	  V6(.dst = "2001:db8:a000:1::ff", .payload = 8),
	  FWD6(if_gwa, MAC_L25, MAC_S1) },
	{ "LPM v6 /128", NULL,
	  V6(.dst = "2001:db8:a000:1::99", .payload = 8),
	  FWD6(if_gwa, MAC_L32, MAC_S1) },
	{ "LPM v6 outside the /36: no route", NULL,
	  V6(.dst = "2001:db8:b000::1", .payload = 8), PASS(NO_ROUTE) },

	/* malformed IPv6 */
	{ "v6 Ethernet header only", NULL,
	  V6(.dst = "2001:db8:100::7", .trunc = 14), PASS(MALFORMED) },
	{ "v6 partial header (20 bytes)", NULL,
	  V6(.dst = "2001:db8:100::7", .trunc = 34), PASS(MALFORMED) },
	{ "v6 header one byte short", NULL,
	  V6(.dst = "2001:db8:100::7", .trunc = 53), PASS(MALFORMED) },
	{ "v6 version 4 in an IPv6 ethertype", NULL,
	  V6(.dst = "2001:db8:100::7", .version = 4, .payload = 20),
	  PASS(MALFORMED) },
	{ "v6 payload length beyond the frame", NULL,
	  V6(.dst = "2001:db8:100::7", .payload = 20, .len_delta = 100),
	  PASS(MALFORMED) },
	{ "802.1Q tagged IPv6", NULL,
	  V6(.dst = "2001:db8:100::7", .payload = 20, .vlan = 0x8100),
	  PASS(VLAN) },
	{ "v6 wrong destination MAC", NULL,
	  V6(.dst = "2001:db8:100::7", .payload = 20, .dmac = MAC_OTHER),
	  PASS(NOT_OURS) },
	{ "v6 disabled ingress", &if_dis,
	  V6(.dst = "2001:db8:100::7", .payload = 20), PASS(DISABLED) },
};

/* after the default routes are in */
static const struct tcase cases2[] = {
	{ "v4 default route /0", NULL,
	  V4(.dst = "203.0.113.1", .payload = 20),
	  FWD4(if_gwb, MAC_DEF, MAC_S2) },
	{ "v4 default route covers 1.0.0.1", NULL,
	  V4(.dst = "1.0.0.1", .payload = 20), FWD4(if_gwb, MAC_DEF, MAC_S2) },
	{ "v4 default route covers 223.255.255.254", NULL,
	  V4(.dst = "223.255.255.254", .payload = 20),
	  FWD4(if_gwb, MAC_DEF, MAC_S2) },
	{ "v4 default route does not make 224.0.0.1 routable", NULL,
	  V4(.dst = "224.0.0.1", .payload = 20), PASS(NON_UNICAST) },
	{ "v4 with default: 21.0.0.1 -> /0", NULL,
	  V4(.dst = "21.0.0.1", .payload = 8), FWD4(if_gwb, MAC_DEF, MAC_S2) },
	{ "v4 with default: 20.2.2.3 still /8", NULL,
	  V4(.dst = "20.2.2.3", .payload = 8), FWD4(if_gwa, MAC_L8, MAC_S1) },
	{ "v4 with default: 20.1.1.200 still /32", NULL,
	  V4(.dst = "20.1.1.200", .payload = 8),
	  FWD4(if_gwa, MAC_L32, MAC_S1) },
	{ "v4 with default: 20.1.1.1 still /24", NULL,
	  V4(.dst = "20.1.1.1", .payload = 8), FWD4(if_gwa, MAC_L24, MAC_S1) },
	{ "v4 with default: 192.0.2.1 still local", NULL,
	  V4(.dst = "192.0.2.1", .payload = 20), PASS(LOCAL) },
	{ "v4 with default: 192.0.2.2 -> /0 (tbl8 inherited /0)", NULL,
	  V4(.dst = "192.0.2.2", .payload = 20),
	  FWD4(if_gwb, MAC_DEF, MAC_S2) },
	{ "v6 default route ::/0", NULL,
	  V6(.dst = "2001:db8:dead::1", .payload = 20),
	  FWD6(if_gwb, MAC_DEF, MAC_S2) },
	{ "v6 with default: ::2 -> ::/0", NULL,
	  V6(.dst = "::2", .payload = 20), FWD6(if_gwb, MAC_DEF, MAC_S2) },
	{ "v6 with default: fe80::1 still non-unicast", NULL,
	  V6(.dst = "fe80::1", .payload = 20), PASS(NON_UNICAST) },
	{ "v6 with default: /128 still wins", NULL,
	  V6(.dst = "2001:db8:a000:1::99", .payload = 8),
	  FWD6(if_gwa, MAC_L32, MAC_S1) },
};

/* ------------------------------------------------------------------ */
/* IPv4 checksum edge cases for the incremental update */

static void checksum_edges(void)
{
	struct pspec s = { .af = 4, .dst = "198.51.100.7", .payload = 20 };
	struct tcase tc = { .verdict = XDP_REDIRECT,
			    .reason = XDPFWD_R_FWD_V4, .egress = &if_gwa,
			    .dmac = MAC_GWA, .smac = MAC_S1 };
	struct frame f;
	int id, found_new0 = 0, found_old0 = 0;

	/* an IP id for which the forwarded header's checksum is 0x0000 */
	for (id = 1; id < 65536 && !found_new0; id++) {
		s.id = id;
		build(&s, MAC_IN, MAC_PEER, 1, &f);
		if (get16(f.d + 24) == 0) {
			found_new0 = 1;
			tc.desc = "v4 checksum becomes 0x0000 after TTL decrement";
			tc.s = s;
			run_case(&tc);
		}
	}
	/* an IP id for which the incoming checksum is 0x0000, also sent
	 * as its other representation 0xffff
	 */
	for (id = 1; id < 65536 && !found_old0; id++) {
		s.id = id;
		build(&s, MAC_IN, MAC_PEER, 0, &f);
		if (get16(f.d + 24) == 0) {
			found_old0 = 1;
			tc.desc = "v4 incoming checksum 0x0000";
			tc.s = s;
			run_case(&tc);
			tc.desc = "v4 incoming checksum 0xffff (equivalent zero)";
			tc.s.csum_ffff = 1;
			run_case(&tc);
		}
	}
	if (!found_new0 || !found_old0)
		report(false, "checksum edge cases: no suitable IP id found");

	/* every TTL: the incremental update agrees with a recomputation */
	{
		int ttl, bad = 0;

		s.id = 0x1234;
		for (ttl = 2; ttl <= 255; ttl++) {
			struct frame in, out, exp;

			s.ttl = ttl;
			build(&s, MAC_IN, MAC_PEER, 0, &in);
			build(&s, MAC_GWA, MAC_S1, 1, &exp);
			if (run(skel, if_in, &in, &out) != XDP_REDIRECT ||
			    frame_diff(&out, &exp) != -1 || !check_sums(&out))
				bad++;
		}
		report(!bad, "v4 TTL 2..255 all forwarded with recomputed checksum (%d bad)",
		       bad);
	}
}

/* ------------------------------------------------------------------ */
/* ECMP */

/* no libm: the build line does not link it */
static double sq_root(double x)
{
	double r = x > 1 ? x : 1;
	int i;

	for (i = 0; i < 60; i++)
		r = (r + x / r) / 2;
	return r;
}

static double absd(double x)
{
	return x < 0 ? -x : x;
}

static __u32 rng = 0x9e3779b9;

static __u32 xrand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* path by output destination MAC: 0 = A, 1 = B, -1 = not forwarded */
static int path_of_in(struct xdpfwd_bpf *sk, const struct pspec *s)
{
	struct frame in, out, exp;
	int v, p;

	build(s, MAC_IN, MAC_PEER, 0, &in);
	v = run(sk, if_in, &in, &out);
	if (v != XDP_REDIRECT || out.len < 14)
		return -1;
	if (!memcmp(out.d, MAC_GWA, 6))
		p = 0;
	else if (!memcmp(out.d, MAC_GWB, 6))
		p = 1;
	else
		return -1;
	/* the whole frame must be the one expected for that path */
	build(s, p ? MAC_GWB : MAC_GWA, p ? MAC_S2 : MAC_S1, 1, &exp);
	if (frame_diff(&out, &exp) != -1 || !check_sums(&out))
		return -1;
	return p;
}

static int path_of(const struct pspec *s, bool v6)
{
	(void)v6;
	return path_of_in(skel, s);
}

static void ecmp_spread(const char *name, int af, const char *dst, int proto,
			int nflows, double share_b)
{
	struct pspec *flows = calloc(nflows, sizeof(*flows));
	int count[2] = { 0, 0 }, err = 0, unstable = 0, i, r;
	double exp_b = nflows * share_b;
	double tol = 5 * sq_root(nflows * share_b * (1 - share_b));
	struct snap a, b;
	char *paths = calloc(nflows, 1);

	read_counters(skel, &a, if_in, 0);
	for (i = 0; i < nflows; i++) {
		struct pspec *s = &flows[i];
		int p;

		s->af = af;
		s->dst = dst;
		s->proto = proto;
		s->sport = 1024 + xrand() % 64000;
		s->dport = 1 + xrand() % 65535;
		s->payload = 16;
		s->seed = i;
		p = path_of(s, af == 6);
		if (p < 0) {
			err++;
			continue;
		}
		paths[i] = p;
		count[p]++;
	}
	/* the same flow again, three times, must not move */
	for (r = 0; r < 3; r++)
		for (i = 0; i < nflows; i++)
			if (path_of(&flows[i], af == 6) != paths[i])
				unstable++;
	read_counters(skel, &b, if_in, 0);

	report(err == 0, "%s: %d flows all forwarded to a member (%d not)",
	       name, nflows, err);
	report(absd(count[1] - exp_b) <= tol,
	       "%s: path B got %d of %d, expected %.0f +- %.0f (A %d)", name,
	       count[1], nflows, exp_b, tol, count[0]);
	report(unstable == 0, "%s: every flow kept its path over 3 repeats (%d moved)",
	       name, unstable);
	{
		int rr = af == 4 ? XDPFWD_R_FWD_V4 : XDPFWD_R_FWD_V6;
		__u64 d = b.c[rr].packets - a.c[rr].packets;

		report(d == (__u64)nflows * 4,
		       "%s: %s counter +%llu, want %d", name, reason_name(rr),
		       (unsigned long long)d, nflows * 4);
	}
	free(flows);
	free(paths);
}

/* a 2-way group of @a and @b with its egress fields as given */
static void set_nhg_egress(__u32 id, __u16 a, __u16 b, __u8 negress,
			   __u32 e0, __u32 e1, __u64 mask)
{
	struct xdpfwd_nhg g = { .type = XDPFWD_NHG_FORWARD, .nslots = 2,
				.negress = negress, .egress_mask = mask,
				.slot = { a, b }, .egress = { e0, e1 } };

	upd(skel->maps.nhgs, &id, 4, &g, sizeof(g));
}

/*
 * @nflows flows to @dst (family @af) from @ingress: how many were passed
 * with PASS_HAIRPIN, unchanged, and how many forwarded to each of @eg_a
 * and @eg_b (by the egress counters of the interfaces).
 */
struct hp_tally {
	int hairpin, fwd, other;
	__u64 a, b;
};

static struct hp_tally hairpin_flows(int af, const char *dst, __u32 ingress,
				     __u32 eg_a, __u32 eg_b, int nflows)
{
	struct hp_tally t = {};
	struct snap a0, a1, b0, b1;
	int i;

	read_counters(skel, &a0, 0, eg_a);
	read_counters(skel, &b0, 0, eg_b);
	for (i = 0; i < nflows; i++) {
		struct pspec ps = { .af = af, .dst = dst, .payload = 16,
				    .proto = IPPROTO_UDP,
				    .sport = 1024 + xrand() % 64000,
				    .dport = 1 + xrand() % 65535, .seed = i };
		struct frame in, out;
		struct snap x, y;
		int v;

		build(&ps, ingress == (__u32)if_in2 ? MAC_IN2 : MAC_IN,
		      MAC_PEER, 0, &in);
		read_counters(skel, &x, 0, 0);
		v = run(skel, ingress, &in, &out);
		read_counters(skel, &y, 0, 0);
		if (v == XDP_PASS && frame_diff(&in, &out) == -1 &&
		    y.c[XDPFWD_R_PASS_HAIRPIN].packets ==
			    x.c[XDPFWD_R_PASS_HAIRPIN].packets + 1)
			t.hairpin++;
		else if (v == XDP_REDIRECT)
			t.fwd++;
		else
			t.other++;
	}
	read_counters(skel, &a1, 0, eg_a);
	read_counters(skel, &b1, 0, eg_b);
	t.a = a1.eg.tx_fwd_packets - a0.eg.tx_fwd_packets;
	t.b = b1.eg.tx_fwd_packets - b0.eg.tx_fwd_packets;
	return t;
}

/*
 * An ECMP group with a member out of the ingress: the kernel's hash (not
 * xdpfwd's) may pick that member and route the packet back out with an
 * ICMP redirect, so every flow of it from that ingress is the kernel's;
 * from elsewhere it is forwarded over both members.  The mask only
 * filters: a mask hit by another interface's bit still forwards when the
 * list is exact; with more egresses than the list holds, a hit passes.
 */
static void ecmp_hairpin(void)
{
	const __u64 bit_in = 1ULL << (if_in & 63);
	const __u64 bit_a = 1ULL << (if_gwa & 63), bit_b = 1ULL << (if_gwb & 63);
	const int n = 256;
	struct hp_tally t;

	set_nhg_egress(NHG_ECMP_HP, ADJ_GWA, ADJ_HAIRPIN, 2, if_gwa, if_in,
		       bit_a | bit_in);
	set_nhg_egress(NHG_ECMP_COLLIDE, ADJ_GWA, ADJ_GWB, 2, if_gwa, if_gwb,
		       bit_a | bit_b | bit_in);
	set_nhg_egress(NHG_ECMP_MANY_HIT, ADJ_GWA, ADJ_GWB,
		       XDPFWD_NHG_EGRESS_MANY, 0, 0, bit_a | bit_b | bit_in);
	set_nhg_egress(NHG_ECMP_MANY_MISS, ADJ_GWA, ADJ_GWB,
		       XDPFWD_NHG_EGRESS_MANY, 0, 0, bit_a | bit_b);
	fib4_add("10.92.0.0", 16, NHG_ECMP_HP);
	route6_add("2001:db8:92::", 48, NHG_ECMP_HP);
	fib4_add("10.93.0.0", 16, NHG_ECMP_COLLIDE);
	fib4_add("10.94.0.0", 16, NHG_ECMP_MANY_HIT);
	fib4_add("10.97.0.0", 16, NHG_ECMP_MANY_MISS);

	t = hairpin_flows(4, "10.92.1.1", if_in, if_gwa, if_in, n);
	report(t.hairpin == n && !t.a && !t.b,
	       "ECMP v4 with a member out of the ingress: all %d flows passed "
	       "(hairpin %d, forwarded %d, other %d)", n, t.hairpin, t.fwd,
	       t.other);
	t = hairpin_flows(6, "2001:db8:92::1", if_in, if_gwa, if_in, n);
	report(t.hairpin == n && !t.a && !t.b,
	       "ECMP v6 with a member out of the ingress: all %d flows passed "
	       "(hairpin %d, forwarded %d, other %d)", n, t.hairpin, t.fwd,
	       t.other);
	t = hairpin_flows(4, "10.92.1.1", if_in2, if_gwa, if_in, n);
	report(t.fwd == n && t.a && t.b && t.a + t.b == (__u64)n,
	       "ECMP v4, same group from another ingress: forwarded over both "
	       "members (A %llu, the other %llu, hairpin %d, other %d)",
	       (unsigned long long)t.a, (unsigned long long)t.b, t.hairpin,
	       t.other);
	t = hairpin_flows(6, "2001:db8:92::1", if_in2, if_gwa, if_in, n);
	report(t.fwd == n && t.a && t.b && t.a + t.b == (__u64)n,
	       "ECMP v6, same group from another ingress: forwarded over both "
	       "members (A %llu, the other %llu)", (unsigned long long)t.a,
	       (unsigned long long)t.b);
	t = hairpin_flows(4, "10.93.1.1", if_in, if_gwa, if_gwb, n);
	report(t.fwd == n && t.a && t.b,
	       "ECMP v4, the ingress's mask bit set by another interface, "
	       "not in the list: forwarded (%d of %d)", t.fwd, n);
	t = hairpin_flows(4, "10.94.1.1", if_in, if_gwa, if_gwb, n);
	report(t.hairpin == n,
	       "ECMP v4, more egresses than listed and the ingress's mask "
	       "bit: passed (%d of %d)", t.hairpin, n);
	report((bit_in & (bit_a | bit_b)) == 0,
	       "fixture: the ingress's mask bit is neither egress's");
	t = hairpin_flows(4, "10.97.1.1", if_in, if_gwa, if_gwb, n);
	report(t.fwd == n,
	       "ECMP v4, more egresses than listed, not the ingress's mask "
	       "bit: forwarded (%d of %d)", t.fwd, n);
}

/*
 * Fragments of one datagram: the first (with ports) and the later ones
 * (without) must take one path; different flows still spread.
 */
static void ecmp_fragments(const char *name, int af, const char *dst, int n)
{
	int count[2] = { 0, 0 }, split = 0, err = 0, i;
	double tol = 5 * sq_root(n * 0.25);

	for (i = 0; i < n; i++) {
		char src[64];
		struct pspec first = { .af = af, .dst = dst, .fragment = 1,
				       .frag_mf = 1, .payload = 64,
				       .id = (__u16)i };
		struct pspec mid, last;
		int p1, p2, p3;

		if (af == 4)
			snprintf(src, sizeof(src), "10.%u.%u.%u",
				 xrand() % 200 + 1, xrand() % 256,
				 xrand() % 254 + 1);
		else
			snprintf(src, sizeof(src), "2001:db8:%x::%x",
				 xrand() % 0xffff + 1, xrand() % 0xffff + 1);
		first.src = src;
		first.sport = 1024 + xrand() % 64000;
		first.dport = 1 + xrand() % 65535;
		mid = first;
		mid.frag_off = 9;
		mid.payload = 72;
		last = first;
		last.frag_mf = 0;
		last.frag_off = 18;
		last.payload = 10;
		p1 = path_of(&first, af == 6);
		p2 = path_of(&mid, af == 6);
		p3 = path_of(&last, af == 6);
		if (p1 < 0 || p2 < 0 || p3 < 0) {
			err++;
			continue;
		}
		if (p1 != p2 || p1 != p3)
			split++;
		count[p1]++;
	}
	report(err == 0 && split == 0,
	       "%s: %d fragmented datagrams, all fragments on one path (%d split, %d errors)",
	       name, n, split, err);
	report(absd(count[1] - n / 2.0) <= tol,
	       "%s: fragmented flows spread, B got %d of %d (+- %.0f)", name,
	       count[1], n, tol);
}

/* a first fragment's ports are ignored: same addresses, any ports, one path */
static void ecmp_fragment_ports(const char *name, int af, const char *dst)
{
	struct pspec s = { .af = af, .dst = dst, .fragment = 1, .frag_mf = 1,
			   .payload = 64 };
	int first = -1, moved = 0, i;

	for (i = 0; i < 256; i++) {
		int p;

		s.sport = 1024 + xrand() % 64000;
		s.dport = 1 + xrand() % 65535;
		p = path_of(&s, af == 6);
		if (first < 0)
			first = p;
		if (p < 0 || p != first)
			moved++;
	}
	report(moved == 0, "%s: first fragments with 256 port pairs, one path (%d differ)",
	       name, moved);
}

/*
 * The loader may set a hash seed (rodata) so that routers in a row do not
 * split flows alike: with another seed the spread stays even and about
 * half of the flows of a 2-way group change path.
 */
static void seeded_hash(void)
{
	struct xdpfwd_bpf *s = xdpfwd_bpf__open();
	static const __u16 ecmp2[] = { ADJ_GWA, ADJ_GWB };
	const __u16 vr = XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED;
	struct xdpfwd_fib4_block blk;
	int i, n = 4096, count = 0, differ = 0, err = 0;
	double tol = 5 * sq_root(n * 0.25);
	__u32 k;

	if (!s || (s->rodata->xdpfwd_hash_seed = 0x5eed1234,
		   xdpfwd_bpf__load(s))) {
		report(false, "seeded hash: load");
		return;
	}
	s->bss->xdpfwd_live_until_ns = UINT64_MAX;
	set_iface(s, if_in, MAC_IN, XDPFWD_IF_F_ENABLED, 0, 0);
	set_tx(s, if_gwa);
	set_tx(s, if_gwb);
	set_adj(s, ADJ_GWA, if_gwa, 1500, vr, MAC_S1, MAC_GWA);
	set_adj(s, ADJ_GWB, if_gwb, 1500, vr, MAC_S2, MAC_GWB);
	set_nhg(s, NHG_ECMP2, XDPFWD_NHG_FORWARD, 2, ecmp2);
	for (i = 0; i < XDPFWD_FIB4_BLOCK; i++)
		blk.entry[i] = NHG_ECMP2;
	k = 0x0a50; /* 10.80/16 */
	upd(s->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk));

	for (i = 0; i < n; i++) {
		struct pspec f = { .af = 4, .dst = "10.80.1.1", .payload = 16,
				   .sport = 1024 + xrand() % 64000,
				   .dport = 1 + xrand() % 65535 };
		int p0 = path_of_in(skel, &f), p1 = path_of_in(s, &f);

		if (p0 < 0 || p1 < 0) {
			err++;
			continue;
		}
		count += p1;
		differ += p0 != p1;
	}
	report(!err && absd(count - n / 2.0) <= tol,
	       "seeded hash: spread still even, B got %d of %d (+- %.0f, %d errors)",
	       count, n, tol, err);
	report(absd(differ - n / 2.0) <= tol,
	       "seeded hash: %d of %d flows changed path against seed 0",
	       differ, n);
	xdpfwd_bpf__destroy(s);
}

/* ------------------------------------------------------------------ */
/* loading with other map sizes: only lookups bound the indices */

static void resized_maps(void)
{
	struct xdpfwd_bpf *s = xdpfwd_bpf__open();
	struct pspec ps = { .af = 4, .dst = "10.5.0.1", .payload = 20 };
	struct frame in, out;
	struct snap a, b;
	int v, err;

	if (!s) {
		report(false, "resized maps: open");
		return;
	}
	/* ifindex of the ingress beyond ifaces / if_counters */
	bpf_map__set_max_entries(s->maps.ifaces, if_in);
	bpf_map__set_max_entries(s->maps.if_counters, if_in);
	bpf_map__set_max_entries(s->maps.fib4_tbl24, 0x0b00); /* to 10.255/16 */
	bpf_map__set_max_entries(s->maps.fib4_tbl8, 4);
	bpf_map__set_max_entries(s->maps.nhgs, 16);
	bpf_map__set_max_entries(s->maps.adjs, 8);
	bpf_map__set_max_entries(s->maps.neigh4, 16);
	bpf_map__set_max_entries(s->maps.neigh6, 16);
	bpf_map__set_max_entries(s->maps.fib6_keys, 64);
	bpf_map__set_max_entries(s->maps.fib6_vals, 32);
	bpf_map__set_max_entries(s->maps.tx_ports, 4);
	err = xdpfwd_bpf__load(s);
	report(!err, "resized maps: object loads with other max_entries (%d)",
	       err);
	if (err) {
		xdpfwd_bpf__destroy(s);
		return;
	}
	s->bss->xdpfwd_live_until_ns = UINT64_MAX;

	build(&ps, MAC_IN, MAC_PEER, 0, &in);
	read_counters(s, &a, 0, 0);
	v = run(s, if_in, &in, &out);
	read_counters(s, &b, 0, 0);
	report(v == XDP_PASS &&
	       b.c[XDPFWD_R_PASS_DISABLED].packets ==
		       a.c[XDPFWD_R_PASS_DISABLED].packets + 1,
	       "resized maps: ingress ifindex beyond ifaces -> PASS_DISABLED");

	/* ids and indices beyond the shrunk maps */
	{
		struct xdpfwd_iface ifv = { .flags = XDPFWD_IF_F_ENABLED };
		struct xdpfwd_fib4_block blk = {};
		__u32 k;
		struct xdpfwd_nhg g = { .type = XDPFWD_NHG_FORWARD,
					.nslots = 1, .slot = { 12 } };
		__u32 gid;

		memcpy(ifv.mac, MAC_IN, 6);
		/* ifaces is smaller than if_in: use ifindex 1 (lo) */
		k = 1;
		upd(s->maps.ifaces, &k, 4, &ifv, sizeof(ifv));
		/* 10.5/16 -> group 20 (beyond nhgs), 10.6/16 -> group 5
		 * whose slot holds adjacency 12 (beyond adjs)
		 */
		blk.entry[0] = 20;
		k = 0x0a05;
		upd(s->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk));
		blk.entry[0] = 5;
		k = 0x0a06;
		upd(s->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk));
		blk.entry[0] = XDPFWD_FIB4_EXT | 7; /* tbl8 group beyond */
		k = 0x0a07;
		upd(s->maps.fib4_tbl24, &k, 4, &blk, sizeof(blk));
		gid = 5;
		upd(s->maps.nhgs, &gid, 4, &g, sizeof(g));
	}
	{
		static const struct {
			const char *dst, *desc;
			int reason;
		} t[] = {
			{ "10.5.0.1", "group id beyond nhgs -> PASS_NEXTHOP",
			  XDPFWD_R_PASS_NEXTHOP },
			{ "10.6.0.1", "adjacency id beyond adjs -> PASS_NEXTHOP",
			  XDPFWD_R_PASS_NEXTHOP },
			{ "10.7.0.1", "tbl8 group beyond fib4_tbl8 -> PASS_NO_ROUTE",
			  XDPFWD_R_PASS_NO_ROUTE },
			{ "198.51.100.1", "tbl24 block beyond fib4_tbl24 -> PASS_NO_ROUTE",
			  XDPFWD_R_PASS_NO_ROUTE },
		};
		unsigned int i;

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			ps.dst = t[i].dst;
			build(&ps, MAC_IN, MAC_PEER, 0, &in);
			read_counters(s, &a, 0, 0);
			v = run(s, 1, &in, &out);
			read_counters(s, &b, 0, 0);
			report(v == XDP_PASS &&
			       b.c[t[i].reason].packets ==
				       a.c[t[i].reason].packets + 1 &&
			       frame_diff(&in, &out) == -1,
			       "resized maps: %s", t[i].desc);
		}
	}
	xdpfwd_bpf__destroy(s);
}

/* ------------------------------------------------------------------ */
/*
 * The verifier is stricter without CAP_PERFMON / CAP_SYS_ADMIN (no packet
 * pointer comparisons with NULL, no variable packet pointer arithmetic,
 * Spectre sanitation): load once more in a child holding neither.
 */
static void load_without_perfmon(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];
		const int drop[] = { CAP_SYS_ADMIN, CAP_PERFMON };
		struct xdpfwd_bpf *s;
		unsigned int i;

		if (syscall(SYS_capget, &h, d))
			_exit(3);
		for (i = 0; i < 2; i++) {
			d[drop[i] / 32].effective &= ~(1u << (drop[i] % 32));
			d[drop[i] / 32].permitted &= ~(1u << (drop[i] % 32));
		}
		if (syscall(SYS_capset, &h, d))
			_exit(3);
		libbpf_set_print(NULL);
		s = xdpfwd_bpf__open_and_load();
		_exit(s ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	report(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "loads with CAP_BPF + CAP_NET_ADMIN, without CAP_SYS_ADMIN / CAP_PERFMON (status %d)",
	       status);
}

/* ------------------------------------------------------------------ */
/*
 * Conntrack mode (bpf/conntrack.h) through BPF_PROG_TEST_RUN: the frame's
 * ingress (if_ct) puts the kfunc's lookup in this program's namespace,
 * where the entries are made over ctnetlink (plugin/lib/ctnl.c).
 */
#define CT_SRC4 "203.0.113.5"
#define CT_DST4 "198.51.100.7"
#define CT_SRC6 "2001:db8:9::5"
#define CT_DST6 "2001:db8:100::7"
#define CT_OK (IPS_SEEN_REPLY | IPS_ASSURED)

static struct xctnl *ctnl;

static void ct_tuple(struct xdpfwd_ct_report *r, const struct pspec *s)
{
	memset(r, 0, sizeof(*r));
	r->family = s->af == 4 ? AF_INET : AF_INET6;
	r->l4proto = s->proto ? s->proto : IPPROTO_UDP;
	inet_pton(r->family, s->src, r->saddr);
	inet_pton(r->family, s->dst, r->daddr);
	r->sport = htons(s->sport);
	r->dport = htons(s->dport);
}

/* an entry for @s's connection (s as the original direction) */
static void ct_make(const struct pspec *s, uint32_t status, uint8_t state,
		    bool liberal, uint32_t timeout_s)
{
	struct xdpfwd_ct_report r;
	int err;

	ct_tuple(&r, s);
	err = xctnl_create(ctnl, &r, status, state, liberal, timeout_s);
	if (err)
		die("ctnetlink: creating an entry for port %u: %s", s->sport,
		    strerror(-err));
}

static int ct_reports(void *ctx, void *data, size_t size)
{
	struct xdpfwd_ct_report *last = ctx;

	if (size >= sizeof(*last))
		memcpy(last, data, sizeof(*last));
	return 0;
}

/* a case on if_ct: PASS(r) or FWD4/FWD6(...) as in the tables */
#define CT_CASE(d, sp, ...)                                                  \
	do {                                                                 \
		struct tcase tc_ = { d, &if_ct, *(sp), __VA_ARGS__ };        \
		run_case(&tc_);                                              \
	} while (0)

static void conntrack(void)
{
	const struct pspec tcp4 = V4(.src = CT_SRC4, .dst = CT_DST4,
				     .proto = IPPROTO_TCP, .sport = 40001,
				     .dport = 80, .payload = 100);
	const struct pspec tcp6 = V6(.src = CT_SRC6, .dst = CT_DST6,
				     .proto = IPPROTO_TCP, .sport = 40001,
				     .dport = 80, .payload = 100);
	struct xdpfwd_ct_report got = {}, want;
	struct ring_buffer *rb;
	struct pspec s;
	uint32_t timeout;
	uint8_t fo, fr;
	int err = 0;

	ctnl = xctnl_open(&err);
	if (!ctnl)
		die("ctnetlink socket: %s", strerror(-err));
	/* what the plugin writes from the sysctls */
	skel->bss->xdpfwd_ct_timeout_ms[0] = 300000;
	skel->bss->xdpfwd_ct_timeout_ms[1] = 120000;

	s = tcp4;
	CT_CASE("ct v4 TCP without an entry: the kernel's", &s, PASS(CONNTRACK));
	ct_make(&tcp4, CT_OK, TCP_CONNTRACK_ESTABLISHED, true, 3600);
	CT_CASE("ct v4 TCP established, liberal: forwarded", &tcp4,
		FWD4(if_gwa, MAC_GWA, MAC_S1));
	s.tcp_flags = 0x11;
	CT_CASE("ct v4 TCP established, FIN: the kernel's", &s,
		PASS(CONNTRACK));
	s.tcp_flags = 0x04;
	CT_CASE("ct v4 TCP established, RST: the kernel's", &s,
		PASS(CONNTRACK));
	s.tcp_flags = 0x02;
	CT_CASE("ct v4 TCP established, SYN: the kernel's", &s,
		PASS(CONNTRACK));
	s = tcp4;
	s.fragment = 1;
	s.frag_mf = 1;
	CT_CASE("ct v4 TCP established, a fragment: the kernel's", &s,
		PASS(CONNTRACK));

	s = tcp4;
	s.sport = 40002;
	ct_make(&s, 0, TCP_CONNTRACK_SYN_SENT, true, 60);
	CT_CASE("ct v4 TCP SYN_SENT, not seen both ways: the kernel's", &s,
		PASS(CONNTRACK));
	s.sport = 40003;
	ct_make(&s, CT_OK, TCP_CONNTRACK_FIN_WAIT, true, 60);
	CT_CASE("ct v4 TCP FIN_WAIT: the kernel's", &s, PASS(CONNTRACK));
	s.sport = 40004;
	ct_make(&s, CT_OK | IPS_HELPER, TCP_CONNTRACK_ESTABLISHED, true, 60);
	CT_CASE("ct v4 TCP established with a helper: the kernel's", &s,
		PASS(CT_NAT));

	/* not liberal: passed and reported, then marked, then forwarded */
	s.sport = 40005;
	ct_make(&s, CT_OK, TCP_CONNTRACK_ESTABLISHED, false, 3600);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.ct_ring), ct_reports,
			      &got, NULL);
	if (!rb)
		die("ring buffer: %s", strerror(errno));
	ring_buffer__consume(rb);
	memset(&got, 0, sizeof(got));
	CT_CASE("ct v4 TCP established, not liberal: the kernel's", &s,
		PASS(CT_LIBERAL));
	ring_buffer__consume(rb);
	ct_tuple(&want, &s);
	report(!memcmp(&got, &want, sizeof(want)),
	       "ct v4 TCP not liberal: its tuple reported (port %u)",
	       ntohs(got.sport));
	err = xctnl_set_liberal(ctnl, &got);
	xctnl_get(ctnl, &want, &timeout, &fo, &fr);
	report(!err && (fo & fr & IP_CT_TCP_FLAG_BE_LIBERAL),
	       "ct: ctnetlink marks both directions liberal (%s, flags %#x/%#x)",
	       strerror(-err), fo, fr);
	CT_CASE("ct v4 TCP marked liberal: forwarded", &s,
		FWD4(if_gwa, MAC_GWA, MAC_S1));
	ring_buffer__free(rb);

	/* the timeout: refreshed below half of the established one */
	s.sport = 40006;
	ct_make(&s, CT_OK, TCP_CONNTRACK_ESTABLISHED, true, 10);
	CT_CASE("ct v4 TCP, 10 s left: forwarded", &s,
		FWD4(if_gwa, MAC_GWA, MAC_S1));
	ct_tuple(&want, &s);
	err = xctnl_get(ctnl, &want, &timeout, &fo, &fr);
	report(!err && timeout > 250,
	       "ct: 10 s left of 300: refreshed to %u s (%s)", timeout,
	       strerror(-err));
	s.sport = 40007;
	ct_make(&s, CT_OK, TCP_CONNTRACK_ESTABLISHED, true, 200);
	CT_CASE("ct v4 TCP, 200 s left: forwarded", &s,
		FWD4(if_gwa, MAC_GWA, MAC_S1));
	ct_tuple(&want, &s);
	err = xctnl_get(ctnl, &want, &timeout, &fo, &fr);
	report(!err && timeout <= 200,
	       "ct: 200 s left of 300: not refreshed (%u s, %s)", timeout,
	       strerror(-err));

	/* UDP: a stream (assured) only */
	s = tcp4;
	s.proto = IPPROTO_UDP;
	s.sport = 5001;
	ct_make(&s, IPS_SEEN_REPLY, 0, false, 30);
	CT_CASE("ct v4 UDP seen both ways, not assured: the kernel's", &s,
		PASS(CONNTRACK));
	s.sport = 5002;
	ct_make(&s, CT_OK, 0, false, 120);
	CT_CASE("ct v4 UDP assured: forwarded", &s,
		FWD4(if_gwa, MAC_GWA, MAC_S1));
	s.proto = IPPROTO_ICMP;
	CT_CASE("ct v4 ICMP: the kernel's", &s, PASS(CONNTRACK));

	ct_make(&tcp6, CT_OK, TCP_CONNTRACK_ESTABLISHED, true, 3600);
	CT_CASE("ct v6 TCP established, liberal: forwarded", &tcp6,
		FWD6(if_gwa, MAC_GWA, MAC_S1));
	s = tcp6;
	s.sport = 40002;
	CT_CASE("ct v6 TCP without an entry: the kernel's", &s,
		PASS(CONNTRACK));
	s = tcp6;
	s.fragment = 1;
	s.frag_mf = 1;
	CT_CASE("ct v6 TCP, a fragment: the kernel's", &s, PASS(CONNTRACK));
	xctnl_close(ctnl);
}

/* ------------------------------------------------------------------ */
/* real attach and a live redirect through a veth */

static void attach_and_live(void)
{
	int fd = bpf_program__fd(skel->progs.xdpfwd_main), err, i;
	struct pspec ps = { .af = 4, .dst = "198.51.100.77", .payload = 20 };
	struct snap a, b;
	struct frame in;
	__u32 prog_id = 0;

	err = bpf_xdp_attach(if_in, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (!err)
		err = bpf_xdp_query_id(if_in, XDP_FLAGS_DRV_MODE, &prog_id);
	report(!err && prog_id, "attach in native mode to a veth (prog id %u)",
	       prog_id);
	bpf_xdp_detach(if_in, XDP_FLAGS_DRV_MODE, NULL);

	/*
	 * BPF_F_TEST_XDP_LIVE_FRAMES really redirects.  A veth only takes
	 * XDP frames when its peer runs XDP, so the program goes on the
	 * peer of egress A too, where it counts the arriving frame
	 * (ingress not enabled there: PASS_DISABLED).
	 */
	err = bpf_xdp_attach(if_gwa_peer, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		report(false, "live redirect: attach to peer: %s",
		       strerror(-err));
		return;
	}
	build(&ps, MAC_IN, MAC_PEER, 0, &in);
	read_counters(skel, &a, if_gwa_peer, if_gwa);
	err = run_live(skel, if_in, &in);
	for (i = 0; i < 100; i++) {
		read_counters(skel, &b, if_gwa_peer, if_gwa);
		if (b.in.rx_pass_packets != a.in.rx_pass_packets)
			break;
		usleep(10000);
	}
	report(!err && b.eg.tx_fwd_packets == a.eg.tx_fwd_packets + 1 &&
		       b.in.rx_pass_packets == a.in.rx_pass_packets + 1 &&
		       b.c[XDPFWD_R_PASS_DISABLED].packets ==
			       a.c[XDPFWD_R_PASS_DISABLED].packets + 1,
	       "live redirect: frame sent out of A arrives at its peer (err %d)",
	       err);
	bpf_xdp_detach(if_gwa_peer, XDP_FLAGS_DRV_MODE, NULL);
}

/* ------------------------------------------------------------------ */

/*
 * Liveness: the plugin's deadline (CLOCK_MONOTONIC_COARSE ns in .bss) is
 * checked first on an enabled ingress; past it, or 0 (the start gate
 * still closed), every frame goes to the kernel unmodified.
 */
static __u64 coarse_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void liveness(void)
{
	static const struct {
		__s64 until_ms; /* deadline relative to now; 0: gate closed */
		struct tcase tc;
	} t[] = {
		{ 10000, { "liveness: deadline 10 s ahead, v4 forwarded", NULL,
			   V4(.dst = "198.51.100.7", .payload = 10),
			   FWD4(if_gwa, MAC_GWA, MAC_S1) } },
		{ -20, { "liveness: deadline lapsed 20 ms ago, v4 to the kernel",
			 NULL, V4(.dst = "198.51.100.7", .payload = 10),
			 PASS(STALE) } },
		{ -20, { "liveness: deadline lapsed, v6 to the kernel", NULL,
			 V6(.dst = "2001:db8:100::7", .payload = 10),
			 PASS(STALE) } },
		{ -20, { "liveness: deadline lapsed, checked before the MAC",
			 NULL,
			 V4(.dst = "198.51.100.7", .payload = 10,
			    .dmac = MAC_PEER),
			 PASS(STALE) } },
		{ 0, { "liveness: start gate closed (deadline 0), v4 to the kernel",
		       NULL, V4(.dst = "198.51.100.7", .payload = 10),
		       PASS(STALE) } },
		{ 10000, { "liveness: renewed after lapsing, v6 forwarded again",
			   NULL, V6(.dst = "2001:db8:100::7", .payload = 10),
			   FWD6(if_gwa, MAC_GWA, MAC_S1) } },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		skel->bss->xdpfwd_live_until_ns =
			t[i].until_ms ? coarse_now_ns() + t[i].until_ms * 1000000
				      : 0;
		run_case(&t[i].tc);
	}
	skel->bss->xdpfwd_live_until_ns = UINT64_MAX;
}

/*
 * Packet trace (bpf/trace.h): an armed budget gives exactly that many
 * records, from the filtered ingress only, each with the verdict, the
 * egress and the frame as it left (rewritten); disarmed, none.
 */
struct trace_seen {
	int n;
	struct xdpfwd_trace_rec rec[8];
};

static int trace_sample(void *ctx, void *data, size_t size)
{
	struct trace_seen *ts = ctx;

	if (ts->n < 8 && size >= sizeof(struct xdpfwd_trace_rec))
		memcpy(&ts->rec[ts->n], data, sizeof(ts->rec[0]));
	ts->n++;
	return 0;
}

static void trace_records(void)
{
	struct pspec fwd = { .af = 4, .dst = "198.51.100.7", .payload = 10 };
	struct pspec ttl1 = { .af = 4, .dst = "198.51.100.7", .payload = 10,
			      .ttl = 1 };
	struct trace_seen ts = {};
	struct ring_buffer *rb;
	struct frame in, exp, out;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.trace_ring),
			      trace_sample, &ts, NULL);
	if (!rb) {
		report(false, "trace: ring buffer: %s", strerror(errno));
		return;
	}
	ring_buffer__consume(rb);
	ts.n = 0;

	skel->bss->xdpfwd_trace_ifindex = if_in;
	skel->bss->xdpfwd_trace_budget = 2;
	build(&fwd, MAC_IN, MAC_PEER, 0, &in);
	run(skel, if_in, &in, &out);
	build(&ttl1, MAC_IN, MAC_PEER, 0, &in);
	run(skel, if_in, &in, &out);
	build(&fwd, MAC_IN, MAC_PEER, 0, &in);
	run(skel, if_in, &in, &out);
	ring_buffer__consume(rb);
	report(ts.n == 2 && skel->bss->xdpfwd_trace_budget == 0,
	       "trace: a budget of 2 gives 2 records of 3 frames (%d)", ts.n);
	build(&fwd, MAC_GWA, MAC_S1, 1, &exp);
	report(ts.n >= 1 && ts.rec[0].reason == XDPFWD_R_FWD_V4 &&
		       ts.rec[0].action == XDP_REDIRECT &&
		       ts.rec[0].ingress == (__u32)if_in &&
		       ts.rec[0].egress == (__u32)if_gwa &&
		       ts.rec[0].caplen == (__u32)(exp.len < XDPFWD_TRACE_CAPLEN
							? exp.len
							: XDPFWD_TRACE_CAPLEN) &&
		       !memcmp(ts.rec[0].data, exp.d, ts.rec[0].caplen),
	       "trace: a forwarded frame's record: verdict, egress, bytes as it left");
	report(ts.n >= 2 && ts.rec[1].reason == XDPFWD_R_PASS_TTL &&
		       ts.rec[1].action == XDP_PASS && ts.rec[1].egress == 0,
	       "trace: a passed frame's record: its reason, no egress");

	ts.n = 0;
	skel->bss->xdpfwd_trace_ifindex = if_in2;
	skel->bss->xdpfwd_trace_budget = 5;
	build(&fwd, MAC_IN, MAC_PEER, 0, &in);
	run(skel, if_in, &in, &out);
	ring_buffer__consume(rb);
	report(ts.n == 0 && skel->bss->xdpfwd_trace_budget == 5,
	       "trace: frames of another ingress than the filter's: no record");
	skel->bss->xdpfwd_trace_budget = 0;
	skel->bss->xdpfwd_trace_ifindex = 0;
	run(skel, if_in, &in, &out);
	ring_buffer__consume(rb);
	report(ts.n == 0, "trace: disarmed: no record");
	ring_buffer__free(rb);
}

/* ------------------------------------------------------------------ */

static void prog_stats(void)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.xdpfwd_main),
				   &info, &len) == 0)
		printf("# xdpfwd_main: %u verified insns, %u xlated bytes, %u jited bytes\n",
		       info.verified_insns, info.xlated_prog_len,
		       info.jited_prog_len);
}

int main(void)
{
	unsigned int i;

	harness_init();
	setup_links();
	skel = xdpfwd_bpf__open();
	if (!skel)
		die("open: %s", strerror(errno));
	/* as the plugin loads it (conntrack mode reads nf_conn) */
	skel->rodata->xdpfwd_ct_reads = 1;
	load_skel(skel, "object passes the verifier and loads");
	prog_stats();
	load_without_perfmon();
	configure();

	for (i = 0; i < sizeof(cases1) / sizeof(cases1[0]); i++)
		run_case(&cases1[i]);
	use_stamps();
	checksum_edges();
	liveness();
	trace_records();

	fib4_add("0.0.0.0", 0, NHG_DEF);
	route6_add("::", 0, NHG_DEF);
	for (i = 0; i < sizeof(cases2) / sizeof(cases2[0]); i++)
		run_case(&cases2[i]);

	ecmp_spread("ECMP v4 2-way UDP", 4, "10.80.1.1", IPPROTO_UDP, 4096,
		    0.5);
	ecmp_spread("ECMP v4 2-way TCP", 4, "10.80.1.2", IPPROTO_TCP, 4096,
		    0.5);
	ecmp_spread("ECMP v4 weighted 3:1", 4, "10.81.1.1", IPPROTO_UDP, 4096,
		    0.25);
	ecmp_spread("ECMP v6 2-way UDP", 6, "2001:db8:80::1", IPPROTO_UDP,
		    4096, 0.5);
	ecmp_spread("ECMP v6 weighted 3:1 TCP", 6, "2001:db8:81::1",
		    IPPROTO_TCP, 4096, 0.25);
	ecmp_fragments("ECMP v4 fragments", 4, "10.80.2.2", 1024);
	ecmp_fragments("ECMP v6 fragments", 6, "2001:db8:80::2", 1024);
	ecmp_fragment_ports("ECMP v4 fragments", 4, "10.80.3.3");
	ecmp_fragment_ports("ECMP v6 fragments", 6, "2001:db8:80::3");
	ecmp_hairpin();

	conntrack();
	seeded_hash();
	resized_maps();
	attach_and_live();

	return harness_done();
}
