// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: configuration and show commands in zebra's vty.
 *
 *   xdpfwd firewall pass|bypass|conntrack
 *   interface IFNAME
 *    xdpfwd [mode generic]
 *   show xdpfwd [json]
 *   show xdpfwd routes [PREFIX|ADDRESS] [json]
 *   show xdpfwd nexthops|neighbors|counters [json]
 *   show xdpfwd bridge [fdb] [json]
 *   show xdpfwd forward hosts|routes [PREFIX|ADDRESS] [offset N] [limit N] json
 *   debug xdpfwd [events|routes|neighbors]
 *
 * The commands read through the writers' and the mirror's accessors and
 * change state only through the dispatcher.
 */
#include "config.h"
#include <zebra.h>

#include "lib/command.h"
#include "lib/if.h"
#include "lib/json.h"
#include "lib/vty.h"
#include "lib/prefix.h"
#include "lib/libfrr.h"

#include "zebra/interface.h"
#include "zebra/debug.h"

#include "plugin/xdpfwd.h"
#include "plugin/dispatch.h"
#include "plugin/provider.h"
#include "plugin/vty.h"
#include "plugin/yang_json.h"
#include "plugin/dp/dp.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/bridge.h"
#include "plugin/writers/iface.h"
#include "plugin/writers/nexthop.h"
#include "plugin/writers/routes.h"

/* vtysh/extract.pl scans this file with VTYSH_EXTRACT_PL (tools/vtysh/) */
#ifndef VTYSH_EXTRACT_PL
#include "plugin/vty_clippy.c"
#endif

/* ---- interface configuration ---- */

DEFPY(xdpfwd_if, xdpfwd_if_cmd, "[no] xdpfwd [mode generic$generic]",
      NO_STR XDPFWD_STR
      "Attach mode\n"
      "Generic (skb) XDP, for drivers without native XDP\n")
{
	VTY_DECLVAR_CONTEXT(interface, ifp);
	char err[256] = "";

	if (no) {
		dispatch_if_disable(ifp->name);
		return CMD_SUCCESS;
	}
	if (dispatch_if_enable(ifp->name, !!generic, err, sizeof(err))) {
		vty_out(vty, "%% xdpfwd: %s\n", err);
		return CMD_WARNING_CONFIG_FAILED;
	}
	return CMD_SUCCESS;
}

static int xdpfwd_if_config_write(struct vty *vty, struct interface *ifp)
{
	bool generic = false;

	if (iface_configured(ifp->name, &generic))
		vty_out(vty, " xdpfwd%s\n", generic ? " mode generic" : "");
	return 0;
}

/* ---- global configuration ---- */

DEFPY(xdpfwd_firewall, xdpfwd_firewall_cmd,
      "[no] xdpfwd firewall <pass$pass|bypass$bypass|conntrack$conntrack>",
      NO_STR XDPFWD_STR
      "Routed and bridged traffic that netfilter (nftables, iptables, br_netfilter) could act on\n"
      "Send it to the kernel while such rules exist (default)\n"
      "Forward it in XDP anyway: those rules never see it\n"
      "Forward in XDP only established, not NATed connections of routed traffic (conntrack), the rest to the kernel\n")
{
	dispatch_fw_mode(!no && bypass, !no && conntrack);
	if (!no && bypass)
		vty_out(vty,
			"%% xdpfwd: firewall bypassed: netfilter rules no longer see the traffic xdpfwd forwards (IPsec and qdiscs still do)\n");
	return CMD_SUCCESS;
}

static int xdpfwd_config_write(struct vty *vty)
{
	if (!xdpfwd_cfg.fw_bypass && !xdpfwd_cfg.fw_conntrack)
		return 0;
	vty_out(vty, "xdpfwd firewall %s\n", xdpfwd_fw_mode());
	return 1;
}

/*
 * zebra 8.4 gives a module no hook into the global part of `show
 * running-config`: a node of its own with a config_write does.  The
 * node is one zebra never installs (RIP_NODE: ripd's) and is never
 * entered; its slot only orders the output, after the interfaces.
 */
