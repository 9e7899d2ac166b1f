// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: the main table's routes that zebra does not
 * import (throw, local, broadcast, anycast, multicast, nat), and the local
 * table's routes that the kernel did not derive from an address (AnyIP),
 * by prefix.
 */
#include "config.h"
#include <zebra.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_KROUTE, "xdpfwd kernel route");

PREDECL_HASH(kroutes);
struct kroute_item {
	struct kroutes_item hitem;
	struct xnl_route r; /* the key: family, prefix */
	bool stale;
};

static int kroute_cmp(const struct kroute_item *a, const struct kroute_item *b)
{
	if (a->r.custom_local != b->r.custom_local)
		return numcmp(a->r.custom_local, b->r.custom_local);
	if (a->r.family != b->r.family)
		return numcmp(a->r.family, b->r.family);
	if (a->r.prefixlen != b->r.prefixlen)
		return numcmp(a->r.prefixlen, b->r.prefixlen);
	return memcmp(a->r.addr, b->r.addr, sizeof(a->r.addr));
}

static uint32_t kroute_hash(const struct kroute_item *a)
{
	return jhash(a->r.addr, sizeof(a->r.addr),
		     a->r.family ^ (a->r.prefixlen << 8));
}
DECLARE_HASH(kroutes, struct kroute_item, hitem, kroute_cmp, kroute_hash);

static struct kroutes_head kroutes_head;
static uint32_t custom_local[2]; /* IPv4, IPv6 */

static int fam_idx(int family)
{
	return family == AF_INET6;
}

uint32_t mirror_custom_local_routes(int family)
{
	return custom_local[fam_idx(family)];
}

void mirror_kroutes_init(void)
{
	kroutes_init(&kroutes_head);
}

void mirror_kroutes_fini(void)
{
	struct kroute_item *k;

	custom_local[0] = custom_local[1] = 0;
	frr_each_safe (kroutes, &kroutes_head, k) {
		kroutes_del(&kroutes_head, k);
		XFREE(MTYPE_XDPFWD_KROUTE, k);
	}
}

bool mirror_kroute_update(const struct xnl_route *r, bool deleted)
{
	struct kroute_item key = {}, *k;

	key.r.family = r->family;
	key.r.prefixlen = r->prefixlen;
	key.r.custom_local = r->custom_local;
	memcpy(key.r.addr, r->addr, sizeof(key.r.addr));
	k = kroutes_find(&kroutes_head, &key);
	if (deleted) {
		if (!k)
			return false;
		if (k->r.custom_local)
			custom_local[fam_idx(k->r.family)]--;
		kroutes_del(&kroutes_head, k);
		XFREE(MTYPE_XDPFWD_KROUTE, k);
		return true;
	}
	if (k) {
		k->stale = false;
		k->r.type = r->type;
		return false;
	}
	k = XCALLOC(MTYPE_XDPFWD_KROUTE, sizeof(*k));
	k->r = key.r;
	k->r.type = r->type;
	kroutes_add(&kroutes_head, k);
	if (k->r.custom_local)
		custom_local[fam_idx(k->r.family)]++;
	return true;
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
