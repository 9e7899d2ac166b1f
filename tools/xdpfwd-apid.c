// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd-apid: the original fwd service's JSON API (POST, port 5555) for
 * xdpfwd, as a daemon of its own: an HTTP parser's bug must never take
 * zebra down, so nothing of it runs inside the routing daemon.
 *
 *   QueryForward   what the fast path forwards to, read from zebra's vty
 *                  socket (`show xdpfwd forward ... json`), paged there;
 *   UpdateForward  a host entry made the FRR way: a permanent neighbour in
 *                  the kernel and, when the address is on no connected
 *                  subnet of the interface, a kernel host route through
 *                  it; zebra imports the route and the module the
 *                  neighbour, so zebra, the kernel and XDP agree;
 *   DeleteForward  removes what UpdateForward made.
 *
 * Requests are parsed by tools/apid_request.c (pure, unit tested and
 * fuzzed).  libmicrohttpd serves them from one internal thread with epoll:
 * a client that sends nothing holds one connection slot until the
 * connection timeout, never the thread; bodies are cut at APID_BODY_MAX.
 * Handlers run on that thread one at a time, so the netlink socket and
 * the vty connection need no locking; a vty read is bounded by a timeout.
 *
 * Usage: xdpfwd-apid [--listen ADDR:PORT] [--vty_socket DIR]
 *                    [--max-connections N] [--timeout SECONDS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "tools/apid_request.h"
#include "tools/vty_client.h"

#define PROG "xdpfwd-apid"
#define DEFAULT_LISTEN "127.0.0.1:5555"
#define DEFAULT_MAX_CONN 64
#define DEFAULT_TIMEOUT 10
/* zebra answers a page (at most APID_LIMIT_MAX entries) well within this */
#define VTY_TIMEOUT 10
/* the protocol of the host routes UpdateForward makes: an administrator's
 * route ("proto static" in `ip route`), imported by zebra as a kernel
 * route; DeleteForward removes only routes of this protocol
 */
#define APID_RTPROT RTPROT_STATIC

static const char *vty_dir = VTY_DEFAULT_DIR;
static struct mnl_socket *nl;
static uint32_t nl_seq;

static void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", PROG);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* ---- QueryForward: zebra's `show xdpfwd forward` ---- */

/*
 * Run @cmd on zebra (after "enable") and parse its JSON output.  Returns
 * the object, or NULL with the reason in @why.
 */
static struct json_object *zebra_json(const char *cmd, char *why,
				      size_t whylen)
{
	struct json_object *j = NULL;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = NULL;
	int fd, status;

	fd = vty_client_connect(PROG, vty_dir, "zebra", VTY_TIMEOUT);
	if (fd < 0) {
		snprintf(why, whylen, "cannot reach zebra's vty socket in %s",
			 vty_dir);
		return NULL;
	}
	status = vty_client_run(PROG, fd, "enable", NULL);
	if (status == 0) {
		f = open_memstream(&out, &outlen);
		status = f ? vty_client_run(PROG, fd, cmd, f) : -1;
		if (f)
			fclose(f);
	}
	close(fd);
	if (status < 0)
		snprintf(why, whylen, "zebra did not answer");
	else if (status == 2) /* CMD_ERR_NO_MATCH */
		snprintf(why, whylen,
			 "zebra does not know `%s`: is it running with -M xdpfwd?",
			 cmd);
	else if (status != 0)
		snprintf(why, whylen, "zebra answered %s",
			 vty_client_status_name(status));
	else {
		j = json_tokener_parse(out ? out : "");
		if (!j || !json_object_is_type(j, json_type_object)) {
			json_object_put(j);
			j = NULL;
			snprintf(why, whylen, "zebra's answer is not JSON");
		}
	}
	free(out);
	return j;
}

/*
 * The state container of a `show xdpfwd ... json` answer, an RFC 7951
 * instance of yang/frr-xdpfwd.yang: {"frr-xdpfwd:xdpfwd": {"state": S}}.
 */
static struct json_object *xdpfwd_state(struct json_object *z)
{
	struct json_object *top, *state;

	if (!json_object_object_get_ex(z, "frr-xdpfwd:xdpfwd", &top) ||
	    !json_object_object_get_ex(top, "state", &state) ||
	    !json_object_is_type(state, json_type_object))
		return NULL;
	return state;
}

static int do_query(const struct apid_request *req, struct json_object *answer,
		    char *why, size_t whylen)
{
	struct json_object *z, *st, *fwd, *v, *entries;
	char filter[INET6_ADDRSTRLEN + 8] = "";
	char cmd[256];

	if (req->filter.family) {
		char addr[INET6_ADDRSTRLEN];

		inet_ntop(req->filter.family, req->filter.bytes, addr,
			  sizeof(addr));
		if (req->filter_is_prefix)
			snprintf(filter, sizeof(filter), " %s/%u", addr,
				 req->filter.plen);
		else
			snprintf(filter, sizeof(filter), " %s", addr);
	}
	snprintf(cmd, sizeof(cmd),
		 "show xdpfwd forward %s%s offset %u limit %u json",
		 req->table == APID_TABLE_ROUTES ? "routes" : "hosts", filter,
		 req->offset, req->limit);

	z = zebra_json(cmd, why, whylen);
	if (!z)
		return APID_E_QUERY;
	st = xdpfwd_state(z);
	if (!st) {
		snprintf(why, whylen, "zebra's answer has no xdpfwd state");
		json_object_put(z);
		return APID_E_QUERY;
	}
	if (!json_object_object_get_ex(st, "status", &v) ||
	    strcmp(json_object_get_string(v), "running")) {
		const char *err = "";

		if (json_object_object_get_ex(st, "error", &v))
			err = json_object_get_string(v);
		snprintf(why, whylen, "xdpfwd is not running: %s", err);
		json_object_put(z);
		return APID_E_QUERY;
	}
	if (!json_object_object_get_ex(st, "forward", &fwd) ||
	    !json_object_object_get_ex(fwd, "entries", &entries) ||
	    !json_object_is_type(entries, json_type_array)) {
		snprintf(why, whylen, "zebra's answer has no entries");
		json_object_put(z);
		return APID_E_QUERY;
	}
	json_object_object_add(answer, "Tables", json_object_get(entries));
	/* a uint64, a string in the model's JSON; a number in the API's */
	if (json_object_object_get_ex(fwd, "total", &v))
		json_object_object_add(answer, "Total",
				       json_object_new_int64(
					       json_object_get_int64(v)));
	json_object_object_add(answer, "Offset",
			       json_object_new_int64(req->offset));
	json_object_object_add(answer, "Limit",
			       json_object_new_int64(req->limit));
	json_object_put(z);
	return APID_OK;
}

/* ---- UpdateForward / DeleteForward: the kernel, through rtnetlink ---- */

/* send one request and wait for its ack: 0 or -errno */
static int nl_talk(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl_seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, nlh->nlmsg_seq, portid, NULL, NULL);
	} while (ret == MNL_CB_OK);
	return ret < 0 ? -errno : 0;
}

