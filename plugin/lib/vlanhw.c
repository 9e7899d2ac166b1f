// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: whether a VLAN tag held as metadata can reach the XDP program
 * (vlanhw.h).  Features through the ethtool ioctl (ETHTOOL_GFEATURES by
 * name, as `ethtool -k` reads them), the link's kind and veth peer
 * through one RTM_GETLINK.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "plugin/lib/vlanhw.h"

enum xvlan_verdict xvlan_decide(const struct xvlan_facts *f)
{
	/* a veth receives what its peer transmits: the peer's insertion
	 * decides, its own rx-vlan-hw-parse is never consulted
	 */
	if (f->veth) {
		if (!f->peer_read)
			return XVLAN_PEER_UNREADABLE;
		return f->peer_insert ? XVLAN_PEER_INSERTS : XVLAN_NONE;
	}
	return f->rx_strip ? XVLAN_RX_STRIP : XVLAN_NONE;
}

const char *xvlan_why(enum xvlan_verdict v)
{
	switch (v) {
	case XVLAN_NONE:
		return "none: VLAN tags arrive in the frame";
	case XVLAN_UNKNOWN:
		return "not read yet: the kernel's";
	case XVLAN_RX_STRIP:
		return "rx VLAN offload strips tags before XDP (ethtool -K IF rxvlan off rx-vlan-stag-hw-parse off to forward here): the kernel's";
	case XVLAN_PEER_INSERTS:
		return "the veth peer passes tags as metadata (its tx-vlan-hw-insert or tx-vlan-stag-hw-insert is on): the kernel's";
	case XVLAN_PEER_UNREADABLE:
		return "the veth peer's namespace has no name in /run/netns, its tx VLAN insertion cannot be read: the kernel's";
	}
	return "?";
}

/* ---- ethtool features ---- */

static const char *const feat_names[] = {
	"rx-vlan-hw-parse",	    /* NETIF_F_HW_VLAN_CTAG_RX */
	"rx-vlan-stag-hw-parse",   /* NETIF_F_HW_VLAN_STAG_RX */
	"tx-vlan-hw-insert",	    /* NETIF_F_HW_VLAN_CTAG_TX */
	"tx-vlan-stag-hw-insert",  /* NETIF_F_HW_VLAN_STAG_TX */
};
#define F_RX 0x3
#define F_TX 0xc

/* the active ones of feat_names[] on @ifindex, as bits, or -errno */
static int vlan_features(int sock, int ifindex)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t count;
	} ssi = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			   .sset_mask = 1ULL << ETH_SS_FEATURES } };
	struct ethtool_gstrings *names = NULL;
	struct ethtool_gfeatures *feats = NULL;
	struct ifreq ifr = { .ifr_ifindex = ifindex };
	uint32_t n, blocks;
	int ret = 0;

	if (ioctl(sock, SIOCGIFNAME, &ifr) < 0)
		return -errno;
	ifr.ifr_data = (void *)&ssi;
	if (ioctl(sock, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	n = ssi.count;
	if (!n || n > 4096)
		return -EINVAL;
	blocks = (n + 31) / 32;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	feats = calloc(1, sizeof(*feats) + blocks * sizeof(feats->features[0]));
	if (!names || !feats) {
		ret = -ENOMEM;
		goto out;
	}
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_FEATURES;
	names->len = n;
	ifr.ifr_data = (void *)names;
	if (ioctl(sock, SIOCETHTOOL, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	feats->cmd = ETHTOOL_GFEATURES;
	feats->size = blocks;
	ifr.ifr_data = (void *)feats;
	if (ioctl(sock, SIOCETHTOOL, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	for (uint32_t i = 0; i < n && i < names->len; i++) {
		const char *s = (const char *)names->data + i * ETH_GSTRING_LEN;

		if (!(feats->features[i / 32].active & (1U << (i % 32))))
			continue;
		for (size_t j = 0; j < sizeof(feat_names) / sizeof(*feat_names);
		     j++)
			if (!strncmp(s, feat_names[j], ETH_GSTRING_LEN))
				ret |= 1 << j;
	}
out:
	free(names);
	free(feats);
	return ret;
}

/* ---- rtnetlink: the link, namespace ids ---- */

struct link_ctx {
	int ifindex;
	char kind[16];
	int peer;     /* IFLA_LINK */
	int nsid;     /* IFLA_LINK_NETNSID, -1: the same namespace */
	bool found;
};

static int linkinfo_cb(const struct nlattr *a, void *data)
{
	struct link_ctx *c = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    !mnl_attr_validate(a, MNL_TYPE_STRING))
		snprintf(c->kind, sizeof(c->kind), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_ctx *c = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_LINK:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			c->peer = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINK_NETNSID:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			c->nsid = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, linkinfo_cb, c);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_ctx *c = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != c->ifindex)
		return MNL_CB_OK;
	c->found = true;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, c);
	return MNL_CB_OK;
}

struct nsid_ctx {
	int nsid;
};

static int nsid_attr_cb(const struct nlattr *a, void *data)
{
	struct nsid_ctx *c = data;

	if (mnl_attr_get_type(a) == NETNSA_NSID &&
	    !mnl_attr_validate(a, MNL_TYPE_U32))
		c->nsid = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWNSID)
		mnl_attr_parse(nlh, sizeof(struct rtgenmsg), nsid_attr_cb,
			       data);
	return MNL_CB_OK;
}

/* one request (with NLM_F_ACK: the ack ends it), its answer through
 * @cb: 0 or -errno
 */
static int request(struct mnl_socket *nl, struct nlmsghdr *nlh,
		   mnl_cb_t cb, void *data)
{
	char buf[8192];
	unsigned int seq = nlh->nlmsg_seq, port = mnl_socket_get_portid(nl);
	int n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		n = mnl_cb_run(buf, n, seq, port, cb, data);
		if (n <= MNL_CB_STOP)
			break;
	}
	return n < 0 ? -errno : 0;
}

