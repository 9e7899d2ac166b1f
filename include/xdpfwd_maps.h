/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpfwd map layouts: the contract between the XDP datapath (bpf/) and the
 * zebra module (plugin/). Both sides include this header and nothing else
 * to agree on keys, values, sizes and encodings.
 *
 * All sizes are overridable at compile time; map sizes can also be changed
 * at load time by the plugin (bpf_map__set_max_entries), the datapath never
 * depends on them except through bounds it gets from the map itself.
 */
#ifndef XDPFWD_MAPS_H
#define XDPFWD_MAPS_H

#ifdef __bpf__
#include <linux/types.h>
#else
#include <stdint.h>
#include <linux/types.h>
#endif

/* ---- IPv4 FIB: DIR-24-8 (as DPDK rte_lpm) ----
 *
 * tbl24 has one 16-bit entry per /24 (2^24 entries, 32 MiB), stored as
 * blocks of 256 entries so that an element is one /16: block index is
 * addr >> 16, entry index (addr >> 8) & 0xff.  tbl8 holds groups of 256
 * entries, one group per /24 that has routes longer than /24; the entry
 * index inside a group is addr & 0xff.
 *
 * Entry encoding:
 *   0                       no route (pass to the kernel)
 *   XDPFWD_FIB4_EXT | g     tbl24 only: continue in tbl8 group g
 *   n (1..0x7fff)           nexthop-group id n
 *
 * Both arrays are BPF_F_MMAPABLE: the plugin writes them with plain stores,
 * a tbl8 group completely before the tbl24 entry that points to it.
 */
#define XDPFWD_FIB4_EXT 0x8000
#define XDPFWD_FIB4_VAL_MASK 0x7fff
#define XDPFWD_FIB4_BLOCK 256
#define XDPFWD_TBL24_BLOCKS (1 << 16)
#ifndef XDPFWD_TBL8_GROUPS
#define XDPFWD_TBL8_GROUPS 16384 /* at most 32768: 15-bit group index */
#endif

struct xdpfwd_fib4_block {
	__u16 entry[XDPFWD_FIB4_BLOCK];
};

/* ---- IPv6 FIB: direct table, then sorted range tables (DXR-like) ----
 *
 * fib6_dir has one 32-bit entry per /XDPFWD_FIB6_DIR_BITS (the top bits of
 * the address).  fib6_keys/fib6_vals are a pool of slots holding range
 * tables: a table at slot o has n = fib6_keys[o] entries in slots
 * o+1..o+n, keys ascending; entry i covers keys [keys[i], keys[i+1]) and
 * answers vals[i].  Lookup in a table: the last entry whose key is <= the
 * search key, by binary search.  The search key is the upper 64 bits of
 * the address as a host-order integer, the lower 64 bits once a value
 * with XDPFWD_FIB6_LOW was followed (a /64 holding longer routes).
 * The plugin keeps tables small (pages of at most 63 ranges, under an
 * index table of the pages' first keys) so that an update copies little.
 *
 * Entry / value encoding:
 *   0                        no route (pass to the kernel)
 *   XDPFWD_FIB6_EXT | o      continue in the table at slot o
 *   XDPFWD_FIB6_EXT | XDPFWD_FIB6_LOW | o   the same, keyed on the lower
 *                            64 bits from there on
 *   n (1..0x3fffffff)        nexthop-group id n
 *
 * All three are BPF_F_MMAPABLE arrays (fib6_dir and fib6_vals in pairs of
 * entries, below): the plugin writes a table
 * completely before the single store that publishes it, never changes a
 * published table, and reuses its slots only after a grace period.
 */
#ifndef XDPFWD_FIB6_DIR_BITS
#define XDPFWD_FIB6_DIR_BITS 20
#endif
#define XDPFWD_FIB6_DIR_ENTRIES (1u << XDPFWD_FIB6_DIR_BITS)
#define XDPFWD_FIB6_EXT 0x80000000u
#define XDPFWD_FIB6_LOW 0x40000000u
#define XDPFWD_FIB6_OFF_MASK 0x3fffffffu
#define XDPFWD_FIB6_VAL_MASK 0x3fffffffu
/* tables on the way: chunk index, page, /64 index, page */
#define XDPFWD_FIB6_LEVELS 4
/* the routes the IPv6 FIB is sized for (module argument fib6=N) */
#ifndef XDPFWD_FIB6_MAX
#define XDPFWD_FIB6_MAX 262144
#endif
/* range-table slots provisioned per route of that capacity */
#define XDPFWD_FIB6_SLOTS_PER_ROUTE 8
#define XDPFWD_FIB6_SLOTS (XDPFWD_FIB6_MAX * XDPFWD_FIB6_SLOTS_PER_ROUTE)
/* binary search steps: enough for any table of the largest pool (2^30) */
#define XDPFWD_FIB6_STEPS 31

