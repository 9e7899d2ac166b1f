/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bridging on a bridge port: the kernel bridge's decision for known
 * unicast, taken from the FDB map the plugin mirrors from the kernel.
 * Everything else a bridge does (flooding, control protocols, learning,
 * port states, ageing) stays with the kernel bridge: such frames pass.
 *
 * Order of the checks on a bridge port (the first that applies is the
 * counted reason): link-local control destination, port not forwarding,
 * group (broadcast/multicast) destination, source MAC not learned on this
 * port; then the router's MAC goes to the routed path, and for the rest:
 * VLAN tag, destination not in the FDB, local entry, hairpin, egress port
 * (enabled, forwarding, same bridge, its qdisc or egress chain, MTU, in
 * tx_ports).  (The port's own tc and the bridge's netfilter are checked
 * before all of these, in xdpfwd.bpf.c.)
 */
#ifndef XDPFWD_BPF_BRIDGE_H
#define XDPFWD_BPF_BRIDGE_H

#include "common.h"
#include "maps.h"

#define NSEC_PER_SEC 1000000000ULL
#define VLAN_HLEN 4

/* IEEE 802.1D reserved addresses 01:80:c2:00:00:00-0f (STP BPDUs, pause,
 * LACP, 802.1X, LLDP): never forwarded as data, the bridge decides
 */
static __always_inline bool mac_is_link_local(const __u8 *m)
{
	return m[0] == 0x01 && m[1] == 0x80 && m[2] == 0xc2 && m[3] == 0 &&
	       m[4] == 0 && (m[5] & 0xf0) == 0;
}

static __always_inline struct xdpfwd_fdb *fdb_lookup(__u32 bridge,
						     const __u8 *mac)
{
	/* the hash wants the key on the stack, pad included */
	struct xdpfwd_fdb_key key = { .bridge_ifindex = bridge };

	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	return bpf_map_lookup_elem(&fdb, &key);
}

/* A frame from this MAC was forwarded in XDP: the kernel, which did not
 * see it, is told by the plugin.  At most one store a second per MAC so
 * that CPUs do not fight over the cache line.
 */
static __always_inline void fdb_touch(struct xdpfwd_fdb *f)
{
	__u64 now = bpf_ktime_get_coarse_ns();

	if (now - READ_ONCE(f->seen_ns) > NSEC_PER_SEC)
		f->seen_ns = now;
}

/*
 * What the kernel bridge must see whatever the destination: control
 * frames, frames on a port that does not forward, flooded frames, and
 * frames the kernel learns from (source unknown, moved to this port, or
 * claiming one of the bridge's own addresses).  Returns
 * XDPFWD_R_CONTINUE with *srcp set to the source's entry otherwise.
 */
static __always_inline __u32 bridge_ingress(const struct ethhdr *eth,
					    const struct xdpfwd_iface *iface,
					    __u32 ingress,
					    struct xdpfwd_fdb **srcp)
{
	struct xdpfwd_fdb *src;

	if (mac_is_link_local(eth->h_dest))
		return XDPFWD_R_PASS_BRIDGE_CONTROL;
	if (!(iface->flags & XDPFWD_IF_F_FORWARDING))
		return XDPFWD_R_PASS_BRIDGE_STATE;
	if (eth->h_dest[0] & 1)
		return XDPFWD_R_PASS_BRIDGE_FLOOD;
	src = fdb_lookup(iface->bridge_ifindex, eth->h_source);
	if (!src || READ_ONCE(src->port_ifindex) != ingress ||
	    (READ_ONCE(src->flags) & XDPFWD_FDB_F_LOCAL))
		return XDPFWD_R_PASS_BRIDGE_LEARN;
	*srcp = src;
	return XDPFWD_R_CONTINUE;
}

/* Known unicast to another port (or back out of a hairpin port). */
static __always_inline __u32 bridge_forward(const struct ethhdr *eth,
					    const struct xdpfwd_iface *iface,
					    __u32 ingress, __u32 len,
					    __u32 *egress)
{
	/* a native-mode ingress redirects only to a native-mode port */
	const __u32 need = XDPFWD_IF_F_ENABLED | XDPFWD_IF_F_BRIDGE_PORT |
			   XDPFWD_IF_F_FORWARDING |
			   (iface->flags & XDPFWD_IF_F_NATIVE);
	__u32 bridge = iface->bridge_ifindex, port;
	struct xdpfwd_iface *out;
	struct xdpfwd_fdb *dst;

	/* without VLAN filtering the kernel would bridge tagged frames by
	 * MAC alone; with it the FDB is per VLAN: leave both to the kernel
	 */
	if (eth->h_proto == bpf_htons(ETH_P_8021Q) ||
	    eth->h_proto == bpf_htons(ETH_P_8021AD))
		return XDPFWD_R_PASS_VLAN;

	dst = fdb_lookup(bridge, eth->h_dest);
	if (!dst)
		return XDPFWD_R_PASS_BRIDGE_UNKNOWN;
	if (READ_ONCE(dst->flags) & XDPFWD_FDB_F_LOCAL)
		return XDPFWD_R_PASS_BRIDGE_LOCAL;
	port = READ_ONCE(dst->port_ifindex);
	/* the kernel bridge drops it too (should_deliver()) */
	if (port == ingress && !(iface->flags & XDPFWD_IF_F_HAIRPIN))
		return XDPFWD_R_DROP_HAIRPIN;

	out = bpf_map_lookup_elem(&ifaces, &port);
	if (!out || (READ_ONCE(out->flags) & need) != need ||
	    READ_ONCE(out->bridge_ifindex) != bridge)
		return XDPFWD_R_PASS_BRIDGE_EGRESS;
	/* its qdisc or netdev egress chain would see the frame */
	if (READ_ONCE(out->flags) & (XDPFWD_IF_F_TX_TC | XDPFWD_IF_F_TX_FW))
		return READ_ONCE(out->flags) & XDPFWD_IF_F_TX_TC
			       ? XDPFWD_R_PASS_TC
			       : XDPFWD_R_PASS_FIREWALL;
	/* as is_skb_forwardable() and the devmap: MTU + header + one tag */
	if (len > (__u32)READ_ONCE(out->mtu) + ETH_HLEN + VLAN_HLEN)
		return XDPFWD_R_PASS_MTU;
	if (bpf_redirect_map(&tx_ports, port, XDP_PASS) != XDP_REDIRECT)
		return XDPFWD_R_PASS_BRIDGE_EGRESS;
	*egress = port;
	return XDPFWD_R_BRIDGE_FWD;
}

#endif /* XDPFWD_BPF_BRIDGE_H */
