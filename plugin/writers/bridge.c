// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd bridge writer (bridge.h).
 *
 * The kernel bridge stays the bridge: it learns, ages, floods, runs STP and
 * owns the FDB.  This writer copies the mirror's VLAN 0 entries into the
 * fdb map so that the XDP program on an enabled port sends known unicast
 * straight to the learned port (bpf/bridge.h); it keeps a record of what
 * it wrote.
 *
 * The kernel does not see the frames XDP forwards, so it would age out the
 * entries of hosts that only talk through XDP.  The datapath marks the
 * source's entry (seen_ns); a timer tells the kernel those entries are in
 * use (kernel_use.c: NTF_USE, as `bridge fdb replace ... use`), which
 * refreshes them as if the kernel had seen the frames.
 */
#include "config.h"
#include <zebra.h>

#include <time.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/jhash.h"
#include "lib/json.h"
#include "lib/thread.h"
#include "lib/vty.h"

#include "plugin/xdpfwd.h"
#include "plugin/dp/dp.h"
#include "plugin/mirror/mirror.h"
#include "plugin/writers/bridge.h"
#include "plugin/writers/iface.h"
#include "plugin/writers/kernel_use.h"
#include "plugin/yang_json.h"

DEFINE_MTYPE_STATIC(XDPFWD, XDPFWD_FDB_MAP, "xdpfwd FDB map entry");

/* how often entries used in XDP are refreshed in the kernel's FDB */
#define FDB_REFRESH_MSEC 5000

/* ---- what is in the map, by (bridge, MAC) ---- */
PREDECL_HASH(fdbms);
struct fdbm_item {
	struct fdbms_item hitem;
	int bridge;
	uint8_t mac[6];
	int port;
	uint32_t flags;	       /* XDPFWD_FDB_F_* */
	uint64_t refreshed_ns; /* seen_ns last reported to the kernel */
};

static int fdbm_cmp(const struct fdbm_item *a, const struct fdbm_item *b)
{
	if (a->bridge != b->bridge)
		return numcmp(a->bridge, b->bridge);
	return memcmp(a->mac, b->mac, sizeof(a->mac));
}

static uint32_t fdbm_hash(const struct fdbm_item *a)
{
	return jhash(a->mac, sizeof(a->mac), a->bridge);
}
DECLARE_HASH(fdbms, struct fdbm_item, hitem, fdbm_cmp, fdbm_hash);

static struct fdbms_head fdbms_head;
static struct thread *t_refresh;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void fdb_key(int bridge, const uint8_t *mac, struct xdpfwd_fdb_key *k)
{
	memset(k, 0, sizeof(*k));
	k->bridge_ifindex = bridge;
	memcpy(k->mac, mac, sizeof(k->mac));
}

static struct fdbm_item *fdbm_find(int bridge, const uint8_t *mac)
{
	struct fdbm_item key = { .bridge = bridge };

	memcpy(key.mac, mac, sizeof(key.mac));
	return fdbms_find(&fdbms_head, &key);
}

static void fdbm_delete(struct fdbm_item *m)
{
	struct xdpfwd_fdb_key k;

	fdb_key(m->bridge, m->mac, &k);
	dp_fdb_delete(&k);
	fdbms_del(&fdbms_head, m);
	XFREE(MTYPE_XDPFWD_FDB_MAP, m);
}

void bridge_fdb_sync(int bridge, const uint8_t *mac)
{
	struct fdbm_item *m = fdbm_find(bridge, mac);
	struct mirror_fdb f;
	struct xdpfwd_fdb_key k;
	struct xdpfwd_fdb v = {};

	if (mirror_fdb_get(bridge, mac, &f) < 0) {
		if (m)
			fdbm_delete(m);
		return;
	}
	if (m && m->port == f.port && m->flags == f.flags)
		return;
	fdb_key(bridge, mac, &k);
	v.port_ifindex = f.port;
	v.flags = f.flags;
	/* a failure (a full map) leaves frames to this MAC on the kernel
	 * path; the next report of the entry tries again
	 */
	if (dp_fdb_write(&k, &v) < 0) {
		if (m) {
			fdbms_del(&fdbms_head, m);
			XFREE(MTYPE_XDPFWD_FDB_MAP, m);
		}
		return;
	}
	if (!m) {
		m = XCALLOC(MTYPE_XDPFWD_FDB_MAP, sizeof(*m));
		m->bridge = bridge;
		memcpy(m->mac, mac, sizeof(m->mac));
		fdbms_add(&fdbms_head, m);
	}
	m->port = f.port;
	m->flags = f.flags;
	m->refreshed_ns = 0;
}

