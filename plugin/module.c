// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: zebra module entry.  `zebra -M xdpfwd[:ARGS]` loads it; ARGS is
 * a comma-separated list of map sizes:
 *   tbl8=N      IPv4 tbl8 groups (routes longer than /24), at most 32768
 *   fib6=N      IPv6 FIB capacity
 *   neigh=N     neighbours per address family
 *   frrconf=PATH  integrated configuration to take interface lines from
 *                 when zebra reads no file of its own (default frr.conf)
 */
#include "config.h"
#include <zebra.h>

#include "lib/libfrr.h"
#include "lib/module.h"
#include "lib/log.h"
#include "lib/version.h"

#include "plugin/xdpfwd.h"
#include "plugin/audit.h"
#include "plugin/dispatch.h"
#include "plugin/provider.h"
#include "plugin/vty.h"
#include "plugin/dp/dp.h"

/* The FRR this zebra runs on, as libfrr reports it at run time. */
static const char *running_frr_version(void)
{
	for (struct frrmod_runtime *m = frrmod_list; m; m = m->next)
		if (m->info && !strcmp(m->info->name, "libfrr"))
			return m->info->version;
	return "unknown";
}

static int parse_args(const char *args)
{
	char buf[256], *save = NULL, *tok;

	if (!args || !*args)
		return 0;
	strlcpy(buf, args, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;
		unsigned long v;

		if (!eq)
			goto bad;
		*eq = '\0';
		if (!strcmp(tok, "frrconf")) {
			strlcpy(xdpfwd_cfg.frr_conf, eq + 1,
				sizeof(xdpfwd_cfg.frr_conf));
			continue;
		}
		v = strtoul(eq + 1, &end, 10);
		if (*end || !v)
			goto bad;
		if (!strcmp(tok, "tbl8") && v <= XDPFWD_FIB4_VAL_MASK + 1)
			xdpfwd_cfg.tbl8_groups = v;
		else if (!strcmp(tok, "fib6"))
			xdpfwd_cfg.fib6_routes = v;
		else if (!strcmp(tok, "neigh"))
			xdpfwd_cfg.neigh_max = v;
		else
			goto bad;
	}
	return 0;
bad:
	zlog_err("xdpfwd: bad module argument '%s' (expected tbl8=N,fib6=N,neigh=N,frrconf=PATH); using defaults",
		 args);
	xdpfwd_cfg.tbl8_groups = XDPFWD_TBL8_GROUPS;
	xdpfwd_cfg.fib6_routes = XDPFWD_FIB6_MAX;
	xdpfwd_cfg.neigh_max = XDPFWD_NEIGH_MAX;
	return -EINVAL;
}

static int xdpfwd_fini(void)
{
	dispatch_stop();
	return 0;
}

static int xdpfwd_late_init(struct thread_master *tm)
{
	int err;

	xdpfwd_master = tm;
	parse_args(THIS_MODULE->load_args);
	/* the commands exist in every case: `show xdpfwd` says why the
	 * fast path is not running, and the configuration is kept
	 */
	xdpfwd_vty_init();
	xdpfwd_audit_init();
	hook_register(frr_fini, xdpfwd_fini);

	/* Anything that fails leaves the module passive: zebra and the
	 * kernel forward as if it were not loaded (dispatch_start() and
	 * dispatch_fail() log which part failed and why).
	 */
	if (dispatch_start())
		return 0;
	err = provider_register();
	if (err) {
		dispatch_fail("dplane provider registration",
			      err < 0 ? err : -EINVAL);
		return 0;
	}
	zlog_notice("xdpfwd: started (tbl8 groups %u, IPv6 routes %u)",
		    dp_tbl8_groups(), xdpfwd_cfg.fib6_routes);
	return 0;
}

static int xdpfwd_module_init(void)
{
	const char *running = running_frr_version();

	/* Modules have no stable ABI: refuse another FRR's zebra. */
	if (strcmp(running, XDPFWD_FRR_VERSION) != 0) {
		zlog_err("xdpfwd: built for FRR %s but this zebra is FRR %s: not loading; rebuild xdpfwd against this FRR",
			 XDPFWD_FRR_VERSION, running);
		return 0;
	}
	hook_register(frr_late_init, xdpfwd_late_init);
	return 0;
}

FRR_MODULE_SETUP(.name = "xdpfwd", .version = XDPFWD_VERSION,
		 .description = "XDP fast path for zebra's routes",
		 .init = xdpfwd_module_init);
