// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The goals and the three report writers (report.h): raw.json,
 * results.md and the tables for gnuplot.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conntrack.h"
#include "frames.h"
#include "measure.h"
#include "report.h"
#include "setup.h"
#include "xdpbench.h"

static const struct cost_row *find_cost(const struct results *res, int family,
					 size_t routes)
{
	const struct cost_row *rows = family == 4 ? res->cost4 : res->cost6;
	int i, n = family == 4 ? opt.n_v4 : opt.n_v6;

	if (opt.no_cost || (family == 6 && opt.no_v6))
		return NULL;
	for (i = 0; i < n; i++)
		if (rows[i].routes == routes)
			return &rows[i];
	return NULL;
}

static const struct tput_row *find_tput(const struct results *res,
					 size_t routes, size_t frame)
{
	int i;

	for (i = 0; i < res->n_tput; i++)
		if (res->tput[i].routes == routes &&
		    res->tput[i].frame == frame)
			return &res->tput[i];
	return NULL;
}

static double cost_net(const struct results *res, int family, size_t routes,
		       int f)
{
	const struct cost_row *c = find_cost(res, family, routes);

	return c ? c->c[f].net : NAN;
}

static double cost_ratio(const struct results *res, int family, size_t routes,
			 bool lpm)
{
	const struct cost_row *c = find_cost(res, family, routes);

	return c ? (lpm ? c->ratio_lpm : c->ratio_fib) : NAN;
}

static double tput_ratio(const struct results *res, size_t routes,
			 bool kernel)
{
	const struct tput_row *r = find_tput(res, routes, LIVE_SMALL);

	return r ? (kernel ? r->ratio_kernel : r->ratio_fib) : NAN;
}

/* the IPv6 builder figures count for a table of 200k routes or more */
static bool builder6_200k(const struct results *res)
{
	return res->bld6.done && res->bld6.routes >= 200000;
}

/* the builder figures count only for a table of 1M routes or more */
static bool builder_1m(const struct results *res)
{
	return res->bld.done && res->bld.routes >= 1000000;
}

struct goal {
	const char *text;
	double value, target;
	bool at_most;
	const char *unit;
	int met; /* 1 met, 0 missed, -1 not measured */
	char margin[96];
};

static struct goal goals[16];
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
static void eval_goals(const struct results *res)
{
	goal("IPv4 1M: xdpfwd cost <= 0.5x bpf_fib_lookup ref",
	     cost_ratio(res, 4, 1000000, false), 0.5, true, "x");
	goal("IPv4 1M: xdpfwd cost <= 0.1x LPM trie ref",
	     cost_ratio(res, 4, 1000000, true), 0.1, true, "x");
	goal("IPv4: xdpfwd cost at 1M <= 1.5x its cost at 1k",
	     cost_net(res, 4, 1000000, F_XDPFWD) /
		     cost_net(res, 4, 1000, F_XDPFWD),
	     1.5, true, "x");
	goal("IPv4 1M, 64 B: throughput >= 5x kernel forwarding",
	     tput_ratio(res, 1000000, true), 5, false, "x");
	goal("IPv4 1M, 64 B: throughput >= bpf_fib_lookup ref",
	     tput_ratio(res, 1000000, false), 1, false, "x");
	goal("IPv6 200k: xdpfwd cost <= 0.3x bpf_fib_lookup ref",
	     cost_ratio(res, 6, 200000, false), 0.3, true, "x");
	goal("IPv6 200k: xdpfwd cost <= 2x its IPv4 cost at 1M",
	     cost_net(res, 6, 200000, F_XDPFWD) /
		     cost_net(res, 4, 1000000, F_XDPFWD),
	     2, true, "x");
	goal("IPv6 builder: >= 1M route adds/s (200k)",
	     builder6_200k(res) ? res->bld6.adds_per_s / 1e6 : NAN, 1, false,
	     "M/s");
	goal("IPv6 builder: >= 1M route deletes/s (200k)",
	     builder6_200k(res) ? res->bld6.dels_per_s / 1e6 : NAN, 1, false,
	     "M/s");
	goal("<= 64 bytes of map memory per IPv6 route at 200k",
	     builder6_200k(res) ? res->bld6.bytes_per_route : NAN, 64, true,
	     "B");
	goal("builder: >= 2M IPv4 route adds/s",
	     builder_1m(res) ? res->bld.adds_per_s / 1e6 : NAN, 2, false,
	     "M/s");
	goal("<= 64 bytes of map memory per IPv4 route at 1M",
	     builder_1m(res) ? res->bld.bytes_per_route : NAN, 64, true,
	     "B");
}

