// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness shared by the datapath packet-fixture tests: see harness.h.
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

#include "harness.h"
#include "bpf/xdpfwd.skel.h"
#include "plugin/lib/fib6.h"

/* ------------------------------------------------------------------ */
/* reporting */

int n_test, n_pass, n_fail;
char why[512];

void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	if (ok)
		n_pass++;
	else
		n_fail++;
	printf("%s %d - ", ok ? "ok" : "not ok", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void set_why(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fatal: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	printf("%d passed, %d failed\n", n_pass, n_fail + 1);
	exit(2);
}

const char *reason_name(int r)
{
	static const char *const names[XDPFWD_R__MAX] = {
		[XDPFWD_R_FWD_V4] = "FWD_V4",
		[XDPFWD_R_FWD_V6] = "FWD_V6",
		[XDPFWD_R_DROP_BLACKHOLE] = "DROP_BLACKHOLE",
		[XDPFWD_R_PASS_DISABLED] = "PASS_DISABLED",
		[XDPFWD_R_PASS_MALFORMED] = "PASS_MALFORMED",
		[XDPFWD_R_PASS_NOT_OURS] = "PASS_NOT_OURS",
		[XDPFWD_R_PASS_ETHERTYPE] = "PASS_ETHERTYPE",
		[XDPFWD_R_PASS_VLAN] = "PASS_VLAN",
		[XDPFWD_R_PASS_IP_OPTIONS] = "PASS_IP_OPTIONS",
		[XDPFWD_R_PASS_TTL] = "PASS_TTL",
		[XDPFWD_R_PASS_NON_UNICAST] = "PASS_NON_UNICAST",
		[XDPFWD_R_PASS_LOCAL] = "PASS_LOCAL",
		[XDPFWD_R_PASS_NO_ROUTE] = "PASS_NO_ROUTE",
		[XDPFWD_R_PASS_UNREACHABLE] = "PASS_UNREACHABLE",
		[XDPFWD_R_PASS_NEIGH] = "PASS_NEIGH",
		[XDPFWD_R_PASS_MTU] = "PASS_MTU",
		[XDPFWD_R_PASS_EGRESS] = "PASS_EGRESS",
		[XDPFWD_R_PASS_NEXTHOP] = "PASS_NEXTHOP",
		[XDPFWD_R_PASS_KERNEL] = "PASS_KERNEL",
		[XDPFWD_R_BRIDGE_FWD] = "BRIDGE_FWD",
		[XDPFWD_R_DROP_HAIRPIN] = "DROP_HAIRPIN",
		[XDPFWD_R_PASS_BRIDGE_UNKNOWN] = "PASS_BRIDGE_UNKNOWN",
		[XDPFWD_R_PASS_BRIDGE_FLOOD] = "PASS_BRIDGE_FLOOD",
		[XDPFWD_R_PASS_BRIDGE_CONTROL] = "PASS_BRIDGE_CONTROL",
		[XDPFWD_R_PASS_BRIDGE_STATE] = "PASS_BRIDGE_STATE",
		[XDPFWD_R_PASS_BRIDGE_LEARN] = "PASS_BRIDGE_LEARN",
		[XDPFWD_R_PASS_BRIDGE_LOCAL] = "PASS_BRIDGE_LOCAL",
		[XDPFWD_R_PASS_BRIDGE_EGRESS] = "PASS_BRIDGE_EGRESS",
		[XDPFWD_R_PASS_HAIRPIN] = "PASS_HAIRPIN",
		[XDPFWD_R_PASS_FORWARDING] = "PASS_FORWARDING",
		[XDPFWD_R_PASS_RPFILTER] = "PASS_RPFILTER",
		[XDPFWD_R_PASS_POLICY] = "PASS_POLICY",
		[XDPFWD_R_PASS_MARTIAN] = "PASS_MARTIAN",
		[XDPFWD_R_PASS_STALE] = "PASS_STALE",
		[XDPFWD_R_PASS_FIREWALL] = "PASS_FIREWALL",
		[XDPFWD_R_PASS_TC] = "PASS_TC",
		[XDPFWD_R_PASS_CONNTRACK] = "PASS_CONNTRACK",
		[XDPFWD_R_PASS_CT_NAT] = "PASS_CT_NAT",
		[XDPFWD_R_PASS_CT_LIBERAL] = "PASS_CT_LIBERAL",
		[XDPFWD_R_PASS_VLAN_HW] = "PASS_VLAN_HW",
	};

	if (r < 0 || r >= XDPFWD_R__MAX)
		return "nothing";
	/* a reason added to the enum before it is added here */
	return names[r] ? names[r] : "unnamed";
}

const char *verdict_name(int v)
{
	switch (v) {
	case XDP_ABORTED: return "ABORTED";
	case XDP_DROP: return "DROP";
	case XDP_PASS: return "PASS";
	case XDP_TX: return "TX";
	case XDP_REDIRECT: return "REDIRECT";
	default: return "?";
	}
}

/* ------------------------------------------------------------------ */
/* environment */

struct xdpfwd_bpf *skel;
int ncpus;

void harness_init(void)
{
	/* each line out at once: a crash still shows the cases before it */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the veths and the attached programs vanish with the namespace */
	if (unshare(CLONE_NEWNET) != 0)
		die("unshare(CLONE_NEWNET): %s (needs root)", strerror(errno));
	sh("ip link set lo up");
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		die("libbpf_num_possible_cpus");
}

void load_skel(struct xdpfwd_bpf *s, const char *desc)
{
	int err;

	if (!s)
		die("open skeleton: %s", strerror(errno));
	err = xdpfwd_bpf__load(s);
	report(!err, "%s", desc);
	if (err)
		die("load: %s", strerror(-err));
	skel = s;
	/* a live plugin, as the fixtures assume (test_liveness() lapses it) */
	skel->bss->xdpfwd_live_until_ns = UINT64_MAX;
}

int harness_done(void)
{
	xdpfwd_bpf__destroy(skel);
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		die("command failed: %s", cmd);
}

int ifidx(const char *name)
{
	int idx = if_nametoindex(name);

	if (!idx)
		die("if_nametoindex(%s)", name);
	return idx;
}

int veth(const char *a, const char *b)
{
	sh("ip link add %s type veth peer name %s", a, b);
	sh("ip link set %s up", a);
	sh("ip link set %s up", b);
	return ifidx(a);
}

/* ------------------------------------------------------------------ */
/* maps */

void upd(struct bpf_map *m, const void *k, size_t ks, const void *v,
	 size_t vs)
{
	if (bpf_map__update_elem(m, k, ks, v, vs, BPF_ANY))
		die("update %s: %s", bpf_map__name(m), strerror(errno));
}

void set_iface(struct xdpfwd_bpf *s, __u32 ifindex, const __u8 *mac,
	       __u32 flags, __u32 bridge, __u16 mtu)
{
	struct xdpfwd_iface v = { .flags = flags, .bridge_ifindex = bridge,
				  .mtu = mtu };

	memcpy(v.mac, mac, 6);
	upd(s->maps.ifaces, &ifindex, 4, &v, sizeof(v));
}

void set_tx(struct xdpfwd_bpf *s, __u32 ifindex)
{
	upd(s->maps.tx_ports, &ifindex, 4, &ifindex, 4);
}

void del_tx(struct xdpfwd_bpf *s, __u32 ifindex)
{
	/* not there is as good as removed */
	bpf_map__delete_elem(s->maps.tx_ports, &ifindex, 4, 0);
}

void set_adj(struct xdpfwd_bpf *s, __u32 id, __u32 ifindex, __u16 mtu,
	     __u16 flags, const __u8 *smac, const __u8 *dmac)
{
	struct xdpfwd_adj a = {
		.ifindex = ifindex, .mtu = mtu, .mtu6 = mtu, .flags = flags,
	};

	memcpy(a.smac, smac, 6);
	if (dmac)
		memcpy(a.dmac, dmac, 6);
	upd(s->maps.adjs, &id, 4, &a, sizeof(a));
}

void set_nhg(struct xdpfwd_bpf *s, __u32 id, __u8 type, int nslots,
	     const __u16 *slots)
{
	struct xdpfwd_nhg g = { .type = type, .nslots = (__u8)nslots };
	int i;

	/* copy no more than the array holds, whatever nslots claims */
	for (i = 0; i < nslots && i < XDPFWD_NHG_SLOTS; i++)
		g.slot[i] = slots[i];
	upd(s->maps.nhgs, &id, 4, &g, sizeof(g));
}

void set_reserved_nhgs(struct xdpfwd_bpf *s)
{
	static const __u8 reserved[] = XDPFWD_NHG_RESERVED;

	for (__u32 id = 1; id < sizeof(reserved); id++)
		set_nhg(s, id, reserved[id], 0, NULL);
}

void set_nhg1(__u32 id, __u16 adj)
{
	set_nhg(skel, id, XDPFWD_NHG_FORWARD, 1, &adj);
}

void set_neigh4(__u32 ifindex, const char *addr, const __u8 *mac,
		__u32 port)
{
	struct xdpfwd_neigh4_key k = { .ifindex = ifindex };
	struct xdpfwd_neigh v = { .port_ifindex = port };

	inet_pton(AF_INET, addr, &k.addr);
	memcpy(v.mac, mac, 6);
	upd(skel->maps.neigh4, &k, sizeof(k), &v, sizeof(v));
}

void set_neigh6(__u32 ifindex, const char *addr, const __u8 *mac,
		__u32 port)
{
	struct xdpfwd_neigh6_key k = { .ifindex = ifindex };
	struct xdpfwd_neigh v = { .port_ifindex = port };

	inet_pton(AF_INET6, addr, k.addr);
	memcpy(v.mac, mac, 6);
	upd(skel->maps.neigh6, &k, sizeof(k), &v, sizeof(v));
}

void *map_mmap(struct bpf_map *m)
{
	size_t sz = (size_t)bpf_map__value_size(m) * bpf_map__max_entries(m);
	void *p;

	sz = (sz + 4095) & ~(size_t)4095;
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(m), 0);
	if (p == MAP_FAILED)
		die("mmap %s: %s", bpf_map__name(m), strerror(errno));
	return p;
}

