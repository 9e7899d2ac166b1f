// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd rtnetlink listener (libmnl), see xdpfwd_netlink.h.
 *
 * Two sockets: "mon" is subscribed to the notification groups and
 * non-blocking; "req" sends dump requests and reads the answers
 * synchronously, so a dump never consumes or reorders notifications.
 *
 * Lost notifications (ENOBUFS, or a datagram truncated by our buffer) can
 * hide any change, so the only recovery is a full dump.  Before dumping,
 * what is still queued on "mon" is discarded: it is older than the dump,
 * and replaying it after the dump could resurrect an object whose deletion
 * was among the lost messages.  Everything queued after that point is
 * newer than the start of the dump and is applied afterwards in order.
 *
 * Links are cached (ifindex -> struct xnl_link) because the kernel reports
 * an interface in two families: AF_UNSPEC (everything, and on current
 * kernels the bridge port state in IFLA_INFO_SLAVE_DATA) and AF_BRIDGE
 * (bridge ports: IFLA_PROTINFO; this is the only notification of STP state
 * changes and of "bridge link set").  An AF_BRIDGE RTM_DELLINK means "no
 * longer a bridge port", not that the device is gone.
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <net/if.h>
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h, which clashes with net/if.h */
#endif

#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

/*
 * Larger than anything the kernel sends in one datagram: dumps fill at most
 * 32 KiB skbs, a notification is one message.
 */
#define XNL_BUF_SIZE (64 * 1024)
/* datagrams handled per xnl_read() call, to keep the event loop responsive */
#define XNL_READ_BUDGET 1024
/* datagrams discarded at most before a dump (a full 16 MiB queue is less) */
#define XNL_DRAIN_MAX (64 * 1024)
/* attempts at a dump part that keeps being interrupted (NLM_F_DUMP_INTR) */
#define XNL_DUMP_TRIES 8
/* a dump answer taking longer than this means the request socket is broken */
#define XNL_REQ_TIMEOUT_SEC 5
#define XNL_LINK_HASH 256

#define XNL_NUD_USABLE                                                         \
	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |   \
	 NUD_NOARP)

/* BR_STATE_* values are reported as is; only their presence matters here */
struct brport {
	bool valid;
	uint8_t state;
	bool hairpin;
};

struct link_ent {
	struct link_ent *next;
	struct xnl_link l;
	bool stale;
};

struct xnl {
	struct xnl_callbacks cb;
	void *arg;
	struct mnl_socket *mon;
	struct mnl_socket *rmon; /* routes, filtered in the kernel */
	struct mnl_socket *req;
	uint32_t req_seq;
	bool need_resync;
	/* inside xnl_read/xnl_dump/xnl_feed: callbacks may not reenter */
	bool busy;
	struct xnl_stats st;
	struct link_ent *links[XNL_LINK_HASH];
	char *mbuf;	/* notifications */
	char *dbuf;	/* dump answers */
};

/* ---------------------------------------------------------------------- */
/* attributes */

/*
 * Like mnl_attr_parse(), but an attribute that does not fit makes the whole
 * message malformed instead of silently ending the walk.  The last
 * occurrence of a type wins; types above max are ignored.
 */
static int parse_attrs(const void *start, size_t len, const struct nlattr **tb,
		       unsigned int max)
{
	const struct nlattr *a;
	long rest;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	for (a = start;; a = mnl_attr_next(a)) {
		unsigned int type;

		rest = (const char *)start + len - (const char *)a;
		if (!mnl_attr_ok(a, rest > INT32_MAX ? INT32_MAX : (int)rest))
			break;
		type = mnl_attr_get_type(a);
		if (type <= max)
			tb[type] = a;
	}
	/* the final attribute's padding may run past len, garbage may not */
	return rest > 0 ? -EINVAL : 0;
}

/* attributes after a family header of hdrlen bytes */
static int msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
		     const struct nlattr **tb, unsigned int max)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t off = MNL_ALIGN(hdrlen);

	if (plen < hdrlen)
		return -EINVAL;
	if (plen < off)
		off = plen;
	return parse_attrs((const char *)mnl_nlmsg_get_payload(nlh) + off,
			   plen - off, tb, max);
}

static int nested_attrs(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	return parse_attrs(mnl_attr_get_payload(nest),
			   mnl_attr_get_payload_len(nest), tb, max);
}

static int attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u8(a);
	return 0;
}

static int attr_u16(const struct nlattr *a, uint16_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u16(a);
	return 0;
}

static int attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u32(a);
	return 0;
}

/* NUL-terminated string; longer than the destination is cut (kinds) */
static int attr_str(const struct nlattr *a, char *dst, size_t size)
{
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return -EINVAL;
	strncpy(dst, mnl_attr_get_str(a), size - 1);
	dst[size - 1] = '\0';
	return 0;
}

