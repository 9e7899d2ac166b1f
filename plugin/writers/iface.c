// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd interface writer (iface.h).
 *
 * The configuration follows the interface name, as zebra's does: an
 * interface that appears (or is renamed) under a configured name is
 * attached, one renamed away is detached.  The `ifaces` entry of a link
 * says whether it is an ingress of the fast path (and, for a bridge port,
 * its bridge's fields); `tx_ports` holds the links that take redirects.
 */
#include "config.h"
#include <zebra.h>

#include <linux/if_bridge.h>

#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/memory.h"
#include "lib/typesafe.h"
#include "lib/vty.h"

#include "plugin/xdpfwd.h"
#include "plugin/dp/dp.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/iface.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_IFCFG, "xdpfwd interface config");
DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_ATTACH, "xdpfwd attachment");

/* ---- configured interfaces, by name ---- */
PREDECL_HASH(ifcfgs);
struct ifcfg_item {
	struct ifcfgs_item hitem;
	char name[16];
	bool generic;
};

static int ifcfg_cmp(const struct ifcfg_item *a, const struct ifcfg_item *b)
{
	return strcmp(a->name, b->name);
}

static uint32_t ifcfg_hash(const struct ifcfg_item *a)
{
	return jhash(a->name, strlen(a->name), 0);
}
DECLARE_HASH(ifcfgs, struct ifcfg_item, hitem, ifcfg_cmp, ifcfg_hash);

/* ---- attachments, by ifindex ---- */
PREDECL_HASH(atts);
struct att_item {
	struct atts_item hitem;
	int ifindex;
	char name[16]; /* the name it was attached (and pinned) under */
	bool generic;
	int link_fd;
};

static int att_cmp(const struct att_item *a, const struct att_item *b)
{
	return numcmp(a->ifindex, b->ifindex);
}

static uint32_t att_hash(const struct att_item *a)
{
	return jhash_1word(a->ifindex, 0);
}
DECLARE_HASH(atts, struct att_item, hitem, att_cmp, att_hash);

static struct ifcfgs_head ifcfgs_head;
static struct atts_head atts_head;

void iface_init(void)
{
	ifcfgs_init(&ifcfgs_head);
	atts_init(&atts_head);
}

static struct att_item *att_find(int ifindex)
{
	struct att_item key = { .ifindex = ifindex };

	return atts_find(&atts_head, &key);
}

static struct ifcfg_item *ifcfg_find(const char *ifname)
{
	struct ifcfg_item key = {};

	strlcpy(key.name, ifname, sizeof(key.name));
	return ifcfgs_find(&ifcfgs_head, &key);
}

bool iface_configured(const char *ifname, bool *generic)
{
	struct ifcfg_item *c = ifcfg_find(ifname);

	if (c && generic)
		*generic = c->generic;
	return c != NULL;
}

bool iface_attached(int ifindex)
{
	return att_find(ifindex) != NULL;
}

bool iface_forwarding(int ifindex)
{
	const struct xdpfwd_link *l = mirror_link(ifindex);

	return l && l->oper_up && !l->other_master && iface_attached(ifindex);
}

bool iface_native(int ifindex)
{
	struct att_item *a = att_find(ifindex);

	return a && !a->generic;
}

bool iface_bridge_native(int bridge)
{
	const struct xdpfwd_link *l = NULL;
	bool any = false;

	while ((l = mirror_link_next(l))) {
		if (l->bridge != bridge || !iface_attached(l->ifindex))
			continue;
		if (!iface_native(l->ifindex))
			return false;
		any = true;
	}
	return any;
}

bool iface_bridge_offloadable(int bridge)
{
	const struct xdpfwd_link *br = mirror_link(bridge), *l = NULL;

	if (!br || !br->is_bridge || mirror_bridge_vlan_aware(bridge))
		return false;
	while ((l = mirror_link_next(l)))
		if (l->bridge == bridge && iface_attached(l->ifindex))
			return true;
	return false;
}

/*
 * A bridge port's fields: the bridge's MAC as the router MAC, forwarding
 * only while the port forwards, the bridge is up and filters no VLANs
 * (which the fast path does not model).  The kernel bridge sends nothing
 * through a port that does not forward, routed frames included.
 */
static void bridge_port_fields(const struct xdpfwd_link *l,
			       struct xdpfwd_iface *v, bool *tx)
{
	const struct xdpfwd_link *br = mirror_link(l->bridge);

