/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VMX: feature detection from the capability MSRs, per-pCPU
 * VMXON, vCPU life cycle and the run loop behind hvm_funcs.  Keel needs
 * EPT (4-level walks, write-back, INVEPT), unrestricted guest (the PVH
 * entry state has paging off), MSR bitmaps and the EFER/PAT load and save
 * controls; VPIDs and 2 MiB EPT pages are used when present.
 *
 * A VMCS is current on a pCPU only inside vmx_vcpu_run(): VMPTRLD on the
 * way in, VMCLEAR on the way out.  So no VMCS is ever cached by a CPU
 * that no longer runs its vCPU, a vCPU may run on any pCPU next, and any
 * CPU may free it.  The price is a VMLAUNCH (not VMRESUME) after each
 * return to the scheduler, which is rare next to the exits handled inside.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/softirq.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/hvm/vmx/vmx.h>

_Static_assert(__builtin_offsetof(struct cpu_user_regs, r15) == UREGS_r15, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rbp) == UREGS_rbp, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rbx) == UREGS_rbx, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, r8) == UREGS_r8, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rax) == UREGS_rax, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rdi) == UREGS_rdi, "regs");
_Static_assert(VMCS_HOST_RSP == HOST_RSP, "entry.S writes HOST_RSP by number");
_Static_assert(sizeof(struct vmx_vcpu) <= PAGE_SIZE, "vmx_vcpu is one page");

#define CPUID_1_ECX_VMX     (1u << 5)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define X86_EFLAGS_IF       (1UL << 9)
#define X86_CR4_VMXE        (1UL << 13)
#define EFER_LMA            (1UL << 10)
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_SFMASK          0xc0000084
#define MSR_KERNEL_GS_BASE  0xc0000102
#define DR6_INIT            0xffff0ff0UL    /* DR6 at reset: reserved bits only */

struct vmx_caps vmx_caps;

/* Per pCPU: the VMXON region, allocated on the boot CPU (the heap lock is not IRQ-safe). */
static paddr_t vmxon_pa[NR_CPUS];
/* The vCPU whose x87/SSE, DR0-3/DR6, CR2 and syscall MSRs are in this pCPU's registers. */
static struct vcpu *fpu_owner[NR_CPUS];

void vmx_describe_failure(const char *insn, int rc, char *buf, size_t len)
{
    if ( rc == VMX_FAIL_VALID )
    {
        unsigned int err = vmread(VM_INSTRUCTION_ERROR);

        snprintf(buf, len, "%s: VMfailValid, VM-instruction error %u (%s)", insn, err,
                 vmx_insn_error_name(err));
    }
    else
        snprintf(buf, len, "%s: VMfailInvalid (no current VMCS or a bad pointer)", insn);
}

void vmx_vmwrite_failed(unsigned long field, unsigned long val, int rc)
{
    char why[128];

    vmx_describe_failure("VMWRITE", rc, why, sizeof(why));
    printk(XENLOG_ERR "VMX: VMWRITE of field %#lx = %#lx failed: %s\n", field, val, why);
}

/* Read the control MSR for @kind, the TRUE_ variant when IA32_VMX_BASIC[55] offers it. */
static uint64_t ctl_msr(uint32_t msr, uint32_t true_msr)
{
    return (vmx_caps.basic & VMX_BASIC_TRUE_CTLS) ? rdmsr(true_msr) : rdmsr(msr);
}

/* Compute one control word; on failure log what is missing and return false. */
static bool adjust(enum vmx_ctl_kind kind, const char *what, uint32_t want, uint32_t must,
                   uint64_t cap, uint32_t *out)
{
    uint32_t missing = vmx_adjust_controls(want, must, cap, out);
    char buf[200];

    if ( !missing )
        return true;
    vmx_describe_bits(kind, missing, buf, sizeof(buf));
    printk(XENLOG_WARNING "VMX: the CPU cannot set the %s control(s) Keel needs: %s; "
           "no guests can run\n", what, buf);
    return false;
}

