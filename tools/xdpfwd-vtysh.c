// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd-vtysh: run CLI commands on one FRR daemon through its vty socket.
 *
 * Stock vtysh only knows the commands FRR itself was built with, so it
 * cannot run the commands that a module (zebra -M xdpfwd) installs.  This
 * client talks to <vty_socket dir>/<daemon>.vty directly, with the same
 * protocol as vtysh (vtysh/vtysh.c vtysh_client_run, lib/vty.c vtysh_read):
 *
 *   - the client writes one command line followed by a NUL byte;
 *   - the daemon answers with the command's output, then three NUL bytes
 *     and one status byte (enum cmd_result: 0 is CMD_SUCCESS);
 *   - a few commands pass a file descriptor: then the four terminator bytes
 *     come with an SCM_RIGHTS message; we receive and close the descriptor.
 *
 * A new connection starts in VIEW_NODE (lib/vty.c vtysh_accept), and
 * vtysh itself sends "enable" first; so do we, silently.  Everything else
 * (including "configure terminal" and "interface X") is sent verbatim on
 * the same connection, so the node changes carry over from one -c to the
 * next, as in `vtysh -c ... -c ...`.
 *
 * Usage: xdpfwd-vtysh [--vty_socket DIR] [-d DAEMON] -c CMD [-c CMD ...]
 * Exits 0 if every command returned CMD_SUCCESS, 1 otherwise (the failing
 * command and its status are printed on stderr), 2 on usage or I/O errors.
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_VTY_DIR	"/var/run/frr"
#define DEFAULT_DAEMON	"zebra"
#define MAX_CMDS	256
#define TERM_LEN	4

/* lib/command.h CMD_* result codes, FRR 8.4 */
static const char *const cmd_status_names[] = {
	[0] = "CMD_SUCCESS",
	[1] = "CMD_WARNING",
	[2] = "CMD_ERR_NO_MATCH",
	[3] = "CMD_ERR_AMBIGUOUS",
	[4] = "CMD_ERR_INCOMPLETE",
	[5] = "CMD_ERR_EXEED_ARGC_MAX",
	[6] = "CMD_ERR_NOTHING_TODO",
	[7] = "CMD_COMPLETE_FULL_MATCH",
	[8] = "CMD_COMPLETE_MATCH",
	[9] = "CMD_COMPLETE_LIST_MATCH",
	[10] = "CMD_SUCCESS_DAEMON",
	[11] = "CMD_ERR_NO_FILE",
	[12] = "CMD_SUSPEND",
	[13] = "CMD_WARNING_CONFIG_FAILED",
	[14] = "CMD_NOT_MY_INSTANCE",
	[15] = "CMD_NO_LEVEL_UP",
	[16] = "CMD_ERR_NO_DAEMON",
};

static const char *cmd_status_name(unsigned int status)
{
	if (status < sizeof(cmd_status_names) / sizeof(cmd_status_names[0]) &&
	    cmd_status_names[status])
		return cmd_status_names[status];
	return "unknown";
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [--vty_socket DIR] [-d DAEMON] -c CMD [-c CMD ...]\n"
		"  --vty_socket DIR  directory of the vty sockets (default %s)\n"
		"  -d, --daemon NAME daemon to talk to (default %s)\n"
		"  -c, --command CMD command to run; repeat for several, they\n"
		"                    share one session (node changes carry over)\n",
		prog, DEFAULT_VTY_DIR, DEFAULT_DAEMON);
}

static int vty_connect(const char *dir, const char *daemon)
{
	struct sockaddr_un addr;
	int fd, n;

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.vty", dir,
		     daemon);
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		fprintf(stderr, "xdpfwd-vtysh: socket path too long: %s/%s.vty\n",
			dir, daemon);
		return -1;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xdpfwd-vtysh: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "xdpfwd-vtysh: connect(%s): %s\n",
			addr.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * recvmsg() so that a descriptor passed with the status (vty_pass_fd) is
 * received and closed instead of being lost or confusing the stream.
 */
static ssize_t vty_recv(int fd, char *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmh;
	ssize_t n;

	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);

	if (n <= 0)
		return n;

	for (cmh = CMSG_FIRSTHDR(&mh); cmh; cmh = CMSG_NXTHDR(&mh, cmh)) {
		if (cmh->cmsg_level == SOL_SOCKET &&
		    cmh->cmsg_type == SCM_RIGHTS &&
		    cmh->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int passed;

			memcpy(&passed, CMSG_DATA(cmh), sizeof(int));
			if (passed >= 0)
				close(passed);
		}
	}
	return n;
}

/*
 * Send one command and copy its output to @out (NULL: discard).
 * Returns the status byte (0..255), or -1 on I/O error.
 *
 * The output is text, so the first NUL byte starts the terminator; we
 * print everything before it and keep reading until the three NULs and
 * the status byte are all in.  Bytes are written out as they arrive, so
 * long outputs (show running-config, big JSON) need no large buffer.
 */
static int vty_run(int fd, const char *cmd, FILE *out)
{
	char buf[4096];
	char term[TERM_LEN];
	size_t term_len = 0;

	if (write_all(fd, cmd, strlen(cmd) + 1) < 0) {
		fprintf(stderr, "xdpfwd-vtysh: write: %s\n", strerror(errno));
		return -1;
	}

	while (term_len < TERM_LEN) {
		ssize_t n = vty_recv(fd, buf, sizeof(buf));
		ssize_t i = 0;

		if (n < 0) {
			fprintf(stderr, "xdpfwd-vtysh: read: %s\n",
				strerror(errno));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr,
				"xdpfwd-vtysh: daemon closed the connection while running \"%s\"\n",
				cmd);
			return -1;
		}

		if (term_len == 0) {
			char *nul = memchr(buf, '\0', n);

			i = nul ? nul - buf : n;
			if (out && i > 0)
				fwrite(buf, 1, i, out);
		}
		for (; i < n; i++) {
			if (term_len == TERM_LEN) {
				/* the daemon answers one line at a time */
				fprintf(stderr,
					"xdpfwd-vtysh: %zd unexpected bytes after the status of \"%s\"\n",
					n - i, cmd);
				break;
			}
			term[term_len++] = buf[i];
		}
	}

	if (term[0] || term[1] || term[2]) {
		fprintf(stderr, "xdpfwd-vtysh: malformed terminator after \"%s\"\n",
			cmd);
		return -1;
	}
	if (out)
		fflush(out);
	return (unsigned char)term[3];
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
	const char *dir = DEFAULT_VTY_DIR;
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

	fd = vty_connect(dir, daemon);
	if (fd < 0)
		return 2;

	/* vtysh_accept() starts every session in VIEW_NODE; vtysh enables. */
	status = vty_run(fd, "enable", NULL);
	if (status != 0) {
		if (status > 0)
			fprintf(stderr, "xdpfwd-vtysh: \"enable\" failed: %d (%s)\n",
				status, cmd_status_name(status));
		close(fd);
		return 2;
	}

	for (i = 0; i < ncmds; i++) {
		status = vty_run(fd, cmds[i], stdout);
		if (status < 0) {
			ret = 2;
			break;
		}
		if (status != 0) {
			fprintf(stderr,
				"xdpfwd-vtysh: command \"%s\" returned %d (%s)\n",
				cmds[i], status, cmd_status_name(status));
			ret = 1;
			/* like vtysh -c: stop at the first failing command */
			break;
		}
	}

	close(fd);
	return ret;
}
