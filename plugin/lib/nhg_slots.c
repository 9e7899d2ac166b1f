// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Weighted ECMP slot expansion, largest remainder (Hamilton) method with a
 * minimum of one slot per nexthop of non-zero weight.
 *
 * Nothing is allocated and no per-index state is kept: quotas are
 * recomputed when needed, so any n works in O(n log(sum of weights)).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "xdpfwd_maps.h"
#include "nhg_slots.h"

static uint32_t gcd32(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Nexthops whose exact quota (w * slots / sum) is below one are "forced":
 * they get exactly one slot and leave the others to share the rest.  Taking
 * them out only raises the remaining sum-per-slot ratio (each one weighs less
 * than the ratio it is compared with), so iterating until no new index falls
 * below the ratio converges, and membership is then simply
 * w * slots < sum for the final (slots, sum): no per-index state needed.
 */
static bool is_forced(uint32_t w, uint64_t slots, uint64_t sum)
{
	return w && (uint64_t)w * slots < sum;
}

/* Number of non-forced nexthops whose remainder is at least x. */
static unsigned int count_rem_ge(const uint32_t *weights, unsigned int n,
				 uint64_t slots, uint64_t sum, uint64_t x)
{
	unsigned int i, c = 0;

	for (i = 0; i < n; i++) {
		if (!weights[i] || is_forced(weights[i], slots, sum))
			continue;
		if ((uint64_t)weights[i] * slots % sum >= x)
			c++;
	}
	return c;
}

int nhg_slots_expand(const uint32_t *weights, unsigned int n,
		     uint16_t *slot_to_index, unsigned int max_slots)
{
	uint64_t sum = 0, slots, rest_slots, rest_sum, floors = 0;
	uint64_t thr = 0, lo, hi, mid, w_m, cnt;
	unsigned int i, nonzero = 0, leftover, above = 0, ties;
	uint32_t g = 0;
	unsigned int pos = 0;
	bool changed;

	if (n == 0 || n > max_slots || n > 65536)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!weights[i])
			continue;
		sum += weights[i];
		g = gcd32(g, weights[i]);
		nonzero++;
	}
	if (!nonzero)
		return -EINVAL;

	/*
	 * The smallest exact representation is weight / gcd slots each; it
	 * is also what the general method below yields for that slot count
	 * (every quota an integer >= 1), so only the count is chosen here.
	 */
	slots = sum / g <= max_slots ? sum / g : max_slots;

	/* take out the forced nexthops until none is left below the ratio */
	rest_slots = slots;
	rest_sum = sum;
	do {
		uint64_t fs = 0, fw = 0;

		changed = false;
		for (i = 0; i < n; i++) {
			if (weights[i] &&
			    (uint64_t)weights[i] * rest_slots < rest_sum) {
				fs++;
				fw += weights[i];
			}
		}
		/*
		 * fs counts every forced index so far, not only new ones:
		 * recompute the remainder from the totals each round.
		 */
		if (slots - fs != rest_slots) {
			rest_slots = slots - fs;
			rest_sum = sum - fw;
			changed = true;
		}
	} while (changed && rest_slots);

	/* Hamilton among the rest: floors, then leftover by remainder */
	if (rest_slots) {
		for (i = 0; i < n; i++) {
			if (!weights[i] ||
			    is_forced(weights[i], rest_slots, rest_sum))
				continue;
			floors += (uint64_t)weights[i] * rest_slots / rest_sum;
		}
	}
	leftover = rest_slots - floors;
	if (leftover) {
		/* largest thr with at least leftover remainders >= thr */
		lo = 0;
		hi = rest_sum; /* count(rem >= rest_sum) == 0 < leftover */
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (count_rem_ge(weights, n, rest_slots, rest_sum,
					 mid) >= leftover)
				lo = mid;
			else
				hi = mid;
		}
		thr = lo;
		above = count_rem_ge(weights, n, rest_slots, rest_sum, thr + 1);
	}
	ties = leftover - above; /* lowest indices with rem == thr win ties */

	for (i = 0; i < n; i++) {
		if (!weights[i])
			continue;
		if (!rest_slots ||
		    is_forced(weights[i], rest_slots, rest_sum)) {
			cnt = 1;
		} else {
			w_m = (uint64_t)weights[i] * rest_slots;
			cnt = w_m / rest_sum;
			if (leftover && w_m % rest_sum > thr) {
				cnt++;
			} else if (leftover && w_m % rest_sum == thr && ties) {
				cnt++;
				ties--;
			}
		}
		while (cnt--)
			slot_to_index[pos++] = i;
	}
	return pos;
}

void nhg_egress_fill(struct xdpfwd_nhg *g, const uint32_t *ifindex,
		     unsigned int n)
{
	uint32_t seen[XDPFWD_NHG_EGRESS];
	unsigned int count = 0, i, k;
	uint64_t mask = 0;

	for (i = 0; i < n; i++) {
		mask |= 1ULL << (ifindex[i] & 63);
		for (k = 0; k < count && k < XDPFWD_NHG_EGRESS; k++)
			if (seen[k] == ifindex[i])
				break;
		if (k < count && k < XDPFWD_NHG_EGRESS)
			continue;
		/* past XDPFWD_NHG_EGRESS, duplicates are counted too: only
		 * "more than fit" matters then
		 */
		if (count < XDPFWD_NHG_EGRESS)
			seen[count] = ifindex[i];
		count++;
	}
	g->negress = 0;
	g->egress_mask = 0;
	for (i = 0; i < XDPFWD_NHG_EGRESS; i++)
		g->egress[i] = 0;
	if (count < 2)
		return; /* one egress: the adjacency's own hairpin test */
	g->egress_mask = mask;
	if (count > XDPFWD_NHG_EGRESS) {
		g->negress = XDPFWD_NHG_EGRESS_MANY;
		return;
	}
	g->negress = count;
	for (i = 0; i < count; i++)
		g->egress[i] = seen[i];
}
