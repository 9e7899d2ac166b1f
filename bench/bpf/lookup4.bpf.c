// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPv4 lookup structures alone (bpf/lookup4.h; lookup4.c runs these):
 * each program does LOOKUPS lookups over the destination pool, either
 * dependent (the next destination's index waits for this lookup's result,
 * as a packet's lookup waits for nothing of the previous packet's but is
 * too far from it in the instruction stream to overlap: latency) or
 * independent (consecutive lookups overlap in the CPU: throughput).
 * check_* count lookups that disagree with DIR-24-8 over the whole pool.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "lookup4.h"

char LICENSE[] SEC("license") = "GPL";

#define LOOKUPS 256

/* sizes are set by lookup4.c before loading */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 16);
	__type(key, __u32);
	__type(value, __u16[256]);
} tbl24 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u16[256]);
} tbl8 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (1 << PT4_DIR_BITS) / PT4_DIR_BLOCK);
	__type(key, __u32);
	__type(value, struct pt4_dir_block);
} pt_dir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt4_node);
} pt_node SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt4_node_inline);
} pt_node_inline SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt4_leaf_block);
} pt_leaf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lookup4_dsts);
} dsts SEC(".maps");

__u32 pos;      /* where in the pool the next run starts */
__u64 sink;     /* results, so that no lookup is optimised away */
__u64 mismatch; /* check_*: lookups that disagree with DIR-24-8 */

/* BPF has no popcount instruction: SWAR, 19 instructions (4 of them
 * 64-bit constant loads, which the compiler may share between calls)
 */
static __always_inline __u32 popcount64(__u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (__u32)((x * 0x0101010101010101ULL) >> 56);
}

/* as bpf/fib4.h */
static __always_inline __u32 lookup_dir248(__u32 a)
{
	__u16 *blk, e;
	__u32 key = a >> 16;

	blk = bpf_map_lookup_elem(&tbl24, &key);
	if (!blk)
		return 0;
	e = blk[(a >> 8) & 0xff];
	if (!(e & 0x8000))
		return e;
	key = e & 0x7fff;
	blk = bpf_map_lookup_elem(&tbl8, &key);
	if (!blk)
		return 0;
	return blk[a & 0xff];
}

/* the direct entry: a leaf's value, or the first node's index */
static __always_inline int pt4_dir(__u32 a, __u32 *e)
{
	struct pt4_dir_block *d;
	__u32 key = a >> (32 - PT4_DIR_BITS + 8);

	d = bpf_map_lookup_elem(&pt_dir, &key);
	if (!d)
		return -1;
	*e = d->entry[(a >> (32 - PT4_DIR_BITS)) & (PT4_DIR_BLOCK - 1)];
	return 0;
}

static __always_inline __u32 pt4_leaf(__u32 i)
{
	struct pt4_leaf_block *l;
	__u32 key = i / PT4_LEAF_BLOCK;

	l = bpf_map_lookup_elem(&pt_leaf, &key);
	return l ? l->leaf[i % PT4_LEAF_BLOCK] : 0;
}

/* child index of @a's bits [off, off + stride) and its bit mask up to it */
#define PT4_CHILD(a, off, lv, c, upto)                                        \
	do {                                                                  \
		__u32 stride_ = (lv) < 2 ? 6 : 2;                             \
		(c) = ((a) << (off)) >> (32 - stride_);                        \
		(upto) = (2ULL << (c)) - 1;                                    \
	} while (0)

/*
 * @nodes holds struct pt4_node or, @inline_leaves, struct pt4_node_inline
 * (which starts with a struct pt4_node)
 */
static __always_inline __u32 poptrie_walk(__u32 a, void *nodes,
					  bool inline_leaves)
{
	__u32 e, idx, off = PT4_DIR_BITS, c, i;
	struct pt4_node *n;
	__u64 upto;

	if (pt4_dir(a, &e))
		return 0;
	if (e & PT4_DIR_LEAF)
		return e & 0xffff;
	idx = e;
#pragma unroll
	for (int lv = 0; lv < 3; lv++) {
		n = bpf_map_lookup_elem(nodes, &idx);
		if (!n)
			return 0;
		PT4_CHILD(a, off, lv, c, upto);
		if ((n->vec >> c) & 1) {
			idx = n->base1 + popcount64(n->vec & upto) - 1;
			off += 6;
			continue;
		}
		i = popcount64(n->leafvec & upto) - 1;
		if (inline_leaves && n->base0 == PT4_BASE0_INLINE)
			return i < PT4_INLINE
				       ? ((struct pt4_node_inline *)n)->leaf[i]
				       : 0;
		return pt4_leaf(n->base0 + i);
	}
	return 0;
}

static __always_inline __u32 lookup_poptrie(__u32 a)
{
	return poptrie_walk(a, &pt_node, false);
}

static __always_inline __u32 lookup_poptrie_inline(__u32 a)
{
	return poptrie_walk(a, &pt_node_inline, true);
}

/*
 * The empty asm hides the result's range from the compiler, so that the
 * index really waits for it (its bits above 20 are always 0).
 */
#define RUN(lookup, dependent)                                                \
	do {                                                                  \
		struct lookup4_dsts *d;                                       \
		__u32 key = 0, i = pos, v = 0;                                \
		__u64 s = 0;                                                  \
                                                                              \
		d = bpf_map_lookup_elem(&dsts, &key);                         \
		if (!d)                                                       \
			return XDP_ABORTED;                                   \
		for (int j = 0; j < LOOKUPS; j++) {                           \
			i = (i + 1 + ((dependent) ? v >> 20 : 0)) &           \
			    (PT4_NDST - 1);                                   \
			v = lookup(d->addr[i]);                               \
			asm volatile("" : "+r"(v));                           \
			s += v;                                               \
		}                                                             \
		pos = i;                                                      \
		sink += s;                                                    \
		return XDP_DROP;                                              \
	} while (0)

#define CHECK(lookup)                                                         \
	do {                                                                  \
		struct lookup4_dsts *d;                                       \
		__u32 key = 0, i = pos;                                       \
		__u64 bad = 0;                                                \
                                                                              \
		d = bpf_map_lookup_elem(&dsts, &key);                         \
		if (!d)                                                       \
			return XDP_ABORTED;                                   \
		for (int j = 0; j < LOOKUPS; j++) {                           \
			i = (i + 1) & (PT4_NDST - 1);                         \
			bad += lookup(d->addr[i]) != lookup_dir248(d->addr[i]); \
		}                                                             \
		pos = i;                                                      \
		mismatch += bad;                                              \
		return XDP_DROP;                                              \
	} while (0)

SEC("xdp") int dir248_dep(struct xdp_md *ctx) { RUN(lookup_dir248, 1); }
SEC("xdp") int dir248_ind(struct xdp_md *ctx) { RUN(lookup_dir248, 0); }
SEC("xdp") int poptrie_dep(struct xdp_md *ctx) { RUN(lookup_poptrie, 1); }
SEC("xdp") int poptrie_ind(struct xdp_md *ctx) { RUN(lookup_poptrie, 0); }
SEC("xdp") int poptrie_inline_dep(struct xdp_md *ctx) { RUN(lookup_poptrie_inline, 1); }
SEC("xdp") int poptrie_inline_ind(struct xdp_md *ctx) { RUN(lookup_poptrie_inline, 0); }
SEC("xdp") int check_poptrie(struct xdp_md *ctx) { CHECK(lookup_poptrie); }
SEC("xdp") int check_poptrie_inline(struct xdp_md *ctx) { CHECK(lookup_poptrie_inline); }
