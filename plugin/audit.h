// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: `show xdpfwd audit [json]` (audit.c).
 */
#ifndef XDPFWD_AUDIT_H
#define XDPFWD_AUDIT_H

void xdpfwd_audit_init(void);

#endif /* XDPFWD_AUDIT_H */
