// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd nexthop writer: nexthop groups, adjacencies, neighbour maps.
 *
 * An adjacency is one (egress interface, gateway) pair, or one interface
 * for connected routes.  Groups reference adjacencies by id and routes
 * reference groups by id, so a neighbour's MAC changing or an interface
 * going down is one adjacency write, whatever the number of routes.
 * Groups are deduplicated by content: routes with the same nexthops share
 * one group.  A group keeps its nexthops in canonical order
 * (xdpfwd_nh_normalize), which is also the order of its slots.
 *
 * Readers on other CPUs never see an adjacency half-written: a referenced
 * adjacency that changes (a MAC, a flag, an MTU) is written whole under a
 * new id and its groups are pointed at it (a reader sees either id, both
 * whole); and a freed group or adjacency id is reused only after an RCU
 * grace period, so that no reader of the old content sees the new.
 *
 * Routing into a bridge leaves through the port the destination's MAC is
 * learned on: a gateway adjacency on a bridge takes that port as its
 * egress, and a neighbour on a bridge carries it in its map value.
 */
#include "config.h"
#include <zebra.h>

#include "lib/log.h"
#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/vty.h"
#include "lib/id_alloc.h"
#include "lib/thread.h"

#include "plugin/xdpfwd.h"
#include "plugin/dp/dp.h"
#include "plugin/lib/grace.h"
#include "plugin/lib/nhg_slots.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/iface.h"
#include "plugin/writers/kernel_use.h"
#include "plugin/writers/nexthop.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_ADJ, "xdpfwd adjacency");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_NHG, "xdpfwd nexthop group");

PREDECL_HASH(adjs);
struct adj_item {
	struct adjs_item hitem;
	int ifindex;
	int family; /* AF_UNSPEC: connected */
	uint8_t gw[16];
	uint16_t id;
	uint32_t refcnt;
	struct xdpfwd_adj val; /* as last written to the map */
};

static int adj_cmp(const struct adj_item *a, const struct adj_item *b)
{
	if (a->ifindex != b->ifindex)
		return numcmp(a->ifindex, b->ifindex);
	if (a->family != b->family)
		return numcmp(a->family, b->family);
	return memcmp(a->gw, b->gw, sizeof(a->gw));
}

static uint32_t adj_hash(const struct adj_item *a)
{
	return jhash(a->gw, sizeof(a->gw), a->ifindex ^ (a->family << 16));
}
DECLARE_HASH(adjs, struct adj_item, hitem, adj_cmp, adj_hash);

PREDECL_HASH(nhgs);
struct nhg_item {
	struct nhgs_item hitem;
	uint16_t id;
	uint32_t refcnt;
	unsigned int count;
	uint16_t adj[XDPFWD_NHG_SLOTS];	   /* of the nexthops, canonical order */
	uint32_t weight[XDPFWD_NHG_SLOTS]; /* same order */
};

static int nhg_cmp(const struct nhg_item *a, const struct nhg_item *b)
{
	if (a->count != b->count)
		return numcmp(a->count, b->count);
	for (unsigned int i = 0; i < a->count; i++) {
		if (a->adj[i] != b->adj[i])
			return numcmp(a->adj[i], b->adj[i]);
		if (a->weight[i] != b->weight[i])
			return numcmp(a->weight[i], b->weight[i]);
	}
	return 0;
}

static uint32_t nhg_hash(const struct nhg_item *a)
{
	uint32_t h = jhash(a->adj, a->count * sizeof(a->adj[0]), a->count);

	return jhash(a->weight, a->count * sizeof(a->weight[0]), h);
}
DECLARE_HASH(nhgs, struct nhg_item, hitem, nhg_cmp, nhg_hash);

static struct adjs_head adjs_head;
static struct nhgs_head nhgs_head;
static struct id_alloc *adj_ids, *nhg_ids;
static struct adj_item **adj_by_id;
static struct nhg_item **nhg_by_id;

