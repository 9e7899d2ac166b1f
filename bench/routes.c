// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Route sets shaped like the Internet's tables, and an LPM oracle.
 *
 * IPv4: mostly /24, then /22, /23, /21, /20, /19, /16, some /8-/18 and a
 * few /25-/32 (about 0.6 %), roughly a 2024 full table.  Prefixes are
 * random inside unicast space, minus 10/8 (the benchmark's own links),
 * 0/8, 127/8 and 224/3, so random prefixes nest as often as chance makes
 * them (a real table nests more; that favours no forwarder in particular).
 *
 * IPv6: mostly /48, then /32, /44, /40, /36, /29, a spread over /19-/47 and
 * a few up to /64, under a handful of real registry /16s (2001, 2400-,
 * 2600-, 2800-, 2a00-, 2c00-) so that the upper bits are shared as in a
 * real table.  As in a real table, most routes longer than /32 sit inside
 * an allocation that is itself announced (an ISP's or LIR's /19-/32 and
 * its customers' or its own more specifics): 60 % of them are drawn
 * inside an earlier route of length /19-/32, the rest anywhere (PI space).
 */
#include <stdlib.h>
#include <string.h>

#include "routes.h"

/* per 100000 IPv4 routes */
static const unsigned int shape4[33] = {
	[8] = 2,      [9] = 2,	    [10] = 5,	  [11] = 10,   [12] = 30,
	[13] = 50,    [14] = 100,   [15] = 100,	  [16] = 1400, [17] = 800,
	[18] = 1000,  [19] = 2500,  [20] = 4000,  [21] = 4500, [22] = 12000,
	[23] = 10000, [24] = 62890, [25] = 150,	  [26] = 150,  [27] = 100,
	[28] = 80,    [29] = 60,    [30] = 40,	  [31] = 10,   [32] = 21,
};

/* per 1000 IPv6 routes: lengths lo..hi share weight evenly */
static const struct {
	uint8_t lo, hi;
	unsigned int weight;
} shape6[] = {
	{ 19, 28, 20 }, { 29, 29, 30 }, { 30, 31, 10 }, { 32, 32, 150 },
	{ 33, 35, 20 }, { 36, 36, 40 }, { 37, 39, 20 }, { 40, 40, 60 },
	{ 41, 43, 30 }, { 44, 44, 110 }, { 45, 47, 30 }, { 48, 48, 460 },
	{ 49, 56, 15 }, { 57, 64, 5 },
};

static const uint16_t blocks6[] = {
	0x2001, 0x2001, 0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404,
	0x2405, 0x2406, 0x2407, 0x2600, 0x2601, 0x2602, 0x2603, 0x2604,
	0x2605, 0x2606, 0x2607, 0x2800, 0x2801, 0x2803, 0x2a00, 0x2a01,
	0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a06, 0x2a07, 0x2a09, 0x2a0a,
	0x2a0b, 0x2a0c, 0x2a0d, 0x2a0e, 0x2a0f, 0x2c0f,
};

static inline uint32_t mask4(uint8_t len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

static void mask6(uint8_t a[16], uint8_t len)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)len - 8 * i;

		if (bits >= 8)
			continue;
		a[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

/* ---- open-addressing index: key hash -> route index ---- */

struct index {
	uint32_t *slot; /* route index + 1, 0 = empty */
	size_t mask;
};

static bool index_init(struct index *x, size_t n)
{
	size_t sz = 1024;

	while (sz < 2 * n)
		sz <<= 1;
	x->slot = calloc(sz, sizeof(*x->slot));
	x->mask = sz - 1;
	return x->slot != NULL;
}

static inline uint64_t key4(uint32_t prefix, uint8_t len)
{
	return ((uint64_t)prefix << 6) | len;
}

static inline size_t hash64(uint64_t k)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 24);
}

static uint64_t key6(const uint8_t a[16], uint8_t len)
{
	uint64_t hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return hi * 0x9e3779b97f4a7c15ULL ^ lo * 0xc2b2ae3d27d4eb4fULL ^ len;
}

/* slot of r4[idx]'s key: existing entry with the same key, or empty */
static size_t find4(const struct index *x, const struct route4 *r,
		    uint32_t prefix, uint8_t len)
{
	size_t i = hash64(key4(prefix, len)) & x->mask;

	while (x->slot[i]) {
		const struct route4 *e = &r[x->slot[i] - 1];

		if (e->prefix == prefix && e->len == len)
			break;
		i = (i + 1) & x->mask;
	}
	return i;
}

static size_t find6(const struct index *x, const struct route6 *r,
		    const uint8_t a[16], uint8_t len)
{
	size_t i = hash64(key6(a, len)) & x->mask;

	while (x->slot[i]) {
		const struct route6 *e = &r[x->slot[i] - 1];

		if (e->len == len && !memcmp(e->addr, a, 16))
			break;
		i = (i + 1) & x->mask;
	}
	return i;
}

/* ---- generation ---- */

static uint8_t pick_len4(struct rng *g)
{
	uint32_t v = rng_below(g, 100000);
	uint8_t l;

	for (l = 0; v >= shape4[l]; l++)
		v -= shape4[l];
	return l;
}

static uint8_t pick_len6(struct rng *g)
{
	uint32_t v = rng_below(g, 1000);
	size_t i;

	for (i = 0; v >= shape6[i].weight; i++)
		v -= shape6[i].weight;
	return shape6[i].lo + rng_below(g, shape6[i].hi - shape6[i].lo + 1);
}

static bool unicast4(uint32_t a)
{
	uint32_t o = a >> 24;

	return o != 0 && o != 10 && o != 127 && o < 224;
}

bool routes4_gen(struct route4 *r, size_t n, uint64_t seed)
{
	struct rng g = { seed };
	struct index x;
	size_t k, i;

	if (!index_init(&x, n))
		return false;
	for (k = 0; k < n;) {
		uint8_t len = pick_len4(&g);
		uint32_t p = (uint32_t)rng_next(&g) & mask4(len);

		if (!unicast4(p))
			continue;
		i = find4(&x, r, p, len);
		if (x.slot[i])
			continue; /* drawn already */
		r[k].prefix = p;
		r[k].len = len;
		r[k].nh = rng_below(&g, BENCH_NH);
		x.slot[i] = ++k;
	}
	free(x.slot);
	return true;
}

bool routes6_gen(struct route6 *r, size_t n, uint64_t seed)
{
	struct rng g = { seed ^ 0x6666666666666666ULL };
	struct index x;
	uint8_t a[16];
	size_t k, i, nalloc = 0;
	uint32_t *alloc = malloc(n * sizeof(*alloc)); /* routes /19-/32 */
	uint16_t top;

	if (!alloc || !index_init(&x, n)) {
		free(alloc);
		return false;
	}
	for (k = 0; k < n;) {
		uint8_t len = pick_len6(&g);
		uint64_t w0 = rng_next(&g), w1 = rng_next(&g);

		memcpy(a, &w0, 8);
		memcpy(a + 8, &w1, 8);
		if (len > 32 && nalloc && rng_below(&g, 100) < 60) {
			/* inside an announced allocation: its bits on top */
			const struct route6 *p = &r[alloc[rng_below(&g, nalloc)]];
			uint8_t m[16];
			int j;

			memset(m, 0xff, 16);
			mask6(m, p->len);
			for (j = 0; j < 16; j++)
				a[j] = (p->addr[j] & m[j]) | (a[j] & ~m[j]);
		} else {
			top = blocks6[rng_below(&g, sizeof(blocks6) /
							 sizeof(blocks6[0]))];
			a[0] = top >> 8;
			a[1] = top & 0xff;
		}
		mask6(a, len);
		i = find6(&x, r, a, len);
		if (x.slot[i])
			continue;
		memcpy(r[k].addr, a, 16);
		r[k].len = len;
		r[k].nh = rng_below(&g, BENCH_NH);
		if (len >= 19 && len <= 32)
			alloc[nalloc++] = (uint32_t)k;
		x.slot[i] = ++k;
	}
	free(x.slot);
	free(alloc);
	return true;
}

void routes4_hist(const struct route4 *r, size_t n, size_t hist[33])
{
	size_t i;

	memset(hist, 0, 33 * sizeof(*hist));
	for (i = 0; i < n; i++)
		hist[r[i].len]++;
}

void routes6_hist(const struct route6 *r, size_t n, size_t hist[129])
{
	size_t i;

	memset(hist, 0, 129 * sizeof(*hist));
	for (i = 0; i < n; i++)
		hist[r[i].len]++;
}

uint32_t route4_sample(const struct route4 *r, struct rng *g)
{
	return r->prefix | ((uint32_t)rng_next(g) & ~mask4(r->len));
}

void route6_sample(const struct route6 *r, struct rng *g, uint8_t out[16])
{
	uint64_t w0 = rng_next(g), w1 = rng_next(g);
	uint8_t host[16], m[16];
	int i;

	memcpy(host, &w0, 8);
	memcpy(host + 8, &w1, 8);
	memset(m, 0xff, 16);
	mask6(m, r->len);
	for (i = 0; i < 16; i++)
		out[i] = r->addr[i] | (host[i] & ~m[i]);
}

/* ---- oracle ---- */

struct oracle4 {
	struct index x;
	const struct route4 *r;
	uint64_t lens; /* bit l: some route of length l exists */
};

struct oracle6 {
	struct index x;
	const struct route6 *r;
	uint8_t lens[129];
};

struct oracle4 *oracle4_new(const struct route4 *r, size_t total)
{
	struct oracle4 *o = calloc(1, sizeof(*o));
	size_t k;

	if (!o || !index_init(&o->x, total)) {
		free(o);
		return NULL;
	}
	o->r = r;
	for (k = 0; k < total; k++) {
		o->x.slot[find4(&o->x, r, r[k].prefix, r[k].len)] = k + 1;
		o->lens |= 1ULL << r[k].len;
	}
	return o;
}

struct oracle6 *oracle6_new(const struct route6 *r, size_t total)
{
	struct oracle6 *o = calloc(1, sizeof(*o));
	size_t k;

	if (!o || !index_init(&o->x, total)) {
		free(o);
		return NULL;
	}
	o->r = r;
	for (k = 0; k < total; k++) {
		o->x.slot[find6(&o->x, r, r[k].addr, r[k].len)] = k + 1;
		o->lens[r[k].len] = 1;
	}
	return o;
}

void oracle4_free(struct oracle4 *o)
{
	if (o)
		free(o->x.slot);
	free(o);
}

void oracle6_free(struct oracle6 *o)
{
	if (o)
		free(o->x.slot);
	free(o);
}

long oracle4_lookup(const struct oracle4 *o, uint32_t addr, size_t n)
{
	int l;

	for (l = 32; l >= 0; l--) {
		size_t i;

		if (!(o->lens & (1ULL << l)))
			continue;
		i = find4(&o->x, o->r, addr & mask4(l), l);
		if (o->x.slot[i] && o->x.slot[i] - 1 < n)
			return o->x.slot[i] - 1;
	}
	return -1;
}

long oracle6_lookup(const struct oracle6 *o, const uint8_t addr[16], size_t n)
{
	uint8_t a[16];
	int l;

	for (l = 128; l >= 0; l--) {
		size_t i;

		if (!o->lens[l])
			continue;
		memcpy(a, addr, 16);
		mask6(a, l);
		i = find6(&o->x, o->r, a, l);
		if (o->x.slot[i] && o->x.slot[i] - 1 < n)
			return o->x.slot[i] - 1;
	}
	return -1;
}
