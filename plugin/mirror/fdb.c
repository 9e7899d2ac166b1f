// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: the bridges' FDBs (rtnetlink AF_BRIDGE neighbours
 * owned by a bridge), and per bridge whether it filters VLANs (it has
 * entries with a VLAN, which the fast path does not model).
 */
#include "config.h"
#include <zebra.h>

#include <linux/neighbour.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "xdpfwd_maps.h"
#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_FDB, "xdpfwd FDB entry");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_BRIDGE, "xdpfwd bridge");

/* ---- the FDB, by (bridge, VLAN, MAC) ---- */
PREDECL_HASH(fdbs);
struct fdb_item {
	struct fdbs_item hitem;
	int bridge;
	uint16_t vlan; /* != 0: VLAN-aware bridge */
	uint8_t mac[6];
	int port;	/* ifindex of the entry (the bridge for local ones) */
	uint32_t flags; /* XDPFWD_FDB_F_* */
	bool stale;
};

static int fdb_cmp(const struct fdb_item *a, const struct fdb_item *b)
{
	if (a->bridge != b->bridge)
		return numcmp(a->bridge, b->bridge);
	if (a->vlan != b->vlan)
		return numcmp(a->vlan, b->vlan);
	return memcmp(a->mac, b->mac, sizeof(a->mac));
}

static uint32_t fdb_hash(const struct fdb_item *a)
{
	return jhash(a->mac, sizeof(a->mac), a->bridge ^ (a->vlan << 16));
}
DECLARE_HASH(fdbs, struct fdb_item, hitem, fdb_cmp, fdb_hash);

/* ---- per-bridge counts ---- */
PREDECL_HASH(brs);
struct br_item {
	struct brs_item hitem;
	int ifindex;
	uint32_t entries;      /* VLAN 0 */
	uint32_t vlan_entries; /* with a VLAN: the bridge filters VLANs */
};

static int br_cmp(const struct br_item *a, const struct br_item *b)
{
	return numcmp(a->ifindex, b->ifindex);
}

static uint32_t br_hash(const struct br_item *a)
{
	return jhash_1word(a->ifindex, 0);
}
DECLARE_HASH(brs, struct br_item, hitem, br_cmp, br_hash);

static struct fdbs_head fdbs_head;
static struct brs_head brs_head;

void mirror_fdb_init(void)
{
	fdbs_init(&fdbs_head);
	brs_init(&brs_head);
}

void mirror_fdb_fini(void)
{
	struct fdb_item *f;
	struct br_item *b;

	frr_each_safe (fdbs, &fdbs_head, f) {
		fdbs_del(&fdbs_head, f);
		XFREE(MTYPE_XDPFWD_FDB, f);
	}
	frr_each_safe (brs, &brs_head, b) {
		brs_del(&brs_head, b);
		XFREE(MTYPE_XDPFWD_BRIDGE, b);
	}
}

static struct br_item *br_get(int ifindex, bool create)
{
	struct br_item key = { .ifindex = ifindex }, *b;

	b = brs_find(&brs_head, &key);
	if (b || !create)
		return b;
	b = XCALLOC(MTYPE_XDPFWD_BRIDGE, sizeof(*b));
	b->ifindex = ifindex;
	brs_add(&brs_head, b);
	return b;
}

static struct fdb_item *fdb_find(int bridge, uint16_t vlan, const uint8_t *mac)
{
	struct fdb_item key = { .bridge = bridge, .vlan = vlan };

	memcpy(key.mac, mac, sizeof(key.mac));
	return fdbs_find(&fdbs_head, &key);
}

bool mirror_bridge_vlan_aware(int bridge)
{
	struct br_item *b = br_get(bridge, false);

	return b && b->vlan_entries;
}

uint32_t mirror_bridge_fdb_count(int bridge)
{
	struct br_item *b = br_get(bridge, false);

	return b ? b->entries : 0;
}

int mirror_fdb_get(int bridge, const uint8_t *mac, struct mirror_fdb *out)
{
	struct fdb_item *f = fdb_find(bridge, 0, mac);

	if (!f)
		return -ENOENT;
	out->bridge = f->bridge;
	memcpy(out->mac, f->mac, sizeof(out->mac));
	out->port = f->port;
	out->flags = f->flags;
	return 0;
}

int mirror_fdb_port(int bridge, const uint8_t *mac)
{
	struct fdb_item *f;

	if (!bridge)
		return 0;
	f = fdb_find(bridge, 0, mac);
	if (!f || (f->flags & XDPFWD_FDB_F_LOCAL))
		return 0;
	return f->port;
}

