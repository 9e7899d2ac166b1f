// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: internal interfaces of the zebra module.
 *
 * Threading: the dplane provider (xdpfwd_provider.c) runs on zebra's dplane
 * pthread and only copies contexts into work items.  Everything else here,
 * including every map write, runs on zebra's main pthread.
 */
#ifndef XDPFWD_H
#define XDPFWD_H

#include "lib/prefix.h"
#include "lib/typesafe.h"
#include "lib/memory.h"
#include "xdpfwd_maps.h"

struct vty;
struct json_object;
struct thread_master;

DECLARE_MGROUP(XDPFWD);

/* ---- debug flags (debug xdpfwd ...) ---- */
extern unsigned long xdpfwd_debug;
#define XDPFWD_DEBUG_EVENTS 0x01
#define XDPFWD_DEBUG_ROUTES 0x02
#define XDPFWD_DEBUG_NEIGH 0x04
#define XDPFWD_DEBUG_DPLANE 0x08
#define IS_XDPFWD_DEBUG(flag) (xdpfwd_debug & XDPFWD_DEBUG_##flag)

/* ---- module (xdpfwd_module.c) ---- */
struct xdpfwd_config {
	uint32_t tbl8_groups;	/* IPv4 tbl8 groups (routes longer than /24) */
	uint32_t fib6_routes;	/* IPv6 FIB capacity */
	uint32_t neigh_max;	/* per family */
	char frr_conf[256];	/* integrated config (see xdpfwd_vty.c) */
};
extern struct xdpfwd_config xdpfwd_cfg;
extern struct thread_master *xdpfwd_master;

/* ---- BPF object, maps and links (xdpfwd_bpf.c) ---- */
struct xdpfwd_bpf;

struct xdpfwd_dp {
	struct xdpfwd_bpf *skel;
	struct xdpfwd_fib4_block *tbl24; /* mmapped fib4_tbl24 */
	struct xdpfwd_fib4_block *tbl8;	 /* mmapped fib4_tbl8 */
	size_t tbl24_len, tbl8_len;
	uint32_t tbl8_groups;
	int fd_fib6, fd_nhgs, fd_adjs, fd_neigh4, fd_neigh6, fd_ifaces;
	int fd_tx_ports, fd_counters, fd_if_counters, prog_fd;
	int fd_fdb;
	char pin_dir[256];
	bool loaded;
	char error[256]; /* why loading failed, for show xdpfwd */
};
extern struct xdpfwd_dp xdpfwd_dp;

int xdpfwd_bpf_load(void);
void xdpfwd_bpf_unload(void);
int xdpfwd_bpf_attach(int ifindex, const char *ifname, bool generic,
		      char *errbuf, size_t errlen);
int xdpfwd_bpf_detach(int link_fd, const char *ifname);
int xdpfwd_bpf_set_iface(int ifindex, const struct xdpfwd_iface *val);
int xdpfwd_bpf_set_tx_port(int ifindex, bool present);
int xdpfwd_bpf_counters(uint32_t reason, struct xdpfwd_counter *sum);
int xdpfwd_bpf_if_counters(int ifindex, struct xdpfwd_if_counters *sum);

/* ---- links, addresses, neighbours (xdpfwd_links.c) ---- */
struct xdpfwd_link {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	uint32_t mtu;
	bool oper_up;
	bool present; /* seen in the kernel */
	/* configuration (interface X / xdpfwd) */
	bool enabled;
	bool generic;
	bool attached;
	int link_fd; /* bpf_link of the attachment, when attached */
	/* bridges (xdpfwd_bridge.c) */
	bool is_bridge;	    /* kind "bridge" */
	int bridge;	    /* bridge port: ifindex of its bridge, else 0 */
	uint8_t port_state; /* BR_STATE_* of a bridge port */
	bool hairpin;	    /* bridge port in hairpin mode */
};

int xdpfwd_links_start(void);
void xdpfwd_links_stop(void);
struct xdpfwd_link *xdpfwd_link_get(int ifindex);
struct xdpfwd_link *xdpfwd_link_by_name(const char *name);
bool xdpfwd_link_forwarding(int ifindex); /* attached and can take redirects */
void xdpfwd_link_resync(int ifindex); /* rewrite its interface map entries */
void xdpfwd_links_foreach(void (*fn)(struct xdpfwd_link *l, void *arg),
			  void *arg);
/* neighbours on @bridge (0: any) whose MAC is @mac (NULL: any) take the
 * port the FDB has for it now
 */
void xdpfwd_neigh_bridge_update(int bridge, const uint8_t *mac);
int xdpfwd_link_enable(const char *ifname, bool generic, char *errbuf,
		       size_t errlen);