/* ---- ids freed but perhaps still read by a datapath run ---- */
#define QUARANTINE_MSEC 100

struct quarantine {
	uint32_t *ids;
	unsigned int n, cap;
};
static struct quarantine adj_q, nhg_q;
static struct thread *t_quarantine;

static void quarantine_run(struct thread *t);

static void quarantine_add(struct quarantine *q, uint32_t id)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->ids = XREALLOC(MTYPE_XDPFWD_ADJ, q->ids,
				  q->cap * sizeof(*q->ids));
	}
	q->ids[q->n++] = id;
	thread_add_timer_msec(xdpfwd_master, quarantine_run, NULL,
			      QUARANTINE_MSEC, &t_quarantine);
}

void nexthop_release_freed(void)
{
	if (!adj_q.n && !nhg_q.n)
		return;
	xdp_grace_period();
	for (unsigned int i = 0; i < adj_q.n; i++)
		idalloc_free(adj_ids, adj_q.ids[i]);
	for (unsigned int i = 0; i < nhg_q.n; i++)
		idalloc_free(nhg_ids, nhg_q.ids[i]);
	adj_q.n = nhg_q.n = 0;
}

static void quarantine_run(struct thread *t)
{
	nexthop_release_freed();
}

/* how often the neighbours XDP sent to are reported to the kernel */
#define NEIGH_USE_MSEC 1000

static struct thread *t_use;

/* the datapath's stamp clock, CLOCK_MONOTONIC at tick resolution as
 * bpf_ktime_get_coarse_ns()
 */
static uint32_t seen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec) >>
	       XDPFWD_SEEN_SHIFT;
}

/* stamped within the last two stamp periods: used since the last report */
static bool used_recently(uint32_t seen, uint32_t now)
{
	return seen && now - seen <= 1;
}

void nexthop_report_use(void)
{
	const struct mirror_neigh *n = NULL;
	uint32_t now = seen_now();
	struct xdpfwd_adj av;
	struct xdpfwd_neigh nv;
	struct adj_item *a;

	kernel_use_drain();
	/* permanent entries are not re-verified: NTF_USE would only make
	 * them non-permanent (mirror_neigh.fixed)
	 */
	frr_each (adjs, &adjs_head, a)
		if (a->family != AF_UNSPEC &&
		    (a->val.flags & XDPFWD_ADJ_F_RESOLVED) &&
		    !mirror_neigh_fixed(a->ifindex, a->family, a->gw) &&
		    dp_adj_read(a->id, &av) == 0 &&
		    used_recently(av.seen, now))
			kernel_use_neigh(a->ifindex, a->family, a->gw);
	/* hosts on connected subnets: the neighbour map entries */
	while ((n = mirror_neigh_next(n)))
		if (!n->fixed &&
		    dp_neigh_read(n->family, n->ifindex, n->addr, &nv) == 0 &&
		    used_recently(nv.seen, now))
			kernel_use_neigh(n->ifindex, n->family, n->addr);
}

static void use_timer(struct thread *t)
{
	thread_add_timer_msec(xdpfwd_master, use_timer, NULL, NEIGH_USE_MSEC,
			      &t_use);
	nexthop_report_use();
}

int nexthop_init(void)
{
	adjs_init(&adjs_head);
	nhgs_init(&nhgs_head);
	adj_ids = idalloc_new("xdpfwd adjacencies");
	nhg_ids = idalloc_new("xdpfwd nexthop groups");
	/* group ids below the first dynamic one are the reserved groups */
	for (uint32_t id = 1; id < XDPFWD_NHG_ID_FIRST_DYNAMIC; id++)
		idalloc_reserve(nhg_ids, id);
	thread_add_timer_msec(xdpfwd_master, use_timer, NULL, NEIGH_USE_MSEC,
			      &t_use);
	adj_by_id = XCALLOC(MTYPE_XDPFWD_ADJ,
			    sizeof(*adj_by_id) * XDPFWD_ADJ_MAX);
	nhg_by_id = XCALLOC(MTYPE_XDPFWD_NHG,
			    sizeof(*nhg_by_id) * XDPFWD_NHG_MAX);
	return 0;
}

