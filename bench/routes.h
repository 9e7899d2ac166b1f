/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internet-shaped route sets for the benchmark, generated deterministically
 * from a seed, and a longest-prefix-match oracle over the first n routes of
 * a set (the installed part of the table), to know what every forwarder
 * must answer for a sampled destination.
 */
#ifndef BENCH_ROUTES_H
#define BENCH_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: tiny, seedable, good enough to draw routes and addresses */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#define BENCH_NH 4 /* nexthops (gateways) routes are spread over */

struct route4 {
	uint32_t prefix; /* host byte order, masked */
	uint8_t len;
	uint8_t nh; /* 0..BENCH_NH-1 */
};

struct route6 {
	uint8_t addr[16]; /* masked */
	uint8_t len;
	uint8_t nh;
};

/* n unique routes in random order; false on allocation failure */
bool routes4_gen(struct route4 *r, size_t n, uint64_t seed);
bool routes6_gen(struct route6 *r, size_t n, uint64_t seed);

/* histogram of prefix lengths, for the report */
void routes4_hist(const struct route4 *r, size_t n, size_t hist[33]);
void routes6_hist(const struct route6 *r, size_t n, size_t hist[129]);

/* a random address inside route r */
uint32_t route4_sample(const struct route4 *r, struct rng *g);
void route6_sample(const struct route6 *r, struct rng *g, uint8_t out[16]);

/* exact-match index over a whole set; lookups see only routes [0, n) */
struct oracle4;
struct oracle6;
struct oracle4 *oracle4_new(const struct route4 *r, size_t total);
struct oracle6 *oracle6_new(const struct route6 *r, size_t total);
void oracle4_free(struct oracle4 *o);
void oracle6_free(struct oracle6 *o);
/* index of the longest installed route covering addr, or -1 */
long oracle4_lookup(const struct oracle4 *o, uint32_t addr, size_t n);
long oracle6_lookup(const struct oracle6 *o, const uint8_t addr[16], size_t n);

#endif /* BENCH_ROUTES_H */
