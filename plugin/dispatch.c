// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd dispatcher (dispatch.h).
 *
 * Order for a netlink event: the mirror first (so that every writer reads
 * the new state), then the interface writer (ifaces, tx_ports, attach),
 * the bridge writer (fdb), the nexthop writer (adjacencies, neighbour
 * maps) and the routes writer (connected and local routes, offload).
 *
 * A resync (start, ENOBUFS) is bracketed: the mirror marks everything
 * stale, the dump refreshes it, and at the end what is still stale is
 * dispatched as deleted; FDB moves during the dump update the neighbours'
 * ports once, at the end, not per entry.
 */
#include "config.h"
#include <zebra.h>

#include "lib/json.h"
#include "lib/lib_errors.h"
#include "lib/log.h"
#include "lib/memory.h"
#include "lib/privs.h"
#include "lib/thread.h"
#include "lib/vty.h"

#include "plugin/xdpfwd.h"
#include "plugin/dispatch.h"
#include "plugin/dp/dp.h"
#include "plugin/dispatch_fw.h"
#include "plugin/lib/netlink.h"
#include "plugin/lib/vlanhw.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/bridge.h"
#include "plugin/writers/iface.h"
#include "plugin/writers/kernel_use.h"
#include "plugin/writers/nexthop.h"
#include "plugin/writers/routes.h"
#include "plugin/yang_json.h"

/* what has started, for a complete stop from any point */
#define PART_DP 0x01
#define PART_MIRROR 0x02
#define PART_NEXTHOP 0x04
#define PART_ROUTES 0x08
#define PART_BRIDGE 0x10
#define PART_NETLINK 0x20
#define PART_KERNEL_USE 0x40
#define PART_FW 0x80

/* how often the IPv6 MTUs are read (a sysctl write sends no notice) */
#define MTU6_POLL_MSEC 1000

/*
 * Liveness (bpf/liveness.h): every LIVE_RENEW_MSEC zebra's main thread
 * drains rtnetlink and then vouches for the maps for LIVE_VALID_MSEC.  A
 * zebra that hangs or is stopped loses the fast path within
 * LIVE_VALID_MSEC; one that dies loses its XDP links with its fds.
 */
#define LIVE_RENEW_MSEC 250
#define LIVE_VALID_MSEC 1000

static unsigned int started;
static bool running;
static char why[256] = "not started";
static struct xnl *xnl;
static struct thread *t_read, *t_read_routes, *t_resync, *t_mtu6;
static struct thread *t_live;
static bool in_resync;
static bool gate_open;
static uint64_t live_renewals, live_until_ns, live_lapses;

/* ---- the IPv6 MTU of links, from /proc/sys ---- */

/* net.ipv6.conf.IFNAME.mtu of this namespace, 0 if none (no IPv6) */
static uint32_t read_mtu6(const char *ifname)
{
	char path[128], buf[32];
	unsigned long v;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/mtu",
		     ifname) >= (int)sizeof(path))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtoul(buf, NULL, 10);
	return v > UINT32_MAX ? 0 : (uint32_t)v;
}

static void mtu6_refresh(const struct xdpfwd_link *l)
{
	if (mirror_link_set_mtu6(l->ifindex, read_mtu6(l->name)))
		nexthop_link_changed(l->ifindex);
}

/* ---- VLAN tags held as metadata (lib/vlanhw.h) ---- */

/* ethtool and, for a veth peer elsewhere, setns() */
extern struct zebra_privs_t zserv_privs;

/*
 * Whether a tag in metadata can reach XDP on a configured link, into the
 * mirror: true if that changed.  Features change with a RTM_NEWLINK of
 * the link itself, a veth peer's in another namespace without one here:
 * polled each second with the IPv6 MTU.  What cannot be read passes.
 */
