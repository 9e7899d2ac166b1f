// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for nhg_slots_expand(): fixed cases with exact expected slot
 * counts, then randomized weight sets checked against the definition of the
 * largest remainder method (seed printed, NHG_SLOTS_SEED overrides); and
 * nhg_egress_fill(), a group's egress fields.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xdpfwd_maps.h"
#include "plugin/lib/nhg_slots.h"
#include "tests/tap.h"
#include "splitmix.h"

#define MAXN 80


struct slots_case {
	const char *desc;
	unsigned int n;
	uint32_t w[MAXN];
	unsigned int max_slots;
	int ret;		/* expected return */
	unsigned int cnt[MAXN]; /* expected slots per index when ret > 0 */
};

static const struct slots_case cases[] = {
	{ "3,1 -> 4 slots (smallest exact)", 2, { 3, 1 }, 64, 4, { 3, 1 } },
	{ "equal weights 1,1,1 -> 3 slots", 3, { 1, 1, 1 }, 64, 3,
	  { 1, 1, 1 } },
	{ "gcd reduced: 20,40 -> 1:2", 2, { 20, 40 }, 64, 3, { 1, 2 } },
	{ "gcd reduced: 50,30,20 -> 5,3,2", 3, { 50, 30, 20 }, 64, 10,
	  { 5, 3, 2 } },
	{ "single nexthop -> 1 slot", 1, { 7 }, 64, 1, { 1 } },
	{ "weight 0 gets no slot", 3, { 0, 5, 0 }, 64, 1, { 0, 1, 0 } },
	{ "exact sum equal to max_slots", 2, { 63, 1 }, 64, 64, { 63, 1 } },
	{ "7,6 exact in 13 slots", 2, { 7, 6 }, 64, 13, { 7, 6 } },
	{ "33,33,34 in 64: largest remainder", 3, { 33, 33, 34 }, 64, 64,
	  { 21, 21, 22 } },
	{ "100,1 in 64: minimum one slot", 2, { 100, 1 }, 64, 64, { 63, 1 } },
	{ "1000,1,1 in 64: two forced", 3, { 1000, 1, 1 }, 64, 64,
	  { 62, 1, 1 } },
	{ "tie on remainder goes to lower index", 4, { 3, 3, 3, 1 }, 5, 5,
	  { 2, 1, 1, 1 } },
	{ "ties: 5,5,5,5,1 in 8", 5, { 5, 5, 5, 5, 1 }, 8, 8,
	  { 2, 2, 2, 1, 1 } },
	{ "huge weights do not overflow", 2, { 0xffffffffu, 0xfffffffeu }, 64,
	  64, { 32, 32 } },
	{ "max_slots 1 single nexthop", 1, { 9 }, 1, 1, { 1 } },
	{ "n == max_slots, unequal weights", 4, { 8, 1, 1, 1 }, 4, 4,
	  { 1, 1, 1, 1 } },
	{ "n == 0 -> -EINVAL", 0, {}, 64, -EINVAL, {} },
	{ "all weights 0 -> -EINVAL", 3, { 0, 0, 0 }, 64, -EINVAL, {} },
	{ "n > max_slots -> -EINVAL", 65, { 1 }, 64, -EINVAL, {} },
};