void nexthop_fini(void)
{
	struct adj_item *a;
	struct nhg_item *g;

	THREAD_OFF(t_use);
	THREAD_OFF(t_quarantine);
	XFREE(MTYPE_XDPFWD_ADJ, adj_q.ids);
	XFREE(MTYPE_XDPFWD_ADJ, nhg_q.ids);
	adj_q.n = adj_q.cap = nhg_q.n = nhg_q.cap = 0;
	frr_each_safe (nhgs, &nhgs_head, g) {
		nhgs_del(&nhgs_head, g);
		XFREE(MTYPE_XDPFWD_NHG, g);
	}
	frr_each_safe (adjs, &adjs_head, a) {
		adjs_del(&adjs_head, a);
		XFREE(MTYPE_XDPFWD_ADJ, a);
	}
	if (adj_ids)
		idalloc_destroy(adj_ids);
	if (nhg_ids)
		idalloc_destroy(nhg_ids);
	adj_ids = nhg_ids = NULL;
	XFREE(MTYPE_XDPFWD_ADJ, adj_by_id);
	XFREE(MTYPE_XDPFWD_NHG, nhg_by_id);
}

/* ---- adjacencies ---- */

/* An adjacency out of a bridge leaves through the port of its MAC. */
static void adj_bridge_fixup(struct xdpfwd_adj *v)
{
	const struct xdpfwd_link *br = mirror_link(v->ifindex);

	if (!br || !br->is_bridge)
		return;
	v->flags |= XDPFWD_ADJ_F_BRIDGE;
	/* the bridge itself takes no redirect: its ports do */
	if (br->oper_up && !mirror_bridge_vlan_aware(br->ifindex))
		v->flags |= XDPFWD_ADJ_F_VALID;
	else
		v->flags &= ~XDPFWD_ADJ_F_VALID;
	if (iface_bridge_native(br->ifindex))
		v->flags |= XDPFWD_ADJ_F_NATIVE_TX;
	if (v->flags & XDPFWD_ADJ_F_CONNECTED)
		return; /* the port comes from the neighbour value */
	v->ifindex = (v->flags & XDPFWD_ADJ_F_RESOLVED)
			     ? mirror_fdb_port(br->ifindex, v->dmac)
			     : 0;
}

/*
 * The egress's qdisc or netdev egress chain would see the packet (an XDP
 * redirect skips both); out of a bridge, the bridge's or any port's.
 * A qdisc applies whatever the mode, an nftables chain unless bypassed.
 */
static void adj_egress_hooks(int ifindex, struct xdpfwd_adj *v)
{
	const struct xdpfwd_link *l = mirror_link(ifindex), *p = NULL;
	uint8_t tc = mirror_fw_dev_tc(ifindex);
	uint8_t nft = l ? mirror_fw_dev_nft(l->name) : 0;

	if (l && l->is_bridge)
		while ((p = mirror_link_next(p)))
			if (p->bridge == ifindex) {
				tc |= mirror_fw_dev_tc(p->ifindex);
				nft |= mirror_fw_dev_nft(p->name);
			}
	if (tc & XFW_HOOK_OUT)
		v->flags |= XDPFWD_ADJ_F_TC;
	if (!xdpfwd_cfg.fw_bypass && (nft & XFW_HOOK_OUT))
		v->flags |= XDPFWD_ADJ_F_FW;
}

