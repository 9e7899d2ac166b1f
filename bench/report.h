/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The goals and the report: raw.json (run.sh merges it into latest.json),
 * results.md, and cost_v4.tsv, cost_v6.tsv, tput.tsv for bench/plot.gp,
 * all in opt.out.
 */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include "measure.h"
#include "builder6.h"
#include "xdpbench.h"

/* what the run measured; the table loading times are in tables */
struct results {
	struct cost_row cost4[MAX_SIZES], cost6[MAX_SIZES];
	struct check_row checks4[MAX_SIZES], checks6[MAX_SIZES];
	struct tput_row tput[TPUT_ROWS * MAX_SIZES];
	int n_tput; /* rows of tput */
	struct builder_row bld;
	struct builder6_row bld6;
	char machine[256];
	double load_start; /* load average at the start */
	double steal_pct;  /* share of opt.cpu the hypervisor stole */
};

/* "smoke" or "full" */
const char *run_mode(void);
/* CPU model and count, memory, kernel */
void machine(char *buf, size_t len);
/* busy and steal jiffies of one CPU so far */
void cpu_times(int cpu, unsigned long long *total, unsigned long long *steal);
/* check the goals, write every output file */
void report_write(const struct results *res);

#endif /* BENCH_REPORT_H */
