// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd kernel mirror: what of the firewall, NAT, IPsec and traffic
 * control would act on forwarded packets, as the last scans found it
 * (plugin/lib/fwhooks.h).  Plain snapshots compared whole: they are small
 * and change rarely.
 */
#include "config.h"
#include <zebra.h>

#include "plugin/xdpfwd.h"
#include "plugin/mirror/mirror.h"
#include "plugin/mirror/mirror_int.h"

static struct mirror_fw_state fw;

void mirror_fw_init(void)
{
	memset(&fw, 0, sizeof(fw));
	fw.brnf[0] = fw.brnf[1] = -1;
}

const struct mirror_fw_state *mirror_fw_state(void)
{
	return &fw;
}

/* the list strings are for show only: a change there alone is no event */
bool mirror_fw_set_nft(const struct xnft_facts *f)
{
	bool changed = memcmp(fw.nft.chains, f->chains, sizeof(f->chains)) ||
		       fw.nft.ndevs != f->ndevs ||
		       fw.nft.devs_truncated != f->devs_truncated ||
		       memcmp(fw.nft.devs, f->devs,
			      f->ndevs * sizeof(f->devs[0]));

	fw.nft = *f;
	return changed;
}

bool mirror_fw_set_xt(const struct xxt_facts *f)
{
	bool changed = memcmp(fw.xt.entries, f->entries, sizeof(f->entries));

	fw.xt = *f;
	return changed;
}

bool mirror_fw_set_xfrm(const struct xxfrm_facts *f)
{
	bool changed = memcmp(&fw.xfrm, f, sizeof(*f));

	fw.xfrm = *f;
	return changed;
}

bool mirror_fw_set_brnf(int v4, int v6)
{
	bool changed = fw.brnf[0] != v4 || fw.brnf[1] != v6;

	fw.brnf[0] = v4;
	fw.brnf[1] = v6;
	return changed;
}

bool mirror_fw_set_qdiscs(const struct xqdisc *q, unsigned int n,
			  unsigned int stored)
{
	bool changed;

	if (stored > XDPFWD_FW_QDISCS_MAX)
		stored = XDPFWD_FW_QDISCS_MAX;
	changed = fw.nqdiscs != n || fw.stored != stored ||
		  memcmp(fw.qdiscs, q, stored * sizeof(q[0]));
	fw.nqdiscs = n;
	fw.stored = stored;
	memcpy(fw.qdiscs, q, stored * sizeof(q[0]));
	return changed;
}

static int fam_idx(int family)
{
	return family == AF_INET6;
}

bool mirror_fw_filters(int family)
{
	int i = fam_idx(family);

	return fw.nft.chains[i ? XFW_V6 : XFW_V4] || fw.xt.entries[i];
}

bool mirror_fw_xfrm(int family)
{
	return fw.xfrm.policies[fam_idx(family)] || fw.xfrm.default_block;
}

/*
 * br_netfilter hands bridged IPv4 / IPv6 frames to the IP hooks
 * (call-iptables / call-ip6tables): it matters only while those have
 * something that can act.
 */
bool mirror_fw_bridge(void)
{
	return fw.nft.chains[XFW_BRIDGE] ||
	       (fw.brnf[0] == 1 && mirror_fw_filters(AF_INET)) ||
	       (fw.brnf[1] == 1 && mirror_fw_filters(AF_INET6));
}

uint8_t mirror_fw_dev_nft(const char *ifname)
{
	if (fw.nft.devs_truncated)
		return XFW_HOOK_IN | XFW_HOOK_OUT; /* can't tell: all */
	for (uint32_t i = 0; i < fw.nft.ndevs; i++)
		if (!strcmp(fw.nft.devs[i].name, ifname))
			return fw.nft.devs[i].hooks;
	return 0;
}

uint8_t mirror_fw_dev_tc(int ifindex)
{
	uint8_t dirs = 0;

	if (fw.nqdiscs > fw.stored)
		return XFW_HOOK_IN | XFW_HOOK_OUT; /* can't tell: all */
	for (unsigned int i = 0; i < fw.stored; i++)
		if (fw.qdiscs[i].ifindex == ifindex)
			dirs |= fw.qdiscs[i].dirs;
	return dirs;
}