static void adj_compute(const struct adj_item *a, struct xdpfwd_adj *v)
{
	const struct xdpfwd_link *l = mirror_link(a->ifindex);
	const uint8_t *mac;

	memset(v, 0, sizeof(*v));
	v->ifindex = a->ifindex;
	if (!l)
		return;
	memcpy(v->smac, l->mac, sizeof(v->smac));
	v->mtu = l->mtu > UINT16_MAX ? UINT16_MAX : l->mtu;
	/* the kernel's IPv6 path MTU: the interface's IPv6 MTU, which may
	 * be lower than the link's
	 */
	v->mtu6 = l->mtu6 && l->mtu6 < v->mtu ? l->mtu6 : v->mtu;
	if (iface_forwarding(a->ifindex))
		v->flags |= XDPFWD_ADJ_F_VALID;
	if (iface_native(a->ifindex))
		v->flags |= XDPFWD_ADJ_F_NATIVE_TX;
	adj_egress_hooks(a->ifindex, v);
	if (a->family == AF_UNSPEC) {
		v->flags |= XDPFWD_ADJ_F_CONNECTED;
	} else {
		mac = mirror_neigh_mac(a->ifindex, a->family, a->gw);
		if (mac) {
			memcpy(v->dmac, mac, sizeof(v->dmac));
			v->flags |= XDPFWD_ADJ_F_RESOLVED;
		}
	}
	adj_bridge_fixup(v);
}

static int nhg_write(const struct nhg_item *g);

/*
 * A referenced adjacency changes: the new value whole under a new id,
 * then every group using it switched to that id, then the old id to the
 * quarantine.  Groups are rewritten in place, but a reader of a group
 * being rewritten reads either id in a slot, both whole adjacencies.
 * Returns false when no id is left (the caller writes in place).
 */
static bool adj_swap(struct adj_item *a, const struct xdpfwd_adj *v)
{
	uint32_t old = a->id, id = idalloc_allocate(adj_ids);
	struct nhg_item *g, **users;
	unsigned int n = 0;

	if (id == IDALLOC_INVALID)
		return false;
	if (id >= XDPFWD_ADJ_MAX || dp_adj_write(id, v) != 0) {
		idalloc_free(adj_ids, id);
		return id >= XDPFWD_ADJ_MAX ? false : true; /* failure counted */
	}
	a->id = id;
	a->val = *v;
	adj_by_id[id] = a;
	adj_by_id[old] = NULL;
	/* the groups using it, collected first: their keys change, and a
	 * hash must not grow under its own iteration
	 */
	users = XCALLOC(MTYPE_TMP, sizeof(*users) * (a->refcnt + 1));
	frr_each (nhgs, &nhgs_head, g)
		for (unsigned int i = 0; i < g->count && n < a->refcnt; i++)
			if (g->adj[i] == old) {
				users[n++] = g;
				break;
			}
	for (unsigned int k = 0; k < n; k++) {
		g = users[k];
		nhgs_del(&nhgs_head, g);
		for (unsigned int i = 0; i < g->count; i++)
			if (g->adj[i] == old)
				g->adj[i] = id;
		nhgs_add(&nhgs_head, g);
		nhg_write(g);
	}
	XFREE(MTYPE_TMP, users);
	quarantine_add(&adj_q, old);
	return true;
}

/* a failed write keeps the old value (and is counted by the BPF layer) */
static void adj_sync(struct adj_item *a)
{
	struct xdpfwd_adj v;

	adj_compute(a, &v);
	if (!memcmp(&v, &a->val, sizeof(v)))
		return;
	/* no group reads it yet: in place */
	if (a->refcnt && adj_swap(a, &v))
		return;
	if (dp_adj_write(a->id, &v) == 0)
		a->val = v;
}

static struct adj_item *adj_find_or_create(const struct xdpfwd_nh *nh)
{
	struct adj_item key = { .ifindex = nh->ifindex, .family = nh->family },
			*a;
	uint32_t id;

