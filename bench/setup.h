/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The router under test: an anonymous network namespace with one ingress
 * veth, two egress veths and four gateways; the BPF objects with their
 * static state (everything but routes); the route sets and loading them
 * into the three FIBs (xdpfwd, the LPM trie reference, the kernel's).
 *
 *   rinp --- rin [router] eg0 --- eg0p (sink: gateways 10.1.0.2, .3)
 *                         eg1 --- eg1p (sink: gateways 10.2.0.2, .3)
 */
#ifndef BENCH_SETUP_H
#define BENCH_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "xdpfwd_maps.h"
#include "routes.h"

struct bpf_map;

#define N_EG 2

/* interface indexes */
struct bench_ifaces {
	int in, in_peer;
	int eg[N_EG], eg_peer[N_EG];
};

extern struct bench_ifaces ifx;

/* rin's MAC (the frames' destination) and rinp's (their source) */
extern const uint8_t MAC_IN[6], MAC_SRC[6];

/* the MAC of gateway h (0..BENCH_NH-1) */
void mac_gw(int h, uint8_t m[6]);

/* the nexthop group of routes through gateway h, as the plugin would
 * program it (one group and one adjacency, h + 1, per gateway)
 */
static inline uint16_t xdpfwd_nhg(int h)
{
	return XDPFWD_NHG_ID_FIRST_DYNAMIC + h;
}

/* the loaded BPF objects (skeletons) */
struct bench_objs {
	struct xdpfwd_bpf *xdpfwd; /* the program under test */
	struct bench_fibfwd *fib;  /* reference (a): bpf_fib_lookup */
	struct bench_lpmfwd *lpm;  /* reference (b): LPM trie + hash */
	struct bench_util *util;   /* harness programs */
	int ncpus;		   /* possible CPUs, for per-CPU values */
};

extern struct bench_objs obj;

/* the route sets: a table of n routes is the first n of r4 or r6 */
struct bench_tables {
	struct route4 *r4;
	struct route6 *r6;
	size_t n4_total, n6_total;   /* generated */
	size_t n4_loaded, n6_loaded; /* in the three FIBs */
	struct oracle4 *o4;
	struct oracle6 *o6;
	/* cumulative load times, seconds */
	struct {
		double xdpfwd, lpm, kernel;
	} load4, load6;
};

extern struct bench_tables tables;

/* bpf_map_update_elem(), or die */
void map_update(struct bpf_map *m, const void *k, const void *v);
/* a whole BPF_F_MMAPABLE array, or die */
void *map_mmap(struct bpf_map *m);

/* unshare the network namespace and build the veths and gateways */
void setup_netns(void);
/* the route sets: n4 and n6 routes in random order, so that the tables
 * of every size are prefixes of one order
 */
void tables_generate(size_t n4, size_t n6);
/* load the four objects, the LPM tries sized for max_v4 / max_v6 routes */
void load_objects(size_t max_v4, size_t max_v6);
/* the netlink socket and xdpfwd's IPv4 builder that grow4/6() use */
void fibs_open(void);
void fibs_close(void);
/* load routes [n4_loaded, n) / [n6_loaded, n) into the three FIBs */
void grow4(size_t n);
void grow6(size_t n);

#endif /* BENCH_SETUP_H */
