/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's RAM and memory_op.
 *
 * Ownership (keel/memory.h): every frame of guest RAM records its domain
 * in the frame table and its block (up to 2 MiB) sits on the domain's
 * page list; a frame a domain gives back leaves its block, which is split
 * into single frames first.  One lock, memory_lock(), covers
 * ownership, grant pins and the p2m changes that add or remove frames.
 *
 * A frame leaves a p2m before it is freed, and is freed only once no
 * CPU can still reach it through a cached translation (p2m_flush_sync()).
 * A frame another domain maps by grant is never freed: giving it back
 * is refused while it is mapped, and when its owner ends it stays (with
 * no owner) until its last mapping goes.
 *
 * memory_op: add_to_physmap (shared_info, grant-table frames), the
 * reservation ops (balloon), the reservation counters and the memory
 * map.  There are no hypercall continuations: a reservation op does at
 * most MEMOP_MAX_PAGES frames per call and returns the extents done, which
 * is what the ABI returns anyway (Linux asks again for the rest).
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/cpumask.h>
#include <keel/guest_access.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/memory.h>
#include <keel/p2m.h>
#include <keel/spinlock.h>
#include <asm/page.h>
#include <public/memory.h>

/* Largest extent a guest may ask for: 2 MiB, Xen's default for a domU. */
#define MEMOP_MAX_ORDER     9
/* Frames one reservation call handles (always at least one extent). */
#define MEMOP_MAX_PAGES     512UL

static DEFINE_SPINLOCK(mem_lock);

void memory_lock(void)
{
    spin_lock(&mem_lock);
}

void memory_unlock(void)
{
    spin_unlock(&mem_lock);
}

/* ---- ownership ------------------------------------------------------------ */

void domain_assign_pages(struct domain *d, unsigned long mfn, unsigned int order)
{
    unsigned long i;

    memory_lock();
    for ( i = 0; i < (1UL << order); i++ )
        mfn_to_page(mfn + i)->owner = d;
    page_list_add(&d->page_list, mfn);
    d->tot_pages += 1UL << order;
    memory_unlock();
}

unsigned long domain_ram_frame(struct domain *d, uint64_t gfn)
{
    p2m_type_t t;
    unsigned long mfn = p2m_lookup(d->p2m, gfn, &t);
    struct page_info *pg = mfn == INVALID_MFN ? NULL : mfn_to_page(mfn);

    return pg && t == p2m_ram_rw && pg->owner == d ? mfn : INVALID_MFN;
}

int domain_take_page(struct domain *d, uint64_t gfn, struct page_list_head *freed)
{
    unsigned long mfn = domain_ram_frame(d, gfn), head, i;
    struct page_info *pg;
    unsigned int order;

    if ( mfn == INVALID_MFN )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( pg->pins || (pg->flags & PGF_hyp_ref) )
        return -EBUSY;
    /* The p2m first: splitting a 2 MiB entry needs memory, and if that fails nothing changed. */
    if ( p2m_set_entry(d->p2m, gfn, INVALID_MFN, 0, p2m_invalid) )
        return -ENOMEM;
    head = split_alloc_block(mfn, &order);
    BUG_ON(head == INVALID_MFN);
    if ( order )
    {
        page_list_del(&d->page_list, head);
        for ( i = 0; i < (1UL << order); i++ )
            page_list_add(&d->page_list, head + i);
    }
    page_list_del(&d->page_list, mfn);
    pg->owner = NULL;
    d->tot_pages--;
    page_list_add(freed, mfn);
    return 0;
}

void free_released_pages(struct page_list_head *freed)
{
    unsigned long mfn;

    while ( (mfn = page_list_first(freed)) != INVALID_MFN )
    {
        page_list_del(freed, mfn);
        free_pages(mfn, 0);
    }
}

bool page_pin_ok(unsigned long mfn)
{
    return mfn_to_page(mfn)->pins != UINT16_MAX;
}

void page_pin(unsigned long mfn)
{
    mfn_to_page(mfn)->pins++;
}

