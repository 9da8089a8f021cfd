/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_PAGE_ALLOC_H
#define KEEL_PAGE_ALLOC_H

#include <keel/types.h>

/*
 * Buddy frame allocator over all RAM.  Frames are tracked by a frame
 * table: one struct page_info per machine frame number (mfn) up to the
 * highest RAM frame.  Free blocks of 2^order frames live on per-zone,
 * per-order lists; a zone holds the frames whose mfn has the same bit
 * width, so callers can ask for memory below an address limit (e.g. the
 * AP trampoline needs memory below 1 MiB, 32-bit CR3 below 4 GiB).
 */
#define MAX_ORDER       20      /* largest block: 2^20 frames = 4 GiB */
#define NR_ZONES        53      /* mfn bit widths 0..52 */

struct page_list_entry {
    uint32_t next, prev;        /* frame-table indices; PAGE_LIST_NULL ends */
};
#define PAGE_LIST_NULL  0xffffffffU

struct domain;

/*
 * While a frame is free, @list links it on the heap's free lists; while it
 * is the head of a block a domain owns, on the domain's page list.  The
 * other fields after @order describe allocated frames and belong to the
 * allocation's user (common/memory.c for guest RAM), which keeps them
 * under its own lock.
 */
struct page_info {
    struct page_list_entry list;
    uint32_t state;             /* PGS_* */
    uint8_t order;              /* valid for the head frame of a block */
    uint8_t flags;              /* PGF_* */
    uint16_t pins;              /* grant mappings of this frame held by domains */
    struct domain *owner;       /* guest RAM: the domain; NULL otherwise */
};

#define PGS_NOT_RAM     0       /* never given to the allocator */
#define PGS_FREE_HEAD   1       /* head of a free block of 2^order frames */
#define PGS_FREE_TAIL   2       /* inside a free block */
#define PGS_ALLOC_HEAD  3       /* head of an allocated block */
#define PGS_ALLOC_TAIL  4       /* inside an allocated block */

/*
 * The hypervisor keeps a lasting pointer into this frame of guest RAM
 * (a vcpu_info, FIFO event pages): the domain may not give it back.
 */
#define PGF_hyp_ref     (1U << 0)

/* Set up an empty heap over @table, which has @nr_frames entries. */
void heap_init(struct page_info *table, unsigned long nr_frames);

/* Give frames [mfn, mfn + nr) to the allocator (RAM that is now free). */
void heap_add_range(unsigned long mfn, unsigned long nr);

/*
 * Allocate 2^order contiguous, naturally aligned frames whose addresses
 * fit in @max_bits address bits (0: no limit).  Higher zones are used
 * first to keep low memory for those who need it.  Returns the first mfn
 * or INVALID_MFN.
 */
unsigned long alloc_pages_bits(unsigned int order, unsigned int max_bits);
static inline unsigned long alloc_pages(unsigned int order)
{
    return alloc_pages_bits(order, 0);
}

/*
 * Free a block from alloc_pages*().  A free of something that is not the
 * head of an allocated block of that order (double free, wrong order,
 * stray mfn) is a hypervisor bug and ends in BUG().
 */
void free_pages(unsigned long mfn, unsigned int order);

/*
 * Make the allocated block holding @mfn into blocks of one frame each (a
 * domain giving back part of a larger chunk).  Returns the old head and
 * sets *@order to the old order; INVALID_MFN if @mfn is not allocated.
 */
unsigned long split_alloc_block(unsigned long mfn, unsigned int *order);

/* The frame-table entry of @mfn, or NULL if @mfn is beyond the frame table. */
struct page_info *mfn_to_page(unsigned long mfn);
/* Frames the frame table covers: one past the highest RAM frame. */
unsigned long heap_max_frame(void);

/*
 * Lists of allocated blocks (their head frames), linked through the
 * frame table so they cost no memory; the caller serialises each list.
 */
struct page_list_head {
    uint32_t first;             /* PAGE_LIST_NULL when empty */
};
#define PAGE_LIST_HEAD_INIT { PAGE_LIST_NULL }
void page_list_add(struct page_list_head *h, unsigned long mfn);
void page_list_del(struct page_list_head *h, unsigned long mfn);
/* First frame of @h, or INVALID_MFN; the one after @mfn, or INVALID_MFN. */
unsigned long page_list_first(const struct page_list_head *h);
unsigned long page_list_next(unsigned long mfn);

unsigned long heap_free_frames(void);
unsigned long heap_total_frames(void);
/* Consistency check of every list and frame state; BUG() on corruption. */
void heap_check(void);

#endif
