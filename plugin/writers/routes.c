// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd routes writer: the route table of the fast path.
 *
 * A prefix can come from several sources: zebra's selected route
 * (dplane), a connected subnet, source-specific routes, a kernel route
 * type zebra does not import, or the kernel's local table (what the
 * kernel considers its own: addresses, broadcast, anycast, subnets on lo,
 * AnyIP, mirrored per prefix).  The kernel prefers local over connected
 * over the rest, and so does the fast path.  IPv4 looks the local and
 * main tables up as one (longest prefix first: a main route inside a
 * local prefix still routes); IPv6 looks the local table up first, so a
 * local prefix shorter than /128 takes whatever main has inside it
 * (covers6 below).  Both seen on 6.18.
 * The effective group goes into the FIB (IPv4: DIR-24-8 builder, IPv6:
 * range-table builder, both over mmapped arrays), and zebra's route entry
 * is marked offloaded or not.
 *
 * Capacity: what does not fit must never change where a packet goes.
 *  - IPv4: when no tbl8 group is left for a route longer than /24, the
 *    builder "degrades" its /24 to the reserved KERNEL group (fib4.c); the
 *    /24 route and the longer ones in it are reported not offloaded until
 *    a group is free again (restored from a timer) or the long routes go.
 *  - IPv6: when the range tables have no room for a chunk (the routes under
 *    one /XDPFWD_FIB6_DIR_BITS), the builder "degrades" the chunk: its
 *    directory entry becomes the KERNEL group, so the whole chunk passes
 *    to the kernel (fib6.c); the routes longer than /XDPFWD_FIB6_DIR_BITS
 *    in it are reported not offloaded until it is published again (from a
 *    timer, after deletes freed room).
 *  - No nexthop group or adjacency id left: the route gets the KERNEL
 *    group and is retried from a timer.
 * Each logs a rate-limited line (at most one a minute per kind, with the
 * number suppressed meanwhile).
 *
 * zebra's route entries are marked through rib_mark.c: this file knows
 * FRR's lib, not zebra.
 */
#include "config.h"
#include <zebra.h>

#include <linux/bpf.h>
#include <linux/if_addr.h>

#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/monotime.h"
#include "lib/thread.h"
#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/vty.h"
#include "lib/prefix.h"

#include "plugin/xdpfwd.h"
#include "plugin/dp/dp.h"
#include "plugin/lib/fib4.h"
#include "plugin/lib/fib6.h"
#include "plugin/lib/grace.h"
#include "plugin/lib/ratelimit.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/nexthop.h"
#include "plugin/writers/rib_mark.h"
#include "plugin/writers/routes.h"
#include "plugin/yang_json.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_ROUTE, "xdpfwd route");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_RETRY, "xdpfwd route retry");

#define RF_NHG_FAIL 0x02 /* zebra source on KERNEL for lack of a group */
#define RF_FIB_FAIL 0x04 /* the FIB entry could not be written */

PREDECL_HASH(routes_table);
struct route_item {
	struct routes_table_item hitem;
	struct prefix p;
	uint16_t nhg[XDPFWD_SRC__MAX]; /* per source; 0: none */
	uint16_t installed;	       /* group in the FIB; 0: none */
	uint16_t srcdest_count;	       /* zebra's `from` routes for p */
	uint8_t flags;		       /* RF_* */
};

static int route_cmp(const struct route_item *a, const struct route_item *b)
{
	return prefix_cmp(&a->p, &b->p);
}

static uint32_t route_hash(const struct route_item *a)
{
	return prefix_hash_key(&a->p);
}
DECLARE_HASH(routes_table, struct route_item, hitem, route_cmp, route_hash);

/* a zebra update kept for a retry after its group could not be made */
PREDECL_HASH(retries);
struct retry_item {
	struct retries_item hitem;
	struct prefix p;
	struct xdpfwd_route_update *u;
};

static int retry_cmp(const struct retry_item *a, const struct retry_item *b)
{
	return prefix_cmp(&a->p, &b->p);
}

static uint32_t retry_hash(const struct retry_item *a)
{
	return prefix_hash_key(&a->p);
}
DECLARE_HASH(retries, struct retry_item, hitem, retry_cmp, retry_hash);

/* zebra's source-specific routes: (destination, source) pairs */
PREDECL_HASH(srcdests);
struct srcdest_item {
	struct srcdests_item hitem;
	struct prefix dst, src;
};

static int srcdest_cmp(const struct srcdest_item *a,
		       const struct srcdest_item *b)
{
	int c = prefix_cmp(&a->dst, &b->dst);

	return c ? c : prefix_cmp(&a->src, &b->src);
}

static uint32_t srcdest_hash(const struct srcdest_item *a)
{
	return prefix_hash_key(&a->dst) ^ prefix_hash_key(&a->src);
}
DECLARE_HASH(srcdests, struct srcdest_item, hitem, srcdest_cmp, srcdest_hash);

static struct routes_table_head routes_head;
static struct retries_head retries_head;
static struct srcdests_head srcdests_head;
static struct fib4 *fib4;
static struct fib6 *fib6;
static uint32_t fib6_slots; /* range-table slots (module argument fib6=N) */
static uint32_t zebra_routes; /* routes with a zebra source */
static uint32_t nhg_fallbacks; /* zebra routes on KERNEL for lack of a group */
static uint64_t failures;
static struct thread *t_restore4, *t_restore6, *t_remark6, *t_retry;
/* IPv6 local-table prefixes shorter than /128 (few: ff00::/8, AnyIP) */
static struct prefix *covers6;
static unsigned int ncovers6;

