/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Weighted ECMP: expand nexthop weights into the slot array of a nexthop
 * group (struct xdpfwd_nhg), where a flow hash picks slot[hash % nslots].
 */
#ifndef XDPFWD_NHG_SLOTS_H
#define XDPFWD_NHG_SLOTS_H

#include <stdint.h>

struct xdpfwd_nhg;

/*
 * Fill slot_to_index[] with nexthop indices 0..n-1 so that each index's
 * share of the slots is proportional to its weight (largest remainder), and
 * every nexthop with weight > 0 gets at least one slot (weight 0: none).
 * Uses the smallest number of slots that represents the weights exactly
 * when it is at most max_slots (3,1 -> 4 slots; 2,2 -> 2), else max_slots.
 * Slots of one index are contiguous, in index order.
 *
 * Returns the number of slots used, or -EINVAL (n == 0, n > max_slots,
 * n > 65536, all weights 0).
 */
int nhg_slots_expand(const uint32_t *weights, unsigned int n,
		     uint16_t *slot_to_index, unsigned int max_slots);

/*
 * The egress fields of group @g (egress_mask, negress, egress[]; see
 * include/xdpfwd_maps.h) from its members' egress interfaces @ifindex[0..n-1]
 * (L3 devices, duplicates allowed): all zero when they are one interface.
 */
void nhg_egress_fill(struct xdpfwd_nhg *g, const uint32_t *ifindex,
		     unsigned int n);

#endif /* XDPFWD_NHG_SLOTS_H */
