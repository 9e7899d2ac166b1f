// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the IPv4 DIR-24-8 builder (plugin/fib4.c) on calloc'd
 * tables: table-driven cases, a concurrent reader, and randomized route
 * sets compared with a naive longest-prefix match over a plain list.
 * With too few tbl8 groups, the expected result for an address in a /24
 * that needs a group and has none ("degraded") is a pass to the kernel
 * (XDPFWD_NHG_ID_KERNEL), never the covering route's nexthop.
 *
 * Environment: FIB4_SEED (random seed, printed), FIB4_ROUTES (routes per
 * random run, default 5000; smaller under valgrind).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/lib/fib4.h"
#include "tests/tap.h"
#include "splitmix.h"


static uint32_t mask_of(unsigned int len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

static const char *fmt_pfx(uint32_t prefix, unsigned int len)
{
	static char buf[4][32];
	static unsigned int n;
	char *b = buf[n++ % 4];
	struct in_addr a = { .s_addr = htonl(prefix) };

	snprintf(b, sizeof(buf[0]), "%s/%u", inet_ntoa(a), len);
	return b;
}

/* "a.b.c.d[/len]"; len may be out of range on purpose (invalid args) */
static void parse_pfx(const char *s, uint32_t *prefix, unsigned int *len)
{
	char buf[32];
	char *slash;
	struct in_addr a;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	*len = 32;
	if (slash) {
		*slash = '\0';
		*len = atoi(slash + 1);
	}
	if (inet_pton(AF_INET, buf, &a) != 1) {
		fprintf(stderr, "bad prefix in test table: %s\n", s);
		exit(2);
	}
	*prefix = ntohl(a.s_addr);
}

/* ---- tables ---- */

struct tables {
	struct xdpfwd_fib4_block *tbl24;
	struct xdpfwd_fib4_block *tbl8;
	uint32_t groups;
	struct fib4 *f;
};

static bool tables_new(struct tables *t, uint32_t groups)
{
	t->groups = groups;
	t->tbl24 = calloc(XDPFWD_TBL24_BLOCKS, sizeof(*t->tbl24));
	t->tbl8 = calloc(groups, sizeof(*t->tbl8));
	t->f = t->tbl24 && t->tbl8 ? fib4_create(t->tbl24, t->tbl8, groups)
				   : NULL;
	if (!t->f) {
		fprintf(stderr, "cannot allocate tables: %s\n",
			strerror(errno));
		exit(2);
	}
	return true;
}

static void tables_free(struct tables *t)
{
	fib4_destroy(t->f);
	free(t->tbl24);
	free(t->tbl8);
	memset(t, 0, sizeof(*t));
}

static uint16_t raw24(const struct tables *t, uint32_t addr)
{
	return t->tbl24[addr >> 16].entry[(addr >> 8) & 0xff];
}

/* ---- reference: a plain list and a linear longest-prefix match ---- */

struct ref_route {
	uint32_t prefix;
	uint8_t len;
	uint16_t nhg;
};

struct ref {
	struct ref_route *r;
	unsigned int n, cap;
};

static int ref_find(const struct ref *ref, uint32_t prefix, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < ref->n; i++)
		if (ref->r[i].prefix == prefix && ref->r[i].len == len)
			return i;
	return -1;
}

static void ref_add(struct ref *ref, uint32_t prefix, unsigned int len,
		    uint16_t nhg)
{
	int i;

	prefix &= mask_of(len);
	i = ref_find(ref, prefix, len);
	if (i >= 0) {
		ref->r[i].nhg = nhg;
		return;
	}
	if (ref->n == ref->cap) {
		ref->cap = ref->cap ? ref->cap * 2 : 64;
		ref->r = realloc(ref->r, ref->cap * sizeof(*ref->r));
		if (!ref->r)
			exit(2);
	}
	ref->r[ref->n++] = (struct ref_route){ prefix, len, nhg };
}

static void ref_del(struct ref *ref, uint32_t prefix, unsigned int len)
{
	int i = ref_find(ref, prefix & mask_of(len), len);

	if (i >= 0)
		ref->r[i] = ref->r[--ref->n];
}

static uint16_t ref_lookup(const struct ref *ref, uint32_t addr)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < ref->n; i++) {
		if ((addr & mask_of(ref->r[i].len)) != ref->r[i].prefix)
			continue;
		if (best < 0 || ref->r[i].len > ref->r[best].len)
			best = i;
	}
	return best < 0 ? 0 : ref->r[best].nhg;
}

/* a route longer than /24 in the /24 of addr? (needs a tbl8 group) */
static bool ref_has_long(const struct ref *ref, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < ref->n; i++)
		if (ref->r[i].len > 24 &&
		    (ref->r[i].prefix >> 8) == (addr >> 8))
			return true;
	return false;
}

static unsigned int ref_groups_needed(const struct ref *ref)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < ref->n; i++) {
		if (ref->r[i].len <= 24)
			continue;
		for (j = 0; j < i; j++)
			if (ref->r[j].len > 24 &&
			    ref->r[j].prefix >> 8 == ref->r[i].prefix >> 8)
				break;
		if (j == i)
			n++;
	}
	return n;
}

/* ---- full comparison of the tables with the reference ---- */

struct walk_ctx {
	const struct ref *ref;
	unsigned int n, bad;
};

static void walk_cb(uint32_t prefix, uint8_t len, uint16_t nhg, void *arg)
{
	struct walk_ctx *w = arg;
	int i = ref_find(w->ref, prefix, len);

	w->n++;
	if (i < 0 || w->ref->r[i].nhg != nhg)
		w->bad++;
}