/* one line a minute per kind */
static struct ratelimit rl_tbl8, rl_fib6, rl_nhg, rl_err;

static bool rlog_ok(struct ratelimit *rl, uint32_t *suppressed)
{
	return ratelimit_ok(rl, monotime(NULL), suppressed);
}

static void fib4_notify(uint32_t idx24, bool degraded, void *arg);
static bool route_offloaded(const struct route_item *r);

/* a freed tbl8 group is reused only after a grace period (lib/grace.h) */
static void rcu_grace_period(void *arg)
{
	xdp_grace_period();
}

int routes_init(uint32_t fib6_routes)
{
	struct xdpfwd_fib4_block *tbl24, *tbl8;
	uint32_t groups, *dir6, *vals6;
	uint64_t *keys6;

	routes_table_init(&routes_head);
	retries_init(&retries_head);
	srcdests_init(&srcdests_head);
	dp_fib4_memory(&tbl24, &tbl8, &groups);
	if (!tbl24 || !tbl8)
		return -ENOENT;
	fib4 = fib4_create(tbl24, tbl8, groups);
	if (!fib4)
		return -ENOMEM;
	fib4_set_notify(fib4, fib4_notify, NULL);
	fib4_set_synchronize(fib4, rcu_grace_period, NULL);
	(void)fib6_routes; /* sized the maps (dp_load) */
	dp_fib6_memory(&dir6, &keys6, &vals6, &fib6_slots);
	if (!dir6 || !keys6 || !vals6)
		return -ENOENT;
	fib6 = fib6_create(dir6, keys6, vals6, fib6_slots);
	if (!fib6)
		return -ENOMEM;
	fib6_set_synchronize(fib6, rcu_grace_period, NULL);
	return 0;
}

void routes_fini(void)
{
	struct route_item *r;
	struct retry_item *ri;
	struct srcdest_item *sd;

	THREAD_OFF(t_restore4);
	THREAD_OFF(t_restore6);
	THREAD_OFF(t_remark6);
	THREAD_OFF(t_retry);
	frr_each_safe (retries, &retries_head, ri) {
		retries_del(&retries_head, ri);
		XFREE(MTYPE_XDPFWD_RETRY, ri->u);
		XFREE(MTYPE_XDPFWD_RETRY, ri);
	}
	frr_each_safe (routes_table, &routes_head, r) {
		routes_table_del(&routes_head, r);
		XFREE(MTYPE_XDPFWD_ROUTE, r);
	}
	frr_each_safe (srcdests, &srcdests_head, sd) {
		srcdests_del(&srcdests_head, sd);
		XFREE(MTYPE_XDPFWD_ROUTE, sd);
	}
	XFREE(MTYPE_XDPFWD_ROUTE, covers6);
	ncovers6 = 0;
	if (fib4)
		fib4_destroy(fib4);
	fib4 = NULL;
	if (fib6)
		fib6_destroy(fib6);
	fib6 = NULL;
}

uint32_t routes_count(int family)
{
	if (family == AF_INET)
		return fib4 ? fib4_count(fib4) : 0;
	return fib6 ? fib6_count(fib6) : 0;
}

uint64_t routes_failures(void)
{
	return failures;
}

static inline uint32_t p4_addr(const struct prefix *p)
{
	return ntohl(p->u.prefix4.s_addr);
}

/* ---- IPv4 ---- */

static void restore4_run(struct thread *t)
{
	/* bounded: each restore is up to 510 lookups and 256 stores */
	fib4_restore(fib4, 1024);
	if (fib4_restore_pending(fib4))
		thread_add_timer_msec(xdpfwd_master, restore4_run, NULL, 10,
				      &t_restore4);
}

/*
 * A freed tbl8 group goes to a degraded /24 only after a pause: a datapath
 * reader may still hold its index (see fib4_group_free()).
 */
static void restore4_schedule(void)
{
	if (fib4_restore_pending(fib4))
		thread_add_timer_msec(xdpfwd_master, restore4_run, NULL, 100,
				      &t_restore4);
}

static int fib4_program(struct route_item *r, uint16_t nhg)
{
	uint32_t addr = p4_addr(&r->p);
	uint32_t suppressed;
	int ret;

	if (!nhg) {
		ret = fib4_del(fib4, addr, r->p.prefixlen);
		restore4_schedule();
		return ret;
	}
	ret = fib4_add(fib4, addr, r->p.prefixlen, nhg);
	if (ret == FIB4_DEGRADED) {
		if (rlog_ok(&rl_tbl8, &suppressed))
			zlog_warn("xdpfwd: IPv4 tbl8 groups exhausted (%u, module argument tbl8=N): %pFX and the rest of its /24 left to the kernel; %u /24s with %u routes on the kernel path now (%u similar messages suppressed)",
				  dp_tbl8_groups(), &r->p,
				  fib4_degraded_count(fib4),
				  fib4_degraded_routes(fib4), suppressed);
		return 0;
	}
	return ret;
}

/* ---- IPv6 ---- */