/* a network address of exactly the family's size */
static int attr_inaddr(const struct nlattr *a, int family, uint8_t *dst)
{
	size_t want = family == AF_INET ? 4 : 16;

	if (mnl_attr_validate2(a, MNL_TYPE_BINARY, want) < 0)
		return -EINVAL;
	memcpy(dst, mnl_attr_get_payload(a), want);
	return 0;
}

/* Ethernet address: other lengths (tunnels, loopback-less links) are no MAC */
static bool attr_mac(const struct nlattr *a, uint8_t *dst)
{
	if (!a || mnl_attr_get_payload_len(a) != 6)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), 6);
	return true;
}

/* ---------------------------------------------------------------------- */
/* link cache */

static struct link_ent **link_slot(struct xnl *x, int ifindex)
{
	struct link_ent **pp = &x->links[(unsigned int)ifindex % XNL_LINK_HASH];

	while (*pp && (*pp)->l.ifindex != ifindex)
		pp = &(*pp)->next;
	return pp;
}

static struct link_ent *link_get(struct xnl *x, int ifindex)
{
	return *link_slot(x, ifindex);
}

static struct link_ent *link_put(struct xnl *x, const struct xnl_link *l)
{
	struct link_ent **pp = link_slot(x, l->ifindex);

	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			return NULL;
	}
	(*pp)->l = *l;
	(*pp)->stale = false;
	return *pp;
}

static void link_remove(struct xnl *x, int ifindex)
{
	struct link_ent **pp = link_slot(x, ifindex);
	struct link_ent *e = *pp;

	if (e) {
		*pp = e->next;
		free(e);
	}
}

