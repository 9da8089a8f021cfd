/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMCB allocation and the default intercepts.  Policy: the guest sees
 * no hardware it could reach around Keel.  Every I/O port and every MSR
 * exits, except the MSRs whose guest values live in the VMCB and are
 * switched by vmload/vmsave (segment bases, syscall and sysenter state):
 * those are the guest's own and cost nothing to pass through.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/hvm/svm/svm.h>

#define IOPM_ORDER      2       /* 12 KiB used: one bit per port, plus a tail */
#define MSRPM_ORDER     1       /* 8 KiB: two bits (read, write) per MSR */

#define PAT_DEFAULT     0x0007040600070406UL

static paddr_t iopm_pa, msrpm_pa;

/* Let the guest read and write @msr without an exit. */
static void msrpm_allow(uint8_t *msrpm, uint32_t msr)
{
    unsigned int base, bit;

    if ( msr <= 0x1fff )
        base = 0;
    else if ( msr >= 0xc0000000 && msr <= 0xc0001fff )
        base = 0x800;
    else if ( msr >= 0xc0010000 && msr <= 0xc0011fff )
        base = 0x1000;
    else
        BUG();
    bit = (msr & 0x1fff) * 2;
    msrpm[base + bit / 8] &= ~(3u << (bit % 8));
}

/* The I/O and MSR permission maps are the same for every guest for now: share one of each. */
int svm_vmcb_global_init(void)
{
    static const uint32_t passthrough[] = {
        0xc0000100, 0xc0000101, 0xc0000102,     /* FS_BASE, GS_BASE, KERNEL_GS_BASE */
        0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
        0x174, 0x175, 0x176,                    /* SYSENTER_CS/ESP/EIP */
    };
    unsigned long iopm = alloc_pages_bits(IOPM_ORDER, 32);
    unsigned long msrpm = alloc_pages_bits(MSRPM_ORDER, 32);
    unsigned int i;

    if ( iopm == INVALID_MFN || msrpm == INVALID_MFN )
        return -ENOMEM;
    memset(mfn_to_virt(iopm), 0xff, PAGE_SIZE << IOPM_ORDER);
    memset(mfn_to_virt(msrpm), 0xff, PAGE_SIZE << MSRPM_ORDER);
    for ( i = 0; i < ARRAY_SIZE(passthrough); i++ )
        msrpm_allow(mfn_to_virt(msrpm), passthrough[i]);
    iopm_pa = (paddr_t)iopm << PAGE_SHIFT;
    msrpm_pa = (paddr_t)msrpm << PAGE_SHIFT;
    return 0;
}

struct vmcb *svm_vmcb_alloc(paddr_t *pa)
{
    unsigned long mfn = alloc_pages(0);

    if ( mfn == INVALID_MFN )
        return NULL;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    *pa = (paddr_t)mfn << PAGE_SHIFT;
    return mfn_to_virt(mfn);
}

void svm_vmcb_free(struct vmcb *vmcb)
{
    if ( vmcb )
        free_pages(virt_to_mfn(vmcb), 0);
}

static void seg_set(struct vmcb_seg *s, uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
    s->sel = sel;
    s->attr = attr;
    s->limit = limit;
    s->base = base;
}

