/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_op: HVM parameters (the event callback, and the console and
 * xenstore pages and ports).  A guest may set only HVM_PARAM_CALLBACK_IRQ
 * itself; the others are the toolstack's (hvm_param_set() for the
 * builder) and read-only to it.  The builder fills in CONSOLE_PFN and
 * CONSOLE_EVTCHN (console_backend.c); STORE_PFN/STORE_EVTCHN stay 0, as
 * there is no xenstore, which tells Linux to leave xenbus alone.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

/* Vectors 0-15 are exceptions: an external interrupt there would be a lie. */
#define CALLBACK_VECTOR_MIN     0x10

static long set_callback_irq(struct domain *d, uint64_t value)
{
    unsigned int type = value >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;
    uint8_t vector = 0;
    unsigned int i;

    switch ( type )
    {
    case HVM_PARAM_CALLBACK_TYPE_VECTOR:
        vector = value & 0xff;
        if ( vector < CALLBACK_VECTOR_MIN || (value & ~(HVM_PARAM_CALLBACK_IRQ_TYPE_MASK | 0xff)) )
            return -EINVAL;
        break;
    case HVM_PARAM_CALLBACK_TYPE_GSI:
    case HVM_PARAM_CALLBACK_TYPE_PCI_INTX:
        /* Accepted and stored (Linux's "GSI 1" trick); no IOAPIC to deliver through yet. */
        break;
    default:
        return -EINVAL;
    }
    d->hvm.params[HVM_PARAM_CALLBACK_IRQ] = value;
    d->hvm.callback_vector = vector;
    /* Upcalls already waiting become deliverable now. */
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( vector && vcpu_upcall_pending(d->vcpu[i]) )
            vcpu_kick(d->vcpu[i]);
    return 0;
}

int hvm_param_set(struct domain *d, unsigned int index, uint64_t value)
{
    if ( index >= HVM_NR_PARAMS )
        return -EINVAL;
    if ( index == HVM_PARAM_CALLBACK_IRQ )
        return set_callback_irq(d, value);
    d->hvm.params[index] = value;
    return 0;
}

static long param_op(struct vcpu *v, unsigned long op, unsigned long arg)
{
    struct domain *d = v->domain;
    struct xen_hvm_param p;
    long rc;

    if ( copy_from_guest_virt(v, &p, arg, sizeof(p)) )
        return -EFAULT;
    if ( p.domid != DOMID_SELF && p.domid != d->domain_id )
        return domain_by_id(p.domid) ? -EPERM : -ESRCH;
    if ( p.index >= HVM_NR_PARAMS )
        return -EINVAL;

    if ( op == HVMOP_set_param )
    {
        if ( p.index != HVM_PARAM_CALLBACK_IRQ )
            return -EPERM;  /* the toolstack's to set */
        return set_callback_irq(d, p.value);
    }
    /* Writable first, so a failed copy-out leaves nothing half-done (there is nothing to do). */
    p.value = d->hvm.params[p.index];
    rc = copy_to_guest_virt(v, arg, &p, sizeof(p)) ? -EFAULT : 0;
    return rc;
}

long do_hvm_op(unsigned long op, unsigned long arg)
{
    struct vcpu *v = current_vcpu();

    switch ( op )
    {
    case HVMOP_set_param:
    case HVMOP_get_param:
        return param_op(v, op, arg);

    case HVMOP_pagetable_dying:
    {
        struct xen_hvm_pagetable_dying pd;

        if ( copy_from_guest_virt(v, &pd, arg, sizeof(pd)) )
            return -EFAULT;
        /* A shadow-paging hint; with nested paging Xen refuses it, and Linux then stops asking. */
        return -EINVAL;
    }

    default:
        /* set_evtchn_upcall_vector: not offered (CPUID 0x40000004 bit 6 clear). */
        return -ENOSYS;
    }
}
