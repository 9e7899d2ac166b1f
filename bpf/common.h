/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Includes and conventions shared by every part of the datapath.
 *
 * Workers return an enum xdpfwd_reason: that reason is the verdict, the
 * XDP action is derived from it in one place (counters.h).  A worker that
 * has not decided yet returns XDPFWD_R_CONTINUE.
 */
#ifndef XDPFWD_BPF_COMMON_H
#define XDPFWD_BPF_COMMON_H

#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdpfwd_maps.h"

/* not a verdict: the worker goes on */
#define XDPFWD_R_CONTINUE XDPFWD_R__MAX

/* Read a value shared with userspace exactly once, so that every use in a
 * decision sees the same value even while the plugin rewrites it.
 */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif /* XDPFWD_BPF_COMMON_H */
