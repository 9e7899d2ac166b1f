/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 FIB: DIR-24-8 lookup, at most two map reads (include/xdpfwd_maps.h
 * describes the encoding).
 */
#ifndef XDPFWD_BPF_FIB4_H
#define XDPFWD_BPF_FIB4_H

#include "common.h"
#include "maps.h"

/* nexthop-group id for @daddr (host byte order), 0 if no route */
static __always_inline __u16 fib4_lookup(__u32 daddr)
{
	struct xdpfwd_fib4_block *blk;
	__u32 key = daddr >> 16;
	__u16 e;

	blk = bpf_map_lookup_elem(&fib4_tbl24, &key);
	if (!blk)
		return 0;
	/* read once: the plugin may be storing this entry right now */
	e = READ_ONCE(blk->entry[(daddr >> 8) & 0xff]);
	if (!(e & XDPFWD_FIB4_EXT))
		return e;

	/* the plugin fills a tbl8 group before pointing tbl24 at it */
	key = e & XDPFWD_FIB4_VAL_MASK;
	blk = bpf_map_lookup_elem(&fib4_tbl8, &key);
	if (!blk)
		return 0;
	e = READ_ONCE(blk->entry[daddr & 0xff]);
	/* no third level exists: an extension bit here is garbage, pass */
	if (e & XDPFWD_FIB4_EXT)
		return 0;
	return e;
}

#endif /* XDPFWD_BPF_FIB4_H */
