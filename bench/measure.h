/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The three measurements: per-packet cost (BPF_PROG_TEST_RUN), forwarding
 * throughput with live frames, the IPv4 FIB builder alone.  Methods in
 * measure.c and bench/README.md.
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stdbool.h>
#include <stddef.h>

/* forwarders of the cost runs */
enum { F_PASS, F_XDPFWD, F_FIB, F_LPM, F_N };
extern const char *const fkey[F_N];

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

/* forwarders of the live runs */
enum { T_XDPFWD, T_FIB, T_LPM, T_KERNEL, T_REDIRECT, T_N };
extern const char *const tkey[T_N];

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

#define TPUT_ROWS 2 /* rows per table: 64 and 1500-byte packets */

struct builder_row {
	bool done;
	size_t routes;
	unsigned int rounds;
	double adds_per_s, dels_per_s;
	unsigned int tbl8_used, tbl8_groups;
	unsigned long tbl24_bytes, tbl8_used_bytes, tbl8_alloc_bytes;
	unsigned long other_bytes;
	unsigned long not_fast; /* adds reported as not in the fast path */
	double bytes_per_route, provisioned_per_route;
};

/* on the first n routes of the family's set, as loaded by grow4/6() */
void measure_cost(int family, size_t n, struct cost_row *row);
/* IPv4, first n routes: fills rows[0..TPUT_ROWS-1] */
void measure_tput(size_t n, struct tput_row *rows);
/* opt.builder_routes IPv4 routes, added to and deleted from a second
 * xdpfwd instance
 */
void measure_builder(struct builder_row *bld);

#endif /* BENCH_MEASURE_H */
