// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The router under test (setup.h): the namespace, its veths and
 * gateways, the BPF objects and their static maps, the route sets and
 * loading them into the three FIBs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfwd_maps.h"
#include "fib4.h"
#include "fib6.h"
#include "bpf/xdpfwd.skel.h"
#include "fibfwd.skel.h"
#include "lpmfwd.skel.h"
#include "util.skel.h"
#include "bpf/bench_maps.h"

#include "kfib.h"
#include "routes.h"
#include "setup.h"
#include "xdpbench.h"

struct bench_ifaces ifx;
struct bench_objs obj;
struct bench_tables tables;

static struct fib4 *xfib4; /* xdpfwd's IPv4 builder on its mmapped maps */
static struct fib6 *xfib6; /* and its IPv6 builder */
static struct kfib kf;	   /* netlink socket for the kernel FIB */

static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		die("command failed: %s", cmd);
}

static void put_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f) != 0)
		die("cannot write %s", path);
}

/* ------------------------------------------------------------------ */
/* the namespace */

const uint8_t MAC_IN[6] = { 0x02, 0, 0, 0, 0xff, 0x01 };
const uint8_t MAC_SRC[6] = { 0x02, 0, 0, 0, 0xff, 0x02 };

static void mac_eg(int e, uint8_t m[6])
{
	uint8_t v[6] = { 0x02, 0, 0, 0, (uint8_t)(e + 1), 0x01 };

	memcpy(m, v, 6);
}

/* nexthop h: egress h / 2, gateway .2 or .3 on it */
static int nh_eg(int h)
{
	return h / 2;
}

void mac_gw(int h, uint8_t m[6])
{
	uint8_t v[6] = { 0x02, 0, 0, 0, (uint8_t)(nh_eg(h) + 1),
			 (uint8_t)(2 + h % 2) };

	memcpy(m, v, 6);
}

static uint32_t gw4(int h) /* network byte order */
{
	return htonl(0x0a000000u | (uint32_t)(nh_eg(h) + 1) << 16 | (2 + h % 2));
}

static void gw6(int h, uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[3] = (uint8_t)(nh_eg(h) + 1);
	a[15] = (uint8_t)(2 + h % 2);
}

static const char *macstr(const uint8_t m[6])
{
	static char s[4][18];
	static int i;

	i = (i + 1) % 4;
	snprintf(s[i], sizeof(s[i]), "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
		 m[1], m[2], m[3], m[4], m[5]);
	return s[i];
}

void setup_netns(void)
{
	uint8_t m[6], pm[6];
	char a6[INET6_ADDRSTRLEN], name[IF_NAMESIZE];
	int e, h;

	if (unshare(CLONE_NEWNET) != 0)
		die("unshare(CLONE_NEWNET): %s (run as root)", strerror(errno));
	sh("ip link set lo up");
	/* forwarding on before the links exist, so they inherit it */
	put_sysctl("/proc/sys/net/ipv4/conf/all/forwarding", "1");
	put_sysctl("/proc/sys/net/ipv4/conf/default/forwarding", "1");
	put_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter", "0");
	put_sysctl("/proc/sys/net/ipv4/conf/default/rp_filter", "0");
	put_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
	put_sysctl("/proc/sys/net/ipv6/conf/default/forwarding", "1");

	sh("ip link add rin address %s type veth peer name rinp address %s",
	   macstr(MAC_IN), macstr(MAC_SRC));
	sh("ip link set rin up && ip link set rinp up");
	sh("ip addr add 10.255.0.1/24 dev rin");
	sh("ip -6 addr add fd00:ff::1/64 dev rin nodad");
	ifx.in = if_nametoindex("rin");
	ifx.in_peer = if_nametoindex("rinp");
	for (e = 0; e < N_EG; e++) {
		mac_eg(e, m);
		memcpy(pm, m, 6);
		pm[5] = 0xfe;
		sh("ip link add eg%d address %s type veth peer name eg%dp address %s",
		   e, macstr(m), e, macstr(pm));
		sh("ip link set eg%d up && ip link set eg%dp up", e, e);
		sh("ip addr add 10.%d.0.1/24 dev eg%d", e + 1, e);
		sh("ip -6 addr add fd00:%d::1/64 dev eg%d nodad", e + 1, e);
		snprintf(name, sizeof(name), "eg%d", e);
		ifx.eg[e] = if_nametoindex(name);
		snprintf(name, sizeof(name), "eg%dp", e);
		ifx.eg_peer[e] = if_nametoindex(name);
		if (!ifx.eg[e] || !ifx.eg_peer[e])
			die("if_nametoindex(eg%d)", e);
	}
	for (h = 0; h < BENCH_NH; h++) {
		struct in_addr ia = { .s_addr = gw4(h) };
		uint8_t g6[16];

		mac_gw(h, m);
		gw6(h, g6);
		inet_ntop(AF_INET6, g6, a6, sizeof(a6));
		sh("ip neigh replace %s lladdr %s nud permanent dev eg%d",
		   inet_ntoa(ia), macstr(m), nh_eg(h));
		sh("ip -6 neigh replace %s lladdr %s nud permanent dev eg%d",
		   a6, macstr(m), nh_eg(h));
	}
}