static bool vlan_hw_read(const struct xdpfwd_link *l)
{
	struct xvlan_facts f;
	uint8_t v;
	int err = 0;

	if (!iface_configured(l->name, NULL))
		return false;
	frr_with_privs (&zserv_privs) {
		err = xvlan_probe(l->ifindex, &f);
	}
	v = err ? XVLAN_UNKNOWN : xvlan_decide(&f);
	if (!mirror_link_set_vlan_hw(l->ifindex, v))
		return false;
	if (err)
		zlog_warn("xdpfwd: %s: VLAN offload not readable (%s): its traffic is the kernel's",
			  l->name, strerror(-err));
	else
		zlog_info("xdpfwd: %s: VLAN offload: %s", l->name,
			  xvlan_why(v));
	return true;
}

static void mtu6_poll(struct thread *t)
{
	thread_add_timer_msec(xdpfwd_master, mtu6_poll, NULL, MTU6_POLL_MSEC,
			      &t_mtu6);
	for (const struct xdpfwd_link *l = mirror_link_next(NULL); l;
	     l = mirror_link_next(l)) {
		mtu6_refresh(l);
		if (vlan_hw_read(l))
			iface_link_changed(l->ifindex);
	}
}

/* ---- netlink events ---- */

static void on_link(void *arg, const struct xnl_link *nl, bool deleted)
{
	const struct xdpfwd_link *l = mirror_link(nl->ifindex);
	bool was_bridge = l && l->is_bridge;
	int old_master = l ? l->other_master : 0;

	mirror_link_update(nl, deleted);
	l = mirror_link(nl->ifindex);
	if (!deleted && l)
		vlan_hw_read(l); /* before it is attached or written */
	if (deleted) {
		iface_link_gone(nl->ifindex);
		if (was_bridge)
			bridge_gone(nl->ifindex);
		nexthop_link_changed(nl->ifindex);
		return;
	}
	iface_link_changed(nl->ifindex);
	l = mirror_link(nl->ifindex);
	if (l && l->is_bridge) {
		/* MAC, state: what its ports' entries carry */
		iface_bridge_changed(nl->ifindex);
		for (const struct xdpfwd_link *p = mirror_link_next(NULL); p;
		     p = mirror_link_next(p))
			if (p->bridge == nl->ifindex)
				nexthop_link_changed(p->ifindex);
	}
	if (l)
		mirror_link_set_mtu6(l->ifindex, read_mtu6(l->name));
	nexthop_link_changed(nl->ifindex);
	if (l && l->other_master != old_master)
		routes_link_changed(nl->ifindex);
}

static void on_addr(void *arg, const struct xnl_addr *a, bool deleted)
{
	if (mirror_addr_update(a, deleted))
		routes_addr_changed(a, deleted);
}

static void on_neigh(void *arg, const struct xnl_neigh *n, bool deleted)
{
	if (mirror_neigh_update(n, deleted))
		nexthop_neigh_changed(n->ifindex, n->family, n->addr);
}

static void on_fdb(void *arg, const struct xnl_fdb *f, bool deleted)
{
	unsigned int ch = mirror_fdb_update(f, deleted);

	if (IS_XDPFWD_DEBUG(NEIGH)) {
		struct ethaddr mac;

		memcpy(mac.octet, f->mac, sizeof(mac.octet));
		zlog_debug("xdpfwd: fdb %s %pEA bridge %d port %d vlan %u state %#x flags %#x",
			   deleted ? "del" : "add", &mac, f->master,
			   f->ifindex, f->vlan, f->state, f->flags);
	}
	if (ch & MIRROR_FDB_ENTRY)
		bridge_fdb_sync(f->master, f->mac);
	if (ch & MIRROR_FDB_VLAN) {
		/* the bridge started or stopped filtering VLANs, which the
		 * fast path does not model
		 */
		iface_bridge_changed(f->master);
		nexthop_link_changed(f->master);
	}
	if ((ch & MIRROR_FDB_PORT) && !in_resync)
		nexthop_bridge_changed(f->master, f->mac);
}

static void on_netconf(void *arg, const struct xnl_netconf *nc, bool deleted)
{
	const struct xdpfwd_link *l;

	if (!mirror_netconf_update(nc, deleted))
		return;
	if (nc->ifindex < 0) {
		/* "all" (IPv4 rp_filter, IPv6 forwarding) or "default" */
		iface_refresh_all();
		return;
	}
	iface_link_changed(nc->ifindex);
	l = mirror_link(nc->ifindex);
	if (l && l->is_bridge)
		iface_bridge_changed(nc->ifindex);
}

