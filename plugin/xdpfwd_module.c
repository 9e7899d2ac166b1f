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

#include "xdpfwd.h"

DEFINE_MGROUP(XDPFWD, "xdpfwd");

struct xdpfwd_config xdpfwd_cfg = {
	.tbl8_groups = XDPFWD_TBL8_GROUPS,
	.fib6_routes = XDPFWD_FIB6_MAX,
	.neigh_max = XDPFWD_NEIGH_MAX,
	.frr_conf = XDPFWD_FRR_SYSCONFDIR "frr.conf",
};
struct thread_master *xdpfwd_master;

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
	xdpfwd_links_stop();
	xdpfwd_bridge_fini();
	xdpfwd_routes_fini();
	xdpfwd_nexthop_fini();
	xdpfwd_bpf_unload();
	return 0;
}

static int xdpfwd_late_init(struct thread_master *tm)
{
	xdpfwd_master = tm;
	parse_args(THIS_MODULE->load_args);
	xdpfwd_vty_init();
	xdpfwd_bridge_vty_init();
	xdpfwd_bridge_init();
	hook_register(frr_fini, xdpfwd_fini);

	/* Without the XDP program the module stays passive: zebra and the
	 * kernel forward as if it were not loaded; show xdpfwd says why.
	 */
	if (xdpfwd_bpf_load())
		return 0;
	xdpfwd_nexthop_init();
	if (xdpfwd_routes_init()) {
		snprintf(xdpfwd_dp.error, sizeof(xdpfwd_dp.error),
			 "FIB builder initialisation failed");
		xdpfwd_bpf_unload();
		return 0;
	}
	xdpfwd_links_start();
	xdpfwd_provider_register();
	zlog_notice("xdpfwd: started (tbl8 groups %u, IPv6 routes %u)",
		    xdpfwd_dp.tbl8_groups, xdpfwd_cfg.fib6_routes);
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
