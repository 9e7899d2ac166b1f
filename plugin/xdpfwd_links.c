// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: links, addresses and neighbours from the kernel (zebra does not
 * hand kernel-learned neighbours or link MACs to dplane providers), and the
 * per-interface configuration (interface X / xdpfwd).
 *
 * Addresses give the routes zebra never sends through the dplane: the
 * connected subnets and the router's own addresses (kept on the kernel
 * path).  Neighbours feed the adjacencies and the per-packet neighbour maps
 * of connected routes.
 */
#include "config.h"
#include <zebra.h>

#include <bpf/bpf.h>
#include <linux/neighbour.h>

#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/thread.h"
#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/vty.h"
#include "lib/prefix.h"

#include "xdpfwd.h"
#include "xdpfwd_netlink.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_LINK, "xdpfwd link");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_ADDR, "xdpfwd address");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_NBR, "xdpfwd neighbour");

/* ---- links, by ifindex ---- */
PREDECL_HASH(links);
struct link_item {
	struct links_item hitem;
	struct xdpfwd_link l;
	bool stale;
};

static int link_cmp(const struct link_item *a, const struct link_item *b)
{
	return numcmp(a->l.ifindex, b->l.ifindex);
}

static uint32_t link_hash(const struct link_item *a)
{
	return jhash_1word(a->l.ifindex, 0);
}
DECLARE_HASH(links, struct link_item, hitem, link_cmp, link_hash);

/* ---- addresses ---- */
PREDECL_HASH(addrs);
struct addr_item {
	struct addrs_item hitem;
	struct xnl_addr a;
	bool stale;
};

static int addr_cmp(const struct addr_item *x, const struct addr_item *y)
{
	if (x->a.ifindex != y->a.ifindex)
		return numcmp(x->a.ifindex, y->a.ifindex);
	if (x->a.family != y->a.family)
		return numcmp(x->a.family, y->a.family);
	if (x->a.prefixlen != y->a.prefixlen)
		return numcmp(x->a.prefixlen, y->a.prefixlen);
	return memcmp(x->a.addr, y->a.addr, sizeof(x->a.addr));
}

static uint32_t addr_hash(const struct addr_item *x)
{
	return jhash(x->a.addr, sizeof(x->a.addr),
		     x->a.ifindex ^ (x->a.family << 16) ^
			     (x->a.prefixlen << 24));
}
DECLARE_HASH(addrs, struct addr_item, hitem, addr_cmp, addr_hash);

/* ---- neighbours ---- */
PREDECL_HASH(nbrs);
struct nbr_item {
	struct nbrs_item hitem;
	int ifindex;
	int family;
	uint8_t addr[16];
	uint8_t mac[6];
	int port; /* on a bridge: the FDB's port for mac, as written */
	bool stale;
};

