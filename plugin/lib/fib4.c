// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd IPv4 FIB builder: DIR-24-8 (as DPDK rte_lpm).
 *
 * The tables (tbl24, tbl8) are caller memory, in the plugin the mmapped
 * BPF arrays that XDP programs on other CPUs read without any lock.  Every
 * write below is therefore ordered so that a reader never sees a state that
 * is wrong for an address whose route did not change:
 *  - table entries are written with single 16-bit atomic stores (no tearing,
 *    no store merging or splitting by the compiler);
 *  - a new tbl8 group is filled completely before the tbl24 entry that
 *    points to it is published with a release store;
 *  - a group that is no longer needed is unlinked (tbl24 entry rewritten to
 *    the plain value) while its contents still give the right answer, and
 *    it is reused as late as possible (see fib4_group_free()).
 *
 * Userspace-only shadow state keeps the maps at two bytes per entry:
 *  - depth24 / depth8: the depth of the route that wrote each entry, stored
 *    as prefix length + 1 so that 0 means "no route" while /0 is 1;
 *    for a tbl24 entry that points to a tbl8 group, depth24 is the depth of
 *    the longest route of length <= 24 covering that /24, which is also
 *    the depth (and value) of every tbl8 entry not owned by a longer route;
 *    depth24 also carries D24_EXT when the tbl24 entry points to a group,
 *    so that adding a route never has to read tbl24 (a cache and TLB miss
 *    per /24) unless a group is involved;
 *  - group_refs: number of installed routes longer than /24 per group;
 *  - routes: a hash of the installed prefixes, for exact lookups and for
 *    finding the covering route when one is deleted;
 *  - present: one bit per possible prefix of length 0..23 (2 MiB), so that
 *    the covering route of a deleted one is found with a few bit tests
 *    instead of up to 24 hash lookups that mostly miss (/24 is left out:
 *    it would cost most adds an extra cache miss, and only routes longer
 *    than /24, which are rare, look for a /24 cover).
 *
 * When tbl8 is exhausted, a /24 that needs a group for a new route longer
 * than /24 is "degraded": its tbl24 entry points at the reserved KERNEL
 * group, so every address of that /24 passes to the kernel, which has the
 * route.  (Leaving the new route out instead would hand its addresses to a
 * covering route in XDP: the wrong nexthop.)  depth24 carries D24_DEGRADED
 * and keeps tracking the covering route of length <= 24; the routes stay
 * in the hash and are counted per degraded /24, so the /24 is rebuilt when
 * a group is free again (fib4_restore) or reverts to its covering route
 * when its last route longer than /24 goes.
 */

#include "config.h"
#include <zebra.h>

#include <sys/mman.h>

#include "memory.h"
#include "typesafe.h"

#include "bigalloc.h"
#include "fib4.h"

/* own group so that the routes show in zebra's "show memory" */
DEFINE_MGROUP(XDPFWD_FIB4, "xdpfwd IPv4 FIB");
DEFINE_MTYPE_STATIC(XDPFWD_FIB4, XDPFWD_FIB4_CHUNK, "xdpfwd IPv4 FIB routes");
DEFINE_MTYPE_STATIC(XDPFWD_FIB4, XDPFWD_FIB4_DG, "xdpfwd IPv4 degraded /24");

#define FIB4_TBL24_ENTRIES (1u << 24)
#define FIB4_MAX_GROUPS (XDPFWD_FIB4_VAL_MASK + 1)
/* presence bits of prefixes /0../23, heap layout: (1 << len) | index */
#define FIB4_PRESENT_MAX 23
#define FIB4_PRESENT_BITS (1u << (FIB4_PRESENT_MAX + 1))
#define FIB4_CHUNK_ROUTES 2048
/* depth24: low bits depth (prefix length + 1), D24_EXT: entry has a group,
 * D24_DEGRADED: entry is XDPFWD_NHG_ID_KERNEL for lack of a group
 */
#define D24_EXT 0x80
#define D24_DEGRADED 0x40
#define D24_DEPTH_MASK 0x3f

PREDECL_HASH(fib4_routes);
PREDECL_HASH(fib4_dgs);
PREDECL_DLIST(fib4_dgq);

/* a degraded /24: routes longer than /24 in it, waiting for a group */
struct fib4_dg {
	struct fib4_dgs_item hitem;
	struct fib4_dgq_item qitem; /* oldest first */
	uint32_t idx;		    /* /24 index (address >> 8) */
	uint32_t nlong;		    /* routes longer than /24 in it */
};