int vmx_detect(void)
{
    struct vmx_caps *c = &vmx_caps;
    uint64_t fc, proc2_cap;
    struct cpuid_regs leaf7;
    uint32_t want2;
    char missing[160];
    size_t n = 0;

    if ( !(cpuid_ecx(1) & CPUID_1_ECX_VMX) )
        return -ENODEV;
    fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if ( (fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX) )
    {
        printk(XENLOG_WARNING "VMX: disabled by the firmware (IA32_FEATURE_CONTROL locked "
               "without VMXON outside SMX); no guests can run\n");
        return -ENODEV;
    }

    c->basic = rdmsr(MSR_IA32_VMX_BASIC);
    c->vmcs_revision = c->basic & VMX_BASIC_REVISION_MASK;
    c->ins_outs_info = c->basic & VMX_BASIC_INS_OUTS_INFO;
    if ( ((c->basic >> 32) & 0x1fff) > PAGE_SIZE ||
         ((c->basic >> VMX_BASIC_MEMTYPE_SHIFT) & 0xf) != 6 )
    {
        printk(XENLOG_WARNING "VMX: VMCS larger than a page or not write-back (IA32_VMX_BASIC "
               "%#lx); no guests can run\n", (unsigned long)c->basic);
        return -ENODEV;
    }
    c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

    /*
     * Physical interrupts and NMIs exit so the host takes them (interrupts
     * left pending in the APIC: no acknowledge on exit).  HLT exits so
     * the vCPU can block.  Every port exits (nothing is passed through
     * yet), MSRs by the bitmap.  MONITOR/MWAIT exit (the guest's CPUID
     * has no MONITOR; an MWAIT could otherwise park the pCPU).  CR8
     * accesses exit: without a TPR shadow they would reach the real
     * APIC's TPR.
     */
    if ( !adjust(VMX_CTL_PIN, "pin-based", PIN_PREEMPTION_TIMER | PIN_VIRTUAL_NMIS,
                 PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING,
                 ctl_msr(MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS), &c->pin) ||
         !adjust(VMX_CTL_PROC, "processor-based", 0,
                 CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |
                 CPU_MWAIT_EXITING | CPU_MONITOR_EXITING | CPU_CR8_LOAD_EXITING |
                 CPU_CR8_STORE_EXITING | CPU_ACTIVATE_SECONDARY,
                 ctl_msr(MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS),
                 &c->proc) )
        return -ENODEV;
    /*
     * Interrupt-window exiting is switched on per entry (intr.c) when a
     * guest interrupt waits for the guest to become interruptible; without
     * it such an interrupt could wait forever.  Every VMX CPU allows it.
     */
    if ( !((ctl_msr(MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS) >> 32) &
           CPU_INTERRUPT_WINDOW_EXITING) )
    {
        printk(XENLOG_WARNING "VMX: the CPU cannot set the processor-based control(s) Keel "
               "needs: bit 2 (interrupt-window exiting); no guests can run\n");
        return -ENODEV;
    }

    proc2_cap = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
    c->ept_vpid = (proc2_cap >> 32) & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID)
                  ? rdmsr(MSR_IA32_VMX_EPT_VPID_CAP) : 0;
    if ( !(c->ept_vpid & VMX_EPT_WALK_LENGTH_4) )
        n += scnprintf(missing + n, sizeof(missing) - n, "%sEPT 4-level walks", n ? ", " : "");
    if ( !(c->ept_vpid & VMX_EPT_MEMTYPE_WB) )
        n += scnprintf(missing + n, sizeof(missing) - n, "%sEPT write-back", n ? ", " : "");
    if ( !(c->ept_vpid & VMX_EPT_INVEPT) ||
         !(c->ept_vpid & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)) )
        n += scnprintf(missing + n, sizeof(missing) - n, "%sINVEPT", n ? ", " : "");
    if ( n )
    {
        printk(XENLOG_WARNING "VMX: Keel needs %s (IA32_VMX_EPT_VPID_CAP %#lx); "
               "no guests can run\n", missing, (unsigned long)c->ept_vpid);
        return -ENODEV;
    }
    c->invept_type = (c->ept_vpid & VMX_EPT_INVEPT_SINGLE) ? INVEPT_SINGLE_CONTEXT
                                                           : INVEPT_ALL_CONTEXT;
    c->ept_2mb = c->ept_vpid & VMX_EPT_2MB_PAGES;
    /* INVPCID raises #UD in a guest unless enabled; the guest's CPUID offers it only then. */
    cpuid_count(7, 0, &leaf7);
    want2 = (leaf7.ebx & (1u << 10)) ? CPU2_ENABLE_INVPCID : 0;
    if ( (c->ept_vpid & VMX_VPID_INVVPID) &&
         (c->ept_vpid & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL)) )
    {
        want2 |= CPU2_ENABLE_VPID;
        c->invvpid_type = (c->ept_vpid & VMX_VPID_INVVPID_SINGLE) ? INVVPID_SINGLE_CONTEXT
                                                                  : INVVPID_ALL_CONTEXT;
    }
    if ( !adjust(VMX_CTL_PROC2, "secondary processor-based", want2,
                 CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST, proc2_cap, &c->proc2) )
        return -ENODEV;
    c->vpid = c->proc2 & CPU2_ENABLE_VPID;

    /* The guest's EFER and PAT are switched by the CPU: no MSR-load lists. */
    if ( !adjust(VMX_CTL_EXIT, "VM-exit", EXIT_SAVE_DEBUG_CONTROLS,
                 EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER |
                 EXIT_LOAD_EFER,
                 ctl_msr(MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS), &c->exit) ||
         !adjust(VMX_CTL_ENTRY, "VM-entry", ENTRY_LOAD_DEBUG_CONTROLS,
                 ENTRY_LOAD_PAT | ENTRY_LOAD_EFER,
                 ctl_msr(MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS), &c->entry) )
        return -ENODEV;
    /* Acknowledge-on-exit would take the vector out of the APIC: the host must see it. */
    if ( c->exit & EXIT_ACK_INTERRUPT_ON_EXIT )
    {
        printk(XENLOG_WARNING "VMX: acknowledge-interrupt-on-exit cannot be cleared; "
               "no guests can run\n");
        return -ENODEV;
    }
    /* IA-32e mode guest follows the guest's EFER.LMA at each entry (exits.c). */
    c->entry &= ~ENTRY_IA32E_MODE;
    c->preempt_timer = c->pin & PIN_PREEMPTION_TIMER;
    /*
     * Virtual NMIs let the CPU track the guest's NMI blocking and exit when
     * it ends (NMI-window exiting, allowed only with them); without them an
     * injected NMI blocks NMIs until the guest's IRET and the next one waits
     * for an exit after that (intr.c).
     */
    c->vnmi = (c->pin & PIN_VIRTUAL_NMIS) &&
              ((ctl_msr(MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS) >> 32) &
               CPU_NMI_WINDOW_EXITING);
    if ( !c->vnmi )
        c->pin &= ~PIN_VIRTUAL_NMIS;
    c->preempt_shift = rdmsr(MSR_IA32_VMX_MISC) & 0x1f;
    c->tsc_deadline = cpuid_ecx(1) & CPUID_1_ECX_TSC_DEADLINE;
    return 0;
}

