// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the route table of the fast path.
 *
 * A prefix can come from three sources: zebra's selected route (dplane),
 * a connected subnet, or one of the router's own addresses.  The kernel
 * prefers local over connected over the rest, and so does the fast path.
 * The effective group goes into the FIB (IPv4: DIR-24-8 builder over the
 * mmapped arrays; IPv6: the LPM trie), and zebra's route entry is marked
 * offloaded or not.
 */
#include "config.h"
#include <zebra.h>

#include <bpf/bpf.h>

#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/vty.h"
#include "lib/prefix.h"
#include "lib/srcdest_table.h"

#include "zebra/rib.h"
#include "zebra/zebra_vrf.h"

#include "xdpfwd.h"
#include "fib4.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_ROUTE, "xdpfwd route");

PREDECL_HASH(routes);
struct route_item {
	struct routes_item hitem;
	struct prefix p;
	uint16_t nhg[XDPFWD_SRC__MAX]; /* per source; 0: none */
	uint16_t installed;	       /* group in the FIB; 0: none */
};

static int route_cmp(const struct route_item *a, const struct route_item *b)
{
	return prefix_cmp(&a->p, &b->p);
}

static uint32_t route_hash(const struct route_item *a)
{
	return prefix_hash_key(&a->p);
}
DECLARE_HASH(routes, struct route_item, hitem, route_cmp, route_hash);

static struct routes_head routes_head;
static struct fib4 *fib4;
static uint32_t fib6_count;
static uint64_t failures;

int xdpfwd_routes_init(void)
{
	routes_init(&routes_head);
	if (!xdpfwd_dp.loaded)
		return -ENOENT;
	fib4 = fib4_create(xdpfwd_dp.tbl24, xdpfwd_dp.tbl8,
			   xdpfwd_dp.tbl8_groups);
	return fib4 ? 0 : -ENOMEM;
}

void xdpfwd_routes_fini(void)
{
	struct route_item *r;

	frr_each_safe (routes, &routes_head, r) {
		routes_del(&routes_head, r);
		XFREE(MTYPE_XDPFWD_ROUTE, r);
	}
	if (fib4)
		fib4_destroy(fib4);
	fib4 = NULL;
}

uint32_t xdpfwd_route_count(int family)
{
	if (family == AF_INET)
		return fib4 ? fib4_count(fib4) : 0;
	return fib6_count;
}

uint64_t xdpfwd_route_failures(void)
{
	return failures;
}

