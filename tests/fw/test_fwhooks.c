// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for plugin/lib/nft.c and plugin/lib/kernhooks.c: what the
 * scans find, against the running kernel, in a network namespace of our
 * own (unshare) where Debian's nft, iptables-legacy, ip and tc change
 * the ruleset; plus the parsers on hand-built messages.
 *
 * Output: "ok N - ..." / "not ok N - ..." per check, then "P passed, F failed".
 * Needs root and nftables, iptables, iproute2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <linux/bpf.h>

#include "plugin/lib/fwhooks.h"
#include "tests/tap.h"

/* ---- parsers on built messages ---- */

static struct nlmsghdr *chain_msg(char *buf, int family, const char *table,
				  const char *name, int hook, int policy,
				  const char *dev)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, policy);
	}
	if (dev)
		nftnl_chain_set_str(c, NFTNL_CHAIN_DEV, dev);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWCHAIN, family, 0, 1);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlh;
}

static void parse_chains(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct xnft_acc *acc = xnft_acc_new();
	struct xnft_facts f;

	/* empty accept chains do not count, a drop policy does */
	xnft_acc_msg(acc, chain_msg(buf, NFPROTO_INET, "t", "fwd",
				    NF_INET_FORWARD, NF_ACCEPT, NULL));
	xnft_acc_msg(acc, chain_msg(buf, NFPROTO_IPV4, "t", "in",
				    NF_INET_LOCAL_IN, NF_DROP, NULL));
	xnft_acc_msg(acc, chain_msg(buf, NFPROTO_IPV6, "t", "post",
				    NF_INET_POST_ROUTING, NF_DROP, NULL));
	xnft_acc_msg(acc, chain_msg(buf, NFPROTO_IPV4, "t", "user", -1, 0,
				    NULL));
	xnft_acc_msg(acc, chain_msg(buf, NFPROTO_NETDEV, "n", "eg",
				    NF_NETDEV_EGRESS, NF_DROP, "veth7"));
	xnft_acc_result(acc, &f);
	result(f.chains[XFW_V4] == 0,
	      "parse: an accept forward chain without rules and an input chain do not count (v4 %u)",
	      f.chains[XFW_V4]);
	result(f.chains[XFW_V6] == 1,
	      "parse: an ip6 postrouting chain with policy drop counts (v6 %u)",
	      f.chains[XFW_V6]);
	result(f.ndevs == 1 && !strcmp(f.devs[0].name, "veth7") &&
		      f.devs[0].hooks == XFW_HOOK_OUT,
	      "parse: a netdev egress chain with policy drop names its device (%u)",
	      f.ndevs);
	xnft_acc_free(acc);
}

static void parse_qdiscs(void)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct tcmsg *t;
	struct xqdisc q;
	static const struct {
		uint32_t handle, parent;
		const char *kind;
		int want;
		uint8_t dirs;
	} cases[] = {
		{ 0, TC_H_ROOT, "noqueue", 0, 0 },
		{ 0, TC_H_ROOT, "mq", 0, 0 },
		{ 0, 0x10001, "fq_codel", 0, 0 },
		{ 0x80010000, TC_H_ROOT, "htb", 1, XFW_HOOK_OUT },
		{ 0x80020000, 0x10001, "fq_codel", 1, XFW_HOOK_OUT },
		{ 0xffff0000, TC_H_INGRESS, "ingress", 1, XFW_HOOK_IN },
		{ 0xffff0000, TC_H_INGRESS, "clsact", 1,
		  XFW_HOOK_IN | XFW_HOOK_OUT },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWQDISC;
		t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
		t->tcm_ifindex = 5;
		t->tcm_handle = cases[i].handle;
		t->tcm_parent = cases[i].parent;
		mnl_attr_put_strz(nlh, TCA_KIND, cases[i].kind);
		r = xqdisc_parse(nlh, &q);
		result(r == cases[i].want && (!r || q.dirs == cases[i].dirs) &&
			      !strcmp(q.kind, cases[i].kind),
		      "parse: qdisc %s handle %x parent %x: %s (%d, dirs %u)",
		      cases[i].kind, cases[i].handle, cases[i].parent,
		      cases[i].want ? "not the default" : "the default", r,
		      q.dirs);
	}
}

static void parse_xfrm(void)
{
	char buf[512];
	struct xxfrm_facts f = {};
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_info *p;
	static const int fams[] = { AF_INET, AF_INET6, AF_UNSPEC };

	for (size_t i = 0; i < 3; i++) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
		p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
		p->sel.family = fams[i];
		xxfrm_parse(nlh, &f);
	}
	result(f.policies[0] == 2 && f.policies[1] == 2,
	      "parse: xfrm policies by selector family, unspecified in both (%u, %u)",
	      f.policies[0], f.policies[1]);
}