/* mark (stale = true), or drop what a dump did not refresh (stale = false) */
static void links_mark_or_purge(struct xnl *x, bool mark)
{
	for (int i = 0; i < XNL_LINK_HASH; i++) {
		struct link_ent **pp = &x->links[i];

		while (*pp) {
			struct link_ent *e = *pp;

			if (mark) {
				e->stale = true;
			} else if (e->stale) {
				*pp = e->next;
				free(e);
				continue;
			}
			pp = &e->next;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* message handlers: 0, or -EINVAL for a malformed message (counted) */

static int parse_brport(const struct nlattr *nest, struct brport *p)
{
	const struct nlattr *tb[IFLA_BRPORT_MAX + 1];
	int err;

	/* very old kernels sent IFLA_PROTINFO as a bare u8 state */
	if (mnl_attr_get_payload_len(nest) == 1) {
		p->state = mnl_attr_get_u8(nest);
		p->valid = true;
		return 0;
	}
	err = nested_attrs(nest, tb, IFLA_BRPORT_MAX);
	if (err)
		return err;
	if (tb[IFLA_BRPORT_STATE]) {
		err = attr_u8(tb[IFLA_BRPORT_STATE], &p->state);
		if (err)
			return err;
		p->valid = true;
	}
	if (tb[IFLA_BRPORT_MODE]) {
		uint8_t mode;

		err = attr_u8(tb[IFLA_BRPORT_MODE], &mode);
		if (err)
			return err;
		p->hairpin = mode != 0;
	}
	return 0;
}

/* IFLA_LINKINFO: kind, and bridge port data when enslaved to a bridge */
static int parse_linkinfo(const struct nlattr *nest, struct xnl_link *l,
			  struct brport *p)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1];
	char slave_kind[16] = {};
	int err;

	err = nested_attrs(nest, tb, IFLA_INFO_MAX);
	if (err)
		return err;
	if (tb[IFLA_INFO_KIND]) {
		err = attr_str(tb[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
		if (err)
			return err;
	}
	if (tb[IFLA_INFO_SLAVE_KIND]) {
		err = attr_str(tb[IFLA_INFO_SLAVE_KIND], slave_kind,
			       sizeof(slave_kind));
		if (err)
			return err;
	}
	if (strcmp(slave_kind, "bridge") || !tb[IFLA_INFO_SLAVE_DATA])
		return 0;
	err = parse_brport(tb[IFLA_INFO_SLAVE_DATA], p);
	if (err)
		return err;
	/* a bridge port without a state attribute is still a port */
	p->valid = true;
	return 0;
}

static void link_clear_port(struct xnl_link *l)
{
	l->is_bridge_port = false;
	l->bridge_port_state = 0;
	l->hairpin = false;
}

static void deliver_link(struct xnl *x, const struct xnl_link *l, bool deleted)
{
	if (x->cb.link)
		x->cb.link(x->arg, l, deleted);
}

static int handle_link(struct xnl *x, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	bool deleted = nlh->nlmsg_type == RTM_DELLINK;
	struct xnl_link l = {};
	struct brport port = {};
	struct link_ent *e;
	int msg_master;
	uint32_t v;
	int err;

	err = msg_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX);
	if (err)
		return err;
	if (ifi->ifi_family != AF_UNSPEC && ifi->ifi_family != AF_BRIDGE)
		return 0;
	if (ifi->ifi_index <= 0)
		return -EINVAL;

	l.ifindex = ifi->ifi_index;
	l.admin_up = ifi->ifi_flags & IFF_UP;
	/*
	 * Carrier (IFF_LOWER_UP), not IFF_RUNNING: RUNNING follows the
	 * operstate that linkwatch sets later, and a dump taken in between
	 * reports a working link as down with no later notification seen
	 * here (seen on 6.18 with a veth brought up just before the dump).
	 */
	l.oper_up = l.admin_up && (ifi->ifi_flags & IFF_LOWER_UP);
	if (tb[IFLA_IFNAME]) {
		err = attr_str(tb[IFLA_IFNAME], l.name, sizeof(l.name));
		if (err)
			return err;
		/* IFNAMSIZ includes the NUL: a longer name is not the kernel */
		if (mnl_attr_get_payload_len(tb[IFLA_IFNAME]) > sizeof(l.name))
			return -EINVAL;
	}
	if (tb[IFLA_MTU]) {
		err = attr_u32(tb[IFLA_MTU], &l.mtu);
		if (err)
			return err;
	}
	if (tb[IFLA_MASTER]) {
		err = attr_u32(tb[IFLA_MASTER], &v);
		if (err)
			return err;
		l.master = (int)v;
	}
	l.has_mac = attr_mac(tb[IFLA_ADDRESS], l.mac);

	e = link_get(x, l.ifindex);

	if (ifi->ifi_family == AF_UNSPEC) {
		if (tb[IFLA_LINKINFO]) {
			err = parse_linkinfo(tb[IFLA_LINKINFO], &l, &port);
			if (err)
				return err;
		}
		if (deleted) {
			if (e) {
				l.is_bridge_port = e->l.is_bridge_port;
				l.bridge_port_state = e->l.bridge_port_state;
				l.hairpin = e->l.hairpin;
			}
			link_remove(x, l.ifindex);
			deliver_link(x, &l, true);
			return 0;
		}
		if (port.valid) {
			l.is_bridge_port = true;
			l.bridge_port_state = port.state;
			l.hairpin = port.hairpin;
		} else if (e && e->l.is_bridge_port && l.master &&
			   l.master == e->l.master) {
			/* no slave data (old kernel): keep AF_BRIDGE's */
			l.is_bridge_port = true;
			l.bridge_port_state = e->l.bridge_port_state;
			l.hairpin = e->l.hairpin;
		}
		e = link_put(x, &l);
		if (!e)
			return -ENOMEM;
		deliver_link(x, &e->l, false);
		return 0;
	}

	/* AF_BRIDGE: the port view, merged into the full link */
	if (deleted) {
		/* the device left its bridge; it is not deleted */
		if (!e || !e->l.is_bridge_port)
			return 0;
		link_clear_port(&e->l);
		e->stale = false;
		deliver_link(x, &e->l, false);
		return 0;
	}
	if (tb[IFLA_PROTINFO]) {
		err = parse_brport(tb[IFLA_PROTINFO], &port);
		if (err)
			return err;
	}
	msg_master = l.master;
	if (e) {
		struct xnl_link m = e->l;

		if (tb[IFLA_IFNAME])
			memcpy(m.name, l.name, sizeof(m.name));
		if (tb[IFLA_MTU])
			m.mtu = l.mtu;
		if (l.has_mac) {
			memcpy(m.mac, l.mac, sizeof(m.mac));
			m.has_mac = true;
		}
		m.admin_up = l.admin_up;
		m.oper_up = l.oper_up;
		l = m;
	}
	/*
	 * Only a port's message carries IFLA_PROTINFO; the bridge's own one
	 * names itself as IFLA_MASTER, which must not be taken as a master.
	 */
	if (tb[IFLA_PROTINFO]) {
		l.master = msg_master;
		l.is_bridge_port = true;
		l.bridge_port_state = port.state;
		l.hairpin = port.hairpin;
	} else if (!e) {
		l.master = 0;
	}
	e = link_put(x, &l);
	if (!e)
		return -ENOMEM;
	deliver_link(x, &e->l, false);
	return 0;
}

static int handle_addr(struct xnl *x, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *aa;
	struct xnl_addr a = {};
	int err;

	err = msg_attrs(nlh, sizeof(*ifa), tb, IFA_MAX);
	if (err)
		return err;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	if ((ifa->ifa_family == AF_INET && ifa->ifa_prefixlen > 32) ||
	    ifa->ifa_prefixlen > 128 || !ifa->ifa_index)
		return -EINVAL;

	a.ifindex = (int)ifa->ifa_index;
	a.family = ifa->ifa_family;
	a.prefixlen = ifa->ifa_prefixlen;
	a.scope = ifa->ifa_scope;
	a.flags = ifa->ifa_flags;
	/* with a peer (point-to-point) IFA_ADDRESS is the peer's address */
	aa = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!aa)
		return -EINVAL;
	err = attr_inaddr(aa, a.family, a.addr);
	if (err)
		return err;
	if (tb[IFA_BROADCAST] && a.family == AF_INET) {
		err = attr_inaddr(tb[IFA_BROADCAST], AF_INET, a.broadcast);
		if (err)
			return err;
		a.has_broadcast = true;
	}
	if (tb[IFA_FLAGS]) {
		err = attr_u32(tb[IFA_FLAGS], &a.flags);
		if (err)
			return err;
	}
	if (x->cb.addr)
		x->cb.addr(x->arg, &a, nlh->nlmsg_type == RTM_DELADDR);
	return 0;
}

static int handle_fdb(struct xnl *x, const struct nlmsghdr *nlh,
		      const struct nlattr **tb)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct xnl_fdb f = {};
	uint32_t master = 0;
	int err;

	if (!tb[NDA_LLADDR] || !attr_mac(tb[NDA_LLADDR], f.mac))
		return -EINVAL;
	if (tb[NDA_MASTER]) {
		err = attr_u32(tb[NDA_MASTER], &master);
		if (err)
			return err;
	}
	if (tb[NDA_VLAN]) {
		err = attr_u16(tb[NDA_VLAN], &f.vlan);
		if (err)
			return err;
	}
	f.ifindex = ndm->ndm_ifindex;
	f.master = (int)master;
	f.state = ndm->ndm_state;
	f.flags = ndm->ndm_flags;
	if (x->cb.fdb)
		x->cb.fdb(x->arg, &f, nlh->nlmsg_type == RTM_DELNEIGH);
	return 0;
}

