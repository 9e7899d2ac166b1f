// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: x_tables, xfrm, qdiscs and br_netfilter as they concern
 * forwarded packets (fwhooks.h).
 *
 * Written against the kernel's interfaces directly.  xfrm and qdiscs:
 * Debian's libraries for them are libnl-xfrm-3 and libnl-route-3, a
 * second netlink library next to libmnl, for two dumps and a few fields.
 * x_tables: libip4tc/libip6tc (libip4tc-dev) are iptables' internals, not
 * a stable API, and iptc_init() asks for its table by name, which has the
 * kernel create a table that did not exist; only counts are needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <linux/bpf.h>

#include "plugin/lib/fwhooks.h"

/* ---- x_tables ---- */

/* the hooks a forwarded packet crosses */
static const unsigned int fwd_hooks[] = { NF_INET_PRE_ROUTING,
					  NF_INET_FORWARD,
					  NF_INET_POST_ROUTING };

static int std_verdict(const struct xt_entry_target *t, size_t room)
{
	const struct xt_standard_target *st = (const void *)t;

	if (room < sizeof(*st) || t->u.target_size < sizeof(*st) ||
	    strcmp(t->u.user.name, XT_STANDARD_TARGET))
		return 0; /* not a standard target: not an ACCEPT policy */
	return st->verdict;
}

uint32_t xxt_count(int family, unsigned int valid_hooks,
		   const unsigned int *hook_entry, const unsigned int *underflow,
		   const void *entries, size_t size)
{
	const uint8_t *base = entries;
	uint32_t n = 0;

	for (size_t h = 0; h < sizeof(fwd_hooks) / sizeof(fwd_hooks[0]); h++) {
		unsigned int hook = fwd_hooks[h], off = hook_entry[hook];

		if (!(valid_hooks & (1u << hook)))
			continue;
		/* the chain's rules, then its policy at the underflow */
		while (off <= underflow[hook] && off < size) {
			uint16_t next, toff;

			if (family == AF_INET) {
				const struct ipt_entry *e = (const void *)(base + off);

				if (size - off < sizeof(*e))
					break;
				next = e->next_offset;
				toff = e->target_offset;
			} else {
				const struct ip6t_entry *e =
					(const void *)(base + off);

				if (size - off < sizeof(*e))
					break;
				next = e->next_offset;
				toff = e->target_offset;
			}
			if (off == underflow[hook]) {
				if (toff < size - off &&
				    std_verdict((const void *)(base + off + toff),
						size - off - toff) !=
					    -NF_ACCEPT - 1)
					n++;
				break;
			}
			n++;
			if (!next)
				break;
			off += next;
		}
	}
	return n;
}

/* one table: -errno, or its count */
static int xt_table(int family, const char *name)
{
	int fd, level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	struct ipt_getinfo info = {}; /* same layout as ip6t_getinfo */
	struct ipt_get_entries *ge = NULL;
	socklen_t len = sizeof(info);
	int ret;

	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	snprintf(info.name, sizeof(info.name), "%.*s",
		 (int)sizeof(info.name) - 1, name);
	if (getsockopt(fd, level,
		       family == AF_INET ? IPT_SO_GET_INFO : IP6T_SO_GET_INFO,
		       &info, &len) < 0) {
		ret = -errno;
		goto out;
	}
	len = sizeof(*ge) + info.size;
	ge = calloc(1, len);
	if (!ge) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(ge->name, info.name, sizeof(ge->name));
	ge->size = info.size;
	if (getsockopt(fd, level,
		       family == AF_INET ? IPT_SO_GET_ENTRIES
					 : IP6T_SO_GET_ENTRIES,
		       ge, &len) < 0) {
		/* EAGAIN: the table changed between the two calls */
		ret = -errno;
		goto out;
	}
	ret = (int)xxt_count(family, info.valid_hooks, info.hook_entry,
			     info.underflow, ge->entrytable, ge->size);
out:
	free(ge);
	close(fd);
	return ret;
}