/* steal and busy jiffies of one CPU, to report how disturbed the run was */
void cpu_times(int cpu, unsigned long long *total, unsigned long long *steal)
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

void machine(char *buf, size_t len)
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

const char *run_mode(void)
{
	return opt.smoke ? "smoke" : "full";
}

static void write_json(const struct results *res)
{
	FILE *f = out_file("raw.json");
	const struct tput_row *t1m = find_tput(res, 1000000, LIVE_SMALL);
	const struct builder_row *b = &res->bld;
	const struct bench_tables *tb = &tables;
	bool first = true;
	int i, k;

	fprintf(f, "{\n  \"machine\": \"%s\",\n  \"commit\": \"%s\",\n"
		   "  \"date\": \"%s\",\n  \"bench_mode\": \"%s\",\n"
		   "  \"bench_seed\": %llu,\n  \"bench_cpu\": %d,\n"
		   "  \"bench_load_start\": %.2f,\n  \"bench_steal_pct\": %.2f,\n",
		res->machine, opt.commit, opt.date, run_mode(),
		(unsigned long long)opt.seed, opt.cpu, res->load_start,
		res->steal_pct);
	jnum(f, "v4_1k_ns", cost_net(res, 4, 1000, F_XDPFWD), true);
	jnum(f, "v4_1m_ns", cost_net(res, 4, 1000000, F_XDPFWD), true);
	jnum(f, "v4_1m_fib_ns", cost_net(res, 4, 1000000, F_FIB), true);
	jnum(f, "v4_1m_lpm_ns", cost_net(res, 4, 1000000, F_LPM), true);
	jnum(f, "v6_200k_ns", cost_net(res, 6, 200000, F_XDPFWD), true);
	jnum(f, "v6_200k_fib_ns", cost_net(res, 6, 200000, F_FIB), true);
	jnum(f, "v6_200k_lpm_ns", cost_net(res, 6, 200000, F_LPM), true);
	jnum(f, "mpps_1m", t1m ? t1m->mpps[T_XDPFWD] : NAN, true);
	jnum(f, "mpps_1m_fib", t1m ? t1m->mpps[T_FIB] : NAN, true);
	jnum(f, "mpps_1m_kernel", t1m ? t1m->mpps[T_KERNEL] : NAN, true);
	jnum(f, "mpps_1m_lpm", t1m ? t1m->mpps[T_LPM] : NAN, true);
	/* the ceiling issue 13's throughput goal is a share of */
	jnum(f, "v4_1m_redirect_mpps", t1m ? t1m->mpps[T_REDIRECT] : NAN,
	     true);
	jnum(f, "builder_adds_per_s", builder_1m(res) ? b->adds_per_s : NAN,
	     true);
	jnum(f, "builder_dels_per_s", builder_1m(res) ? b->dels_per_s : NAN,
	     true);
	jnum(f, "bytes_per_v4_route",
	     builder_1m(res) ? b->bytes_per_route : NAN, true);
	conntrack_json(f);
	jnum(f, "builder6_adds_per_s",
	     builder6_200k(res) ? res->bld6.adds_per_s : NAN, true);
	jnum(f, "builder6_dels_per_s",
	     builder6_200k(res) ? res->bld6.dels_per_s : NAN, true);
	jnum(f, "bytes_per_v6_route",
	     builder6_200k(res) ? res->bld6.bytes_per_route : NAN, true);
	jnum(f, "kernel_fib_load_v4_s",
	     tb->n4_loaded >= 1000000 ? tb->load4.kernel : NAN, true);

	fprintf(f, "  \"bench_cost\": [");
	for (k = 0; k < 2; k++) {
		int n = k ? opt.n_v6 : opt.n_v4;
		const struct cost_row *rows = k ? res->cost6 : res->cost4;

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
	fprintf(f, "\n  ],\n  \"bench_check_cost\": [");
	first = true;
	for (k = 0; k < 2; k++) {
		int n = k ? opt.n_v6 : opt.n_v4;
		const struct check_row *rows = k ? res->checks6 : res->checks4;

		if (opt.no_cost || (k && opt.no_v6))
			continue;
		for (i = 0; i < n; i++) {
			fprintf(f, "%s\n    {\"family\": %d, \"routes\": %zu, "
				   "\"whole_ns\": %.2f",
				first ? "" : ",", rows[i].family,
				rows[i].routes, rows[i].whole);
			first = false;
			for (int c = 0; c < N_CHECKS; c++)
				fprintf(f, ", \"%s_ns\": %.2f", check_key[c],
					rows[i].cost[c]);
			fprintf(f, ", \"variant_mismatches\": %lu}",
				rows[i].mismatches);
		}
	}
	fprintf(f, "\n  ],\n  \"bench_throughput\": [");
	for (i = 0; i < res->n_tput; i++) {
		const struct tput_row *t = &res->tput[i];

		fprintf(f, "%s\n    {\"routes\": %zu, \"frame_bytes\": %zu",
			i ? "," : "", t->routes,
			t->frame == LIVE_SMALL ? (size_t)64 : (size_t)1518);
		for (k = 0; k < T_N; k++)
			fprintf(f, ", \"%s_mpps\": %.3f, \"%s_wall_mpps\": %.3f, "
				   "\"%s_delivered\": %.4f",
				tkey[k], t->mpps[k], tkey[k], t->wall_mpps[k],
				tkey[k], t->delivered[k]);
		fprintf(f, ", \"xdpfwd_over_kernel\": %.3f, "
			   "\"xdpfwd_over_fib\": %.3f}",
			t->ratio_kernel, t->ratio_fib);
	}
	fprintf(f, "\n  ],\n");
	fprintf(f, "  \"bench_builder\": ");
	if (b->done)
		fprintf(f, "{\"routes\": %zu, \"rounds\": %u, \"adds_per_s\": %.0f, "
			   "\"dels_per_s\": %.0f, \"tbl24_bytes\": %lu, "
			   "\"tbl8_used_groups\": %u, \"tbl8_groups\": %u, "
			   "\"tbl8_used_bytes\": %lu, \"tbl8_alloc_bytes\": %lu, "
			   "\"other_map_bytes\": %lu, \"bytes_per_route\": %.2f, "
			   "\"provisioned_bytes_per_route\": %.2f, "
			   "\"adds_not_fast\": %lu},\n",
			b->routes, b->rounds, b->adds_per_s, b->dels_per_s,
			b->tbl24_bytes, b->tbl8_used, b->tbl8_groups,
			b->tbl8_used_bytes, b->tbl8_alloc_bytes, b->other_bytes,
			b->bytes_per_route, b->provisioned_per_route,
			b->not_fast);
	else
		fprintf(f, "null,\n");
	fprintf(f, "  \"bench_builder6\": ");
	if (res->bld6.done)
		fprintf(f, "{\"routes\": %zu, \"rounds\": %u, \"adds_per_s\": %.0f, "
			   "\"dels_per_s\": %.0f, \"dir_bytes\": %lu, "
			   "\"neigh6_bytes\": %lu, \"slots_live\": %lu, "
			   "\"slots_used\": %lu, \"slots\": %lu, "
			   "\"slot_bytes\": %lu, \"tables\": %u, \"pages\": %u, "
			   "\"bytes_per_route\": %.2f, "
			   "\"provisioned_bytes_per_route\": %.2f, "
			   "\"adds_not_fast\": %lu},\n",
			res->bld6.routes, res->bld6.rounds,
			res->bld6.adds_per_s, res->bld6.dels_per_s,
			res->bld6.dir_bytes, res->bld6.neigh6_bytes,
			res->bld6.slots_live, res->bld6.slots_used,
			res->bld6.slots_alloc, res->bld6.slot_bytes,
			res->bld6.tables, res->bld6.pages,
			res->bld6.bytes_per_route,
			res->bld6.provisioned_per_route, res->bld6.not_fast);
	else
		fprintf(f, "null,\n");
	fprintf(f, "  \"bench_load_s\": {\"v4_routes\": %zu, \"v4_xdpfwd\": %.3f, "
		   "\"v4_lpm\": %.3f, \"v4_kernel\": %.3f, \"v6_routes\": %zu, "
		   "\"v6_xdpfwd\": %.3f, \"v6_lpm\": %.3f, \"v6_kernel\": %.3f},\n",
		tb->n4_loaded, tb->load4.xdpfwd, tb->load4.lpm,
		tb->load4.kernel, tb->n6_loaded, tb->load6.xdpfwd,
		tb->load6.lpm, tb->load6.kernel);
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

static void write_md(const struct results *res)
{
	FILE *f = out_file("results.md");
	const struct builder_row *b = &res->bld;
	const struct bench_tables *tb = &tables;
	int i, k, x;

	fprintf(f, "# xdpfwd datapath and FIB builder benchmark (%s run)\n\n",
		run_mode());
	fprintf(f, "- machine: %s\n- commit: %s\n- date: %s\n"
		   "- seed %llu, pinned to CPU %d; load average %.2f at the "
		   "start, %.1f%% of CPU %d stolen by the hypervisor during "
		   "the run\n- method and caveats: bench/README.md\n\n",
		res->machine, opt.commit, opt.date,
		(unsigned long long)opt.seed, opt.cpu, res->load_start,
		res->steal_pct, opt.cpu);

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
			const struct cost_row *rows = k ? res->cost6
							: res->cost4;

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

	if (!opt.no_cost) {
		fprintf(f, "## What each faithfulness check costs\n\n"
			   "ns per packet: the whole program's hot-loop time "
			   "minus that of the same object built without the "
			   "check (`-DXDPFWD_OMIT_<CHECK>`, on the same maps), "
			   "median of the per-round differences over %u "
			   "rounds, all variants in each round in rotating "
			   "order.  The benchmark's packets trigger none of "
			   "the checks, so this is what they cost forwarded "
			   "traffic; differences of 1-2 ns are within the "
			   "noise of this machine, a negative one means "
			   "nothing measurable.\n\n| table | whole program |",
			opt.rounds);
		for (x = 0; x < N_CHECKS; x++)
			fprintf(f, " %s |", check_key[x]);
		fprintf(f, "\n|---|---:|");
		for (x = 0; x < N_CHECKS; x++)
			fprintf(f, "---:|");
		fprintf(f, "\n");
		for (k = 0; k < 2; k++) {
			int n = k ? opt.n_v6 : opt.n_v4;
			const struct check_row *rows = k ? res->checks6
							 : res->checks4;

			if (k && opt.no_v6)
				continue;
			for (i = 0; i < n; i++) {
				fprintf(f, "| IPv%d %s | %.1f |", rows[i].family,
					routes_str(rows[i].routes),
					rows[i].whole);
				for (x = 0; x < N_CHECKS; x++)
					fprintf(f, " %.1f |", rows[i].cost[x]);
				fprintf(f, "\n");
			}
		}
		fprintf(f, "\nChecks: ");
		for (x = 0; x < N_CHECKS; x++)
			fprintf(f, "`%s` %s%s", check_key[x], check_name[x],
				x == N_CHECKS - 1 ? ".\n\n" : "; ");
	}

	if (res->n_tput) {
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
		for (i = 0; i < res->n_tput; i++) {
			const struct tput_row *t = &res->tput[i];

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

			for (i = 0; i < res->n_tput; i++)
				if (res->tput[i].delivered[x] < lo)
					lo = res->tput[i].delivered[x];
			fprintf(f, "%s %.4f%s", tkey[x], lo,
				x == T_N - 1 ? ".\n\n" : ", ");
		}
	}

	if (b->done) {
		fprintf(f, "## IPv4 FIB builder (plugin/lib/fib4.c on the mmapped "
			   "maps)\n\n"
			   "| routes | adds/s | deletes/s | tbl8 groups used | "
			   "map bytes/route | provisioned bytes/route |\n"
			   "|---:|---:|---:|---:|---:|---:|\n"
			   "| %s | %.2f M | %.2f M | %u of %u | %.1f | %.1f |\n\n",
			routes_str(b->routes), b->adds_per_s / 1e6,
			b->dels_per_s / 1e6, b->tbl8_used, b->tbl8_groups,
			b->bytes_per_route, b->provisioned_per_route);
		fprintf(f, "Map bytes/route = (tbl24 %lu + used tbl8 groups x 512 "
			   "= %lu + other IPv4 maps %lu) / %zu routes; "
			   "provisioned counts the whole tbl8 array (%lu).  "
			   "Adds/deletes: median of %u rounds, random order.\n\n",
			b->tbl24_bytes, b->tbl8_used_bytes, b->other_bytes,
			b->routes, b->tbl8_alloc_bytes, b->rounds);
	}

	conntrack_md(f);
	if (res->bld6.done) {
		const struct builder6_row *b6 = &res->bld6;

		fprintf(f, "## IPv6 FIB builder (plugin/lib/fib6.c on the mmapped "
			   "maps)\n\n"
			   "| routes | adds/s | deletes/s | slots in tables | "
			   "map bytes/route | provisioned bytes/route |\n"
			   "|---:|---:|---:|---:|---:|---:|\n"
			   "| %s | %.2f M | %.2f M | %lu of %lu | %.1f | %.1f |\n\n",
			routes_str(b6->routes), b6->adds_per_s / 1e6,
			b6->dels_per_s / 1e6, b6->slots_live, b6->slots_alloc,
			b6->bytes_per_route, b6->provisioned_per_route);
		fprintf(f, "Map bytes/route = (fib6_dir %lu + slots in published "
			   "tables x 12 = %lu + neigh6 %lu) / %zu routes "
			   "(%u chunks and /64 second levels, %u pages); "
			   "provisioned counts every slot (%lu).  Adds/deletes: "
			   "median of %u rounds, random order.\n\n",
			b6->dir_bytes, b6->slots_live * 12, b6->neigh6_bytes,
			b6->routes, b6->tables, b6->pages, b6->slot_bytes,
			b6->rounds);
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
		routes_str(tb->n4_loaded), tb->load4.xdpfwd, tb->load4.lpm,
		tb->load4.kernel);
	if (tb->n6_loaded)
		fprintf(f, "| IPv6 | %s | %.2f s | %.2f s | %.2f s |\n",
			routes_str(tb->n6_loaded), tb->load6.xdpfwd,
			tb->load6.lpm, tb->load6.kernel);
	fprintf(f, "\nxdpfwd IPv4 is plugin/lib/fib4.c, xdpfwd IPv6 "
		   "plugin/lib/fib6.c (the same builders as above); the LPM "
		   "reference is one bpf_map_update_elem() per route; the "
		   "kernel FIB is batched RTM_NEWROUTE.\n");
	fclose(f);
}

static void write_tsv(const struct results *res)
{
	FILE *f;
	int i, k;

	for (k = 0; k < 2; k++) {
		int n = k ? opt.n_v6 : opt.n_v4;
		const struct cost_row *rows = k ? res->cost6 : res->cost4;

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
	for (i = 0; i < res->n_tput; i++) {
		const struct tput_row *t = &res->tput[i];

		fprintf(f, "\"%s routes, %s B\"\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
			routes_str(t->routes),
			t->frame == LIVE_SMALL ? "64" : "1500",
			t->mpps[T_XDPFWD], t->mpps[T_FIB], t->mpps[T_LPM],
			t->mpps[T_KERNEL], t->mpps[T_REDIRECT]);
	}
	fclose(f);
}

void report_write(const struct results *res)
{
	eval_goals(res);
	write_json(res);
	write_md(res);
	write_tsv(res);
}
