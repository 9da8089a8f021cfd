/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMX exit handling.  Each handler finishes the intercepted instruction
 * on the guest's behalf or injects the fault a CPU would raise; anything
 * Keel cannot make sense of ends the domain (reason crash, with the exit
 * in the detail), never the hypervisor.  The next RIP comes from the
 * VM-exit instruction length, which VMX reports for every instruction
 * that exits.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/guest_access.h>
#include <asm/processor.h>
#include <asm/hvm/io.h>
#include <asm/hvm/vmx/vmx.h>

#define X86_EFLAGS_IF   (1UL << 9)
#define X86_EFLAGS_DF   (1UL << 10)
#define X86_CR4_PSE     (1UL << 4)
#define X86_CR4_PGE     (1UL << 7)
#define X86_CR4_VMXE    (1UL << 13)
#define X86_CR4_OSXSAVE (1UL << 18)
#define AR_L            (1u << 13)
#define AR_DB           (1u << 14)
#define EFER_LMA        (1UL << 10)
#define XCR0_X87        (1UL << 0)
#define XCR0_SSE        (1UL << 1)

#define TRAP_UD         6
#define TRAP_GP         13

/* I/O string instructions handled per exit, so a huge REP count cannot hold the CPU. */
#define IO_REP_BATCH    4096

static bool long_mode_code(struct vcpu *v)
{
    return (v->hvm.guest_efer & EFER_LMA) && (vmread(GUEST_CS_AR_BYTES) & AR_L);
}

/* The instruction completed: an STI or MOV SS shadow over it is over. */
static void clear_shadow(void)
{
    unsigned long st = vmread(GUEST_INTERRUPTIBILITY_INFO);

    if ( st & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS) )
        vmwrite(GUEST_INTERRUPTIBILITY_INFO,
                st & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/* Move RIP past a @len-byte instruction that completed (also for the emulator). */
void vmx_retire_insn(struct vcpu *v, unsigned int len)
{
    v->regs.rip += len;
    if ( !long_mode_code(v) )
        v->regs.rip = (uint32_t)v->regs.rip;
    clear_shadow();
}

/* Move RIP past the instruction that exited. */
static void skip_insn(struct vcpu *v)
{
    vmx_retire_insn(v, vmread(VM_EXIT_INSTRUCTION_LEN));
}

void vmx_inject_exception(struct vcpu *v, unsigned int vector, bool has_err, uint32_t err)
{
    vmwrite(VM_ENTRY_INTR_INFO, vector | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID |
                                (has_err ? INTR_INFO_DELIVER_CODE : 0));
    if ( has_err )
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, err);
}

static void crash(struct vcpu *v, const char *fmt, ...) __printf(2, 3);
static void crash(struct vcpu *v, const char *fmt, ...)
{
    char detail[96];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    domain_end(v->domain, DOMEND_CRASH, detail);
}

/* General register @n in the encoding of exit qualifications (0 rax ... 15 r15). */
static uint64_t *gpr(struct vcpu *v, unsigned int n)
{
    struct cpu_user_regs *r = &v->regs;
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[n & 15];
}

static void handle_cpuid(struct vcpu *v)
{
    uint32_t a, b, c, d;

    hvm_cpuid(v, (uint32_t)v->regs.rax, (uint32_t)v->regs.rcx, &a, &b, &c, &d);
    /* 32-bit results are zero-extended, as the instruction does. */
    v->regs.rax = a;
    v->regs.rbx = b;
    v->regs.rcx = c;
    v->regs.rdx = d;
    skip_insn(v);
}

static void handle_rdmsr(struct vcpu *v)
{
    uint64_t val;

    if ( hvm_msr_read(v, (uint32_t)v->regs.rcx, &val) )
    {
        vmx_inject_exception(v, TRAP_GP, true, 0);
        return;
    }
    v->regs.rax = (uint32_t)val;
    v->regs.rdx = val >> 32;
    skip_insn(v);
}

static void handle_wrmsr(struct vcpu *v)
{
    uint64_t val = ((uint64_t)(uint32_t)v->regs.rdx << 32) | (uint32_t)v->regs.rax;

    if ( hvm_msr_write(v, (uint32_t)v->regs.rcx, val) )
    {
        vmx_inject_exception(v, TRAP_GP, true, 0);
        return;
    }
    /* msr.c keeps the guest's view; these two live in the VMCS. */
    vmwrite(GUEST_IA32_EFER, v->hvm.guest_efer);
    vmwrite(GUEST_IA32_PAT, v->hvm.guest_pat);
    skip_insn(v);
}

