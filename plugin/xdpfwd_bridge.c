// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the learning-bridge fast path.
 *
 * The kernel bridge stays the bridge: it learns, ages, floods, runs STP and
 * owns the FDB.  xdpfwd mirrors that FDB (rtnetlink AF_BRIDGE neighbours
 * owned by a bridge, VLAN 0) into the fdb map, and writes the bridge-port
 * fields of the ifaces map (bridge, STP forwarding, hairpin, the bridge's
 * MAC as the router MAC) so that the XDP program on an enabled port sends
 * known unicast straight to the learned port (bpf/bridge.h).
 *
 * Routing into a bridge leaves through the port the destination's MAC is
 * learned on: the egress of a gateway adjacency on a bridge becomes that
 * port (xdpfwd_bridge_adj_fixup), and a neighbour on a bridge carries it in
 * its map value (xdpfwd_neigh_bridge_update), both rewritten when the FDB
 * entry moves or goes.
 *
 * The kernel does not see the frames XDP forwards, so it would age out the
 * entries of hosts that only talk through XDP.  The datapath marks the
 * source's entry (seen_ns); a timer tells the kernel those entries are in
 * use (RTM_NEWNEIGH with NTF_USE, as `bridge fdb replace ... use`), which
 * refreshes them as if the kernel had seen the frames.
 *
 * Everything here runs on zebra's main pthread.
 */
#include "config.h"
#include <zebra.h>

#include <time.h>
#include <bpf/bpf.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "lib/command.h"
#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/privs.h"
#include "lib/thread.h"
#include "lib/vty.h"

#include "xdpfwd.h"
#include "xdpfwd_netlink.h"

#include "plugin/xdpfwd_bridge_clippy.c"

extern struct zebra_privs_t zserv_privs;

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_FDB, "xdpfwd FDB entry");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_BRIDGE, "xdpfwd bridge");

/* how often entries used in XDP are refreshed in the kernel's FDB */
#define FDB_REFRESH_MSEC 5000

/* ---- the FDB, by (bridge, VLAN, MAC) ---- */
PREDECL_HASH(fdbs);
struct fdb_item {
	struct fdbs_item hitem;
	int bridge;
	uint16_t vlan; /* != 0: VLAN-aware bridge, never in the map */
	uint8_t mac[6];
	int port;	/* ifindex of the entry (the bridge for local ones) */
	uint16_t state; /* NUD_* */
	uint8_t ntf;	/* NTF_* */
	uint32_t flags; /* XDPFWD_FDB_F_* */
	bool in_map;
	bool stale;
	uint64_t refreshed_ns; /* seen_ns last reported to the kernel */
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
	uint32_t entries;      /* in the FDB table, VLAN 0 */
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
static bool initialised, in_resync;
static struct mnl_socket *nl_refresh;
static struct thread *t_refresh;
static struct {
	uint64_t map_failures; /* FDB map updates refused (full map) */
	uint64_t refreshes;    /* NTF_USE sent */
	uint64_t refresh_errors;
} stats;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *mac2str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
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

static bool bridge_vlan_aware(int ifindex)
{
	struct br_item *b = br_get(ifindex, false);

	return b && b->vlan_entries;
}

static struct fdb_item *fdb_find(int bridge, uint16_t vlan, const uint8_t *mac)
{
	struct fdb_item key = { .bridge = bridge, .vlan = vlan };