static int fib4_dg_cmp(const struct fib4_dg *a, const struct fib4_dg *b)
{
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static uint32_t fib4_dg_hash(const struct fib4_dg *a)
{
	return (uint32_t)((a->idx * 0x9e3779b97f4a7c15ULL) >> 32);
}

DECLARE_HASH(fib4_dgs, struct fib4_dg, hitem, fib4_dg_cmp, fib4_dg_hash);
DECLARE_DLIST(fib4_dgq, struct fib4_dg, qitem);

struct fib4_route {
	union {
		struct fib4_routes_item item; /* installed */
		struct fib4_route *free_next; /* on the free list */
	};
	uint32_t prefix;
	uint8_t len;
	uint16_t nhg;
};

/*
 * Routes come from chunks: XMALLOC per route costs more than the whole
 * table update of a /24 (memory accounting does several atomic operations
 * per call), and the add rate is what a full-table BGP session waits for.
 */
struct fib4_chunk {
	struct fib4_chunk *next;
	struct fib4_route routes[FIB4_CHUNK_ROUTES];
};

static int fib4_route_cmp(const struct fib4_route *a,
			  const struct fib4_route *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return (int)a->len - (int)b->len;
}

/*
 * typesafe's hash takes the bucket from the top bits of the hash value, so
 * a Fibonacci (multiplicative) hash, whose top bits mix every key bit, is
 * both cheap and well spread for the very regular prefixes of a FIB.
 */
static uint32_t fib4_route_hash(const struct fib4_route *r)
{
	uint64_t key = ((uint64_t)r->prefix << 6) | r->len;

	return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> 32);
}

DECLARE_HASH(fib4_routes, struct fib4_route, item, fib4_route_cmp,
	     fib4_route_hash);

struct fib4 {
	struct xdpfwd_fib4_block *tbl24;
	struct xdpfwd_fib4_block *tbl8;
	uint32_t tbl8_groups;

	uint8_t *depth24;     /* FIB4_TBL24_ENTRIES, prefix length + 1 */
	uint8_t *depth8;      /* tbl8_groups * XDPFWD_FIB4_BLOCK */
	uint16_t *group_refs; /* routes longer than /24 in each group */
	uint64_t *present;    /* FIB4_PRESENT_BITS */

	/*
	 * free tbl8 groups: FIFO ring, allocation at head, free at tail.
	 * The free_count groups from the head are reusable; the pending ones
	 * after them were freed since the last grace period (synchronize).
	 */
	uint16_t *free_ring;
	uint32_t free_head;
	uint32_t free_count;
	uint32_t pending;
	void (*synchronize)(void *arg);
	void *sync_arg;

	/* installed routes per prefix length, to skip empty lengths */
	uint32_t len_count[33];
	uint64_t len_present; /* bit l set when len_count[l] != 0 */

	struct fib4_routes_head routes;
	struct fib4_chunk *chunks;
	struct fib4_route *free_routes;

	/* degraded /24s */
	struct fib4_dgs_head dgs;
	struct fib4_dgq_head dgq;
	uint32_t dg_routes; /* sum of nlong */
	void (*notify)(uint32_t idx24, bool degraded, void *arg);
	void *notify_arg;
};

