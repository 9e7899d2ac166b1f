// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: "show xdpfwd audit [json]": compare zebra's selected routes with
 * what the fast path forwards with, and report every difference.
 *
 * For each route zebra selected for the FIB (default VRF, main table,
 * unicast) and has in the kernel:
 *  - connected routes: the fast path has the subnet from the interface
 *    address (or the address itself as a local route);
 *  - every other type, kernel routes included (zebra hands them to the
 *    dplane like the others, only rt_netlink skips the netlink write): the
 *    route table has the prefix from zebra, with a group whose nexthops
 *    (interface, gateway, weight) are zebra's resolved nexthops translated
 *    by the provider's own rules (recursive parents skipped, blackhole,
 *    unreachable, and "kernel" for what XDP cannot do);
 *  - the datapath's maps agree: the FIB entry for the prefix holds the
 *    group (or KERNEL when the table is full), the group's slots are its
 *    adjacencies in weighted proportion, and each adjacency's MAC is the
 *    neighbour's current MAC;
 *  - zebra's entry says "offloaded" exactly when its traffic takes XDP.
 * Then the other way: a route the fast path has from zebra that zebra
 * does not select any more is stale.
 *
 * Routes zebra still has queued for the kernel, and operations still in the
 * provider's queue, are counted as pending: "converged" means none are.
 *
 * Runs on zebra's main pthread in one go: about a second per million
 * routes (measured in the lab), acceptable for an explicit command.
 */
#include "config.h"
#include <zebra.h>

#include "lib/command.h"
#include "lib/json.h"
#include "lib/vty.h"
#include "lib/prefix.h"
#include "lib/monotime.h"
#include "lib/nexthop.h"
#include "lib/nexthop_group.h"
#include "lib/srcdest_table.h"

#include "zebra/rib.h"
#include "zebra/zebra_vrf.h"

#include "plugin/xdpfwd.h"
#include "plugin/audit.h"
#include "plugin/dispatch.h"
#include "plugin/provider.h"
#include "plugin/vty.h"
#include "plugin/yang_json.h"
#include "plugin/dp/dp.h"
#include "plugin/lib/nhg_slots.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/nexthop.h"
#include "plugin/writers/route_update.h"
#include "plugin/writers/routes.h"

/* vtysh/extract.pl scans this file with VTYSH_EXTRACT_PL (tools/vtysh/) */
#ifndef VTYSH_EXTRACT_PL
#include "plugin/audit_clippy.c"
#endif

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_AUDIT, "xdpfwd audit");

#define AUDIT_LIST_MAX 100

enum diff_kind {
	D_MISSING = 0, /* zebra route not in the fast path */
	D_NEXTHOPS,    /* other nexthops */
	D_TYPE,	       /* other kind (blackhole, kernel, ...) */
	D_MAP,	       /* FIB map entry wrong */
	D_GROUP_MAP,   /* group map entry wrong */
	D_ADJ_MAP,     /* adjacency map entry wrong (e.g. stale MAC) */
	D_OFFLOAD,     /* zebra's offloaded flag wrong */
	D_CONNECTED,   /* connected subnet missing */
	D_STALE,       /* in the fast path, not selected by zebra */
	D__MAX,
};

static const char *const diff_names[D__MAX] = {
	[D_MISSING] = "missing",     [D_NEXTHOPS] = "nexthops",
	[D_TYPE] = "type",	     [D_MAP] = "fibMap",
	[D_GROUP_MAP] = "groupMap",  [D_ADJ_MAP] = "adjacencyMap",
	[D_OFFLOAD] = "offloadFlag", [D_CONNECTED] = "connected",
	[D_STALE] = "stale",
};

/* a group as the fast path has it, checked once per audit */
struct grp {
	bool done;
	enum diff_kind bad; /* D_GROUP_MAP / D_ADJ_MAP, or D__MAX: fine */
	const char *why;
	struct nhg_info info; /* nexthops in canonical order */
};