/*
 * The naive answer, or a pass to the kernel when addr's /24 is degraded;
 * a /24 may only be degraded if the reference has a route longer than /24
 * in it (checked for the first few degraded addresses: it is a list scan).
 */
static unsigned int check_addr(const struct tables *t, const struct ref *ref,
			       uint32_t addr, unsigned int bad)
{
	static unsigned int scans;
	bool dg = fib4_degraded(t->f, addr);
	uint16_t got = fib4_lookup(t->f, addr);
	uint16_t want = dg ? XDPFWD_NHG_ID_KERNEL : ref_lookup(ref, addr);

	if (dg && scans++ % 64 == 0 && !ref_has_long(ref, addr)) {
		if (bad < 5)
			printf("# %s degraded without a route longer than /24\n",
			       fmt_pfx(addr, 32));
		return 1;
	}
	if (got != want && bad < 5)
		printf("# lookup %s: got %u, expected %u%s\n",
		       fmt_pfx(addr, 32), got, want, dg ? " (degraded)" : "");
	return got != want;
}

/* routes longer than /24 of the reference whose /24 is degraded */
static unsigned int ref_degraded_routes(const struct tables *t,
					const struct ref *ref)
{
	unsigned int i, n = 0;

	for (i = 0; i < ref->n; i++)
		if (ref->r[i].len > 24 && fib4_degraded(t->f, ref->r[i].prefix))
			n++;
	return n;
}

/*
 * Lookups of n_random random addresses (half of them inside the hot
 * regions the random routes come from), and of the first and last address
 * of every installed prefix and their neighbours; exact gets; walk; route
 * count; number of tbl8 groups against the distinct /24s with long routes.
 */
static bool check_tables(const struct tables *t, const struct ref *ref,
			 unsigned int n_random, const uint32_t *hot,
			 unsigned int n_hot)
{
	struct walk_ctx w = { .ref = ref };
	unsigned int i, bad = 0;
	uint32_t addr, first, last;
	uint16_t nhg, seen;
	unsigned int needed = ref_groups_needed(ref);
	unsigned int used = fib4_tbl8_used(t->f);
	unsigned int dg = fib4_degraded_count(t->f);

	for (i = 0; i < n_random; i++) {
		addr = rnd();
		if (n_hot && (i & 1))
			addr = hot[rnd() % n_hot] | (addr & 0x000fffff);
		bad += check_addr(t, ref, addr, bad);
	}
	for (i = 0; i < ref->n; i++) {
		first = ref->r[i].prefix;
		last = first | ~mask_of(ref->r[i].len);
		bad += check_addr(t, ref, first, bad);
		bad += check_addr(t, ref, last, bad);
		bad += check_addr(t, ref, first - 1, bad);
		bad += check_addr(t, ref, last + 1, bad);
		if (fib4_get(t->f, first, ref->r[i].len, &nhg) ||
		    nhg != ref->r[i].nhg) {
			if (bad < 5)
				printf("# get %s failed\n",
				       fmt_pfx(first, ref->r[i].len));
			bad++;
		}
		if (fib4_verify(t->f, first, ref->r[i].len, &seen)) {
			if (bad < 5)
				printf("# verify %s failed (%u)\n",
				       fmt_pfx(first, ref->r[i].len), seen);
			bad++;
		}
	}
	fib4_walk(t->f, walk_cb, &w);
	if (w.bad || w.n != ref->n || fib4_count(t->f) != ref->n) {
		printf("# walk: %u routes, %u wrong; count %u; reference %u\n",
		       w.n, w.bad, fib4_count(t->f), ref->n);
		bad++;
	}
	/* every /24 with long routes has a group or is degraded */
	if (used + dg != needed) {
		printf("# %u tbl8 groups used + %u degraded /24s, %u /24s need a group\n",
		       used, dg, needed);
		bad++;
	}
	/* degraded only for lack of groups (or waiting for fib4_restore) */
	if (fib4_restore_pending(t->f) != (dg && used < t->groups)) {
		printf("# restore pending %d with %u degraded, %u/%u groups used\n",
		       fib4_restore_pending(t->f), dg, used, t->groups);
		bad++;
	}
	if (fib4_degraded_routes(t->f) != ref_degraded_routes(t, ref)) {
		printf("# %u routes in degraded /24s, reference %u\n",
		       fib4_degraded_routes(t->f), ref_degraded_routes(t, ref));
		bad++;
	}
	return !bad;
}

/* ---- table-driven cases ---- */

enum op_kind {
	OP_END = 0,
	OP_ADD,	   /* arg prefix, val nhg, rc */
	OP_DEL,	   /* arg prefix, rc */
	OP_LOOKUP, /* arg address, val expected nhg */
	OP_GET,	   /* arg prefix, val expected nhg when rc == 0, rc */
	OP_COUNT,  /* val */
	OP_USED,   /* val: tbl8 groups in use */
	OP_RAW24,  /* arg address, val: raw tbl24 entry */
	OP_RAW8,   /* arg group number, val: all 256 entries of the group */
	OP_DG,	   /* val: degraded /24s */
	OP_RESTORE, /* val: max /24s to restore, rc: restored */
};

struct op {
	enum op_kind op;
	const char *arg;
	int val;
	int rc;
};

struct fib_case {
	const char *desc;
	uint32_t groups; /* 0: 64 */
	struct op ops[32];
};

