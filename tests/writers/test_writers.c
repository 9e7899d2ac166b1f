// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the route, nexthop and interface writers over a fake BPF
 * layer (fake_dp.c): the real writers and kernel mirror, FRR's lib, and
 * plain memory where the maps would be.  Each case starts from nothing,
 * feeds events in the dispatcher's order (plugin/dispatch.c: the mirror
 * first, then the writers) and checks what the datapath would read: the
 * FIB entry, the group's slots, the adjacency, the neighbour map, and what
 * zebra's route entry is told (offloaded or not).
 */
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "lib/prefix.h"
#include "lib/thread.h"

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/iface.h"
#include "plugin/writers/nexthop.h"
#include "plugin/writers/routes.h"
#include "tests/writers/fake_dp.h"

static unsigned int n_pass, n_fail;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("#   %s:%d: ", __func__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			return false;                                          \
		}                                                              \
	} while (0)

/* ---- events, in the dispatcher's order ---- */

static const uint8_t MAC_R1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_R2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0xaa, 0x01 };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0xbb, 0x01 };

/* @master: a master that is not a bridge (a VRF, a bond), 0 for none */
static void ev_link_master(int ifindex, const char *name, const uint8_t *mac,
			   int master)
{
	struct xnl_link nl = { .ifindex = ifindex, .mtu = 1500,
			       .has_mac = true, .admin_up = true,
			       .oper_up = true, .master = master };
	const struct xdpfwd_link *l = mirror_link(ifindex);
	int old_master = l ? l->other_master : 0;

	strlcpy(nl.name, name, sizeof(nl.name));
	strlcpy(nl.kind, "veth", sizeof(nl.kind));
	memcpy(nl.mac, mac, 6);
	mirror_link_update(&nl, false);
	iface_link_changed(ifindex);
	nexthop_link_changed(ifindex);
	if (mirror_link(ifindex)->other_master != old_master)
		routes_link_changed(ifindex);
}

static void ev_link(int ifindex, const char *name, const uint8_t *mac)
{
	ev_link_master(ifindex, name, mac, 0);
}

/* @state: NUD_* as the kernel reports it */
static void ev_neigh_state(int ifindex, const char *addr, const uint8_t *mac,
			   uint16_t state)
{
	struct xnl_neigh n = { .ifindex = ifindex, .state = state };

	n.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(n.family, addr, n.addr);
	if (mac) {
		memcpy(n.mac, mac, 6);
		n.has_mac = n.usable = true;
	}
	if (mirror_neigh_update(&n, !mac))
		nexthop_neigh_changed(n.ifindex, n.family, n.addr);
}

static void ev_neigh(int ifindex, const char *addr, const uint8_t *mac)
{
	ev_neigh_state(ifindex, addr, mac, mac ? NUD_REACHABLE : NUD_FAILED);
}

static void ev_addr(int ifindex, const char *cidr, bool deleted)
{
	struct xnl_addr a = { .ifindex = ifindex };
	struct prefix p;

	str2prefix(cidr, &p);
	a.family = p.family;
	a.prefixlen = p.prefixlen;
	memcpy(a.addr, &p.u.prefix, p.family == AF_INET ? 4 : 16);
	if (mirror_addr_update(&a, deleted))
		routes_addr_changed(&a, deleted);
}

/*
 * A route of the kernel's (dispatch.c's on_route): @cidr of @type, in the
 * local table or the main one, made by the kernel for an address or added
 * through netlink, on device @ifindex.
 */
static void ev_kroute(const char *cidr, uint8_t type, bool local_table,
		      bool kernel_made, int ifindex, bool deleted)
{
	struct xnl_route kr = { .type = type, .local_table = local_table,
				.kernel_made = kernel_made,
				.ifindex = ifindex };
	bool custom4 = mirror_ipv4_custom_local();
	struct prefix p;

	str2prefix(cidr, &p);
	kr.family = p.family;
	kr.prefixlen = p.prefixlen;
	memcpy(kr.addr, &p.u.prefix, p.family == AF_INET ? 4 : 16);
	if (mirror_kroute_update(&kr, deleted))
		routes_kernel_route(&kr, !deleted);
	if (custom4 != mirror_ipv4_custom_local())
		iface_refresh_all();
}

/* a netconf report: @fwd / @rpf -1 when not in it */
static void ev_netconf(int family, int ifindex, int fwd, int rpf)
{
	struct xnl_netconf nc = { .family = family, .ifindex = ifindex,
				  .has_forwarding = fwd >= 0,
				  .forwarding = fwd,
				  .has_rp_filter = rpf >= 0,
				  .rp_filter = rpf };
	const struct xdpfwd_link *l;

	if (!mirror_netconf_update(&nc, false))
		return;
	if (ifindex < 0) {
		iface_refresh_all();
		return;
	}
	iface_link_changed(ifindex);
	l = mirror_link(ifindex);
	if (l && l->is_bridge)
		iface_bridge_changed(ifindex);
}

static bool enable(const char *ifname)
{
	const struct xdpfwd_link *l;
	char err[256];

	if (iface_enable(ifname, false, err, sizeof(err)))
		return false;
	l = mirror_link_by_name(ifname);
	nexthop_link_changed(l->ifindex);
	routes_refresh_offload();
	return true;
}

/* a zebra route: nexthops "GW%IFINDEX*WEIGHT" (GW "-" for on-link) */
static int zroute(const char *prefix, enum xdpfwd_route_kind kind, int n, ...)
{
	XDPFWD_ROUTE_UPDATE_ON_STACK(w, XDPFWD_NHG_SLOTS);
	va_list ap;

	str2prefix(prefix, &w.u.prefix);
	w.u.src = XDPFWD_SRC_ZEBRA;
	w.u.kind = kind;
	w.u.nh_count = n;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		char buf[64], *pct, *star;

		strlcpy(buf, va_arg(ap, const char *), sizeof(buf));
		pct = strchr(buf, '%');
		star = strchr(buf, '*');
		*pct = '\0';
		w.u.nh[i].ifindex = atoi(pct + 1);
		w.u.nh[i].weight = star ? atoi(star + 1) : 1;
		if (!strcmp(buf, "-"))
			w.u.nh[i].family = AF_UNSPEC;
		else {
			w.u.nh[i].family = strchr(buf, ':') ? AF_INET6 : AF_INET;
			inet_pton(w.u.nh[i].family, buf, w.u.nh[i].gw);
		}
	}
	va_end(ap);
	return routes_apply(&w.u);
}

/* a source-specific (IPv6 `from`) route of zebra's, through @gw%@ifindex */
static int zroute_from(const char *prefix, const char *from, const char *gw,
		       int ifindex, bool is_delete)
{
	XDPFWD_ROUTE_UPDATE_ON_STACK(w, 1);

	str2prefix(prefix, &w.u.prefix);
	str2prefix(from, &w.u.src_prefix);
	w.u.src = XDPFWD_SRC_ZEBRA;
	w.u.is_delete = is_delete;
	w.u.nh_count = is_delete ? 0 : 1;
	w.u.nh[0].ifindex = ifindex;
	w.u.nh[0].family = AF_INET6;
	inet_pton(AF_INET6, gw, w.u.nh[0].gw);
	return routes_apply(&w.u);
}

static int zdelete(const char *prefix)
{
	struct xdpfwd_route_update u = { .is_delete = true,
					 .src = XDPFWD_SRC_ZEBRA };

	str2prefix(prefix, &u.prefix);
	return routes_apply(&u);
}

static uint16_t lookup4(const char *addr)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	return fake_fib4_lookup(ntohl(a.s_addr));
}

static int marked(const char *prefix)
{
	struct prefix p;

	str2prefix(prefix, &p);
	return fake_rib_mark(&p);
}