static int nl_neigh(const struct apid_request *req, bool add)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = add ? RTM_NEWNEIGH : RTM_DELNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST |
			   (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = req->ip.family;
	ndm->ndm_ifindex = req->ifindex;
	ndm->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, req->ip.family == AF_INET ? 4 : 16,
		     req->ip.bytes);
	if (add)
		mnl_attr_put(nlh, NDA_LLADDR, 6, req->dst_mac);
	return nl_talk(nlh);
}

/*
 * The host route in the main table.  Deletion is by protocol (and by
 * interface when @ifindex is not 0), so that a route of zebra's or an
 * administrator's to the same address is never touched.
 */
static int nl_route(const struct apid_request *req, bool add, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	/* EXCL: another owner's route to the address stays as it is */
	nlh->nlmsg_flags = NLM_F_REQUEST | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = req->ip.family;
	rtm->rtm_dst_len = req->ip.plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = APID_RTPROT;
	rtm->rtm_scope = add ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	rtm->rtm_type = add ? RTN_UNICAST : RTN_UNSPEC;
	mnl_attr_put(nlh, RTA_DST, req->ip.family == AF_INET ? 4 : 16,
		     req->ip.bytes);
	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return nl_talk(nlh);
}

/* the interface's name and Ethernet MAC: 0, or 1200 with the reason */
static int iface_lookup(int ifindex, char name[IF_NAMESIZE], uint8_t mac[6],
			char *why, size_t whylen)
{
	struct ifreq ifr = {};
	int fd, ret = APID_OK;

	if (!if_indextoname(ifindex, name)) {
		snprintf(why, whylen, "no interface with index %d", ifindex);
		return APID_E_UPDATE;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return APID_E_UPDATE;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(why, whylen, "interface %d (%s): %s", ifindex, name,
			 strerror(errno));
		ret = APID_E_UPDATE;
	} else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		snprintf(why, whylen, "interface %d (%s) is not Ethernet",
			 ifindex, name);
		ret = APID_E_UPDATE;
	} else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

