// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the BPF layer.  The only code that holds a map fd: it loads the
 * embedded XDP program, attaches it to interfaces (links held by zebra's
 * fds, nothing pinned) and renews its liveness deadline (load.c), binds
 * the packet tracer's ring (trace.c), and gives the writers one typed
 * function per map operation (maps.c).
 *
 * One failure policy for every map write: the write returns -errno, the
 * failure is counted per map (dp_map_errors(), shown by `show xdpfwd`)
 * and logged at most once a minute per map with the number of similar
 * failures suppressed meanwhile.  What a failure means for a route or a
 * neighbour is the caller's decision (e.g. not offloaded).  Deleting what
 * is not there is not a failure.
 *
 * Main pthread only.
 */
#ifndef XDPFWD_DP_H
#define XDPFWD_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "xdpfwd_maps.h"

struct xdpfwd_config;

/* ---- load, attach, liveness (load.c) ---- */
int dp_load(const struct xdpfwd_config *cfg);
void dp_unload(void);
bool dp_loaded(void);
/* why the program is not loaded ("" while it is) */
const char *dp_error(void);
/* liveness deadline, CLOCK_MONOTONIC_COARSE ns (bpf/liveness.h) */
void dp_set_live_until(uint64_t until_ns);
uint32_t dp_tbl8_groups(void);
/* the mmapped IPv4 FIB arrays, for the FIB builder */
void dp_fib4_memory(struct xdpfwd_fib4_block **tbl24,
		    struct xdpfwd_fib4_block **tbl8, uint32_t *groups);
/* the mmapped fib6_dir, fib6_keys, fib6_vals (NULL: not loaded) */
void dp_fib6_memory(uint32_t **dir, uint64_t **keys, uint32_t **vals,
		    uint32_t *nslots);
/* the bpf_link fd (kept by the caller for a synchronous detach) or -errno
 * with the reason in errbuf
 */
int dp_attach(int ifindex, const char *ifname, bool generic, char *errbuf,
	      size_t errlen);
int dp_detach(int link_fd, const char *ifname);

/* ---- packet trace (trace.c) ---- */
/* the ring buffer and the .bss budget/filter, bound by load.c */
int dp_trace_bind(int ring_fd, int32_t *budget, uint32_t *ifindex);
void dp_trace_unbind(void);
/* @count records (0: off) of frames from @ifindex (0: any) */
void dp_trace_arm(int32_t count, uint32_t ifindex);
/* readable when records wait; -1 when not loaded */
int dp_trace_fd(void);
typedef void (*dp_trace_cb)(const struct xdpfwd_trace_rec *rec, void *arg);
/* every waiting record to @cb; the number consumed or -errno */
int dp_trace_consume(dp_trace_cb cb, void *arg);

/* ---- conntrack mode (ct.c) ---- */
/* the report ring buffer and the .bss timeouts, bound by load.c */
int dp_ct_bind(int ring_fd, uint32_t *timeout_ms);
void dp_ct_unbind(void);
/* what the datapath refreshes established entries to (0: no refresh) */
void dp_ct_set_timeouts(uint32_t tcp_ms, uint32_t udp_ms);
/* readable when reports wait; -1 when not loaded */
int dp_ct_fd(void);
typedef void (*dp_ct_cb)(const struct xdpfwd_ct_report *r, void *arg);
/* every waiting report to @cb; the number consumed or -errno */
int dp_ct_consume(dp_ct_cb cb, void *arg);

/* ---- typed map access (maps.c) ---- */
enum dp_map {
	DP_MAP_NHGS = 0,
	DP_MAP_ADJS,
	DP_MAP_NEIGH4,
	DP_MAP_NEIGH6,
	DP_MAP_IFACES,
	DP_MAP_TX_PORTS,
	DP_MAP_FDB,
	DP_MAP_LOCAL4,
	DP_MAP__MAX,
};

/* the fds, set by load.c once the program is loaded (all -1: unloaded) */
struct dp_map_fds {
	int fd[DP_MAP__MAX];
	int counters, if_counters;
};
void dp_maps_bind(const struct dp_map_fds *fds);

const char *dp_map_name(enum dp_map m);
uint64_t dp_map_errors(enum dp_map m);


int dp_nhg_write(uint32_t id, const struct xdpfwd_nhg *v);
int dp_nhg_read(uint32_t id, struct xdpfwd_nhg *v);
int dp_adj_write(uint32_t id, const struct xdpfwd_adj *v);
int dp_adj_read(uint32_t id, struct xdpfwd_adj *v);

/* neighbour maps, by family (AF_INET: 4 bytes of addr) */
int dp_neigh_write(int family, int ifindex, const void *addr,
		   const struct xdpfwd_neigh *v);
int dp_neigh_delete(int family, int ifindex, const void *addr);
int dp_neigh_read(int family, int ifindex, const void *addr,
		  struct xdpfwd_neigh *v);

int dp_iface_write(int ifindex, const struct xdpfwd_iface *v);
int dp_tx_port_set(int ifindex, bool present);

/* the router's own IPv4 address @addr (network order) as a martian source */
int dp_local4_set(uint32_t addr, bool present);

int dp_fdb_write(const struct xdpfwd_fdb_key *k, const struct xdpfwd_fdb *v);
int dp_fdb_delete(const struct xdpfwd_fdb_key *k);
int dp_fdb_read(const struct xdpfwd_fdb_key *k, struct xdpfwd_fdb *v);

/* per-CPU counters, summed */
int dp_counters(uint32_t reason, struct xdpfwd_counter *sum);
int dp_if_counters(int ifindex, struct xdpfwd_if_counters *sum);
/* the per-interface counters as JSON members of @o (rxFwdPackets, ...) */
struct json_object;
void dp_if_counters_json(struct json_object *o,
			 const struct xdpfwd_if_counters *c);

#endif /* XDPFWD_DP_H */