	v->flags |= XDPFWD_IF_F_BRIDGE_PORT;
	v->bridge_ifindex = l->bridge;
	v->mtu = l->mtu > UINT16_MAX ? UINT16_MAX : l->mtu;
	/* the bridge not known yet (a dump lists it after its ports) */
	if (br && br->is_bridge) {
		memcpy(v->mac, br->mac, sizeof(v->mac));
		if (l->port_state == BR_STATE_FORWARDING && br->oper_up &&
		    !mirror_bridge_vlan_aware(br->ifindex))
			v->flags |= XDPFWD_IF_F_FORWARDING;
	}
	if (l->hairpin)
		v->flags |= XDPFWD_IF_F_HAIRPIN;
	if (!(v->flags & XDPFWD_IF_F_FORWARDING))
		*tx = false;
}

/*
 * The firewall, NAT, IPsec and traffic control the kernel would run on
 * what arrives here (docs/design.md, "Firewalls").  @dev is the routed
 * ingress (the bridge, for a port).  xfrm and qdiscs apply whatever the
 * mode: `xdpfwd firewall bypass` covers netfilter only.  Conntrack mode
 * (CT4/CT6) covers the routed families' nftables and x_tables rules; a
 * netdev chain (no conntrack there), xfrm and tc keep FW4/FW6 and TC,
 * which pass whatever conntrack says.  Bridged frames keep passing.
 */
static void fw_flags(const struct xdpfwd_link *l, int dev,
		     struct xdpfwd_iface *v)
{
	bool nf = !xdpfwd_cfg.fw_bypass;
	bool ct = xdpfwd_cfg.fw_conntrack;
	const struct xdpfwd_link *br = dev != l->ifindex ? mirror_link(dev)
							 : NULL;
	uint8_t nft = mirror_fw_dev_nft(l->name);
	uint8_t tc = mirror_fw_dev_tc(l->ifindex);

	if (br) {
		nft |= mirror_fw_dev_nft(br->name);
		tc |= mirror_fw_dev_tc(dev);
	}
	if (mirror_fw_xfrm(AF_INET) || (nf && (nft & XFW_HOOK_IN)) ||
	    (nf && !ct && mirror_fw_filters(AF_INET)))
		v->flags |= XDPFWD_IF_F_FW4;
	else if (ct && mirror_fw_filters(AF_INET))
		v->flags |= XDPFWD_IF_F_CT4;
	if (mirror_fw_xfrm(AF_INET6) || (nf && (nft & XFW_HOOK_IN)) ||
	    (nf && !ct && mirror_fw_filters(AF_INET6)))
		v->flags |= XDPFWD_IF_F_FW6;
	else if (ct && mirror_fw_filters(AF_INET6))
		v->flags |= XDPFWD_IF_F_CT6;
	if (tc & XFW_HOOK_IN)
		v->flags |= XDPFWD_IF_F_TC;
	if (!l->bridge)
		return;
	/* bridged frames: the bridge family, br_netfilter, the port's own
	 * ingress chain; as an egress, the port's qdisc and egress chain
	 */
	if (nf && (mirror_fw_bridge() ||
		   (mirror_fw_dev_nft(l->name) & XFW_HOOK_IN)))
		v->flags |= XDPFWD_IF_F_FW_BRIDGE;
	if (mirror_fw_dev_tc(l->ifindex) & XFW_HOOK_OUT)
		v->flags |= XDPFWD_IF_F_TX_TC;
	if (nf && (mirror_fw_dev_nft(l->name) & XFW_HOOK_OUT))
		v->flags |= XDPFWD_IF_F_TX_FW;
}

const char *iface_fw_verdict(int family)
{
	bool filters = family == AF_BRIDGE ? mirror_fw_bridge()
					   : mirror_fw_filters(family);

	if (family != AF_BRIDGE && mirror_fw_xfrm(family))
		return "kernel";
	if (!filters)
		return "fastPath";
	if (family != AF_BRIDGE && xdpfwd_cfg.fw_conntrack)
		return "conntrack";
	return xdpfwd_cfg.fw_bypass ? "bypassed" : "kernel";
}

/*
 * What the maps should hold for a link: its ifaces value, in tx_ports?
 * A link enslaved to another master than a bridge (a VRF, a bond) is
 * neither an ingress nor an egress of the fast path, which knows only the
 * default VRF's routes: its frames pass (passDisabled).
 */