static inline const uint8_t *p6_addr(const struct prefix *p)
{
	return p->u.prefix6.s6_addr;
}

static void fib6_remark_all(void)
{
	struct route_item *r;

	frr_each (routes_table, &routes_head, r)
		if (r->p.family == AF_INET6 && r->nhg[XDPFWD_SRC_ZEBRA])
			rib_mark_selected(&r->p, route_offloaded(r));
}

/*
 * Chunks degraded or restored: the builder does not list a chunk's routes
 * (a /20 has too many possible prefixes to probe, unlike a /24), so every
 * IPv6 route is marked again, once per burst.
 */
static void remark6_run(struct thread *t)
{
	fib6_remark_all();
}

static void remark6_schedule(void)
{
	thread_add_timer_msec(xdpfwd_master, remark6_run, NULL, 200,
			      &t_remark6);
}

static void restore6_run(struct thread *t)
{
	/* each restore copies a chunk: bounded per run */
	unsigned int n = fib6_restore(fib6, 256);

	if (n) {
		remark6_schedule();
		if (IS_XDPFWD_DEBUG(ROUTES))
			zlog_debug("xdpfwd: %u IPv6 chunks restored, %u degraded",
				   n, fib6_degraded_count(fib6));
	}
	/* only while it makes progress: deletes schedule it again */
	if (n && fib6_restore_pending(fib6))
		thread_add_timer_msec(xdpfwd_master, restore6_run, NULL, 10,
				      &t_restore6);
}

/* after deletes: freed slots are reusable after a grace period anyway */
static void restore6_schedule(void)
{
	if (fib6_restore_pending(fib6))
		thread_add_timer_msec(xdpfwd_master, restore6_run, NULL, 100,
				      &t_restore6);
}

static int fib6_program(struct route_item *r, uint16_t nhg)
{
	uint32_t suppressed;
	int ret;

	if (!nhg) {
		ret = fib6_del(fib6, p6_addr(&r->p), r->p.prefixlen);
		restore6_schedule();
		return ret < 0 ? ret : 0;
	}
	ret = fib6_add(fib6, p6_addr(&r->p), r->p.prefixlen, nhg);
	if (ret == FIB6_DEGRADED) {
		if (rlog_ok(&rl_fib6, &suppressed))
			zlog_warn("xdpfwd: IPv6 FIB tables full (%u slots, module argument fib6=N): %pFX and the rest of its /%u left to the kernel; %u /%us on the kernel path now (%u similar messages suppressed)",
				  fib6_slots, &r->p, XDPFWD_FIB6_DIR_BITS,
				  fib6_degraded_count(fib6),
				  XDPFWD_FIB6_DIR_BITS, suppressed);
		remark6_schedule();
		return 0;
	}
	return ret;
}

/*
 * Program the FIB for r's new effective group (0: remove).  Never leaves a
 * state where r's packets take another route's nexthop: what does not fit
 * passes to the kernel (see the top of this file).
 */
static int fib_program(struct route_item *r, uint16_t nhg)
{
	if (r->p.family == AF_INET)
		return fib4_program(r, nhg);
	return fib6_program(r, nhg);
}

/* Does r's traffic take the fast path (whatever its group's type)? */
static bool route_in_fast_path(const struct route_item *r)
{
	if (r->p.family == AF_INET)
		return r->p.prefixlen < 24 ||
		       !fib4_degraded(fib4, p4_addr(&r->p));
	return r->p.prefixlen <= XDPFWD_FIB6_DIR_BITS ||
	       !fib6_degraded(fib6, p6_addr(&r->p));
}

/* the source that wins: the highest one present (enum order) */
static enum xdpfwd_route_src effective_src(const struct route_item *r)
{
	for (int s = XDPFWD_SRC__MAX - 1; s > XDPFWD_SRC_ZEBRA; s--)
		if (r->nhg[s])
			return s;
	return XDPFWD_SRC_ZEBRA;
}

/* inside a shorter IPv6 local prefix: the kernel's, whatever the route */
static bool covered6(const struct prefix *p)
{
	for (unsigned int i = 0; i < ncovers6; i++)
		if (covers6[i].prefixlen < p->prefixlen &&
		    prefix_match(&covers6[i], p))
			return true;
	return false;
}

static uint16_t effective_nhg(const struct route_item *r)
{
	uint16_t nhg = r->nhg[effective_src(r)];

	if (nhg && ncovers6 && r->p.family == AF_INET6 && covered6(&r->p))
		return XDPFWD_NHG_ID_LOCAL;
	return nhg;
}

static int nhg_for_update(const struct xdpfwd_route_update *u)
{
	uint16_t reserved;

	if (u->is_delete)
		return 0;
	if (u->src == XDPFWD_SRC_LOCAL)
		return XDPFWD_NHG_ID_LOCAL;
	if (u->src == XDPFWD_SRC_SRCDEST || u->src == XDPFWD_SRC_KTYPE)
		return XDPFWD_NHG_ID_KERNEL;
	reserved = xdpfwd_kind_group(u->kind);
	return reserved ? reserved : nhg_get(u->nh, u->nh_count);
}

static bool nhg_is_offloaded(uint16_t id)
{
	return id == XDPFWD_NHG_ID_BLACKHOLE ||
	       (id >= XDPFWD_NHG_ID_FIRST_DYNAMIC && nhg_offloadable(id));
}

