/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv6 FIB: a directory on the top XDPFWD_FIB6_DIR_BITS bits, then binary
 * searches in range tables (include/xdpfwd_maps.h describes the encoding;
 * plugin/lib/fib6.c builds them).
 */
#ifndef XDPFWD_BPF_FIB6_H
#define XDPFWD_BPF_FIB6_H

#include "common.h"
#include "maps.h"

struct fib6_search_ctx {
	__u64 k;
	__u32 off, lo, hi;
};

/*
 * One binary-search step, as a bpf_loop() callback: an open-coded loop
 * forks the verifier's states at every comparison, and without
 * CAP_PERFMON it cannot prune them (over a million instructions); a
 * callback is verified once.  The kernel inlines bpf_loop() into a loop
 * of direct calls.
 */
static long fib6_step(__u64 i, void *data)
{
	struct fib6_search_ctx *c = data;
	__u32 mid, idx;
	__u64 *kp;

	if (c->lo >= c->hi)
		return 1;
	mid = (c->lo + c->hi + 1) / 2;
	idx = c->off + mid;
	kp = bpf_map_lookup_elem(&fib6_keys, &idx);
	if (!kp) {
		c->lo = 0; /* slot off's value is always 0: no route */
		return 1;
	}
	if (READ_ONCE(*kp) <= c->k)
		c->lo = mid;
	else
		c->hi = mid - 1;
	return 0;
}

/* value of the last entry of table @off whose key is <= @k; 0 if broken */
static __always_inline __u32 fib6_search(__u32 off, __u64 k)
{
	struct fib6_search_ctx c = { .k = k, .off = off, .lo = 1 };
	struct xdpfwd_fib6_pair *vp;
	__u64 *kp;
	__u32 idx;

	kp = bpf_map_lookup_elem(&fib6_keys, &off);
	if (!kp)
		return 0;
	/* the plugin never changes a published table: no torn reads */
	c.hi = (__u32)READ_ONCE(*kp);
	bpf_loop(XDPFWD_FIB6_STEPS, fib6_step, &c, 0);
	idx = (off + c.lo) / 2;
	vp = bpf_map_lookup_elem(&fib6_vals, &idx);
	if (!vp)
		return 0;
	return READ_ONCE(vp->e[(off + c.lo) & 1]);
}

/* nexthop-group id for @daddr, 0 if no route */
static __always_inline __u32 fib6_lookup(const struct in6_addr *daddr)
{
	__u64 half[2], k, lo;
	struct xdpfwd_fib6_pair *dp;
	__u32 e, key, i;

	__builtin_memcpy(half, daddr, sizeof(half));
	k = bpf_be64_to_cpu(half[0]);
	lo = bpf_be64_to_cpu(half[1]);
	key = (__u32)(k >> (64 - XDPFWD_FIB6_DIR_BITS));
	i = key & 1;
	key /= 2;
	dp = bpf_map_lookup_elem(&fib6_dir, &key);
	if (!dp)
		return 0;
	/* the plugin writes a table completely before linking it */
	e = READ_ONCE(dp->e[i]);
	for (i = 0; i < XDPFWD_FIB6_LEVELS; i++) {
		if (!(e & XDPFWD_FIB6_EXT))
			return e;
		if (e & XDPFWD_FIB6_LOW)
			k = lo;
		e = fib6_search(e & XDPFWD_FIB6_OFF_MASK, k);
	}
	/* deeper than any table the plugin builds: garbage, pass */
	return e & XDPFWD_FIB6_EXT ? 0 : e;
}

#endif /* XDPFWD_BPF_FIB6_H */
