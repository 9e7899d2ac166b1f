// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd dispatcher: the one place where events enter the module's state.
 * A netlink event updates the kernel mirror, then the writers learn what
 * changed, always in the same order (interfaces, bridge FDB, nexthops,
 * routes); a zebra work item goes to the routes writer; an interface
 * command goes to the interface writer and then to the ones that depend on
 * it.  No writer calls back up.  Main pthread.
 */
#ifndef XDPFWD_DISPATCH_H
#define XDPFWD_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xdpfwd_route_update;

/*
 * Start every part below the provider: the BPF layer, the writers, the
 * kernel mirror and its netlink subscription.  On failure nothing stays
 * started, the module is passive and dispatch_why() says which part
 * failed and why.  0 or -errno.
 */
int dispatch_start(void);
void dispatch_stop(void);
/* a part above (the provider) failed: stop and say so */
void dispatch_fail(const char *part, int err);

bool dispatch_running(void);
/* why the fast path is not running ("" while it is) */
const char *dispatch_why(void);
uint64_t dispatch_netlink_resyncs(void);

void dispatch_route(const struct xdpfwd_route_update *u);

/* zebra's queues are drained after the start: the fast path may forward,
 * and from now on its deadline is renewed while zebra keeps up
 */
void dispatch_open_gate(void);
struct json_object;
struct vty;
void dispatch_liveness_show(struct vty *vty, struct json_object *json);

/* `interface X` / ` [no] xdpfwd [mode generic]`: 0 or -errno with the
 * reason in errbuf
 */
int dispatch_if_enable(const char *ifname, bool generic, char *errbuf,
		       size_t errlen);
void dispatch_if_disable(const char *ifname);

/* at module load, while zebra is still root (x_tables' table names) */
void dispatch_preopen(void);

/* `xdpfwd firewall bypass`, `conntrack` or (both false) `pass`: applied
 * at once
 */
void dispatch_fw_mode(bool bypass, bool conntrack);

#endif /* XDPFWD_DISPATCH_H */