/*
 * What zebra's entry for r should say: zebra's route is what the FIB has,
 * its group is one the fast path forwards with, and the prefix fits.
 */
static bool route_offloaded(const struct route_item *r)
{
	return r->nhg[XDPFWD_SRC_ZEBRA] && !(r->flags & RF_FIB_FAIL) &&
	       r->installed == r->nhg[XDPFWD_SRC_ZEBRA] &&
	       nhg_is_offloaded(r->installed) && route_in_fast_path(r);
}

/*
 * A /24 was degraded or restored: its /24 route and the longer ones change.
 * A newly degraded /24 has no long route but the one being added, which
 * its caller marks, so only the /24 route is looked up then.
 */
static void fib4_notify(uint32_t idx24, bool degraded, void *arg)
{
	struct route_item key = {}, *r;
	uint8_t maxlen = degraded ? 24 : 32;

	key.p.family = AF_INET;
	for (uint8_t len = 24; len <= maxlen; len++) {
		for (uint32_t k = 0; k < (1u << (len - 24)); k++) {
			key.p.prefixlen = len;
			key.p.u.prefix4.s_addr =
				htonl((idx24 << 8) | (k << (32 - len)));
			r = routes_table_find(&routes_head, &key);
			if (r && r->nhg[XDPFWD_SRC_ZEBRA])
				rib_mark_selected(&r->p, route_offloaded(r));
		}
	}
	if (IS_XDPFWD_DEBUG(ROUTES))
		zlog_debug("xdpfwd: /24 %u.%u.%u.0 %s", idx24 >> 16,
			   (idx24 >> 8) & 0xff, idx24 & 0xff,
			   degraded ? "degraded to the kernel" : "restored");
}

/* ---- retries of zebra routes that got no nexthop group ---- */

static void retry_forget(const struct prefix *p)
{
	struct retry_item key = { .p = *p }, *ri;

	ri = retries_find(&retries_head, &key);
	if (!ri)
		return;
	retries_del(&retries_head, ri);
	XFREE(MTYPE_XDPFWD_RETRY, ri->u);
	XFREE(MTYPE_XDPFWD_RETRY, ri);
}

static void retry_run(struct thread *t);

static void retry_keep(const struct xdpfwd_route_update *u,
		       const struct prefix *p)
{
	size_t sz = sizeof(*u) + u->nh_count * sizeof(u->nh[0]);
	struct retry_item *ri = XCALLOC(MTYPE_XDPFWD_RETRY, sizeof(*ri));

	retry_forget(p);
	ri->p = *p;
	ri->u = XMALLOC(MTYPE_XDPFWD_RETRY, sz);
	memcpy(ri->u, u, sz);
	retries_add(&retries_head, ri);
	thread_add_timer(xdpfwd_master, retry_run, NULL, 5, &t_retry);
}

/*
 * Groups may have been freed since: try again, a bounded number per run.
 * Taken out of the hash first: applying one may add it back.
 */
#define RETRY_BATCH 1000
static void retry_run(struct thread *t)
{
	struct xdpfwd_route_update *batch[RETRY_BATCH];
	struct retry_item *ri;
	unsigned int n = 0;

	frr_each_safe (retries, &retries_head, ri) {
		if (n == RETRY_BATCH)
			break;
		batch[n++] = ri->u;
		retries_del(&retries_head, ri);
		XFREE(MTYPE_XDPFWD_RETRY, ri);
	}
	for (unsigned int i = 0; i < n; i++) {
		routes_apply(batch[i]); /* keeps a copy if it fails */
		XFREE(MTYPE_XDPFWD_RETRY, batch[i]);
	}
	if (retries_count(&retries_head))
		thread_add_timer(xdpfwd_master, retry_run, NULL, 5, &t_retry);
}

/*
 * A source-specific route of zebra's (IPv6 `from`): the kernel picks
 * among the routes of a destination by source, the fast path cannot, so
 * while any exists the destination's entry is KERNEL (the SRCDEST
 * source); the plain route of the same destination stays as it is,
 * reported not offloaded meanwhile.  Longer destinations are not
 * concerned: the kernel matches the destination first.
 */
static int srcdest_apply(const struct xdpfwd_route_update *u)
{
	struct srcdest_item key = {}, *sd;
	struct xdpfwd_route_update derived = {
		.src = XDPFWD_SRC_SRCDEST,
		.kind = XDPFWD_KIND_UNSUPPORTED,
	};
	struct route_item *r;
	int err = 0;

	prefix_copy(&key.dst, &u->prefix);
	apply_mask(&key.dst);
	prefix_copy(&key.src, &u->src_prefix);
	apply_mask(&key.src);
	derived.prefix = key.dst;
	sd = srcdests_find(&srcdests_head, &key);
	if (!u->is_delete && !sd) {
		sd = XCALLOC(MTYPE_XDPFWD_ROUTE, sizeof(*sd));
		*sd = key;
		srcdests_add(&srcdests_head, sd);
		err = routes_apply(&derived);
		r = routes_table_find(&routes_head,
				      &(struct route_item){ .p = key.dst });
		if (r)
			r->srcdest_count++;
	} else if (u->is_delete && sd) {
		srcdests_del(&srcdests_head, sd);
		XFREE(MTYPE_XDPFWD_ROUTE, sd);
		r = routes_table_find(&routes_head,
				      &(struct route_item){ .p = key.dst });
		if (r && r->srcdest_count && !--r->srcdest_count) {
			derived.is_delete = true;
			err = routes_apply(&derived);
		}
	}
	if (!u->is_delete)
		rib_mark_update(u, false);
	/* the plain route's flag: its traffic goes to the kernel or back */
	r = routes_table_find(&routes_head,
			      &(struct route_item){ .p = key.dst });
	if (r && r->nhg[XDPFWD_SRC_ZEBRA])
		rib_mark_selected(&r->p, route_offloaded(r));
	return err;
}