/* two routers' worth of links: eth1 (ifindex 2) and eth2 (3) */
static void two_links(bool attach)
{
	ev_link(2, "eth1", MAC_R1);
	ev_link(3, "eth2", MAC_R2);
	if (attach) {
		enable("eth1");
		enable("eth2");
	}
}

/* the adjacency of a one-path group, as a reader finds it now */
#define ADJ_OF(g) fake_adj(fake_nhg(g)->slot[0])

/* slots of group @id pointing at adjacency @adj */
static unsigned int slots_of(uint16_t id, uint16_t adj)
{
	const struct xdpfwd_nhg *g = fake_nhg(id);
	unsigned int n = 0;

	for (unsigned int i = 0; i < g->nslots; i++)
		n += g->slot[i] == adj;
	return n;
}

/* ---- cases ---- */

static bool route_via_resolved_gateway(void)
{
	const struct xdpfwd_adj *a;
	uint16_t g;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	CHECK(zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2") == 0,
	      "apply");
	g = lookup4("192.0.2.77");
	CHECK(g >= XDPFWD_NHG_ID_FIRST_DYNAMIC, "FIB gives group %u", g);
	CHECK(fake_nhg(g)->type == XDPFWD_NHG_FORWARD &&
		      fake_nhg(g)->nslots == 1,
	      "group type %u slots %u", fake_nhg(g)->type, fake_nhg(g)->nslots);
	a = fake_adj(fake_nhg(g)->slot[0]);
	CHECK(a->ifindex == 2 && !memcmp(a->dmac, MAC_A, 6) &&
		      !memcmp(a->smac, MAC_R1, 6),
	      "adjacency egress %u, MACs", a->ifindex);
	CHECK(a->flags == (XDPFWD_ADJ_F_VALID | XDPFWD_ADJ_F_RESOLVED |
			   XDPFWD_ADJ_F_NATIVE_TX),
	      "adjacency flags %#x (eth1 is native: takes native redirects)",
	      a->flags);
	CHECK(fake_iface(2)->flags & XDPFWD_IF_F_NATIVE,
	      "eth1 is a native-mode ingress");
	/* a link starts unread: a VLAN tag may be metadata there */
	CHECK(fake_iface(2)->flags & XDPFWD_IF_F_VLAN_HW,
	      "eth1's VLAN offload not read: its frames are the kernel's");
	CHECK(mirror_link_set_vlan_hw(2, XVLAN_NONE) &&
		      !mirror_link_set_vlan_hw(2, XVLAN_NONE),
	      "eth1 read: tags arrive in the frame (one change)");
	iface_link_changed(2);
	CHECK(!(fake_iface(2)->flags & XDPFWD_IF_F_VLAN_HW),
	      "eth1 forwards in XDP");
	CHECK(mirror_link_set_vlan_hw(2, XVLAN_PEER_INSERTS),
	      "eth1's peer inserts tags as metadata");
	iface_link_changed(2);
	CHECK(fake_iface(2)->flags & XDPFWD_IF_F_VLAN_HW,
	      "eth1's frames are the kernel's again");
	mirror_link_set_vlan_hw(2, XVLAN_NONE);
	iface_link_changed(2);
	CHECK(a->mtu == 1500 && a->mtu6 == 1500, "mtu %u, IPv6 %u", a->mtu,
	      a->mtu6);
	CHECK(mirror_link_set_mtu6(2, 1400), "eth1's IPv6 MTU read: 1400");
	nexthop_link_changed(2);
	a = ADJ_OF(g);
	CHECK(a->mtu == 1500 && a->mtu6 == 1400,
	      "a lower IPv6 MTU is the adjacency's IPv6 MTU only (%u, %u)",
	      a->mtu, a->mtu6);
	mirror_link_set_mtu6(2, 9000);
	nexthop_link_changed(2);
	a = ADJ_OF(g);
	CHECK(a->mtu6 == 1500, "never above the link MTU (%u)", a->mtu6);
	CHECK(marked("192.0.2.0/24") == 1, "zebra's entry: %d",
	      marked("192.0.2.0/24"));
	CHECK(lookup4("192.0.3.1") == 0, "no route elsewhere");
	return true;
}

static bool neighbour_events_rewrite_the_adjacency(void)
{
	const struct xdpfwd_adj *a;
	uint16_t g, adj;

	two_links(true);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	adj = fake_nhg(g)->slot[0];
	CHECK(!(ADJ_OF(g)->flags & XDPFWD_ADJ_F_RESOLVED),
	      "unresolved at first");
	ev_neigh(2, "10.0.1.2", MAC_A);
	a = ADJ_OF(g);
	CHECK((a->flags & XDPFWD_ADJ_F_RESOLVED) && !memcmp(a->dmac, MAC_A, 6),
	      "resolved by the neighbour event");
	CHECK(fake_nhg(g)->slot[0] != adj &&
		      !(fake_adj(adj)->flags & XDPFWD_ADJ_F_RESOLVED),
	      "written whole under a new id; the old one left as it was");
	adj = fake_nhg(g)->slot[0];
	ev_neigh(2, "10.0.1.2", MAC_B);
	CHECK(!memcmp(ADJ_OF(g)->dmac, MAC_B, 6) &&
		      !memcmp(fake_adj(adj)->dmac, MAC_A, 6),
	      "a new MAC: a new id, the old id still whole (a reader may hold it)");
	CHECK(lookup4("192.0.2.1") == g, "the same group");
	ev_neigh(2, "10.0.1.2", NULL);
	CHECK(!(ADJ_OF(g)->flags & XDPFWD_ADJ_F_RESOLVED),
	      "the neighbour's going clears RESOLVED");
	ev_neigh(3, "10.0.1.2", MAC_A);
	CHECK(!(ADJ_OF(g)->flags & XDPFWD_ADJ_F_RESOLVED),
	      "the same address on another interface is another neighbour");
	CHECK(adj_count() == 1, "one adjacency (%u)", adj_count());
	return true;
}

