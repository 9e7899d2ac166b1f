// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd interface writer: the interface configuration (`interface X` /
 * ` xdpfwd [mode generic]`), the XDP attachments, and the owner of the
 * `ifaces` and `tx_ports` maps.  Main pthread.
 */
#ifndef XDPFWD_WRITER_IFACE_H
#define XDPFWD_WRITER_IFACE_H

#include <stdbool.h>
#include <stddef.h>

struct vty;
struct json_object;

void iface_init(void);
/* detaches everything and forgets the configuration */
void iface_fini(void);

/* configure and attach: 0, or -errno with the reason in errbuf (the
 * configuration is kept even when the fast path is not running)
 */
int iface_enable(const char *ifname, bool generic, char *errbuf,
		 size_t errlen);
/* ifindex it was attached on (0 if none) */
int iface_disable(const char *ifname);
bool iface_configured(const char *ifname, bool *generic);

/*
 * The mirror's link changed (or appeared): attach if configured, detach if
 * renamed away from its configuration, rewrite its map entries.
 */
void iface_link_changed(int ifindex);
/* the link is gone from the mirror: the kernel detached XDP with it */
void iface_link_gone(int ifindex);
/* rewrite the entries of @bridge's ports (its MAC, state, VLAN filtering,
 * IP settings)
 */
void iface_bridge_changed(int bridge);
/* rewrite every link's entries (a setting of "all" changed) */
void iface_refresh_all(void);

bool iface_attached(int ifindex);
/* attached and up: takes redirects */
bool iface_forwarding(int ifindex);
/* attached in native mode: takes redirects from native-mode ingresses */
bool iface_native(int ifindex);
/* every attached port of @bridge is native (and there is one) */
bool iface_bridge_native(int bridge);
/* routes out of a bridge are in the fast path when one of its ports is */
bool iface_bridge_offloadable(int bridge);

void iface_show(struct vty *vty, struct json_object *json);
/* a bridge port's row (show xdpfwd bridge): the port's map state */
void iface_port_state(int ifindex, bool *attached, bool *generic,
		      bool *fast_path);

/*
 * What becomes of a family's routed traffic (AF_BRIDGE: bridged frames)
 * given the firewall, xfrm and the mode: "kernel", "bypassed" (rules
 * exist, the operator bypasses them) or "fastPath" (nothing acts on it);
 * per-device hooks aside.
 */
const char *iface_fw_verdict(int family);

#endif /* XDPFWD_WRITER_IFACE_H */