void bridge_gone(int bridge)
{
	struct fdbm_item *m;

	frr_each_safe (fdbms, &fdbms_head, m)
		if (m->bridge == bridge)
			fdbm_delete(m);
}

/* ---- keeping the kernel's entries of XDP-forwarded sources alive ---- */

static void refresh_timer(struct thread *t)
{
	struct fdbm_item *m;
	struct xdpfwd_fdb v;

	thread_add_timer_msec(xdpfwd_master, refresh_timer, NULL,
			      FDB_REFRESH_MSEC, &t_refresh);
	kernel_use_drain();
	frr_each (fdbms, &fdbms_head, m) {
		struct xdpfwd_fdb_key k;

		/* static, local and externally learned entries never age */
		if (m->flags)
			continue;
		fdb_key(m->bridge, m->mac, &k);
		if (dp_fdb_read(&k, &v) < 0 || !v.seen_ns ||
		    v.seen_ns == m->refreshed_ns ||
		    v.port_ifindex != (uint32_t)m->port)
			continue;
		if (kernel_use_fdb(m->port, m->mac) < 0)
			continue;
		m->refreshed_ns = v.seen_ns;
		if (IS_XDPFWD_DEBUG(NEIGH)) {
			struct ethaddr mac;

			memcpy(mac.octet, m->mac, sizeof(mac.octet));
			zlog_debug("xdpfwd: fdb %pEA on port %d used in XDP, refreshed",
				   &mac, m->port);
		}
	}
}

/* ---- start and stop ---- */

int bridge_init(void)
{
	fdbms_init(&fdbms_head);
	thread_add_timer_msec(xdpfwd_master, refresh_timer, NULL,
			      FDB_REFRESH_MSEC, &t_refresh);
	return 0;
}

void bridge_fini(void)
{
	struct fdbm_item *m;

	THREAD_OFF(t_refresh);
	frr_each_safe (fdbms, &fdbms_head, m) {
		fdbms_del(&fdbms_head, m);
		XFREE(MTYPE_XDPFWD_FDB_MAP, m);
	}
}

/* ---- show ---- */

static const char *port_state_str(uint8_t state)
{
	switch (state) {
	case BR_STATE_DISABLED:
		return "disabled";
	case BR_STATE_LISTENING:
		return "listening";
	case BR_STATE_LEARNING:
		return "learning";
	case BR_STATE_FORWARDING:
		return "forwarding";
	case BR_STATE_BLOCKING:
		return "blocking";
	default:
		return "unknown";
	}
}

static const char *fdb_type_str(uint32_t flags)
{
	if (flags & XDPFWD_FDB_F_LOCAL)
		return "local";
	if (flags & XDPFWD_FDB_F_STATIC)
		return "static";
	if (flags & XDPFWD_FDB_F_EXTERN)
		return "extern";
	return "learned";
}

static void show_port(struct vty *vty, const struct xdpfwd_link *l,
		      json_object *ports)
{
	struct xdpfwd_if_counters c = {};
	bool attached, generic, fwd;
	const char *mode;

	iface_port_state(l->ifindex, &attached, &generic, &fwd);
	mode = !attached ? "-" : generic ? "generic" : "native";
	if (attached)
		dp_if_counters(l->ifindex, &c);
	if (ports) {
		json_object *o = json_object_new_object();

		json_object_string_add(o, "name", l->name);
		json_object_int_add(o, "ifindex", l->ifindex);
		json_object_string_add(o, "state",
				       port_state_str(l->port_state));
		json_object_boolean_add(o, "hairpin", l->hairpin);
		json_object_boolean_add(o, "xdpfwd", attached);
		json_object_string_add(o, "mode", mode);
		/* bridged and routed to in XDP */
		json_object_boolean_add(o, "fastPath", fwd);
		dp_if_counters_json(o, &c);
		json_object_array_add(ports, o);
		return;
	}
	vty_out(vty,
		"  %-16s %-7d %-10s %-7s %-7s %-4s %12" PRIu64 " %12" PRIu64
		" %12" PRIu64 " %10" PRIu64 "\n",
		l->name, l->ifindex, port_state_str(l->port_state),
		l->hairpin ? "on" : "off", mode, fwd ? "yes" : "no",
		c.rx_fwd_packets, c.tx_fwd_packets, c.rx_pass_packets,
		c.rx_drop_packets);
}

