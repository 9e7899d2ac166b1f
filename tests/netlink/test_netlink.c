// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests for the xdpfwd rtnetlink listener (plugin/xdpfwd_netlink.c).
 *
 * Runs in its own anonymous network namespace (unshare(CLONE_NEWNET), so
 * root is needed): nothing is left behind and it can run any number of
 * times.  Objects are made with ip(8)/bridge(8); a small consumer keeps
 * tables through the callbacks (with the stale marking of a resync) and the
 * cases check those tables, polling the listener until the expected state
 * shows up or a deadline passes.
 *
 * Build:
 *   gcc -O2 -g -Wall -Wextra -I plugin plugin/xdpfwd_netlink.c \
 *	tests/netlink/test_netlink.c -o build/tests/test_netlink \
 *	$(pkg-config --cflags --libs libmnl)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <linux/netconf.h>

#include "plugin/lib/netlink.h"

/* BR_STATE_* from linux/if_bridge.h, which clashes with netinet/in.h */
#define BR_DISABLED 0
#define BR_FORWARDING 3

#define WAIT_MS 3000
/*
 * 10.64.x.y, added while not reading.  Permanent: the neighbour tables'
 * gc_thresh limits are shared by all namespaces and their forced garbage
 * collection removes other entries (NOARP included) beyond them.
 */
#define OVERRUN_NEIGHS 3000
#define DOOMED_NEIGHS 200	/* 10.65.0.x, deleted while not reading */
#define GHOST_NEIGHS 20		/* 10.66.0.x, added and deleted, unread */
#define BAD_IFINDEX 7777	/* every malformed message names it */
#define FAKE_IFINDEX 7778	/* valid but invented: a resync drops it */

/* ---------------------------------------------------------------------- */
/* consumer tables: what the plugin would keep, with resync stale marks */

struct table {
	char *v;
	bool *stale;
	size_t esz;
	int n, cap;
	bool (*same)(const void *a, const void *b);	/* same key */
};

static int tbl_find(const struct table *t, const void *key)
{
	for (int i = 0; i < t->n; i++)
		if (t->same(t->v + i * t->esz, key))
			return i;
	return -1;
}

static const void *tbl_get(const struct table *t, const void *key)
{
	int i = tbl_find(t, key);

	return i < 0 ? NULL : t->v + i * t->esz;
}

static void tbl_upsert(struct table *t, const void *e)
{
	int i = tbl_find(t, e);

	if (i < 0) {
		if (t->n == t->cap) {
			fprintf(stderr, "# table full\n");
			return;
		}
		i = t->n++;
	}
	memcpy(t->v + i * t->esz, e, t->esz);
	t->stale[i] = false;
}

static void tbl_del_at(struct table *t, int i)
{
	t->n--;
	memcpy(t->v + i * t->esz, t->v + t->n * t->esz, t->esz);
	t->stale[i] = t->stale[t->n];
}

static void tbl_remove(struct table *t, const void *key)
{
	int i = tbl_find(t, key);

	if (i >= 0)
		tbl_del_at(t, i);
}

static void tbl_mark(struct table *t)
{
	for (int i = 0; i < t->n; i++)
		t->stale[i] = true;
}

static void tbl_purge(struct table *t)
{
	for (int i = t->n - 1; i >= 0; i--)
		if (t->stale[i])
			tbl_del_at(t, i);
}

static void tbl_init(struct table *t, size_t esz, int cap,
		     bool (*same)(const void *, const void *))
{
	t->v = calloc(cap, esz);
	t->stale = calloc(cap, sizeof(bool));
	t->esz = esz;
	t->cap = cap;
	t->n = 0;
	t->same = same;
	if (!t->v || !t->stale) {
		perror("calloc");
		exit(2);
	}
}

static void tbl_free(struct table *t)
{
	free(t->v);
	free(t->stale);
}

static bool same_link(const void *a, const void *b)
{
	return ((const struct xnl_link *)a)->ifindex ==
	       ((const struct xnl_link *)b)->ifindex;
}

static bool same_addr(const void *pa, const void *pb)
{
	const struct xnl_addr *a = pa, *b = pb;

	return a->ifindex == b->ifindex && a->family == b->family &&
	       a->prefixlen == b->prefixlen && !memcmp(a->addr, b->addr, 16);
}

static bool same_neigh(const void *pa, const void *pb)
{
	const struct xnl_neigh *a = pa, *b = pb;

	return a->ifindex == b->ifindex && a->family == b->family &&
	       !memcmp(a->addr, b->addr, 16);
}

/* the bridge's table is keyed by (bridge, MAC, VLAN); others by device */
static bool same_fdb(const void *pa, const void *pb)
{
	const struct xnl_fdb *a = pa, *b = pb;

	return a->master == b->master && a->vlan == b->vlan &&
	       !memcmp(a->mac, b->mac, 6) &&
	       (a->master || a->ifindex == b->ifindex);
}

/* the last netconf values seen per (family, ifindex) */
struct nc_ent {
	int family, ifindex;
	int forwarding, rp_filter; /* -1: never reported */
	bool deleted;
};
#define NC_MAX 64

struct tstate {
	struct table links, addrs, neighs, fdbs;
	struct nc_ent nc[NC_MAX];
	int n_nc;
	/* rules: those present, by signature */
	struct xnl_rule rules[64];
	int n_rules;
	/* routes reported (only non-zebra types pass the socket filter) */
	struct xnl_route routes[64];
	int n_routes;
	int route_callbacks;
	int begins, ends;
	int deleted_links[64], n_deleted_links;
	struct xnl_addr last_del_addr;
	struct xnl_neigh last_del_neigh;
	struct xnl_fdb last_del_fdb;
	uint64_t callbacks;
};

static void ts_init(struct tstate *s)
{
	memset(s, 0, sizeof(*s));
	tbl_init(&s->links, sizeof(struct xnl_link), 1024, same_link);
	tbl_init(&s->addrs, sizeof(struct xnl_addr), 1024, same_addr);
	tbl_init(&s->neighs, sizeof(struct xnl_neigh), 16384, same_neigh);
	tbl_init(&s->fdbs, sizeof(struct xnl_fdb), 4096, same_fdb);
}

static void ts_free(struct tstate *s)
{
	tbl_free(&s->links);
	tbl_free(&s->addrs);
	tbl_free(&s->neighs);
	tbl_free(&s->fdbs);
}

static struct xnl *X;		/* the listener under test */
static struct tstate S;		/* its consumer */
static int reenter_result = 1;	/* xnl_dump() called from a callback */
static bool reenter_armed;

static void cb_link(void *arg, const struct xnl_link *l, bool deleted)
{
	struct tstate *s = arg;

	s->callbacks++;
	if (reenter_armed && s == &S) {
		reenter_armed = false;
		reenter_result = xnl_dump(X);
	}
	if (!deleted) {
		tbl_upsert(&s->links, l);
		return;
	}
	tbl_remove(&s->links, l);
	if (s->n_deleted_links < 64)
		s->deleted_links[s->n_deleted_links++] = l->ifindex;
}

static void cb_addr(void *arg, const struct xnl_addr *a, bool deleted)
{
	struct tstate *s = arg;

	s->callbacks++;
	if (!deleted) {
		tbl_upsert(&s->addrs, a);
		return;
	}
	tbl_remove(&s->addrs, a);
	s->last_del_addr = *a;
}

