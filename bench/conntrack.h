/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conntrack mode (`xdpfwd firewall conntrack`) against the kernel with
 * the same ruleset and against the default mode without rules: live
 * frames, one CPU, in the same rounds (conntrack.c).
 */
#ifndef BENCH_CONNTRACK_H
#define BENCH_CONNTRACK_H

#include <stdbool.h>
#include <stdio.h>

enum { CT_XDP_NONE, CT_XDP_CT, CT_KERNEL_RULES, CT_KERNEL_NONE, CT_N };

struct ct_result {
	bool done;
	size_t routes;	    /* the table the frames are routed by */
	unsigned int flows; /* UDP connections, assured in conntrack */
	double mpps[CT_N];  /* medians over rounds */
	double fwd_share;   /* xdpfwd in conntrack mode: share of fwdV4 */
};

extern struct ct_result ct_res;

/* on the loaded objects and the current IPv4 table of @n routes */
void measure_conntrack(size_t n);
/* "key": value, lines of raw.json (each followed by a comma) */
void conntrack_json(FILE *f);
/* its section of results.md */
void conntrack_md(FILE *f);

#endif /* BENCH_CONNTRACK_H */
