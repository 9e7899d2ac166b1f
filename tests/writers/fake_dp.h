/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake BPF layer for the writer unit tests: the functions of
 * plugin/dp/dp.h over plain memory, with what the datapath would read
 * (fake_dp_*) and failures to inject.
 */
#ifndef XDPFWD_FAKE_DP_H
#define XDPFWD_FAKE_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "plugin/dp/dp.h"

#define FAKE_TBL8_GROUPS 64
#define FAKE_FIB6_MAX 64
#define FAKE_FIB6_SLOTS (FAKE_FIB6_MAX * XDPFWD_FIB6_SLOTS_PER_ROUTE)

void fake_dp_reset(void);
/* the next @n writes (update or delete) to map @m fail with -ENOSPC */
void fake_dp_fail(enum dp_map m, unsigned int n);

/* what the datapath would read */
uint16_t fake_fib4_lookup(uint32_t addr); /* host byte order */
/*
 * An installed IPv6 prefix: what the datapath reads at its first address
 * (0 if the builder does not hold the prefix, 0xffff if the tables do not
 * answer what the builder says they must)
 */
uint16_t fake_fib6_get(const uint8_t addr[16], uint8_t prefixlen);
const struct xdpfwd_nhg *fake_nhg(uint32_t id);
const struct xdpfwd_adj *fake_adj(uint32_t id);
/* the neighbour map entry, NULL if absent */
const struct xdpfwd_neigh *fake_neigh(int family, int ifindex,
				      const void *addr);
const struct xdpfwd_iface *fake_iface(int ifindex);
bool fake_local4(uint32_t addr); /* network order */
/* what the datapath stamps when it sends to a neighbour */
void fake_adj_stamp(uint32_t id, uint32_t seen);
void fake_neigh_stamp(int family, int ifindex, const void *addr,
		      uint32_t seen);
/* kernel_use fake: NTF_USE requests since the last fake_uses() */
bool fake_used(int ifindex, int family, const char *addr);
unsigned int fake_uses(void); /* how many, and forget them */
bool fake_tx_port(int ifindex);

/* rib_mark fake: the last mark of a prefix, -1 if never marked */
void fake_rib_reset(void);
int fake_rib_mark(const struct prefix *p);

#endif /* XDPFWD_FAKE_DP_H */
