/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest interrupt delivery on SVM, just before VMRUN.  The pending
 * interrupt (hvm_next_interrupt()) is injected through EVENTINJ when the
 * guest can take it: RFLAGS.IF set, no STI/MOV SS shadow, and no other
 * event (a re-injected exception or interrupt) in EVENTINJ already.
 * Otherwise a virtual interrupt is posted (V_IRQ, priority 15, ignoring
 * the TPR) with the VINTR intercept: the CPU exits as soon as the guest
 * could take it, and the next VMRUN injects the real vector.  Nothing
 * ever delivers V_IRQ itself.
 *
 * NMIs go first and do not wait for RFLAGS.IF.  SVM does not track the
 * guest's NMI masking for injected NMIs, so Keel does, as Xen does: after
 * injecting one it intercepts IRET, and injects no other until that IRET
 * exit (exits.c), which also sets the interrupt shadow so a waiting NMI
 * comes after the IRET, not before it.  An NMI held back by a shadow waits
 * for the interrupt window (or any later exit).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/hvm/svm/svm.h>

#define X86_EFLAGS_IF   (1UL << 9)

static void request_window(struct vmcb *vmcb)
{
    vmcb->int_ctl = (vmcb->int_ctl & ~(V_INTR_PRIO_MASK | V_TPR_MASK)) |
                    V_IRQ | V_IGN_TPR | (0xfu << V_INTR_PRIO_SHIFT);
    vmcb->intercepts0 |= INTERCEPT_VINTR;
}

void svm_intr_assist(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    int vector;

    /* Any window asked for last time has served its purpose: start clean. */
    vmcb->int_ctl &= ~(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK);
    vmcb->intercepts0 &= ~INTERCEPT_VINTR;

    if ( hvm_nmi_pending(v) && !(vmcb->intercepts0 & INTERCEPT_IRET) )
    {
        if ( !(vmcb->eventinj & EVENT_VALID) && !(vmcb->int_state & 1) )
        {
            vmcb->eventinj = 2 | EVENT_TYPE_NMI | EVENT_VALID;
            vmcb->intercepts0 |= INTERCEPT_IRET;
            hvm_nmi_taken(v);
            /* One event per entry: an interrupt waiting as well comes at the next window. */
            if ( hvm_next_interrupt(v) >= 0 )
                request_window(vmcb);
            return;
        }
        request_window(vmcb);
    }

    vector = hvm_next_interrupt(v);
    if ( vector < 0 )
        return;
    if ( (vmcb->eventinj & EVENT_VALID) || !(vmcb->rflags & X86_EFLAGS_IF) ||
         (vmcb->int_state & 1) )
    {
        request_window(vmcb);
        return;
    }
    vmcb->eventinj = (uint8_t)vector | EVENT_TYPE_INTR | EVENT_VALID;
    hvm_interrupt_taken(v, vector);
}

void svm_flush_guest_tlbs(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v || !v->hvm.vendor )
            continue;
        /* A fresh ASID at its next VMRUN; a running vCPU is made to exit for it. */
        svm_asid_flush_vcpu(v);
        if ( v != current_vcpu() && v->running )
            sched_kick_vcpu(v);
    }
}
