/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness shared by the datapath packet-fixture tests (test_datapath.c,
 * test_bridge.c): TAP-like reporting, a private network namespace with veth
 * pairs, map writes as the plugin does them, per-CPU counter snapshots, byte
 * order and checksum primitives, and BPF_PROG_TEST_RUN.  The frames and the
 * cases stay in each program: they are what the programs test.
 *
 * Helpers without a skeleton argument write the main one (skel); the others
 * take one because test_datapath also loads objects of its own (a hash
 * seed, resized maps) and fills those.
 */
#ifndef XDPFWD_TESTS_DATAPATH_HARNESS_H
#define XDPFWD_TESTS_DATAPATH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdpfwd_maps.h"

struct bpf_map;
struct xdpfwd_bpf;

/* ---- reporting: "ok N - ..." / "not ok N - ...", "P passed, F failed" */

extern int n_test, n_pass, n_fail;
/* why the check at hand failed, for the "not ok" line */
extern char why[512];

void report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void set_why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a fixture that cannot be set up counts as one failure, exit status 2 */
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* "nothing" for -1 (no counter moved) */
const char *reason_name(int r);
const char *verdict_name(int v);

/* ---- environment */

extern struct xdpfwd_bpf *skel;
/* the width of a per-CPU map value */
extern int ncpus;

/* line-buffered output, a private network namespace, the CPU count */
void harness_init(void);
/* @s from xdpfwd_bpf__open(): load it as the main object, one case @desc */
void load_skel(struct xdpfwd_bpf *s, const char *desc);
/* destroy the main object, print the totals; the exit status */
int harness_done(void);

void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ifidx(const char *name);
/* a veth pair, both ends up; the ifindex of @a */
int veth(const char *a, const char *b);

/* ---- maps, written as the plugin writes them */

/* an mmapable map, mapped shared (dies on failure) */
void *map_mmap(struct bpf_map *m);
void upd(struct bpf_map *m, const void *k, size_t ks, const void *v,
	 size_t vs);
void set_iface(struct xdpfwd_bpf *s, __u32 ifindex, const __u8 *mac,
	       __u32 flags, __u32 bridge, __u16 mtu);
void set_tx(struct xdpfwd_bpf *s, __u32 ifindex);
void del_tx(struct xdpfwd_bpf *s, __u32 ifindex);
void set_adj(struct xdpfwd_bpf *s, __u32 id, __u32 ifindex, __u16 mtu,
	     __u16 flags, const __u8 *smac, const __u8 *dmac);
void set_nhg(struct xdpfwd_bpf *s, __u32 id, __u8 type, int nslots,
	     const __u16 *slots);
/* the reserved groups, as every loader of the program writes them */
void set_reserved_nhgs(struct xdpfwd_bpf *s);
/* a forwarding group of one adjacency */
void set_nhg1(__u32 id, __u16 adj);
/* @port: the bridge port of @mac when @ifindex is a bridge, else 0 */
void set_neigh4(__u32 ifindex, const char *addr, const __u8 *mac,
		__u32 port);
void set_neigh6(__u32 ifindex, const char *addr, const __u8 *mac,
		__u32 port);
/* an IPv6 route through the plugin's builder (plugin/lib/fib6.c) */
void route6_add(const char *pfx, int len, __u32 nh);

/* ---- counters: per-CPU values summed over the CPUs */

struct snap {
	struct xdpfwd_counter c[XDPFWD_R__MAX];
	struct xdpfwd_if_counters in, eg;
};

/* all zero for ifindex 0 or one without an entry */
void read_ifc(struct xdpfwd_bpf *s, __u32 idx, struct xdpfwd_if_counters *t);
/* the reason counters and those of ingress @in and egress @eg */
void read_counters(struct xdpfwd_bpf *s, struct snap *sn, __u32 in, __u32 eg);

/*
 * The programs check the interface counters a little differently and word
 * the failures their own way; each keeps its own, as before the harness.
 */
struct ck_style {
	const char *ifc;	/* what a failure calls the interface counters */
	bool rx_bytes;		/* a redirect also moves rx_fwd_bytes by @bytes */
	bool moved_by;		/* a stray reason counter says by how much */
};

/* ---- frames */

struct frame {
	__u8 d[4096];
	int len;
};

static inline void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline __u16 get16(const __u8 *p)
{
	return (p[0] << 8) | p[1];
}

/* ones' complement sum in host order, folded later by fold() */
static inline __u32 sum16(const __u8 *p, int len, __u32 sum)
{
	int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static inline __u16 fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* -1: equal, -2: lengths differ, else the first differing byte */
int frame_diff(const struct frame *a, const struct frame *b);

/* ---- running */

/* one pass of xdpfwd_main of @s over @in; the verdict */
int run(struct xdpfwd_bpf *s, __u32 ingress, const struct frame *in,
	struct frame *out);
/* BPF_F_TEST_XDP_LIVE_FRAMES: a redirect really leaves; the error */
int run_live(struct xdpfwd_bpf *s, __u32 ingress, const struct frame *in);

/* what a case wants of one frame through the main object */
struct want {
	int verdict;
	int reason;			/* the one reason counter to move */
	__u32 egress;			/* REDIRECT: the egress, else 0 */
	const struct frame *out;	/* the output frame */
	/* a further check of a redirected output, or NULL */
	bool (*check)(const struct frame *out);
};

/*
 * Run @in on @ingress and check verdict, output and counters, in that
 * order, against @w; false with why set at the first that differs.
 */
bool run_want(__u32 ingress, const struct frame *in, const struct want *w,
	      const struct ck_style *st);
/* "ok N - desc", or "not ok N - desc: why" */
void report_case(const char *desc, bool ok);

#endif /* XDPFWD_TESTS_DATAPATH_HARNESS_H */
