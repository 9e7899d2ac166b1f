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

#include <bpf/bpf.h>

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

#include "xdpfwd.h"
#include "xdpfwd_audit.h"
#include "nhg_slots.h"

#include "plugin/xdpfwd_audit_clippy.c"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_AUDIT, "xdpfwd audit");

#define XDPFWD_STR "XDP fast path (xdpfwd)\n"
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

/* a group as the fast path has it, parsed once per audit */
struct grp {
	bool done, ok_map;
	unsigned int count;
	struct xdpfwd_nh nh[XDPFWD_NHG_SLOTS]; /* sorted, merged */
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

static int nh_cmp(const void *a, const void *b)
{
	const struct xdpfwd_nh *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->gw, y->gw, sizeof(x->gw));
}

/* sort, and merge duplicates as xdpfwd_nhg_get does (weights add up) */
static unsigned int nh_normalize(struct xdpfwd_nh *nh, unsigned int n)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		if (nh[i].family != AF_INET6)
			memset(nh[i].gw + (nh[i].family == AF_INET ? 4 : 0), 0,
			       sizeof(nh[i].gw) -
				       (nh[i].family == AF_INET ? 4 : 0));
		if (!nh[i].weight)
			nh[i].weight = 1;
	}
	qsort(nh, n, sizeof(*nh), nh_cmp);
	for (i = 0; i < n; i++) {
		if (out && !nh_cmp(&nh[out - 1], &nh[i])) {
			nh[out - 1].weight += nh[i].weight;
			continue;
		}
		nh[out++] = nh[i];
	}
	return out;
}

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

	if (bpf_map_lookup_elem(xdpfwd_dp.fd_adjs, &adj, &v) < 0)
		return false;
	if (nh->family == AF_UNSPEC)
		return v.flags & XDPFWD_ADJ_F_CONNECTED;
	mac = xdpfwd_neigh_mac(nh->ifindex, nh->family, nh->gw);
	if (!mac)
		return !(v.flags & XDPFWD_ADJ_F_RESOLVED);
	return (v.flags & XDPFWD_ADJ_F_RESOLVED) &&
	       !memcmp(v.dmac, mac, sizeof(v.dmac));
}

/*
 * Parse group id through xdpfwd_nhg_describe() (the nexthop module's own
 * view, in the order of its adjacency ids), check its map entries.
 */
static struct grp *grp_get(struct audit *a, uint16_t id, const char **why)
{
	struct grp *g = &a->grps[id];
	json_object *o, *arr, *e, *v;
	uint32_t weights[XDPFWD_NHG_SLOTS], adjids[XDPFWD_NHG_SLOTS];
	uint16_t slot_to_index[XDPFWD_NHG_SLOTS];
	struct xdpfwd_nhg mv;
	uint32_t key = id;
	int n;

	*why = "";
	if (g->done)
		return g;
	g->done = true;
	o = json_object_new_object();
	xdpfwd_nhg_describe(id, NULL, o);
	g->count = json_object_object_get_ex(o, "nexthops", &arr)
			   ? json_object_array_length(arr)
			   : 0;
	if (g->count > XDPFWD_NHG_SLOTS)
		g->count = XDPFWD_NHG_SLOTS;
	for (unsigned int i = 0; i < g->count; i++) {
		struct xdpfwd_nh *nh = &g->nh[i];

		e = json_object_array_get_idx(arr, i);
		memset(nh, 0, sizeof(*nh));
		nh->ifindex = json_object_object_get_ex(e, "ifindex", &v)
				      ? json_object_get_int(v)
				      : 0;
		nh->weight = json_object_object_get_ex(e, "weight", &v)
				     ? json_object_get_int(v)
				     : 0;
		adjids[i] = json_object_object_get_ex(e, "adj", &v)
				    ? json_object_get_int(v)
				    : 0;
		weights[i] = nh->weight;
		nh->family = AF_UNSPEC;
		if (json_object_object_get_ex(e, "gateway", &v)) {
			const char *s = json_object_get_string(v);

			nh->family = strchr(s, ':') ? AF_INET6 : AF_INET;
			inet_pton(nh->family, s, nh->gw);
		}
	}
	json_object_free(o);

	/* the group map: its slots are its adjacencies, by weight */
	g->ok_map = false;
	n = g->count ? nhg_slots_expand(weights, g->count, slot_to_index,
					XDPFWD_NHG_SLOTS)
		     : -EINVAL;
	if (bpf_map_lookup_elem(xdpfwd_dp.fd_nhgs, &key, &mv) < 0)
		*why = "no group map entry";
	else if (mv.type != XDPFWD_NHG_FORWARD || n <= 0 || mv.nslots != n)
		*why = "group map type or slot count";
	else {
		g->ok_map = true;
		for (int i = 0; i < n; i++)
			if (mv.slot[i] != adjids[slot_to_index[i]])
				g->ok_map = false;
		if (!g->ok_map)
			*why = "group map slots";
	}
	for (unsigned int i = 0; g->ok_map && i < g->count; i++)
		if (!adj_map_ok(adjids[i], &g->nh[i])) {
			g->ok_map = false;
			*why = "adjacency map (MAC or flags)";
		}
	g->count = nh_normalize(g->nh, g->count);
	return g;
}

