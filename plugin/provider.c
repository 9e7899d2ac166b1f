// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the zebra dataplane provider.
 *
 * Registered at DPLANE_PRIO_POSTPROCESS, so it sees only what the kernel
 * accepted: the kernel stays a complete slow path.  On the dplane pthread
 * it copies route operations into work items and hands every context back
 * untouched; zebra's main pthread applies the items (map writes, offload
 * flags on zebra's route entries), so no state is shared between threads
 * except the queue.
 */
#include "config.h"
#include <zebra.h>

#include "lib/log.h"
#include "lib/frr_pthread.h"
#include "lib/monotime.h"
#include "lib/json.h"
#include "lib/vty.h"

#include "zebra/rib.h"
#include "zebra/zebra_dplane.h"
#include "zebra/zebra_router.h"

#include "plugin/xdpfwd.h"
#include "plugin/provider.h"
#include "plugin/dispatch.h"
#include "plugin/writers/route_update.h"
#include "plugin/yang_json.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_WORK, "xdpfwd work item");

PREDECL_DLIST(workq);
struct work_item {
	struct workq_item qitem;
	struct xdpfwd_route_update u; /* ends in a flexible nexthop array */
};
DECLARE_DLIST(workq, struct work_item, qitem);

/* Items applied per main-thread event: bounded, so that a full table
 * does not hold zebra's main pthread for seconds at a time.
 */
#define XDPFWD_WORK_BATCH 20000

static struct zebra_dplane_provider *prov;
static pthread_mutex_t wq_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct workq_head wq; /* guarded by wq_mtx */
static bool wq_scheduled;    /* guarded by wq_mtx */
static struct thread *t_work;

/* statistics: written by one thread each, read by the CLI */
static _Atomic uint64_t st_queued, st_applied, st_skipped, st_nh_ops;
static _Atomic uint64_t st_max_depth, st_depth;
/* main pthread time spent applying, and the longest single event */
static uint64_t st_apply_us, st_event_max_us;

static void work_run(struct thread *t);

/*
 * The start gate.  After a start the maps fill from zebra's RIB (and,
 * with zebra -K, from the routes it retained in the kernel); until then a
 * longer route may be missing and XDP would forward by a covering one.
 * The fast path opens once zebra's meta queue, the dplane's queue and
 * ours were empty at two checks GATE_MSEC apart.
 */
#define GATE_MSEC 100
static struct thread *t_gate;
static bool gate_idle_once;
static unsigned int gate_checks;
/* a gate still closed after 10 s is reported, then once a minute: a
 * churn that never lets zebra's queues drain keeps the fast path off
 * rather than let it forward by half-loaded maps, and says so
 */
#define GATE_REPORT_FIRST 100  /* checks: 10 s */
#define GATE_REPORT_EVERY 600  /* checks: 60 s */

static bool zebra_idle(void)
{
	return (!zrouter.mq || zrouter.mq->size == 0) &&
	       dplane_get_in_queue_len() == 0 && st_depth == 0;
}

static void gate_check(struct thread *t)
{
	bool idle = zebra_idle();

	if (idle && gate_idle_once) {
		dispatch_open_gate();
		return;
	}
	gate_idle_once = idle;
	if (++gate_checks >= GATE_REPORT_FIRST &&
	    (gate_checks - GATE_REPORT_FIRST) % GATE_REPORT_EVERY == 0)
		zlog_warn("xdpfwd: start gate still closed after %u s: zebra's queues have not drained twice in a row (meta queue %u, dplane %u, xdpfwd %" PRIu64
			  "); the kernel forwards meanwhile",
			  gate_checks * GATE_MSEC / 1000,
			  zrouter.mq ? zrouter.mq->size : 0,
			  dplane_get_in_queue_len(), (uint64_t)st_depth);
	thread_add_timer_msec(xdpfwd_master, gate_check, NULL, GATE_MSEC,
			      &t_gate);
}

static enum xdpfwd_route_kind ctx_copy_nexthops(struct zebra_dplane_ctx *ctx,
					    struct xdpfwd_nh *out,
					    unsigned int *count)
{
	return xdpfwd_nexthops_from_ng(dplane_ctx_get_ng(ctx),
				       dplane_ctx_get_vrf(ctx), out, count);
}