static struct cmd_node xdpfwd_node = {
	.name = "xdpfwd",
	.node = RIP_NODE,
	.prompt = "",
	.config_write = xdpfwd_config_write,
};

/* ---- show ---- */

static const char *const reason_names[XDPFWD_R__MAX] = {
	[XDPFWD_R_FWD_V4] = "fwdV4",
	[XDPFWD_R_FWD_V6] = "fwdV6",
	[XDPFWD_R_DROP_BLACKHOLE] = "dropBlackhole",
	[XDPFWD_R_PASS_DISABLED] = "passDisabled",
	[XDPFWD_R_PASS_MALFORMED] = "passMalformed",
	[XDPFWD_R_PASS_NOT_OURS] = "passNotOurs",
	[XDPFWD_R_PASS_ETHERTYPE] = "passEthertype",
	[XDPFWD_R_PASS_VLAN] = "passVlan",
	[XDPFWD_R_PASS_IP_OPTIONS] = "passIpOptions",
	[XDPFWD_R_PASS_TTL] = "passTtl",
	[XDPFWD_R_PASS_NON_UNICAST] = "passNonUnicast",
	[XDPFWD_R_PASS_LOCAL] = "passLocal",
	[XDPFWD_R_PASS_NO_ROUTE] = "passNoRoute",
	[XDPFWD_R_PASS_UNREACHABLE] = "passUnreachable",
	[XDPFWD_R_PASS_NEIGH] = "passNeigh",
	[XDPFWD_R_PASS_MTU] = "passMtu",
	[XDPFWD_R_PASS_EGRESS] = "passEgress",
	[XDPFWD_R_PASS_NEXTHOP] = "passNexthop",
	[XDPFWD_R_PASS_KERNEL] = "passKernel",
	[XDPFWD_R_BRIDGE_FWD] = "bridgeFwd",
	[XDPFWD_R_DROP_HAIRPIN] = "dropHairpin",
	[XDPFWD_R_PASS_BRIDGE_UNKNOWN] = "passBridgeUnknown",
	[XDPFWD_R_PASS_BRIDGE_FLOOD] = "passBridgeFlood",
	[XDPFWD_R_PASS_BRIDGE_CONTROL] = "passBridgeControl",
	[XDPFWD_R_PASS_BRIDGE_STATE] = "passBridgeState",
	[XDPFWD_R_PASS_BRIDGE_LEARN] = "passBridgeLearn",
	[XDPFWD_R_PASS_BRIDGE_LOCAL] = "passBridgeLocal",
	[XDPFWD_R_PASS_BRIDGE_EGRESS] = "passBridgeEgress",
	[XDPFWD_R_PASS_HAIRPIN] = "passHairpin",
	[XDPFWD_R_PASS_FORWARDING] = "passForwarding",
	[XDPFWD_R_PASS_RPFILTER] = "passRpFilter",
	[XDPFWD_R_PASS_POLICY] = "passPolicy",
	[XDPFWD_R_PASS_MARTIAN] = "passMartian",
	[XDPFWD_R_PASS_STALE] = "passStale",
	[XDPFWD_R_PASS_FIREWALL] = "passFirewall",
	[XDPFWD_R_PASS_TC] = "passTc",
	[XDPFWD_R_PASS_CONNTRACK] = "passConntrack",
	[XDPFWD_R_PASS_CT_NAT] = "passConntrackNat",
	[XDPFWD_R_PASS_CT_LIBERAL] = "passConntrackLiberal",
	[XDPFWD_R_PASS_VLAN_HW] = "passVlanOffload",
};

const char *xdpfwd_reason_name(uint32_t reason)
{
	/* a reason added to the map header without a name here */
	if (reason >= XDPFWD_R__MAX || !reason_names[reason])
		return "unnamed";
	return reason_names[reason];
}

/*
 * Prints a `show xdpfwd ... json` answer: @state, the members of the
 * model's state container (yang/frr-xdpfwd.yang) the command fills, inside
 * their module-prefixed top container, as RFC 7951 has it.
 */
int xdpfwd_vty_json(struct vty *vty, json_object *state)
{
	json_object *top = json_object_new_object();
	json_object *root = json_object_new_object();

	json_object_object_add(top, "state", state);
	json_object_object_add(root, XDPFWD_YANG_TOP, top);
	return vty_json(vty, root);
}