static bool freed_ids_wait_for_a_grace_period(void)
{
	uint16_t g1, g2, adj1;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	ev_neigh(3, "10.0.2.2", MAC_B);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g1 = lookup4("192.0.2.1");
	adj1 = fake_nhg(g1)->slot[0];
	zdelete("192.0.2.0/24");
	zroute("198.51.100.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	g2 = lookup4("198.51.100.1");
	CHECK(g2 != g1 && fake_nhg(g2)->slot[0] != adj1,
	      "ids freed a moment ago are not reused (group %u, adj %u)", g2,
	      fake_nhg(g2)->slot[0]);
	nexthop_release_freed();
	zdelete("198.51.100.0/24");
	nexthop_release_freed();
	zroute("203.0.113.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	CHECK(lookup4("203.0.113.1") == g1,
	      "after the grace period they are (group %u)",
	      lookup4("203.0.113.1"));
	return true;
}

static bool shared_group_released_with_the_last_route(void)
{
	uint16_t g1, g2;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	zroute("198.51.100.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g1 = lookup4("192.0.2.1");
	g2 = lookup4("198.51.100.1");
	CHECK(g1 == g2 && nhg_count() == 1 && adj_count() == 1,
	      "one group (%u, %u), %u groups, %u adjacencies", g1, g2,
	      nhg_count(), adj_count());
	zdelete("192.0.2.0/24");
	CHECK(lookup4("192.0.2.1") == 0, "deleted route gone from the FIB");
	CHECK(fake_nhg(g1)->type == XDPFWD_NHG_FORWARD && nhg_count() == 1,
	      "the group stays for the other route");
	zdelete("198.51.100.0/24");
	CHECK(fake_nhg(g1)->type == XDPFWD_NHG_NONE && nhg_count() == 0 &&
		      adj_count() == 0,
	      "released with the last route: type %u, %u groups, %u adjs",
	      fake_nhg(g1)->type, nhg_count(), adj_count());
	return true;
}

static bool replace_moves_to_a_new_group(void)
{
	uint16_t g1, g2, adj1;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	ev_neigh(3, "10.0.2.2", MAC_B);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g1 = lookup4("192.0.2.1");
	adj1 = fake_nhg(g1)->slot[0];
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	g2 = lookup4("192.0.2.1");
	CHECK(g2 && g2 != g1, "new group %u (old %u)", g2, g1);
	CHECK(fake_adj(fake_nhg(g2)->slot[0])->ifindex == 3,
	      "the new group leaves through eth2");
	CHECK(fake_nhg(g1)->type == XDPFWD_NHG_NONE,
	      "the old group is cleared in the map");
	CHECK(fake_adj(adj1)->flags == 0 && adj_count() == 1,
	      "the old adjacency is released");
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	CHECK(lookup4("192.0.2.1") == g2 && nhg_count() == 1,
	      "the same update again changes nothing");
	return true;
}

static bool weighted_ecmp_in_canonical_order(void)
{
	uint16_t g, g2, a2 = 0, a3 = 0;
	const struct xdpfwd_nhg *n;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	ev_neigh(3, "10.0.2.2", MAC_B);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 2, "10.0.2.2%3*3",
	       "10.0.1.2%2*1");
	g = lookup4("192.0.2.1");
	n = fake_nhg(g);
	CHECK(n->nslots == 4, "4 slots for 1:3, got %u", n->nslots);
	for (unsigned int i = 0; i < n->nslots; i++) {
		if (fake_adj(n->slot[i])->ifindex == 2)
			a2 = n->slot[i];
		else
			a3 = n->slot[i];
	}
	CHECK(slots_of(g, a2) == 1 && slots_of(g, a3) == 3,
	      "slots %u (eth1) and %u (eth2)", slots_of(g, a2),
	      slots_of(g, a3));
	zroute("198.51.100.0/24", XDPFWD_KIND_FORWARD, 2, "10.0.1.2%2*1",
	       "10.0.2.2%3*3");
	g2 = lookup4("198.51.100.1");
	CHECK(g2 == g, "the same nexthops in another order: group %u, not %u",
	      g2, g);
	zroute("203.0.113.0/24", XDPFWD_KIND_FORWARD, 3, "10.0.1.2%2*1",
	       "10.0.2.2%3*1", "10.0.2.2%3*2");
	CHECK(lookup4("203.0.113.1") == g,
	      "a duplicate nexthop adds its weight (1 + 2 = 3)");
	return true;
}

/*
 * A group whose members leave through several interfaces lists them for
 * the datapath's hairpin test; one through a single interface lists
 * nothing; a member's adjacency rewritten under a new id keeps them.
 */
static bool ecmp_group_lists_its_egresses(void)
{
	const struct xdpfwd_nhg *n;
	uint16_t g, g1;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	ev_neigh(3, "10.0.2.2", MAC_B);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 2, "10.0.2.2%3",
	       "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	n = fake_nhg(g);
	CHECK(n->negress == 2 &&
		      ((n->egress[0] == 2 && n->egress[1] == 3) ||
		       (n->egress[0] == 3 && n->egress[1] == 2)) &&
		      n->egress_mask == ((1ULL << 2) | (1ULL << 3)),
	      "eth1 and eth2 listed: %u egresses %u %u, mask %#llx",
	      n->negress, n->egress[0], n->egress[1],
	      (unsigned long long)n->egress_mask);
	zroute("198.51.100.0/24", XDPFWD_KIND_FORWARD, 2, "10.0.1.2%2",
	       "10.0.1.3%2");
	g1 = lookup4("198.51.100.1");
	n = fake_nhg(g1);
	CHECK(g1 != g && n->nslots == 2 && n->negress == 0 &&
		      n->egress_mask == 0,
	      "two gateways on eth1: nothing listed (%u, %#llx)", n->negress,
	      (unsigned long long)n->egress_mask);
	ev_neigh(2, "10.0.1.2", MAC_B); /* adjacency under a new id */
	n = fake_nhg(g);
	CHECK(n->negress == 2 && n->egress_mask == ((1ULL << 2) | (1ULL << 3)),
	      "still listed after a member's MAC change (%u)", n->negress);
	return true;
}

static bool offload_follows_the_interface(void)
{
	const struct xdpfwd_adj *a;
	uint16_t g;

	two_links(false);
	ev_neigh(2, "10.0.1.2", MAC_A);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	a = fake_adj(fake_nhg(g)->slot[0]);
	CHECK(g && !(a->flags & XDPFWD_ADJ_F_VALID),
	      "in the FIB, adjacency not valid (flags %#x)", a->flags);
	CHECK(marked("192.0.2.0/24") == 0, "not offloaded while eth1 is not");
	CHECK(!fake_tx_port(2) && !(fake_iface(2)->flags & XDPFWD_IF_F_ENABLED),
	      "eth1 not an ingress or egress yet");
	CHECK(enable("eth1"), "enable eth1");
	CHECK(ADJ_OF(g)->flags & XDPFWD_ADJ_F_VALID,
	      "adjacency valid once attached");
	CHECK(fake_tx_port(2) && (fake_iface(2)->flags & XDPFWD_IF_F_ENABLED) &&
		      !memcmp(fake_iface(2)->mac, MAC_R1, 6),
	      "eth1 in ifaces and tx_ports");
	CHECK(marked("192.0.2.0/24") == 1, "offloaded once eth1 is");
	return true;
}

static bool failed_group_write_goes_to_the_kernel(void)
{
	uint16_t g;

	two_links(true);
	ev_neigh(2, "10.0.1.2", MAC_A);
	fake_dp_fail(DP_MAP_NHGS, 1);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	CHECK(g == XDPFWD_NHG_ID_KERNEL, "KERNEL group, got %u", g);
	CHECK(marked("192.0.2.0/24") == 0, "not offloaded");
	CHECK(dp_map_errors(DP_MAP_NHGS) == 1 && routes_failures() == 1,
	      "counted: map %" PRIu64 ", routes %" PRIu64,
	      dp_map_errors(DP_MAP_NHGS), routes_failures());
	CHECK(adj_count() == 0, "no adjacency left behind");
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	CHECK(g >= XDPFWD_NHG_ID_FIRST_DYNAMIC &&
		      marked("192.0.2.0/24") == 1,
	      "the next update succeeds: group %u", g);
	return true;
}

static bool reserved_groups_for_kinds(void)
{
	two_links(true);
	zroute("192.0.2.0/24", XDPFWD_KIND_BLACKHOLE, 0);
	zroute("198.51.100.0/24", XDPFWD_KIND_UNREACHABLE, 0);
	zroute("203.0.113.0/24", XDPFWD_KIND_UNSUPPORTED, 0);
	CHECK(lookup4("192.0.2.1") == XDPFWD_NHG_ID_BLACKHOLE &&
		      marked("192.0.2.0/24") == 1,
	      "blackhole: dropped in XDP, offloaded");
	CHECK(lookup4("198.51.100.1") == XDPFWD_NHG_ID_UNREACHABLE &&
		      marked("198.51.100.0/24") == 0,
	      "unreachable: the kernel answers, not offloaded");
	CHECK(lookup4("203.0.113.1") == XDPFWD_NHG_ID_KERNEL &&
		      marked("203.0.113.0/24") == 0,
	      "unsupported: kernel group, not offloaded");
	CHECK(nhg_count() == 0, "no dynamic group for them");
	return true;
}

static bool ipv6_route_in_the_trie(void)
{
	uint8_t a[16];
	uint16_t g;

	two_links(true);
	ev_neigh(3, "fe80::2", MAC_B);
	zroute("2001:db8:5::/48", XDPFWD_KIND_FORWARD, 1, "fe80::2%3");
	inet_pton(AF_INET6, "2001:db8:5::", a);
	g = fake_fib6_get(a, 48);
	CHECK(g >= XDPFWD_NHG_ID_FIRST_DYNAMIC, "fib6 entry group %u", g);
	CHECK(!memcmp(fake_adj(fake_nhg(g)->slot[0])->dmac, MAC_B, 6),
	      "adjacency with the IPv6 neighbour's MAC");
	CHECK(marked("2001:db8:5::/48") == 1, "offloaded");
	zdelete("2001:db8:5::/48");
	CHECK(fake_fib6_get(a, 48) == 0 && nhg_count() == 0,
	      "deleted from the trie, group released");
	return true;
}

static bool connected_and_local_routes_from_addresses(void)
{
	const struct xdpfwd_neigh *nv;
	struct in_addr h;
	uint16_t g;

	two_links(true);
	ev_addr(2, "10.0.1.1/24", false);
	g = lookup4("10.0.1.9");
	CHECK(g >= XDPFWD_NHG_ID_FIRST_DYNAMIC, "connected subnet group %u", g);
	CHECK(fake_adj(fake_nhg(g)->slot[0])->flags & XDPFWD_ADJ_F_CONNECTED,
	      "a connected adjacency (MAC per packet)");
	inet_pton(AF_INET, "10.0.1.1", &h);
	CHECK(fake_local4(h.s_addr), "the address is a martian source (local4)");
	CHECK(lookup4("10.0.1.1") == g,
	      "not local before the kernel's local route for it (%u)",
	      lookup4("10.0.1.1"));
	/* what the kernel adds to its local table for the address */
	ev_kroute("10.0.1.1/32", RTN_LOCAL, true, true, 2, false);
	ev_kroute("10.0.1.255/32", RTN_BROADCAST, true, true, 2, false);
	CHECK(lookup4("10.0.1.1") == XDPFWD_NHG_ID_LOCAL &&
		      lookup4("10.0.1.255") == XDPFWD_NHG_ID_LOCAL,
	      "the router's own and broadcast addresses are the kernel's");
	inet_pton(AF_INET, "10.0.1.255", &h);
	CHECK(!fake_local4(h.s_addr),
	      "a broadcast address is no martian source (%d)",
	      fake_local4(h.s_addr));
	inet_pton(AF_INET, "10.0.1.1", &h);
	ev_neigh(2, "10.0.1.9", MAC_A);
	inet_pton(AF_INET, "10.0.1.9", &h);
	nv = fake_neigh(AF_INET, 2, &h);
	CHECK(nv && !memcmp(nv->mac, MAC_A, 6), "neighbour map entry written");
	ev_neigh(2, "10.0.1.9", NULL);
	CHECK(!fake_neigh(AF_INET, 2, &h), "and deleted with the neighbour");
	ev_addr(2, "10.0.1.1/24", true);
	ev_kroute("10.0.1.1/32", RTN_LOCAL, true, true, 2, true);
	ev_kroute("10.0.1.255/32", RTN_BROADCAST, true, true, 2, true);
	CHECK(lookup4("10.0.1.9") == 0 && lookup4("10.0.1.1") == 0,
	      "gone with the address: %u, %u", lookup4("10.0.1.9"),
	      lookup4("10.0.1.1"));
	inet_pton(AF_INET, "10.0.1.1", &h);
	CHECK(!fake_local4(h.s_addr), "no longer a martian source");
	/* the same address on two interfaces: a martian source while
	 * either has it, local while either local route is there
	 */
	ev_addr(2, "10.0.1.1/24", false);
	ev_addr(3, "10.0.1.1/24", false);
	ev_kroute("10.0.1.1/32", RTN_LOCAL, true, true, 2, false);
	ev_kroute("10.0.1.1/32", RTN_LOCAL, true, true, 3, false);
	ev_addr(2, "10.0.1.1/24", true);
	ev_kroute("10.0.1.1/32", RTN_LOCAL, true, true, 2, true);
	CHECK(fake_local4(h.s_addr) &&
		      lookup4("10.0.1.1") == XDPFWD_NHG_ID_LOCAL,
	      "one of two: still local and a martian source");
	return true;
}

static bool noarp_and_group_macs_are_no_neighbours(void)
{
	static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct xnl_neigh n = { .ifindex = 2, .family = AF_INET,
			       .has_mac = true, .usable = true };
	struct in_addr h;
	uint16_t g;

	two_links(true);
	ev_addr(2, "10.0.1.1/24", false);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	/* the kernel's entry for a directed broadcast it has sent to */
	inet_pton(AF_INET, "10.0.1.255", n.addr);
	memcpy(n.mac, BCAST, 6);
	n.state = NUD_NOARP;
	if (mirror_neigh_update(&n, false))
		nexthop_neigh_changed(n.ifindex, n.family, n.addr);
	inet_pton(AF_INET, "10.0.1.255", &h);
	CHECK(!fake_neigh(AF_INET, 2, &h), "NOARP broadcast entry not in the map");
	/* a gateway whose entry is NOARP, and one with a group MAC */
	inet_pton(AF_INET, "10.0.1.2", n.addr);
	memcpy(n.mac, MAC_A, 6);
	if (mirror_neigh_update(&n, false))
		nexthop_neigh_changed(n.ifindex, n.family, n.addr);
	CHECK(!(fake_adj(fake_nhg(g)->slot[0])->flags & XDPFWD_ADJ_F_RESOLVED),
	      "a NOARP gateway does not resolve the adjacency");
	n.state = NUD_REACHABLE;
	n.mac[0] = 0x01;
	if (mirror_neigh_update(&n, false))
		nexthop_neigh_changed(n.ifindex, n.family, n.addr);
	CHECK(!(fake_adj(fake_nhg(g)->slot[0])->flags & XDPFWD_ADJ_F_RESOLVED),
	      "nor does a multicast MAC");
	n.mac[0] = 0x02;
	if (mirror_neigh_update(&n, false))
		nexthop_neigh_changed(n.ifindex, n.family, n.addr);
	CHECK(fake_adj(fake_nhg(g)->slot[0])->flags & XDPFWD_ADJ_F_RESOLVED,
	      "a reachable unicast one does");
	return true;
}

static bool source_specific_routes_go_to_the_kernel(void)
{
	uint8_t d[16], l[16];
	uint16_t plain;

	two_links(true);
	ev_neigh(3, "fe80::2", MAC_B);
	ev_neigh(2, "fe80::3", MAC_A);
	inet_pton(AF_INET6, "2001:db8::", d);
	inet_pton(AF_INET6, "2001:db8:7::", l);
	zroute("2001:db8::/32", XDPFWD_KIND_FORWARD, 1, "fe80::2%3");
	zroute("2001:db8:7::/48", XDPFWD_KIND_FORWARD, 1, "fe80::2%3");
	plain = fake_fib6_get(d, 32);
	CHECK(plain >= XDPFWD_NHG_ID_FIRST_DYNAMIC, "plain route %u", plain);
	zroute_from("2001:db8::/32", "2001:db8:1::/48", "fe80::3", 2, false);
	CHECK(fake_fib6_get(d, 32) == XDPFWD_NHG_ID_KERNEL,
	      "the destination goes to the kernel: %u", fake_fib6_get(d, 32));
	CHECK(marked("2001:db8::/32") == 0,
	      "the plain route is not offloaded meanwhile");
	CHECK(fake_fib6_get(l, 48) >= XDPFWD_NHG_ID_FIRST_DYNAMIC &&
		      marked("2001:db8:7::/48") == 1,
	      "a longer destination is not concerned");
	zroute_from("2001:db8::/32", "2001:db8:2::/48", "fe80::3", 2, false);
	zroute_from("2001:db8::/32", "2001:db8:1::/48", "fe80::3", 2, true);
	CHECK(fake_fib6_get(d, 32) == XDPFWD_NHG_ID_KERNEL,
	      "one of two `from` routes gone: still the kernel's");
	zroute_from("2001:db8::/32", "2001:db8:2::/48", "fe80::3", 2, true);
	CHECK(fake_fib6_get(d, 32) == plain && marked("2001:db8::/32") == 1,
	      "the last gone: the plain route back (%u) and offloaded",
	      fake_fib6_get(d, 32));
	zroute_from("2001:db8:9::/48", "2001:db8:1::/48", "fe80::3", 2, false);
	inet_pton(AF_INET6, "2001:db8:9::", d);
	CHECK(fake_fib6_get(d, 48) == XDPFWD_NHG_ID_KERNEL,
	      "a `from` route alone: its destination is the kernel's");
	zroute_from("2001:db8:9::/48", "2001:db8:1::/48", "fe80::3", 2, true);
	CHECK(fake_fib6_get(d, 48) == 0, "and gone with it");
	return true;
}

static bool route_mtu_goes_to_the_kernel(void)
{
	CHECK(xdpfwd_kind_with_mtu(XDPFWD_KIND_FORWARD, 1400, 0) ==
		      XDPFWD_KIND_UNSUPPORTED,
	      "route MTU: kernel path");
	CHECK(xdpfwd_kind_with_mtu(XDPFWD_KIND_FORWARD, 0, 1280) ==
		      XDPFWD_KIND_UNSUPPORTED,
	      "nexthop MTU: kernel path");
	CHECK(xdpfwd_kind_with_mtu(XDPFWD_KIND_FORWARD, 0, 0) ==
		      XDPFWD_KIND_FORWARD,
	      "no MTU: forwarded");
	CHECK(xdpfwd_kind_with_mtu(XDPFWD_KIND_BLACKHOLE, 1400, 0) ==
		      XDPFWD_KIND_BLACKHOLE,
	      "a blackhole drops whatever its MTU");
	return true;
}

static bool enslaved_interfaces_stay_out(void)
{
	static const uint8_t MAC_R3[6] = { 0x02, 0, 0, 0, 0, 0x03 };

	ev_link_master(4, "eth3", MAC_R3, 9);
	CHECK(enable("eth3") && iface_attached(4), "eth3 attached");
	CHECK(!(fake_iface(4)->flags & XDPFWD_IF_F_ENABLED) && !fake_tx_port(4),
	      "not an ingress or egress while enslaved (flags %#x)",
	      fake_iface(4)->flags);
	ev_addr(4, "10.9.1.1/24", false);
	CHECK(lookup4("10.9.1.7") == 0 && lookup4("10.9.1.1") == 0,
	      "its addresses give the default VRF's fast path no route");
	ev_link_master(4, "eth3", MAC_R3, 0);
	/* the kernel moves its local route to the main local table */
	ev_kroute("10.9.1.1/32", RTN_LOCAL, true, true, 4, false);
	CHECK((fake_iface(4)->flags & XDPFWD_IF_F_ENABLED) && fake_tx_port(4),
	      "released: ingress and egress");
	CHECK(lookup4("10.9.1.7") >= XDPFWD_NHG_ID_FIRST_DYNAMIC &&
		      lookup4("10.9.1.1") == XDPFWD_NHG_ID_LOCAL,
	      "released: its connected and local routes appear");
	ev_link_master(4, "eth3", MAC_R3, 9);
	CHECK(lookup4("10.9.1.7") == 0 && !fake_tx_port(4),
	      "enslaved again: gone again");
	return true;
}

#define NC_ALL (-1) /* NETCONFA_IFINDEX_ALL */

static bool netconf_sets_the_ingress_flags(void)
{
	const uint16_t keep = XDPFWD_IF_F_NO_FWD4 | XDPFWD_IF_F_NO_FWD6 |
			      XDPFWD_IF_F_RPF4;

	two_links(true);
	CHECK((fake_iface(2)->flags & keep) == keep,
	      "settings not known yet: everything to the kernel (%#x)",
	      fake_iface(2)->flags);
	ev_netconf(AF_INET, NC_ALL, 1, 0);
	ev_netconf(AF_INET, 2, 1, 0);
	ev_netconf(AF_INET, 3, 1, 0);
	ev_netconf(AF_INET6, NC_ALL, 1, -1);
	CHECK((fake_iface(2)->flags & keep) == 0 &&
		      (fake_iface(3)->flags & keep) == 0,
	      "forwarding on, rp_filter off: fast path (%#x, %#x)",
	      fake_iface(2)->flags, fake_iface(3)->flags);
	ev_netconf(AF_INET, 2, 0, -1);
	CHECK((fake_iface(2)->flags & keep) == XDPFWD_IF_F_NO_FWD4 &&
		      (fake_iface(3)->flags & keep) == 0,
	      "eth1's IPv4 forwarding off: eth1 only");
	ev_netconf(AF_INET, 2, 1, -1);
	ev_netconf(AF_INET, NC_ALL, -1, 2);
	CHECK((fake_iface(2)->flags & keep) == XDPFWD_IF_F_RPF4 &&
		      (fake_iface(3)->flags & keep) == XDPFWD_IF_F_RPF4,
	      "all.rp_filter=2: every interface (max of all and it)");
	ev_netconf(AF_INET, NC_ALL, -1, 0);
	ev_netconf(AF_INET, 3, -1, 1);
	CHECK((fake_iface(3)->flags & keep) == XDPFWD_IF_F_RPF4 &&
		      !(fake_iface(2)->flags & XDPFWD_IF_F_RPF4),
	      "eth2's own rp_filter: eth2 only");
	ev_netconf(AF_INET6, NC_ALL, 0, -1);
	CHECK((fake_iface(2)->flags & XDPFWD_IF_F_NO_FWD6) &&
		      (fake_iface(3)->flags & XDPFWD_IF_F_NO_FWD6),
	      "IPv6 all.forwarding off: every interface");
	return true;
}

static void ev_rule(int family, uint32_t prio, uint32_t table,
		    bool selectors, uint32_t sig, bool deleted)
{
	struct xnl_rule r = { .family = family, .priority = prio,
			      .table = table, .action = FR_ACT_TO_TBL,
			      .selectors = selectors, .sig = sig };

	if (mirror_rule_update(&r, deleted))
		iface_refresh_all();
}

static bool policy_rules_send_their_family_to_the_kernel(void)
{
	two_links(true);
	ev_rule(AF_INET, 0, RT_TABLE_LOCAL, false, 1, false);
	ev_rule(AF_INET, 32766, RT_TABLE_MAIN, false, 2, false);
	ev_rule(AF_INET, 32767, RT_TABLE_DEFAULT, false, 3, false);
	ev_rule(AF_INET6, 0, RT_TABLE_LOCAL, false, 4, false);
	ev_rule(AF_INET6, 32766, RT_TABLE_MAIN, false, 5, false);
	CHECK(!(fake_iface(2)->flags &
		(XDPFWD_IF_F_RULES4 | XDPFWD_IF_F_RULES6)),
	      "the default rules: the fast path (%#x)", fake_iface(2)->flags);
	ev_rule(AF_INET, 100, 100, true, 6, false);
	CHECK((fake_iface(2)->flags & XDPFWD_IF_F_RULES4) &&
		      (fake_iface(3)->flags & XDPFWD_IF_F_RULES4) &&
		      !(fake_iface(2)->flags & XDPFWD_IF_F_RULES6),
	      "an IPv4 rule: IPv4 of every ingress to the kernel");
	ev_rule(AF_INET, 100, 100, true, 6, false);
	ev_rule(AF_INET, 100, 100, true, 6, true);
	CHECK(fake_iface(2)->flags & XDPFWD_IF_F_RULES4,
	      "one of two identical rules deleted: one is left");
	ev_rule(AF_INET, 100, 100, true, 6, true);
	CHECK(!(fake_iface(2)->flags & XDPFWD_IF_F_RULES4),
	      "the last deleted: the fast path again");
	ev_rule(AF_INET6, 32766, 100, false, 7, false);
	CHECK(fake_iface(2)->flags & XDPFWD_IF_F_RULES6,
	      "a main-table priority to another table is not a default");
	return true;
}

/* the scans found @f: the dispatcher's reaction */
static void ev_fw(const struct xnft_facts *nf, const struct xxt_facts *xt,
		  const struct xxfrm_facts *xf, const struct xqdisc *q,
		  unsigned int nq)
{
	static const struct xnft_facts nf0;
	static const struct xxt_facts xt0;
	static const struct xxfrm_facts xf0;

	mirror_fw_set_nft(nf ? nf : &nf0);
	mirror_fw_set_xt(xt ? xt : &xt0);
	mirror_fw_set_xfrm(xf ? xf : &xf0);
	mirror_fw_set_qdiscs(q, nq, nq);
	iface_refresh_all();
	nexthop_refresh_all();
}

static bool firewall_facts_become_flags(void)
{
	const uint16_t fw = XDPFWD_IF_F_FW4 | XDPFWD_IF_F_FW6 |
			    XDPFWD_IF_F_TC;
	struct xnft_facts nf = { .chains = { [XFW_V4] = 1 } };
	struct xxt_facts xt = { .entries = { 0, 2 } };
	struct xxfrm_facts xf = { .policies = { 0, 1 } };
	struct xqdisc q[2] = { { .ifindex = 3, .dirs = XFW_HOOK_OUT },
			       { .ifindex = 2, .dirs = XFW_HOOK_IN } };
	uint16_t g;

	two_links(true);
	ev_neigh(3, "10.0.2.2", MAC_A);
	CHECK(zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3") == 0,
	      "apply");
	g = lookup4("192.0.2.1");
	ev_fw(NULL, NULL, NULL, NULL, 0);
	CHECK(!(fake_iface(2)->flags & fw) &&
		      !(ADJ_OF(g)->flags & (XDPFWD_ADJ_F_TC | XDPFWD_ADJ_F_FW)),
	      "nothing found: no flag (%#x)", fake_iface(2)->flags);
	ev_fw(&nf, NULL, NULL, NULL, 0);
	CHECK((fake_iface(2)->flags & fw) == XDPFWD_IF_F_FW4 &&
		      (fake_iface(3)->flags & fw) == XDPFWD_IF_F_FW4,
	      "an IPv4 nftables chain: IPv4 of every ingress (%#x)",
	      fake_iface(2)->flags);
	ev_fw(NULL, &xt, NULL, NULL, 0);
	CHECK((fake_iface(2)->flags & fw) == XDPFWD_IF_F_FW6,
	      "ip6tables rules: IPv6 (%#x)", fake_iface(2)->flags);
	xdpfwd_cfg.fw_bypass = true;
	ev_fw(&nf, &xt, NULL, NULL, 0);
	CHECK(!(fake_iface(2)->flags & fw),
	      "bypass: netfilter rules give no flag (%#x)",
	      fake_iface(2)->flags);
	ev_fw(&nf, &xt, &xf, q, 2);
	CHECK((fake_iface(2)->flags & fw) ==
			      (XDPFWD_IF_F_FW6 | XDPFWD_IF_F_TC) &&
		      (fake_iface(3)->flags & fw) == XDPFWD_IF_F_FW6,
	      "bypass: an IPv6 xfrm policy and eth1's ingress qdisc still do (%#x, %#x)",
	      fake_iface(2)->flags, fake_iface(3)->flags);
	CHECK(ADJ_OF(g)->flags & XDPFWD_ADJ_F_TC,
	      "bypass: a qdisc on the egress eth2 marks its adjacency (%#x)",
	      ADJ_OF(g)->flags);
	snprintf(nf.devs[0].name, sizeof(nf.devs[0].name), "eth2");
	nf.devs[0].hooks = XFW_HOOK_OUT;
	nf.ndevs = 1;
	ev_fw(&nf, NULL, NULL, NULL, 0);
	CHECK(!(ADJ_OF(g)->flags & (XDPFWD_ADJ_F_TC | XDPFWD_ADJ_F_FW)),
	      "bypass: a netdev egress chain on eth2 gives no flag (%#x)",
	      ADJ_OF(g)->flags);
	xdpfwd_cfg.fw_bypass = false;
	ev_fw(&nf, NULL, NULL, NULL, 0);
	CHECK(ADJ_OF(g)->flags & XDPFWD_ADJ_F_FW,
	      "pass: the netdev egress chain on eth2 marks its adjacency (%#x)",
	      ADJ_OF(g)->flags);
	ev_fw(NULL, NULL, NULL, NULL, 0);
	CHECK(!(fake_iface(2)->flags & fw) &&
		      !(ADJ_OF(g)->flags & (XDPFWD_ADJ_F_TC | XDPFWD_ADJ_F_FW)),
	      "all gone: no flag");

	/* conntrack mode: nftables / x_tables rules give CT4 / CT6; xfrm
	 * and a netdev ingress chain keep FW4 / FW6, which pass whatever
	 * conntrack says
	 */
	const uint32_t ct = XDPFWD_IF_F_FW4 | XDPFWD_IF_F_FW6 |
			    XDPFWD_IF_F_CT4 | XDPFWD_IF_F_CT6;

	nf.ndevs = 0;
	xdpfwd_cfg.fw_conntrack = true;
	ev_fw(&nf, &xt, NULL, NULL, 0);
	CHECK((fake_iface(2)->flags & ct) ==
		      (XDPFWD_IF_F_CT4 | XDPFWD_IF_F_CT6),
	      "conntrack: IPv4 nftables and ip6tables rules give CT4, CT6 (%#x)",
	      fake_iface(2)->flags);
	ev_fw(&nf, &xt, &xf, NULL, 0);
	CHECK((fake_iface(2)->flags & ct) ==
		      (XDPFWD_IF_F_CT4 | XDPFWD_IF_F_FW6),
	      "conntrack: an IPv6 xfrm policy keeps FW6 (%#x)",
	      fake_iface(2)->flags);
	snprintf(nf.devs[0].name, sizeof(nf.devs[0].name), "eth1");
	nf.devs[0].hooks = XFW_HOOK_IN;
	nf.ndevs = 1;
	ev_fw(&nf, NULL, NULL, NULL, 0);
	CHECK((fake_iface(2)->flags & ct) ==
		      (XDPFWD_IF_F_FW4 | XDPFWD_IF_F_FW6),
	      "conntrack: a netdev ingress chain on eth1 keeps FW4, FW6 (%#x)",
	      fake_iface(2)->flags);
	xdpfwd_cfg.fw_conntrack = false;
	ev_fw(NULL, NULL, NULL, NULL, 0);
	CHECK(!(fake_iface(2)->flags & ct), "conntrack: all gone: no flag");
	return true;
}

static uint32_t seen_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec) >>
	       XDPFWD_SEEN_SHIFT;
}

