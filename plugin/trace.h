// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the packet tracer (trace.c): debug xdpfwd packet, show xdpfwd
 * trace.
 */
#ifndef XDPFWD_TRACE_H
#define XDPFWD_TRACE_H

void xdpfwd_trace_init(void);
void xdpfwd_trace_fini(void);

#endif /* XDPFWD_TRACE_H */