/* The answer of every show command while the fast path is not running. */
int xdpfwd_vty_not_running(struct vty *vty, json_object *json)
{
	if (json) {
		json_object_string_add(json, "status", "error");
		json_object_string_add(json, "error", dispatch_why());
		return xdpfwd_vty_json(vty, json);
	}
	vty_out(vty, "%% xdpfwd is not running: %s\n", dispatch_why());
	return CMD_WARNING;
}

static void neigh_show(struct vty *vty, json_object *json);

static void map_errors_json(json_object *j)
{
	json_object *arr = json_object_new_array();

	for (int m = 0; m < DP_MAP__MAX; m++) {
		json_object *o = json_object_new_object();

		json_object_string_add(o, "map", dp_map_name(m));
		xdpfwd_json_u64(o, "errors", dp_map_errors(m));
		json_object_array_add(arr, o);
	}
	json_object_object_add(j, "mapWriteErrors", arr);
}

static const char *hooks_str(uint8_t h)
{
	switch (h & (XFW_HOOK_IN | XFW_HOOK_OUT)) {
	case XFW_HOOK_IN: return "ingress";
	case XFW_HOOK_OUT: return "egress";
	case XFW_HOOK_IN | XFW_HOOK_OUT: return "ingress+egress";
	default: return "-";
	}
}

/* what the scans found and what is done about it */
static void fw_show(struct vty *vty, json_object *j)
{
	const struct mirror_fw_state *f = mirror_fw_state();
	const char *v4 = iface_fw_verdict(AF_INET);
	const char *v6 = iface_fw_verdict(AF_INET6);
	const char *vb = iface_fw_verdict(AF_BRIDGE);
	bool bypassed = !strcmp(v4, "bypassed") || !strcmp(v6, "bypassed") ||
			!strcmp(vb, "bypassed");
	const struct xdpfwd_link *l = NULL;
	json_object *o, *fam, *ifs;

	if (!j) {
		vty_out(vty, "Firewall mode %s%s\n", xdpfwd_fw_mode(),
			bypassed ? ": FIREWALL BYPASSED, netfilter rules do not see the traffic xdpfwd forwards"
				 : "");
		vty_out(vty,
			"  IPv4 routed: %s (nftables chains %u, x_tables rules %u, xfrm policies %u)\n",
			v4, f->nft.chains[XFW_V4], f->xt.entries[0],
			f->xfrm.policies[0]);
		vty_out(vty,
			"  IPv6 routed: %s (nftables chains %u, x_tables rules %u, xfrm policies %u)\n",
			v6, f->nft.chains[XFW_V6], f->xt.entries[1],
			f->xfrm.policies[1]);
		vty_out(vty,
			"  bridged: %s (bridge chains %u, br_netfilter call-iptables %d call-ip6tables %d)\n",
			vb, f->nft.chains[XFW_BRIDGE], f->brnf[0], f->brnf[1]);
		vty_out(vty, "  xfrm states %u%s\n", f->xfrm.states,
			f->xfrm.default_block ? ", default policy block" : "");
		if (f->nft.list[0])
			vty_out(vty, "  nftables: %s\n", f->nft.list);
		if (f->xt.list[0])
			vty_out(vty, "  x_tables: %s\n", f->xt.list);
		while ((l = mirror_link_next(l))) {
			uint8_t tc = mirror_fw_dev_tc(l->ifindex);
			uint8_t nft = mirror_fw_dev_nft(l->name);

			if (iface_attached(l->ifindex) && (tc || nft))
				vty_out(vty,
					"  %s: qdisc/tc %s (always the kernel's), nftables netdev chain %s (%s)\n",
					l->name, hooks_str(tc), hooks_str(nft),
					nft && xdpfwd_cfg.fw_bypass ? "bypassed"
								    : nft ? "kernel" : "-");
		}
		vty_out(vty, "\n");
		return;
	}
	o = json_object_new_object();
	json_object_string_add(o, "mode", xdpfwd_fw_mode());
	json_object_boolean_add(o, "bypassed", bypassed);
	for (int i = 0; i < 2; i++) {
		fam = json_object_new_object();
		json_object_string_add(fam, "verdict", i ? v6 : v4);
		json_object_int_add(fam, "nftablesChains",
				    f->nft.chains[i ? XFW_V6 : XFW_V4]);
		json_object_int_add(fam, "xtablesRules", f->xt.entries[i]);
		json_object_int_add(fam, "xfrmPolicies", f->xfrm.policies[i]);
		json_object_object_add(o, i ? "ipv6" : "ipv4", fam);
	}
	fam = json_object_new_object();
	json_object_string_add(fam, "verdict", vb);
	json_object_int_add(fam, "nftablesChains", f->nft.chains[XFW_BRIDGE]);
	json_object_int_add(fam, "brNetfilterIptables", f->brnf[0]);
	json_object_int_add(fam, "brNetfilterIp6tables", f->brnf[1]);
	json_object_object_add(o, "bridge", fam);
	json_object_int_add(o, "xfrmStates", f->xfrm.states);
	json_object_boolean_add(o, "xfrmDefaultBlock", f->xfrm.default_block);
	json_object_string_add(o, "nftables", f->nft.list);
	json_object_string_add(o, "xtables", f->xt.list);
	ifs = json_object_new_array();
	while ((l = mirror_link_next(l))) {
		uint8_t tc = mirror_fw_dev_tc(l->ifindex);
		uint8_t nft = mirror_fw_dev_nft(l->name);
		json_object *d;

		if (!iface_attached(l->ifindex))
			continue;
		d = json_object_new_object();
		json_object_string_add(d, "name", l->name);
		json_object_string_add(d, "tc", hooks_str(tc));
		json_object_string_add(d, "nftables", hooks_str(nft));
		json_object_array_add(ifs, d);
	}
	json_object_object_add(o, "interfaces", ifs);
	json_object_object_add(j, "firewall", o);
}

