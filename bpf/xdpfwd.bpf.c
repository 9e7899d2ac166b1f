// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd XDP datapath: routes IPv4 and IPv6 unicast with the FIB, nexthop
 * groups, adjacencies and neighbours the zebra plugin writes into maps.
 *
 * The kernel is the complete slow path: whatever is not forwarded here in
 * full is returned with XDP_PASS, unmodified.  The only drop is a
 * blackhole route.  docs/design.md has the overview.
 *
 * Order of the checks (the first that applies is the counted reason):
 * ingress enabled, the plugin alive (liveness.h), Ethernet header,
 * destination MAC, ethertype (VLAN, other); the kernel settings of the
 * ingress (a VLAN tag possibly held as metadata, forwarding, rp_filter, policy rules, tc, firewall); IP header
 * (malformed, options / hop-by-hop), TTL, special addresses, a source that is the router's own (IPv4), FIB,
 * nexthop group (and a member of it back out of the ingress), adjacency
 * valid, destination MAC (neighbour), bridge port of the neighbour,
 * hairpin, egress mode, the egress's qdisc or netdev egress chain, MTU,
 * egress in tx_ports; then the rewrite, and the bytes after the IP packet
 * (Ethernet padding, trailers) are cut off as the kernel's
 * ip_rcv()/ipv6_rcv() do; last, the packet trace (trace.h) if armed.  (bench/ builds
 * variants with one faithfulness check compiled out, -DXDPFWD_OMIT_<CHECK>,
 * to measure what each costs; never for use.)  On a bridge port
 * (bridge.h) the bridge's checks come first; frames to the bridge's MAC
 * then take the routed path, the others are bridged unmodified.
 */
#include "common.h"
#include "maps.h"
#include "counters.h"
#include "parse.h"
#include "addr.h"
#include "fib4.h"
#include "fib6.h"
#include "nexthop.h"
#include "l3.h"
#include "bridge.h"
#include "liveness.h"
#include "trace.h"
#include "conntrack.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline bool mac_equal(const __u8 *a, const __u8 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
		(a[3] ^ b[3]) | (a[4] ^ b[4]) | (a[5] ^ b[5])) == 0;
}

/*
 * Claim the egress port before touching the frame.  bpf_redirect_map()
 * only records the target (the frame is sent after we return), so a port
 * missing from tx_ports -- or removed concurrently -- is seen here while
 * the frame is still unmodified and can go to the kernel as it came.
 */
static __always_inline bool claim_egress(__u32 ifindex)
{
	return bpf_redirect_map(&tx_ports, ifindex, XDP_PASS) == XDP_REDIRECT;
}

/* what a routed frame needs from its ingress */
struct ingress {
	__u32 ifindex;
	const struct xdpfwd_iface *iface;
	struct xdp_md *ctx; /* for the conntrack lookup */
};

/* the device the kernel routes a frame from: the bridge on a port */
static __always_inline __u32 ingress_l3(const struct ingress *in)
{
	return (in->iface->flags & XDPFWD_IF_F_BRIDGE_PORT)
		       ? in->iface->bridge_ifindex
		       : in->ifindex;
}

/*
 * The kernel forwards a packet routed back out of the device it came in on
 * and may send an ICMP redirect for it (send_redirects): leave both to it.
 * On a bridge port that device is the bridge, and any egress through a
 * bridge may be the same bridge.
 */
static __always_inline bool is_hairpin(const struct ingress *in,
				       const struct xdpfwd_adj *adj,
				       __u32 egress)
{
	return egress == in->ifindex ||
	       ((in->iface->flags & XDPFWD_IF_F_BRIDGE_PORT) &&
		(adj->flags & XDPFWD_ADJ_F_BRIDGE));
}

/* a native-mode ingress redirects only to native-mode egresses */
static __always_inline bool egress_takes_it(const struct ingress *in,
					    const struct xdpfwd_adj *adj)
{
	return !(in->iface->flags & XDPFWD_IF_F_NATIVE) ||
	       (adj->flags & XDPFWD_ADJ_F_NATIVE_TX);
}

/*
 * What the kernel reads or runs for a packet routed from this ingress,
 * in the order it does: the frame's VLAN tag if the driver held it as
 * metadata (__netif_receive_skb_core()), forwarding and rp_filter of the ingress device
 * (ip_route_input_slow()), policy rules (they may select another table
 * than main, the only one the fast path has; an IPv4 local route ever
 * added counts as one: the kernel validates every source from then on),
 * tc on the ingress
 * (before any netfilter hook), then netfilter and xfrm.  Conntrack mode
 * alone (@ct, no @fw) leaves the decision to ct_verdict4/6() at the end.
 */
