/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Map layouts of the benchmark's own BPF programs (lpmfwd.bpf.c,
 * util.bpf.c), included by those programs and by xdpbench, which fills
 * and reads their maps.  Only <linux/types.h> types, so that both
 * clang -target bpf and the userspace compiler take it.
 */
#ifndef BENCH_MAPS_H
#define BENCH_MAPS_H

#include <linux/types.h>

/* ---- LPM trie reference (lpmfwd.bpf.c) ---- */

struct lpm4_key {
	__u32 prefixlen;
	__u32 addr; /* network byte order */
};

struct lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* values of lpm4 / lpm6: egress ifindex and gateway */
struct lpm_route4 {
	__u32 ifindex;
	__u32 gw; /* network byte order, key of neigh4 */
};

struct lpm_route6 {
	__u32 ifindex;
	__u8 gw[16]; /* key of neigh6 */
};

/* values of neigh4 / neigh6 (gateway MAC) and ifmac (egress MAC) */
struct lpm_neigh {
	__u8 mac[6];
	__u16 pad;
};

/* ---- harness programs (util.bpf.c) ---- */

/* per-CPU value of sink_cnt */
struct counter {
	__u64 packets;
	__u64 bytes;
};

/* the headers bench_hdr4 / bench_hdr6 restore before each packet */
struct hdr_tmpl {
	__u8 b[64];
};

/* an entry of dst_pool */
struct dst {
	__u8 a[16]; /* IPv4: the first 4 bytes, network order */
};

#endif /* BENCH_MAPS_H */
