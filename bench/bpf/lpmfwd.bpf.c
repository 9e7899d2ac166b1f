// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reference forwarder (b): a BPF LPM trie per family plus a neighbour
 * hash, as samples/bpf/xdp_router_ipv4 (routes mirrored from the kernel
 * into an LPM trie, gateway MAC from an ARP hash, redirect through a
 * devmap).  Route value: egress ifindex and gateway; the gateway's MAC
 * comes from the neighbour hash, the source MAC from the egress
 * interface's entry.
 */
#include "bench_common.h"
#include "bench_maps.h"

char LICENSE[] SEC("license") = "GPL";

/* sizes are set by the loader to the table being measured */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm4_key);
	__type(value, struct lpm_route4);
	__uint(max_entries, 1024);
} lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm6_key);
	__type(value, struct lpm_route6);
	__uint(max_entries, 1024);
} lpm6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __be32);
	__type(value, struct lpm_neigh);
	__uint(max_entries, 1024);
} neigh4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct in6_addr);
	__type(value, struct lpm_neigh);
	__uint(max_entries, 1024);
} neigh6 SEC(".maps");

/* egress interface MACs, indexed by ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct lpm_neigh);
	__uint(max_entries, 256);
} ifmac SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 64);
} tx_ports SEC(".maps");

static __always_inline int fwd4(struct ethhdr *eth, void *data_end)
{
	struct iphdr *iph = (void *)(eth + 1);
	struct lpm4_key key = { .prefixlen = 32 };
	struct lpm_neigh *n, *s;
	struct lpm_route4 *r;
	__u32 oif;

	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	if (iph->ttl <= 1)
		return XDP_PASS;
	key.addr = iph->daddr;
	r = bpf_map_lookup_elem(&lpm4, &key);
	if (!r)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&neigh4, &r->gw);
	if (!n)
		return XDP_PASS;
	oif = r->ifindex;
	s = bpf_map_lookup_elem(&ifmac, &oif);
	if (!s)
		return XDP_PASS;
	if (!claim_port(&tx_ports, oif))
		return XDP_PASS;
	ip_decrease_ttl(iph);
	set_macs(eth, n->mac, s->mac);
	return XDP_REDIRECT;
}

static __always_inline int fwd6(struct ethhdr *eth, void *data_end)
{
	struct ipv6hdr *ip6h = (void *)(eth + 1);
	struct lpm6_key key = { .prefixlen = 128 };
	struct lpm_neigh *n, *s;
	struct lpm_route6 *r;
	__u32 oif;

	if ((void *)(ip6h + 1) > data_end)
		return XDP_PASS;
	if (ip6h->hop_limit <= 1)
		return XDP_PASS;
	__builtin_memcpy(key.addr, &ip6h->daddr, 16);
	r = bpf_map_lookup_elem(&lpm6, &key);
	if (!r)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&neigh6, r->gw);
	if (!n)
		return XDP_PASS;
	oif = r->ifindex;
	s = bpf_map_lookup_elem(&ifmac, &oif);
	if (!s)
		return XDP_PASS;
	if (!claim_port(&tx_ports, oif))
		return XDP_PASS;
	ip6h->hop_limit--;
	set_macs(eth, n->mac, s->mac);
	return XDP_REDIRECT;
}

SEC("xdp")
int lpmfwd_main(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return fwd4(eth, data_end);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return fwd6(eth, data_end);
	return XDP_PASS;
}