static __always_inline __u32 ingress_gate(__u32 flags, __u32 no_fwd,
					  __u32 rpf, __u32 rules, __u32 fw)
{
	/* a tag in metadata: the kernel sees a tagged frame (drops it
	 * without a VLAN device for its id) where XDP sees it untagged
	 */
	if (flags & XDPFWD_IF_F_VLAN_HW)
		return XDPFWD_R_PASS_VLAN_HW;
	if (flags & no_fwd)
		return XDPFWD_R_PASS_FORWARDING;
	if (flags & rpf)
		return XDPFWD_R_PASS_RPFILTER;
	if (flags & rules)
		return XDPFWD_R_PASS_POLICY;
	if (flags & XDPFWD_IF_F_TC)
		return XDPFWD_R_PASS_TC;
	if (!(flags & fw))
		return XDPFWD_R_CONTINUE;
	return XDPFWD_R_PASS_FIREWALL;
}

/* the egress's qdisc or netdev egress chain would see the packet, which
 * an XDP redirect skips
 */
static __always_inline __u32 egress_hooks(const struct xdpfwd_adj *adj)
{
	return adj->flags & XDPFWD_ADJ_F_TC ? XDPFWD_R_PASS_TC
					    : XDPFWD_R_PASS_FIREWALL;
}

static __always_inline __u32 forward_ipv4(struct cursor *c, struct ethhdr *eth,
					  const struct ingress *in,
					  __u32 *egress, __u32 *trim)
{
	struct xdpfwd_adj *adj;
	const __u8 *dmac;
	__u32 *seen = NULL;
	struct iphdr *iph;
	__u32 r, ports = 0, ifindex, room = c->left; /* L3 bytes in frame */
	__u16 nhg, tot;
	bool ct = false;
	struct cursor l4;

#ifndef XDPFWD_OMIT_SETTINGS
	/* one test for the common case, where none applies */
	if (in->iface->flags & (XDPFWD_IF_F_NO_FWD4 | XDPFWD_IF_F_RPF4 |
				XDPFWD_IF_F_RULES4 | XDPFWD_IF_F_FW4 |
				XDPFWD_IF_F_TC | XDPFWD_IF_F_CT4 |
				XDPFWD_IF_F_VLAN_HW)) {
		r = ingress_gate(in->iface->flags, XDPFWD_IF_F_NO_FWD4,
				 XDPFWD_IF_F_RPF4, XDPFWD_IF_F_RULES4,
				 XDPFWD_IF_F_FW4);
		if (r != XDPFWD_R_CONTINUE)
			return r;
		ct = true;
	}
#endif
	r = parse_ipv4(c, &iph);
	if (r != XDPFWD_R_CONTINUE)
		return r;
	l4 = *c;
	if (iph->ttl <= 1)
		return XDPFWD_R_PASS_TTL;
	if (ipv4_is_special(iph->daddr) || ipv4_is_special(iph->saddr))
		return XDPFWD_R_PASS_NON_UNICAST;
#ifndef XDPFWD_OMIT_MARTIAN
	if (bpf_map_lookup_elem(&local4, &iph->saddr))
		return XDPFWD_R_PASS_MARTIAN;
#endif

	nhg = fib4_lookup(bpf_ntohl(iph->daddr));
	if (!nhg)
		return XDPFWD_R_PASS_NO_ROUTE;

	tot = bpf_ntohs(iph->tot_len);
	if (!ipv4_is_fragment(iph))
		ports = parse_l4_ports(c, iph->protocol, tot - sizeof(*iph));
	r = nh_select(nhg, flow_hash4(iph->saddr, iph->daddr, iph->protocol,
				      ports), ingress_l3(in), &adj);
	if (r != XDPFWD_R_CONTINUE)
		return r;
	r = nh_dmac4(adj, iph->daddr, &dmac, &ifindex, &seen);
	if (r != XDPFWD_R_CONTINUE)
		return r;
#ifndef XDPFWD_OMIT_HAIRPIN
	if (is_hairpin(in, adj, ifindex))
		return XDPFWD_R_PASS_HAIRPIN;
#endif
#ifndef XDPFWD_OMIT_EGRESS_MODE
	if (!egress_takes_it(in, adj))
		return XDPFWD_R_PASS_EGRESS;
#endif
	if (adj->flags & (XDPFWD_ADJ_F_TC | XDPFWD_ADJ_F_FW))
		return egress_hooks(adj);

	/* the kernel fragments or sends frag-needed */
	if (tot > adj->mtu)
		return XDPFWD_R_PASS_MTU;
	if (ct) {
		r = ct_verdict4(in->ctx, iph, &l4, tot - sizeof(*iph));
		if (r != XDPFWD_R_CONTINUE)
			return r;
	}

	if (!claim_egress(ifindex))
		return XDPFWD_R_PASS_EGRESS;
	ipv4_decrease_ttl(iph);
	eth_rewrite(eth, dmac, adj->smac);
#ifndef XDPFWD_OMIT_USE_STAMP
	if (seen)
		nh_touch(seen);
#endif
	*egress = ifindex;
	*trim = room - tot; /* parse_ipv4() passed tot_len > room */
	return XDPFWD_R_FWD_V4;
}

