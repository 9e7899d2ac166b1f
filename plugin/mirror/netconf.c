// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: the IP settings the kernel's forwarding decisions
 * read per device (RTM_NEWNETCONF): IPv4 forwarding and rp_filter per
 * device and for "all", IPv6 forwarding of "all".
 */
#include "config.h"
#include <zebra.h>

#include <linux/netconf.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_NETCONF, "xdpfwd netconf");

PREDECL_HASH(ncs);
struct nc_item {
	struct ncs_item hitem;
	int family;
	int ifindex;	/* or NETCONFA_IFINDEX_ALL / _DEFAULT */
	int forwarding; /* -1: not reported */
	int rp_filter;	/* -1: not reported */
	bool stale;
};

static int nc_cmp(const struct nc_item *a, const struct nc_item *b)
{
	if (a->family != b->family)
		return numcmp(a->family, b->family);
	return numcmp(a->ifindex, b->ifindex);
}

static uint32_t nc_hash(const struct nc_item *a)
{
	return jhash_2words(a->family, (uint32_t)a->ifindex, 0);
}
DECLARE_HASH(ncs, struct nc_item, hitem, nc_cmp, nc_hash);

static struct ncs_head ncs_head;

void mirror_netconf_init(void)
{
	ncs_init(&ncs_head);
}

void mirror_netconf_fini(void)
{
	struct nc_item *n;

	frr_each_safe (ncs, &ncs_head, n) {
		ncs_del(&ncs_head, n);
		XFREE(MTYPE_XDPFWD_NETCONF, n);
	}
}

static struct nc_item *nc_find(int family, int ifindex)
{
	struct nc_item key = { .family = family, .ifindex = ifindex };

	return ncs_find(&ncs_head, &key);
}

bool mirror_netconf_update(const struct xnl_netconf *nc, bool deleted)
{
	struct nc_item *n = nc_find(nc->family, nc->ifindex);
	bool changed = false;

	if (deleted) {
		if (!n)
			return false;
		ncs_del(&ncs_head, n);
		XFREE(MTYPE_XDPFWD_NETCONF, n);
		return true;
	}
	if (!n) {
		n = XCALLOC(MTYPE_XDPFWD_NETCONF, sizeof(*n));
		n->family = nc->family;
		n->ifindex = nc->ifindex;
		n->forwarding = n->rp_filter = -1;
		ncs_add(&ncs_head, n);
		changed = true;
	}
	n->stale = false;
	/* a notification carries only the setting that changed */
	if (nc->has_forwarding && n->forwarding != nc->forwarding) {
		n->forwarding = nc->forwarding;
		changed = true;
	}
	if (nc->has_rp_filter && n->rp_filter != nc->rp_filter) {
		n->rp_filter = nc->rp_filter;
		changed = true;
	}
	return changed;
}

int mirror_ipv4_forwarding(int ifindex)
{
	const struct nc_item *n = nc_find(AF_INET, ifindex);

	return n ? n->forwarding : -1;
}

int mirror_ipv4_rp_filter(int ifindex)
{
	const struct nc_item *n = nc_find(AF_INET, ifindex);
	const struct nc_item *all = nc_find(AF_INET, NETCONFA_IFINDEX_ALL);

	/* the kernel's IN_DEV_RPFILTER: the larger of all and the device */
	if (!n || !all || n->rp_filter < 0 || all->rp_filter < 0)
		return -1;
	return MAX(n->rp_filter, all->rp_filter);
}

int mirror_ipv6_forwarding(void)
{
	const struct nc_item *all = nc_find(AF_INET6, NETCONFA_IFINDEX_ALL);

	return all ? all->forwarding : -1;
}

void mirror_netconf_resync_begin(void)
{
	struct nc_item *n;

	frr_each (ncs, &ncs_head, n)
		n->stale = true;
}

void mirror_netconf_drop_stale(void)
{
	struct nc_item *n;

	/* devices gone while notifications were lost: their settings are
	 * read by no writer any more
	 */
	frr_each_safe (ncs, &ncs_head, n)
		if (n->stale) {
			ncs_del(&ncs_head, n);
			XFREE(MTYPE_XDPFWD_NETCONF, n);
		}
}