/* the plugin's builder over the loaded object's maps */
void route6_add(const char *pfx, int len, __u32 nh)
{
	static struct fib6 *f;
	static struct xdpfwd_bpf *f_skel;
	__u8 a[16];

	if (inet_pton(AF_INET6, pfx, a) != 1)
		die("bad prefix %s", pfx);
	if (f_skel != skel) {
		/* a new object: new maps (the old mappings stay, small) */
		fib6_destroy(f);
		f = fib6_create(map_mmap(skel->maps.fib6_dir),
				map_mmap(skel->maps.fib6_keys),
				map_mmap(skel->maps.fib6_vals),
				bpf_map__max_entries(skel->maps.fib6_keys));
		if (!f)
			die("fib6_create: %s", strerror(errno));
		f_skel = skel;
	}
	if (fib6_add(f, a, len, nh))
		die("fib6_add %s/%d: not in the fast path", pfx, len);
}

/* ------------------------------------------------------------------ */
/* counters */

void read_ifc(struct xdpfwd_bpf *s, __u32 idx, struct xdpfwd_if_counters *t)
{
	struct xdpfwd_if_counters iv[ncpus];
	int c;

	memset(t, 0, sizeof(*t));
	if (!idx || bpf_map__lookup_elem(s->maps.if_counters, &idx, 4, iv,
					 sizeof(iv), 0))
		return;
	for (c = 0; c < ncpus; c++) {
		t->rx_fwd_packets += iv[c].rx_fwd_packets;
		t->rx_fwd_bytes += iv[c].rx_fwd_bytes;
		t->tx_fwd_packets += iv[c].tx_fwd_packets;
		t->tx_fwd_bytes += iv[c].tx_fwd_bytes;
		t->rx_pass_packets += iv[c].rx_pass_packets;
		t->rx_drop_packets += iv[c].rx_drop_packets;
	}
}