	memcpy(key.mac, mac, sizeof(key.mac));
	return fdbs_find(&fdbs_head, &key);
}

int xdpfwd_bridge_port_of(int bridge, const uint8_t *mac)
{
	struct fdb_item *f;

	if (!initialised || !bridge)
		return 0;
	f = fdb_find(bridge, 0, mac);
	if (!f || (f->flags & XDPFWD_FDB_F_LOCAL))
		return 0;
	return f->port;
}

/* ---- map writes ---- */

static void fdb_map_write(struct fdb_item *f)
{
	struct xdpfwd_fdb_key k = { .bridge_ifindex = f->bridge };
	struct xdpfwd_fdb v = { .port_ifindex = f->port, .flags = f->flags };

	if (!xdpfwd_dp.loaded || f->vlan)
		return;
	memcpy(k.mac, f->mac, sizeof(k.mac));
	if (bpf_map_update_elem(xdpfwd_dp.fd_fdb, &k, &v, BPF_ANY) < 0) {
		char mac[32];

		/* a full map: frames to this MAC stay on the kernel path */
		stats.map_failures++;
		f->in_map = false;
		flog_err(EC_LIB_SYSTEM_CALL,
			 "xdpfwd: FDB map update (bridge %d, %s): %s",
			 f->bridge, mac2str(f->mac, mac, sizeof(mac)),
			 strerror(errno));
		return;
	}
	f->in_map = true;
	f->refreshed_ns = 0;
}

static void fdb_map_delete(struct fdb_item *f)
{
	struct xdpfwd_fdb_key k = { .bridge_ifindex = f->bridge };

	if (!xdpfwd_dp.loaded || !f->in_map)
		return;
	memcpy(k.mac, f->mac, sizeof(k.mac));
	if (bpf_map_delete_elem(xdpfwd_dp.fd_fdb, &k) < 0 && errno != ENOENT)
		flog_err(EC_LIB_SYSTEM_CALL,
			 "xdpfwd: FDB map delete (bridge %d): %s", f->bridge,
			 strerror(errno));
	f->in_map = false;
}

/* Ports of @bridge rewrite their interface entries (the bridge's MAC or
 * state changed, or it started or stopped filtering VLANs).
 */
static void resync_port(struct xdpfwd_link *l, void *arg)
{
	if (l->bridge == *(int *)arg)
		xdpfwd_link_resync(l->ifindex);
}

static void bridge_resync_ports(int bridge)
{
	xdpfwd_links_foreach(resync_port, &bridge);
}

static void fdb_remove(struct fdb_item *f)
{
	struct br_item *b = br_get(f->bridge, false);
	int bridge = f->bridge;
	uint8_t mac[6];
	bool was_port = !f->vlan && !(f->flags & XDPFWD_FDB_F_LOCAL);

	memcpy(mac, f->mac, sizeof(mac));
	fdb_map_delete(f);
	if (b) {
		if (f->vlan && b->vlan_entries && !--b->vlan_entries)
			bridge_resync_ports(bridge);
		else if (!f->vlan && b->entries)
			b->entries--;
	}
	fdbs_del(&fdbs_head, f);
	XFREE(MTYPE_XDPFWD_FDB, f);
	if (was_port && !in_resync)
		xdpfwd_neigh_bridge_update(bridge, mac);
}

/* ---- from the rtnetlink listener ---- */

void xdpfwd_bridge_fdb(const struct xnl_fdb *nf, bool deleted)
{
	struct fdb_item *f;
	struct br_item *b;
	uint32_t flags = 0;
	int old_port;
	char mac[32];

	/* master == 0: a device's own address list (NTF_SELF), not a
	 * bridge's table
	 */
	if (!initialised || !nf->master)
		return;
	f = fdb_find(nf->master, nf->vlan, nf->mac);
	if (IS_XDPFWD_DEBUG(NEIGH))
		zlog_debug("xdpfwd: fdb %s %s bridge %d port %d vlan %u state %#x flags %#x",
			   deleted ? "del" : "add",
			   mac2str(nf->mac, mac, sizeof(mac)), nf->master,
			   nf->ifindex, nf->vlan, nf->state, nf->flags);
	if (deleted) {
		/* gone from the kernel, whatever port it was last on */
		if (f)
			fdb_remove(f);
		return;
	}

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
			/* the first VLAN entry: this bridge filters VLANs,
			 * which the fast path does not model
			 */
			if (!b->vlan_entries++)
				bridge_resync_ports(f->bridge);
		} else
			b->entries++;
		old_port = -1;
	} else {
		old_port = f->vlan ? -1 : xdpfwd_bridge_port_of(f->bridge, f->mac);
		if (f->port == nf->ifindex && f->flags == flags &&
		    (f->in_map || f->vlan)) {
			/* a refresh or a duplicate: nothing to write */
			f->state = nf->state;
			f->ntf = nf->flags;
			f->stale = false;
			return;
		}
	}
	f->port = nf->ifindex;
	f->state = nf->state;
	f->ntf = nf->flags;
	f->flags = flags;
	f->stale = false;
	if (f->vlan)
		return;
	fdb_map_write(f);
	if (!in_resync && old_port != xdpfwd_bridge_port_of(f->bridge, f->mac))
		xdpfwd_neigh_bridge_update(f->bridge, f->mac);
}

