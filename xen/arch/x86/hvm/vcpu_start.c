/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Start states of a vCPU (asm/hvm/vcpu_start.h): the PVH entry state,
 * the real-mode state INIT + STARTUP leave (Intel SDM vol. 3A table 9-1
 * and 10.4.4.1), and the state a guest asks for with VCPUOP_initialise.
 *
 * A VCPUOP_initialise context is checked the way Xen checks it (segment
 * kinds, DPLs, EIP within CS, long mode needs paging, PAE and LME), and
 * also against what VM entry would refuse on either vendor (reserved
 * CR0/CR4/EFER/RFLAGS bits, limits that do not match the granularity,
 * a CR3 beyond the physical address width, a non-canonical RIP): a bad
 * context is -EINVAL for the caller, never a domain that cannot enter.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <asm/hvm/vcpu_start.h>

#define CR0_PE              (1UL << 0)
#define CR0_MP              (1UL << 1)
#define CR0_EM              (1UL << 2)
#define CR0_TS              (1UL << 3)
#define CR0_ET              (1UL << 4)
#define CR0_NE              (1UL << 5)
#define CR0_WP              (1UL << 16)
#define CR0_AM              (1UL << 18)
#define CR0_NW              (1UL << 29)
#define CR0_CD              (1UL << 30)
#define CR0_PG              (1UL << 31)
#define CR0_VALID           (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | \
                             CR0_AM | CR0_NW | CR0_CD | CR0_PG)
#define CR4_PAE             (1UL << 5)
#define EFER_LME            (1UL << 8)
#define EFER_LMA            (1UL << 10)
/* RFLAGS bits a context may set: everything defined except VM (no virtual-8086 starts). */
#define RFLAGS_FIXED1       (1UL << 1)
#define RFLAGS_VALID        0x3d7fd7UL

/* Attribute fields (VMCB packing, see vcpu_start.h). */
#define ATTR_P              0x080u
#define ATTR_L              0x200u
#define ATTR_G              0x800u
#define ATTR_TYPE(a)        ((a) & 0xfu)
#define ATTR_S              0x010u
#define ATTR_DPL(a)         (((a) >> 5) & 3u)
#define TYPE_CODE           0x8u
#define TYPE_WRITABLE       0x2u        /* data: writable; code: readable */
#define TYPE_ACCESSED       0x1u
#define TYPE_TSS_BUSY32     0xbu

/* Reset state of the segments INIT leaves: present, read/write (code: execute/read), accessed. */
#define ATTR_REAL_CODE      0x09bu
#define ATTR_REAL_DATA      0x093u
#define ATTR_TSS_BUSY       0x08bu
#define ATTR_LDT            0x082u
#define ATTR_FLAT_CODE32    0xc9bu
#define ATTR_FLAT_CODE64    0xa9bu
#define ATTR_FLAT_DATA      0xc93u

static const struct segment_register null_ldtr = { 0, ATTR_LDT, 0, 0 };

void hvm_start_state_pvh(struct hvm_vcpu_start *s, uint32_t entry, uint32_t start_info)
{
    const struct segment_register data = { 0x18, ATTR_FLAT_DATA, 0xffffffff, 0 };

    memset(s, 0, sizeof(*s));
    s->rip = entry;
    s->rbx = start_info;
    s->rflags = RFLAGS_FIXED1;
    s->cr0 = CR0_PE | CR0_ET;
    s->cs = (struct segment_register){ 0x10, ATTR_FLAT_CODE32, 0xffffffff, 0 };
    s->ss = s->ds = s->es = s->fs = s->gs = data;
    s->tr = (struct segment_register){ 0x20, ATTR_TSS_BUSY, 0x67, 0 };
    s->ldtr = null_ldtr;
}

void hvm_start_state_sipi(struct hvm_vcpu_start *s, uint8_t vector, uint32_t signature)
{
    const struct segment_register data = { 0, ATTR_REAL_DATA, 0xffff, 0 };

    memset(s, 0, sizeof(*s));
    s->rdx = signature;
    s->rip = 0;
    s->rflags = RFLAGS_FIXED1;
    s->cr0 = CR0_CD | CR0_NW | CR0_ET;         /* 0x60000010: real mode, caches off */
    s->cs = (struct segment_register){ (uint16_t)vector << 8, ATTR_REAL_CODE, 0xffff,
                                       (uint64_t)vector << 12 };
    s->ss = s->ds = s->es = s->fs = s->gs = data;
    s->tr = (struct segment_register){ 0, ATTR_TSS_BUSY, 0xffff, 0 };
    s->ldtr = (struct segment_register){ 0, ATTR_LDT, 0xffff, 0 };
    s->gdtr = s->idtr = (struct segment_register){ 0, 0, 0xffff, 0 };
}

