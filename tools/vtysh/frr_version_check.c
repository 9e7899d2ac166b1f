// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * This vtysh is FRR's own, compiled from the source of exactly one FRR
 * version and linked against the installed libfrr, which has no stable ABI.
 * Before main(), compare the version libfrr reports with the one the
 * command table was generated from; on a mismatch (frr upgraded without a
 * matching frr-xdpfwd) say so in one line and run the stock vtysh that
 * the package diverted, so the operator still has a working shell.
 */
#include "config.h"
#include <zebra.h>

#include "lib/module.h"
#include "lib/version.h"

/* the stock vtysh, where the frr-xdpfwd package diverts it (debian/preinst) */
#ifndef XDPFWD_STOCK_VTYSH
#define XDPFWD_STOCK_VTYSH "/usr/bin/vtysh.frr"
#endif
/* the FRR the command table comes from (a test build claims another) */
#ifndef XDPFWD_VTYSH_FRR_VERSION
#define XDPFWD_VTYSH_FRR_VERSION FRR_VERSION
#endif

static void __attribute__((constructor))
xdpfwd_vtysh_check_version(int argc, char **argv, char **envp)
{
	const char *running = "unknown";

	for (struct frrmod_runtime *m = frrmod_list; m; m = m->next)
		if (m->info && !strcmp(m->info->name, "libfrr")) {
			running = m->info->version;
			break;
		}
	if (!strcmp(running, XDPFWD_VTYSH_FRR_VERSION))
		return;
	fprintf(stderr,
		"vtysh (frr-xdpfwd): built for FRR %s but libfrr is FRR %s; running %s without xdpfwd's commands\n",
		XDPFWD_VTYSH_FRR_VERSION, running, XDPFWD_STOCK_VTYSH);
	execve(XDPFWD_STOCK_VTYSH, argv, envp);
	fprintf(stderr, "vtysh (frr-xdpfwd): %s: %s\n", XDPFWD_STOCK_VTYSH,
		strerror(errno));
	exit(1);
}
