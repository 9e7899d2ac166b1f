// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpbench: datapath and FIB-builder benchmark of xdpfwd against two
 * references measured in the same run (see bench/README.md):
 *
 *  - per-packet cost of the whole XDP program (BPF_PROG_TEST_RUN loops
 *    over a pool of random destinations of the installed table, and one
 *    run per destination to check every verdict) for xdpfwd, a
 *    bpf_fib_lookup forwarder over the kernel FIB and an LPM-trie
 *    forwarder, with the harness' own cost measured by an XDP_PASS
 *    program and subtracted;
 *  - forwarding throughput with live frames (BPF_F_TEST_XDP_LIVE_FRAMES)
 *    on the router's ingress veth, counted at the far end of the egress
 *    veths, for the same forwarders and for the kernel's own forwarding;
 *  - the IPv4 DIR-24-8 builder (plugin/fib4.c) on the real mmapped maps:
 *    adds/s, deletes/s, map bytes per route.
 *
 * Everything runs in an anonymous network namespace (unshare), which the
 * kernel tears down with its veths and routes when the process exits; BPF
 * objects are not pinned and go away with it too.
 *
 * Needs root.  Progress goes to stderr; results go to --out DIR as
 * raw.json, results.md and *.tsv (for bench/plot.gp).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfwd_maps.h"
#include "fib4.h"
#include "bpf/xdpfwd.skel.h"
#include "fibfwd.skel.h"
#include "lpmfwd.skel.h"
#include "util.skel.h"

#include "kfib.h"
#include "routes.h"

#define MAX_SIZES 8
#define MAX_ROUNDS 64
#define FRAME_MAX 1536
#define COST_FRAME 64	  /* bytes handed to the cost runs (no FCS) */
#define LIVE_SMALL 60	  /* 64-byte packet on the wire, FCS excluded */
#define LIVE_LARGE 1514	  /* 1500-byte IP packet */
#define CHUNK 256	  /* frames per forwarder turn in the cost runs */

/* ------------------------------------------------------------------ */
/* options */

static struct {
	bool smoke;
	uint64_t seed;
	int cpu;
	const char *out;
	const char *commit;
	const char *date;
	size_t v4[MAX_SIZES], v6[MAX_SIZES], tput[MAX_SIZES];
	int n_v4, n_v6, n_tput;
	unsigned int pool, rounds, check;
	unsigned long live_frames;
	unsigned int live_rounds;
	size_t builder_routes;
	unsigned int builder_rounds;
	bool no_builder, no_cost, no_tput, no_v6, verbose;
} opt = {
	.seed = 42,
	.cpu = -1,
	.out = "bench/results/tmp",
	.commit = "unknown",
	.date = "unknown",
};

static double t_start;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[%6.1fs] ", now() - t_start);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

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
/* the namespace: one ingress veth, two egress veths, four gateways
 *
 *   rinp --- rin [router] eg0 --- eg0p (sink: gateways 10.1.0.2, .3)
 *                         eg1 --- eg1p (sink: gateways 10.2.0.2, .3)
 */

#define N_EG 2

static struct {
	int in, in_peer;
	int eg[N_EG], eg_peer[N_EG];
} ifx;

static const uint8_t MAC_IN[6] = { 0x02, 0, 0, 0, 0xff, 0x01 };
static const uint8_t MAC_SRC[6] = { 0x02, 0, 0, 0, 0xff, 0x02 };

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

static void mac_gw(int h, uint8_t m[6])
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

static void setup_netns(void)
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

static struct xdpfwd_bpf *xs;	/* xdpfwd, the program under test */
static struct bench_fibfwd *fs; /* reference (a): bpf_fib_lookup */
static struct bench_lpmfwd *ls; /* reference (b): LPM trie + hash */
static struct bench_util *us;	/* harness programs */
static int ncpus;

static void upd(struct bpf_map *m, const void *k, const void *v)
{
	if (bpf_map_update_elem(bpf_map__fd(m), k, v, BPF_ANY))
		die("update %s: %s", bpf_map__name(m), strerror(errno));
}

static void *map_mmap(struct bpf_map *m)
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

/* kernel accounting of a map's memory (what `bpftool map` shows) */
static unsigned long map_memlock(struct bpf_map *m)
{
	char path[64], line[128];
	unsigned long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", bpf_map__fd(m));
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* adjacency h + 1, nexthop group XDPFWD_NHG_ID_FIRST_DYNAMIC + h, as the
 * plugin would program a route through gateway h
 */
static uint16_t xdpfwd_nhg(int h)
{
	return XDPFWD_NHG_ID_FIRST_DYNAMIC + h;
}

static void xdpfwd_static(struct xdpfwd_bpf *s)
{
	struct xdpfwd_iface ifc = { .flags = XDPFWD_IF_F_ENABLED };
	static const uint8_t reserved[] = {
		[XDPFWD_NHG_ID_LOCAL] = XDPFWD_NHG_LOCAL,
		[XDPFWD_NHG_ID_BLACKHOLE] = XDPFWD_NHG_BLACKHOLE,
		[XDPFWD_NHG_ID_UNREACHABLE] = XDPFWD_NHG_UNREACHABLE,
		[XDPFWD_NHG_ID_KERNEL] = XDPFWD_NHG_KERNEL,
	};
	__u32 k;
	int e, h;

	memcpy(ifc.mac, MAC_IN, 6);
	k = ifx.in;
	upd(s->maps.ifaces, &k, &ifc);
	for (e = 0; e < N_EG; e++) {
		k = ifx.eg[e];
		upd(s->maps.tx_ports, &k, &k);
		/* egress interfaces are xdpfwd interfaces too (not enabled
		 * as ingress here: no traffic enters through them)
		 */
		memset(&ifc, 0, sizeof(ifc));
		mac_eg(e, ifc.mac);
		upd(s->maps.ifaces, &k, &ifc);
	}
	for (k = XDPFWD_NHG_ID_LOCAL; k < XDPFWD_NHG_ID_FIRST_DYNAMIC; k++) {
		struct xdpfwd_nhg g = { .type = reserved[k] };

		upd(s->maps.nhgs, &k, &g);
	}
	for (h = 0; h < BENCH_NH; h++) {
		struct xdpfwd_adj a = {
			.ifindex = ifx.eg[nh_eg(h)],
			.mtu = 1500,
			.flags = XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED,
		};
		struct xdpfwd_nhg g = { .type = XDPFWD_NHG_FORWARD, .nslots = 1 };

		mac_eg(nh_eg(h), a.smac);
		mac_gw(h, a.dmac);
		k = h + 1;
		upd(s->maps.adjs, &k, &a);
		g.slot[0] = k;
		k = xdpfwd_nhg(h);
		upd(s->maps.nhgs, &k, &g);
	}
}

/* must match bpf/lpmfwd.bpf.c */
struct lpm4_key {
	__u32 prefixlen;
	__u32 addr;
};
struct lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};
struct lpm_route4 {
	__u32 ifindex;
	__u32 gw;
};
struct lpm_route6 {
	__u32 ifindex;
	__u8 gw[16];
};
struct lpm_neigh {
	__u8 mac[6];
	__u16 pad;
};

static void refs_static(void)
{
	__u32 k;
	int e, h;

	for (e = 0; e < N_EG; e++) {
		struct lpm_neigh n = {};

		k = ifx.eg[e];
		upd(fs->maps.tx_ports, &k, &k);
		upd(ls->maps.tx_ports, &k, &k);
		mac_eg(e, n.mac);
		upd(ls->maps.ifmac, &k, &n);
	}
	for (h = 0; h < BENCH_NH; h++) {
		struct lpm_neigh n = {};
		uint8_t g6[16];
		__u32 g4 = gw4(h);

		mac_gw(h, n.mac);
		gw6(h, g6);
		upd(ls->maps.neigh4, &g4, &n);
		upd(ls->maps.neigh6, g6, &n);
	}
	k = ifx.eg[0];
	upd(us->maps.redir_port, &k, &k);
}

