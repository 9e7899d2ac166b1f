// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DIR-24-8 and Poptrie builds for the lookup microbenchmark (poptrie4.h).
 */
#include <stdlib.h>
#include <string.h>

#include "poptrie4.h"

#define TBL24_ENTRIES (1u << 24)
#define EXT 0x8000

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * elem);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static int by_len(const void *x, const void *y)
{
	return ((const struct route4 *)x)->len - ((const struct route4 *)y)->len;
}

bool dir248_build(struct dir248 *d, const struct route4 *r, size_t n)
{
	struct route4 *s = malloc(n * sizeof(*s));
	size_t i;

	*d = (struct dir248){ 0 };
	d->tbl24 = calloc(TBL24_ENTRIES, sizeof(*d->tbl24));
	if (!s || !d->tbl24)
		goto fail;
	memcpy(s, r, n * sizeof(*s));
	/* shorter first: a longer route paints over the ones it is inside */
	qsort(s, n, sizeof(*s), by_len);
	for (i = 0; i < n; i++) {
		uint32_t p = s[i].prefix, j, cnt;
		uint16_t v = s[i].nh + 1, *e, *g;

		if (s[i].len <= 24) {
			cnt = 1u << (24 - s[i].len);
			for (j = 0; j < cnt; j++)
				d->tbl24[(p >> 8) + j] = v;
			continue;
		}
		e = &d->tbl24[p >> 8];
		if (!(*e & EXT)) {
			if (d->n_tbl8 == EXT ||
			    !grow((void **)&d->tbl8, &d->cap_tbl8, d->n_tbl8 + 1,
				  sizeof(*d->tbl8)))
				goto fail;
			for (j = 0; j < 256; j++)
				d->tbl8[d->n_tbl8][j] = *e;
			*e = EXT | (uint16_t)d->n_tbl8++;
		}
		g = d->tbl8[*e & ~EXT];
		cnt = 1u << (32 - s[i].len);
		for (j = 0; j < cnt; j++)
			g[(p & 0xff) + j] = v;
	}
	free(s);
	return true;
fail:
	free(s);
	dir248_free(d);
	return false;
}

void dir248_free(struct dir248 *d)
{
	free(d->tbl24);
	free(d->tbl8);
	*d = (struct dir248){ 0 };
}

uint16_t dir248_lookup(const struct dir248 *d, uint32_t a)
{
	uint16_t e = d->tbl24[a >> 8];

	return (e & EXT) ? d->tbl8[e & ~EXT][a & 0xff] : e;
}

/* one value over all of p/len */
static bool uniform(const struct dir248 *d, uint32_t p, int len)
{
	uint32_t i, cnt;

	if (len >= 24) {
		uint16_t e = d->tbl24[p >> 8];
		const uint16_t *g;

		if (!(e & EXT))
			return true;
		g = d->tbl8[e & ~EXT] + (p & 0xff);
		cnt = 1u << (32 - len);
		for (i = 1; i < cnt; i++)
			if (g[i] != g[0])
				return false;
		return true;
	}
	cnt = 1u << (24 - len);
	for (i = 0; i < cnt; i++) {
		uint16_t e = d->tbl24[(p >> 8) + i];

		if ((e & EXT) || e != d->tbl24[p >> 8])
			return false;
	}
	return true;
}

/* node idx (reserved by the caller) for p/len: its children, then theirs */
static bool build_node(struct poptrie4 *pt, const struct dir248 *d, size_t idx,
		       uint32_t p, int len)
{
	int stride = 32 - len < 6 ? 32 - len : 6, shift = 32 - len - stride;
	struct pt4_node n = { .base0 = (uint32_t)pt->n_leaf };
	uint32_t c, nchild = 0, j = 0;
	bool have = false;
	uint16_t last = 0;

	for (c = 0; c < (1u << stride); c++) {
		uint32_t q = p + (c << shift);
		uint16_t v;

		if (len + stride < 32 && !uniform(d, q, len + stride)) {
			n.vec |= 1ULL << c;
			nchild++;
			continue;
		}
		v = dir248_lookup(d, q);
		if (have && v == last)
			continue;
		if (!grow((void **)&pt->leaf, &pt->cap_leaf, pt->n_leaf + 1,
			  sizeof(*pt->leaf)))
			return false;
		n.leafvec |= 1ULL << c;
		pt->leaf[pt->n_leaf++] = v;
		last = v;
		have = true;
	}
	/* children contiguous, so that one base and a rank find them */
	if (!grow((void **)&pt->node, &pt->cap_node, pt->n_node + nchild,
		  sizeof(*pt->node)))
		return false;
	n.base1 = (uint32_t)pt->n_node;
	pt->n_node += nchild;
	pt->node[idx] = n;
	for (c = 0; c < (1u << stride); c++)
		if ((n.vec >> c) & 1 &&
		    !build_node(pt, d, n.base1 + j++, p + (c << shift),
				len + stride))
			return false;
	return true;
}

bool poptrie4_build(struct poptrie4 *pt, const struct dir248 *d)
{
	uint32_t i;

	*pt = (struct poptrie4){ 0 };
	pt->dir = calloc(1u << PT4_DIR_BITS, sizeof(*pt->dir));
	if (!pt->dir)
		return false;
	for (i = 0; i < (1u << PT4_DIR_BITS); i++) {
		uint32_t p = i << (32 - PT4_DIR_BITS);

		if (uniform(d, p, PT4_DIR_BITS)) {
			pt->dir[i] = PT4_DIR_LEAF | dir248_lookup(d, p);
			continue;
		}
		if (!grow((void **)&pt->node, &pt->cap_node, pt->n_node + 1,
			  sizeof(*pt->node)))
			goto fail;
		pt->dir[i] = (uint32_t)pt->n_node++;
		if (!build_node(pt, d, pt->dir[i], p, PT4_DIR_BITS))
			goto fail;
	}
	return true;
fail:
	poptrie4_free(pt);
	return false;
}

void poptrie4_free(struct poptrie4 *pt)
{
	free(pt->dir);
	free(pt->node);
	free(pt->leaf);
	*pt = (struct poptrie4){ 0 };
}

/* the BPF lookup's twin (bpf/lookup4.bpf.c) */
uint16_t poptrie4_lookup(const struct poptrie4 *pt, uint32_t a)
{
	uint32_t e = pt->dir[a >> (32 - PT4_DIR_BITS)], off = PT4_DIR_BITS;
	int lv;

	if (e & PT4_DIR_LEAF)
		return (uint16_t)e;
	for (lv = 0; lv < 3; lv++) {
		const struct pt4_node *n = &pt->node[e];
		uint32_t stride = lv < 2 ? 6 : 2, c = (a << off) >> (32 - stride);
		uint64_t upto = (2ULL << c) - 1;

		if (!((n->vec >> c) & 1))
			return pt->leaf[n->base0 +
					__builtin_popcountll(n->leafvec & upto) - 1];
		e = n->base1 + __builtin_popcountll(n->vec & upto) - 1;
		off += 6;
	}
	return 0;
}

struct pt4_node_inline poptrie4_inline(const struct poptrie4 *pt, size_t i,
				       bool *ext)
{
	const struct pt4_node *n = &pt->node[i];
	struct pt4_node_inline x = { .node = *n };
	int cnt = __builtin_popcountll(n->leafvec);

	*ext = cnt > PT4_INLINE;
	if (!*ext) {
		x.node.base0 = PT4_BASE0_INLINE;
		memcpy(x.leaf, &pt->leaf[n->base0], cnt * sizeof(x.leaf[0]));
	}
	return x;
}