static bool neighbours_sent_to_are_reported_to_the_kernel(void)
{
	struct in_addr h;
	uint16_t g;

	two_links(true);
	ev_addr(3, "10.0.2.1/24", false);
	ev_neigh(2, "10.0.1.2", MAC_A);
	ev_neigh(3, "10.0.2.9", MAC_B);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	fake_uses();
	nexthop_report_use();
	CHECK(fake_uses() == 0, "nothing sent in XDP: nothing reported");
	fake_adj_stamp(fake_nhg(g)->slot[0], seen_clock());
	inet_pton(AF_INET, "10.0.2.9", &h);
	fake_neigh_stamp(AF_INET, 3, &h, seen_clock());
	nexthop_report_use();
	CHECK(fake_used(2, AF_INET, "10.0.1.2") &&
		      fake_used(3, AF_INET, "10.0.2.9") && fake_uses() == 2,
	      "the gateway and the connected host XDP sent to: NTF_USE each");
	fake_adj_stamp(fake_nhg(g)->slot[0], seen_clock() - 5);
	fake_neigh_stamp(AF_INET, 3, &h, seen_clock() - 5);
	nexthop_report_use();
	CHECK(fake_uses() == 0, "stamps seconds old: not reported again");
	return true;
}

/*
 * NTF_USE on a NUD_PERMANENT entry makes it an ordinary one (the kernel
 * then resolves it afresh): a permanent gateway or host XDP sends to is
 * never reported; once the entry is no longer permanent, it is.
 */
