// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: nftables base chains that forwarded packets cross (fwhooks.h).
 *
 * A dump of every chain and every rule (NFT_MSG_GETCHAIN, GETRULE),
 * bracketed by the ruleset generation (NFT_MSG_GETGEN): if it changed
 * during the dump, the dump is taken again.  A base chain counts when it
 * sits on a hook a forwarded packet crosses and can act on it: it holds a
 * rule or its policy is not accept.  Hooks: prerouting, forward and
 * postrouting of ip, ip6 and inet; every hook of the bridge family (a
 * bridged frame crosses prerouting, forward, postrouting, a routed one
 * through a bridge prerouting/input or output/postrouting); netdev
 * ingress and egress and inet ingress, per device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "plugin/lib/fwhooks.h"

#define NFT_SCAN_TRIES 5

struct acc_chain {
	int family;
	char table[64], name[64];
	int hook;	/* -1: not a base chain */
	uint32_t policy;
	uint32_t rules;
	char devs[4][16]; /* a netdev chain's devices (first four) */
	unsigned int ndevs;
	bool all_devs; /* more than we keep */
};

struct xnft_acc {
	struct acc_chain *c;
	unsigned int n, cap;
};

struct xnft {
	struct mnl_socket *ev, *dump;
	uint32_t seq;
};

struct xnft_acc *xnft_acc_new(void)
{
	return calloc(1, sizeof(struct xnft_acc));
}

void xnft_acc_free(struct xnft_acc *acc)
{
	if (!acc)
		return;
	free(acc->c);
	free(acc);
}

static struct acc_chain *acc_find(struct xnft_acc *acc, int family,
				  const char *table, const char *name)
{
	for (unsigned int i = 0; i < acc->n; i++)
		if (acc->c[i].family == family &&
		    !strcmp(acc->c[i].table, table) &&
		    !strcmp(acc->c[i].name, name))
			return &acc->c[i];
	return NULL;
}

static struct acc_chain *acc_add(struct xnft_acc *acc)
{
	if (acc->n == acc->cap) {
		unsigned int cap = acc->cap ? acc->cap * 2 : 16;
		struct acc_chain *c = realloc(acc->c, cap * sizeof(*c));

		if (!c)
			return NULL;
		acc->c = c;
		acc->cap = cap;
	}
	memset(&acc->c[acc->n], 0, sizeof(acc->c[0]));
	return &acc->c[acc->n++];
}

static int acc_chain(struct xnft_acc *acc, const struct nlmsghdr *nlh)
{
	struct nftnl_chain *nc = nftnl_chain_alloc();
	struct acc_chain *c;
	const char *s;
	int ret = -ENOMEM;

	if (!nc)
		return -ENOMEM;
	if (nftnl_chain_nlmsg_parse(nlh, nc) < 0) {
		ret = -EINVAL;
		goto out;
	}
	c = acc_add(acc);
	if (!c)
		goto out;
	c->family = nftnl_chain_get_u32(nc, NFTNL_CHAIN_FAMILY);
	s = nftnl_chain_get_str(nc, NFTNL_CHAIN_TABLE);
	snprintf(c->table, sizeof(c->table), "%s", s ? s : "");
	s = nftnl_chain_get_str(nc, NFTNL_CHAIN_NAME);
	snprintf(c->name, sizeof(c->name), "%s", s ? s : "");
	c->hook = nftnl_chain_is_set(nc, NFTNL_CHAIN_HOOKNUM)
			  ? (int)nftnl_chain_get_u32(nc, NFTNL_CHAIN_HOOKNUM)
			  : -1;
	/* a base chain without a policy attribute accepts */
	c->policy = nftnl_chain_is_set(nc, NFTNL_CHAIN_POLICY)
			    ? nftnl_chain_get_u32(nc, NFTNL_CHAIN_POLICY)
			    : NF_ACCEPT;
	if (nftnl_chain_is_set(nc, NFTNL_CHAIN_DEV)) {
		s = nftnl_chain_get_str(nc, NFTNL_CHAIN_DEV);
		snprintf(c->devs[0], sizeof(c->devs[0]), "%s", s ? s : "");
		c->ndevs = 1;
	} else if (nftnl_chain_is_set(nc, NFTNL_CHAIN_DEVICES)) {
		const char *const *d =
			nftnl_chain_get_array(nc, NFTNL_CHAIN_DEVICES);

		for (unsigned int i = 0; d && d[i]; i++) {
			if (i == sizeof(c->devs) / sizeof(c->devs[0])) {
				c->all_devs = true;
				break;
			}
			snprintf(c->devs[i], sizeof(c->devs[i]), "%s", d[i]);
			c->ndevs = i + 1;
		}
	}
	ret = 0;
out:
	nftnl_chain_free(nc);
	return ret;
}

