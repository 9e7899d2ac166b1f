// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd routes writer: the fast path's route table, the owner of the FIB
 * maps (fib4_tbl24/fib4_tbl8 through the DIR-24-8 builder, fib6_dir/
 * fib6_keys/fib6_vals through the range-table builder) and of the offload
 * policy (what zebra's entries say).  Main pthread.
 */
#ifndef XDPFWD_WRITER_ROUTES_H
#define XDPFWD_WRITER_ROUTES_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/prefix.h"

#include "plugin/lib/netlink.h"
#include "plugin/writers/route_update.h"

struct vty;
struct json_object;

/* @fib6_routes: the IPv6 FIB's capacity (module argument fib6=N) */
int routes_init(uint32_t fib6_routes);
void routes_fini(void);

/* an update from zebra (or derived); 0 or -errno (the route is then not
 * offloaded, its packets stay on the kernel path)
 */
int routes_apply(const struct xdpfwd_route_update *u);
/* an address appeared or went: its connected subnet and local routes */
void routes_addr_changed(const struct xnl_addr *a, bool deleted);
/* a main-table route type zebra does not import (throw, local, ...)
 * appeared or went: its prefix is the kernel's meanwhile
 */
void routes_kernel_route(const struct xnl_route *kr, bool present);
/* the link's master changed: its addresses' routes, again */
void routes_link_changed(int ifindex);
/* interfaces were enabled or disabled: offload flags of zebra's routes */
void routes_refresh_offload(void);

uint32_t routes_count(int family); /* in the FIB */
uint64_t routes_failures(void);	   /* programming failures */
uint32_t routes_zebra_count(void); /* routes with a zebra source */

/* ---- for the audit ---- */
/* one prefix of the route table */
struct xdpfwd_route_state {
	uint16_t nhg[XDPFWD_SRC__MAX]; /* per source; 0: none */
	uint16_t installed;	       /* group in the FIB */
	enum xdpfwd_route_src src;     /* effective source */
	bool in_fast_path; /* not on the kernel path for lack of room */
	bool offloaded;	   /* what zebra's entry should say */
	bool nhg_fallback; /* on KERNEL: no group/adjacency id was left */
};
/* 0, or -ENOENT when the prefix is not in the table */
int routes_state(const struct prefix *p, struct xdpfwd_route_state *st);
/* the datapath's map against the installed group: 0, -EIO, -ENOENT */
int routes_map_check(const struct prefix *p, uint32_t *seen);
/* iteration over prefixes: NULL gives the first, the last gives NULL */
const struct prefix *routes_next(const struct prefix *prev);

/* what does not fit and stays on the kernel path */
struct xdpfwd_capacity {
	uint32_t tbl8_groups;
	uint32_t tbl8_used;
	uint32_t degraded24;	  /* /24s degraded to the kernel */
	uint32_t degraded_routes; /* routes longer than /24 in them */
	uint32_t fib6_slots;	  /* IPv6 range-table slots */
	uint32_t fib6_slots_used; /* of those, allocated */
	uint32_t degraded6;	  /* IPv6 chunks passed to the kernel */
	uint32_t nhg_fallbacks;	  /* routes on KERNEL for lack of ids */
	uint32_t retries;	  /* of those, waiting for a retry */
};
void routes_capacity(struct xdpfwd_capacity *c);
void routes_capacity_json(struct json_object *json);

/* the fwd API's routes table (show xdpfwd forward routes ... json) */
void routes_forward_json(const struct prefix *match, uint32_t offset,
			 uint32_t limit, struct json_object *json);
void routes_forward_lpm_json(const struct prefix *addr,
			     struct json_object *json);
void routes_show(struct vty *vty, const struct prefix *match,
		 struct json_object *json);

#endif /* XDPFWD_WRITER_ROUTES_H */