/*
 * fib6_dir and fib6_vals hold two 32-bit entries per array element: the
 * kernel rounds array elements up to 8 bytes, and the plugin sees each
 * map as one flat array of 32-bit entries (entry i: element i / 2, half
 * i % 2).  fib6_keys has one 64-bit key per element.
 */
struct xdpfwd_fib6_pair {
	__u32 e[2];
};

/* ---- IPv6 LPM trie key (the benchmark's reference, the old FIB) ---- */

struct xdpfwd_fib6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* value of the IPv6 FIB: a nexthop-group id (same space as IPv4) */
typedef __u32 xdpfwd_fib6_val;

/* ---- The router's own IPv4 addresses ----
 *
 * HASH keyed by the address (network order), value 1: the addresses and
 * broadcast addresses of the router's interfaces (the LOCAL entries of the
 * FIB).  A packet from such a source is a martian to the kernel
 * (fib_validate_source() refuses a local source), so it passes.
 */
#ifndef XDPFWD_LOCAL4_MAX
#define XDPFWD_LOCAL4_MAX 4096
#endif

/* ---- Nexthop groups ----
 *
 * A route points at a nexthop group.  Weighted ECMP is expanded into slots:
 * a flow hash picks slot[hash % nslots], which holds an adjacency id.
 * Ids 1..4 are reserved groups (XDPFWD_NHG_RESERVED below), written by
 * whoever loads the program: the plugin, the benchmark, the fixtures.
 */
#ifndef XDPFWD_NHG_MAX
#define XDPFWD_NHG_MAX 32768 /* ids are 15 bits (FIB4 entry encoding) */
#endif
#ifndef XDPFWD_NHG_SLOTS
#define XDPFWD_NHG_SLOTS 64
#endif

enum xdpfwd_nhg_type {
	XDPFWD_NHG_NONE = 0,	    /* unused entry: pass */
	XDPFWD_NHG_FORWARD = 1,	    /* forward through slot[] */
	XDPFWD_NHG_LOCAL = 2,	    /* router's own address: pass */
	XDPFWD_NHG_BLACKHOLE = 3,   /* drop in XDP */
	XDPFWD_NHG_UNREACHABLE = 4, /* unreachable/prohibit: pass, kernel answers */
	XDPFWD_NHG_KERNEL = 5,	    /* route the fast path cannot take: pass */
};

#define XDPFWD_NHG_ID_LOCAL 1
#define XDPFWD_NHG_ID_BLACKHOLE 2
#define XDPFWD_NHG_ID_UNREACHABLE 3
#define XDPFWD_NHG_ID_KERNEL 4
#define XDPFWD_NHG_ID_FIRST_DYNAMIC 5

/* The type of each reserved group, indexed by id (0 and the dynamic ids:
 * XDPFWD_NHG_NONE).  One table for every loader of the program.
 */
#define XDPFWD_NHG_RESERVED                                                  \
	{                                                                    \
		[XDPFWD_NHG_ID_LOCAL] = XDPFWD_NHG_LOCAL,                    \
		[XDPFWD_NHG_ID_BLACKHOLE] = XDPFWD_NHG_BLACKHOLE,            \
		[XDPFWD_NHG_ID_UNREACHABLE] = XDPFWD_NHG_UNREACHABLE,        \
		[XDPFWD_NHG_ID_KERNEL] = XDPFWD_NHG_KERNEL,                  \
	}

