// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: configuration, show and debug commands (vty.c).
 */
#ifndef XDPFWD_VTY_H
#define XDPFWD_VTY_H

struct vty;
struct json_object;

#include <stdint.h>

void xdpfwd_vty_init(void);
/* the JSON name of a verdict reason (fwdV4, passTtl, ...) */
const char *xdpfwd_reason_name(uint32_t reason);
/* prints a show command's JSON answer, @state wrapped as the model has it */
int xdpfwd_vty_json(struct vty *vty, struct json_object *state);
/* the answer of every show command while the fast path is not running */
int xdpfwd_vty_not_running(struct vty *vty, struct json_object *json);

#endif /* XDPFWD_VTY_H */