void page_unpin(unsigned long mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    BUG_ON(!pg->pins);
    /* The last mapping of a frame whose owner has gone: nothing reaches it any more. */
    if ( !--pg->pins && !pg->owner )
        free_pages(mfn, 0);
}

void domain_relinquish_memory(struct domain *d)
{
    unsigned long head, i, kept = 0;
    unsigned int order;

    memory_lock();
    while ( (head = page_list_first(&d->page_list)) != INVALID_MFN )
    {
        bool pinned = false;

        page_list_del(&d->page_list, head);
        order = mfn_to_page(head)->order;
        for ( i = 0; i < (1UL << order); i++ )
        {
            mfn_to_page(head + i)->owner = NULL;
            pinned |= mfn_to_page(head + i)->pins != 0;
        }
        d->tot_pages -= 1UL << order;
        if ( !pinned )
        {
            free_pages(head, order);
            continue;
        }
        /* Some frame is still mapped elsewhere: free the rest one by one, keep it. */
        split_alloc_block(head, &order);
        for ( i = 0; i < (1UL << order); i++ )
        {
            if ( mfn_to_page(head + i)->pins )
                kept++;
            else
                free_pages(head + i, 0);
        }
    }
    memory_unlock();
    if ( kept )
        printk(XENLOG_INFO "d%u: %lu frame(s) still mapped by grant elsewhere, "
               "freed when unmapped\n", d->domain_id, kept);
}

/* ---- TLB shootdown -------------------------------------------------------- */

static void flush_ack(void *unused)
{
    (void)unused;
}

void p2m_flush_sync(struct domain *d)
{
    bool irqs_on = local_irq_is_enabled();

    /* Every vCPU of d drops its guest-physical translations before it next enters. */
    hvm_flush_guest_tlbs(d);
    smp_mb();
    /*
     * Wait until every other CPU has taken an interrupt: one in guest mode
     * leaves it (and re-enters flushed); one in the hypervisor has finished
     * whatever it was doing with interrupts off, such as copying from a
     * frame of the old map.  Hypercalls run with interrupts off, so they
     * are let in for the wait (no lock is held here).
     */
    if ( !irqs_on )
        local_irq_enable();
    smp_call_function(flush_ack, NULL, true);
    if ( !irqs_on )
        local_irq_disable();
}

/* ---- memory_op ------------------------------------------------------------- */

/* The domain a memory_op names: the caller (DOMID_SELF or its own id) only. */
static struct domain *target_domain(struct domain *self, domid_t domid, long *err)
{
    if ( domid == DOMID_SELF || domid == self->domain_id )
        return self;
    /* Another domain does not exist, or is not ours to change. */
    *err = domain_by_id(domid) ? -EPERM : -ESRCH;
    return NULL;
}

static long add_to_physmap(struct vcpu *v, unsigned long arg)
{
    struct domain *d;
    struct xen_add_to_physmap xatp;
    long rc = 0;

    if ( copy_from_guest_virt(v, &xatp, arg, sizeof(xatp)) )
        return -EFAULT;
    d = target_domain(v->domain, xatp.domid, &rc);
    if ( !d )
        return rc;

    switch ( xatp.space )
    {
    case XENMAPSPACE_shared_info:
        /* `size` is left uninitialised by Linux for this space: ignored. */
        if ( xatp.idx != 0 )
            return -EINVAL;
        return shared_info_map(d, xatp.gpfn);
    case XENMAPSPACE_grant_table:
        /* `size` ignored here too (Linux leaves it uninitialised). */
        return gnttab_map_frame(d, xatp.idx, xatp.gpfn);
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
    case XENMAPSPACE_dev_mmio:
        return -ENOSYS;     /* not implemented yet */
    default:
        return -EINVAL;     /* gmfn_foreign is for add_to_physmap_batch; others unknown */
    }
}

