/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lookup microbenchmark's structures (bpf/lookup4.h), built once
 * from a route set: DIR-24-8 by painting routes shortest first, a
 * Poptrie from the DIR-24-8 (a child is a leaf where the DIR-24-8 is
 * uniform over it).  Static builds, for measuring lookups: no updates.
 */
#ifndef BENCH_POPTRIE4_H
#define BENCH_POPTRIE4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/lookup4.h"
#include "routes.h"

/* values are nexthop + 1, 0 = no route; tbl24 entries as xdpfwd's */
struct dir248 {
	uint16_t *tbl24; /* 2^24 entries */
	uint16_t (*tbl8)[256];
	size_t n_tbl8, cap_tbl8;
};

struct poptrie4 {
	uint32_t *dir; /* 2^PT4_DIR_BITS */
	struct pt4_node *node;
	size_t n_node, cap_node;
	uint16_t *leaf;
	size_t n_leaf, cap_leaf;
};

bool dir248_build(struct dir248 *d, const struct route4 *r, size_t n);
void dir248_free(struct dir248 *d);
uint16_t dir248_lookup(const struct dir248 *d, uint32_t a);

bool poptrie4_build(struct poptrie4 *p, const struct dir248 *d);
void poptrie4_free(struct poptrie4 *p);
uint16_t poptrie4_lookup(const struct poptrie4 *p, uint32_t a);

/* the inline layout of p's node i; *ext set when its leaves stay outside */
struct pt4_node_inline poptrie4_inline(const struct poptrie4 *p, size_t i,
				       bool *ext);

#endif /* BENCH_POPTRIE4_H */