static const void *sa_addr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return &((const struct sockaddr_in *)sa)->sin_addr;
	return &((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/*
 * Whether @req's address is on a connected subnet of interface @name
 * (then the kernel's connected route reaches it and only the neighbour is
 * needed): 1 yes, 0 no, -1 it is one of the interface's own addresses.
 */
static int on_connected_subnet(const struct apid_request *req,
			       const char *name)
{
	unsigned int len = req->ip.family == AF_INET ? 4 : 16;
	struct ifaddrs *ifas, *ifa;
	int ret = 0;

	if (getifaddrs(&ifas) < 0)
		return 0;
	for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
		const uint8_t *a, *m;
		bool same = true, own = true;

		if (!ifa->ifa_addr || !ifa->ifa_netmask ||
		    ifa->ifa_addr->sa_family != req->ip.family ||
		    strcmp(ifa->ifa_name, name))
			continue;
		a = sa_addr(ifa->ifa_addr);
		m = sa_addr(ifa->ifa_netmask);
		for (unsigned int i = 0; i < len; i++) {
			if ((a[i] & m[i]) != (req->ip.bytes[i] & m[i]))
				same = false;
			if (a[i] != req->ip.bytes[i])
				own = false;
		}
		if (own) {
			ret = -1;
			break;
		}
		if (same)
			ret = 1;
	}
	freeifaddrs(ifas);
	return ret;
}

static int do_update(const struct apid_request *req, char *why, size_t whylen)
{
	char name[IF_NAMESIZE], ip[INET6_ADDRSTRLEN], m1[18], m2[18];
	uint8_t mac[6];
	int code, connected, err;

	inet_ntop(req->ip.family, req->ip.bytes, ip, sizeof(ip));
	code = iface_lookup(req->ifindex, name, mac, why, whylen);
	if (code != APID_OK)
		return code;
	if (memcmp(mac, req->src_mac, 6)) {
		apid_mac_format(req->src_mac, m1, sizeof(m1));
		apid_mac_format(mac, m2, sizeof(m2));
		snprintf(why, whylen,
			 "srcMac %s is not the MAC of interface %d (%s): %s",
			 m1, req->ifindex, name, m2);
		return APID_E_UPDATE;
	}
	connected = on_connected_subnet(req, name);
	if (connected < 0) {
		snprintf(why, whylen, "%s is an address of interface %d (%s)",
			 ip, req->ifindex, name);
		return APID_E_UPDATE;
	}

	err = nl_neigh(req, true);
	if (err) {
		snprintf(why, whylen, "kernel refused the neighbour %s on %s: %s",
			 ip, name, strerror(-err));
		return APID_E_UPDATE;
	}
	if (!connected) {
		/* ours from an earlier UpdateForward, maybe on another
		 * interface: replaced; anybody else's: kept (EEXIST below)
		 */
		nl_route(req, false, 0);
		err = nl_route(req, true, req->ifindex);
		if (err) {
			snprintf(why, whylen,
				 err == -EEXIST
					 ? "a route to %s/%u exists already (not one UpdateForward made)"
					 : "kernel refused the route %s/%u: %s",
				 ip, req->ip.plen, strerror(-err));
			nl_neigh(req, false);
			return APID_E_UPDATE;
		}
	}
	apid_mac_format(req->dst_mac, m1, sizeof(m1));
	logmsg("UpdateForward %s on %s (%d) -> %s%s", ip, name, req->ifindex,
	       m1, connected ? "" : ", host route");
	return APID_OK;
}

static int do_delete(const struct apid_request *req, char *why, size_t whylen)
{
	char name[IF_NAMESIZE], ip[INET6_ADDRSTRLEN];
	int err_route, err_neigh;

	inet_ntop(req->ip.family, req->ip.bytes, ip, sizeof(ip));
	if (!if_indextoname(req->ifindex, name)) {
		snprintf(why, whylen, "no interface with index %d",
			 req->ifindex);
		return APID_E_UPDATE;
	}
	err_route = nl_route(req, false, req->ifindex);
	err_neigh = nl_neigh(req, false);
	if (err_route && err_route != -ESRCH && err_route != -ENOENT) {
		snprintf(why, whylen, "kernel refused to delete the route %s: %s",
			 ip, strerror(-err_route));
		return APID_E_UPDATE;
	}
	if (err_neigh && err_neigh != -ENOENT) {
		snprintf(why, whylen,
			 "kernel refused to delete the neighbour %s: %s", ip,
			 strerror(-err_neigh));
		return APID_E_UPDATE;
	}
	if (err_route && err_neigh) {
		snprintf(why, whylen, "no entry for %s on interface %d (%s)",
			 ip, req->ifindex, name);
		return APID_E_UPDATE;
	}
	logmsg("DeleteForward %s on %s (%d)%s", ip, name, req->ifindex,
	       err_route ? "" : ", host route");
	return APID_OK;
}

/* ---- HTTP ---- */

struct request_ctx {
	char *body;
	size_t len;
};

static enum MHD_Result send_json(struct MHD_Connection *conn,
				 unsigned int status, struct json_object *o,
				 bool close_conn)
{
	/* prefixes as "10.0.0.0/24", not json-c's default "10.0.0.0\/24" */
	const char *text = o ? json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PLAIN |
						  JSON_C_TO_STRING_NOSLASHESCAPE)
			     : "{\"code\":1000}";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
					       MHD_RESPMEM_MUST_COPY);
	json_object_put(o);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	if (close_conn)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
					"close");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *conn,
				  unsigned int status, int code,
				  const char *why, bool close_conn)
{
	return send_json(conn, status, apid_answer_new(NULL, code, why),
			 close_conn);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct request_ctx *ctx = *con_cls;
	struct apid_request req;
	struct json_object *answer;
	char why[512];
	int code;

	if (!ctx) {
		const char *cl;

		if (strcmp(method, MHD_HTTP_METHOD_POST))
			return send_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					  APID_E_BODY, "POST a JSON body",
					  true);
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* refused before reading it: MHD then closes the connection */
		if (cl && strtoull(cl, NULL, 10) > APID_BODY_MAX)
			return send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					  APID_E_BODY, "body too large", true);
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return MHD_NO;
		*con_cls = ctx;
		return MHD_YES;
	}

	if (*upload_size) {
		char *b;

		/* a chunked body carries no length: counted as it comes;
		 * libmicrohttpd takes no answer before the whole body, so a
		 * body too large closes the connection at once
		 */
		if (ctx->len + *upload_size > APID_BODY_MAX) {
			logmsg("a request body larger than %d bytes: connection closed",
			       APID_BODY_MAX);
			return MHD_NO;
		}
		b = realloc(ctx->body, ctx->len + *upload_size);
		if (!b)
			return MHD_NO;
		memcpy(b + ctx->len, upload, *upload_size);
		ctx->body = b;
		ctx->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}

	code = apid_request_parse(ctx->body ? ctx->body : "", ctx->len, &req,
				  why, sizeof(why));
	answer = apid_answer_new(&req, APID_OK, NULL);
	if (!answer)
		return MHD_NO;
	if (code == APID_OK) {
		switch (req.action) {
		case APID_QUERY:
			code = do_query(&req, answer, why, sizeof(why));
			break;
		case APID_UPDATE:
			code = do_update(&req, why, sizeof(why));
			break;
		case APID_DELETE:
			code = do_delete(&req, why, sizeof(why));
			break;
		}
	}
	if (code != APID_OK) {
		json_object_put(answer);
		answer = apid_answer_new(&req, code, why);
	}
	return send_json(conn, MHD_HTTP_OK, answer, false);
}