static bool permanent_neighbours_are_not_reported(void)
{
	struct in_addr h;
	uint16_t g;

	two_links(true);
	ev_addr(3, "10.0.2.1/24", false);
	ev_neigh_state(2, "10.0.1.2", MAC_A, NUD_PERMANENT);
	ev_neigh_state(3, "10.0.2.9", MAC_B, NUD_PERMANENT);
	zroute("192.0.2.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.1.2%2");
	g = lookup4("192.0.2.1");
	CHECK(ADJ_OF(g)->flags & XDPFWD_ADJ_F_RESOLVED,
	      "a permanent gateway is a resolved adjacency");
	inet_pton(AF_INET, "10.0.2.9", &h);
	fake_uses();
	fake_adj_stamp(fake_nhg(g)->slot[0], seen_clock());
	fake_neigh_stamp(AF_INET, 3, &h, seen_clock());
	nexthop_report_use();
	CHECK(fake_uses() == 0,
	      "permanent gateway and host sent to: nothing reported (%u)",
	      fake_uses());
	/* the same MACs, no longer permanent */
	ev_neigh_state(2, "10.0.1.2", MAC_A, NUD_REACHABLE);
	ev_neigh_state(3, "10.0.2.9", MAC_B, NUD_STALE);
	fake_adj_stamp(fake_nhg(g)->slot[0], seen_clock());
	fake_neigh_stamp(AF_INET, 3, &h, seen_clock());
	nexthop_report_use();
	CHECK(fake_used(2, AF_INET, "10.0.1.2") &&
		      fake_used(3, AF_INET, "10.0.2.9") && fake_uses() == 2,
	      "no longer permanent: reported");
	return true;
}

