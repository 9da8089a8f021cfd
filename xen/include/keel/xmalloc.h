/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_XMALLOC_H
#define KEEL_XMALLOC_H

#include <keel/types.h>

/*
 * Hypervisor heap for small objects, built on whole pages from the frame
 * allocator reached through the direct map.  Objects up to half a page
 * come from power-of-two size classes; larger ones get whole pages.
 * Memory is not zeroed by xmalloc(); xzalloc() zeroes it.
 */
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
/* Pages the heap currently holds from the frame allocator (live or cached). */
unsigned long xmalloc_pages_held(void);

#define xmalloc(type)           ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type)           ((type *)xzalloc_bytes(sizeof(type)))
#define xmalloc_array(type, n)  ((type *)xmalloc_array_bytes(sizeof(type), (n)))
#define xzalloc_array(type, n)  ((type *)xzalloc_array_bytes(sizeof(type), (n)))
void *xmalloc_array_bytes(size_t size, size_t n);   /* NULL on overflow */
void *xzalloc_array_bytes(size_t size, size_t n);

/*
 * Page source used by the heap: in the hypervisor, the frame allocator
 * plus the direct map; host tests provide their own.
 */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *v, unsigned int order);

#endif
