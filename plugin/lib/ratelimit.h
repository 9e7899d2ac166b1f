/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpfwd: "at most one log line per interval" for repeated failures, with
 * the number of lines suppressed meanwhile.  FRR 8.4's lib has no such
 * helper; the caller passes the time (monotonic seconds) in.
 */
#ifndef XDPFWD_RATELIMIT_H
#define XDPFWD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define RATELIMIT_INTERVAL_S 60

struct ratelimit {
	time_t next;
	uint32_t suppressed;
};

/* May a line be logged at @now?  *suppressed: lines not logged since the
 * last one that was.
 */
static inline bool ratelimit_ok(struct ratelimit *rl, time_t now,
				uint32_t *suppressed)
{
	if (rl->next && now < rl->next) {
		rl->suppressed++;
		return false;
	}
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	rl->next = now + RATELIMIT_INTERVAL_S;
	return true;
}

#endif /* XDPFWD_RATELIMIT_H */