DEFPY(show_xdpfwd, show_xdpfwd_cmd, "show xdpfwd [json$json]",
      SHOW_STR XDPFWD_STR JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;
	json_object *maps, *kernel;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	if (!j) {
		uint64_t map_errors = 0;

		for (int m = 0; m < DP_MAP__MAX; m++)
			map_errors += dp_map_errors(m);
		vty_out(vty, "xdpfwd: running, built for FRR %s\n",
			XDPFWD_FRR_VERSION);
		dispatch_liveness_show(vty, NULL);
		vty_out(vty,
			"IPv4 routes %u (tbl8 groups %u), IPv6 routes %u (max %u)\n",
			routes_count(AF_INET), dp_tbl8_groups(),
			routes_count(AF_INET6), xdpfwd_cfg.fib6_routes);
		vty_out(vty,
			"Nexthop groups %u, adjacencies %u, neighbours %u, programming failures %" PRIu64
			", map write errors %" PRIu64 ", netlink resyncs %" PRIu64
			"\n",
			nhg_count(), adj_count(), mirror_neigh_count(),
			routes_failures(), map_errors,
			dispatch_netlink_resyncs());
		vty_out(vty,
			"Kernel: local-table prefixes %u, policy rules besides the defaults IPv4 %u IPv6 %u, IPv4 local route added (IPv4 sources validated by the kernel) %s\n",
			mirror_local_prefixes(), mirror_policy_rules(AF_INET),
			mirror_policy_rules(AF_INET6),
			mirror_ipv4_custom_local() ? "yes" : "no");
		provider_show(vty, NULL);
		vty_out(vty, "\n");
		fw_show(vty, NULL);
		iface_show(vty, NULL);
		return CMD_SUCCESS;
	}
	json_object_string_add(j, "status", "running");
	json_object_string_add(j, "frrVersion", XDPFWD_FRR_VERSION);
	dispatch_liveness_show(vty, j);
	iface_show(vty, j);
	maps = json_object_new_object();
	json_object_int_add(maps, "fib4Routes", routes_count(AF_INET));
	json_object_int_add(maps, "fib4Tbl8Groups", dp_tbl8_groups());
	json_object_int_add(maps, "fib6Routes", routes_count(AF_INET6));
	json_object_int_add(maps, "fib6Max", xdpfwd_cfg.fib6_routes);
	json_object_int_add(maps, "nexthopGroups", nhg_count());
	json_object_int_add(maps, "adjacencies", adj_count());
	json_object_int_add(maps, "neighbors", mirror_neigh_count());
	routes_capacity_json(maps);
	json_object_object_add(j, "maps", maps);
	xdpfwd_json_u64(j, "programmingFailures", routes_failures());
	map_errors_json(j);
	xdpfwd_json_u64(j, "netlinkResyncs", dispatch_netlink_resyncs());
	kernel = json_object_new_object();
	json_object_int_add(kernel, "localPrefixes", mirror_local_prefixes());
	json_object_int_add(kernel, "policyRulesV4",
			    mirror_policy_rules(AF_INET));
	json_object_int_add(kernel, "policyRulesV6",
			    mirror_policy_rules(AF_INET6));
	json_object_boolean_add(kernel, "ipv4CustomLocalRoute",
				mirror_ipv4_custom_local());
	json_object_object_add(j, "kernel", kernel);
	provider_show(vty, j);
	fw_show(vty, j);
	return xdpfwd_vty_json(vty, j);
}

