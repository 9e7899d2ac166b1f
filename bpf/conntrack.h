/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conntrack mode (`xdpfwd firewall conntrack`), where nftables or
 * x_tables rules concern a family (XDPFWD_IF_F_CT4/CT6 on the ingress).
 * As the kernel's flowtable does, a packet is forwarded in XDP only when
 * conntrack has already decided its connection: confirmed, seen both
 * ways and assured (TCP ESTABLISHED, UDP a stream), not NATed, no helper
 * nor expectation, a TCP packet without SYN, FIN or RST, and for TCP both
 * directions liberal (see struct xdpfwd_ct_report).  Everything else goes
 * to the kernel, whose conntrack and rules see it.
 *
 * The rules are not run for what XDP carries: a packet of an established
 * connection is taken to meet the verdict its connection met, as with
 * `ct state established accept` (or a flowtable) first in the ruleset.
 *
 * Conntrack's timeout is refreshed for what XDP carries (the kernel's
 * would lapse under a live flow), only when less than half of it is left:
 * writing the entry on every packet would bounce its cache line.
 */
#ifndef XDPFWD_BPF_CONNTRACK_H
#define XDPFWD_BPF_CONNTRACK_H

#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "common.h"
#include "parse.h"

#ifndef AF_INET
#define AF_INET 2
#define AF_INET6 10
#endif

/* The fields of the kernel's struct nf_conn read here, relocated against
 * the running kernel's BTF (CO-RE); the kernel's names without ___x.
 */
struct ip_ct_tcp_state___x {
	__u8 flags;
} __attribute__((preserve_access_index));

struct ip_ct_tcp___x {
	struct ip_ct_tcp_state___x seen[2];
	__u8 state;
} __attribute__((preserve_access_index));

union nf_conntrack_proto___x {
	struct ip_ct_tcp___x tcp;
} __attribute__((preserve_access_index));

struct nf_ct_ext___x {
	__u8 offset[1]; /* [NF_CT_EXT_HELPER (0)]: 0 when no helper */
} __attribute__((preserve_access_index));

struct nf_conn___x {
	__u32 timeout; /* jiffies, 32 bits */
	unsigned long status;
	struct nf_conn___x *master;
	struct nf_ct_ext___x *ext;
	union nf_conntrack_proto___x proto;
} __attribute__((preserve_access_index));

struct bpf_ct_opts___x {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u16 ct_zone_id;
	__u8 ct_zone_dir;
	__u8 reserved[3];
};

/* weak: a kernel without nf_conntrack still loads the program (and
 * passes these packets)
 */
extern struct nf_conn___x *
bpf_xdp_ct_lookup(struct xdp_md *ctx, struct bpf_sock_tuple *tuple,
		  __u32 tuple__sz, struct bpf_ct_opts___x *opts,
		  __u32 opts__sz) __ksym __weak;
extern void bpf_ct_release(struct nf_conn___x *ct) __ksym __weak;
extern int bpf_ct_change_timeout(struct nf_conn___x *ct,
				 __u32 timeout) __ksym __weak;
extern unsigned int CONFIG_HZ __kconfig __weak;

/*
 * Reading struct nf_conn takes CAP_PERFMON or CAP_SYS_ADMIN at load time
 * (zebra loads holding CAP_SYS_ADMIN): a loader without them leaves this
 * 0, the verifier drops the reads as dead code and conntrack mode passes
 * every packet it would have looked up.
 */
const volatile __u32 xdpfwd_ct_reads = 0;

/*
 * The timeouts conntrack gives an established TCP connection and an
 * assured UDP stream, in ms (net.netfilter.nf_conntrack_tcp_timeout_
 * established, _udp_timeout_stream); written by the plugin through the
 * mmapped .bss.  0: not refreshed.
 */
__u32 xdpfwd_ct_timeout_ms[2] = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPFWD_CT_RING_BYTES);
} ct_ring SEC(".maps");

#define CT_OK_STATUS (IPS_CONFIRMED | IPS_SEEN_REPLY | IPS_ASSURED)
#define CT_NAT_STATUS (IPS_EXPECTED | IPS_NAT_MASK | IPS_SEQ_ADJUST | IPS_HELPER)
#define CT_TCP_LIBERAL(ct)                                                   \
	((ct)->proto.tcp.seen[0].flags & (ct)->proto.tcp.seen[1].flags &     \
	 IP_CT_TCP_FLAG_BE_LIBERAL)

static __always_inline void ct_report(const struct bpf_sock_tuple *t,
				      __u8 family, __u8 l4proto)
{
	struct xdpfwd_ct_report *r;

	/* a full ring loses the report: the next packet sends another */
	r = bpf_ringbuf_reserve(&ct_ring, sizeof(*r), 0);
	if (!r)
		return;
	r->family = family;
	r->l4proto = l4proto;
	r->pad = 0;
	__builtin_memset(r->saddr, 0, sizeof(r->saddr));
	__builtin_memset(r->daddr, 0, sizeof(r->daddr));
	if (family == AF_INET) {
		__builtin_memcpy(r->saddr, &t->ipv4.saddr, 4);
		__builtin_memcpy(r->daddr, &t->ipv4.daddr, 4);
		r->sport = t->ipv4.sport;
		r->dport = t->ipv4.dport;
	} else {
		__builtin_memcpy(r->saddr, t->ipv6.saddr, 16);
		__builtin_memcpy(r->daddr, t->ipv6.daddr, 16);
		r->sport = t->ipv6.sport;
		r->dport = t->ipv6.dport;
	}
	bpf_ringbuf_submit(r, 0);
}

