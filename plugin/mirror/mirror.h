// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the kernel mirror.
 *
 * What rtnetlink says about links, addresses, neighbours and bridge FDB
 * entries, stored as the kernel has it, and answered to lookups.  The
 * mirror derives no map entry and calls nothing above it: the dispatcher
 * (dispatch.c) feeds it and then tells the writers what changed, using
 * the change reports that the update functions return.
 *
 * zebra does not hand kernel-learned neighbours, link MACs or FDB entries
 * to dataplane providers, hence this mirror of our own.  Main pthread.
 */
#ifndef XDPFWD_MIRROR_H
#define XDPFWD_MIRROR_H

#include <stdbool.h>
#include <stdint.h>

#include "plugin/lib/fwhooks.h"
#include "plugin/lib/netlink.h"
#include "plugin/lib/vlanhw.h"

/* ---- links ---- */
struct xdpfwd_link {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	uint32_t mtu;
	bool oper_up;	    /* IFF_UP and carrier (IFF_LOWER_UP) */
	bool is_bridge;	    /* kind "bridge" */
	int bridge;	    /* bridge port: ifindex of its bridge, else 0 */
	uint8_t port_state; /* BR_STATE_* of a bridge port */
	bool hairpin;	    /* bridge port in hairpin mode */
	/* enslaved to a master that is not a bridge (a VRF, a bond): its
	 * traffic is not the default VRF's routing
	 */
	int other_master;
	/* IPv6 MTU (net.ipv6.conf.IF.mtu), 0 while unknown: read from
	 * /proc/sys, which sends no notification of its changes
	 */
	uint32_t mtu6;
	/* can a VLAN tag held as metadata arrive here (enum xvlan_verdict,
	 * plugin/lib/vlanhw.h)?  Read by the dispatcher for configured
	 * links; anything but XVLAN_NONE (0) passes, and a new link starts
	 * unread (XVLAN_UNKNOWN)
	 */
	uint8_t vlan_hw;
};

void mirror_init(void);
void mirror_fini(void);

const struct xdpfwd_link *mirror_link(int ifindex);
const struct xdpfwd_link *mirror_link_by_name(const char *name);
/* iteration in hash order: NULL gives the first, the last gives NULL */
const struct xdpfwd_link *mirror_link_next(const struct xdpfwd_link *prev);
/* @deleted: the link is gone (and so are its entries in the mirror) */
void mirror_link_update(const struct xnl_link *nl, bool deleted);
/* true when it changed */
bool mirror_link_set_mtu6(int ifindex, uint32_t mtu6);
bool mirror_link_set_vlan_hw(int ifindex, uint8_t verdict);

/* ---- addresses ---- */
/* false when nothing changed (a duplicate) */
bool mirror_addr_update(const struct xnl_addr *a, bool deleted);
const struct xnl_addr *mirror_addr_next(const struct xnl_addr *prev);

/* ---- neighbours (IPv4 ARP, IPv6 ND) ---- */
struct mirror_neigh {
	int ifindex;
	int family;	 /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order; 4 bytes used for AF_INET */
	uint8_t mac[6];
	/* NUD_PERMANENT or NUD_NOARP: the kernel never re-verifies it, and
	 * NTF_USE would take NUD_PERMANENT away (__neigh_update() with
	 * NEIGH_UPDATE_F_USE clears it), so it is never reported as used
	 */
	bool fixed;
};

/* true when the neighbour's MAC changed, appeared or went */
bool mirror_neigh_update(const struct xnl_neigh *n, bool deleted);
/* the MAC of a usable neighbour, or NULL */
const uint8_t *mirror_neigh_mac(int ifindex, int family, const void *addr);
/* a usable neighbour that the kernel never re-verifies (mirror_neigh) */
bool mirror_neigh_fixed(int ifindex, int family, const void *addr);
uint32_t mirror_neigh_count(void);
const struct mirror_neigh *mirror_neigh_next(const struct mirror_neigh *prev);

/* ---- bridge FDB ---- */
#define MIRROR_FDB_ENTRY 0x1 /* the VLAN 0 entry (bridge, mac) was reported */
#define MIRROR_FDB_PORT 0x2  /* mirror_fdb_port(bridge, mac) changed */
#define MIRROR_FDB_VLAN 0x4  /* the bridge started or stopped filtering VLANs */
/* returns MIRROR_FDB_* */
unsigned int mirror_fdb_update(const struct xnl_fdb *f, bool deleted);

