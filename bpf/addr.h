/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses a router never forwards as unicast.  The same classes are
 * refused as source and as destination, as the kernel does (martians,
 * ip6_forward's source checks); the kernel decides what happens to them.
 */
#ifndef XDPFWD_BPF_ADDR_H
#define XDPFWD_BPF_ADDR_H

#include "common.h"

/* multicast 224/4, limited broadcast, "this network" 0/8, loopback 127/8 */
static __always_inline bool ipv4_is_special(__be32 addr)
{
	__u32 a = bpf_ntohl(addr);

	return (a >> 28) == 0xe || a == 0xffffffff || (a >> 24) == 0 ||
	       (a >> 24) == 127;
}

/* multicast ff00::/8, link-local fe80::/10, unspecified ::, loopback ::1 */
static __always_inline bool ipv6_is_special(const struct in6_addr *addr)
{
	const __u32 *w = (const __u32 *)addr;

	if (addr->s6_addr[0] == 0xff)
		return true;
	if (addr->s6_addr[0] == 0xfe && (addr->s6_addr[1] & 0xc0) == 0x80)
		return true;
	return (w[0] | w[1] | w[2]) == 0 && (w[3] & ~bpf_htonl(1)) == 0;
}

#endif /* XDPFWD_BPF_ADDR_H */
