// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the IPv6 FIB builder (plugin/lib/fib6.c) on calloc'd
 * tables: fixed cases, randomized route sets with churn compared with a
 * naive longest-prefix match over a plain list, long churn at a steady
 * size (slots stay near a fresh load: no leak), a pool too small for the
 * table (degraded chunks answer XDPFWD_NHG_ID_KERNEL, never a covering
 * route), and a concurrent reader during churn.
 *
 * Environment: FIB6_SEED (random seed, printed), FIB6_ROUTES (routes per
 * random run, default 4000).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/lib/fib6.h"
#include "tests/tap.h"
#include "splitmix.h"

struct tables {
	uint32_t *dir;
	uint64_t *keys;
	uint32_t *vals;
	struct fib6 *f;
};

static bool tables_new(struct tables *t, uint32_t nslots)
{
	t->dir = calloc(XDPFWD_FIB6_DIR_ENTRIES, sizeof(*t->dir));
	t->keys = calloc(nslots, sizeof(*t->keys));
	t->vals = calloc(nslots, sizeof(*t->vals));
	t->f = fib6_create(t->dir, t->keys, t->vals, nslots);
	return t->f != NULL;
}

static void tables_free(struct tables *t)
{
	fib6_destroy(t->f);
	free(t->dir);
	free(t->keys);
	free(t->vals);
}

static void pfx(const char *s, uint8_t a[16], uint8_t *len)
{
	char buf[64], *sl;

	snprintf(buf, sizeof(buf), "%s", s);
	sl = strchr(buf, '/');
	*len = 128;
	if (sl) {
		*sl = 0;
		*len = atoi(sl + 1);
	}
	if (inet_pton(AF_INET6, buf, a) != 1) {
		fprintf(stderr, "bad prefix %s\n", s);
		exit(2);
	}
}

