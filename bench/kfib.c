// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Batched RTM_NEWROUTE over a plain rtnetlink socket.  One route per
 * message costs a syscall and an acknowledgement each; loading a million
 * routes that way spends more time in the round trips than in the FIB.
 * Here a batch of messages goes in one sendmsg() and only its last message
 * asks for an ACK, which also tells us that every earlier message of the
 * batch was processed (the kernel handles a batch in order).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "kfib.h"

#define KFIB_BATCH (64 * 1024)
#define KFIB_MSG_MAX 128

int kfib_open(struct kfib *k)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int sz = 4 << 20, one = 1;

	memset(k, 0, sizeof(*k));
	k->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (k->fd < 0)
		return -errno;
	/* errors of a whole batch must fit, or they would be lost */
	setsockopt(k->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(k->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	setsockopt(k->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(k->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(k->fd);
		return -errno;
	}
	k->buf = malloc(KFIB_BATCH);
	if (!k->buf) {
		close(k->fd);
		return -ENOMEM;
	}
	return 0;
}

void kfib_close(struct kfib *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->buf);
	k->fd = -1;
	k->buf = NULL;
}

static void add_attr(struct nlmsghdr *n, unsigned short type, const void *data,
		     size_t len)
{
	struct rtattr *rta = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static struct nlmsghdr *new_route(struct kfib *k, int family, uint8_t len)
{
	struct nlmsghdr *n;
	struct rtmsg *rtm;

	if (k->len + KFIB_MSG_MAX > KFIB_BATCH && kfib_flush(k) < 0)
		return NULL;
	n = (void *)(k->buf + k->len);
	memset(n, 0, KFIB_MSG_MAX);
	n->nlmsg_len = NLMSG_LENGTH(sizeof(*rtm));
	n->nlmsg_type = RTM_NEWROUTE;
	n->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	n->nlmsg_seq = ++k->seq;
	rtm = NLMSG_DATA(n);
	rtm->rtm_family = family;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = 186; /* RTPROT_BGP: what a full table is */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	return n;
}

static int finish(struct kfib *k, struct nlmsghdr *n)
{
	k->len += NLMSG_ALIGN(n->nlmsg_len);
	k->sent++;
	return 0;
}

int kfib_route4(struct kfib *k, uint32_t prefix_be, uint8_t len,
		uint32_t gw_be, int oif)
{
	struct nlmsghdr *n = new_route(k, AF_INET, len);

	if (!n)
		return -EIO;
	add_attr(n, RTA_DST, &prefix_be, 4);
	add_attr(n, RTA_GATEWAY, &gw_be, 4);
	add_attr(n, RTA_OIF, &oif, 4);
	return finish(k, n);
}

int kfib_route6(struct kfib *k, const uint8_t prefix[16], uint8_t len,
		const uint8_t gw[16], int oif)
{
	struct nlmsghdr *n = new_route(k, AF_INET6, len);

	if (!n)
		return -EIO;
	add_attr(n, RTA_DST, prefix, 16);
	add_attr(n, RTA_GATEWAY, gw, 16);
	add_attr(n, RTA_OIF, &oif, 4);
	return finish(k, n);
}

int kfib_flush(struct kfib *k)
{
	static char rbuf[256 * 1024];
	struct nlmsghdr *last;
	uint32_t want;
	ssize_t r;

	if (!k->len)
		return 0;
	/* the last message of the batch is acknowledged, ok or not */
	last = (void *)k->buf;
	while ((char *)last + NLMSG_ALIGN(last->nlmsg_len) < k->buf + k->len)
		last = (void *)((char *)last + NLMSG_ALIGN(last->nlmsg_len));
	last->nlmsg_flags |= NLM_F_ACK;
	want = last->nlmsg_seq;

	r = send(k->fd, k->buf, k->len, 0);
	k->len = 0;
	if (r < 0)
		return -errno;

	for (;;) {
		struct nlmsghdr *h;

		r = recv(k->fd, rbuf, sizeof(rbuf), 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (h = (void *)rbuf; NLMSG_OK(h, (size_t)r);
		     h = NLMSG_NEXT(h, r)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				if (!k->errors)
					k->first_error = -e->error;
				k->errors++;
			}
			if (h->nlmsg_seq == want)
				return 0;
		}
	}
}
