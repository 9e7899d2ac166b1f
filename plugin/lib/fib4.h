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

#include <stdbool.h>
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
 * A freed tbl8 group is reused only after fn(arg) returned: fn must wait
 * until every lookup that started before the call has finished (an RCU
 * grace period for XDP readers).  Called at most once per refill of the
 * free groups, from fib4_add/fib4_restore.  Without it groups are reused
 * in FIFO order only.
 */
void fib4_set_synchronize(struct fib4 *f, void (*fn)(void *arg), void *arg);

/*
 * Add or replace prefix/len -> nhg.
 * 0: in the fast path.
 * FIB4_DEGRADED: installed, but its /24 is "degraded": the route is longer
 *   than /24, no tbl8 group was free for its /24, so the /24's tbl24 entry
 *   points at XDPFWD_NHG_ID_KERNEL and every address of that /24 passes to
 *   the kernel (never to a covering route's nexthop).  The route is kept
 *   (fib4_get, fib4_walk, fib4_count see it) and the /24 is rebuilt from it
 *   when a group is free again (fib4_restore) or goes back to its covering
 *   route when its last route longer than /24 is deleted.
 * -EINVAL: len > 32, nhg 0 or > XDPFWD_FIB4_VAL_MASK.
 */
#define FIB4_DEGRADED 1
int fib4_add(struct fib4 *f, uint32_t prefix, uint8_t len, uint16_t nhg);

/* 0, or -ENOENT when prefix/len is not installed (-EINVAL for len > 32) */
int fib4_del(struct fib4 *f, uint32_t prefix, uint8_t len);

/* exact match among the installed routes: 0 or -ENOENT */
int fib4_get(const struct fib4 *f, uint32_t prefix, uint8_t len, uint16_t *nhg);

/* longest match read from tbl24/tbl8 exactly as the datapath does; 0 = none */
uint16_t fib4_lookup(const struct fib4 *f, uint32_t addr);

uint32_t fib4_count(const struct fib4 *f);     /* installed routes */
uint32_t fib4_tbl8_used(const struct fib4 *f); /* allocated tbl8 groups */

/* ---- degraded /24s (tbl8 exhausted) ---- */

/* addr's /24 is degraded: the whole /24 passes to the kernel */
bool fib4_degraded(const struct fib4 *f, uint32_t addr);
uint32_t fib4_degraded_count(const struct fib4 *f);  /* degraded /24s */
uint32_t fib4_degraded_routes(const struct fib4 *f); /* routes > /24 in them */

/*
 * Degraded /24s wait for a free tbl8 group: a group freed by fib4_del is
 * not reused at once (a datapath reader may still be reading it, see
 * fib4_group_free()), so the caller calls fib4_restore() a little later
 * (the plugin: from a timer) when fib4_restore_pending() says so.
 * Restores up to max /24s, oldest degraded first; returns how many.
 */
bool fib4_restore_pending(const struct fib4 *f);
unsigned int fib4_restore(struct fib4 *f, unsigned int max);

/*
 * Called when a /24 (index addr >> 8) becomes degraded or is restored, so
 * that the caller can update what it reports about the routes in it.
 * Called from inside fib4_add / fib4_del / fib4_restore: it must not add
 * or delete routes.
 */
void fib4_set_notify(struct fib4 *f,
		     void (*cb)(uint32_t idx24, bool degraded, void *arg),
		     void *arg);

/*
 * What the datapath reads for the first address of an installed route,
 * compared with the builder's state: 0 when it is the route's nhg (or
 * XDPFWD_NHG_ID_KERNEL in a degraded /24, or the address belongs to a more
 * specific route), -EIO when the table entry is wrong, -ENOENT when the
 * route is not installed.  *seen: the value read.
 */
int fib4_verify(const struct fib4 *f, uint32_t prefix, uint8_t len,
		uint16_t *seen);

/*
 * Every installed route, in no particular order.  cb must not add or
 * delete routes.
 */
void fib4_walk(const struct fib4 *f,
	       void (*cb)(uint32_t prefix, uint8_t len, uint16_t nhg,
			  void *arg),
	       void *arg);

#endif /* XDPFWD_FIB4_H */