/* ---- against the kernel ---- */

static void scan_nft(struct xnft *x, struct xnft_facts *f)
{
	int err = xnft_scan(x, f);

	if (err)
		printf("# xnft_scan: %s\n", strerror(-err));
}

/* the event socket says something changed within a second */
static bool nft_event(struct xnft *x)
{
	struct pollfd p = { .fd = xnft_event_fd(x), .events = POLLIN };

	return poll(&p, 1, 1000) == 1 && xnft_drain(x) > 0;
}

static void live_nft(void)
{
	struct xnft_facts f;
	struct xnft *x;
	int err = 0;

	x = xnft_open(&err);
	result(x != NULL, "nft: sockets open (%s)", strerror(-err));
	if (!x)
		return;
	scan_nft(x, &f);
	result(!f.chains[XFW_V4] && !f.chains[XFW_V6] && !f.chains[XFW_BRIDGE] &&
		      !f.ndevs,
	      "nft: a new namespace has no chain");
	sh("nft -f - <<'EOF'\ntable inet tf {\n chain forw {\n  type filter hook forward priority 0; policy accept;\n }\n chain inp {\n  type filter hook input priority 0; policy drop;\n }\n}\nEOF");
	result(nft_event(x), "nft: a change is notified");
	scan_nft(x, &f);
	result(!f.chains[XFW_V4] && !f.chains[XFW_V6],
	      "nft: an empty accept forward chain and an input chain do not count");
	sh("nft add rule inet tf forw tcp dport 23 drop");
	result(nft_event(x), "nft: a rule added is notified");
	scan_nft(x, &f);
	result(f.chains[XFW_V4] == 1 && f.chains[XFW_V6] == 1,
	      "nft: a rule in an inet forward chain counts for both families (%u, %u): %s",
	      f.chains[XFW_V4], f.chains[XFW_V6], f.list);
	sh("nft delete table inet tf");
	sh("nft add table ip nat4; nft add chain ip nat4 post '{ type nat hook postrouting priority 100; }'; nft add rule ip nat4 post masquerade");
	scan_nft(x, &f);
	result(f.chains[XFW_V4] == 1 && f.chains[XFW_V6] == 0,
	      "nft: an ip masquerade chain counts for IPv4 only (%u, %u)",
	      f.chains[XFW_V4], f.chains[XFW_V6]);
	sh("nft delete table ip nat4");
	sh("nft add table bridge b; nft add chain bridge b f '{ type filter hook forward priority 0; policy drop; }'");
	scan_nft(x, &f);
	result(f.chains[XFW_BRIDGE] == 1 && !f.chains[XFW_V4],
	      "nft: a bridge forward chain with policy drop counts for bridges (%u)",
	      f.chains[XFW_BRIDGE]);
	sh("nft delete table bridge b");
	sh("ip link add fwt0 type veth peer name fwt1");
	sh("nft add table netdev nd; nft add chain netdev nd in '{ type filter hook ingress device fwt0 priority 0; }'; nft add rule netdev nd in counter");
	scan_nft(x, &f);
	result(f.ndevs == 1 && !strcmp(f.devs[0].name, "fwt0") &&
		      f.devs[0].hooks == XFW_HOOK_IN && !f.chains[XFW_V4],
	      "nft: a netdev ingress chain names its device (%u: %s)", f.ndevs,
	      f.ndevs ? f.devs[0].name : "");
	sh("nft delete table netdev nd");
	sh("iptables-nft -A FORWARD -p tcp --dport 23 -j DROP");
	scan_nft(x, &f);
	result(f.chains[XFW_V4] == 1,
	      "nft: iptables-nft's rule shows up as an nftables chain (%u)",
	      f.chains[XFW_V4]);
	sh("iptables-nft -D FORWARD -p tcp --dport 23 -j DROP");
	scan_nft(x, &f);
	result(f.chains[XFW_V4] == 0,
	      "nft: iptables-nft's emptied accept chain no longer counts (%u)",
	      f.chains[XFW_V4]);
	sh("nft flush ruleset");
	xnft_close(x);
}