static void iface_value(const struct xdpfwd_link *l, bool attached,
			bool generic, struct xdpfwd_iface *v, bool *tx)
{
	int dev = l->bridge ? l->bridge : l->ifindex; /* routed ingress */

	memset(v, 0, sizeof(*v));
	if (l->other_master)
		attached = false;
	v->flags = attached ? XDPFWD_IF_F_ENABLED : 0;
	if (attached && !generic)
		v->flags |= XDPFWD_IF_F_NATIVE;
	/* unknown settings count as the ones that send traffic to the
	 * kernel
	 */
	if (mirror_ipv4_forwarding(dev) <= 0)
		v->flags |= XDPFWD_IF_F_NO_FWD4;
	if (mirror_ipv4_rp_filter(dev) != 0)
		v->flags |= XDPFWD_IF_F_RPF4;
	if (mirror_ipv6_forwarding() <= 0)
		v->flags |= XDPFWD_IF_F_NO_FWD6;
	/*
	 * The fast path has the main and local tables only (the local
	 * table's prefixes are the kernel's: routes.c).  An IPv4 local route
	 * ever added through netlink (AnyIP, `ip route add local 10.9.0.0/16
	 * dev lo`) makes the kernel validate every IPv4 source in full, for
	 * good (fib_has_custom_local_routes): IPv4 goes to the kernel too.
	 */
	if (mirror_policy_rules(AF_INET) || mirror_ipv4_custom_local())
		v->flags |= XDPFWD_IF_F_RULES4;
	if (mirror_policy_rules(AF_INET6))
		v->flags |= XDPFWD_IF_F_RULES6;
	fw_flags(l, dev, v);
	if (l->vlan_hw != XVLAN_NONE)
		v->flags |= XDPFWD_IF_F_VLAN_HW;
	memcpy(v->mac, l->mac, sizeof(v->mac));
	*tx = attached && l->oper_up;
	if (l->bridge)
		bridge_port_fields(l, v, tx);
}

static void iface_write(int ifindex)
{
	const struct xdpfwd_link *l = mirror_link(ifindex);
	struct xdpfwd_iface v = {};
	bool tx = false;

	struct att_item *a = att_find(ifindex);

	if (l)
		iface_value(l, a != NULL, a && a->generic, &v, &tx);
	if (ifindex < XDPFWD_IFINDEX_MAX)
		dp_iface_write(ifindex, &v);
	dp_tx_port_set(ifindex, tx);
}

static int attach(const struct xdpfwd_link *l, bool generic, char *errbuf,
		  size_t errlen)
{
	struct att_item *a;
	int fd;

	if (l->ifindex >= XDPFWD_IFINDEX_MAX) {
		snprintf(errbuf, errlen,
			 "%s has ifindex %d, above the supported %d", l->name,
			 l->ifindex, XDPFWD_IFINDEX_MAX - 1);
		return -ERANGE;
	}
	fd = dp_attach(l->ifindex, l->name, generic, errbuf, errlen);
	if (fd < 0)
		return fd;
	a = XCALLOC(MTYPE_XDPFWD_ATTACH, sizeof(*a));
	a->ifindex = l->ifindex;
	strlcpy(a->name, l->name, sizeof(a->name));
	a->generic = generic;
	a->link_fd = fd;
	atts_add(&atts_head, a);
	iface_write(l->ifindex);
	zlog_info("xdpfwd: fast path enabled on %s (ifindex %d, %s mode)",
		  l->name, l->ifindex, generic ? "generic" : "native");
	return 0;
}

/* (a link already gone from the kernel detaches quietly: ENOLINK) */
static void detach(struct att_item *a)
{
	int ifindex = a->ifindex;

	dp_detach(a->link_fd, a->name);
	atts_del(&atts_head, a);
	zlog_info("xdpfwd: fast path disabled on %s", a->name);
	XFREE(MTYPE_XDPFWD_ATTACH, a);
	iface_write(ifindex);
}

int iface_enable(const char *ifname, bool generic, char *errbuf,
		 size_t errlen)
{
	const struct xdpfwd_link *l;
	struct ifcfg_item *c = ifcfg_find(ifname);
	struct att_item *a;

	if (!c) {
		c = XCALLOC(MTYPE_XDPFWD_IFCFG, sizeof(*c));
		strlcpy(c->name, ifname, sizeof(c->name));
		ifcfgs_add(&ifcfgs_head, c);
	}
	c->generic = generic;
	if (!dp_loaded()) {
		snprintf(errbuf, errlen,
			 "the fast path is not running (%s); the configuration is kept",
			 dp_error());
		return -ENOENT;
	}
	l = mirror_link_by_name(ifname);
	if (!l) {
		snprintf(errbuf, errlen,
			 "interface %s does not exist in the kernel", ifname);
		return -ENODEV;
	}
	a = att_find(l->ifindex);
	if (a && a->generic != generic) {
		detach(a);
		a = NULL;
	}
	return a ? 0 : attach(l, generic, errbuf, errlen);
}