struct audit_fam {
	uint64_t checked, offloaded, kernel_path, pending, not_installed;
	uint64_t connected, src_specific, differences;
};

struct audit {
	struct audit_fam fam[2];
	uint64_t diffs[D__MAX];
	uint64_t seen_zebra; /* zebra routes the fast path has from zebra */
	unsigned int listed;
	json_object *list;
	struct vty *vty;
	struct grp *grps; /* XDPFWD_NHG_MAX */
};

static void nh_str(const struct xdpfwd_nh *nh, unsigned int n, char *buf,
		   size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && off < len; i++) {
		char gw[INET6_ADDRSTRLEN] = "connected";

		if (nh[i].family != AF_UNSPEC)
			inet_ntop(nh[i].family, nh[i].gw, gw, sizeof(gw));
		off += snprintf(buf + off, len - off, "%s%s if %d w %u",
				i ? ", " : "", gw, nh[i].ifindex,
				nh[i].weight);
	}
}

static void diff(struct audit *a, int fam, enum diff_kind kind,
		 const struct prefix *p, const char *fmt, ...)
	PRINTFRR(5, 6);

static void diff(struct audit *a, int fam, enum diff_kind kind,
		 const struct prefix *p, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	a->diffs[kind]++;
	a->fam[fam].differences++;
	if (a->listed >= AUDIT_LIST_MAX)
		return;
	a->listed++;
	va_start(ap, fmt);
	vsnprintfrr(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (a->list) {
		json_object *o = json_object_new_object();

		json_object_string_addf(o, "prefix", "%pFX", p);
		json_object_string_add(o, "kind", diff_names[kind]);
		json_object_string_add(o, "detail", detail);
		json_object_array_add(a->list, o);
	} else
		vty_out(a->vty, "  %-40pFX %-13s %s\n", p, diff_names[kind],
			detail);
}

/* ---- groups: what the fast path has, and the group / adjacency maps ---- */

static bool adj_map_ok(uint32_t adj, const struct xdpfwd_nh *nh)
{
	struct xdpfwd_adj v;
	const uint8_t *mac;

	if (dp_adj_read(adj, &v) < 0)
		return false;
	if (nh->family == AF_UNSPEC)
		return v.flags & XDPFWD_ADJ_F_CONNECTED;
	mac = mirror_neigh_mac(nh->ifindex, nh->family, nh->gw);
	if (!mac)
		return !(v.flags & XDPFWD_ADJ_F_RESOLVED);
	return (v.flags & XDPFWD_ADJ_F_RESOLVED) &&
	       !memcmp(v.dmac, mac, sizeof(v.dmac));
}

/* Group @id as the nexthop writer has it; its map entries checked. */
static struct grp *grp_get(struct audit *a, uint16_t id)
{
	struct grp *g = &a->grps[id];
	uint32_t weights[XDPFWD_NHG_SLOTS];
	uint16_t slot_to_index[XDPFWD_NHG_SLOTS];
	struct xdpfwd_nhg mv;
	unsigned int count;
	int n;

	if (g->done)
		return g;
	g->done = true;
	g->bad = D__MAX;
	g->why = "";
	nhg_info(id, &g->info);
	count = g->info.count;
	for (unsigned int i = 0; i < count; i++)
		weights[i] = g->info.nh[i].weight;

	/* the group map: its slots are its adjacencies, by weight */
	n = count ? nhg_slots_expand(weights, count, slot_to_index,
				     XDPFWD_NHG_SLOTS)
		  : -EINVAL;
	if (dp_nhg_read(id, &mv) < 0) {
		g->bad = D_GROUP_MAP;
		g->why = "no group map entry";
	} else if (mv.type != XDPFWD_NHG_FORWARD || n <= 0 || mv.nslots != n) {
		g->bad = D_GROUP_MAP;
		g->why = "group map type or slot count";
	} else {
		struct xdpfwd_nhg want = {};
		uint32_t egress[XDPFWD_NHG_SLOTS];

		for (int i = 0; i < n; i++)
			if (mv.slot[i] != g->info.adj[slot_to_index[i]]) {
				g->bad = D_GROUP_MAP;
				g->why = "group map slots";
			}
		for (unsigned int i = 0; i < count; i++)
			egress[i] = g->info.nh[i].ifindex;
		nhg_egress_fill(&want, egress, count);
		if (mv.negress != want.negress ||
		    mv.egress_mask != want.egress_mask ||
		    memcmp(mv.egress, want.egress, sizeof(mv.egress))) {
			g->bad = D_GROUP_MAP;
			g->why = "group map egresses";
		}
	}
	for (unsigned int i = 0; g->bad == D__MAX && i < count; i++)
		if (!adj_map_ok(g->info.adj[i], &g->info.nh[i])) {
			g->bad = D_ADJ_MAP;
			g->why = "adjacency map (MAC or flags)";
		}
	return g;
}

/* ---- one route of zebra's ---- */

static void audit_route(struct audit *a, int fam, const struct prefix *p,
			struct route_entry *re)
{
	struct audit_fam *af = &a->fam[fam];
	struct xdpfwd_nh want[XDPFWD_NHG_SLOTS];
	struct xdpfwd_route_state st;
	enum xdpfwd_route_kind kind;
	unsigned int n = 0;
	uint16_t id, want_id;
	uint32_t seen;
	bool flag;
	int ret;

	ret = routes_state(p, &st);
	if (!ret && st.nhg[XDPFWD_SRC_ZEBRA])
		a->seen_zebra++;
	if (CHECK_FLAG(re->status, ROUTE_ENTRY_QUEUED)) {
		af->pending++;
		return;
	}
	if (!CHECK_FLAG(re->status, ROUTE_ENTRY_INSTALLED)) {
		af->not_installed++; /* the kernel does not have it either */
		return;
	}
	af->checked++;

	if (re->type == ZEBRA_ROUTE_CONNECT) {
		/* derived from the interface addresses by the plugin; IPv6
		 * link-local never takes the fast path (XDP passes it)
		 */
		af->connected++;
		if (p->family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&p->u.prefix6))
			return;
		if (ret || (!st.nhg[XDPFWD_SRC_CONNECTED] &&
			    !st.nhg[XDPFWD_SRC_LOCAL]))
			diff(a, fam, D_CONNECTED, p,
			     "no connected or local route from the interface address");
		return;
	}
	if (ret || !st.nhg[XDPFWD_SRC_ZEBRA]) {
		diff(a, fam, D_MISSING, p, "zebra's %s route not in the route table",
		     zebra_route_string(re->type));
		return;
	}
	if (st.src == XDPFWD_SRC_SRCDEST || st.src == XDPFWD_SRC_KTYPE) {
		/* source-specific routes for the prefix, or a kernel route
		 * type zebra does not import: the kernel's
		 */
		if (st.src == XDPFWD_SRC_SRCDEST)
			af->src_specific++;
		af->kernel_path++;
		if (CHECK_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED))
			diff(a, fam, D_OFFLOAD, p,
			     "zebra says offloaded, the prefix is on the kernel path (%s)",
			     st.src == XDPFWD_SRC_SRCDEST
				     ? "source-specific routes"
				     : "a kernel route type");
		return;
	}
	if (st.src != XDPFWD_SRC_ZEBRA) {
		/* a connected or local route of the same prefix wins, in
		 * the kernel as in the fast path
		 */
		af->connected++;
		return;
	}

	id = st.nhg[XDPFWD_SRC_ZEBRA];
	kind = xdpfwd_kind_with_mtu(xdpfwd_nexthops_from_ng(&re->nhe->nhg,
							    re->vrf_id, want, &n),
				    re->mtu, re->nexthop_mtu);
	want_id = xdpfwd_kind_group(kind);
	if (want_id && id != want_id) {
		diff(a, fam, D_TYPE, p, "zebra: group %u, fast path: group %u",
		     want_id, id);
		return;
	}
	if (!want_id) {
		if (id < XDPFWD_NHG_ID_FIRST_DYNAMIC) {
			if (!(id == XDPFWD_NHG_ID_KERNEL && st.nhg_fallback))
				diff(a, fam, D_TYPE, p,
				     "zebra forwards, fast path group %u", id);
		} else {
			struct grp *g = grp_get(a, id);
			char zs[256], fs[256];

			n = xdpfwd_nh_normalize(want, n);
			if (g->info.count != n ||
			    memcmp(g->info.nh, want, n * sizeof(want[0]))) {
				nh_str(want, n, zs, sizeof(zs));
				nh_str(g->info.nh, g->info.count, fs,
				       sizeof(fs));
				diff(a, fam, D_NEXTHOPS, p,
				     "zebra: %s; fast path group %u: %s", zs,
				     id, fs);
				return;
			}
			if (g->bad != D__MAX) {
				diff(a, fam, g->bad, p, "group %u: %s", id,
				     g->why);
				g->bad = D__MAX; /* reported once */
			}
		}
	}
	ret = routes_map_check(p, &seen);
	if (ret)
		diff(a, fam, D_MAP, p, "FIB map %s: reads %u, group %u",
		     ret == -ENOENT ? "has no entry" : "differs", seen,
		     st.installed);
	if (!st.in_fast_path)
		af->kernel_path++;
	flag = CHECK_FLAG(re->flags, ZEBRA_FLAG_OFFLOADED);
	if (flag != st.offloaded)
		diff(a, fam, D_OFFLOAD, p, "zebra says offloaded %s, fast path %s",
		     flag ? "true" : "false", st.offloaded ? "true" : "false");
	if (st.offloaded)
		af->offloaded++;
}