int xdpfwd_link_disable(const char *ifname);
bool xdpfwd_if_configured(const char *ifname, bool *generic);
const uint8_t *xdpfwd_neigh_mac(int ifindex, int family, const void *addr);
void xdpfwd_links_show(struct vty *vty, struct json_object *json);
void xdpfwd_neigh_show(struct vty *vty, struct json_object *json);
uint32_t xdpfwd_neigh_count(void);
uint64_t xdpfwd_netlink_resyncs(void);

/* ---- nexthop groups and adjacencies (xdpfwd_nexthop.c) ---- */
struct xdpfwd_nh {
	int ifindex;
	int family;	/* AF_INET / AF_INET6 gateway; AF_UNSPEC: connected */
	uint8_t gw[16];
	uint32_t weight;
};

int xdpfwd_nexthop_init(void);
void xdpfwd_nexthop_fini(void);
/* Acquire a group for these nexthops; returns the id (> 0) or -errno. */
int xdpfwd_nhg_get(const struct xdpfwd_nh *nhs, unsigned int count);
void xdpfwd_nhg_put(uint16_t id);
bool xdpfwd_nhg_offloadable(uint16_t id);
void xdpfwd_adj_neigh_update(int ifindex, int family, const void *addr,
			     const uint8_t *mac);
void xdpfwd_adj_link_update(int ifindex);
void xdpfwd_nexthop_show(struct vty *vty, struct json_object *json);
void xdpfwd_nhg_describe(uint16_t id, struct vty *vty, struct json_object *json);
uint32_t xdpfwd_nhg_count(void);
uint32_t xdpfwd_adj_count(void);

/* ---- routes (xdpfwd_routes.c) ---- */
enum xdpfwd_route_src {
	XDPFWD_SRC_ZEBRA = 0, /* selected route from zebra's dplane */
	XDPFWD_SRC_CONNECTED, /* subnet of an interface address */
	XDPFWD_SRC_LOCAL,     /* the router's own / broadcast address */
	XDPFWD_SRC__MAX,
};

enum xdpfwd_route_kind {
	XDPFWD_KIND_FORWARD = 0,
	XDPFWD_KIND_BLACKHOLE,
	XDPFWD_KIND_UNREACHABLE,
	XDPFWD_KIND_UNSUPPORTED, /* left to the kernel, not offloaded */
};

/* A route as copied out of a dplane context (or derived from an address). */
struct xdpfwd_route_update {
	bool is_delete;
	struct prefix prefix;
	enum xdpfwd_route_src src;
	enum xdpfwd_route_kind kind;
	uint32_t seq;	  /* zebra's dplane sequence of the route entry */
	vrf_id_t vrf_id;
	uint32_t table_id;
	uint8_t afi, safi;
	unsigned int nh_count;
	struct xdpfwd_nh nh[]; /* nh_count entries */
};

int xdpfwd_routes_init(void);
void xdpfwd_routes_fini(void);
int xdpfwd_route_apply(const struct xdpfwd_route_update *u);
void xdpfwd_routes_show(struct vty *vty, const struct prefix *match,
			struct json_object *json);
void xdpfwd_routes_refresh_offload(void);
uint32_t xdpfwd_route_count(int family);
uint64_t xdpfwd_route_failures(void);

/* ---- bridge fast path (xdpfwd_bridge.c) ---- */
struct xnl_fdb;
void xdpfwd_bridge_init(void);
void xdpfwd_bridge_fini(void);
void xdpfwd_bridge_vty_init(void);
/* from the rtnetlink listener (xdpfwd_links.c) */
void xdpfwd_bridge_fdb(const struct xnl_fdb *f, bool deleted);
void xdpfwd_bridge_resync_begin(void);
void xdpfwd_bridge_resync_end(void);
void xdpfwd_bridge_link_update(const struct xdpfwd_link *l, bool deleted);
/* ifaces value and tx_ports membership of a bridge port */
void xdpfwd_bridge_iface(const struct xdpfwd_link *l, struct xdpfwd_iface *v,
			 bool *tx);
/* where the FDB of @bridge has @mac: a port ifindex, 0 if unknown/local */
int xdpfwd_bridge_port_of(int bridge, const uint8_t *mac);
/* an adjacency out of a bridge leaves through the port of its MAC */
void xdpfwd_bridge_adj_fixup(struct xdpfwd_adj *v);
bool xdpfwd_bridge_offloadable(int ifindex);

/* ---- dplane provider (xdpfwd_provider.c) ---- */
int xdpfwd_provider_register(void);
uint64_t xdpfwd_provider_queued(void);
void xdpfwd_provider_show(struct vty *vty, struct json_object *json);

/* ---- CLI (xdpfwd_vty.c) ---- */
void xdpfwd_vty_init(void);
int xdpfwd_vty_not_running(struct vty *vty, struct json_object *json);

#endif /* XDPFWD_H */
