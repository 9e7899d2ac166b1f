/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verdict accounting.  The XDP action is derived from the reason here and
 * nowhere else, so a counter can never disagree with what was done.
 */
#ifndef XDPFWD_BPF_COUNTERS_H
#define XDPFWD_BPF_COUNTERS_H

#include "common.h"
#include "maps.h"

static __always_inline int reason_action(__u32 reason)
{
	switch (reason) {
	case XDPFWD_R_FWD_V4:
	case XDPFWD_R_FWD_V6:
	case XDPFWD_R_BRIDGE_FWD:
		return XDP_REDIRECT;
	case XDPFWD_R_DROP_BLACKHOLE:
	case XDPFWD_R_DROP_HAIRPIN:
		return XDP_DROP;
	default:
		return XDP_PASS;
	}
}

/*
 * Count one packet of @bytes under @reason, on the ingress interface and,
 * when redirected, on the egress interface; returns the XDP action.
 * Per-CPU values need no atomics.  An ifindex beyond the map's size (the
 * plugin may have shrunk it) just is not counted per interface.
 */
static __always_inline int count_verdict(__u32 reason, __u32 ingress,
					 __u32 egress, __u64 bytes)
{
	int action = reason_action(reason);
	struct xdpfwd_if_counters *ic;
	struct xdpfwd_counter *c;

	c = bpf_map_lookup_elem(&counters, &reason);
	if (c) {
		c->packets++;
		c->bytes += bytes;
	}

	ic = bpf_map_lookup_elem(&if_counters, &ingress);
	if (ic) {
		if (action == XDP_REDIRECT) {
			ic->rx_fwd_packets++;
			ic->rx_fwd_bytes += bytes;
		} else if (action == XDP_DROP) {
			ic->rx_drop_packets++;
		} else {
			ic->rx_pass_packets++;
		}
	}

	if (action == XDP_REDIRECT) {
		ic = bpf_map_lookup_elem(&if_counters, &egress);
		if (ic) {
			ic->tx_fwd_packets++;
			ic->tx_fwd_bytes += bytes;
		}
	}
	return action;
}

#endif /* XDPFWD_BPF_COUNTERS_H */