static void load_objects(size_t max_v4, size_t max_v6)
{
	int e, err;

	xs = xdpfwd_bpf__open_and_load();
	if (!xs)
		die("loading xdpfwd: %s", strerror(errno));
	fs = bench_fibfwd__open_and_load();
	if (!fs)
		die("loading the bpf_fib_lookup reference: %s", strerror(errno));
	ls = bench_lpmfwd__open();
	if (!ls)
		die("opening the LPM reference: %s", strerror(errno));
	bpf_map__set_max_entries(ls->maps.lpm4, max_v4 + 16);
	bpf_map__set_max_entries(ls->maps.lpm6, max_v6 + 16);
	if (bench_lpmfwd__load(ls))
		die("loading the LPM reference: %s", strerror(errno));
	us = bench_util__open();
	if (!us)
		die("opening the harness programs: %s", strerror(errno));
	bpf_map__set_max_entries(us->maps.dst_pool, opt.pool);
	us->rodata->dst_mask = opt.pool - 1;
	us->rodata->redir_ifindex = ifx.eg[0];
	if (bench_util__load(us))
		die("loading the harness programs: %s", strerror(errno));

	xdpfwd_static(xs);
	refs_static();

	/* a veth takes redirected frames only when its peer runs XDP; the
	 * sink counts and drops whatever arrives
	 */
	for (e = 0; e < N_EG; e++) {
		err = bpf_xdp_attach(ifx.eg_peer[e],
				     bpf_program__fd(us->progs.bench_sink),
				     XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			die("attach sink to eg%dp: %s", e, strerror(-err));
	}
}

/* ------------------------------------------------------------------ */
/* frames */

static uint16_t csum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* UDP over IPv4 from 10.255.0.2, flen bytes of frame (no FCS) */
static void frame_v4(uint8_t *f, size_t flen, uint32_t daddr_be)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint32_t saddr = htonl(0x0aff0002);

	memset(f, 0, flen);
	memcpy(f, MAC_IN, 6);
	memcpy(f + 6, MAC_SRC, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(flen - 14));
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr_be, 4);
	put16(ip + 10, csum16(ip, 20, 0));
	put16(udp, 40000);
	put16(udp + 2, 9);
	put16(udp + 4, (uint16_t)(flen - 34));
}

/* UDP over IPv6 from fd00:ff::2 */
static void frame_v6(uint8_t *f, size_t flen, const uint8_t daddr[16])
{
	uint8_t *ip = f + 14, *udp = ip + 40;
	static const uint8_t saddr[16] = { 0xfd, 0, 0, 0xff, [15] = 2 };

	memset(f, 0, flen);
	memcpy(f, MAC_IN, 6);
	memcpy(f + 6, MAC_SRC, 6);
	put16(f + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(flen - 54));
	ip[6] = IPPROTO_UDP;
	ip[7] = 64;
	memcpy(ip + 8, saddr, 16);
	memcpy(ip + 24, daddr, 16);
	put16(udp, 40000);
	put16(udp + 2, 9);
	put16(udp + 4, (uint16_t)(flen - 54));
}

/* ------------------------------------------------------------------ */
/* route sets and loading them into the three FIBs */

static struct route4 *r4;
static struct route6 *r6;
static size_t n4_total, n6_total, n4_loaded, n6_loaded;
static struct oracle4 *o4;
static struct oracle6 *o6;
static struct fib4 *xfib4;
static struct kfib kf;

/* cumulative load times, seconds */
static struct {
	double xdpfwd, lpm, kernel;
} load4, load6;

static void grow4(size_t n)
{
	double t;
	size_t i;
	int err;

	t = now();
	for (i = n4_loaded; i < n; i++) {
		err = fib4_add(xfib4, r4[i].prefix, r4[i].len,
			       xdpfwd_nhg(r4[i].nh));
		/* > 0: installed but left to the kernel (no tbl8 group):
		 * its packets would show as mismatches
		 */
		if (err < 0)
			die("fib4_add #%zu: %s", i, strerror(-err));
	}
	load4.xdpfwd += now() - t;

	t = now();
	for (i = n4_loaded; i < n; i++) {
		struct lpm4_key k = { r4[i].len, htonl(r4[i].prefix) };
		struct lpm_route4 v = { ifx.eg[nh_eg(r4[i].nh)], gw4(r4[i].nh) };

		upd(ls->maps.lpm4, &k, &v);
	}
	load4.lpm += now() - t;

	t = now();
	for (i = n4_loaded; i < n; i++) {
		err = kfib_route4(&kf, htonl(r4[i].prefix), r4[i].len,
				  gw4(r4[i].nh), ifx.eg[nh_eg(r4[i].nh)]);
		if (err)
			die("netlink: %s", strerror(-err));
	}
	err = kfib_flush(&kf);
	if (err)
		die("netlink: %s", strerror(-err));
	if (kf.errors)
		die("kernel refused %lu of %lu routes (first: %s)", kf.errors,
		    kf.sent, strerror(kf.first_error));
	load4.kernel += now() - t;
	n4_loaded = n;
}

static void grow6(size_t n)
{
	xdpfwd_fib6_val nhg;
	double t;
	size_t i;
	int err;

	t = now();
	for (i = n6_loaded; i < n; i++) {
		struct xdpfwd_fib6_key k = { .prefixlen = r6[i].len };

		memcpy(k.addr, r6[i].addr, 16);
		nhg = xdpfwd_nhg(r6[i].nh);
		upd(xs->maps.fib6, &k, &nhg);
	}
	load6.xdpfwd += now() - t;

	t = now();
	for (i = n6_loaded; i < n; i++) {
		struct lpm6_key k = { .prefixlen = r6[i].len };
		struct lpm_route6 v = { .ifindex = ifx.eg[nh_eg(r6[i].nh)] };

		memcpy(k.addr, r6[i].addr, 16);
		gw6(r6[i].nh, v.gw);
		upd(ls->maps.lpm6, &k, &v);
	}
	load6.lpm += now() - t;

	t = now();
	for (i = n6_loaded; i < n; i++) {
		uint8_t g[16];

		gw6(r6[i].nh, g);
		err = kfib_route6(&kf, r6[i].addr, r6[i].len, g,
				  ifx.eg[nh_eg(r6[i].nh)]);
		if (err)
			die("netlink: %s", strerror(-err));
	}
	err = kfib_flush(&kf);
	if (err)
		die("netlink: %s", strerror(-err));
	if (kf.errors)
		die("kernel refused %lu of %lu routes (first: %s)", kf.errors,
		    kf.sent, strerror(kf.first_error));
	load6.kernel += now() - t;
	n6_loaded = n;
}

/* a random destination of the installed table and its expected nexthop */
static uint32_t pick_dst4(struct rng *g, size_t n, int *nh)
{
	uint32_t a = route4_sample(&r4[rng_below(g, (uint32_t)n)], g);
	long w = oracle4_lookup(o4, a, n);

	if (w < 0)
		die("oracle: no route for a sampled address");
	*nh = r4[w].nh;
	return a;
}

static void pick_dst6(struct rng *g, size_t n, uint8_t a[16], int *nh)
{
	long w;

	route6_sample(&r6[rng_below(g, (uint32_t)n)], g, a);
	w = oracle6_lookup(o6, a, n);
	if (w < 0)
		die("oracle: no route for a sampled address");
	*nh = r6[w].nh;
}

/* ------------------------------------------------------------------ */
/* destination pools
 *
 * Every measurement draws its destinations the same way: a random
 * installed route, a random address inside it; the expected gateway is
 * the longest installed match (the oracle), which may be a more specific
 * route than the one drawn.
 */

static unsigned char *pool_nh; /* expected nexthop per pool entry */

struct dst {
	uint8_t a[16];
};

static void fill_pool(int family, size_t n, uint64_t salt)
{
	struct rng g = { opt.seed * 1000003 + n * 7 + family + salt };
	struct dst *d = calloc(opt.pool, sizeof(*d));
	__u32 *keys = calloc(opt.pool, sizeof(*keys)), i, cnt = opt.pool;
	int nh;

	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	if (!d || !keys)
		die("out of memory");
	for (i = 0; i < opt.pool; i++) {
		keys[i] = i;
		if (family == 4) {
			uint32_t a = htonl(pick_dst4(&g, n, &nh));

			memcpy(d[i].a, &a, 4);
		} else {
			pick_dst6(&g, n, d[i].a, &nh);
		}
		pool_nh[i] = nh;
	}
	if (bpf_map_update_batch(bpf_map__fd(us->maps.dst_pool), keys, d, &cnt,
				 &bo))
		die("destination pool: %s", strerror(errno));
	free(d);
	free(keys);
}

static void pool_dst(__u32 i, struct dst *d)
{
	if (bpf_map_lookup_elem(bpf_map__fd(us->maps.dst_pool), &i, d))
		die("destination pool: %s", strerror(errno));
}

/* the program the header restorer tail-calls; -1: none (XDP_PASS) */
static void set_next(int fd)
{
	int jmp = bpf_map__fd(us->maps.next_prog);
	__u32 k = 0;

	if (fd >= 0) {
		if (bpf_map_update_elem(jmp, &k, &fd, BPF_ANY))
			die("prog array: %s", strerror(errno));
	} else {
		bpf_map_delete_elem(jmp, &k);
	}
}

static void set_template(const uint8_t *frame)
{
	uint8_t t[64];
	__u32 k = 0;

	memcpy(t, frame, sizeof(t));
	upd(us->maps.tmpl, &k, t);
}