static int nbr_cmp(const struct nbr_item *x, const struct nbr_item *y)
{
	if (x->ifindex != y->ifindex)
		return numcmp(x->ifindex, y->ifindex);
	if (x->family != y->family)
		return numcmp(x->family, y->family);
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

static uint32_t nbr_hash(const struct nbr_item *x)
{
	return jhash(x->addr, sizeof(x->addr), x->ifindex ^ (x->family << 16));
}
DECLARE_HASH(nbrs, struct nbr_item, hitem, nbr_cmp, nbr_hash);

/* ---- configured interfaces, by name ---- */
PREDECL_HASH(ifcfgs);
struct ifcfg_item {
	struct ifcfgs_item hitem;
	char name[16];
	bool generic;
};

static int ifcfg_cmp(const struct ifcfg_item *a, const struct ifcfg_item *b)
{
	return strcmp(a->name, b->name);
}

static uint32_t ifcfg_hash(const struct ifcfg_item *a)
{
	return jhash(a->name, strlen(a->name), 0);
}
DECLARE_HASH(ifcfgs, struct ifcfg_item, hitem, ifcfg_cmp, ifcfg_hash);

static struct links_head links_head;
static struct addrs_head addrs_head;
static struct nbrs_head nbrs_head;
static struct ifcfgs_head ifcfgs_head;
static struct xnl *xnl;
static struct thread *t_read, *t_resync;

static struct link_item *link_find(int ifindex)
{
	struct link_item key = { .l.ifindex = ifindex };

	return links_find(&links_head, &key);
}

struct xdpfwd_link *xdpfwd_link_get(int ifindex)
{
	struct link_item *li = link_find(ifindex);

	return li ? &li->l : NULL;
}

struct xdpfwd_link *xdpfwd_link_by_name(const char *name)
{
	struct link_item *li;

	frr_each (links, &links_head, li)
		if (strcmp(li->l.name, name) == 0)
			return &li->l;
	return NULL;
}

bool xdpfwd_link_forwarding(int ifindex)
{
	struct link_item *li = link_find(ifindex);

	return li && li->l.attached && li->l.oper_up;
}

bool xdpfwd_if_configured(const char *ifname, bool *generic)
{
	struct ifcfg_item key = {}, *c;

	strlcpy(key.name, ifname, sizeof(key.name));
	c = ifcfgs_find(&ifcfgs_head, &key);
	if (c && generic)
		*generic = c->generic;
	return c != NULL;
}

/* Push a link's state to the maps: ingress flags and MAC, egress port. */
static void link_sync(struct xdpfwd_link *l)
{
	struct xdpfwd_iface v = { .flags = l->attached ? XDPFWD_IF_F_ENABLED
						       : 0 };
	bool fwd = l->attached && l->oper_up;

	memcpy(v.mac, l->mac, sizeof(v.mac));
	xdpfwd_bridge_iface(l, &v, &fwd);
	if (l->ifindex < XDPFWD_IFINDEX_MAX)
		xdpfwd_bpf_set_iface(l->ifindex, &v);
	xdpfwd_bpf_set_tx_port(l->ifindex, fwd);
	xdpfwd_adj_link_update(l->ifindex);
}

void xdpfwd_link_resync(int ifindex)
{
	struct link_item *li = link_find(ifindex);

	if (li)
		link_sync(&li->l);
}

void xdpfwd_links_foreach(void (*fn)(struct xdpfwd_link *l, void *arg),
			  void *arg)
{
	struct link_item *li;

	frr_each (links, &links_head, li)
		fn(&li->l, arg);
}

static int link_attach(struct xdpfwd_link *l, bool generic, char *errbuf,
		       size_t errlen)
{
	int err;

	if (l->ifindex >= XDPFWD_IFINDEX_MAX) {
		snprintf(errbuf, errlen,
			 "%s has ifindex %d, above the supported %d", l->name,
			 l->ifindex, XDPFWD_IFINDEX_MAX - 1);
		return -ERANGE;
	}
	err = xdpfwd_bpf_attach(l->ifindex, l->name, generic, errbuf, errlen);
	if (err < 0)
		return err;
	l->link_fd = err;
	l->attached = true;
	l->generic = generic;
	link_sync(l);
	zlog_info("xdpfwd: fast path enabled on %s (ifindex %d, %s mode)",
		  l->name, l->ifindex, generic ? "generic" : "native");
	return 0;
}

static void link_detach(struct xdpfwd_link *l)
{
	if (!l->attached)
		return;
	xdpfwd_bpf_detach(l->link_fd, l->name);
	l->link_fd = -1;
	l->attached = false;
	link_sync(l);
	zlog_info("xdpfwd: fast path disabled on %s", l->name);
}

int xdpfwd_link_enable(const char *ifname, bool generic, char *errbuf,
		       size_t errlen)
{
	struct xdpfwd_link *l = xdpfwd_link_by_name(ifname);
	struct ifcfg_item *c, key = {};
	int err;

	if (!l) {
		snprintf(errbuf, errlen,
			 "interface %s does not exist in the kernel", ifname);
		return -ENODEV;
	}
	if (l->attached && l->generic != generic)
		link_detach(l);
	if (!l->attached) {
		err = link_attach(l, generic, errbuf, errlen);
		if (err)
			return err;
	}
	strlcpy(key.name, ifname, sizeof(key.name));
	c = ifcfgs_find(&ifcfgs_head, &key);
	if (!c) {
		c = XCALLOC(MTYPE_XDPFWD_LINK, sizeof(*c));
		strlcpy(c->name, ifname, sizeof(c->name));
		ifcfgs_add(&ifcfgs_head, c);
	}
	c->generic = generic;
	return 0;
}

int xdpfwd_link_disable(const char *ifname)
{
	struct xdpfwd_link *l = xdpfwd_link_by_name(ifname);
	struct ifcfg_item *c, key = {};

	strlcpy(key.name, ifname, sizeof(key.name));
	c = ifcfgs_find(&ifcfgs_head, &key);
	if (c) {
		ifcfgs_del(&ifcfgs_head, c);
		XFREE(MTYPE_XDPFWD_LINK, c);
	}
	if (l)
		link_detach(l);
	return 0;
}

/* ---- connected and local routes from addresses ---- */

static void addr_routes(const struct xnl_addr *a, bool add)
{
	struct {
		struct xdpfwd_route_update u;
		struct xdpfwd_nh nh[1];
	} w = {};
	struct xdpfwd_route_update *up = &w.u;
	struct link_item *li = link_find(a->ifindex);
	bool loopback = li && strcmp(li->l.name, "lo") == 0;

	up->is_delete = !add;
	up->prefix.family = a->family;
	up->prefix.prefixlen = a->prefixlen;
	memcpy(&up->prefix.u.prefix, a->addr, a->family == AF_INET ? 4 : 16);
	if (a->family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL((struct in6_addr *)a->addr))
		return; /* link-local never takes the fast path */

	/* the subnet, reached through the neighbour map */
	if (!loopback && a->prefixlen < (a->family == AF_INET ? 32 : 128)) {
		apply_mask(&up->prefix);
		up->src = XDPFWD_SRC_CONNECTED;
		up->kind = XDPFWD_KIND_FORWARD;
		up->nh_count = 1;
		up->nh[0].ifindex = a->ifindex;
		up->nh[0].family = AF_UNSPEC;
		up->nh[0].weight = 1;
		xdpfwd_route_apply(up);
	}

	/* the address itself, and IPv4 broadcast: the kernel's */
	up->src = XDPFWD_SRC_LOCAL;
	up->kind = XDPFWD_KIND_FORWARD;
	up->nh_count = 0;
	up->prefix.prefixlen = a->family == AF_INET ? 32 : 128;
	memcpy(&up->prefix.u.prefix, a->addr, a->family == AF_INET ? 4 : 16);
	xdpfwd_route_apply(up);
	if (a->family == AF_INET && a->has_broadcast) {
		memcpy(&up->prefix.u.prefix4, a->broadcast, 4);
		xdpfwd_route_apply(up);
	}
}

/* Another address may still provide the same connected subnet. */
static void addr_reapply_same_subnet(const struct xnl_addr *gone)
{
	struct addr_item *ai;
	struct prefix pg = {}, pa = {};

	pg.family = gone->family;
	pg.prefixlen = gone->prefixlen;
	memcpy(&pg.u.prefix, gone->addr, gone->family == AF_INET ? 4 : 16);
	apply_mask(&pg);
	frr_each (addrs, &addrs_head, ai) {
		if (ai->a.family != gone->family ||
		    ai->a.prefixlen != gone->prefixlen)
			continue;
		pa.family = ai->a.family;
		pa.prefixlen = ai->a.prefixlen;
		memcpy(&pa.u.prefix, ai->a.addr,
		       ai->a.family == AF_INET ? 4 : 16);
		apply_mask(&pa);
		if (prefix_same(&pa, &pg))
			addr_routes(&ai->a, true);
	}
}

/* ---- netlink callbacks ---- */

static void cb_link(void *arg, const struct xnl_link *nl, bool deleted)
{
	struct link_item *li = link_find(nl->ifindex);
	struct xdpfwd_link *l;
	bool generic;

	if (deleted) {
		if (!li)
			return;
		if (li->l.attached) {
			/* the kernel detached XDP with the device */
			xdpfwd_bpf_detach(li->l.link_fd, li->l.name);
			li->l.link_fd = -1;
			li->l.attached = false;
		}
		li->l.oper_up = false;
		li->l.bridge = 0;
		link_sync(&li->l);
		xdpfwd_bridge_link_update(&li->l, true);
		links_del(&links_head, li);
		XFREE(MTYPE_XDPFWD_LINK, li);
		return;
	}
	if (!li) {
		li = XCALLOC(MTYPE_XDPFWD_LINK, sizeof(*li));
		li->l.ifindex = nl->ifindex;
		li->l.link_fd = -1;
		links_add(&links_head, li);
	}
	li->stale = false;
	l = &li->l;
	if (l->attached && strcmp(l->name, nl->name) != 0) {
		/* renamed: the configuration follows the name */
		link_detach(l);
	}
	strlcpy(l->name, nl->name, sizeof(l->name));
	if (nl->has_mac)
		memcpy(l->mac, nl->mac, sizeof(l->mac));
	l->mtu = nl->mtu;
	l->oper_up = nl->admin_up && nl->oper_up;
	l->present = true;
	l->is_bridge = !strcmp(nl->kind, "bridge");
	l->bridge = nl->is_bridge_port ? nl->master : 0;
	l->port_state = nl->bridge_port_state;
	l->hairpin = nl->hairpin;
	xdpfwd_bridge_link_update(l, false);
	if (!l->attached && xdpfwd_if_configured(l->name, &generic) &&
	    xdpfwd_dp.loaded) {
		char err[256];

		if (link_attach(l, generic, err, sizeof(err)))
			zlog_warn("xdpfwd: %s", err);
		return;
	}
	link_sync(l);
	if (IS_XDPFWD_DEBUG(NEIGH))
		zlog_debug("xdpfwd: link %s ifindex %d mtu %u %s", l->name,
			   l->ifindex, l->mtu, l->oper_up ? "up" : "down");
}

static void cb_addr(void *arg, const struct xnl_addr *a, bool deleted)
{
	struct addr_item key = { .a = *a }, *ai;

	memset(key.a.broadcast, 0, sizeof(key.a.broadcast));
	key.a.has_broadcast = false;
	ai = addrs_find(&addrs_head, &key);
	if (deleted) {
		if (!ai)
			return;
		addrs_del(&addrs_head, ai);
		addr_routes(&ai->a, false);
		addr_reapply_same_subnet(&ai->a);
		XFREE(MTYPE_XDPFWD_ADDR, ai);
		return;
	}
	if (!ai) {
		ai = XCALLOC(MTYPE_XDPFWD_ADDR, sizeof(*ai));
		ai->a = *a;
		addrs_add(&addrs_head, ai);
	}
	ai->a = *a;
	ai->stale = false;
	addr_routes(a, true);
}

static void nbr_map_write(const struct nbr_item *n, bool present)
{
	struct xdpfwd_neigh val = {};
	int ret;

	if (!xdpfwd_dp.loaded)
		return;
	memcpy(val.mac, n->mac, sizeof(val.mac));
	val.port_ifindex = n->port;
	if (n->family == AF_INET) {
		struct xdpfwd_neigh4_key k = { .ifindex = n->ifindex };

		memcpy(&k.addr, n->addr, 4);
		ret = present ? bpf_map_update_elem(xdpfwd_dp.fd_neigh4, &k,
						    &val, BPF_ANY)
			      : bpf_map_delete_elem(xdpfwd_dp.fd_neigh4, &k);
	} else {
		struct xdpfwd_neigh6_key k = { .ifindex = n->ifindex };

		memcpy(k.addr, n->addr, 16);
		ret = present ? bpf_map_update_elem(xdpfwd_dp.fd_neigh6, &k,
						    &val, BPF_ANY)
			      : bpf_map_delete_elem(xdpfwd_dp.fd_neigh6, &k);
	}
	if (ret < 0 && present)
		/* a full map: packets to this host stay on the kernel path */
		zlog_warn("xdpfwd: neighbour map update (ifindex %d): %s",
			  n->ifindex, strerror(errno));
}

static void cb_neigh(void *arg, const struct xnl_neigh *n, bool deleted)
{
	struct nbr_item key = { .ifindex = n->ifindex, .family = n->family },
			*ni;
	bool usable = !deleted && n->usable;

	if (n->family != AF_INET && n->family != AF_INET6)
		return;
	memcpy(key.addr, n->addr, sizeof(key.addr));
	ni = nbrs_find(&nbrs_head, &key);
	if (!usable) {
		if (!ni)
			return;
		nbrs_del(&nbrs_head, ni);
		nbr_map_write(ni, false);
		xdpfwd_adj_neigh_update(ni->ifindex, ni->family, ni->addr,
					NULL);
		XFREE(MTYPE_XDPFWD_NBR, ni);
		return;
	}
	if (!ni) {
		ni = XCALLOC(MTYPE_XDPFWD_NBR, sizeof(*ni));
		*ni = key;
		nbrs_add(&nbrs_head, ni);
	} else if (!memcmp(ni->mac, n->mac, 6)) {
		ni->stale = false;
		return; /* refresh only: nothing to write */
	}
	ni->stale = false;
	memcpy(ni->mac, n->mac, sizeof(ni->mac));
	ni->port = xdpfwd_bridge_port_of(ni->ifindex, ni->mac);
	nbr_map_write(ni, true);
	xdpfwd_adj_neigh_update(ni->ifindex, ni->family, ni->addr, ni->mac);
	if (IS_XDPFWD_DEBUG(NEIGH))
		zlog_debug("xdpfwd: neighbour ifindex %d %s resolved",
			   ni->ifindex, ni->family == AF_INET ? "v4" : "v6");
}

void xdpfwd_neigh_bridge_update(int bridge, const uint8_t *mac)
{
	struct nbr_item *ni;
	int port;

	frr_each (nbrs, &nbrs_head, ni) {
		if ((bridge && ni->ifindex != bridge) ||
		    (mac && memcmp(ni->mac, mac, sizeof(ni->mac))))
			continue;
		port = xdpfwd_bridge_port_of(ni->ifindex, ni->mac);
		if (port == ni->port)
			continue;
		ni->port = port;
		nbr_map_write(ni, true);
		xdpfwd_adj_neigh_update(ni->ifindex, ni->family, ni->addr,
					ni->mac);
	}
}

/* A resync (start or after ENOBUFS) marks everything stale; what the dump
 * did not refresh is gone.
 */
static void cb_resync_begin(void *arg)
{
	struct link_item *li;
	struct addr_item *ai;
	struct nbr_item *ni;

	frr_each (links, &links_head, li)
		li->stale = true;
	frr_each (addrs, &addrs_head, ai)
		ai->stale = true;
	frr_each (nbrs, &nbrs_head, ni)
		ni->stale = true;
	xdpfwd_bridge_resync_begin();
	if (IS_XDPFWD_DEBUG(EVENTS))
		zlog_debug("xdpfwd: netlink resync");
}

static void cb_resync_end(void *arg)
{
	struct link_item *li;
	struct addr_item *ai;
	struct nbr_item *ni;

	frr_each_safe (nbrs, &nbrs_head, ni) {
		struct xnl_neigh n = { .ifindex = ni->ifindex,
				       .family = ni->family };

		if (!ni->stale)
			continue;
		memcpy(n.addr, ni->addr, sizeof(n.addr));
		cb_neigh(arg, &n, true);
	}
	frr_each_safe (addrs, &addrs_head, ai)
		if (ai->stale) {
			struct xnl_addr a = ai->a;

			cb_addr(arg, &a, true);
		}
	frr_each_safe (links, &links_head, li)
		if (li->stale) {
			struct xnl_link l = { .ifindex = li->l.ifindex };

			cb_link(arg, &l, true);
		}
	xdpfwd_bridge_resync_end();
}

static void cb_fdb(void *arg, const struct xnl_fdb *f, bool deleted)
{
	xdpfwd_bridge_fdb(f, deleted);
}

static const struct xnl_callbacks xnl_cbs = {
	.link = cb_link,
	.addr = cb_addr,
	.neigh = cb_neigh,
	.fdb = cb_fdb,
	.resync_begin = cb_resync_begin,
	.resync_end = cb_resync_end,
};

static void xnl_read_event(struct thread *t)
{
	int ret = xnl_read(xnl);

	if (ret < 0)
		flog_err(EC_LIB_SOCKET, "xdpfwd: rtnetlink read: %s",
			 strerror(-ret));
	else if (ret > 0)
		zlog_warn("xdpfwd: rtnetlink overrun (ENOBUFS): full resync done");
	/* a resync that could not complete is retried without waiting for
	 * the socket to become readable
	 */
	if (xnl_resync_pending(xnl))
		thread_add_timer_msec(xdpfwd_master, xnl_read_event, NULL, 100,
				      &t_resync);
	thread_add_read(xdpfwd_master, xnl_read_event, NULL, xnl_fd(xnl),
			&t_read);
}

int xdpfwd_links_start(void)
{
	int err = 0;

	links_init(&links_head);
	addrs_init(&addrs_head);
	nbrs_init(&nbrs_head);
	if (!ifcfgs_count(&ifcfgs_head))
		ifcfgs_init(&ifcfgs_head);
	xnl = xnl_open(&xnl_cbs, NULL, &err);
	if (!xnl) {
		flog_err(EC_LIB_SOCKET, "xdpfwd: rtnetlink socket: %s",
			 strerror(-err));
		return err ? err : -EIO;
	}
	err = xnl_dump(xnl);
	if (err)
		flog_err(EC_LIB_SOCKET, "xdpfwd: rtnetlink dump: %s",
			 strerror(-err));
	thread_add_read(xdpfwd_master, xnl_read_event, NULL, xnl_fd(xnl),
			&t_read);
	return err;
}

void xdpfwd_links_stop(void)
{
	struct link_item *li;
	struct addr_item *ai;
	struct nbr_item *ni;
	struct ifcfg_item *c;

	THREAD_OFF(t_read);
	THREAD_OFF(t_resync);
	if (xnl)
		xnl_close(xnl);
	xnl = NULL;
	/* not _pop(): it rescans the bucket array each time (typesafe.h) */
	frr_each_safe (links, &links_head, li) {
		links_del(&links_head, li);
		if (li->l.attached)
			xdpfwd_bpf_detach(li->l.link_fd, li->l.name);
		XFREE(MTYPE_XDPFWD_LINK, li);
	}
	frr_each_safe (addrs, &addrs_head, ai) {
		addrs_del(&addrs_head, ai);
		XFREE(MTYPE_XDPFWD_ADDR, ai);
	}
	frr_each_safe (nbrs, &nbrs_head, ni) {
		nbrs_del(&nbrs_head, ni);
		XFREE(MTYPE_XDPFWD_NBR, ni);
	}
	frr_each_safe (ifcfgs, &ifcfgs_head, c) {
		ifcfgs_del(&ifcfgs_head, c);
		XFREE(MTYPE_XDPFWD_LINK, c);
	}
}

const uint8_t *xdpfwd_neigh_mac(int ifindex, int family, const void *addr)
{
	struct nbr_item key = { .ifindex = ifindex, .family = family }, *ni;

	memcpy(key.addr, addr, family == AF_INET ? 4 : 16);
	ni = nbrs_find(&nbrs_head, &key);
	return ni ? ni->mac : NULL;
}

uint32_t xdpfwd_neigh_count(void)
{
	return nbrs_count(&nbrs_head);
}

uint64_t xdpfwd_netlink_resyncs(void)
{
	return xnl ? xnl_stats(xnl)->resyncs : 0;
}

/* ---- show ---- */

static const char *mac2str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
}

