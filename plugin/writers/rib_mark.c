// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: zebra's offloaded flags (rib_mark.h).
 */
#include "config.h"
#include <zebra.h>

#include "lib/prefix.h"
#include "lib/srcdest_table.h"

#include "zebra/rib.h"
#include "zebra/zebra_vrf.h"

#include "plugin/writers/rib_mark.h"

static void re_set_offload(struct route_entry *re, bool ok)
{
	if (ok) {
		SET_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
		UNSET_FLAG(re->flags, ZEBRA_FLAG_OFFLOAD_FAILED);
	} else {
		UNSET_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
		SET_FLAG(re->flags, ZEBRA_FLAG_OFFLOAD_FAILED);
	}
}

void rib_mark_update(const struct xdpfwd_route_update *u, bool offloaded)
{
	struct route_table *table;
	struct route_node *rn;
	struct route_entry *re;

	table = zebra_vrf_lookup_table_with_table_id(u->afi, u->safi, u->vrf_id,
						     u->table_id);
	if (!table)
		return;
	rn = srcdest_rnode_lookup(table, &u->prefix,
				  u->src_prefix.prefixlen
					  ? (const struct prefix_ipv6 *)&u->src_prefix
					  : NULL);
	if (!rn)
		return;
	RNODE_FOREACH_RE (rn, re) {
		if (re->dplane_sequence != u->seq)
			continue;
		re_set_offload(re, offloaded);
		break;
	}
	route_unlock_node(rn);
}

void rib_mark_selected(const struct prefix *p, bool offloaded)
{
	struct route_table *table;
	struct route_node *rn;
	rib_dest_t *dest;

	table = zebra_vrf_table(family2afi(p->family), SAFI_UNICAST,
				VRF_DEFAULT);
	if (!table)
		return;
	rn = srcdest_rnode_lookup(table, p, NULL);
	if (!rn)
		return;
	dest = rib_dest_from_rnode(rn);
	if (dest && dest->selected_fib)
		re_set_offload(dest->selected_fib, offloaded);
	route_unlock_node(rn);
}
