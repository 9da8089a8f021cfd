/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's view of its vCPUs' runstate (Linux's steal time): the
 * scheduler accounts time per RUNSTATE_* in v->runstate, and at every
 * change (sched_runstate_change()) the record is copied to the area the
 * guest registered with VCPUOP_register_runstate_memory_area.  The area
 * is given as a guest virtual address and translated once, at
 * registration: Linux's per-CPU data never moves, and with page-table
 * isolation a user CR3 live at a later update would not map it.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>

void runstate_area_update(struct vcpu *v)
{
    const uint8_t *src = (const uint8_t *)&v->runstate;
    unsigned int first = v->events.runstate_split;

    if ( !v->events.runstate_area )
        return;
    /* A failure means the guest gave its own area away: its loss, never ours. */
    (void)copy_to_guest_phys(v->domain, v->events.runstate_gpa[0], src, first);
    if ( first < sizeof(v->runstate) )
        (void)copy_to_guest_phys(v->domain, v->events.runstate_gpa[1], src + first,
                                 sizeof(v->runstate) - first);
}

int vcpu_runstate_register(struct vcpu *v, uint64_t gva)
{
    struct vcpu *cur = current_vcpu();
    size_t size = sizeof(struct vcpu_runstate_info);
    uint64_t gpa0 = 0, gpa1 = 0, last = gva + size - 1;
    unsigned int split = size;
    unsigned long flags;

    if ( gva )
    {
        if ( last < gva )
            return -EINVAL;
        /* Through the caller's page tables: it may register for another of its vCPUs. */
        if ( guest_virt_to_phys(cur, gva, true, &gpa0) )
            return -EFAULT;
        if ( (gva >> PAGE_SHIFT) != (last >> PAGE_SHIFT) )
        {
            if ( guest_virt_to_phys(cur, last & PAGE_MASK, true, &gpa1) )
                return -EFAULT;
            split = PAGE_SIZE - (gva & ~PAGE_MASK);
        }
    }

    spin_lock_irqsave(&v->runstate_lock, flags);
    v->events.runstate_area = gva != 0;     /* 0 unregisters */
    v->events.runstate_gpa[0] = gpa0;
    v->events.runstate_gpa[1] = gpa1;
    v->events.runstate_split = split;
    runstate_area_update(v);
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    return 0;
}