DEFPY(show_xdpfwd_routes, show_xdpfwd_routes_cmd,
      "show xdpfwd routes [<A.B.C.D/M$p4|X:X::X:X/M$p6|A.B.C.D$a4|X:X::X:X$a6>] [json$json]",
      SHOW_STR XDPFWD_STR
      "Routes in the fast path\n"
      "IPv4 prefix\n"
      "IPv6 prefix\n"
      "IPv4 address (longest match)\n"
      "IPv6 address (longest match)\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;
	const char *target = p4_str ? p4_str
			     : p6_str ? p6_str
			     : a4_str ? a4_str
				      : a6_str;
	struct prefix p = {};

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	if (target && !str2prefix(target, &p)) {
		vty_out(vty, "%% Malformed prefix %s\n", target);
		json_object_free(j);
		return CMD_WARNING;
	}
	routes_show(vty, target ? &p : NULL, j);
	return j ? xdpfwd_vty_json(vty, j) : CMD_SUCCESS;
}

DEFPY(show_xdpfwd_nexthops, show_xdpfwd_nexthops_cmd,
      "show xdpfwd nexthops [json$json]",
      SHOW_STR XDPFWD_STR "Nexthop groups and adjacencies\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	nexthop_show(vty, j);
	return j ? xdpfwd_vty_json(vty, j) : CMD_SUCCESS;
}

DEFPY(show_xdpfwd_neighbors, show_xdpfwd_neighbors_cmd,
      "show xdpfwd neighbors [json$json]",
      SHOW_STR XDPFWD_STR "Neighbours known to the fast path\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	neigh_show(vty, j);
	return j ? xdpfwd_vty_json(vty, j) : CMD_SUCCESS;
}

DEFPY(show_xdpfwd_counters, show_xdpfwd_counters_cmd,
      "show xdpfwd counters [json$json]",
      SHOW_STR XDPFWD_STR "Packet counters by verdict and interface\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;
	json_object *counters = NULL, *reasons = NULL, *ifs = NULL;
	struct interface *ifp;
	struct vrf *vrf = vrf_lookup_by_id(VRF_DEFAULT);

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	if (j) {
		reasons = json_object_new_array();
		ifs = json_object_new_array();
	} else
		vty_out(vty, "%-16s %14s %16s\n", "Verdict", "Packets",
			"Bytes");
	for (uint32_t r = 0; r < XDPFWD_R__MAX; r++) {
		const char *name = xdpfwd_reason_name(r);
		struct xdpfwd_counter c;

		dp_counters(r, &c);
		if (j) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "reason", name);
			xdpfwd_json_u64(o, "packets", c.packets);
			xdpfwd_json_u64(o, "bytes", c.bytes);
			json_object_array_add(reasons, o);
		} else if (c.packets)
			vty_out(vty, "%-16s %14" PRIu64 " %16" PRIu64 "\n",
				name, c.packets, c.bytes);
	}
	if (!j)
		vty_out(vty, "\n%-16s %12s %12s %12s %12s\n", "Interface",
			"RxFwd", "TxFwd", "RxPass", "RxDrop");
	FOR_ALL_INTERFACES (vrf, ifp) {
		struct xdpfwd_if_counters c;

		if (!iface_attached(ifp->ifindex))
			continue;
		dp_if_counters(ifp->ifindex, &c);
		if (j) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "name", ifp->name);
			dp_if_counters_json(o, &c);
			json_object_array_add(ifs, o);
		} else
			vty_out(vty,
				"%-16s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
				" %12" PRIu64 "\n",
				ifp->name, c.rx_fwd_packets, c.tx_fwd_packets,
				c.rx_pass_packets, c.rx_drop_packets);
	}
	if (!j)
		return CMD_SUCCESS;
	counters = json_object_new_object();
	json_object_object_add(counters, "reasons", reasons);
	json_object_object_add(counters, "interfaces", ifs);
	json_object_object_add(j, "counters", counters);
	return xdpfwd_vty_json(vty, j);
}

