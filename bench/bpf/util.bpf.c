// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Harness programs of the benchmark, not forwarders:
 *  - bench_pass: XDP_PASS and nothing else, timed exactly like the
 *    forwarders to measure what BPF_PROG_TEST_RUN itself adds per packet;
 *  - bench_sink: on the far end of every egress veth, counts what arrives
 *    (redirected xdp_frames and kernel-forwarded skbs alike) and drops it;
 *    having an XDP program there is also what makes a veth accept redirects;
 *  - bench_hdr4 / bench_hdr6: first program of every multi-packet run.
 *    BPF_PROG_TEST_RUN runs a program `repeat` times on one buffer (and
 *    with BPF_F_TEST_XDP_LIVE_FRAMES recycles its pages without copying
 *    the input in again), so a forwarded frame would come back with the
 *    TTL decremented and the MACs rewritten, and with the same
 *    destination every time (whose lookup path then sits in L1 whatever
 *    the table size).  These restore Ethernet and IP headers from a
 *    template, put in the next destination of a pool of random installed
 *    destinations, and tail-call the program under test; an empty slot
 *    returns XDP_PASS, which in a live run hands the frame to the kernel's
 *    own forwarding.  Their own cost is measured by tail-calling
 *    bench_pass, and subtracted;
 *  - bench_redirect: the cheapest possible forwarder (redirect to one
 *    port, no lookup, no rewrite): the ceiling the veth pair allows.
 */
#include "bench_common.h"
#include "bench_maps.h"

char LICENSE[] SEC("license") = "GPL";

#define HDR4_LEN (sizeof(struct ethhdr) + sizeof(struct iphdr))
#define HDR6_LEN (sizeof(struct ethhdr) + sizeof(struct ipv6hdr))

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct counter);
	__uint(max_entries, 1);
} sink_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct hdr_tmpl);
	__uint(max_entries, 1);
} tmpl SEC(".maps");

/* destinations; size a power of two, set by the loader */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct dst);
	__uint(max_entries, 1);
} dst_pool SEC(".maps");

const volatile __u32 dst_mask = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} dst_next SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} next_prog SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
} redir_port SEC(".maps");

const volatile __u32 redir_ifindex = 0;

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	struct counter *c;
	__u32 k = 0;

	c = bpf_map_lookup_elem(&sink_cnt, &k);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

static __always_inline __u16 fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

static __always_inline struct dst *next_dst(void)
{
	__u32 k = 0, *next, i;

	next = bpf_map_lookup_elem(&dst_next, &k);
	if (!next)
		return NULL;
	i = (*next)++ & dst_mask;
	return bpf_map_lookup_elem(&dst_pool, &i);
}

SEC("xdp")
int bench_hdr4(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_tmpl *t;
	struct iphdr *iph;
	struct dst *d;
	__u32 k = 0, i, sum = 0;
	__u16 *w;

	if (data + HDR4_LEN > data_end)
		return XDP_ABORTED;
	t = bpf_map_lookup_elem(&tmpl, &k);
	d = next_dst();
	if (!t || !d)
		return XDP_ABORTED;

	__builtin_memcpy(data, t->b, HDR4_LEN);
	iph = data + sizeof(struct ethhdr);
	__builtin_memcpy(&iph->daddr, d->a, 4);
	iph->check = 0;
	w = (__u16 *)iph;
#pragma unroll
	for (i = 0; i < sizeof(*iph) / 2; i++)
		sum += w[i];
	iph->check = ~fold(sum);

	bpf_tail_call(ctx, &next_prog, 0);
	return XDP_PASS;
}

SEC("xdp")
int bench_hdr6(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ipv6hdr *ip6h;
	struct hdr_tmpl *t;
	struct dst *d;
	__u32 k = 0;

	if (data + HDR6_LEN > data_end)
		return XDP_ABORTED;
	t = bpf_map_lookup_elem(&tmpl, &k);
	d = next_dst();
	if (!t || !d)
		return XDP_ABORTED;

	__builtin_memcpy(data, t->b, HDR6_LEN);
	ip6h = data + sizeof(struct ethhdr);
	__builtin_memcpy(&ip6h->daddr, d->a, 16);

	bpf_tail_call(ctx, &next_prog, 0);
	return XDP_PASS;
}

SEC("xdp")
int bench_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&redir_port, redir_ifindex, 0);
}
