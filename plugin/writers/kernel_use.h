// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: telling the kernel what XDP used in its place (kernel_use.c).
 * The kernel sees none of the frames XDP forwards, so it would age out
 * the bridge FDB entries of hosts that only talk through XDP and never
 * re-verify the neighbours XDP sends to.  RTM_NEWNEIGH with NTF_USE has
 * the kernel act as if it had used the entry itself.  Main pthread.
 */
#ifndef XDPFWD_KERNEL_USE_H
#define XDPFWD_KERNEL_USE_H

#include <stdint.h>

int kernel_use_open(void);
void kernel_use_close(void);

/* br_fdb_update() on @port for @mac, as a frame from @mac received there */
int kernel_use_fdb(int port, const uint8_t *mac);
/* neigh_event_send() for the neighbour (ifindex, family, addr), as a
 * packet sent to it: a STALE entry goes on to DELAY and PROBE.  Not for
 * NUD_PERMANENT entries: NTF_USE clears NUD_PERMANENT (seen on 6.18: the
 * entry goes INCOMPLETE, then FAILED without an answer)
 */
int kernel_use_neigh(int ifindex, int family, const void *addr);
/* the errors the kernel answered (unacknowledged requests) */
void kernel_use_drain(void);

struct kernel_use_stats {
	uint64_t fdb, neigh; /* NTF_USE sent */
	uint64_t errors;     /* refused or not sent */
};
const struct kernel_use_stats *kernel_use_stats(void);

#endif /* XDPFWD_KERNEL_USE_H */