static bool loopback_subnets_and_noprefixroute(void)
{
	struct xnl_addr a = { .ifindex = 1, .family = AF_INET,
			      .prefixlen = 24 };
	static const uint8_t MAC_LO[6];

	two_links(true);
	ev_link(1, "lo", MAC_LO);
	ev_neigh(3, "10.255.0.2", MAC_B);
	zroute("10.255.0.0/16", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	inet_pton(AF_INET, "10.255.0.1", a.addr);
	if (mirror_addr_update(&a, false))
		routes_addr_changed(&a, false);
	/* `ip addr add 10.255.0.1/24 dev lo`: the kernel's local table */
	ev_kroute("10.255.0.0/24", RTN_LOCAL, true, true, 1, false);
	ev_kroute("10.255.0.1/32", RTN_LOCAL, true, true, 1, false);
	CHECK(lookup4("10.255.0.7") == XDPFWD_NHG_ID_LOCAL,
	      "a /24 on lo is local as a whole (%u)", lookup4("10.255.0.7"));
	CHECK(lookup4("10.255.1.7") >= XDPFWD_NHG_ID_FIRST_DYNAMIC,
	      "outside it the covering route");
	if (mirror_addr_update(&a, true))
		routes_addr_changed(&a, true);
	ev_kroute("10.255.0.0/24", RTN_LOCAL, true, true, 1, true);
	ev_kroute("10.255.0.1/32", RTN_LOCAL, true, true, 1, true);
	CHECK(lookup4("10.255.0.7") >= XDPFWD_NHG_ID_FIRST_DYNAMIC,
	      "gone with the address");
	/* noprefixroute: the address's local route, no subnet */
	a.ifindex = 2;
	a.flags = IFA_F_NOPREFIXROUTE;
	inet_pton(AF_INET, "10.255.0.1", a.addr);
	if (mirror_addr_update(&a, false))
		routes_addr_changed(&a, false);
	ev_kroute("10.255.0.1/32", RTN_LOCAL, true, true, 2, false);
	CHECK(lookup4("10.255.0.1") == XDPFWD_NHG_ID_LOCAL &&
		      lookup4("10.255.0.7") >= XDPFWD_NHG_ID_FIRST_DYNAMIC,
	      "noprefixroute: the address is local, the subnet follows routes");
	/* its local route deleted (`ip route del local 10.255.0.1 table
	 * local`): the kernel routes the address like any other
	 */
	ev_kroute("10.255.0.1/32", RTN_LOCAL, true, true, 2, true);
	CHECK(lookup4("10.255.0.1") >= XDPFWD_NHG_ID_FIRST_DYNAMIC,
	      "local route deleted: routed (%u)", lookup4("10.255.0.1"));
	return true;
}

/*
 * AnyIP.  IPv4 looks the local and main tables up as one, longest prefix
 * first; an IPv4 local route added through netlink makes the kernel
 * validate every IPv4 source, for good (IPv4 to the kernel).  IPv6 looks
 * the local table up first: a local prefix takes the routes inside it.
 */
static bool local_table_prefixes(void)
{
	uint8_t a[16], b[16];
	uint16_t g48, g64;

	two_links(true);
	ev_neigh(3, "10.0.2.2", MAC_B);
	ev_neigh(3, "fd00:2::2", MAC_B);
	zroute("10.100.0.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	zroute("10.100.0.200/32", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	ev_kroute("10.1.0.1/32", RTN_LOCAL, true, true, 2, false);
	CHECK(!(fake_iface(2)->flags & XDPFWD_IF_F_RULES4),
	      "the kernel's own local routes: IPv4 in the fast path");
	ev_kroute("10.100.0.128/25", RTN_LOCAL, true, false, 1, false);
	CHECK(lookup4("10.100.0.150") == XDPFWD_NHG_ID_LOCAL &&
		      lookup4("10.100.0.200") >= XDPFWD_NHG_ID_FIRST_DYNAMIC &&
		      lookup4("10.100.0.7") >= XDPFWD_NHG_ID_FIRST_DYNAMIC,
	      "IPv4 AnyIP /25: local, a main /32 inside still routed (%u %u)",
	      lookup4("10.100.0.150"), lookup4("10.100.0.200"));
	CHECK((fake_iface(2)->flags & XDPFWD_IF_F_RULES4) &&
		      (fake_iface(3)->flags & XDPFWD_IF_F_RULES4),
	      "an IPv4 local route added: IPv4 sources are the kernel's");
	ev_kroute("10.100.0.128/25", RTN_LOCAL, true, false, 1, true);
	CHECK(lookup4("10.100.0.150") == lookup4("10.100.0.7") &&
		      (fake_iface(2)->flags & XDPFWD_IF_F_RULES4),
	      "deleted: routed again, IPv4 still the kernel's (for good)");

	zroute("2001:db8:100::/48", XDPFWD_KIND_FORWARD, 1, "fd00:2::2%3");
	zroute("2001:db8:100:8000::/64", XDPFWD_KIND_FORWARD, 1, "fd00:2::2%3");
	inet_pton(AF_INET6, "2001:db8:100::", a);
	inet_pton(AF_INET6, "2001:db8:100:8000::", b);
	g48 = fake_fib6_get(a, 48);
	g64 = fake_fib6_get(b, 64);
	CHECK(g48 >= XDPFWD_NHG_ID_FIRST_DYNAMIC && g64 == g48 &&
		      marked("2001:db8:100:8000::/64") == 1,
	      "IPv6 routes in the trie (%u, %u)", g48, g64);
	ev_kroute("2001:db8:100:8000::/49", RTN_LOCAL, true, false, 1, false);
	CHECK(fake_fib6_get(b, 49) == XDPFWD_NHG_ID_LOCAL &&
		      fake_fib6_get(b, 64) == XDPFWD_NHG_ID_LOCAL &&
		      fake_fib6_get(a, 48) == g48,
	      "IPv6 AnyIP /49: it and the /64 inside it local (%u, %u)",
	      fake_fib6_get(b, 49), fake_fib6_get(b, 64));
	CHECK(marked("2001:db8:100:8000::/64") == 0 &&
		      marked("2001:db8:100::/48") == 1,
	      "the /64 no longer offloaded, the /48 still");
	CHECK(!(fake_iface(2)->flags & XDPFWD_IF_F_RULES6),
	      "IPv6 per prefix: the rest of IPv6 in the fast path");
	ev_kroute("2001:db8:100:8000::/49", RTN_LOCAL, true, false, 1, true);
	CHECK(fake_fib6_get(b, 49) == 0 && fake_fib6_get(b, 64) == g64 &&
		      marked("2001:db8:100:8000::/64") == 1,
	      "deleted: the /64 routed and offloaded again");
	return true;
}

static bool kernel_route_types_go_to_the_kernel(void)
{
	struct xnl_route kr = { .family = AF_INET, .prefixlen = 25,
				.type = RTN_THROW };

	two_links(true);
	ev_neigh(3, "10.0.2.2", MAC_B);
	zroute("10.100.0.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	inet_pton(AF_INET, "10.100.0.128", kr.addr);
	if (mirror_kroute_update(&kr, false))
		routes_kernel_route(&kr, true);
	CHECK(lookup4("10.100.0.200") == XDPFWD_NHG_ID_KERNEL,
	      "throw 10.100.0.128/25: the kernel's (%u)",
	      lookup4("10.100.0.200"));
	CHECK(lookup4("10.100.0.7") >= XDPFWD_NHG_ID_FIRST_DYNAMIC,
	      "the rest of the /24 by its route");
	if (mirror_kroute_update(&kr, true))
		routes_kernel_route(&kr, false);
	CHECK(lookup4("10.100.0.200") == lookup4("10.100.0.7"),
	      "throw gone: the covering route again");
	return true;
}

static bool connected_wins_over_zebra(void)
{
	struct xdpfwd_route_state st;
	struct prefix p;
	uint16_t gz, gc;

	two_links(true);
	ev_neigh(3, "10.0.2.2", MAC_B);
	zroute("10.0.1.0/24", XDPFWD_KIND_FORWARD, 1, "10.0.2.2%3");
	gz = lookup4("10.0.1.9");
	ev_addr(2, "10.0.1.1/24", false);
	gc = lookup4("10.0.1.9");
	CHECK(gc != gz && (fake_adj(fake_nhg(gc)->slot[0])->flags &
			   XDPFWD_ADJ_F_CONNECTED),
	      "the connected subnet wins (%u over %u)", gc, gz);
	str2prefix("10.0.1.0/24", &p);
	CHECK(routes_state(&p, &st) == 0 && st.src == XDPFWD_SRC_CONNECTED &&
		      !st.offloaded && st.nhg[XDPFWD_SRC_ZEBRA] == gz,
	      "zebra's route is kept but not what the FIB has: src %d, offloaded %d",
	      st.src, st.offloaded);
	ev_addr(2, "10.0.1.1/24", true);
	CHECK(lookup4("10.0.1.9") == gz, "zebra's route back: %u",
	      lookup4("10.0.1.9"));
	return true;
}

static const struct {
	const char *desc;
	bool (*fn)(void);
} cases[] = {
	{ "a route via a resolved gateway: FIB -> group -> adjacency with the gateway's MAC, offloaded",
	  route_via_resolved_gateway },
	{ "neighbour events resolve, rewrite and clear the route's adjacency, never half-written",
	  neighbour_events_rewrite_the_adjacency },
	{ "freed group and adjacency ids are reused only after a grace period",
	  freed_ids_wait_for_a_grace_period },
	{ "routes with the same nexthops share a group, released with the last",
	  shared_group_released_with_the_last_route },
	{ "replacing a route's nexthops moves it to a new group and releases the old",
	  replace_moves_to_a_new_group },
	{ "weighted ECMP: slots by weight, nexthop order and duplicates do not matter",
	  weighted_ecmp_in_canonical_order },
	{ "an ECMP group over several interfaces lists them (hairpin test), one over one lists none",
	  ecmp_group_lists_its_egresses },
	{ "offloaded follows the egress interface being enabled",
	  offload_follows_the_interface },
	{ "a failed group map write: KERNEL group, not offloaded, counted, retried by the next update",
	  failed_group_write_goes_to_the_kernel },
	{ "blackhole, unreachable and unsupported routes take the reserved groups",
	  reserved_groups_for_kinds },
	{ "an IPv6 route in the trie, deleted with its group",
	  ipv6_route_in_the_trie },
	{ "addresses give connected routes and martian sources, the local table local ones; neighbour map entries follow neighbours",
	  connected_and_local_routes_from_addresses },
	{ "a connected subnet wins over zebra's route of the same prefix",
	  connected_wins_over_zebra },
	{ "NOARP entries (directed broadcast) and group MACs are not neighbours",
	  noarp_and_group_macs_are_no_neighbours },
	{ "IPv6 `from` routes send their destination to the kernel, the plain route stays",
	  source_specific_routes_go_to_the_kernel },
	{ "a route or nexthop MTU keeps a route on the kernel path",
	  route_mtu_goes_to_the_kernel },
	{ "an interface enslaved to a non-bridge master (VRF, bond) stays out of the fast path",
	  enslaved_interfaces_stay_out },
	{ "netconf: forwarding and rp_filter set the ingress flags the kernel would read",
	  netconf_sets_the_ingress_flags },
	{ "policy rules other than the defaults send their family to the kernel",
	  policy_rules_send_their_family_to_the_kernel },
	{ "neighbours XDP sent to are reported to the kernel (NTF_USE) for re-verification",
	  neighbours_sent_to_are_reported_to_the_kernel },
	{ "permanent neighbours are never reported with NTF_USE (it would clear NUD_PERMANENT)",
	  permanent_neighbours_are_not_reported },
	{ "an IPv4 subnet on lo is local as a whole; noprefixroute adds no subnet",
	  loopback_subnets_and_noprefixroute },
	{ "the local table's prefixes: IPv4 merged with main, IPv6 first; IPv4 AnyIP sends IPv4 to the kernel for good",
	  local_table_prefixes },
	{ "main-table route types zebra does not import (throw, ...) are the kernel's",
	  kernel_route_types_go_to_the_kernel },
	{ "firewall, xfrm and qdisc facts become ingress and adjacency flags, by mode",
	  firewall_facts_become_flags },
};

static void setup(void)
{
	xdpfwd_cfg.fw_bypass = false;
	fake_dp_reset();
	fake_rib_reset();
	mirror_init();
	iface_init();
	nexthop_init();
	routes_init(FAKE_FIB6_MAX);
}

static void teardown(void)
{
	routes_fini();
	nexthop_fini();
	iface_fini();
	mirror_fini();
}

int main(void)
{
	xdpfwd_master = thread_master_create("test_writers");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok;

		setup();
		ok = cases[i].fn();
		teardown();
		printf("%s %zu - %s\n", ok ? "ok" : "not ok", i + 1,
		       cases[i].desc);
		if (ok)
			n_pass++;
		else
			n_fail++;
	}
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
