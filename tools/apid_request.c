// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd-apid's request parser and answers (apid_request.h).
 *
 * Everything a client sends is untrusted: the body is parsed with a
 * bounded depth, strictly (no trailing bytes, valid UTF-8, no NUL), and
 * every field is checked for its JSON type and its value before anything
 * acts on it.  Unknown fields are ignored, as the original service did.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "tools/apid_request.h"

static const struct {
	int code;
	const char *msg;
} code_msgs[] = {
	{ APID_OK, "ok" },
	{ APID_E_BODY, "read request body error" },
	{ APID_E_JSON, "json format error" },
	{ APID_E_ACTION, "not support action error" },
	{ APID_E_UPDATE, "update error" },
	{ APID_E_QUERY, "query error" },
};

const char *apid_code_msg(int code)
{
	for (size_t i = 0; i < sizeof(code_msgs) / sizeof(code_msgs[0]); i++)
		if (code_msgs[i].code == code)
			return code_msgs[i].msg;
	return NULL;
}

static int fail(int code, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return code;
}

bool apid_mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		char hex[3];

		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]))
			return false;
		if (p[2] != (i == 5 ? '\0' : ':'))
			return false;
		hex[0] = p[0];
		hex[1] = p[1];
		hex[2] = '\0';
		mac[i] = (uint8_t)strtoul(hex, NULL, 16);
	}
	return true;
}

void apid_mac_format(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

/*
 * A string field: NULL when absent; -1 when present but not a string, or
 * with a NUL inside ("\u0000"), which C string functions would cut at.
 */
static int get_string(struct json_object *obj, const char *key,
		      const char **out)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v)) {
		*out = NULL;
		return -1;
	}
	return 0;
}

/* an integer field in [min, max]: 0 absent, 1 present, -1 wrong */
static int get_int(struct json_object *obj, const char *key, int64_t min,
		   int64_t max, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	errno = 0;
	*out = json_object_get_int64(v);
	/* json-c clamps what does not fit into int64 and sets errno */
	if (errno || *out < min || *out > max)
		return -1;
	return 1;
}

/*
 * An address or a prefix.  Host entries must be unicast addresses a
 * router forwards to: not unspecified, loopback, multicast, broadcast,
 * link-local IPv6, nor an IPv4-mapped IPv6 address.
 */
static bool parse_addr(const char *s, bool prefix, struct apid_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	int max;

	if (strlen(s) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!prefix != !slash)
		return false;
	if (slash)
		*slash = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->bytes) == 1)
		a->family = AF_INET6;
	else
		return false;
	max = a->family == AF_INET ? 32 : 128;
	a->plen = max;
	if (slash) {
		const char *p = slash + 1;
		int len = 0;

		if (!*p || strlen(p) > 3)
			return false;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return false;
			len = len * 10 + (*p - '0');
		}
		if (len > max)
			return false;
		a->plen = len;
		/* the prefix's own bits only, as FRR's apply_mask */
		for (int bit = len; bit < max; bit++)
			a->bytes[bit / 8] &= ~(0x80 >> (bit % 8));
	}
	return true;
}

static const char *host_addr_problem(const struct apid_addr *a)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];

	if (a->family == AF_INET) {
		uint8_t b = a->bytes[0];

		if (b == 0)
			return "is in 0.0.0.0/8";
		if (b == 127)
			return "is a loopback address";
		if (b >= 224)
			return "is multicast, broadcast or reserved";
		return NULL;
	}
	if (!memcmp(a->bytes, zero, 16))
		return "is the unspecified address";
	if (!memcmp(a->bytes, zero, 15) && a->bytes[15] == 1)
		return "is the loopback address";
	if (a->bytes[0] == 0xff)
		return "is multicast";
	if (a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80)
		return "is link-local";
	if (!memcmp(a->bytes, v4mapped, 12))
		return "is IPv4-mapped";
	return NULL;
}