static __always_inline __u32 forward_ipv6(struct cursor *c, struct ethhdr *eth,
					  const struct ingress *in,
					  __u32 *egress, __u32 *trim)
{
	struct xdpfwd_adj *adj;
	struct ipv6hdr *ip6h;
	const __u8 *dmac;
	__u32 *seen = NULL;
	__u32 r, ports = 0, ifindex, nhg, len, room = c->left;
	bool ct = false;
	struct cursor l4;

#ifndef XDPFWD_OMIT_SETTINGS
	if (in->iface->flags & (XDPFWD_IF_F_NO_FWD6 | XDPFWD_IF_F_RULES6 |
				XDPFWD_IF_F_FW6 | XDPFWD_IF_F_TC |
				XDPFWD_IF_F_CT6 | XDPFWD_IF_F_VLAN_HW)) {
		/* (ip6_forward() reads all.forwarding; no rp_filter) */
		r = ingress_gate(in->iface->flags, XDPFWD_IF_F_NO_FWD6, 0,
				 XDPFWD_IF_F_RULES6, XDPFWD_IF_F_FW6);
		if (r != XDPFWD_R_CONTINUE)
			return r;
		ct = true;
	}
#endif
	r = parse_ipv6(c, &ip6h);
	if (r != XDPFWD_R_CONTINUE)
		return r;
	l4 = *c;
	if (ip6h->hop_limit <= 1)
		return XDPFWD_R_PASS_TTL;
	if (ipv6_is_special(&ip6h->daddr) || ipv6_is_special(&ip6h->saddr))
		return XDPFWD_R_PASS_NON_UNICAST;

	nhg = fib6_lookup(&ip6h->daddr);
	if (!nhg)
		return XDPFWD_R_PASS_NO_ROUTE;

	len = bpf_ntohs(ip6h->payload_len);
	/* ports only right behind the fixed header; a Fragment header
	 * (or any other) hashes on addresses and next header alone
	 */
	if (ip6h->nexthdr != IPV6_NEXTHDR_FRAGMENT)
		ports = parse_l4_ports(c, ip6h->nexthdr, len);
	r = nh_select(nhg, flow_hash6(&ip6h->saddr, &ip6h->daddr,
				      ip6h->nexthdr, ports), ingress_l3(in),
		      &adj);
	if (r != XDPFWD_R_CONTINUE)
		return r;
	r = nh_dmac6(adj, &ip6h->daddr, &dmac, &ifindex, &seen);
	if (r != XDPFWD_R_CONTINUE)
		return r;
#ifndef XDPFWD_OMIT_HAIRPIN
	if (is_hairpin(in, adj, ifindex))
		return XDPFWD_R_PASS_HAIRPIN;
#endif
#ifndef XDPFWD_OMIT_EGRESS_MODE
	if (!egress_takes_it(in, adj))
		return XDPFWD_R_PASS_EGRESS;
#endif
	if (adj->flags & (XDPFWD_ADJ_F_TC | XDPFWD_ADJ_F_FW))
		return egress_hooks(adj);

	/* the kernel sends packet-too-big */
	if (len + sizeof(*ip6h) > adj->mtu6)
		return XDPFWD_R_PASS_MTU;
	if (ct) {
		r = ct_verdict6(in->ctx, ip6h, &l4, len);
		if (r != XDPFWD_R_CONTINUE)
			return r;
	}
	len += sizeof(*ip6h);

	if (!claim_egress(ifindex))
		return XDPFWD_R_PASS_EGRESS;
	ipv6_decrease_hop_limit(ip6h);
	eth_rewrite(eth, dmac, adj->smac);
#ifndef XDPFWD_OMIT_USE_STAMP
	if (seen)
		nh_touch(seen);
#endif
	*egress = ifindex;
	*trim = room - len; /* parse_ipv6() passed payload_len > room */
	return XDPFWD_R_FWD_V6;
}