/* Update a string register the way an instruction of address size @amask does. */
static uint64_t str_reg_update(uint64_t old, int64_t delta, uint64_t amask)
{
    if ( amask == 0xffffffffUL )
        return (uint32_t)(old + delta);         /* 32-bit writes zero-extend */
    return (old & ~amask) | ((old + delta) & amask);
}

/* Address size of a string I/O instruction: reported by the CPU, else the mode's default. */
static uint64_t io_addr_mask(struct vcpu *v, uint32_t info)
{
    unsigned int as;

    if ( vmx_caps.ins_outs_info )
        as = (info >> 7) & 7;
    else if ( long_mode_code(v) )
        as = 2;
    else
        as = (vmread(GUEST_CS_AR_BYTES) & AR_DB) ? 1 : 0;
    return as == 0 ? 0xffff : as == 1 ? 0xffffffffUL : ~0UL;
}

/*
 * Port I/O goes to the domain's port handlers (hvm/portio.c), which give
 * all-ones for reads and drop writes where nothing is claimed.  String
 * forms move one element per port access, a batch per exit, and update
 * RSI/RDI and RCX as the instruction would.  INS writes ES:rDI; OUTS
 * reads the segment the CPU reports (DS without that report).
 */
static void handle_io(struct vcpu *v)
{
    uint64_t q = vmread(EXIT_QUALIFICATION);
    uint16_t port = q >> IO_QUAL_PORT_SHIFT;
    unsigned int size = (q & IO_QUAL_SIZE_MASK) + 1;
    uint64_t amask, count, done, seg_base;
    bool in = q & IO_QUAL_IN, lm;
    uint32_t val, info;
    int64_t step;
    int rc;

    if ( !(q & IO_QUAL_STRING) )
    {
        if ( in )
        {
            rc = hvm_portio_read(v, port, size, &val);
            if ( size == 4 )
                v->regs.rax = val;
            else
                v->regs.rax = (v->regs.rax & ~((1UL << (size * 8)) - 1)) | val;
        }
        else
            rc = hvm_portio_write(v, port, size, (uint32_t)v->regs.rax &
                                  (size == 4 ? ~0u : (1u << (size * 8)) - 1));
        if ( rc )
        {
            crash(v, "port %#x handler failed (%d)", port, rc);
            return;
        }
        skip_insn(v);
        return;
    }

    info = vmx_caps.ins_outs_info ? vmread(VMX_INSTRUCTION_INFO) : 0;
    amask = io_addr_mask(v, info);
    lm = long_mode_code(v);
    if ( in )
        seg_base = vmread(GUEST_ES_BASE);
    else
        seg_base = vmread(GUEST_ES_BASE + 2 * (vmx_caps.ins_outs_info ? (info >> 15) & 7
                                                                      : VMX_SEG_DS));
    count = (q & IO_QUAL_REP) ? (v->regs.rcx & amask) : 1;
    step = (v->regs.rflags & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;

    for ( done = 0; done < count && done < IO_REP_BATCH; done++ )
    {
        uint64_t reg = in ? v->regs.rdi : v->regs.rsi;
        uint64_t lin = lm ? (reg & amask) : (uint32_t)(seg_base + (reg & amask));

        val = 0;
        if ( in )
        {
            rc = hvm_portio_read(v, port, size, &val);
            if ( !rc && copy_to_guest_virt(v, lin, &val, size) )
            {
                crash(v, "INS to unmapped memory at %#lx", (unsigned long)lin);
                return;
            }
            v->regs.rdi = str_reg_update(v->regs.rdi, step, amask);
        }
        else
        {
            if ( copy_from_guest_virt(v, &val, lin, size) )
            {
                crash(v, "OUTS from unmapped memory at %#lx", (unsigned long)lin);
                return;
            }
            rc = hvm_portio_write(v, port, size, val);
            v->regs.rsi = str_reg_update(v->regs.rsi, step, amask);
        }
        if ( rc )
        {
            crash(v, "port %#x handler failed (%d)", port, rc);
            return;
        }
    }

    if ( q & IO_QUAL_REP )
        v->regs.rcx = str_reg_update(v->regs.rcx, -(int64_t)done, amask);
    /* Unfinished REP: leave RIP on the instruction, it exits again for the next batch. */
    if ( done == count )
        skip_insn(v);
}

static bool handle_hlt(struct vcpu *v)
{
    skip_insn(v);
    /*
     * HLT with interrupts off can only end with an NMI or INIT: the guest
     * took this vCPU down.  A PVH Linux powers off that way (no hypercall),
     * so the last vCPU down ends the domain (sched/core.c).
     */
    if ( !(v->regs.rflags & X86_EFLAGS_IF) )
        vcpu_down(v);
    else
        hvm_hlt(v);     /* sleeps unless an interrupt is already pending */
    return false;
}

static void handle_vmcall(struct vcpu *v)
{
    unsigned int cpl = (vmread(GUEST_SS_AR_BYTES) >> 5) & 3;

    skip_insn(v);
    /* As in Xen: a hypercall from guest user mode fails, it never reaches a handler. */
    if ( cpl != 0 )
    {
        v->regs.rax = (uint64_t)-EPERM;
        if ( !long_mode_code(v) )
            v->regs.rax = (uint32_t)v->regs.rax;
        return;
    }
    hvm_hypercall(v);
}

/*
 * PAE paging outside long mode: the CPU takes the four PDPTEs from the
 * VMCS at entry, so an emulated write that enables it must load them
 * there, as the instruction would have.  false: not RAM (the domain ends).
 */
bool vmx_load_pdptes(struct vcpu *v, uint64_t cr3)
{
    uint64_t pdpte[4];
    unsigned int i;

    if ( copy_from_guest_phys(v->domain, pdpte, cr3 & 0xffffffe0UL, sizeof(pdpte)) )
    {
        crash(v, "PAE page-directory pointers at %#lx are not RAM", (unsigned long)cr3);
        return false;
    }
    for ( i = 0; i < 4; i++ )
        vmwrite(GUEST_PDPTE0 + i * 2, pdpte[i]);
    return true;
}

static bool pae_legacy_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
    return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * MOV to CR0 that touched a bit Keel owns (CR0.NE, CD, NW): what the
 * instruction does, in software.  CR0.PG itself is the guest's: turned on
 * or off without an exit, the CPU sets EFER.LMA and stores it into the
 * "IA-32e mode guest" entry control at the next exit (IA32_VMX_MISC[5],
 * which unrestricted guest implies), so the control is read back here
 * rather than trusted from the last write.
 */
static void emulate_cr0_write(struct vcpu *v, uint64_t val)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    uint64_t old = v->hvm.guest_cr[0], efer = v->hvm.guest_efer;

    s->entry_controls = vmread(VM_ENTRY_CONTROLS);
    if ( (val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) )
    {
        vmx_inject_exception(v, TRAP_GP, true, 0);
        return;
    }
    if ( !(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME) )
    {
        if ( !(v->hvm.guest_cr[4] & X86_CR4_PAE) )
        {
            vmx_inject_exception(v, TRAP_GP, true, 0);
            return;
        }
        efer |= EFER_LMA;
        s->entry_controls |= ENTRY_IA32E_MODE;
    }
    else if ( (old & X86_CR0_PG) && !(val & X86_CR0_PG) && (efer & EFER_LMA) )
    {
        efer &= ~EFER_LMA;
        s->entry_controls &= ~ENTRY_IA32E_MODE;
    }
    if ( !(old & X86_CR0_PG) && pae_legacy_paging(val, v->hvm.guest_cr[4], efer) &&
         !vmx_load_pdptes(v, v->hvm.guest_cr[3]) )
        return;
    vmwrite(GUEST_CR0, vmx_cr0_hw(val));
    vmwrite(CR0_READ_SHADOW, val);
    vmwrite(GUEST_IA32_EFER, efer);
    vmwrite(VM_ENTRY_CONTROLS, s->entry_controls);
    v->hvm.guest_cr[0] = val;
    v->hvm.guest_efer = efer;
    /* The real instruction would have flushed the TLB on a paging change. */
    if ( (old ^ val) & X86_CR0_PG )
        vmx_vpid_flush_vcpu(v);
    skip_insn(v);
}

