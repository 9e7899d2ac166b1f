/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Layouts of the IPv4 lookup-structure microbenchmark (lookup4.c,
 * bpf/lookup4.bpf.c): DIR-24-8 as xdpfwd's (include/xdpfwd_maps.h) and a
 * Poptrie (Asai & Ohara, SIGCOMM'15) in two node layouts.  Shared by both
 * sides; the benchmark only, never the datapath.
 *
 * Poptrie: a direct table indexed by the top 18 bits, then nodes of
 * stride 6 (18 -> 24 -> 30) and a last one of stride 2.  A node's vector
 * has bit c set when child c is a node (children stored contiguously
 * from base1), its leafvec bit c set where a run of equal leaves starts
 * (leaves stored contiguously from base0): child c's leaf is
 * leaf[base0 + popcount(leafvec & (2 << c) - 1) - 1].
 */
#ifndef BENCH_LOOKUP4_H
#define BENCH_LOOKUP4_H

#include <linux/types.h>

#define PT4_DIR_BITS 18
/* a direct entry with this bit is a leaf's value, else a node's index */
#define PT4_DIR_LEAF 0x80000000u
#define PT4_DIR_BLOCK 256  /* direct-table entries per map element */
#define PT4_LEAF_BLOCK 32  /* leaves per map element */
#define PT4_INLINE 20	   /* leaves an inline node holds itself */
/* an inline node's base0 when its leaves are inline */
#define PT4_BASE0_INLINE 0xffffffffu
#define PT4_NDST 262144 /* destination pool, as xdpbench's */

/* the paper's node: 24 bytes, leaves in their own array */
struct pt4_node {
	__u64 vec;
	__u64 leafvec;
	__u32 base1;
	__u32 base0;
};

/*
 * One cache line (64 bytes, 64-aligned in the map): the same node and up
 * to PT4_INLINE leaves in it, so that a lookup ending in a /18's node
 * reads two lines (direct entry, node) instead of three.  node.base0 is
 * PT4_BASE0_INLINE then, else the leaves are in the leaf array.
 */
struct pt4_node_inline {
	struct pt4_node node;
	__u16 leaf[PT4_INLINE];
};
_Static_assert(sizeof(struct pt4_node_inline) == 64, "one cache line");

struct pt4_dir_block {
	__u32 entry[PT4_DIR_BLOCK];
};

struct pt4_leaf_block {
	__u16 leaf[PT4_LEAF_BLOCK];
};

struct lookup4_dsts {
	__u32 addr[PT4_NDST]; /* host byte order */
};

#endif /* BENCH_LOOKUP4_H */