static void neigh_show(struct vty *vty, json_object *json)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	const struct mirror_neigh *n = NULL;

	if (!json)
		vty_out(vty, "%-40s %-16s %s\n", "Address", "Interface", "MAC");
	while ((n = mirror_neigh_next(n))) {
		const struct xdpfwd_link *l = mirror_link(n->ifindex);
		const char *ifname = l ? l->name : "?";
		char addr[INET6_ADDRSTRLEN];
		struct ethaddr mac;

		inet_ntop(n->family, n->addr, addr, sizeof(addr));
		memcpy(mac.octet, n->mac, sizeof(mac.octet));
		if (json) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "address", addr);
			json_object_string_add(o, "interface", ifname);
			json_object_int_add(o, "ifindex", n->ifindex);
			json_object_string_addf(o, "mac", "%pEA", &mac);
			json_object_array_add(arr, o);
		} else
			vty_out(vty, "%-40s %-16s %pEA\n", addr, ifname, &mac);
	}
	if (json)
		json_object_object_add(json, "neighbors", arr);
}

DEFPY(show_xdpfwd_bridge, show_xdpfwd_bridge_cmd,
      "show xdpfwd bridge [json$json]",
      SHOW_STR XDPFWD_STR
      "Bridges and their ports in the fast path\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	bridge_show(vty, j);
	return j ? xdpfwd_vty_json(vty, j) : CMD_SUCCESS;
}

DEFPY(show_xdpfwd_bridge_fdb, show_xdpfwd_bridge_fdb_cmd,
      "show xdpfwd bridge fdb [json$json]",
      SHOW_STR XDPFWD_STR
      "Bridges and their ports in the fast path\n"
      "Forwarding database as the fast path has it\n" JSON_STR)
{
	json_object *j = json ? json_object_new_object() : NULL;

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	bridge_fdb_show(vty, j);
	return j ? xdpfwd_vty_json(vty, j) : CMD_SUCCESS;
}

/*
 * The fwd API's QueryForward (tools/xdpfwd-apid.c), paged here so that a
 * full table never crosses the vty socket whole.  hosts: the neighbours
 * frames are sent to directly, on interfaces in the fast path; routes: one
 * entry per resolved gateway of each route (routes_forward_json).
 */
static void forward_hosts_json(const struct prefix *match, uint32_t offset,
			       uint32_t limit, json_object *json)
{
	json_object *arr = json_object_new_array();
	const struct mirror_neigh *n = NULL;
	uint64_t total = 0;

	while ((n = mirror_neigh_next(n))) {
		const struct xdpfwd_link *l = mirror_link(n->ifindex);
		char addr[INET6_ADDRSTRLEN];
		struct ethaddr smac, dmac;
		struct prefix p = {};
		json_object *o;

		if (!l || !(iface_attached(n->ifindex) ||
			    iface_bridge_offloadable(n->ifindex)))
			continue;
		p.family = n->family;
		p.prefixlen = n->family == AF_INET ? IPV4_MAX_BITLEN
						   : IPV6_MAX_BITLEN;
		memcpy(&p.u.prefix, n->addr, n->family == AF_INET ? 4 : 16);
		if (match && !prefix_match(match, &p))
			continue;
		if (total++ < offset || total - offset > limit)
			continue;
		inet_ntop(n->family, n->addr, addr, sizeof(addr));
		memcpy(smac.octet, l->mac, sizeof(smac.octet));
		memcpy(dmac.octet, n->mac, sizeof(dmac.octet));
		o = json_object_new_object();
		json_object_string_add(o, "Ip", addr);
		json_object_int_add(o, "Iface", n->ifindex);
		json_object_string_addf(o, "SrcMac", "%pEA", &smac);
		json_object_string_addf(o, "DstMac", "%pEA", &dmac);
		json_object_array_add(arr, o);
	}
	xdpfwd_json_u64(json, "total", total);
	json_object_object_add(json, "entries", arr);
}