/*
 * The egresses of a group whose members leave through more than one
 * interface (the L3 device: a bridge, not its port).  A packet that came
 * in on one of them may be hashed by the kernel onto that member and
 * routed back out, with an ICMP redirect; xdpfwd's hash is not the
 * kernel's, so such a packet goes to the kernel whichever member xdpfwd
 * would pick.  egress_mask has bit (ifindex % 64) of each egress, so that
 * an ingress that is none of them costs one test; egress[] lists them
 * exactly when they fit (negress <= XDPFWD_NHG_EGRESS), otherwise negress
 * is XDPFWD_NHG_EGRESS_MANY and a mask hit alone passes.  All zero for a
 * group with one egress: the chosen adjacency's hairpin test covers it.
 * A group's members never change under its id, so neither do these.
 */
#define XDPFWD_NHG_EGRESS 8
#define XDPFWD_NHG_EGRESS_MANY 0xff

struct xdpfwd_nhg {
	__u8 type;    /* enum xdpfwd_nhg_type */
	__u8 nslots;  /* used slots, 1..XDPFWD_NHG_SLOTS for FORWARD */
	__u8 negress; /* entries in egress[], or XDPFWD_NHG_EGRESS_MANY */
	__u8 pad;
	__u32 pad2;
	__u64 egress_mask;
	__u16 slot[XDPFWD_NHG_SLOTS]; /* adjacency ids */
	__u32 egress[XDPFWD_NHG_EGRESS];
};

/* ---- Adjacencies: one per (egress interface, gateway) ----
 *
 * Shared by every group that uses the nexthop, so a neighbour's MAC change
 * or a nexthop going away is one write.  A CONNECTED adjacency has no
 * gateway: the destination MAC comes from the neighbour map keyed by the
 * packet's destination address.
 */
#ifndef XDPFWD_ADJ_MAX
#define XDPFWD_ADJ_MAX 65536
#endif

#define XDPFWD_ADJ_F_VALID 0x1	   /* egress known and up */
#define XDPFWD_ADJ_F_RESOLVED 0x2  /* dmac is the gateway's MAC */
#define XDPFWD_ADJ_F_CONNECTED 0x4 /* dmac from neighbour map per packet */
/*
 * The egress interface is a bridge: the frame leaves through one of its
 * ports.  A gateway adjacency carries that port in ifindex (0 while the
 * gateway's MAC is not in the FDB); a connected one keeps the bridge in
 * ifindex (the neighbour map key) and the port comes from the neighbour
 * value.
 */
#define XDPFWD_ADJ_F_BRIDGE 0x8
/* the egress runs the program in native mode: it takes redirects from a
 * native-mode ingress (a generic-mode egress may have no native XDP
 * transmit, and the frame would be dropped after the redirect)
 */
#define XDPFWD_ADJ_F_NATIVE_TX 0x10
/* the egress (a bridge: it or one of its ports) has a non-default qdisc
 * (passTc) or a netdev egress chain that is not bypassed (passFirewall)
 */
#define XDPFWD_ADJ_F_TC 0x20
#define XDPFWD_ADJ_F_FW 0x40

struct xdpfwd_adj {
	__u32 ifindex; /* egress interface */
	__u16 mtu;     /* egress L3 MTU, IPv4 */
	__u16 flags;   /* XDPFWD_ADJ_F_* */
	__u8 smac[6];
	__u8 dmac[6];
	/* written by the datapath: XDPFWD_SEEN_NOW() when a packet was
	 * forwarded to the gateway, so the plugin has the kernel re-verify
	 * the neighbour as if it had sent the packet (NTF_USE)
	 */
	__u32 seen;
	/* egress IPv6 MTU: the interface's IPv6 MTU (net.ipv6.conf.IF.mtu,
	 * also set by router advertisements) when below the link MTU
	 */
	__u16 mtu6;
	__u16 pad;
};

/* the datapath's clock for "seen" stamps: coarse ns in ~1.07 s units */
#define XDPFWD_SEEN_SHIFT 30

/* ---- Neighbours on connected subnets (ARP / ND) ---- */
#ifndef XDPFWD_NEIGH_MAX
#define XDPFWD_NEIGH_MAX 65536
#endif

struct xdpfwd_neigh4_key {
	__u32 ifindex;
	__u32 addr; /* network byte order */
};

struct xdpfwd_neigh6_key {
	__u32 ifindex;
	__u8 addr[16];
};

struct xdpfwd_neigh {
	__u8 mac[6];
	__u16 pad;
	/* neighbour on a bridge: the bridge port its MAC is learned on (from
	 * the FDB), 0 while unknown; unused on other interfaces
	 */
	__u32 port_ifindex;
	__u32 seen; /* as the adjacency's, by the datapath */
};