/* ------------------------------------------------------------------ */
/* per-packet cost: BPF_PROG_TEST_RUN
 *
 * Main figure ("hot loop"): one run of repeat = pool size on one buffer,
 * as a driver's receive loop runs the program packet after packet: the
 * program text and its small maps stay hot, only what depends on the
 * destination is random.  Repeats reuse the buffer, so each iteration
 * first goes through bench_hdr4/6 (bpf/util.bpf.c), which restores the
 * headers (TTL, MACs, checksum) and writes the pool's next random
 * destination, then tail-calls the forwarder.  That harness, plus the
 * kernel's loop and timer, is measured by tail-calling an XDP_PASS
 * program instead, in the same rounds, and subtracted ("net").  The
 * forwarders take turns in rotating order, several rounds, median.
 *
 * Check and cold figure: every forwarder also runs once per pool
 * destination with repeat = 1 (a fresh copy of the frame each time, no
 * harness program), which gives the verdict and output frame of every
 * packet to check (redirect, expected gateway MAC, TTL 63) and the cost
 * of a packet arriving alone to cold caches (mean without outliers,
 * harness XDP_PASS likewise subtracted).
 */

enum { F_PASS, F_XDPFWD, F_FIB, F_LPM, F_N };
static const char *const fname[F_N] = { "XDP_PASS (harness)", "xdpfwd",
					"bpf_fib_lookup ref", "LPM trie ref" };
static const char *const fkey[F_N] = { "pass", "xdpfwd", "fib", "lpm" };

struct cost {
	double hot;	/* ns/packet, hot loop, median of rounds */
	double net;	/* hot - harness */
	double cold;	/* ns/packet, one packet per run, mean w/o outliers */
	double cold_net;
	double cold_median;
	unsigned long n, outliers, mismatches;
	int first_bad_ret;
};

struct cost_row {
	int family;
	size_t routes;
	struct cost c[F_N];
	/* xdpfwd net cost over each reference's, median of the per-round
	 * ratios (each round measures all of them within a second)
	 */
	double ratio_fib, ratio_lpm;
};

static struct cost_row cost4[MAX_SIZES], cost6[MAX_SIZES];

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double median_of(double *v, unsigned int n)
{
	unsigned int i, k;

	for (i = 1; i < n; i++)
		for (k = i; k > 0 && v[k - 1] > v[k]; k--) {
			double x = v[k];

			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	return v[n / 2];
}

/*
 * Mean without the outliers (above 10x the median: interrupts, preemption
 * by other work on this shared machine), and the median.
 */
static void summarize(uint32_t *s, unsigned long n, struct cost *c)
{
	double sum = 0, lim;
	unsigned long i, k = 0;

	qsort(s, n, sizeof(*s), cmp_u32);
	c->n = n;
	c->cold_median = s[n / 2];
	lim = 10 * c->cold_median + 100;
	for (i = 0; i < n; i++) {
		if (s[i] > lim)
			break;
		sum += s[i];
		k++;
	}
	c->outliers = n - k;
	c->cold = k ? sum / k : NAN;
}

static int prog_fd(int f)
{
	switch (f) {
	case F_PASS:
		return bpf_program__fd(us->progs.bench_pass);
	case F_XDPFWD:
		return bpf_program__fd(xs->progs.xdpfwd_main);
	case F_FIB:
		return bpf_program__fd(fs->progs.fibfwd_main);
	default:
		return bpf_program__fd(ls->progs.lpmfwd_main);
	}
}

static __u64 xdpfwd_forwarded(int family)
{
	struct xdpfwd_counter v[ncpus];
	__u32 k = family == 4 ? XDPFWD_R_FWD_V4 : XDPFWD_R_FWD_V6;
	__u64 sum = 0;
	int c;

	if (bpf_map_lookup_elem(bpf_map__fd(xs->maps.counters), &k, v))
		die("read xdpfwd counters: %s", strerror(errno));
	for (c = 0; c < ncpus; c++)
		sum += v[c].packets;
	return sum;
}

static void build_frame(int family, uint8_t *f, size_t flen,
			const struct dst *d)
{
	if (family == 4) {
		uint32_t a;

		memcpy(&a, d->a, 4);
		frame_v4(f, flen, a);
	} else {
		frame_v6(f, flen, d->a);
	}
}

static void hot_loop(int family, struct cost_row *row)
{
	double v[F_N][MAX_ROUNDS], rf[MAX_ROUNDS], rl[MAX_ROUNDS];
	/* whole passes over the pool, at least 2^18 packets per run */
	unsigned int iters = opt.pool * ((262144 + opt.pool - 1) / opt.pool);
	unsigned int k, rounds = opt.rounds;
	uint8_t frame[COST_FRAME];
	int r;
	struct dst d0;
	int f, hdr = family == 4 ? bpf_program__fd(us->progs.bench_hdr4)
				 : bpf_program__fd(us->progs.bench_hdr6);

	pool_dst(0, &d0);
	build_frame(family, frame, COST_FRAME, &d0);
	set_template(frame);
	/* round -1 warms up (caches, CPU frequency) and is not counted */
	for (r = -1; r < (int)rounds; r++) {
		for (k = 0; k < F_N; k++) {
			struct xdp_md ctx = { .data_end = COST_FRAME,
					      .ingress_ifindex = ifx.in };
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
				    .data_size_in = COST_FRAME, .ctx_in = &ctx,
				    .ctx_size_in = sizeof(ctx),
				    .repeat = iters);
			__u64 before = 0;

			f = (k + r + 1) % F_N;
			set_next(prog_fd(f));
			if (f == F_XDPFWD)
				before = xdpfwd_forwarded(family);
			if (bpf_prog_test_run_opts(hdr, &o))
				die("BPF_PROG_TEST_RUN: %s", strerror(errno));
			if (opt.verbose)
				progress("  round %d %s: %u ns", r, fkey[f],
					 o.duration);
			/* every iteration must have been forwarded */
			if (f == F_XDPFWD)
				row->c[f].mismatches +=
					iters -
					(xdpfwd_forwarded(family) - before);
			else if (f != F_PASS && o.retval != XDP_REDIRECT)
				row->c[f].mismatches++;
			if (r < 0)
				continue;
			v[f][r] = o.duration;
		}
	}
	for (r = 0; r < (int)rounds; r++) {
		rf[r] = (v[F_XDPFWD][r] - v[F_PASS][r]) /
			(v[F_FIB][r] - v[F_PASS][r]);
		rl[r] = (v[F_XDPFWD][r] - v[F_PASS][r]) /
			(v[F_LPM][r] - v[F_PASS][r]);
	}
	row->ratio_fib = median_of(rf, rounds);
	row->ratio_lpm = median_of(rl, rounds);
	for (f = 0; f < F_N; f++)
		row->c[f].hot = median_of(v[f], rounds);
	for (f = 0; f < F_N; f++)
		row->c[f].net = row->c[f].hot - row->c[F_PASS].hot;
}

static void single_runs(int family, struct cost_row *row)
{
	unsigned long per = opt.check, cnt[F_N] = {};
	uint32_t *samples[F_N];
	uint8_t (*fr)[COST_FRAME] = calloc(per, COST_FRAME);
	uint8_t out[FRAME_MAX], gw[6];
	unsigned int i, c, k;
	int f, ttl_off = family == 4 ? 22 : 21;

	if (!fr)
		die("out of memory");
	for (i = 0; i < per; i++) {
		struct dst d;

		pool_dst(i, &d);
		build_frame(family, fr[i], COST_FRAME, &d);
	}
	for (f = 0; f < F_N; f++) {
		samples[f] = calloc(per, sizeof(uint32_t));
		if (!samples[f])
			die("out of memory");
	}
	for (c = 0; c * CHUNK < per; c++) {
		for (k = 0; k < F_N; k++) {
			f = (k + c) % F_N;
			for (i = c * CHUNK; i < (c + 1) * CHUNK && i < per; i++) {
				struct xdp_md ctx = {
					.data_end = COST_FRAME,
					.ingress_ifindex = ifx.in,
				};
				LIBBPF_OPTS(bpf_test_run_opts, o,
					    .data_in = fr[i],
					    .data_size_in = COST_FRAME,
					    .data_out = out,
					    .data_size_out = sizeof(out),
					    .ctx_in = &ctx,
					    .ctx_size_in = sizeof(ctx),
					    .repeat = 1);

				if (bpf_prog_test_run_opts(prog_fd(f), &o))
					die("BPF_PROG_TEST_RUN: %s",
					    strerror(errno));
				samples[f][cnt[f]++] = o.duration;
				if (f == F_PASS)
					continue;
				/* forwarded to the right gateway, TTL
				 * decremented
				 */
				mac_gw(pool_nh[i], gw);
				if (o.retval != XDP_REDIRECT ||
				    memcmp(out, gw, 6) || out[ttl_off] != 63) {
					if (!row->c[f].mismatches)
						row->c[f].first_bad_ret =
							o.retval;
					row->c[f].mismatches++;
				}
			}
		}
	}
	for (f = 0; f < F_N; f++) {
		summarize(samples[f], cnt[f], &row->c[f]);
		free(samples[f]);
	}
	for (f = 0; f < F_N; f++)
		row->c[f].cold_net = row->c[f].cold - row->c[F_PASS].cold;
	free(fr);
}

