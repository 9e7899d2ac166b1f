/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TAP-style reporting of the C test programs run by tests/test_units.py:
 * one "ok N - ..." / "not ok N - ..." line per check, then the plain
 * "N passed, N failed" line CI reads.  One copy per program (static).
 */
#ifndef XDPFWD_TESTS_TAP_H
#define XDPFWD_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned int n_pass, n_fail;

static void __attribute__((format(printf, 2, 3)))
result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", n_pass + n_fail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		n_pass++;
	else
		n_fail++;
}

/* a shell command (setup in a test namespace); its failure fails a check */
static inline void __attribute__((format(printf, 1, 2)))
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		printf("# command failed: %s\n", cmd);
		n_fail++;
	}
}

/* the closing line; the program's exit status */
static int tap_done(void)
{
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

#endif /* XDPFWD_TESTS_TAP_H */
