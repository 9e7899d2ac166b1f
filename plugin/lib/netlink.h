/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpfwd rtnetlink listener (libmnl): links, addresses, neighbours and
 * bridge FDB entries.
 *
 * zebra does not hand kernel-learned neighbours, link MACs or bridge FDB
 * entries to dataplane plugins, so xdpfwd keeps its own subscription.  This
 * library does not depend on FRR: the plugin registers xnl_fd() with
 * zebra's event loop and calls xnl_read() when it is readable.
 *
 * Model: notifications are idempotent "this is the current state" updates.
 * xnl_dump() delivers every object again between resync_begin and
 * resync_end; a consumer marks its state stale at resync_begin, refreshes
 * what is delivered, and drops what is still stale at resync_end.  The
 * same happens on its own when notifications were lost (ENOBUFS).
 * Duplicates are normal (e.g. an object changed while it was dumped).
 *
 * Not thread safe: one thread calls everything.  Callbacks must not call
 * xnl_dump(), xnl_read() or xnl_close() (xnl_dump() returns -EBUSY then).
 */
#ifndef XDPFWD_NETLINK_H
#define XDPFWD_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* default notification socket receive buffer (SO_RCVBUFFORCE if allowed) */
#define XNL_DEFAULT_RCVBUF (8 * 1024 * 1024)

/*
 * A link, always complete: the library merges the generic (AF_UNSPEC) and
 * the bridge (AF_BRIDGE) views of an interface, so a bridge port state
 * change is delivered with the link's MAC, MTU, kind etc.
 */
struct xnl_link {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	bool has_mac;		/* IFLA_ADDRESS of exactly 6 bytes */
	uint32_t mtu;
	bool admin_up;		/* IFF_UP */
	bool oper_up;		/* IFF_UP and carrier (IFF_LOWER_UP) */
	int master;		/* IFLA_MASTER or 0 */
	char kind[16];		/* IFLA_INFO_KIND: "veth", "bridge"... or "" */
	/*
	 * Bridge port: from IFLA_INFO_SLAVE_DATA of the generic link message
	 * or IFLA_PROTINFO of the AF_BRIDGE one (BR_STATE_*, 3 = forwarding).
	 */
	uint8_t bridge_port_state;
	bool is_bridge_port;
	bool hairpin;		/* IFLA_BRPORT_MODE */
};

struct xnl_addr {
	int ifindex;
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* IFA_LOCAL, else IFA_ADDRESS; network order */
	uint8_t prefixlen;
	bool has_broadcast;	/* IPv4 only */
	uint8_t broadcast[4];
	/* additions: */
	uint32_t flags;		/* IFA_F_* (IFA_FLAGS when present) */
	uint8_t scope;		/* RT_SCOPE_* */
};

struct xnl_neigh {
	int ifindex;
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; 4 bytes used for AF_INET */
	uint8_t mac[6];
	bool has_mac;		/* NDA_LLADDR of exactly 6 bytes */
	uint16_t state;		/* NUD_* */
	uint8_t flags;		/* NTF_* (proxy entries are never delivered) */
	/* has_mac and state in REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP */
	bool usable;
};

/*
 * A bridge FDB entry (AF_BRIDGE neighbour).  Entries owned by a bridge
 * have master != 0; entries with master == 0 are a device's own address
 * list or a driver's table (flags has NTF_SELF), consumers that only want
 * the bridge's table skip them.  state: NUD_PERMANENT for local
 * addresses, NUD_NOARP for static entries, NUD_REACHABLE/STALE for
 * learned ones.
 */
struct xnl_fdb {
	int ifindex;		/* bridge port (the bridge itself for local) */
	int master;		/* bridge ifindex (NDA_MASTER) or 0 */
	uint8_t mac[6];
	uint16_t vlan;		/* NDA_VLAN or 0 */
	uint16_t state;		/* NUD_* */
	uint8_t flags;		/* NTF_* */
};

/*
 * Per-device IP settings (RTM_NEWNETCONF): the whole set in a dump or at a
 * device's registration, only the changed one in a later notification.
 * ifindex NETCONFA_IFINDEX_ALL (-1) is the "all" set, NETCONFA_IFINDEX_
 * DEFAULT (-2) the one new devices copy.
 */
struct xnl_netconf {
	int family;		/* AF_INET or AF_INET6 */
	int ifindex;
	bool has_forwarding;
	int forwarding;
	bool has_rp_filter;	/* IPv4 only */
	int rp_filter;
};

/*
 * A policy routing rule (RTM_NEWRULE).  @selectors: it matches on more
 * than its priority (addresses, TOS, interfaces, marks, UIDs, ports,
 * protocol, tunnel id, an l3mdev, inversion, suppression).  @sig
 * identifies the rule: the same rule is reported with the same bytes.
 */
struct xnl_rule {
	int family;		/* AF_INET or AF_INET6 */
	uint32_t priority;
	uint32_t table;
	uint8_t action;		/* FR_ACT_* */
	bool selectors;
	uint32_t sig;
};

