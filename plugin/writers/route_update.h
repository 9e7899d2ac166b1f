// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: what a route update is (the work item the provider copies out of
 * a dplane context, or the routes writer derives from an address), and the
 * rules shared by the provider, the writers and the audit: how zebra's
 * nexthops become fast-path nexthops, their canonical order, and which
 * reserved group a route kind takes.  FRR's lib only.
 */
#ifndef XDPFWD_ROUTE_UPDATE_H
#define XDPFWD_ROUTE_UPDATE_H

#include "lib/prefix.h"

#include "xdpfwd_maps.h"

struct nexthop_group;

struct xdpfwd_nh {
	int ifindex;
	int family; /* AF_INET / AF_INET6 gateway; AF_UNSPEC: connected */
	uint8_t gw[16]; /* zero beyond the family's length */
	uint32_t weight;
};

/* where a prefix's entry comes from, lowest precedence first */
enum xdpfwd_route_src {
	XDPFWD_SRC_ZEBRA = 0, /* selected route from zebra's dplane */
	XDPFWD_SRC_CONNECTED, /* subnet of an interface address */
	/* source-specific routes of zebra's for this destination exist:
	 * only the kernel can choose among them (KERNEL group)
	 */
	XDPFWD_SRC_SRCDEST,
	/* a main-table route of the kernel's that zebra does not import
	 * (throw, local, broadcast, anycast, multicast, nat): KERNEL
	 */
	XDPFWD_SRC_KTYPE,
	XDPFWD_SRC_LOCAL, /* the router's own / broadcast address */
	XDPFWD_SRC__MAX,
};

enum xdpfwd_route_kind {
	XDPFWD_KIND_FORWARD = 0,
	XDPFWD_KIND_BLACKHOLE,
	XDPFWD_KIND_UNREACHABLE,
	XDPFWD_KIND_UNSUPPORTED, /* left to the kernel, not offloaded */
};

/* A route as copied out of a dplane context (or derived from an address). */
struct xdpfwd_route_update {
	bool is_delete;
	struct prefix prefix;
	struct prefix src_prefix; /* IPv6 `from` route: prefixlen > 0 */
	enum xdpfwd_route_src src;
	enum xdpfwd_route_kind kind;
	uint32_t seq;	  /* zebra's dplane sequence of the route entry */
	vrf_id_t vrf_id;
	uint32_t table_id;
	uint8_t afi, safi;
	unsigned int nh_count;
	struct xdpfwd_nh nh[]; /* nh_count entries */
};

/*
 * An update with room for @n nexthops, on the stack: name.u is the update.
 * (Not a struct of an update followed by an array: the flexible array
 * starts inside the update's tail padding, before such an array.)
 */
#define XDPFWD_ROUTE_UPDATE_ON_STACK(name, n)                                 \
	union {                                                                \
		struct xdpfwd_route_update u;                                  \
		uint8_t room[sizeof(struct xdpfwd_route_update) +              \
			     (n) * sizeof(struct xdpfwd_nh)];                  \
	} name = {}

/*
 * zebra nexthops -> fast path nexthops, as the kernel got them (recursive
 * parents and inactive nexthops skipped); out has XDPFWD_NHG_SLOTS room.
 */
enum xdpfwd_route_kind xdpfwd_nexthops_from_ng(const struct nexthop_group *ng,
					       vrf_id_t vrf,
					       struct xdpfwd_nh *out,
					       unsigned int *count);

/* Canonical order (ifindex, family, gateway), duplicates merged with their
 * weights added, weight 0 read as 1; returns the new count.
 */
unsigned int xdpfwd_nh_normalize(struct xdpfwd_nh *nh, unsigned int n);
int xdpfwd_nh_cmp(const struct xdpfwd_nh *a, const struct xdpfwd_nh *b);

/* the reserved group of a kind; 0 for FORWARD (a group of its own) */
uint16_t xdpfwd_kind_group(enum xdpfwd_route_kind kind);

/*
 * A forwarding route with a route MTU (zebra's re->mtu / nexthop_mtu, as
 * zebra gives the kernel RTAX_MTU) stays on the kernel path, which answers
 * oversize packets by that MTU.
 */
enum xdpfwd_route_kind xdpfwd_kind_with_mtu(enum xdpfwd_route_kind kind,
					    uint32_t mtu, uint32_t nh_mtu);

#endif /* XDPFWD_ROUTE_UPDATE_H */
