// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client of an FRR daemon's vty socket (<vty_socket dir>/<daemon>.vty),
 * shared by xdpfwd-vtysh and xdpfwd-apid.  FRR-free: plain libc.
 */
#ifndef XDPFWD_VTY_CLIENT_H
#define XDPFWD_VTY_CLIENT_H

#include <stdio.h>

#define VTY_DEFAULT_DIR "/var/run/frr"

/*
 * Connect to <dir>/<daemon>.vty.  @timeout_s > 0 bounds every later read
 * and write on the socket (a hung daemon must not hang its client).
 * Returns the socket, or -1 with the reason printed on stderr after
 * @prog.
 */
int vty_client_connect(const char *prog, const char *dir, const char *daemon,
		       int timeout_s);

/*
 * Send one command; its output goes to @out (NULL: discarded).  Returns
 * the daemon's status byte (enum cmd_result, 0 is CMD_SUCCESS), or -1 on
 * an I/O error (printed on stderr after @prog).
 */
int vty_client_run(const char *prog, int fd, const char *cmd, FILE *out);

/* the name of an FRR 8.4 CMD_* status */
const char *vty_client_status_name(unsigned int status);

#endif /* XDPFWD_VTY_CLIENT_H */