static void cb_neigh(void *arg, const struct xnl_neigh *n, bool deleted)
{
	struct tstate *s = arg;

	s->callbacks++;
	if (!deleted) {
		tbl_upsert(&s->neighs, n);
		return;
	}
	tbl_remove(&s->neighs, n);
	s->last_del_neigh = *n;
}

static void cb_fdb(void *arg, const struct xnl_fdb *f, bool deleted)
{
	struct tstate *s = arg;

	s->callbacks++;
	if (!deleted) {
		tbl_upsert(&s->fdbs, f);
		return;
	}
	tbl_remove(&s->fdbs, f);
	s->last_del_fdb = *f;
}

static void cb_netconf(void *arg, const struct xnl_netconf *nc, bool deleted)
{
	struct tstate *s = arg;
	struct nc_ent *e = NULL;

	s->callbacks++;
	for (int i = 0; i < s->n_nc; i++)
		if (s->nc[i].family == nc->family &&
		    s->nc[i].ifindex == nc->ifindex)
			e = &s->nc[i];
	if (!e) {
		if (s->n_nc == NC_MAX)
			return;
		e = &s->nc[s->n_nc++];
		*e = (struct nc_ent){ .family = nc->family,
				      .ifindex = nc->ifindex,
				      .forwarding = -1, .rp_filter = -1 };
	}
	e->deleted = deleted;
	if (nc->has_forwarding)
		e->forwarding = nc->forwarding;
	if (nc->has_rp_filter)
		e->rp_filter = nc->rp_filter;
}

static void cb_rule(void *arg, const struct xnl_rule *r, bool deleted)
{
	struct tstate *s = arg;

	s->callbacks++;
	for (int i = 0; i < s->n_rules; i++) {
		if (s->rules[i].family != r->family || s->rules[i].sig != r->sig)
			continue;
		if (deleted)
			s->rules[i] = s->rules[--s->n_rules];
		return;
	}
	if (!deleted && s->n_rules < 64)
		s->rules[s->n_rules++] = *r;
}

static void cb_route(void *arg, const struct xnl_route *r, bool deleted)
{
	struct tstate *s = arg;

	s->callbacks++;
	s->route_callbacks++;
	for (int i = 0; i < s->n_routes; i++) {
		if (s->routes[i].family != r->family ||
		    s->routes[i].prefixlen != r->prefixlen ||
		    memcmp(s->routes[i].addr, r->addr, 16))
			continue;
		if (deleted)
			s->routes[i] = s->routes[--s->n_routes];
		else
			s->routes[i] = *r;
		return;
	}
	if (!deleted && s->n_routes < 64)
		s->routes[s->n_routes++] = *r;
}

static const struct xnl_route *ROUTE(const char *cidr)
{
	char buf[64], *slash;
	uint8_t a[16] = {};
	int family, plen;

	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	*slash = '\0';
	plen = atoi(slash + 1);
	family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	inet_pton(family, buf, a);
	for (int i = 0; i < S.n_routes; i++)
		if (S.routes[i].family == family &&
		    S.routes[i].prefixlen == plen &&
		    !memcmp(S.routes[i].addr, a, 16))
			return &S.routes[i];
	return NULL;
}

/* the rule of @family at @prio, NULL if none */
static const struct xnl_rule *RULE(int family, uint32_t prio)
{
	for (int i = 0; i < S.n_rules; i++)
		if (S.rules[i].family == family && S.rules[i].priority == prio)
			return &S.rules[i];
	return NULL;
}

static const struct nc_ent *NC(int family, int ifindex)
{
	for (int i = 0; i < S.n_nc; i++)
		if (S.nc[i].family == family && S.nc[i].ifindex == ifindex)
			return &S.nc[i];
	return NULL;
}

static void cb_begin(void *arg)
{
	struct tstate *s = arg;

	s->begins++;
	tbl_mark(&s->links);
	tbl_mark(&s->addrs);
	tbl_mark(&s->neighs);
	tbl_mark(&s->fdbs);
}

static void cb_end(void *arg)
{
	struct tstate *s = arg;

	s->ends++;
	tbl_purge(&s->links);
	tbl_purge(&s->addrs);
	tbl_purge(&s->neighs);
	tbl_purge(&s->fdbs);
}

static const struct xnl_callbacks CB = {
	.link = cb_link,
	.addr = cb_addr,
	.neigh = cb_neigh,
	.fdb = cb_fdb,
	.netconf = cb_netconf,
	.rule = cb_rule,
	.route = cb_route,
	.resync_begin = cb_begin,
	.resync_end = cb_end,
};

/* ---------------------------------------------------------------------- */
/* helpers */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* a shell snippet, stopping at the first failing command */
static bool sh(const char *cmds)
{
	char *buf;
	int rc;

	if (asprintf(&buf, "set -e\n%s", cmds) < 0)
		return false;
	rc = system(buf);
	free(buf);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc)) {
		fprintf(stderr, "# command failed (%d): %s\n", rc, cmds);
		return false;
	}
	return true;
}

static int read_errors;

static void pump(void)
{
	int r = xnl_read(X);

	if (r < 0) {
		read_errors++;
		fprintf(stderr, "# xnl_read: %s\n", strerror(-r));
	}
}

/* everything queued now, so that the tables are current */
static void pump_all(void)
{
	struct pollfd p = { .fd = xnl_fd(X), .events = POLLIN };

	do
		pump();
	while (poll(&p, 1, 0) > 0);
}

static bool wait_for(bool (*check)(void), int ms)
{
	long deadline = now_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = xnl_fd(X), .events = POLLIN };

		pump();
		if (check())
			return true;
		if (now_ms() > deadline)
			return false;
		poll(&p, 1, 20);
	}
}

static int ifx(const char *name)
{
	return (int)if_nametoindex(name);
}

static bool mac_is(const uint8_t *m, const char *s)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (m[i] != b[i])
			return false;
	return true;
}

static void parse_mac(const char *s, uint8_t *m)
{
	unsigned int b[6] = {};

	sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
	       &b[5]);
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
}

static int parse_ip(const char *s, uint8_t *a)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, a) == 1)
		return AF_INET6;
	return -1;
}

static const struct xnl_link *L_idx(struct tstate *s, int ifindex)
{
	struct xnl_link k = { .ifindex = ifindex };

	return ifindex ? tbl_get(&s->links, &k) : NULL;
}

static const struct xnl_link *L(const char *name)
{
	return L_idx(&S, ifx(name));
}

static const struct xnl_addr *A(const char *dev, const char *ip, int plen)
{
	struct xnl_addr k = { .ifindex = ifx(dev), .prefixlen = plen };

	k.family = parse_ip(ip, k.addr);
	return tbl_get(&S.addrs, &k);
}

static const struct xnl_neigh *N(const char *dev, const char *ip)
{
	struct xnl_neigh k = { .ifindex = ifx(dev) };

	k.family = parse_ip(ip, k.addr);
	return tbl_get(&S.neighs, &k);
}

static const struct xnl_fdb *F(const char *br, const char *mac)
{
	struct xnl_fdb k = { .master = ifx(br) };

	parse_mac(mac, k.mac);
	return tbl_get(&S.fdbs, &k);
}

static bool link_was_deleted(int ifindex)
{
	for (int i = 0; i < S.n_deleted_links; i++)
		if (S.deleted_links[i] == ifindex)
			return true;
	return false;
}

static bool addr_gone(const char *dev, const char *ip, int plen)
{
	struct xnl_addr k = { .ifindex = ifx(dev), .prefixlen = plen };

	k.family = parse_ip(ip, k.addr);
	return !A(dev, ip, plen) && same_addr(&k, &S.last_del_addr);
}

