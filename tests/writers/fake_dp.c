// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fake BPF layer and RIB marker for tests/writers (fake_dp.h).  Keeps the
 * BPF layer's contract: -errno on failure, failures counted per map,
 * deleting what is not there is no failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <arpa/inet.h>

#include "config.h"
#include "lib/prefix.h"

#include "tests/writers/fake_dp.h"
#include "plugin/writers/kernel_use.h"
#include "plugin/writers/rib_mark.h"
#include "plugin/writers/routes.h"

#define NEIGH_SLOTS 256

struct neigh_ent {
	bool used;
	int family, ifindex;
	uint8_t addr[16];
	struct xdpfwd_neigh v;
};

static struct xdpfwd_fib4_block *tbl24, *tbl8;
static uint32_t *fib6_dir, *fib6_vals;
static uint64_t *fib6_keys;
static struct xdpfwd_nhg nhgs[XDPFWD_NHG_MAX];
static struct xdpfwd_adj adjs[XDPFWD_ADJ_MAX];
static struct neigh_ent neighs[NEIGH_SLOTS];
static struct xdpfwd_iface ifaces[XDPFWD_IFINDEX_MAX];
static bool tx_ports[XDPFWD_IFINDEX_MAX];
static uint64_t errors[DP_MAP__MAX];
static unsigned int fail_next[DP_MAP__MAX];
#define LOCAL4_SLOTS 64
static uint32_t local4[LOCAL4_SLOTS];

void fake_dp_reset(void)
{
	size_t t24 = sizeof(*tbl24) * XDPFWD_TBL24_BLOCKS;
	size_t t8 = sizeof(*tbl8) * FAKE_TBL8_GROUPS;

	if (!tbl24) {
		tbl24 = calloc(1, t24);
		tbl8 = calloc(1, t8);
	}
	memset(tbl24, 0, t24);
	memset(tbl8, 0, t8);
	if (!fib6_dir) {
		fib6_dir = calloc(XDPFWD_FIB6_DIR_ENTRIES, sizeof(*fib6_dir));
		fib6_keys = calloc(FAKE_FIB6_SLOTS, sizeof(*fib6_keys));
		fib6_vals = calloc(FAKE_FIB6_SLOTS, sizeof(*fib6_vals));
	}
	memset(fib6_dir, 0, XDPFWD_FIB6_DIR_ENTRIES * sizeof(*fib6_dir));
	memset(fib6_keys, 0, FAKE_FIB6_SLOTS * sizeof(*fib6_keys));
	memset(fib6_vals, 0, FAKE_FIB6_SLOTS * sizeof(*fib6_vals));
	memset(nhgs, 0, sizeof(nhgs));
	memset(adjs, 0, sizeof(adjs));
	memset(neighs, 0, sizeof(neighs));
	memset(ifaces, 0, sizeof(ifaces));
	memset(tx_ports, 0, sizeof(tx_ports));
	memset(errors, 0, sizeof(errors));
	memset(fail_next, 0, sizeof(fail_next));
	memset(local4, 0, sizeof(local4));
}

void fake_dp_fail(enum dp_map m, unsigned int n)
{
	fail_next[m] = n;
}

static int injected(enum dp_map m)
{
	if (!fail_next[m])
		return 0;
	fail_next[m]--;
	errors[m]++;
	return -ENOSPC;
}

/* ---- dp.h: load and attach ---- */

int dp_load(const struct xdpfwd_config *cfg)
{
	fake_dp_reset();
	return 0;
}

void dp_unload(void)
{
}

bool dp_loaded(void)
{
	return tbl24 != NULL;
}

const char *dp_error(void)
{
	return "";
}

void dp_set_live_until(uint64_t until_ns)
{
}

uint32_t dp_tbl8_groups(void)
{
	return FAKE_TBL8_GROUPS;
}

void dp_fib4_memory(struct xdpfwd_fib4_block **t24,
		    struct xdpfwd_fib4_block **t8, uint32_t *groups)
{
	*t24 = tbl24;
	*t8 = tbl8;
	*groups = FAKE_TBL8_GROUPS;
}

int dp_attach(int ifindex, const char *ifname, bool generic, char *errbuf,
	      size_t errlen)
{
	return 1000 + ifindex;
}

int dp_detach(int link_fd, const char *ifname)
{
	return 0;
}

/* ---- dp.h: maps ---- */

void dp_maps_bind(const struct dp_map_fds *fds)
{
}

const char *dp_map_name(enum dp_map m)
{
	return "fake";
}

uint64_t dp_map_errors(enum dp_map m)
{
	return errors[m];
}

void dp_fib6_memory(uint32_t **dir, uint64_t **keys, uint32_t **vals,
		    uint32_t *nslots)
{
	*dir = fib6_dir;
	*keys = fib6_keys;
	*vals = fib6_vals;
	*nslots = FAKE_FIB6_SLOTS;
}

