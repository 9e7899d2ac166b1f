/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpfwd IPv6 FIB builder: a direct table on the top XDPFWD_FIB6_DIR_BITS
 * bits, then per populated chunk a sorted table of address ranges searched
 * by binary search (DXR-like), keyed on the upper 64 bits; a /64 holding
 * routes longer than /64 points at a second range table keyed on the
 * lower 64 bits (include/xdpfwd_maps.h describes the encoding).
 *
 * The tables live in caller memory, normally the mmapped fib6_dir,
 * fib6_keys and fib6_vals BPF arrays that XDP programs read concurrently
 * without locks.  A range table is never modified once published: a change
 * writes a new copy elsewhere, publishes it with one release store and
 * frees the old copy only after a grace period (fib6_set_synchronize).
 *
 * Not thread safe: one writer calls every function; the only concurrent
 * party is the datapath reading the tables.
 *
 * Addresses are 16 bytes in network order; a prefix is masked to its
 * length on entry.
 */
#ifndef XDPFWD_FIB6_H
#define XDPFWD_FIB6_H

#include <stdbool.h>
#include <stdint.h>

#include "xdpfwd_maps.h"

struct fib6;

/*
 * dir: XDPFWD_FIB6_DIR_ENTRIES entries; keys/vals: nslots entries each
 * (2..2^30); all zeroed by the caller and owned by it.
 * Returns NULL with errno set (ENOMEM, EINVAL).
 */
struct fib6 *fib6_create(uint32_t *dir, uint64_t *keys, uint32_t *vals,
			 uint32_t nslots);
void fib6_destroy(struct fib6 *f);

/*
 * Freed table space is reused only after fn(arg) returned: fn must wait
 * until every lookup that started before the call has finished (an RCU
 * grace period for XDP readers).  Called only when an allocation finds no
 * free space but freed space waits.
 */
void fib6_set_synchronize(struct fib6 *f, void (*fn)(void *arg), void *arg);

/*
 * Add or replace prefix/len -> nhg.
 * 0: in the fast path.
 * FIB6_DEGRADED: installed, but its chunk (the /XDPFWD_FIB6_DIR_BITS
 *   holding it) did not fit in the range tables: the chunk's directory
 *   entry is XDPFWD_NHG_ID_KERNEL, so every address of the chunk passes to
 *   the kernel (never to a covering route's nexthop).  The chunk is
 *   published again by fib6_restore() once space is free.
 * -EINVAL: len > 128, nhg 0 or > XDPFWD_FIB6_VAL_MASK.
 */
#define FIB6_DEGRADED 1
int fib6_add(struct fib6 *f, const uint8_t addr[16], uint8_t len,
	     uint32_t nhg);

/* 0, FIB6_DEGRADED (deleted, its chunk still degraded), or -ENOENT */
int fib6_del(struct fib6 *f, const uint8_t addr[16], uint8_t len);

/* exact match among the installed routes: 0 or -ENOENT */
int fib6_get(const struct fib6 *f, const uint8_t addr[16], uint8_t len,
	     uint32_t *nhg);

/* longest match read from the tables exactly as the datapath does */
uint32_t fib6_lookup(const struct fib6 *f, const uint8_t addr[16]);

/* the answer the tables should give (from the builder's own state) */
uint32_t fib6_expect(const struct fib6 *f, const uint8_t addr[16]);

uint32_t fib6_count(const struct fib6 *f);	 /* installed routes */
/* keys/vals slots allocated, including freed ones awaiting a grace period */
uint32_t fib6_slots_used(const struct fib6 *f);
uint32_t fib6_slots_live(const struct fib6 *f); /* in published tables */
uint32_t fib6_tables(const struct fib6 *f); /* chunks and second levels */
uint32_t fib6_pages(const struct fib6 *f);  /* their pages */
/* updates that only stored new owners into published slots */
uint64_t fib6_inplace_count(const struct fib6 *f);

/* ---- degraded chunks (range tables full) ---- */
bool fib6_degraded(const struct fib6 *f, const uint8_t addr[16]);
uint32_t fib6_degraded_count(const struct fib6 *f);
bool fib6_restore_pending(const struct fib6 *f);
/* publishes up to max degraded chunks, oldest first; returns how many */
unsigned int fib6_restore(struct fib6 *f, unsigned int max);

/* every installed route, in no particular order; cb must not modify f */
void fib6_walk(const struct fib6 *f,
	       void (*cb)(const uint8_t addr[16], uint8_t len, uint32_t nhg,
			  void *arg),
	       void *arg);

#endif /* XDPFWD_FIB6_H */