static int handle_neigh(struct xnl *x, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct xnl_neigh n = {};
	int err;

	err = msg_attrs(nlh, sizeof(*ndm), tb, NDA_MAX);
	if (err)
		return err;
	if (ndm->ndm_ifindex <= 0)
		return -EINVAL;
	if (ndm->ndm_family == AF_BRIDGE)
		return handle_fdb(x, nlh, tb);
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return 0;
	/* proxy entries are answers we give, not neighbours we can reach */
	if (ndm->ndm_flags & NTF_PROXY)
		return 0;

	n.ifindex = ndm->ndm_ifindex;
	n.family = ndm->ndm_family;
	n.state = ndm->ndm_state;
	n.flags = ndm->ndm_flags;
	if (!tb[NDA_DST])
		return -EINVAL;
	err = attr_inaddr(tb[NDA_DST], n.family, n.addr);
	if (err)
		return err;
	n.has_mac = attr_mac(tb[NDA_LLADDR], n.mac);
	n.usable = n.has_mac && (n.state & XNL_NUD_USABLE);
	if (x->cb.neigh)
		x->cb.neigh(x->arg, &n, nlh->nlmsg_type == RTM_DELNEIGH);
	return 0;
}

static int handle_netconf(struct xnl *x, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[NETCONFA_MAX + 1];
	const struct netconfmsg *ncm = mnl_nlmsg_get_payload(nlh);
	struct xnl_netconf nc = {};
	int err;

	err = msg_attrs(nlh, sizeof(*ncm), tb, NETCONFA_MAX);
	if (err)
		return err;
	if (ncm->ncm_family != AF_INET && ncm->ncm_family != AF_INET6)
		return 0;
	if (!tb[NETCONFA_IFINDEX] ||
	    mnl_attr_get_payload_len(tb[NETCONFA_IFINDEX]) != sizeof(int32_t))
		return -EINVAL;
	nc.family = ncm->ncm_family;
	nc.ifindex = (int32_t)mnl_attr_get_u32(tb[NETCONFA_IFINDEX]);
	if (tb[NETCONFA_FORWARDING] &&
	    mnl_attr_get_payload_len(tb[NETCONFA_FORWARDING]) == sizeof(int32_t)) {
		nc.has_forwarding = true;
		nc.forwarding = (int32_t)mnl_attr_get_u32(tb[NETCONFA_FORWARDING]);
	}
	if (tb[NETCONFA_RP_FILTER] &&
	    mnl_attr_get_payload_len(tb[NETCONFA_RP_FILTER]) == sizeof(int32_t)) {
		nc.has_rp_filter = true;
		nc.rp_filter = (int32_t)mnl_attr_get_u32(tb[NETCONFA_RP_FILTER]);
	}
	if (x->cb.netconf)
		x->cb.netconf(x->arg, &nc, nlh->nlmsg_type == RTM_DELNETCONF);
	return 0;
}