/* the FIB entry of @r, as its sources now say */
static int route_install(struct route_item *r)
{
	uint16_t eff = effective_nhg(r);
	uint32_t suppressed;
	int err;

	if (eff == r->installed)
		return 0;
	err = fib_program(r, eff);
	if (err) {
		r->flags |= RF_FIB_FAIL;
		failures++;
		if (rlog_ok(&rl_err, &suppressed))
			flog_err(EC_LIB_DEVELOPMENT,
				 "xdpfwd: %pFX: programming the FIB: %s (%u similar messages suppressed)",
				 &r->p, strerror(-err), suppressed);
	} else
		r->flags &= ~RF_FIB_FAIL;
	r->installed = eff;
	return err;
}

int routes_apply(const struct xdpfwd_route_update *u)
{
	struct route_item key = {}, *r;
	uint16_t old;
	uint32_t suppressed;
	bool nhg_fail = false;
	int nhg, err = 0;

	if (!fib4)
		return -ENOENT;
	if (u->src == XDPFWD_SRC_ZEBRA && u->src_prefix.prefixlen)
		return srcdest_apply(u);
	prefix_copy(&key.p, &u->prefix);
	apply_mask(&key.p);
	if (u->src == XDPFWD_SRC_ZEBRA && retries_count(&retries_head))
		retry_forget(&key.p); /* superseded by this update */
	r = routes_table_find(&routes_head, &key);
	if (!r && u->is_delete)
		return 0;

	nhg = nhg_for_update(u);
	if (nhg < 0) {
		/* no room for its group: the kernel keeps forwarding it */
		if (rlog_ok(&rl_nhg, &suppressed))
			zlog_warn("xdpfwd: %pFX: no nexthop group or adjacency left (%s): left to the kernel, retried later (%u similar messages suppressed)",
				  &key.p, strerror(-nhg), suppressed);
		failures++;
		nhg = XDPFWD_NHG_ID_KERNEL;
		nhg_fail = true;
		if (u->src == XDPFWD_SRC_ZEBRA)
			retry_keep(u, &key.p);
	}
	if (!r) {
		r = XCALLOC(MTYPE_XDPFWD_ROUTE, sizeof(*r));
		r->p = key.p;
		routes_table_add(&routes_head, r);
	}
	old = r->nhg[u->src];
	r->nhg[u->src] = nhg;
	if (u->src == XDPFWD_SRC_ZEBRA) {
		if (!old && nhg)
			zebra_routes++;
		else if (old && !nhg)
			zebra_routes--;
		if ((r->flags & RF_NHG_FAIL) && !nhg_fail)
			nhg_fallbacks--;
		else if (!(r->flags & RF_NHG_FAIL) && nhg_fail)
			nhg_fallbacks++;
		if (nhg_fail)
			r->flags |= RF_NHG_FAIL;
		else
			r->flags &= ~RF_NHG_FAIL;
	}
	err = route_install(r);
	/* after the FIB moved on; the same group again was re-referenced by
	 * nhg_for_update, so this put balances it
	 */
	if (old)
		nhg_put(old);

	if (IS_XDPFWD_DEBUG(ROUTES))
		zlog_debug("xdpfwd: %s %pFX source %d group %u -> %u%s",
			   u->is_delete ? "delete" : "install", &r->p, u->src,
			   old, nhg, err ? " (failed)" : "");

	if (u->src == XDPFWD_SRC_ZEBRA && !u->is_delete)
		rib_mark_update(u, !err && route_offloaded(r));

	if (!effective_nhg(r)) {
		routes_table_del(&routes_head, r);
		XFREE(MTYPE_XDPFWD_ROUTE, r);
	}
	return err;
}

/* ---- connected routes and martian sources from addresses ---- */

static void addr_routes(const struct xnl_addr *a, bool add)
{
	XDPFWD_ROUTE_UPDATE_ON_STACK(w, 1);
	struct xdpfwd_route_update *up = &w.u;
	const struct xdpfwd_link *l = mirror_link(a->ifindex);
	bool loopback = l && strcmp(l->name, "lo") == 0;

	/* another VRF's (or a bond slave's) address is not the default
	 * VRF's: the fast path has no route from it
	 */
	if (l && l->other_master)
		add = false;

	up->is_delete = !add;
	up->prefix.family = a->family;
	up->prefix.prefixlen = a->prefixlen;
	memcpy(&up->prefix.u.prefix, a->addr, a->family == AF_INET ? 4 : 16);
	if (a->family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL((struct in6_addr *)a->addr))
		return; /* link-local never takes the fast path */

	/* the subnet, reached through the neighbour map; none for an
	 * address with noprefixroute, as in the kernel
	 */
	if (!loopback && a->prefixlen < (a->family == AF_INET ? 32 : 128) &&
	    !(a->flags & IFA_F_NOPREFIXROUTE)) {
		apply_mask(&up->prefix);
		up->src = XDPFWD_SRC_CONNECTED;
		up->kind = XDPFWD_KIND_FORWARD;
		up->nh_count = 1;
		up->nh[0].ifindex = a->ifindex;
		up->nh[0].family = AF_UNSPEC;
		up->nh[0].weight = 1;
		routes_apply(up);
	}
	/* the address itself, its broadcast address, a subnet on lo: the
	 * local table's routes (routes_kernel_route)
	 */
}

