// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: what its files (links.c, neigh.c, fdb.c) tell each
 * other.  links.c is the entry (init, fini, resync) and calls the others.
 */
#ifndef XDPFWD_MIRROR_INT_H
#define XDPFWD_MIRROR_INT_H

void mirror_neigh_init(void);
void mirror_neigh_fini(void);
void mirror_neigh_resync_begin(void);

void mirror_netconf_init(void);
void mirror_netconf_fini(void);
void mirror_netconf_resync_begin(void);

void mirror_rules_init(void);
void mirror_rules_fini(void);
void mirror_rules_resync_begin(void);

void mirror_kroutes_init(void);
void mirror_kroutes_fini(void);
void mirror_kroutes_resync_begin(void);

void mirror_fw_init(void);

void mirror_fdb_init(void);
void mirror_fdb_fini(void);
void mirror_fdb_resync_begin(void);
/* a link went: its FDB entries (and its own, for a bridge) go with it */
void mirror_fdb_link_gone(int ifindex);

#endif /* XDPFWD_MIRROR_INT_H */