static void emulate_cr4_write(struct vcpu *v, uint64_t val)
{
    uint64_t old = v->hvm.guest_cr[4];

    /* Neither VMX nor XSAVE is in the guest's CPUID; PAE may not go in long mode. */
    if ( (val & (X86_CR4_VMXE | X86_CR4_OSXSAVE)) || (val & ~vmx_caps.cr4_fixed1) ||
         ((v->hvm.guest_efer & EFER_LMA) && !(val & X86_CR4_PAE)) )
    {
        vmx_inject_exception(v, TRAP_GP, true, 0);
        return;
    }
    if ( pae_legacy_paging(v->hvm.guest_cr[0], val, v->hvm.guest_efer) &&
         ((old ^ val) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE)) &&
         !vmx_load_pdptes(v, v->hvm.guest_cr[3]) )
        return;
    vmwrite(GUEST_CR4, vmx_cr4_hw(val));
    vmwrite(CR4_READ_SHADOW, val);
    v->hvm.guest_cr[4] = val;
    if ( (old ^ val) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE) )
        vmx_vpid_flush_vcpu(v);
    skip_insn(v);
}

static void handle_cr_access(struct vcpu *v)
{
    uint64_t q = vmread(EXIT_QUALIFICATION);
    unsigned int cr = CR_QUAL_NUMBER(q);
    uint64_t *reg = gpr(v, CR_QUAL_REG(q));
    uint64_t val = long_mode_code(v) ? *reg : (uint32_t)*reg;

    switch ( CR_QUAL_TYPE(q) )
    {
    case CR_TYPE_MOV_TO_CR:
        if ( cr == 0 )
            emulate_cr0_write(v, val);
        else if ( cr == 4 )
            emulate_cr4_write(v, val);
        else if ( cr == 3 )
        {
            /* Only when the CPU cannot turn CR3-load exiting off. */
            if ( pae_legacy_paging(v->hvm.guest_cr[0], v->hvm.guest_cr[4], v->hvm.guest_efer) &&
                 !vmx_load_pdptes(v, val) )
                return;
            vmwrite(GUEST_CR3, val);
            v->hvm.guest_cr[3] = val;
            vmx_vpid_flush_vcpu(v);
            skip_insn(v);
        }
        else if ( cr == 8 )
        {
            vmx_vcpu(v)->tpr = val & 0xf;
            skip_insn(v);
        }
        else
            crash(v, "MOV to CR%u exit (not expected)", cr);
        return;
    case CR_TYPE_MOV_FROM_CR:
        if ( cr == 3 )
            *reg = vmread(GUEST_CR3);
        else if ( cr == 8 )
            *reg = vmx_vcpu(v)->tpr;
        else
        {
            crash(v, "MOV from CR%u exit (not expected)", cr);
            return;
        }
        if ( !long_mode_code(v) )
            *reg = (uint32_t)*reg;
        skip_insn(v);
        return;
    default:
        crash(v, "CR access exit type %u (CLTS/LMSW not expected), qualification %#lx",
              (unsigned int)CR_QUAL_TYPE(q), (unsigned long)q);
        return;
    }
}