static uint16_t kind_group(enum xdpfwd_route_kind kind)
{
	switch (kind) {
	case XDPFWD_KIND_BLACKHOLE:
		return XDPFWD_NHG_ID_BLACKHOLE;
	case XDPFWD_KIND_UNREACHABLE:
		return XDPFWD_NHG_ID_UNREACHABLE;
	case XDPFWD_KIND_UNSUPPORTED:
		return XDPFWD_NHG_ID_KERNEL;
	case XDPFWD_KIND_FORWARD:
		break;
	}
	return 0;
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
	const char *why;
	bool flag;
	int ret;

	ret = xdpfwd_route_state(p, &st);
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
	if (st.src != XDPFWD_SRC_ZEBRA) {
		/* a connected or local route of the same prefix wins, in
		 * the kernel as in the fast path
		 */
		af->connected++;
		return;
	}

	id = st.nhg[XDPFWD_SRC_ZEBRA];
	kind = xdpfwd_nexthops_from_ng(&re->nhe->nhg, re->vrf_id, want, &n);
	want_id = kind_group(kind);
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
			struct grp *g = grp_get(a, id, &why);
			char zs[256], fs[256];

			n = nh_normalize(want, n);
			if (g->count != n ||
			    memcmp(g->nh, want, n * sizeof(want[0]))) {
				nh_str(want, n, zs, sizeof(zs));
				nh_str(g->nh, g->count, fs, sizeof(fs));
				diff(a, fam, D_NEXTHOPS, p,
				     "zebra: %s; fast path group %u: %s", zs,
				     id, fs);
				return;
			}
			if (!g->ok_map) {
				diff(a, fam,
				     strstr(why, "adjacency") ? D_ADJ_MAP
							      : D_GROUP_MAP,
				     p, "group %u: %s", id, why);
				g->ok_map = true; /* reported once */
			}
		}
	}
	ret = xdpfwd_route_map_check(p, &seen);
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
static void stale_cb(const struct prefix *p, const uint16_t *nhg, void *arg)
{
	struct audit *a = arg;
	struct route_table *table;
	struct route_node *rn;
	rib_dest_t *dest;
	bool selected = false;

	if (!nhg[XDPFWD_SRC_ZEBRA])
		return;
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
		     nhg[XDPFWD_SRC_ZEBRA]);
}

static void fam_json(json_object *j, const char *name,
		     const struct audit_fam *f)
{
	json_object *o = json_object_new_object();

	json_object_int_add(o, "checked", f->checked);
	json_object_int_add(o, "offloaded", f->offloaded);
	json_object_int_add(o, "kernelPath", f->kernel_path);
	json_object_int_add(o, "connected", f->connected);
	json_object_int_add(o, "pending", f->pending);
	json_object_int_add(o, "notInstalled", f->not_installed);
	json_object_int_add(o, "sourceSpecific", f->src_specific);
	json_object_int_add(o, "differences", f->differences);
	json_object_object_add(j, name, o);
}

void xdpfwd_capacity_json(json_object *json)
{
	struct xdpfwd_capacity c;
	json_object *o = json_object_new_object();

	xdpfwd_routes_capacity(&c);
	json_object_int_add(o, "tbl8Used", c.tbl8_used);
	json_object_int_add(o, "tbl8Groups", xdpfwd_dp.tbl8_groups);
	json_object_int_add(o, "degraded24", c.degraded24);
	json_object_int_add(o, "degradedRoutes", c.degraded_routes);
	json_object_boolean_add(o, "fib6FastPath", !c.fib6_off);
	json_object_int_add(o, "fib6Wanted", c.fib6_wanted);
	json_object_int_add(o, "fib6Missing", c.fib6_missing);
	json_object_int_add(o, "nhgFallbacks", c.nhg_fallbacks);
	json_object_int_add(o, "retries", c.retries);
	json_object_object_add(json, "capacity", o);
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

	if (!xdpfwd_dp.loaded)
		return xdpfwd_vty_not_running(vty, j);
	monotime(&start);
	queue = xdpfwd_provider_queued();
	a.grps = XCALLOC(MTYPE_XDPFWD_AUDIT, sizeof(*a.grps) * XDPFWD_NHG_MAX);
	if (j)
		a.list = json_object_new_array();
	else
		vty_out(vty, "Differences (at most %d listed):\n",
			AUDIT_LIST_MAX);
	audit_table(&a, AFI_IP);
	audit_table(&a, AFI_IP6);
	zroutes = xdpfwd_route_zebra_count();
	if (a.seen_zebra != zroutes)
		xdpfwd_routes_walk(stale_cb, &a);
	XFREE(MTYPE_XDPFWD_AUDIT, a.grps);
	us = monotime_since(&start, NULL);

	for (int k = 0; k < D__MAX; k++)
		total += a.diffs[k];
	pending = a.fam[0].pending + a.fam[1].pending + queue;
	if (j) {
		json_object *kinds = json_object_new_object();

		json_object_boolean_add(j, "converged", !pending);
		json_object_int_add(j, "differences", total);
		for (int k = 0; k < D__MAX; k++)
			json_object_int_add(kinds, diff_names[k], a.diffs[k]);
		json_object_object_add(j, "byKind", kinds);
		fam_json(j, "ipv4", &a.fam[0]);
		fam_json(j, "ipv6", &a.fam[1]);
		json_object_int_add(j, "providerQueue", queue);
		json_object_int_add(j, "fastPathZebraRoutes", zroutes);
		xdpfwd_capacity_json(j);
		json_object_int_add(j, "elapsedMs", us / 1000);
		json_object_object_add(j, "list", a.list);
		return vty_json(vty, j);
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