void vmx_print_features(void)
{
    const struct vmx_caps *c = &vmx_caps;
    const struct { bool on; const char *name; } opt[] = {
        { c->vpid, "VPID" },
        { c->ept_2mb, "EPT 2MB pages" },
        { c->ept_vpid & VMX_EPT_1GB_PAGES, "EPT 1GB pages" },
        { c->ept_vpid & VMX_EPT_AD_BITS, "EPT A/D bits" },
        { c->ept_vpid & VMX_EPT_INVEPT_SINGLE, "single-context INVEPT" },
        { c->ept_vpid & VMX_VPID_INVVPID, "INVVPID" },
        { c->pin & PIN_VIRTUAL_NMIS, "virtual NMIs" },
        { c->basic & VMX_BASIC_TRUE_CTLS, "TRUE controls" },
        { c->ins_outs_info, "INS/OUTS information" },
    };
    char buf[200];
    size_t n = 0;
    unsigned int i;

    buf[0] = '\0';
    for ( i = 0; i < ARRAY_SIZE(opt); i++ )
        if ( opt[i].on )
            n += scnprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "", opt[i].name);
    printk("VMX: Supported advanced features: %s\n", n ? buf : "(none)");
    printk("VMX: controls pin %#x cpu %#x cpu2 %#x exit %#x entry %#x, EPT/VPID cap %#lx\n",
           c->pin, c->proc, c->proc2, c->exit, c->entry, (unsigned long)c->ept_vpid);
    printk("VMX: IA32_VMX_BASIC %#lx, CR0 fixed %#lx/%#lx, CR4 fixed %#lx/%#lx\n",
           (unsigned long)c->basic, (unsigned long)c->cr0_fixed0, (unsigned long)c->cr0_fixed1,
           (unsigned long)c->cr4_fixed0, (unsigned long)c->cr4_fixed1);
    if ( c->vpid )
        printk("HVM: VPIDs enabled\n");
}