static void live_xt(void)
{
	struct xxt_facts f;
	int err;

	err = xxt_scan(&f);
	result(!err && !f.entries[0] && !f.entries[1],
	      "x_tables: nothing in a new namespace (%d)", err);
	sh("iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT");
	err = xxt_scan(&f);
	result(!err && !f.entries[0],
	      "x_tables: an INPUT rule does not concern forwarding (%u)",
	      f.entries[0]);
	sh("iptables-legacy -A FORWARD -p tcp --dport 23 -j DROP");
	err = xxt_scan(&f);
	result(!err && f.entries[0] == 1 && !f.entries[1],
	      "x_tables: a FORWARD rule counts for IPv4 (%u, %u): %s",
	      f.entries[0], f.entries[1], f.list);
	sh("iptables-legacy -D FORWARD -p tcp --dport 23 -j DROP; iptables-legacy -P FORWARD DROP");
	err = xxt_scan(&f);
	result(!err && f.entries[0] == 1,
	      "x_tables: a FORWARD policy DROP counts (%u)", f.entries[0]);
	sh("iptables-legacy -P FORWARD ACCEPT");
	err = xxt_scan(&f);
	result(!err && f.entries[0] == 0,
	      "x_tables: back to ACCEPT and no rule (%u)", f.entries[0]);
	sh("iptables-legacy -t nat -A POSTROUTING -o fwt0 -j MASQUERADE");
	sh("ip6tables-legacy -t mangle -N mychain; ip6tables-legacy -t mangle -A mychain -j RETURN; ip6tables-legacy -t mangle -A PREROUTING -j mychain");
	err = xxt_scan(&f);
	result(!err && f.entries[0] == 1 && f.entries[1] == 1,
	      "x_tables: a nat POSTROUTING rule (IPv4) and a jump from mangle PREROUTING (IPv6) (%u, %u): %s",
	      f.entries[0], f.entries[1], f.list);
	sh("iptables-legacy -t nat -F; ip6tables-legacy -t mangle -F; ip6tables-legacy -t mangle -X");
	err = xxt_scan(&f);
	result(!err && !f.entries[0] && !f.entries[1],
	      "x_tables: flushed (%u, %u)", f.entries[0], f.entries[1]);
}

static void live_kh(void)
{
	struct xqdisc q[8];
	struct xxfrm_facts xf;
	struct xkh *k;
	int err = 0, n;

	k = xkh_open(&err);
	result(k != NULL, "xfrm/tc: sockets open (%s)", strerror(-err));
	if (!k)
		return;
	sh("ip link set fwt0 up; ip link set fwt1 up");
	n = xkh_scan_qdiscs(k, q, 8);
	result(n == 0, "tc: a veth's noqueue is the default (%d)", n);
	sh("tc qdisc add dev fwt0 root handle 1: htb default 1");
	{
		struct pollfd p = { .fd = xkh_tc_fd(k), .events = POLLIN };

		result(poll(&p, 1, 1000) == 1 && xkh_drain(p.fd) > 0,
		      "tc: a qdisc added is notified");
	}
	n = xkh_scan_qdiscs(k, q, 8);
	result(n == 1 && q[0].ifindex == (int)if_nametoindex("fwt0") &&
		      q[0].dirs == XFW_HOOK_OUT && !strcmp(q[0].kind, "htb"),
	      "tc: an htb root qdisc on fwt0 (%d)", n);
	sh("tc qdisc add dev fwt1 clsact");
	n = xkh_scan_qdiscs(k, q, 8);
	result(n == 2, "tc: and a clsact on fwt1 (%d)", n);
	sh("tc qdisc del dev fwt0 root; tc qdisc del dev fwt1 clsact");
	n = xkh_scan_qdiscs(k, q, 8);
	result(n == 0, "tc: both removed (%d)", n);

	err = xkh_scan_xfrm(k, &xf);
	result(!err && !xf.policies[0] && !xf.policies[1] && !xf.states,
	      "xfrm: nothing in a new namespace (%d)", err);
	sh("ip xfrm policy add src 10.1.0.0/16 dst 10.2.0.0/16 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel");
	{
		struct pollfd p = { .fd = xkh_xfrm_fd(k), .events = POLLIN };

		result(p.fd >= 0 && poll(&p, 1, 1000) == 1 &&
			      xkh_drain(p.fd) > 0,
		      "xfrm: a policy added is notified");
	}
	err = xkh_scan_xfrm(k, &xf);
	result(!err && xf.policies[0] == 1 && !xf.policies[1],
	      "xfrm: an IPv4 policy (%u, %u)", xf.policies[0],
	      xf.policies[1]);
	/* a kernel without ESP/AH/IPComp (this one) takes no state */
	if (system("ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 mode tunnel enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff 2>/dev/null") == 0) {
		err = xkh_scan_xfrm(k, &xf);
		result(!err && xf.states == 1, "xfrm: a state (%u)", xf.states);
	} else {
		printf("# xfrm: no ESP in this kernel, no state to test with\n");
	}
	sh("ip xfrm policy flush; ip xfrm state flush");
	err = xkh_scan_xfrm(k, &xf);
	result(!err && !xf.policies[0] && !xf.states, "xfrm: flushed");
	xkh_close(k);
}

