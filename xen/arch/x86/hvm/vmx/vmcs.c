/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMCS allocation, the execution controls and the host-state area.
 * Policy, as on SVM: the guest sees no hardware it could reach around
 * Keel.  Every I/O port exits (unconditional I/O exiting); every MSR
 * exits except those whose guest values the CPU switches (FS/GS bases
 * and SYSENTER in the VMCS) or that Keel switches lazily and never uses
 * itself (STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE).
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/hvm/vmx/vmx.h>

#define PAT_DEFAULT     0x0007040600070406UL
#define X86_CR0_NW      (1UL << 29)
#define X86_CR0_CD      (1UL << 30)
#define X86_CR4_VMXE    (1UL << 13)
#define X86_CR4_OSXSAVE (1UL << 18)
#define MSR_PAT         0x277
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

static paddr_t msr_bitmap_pa;

/* The MSR bitmap (SDM 24.6.9): read-low, read-high, write-low, write-high, 1 KiB each. */
static void msr_bitmap_allow(uint8_t *bm, uint32_t msr)
{
    unsigned int base, bit = msr & 0x1fff;

    if ( msr <= 0x1fff )
        base = 0;
    else if ( msr >= 0xc0000000 && msr <= 0xc0001fff )
        base = 0x400;
    else
        BUG();
    bm[base + bit / 8] &= ~(1u << (bit % 8));
    bm[base + 0x800 + bit / 8] &= ~(1u << (bit % 8));
}

/* The MSR bitmap is the same for every guest for now: one, shared. */
int vmx_vmcs_global_init(void)
{
    static const uint32_t passthrough[] = {
        0xc0000100, 0xc0000101, 0xc0000102,     /* FS_BASE, GS_BASE, KERNEL_GS_BASE */
        0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
        MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
    };
    unsigned long mfn = alloc_pages(0);
    unsigned int i;

    if ( mfn == INVALID_MFN )
        return -ENOMEM;
    memset(mfn_to_virt(mfn), 0xff, PAGE_SIZE);
    for ( i = 0; i < ARRAY_SIZE(passthrough); i++ )
        msr_bitmap_allow(mfn_to_virt(mfn), passthrough[i]);
    msr_bitmap_pa = (paddr_t)mfn << PAGE_SHIFT;
    return 0;
}

int vmx_vmcs_alloc(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    unsigned long mfn = alloc_pages(0);

    if ( mfn == INVALID_MFN )
        return -ENOMEM;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    *(uint32_t *)mfn_to_virt(mfn) = vmx_caps.vmcs_revision;
    s->vmcs = mfn_to_virt(mfn);
    s->vmcs_pa = (paddr_t)mfn << PAGE_SHIFT;
    /* VMCLEAR puts the region in the "clear" launch state the first VMPTRLD expects. */
    if ( vmclear(s->vmcs_pa) )
    {
        free_pages(mfn, 0);
        s->vmcs = NULL;
        return -EIO;
    }
    return 0;
}

void vmx_vmcs_free(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);

    /* Never current anywhere: vmx_vcpu_run() clears it on its way out. */
    if ( s->vmcs )
        free_pages(virt_to_mfn(s->vmcs), 0);
    s->vmcs = NULL;
}

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

