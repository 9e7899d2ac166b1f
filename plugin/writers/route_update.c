// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: route updates and the nexthop rules shared by the provider, the
 * writers and the audit (route_update.h).
 */
#include "config.h"
#include <zebra.h>

#include "lib/nexthop.h"
#include "lib/nexthop_group.h"

#include "plugin/writers/route_update.h"

static enum xdpfwd_route_kind blackhole_kind(const struct nexthop *nh)
{
	switch (nh->bh_type) {
	case BLACKHOLE_REJECT:
	case BLACKHOLE_ADMINPROHIB:
		return XDPFWD_KIND_UNREACHABLE;
	case BLACKHOLE_NULL:
	case BLACKHOLE_UNSPEC:
		break;
	}
	return XDPFWD_KIND_BLACKHOLE;
}

/* The forwarding nexthops the kernel got (rt_netlink.c skips recursive
 * parents and inactive or duplicate nexthops the same way).
 */
enum xdpfwd_route_kind xdpfwd_nexthops_from_ng(const struct nexthop_group *ng,
					       vrf_id_t vrf,
					       struct xdpfwd_nh *out,
					       unsigned int *count)
{
	struct nexthop *nh;
	unsigned int n = 0;

	for (ALL_NEXTHOPS_PTR(ng, nh)) {
		if (CHECK_FLAG(nh->flags, NEXTHOP_FLAG_RECURSIVE))
			continue;
		if (!NEXTHOP_IS_ACTIVE(nh->flags))
			continue;
		if (nh->type == NEXTHOP_TYPE_BLACKHOLE)
			return blackhole_kind(nh);
		/* labels, SRv6, EVPN and VRF leaks stay in the kernel */
		if ((nh->nh_label && nh->nh_label->num_labels) ||
		    nh->nh_srv6 || CHECK_FLAG(nh->flags, NEXTHOP_FLAG_EVPN) ||
		    nh->vrf_id != vrf || nh->ifindex <= 0)
			return XDPFWD_KIND_UNSUPPORTED;
		if (n == XDPFWD_NHG_SLOTS)
			return XDPFWD_KIND_UNSUPPORTED;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].ifindex = nh->ifindex;
		out[n].weight = nh->weight ? nh->weight : 1;
		switch (nh->type) {
		case NEXTHOP_TYPE_IPV4:
		case NEXTHOP_TYPE_IPV4_IFINDEX:
			out[n].family = AF_INET;
			memcpy(out[n].gw, &nh->gate.ipv4, 4);
			break;
		case NEXTHOP_TYPE_IPV6:
		case NEXTHOP_TYPE_IPV6_IFINDEX:
			out[n].family = AF_INET6;
			memcpy(out[n].gw, &nh->gate.ipv6, 16);
			break;
		case NEXTHOP_TYPE_IFINDEX:
			out[n].family = AF_UNSPEC; /* on-link: per-packet ARP/ND */
			break;
		case NEXTHOP_TYPE_BLACKHOLE:
			break;
		}
		n++;
	}
	*count = n;
	return n ? XDPFWD_KIND_FORWARD : XDPFWD_KIND_UNSUPPORTED;
}

int xdpfwd_nh_cmp(const struct xdpfwd_nh *x, const struct xdpfwd_nh *y)
{
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->gw, y->gw, sizeof(x->gw));
}

static int nh_qsort_cmp(const void *a, const void *b)
{
	return xdpfwd_nh_cmp(a, b);
}

unsigned int xdpfwd_nh_normalize(struct xdpfwd_nh *nh, unsigned int n)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		size_t len = nh[i].family == AF_INET	? 4
			     : nh[i].family == AF_INET6 ? 16
							: 0;

		memset(nh[i].gw + len, 0, sizeof(nh[i].gw) - len);
		if (!nh[i].weight)
			nh[i].weight = 1;
	}
	qsort(nh, n, sizeof(*nh), nh_qsort_cmp);
	for (i = 0; i < n; i++) {
		if (out && !xdpfwd_nh_cmp(&nh[out - 1], &nh[i])) {
			nh[out - 1].weight += nh[i].weight;
			continue;
		}
		nh[out++] = nh[i];
	}
	return out;
}

uint16_t xdpfwd_kind_group(enum xdpfwd_route_kind kind)
{
	switch (kind) {
	case XDPFWD_KIND_BLACKHOLE:
		return XDPFWD_NHG_ID_BLACKHOLE;
	case XDPFWD_KIND_UNREACHABLE:
		return XDPFWD_NHG_ID_UNREACHABLE;
	case XDPFWD_KIND_UNSUPPORTED:
		return XDPFWD_NHG_ID_KERNEL;
	case XDPFWD_KIND_FORWARD:
		break;
	}
	return 0;
}

enum xdpfwd_route_kind xdpfwd_kind_with_mtu(enum xdpfwd_route_kind kind,
					    uint32_t mtu, uint32_t nh_mtu)
{
	if (kind == XDPFWD_KIND_FORWARD && (mtu || nh_mtu))
		return XDPFWD_KIND_UNSUPPORTED;
	return kind;
}
