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
 *  - the IPv4 DIR-24-8 builder (plugin/lib/fib4.c) on the real mmapped
 *    maps: adds/s, deletes/s, map bytes per route.
 *
 * Everything runs in an anonymous network namespace (unshare), which the
 * kernel tears down with its veths and routes when the process exits; BPF
 * objects are not pinned and go away with it too.
 *
 * Needs root.  Progress goes to stderr; results go to --out DIR as
 * raw.json, results.md and *.tsv (for bench/plot.gp).
 *
 * This file: the command line and the order of the run.  setup.c builds
 * the router and loads the tables, measure.c measures, report.c writes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "conntrack.h"
#include "measure.h"
#include "report.h"
#include "setup.h"
#include "xdpbench.h"

struct bench_opts opt = {
	.seed = 42,
	.cpu = -1,
	.out = "bench/results/tmp",
	.commit = "unknown",
	.date = "unknown",
};

static double t_start;

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[%6.1fs] ", now() - t_start);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

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
		opt.n_v6 = opt.n_v6 ? opt.n_v6 : parse_sizes("1,1k,20k,200k", opt.v6);
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

static size_t largest(const size_t *v, int n)
{
	size_t max = 0;
	int j;

	for (j = 0; j < n; j++)
		max = v[j] > max ? v[j] : max;
	return max;
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
	static struct results res;
	unsigned long long jt0, js0, jt1, js1;
	unsigned long mismatches = 0;
	size_t max4, max6, n4;
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
	obj.ncpus = libbpf_num_possible_cpus();
	if (obj.ncpus <= 0)
		die("libbpf_num_possible_cpus");
	machine(res.machine, sizeof(res.machine));
	{
		double la[1];

		if (getloadavg(la, 1) == 1)
			res.load_start = la[0];
	}
	cpu_times(opt.cpu, &jt0, &js0);
	progress("%s run on %s, CPU %d", run_mode(), res.machine, opt.cpu);

	/* routes for the largest table, and for the builder */
	max4 = largest(opt.v4, opt.n_v4);
	max6 = largest(opt.v6, opt.n_v6);
	n4 = max4;
	if (!opt.no_builder && opt.builder_routes > n4)
		n4 = opt.builder_routes;
	tables_generate(n4, opt.no_v6 ? 0 : max6);
	setup_netns();
	if (!opt.no_builder)
		measure_builder(&res.bld);
	if (!opt.no_builder && !opt.no_v6)
		measure_builder6(&res.bld6);

	if (!opt.no_cost || !opt.no_tput) {
		load_objects(max4, max6);
		if (!opt.no_cost)
			load_check_variants();
		fibs_open();

		for (j = 0; j < opt.n_v4; j++) {
			size_t n = opt.v4[j];
			int t;

			grow4(n);
			progress("IPv4 table at %zu routes (loading so far: xdpfwd "
				 "%.2f s, LPM %.2f s, kernel FIB %.2f s)",
				 n, tables.load4.xdpfwd, tables.load4.lpm,
				 tables.load4.kernel);
			if (!opt.no_cost) {
				measure_cost(4, n, &res.cost4[j]);
				measure_checks(4, n, &res.checks4[j]);
			}
			for (t = 0; !opt.no_tput && t < opt.n_tput; t++)
				if (opt.tput[t] == n) {
					measure_tput(n, &res.tput[res.n_tput]);
					res.n_tput += TPUT_ROWS;
					/* on the first table measured */
					if (t == 0)
						measure_conntrack(n);
				}
		}
		for (j = 0; !opt.no_v6 && j < opt.n_v6; j++) {
			size_t n = opt.v6[j];

			grow6(n);
			progress("IPv6 table at %zu routes (loading so far: xdpfwd "
				 "%.2f s, LPM %.2f s, kernel FIB %.2f s)",
				 n, tables.load6.xdpfwd, tables.load6.lpm,
				 tables.load6.kernel);
			if (!opt.no_cost) {
				measure_cost(6, n, &res.cost6[j]);
				measure_checks(6, n, &res.checks6[j]);
			}
		}
	}

	cpu_times(opt.cpu, &jt1, &js1);
	res.steal_pct = jt1 > jt0 ? 100.0 * (js1 - js0) / (jt1 - jt0) : 0;
	report_write(&res);
	progress("done; results in %s", opt.out);
	for (j = 0; j < opt.n_v4 && !opt.no_cost; j++)
		for (c = F_XDPFWD; c < F_N; c++)
			mismatches += res.cost4[j].c[c].mismatches;
	for (j = 0; j < opt.n_v6 && !opt.no_cost && !opt.no_v6; j++)
		for (c = F_XDPFWD; c < F_N; c++)
			mismatches += res.cost6[j].c[c].mismatches;
	for (j = 0; j < opt.n_v4 && !opt.no_cost; j++)
		mismatches += res.checks4[j].mismatches;
	for (j = 0; j < opt.n_v6 && !opt.no_cost && !opt.no_v6; j++)
		mismatches += res.checks6[j].mismatches;

	/* the namespace, its routes and the BPF objects go with the process */
	fibs_close();
	if (mismatches) {
		fprintf(stderr, "xdpbench: %lu packets were not forwarded as "
				"expected: the figures are not valid\n",
			mismatches);
		return 3;
	}
	return 0;
}