static int get_link(struct mnl_socket *nl, struct link_ctx *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = c->ifindex;
	return request(nl, nlh, link_cb, c);
}

/* the id our namespace gives the namespace of @fd, -1 if none */
static int nsid_of(struct mnl_socket *nl, int fd, unsigned int seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	struct nsid_ctx c = { .nsid = -1 };

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)fd);
	if (request(nl, nlh, nsid_cb, &c))
		return -1;
	return c.nsid;
}

/* the socket() of socket_in_nsid(), in a thread of its own */
struct ns_socket {
	int nsfd;
	int ret;
};

static void *ns_socket_thread(void *arg)
{
	struct ns_socket *a = arg;

	/* this thread only, and it ends here: the caller's stays put */
	if (setns(a->nsfd, CLONE_NEWNET) < 0)
		a->ret = -errno;
	else if ((a->ret = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		a->ret = -errno;
	return NULL;
}

/*
 * An AF_INET socket in the namespace our namespace calls @nsid, if it is
 * a named one (/run/netns, as `ip netns add` makes them).  A socket stays
 * in the namespace it was made in, so a short-lived thread enters the
 * namespace to make it: the calling thread (zebra's main one) never
 * leaves its own, whatever fails.  The thread inherits the caller's
 * capabilities (setns needs CAP_SYS_ADMIN).  -errno if not found.
 */
static int socket_in_nsid(struct mnl_socket *nl, int nsid)
{
	int ret = -ENOENT;
	unsigned int seq = 100;
	struct dirent *e;
	DIR *d;

	d = opendir("/run/netns");
	if (!d)
		return -ENOENT;
	while (ret == -ENOENT && (e = readdir(d))) {
		struct ns_socket a = { .ret = -ENOENT };
		char path[300];
		pthread_t t;
		int err;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		a.nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (a.nsfd < 0)
			continue;
		if (nsid_of(nl, a.nsfd, seq++) == nsid) {
			err = pthread_create(&t, NULL, ns_socket_thread, &a);
			if (err)
				a.ret = -err;
			else
				pthread_join(t, NULL);
			ret = a.ret;
		}
		close(a.nsfd);
	}
	closedir(d);
	return ret;
}

int xvlan_probe(int ifindex, struct xvlan_facts *out)
{
	struct link_ctx c = { .ifindex = ifindex, .nsid = -1 };
	struct mnl_socket *nl;
	int sock = -1, peer_sock = -1, f, err;

	memset(out, 0, sizeof(*out));
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	/* zebra's main thread calls this: never wait on the kernel long */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO,
		       &(struct timeval){ .tv_sec = 1 },
		       sizeof(struct timeval)) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	err = get_link(nl, &c);
	if (!err && !c.found)
		err = -ENODEV;
	if (err)
		goto out;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		err = -errno;
		goto out;
	}
	f = vlan_features(sock, ifindex);
	if (f < 0) {
		err = f;
		goto out;
	}
	out->rx_strip = f & F_RX;
	out->veth = !strcmp(c.kind, "veth");
	if (!out->veth || c.peer <= 0)
		goto out;
	peer_sock = c.nsid < 0 ? sock : socket_in_nsid(nl, c.nsid);
	if (peer_sock < 0)
		goto out; /* not found: unreadable, not an error */
	f = vlan_features(peer_sock, c.peer);
	if (f >= 0) {
		out->peer_read = true;
		out->peer_insert = f & F_TX;
	}
out:
	if (peer_sock >= 0 && peer_sock != sock)
		close(peer_sock);
	if (sock >= 0)
		close(sock);
	mnl_socket_close(nl);
	return err;
}