static void measure_cost(int family, size_t n, struct cost_row *row)
{
	int f;

	for (f = 0; f < F_N; f++)
		row->c[f] = (struct cost){ .first_bad_ret = -1 };
	row->family = family;
	row->routes = n;

	fill_pool(family, n, 0);
	single_runs(family, row);
	hot_loop(family, row);

	progress("IPv%d %7zu routes: ns/packet xdpfwd %.1f, fib %.1f, lpm "
		 "%.1f (harness %.1f); cold: %.1f, %.1f, %.1f (harness %.1f); "
		 "mismatches %lu/%lu/%lu",
		 family, n, row->c[F_XDPFWD].net, row->c[F_FIB].net,
		 row->c[F_LPM].net, row->c[F_PASS].hot, row->c[F_XDPFWD].cold_net,
		 row->c[F_FIB].cold_net, row->c[F_LPM].cold_net,
		 row->c[F_PASS].cold, row->c[F_XDPFWD].mismatches,
		 row->c[F_FIB].mismatches, row->c[F_LPM].mismatches);
	for (f = F_XDPFWD; f < F_N; f++)
		if (row->c[f].mismatches)
			progress("  %s: %lu packets not forwarded as expected "
				 "(first verdict %d)",
				 fname[f], row->c[f].mismatches,
				 row->c[f].first_bad_ret);
}

/* ------------------------------------------------------------------ */
/* throughput with live frames
 *
 * BPF_F_TEST_XDP_LIVE_FRAMES injects frames on the ingress veth as a
 * driver would and really performs the verdicts: redirects go out of the
 * egress veth, XDP_PASS hands the frame to the kernel stack.  The first
 * program (bench_hdr4) restores the headers and sets a destination from
 * the pool (see bpf/util.bpf.c), then tail-calls the forwarder; for the
 * kernel's own forwarding the slot is empty and it returns XDP_PASS.
 * Frames are counted where they arrive (bench_sink on eg0p/eg1p), over
 * the wall time of the run, the whole process pinned to one CPU (the veth
 * receive side runs in softirq on the same CPU).
 */

enum { T_XDPFWD, T_FIB, T_LPM, T_KERNEL, T_REDIRECT, T_N };
static const char *const tkey[T_N] = { "xdpfwd", "fib", "lpm", "kernel",
				       "redirect" };

struct tput_row {
	size_t routes;
	size_t frame;
	double mpps[T_N];
	double wall_mpps[T_N]; /* same over wall-clock time */
	double delivered[T_N]; /* fraction of injected frames counted */
	/* xdpfwd's rate over the kernel's and the fib ref's, median of the
	 * per-round ratios
	 */
	double ratio_kernel, ratio_fib;
};

static struct tput_row tput[2 * MAX_SIZES];
static int n_tput_rows;

static __u64 sink_packets(void)
{
	struct {
		__u64 packets, bytes;
	} v[ncpus];
	__u64 sum = 0;
	__u32 k = 0;
	int c;

	if (bpf_map_lookup_elem(bpf_map__fd(us->maps.sink_cnt), &k, v))
		die("read sink counters: %s", strerror(errno));
	for (c = 0; c < ncpus; c++)
		sum += v[c].packets;
	return sum;
}

/*
 * Rate over the kernel's own timing of the run (bpf_test_timer: the
 * receive side's softirq work is inside it, and it stops while the task
 * is scheduled out, so other load on this shared machine disturbs it
 * less than wall time would); *wall gets the wall-clock rate.
 */
static double live_run(int t, size_t flen, double *delivered, double *wall)
{
	uint8_t frame[FRAME_MAX];
	struct xdp_md ctx = { .data_end = flen, .ingress_ifindex = ifx.in };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
		    .data_size_in = flen, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = opt.live_frames,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	static const struct dst d0 = { { 10, 10, 10, 10 } }; /* overwritten */
	__u64 before, after;
	double t0, t1;

	switch (t) {
	case T_XDPFWD:
		set_next(bpf_program__fd(xs->progs.xdpfwd_main));
		break;
	case T_FIB:
		set_next(bpf_program__fd(fs->progs.fibfwd_main));
		break;
	case T_LPM:
		set_next(bpf_program__fd(ls->progs.lpmfwd_main));
		break;
	case T_REDIRECT:
		set_next(bpf_program__fd(us->progs.bench_redirect));
		break;
	default:
		set_next(-1); /* XDP_PASS: the kernel forwards */
	}
	build_frame(4, frame, flen, &d0);
	set_template(frame);

	before = sink_packets();
	t0 = now();
	if (bpf_prog_test_run_opts(bpf_program__fd(us->progs.bench_hdr4), &o))
		die("live frames run: %s", strerror(errno));
	t1 = now();
	/* the last batch may still sit in a veth ring: let NAPI drain it */
	usleep(20000);
	after = sink_packets();
	*delivered = (double)(after - before) / opt.live_frames;
	*wall = (after - before) / (t1 - t0) / 1e6;
	if (!o.duration)
		return *wall;
	return *delivered * 1e3 / o.duration;
}

static void measure_tput(size_t n)
{
	static const size_t sizes[2] = { LIVE_SMALL, LIVE_LARGE };
	double v[T_N][MAX_ROUNDS], d[T_N][MAX_ROUNDS], w[T_N][MAX_ROUNDS];
	double rk[MAX_ROUNDS], rf[MAX_ROUNDS];
	unsigned int s, i, k, m = opt.live_rounds;
	int r, t;

	fill_pool(4, n, 1);

	for (s = 0; s < 2; s++) {
		struct tput_row *row = &tput[n_tput_rows++];

		row->routes = n;
		row->frame = sizes[s];
		/* round -1 warms up (page pool, caches, CPU frequency) */
		for (r = -1; r < (int)m; r++)
			for (k = 0; k < T_N; k++) {
				double x, dx, wx;

				t = (k + r + 1) % T_N;
				x = live_run(t, sizes[s], &dx, &wx);
				if (opt.verbose)
					progress("  round %d %s: %.3f Mpps "
						 "(wall clock %.3f), %.4f "
						 "delivered", r, tkey[t], x, wx,
						 dx);
				if (r < 0)
					continue;
				v[t][r] = x;
				d[t][r] = dx;
				w[t][r] = wx;
			}
		for (r = 0; r < (int)m; r++) {
			rk[r] = v[T_XDPFWD][r] / v[T_KERNEL][r];
			rf[r] = v[T_XDPFWD][r] / v[T_FIB][r];
		}
		row->ratio_kernel = median_of(rk, m);
		row->ratio_fib = median_of(rf, m);
		for (t = 0; t < T_N; t++) {
			row->mpps[t] = median_of(v[t], m);
			row->wall_mpps[t] = median_of(w[t], m);
			row->delivered[t] = d[t][0];
			for (i = 1; i < m; i++)
				if (d[t][i] < row->delivered[t])
					row->delivered[t] = d[t][i];
		}
		progress("live IPv4 %7zu routes, %4zu-byte frames: Mpps xdpfwd "
			 "%.2f, fib %.2f, lpm %.2f, kernel %.2f, redirect-only "
			 "%.2f",
			 n, sizes[s] + 4, row->mpps[T_XDPFWD], row->mpps[T_FIB],
			 row->mpps[T_LPM], row->mpps[T_KERNEL],
			 row->mpps[T_REDIRECT]);
	}
}

/* ------------------------------------------------------------------ */
/* the FIB builder alone, on the real mmapped maps of a second instance */

static struct {
	bool done;
	size_t routes;
	unsigned int rounds;
	double adds_per_s, dels_per_s;
	unsigned int tbl8_used, tbl8_groups;
	unsigned long tbl24_bytes, tbl8_used_bytes, tbl8_alloc_bytes;
	unsigned long other_bytes;
	unsigned long not_fast; /* adds reported as not in the fast path */
	double bytes_per_route, provisioned_per_route;
} bld;