void xdpfwd_bridge_resync_begin(void)
{
	struct fdb_item *f;

	if (!initialised)
		return;
	frr_each (fdbs, &fdbs_head, f)
		f->stale = true;
	in_resync = true;
}

void xdpfwd_bridge_resync_end(void)
{
	struct fdb_item *f;

	if (!initialised)
		return;
	frr_each_safe (fdbs, &fdbs_head, f)
		if (f->stale)
			fdb_remove(f);
	in_resync = false;
	/* the neighbours' ports, once for the whole dump */
	xdpfwd_neigh_bridge_update(0, NULL);
}

void xdpfwd_bridge_link_update(const struct xdpfwd_link *l, bool deleted)
{
	struct fdb_item *f;
	struct br_item *b;

	if (!initialised || !l->is_bridge)
		return;
	if (deleted) {
		/* the kernel deletes (and announces) the entries first; this
		 * only catches what a lost notification left behind
		 */
		frr_each_safe (fdbs, &fdbs_head, f)
			if (f->bridge == l->ifindex)
				fdb_remove(f);
		b = br_get(l->ifindex, false);
		if (b) {
			brs_del(&brs_head, b);
			XFREE(MTYPE_XDPFWD_BRIDGE, b);
		}
		return;
	}
	/* MAC, state: what its ports' entries carry */
	bridge_resync_ports(l->ifindex);
}

/* ---- what the other parts of the module ask ---- */

void xdpfwd_bridge_iface(const struct xdpfwd_link *l, struct xdpfwd_iface *v,
			 bool *tx)
{
	struct xdpfwd_link *br;

	if (!l->bridge)
		return;
	v->flags |= XDPFWD_IF_F_BRIDGE_PORT;
	v->bridge_ifindex = l->bridge;
	v->mtu = l->mtu > UINT16_MAX ? UINT16_MAX : l->mtu;
	br = xdpfwd_link_get(l->bridge);
	/* the bridge not known yet (a dump lists it after its ports) or
	 * filtering VLANs: everything stays with the kernel
	 */
	if (br && br->is_bridge) {
		memcpy(v->mac, br->mac, sizeof(v->mac));
		if (l->port_state == BR_STATE_FORWARDING && br->oper_up &&
		    initialised && !bridge_vlan_aware(br->ifindex))
			v->flags |= XDPFWD_IF_F_FORWARDING;
	}
	if (l->hairpin)
		v->flags |= XDPFWD_IF_F_HAIRPIN;
	/* the kernel bridge sends nothing through a port that does not
	 * forward, routed frames included
	 */
	if (!(v->flags & XDPFWD_IF_F_FORWARDING))
		*tx = false;
}

void xdpfwd_bridge_adj_fixup(struct xdpfwd_adj *v)
{
	struct xdpfwd_link *br = xdpfwd_link_get(v->ifindex);

	if (!br || !br->is_bridge)
		return;
	v->flags |= XDPFWD_ADJ_F_BRIDGE;
	/* the bridge itself takes no redirect: its ports do */
	if (br->oper_up && !bridge_vlan_aware(br->ifindex))
		v->flags |= XDPFWD_ADJ_F_VALID;
	else
		v->flags &= ~XDPFWD_ADJ_F_VALID;
	if (v->flags & XDPFWD_ADJ_F_CONNECTED)
		return; /* the port comes from the neighbour value */
	v->ifindex = (v->flags & XDPFWD_ADJ_F_RESOLVED)
			     ? xdpfwd_bridge_port_of(br->ifindex, v->dmac)
			     : 0;
}

struct any_port_arg {
	int bridge;
	bool found;
};

static void any_attached_port(struct xdpfwd_link *l, void *arg)
{
	struct any_port_arg *a = arg;

	if (l->bridge == a->bridge && l->attached)
		a->found = true;
}

/* Routes out of a bridge are in the fast path when one of its ports is. */
bool xdpfwd_bridge_offloadable(int ifindex)
{
	struct xdpfwd_link *br = xdpfwd_link_get(ifindex);
	struct any_port_arg a = { .bridge = ifindex };

	if (!br || !br->is_bridge || bridge_vlan_aware(ifindex))
		return false;
	xdpfwd_links_foreach(any_attached_port, &a);
	return a.found;
}

/* ---- keeping the kernel's entries of XDP-forwarded sources alive ---- */

