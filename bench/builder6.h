/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IPv6 FIB builder alone (plugin/lib/fib6.c), on the real mmapped
 * fib6_* maps of a second xdpfwd instance: adds and deletes per second,
 * map memory per route.
 */
#ifndef BENCH_BUILDER6_H
#define BENCH_BUILDER6_H

#include <stdbool.h>
#include <stddef.h>

struct builder6_row {
	bool done;
	size_t routes;
	unsigned int rounds;
	double adds_per_s, dels_per_s;
	unsigned long not_fast;	  /* adds left to the kernel (degraded) */
	unsigned long slots_live; /* in published tables at the full table */
	unsigned long slots_used; /* including copies awaiting a grace period */
	unsigned long slots_alloc;
	unsigned int tables, pages;
	unsigned long dir_bytes, neigh6_bytes, slot_bytes; /* memlock */
	double bytes_per_route;	      /* dir + live slots + neigh6 */
	double provisioned_per_route; /* dir + every slot + neigh6 */
};

void measure_builder6(struct builder6_row *b);

#endif /* BENCH_BUILDER6_H */
