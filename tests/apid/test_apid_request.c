// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of xdpfwd-apid's request parser (tools/apid_request.c):
 * table-driven bodies, each with the code it must give (every error code,
 * every action) and, for accepted ones, the typed fields; then the
 * answers' JSON.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "tools/apid_request.h"
#include "tests/tap.h"


#define UPD(rest)                                                              \
	"{\"action\":\"UpdateForward\",\"traceId\":\"t1\"," rest "}"
#define GOOD_UPD                                                               \
	UPD("\"ip\":\"10.10.3.10\",\"iface\":4,"                               \
	    "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\"")

struct parse_case {
	const char *desc;
	const char *body; /* NULL: use body_len bytes of body_bytes */
	int code;
	const char *why; /* a substring of the reason, for errors */
};

static const struct parse_case cases[] = {
	/* 1000 */
	/* (an oversized body: built at run time, below) */
	/* 1100 */
	{ "empty body", "", APID_E_JSON, "empty" },
	{ "not JSON", "action=QueryForward", APID_E_JSON, NULL },
	{ "truncated object", "{\"action\":\"QueryForward\"", APID_E_JSON,
	  "end" },
	{ "trailing garbage", "{\"action\":\"QueryForward\"} x", APID_E_JSON,
	  NULL },
	{ "two objects", "{}{}", APID_E_JSON, NULL },
	{ "trailing whitespace is fine", "{\"action\":\"QueryForward\"} \n",
	  APID_OK, NULL },
	{ "array, not object", "[1,2]", APID_E_JSON, "object" },
	{ "string, not object", "\"QueryForward\"", APID_E_JSON, "object" },
	{ "single quotes (strict)", "{'action':'QueryForward'}", APID_E_JSON,
	  NULL },
	{ "trailing comma (strict)", "{\"action\":\"QueryForward\",}",
	  APID_E_JSON, NULL },
	{ "invalid UTF-8", "{\"action\":\"Query\xff\"}", APID_E_JSON, NULL },
	{ "nesting deeper than the limit",
	  "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	  APID_E_JSON, NULL },
	{ "action not a string", "{\"action\":1}", APID_E_JSON, "action" },
	{ "traceId an object", "{\"action\":\"QueryForward\",\"traceId\":{}}",
	  APID_E_JSON, "traceId" },
	{ "traceId a float", "{\"action\":\"QueryForward\",\"traceId\":1.5}",
	  APID_E_JSON, "traceId" },
	/* 1101 */
	{ "no action", "{\"traceId\":\"x\"}", APID_E_ACTION, "missing" },
	{ "unknown action", "{\"action\":\"RebootRouter\"}", APID_E_ACTION,
	  NULL },
	{ "action is case-sensitive", "{\"action\":\"queryforward\"}",
	  APID_E_ACTION, NULL },
	/* QueryForward */
	{ "QueryForward, defaults", "{\"action\":\"QueryForward\",\"traceId\":7}",
	  APID_OK, NULL },
	{ "QueryForward, unknown fields ignored",
	  "{\"action\":\"QueryForward\",\"foo\":[1,{}]}", APID_OK, NULL },
	{ "QueryForward routes, prefix, paging",
	  "{\"action\":\"QueryForward\",\"table\":\"routes\","
	  "\"prefix\":\"10.0.0.0/8\",\"offset\":5,\"limit\":10}",
	  APID_OK, NULL },
	{ "QueryForward ip filter",
	  "{\"action\":\"QueryForward\",\"ip\":\"fd00:2::2\"}", APID_OK, NULL },
	/* 1201 */
	{ "QueryForward unknown table",
	  "{\"action\":\"QueryForward\",\"table\":\"arp\"}", APID_E_QUERY,
	  "table" },
	{ "QueryForward bad prefix",
	  "{\"action\":\"QueryForward\",\"prefix\":\"10.0.0.0/33\"}",
	  APID_E_QUERY, "prefix" },
	{ "QueryForward prefix without length",
	  "{\"action\":\"QueryForward\",\"prefix\":\"10.0.0.0\"}",
	  APID_E_QUERY, "prefix" },
	{ "QueryForward bad ip",
	  "{\"action\":\"QueryForward\",\"ip\":\"10.0.0.256\"}", APID_E_QUERY,
	  "ip" },
	{ "QueryForward ip and prefix",
	  "{\"action\":\"QueryForward\",\"ip\":\"10.0.0.1\",\"prefix\":\"10.0.0.0/8\"}",
	  APID_E_QUERY, "both" },
	{ "QueryForward limit 0",
	  "{\"action\":\"QueryForward\",\"limit\":0}", APID_E_QUERY, "limit" },
	{ "QueryForward limit too large",
	  "{\"action\":\"QueryForward\",\"limit\":10001}", APID_E_QUERY,
	  "limit" },
	{ "QueryForward negative offset",
	  "{\"action\":\"QueryForward\",\"offset\":-1}", APID_E_QUERY,
	  "offset" },
	{ "QueryForward offset beyond 64 bits",
	  "{\"action\":\"QueryForward\",\"offset\":99999999999999999999999}",
	  APID_E_QUERY, "offset" },
	{ "QueryForward offset a string",
	  "{\"action\":\"QueryForward\",\"offset\":\"5\"}", APID_E_QUERY,
	  "offset" },
	/* UpdateForward */
	{ "UpdateForward, the original's example", GOOD_UPD, APID_OK, NULL },
	{ "UpdateForward, IPv6",
	  UPD("\"ip\":\"2001:db8::5\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:DF:B6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_OK, NULL },
	/* 1200 */
	{ "UpdateForward no ip",
	  UPD("\"iface\":4,\"srcMac\":\"08:00:27:13:df:b6\","
	      "\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "ip missing" },
	{ "UpdateForward bad ip",
	  UPD("\"ip\":\"10.10.3\",\"iface\":4,\"srcMac\":\"08:00:27:13:df:b6\","
	      "\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "ip" },
	{ "UpdateForward ip with a NUL inside",
	  UPD("\"ip\":\"10.10.3.10\\u0000x\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "ip" },
	{ "UpdateForward prefix as ip",
	  UPD("\"ip\":\"10.10.3.0/24\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "ip" },
	{ "UpdateForward multicast ip",
	  UPD("\"ip\":\"224.0.0.5\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "multicast" },
	{ "UpdateForward loopback ip",
	  UPD("\"ip\":\"::1\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "loopback" },
	{ "UpdateForward no iface",
	  UPD("\"ip\":\"10.10.3.10\",\"srcMac\":\"08:00:27:13:df:b6\","
	      "\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "iface missing" },
	{ "UpdateForward iface 0",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":0,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "iface" },
	{ "UpdateForward iface a string",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":\"4\","
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "iface" },
	{ "UpdateForward iface beyond 32 bits",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4294967300,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "iface" },
	{ "UpdateForward bad dstMac",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb\""),
	  APID_E_UPDATE, "dstMac" },
	{ "UpdateForward dstMac with a trailing byte",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"08:00:27:f2:cb:f9:\""),
	  APID_E_UPDATE, "dstMac" },
	{ "UpdateForward multicast dstMac",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"01:00:5e:00:00:01\""),
	  APID_E_UPDATE, "unicast" },
	{ "UpdateForward zero dstMac",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4,"
	      "\"srcMac\":\"08:00:27:13:df:b6\",\"dstMac\":\"00:00:00:00:00:00\""),
	  APID_E_UPDATE, "unicast" },
	{ "UpdateForward no srcMac",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4,"
	      "\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "srcMac missing" },
	{ "UpdateForward srcMac a number",
	  UPD("\"ip\":\"10.10.3.10\",\"iface\":4,\"srcMac\":8,"
	      "\"dstMac\":\"08:00:27:f2:cb:f9\""),
	  APID_E_UPDATE, "srcMac" },
	/* DeleteForward */
	{ "DeleteForward",
	  "{\"action\":\"DeleteForward\",\"ip\":\"10.10.3.10\",\"iface\":4}",
	  APID_OK, NULL },
	{ "DeleteForward no iface",
	  "{\"action\":\"DeleteForward\",\"ip\":\"10.10.3.10\"}", APID_E_UPDATE,
	  "iface" },
};

static void test_parse_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct apid_request req;
		char why[256];
		int code = apid_request_parse(c->body, strlen(c->body), &req,
					      why, sizeof(why));
		bool ok = code == c->code;

		if (code != APID_OK && !why[0])
			ok = false; /* every error says why */
		if (c->why && !strstr(why, c->why))
			ok = false;
		result(ok, "%s: code %d (want %d)%s%s", c->desc, code, c->code,
		       why[0] ? ", " : "", why);
	}
}

static void test_oversized_and_nul(void)
{
	size_t len = APID_BODY_MAX + 1;
	char *big = malloc(len);
	struct apid_request req;
	char why[256];
	int code;

	memset(big, ' ', len);
	memcpy(big, "{\"action\":\"QueryForward\"}", 25);
	code = apid_request_parse(big, len, &req, why, sizeof(why));
	result(code == APID_E_BODY, "body of %zu bytes: 1000 (got %d)", len,
	       code);
	code = apid_request_parse(big, APID_BODY_MAX, &req, why, sizeof(why));
	result(code == APID_OK, "body of exactly %d bytes: accepted (got %d)",
	       APID_BODY_MAX, code);
	free(big);

	code = apid_request_parse("{\"action\":\"QueryForward\"}\0", 26, &req,
				  why, sizeof(why));
	result(code == APID_E_JSON, "NUL byte after the object: 1100 (got %d)",
	       code);
}

static void test_fields(void)
{
	static const uint8_t src[6] = { 0x08, 0x00, 0x27, 0x13, 0xdf, 0xb6 };
	static const uint8_t dst[6] = { 0x08, 0x00, 0x27, 0xf2, 0xcb, 0xf9 };
	struct apid_request req;
	char why[256];
	uint8_t a[4];
	int code;

	code = apid_request_parse(GOOD_UPD, strlen(GOOD_UPD), &req, why,
				  sizeof(why));
	inet_pton(AF_INET, "10.10.3.10", a);
	result(code == APID_OK && req.action == APID_UPDATE &&
		       req.ip.family == AF_INET && req.ip.plen == 32 &&
		       !memcmp(req.ip.bytes, a, 4) && req.ifindex == 4 &&
		       !memcmp(req.src_mac, src, 6) &&
		       !memcmp(req.dst_mac, dst, 6) && req.has_trace &&
		       req.trace_is_string && !strcmp(req.trace, "t1"),
	       "UpdateForward fields: ip, iface, srcMac, dstMac, traceId");

	{
		const char *b = "{\"action\":\"QueryForward\",\"table\":\"routes\","
				"\"prefix\":\"10.1.2.3/16\",\"offset\":5,\"limit\":10,"
				"\"traceId\":-3}";

		code = apid_request_parse(b, strlen(b), &req, why, sizeof(why));
		inet_pton(AF_INET, "10.1.0.0", a);
		result(code == APID_OK && req.action == APID_QUERY &&
			       req.table == APID_TABLE_ROUTES &&
			       req.filter_is_prefix &&
			       req.filter.family == AF_INET &&
			       req.filter.plen == 16 &&
			       !memcmp(req.filter.bytes, a, 4) &&
			       req.offset == 5 && req.limit == 10 &&
			       req.has_trace && !req.trace_is_string &&
			       req.trace_int == -3,
		       "QueryForward fields: table, prefix (masked), offset, limit, traceId");
	}
	{
		const char *b = "{\"action\":\"QueryForward\"}";

		code = apid_request_parse(b, strlen(b), &req, why, sizeof(why));
		result(code == APID_OK && req.table == APID_TABLE_HOSTS &&
			       req.filter.family == 0 && req.offset == 0 &&
			       req.limit == APID_LIMIT_DEFAULT && !req.has_trace,
		       "QueryForward defaults: hosts, no filter, offset 0, limit %d",
		       APID_LIMIT_DEFAULT);
	}
	{
		const char *b = "{\"action\":\"Nope\",\"traceId\":\"abc\"}";

		code = apid_request_parse(b, strlen(b), &req, why, sizeof(why));
		result(code == APID_E_ACTION && req.has_trace &&
			       !strcmp(req.trace, "abc"),
		       "the traceId is kept on an error");
	}
}

static void test_answers(void)
{
	struct apid_request req = { .has_trace = true, .trace_is_string = true };
	struct json_object *o;
	const char *s;
	static const int codes[] = { APID_E_BODY, APID_E_JSON, APID_E_ACTION,
				     APID_E_UPDATE, APID_E_QUERY };
	static const char *const msgs[] = {
		"read request body error", "json format error",
		"not support action error", "update error", "query error",
	};

	snprintf(req.trace, sizeof(req.trace), "T\"1");
	o = apid_answer_new(&req, APID_OK, "");
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	result(!strcmp(s, "{\"code\":200,\"traceId\":\"T\\\"1\"}"),
	       "answer 200: %s", s);
	json_object_put(o);

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		char want[256];

		o = apid_answer_new(NULL, codes[i], "why");
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		snprintf(want, sizeof(want),
			 "{\"code\":%d,\"msg\":\"%s\",\"reason\":\"why\"}",
			 codes[i], msgs[i]);
		result(!strcmp(s, want), "answer %d: %s", codes[i], s);
		json_object_put(o);
	}

	{
		uint8_t mac[6];
		char buf[32];

		result(apid_mac_parse("0A:0b:0C:0d:0E:ff", mac) &&
			       (apid_mac_format(mac, buf, sizeof(buf)),
				!strcmp(buf, "0a:0b:0c:0d:0e:ff")) &&
			       !apid_mac_parse("0a:0b:0c:0d:0e", mac) &&
			       !apid_mac_parse("0a-0b-0c-0d-0e-0f", mac) &&
			       !apid_mac_parse("", mac),
		       "MAC parse and format");
	}
}

int main(void)
{
	test_parse_cases();
	test_oversized_and_nul();
	test_fields();
	test_answers();
	return tap_done();
}