static int refresh_open(void)
{
	int err = 0;

	frr_with_privs (&zserv_privs) {
		nl_refresh = mnl_socket_open2(NETLINK_ROUTE,
					      SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (!nl_refresh) {
			err = -errno;
			break;
		}
		if (mnl_socket_bind(nl_refresh, 0, MNL_SOCKET_AUTOPID) < 0) {
			err = -errno;
			mnl_socket_close(nl_refresh);
			nl_refresh = NULL;
		}
	}
	if (err)
		flog_err(EC_LIB_SOCKET,
			 "xdpfwd: netlink socket for FDB refreshes: %s",
			 strerror(-err));
	return err;
}

/* RTM_NEWNEIGH AF_BRIDGE, NTF_MASTER | NTF_USE: br_fdb_update() on the
 * port, as when the bridge receives a frame from @mac there
 */
static int refresh_send(const struct fdb_item *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = f->port;
	ndm->ndm_state = NUD_REACHABLE;
	ndm->ndm_flags = NTF_MASTER | NTF_USE;
	mnl_attr_put(nlh, NDA_LLADDR, sizeof(f->mac), f->mac);
	frr_with_privs (&zserv_privs) {
		ret = mnl_socket_sendto(nl_refresh, nlh, nlh->nlmsg_len);
	}
	return ret < 0 ? -errno : 0;
}

/* Errors come back without NLM_F_ACK; read them so the socket never
 * fills up.
 */
static void refresh_drain(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(nl_refresh, buf, sizeof(buf))) > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = n;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (!e->error)
				continue;
			stats.refresh_errors++;
			if (IS_XDPFWD_DEBUG(NEIGH))
				zlog_debug("xdpfwd: FDB refresh refused: %s",
					   strerror(-e->error));
		}
	}
}

static void refresh_timer(struct thread *t)
{
	struct fdb_item *f;
	struct xdpfwd_fdb v;
	char mac[32];

	thread_add_timer_msec(xdpfwd_master, refresh_timer, NULL,
			      FDB_REFRESH_MSEC, &t_refresh);
	if (!xdpfwd_dp.loaded || !nl_refresh)
		return;
	refresh_drain();
	frr_each (fdbs, &fdbs_head, f) {
		struct xdpfwd_fdb_key k = { .bridge_ifindex = f->bridge };

		/* static, local and externally learned entries never age */
		if (!f->in_map || f->flags || f->vlan)
			continue;
		memcpy(k.mac, f->mac, sizeof(k.mac));
		if (bpf_map_lookup_elem(xdpfwd_dp.fd_fdb, &k, &v) < 0 ||
		    !v.seen_ns || v.seen_ns == f->refreshed_ns ||
		    v.port_ifindex != (uint32_t)f->port)
			continue;
		if (refresh_send(f) < 0) {
			stats.refresh_errors++;
			continue;
		}
		f->refreshed_ns = v.seen_ns;
		stats.refreshes++;
		if (IS_XDPFWD_DEBUG(NEIGH))
			zlog_debug("xdpfwd: fdb %s on port %d used in XDP, refreshed",
				   mac2str(f->mac, mac, sizeof(mac)), f->port);
	}
}

/* ---- start and stop ---- */

void xdpfwd_bridge_init(void)
{
	fdbs_init(&fdbs_head);
	brs_init(&brs_head);
	initialised = true;
	if (refresh_open() == 0)
		thread_add_timer_msec(xdpfwd_master, refresh_timer, NULL,
				      FDB_REFRESH_MSEC, &t_refresh);
}

void xdpfwd_bridge_fini(void)
{
	struct fdb_item *f;
	struct br_item *b;

	if (!initialised)
		return;
	THREAD_OFF(t_refresh);
	if (nl_refresh)
		mnl_socket_close(nl_refresh);
	nl_refresh = NULL;
	frr_each_safe (fdbs, &fdbs_head, f) {
		fdbs_del(&fdbs_head, f);
		XFREE(MTYPE_XDPFWD_FDB, f);
	}
	frr_each_safe (brs, &brs_head, b) {
		brs_del(&brs_head, b);
		XFREE(MTYPE_XDPFWD_BRIDGE, b);
	}
	fdbs_fini(&fdbs_head);
	brs_fini(&brs_head);
	initialised = false;
}

/* ---- show ---- */

