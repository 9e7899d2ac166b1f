/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpfwd: an RCU grace period from userspace, so that a map entry (or an
 * id) freed by the plugin is reused only after every XDP program run that
 * could still read it has ended: XDP runs in RCU read-side sections and
 * MEMBARRIER_CMD_GLOBAL waits for synchronize_rcu().  Where membarrier is
 * refused (nohz_full), sleep well beyond any single packet's processing.
 */
#ifndef XDPFWD_GRACE_H
#define XDPFWD_GRACE_H

#include <unistd.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>

static inline void xdp_grace_period(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0)
		usleep(20000);
}

#endif /* XDPFWD_GRACE_H */