/* The VMXON region of @cpu; 0 or -ENOMEM.  Not from an IPI: the heap lock is not IRQ-safe. */
int vmx_alloc_host_areas(unsigned int cpu)
{
    unsigned long mfn;

    if ( vmxon_pa[cpu] )
        return 0;
    mfn = alloc_pages(0);
    if ( mfn == INVALID_MFN )
        return -ENOMEM;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    *(uint32_t *)mfn_to_virt(mfn) = vmx_caps.vmcs_revision;
    vmxon_pa[cpu] = (paddr_t)mfn << PAGE_SHIFT;
    return 0;
}

static int vmx_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    unsigned long cr0, cr4;
    char why[128];
    int rc;

    if ( !vmxon_pa[cpu] )
    {
        printk(XENLOG_ERR "VMX: CPU%u: no VMXON region\n", cpu);
        return -ENOMEM;
    }
    /* Firmware that left the MSR unlocked leaves the choice to us: VMX on, then lock. */
    if ( !(fc & FEATURE_CONTROL_LOCK) )
        wrmsr(MSR_IA32_FEATURE_CONTROL,
              fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
    else if ( !(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX) )
    {
        printk(XENLOG_ERR "VMX: CPU%u: disabled by the firmware\n", cpu);
        return -ENODEV;
    }

    /* VMX operation pins some CR0/CR4 bits (CR0.NE, CR4.VMXE); FXSAVE must cover XMM. */
    cr0 = (read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
    cr4 = (read_cr4() | X86_CR4_VMXE | X86_CR4_OSFXSR | vmx_caps.cr4_fixed0) &
          vmx_caps.cr4_fixed1;
    write_cr0(cr0);
    write_cr4(cr4);

    rc = vmxon(vmxon_pa[cpu]);
    if ( rc )
    {
        vmx_describe_failure("VMXON", rc, why, sizeof(why));
        printk(XENLOG_ERR "VMX: CPU%u: %s\n", cpu, why);
        write_cr4(read_cr4() & ~X86_CR4_VMXE);
        return -EIO;
    }
    /* Whatever ran here before may have left translations tagged with any EPTP or VPID. */
    if ( vmx_caps.ept_vpid & VMX_EPT_INVEPT_ALL )
        invept(INVEPT_ALL_CONTEXT, 0);
    if ( vmx_caps.vpid && (vmx_caps.ept_vpid & VMX_VPID_INVVPID_ALL) )
        invvpid(INVVPID_ALL_CONTEXT, 0);
    vmx_vpid_init_cpu();
    return 0;
}

static int vmx_domain_initialise(struct domain *d)
{
    return 0;
}

static void vmx_domain_destroy(struct domain *d)
{
}

static int vmx_vcpu_initialise(struct vcpu *v)
{
    /* A whole page: the FXSAVE image inside needs 16-byte alignment. */
    struct vmx_vcpu *s = alloc_xenheap_pages(0);

    if ( !s )
        return -ENOMEM;
    memset(s, 0, sizeof(*s));
    s->vpid_cpu = ~0u;
    s->dr6 = DR6_INIT;
    v->hvm.vendor = s;
    if ( vmx_vmcs_alloc(v) )
    {
        free_xenheap_pages(s, 0);
        v->hvm.vendor = NULL;
        return -ENOMEM;
    }
    vmx_vmcs_init(v);
    return 0;
}

static void forget_owner(struct vcpu *v)
{
    unsigned int cpu;

    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
        if ( fpu_owner[cpu] == v )
            fpu_owner[cpu] = NULL;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);

    if ( !s )
        return;
    forget_owner(v);
    vmx_vmcs_free(v);
    free_xenheap_pages(s, 0);
    v->hvm.vendor = NULL;
}

