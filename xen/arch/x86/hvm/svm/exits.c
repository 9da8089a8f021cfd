/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVM exit handling.  Each handler finishes the intercepted instruction
 * on the guest's behalf or injects the fault a CPU would raise; anything
 * Keel cannot make sense of ends the domain (reason crash, with the exit
 * in the detail), never the hypervisor.
 *
 * Without NRIP save (QEMU's TCG has none) the next RIP comes from the
 * instruction's known length: CPUID, RDMSR, WRMSR, INVD 2 bytes, VMMCALL
 * 3, HLT 1.  I/O exits give it in EXITINFO2 on every CPU.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/guest_access.h>
#include <asm/processor.h>
#include <asm/hvm/svm/svm.h>

#define X86_EFLAGS_IF   (1UL << 9)
#define X86_EFLAGS_DF   (1UL << 10)
#define SEG_ATTR_L      (1u << 9)
#define SEG_ATTR_DB     (1u << 10)
#define EFER_LMA        (1UL << 10)

#define TRAP_UD         6
#define TRAP_GP         13

/* I/O string instructions handled per exit, so a huge REP count cannot hold the CPU. */
#define IO_REP_BATCH    4096

static bool long_mode_code(const struct vmcb *vmcb)
{
    return (vmcb->efer & EFER_LMA) && (vmcb->cs.attr & SEG_ATTR_L);
}

/* Move RIP past the intercepted instruction of @len bytes. */
static void skip_insn(struct vcpu *v, unsigned int len)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    if ( cpu_has_svm_nrips )
        v->regs.rip = vmcb->nrip;
    else
    {
        v->regs.rip += len;
        if ( !long_mode_code(vmcb) )
            v->regs.rip = (uint32_t)v->regs.rip;
    }
    /* The instruction completed: an STI or MOV SS shadow over it is over. */
    vmcb->int_state &= ~1UL;
}

/*
 * An instruction Keel emulated (hvm/emulate.c) is done: step past it.
 * Always by the decoded length: NRIP is only saved for instruction
 * intercepts, not for nested page faults.
 */
void svm_retire_insn(struct vcpu *v, unsigned int len)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    v->regs.rip += len;
    if ( !long_mode_code(vmcb) )
        v->regs.rip = (uint32_t)v->regs.rip;
    vmcb->int_state &= ~1UL;
}

void svm_get_segment(struct vcpu *v, unsigned int seg, struct segment_register *reg)
{
    const struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    const struct vmcb_seg *s;

    switch ( seg )
    {
    case 0: s = &vmcb->es; break;
    case 1: s = &vmcb->cs; break;
    case 2: s = &vmcb->ss; break;
    case 3: s = &vmcb->ds; break;
    case 4: s = &vmcb->fs; break;
    default: s = &vmcb->gs; break;
    }
    *reg = (struct segment_register){ s->sel, s->attr, s->limit, s->base };
}

void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_err, uint32_t err)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    vmcb->eventinj = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID |
                     (has_err ? EVENT_ERR_VALID | ((uint64_t)err << 32) : 0);
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

static void handle_cpuid(struct vcpu *v)
{
    uint32_t a, b, c, d;

    hvm_cpuid(v, (uint32_t)v->regs.rax, (uint32_t)v->regs.rcx, &a, &b, &c, &d);
    /* 32-bit results are zero-extended, as the instruction does. */
    v->regs.rax = a;
    v->regs.rbx = b;
    v->regs.rcx = c;
    v->regs.rdx = d;
    skip_insn(v, 2);
}

static void handle_msr(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    uint32_t msr = (uint32_t)v->regs.rcx;
    uint64_t val;

    if ( vmcb->exitinfo1 == 0 )
    {
        if ( hvm_msr_read(v, msr, &val) )
        {
            svm_inject_exception(v, TRAP_GP, true, 0);
            return;
        }
        v->regs.rax = (uint32_t)val;
        v->regs.rdx = val >> 32;
    }
    else
    {
        val = ((uint64_t)(uint32_t)v->regs.rdx << 32) | (uint32_t)v->regs.rax;
        if ( hvm_msr_write(v, msr, val) )
        {
            svm_inject_exception(v, TRAP_GP, true, 0);
            return;
        }
        /* msr.c keeps the guest's view; these two live in the VMCB. */
        vmcb->efer = v->hvm.guest_efer | EFER_SVME;
        vmcb->g_pat = v->hvm.guest_pat;
    }
    skip_insn(v, 2);
}