static void show_bridge(struct vty *vty, const struct xdpfwd_link *br,
			json_object *bridges)
{
	const struct xdpfwd_link *l = NULL;
	json_object *o = NULL, *ports = NULL;
	bool vlan = mirror_bridge_vlan_aware(br->ifindex);
	uint32_t entries = mirror_bridge_fdb_count(br->ifindex);
	struct ethaddr mac;

	memcpy(mac.octet, br->mac, sizeof(mac.octet));
	if (bridges) {
		o = json_object_new_object();
		json_object_string_add(o, "name", br->name);
		json_object_int_add(o, "ifindex", br->ifindex);
		json_object_string_addf(o, "mac", "%pEA", &mac);
		json_object_boolean_add(o, "operUp", br->oper_up);
		json_object_boolean_add(o, "vlanFiltering", vlan);
		json_object_int_add(o, "fdbEntries", entries);
		ports = json_object_new_array();
	} else {
		vty_out(vty,
			"Bridge %s (ifindex %d), MAC %pEA, %s, FDB entries %u%s\n",
			br->name, br->ifindex, &mac,
			br->oper_up ? "up" : "down", entries,
			vlan ? ", filters VLANs: left to the kernel" : "");
		vty_out(vty, "  %-16s %-7s %-10s %-7s %-7s %-4s %12s %12s %12s %10s\n",
			"Port", "Ifindex", "State", "Hairpin", "xdpfwd", "XDP",
			"RxFwd", "TxFwd", "RxPass", "RxDrop");
	}
	while ((l = mirror_link_next(l)))
		if (l->bridge == br->ifindex)
			show_port(vty, l, ports);
	if (o) {
		json_object_object_add(o, "ports", ports);
		json_object_array_add(bridges, o);
	}
}

void bridge_show(struct vty *vty, json_object *json)
{
	json_object *bridges = json ? json_object_new_array() : NULL;
	const struct xdpfwd_link *l = NULL;

	while ((l = mirror_link_next(l)))
		if (l->is_bridge)
			show_bridge(vty, l, bridges);
	if (!json) {
		vty_out(vty,
			"FDB map update failures %" PRIu64
			", entries refreshed in the kernel %" PRIu64
			" (errors %" PRIu64 ")\n",
			dp_map_errors(DP_MAP_FDB), kernel_use_stats()->fdb,
			kernel_use_stats()->errors);
		return;
	}
	json_object_object_add(json, "bridges", bridges);
	xdpfwd_json_u64(json, "fdbMapFailures", dp_map_errors(DP_MAP_FDB));
	xdpfwd_json_u64(json, "fdbRefreshes", kernel_use_stats()->fdb);
	xdpfwd_json_u64(json, "fdbRefreshErrors",
			    kernel_use_stats()->errors);
}

void bridge_fdb_show(struct vty *vty, json_object *json)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	uint64_t now = mono_ns();
	const struct mirror_fdb *f = NULL;
	struct mirror_fdb buf;

	if (!json)
		vty_out(vty, "%-16s %-17s %-16s %-8s %-6s %s\n", "Bridge",
			"MAC", "Port", "Type", "Map", "XDP seen");
	while ((f = mirror_fdb_next(f, &buf))) {
		const struct xdpfwd_link *br = mirror_link(f->bridge);
		const struct xdpfwd_link *port = mirror_link(f->port);
		struct fdbm_item *m = fdbm_find(f->bridge, f->mac);
		struct xdpfwd_fdb_key k;
		struct xdpfwd_fdb v = {};
		char seen[32] = "-";
		struct ethaddr mac;
		int64_t age = -1;

		memcpy(mac.octet, f->mac, sizeof(mac.octet));
		fdb_key(f->bridge, f->mac, &k);
		if (m && dp_fdb_read(&k, &v) == 0 && v.seen_ns &&
		    v.seen_ns <= now) {
			age = (now - v.seen_ns) / 1000000000ULL;
			snprintf(seen, sizeof(seen), "%" PRId64 "s ago", age);
		}
		if (json) {
			json_object *o = json_object_new_object();

			json_object_string_add(o, "bridge", br ? br->name : "?");
			json_object_int_add(o, "bridgeIfindex", f->bridge);
			json_object_string_addf(o, "mac", "%pEA", &mac);
			json_object_string_add(o, "port",
					       port ? port->name : "?");
			json_object_int_add(o, "portIfindex", f->port);
			json_object_string_add(o, "type",
					       fdb_type_str(f->flags));
			json_object_boolean_add(o, "inMap", m != NULL);
			if (age >= 0)
				xdpfwd_json_i64(o, "xdpSeenSecondsAgo",
						    age);
			json_object_array_add(arr, o);
		} else {
			char macs[ETHER_ADDR_STRLEN];

			snprintfrr(macs, sizeof(macs), "%pEA", &mac);
			vty_out(vty, "%-16s %-17s %-16s %-8s %-6s %s\n",
				br ? br->name : "?", macs,
				port ? port->name : "?",
				fdb_type_str(f->flags), m ? "yes" : "no",
				seen);
		}
	}
	if (json)
		json_object_object_add(json, "fdb", arr);
}
