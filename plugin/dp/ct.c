// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd BPF layer: conntrack mode (bpf/conntrack.h).  Hands the TCP
 * connections the datapath reports (to be marked liberal) to a callback
 * and writes the timeouts it refreshes entries to.
 */
#include "config.h"
#include <zebra.h>

#include <bpf/libbpf.h>

#include "plugin/dp/dp.h"

static struct {
	struct ring_buffer *rb;
	uint32_t *timeout_ms; /* [2], in the mmapped .bss */
	dp_ct_cb cb;
	void *arg;
} ct;

static int on_sample(void *ctx, void *data, size_t size)
{
	if (size >= sizeof(struct xdpfwd_ct_report) && ct.cb)
		ct.cb(data, ct.arg);
	return 0;
}

int dp_ct_bind(int ring_fd, uint32_t *timeout_ms)
{
	dp_ct_unbind();
	ct.rb = ring_buffer__new(ring_fd, on_sample, NULL, NULL);
	if (!ct.rb)
		return -errno;
	ct.timeout_ms = timeout_ms;
	return 0;
}

void dp_ct_unbind(void)
{
	if (ct.rb)
		ring_buffer__free(ct.rb);
	ct.rb = NULL;
	ct.timeout_ms = NULL;
}

void dp_ct_set_timeouts(uint32_t tcp_ms, uint32_t udp_ms)
{
	if (!ct.timeout_ms)
		return;
	__atomic_store_n(&ct.timeout_ms[0], tcp_ms, __ATOMIC_RELAXED);
	__atomic_store_n(&ct.timeout_ms[1], udp_ms, __ATOMIC_RELAXED);
}

int dp_ct_fd(void)
{
	return ct.rb ? ring_buffer__epoll_fd(ct.rb) : -1;
}

int dp_ct_consume(dp_ct_cb cb, void *arg)
{
	int n;

	if (!ct.rb)
		return 0;
	ct.cb = cb;
	ct.arg = arg;
	n = ring_buffer__consume(ct.rb);
	ct.cb = NULL;
	return n;
}