/* The host state that differs per pCPU: descriptor tables, TSS, per-CPU base, MSRs. */
static void write_host_state(void)
{
    struct cpu_data *c = this_cpu();
    struct desc_ptr idtr;

    __asm__ volatile ("sidt %0" : "=m" (idtr));
    vmwrite(HOST_CR0, read_cr0());
    vmwrite(HOST_CR3, read_cr3());
    vmwrite(HOST_CR4, read_cr4());
    vmwrite(HOST_GDTR_BASE, (unsigned long)c->gdt);
    vmwrite(HOST_IDTR_BASE, idtr.base);
    vmwrite(HOST_TR_BASE, (unsigned long)&c->tss);
    vmwrite(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(HOST_GS_BASE, (unsigned long)c);
    vmwrite(HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
    vmwrite(HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
    vmwrite(HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
    vmwrite(HOST_IA32_EFER, rdmsr(MSR_EFER));
    vmwrite(HOST_IA32_PAT, rdmsr(MSR_PAT));
}

int vmx_vmcs_enter(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    int rc = vmptrld(s->vmcs_pa);

    if ( rc )
        return rc;
    write_host_state();
    return 0;
}

void vmx_vmcs_exit(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    int rc = vmclear(s->vmcs_pa);
    char why[96];

    if ( rc )
    {
        vmx_describe_failure("VMCLEAR", rc, why, sizeof(why));
        printk(XENLOG_ERR "d%uv%u: %s\n", v->domain->domain_id, v->vcpu_id, why);
    }
    s->launched = false;
}

void vmx_set_segment(unsigned int seg, const struct segment_register *s)
{
    vmwrite(GUEST_ES_SELECTOR + seg * 2, s->sel);
    vmwrite(GUEST_ES_LIMIT + seg * 2, s->limit);
    vmwrite(GUEST_ES_AR_BYTES + seg * 2, vmx_seg_attr_to_ar(s->attr));
    vmwrite(GUEST_ES_BASE + seg * 2, s->base);
}

/* CR0/CR4 bits the CPU pins in VMX operation (CR0.PE/PG are free with unrestricted guest). */
static uint64_t cr0_must1(void)
{
    return vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
}

/* CD and NW are Keel's (VM entry does not load them): the guest's values live in the shadow. */
uint64_t vmx_cr0_hw(uint64_t val)
{
    return (val & ~(X86_CR0_CD | X86_CR0_NW)) | cr0_must1();
}

uint64_t vmx_cr4_hw(uint64_t val)
{
    return val | vmx_caps.cr4_fixed0;
}

/* Controls and a harmless initial state; vcpu_set_start() gives the real one. */
void vmx_vmcs_init(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    static const struct segment_register code = { 0, 0x9b, 0xffff, 0 };
    static const struct segment_register data = { 0, 0x93, 0xffff, 0 };
    static const struct segment_register ldtr = { 0, 0x82, 0, 0 };
    static const struct segment_register tr = { 0, 0x8b, 0xffff, 0 };
    unsigned int seg;

    if ( vmx_vmcs_enter(v) )
        return;     /* vcpu_set_start() reports it */

    vmwrite(PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin);
    s->proc_controls = vmx_caps.proc;
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, s->proc_controls);
    vmwrite(SECONDARY_VM_EXEC_CONTROL, vmx_caps.proc2);
    vmwrite(VM_EXIT_CONTROLS, vmx_caps.exit);
    s->entry_controls = vmx_caps.entry;
    vmwrite(VM_ENTRY_CONTROLS, s->entry_controls);
    vmwrite(EXCEPTION_BITMAP, 0);
    vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
    vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
    vmwrite(CR3_TARGET_COUNT, 0);
    vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_INTR_INFO, 0);
    vmwrite(MSR_BITMAP, msr_bitmap_pa);
    vmwrite(TSC_OFFSET, 0);
    vmwrite(EPT_POINTER, p2m_ops->root(v->domain->p2m));
    vmwrite(VMCS_LINK_POINTER, ~0UL);
    if ( vmx_caps.vpid )
        vmwrite(VIRTUAL_PROCESSOR_ID, 1);   /* vpid.c assigns the real one before each entry */

    /*
     * The bits VMX pins (CR0.NE, CR4.VMXE) are Keel's: the guest reads its
     * own value from the shadow and a write that changes one exits.  So
     * are CR0.CD/NW, which VM entry never loads (the CPU keeps the host's
     * caching), and CR4.OSXSAVE: XSAVE is not in the guest's CPUID.
     */
    vmwrite(CR0_GUEST_HOST_MASK, cr0_must1() | ~vmx_caps.cr0_fixed1 | X86_CR0_CD | X86_CR0_NW);
    vmwrite(CR4_GUEST_HOST_MASK, vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | X86_CR4_OSXSAVE);

    /* Host: selectors and the exit stub are the same on every pCPU. */
    vmwrite(HOST_CS_SELECTOR, __HYPERVISOR_CS);
    vmwrite(HOST_SS_SELECTOR, __HYPERVISOR_DS);
    vmwrite(HOST_DS_SELECTOR, __HYPERVISOR_DS);
    vmwrite(HOST_ES_SELECTOR, __HYPERVISOR_DS);
    vmwrite(HOST_FS_SELECTOR, 0);
    vmwrite(HOST_GS_SELECTOR, 0);
    vmwrite(HOST_TR_SELECTOR, __TSS_SEL);
    vmwrite(HOST_RIP, (unsigned long)vmx_asm_vmexit);

    /* Real-mode-like reset state, never run as is. */
    for ( seg = VMX_SEG_ES; seg <= VMX_SEG_GS; seg++ )
        vmx_set_segment(seg, seg == VMX_SEG_CS ? &code : &data);
    vmx_set_segment(VMX_SEG_LDTR, &ldtr);
    vmx_set_segment(VMX_SEG_TR, &tr);
    vmwrite(GUEST_GDTR_LIMIT, 0xffff);
    vmwrite(GUEST_IDTR_LIMIT, 0xffff);
    vmwrite(GUEST_CR0, vmx_cr0_hw(X86_CR0_ET));
    vmwrite(CR0_READ_SHADOW, X86_CR0_ET);
    vmwrite(GUEST_CR4, vmx_cr4_hw(0));
    vmwrite(CR4_READ_SHADOW, 0);
    vmwrite(GUEST_IA32_EFER, 0);
    vmwrite(GUEST_IA32_PAT, PAT_DEFAULT);
    vmwrite(GUEST_RFLAGS, 0x2);
    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_SYSENTER_CS, 0);
    vmwrite(GUEST_SYSENTER_ESP, 0);
    vmwrite(GUEST_SYSENTER_EIP, 0);
    vmx_vmcs_exit(v);

    v->hvm.guest_cr[0] = X86_CR0_ET;
    v->hvm.guest_efer = 0;
    v->hvm.guest_pat = PAT_DEFAULT;
    s->xcr0 = 1;
}

static void dump_seg(const char *name, unsigned int seg)
{
    printk("  %-4s sel %04lx ar %05lx limit %08lx base %016lx\n", name,
           vmread(GUEST_ES_SELECTOR + seg * 2), vmread(GUEST_ES_AR_BYTES + seg * 2),
           vmread(GUEST_ES_LIMIT + seg * 2), vmread(GUEST_ES_BASE + seg * 2));
}

void vmx_vmcs_dump(void)
{
    printk("VMCS: pin %#lx cpu %#lx cpu2 %#lx exit %#lx entry %#lx eptp %#lx vpid %lu\n",
           vmread(PIN_BASED_VM_EXEC_CONTROL), vmread(CPU_BASED_VM_EXEC_CONTROL),
           vmread(SECONDARY_VM_EXEC_CONTROL), vmread(VM_EXIT_CONTROLS),
           vmread(VM_ENTRY_CONTROLS), vmread(EPT_POINTER),
           vmx_caps.vpid ? vmread(VIRTUAL_PROCESSOR_ID) : 0UL);
    printk("  exit reason %#lx qual %#lx intr info %#lx idt vectoring %#lx entry intr %#lx\n",
           vmread(VM_EXIT_REASON), vmread(EXIT_QUALIFICATION), vmread(VM_EXIT_INTR_INFO),
           vmread(IDT_VECTORING_INFO), vmread(VM_ENTRY_INTR_INFO));
    printk("  cr0 %#lx (shadow %#lx mask %#lx) cr3 %#lx cr4 %#lx (shadow %#lx mask %#lx)\n",
           vmread(GUEST_CR0), vmread(CR0_READ_SHADOW), vmread(CR0_GUEST_HOST_MASK),
           vmread(GUEST_CR3), vmread(GUEST_CR4), vmread(CR4_READ_SHADOW),
           vmread(CR4_GUEST_HOST_MASK));
    printk("  efer %#lx pat %#lx dr7 %#lx debugctl %#lx rflags %#lx rip %#lx rsp %#lx\n",
           vmread(GUEST_IA32_EFER), vmread(GUEST_IA32_PAT), vmread(GUEST_DR7),
           vmread(GUEST_IA32_DEBUGCTL), vmread(GUEST_RFLAGS), vmread(GUEST_RIP),
           vmread(GUEST_RSP));
    printk("  interruptibility %#lx activity %#lx pending dbg %#lx link %#lx\n",
           vmread(GUEST_INTERRUPTIBILITY_INFO), vmread(GUEST_ACTIVITY_STATE),
           vmread(GUEST_PENDING_DBG_EXCEPTIONS), vmread(VMCS_LINK_POINTER));
    dump_seg("cs", VMX_SEG_CS);
    dump_seg("ss", VMX_SEG_SS);
    dump_seg("ds", VMX_SEG_DS);
    dump_seg("es", VMX_SEG_ES);
    dump_seg("fs", VMX_SEG_FS);
    dump_seg("gs", VMX_SEG_GS);
    dump_seg("tr", VMX_SEG_TR);
    dump_seg("ldtr", VMX_SEG_LDTR);
    printk("  gdtr base %#lx limit %#lx idtr base %#lx limit %#lx\n", vmread(GUEST_GDTR_BASE),
           vmread(GUEST_GDTR_LIMIT), vmread(GUEST_IDTR_BASE), vmread(GUEST_IDTR_LIMIT));
}
