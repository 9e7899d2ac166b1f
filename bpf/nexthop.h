/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From a nexthop group to an adjacency and a destination MAC: the flow
 * hash, the ECMP slot pick, and neighbour resolution.
 */
#ifndef XDPFWD_BPF_NEXTHOP_H
#define XDPFWD_BPF_NEXTHOP_H

#include "common.h"
#include "maps.h"

/*
 * Hash seed, settable by the loader before load (skeleton rodata).  Routers
 * in consecutive tiers using the same function and seed would split a
 * group's flows the same way (hash polarisation); a per-router seed avoids
 * that.  0 works.
 */
const volatile __u32 xdpfwd_hash_seed = 0;

static __always_inline __u32 rol32(__u32 w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* MurmurHash3 (x86_32) block and finaliser: cheap, and every input bit
 * reaches every output bit, so hash % nslots spreads evenly.
 */
static __always_inline __u32 hash_mix(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51;
	k = rol32(k, 15);
	k *= 0x1b873593;
	h ^= k;
	h = rol32(h, 13);
	return h * 5 + 0xe6546b64;
}

static __always_inline __u32 hash_final(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* @ports is 0 for fragments, so all fragments of a datagram agree */
static __always_inline __u32 flow_hash4(__be32 saddr, __be32 daddr,
					__u8 proto, __u32 ports)
{
	__u32 h = xdpfwd_hash_seed;

	h = hash_mix(h, saddr);
	h = hash_mix(h, daddr);
	h = hash_mix(h, proto);
	h = hash_mix(h, ports);
	return hash_final(h ^ 13);
}

static __always_inline __u32 flow_hash6(const struct in6_addr *saddr,
					const struct in6_addr *daddr,
					__u8 proto, __u32 ports)
{
	const __u32 *s = (const __u32 *)saddr, *d = (const __u32 *)daddr;
	__u32 h = xdpfwd_hash_seed;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		h = hash_mix(h, s[i]);
#pragma unroll
	for (i = 0; i < 4; i++)
		h = hash_mix(h, d[i]);
	h = hash_mix(h, proto);
	h = hash_mix(h, ports);
	return hash_final(h ^ 37);
}

/*
 * One of the group's members leaves through @ifindex (the mask first: an
 * ingress that is none of them costs one test).
 */
static __always_inline bool nhg_leaves_by(const struct xdpfwd_nhg *nhg,
					  __u32 ifindex)
{
	__u32 n, i;

	if (!(READ_ONCE(nhg->egress_mask) & (1ULL << (ifindex & 63))))
		return false;
	n = READ_ONCE(nhg->negress);
	if (n > XDPFWD_NHG_EGRESS)
		return true; /* too many to list: the mask hit decides */
#pragma unroll
	for (i = 0; i < XDPFWD_NHG_EGRESS; i++) {
		if (i >= n)
			break;
		if (READ_ONCE(nhg->egress[i]) == ifindex)
			return true;
	}
	return false;
}

/*
 * Group @nhg_id to a valid adjacency, for a packet that came in through
 * the L3 device @in_l3.  Returns XDPFWD_R_CONTINUE with *adjp set, or the
 * verdict for local, blackhole, unreachable and broken groups, and for
 * groups with a member back out of @in_l3: the kernel's hash, not ours,
 * decides whether it goes back out with an ICMP redirect.
 */
static __always_inline __u32 nh_select(__u32 nhg_id, __u32 hash, __u32 in_l3,
				       struct xdpfwd_adj **adjp)
{
	struct xdpfwd_nhg *nhg;
	struct xdpfwd_adj *adj;
	__u32 nslots, slot, adj_id;

	nhg = bpf_map_lookup_elem(&nhgs, &nhg_id);
	if (!nhg)
		return XDPFWD_R_PASS_NEXTHOP;

	switch (READ_ONCE(nhg->type)) {
	case XDPFWD_NHG_FORWARD:
		break;
	case XDPFWD_NHG_LOCAL:
		return XDPFWD_R_PASS_LOCAL;
	case XDPFWD_NHG_BLACKHOLE:
		return XDPFWD_R_DROP_BLACKHOLE;
	case XDPFWD_NHG_UNREACHABLE:
		return XDPFWD_R_PASS_UNREACHABLE;
	case XDPFWD_NHG_KERNEL:
		return XDPFWD_R_PASS_KERNEL;
	default:
		return XDPFWD_R_PASS_NEXTHOP;
	}

#ifndef XDPFWD_OMIT_ECMP_HAIRPIN
	if (nhg_leaves_by(nhg, in_l3))
		return XDPFWD_R_PASS_HAIRPIN;
#endif
	nslots = READ_ONCE(nhg->nslots);
	if (nslots == 0 || nslots > XDPFWD_NHG_SLOTS)
		return XDPFWD_R_PASS_NEXTHOP;
	slot = hash % nslots;
	/* the verifier does not derive a bound from the modulo */
	barrier_var(slot);
	if (slot >= XDPFWD_NHG_SLOTS)
		return XDPFWD_R_PASS_NEXTHOP;
	adj_id = READ_ONCE(nhg->slot[slot]);

	adj = bpf_map_lookup_elem(&adjs, &adj_id);
	if (!adj)
		return XDPFWD_R_PASS_NEXTHOP;
	if (!(adj->flags & XDPFWD_ADJ_F_VALID))
		return XDPFWD_R_PASS_EGRESS;
	*adjp = adj;
	return XDPFWD_R_CONTINUE;
}

/* An all-zero MAC (say, an entry copied before it resolved) is never a
 * destination worth sending to.
 */
static __always_inline bool mac_is_zero(const __u8 *mac)
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

/*
 * Destination MAC and egress interface through @adj for a packet whose
 * neighbour entry is @n (connected adjacencies only).  Behind a bridge the
 * egress is the port the MAC is learned on: the adjacency's own for a
 * gateway, the neighbour's for a connected route; 0 while not learned.
 */
static __always_inline __u32 nh_resolve(const struct xdpfwd_adj *adj,
					struct xdpfwd_neigh *n,
					const __u8 **dmacp, __u32 *egress,
					__u32 **seenp)
{
	__u32 ifindex = adj->ifindex;

	if (adj->flags & XDPFWD_ADJ_F_CONNECTED) {
		if (!n || mac_is_zero(n->mac))
			return XDPFWD_R_PASS_NEIGH;
		*dmacp = n->mac;
		*seenp = &n->seen;
		if (adj->flags & XDPFWD_ADJ_F_BRIDGE)
			ifindex = READ_ONCE(n->port_ifindex);
	} else {
		if (!(adj->flags & XDPFWD_ADJ_F_RESOLVED))
			return XDPFWD_R_PASS_NEIGH;
		*dmacp = adj->dmac;
		*seenp = (__u32 *)&adj->seen;
	}
	if (!ifindex)
		return XDPFWD_R_PASS_BRIDGE_UNKNOWN;
	*egress = ifindex;
	return XDPFWD_R_CONTINUE;
}

/*
 * Destination MAC through @adj for an IPv4 packet to @daddr: the
 * gateway's MAC, or on a connected route the neighbour entry of the
 * packet's own destination; and the egress interface (nh_resolve).
 */
static __always_inline __u32 nh_dmac4(const struct xdpfwd_adj *adj,
				      __be32 daddr, const __u8 **dmacp,
				      __u32 *egress, __u32 **seenp)
{
	struct xdpfwd_neigh4_key key;
	struct xdpfwd_neigh *n = NULL;

	if (adj->flags & XDPFWD_ADJ_F_CONNECTED) {
		key.ifindex = adj->ifindex;
		key.addr = daddr;
		n = bpf_map_lookup_elem(&neigh4, &key);
	}
	return nh_resolve(adj, n, dmacp, egress, seenp);
}

static __always_inline __u32 nh_dmac6(const struct xdpfwd_adj *adj,
				      const struct in6_addr *daddr,
				      const __u8 **dmacp, __u32 *egress,
				      __u32 **seenp)
{
	struct xdpfwd_neigh6_key key;
	struct xdpfwd_neigh *n = NULL;

	if (adj->flags & XDPFWD_ADJ_F_CONNECTED) {
		key.ifindex = adj->ifindex;
		__builtin_memcpy(key.addr, daddr, sizeof(key.addr));
		n = bpf_map_lookup_elem(&neigh6, &key);
	}
	return nh_resolve(adj, n, dmacp, egress, seenp);
}

/*
 * The neighbour was sent to: stamp it, at most once per stamp period so
 * that CPUs do not fight over the cache line.
 */
static __always_inline void nh_touch(__u32 *seen)
{
	__u32 now = bpf_ktime_get_coarse_ns() >> XDPFWD_SEEN_SHIFT;

	if (READ_ONCE(*seen) != now)
		WRITE_ONCE(*seen, now);
}

#endif /* XDPFWD_BPF_NEXTHOP_H */
