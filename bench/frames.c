// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test frames (frames.h): UDP over IPv4 or IPv6, the IPv4 header
 * checksummed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "bpf/bench_maps.h"
#include "frames.h"
#include "setup.h"

static uint16_t csum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Ethernet from rinp to rin, the rest of the frame zeroed; returns the
 * start of the payload
 */
static uint8_t *eth_hdr(uint8_t *f, size_t flen, uint16_t type)
{
	memset(f, 0, flen);
	memcpy(f, MAC_IN, 6);
	memcpy(f + 6, MAC_SRC, 6);
	put16(f + 12, type);
	return f + 14;
}

/* UDP from port 40000 to 9 (discard), no checksum */
static void udp_hdr(uint8_t *udp, size_t len)
{
	put16(udp, 40000);
	put16(udp + 2, 9);
	put16(udp + 4, (uint16_t)len);
}

/* UDP over IPv4 from 10.255.0.2, flen bytes of frame (no FCS) */
static void frame_v4(uint8_t *f, size_t flen, uint32_t daddr_be)
{
	uint8_t *ip = eth_hdr(f, flen, 0x0800);
	uint32_t saddr = htonl(0x0aff0002);

	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(flen - 14));
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr_be, 4);
	put16(ip + 10, csum16(ip, 20, 0));
	udp_hdr(ip + 20, flen - 34);
}

/* UDP over IPv6 from fd00:ff::2 */
static void frame_v6(uint8_t *f, size_t flen, const uint8_t daddr[16])
{
	uint8_t *ip = eth_hdr(f, flen, 0x86dd);
	static const uint8_t saddr[16] = { 0xfd, 0, 0, 0xff, [15] = 2 };

	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(flen - 54));
	ip[6] = IPPROTO_UDP;
	ip[7] = 64;
	memcpy(ip + 8, saddr, 16);
	memcpy(ip + 24, daddr, 16);
	udp_hdr(ip + 40, flen - 54);
}

void build_frame(int family, uint8_t *f, size_t flen, const struct dst *d)
{
	if (family == 4) {
		uint32_t a;

		memcpy(&a, d->a, 4);
		frame_v4(f, flen, a);
	} else {
		frame_v6(f, flen, d->a);
	}
}
