// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd dispatcher, firewall part (dispatch_fw.h): watches what could
 * act on forwarded traffic besides routing (nftables, x_tables, xfrm,
 * qdiscs, br_netfilter), stores it in the mirror and has the interface
 * and nexthop writers turn it into the datapath's flags.
 */
#include "config.h"
#include <zebra.h>

#include "lib/lib_errors.h"
#include "lib/log.h"
#include "lib/privs.h"
#include "lib/thread.h"

#include "plugin/xdpfwd.h"
#include "plugin/dispatch.h"
#include "plugin/dispatch_fw.h"
#include "plugin/dp/dp.h"
#include "plugin/lib/ctnl.h"
#include "plugin/lib/fwhooks.h"
#include "plugin/lib/ratelimit.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/iface.h"
#include "plugin/writers/nexthop.h"

/*
 * nftables, xfrm and qdiscs notify: a notification marks its source
 * dirty and a scan follows after FW_SETTLE_MSEC (one scan for a whole
 * `nft -f` batch).  x_tables, br_netfilter and tcx programs say nothing:
 * polled (tcx with the qdiscs).  A
 * scan that fails keeps the last facts and is retried at the next poll.
 */
#define FW_SETTLE_MSEC 20
#define FW_POLL_MSEC 1000
#define FW_NFT 0x1
#define FW_XFRM 0x2
#define FW_TC 0x4
#define FW_POLLED 0x8
#define FW_ALL 0xf

/* nfnetlink, xfrm and x_tables want CAP_NET_ADMIN (raw sockets
 * CAP_NET_RAW) of whoever opens the socket and of whoever sends on it
 */
extern struct zebra_privs_t zserv_privs;

static struct xnft *xnft;
static struct xkh *xkh;
static struct xctnl *xctnl;
static struct thread *t_fw_nft, *t_fw_xfrm, *t_fw_tc, *t_fw_scan, *t_fw_poll;
static struct thread *t_fw_ct;
static unsigned int fw_dirty;
static bool fw_started; /* the scans feed the writers */
static char fw_last_line[512];

/* one line for the log, written when it changes */
static void fw_log(void)
{
	char line[sizeof(fw_last_line)];
	const struct mirror_fw_state *f = mirror_fw_state();
	const char *v4 = iface_fw_verdict(AF_INET);
	const char *v6 = iface_fw_verdict(AF_INET6);
	const char *br = iface_fw_verdict(AF_BRIDGE);
	bool bypassed = !strcmp(v4, "bypassed") || !strcmp(v6, "bypassed") ||
			!strcmp(br, "bypassed");

	snprintf(line, sizeof(line),
		 "xdpfwd: firewall mode %s: IPv4 %s, IPv6 %s, bridged %s (nftables chains %u/%u/%u, x_tables rules %u/%u, xfrm policies %u/%u%s, br_netfilter %d/%d, devices with qdiscs %u, with netdev chains %u)%s",
		 xdpfwd_fw_mode(), v4, v6, br,
		 f->nft.chains[XFW_V4], f->nft.chains[XFW_V6],
		 f->nft.chains[XFW_BRIDGE], f->xt.entries[0], f->xt.entries[1],
		 f->xfrm.policies[0], f->xfrm.policies[1],
		 f->xfrm.default_block ? ", default block" : "",
		 f->brnf[0], f->brnf[1], f->nqdiscs, f->nft.ndevs,
		 bypassed ? ": FIREWALL BYPASSED, its rules do not see the fast path's traffic"
			  : "");
	if (!strcmp(line, fw_last_line))
		return;
	strlcpy(fw_last_line, line, sizeof(fw_last_line));
	if (bypassed)
		zlog_warn("%s", line);
	else
		zlog_info("%s", line);
}

static void fw_changed(bool devs)
{
	iface_refresh_all();
	/* adjacencies carry the egresses' hooks */
	if (devs)
		nexthop_refresh_all();
	fw_log();
}

static bool fw_scan_some(unsigned int dirty, struct xqdisc *q,
			 unsigned int qmax, bool *devs);

static void fw_scan(struct thread *t)
{
	static struct xqdisc q[XDPFWD_FW_QDISCS_MAX];
	unsigned int dirty = fw_dirty;
	bool changed = false, devs = false;

	fw_dirty = 0;
	frr_with_privs (&zserv_privs) {
		changed = fw_scan_some(dirty, q, array_size(q), &devs);
	}
	if (changed && fw_started)
		fw_changed(devs);
}

/* the scans of @dirty: true if what they found changed (*devs: devices'
 * facts among it); a failed one stays dirty
 */