static void request_done(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request_ctx *ctx = *con_cls;

	if (ctx) {
		free(ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: libmicrohttpd: ", PROG);
	vfprintf(stderr, fmt, ap);
}

/* "127.0.0.1:5555", "[::1]:5555" */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t hlen;

	if (!colon)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port == 0 || port > 65535)
		return -1;
	hlen = colon - s;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host,
		      &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host,
		      &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
		return 0;
	}
	return -1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--listen ADDR:PORT] [--vty_socket DIR]\n"
		"          [--max-connections N] [--timeout SECONDS]\n"
		"  --listen ADDR:PORT     where to serve the fwd JSON API (default %s;\n"
		"                         IPv6 as [ADDR]:PORT)\n"
		"  --vty_socket DIR       zebra's vty socket directory (default %s)\n"
		"  --max-connections N    concurrent connections (default %d)\n"
		"  --timeout SECONDS      idle connection timeout (default %d)\n",
		PROG, DEFAULT_LISTEN, VTY_DEFAULT_DIR, DEFAULT_MAX_CONN,
		DEFAULT_TIMEOUT);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "vty_socket", required_argument, NULL, 'S' },
		{ "max-connections", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen_str = DEFAULT_LISTEN;
	unsigned int max_conn = DEFAULT_MAX_CONN, timeout = DEFAULT_TIMEOUT;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	unsigned int flags;
	sigset_t sigs;
	int opt, sig;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			listen_str = optarg;
			break;
		case 'S':
			vty_dir = optarg;
			break;
		case 'm':
			max_conn = strtoul(optarg, NULL, 10);
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || max_conn < 1 || max_conn > 4096 || timeout < 1 ||
	    timeout > 3600) {
		usage(stderr);
		return 2;
	}
	if (parse_listen(listen_str, &ss) < 0) {
		logmsg("--listen %s: want ADDR:PORT or [ADDR]:PORT", listen_str);
		return 2;
	}

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		logmsg("rtnetlink socket: %s", strerror(errno));
		return 1;
	}

	/* the signals are waited for below, by the main thread only */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_CONNECTION_LIMIT, max_conn,
		MHD_OPTION_CONNECTION_TIMEOUT, timeout,
		/* request line and headers; bodies are ours (request_ctx) */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_END);
	if (!d) {
		logmsg("cannot listen on %s", listen_str);
		mnl_socket_close(nl);
		return 1;
	}
	logmsg("listening on %s, zebra's vty socket in %s", listen_str,
	       vty_dir);

	do {
		if (sigwait(&sigs, &sig))
			break;
	} while (sig == SIGHUP);

	MHD_stop_daemon(d);
	mnl_socket_close(nl);
	logmsg("stopped");
	return 0;
}
