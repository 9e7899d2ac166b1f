// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: NTF_USE notifications to the kernel (kernel_use.h).
 */
#include "config.h"
#include <zebra.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "lib/lib_errors.h"
#include "lib/log.h"
#include "lib/privs.h"

#include "plugin/xdpfwd.h"
#include "plugin/writers/kernel_use.h"

extern struct zebra_privs_t zserv_privs;

static struct mnl_socket *nl;
static struct kernel_use_stats stats;

int kernel_use_open(void)
{
	int err = 0;

	frr_with_privs (&zserv_privs) {
		nl = mnl_socket_open2(NETLINK_ROUTE,
				      SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (!nl) {
			err = -errno;
			break;
		}
		if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
			err = -errno;
			mnl_socket_close(nl);
			nl = NULL;
		}
	}
	if (err)
		flog_err(EC_LIB_SOCKET,
			 "xdpfwd: netlink socket for NTF_USE: %s",
			 strerror(-err));
	return err;
}

void kernel_use_close(void)
{
	if (nl)
		mnl_socket_close(nl);
	nl = NULL;
}

static int send_use(struct nlmsghdr *nlh)
{
	int ret = -ENOTCONN;

	if (nl) {
		frr_with_privs (&zserv_privs) {
			ret = mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0
				      ? -errno
				      : 0;
		}
	}
	if (ret)
		stats.errors++;
	return ret;
}

/* RTM_NEWNEIGH AF_BRIDGE, NTF_MASTER | NTF_USE: br_fdb_update() on the
 * port, as when the bridge receives a frame from @mac there
 */
int kernel_use_fdb(int port, const uint8_t *mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;
	int ret;

	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = port;
	ndm->ndm_state = NUD_REACHABLE;
	ndm->ndm_flags = NTF_MASTER | NTF_USE;
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	ret = send_use(nlh);
	if (!ret)
		stats.fdb++;
	return ret;
}

/* RTM_NEWNEIGH with NTF_USE and no NLM_F_CREATE: neigh_event_send() on
 * an existing entry, nothing else (neigh_add() skips the update)
 */
int kernel_use_neigh(int ifindex, int family, const void *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;
	int ret;

	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NONE;
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, family == AF_INET ? 4 : 16, addr);
	ret = send_use(nlh);
	if (!ret)
		stats.neigh++;
	return ret;
}

/* Errors come back without NLM_F_ACK; read them so the socket never
 * fills up.
 */
void kernel_use_drain(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	if (!nl)
		return;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = n;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (!e->error)
				continue;
			stats.errors++;
			if (IS_XDPFWD_DEBUG(NEIGH))
				zlog_debug("xdpfwd: NTF_USE refused: %s",
					   strerror(-e->error));
		}
	}
}

const struct kernel_use_stats *kernel_use_stats(void)
{
	return &stats;
}