/* ---- Interfaces ----
 *
 * Indexed by ifindex.  An ingress interface takes the fast path only when
 * ENABLED; its MAC is the destination a routed frame must carry.  On a
 * bridge port that MAC is the bridge's (the router's MAC on that segment),
 * and the frames to other destinations are bridged through the FDB map.
 */
#ifndef XDPFWD_IFINDEX_MAX
#define XDPFWD_IFINDEX_MAX 8192
#endif

#define XDPFWD_IF_F_ENABLED 0x1
#define XDPFWD_IF_F_BRIDGE_PORT 0x2 /* port of bridge_ifindex */
#define XDPFWD_IF_F_FORWARDING 0x4  /* bridge port in forwarding state */
#define XDPFWD_IF_F_HAIRPIN 0x8	    /* bridge port in hairpin mode */
/* what the kernel's forwarding reads for packets routed from this
 * ingress (its bridge's settings on a bridge port)
 */
#define XDPFWD_IF_F_NO_FWD4 0x10 /* IPv4 forwarding off */
#define XDPFWD_IF_F_NO_FWD6 0x20 /* IPv6 forwarding off (all) */
#define XDPFWD_IF_F_RPF4 0x40	 /* rp_filter on: sources are validated */
/* policy routing rules other than the defaults exist for the family */
#define XDPFWD_IF_F_RULES4 0x80
#define XDPFWD_IF_F_RULES6 0x100
/* the program runs here in native (driver) mode: redirect only to
 * native-mode egresses
 */
#define XDPFWD_IF_F_NATIVE 0x200
/* the kernel's firewall, NAT or IPsec may act on the family's packets
 * routed from this ingress (nftables, x_tables, xfrm; a netdev ingress
 * chain here): they go to the kernel (passFirewall)
 */
#define XDPFWD_IF_F_FW4 0x400
#define XDPFWD_IF_F_FW6 0x800
/* traffic control on this ingress (an ingress or clsact qdisc): every
 * frame goes to the kernel (passTc)
 */
#define XDPFWD_IF_F_TC 0x1000
/* bridge port: bridge-family nftables chains, or br_netfilter with IP
 * rules, see the frames arriving here: all go to the kernel (passFirewall)
 */
#define XDPFWD_IF_F_FW_BRIDGE 0x2000
/* bridge port as the egress of bridged frames: a non-default qdisc
 * (passTc) or a netdev egress chain (passFirewall) acts on them there
 */
#define XDPFWD_IF_F_TX_TC 0x4000
#define XDPFWD_IF_F_TX_FW 0x8000
/* `xdpfwd firewall conntrack`: nftables or x_tables rules (and nothing
 * that always passes: xfrm, a netdev chain, tc) concern the family's
 * packets routed from this ingress; a packet is forwarded only if
 * conntrack holds its connection as established and not NATed
 * (bpf/conntrack.h), otherwise it goes to the kernel (passConntrack*)
 */
#define XDPFWD_IF_F_CT4 0x10000
#define XDPFWD_IF_F_CT6 0x20000
/* a VLAN tag held as metadata (rx VLAN offload, a veth peer's tx
 * insertion) can arrive here, where XDP sees the frame as untagged: every
 * frame goes to the kernel (passVlanOffload)
 */
#define XDPFWD_IF_F_VLAN_HW 0x100000

struct xdpfwd_iface {
	__u8 mac[6];
	/* bridge ports only (0 otherwise): L3 MTU, a bridged frame's limit
	 * on this egress
	 */
	__u16 mtu;
	__u32 flags; /* XDPFWD_IF_F_* */
	/* bridge ports only (0 otherwise) */
	__u32 bridge_ifindex;
};

/* Egress: DEVMAP_HASH keyed by ifindex, value the ifindex.  Only interfaces
 * that can take XDP redirects are in it; a miss passes to the kernel.
 */
#ifndef XDPFWD_TX_PORTS_MAX
#define XDPFWD_TX_PORTS_MAX 1024
#endif

