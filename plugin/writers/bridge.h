// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd bridge writer: the owner of the `fdb` map (the mirror's VLAN 0
 * FDB entries) and of the refresh that keeps the kernel's entries of hosts
 * forwarded only in XDP from ageing out.  Main pthread.
 */
#ifndef XDPFWD_WRITER_BRIDGE_H
#define XDPFWD_WRITER_BRIDGE_H

#include <stdint.h>

struct vty;
struct json_object;

int bridge_init(void);
void bridge_fini(void);

/* write (or delete) the map entry of (bridge, mac) as the mirror has it */
void bridge_fdb_sync(int bridge, const uint8_t *mac);
/* the bridge is gone: its map entries go */
void bridge_gone(int bridge);

void bridge_show(struct vty *vty, struct json_object *json);
void bridge_fdb_show(struct vty *vty, struct json_object *json);

#endif /* XDPFWD_WRITER_BRIDGE_H */
