// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: what of the kernel's firewall, NAT, IPsec and traffic control
 * would act on forwarded packets (FRR-free).
 *
 *   nft.c       nftables base chains, from nftables' own netlink (libnftnl)
 *   kernhooks.c x_tables (getsockopt), xfrm policies and states, qdiscs
 *               (netlink, libmnl), br_netfilter (/proc/sys)
 *
 * Each scan fills a plain struct; the caller compares it with the last
 * one.  The event sockets only say "something changed, scan again".
 */
#ifndef XDPFWD_LIB_FWHOOKS_H
#define XDPFWD_LIB_FWHOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* what a counting chain or qdisc concerns */
enum xfw_fam {
	XFW_V4,	    /* routed IPv4 (ip, inet families) */
	XFW_V6,	    /* routed IPv6 (ip6, inet) */
	XFW_BRIDGE, /* bridged frames (bridge family) */
	XFW__FAM,
};

#define XFW_HOOK_IN 0x1	 /* netdev / inet ingress chain on the device */
#define XFW_HOOK_OUT 0x2 /* netdev egress chain on the device */

#define XFW_DEVS_MAX 32
#define XFW_LIST_LEN 512

/* ---- nftables ---- */

struct xnft_facts {
	/* base chains on the hooks forwarded packets cross that can act:
	 * a rule, or a policy other than accept
	 */
	uint32_t chains[XFW__FAM];
	/* per device (netdev family, inet ingress): by name, as nftables
	 * keeps them
	 */
	struct {
		char name[16];
		uint8_t hooks; /* XFW_HOOK_* */
	} devs[XFW_DEVS_MAX];
	uint32_t ndevs;
	bool devs_truncated; /* more devices than fit: treat as "all" */
	uint32_t genid;	     /* the ruleset generation scanned */
	char list[XFW_LIST_LEN]; /* "inet filter forward (2 rules); ..." */
};

/* a scan in progress: every base chain and the rule counts (tests too) */
struct xnft_acc;
struct xnft_acc *xnft_acc_new(void);
/* one NEWCHAIN or NEWRULE message of a dump; other types are ignored */
int xnft_acc_msg(struct xnft_acc *acc, const struct nlmsghdr *nlh);
void xnft_acc_result(const struct xnft_acc *acc, struct xnft_facts *out);
void xnft_acc_free(struct xnft_acc *acc);

struct xnft;
/* a dump socket and one subscribed to NFNLGRP_NFTABLES (non-blocking) */
struct xnft *xnft_open(int *err);
void xnft_close(struct xnft *x);
int xnft_event_fd(const struct xnft *x);
/* reads what is pending: > 0 if anything changed (or the socket overran),
 * 0 if nothing, negative errno
 */
int xnft_drain(struct xnft *x);
/* chains and rules of one ruleset generation (re-dumped while it changes
 * under the dump): 0 or negative errno (-EAGAIN: it kept changing)
 */
int xnft_scan(struct xnft *x, struct xnft_facts *out);

/* ---- x_tables (legacy iptables / ip6tables) ---- */

struct xxt_facts {
	/* rules in PREROUTING, FORWARD and POSTROUTING of any table, plus
	 * those chains' policies other than ACCEPT
	 */
	uint32_t entries[2]; /* IPv4, IPv6 */
	char list[XFW_LIST_LEN];
};

/* reads the tables this namespace has (/proc/net/ip*_tables_names): never
 * asks for one by name, which would have the kernel create it.  Names
 * that cannot be read count as a rule (the safe side) and give -errno.
 */
int xxt_scan(struct xxt_facts *out);
/*
 * The names files are root's, mode 0440, checked at open only: a daemon
 * that drops privileges opens them before (xxt_scan() opens them each
 * time otherwise).  The namespace is the caller's at that moment.
 */
void xxt_preopen(void);
/*
 * The counting part of one table's entries (as IPT_SO_GET_ENTRIES gives
 * them), for tests: @family AF_INET or AF_INET6, @hook_entry/@underflow
 * the table's offsets, @valid_hooks its hooks.
 */
uint32_t xxt_count(int family, unsigned int valid_hooks,
		   const unsigned int *hook_entry, const unsigned int *underflow,
		   const void *entries, size_t size);

/* ---- xfrm, qdiscs: netlink over libmnl ---- */

struct xxfrm_facts {
	uint32_t policies[2]; /* by selector family; unspecified: both */
	uint32_t states;
	bool default_block;   /* `ip xfrm policy setdefault` fwd/out block */
};

struct xqdisc {
	int ifindex;
	uint8_t dirs; /* XFW_HOOK_IN: ingress / clsact; OUT: any other */
	char kind[16];
};

/* what a RTM_NEWQDISC says: 1 if it is not the kernel's default, 0 if it
 * is, negative if malformed
 */
int xqdisc_parse(const struct nlmsghdr *nlh, struct xqdisc *q);
/* XFRM_MSG_NEWPOLICY / NEWSA into the counts; other types ignored */
int xxfrm_parse(const struct nlmsghdr *nlh, struct xxfrm_facts *f);

struct xkh;
/* sockets subscribed to XFRMNLGRP_POLICY/SA and RTNLGRP_TC
 * (non-blocking), and one for dumps
 */
struct xkh *xkh_open(int *err);
void xkh_close(struct xkh *k);
int xkh_xfrm_fd(const struct xkh *k); /* -1: xfrm not available */
int xkh_tc_fd(const struct xkh *k);
int xkh_drain(int fd); /* as xnft_drain */
int xkh_scan_xfrm(struct xkh *k, struct xxfrm_facts *out);
/* the qdiscs that are not the kernel's defaults, into @q (up to @max);
 * returns how many there are (may exceed @max) or negative errno
 */
int xkh_scan_qdiscs(struct xkh *k, struct xqdisc *q, unsigned int max);
/*
 * Devices with tc programs attached through tcx (BPF_TCX_INGRESS/EGRESS
 * links or attachments, kernel >= 6.6: no qdisc, no notification), into
 * @q as kind "tcx" (up to @max); how many there are, or negative errno.
 * Needs CAP_NET_ADMIN (BPF_PROG_QUERY).
 */
int xkh_scan_tcx(struct xqdisc *q, unsigned int max);

/* ---- br_netfilter ---- */

/* net.bridge.bridge-nf-call-iptables (@family AF_INET) or -ip6tables:
 * 1 on, 0 off, -1 br_netfilter not loaded
 */
int xbrnf_calls(int family);

#endif /* XDPFWD_LIB_FWHOOKS_H */
