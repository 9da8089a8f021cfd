/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest interrupt sources, seen by the vendor code at VM entry.  Today
 * there is one: the event-channel callback vector (HVM_PARAM_CALLBACK_IRQ
 * of type "vector").  It is level-like and bypasses any local APIC: it is
 * offered while the vCPU's vcpu_info.evtchn_upcall_pending is set, the
 * guest clears that flag in its handler, and nothing is EOI'd.  The
 * virtual LAPIC (vlapic.c) is the second source (Xen's order: callback
 * before LAPIC); its vectors move IRR -> ISR when injected.  NMIs (NMI
 * IPIs) come before both and are not subject to RFLAGS.IF.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/timer.h>
#include <asm/hvm/hvm.h>

int hvm_next_interrupt(struct vcpu *v)
{
    uint8_t vector = ACCESS_ONCE(v->domain->hvm.callback_vector);

    if ( vector && vcpu_upcall_pending(v) )
        return vector;
    return vlapic_next_interrupt(v);
}

void hvm_interrupt_taken(struct vcpu *v, int vector)
{
    /* The callback is acknowledged by the guest clearing upcall_pending: nothing to do. */
    if ( vector == ACCESS_ONCE(v->domain->hvm.callback_vector) && vcpu_upcall_pending(v) )
        return;
    vlapic_interrupt_taken(v, vector);
}

void hvm_hlt(struct vcpu *v)
{
    /*
     * Blocked first, then look: an event raised on another CPU in between
     * sees the vCPU blocked and wakes it (vcpu_kick), so none is lost.
     */
    vcpu_block(v);
    smp_mb();
    if ( hvm_next_interrupt(v) >= 0 || hvm_nmi_pending(v) )
        vcpu_wake(v);
}

void hvm_inject_nmi(struct vcpu *v)
{
    __atomic_store_n(&v->hvm.nmi_pending, true, __ATOMIC_SEQ_CST);
    vcpu_kick(v);
}

bool hvm_nmi_pending(struct vcpu *v)
{
    return __atomic_load_n(&v->hvm.nmi_pending, __ATOMIC_SEQ_CST);
}

void hvm_nmi_taken(struct vcpu *v)
{
    __atomic_store_n(&v->hvm.nmi_pending, false, __ATOMIC_SEQ_CST);
}

void hvm_do_resume(struct vcpu *v)
{
    /* Resumed while still marked polling: woken by something else, the poll is over. */
    if ( v->events.polling )
        evtchn_poll_end(v, false);
    vtime_refresh(v);
}

void hvm_flush_guest_tlbs(struct domain *d)
{
    /* Both vendors provide it; a new one that does not should be seen, not silently wrong. */
    if ( hvm_funcs->flush_guest_tlbs )
        hvm_funcs->flush_guest_tlbs(d);
    else
        printk(XENLOG_WARNING "d%u: p2m changed but %s cannot flush guest TLBs\n",
               d->domain_id, hvm_funcs->name);
}