int iface_disable(const char *ifname)
{
	struct ifcfg_item *c = ifcfg_find(ifname);
	const struct xdpfwd_link *l = mirror_link_by_name(ifname);
	struct att_item *a = l ? att_find(l->ifindex) : NULL;

	if (c) {
		ifcfgs_del(&ifcfgs_head, c);
		XFREE(MTYPE_XDPFWD_IFCFG, c);
	}
	if (!a)
		return 0;
	detach(a);
	return l->ifindex;
}

void iface_link_changed(int ifindex)
{
	const struct xdpfwd_link *l = mirror_link(ifindex);
	struct att_item *a = att_find(ifindex);
	bool generic;

	if (!l)
		return;
	if (a && strcmp(a->name, l->name) != 0) {
		/* renamed: the configuration follows the name */
		detach(a);
		a = NULL;
	}
	if (!a && dp_loaded() && iface_configured(l->name, &generic)) {
		char err[256];

		if (attach(l, generic, err, sizeof(err)))
			zlog_warn("xdpfwd: %s", err);
		return;
	}
	iface_write(ifindex);
	if (IS_XDPFWD_DEBUG(NEIGH))
		zlog_debug("xdpfwd: link %s ifindex %d mtu %u %s", l->name,
			   l->ifindex, l->mtu, l->oper_up ? "up" : "down");
}

void iface_link_gone(int ifindex)
{
	struct att_item *a = att_find(ifindex);

	if (a)
		detach(a);
	else
		iface_write(ifindex);
}

void iface_refresh_all(void)
{
	const struct xdpfwd_link *l = NULL;

	while ((l = mirror_link_next(l)))
		iface_write(l->ifindex);
}

void iface_bridge_changed(int bridge)
{
	const struct xdpfwd_link *l = NULL;

	while ((l = mirror_link_next(l)))
		if (l->bridge == bridge)
			iface_write(l->ifindex);
}

void iface_fini(void)
{
	struct att_item *a;
	struct ifcfg_item *c;

	/* not _pop(): it rescans the bucket array each time (typesafe.h) */
	frr_each_safe (atts, &atts_head, a) {
		atts_del(&atts_head, a);
		dp_detach(a->link_fd, a->name);
		XFREE(MTYPE_XDPFWD_ATTACH, a);
	}
	frr_each_safe (ifcfgs, &ifcfgs_head, c) {
		ifcfgs_del(&ifcfgs_head, c);
		XFREE(MTYPE_XDPFWD_IFCFG, c);
	}
}

void iface_port_state(int ifindex, bool *attached, bool *generic,
		      bool *fast_path)
{
	const struct xdpfwd_link *l = mirror_link(ifindex);
	struct att_item *a = att_find(ifindex);
	struct xdpfwd_iface v;

	*attached = a != NULL;
	*generic = a && a->generic;
	*fast_path = false;
	if (l)
		iface_value(l, *attached, *generic, &v, fast_path);
}

void iface_show(struct vty *vty, struct json_object *json)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	struct att_item *a;

	if (!json)
		vty_out(vty, "%-16s %-7s %-8s %-5s %s\n", "Interface",
			"Ifindex", "Mode", "Oper", "MAC");
	frr_each (atts, &atts_head, a) {
		const struct xdpfwd_link *l = mirror_link(a->ifindex);
		struct ethaddr mac = {};

		if (!l)
			continue;
		memcpy(mac.octet, l->mac, sizeof(mac.octet));
		if (json) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "name", l->name);
			json_object_int_add(o, "ifindex", l->ifindex);
			json_object_string_add(o, "mode", a->generic ? "generic"
								     : "native");
			json_object_boolean_add(o, "attached", true);
			json_object_boolean_add(o, "operUp", l->oper_up);
			json_object_string_addf(o, "mac", "%pEA", &mac);
			json_object_int_add(o, "mtu", l->mtu);
			if (l->other_master)
				json_object_string_addf(
					o, "notFastPath",
					"enslaved to ifindex %d, not a bridge: its traffic is the kernel's",
					l->other_master);
			json_object_boolean_add(o, "vlanOffloadPasses",
						l->vlan_hw != XVLAN_NONE);
			json_object_string_add(o, "vlanOffload",
					       xvlan_why(l->vlan_hw));
			json_object_array_add(arr, o);
		} else {
			vty_out(vty, "%-16s %-7d %-8s %-5s %pEA%s\n", l->name,
				l->ifindex, a->generic ? "generic" : "native",
				l->oper_up ? "up" : "down", &mac,
				l->other_master ? "  (enslaved, not a bridge port: kernel path)"
						: "");
			if (l->vlan_hw != XVLAN_NONE)
				vty_out(vty, "  %s: VLAN tags held as metadata: %s\n",
					l->name, xvlan_why(l->vlan_hw));
		}
	}
	if (json)
		json_object_object_add(json, "interfaces", arr);
}
