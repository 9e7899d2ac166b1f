// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: `show xdpfwd ... json` answers are RFC 7951 instances of the
 * frr-xdpfwd model's state (yang/frr-xdpfwd.yang): the command's members
 * inside {"frr-xdpfwd:xdpfwd": {"state": {...}}} (xdpfwd_vty_json() in
 * vty.c wraps them), and 64-bit integers as JSON strings, as RFC 7951
 * encodes int64/uint64 (section 6.1).  Header-only, so that every layer
 * that builds a part of an answer may use it.
 */
#ifndef XDPFWD_YANG_JSON_H
#define XDPFWD_YANG_JSON_H

#include <inttypes.h>

#include "lib/json.h"

#define XDPFWD_YANG_TOP "frr-xdpfwd:xdpfwd"

/* a uint64 leaf (u64-counter in the model) */
static inline void xdpfwd_json_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_string_addf(o, key, "%" PRIu64, v);
}

/* an int64 leaf */
static inline void xdpfwd_json_i64(json_object *o, const char *key, int64_t v)
{
	json_object_string_addf(o, key, "%" PRId64, v);
}

#endif /* XDPFWD_YANG_JSON_H */
