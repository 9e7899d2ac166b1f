/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet trace (`debug xdpfwd packet [interface IFNAME] [count N]`): the
 * plugin arms a budget of records, optionally for one ingress; each frame
 * then reports its verdict and its first bytes, as it leaves, through a
 * ring buffer.  Off (budget 0) it costs one read per frame.
 */
#ifndef XDPFWD_BPF_TRACE_H
#define XDPFWD_BPF_TRACE_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPFWD_TRACE_RING_BYTES);
} trace_ring SEC(".maps");

/*
 * Records still to emit, and the ingress they are for (0: any); written
 * by the plugin through the mmapped .bss.  The decrement is not atomic
 * (an atomic fetch needs BPF ISA v3): CPUs racing on the last records may
 * emit a few more, which the plugin counts off and drops.
 */
__s32 xdpfwd_trace_budget = 0;
__u32 xdpfwd_trace_ifindex = 0;

static __always_inline void trace_frame(struct xdp_md *ctx, __u32 reason,
					int action, __u32 ingress,
					__u32 egress, __u32 len)
{
	struct xdpfwd_trace_rec *rec;
	__s32 budget = READ_ONCE(xdpfwd_trace_budget);
	__u32 filter, caplen;

	if (budget <= 0)
		return;
	filter = READ_ONCE(xdpfwd_trace_ifindex);
	if (filter && filter != ingress)
		return;
	WRITE_ONCE(xdpfwd_trace_budget, budget - 1);
	rec = bpf_ringbuf_reserve(&trace_ring, sizeof(*rec), 0);
	if (!rec)
		return;
	rec->ts_ns = bpf_ktime_get_ns();
	rec->ingress = ingress;
	rec->egress = egress;
	rec->reason = reason;
	rec->action = action;
	rec->len = len;
	caplen = bpf_xdp_get_buff_len(ctx);
	if (caplen > XDPFWD_TRACE_CAPLEN)
		caplen = XDPFWD_TRACE_CAPLEN;
	if (caplen) {
		/* the same value, 1..CAPLEN as the verifier can see it */
		caplen = ((caplen - 1) & (XDPFWD_TRACE_CAPLEN - 1)) + 1;
		if (bpf_xdp_load_bytes(ctx, 0, rec->data, caplen))
			caplen = 0;
	}
	rec->caplen = caplen;
	bpf_ringbuf_submit(rec, 0);
}

#endif /* XDPFWD_BPF_TRACE_H */