static struct work_item *work_from_ctx(struct zebra_dplane_ctx *ctx)
{
	struct xdpfwd_nh nhs[XDPFWD_NHG_SLOTS];
	enum dplane_op_e op = dplane_ctx_get_op(ctx);
	unsigned int count = 0;
	enum xdpfwd_route_kind kind = XDPFWD_KIND_FORWARD;
	struct work_item *w;
	const struct prefix *src = dplane_ctx_get_src(ctx);

	if (op != DPLANE_OP_ROUTE_DELETE)
		kind = xdpfwd_kind_with_mtu(ctx_copy_nexthops(ctx, nhs, &count),
					    dplane_ctx_get_mtu(ctx),
					    dplane_ctx_get_nh_mtu(ctx));
	if (kind != XDPFWD_KIND_FORWARD)
		count = 0;
	w = XCALLOC(MTYPE_XDPFWD_WORK,
		    sizeof(*w) + count * sizeof(struct xdpfwd_nh));
	w->u.is_delete = op == DPLANE_OP_ROUTE_DELETE;
	prefix_copy(&w->u.prefix, dplane_ctx_get_dest(ctx));
	w->u.src = XDPFWD_SRC_ZEBRA;
	/* source-specific: the routes writer sends its destination to the
	 * kernel while it exists, and never touches the plain route
	 */
	if (src && src->prefixlen)
		prefix_copy(&w->u.src_prefix, src);
	w->u.kind = kind;
	w->u.seq = dplane_ctx_get_seq(ctx);
	w->u.vrf_id = dplane_ctx_get_vrf(ctx);
	w->u.table_id = dplane_ctx_get_table(ctx);
	w->u.afi = dplane_ctx_get_afi(ctx);
	w->u.safi = dplane_ctx_get_safi(ctx);
	w->u.nh_count = count;
	memcpy(w->u.nh, nhs, count * sizeof(struct xdpfwd_nh));
	return w;
}

static bool ctx_wanted(struct zebra_dplane_ctx *ctx)
{
	switch (dplane_ctx_get_op(ctx)) {
	case DPLANE_OP_ROUTE_INSTALL:
	case DPLANE_OP_ROUTE_UPDATE:
	case DPLANE_OP_ROUTE_DELETE:
		break;
	case DPLANE_OP_NH_INSTALL:
	case DPLANE_OP_NH_UPDATE:
	case DPLANE_OP_NH_DELETE:
		/*
		 * Not needed to honour zebra's groups: a route context
		 * carries the resolved nexthops of its group, weights
		 * included (dplane_ctx_route_init copies re->nhe), and a
		 * route whose nexthops change moves to another nhe and is
		 * sent again.  Deduplicating by content gives one fast-path
		 * group per distinct set of nexthops, as zebra shares nhes,
		 * and the audit checks every route's group against re->nhe.
		 * The exception: a protocol-owned group (ZAPI NHG: sharpd,
		 * pbrd, EVPN-MH) replaced in place (rib_handle_nhg_replace),
		 * which reaches the dplane as NH_UPDATE only; bgpd unicast,
		 * ospfd, ospf6d and staticd do not use them in 8.4.
		 */
		st_nh_ops++;
		return false;
	default:
		return false;
	}
	/* (only what the kernel accepted gets here: zebra hands a context
	 * that an earlier provider failed to no later provider)
	 */
	if (dplane_ctx_get_vrf(ctx) != VRF_DEFAULT ||
	    dplane_ctx_get_table(ctx) != RT_TABLE_MAIN ||
	    dplane_ctx_get_safi(ctx) != SAFI_UNICAST) {
		st_skipped++;
		return false;
	}
	return true;
}