static bool limit_matches_granularity(const struct segment_register *s)
{
    if ( s->attr & ATTR_G )
        return (s->limit & 0xfff) == 0xfff;
    return s->limit <= 0xfffff;
}

/*
 * One segment of a 32-bit context; @kind is 'c' (CS), 's' (SS), 'd' (DS
 * or ES) or 't' (TR).  A present segment gets its accessed bit (TR: its
 * busy bit) set, as loading it would.  NULL if fine, else why not.
 */
static const char *check_segment(struct segment_register *s, char kind)
{
    if ( s->attr & 0xf000 )
        return "segment attribute bits 12-15 are not zero";
    if ( s->attr == 0 )
        return kind == 'd' ? NULL : "null CS, SS or TR";
    if ( !(s->attr & ATTR_P) )
        return "segment not present";
    if ( kind == 't' )
    {
        s->attr |= 0x2;
        if ( (s->attr & ATTR_S) || ATTR_TYPE(s->attr) != TYPE_TSS_BUSY32 )
            return "TR is not a 32-bit TSS";
    }
    else
    {
        s->attr |= TYPE_ACCESSED;
        if ( !(s->attr & ATTR_S) )
            return "system segment for CS, SS, DS or ES";
        if ( kind == 'c' && !(ATTR_TYPE(s->attr) & TYPE_CODE) )
            return "CS is not a code segment";
        if ( kind == 'c' && (s->attr & ATTR_L) )
            return "CS is a 64-bit code segment (use VCPU_HVM_MODE_64B)";
        if ( kind == 's' && ((ATTR_TYPE(s->attr) & TYPE_CODE) ||
                             !(ATTR_TYPE(s->attr) & TYPE_WRITABLE)) )
            return "SS is not a writable data segment";
        if ( kind == 'd' && (ATTR_TYPE(s->attr) & TYPE_CODE) &&
             !(ATTR_TYPE(s->attr) & TYPE_WRITABLE) )
            return "DS or ES is an execute-only code segment";
    }
    if ( !limit_matches_granularity(s) )
        return "segment limit does not match its granularity";
    return NULL;
}

/* CR0, CR3, CR4, EFER and RFLAGS of either mode; EFER.LMA is derived here. */
static const char *check_control(struct hvm_vcpu_start *s, const struct hvm_start_limits *lim)
{
    if ( s->cr0 & ~CR0_VALID )
        return "reserved CR0 bits set";
    if ( (s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE) )
        return "CR0.PG without CR0.PE";
    if ( (s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD) )
        return "CR0.NW without CR0.CD";
    s->cr0 |= CR0_ET;                           /* hardwired to 1 */
    if ( s->cr4 & ~lim->cr4_valid )
        return "CR4 bits this vCPU does not offer";
    if ( s->efer & ~(lim->efer_valid | EFER_LMA) )
        return "EFER bits this vCPU does not offer";
    if ( (s->efer & EFER_LMA) && !((s->efer & EFER_LME) && (s->cr0 & CR0_PG)) )
        return "EFER.LMA without EFER.LME and paging";
    if ( (s->efer & EFER_LME) && (s->cr0 & CR0_PG) )
    {
        if ( !(s->cr4 & CR4_PAE) )
            return "long mode without CR4.PAE";
        s->efer |= EFER_LMA;
    }
    if ( lim->paddr_bits < 64 && (s->cr3 >> lim->paddr_bits) )
        return "CR3 beyond the physical address width";
    if ( s->rflags & ~RFLAGS_VALID )
        return "reserved or virtual-8086 RFLAGS bits set";
    s->rflags |= RFLAGS_FIXED1;
    return NULL;
}