#define ADD(p, n) { OP_ADD, p, n, 0 }
#define ADD_RC(p, n, rc) { OP_ADD, p, n, rc }
#define DEL(p) { OP_DEL, p, 0, 0 }
#define DEL_RC(p, rc) { OP_DEL, p, 0, rc }
#define LK(a, n) { OP_LOOKUP, a, n, 0 }
#define GET(p, n) { OP_GET, p, n, 0 }
#define GET_RC(p, rc) { OP_GET, p, 0, rc }
#define COUNT(n) { OP_COUNT, NULL, n, 0 }
#define USED(n) { OP_USED, NULL, n, 0 }
#define RAW24(a, v) { OP_RAW24, a, v, 0 }
#define RAW8(g, v) { OP_RAW8, g, v, 0 }
#define EXT(g) (XDPFWD_FIB4_EXT | (g))
#define ADD_DG(p, n) { OP_ADD, p, n, FIB4_DEGRADED }
#define DG(n) { OP_DG, NULL, n, 0 }
#define RESTORE(max, n) { OP_RESTORE, NULL, max, n }
#define KRN XDPFWD_NHG_ID_KERNEL

static const struct fib_case fib_cases[] = {
	{ "empty table: every lookup misses",
	  0,
	  { LK("0.0.0.0", 0), LK("255.255.255.255", 0), LK("10.1.2.3", 0),
	    COUNT(0), USED(0) } },
	{ "/0 covers every address, delete empties the table",
	  0,
	  { ADD("0.0.0.0/0", 5), LK("0.0.0.0", 5), LK("255.255.255.255", 5),
	    LK("128.0.0.0", 5), GET("0.0.0.0/0", 5), DEL("0.0.0.0/0"),
	    LK("0.0.0.0", 0), LK("255.255.255.255", 0), RAW24("1.2.3.4", 0),
	    COUNT(0) } },
	{ "/32 host route: one address, one tbl8 group",
	  0,
	  { ADD("192.0.2.1/32", 7), LK("192.0.2.1", 7), LK("192.0.2.0", 0),
	    LK("192.0.2.2", 0), USED(1), RAW24("192.0.2.0", EXT(0)),
	    DEL("192.0.2.1/32"), USED(0), RAW24("192.0.2.0", 0),
	    LK("192.0.2.1", 0) } },
	{ "/32 at both ends of the address space",
	  0,
	  { ADD("0.0.0.0/32", 1), ADD("255.255.255.255/32", 2),
	    LK("0.0.0.0", 1), LK("0.0.0.1", 0), LK("255.255.255.255", 2),
	    LK("255.255.255.254", 0), USED(2) } },
	{ "/24 boundaries: first/last address and neighbours",
	  0,
	  { ADD("198.51.100.0/24", 3), LK("198.51.100.0", 3),
	    LK("198.51.100.255", 3), LK("198.51.99.255", 0),
	    LK("198.51.101.0", 0), USED(0), RAW24("198.51.100.7", 3) } },
	{ "/23 spans two tbl24 entries, /25 splits the second",
	  0,
	  { ADD("10.0.2.0/23", 4), ADD("10.0.3.128/25", 5),
	    LK("10.0.2.0", 4), LK("10.0.3.127", 4), LK("10.0.3.128", 5),
	    LK("10.0.3.255", 5), LK("10.0.4.0", 0), LK("10.0.1.255", 0),
	    USED(1) } },
	{ "/15 crosses a tbl24 block (/16) boundary",
	  0,
	  { ADD("10.0.0.0/15", 6), LK("10.0.0.0", 6), LK("10.1.255.255", 6),
	    LK("10.2.0.0", 0), LK("9.255.255.255", 0) } },
	{ "overlaps /8 /16 /24 /28 /32: longest match wins",
	  0,
	  { ADD("10.0.0.0/8", 1), ADD("10.1.0.0/16", 2), ADD("10.1.1.0/24", 3),
	    ADD("10.1.1.16/28", 4), ADD("10.1.1.20/32", 5),
	    LK("10.2.0.0", 1), LK("10.1.2.0", 2), LK("10.1.1.15", 3),
	    LK("10.1.1.16", 4), LK("10.1.1.20", 5), LK("10.1.1.21", 4),
	    LK("10.1.1.32", 3), LK("11.0.0.0", 0) } },
	{ "more specifics first, then covering routes",
	  0,
	  { ADD("10.1.1.20/32", 5), ADD("10.1.1.16/28", 4),
	    ADD("10.1.1.0/24", 3), ADD("10.1.0.0/16", 2), ADD("10.0.0.0/8", 1),
	    ADD("0.0.0.0/0", 9), LK("10.2.0.0", 1), LK("10.1.2.0", 2),
	    LK("10.1.1.15", 3), LK("10.1.1.16", 4), LK("10.1.1.20", 5),
	    LK("10.1.1.21", 4), LK("11.0.0.0", 9), LK("10.1.1.32", 3) } },
	{ "replace changes the route's own range only",
	  0,
	  { ADD("10.0.0.0/8", 1), ADD("10.1.0.0/16", 2), ADD("10.1.1.0/26", 3),
	    ADD("10.0.0.0/8", 9), LK("10.1.5.5", 2), LK("10.2.0.0", 9),
	    GET("10.0.0.0/8", 9), ADD("10.1.1.0/26", 8), LK("10.1.1.0", 8),
	    LK("10.1.1.64", 2), ADD("10.1.0.0/16", 7), LK("10.1.1.64", 7),
	    LK("10.1.1.63", 8), COUNT(3), USED(1) } },
	{ "/24 replaced and deleted while a tbl8 group hangs off it",
	  0,
	  { ADD("10.0.1.0/24", 1), ADD("10.0.1.7/32", 2), ADD("10.0.1.0/24", 3),
	    LK("10.0.1.8", 3), LK("10.0.1.7", 2), DEL("10.0.1.0/24"),
	    LK("10.0.1.8", 0), LK("10.0.1.7", 2), RAW24("10.0.1.0", EXT(0)),
	    DEL("10.0.1.7/32"), RAW24("10.0.1.0", 0), USED(0) } },
	{ "delete restores the covering route",
	  0,
	  { ADD("10.0.0.0/8", 1), ADD("10.1.0.0/16", 2), ADD("10.1.1.0/24", 3),
	    ADD("10.1.1.64/26", 4), DEL("10.1.1.0/24"), LK("10.1.1.0", 2),
	    LK("10.1.1.64", 4), LK("10.1.1.128", 2), DEL("10.1.1.64/26"),
	    LK("10.1.1.64", 2), USED(0), RAW24("10.1.1.0", 2),
	    DEL("10.1.0.0/16"), LK("10.1.1.1", 1), DEL("10.0.0.0/8"),
	    LK("10.1.1.1", 0), COUNT(0) } },
	{ "delete of a covering route under more specifics",
	  0,
	  { ADD("10.0.0.0/8", 1), ADD("10.1.0.0/16", 2), ADD("10.1.1.0/30", 3),
	    DEL("10.0.0.0/8"), LK("10.2.0.0", 0), LK("10.1.2.0", 2),
	    LK("10.1.1.3", 3), LK("10.1.1.4", 2), DEL("10.1.0.0/16"),
	    LK("10.1.1.0", 3), LK("10.1.1.4", 0), LK("10.1.2.0", 0), USED(1),
	    GET("10.1.1.0/30", 3), COUNT(1) } },
	{ "delete of a /25 hands its range to a /24 inside the group",
	  0,
	  { ADD("10.1.1.0/24", 1), ADD("10.1.1.0/25", 2), ADD("10.1.1.0/26", 3),
	    DEL("10.1.1.0/25"), LK("10.1.1.64", 1), LK("10.1.1.0", 3),
	    DEL("10.1.1.0/26"), LK("10.1.1.0", 1), RAW24("10.1.1.0", 1) } },
	{ "host bits are ignored on add, get and del",
	  0,
	  { ADD("10.1.2.3/8", 4), GET("10.0.0.0/8", 4), GET("10.255.0.1/8", 4),
	    LK("10.0.0.0", 4), DEL("10.9.9.9/8"), COUNT(0),
	    ADD("192.0.2.77/25", 5), LK("192.0.2.0", 5), LK("192.0.2.128", 0),
	    ADD("1.2.3.4/0", 6), GET("0.0.0.0/0", 6) } },
	{ "tbl8 group freed with the last long route and reused later (FIFO)",
	  2,
	  { ADD("10.0.0.0/8", 1), ADD("10.0.1.0/25", 2),
	    RAW24("10.0.1.0", EXT(0)), ADD("10.0.1.128/26", 3),
	    DEL("10.0.1.0/25"), USED(1), DEL("10.0.1.128/26"), USED(0),
	    RAW24("10.0.1.0", 1), RAW8("0", 1), ADD("10.0.2.0/25", 4),
	    RAW24("10.0.2.0", EXT(1)), RAW8("0", 1), ADD("10.0.3.0/25", 5),
	    RAW24("10.0.3.0", EXT(0)), LK("10.0.3.0", 5), LK("10.0.3.128", 1),
	    LK("10.0.2.0", 4), LK("10.0.1.0", 1), USED(2) } },
	{ "no tbl8 group: the /24 passes to the kernel, never to the cover",
	  1,
	  { ADD("10.0.0.0/8", 1), ADD("10.1.1.0/25", 2),
	    ADD_DG("10.1.2.0/25", 3), LK("10.1.2.1", KRN),
	    LK("10.1.2.200", KRN), LK("10.1.3.1", 1), LK("10.1.1.1", 2),
	    GET("10.1.2.0/25", 3), COUNT(3), USED(1), DG(1),
	    RAW24("10.1.2.0", KRN), ADD_DG("10.1.2.128/26", 4),
	    ADD_DG("10.1.2.0/25", 5), ADD("10.1.2.0/24", 7),
	    RAW24("10.1.2.0", KRN), ADD("10.0.0.0/8", 8), LK("10.1.2.1", KRN),
	    DEL("10.1.2.0/25"), LK("10.1.2.1", KRN), DEL("10.1.2.128/26"),
	    DG(0), RAW24("10.1.2.0", 7), LK("10.1.2.130", 7), USED(1) } },
	{ "degraded /24 without a cover reverts to no route",
	  1,
	  { ADD("10.1.1.0/25", 2), ADD_DG("10.1.2.0/25", 3),
	    ADD_DG("10.1.2.0/32", 4), RAW24("10.1.2.0", KRN),
	    DEL("10.1.2.0/25"), LK("10.1.2.0", KRN), LK("10.1.2.9", KRN),
	    DEL("10.1.2.0/32"), RAW24("10.1.2.0", 0), DG(0), COUNT(1) } },
	{ "a freed group restores the oldest degraded /24 (fib4_restore)",
	  1,
	  { ADD("10.0.0.0/8", 1), ADD("10.1.1.0/25", 2),
	    ADD_DG("10.1.2.0/25", 3), ADD_DG("10.1.2.192/26", 6),
	    ADD_DG("10.1.3.0/26", 5), DG(2), RESTORE(8, 0),
	    DEL("10.1.1.0/25"), USED(0), RAW24("10.1.2.0", KRN),
	    RAW24("10.1.1.0", 1), RESTORE(8, 1), DG(1), USED(1),
	    RAW24("10.1.2.0", EXT(0)), LK("10.1.2.1", 3), LK("10.1.2.129", 1),
	    LK("10.1.2.200", 6), LK("10.1.3.1", KRN), LK("10.1.3.200", KRN),
	    ADD_DG("10.1.4.0/30", 7), LK("10.1.4.1", KRN), COUNT(5) } },
	{ "short routes written under a degraded /24 show after restore",
	  1,
	  { ADD("10.1.1.0/25", 2), ADD_DG("10.1.2.0/25", 3),
	    ADD("10.1.0.0/16", 9), LK("10.1.2.200", KRN), LK("10.1.3.1", 9),
	    ADD("10.1.2.0/24", 4), LK("10.1.2.200", KRN), DEL("10.1.1.0/25"),
	    RESTORE(1, 1), LK("10.1.2.200", 4), LK("10.1.2.1", 3),
	    DEL("10.1.2.0/24"), LK("10.1.2.200", 9), DEL("10.1.2.0/25"),
	    RAW24("10.1.2.0", 9), USED(0), DG(0) } },
	{ "invalid arguments",
	  0,
	  { ADD_RC("10.0.0.0/33", 1, -EINVAL), ADD_RC("10.0.0.0/8", 0, -EINVAL),
	    ADD_RC("10.0.0.0/8", 0x8000, -EINVAL),
	    ADD_RC("10.0.0.0/8", 0xffff, -EINVAL), ADD("10.0.0.0/8", 0x7fff),
	    LK("10.0.0.1", 0x7fff), DEL_RC("10.0.0.0/9", -ENOENT),
	    DEL_RC("11.0.0.0/8", -ENOENT), DEL_RC("10.0.0.0/33", -EINVAL),
	    GET_RC("10.0.0.0/16", -ENOENT), GET_RC("10.0.0.0/40", -ENOENT),
	    COUNT(1) } },
	{ "every length /25../32 nested in one /24, deleted outermost first",
	  0,
	  { ADD("10.9.9.0/24", 24), ADD("10.9.9.0/25", 25),
	    ADD("10.9.9.0/26", 26), ADD("10.9.9.0/27", 27),
	    ADD("10.9.9.0/28", 28), ADD("10.9.9.0/29", 29),
	    ADD("10.9.9.0/30", 30), ADD("10.9.9.0/31", 31),
	    ADD("10.9.9.0/32", 32), LK("10.9.9.1", 31), LK("10.9.9.2", 30),
	    USED(1), DEL("10.9.9.0/25"), DEL("10.9.9.0/24"), LK("10.9.9.64", 0),
	    LK("10.9.9.0", 32), LK("10.9.9.4", 29), COUNT(7) } },
};