/* Copy what common code looks at out of the VMCS (which must be current). */
static void sync_from_vmcs(struct vcpu *v)
{
    uint64_t m0 = vmread(CR0_GUEST_HOST_MASK), m4 = vmread(CR4_GUEST_HOST_MASK);

    v->regs.rip = vmread(GUEST_RIP);
    v->regs.rsp = vmread(GUEST_RSP);
    v->regs.rflags = vmread(GUEST_RFLAGS);
    v->regs.cs = vmread(GUEST_CS_SELECTOR);
    v->regs.ss = vmread(GUEST_SS_SELECTOR);
    /* The guest sees its own value of the bits Keel owns: the read shadow. */
    v->hvm.guest_cr[0] = (vmread(GUEST_CR0) & ~m0) | (vmread(CR0_READ_SHADOW) & m0);
    v->hvm.guest_cr[2] = read_cr2();
    v->hvm.guest_cr[3] = vmread(GUEST_CR3);
    v->hvm.guest_cr[4] = (vmread(GUEST_CR4) & ~m4) | (vmread(CR4_READ_SHADOW) & m4);
    v->hvm.guest_efer = vmread(GUEST_IA32_EFER);
}

static void sync_to_vmcs(struct vcpu *v)
{
    vmwrite(GUEST_RIP, v->regs.rip);
    vmwrite(GUEST_RSP, v->regs.rsp);
    vmwrite(GUEST_RFLAGS, v->regs.rflags | 0x2);
}

/*
 * Any start state (asm/hvm/vcpu_start.h): the PVH entry state, real mode
 * after INIT and STARTUP, or a VCPUOP_initialise context.  Unrestricted
 * guest runs real mode and protected mode without paging as they are;
 * the "IA-32e mode guest" entry control follows EFER.LMA, and PAE paging
 * outside long mode needs its PDPTEs in the VMCS.  The guest reads CR0
 * and CR4 through the shadows, so it sees what the state says even for
 * the bits VMX pins or Keel owns (CR0.NE, CD, NW; CR4.VMXE).
 */
