// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd IPv6 FIB builder: direct table + sorted range tables (DXR-like).
 *
 * Why ranges: most IPv6 routes are /48 or shorter and sit sparsely in a
 * 2^48 space, where a multibit trie needs a node per stride per route
 * (kilobytes per /48) unless nodes are compressed with popcount bitmaps,
 * which BPF lacks.  A sorted range table needs about two 12-byte slots
 * per route whatever the prefix lengths, and a binary search over it
 * touches a few cache lines: the upper steps are shared by every lookup in
 * the chunk and stay cached.
 *
 * Userspace shadow state (not in the maps):
 *  - per directory entry: the depth (prefix length + 1, 0 = none) of the
 *    route of length <= XDPFWD_FIB6_DIR_BITS that wrote it, and its chunk
 *    (struct fib6_idx) when routes longer than that exist under it;
 *  - per table: its ranges with, for each, the depth of the route owning
 *    it and the second-level table of a /64 holding longer routes;
 *  - the installed routes in an open-addressing hash table, for exact
 *    lookups and for finding a deleted route's cover.
 * Updates edit the shadow ranges in place (split, overwrite by depth,
 * merge) and then copy the table into fresh slots (copy on write): a
 * reader binary-searching a table must never see it shift.  An update
 * that moves no boundary (most deletes, a route flap, a new nexthop
 * group) only stores the new owners into the published value slots.
 *
 * When the slots run out, the chunk being published is "degraded": its
 * directory entry becomes XDPFWD_NHG_ID_KERNEL (the whole chunk passes to
 * the kernel, which has the routes) and its shadow keeps being updated,
 * so fib6_restore() only has to publish it again.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bigalloc.h"
#include "fib6.h"

#define DIR_BITS XDPFWD_FIB6_DIR_BITS
#define DIR_ENTRIES XDPFWD_FIB6_DIR_ENTRIES
#define CHUNK_SHIFT (64 - DIR_BITS)
#define MAX_ORDER 30

/*
 * A page: up to PAGE_MAX ranges, published as one table of PAGE_MAX + 1
 * slots at most; room for the two splits of one update before the page
 * itself is split.
 */
#ifndef FIB6_PAGE_MAX
#define FIB6_PAGE_MAX 63
#endif
#define PAGE_MAX FIB6_PAGE_MAX
#define PAGE_CAP (PAGE_MAX + 2)
/* neighbour pages this small together are merged */
#define PAGE_MERGE (PAGE_MAX / 2)

struct fib6_idx;

struct fib6_blk {
	uint32_t off;
	uint8_t order;
};

struct fib6_rng {
	uint64_t key;	      /* first key of the range */
	uint32_t val;	      /* owner's nhg, 0 = none */
	uint8_t depth;	      /* owner's length + 1, 0 = none */
	struct fib6_idx *sub; /* second level of this /64, or NULL */
};

struct fib6_page {
	uint64_t lo, hi; /* window of keys, inclusive; r[0].key == lo */
	uint32_t n;
	uint32_t off;	/* published slots */
	uint8_t order;
	bool published;
	bool dirty; /* shadow differs from the published copy */
	struct fib6_rng r[PAGE_CAP];
};

/*
 * A chunk (the ranges under one directory entry, keyed on the upper 64
 * bits) or a second level (one /64, keyed on the lower 64 bits): its
 * pages in key order, published as an index table (first key of each
 * page -> the page's table), or as its only page when it has one.
 */
struct fib6_idx {
	struct fib6_page **pg;
	/*
	 * each page's first key and published slot, next to each other so
	 * that finding a page and writing the index table do not touch
	 * every page
	 */
	uint64_t *plo;
	uint32_t *poff;
	uint32_t np, cap;
	uint32_t dmin, dmax; /* pages changed since the last publication */
	uint64_t lo, hi;
	uint32_t off; /* index table, when has_index */
	uint8_t order;
	bool has_index;
	bool published; /* idx_entry() is valid */
	bool dirty;	/* pages changed since the last publication */
	uint32_t nroutes; /* routes deeper than the base */
	uint64_t lmask;	  /* lengths present: bit (len - base - 1) */
	uint16_t lcnt[64];
	uint32_t idx;	/* chunk: directory index */
	bool degraded;	/* chunk: directory entry is KERNEL */
	struct fib6_idx *dg_next, **dg_pprev; /* degraded queue */
};

/*
 * An installed route, in an open-addressing table (linear probing): the
 * key and value inline, so that an exact lookup of a route not in the
 * cache (every delete, in random order) costs one miss, not a bucket's
 * and a node's.
 */
struct fib6_route {
	uint64_t hi, lo;
	uint32_t nhg;
	uint8_t len;
	bool used;
};

struct fib6 {
	uint32_t *dir;
	uint64_t *keys;
	uint32_t *vals;
	uint32_t nslots;

	uint8_t *dir_depth;
	struct fib6_idx **dir_tbl;
	uint64_t short_lmask; /* lengths 0..DIR_BITS present */
	uint32_t short_lcnt[DIR_BITS + 1];

	/* buddy allocator over the slots */
	uint32_t *fnext, *fprev; /* free lists, by block start */
	uint8_t *ford;		 /* order + 1 of a free block's start */
	uint32_t fhead[MAX_ORDER + 1];
	uint32_t used;		 /* slots allocated, pending included */
	/*
	 * Freed blocks: "defer" during an update, whose old copies may
	 * still be linked from the published tables until its last store;
	 * "pend" once the update is done: reusable after a grace period.
	 */
	struct fib6_blk *defer, *pend;
	uint32_t ndefer, defer_cap, npend, pend_cap;
	uint32_t pend_slots;
	void (*synchronize)(void *arg);
	void *sync_arg;

	/* routes: nroutes <= nslots_rt / 2 */
	struct fib6_route *routes;
	uint32_t nslots_rt, nroutes;

	uint32_t ntables, npages;
	uint64_t ninplace; /* updates done by idx_apply_inplace() */
	/*
	 * One bit per route hash (RECENT_BITS of it), set by a delete and
	 * taken by the next add of a new route with that hash: only such an
	 * add (a flap) tries the in-place path, where a brand-new route
	 * would pay its two searches for nothing.  A collision only costs
	 * that attempt.
	 */
	uint8_t *recent_del;
	struct fib6_idx *dg_head, **dg_tail;
	uint32_t ndg;
};

#define NIL UINT32_MAX

static inline uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

