// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: the policy routing rules, as a count per family of
 * those that are not the kernel's defaults (IPv4: 0 local, 32766 main,
 * 32767 default; IPv6: 0 local, 32766 main, each without selectors).
 */
#include "config.h"
#include <zebra.h>

#include <linux/fib_rules.h>

#include "lib/jhash.h"
#include "lib/memory.h"
#include "lib/typesafe.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_RULE, "xdpfwd rule");

PREDECL_HASH(rules);
struct rule_item {
	struct rules_item hitem;
	int family;
	uint32_t sig;
	uint32_t count; /* identical rules the kernel holds */
	bool is_default;
	bool stale;
};

static int rule_cmp(const struct rule_item *a, const struct rule_item *b)
{
	if (a->family != b->family)
		return numcmp(a->family, b->family);
	return numcmp(a->sig, b->sig);
}

static uint32_t rule_hash(const struct rule_item *a)
{
	return jhash_2words(a->family, a->sig, 0);
}
DECLARE_HASH(rules, struct rule_item, hitem, rule_cmp, rule_hash);

static struct rules_head rules_head;
static uint32_t policy_rules[2]; /* non-default ones: IPv4, IPv6 */

static int fam_idx(int family)
{
	return family == AF_INET6;
}

static bool rule_is_default(const struct xnl_rule *r)
{
	if (r->selectors || r->action != FR_ACT_TO_TBL)
		return false;
	if (r->priority == 0 && r->table == RT_TABLE_LOCAL)
		return true;
	if (r->priority == 32766 && r->table == RT_TABLE_MAIN)
		return true;
	return r->family == AF_INET && r->priority == 32767 &&
	       r->table == RT_TABLE_DEFAULT;
}

void mirror_rules_init(void)
{
	rules_init(&rules_head);
	policy_rules[0] = policy_rules[1] = 0;
}

void mirror_rules_fini(void)
{
	struct rule_item *ri;

	frr_each_safe (rules, &rules_head, ri) {
		rules_del(&rules_head, ri);
		XFREE(MTYPE_XDPFWD_RULE, ri);
	}
}

/* the counts from the rules (a handful): true when they changed */
static bool recount(void)
{
	uint32_t before[2] = { policy_rules[0], policy_rules[1] };
	struct rule_item *ri;

	policy_rules[0] = policy_rules[1] = 0;
	frr_each (rules, &rules_head, ri)
		/* stale ones too: until the dump ends they may still exist */
		if (!ri->is_default)
			policy_rules[fam_idx(ri->family)] += ri->count;
	return before[0] != policy_rules[0] || before[1] != policy_rules[1];
}

bool mirror_rule_update(const struct xnl_rule *r, bool deleted)
{
	struct rule_item key = { .family = r->family, .sig = r->sig }, *ri;

	ri = rules_find(&rules_head, &key);
	if (deleted) {
		if (!ri)
			return false;
		if (!--ri->count) {
			rules_del(&rules_head, ri);
			XFREE(MTYPE_XDPFWD_RULE, ri);
		}
	} else if (ri) {
		/* identical rules are the kernel's to hold: count them; a
		 * resync's dump counts them again from one
		 */
		ri->count = ri->stale ? 1 : ri->count + 1;
		ri->stale = false;
	} else {
		ri = XCALLOC(MTYPE_XDPFWD_RULE, sizeof(*ri));
		*ri = key;
		ri->count = 1;
		ri->is_default = rule_is_default(r);
		rules_add(&rules_head, ri);
	}
	return recount();
}

uint32_t mirror_policy_rules(int family)
{
	return policy_rules[fam_idx(family)];
}

void mirror_rules_resync_begin(void)
{
	struct rule_item *ri;

	frr_each (rules, &rules_head, ri)
		ri->stale = true;
}

bool mirror_rules_drop_stale(void)
{
	struct rule_item *ri;

	frr_each_safe (rules, &rules_head, ri)
		if (ri->stale) {
			rules_del(&rules_head, ri);
			XFREE(MTYPE_XDPFWD_RULE, ri);
		}
	return recount();
}
