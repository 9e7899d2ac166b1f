/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Header parsing.  Every header is reached through a cursor that checks
 * the bytes against data_end before handing out a pointer, so the bounds
 * check and the advance cannot get out of step.
 */
#ifndef XDPFWD_BPF_PARSE_H
#define XDPFWD_BPF_PARSE_H

#include "common.h"

/* not in uapi headers */
#define IPV4_MF 0x2000
#define IPV4_OFFSET 0x1fff
#define IPV6_NEXTHDR_HOP 0
#define IPV6_NEXTHDR_FRAGMENT 44

/*
 * pos/end give the verifier its proof for every access; left is the same
 * distance as a plain number, for comparisons with length fields (packet
 * pointer arithmetic with a variable is refused without CAP_PERFMON).
 */
struct cursor {
	void *pos;
	void *end;
	__u32 left;
};

struct l4ports {
	__be16 source;
	__be16 dest;
};

/* @len: the frame length, bpf_xdp_get_buff_len() */
static __always_inline void cursor_init(struct cursor *c, struct xdp_md *ctx,
					__u32 len)
{
	c->pos = (void *)(long)ctx->data;
	c->end = (void *)(long)ctx->data_end;
	c->left = len;
}

/*
 * Point @out at @len bytes at the cursor and move past them; false if the
 * packet is shorter.  Success is a bool, not a NULL pointer: comparing a
 * packet pointer with NULL is refused to loaders without CAP_PERFMON.
 */
static __always_inline bool cursor_pull_bytes(struct cursor *c, void **out,
					      __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end || len > c->left)
		return false;
	c->pos = p + len;
	c->left -= len;
	*out = p;
	return true;
}

#define cursor_pull(c, ptr) \
	cursor_pull_bytes((c), (void **)&(ptr), sizeof(*(ptr)))

/* one's-complement sum folded to 16 bits */
static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * IPv4 header without options.  The kernel drops headers that are bad or
 * longer than the frame; passing them keeps its statistics and behaviour,
 * and the length and checksum are what the forwarding below relies on.
 */
static __always_inline __u32 parse_ipv4(struct cursor *c, struct iphdr **iphp)
{
	struct iphdr *iph;
	__u32 sum = 0;
	__u16 tot, *w;
	int i;

	if (!cursor_pull(c, iph))
		return XDPFWD_R_PASS_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return XDPFWD_R_PASS_MALFORMED;
	/* options need the kernel (record route, timestamps, router alert) */
	if (iph->ihl > 5)
		return XDPFWD_R_PASS_IP_OPTIONS;

	tot = bpf_ntohs(iph->tot_len);
	if (tot < sizeof(*iph) || tot - sizeof(*iph) > c->left)
		return XDPFWD_R_PASS_MALFORMED;

	/* an incremental update would carry a bad checksum along */
	w = (__u16 *)iph;
#pragma unroll
	for (i = 0; i < (int)(sizeof(*iph) / 2); i++)
		sum += w[i];
	if (csum_fold(sum) != 0xffff)
		return XDPFWD_R_PASS_MALFORMED;

	*iphp = iph;
	return XDPFWD_R_CONTINUE;
}

static __always_inline bool ipv4_is_fragment(const struct iphdr *iph)
{
	return iph->frag_off & bpf_htons(IPV4_MF | IPV4_OFFSET);
}

/*
 * IPv6 fixed header.  A hop-by-hop header must be processed by every
 * router (router alert, jumbo payload with payload_len 0), so it is left
 * to the kernel like IPv4 options.
 */
static __always_inline __u32 parse_ipv6(struct cursor *c,
					struct ipv6hdr **ip6hp)
{
	struct ipv6hdr *ip6h;

	if (!cursor_pull(c, ip6h))
		return XDPFWD_R_PASS_MALFORMED;
	if (ip6h->version != 6)
		return XDPFWD_R_PASS_MALFORMED;
	if (ip6h->nexthdr == IPV6_NEXTHDR_HOP)
		return XDPFWD_R_PASS_IP_OPTIONS;
	if (bpf_ntohs(ip6h->payload_len) > c->left)
		return XDPFWD_R_PASS_MALFORMED;

	*ip6hp = ip6h;
	return XDPFWD_R_CONTINUE;
}

/*
 * Source and destination ports as one raw word for the flow hash, 0 when
 * the protocol has none or the L4 header is not all inside @l4len (the
 * L3 payload).  Only called on unfragmented packets: a non-first fragment
 * has no ports and the first must hash like the rest.
 */
static __always_inline __u32 parse_l4_ports(struct cursor *c, __u8 proto,
					    __u32 l4len)
{
	struct l4ports *p;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		break;
	default:
		return 0;
	}
	if (l4len < sizeof(*p))
		return 0;
	if (!cursor_pull(c, p))
		return 0;
	return ((__u32)p->source << 16) | p->dest;
}

#endif /* XDPFWD_BPF_PARSE_H */
