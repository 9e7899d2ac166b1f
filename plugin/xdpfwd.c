// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the state every layer shares (xdpfwd.h): the memory group, the
 * module arguments, zebra's event loop, the debug flags.  Set by module.c
 * and vty.c, read everywhere; holds no code.
 */
#include "config.h"
#include <zebra.h>

#include "plugin/xdpfwd.h"

DEFINE_MGROUP(XDPFWD, "xdpfwd");

struct xdpfwd_config xdpfwd_cfg = {
	.tbl8_groups = XDPFWD_TBL8_GROUPS,
	.fib6_routes = XDPFWD_FIB6_MAX,
	.neigh_max = XDPFWD_NEIGH_MAX,
	/* empty: the frr.conf beside zebra's own config (vty.c) */
	.frr_conf = "",
};
struct thread_master *xdpfwd_master;
unsigned long xdpfwd_debug;