static const char *const names_path[2] = { "/proc/net/ip_tables_names",
					    "/proc/net/ip6_tables_names" };
static int names_fd[2] = { -1, -1 };

void xxt_preopen(void)
{
	for (int i = 0; i < 2; i++)
		if (names_fd[i] < 0)
			names_fd[i] = open(names_path[i], O_RDONLY | O_CLOEXEC);
}

/* the table names, one a line, into buf: 0, or -errno */
static int read_names(int i, char *buf, size_t size)
{
	int fd = names_fd[i];
	size_t len = 0;
	ssize_t n;

	if (fd < 0) {
		fd = open(names_path[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else if (lseek(fd, 0, SEEK_SET) < 0) {
		return -errno;
	}
	while (len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	if (fd != names_fd[i])
		close(fd);
	return 0;
}

static int xt_family(int family, struct xxt_facts *out, size_t *len)
{
	char names[1024], *name, *save = NULL;
	int i = family == AF_INET6, err;

	err = read_names(i, names, sizeof(names));
	if (err == -ENOENT)
		return 0; /* ip_tables not loaded: no table */
	if (err) {
		/* tables may exist that cannot be read: assume some */
		out->entries[i]++;
		return err;
	}
	for (name = strtok_r(names, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		int n, tries = 3;

		do
			n = xt_table(family, name);
		while (n == -EAGAIN && --tries);
		if (n == -ENOENT)
			continue; /* removed meanwhile */
		if (n < 0) {
			/* unreadable (EPERM, kept changing): assume a rule */
			err = n;
			n = 1;
		}
		out->entries[family == AF_INET6] += n;
		if (n && *len < sizeof(out->list)) {
			int w = snprintf(out->list + *len,
					 sizeof(out->list) - *len, "%s%s %s (%d)",
					 *len ? "; " : "",
					 family == AF_INET ? "iptables"
							   : "ip6tables",
					 name, n);

			*len += w > 0 ? (size_t)w : 0;
		}
	}
	return err;
}

int xxt_scan(struct xxt_facts *out)
{
	size_t len = 0;
	int e4, e6;

	memset(out, 0, sizeof(*out));
	e4 = xt_family(AF_INET, out, &len);
	e6 = xt_family(AF_INET6, out, &len);
	return e4 ? e4 : e6;
}

/* ---- br_netfilter ---- */

int xbrnf_calls(int family)
{
	const char *path = family == AF_INET
				   ? "/proc/sys/net/bridge/bridge-nf-call-iptables"
				   : "/proc/sys/net/bridge/bridge-nf-call-ip6tables";
	char buf[8] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && buf[0] != '0';
}

/* ---- netlink: xfrm and qdiscs ---- */

struct xkh {
	struct mnl_socket *xfrm_ev, *tc_ev, *xfrm, *rt;
	uint32_t seq;
};

int xqdisc_parse(const struct nlmsghdr *nlh, struct xqdisc *q)
{
	const struct tcmsg *tcm;
	struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm))
		return -EINVAL;
	tcm = mnl_nlmsg_get_payload(nlh);
	memset(q, 0, sizeof(*q));
	q->ifindex = tcm->tcm_ifindex;
	mnl_attr_for_each (a, nlh, sizeof(*tcm))
		if (mnl_attr_get_type(a) == TCA_KIND &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(q->kind, sizeof(q->kind), "%s",
				 mnl_attr_get_str(a));
	/*
	 * The kernel's own qdiscs (noqueue, pfifo_fast, mq and its children
	 * of net.core.default_qdisc) carry handle 0; one that tc added
	 * always has a handle, chosen or allocated (8001: ...).
	 */
	if (!tcm->tcm_handle)
		return 0;
	if (tcm->tcm_parent == TC_H_INGRESS)
		q->dirs = XFW_HOOK_IN | (strcmp(q->kind, "clsact") ? 0
								   : XFW_HOOK_OUT);
	else
		q->dirs = XFW_HOOK_OUT;
	return 1;
}

int xxfrm_parse(const struct nlmsghdr *nlh, struct xxfrm_facts *f)
{
	if (nlh->nlmsg_type == XFRM_MSG_NEWPOLICY) {
		const struct xfrm_userpolicy_info *p;

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
			return -EINVAL;
		p = mnl_nlmsg_get_payload(nlh);
		if (p->sel.family != AF_INET6)
			f->policies[0]++;
		if (p->sel.family != AF_INET)
			f->policies[1]++;
	} else if (nlh->nlmsg_type == XFRM_MSG_NEWSA) {
		f->states++;
	}
	return 0;
}

static struct mnl_socket *nl_open(int bus, unsigned int groups, bool nonblock)
{
	struct mnl_socket *s =
		mnl_socket_open2(bus, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));

	if (s && mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID)) {
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

struct xkh *xkh_open(int *err)
{
	struct xkh *k = calloc(1, sizeof(*k));

	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	k->tc_ev = nl_open(NETLINK_ROUTE, 1u << (RTNLGRP_TC - 1), true);
	k->rt = nl_open(NETLINK_ROUTE, 0, false);
	if (!k->tc_ev || !k->rt) {
		*err = -errno;
		xkh_close(k);
		return NULL;
	}
	/* a kernel without xfrm has no IPsec to bypass */
	k->xfrm_ev = nl_open(NETLINK_XFRM,
			     (1u << (XFRMNLGRP_POLICY - 1)) |
				     (1u << (XFRMNLGRP_SA - 1)),
			     true);
	k->xfrm = nl_open(NETLINK_XFRM, 0, false);
	k->seq = (uint32_t)time(NULL);
	return k;
}

void xkh_close(struct xkh *k)
{
	if (!k)
		return;
	if (k->xfrm_ev)
		mnl_socket_close(k->xfrm_ev);
	if (k->xfrm)
		mnl_socket_close(k->xfrm);
	if (k->tc_ev)
		mnl_socket_close(k->tc_ev);
	if (k->rt)
		mnl_socket_close(k->rt);
	free(k);
}

int xkh_xfrm_fd(const struct xkh *k)
{
	return k->xfrm_ev && k->xfrm ? mnl_socket_get_fd(k->xfrm_ev) : -1;
}

int xkh_tc_fd(const struct xkh *k)
{
	return mnl_socket_get_fd(k->tc_ev);
}

int xkh_drain(int fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int changed = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0 || (n < 0 && errno == ENOBUFS)) {
			changed = 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		return changed;
	}
}

/* a request and its answers through @s, each message to @cb */
static int nl_request(struct mnl_socket *s, uint32_t *seqp, int type,
		      uint16_t flags, const void *payload, size_t plen,
		      mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	uint32_t seq = ++*seqp, portid = mnl_socket_get_portid(s);
	ssize_t n;
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	if (plen)
		memcpy(mnl_nlmsg_put_extra_header(nlh, plen), payload, plen);
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int xfrm_cb(const struct nlmsghdr *nlh, void *data)
{
	xxfrm_parse(nlh, data);
	return MNL_CB_OK;
}

static int xfrm_default_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_userpolicy_default *d;
	struct xxfrm_facts *f = data;

	if (nlh->nlmsg_type != XFRM_MSG_GETDEFAULT ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*d))
		return MNL_CB_OK;
	d = mnl_nlmsg_get_payload(nlh);
	f->default_block = d->fwd == XFRM_USERPOLICY_BLOCK ||
			   d->out == XFRM_USERPOLICY_BLOCK;
	return MNL_CB_OK; /* the ACK ends it */
}

int xkh_scan_xfrm(struct xkh *k, struct xxfrm_facts *out)
{
	struct xfrm_userpolicy_default d = {};
	int err, tries = 3;

	if (!k->xfrm) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	do {
		memset(out, 0, sizeof(*out));
		/* no payload: the SA dump reads attributes right after the
		 * header
		 */
		err = nl_request(k->xfrm, &k->seq, XFRM_MSG_GETPOLICY,
				 NLM_F_DUMP, NULL, 0, xfrm_cb, out);
		if (!err)
			err = nl_request(k->xfrm, &k->seq, XFRM_MSG_GETSA,
					 NLM_F_DUMP, NULL, 0, xfrm_cb, out);
	} while (err == -EINTR && --tries);
	if (err)
		return err;
	/* (kernels before 5.16 have no default policies: EINVAL) */
	nl_request(k->xfrm, &k->seq, XFRM_MSG_GETDEFAULT, NLM_F_ACK, &d,
		   sizeof(d), xfrm_default_cb, out);
	return 0;
}

struct qd_ctx {
	struct xqdisc *q;
	unsigned int max, n;
};

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct qd_ctx *c = data;
	struct xqdisc q;

	if (xqdisc_parse(nlh, &q) == 1) {
		if (c->n < c->max)
			c->q[c->n] = q;
		c->n++;
	}
	return MNL_CB_OK;
}

int xkh_scan_qdiscs(struct xkh *k, struct xqdisc *q, unsigned int max)
{
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC };
	struct qd_ctx c = { .q = q, .max = max };
	int err, tries = 3;

	do {
		c.n = 0;
		err = nl_request(k->rt, &k->seq, RTM_GETQDISC, NLM_F_DUMP,
				 &tcm, sizeof(tcm), qdisc_cb, &c);
	} while (err == -EINTR && --tries);
	return err ? err : (int)c.n;
}

