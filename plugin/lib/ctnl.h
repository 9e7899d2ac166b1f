// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: conntrack over ctnetlink for `xdpfwd firewall conntrack`
 * (FRR-free, libmnl).  Marks a TCP connection liberal in both directions
 * before XDP carries it (as the kernel's flowtable does for what it
 * offloads: conntrack's window tracking no longer sees every segment),
 * and reads the timeouts the datapath refreshes entries to.
 */
#ifndef XDPFWD_LIB_CTNL_H
#define XDPFWD_LIB_CTNL_H

#include <stdbool.h>
#include <stdint.h>

#include "xdpfwd_maps.h"

struct xctnl;

/* a ctnetlink socket (blocking: each request waits for its ack) */
struct xctnl *xctnl_open(int *err);
void xctnl_close(struct xctnl *x);

/*
 * Set IP_CT_TCP_FLAG_BE_LIBERAL in both directions of the connection the
 * reported packet belongs to (its tuple, in whichever direction it went).
 * 0, or negative errno (-ENOENT: no such connection any more).
 */
int xctnl_set_liberal(struct xctnl *x, const struct xdpfwd_ct_report *r);

/* the same for a connection given by its original tuple, and creating it
 * with the status bits, TCP state and timeout given (tests)
 */
int xctnl_create(struct xctnl *x, const struct xdpfwd_ct_report *orig,
		 uint32_t status, uint8_t tcp_state, bool liberal,
		 uint32_t timeout_s);
/* the remaining timeout (s) and the TCP flags of both directions of the
 * connection of original tuple @orig (tests); 0 or negative errno
 */
int xctnl_get(struct xctnl *x, const struct xdpfwd_ct_report *orig,
	      uint32_t *timeout_s, uint8_t *flags_orig, uint8_t *flags_reply);

/*
 * The timeouts conntrack gives an established TCP connection and an
 * assured UDP stream in this network namespace, in ms (0 when
 * unreadable: nf_conntrack absent).
 */
void xctnl_timeouts(uint32_t *tcp_ms, uint32_t *udp_ms);

#endif /* XDPFWD_LIB_CTNL_H */