struct memop {
    struct vcpu *v;
    struct domain *d;
    uint64_t list;                  /* guest address of the GFN list */
    unsigned long nr_extents, done;
    unsigned int order, max_bits;
};

static bool read_gfn(struct memop *m, unsigned long i, uint64_t *gfn)
{
    return !copy_from_guest_virt(m->v, gfn, m->list + i * sizeof(*gfn), sizeof(*gfn));
}

/* Extents one call may handle from m->done on. */
static unsigned long batch_end(const struct memop *m)
{
    unsigned long per_call = MAX(1UL, MEMOP_MAX_PAGES >> m->order);

    return m->nr_extents - m->done > per_call ? m->done + per_call : m->nr_extents;
}

/*
 * Give back every frame of each listed extent.  An extent that cannot be
 * given back whole stops the batch; its frames already given back stay
 * given back (as in Xen), but the extent is not counted.
 */
static void decrease_reservation(struct memop *m)
{
    struct page_list_head freed = PAGE_LIST_HEAD_INIT;
    unsigned long end = batch_end(m), j;
    bool removed = false;
    uint64_t gfn;

    for ( ; m->done < end; m->done++ )
    {
        int rc = 0;

        if ( !read_gfn(m, m->done, &gfn) )
            break;
        memory_lock();
        for ( j = 0; j < (1UL << m->order) && !rc; j++ )
        {
            rc = domain_take_page(m->d, gfn + j, &freed);
            removed |= !rc;
        }
        memory_unlock();
        if ( rc )
        {
            printk(XENLOG_DEBUG "d%u: decrease_reservation: gfn %#lx: %d\n",
                   m->d->domain_id, (unsigned long)(gfn + j - 1), rc);
            break;
        }
    }
    if ( removed )
        p2m_flush_sync(m->d);
    free_released_pages(&freed);
}

/* Allocate, scrub and map one extent at @gfn: 0, or why not. */
static int populate_one(struct memop *m, uint64_t gfn)
{
    struct domain *d = m->d;
    unsigned long nr = 1UL << m->order, mfn, i;
    bool mapped = false;
    int rc = 0;

    if ( !IS_ALIGNED(gfn, nr) )
        return -EINVAL;
    mfn = alloc_pages_bits(m->order, m->max_bits);
    if ( mfn == INVALID_MFN )
        return -ENOMEM;
    /* Scrubbed before the lock: a guest never sees what a previous owner left. */
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE << m->order);

    memory_lock();
    if ( d->tot_pages + nr > d->max_pages )
        rc = -ENOSPC;           /* the domain's quota */
    for ( i = 0; i < nr && !rc; i++ )
        if ( p2m_lookup(d->p2m, gfn + i, NULL) != INVALID_MFN )
            rc = -EBUSY;        /* only holes are populated */
    /*
     * 4 KiB entries even for a 2 MiB extent: a 2 MiB entry would replace
     * (and free) the table left where frames were given back, which CPUs
     * may still cache.
     */
    if ( !rc )
    {
        for ( i = 0; i < nr && !rc; i++ )
            rc = p2m_set_entry(d->p2m, gfn + i, mfn + i, 0, p2m_ram_rw);
        /* Out of p2m memory half-way: the entries made go again. */
        mapped = rc && i > 1;
        if ( rc )
            while ( --i > 0 )
                p2m_set_entry(d->p2m, gfn + i - 1, INVALID_MFN, 0, p2m_invalid);
    }
    if ( !rc )
    {
        for ( i = 0; i < nr; i++ )
            mfn_to_page(mfn + i)->owner = d;
        page_list_add(&d->page_list, mfn);
        d->tot_pages += nr;
    }
    memory_unlock();
    if ( rc && mapped )
        p2m_flush_sync(d);      /* another vCPU may have reached them meanwhile */
    if ( rc )
        free_pages(mfn, m->order);
    return rc;
}