static bool neigh_gone(const char *dev, const char *ip)
{
	struct xnl_neigh k = { .ifindex = ifx(dev) };

	k.family = parse_ip(ip, k.addr);
	return !N(dev, ip) && same_neigh(&k, &S.last_del_neigh);
}

static int count_neigh_prefix(struct tstate *s, uint8_t a, uint8_t b)
{
	int n = 0;

	for (int i = 0; i < s->neighs.n; i++) {
		const struct xnl_neigh *e =
			(const void *)(s->neighs.v + i * s->neighs.esz);

		n += e->family == AF_INET && e->addr[0] == a && e->addr[1] == b;
	}
	return n;
}

static int count_lines(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char line[512];
	int n = 0;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		n++;
	if (pclose(p) != 0)
		return -1;
	return n;
}

/* ip -batch file, so that thousands of changes land within milliseconds */
static bool ip_batch(void (*gen)(FILE *f))
{
	char path[] = "/tmp/xnl_test_batch.XXXXXX";
	char cmd[128];
	int fd = mkstemp(path);
	FILE *f;
	bool ok;

	if (fd < 0)
		return false;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return false;
	}
	gen(f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "ip -batch %s", path);
	ok = sh(cmd);
	unlink(path);
	return ok;
}

/* ---------------------------------------------------------------------- */
/* initial state, made before the listener exists */

static const char *const SETUP =
	"echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad\n"
	"echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad\n"
	"ip link set dev lo up\n"
	"ip link add name pv0 address 02:00:00:00:01:00 mtu 1450 type veth "
	"peer name pv1 address 02:00:00:00:01:01 mtu 1450\n"
	"ip link add name pq0 address 02:00:00:00:01:10 type veth "
	"peer name pq1 address 02:00:00:00:01:11\n"
	"ip link add name br0 address 02:00:00:00:0b:00 type bridge\n"
	"ip link set dev pv0 master br0\n"
	"ip link set dev pq0 master br0\n"
	"for d in pv0 pv1 pq0 pq1 br0; do ip link set dev $d up; done\n"
	"ip addr add 198.51.100.1/24 brd + dev pv1\n"
	"ip -6 addr add 2001:db8:2::1/64 dev pv1 nodad\n"
	"ip neigh add 198.51.100.2 lladdr 02:00:00:00:02:02 dev pv1 "
	"nud permanent\n"
	"bridge fdb add 02:00:00:00:03:03 dev pv0 master static\n"
	"ip route add throw 203.0.113.0/24\n"
	"ip route add 198.51.100.0/24 dev pv1 metric 5\n"
	/* carrier and port state settle asynchronously (linkwatch) */
	"for i in $(seq 100); do\n"
	"  bridge link show dev pv0 | grep -q 'state forwarding' &&\n"
	"  ip link show dev br0 | grep -q 'state UP' && break\n"
	"  sleep 0.05\n"
	"done\n";

/* ---------------------------------------------------------------------- */
/* checks: initial dump (evaluated without reading notifications) */

static bool c_init_veth(void)
{
	const struct xnl_link *l = L("pv0");

	return l && l->has_mac && mac_is(l->mac, "02:00:00:00:01:00") &&
	       l->mtu == 1450 && !strcmp(l->kind, "veth") &&
	       !strcmp(l->name, "pv0") && l->admin_up && l->oper_up;
}

static bool c_init_bridge(void)
{
	const struct xnl_link *l = L("br0");

	return l && !strcmp(l->kind, "bridge") && l->master == 0 &&
	       !l->is_bridge_port && mac_is(l->mac, "02:00:00:00:0b:00");
}

static bool c_init_port(void)
{
	const struct xnl_link *l = L("pv0");

	return l && l->is_bridge_port && l->master == ifx("br0") &&
	       l->bridge_port_state == BR_FORWARDING && !l->hairpin;
}

static bool c_init_addr4(void)
{
	const struct xnl_addr *a = A("pv1", "198.51.100.1", 24);
	uint8_t b[4] = { 198, 51, 100, 255 };

	return a && a->family == AF_INET && a->has_broadcast &&
	       !memcmp(a->broadcast, b, 4);
}

static bool c_init_addr6(void)
{
	const struct xnl_addr *a = A("pv1", "2001:db8:2::1", 64);

	return a && a->family == AF_INET6 && !a->has_broadcast;
}

static bool c_init_neigh(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.2");

	return n && n->usable && n->has_mac && n->state == NUD_PERMANENT &&
	       mac_is(n->mac, "02:00:00:00:02:02");
}

static bool c_init_fdb(void)
{
	const struct xnl_fdb *f = F("br0", "02:00:00:00:03:03");

	return f && f->ifindex == ifx("pv0") && f->state == NUD_NOARP &&
	       f->vlan == 0;
}

static bool c_init_fdb_local(void)
{
	const struct xnl_fdb *f = F("br0", "02:00:00:00:01:00");

	return f && f->ifindex == ifx("pv0") && f->state == NUD_PERMANENT;
}

static bool c_init_bracket(void)
{
	return S.begins == 1 && S.ends == 1;
}

/* ---------------------------------------------------------------------- */
/* checks: notifications */

static int idx_t0, idx_t1;

/* netconf: the dump has every device and "all"; changes are notified */
static bool c_init_netconf(void)
{
	const struct nc_ent *all = NC(AF_INET, NETCONFA_IFINDEX_ALL);
	const struct nc_ent *dev = NC(AF_INET, ifx("pv1"));
	const struct nc_ent *all6 = NC(AF_INET6, NETCONFA_IFINDEX_ALL);

	return all && dev && all6 && all->forwarding == 0 &&
	       dev->forwarding == 0 && dev->rp_filter == 0 &&
	       all6->forwarding == 0;
}

static bool c_nc_fwd_dev(void)
{
	const struct nc_ent *e = NC(AF_INET, ifx("pv1"));

	return e && e->forwarding == 1;
}

static bool c_nc_rpf_dev(void)
{
	const struct nc_ent *e = NC(AF_INET, ifx("pv1"));

	return e && e->rp_filter == 2 && e->forwarding == 1;
}

static bool c_nc_fwd_all(void)
{
	const struct nc_ent *all = NC(AF_INET, NETCONFA_IFINDEX_ALL);
	const struct nc_ent *dev = NC(AF_INET, ifx("pq1"));

	/* ip_forward propagates to every device, each notified */
	return all && all->forwarding == 1 && dev && dev->forwarding == 1;
}

static bool c_nc_fwd6_all(void)
{
	const struct nc_ent *all6 = NC(AF_INET6, NETCONFA_IFINDEX_ALL);

	return all6 && all6->forwarding == 1;
}

static bool c_init_rules(void)
{
	const struct xnl_rule *l = RULE(AF_INET, 0), *m = RULE(AF_INET, 32766);
	const struct xnl_rule *d = RULE(AF_INET, 32767), *m6 = RULE(AF_INET6, 32766);

	return l && m && d && m6 && l->table == 255 && m->table == 254 &&
	       d->table == 253 && m6->table == 254 && !l->selectors &&
	       !m->selectors && !d->selectors && !m6->selectors;
}

static bool c_rule_add(void)
{
	const struct xnl_rule *r = RULE(AF_INET, 100);

	return r && r->table == 100 && r->selectors;
}