/* ---- tcx: tc programs attached without a qdisc (kernel >= 6.6) ---- */

/* enum bpf_attach_type of 6.6 (Debian 12's headers are 6.1's) */
#define XKH_BPF_TCX_INGRESS 46
#define XKH_BPF_TCX_EGRESS 47

/* BPF_PROG_QUERY's part of union bpf_attr as 6.6 lays it out: the kernel
 * writes count and revision back whatever size it is given
 */
struct xkh_prog_query {
	uint32_t target_ifindex;
	uint32_t attach_type;
	uint32_t query_flags;
	uint32_t attach_flags;
	uint64_t prog_ids;
	uint32_t count;
	uint32_t pad;
	uint64_t prog_attach_flags;
	uint64_t link_ids;
	uint64_t link_attach_flags;
	uint64_t revision;
	uint8_t rest[64]; /* later fields, zero */
};

/* programs attached by tcx to one direction of @ifindex: >= 0, or
 * negative errno (-EINVAL: a kernel without tcx)
 */
static int tcx_count(int ifindex, uint32_t type)
{
	struct xkh_prog_query q = {
		.target_ifindex = (uint32_t)ifindex,
		.attach_type = type,
	};

	if (syscall(__NR_bpf, BPF_PROG_QUERY, &q, sizeof(q)) < 0)
		return -errno;
	return (int)q.count;
}

int xkh_scan_tcx(struct xqdisc *q, unsigned int max)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	unsigned int n = 0;
	int err = 0;

	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index && !err; i++) {
		int in = tcx_count(i->if_index, XKH_BPF_TCX_INGRESS);
		int out = tcx_count(i->if_index, XKH_BPF_TCX_EGRESS);
		uint8_t dirs;

		/* no tcx in this kernel: nothing can be attached that way;
		 * a device gone meanwhile has nothing either
		 */
		if (in == -EINVAL || in == -ENODEV)
			continue;
		if (in < 0 || out < 0) {
			err = in < 0 ? in : out;
			break;
		}
		dirs = (in ? XFW_HOOK_IN : 0) | (out ? XFW_HOOK_OUT : 0);
		if (!dirs)
			continue;
		if (n < max) {
			memset(&q[n], 0, sizeof(q[n]));
			q[n].ifindex = (int)i->if_index;
			q[n].dirs = dirs;
			strncpy(q[n].kind, "tcx", sizeof(q[n].kind) - 1);
		}
		n++;
	}
	if_freenameindex(ifs);
	return err ? err : (int)n;
}