DEFPY(show_xdpfwd_forward, show_xdpfwd_forward_cmd,
      "show xdpfwd forward <hosts$hosts|routes> [<A.B.C.D/M$p4|X:X::X:X/M$p6|A.B.C.D$a4|X:X::X:X$a6>] [offset (0-4294967295)$offset] [limit (1-10000)$limit] json",
      SHOW_STR XDPFWD_STR
      "What the fast path forwards to (the fwd API's QueryForward)\n"
      "Neighbours on the fast path's interfaces\n"
      "Routes through a gateway, one entry per next hop\n"
      "IPv4 prefix: entries inside it\n"
      "IPv6 prefix: entries inside it\n"
      "IPv4 address: that host, or its longest-match route\n"
      "IPv6 address: that host, or its longest-match route\n"
      "Skip the first entries\n"
      "Number of entries to skip\n"
      "At most this many entries\n"
      "Number of entries (default 1000)\n" JSON_STR)
{
	json_object *j = json_object_new_object();
	json_object *fwd;
	const char *target = p4_str ? p4_str
			     : p6_str ? p6_str
			     : a4_str ? a4_str
				      : a6_str;
	uint32_t lim = limit_str ? limit : 1000;
	struct prefix p = {};

	if (!dispatch_running())
		return xdpfwd_vty_not_running(vty, j);
	if (target && !str2prefix(target, &p)) {
		json_object_string_add(j, "status", "error");
		json_object_string_addf(j, "error", "malformed prefix %s",
					target);
		return xdpfwd_vty_json(vty, j);
	}
	if (target)
		apply_mask(&p);
	json_object_string_add(j, "status", "running");
	fwd = json_object_new_object();
	json_object_int_add(fwd, "offset", offset);
	json_object_int_add(fwd, "limit", lim);
	if (hosts)
		forward_hosts_json(target ? &p : NULL, offset, lim, fwd);
	else if (a4_str || a6_str)
		routes_forward_lpm_json(&p, fwd);
	else
		routes_forward_json(target ? &p : NULL, offset, lim, fwd);
	json_object_object_add(j, "forward", fwd);
	return xdpfwd_vty_json(vty, j);
}

/* ---- debug ---- */

DEFPY(debug_xdpfwd, debug_xdpfwd_cmd,
      "[no] debug xdpfwd [<events$ev|routes$rt|neighbors$nb>]",
      NO_STR DEBUG_STR XDPFWD_STR
      "Start, stop, interfaces and netlink resyncs\n"
      "Route programming\n"
      "Links and neighbours\n")
{
	unsigned long flags = 0;

	if (ev)
		flags = XDPFWD_DEBUG_EVENTS;
	else if (rt)
		flags = XDPFWD_DEBUG_ROUTES;
	else if (nb)
		flags = XDPFWD_DEBUG_NEIGH;
	else
		/* a packet trace is armed by its own command */
		flags = ~(unsigned long)XDPFWD_DEBUG_PACKET;
	if (no)
		xdpfwd_debug &= ~flags;
	else
		xdpfwd_debug |= flags;
	return CMD_SUCCESS;
}