	if (nh->family == AF_INET)
		memcpy(key.gw, nh->gw, 4);
	else if (nh->family == AF_INET6)
		memcpy(key.gw, nh->gw, 16);
	a = adjs_find(&adjs_head, &key);
	if (a)
		return a;
	id = idalloc_allocate(adj_ids);
	if (id == IDALLOC_INVALID)
		return NULL;
	if (id >= XDPFWD_ADJ_MAX) {
		idalloc_free(adj_ids, id);
		return NULL;
	}
	a = XCALLOC(MTYPE_XDPFWD_ADJ, sizeof(*a));
	*a = key;
	a->id = id;
	/* force the first write: a zeroed value is never a valid one */
	memset(&a->val, 0xff, sizeof(a->val));
	adjs_add(&adjs_head, a);
	adj_by_id[id] = a;
	adj_sync(a);
	return a;
}

static void adj_release_if_unused(struct adj_item *a)
{
	struct xdpfwd_adj zero = {};

	if (a->refcnt)
		return;
	/* groups that referenced it are gone already: no packet reads it */
	dp_adj_write(a->id, &zero);
	adjs_del(&adjs_head, a);
	adj_by_id[a->id] = NULL;
	quarantine_add(&adj_q, a->id);
	XFREE(MTYPE_XDPFWD_ADJ, a);
}

static struct adj_item *adj_find(int ifindex, int family, const void *addr)
{
	struct adj_item key = { .ifindex = ifindex, .family = family };

	memcpy(key.gw, addr, family == AF_INET ? 4 : 16);
	return adjs_find(&adjs_head, &key);
}

/* ---- what the mirror said changed ---- */

void nexthop_refresh_all(void)
{
	struct adj_item *a;

	frr_each (adjs, &adjs_head, a)
		adj_sync(a);
}

void nexthop_link_changed(int ifindex)
{
	struct adj_item *a;

	frr_each (adjs, &adjs_head, a)
		if (a->ifindex == ifindex)
			adj_sync(a);
}

/*
 * The neighbour map entry, as the mirror has the neighbour now: its MAC
 * and, on a bridge, the port the FDB has for that MAC.  A failed write (a
 * full map) leaves packets to that host on the kernel path.
 */
static void neigh_write(int ifindex, int family, const void *addr)
{
	const uint8_t *mac = mirror_neigh_mac(ifindex, family, addr);
	struct xdpfwd_neigh v = {};

	if (!mac) {
		dp_neigh_delete(family, ifindex, addr);
		return;
	}
	memcpy(v.mac, mac, sizeof(v.mac));
	v.port_ifindex = mirror_fdb_port(ifindex, mac);
	dp_neigh_write(family, ifindex, addr, &v);
}

void nexthop_neigh_changed(int ifindex, int family, const void *addr)
{
	struct adj_item *a;

	neigh_write(ifindex, family, addr);
	a = adj_find(ifindex, family, addr);
	if (a)
		adj_sync(a);
	if (IS_XDPFWD_DEBUG(NEIGH))
		zlog_debug("xdpfwd: neighbour ifindex %d %s %s", ifindex,
			   family == AF_INET ? "v4" : "v6",
			   mirror_neigh_mac(ifindex, family, addr)
				   ? "resolved"
				   : "gone");
}

void nexthop_bridge_changed(int bridge, const uint8_t *mac)
{
	const struct mirror_neigh *n = NULL;
	const struct xdpfwd_link *br;
	struct adj_item *a;

	while ((n = mirror_neigh_next(n))) {
		if ((bridge && n->ifindex != bridge) ||
		    (mac && memcmp(n->mac, mac, sizeof(n->mac))))
			continue;
		br = mirror_link(n->ifindex);
		if (!br || !br->is_bridge)
			continue;
		neigh_write(n->ifindex, n->family, n->addr);
		a = adj_find(n->ifindex, n->family, n->addr);
		if (a)
			adj_sync(a);
	}
}

/* ---- groups ---- */

