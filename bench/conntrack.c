// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Conntrack mode's cost (conntrack.h).  The destination pool is made of
 * CT_FLOWS distinct destinations of the installed table, repeated; each
 * is a UDP flow (10.255.0.2:40000 -> d:9, the bench frames) that
 * conntrack holds as assured, made over ctnetlink.  The ruleset is what
 * a router runs in front of established traffic:
 *
 *   ct state established,related accept; ct state invalid drop;
 *   udp dport 23 drop (a rule for new connections)
 *
 * Four forwarders, 64-byte frames, the same rounds:
 *   xdpfwd, no rules:      the default mode, ifaces flags ENABLED
 *   xdpfwd, conntrack:     the ruleset, XDPFWD_IF_F_CT4 on rin
 *   kernel, ruleset:       XDP_PASS, the stack with conntrack and nft
 *   kernel, no rules:      XDP_PASS, no table (conntrack hooks gone)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "bpf/bench_maps.h"
#include "conntrack.h"
#include "frames.h"
#include "measure.h"
#include "setup.h"
#include "xdpbench.h"
#include "bpf/xdpfwd.skel.h"
#include "util.skel.h"
#include "ctnl.h"

#define CT_FLOWS 4096
#define CT_TABLE "xdpfwdbench"

struct ct_result ct_res;

static const char *const ct_key[CT_N] = {
	"xdpfwd, no rules", "xdpfwd, conntrack mode", "kernel, ruleset",
	"kernel, no rules",
};

static void nft(bool on)
{
	int rc;

	if (on)
		rc = system("nft -f - <<'EOF'\n"
			    "table inet " CT_TABLE " {\n"
			    " chain f {\n"
			    "  type filter hook forward priority 0; policy accept;\n"
			    "  ct state established,related accept\n"
			    "  ct state invalid drop\n"
			    "  udp dport 23 drop\n"
			    " }\n"
			    "}\n"
			    "EOF");
	else
		rc = system("nft delete table inet " CT_TABLE
			    " 2>/dev/null || true");
	if (rc)
		die("nft %s failed (%d)", on ? "add" : "delete", rc);
}

static void rin_flags(__u32 flags)
{
	struct xdpfwd_iface v;
	__u32 k = ifx.in;

	if (bpf_map_lookup_elem(bpf_map__fd(obj.xdpfwd->maps.ifaces), &k, &v))
		die("ifaces: %s", strerror(errno));
	v.flags = flags;
	map_update(obj.xdpfwd->maps.ifaces, &k, &v);
}

/* the pool as CT_FLOWS destinations of the table repeated, each an
 * assured UDP connection
 */
static unsigned int flows_setup(void)
{
	int fd = bpf_map__fd(obj.util->maps.dst_pool), err = 0;
	unsigned int flows = opt.pool < CT_FLOWS ? opt.pool : CT_FLOWS;
	struct xdpfwd_ct_report r = { .family = AF_INET,
				      .l4proto = IPPROTO_UDP };
	struct xctnl *x = xctnl_open(&err);
	struct dst d;
	__u32 i, j;

	if (!x)
		die("ctnetlink: %s", strerror(-err));
	r.saddr[0] = 10, r.saddr[1] = 255, r.saddr[3] = 2;
	r.sport = htons(40000);
	r.dport = htons(9);
	for (i = 0; i < flows; i++) {
		if (bpf_map_lookup_elem(fd, &i, &d))
			die("destination pool: %s", strerror(errno));
		memcpy(r.daddr, d.a, 4);
		err = xctnl_create(x, &r, IPS_SEEN_REPLY | IPS_ASSURED, 0,
				   false, 3600);
		if (err && err != -EEXIST)
			die("ctnetlink: creating flow %u: %s", i,
			    strerror(-err));
	}
	for (j = flows; j < opt.pool; j++) {
		i = j % flows;
		if (bpf_map_lookup_elem(fd, &i, &d) ||
		    bpf_map_update_elem(fd, &j, &d, BPF_ANY))
			die("destination pool: %s", strerror(errno));
	}
	xctnl_close(x);
	return flows;
}