/* FNV-1a: a rule's identity from its bytes (no FRR hash here) */
static uint32_t fnv1a(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static int handle_rule(struct xnl *x, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct xnl_rule r = {};
	int err;

	err = msg_attrs(nlh, sizeof(*frh), tb, FRA_MAX);
	if (err)
		return err;
	if (frh->family != AF_INET && frh->family != AF_INET6)
		return 0;
	r.family = frh->family;
	r.action = frh->action;
	r.table = frh->table;
	if (tb[FRA_TABLE] && mnl_attr_get_payload_len(tb[FRA_TABLE]) == 4)
		r.table = mnl_attr_get_u32(tb[FRA_TABLE]);
	if (tb[FRA_PRIORITY] && mnl_attr_get_payload_len(tb[FRA_PRIORITY]) == 4)
		r.priority = mnl_attr_get_u32(tb[FRA_PRIORITY]);
	r.selectors = frh->dst_len || frh->src_len || frh->tos ||
		      (frh->flags & FIB_RULE_INVERT) || tb[FRA_IIFNAME] ||
		      tb[FRA_OIFNAME] || tb[FRA_TUN_ID] || tb[FRA_L3MDEV] ||
		      tb[FRA_UID_RANGE] || tb[FRA_IP_PROTO] ||
		      tb[FRA_SPORT_RANGE] || tb[FRA_DPORT_RANGE] ||
		      tb[FRA_SUPPRESS_IFGROUP] || tb[FRA_FLOW] ||
		      (tb[FRA_FWMARK] && mnl_attr_get_payload_len(tb[FRA_FWMARK]) == 4 &&
		       mnl_attr_get_u32(tb[FRA_FWMARK])) ||
		      (tb[FRA_SUPPRESS_PREFIXLEN] &&
		       mnl_attr_get_payload_len(tb[FRA_SUPPRESS_PREFIXLEN]) == 4 &&
		       mnl_attr_get_u32(tb[FRA_SUPPRESS_PREFIXLEN]) != UINT32_MAX);
	r.sig = fnv1a(mnl_nlmsg_get_payload(nlh),
		      mnl_nlmsg_get_payload_len(nlh));
	if (x->cb.rule)
		x->cb.rule(x->arg, &r, nlh->nlmsg_type == RTM_DELRULE);
	return 0;
}

/* the route types zebra's routes have: not reported */
static bool zebra_route_type(uint8_t type)
{
	return type == RTN_UNICAST || type == RTN_BLACKHOLE ||
	       type == RTN_UNREACHABLE || type == RTN_PROHIBIT;
}

static int handle_route(struct xnl *x, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct xnl_route r = {};
	uint32_t table;
	int err;

	err = msg_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
	if (err)
		return err;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return 0;
	table = rtm->rtm_table;
	if (tb[RTA_TABLE] && mnl_attr_get_payload_len(tb[RTA_TABLE]) == 4)
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	/* what the socket filter let through, checked in full here */
	if (table == RT_TABLE_LOCAL)
		r.local_table = true;
	else if (table != RT_TABLE_MAIN || zebra_route_type(rtm->rtm_type) ||
		 rtm->rtm_src_len)
		return 0;
	r.kernel_made = rtm->rtm_protocol == RTPROT_KERNEL;
	if (tb[RTA_OIF] && mnl_attr_get_payload_len(tb[RTA_OIF]) == 4)
		r.ifindex = mnl_attr_get_u32(tb[RTA_OIF]);
	if (rtm->rtm_dst_len > (rtm->rtm_family == AF_INET ? 32 : 128))
		return -EINVAL;
	r.family = rtm->rtm_family;
	r.prefixlen = rtm->rtm_dst_len;
	r.type = rtm->rtm_type;
	if (tb[RTA_DST]) {
		err = attr_inaddr(tb[RTA_DST], r.family, r.addr);
		if (err)
			return err;
	}
	if (x->cb.route)
		x->cb.route(x->arg, &r, nlh->nlmsg_type == RTM_DELROUTE);
	return 0;
}

static void dispatch(struct xnl *x, const struct nlmsghdr *nlh)
{
	int err;

	x->st.msgs++;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		err = handle_link(x, nlh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		err = handle_addr(x, nlh);
		break;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		err = handle_neigh(x, nlh);
		break;
	case RTM_NEWNETCONF:
	case RTM_DELNETCONF:
		err = handle_netconf(x, nlh);
		break;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		err = handle_rule(x, nlh);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		err = handle_route(x, nlh);
		break;
	default:
		err = 0;
		break;
	}
	if (err)
		x->st.errors++;
}

/* one notification datagram; returns the errors it added */
static int notify_buf(struct xnl *x, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	uint64_t before = x->st.errors;
	int rest = (int)len;

	while (mnl_nlmsg_ok(nlh, rest)) {
		/* control messages (DONE, ERROR, ...) are not notifications */
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			dispatch(x, nlh);
		nlh = mnl_nlmsg_next(nlh, &rest);
	}
	if (rest > 0)
		x->st.errors++;
	return (int)(x->st.errors - before);
}

int xnl_feed(struct xnl *x, const void *buf, size_t len)
{
	int ret;

	if (len > INT32_MAX)
		return -EMSGSIZE;
	if (x->busy)
		return -EBUSY;
	x->busy = true;
	ret = notify_buf(x, buf, len);
	x->busy = false;
	return ret;
}

/* ---------------------------------------------------------------------- */
/* sockets */

/*
 * One datagram.  -EMSGSIZE when it did not fit (it is gone), -EPERM when
 * it was not sent by the kernel: only CAP_NET_ADMIN can multicast on
 * rtnetlink, but anyone may unicast to our port id.
 */
static ssize_t nl_recv(struct mnl_socket *nl, void *buf, size_t len, int flags)
{
	struct sockaddr_nl sa = {};
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(mnl_socket_get_fd(nl), &msg, flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (sa.nl_pid != 0)
		return -EPERM;
	return n;
}

static int req_open(struct xnl *x)
{
	struct timeval tv = { .tv_sec = XNL_REQ_TIMEOUT_SEC };
	int err;

	x->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!x->req)
		return -errno;
	if (setsockopt(mnl_socket_get_fd(x->req), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) < 0 ||
	    mnl_socket_bind(x->req, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(x->req);
		x->req = NULL;
		return err;
	}
	return 0;
}

/* after a failed dump: its unread answers must not confuse the next one */
static void req_reset(struct xnl *x)
{
	if (x->req)
		mnl_socket_close(x->req);
	x->req = NULL;
	req_open(x);	/* retried by the next dump if this fails */
}

void xnl_set_rcvbuf(struct xnl *x, int bytes)
{
	int fd = mnl_socket_get_fd(x->mon);

	/* FORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) <
	    0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

/*
 * The route notification socket: a classic BPF filter in the kernel
 * keeps only the local table (small: addresses) and the main table's
 * routes of the types zebra does not use, so that a BGP full table
 * loading through zebra never reaches (or overruns) it.  Route
 * notifications carry one message per datagram: the rtmsg is at a fixed
 * offset.
 */
static int rmon_open(struct xnl *x)
{
	const uint32_t rtm = NLMSG_HDRLEN;
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
			 rtm + offsetof(struct rtmsg, rtm_table)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RT_TABLE_LOCAL, 6, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RT_TABLE_MAIN, 0, 6),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
			 rtm + offsetof(struct rtmsg, rtm_type)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RTN_UNICAST, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RTN_BLACKHOLE, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RTN_UNREACHABLE, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RTN_PROHIBIT, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]),
		.filter = code,
	};

	x->rmon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!x->rmon)
		return -errno;
	if (setsockopt(mnl_socket_get_fd(x->rmon), SOL_SOCKET, SO_ATTACH_FILTER,
		       &prog, sizeof(prog)) < 0 ||
	    mnl_socket_bind(x->rmon, RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
			    MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	return 0;
}

struct xnl *xnl_open(const struct xnl_callbacks *cb, void *arg, int *err)
{
	struct xnl *x;
	int ret;

	x = calloc(1, sizeof(*x));
	if (!x) {
		ret = -ENOMEM;
		goto fail;
	}
	if (cb)
		x->cb = *cb;
	x->arg = arg;
	x->mbuf = malloc(XNL_BUF_SIZE);
	x->dbuf = malloc(XNL_BUF_SIZE);
	if (!x->mbuf || !x->dbuf) {
		ret = -ENOMEM;
		goto fail;
	}
	x->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!x->mon) {
		ret = -errno;
		goto fail;
	}
	xnl_set_rcvbuf(x, XNL_DEFAULT_RCVBUF);
	/*
	 * All eight groups are below 32, so the legacy bitmask works (the
	 * netconf and IPv6 rule groups have no RTMGRP_ name).  The bridge sends AF_BRIDGE
	 * port (RTM_NEWLINK) and FDB (RTM_NEWNEIGH) notifications to the
	 * same link and neighbour groups.
	 */
	if (mnl_socket_bind(x->mon,
			    RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
				    RTMGRP_IPV6_IFADDR | RTMGRP_NEIGH |
				    (1u << (RTNLGRP_IPV4_NETCONF - 1)) |
				    (1u << (RTNLGRP_IPV6_NETCONF - 1)) |
				    (1u << (RTNLGRP_IPV4_RULE - 1)) |
				    (1u << (RTNLGRP_IPV6_RULE - 1)),
			    MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = rmon_open(x);
	if (ret)
		goto fail;
	ret = req_open(x);
	if (ret)
		goto fail;
	return x;

fail:
	if (err)
		*err = ret;
	xnl_close(x);
	return NULL;
}

bool xnl_resync_pending(const struct xnl *x)
{
	return x->need_resync;
}

int xnl_fd(const struct xnl *x)
{
	return mnl_socket_get_fd(x->mon);
}

int xnl_route_fd(const struct xnl *x)
{
	return mnl_socket_get_fd(x->rmon);
}

const struct xnl_stats *xnl_stats(const struct xnl *x)
{
	return &x->st;
}

void xnl_close(struct xnl *x)
{
	if (!x)
		return;
	for (int i = 0; i < XNL_LINK_HASH; i++) {
		while (x->links[i]) {
			struct link_ent *e = x->links[i];

			x->links[i] = e->next;
			free(e);
		}
	}
	if (x->mon)
		mnl_socket_close(x->mon);
	if (x->rmon)
		mnl_socket_close(x->rmon);
	if (x->req)
		mnl_socket_close(x->req);
	free(x->mbuf);
	free(x->dbuf);
	free(x);
}

/* ---------------------------------------------------------------------- */
/* dumps */

static int dump_once(struct xnl *x, uint16_t type, uint8_t family,
		     uint8_t rtype, bool *intr)
{
	char req[256] __attribute__((aligned(8))) = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	uint32_t seq = ++x->req_seq;
	uint32_t portid = mnl_socket_get_portid(x->req);
	int err;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	switch (type) {
	case RTM_GETLINK: {
		struct ifinfomsg *ifi;

		ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

		ifi->ifi_family = family;
		/* statistics are most of a link message and useless here */
		if (family == AF_UNSPEC)
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK,
					 RTEXT_FILTER_SKIP_STATS);
		break;
	}
	case RTM_GETADDR: {
		struct ifaddrmsg *ifa;

		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = family;
		break;
	}
	case RTM_GETNETCONF: {
		struct netconfmsg *ncm;

		ncm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ncm));
		ncm->ncm_family = family;
		break;
	}
	case RTM_GETRULE: {
		struct fib_rule_hdr *frh;

		frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
		frh->family = family;
		break;
	}
	case RTM_GETROUTE: {
		/* strict dump filtered by the kernel: the main table, one
		 * route type (rtm_type) at a time, never zebra's full table
		 */
		struct rtmsg *rtm;

		rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = family;
		/* rtype 0: the whole local table (small: addresses) */
		rtm->rtm_table = rtype ? RT_TABLE_MAIN : RT_TABLE_LOCAL;
		rtm->rtm_type = rtype;
		mnl_attr_put_u32(nlh, RTA_TABLE, rtm->rtm_table);
		break;
	}
	default: {
		/* exactly an ndmsg: the FDB dump guesses the header by size */
		struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh,
							       sizeof(*ndm));

		ndm->ndm_family = family;
		break;
	}
	}

	if (type == RTM_GETROUTE) {
		/* the kernel filters a route dump only when asked strictly */
		int on = 1;

		if (setsockopt(mnl_socket_get_fd(x->req), SOL_NETLINK,
			       NETLINK_GET_STRICT_CHK, &on, sizeof(on)) < 0)
			return -errno;
	}
	err = mnl_socket_sendto(x->req, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
	if (type == RTM_GETROUTE) {
		int off = 0;

		setsockopt(mnl_socket_get_fd(x->req), SOL_NETLINK,
			   NETLINK_GET_STRICT_CHK, &off, sizeof(off));
	}
	if (err)
		return err;

	for (;;) {
		ssize_t n = nl_recv(x->req, x->dbuf, XNL_BUF_SIZE, 0);
		const struct nlmsghdr *m = (const void *)x->dbuf;
		int rest;

		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return -ETIMEDOUT;
		if (n == -EPERM) {
			x->st.errors++;
			continue;
		}
		if (n < 0)
			return (int)n;
		rest = (int)n;
		for (; mnl_nlmsg_ok(m, rest); m = mnl_nlmsg_next(m, &rest)) {
			/* answers to an earlier, abandoned request */
			if (m->nlmsg_seq != seq ||
			    !mnl_nlmsg_portid_ok(m, portid))
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (m->nlmsg_type == NLMSG_DONE) {
				/* a dump that failed midway says so here */
				int e = 0;

				if (mnl_nlmsg_get_payload_len(m) >= sizeof(e))
					memcpy(&e, mnl_nlmsg_get_payload(m),
					       sizeof(e));
				return e < 0 ? e : 0;
			}
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *ne =
					mnl_nlmsg_get_payload(m);

				if (mnl_nlmsg_get_payload_len(m) < sizeof(*ne))
					return -EBADMSG;
				return ne->error > 0 ? -ne->error : ne->error;
			}
			if (m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			dispatch(x, m);
		}
		if (rest > 0)
			x->st.errors++;
	}
}