static bool fw_scan_some(unsigned int dirty, struct xqdisc *q,
			 unsigned int qmax, bool *devs)
{
	bool changed = false;
	int err;

	if (dirty & FW_NFT) {
		struct xnft_facts f;

		err = xnft_scan(xnft, &f);
		if (err) {
			fw_dirty |= FW_NFT;
			flog_err(EC_LIB_SYSTEM_CALL,
				 "xdpfwd: nftables dump: %s (retried)",
				 strerror(-err));
		} else if (mirror_fw_set_nft(&f))
			changed = *devs = true;
	}
	if (dirty & FW_XFRM) {
		struct xxfrm_facts f;

		err = xkh_scan_xfrm(xkh, &f);
		if (err) {
			fw_dirty |= FW_XFRM;
			flog_err(EC_LIB_SYSTEM_CALL,
				 "xdpfwd: xfrm dump: %s (retried)",
				 strerror(-err));
		} else if (mirror_fw_set_xfrm(&f))
			changed = true;
	}
	if (dirty & FW_TC) {
		int tcx = 0;

		err = xkh_scan_qdiscs(xkh, q, qmax);
		/* tcx programs after the qdiscs, as entries of kind "tcx" */
		if (err >= 0) {
			unsigned int stored = MIN((unsigned int)err, qmax);

			tcx = xkh_scan_tcx(q + stored, qmax - stored);
			if (tcx < 0)
				flog_err(EC_LIB_SYSTEM_CALL,
					 "xdpfwd: tcx query: %s (retried)",
					 strerror(-tcx));
		}
		if (err < 0) {
			fw_dirty |= FW_TC;
			flog_err(EC_LIB_SYSTEM_CALL,
				 "xdpfwd: qdisc dump: %s (retried)",
				 strerror(-err));
		} else if (tcx < 0) {
			fw_dirty |= FW_TC;
		} else if (mirror_fw_set_qdiscs(q, err + tcx,
						MIN((unsigned int)(err + tcx),
						    qmax)))
			changed = *devs = true;
	}
	if (dirty & FW_POLLED) {
		struct xxt_facts f;

		err = xxt_scan(&f);
		/* what could not be read counts as a rule: the safe side */
		if (err && IS_XDPFWD_DEBUG(EVENTS))
			zlog_debug("xdpfwd: x_tables: %s", strerror(-err));
		if (mirror_fw_set_xt(&f))
			changed = true;
		if (mirror_fw_set_brnf(xbrnf_calls(AF_INET),
				       xbrnf_calls(AF_INET6)))
			changed = true;
	}
	return changed;
}

static void fw_mark(unsigned int what)
{
	fw_dirty |= what;
	thread_add_timer_msec(xdpfwd_master, fw_scan, NULL, FW_SETTLE_MSEC,
			      &t_fw_scan);
}

static void fw_read(struct thread *t)
{
	int fd = THREAD_FD(t), n;
	unsigned int what;

	if (fd == xnft_event_fd(xnft)) {
		n = xnft_drain(xnft);
		what = FW_NFT;
		thread_add_read(xdpfwd_master, fw_read, NULL, fd, &t_fw_nft);
	} else if (fd == xkh_xfrm_fd(xkh)) {
		n = xkh_drain(fd);
		what = FW_XFRM;
		thread_add_read(xdpfwd_master, fw_read, NULL, fd, &t_fw_xfrm);
	} else {
		n = xkh_drain(fd);
		what = FW_TC;
		thread_add_read(xdpfwd_master, fw_read, NULL, fd, &t_fw_tc);
	}
	/* an error other than an overrun: scan anyway, it reads the truth */
	if (n)
		fw_mark(what);
}

/*
 * Conntrack mode: the datapath reports a TCP connection that is not
 * liberal with each of its packets until it is; the reports of one
 * connection that arrive while it is being marked are not sent again
 * (the last few connections marked, for a second).
 */
#define CT_RECENT 64

static struct {
	struct xdpfwd_ct_report r;
	time_t at;
} ct_recent[CT_RECENT];
static unsigned int ct_recent_next;
static struct ratelimit ct_rl;

