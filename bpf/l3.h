/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rewrite of a forwarded frame: TTL / hop limit and MAC addresses. */
#ifndef XDPFWD_BPF_L3_H
#define XDPFWD_BPF_L3_H

#include "common.h"
#include "parse.h"

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').  Unlike eqn. 2 it never yields
 * 0xffff for a header whose sum is not zero, so the result equals a
 * checksum computed from scratch.  One's-complement sums do not depend on
 * byte order, so the raw network-order words are used as they are.
 */
static __always_inline void csum_replace2(__sum16 *sum, __be16 old, __be16 new)
{
	__u32 s = (__u16)~*sum + (__u16)~old + (__u16)new;

	*sum = (__sum16)~csum_fold(s);
}

static __always_inline void ipv4_decrease_ttl(struct iphdr *iph)
{
	/* TTL is the high byte of the 16-bit word it shares with protocol */
	__be16 *word = (__be16 *)&iph->ttl;
	__be16 old = *word;

	iph->ttl--;
	csum_replace2(&iph->check, old, *word);
}

static __always_inline void ipv6_decrease_hop_limit(struct ipv6hdr *ip6h)
{
	/* no header checksum; upper-layer checksums do not cover it */
	ip6h->hop_limit--;
}

static __always_inline void eth_rewrite(struct ethhdr *eth, const __u8 *dmac,
					const __u8 *smac)
{
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
}

#endif /* XDPFWD_BPF_L3_H */
