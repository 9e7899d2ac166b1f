/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpfwd IPv4 FIB builder: DIR-24-8 (as DPDK rte_lpm) on caller-provided
 * memory, normally the mmapped fib4_tbl24 / fib4_tbl8 BPF arrays that XDP
 * programs read concurrently without locks.
 *
 * Everything the datapath does not need (per-entry depths, the installed
 * prefixes, tbl8 group allocation) is kept in userspace so that the maps
 * stay two bytes per entry.
 *
 * Not thread safe: one writer (zebra's main pthread) calls every function;
 * the only concurrent party is the datapath reading tbl24/tbl8.
 *
 * Prefixes and addresses are in host byte order; a prefix is masked to its
 * length on entry (host bits are ignored).
 */
#ifndef XDPFWD_FIB4_H
#define XDPFWD_FIB4_H

#include <stdint.h>

#include "xdpfwd_maps.h"

struct fib4;

/*
 * tbl24: XDPFWD_TBL24_BLOCKS blocks, tbl8: tbl8_groups groups (1..32768,
 * the group index is 15 bits), both zeroed by the caller and owned by the
 * caller (fib4_destroy does not touch them).
 * Returns NULL with errno set: ENOMEM, or EINVAL for a bad tbl8_groups.
 * Userspace memory: 18 MiB + 258 bytes per tbl8 group, plus 24 bytes per
 * route (allocated 2048 routes at a time).
 */
struct fib4 *fib4_create(struct xdpfwd_fib4_block *tbl24,
			 struct xdpfwd_fib4_block *tbl8, uint32_t tbl8_groups);
void fib4_destroy(struct fib4 *f);

/*
 * Add or replace prefix/len -> nhg.
 * 0; -EINVAL (len > 32, nhg 0 or > XDPFWD_FIB4_VAL_MASK); -ENOSPC when the
 * route needs a tbl8 group and none is free (nothing changed).
 */
int fib4_add(struct fib4 *f, uint32_t prefix, uint8_t len, uint16_t nhg);

/* 0, or -ENOENT when prefix/len is not installed (-EINVAL for len > 32) */
int fib4_del(struct fib4 *f, uint32_t prefix, uint8_t len);

/* exact match among the installed routes: 0 or -ENOENT */
int fib4_get(const struct fib4 *f, uint32_t prefix, uint8_t len, uint16_t *nhg);

/* longest match read from tbl24/tbl8 exactly as the datapath does; 0 = none */
uint16_t fib4_lookup(const struct fib4 *f, uint32_t addr);

uint32_t fib4_count(const struct fib4 *f);     /* installed routes */
uint32_t fib4_tbl8_used(const struct fib4 *f); /* allocated tbl8 groups */

/*
 * Every installed route, in no particular order.  cb must not add or
 * delete routes.
 */
void fib4_walk(const struct fib4 *f,
	       void (*cb)(uint32_t prefix, uint8_t len, uint16_t nhg,
			  void *arg),
	       void *arg);

#endif /* XDPFWD_FIB4_H */
