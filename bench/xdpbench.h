/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every part of xdpbench uses: the options (xdpbench.c reads them
 * from the command line) and the progress and error messages.
 */
#ifndef BENCH_XDPBENCH_H
#define BENCH_XDPBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_SIZES 8   /* table sizes per list (--v4, --v6, --tput) */
#define MAX_ROUNDS 64 /* --rounds, --live-rounds, --builder-rounds */

struct bench_opts {
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
};

extern struct bench_opts opt;

/* CLOCK_MONOTONIC, in seconds */
double now(void);
/* a line on stderr, after the time since the start */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a line on stderr, then exit(1) */
void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif /* BENCH_XDPBENCH_H */
