/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_MEMORY_H
#define KEEL_MEMORY_H

/*
 * A domain's RAM (common/memory.c): which frames it owns, giving them back
 * (ballooning) and taking more, and the rule that keeps a frame alive as
 * long as any p2m still maps it.
 *
 * A frame of guest RAM is one the domain owns (page_info.owner), on its
 * page list and counted in tot_pages; it may be mapped at one GFN of the
 * owner's p2m, and by grant (pins) in other domains' p2ms.  Frames the
 * hypervisor shares with a guest (shared_info, grant-table frames) are
 * not guest RAM: they have no owner and are freed with the domain.
 */
#include <keel/types.h>
#include <keel/page_alloc.h>

struct domain;

/*
 * One lock over the RAM ownership and grant pins of every domain and the
 * p2m changes that add or remove guest frames.  Grant operations span
 * two domains and need both domains' frames still where they were, so
 * there is one lock for all.  Taken after evtchn_lock and
 * shared_info's lock, before the p2m's and the heap's.
 */
void memory_lock(void);
void memory_unlock(void);

/* Under memory_lock(): @d's own RAM frame at @gfn, or INVALID_MFN (a hole, or anything else). */
unsigned long domain_ram_frame(struct domain *d, uint64_t gfn);

/* Give @d the allocated block [@mfn, @mfn + 2^@order) (no quota check). */
void domain_assign_pages(struct domain *d, unsigned long mfn, unsigned int order);

/*
 * Take the RAM frame at @gfn back from @d, under memory_lock(): its p2m
 * entry goes and the frame moves to @freed; free_released_pages() frees
 * @freed once p2m_flush_sync(@d) has run.  -EINVAL if @gfn holds no RAM
 * of @d, -EBUSY if the frame is grant-mapped or the hypervisor keeps a
 * pointer into it, -ENOMEM if a 2 MiB p2m entry could not be split.
 */
int domain_take_page(struct domain *d, uint64_t gfn, struct page_list_head *freed);
void free_released_pages(struct page_list_head *freed);

/* Under memory_lock(): one grant mapping more / fewer of @mfn. */
void page_pin(unsigned long mfn);
void page_unpin(unsigned long mfn);
/* Can @mfn take one more pin? */
bool page_pin_ok(unsigned long mfn);

/*
 * Free the RAM of a domain nothing runs any more.  A frame still mapped
 * by grant in another domain is kept (with no owner) and freed with its
 * last unpin, so no p2m ever maps freed memory.
 */
void domain_relinquish_memory(struct domain *d);

/*
 * @d's p2m lost or changed present entries: when this returns no CPU
 * uses the old translations any more (every vCPU of @d flushes before it
 * next runs, and every other CPU has taken an interrupt, so none is
 * still in guest mode on stale ones).  Call with no lock held.
 */
void p2m_flush_sync(struct domain *d);

#endif
