// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: what every layer of the zebra module shares: the memory group,
 * the debug flags, the module arguments and zebra's event loop.
 *
 * Layers (docs/design.md), calls only downward:
 *   module.c                 start, stop, module arguments
 *   vty.c, audit.c           commands
 *   provider.c               the dplane provider (dplane pthread)
 *   dispatch.c               netlink events, zebra work items, commands ->
 *                            mirror first, then the writers in fixed order
 *   writers/                 map entries derived from zebra and the mirror,
 *                            each the single owner of its maps
 *   mirror/                  the kernel's links, addresses, neighbours, FDB
 *   dp/                      the BPF layer: the only holder of map fds
 *   lib/                     libraries without zebra (fib4, nhg_slots,
 *                            netlink)
 *
 * Threading: the provider copies contexts into work items on zebra's
 * dplane pthread; everything else runs on zebra's main pthread.
 */
#ifndef XDPFWD_H
#define XDPFWD_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/memory.h"

#include "xdpfwd_maps.h"

struct thread_master;

DECLARE_MGROUP(XDPFWD);

#define XDPFWD_STR "XDP fast path (xdpfwd)\n"

/* ---- debug flags (debug xdpfwd ...) ---- */
extern unsigned long xdpfwd_debug;
#define XDPFWD_DEBUG_EVENTS 0x01
#define XDPFWD_DEBUG_ROUTES 0x02
#define XDPFWD_DEBUG_NEIGH 0x04
#define XDPFWD_DEBUG_PACKET 0x08 /* while a packet trace is armed */
#define IS_XDPFWD_DEBUG(flag) (xdpfwd_debug & XDPFWD_DEBUG_##flag)

/* ---- module arguments (parsed by module.c; xdpfwd.c) ---- */
struct xdpfwd_config {
	uint32_t tbl8_groups;	/* IPv4 tbl8 groups (routes longer than /24) */
	uint32_t fib6_routes;	/* IPv6 FIB capacity */
	uint32_t neigh_max;	/* per family */
	char frr_conf[256];	/* integrated config (see vty.c) */
	/* `xdpfwd firewall bypass`: netfilter need not see routed and
	 * bridged traffic (xfrm and qdiscs still do)
	 */
	bool fw_bypass;
	/* `xdpfwd firewall conntrack`: where netfilter rules concern a
	 * family, forward only connections conntrack has established, not
	 * NATed (bpf/conntrack.h); never together with fw_bypass
	 */
	bool fw_conntrack;
};
extern struct xdpfwd_config xdpfwd_cfg;

/* the configured firewall mode's name, as configured */
static inline const char *xdpfwd_fw_mode(void)
{
	return xdpfwd_cfg.fw_bypass ? "bypass"
	       : xdpfwd_cfg.fw_conntrack ? "conntrack" : "pass";
}
extern struct thread_master *xdpfwd_master;

#endif /* XDPFWD_H */
