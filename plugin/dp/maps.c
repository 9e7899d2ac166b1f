// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd BPF layer: typed map access and the one failure policy for map
 * writes (see dp.h).
 */
#include "config.h"
#include <zebra.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/json.h"
#include "lib/lib_errors.h"
#include "lib/log.h"
#include "lib/monotime.h"

#include "plugin/dp/dp.h"
#include "plugin/lib/ratelimit.h"
#include "plugin/yang_json.h"

static struct dp_map_fds fds = {
	.fd = { [0 ... DP_MAP__MAX - 1] = -1 },
	.counters = -1,
	.if_counters = -1,
};

static const char *const map_names[DP_MAP__MAX] = {
	[DP_MAP_NHGS] = "nhgs",
	[DP_MAP_ADJS] = "adjs",	      [DP_MAP_NEIGH4] = "neigh4",
	[DP_MAP_NEIGH6] = "neigh6",   [DP_MAP_IFACES] = "ifaces",
	[DP_MAP_TX_PORTS] = "tx_ports", [DP_MAP_FDB] = "fdb",
	[DP_MAP_LOCAL4] = "local4",
};

static uint64_t map_errors[DP_MAP__MAX];
static struct ratelimit map_rl[DP_MAP__MAX];

void dp_maps_bind(const struct dp_map_fds *f)
{
	fds = *f;
}

const char *dp_map_name(enum dp_map m)
{
	return m < DP_MAP__MAX ? map_names[m] : "?";
}

uint64_t dp_map_errors(enum dp_map m)
{
	return m < DP_MAP__MAX ? map_errors[m] : 0;
}

/* The policy: count, log rate-limited, hand -errno back. */
static int map_failed(enum dp_map m, const char *op, uint32_t key, int err)
{
	uint32_t suppressed;

	map_errors[m]++;
	if (ratelimit_ok(&map_rl[m], monotime(NULL), &suppressed))
		flog_err(EC_LIB_SYSTEM_CALL,
			 "xdpfwd: %s map %s (key %u): %s; the entries concerned stay on the kernel path (%u similar failures suppressed)",
			 map_names[m], op, key, strerror(-err), suppressed);
	return err;
}

static int map_update(enum dp_map m, const void *k, const void *v,
		      uint64_t flags, uint32_t key_for_log)
{
	if (fds.fd[m] < 0)
		return -ENOENT;
	if (bpf_map_update_elem(fds.fd[m], k, v, flags) == 0)
		return 0;
	return map_failed(m, "update", key_for_log, -errno);
}

static int map_delete(enum dp_map m, const void *k, uint32_t key_for_log)
{
	if (fds.fd[m] < 0)
		return -ENOENT;
	if (bpf_map_delete_elem(fds.fd[m], k) == 0 || errno == ENOENT)
		return 0;
	return map_failed(m, "delete", key_for_log, -errno);
}

static int map_lookup(enum dp_map m, const void *k, void *v)
{
	if (fds.fd[m] < 0)
		return -ENOENT;
	return bpf_map_lookup_elem(fds.fd[m], k, v) < 0 ? -errno : 0;
}

int dp_nhg_write(uint32_t id, const struct xdpfwd_nhg *v)
{
	return map_update(DP_MAP_NHGS, &id, v, BPF_ANY, id);
}

int dp_nhg_read(uint32_t id, struct xdpfwd_nhg *v)
{
	return map_lookup(DP_MAP_NHGS, &id, v);
}

int dp_adj_write(uint32_t id, const struct xdpfwd_adj *v)
{
	return map_update(DP_MAP_ADJS, &id, v, BPF_ANY, id);
}

int dp_adj_read(uint32_t id, struct xdpfwd_adj *v)
{
	return map_lookup(DP_MAP_ADJS, &id, v);
}

/* a neighbour's key, and the map of its family */
union neigh_key {
	struct xdpfwd_neigh4_key v4;
	struct xdpfwd_neigh6_key v6;
};

static enum dp_map neigh_key(int family, int ifindex, const void *addr,
			     union neigh_key *k)
{
	memset(k, 0, sizeof(*k));
	if (family == AF_INET) {
		k->v4.ifindex = ifindex;
		memcpy(&k->v4.addr, addr, sizeof(k->v4.addr));
		return DP_MAP_NEIGH4;
	}
	k->v6.ifindex = ifindex;
	memcpy(k->v6.addr, addr, sizeof(k->v6.addr));
	return DP_MAP_NEIGH6;
}

