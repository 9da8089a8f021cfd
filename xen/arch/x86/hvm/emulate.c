/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO instruction emulation (hvm_emulate_mmio(), asm/hvm/io.h).
 *
 * A guest access to a guest-physical address no p2m entry backs exits
 * with only that address.  Without decode assists Keel fetches the
 * instruction at CS:RIP through the guest's page tables, decodes it
 * (x86_emulate/decode.c), checks that the operand it computes is the page
 * that faulted, performs the access through the domain's MMIO handlers,
 * and writes back registers, flags and RIP.
 *
 * Check, then commit: the whole instruction is fetched, decoded and its
 * address checked before any device sees the access.  Anything that does
 * not fit (bytes that are not a supported instruction, a fetch from
 * unmapped memory, an operand elsewhere than the fault) ends the domain
 * with the reason in the detail; the hypervisor never faults.
 *
 * Segment limits and access rights are not checked: the guests Keel runs
 * use flat segments in protected mode, and long mode has no limits.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/guest_access.h>
#include <keel/x86_decode.h>
#include <asm/page.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/io.h>

#define CR0_PE          (1ULL << 0)
#define EFER_LMA        (1ULL << 10)
#define RFLAGS_DF       (1ULL << 10)
#define RFLAGS_VM       (1ULL << 17)
#define SEG_ATTR_L      (1u << 9)
#define SEG_ATTR_DB     (1u << 10)

/* String instructions done per exit before the guest runs again (it re-executes the rest). */
#define STRING_BATCH    64

struct emul {
    struct vcpu *v;
    struct x86_insn insn;
    enum x86_decode_mode mode;
    uint64_t fault_gpa;
    uint64_t gpr[16];
    uint8_t bytes[X86_MAX_INSN_LEN];
    unsigned int nr_bytes;
};

static void __printf(2, 3) emul_crash(struct emul *e, const char *fmt, ...)
{
    char detail[96];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    domain_end(e->v->domain, DOMEND_CRASH, detail);
}

static uint64_t *gpr_slot(struct cpu_user_regs *r, unsigned int n)
{
    switch ( n & 15 )
    {
    case 0: return &r->rax;
    case 1: return &r->rcx;
    case 2: return &r->rdx;
    case 3: return &r->rbx;
    case 4: return &r->rsp;
    case 5: return &r->rbp;
    case 6: return &r->rsi;
    case 7: return &r->rdi;
    case 8: return &r->r8;
    case 9: return &r->r9;
    case 10: return &r->r10;
    case 11: return &r->r11;
    case 12: return &r->r12;
    case 13: return &r->r13;
    case 14: return &r->r14;
    default: return &r->r15;
    }
}

