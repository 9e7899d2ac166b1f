/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading routes into the kernel FIB of the current network namespace
 * with batched rtnetlink requests: many RTM_NEWROUTE messages per
 * sendmsg(), an acknowledgement asked for only on the last one of a batch,
 * errors counted as they come back.
 */
#ifndef BENCH_KFIB_H
#define BENCH_KFIB_H

#include <stddef.h>
#include <stdint.h>

struct kfib {
	int fd;
	uint32_t seq;
	char *buf;
	size_t len;
	unsigned long sent;
	unsigned long errors;
	int first_error; /* errno of the first failure */
};

int kfib_open(struct kfib *k);
void kfib_close(struct kfib *k);
/* prefix and gateway in network byte order */
int kfib_route4(struct kfib *k, uint32_t prefix_be, uint8_t len,
		uint32_t gw_be, int oif);
int kfib_route6(struct kfib *k, const uint8_t prefix[16], uint8_t len,
		const uint8_t gw[16], int oif);
/* send what is queued and wait until the kernel has processed it */
int kfib_flush(struct kfib *k);

#endif /* BENCH_KFIB_H */
