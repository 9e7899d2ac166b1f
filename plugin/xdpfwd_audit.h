// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: what the audit (xdpfwd_audit.c) and the capacity report need
 * from the route table (xdpfwd_routes.c) and the provider.  Main pthread.
 */
#ifndef XDPFWD_AUDIT_H
#define XDPFWD_AUDIT_H

#include "xdpfwd.h"

struct nexthop_group;
struct json_object;

/* one prefix of the fast path's route table */
struct xdpfwd_route_state {
	uint16_t nhg[XDPFWD_SRC__MAX]; /* per source; 0: none */
	uint16_t installed;	       /* group in the FIB */
	enum xdpfwd_route_src src;     /* effective source */
	bool in_fast_path; /* not on the kernel path for lack of room */
	bool offloaded;	   /* what zebra's entry should say */
	bool nhg_fallback; /* on KERNEL: no group/adjacency id was left */
};

/* 0, or -ENOENT when the prefix is not in the table */
int xdpfwd_route_state(const struct prefix *p, struct xdpfwd_route_state *st);
/* the datapath's map against the installed group: 0, -EIO, -ENOENT */
int xdpfwd_route_map_check(const struct prefix *p, uint32_t *seen);
uint32_t xdpfwd_route_zebra_count(void); /* routes with a zebra source */
void xdpfwd_routes_walk(void (*cb)(const struct prefix *p,
				   const uint16_t *nhg, void *arg),
			void *arg);

/* what does not fit and stays on the kernel path */
struct xdpfwd_capacity {
	uint32_t tbl8_used;
	uint32_t degraded24;	  /* /24s degraded to the kernel */
	uint32_t degraded_routes; /* routes longer than /24 in them */
	bool fib6_off;		  /* IPv6 fast path off: trie full */
	uint32_t fib6_wanted;	  /* IPv6 prefixes the fast path should hold */
	uint32_t fib6_missing;	  /* of those, not in the trie */
	uint32_t nhg_fallbacks;	  /* routes on KERNEL for lack of ids */
	uint32_t retries;	  /* of those, waiting for a retry */
};
void xdpfwd_routes_capacity(struct xdpfwd_capacity *c);
void xdpfwd_capacity_json(struct json_object *json);

/* zebra nexthops -> fast path nexthops, as the provider translates them
 * for a route context (xdpfwd_provider.c); out has XDPFWD_NHG_SLOTS room
 */
enum xdpfwd_route_kind xdpfwd_nexthops_from_ng(const struct nexthop_group *ng,
					       vrf_id_t vrf,
					       struct xdpfwd_nh *out,
					       unsigned int *count);

void xdpfwd_audit_init(void);

#endif /* XDPFWD_AUDIT_H */
