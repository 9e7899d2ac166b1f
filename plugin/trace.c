// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the packet tracer.  `debug xdpfwd packet [interface IFNAME]
 * [count N]` arms the datapath (bpf/trace.h) for N records; each record
 * (verdict, ingress, egress, the frame's first bytes as it left) is
 * decoded, logged through zlog and kept, the last TRACE_KEEP of them, for
 * `show xdpfwd trace [json]`.  This is what an operator reaches for when
 * a flow does not take the path expected.
 */
#include "config.h"
#include <zebra.h>

#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <linux/bpf.h>

#include "lib/command.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/prefix.h"
#include "lib/thread.h"
#include "lib/vty.h"

#include "plugin/xdpfwd.h"
#include "plugin/trace.h"
#include "plugin/vty.h"
#include "plugin/dispatch.h"
#include "plugin/dp/dp.h"
#include "plugin/mirror/mirror.h"
#include "plugin/yang_json.h"

#define TRACE_KEEP 64
#define TRACE_COUNT_DEFAULT 10

/* a record as shown: decoded once, when it arrives */
struct trace_entry {
	struct timeval when;
	uint32_t ingress, egress, reason, action, len;
	struct ethaddr smac, dmac;
	uint16_t ethertype;
	int family; /* AF_INET, AF_INET6, 0: not IP */
	struct ipaddr src, dst;
	uint8_t proto, ttl;
};

static struct {
	struct trace_entry keep[TRACE_KEEP];
	unsigned int next, kept; /* ring of the last TRACE_KEEP */
	uint32_t remaining;	 /* records still wanted */
	uint32_t ifindex;	 /* 0: any */
	uint64_t seen, dropped;	 /* taken; beyond the budget (races) */
	struct thread *t_read;
} tr;

/* vtysh/extract.pl scans this file with VTYSH_EXTRACT_PL (tools/vtysh/) */
#ifndef VTYSH_EXTRACT_PL
#include "plugin/trace_clippy.c"
#endif

static const char *action_name(uint32_t action)
{
	switch (action) {
	case XDP_REDIRECT:
		return "redirect";
	case XDP_DROP:
		return "drop";
	case XDP_PASS:
		return "pass";
	default:
		return "?";
	}
}

static void ifname_of(uint32_t ifindex, char *buf, size_t len)
{
	const struct xdpfwd_link *l = ifindex ? mirror_link(ifindex) : NULL;

	if (l)
		strlcpy(buf, l->name, len);
	else if (ifindex)
		snprintf(buf, len, "ifindex %u", ifindex);
	else
		strlcpy(buf, "-", len);
}

static void decode(const struct xdpfwd_trace_rec *rec, struct trace_entry *e)
{
	const uint8_t *d = rec->data, *l3;
	uint32_t left = rec->caplen;

	memset(e, 0, sizeof(*e));
	gettimeofday(&e->when, NULL);
	e->ingress = rec->ingress;
	e->egress = rec->egress;
	e->reason = rec->reason;
	e->action = rec->action;
	e->len = rec->len;
	if (left < ETH_HLEN)
		return;
	memcpy(e->dmac.octet, d, ETH_ALEN);
	memcpy(e->smac.octet, d + ETH_ALEN, ETH_ALEN);
	e->ethertype = (uint16_t)(d[12] << 8 | d[13]);
	l3 = d + ETH_HLEN;
	left -= ETH_HLEN;
	if (e->ethertype == ETHERTYPE_IP && left >= sizeof(struct ip)) {
		const struct ip *ip = (const void *)l3;

		e->family = AF_INET;
		SET_IPADDR_V4(&e->src);
		SET_IPADDR_V4(&e->dst);
		e->src.ipaddr_v4 = ip->ip_src;
		e->dst.ipaddr_v4 = ip->ip_dst;
		e->proto = ip->ip_p;
		e->ttl = ip->ip_ttl;
	} else if (e->ethertype == ETHERTYPE_IPV6 &&
		   left >= sizeof(struct ip6_hdr)) {
		const struct ip6_hdr *ip6 = (const void *)l3;

		e->family = AF_INET6;
		SET_IPADDR_V6(&e->src);
		SET_IPADDR_V6(&e->dst);
		e->src.ipaddr_v6 = ip6->ip6_src;
		e->dst.ipaddr_v6 = ip6->ip6_dst;
		e->proto = ip6->ip6_nxt;
		e->ttl = ip6->ip6_hlim;
	}
}

static void log_entry(const struct trace_entry *e)
{
	char in[IFNAMSIZ + 16], out[IFNAMSIZ + 16];

	ifname_of(e->ingress, in, sizeof(in));
	ifname_of(e->egress, out, sizeof(out));
	if (e->family)
		zlog_debug("xdpfwd: packet in %s out %s %s (%s) %pIA > %pIA proto %u ttl %u len %u %pEA > %pEA",
			   in, out, xdpfwd_reason_name(e->reason),
			   action_name(e->action), &e->src, &e->dst, e->proto,
			   e->ttl, e->len, &e->smac, &e->dmac);
	else
		zlog_debug("xdpfwd: packet in %s out %s %s (%s) ethertype 0x%04x len %u %pEA > %pEA",
			   in, out, xdpfwd_reason_name(e->reason),
			   action_name(e->action), e->ethertype, e->len,
			   &e->smac, &e->dmac);
}

static void disarm(void)
{
	dp_trace_arm(0, 0);
	THREAD_OFF(tr.t_read);
	tr.remaining = 0;
	xdpfwd_debug &= ~XDPFWD_DEBUG_PACKET;
}

static void on_record(const struct xdpfwd_trace_rec *rec, void *arg)
{
	struct trace_entry *e;

	if (!tr.remaining) {
		tr.dropped++; /* a racing CPU's extra record */
		return;
	}
	tr.remaining--;
	tr.seen++;
	e = &tr.keep[tr.next];
	decode(rec, e);
	tr.next = (tr.next + 1) % TRACE_KEEP;
	if (tr.kept < TRACE_KEEP)
		tr.kept++;
	if (IS_XDPFWD_DEBUG(PACKET))
		log_entry(e);
}

static void trace_read(struct thread *t)
{
	dp_trace_consume(on_record, NULL);
	if (!tr.remaining) {
		zlog_debug("xdpfwd: packet trace done");
		disarm();
		return;
	}
	thread_add_read(xdpfwd_master, trace_read, NULL, dp_trace_fd(),
			&tr.t_read);
}

DEFPY(debug_xdpfwd_packet, debug_xdpfwd_packet_cmd,
      "[no] debug xdpfwd packet [interface IFNAME$ifname] [count (1-100000)$count]",
      NO_STR DEBUG_STR XDPFWD_STR
      "What the datapath decides for packets, and why\n"
      "Only packets received on an interface\n"
      "Interface name\n"
      "Number of packets to trace (default 10)\n"
      "Number of packets\n")
{
	const struct xdpfwd_link *l = NULL;

	if (no) {
		disarm();
		return CMD_SUCCESS;
	}
	if (!dispatch_running()) {
		vty_out(vty, "%% xdpfwd is not running: %s\n", dispatch_why());
		return CMD_WARNING;
	}
	if (ifname && !(l = mirror_link_by_name(ifname))) {
		vty_out(vty, "%% No interface %s\n", ifname);
		return CMD_WARNING;
	}
	disarm();
	tr.remaining = count ? count : TRACE_COUNT_DEFAULT;
	tr.ifindex = l ? l->ifindex : 0;
	xdpfwd_debug |= XDPFWD_DEBUG_PACKET;
	/* records left over from an earlier trace are not this one's */
	dp_trace_consume(NULL, NULL);
	dp_trace_arm(tr.remaining, tr.ifindex);
	thread_add_read(xdpfwd_master, trace_read, NULL, dp_trace_fd(),
			&tr.t_read);
	return CMD_SUCCESS;
}

static void entry_json(json_object *a, const struct trace_entry *e)
{
	json_object *o = json_object_new_object();
	char buf[64];

	xdpfwd_json_i64(o, "time", e->when.tv_sec);
	json_object_int_add(o, "timeUsec", e->when.tv_usec);
	ifname_of(e->ingress, buf, sizeof(buf));
	json_object_string_add(o, "ingress", buf);
	json_object_int_add(o, "ingressIfindex", e->ingress);
	ifname_of(e->egress, buf, sizeof(buf));
	json_object_string_add(o, "egress", buf);
	json_object_int_add(o, "egressIfindex", e->egress);
	json_object_string_add(o, "verdict", xdpfwd_reason_name(e->reason));
	json_object_string_add(o, "action", action_name(e->action));
	json_object_int_add(o, "length", e->len);
	json_object_string_addf(o, "srcMac", "%pEA", &e->smac);
	json_object_string_addf(o, "dstMac", "%pEA", &e->dmac);
	json_object_int_add(o, "ethertype", e->ethertype);
	if (e->family) {
		json_object_string_addf(o, "src", "%pIA", &e->src);
		json_object_string_addf(o, "dst", "%pIA", &e->dst);
		json_object_int_add(o, "protocol", e->proto);
		json_object_int_add(o, "ttl", e->ttl);
	}
	json_object_array_add(a, o);
}

DEFPY(show_xdpfwd_trace, show_xdpfwd_trace_cmd, "show xdpfwd trace [json$json]",
      SHOW_STR XDPFWD_STR "The last packets traced (debug xdpfwd packet)\n"
	      JSON_STR)
{
	unsigned int first = (tr.next + TRACE_KEEP - tr.kept) % TRACE_KEEP;
	json_object *j = json ? json_object_new_object() : NULL;
	json_object *a = j ? json_object_new_array() : NULL;
	json_object *o;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	/* whatever already arrived, so that the answer is current */
	if (tr.remaining)
		dp_trace_consume(on_record, NULL);
	if (!j)
		vty_out(vty, "Traced %" PRIu64 " packets, %u still armed%s\n",
			tr.seen, tr.remaining,
			tr.remaining && tr.ifindex ? " (one interface)" : "");
	for (unsigned int i = 0; i < tr.kept; i++) {
		const struct trace_entry *e = &tr.keep[(first + i) % TRACE_KEEP];
		char in[IFNAMSIZ + 16], out[IFNAMSIZ + 16];

		if (j) {
			entry_json(a, e);
			continue;
		}
		ifname_of(e->ingress, in, sizeof(in));
		ifname_of(e->egress, out, sizeof(out));
		if (e->family)
			vty_out(vty,
				"%-10s -> %-10s %-18s %pIA > %pIA proto %u ttl %u len %u %pEA > %pEA\n",
				in, out, xdpfwd_reason_name(e->reason),
				&e->src, &e->dst, e->proto, e->ttl, e->len,
				&e->smac, &e->dmac);
		else
			vty_out(vty,
				"%-10s -> %-10s %-18s ethertype 0x%04x len %u\n",
				in, out, xdpfwd_reason_name(e->reason),
				e->ethertype, e->len);
	}
	if (!j)
		return CMD_SUCCESS;
	o = json_object_new_object();
	xdpfwd_json_u64(o, "traced", tr.seen);
	json_object_int_add(o, "armed", tr.remaining);
	json_object_object_add(o, "packets", a);
	json_object_object_add(j, "trace", o);
	return xdpfwd_vty_json(vty, j);
}

void xdpfwd_trace_init(void)
{
	install_element(ENABLE_NODE, &debug_xdpfwd_packet_cmd);
	install_element(CONFIG_NODE, &debug_xdpfwd_packet_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_trace_cmd);
}

void xdpfwd_trace_fini(void)
{
	disarm();
}