struct mirror_fdb {
	int bridge;
	uint8_t mac[6];
	int port;	/* ifindex of the entry (the bridge for local ones) */
	uint32_t flags; /* XDPFWD_FDB_F_* */
};
/* the VLAN 0 entry of (bridge, mac): 0, or -ENOENT */
int mirror_fdb_get(int bridge, const uint8_t *mac, struct mirror_fdb *out);
/* where the FDB of @bridge has @mac: a port ifindex, 0 if unknown/local */
int mirror_fdb_port(int bridge, const uint8_t *mac);
/* iteration over the VLAN 0 entries: NULL gives the first; the entry is
 * copied into *buf, which is what is returned
 */
const struct mirror_fdb *mirror_fdb_next(const struct mirror_fdb *prev,
					 struct mirror_fdb *buf);
bool mirror_bridge_vlan_aware(int bridge);
uint32_t mirror_bridge_fdb_count(int bridge);

/* ---- IP settings per device (netconf) ---- */
/* true when a setting changed */
bool mirror_netconf_update(const struct xnl_netconf *nc, bool deleted);
/* IPv4 forwarding of a device: 0 / 1, -1 unknown */
int mirror_ipv4_forwarding(int ifindex);
/* the rp_filter the kernel applies on a device (max of all and it), -1
 * unknown
 */
int mirror_ipv4_rp_filter(int ifindex);
/* IPv6 forwarding of "all", the one ip6_forward() reads; -1 unknown */
int mirror_ipv6_forwarding(void);
void mirror_netconf_drop_stale(void);

/* ---- policy routing rules ---- */
/* true when the count of non-default rules of the family changed */
bool mirror_rule_update(const struct xnl_rule *r, bool deleted);
/* rules of the family other than the kernel's defaults */
uint32_t mirror_policy_rules(int family);
bool mirror_rules_drop_stale(void);

/* ---- the kernel's routes zebra does not import: main-table throw,
 * local, ... and the whole local table ----
 */
/* true when the prefix appeared or went (a local-table prefix: its first
 * route came or its last went)
 */
bool mirror_kroute_update(const struct xnl_route *r, bool deleted);
/* an IPv4 local route was added through netlink since the start: the
 * kernel validates every IPv4 source in full from then on, for good
 */
bool mirror_ipv4_custom_local(void);
/* prefixes of the local table */
uint32_t mirror_local_prefixes(void);
unsigned int mirror_stale_kroutes(struct xnl_route **out);

/* ---- firewall, NAT, IPsec, traffic control (fw.c) ---- */
#define XDPFWD_FW_QDISCS_MAX 256
/*
 * What the scans of plugin/lib/fwhooks.h last found.  Each setter returns
 * true when what it stores changed.  A device's facts are by ifindex for
 * qdiscs and by name for nftables chains (nftables keeps names).
 */
struct mirror_fw_state {
	struct xnft_facts nft;
	struct xxt_facts xt;
	struct xxfrm_facts xfrm;
	int brnf[2];		/* xbrnf_calls() for IPv4, IPv6 */
	unsigned int nqdiscs;	/* non-default qdiscs, all devices */
	unsigned int stored;	/* of which in qdiscs[] */
	struct xqdisc qdiscs[XDPFWD_FW_QDISCS_MAX];
};
bool mirror_fw_set_nft(const struct xnft_facts *f);
bool mirror_fw_set_xt(const struct xxt_facts *f);
bool mirror_fw_set_xfrm(const struct xxfrm_facts *f);
bool mirror_fw_set_brnf(int v4, int v6);
/* @n qdiscs exist, the first @stored of them are in @q */
bool mirror_fw_set_qdiscs(const struct xqdisc *q, unsigned int n,
			  unsigned int stored);
/* nftables base chains or x_tables rules for the family's routed traffic */
bool mirror_fw_filters(int family);
/* xfrm policies for the family (or a blocking default policy) */
bool mirror_fw_xfrm(int family);
/* bridged frames meet bridge-family chains, or br_netfilter with rules */
bool mirror_fw_bridge(void);
/* XFW_HOOK_* of nftables netdev chains on the device (by name), of
 * qdiscs on it (by ifindex)
 */
uint8_t mirror_fw_dev_nft(const char *ifname);
uint8_t mirror_fw_dev_tc(int ifindex);
/* for show: what was found */
const struct mirror_fw_state *mirror_fw_state(void);

/* ---- resync (start, and after an ENOBUFS overrun) ---- */
/* everything is stale until the dump refreshes it */
void mirror_resync_begin(void);
/*
 * What the dump did not refresh, as deletions to dispatch (arrays of the
 * given type, *out allocated with MTYPE_TMP, freed by the caller); the
 * mirror still holds these entries until they are dispatched as deleted.
 */
unsigned int mirror_stale_neighs(struct xnl_neigh **out);
unsigned int mirror_stale_addrs(struct xnl_addr **out);
unsigned int mirror_stale_links(struct xnl_link **out);
unsigned int mirror_stale_fdbs(struct xnl_fdb **out);

#endif /* XDPFWD_MIRROR_H */