static const char *port_state_str(uint8_t state)
{
	switch (state) {
	case BR_STATE_DISABLED:
		return "disabled";
	case BR_STATE_LISTENING:
		return "listening";
	case BR_STATE_LEARNING:
		return "learning";
	case BR_STATE_FORWARDING:
		return "forwarding";
	case BR_STATE_BLOCKING:
		return "blocking";
	default:
		return "unknown";
	}
}

static const char *fdb_type_str(const struct fdb_item *f)
{
	if (f->flags & XDPFWD_FDB_F_LOCAL)
		return "local";
	if (f->flags & XDPFWD_FDB_F_STATIC)
		return "static";
	if (f->flags & XDPFWD_FDB_F_EXTERN)
		return "extern";
	return "learned";
}

struct show_arg {
	struct vty *vty;
	int bridge;
	json_object *ports; /* NULL: text */
};

static void show_port(struct xdpfwd_link *l, void *arg)
{
	struct show_arg *s = arg;
	struct xdpfwd_if_counters c = {};
	struct xdpfwd_iface v = { .flags = l->attached ? XDPFWD_IF_F_ENABLED
						       : 0 };
	bool fwd = l->attached && l->oper_up;
	const char *mode = !l->attached ? "-" : l->generic ? "generic"
							   : "native";

	if (l->bridge != s->bridge)
		return;
	xdpfwd_bridge_iface(l, &v, &fwd);
	if (l->attached)
		xdpfwd_bpf_if_counters(l->ifindex, &c);
	if (s->ports) {
		json_object *o = json_object_new_object();

		json_object_string_add(o, "name", l->name);
		json_object_int_add(o, "ifindex", l->ifindex);
		json_object_string_add(o, "state",
				       port_state_str(l->port_state));
		json_object_boolean_add(o, "hairpin", l->hairpin);
		json_object_boolean_add(o, "xdpfwd", l->attached);
		json_object_string_add(o, "mode", mode);
		/* bridged and routed to in XDP */
		json_object_boolean_add(o, "fastPath", fwd);
		json_object_int_add(o, "rxFwdPackets", c.rx_fwd_packets);
		json_object_int_add(o, "rxFwdBytes", c.rx_fwd_bytes);
		json_object_int_add(o, "txFwdPackets", c.tx_fwd_packets);
		json_object_int_add(o, "txFwdBytes", c.tx_fwd_bytes);
		json_object_int_add(o, "rxPassPackets", c.rx_pass_packets);
		json_object_int_add(o, "rxDropPackets", c.rx_drop_packets);
		json_object_array_add(s->ports, o);
		return;
	}
	vty_out(s->vty,
		"  %-16s %-7d %-10s %-7s %-7s %-4s %12" PRIu64 " %12" PRIu64
		" %12" PRIu64 " %10" PRIu64 "\n",
		l->name, l->ifindex, port_state_str(l->port_state),
		l->hairpin ? "on" : "off", mode, fwd ? "yes" : "no",
		c.rx_fwd_packets, c.tx_fwd_packets, c.rx_pass_packets,
		c.rx_drop_packets);
}

static void show_bridge(struct xdpfwd_link *l, void *arg)
{
	struct show_arg *s = arg, ps = *s;
	struct br_item *b;
	json_object *o = NULL;
	char mac[32];

	if (!l->is_bridge)
		return;
	b = br_get(l->ifindex, false);
	mac2str(l->mac, mac, sizeof(mac));
	ps.bridge = l->ifindex;
	if (s->ports) {
		o = json_object_new_object();
		json_object_string_add(o, "name", l->name);
		json_object_int_add(o, "ifindex", l->ifindex);
		json_object_string_add(o, "mac", mac);
		json_object_boolean_add(o, "operUp", l->oper_up);
		json_object_boolean_add(o, "vlanFiltering",
					bridge_vlan_aware(l->ifindex));
		json_object_int_add(o, "fdbEntries", b ? b->entries : 0);
		ps.ports = json_object_new_array();
	} else {
		vty_out(s->vty,
			"Bridge %s (ifindex %d), MAC %s, %s, FDB entries %u%s\n",
			l->name, l->ifindex, mac, l->oper_up ? "up" : "down",
			b ? b->entries : 0,
			bridge_vlan_aware(l->ifindex)
				? ", filters VLANs: left to the kernel"
				: "");
		vty_out(s->vty, "  %-16s %-7s %-10s %-7s %-7s %-4s %12s %12s %12s %10s\n",
			"Port", "Ifindex", "State", "Hairpin", "xdpfwd", "XDP",
			"RxFwd", "TxFwd", "RxPass", "RxDrop");
	}
	xdpfwd_links_foreach(show_port, &ps);
	if (o) {
		json_object_object_add(o, "ports", ps.ports);
		json_object_array_add(s->ports, o);
	}
}

