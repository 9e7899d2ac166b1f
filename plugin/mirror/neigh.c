// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: IPv4 and IPv6 neighbours the kernel would send
 * unicast IP to (a unicast MAC, a NUD state it uses, not NOARP), as
 * rtnetlink reports them.
 */
#include "config.h"
#include <zebra.h>

#include <linux/neighbour.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_NBR, "xdpfwd neighbour");

PREDECL_HASH(nbrs);
struct nbr_item {
	struct nbrs_item hitem;
	struct mirror_neigh n;
	bool stale;
};

static int nbr_cmp(const struct nbr_item *x, const struct nbr_item *y)
{
	if (x->n.ifindex != y->n.ifindex)
		return numcmp(x->n.ifindex, y->n.ifindex);
	if (x->n.family != y->n.family)
		return numcmp(x->n.family, y->n.family);
	return memcmp(x->n.addr, y->n.addr, sizeof(x->n.addr));
}

static uint32_t nbr_hash(const struct nbr_item *x)
{
	return jhash(x->n.addr, sizeof(x->n.addr),
		     x->n.ifindex ^ (x->n.family << 16));
}
DECLARE_HASH(nbrs, struct nbr_item, hitem, nbr_cmp, nbr_hash);

static struct nbrs_head nbrs_head;

void mirror_neigh_init(void)
{
	nbrs_init(&nbrs_head);
}

void mirror_neigh_fini(void)
{
	struct nbr_item *ni;

	frr_each_safe (nbrs, &nbrs_head, ni) {
		nbrs_del(&nbrs_head, ni);
		XFREE(MTYPE_XDPFWD_NBR, ni);
	}
}

static struct nbr_item *nbr_find(int ifindex, int family, const void *addr)
{
	struct nbr_item key = { .n.ifindex = ifindex, .n.family = family };

	memcpy(key.n.addr, addr, family == AF_INET ? 4 : 16);
	return nbrs_find(&nbrs_head, &key);
}

/*
 * A neighbour the kernel itself would send unicast IP to.  NOARP entries
 * are not resolved hosts: the kernel makes them for broadcast and
 * multicast destinations (a directed broadcast, ff:ff:ff:ff:ff:ff), and
 * no group MAC is a unicast host's.
 */
static bool neigh_unicast(const struct xnl_neigh *n)
{
	return n->usable && !(n->state & NUD_NOARP) && !(n->mac[0] & 0x01);
}

/* an entry the kernel never re-verifies (struct mirror_neigh) */
static bool neigh_fixed(const struct xnl_neigh *n)
{
	return n->state & (NUD_PERMANENT | NUD_NOARP);
}

bool mirror_neigh_update(const struct xnl_neigh *n, bool deleted)
{
	struct nbr_item *ni;

	if (n->family != AF_INET && n->family != AF_INET6)
		return false;
	ni = nbr_find(n->ifindex, n->family, n->addr);
	if (deleted || !neigh_unicast(n)) {
		if (!ni)
			return false;
		nbrs_del(&nbrs_head, ni);
		XFREE(MTYPE_XDPFWD_NBR, ni);
		return true;
	}
	if (!ni) {
		ni = XCALLOC(MTYPE_XDPFWD_NBR, sizeof(*ni));
		ni->n.ifindex = n->ifindex;
		ni->n.family = n->family;
		memcpy(ni->n.addr, n->addr, n->family == AF_INET ? 4 : 16);
		nbrs_add(&nbrs_head, ni);
	} else if (!memcmp(ni->n.mac, n->mac, sizeof(ni->n.mac))) {
		ni->stale = false;
		/* made permanent or no longer: the reports follow, the
		 * datapath has nothing to change
		 */
		ni->n.fixed = neigh_fixed(n);
		return false; /* a refresh of the same MAC */
	}
	ni->stale = false;
	ni->n.fixed = neigh_fixed(n);
	memcpy(ni->n.mac, n->mac, sizeof(ni->n.mac));
	return true;
}

const uint8_t *mirror_neigh_mac(int ifindex, int family, const void *addr)
{
	struct nbr_item *ni = nbr_find(ifindex, family, addr);

	return ni ? ni->n.mac : NULL;
}

bool mirror_neigh_fixed(int ifindex, int family, const void *addr)
{
	struct nbr_item *ni = nbr_find(ifindex, family, addr);

	return ni && ni->n.fixed;
}

uint32_t mirror_neigh_count(void)
{
	return nbrs_count(&nbrs_head);
}

const struct mirror_neigh *mirror_neigh_next(const struct mirror_neigh *prev)
{
	const struct nbr_item *ni;

	if (!prev)
		ni = nbrs_first(&nbrs_head);
	else
		ni = nbrs_const_next(&nbrs_head, container_of(prev, struct nbr_item, n));
	return ni ? &ni->n : NULL;
}

void mirror_neigh_resync_begin(void)
{
	struct nbr_item *ni;

	frr_each (nbrs, &nbrs_head, ni)
		ni->stale = true;
}

unsigned int mirror_stale_neighs(struct xnl_neigh **out)
{
	struct nbr_item *ni;
	unsigned int n = 0;

	*out = XCALLOC(MTYPE_TMP, sizeof(**out) * (nbrs_count(&nbrs_head) + 1));
	frr_each (nbrs, &nbrs_head, ni) {
		if (!ni->stale)
			continue;
		(*out)[n].ifindex = ni->n.ifindex;
		(*out)[n].family = ni->n.family;
		memcpy((*out)[n].addr, ni->n.addr, sizeof((*out)[n].addr));
		n++;
	}
	return n;
}