static void on_rule(void *arg, const struct xnl_rule *r, bool deleted)
{
	if (mirror_rule_update(r, deleted)) {
		zlog_info("xdpfwd: %u IPv%d policy routing rules besides the default ones: IPv%d routed traffic %s",
			  mirror_policy_rules(r->family),
			  r->family == AF_INET ? 4 : 6,
			  r->family == AF_INET ? 4 : 6,
			  mirror_policy_rules(r->family)
				  ? "goes to the kernel"
				  : "takes the fast path");
		iface_refresh_all();
	}
}

static void on_route(void *arg, const struct xnl_route *r, bool deleted)
{
	bool custom4 = mirror_ipv4_custom_local();

	if (mirror_kroute_update(r, deleted))
		routes_kernel_route(r, !deleted);
	/* the kernel validates IPv4 sources in full from now on */
	if (custom4 != mirror_ipv4_custom_local()) {
		zlog_info("xdpfwd: an IPv4 local route was added (AnyIP): the kernel validates every IPv4 source from now on, IPv4 routed traffic goes to the kernel");
		iface_refresh_all();
	}
}

static void on_resync_begin(void *arg)
{
	mirror_resync_begin();
	in_resync = true;
	if (IS_XDPFWD_DEBUG(EVENTS))
		zlog_debug("xdpfwd: netlink resync");
}

static void on_resync_end(void *arg)
{
	struct xnl_neigh *neighs;
	struct xnl_route *krs;
	struct xnl_addr *addrs;
	struct xnl_link *links;
	struct xnl_fdb *fdbs;
	unsigned int n;

	n = mirror_stale_neighs(&neighs);
	for (unsigned int i = 0; i < n; i++)
		on_neigh(arg, &neighs[i], true);
	XFREE(MTYPE_TMP, neighs);
	n = mirror_stale_addrs(&addrs);
	for (unsigned int i = 0; i < n; i++)
		on_addr(arg, &addrs[i], true);
	XFREE(MTYPE_TMP, addrs);
	n = mirror_stale_links(&links);
	for (unsigned int i = 0; i < n; i++)
		on_link(arg, &links[i], true);
	XFREE(MTYPE_TMP, links);
	n = mirror_stale_kroutes(&krs);
	for (unsigned int i = 0; i < n; i++)
		on_route(arg, &krs[i], true);
	XFREE(MTYPE_TMP, krs);
	n = mirror_stale_fdbs(&fdbs);
	for (unsigned int i = 0; i < n; i++)
		on_fdb(arg, &fdbs[i], true);
	XFREE(MTYPE_TMP, fdbs);
	in_resync = false;
	mirror_netconf_drop_stale();
	if (mirror_rules_drop_stale())
		iface_refresh_all();
	/* the neighbours' ports, once for the whole dump */
	nexthop_bridge_changed(0, NULL);
}

static const struct xnl_callbacks xnl_cbs = {
	.link = on_link,
	.addr = on_addr,
	.neigh = on_neigh,
	.fdb = on_fdb,
	.netconf = on_netconf,
	.rule = on_rule,
	.route = on_route,
	.resync_begin = on_resync_begin,
	.resync_end = on_resync_end,
};

/* everything rtnetlink has said so far, applied; 0 or -errno */
static int netlink_drain(void)
{
	int ret = xnl_read(xnl);

	if (ret < 0 && ret != -EBUSY)
		flog_err(EC_LIB_SOCKET, "xdpfwd: rtnetlink read: %s",
			 strerror(-ret));
	else if (ret > 0)
		zlog_warn("xdpfwd: rtnetlink overrun (ENOBUFS): full resync done");
	return ret < 0 ? ret : 0;
}

static void xnl_read_event(struct thread *t)
{
	netlink_drain();
	/* a resync that could not complete is retried without waiting for
	 * the socket to become readable
	 */
	if (xnl_resync_pending(xnl))
		thread_add_timer_msec(xdpfwd_master, xnl_read_event, NULL, 100,
				      &t_resync);
	thread_add_read(xdpfwd_master, xnl_read_event, NULL, xnl_fd(xnl),
			&t_read);
	thread_add_read(xdpfwd_master, xnl_read_event, NULL,
			xnl_route_fd(xnl), &t_read_routes);
}