/*
 * The router's own IPv4 addresses, as martian sources: the kernel refuses
 * a source that is an address of any device of the namespace
 * (inet_lookup_ifaddr_rcu(), whatever the VRF), not its broadcast ones.
 */
static void local4_sync(const struct xnl_addr *a)
{
	const struct xnl_addr *o = NULL;
	uint32_t addr;

	memcpy(&addr, a->addr, sizeof(addr));
	while ((o = mirror_addr_next(o)))
		if (o->family == AF_INET && !memcmp(o->addr, a->addr, 4))
			break;
	dp_local4_set(addr, o != NULL);
}

static void addr_subnet(const struct xnl_addr *a, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = a->family;
	p->prefixlen = a->prefixlen;
	memcpy(&p->u.prefix, a->addr, a->family == AF_INET ? 4 : 16);
	apply_mask(p);
}

/* an IPv6 local prefix shorter than /128 came or went: the routes inside
 * it follow
 */
static void covers6_update(const struct prefix *p, bool present)
{
	struct route_item *r;
	unsigned int i;

	for (i = 0; i < ncovers6; i++)
		if (prefix_same(&covers6[i], p))
			break;
	if (present == (i < ncovers6))
		return;
	if (present) {
		covers6 = XREALLOC(MTYPE_XDPFWD_ROUTE, covers6,
				   (ncovers6 + 1) * sizeof(*covers6));
		covers6[ncovers6++] = *p;
	} else
		covers6[i] = covers6[--ncovers6];
	frr_each (routes_table, &routes_head, r) {
		if (r->p.family != AF_INET6 || r->p.prefixlen <= p->prefixlen ||
		    !prefix_match(p, &r->p))
			continue;
		route_install(r);
		if (r->nhg[XDPFWD_SRC_ZEBRA])
			rib_mark_selected(&r->p, route_offloaded(r));
	}
}

/*
 * Inside what the datapath passes before its FIB lookup (bpf/addr.h:
 * 0/8, 127/8, 224/4, 255.255.255.255; ::, ::1, fe80::/10, ff00::/8): an
 * entry there would never be read, and lo's 127.255.255.255 would take a
 * tbl8 group.
 */