/* ---- Bridge forwarding database ----
 *
 * The kernel bridge's FDB (rtnetlink AF_BRIDGE neighbours owned by a
 * bridge, VLAN 0), for every bridge.  A frame received on a port of
 * bridge_ifindex is bridged in XDP when its destination MAC has an entry
 * whose port is another forwarding, xdpfwd-enabled port of that bridge,
 * and its source MAC has an entry on the ingress port (otherwise the
 * kernel sees the frame and learns or moves the source).  LOCAL entries
 * (NUD_PERMANENT: the bridge's own addresses) are the kernel's.
 */
#ifndef XDPFWD_FDB_MAX
#define XDPFWD_FDB_MAX 65536
#endif

#define XDPFWD_FDB_F_LOCAL 0x1	/* the bridge's own address: kernel */
#define XDPFWD_FDB_F_STATIC 0x2 /* static (NUD_NOARP); information only */
#define XDPFWD_FDB_F_EXTERN 0x4 /* externally learned; information only */

struct xdpfwd_fdb_key {
	__u32 bridge_ifindex;
	__u8 mac[6];
	__u16 pad; /* 0 */
};

struct xdpfwd_fdb {
	__u32 port_ifindex; /* the bridge itself for local entries */
	__u32 flags;	    /* XDPFWD_FDB_F_* */
	/*
	 * Written by the datapath: bpf_ktime_get_coarse_ns() (CLOCK_MONOTONIC
	 * at tick resolution) when a frame from
	 * this MAC was bridged or routed in XDP (at most about once per
	 * second), so the plugin can keep the kernel's entry from ageing.
	 */
	__u64 seen_ns;
};

/* ---- Counters (per CPU) ---- */
enum xdpfwd_reason {
	XDPFWD_R_FWD_V4 = 0,	  /* redirected, IPv4 */
	XDPFWD_R_FWD_V6,	  /* redirected, IPv6 */
	XDPFWD_R_DROP_BLACKHOLE,  /* blackhole route */
	XDPFWD_R_PASS_DISABLED,	  /* ingress not enabled */
	XDPFWD_R_PASS_MALFORMED,  /* truncated or bad header */
	XDPFWD_R_PASS_NOT_OURS,	  /* destination MAC not the ingress MAC */
	XDPFWD_R_PASS_ETHERTYPE,  /* ARP and every other ethertype */
	XDPFWD_R_PASS_VLAN,	  /* 802.1Q / 802.1ad tagged */
	XDPFWD_R_PASS_IP_OPTIONS, /* IPv4 header with options */
	XDPFWD_R_PASS_TTL,	  /* TTL / hop limit <= 1 */
	XDPFWD_R_PASS_NON_UNICAST, /* multicast, broadcast, link-local, martian */
	XDPFWD_R_PASS_LOCAL,	  /* addressed to the router */
	XDPFWD_R_PASS_NO_ROUTE,	  /* no FIB entry */
	XDPFWD_R_PASS_UNREACHABLE, /* unreachable / prohibit route */
	XDPFWD_R_PASS_NEIGH,	  /* neighbour not resolved */
	XDPFWD_R_PASS_MTU,	  /* larger than the egress MTU */
	XDPFWD_R_PASS_EGRESS,	  /* egress down or cannot take redirects */
	XDPFWD_R_PASS_NEXTHOP,	  /* group or adjacency missing */
	XDPFWD_R_PASS_KERNEL,	  /* route kept on the kernel path */
	/* bridge ports (see the FDB map) */
	XDPFWD_R_BRIDGE_FWD,	       /* bridged: redirected to the FDB port */
	XDPFWD_R_DROP_HAIRPIN,	       /* destination on the ingress port */
	XDPFWD_R_PASS_BRIDGE_UNKNOWN,  /* destination MAC not in the FDB */
	XDPFWD_R_PASS_BRIDGE_FLOOD,    /* broadcast / multicast destination */
	XDPFWD_R_PASS_BRIDGE_CONTROL,  /* link-local 01:80:c2:00:00:0x */
	XDPFWD_R_PASS_BRIDGE_STATE,    /* ingress port not forwarding */
	XDPFWD_R_PASS_BRIDGE_LEARN,    /* source MAC unknown or on another port */
	XDPFWD_R_PASS_BRIDGE_LOCAL,    /* to a local FDB entry (the bridge) */
	XDPFWD_R_PASS_BRIDGE_EGRESS,   /* egress port cannot take the frame */
	/* routed back out of the interface (or the bridge) it came in on:
	 * the kernel may answer it with an ICMP redirect
	 */
	XDPFWD_R_PASS_HAIRPIN,
	XDPFWD_R_PASS_FORWARDING, /* forwarding off where the kernel reads it */
	XDPFWD_R_PASS_RPFILTER,	  /* rp_filter on the ingress */
	XDPFWD_R_PASS_POLICY,	  /* policy routing rules of the family */
	XDPFWD_R_PASS_MARTIAN,	  /* source is one of the router's addresses */
	/* the plugin has not vouched for the maps lately (zebra hung or
	 * stopped, or still loading its routes after a start)
	 */
	XDPFWD_R_PASS_STALE,
	XDPFWD_R_PASS_FIREWALL,	  /* netfilter, NAT or xfrm may act on it */
	XDPFWD_R_PASS_TC,	  /* a qdisc or tc filters on its way */
	/* conntrack mode (bpf/conntrack.h): no established connection that
	 * XDP may carry (none, unconfirmed, not both ways, not TCP
	 * ESTABLISHED / UDP assured), a SYN, FIN or RST, a fragment, another
	 * protocol than TCP and UDP
	 */
	XDPFWD_R_PASS_CONNTRACK,
	XDPFWD_R_PASS_CT_NAT,	  /* NATed, helper, expected connection */
	/* TCP connection not yet liberal in conntrack: reported to the
	 * plugin, which marks it (struct xdpfwd_ct_report)
	 */
	XDPFWD_R_PASS_CT_LIBERAL,
	XDPFWD_R_PASS_VLAN_HW,	  /* a VLAN tag may be held as metadata */
	XDPFWD_R__MAX
};

