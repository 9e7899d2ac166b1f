/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 FIB: longest-prefix match in the kernel's LPM trie. */
#ifndef XDPFWD_BPF_FIB6_H
#define XDPFWD_BPF_FIB6_H

#include "common.h"
#include "maps.h"

/* nexthop-group id for @daddr, 0 if no route */
static __always_inline __u32 fib6_lookup(const struct in6_addr *daddr)
{
	/* the trie wants the key on the stack, not in the packet */
	struct xdpfwd_fib6_key key = { .prefixlen = 128 };
	xdpfwd_fib6_val *val;

	__builtin_memcpy(key.addr, daddr, sizeof(key.addr));
	val = bpf_map_lookup_elem(&fib6, &key);
	if (!val)
		return 0;
	return READ_ONCE(*val);
}

#endif /* XDPFWD_BPF_FIB6_H */