static void vmx_vcpu_set_start(struct vcpu *v, const struct hvm_vcpu_start *st)
{
    struct vmx_vcpu *s = vmx_vcpu(v);

    if ( vmx_vmcs_enter(v) )
    {
        domain_end(v->domain, DOMEND_CRASH, "VMPTRLD of the VMCS failed");
        return;
    }
    vmx_set_segment(VMX_SEG_CS, &st->cs);
    vmx_set_segment(VMX_SEG_SS, &st->ss);
    vmx_set_segment(VMX_SEG_DS, &st->ds);
    vmx_set_segment(VMX_SEG_ES, &st->es);
    vmx_set_segment(VMX_SEG_FS, &st->fs);
    vmx_set_segment(VMX_SEG_GS, &st->gs);
    vmx_set_segment(VMX_SEG_TR, &st->tr);
    vmx_set_segment(VMX_SEG_LDTR, &st->ldtr);
    vmwrite(GUEST_GDTR_BASE, st->gdtr.base);
    vmwrite(GUEST_GDTR_LIMIT, st->gdtr.limit);
    vmwrite(GUEST_IDTR_BASE, st->idtr.base);
    vmwrite(GUEST_IDTR_LIMIT, st->idtr.limit);
    vmwrite(GUEST_CR0, vmx_cr0_hw(st->cr0));
    vmwrite(CR0_READ_SHADOW, st->cr0);
    vmwrite(GUEST_CR3, st->cr3);
    vmwrite(GUEST_CR4, vmx_cr4_hw(st->cr4));
    vmwrite(CR4_READ_SHADOW, st->cr4);
    vmwrite(GUEST_IA32_EFER, st->efer);
    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_IA32_DEBUGCTL, 0);
    vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
    vmwrite(GUEST_ACTIVITY_STATE, 0);
    vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
    vmwrite(VM_ENTRY_INTR_INFO, 0);
    s->entry_controls = (st->efer & EFER_LMA) ? vmx_caps.entry | ENTRY_IA32E_MODE
                                              : vmx_caps.entry;
    vmwrite(VM_ENTRY_CONTROLS, s->entry_controls);
    s->xcr0 = 1;
    s->tpr = 0;

    hvm_start_regs(v, st);
    sync_to_vmcs(v);
    sync_from_vmcs(v);
    v->hvm.guest_cr[2] = 0;
    if ( (st->cr0 & X86_CR0_PG) && (st->cr4 & X86_CR4_PAE) && !(st->efer & EFER_LMA) &&
         !vmx_load_pdptes(v, st->cr3) )
    {
        vmx_vmcs_exit(v);
        return;
    }
    vmx_vmcs_exit(v);
    /* Its cached translations belong to the old state. */
    vmx_vpid_flush_vcpu(v);

    /* Reset x87/SSE, breakpoints, CR2 and syscall MSRs; loaded at the next switch to v. */
    hvm_fpu_dr_reset(&s->fpu_dr);
    s->dr6 = DR6_INIT;
    s->star = s->lstar = s->cstar = s->sfmask = s->kernel_gs_base = 0;
    forget_owner(v);
}

/*
 * State the VMCS does not switch and the guest reaches without exits:
 * x87/SSE, DR0-DR3 and DR6, CR2, and the syscall MSRs (STAR, LSTAR,
 * CSTAR, SFMASK, KERNEL_GS_BASE, passed through by the MSR bitmap).
 * Keel itself never uses them (no SSE, no breakpoints, no SYSCALL or
 * SWAPGS, and a host page fault is fatal), so the CPU holds the last
 * guest's values: switch them only when another vCPU runs here.
 */
static void lazy_state_switch(struct vcpu *v, unsigned int cpu)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    struct vcpu *old = fpu_owner[cpu];

    if ( old == v )
        return;
    if ( old )
    {
        struct vmx_vcpu *o = vmx_vcpu(old);

        hvm_fpu_dr_save(&o->fpu_dr);
        o->dr6 = read_dr6();
        old->hvm.guest_cr[2] = read_cr2();
        o->star = rdmsr(MSR_STAR);
        o->lstar = rdmsr(MSR_LSTAR);
        o->cstar = rdmsr(MSR_CSTAR);
        o->sfmask = rdmsr(MSR_SFMASK);
        o->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
    }
    hvm_fpu_dr_load(&s->fpu_dr);
    write_dr6(s->dr6);
    write_cr2(v->hvm.guest_cr[2]);
    wrmsr(MSR_STAR, s->star);
    wrmsr(MSR_LSTAR, s->lstar);
    wrmsr(MSR_CSTAR, s->cstar);
    wrmsr(MSR_SFMASK, s->sfmask);
    wrmsr(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
    fpu_owner[cpu] = v;
}