static int netlink_start(void)
{
	int err = 0;

	xnl = xnl_open(&xnl_cbs, NULL, &err);
	if (!xnl)
		return err ? err : -EIO;
	err = xnl_dump(xnl);
	/* a dump interrupted by changes is retried from the read event */
	if (err && !xnl_resync_pending(xnl)) {
		xnl_close(xnl);
		xnl = NULL;
		return err;
	}
	thread_add_read(xdpfwd_master, xnl_read_event, NULL, xnl_fd(xnl),
			&t_read);
	thread_add_read(xdpfwd_master, xnl_read_event, NULL,
			xnl_route_fd(xnl), &t_read_routes);
	thread_add_timer_msec(xdpfwd_master, mtu6_poll, NULL, MTU6_POLL_MSEC,
			      &t_mtu6);
	return 0;
}

static void netlink_stop(void)
{
	THREAD_OFF(t_read);
	THREAD_OFF(t_read_routes);
	THREAD_OFF(t_resync);
	THREAD_OFF(t_mtu6);
	if (xnl)
		xnl_close(xnl);
	xnl = NULL;
}

uint64_t dispatch_netlink_resyncs(void)
{
	return xnl ? xnl_stats(xnl)->resyncs : 0;
}

/* ---- liveness ---- */

static uint64_t coarse_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Vouch for the maps only once they hold what the kernel said up to now;
 * a failed drain or a pending resync lets the deadline lapse.
 */
static void heartbeat(struct thread *t)
{
	uint64_t now;

	thread_add_timer_msec(xdpfwd_master, heartbeat, NULL, LIVE_RENEW_MSEC,
			      &t_live);
	if (netlink_drain() || xnl_resync_pending(xnl))
		return;
	now = coarse_now_ns();
	if (live_until_ns && now > live_until_ns) {
		/* the datapath sent everything to the kernel meanwhile */
		live_lapses++;
		zlog_warn("xdpfwd: the fast path was off for %" PRIu64
			  " ms: zebra's main thread did not renew its deadline in time (busy, stopped, or a netlink resync)",
			  (now - live_until_ns) / 1000000);
	}
	live_until_ns = now + LIVE_VALID_MSEC * 1000000ull;
	dp_set_live_until(live_until_ns);
	live_renewals++;
}

void dispatch_open_gate(void)
{
	if (!running || gate_open)
		return;
	gate_open = true;
	zlog_notice("xdpfwd: zebra's queues are drained: the fast path forwards");
	heartbeat(NULL);
}

void dispatch_liveness_show(struct vty *vty, json_object *json)
{
	uint64_t now = coarse_now_ns();
	int64_t left_ms = live_until_ns > now
				  ? (int64_t)((live_until_ns - now) / 1000000)
				  : 0;

	if (json) {
		json_object *o = json_object_new_object();

		json_object_boolean_add(o, "gateOpen", gate_open);
		xdpfwd_json_u64(o, "renewals", live_renewals);
		xdpfwd_json_u64(o, "lapses", live_lapses);
		xdpfwd_json_i64(o, "validForMs", left_ms);
		json_object_int_add(o, "renewMs", LIVE_RENEW_MSEC);
		json_object_int_add(o, "validityMs", LIVE_VALID_MSEC);
		json_object_object_add(json, "liveness", o);
		return;
	}
	vty_out(vty,
		"Liveness: %s, valid for %" PRId64 " ms more (renewed every %d ms for %d ms), %" PRIu64 " lapses\n",
		gate_open ? "forwarding"
			  : "start gate closed (zebra still loading)",
		left_ms, LIVE_RENEW_MSEC, LIVE_VALID_MSEC, live_lapses);
}

/* ---- zebra and the CLI ---- */

void dispatch_route(const struct xdpfwd_route_update *u)
{
	if (running)
		routes_apply(u);
}