static void handle_xsetbv(struct vcpu *v)
{
    uint64_t val = ((uint64_t)(uint32_t)v->regs.rdx << 32) | (uint32_t)v->regs.rax;

    /*
     * The guest's CPUID has no XSAVE, so CR4.OSXSAVE cannot be set and the
     * instruction faults before it exits; should it exit, only x87 (with or
     * without SSE) is accepted: the state FXSAVE switches.
     */
    if ( (uint32_t)v->regs.rcx != 0 || !(val & XCR0_X87) || (val & ~(XCR0_X87 | XCR0_SSE)) )
    {
        vmx_inject_exception(v, TRAP_GP, true, 0);
        return;
    }
    vmx_vcpu(v)->xcr0 = val;
    skip_insn(v);
}

/*
 * A guest-physical address no p2m entry backs is emulated MMIO (devices
 * registered with hvm_register_mmio(), all-ones and dropped writes
 * elsewhere); the emulator decodes the instruction itself, as VMX gives
 * no instruction length for EPT violations.  A fault on a mapped page (a
 * write to read-only RAM) has no meaning yet and ends the domain.
 *
 * Only the instruction's own data access can be emulated.  While an
 * event was being delivered (IDT-vectoring information valid) the access
 * was the delivery's (an IDT, GDT or stack in MMIO); and with a valid
 * guest linear address but qualification bit 8 clear (SDM 27.2.1) it was
 * the guest's page walk reading a paging-structure entry in MMIO.
 * Neither is the access at RIP, so the domain ends.
 */