/* Intercepts and a harmless initial state; vcpu_set_start() gives the real one. */
void svm_vmcb_init(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    /*
     * Physical interrupts and NMIs exit so the host takes them; INIT
     * would reset the CPU under the host; SMI is the firmware's.  The SVM
     * instructions are intercepted (VMRUN must be, or VMRUN fails its
     * checks) and raise #UD: the guest is told there is no SVM.  INVD
     * would drop the host's dirty cache lines.  MONITOR/MWAIT, RDTSCP and
     * XSETBV concern features the guest's CPUID does not offer.
     */
    vmcb->intercepts0 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI | INTERCEPT_INIT |
                        INTERCEPT_CPUID | INTERCEPT_RSM | INTERCEPT_INVD | INTERCEPT_HLT |
                        INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT |
                        INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
    vmcb->intercepts1 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
                        INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
                        INTERCEPT_RDTSCP | INTERCEPT_MONITOR | INTERCEPT_MWAIT |
                        INTERCEPT_MWAIT_ARMED | INTERCEPT_XSETBV;
    vmcb->iopm_base_pa = iopm_pa;
    vmcb->msrpm_base_pa = msrpm_pa;
    vmcb->tsc_offset = 0;
    /* The guest's IF masks only virtual interrupts; the host's IF masks physical ones. */
    vmcb->int_ctl = V_INTR_MASKING;
    vmcb->np_ctl = 1;
    vmcb->n_cr3 = p2m_ops->root(v->domain->p2m);
    vmcb->asid = 0;             /* invalid: asid.c assigns one before every VMRUN */

    /* Real-mode-like reset state, never run as is. */
    seg_set(&vmcb->cs, 0, 0x9b, 0xffff, 0);
    seg_set(&vmcb->ds, 0, 0x93, 0xffff, 0);
    vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
    seg_set(&vmcb->ldtr, 0, 0x82, 0, 0);
    seg_set(&vmcb->tr, 0, 0x8b, 0xffff, 0);
    seg_set(&vmcb->gdtr, 0, 0, 0xffff, 0);
    seg_set(&vmcb->idtr, 0, 0, 0xffff, 0);
    vmcb->cr0 = X86_CR0_ET;
    vmcb->efer = EFER_SVME;
    vmcb->rflags = 0x2;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->g_pat = PAT_DEFAULT;

    v->hvm.guest_cr[0] = vmcb->cr0;
    v->hvm.guest_efer = 0;
    v->hvm.guest_pat = PAT_DEFAULT;
}

static void dump_seg(const char *name, const struct vmcb_seg *s)
{
    printk("  %-4s sel %04x attr %04x limit %08x base %016lx\n", name, s->sel, s->attr,
           s->limit, (unsigned long)s->base);
}

void svm_vmcb_dump(const struct vmcb *vmcb)
{
    printk("VMCB: intercepts cr %08x dr %08x exc %08x %08x %08x\n", vmcb->cr_intercepts,
           vmcb->dr_intercepts, vmcb->exception_intercepts, vmcb->intercepts0, vmcb->intercepts1);
    printk("  asid %u tlb_control %u int_ctl %#lx int_state %#lx np_ctl %#lx n_cr3 %#lx\n",
           vmcb->asid, vmcb->tlb_control, (unsigned long)vmcb->int_ctl,
           (unsigned long)vmcb->int_state, (unsigned long)vmcb->np_ctl,
           (unsigned long)vmcb->n_cr3);
    printk("  exitcode %#lx info1 %#lx info2 %#lx exitintinfo %#lx eventinj %#lx\n",
           (unsigned long)vmcb->exitcode, (unsigned long)vmcb->exitinfo1,
           (unsigned long)vmcb->exitinfo2, (unsigned long)vmcb->exitintinfo,
           (unsigned long)vmcb->eventinj);
    printk("  cr0 %#lx cr3 %#lx cr4 %#lx efer %#lx cpl %u rflags %#lx rip %#lx rsp %#lx\n",
           (unsigned long)vmcb->cr0, (unsigned long)vmcb->cr3, (unsigned long)vmcb->cr4,
           (unsigned long)vmcb->efer, vmcb->cpl, (unsigned long)vmcb->rflags,
           (unsigned long)vmcb->rip, (unsigned long)vmcb->rsp);
    dump_seg("cs", &vmcb->cs);
    dump_seg("ss", &vmcb->ss);
    dump_seg("ds", &vmcb->ds);
    dump_seg("es", &vmcb->es);
    dump_seg("fs", &vmcb->fs);
    dump_seg("gs", &vmcb->gs);
    dump_seg("tr", &vmcb->tr);
    dump_seg("ldtr", &vmcb->ldtr);
    dump_seg("gdtr", &vmcb->gdtr);
    dump_seg("idtr", &vmcb->idtr);
}
