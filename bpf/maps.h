/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every map of the datapath.  Names, types, keys and values are the
 * contract with the plugin (include/xdpfwd_maps.h), which looks the maps
 * up by name.  max_entries are only defaults: the plugin may change them
 * before load, so the code bounds indices by the NULL a lookup returns,
 * never by these constants.
 */
#ifndef XDPFWD_BPF_MAPS_H
#define XDPFWD_BPF_MAPS_H

#include "common.h"

/* IPv4 FIB, DIR-24-8; mmapable so the plugin writes entries with stores */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpfwd_fib4_block);
	__uint(max_entries, XDPFWD_TBL24_BLOCKS);
} fib4_tbl24 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpfwd_fib4_block);
	__uint(max_entries, XDPFWD_TBL8_GROUPS);
} fib4_tbl8 SEC(".maps");

/* the router's own IPv4 addresses, as sources: martians */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __be32);
	__type(value, __u8);
	__uint(max_entries, XDPFWD_LOCAL4_MAX);
} local4 SEC(".maps");

/* IPv6 FIB: directory and range-table slots; mmapable like fib4 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpfwd_fib6_pair);
	__uint(max_entries, XDPFWD_FIB6_DIR_ENTRIES / 2);
} fib6_dir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, XDPFWD_FIB6_SLOTS);
} fib6_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xdpfwd_fib6_pair);
	__uint(max_entries, XDPFWD_FIB6_SLOTS / 2);
} fib6_vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct xdpfwd_nhg);
	__uint(max_entries, XDPFWD_NHG_MAX);
} nhgs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct xdpfwd_adj);
	__uint(max_entries, XDPFWD_ADJ_MAX);
} adjs SEC(".maps");

/*
 * The neighbour tables are allocated as entries come (a router has far
 * fewer neighbours than XDPFWD_NEIGH_MAX; preallocated, the pair cost
 * 13 MiB whatever the table).  Only the plugin writes them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpfwd_neigh4_key);
	__type(value, struct xdpfwd_neigh);
	__uint(max_entries, XDPFWD_NEIGH_MAX);
} neigh4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpfwd_neigh6_key);
	__type(value, struct xdpfwd_neigh);
	__uint(max_entries, XDPFWD_NEIGH_MAX);
} neigh6 SEC(".maps");

/* indexed by ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct xdpfwd_iface);
	__uint(max_entries, XDPFWD_IFINDEX_MAX);
} ifaces SEC(".maps");

/* egress ports that accept XDP redirects: key and value are the ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, XDPFWD_TX_PORTS_MAX);
} tx_ports SEC(".maps");

/* bridge FDB: (bridge, MAC) -> port; preallocated, the datapath writes
 * seen_ns in place
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct xdpfwd_fdb_key);
	__type(value, struct xdpfwd_fdb);
	__uint(max_entries, XDPFWD_FDB_MAX);
} fdb SEC(".maps");

/* indexed by enum xdpfwd_reason */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct xdpfwd_counter);
	__uint(max_entries, XDPFWD_R__MAX);
} counters SEC(".maps");

/* indexed by ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct xdpfwd_if_counters);
	__uint(max_entries, XDPFWD_IFINDEX_MAX);
} if_counters SEC(".maps");

#endif /* XDPFWD_BPF_MAPS_H */