static bool c_rule_plain(void)
{
	const struct xnl_rule *r = RULE(AF_INET6, 200);

	return r && r->table == 101 && !r->selectors;
}

static bool c_rule_fwmark(void)
{
	const struct xnl_rule *r = RULE(AF_INET, 300);

	return r && r->selectors;
}

static bool c_rules_gone(void)
{
	return !RULE(AF_INET, 100) && !RULE(AF_INET6, 200) &&
	       !RULE(AF_INET, 300) && RULE(AF_INET, 32766);
}

static bool c_init_throw(void)
{
	const struct xnl_route *r = ROUTE("203.0.113.0/24");

	return r && r->type == RTN_THROW && !ROUTE("198.51.100.0/24");
}

static int routes_before_unicast;

static bool c_route_throw(void)
{
	const struct xnl_route *r = ROUTE("2001:db8:77::/48");

	routes_before_unicast = S.route_callbacks;
	return r && r->type == RTN_THROW;
}

static bool c_route_unicast_filtered(void)
{
	/* a unicast route and a blackhole: nothing reaches the consumer;
	 * the local route after them proves the socket was read
	 */
	const struct xnl_route *r = ROUTE("192.0.2.128/25");

	return r && r->type == RTN_LOCAL &&
	       S.route_callbacks == routes_before_unicast + 1 &&
	       !ROUTE("192.0.2.0/25") && !ROUTE("192.0.2.64/26");
}

static bool c_route_anyip(void)
{
	const struct xnl_route *r = ROUTE("10.9.0.0/16");
	const struct xnl_route *k = ROUTE("198.51.100.1/32");

	/* and the local route the kernel made for pv1's address */
	return r && r->local_table && !r->kernel_made &&
	       r->type == RTN_LOCAL && k && k->local_table && k->kernel_made &&
	       k->type == RTN_LOCAL && k->ifindex > 0;
}

static bool c_route_anyip_gone(void)
{
	return !ROUTE("10.9.0.0/16");
}

static bool c_route_del(void)
{
	return !ROUTE("2001:db8:77::/48") && !ROUTE("192.0.2.128/25") &&
	       !ROUTE("203.0.113.0/24");
}

static bool c_link_add(void)
{
	const struct xnl_link *l = L("t0");

	if (!l || !L("t1"))
		return false;
	idx_t0 = ifx("t0");
	idx_t1 = ifx("t1");
	return l->has_mac && mac_is(l->mac, "02:00:00:00:10:00") &&
	       l->mtu == 1400 && !strcmp(l->kind, "veth") && !l->admin_up &&
	       !l->oper_up && !l->is_bridge_port && l->master == 0;
}

static bool c_link_mtu(void)
{
	const struct xnl_link *l = L("t0");

	return l && l->mtu == 1280;
}

static bool c_link_up(void)
{
	const struct xnl_link *l = L("t0");

	return l && l->admin_up && l->oper_up;
}

static bool c_link_peer_down(void)
{
	const struct xnl_link *l = L("t0");

	return l && l->admin_up && !l->oper_up;
}

static bool c_link_down(void)
{
	const struct xnl_link *l = L("t0");

	return l && !l->admin_up && !l->oper_up;
}

static bool c_link_mac(void)
{
	const struct xnl_link *l = L("t0");

	return l && mac_is(l->mac, "02:00:00:00:10:99");
}

static bool c_link_rename(void)
{
	const struct xnl_link *l = L_idx(&S, idx_t0);

	return l && !strcmp(l->name, "t0x");
}

static bool c_link_del(void)
{
	return idx_t0 && idx_t1 && !L_idx(&S, idx_t0) && !L_idx(&S, idx_t1) &&
	       link_was_deleted(idx_t0) && link_was_deleted(idx_t1);
}

static bool c_addr4_add(void)
{
	const struct xnl_addr *a = A("pv1", "192.0.2.1", 24);
	uint8_t b[4] = { 192, 0, 2, 255 };

	return a && a->family == AF_INET && a->has_broadcast &&
	       !memcmp(a->broadcast, b, 4);
}

static bool c_addr4_brd(void)
{
	const struct xnl_addr *a = A("pv1", "203.0.113.129", 25);
	uint8_t b[4] = { 203, 0, 113, 200 };

	return a && a->has_broadcast && !memcmp(a->broadcast, b, 4);
}

static bool c_addr4_del(void)
{
	return addr_gone("pv1", "192.0.2.1", 24) &&
	       A("pv1", "198.51.100.1", 24);
}

static bool c_addr6_add(void)
{
	const struct xnl_addr *a = A("pv1", "2001:db8:1::1", 64);

	return a && a->family == AF_INET6 && !a->has_broadcast &&
	       a->scope == RT_SCOPE_UNIVERSE;
}

static bool c_addr6_del(void)
{
	return addr_gone("pv1", "2001:db8:1::1", 64);
}

static bool c_n_add(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.3");

	return n && n->usable && n->has_mac && n->state == NUD_PERMANENT &&
	       mac_is(n->mac, "02:00:00:00:05:03");
}

static bool c_n_mac(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.3");

	return n && n->usable && mac_is(n->mac, "02:00:00:00:05:33");
}

static bool c_n_reachable(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.4");

	/* the reachable timer may already have turned it stale */
	return n && n->usable && (n->state & (NUD_REACHABLE | NUD_STALE)) &&
	       mac_is(n->mac, "02:00:00:00:05:04");
}

static bool c_n_stale(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.4");

	return n && n->usable && n->state == NUD_STALE;
}

static bool c_n_noarp(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.7");

	return n && n->usable && n->state == NUD_NOARP;
}

static bool c_n_incomplete(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.5");

	return n && !n->usable && !n->has_mac && n->state == NUD_INCOMPLETE;
}

static bool c_n_failed(void)
{
	const struct xnl_neigh *n = N("pv1", "198.51.100.6");

	return n && !n->usable && n->state == NUD_FAILED;
}

static bool c_n6_add(void)
{
	const struct xnl_neigh *n = N("pv1", "2001:db8:2::2");

	return n && n->family == AF_INET6 && n->usable &&
	       mac_is(n->mac, "02:00:00:00:06:02");
}

static bool c_n_del(void)
{
	return neigh_gone("pv1", "198.51.100.3");
}

static bool c_n_del_rest(void)
{
	return !N("pv1", "198.51.100.4") && !N("pv1", "198.51.100.5") &&
	       !N("pv1", "198.51.100.6") && !N("pv1", "198.51.100.7") &&
	       neigh_gone("pv1", "2001:db8:2::2");
}

static bool c_fdb_add(void)
{
	const struct xnl_fdb *f = F("br0", "02:00:00:00:04:04");

	return f && f->ifindex == ifx("pv0") && f->state == NUD_NOARP &&
	       f->vlan == 0;
}

static bool c_fdb_move(void)
{
	const struct xnl_fdb *f = F("br0", "02:00:00:00:04:04");

	return f && f->ifindex == ifx("pq0");
}

static bool c_fdb_del(void)
{
	return !F("br0", "02:00:00:00:04:04") &&
	       mac_is(S.last_del_fdb.mac, "02:00:00:00:04:04") &&
	       S.last_del_fdb.master == ifx("br0");
}

static bool c_fdb_learned(void)
{
	const struct xnl_fdb *f = F("br0", "02:00:00:00:01:01");

	return f && f->ifindex == ifx("pv0") &&
	       (f->state & (NUD_REACHABLE | NUD_STALE)) &&
	       !(f->flags & NTF_SELF);
}

