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
#include <stdint.h>

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

/*
 * What each faithfulness check of the datapath costs: the xdpfwd object
 * built once per check with that check compiled out
 * (-DXDPFWD_OMIT_<CHECK>, bench/Makefile: build/xdpfwd_omit_<check>.bpf.o),
 * each variant on the same maps as the program under test.
 */
#define N_CHECKS 9
extern const char *const check_key[N_CHECKS];
extern const char *const check_name[N_CHECKS];

struct check_row {
	int family;
	size_t routes;
	double whole;		/* ns/packet of the whole program, hot loop */
	/* the whole program minus the variant without the check, ns/packet:
	 * median of the per-round differences (same rounds, rotating order)
	 */
	double cost[N_CHECKS];
	unsigned long mismatches; /* iterations a variant did not forward */
};

/* open the variants on obj.xdpfwd's maps (after load_objects()) */
void load_check_variants(void);
/* the pool of the last measure_cost() of that table */
void measure_checks(int family, size_t n, struct check_row *row);

/* on the first n routes of the family's set, as loaded by grow4/6() */
void measure_cost(int family, size_t n, struct cost_row *row);
/* IPv4, first n routes: fills rows[0..TPUT_ROWS-1] */
void measure_tput(size_t n, struct tput_row *rows);
/* one live-frames run of forwarder @t (T_*) with frames of @flen bytes:
 * Mpps over the kernel's timing, the share delivered, the wall-clock Mpps
 */
double live_run(int t, size_t flen, double *delivered, double *wall);
/* opt.builder_routes IPv4 routes, added to and deleted from a second
 * xdpfwd instance
 */
void measure_builder(struct builder_row *bld);

struct bpf_map;

/* shared with the IPv6 builder's measurement (builder6.c) */
double median_of(double *v, unsigned int n); /* sorts v */
unsigned long map_memlock(struct bpf_map *m); /* kernel's accounting */
uint32_t *random_order(size_t n, uint64_t seed); /* malloc'd, or die */

#endif /* BENCH_MEASURE_H */