int dp_nhg_write(uint32_t id, const struct xdpfwd_nhg *v)
{
	int err = injected(DP_MAP_NHGS);

	if (err)
		return err;
	if (id >= XDPFWD_NHG_MAX)
		return -E2BIG;
	nhgs[id] = *v;
	return 0;
}

int dp_nhg_read(uint32_t id, struct xdpfwd_nhg *v)
{
	if (id >= XDPFWD_NHG_MAX)
		return -ENOENT;
	*v = nhgs[id];
	return 0;
}

int dp_adj_write(uint32_t id, const struct xdpfwd_adj *v)
{
	int err = injected(DP_MAP_ADJS);

	if (err)
		return err;
	if (id >= XDPFWD_ADJ_MAX)
		return -E2BIG;
	adjs[id] = *v;
	return 0;
}

int dp_adj_read(uint32_t id, struct xdpfwd_adj *v)
{
	if (id >= XDPFWD_ADJ_MAX)
		return -ENOENT;
	*v = adjs[id];
	return 0;
}

static struct neigh_ent *neigh_find(int family, int ifindex, const void *addr)
{
	size_t len = family == AF_INET ? 4 : 16;

	for (int i = 0; i < NEIGH_SLOTS; i++)
		if (neighs[i].used && neighs[i].family == family &&
		    neighs[i].ifindex == ifindex &&
		    !memcmp(neighs[i].addr, addr, len))
			return &neighs[i];
	return NULL;
}

int dp_neigh_write(int family, int ifindex, const void *addr,
		   const struct xdpfwd_neigh *v)
{
	struct neigh_ent *e = neigh_find(family, ifindex, addr);
	enum dp_map m = family == AF_INET ? DP_MAP_NEIGH4 : DP_MAP_NEIGH6;
	int err = injected(m);

	if (err)
		return err;
	for (int i = 0; !e && i < NEIGH_SLOTS; i++)
		if (!neighs[i].used)
			e = &neighs[i];
	if (!e)
		return -E2BIG;
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->family = family;
	e->ifindex = ifindex;
	memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
	e->v = *v;
	return 0;
}

int dp_neigh_delete(int family, int ifindex, const void *addr)
{
	struct neigh_ent *e = neigh_find(family, ifindex, addr);

	if (e)
		e->used = false;
	return 0;
}

int dp_neigh_read(int family, int ifindex, const void *addr,
		  struct xdpfwd_neigh *v)
{
	struct neigh_ent *e = neigh_find(family, ifindex, addr);

	if (!e)
		return -ENOENT;
	*v = e->v;
	return 0;
}

void fake_neigh_stamp(int family, int ifindex, const void *addr,
		      uint32_t seen)
{
	struct neigh_ent *e = neigh_find(family, ifindex, addr);

	if (e)
		e->v.seen = seen;
}

void fake_adj_stamp(uint32_t id, uint32_t seen)
{
	adjs[id].seen = seen;
}

/* ---- kernel_use.h ---- */

static struct {
	int ifindex, family;
	uint8_t addr[16];
} uses[64];
static unsigned int n_uses;

int kernel_use_open(void)
{
	return 0;
}

void kernel_use_close(void)
{
}

int kernel_use_fdb(int port, const uint8_t *mac)
{
	return 0;
}

int kernel_use_neigh(int ifindex, int family, const void *addr)
{
	if (n_uses < 64) {
		uses[n_uses].ifindex = ifindex;
		uses[n_uses].family = family;
		memcpy(uses[n_uses].addr, addr, family == AF_INET ? 4 : 16);
		n_uses++;
	}
	return 0;
}

void kernel_use_drain(void)
{
}

unsigned int fake_uses(void)
{
	unsigned int n = n_uses;

	n_uses = 0;
	return n;
}

bool fake_used(int ifindex, int family, const char *addr)
{
	uint8_t a[16] = {};

	inet_pton(family, addr, a);
	for (unsigned int i = 0; i < n_uses; i++)
		if (uses[i].ifindex == ifindex && uses[i].family == family &&
		    !memcmp(uses[i].addr, a, family == AF_INET ? 4 : 16))
			return true;
	return false;
}

int dp_iface_write(int ifindex, const struct xdpfwd_iface *v)
{
	int err = injected(DP_MAP_IFACES);

	if (err)
		return err;
	if (ifindex <= 0 || ifindex >= XDPFWD_IFINDEX_MAX)
		return -ERANGE;
	ifaces[ifindex] = *v;
	return 0;
}

int dp_tx_port_set(int ifindex, bool present)
{
	if (ifindex <= 0 || ifindex >= XDPFWD_IFINDEX_MAX)
		return -ERANGE;
	tx_ports[ifindex] = present;
	return 0;
}


int dp_local4_set(uint32_t addr, bool present)
{
	for (int i = 0; i < LOCAL4_SLOTS; i++)
		if (local4[i] == addr) {
			if (!present)
				local4[i] = 0;
			return 0;
		}
	for (int i = 0; present && i < LOCAL4_SLOTS; i++)
		if (!local4[i]) {
			local4[i] = addr;
			return 0;
		}
	return present ? -E2BIG : 0;
}