static const char *fmt(const uint8_t a[16], int len)
{
	static char buf[4][64];
	static unsigned int n;
	char *b = buf[n++ % 4], tmp[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
	snprintf(b, 64, "%s/%d", tmp, len);
	return b;
}

static void mask(uint8_t a[16], int len)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = len - 8 * i;

		if (bits >= 8)
			continue;
		a[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

/* ---- naive reference ---- */

struct rroute {
	uint8_t a[16];
	uint8_t len;
	uint32_t nhg;
};

struct ref {
	struct rroute *r;
	unsigned int n, cap;
};

static bool covers(const struct rroute *r, const uint8_t a[16])
{
	uint8_t m[16];

	memcpy(m, a, 16);
	mask(m, r->len);
	return !memcmp(m, r->a, 16);
}

static int ref_find(const struct ref *ref, const uint8_t a[16], uint8_t len)
{
	unsigned int i;

	for (i = 0; i < ref->n; i++)
		if (ref->r[i].len == len && !memcmp(ref->r[i].a, a, 16))
			return (int)i;
	return -1;
}

static void ref_add(struct ref *ref, const uint8_t a[16], uint8_t len,
		    uint32_t nhg)
{
	uint8_t m[16];
	int i;

	memcpy(m, a, 16);
	mask(m, len);
	i = ref_find(ref, m, len);
	if (i >= 0) {
		ref->r[i].nhg = nhg;
		return;
	}
	if (ref->n == ref->cap) {
		ref->cap = ref->cap ? 2 * ref->cap : 256;
		ref->r = realloc(ref->r, ref->cap * sizeof(*ref->r));
	}
	memcpy(ref->r[ref->n].a, m, 16);
	ref->r[ref->n].len = len;
	ref->r[ref->n].nhg = nhg;
	ref->n++;
}

static void ref_del_idx(struct ref *ref, unsigned int i)
{
	ref->r[i] = ref->r[--ref->n];
}

static uint32_t ref_lookup(const struct ref *ref, const uint8_t a[16])
{
	unsigned int i;
	int best = -1;
	uint32_t v = 0;

	for (i = 0; i < ref->n; i++) {
		if (ref->r[i].len > best && covers(&ref->r[i], a)) {
			best = ref->r[i].len;
			v = ref->r[i].nhg;
		}
	}
	return v;
}

/* an address inside route r: first, last or random */
static void sample(const struct rroute *r, uint8_t out[16], unsigned int how)
{
	uint64_t w[2] = { rnd(), rnd() };
	uint8_t host[16];
	int i;

	memcpy(host, w, 16);
	if (how == 0)
		memset(host, 0, 16);
	else if (how == 1)
		memset(host, 0xff, 16);
	for (i = 0; i < 16; i++) {
		int bits = r->len - 8 * i;
		uint8_t m = bits >= 8 ? 0xff :
			    bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		out[i] = (r->a[i] & m) | (host[i] & ~m);
	}
}

/* the tables answer what the reference does, or KERNEL where degraded */
static unsigned int check_addr(const struct tables *t, const struct ref *ref,
			       const uint8_t a[16], bool verbose)
{
	uint32_t want = ref_lookup(ref, a), got = fib6_lookup(t->f, a);
	uint32_t exp = fib6_expect(t->f, a);

	if (fib6_degraded(t->f, a))
		want = XDPFWD_NHG_ID_KERNEL;
	if (got == want && exp == want)
		return 0;
	if (verbose)
		printf("# %s: tables %u, shadow %u, want %u%s\n", fmt(a, 128),
		       got, exp, want, fib6_degraded(t->f, a) ? " (degraded)" : "");
	return 1;
}

static unsigned int check_all(const struct tables *t, const struct ref *ref,
			      unsigned int extra)
{
	unsigned int i, bad = 0, how;
	uint8_t a[16];

	for (i = 0; i < ref->n; i++) {
		for (how = 0; how < 3; how++) {
			sample(&ref->r[i], a, how);
			bad += check_addr(t, ref, a, bad < 5);
		}
	}
	for (i = 0; i < extra; i++) {
		uint64_t w[2] = { rnd(), rnd() };

		memcpy(a, w, 16);
		a[0] = 0x20;
		bad += check_addr(t, ref, a, bad < 5);
	}
	return bad;
}

/* ---- fixed cases ---- */

static void add_s(struct tables *t, struct ref *ref, const char *p,
		  uint32_t nhg, bool *ok)
{
	uint8_t a[16], len;
	int ret;

	pfx(p, a, &len);
	ret = fib6_add(t->f, a, len, nhg);
	if (ret) {
		printf("# add %s -> %u: %d\n", p, nhg, ret);
		*ok = false;
	}
	ref_add(ref, a, len, nhg);
}

static void del_s(struct tables *t, struct ref *ref, const char *p, bool *ok)
{
	uint8_t a[16], len;
	int ret, i;

	pfx(p, a, &len);
	ret = fib6_del(t->f, a, len);
	mask(a, len);
	i = ref_find(ref, a, len);
	if (ret || i < 0) {
		printf("# del %s: %d\n", p, ret);
		*ok = false;
	}
	if (i >= 0)
		ref_del_idx(ref, i);
}

static uint32_t look(const struct tables *t, const char *s)
{
	uint8_t a[16], len;

	pfx(s, a, &len);
	return fib6_lookup(t->f, a);
}

static void test_fixed(void)
{
	struct tables t = {};
	struct ref ref = {};
	bool ok = true;
	uint8_t a[16], len;
	uint32_t nhg = 0;

	result(tables_new(&t, 1 << 16), "create");
	result(look(&t, "2001:db8::1") == 0 && look(&t, "::") == 0,
	       "empty table: no route");

	add_s(&t, &ref, "::/0", 5, &ok);
	add_s(&t, &ref, "2001::/16", 6, &ok);
	add_s(&t, &ref, "2001:db8::/32", 7, &ok);
	add_s(&t, &ref, "2001:db8:1::/48", 8, &ok);
	add_s(&t, &ref, "2001:db8:1:2::/64", 9, &ok);
	add_s(&t, &ref, "2001:db8:1:2::1/128", 10, &ok);
	add_s(&t, &ref, "2001:db8:1:2:8000::/65", 11, &ok);
	add_s(&t, &ref, "2001:db8:ffff:ffff::/64", 12, &ok);
	add_s(&t, &ref, "2001:dbf:ffff:ffff:ffff:ffff:ffff:ffff/128", 13, &ok);
	result(ok && look(&t, "3000::1") == 5 && look(&t, "2001:1::") == 6 &&
		       look(&t, "2001:db8:2::") == 7 &&
		       look(&t, "2001:db8:1:3::") == 8 &&
		       look(&t, "2001:db8:1:2::2") == 9 &&
		       look(&t, "2001:db8:1:2::1") == 10 &&
		       look(&t, "2001:db8:1:2:8000::1") == 11 &&
		       look(&t, "2001:db8:ffff:ffff:1::") == 12 &&
		       look(&t, "2001:db9::") == 6 &&
		       look(&t, "2001:dbf:ffff:ffff:ffff:ffff:ffff:ffff") == 13 &&
		       look(&t, "2001:dbf:ffff:ffff:ffff:ffff:ffff:fffe") == 6,
	       "nested routes /0 to /128, each level answers");
	result(check_all(&t, &ref, 2000) == 0, "every route's first, last, random address");

	pfx("2001:db8:1:2::/64", a, &len);
	result(fib6_get(t.f, a, len, &nhg) == 0 && nhg == 9 &&
		       fib6_get(t.f, a, 63, NULL) == -ENOENT,
	       "get: exact match only");

	add_s(&t, &ref, "2001:db8:1::/48", 20, &ok);
	add_s(&t, &ref, "2001::/16", 21, &ok);
	result(ok && look(&t, "2001:db8:1:3::") == 20 &&
		       look(&t, "2001:1::") == 21 &&
		       look(&t, "2001:db8:1:2::2") == 9,
	       "replace keeps more specifics");

	del_s(&t, &ref, "2001:db8:1:2::/64", &ok);
	result(ok && look(&t, "2001:db8:1:2::2") == 20 &&
		       look(&t, "2001:db8:1:2::1") == 10 &&
		       look(&t, "2001:db8:1:2:8000::1") == 11,
	       "delete /64 under /65 and /128: its space goes to the /48");
	del_s(&t, &ref, "2001:db8:1:2::1/128", &ok);
	del_s(&t, &ref, "2001:db8:1:2:8000::/65", &ok);
	result(ok && look(&t, "2001:db8:1:2::1") == 20 &&
		       look(&t, "2001:db8:1:2:8000::1") == 20,
	       "last long route gone: second level freed");
	del_s(&t, &ref, "2001::/16", &ok);
	result(ok && look(&t, "2001:1::") == 5 && look(&t, "2001:db8:5::") == 7,
	       "delete /16: its space goes to /0, chunks keep their routes");
	pfx("2001:db8::/32", a, &len);
	result(fib6_del(t.f, a, 31) == -ENOENT && fib6_add(t.f, a, 129, 1) ==
							     -EINVAL &&
		       fib6_add(t.f, a, 32, 0) == -EINVAL,
	       "bad arguments");
	result(check_all(&t, &ref, 2000) == 0, "after deletes, all addresses");
	while (ref.n) {
		uint8_t ra[16];

		memcpy(ra, ref.r[0].a, 16);
		len = ref.r[0].len;
		if (fib6_del(t.f, ra, len))
			ok = false;
		ref_del_idx(&ref, 0);
	}
	result(ok && fib6_count(t.f) == 0 && fib6_tables(t.f) == 0 &&
		       look(&t, "2001:db8:1:2::1") == 0,
	       "all deleted: no tables, no route (%u tables)",
	       fib6_tables(t.f));
	free(ref.r);
	tables_free(&t);
}

/* ---- randomized ---- */

static const uint16_t tops[] = { 0x2001, 0x2a00, 0x2a02, 0x2400, 0x2600 };

static uint8_t rand_len(void)
{
	unsigned int v = rnd() % 100;

	if (v < 3)
		return 8 + rnd() % 13; /* <= 20: directory */
	if (v < 45)
		return 48;
	if (v < 60)
		return 32;
	if (v < 85)
		return 21 + rnd() % 27;
	if (v < 93)
		return 49 + rnd() % 16;
	return 65 + rnd() % 64; /* second level */
}

/* clustered: near an existing route half of the time */
static void rand_prefix(const struct ref *ref, uint8_t a[16], uint8_t *len)
{
	uint64_t w[2] = { rnd(), rnd() };

	*len = rand_len();
	memcpy(a, w, 16);
	if (ref->n && rnd() % 2) {
		const struct rroute *p = &ref->r[rnd() % ref->n];

		memcpy(a, p->a, p->len / 8);
	} else {
		uint16_t top = tops[rnd() % (sizeof(tops) / sizeof(tops[0]))];

		a[0] = top >> 8;
		a[1] = top & 0xff;
		a[2] = rnd() % 4; /* a few chunks per /16 */
	}
	mask(a, *len);
}

static unsigned int churn(struct tables *t, struct ref *ref, unsigned int n,
			  unsigned int target, bool *ok)
{
	unsigned int k, degraded = 0;
	uint8_t a[16], len;
	int ret;

	for (k = 0; k < n; k++) {
		if (ref->n < target || rnd() % 2) {
			uint32_t nhg = 5 + rnd() % 100;

			rand_prefix(ref, a, &len);
			ret = fib6_add(t->f, a, len, nhg);
			if (ret < 0) {
				printf("# add %s: %d\n", fmt(a, len), ret);
				*ok = false;
			}
			degraded += ret == FIB6_DEGRADED;
			ref_add(ref, a, len, nhg);
		} else {
			unsigned int i = rnd() % ref->n;

			memcpy(a, ref->r[i].a, 16);
			ret = fib6_del(t->f, a, ref->r[i].len);
			if (ret < 0) {
				printf("# del %s: %d\n", fmt(a, ref->r[i].len),
				       ret);
				*ok = false;
			}
			ref_del_idx(ref, i);
		}
	}
	return degraded;
}

static void test_random(unsigned int nroutes)
{
	struct tables t = {};
	struct ref ref = {};
	bool ok = true;
	unsigned int bad;

	tables_new(&t, 1 << 18);
	churn(&t, &ref, nroutes, nroutes, &ok);
	bad = check_all(&t, &ref, 20000);
	result(ok && !bad && fib6_count(t.f) == ref.n &&
		       !fib6_degraded_count(t.f),
	       "random load of %u routes matches the naive LPM (%u wrong, %u live slots, %u tables)",
	       ref.n, bad, fib6_slots_live(t.f), fib6_tables(t.f));
	churn(&t, &ref, 2 * nroutes, nroutes, &ok);
	bad = check_all(&t, &ref, 20000);
	result(ok && !bad && fib6_count(t.f) == ref.n &&
		       fib6_inplace_count(t.f) > 0,
	       "after %u random adds/deletes (%u wrong, %" PRIu64
	       " in place)",
	       2 * nroutes, bad, fib6_inplace_count(t.f));
	while (ref.n) {
		uint8_t a[16];

		memcpy(a, ref.r[0].a, 16);
		if (fib6_del(t.f, a, ref.r[0].len))
			ok = false;
		ref_del_idx(&ref, 0);
	}
	result(ok && !fib6_count(t.f) && !fib6_tables(t.f) &&
		       !fib6_slots_live(t.f),
	       "all deleted: nothing left (%u live slots)",
	       fib6_slots_live(t.f));
	free(ref.r);
	tables_free(&t);
}

/* live slots of the same routes loaded into empty tables */
static uint32_t fresh_slots(const struct ref *ref)
{
	struct tables t = {};
	uint32_t live, i;

	if (!tables_new(&t, 1 << 18))
		return 0;
	for (i = 0; i < ref->n; i++)
		fib6_add(t.f, ref->r[i].a, ref->r[i].len, ref->r[i].nhg);
	live = fib6_slots_live(t.f);
	tables_free(&t);
	return live;
}

/*
 * In-place deletes leave neighbouring ranges with the same owner unmerged
 * until their page is next copied: under long churn at a steady size the
 * published tables must stay near what the same routes take when loaded
 * afresh, and retired slots must come back (no leak over the rounds).
 */
static void test_long_churn(unsigned int nroutes)
{
	uint32_t live, fresh, used, worst_live = 0, worst_used = 0;
	struct tables t = {};
	struct ref ref = {};
	unsigned int round, bad;
	bool ok = true;

	tables_new(&t, 1 << 18);
	churn(&t, &ref, nroutes, nroutes, &ok);
	for (round = 0; round < 20; round++) {
		churn(&t, &ref, nroutes, nroutes, &ok);
		live = fib6_slots_live(t.f);
		fresh = fresh_slots(&ref);
		used = fib6_slots_used(t.f);
		/* per mille over the fresh load, and used per live slot */
		if (fresh && (live * 1000ull) / fresh > worst_live)
			worst_live = (uint32_t)((live * 1000ull) / fresh);
		if (live && used / live > worst_used)
			worst_used = used / live;
	}
	bad = check_all(&t, &ref, 20000);
	result(ok && !bad && worst_live <= 1250 && worst_used < 6,
	       "%u updates in 20 rounds at %u routes: live slots at most %u.%u%% "
	       "of a fresh load (<= 125%%), used at most %ux live (< 6x), "
	       "%u wrong",
	       round * nroutes, nroutes, worst_live / 10, worst_live % 10,
	       worst_used, bad);
	free(ref.r);
	tables_free(&t);
}

/* ---- pool too small ---- */

static unsigned int syncs;

static void count_sync(void *p)
{
	(void)p;
	syncs++;
}

static void test_degrade(unsigned int nroutes)
{
	struct tables t = {};
	struct ref ref = {};
	bool ok = true;
	unsigned int bad, dg, restored = 0;

	tables_new(&t, 2048);
	fib6_set_synchronize(t.f, count_sync, NULL);
	dg = churn(&t, &ref, nroutes, nroutes, &ok);
	bad = check_all(&t, &ref, 20000);
	result(ok && !bad && dg && fib6_degraded_count(t.f),
	       "pool full: %u chunks degraded, they pass to the kernel, the rest is exact (%u wrong)",
	       fib6_degraded_count(t.f), bad);
	churn(&t, &ref, nroutes, nroutes, &ok);
	bad = check_all(&t, &ref, 5000);
	result(ok && !bad, "churn while degraded (%u wrong)", bad);
	/* shrink the table until everything fits again */
	while (ref.n > 60) {
		uint8_t a[16];

		memcpy(a, ref.r[0].a, 16);
		if (fib6_del(t.f, a, ref.r[0].len) < 0)
			ok = false;
		ref_del_idx(&ref, 0);
	}
	while (fib6_restore_pending(t.f) && fib6_restore(t.f, 1000))
		restored++;
	bad = check_all(&t, &ref, 5000);
	result(ok && !bad && !fib6_degraded_count(t.f) && syncs > 0,
	       "after deletes the chunks are restored (%u wrong, %u grace periods)",
	       bad, syncs);
	free(ref.r);
	tables_free(&t);
}

/* ---- concurrent reader ---- */

struct reader_arg {
	struct fib6 *f;
	int stop;
	unsigned long seq;
	unsigned long lookups;
	unsigned long wrong;
	uint64_t seed;
};

static void set_addr(uint8_t a[16], uint64_t hi, uint64_t lo)
{
	int i;

	for (i = 0; i < 8; i++) {
		a[i] = hi >> (56 - 8 * i);
		a[8 + i] = lo >> (56 - 8 * i);
	}
}

static void *reader(void *p)
{
	struct reader_arg *a = p;
	uint64_t x = a->seed, hi, lo;
	uint8_t addr[16];
	uint32_t want, got;

	while (!__atomic_load_n(&a->stop, __ATOMIC_RELAXED)) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		lo = x * 0x9e3779b97f4a7c15ULL;
		switch (x % 4) {
		case 0: /* 2001:db8:1::/48 -> 2, stable */
			hi = 0x20010db800010000ULL | ((x >> 8) & 0xffff);
			want = 2;
			break;
		case 1: /* 2001:db8:2:3::/64 -> 3, ::1/128 -> 4 */
			hi = 0x20010db800020003ULL;
			lo = (x >> 9) & 1 ? 1 : lo | 2;
			want = lo == 1 ? 4 : 3;
			break;
		case 2: /* 2001:db8:80::/41 holds churned /48s and /64s:
			 * 2001:db8:c0::/42 only churned with the same nhg 1
			 */
			hi = 0x20010db800c00000ULL | ((x >> 8) & 0x3fffff);
			want = 1;
			break;
		default: /* the rest of 2001:db8::/32 -> 1 */
			hi = 0x20010db8ff000000ULL | ((x >> 8) & 0xffffff);
			want = 1;
			break;
		}
		set_addr(addr, hi, lo);
		__atomic_fetch_add(&a->seq, 1, __ATOMIC_SEQ_CST);
		got = fib6_lookup(a->f, addr);
		__atomic_fetch_add(&a->seq, 1, __ATOMIC_SEQ_CST);
		if (got != want)
			a->wrong++;
		__atomic_fetch_add(&a->lookups, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* wait until a lookup in progress at the call has finished (as RCU) */
static void reader_synchronize(void *p)
{
	struct reader_arg *a = p;
	unsigned long s = __atomic_load_n(&a->seq, __ATOMIC_SEQ_CST);

	syncs++;
	if (!(s & 1))
		return;
	while (__atomic_load_n(&a->seq, __ATOMIC_SEQ_CST) == s &&
	       !__atomic_load_n(&a->stop, __ATOMIC_RELAXED))
		sched_yield();
}

static void test_concurrent_reader(void)
{
	struct tables t = {};
	struct reader_arg arg = { .seed = 0x2545f4914f6cdd1dULL };
	pthread_t th;
	unsigned int it, z, s0;
	uint8_t a[16];
	bool ok = true;

	/* a small pool: blocks are reused all the time */
	tables_new(&t, 8192);
	arg.f = t.f;
	fib6_set_synchronize(t.f, reader_synchronize, &arg);
	set_addr(a, 0x20010db800000000ULL, 0);
	ok = ok && !fib6_add(t.f, a, 32, 1);
	set_addr(a, 0x20010db800010000ULL, 0);
	ok = ok && !fib6_add(t.f, a, 48, 2);
	set_addr(a, 0x20010db800020003ULL, 0);
	ok = ok && !fib6_add(t.f, a, 64, 3);
	set_addr(a, 0x20010db800020003ULL, 1);
	ok = ok && !fib6_add(t.f, a, 128, 4);
	s0 = syncs;
	if (pthread_create(&th, NULL, reader, &arg)) {
		result(false, "concurrent reader: cannot start thread");
		tables_free(&t);
		return;
	}
	for (it = 0; ok && it < 100000 &&
		     (it < 300 ||
		      __atomic_load_n(&arg.lookups, __ATOMIC_RELAXED) < 200000);
	     it++) {
		for (z = 0; z < 32; z++) {
			uint64_t h = 0x20010db800800000ULL | (uint64_t)z << 16;

			/* /48s and /64s appear and go in 2001:db8:80::/42 */
			set_addr(a, h, 0);
			ok = ok && !fib6_add(t.f, a, 48, 10 + it % 50);
			set_addr(a, h | 5, 0);
			ok = ok && !fib6_add(t.f, a, 64, 7);
			set_addr(a, h | 5, 0x8000000000000000ULL);
			ok = ok && !fib6_add(t.f, a, 66, 8);
			/* and with nhg 1 in the reader's 2001:db8:c0::/42 */
			set_addr(a, 0x20010db800c00000ULL | (uint64_t)z << 16 |
					    (it % 7), 0);
			ok = ok && !fib6_add(t.f, a, 64, 1);
			set_addr(a, 0x20010db800c00000ULL | (uint64_t)z << 16 |
					    (it % 7), 1);
			ok = ok && !fib6_add(t.f, a, 128, 1);
		}
		for (z = 0; z < 32; z++) {
			uint64_t h = 0x20010db800800000ULL | (uint64_t)z << 16;

			set_addr(a, h | 5, 0x8000000000000000ULL);
			ok = ok && !fib6_del(t.f, a, 66);
			set_addr(a, h, 0);
			ok = ok && !fib6_del(t.f, a, 48);
			set_addr(a, h | 5, 0);
			ok = ok && !fib6_del(t.f, a, 64);
			set_addr(a, 0x20010db800c00000ULL | (uint64_t)z << 16 |
					    (it % 7), 1);
			ok = ok && !fib6_del(t.f, a, 128);
			set_addr(a, 0x20010db800c00000ULL | (uint64_t)z << 16 |
					    (it % 7), 0);
			ok = ok && !fib6_del(t.f, a, 64);
		}
		/* a short route above, rewriting the chunk's base ranges */
		set_addr(a, 0x2001000000000000ULL, 0);
		ok = ok && !fib6_add(t.f, a, 16, 40 + it % 7);
	}
	__atomic_store_n(&arg.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	printf("# reader: %lu lookups during %u churn rounds, %lu wrong, %u grace periods\n",
	       arg.lookups, it, arg.wrong, syncs - s0);
	result(ok && !arg.wrong && arg.lookups >= 200000 && syncs > s0,
	       "concurrent reader never sees a wrong answer for unchanged routes");
	tables_free(&t);
}

/*
 * Updates that only change owners are stored into the published slots in
 * place: no slot is allocated, the datapath's search answers the new
 * owner at once.
 */
static void test_inplace(void)
{
	static const struct {
		const char *desc, *prefix;
		bool del;
		uint32_t nhg;	   /* add: the route's; del: unused */
		const char *probe; /* an address under the prefix */
		uint32_t want;	   /* its answer afterwards */
		bool inplace;	   /* done in place */
	} steps[] = {
		{ "delete a /48 between two others: its space goes to the /32",
		  "2001:db8:2::/48", true, 0, "2001:db8:2::1", 7, true },
		{ "re-add it (a flap): its ranges are still there",
		  "2001:db8:2::/48", false, 8, "2001:db8:2::1", 8, true },
		{ "a new /48 between two others: copied, though its "
		  "boundaries exist (only a flap tries in place)",
		  "2001:db8:4::/48", false, 14, "2001:db8:4::1", 14, false },
		{ "replace its nexthop group",
		  "2001:db8:2::/48", false, 10, "2001:db8:2:ffff::", 10,
		  true },
		{ "delete a /64 under a /48 with a /128 under it: copied",
		  "2001:db8:1:2::/64", true, 0, "2001:db8:1:2::2", 8, false },
		{ "delete a /128 of a second level that keeps another",
		  "2001:db8:1:3::1/128", true, 0, "2001:db8:1:3::1", 8,
		  true },
		{ "re-add a /56 inside the /48 (new boundaries): copied",
		  "2001:db8:1:100::/56", false, 12, "2001:db8:1:1ff::", 12,
		  false },
		{ "flap it: deleted in place",
		  "2001:db8:1:100::/56", true, 0, "2001:db8:1:100::", 8,
		  true },
		{ "and back in place",
		  "2001:db8:1:100::/56", false, 12, "2001:db8:1:100::", 12,
		  true },
	};
	struct tables t = {};
	struct ref ref = {};
	bool ok = true;
	unsigned int k;

	tables_new(&t, 1 << 16);
	add_s(&t, &ref, "2001:db8::/32", 7, &ok);
	add_s(&t, &ref, "2001:db8:1::/48", 8, &ok);
	add_s(&t, &ref, "2001:db8:2::/48", 9, &ok);
	add_s(&t, &ref, "2001:db8:3::/48", 11, &ok);
	add_s(&t, &ref, "2001:db8:5::/48", 11, &ok);
	add_s(&t, &ref, "2001:db8:1:2::/64", 9, &ok);
	add_s(&t, &ref, "2001:db8:1:2::1/128", 10, &ok);
	add_s(&t, &ref, "2001:db8:1:3::1/128", 10, &ok);
	add_s(&t, &ref, "2001:db8:1:3::2/128", 13, &ok);
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		uint64_t before = fib6_inplace_count(t.f);
		uint32_t used = fib6_slots_used(t.f), got;
		bool step_ok = true, inplace;

		if (steps[k].del)
			del_s(&t, &ref, steps[k].prefix, &step_ok);
		else
			add_s(&t, &ref, steps[k].prefix, steps[k].nhg,
			      &step_ok);
		inplace = fib6_inplace_count(t.f) == before + 1;
		got = look(&t, steps[k].probe);
		result(ok && step_ok && got == steps[k].want &&
			       inplace == steps[k].inplace &&
			       (!inplace || fib6_slots_used(t.f) == used) &&
			       !check_all(&t, &ref, 2000),
		       "in place: %s (%s -> %u, %s)", steps[k].desc,
		       steps[k].probe, got, inplace ? "in place" : "copied");
	}
	free(ref.r);
	tables_free(&t);
}

int main(void)
{
	const char *s = getenv("FIB6_SEED"), *n = getenv("FIB6_ROUTES");
	unsigned int nroutes = n ? (unsigned int)atoi(n) : 4000;

	rng_state = s ? strtoull(s, NULL, 0) : 0x1234abcd;
	printf("# FIB6_SEED=0x%" PRIx64 " FIB6_ROUTES=%u\n", rng_state,
	       nroutes);
	test_fixed();
	test_inplace();
	test_random(nroutes);
	test_long_churn(nroutes);
	test_degrade(nroutes);
	test_concurrent_reader();
	return tap_done();
}
