// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd dispatcher, firewall part (dispatch_fw.c), started and stopped
 * with the rest by dispatch.c.  Its public entries (dispatch_preopen(),
 * dispatch_fw_mode()) are in dispatch.h.
 */
#ifndef XDPFWD_DISPATCH_FW_H
#define XDPFWD_DISPATCH_FW_H

/* first scan and watches; 0, or -errno with the failing part in *part */
int dispatch_fw_start(const char **part);
void dispatch_fw_stop(void);

#endif /* XDPFWD_DISPATCH_FW_H */