void xdpfwd_links_show(struct vty *vty, struct json_object *json)
{
	struct link_item *li;
	json_object *arr = json ? json_object_new_array() : NULL;

	if (!json)
		vty_out(vty, "%-16s %-7s %-8s %-5s %s\n", "Interface",
			"Ifindex", "Mode", "Oper", "MAC");
	frr_each (links, &links_head, li) {
		struct xdpfwd_link *l = &li->l;
		char mac[32];

		if (!l->attached)
			continue;
		mac2str(l->mac, mac, sizeof(mac));
		if (json) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "name", l->name);
			json_object_int_add(o, "ifindex", l->ifindex);
			json_object_string_add(o, "mode", l->generic ? "generic"
								     : "native");
			json_object_boolean_add(o, "attached", l->attached);
			json_object_boolean_add(o, "operUp", l->oper_up);
			json_object_string_add(o, "mac", mac);
			json_object_int_add(o, "mtu", l->mtu);
			json_object_array_add(arr, o);
		} else
			vty_out(vty, "%-16s %-7d %-8s %-5s %s\n", l->name,
				l->ifindex, l->generic ? "generic" : "native",
				l->oper_up ? "up" : "down", mac);
	}
	if (json)
		json_object_object_add(json, "interfaces", arr);
}

void xdpfwd_neigh_show(struct vty *vty, struct json_object *json)
{
	struct nbr_item *ni;
	json_object *arr = json ? json_object_new_array() : NULL;

	if (!json)
		vty_out(vty, "%-40s %-16s %s\n", "Address", "Interface", "MAC");
	frr_each (nbrs, &nbrs_head, ni) {
		char addr[INET6_ADDRSTRLEN], mac[32];
		struct link_item *li = link_find(ni->ifindex);
		const char *ifname = li ? li->l.name : "?";

		inet_ntop(ni->family, ni->addr, addr, sizeof(addr));
		mac2str(ni->mac, mac, sizeof(mac));
		if (json) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "address", addr);
			json_object_string_add(o, "interface", ifname);
			json_object_int_add(o, "ifindex", ni->ifindex);
			json_object_string_add(o, "mac", mac);
			json_object_array_add(arr, o);
		} else
			vty_out(vty, "%-40s %-16s %s\n", addr, ifname, mac);
	}
	if (json)
		json_object_object_add(json, "neighbors", arr);
}
