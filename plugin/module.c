// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: zebra module entry.  `zebra -M xdpfwd[:ARGS]` loads it; ARGS is
 * a comma-separated list of map sizes (plain decimals, ranges enforced):
 *   tbl8=N      IPv4 tbl8 groups (routes longer than /24), 1..32768
 *   fib6=N      IPv6 FIB capacity, 1..16777216
 *   neigh=N     neighbours per address family, 1..2147483647
 *   frrconf=PATH  integrated configuration to take interface lines from
 *                 when zebra reads no file of its own (default: frr.conf
 *                 beside the zebra.conf zebra looks for, which is
 *                 /etc/frr/NAME/ under `-N NAME`)
 */
#include "config.h"
#include <zebra.h>

#include "lib/libfrr.h"
#include "lib/module.h"
#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/version.h"

#include "plugin/xdpfwd.h"
#include "plugin/audit.h"
#include "plugin/trace.h"
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

/* the numeric module arguments and what each accepts */
static const struct {
	const char *key;
	uint32_t min, max;
	size_t off; /* in struct xdpfwd_config */
} num_args[] = {
	{ "tbl8", 1, XDPFWD_FIB4_VAL_MASK + 1,
	  offsetof(struct xdpfwd_config, tbl8_groups) },
	{ "fib6", 1, 16 * 1024 * 1024,
	  offsetof(struct xdpfwd_config, fib6_routes) },
	/* the kernel's own limit on a hash map */
	{ "neigh", 1, INT32_MAX, offsetof(struct xdpfwd_config, neigh_max) },
};

/* a plain decimal: no sign, no blanks, no overflow */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !*end && errno != ERANGE;
}

/* one KEY=VALUE: 0, or -EINVAL with why in @why */
static int parse_arg(char *tok, char *why, size_t len)
{
	char *eq = strchr(tok, '=');
	uint64_t v;

	if (!eq) {
		snprintf(why, len, "'%s' is not KEY=VALUE", tok);
		return -EINVAL;
	}
	*eq = '\0';
	if (!strcmp(tok, "frrconf")) {
		if (strlcpy(xdpfwd_cfg.frr_conf, eq + 1,
			    sizeof(xdpfwd_cfg.frr_conf)) >=
		    sizeof(xdpfwd_cfg.frr_conf)) {
			snprintf(why, len, "frrconf is longer than %zu bytes",
				 sizeof(xdpfwd_cfg.frr_conf) - 1);
			return -EINVAL;
		}
		return 0;
	}
	for (size_t i = 0; i < array_size(num_args); i++) {
		if (strcmp(tok, num_args[i].key))
			continue;
		if (!parse_u64(eq + 1, &v) || v < num_args[i].min ||
		    v > num_args[i].max) {
			snprintf(why, len, "%s=%s: %s takes %u..%u", tok, eq + 1,
				 tok, num_args[i].min, num_args[i].max);
			return -EINVAL;
		}
		*(uint32_t *)((char *)&xdpfwd_cfg + num_args[i].off) = v;
		return 0;
	}
	snprintf(why, len, "unknown key '%s' (known: tbl8, fib6, neigh, frrconf)",
		 tok);
	return -EINVAL;
}

/*
 * `-M xdpfwd:tbl8=N,fib6=N,neigh=N,frrconf=PATH`.  A bad argument is
 * named with what it accepts, and every argument keeps its default.
 */
static int parse_args(const char *args)
{
	char buf[512], why[256], *save = NULL, *tok;

	if (!args || !*args)
		return 0;
	if (strlcpy(buf, args, sizeof(buf)) >= sizeof(buf)) {
		snprintf(why, sizeof(why), "longer than %zu bytes",
			 sizeof(buf) - 1);
		goto bad;
	}
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (parse_arg(tok, why, sizeof(why)))
			goto bad;
	return 0;
bad:
	flog_err(EC_LIB_DEVELOPMENT,
		 "xdpfwd: bad module argument: %s; all module arguments left at their defaults",
		 why);
	xdpfwd_cfg.tbl8_groups = XDPFWD_TBL8_GROUPS;
	xdpfwd_cfg.fib6_routes = XDPFWD_FIB6_MAX;
	xdpfwd_cfg.neigh_max = XDPFWD_NEIGH_MAX;
	xdpfwd_cfg.frr_conf[0] = '\0';
	return -EINVAL;
}

static int xdpfwd_fini(void)
{
	xdpfwd_trace_fini();
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
	xdpfwd_trace_init();
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
	/* zebra is still root here: what only root may open */
	dispatch_preopen();
	hook_register(frr_late_init, xdpfwd_late_init);
	return 0;
}

FRR_MODULE_SETUP(.name = "xdpfwd", .version = XDPFWD_VERSION,
		 .description = "XDP fast path for zebra's routes",
		 .init = xdpfwd_module_init);
