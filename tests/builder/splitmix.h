/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The builder tests' random numbers: splitmix64, so that a run is
 * reproducible from the seed it prints, on any libc.  One generator per
 * test program (set rng_state to the seed first).
 */
#ifndef XDPFWD_TESTS_SPLITMIX_H
#define XDPFWD_TESTS_SPLITMIX_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* XDPFWD_TESTS_SPLITMIX_H */
