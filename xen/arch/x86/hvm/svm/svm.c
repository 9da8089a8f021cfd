/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM: feature detection, per-pCPU enable, vCPU life cycle and the
 * run loop behind hvm_funcs.  Only the architectural minimum is assumed
 * (SVM and nested paging); the optional features are used when present
 * and never required, because QEMU's TCG offers none of them.
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
#include <asm/hvm/svm/svm.h>

_Static_assert(__builtin_offsetof(struct cpu_user_regs, r15) == UREGS_r15, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rbp) == UREGS_rbp, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rbx) == UREGS_rbx, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, r8) == UREGS_r8, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rax) == UREGS_rax, "regs");
_Static_assert(__builtin_offsetof(struct cpu_user_regs, rdi) == UREGS_rdi, "regs");
_Static_assert(sizeof(struct svm_vcpu) <= PAGE_SIZE, "svm_vcpu is one page");

uint32_t svm_feature_flags;
uint32_t svm_nr_asids;

/* Per pCPU: the VM_HSAVE_PA page (VMRUN's own use) and the host's vmsave page. */
static paddr_t hsave_pa[NR_CPUS], host_vmcb_pa[NR_CPUS];
/* The vCPU whose x87/SSE and DR0-3 state is in this pCPU's registers. */
static struct vcpu *fpu_owner[NR_CPUS];

#define CPUID_80000001_ECX_SVM  (1u << 2)

int svm_detect(void)
{
    struct cpuid_regs r;

    cpuid(0x80000000, &r);
    /* No SVM at all is not worth a line: hvm_init() looks for VMX next. */
    if ( r.eax < 0x8000000a || !(cpuid_ecx(0x80000001) & CPUID_80000001_ECX_SVM) )
        return -ENODEV;
    if ( rdmsr(MSR_VM_CR) & VM_CR_SVMDIS )
    {
        printk(XENLOG_WARNING "SVM: disabled by the firmware (VM_CR.SVMDIS); no guests can run\n");
        return -ENODEV;
    }
    cpuid(0x8000000a, &r);
    svm_feature_flags = r.edx;
    svm_nr_asids = r.ebx;
    if ( !(r.edx & SVM_FEATURE_NPT) )
    {
        printk(XENLOG_WARNING "SVM: no nested paging (NPT); Keel needs it, no guests can run\n");
        return -ENODEV;
    }
    if ( svm_nr_asids < 2 )
    {
        printk(XENLOG_WARNING "SVM: %u ASIDs, need at least 2; no guests can run\n", svm_nr_asids);
        return -ENODEV;
    }
    return 0;
}

void svm_print_features(void)
{
    static const struct { uint32_t bit; const char *name; } opt[] = {
        { SVM_FEATURE_NRIPS, "NRIP save" },
        { SVM_FEATURE_DECODEASSISTS, "decode assists" },
        { SVM_FEATURE_VMCBCLEAN, "VMCB clean bits" },
        { SVM_FEATURE_FLUSHBYASID, "flush-by-ASID" },
        { SVM_FEATURE_PAUSEFILTER, "pause filter" },
    };
    char buf[128];
    size_t n = 0;
    unsigned int i;

    buf[0] = '\0';
    for ( i = 0; i < ARRAY_SIZE(opt); i++ )
        if ( svm_feature_flags & opt[i].bit )
            n += scnprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "", opt[i].name);
    printk("SVM: Supported advanced features: %s\n", n ? buf : "(none)");
    printk("HVM: ASIDs enabled (%u)\n", svm_nr_asids);
}

/* The two host pages of @cpu; 0 or -ENOMEM.  Not from an IPI: the heap lock is not IRQ-safe. */
int svm_alloc_host_areas(unsigned int cpu)
{
    unsigned long h, g;

    if ( hsave_pa[cpu] )
        return 0;
    h = alloc_pages(0);
    g = alloc_pages(0);
    if ( h == INVALID_MFN || g == INVALID_MFN )
    {
        if ( h != INVALID_MFN )
            free_pages(h, 0);
        if ( g != INVALID_MFN )
            free_pages(g, 0);
        return -ENOMEM;
    }
    memset(mfn_to_virt(h), 0, PAGE_SIZE);
    memset(mfn_to_virt(g), 0, PAGE_SIZE);
    hsave_pa[cpu] = (paddr_t)h << PAGE_SHIFT;
    host_vmcb_pa[cpu] = (paddr_t)g << PAGE_SHIFT;
    return 0;
}

static int svm_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();

    if ( !hsave_pa[cpu] )
    {
        printk(XENLOG_ERR "SVM: CPU%u: no host save areas\n", cpu);
        return -ENOMEM;
    }
    if ( rdmsr(MSR_VM_CR) & VM_CR_SVMDIS )
    {
        printk(XENLOG_ERR "SVM: CPU%u: disabled by the firmware\n", cpu);
        return -ENODEV;
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, hsave_pa[cpu]);
    /* FXSAVE/FXRSTOR must cover the XMM registers when guests' state is switched. */
    write_cr4(read_cr4() | X86_CR4_OSFXSR);
    svm_asid_init_cpu();
    return 0;
}

