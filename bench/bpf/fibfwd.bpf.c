// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reference forwarder (a): the kernel's FIB through bpf_fib_lookup(), as
 * samples/bpf/xdp_fwd_kern.c and xdp-tools' xdp-forward do it: parse,
 * bpf_fib_lookup() (routes and neighbours from the kernel tables of the
 * namespace), TTL / hop-limit decrement, MAC rewrite, bpf_redirect_map().
 * Anything the helper does not resolve completely goes to the kernel.
 */
#include "bench_common.h"

char LICENSE[] SEC("license") = "GPL";

/* 0: full lookup (FIB rules honoured), as the samples' default mode */
const volatile __u32 fib_flags = 0;

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 64);
} tx_ports SEC(".maps");

SEC("xdp")
int fibfwd_main(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bpf_fib_lookup p = {};
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	__u16 proto;
	int rc;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	proto = eth->h_proto;

	if (proto == bpf_htons(ETH_P_IP)) {
		iph = (void *)(eth + 1);
		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		if (iph->ttl <= 1)
			return XDP_PASS;
		p.family = AF_INET;
		p.tos = iph->tos;
		p.l4_protocol = iph->protocol;
		p.tot_len = bpf_ntohs(iph->tot_len);
		p.ipv4_src = iph->saddr;
		p.ipv4_dst = iph->daddr;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		ip6h = (void *)(eth + 1);
		if ((void *)(ip6h + 1) > data_end)
			return XDP_PASS;
		if (ip6h->hop_limit <= 1)
			return XDP_PASS;
		p.family = AF_INET6;
		p.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0FFFFFFF);
		p.l4_protocol = ip6h->nexthdr;
		p.tot_len = bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(p.ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(p.ipv6_dst, &ip6h->daddr, 16);
	} else {
		return XDP_PASS;
	}
	p.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &p, sizeof(p), fib_flags);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	if (!claim_port(&tx_ports, p.ifindex))
		return XDP_PASS;
	if (proto == bpf_htons(ETH_P_IP)) {
		iph = (void *)(eth + 1);
		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		ip_decrease_ttl(iph);
	} else {
		ip6h = (void *)(eth + 1);
		if ((void *)(ip6h + 1) > data_end)
			return XDP_PASS;
		ip6h->hop_limit--;
	}
	set_macs(eth, p.dmac, p.smac);
	return XDP_REDIRECT;
}