/* ------------------------------------------------------------------ */
/* BPF objects and their static state (everything but routes) */

void map_update(struct bpf_map *m, const void *k, const void *v)
{
	if (bpf_map_update_elem(bpf_map__fd(m), k, v, BPF_ANY))
		die("update %s: %s", bpf_map__name(m), strerror(errno));
}

void *map_mmap(struct bpf_map *m)
{
	size_t sz = (size_t)bpf_map__value_size(m) * bpf_map__max_entries(m);
	void *p;

	sz = (sz + 4095) & ~(size_t)4095;
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(m),
		 0);
	if (p == MAP_FAILED)
		die("mmap %s: %s", bpf_map__name(m), strerror(errno));
	return p;
}

static void xdpfwd_static(struct xdpfwd_bpf *s)
{
	struct xdpfwd_iface ifc = { .flags = XDPFWD_IF_F_ENABLED };
	static const __u8 reserved[] = XDPFWD_NHG_RESERVED;
	__u32 k;
	int e, h;

	memcpy(ifc.mac, MAC_IN, 6);
	k = ifx.in;
	map_update(s->maps.ifaces, &k, &ifc);
	for (e = 0; e < N_EG; e++) {
		k = ifx.eg[e];
		map_update(s->maps.tx_ports, &k, &k);
		/* egress interfaces are xdpfwd interfaces too (not enabled
		 * as ingress here: no traffic enters through them)
		 */
		memset(&ifc, 0, sizeof(ifc));
		mac_eg(e, ifc.mac);
		map_update(s->maps.ifaces, &k, &ifc);
	}
	for (k = XDPFWD_NHG_ID_LOCAL; k < XDPFWD_NHG_ID_FIRST_DYNAMIC; k++) {
		struct xdpfwd_nhg g = { .type = reserved[k] };

		map_update(s->maps.nhgs, &k, &g);
	}
	for (h = 0; h < BENCH_NH; h++) {
		struct xdpfwd_adj a = {
			.ifindex = ifx.eg[nh_eg(h)],
			.mtu = 1500,
			.mtu6 = 1500,
			.flags = XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED,
		};
		struct xdpfwd_nhg g = { .type = XDPFWD_NHG_FORWARD, .nslots = 1 };

		mac_eg(nh_eg(h), a.smac);
		mac_gw(h, a.dmac);
		k = h + 1;
		map_update(s->maps.adjs, &k, &a);
		g.slot[0] = k;
		k = xdpfwd_nhg(h);
		map_update(s->maps.nhgs, &k, &g);
	}
}

static void refs_static(void)
{
	__u32 k;
	int e, h;

	for (e = 0; e < N_EG; e++) {
		struct lpm_neigh n = {};

		k = ifx.eg[e];
		map_update(obj.fib->maps.tx_ports, &k, &k);
		map_update(obj.lpm->maps.tx_ports, &k, &k);
		mac_eg(e, n.mac);
		map_update(obj.lpm->maps.ifmac, &k, &n);
	}
	for (h = 0; h < BENCH_NH; h++) {
		struct lpm_neigh n = {};
		uint8_t g6[16];
		__u32 g4 = gw4(h);

		mac_gw(h, n.mac);
		gw6(h, g6);
		map_update(obj.lpm->maps.neigh4, &g4, &n);
		map_update(obj.lpm->maps.neigh6, g6, &n);
	}
	k = ifx.eg[0];
	map_update(obj.util->maps.redir_port, &k, &k);
}

