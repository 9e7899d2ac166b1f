// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the zebra dataplane provider (provider.c).
 */
#ifndef XDPFWD_PROVIDER_H
#define XDPFWD_PROVIDER_H

#include <stdint.h>

struct vty;
struct json_object;

/* 0, or zebra's error (dplane_provider_register()) */
int provider_register(void);
/* route operations copied but not applied yet */
uint64_t provider_queued(void);
void provider_show(struct vty *vty, struct json_object *json);

#endif /* XDPFWD_PROVIDER_H */
