// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: conntrack over ctnetlink (ctnl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "plugin/lib/ctnl.h"

struct xctnl {
	struct mnl_socket *nl;
	uint32_t seq;
	uint32_t portid;
};

struct xctnl *xctnl_open(int *err)
{
	struct xctnl *x = calloc(1, sizeof(*x));

	if (!x) {
		*err = -ENOMEM;
		return NULL;
	}
	x->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!x->nl || mnl_socket_bind(x->nl, 0, MNL_SOCKET_AUTOPID)) {
		*err = -errno;
		xctnl_close(x);
		return NULL;
	}
	x->portid = mnl_socket_get_portid(x->nl);
	x->seq = time(NULL);
	return x;
}

void xctnl_close(struct xctnl *x)
{
	if (!x)
		return;
	if (x->nl)
		mnl_socket_close(x->nl);
	free(x);
}

static struct nlmsghdr *ct_msg(char *buf, uint16_t type, uint16_t flags,
			       uint8_t family, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* a tuple nest: @swap puts the report's destination as the source */
static void put_tuple(struct nlmsghdr *nlh, uint16_t type,
		      const struct xdpfwd_ct_report *r, bool swap)
{
	struct nlattr *t, *n;
	const uint8_t *s = swap ? r->daddr : r->saddr;
	const uint8_t *d = swap ? r->saddr : r->daddr;

	t = mnl_attr_nest_start(nlh, type);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	if (r->family == AF_INET) {
		mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, s);
		mnl_attr_put(nlh, CTA_IP_V4_DST, 4, d);
	} else {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, s);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, d);
	}
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, r->l4proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, swap ? r->dport : r->sport);
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, swap ? r->sport : r->dport);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

static void put_tcp(struct nlmsghdr *nlh, int state, bool liberal)
{
	struct nf_ct_tcp_flags f = {
		.flags = liberal ? IP_CT_TCP_FLAG_BE_LIBERAL : 0,
		.mask = IP_CT_TCP_FLAG_BE_LIBERAL,
	};
	struct nlattr *p, *t;

	p = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	t = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	if (state >= 0)
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, state);
	mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, sizeof(f), &f);
	mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_REPLY, sizeof(f), &f);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, p);
}

struct get_ctx {
	uint32_t timeout;
	uint8_t flags[2];
};

static int get_tcp_cb(const struct nlattr *a, void *data)
{
	struct get_ctx *g = data;
	const struct nf_ct_tcp_flags *f;

	switch (mnl_attr_get_type(a)) {
	case CTA_PROTOINFO_TCP_FLAGS_ORIGINAL:
	case CTA_PROTOINFO_TCP_FLAGS_REPLY:
		if (mnl_attr_get_payload_len(a) < sizeof(*f))
			break;
		f = mnl_attr_get_payload(a);
		g->flags[mnl_attr_get_type(a) ==
			 CTA_PROTOINFO_TCP_FLAGS_REPLY] = f->flags;
		break;
	}
	return MNL_CB_OK;
}

static int get_pi_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTA_PROTOINFO_TCP)
		mnl_attr_parse_nested(a, get_tcp_cb, data);
	return MNL_CB_OK;
}

static int get_attr_cb(const struct nlattr *a, void *data)
{
	struct get_ctx *g = data;

	switch (mnl_attr_get_type(a)) {
	case CTA_TIMEOUT:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			g->timeout = ntohl(mnl_attr_get_u32(a));
		break;
	case CTA_PROTOINFO:
		mnl_attr_parse_nested(a, get_pi_cb, data);
		break;
	}
	return MNL_CB_OK;
}

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct nfgenmsg), get_attr_cb,
			      data);
}

/* send @nlh, read until its ack; negative errno from the kernel */
static int ct_talk(struct xctnl *x, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq;
	int n;

	if (mnl_socket_sendto(x->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(x->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		n = mnl_cb_run(buf, n, seq, x->portid, cb, data);
	} while (n > 0);
	return n < 0 ? -errno : 0;
}

int xctnl_set_liberal(struct xctnl *x, const struct xdpfwd_ct_report *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int err;

	if (r->l4proto != IPPROTO_TCP)
		return -EINVAL;
	/* an update of an existing entry (no NLM_F_CREATE), found by the
	 * packet's tuple as an original one, else as a reply one (the
	 * connection is not NATed: the reply tuple is the inverse)
	 */
	nlh = ct_msg(buf, IPCTNL_MSG_CT_NEW, 0, r->family, ++x->seq);
	put_tuple(nlh, CTA_TUPLE_ORIG, r, false);
	put_tcp(nlh, -1, true);
	err = ct_talk(x, nlh, NULL, NULL);
	if (err != -ENOENT)
		return err;
	nlh = ct_msg(buf, IPCTNL_MSG_CT_NEW, 0, r->family, ++x->seq);
	put_tuple(nlh, CTA_TUPLE_ORIG, r, true);
	put_tcp(nlh, -1, true);
	return ct_talk(x, nlh, NULL, NULL);
}

int xctnl_create(struct xctnl *x, const struct xdpfwd_ct_report *orig,
		 uint32_t status, uint8_t tcp_state, bool liberal,
		 uint32_t timeout_s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = ct_msg(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL,
		     orig->family, ++x->seq);
	put_tuple(nlh, CTA_TUPLE_ORIG, orig, false);
	put_tuple(nlh, CTA_TUPLE_REPLY, orig, true);
	/* 6.18 refuses (-EBUSY) a status that would clear the CONFIRMED
	 * bit the new entry already has
	 */
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status | IPS_CONFIRMED));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(timeout_s));
	if (orig->l4proto == IPPROTO_TCP)
		put_tcp(nlh, tcp_state, liberal);
	return ct_talk(x, nlh, NULL, NULL);
}

int xctnl_get(struct xctnl *x, const struct xdpfwd_ct_report *orig,
	      uint32_t *timeout_s, uint8_t *flags_orig, uint8_t *flags_reply)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct get_ctx g = {};
	struct nlmsghdr *nlh;
	int err;

	nlh = ct_msg(buf, IPCTNL_MSG_CT_GET, 0, orig->family, ++x->seq);
	put_tuple(nlh, CTA_TUPLE_ORIG, orig, false);
	err = ct_talk(x, nlh, get_cb, &g);
	*timeout_s = g.timeout;
	*flags_orig = g.flags[0];
	*flags_reply = g.flags[1];
	return err;
}

static uint32_t sysctl_ms(const char *name)
{
	char path[128];
	unsigned long s = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lu", &s) != 1)
		s = 0;
	fclose(f);
	return s > UINT32_MAX / 1000 ? UINT32_MAX / 1000 * 1000 : s * 1000;
}

void xctnl_timeouts(uint32_t *tcp_ms, uint32_t *udp_ms)
{
	*tcp_ms = sysctl_ms("nf_conntrack_tcp_timeout_established");
	*udp_ms = sysctl_ms("nf_conntrack_udp_timeout_stream");
}