static int nhg_write(const struct nhg_item *g)
{
	struct xdpfwd_nhg v = { .type = XDPFWD_NHG_FORWARD };
	uint16_t slot_to_index[XDPFWD_NHG_SLOTS];
	uint32_t egress[XDPFWD_NHG_SLOTS];
	int n;

	n = nhg_slots_expand(g->weight, g->count, slot_to_index,
			     XDPFWD_NHG_SLOTS);
	if (n <= 0)
		return n < 0 ? n : -EINVAL;
	v.nslots = n;
	for (int i = 0; i < n; i++)
		v.slot[i] = g->adj[slot_to_index[i]];
	/* the interfaces the kernel may route the group's packets out of:
	 * a packet from one of them is the kernel's (hairpin)
	 */
	for (unsigned int i = 0; i < g->count; i++)
		egress[i] = adj_by_id[g->adj[i]]->ifindex;
	nhg_egress_fill(&v, egress, g->count);
	return dp_nhg_write(g->id, &v);
}

int nhg_get(const struct xdpfwd_nh *nhs, unsigned int count)
{
	struct xdpfwd_nh nh[XDPFWD_NHG_SLOTS];
	struct nhg_item key = {}, *g;
	struct adj_item *adjs[XDPFWD_NHG_SLOTS];
	unsigned int n = 0;
	uint32_t id;
	int err;

	if (count == 0 || count > XDPFWD_NHG_SLOTS)
		return -E2BIG;
	memcpy(nh, nhs, count * sizeof(nh[0]));
	count = xdpfwd_nh_normalize(nh, count);
	for (n = 0; n < count; n++) {
		adjs[n] = adj_find_or_create(&nh[n]);
		if (!adjs[n]) {
			err = -ENOSPC;
			goto fail;
		}
		key.adj[n] = adjs[n]->id;
		key.weight[n] = nh[n].weight;
	}
	key.count = count;
	g = nhgs_find(&nhgs_head, &key);
	if (g) {
		g->refcnt++;
		return g->id;
	}
	id = idalloc_allocate(nhg_ids);
	if (id == IDALLOC_INVALID || id >= XDPFWD_NHG_MAX) {
		if (id != IDALLOC_INVALID)
			idalloc_free(nhg_ids, id);
		err = -ENOSPC;
		goto fail;
	}
	g = XCALLOC(MTYPE_XDPFWD_NHG, sizeof(*g));
	*g = key;
	g->id = id;
	err = nhg_write(g);
	if (err) {
		idalloc_free(nhg_ids, id);
		XFREE(MTYPE_XDPFWD_NHG, g);
		goto fail;
	}
	g->refcnt = 1;
	for (unsigned int i = 0; i < g->count; i++)
		adj_by_id[g->adj[i]]->refcnt++;
	nhgs_add(&nhgs_head, g);
	nhg_by_id[id] = g;
	return id;

fail:
	for (unsigned int i = 0; i < n; i++)
		adj_release_if_unused(adjs[i]);
	return err;
}

void nhg_put(uint16_t id)
{
	struct xdpfwd_nhg none = {};
	struct nhg_item *g;

	if (id < XDPFWD_NHG_ID_FIRST_DYNAMIC || id >= XDPFWD_NHG_MAX)
		return;
	g = nhg_by_id[id];
	if (!g || --g->refcnt)
		return;
	/* routes point elsewhere already (the caller updated the FIB first) */
	dp_nhg_write(id, &none);
	nhgs_del(&nhgs_head, g);
	nhg_by_id[id] = NULL;
	quarantine_add(&nhg_q, id);
	for (unsigned int i = 0; i < g->count; i++) {
		struct adj_item *a = adj_by_id[g->adj[i]];

		a->refcnt--;
		adj_release_if_unused(a);
	}
	XFREE(MTYPE_XDPFWD_NHG, g);
}