/* mask of the top len bits of a 64-bit half, len 0..64 */
static inline uint64_t mask64(int len)
{
	if (len <= 0)
		return 0;
	if (len >= 64)
		return ~0ULL;
	return ~0ULL << (64 - len);
}

static inline void mask_pfx(uint64_t *hi, uint64_t *lo, uint8_t len)
{
	*hi &= mask64(len);
	*lo &= mask64((int)len - 64);
}

static inline void slot_store32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline void slot_store64(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* ---- buddy allocator over the slots ---- */

static void fl_push(struct fib6 *f, uint32_t off, uint8_t order)
{
	uint32_t h = f->fhead[order];

	f->fnext[off] = h;
	f->fprev[off] = NIL;
	if (h != NIL)
		f->fprev[h] = off;
	f->fhead[order] = off;
	f->ford[off] = order + 1;
}

static void fl_remove(struct fib6 *f, uint32_t off, uint8_t order)
{
	uint32_t n = f->fnext[off], p = f->fprev[off];

	if (p != NIL)
		f->fnext[p] = n;
	else
		f->fhead[order] = n;
	if (n != NIL)
		f->fprev[n] = p;
	f->ford[off] = 0;
}

static void blk_release(struct fib6 *f, uint32_t off, uint8_t order)
{
	while (order < MAX_ORDER) {
		uint32_t buddy = off ^ (1u << order);

		if (buddy >= f->nslots || f->ford[buddy] != order + 1 ||
		    buddy + (1u << order) > f->nslots)
			break;
		fl_remove(f, buddy, order);
		off &= ~(1u << order);
		order++;
	}
	fl_push(f, off, order);
}

static bool blk_take(struct fib6 *f, uint8_t order, uint32_t *off)
{
	uint8_t o = order;
	uint32_t b;

	while (o <= MAX_ORDER && f->fhead[o] == NIL)
		o++;
	if (o > MAX_ORDER)
		return false;
	b = f->fhead[o];
	fl_remove(f, b, o);
	while (o > order) {
		o--;
		fl_push(f, b + (1u << o), o);
	}
	*off = b;
	return true;
}

/* freed blocks may still be read by lookups that began earlier */
static void reclaim(struct fib6 *f)
{
	uint32_t i;

	if (f->synchronize)
		f->synchronize(f->sync_arg);
	for (i = 0; i < f->npend; i++) {
		f->used -= 1u << f->pend[i].order;
		blk_release(f, f->pend[i].off, f->pend[i].order);
	}
	f->npend = 0;
	f->pend_slots = 0;
}

/*
 * Slots waiting for a grace period before one is forced: every update
 * frees the copies it replaced, and reusing them while they are still in
 * the cache (the free lists are LIFO) makes updates several times faster
 * than writing fresh memory; a grace period every few hundred updates
 * costs little.
 */
#define PEND_RECLAIM 32768

/* a block of 2^order slots; false when none (after a grace period) */
static bool blk_alloc(struct fib6 *f, uint8_t order, uint32_t *off)
{
	if (f->pend_slots >= PEND_RECLAIM)
		reclaim(f);
	if (blk_take(f, order, off))
		goto ok;
	if (!f->npend)
		return false;
	reclaim(f);
	if (!blk_take(f, order, off))
		return false;
ok:
	f->used += 1u << order;
	return true;
}

static bool blk_push(struct fib6_blk **v, uint32_t *n, uint32_t *cap,
		     uint32_t off, uint8_t order)
{
	if (*n == *cap) {
		uint32_t c = *cap ? 2 * *cap : 1024;
		void *p = realloc(*v, c * sizeof(**v));

		if (!p)
			return false;
		*v = p;
		*cap = c;
	}
	(*v)[*n].off = off;
	(*v)[*n].order = order;
	(*n)++;
	return true;
}

/*
 * A block no longer wanted by the shadow; the published tables may link
 * it until the current update's last store (defer_flush).  Out of memory
 * to remember it: the block leaks rather than be reused too early.
 */
static void blk_free(struct fib6 *f, uint32_t off, uint8_t order)
{
	blk_push(&f->defer, &f->ndefer, &f->defer_cap, off, order);
}

/* end of an update: its freed blocks are unlinked now */
static void defer_flush(struct fib6 *f)
{
	uint32_t i;

	for (i = 0; i < f->ndefer; i++) {
		if (!blk_push(&f->pend, &f->npend, &f->pend_cap,
			      f->defer[i].off, f->defer[i].order))
			break;
		f->pend_slots += 1u << f->defer[i].order;
	}
	f->ndefer = 0;
}

static uint8_t order_for(uint32_t slots)
{
	uint8_t o = 0;

	while ((1u << o) < slots)
		o++;
	return o;
}

/* ---- routes ---- */

static inline uint32_t route_hash(uint64_t hi, uint64_t lo, uint8_t len)
{
	uint64_t h = hi * 0x9e3779b97f4a7c15ULL ^ lo * 0xc2b2ae3d27d4eb4fULL ^
		     (uint64_t)len * 0x165667b19e3779f9ULL;

	return (uint32_t)(h >> 32);
}

static inline uint32_t route_home(const struct fib6 *f, uint64_t hi,
				  uint64_t lo, uint8_t len)
{
	return route_hash(hi, lo, len) & (f->nslots_rt - 1);
}

/* the route, valid until the next route_insert() or route_remove() */
static struct fib6_route *route_find(const struct fib6 *f, uint64_t hi,
				     uint64_t lo, uint8_t len)
{
	uint32_t mask = f->nslots_rt - 1, i = route_home(f, hi, lo, len);
	struct fib6_route *r;

	for (;; i = (i + 1) & mask) {
		r = &f->routes[i];
		if (!r->used)
			return NULL;
		if (r->hi == hi && r->lo == lo && r->len == len)
			return r;
	}
}

static struct fib6_route *route_place(struct fib6_route *t, uint32_t mask,
				      uint32_t i)
{
	while (t[i].used)
		i = (i + 1) & mask;
	return &t[i];
}

static bool routes_grow(struct fib6 *f)
{
	uint32_t n = f->nslots_rt * 2, i;
	struct fib6_route *t = big_alloc(n * sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < f->nslots_rt; i++) {
		const struct fib6_route *r = &f->routes[i];

		if (r->used)
			*route_place(t, n - 1,
				     route_hash(r->hi, r->lo, r->len) &
					     (n - 1)) = *r;
	}
	big_free(f->routes, f->nslots_rt * sizeof(*f->routes));
	f->routes = t;
	f->nslots_rt = n;
	return true;
}

/* a route not in the table */
static struct fib6_route *route_insert(struct fib6 *f, uint64_t hi,
				       uint64_t lo, uint8_t len, uint32_t nhg)
{
	struct fib6_route *r;

	if (f->nroutes + 1 > f->nslots_rt / 2 && !routes_grow(f))
		return NULL;
	r = route_place(f->routes, f->nslots_rt - 1,
			route_home(f, hi, lo, len));
	r->hi = hi;
	r->lo = lo;
	r->len = len;
	r->nhg = nhg;
	r->used = true;
	f->nroutes++;
	return r;
}

/*
 * Backward-shift deletion: the routes after the hole in its probe run
 * move back when their home is not in (hole, them], so that no lookup
 * stops at the hole before reaching them.
 */
static void route_remove(struct fib6 *f, struct fib6_route *r)
{
	uint32_t mask = f->nslots_rt - 1;
	uint32_t hole = (uint32_t)(r - f->routes), j = hole, home;

	for (;;) {
		j = (j + 1) & mask;
		if (!f->routes[j].used)
			break;
		home = route_home(f, f->routes[j].hi, f->routes[j].lo,
				  f->routes[j].len);
		/* home in the cyclic interval (hole, j]: stays */
		if (((j - home) & mask) < ((j - hole) & mask))
			continue;
		f->routes[hole] = f->routes[j];
		hole = j;
	}
	f->routes[hole].used = false;
	f->nroutes--;
}

/* ---- pages and indexes (shadow) ---- */

static struct fib6_page *page_new(struct fib6 *f, uint64_t lo, uint64_t hi)
{
	struct fib6_page *p = malloc(sizeof(*p));

	if (!p)
		return NULL;
	p->lo = lo;
	p->hi = hi;
	p->n = 0;
	p->published = false;
	p->dirty = true;
	f->npages++;
	return p;
}

static void page_unpublish(struct fib6 *f, struct fib6_page *p)
{
	if (p->published)
		blk_free(f, p->off, p->order);
	p->published = false;
	p->dirty = true;
}

static void idx_unpublish(struct fib6 *f, struct fib6_idx *x);
static void idx_free(struct fib6 *f, struct fib6_idx *x);

static void page_free(struct fib6 *f, struct fib6_page *p)
{
	uint32_t i;

	for (i = 0; i < p->n; i++)
		if (p->r[i].sub)
			idx_free(f, p->r[i].sub);
	page_unpublish(f, p);
	free(p);
	f->npages--;
}

static struct fib6_idx *idx_new(struct fib6 *f, uint64_t lo, uint64_t hi,
				uint32_t val, uint8_t depth)
{
	struct fib6_idx *x = calloc(1, sizeof(*x));
	struct fib6_page *p = page_new(f, lo, hi);

	if (!x || !p) {
		free(x);
		if (p) {
			free(p);
			f->npages--;
		}
		return NULL;
	}
	x->cap = 4;
	x->pg = malloc(x->cap * sizeof(*x->pg));
	x->plo = malloc(x->cap * sizeof(*x->plo));
	x->poff = malloc(x->cap * sizeof(*x->poff));
	if (!x->pg || !x->plo || !x->poff) {
		free(x->pg);
		free(x->plo);
		free(x->poff);
		free(x);
		free(p);
		f->npages--;
		return NULL;
	}
	p->r[0] = (struct fib6_rng){ .key = lo, .val = val, .depth = depth };
	p->n = 1;
	x->pg[0] = p;
	x->plo[0] = lo;
	x->poff[0] = 0;
	x->np = 1;
	x->dmin = 0;
	x->dmax = 0;
	x->lo = lo;
	x->hi = hi;
	x->dirty = true;
	f->ntables++;
	return x;
}

static void idx_unpublish(struct fib6 *f, struct fib6_idx *x)
{
	uint32_t i, j;

	for (i = 0; i < x->np; i++) {
		struct fib6_page *p = x->pg[i];

		for (j = 0; j < p->n; j++)
			if (p->r[j].sub)
				idx_unpublish(f, p->r[j].sub);
		page_unpublish(f, p);
	}
	if (x->has_index)
		blk_free(f, x->off, x->order);
	x->has_index = false;
	x->published = false;
	x->dirty = true;
	x->dmin = 0;
	x->dmax = x->np - 1;
}

/* x and everything under it; x is already unlinked from the maps */
static void idx_free(struct fib6 *f, struct fib6_idx *x)
{
	uint32_t i;

	for (i = 0; i < x->np; i++)
		page_free(f, x->pg[i]);
	if (x->has_index)
		blk_free(f, x->off, x->order);
	free(x->pg);
	free(x->plo);
	free(x->poff);
	free(x);
	f->ntables--;
}

/* index of the range of p holding key k */
static uint32_t page_find(const struct fib6_page *p, uint64_t k)
{
	uint32_t lo = 0, hi = p->n - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi + 1) / 2;

		if (p->r[mid].key <= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* index of the page of x holding key k */
static uint32_t idx_page(const struct fib6_idx *x, uint64_t k)
{
	uint32_t lo = 0, hi = x->np - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi + 1) / 2;

		if (x->plo[mid] <= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* a range of p starts at k: its index (p->n < PAGE_CAP) */
static uint32_t page_split_at(struct fib6_page *p, uint64_t k)
{
	uint32_t i = page_find(p, k);

	if (p->r[i].key == k)
		return i;
	/* a second-level /64 is one key wide: never split inside */
	memmove(&p->r[i + 2], &p->r[i + 1], (p->n - i - 1) * sizeof(*p->r));
	p->r[i + 1] = p->r[i];
	p->r[i + 1].key = k;
	p->r[i + 1].sub = NULL;
	p->n++;
	p->dirty = true;
	return i + 1;
}

/* merge neighbours with the same owner in [a - 1, b] (clamped) */
static void page_merge(struct fib6_page *p, uint32_t a, uint32_t b)
{
	uint32_t w, i;

	if (a > 0)
		a--;
	if (b >= p->n)
		b = p->n - 1;
	w = a;
	for (i = a + 1; i <= b; i++) {
		struct fib6_rng *q = &p->r[w], *c = &p->r[i];

		if (!q->sub && !c->sub && q->val == c->val &&
		    q->depth == c->depth)
			continue;
		p->r[++w] = *c;
	}
	if (w != b) {
		memmove(&p->r[w + 1], &p->r[b + 1],
			(p->n - b - 1) * sizeof(*p->r));
		p->n -= b - w;
		p->dirty = true;
	}
}

enum { OP_ADD, OP_DEL };

static bool idx_apply(struct fib6 *f, struct fib6_idx *x, uint64_t s,
		      uint64_t e, int op, uint32_t val, uint8_t depth,
		      uint8_t odepth);

/*
 * Over [s, e] (inside p's window): OP_ADD gives (val, depth) to every range
 * owned by a route no longer than the new one; OP_DEL gives (val, depth)
 * to every range owned by the deleted route (depth odepth).  Second-level
 * tables follow their /64's owner.
 */
static bool page_apply(struct fib6 *f, struct fib6_page *p, uint64_t s,
		       uint64_t e, int op, uint32_t val, uint8_t depth,
		       uint8_t odepth)
{
	uint32_t i, j, k;

	i = page_split_at(p, s);
	j = e == p->hi ? p->n : page_split_at(p, e + 1);
	for (k = i; k < j; k++) {
		struct fib6_rng *g = &p->r[k];

		if (op == OP_ADD ? g->depth > depth : g->depth != odepth)
			continue;
		if (g->sub && !idx_apply(f, g->sub, 0, ~0ULL, op, val, depth,
					 odepth))
			return false;
		g->val = val;
		g->depth = depth;
		p->dirty = true;
	}
	page_merge(p, i, j);
	return true;
}

/* pages [i, np) changed (or moved) */
static inline void idx_touch(struct fib6_idx *x, uint32_t a, uint32_t b)
{
	if (a < x->dmin)
		x->dmin = a;
	if (b > x->dmax || x->dmax == UINT32_MAX)
		x->dmax = b;
}

static bool idx_grow(struct fib6_idx *x)
{
	struct fib6_page **pg;
	uint64_t *plo;
	uint32_t *poff;

	if (x->np < x->cap)
		return true;
	pg = realloc(x->pg, 2 * x->cap * sizeof(*pg));
	if (!pg)
		return false;
	x->pg = pg;
	plo = realloc(x->plo, 2 * x->cap * sizeof(*plo));
	if (!plo)
		return false;
	x->plo = plo;
	poff = realloc(x->poff, 2 * x->cap * sizeof(*poff));
	if (!poff)
		return false;
	x->poff = poff;
	x->cap *= 2;
	return true;
}

/* page i has more than PAGE_MAX ranges: its upper half becomes page i+1 */
static bool idx_split(struct fib6 *f, struct fib6_idx *x, uint32_t i)
{
	struct fib6_page *p = x->pg[i], *q;
	uint32_t m = p->n / 2;

	if (!idx_grow(x))
		return false;
	q = page_new(f, p->r[m].key, p->hi);
	if (!q)
		return false;
	q->n = p->n - m;
	memcpy(q->r, &p->r[m], q->n * sizeof(*q->r));
	p->n = m;
	p->hi = q->lo - 1;
	p->dirty = true;
	memmove(&x->pg[i + 2], &x->pg[i + 1],
		(x->np - i - 1) * sizeof(*x->pg));
	memmove(&x->plo[i + 2], &x->plo[i + 1],
		(x->np - i - 1) * sizeof(*x->plo));
	memmove(&x->poff[i + 2], &x->poff[i + 1],
		(x->np - i - 1) * sizeof(*x->poff));
	x->pg[i + 1] = q;
	x->plo[i + 1] = q->lo;
	x->poff[i + 1] = 0;
	x->np++;
	idx_touch(x, i, x->np - 1);
	return true;
}

/* pages i and i+1 together are small: one page */
static void idx_join(struct fib6 *f, struct fib6_idx *x, uint32_t i)
{
	struct fib6_page *p = x->pg[i], *q = x->pg[i + 1];
	uint32_t n = p->n;

	memcpy(&p->r[n], q->r, q->n * sizeof(*q->r));
	p->n += q->n;
	p->hi = q->hi;
	p->dirty = true;
	q->n = 0; /* its second levels live on in p */
	page_merge(p, n, n);
	page_free(f, q);
	memmove(&x->pg[i + 1], &x->pg[i + 2],
		(x->np - i - 2) * sizeof(*x->pg));
	memmove(&x->plo[i + 1], &x->plo[i + 2],
		(x->np - i - 2) * sizeof(*x->plo));
	memmove(&x->poff[i + 1], &x->poff[i + 2],
		(x->np - i - 2) * sizeof(*x->poff));
	x->np--;
	if (x->dmax >= x->np)
		x->dmax = x->np - 1;
	idx_touch(x, i, x->np - 1);
}

static bool idx_apply(struct fib6 *f, struct fib6_idx *x, uint64_t s,
		      uint64_t e, int op, uint32_t val, uint8_t depth,
		      uint8_t odepth)
{
	uint32_t i = idx_page(x, s), first = i;

	while (i < x->np && x->plo[i] <= e) {
		struct fib6_page *p = x->pg[i];

		idx_touch(x, i, i);
		if (!page_apply(f, p, s > p->lo ? s : p->lo,
				e < p->hi ? e : p->hi, op, val, depth, odepth))
			return false;
		if (p->n > PAGE_MAX) {
			if (!idx_split(f, x, i))
				return false;
			i++;
		}
		i++;
	}
	/* small neighbours of what changed are joined */
	if (first > 0)
		first--;
	for (; first + 1 < x->np && first <= i; first++) {
		while (first + 1 < x->np &&
		       x->pg[first]->n + x->pg[first + 1]->n <= PAGE_MERGE)
			idx_join(f, x, first);
	}
	x->dirty = true;
	return true;
}

/* ---- publication ---- */

static uint32_t idx_entry(const struct fib6_idx *x)
{
	return XDPFWD_FIB6_EXT | (x->np == 1 ? x->poff[0] : x->off);
}

#define RECENT_BITS 20

static inline bool recent_take(struct fib6 *f, uint32_t h)
{
	uint8_t *b = &f->recent_del[(h & ((1u << RECENT_BITS) - 1)) >> 3];
	uint8_t bit = 1u << (h & 7);
	bool was = *b & bit;

	*b &= ~bit;
	return was;
}

static inline void recent_set(struct fib6 *f, uint32_t h)
{
	f->recent_del[(h & ((1u << RECENT_BITS) - 1)) >> 3] |= 1u << (h & 7);
}

/* an update spanning more pages is copied */
#define INPLACE_PAGES 8

/*
 * An update that only changes owners: [s, e] starts and ends on range
 * boundaries of x's published, clean pages and no range it gives another
 * owner has a second level.  Its new owners are then stored into the
 * published value slots in place (a reader sees each range's old or new
 * owner, and both were right at some moment) instead of copying its
 * pages: a route flap and most deletes, the cost of a few stores.
 * Neighbours left with the same owner are merged by the next copy of
 * their page.  false: not such an update, nothing was changed.
 */
static bool idx_apply_inplace(struct fib6 *f, struct fib6_idx *x,
			      uint64_t s, uint64_t e, int op, uint32_t val,
			      uint8_t depth, uint8_t odepth)
{
	/* the pages [s, e] spans, each with its ranges [a, b) */
	struct {
		struct fib6_page *p;
		uint32_t a, b;
	} span[INPLACE_PAGES];
	uint32_t n = 0, i, k;

	if (!x->published || x->dirty)
		return false;
	for (i = idx_page(x, s); i < x->np && x->plo[i] <= e; i++) {
		struct fib6_page *p = x->pg[i];
		uint64_t ps = s > p->lo ? s : p->lo;
		uint64_t pe = e < p->hi ? e : p->hi;
		uint32_t a, b;

		if (n == INPLACE_PAGES || !p->published || p->dirty)
			return false;
		a = page_find(p, ps);
		b = pe == p->hi ? p->n : page_find(p, pe + 1);
		if (p->r[a].key != ps || (b < p->n && p->r[b].key != pe + 1))
			return false;
		for (k = a; k < b; k++)
			if (p->r[k].sub &&
			    (op == OP_ADD ? p->r[k].depth <= depth
					  : p->r[k].depth == odepth))
				return false;
		span[n].p = p;
		span[n].a = a;
		span[n].b = b;
		n++;
	}
	for (i = 0; i < n; i++) {
		struct fib6_page *p = span[i].p;

		for (k = span[i].a; k < span[i].b; k++) {
			struct fib6_rng *g = &p->r[k];

			if (op == OP_ADD ? g->depth > depth
					 : g->depth != odepth)
				continue;
			g->val = val;
			g->depth = depth;
			slot_store32(&f->vals[p->off + 1 + k], val);
		}
	}
	f->ninplace++;
	return true;
}

static bool idx_write(struct fib6 *f, struct fib6_idx *x);

/* copy p into fresh slots (its second levels first); the old copy is freed */
static bool page_write(struct fib6 *f, struct fib6_page *p)
{
	uint32_t off, i;
	uint8_t order = order_for(p->n + 1);

	for (i = 0; i < p->n; i++) {
		struct fib6_idx *s = p->r[i].sub;

		if (s && (s->dirty || !s->published) && !idx_write(f, s))
			return false;
	}
	if (!blk_alloc(f, order, &off))
		return false;
	for (i = 0; i < p->n; i++) {
		struct fib6_rng *g = &p->r[i];

		slot_store64(&f->keys[off + 1 + i], g->key);
		slot_store32(&f->vals[off + 1 + i],
			     g->sub ? idx_entry(g->sub) | XDPFWD_FIB6_LOW :
				      g->val);
	}
	slot_store64(&f->keys[off], p->n);
	slot_store32(&f->vals[off], 0);
	/* the old copy stays linked until the caller's publishing store */
	if (p->published)
		blk_free(f, p->off, p->order);
	p->off = off;
	p->order = order;
	p->published = true;
	p->dirty = false;
	return true;
}

/*
 * Copy what changed in x into fresh slots: changed pages, then the index
 * table.  x->published then means "idx_entry(x) is valid".  The caller
 * publishes idx_entry(x) with a release store.  false: no room; what was
 * written is freed with the update and x must be unpublished (degraded).
 */
static bool idx_write(struct fib6 *f, struct fib6_idx *x)
{
	uint32_t off, i;
	uint8_t order;

	for (i = x->dmin; i <= x->dmax && i < x->np; i++) {
		struct fib6_page *p = x->pg[i];

		if ((p->dirty || !p->published) && !page_write(f, p))
			return false;
		x->poff[i] = p->off;
	}
	x->dmin = UINT32_MAX;
	x->dmax = UINT32_MAX;
	if (x->has_index)
		blk_free(f, x->off, x->order);
	x->has_index = false;
	x->published = false;
	if (x->np > 1) {
		order = order_for(x->np + 1);
		if (!blk_alloc(f, order, &off))
			return false;
		for (i = 0; i < x->np; i++) {
			slot_store64(&f->keys[off + 1 + i], x->plo[i]);
			slot_store32(&f->vals[off + 1 + i],
				     XDPFWD_FIB6_EXT | x->poff[i]);
		}
		slot_store64(&f->keys[off], x->np);
		slot_store32(&f->vals[off], 0);
		x->off = off;
		x->order = order;
		x->has_index = true;
	}
	x->published = true;
	x->dirty = false;
	return true;
}

/* ---- chunks ---- */

static void dg_enqueue(struct fib6 *f, struct fib6_idx *c)
{
	c->degraded = true;
	c->dg_next = NULL;
	c->dg_pprev = f->dg_tail;
	*f->dg_tail = c;
	f->dg_tail = &c->dg_next;
	f->ndg++;
}

static void dg_dequeue(struct fib6 *f, struct fib6_idx *c)
{
	*c->dg_pprev = c->dg_next;
	if (c->dg_next)
		c->dg_next->dg_pprev = c->dg_pprev;
	else
		f->dg_tail = c->dg_pprev;
	c->degraded = false;
	f->ndg--;
}

/*
 * No room for c: the whole chunk passes to the kernel.  Correct for every
 * address in it (the kernel has every route), unlike its covering route.
 */
static void chunk_degrade(struct fib6 *f, struct fib6_idx *c)
{
	__atomic_store_n(&f->dir[c->idx], XDPFWD_NHG_ID_KERNEL,
			 __ATOMIC_RELEASE);
	idx_unpublish(f, c);
	if (!c->degraded)
		dg_enqueue(f, c);
}

/*
 * Publish c's shadow: new copies of what changed, one release store of
 * the directory entry; the old copies are freed with the update (reused
 * after a grace period).  false: the chunk is (or stays) degraded.
 */
static bool chunk_publish(struct fib6 *f, struct fib6_idx *c)
{
	if (!idx_write(f, c)) {
		chunk_degrade(f, c);
		return false;
	}
	__atomic_store_n(&f->dir[c->idx], idx_entry(c), __ATOMIC_RELEASE);
	if (c->degraded)
		dg_dequeue(f, c);
	return true;
}

/* ---- cover ---- */

/*
 * The longest installed route strictly shorter than len covering
 * (hi, lo), among lengths in (base, len) whose bit (l - base - 1) is set
 * in lmask, read from x's shadow ranges (keyed on hi, or on lo when low)
 * where they tell, from the hash where they cannot: a route P of length l
 * covering the deleted route covers the point b where P starts, so the
 * range holding b is owned by P or by a route inside P (depth >= l + 1);
 * depth exactly l + 1 is P itself (one prefix of length l holds b), less
 * means there is no P.  In a nested table most candidate lengths are
 * ruled out by a range already in the cache instead of a hash miss.
 */
static bool cover_ranges(const struct fib6 *f, const struct fib6_idx *x,
			 bool low, uint64_t hi, uint64_t lo, uint8_t len,
			 uint8_t base, uint64_t lmask, uint32_t *cval,
			 uint8_t *cdepth)
{
	const struct fib6_page *p = NULL;
	uint32_t i = 0;
	int l;

	for (l = len - 1; l > base; l--) {
		const struct fib6_route *r;
		const struct fib6_rng *g;
		uint64_t hh = hi, w = lo, k;

		if (!(lmask & (1ULL << (l - base - 1))))
			continue;
		mask_pfx(&hh, &w, l);
		k = low ? w : hh;
		/*
		 * k only decreases as l does: walk back from the last range
		 * found while it stays in the same page (a few predictable
		 * steps, where a binary search per length mispredicts half
		 * of its branches)
		 */
		if (p && k >= p->lo) {
			while (p->r[i].key > k)
				i--;
		} else {
			p = x->pg[idx_page(x, k)];
			i = page_find(p, k);
		}
		g = &p->r[i];
		if (g->depth < l + 1)
			continue;
		if (g->depth == l + 1) {
			*cval = g->val;
			*cdepth = l + 1;
			return true;
		}
		r = route_find(f, hh, w, l);
		if (r) {
			*cval = r->nhg;
			*cdepth = l + 1;
			return true;
		}
	}
	return false;
}

static void short_cover(const struct fib6 *f, uint64_t hi, uint8_t len,
			uint32_t *cval, uint8_t *cdepth)
{
	int l;

	*cval = 0;
	*cdepth = 0;
	for (l = len - 1; l >= 0; l--) {
		const struct fib6_route *r;

		if (!(f->short_lmask & (1ULL << l)))
			continue;
		r = route_find(f, hi & mask64(l), 0, l);
		if (r) {
			*cval = r->nhg;
			*cdepth = l + 1;
			return;
		}
	}
}

static inline void lcount(struct fib6_idx *x, uint8_t rel, int d)
{
	x->lcnt[rel] += d;
	if (x->lcnt[rel])
		x->lmask |= 1ULL << rel;
	else
		x->lmask &= ~(1ULL << rel);
}

/* ---- public ---- */

struct fib6 *fib6_create(uint32_t *dir, uint64_t *keys, uint32_t *vals,
			 uint32_t nslots)
{
	struct fib6 *f;
	uint32_t off, i;

	if (!dir || !keys || !vals || nslots < 2 || nslots > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->dir = dir;
	f->keys = keys;
	f->vals = vals;
	f->nslots = nslots;
	f->dir_depth = big_alloc(DIR_ENTRIES);
	f->dir_tbl = big_alloc(DIR_ENTRIES * sizeof(*f->dir_tbl));
	f->fnext = malloc(nslots * sizeof(*f->fnext));
	f->fprev = malloc(nslots * sizeof(*f->fprev));
	f->ford = calloc(nslots, 1);
	f->nslots_rt = 1024;
	f->routes = big_alloc(f->nslots_rt * sizeof(*f->routes));
	f->recent_del = calloc(1u << (RECENT_BITS - 3), 1);
	if (!f->dir_depth || !f->dir_tbl || !f->fnext || !f->fprev ||
	    !f->ford || !f->routes || !f->recent_del) {
		fib6_destroy(f);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i <= MAX_ORDER; i++)
		f->fhead[i] = NIL;
	/* the pool as aligned power-of-two blocks */
	for (off = 0; off < nslots;) {
		uint8_t o = MAX_ORDER;

		while ((off & ((1u << o) - 1)) || off + (1u << o) > nslots)
			o--;
		fl_push(f, off, o);
		off += 1u << o;
	}
	f->dg_tail = &f->dg_head;
	return f;
}

void fib6_destroy(struct fib6 *f)
{
	uint32_t i;

	if (!f)
		return;
	if (f->dir_tbl) {
		for (i = 0; i < DIR_ENTRIES; i++)
			if (f->dir_tbl[i])
				idx_free(f, f->dir_tbl[i]);
	}
	big_free(f->dir_depth, DIR_ENTRIES);
	big_free(f->dir_tbl, DIR_ENTRIES * sizeof(*f->dir_tbl));
	free(f->fnext);
	free(f->fprev);
	free(f->ford);
	free(f->pend);
	free(f->defer);
	big_free(f->routes, f->nslots_rt * sizeof(*f->routes));
	free(f->recent_del);
	free(f);
}

void fib6_set_synchronize(struct fib6 *f, void (*fn)(void *arg), void *arg)
{
	f->synchronize = fn;
	f->sync_arg = arg;
}

/* routes of length <= DIR_BITS: a run of directory entries */
static void write_short(struct fib6 *f, uint64_t hi, uint8_t len, int op,
			uint32_t val, uint8_t depth, uint8_t odepth)
{
	uint32_t first = (uint32_t)(hi >> CHUNK_SHIFT);
	uint32_t n = 1u << (DIR_BITS - len), i;

	for (i = first; i < first + n; i++) {
		uint8_t d = f->dir_depth[i];
		struct fib6_idx *c = f->dir_tbl[i];

		if (op == OP_ADD ? d > depth : d != odepth)
			continue;
		f->dir_depth[i] = depth;
		if (!c) {
			__atomic_store_n(&f->dir[i], val, __ATOMIC_RELEASE);
			continue;
		}
		/*
		 * The chunk's base ranges follow; out of memory for the
		 * shadow (a few ranges) leaves the chunk degraded, never
		 * wrong, since it is then not published.
		 */
		if (!idx_apply(f, c, c->lo, c->hi, op, val, depth, odepth)) {
			chunk_degrade(f, c);
			continue;
		}
		if (!c->degraded)
			chunk_publish(f, c);
	}
}

/* the page of chunk c holding /64 k, split so that k is a range of its own */
static struct fib6_page *own_range(struct fib6 *f, struct fib6_idx *c,
				   uint64_t k, uint32_t *ri)
{
	uint32_t pi = idx_page(c, k), i;
	struct fib6_page *p = c->pg[pi];

	idx_touch(c, pi, pi);
	i = page_split_at(p, k);
	if (k != p->hi)
		page_split_at(p, k + 1);
	if (p->n > PAGE_MAX) {
		if (!idx_split(f, c, pi))
			return NULL;
		if (k >= c->plo[pi + 1])
			pi++;
		p = c->pg[pi];
		i = page_find(p, k);
	}
	*ri = i;
	return p;
}

static int add(struct fib6 *f, const uint8_t addr[16], uint8_t len,
	       uint32_t nhg)
{
	uint64_t hi = be64_at(addr), lo = be64_at(addr + 8);
	struct fib6_route *r;
	struct fib6_idx *c, *s;
	struct fib6_page *p;
	uint32_t idx, i;
	uint8_t depth = len + 1;
	bool isnew, inplace;

	if (len > 128 || nhg == 0 || nhg > XDPFWD_FIB6_VAL_MASK)
		return -EINVAL;
	mask_pfx(&hi, &lo, len);
	idx = (uint32_t)(hi >> CHUNK_SHIFT);
	__builtin_prefetch(&f->dir_tbl[idx]);

	r = route_find(f, hi, lo, len);
	isnew = !r;
	/* in place: a new nexthop group, or a route deleted lately */
	inplace = !isnew || recent_take(f, route_hash(hi, lo, len));
	if (r) {
		if (r->nhg == nhg) {
			c = len > DIR_BITS ? f->dir_tbl[idx] : NULL;
			return c && c->degraded ? FIB6_DEGRADED : 0;
		}
		r->nhg = nhg;
	} else {
		r = route_insert(f, hi, lo, len, nhg);
		if (!r)
			return -ENOMEM;
	}

	if (len <= DIR_BITS) {
		if (isnew) {
			f->short_lcnt[len]++;
			f->short_lmask |= 1ULL << len;
		}
		write_short(f, hi, len, OP_ADD, nhg, depth, 0);
		return 0;
	}

	c = f->dir_tbl[idx];
	if (!c) {
		uint64_t clo = (uint64_t)idx << CHUNK_SHIFT;
		uint32_t dv = f->dir_depth[idx] ? f->dir[idx] : 0;

		c = idx_new(f, clo, clo | (~0ULL >> DIR_BITS), dv,
			    f->dir_depth[idx]);
		if (!c)
			goto nomem;
		c->idx = idx;
		f->dir_tbl[idx] = c;
	}
	if (isnew) {
		c->nroutes++;
		if (len <= 64)
			lcount(c, len - DIR_BITS - 1, 1);
	}
	if (len <= 64) {
		if (inplace && !c->degraded &&
		    idx_apply_inplace(f, c, hi, hi + ~mask64(len), OP_ADD, nhg,
				      depth, 0))
			return 0;
		if (!idx_apply(f, c, hi, hi + ~mask64(len), OP_ADD, nhg, depth,
			       0))
			goto nomem_chunk;
	} else {
		bool counted = false;

		/* the /64 already has its second level: maybe in place */
		p = c->pg[idx_page(c, hi)];
		i = page_find(p, hi);
		s = p->r[i].key == hi ? p->r[i].sub : NULL;
		if (inplace && s && !c->degraded) {
			if (isnew) {
				s->nroutes++;
				lcount(s, len - 65, 1);
			}
			counted = true;
			if (idx_apply_inplace(f, s, lo, lo + ~mask64(len - 64),
					      OP_ADD, nhg, depth, 0))
				return 0;
		}
		p = own_range(f, c, hi, &i);
		if (!p)
			goto nomem_chunk;
		s = p->r[i].sub;
		if (!s) {
			s = idx_new(f, 0, ~0ULL, p->r[i].val, p->r[i].depth);
			if (!s)
				goto nomem_chunk;
			p->r[i].sub = s;
		}
		if (isnew && !counted) {
			s->nroutes++;
			lcount(s, len - 65, 1);
		}
		p->dirty = true;
		if (!idx_apply(f, s, lo, lo + ~mask64(len - 64), OP_ADD, nhg,
			       depth, 0))
			goto nomem_chunk;
	}
	if (c->degraded)
		return FIB6_DEGRADED;
	return chunk_publish(f, c) ? 0 : FIB6_DEGRADED;

nomem_chunk:
	/* the shadow may lack the route: keep the kernel answering */
	chunk_degrade(f, c);
	return FIB6_DEGRADED;
nomem:
	if (isnew)
		route_remove(f, r);
	return -ENOMEM;
}

static int del(struct fib6 *f, const uint8_t addr[16], uint8_t len)
{
	uint64_t hi = be64_at(addr), lo = be64_at(addr + 8);
	struct fib6_route *r;
	struct fib6_idx *c, *s;
	struct fib6_page *p;
	uint32_t idx, i, cval = 0;
	uint8_t depth = len + 1, cdepth = 0;

	if (len > 128)
		return -ENOENT;
	mask_pfx(&hi, &lo, len);
	idx = (uint32_t)(hi >> CHUNK_SHIFT);
	r = route_find(f, hi, lo, len);
	if (!r)
		return -ENOENT;
	route_remove(f, r);
	recent_set(f, route_hash(hi, lo, len));

	if (len <= DIR_BITS) {
		if (!--f->short_lcnt[len])
			f->short_lmask &= ~(1ULL << len);
		short_cover(f, hi, len, &cval, &cdepth);
		write_short(f, hi, len, OP_DEL, cval, cdepth, depth);
		return 0;
	}

	c = f->dir_tbl[idx];
	c->nroutes--;
	if (len <= 64) {
		lcount(c, len - DIR_BITS - 1, -1);
		if (cover_ranges(f, c, false, hi, 0, len, DIR_BITS, c->lmask,
				 &cval, &cdepth)) {
			/* found */
		} else if (f->dir_depth[idx]) {
			/* the chunk's base: the directory entry's route */
			short_cover(f, hi, DIR_BITS + 1, &cval, &cdepth);
		}
		if (c->nroutes && !c->degraded &&
		    idx_apply_inplace(f, c, hi, hi + ~mask64(len), OP_DEL,
				      cval, cdepth, depth))
			return 0;
		if (!idx_apply(f, c, hi, hi + ~mask64(len), OP_DEL, cval,
			       cdepth, depth)) {
			chunk_degrade(f, c);
			return FIB6_DEGRADED;
		}
	} else {
		uint32_t pi = idx_page(c, hi);

		p = c->pg[pi];
		i = page_find(p, hi);
		s = p->r[i].sub;
		s->nroutes--;
		lcount(s, len - 65, -1);
		if (!cover_ranges(f, s, true, hi, lo, len, 64, s->lmask,
				  &cval, &cdepth)) {
			/* the /64's owner among routes of length <= 64 */
			cval = p->r[i].val;
			cdepth = p->r[i].depth;
		}
		if (s->nroutes && !c->degraded &&
		    idx_apply_inplace(f, s, lo, lo + ~mask64(len - 64), OP_DEL,
				      cval, cdepth, depth))
			return 0;
		idx_touch(c, pi, pi);
		p->dirty = true;
		if (!idx_apply(f, s, lo, lo + ~mask64(len - 64), OP_DEL, cval,
			       cdepth, depth)) {
			chunk_degrade(f, c);
			return FIB6_DEGRADED;
		}
		if (!s->nroutes) {
			/* c's next copy no longer points to s */
			p->r[i].sub = NULL;
			idx_free(f, s);
			page_merge(p, i, i + 1);
		}
	}

	if (!c->nroutes) {
		/* only the base is left: back to a plain directory entry */
		__atomic_store_n(&f->dir[idx],
				 f->dir_depth[idx] ? c->pg[0]->r[0].val : 0,
				 __ATOMIC_RELEASE);
		if (c->degraded)
			dg_dequeue(f, c);
		f->dir_tbl[idx] = NULL;
		idx_free(f, c);
		return 0;
	}
	if (c->degraded)
		return FIB6_DEGRADED;
	return chunk_publish(f, c) ? 0 : FIB6_DEGRADED;
}

int fib6_add(struct fib6 *f, const uint8_t addr[16], uint8_t len,
	     uint32_t nhg)
{
	int ret = add(f, addr, len, nhg);

	defer_flush(f);
	return ret;
}

int fib6_del(struct fib6 *f, const uint8_t addr[16], uint8_t len)
{
	int ret = del(f, addr, len);

	defer_flush(f);
	return ret;
}

int fib6_get(const struct fib6 *f, const uint8_t addr[16], uint8_t len,
	     uint32_t *nhg)
{
	uint64_t hi = be64_at(addr), lo = be64_at(addr + 8);
	const struct fib6_route *r;

	if (len > 128)
		return -ENOENT;
	mask_pfx(&hi, &lo, len);
	r = route_find(f, hi, lo, len);
	if (!r)
		return -ENOENT;
	if (nhg)
		*nhg = r->nhg;
	return 0;
}

/* the datapath's binary search (bpf/fib6.h), on the same slots */
static uint32_t search(const struct fib6 *f, uint32_t off, uint64_t k)
{
	uint32_t n = (uint32_t)__atomic_load_n(&f->keys[off], __ATOMIC_ACQUIRE);
	uint32_t lo = 1, hi = n, step;

	for (step = 0; step < XDPFWD_FIB6_STEPS && lo < hi; step++) {
		uint32_t mid = (lo + hi + 1) / 2;

		if (__atomic_load_n(&f->keys[off + mid], __ATOMIC_RELAXED) <= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	return __atomic_load_n(&f->vals[off + lo], __ATOMIC_RELAXED);
}

uint32_t fib6_lookup(const struct fib6 *f, const uint8_t addr[16])
{
	uint64_t k = be64_at(addr), lo = be64_at(addr + 8);
	uint32_t e, i;

	e = __atomic_load_n(&f->dir[k >> CHUNK_SHIFT], __ATOMIC_ACQUIRE);
	for (i = 0; i < XDPFWD_FIB6_LEVELS; i++) {
		if (!(e & XDPFWD_FIB6_EXT))
			return e;
		if (e & XDPFWD_FIB6_LOW)
			k = lo;
		e = search(f, e & XDPFWD_FIB6_OFF_MASK, k);
	}
	return e & XDPFWD_FIB6_EXT ? 0 : e;
}

static const struct fib6_rng *idx_rng(const struct fib6_idx *x, uint64_t k)
{
	const struct fib6_page *p = x->pg[idx_page(x, k)];

	return &p->r[page_find(p, k)];
}

uint32_t fib6_expect(const struct fib6 *f, const uint8_t addr[16])
{
	uint64_t hi = be64_at(addr), lo = be64_at(addr + 8);
	uint32_t idx = (uint32_t)(hi >> CHUNK_SHIFT);
	const struct fib6_idx *c = f->dir_tbl[idx];
	const struct fib6_rng *g;

	if (!c)
		return f->dir_depth[idx] ? f->dir[idx] : 0;
	if (c->degraded)
		return XDPFWD_NHG_ID_KERNEL;
	g = idx_rng(c, hi);
	if (g->sub)
		g = idx_rng(g->sub, lo);
	return g->val;
}

uint32_t fib6_count(const struct fib6 *f)
{
	return f->nroutes;
}

uint64_t fib6_inplace_count(const struct fib6 *f)
{
	return f->ninplace;
}

uint32_t fib6_slots_used(const struct fib6 *f)
{
	return f->used;
}

uint32_t fib6_slots_live(const struct fib6 *f)
{
	uint32_t i, n = f->used;

	for (i = 0; i < f->npend; i++)
		n -= 1u << f->pend[i].order;
	return n;
}

uint32_t fib6_tables(const struct fib6 *f)
{
	return f->ntables;
}

uint32_t fib6_pages(const struct fib6 *f)
{
	return f->npages;
}

bool fib6_degraded(const struct fib6 *f, const uint8_t addr[16])
{
	const struct fib6_idx *c = f->dir_tbl[be64_at(addr) >> CHUNK_SHIFT];

	return c && c->degraded;
}

uint32_t fib6_degraded_count(const struct fib6 *f)
{
	return f->ndg;
}

bool fib6_restore_pending(const struct fib6 *f)
{
	return f->ndg != 0;
}

unsigned int fib6_restore(struct fib6 *f, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && f->dg_head) {
		struct fib6_idx *c = f->dg_head;

		if (!chunk_publish(f, c))
			break; /* still no room: c stays first in line */
		n++;
	}
	defer_flush(f);
	return n;
}

void fib6_walk(const struct fib6 *f,
	       void (*cb)(const uint8_t addr[16], uint8_t len, uint32_t nhg,
			  void *arg),
	       void *arg)
{
	const struct fib6_route *r;
	uint8_t a[16];
	uint32_t i;

	for (i = 0; i < f->nslots_rt; i++) {
		r = &f->routes[i];
		if (!r->used)
			continue;
		put_be64(a, r->hi);
		put_be64(a + 8, r->lo);
		cb(a, r->len, r->nhg, arg);
	}
}
