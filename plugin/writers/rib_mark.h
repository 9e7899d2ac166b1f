// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: zebra's "offloaded" flags on its route entries (rib_mark.c, the
 * only writer code that knows zebra's RIB).  Main pthread.
 *
 * FRR 8.4 gives dplane providers no call to report offload state; zebra
 * itself sets ZEBRA_FLAG_OFFLOADED only from kernel notifications.  The
 * module shares zebra's address space, so it sets the flags on the route
 * entries directly, on zebra's main pthread.
 */
#ifndef XDPFWD_RIB_MARK_H
#define XDPFWD_RIB_MARK_H

#include <stdbool.h>

#include "plugin/writers/route_update.h"

/* the entry this update came from (found by its dplane sequence, as
 * zebra_rib.c finds results)
 */
void rib_mark_update(const struct xdpfwd_route_update *u, bool offloaded);
/* zebra's selected entry for @p (default VRF, main table) */
void rib_mark_selected(const struct prefix *p, bool offloaded);

#endif /* XDPFWD_RIB_MARK_H */
