/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest interrupt delivery on VMX, just before VM entry: the counterpart
 * of svm/intr.c.  The pending interrupt (hvm_next_interrupt()) is
 * injected as an external interrupt through the VM-entry
 * interruption-information field when the guest can take it: RFLAGS.IF
 * set, no blocking by STI or MOV SS, and no other event (an exception
 * Keel raised, or one re-injected from the IDT-vectoring information)
 * in that field already.  Otherwise interrupt-window exiting is turned
 * on: the CPU exits before the first instruction at which the guest
 * could take an interrupt (SDM 26.7.5), and the next entry injects it.
 *
 * NMIs go first and do not wait for RFLAGS.IF, only for the end of NMI
 * blocking (the guest's IRET after the last NMI), STI/MOV SS blocking and
 * any event already being injected.  With virtual NMIs the CPU tracks the
 * guest's NMI blocking and NMI-window exiting says when it ends; without,
 * an injected NMI blocks NMIs for real until the guest's IRET, and the
 * next one is injected at the first entry after that.
 *
 * Also the guest-physical TLB flush behind hvm_flush_guest_tlbs().
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/hvm/vmx/vmx.h>

#define X86_EFLAGS_IF   (1UL << 9)

/* Write the primary controls only when they change: this runs before every entry. */
static void set_exiting(struct vmx_vcpu *s, uint32_t bit, bool on)
{
    uint32_t ctl = on ? s->proc_controls | bit : s->proc_controls & ~bit;

    if ( ctl == s->proc_controls )
        return;
    s->proc_controls = ctl;
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, ctl);
}

/* Inject a pending NMI if the guest can take one now; true if it was injected. */
static bool nmi_assist(struct vcpu *v, struct vmx_vcpu *s)
{
    bool blocked;

    if ( !hvm_nmi_pending(v) )
    {
        set_exiting(s, CPU_NMI_WINDOW_EXITING, false);
        return false;
    }
    blocked = (vmread(GUEST_INTERRUPTIBILITY_INFO) &
               (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS | GUEST_INTR_STATE_NMI)) ||
              (vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID);
    if ( blocked )
    {
        if ( vmx_caps.vnmi )
            set_exiting(s, CPU_NMI_WINDOW_EXITING, true);
        return false;
    }
    vmwrite(VM_ENTRY_INTR_INFO, 2 | INTR_TYPE_NMI | INTR_INFO_VALID);
    hvm_nmi_taken(v);
    set_exiting(s, CPU_NMI_WINDOW_EXITING, false);
    return true;
}

/* After sync_to_vmcs(): GUEST_RFLAGS is the value the guest resumes with. */
void vmx_intr_assist(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    bool nmi = nmi_assist(v, s);
    int vector = hvm_next_interrupt(v);

    if ( vector < 0 )
    {
        /* Nothing to wait for: a window exit now would only cost an exit. */
        set_exiting(s, CPU_INTERRUPT_WINDOW_EXITING, false);
        return;
    }
    if ( nmi || !(vmread(GUEST_RFLAGS) & X86_EFLAGS_IF) ||
         (vmread(GUEST_INTERRUPTIBILITY_INFO) &
          (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) ||
         (vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID) )
    {
        set_exiting(s, CPU_INTERRUPT_WINDOW_EXITING, true);
        return;
    }
    vmwrite(VM_ENTRY_INTR_INFO, (uint8_t)vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID);
    hvm_interrupt_taken(v, vector);
    set_exiting(s, CPU_INTERRUPT_WINDOW_EXITING, false);
}

void vmx_flush_guest_tlbs(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v || !v->hvm.vendor )
            continue;
        /*
         * INVEPT at its next entry (vpid.c), wherever that is; a running
         * vCPU is made to exit for it.  The flag is set before the kick,
         * and the entry path takes it with interrupts off, so a vCPU that
         * missed it is already entering and the kick's IPI makes it exit
         * at once.
         */
        __atomic_store_n(&vmx_vcpu(v)->ept_flush_pending, true, __ATOMIC_SEQ_CST);
        if ( v != current_vcpu() && v->running )
            sched_kick_vcpu(v);
    }
}