/* @v is switched away from this pCPU and may run elsewhere next: save what it left here. */
static void vmx_vcpu_leave_cpu(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct vmx_vcpu *s = vmx_vcpu(v);

    /* Its VMCS needs nothing: vmx_vcpu_run() cleared it on the way out. */
    if ( fpu_owner[cpu] != v )
        return;
    hvm_fpu_dr_save(&s->fpu_dr);
    s->dr6 = read_dr6();
    v->hvm.guest_cr[2] = read_cr2();
    s->star = rdmsr(MSR_STAR);
    s->lstar = rdmsr(MSR_LSTAR);
    s->cstar = rdmsr(MSR_CSTAR);
    s->sfmask = rdmsr(MSR_SFMASK);
    s->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
    fpu_owner[cpu] = NULL;
}

/* For the instruction emulator, during exit handling (the VMCS is current then). */
static void vmx_get_segment(struct vcpu *v, unsigned int seg, struct segment_register *reg)
{
    reg->sel = vmread(GUEST_ES_SELECTOR + seg * 2);
    reg->limit = vmread(GUEST_ES_LIMIT + seg * 2);
    reg->attr = vmx_ar_to_seg_attr(vmread(GUEST_ES_AR_BYTES + seg * 2));
    reg->base = vmread(GUEST_ES_BASE + seg * 2);
}

void (*vmx_exit_observer)(struct vcpu *v, uint32_t reason);

/*
 * With external-interrupt exiting, a physical interrupt must make the
 * guest exit whatever its RFLAGS.IF (SDM 25.2).  Bochs 2.7 gets this
 * wrong for a guest entered with IF clear: it loads the guest's RFLAGS
 * before it counts as being in non-root operation, so it re-evaluates
 * the interrupt mask as for the host ("IF clear: INTR masked") and
 * never again until the guest itself sets IF.  A guest spinning with
 * interrupts off then keeps the pCPU through every timer interrupt and
 * IPI until it exits on its own.  The VMX-preemption timer is not
 * subject to that mask: for such an entry, arm it for the host's next
 * timer deadline (when the LAPIC timer is in TSC-deadline mode) and at
 * most PREEMPT_CAP_US away (for IPIs, and for the one-shot mode whose
 * count Keel does not track here).  The exit costs one round trip; on
 * hardware the interrupt exit comes first anyway.  A guest entered with
 * IF set does not need it: then the CPU unmasks INTR on entry, and a CLI
 * in the guest leaves it unmasked.
 */
#define PREEMPT_CAP_US      500

static void arm_preemption_timer(void)
{
    uint64_t ticks, now, deadline;

    if ( !vmx_caps.preempt_timer )
        return;
    if ( vmread(GUEST_RFLAGS) & X86_EFLAGS_IF )
        ticks = ~0ULL;
    else
    {
        ticks = tsc_freq_hz() / 1000000 * PREEMPT_CAP_US;
        now = rdtsc();
        deadline = vmx_caps.tsc_deadline ? rdmsr(MSR_IA32_TSC_DEADLINE) : 0;
        if ( deadline )
            ticks = deadline > now ? MIN(ticks, deadline - now) : 0;
    }
    ticks >>= vmx_caps.preempt_shift;
    vmwrite(VMX_PREEMPTION_TIMER_VALUE, ticks > 0xffffffffULL ? 0xffffffffULL : ticks);
}

/* A new start state waiting (STARTUP IPI) also ends the loop: vcpu_run() loads it first. */
static bool can_run(const struct vcpu *v, unsigned int cpu)
{
    return !v->domain->is_dying && v->is_up && !v->blocked && !v->paused &&
           !ACCESS_ONCE(v->hvm.start_pending) && !softirq_pending(cpu);
}

