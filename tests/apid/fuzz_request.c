// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target of xdpfwd-apid's request parser: any byte string is
 * parsed; the parser must return one of the service's codes, give a
 * reason for every error, keep the typed fields in range, and build an
 * answer that serialises.  Built with clang -fsanitize=fuzzer,address,
 * undefined (Makefile.am) and run for a bounded number of inputs by
 * tests/apid/test_apid_fuzz.py from the seeds in tests/apid/corpus/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "tools/apid_request.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apid_request req;
	struct json_object *answer;
	char why[256];
	int code;

	code = apid_request_parse((const char *)data, size, &req, why,
				  sizeof(why));
	check(apid_code_msg(code) != NULL);
	check(memchr(why, '\0', sizeof(why)) != NULL);
	if (code != APID_OK)
		check(why[0] != '\0');
	else if (req.action == APID_QUERY) {
		check(req.limit >= 1 && req.limit <= APID_LIMIT_MAX);
		check(req.filter.family == 0 || req.filter.family == AF_INET ||
		      req.filter.family == AF_INET6);
	} else {
		check(req.action == APID_UPDATE || req.action == APID_DELETE);
		check(req.ifindex >= 1);
		check(req.ip.family == AF_INET || req.ip.family == AF_INET6);
		check(req.ip.plen == (req.ip.family == AF_INET ? 32 : 128));
		if (req.action == APID_UPDATE)
			check(!(req.dst_mac[0] & 1) && !(req.src_mac[0] & 1));
	}
	if (req.has_trace && req.trace_is_string)
		check(strlen(req.trace) <= APID_TRACE_MAX);

	answer = apid_answer_new(&req, code, why);
	check(answer != NULL);
	check(json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN) !=
	      NULL);
	json_object_put(answer);
	return 0;
}