static void bench_builder(void)
{
	struct xdpfwd_bpf *b = xdpfwd_bpf__open_and_load();
	size_t n = opt.builder_routes, i, sz24, sz8;
	struct xdpfwd_fib4_block *t24, *t8;
	double adds[MAX_ROUNDS], dels[MAX_ROUNDS], t;
	struct rng g = { opt.seed ^ 0xde1e7e };
	unsigned int r, rounds = opt.builder_rounds;
	uint32_t *perm;
	struct fib4 *f;
	int err;

	if (!b)
		die("loading xdpfwd for the builder: %s", strerror(errno));
	t24 = map_mmap(b->maps.fib4_tbl24);
	t8 = map_mmap(b->maps.fib4_tbl8);
	sz24 = (size_t)bpf_map__max_entries(b->maps.fib4_tbl24) * sizeof(*t24);
	sz8 = (size_t)bpf_map__max_entries(b->maps.fib4_tbl8) * sizeof(*t8);
	bld.tbl8_groups = bpf_map__max_entries(b->maps.fib4_tbl8);

	/* deletes in another random order than the adds */
	perm = malloc(n * sizeof(*perm));
	if (!perm)
		die("out of memory");
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		uint32_t j = rng_below(&g, (uint32_t)(i + 1)), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}

	for (r = 0; r < rounds; r++) {
		memset(t24, 0, sz24);
		memset(t8, 0, sz8);
		f = fib4_create(t24, t8, bld.tbl8_groups);
		if (!f)
			die("fib4_create: %s", strerror(errno));

		t = now();
		for (i = 0; i < n; i++) {
			err = fib4_add(f, r4[i].prefix, r4[i].len,
				       xdpfwd_nhg(r4[i].nh));
			if (err < 0)
				die("fib4_add: %s", strerror(-err));
			if (err > 0)
				bld.not_fast++;
		}
		adds[r] = n / (now() - t);

		if (r == 0) {
			struct bpf_map *m[] = {
				b->maps.nhgs,	     b->maps.adjs,
				b->maps.neigh4,	     b->maps.ifaces,
				b->maps.tx_ports,    b->maps.counters,
				b->maps.if_counters,
			};
			unsigned int j;

			bld.tbl8_used = fib4_tbl8_used(f);
			bld.tbl24_bytes = map_memlock(b->maps.fib4_tbl24);
			bld.tbl8_alloc_bytes = map_memlock(b->maps.fib4_tbl8);
			bld.tbl8_used_bytes =
				(unsigned long)bld.tbl8_used * sizeof(*t8);
			bld.other_bytes = 0;
			for (j = 0; j < sizeof(m) / sizeof(m[0]); j++)
				bld.other_bytes += map_memlock(m[j]);
		}

		t = now();
		for (i = 0; i < n; i++) {
			const struct route4 *rt = &r4[perm[i]];

			err = fib4_del(f, rt->prefix, rt->len);
			if (err)
				die("fib4_del: %s", strerror(-err));
		}
		dels[r] = n / (now() - t);
		if (fib4_count(f) != 0 || fib4_tbl8_used(f) != 0)
			die("builder not empty after deleting every route");
		fib4_destroy(f);
		progress("builder round %u: %.2f M adds/s, %.2f M deletes/s "
			 "(%zu routes)",
			 r + 1, adds[r] / 1e6, dels[r] / 1e6, n);
	}
	bld.routes = n;
	bld.rounds = rounds;
	bld.adds_per_s = median_of(adds, rounds);
	bld.dels_per_s = median_of(dels, rounds);
	bld.bytes_per_route = (double)(bld.tbl24_bytes + bld.tbl8_used_bytes +
				       bld.other_bytes) / n;
	bld.provisioned_per_route = (double)(bld.tbl24_bytes +
					     bld.tbl8_alloc_bytes +
					     bld.other_bytes) / n;
	bld.done = true;
	progress("builder: %.2f M adds/s, %.2f M deletes/s, %.1f map bytes "
		 "per route (%u tbl8 groups used, %lu adds not in the fast path)",
		 bld.adds_per_s / 1e6, bld.dels_per_s / 1e6,
		 bld.bytes_per_route, bld.tbl8_used, bld.not_fast);
	free(perm);
	munmap(t24, (sz24 + 4095) & ~(size_t)4095);
	munmap(t8, (sz8 + 4095) & ~(size_t)4095);
	xdpfwd_bpf__destroy(b);
}

/* ------------------------------------------------------------------ */
/* report */

static const struct cost_row *find_cost(int family, size_t routes)
{
	const struct cost_row *rows = family == 4 ? cost4 : cost6;
	int i, n = family == 4 ? opt.n_v4 : opt.n_v6;

	if (opt.no_cost || (family == 6 && opt.no_v6))
		return NULL;
	for (i = 0; i < n; i++)
		if (rows[i].routes == routes)
			return &rows[i];
	return NULL;
}

static const struct tput_row *find_tput(size_t routes, size_t frame)
{
	int i;

	for (i = 0; i < n_tput_rows; i++)
		if (tput[i].routes == routes && tput[i].frame == frame)
			return &tput[i];
	return NULL;
}

static double cost_net(int family, size_t routes, int f)
{
	const struct cost_row *c = find_cost(family, routes);

	return c ? c->c[f].net : NAN;
}

static double cost_ratio(int family, size_t routes, bool lpm)
{
	const struct cost_row *c = find_cost(family, routes);

	return c ? (lpm ? c->ratio_lpm : c->ratio_fib) : NAN;
}

static double tput_ratio(size_t routes, bool kernel)
{
	const struct tput_row *r = find_tput(routes, LIVE_SMALL);

	return r ? (kernel ? r->ratio_kernel : r->ratio_fib) : NAN;
}

struct goal {
	const char *text;
	double value, target;
	bool at_most;
	const char *unit;
	int met; /* 1 met, 0 missed, -1 not measured */
	char margin[96];
};

static struct goal goals[8];
static int n_goals;

static void goal(const char *text, double value, double target, bool at_most,
		 const char *unit)
{
	struct goal *g = &goals[n_goals++];

	g->text = text;
	g->value = value;
	g->target = target;
	g->at_most = at_most;
	g->unit = unit;
	if (isnan(value)) {
		g->met = -1;
		snprintf(g->margin, sizeof(g->margin), "not measured in this run");
		return;
	}
	g->met = at_most ? value <= target : value >= target;
	if (at_most)
		snprintf(g->margin, sizeof(g->margin), g->met ?
			 "%.0f%% under the limit" : "%.0f%% over the limit",
			 fabs(1 - value / target) * 100);
	else
		snprintf(g->margin, sizeof(g->margin), g->met ?
			 "%.0f%% above the target" : "%.0f%% short of the target",
			 fabs(value / target - 1) * 100);
}

/*
 * Ratios between forwarders are medians of per-round ratios (measured
 * within the same second); the 1M-versus-1k ratio compares two tables
 * and so two moments: medians of absolute costs.
 */
static void eval_goals(void)
{
	goal("IPv4 1M: xdpfwd cost <= 0.5x bpf_fib_lookup ref",
	     cost_ratio(4, 1000000, false), 0.5, true, "x");
	goal("IPv4 1M: xdpfwd cost <= 0.1x LPM trie ref",
	     cost_ratio(4, 1000000, true), 0.1, true, "x");
	goal("IPv4: xdpfwd cost at 1M <= 1.5x its cost at 1k",
	     cost_net(4, 1000000, F_XDPFWD) / cost_net(4, 1000, F_XDPFWD), 1.5,
	     true, "x");
	goal("IPv4 1M, 64 B: throughput >= 5x kernel forwarding",
	     tput_ratio(1000000, true), 5, false, "x");
	goal("IPv4 1M, 64 B: throughput >= bpf_fib_lookup ref",
	     tput_ratio(1000000, false), 1, false, "x");
	goal("IPv6 200k: xdpfwd cost <= bpf_fib_lookup ref",
	     cost_ratio(6, 200000, false), 1, true, "x");
	goal("builder: >= 2M IPv4 route adds/s",
	     bld.done && bld.routes >= 1000000 ? bld.adds_per_s / 1e6 : NAN, 2,
	     false, "M/s");
	goal("<= 64 bytes of map memory per IPv4 route at 1M",
	     bld.done && bld.routes >= 1000000 ? bld.bytes_per_route : NAN, 64,
	     true, "B");
}

/* steal and busy jiffies of one CPU, to report how disturbed the run was */
static void cpu_times(int cpu, unsigned long long *total,
		      unsigned long long *steal)
{
	char line[256], want[16];
	FILE *f = fopen("/proc/stat", "r");

	*total = *steal = 0;
	snprintf(want, sizeof(want), "cpu%d ", cpu);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = {};
		int i;

		if (strncmp(line, want, strlen(want)))
			continue;
		sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		for (i = 0; i < 8; i++)
			*total += v[i];
		*steal = v[7];
	}
	if (f)
		fclose(f);
}

static unsigned long long jt0, js0;
static double load_start, steal_pct;

static void machine(char *buf, size_t len)
{
	char line[256], model[160] = "unknown CPU";
	bool hv = false;
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && p) {
			snprintf(model, sizeof(model), "%s", p + 2);
			model[strcspn(model, "\n")] = 0;
		}
		if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
			hv = true;
	}
	if (f)
		fclose(f);
	uname(&u);
	snprintf(buf, len, "%s, %ld CPUs%s, %.0f GiB, Linux %s", model,
		 sysconf(_SC_NPROCESSORS_ONLN), hv ? " (virtual machine)" : "",
		 (double)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) /
			 (1ULL << 30),
		 u.release);
}

static void jnum(FILE *f, const char *key, double v, bool comma)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "  \"%s\": null%s\n", key, comma ? "," : "");
	else
		fprintf(f, "  \"%s\": %.6g%s\n", key, v, comma ? "," : "");
}

static FILE *out_file(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", opt.out, name);
	f = fopen(path, "w");
	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	return f;
}

static const char *mode(void)
{
	return opt.smoke ? "smoke" : "full";
}