int dispatch_if_enable(const char *ifname, bool generic, char *errbuf,
		       size_t errlen)
{
	const struct xdpfwd_link *l;
	int err;

	if (!running) {
		/* keep the configuration for `write`; nothing to attach */
		iface_enable(ifname, generic, errbuf, errlen);
		snprintf(errbuf, errlen, "the fast path is not running: %s",
			 why);
		return -ENOENT;
	}
	err = iface_enable(ifname, generic, errbuf, errlen);
	if (err)
		return err;
	l = mirror_link_by_name(ifname);
	/* configured now: read before the first frames (iface_enable()
	 * wrote the entry as unread, which passes)
	 */
	if (l && vlan_hw_read(l))
		iface_link_changed(l->ifindex);
	if (l)
		nexthop_link_changed(l->ifindex);
	/* a port's mode is its bridge's adjacencies' too */
	if (l && l->bridge)
		nexthop_link_changed(l->bridge);
	routes_refresh_offload();
	return 0;
}

void dispatch_if_disable(const char *ifname)
{
	int ifindex = iface_disable(ifname);
	const struct xdpfwd_link *l = ifindex ? mirror_link(ifindex) : NULL;

	if (!running)
		return;
	if (ifindex)
		nexthop_link_changed(ifindex);
	if (l && l->bridge)
		nexthop_link_changed(l->bridge);
	routes_refresh_offload();
}

/* ---- start and stop ---- */

bool dispatch_running(void)
{
	return running;
}

const char *dispatch_why(void)
{
	return running ? "" : why;
}

void dispatch_stop(void)
{
	running = false;
	THREAD_OFF(t_live);
	gate_open = false;
	live_until_ns = 0;
	if (started & PART_DP)
		dp_set_live_until(0);
	if (started & PART_NETLINK)
		netlink_stop();
	if (started & PART_FW)
		dispatch_fw_stop();
	iface_fini(); /* detaches while the program is still loaded */
	if (started & PART_BRIDGE)
		bridge_fini();
	if (started & PART_ROUTES)
		routes_fini();
	if (started & PART_NEXTHOP)
		nexthop_fini();
	if (started & PART_MIRROR)
		mirror_fini();
	if (started & PART_KERNEL_USE)
		kernel_use_close();
	if (started & PART_DP)
		dp_unload();
	started = 0;
	iface_init(); /* the configuration may be typed again */
}

/* stops everything started and says why, for `show xdpfwd` and the log */
static void stop_because(const char *reason)
{
	dispatch_stop();
	strlcpy(why, reason, sizeof(why));
	flog_err(EC_LIB_SYSTEM_CALL,
		 "xdpfwd: not started: %s; the kernel forwards everything, as without xdpfwd",
		 why);
}

void dispatch_fail(const char *part, int err)
{
	char reason[sizeof(why)];

	snprintf(reason, sizeof(reason), "%s: %s", part, strerror(-err));
	stop_because(reason);
}

int dispatch_start(void)
{
	const char *part;
	int err;

	iface_init();
	err = dp_load(&xdpfwd_cfg);
	if (err) {
		/* the BPF layer's own words say more than strerror */
		stop_because(dp_error());
		return err;
	}
	started |= PART_DP;
	mirror_init();
	started |= PART_MIRROR;
	part = "netlink socket for NTF_USE";
	err = kernel_use_open();
	if (err)
		goto fail;
	started |= PART_KERNEL_USE;
	part = "nexthop groups";
	err = nexthop_init();
	if (err)
		goto fail;
	started |= PART_NEXTHOP;
	part = "FIB builder";
	err = routes_init(xdpfwd_cfg.fib6_routes);
	if (err)
		goto fail;
	started |= PART_ROUTES;
	part = "bridge FDB";
	err = bridge_init();
	if (err)
		goto fail;
	started |= PART_BRIDGE;
	err = dispatch_fw_start(&part);
	if (err)
		goto fail;
	started |= PART_FW;
	/* last: the dump feeds every writer */
	running = true;
	part = "rtnetlink subscription";
	err = netlink_start();
	if (err)
		goto fail;
	started |= PART_NETLINK;
	why[0] = '\0';
	return 0;

fail:
	dispatch_fail(part, err);
	return err;
}
