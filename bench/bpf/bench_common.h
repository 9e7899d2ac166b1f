/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the benchmark's own XDP programs (the two reference
 * forwarders and the harness programs).  Deliberately plain, sample-style
 * code: the references are meant to be what a competent user of
 * bpf_fib_lookup or of an LPM trie writes, not tuned rivals.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/* RFC 1624 incremental update for the TTL, as samples/bpf/xdp_fwd_kern.c */
static __always_inline void ip_decrease_ttl(struct iphdr *iph)
{
	__u32 check = (__u32)iph->check;

	check += (__u32)bpf_htons(0x0100);
	iph->check = (__sum16)(check + (check >= 0xFFFF));
	iph->ttl--;
}

/* Egress first, rewrite second: a port missing from the devmap leaves the
 * frame untouched for the kernel (same order as xdpfwd, so the references
 * pay exactly what xdpfwd pays for the redirect).
 */
static __always_inline bool claim_port(void *devmap, __u32 ifindex)
{
	return bpf_redirect_map(devmap, ifindex, XDP_PASS) == XDP_REDIRECT;
}

static __always_inline void set_macs(struct ethhdr *eth, const __u8 *dmac,
				     const __u8 *smac)
{
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
}

#endif /* BENCH_COMMON_H */
