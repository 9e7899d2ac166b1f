// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: can a VLAN tag held as metadata (skb->vlan_tci, rx VLAN
 * offload) reach the XDP program on an interface?  An XDP program sees
 * only the frame's bytes: such a frame looks untagged there, while the
 * kernel treats it as tagged (FRR-free).
 *
 * Seen on this machine (kernel 6.18, veth): a tag pushed into metadata on
 * the sending side (bpf_skb_vlan_push on its egress) stays metadata when
 * the sender's tx-vlan-hw-insert is on, and both native and generic XDP
 * on the receiving veth see an untagged frame; with the sender's
 * insertion off the tag is in the bytes.  The receiver's own
 * rx-vlan-hw-parse changes nothing on a veth.  A NIC with rx VLAN
 * offload (rx-vlan-hw-parse, rx-vlan-stag-hw-parse) strips the tag into
 * its descriptor before XDP runs.
 */
#ifndef XDPFWD_LIB_VLANHW_H
#define XDPFWD_LIB_VLANHW_H

#include <stdbool.h>

/* what was read of a link */
struct xvlan_facts {
	bool veth;
	bool rx_strip;	  /* rx-vlan-hw-parse or rx-vlan-stag-hw-parse on */
	bool peer_read;	  /* veth: the peer's features were read */
	bool peer_insert; /* its tx-vlan-hw-insert or tx-vlan-stag-hw-insert */
};

/* what it means for the fast path; every value but NONE passes */
enum xvlan_verdict {
	XVLAN_NONE = 0,	      /* tags arrive in the bytes: XDP sees them */
	XVLAN_UNKNOWN,	      /* not read (yet), or reading failed */
	XVLAN_RX_STRIP,	      /* the device strips tags on receive */
	XVLAN_PEER_INSERTS,   /* veth: the peer hands tags over as metadata */
	XVLAN_PEER_UNREADABLE, /* veth: the peer's namespace is not found */
};

enum xvlan_verdict xvlan_decide(const struct xvlan_facts *f);
/* why, for show and the log */
const char *xvlan_why(enum xvlan_verdict v);

/*
 * Reads @ifindex (of the caller's namespace): its kind, its features and,
 * for a veth, its peer's (in another namespace: found among the named
 * ones, /run/netns, by the peer's nsid; the calling thread enters it for
 * the time of opening a socket).  Needs CAP_NET_ADMIN and, for a peer
 * elsewhere, CAP_SYS_ADMIN.  0 or negative errno.
 */
int xvlan_probe(int ifindex, struct xvlan_facts *out);

#endif