struct xdpfwd_counter {
	__u64 packets;
	__u64 bytes;
};

/* ---- packet trace (debug xdpfwd packet): a ring buffer of records ---- */
#ifndef XDPFWD_TRACE_CAPLEN
#define XDPFWD_TRACE_CAPLEN 128 /* bytes of the frame as it leaves; 2^n */
#endif
#ifndef XDPFWD_TRACE_RING_BYTES
#define XDPFWD_TRACE_RING_BYTES (64 * 1024) /* a power of 2, >= a page */
#endif

struct xdpfwd_trace_rec {
	__u64 ts_ns;	/* bpf_ktime_get_ns() */
	__u32 ingress;	/* ifindex */
	__u32 egress;	/* ifindex when redirected, else 0 */
	__u32 reason;	/* enum xdpfwd_reason */
	__u32 action;	/* XDP_PASS, XDP_DROP, XDP_REDIRECT */
	__u32 len;	/* frame length as it came in */
	__u32 caplen;	/* bytes in data[] */
	__u8 data[XDPFWD_TRACE_CAPLEN];
};

/* ---- conntrack mode: TCP connections to mark liberal ----
 *
 * Conntrack's TCP window tracking does not see what XDP forwards; a FIN
 * or RST that the kernel sees later could fall outside its window and be
 * INVALID.  As the kernel's flowtable does for what it offloads, both
 * directions are marked IP_CT_TCP_FLAG_BE_LIBERAL before XDP carries a
 * packet of the connection: until then its packets pass and the datapath
 * reports the packet's tuple through this ring buffer; the plugin sets
 * the flags over ctnetlink.
 */
#ifndef XDPFWD_CT_RING_BYTES
#define XDPFWD_CT_RING_BYTES (16 * 1024) /* a power of 2, >= a page */
#endif

struct xdpfwd_ct_report {
	__u8 family; /* AF_INET, AF_INET6 */
	__u8 l4proto;
	__u16 pad;
	__be16 sport; /* the packet's, whichever direction it goes */
	__be16 dport;
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
};

/* per-interface counters, indexed by ifindex (PERCPU_ARRAY) */
struct xdpfwd_if_counters {
	__u64 rx_fwd_packets; /* received and forwarded in XDP */
	__u64 rx_fwd_bytes;
	__u64 tx_fwd_packets; /* sent out by XDP redirect */
	__u64 tx_fwd_bytes;
	__u64 rx_pass_packets; /* received and passed to the kernel */
	__u64 rx_drop_packets; /* received and dropped (blackhole) */
};

#endif /* XDPFWD_MAPS_H */