static bool run_case(const struct fib_case *c)
{
	struct tables t = {};
	struct ref ref = {};
	const struct op *op;
	uint32_t prefix = 0;
	unsigned int len = 0, j;
	uint16_t nhg;
	bool ok = true;
	int rc;

	tables_new(&t, c->groups ? c->groups : 64);
	for (op = c->ops; op->op != OP_END && ok; op++) {
		rc = 0;
		if (op->arg && op->op != OP_RAW8)
			parse_pfx(op->arg, &prefix, &len);
		switch (op->op) {
		case OP_ADD:
			rc = fib4_add(t.f, prefix, len, op->val);
			if (rc >= 0)
				ref_add(&ref, prefix, len, op->val);
			break;
		case OP_DEL:
			rc = fib4_del(t.f, prefix, len);
			if (rc == 0)
				ref_del(&ref, prefix, len);
			break;
		case OP_LOOKUP:
			nhg = fib4_lookup(t.f, prefix);
			if (nhg != op->val) {
				printf("# lookup %s: %u, expected %d\n",
				       op->arg, nhg, op->val);
				ok = false;
			}
			break;
		case OP_GET:
			nhg = 0;
			rc = fib4_get(t.f, prefix, len, &nhg);
			if (rc == 0 && nhg != op->val) {
				printf("# get %s: %u, expected %d\n", op->arg,
				       nhg, op->val);
				ok = false;
			}
			break;
		case OP_COUNT:
			if (fib4_count(t.f) != (uint32_t)op->val) {
				printf("# count %u, expected %d\n",
				       fib4_count(t.f), op->val);
				ok = false;
			}
			break;
		case OP_USED:
			if (fib4_tbl8_used(t.f) != (uint32_t)op->val) {
				printf("# tbl8 used %u, expected %d\n",
				       fib4_tbl8_used(t.f), op->val);
				ok = false;
			}
			break;
		case OP_RAW24:
			if (raw24(&t, prefix) != op->val) {
				printf("# tbl24[%s] = %#x, expected %#x\n",
				       op->arg, raw24(&t, prefix), op->val);
				ok = false;
			}
			break;
		case OP_RAW8:
			for (j = 0; j < XDPFWD_FIB4_BLOCK; j++)
				if (t.tbl8[atoi(op->arg)].entry[j] != op->val)
					break;
			if (j < XDPFWD_FIB4_BLOCK) {
				printf("# tbl8 group %s entry %u = %u, expected %d\n",
				       op->arg, j, t.tbl8[atoi(op->arg)].entry[j],
				       op->val);
				ok = false;
			}
			break;
		case OP_DG:
			if (fib4_degraded_count(t.f) != (uint32_t)op->val) {
				printf("# %u degraded /24s, expected %d\n",
				       fib4_degraded_count(t.f), op->val);
				ok = false;
			}
			break;
		case OP_RESTORE:
			rc = fib4_restore(t.f, op->val);
			break;
		case OP_END:
			break;
		}
		if (rc != op->rc) {
			printf("# op %d on %s returned %d, expected %d\n",
			       (int)(op - c->ops), op->arg ? op->arg : "-", rc,
			       op->rc);
			ok = false;
		}
	}
	/* whatever the case checked, the tables must agree with the list */
	if (ok && !check_tables(&t, &ref, 2000, NULL, 0))
		ok = false;
	tables_free(&t);
	free(ref.r);
	return ok;
}

