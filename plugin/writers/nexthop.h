// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd nexthop writer: nexthop groups, adjacencies and the neighbour maps
 * of connected routes; the owner of the `nhgs`, `adjs`, `neigh4` and
 * `neigh6` maps.  Main pthread.
 */
#ifndef XDPFWD_WRITER_NEXTHOP_H
#define XDPFWD_WRITER_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>

#include "plugin/writers/route_update.h"

struct vty;
struct json_object;

int nexthop_init(void);
void nexthop_fini(void);

/* Acquire a group for these nexthops; returns the id (> 0) or -errno. */
int nhg_get(const struct xdpfwd_nh *nhs, unsigned int count);
void nhg_put(uint16_t id);
/* every path leaves through an interface in the fast path */
bool nhg_offloadable(uint16_t id);
uint32_t nhg_count(void);
uint32_t adj_count(void);

/* what the mirror said changed */
void nexthop_link_changed(int ifindex);
/* every adjacency again (the egresses' qdiscs or chains changed) */
void nexthop_refresh_all(void);
void nexthop_neigh_changed(int ifindex, int family, const void *addr);
/* the FDB port of @mac on @bridge moved (bridge 0: every bridge, mac NULL:
 * every MAC): neighbours and adjacencies on it follow
 */
void nexthop_bridge_changed(int bridge, const uint8_t *mac);

/*
 * Have the kernel treat the neighbours XDP sent to since the last report
 * as used (NTF_USE): its NUD state machine then re-verifies them as if
 * it had sent the traffic (a STALE entry goes to DELAY, then PROBE).
 * Runs every second from a timer.
 */
void nexthop_report_use(void);
/* ids freed since: reusable after a grace period (a timer runs this
 * 100 ms after a free; tests call it directly)
 */
void nexthop_release_freed(void);

/* a group as the writer has it, for the audit: nexthops in canonical order
 * (xdpfwd_nh_normalize) with their adjacency ids
 */
struct nhg_info {
	unsigned int count;
	struct xdpfwd_nh nh[XDPFWD_NHG_SLOTS];
	uint32_t adj[XDPFWD_NHG_SLOTS];
};
int nhg_info(uint16_t id, struct nhg_info *out); /* 0 or -ENOENT */

void nexthop_show(struct vty *vty, struct json_object *json);
/* one group, as a route's nexthops (show xdpfwd routes) */
void nhg_describe(uint16_t id, struct vty *vty, struct json_object *json);
/* the fwd API's entries of a route through group @id: entries @skip.. into
 * @arr, at most @room; returns how many the group has (resolved gateways)
 */
struct prefix;
unsigned int nhg_forward_json(uint16_t id, const struct prefix *p,
			      unsigned int skip, unsigned int room,
			      struct json_object *arr);

#endif /* XDPFWD_WRITER_NEXTHOP_H */