static bool check_case(const struct slots_case *c)
{
	uint16_t slots[256];
	unsigned int cnt[MAXN] = {};
	int ret, i;

	memset(slots, 0xff, sizeof(slots));
	ret = nhg_slots_expand(c->w, c->n, slots, c->max_slots);
	if (ret != c->ret) {
		printf("# returned %d, expected %d\n", ret, c->ret);
		return false;
	}
	if (ret <= 0)
		return true;
	for (i = 0; i < ret; i++) {
		if (slots[i] >= c->n) {
			printf("# slot %d holds index %u\n", i, slots[i]);
			return false;
		}
		cnt[slots[i]]++;
	}
	if (slots[ret] != 0xffff) {
		printf("# wrote past the returned count\n");
		return false;
	}
	for (i = 0; i < (int)c->n; i++) {
		if (cnt[i] != c->cnt[i]) {
			printf("# index %d: %u slots, expected %u\n", i, cnt[i],
			       c->cnt[i]);
			return false;
		}
	}
	return true;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Reference by the definition, with per-index state: forced set by
 * iteration, floors, leftover to largest remainders (lower index on ties).
 */
static unsigned int ref_expand(const uint32_t *w, unsigned int n,
			       unsigned int max, unsigned int *cnt)
{
	uint64_t sum = 0, g = 0, slots, ms, ss, rem[MAXN], left;
	bool forced[MAXN] = {}, again;
	unsigned int i, j, best;

	for (i = 0; i < n; i++) {
		sum += w[i];
		if (w[i])
			g = gcd64(g, w[i]);
	}
	slots = sum / g <= max ? sum / g : max;
	do {
		again = false;
		ms = slots;
		ss = sum;
		for (i = 0; i < n; i++)
			if (forced[i]) {
				ms--;
				ss -= w[i];
			}
		for (i = 0; i < n; i++)
			if (w[i] && !forced[i] && (uint64_t)w[i] * ms < ss) {
				forced[i] = true;
				again = true;
			}
	} while (again);
	left = ms;
	for (i = 0; i < n; i++) {
		cnt[i] = 0;
		if (!w[i])
			continue;
		if (forced[i]) {
			cnt[i] = 1;
			continue;
		}
		cnt[i] = (uint64_t)w[i] * ms / ss;
		rem[i] = (uint64_t)w[i] * ms % ss;
		left -= cnt[i];
	}
	while (left--) {
		best = n;
		for (j = 0; j < n; j++) {
			if (!w[j] || forced[j] || rem[j] == UINT64_MAX)
				continue;
			if (best == n || rem[j] > rem[best])
				best = j;
		}
		cnt[best]++;
		rem[best] = UINT64_MAX; /* one extra slot at most */
	}
	return slots;
}

static void random_tests(uint64_t seed)
{
	unsigned int round, i, n, max, bad = 0, cnt[MAXN], ref[MAXN];
	uint32_t w[MAXN];
	uint16_t slots[MAXN * 2];
	int ret;

	rng_state = seed;
	for (round = 0; round < 20000 && bad < 5; round++) {
		max = 1 + rnd() % 72;
		n = 1 + rnd() % max;
		for (i = 0; i < n; i++) {
			switch (rnd() % 4) {
			case 0:
				w[i] = 0;
				break;
			case 1:
				w[i] = 1 + rnd() % 4;
				break;
			case 2:
				w[i] = 1 + rnd() % 1000;
				break;
			default:
				w[i] = (uint32_t)rnd();
				break;
			}
		}
		ret = nhg_slots_expand(w, n, slots, max);
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n && w[i] == 0; i++)
			;
		if (i == n) {
			if (ret != -EINVAL) {
				printf("# round %u: all zero -> %d\n", round,
				       ret);
				bad++;
			}
			continue;
		}
		if (ret <= 0 || (unsigned int)ret > max) {
			printf("# round %u: returned %d (max %u)\n", round, ret,
			       max);
			bad++;
			continue;
		}
		for (i = 0; i < (unsigned int)ret; i++)
			cnt[slots[i]]++;
		if ((unsigned int)ret != ref_expand(w, n, max, ref)) {
			printf("# round %u: %d slots, reference differs\n",
			       round, ret);
			bad++;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (cnt[i] != ref[i] || (w[i] && !cnt[i]) ||
			    (!w[i] && cnt[i])) {
				printf("# round %u: index %u has %u slots, reference %u\n",
				       round, i, cnt[i], ref[i]);
				bad++;
				break;
			}
		}
	}
	result(!bad, "random weight sets (%u rounds) match the reference",
	       round);
}

/*
 * nhg_egress_fill(): the egresses of a group, listed exactly while they
 * fit, a mask of ifindex % 64, nothing for a group with one egress.
 */
static void egress_cases(void)
{
	static const uint32_t one[] = { 7, 7, 7 };
	static const uint32_t two[] = { 7, 9, 7, 9, 9 };
	static const uint32_t eight[] = { 1, 2, 3, 4, 5, 6, 7, 8, 8, 1 };
	static const uint32_t nine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 8, 72 };
	struct xdpfwd_nhg g;
	bool ok;

	memset(&g, 0xff, sizeof(g));
	nhg_egress_fill(&g, one, 3);
	ok = g.negress == 0 && g.egress_mask == 0;
	for (unsigned int i = 0; i < XDPFWD_NHG_EGRESS; i++)
		ok = ok && g.egress[i] == 0;
	result(ok, "egress: one interface (three members) -> nothing");

	memset(&g, 0xff, sizeof(g));
	nhg_egress_fill(&g, two, 5);
	result(g.negress == 2 && g.egress[0] == 7 && g.egress[1] == 9 &&
		       g.egress[2] == 0 &&
		       g.egress_mask == ((1ULL << 7) | (1ULL << 9)),
	       "egress: two interfaces, duplicates -> listed once each, mask");

	nhg_egress_fill(&g, eight, 10);
	result(g.negress == 8 && g.egress[7] == 8 && g.egress_mask == 0x1fe,
	       "egress: eight interfaces -> listed (%u)", g.negress);

	/* 72 % 64 == 8: its bit is 8's */
	nhg_egress_fill(&g, nine, 10);
	result(g.negress == XDPFWD_NHG_EGRESS_MANY && g.egress_mask == 0x1fe,
	       "egress: nine interfaces -> MANY, mask of ifindex %% 64 (%u, %#llx)",
	       g.negress, (unsigned long long)g.egress_mask);
}

int main(void)
{
	const char *env = getenv("NHG_SLOTS_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5107c0de;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		result(check_case(&cases[i]), "%s", cases[i].desc);

	egress_cases();

	printf("# seed %" PRIu64 " (set NHG_SLOTS_SEED to override)\n", seed);
	random_tests(seed);

	return tap_done();
}