/* Offloaded means: every path leaves through an interface in the fast path. */
bool nhg_offloadable(uint16_t id)
{
	struct nhg_item *g;

	if (id < XDPFWD_NHG_ID_FIRST_DYNAMIC)
		return id == XDPFWD_NHG_ID_BLACKHOLE;
	if (id >= XDPFWD_NHG_MAX || !(g = nhg_by_id[id]))
		return false;
	for (unsigned int i = 0; i < g->count; i++) {
		int ifindex = adj_by_id[g->adj[i]]->ifindex;

		if (!iface_attached(ifindex) &&
		    !iface_bridge_offloadable(ifindex))
			return false;
	}
	return true;
}

uint32_t nhg_count(void)
{
	return nhgs_count(&nhgs_head);
}

uint32_t adj_count(void)
{
	return adjs_count(&adjs_head);
}

int nhg_info(uint16_t id, struct nhg_info *out)
{
	struct nhg_item *g = id < XDPFWD_NHG_MAX ? nhg_by_id[id] : NULL;

	memset(out, 0, sizeof(*out));
	if (!g)
		return -ENOENT;
	out->count = g->count;
	for (unsigned int i = 0; i < g->count; i++) {
		const struct adj_item *a = adj_by_id[g->adj[i]];

		out->nh[i].ifindex = a->ifindex;
		out->nh[i].family = a->family;
		memcpy(out->nh[i].gw, a->gw, sizeof(out->nh[i].gw));
		out->nh[i].weight = g->weight[i];
		out->adj[i] = g->adj[i];
	}
	return 0;
}

/* ---- show ---- */

static void adj_json(const struct adj_item *a, json_object *o)
{
	const struct xdpfwd_link *l = mirror_link(a->ifindex);
	char buf[INET6_ADDRSTRLEN];
	struct ethaddr mac;

	json_object_int_add(o, "adj", a->id);
	json_object_string_add(o, "interface", l ? l->name : "?");
	json_object_int_add(o, "ifindex", a->ifindex);
	if (a->family == AF_UNSPEC)
		json_object_boolean_true_add(o, "connected");
	else
		json_object_string_add(o, "gateway",
				       inet_ntop(a->family, a->gw, buf,
						 sizeof(buf)));
	json_object_boolean_add(o, "valid", a->val.flags & XDPFWD_ADJ_F_VALID);
	json_object_boolean_add(o, "resolved",
				a->val.flags & (XDPFWD_ADJ_F_RESOLVED |
						XDPFWD_ADJ_F_CONNECTED));
	memcpy(mac.octet, a->val.dmac, sizeof(mac.octet));
	if (a->val.flags & XDPFWD_ADJ_F_RESOLVED)
		json_object_string_addf(o, "mac", "%pEA", &mac);
	json_object_int_add(o, "mtu", a->val.mtu);
	json_object_int_add(o, "refcount", a->refcnt);
}

static const char *adj_str(const struct adj_item *a, char *buf, size_t len)
{
	const struct xdpfwd_link *l = mirror_link(a->ifindex);
	char gw[INET6_ADDRSTRLEN] = "directly connected";

	if (a->family != AF_UNSPEC)
		inet_ntop(a->family, a->gw, gw, sizeof(gw));
	snprintf(buf, len, "%s, %s%s%s", gw, l ? l->name : "?",
		 (a->val.flags & XDPFWD_ADJ_F_VALID) ? "" : " (not forwarding)",
		 (a->family == AF_UNSPEC ||
		  (a->val.flags & XDPFWD_ADJ_F_RESOLVED))
			 ? ""
			 : " (unresolved)");
	return buf;
}

/* One group, as a route's nexthops (show xdpfwd routes). */
void nhg_describe(uint16_t id, struct vty *vty, json_object *json)
{
	struct nhg_item *g = id < XDPFWD_NHG_MAX ? nhg_by_id[id] : NULL;
	json_object *arr = json ? json_object_new_array() : NULL;
	char buf[128];

	for (unsigned int i = 0; g && i < g->count; i++) {
		struct adj_item *a = adj_by_id[g->adj[i]];

		if (json) {
			json_object *o = json_object_new_object();

			adj_json(a, o);
			json_object_int_add(o, "weight", g->weight[i]);
			json_object_array_add(arr, o);
		} else
			vty_out(vty, "    via %s, weight %u\n",
				adj_str(a, buf, sizeof(buf)), g->weight[i]);
	}
	if (json)
		json_object_object_add(json, "nexthops", arr);
}

