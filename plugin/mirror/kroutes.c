// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: the kernel's own routes that zebra does not
 * import, by prefix: the main table's throw, local, broadcast, anycast,
 * multicast and nat routes, and the whole local table (what the kernel
 * considers its own: addresses, broadcast addresses, anycast, subnets on
 * lo, AnyIP).  Several local-table routes may share a prefix (one per
 * device): a prefix is present while any of them is.
 *
 * And whether an IPv4 local route was ever added through netlink: from
 * then on the kernel validates every IPv4 source in full
 * (fib_has_custom_local_routes, set by inet_rtm_newroute() and never
 * reset; seen on 6.18: still so after the route is deleted).
 */
#include "config.h"
#include <zebra.h>

#include <linux/rtnetlink.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_KROUTE, "xdpfwd kernel route");

/* one route: main-table ones by prefix, local-table ones by prefix,
 * device and type
 */
PREDECL_HASH(kroutes);
struct kroute_item {
	struct kroutes_item hitem;
	struct xnl_route r;
	bool stale;
};

static int kroute_cmp(const struct kroute_item *a, const struct kroute_item *b)
{
	if (a->r.local_table != b->r.local_table)
		return numcmp(a->r.local_table, b->r.local_table);
	if (a->r.family != b->r.family)
		return numcmp(a->r.family, b->r.family);
	if (a->r.prefixlen != b->r.prefixlen)
		return numcmp(a->r.prefixlen, b->r.prefixlen);
	if (a->r.local_table && a->r.ifindex != b->r.ifindex)
		return numcmp(a->r.ifindex, b->r.ifindex);
	if (a->r.local_table && a->r.type != b->r.type)
		return numcmp(a->r.type, b->r.type);
	return memcmp(a->r.addr, b->r.addr, sizeof(a->r.addr));
}

static uint32_t kroute_hash(const struct kroute_item *a)
{
	return jhash(a->r.addr, sizeof(a->r.addr),
		     a->r.family ^ (a->r.prefixlen << 8) ^
			     (a->r.local_table << 16));
}
DECLARE_HASH(kroutes, struct kroute_item, hitem, kroute_cmp, kroute_hash);

/* local-table prefixes: how many routes the kernel has for each */
PREDECL_HASH(lprefixes);
struct lprefix_item {
	struct lprefixes_item hitem;
	int family;
	uint8_t prefixlen;
	uint8_t addr[16];
	uint32_t count;
};

static int lprefix_cmp(const struct lprefix_item *a,
		       const struct lprefix_item *b)
{
	if (a->family != b->family)
		return numcmp(a->family, b->family);
	if (a->prefixlen != b->prefixlen)
		return numcmp(a->prefixlen, b->prefixlen);
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

static uint32_t lprefix_hash(const struct lprefix_item *a)
{
	return jhash(a->addr, sizeof(a->addr),
		     a->family ^ (a->prefixlen << 8));
}
DECLARE_HASH(lprefixes, struct lprefix_item, hitem, lprefix_cmp,
	     lprefix_hash);

static struct kroutes_head kroutes_head;
static struct lprefixes_head lprefixes_head;
static bool custom_local4;

bool mirror_ipv4_custom_local(void)
{
	return custom_local4;
}

void mirror_kroutes_init(void)
{
	kroutes_init(&kroutes_head);
	lprefixes_init(&lprefixes_head);
}

void mirror_kroutes_fini(void)
{
	struct lprefix_item *lp;
	struct kroute_item *k;

	custom_local4 = false;
	frr_each_safe (kroutes, &kroutes_head, k) {
		kroutes_del(&kroutes_head, k);
		XFREE(MTYPE_XDPFWD_KROUTE, k);
	}
	frr_each_safe (lprefixes, &lprefixes_head, lp) {
		lprefixes_del(&lprefixes_head, lp);
		XFREE(MTYPE_XDPFWD_KROUTE, lp);
	}
}

/* a local-table route of @r's prefix came (+1) or went (-1): true when
 * the prefix appeared or went
 */
static bool lprefix_count(const struct xnl_route *r, int delta)
{
	struct lprefix_item key = { .family = r->family,
				    .prefixlen = r->prefixlen },
			    *lp;

	memcpy(key.addr, r->addr, sizeof(key.addr));
	lp = lprefixes_find(&lprefixes_head, &key);
	if (delta > 0) {
		if (lp)
			return !lp->count++;
		lp = XCALLOC(MTYPE_XDPFWD_KROUTE, sizeof(*lp));
		*lp = key;
		lp->count = 1;
		lprefixes_add(&lprefixes_head, lp);
		return true;
	}
	if (!lp || --lp->count)
		return false;
	lprefixes_del(&lprefixes_head, lp);
	XFREE(MTYPE_XDPFWD_KROUTE, lp);
	return true;
}

bool mirror_kroute_update(const struct xnl_route *r, bool deleted)
{
	struct kroute_item key = {}, *k;

	key.r.family = r->family;
	key.r.prefixlen = r->prefixlen;
	key.r.local_table = r->local_table;
	if (r->local_table) {
		key.r.ifindex = r->ifindex;
		key.r.type = r->type;
	}
	memcpy(key.r.addr, r->addr, sizeof(key.r.addr));
	/* the kernel's flag is set by the request, whatever becomes of it */
	if (!deleted && r->family == AF_INET && r->type == RTN_LOCAL &&
	    !r->kernel_made)
		custom_local4 = true;
	k = kroutes_find(&kroutes_head, &key);
	if (deleted) {
		if (!k)
			return false;
		kroutes_del(&kroutes_head, k);
		XFREE(MTYPE_XDPFWD_KROUTE, k);
		return key.r.local_table ? lprefix_count(&key.r, -1) : true;
	}
	if (k) {
		k->stale = false;
		k->r.type = r->type;
		k->r.kernel_made = r->kernel_made;
		return false;
	}
	k = XCALLOC(MTYPE_XDPFWD_KROUTE, sizeof(*k));
	k->r = key.r;
	k->r.type = r->type;
	k->r.kernel_made = r->kernel_made;
	kroutes_add(&kroutes_head, k);
	return key.r.local_table ? lprefix_count(&key.r, +1) : true;
}

uint32_t mirror_local_prefixes(void)
{
	return lprefixes_count(&lprefixes_head);
}

void mirror_kroutes_resync_begin(void)
{
	struct kroute_item *k;

	frr_each (kroutes, &kroutes_head, k)
		k->stale = true;
}

unsigned int mirror_stale_kroutes(struct xnl_route **out)
{
	struct kroute_item *k;
	unsigned int n = 0;

	*out = XCALLOC(MTYPE_TMP,
		       sizeof(**out) * (kroutes_count(&kroutes_head) + 1));
	frr_each (kroutes, &kroutes_head, k)
		if (k->stale)
			(*out)[n++] = k->r;
	return n;
}
