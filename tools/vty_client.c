// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client of an FRR daemon's vty socket, with the same protocol as vtysh
 * (vtysh/vtysh.c vtysh_client_run, lib/vty.c vtysh_read):
 *
 *   - the client writes one command line followed by a NUL byte;
 *   - the daemon answers with the command's output, then three NUL bytes
 *     and one status byte (enum cmd_result: 0 is CMD_SUCCESS);
 *   - a few commands pass a file descriptor: then the four terminator bytes
 *     come with an SCM_RIGHTS message; we receive and close the descriptor.
 *
 * A new connection starts in VIEW_NODE (lib/vty.c vtysh_accept); vtysh
 * sends "enable" first, and so do the users of this file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "tools/vty_client.h"

#define TERM_LEN 4

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

const char *vty_client_status_name(unsigned int status)
{
	if (status < sizeof(cmd_status_names) / sizeof(cmd_status_names[0]) &&
	    cmd_status_names[status])
		return cmd_status_names[status];
	return "unknown";
}

int vty_client_connect(const char *prog, const char *dir, const char *daemon,
		       int timeout_s)
{
	struct sockaddr_un addr = {};
	struct timeval tv = { .tv_sec = timeout_s };
	int fd, n;

	addr.sun_family = AF_UNIX;
	n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.vty", dir,
		     daemon);
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		fprintf(stderr, "%s: socket path too long: %s/%s.vty\n", prog,
			dir, daemon);
		return -1;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	if (timeout_s > 0 &&
	    (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	     setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)) {
		fprintf(stderr, "%s: setsockopt: %s\n", prog, strerror(errno));
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "%s: connect(%s): %s\n", prog, addr.sun_path,
			strerror(errno));
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
 * The output is text, so the first NUL byte starts the terminator; we
 * copy everything before it and keep reading until the three NULs and
 * the status byte are all in.  Bytes are written out as they arrive, so
 * long outputs (show running-config, big JSON) need no large buffer.
 */
int vty_client_run(const char *prog, int fd, const char *cmd, FILE *out)
{
	char buf[4096];
	char term[TERM_LEN];
	size_t term_len = 0;

	if (write_all(fd, cmd, strlen(cmd) + 1) < 0) {
		fprintf(stderr, "%s: write: %s\n", prog, strerror(errno));
		return -1;
	}

	while (term_len < TERM_LEN) {
		ssize_t n = vty_recv(fd, buf, sizeof(buf));
		ssize_t i = 0;

		if (n < 0) {
			fprintf(stderr, "%s: read: %s\n", prog, strerror(errno));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr,
				"%s: daemon closed the connection while running \"%s\"\n",
				prog, cmd);
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
					"%s: %zd unexpected bytes after the status of \"%s\"\n",
					prog, n - i, cmd);
				break;
			}
			term[term_len++] = buf[i];
		}
	}

	if (term[0] || term[1] || term[2]) {
		fprintf(stderr, "%s: malformed terminator after \"%s\"\n", prog,
			cmd);
		return -1;
	}
	if (out)
		fflush(out);
	return (unsigned char)term[3];
}
