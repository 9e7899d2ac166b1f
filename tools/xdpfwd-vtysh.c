// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd-vtysh: run CLI commands on one FRR daemon through its vty socket.
 *
 * Stock vtysh only knows the commands FRR itself was built with, so it
 * cannot run the commands that a module (zebra -M xdpfwd) installs.  This
 * client talks to <vty_socket dir>/<daemon>.vty directly, with vtysh's
 * protocol (tools/vty_client.c).  It sends "enable" first, silently, as
 * vtysh does; everything else (including "configure terminal" and
 * "interface X") is sent verbatim on the same connection, so the node
 * changes carry over from one -c to the next, as in `vtysh -c ... -c ...`.
 *
 * Usage: xdpfwd-vtysh [--vty_socket DIR] [-d DAEMON] -c CMD [-c CMD ...]
 * Exits 0 if every command returned CMD_SUCCESS, 1 otherwise (the failing
 * command and its status are printed on stderr), 2 on usage or I/O errors.
 */

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "tools/vty_client.h"

#define PROG		"xdpfwd-vtysh"
#define DEFAULT_DAEMON	"zebra"
#define MAX_CMDS	256

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [--vty_socket DIR] [-d DAEMON] -c CMD [-c CMD ...]\n"
		"  --vty_socket DIR  directory of the vty sockets (default %s)\n"
		"  -d, --daemon NAME daemon to talk to (default %s)\n"
		"  -c, --command CMD command to run; repeat for several, they\n"
		"                    share one session (node changes carry over)\n",
		prog, VTY_DEFAULT_DIR, DEFAULT_DAEMON);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vty_socket", required_argument, NULL, 'S' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "command", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = VTY_DEFAULT_DIR;
	const char *daemon = DEFAULT_DAEMON;
	const char *cmds[MAX_CMDS];
	int ncmds = 0, opt, fd, i, status, ret = 0;

	while ((opt = getopt_long(argc, argv, "d:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
			dir = optarg;
			break;
		case 'd':
			daemon = optarg;
			break;
		case 'c':
			if (ncmds == MAX_CMDS) {
				fprintf(stderr, "xdpfwd-vtysh: at most %d commands\n",
					MAX_CMDS);
				return 2;
			}
			cmds[ncmds++] = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc || ncmds == 0) {
		usage(stderr, argv[0]);
		return 2;
	}

	fd = vty_client_connect(PROG, dir, daemon, 0);
	if (fd < 0)
		return 2;

	/* vtysh_accept() starts every session in VIEW_NODE; vtysh enables. */
	status = vty_client_run(PROG, fd, "enable", NULL);
	if (status != 0) {
		if (status > 0)
			fprintf(stderr, "xdpfwd-vtysh: \"enable\" failed: %d (%s)\n",
				status, vty_client_status_name(status));
		close(fd);
		return 2;
	}

	for (i = 0; i < ncmds; i++) {
		status = vty_client_run(PROG, fd, cmds[i], stdout);
		if (status < 0) {
			ret = 2;
			break;
		}
		if (status != 0) {
			fprintf(stderr,
				"xdpfwd-vtysh: command \"%s\" returned %d (%s)\n",
				cmds[i], status, vty_client_status_name(status));
			ret = 1;
			/* like vtysh -c: stop at the first failing command */
			break;
		}
	}

	close(fd);
	return ret;
}