void load_objects(size_t max_v4, size_t max_v6)
{
	int e, err, sink;

	obj.xdpfwd = xdpfwd_bpf__open();
	if (!obj.xdpfwd)
		die("opening xdpfwd: %s", strerror(errno));
	/* as the plugin loads it: conntrack mode reads nf_conn */
	obj.xdpfwd->rodata->xdpfwd_ct_reads = 1;
	if (xdpfwd_bpf__load(obj.xdpfwd))
		die("loading xdpfwd: %s", strerror(errno));
	/* a live plugin: the heartbeat never lapses during a measurement */
	obj.xdpfwd->bss->xdpfwd_live_until_ns = UINT64_MAX;
	obj.fib = bench_fibfwd__open_and_load();
	if (!obj.fib)
		die("loading the bpf_fib_lookup reference: %s", strerror(errno));
	obj.lpm = bench_lpmfwd__open();
	if (!obj.lpm)
		die("opening the LPM reference: %s", strerror(errno));
	bpf_map__set_max_entries(obj.lpm->maps.lpm4, max_v4 + 16);
	bpf_map__set_max_entries(obj.lpm->maps.lpm6, max_v6 + 16);
	if (bench_lpmfwd__load(obj.lpm))
		die("loading the LPM reference: %s", strerror(errno));
	obj.util = bench_util__open();
	if (!obj.util)
		die("opening the harness programs: %s", strerror(errno));
	bpf_map__set_max_entries(obj.util->maps.dst_pool, opt.pool);
	obj.util->rodata->dst_mask = opt.pool - 1;
	obj.util->rodata->redir_ifindex = ifx.eg[0];
	if (bench_util__load(obj.util))
		die("loading the harness programs: %s", strerror(errno));

	xdpfwd_static(obj.xdpfwd);
	refs_static();

	/* a veth takes redirected frames only when its peer runs XDP; the
	 * sink counts and drops whatever arrives
	 */
	sink = bpf_program__fd(obj.util->progs.bench_sink);
	for (e = 0; e < N_EG; e++) {
		err = bpf_xdp_attach(ifx.eg_peer[e], sink, XDP_FLAGS_DRV_MODE,
				     NULL);
		if (err)
			die("attach sink to eg%dp: %s", e, strerror(-err));
	}
}

/* ------------------------------------------------------------------ */
/* route sets and loading them into the three FIBs */

void tables_generate(size_t n4, size_t n6)
{
	struct bench_tables *t = &tables;
	size_t h[33], shorter = 0, longer = 0;
	int l;

	t->n4_total = n4;
	t->n6_total = n6;
	t->r4 = calloc(t->n4_total + 1, sizeof(*t->r4));
	t->r6 = calloc(t->n6_total + 1, sizeof(*t->r6));
	if (!t->r4 || !t->r6 || !routes4_gen(t->r4, t->n4_total, opt.seed) ||
	    !routes6_gen(t->r6, t->n6_total, opt.seed))
		die("out of memory");
	t->o4 = oracle4_new(t->r4, t->n4_total);
	t->o6 = oracle6_new(t->r6, t->n6_total);
	if (!t->o4 || !t->o6)
		die("out of memory");

	routes4_hist(t->r4, t->n4_total, h);
	for (l = 0; l < 24; l++)
		shorter += h[l];
	for (l = 25; l <= 32; l++)
		longer += h[l];
	progress("generated %zu IPv4 routes (/24 %.1f%%, shorter %.1f%%, "
		 "longer %.2f%%) and %zu IPv6 routes, seed %llu",
		 t->n4_total, 100.0 * h[24] / t->n4_total,
		 100.0 * shorter / t->n4_total, 100.0 * longer / t->n4_total,
		 t->n6_total, (unsigned long long)opt.seed);
}

