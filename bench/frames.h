/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test frames: UDP from rinp to a destination of the pool, as they
 * arrive on rin (Ethernet header, no FCS).
 */
#ifndef BENCH_FRAMES_H
#define BENCH_FRAMES_H

#include <stddef.h>
#include <stdint.h>

struct dst;

#define FRAME_MAX 1536
#define COST_FRAME 64	/* bytes handed to the cost runs (no FCS) */
#define LIVE_SMALL 60	/* 64-byte packet on the wire, FCS excluded */
#define LIVE_LARGE 1514 /* 1500-byte IP packet */

/* flen bytes of frame to d (family 4: its first 4 bytes), TTL 64 */
void build_frame(int family, uint8_t *f, size_t flen, const struct dst *d);

#endif /* BENCH_FRAMES_H */