static int parse_trace(struct json_object *root, struct apid_request *req,
		       char *why, size_t whylen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, "traceId", &v))
		return APID_OK;
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);

		if (json_object_get_string_len(v) > APID_TRACE_MAX)
			return fail(APID_E_JSON, why, whylen,
				    "traceId longer than %d bytes",
				    APID_TRACE_MAX);
		snprintf(req->trace, sizeof(req->trace), "%s", s);
		req->trace_is_string = true;
		req->has_trace = true;
		return APID_OK;
	}
	if (json_object_is_type(v, json_type_int)) {
		errno = 0;
		req->trace_int = json_object_get_int64(v);
		if (errno)
			return fail(APID_E_JSON, why, whylen,
				    "traceId out of range");
		req->has_trace = true;
		return APID_OK;
	}
	return fail(APID_E_JSON, why, whylen,
		    "traceId must be a string or an integer");
}

/* ip and iface: UpdateForward and DeleteForward */
static int parse_host(struct json_object *root, struct apid_request *req,
		      char *why, size_t whylen)
{
	const char *ip, *problem;
	int64_t iface;
	int r;

	if (get_string(root, "ip", &ip) < 0)
		return fail(APID_E_UPDATE, why, whylen, "ip must be a string");
	if (!ip)
		return fail(APID_E_UPDATE, why, whylen, "ip missing");
	if (!parse_addr(ip, false, &req->ip))
		return fail(APID_E_UPDATE, why, whylen,
			    "ip is not an IPv4 or IPv6 address");
	problem = host_addr_problem(&req->ip);
	if (problem)
		return fail(APID_E_UPDATE, why, whylen, "ip %s", problem);

	r = get_int(root, "iface", 1, INT32_MAX, &iface);
	if (r == 0)
		return fail(APID_E_UPDATE, why, whylen, "iface missing");
	if (r < 0)
		return fail(APID_E_UPDATE, why, whylen,
			    "iface must be an interface index (integer >= 1)");
	req->ifindex = (int)iface;
	return APID_OK;
}

static int parse_mac_field(struct json_object *root, const char *key,
			   uint8_t mac[6], char *why, size_t whylen)
{
	static const uint8_t zero[6];
	const char *s;

	if (get_string(root, key, &s) < 0)
		return fail(APID_E_UPDATE, why, whylen, "%s must be a string",
			    key);
	if (!s)
		return fail(APID_E_UPDATE, why, whylen, "%s missing", key);
	if (!apid_mac_parse(s, mac))
		return fail(APID_E_UPDATE, why, whylen,
			    "%s is not a MAC address (xx:xx:xx:xx:xx:xx)", key);
	if ((mac[0] & 1) || !memcmp(mac, zero, 6))
		return fail(APID_E_UPDATE, why, whylen,
			    "%s is not a unicast MAC address", key);
	return APID_OK;
}

static int parse_update(struct json_object *root, struct apid_request *req,
			char *why, size_t whylen)
{
	int code = parse_host(root, req, why, whylen);

	if (code == APID_OK)
		code = parse_mac_field(root, "srcMac", req->src_mac, why,
				       whylen);
	if (code == APID_OK)
		code = parse_mac_field(root, "dstMac", req->dst_mac, why,
				       whylen);
	return code;
}