bool fake_local4(uint32_t addr)
{
	for (int i = 0; i < LOCAL4_SLOTS; i++)
		if (addr && local4[i] == addr)
			return true;
	return false;
}

int dp_fdb_write(const struct xdpfwd_fdb_key *k, const struct xdpfwd_fdb *v)
{
	return -EOPNOTSUPP; /* the bridge writer is not under test here */
}

int dp_fdb_delete(const struct xdpfwd_fdb_key *k)
{
	return 0;
}

int dp_fdb_read(const struct xdpfwd_fdb_key *k, struct xdpfwd_fdb *v)
{
	return -ENOENT;
}

int dp_counters(uint32_t reason, struct xdpfwd_counter *sum)
{
	memset(sum, 0, sizeof(*sum));
	return 0;
}

int dp_if_counters(int ifindex, struct xdpfwd_if_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	return 0;
}

/* ---- what the datapath would read ---- */

uint16_t fake_fib4_lookup(uint32_t addr)
{
	uint16_t e = tbl24[addr >> 16].entry[(addr >> 8) & 0xff];

	if (!(e & XDPFWD_FIB4_EXT))
		return e;
	e = tbl8[e & XDPFWD_FIB4_VAL_MASK].entry[addr & 0xff];
	return (e & XDPFWD_FIB4_EXT) ? 0 : e;
}

/* bpf/fib6.h's lookup, over the fake maps */
static uint32_t fib6_search(uint32_t off, uint64_t k)
{
	uint32_t lo = 1, hi = (uint32_t)fib6_keys[off], mid;

	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (fib6_keys[off + mid] <= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	return fib6_vals[off + lo];
}

static uint32_t fake_fib6_lookup(const uint8_t addr[16])
{
	uint64_t k = 0, lo = 0;
	uint32_t e;
	int i;

	for (i = 0; i < 8; i++) {
		k = k << 8 | addr[i];
		lo = lo << 8 | addr[8 + i];
	}
	e = fib6_dir[k >> (64 - XDPFWD_FIB6_DIR_BITS)];
	for (i = 0; i < XDPFWD_FIB6_LEVELS && (e & XDPFWD_FIB6_EXT); i++) {
		if (e & XDPFWD_FIB6_LOW)
			k = lo;
		e = fib6_search(e & XDPFWD_FIB6_OFF_MASK, k);
	}
	return e & XDPFWD_FIB6_EXT ? 0 : e;
}

uint16_t fake_fib6_get(const uint8_t addr[16], uint8_t prefixlen)
{
	struct prefix p = { .family = AF_INET6, .prefixlen = prefixlen };
	uint32_t seen = 0;
	int ret;

	memcpy(&p.u.prefix6, addr, 16);
	ret = routes_map_check(&p, &seen);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return 0xffff; /* the tables disagree with the builder */
	/* what the datapath reads at the prefix's first address */
	return fake_fib6_lookup(addr);
}

const struct xdpfwd_nhg *fake_nhg(uint32_t id)
{
	return &nhgs[id];
}

const struct xdpfwd_adj *fake_adj(uint32_t id)
{
	return &adjs[id];
}

const struct xdpfwd_neigh *fake_neigh(int family, int ifindex,
				      const void *addr)
{
	struct neigh_ent *e = neigh_find(family, ifindex, addr);

	return e ? &e->v : NULL;
}

const struct xdpfwd_iface *fake_iface(int ifindex)
{
	return &ifaces[ifindex];
}

bool fake_tx_port(int ifindex)
{
	return tx_ports[ifindex];
}

/* ---- rib_mark.h ---- */

#define RIB_SLOTS 256
static struct {
	bool used;
	struct prefix p;
	int offloaded;
} rib[RIB_SLOTS];

void fake_rib_reset(void)
{
	memset(rib, 0, sizeof(rib));
}

static void rib_set(const struct prefix *p, bool offloaded)
{
	int free_slot = -1;

	for (int i = 0; i < RIB_SLOTS; i++) {
		if (rib[i].used && prefix_same(&rib[i].p, p)) {
			rib[i].offloaded = offloaded;
			return;
		}
		if (!rib[i].used && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		abort();
	rib[free_slot].used = true;
	prefix_copy(&rib[free_slot].p, p);
	rib[free_slot].offloaded = offloaded;
}

int fake_rib_mark(const struct prefix *p)
{
	for (int i = 0; i < RIB_SLOTS; i++)
		if (rib[i].used && prefix_same(&rib[i].p, p))
			return rib[i].offloaded;
	return -1;
}

void rib_mark_update(const struct xdpfwd_route_update *u, bool offloaded)
{
	rib_set(&u->prefix, offloaded);
}

void rib_mark_selected(const struct prefix *p, bool offloaded)
{
	rib_set(p, offloaded);
}