static bool c_port_disabled(void)
{
	const struct xnl_link *l = L("pv0");

	/* the merged view still carries what only AF_UNSPEC reports */
	return l && l->is_bridge_port && l->bridge_port_state == BR_DISABLED &&
	       l->master == ifx("br0") && l->mtu == 1450 &&
	       !strcmp(l->kind, "veth") && mac_is(l->mac, "02:00:00:00:01:00");
}

static bool c_port_forwarding(void)
{
	const struct xnl_link *l = L("pv0");

	return l && l->is_bridge_port && l->bridge_port_state == BR_FORWARDING;
}

static bool c_port_hairpin(void)
{
	const struct xnl_link *l = L("pv0");

	return l && l->is_bridge_port && l->hairpin;
}

static bool c_port_leave(void)
{
	const struct xnl_link *l = L("pq0");

	return l && !l->is_bridge_port && l->master == 0 &&
	       !link_was_deleted(ifx("pq0")) && !strcmp(l->kind, "veth");
}

static bool c_port_join(void)
{
	const struct xnl_link *l = L("pq0");

	return l && l->is_bridge_port && l->master == ifx("br0");
}

static bool c_reenter(void)
{
	return reenter_result == -EBUSY;
}

/* ---------------------------------------------------------------------- */
/* malformed input, fed through xnl_feed() */

static struct nlmsghdr *msg(char *buf, uint16_t type, const void *hdr,
			    size_t hlen)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, 512);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	memcpy(mnl_nlmsg_put_extra_header(nlh, hlen), hdr, hlen);
	return nlh;
}

static struct nlmsghdr *link_msg(char *buf, int family, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = family, .ifi_index = ifindex };

	return msg(buf, RTM_NEWLINK, &ifi, sizeof(ifi));
}

/* an attribute whose header claims more than it has */
static void put_raw_attr(struct nlmsghdr *nlh, uint16_t type, uint16_t len,
			 size_t real)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	a->nla_type = type;
	a->nla_len = len;
	nlh->nlmsg_len += MNL_ALIGN(real);
}

static size_t bad_msg(int which, char *buf)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 24,
				 .ifa_index = BAD_IFINDEX };
	struct ndmsg ndm = { .ndm_family = AF_INET,
			     .ndm_ifindex = BAD_IFINDEX,
			     .ndm_state = NUD_PERMANENT };
	uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t mac[6] = { 2, 0, 0, 0, 0x77, 0x77 };
	struct nlmsghdr *nlh, *n2;
	struct nlattr *nest;

	switch (which) {
	case 0:	/* shorter than struct ifinfomsg */
		nlh = link_msg(buf, AF_UNSPEC, BAD_IFINDEX);
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 8;
		break;
	case 1:
		nlh = link_msg(buf, AF_UNSPEC, BAD_IFINDEX);
		mnl_attr_put_u16(nlh, IFLA_MTU, 1500);
		break;
	case 2:
		nlh = link_msg(buf, AF_UNSPEC, BAD_IFINDEX);
		mnl_attr_put(nlh, IFLA_IFNAME, 4, "bad0");
		break;
	case 3:
		nlh = link_msg(buf, AF_UNSPEC, BAD_IFINDEX);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "name-beyond-ifnamsiz");
		break;
	case 4:
		nlh = link_msg(buf, AF_UNSPEC, BAD_IFINDEX);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "bad0");
		put_raw_attr(nlh, IFLA_MTU, 100, 8);
		break;
	case 5:
		nlh = link_msg(buf, AF_UNSPEC, BAD_IFINDEX);
		nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		put_raw_attr(nlh, IFLA_INFO_KIND, 64, 8);
		mnl_attr_nest_end(nlh, nest);
		break;
	case 6:
		nlh = link_msg(buf, AF_BRIDGE, BAD_IFINDEX);
		nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
		mnl_attr_put_u16(nlh, IFLA_BRPORT_STATE, 3);
		mnl_attr_nest_end(nlh, nest);
		break;
	case 7:
		nlh = msg(buf, RTM_NEWADDR, &ifa, sizeof(ifa));
		mnl_attr_put(nlh, IFA_LOCAL, 16, ip6);
		break;
	case 8:
		ifa.ifa_prefixlen = 33;
		nlh = msg(buf, RTM_NEWADDR, &ifa, sizeof(ifa));
		mnl_attr_put(nlh, IFA_LOCAL, 4, ip6);
		break;
	case 9:
		nlh = msg(buf, RTM_NEWNEIGH, &ndm, sizeof(ndm));
		mnl_attr_put(nlh, NDA_DST, 3, ip6);
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
		break;
	case 10:
		nlh = msg(buf, RTM_NEWNEIGH, &ndm, sizeof(ndm));
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
		break;
	case 11:
		ndm.ndm_family = AF_BRIDGE;
		nlh = msg(buf, RTM_NEWNEIGH, &ndm, sizeof(ndm));
		mnl_attr_put(nlh, NDA_LLADDR, 5, mac);
		break;
	case 12:
		ndm.ndm_family = AF_BRIDGE;
		nlh = msg(buf, RTM_NEWNEIGH, &ndm, sizeof(ndm));
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
		mnl_attr_put_u16(nlh, NDA_MASTER, 1);
		break;
	case 13:
		nlh = link_msg(buf, AF_UNSPEC, 0);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "bad0");
		break;
	case 14:	/* a valid message, then a header claiming 200 bytes */
		nlh = link_msg(buf, AF_UNSPEC, FAKE_IFINDEX);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "fake0");
		mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
		n2 = (struct nlmsghdr *)(buf + MNL_ALIGN(nlh->nlmsg_len));
		n2->nlmsg_len = 200;
		n2->nlmsg_type = RTM_NEWLINK;
		return MNL_ALIGN(nlh->nlmsg_len) + MNL_NLMSG_HDRLEN + 4;
	case 15:	/* garbage after the last attribute */
		nlh = msg(buf, RTM_NEWNEIGH, &ndm, sizeof(ndm));
		mnl_attr_put(nlh, NDA_DST, 4, ip6);
		nlh->nlmsg_len += 2;
		return MNL_ALIGN(nlh->nlmsg_len);
	default:
		return 0;
	}
	return nlh->nlmsg_len;
}

static const char *const bad_desc[] = {
	"RTM_NEWLINK shorter than struct ifinfomsg",
	"IFLA_MTU of 2 bytes",
	"IFLA_IFNAME without a terminating NUL",
	"IFLA_IFNAME longer than IFNAMSIZ",
	"attribute length past the end of the message",
	"IFLA_LINKINFO with a truncated nested IFLA_INFO_KIND",
	"AF_BRIDGE IFLA_PROTINFO with a 2-byte IFLA_BRPORT_STATE",
	"RTM_NEWADDR AF_INET with a 16-byte IFA_LOCAL",
	"RTM_NEWADDR AF_INET with prefix length 33",
	"RTM_NEWNEIGH AF_INET with a 3-byte NDA_DST",
	"RTM_NEWNEIGH AF_INET without NDA_DST",
	"RTM_NEWNEIGH AF_BRIDGE with a 5-byte NDA_LLADDR",
	"RTM_NEWNEIGH AF_BRIDGE with a 2-byte NDA_MASTER",
	"RTM_NEWLINK with ifindex 0",
	"truncated trailing message (the valid one before it is applied)",
	"trailing bytes after the last attribute",
};

