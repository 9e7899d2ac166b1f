// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IPv6 FIB builder alone (builder6.h): the installed route set's
 * routes (the largest IPv6 table of the run) in their random order, then
 * deleted in another random order; rounds, median.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpfwd_maps.h"
#include "fib6.h"
#include "bpf/xdpfwd.skel.h"

#include "builder6.h"
#include "measure.h"
#include "routes.h"
#include "setup.h"
#include "xdpbench.h"

static size_t map_bytes(struct bpf_map *m)
{
	size_t sz = (size_t)bpf_map__value_size(m) * bpf_map__max_entries(m);

	return (sz + 4095) & ~(size_t)4095;
}

void measure_builder6(struct builder6_row *b6)
{
	struct xdpfwd_bpf *b = xdpfwd_bpf__open_and_load();
	const struct route6 *r6 = tables.r6;
	size_t n = tables.n6_total, i;
	double adds[MAX_ROUNDS], dels[MAX_ROUNDS], t;
	unsigned int r, rounds = opt.builder_rounds;
	uint32_t *dir, *vals, *perm, nslots;
	uint64_t *keys;
	struct fib6 *f;
	int err;

	if (!b)
		die("loading xdpfwd for the IPv6 builder: %s", strerror(errno));
	*b6 = (struct builder6_row){ 0 };
	dir = map_mmap(b->maps.fib6_dir);
	keys = map_mmap(b->maps.fib6_keys);
	vals = map_mmap(b->maps.fib6_vals);
	nslots = bpf_map__max_entries(b->maps.fib6_keys);

	/* deletes in another random order than the adds */
	perm = random_order(n, opt.seed ^ 0xde1e76);

	for (r = 0; r < rounds; r++) {
		memset(dir, 0, map_bytes(b->maps.fib6_dir));
		memset(keys, 0, map_bytes(b->maps.fib6_keys));
		memset(vals, 0, map_bytes(b->maps.fib6_vals));
		f = fib6_create(dir, keys, vals, nslots);
		if (!f)
			die("fib6_create: %s", strerror(errno));
		/* no reader: a grace period is immediate */
		t = now();
		for (i = 0; i < n; i++) {
			err = fib6_add(f, r6[i].addr, r6[i].len,
				       xdpfwd_nhg(r6[i].nh));
			if (err < 0)
				die("fib6_add: %s", strerror(-err));
			if (err > 0)
				b6->not_fast++;
		}
		adds[r] = n / (now() - t);
		if (r == 0) {
			b6->slots_live = fib6_slots_live(f);
			b6->slots_used = fib6_slots_used(f);
			b6->tables = fib6_tables(f);
			b6->pages = fib6_pages(f);
		}
		t = now();
		for (i = 0; i < n; i++) {
			const struct route6 *rt = &r6[perm[i]];

			err = fib6_del(f, rt->addr, rt->len);
			if (err)
				die("fib6_del: %d", err);
		}
		dels[r] = n / (now() - t);
		if (fib6_count(f) || fib6_slots_live(f) || fib6_tables(f))
			die("IPv6 builder not empty after deleting every route");
		fib6_destroy(f);
		progress("IPv6 builder round %u: %.2f M adds/s, %.2f M deletes/s "
			 "(%zu routes)",
			 r + 1, adds[r] / 1e6, dels[r] / 1e6, n);
	}
	b6->routes = n;
	b6->rounds = rounds;
	b6->adds_per_s = median_of(adds, rounds);
	b6->dels_per_s = median_of(dels, rounds);
	b6->slots_alloc = nslots;
	b6->dir_bytes = map_memlock(b->maps.fib6_dir);
	b6->neigh6_bytes = map_memlock(b->maps.neigh6);
	b6->slot_bytes = map_memlock(b->maps.fib6_keys) +
			 map_memlock(b->maps.fib6_vals);
	/* a slot is one 8-byte key and one 4-byte value */
	b6->bytes_per_route = (double)(b6->dir_bytes + b6->neigh6_bytes +
				       b6->slots_live * 12) / n;
	b6->provisioned_per_route =
		(double)(b6->dir_bytes + b6->neigh6_bytes + b6->slot_bytes) / n;
	b6->done = true;
	progress("IPv6 builder: %.2f M adds/s, %.2f M deletes/s, %.1f map bytes "
		 "per route (%lu live slots, %u tables, %u pages, %lu adds "
		 "not in the fast path)",
		 b6->adds_per_s / 1e6, b6->dels_per_s / 1e6,
		 b6->bytes_per_route, b6->slots_live, b6->tables, b6->pages,
		 b6->not_fast);
	free(perm);
	munmap(dir, map_bytes(b->maps.fib6_dir));
	munmap(keys, map_bytes(b->maps.fib6_keys));
	munmap(vals, map_bytes(b->maps.fib6_vals));
	xdpfwd_bpf__destroy(b);
}
