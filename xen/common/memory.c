/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op: changes to a domain's physical memory map.  For now only
 * XENMEM_add_to_physmap of the shared_info page; the grant-table space
 * comes with grant tables, and the reservation ops (balloon) later.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <public/memory.h>

static long add_to_physmap(struct vcpu *v, unsigned long arg)
{
    struct domain *d = v->domain;
    struct xen_add_to_physmap xatp;

    if ( copy_from_guest_virt(v, &xatp, arg, sizeof(xatp)) )
        return -EFAULT;
    /* Only the caller's own map: another domain does not exist, or is not ours to change. */
    if ( xatp.domid != DOMID_SELF && xatp.domid != d->domain_id )
        return domain_by_id(xatp.domid) ? -EPERM : -ESRCH;

    switch ( xatp.space )
    {
    case XENMAPSPACE_shared_info:
        /* `size` is left uninitialised by Linux for this space: ignored. */
        if ( xatp.idx != 0 )
            return -EINVAL;
        return shared_info_map(d, xatp.gpfn);
    case XENMAPSPACE_grant_table:
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
    case XENMAPSPACE_dev_mmio:
        return -ENOSYS;     /* not implemented yet */
    default:
        return -EINVAL;     /* gmfn_foreign is for add_to_physmap_batch; others unknown */
    }
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();

    switch ( cmd & MEMOP_CMD_MASK )
    {
    case XENMEM_add_to_physmap:
        /* No continuation for this op: stray high bits are not ours to ignore. */
        if ( cmd != XENMEM_add_to_physmap )
            return -ENOSYS;
        return add_to_physmap(v, arg);
    default:
        /* populate_physmap, increase/decrease_reservation, memory_map...: later. */
        return -ENOSYS;
    }
}