/* keep the entry from expiring under a flow the kernel does not see */
static __always_inline void ct_refresh(struct nf_conn___x *ct, bool tcp)
{
	__u32 full = READ_ONCE(xdpfwd_ct_timeout_ms[tcp ? 0 : 1]);
	__u32 hz = CONFIG_HZ ? CONFIG_HZ : 1000; /* unknown: refresh early */
	__s32 left = (__s32)(ct->timeout - (__u32)bpf_jiffies64());

	if (!full)
		return;
	if (left < 0 || (__u64)left * 1000 < (__u64)(full / 2) * hz)
		bpf_ct_change_timeout(ct, full);
}

/*
 * The verdict for a packet routed in conntrack mode: XDPFWD_R_CONTINUE
 * if XDP may forward it.  @l4 is the cursor at the L4 header (the IPv4
 * header has no options, the IPv6 one no extension header before it),
 * @l4len the L4 bytes by the IP header.
 */
static __always_inline __u32 ct_verdict(struct xdp_md *ctx,
					struct bpf_sock_tuple *t, __u32 tsz,
					__u8 family, __u8 proto,
					struct cursor *l4, __u32 l4len)
{
	struct bpf_ct_opts___x opts = { .netns_id = -1, .l4proto = proto };
	struct nf_conn___x *ct;
	struct tcphdr *th;
	struct l4ports *p;
	unsigned long status;
	__u32 r = XDPFWD_R_CONTINUE;
	bool tcp = proto == IPPROTO_TCP;

	if (!xdpfwd_ct_reads || !bpf_xdp_ct_lookup)
		return XDPFWD_R_PASS_CONNTRACK;
	if (tcp) {
		if (l4len < sizeof(*th) || !cursor_pull(l4, th))
			return XDPFWD_R_PASS_CONNTRACK;
		if (th->syn || th->fin || th->rst)
			return XDPFWD_R_PASS_CONNTRACK;
		p = (struct l4ports *)th;
	} else if (proto == IPPROTO_UDP) {
		if (l4len < sizeof(struct udphdr) || !cursor_pull(l4, p))
			return XDPFWD_R_PASS_CONNTRACK;
	} else {
		return XDPFWD_R_PASS_CONNTRACK;
	}
	if (family == AF_INET) {
		t->ipv4.sport = p->source;
		t->ipv4.dport = p->dest;
	} else {
		t->ipv6.sport = p->source;
		t->ipv6.dport = p->dest;
	}

	ct = bpf_xdp_ct_lookup(ctx, t, tsz, &opts, sizeof(opts));
	if (!ct)
		return XDPFWD_R_PASS_CONNTRACK;
	status = ct->status;
	if ((status & CT_NAT_STATUS) || ct->master ||
	    (ct->ext && ct->ext->offset[0]))
		r = XDPFWD_R_PASS_CT_NAT;
	else if ((status & CT_OK_STATUS) != CT_OK_STATUS ||
		 (status & IPS_DYING) ||
		 (tcp && ct->proto.tcp.state != TCP_CONNTRACK_ESTABLISHED))
		r = XDPFWD_R_PASS_CONNTRACK;
	else if (tcp && !CT_TCP_LIBERAL(ct))
		r = XDPFWD_R_PASS_CT_LIBERAL;
	else
		ct_refresh(ct, tcp);
	bpf_ct_release(ct);
	if (r == XDPFWD_R_PASS_CT_LIBERAL)
		ct_report(t, family, proto);
	return r;
}

static __always_inline __u32 ct_verdict4(struct xdp_md *ctx,
					 const struct iphdr *iph,
					 struct cursor *l4, __u32 l4len)
{
	struct bpf_sock_tuple t = {};

	if (ipv4_is_fragment(iph))
		return XDPFWD_R_PASS_CONNTRACK;
	t.ipv4.saddr = iph->saddr;
	t.ipv4.daddr = iph->daddr;
	return ct_verdict(ctx, &t, sizeof(t.ipv4), AF_INET, iph->protocol, l4,
			  l4len);
}

static __always_inline __u32 ct_verdict6(struct xdp_md *ctx,
					 const struct ipv6hdr *ip6h,
					 struct cursor *l4, __u32 l4len)
{
	struct bpf_sock_tuple t = {};

	__builtin_memcpy(t.ipv6.saddr, &ip6h->saddr, 16);
	__builtin_memcpy(t.ipv6.daddr, &ip6h->daddr, 16);
	/* a fragment or any extension header: not TCP or UDP here */
	return ct_verdict(ctx, &t, sizeof(t.ipv6), AF_INET6, ip6h->nexthdr,
			  l4, l4len);
}

#endif /* XDPFWD_BPF_CONNTRACK_H */