static int fib_program(const struct prefix *p, uint16_t nhg)
{
	if (p->family == AF_INET) {
		uint32_t addr = ntohl(p->u.prefix4.s_addr);

		if (!nhg)
			return fib4_del(fib4, addr, p->prefixlen);
		return fib4_add(fib4, addr, p->prefixlen, nhg);
	} else {
		struct xdpfwd_fib6_key key = { .prefixlen = p->prefixlen };
		xdpfwd_fib6_val val = nhg;
		int ret;

		memcpy(key.addr, &p->u.prefix6, 16);
		if (!nhg) {
			ret = bpf_map_delete_elem(xdpfwd_dp.fd_fib6, &key);
			if (ret == 0)
				fib6_count--;
			return ret < 0 ? -errno : 0;
		}
		/* BPF_NOEXIST first to count new entries exactly */
		ret = bpf_map_update_elem(xdpfwd_dp.fd_fib6, &key, &val,
					  BPF_NOEXIST);
		if (ret == 0) {
			fib6_count++;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
		ret = bpf_map_update_elem(xdpfwd_dp.fd_fib6, &key, &val,
					  BPF_EXIST);
		return ret < 0 ? -errno : 0;
	}
}

static uint16_t effective_nhg(const struct route_item *r)
{
	if (r->nhg[XDPFWD_SRC_LOCAL])
		return r->nhg[XDPFWD_SRC_LOCAL];
	if (r->nhg[XDPFWD_SRC_CONNECTED])
		return r->nhg[XDPFWD_SRC_CONNECTED];
	return r->nhg[XDPFWD_SRC_ZEBRA];
}

static int nhg_for_update(const struct xdpfwd_route_update *u)
{
	if (u->is_delete)
		return 0;
	if (u->src == XDPFWD_SRC_LOCAL)
		return XDPFWD_NHG_ID_LOCAL;
	switch (u->kind) {
	case XDPFWD_KIND_BLACKHOLE:
		return XDPFWD_NHG_ID_BLACKHOLE;
	case XDPFWD_KIND_UNREACHABLE:
		return XDPFWD_NHG_ID_UNREACHABLE;
	case XDPFWD_KIND_UNSUPPORTED:
		return XDPFWD_NHG_ID_KERNEL;
	case XDPFWD_KIND_FORWARD:
		break;
	}
	return xdpfwd_nhg_get(u->nh, u->nh_count);
}

/* Mark zebra's route entry, found by its dplane sequence as zebra itself
 * does when it processes results (zebra_rib.c).  Main pthread only.
 */
static void zebra_mark_offload(const struct xdpfwd_route_update *u, bool ok)
{
	struct route_table *table;
	struct route_node *rn;
	struct route_entry *re;

	table = zebra_vrf_lookup_table_with_table_id(u->afi, u->safi, u->vrf_id,
						     u->table_id);
	if (!table)
		return;
	rn = srcdest_rnode_lookup(table, &u->prefix, NULL);
	if (!rn)
		return;
	RNODE_FOREACH_RE (rn, re) {
		if (re->dplane_sequence != u->seq)
			continue;
		if (ok) {
			SET_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
			UNSET_FLAG(re->flags, ZEBRA_FLAG_OFFLOAD_FAILED);
		} else {
			UNSET_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
			SET_FLAG(re->flags, ZEBRA_FLAG_OFFLOAD_FAILED);
		}
		break;
	}
	route_unlock_node(rn);
}

static bool nhg_is_offloaded(uint16_t id)
{
	return id == XDPFWD_NHG_ID_BLACKHOLE ||
	       (id >= XDPFWD_NHG_ID_FIRST_DYNAMIC && xdpfwd_nhg_offloadable(id));
}

int xdpfwd_route_apply(const struct xdpfwd_route_update *u)
{
	struct route_item key = {}, *r;
	uint16_t old, eff;
	int nhg, err = 0;

	if (!fib4)
		return -ENOENT;
	prefix_copy(&key.p, &u->prefix);
	apply_mask(&key.p);
	r = routes_find(&routes_head, &key);
	if (!r && u->is_delete)
		return 0;

	nhg = nhg_for_update(u);
	if (nhg < 0) {
		/* no room for its group: the kernel keeps forwarding it */
		zlog_warn("xdpfwd: %pFX: no nexthop group (%s), left to the kernel",
			  &key.p, strerror(-nhg));
		failures++;
		nhg = XDPFWD_NHG_ID_KERNEL;
	}
	if (!r) {
		r = XCALLOC(MTYPE_XDPFWD_ROUTE, sizeof(*r));
		r->p = key.p;
		routes_add(&routes_head, r);
	}
	old = r->nhg[u->src];
	r->nhg[u->src] = nhg;
	eff = effective_nhg(r);

	if (eff != r->installed) {
		err = fib_program(&r->p, eff);
		if (err && eff) {
			/* Not installed: make sure the old entry does not
			 * stay behind with a stale nexthop.
			 */
			flog_err(EC_LIB_DEVELOPMENT,
				 "xdpfwd: %pFX: programming the FIB failed: %s; left to the kernel",
				 &r->p, strerror(-err));
			failures++;
			if (r->installed)
				fib_program(&r->p, 0);
			r->installed = 0;
		} else
			r->installed = eff;
	}
	/* after the FIB moved on; the same group again was re-referenced by
	 * nhg_for_update, so this put balances it
	 */
	if (old)
		xdpfwd_nhg_put(old);

	if (IS_XDPFWD_DEBUG(ROUTES))
		zlog_debug("xdpfwd: %s %pFX source %d group %u -> %u%s",
			   u->is_delete ? "delete" : "install", &r->p, u->src,
			   old, nhg, err ? " (failed)" : "");

	if (u->src == XDPFWD_SRC_ZEBRA && !u->is_delete)
		zebra_mark_offload(u, !err && r->installed == nhg &&
					      nhg_is_offloaded(nhg));

	if (!effective_nhg(r)) {
		routes_del(&routes_head, r);
		XFREE(MTYPE_XDPFWD_ROUTE, r);
	}
	return err;
}

/* After an interface is enabled or disabled, zebra's selected routes
 * through it change offload state.
 */
void xdpfwd_routes_refresh_offload(void)
{
	struct route_item *r;

	frr_each (routes, &routes_head, r) {
		struct xdpfwd_route_update u = {};
		struct route_table *table;
		struct route_node *rn;
		rib_dest_t *dest;

		if (!r->nhg[XDPFWD_SRC_ZEBRA])
			continue;
		u.afi = family2afi(r->p.family);
		u.safi = SAFI_UNICAST;
		table = zebra_vrf_table(u.afi, u.safi, VRF_DEFAULT);
		if (!table)
			continue;
		rn = srcdest_rnode_lookup(table, &r->p, NULL);
		if (!rn)
			continue;
		dest = rib_dest_from_rnode(rn);
		if (dest && dest->selected_fib) {
			struct route_entry *re = dest->selected_fib;
			bool ok = r->installed == r->nhg[XDPFWD_SRC_ZEBRA] &&
				  nhg_is_offloaded(r->installed);

			if (ok) {
				SET_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
				UNSET_FLAG(re->flags, ZEBRA_FLAG_OFFLOAD_FAILED);
			} else {
				UNSET_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
				SET_FLAG(re->flags, ZEBRA_FLAG_OFFLOAD_FAILED);
			}
		}
		route_unlock_node(rn);
	}
}

static const char *nhg_type_str(uint16_t id)
{
	switch (id) {
	case 0:
		return "none";
	case XDPFWD_NHG_ID_LOCAL:
		return "local";
	case XDPFWD_NHG_ID_BLACKHOLE:
		return "blackhole";
	case XDPFWD_NHG_ID_UNREACHABLE:
		return "unreachable";
	case XDPFWD_NHG_ID_KERNEL:
		return "kernel";
	}
	return "forward";
}

static const char *const src_names[] = {
	[XDPFWD_SRC_ZEBRA] = "zebra",
	[XDPFWD_SRC_CONNECTED] = "connected",
	[XDPFWD_SRC_LOCAL] = "local",
};

static enum xdpfwd_route_src effective_src(const struct route_item *r)
{
	if (r->nhg[XDPFWD_SRC_LOCAL])
		return XDPFWD_SRC_LOCAL;
	if (r->nhg[XDPFWD_SRC_CONNECTED])
		return XDPFWD_SRC_CONNECTED;
	return XDPFWD_SRC_ZEBRA;
}

static void route_show_one(struct vty *vty, const struct route_item *r,
			   json_object *arr)
{
	uint16_t id = r->installed;
	bool offloaded = nhg_is_offloaded(id);

	if (arr) {
		json_object *o = json_object_new_object();

		json_object_string_addf(o, "prefix", "%pFX", &r->p);
		json_object_int_add(o, "nhgId", id);
		json_object_string_add(o, "type", nhg_type_str(id));
		json_object_string_add(o, "source",
				       src_names[effective_src(r)]);
		json_object_boolean_add(o, "offloaded", offloaded);
		if (id >= XDPFWD_NHG_ID_FIRST_DYNAMIC)
			xdpfwd_nhg_describe(id, vty, o);
		json_object_array_add(arr, o);
		return;
	}
	vty_out(vty, "%pFX %s, group %u, %s%s\n", &r->p, nhg_type_str(id), id,
		src_names[effective_src(r)], offloaded ? ", offloaded" : "");
	if (id >= XDPFWD_NHG_ID_FIRST_DYNAMIC)
		xdpfwd_nhg_describe(id, vty, NULL);
}

void xdpfwd_routes_show(struct vty *vty, const struct prefix *match,
			json_object *json)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	struct route_item *r;

	if (match && match->prefixlen == (match->family == AF_INET ? 32 : 128)) {
		/* an address: its longest match */
		struct route_item key = {};

		for (int len = match->prefixlen; len >= 0; len--) {
			prefix_copy(&key.p, match);
			key.p.prefixlen = len;
			apply_mask(&key.p);
			r = routes_find(&routes_head, &key);
			if (r && r->installed) {
				route_show_one(vty, r, arr);
				break;
			}
		}
	} else {
		frr_each (routes, &routes_head, r) {
			if (!r->installed)
				continue;
			if (match && prefix_cmp(&r->p, match))
				continue;
			route_show_one(vty, r, arr);
		}
	}
	if (json)
		json_object_object_add(json, "routes", arr);
}