static uint64_t size_mask(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static uint64_t reg_read(struct emul *e, unsigned int size)
{
    const struct x86_insn *in = &e->insn;

    if ( in->reg_high_byte )
        return (e->gpr[in->reg - 4] >> 8) & 0xff;
    return e->gpr[in->reg] & size_mask(size);
}

/* Write a register as the instruction would: 32-bit results zero-extend, 8/16-bit merge. */
static void reg_write(struct emul *e, unsigned int size, uint64_t val)
{
    const struct x86_insn *in = &e->insn;
    uint64_t *r;

    if ( in->reg_high_byte )
    {
        r = gpr_slot(&e->v->regs, in->reg - 4);
        *r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
        return;
    }
    r = gpr_slot(&e->v->regs, in->reg);
    if ( size == 4 )
        *r = (uint32_t)val;
    else if ( size == 8 )
        *r = val;
    else
        *r = (*r & ~size_mask(size)) | (val & size_mask(size));
}

static enum x86_decode_mode guest_mode(struct vcpu *v, const struct segment_register *cs)
{
    if ( !(v->hvm.guest_cr[0] & CR0_PE) || (v->regs.rflags & RFLAGS_VM) )
        return X86_MODE_16;
    if ( (v->hvm.guest_efer & EFER_LMA) && (cs->attr & SEG_ATTR_L) )
        return X86_MODE_64;
    return (cs->attr & SEG_ATTR_DB) ? X86_MODE_32 : X86_MODE_16;
}

/* Linear address of @off in segment @seg: only FS/GS have bases in 64-bit mode. */
static uint64_t linear(struct emul *e, unsigned int seg, uint64_t off)
{
    struct segment_register s;

    if ( e->mode == X86_MODE_64 && seg != X86_SEG_FS && seg != X86_SEG_GS )
        return off;
    hvm_funcs->get_segment(e->v, seg, &s);
    return e->mode == X86_MODE_64 ? s.base + off : (uint32_t)(s.base + off);
}

/* The instruction bytes at CS:RIP; a second page is optional (the insn may end before it). */
static int fetch(struct emul *e)
{
    struct segment_register cs;
    uint64_t lin;
    unsigned int first;

    hvm_funcs->get_segment(e->v, X86_SEG_CS, &cs);
    e->mode = guest_mode(e->v, &cs);
    lin = e->mode == X86_MODE_64 ? e->v->regs.rip : (uint32_t)(cs.base + e->v->regs.rip);
    first = MIN((uint64_t)X86_MAX_INSN_LEN, PAGE_SIZE - (lin & ~PAGE_MASK));
    if ( copy_from_guest_virt(e->v, e->bytes, lin, first) )
        return -EFAULT;
    e->nr_bytes = first;
    if ( first < X86_MAX_INSN_LEN &&
         !copy_from_guest_virt(e->v, e->bytes + first, lin + first, X86_MAX_INSN_LEN - first) )
        e->nr_bytes = X86_MAX_INSN_LEN;
    return 0;
}

static void crash_cannot_emulate(struct emul *e, const char *why)
{
    char hex[3 * 8 + 1];
    unsigned int i, n = MIN(e->nr_bytes, 8u);
    size_t len = 0;

    hex[0] = '\0';
    for ( i = 0; i < n; i++ )
        len += scnprintf(hex + len, sizeof(hex) - len, "%s%02x", i ? " " : "", e->bytes[i]);
    emul_crash(e, "cannot emulate instruction %s%s at %#lx (%s)", hex,
               e->nr_bytes > n ? " ..." : "", (unsigned long)e->v->regs.rip, why);
}

/* Is @gpa guest RAM (then copies reach it) rather than emulated MMIO? */
static bool is_ram(struct domain *d, uint64_t gpa)
{
    p2m_type_t t;

    return p2m_lookup(d->p2m, gpa >> PAGE_SHIFT, &t) != INVALID_MFN;
}

/* One element of memory, RAM or MMIO, at guest-physical @gpa. */
static int mem_read(struct emul *e, uint64_t gpa, unsigned int size, uint64_t *val)
{
    int rc;

    if ( !is_ram(e->v->domain, gpa) )
    {
        rc = hvm_mmio_read(e->v, gpa, size, val);
        *val &= size_mask(size);
        return rc;
    }
    *val = 0;
    return copy_from_guest_phys(e->v->domain, val, gpa, size);
}

static int mem_write(struct emul *e, uint64_t gpa, unsigned int size, uint64_t val)
{
    if ( !is_ram(e->v->domain, gpa) )
        return hvm_mmio_write(e->v, gpa, size, val & size_mask(size));
    return copy_to_guest_phys(e->v->domain, gpa, &val, size);
}

/* Does [gpa, gpa + size) touch the page that faulted? */
static bool hits_fault_page(const struct emul *e, uint64_t gpa, unsigned int size)
{
    uint64_t fp = e->fault_gpa >> PAGE_SHIFT;

    return (gpa >> PAGE_SHIFT) == fp || ((gpa + size - 1) >> PAGE_SHIFT) == fp;
}

static void load_gprs(struct emul *e)
{
    unsigned int i;

    for ( i = 0; i < 16; i++ )
        e->gpr[i] = *gpr_slot(&e->v->regs, i);
}

/* MOVS / STOS, a batch of elements per exit; RIP stays put until rCX reaches 0. */
static void emulate_string(struct emul *e)
{
    const struct x86_insn *in = &e->insn;
    struct cpu_user_regs *r = &e->v->regs;
    uint64_t amask = size_mask(in->addr_size);
    uint64_t count = in->rep ? (r->rcx & amask) : 1;
    int64_t step = (r->rflags & RFLAGS_DF) ? -(int64_t)in->op_size : in->op_size;
    unsigned int done;
    bool matched = false;

    for ( done = 0; done < count && done < STRING_BATCH; done++ )
    {
        uint64_t dst_lin = linear(e, X86_SEG_ES, r->rdi & amask), dst, src, val;
        uint64_t src_lin = linear(e, in->seg, r->rsi & amask);
        int rc = 0;

        /*
         * A later element the page tables do not map: stop here and let
         * the guest re-execute the rest, which takes its own #PF.
         */
        if ( done && (guest_linear_to_gpa(e->v, dst_lin, true, &dst) ||
                      (in->op == X86_OP_MOVS && guest_linear_to_gpa(e->v, src_lin, false, &src))) )
            break;
        if ( guest_linear_to_gpa(e->v, dst_lin, true, &dst) )
        {
            crash_cannot_emulate(e, "destination not mapped");
            return;
        }
        if ( in->op == X86_OP_MOVS )
        {
            if ( guest_linear_to_gpa(e->v, src_lin, false, &src) )
            {
                crash_cannot_emulate(e, "source not mapped");
                return;
            }
            matched |= hits_fault_page(e, src, in->op_size);
        }
        matched |= hits_fault_page(e, dst, in->op_size);
        /* The first element is the one that faulted; anything else is not what we decoded. */
        if ( !matched )
        {
            crash_cannot_emulate(e, "operand is not the faulting address");
            return;
        }

        if ( in->op == X86_OP_MOVS )
            rc = mem_read(e, src, in->op_size, &val);
        else
            val = r->rax & size_mask(in->op_size);
        if ( !rc )
            rc = mem_write(e, dst, in->op_size, val);
        if ( rc )
        {
            emul_crash(e, "string access at gpa %#lx failed (%d)", (unsigned long)dst, rc);
            return;
        }

        r->rdi = (r->rdi & ~amask) | ((r->rdi + step) & amask);
        if ( in->op == X86_OP_MOVS )
            r->rsi = (r->rsi & ~amask) | ((r->rsi + step) & amask);
        if ( in->rep )
            r->rcx = (r->rcx & ~amask) | ((r->rcx - 1) & amask);
    }
    /* 32-bit address-size updates zero-extend the registers, as the CPU does. */
    if ( in->addr_size == 4 )
    {
        r->rdi = (uint32_t)r->rdi;
        r->rsi = in->op == X86_OP_MOVS ? (uint32_t)r->rsi : r->rsi;
        r->rcx = in->rep ? (uint32_t)r->rcx : r->rcx;
    }
    if ( done == count )
        hvm_funcs->retire_insn(e->v, in->len);
}

/* Every non-string form: one memory operand at the faulting address. */
static void emulate_one(struct emul *e)
{
    const struct x86_insn *in = &e->insn;
    struct vcpu *v = e->v;
    uint64_t off = x86_ea_offset(in, e->gpr, v->regs.rip);
    uint64_t lin = linear(e, in->seg, off), gpa, mem = 0, reg = 0, res;
    unsigned int size = in->op_size;
    int rc = 0;

    if ( guest_linear_to_gpa(v, lin, in->writes_mem, &gpa) )
    {
        crash_cannot_emulate(e, "operand not mapped");
        return;
    }
    if ( !hits_fault_page(e, gpa, size) )
    {
        crash_cannot_emulate(e, "operand is not the faulting address");
        return;
    }

    if ( in->reads_mem )
        rc = mem_read(e, gpa, size, &mem);
    if ( rc )
    {
        emul_crash(e, "MMIO read of gpa %#lx failed (%d)", (unsigned long)gpa, rc);
        return;
    }
    if ( in->reg != X86_REG_NONE )
        reg = reg_read(e, in->reg_size ? in->reg_size : size);

    switch ( in->op )
    {
    case X86_OP_MOV_LOAD:
        reg_write(e, in->reg_size, mem);
        break;
    case X86_OP_MOVZX:
        reg_write(e, in->reg_size, mem);
        break;
    case X86_OP_MOVSX:
        res = size == 1 ? (uint64_t)(int64_t)(int8_t)mem : (uint64_t)(int64_t)(int16_t)mem;
        reg_write(e, in->reg_size, res);
        break;
    case X86_OP_MOV_STORE:
        rc = mem_write(e, gpa, size, in->has_imm ? in->imm : reg);
        break;
    case X86_OP_XCHG:
        rc = mem_write(e, gpa, size, reg);
        if ( !rc )
            reg_write(e, size, mem);
        break;
    default:
    {
        /* ALU: "dst OP src", dst being the memory operand unless the form says otherwise. */
        uint64_t src = in->has_imm ? in->imm : in->mem_second ? mem : reg;

        res = in->mem_second ? reg : mem;
        v->regs.rflags = x86_alu(in->op, size, &res, src, v->regs.rflags);
        if ( in->writes_mem )
            rc = mem_write(e, gpa, size, res);
        else if ( in->writes_reg )
            reg_write(e, size, res);
        break;
    }
    }
    if ( rc )
    {
        emul_crash(e, "MMIO write of gpa %#lx failed (%d)", (unsigned long)gpa, rc);
        return;
    }
    hvm_funcs->retire_insn(v, in->len);
}

void hvm_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
    struct emul e = { .v = v, .fault_gpa = gpa };
    int rc;

    if ( !hvm_funcs->get_segment || !hvm_funcs->retire_insn )
    {
        emul_crash(&e, "MMIO at gpa %#lx: no instruction emulation on %s yet",
                   (unsigned long)gpa, hvm_funcs->name);
        return;
    }
    if ( fetch(&e) )
{
    emul_crash(&e, "cannot emulate instruction at %#lx: fetch failed (MMIO at gpa %#lx)",
                   (unsigned long)v->regs.rip, (unsigned long)gpa);
    return;
}
    rc = x86_decode(e.bytes, e.nr_bytes, e.mode, &e.insn);
    if ( rc )
    {
        crash_cannot_emulate(&e, rc == -EOPNOTSUPP ? "unsupported" : "undecodable");
        return;
    }
    load_gprs(&e);
    if ( e.insn.op == X86_OP_MOVS || e.insn.op == X86_OP_STOS )
        emulate_string(&e);
    else
        emulate_one(&e);
}
