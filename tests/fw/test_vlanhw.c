// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit test for plugin/lib/vlanhw.c: the decision (every combination of
 * facts) and the probe against the kernel, in a network namespace of our
 * own (unshare) with a veth pair, a veth whose peer is in a named
 * namespace (/run/netns, created and deleted here under a name with our
 * pid) and one whose peer is in an unnamed one.  Needs root, iproute2,
 * ethtool.
 *
 * Output: "ok N - ..." / "not ok N - ..." per check, then "P passed, F failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>

#include "plugin/lib/vlanhw.h"
#include "tests/tap.h"

static void decide(void)
{
	static const struct {
		struct xvlan_facts f;
		enum xvlan_verdict v;
	} cases[] = {
		{ { .veth = false }, XVLAN_NONE },
		{ { .veth = false, .rx_strip = true }, XVLAN_RX_STRIP },
		/* a NIC's tx insertion concerns what it sends, not receives */
		{ { .veth = false, .peer_read = true, .peer_insert = true },
		  XVLAN_NONE },
		{ { .veth = true }, XVLAN_PEER_UNREADABLE },
		{ { .veth = true, .rx_strip = true }, XVLAN_PEER_UNREADABLE },
		{ { .veth = true, .peer_read = true }, XVLAN_NONE },
		/* a veth's own rx-vlan-hw-parse is never consulted */
		{ { .veth = true, .rx_strip = true, .peer_read = true },
		  XVLAN_NONE },
		{ { .veth = true, .peer_read = true, .peer_insert = true },
		  XVLAN_PEER_INSERTS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum xvlan_verdict v = xvlan_decide(&cases[i].f);

		result(v == cases[i].v,
		      "decide %zu (veth %d rx_strip %d peer_read %d peer_insert %d): %d, %s",
		      i, cases[i].f.veth, cases[i].f.rx_strip,
		      cases[i].f.peer_read, cases[i].f.peer_insert, v,
		      xvlan_why(v));
	}
}

static enum xvlan_verdict probe(const char *ifname, int *err)
{
	struct xvlan_facts f;

	*err = xvlan_probe((int)if_nametoindex(ifname), &f);
	return *err ? XVLAN_UNKNOWN : xvlan_decide(&f);
}

static void live(void)
{
	char ns[64], cmd[256];
	enum xvlan_verdict v;
	int err;

	sh("ip link add vh0 type veth peer name vh1");
	v = probe("vh0", &err);
	result(!err && v == XVLAN_PEER_INSERTS,
	      "veth, peer here with tx-vlan-hw-insert on (default): %d (%s)",
	      v, strerror(-err));
	sh("ethtool -K vh1 txvlan off");
	v = probe("vh0", &err);
	result(!err && v == XVLAN_PEER_INSERTS,
	      "  802.1Q insertion off, 802.1ad still on: %d", v);
	sh("ethtool -K vh1 tx-vlan-stag-hw-insert off");
	v = probe("vh0", &err);
	result(!err && v == XVLAN_NONE, "  both off: %d", v);
	sh("ethtool -K vh0 rxvlan on");
	v = probe("vh0", &err);
	result(!err && v == XVLAN_NONE,
	      "  its own rx-vlan-hw-parse on changes nothing: %d", v);
	v = probe("vh1", &err);
	result(!err && v == XVLAN_PEER_INSERTS,
	      "  the other end (its peer vh0 inserts): %d", v);

	/* a peer in a named namespace */
	snprintf(ns, sizeof(ns), "xdpfwdvh%d", getpid());
	sh("ip netns add %s", ns);
	sh("ip link add vh2 type veth peer name vh3 netns %s", ns);
	v = probe("vh2", &err);
	result(!err && v == XVLAN_PEER_INSERTS,
	      "veth, peer in named namespace %s, inserting: %d (%s)", ns, v,
	      strerror(-err));
	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s ethtool -K vh3 txvlan off tx-vlan-stag-hw-insert off",
		 ns);
	sh("%s", cmd);
	v = probe("vh2", &err);
	result(!err && v == XVLAN_NONE, "  its insertion turned off: %d", v);
	result(if_nametoindex("vh2") > 0,
	      "  this thread is back in its own namespace");
	sh("ip netns del %s", ns);

	/* a peer in a namespace without a name: a child's, held open */
	sh("ip link add vh4 type veth peer name vh5");
	{
		int pfd[2];
		pid_t pid;
		char c;

		if (pipe(pfd))
			return;
		pid = fork();
		if (pid == 0) {
			close(pfd[1]);
			if (unshare(CLONE_NEWNET))
				_exit(1);
			read(pfd[0], &c, 1);
			_exit(0);
		}
		close(pfd[0]);
		usleep(200000);
		sh("ip link set vh5 netns /proc/%d/ns/net", (int)pid);
		v = probe("vh4", &err);
		result(!err && v == XVLAN_PEER_UNREADABLE,
		      "veth, peer in an unnamed namespace: %d (%s)", v,
		      xvlan_why(v));
		close(pfd[1]);
		waitpid(pid, NULL, 0);
	}
	v = probe("lo", &err);
	result(!err && v == XVLAN_NONE, "lo: %d (%s)", v, strerror(-err));
	err = xvlan_probe(99999, &(struct xvlan_facts){});
	result(err == -ENODEV || err == -ENOENT || err == -EINVAL,
	      "no such ifindex: %s", strerror(-err));
}

int main(void)
{
	if (unshare(CLONE_NEWNET)) {
		printf("# unshare: %s\n0 passed, 1 failed\n", strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	decide();
	live();
	return tap_done();
}