/*
 * Run @v until it cannot continue: blocked, down, its domain ending, or
 * work for this CPU (a softirq) pending.  Entered and left with
 * interrupts off; a physical interrupt makes the guest exit and stays
 * pending in the APIC until the sti after the exit is handled.
 */
static void vmx_vcpu_run(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    unsigned int cpu = smp_processor_id();
    char why[96];
    int rc;

    ASSERT(!local_irq_is_enabled());
    hvm_vcpu_load_pending_start(v);
    lazy_state_switch(v, cpu);
    rc = vmx_vmcs_enter(v);
    if ( rc )
    {
        vmx_describe_failure("VMPTRLD", rc, why, sizeof(why));
        domain_end(v->domain, DOMEND_CRASH, why);
        return;
    }

    while ( can_run(v, cpu) )
    {
        bool cont;

        hvm_do_resume(v);
        vmx_vpid_handle_vmentry(v);
        sync_to_vmcs(v);
        /* Last: it looks at the RFLAGS and the event injection the guest enters with. */
        vmx_intr_assist(v);
        arm_preemption_timer();
        rc = vmx_asm_do_vmentry(&v->regs, s->launched);
        if ( rc )
        {
            /* Control or host state Keel wrote is wrong: this domain cannot run. */
            vmx_describe_failure(s->launched ? "VMRESUME" : "VMLAUNCH", rc, why, sizeof(why));
            printk(XENLOG_ERR "d%uv%u: %s\n", v->domain->domain_id, v->vcpu_id, why);
            vmx_vmcs_dump();
            domain_end(v->domain, DOMEND_CRASH, why);
            break;
        }
        s->launched = true;

        sync_from_vmcs(v);
        s->last_exit_reason = vmread(VM_EXIT_REASON);
        s->last_exit_qual = vmread(EXIT_QUALIFICATION);
        s->nr_exits++;
        cont = vmx_handle_exit(v);
        if ( vmx_exit_observer )
            vmx_exit_observer(v, s->last_exit_reason);

        /* The nop matters: STI only takes effect after the next instruction. */
        __asm__ volatile ("sti; nop; cli" ::: "memory");
        if ( !cont )
            break;
    }
    vmx_vmcs_exit(v);
}

/*
 * The hypercall page: stub i at offset 32 * i is "mov $i, %eax; vmcall;
 * ret".  __HYPERVISOR_iret (23) is for PV guests only: its stub is ud2,
 * as in Xen.  The rest of each slot is int3.
 */
static void vmx_write_hypercall_page(void *page)
{
    uint8_t *p = page;
    unsigned int i;

    memset(p, 0xcc, PAGE_SIZE);
    for ( i = 0; i < PAGE_SIZE / 32; i++ )
    {
        uint8_t *stub = p + i * 32;

        if ( i == 23 )
        {
            stub[0] = 0x0f;             /* ud2 */
            stub[1] = 0x0b;
            continue;
        }
        stub[0] = 0xb8;                 /* mov $i, %eax */
        stub[1] = i & 0xff;
        stub[2] = (i >> 8) & 0xff;
        stub[3] = 0;
        stub[4] = 0;
        stub[5] = 0x0f;                 /* vmcall */
        stub[6] = 0x01;
        stub[7] = 0xc1;
        stub[8] = 0xc3;                 /* ret */
    }
}

const struct hvm_function_table vmx_function_table = {
    .name = "VMX",
    .cpu_up = vmx_cpu_up,
    .domain_initialise = vmx_domain_initialise,
    .domain_destroy = vmx_domain_destroy,
    .vcpu_initialise = vmx_vcpu_initialise,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_set_start = vmx_vcpu_set_start,
    .vcpu_run = vmx_vcpu_run,
    .vcpu_leave_cpu = vmx_vcpu_leave_cpu,
    .write_hypercall_page = vmx_write_hypercall_page,
    .dump_state = vmx_dump_state,
    .get_segment = vmx_get_segment,
    .retire_insn = vmx_retire_insn,
    .flush_guest_tlbs = vmx_flush_guest_tlbs,
};