static __always_inline __u32 route_frame(struct cursor *c, struct ethhdr *eth,
					 const struct ingress *in,
					 __u32 *egress, __u32 *trim)
{
	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):
		return forward_ipv4(c, eth, in, egress, trim);
	case bpf_htons(ETH_P_IPV6):
		return forward_ipv6(c, eth, in, egress, trim);
	case bpf_htons(ETH_P_8021Q):
	case bpf_htons(ETH_P_8021AD):
		return XDPFWD_R_PASS_VLAN;
	default:
		return XDPFWD_R_PASS_ETHERTYPE;
	}
}

/* A frame on a bridge port: bridged, routed (to the bridge's MAC) or the
 * kernel's.  The source's FDB entry is marked active when either is done
 * here, since the kernel bridge does not see the frame.
 */
static __always_inline __u32 bridge_port_frame(struct cursor *c,
					       struct ethhdr *eth,
					       const struct ingress *in,
					       __u32 len, __u32 *egress,
					       __u32 *trim)
{
	struct xdpfwd_fdb *src = NULL;
	__u32 r;

	/* the port's tc and the bridge's netfilter see every frame, routed
	 * or bridged, before the bridge decides; a tag in metadata is kept
	 * by the kernel bridge, lost by a redirect
	 */
	if (in->iface->flags & (XDPFWD_IF_F_TC | XDPFWD_IF_F_FW_BRIDGE |
				XDPFWD_IF_F_VLAN_HW))
		return in->iface->flags & XDPFWD_IF_F_VLAN_HW
			       ? XDPFWD_R_PASS_VLAN_HW
		       : in->iface->flags & XDPFWD_IF_F_TC
			       ? XDPFWD_R_PASS_TC
			       : XDPFWD_R_PASS_FIREWALL;
	r = bridge_ingress(eth, in->iface, in->ifindex, &src);
	if (r != XDPFWD_R_CONTINUE || !src)
		return r;
	if (mac_equal(eth->h_dest, in->iface->mac))
		r = route_frame(c, eth, in, egress, trim);
	else
		r = bridge_forward(eth, in->iface, in->ifindex, len, egress);
	if (reason_action(r) == XDP_REDIRECT)
		fdb_touch(src);
	return r;
}

static __always_inline __u32 xdpfwd_process(struct xdp_md *ctx, __u32 len,
					    __u32 *egress, __u32 *trim)
{
	struct ingress in = { .ifindex = ctx->ingress_ifindex, .ctx = ctx };
	struct ethhdr *eth;
	struct cursor c;

	in.iface = bpf_map_lookup_elem(&ifaces, &in.ifindex);
	if (!in.iface || !(in.iface->flags & XDPFWD_IF_F_ENABLED))
		return XDPFWD_R_PASS_DISABLED;
#ifndef XDPFWD_OMIT_LIVENESS
	if (!plugin_alive())
		return XDPFWD_R_PASS_STALE;
#endif

	cursor_init(&c, ctx, len);
	if (!cursor_pull(&c, eth))
		return XDPFWD_R_PASS_MALFORMED;
	if (in.iface->flags & XDPFWD_IF_F_BRIDGE_PORT)
		return bridge_port_frame(&c, eth, &in, len, egress, trim);
	/* also turns away broadcast and multicast frames */
	if (!mac_equal(eth->h_dest, in.iface->mac))
		return XDPFWD_R_PASS_NOT_OURS;
	return route_frame(&c, eth, &in, egress, trim);
}

SEC("xdp")
int xdpfwd_main(struct xdp_md *ctx)
{
	/* a helper: data_end - data is pointer arithmetic, refused to
	 * loaders without CAP_PERFMON
	 */
	__u32 bytes = bpf_xdp_get_buff_len(ctx);
	__u32 egress = 0, trim = 0;
	__u32 reason;
	int action;

	reason = xdpfwd_process(ctx, bytes, &egress, &trim);
	/* last: it invalidates every packet pointer.  It cannot fail here
	 * (what stays is a whole IP packet behind its Ethernet header), and
	 * the frame is already rewritten, so there is no going back anyway.
	 */
#ifndef XDPFWD_OMIT_TRIM
	if (trim && reason_action(reason) == XDP_REDIRECT)
		bpf_xdp_adjust_tail(ctx, -(int)trim);
#endif
	action = count_verdict(reason, ctx->ingress_ifindex, egress, bytes);
#ifndef XDPFWD_OMIT_TRACE
	trace_frame(ctx, reason, action, ctx->ingress_ifindex, egress, bytes);
#endif
	return action;
}