void read_counters(struct xdpfwd_bpf *s, struct snap *sn, __u32 in, __u32 eg)
{
	struct xdpfwd_counter cv[ncpus];
	__u32 r;
	int c;

	memset(sn, 0, sizeof(*sn));
	for (r = 0; r < XDPFWD_R__MAX; r++) {
		if (bpf_map__lookup_elem(s->maps.counters, &r, 4, cv,
					 sizeof(cv), 0))
			die("read counters: %s", strerror(errno));
		for (c = 0; c < ncpus; c++) {
			sn->c[r].packets += cv[c].packets;
			sn->c[r].bytes += cv[c].bytes;
		}
	}
	read_ifc(s, in, &sn->in);
	read_ifc(s, eg, &sn->eg);
}

/*
 * Between snapshots @a and @b one frame of @bytes moved counter @reason
 * alone, and the interface counters as @verdict wants (@same_if: ingress
 * and egress are one interface, a hairpin).
 */
static bool counters_ok(const struct snap *a, const struct snap *b,
			int reason, int verdict, __u64 bytes, bool same_if,
			const struct ck_style *st)
{
	__u64 f = b->in.rx_fwd_packets - a->in.rx_fwd_packets;
	__u64 fb = b->in.rx_fwd_bytes - a->in.rx_fwd_bytes;
	__u64 p = b->in.rx_pass_packets - a->in.rx_pass_packets;
	__u64 d = b->in.rx_drop_packets - a->in.rx_drop_packets;
	__u64 t = b->eg.tx_fwd_packets - a->eg.tx_fwd_packets;
	__u64 tb = b->eg.tx_fwd_bytes - a->eg.tx_fwd_bytes;
	int r;

	for (r = 0; r < XDPFWD_R__MAX; r++) {
		__u64 dp = b->c[r].packets - a->c[r].packets;
		__u64 db = b->c[r].bytes - a->c[r].bytes;

		if (r == reason && (dp != 1 || db != bytes)) {
			set_why("counter %s +%llu pkts +%llu bytes, want +1 +%llu",
				reason_name(r), (unsigned long long)dp,
				(unsigned long long)db,
				(unsigned long long)bytes);
			return false;
		}
		if (r != reason && dp) {
			if (st->moved_by)
				set_why("counter %s moved (+%llu), want %s",
					reason_name(r), (unsigned long long)dp,
					reason_name(reason));
			else
				set_why("counter %s moved, want %s",
					reason_name(r), reason_name(reason));
			return false;
		}
	}
	if (verdict == XDP_REDIRECT) {
		/* with a hairpin, ingress and egress are one entry */
		bool in_tx_ok = same_if ||
				b->in.tx_fwd_packets == a->in.tx_fwd_packets;

		if (f == 1 && (!st->rx_bytes || fb == bytes) && !p && !d &&
		    t == 1 && tb == bytes && in_tx_ok)
			return true;
		if (st->rx_bytes)
			set_why("%s rx_fwd +%llu/+%llu tx_fwd +%llu/+%llu pass +%llu drop +%llu",
				st->ifc, (unsigned long long)f,
				(unsigned long long)fb, (unsigned long long)t,
				(unsigned long long)tb, (unsigned long long)p,
				(unsigned long long)d);
		else
			set_why("%s rx_fwd +%llu tx_fwd +%llu/+%llu bytes pass +%llu drop +%llu",
				st->ifc, (unsigned long long)f,
				(unsigned long long)t, (unsigned long long)tb,
				(unsigned long long)p, (unsigned long long)d);
		return false;
	}
	if (f || t || p != (verdict == XDP_PASS) ||
	    d != (verdict == XDP_DROP)) {
		set_why("%s rx_fwd +%llu tx_fwd +%llu pass +%llu drop +%llu",
			st->ifc, (unsigned long long)f, (unsigned long long)t,
			(unsigned long long)p, (unsigned long long)d);
		return false;
	}
	return true;
}

