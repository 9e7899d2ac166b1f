// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark of the IPv4 DIR-24-8 builder without zebra: adds, replaces,
 * lookups and deletes of an Internet-shaped route set (default 1M routes,
 * mostly /24, some /8-/23, a few /25-/32) in random order on calloc'd
 * tables.  Usage: bench_fib4 [routes] [seed] [rounds]
 *
 * Each round adds, replaces, looks up and deletes the whole set on the same
 * tables; the best round is the figure least disturbed by other load.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugin/lib/fib4.h"
#include "splitmix.h"


/* per 100000 routes, roughly the shape of a full IPv4 table */
static const unsigned int shape[33] = {
	[8] = 2,      [9] = 2,	    [10] = 5,	 [11] = 10,   [12] = 30,
	[13] = 50,    [14] = 100,   [15] = 100,	 [16] = 1400, [17] = 800,
	[18] = 1000,  [19] = 2500,  [20] = 4000, [21] = 4500, [22] = 12000,
	[23] = 10000, [24] = 62900, [25] = 150,	 [26] = 150,  [27] = 100,
	[28] = 80,    [29] = 60,    [30] = 40,	 [31] = 10,   [32] = 11,
};

static unsigned int pick_len(void)
{
	unsigned int total = 0, r, l;

	for (l = 0; l <= 32; l++)
		total += shape[l];
	r = rnd() % total;
	for (l = 0; r >= shape[l]; l++)
		r -= shape[l];
	return l;
}

struct route {
	uint32_t prefix;
	uint8_t len;
};

/* open addressing set of prefix/len keys, to draw unique routes */
static uint64_t *set;
static size_t set_mask;

static bool set_insert(uint64_t key)
{
	size_t i = (key * 0x9e3779b97f4a7c15ULL) >> 20 & set_mask;

	key++; /* 0 marks an empty slot */
	while (set[i]) {
		if (set[i] == key)
			return false;
		i = (i + 1) & set_mask;
	}
	set[i] = key;
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 42;
	unsigned int rounds = argc > 3 ? strtoul(argv[3], NULL, 0) : 3, round;
	double best_add = 1e9, best_del = 1e9;
	struct xdpfwd_fib4_block *tbl24, *tbl8;
	struct route *r, tmp;
	struct fib4 *f;
	unsigned int i, j, len, errs = 0;
	size_t set_size = 1;
	volatile uint32_t sink = 0;
	uint32_t prefix;
	double t0, t_add, t_rep, t_lk, t_del;

	rng_state = seed;
	while (set_size < 2 * (size_t)n)
		set_size <<= 1;
	set = calloc(set_size, sizeof(*set));
	set_mask = set_size - 1;
	r = calloc(n, sizeof(*r));
	tbl24 = calloc(XDPFWD_TBL24_BLOCKS, sizeof(*tbl24));
	tbl8 = calloc(XDPFWD_TBL8_GROUPS, sizeof(*tbl8));
	if (!set || !r || !tbl24 || !tbl8)
		return 2;
	f = fib4_create(tbl24, tbl8, XDPFWD_TBL8_GROUPS);
	if (!f)
		return 2;

	/* unicast space 1.0.0.0 - 223.255.255.255, random order */
	for (i = 0; i < n;) {
		len = pick_len();
		prefix = (uint32_t)(1 + rnd() % 223) << 24 |
			 ((uint32_t)rnd() & 0xffffff);
		prefix &= 0xffffffffu << (32 - len);
		if (!set_insert((uint64_t)prefix << 6 | len))
			continue;
		r[i].prefix = prefix;
		r[i++].len = len;
	}
	free(set);

	for (round = 1; round <= rounds; round++) {
		printf("round %u\n", round);
		t0 = now();
		for (i = 0; i < n; i++)
			errs += !!fib4_add(f, r[i].prefix, r[i].len,
					   1 + i % 0x7fff);
		t_add = now() - t0;
		printf("routes %u, tbl8 groups used %u of %u, add errors %u\n",
		       fib4_count(f), fib4_tbl8_used(f), XDPFWD_TBL8_GROUPS,
		       errs);

		t0 = now();
		for (i = 0; i < n; i++)
			errs += !!fib4_add(f, r[i].prefix, r[i].len,
					   1 + (i + 7) % 0x7fff);
		t_rep = now() - t0;

		t0 = now();
		for (i = 0; i < 10 * n; i++)
			sink += fib4_lookup(f, (uint32_t)rnd());
		t_lk = now() - t0;

		/* delete in a different random order */
		for (i = n - 1; i > 0; i--) {
			j = rnd() % (i + 1);
			tmp = r[i];
			r[i] = r[j];
			r[j] = tmp;
		}
		t0 = now();
		for (i = 0; i < n; i++)
			errs += !!fib4_del(f, r[i].prefix, r[i].len);
		t_del = now() - t0;

		printf("add     %8.3f s  %6.2f M/s\n", t_add, n / t_add / 1e6);
		printf("replace %8.3f s  %6.2f M/s\n", t_rep, n / t_rep / 1e6);
		printf("lookup  %8.3f s  %6.2f M/s (random addresses)\n", t_lk,
		       10.0 * n / t_lk / 1e6);
		printf("delete  %8.3f s  %6.2f M/s\n", t_del, n / t_del / 1e6);
		printf("after delete: routes %u, tbl8 groups used %u, errors %u\n",
		       fib4_count(f), fib4_tbl8_used(f), errs);
		if (t_add < best_add)
			best_add = t_add;
		if (t_del < best_del)
			best_del = t_del;
	}
	printf("best of %u: add %.2f M/s, delete %.2f M/s (%u routes)\n",
	       rounds, n / best_add / 1e6, n / best_del / 1e6, n);

	t0 = now();
	errs += !!fib4_add(f, 0, 0, 1);
	errs += !!fib4_del(f, 0, 0);
	printf("/0 add+del %.3f ms\n", (now() - t0) * 1e3);

	/* destroy with a full table in place (zebra shutting down) */
	for (i = 0; i < n; i++)
		errs += !!fib4_add(f, r[i].prefix, r[i].len, 1);
	t0 = now();
	fib4_destroy(f);
	printf("destroy with %u routes %.3f s\n", n, now() - t0);
	free(tbl24);
	free(tbl8);
	free(r);
	return errs ? 1 : 0;
}