/* Update a string register the way an instruction of address size @amask does. */
static uint64_t str_reg_update(uint64_t old, int64_t delta, uint64_t amask)
{
    if ( amask == 0xffffffffUL )
        return (uint32_t)(old + delta);         /* 32-bit writes zero-extend */
    return (old & ~amask) | ((old + delta) & amask);
}

/*
 * Port I/O goes to the domain's port handlers (hvm/portio.c), which give
 * all-ones for reads and drop writes where nothing is claimed.  String
 * forms move one element per port access, a batch per exit, and update
 * RSI/RDI and RCX as the instruction would.  OUTS reads from DS:rSI (no
 * decode assists tell us about a segment override; in long mode, where
 * Linux runs, DS has no base anyway).
 */
static void handle_ioio(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    uint32_t info = vmcb->exitinfo1;
    uint16_t port = info >> 16;
    unsigned int size = (info & IOIO_SZ32) ? 4 : (info & IOIO_SZ16) ? 2 : 1;
    uint64_t amask = (info & IOIO_A16) ? 0xffff : (info & IOIO_A32) ? 0xffffffffUL : ~0UL;
    bool lm = long_mode_code(vmcb);
    uint64_t count, done;
    uint32_t val;
    int64_t step;
    int rc;

    if ( !(info & IOIO_STR) )
    {
        if ( info & IOIO_IN )
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
        v->regs.rip = vmcb->exitinfo2;
        vmcb->int_state &= ~1UL;
        return;
    }

    count = (info & IOIO_REP) ? (v->regs.rcx & amask) : 1;
    step = (v->regs.rflags & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;

    for ( done = 0; done < count && done < IO_REP_BATCH; done++ )
    {
        uint64_t reg = (info & IOIO_IN) ? v->regs.rdi : v->regs.rsi;
        uint64_t lin = lm ? (reg & amask)
                          : (uint32_t)(((info & IOIO_IN) ? vmcb->es.base : vmcb->ds.base) +
                                       (reg & amask));

        val = 0;
        if ( info & IOIO_IN )
        {
            /* INS stores what the port gives at ES:rDI. */
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

    if ( info & IOIO_REP )
        v->regs.rcx = str_reg_update(v->regs.rcx, -(int64_t)done, amask);
    /* Unfinished REP: leave RIP on the instruction, it exits again for the next batch. */
    if ( done == count )
    {
        v->regs.rip = vmcb->exitinfo2;
        vmcb->int_state &= ~1UL;
    }
}

static bool handle_hlt(struct vcpu *v)
{
    skip_insn(v, 1);
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

static void handle_vmmcall(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;

    skip_insn(v, 3);
    /* As in Xen: a hypercall from guest user mode fails, it never reaches a handler. */
    if ( vmcb->cpl != 0 )
    {
        v->regs.rax = (uint64_t)-EPERM;
        if ( !long_mode_code(vmcb) )
            v->regs.rax = (uint32_t)v->regs.rax;
        return;
    }
    hvm_hypercall(v);
}

/*
 * A guest-physical address no p2m entry backs is emulated MMIO (devices
 * registered with hvm_register_mmio(), all-ones and dropped writes
 * elsewhere).  A fault on a mapped page (a write to read-only RAM) has no
 * meaning yet and ends the domain.
 */
static void handle_npf(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    uint64_t gpa = vmcb->exitinfo2;
    p2m_type_t t;

    /*
     * While an event was being delivered (EXITINTINFO valid) the access
     * was the delivery's (an IDT or stack in MMIO), not the instruction's
     * at RIP: nothing to emulate.
     */
    if ( vmcb->exitintinfo & EVENT_VALID )
        crash(v, "nested page fault at gpa %#lx while delivering an event", (unsigned long)gpa);
    else if ( p2m_lookup(v->domain->p2m, gpa >> PAGE_SHIFT, &t) == INVALID_MFN )
        hvm_emulate_mmio(v, gpa);
    else
        crash(v, "nested page fault at gpa %#lx (type %d, error %#lx)", (unsigned long)gpa,
              t, (unsigned long)vmcb->exitinfo1);
}

/*
 * An exit that interrupted the delivery of an event (EXITINTINFO valid)
 * must deliver it again at the next VMRUN.  Software interrupts and
 * INT3/INTO are not re-injected: without NRIP save their return address
 * is unknown, and RIP still points at the instruction, which simply runs
 * again.
 */
static void reinject_interrupted_event(struct vmcb *vmcb)
{
    uint64_t ev = vmcb->exitintinfo;
    uint32_t type = ev & EVENT_TYPE_MASK;
    uint8_t vec = ev & 0xff;

    if ( !(ev & EVENT_VALID) )
        return;
    if ( type == EVENT_TYPE_SWINT || (type == EVENT_TYPE_EXCEPTION && (vec == 3 || vec == 4)) )
        return;
    vmcb->eventinj = ev;
}

const char *svm_exit_name(uint64_t code)
{
    switch ( code )
    {
    case VMEXIT_INTR: return "intr";
    case VMEXIT_NMI: return "nmi";
    case VMEXIT_SMI: return "smi";
    case VMEXIT_INIT: return "init";
    case VMEXIT_VINTR: return "vintr";
    case VMEXIT_CPUID: return "cpuid";
    case VMEXIT_RSM: return "rsm";
    case VMEXIT_IRET: return "iret";
    case VMEXIT_INVD: return "invd";
    case VMEXIT_HLT: return "hlt";
    case VMEXIT_INVLPGA: return "invlpga";
    case VMEXIT_IOIO: return "ioio";
    case VMEXIT_MSR: return "msr";
    case VMEXIT_TASK_SWITCH: return "task switch";
    case VMEXIT_SHUTDOWN: return "shutdown";
    case VMEXIT_VMRUN: return "vmrun";
    case VMEXIT_VMMCALL: return "vmmcall";
    case VMEXIT_VMLOAD: return "vmload";
    case VMEXIT_VMSAVE: return "vmsave";
    case VMEXIT_STGI: return "stgi";
    case VMEXIT_CLGI: return "clgi";
    case VMEXIT_SKINIT: return "skinit";
    case VMEXIT_RDTSCP: return "rdtscp";
    case VMEXIT_MONITOR: return "monitor";
    case VMEXIT_MWAIT: return "mwait";
    case VMEXIT_MWAIT_ARMED: return "mwait";
    case VMEXIT_XSETBV: return "xsetbv";
    case VMEXIT_NPF: return "npf";
    case VMEXIT_INVALID: return "invalid guest state";
    default:
        return code >= VMEXIT_EXCEPTION_BASE && code < VMEXIT_EXCEPTION_BASE + 32
               ? "exception" : "unknown";
    }
}

bool svm_handle_exit(struct vcpu *v)
{
    struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    uint64_t code = vmcb->exitcode;

    vmcb->eventinj = 0;
    reinject_interrupted_event(vmcb);

    switch ( code )
    {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
    case VMEXIT_SMI:
    case VMEXIT_INIT:
        /* The host takes it once GIF and IF are set again. */
        break;
    case VMEXIT_VINTR:
        /* The interrupt window opened: svm_intr_assist() injects at the next VMRUN. */
        break;
    case VMEXIT_IRET:
        /*
         * The guest's NMI handler returns: NMIs may be injected again
         * (intr.c).  The IRET has not run yet; the shadow keeps a waiting
         * NMI from being injected before it does.
         */
        vmcb->intercepts0 &= ~INTERCEPT_IRET;
        vmcb->int_state |= 1;
        break;
    case VMEXIT_CPUID:
        handle_cpuid(v);
        break;
    case VMEXIT_MSR:
        handle_msr(v);
        break;
    case VMEXIT_IOIO:
        handle_ioio(v);
        break;
    case VMEXIT_HLT:
        return handle_hlt(v);
    case VMEXIT_VMMCALL:
        handle_vmmcall(v);
        break;
    case VMEXIT_INVD:
        /* Dropping dirty lines would lose other guests' data: write back instead. */
        __asm__ volatile ("wbinvd" ::: "memory");
        skip_insn(v, 2);
        break;
    case VMEXIT_VMRUN:
    case VMEXIT_VMLOAD:
    case VMEXIT_VMSAVE:
    case VMEXIT_STGI:
    case VMEXIT_CLGI:
    case VMEXIT_SKINIT:
    case VMEXIT_INVLPGA:
    case VMEXIT_RDTSCP:
    case VMEXIT_MONITOR:
    case VMEXIT_MWAIT:
    case VMEXIT_MWAIT_ARMED:
    case VMEXIT_XSETBV:
    case VMEXIT_RSM:
        /* Features the guest's CPUID does not offer: #UD, as on such a CPU. */
        svm_inject_exception(v, TRAP_UD, false, 0);
        break;
    case VMEXIT_NPF:
        handle_npf(v);
        break;
    case VMEXIT_SHUTDOWN:
        crash(v, "triple fault");
        break;
    case VMEXIT_TASK_SWITCH:
        crash(v, "hardware task switch (not supported)");
        break;
    case VMEXIT_INVALID:
        svm_vmcb_dump(vmcb);
        crash(v, "VMRUN refused the guest state (invalid VMCB)");
        break;
    default:
        crash(v, "unexpected SVM exit %#lx (%s), info1 %#lx info2 %#lx", (unsigned long)code,
              svm_exit_name(code), (unsigned long)vmcb->exitinfo1,
              (unsigned long)vmcb->exitinfo2);
        break;
    }
    return !v->domain->is_dying;
}

void svm_dump_state(struct vcpu *v)
{
    const struct vmcb *vmcb = svm_vcpu(v)->vmcb;
    const struct cpu_user_regs *r = &v->regs;

    printk("d%uv%u: last exit %#lx (%s) after %lu exits\n", v->domain->domain_id, v->vcpu_id,
           (unsigned long)vmcb->exitcode, svm_exit_name(vmcb->exitcode),
           svm_vcpu(v)->nr_exits);
    printk("RIP:    %04x:%016lx   RFLAGS: %016lx   CPL: %u\n", vmcb->cs.sel,
           (unsigned long)r->rip, (unsigned long)r->rflags, vmcb->cpl);
    printk("RSP:    %04x:%016lx   CS attr %04x base %lx   SS attr %04x\n", vmcb->ss.sel,
           (unsigned long)r->rsp, vmcb->cs.attr, (unsigned long)vmcb->cs.base, vmcb->ss.attr);
    printk("CR0: %016lx   CR2: %016lx   CR3: %016lx\n", (unsigned long)vmcb->cr0,
           (unsigned long)vmcb->cr2, (unsigned long)vmcb->cr3);
    printk("CR4: %016lx   EFER: %016lx (guest view)\n", (unsigned long)vmcb->cr4,
           (unsigned long)v->hvm.guest_efer);
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("rbp: %016lx   r8:  %016lx   r9:  %016lx\n", r->rbp, r->r8, r->r9);
    printk("r10: %016lx   r11: %016lx   r12: %016lx\n", r->r10, r->r11, r->r12);
    printk("r13: %016lx   r14: %016lx   r15: %016lx\n", r->r13, r->r14, r->r15);
    printk("exitinfo1: %016lx   exitinfo2: %016lx   exitintinfo: %016lx\n",
           (unsigned long)vmcb->exitinfo1, (unsigned long)vmcb->exitinfo2,
           (unsigned long)vmcb->exitintinfo);
}