/* @v is @verdict, else why says which counter moved instead of @reason */
static bool verdict_ok(const struct snap *a, const struct snap *b, int v,
		       int verdict, int reason)
{
	int r, moved = -1;

	if (v == verdict)
		return true;
	for (r = 0; r < XDPFWD_R__MAX; r++)
		if (b->c[r].packets != a->c[r].packets)
			moved = r;
	set_why("verdict %s want %s (counted %s, want %s)", verdict_name(v),
		verdict_name(verdict), reason_name(moved),
		reason_name(reason));
	return false;
}

/* ------------------------------------------------------------------ */
/* frames and running */

int frame_diff(const struct frame *a, const struct frame *b)
{
	int i;

	if (a->len != b->len)
		return -2;
	for (i = 0; i < a->len; i++)
		if (a->d[i] != b->d[i])
			return i;
	return -1;
}

/* @out is @exp, else why says where they part */
static bool frame_ok(const struct frame *out, const struct frame *exp)
{
	int d = frame_diff(out, exp);

	if (d == -1)
		return true;
	if (d == -2)
		set_why("output length %d want %d", out->len, exp->len);
	else
		set_why("output differs at byte %d: %02x want %02x", d,
			out->d[d], exp->d[d]);
	return false;
}

int run(struct xdpfwd_bpf *s, __u32 ingress, const struct frame *in,
	struct frame *out)
{
	struct xdp_md ctx = {
		.data_end = in->len,
		.ingress_ifindex = ingress,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = in->d,
		.data_size_in = in->len,
		.data_out = out->d,
		.data_size_out = sizeof(out->d),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);

	if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.xdpfwd_main), &o))
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
	out->len = o.data_size_out;
	return o.retval;
}

int run_live(struct xdpfwd_bpf *s, __u32 ingress, const struct frame *in)
{
	struct xdp_md ctx = { .data_end = in->len,
			      .ingress_ifindex = ingress };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->d,
		    .data_size_in = in->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	return bpf_prog_test_run_opts(bpf_program__fd(s->progs.xdpfwd_main),
				      &o);
}

bool run_want(__u32 ingress, const struct frame *in, const struct want *w,
	      const struct ck_style *st)
{
	struct frame out;
	struct snap a, b;
	int v;

	why[0] = 0;
	read_counters(skel, &a, ingress, w->egress);
	v = run(skel, ingress, in, &out);
	read_counters(skel, &b, ingress, w->egress);
	if (!verdict_ok(&a, &b, v, w->verdict, w->reason) ||
	    !frame_ok(&out, w->out))
		return false;
	if (w->check && w->verdict == XDP_REDIRECT && !w->check(&out))
		return false;
	return counters_ok(&a, &b, w->reason, w->verdict, in->len,
			   ingress == w->egress, st);
}

void report_case(const char *desc, bool ok)
{
	if (ok)
		report(true, "%s", desc);
	else
		report(false, "%s: %s", desc, why);
}
