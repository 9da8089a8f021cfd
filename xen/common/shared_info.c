/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared_info page and the vcpu_info areas.  shared_info is a page of
 * the hypervisor's, allocated (zeroed, with valid time) when the domain
 * is created and mapped into the guest by XENMEM_add_to_physmap; the RAM
 * frame it replaces in the p2m is kept, and put back if shared_info moves
 * on, so the guest never loses memory and nothing needs freeing early.
 * Each vCPU's vcpu_info starts in shared_info (vCPUs 0-31) and may move
 * once into guest RAM with VCPUOP_register_vcpu_info.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/memory.h>
#include <keel/p2m.h>
#include <keel/xmalloc.h>
#include <asm/page.h>

/* Serialises moves of shared_info (rare: Linux maps it once per boot). */
static DEFINE_SPINLOCK(shared_info_lock);

void *gfn_to_ram_virt(struct domain *d, uint64_t gfn)
{
    struct page_info *pg;
    p2m_type_t t;
    unsigned long mfn;

    if ( gfn >= (d->ram_bytes >> PAGE_SHIFT) )
        return NULL;
    memory_lock();
    mfn = p2m_lookup(d->p2m, gfn, &t);
    pg = mfn == INVALID_MFN ? NULL : mfn_to_page(mfn);
    if ( t != p2m_ram_rw || !pg )
        mfn = INVALID_MFN;
    /*
     * The caller keeps the pointer (vcpu_info, FIFO pages): the frame may
     * not be given back while the domain lives.  Frames the hypervisor
     * shares (shared_info, grant-table frames) live as long anyway.
     */
    else if ( pg->owner == d )
        pg->flags |= PGF_hyp_ref;
    memory_unlock();
    return mfn == INVALID_MFN ? NULL : mfn_to_virt(mfn);
}

struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
    return v->events.vcpu_info;
}

int domain_events_init(struct domain *d)
{
    struct shared_info *s = alloc_xenheap_pages(0);

    if ( !s )
        return -ENOMEM;
    memset(s, 0, PAGE_SIZE);
    d->events.shared_info = s;
    d->events.shared_info_gfn = ~0ULL;
    vtime_set_wallclock(d);
    return evtchn_domain_init(d);
}

void domain_events_destroy(struct domain *d)
{
    evtchn_domain_destroy(d);
    if ( d->events.shared_info )
        free_xenheap_pages(d->events.shared_info, 0);
    d->events.shared_info = NULL;
}

void vcpu_events_init(struct vcpu *v)
{
    struct domain *d = v->domain;

    v->events.vcpu_info = v->vcpu_id < XEN_LEGACY_MAX_VCPUS
                          ? &d->events.shared_info->vcpu_info[v->vcpu_id]
                          : &v->events.dummy_vcpu_info;
    vtime_vcpu_init(v);
    vtime_publish(v);
}

void vcpu_events_destroy(struct vcpu *v)
{
    vtime_vcpu_destroy(v);
}

int shared_info_map(struct domain *d, uint64_t gfn)
{
    unsigned long mfn = virt_to_mfn(d->events.shared_info), old_mfn;
    uint64_t old_gfn;
    int rc = 0;

    /* Within the guest's RAM only: the p2m never grows tables for it (docs/abi-coverage.md). */
    if ( gfn >= (d->ram_bytes >> PAGE_SHIFT) )
        return -EINVAL;

    spin_lock(&shared_info_lock);
    /* The RAM frame displaced must stay the domain's (no balloon or grant map meanwhile). */
    memory_lock();
    old_gfn = d->events.shared_info_gfn;
    if ( gfn == old_gfn )
        goto out;
    old_mfn = domain_ram_frame(d, gfn);
    if ( old_mfn == INVALID_MFN )
    {
        rc = -EINVAL;
        goto out;
    }
    /* The new mapping first: if it fails (no memory to split a 2 MiB page) nothing changed. */
    rc = p2m_set_entry(d->p2m, gfn, mfn, 0, p2m_ram_rw);
    if ( rc )
        goto out;
    /* Its old place gets its RAM back; that 4 KiB entry exists, so this cannot fail. */
    if ( old_gfn != ~0ULL && d->events.displaced_valid )
        p2m_set_entry(d->p2m, old_gfn, d->events.displaced_mfn, 0, p2m_ram_rw);
    d->events.displaced_mfn = old_mfn;
    d->events.displaced_valid = true;
    d->events.shared_info_gfn = gfn;
    hvm_flush_guest_tlbs(d);
 out:
    memory_unlock();
    spin_unlock(&shared_info_lock);
    if ( !rc )
        for ( unsigned int i = 0; i < d->max_vcpus; i++ )
            vtime_publish(d->vcpu[i]);
    return rc;
}

int vcpu_info_register(struct vcpu *v, uint64_t gfn, uint32_t offset)
{
    uint8_t *page;

    if ( offset > PAGE_SIZE - sizeof(struct vcpu_info) || (offset & 7) )
        return -EINVAL;
    if ( v->events.vcpu_info_registered )
        return -EBUSY;
    page = gfn_to_ram_virt(v->domain, gfn);
    if ( !page )
        return -EINVAL;
    if ( evtchn_set_vcpu_info(v, (struct vcpu_info *)(page + offset)) )
        return -EBUSY;
    vtime_publish(v);
    return 0;
}