static void write_json(const char *mach)
{
	FILE *f = out_file("raw.json");
	const struct tput_row *t1m = find_tput(1000000, LIVE_SMALL);
	bool first = true;
	int i, k;

	fprintf(f, "{\n  \"machine\": \"%s\",\n  \"commit\": \"%s\",\n"
		   "  \"date\": \"%s\",\n  \"bench_mode\": \"%s\",\n"
		   "  \"bench_seed\": %llu,\n  \"bench_cpu\": %d,\n"
		   "  \"bench_load_start\": %.2f,\n  \"bench_steal_pct\": %.2f,\n",
		mach, opt.commit, opt.date, mode(),
		(unsigned long long)opt.seed, opt.cpu, load_start, steal_pct);
	jnum(f, "v4_1k_ns", cost_net(4, 1000, F_XDPFWD), true);
	jnum(f, "v4_1m_ns", cost_net(4, 1000000, F_XDPFWD), true);
	jnum(f, "v4_1m_fib_ns", cost_net(4, 1000000, F_FIB), true);
	jnum(f, "v4_1m_lpm_ns", cost_net(4, 1000000, F_LPM), true);
	jnum(f, "v6_200k_ns", cost_net(6, 200000, F_XDPFWD), true);
	jnum(f, "v6_200k_fib_ns", cost_net(6, 200000, F_FIB), true);
	jnum(f, "v6_200k_lpm_ns", cost_net(6, 200000, F_LPM), true);
	jnum(f, "mpps_1m", t1m ? t1m->mpps[T_XDPFWD] : NAN, true);
	jnum(f, "mpps_1m_fib", t1m ? t1m->mpps[T_FIB] : NAN, true);
	jnum(f, "mpps_1m_kernel", t1m ? t1m->mpps[T_KERNEL] : NAN, true);
	jnum(f, "mpps_1m_lpm", t1m ? t1m->mpps[T_LPM] : NAN, true);
	jnum(f, "builder_adds_per_s",
	     bld.done && bld.routes >= 1000000 ? bld.adds_per_s : NAN, true);
	jnum(f, "builder_dels_per_s",
	     bld.done && bld.routes >= 1000000 ? bld.dels_per_s : NAN, true);
	jnum(f, "bytes_per_v4_route",
	     bld.done && bld.routes >= 1000000 ? bld.bytes_per_route : NAN,
	     true);
	jnum(f, "kernel_fib_load_v4_s",
	     n4_loaded >= 1000000 ? load4.kernel : NAN, true);

	fprintf(f, "  \"bench_cost\": [");
	for (k = 0; k < 2; k++) {
		int n = k ? opt.n_v6 : opt.n_v4;
		const struct cost_row *rows = k ? cost6 : cost4;

		if (opt.no_cost || (k && opt.no_v6))
			continue;
		for (i = 0; i < n; i++) {
			const struct cost_row *c = &rows[i];

			fprintf(f, "%s\n    {", first ? "" : ",");
			first = false;
			fprintf(f, "\"family\": %d, \"routes\": %zu, "
				   "\"harness_ns\": %.1f, \"harness_cold_ns\": %.1f",
				c->family, c->routes, c->c[F_PASS].hot,
				c->c[F_PASS].cold);
			for (int x = F_XDPFWD; x < F_N; x++)
				fprintf(f, ", \"%s_ns\": %.1f, \"%s_cold_ns\": "
					   "%.1f, \"%s_cold_median_ns\": %.0f, "
					   "\"%s_mismatches\": %lu",
					fkey[x], c->c[x].net, fkey[x],
					c->c[x].cold_net, fkey[x],
					c->c[x].cold_median -
						c->c[F_PASS].cold_median,
					fkey[x], c->c[x].mismatches);
			fprintf(f, ", \"xdpfwd_over_fib\": %.4f, "
				   "\"xdpfwd_over_lpm\": %.4f",
				c->ratio_fib, c->ratio_lpm);
			fprintf(f, ", \"pool\": %u, \"rounds\": %u, "
				   "\"checked\": %lu}",
				opt.pool, opt.rounds, c->c[F_PASS].n);
		}
	}
	fprintf(f, "\n  ],\n  \"bench_throughput\": [");
	for (i = 0; i < n_tput_rows; i++) {
		fprintf(f, "%s\n    {\"routes\": %zu, \"frame_bytes\": %zu",
			i ? "," : "", tput[i].routes,
			tput[i].frame == LIVE_SMALL ? (size_t)64 : (size_t)1518);
		for (k = 0; k < T_N; k++)
			fprintf(f, ", \"%s_mpps\": %.3f, \"%s_wall_mpps\": %.3f, "
				   "\"%s_delivered\": %.4f",
				tkey[k], tput[i].mpps[k], tkey[k],
				tput[i].wall_mpps[k], tkey[k],
				tput[i].delivered[k]);
		fprintf(f, ", \"xdpfwd_over_kernel\": %.3f, "
			   "\"xdpfwd_over_fib\": %.3f}",
			tput[i].ratio_kernel, tput[i].ratio_fib);
	}
	fprintf(f, "\n  ],\n");
	fprintf(f, "  \"bench_builder\": ");
	if (bld.done)
		fprintf(f, "{\"routes\": %zu, \"rounds\": %u, \"adds_per_s\": %.0f, "
			   "\"dels_per_s\": %.0f, \"tbl24_bytes\": %lu, "
			   "\"tbl8_used_groups\": %u, \"tbl8_groups\": %u, "
			   "\"tbl8_used_bytes\": %lu, \"tbl8_alloc_bytes\": %lu, "
			   "\"other_map_bytes\": %lu, \"bytes_per_route\": %.2f, "
			   "\"provisioned_bytes_per_route\": %.2f, "
			   "\"adds_not_fast\": %lu},\n",
			bld.routes, bld.rounds, bld.adds_per_s, bld.dels_per_s,
			bld.tbl24_bytes, bld.tbl8_used, bld.tbl8_groups,
			bld.tbl8_used_bytes, bld.tbl8_alloc_bytes,
			bld.other_bytes, bld.bytes_per_route,
			bld.provisioned_per_route, bld.not_fast);
	else
		fprintf(f, "null,\n");
	fprintf(f, "  \"bench_load_s\": {\"v4_routes\": %zu, \"v4_xdpfwd\": %.3f, "
		   "\"v4_lpm\": %.3f, \"v4_kernel\": %.3f, \"v6_routes\": %zu, "
		   "\"v6_xdpfwd\": %.3f, \"v6_lpm\": %.3f, \"v6_kernel\": %.3f},\n",
		n4_loaded, load4.xdpfwd, load4.lpm, load4.kernel, n6_loaded,
		load6.xdpfwd, load6.lpm, load6.kernel);
	fprintf(f, "  \"bench_goals\": [");
	for (i = 0; i < n_goals; i++) {
		fprintf(f, "%s\n    {\"goal\": \"%s\", \"value\": ",
			i ? "," : "", goals[i].text);
		if (goals[i].met < 0)
			fprintf(f, "null");
		else
			fprintf(f, "%.4g", goals[i].value);
		fprintf(f, ", \"target\": %g, \"met\": %s, \"margin\": \"%s\"}",
			goals[i].target,
			goals[i].met < 0 ? "null" : goals[i].met ? "true" : "false",
			goals[i].margin);
	}
	fprintf(f, "\n");
	fprintf(f, "  ]\n}\n");
	fclose(f);
}