void fibs_open(void)
{
	struct xdpfwd_fib4_block *t24, *t8;

	if (kfib_open(&kf))
		die("netlink socket: %s", strerror(errno));
	t24 = map_mmap(obj.xdpfwd->maps.fib4_tbl24);
	t8 = map_mmap(obj.xdpfwd->maps.fib4_tbl8);
	xfib4 = fib4_create(t24, t8,
			    bpf_map__max_entries(obj.xdpfwd->maps.fib4_tbl8));
	if (!xfib4)
		die("fib4_create: %s", strerror(errno));
}

void fibs_close(void)
{
	fib4_destroy(xfib4);
	fib6_destroy(xfib6);
	xfib6 = NULL;
	kfib_close(&kf);
}

/* send the queued routes, wait for the kernel, die on any refusal */
static void flush_kernel_fib(void)
{
	int err = kfib_flush(&kf);

	if (err)
		die("netlink: %s", strerror(-err));
	if (kf.errors)
		die("kernel refused %lu of %lu routes (first: %s)", kf.errors,
		    kf.sent, strerror(kf.first_error));
}

void grow4(size_t n)
{
	const struct route4 *r4 = tables.r4;
	double t;
	size_t i;
	int err;

	t = now();
	for (i = tables.n4_loaded; i < n; i++) {
		err = fib4_add(xfib4, r4[i].prefix, r4[i].len,
			       xdpfwd_nhg(r4[i].nh));
		/* > 0: installed but left to the kernel (no tbl8 group):
		 * its packets would show as mismatches
		 */
		if (err < 0)
			die("fib4_add #%zu: %s", i, strerror(-err));
	}
	tables.load4.xdpfwd += now() - t;

	t = now();
	for (i = tables.n4_loaded; i < n; i++) {
		struct lpm4_key k = { r4[i].len, htonl(r4[i].prefix) };
		struct lpm_route4 v = { ifx.eg[nh_eg(r4[i].nh)], gw4(r4[i].nh) };

		map_update(obj.lpm->maps.lpm4, &k, &v);
	}
	tables.load4.lpm += now() - t;

	t = now();
	for (i = tables.n4_loaded; i < n; i++) {
		err = kfib_route4(&kf, htonl(r4[i].prefix), r4[i].len,
				  gw4(r4[i].nh), ifx.eg[nh_eg(r4[i].nh)]);
		if (err)
			die("netlink: %s", strerror(-err));
	}
	flush_kernel_fib();
	tables.load4.kernel += now() - t;
	tables.n4_loaded = n;
}

void grow6(size_t n)
{
	const struct route6 *r6 = tables.r6;
	double t;
	size_t i;
	int err;

	if (!xfib6) {
		xfib6 = fib6_create(map_mmap(obj.xdpfwd->maps.fib6_dir),
				    map_mmap(obj.xdpfwd->maps.fib6_keys),
				    map_mmap(obj.xdpfwd->maps.fib6_vals),
				    bpf_map__max_entries(obj.xdpfwd->maps.fib6_keys));
		if (!xfib6)
			die("fib6_create: %s", strerror(errno));
	}
	t = now();
	for (i = tables.n6_loaded; i < n; i++) {
		err = fib6_add(xfib6, r6[i].addr, r6[i].len,
			       xdpfwd_nhg(r6[i].nh));
		/* > 0: installed but left to the kernel (tables full): its
		 * packets would show as mismatches
		 */
		if (err < 0)
			die("fib6_add #%zu: %s", i, strerror(-err));
	}
	tables.load6.xdpfwd += now() - t;

	t = now();
	for (i = tables.n6_loaded; i < n; i++) {
		struct lpm6_key k = { .prefixlen = r6[i].len };
		struct lpm_route6 v = { .ifindex = ifx.eg[nh_eg(r6[i].nh)] };

		memcpy(k.addr, r6[i].addr, 16);
		gw6(r6[i].nh, v.gw);
		map_update(obj.lpm->maps.lpm6, &k, &v);
	}
	tables.load6.lpm += now() - t;

	t = now();
	for (i = tables.n6_loaded; i < n; i++) {
		uint8_t g[16];

		gw6(r6[i].nh, g);
		err = kfib_route6(&kf, r6[i].addr, r6[i].len, g,
				  ifx.eg[nh_eg(r6[i].nh)]);
		if (err)
			die("netlink: %s", strerror(-err));
	}
	flush_kernel_fib();
	tables.load6.kernel += now() - t;
	tables.n6_loaded = n;
}