static int svm_domain_initialise(struct domain *d)
{
    return 0;
}

static void svm_domain_destroy(struct domain *d)
{
}

static int svm_vcpu_initialise(struct vcpu *v)
{
    /* A whole page: the FXSAVE image inside needs 16-byte alignment. */
    struct svm_vcpu *s = alloc_xenheap_pages(0);

    if ( !s )
        return -ENOMEM;
    memset(s, 0, sizeof(*s));
    s->vmcb = svm_vmcb_alloc(&s->vmcb_pa);
    if ( !s->vmcb )
    {
        free_xenheap_pages(s, 0);
        return -ENOMEM;
    }
    s->asid_cpu = ~0u;
    v->hvm.vendor = s;
    svm_vmcb_init(v);
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = svm_vcpu(v);
    unsigned int cpu;

    if ( !s )
        return;
    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
        if ( fpu_owner[cpu] == v )
            fpu_owner[cpu] = NULL;
    svm_vmcb_free(s->vmcb);
    free_xenheap_pages(s, 0);
    v->hvm.vendor = NULL;
}

static void seg_from(struct vmcb_seg *d, const struct segment_register *s)
{
    d->sel = s->sel;
    d->attr = s->attr;
    d->limit = s->limit;
    d->base = s->base;
}

/* Copy the guest's control state out of the VMCB, where common code looks for it. */
static void sync_from_vmcb(struct vcpu *v)
{
    const struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    v->regs.rax = vmcb->rax;
    v->regs.rip = vmcb->rip;
    v->regs.rsp = vmcb->rsp;
    v->regs.rflags = vmcb->rflags;
    v->regs.cs = vmcb->cs.sel;
    v->regs.ss = vmcb->ss.sel;
    v->hvm.guest_cr[0] = vmcb->cr0;
    v->hvm.guest_cr[2] = vmcb->cr2;
    v->hvm.guest_cr[3] = vmcb->cr3;
    v->hvm.guest_cr[4] = vmcb->cr4;
    v->hvm.guest_efer = vmcb->efer & ~EFER_SVME;
}

static void sync_to_vmcb(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    vmcb->rax = v->regs.rax;
    vmcb->rip = v->regs.rip;
    vmcb->rsp = v->regs.rsp;
    vmcb->rflags = v->regs.rflags | 0x2;
}

/*
 * Any start state (asm/hvm/vcpu_start.h): the PVH entry state, real mode
 * after INIT and STARTUP, or a VCPUOP_initialise context.  Nested paging
 * runs every mode natively (real mode, protected mode with paging off,
 * long mode), so the state goes into the VMCB as it is; only EFER.SVME is
 * added (VMRUN requires it; the guest never sees it) and the CPL follows
 * SS.DPL (0 in real mode).
 */
static void svm_vcpu_set_start(struct vcpu *v, const struct hvm_vcpu_start *st)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    seg_from(&vmcb->cs, &st->cs);
    seg_from(&vmcb->ss, &st->ss);
    seg_from(&vmcb->ds, &st->ds);
    seg_from(&vmcb->es, &st->es);
    seg_from(&vmcb->fs, &st->fs);
    seg_from(&vmcb->gs, &st->gs);
    seg_from(&vmcb->tr, &st->tr);
    seg_from(&vmcb->ldtr, &st->ldtr);
    vmcb->gdtr = (struct vmcb_seg){ 0, 0, st->gdtr.limit, st->gdtr.base };
    vmcb->idtr = (struct vmcb_seg){ 0, 0, st->idtr.limit, st->idtr.base };
    vmcb->cpl = (st->cr0 & X86_CR0_PE) ? (st->ss.attr >> 5) & 3 : 0;
    vmcb->cr0 = st->cr0;
    vmcb->cr2 = 0;
    vmcb->cr3 = st->cr3;
    vmcb->cr4 = st->cr4;
    vmcb->efer = st->efer | EFER_SVME;  /* SVME is required by VMRUN and hidden from the guest */
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->eventinj = 0;
    vmcb->int_state = 0;
    vmcb->exitintinfo = 0;
    vmcb->intercepts0 &= ~INTERCEPT_IRET;   /* no NMI handler is running */
    vmcb->int_ctl &= ~(uint64_t)V_TPR_MASK;    /* CR8 (the TPR) is 0 after reset */

    hvm_start_regs(v, st);
    sync_to_vmcb(v);
    sync_from_vmcb(v);
    /* Its TLB entries belong to the old state. */
    svm_asid_flush_vcpu(v);
    /* Reset x87/SSE and breakpoint state; taken from here at the next switch to v. */
    hvm_fpu_dr_reset(&svm_vcpu(v)->fpu_dr);
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        if ( fpu_owner[cpu] == v )
            fpu_owner[cpu] = NULL;
}