/* returns MIRROR_FDB_* */
static unsigned int fdb_remove(struct fdb_item *f)
{
	struct br_item *b = br_get(f->bridge, false);
	unsigned int ch = 0;

	if (f->vlan) {
		if (b && b->vlan_entries && !--b->vlan_entries)
			ch |= MIRROR_FDB_VLAN;
	} else {
		ch |= MIRROR_FDB_ENTRY;
		if (!(f->flags & XDPFWD_FDB_F_LOCAL))
			ch |= MIRROR_FDB_PORT;
		if (b && b->entries)
			b->entries--;
	}
	fdbs_del(&fdbs_head, f);
	XFREE(MTYPE_XDPFWD_FDB, f);
	return ch;
}

unsigned int mirror_fdb_update(const struct xnl_fdb *nf, bool deleted)
{
	struct fdb_item *f;
	struct br_item *b;
	uint32_t flags = 0;
	unsigned int ch = 0;
	int old_port;

	/* master == 0: a device's own address list (NTF_SELF), not a
	 * bridge's table
	 */
	if (!nf->master)
		return 0;
	f = fdb_find(nf->master, nf->vlan, nf->mac);
	if (deleted)
		/* gone from the kernel, whatever port it was last on */
		return f ? fdb_remove(f) : 0;

	if (nf->state & NUD_PERMANENT)
		flags |= XDPFWD_FDB_F_LOCAL;
	else if (nf->state & NUD_NOARP)
		flags |= XDPFWD_FDB_F_STATIC;
	if (nf->flags & NTF_EXT_LEARNED)
		flags |= XDPFWD_FDB_F_EXTERN;
	/* an entry of the bridge device itself is an address of the bridge */
	if (nf->ifindex == nf->master)
		flags |= XDPFWD_FDB_F_LOCAL;

	if (!f) {
		f = XCALLOC(MTYPE_XDPFWD_FDB, sizeof(*f));
		f->bridge = nf->master;
		f->vlan = nf->vlan;
		memcpy(f->mac, nf->mac, sizeof(f->mac));
		fdbs_add(&fdbs_head, f);
		b = br_get(f->bridge, true);
		if (f->vlan) {
			if (!b->vlan_entries++)
				ch |= MIRROR_FDB_VLAN;
		} else
			b->entries++;
		old_port = -1;
	} else {
		f->stale = false;
		/* a refresh or a duplicate: the writer rewrites what it could
		 * not write before, if anything
		 */
		if (f->port == nf->ifindex && f->flags == flags)
			return f->vlan ? 0 : MIRROR_FDB_ENTRY;
		old_port = mirror_fdb_port(f->bridge, f->mac);
	}
	f->port = nf->ifindex;
	f->flags = flags;
	f->stale = false;
	if (f->vlan)
		return ch;
	ch |= MIRROR_FDB_ENTRY;
	if (old_port != mirror_fdb_port(f->bridge, f->mac))
		ch |= MIRROR_FDB_PORT;
	return ch;
}

void mirror_fdb_link_gone(int ifindex)
{
	struct fdb_item *f;
	struct br_item *b;

	/* the kernel deletes (and announces) a bridge's entries first; this
	 * only catches what a lost notification left behind
	 */
	frr_each_safe (fdbs, &fdbs_head, f)
		if (f->bridge == ifindex)
			fdb_remove(f);
	b = br_get(ifindex, false);
	if (b) {
		brs_del(&brs_head, b);
		XFREE(MTYPE_XDPFWD_BRIDGE, b);
	}
}

void mirror_fdb_resync_begin(void)
{
	struct fdb_item *f;

	frr_each (fdbs, &fdbs_head, f)
		f->stale = true;
}

unsigned int mirror_stale_fdbs(struct xnl_fdb **out)
{
	struct fdb_item *f;
	unsigned int n = 0;

	*out = XCALLOC(MTYPE_TMP, sizeof(**out) * (fdbs_count(&fdbs_head) + 1));
	frr_each (fdbs, &fdbs_head, f) {
		if (!f->stale)
			continue;
		(*out)[n].ifindex = f->port;
		(*out)[n].master = f->bridge;
		(*out)[n].vlan = f->vlan;
		memcpy((*out)[n].mac, f->mac, sizeof((*out)[n].mac));
		n++;
	}
	return n;
}

const struct mirror_fdb *mirror_fdb_next(const struct mirror_fdb *prev,
					 struct mirror_fdb *buf)
{
	struct fdb_item *f;

	/* VLAN 0 entries only: those are the ones the fast path uses */
	if (!prev)
		f = fdbs_first(&fdbs_head);
	else
		f = fdbs_next(&fdbs_head, fdb_find(prev->bridge, 0, prev->mac));
	while (f && f->vlan)
		f = fdbs_next(&fdbs_head, f);
	if (!f)
		return NULL;
	buf->bridge = f->bridge;
	memcpy(buf->mac, f->mac, sizeof(buf->mac));
	buf->port = f->port;
	buf->flags = f->flags;
	return buf;
}
