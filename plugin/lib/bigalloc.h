/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Large shadow arrays of the FIB builders (fib4.c, fib6.c): accessed at
 * random, so they are mapped on their own and advised onto transparent
 * huge pages (with 4 KiB pages nearly every access is also a TLB miss);
 * mmap also gives zeroed memory without touching it.  Not XCALLOC: these
 * are the allocations that can plausibly fail, XCALLOC aborts on failure
 * and the caller can live without that family's fast path.
 */
#ifndef XDPFWD_LIB_BIGALLOC_H
#define XDPFWD_LIB_BIGALLOC_H

#include <stddef.h>
#include <sys/mman.h>

/* NULL on failure */
static inline void *big_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, size, MADV_HUGEPAGE); /* best effort */
	return p;
}

static inline void big_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

#endif /* XDPFWD_LIB_BIGALLOC_H */