DEFPY(show_xdpfwd_bridge, show_xdpfwd_bridge_cmd,
      "show xdpfwd bridge [json$json]",
      SHOW_STR
      "XDP fast path (xdpfwd)\n"
      "Bridges and their ports in the fast path\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;
	struct show_arg s = { .vty = vty };

	if (!xdpfwd_dp.loaded || !initialised)
		return xdpfwd_vty_not_running(vty, j);
	if (j)
		s.ports = json_object_new_array();
	xdpfwd_links_foreach(show_bridge, &s);
	if (!j) {
		vty_out(vty,
			"FDB map update failures %" PRIu64
			", entries refreshed in the kernel %" PRIu64
			" (errors %" PRIu64 ")\n",
			stats.map_failures, stats.refreshes,
			stats.refresh_errors);
		return CMD_SUCCESS;
	}
	json_object_object_add(j, "bridges", s.ports);
	json_object_int_add(j, "fdbMapFailures", stats.map_failures);
	json_object_int_add(j, "fdbRefreshes", stats.refreshes);
	json_object_int_add(j, "fdbRefreshErrors", stats.refresh_errors);
	return vty_json(vty, j);
}

DEFPY(show_xdpfwd_bridge_fdb, show_xdpfwd_bridge_fdb_cmd,
      "show xdpfwd bridge fdb [json$json]",
      SHOW_STR
      "XDP fast path (xdpfwd)\n"
      "Bridges and their ports in the fast path\n"
      "Forwarding database as the fast path has it\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;
	json_object *arr = j ? json_object_new_array() : NULL;
	uint64_t now = mono_ns();
	struct fdb_item *f;

	if (!xdpfwd_dp.loaded || !initialised) {
		json_object_free(arr);
		return xdpfwd_vty_not_running(vty, j);
	}
	if (!j)
		vty_out(vty, "%-16s %-17s %-16s %-8s %-6s %s\n", "Bridge",
			"MAC", "Port", "Type", "Map", "XDP seen");
	frr_each (fdbs, &fdbs_head, f) {
		struct xdpfwd_link *br = xdpfwd_link_get(f->bridge);
		struct xdpfwd_link *port = xdpfwd_link_get(f->port);
		struct xdpfwd_fdb_key k = { .bridge_ifindex = f->bridge };
		struct xdpfwd_fdb v = {};
		char mac[32], seen[32] = "-";
		int64_t age = -1;

		if (f->vlan)
			continue;
		mac2str(f->mac, mac, sizeof(mac));
		memcpy(k.mac, f->mac, sizeof(k.mac));
		if (f->in_map &&
		    bpf_map_lookup_elem(xdpfwd_dp.fd_fdb, &k, &v) == 0 &&
		    v.seen_ns && v.seen_ns <= now) {
			age = (now - v.seen_ns) / 1000000000ULL;
			snprintf(seen, sizeof(seen), "%" PRId64 "s ago", age);
		}
		if (j) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "bridge", br ? br->name : "?");
			json_object_int_add(o, "bridgeIfindex", f->bridge);
			json_object_string_add(o, "mac", mac);
			json_object_string_add(o, "port",
					       port ? port->name : "?");
			json_object_int_add(o, "portIfindex", f->port);
			json_object_string_add(o, "type", fdb_type_str(f));
			json_object_boolean_add(o, "inMap", f->in_map);
			if (age >= 0)
				json_object_int_add(o, "xdpSeenSecondsAgo",
						    age);
			json_object_array_add(arr, o);
		} else
			vty_out(vty, "%-16s %-17s %-16s %-8s %-6s %s\n",
				br ? br->name : "?", mac,
				port ? port->name : "?", fdb_type_str(f),
				f->in_map ? "yes" : "no", seen);
	}
	if (!j)
		return CMD_SUCCESS;
	json_object_object_add(j, "fdb", arr);
	return vty_json(vty, j);
}

void xdpfwd_bridge_vty_init(void)
{
	install_element(VIEW_NODE, &show_xdpfwd_bridge_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_bridge_fdb_cmd);
}