static bool no_bad_objects(void)
{
	for (int i = 0; i < S.links.n; i++)
		if (((struct xnl_link *)(S.links.v + i * S.links.esz))
			    ->ifindex == BAD_IFINDEX)
			return false;
	for (int i = 0; i < S.addrs.n; i++)
		if (((struct xnl_addr *)(S.addrs.v + i * S.addrs.esz))
			    ->ifindex == BAD_IFINDEX)
			return false;
	for (int i = 0; i < S.neighs.n; i++)
		if (((struct xnl_neigh *)(S.neighs.v + i * S.neighs.esz))
			    ->ifindex == BAD_IFINDEX)
			return false;
	for (int i = 0; i < S.fdbs.n; i++)
		if (((struct xnl_fdb *)(S.fdbs.v + i * S.fdbs.esz))
			    ->ifindex == BAD_IFINDEX)
			return false;
	return true;
}

static bool r_malformed(int which)
{
	char buf[512] __attribute__((aligned(8)));
	uint64_t before = xnl_stats(X)->errors;
	uint64_t cbs = S.callbacks;
	size_t len = bad_msg(which, buf);
	int r;

	r = xnl_feed(X, buf, len);
	if (r != 1 || xnl_stats(X)->errors != before + 1) {
		fprintf(stderr, "# feed returned %d, errors +%llu\n", r,
			(unsigned long long)(xnl_stats(X)->errors - before));
		return false;
	}
	if (which == 14)
		return S.callbacks == cbs + 1 && L_idx(&S, FAKE_IFINDEX);
	return S.callbacks == cbs && no_bad_objects();
}