/*
 * The group's next hops that frames leave for through a gateway whose MAC
 * is known, as the fwd API's entries (QueryForward, tools/xdpfwd-apid.c):
 * entries skip.. of the group go to @arr, at most @room of them.  Returns
 * how many the group has, so that the caller can page without emitting.
 */
unsigned int nhg_forward_json(uint16_t id, const struct prefix *p,
			      unsigned int skip, unsigned int room,
			      json_object *arr)
{
	struct nhg_item *g = id < XDPFWD_NHG_MAX ? nhg_by_id[id] : NULL;
	char buf[INET6_ADDRSTRLEN];
	struct ethaddr smac, dmac;
	unsigned int n = 0;

	for (unsigned int i = 0; g && i < g->count; i++) {
		struct adj_item *a = adj_by_id[g->adj[i]];
		json_object *o;

		if (!a || a->family == AF_UNSPEC ||
		    (a->val.flags & (XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED)) !=
			    (XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED))
			continue;
		if (n++ < skip || n - skip > room)
			continue;
		memcpy(smac.octet, a->val.smac, sizeof(smac.octet));
		memcpy(dmac.octet, a->val.dmac, sizeof(dmac.octet));
		o = json_object_new_object();
		json_object_string_addf(o, "Prefix", "%pFX", p);
		json_object_string_add(o, "Ip", inet_ntop(a->family, a->gw, buf,
							  sizeof(buf)));
		json_object_int_add(o, "Iface", a->ifindex);
		json_object_string_addf(o, "SrcMac", "%pEA", &smac);
		json_object_string_addf(o, "DstMac", "%pEA", &dmac);
		json_object_int_add(o, "Weight", g->weight[i]);
		json_object_array_add(arr, o);
	}
	return n;
}

void nexthop_show(struct vty *vty, json_object *json)
{
	json_object *garr = json ? json_object_new_array() : NULL;
	json_object *aarr = json ? json_object_new_array() : NULL;
	struct nhg_item *g;
	struct adj_item *a;
	char buf[128];

	if (!json)
		vty_out(vty, "Nexthop groups: %zu\n", nhgs_count(&nhgs_head));
	frr_each (nhgs, &nhgs_head, g) {
		if (json) {
			json_object *o = json_object_new_object();
			json_object *ids = json_object_new_array();

			json_object_int_add(o, "id", g->id);
			json_object_int_add(o, "refcount", g->refcnt);
			for (unsigned int i = 0; i < g->count; i++) {
				json_object *n = json_object_new_object();

				json_object_int_add(n, "adj", g->adj[i]);
				json_object_int_add(n, "weight", g->weight[i]);
				json_object_array_add(ids, n);
			}
			json_object_object_add(o, "nexthops", ids);
			json_object_array_add(garr, o);
			continue;
		}
		vty_out(vty, "  group %u (%u routes)\n", g->id, g->refcnt);
		for (unsigned int i = 0; i < g->count; i++)
			vty_out(vty, "    adj %u weight %u\n", g->adj[i],
				g->weight[i]);
	}
	if (!json)
		vty_out(vty, "Adjacencies: %zu\n", adjs_count(&adjs_head));
	frr_each (adjs, &adjs_head, a) {
		if (json) {
			json_object *o = json_object_new_object();

			adj_json(a, o);
			json_object_array_add(aarr, o);
		} else
			vty_out(vty, "  adj %u: %s\n", a->id,
				adj_str(a, buf, sizeof(buf)));
	}
	if (json) {
		json_object_object_add(json, "groups", garr);
		json_object_object_add(json, "adjacencies", aarr);
	}
}
