/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MSRs a guest may read or write, vendor-neutral.  Everything not
 * listed raises #GP in the guest (return -EPERM), logged at debug level
 * with the MSR number so a test can tell which one a guest wanted.
 * Values that live in the VMCB/VMCS (EFER, PAT) are kept in struct
 * hvm_vcpu; the vendor code loads them after a successful write.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <asm/page.h>
#include <asm/processor.h>

#define MSR_TSC                 0x00000010
#define MSR_UCODE_REV           0x0000008b
#define MSR_MTRR_CAP            0x000000fe
#define MSR_MISC_ENABLE         0x000001a0
#define MSR_MTRR_PHYS_FIRST     0x00000200
#define MSR_MTRR_PHYS_LAST      0x0000020f
#define MSR_MTRR_FIX64K         0x00000250
#define MSR_MTRR_FIX16K_80000   0x00000258
#define MSR_MTRR_FIX16K_A0000   0x00000259
#define MSR_MTRR_FIX4K_FIRST    0x00000268
#define MSR_MTRR_FIX4K_LAST     0x0000026f
#define MSR_PAT                 0x00000277
#define MSR_MTRR_DEF_TYPE       0x000002ff
#define MSR_HWCR                0xc0010015
#define MSR_XEN_HYPERCALL_PAGE  0x40000000

#define EFER_LMA                (1UL << 10)
#define APIC_DEFAULT_BASE       0xfee00000UL
#define APIC_BASE_BSP           (1UL << 8)
#define APIC_BASE_ENABLE        (1UL << 11)
/* Perf monitoring and PEBS are unavailable: no virtual PMU. */
#define MISC_ENABLE_GUEST       ((1UL << 11) | (1UL << 12))
/* MTRRs on, default type write-back, no ranges: all RAM is WB (MTRRcap reports none). */
#define MTRR_DEF_TYPE_GUEST     0x806UL

static bool is_mtrr_range(uint32_t msr)
{
    return (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST) ||
           msr == MSR_MTRR_FIX64K || msr == MSR_MTRR_FIX16K_80000 ||
           msr == MSR_MTRR_FIX16K_A0000 ||
           (msr >= MSR_MTRR_FIX4K_FIRST && msr <= MSR_MTRR_FIX4K_LAST);
}

static uint64_t apic_base(const struct vcpu *v)
{
    return APIC_DEFAULT_BASE | APIC_BASE_ENABLE | (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
}

/* PAT entries may be UC, WC, WT, WP, WB or UC- (0, 1, 4, 5, 6, 7). */
static bool pat_valid(uint64_t pat)
{
    unsigned int i;

    for ( i = 0; i < 8; i++ )
    {
        uint8_t t = pat >> (i * 8);

        if ( t == 2 || t == 3 || t > 7 )
            return false;
    }
    return true;
}

int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch ( msr )
    {
    case MSR_EFER:
        *val = v->hvm.guest_efer;
        return 0;
    case MSR_APIC_BASE:
        *val = apic_base(v);
        return 0;
    case MSR_TSC:
        *val = rdtsc();             /* the guest's TSC offset is 0 */
        return 0;
    case MSR_PAT:
        *val = v->hvm.guest_pat;
        return 0;
    case MSR_MTRR_CAP:
        *val = 0;
        return 0;
    case MSR_MTRR_DEF_TYPE:
        *val = MTRR_DEF_TYPE_GUEST;
        return 0;
    case MSR_MISC_ENABLE:
        *val = MISC_ENABLE_GUEST;
        return 0;
    case MSR_UCODE_REV:
    case MSR_HWCR:
        *val = 0;
        return 0;
    default:
        if ( is_mtrr_range(msr) )
        {
            *val = 0;
            return 0;
        }
        break;
    }
    printk(XENLOG_DEBUG "d%uv%u: rdmsr %#x not handled: #GP\n", v->domain->domain_id,
           v->vcpu_id, msr);
    return -EPERM;
}

static int efer_write(struct vcpu *v, uint64_t val)
{
    uint64_t allowed = EFER_SCE | EFER_LME | (cpu_has_nx ? EFER_NXE : 0);
    uint64_t old = v->hvm.guest_efer;

    /* LMA is the CPU's to set: a write of the value just read must not fault. */
    if ( val & ~(allowed | EFER_LMA) )
        return -EPERM;
    /* LME may not change while paging is on. */
    if ( ((val ^ old) & EFER_LME) && (v->hvm.guest_cr[0] & X86_CR0_PG) )
        return -EPERM;
    v->hvm.guest_efer = (val & allowed) | (old & EFER_LMA);
    return 0;
}

/*
 * Xen's hypercall page MSR: the value is the guest-physical address of a
 * page of the guest's RAM, its low 12 bits the page index (only one page,
 * index 0, exists).  Keel fills the page with the stubs.
 */
static int hypercall_page_write(struct vcpu *v, uint64_t val)
{
    struct domain *d = v->domain;
    uint64_t gfn = val >> PAGE_SHIFT;
    unsigned long mfn;
    p2m_type_t t;

    if ( val & ~PAGE_MASK )
        return -EPERM;
    mfn = p2m_lookup(d->p2m, gfn, &t);
    if ( mfn == INVALID_MFN || t != p2m_ram_rw )
    {
        printk(XENLOG_DEBUG "d%uv%u: hypercall page at gfn %#lx: not RAM, #GP\n",
               d->domain_id, v->vcpu_id, (unsigned long)gfn);
        return -EPERM;
    }
    hvm_funcs->write_hypercall_page(mfn_to_virt(mfn));
    d->hvm.hypercall_page_gfn = gfn;
    printk(XENLOG_DEBUG "d%u: hypercall page at gfn %#lx\n", d->domain_id, (unsigned long)gfn);
    return 0;
}

int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch ( msr )
    {
    case MSR_EFER:
        if ( efer_write(v, val) == 0 )
            return 0;
        break;
    case MSR_XEN_HYPERCALL_PAGE:
        if ( hypercall_page_write(v, val) == 0 )
            return 0;
        break;
    case MSR_PAT:
        if ( pat_valid(val) )
        {
            v->hvm.guest_pat = val;
            return 0;
        }
        break;
    case MSR_APIC_BASE:
        /* No virtual APIC to move or switch mode yet: only the current value is accepted. */
        if ( val == apic_base(v) )
            return 0;
        break;
    case MSR_TSC:
    case MSR_MTRR_DEF_TYPE:
    case MSR_MISC_ENABLE:
    case MSR_UCODE_REV:
    case MSR_HWCR:
        /*
         * Accepted and ignored: the TSC is the host's, caching is the
         * host's (all RAM write-back), the rest has no effect on a vCPU.
         */
        printk(XENLOG_DEBUG "d%uv%u: wrmsr %#x = %#lx ignored\n", v->domain->domain_id,
               v->vcpu_id, msr, (unsigned long)val);
        return 0;
    default:
        if ( is_mtrr_range(msr) )
            return 0;
        break;
    }
    printk(XENLOG_DEBUG "d%uv%u: wrmsr %#x = %#lx not handled: #GP\n", v->domain->domain_id,
           v->vcpu_id, msr, (unsigned long)val);
    return -EPERM;
}