/* a well-formed link message unicast to us by a process, not the kernel */
static bool r_spoof(int unused)
{
	char buf[512] __attribute__((aligned(8)));
	struct sockaddr_nl me = {}, dst = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(me);
	uint64_t before = xnl_stats(X)->errors;
	struct mnl_socket *s;
	struct nlmsghdr *nlh;
	long deadline;
	bool ok = false;

	(void)unused;
	if (getsockname(xnl_fd(X), (struct sockaddr *)&me, &sl) < 0)
		return false;
	s = mnl_socket_open(NETLINK_ROUTE);
	if (!s)
		return false;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	nlh = link_msg(buf, AF_UNSPEC, 9999);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "spoof0");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	dst.nl_pid = me.nl_pid;
	if (sendto(mnl_socket_get_fd(s), buf, nlh->nlmsg_len, 0,
		   (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		perror("# sendto");
		goto out;
	}
	deadline = now_ms() + WAIT_MS;
	while (xnl_stats(X)->errors == before && now_ms() < deadline) {
		struct pollfd p = { .fd = xnl_fd(X), .events = POLLIN };

		poll(&p, 1, 20);
		pump();
	}
	ok = xnl_stats(X)->errors == before + 1 && !L_idx(&S, 9999);
out:
	mnl_socket_close(s);
	return ok;
}

/* ---------------------------------------------------------------------- */
/* overrun */

static int overrun_ret = -100;
static uint64_t overrun_overruns, overrun_resyncs;

static void gen_doomed(FILE *f)
{
	for (int i = 1; i <= DOOMED_NEIGHS; i++)
		fprintf(f,
			"neigh add 10.65.0.%d lladdr 02:65:00:00:00:%02x "
			"dev pv1 nud permanent\n",
			i, i);
}

/*
 * The 10.66 adds come first, so that some of them are still queued when the
 * socket overflows, and their deletions come last and are lost: a listener
 * that replayed the queue after its resync would resurrect them.
 */
static void gen_storm(FILE *f)
{
	for (int i = 1; i <= GHOST_NEIGHS; i++)
		fprintf(f,
			"neigh add 10.66.0.%d lladdr 02:66:00:00:00:%02x "
			"dev pv1 nud permanent\n",
			i, i);
	for (int i = 1; i <= DOOMED_NEIGHS; i++)
		fprintf(f, "neigh del 10.65.0.%d dev pv1\n", i);
	for (int i = 0; i < OVERRUN_NEIGHS; i++)
		fprintf(f,
			"neigh add 10.64.%d.%d lladdr 02:64:00:00:%02x:%02x "
			"dev pv1 nud permanent\n",
			i / 250, i % 250 + 1, i / 250, i % 250 + 1);
	for (int i = 1; i <= GHOST_NEIGHS; i++)
		fprintf(f, "neigh del 10.66.0.%d dev pv1\n", i);
}

static bool c_doomed_seen(void)
{
	return count_neigh_prefix(&S, 10, 65) == DOOMED_NEIGHS;
}

static bool r_overrun(int unused)
{
	const struct xnl_stats *st = xnl_stats(X);
	uint64_t ov = st->overruns, rs = st->resyncs;

	(void)unused;
	if (!ip_batch(gen_doomed) || !wait_for(c_doomed_seen, WAIT_MS))
		return false;
	pump_all();
	/* the kernel's minimum: a handful of messages fit */
	xnl_set_rcvbuf(X, 1);
	if (!ip_batch(gen_storm))
		return false;
	overrun_ret = xnl_read(X);
	xnl_set_rcvbuf(X, XNL_DEFAULT_RCVBUF);
	overrun_overruns = st->overruns - ov;
	overrun_resyncs = st->resyncs - rs;
	fprintf(stderr,
		"# overrun: xnl_read %d, overruns +%llu, resyncs +%llu\n",
		overrun_ret, (unsigned long long)overrun_overruns,
		(unsigned long long)overrun_resyncs);
	return overrun_ret == 1 && overrun_overruns >= 1 &&
	       overrun_resyncs >= 1;
}

static bool c_overrun_counts(void)
{
	/* the deletions were lost: only resync_end can have removed them */
	return count_neigh_prefix(&S, 10, 64) == OVERRUN_NEIGHS &&
	       count_neigh_prefix(&S, 10, 65) == 0 &&
	       count_neigh_prefix(&S, 10, 66) == 0 && !L_idx(&S, FAKE_IFINDEX);
}

static bool links_equal(const struct xnl_link *a, const struct xnl_link *b)
{
	return a->ifindex == b->ifindex && !strcmp(a->name, b->name) &&
	       a->mtu == b->mtu && a->has_mac == b->has_mac &&
	       !memcmp(a->mac, b->mac, 6) && a->master == b->master &&
	       !strcmp(a->kind, b->kind) && a->admin_up == b->admin_up &&
	       a->is_bridge_port == b->is_bridge_port &&
	       a->bridge_port_state == b->bridge_port_state &&
	       a->hairpin == b->hairpin;
}

static bool addrs_equal(const struct xnl_addr *a, const struct xnl_addr *b)
{
	return same_addr(a, b) && a->has_broadcast == b->has_broadcast &&
	       !memcmp(a->broadcast, b->broadcast, 4);
}

static bool neighs_equal(const struct xnl_neigh *a, const struct xnl_neigh *b)
{
	return same_neigh(a, b) && a->has_mac == b->has_mac &&
	       !memcmp(a->mac, b->mac, 6) && a->usable == b->usable;
}

static bool fdbs_equal(const struct xnl_fdb *a, const struct xnl_fdb *b)
{
	return same_fdb(a, b) && a->ifindex == b->ifindex;
}

static bool table_equal(const struct table *a, const struct table *b,
			bool (*eq)(const void *, const void *),
			const char *what)
{
	if (a->n != b->n) {
		fprintf(stderr, "# %s: %d here, %d in a fresh dump\n", what,
			a->n, b->n);
		return false;
	}
	for (int i = 0; i < a->n; i++) {
		const void *e = a->v + i * a->esz;
		const void *o = tbl_get(b, e);

		if (!o || !eq(e, o)) {
			fprintf(stderr, "# %s: entry %d differs\n", what, i);
			return false;
		}
	}
	return true;
}

static bool fresh_equal_once(void)
{
	struct tstate fresh;
	struct xnl *y;
	int err = 0;
	bool ok;

	ts_init(&fresh);
	y = xnl_open(&CB, &fresh, &err);
	if (!y || xnl_dump(y)) {
		fprintf(stderr, "# fresh listener: %s\n", strerror(-err));
		xnl_close(y);
		ts_free(&fresh);
		return false;
	}
	pump_all();
	ok = table_equal(&S.links, &fresh.links, (void *)links_equal,
			 "links") &&
	     table_equal(&S.addrs, &fresh.addrs, (void *)addrs_equal,
			 "addresses") &&
	     table_equal(&S.neighs, &fresh.neighs, (void *)neighs_equal,
			 "neighbours") &&
	     table_equal(&S.fdbs, &fresh.fdbs, (void *)fdbs_equal, "fdb");
	xnl_close(y);
	ts_free(&fresh);
	return ok;
}

/* the kernel may still be changing things (IPv6 multicast neighbours) */
static bool r_fresh_equal(int unused)
{
	(void)unused;
	for (int i = 0; i < 5; i++) {
		if (fresh_equal_once())
			return true;
		usleep(200 * 1000);
	}
	return false;
}

static bool r_ip_count(int unused)
{
	(void)unused;
	for (int i = 0; i < 5; i++) {
		int n;

		pump_all();
		n = count_lines("ip neigh show nud all");
		if (n == S.neighs.n)
			return true;
		fprintf(stderr, "# ip neigh: %d, consumer: %d\n", n,
			S.neighs.n);
		usleep(200 * 1000);
	}
	return false;
}

static bool r_stats(int unused)
{
	const struct xnl_stats *st = xnl_stats(X);

	(void)unused;
	fprintf(stderr, "# stats: msgs %llu resyncs %llu errors %llu "
			"overruns %llu\n",
		(unsigned long long)st->msgs, (unsigned long long)st->resyncs,
		(unsigned long long)st->errors,
		(unsigned long long)st->overruns);
	return st->msgs > OVERRUN_NEIGHS && st->resyncs >= 2 &&
	       st->errors >= sizeof(bad_desc) / sizeof(bad_desc[0]) + 1 &&
	       st->overruns >= 1 && S.begins == S.ends && read_errors == 0 &&
	       !xnl_resync_pending(X);
}

/* ---------------------------------------------------------------------- */
/* the cases */

struct tcase {
	const char *desc;
	const char *cmds;	/* shell, run first (may be NULL) */
	bool (*check)(void);	/* polled until true or WAIT_MS */
	bool (*run)(int arg);	/* or: does everything itself */
	int arg;
	bool no_read;		/* check the state as it is, read nothing */
};

#define CASE(d, c, chk) { .desc = (d), .cmds = (c), .check = (chk) }
#define RUN(d, fn) { .desc = (d), .run = (fn) }
#define INIT(d, c) { .desc = "initial dump: " d, .check = c, .no_read = true }

static const struct tcase cases[] = {
	INIT("veth pv0 with MAC, MTU 1450, kind veth, up", c_init_veth),
	INIT("bridge br0 with kind bridge and its MAC", c_init_bridge),
	INIT("pv0 is a forwarding port of br0", c_init_port),
	INIT("IPv4 address 198.51.100.1/24 with broadcast", c_init_addr4),
	INIT("IPv6 address 2001:db8:2::1/64 without broadcast", c_init_addr6),
	INIT("permanent neighbour usable with its MAC", c_init_neigh),
	INIT("static FDB entry on pv0 (NUD_NOARP)", c_init_fdb),
	INIT("local FDB entry for pv0's MAC (NUD_PERMANENT)",
	     c_init_fdb_local),
	INIT("one resync_begin/resync_end bracket", c_init_bracket),
	INIT("netconf dump: IPv4 forwarding/rp_filter of a device and of all, IPv6 all",
	     c_init_netconf),
	INIT("rules dump: the default rules, no selectors", c_init_rules),
	INIT("route dump: the main table's throw route, not its unicast ones",
	     c_init_throw),
	CASE("throw route added: notified",
	     "ip -6 route add throw 2001:db8:77::/48", c_route_throw),
	CASE("unicast and blackhole routes are filtered in the kernel; a local one in main is not",
	     "ip route add 192.0.2.0/25 dev pv1; ip route add blackhole 192.0.2.64/26; "
	     "ip route add local 192.0.2.128/25 dev lo table main",
	     c_route_unicast_filtered),
	CASE("AnyIP local-table route: reported, as the kernel's own local routes (made by the kernel)",
	     "ip route add local 10.9.0.0/16 dev lo", c_route_anyip),
	CASE("AnyIP route deleted",
	     "ip route del local 10.9.0.0/16 dev lo", c_route_anyip_gone),
	CASE("route deletions notified",
	     "ip -6 route del throw 2001:db8:77::/48; "
	     "ip route del local 192.0.2.128/25 dev lo table main; "
	     "ip route del throw 203.0.113.0/24", c_route_del),
	CASE("rule add from a prefix: notified, with selectors",
	     "ip rule add pref 100 from 10.0.1.0/24 table 100", c_rule_add),
	CASE("IPv6 rule without selectors (all to a table)",
	     "ip -6 rule add pref 200 table 101", c_rule_plain),
	CASE("fwmark rule: selectors",
	     "ip rule add pref 300 fwmark 7 table 100", c_rule_fwmark),
	CASE("rule deletions notified",
	     "ip rule del pref 100; ip -6 rule del pref 200; ip rule del pref 300",
	     c_rules_gone),
	CASE("netconf: a device's IPv4 forwarding change is notified",
	     "sysctl -qw net.ipv4.conf.pv1.forwarding=1", c_nc_fwd_dev),
	CASE("netconf: a device's rp_filter change is notified",
	     "sysctl -qw net.ipv4.conf.pv1.rp_filter=2", c_nc_rpf_dev),
	CASE("netconf: net.ipv4.ip_forward=1 notifies all and each device",
	     "sysctl -qw net.ipv4.ip_forward=1", c_nc_fwd_all),
	CASE("netconf: IPv6 all.forwarding change is notified",
	     "sysctl -qw net.ipv6.conf.all.forwarding=1", c_nc_fwd6_all),

	CASE("link add: veth t0 with MAC 02:00:00:00:10:00, MTU 1400, down",
	     "ip link add name t0 address 02:00:00:00:10:00 mtu 1400 type veth "
	     "peer name t1 address 02:00:00:00:10:01",
	     c_link_add),
	CASE("MTU change to 1280",
	     "ip link set dev t0 mtu 1280",
	     c_link_mtu),
	CASE("admin up (and oper up once the peer is up)",
	     "ip link set dev t0 up; ip link set dev t1 up",
	     c_link_up),
	CASE("oper down while admin up when the peer goes down",
	     "ip link set dev t1 down",
	     c_link_peer_down),
	CASE("admin down",
	     "ip link set dev t0 down",
	     c_link_down),
	CASE("MAC change",
	     "ip link set dev t0 address 02:00:00:00:10:99",
	     c_link_mac),
	CASE("rename t0 -> t0x",
	     "ip link set dev t0 name t0x",
	     c_link_rename),
	CASE("link delete: t0x and its peer t1 reported deleted",
	     "ip link del dev t0x",
	     c_link_del),

	CASE("IPv4 address add 192.0.2.1/24 with broadcast 192.0.2.255",
	     "ip addr add 192.0.2.1/24 brd + dev pv1",
	     c_addr4_add),
	CASE("IPv4 address with explicit broadcast 203.0.113.200",
	     "ip addr add 203.0.113.129/25 brd 203.0.113.200 dev pv1",
	     c_addr4_brd),
	CASE("IPv4 address delete (others stay)",
	     "ip addr del 192.0.2.1/24 dev pv1",
	     c_addr4_del),
	CASE("IPv6 address add 2001:db8:1::1/64",
	     "ip -6 addr add 2001:db8:1::1/64 dev pv1 nodad",
	     c_addr6_add),
	CASE("IPv6 address delete",
	     "ip -6 addr del 2001:db8:1::1/64 dev pv1",
	     c_addr6_del),

	CASE("neighbour add: permanent, usable, with MAC",
	     "ip neigh add 198.51.100.3 lladdr 02:00:00:00:05:03 dev pv1 "
	     "nud permanent",
	     c_n_add),
	CASE("neighbour MAC change",
	     "ip neigh replace 198.51.100.3 lladdr 02:00:00:00:05:33 dev pv1 "
	     "nud permanent",
	     c_n_mac),
	CASE("reachable neighbour usable",
	     "ip neigh replace 198.51.100.4 lladdr 02:00:00:00:05:04 dev pv1 "
	     "nud reachable",
	     c_n_reachable),
	CASE("stale neighbour usable",
	     "ip neigh replace 198.51.100.4 lladdr 02:00:00:00:05:04 dev pv1 "
	     "nud stale",
	     c_n_stale),
	CASE("noarp neighbour with MAC usable",
	     "ip neigh add 198.51.100.7 lladdr 02:00:00:00:05:07 dev pv1 "
	     "nud noarp",
	     c_n_noarp),
	/*
	 * The kernel does not notify neighbours created invalid (INCOMPLETE,
	 * FAILED) by RTM_NEWNEIGH, only transitions from a valid state.
	 */
	CASE("neighbour stale -> incomplete: MAC gone, not usable",
	     "ip neigh add 198.51.100.5 lladdr 02:00:00:00:05:05 dev pv1 "
	     "nud stale; ip neigh replace 198.51.100.5 dev pv1 nud incomplete",
	     c_n_incomplete),
	CASE("unresolvable neighbour (ARP timeout) ends FAILED, not usable",
	     "echo 100 > /proc/sys/net/ipv4/neigh/pv1/retrans_time_ms; "
	     "ping -c 1 -W 1 198.51.100.6 >/dev/null 2>&1 || true",
	     c_n_failed),
	CASE("IPv6 neighbour add usable",
	     "ip -6 neigh add 2001:db8:2::2 lladdr 02:00:00:00:06:02 dev pv1 "
	     "nud permanent",
	     c_n6_add),
	CASE("neighbour delete",
	     "ip neigh del 198.51.100.3 dev pv1",
	     c_n_del),
	CASE("stale/noarp/incomplete/failed/IPv6 neighbour deletes",
	     "for i in 4 5 6 7; do ip neigh del 198.51.100.$i dev pv1; done; "
	     "ip -6 neigh del 2001:db8:2::2 dev pv1",
	     c_n_del_rest),

	CASE("FDB add: static on pv0, master br0, NUD_NOARP",
	     "bridge fdb add 02:00:00:00:04:04 dev pv0 master static",
	     c_fdb_add),
	CASE("FDB move to port pq0",
	     "bridge fdb replace 02:00:00:00:04:04 dev pq0 master static",
	     c_fdb_move),
	CASE("FDB delete",
	     "bridge fdb del 02:00:00:00:04:04 dev pq0 master",
	     c_fdb_del),
	CASE("FDB entry learned from traffic (pv1 -> pv0) is dynamic",
	     "ping -c 1 -W 1 -I pv1 198.51.100.2 >/dev/null 2>&1 || true",
	     c_fdb_learned),

	CASE("bridge port state disabled (AF_BRIDGE notification, full link)",
	     "bridge link set dev pv0 state 0",
	     c_port_disabled),
	CASE("bridge port state forwarding",
	     "bridge link set dev pv0 state 3",
	     c_port_forwarding),
	CASE("bridge port hairpin on",
	     "bridge link set dev pv0 hairpin on",
	     c_port_hairpin),
	CASE("port leaves the bridge: not a port, master 0, not deleted",
	     "ip link set dev pq0 nomaster",
	     c_port_leave),
	CASE("port joins the bridge again",
	     "ip link set dev pq0 master br0",
	     c_port_join),
	CASE("xnl_dump from a callback is refused with -EBUSY",
	     "ip link set dev pq1 mtu 1400",
	     c_reenter),

	/* expanded by main() into one case per bad_msg() */
	{ .desc = "malformed", .run = r_malformed },

	RUN("message from a non-kernel sender is ignored and counted",
	    r_spoof),
	RUN("overrun: tiny buffer, 3000 neighbour adds and 200 deletes "
	    "unread: xnl_read resyncs and returns 1",
	    r_overrun),
	{ .desc = "overrun: consumer has all new and none of the deleted "
		  "neighbours (queued adds not replayed), injected link gone",
	  .check = c_overrun_counts,
	  .no_read = true },
	RUN("overrun: consumer tables equal a fresh dump", r_fresh_equal),
	RUN("overrun: neighbour count equals `ip neigh show nud all`",
	    r_ip_count),
	RUN("stats: messages, resyncs, errors, overruns counted", r_stats),
};

static int run_case(int num, const struct tcase *c)
{
	bool ok;

	if (c->check == c_reenter)
		reenter_armed = true;
	ok = !c->cmds || sh(c->cmds);
	if (ok && c->run)
		ok = c->run(c->arg);
	else if (ok && c->no_read)
		ok = c->check();
	else if (ok)
		ok = wait_for(c->check, WAIT_MS);
	reenter_armed = false;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", num, c->desc);
	fflush(stdout);
	return ok;
}

int main(void)
{
	int n_bad = sizeof(bad_desc) / sizeof(bad_desc[0]);
	int passed = 0, failed = 0, num = 0, err = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare(CLONE_NEWNET) (needs root)");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	ts_init(&S);
	if (!sh(SETUP)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	X = xnl_open(&CB, &S, &err);
	if (!X) {
		fprintf(stderr, "xnl_open: %s\n", strerror(-err));
		printf("0 passed, 1 failed\n");
		return 1;
	}
	err = xnl_dump(X);
	if (err)
		fprintf(stderr, "# xnl_dump: %s\n", strerror(-err));

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];

		if (c->run != r_malformed) {
			if (run_case(++num, c))
				passed++;
			else
				failed++;
			continue;
		}
		for (int b = 0; b < n_bad; b++) {
			char desc[160];
			struct tcase bc = { .desc = desc,
					    .run = r_malformed,
					    .arg = b };

			snprintf(desc, sizeof(desc), "%s: %s", c->desc,
				 bad_desc[b]);
			if (run_case(++num, &bc))
				passed++;
			else
				failed++;
		}
	}

	xnl_close(X);
	ts_free(&S);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
