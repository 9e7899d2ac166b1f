// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The three measurements (measure.h) on the router that setup.c built:
 * per-packet cost, throughput with live frames, the FIB builder alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfwd_maps.h"
#include "fib4.h"
#include "bpf/xdpfwd.skel.h"
#include "fibfwd.skel.h"
#include "lpmfwd.skel.h"
#include "util.skel.h"
#include "bpf/bench_maps.h"

#include "frames.h"
#include "measure.h"
#include "routes.h"
#include "setup.h"
#include "xdpbench.h"

#define CHUNK 256 /* frames per forwarder turn in the cost runs */

/* ------------------------------------------------------------------ */
/* destination pools
 *
 * Every measurement draws its destinations the same way: a random
 * installed route, a random address inside it; the expected gateway is
 * the longest installed match (the oracle), which may be a more specific
 * route than the one drawn.
 */

static unsigned char *pool_nh; /* expected nexthop per pool entry */

/* a random destination of the installed table and its expected nexthop */
static uint32_t pick_dst4(struct rng *g, size_t n, int *nh)
{
	uint32_t a = route4_sample(&tables.r4[rng_below(g, (uint32_t)n)], g);
	long w = oracle4_lookup(tables.o4, a, n);

	if (w < 0)
		die("oracle: no route for a sampled address");
	*nh = tables.r4[w].nh;
	return a;
}

static void pick_dst6(struct rng *g, size_t n, uint8_t a[16], int *nh)
{
	long w;

	route6_sample(&tables.r6[rng_below(g, (uint32_t)n)], g, a);
	w = oracle6_lookup(tables.o6, a, n);
	if (w < 0)
		die("oracle: no route for a sampled address");
	*nh = tables.r6[w].nh;
}

static void fill_pool(int family, size_t n, uint64_t salt)
{
	struct rng g = { opt.seed * 1000003 + n * 7 + family + salt };
	struct dst *d = calloc(opt.pool, sizeof(*d));
	__u32 *keys = calloc(opt.pool, sizeof(*keys)), i, cnt = opt.pool;
	int nh;

	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	if (!pool_nh)
		pool_nh = calloc(opt.pool, 1);
	if (!d || !keys || !pool_nh)
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
	if (bpf_map_update_batch(bpf_map__fd(obj.util->maps.dst_pool), keys, d,
				 &cnt, &bo))
		die("destination pool: %s", strerror(errno));
	free(d);
	free(keys);
}

static void pool_dst(__u32 i, struct dst *d)
{
	if (bpf_map_lookup_elem(bpf_map__fd(obj.util->maps.dst_pool), &i, d))
		die("destination pool: %s", strerror(errno));
}

/* the program the header restorer tail-calls; -1: none (XDP_PASS) */
static void set_next(int fd)
{
	int jmp = bpf_map__fd(obj.util->maps.next_prog);
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
	struct hdr_tmpl t;
	__u32 k = 0;

	memcpy(t.b, frame, sizeof(t.b));
	map_update(obj.util->maps.tmpl, &k, &t);
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

static const char *const fname[F_N] = { "XDP_PASS (harness)", "xdpfwd",
					"bpf_fib_lookup ref", "LPM trie ref" };
const char *const fkey[F_N] = { "pass", "xdpfwd", "fib", "lpm" };

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

double median_of(double *v, unsigned int n)
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
		return bpf_program__fd(obj.util->progs.bench_pass);
	case F_XDPFWD:
		return bpf_program__fd(obj.xdpfwd->progs.xdpfwd_main);
	case F_FIB:
		return bpf_program__fd(obj.fib->progs.fibfwd_main);
	default:
		return bpf_program__fd(obj.lpm->progs.lpmfwd_main);
	}
}

static __u64 xdpfwd_forwarded(int family)
{
	struct xdpfwd_counter v[obj.ncpus];
	__u32 k = family == 4 ? XDPFWD_R_FWD_V4 : XDPFWD_R_FWD_V6;
	__u64 sum = 0;
	int c;

	if (bpf_map_lookup_elem(bpf_map__fd(obj.xdpfwd->maps.counters), &k, v))
		die("read xdpfwd counters: %s", strerror(errno));
	for (c = 0; c < obj.ncpus; c++)
		sum += v[c].packets;
	return sum;
}

/* packets per hot-loop run: whole passes over the pool, at least 2^18 */
static unsigned int hot_iters(void)
{
	return opt.pool * ((262144 + opt.pool - 1) / opt.pool);
}

/* the header-restoring harness of @family, which tail-calls the program
 * under test
 */