/*
 * An interrupted dump may have skipped an object that did not change (hash
 * walks by position), and resync_end would then drop it: repeat it.
 */
static int dump_part(struct xnl *x, uint16_t type, uint8_t family,
		     uint8_t rtype)
{
	for (int i = 0; i < XNL_DUMP_TRIES; i++) {
		bool intr = false;
		int err;

		if (!x->req) {
			err = req_open(x);
			if (err)
				return err;
		}
		err = dump_once(x, type, family, rtype, &intr);
		if (err) {
			req_reset(x);
			return err;
		}
		if (!intr)
			return 0;
	}
	return -EBUSY;
}

/* queued notifications are older than the dump about to start */
static void drain_sock(struct xnl *x, struct mnl_socket *sock)
{
	for (int i = 0; sock && i < XNL_DRAIN_MAX; i++) {
		ssize_t n = recv(mnl_socket_get_fd(sock), x->mbuf,
				 XNL_BUF_SIZE, MSG_DONTWAIT);

		if (n < 0 && errno != EINTR && errno != ENOBUFS)
			break;
	}
}

static void drain_mon(struct xnl *x)
{
	drain_sock(x, x->mon);
	drain_sock(x, x->rmon);
}

static int do_dump(struct xnl *x)
{
	static const struct {
		uint16_t type;
		uint8_t family;
		bool optional;	/* absent without bridge or IPv6 support */
	} parts[] = {
		/* links first: the AF_BRIDGE view is merged into them */
		{ RTM_GETLINK, AF_UNSPEC, false },
		{ RTM_GETLINK, AF_BRIDGE, true },
		{ RTM_GETADDR, AF_INET, false },
		{ RTM_GETADDR, AF_INET6, true },
		{ RTM_GETNEIGH, AF_INET, false },
		{ RTM_GETNEIGH, AF_INET6, true },
		{ RTM_GETNEIGH, AF_BRIDGE, true },
		{ RTM_GETNETCONF, AF_INET, false },
		{ RTM_GETNETCONF, AF_INET6, true },
		{ RTM_GETRULE, AF_INET, false },
		{ RTM_GETRULE, AF_INET6, true },
	};
	/* the main table's routes of the types zebra does not use */
	static const uint8_t rtypes[] = { RTN_THROW, RTN_LOCAL, RTN_BROADCAST,
					  RTN_ANYCAST, RTN_MULTICAST, RTN_NAT,
					  0 /* the local table */ };
	int err = 0;

	drain_mon(x);
	x->need_resync = true;	/* until this one completes */
	if (x->cb.resync_begin)
		x->cb.resync_begin(x->arg);
	links_mark_or_purge(x, true);

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		err = dump_part(x, parts[i].type, parts[i].family, 0);
		if (err && parts[i].optional &&
		    (err == -EOPNOTSUPP || err == -EAFNOSUPPORT))
			err = 0;
		if (err)
			break;
	}
	for (size_t i = 0; !err && i < 2 * sizeof(rtypes); i++) {
		uint8_t family = i % 2 ? AF_INET6 : AF_INET;

		err = dump_part(x, RTM_GETROUTE, family, rtypes[i / 2]);
		if (err && family == AF_INET6 &&
		    (err == -EOPNOTSUPP || err == -EAFNOSUPPORT))
			err = 0;
	}
	if (err) {
		x->st.errors++;
		return err;
	}

	links_mark_or_purge(x, false);
	x->need_resync = false;
	x->st.resyncs++;
	if (x->cb.resync_end)
		x->cb.resync_end(x->arg);
	return 0;
}