/* dplane pthread */
static int xdpfwd_process(struct zebra_dplane_provider *p)
{
	struct workq_head batch;
	struct zebra_dplane_ctx *ctx;
	int counter, limit = dplane_provider_get_work_limit(p);
	uint64_t n = 0;

	workq_init(&batch);
	for (counter = 0; counter < limit; counter++) {
		ctx = dplane_provider_dequeue_in_ctx(p);
		if (!ctx)
			break;
		if (ctx_wanted(ctx)) {
			workq_add_tail(&batch, work_from_ctx(ctx));
			n++;
		}
		dplane_provider_enqueue_out_ctx(p, ctx);
	}
	if (n) {
		struct work_item *w;
		bool schedule;

		pthread_mutex_lock(&wq_mtx);
		while ((w = workq_pop(&batch)))
			workq_add_tail(&wq, w);
		schedule = !wq_scheduled;
		wq_scheduled = true;
		pthread_mutex_unlock(&wq_mtx);
		st_queued += n;
		st_depth += n;
		if (st_depth > st_max_depth)
			st_max_depth = (uint64_t)st_depth;
		if (schedule)
			thread_add_event(zrouter.master, work_run, NULL, 0,
					 NULL);
	}
	workq_fini(&batch);
	if (counter >= limit)
		dplane_provider_work_ready();
	return 0;
}

/* zebra main pthread */
static void work_account(const struct timeval *start)
{
	uint64_t us = monotime_since(start, NULL);

	st_apply_us += us;
	if (us > st_event_max_us)
		st_event_max_us = us;
}

static void work_run(struct thread *t)
{
	struct work_item *w;
	unsigned int done = 0;
	struct timeval start;

	monotime(&start);
	for (;;) {
		pthread_mutex_lock(&wq_mtx);
		if (done == XDPFWD_WORK_BATCH) {
			/* leave wq_scheduled set: we re-arm ourselves */
			pthread_mutex_unlock(&wq_mtx);
			thread_add_event(zrouter.master, work_run, NULL, 0,
					 &t_work);
			work_account(&start);
			return;
		}
		w = workq_pop(&wq);
		if (!w)
			wq_scheduled = false;
		pthread_mutex_unlock(&wq_mtx);
		if (!w) {
			work_account(&start);
			return;
		}
		dispatch_route(&w->u);
		XFREE(MTYPE_XDPFWD_WORK, w);
		st_applied++;
		st_depth--;
		done++;
	}
}

static int xdpfwd_fini(struct zebra_dplane_provider *p, bool early)
{
	struct work_item *w;

	if (early)
		return 0;
	pthread_mutex_lock(&wq_mtx);
	while ((w = workq_pop(&wq)))
		XFREE(MTYPE_XDPFWD_WORK, w);
	pthread_mutex_unlock(&wq_mtx);
	return 0;
}

int provider_register(void)
{
	int ret;

	workq_init(&wq);
	ret = dplane_provider_register("xdpfwd", DPLANE_PRIO_POSTPROCESS,
				       DPLANE_PROV_FLAGS_DEFAULT, NULL,
				       xdpfwd_process, xdpfwd_fini, NULL, &prov);
	if (ret == 0)
		thread_add_timer_msec(xdpfwd_master, gate_check, NULL,
				      GATE_MSEC, &t_gate);
	return ret;
}

uint64_t provider_queued(void)
{
	return st_depth;
}

void provider_show(struct vty *vty, json_object *json)
{
	if (json) {
		json_object *o = json_object_new_object();

		xdpfwd_json_u64(o, "routeOpsQueued", st_queued);
		xdpfwd_json_u64(o, "routeOpsApplied", st_applied);
		xdpfwd_json_u64(o, "queueDepth", st_depth);
		xdpfwd_json_u64(o, "queueDepthMax", st_max_depth);
		xdpfwd_json_u64(o, "otherTablesSkipped", st_skipped);
		xdpfwd_json_u64(o, "nexthopOpsSeen", st_nh_ops);
		xdpfwd_json_u64(o, "applyMs", st_apply_us / 1000);
		xdpfwd_json_u64(o, "applyEventMaxUs", st_event_max_us);
		json_object_object_add(json, "provider", o);
		return;
	}
	vty_out(vty,
		"Provider: %" PRIu64 " route ops queued, %" PRIu64
		" applied, queue depth %" PRIu64 " (max %" PRIu64 ")\n",
		(uint64_t)st_queued, (uint64_t)st_applied, (uint64_t)st_depth,
		(uint64_t)st_max_depth);
}