int dp_neigh_write(int family, int ifindex, const void *addr,
		   const struct xdpfwd_neigh *v)
{
	union neigh_key k;
	enum dp_map m = neigh_key(family, ifindex, addr, &k);

	return map_update(m, &k, v, BPF_ANY, ifindex);
}

int dp_neigh_delete(int family, int ifindex, const void *addr)
{
	union neigh_key k;
	enum dp_map m = neigh_key(family, ifindex, addr, &k);

	return map_delete(m, &k, ifindex);
}

int dp_neigh_read(int family, int ifindex, const void *addr,
		  struct xdpfwd_neigh *v)
{
	union neigh_key k;
	enum dp_map m = neigh_key(family, ifindex, addr, &k);

	return map_lookup(m, &k, v);
}

int dp_iface_write(int ifindex, const struct xdpfwd_iface *v)
{
	uint32_t key = ifindex;

	if (ifindex <= 0 || ifindex >= XDPFWD_IFINDEX_MAX)
		return -ERANGE;
	return map_update(DP_MAP_IFACES, &key, v, BPF_ANY, key);
}

int dp_tx_port_set(int ifindex, bool present)
{
	uint32_t key = ifindex, val = ifindex;

	if (present)
		return map_update(DP_MAP_TX_PORTS, &key, &val, BPF_ANY, key);
	return map_delete(DP_MAP_TX_PORTS, &key, key);
}

int dp_local4_set(uint32_t addr, bool present)
{
	uint8_t one = 1;

	if (present)
		return map_update(DP_MAP_LOCAL4, &addr, &one, BPF_ANY,
				  ntohl(addr));
	return map_delete(DP_MAP_LOCAL4, &addr, ntohl(addr));
}

int dp_fdb_write(const struct xdpfwd_fdb_key *k, const struct xdpfwd_fdb *v)
{
	return map_update(DP_MAP_FDB, k, v, BPF_ANY, k->bridge_ifindex);
}

int dp_fdb_delete(const struct xdpfwd_fdb_key *k)
{
	return map_delete(DP_MAP_FDB, k, k->bridge_ifindex);
}

int dp_fdb_read(const struct xdpfwd_fdb_key *k, struct xdpfwd_fdb *v)
{
	return map_lookup(DP_MAP_FDB, k, v);
}

static int ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n;
}

int dp_counters(uint32_t reason, struct xdpfwd_counter *sum)
{
	int n = ncpus();
	struct xdpfwd_counter vals[n];

	memset(sum, 0, sizeof(*sum));
	if (fds.counters < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(fds.counters, &reason, vals) < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		sum->packets += vals[i].packets;
		sum->bytes += vals[i].bytes;
	}
	return 0;
}

int dp_if_counters(int ifindex, struct xdpfwd_if_counters *sum)
{
	int n = ncpus();
	struct xdpfwd_if_counters vals[n];
	uint32_t key = ifindex;

	memset(sum, 0, sizeof(*sum));
	if (fds.if_counters < 0)
		return -ENOENT;
	if (ifindex <= 0 || ifindex >= XDPFWD_IFINDEX_MAX)
		return -ERANGE;
	if (bpf_map_lookup_elem(fds.if_counters, &key, vals) < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		sum->rx_fwd_packets += vals[i].rx_fwd_packets;
		sum->rx_fwd_bytes += vals[i].rx_fwd_bytes;
		sum->tx_fwd_packets += vals[i].tx_fwd_packets;
		sum->tx_fwd_bytes += vals[i].tx_fwd_bytes;
		sum->rx_pass_packets += vals[i].rx_pass_packets;
		sum->rx_drop_packets += vals[i].rx_drop_packets;
	}
	return 0;
}

void dp_if_counters_json(struct json_object *o,
			 const struct xdpfwd_if_counters *c)
{
	xdpfwd_json_u64(o, "rxFwdPackets", c->rx_fwd_packets);
	xdpfwd_json_u64(o, "rxFwdBytes", c->rx_fwd_bytes);
	xdpfwd_json_u64(o, "txFwdPackets", c->tx_fwd_packets);
	xdpfwd_json_u64(o, "txFwdBytes", c->tx_fwd_bytes);
	xdpfwd_json_u64(o, "rxPassPackets", c->rx_pass_packets);
	xdpfwd_json_u64(o, "rxDropPackets", c->rx_drop_packets);
}