static int acc_rule(struct xnft_acc *acc, const struct nlmsghdr *nlh)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct acc_chain *c;
	const char *table, *chain;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		ret = -EINVAL;
		goto out;
	}
	table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	if (!table || !chain)
		goto out;
	c = acc_find(acc, nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY), table,
		     chain);
	/* a rule of a chain created after the chain dump: the generation
	 * check catches it
	 */
	if (c)
		c->rules++;
out:
	nftnl_rule_free(r);
	return ret;
}

int xnft_acc_msg(struct xnft_acc *acc, const struct nlmsghdr *nlh)
{
	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES)
		return 0;
	switch (nlh->nlmsg_type & 0xff) {
	case NFT_MSG_NEWCHAIN:
		return acc_chain(acc, nlh);
	case NFT_MSG_NEWRULE:
		return acc_rule(acc, nlh);
	default:
		return 0;
	}
}

/* which traffic a base chain concerns (a set of 1 << enum xfw_fam), or
 * device hooks
 */
static unsigned int chain_scope(const struct acc_chain *c, uint8_t *dev_hooks)
{
	bool routed = c->hook == NF_INET_PRE_ROUTING ||
		      c->hook == NF_INET_FORWARD ||
		      c->hook == NF_INET_POST_ROUTING;

	*dev_hooks = 0;
	switch (c->family) {
	case NFPROTO_IPV4:
		return routed ? 1u << XFW_V4 : 0;
	case NFPROTO_IPV6:
		return routed ? 1u << XFW_V6 : 0;
	case NFPROTO_INET:
		if (c->hook == NF_INET_INGRESS)
			*dev_hooks = XFW_HOOK_IN;
		return routed ? (1u << XFW_V4) | (1u << XFW_V6) : 0;
	case NFPROTO_BRIDGE:
		return 1u << XFW_BRIDGE;
	case NFPROTO_NETDEV:
		*dev_hooks = c->hook == NF_NETDEV_INGRESS  ? XFW_HOOK_IN
			     : c->hook == NF_NETDEV_EGRESS ? XFW_HOOK_OUT
							   : 0;
		return 0;
	default: /* arp: never a routed IP packet */
		return 0;
	}
}

static const char *family_name(int f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	default: return "?";
	}
}

static void add_dev(struct xnft_facts *out, const char *name, uint8_t hooks)
{
	for (uint32_t i = 0; i < out->ndevs; i++)
		if (!strcmp(out->devs[i].name, name)) {
			out->devs[i].hooks |= hooks;
			return;
		}
	if (out->ndevs == XFW_DEVS_MAX) {
		out->devs_truncated = true;
		return;
	}
	snprintf(out->devs[out->ndevs].name, sizeof(out->devs[0].name), "%s",
		 name);
	out->devs[out->ndevs++].hooks = hooks;
}

void xnft_acc_result(const struct xnft_acc *acc, struct xnft_facts *out)
{
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < acc->n; i++) {
		const struct acc_chain *c = &acc->c[i];
		unsigned int scope;
		uint8_t dev_hooks;

		if (c->hook < 0 || (!c->rules && c->policy == NF_ACCEPT))
			continue;
		scope = chain_scope(c, &dev_hooks);
		if (!scope && !dev_hooks)
			continue;
		for (int f = 0; f < XFW__FAM; f++)
			if (scope & (1u << f))
				out->chains[f]++;
		if (dev_hooks) {
			for (unsigned int d = 0; d < c->ndevs; d++)
				add_dev(out, c->devs[d], dev_hooks);
			if (c->all_devs)
				out->devs_truncated = true;
		}
		if (len < sizeof(out->list)) {
			int n = snprintf(out->list + len,
					 sizeof(out->list) - len,
					 "%s%s %s %s (%u rules%s%s%s)",
					 len ? "; " : "", family_name(c->family),
					 c->table, c->name, c->rules,
					 c->policy == NF_ACCEPT ? ""
								: ", policy drop",
					 c->ndevs ? ", device " : "",
					 c->ndevs ? c->devs[0] : "");

			len += n > 0 ? (size_t)n : 0;
		}
	}
}