static void ct_mark(const struct xdpfwd_ct_report *r, void *arg)
{
	time_t now = monotime(NULL);
	uint32_t suppressed;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int err;

	for (unsigned int i = 0; i < CT_RECENT; i++)
		if (ct_recent[i].at && now - ct_recent[i].at <= 1 &&
		    !memcmp(&ct_recent[i].r, r, sizeof(*r)))
			return;
	ct_recent[ct_recent_next].r = *r;
	ct_recent[ct_recent_next].at = now;
	ct_recent_next = (ct_recent_next + 1) % CT_RECENT;

	frr_with_privs (&zserv_privs) {
		err = xctnl_set_liberal(xctnl, r);
	}
	inet_ntop(r->family, r->saddr, s, sizeof(s));
	inet_ntop(r->family, r->daddr, d, sizeof(d));
	if (!err || err == -ENOENT) {
		/* -ENOENT: the connection is gone meanwhile */
		if (IS_XDPFWD_DEBUG(EVENTS))
			zlog_debug("xdpfwd: conntrack: %s %u -> %s %u marked liberal: %s",
				   s, ntohs(r->sport), d, ntohs(r->dport),
				   err ? strerror(-err) : "done");
		return;
	}
	if (ratelimit_ok(&ct_rl, now, &suppressed))
		flog_err(EC_LIB_SYSTEM_CALL,
			 "xdpfwd: conntrack: marking %s %u -> %s %u liberal: %s (its packets stay on the kernel path; %u such errors not logged)",
			 s, ntohs(r->sport), d, ntohs(r->dport), strerror(-err),
			 suppressed);
}

static void fw_ct_read(struct thread *t)
{
	thread_add_read(xdpfwd_master, fw_ct_read, NULL, THREAD_FD(t),
			&t_fw_ct);
	dp_ct_consume(ct_mark, NULL);
}

static void fw_ct_timeouts(void)
{
	uint32_t tcp_ms, udp_ms;

	xctnl_timeouts(&tcp_ms, &udp_ms);
	dp_ct_set_timeouts(tcp_ms, udp_ms);
}

static void fw_poll(struct thread *t)
{
	thread_add_timer_msec(xdpfwd_master, fw_poll, NULL, FW_POLL_MSEC,
			      &t_fw_poll);
	fw_mark(FW_POLLED | FW_TC);
	fw_ct_timeouts();
}

void dispatch_fw_stop(void)
{
	fw_started = false;
	THREAD_OFF(t_fw_nft);
	THREAD_OFF(t_fw_xfrm);
	THREAD_OFF(t_fw_tc);
	THREAD_OFF(t_fw_scan);
	THREAD_OFF(t_fw_poll);
	THREAD_OFF(t_fw_ct);
	xnft_close(xnft);
	xkh_close(xkh);
	xctnl_close(xctnl);
	xnft = NULL;
	xkh = NULL;
	xctnl = NULL;
	fw_last_line[0] = '\0';
}

/*
 * Before the first interface is attached: the first frames forwarded
 * already see the firewall.  A first scan that fails stops xdpfwd: the
 * default must be safe.
 */
int dispatch_fw_start(const char **part)
{
	int err = 0;

	frr_with_privs (&zserv_privs) {
		xnft = xnft_open(&err);
		if (xnft)
			xkh = xkh_open(&err);
		if (xkh)
			xctnl = xctnl_open(&err);
	}
	*part = !xnft  ? "nftables netlink socket"
		: !xkh ? "xfrm and tc netlink sockets"
		       : "ctnetlink socket";
	if (!xnft || !xkh || !xctnl)
		goto fail;
	fw_dirty = FW_ALL;
	fw_scan(NULL);
	*part = "first firewall / xfrm / qdisc scan";
	if (fw_dirty)
		goto fail;
	thread_add_read(xdpfwd_master, fw_read, NULL, xnft_event_fd(xnft),
			&t_fw_nft);
	if (xkh_xfrm_fd(xkh) >= 0)
		thread_add_read(xdpfwd_master, fw_read, NULL, xkh_xfrm_fd(xkh),
				&t_fw_xfrm);
	thread_add_read(xdpfwd_master, fw_read, NULL, xkh_tc_fd(xkh),
			&t_fw_tc);
	thread_add_timer_msec(xdpfwd_master, fw_poll, NULL, FW_POLL_MSEC,
			      &t_fw_poll);
	if (dp_ct_fd() >= 0)
		thread_add_read(xdpfwd_master, fw_ct_read, NULL, dp_ct_fd(),
				&t_fw_ct);
	fw_ct_timeouts();
	fw_log();
	fw_started = true;
	return 0;

fail:
	dispatch_fw_stop();
	return err ? err : -EIO;
}

void dispatch_preopen(void)
{
	xxt_preopen();
}

void dispatch_fw_mode(bool bypass, bool conntrack)
{
	conntrack = conntrack && !bypass;
	if (xdpfwd_cfg.fw_bypass == bypass &&
	    xdpfwd_cfg.fw_conntrack == conntrack)
		return;
	xdpfwd_cfg.fw_bypass = bypass;
	xdpfwd_cfg.fw_conntrack = conntrack;
	if (fw_started)
		fw_changed(true);
}