static bool never_looked_up(const struct prefix *p)
{
	const uint8_t *b = p->u.val;
	uint32_t a;

	if (p->family == AF_INET) {
		a = ntohl(p->u.prefix4.s_addr);
		return (p->prefixlen >= 4 && (a >> 28) == 0xe) ||
		       (p->prefixlen >= 8 && ((a >> 24) == 0 ||
					      (a >> 24) == 127)) ||
		       (p->prefixlen == 32 && a == 0xffffffff);
	}
	if (p->prefixlen >= 8 && b[0] == 0xff)
		return true;
	if (p->prefixlen >= 10 && b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return true;
	return p->prefixlen == 128 && (IN6_IS_ADDR_UNSPECIFIED(&p->u.prefix6) ||
				       IN6_IS_ADDR_LOOPBACK(&p->u.prefix6));
}

void routes_kernel_route(const struct xnl_route *kr, bool present)
{
	struct xdpfwd_route_update u = {
		.is_delete = !present,
		.src = kr->local_table ? XDPFWD_SRC_LOCAL : XDPFWD_SRC_KTYPE,
		.kind = kr->local_table ? XDPFWD_KIND_FORWARD
					: XDPFWD_KIND_UNSUPPORTED,
	};
	struct route_item *r;

	u.prefix.family = kr->family;
	u.prefix.prefixlen = kr->prefixlen;
	memcpy(&u.prefix.u.prefix, kr->addr, kr->family == AF_INET ? 4 : 16);
	apply_mask(&u.prefix);
	if (kr->local_table && never_looked_up(&u.prefix))
		return;
	routes_apply(&u);
	if (kr->local_table && kr->family == AF_INET6 && kr->prefixlen < 128)
		covers6_update(&u.prefix, present);
	/* zebra's route of the same prefix, if any, follows */
	r = routes_table_find(&routes_head, &(struct route_item){ .p = u.prefix });
	if (r && r->nhg[XDPFWD_SRC_ZEBRA])
		rib_mark_selected(&r->p, route_offloaded(r));
	if (IS_XDPFWD_DEBUG(ROUTES))
		zlog_debug("xdpfwd: kernel route %pFX type %u %s: %s", &u.prefix,
			   kr->type, present ? "added" : "gone",
			   present ? "to the kernel" : "fast path as before");
}

void routes_link_changed(int ifindex)
{
	const struct xnl_addr *a = NULL;

	while ((a = mirror_addr_next(a)))
		if (a->ifindex == ifindex)
			addr_routes(a, true);
}

void routes_addr_changed(const struct xnl_addr *a, bool deleted)
{
	const struct xnl_addr *other = NULL;
	struct prefix pg, pa;

	addr_routes(a, !deleted);
	if (a->family == AF_INET)
		local4_sync(a);
	if (!deleted)
		return;
	/* another address (already in the mirror) may still provide the
	 * same connected subnet
	 */
	addr_subnet(a, &pg);
	while ((other = mirror_addr_next(other))) {
		if (other->family != a->family ||
		    other->prefixlen != a->prefixlen)
			continue;
		addr_subnet(other, &pa);
		if (prefix_same(&pa, &pg))
			addr_routes(other, true);
	}
}

/* After an interface is enabled or disabled, zebra's selected routes
 * through it change offload state.
 */
void routes_refresh_offload(void)
{
	struct route_item *r;

	frr_each (routes_table, &routes_head, r)
		if (r->nhg[XDPFWD_SRC_ZEBRA])
			rib_mark_selected(&r->p, route_offloaded(r));
}

/* ---- state for the audit (audit.c) ---- */

static struct route_item *route_lookup(const struct prefix *p)
{
	struct route_item key = {};

	prefix_copy(&key.p, p);
	apply_mask(&key.p);
	return routes_table_find(&routes_head, &key);
}

int routes_state(const struct prefix *p, struct xdpfwd_route_state *st)
{
	struct route_item *r = route_lookup(p);

	memset(st, 0, sizeof(*st));
	if (!r)
		return -ENOENT;
	memcpy(st->nhg, r->nhg, sizeof(st->nhg));
	st->installed = r->installed;
	st->src = effective_src(r);
	st->in_fast_path = route_in_fast_path(r);
	st->offloaded = route_offloaded(r);
	st->nhg_fallback = r->flags & RF_NHG_FAIL;
	return 0;
}

/*
 * What the datapath's map gives for r's prefix, against the group the
 * plugin installed: 0 consistent, -EIO not, -ENOENT not in the map.
 */
int routes_map_check(const struct prefix *p, uint32_t *seen)
{
	const struct route_item *r = route_lookup(p);
	uint16_t v4 = 0;
	int ret;

	*seen = 0;
	if (!r || !r->installed)
		return -ENOENT;
	if (p->family == AF_INET) {
		ret = fib4_verify(fib4, p4_addr(&r->p), r->p.prefixlen, &v4);
		*seen = v4;
		if (!ret && !fib4_degraded(fib4, p4_addr(&r->p)) &&
		    (fib4_get(fib4, p4_addr(&r->p), r->p.prefixlen, &v4) ||
		     v4 != r->installed))
			ret = -EIO; /* the builder has another group */
		return ret;
	} else {
		const uint8_t *a = p6_addr(&r->p);
		uint32_t nhg6 = 0;

		if (fib6_get(fib6, a, r->p.prefixlen, &nhg6))
			return -ENOENT;
		/* the prefix's first address, as the datapath reads it,
		 * against what the builder says it must answer there (the
		 * route, a more specific one, or KERNEL when degraded)
		 */
		*seen = fib6_lookup(fib6, a);
		if (nhg6 != r->installed || *seen != fib6_expect(fib6, a))
			return -EIO;
		return 0;
	}
}

uint32_t routes_zebra_count(void)
{
	return zebra_routes;
}

const struct prefix *routes_next(const struct prefix *prev)
{
	const struct route_item *r;

	if (!prev)
		r = routes_table_first(&routes_head);
	else
		r = routes_table_const_next(&routes_head, container_of(prev, struct route_item, p));
	return r ? &r->p : NULL;
}

void routes_capacity(struct xdpfwd_capacity *c)
{
	memset(c, 0, sizeof(*c));
	if (!fib4)
		return;
	c->tbl8_groups = dp_tbl8_groups();
	c->tbl8_used = fib4_tbl8_used(fib4);
	c->degraded24 = fib4_degraded_count(fib4);
	c->degraded_routes = fib4_degraded_routes(fib4);
	c->fib6_slots = fib6_slots;
	c->fib6_slots_used = fib6_slots_used(fib6);
	c->degraded6 = fib6_degraded_count(fib6);
	c->nhg_fallbacks = nhg_fallbacks;
	c->retries = retries_count(&retries_head);
}

void routes_capacity_json(json_object *json)
{
	struct xdpfwd_capacity c;
	json_object *o = json_object_new_object();

	routes_capacity(&c);
	json_object_int_add(o, "tbl8Used", c.tbl8_used);
	json_object_int_add(o, "tbl8Groups", c.tbl8_groups);
	json_object_int_add(o, "degraded24", c.degraded24);
	json_object_int_add(o, "degradedRoutes", c.degraded_routes);
	json_object_int_add(o, "fib6Slots", c.fib6_slots);
	json_object_int_add(o, "fib6SlotsUsed", c.fib6_slots_used);
	json_object_int_add(o, "degradedChunks6", c.degraded6);
	json_object_int_add(o, "nhgFallbacks", c.nhg_fallbacks);
	json_object_int_add(o, "retries", c.retries);
	json_object_object_add(json, "capacity", o);
}

/* ---- show ---- */

static const char *nhg_type_str(uint16_t id)
{
	switch (id) {
	case 0:
		return "none";
	case XDPFWD_NHG_ID_LOCAL:
		return "local";
	case XDPFWD_NHG_ID_BLACKHOLE:
		return "blackhole";
	case XDPFWD_NHG_ID_UNREACHABLE:
		return "unreachable";
	case XDPFWD_NHG_ID_KERNEL:
		return "kernel";
	}
	return "forward";
}

static const char *const src_names[] = {
	[XDPFWD_SRC_ZEBRA] = "zebra",
	[XDPFWD_SRC_CONNECTED] = "connected",
	[XDPFWD_SRC_SRCDEST] = "source-specific",
	[XDPFWD_SRC_KTYPE] = "kernel route type",
	[XDPFWD_SRC_LOCAL] = "local",
};

static void route_show_one(struct vty *vty, const struct route_item *r,
			   json_object *arr)
{
	uint16_t id = r->installed;
	bool fast = route_in_fast_path(r);
	bool offloaded = nhg_is_offloaded(id) && fast;

	if (arr) {
		json_object *o = json_object_new_object();

		json_object_string_addf(o, "prefix", "%pFX", &r->p);
		json_object_int_add(o, "nhgId", id);
		json_object_string_add(o, "type", nhg_type_str(id));
		json_object_string_add(o, "source",
				       src_names[effective_src(r)]);
		json_object_boolean_add(o, "offloaded", offloaded);
		if (!fast)
			json_object_string_add(o, "kernelPath",
					       r->p.family == AF_INET
						       ? "tbl8 full: /24 degraded"
						       : "IPv6 tables full: chunk degraded");
		if (id >= XDPFWD_NHG_ID_FIRST_DYNAMIC)
			nhg_describe(id, vty, o);
		json_object_array_add(arr, o);
		return;
	}
	vty_out(vty, "%pFX %s, group %u, %s%s%s\n", &r->p, nhg_type_str(id), id,
		src_names[effective_src(r)], offloaded ? ", offloaded" : "",
		fast ? "" : ", kernel path (table full)");
	if (id >= XDPFWD_NHG_ID_FIRST_DYNAMIC)
		nhg_describe(id, vty, NULL);
}

void routes_show(struct vty *vty, const struct prefix *match,
		 json_object *json)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	struct route_item *r;

	if (match && match->prefixlen == (match->family == AF_INET ? 32 : 128)) {
		/* an address: its longest match */
		struct route_item key = {};

		for (int len = match->prefixlen; len >= 0; len--) {
			prefix_copy(&key.p, match);
			key.p.prefixlen = len;
			apply_mask(&key.p);
			r = routes_table_find(&routes_head, &key);
			if (r && r->installed) {
				route_show_one(vty, r, arr);
				break;
			}
		}
	} else {
		frr_each (routes_table, &routes_head, r) {
			if (!r->installed)
				continue;
			if (match && prefix_cmp(&r->p, match))
				continue;
			route_show_one(vty, r, arr);
		}
	}
	if (json)
		json_object_object_add(json, "routes", arr);
}