static void audit_table(struct audit *a, afi_t afi)
{
	struct route_table *table = zebra_vrf_table(afi, SAFI_UNICAST,
						    VRF_DEFAULT);
	int fam = afi == AFI_IP ? 0 : 1;
	struct route_node *rn;

	if (!table)
		return;
	for (rn = route_top(table); rn; rn = srcdest_route_next(rn)) {
		const struct prefix *p, *src_p;
		rib_dest_t *dest = rib_dest_from_rnode(rn);
		struct route_entry *re;

		if (!dest || !(re = dest->selected_fib) ||
		    CHECK_FLAG(re->status, ROUTE_ENTRY_REMOVED))
			continue;
		srcdest_rnode_prefixes(rn, &p, &src_p);
		if (src_p && src_p->prefixlen) {
			/* source-specific: left to the kernel by the provider */
			a->fam[fam].src_specific++;
			continue;
		}
		audit_route(a, fam, p, re);
	}
}

/* the other way: from zebra in the fast path, not selected by zebra */
static void audit_stale(struct audit *a)
{
	const struct prefix *p = NULL;
	struct xdpfwd_route_state st;
	struct route_table *table;
	struct route_node *rn;
	rib_dest_t *dest;
	bool selected;

	while ((p = routes_next(p))) {
		if (routes_state(p, &st) || !st.nhg[XDPFWD_SRC_ZEBRA])
			continue;
		selected = false;
		table = zebra_vrf_table(family2afi(p->family), SAFI_UNICAST,
					VRF_DEFAULT);
		rn = table ? srcdest_rnode_lookup(table, p, NULL) : NULL;
		if (rn) {
			dest = rib_dest_from_rnode(rn);
			selected = dest && dest->selected_fib &&
				   !CHECK_FLAG(dest->selected_fib->status,
					       ROUTE_ENTRY_REMOVED);
			route_unlock_node(rn);
		}
		if (!selected)
			diff(a, p->family == AF_INET ? 0 : 1, D_STALE, p,
			     "group %u from zebra, but zebra selects no route",
			     st.nhg[XDPFWD_SRC_ZEBRA]);
	}
}

