/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hardware virtualisation bring-up: find out which vendor's extensions
 * this machine has, pick the matching vCPU implementation (hvm_funcs) and
 * p2m format (p2m_ops), and enable it on every CPU.  Without usable
 * hardware support Keel keeps running, with no guests: hvm_funcs stays
 * NULL and domain building refuses.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/cpumask.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm/svm.h>
#include <asm/hvm/vmx/vmx.h>

const struct hvm_function_table *hvm_funcs;
const struct p2m_ops *p2m_ops;
bool hvm_guest_invpcid;

/* CPUs on which cpu_up() failed: guests must not be placed there. */
static unsigned int nr_cpu_up_failures;

#define CPUID_1_ECX_VMX     (1u << 5)

static void cpu_up_on_this_cpu(void *unused)
{
    if ( hvm_cpu_up() )
        __atomic_fetch_add(&nr_cpu_up_failures, 1, __ATOMIC_SEQ_CST);
}

int hvm_init(void)
{
    const struct hvm_function_table *fns = NULL;
    const struct p2m_ops *p2m = NULL;
    unsigned int cpu;
    int rc;

    if ( svm_detect() == 0 )
    {
        fns = &svm_function_table;
        p2m = &p2m_pt_ops;
        svm_print_features();
        rc = svm_vmcb_global_init();
        for_each_online_cpu ( cpu )
            if ( !rc )
                rc = svm_alloc_host_areas(cpu);
        if ( rc )
        {
            printk(XENLOG_ERR "HVM: no memory for the SVM permission maps and save areas\n");
            return rc;
        }
    }
    else if ( cpuid_ecx(1) & CPUID_1_ECX_VMX )
    {
        /* vmx_detect() names what is missing. */
        if ( vmx_detect() )
            return -ENODEV;
        fns = &vmx_function_table;
        p2m = &p2m_ept_ops;
        vmx_print_features();
        rc = vmx_vmcs_global_init();
        for_each_online_cpu ( cpu )
            if ( !rc )
                rc = vmx_alloc_host_areas(cpu);
        if ( rc )
        {
            printk(XENLOG_ERR "HVM: no memory for the VMX MSR bitmap and VMXON regions\n");
            return rc;
        }
    }
    else
    {
        printk(XENLOG_WARNING "HVM: no hardware virtualisation (SVM with NPT, or VMX); "
               "no guests can run\n");
        return -ENODEV;
    }

    /* Secondary CPUs are already up: enable there by cross-call, here directly. */
    rc = fns->cpu_up();
    if ( rc )
    {
        printk(XENLOG_ERR "HVM: enabling %s on the boot CPU failed (%d)\n", fns->name, rc);
        return rc;
    }
    hvm_funcs = fns;
    p2m_ops = p2m;
    /* SVM does not intercept INVPCID; VT-x runs it only with "enable INVPCID". */
    hvm_guest_invpcid = fns == &svm_function_table || (vmx_caps.proc2 & CPU2_ENABLE_INVPCID);
    smp_call_function(cpu_up_on_this_cpu, NULL, true);
    if ( nr_cpu_up_failures )
        printk(XENLOG_ERR "HVM: %s failed on %u CPU(s)\n", fns->name, nr_cpu_up_failures);

    printk("HVM: %s enabled\n", fns->name);
    printk("HVM: Hardware Assisted Paging (HAP) detected\n");
    printk("HVM: HAP page sizes: 4kB%s\n",
           fns == &vmx_function_table && !vmx_caps.ept_2mb ? "" : ", 2MB");

    if ( opt_hvm_selftest && fns == &svm_function_table )
        svm_selftest();
    else if ( opt_hvm_selftest && fns == &vmx_function_table )
        vmx_selftest();
    return 0;
}

/*
 * Per-CPU enable.  A CPU that comes up before hvm_init() (all of them at
 * boot) is enabled by hvm_init()'s cross-call instead; this returns 0
 * then, so smpboot can call it unconditionally.  (A CPU started after
 * hvm_init() would need its vendor areas allocated first; nothing starts
 * CPUs that late yet.)
 */
int hvm_cpu_up(void)
{
    if ( !hvm_funcs )
        return 0;
    return hvm_funcs->cpu_up();
}

void hvm_vcpu_load_pending_start(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct hvm_vcpu_start s;
    unsigned long flags;
    bool pending;

    /* Copied under the lock: a STARTUP IPI may be writing a newer one. */
    spin_lock_irqsave(&d->lock, flags);
    pending = v->hvm.start_pending;
    if ( pending )
    {
        s = v->hvm.start;
        v->hvm.start_pending = false;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if ( pending )
        hvm_funcs->vcpu_set_start(v, &s);
}

void hvm_start_regs(struct vcpu *v, const struct hvm_vcpu_start *st)
{
    memset(&v->regs, 0, sizeof(v->regs));
    v->regs.rax = st->rax;
    v->regs.rbx = st->rbx;
    v->regs.rcx = st->rcx;
    v->regs.rdx = st->rdx;
    v->regs.rsi = st->rsi;
    v->regs.rdi = st->rdi;
    v->regs.rbp = st->rbp;
    v->regs.rsp = st->rsp;
    v->regs.rip = st->rip;
    v->regs.rflags = st->rflags | 0x2;     /* bit 1 always reads as 1 */
}