static void handle_ept_violation(struct vcpu *v)
{
    uint64_t gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    uint64_t q = vmread(EXIT_QUALIFICATION);
    p2m_type_t t;

    if ( vmread(IDT_VECTORING_INFO) & INTR_INFO_VALID )
        crash(v, "EPT violation at gpa %#lx while delivering an event (vectoring info %#lx)",
              (unsigned long)gpa, vmread(IDT_VECTORING_INFO));
    else if ( (q & EPT_QUAL_GLA_VALID) && !(q & EPT_QUAL_GLA_TRANSLATION) )
        crash(v, "EPT violation at gpa %#lx in a guest page walk (qualification %#lx)",
              (unsigned long)gpa, (unsigned long)q);
    else if ( p2m_lookup(v->domain->p2m, gpa >> PAGE_SHIFT, &t) == INVALID_MFN )
        hvm_emulate_mmio(v, gpa);
    else
        crash(v, "EPT violation at gpa %#lx (type %d, qualification %#lx)", (unsigned long)gpa,
              t, (unsigned long)q);
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring
 * information valid) must deliver it again at the next entry; software
 * interrupts and exceptions need their instruction length for that.
 */
static void reinject_interrupted_event(void)
{
    uint32_t info = vmread(IDT_VECTORING_INFO);
    uint32_t type = info & INTR_TYPE_MASK;

    if ( !(info & INTR_INFO_VALID) )
        return;
    vmwrite(VM_ENTRY_INTR_INFO, info & ~INTR_INFO_NMI_UNBLOCKED_BY_IRET);
    if ( info & INTR_INFO_DELIVER_CODE )
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
    if ( type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
         type == INTR_TYPE_SW_EXCEPTION )
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
}

const char *vmx_exit_name(uint32_t reason)
{
    return vmx_exit_reason_name(reason & 0xffff);
}

/* VM entry failed after the guest-state checks began: report, end only this domain. */
static void entry_failure(struct vcpu *v, uint32_t reason)
{
    unsigned int basic = reason & 0xffff;
    unsigned long q = vmread(EXIT_QUALIFICATION);

    printk(XENLOG_ERR "d%uv%u: VM entry failed: exit reason %#x (%s), qualification %#lx\n",
           v->domain->domain_id, v->vcpu_id, reason, vmx_exit_reason_name(basic), q);
    if ( basic == EXIT_REASON_INVALID_GUEST_STATE )
        vmx_vmcs_dump();
    crash(v, "VM entry failed: %s (qualification %#lx)", vmx_exit_reason_name(basic), q);
}

