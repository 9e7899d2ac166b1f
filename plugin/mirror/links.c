// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: links and addresses, as rtnetlink reports them.
 */
#include "config.h"
#include <zebra.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_LINK, "xdpfwd link");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_ADDR, "xdpfwd address");

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

static struct links_head links_head;
static struct addrs_head addrs_head;

void mirror_init(void)
{
	links_init(&links_head);
	addrs_init(&addrs_head);
	mirror_neigh_init();
	mirror_fdb_init();
	mirror_netconf_init();
	mirror_rules_init();
	mirror_kroutes_init();
	mirror_fw_init();
}

void mirror_fini(void)
{
	struct link_item *li;
	struct addr_item *ai;

	/* not _pop(): it rescans the bucket array each time (typesafe.h) */
	frr_each_safe (links, &links_head, li) {
		links_del(&links_head, li);
		XFREE(MTYPE_XDPFWD_LINK, li);
	}
	frr_each_safe (addrs, &addrs_head, ai) {
		addrs_del(&addrs_head, ai);
		XFREE(MTYPE_XDPFWD_ADDR, ai);
	}
	mirror_neigh_fini();
	mirror_fdb_fini();
	mirror_netconf_fini();
	mirror_rules_fini();
	mirror_kroutes_fini();
}

static struct link_item *link_find(int ifindex)
{
	struct link_item key = { .l.ifindex = ifindex };

	return links_find(&links_head, &key);
}

const struct xdpfwd_link *mirror_link(int ifindex)
{
	struct link_item *li = link_find(ifindex);

	return li ? &li->l : NULL;
}

const struct xdpfwd_link *mirror_link_by_name(const char *name)
{
	struct link_item *li;

	frr_each (links, &links_head, li)
		if (strcmp(li->l.name, name) == 0)
			return &li->l;
	return NULL;
}

const struct xdpfwd_link *mirror_link_next(const struct xdpfwd_link *prev)
{
	const struct link_item *li;

	if (!prev)
		li = links_first(&links_head);
	else
		li = links_const_next(&links_head, container_of(prev, struct link_item, l));
	return li ? &li->l : NULL;
}

void mirror_link_update(const struct xnl_link *nl, bool deleted)
{
	struct link_item *li = link_find(nl->ifindex);
	struct xdpfwd_link *l;

	if (deleted) {
		if (li) {
			links_del(&links_head, li);
			XFREE(MTYPE_XDPFWD_LINK, li);
		}
		mirror_fdb_link_gone(nl->ifindex);
		return;
	}
	if (!li) {
		li = XCALLOC(MTYPE_XDPFWD_LINK, sizeof(*li));
		li->l.ifindex = nl->ifindex;
		li->l.vlan_hw = XVLAN_UNKNOWN;
		links_add(&links_head, li);
	}
	li->stale = false;
	l = &li->l;
	strlcpy(l->name, nl->name, sizeof(l->name));
	if (nl->has_mac)
		memcpy(l->mac, nl->mac, sizeof(l->mac));
	l->mtu = nl->mtu;
	l->oper_up = nl->admin_up && nl->oper_up;
	l->is_bridge = !strcmp(nl->kind, "bridge");
	l->bridge = nl->is_bridge_port ? nl->master : 0;
	l->other_master = nl->is_bridge_port ? 0 : nl->master;
	l->port_state = nl->bridge_port_state;
	l->hairpin = nl->hairpin;
}

bool mirror_link_set_mtu6(int ifindex, uint32_t mtu6)
{
	struct link_item *li = link_find(ifindex);

	if (!li || li->l.mtu6 == mtu6)
		return false;
	li->l.mtu6 = mtu6;
	return true;
}

bool mirror_link_set_vlan_hw(int ifindex, uint8_t verdict)
{
	struct link_item *li = link_find(ifindex);

	if (!li || li->l.vlan_hw == verdict)
		return false;
	li->l.vlan_hw = verdict;
	return true;
}

/* ---- addresses ---- */

static struct addr_item *addr_find(const struct xnl_addr *a)
{
	struct addr_item key = {};

	key.a.ifindex = a->ifindex;
	key.a.family = a->family;
	key.a.prefixlen = a->prefixlen;
	memcpy(key.a.addr, a->addr, sizeof(key.a.addr));
	return addrs_find(&addrs_head, &key);
}

bool mirror_addr_update(const struct xnl_addr *a, bool deleted)
{
	struct addr_item *ai = addr_find(a);

	if (deleted) {
		if (!ai)
			return false;
		addrs_del(&addrs_head, ai);
		XFREE(MTYPE_XDPFWD_ADDR, ai);
		return true;
	}
	if (!ai) {
		ai = XCALLOC(MTYPE_XDPFWD_ADDR, sizeof(*ai));
		ai->a = *a; /* the key, before it is hashed */
		addrs_add(&addrs_head, ai);
	}
	ai->a = *a; /* the same key, its other fields refreshed */
	ai->stale = false;
	return true;
}

const struct xnl_addr *mirror_addr_next(const struct xnl_addr *prev)
{
	const struct addr_item *ai;

	if (!prev)
		ai = addrs_first(&addrs_head);
	else
		ai = addrs_const_next(&addrs_head, container_of(prev, struct addr_item, a));
	return ai ? &ai->a : NULL;
}

/* ---- resync ---- */

void mirror_resync_begin(void)
{
	struct link_item *li;
	struct addr_item *ai;

	frr_each (links, &links_head, li)
		li->stale = true;
	frr_each (addrs, &addrs_head, ai)
		ai->stale = true;
	mirror_neigh_resync_begin();
	mirror_fdb_resync_begin();
	mirror_netconf_resync_begin();
	mirror_rules_resync_begin();
	mirror_kroutes_resync_begin();
}

unsigned int mirror_stale_addrs(struct xnl_addr **out)
{
	struct addr_item *ai;
	unsigned int n = 0;

	*out = XCALLOC(MTYPE_TMP, sizeof(**out) * (addrs_count(&addrs_head) + 1));
	frr_each (addrs, &addrs_head, ai)
		if (ai->stale)
			(*out)[n++] = ai->a;
	return n;
}

unsigned int mirror_stale_links(struct xnl_link **out)
{
	struct link_item *li;
	unsigned int n = 0;

	*out = XCALLOC(MTYPE_TMP, sizeof(**out) * (links_count(&links_head) + 1));
	frr_each (links, &links_head, li)
		if (li->stale) {
			(*out)[n].ifindex = li->l.ifindex;
			strlcpy((*out)[n].name, li->l.name,
				sizeof((*out)[n].name));
			n++;
		}
	return n;
}