/* ---- tcx (kernel >= 6.6): raw bpf(2), Debian 12's headers are 6.1's ---- */

#define T_BPF_TCX_INGRESS 46
#define T_BPF_TCX_EGRESS 47

static int sys_bpf(int cmd, void *attr, unsigned int size)
{
	return (int)syscall(__NR_bpf, cmd, attr, size);
}

/* a tc program that lets everything through (r0 = TCX_NEXT; exit) */
static int load_tc_next(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = -1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a = {};

	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insn_cnt = 2;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.license = (uint64_t)(uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

/* a tcx link (BPF_LINK_CREATE) on one direction of @ifindex */
static int tcx_link(int prog, int ifindex, uint32_t type)
{
	union bpf_attr a = {};

	a.link_create.prog_fd = prog;
	a.link_create.target_ifindex = ifindex;
	a.link_create.attach_type = type;
	return sys_bpf(BPF_LINK_CREATE, &a, sizeof(a));
}

static int tcx_found(struct xqdisc *q, int n, int ifindex)
{
	for (int i = 0; i < n && i < 8; i++)
		if (q[i].ifindex == ifindex && !strcmp(q[i].kind, "tcx"))
			return q[i].dirs;
	return 0;
}

static void live_tcx(void)
{
	int if0 = (int)if_nametoindex("fwt0"), if1 = (int)if_nametoindex("fwt1");
	struct xqdisc q[8];
	int prog, l_in, l_out, n;
	union bpf_attr a = {};

	n = xkh_scan_tcx(q, 8);
	result(n == 0, "tcx: nothing attached (%d)", n);
	prog = load_tc_next();
	if (prog < 0) {
		printf("# tcx: no tc program loaded (%s)\n", strerror(errno));
		n_fail++;
		return;
	}
	l_in = tcx_link(prog, if0, T_BPF_TCX_INGRESS);
	l_out = tcx_link(prog, if1, T_BPF_TCX_EGRESS);
	result(l_in >= 0 && l_out >= 0, "tcx: links on fwt0 ingress and fwt1 egress (%s)",
	      strerror(errno));
	n = xkh_scan_tcx(q, 8);
	result(n == 2 && tcx_found(q, n, if0) == XFW_HOOK_IN &&
		      tcx_found(q, n, if1) == XFW_HOOK_OUT,
	      "tcx: both found, by direction (%d)", n);
	/* an attachment without a link (BPF_PROG_ATTACH) counts too */
	a.target_fd = (uint32_t)if1; /* target_ifindex in 6.6 */
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = T_BPF_TCX_INGRESS;
	result(sys_bpf(BPF_PROG_ATTACH, &a, sizeof(a)) == 0,
	      "tcx: a program attached to fwt1 ingress without a link (%s)",
	      strerror(errno));
	n = xkh_scan_tcx(q, 8);
	result(n == 2 && tcx_found(q, n, if1) == (XFW_HOOK_IN | XFW_HOOK_OUT),
	      "tcx: fwt1 in both directions (%d)", n);
	result(xkh_scan_tcx(q, 0) == 2, "tcx: counted beyond what is stored");
	/* a link's fd closed detaches later (deferred): detach explicitly */
	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = (uint32_t)l_in;
	sys_bpf(BPF_LINK_DETACH, &a, sizeof(a));
	a.link_detach.link_fd = (uint32_t)l_out;
	sys_bpf(BPF_LINK_DETACH, &a, sizeof(a));
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)if1; /* target_ifindex in 6.6 */
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = T_BPF_TCX_INGRESS;
	sys_bpf(BPF_PROG_DETACH, &a, sizeof(a));
	n = xkh_scan_tcx(q, 8);
	result(n == 0, "tcx: all detached (%d)", n);
	close(l_in);
	close(l_out);
	close(prog);
}

int main(void)
{
	if (unshare(CLONE_NEWNET)) {
		printf("# unshare: %s\n0 passed, 1 failed\n", strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_chains();
	parse_qdiscs();
	parse_xfrm();
	live_nft();
	live_xt();
	live_kh();
	live_tcx();
	printf("# br_netfilter: call-iptables %d, call-ip6tables %d\n",
	       xbrnf_calls(AF_INET), xbrnf_calls(AF_INET6));
	return tap_done();
}