static const char *routes_str(size_t n)
{
	static char s[4][24];
	static int i;

	i = (i + 1) % 4;
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(s[i], sizeof(s[i]), "%zuM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(s[i], sizeof(s[i]), "%zuk", n / 1000);
	else
		snprintf(s[i], sizeof(s[i]), "%zu", n);
	return s[i];
}

static void write_md(const char *mach)
{
	FILE *f = out_file("results.md");
	int i, k, x;

	fprintf(f, "# xdpfwd datapath and FIB builder benchmark (%s run)\n\n",
		mode());
	fprintf(f, "- machine: %s\n- commit: %s\n- date: %s\n"
		   "- seed %llu, pinned to CPU %d; load average %.2f at the "
		   "start, %.1f%% of CPU %d stolen by the hypervisor during "
		   "the run\n- method and caveats: bench/README.md\n\n",
		mach, opt.commit, opt.date, (unsigned long long)opt.seed,
		opt.cpu, load_start, steal_pct, opt.cpu);

	if (!opt.no_cost) {
		fprintf(f, "## Per-packet cost of the whole XDP program\n\n"
			   "ns per packet, harness subtracted.  Main figure: "
			   "BPF_PROG_TEST_RUN loop over %u random destinations "
			   "of the installed table (headers restored and the "
			   "next destination written before each packet), "
			   "median of %u rounds; ratios are medians of the "
			   "per-round ratios.  Cold: one packet per run, "
			   "%u of those destinations, outlier-trimmed mean.  "
			   "Mismatches: packets not redirected to the expected "
			   "gateway with the TTL decremented.\n\n",
			opt.pool, opt.rounds, opt.check);
		fprintf(f, "| table | xdpfwd | bpf_fib_lookup ref | LPM trie ref "
			   "| xdpfwd/fib | xdpfwd/LPM | harness | cold: xdpfwd "
			   "| cold: fib | cold: LPM | mismatches (x/f/l) |\n"
			   "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
		for (k = 0; k < 2; k++) {
			int n = k ? opt.n_v6 : opt.n_v4;
			const struct cost_row *rows = k ? cost6 : cost4;

			if (k && opt.no_v6)
				continue;
			for (i = 0; i < n; i++) {
				const struct cost *c = rows[i].c;

				fprintf(f, "| IPv%d %s | %.1f | %.1f | %.1f | "
					   "%.2f | %.3f | %.1f | %.1f | %.1f | "
					   "%.1f | %lu/%lu/%lu |\n",
					rows[i].family, routes_str(rows[i].routes),
					c[F_XDPFWD].net, c[F_FIB].net,
					c[F_LPM].net,
					rows[i].ratio_fib, rows[i].ratio_lpm,
					c[F_PASS].hot, c[F_XDPFWD].cold_net,
					c[F_FIB].cold_net, c[F_LPM].cold_net,
					c[F_XDPFWD].mismatches,
					c[F_FIB].mismatches,
					c[F_LPM].mismatches);
			}
		}
		fprintf(f, "\n");
	}

	if (n_tput_rows) {
		fprintf(f, "## Forwarding throughput, live frames, one CPU\n\n"
			   "Mpps counted at the far end of the egress veths "
			   "(median of %u runs of %lu frames, rate over the "
			   "kernel's timing of each run; ratios are medians of "
			   "per-round ratios); IPv4, random "
			   "destinations from the installed table.\n\n",
			opt.live_rounds, opt.live_frames);
		fprintf(f, "| table | packet | xdpfwd | bpf_fib_lookup ref | "
			   "LPM trie ref | kernel | redirect only | "
			   "xdpfwd/kernel | xdpfwd/fib |\n"
			   "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (i = 0; i < n_tput_rows; i++) {
			const struct tput_row *t = &tput[i];

			fprintf(f, "| IPv4 %s | %zu B | ", routes_str(t->routes),
				t->frame == LIVE_SMALL ? (size_t)64 : (size_t)1500);
			for (x = 0; x < T_N; x++)
				fprintf(f, "%.2f | ", t->mpps[x]);
			fprintf(f, "%.2f | %.2f |\n", t->ratio_kernel,
				t->ratio_fib);
		}
		fprintf(f, "\nLowest fraction of injected frames counted at the "
			   "far end, per forwarder: ");
		for (x = 0; x < T_N; x++) {
			double lo = 1;

			for (i = 0; i < n_tput_rows; i++)
				if (tput[i].delivered[x] < lo)
					lo = tput[i].delivered[x];
			fprintf(f, "%s %.4f%s", tkey[x], lo,
				x == T_N - 1 ? ".\n\n" : ", ");
		}
	}

	if (bld.done) {
		fprintf(f, "## IPv4 FIB builder (plugin/fib4.c on the mmapped "
			   "maps)\n\n"
			   "| routes | adds/s | deletes/s | tbl8 groups used | "
			   "map bytes/route | provisioned bytes/route |\n"
			   "|---:|---:|---:|---:|---:|---:|\n"
			   "| %s | %.2f M | %.2f M | %u of %u | %.1f | %.1f |\n\n",
			routes_str(bld.routes), bld.adds_per_s / 1e6,
			bld.dels_per_s / 1e6, bld.tbl8_used, bld.tbl8_groups,
			bld.bytes_per_route, bld.provisioned_per_route);
		fprintf(f, "Map bytes/route = (tbl24 %lu + used tbl8 groups x 512 "
			   "= %lu + other IPv4 maps %lu) / %zu routes; "
			   "provisioned counts the whole tbl8 array (%lu).  "
			   "Adds/deletes: median of %u rounds, random order.\n\n",
			bld.tbl24_bytes, bld.tbl8_used_bytes, bld.other_bytes,
			bld.routes, bld.tbl8_alloc_bytes, bld.rounds);
	}

	fprintf(f, "## Goals\n\n| goal | measured | target | result |\n"
		   "|---|---:|---:|---|\n");
	for (i = 0; i < n_goals; i++) {
		const struct goal *g = &goals[i];

		if (g->met < 0)
			fprintf(f, "| %s | - | %g%s | n/a: %s |\n", g->text,
				g->target, g->unit, g->margin);
		else
			fprintf(f, "| %s | %.3g%s | %g%s | %s, %s |\n", g->text,
				g->value, g->unit, g->target, g->unit,
				g->met ? "**met**" : "**missed**", g->margin);
	}

	fprintf(f, "\n## Table loading\n\n"
		   "| | routes | xdpfwd | LPM trie ref | kernel FIB (netlink) |\n"
		   "|---|---:|---:|---:|---:|\n"
		   "| IPv4 | %s | %.2f s | %.2f s | %.2f s |\n",
		routes_str(n4_loaded), load4.xdpfwd, load4.lpm, load4.kernel);
	if (n6_loaded)
		fprintf(f, "| IPv6 | %s | %.2f s | %.2f s | %.2f s |\n",
			routes_str(n6_loaded), load6.xdpfwd, load6.lpm,
			load6.kernel);
	fprintf(f, "\nxdpfwd IPv4 is plugin/fib4.c (the same builder as "
		   "above); xdpfwd IPv6 and the LPM reference are one "
		   "bpf_map_update_elem() per route; the kernel FIB is "
		   "batched RTM_NEWROUTE.\n");
	fclose(f);
}

static void write_tsv(void)
{
	FILE *f;
	int i, k;

	for (k = 0; k < 2; k++) {
		int n = k ? opt.n_v6 : opt.n_v4;
		const struct cost_row *rows = k ? cost6 : cost4;

		f = out_file(k ? "cost_v6.tsv" : "cost_v4.tsv");
		fprintf(f, "# routes\txdpfwd\tfib\tlpm\tharness\t"
			   "cold_xdpfwd\tcold_fib\tcold_lpm\n");
		for (i = 0; !opt.no_cost && i < n && !(k && opt.no_v6); i++)
			fprintf(f, "%zu\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t"
				   "%.1f\n",
				rows[i].routes, rows[i].c[F_XDPFWD].net,
				rows[i].c[F_FIB].net, rows[i].c[F_LPM].net,
				rows[i].c[F_PASS].hot, rows[i].c[F_XDPFWD].cold_net,
				rows[i].c[F_FIB].cold_net,
				rows[i].c[F_LPM].cold_net);
		fclose(f);
	}
	f = out_file("tput.tsv");
	fprintf(f, "# label\txdpfwd\tfib\tlpm\tkernel\tredirect\n");
	for (i = 0; i < n_tput_rows; i++)
		fprintf(f, "\"%s routes, %s B\"\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
			routes_str(tput[i].routes),
			tput[i].frame == LIVE_SMALL ? "64" : "1500",
			tput[i].mpps[T_XDPFWD], tput[i].mpps[T_FIB],
			tput[i].mpps[T_LPM], tput[i].mpps[T_KERNEL],
			tput[i].mpps[T_REDIRECT]);
	fclose(f);
}

/* ------------------------------------------------------------------ */

static int parse_sizes(const char *s, size_t *v)
{
	int n = 0;
	char *end;

	while (*s && n < MAX_SIZES) {
		v[n++] = strtoul(s, &end, 10);
		if (*end == 'k')
			v[n - 1] *= 1000, end++;
		else if (*end == 'M')
			v[n - 1] *= 1000000, end++;
		s = *end == ',' ? end + 1 : end;
		if (end == s && *s)
			break;
	}
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xdpbench [--smoke] [--out DIR] [--seed N] [--cpu N]\n"
		"                [--commit S] [--date S] [--v4 1,1k,...] "
		"[--v6 ...] [--tput 1k,1M]\n"
		"                [--pool N] [--rounds N] [--check N] [--live-frames N] "
		"[--live-rounds N]\n"
		"                [--builder N] [--builder-rounds N]\n"
		"                [--no-builder] [--no-cost] [--no-tput] [--no-v6]\n");
	exit(2);
}

static void defaults(void)
{
	if (opt.smoke) {
		opt.n_v4 = opt.n_v4 ? opt.n_v4 : parse_sizes("1,1k", opt.v4);
		opt.n_v6 = opt.n_v6 ? opt.n_v6 : parse_sizes("1,1k", opt.v6);
		opt.n_tput = opt.n_tput ? opt.n_tput : parse_sizes("1k", opt.tput);
		opt.pool = opt.pool ? opt.pool : 4096;
		opt.check = opt.check ? opt.check : 1024;
		opt.rounds = opt.rounds ? opt.rounds : 1;
		opt.live_frames = opt.live_frames ? opt.live_frames : 100000;
		opt.live_rounds = opt.live_rounds ? opt.live_rounds : 1;
		opt.builder_routes = opt.builder_routes ? opt.builder_routes
							: 100000;
		opt.builder_rounds = opt.builder_rounds ? opt.builder_rounds : 1;
	} else {
		opt.n_v4 = opt.n_v4 ? opt.n_v4
				    : parse_sizes("1,1k,100k,1M", opt.v4);
		opt.n_v6 = opt.n_v6 ? opt.n_v6 : parse_sizes("1,1k,200k", opt.v6);
		opt.n_tput = opt.n_tput ? opt.n_tput
					: parse_sizes("1k,1M", opt.tput);
		opt.pool = opt.pool ? opt.pool : 262144;
		opt.check = opt.check ? opt.check : 65536;
		opt.rounds = opt.rounds ? opt.rounds : 9;
		opt.live_frames = opt.live_frames ? opt.live_frames : 1000000;
		opt.live_rounds = opt.live_rounds ? opt.live_rounds : 11;
		opt.builder_routes = opt.builder_routes ? opt.builder_routes
							: 1000000;
		opt.builder_rounds = opt.builder_rounds ? opt.builder_rounds : 3;
	}
	if (opt.pool & (opt.pool - 1))
		die("--pool must be a power of two");
	if (!opt.rounds || opt.rounds > MAX_ROUNDS || !opt.live_rounds ||
	    opt.live_rounds > MAX_ROUNDS || !opt.builder_rounds ||
	    opt.builder_rounds > MAX_ROUNDS)
		die("rounds: 1 to %d", MAX_ROUNDS);
	if (opt.check > opt.pool)
		opt.check = opt.pool;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "smoke", no_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 'S' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "commit", required_argument, NULL, 'C' },
		{ "date", required_argument, NULL, 'D' },
		{ "v4", required_argument, NULL, '4' },
		{ "v6", required_argument, NULL, '6' },
		{ "tput", required_argument, NULL, 't' },
		{ "pool", required_argument, NULL, 'p' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "check", required_argument, NULL, 'k' },
		{ "live-frames", required_argument, NULL, 'l' },
		{ "live-rounds", required_argument, NULL, 'L' },
		{ "builder", required_argument, NULL, 'b' },
		{ "builder-rounds", required_argument, NULL, 'B' },
		{ "no-builder", no_argument, NULL, 1 },
		{ "no-cost", no_argument, NULL, 2 },
		{ "no-tput", no_argument, NULL, 3 },
		{ "no-v6", no_argument, NULL, 4 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char mach[256];
	unsigned long mismatches = 0;
	cpu_set_t cs;
	int c, j;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.smoke = true; break;
		case 'o': opt.out = optarg; break;
		case 'S': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'c': opt.cpu = atoi(optarg); break;
		case 'C': opt.commit = optarg; break;
		case 'D': opt.date = optarg; break;
		case '4': opt.n_v4 = parse_sizes(optarg, opt.v4); break;
		case '6': opt.n_v6 = parse_sizes(optarg, opt.v6); break;
		case 't': opt.n_tput = parse_sizes(optarg, opt.tput); break;
		case 'p': opt.pool = strtoul(optarg, NULL, 0); break;
		case 'r': opt.rounds = strtoul(optarg, NULL, 0); break;
		case 'k': opt.check = strtoul(optarg, NULL, 0); break;
		case 'l': opt.live_frames = strtoul(optarg, NULL, 0); break;
		case 'L': opt.live_rounds = strtoul(optarg, NULL, 0); break;
		case 'b': opt.builder_routes = strtoul(optarg, NULL, 0); break;
		case 'B': opt.builder_rounds = strtoul(optarg, NULL, 0); break;
		case 1: opt.no_builder = true; break;
		case 2: opt.no_cost = true; break;
		case 3: opt.no_tput = true; break;
		case 4: opt.no_v6 = true; break;
		case 'v': opt.verbose = true; break;
		default: usage();
		}
	}
	defaults();
	t_start = now();
	if (geteuid() != 0)
		die("needs root (network namespace, BPF, XDP)");

	/* one CPU for everything: the costs are per core, and the live runs
	 * keep the receive side (softirq) on the same CPU
	 */
	if (opt.cpu < 0)
		opt.cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
	CPU_ZERO(&cs);
	CPU_SET(opt.cpu, &cs);
	if (sched_setaffinity(0, sizeof(cs), &cs))
		die("sched_setaffinity(CPU %d): %s", opt.cpu, strerror(errno));
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		die("libbpf_num_possible_cpus");
	machine(mach, sizeof(mach));
	{
		double la[1];

		if (getloadavg(la, 1) == 1)
			load_start = la[0];
	}
	cpu_times(opt.cpu, &jt0, &js0);
	progress("%s run on %s, CPU %d", mode(), mach, opt.cpu);

	/* routes: the tables of every size are prefixes of one random order */
	for (j = 0; j < opt.n_v4; j++)
		n4_total = opt.v4[j] > n4_total ? opt.v4[j] : n4_total;
	if (!opt.no_builder && opt.builder_routes > n4_total)
		n4_total = opt.builder_routes;
	for (j = 0; j < opt.n_v6; j++)
		n6_total = opt.v6[j] > n6_total ? opt.v6[j] : n6_total;
	if (opt.no_v6)
		n6_total = 0;
	r4 = calloc(n4_total + 1, sizeof(*r4));
	r6 = calloc(n6_total + 1, sizeof(*r6));
	if (!r4 || !r6 || !routes4_gen(r4, n4_total, opt.seed) ||
	    !routes6_gen(r6, n6_total, opt.seed))
		die("out of memory");
	pool_nh = calloc(opt.pool, 1);
	o4 = oracle4_new(r4, n4_total);
	o6 = oracle6_new(r6, n6_total);
	if (!o4 || !o6 || !pool_nh)
		die("out of memory");
	{
		size_t h[33], shorter = 0, longer = 0;
		int l;

		routes4_hist(r4, n4_total, h);
		for (l = 0; l < 24; l++)
			shorter += h[l];
		for (l = 25; l <= 32; l++)
			longer += h[l];
		progress("generated %zu IPv4 routes (/24 %.1f%%, shorter %.1f%%, "
			 "longer %.2f%%) and %zu IPv6 routes, seed %llu",
			 n4_total, 100.0 * h[24] / n4_total,
			 100.0 * shorter / n4_total, 100.0 * longer / n4_total,
			 n6_total, (unsigned long long)opt.seed);
	}

	setup_netns();
	if (!opt.no_builder)
		bench_builder();

	if (!opt.no_cost || !opt.no_tput) {
		struct xdpfwd_fib4_block *t24, *t8;
		size_t max4 = 0, max6 = 0;

		for (j = 0; j < opt.n_v4; j++)
			max4 = opt.v4[j] > max4 ? opt.v4[j] : max4;
		for (j = 0; j < opt.n_v6; j++)
			max6 = opt.v6[j] > max6 ? opt.v6[j] : max6;
		load_objects(max4, max6);
		if (kfib_open(&kf))
			die("netlink socket: %s", strerror(errno));
		t24 = map_mmap(xs->maps.fib4_tbl24);
		t8 = map_mmap(xs->maps.fib4_tbl8);
		xfib4 = fib4_create(t24, t8,
				    bpf_map__max_entries(xs->maps.fib4_tbl8));
		if (!xfib4)
			die("fib4_create: %s", strerror(errno));

		for (j = 0; j < opt.n_v4; j++) {
			size_t n = opt.v4[j];
			int t;

			grow4(n);
			progress("IPv4 table at %zu routes (loading so far: xdpfwd "
				 "%.2f s, LPM %.2f s, kernel FIB %.2f s)",
				 n, load4.xdpfwd, load4.lpm, load4.kernel);
			if (!opt.no_cost)
				measure_cost(4, n, &cost4[j]);
			for (t = 0; !opt.no_tput && t < opt.n_tput; t++)
				if (opt.tput[t] == n)
					measure_tput(n);
		}
		for (j = 0; !opt.no_v6 && j < opt.n_v6; j++) {
			size_t n = opt.v6[j];

			grow6(n);
			progress("IPv6 table at %zu routes (loading so far: xdpfwd "
				 "%.2f s, LPM %.2f s, kernel FIB %.2f s)",
				 n, load6.xdpfwd, load6.lpm, load6.kernel);
			if (!opt.no_cost)
				measure_cost(6, n, &cost6[j]);
		}
	}

	{
		unsigned long long jt1, js1;

		cpu_times(opt.cpu, &jt1, &js1);
		steal_pct = jt1 > jt0 ? 100.0 * (js1 - js0) / (jt1 - jt0) : 0;
	}
	eval_goals();
	write_json(mach);
	write_md(mach);
	write_tsv();
	progress("done; results in %s", opt.out);
	for (j = 0; j < opt.n_v4 && !opt.no_cost; j++)
		for (c = F_XDPFWD; c < F_N; c++)
			mismatches += cost4[j].c[c].mismatches;
	for (j = 0; j < opt.n_v6 && !opt.no_cost && !opt.no_v6; j++)
		for (c = F_XDPFWD; c < F_N; c++)
			mismatches += cost6[j].c[c].mismatches;

	/* the namespace, its routes and the BPF objects go with the process */
	fib4_destroy(xfib4);
	kfib_close(&kf);
	if (mismatches) {
		fprintf(stderr, "xdpbench: %lu packets were not forwarded as "
				"expected: the figures are not valid\n",
			mismatches);
		return 3;
	}
	return 0;
}