static inline uint32_t fib4_mask(uint8_t len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

static inline uint16_t *tbl24_ent(const struct fib4 *f, uint32_t idx)
{
	return &f->tbl24[idx >> 8].entry[idx & 0xff];
}

static inline uint16_t *tbl8_ent(const struct fib4 *f, uint32_t group,
				 uint32_t idx)
{
	return &f->tbl8[group].entry[idx];
}

/* Single 16-bit store the datapath may observe at any time. */
static inline void ent_store(uint16_t *p, uint16_t val)
{
	__atomic_store_n(p, val, __ATOMIC_RELAXED);
}

static inline uint16_t ent_load(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void fib4_free_arrays(struct fib4 *f)
{
	big_free(f->depth24, FIB4_TBL24_ENTRIES);
	big_free(f->present, FIB4_PRESENT_BITS / 8);
	free(f->depth8);
	free(f->group_refs);
	free(f->free_ring);
}

struct fib4 *fib4_create(struct xdpfwd_fib4_block *tbl24,
			 struct xdpfwd_fib4_block *tbl8, uint32_t tbl8_groups)
{
	struct fib4 *f;
	uint32_t g;

	if (!tbl24 || !tbl8 || tbl8_groups == 0 ||
	    tbl8_groups > FIB4_MAX_GROUPS) {
		errno = EINVAL;
		return NULL;
	}

	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->tbl24 = tbl24;
	f->tbl8 = tbl8;
	f->tbl8_groups = tbl8_groups;
	f->depth24 = big_alloc(FIB4_TBL24_ENTRIES);
	f->present = big_alloc(FIB4_PRESENT_BITS / 8);
	f->depth8 = calloc((size_t)tbl8_groups * XDPFWD_FIB4_BLOCK, 1);
	f->group_refs = calloc(tbl8_groups, sizeof(*f->group_refs));
	f->free_ring = calloc(tbl8_groups, sizeof(*f->free_ring));
	if (!f->depth24 || !f->present || !f->depth8 || !f->group_refs ||
	    !f->free_ring) {
		fib4_free_arrays(f);
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	for (g = 0; g < tbl8_groups; g++)
		f->free_ring[g] = g;
	f->free_count = tbl8_groups;
	fib4_routes_init(&f->routes);
	fib4_dgs_init(&f->dgs);
	fib4_dgq_init(&f->dgq);
	return f;
}

void fib4_set_notify(struct fib4 *f,
		     void (*cb)(uint32_t idx24, bool degraded, void *arg),
		     void *arg)
{
	f->notify = cb;
	f->notify_arg = arg;
}

static void fib4_free_chunks(struct fib4 *f)
{
	struct fib4_chunk *c;

	while ((c = f->chunks)) {
		f->chunks = c->next;
		XFREE(MTYPE_XDPFWD_FIB4_CHUNK, c);
	}
	f->free_routes = NULL;
}

void fib4_destroy(struct fib4 *f)
{
	struct fib4_route *r;
	struct fib4_dg *dg;

	if (!f)
		return;
	frr_each_safe (fib4_dgq, &f->dgq, dg) {
		fib4_dgq_del(&f->dgq, dg);
		fib4_dgs_del(&f->dgs, dg);
		XFREE(MTYPE_XDPFWD_FIB4_DG, dg);
	}
	fib4_dgq_fini(&f->dgq);
	fib4_dgs_fini(&f->dgs);
	/*
	 * The routes live in the chunks: empty the hash, then drop those.
	 * Not _pop(): it scans the bucket array from the start every time,
	 * quadratic for a full table (minutes for 1M routes).
	 */
	frr_each_safe (fib4_routes, &f->routes, r)
		fib4_routes_del(&f->routes, r);
	fib4_routes_fini(&f->routes);
	fib4_free_chunks(f);
	fib4_free_arrays(f);
	free(f);
}

static struct fib4_route *fib4_route_alloc(struct fib4 *f)
{
	struct fib4_chunk *c;
	struct fib4_route *r;
	unsigned int i;

	if (!f->free_routes) {
		c = XMALLOC(MTYPE_XDPFWD_FIB4_CHUNK, sizeof(*c));
		c->next = f->chunks;
		f->chunks = c;
		for (i = FIB4_CHUNK_ROUTES; i-- > 0;) {
			c->routes[i].free_next = f->free_routes;
			f->free_routes = &c->routes[i];
		}
	}
	r = f->free_routes;
	f->free_routes = r->free_next;
	return r;
}

static void fib4_route_free(struct fib4 *f, struct fib4_route *r)
{
	/*
	 * Chunks are given back only when the FIB is empty (a full table
	 * withdrawn): keeping per-chunk use counts is not worth it for memory
	 * that a re-established session wants back anyway.
	 */
	if (fib4_routes_count(&f->routes) == 0) {
		fib4_free_chunks(f);
		return;
	}
	r->free_next = f->free_routes;
	f->free_routes = r;
}

static inline uint32_t present_bit(uint32_t prefix, uint8_t len)
{
	return (1u << len) | (len ? prefix >> (32 - len) : 0);
}

static inline bool present_test(const struct fib4 *f, uint32_t bit)
{
	return f->present[bit / 64] & (1ULL << (bit % 64));
}

static inline void present_set(struct fib4 *f, uint32_t bit, bool on)
{
	if (on)
		f->present[bit / 64] |= 1ULL << (bit % 64);
	else
		f->present[bit / 64] &= ~(1ULL << (bit % 64));
}

/* Groups that can be allocated, after a grace period if need be. */
static uint32_t fib4_groups_free(const struct fib4 *f)
{
	return f->free_count + f->pending;
}

/* Caller checked fib4_groups_free(). */
static uint32_t fib4_group_alloc(struct fib4 *f)
{
	uint32_t g;

	if (!f->free_count) {
		/* every reader that may still hold a pending group's index
		 * has finished once the grace period is over
		 */
		if (f->synchronize)
			f->synchronize(f->sync_arg);
		f->free_count = f->pending;
		f->pending = 0;
	}
	g = f->free_ring[f->free_head];

	f->free_head = (f->free_head + 1) % f->tbl8_groups;
	f->free_count--;
	return g;
}

/*
 * Freed groups go to the tail of the FIFO and allocation takes the head, so
 * a group is reused as late as possible.  Why: a datapath reader on another
 * CPU may have loaded the tbl24 entry (EXT | g) just before we rewrote it to
 * the plain value, and reads tbl8[g] only afterwards.  A freed group is not
 * cleared, and at the time it is freed every entry holds the answer of the
 * route covering the whole /24, so such a late reader still gets the right
 * nexthop as long as g is not refilled.  Reusing g at once (LIFO) would
 * refill it for another /24 and hand that reader a nexthop for a different
 * prefix: wrong for an address whose route did not change.  An XDP program
 * holds the group index for one packet (a single RCU read-side section,
 * well under a microsecond); with the FIFO, g is refilled only after every
 * other free group was allocated, which in practice takes far longer.  It
 * is not a hard guarantee by itself: freed groups are therefore "pending"
 * until a grace period (the synchronize callback: in zebra an RCU grace
 * period through membarrier, which outlasts every XDP program run that
 * began before it) has passed, and only then reused.
 */
static void fib4_group_free(struct fib4 *f, uint32_t g)
{
	uint32_t tail = (f->free_head + f->free_count + f->pending) %
			f->tbl8_groups;

	f->free_ring[tail] = g;
	f->pending++;
}

void fib4_set_synchronize(struct fib4 *f, void (*fn)(void *arg), void *arg)
{
	f->synchronize = fn;
	f->sync_arg = arg;
}

/*
 * Longest installed route strictly shorter than len that covers prefix:
 * hash lookups for lengths 24..31 (only for long routes, and only lengths
 * that have routes), presence bits for 0..23, then one lookup for the nhg.
 */
static const struct fib4_route *fib4_cover(const struct fib4 *f,
					   uint32_t prefix, uint8_t len)
{
	uint64_t lens = f->len_present & ((1ULL << len) - 1);
	struct fib4_route key = {};
	const struct fib4_route *r;
	uint8_t l;

	while (lens) {
		l = 63 - __builtin_clzll(lens);
		lens &= ~(1ULL << l);
		if (l <= FIB4_PRESENT_MAX &&
		    !present_test(f, present_bit(prefix, l)))
			continue;
		key.prefix = prefix & fib4_mask(l);
		key.len = l;
		r = fib4_routes_const_find(&f->routes, &key);
		if (r)
			return r;
		/* a set presence bit always has its route */
		assert(l > FIB4_PRESENT_MAX);
	}
	return NULL;
}

/*
 * Write val/depth over every entry of [start, start + n) in group g whose
 * depth is at most depth (add or replace).
 */
static void fib4_tbl8_set(struct fib4 *f, uint32_t g, uint32_t start,
			  uint32_t n, uint16_t val, uint8_t depth)
{
	uint8_t *d = &f->depth8[(size_t)g * XDPFWD_FIB4_BLOCK];
	uint32_t j;

	for (j = start; j < start + n; j++) {
		if (d[j] <= depth) {
			d[j] = depth;
			ent_store(tbl8_ent(f, g, j), val);
		}
	}
}

/*
 * Hand every entry of [start, start + n) in group g that belongs to the
 * route of depth "depth" over to the covering route (delete).
 */
static void fib4_tbl8_restore(struct fib4 *f, uint32_t g, uint32_t start,
			      uint32_t n, uint8_t depth, uint16_t cval,
			      uint8_t cdepth)
{
	uint8_t *d = &f->depth8[(size_t)g * XDPFWD_FIB4_BLOCK];
	uint32_t j;

	for (j = start; j < start + n; j++) {
		if (d[j] == depth) {
			d[j] = cdepth;
			ent_store(tbl8_ent(f, g, j), cval);
		}
	}
}

/* Routes of length <= 24: a range of tbl24 entries. */
static void fib4_write_short(struct fib4 *f, uint32_t prefix, uint8_t len,
			     uint16_t nhg)
{
	uint32_t first = prefix >> 8, n = 1u << (24 - len), i;
	uint8_t depth = len + 1;
	uint8_t d;

	for (i = first; i < first + n; i++) {
		d = f->depth24[i];
		if ((d & D24_DEPTH_MASK) > depth)
			continue; /* a more specific route owns this /24 */
		f->depth24[i] = depth | (d & (D24_EXT | D24_DEGRADED));
		if (d & D24_DEGRADED)
			continue; /* stays KERNEL until restored */
		if (d & D24_EXT)
			fib4_tbl8_set(f,
				      ent_load(tbl24_ent(f, i)) &
					      XDPFWD_FIB4_VAL_MASK,
				      0, XDPFWD_FIB4_BLOCK, nhg, depth);
		else
			ent_store(tbl24_ent(f, i), nhg);
	}
}

static void fib4_unwrite_short(struct fib4 *f, uint32_t prefix, uint8_t len,
			       uint16_t cval, uint8_t cdepth)
{
	uint32_t first = prefix >> 8, n = 1u << (24 - len), i;
	uint8_t depth = len + 1;
	uint8_t d;

	for (i = first; i < first + n; i++) {
		d = f->depth24[i];
		if ((d & D24_DEPTH_MASK) != depth)
			continue; /* a more specific route owns this /24 */
		f->depth24[i] = cdepth | (d & (D24_EXT | D24_DEGRADED));
		if (d & D24_DEGRADED)
			continue;
		if (d & D24_EXT)
			fib4_tbl8_restore(f,
					  ent_load(tbl24_ent(f, i)) &
						  XDPFWD_FIB4_VAL_MASK,
					  0, XDPFWD_FIB4_BLOCK, depth, cval,
					  cdepth);
		else
			ent_store(tbl24_ent(f, i), cval);
	}
}

/*
 * Routes longer than /24: a range inside the tbl8 group of their /24; the
 * caller made sure a group is free when the /24 has none yet.
 */
static void fib4_write_long(struct fib4 *f, uint32_t prefix, uint8_t len,
			    uint16_t nhg, bool new_route)
{
	uint32_t i = prefix >> 8, start = prefix & 0xff, n = 1u << (32 - len);
	uint16_t *t24 = tbl24_ent(f, i);
	uint16_t e = ent_load(t24);
	uint8_t d = f->depth24[i];
	uint32_t g, j;

	if (d & D24_EXT) {
		g = e & XDPFWD_FIB4_VAL_MASK;
		fib4_tbl8_set(f, g, start, n, nhg, len + 1);
		if (new_route)
			f->group_refs[g]++;
		return;
	}

	/*
	 * New group: every entry starts as what the /24 resolves to now,
	 * then the new route's range; only then is the group published.
	 * The release store orders all the group's stores before the tbl24
	 * entry; the datapath's tbl8 read depends on the tbl24 value.
	 */
	g = fib4_group_alloc(f);
	for (j = 0; j < XDPFWD_FIB4_BLOCK; j++) {
		f->depth8[(size_t)g * XDPFWD_FIB4_BLOCK + j] = d;
		ent_store(tbl8_ent(f, g, j), e);
	}
	fib4_tbl8_set(f, g, start, n, nhg, len + 1);
	f->group_refs[g] = 1;
	__atomic_store_n(t24, XDPFWD_FIB4_EXT | g, __ATOMIC_RELEASE);
	f->depth24[i] = d | D24_EXT;
}

static void fib4_unwrite_long(struct fib4 *f, uint32_t prefix, uint8_t len,
			      uint16_t cval, uint8_t cdepth)
{
	uint32_t i = prefix >> 8, start = prefix & 0xff, n = 1u << (32 - len);
	uint16_t *t24 = tbl24_ent(f, i);
	uint32_t g = ent_load(t24) & XDPFWD_FIB4_VAL_MASK;

	assert(f->depth24[i] & D24_EXT);
	assert(ent_load(t24) & XDPFWD_FIB4_EXT);
	fib4_tbl8_restore(f, g, start, n, len + 1, cval, cdepth);
	if (--f->group_refs[g])
		return;

	/*
	 * Last route longer than /24 gone: every entry of the group now
	 * holds the /24's covering route (the one the deleted route handed
	 * its range to), so the plain tbl24 value is the same answer.
	 * Unlink first, then free; the group's contents stay valid for
	 * readers that loaded the old tbl24 entry (see fib4_group_free()).
	 */
	assert(f->depth8[(size_t)g * XDPFWD_FIB4_BLOCK] ==
	       (f->depth24[i] & D24_DEPTH_MASK));
	__atomic_store_n(t24, ent_load(tbl8_ent(f, g, 0)), __ATOMIC_RELEASE);
	f->depth24[i] &= ~D24_EXT;
	fib4_group_free(f, g);
}

static void fib4_write(struct fib4 *f, uint32_t prefix, uint8_t len,
		       uint16_t nhg, bool new_route)
{
	if (len <= 24)
		fib4_write_short(f, prefix, len, nhg);
	else
		fib4_write_long(f, prefix, len, nhg, new_route);
}

/* ---- degraded /24s ---- */

static struct fib4_dg *fib4_dg_find(struct fib4 *f, uint32_t idx)
{
	struct fib4_dg key = { .idx = idx };

	return fib4_dgs_find(&f->dgs, &key);
}

static void fib4_notify(struct fib4 *f, uint32_t idx, bool degraded)
{
	if (f->notify)
		f->notify(idx, degraded, f->notify_arg);
}

/*
 * No group for /24 idx: the whole /24 goes to the kernel.  A single store:
 * before it, the /24 answers with its covering route, which is right for
 * every address except those of the new route, whose packets the kernel
 * (which has the route already) handles once this store is visible.
 */
static struct fib4_dg *fib4_degrade(struct fib4 *f, uint32_t idx)
{
	struct fib4_dg *dg = XCALLOC(MTYPE_XDPFWD_FIB4_DG, sizeof(*dg));

	assert(!(f->depth24[idx] & (D24_EXT | D24_DEGRADED)));
	dg->idx = idx;
	fib4_dgs_add(&f->dgs, dg);
	fib4_dgq_add_tail(&f->dgq, dg);
	f->depth24[idx] |= D24_DEGRADED;
	__atomic_store_n(tbl24_ent(f, idx), XDPFWD_NHG_ID_KERNEL,
			 __ATOMIC_RELEASE);
	return dg;
}

static void fib4_dg_free(struct fib4 *f, struct fib4_dg *dg)
{
	f->depth24[dg->idx] &= ~D24_DEGRADED;
	fib4_dgq_del(&f->dgq, dg);
	fib4_dgs_del(&f->dgs, dg);
	XFREE(MTYPE_XDPFWD_FIB4_DG, dg);
}

/* the value and depth of the longest route of length <= 24 covering idx */
static uint16_t fib4_cover24(const struct fib4 *f, uint32_t idx,
			     uint8_t *depth)
{
	const struct fib4_route *cover = fib4_cover(f, idx << 8, 25);

	*depth = cover ? cover->len + 1 : 0;
	return cover ? cover->nhg : 0;
}

/* last route longer than /24 of a degraded /24 gone: back to its cover */
static void fib4_dg_empty(struct fib4 *f, struct fib4_dg *dg)
{
	uint32_t idx = dg->idx;
	uint8_t cdepth;
	uint16_t cval = fib4_cover24(f, idx, &cdepth);

	assert(cdepth == (f->depth24[idx] & D24_DEPTH_MASK));
	__atomic_store_n(tbl24_ent(f, idx), cval, __ATOMIC_RELEASE);
	fib4_dg_free(f, dg);
	fib4_notify(f, idx, false);
}

/*
 * Give a degraded /24 a group: filled with its cover and every route longer
 * than /24 in it (found by exact lookups, at most 510), then published.
 */
static void fib4_dg_restore(struct fib4 *f, struct fib4_dg *dg)
{
	uint32_t idx = dg->idx, base = idx << 8, g, j, k, nlong = dg->nlong;
	struct fib4_route key = {};
	const struct fib4_route *r;
	uint8_t cdepth;
	uint16_t cval = fib4_cover24(f, idx, &cdepth);
	unsigned int found = 0;

	assert(fib4_groups_free(f));
	assert(cdepth == (f->depth24[idx] & D24_DEPTH_MASK));
	g = fib4_group_alloc(f);
	for (j = 0; j < XDPFWD_FIB4_BLOCK; j++) {
		f->depth8[(size_t)g * XDPFWD_FIB4_BLOCK + j] = cdepth;
		ent_store(tbl8_ent(f, g, j), cval);
	}
	for (uint8_t l = 25; l <= 32; l++) {
		if (!(f->len_present & (1ULL << l)))
			continue;
		for (k = 0; k < (1u << (l - 24)); k++) {
			key.prefix = base | (k << (32 - l));
			key.len = l;
			r = fib4_routes_const_find(&f->routes, &key);
			if (!r)
				continue;
			fib4_tbl8_set(f, g, key.prefix & 0xff, 1u << (32 - l),
				      r->nhg, l + 1);
			found++;
		}
	}
	assert(found == nlong);
	f->group_refs[g] = nlong;
	f->dg_routes -= nlong;
	__atomic_store_n(tbl24_ent(f, idx), XDPFWD_FIB4_EXT | g,
			 __ATOMIC_RELEASE);
	fib4_dg_free(f, dg);
	f->depth24[idx] = cdepth | D24_EXT;
	fib4_notify(f, idx, false);
}

bool fib4_restore_pending(const struct fib4 *f)
{
	return fib4_groups_free(f) && fib4_dgq_count(&f->dgq);
}

unsigned int fib4_restore(struct fib4 *f, unsigned int max)
{
	struct fib4_dg *dg;
	unsigned int n = 0;

	while (n < max && fib4_groups_free(f) &&
	       (dg = fib4_dgq_first(&f->dgq))) {
		fib4_dg_restore(f, dg);
		n++;
	}
	return n;
}

bool fib4_degraded(const struct fib4 *f, uint32_t addr)
{
	return f->depth24[addr >> 8] & D24_DEGRADED;
}

uint32_t fib4_degraded_count(const struct fib4 *f)
{
	return fib4_dgs_count(&f->dgs);
}

uint32_t fib4_degraded_routes(const struct fib4 *f)
{
	return f->dg_routes;
}

int fib4_add(struct fib4 *f, uint32_t prefix, uint8_t len, uint16_t nhg)
{
	struct fib4_dg *dg = NULL;
	bool degrade = false;

	struct fib4_route key = {}, *r;

	if (len > 32 || nhg == 0 || nhg > XDPFWD_FIB4_VAL_MASK)
		return -EINVAL;
	key.prefix = prefix & fib4_mask(len);
	key.len = len;

	/*
	 * The table entries are random accesses, as are the hash lookups:
	 * start loading them now so that the misses overlap.
	 */
	__builtin_prefetch(&f->depth24[key.prefix >> 8], 1);
	__builtin_prefetch(tbl24_ent(f, key.prefix >> 8), 1);

	r = fib4_routes_find(&f->routes, &key);
	if (r) {
		if (len > 24 && (f->depth24[key.prefix >> 8] & D24_DEGRADED)) {
			r->nhg = nhg; /* written when the /24 is restored */
			return FIB4_DEGRADED;
		}
		/* replace: owns exactly the entries it owned before */
		if (r->nhg != nhg) {
			r->nhg = nhg;
			fib4_write(f, r->prefix, len, nhg, false);
		}
		return 0;
	}

	if (len > 24) {
		uint8_t d = f->depth24[key.prefix >> 8];

		if (d & D24_DEGRADED)
			dg = fib4_dg_find(f, key.prefix >> 8);
		else if (!(d & D24_EXT) && !fib4_groups_free(f))
			degrade = true;
	}

	r = fib4_route_alloc(f);
	*r = key;
	r->nhg = nhg;
	fib4_routes_add(&f->routes, r);
	f->len_count[len]++;
	f->len_present |= 1ULL << len;
	if (len <= FIB4_PRESENT_MAX)
		present_set(f, present_bit(key.prefix, len), true);

	if (degrade)
		dg = fib4_degrade(f, key.prefix >> 8);
	if (dg) {
		dg->nlong++;
		f->dg_routes++;
		if (degrade)
			fib4_notify(f, key.prefix >> 8, true);
		return FIB4_DEGRADED;
	}
	fib4_write(f, r->prefix, len, nhg, true);
	return 0;
}

int fib4_del(struct fib4 *f, uint32_t prefix, uint8_t len)
{
	struct fib4_route key = {}, *r;
	const struct fib4_route *cover;
	uint16_t cval = 0;
	uint8_t cdepth = 0;

	if (len > 32)
		return -EINVAL;
	key.prefix = prefix & fib4_mask(len);
	key.len = len;

	/* as in fib4_add: overlap the table misses with the hash's */
	__builtin_prefetch(&f->depth24[key.prefix >> 8], 1);
	__builtin_prefetch(tbl24_ent(f, key.prefix >> 8), 1);

	r = fib4_routes_find(&f->routes, &key);
	if (!r)
		return -ENOENT;
	fib4_routes_del(&f->routes, r);
	if (!--f->len_count[len])
		f->len_present &= ~(1ULL << len);
	if (len <= FIB4_PRESENT_MAX)
		present_set(f, present_bit(key.prefix, len), false);

	if (len > 24 && (f->depth24[key.prefix >> 8] & D24_DEGRADED)) {
		struct fib4_dg *dg = fib4_dg_find(f, key.prefix >> 8);

		assert(dg && dg->nlong);
		f->dg_routes--;
		if (!--dg->nlong)
			fib4_dg_empty(f, dg);
		fib4_route_free(f, r);
		return 0;
	}

	/* the deleted route's entries go to the next shorter covering one */
	cover = fib4_cover(f, key.prefix, len);
	if (cover) {
		cval = cover->nhg;
		cdepth = cover->len + 1;
	}
	if (len <= 24)
		fib4_unwrite_short(f, key.prefix, len, cval, cdepth);
	else
		fib4_unwrite_long(f, key.prefix, len, cval, cdepth);

	fib4_route_free(f, r);
	return 0;
}

int fib4_get(const struct fib4 *f, uint32_t prefix, uint8_t len, uint16_t *nhg)
{
	struct fib4_route key = {};
	const struct fib4_route *r;

	if (len > 32)
		return -ENOENT;
	key.prefix = prefix & fib4_mask(len);
	key.len = len;
	r = fib4_routes_const_find(&f->routes, &key);
	if (!r)
		return -ENOENT;
	if (nhg)
		*nhg = r->nhg;
	return 0;
}

uint16_t fib4_lookup(const struct fib4 *f, uint32_t addr)
{
	uint16_t e = ent_load(tbl24_ent(f, addr >> 8));

	if (e & XDPFWD_FIB4_EXT)
		e = ent_load(
			tbl8_ent(f, e & XDPFWD_FIB4_VAL_MASK, addr & 0xff));
	return e;
}

int fib4_verify(const struct fib4 *f, uint32_t prefix, uint8_t len,
		uint16_t *seen)
{
	struct fib4_route key = {};
	const struct fib4_route *r;
	uint32_t idx;
	uint16_t e;
	uint8_t d, depth = len + 1;

	if (len > 32)
		return -ENOENT;
	key.prefix = prefix & fib4_mask(len);
	key.len = len;
	r = fib4_routes_const_find(&f->routes, &key);
	if (!r)
		return -ENOENT;
	idx = key.prefix >> 8;
	e = ent_load(tbl24_ent(f, idx));
	d = f->depth24[idx];
	*seen = e;
	if (d & D24_DEGRADED)
		return e == XDPFWD_NHG_ID_KERNEL ? 0 : -EIO;
	if (d & D24_EXT) {
		uint32_t g = e & XDPFWD_FIB4_VAL_MASK;

		if (!(e & XDPFWD_FIB4_EXT) || g >= f->tbl8_groups)
			return -EIO;
		e = ent_load(tbl8_ent(f, g, key.prefix & 0xff));
		d = f->depth8[(size_t)g * XDPFWD_FIB4_BLOCK +
			      (key.prefix & 0xff)];
		*seen = e;
	} else if (len > 24 || (e & XDPFWD_FIB4_EXT))
		return -EIO;
	if ((d & D24_DEPTH_MASK) > depth)
		return 0; /* a more specific route owns this address */
	if ((d & D24_DEPTH_MASK) < depth || e != r->nhg)
		return -EIO;
	return 0;
}

uint32_t fib4_count(const struct fib4 *f)
{
	return fib4_routes_count(&f->routes);
}

uint32_t fib4_tbl8_used(const struct fib4 *f)
{
	return f->tbl8_groups - fib4_groups_free(f);
}

void fib4_walk(const struct fib4 *f,
	       void (*cb)(uint32_t prefix, uint8_t len, uint16_t nhg,
			  void *arg),
	       void *arg)
{
	const struct fib4_route *r;

	for (r = fib4_routes_const_first(&f->routes); r;
	     r = fib4_routes_const_next(&f->routes, r))
		cb(r->prefix, r->len, r->nhg, arg);
}
