// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd-apid's requests: a JSON body -> a typed request or an error code,
 * and the answers' JSON.  Pure C on json-c, no FRR and no I/O, so that it
 * is unit tested (tests/apid/test_apid_request.c) and fuzzed
 * (tests/apid/fuzz_request.c) alone.
 */
#ifndef XDPFWD_APID_REQUEST_H
#define XDPFWD_APID_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* the original fwd service's codes (and their messages, apid_code_msg) */
enum apid_code {
	APID_OK = 200,
	APID_E_BODY = 1000,   /* read request body error */
	APID_E_JSON = 1100,   /* json format error */
	APID_E_ACTION = 1101, /* not support action error */
	APID_E_UPDATE = 1200, /* update error */
	APID_E_QUERY = 1201,  /* query error */
};

#define APID_BODY_MAX (64 * 1024)
#define APID_JSON_DEPTH 16
#define APID_TRACE_MAX 256
#define APID_LIMIT_DEFAULT 1000
#define APID_LIMIT_MAX 10000

enum apid_action {
	APID_QUERY,  /* QueryForward */
	APID_UPDATE, /* UpdateForward */
	APID_DELETE, /* DeleteForward */
};

enum apid_table {
	APID_TABLE_HOSTS,  /* neighbours: the hosts frames are sent to */
	APID_TABLE_ROUTES, /* routes through a gateway, one entry a next hop */
};

struct apid_addr {
	int family; /* AF_INET, AF_INET6; 0: none */
	uint8_t bytes[16];
	uint8_t plen;
};

struct apid_request {
	enum apid_action action;
	/* traceId, echoed as given: a string or an integer */
	bool has_trace;
	bool trace_is_string;
	char trace[APID_TRACE_MAX + 1];
	int64_t trace_int;

	/* UpdateForward, DeleteForward */
	struct apid_addr ip;
	int ifindex;
	uint8_t src_mac[6]; /* UpdateForward */
	uint8_t dst_mac[6]; /* UpdateForward */

	/* QueryForward */
	enum apid_table table;
	struct apid_addr filter; /* "ip" (plen 32/128) or "prefix" */
	bool filter_is_prefix;
	uint32_t offset;
	uint32_t limit;
};

/*
 * Parse and validate one request body of @len bytes (not NUL-terminated).
 * Returns APID_OK with @req filled in, or an error code with the reason in
 * @why; the traceId, when it could be read, is in @req even on an error,
 * so the answer can carry it.
 */
int apid_request_parse(const char *body, size_t len, struct apid_request *req,
		       char *why, size_t whylen);

/* the message of a code ("json format error"), NULL for an unknown one */
const char *apid_code_msg(int code);

/*
 * An answer: {"code":C,"traceId":T} plus, for an error, "msg" and
 * "reason" (when @why is not empty).  @req may be NULL (no traceId).
 */
struct json_object *apid_answer_new(const struct apid_request *req, int code,
				    const char *why);

/* "08:00:27:13:df:b6" <-> bytes; parse returns false if malformed */
bool apid_mac_parse(const char *s, uint8_t mac[6]);
void apid_mac_format(const uint8_t mac[6], char *buf, size_t len);

#endif /* XDPFWD_APID_REQUEST_H */