bool vmx_handle_exit(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    uint32_t reason = s->last_exit_reason;

    vmwrite(VM_ENTRY_INTR_INFO, 0);
    if ( reason & EXIT_REASON_ENTRY_FAILURE )
    {
        entry_failure(v, reason);
        return false;
    }
    reinject_interrupted_event();

    switch ( reason & 0xffff )
    {
    case EXIT_REASON_EXCEPTION_NMI:
        if ( (vmread(VM_EXIT_INTR_INFO) & INTR_TYPE_MASK) == INTR_TYPE_NMI )
        {
            /* NMI exiting consumed it: hand it to the host's handler, as SVM's host takes it. */
            __asm__ volatile ("int $2" ::: "memory");
            break;
        }
        crash(v, "unexpected exception exit, interruption info %#lx", vmread(VM_EXIT_INTR_INFO));
        break;
    case EXIT_REASON_EXTERNAL_INTERRUPT:
        /* Still pending in the APIC: the host takes it once IF is set again. */
        break;
    case EXIT_REASON_PREEMPTION_TIMER:
        /* Armed by arm_preemption_timer(): only here so a pending host interrupt is taken. */
        break;
    case EXIT_REASON_INTERRUPT_WINDOW:
        /* The guest can take an interrupt now: vmx_intr_assist() injects at the next entry. */
        break;
    case EXIT_REASON_NMI_WINDOW:
        /* The guest's NMI handler returned: vmx_intr_assist() injects the next one. */
        break;
    case EXIT_REASON_INIT:
        /* INIT cannot be passed to the host; the guest's vCPU simply goes on. */
        break;
    case EXIT_REASON_CPUID:
        handle_cpuid(v);
        break;
    case EXIT_REASON_MSR_READ:
        handle_rdmsr(v);
        break;
    case EXIT_REASON_MSR_WRITE:
        handle_wrmsr(v);
        break;
    case EXIT_REASON_IO_INSTRUCTION:
        handle_io(v);
        break;
    case EXIT_REASON_HLT:
        return handle_hlt(v);
    case EXIT_REASON_VMCALL:
        handle_vmcall(v);
        break;
    case EXIT_REASON_CR_ACCESS:
        handle_cr_access(v);
        break;
    case EXIT_REASON_XSETBV:
        handle_xsetbv(v);
        break;
    case EXIT_REASON_INVD:
        /* Dropping dirty lines would lose other guests' data: write back instead. */
        __asm__ volatile ("wbinvd" ::: "memory");
        skip_insn(v);
        break;
    case EXIT_REASON_GETSEC:
    case EXIT_REASON_RSM:
    case EXIT_REASON_VMCLEAR:
    case EXIT_REASON_VMLAUNCH:
    case EXIT_REASON_VMPTRLD:
    case EXIT_REASON_VMPTRST:
    case EXIT_REASON_VMREAD:
    case EXIT_REASON_VMRESUME:
    case EXIT_REASON_VMWRITE:
    case EXIT_REASON_VMXOFF:
    case EXIT_REASON_VMXON:
    case EXIT_REASON_INVEPT:
    case EXIT_REASON_INVVPID:
    case EXIT_REASON_VMFUNC:
    case EXIT_REASON_MONITOR:
    case EXIT_REASON_MWAIT:
        /* Features the guest's CPUID does not offer: #UD, as on such a CPU. */
        vmx_inject_exception(v, TRAP_UD, false, 0);
        break;
    case EXIT_REASON_EPT_VIOLATION:
        handle_ept_violation(v);
        break;
    case EXIT_REASON_EPT_MISCONFIG:
        crash(v, "EPT misconfiguration at gpa %#lx", vmread(GUEST_PHYSICAL_ADDRESS));
        break;
    case EXIT_REASON_TRIPLE_FAULT:
        crash(v, "triple fault");
        break;
    case EXIT_REASON_TASK_SWITCH:
        crash(v, "hardware task switch (not supported)");
        break;
    default:
        crash(v, "unexpected VMX exit %u (%s), qualification %#lx", reason & 0xffff,
              vmx_exit_name(reason), vmread(EXIT_QUALIFICATION));
        break;
    }
    return !v->domain->is_dying;
}

/* Called from the end-of-domain report: the VMCS is not current there, so use struct vcpu. */
void vmx_dump_state(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    const struct cpu_user_regs *r = &v->regs;

    printk("d%uv%u: last exit %u (%s) qualification %#lx after %lu exits\n",
           v->domain->domain_id, v->vcpu_id, s->last_exit_reason,
           vmx_exit_name(s->last_exit_reason), (unsigned long)s->last_exit_qual, s->nr_exits);
    printk("RIP:    %04lx:%016lx   RFLAGS: %016lx\n", (unsigned long)r->cs,
           (unsigned long)r->rip, (unsigned long)r->rflags);
    printk("RSP:    %04lx:%016lx\n", (unsigned long)r->ss, (unsigned long)r->rsp);
    printk("CR0: %016lx   CR2: %016lx   CR3: %016lx\n", (unsigned long)v->hvm.guest_cr[0],
           (unsigned long)v->hvm.guest_cr[2], (unsigned long)v->hvm.guest_cr[3]);
    printk("CR4: %016lx   EFER: %016lx (guest view)\n", (unsigned long)v->hvm.guest_cr[4],
           (unsigned long)v->hvm.guest_efer);
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("rbp: %016lx   r8:  %016lx   r9:  %016lx\n", r->rbp, r->r8, r->r9);
    printk("r10: %016lx   r11: %016lx   r12: %016lx\n", r->r10, r->r11, r->r12);
    printk("r13: %016lx   r14: %016lx   r15: %016lx\n", r->r13, r->r14, r->r15);
}
