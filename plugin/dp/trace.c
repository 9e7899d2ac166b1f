// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd BPF layer: the packet trace (bpf/trace.h).  Arms the datapath's
 * record budget and hands the records of its ring buffer to a callback.
 */
#include "config.h"
#include <zebra.h>

#include <bpf/libbpf.h>

#include "plugin/dp/dp.h"

static struct {
	struct ring_buffer *rb;
	int32_t *budget;   /* in the mmapped .bss */
	uint32_t *ifindex; /* likewise */
	dp_trace_cb cb;
	void *arg;
} tr;

static int on_sample(void *ctx, void *data, size_t size)
{
	if (size >= sizeof(struct xdpfwd_trace_rec) && tr.cb)
		tr.cb(data, tr.arg);
	return 0;
}

int dp_trace_bind(int ring_fd, int32_t *budget, uint32_t *ifindex)
{
	dp_trace_unbind();
	tr.rb = ring_buffer__new(ring_fd, on_sample, NULL, NULL);
	if (!tr.rb)
		return -errno;
	tr.budget = budget;
	tr.ifindex = ifindex;
	return 0;
}

void dp_trace_unbind(void)
{
	if (tr.rb)
		ring_buffer__free(tr.rb);
	tr.rb = NULL;
	tr.budget = NULL;
	tr.ifindex = NULL;
}

void dp_trace_arm(int32_t count, uint32_t ifindex)
{
	if (!tr.budget)
		return;
	/* the filter first: a frame never sees the budget with an older
	 * interface's filter
	 */
	__atomic_store_n(tr.budget, 0, __ATOMIC_RELEASE);
	__atomic_store_n(tr.ifindex, ifindex, __ATOMIC_RELEASE);
	__atomic_store_n(tr.budget, count, __ATOMIC_RELEASE);
}

int dp_trace_fd(void)
{
	return tr.rb ? ring_buffer__epoll_fd(tr.rb) : -1;
}

int dp_trace_consume(dp_trace_cb cb, void *arg)
{
	int n;

	if (!tr.rb)
		return 0;
	tr.cb = cb;
	tr.arg = arg;
	n = ring_buffer__consume(tr.rb);
	tr.cb = NULL;
	return n;
}