static void test_create_args(void)
{
	static struct xdpfwd_fib4_block dummy[1];
	struct fib4 *f;
	bool ok = true;

	errno = 0;
	f = fib4_create(dummy, dummy, 0);
	ok = ok && !f && errno == EINVAL;
	errno = 0;
	f = fib4_create(dummy, dummy, XDPFWD_FIB4_VAL_MASK + 2);
	ok = ok && !f && errno == EINVAL;
	result(ok, "fib4_create rejects 0 and more than 32768 tbl8 groups");
}

/* ---- concurrent reader: unchanged routes never look different ---- */

struct reader_arg {
	const struct fib4 *f;
	int stop;		/* atomic */
	unsigned long seq;	/* atomic: odd while a lookup runs */
	unsigned long lookups;	/* atomic: the writer watches progress */
	unsigned long wrong;
	uint32_t seed;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	uint32_t x = a->seed, addr;
	uint16_t want, got;

	while (!__atomic_load_n(&a->stop, __ATOMIC_RELAXED)) {
		/* xorshift32: the reader must not share the main rng */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		switch (x % 3) {
		case 0: /* under churned /25s: 10.5.z.0/25 stays on 10/8 */
			addr = 0x0a050000 | ((x >> 8) & 0x3f) << 8 |
			       ((x >> 16) & 0x7f);
			want = 1;
			break;
		case 1: /* stable group: 10.1.2.0/25 -> 2, rest of /24 -> 1 */
			addr = 0x0a010200 | ((x >> 8) & 0xff);
			want = (addr & 0x80) ? 1 : 2;
			break;
		default: /* 10.7.0.0/16 -> 3, churn of /24s around it */
			addr = 0x0a070000 | ((x >> 8) & 0xffff);
			want = 3;
			break;
		}
		__atomic_fetch_add(&a->seq, 1, __ATOMIC_SEQ_CST);
		got = fib4_lookup(a->f, addr);
		__atomic_fetch_add(&a->seq, 1, __ATOMIC_SEQ_CST);
		if (got != want)
			a->wrong++;
		__atomic_fetch_add(&a->lookups, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * The grace period of the test's reader, as RCU gives one to XDP programs:
 * wait until a lookup in progress at the call has finished.  (A userspace
 * thread can be preempted in the middle of a lookup for milliseconds; an
 * XDP program cannot.)
 */
static void reader_synchronize(void *p)
{
	struct reader_arg *a = p;
	unsigned long s = __atomic_load_n(&a->seq, __ATOMIC_SEQ_CST);

	if (!(s & 1))
		return;
	while (__atomic_load_n(&a->seq, __ATOMIC_SEQ_CST) == s &&
	       !__atomic_load_n(&a->stop, __ATOMIC_RELAXED))
		sched_yield();
}

static void test_concurrent_reader(void)
{
	struct tables t = {};
	struct reader_arg arg = { .seed = 0x2545f491 };
	pthread_t th;
	unsigned int it, z;
	bool ok = true;

	tables_new(&t, 4096);
	arg.f = t.f;
	fib4_set_synchronize(t.f, reader_synchronize, &arg);
	ok = ok && !fib4_add(t.f, 0x0a000000, 8, 1);
	ok = ok && !fib4_add(t.f, 0x0a010200, 25, 2);
	ok = ok && !fib4_add(t.f, 0x0a070000, 16, 3);
	if (pthread_create(&th, NULL, reader, &arg)) {
		result(false, "concurrent reader: cannot start thread");
		tables_free(&t);
		return;
	}
	/*
	 * At least 400 rounds, and on until the reader made real progress
	 * (under valgrind threads run one at a time, in slices).
	 */
	for (it = 0; ok && it < 100000 &&
		     (it < 400 ||
		      __atomic_load_n(&arg.lookups, __ATOMIC_RELAXED) < 200000);
	     it++) {
		for (z = 0; z < 64; z++) {
			/* group allocated, grown, emptied and freed */
			ok = ok && !fib4_add(t.f, 0x0a050080 | z << 8, 25,
					     10 + it % 100);
			ok = ok && !fib4_add(t.f, 0x0a0500c0 | z << 8, 27, 5);
			ok = ok && !fib4_add(t.f, 0x0a050080 | z << 8, 25, 6);
			ok = ok && !fib4_del(t.f, 0x0a050080 | z << 8, 25);
			ok = ok && !fib4_del(t.f, 0x0a0500c0 | z << 8, 27);
			/* long routes under a stable /16 */
			ok = ok && !fib4_add(t.f, 0x0a070000 | z << 8, 24, 3);
			ok = ok && !fib4_add(t.f, 0x0a070010 | z << 8, 28, 3);
			ok = ok && !fib4_del(t.f, 0x0a070000 | z << 8, 24);
			ok = ok && !fib4_del(t.f, 0x0a070010 | z << 8, 28);
		}
		/* short churn covering nothing the reader looks at */
		ok = ok && !fib4_add(t.f, 0x0a060000, 16, 40 + it % 7);
		ok = ok && !fib4_add(t.f, 0x0a010300, 24, 9);
		ok = ok && !fib4_del(t.f, 0x0a010300, 24);
	}
	__atomic_store_n(&arg.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	printf("# reader: %lu lookups during %u churn rounds, %lu wrong\n",
	       arg.lookups, it, arg.wrong);
	result(ok && !arg.wrong && arg.lookups >= 200000,
	       "concurrent reader never sees a wrong answer for unchanged routes");
	tables_free(&t);
}

/* ---- randomized route sets ---- */

static const uint8_t len_weights[33] = {
	/* realistic shape plus some of every length, /0 and /32 included */
	[0] = 1,   [1] = 1,	[2] = 1,   [3] = 1,   [4] = 1,	 [5] = 1,
	[6] = 1,   [7] = 1,	[8] = 6,   [9] = 2,   [10] = 3,	 [11] = 4,
	[12] = 6,  [13] = 8,	[14] = 12, [15] = 12, [16] = 40, [17] = 18,
	[18] = 25, [19] = 35,	[20] = 45, [21] = 45, [22] = 90, [23] = 70,
	[24] = 250, [25] = 10,	[26] = 10, [27] = 8,  [28] = 10, [29] = 8,
	[30] = 12, [31] = 4,	[32] = 30,
};

static unsigned int rand_len(void)
{
	unsigned int total = 0, r, l;

	for (l = 0; l <= 32; l++)
		total += len_weights[l];
	r = rnd() % total;
	for (l = 0; r >= len_weights[l]; l++)
		r -= len_weights[l];
	return l;
}

#define N_HOT 6

/*
 * Mostly inside a few /12 "hot" regions so that routes overlap a lot;
 * some extend an installed route into a more specific one.
 */
static void rand_prefix(const struct ref *ref, const uint32_t *hot,
			uint32_t *prefix, unsigned int *len)
{
	unsigned int r = rnd() % 100, ext;
	const struct ref_route *base;

	if (r < 25 && ref->n) {
		base = &ref->r[rnd() % ref->n];
		ext = 1 + rnd() % 8;
		*len = base->len + ext > 32 ? 32 : base->len + ext;
		*prefix = (base->prefix | ((uint32_t)rnd() &
					   ~mask_of(base->len))) &
			  mask_of(*len);
		return;
	}
	*len = rand_len();
	*prefix = (uint32_t)rnd();
	if (r < 85)
		*prefix = hot[rnd() % N_HOT] | (*prefix & 0x000fffff);
	*prefix &= mask_of(*len);
}

static uint16_t rand_nhg(void)
{
	return 1 + rnd() % XDPFWD_FIB4_VAL_MASK;
}

struct rand_stats {
	unsigned int adds, replaces, dels, degraded, bad_rc;
};

/*
 * Add or replace, predicting FIB4_DEGRADED: a route longer than /24 whose
 * /24 is degraded already, or needs a new group (no long route in the
 * reference there yet) when every group is in use.
 */
static void rand_add(struct tables *t, struct ref *ref, uint32_t prefix,
		     unsigned int len, struct rand_stats *st)
{
	uint16_t nhg = rand_nhg();
	bool exists = ref_find(ref, prefix & mask_of(len), len) >= 0;
	bool full = len > 24 &&
		    (fib4_degraded(t->f, prefix) ||
		     (!exists && !ref_has_long(ref, prefix) &&
		      fib4_tbl8_used(t->f) == t->groups));
	int want = full ? FIB4_DEGRADED : 0;
	int rc = fib4_add(t->f, prefix, len, nhg);

	if (rc != want) {
		if (st->bad_rc++ < 5)
			printf("# add %s: %d, expected %d\n",
			       fmt_pfx(prefix, len), rc, want);
		return;
	}
	if (rc)
		st->degraded++;
	ref_add(ref, prefix, len, nhg);
	if (exists)
		st->replaces++;
	else
		st->adds++;
}

static void rand_del_idx(struct tables *t, struct ref *ref, unsigned int i,
			 struct rand_stats *st)
{
	struct ref_route r = ref->r[i];
	int rc = fib4_del(t->f, r.prefix, r.len);

	if (rc) {
		if (st->bad_rc++ < 5)
			printf("# del %s: %d\n", fmt_pfx(r.prefix, r.len), rc);
		return;
	}
	ref_del(ref, r.prefix, r.len);
	st->dels++;
}

static void random_run(const char *name, unsigned int n_routes,
		       uint32_t groups, bool expect_degraded)
{
	struct tables t = {};
	struct ref ref = {};
	struct rand_stats st = {};
	uint32_t hot[N_HOT], prefix;
	unsigned int i, len, n_random = 20000;
	bool ok;

	for (i = 0; i < N_HOT; i++)
		hot[i] = (uint32_t)rnd() & 0xfff00000;
	tables_new(&t, groups);

	/* phase 1: inserts (with the odd duplicate: a replace) */
	for (i = 0; i < n_routes; i++) {
		rand_prefix(&ref, hot, &prefix, &len);
		rand_add(&t, &ref, prefix, len, &st);
	}
	/* /0 and /32 present whatever the draw */
	rand_add(&t, &ref, 0, 0, &st);
	rand_add(&t, &ref, hot[0] | 0x12345, 32, &st);
	ok = !st.bad_rc && check_tables(&t, &ref, n_random, hot, N_HOT);
	result(ok, "%s: %u routes inserted (%u replaced, %u degraded), %u tbl8 groups, %u degraded /24s",
	       name, ref.n, st.replaces, st.degraded, fib4_tbl8_used(t.f),
	       fib4_degraded_count(t.f));

	/* phase 2: replace a third of them */
	st.bad_rc = 0;
	for (i = 0; i < ref.n / 3; i++) {
		struct ref_route r = ref.r[rnd() % ref.n];

		rand_add(&t, &ref, r.prefix, r.len, &st);
	}
	ok = !st.bad_rc && check_tables(&t, &ref, n_random, hot, N_HOT);
	result(ok, "%s: replaced %u routes", name, ref.n / 3);

	/* phase 3: adds, replaces, deletes (some of absent routes) mixed */
	st.bad_rc = 0;
	for (i = 0; i < 2 * n_routes; i++) {
		unsigned int r = rnd() % 100;

		if (r < 40 || !ref.n) {
			rand_prefix(&ref, hot, &prefix, &len);
			rand_add(&t, &ref, prefix, len, &st);
		} else if (r < 55) {
			struct ref_route rr = ref.r[rnd() % ref.n];

			rand_add(&t, &ref, rr.prefix, rr.len, &st);
		} else if (r < 93) {
			rand_del_idx(&t, &ref, rnd() % ref.n, &st);
		} else if (r < 95) {
			fib4_restore(t.f, 1 + rnd() % 3);
		} else {
			rand_prefix(&ref, hot, &prefix, &len);
			if (ref_find(&ref, prefix, len) < 0 &&
			    fib4_del(t.f, prefix, len) != -ENOENT)
				st.bad_rc++;
		}
	}
	ok = !st.bad_rc && check_tables(&t, &ref, n_random, hot, N_HOT);
	result(ok, "%s: mixed adds/replaces/deletes/restores, %u routes left, %u degraded /24s",
	       name, ref.n, fib4_degraded_count(t.f));

	/* phase 4: delete half in random order */
	st.bad_rc = 0;
	for (i = ref.n / 2; i > 0 && ref.n; i--)
		rand_del_idx(&t, &ref, rnd() % ref.n, &st);
	ok = !st.bad_rc && check_tables(&t, &ref, n_random, hot, N_HOT);
	result(ok, "%s: deleted half, %u routes left, %u tbl8 groups", name,
	       ref.n, fib4_tbl8_used(t.f));

	/* restore: every degraded /24 gets a group while groups are free */
	fib4_restore(t.f, UINT32_MAX);
	ok = check_tables(&t, &ref, n_random, hot, N_HOT) &&
	     !fib4_restore_pending(t.f) &&
	     (!fib4_degraded_count(t.f) || fib4_tbl8_used(t.f) == t.groups);
	result(ok, "%s: restored, %u degraded /24s left, %u tbl8 groups", name,
	       fib4_degraded_count(t.f), fib4_tbl8_used(t.f));

	/* phase 5: delete everything; tables must be back to all zero */
	st.bad_rc = 0;
	while (ref.n)
		rand_del_idx(&t, &ref, rnd() % ref.n, &st);
	ok = !st.bad_rc && check_tables(&t, &ref, n_random, hot, N_HOT);
	for (i = 0; i < (1u << 24) && ok; i++)
		if (t.tbl24[i >> 8].entry[i & 0xff])
			ok = false;
	ok = ok && fib4_count(t.f) == 0 && fib4_tbl8_used(t.f) == 0 &&
	     fib4_degraded_count(t.f) == 0 && fib4_degraded_routes(t.f) == 0;
	result(ok, "%s: all deleted, tbl24 all zero, all %u tbl8 groups free",
	       name, groups);

	if (expect_degraded)
		result(st.degraded > 0, "%s: /24s were degraded (%u adds)",
		       name, st.degraded);
	else
		result(st.degraded == 0, "%s: nothing degraded with enough groups",
		       name);

	/* phase 6: refill and destroy with routes in place (no leak) */
	for (i = 0; i < n_routes / 4; i++) {
		rand_prefix(&ref, hot, &prefix, &len);
		rand_add(&t, &ref, prefix, len, &st);
	}
	tables_free(&t);
	free(ref.r);
}

int main(void)
{
	const char *env = getenv("FIB4_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 20240607;
	unsigned int i, n_routes = 5000;

	env = getenv("FIB4_ROUTES");
	if (env)
		n_routes = strtoul(env, NULL, 0);

	for (i = 0; i < sizeof(fib_cases) / sizeof(fib_cases[0]); i++)
		result(run_case(&fib_cases[i]), "%s", fib_cases[i].desc);
	test_create_args();

	printf("# seed %" PRIu64 " (set FIB4_SEED to override), %u routes\n",
	       seed, n_routes);
	rng_state = seed;
	test_concurrent_reader();
	random_run("random, 16384 groups", n_routes, XDPFWD_TBL8_GROUPS,
		   false);
	random_run("random, 40 groups", n_routes, 40, true);

	return tap_done();
}