static int parse_query(struct json_object *root, struct apid_request *req,
		       char *why, size_t whylen)
{
	const char *table, *ip, *prefix;
	int64_t v;
	int r;

	req->table = APID_TABLE_HOSTS;
	req->limit = APID_LIMIT_DEFAULT;

	if (get_string(root, "table", &table) < 0)
		return fail(APID_E_QUERY, why, whylen, "table must be a string");
	if (table && !strcmp(table, "routes"))
		req->table = APID_TABLE_ROUTES;
	else if (table && strcmp(table, "hosts"))
		return fail(APID_E_QUERY, why, whylen,
			    "table must be \"hosts\" or \"routes\"");

	if (get_string(root, "ip", &ip) < 0 ||
	    get_string(root, "prefix", &prefix) < 0)
		return fail(APID_E_QUERY, why, whylen,
			    "ip and prefix must be strings");
	if (ip && prefix)
		return fail(APID_E_QUERY, why, whylen,
			    "give ip or prefix, not both");
	if (ip && !parse_addr(ip, false, &req->filter))
		return fail(APID_E_QUERY, why, whylen,
			    "ip is not an IPv4 or IPv6 address");
	if (prefix && !parse_addr(prefix, true, &req->filter))
		return fail(APID_E_QUERY, why, whylen,
			    "prefix is not an IPv4 or IPv6 prefix (A.B.C.D/M)");
	req->filter_is_prefix = !!prefix;

	r = get_int(root, "offset", 0, UINT32_MAX, &v);
	if (r < 0)
		return fail(APID_E_QUERY, why, whylen,
			    "offset must be an integer in 0..%" PRIu32,
			    UINT32_MAX);
	if (r > 0)
		req->offset = (uint32_t)v;
	r = get_int(root, "limit", 1, APID_LIMIT_MAX, &v);
	if (r < 0)
		return fail(APID_E_QUERY, why, whylen,
			    "limit must be an integer in 1..%d",
			    APID_LIMIT_MAX);
	if (r > 0)
		req->limit = (uint32_t)v;
	return APID_OK;
}

int apid_request_parse(const char *body, size_t len, struct apid_request *req,
		       char *why, size_t whylen)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	const char *action;
	int code;

	memset(req, 0, sizeof(*req));
	if (whylen)
		why[0] = '\0';
	if (len > APID_BODY_MAX)
		return fail(APID_E_BODY, why, whylen,
			    "body larger than %d bytes", APID_BODY_MAX);
	/* json-c takes a length, but a NUL inside the text is never JSON */
	if (len == 0 || memchr(body, '\0', len))
		return fail(APID_E_JSON, why, whylen,
			    len ? "NUL byte in the body" : "empty body");

	tok = json_tokener_new_ex(APID_JSON_DEPTH);
	if (!tok)
		return fail(APID_E_BODY, why, whylen, "out of memory");
	/* strict: whitespace may follow the value, nothing else */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		/* json_tokener_continue: the text ended inside a value */
		code = fail(APID_E_JSON, why, whylen, "%s",
			    jerr == json_tokener_continue
				    ? "unexpected end of the body"
				    : json_tokener_error_desc(jerr));
		json_tokener_free(tok);
		json_object_put(root);
		return code;
	}
	json_tokener_free(tok);

	if (!json_object_is_type(root, json_type_object)) {
		code = fail(APID_E_JSON, why, whylen,
			    "the body must be a JSON object");
		goto out;
	}
	code = parse_trace(root, req, why, whylen);
	if (code != APID_OK)
		goto out;
	if (get_string(root, "action", &action) < 0) {
		code = fail(APID_E_JSON, why, whylen, "action must be a string");
		goto out;
	}
	if (!action) {
		code = fail(APID_E_ACTION, why, whylen, "action missing");
	} else if (!strcmp(action, "QueryForward")) {
		req->action = APID_QUERY;
		code = parse_query(root, req, why, whylen);
	} else if (!strcmp(action, "UpdateForward")) {
		req->action = APID_UPDATE;
		code = parse_update(root, req, why, whylen);
	} else if (!strcmp(action, "DeleteForward")) {
		req->action = APID_DELETE;
		code = parse_host(root, req, why, whylen);
	} else {
		code = fail(APID_E_ACTION, why, whylen,
			    "action must be QueryForward, UpdateForward or DeleteForward");
	}
out:
	json_object_put(root);
	return code;
}

struct json_object *apid_answer_new(const struct apid_request *req, int code,
				    const char *why)
{
	struct json_object *o = json_object_new_object();
	const char *msg = apid_code_msg(code);

	if (!o)
		return NULL;
	json_object_object_add(o, "code", json_object_new_int(code));
	if (req && req->has_trace)
		json_object_object_add(
			o, "traceId",
			req->trace_is_string
				? json_object_new_string(req->trace)
				: json_object_new_int64(req->trace_int));
	if (code != APID_OK) {
		json_object_object_add(o, "msg",
				       json_object_new_string(msg ? msg : "error"));
		if (why && *why)
			json_object_object_add(o, "reason",
					       json_object_new_string(why));
	}
	return o;
}