static __u64 fwd_v4(void)
{
	struct xdpfwd_counter v[obj.ncpus];
	__u64 sum = 0;
	__u32 k = XDPFWD_R_FWD_V4;
	int c;

	if (bpf_map_lookup_elem(bpf_map__fd(obj.xdpfwd->maps.counters), &k, v))
		die("counters: %s", strerror(errno));
	for (c = 0; c < obj.ncpus; c++)
		sum += v[c].packets;
	return sum;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

void measure_conntrack(size_t n)
{
	double v[CT_N][MAX_ROUNDS], dx, wx, x;
	unsigned int m = opt.live_rounds;
	__u64 f0, f1;
	int r, k;

	/* the timeouts the plugin writes (conntrack's defaults): the
	 * entries' hour is above half of them, no refresh
	 */
	obj.xdpfwd->bss->xdpfwd_ct_timeout_ms[0] = 432000000;
	obj.xdpfwd->bss->xdpfwd_ct_timeout_ms[1] = 120000;
	ct_res.routes = n;
	ct_res.flows = flows_setup();
	for (r = -1; r < (int)m; r++) {
		for (k = 0; k < CT_N; k++) {
			bool rules = k == CT_XDP_CT || k == CT_KERNEL_RULES;

			nft(rules);
			rin_flags(XDPFWD_IF_F_ENABLED |
				  (k == CT_XDP_CT ? XDPFWD_IF_F_CT4 : 0));
			f0 = fwd_v4();
			x = live_run(k < CT_KERNEL_RULES ? T_XDPFWD : T_KERNEL,
				     LIVE_SMALL, &dx, &wx);
			f1 = fwd_v4();
			if (k == CT_XDP_CT)
				ct_res.fwd_share = (double)(f1 - f0) /
						   opt.live_frames;
			if (opt.verbose)
				progress("  round %d %s: %.3f Mpps, %.4f "
					 "delivered", r, ct_key[k], x, dx);
			if (r >= 0)
				v[k][r] = x;
		}
	}
	nft(false);
	rin_flags(XDPFWD_IF_F_ENABLED);
	for (k = 0; k < CT_N; k++)
		ct_res.mpps[k] = median(v[k], m);
	ct_res.done = true;
	progress("conntrack mode, IPv4 %zu routes, %u flows, 64 B: Mpps "
		 "xdpfwd no rules %.2f, conntrack %.2f (%.4f of it in XDP), "
		 "kernel with rules %.2f, without %.2f",
		 n, ct_res.flows, ct_res.mpps[CT_XDP_NONE],
		 ct_res.mpps[CT_XDP_CT], ct_res.fwd_share,
		 ct_res.mpps[CT_KERNEL_RULES], ct_res.mpps[CT_KERNEL_NONE]);
}

static double ns(int k)
{
	return ct_res.done && ct_res.mpps[k] > 0 ? 1e3 / ct_res.mpps[k] : NAN;
}

static void jnum(FILE *f, const char *key, double v)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "  \"%s\": null,\n", key);
	else
		fprintf(f, "  \"%s\": %.6g,\n", key, v);
}

void conntrack_json(FILE *f)
{
	jnum(f, "conntrack_ns", ns(CT_XDP_CT));
	jnum(f, "conntrack_none_ns", ns(CT_XDP_NONE));
	jnum(f, "conntrack_kernel_rules_ns", ns(CT_KERNEL_RULES));
	jnum(f, "conntrack_kernel_none_ns", ns(CT_KERNEL_NONE));
	jnum(f, "conntrack_xdp_share", ct_res.done ? ct_res.fwd_share : NAN);
}

void conntrack_md(FILE *f)
{
	int k;

	if (!ct_res.done)
		return;
	fprintf(f, "## Conntrack mode (`xdpfwd firewall conntrack`)\n\n"
		   "Live frames, one CPU, 64-byte UDP packets over %u flows "
		   "that conntrack holds as assured, IPv4 table of %zu "
		   "routes; ruleset `ct state established,related accept; ct "
		   "state invalid drop; udp dport 23 drop` in an inet forward "
		   "chain (median of %u rounds; ns = 1000 / Mpps, the whole "
		   "path on one core).  Share of the conntrack-mode frames "
		   "forwarded in XDP: %.4f.\n\n"
		   "| forwarder | Mpps | ns/packet |\n|---|---:|---:|\n",
		ct_res.flows, ct_res.routes, opt.live_rounds,
		ct_res.fwd_share);
	for (k = 0; k < CT_N; k++)
		fprintf(f, "| %s | %.2f | %.0f |\n", ct_key[k], ct_res.mpps[k],
			ns(k));
	fprintf(f, "\n");
}