/* ---- sockets ---- */

struct xnft *xnft_open(int *err)
{
	struct xnft *x = calloc(1, sizeof(*x));
	int grp = NFNLGRP_NFTABLES;

	if (!x) {
		*err = -ENOMEM;
		return NULL;
	}
	x->ev = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	x->dump = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!x->ev || !x->dump || mnl_socket_bind(x->ev, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_bind(x->dump, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(x->ev, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp))) {
		*err = -errno;
		xnft_close(x);
		return NULL;
	}
	x->seq = (uint32_t)time(NULL);
	return x;
}

void xnft_close(struct xnft *x)
{
	if (!x)
		return;
	if (x->ev)
		mnl_socket_close(x->ev);
	if (x->dump)
		mnl_socket_close(x->dump);
	free(x);
}

int xnft_event_fd(const struct xnft *x)
{
	return mnl_socket_get_fd(x->ev);
}

int xnft_drain(struct xnft *x)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int changed = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(x->ev, buf, sizeof(buf));

		if (n > 0) {
			changed = 1;
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			changed = 1; /* lost some: a scan sees everything */
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return changed;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : changed;
	}
}

struct run_ctx {
	struct xnft_acc *acc;
	uint32_t genid;
	int err;
};

static int run_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *rc = data;

	if ((nlh->nlmsg_type & 0xff) == NFT_MSG_NEWGEN) {
		struct nftnl_gen *g = nftnl_gen_alloc();

		if (g && nftnl_gen_nlmsg_parse(nlh, g) == 0)
			rc->genid = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
		if (g)
			nftnl_gen_free(g);
		return MNL_CB_OK;
	}
	if (rc->acc) {
		int err = xnft_acc_msg(rc->acc, nlh);

		if (err && !rc->err)
			rc->err = err;
	}
	return MNL_CB_OK;
}

/* one request (GETGEN, or a dump of GETCHAIN / GETRULE) and its answers */
static int request(struct xnft *x, int type, uint16_t flags,
		   struct run_ctx *rc)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t seq = ++x->seq, portid = mnl_socket_get_portid(x->dump);
	ssize_t n;
	int ret;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC, flags, seq);
	if (mnl_socket_sendto(x->dump, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(x->dump, buf, sizeof(buf));
		if (n < 0)
			return errno == EINTR ? -EAGAIN : -errno;
		ret = mnl_cb_run(buf, n, seq, portid, run_cb, rc);
	} while (ret > 0);
	if (ret < 0)
		/* EINTR from the kernel: the dump was interrupted by changes */
		return errno == EINTR ? -EAGAIN : -errno;
	return rc->err;
}

int xnft_scan(struct xnft *x, struct xnft_facts *out)
{
	int err = -EAGAIN;

	for (int t = 0; t < NFT_SCAN_TRIES && err == -EAGAIN; t++) {
		struct run_ctx rc = { .acc = xnft_acc_new() };
		uint32_t gen0;

		if (!rc.acc)
			return -ENOMEM;
		err = request(x, NFT_MSG_GETGEN, NLM_F_REQUEST | NLM_F_ACK,
			      &rc);
		if (err == -EOPNOTSUPP || err == -EPROTONOSUPPORT) {
			/* no nf_tables in this kernel: no chain */
			memset(out, 0, sizeof(*out));
			xnft_acc_free(rc.acc);
			return 0;
		}
		gen0 = rc.genid;
		if (!err)
			err = request(x, NFT_MSG_GETCHAIN,
				      NLM_F_REQUEST | NLM_F_DUMP, &rc);
		if (!err)
			err = request(x, NFT_MSG_GETRULE,
				      NLM_F_REQUEST | NLM_F_DUMP, &rc);
		if (!err)
			err = request(x, NFT_MSG_GETGEN,
				      NLM_F_REQUEST | NLM_F_ACK, &rc);
		if (!err && rc.genid != gen0)
			err = -EAGAIN;
		if (!err) {
			xnft_acc_result(rc.acc, out);
			out->genid = gen0;
		}
		xnft_acc_free(rc.acc);
	}
	return err;
}