/*
 * QueryForward's routes table (show xdpfwd forward routes): one entry per
 * resolved gateway of every route the fast path forwards, the routes in
 * the table's order; @match: an address (its longest match) or a prefix
 * (the routes inside it).  Counts every matching entry for "total" but
 * builds only offset..offset+limit, so a full table costs one walk, not
 * its JSON.
 */
void routes_forward_json(const struct prefix *match, uint32_t offset,
			 uint32_t limit, json_object *json)
{
	json_object *arr = json_object_new_array();
	uint64_t total = 0;
	struct route_item *r;

	frr_each (routes_table, &routes_head, r) {
		uint64_t room = 0, skip = 0;

		if (!r->installed || r->installed < XDPFWD_NHG_ID_FIRST_DYNAMIC ||
		    !route_in_fast_path(r))
			continue;
		if (match && !prefix_match(match, &r->p))
			continue;
		if (total < (uint64_t)offset + limit) {
			skip = total < offset ? offset - total : 0;
			room = (uint64_t)offset + limit - total - skip;
		}
		total += nhg_forward_json(r->installed, &r->p, skip, room, arr);
	}
	xdpfwd_json_u64(json, "total", total);
	json_object_object_add(json, "entries", arr);
}

/* the longest match of an address, as routes_forward_json's table */
void routes_forward_lpm_json(const struct prefix *addr, json_object *json)
{
	json_object *arr = json_object_new_array();
	struct route_item key = {};
	struct route_item *r;
	unsigned int n = 0;

	for (int len = addr->prefixlen; len >= 0; len--) {
		prefix_copy(&key.p, addr);
		key.p.prefixlen = len;
		apply_mask(&key.p);
		r = routes_table_find(&routes_head, &key);
		if (!r || !r->installed)
			continue;
		if (r->installed >= XDPFWD_NHG_ID_FIRST_DYNAMIC &&
		    route_in_fast_path(r))
			n = nhg_forward_json(r->installed, &r->p, 0,
					     XDPFWD_NHG_SLOTS, arr);
		break;
	}
	xdpfwd_json_u64(json, "total", n);
	json_object_object_add(json, "entries", arr);
}