static void fam_json(json_object *j, const char *name,
		     const struct audit_fam *f)
{
	json_object *o = json_object_new_object();

	xdpfwd_json_u64(o, "checked", f->checked);
	xdpfwd_json_u64(o, "offloaded", f->offloaded);
	xdpfwd_json_u64(o, "kernelPath", f->kernel_path);
	xdpfwd_json_u64(o, "connected", f->connected);
	xdpfwd_json_u64(o, "pending", f->pending);
	xdpfwd_json_u64(o, "notInstalled", f->not_installed);
	xdpfwd_json_u64(o, "sourceSpecific", f->src_specific);
	xdpfwd_json_u64(o, "differences", f->differences);
	json_object_object_add(j, name, o);
}

DEFPY(show_xdpfwd_audit, show_xdpfwd_audit_cmd, "show xdpfwd audit [json$json]",
      SHOW_STR XDPFWD_STR
      "Compare zebra's selected routes with the fast path's maps\n" JSON_STR)
{
	struct audit a = { .vty = vty };
	json_object *j = json ? json_object_new_object() : NULL;
	struct timeval start;
	uint64_t queue, total = 0, pending;
	uint32_t zroutes;
	int64_t us;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	monotime(&start);
	queue = provider_queued();
	a.grps = XCALLOC(MTYPE_XDPFWD_AUDIT, sizeof(*a.grps) * XDPFWD_NHG_MAX);
	if (j)
		a.list = json_object_new_array();
	else
		vty_out(vty, "Differences (at most %d listed):\n",
			AUDIT_LIST_MAX);
	audit_table(&a, AFI_IP);
	audit_table(&a, AFI_IP6);
	zroutes = routes_zebra_count();
	if (a.seen_zebra != zroutes)
		audit_stale(&a);
	XFREE(MTYPE_XDPFWD_AUDIT, a.grps);
	us = monotime_since(&start, NULL);

	for (int k = 0; k < D__MAX; k++)
		total += a.diffs[k];
	pending = a.fam[0].pending + a.fam[1].pending + queue;
	if (j) {
		json_object *kinds = json_object_new_object();
		json_object *o = json_object_new_object();

		json_object_boolean_add(o, "converged", !pending);
		xdpfwd_json_u64(o, "differences", total);
		for (int k = 0; k < D__MAX; k++)
			xdpfwd_json_u64(kinds, diff_names[k], a.diffs[k]);
		json_object_object_add(o, "byKind", kinds);
		fam_json(o, "ipv4", &a.fam[0]);
		fam_json(o, "ipv6", &a.fam[1]);
		xdpfwd_json_u64(o, "providerQueue", queue);
		json_object_int_add(o, "fastPathZebraRoutes", zroutes);
		routes_capacity_json(o);
		xdpfwd_json_i64(o, "elapsedMs", us / 1000);
		json_object_object_add(o, "list", a.list);
		json_object_object_add(j, "audit", o);
		return xdpfwd_vty_json(vty, j);
	}
	for (int f = 0; f < 2; f++)
		vty_out(vty,
			"%s: %" PRIu64 " routes checked, %" PRIu64
			" offloaded, %" PRIu64 " on the kernel path (table full), %" PRIu64
			" connected, %" PRIu64 " pending, %" PRIu64
			" differences\n",
			f ? "IPv6" : "IPv4", a.fam[f].checked,
			a.fam[f].offloaded, a.fam[f].kernel_path,
			a.fam[f].connected, a.fam[f].pending,
			a.fam[f].differences);
	vty_out(vty,
		"%" PRIu64 " differences, %" PRIu64 " pending (provider queue %" PRIu64
		"): %s; %" PRId64 " ms\n",
		total, pending, queue,
		pending ? "not converged" : "converged", us / 1000);
	return total ? CMD_WARNING : CMD_SUCCESS;
}

void xdpfwd_audit_init(void)
{
	install_element(VIEW_NODE, &show_xdpfwd_audit_cmd);
}