int xnl_dump(struct xnl *x)
{
	int err;

	if (x->busy)
		return -EBUSY;
	x->busy = true;
	err = do_dump(x);
	x->busy = false;
	return err;
}

/*
 * Read what @sock holds, a bounded number of datagrams; an overrun resyncs
 * (once per xnl_read() call, so that a storm cannot hold the event loop:
 * xnl_resync_pending() tells).  *ret as xnl_read() returns it.
 */
static int read_sock(struct xnl *x, struct mnl_socket *sock, int *ret)
{
	for (int i = 0; i < XNL_READ_BUDGET; i++) {
		ssize_t n = nl_recv(sock, x->mbuf, XNL_BUF_SIZE, MSG_DONTWAIT);
		int err;

		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		if (n == -EPERM) {
			x->st.errors++;
			continue;
		}
		if (n == -ENOBUFS || n == -EMSGSIZE) {
			x->st.overruns++;
			if (*ret == 1) {
				x->need_resync = true;
				break;
			}
			err = do_dump(x);
			if (err)
				return err;
			*ret = 1;
			continue;
		}
		if (n < 0) {
			x->st.errors++;
			return (int)n;
		}
		notify_buf(x, x->mbuf, (size_t)n);
	}
	return 0;
}

int xnl_read(struct xnl *x)
{
	int ret = 0;
	int err;

	if (x->busy)
		return -EBUSY;
	x->busy = true;
	if (x->need_resync) {
		err = do_dump(x);
		if (err) {
			ret = err;
			goto out;
		}
		ret = 1;
	}
	err = read_sock(x, x->mon, &ret);
	if (!err)
		err = read_sock(x, x->rmon, &ret);
	if (err)
		ret = err;
out:
	x->busy = false;
	return ret;
}