/*
 * State the VMCB does not hold and the guest reaches without exits: x87/
 * SSE registers and debug registers DR0-DR3.  Keel itself never touches
 * them (it is built without SSE and sets no breakpoints), so the CPU holds
 * the last guest's values: switch them only when another vCPU runs here,
 * so no guest sees or is disturbed by another's.
 */
static void lazy_state_switch(struct vcpu *v, unsigned int cpu)
{
    struct svm_vcpu *s = svm_vcpu(v);
    struct vcpu *old = fpu_owner[cpu];

    if ( old == v )
        return;
    if ( old )
        hvm_fpu_dr_save(&svm_vcpu(old)->fpu_dr);
    hvm_fpu_dr_load(&s->fpu_dr);
    fpu_owner[cpu] = v;
}

/* @v is switched away from this pCPU and may run elsewhere next: save what it left here. */
static void svm_vcpu_leave_cpu(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct svm_vcpu *s = svm_vcpu(v);

    if ( fpu_owner[cpu] != v )
        return;
    hvm_fpu_dr_save(&s->fpu_dr);
    fpu_owner[cpu] = NULL;
}

void (*svm_exit_observer)(struct vcpu *v, uint64_t exitcode);

/* A new start state waiting (STARTUP IPI) also ends the loop: vcpu_run() loads it first. */
static bool can_run(const struct vcpu *v, unsigned int cpu)
{
    return !v->domain->is_dying && v->is_up && !v->blocked && !v->paused &&
           !ACCESS_ONCE(v->hvm.start_pending) && !softirq_pending(cpu);
}

/*
 * Run @v until it cannot continue: blocked, down, its domain ending, or
 * work for this CPU (a softirq) pending.  Entered and left with
 * interrupts off; they are let in briefly after each exit so the
 * interrupt that caused an INTR exit runs and raises its softirq.
 */
static void svm_vcpu_run(struct vcpu *v)
{
    struct svm_vcpu *s = svm_vcpu(v);
    unsigned int cpu = smp_processor_id();

    ASSERT(!local_irq_is_enabled());
    hvm_vcpu_load_pending_start(v);
    lazy_state_switch(v, cpu);

    while ( can_run(v, cpu) )
    {
        bool cont;

        hvm_do_resume(v);
        svm_asid_handle_vmrun(v);
        sync_to_vmcb(v);
        svm_intr_assist(v);

        /*
         * GIF off before IF on: interrupts stay held until VMRUN sets GIF,
         * and with V_INTR_MASKING the host IF saved by VMRUN is what lets
         * a physical interrupt make the guest exit.
         */
        __asm__ volatile ("clgi; sti" ::: "memory");
        svm_asm_do_vmrun(&v->regs, s->vmcb_pa, host_vmcb_pa[cpu]);
        __asm__ volatile ("cli; stgi" ::: "memory");

        sync_from_vmcb(v);
        s->last_exitcode = s->vmcb->exitcode;
        s->nr_exits++;
        cont = svm_handle_exit(v);
        if ( svm_exit_observer )
            svm_exit_observer(v, s->last_exitcode);

        /* The nop matters: STI only takes effect after the next instruction. */
        __asm__ volatile ("sti; nop; cli" ::: "memory");
        if ( !cont )
            break;
    }
}

/*
 * The hypercall page: stub i at offset 32 * i is "mov $i, %eax; vmmcall;
 * ret".  __HYPERVISOR_iret (23) is for PV guests only: its stub is ud2,
 * as in Xen.  The rest of each slot is int3, so a jump into the middle of
 * a slot traps in the guest.
 */
static void svm_write_hypercall_page(void *page)
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
        stub[5] = 0x0f;                 /* vmmcall */
        stub[6] = 0x01;
        stub[7] = 0xd9;
        stub[8] = 0xc3;                 /* ret */
    }
}

const struct hvm_function_table svm_function_table = {
    .name = "SVM",
    .cpu_up = svm_cpu_up,
    .domain_initialise = svm_domain_initialise,
    .domain_destroy = svm_domain_destroy,
    .vcpu_initialise = svm_vcpu_initialise,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_set_start = svm_vcpu_set_start,
    .vcpu_run = svm_vcpu_run,
    .vcpu_leave_cpu = svm_vcpu_leave_cpu,
    .write_hypercall_page = svm_write_hypercall_page,
    .dump_state = svm_dump_state,
    .get_segment = svm_get_segment,
    .retire_insn = svm_retire_insn,
    .flush_guest_tlbs = svm_flush_guest_tlbs,
};