static int xdpfwd_show_debugging(struct vty *vty)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ XDPFWD_DEBUG_EVENTS, "events" },
		{ XDPFWD_DEBUG_ROUTES, "routes" },
		{ XDPFWD_DEBUG_NEIGH, "neighbors" },
		{ XDPFWD_DEBUG_PACKET, "packet" },
	};

	for (size_t i = 0; i < array_size(names); i++)
		if (xdpfwd_debug & names[i].flag)
			vty_out(vty, "  xdpfwd %s debugging is on\n",
				names[i].name);
	return 0;
}

/*
 * Debian runs FRR with an integrated frr.conf that `vtysh -b` applies line
 * by line.  The vtysh of the frr-xdpfwd package (tools/vtysh/) knows the
 * xdpfwd lines and applies them itself; the stock vtysh does not (a module
 * built and installed without the package, or the package's diversion
 * undone), so the xdpfwd lines of the interface blocks would never reach
 * zebra.  For that case, when zebra read no configuration file of its own,
 * apply them from the integrated file here; with the package's vtysh the
 * lines then arrive twice, and enabling an attached interface in the same
 * mode leaves it as it is (tests/lab/test_26_vtysh.py).
 * (A hand-written scan, not FRR's parser: only "interface NAME" blocks and
 * their " xdpfwd [mode generic]" lines matter, and the global
 * "xdpfwd firewall pass|bypass|conntrack".)
 */
static int xdpfwd_config_post(struct thread_master *tm)
{
	char conf[512], line[512], ifname[64] = "";
	const char *own = host_config_get(), *slash;
	struct stat st;
	FILE *f;

	/* the file zebra reads (/etc/frr/zebra.conf, or /etc/frr/NAME/
	 * under `-N NAME`): if it exists, zebra read it, xdpfwd lines
	 * included
	 */
	if (!own || stat(own, &st) == 0)
		return 0;
	if (xdpfwd_cfg.frr_conf[0])
		strlcpy(conf, xdpfwd_cfg.frr_conf, sizeof(conf));
	else if ((slash = strrchr(own, '/')))
		snprintf(conf, sizeof(conf), "%.*sfrr.conf",
			 (int)(slash - own + 1), own);
	else
		return 0;
	f = fopen(conf, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char name[64], err[256];
		bool generic;

		if (sscanf(line, "interface %63s", name) == 1) {
			strlcpy(ifname, name, sizeof(ifname));
			continue;
		}
		if (!strncmp(line, "xdpfwd firewall ", 16)) {
			bool bypass = !strncmp(line + 16, "bypass", 6);
			bool ct = !strncmp(line + 16, "conntrack", 9);

			dispatch_fw_mode(bypass, ct);
			zlog_info("xdpfwd: firewall mode %s from %s",
				  xdpfwd_fw_mode(), xdpfwd_cfg.frr_conf);
			continue;
		}
		if (line[0] != ' ') {
			ifname[0] = '\0'; /* "exit", "!" or another node */
			continue;
		}
		if (!ifname[0] || strncmp(line, " xdpfwd", 7) ||
		    (line[7] != '\n' && line[7] != ' ' && line[7] != '\0'))
			continue;
		generic = strstr(line + 7, "mode generic") != NULL;
		if (dispatch_if_enable(ifname, generic, err, sizeof(err)))
			zlog_warn("xdpfwd: %s: interface %s: %s", conf,
				  ifname, err);
		else
			zlog_info("xdpfwd: interface %s enabled from %s",
				  ifname, conf);
	}
	fclose(f);
	return 0;
}

void xdpfwd_vty_init(void)
{
	hook_register(frr_config_post, xdpfwd_config_post);
	hook_register(zebra_if_config_wr, xdpfwd_if_config_write);
	hook_register(zebra_debug_show_debugging, xdpfwd_show_debugging);
	install_node(&xdpfwd_node);
	install_element(CONFIG_NODE, &xdpfwd_firewall_cmd);
	install_element(INTERFACE_NODE, &xdpfwd_if_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_routes_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_nexthops_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_neighbors_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_forward_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_counters_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_bridge_cmd);
	install_element(VIEW_NODE, &show_xdpfwd_bridge_fdb_cmd);
	install_element(ENABLE_NODE, &debug_xdpfwd_cmd);
	install_element(CONFIG_NODE, &debug_xdpfwd_cmd);
}
