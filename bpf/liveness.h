/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Liveness of the plugin.  The maps are only as true as the plugin that
 * keeps them: zebra's main thread renews a deadline while it is running
 * and keeping up with the kernel, and after it lapses (zebra hung,
 * stopped, or still loading after a start) every frame goes to the
 * kernel, which holds the truth.  A crashed zebra needs no deadline: its
 * XDP links die with its process.
 */
#ifndef XDPFWD_BPF_LIVENESS_H
#define XDPFWD_BPF_LIVENESS_H

#include "common.h"

/*
 * CLOCK_MONOTONIC_COARSE nanoseconds (bpf_ktime_get_coarse_ns() reads that
 * clock) until which the plugin vouches for the maps; 0 until its start
 * gate opens.  Written by the plugin through the skeleton's mmapped .bss.
 */
__u64 xdpfwd_live_until_ns = 0;

static __always_inline bool plugin_alive(void)
{
	return bpf_ktime_get_coarse_ns() < READ_ONCE(xdpfwd_live_until_ns);
}

#endif /* XDPFWD_BPF_LIVENESS_H */