/*
 * A route of the main table that zebra does not import and the fast path
 * must not cover with another: a type other than unicast, blackhole,
 * unreachable or prohibit (throw, local, broadcast, anycast, multicast,
 * nat); or a route of the local table that the kernel did not make for
 * an address.  Only those reach the consumer: a socket filter in the
 * kernel keeps zebra's own routes (a full table) off this socket.
 */
struct xnl_route {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order */
	uint8_t prefixlen;
	uint8_t type;		/* RTN_* */
	int ifindex;		/* RTA_OIF, 0 without one */
	/* a route of the local table (255): what the kernel considers its
	 * own (addresses, broadcast, anycast, subnets on lo, AnyIP)
	 */
	bool local_table;
	/* made by the kernel for an address (RTPROT_KERNEL), not added
	 * through netlink (AnyIP, `ip route add local ...`)
	 */
	bool kernel_made;
};

struct xnl_callbacks {
	void (*link)(void *arg, const struct xnl_link *l, bool deleted);
	void (*addr)(void *arg, const struct xnl_addr *a, bool deleted);
	/* AF_INET / AF_INET6 */
	void (*neigh)(void *arg, const struct xnl_neigh *n, bool deleted);
	/* AF_BRIDGE */
	void (*fdb)(void *arg, const struct xnl_fdb *f, bool deleted);
	/* deleted: the device (and its settings) went */
	void (*netconf)(void *arg, const struct xnl_netconf *nc, bool deleted);
	void (*rule)(void *arg, const struct xnl_rule *r, bool deleted);
	void (*route)(void *arg, const struct xnl_route *r, bool deleted);
	/* a full dump follows: the consumer marks its state stale */
	void (*resync_begin)(void *arg);
	/*
	 * dump complete: the consumer drops what was not refreshed.  Only
	 * called when the whole dump succeeded; after a failed dump nothing
	 * may be dropped and a new resync is pending.
	 */
	void (*resync_end)(void *arg);
};	/* any callback may be NULL */

struct xnl_stats {
	uint64_t msgs;		/* rtnetlink messages handled, dumps included */
	uint64_t resyncs;	/* completed full dumps (explicit or overrun) */
	uint64_t errors;	/* malformed or unexpected messages, failures */
	uint64_t overruns;	/* notifications lost (ENOBUFS, truncation) */
};

struct xnl;

/*
 * Subscribe to links, IPv4/IPv6 addresses and neighbours (the bridge's
 * port state and FDB notifications travel in the link and neighbour
 * groups).  The notification socket is non-blocking; dumps use a second,
 * blocking socket with a receive timeout.
 * The caller should call xnl_dump() next for the initial state.
 * NULL with *err = -errno on failure (err may be NULL).
 */
struct xnl *xnl_open(const struct xnl_callbacks *cb, void *arg, int *err);

/* the notification sockets, to poll for POLLIN (either calls for
 * xnl_read())
 */
int xnl_fd(const struct xnl *x);
int xnl_route_fd(const struct xnl *x);

/*
 * Full synchronous dump of links (AF_UNSPEC, then AF_BRIDGE for port
 * state), addresses, neighbours (IPv4, IPv6) and bridge FDB, bracketed by
 * resync_begin/resync_end.  Notifications queued before the dump are
 * discarded (the dump supersedes them); those arriving during it stay
 * queued for the next xnl_read().  Dumps interrupted by concurrent
 * changes (NLM_F_DUMP_INTR) are repeated.
 * 0 or -errno (-EBUSY when called from a callback).
 */
int xnl_dump(struct xnl *x);

/*
 * Process pending notifications without blocking on the socket.  Handles
 * at most a bounded number of datagrams and one resync per call so that
 * the event loop is not starved; the fd stays readable when more
 * notifications are pending.
 * Returns 1 when a full resync was done (notifications had been lost, or a
 * resync failed earlier and was retried), 0 otherwise, -errno when the
 * socket failed or a needed resync failed.
 */
int xnl_read(struct xnl *x);

/*
 * A resync is still owed (a dump failed, or notifications were lost again
 * after this call's resync): the caller should call xnl_read() again soon
 * (e.g. from a short timer) even if the fd is not readable.
 */
bool xnl_resync_pending(const struct xnl *x);

/* notification socket receive buffer; tests shrink it to force overruns */
void xnl_set_rcvbuf(struct xnl *x, int bytes);

void xnl_close(struct xnl *x);

const struct xnl_stats *xnl_stats(const struct xnl *x);

/*
 * Process buf (len bytes of netlink messages) exactly as a received
 * notification datagram.  For tests (malformed input) and replay.
 * Returns how many errors it counted (malformed messages, one more for
 * trailing bytes that are not a whole message), or -EBUSY from a callback.
 */
int xnl_feed(struct xnl *x, const void *buf, size_t len);

#endif /* XDPFWD_NETLINK_H */