static int hot_harness(int family)
{
	return family == 4 ? bpf_program__fd(obj.util->progs.bench_hdr4)
			   : bpf_program__fd(obj.util->progs.bench_hdr6);
}

/*
 * One hot-loop run: @iters packets of the pool through @hdr, which
 * restores the headers and tail-calls @next_fd; the run's ns per packet,
 * its last verdict in *retval.
 */
static __u32 hot_run(int hdr, int next_fd, uint8_t *frame, unsigned int iters,
		     __u32 *retval)
{
	struct xdp_md ctx = { .data_end = COST_FRAME,
			      .ingress_ifindex = ifx.in };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
		    .data_size_in = COST_FRAME, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = iters);

	set_next(next_fd);
	if (bpf_prog_test_run_opts(hdr, &o))
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
	if (retval)
		*retval = o.retval;
	return o.duration;
}

static void hot_loop(int family, struct cost_row *row)
{
	double v[F_N][MAX_ROUNDS], rf[MAX_ROUNDS], rl[MAX_ROUNDS];
	unsigned int iters = hot_iters();
	unsigned int k, rounds = opt.rounds;
	uint8_t frame[COST_FRAME];
	int r;
	struct dst d0;
	int f, hdr = hot_harness(family);

	pool_dst(0, &d0);
	build_frame(family, frame, COST_FRAME, &d0);
	set_template(frame);
	/* round -1 warms up (caches, CPU frequency) and is not counted */
	for (r = -1; r < (int)rounds; r++) {
		for (k = 0; k < F_N; k++) {
			__u64 before = 0;
			__u32 ns, retval;

			f = (k + r + 1) % F_N;
			if (f == F_XDPFWD)
				before = xdpfwd_forwarded(family);
			ns = hot_run(hdr, prog_fd(f), frame, iters, &retval);
			if (opt.verbose)
				progress("  round %d %s: %u ns", r, fkey[f], ns);
			/* every iteration must have been forwarded */
			if (f == F_XDPFWD)
				row->c[f].mismatches +=
					iters -
					(xdpfwd_forwarded(family) - before);
			else if (f != F_PASS && retval != XDP_REDIRECT)
				row->c[f].mismatches++;
			if (r < 0)
				continue;
			v[f][r] = ns;
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

/* ------------------------------------------------------------------ */
/* per-check cost: the whole program against variants without one check */

const char *const check_key[N_CHECKS] = {
	"settings", "martian", "hairpin", "ecmp_hairpin",
	"egress_mode", "use_stamp", "trim", "liveness", "trace",
};
const char *const check_name[N_CHECKS] = {
	"kernel settings (forwarding, rp_filter, rules flags)",
	"martian source (local4 lookup, IPv4)",
	"hairpin (egress is the ingress)",
	"ECMP member out of the ingress (group egress mask)",
	"egress mode (native ingress, generic egress)",
	"neighbour use stamp",
	"trailer trim (bpf_xdp_adjust_tail when needed)",
	"liveness deadline (coarse clock read, .bss compare)",
	"packet tracer while off (one .bss read)",
};

static struct bpf_object *variant[N_CHECKS];

/* build/xdpfwd_omit_<key>.bpf.o, next to this program */
static void variant_path(int k, char *buf, size_t len)
{
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		die("readlink /proc/self/exe: %s", strerror(errno));
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(buf, len, "%s/xdpfwd_omit_%s.bpf.o", exe, check_key[k]);
}

void load_check_variants(void)
{
	struct bpf_object *main_obj = obj.xdpfwd->obj;
	char path[600];
	int k;

	for (k = 0; k < N_CHECKS; k++) {
		struct bpf_map *m;

		variant_path(k, path, sizeof(path));
		variant[k] = bpf_object__open_file(path, NULL);
		if (!variant[k])
			die("opening %s: %s", path, strerror(errno));
		/* the maps of the program under test, filled by setup.c */
		bpf_object__for_each_map(m, variant[k]) {
			const char *dot = strrchr(bpf_map__name(m), '.');
			struct bpf_map *mm;

			/* the globals the loader set (.bss: the plugin's
			 * liveness deadline), as the program under test has
			 * them
			 */
			if (bpf_map__is_internal(m) && dot &&
			    !strcmp(dot, ".bss")) {
				if (bpf_map__set_initial_value(
					    m, obj.xdpfwd->bss,
					    sizeof(*obj.xdpfwd->bss)))
					die("%s: .bss: %s", path,
					    strerror(errno));
				continue;
			}
			if (bpf_map__is_internal(m))
				continue;
			mm = bpf_object__find_map_by_name(main_obj,
							  bpf_map__name(m));
			if (!mm || bpf_map__reuse_fd(m, bpf_map__fd(mm)))
				die("%s: map %s not shared: %s", path,
				    bpf_map__name(m), strerror(errno));
		}
		if (bpf_object__load(variant[k]))
			die("loading %s: %s", path, strerror(errno));
	}
}

static int variant_fd(int k)
{
	struct bpf_program *p =
		bpf_object__find_program_by_name(variant[k], "xdpfwd_main");

	if (!p)
		die("variant %s: no xdpfwd_main", check_key[k]);
	return bpf_program__fd(p);
}

/*
 * The hot loop of hot_loop(), for the harness, the whole program and each
 * variant in rotating order; every run of the whole program and of a
 * variant must forward every iteration (the variants leave out checks
 * that never trigger on the benchmark's packets).
 */
void measure_checks(int family, size_t n, struct check_row *row)
{
	enum { P_PASS, P_WHOLE, P_VAR, P_N = P_VAR + N_CHECKS };
	double v[P_N][MAX_ROUNDS], d[MAX_ROUNDS];
	unsigned int iters = hot_iters();
	unsigned int k, rounds = opt.rounds;
	int fd[P_N], p, r, c;
	uint8_t frame[COST_FRAME];
	struct dst d0;
	int hdr = hot_harness(family);

	memset(row, 0, sizeof(*row));
	row->family = family;
	row->routes = n;
	fd[P_PASS] = bpf_program__fd(obj.util->progs.bench_pass);
	fd[P_WHOLE] = bpf_program__fd(obj.xdpfwd->progs.xdpfwd_main);
	for (c = 0; c < N_CHECKS; c++)
		fd[P_VAR + c] = variant_fd(c);
	pool_dst(0, &d0);
	build_frame(family, frame, COST_FRAME, &d0);
	set_template(frame);
	for (r = -1; r < (int)rounds; r++) {
		for (k = 0; k < P_N; k++) {
			__u64 before;
			__u32 ns;

			p = (k + r + 1) % P_N;
			before = xdpfwd_forwarded(family);
			ns = hot_run(hdr, fd[p], frame, iters, NULL);
			if (p != P_PASS)
				row->mismatches +=
					iters -
					(xdpfwd_forwarded(family) - before);
			if (r >= 0)
				v[p][r] = ns;
		}
	}
	for (c = 0; c < N_CHECKS; c++) {
		for (r = 0; r < (int)rounds; r++)
			d[r] = v[P_WHOLE][r] - v[P_VAR + c][r];
		row->cost[c] = median_of(d, rounds);
	}
	row->whole = median_of(v[P_WHOLE], rounds) - median_of(v[P_PASS], rounds);
	progress("IPv%d %7zu routes: per-check ns/packet (whole program %.1f)",
		 family, n, row->whole);
	for (c = 0; c < N_CHECKS; c++)
		progress("  %-13s %6.2f", check_key[c], row->cost[c]);
	if (row->mismatches)
		progress("  variants: %lu iterations not forwarded",
			 row->mismatches);
}

void measure_cost(int family, size_t n, struct cost_row *row)
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

const char *const tkey[T_N] = { "xdpfwd", "fib", "lpm", "kernel",
				"redirect" };

static __u64 sink_packets(void)
{
	struct counter v[obj.ncpus];
	__u64 sum = 0;
	__u32 k = 0;
	int c;

	if (bpf_map_lookup_elem(bpf_map__fd(obj.util->maps.sink_cnt), &k, v))
		die("read sink counters: %s", strerror(errno));
	for (c = 0; c < obj.ncpus; c++)
		sum += v[c].packets;
	return sum;
}

/*
 * Rate over the kernel's own timing of the run (bpf_test_timer: the
 * receive side's softirq work is inside it, and it stops while the task
 * is scheduled out, so other load on this shared machine disturbs it
 * less than wall time would); *wall gets the wall-clock rate.
 */
double live_run(int t, size_t flen, double *delivered, double *wall)
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
		set_next(bpf_program__fd(obj.xdpfwd->progs.xdpfwd_main));
		break;
	case T_FIB:
		set_next(bpf_program__fd(obj.fib->progs.fibfwd_main));
		break;
	case T_LPM:
		set_next(bpf_program__fd(obj.lpm->progs.lpmfwd_main));
		break;
	case T_REDIRECT:
		set_next(bpf_program__fd(obj.util->progs.bench_redirect));
		break;
	default:
		set_next(-1); /* XDP_PASS: the kernel forwards */
	}
	build_frame(4, frame, flen, &d0);
	set_template(frame);

	before = sink_packets();
	t0 = now();
	if (bpf_prog_test_run_opts(bpf_program__fd(obj.util->progs.bench_hdr4),
				   &o))
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

void measure_tput(size_t n, struct tput_row *rows)
{
	static const size_t sizes[TPUT_ROWS] = { LIVE_SMALL, LIVE_LARGE };
	double v[T_N][MAX_ROUNDS], d[T_N][MAX_ROUNDS], w[T_N][MAX_ROUNDS];
	double rk[MAX_ROUNDS], rf[MAX_ROUNDS];
	unsigned int s, i, k, m = opt.live_rounds;
	int r, t;

	fill_pool(4, n, 1);

	for (s = 0; s < TPUT_ROWS; s++) {
		struct tput_row *row = &rows[s];

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

/* 0..n-1 in a random order (Fisher-Yates) of @seed */
uint32_t *random_order(size_t n, uint64_t seed)
{
	struct rng g = { seed };
	uint32_t *perm = malloc(n * sizeof(*perm));
	size_t i;

	if (!perm)
		die("out of memory");
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		uint32_t j = rng_below(&g, (uint32_t)(i + 1)), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	return perm;
}

/* kernel accounting of a map's memory (what `bpftool map` shows) */
unsigned long map_memlock(struct bpf_map *m)
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

void measure_builder(struct builder_row *bld)
{
	struct xdpfwd_bpf *b = xdpfwd_bpf__open_and_load();
	const struct route4 *r4 = tables.r4;
	size_t n = opt.builder_routes, i, sz24, sz8;
	struct xdpfwd_fib4_block *t24, *t8;
	double adds[MAX_ROUNDS], dels[MAX_ROUNDS], t;
	unsigned int r, rounds = opt.builder_rounds;
	uint32_t *perm;
	struct fib4 *f;
	int err;

	if (!b)
		die("loading xdpfwd for the builder: %s", strerror(errno));
	*bld = (struct builder_row){ 0 };
	t24 = map_mmap(b->maps.fib4_tbl24);
	t8 = map_mmap(b->maps.fib4_tbl8);
	sz24 = (size_t)bpf_map__max_entries(b->maps.fib4_tbl24) * sizeof(*t24);
	sz8 = (size_t)bpf_map__max_entries(b->maps.fib4_tbl8) * sizeof(*t8);
	bld->tbl8_groups = bpf_map__max_entries(b->maps.fib4_tbl8);

	/* deletes in another random order than the adds */
	perm = random_order(n, opt.seed ^ 0xde1e7e);

	for (r = 0; r < rounds; r++) {
		memset(t24, 0, sz24);
		memset(t8, 0, sz8);
		f = fib4_create(t24, t8, bld->tbl8_groups);
		if (!f)
			die("fib4_create: %s", strerror(errno));

		t = now();
		for (i = 0; i < n; i++) {
			err = fib4_add(f, r4[i].prefix, r4[i].len,
				       xdpfwd_nhg(r4[i].nh));
			if (err < 0)
				die("fib4_add: %s", strerror(-err));
			if (err > 0)
				bld->not_fast++;
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

			bld->tbl8_used = fib4_tbl8_used(f);
			bld->tbl24_bytes = map_memlock(b->maps.fib4_tbl24);
			bld->tbl8_alloc_bytes = map_memlock(b->maps.fib4_tbl8);
			bld->tbl8_used_bytes =
				(unsigned long)bld->tbl8_used * sizeof(*t8);
			bld->other_bytes = 0;
			for (j = 0; j < sizeof(m) / sizeof(m[0]); j++)
				bld->other_bytes += map_memlock(m[j]);
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
	bld->routes = n;
	bld->rounds = rounds;
	bld->adds_per_s = median_of(adds, rounds);
	bld->dels_per_s = median_of(dels, rounds);
	bld->bytes_per_route = (double)(bld->tbl24_bytes +
					bld->tbl8_used_bytes +
					bld->other_bytes) / n;
	bld->provisioned_per_route = (double)(bld->tbl24_bytes +
					      bld->tbl8_alloc_bytes +
					      bld->other_bytes) / n;
	bld->done = true;
	progress("builder: %.2f M adds/s, %.2f M deletes/s, %.1f map bytes "
		 "per route (%u tbl8 groups used, %lu adds not in the fast path)",
		 bld->adds_per_s / 1e6, bld->dels_per_s / 1e6,
		 bld->bytes_per_route, bld->tbl8_used, bld->not_fast);
	free(perm);
	munmap(t24, (sz24 + 4095) & ~(size_t)4095);
	munmap(t8, (sz8 + 4095) & ~(size_t)4095);
	xdpfwd_bpf__destroy(b);
}