static void populate_physmap(struct memop *m)
{
    unsigned long end = batch_end(m);
    uint64_t gfn;

    for ( ; m->done < end; m->done++ )
    {
        int rc;

        if ( !read_gfn(m, m->done, &gfn) )
            break;
        rc = populate_one(m, gfn);
        if ( rc )
        {
            printk(XENLOG_DEBUG "d%u: populate_physmap: gfn %#lx order %u: %d\n",
                   m->d->domain_id, (unsigned long)gfn, m->order, rc);
            break;
        }
    }
}

/*
 * increase_reservation, decrease_reservation, populate_physmap: the
 * number of extents done (from the continuation index in @cmd on).  As in
 * Xen, arguments that do not make sense give "none done", not an error;
 * only an unreadable reservation is -EFAULT.
 */
static long reservation_op(struct vcpu *v, unsigned long cmd, unsigned long arg)
{
    struct xen_memory_reservation r;
    struct memop m = { .v = v, .done = cmd >> MEMOP_EXTENT_SHIFT };
    unsigned int op = cmd & MEMOP_CMD_MASK, bits;
    long err = 0;

    /*
     * increase_reservation: for a translated guest Xen allocates frames
     * that no GFN maps, of no use to it; Linux never asks.  Not offered.
     */
    if ( op == XENMEM_increase_reservation )
        return -ENOSYS;
    if ( copy_from_guest_virt(v, &r, arg, sizeof(r)) )
        return -EFAULT;
    m.d = target_domain(v->domain, r.domid, &err);
    if ( !m.d || m.done >= r.nr_extents || r.extent_order > MEMOP_MAX_ORDER ||
         (r.mem_flags & XENMEMF_populate_on_demand) )
        return m.done;
    bits = XENMEMF_get_address_bits(r.mem_flags);
    if ( bits && bits <= PAGE_SHIFT )
        return m.done;
    m.list = r.extent_start;
    m.nr_extents = r.nr_extents;
    m.order = r.extent_order;
    m.max_bits = bits;
    if ( op == XENMEM_decrease_reservation )
        decrease_reservation(&m);
    else
        populate_physmap(&m);
    return m.done;
}

/* current_reservation, maximum_reservation: the counter, for the caller only. */
static long reservation_count(struct vcpu *v, unsigned int op, unsigned long arg)
{
    struct domain *d;
    domid_t domid;
    long rc = 0;

    if ( copy_from_guest_virt(v, &domid, arg, sizeof(domid)) )
        return -EFAULT;
    d = target_domain(v->domain, domid, &rc);
    if ( !d )
        return rc;
    return op == XENMEM_current_reservation ? (long)ACCESS_ONCE(d->tot_pages)
                                            : (long)d->max_pages;
}

/* memory_map: up to nr_entries entries of the map the builder gave; nr_entries = copied. */
static long memory_map(struct vcpu *v, unsigned long arg)
{
    struct domain *d = v->domain;
    struct xen_memory_map map;

    if ( copy_from_guest_virt(v, &map, arg, sizeof(map)) )
        return -EFAULT;
    if ( !d->nr_memmap )
        return -ENOSYS;     /* as Xen for a domain without one */
    map.nr_entries = MIN(map.nr_entries, d->nr_memmap);
    if ( copy_to_guest_virt(v, map.buffer, d->memmap, map.nr_entries * sizeof(d->memmap[0])) ||
         copy_to_guest_virt(v, arg, &map, sizeof(map)) )
        return -EFAULT;
    return 0;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();
    unsigned int op = cmd & MEMOP_CMD_MASK;

    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(v, cmd, arg);
    }

    /* No continuation for the others: stray high bits are not ours to ignore. */
    if ( cmd != op )
        return -ENOSYS;
    switch ( op )
    {
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, arg);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        return reservation_count(v, op, arg);
    case XENMEM_maximum_ram_page:
        /* As Xen: the host's frame count (the top of the frame table). */
        return heap_max_frame();
    case XENMEM_memory_map:
        return memory_map(v, arg);
    default:
        /* exchange, remove_from_physmap, add_to_physmap_batch...: not implemented. */
        return -ENOSYS;
    }
}