static const char *from_32(struct hvm_vcpu_start *s, const struct vcpu_hvm_x86_32 *r,
                           const struct hvm_start_limits *lim)
{
    const char *why;

    if ( r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2] )
        return "padding not zero";
    s->rax = r->eax;
    s->rcx = r->ecx;
    s->rdx = r->edx;
    s->rbx = r->ebx;
    s->rsp = r->esp;
    s->rbp = r->ebp;
    s->rsi = r->esi;
    s->rdi = r->edi;
    s->rip = r->eip;
    s->rflags = r->eflags;
    s->cr0 = r->cr0;
    s->cr3 = r->cr3;
    s->cr4 = r->cr4;
    s->efer = r->efer;
    s->cs = (struct segment_register){ 0, r->cs_ar, r->cs_limit, r->cs_base };
    s->ss = (struct segment_register){ 0, r->ss_ar, r->ss_limit, r->ss_base };
    s->ds = (struct segment_register){ 0, r->ds_ar, r->ds_limit, r->ds_base };
    s->es = (struct segment_register){ 0, r->es_ar, r->es_limit, r->es_base };
    s->tr = (struct segment_register){ 0, r->tr_ar, r->tr_limit, r->tr_base };
    if ( (why = check_segment(&s->cs, 'c')) || (why = check_segment(&s->ss, 's')) ||
         (why = check_segment(&s->ds, 'd')) || (why = check_segment(&s->es, 'd')) ||
         (why = check_segment(&s->tr, 't')) )
        return why;
    if ( !(s->cr0 & CR0_PE) )
        return "CR0.PE clear (a 32-bit context is protected mode)";
    if ( s->rip > s->cs.limit )
        return "EIP beyond the CS limit";
    if ( ATTR_DPL(s->ss.attr) != ATTR_DPL(s->cs.attr) )
        return "SS.DPL differs from CS.DPL";
    if ( (s->ds.attr && ATTR_DPL(s->ds.attr) > ATTR_DPL(s->cs.attr)) ||
         (s->es.attr && ATTR_DPL(s->es.attr) > ATTR_DPL(s->cs.attr)) )
        return "DS.DPL or ES.DPL above CS.DPL";
    return check_control(s, lim);
}

static const char *from_64(struct hvm_vcpu_start *s, const struct vcpu_hvm_x86_64 *r,
                           const struct hvm_start_limits *lim)
{
    const struct segment_register data = { 0, ATTR_FLAT_DATA, 0xffffffff, 0 };

    s->rax = r->rax;
    s->rcx = r->rcx;
    s->rdx = r->rdx;
    s->rbx = r->rbx;
    s->rsp = r->rsp;
    s->rbp = r->rbp;
    s->rsi = r->rsi;
    s->rdi = r->rdi;
    s->rip = r->rip;
    s->rflags = r->rflags;
    s->cr0 = r->cr0;
    s->cr3 = r->cr3;
    s->cr4 = r->cr4;
    s->efer = r->efer;
    /* 48-bit linear addresses: bits 63:47 all equal. */
    if ( (uint64_t)((int64_t)(s->rip << 16) >> 16) != s->rip )
        return "RIP not canonical";
    if ( !(s->cr0 & CR0_PG) )
        return "CR0.PG clear";
    if ( !(s->cr4 & CR4_PAE) )
        return "CR4.PAE clear";
    if ( !(s->efer & EFER_LME) )
        return "EFER.LME clear";
    s->cs = (struct segment_register){ 0, ATTR_FLAT_CODE64, 0xffffffff, 0 };
    s->ss = s->ds = s->es = data;
    s->tr = (struct segment_register){ 0, ATTR_TSS_BUSY, 0x67, 0 };
    return check_control(s, lim);
}

int hvm_start_state_from_context(struct hvm_vcpu_start *s, const struct vcpu_hvm_context *ctx,
                                 const struct hvm_start_limits *lim, const char **why)
{
    const struct segment_register data = { 0, ATTR_FLAT_DATA, 0xffffffff, 0 };

    memset(s, 0, sizeof(*s));
    *why = NULL;
    if ( ctx->pad )
        *why = "padding not zero";
    else if ( ctx->mode == VCPU_HVM_MODE_32B )
        *why = from_32(s, &ctx->cpu_regs.x86_32, lim);
    else if ( ctx->mode == VCPU_HVM_MODE_64B )
        *why = from_64(s, &ctx->cpu_regs.x86_64, lim);
    else
        *why = "unknown mode";
    if ( *why )
        return -EINVAL;
    /* Not in the context: flat FS and GS, no LDT, empty descriptor tables. */
    s->fs = s->gs = data;
    s->ldtr = null_ldtr;
    return 0;
}
