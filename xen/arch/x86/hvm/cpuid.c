/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID a guest sees: the host's, filtered down to what Keel lets a
 * guest use safely, plus Xen's hypervisor leaves at 0x40000000.
 *
 * Feature bits are kept by allow-list, so a bit a newer CPU adds stays
 * hidden until someone decides it is safe.  Hidden, and why:
 *   - SVM, VMX, SMX: no nested virtualisation;
 *   - x2APIC, TSC-deadline: the virtual local APIC is xAPIC only, with no
 *     TSC-deadline timer;
 *   - MONITOR/MWAIT: intercepted (#UD); TCG mishandles them anyway;
 *   - XSAVE and everything whose state only XSAVE manages (AVX, AVX2,
 *     AVX-512, FMA, F16C, PKU, MPX, AMX): Keel switches x87/SSE state
 *     with FXSAVE only.  SSE..SSE4.2 stay: the XMM registers are switched;
 *   - performance counters, debug store, thermal and power management,
 *     machine check: no virtual PMU/MCA, and the MSRs would #GP;
 *   - RDTSCP/RDPID: TSC_AUX is not managed per vCPU;
 *   - INVPCID where the vendor code cannot let the guest run it
 *     (hvm_guest_invpcid; VT-x needs "enable INVPCID");
 *   - HTT and the core/thread topology: each vCPU is one package.
 *
 * Leaf numbers and layouts: Intel SDM vol. 2 CPUID, AMD APM vol. 3
 * appendix E; the Xen leaves: xen/include/public/arch-x86/cpuid.h.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/version.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define XEN_CPUID_BASE          0x40000000
#define XEN_CPUID_MAX_LEAF      (XEN_CPUID_BASE + 5)
#define XEN_SIG_EBX             0x566e6558      /* "XenV" */
#define XEN_SIG_ECX             0x65584d4d      /* "MMXe" */
#define XEN_SIG_EDX             0x4d4d566e      /* "nVMM" */
#define XEN_HYPERCALL_MSR       0x40000000
/* Leaf 0x40000004 EAX */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)
/* Leaf 0x40000003 sub-leaf 0 EBX: TSC mode "never emulate". */
#define XEN_TSC_MODE_NEVER_EMULATE      2

#define MAX_BASIC_LEAF          0xd
#define MAX_EXT_LEAF            0x80000008

#define BIT(n)                  (1u << (n))

/* Leaf 1 EDX: FPU VME DE PSE TSC MSR PAE CX8 APIC SEP MTRR PGE CMOV PAT PSE36 CLFSH MMX FXSR SSE SSE2. */
#define LEAF1_EDX_ALLOW (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | \
                         BIT(9) | BIT(11) | BIT(12) | BIT(13) | BIT(15) | BIT(16) | BIT(17) |   \
                         BIT(19) | BIT(23) | BIT(24) | BIT(25) | BIT(26))
/* Leaf 1 ECX: SSE3 PCLMULQDQ SSSE3 CX16 PCID SSE4.1 SSE4.2 MOVBE POPCNT AES RDRAND. */
#define LEAF1_ECX_ALLOW (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(17) | BIT(19) | BIT(20) |     \
                         BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define LEAF1_ECX_HYPERVISOR    BIT(31)
/* Leaf 7.0 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS INVPCID RDSEED ADX SMAP CLFLUSHOPT CLWB SHA. */
#define LEAF7_EBX_ALLOW (BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(10) | BIT(18) |       \
                         BIT(19) | BIT(20) | BIT(23) | BIT(24) | BIT(29))
/* Leaf 7.0 ECX: UMIP. */
#define LEAF7_ECX_ALLOW (BIT(2))
/* 0x80000001 ECX: LAHF/SAHF ABM(LZCNT) SSE4A MisAlignSSE 3DNowPrefetch. */
#define EXT1_ECX_ALLOW  (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
/*
 * 0x80000001 EDX: leaf-1 duplicates (AMD), SYSCALL NX MMXExt Page1GB LM 3DNowExt 3DNow.
 * FFXSR is hidden: the guest EFER allows only SCE, LME and NXE (msr.c).
 */
#define EXT1_EDX_ALLOW  ((LEAF1_EDX_ALLOW & ~(BIT(19) | BIT(25) | BIT(26))) | BIT(11) | BIT(20) | \
                         BIT(22) | BIT(26) | BIT(29) | BIT(30) | BIT(31))
/* 0x80000007 EDX: invariant TSC (Keel neither scales nor stops the TSC). */
#define EXT7_EDX_ALLOW  (BIT(8))

/*
 * Xen-style TSC-to-nanoseconds scale: ns = ((tsc << shift) * mul) >> 32,
 * with shift chosen so that mul fits in 32 bits.
 */
static void tsc_scale(unsigned long khz, uint32_t *mul, int8_t *shift)
{
    uint64_t tps = (uint64_t)khz * 1000, ns = 1000000000ULL;
    int s = 0;

    *mul = 0;
    *shift = 0;
    if ( !khz )
        return;
    while ( tps > ns * 2 )
    {
        tps >>= 1;
        s--;
    }
    while ( tps <= ns )
    {
        tps <<= 1;
        s++;
    }
    *mul = (uint32_t)((ns << 32) / tps);
    *shift = s;
}

static void xen_leaves(struct vcpu *v, uint32_t leaf, uint32_t sub,
                       uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    switch ( leaf - XEN_CPUID_BASE )
    {
    case 0:
        *a = XEN_CPUID_MAX_LEAF;
        *b = XEN_SIG_EBX;
        *c = XEN_SIG_ECX;
        *d = XEN_SIG_EDX;
        break;
    case 1:
        *a = (KEEL_XEN_VERSION_MAJOR << 16) | KEEL_XEN_VERSION_MINOR;
        break;
    case 2:
        *a = 1;                             /* one hypercall page */
        *b = XEN_HYPERCALL_MSR;
        break;
    case 3:
        /*
         * Time: the guest reads the host TSC directly (offset 0, no
         * scaling, never emulated), so the frequencies are the host's.
         */
        if ( sub == 0 )
        {
            *b = XEN_TSC_MODE_NEVER_EMULATE;
            *c = cpu_khz;
        }
        else if ( sub == 1 )
        {
            uint32_t mul;
            int8_t shift;

            tsc_scale(cpu_khz, &mul, &shift);
            *c = mul;
            *d = (uint8_t)shift;
        }
        else if ( sub == 2 )
            *a = cpu_khz;
        break;
    case 4:
        /* HVM features: no APIC virtualisation yet; the IDs are always given. */
        if ( sub == 0 )
        {
            *a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
            *b = v->vcpu_id;
            *c = v->domain->domain_id;
        }
        break;
    case 5:
        /* PV-specific parameters: nothing for PVH guests. */
        break;
    }
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub,
               uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    struct cpuid_regs r = { 0, 0, 0, 0 };
    uint32_t host_max_basic, host_max_ext;

    *a = *b = *c = *d = 0;

    if ( leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_MAX_LEAF )
    {
        xen_leaves(v, leaf, sub, a, b, c, d);
        return;
    }

    cpuid(0, &r);
    host_max_basic = r.eax;
    cpuid(0x80000000, &r);
    host_max_ext = r.eax;

    if ( leaf < 0x80000000 )
    {
        if ( leaf > MIN(host_max_basic, (uint32_t)MAX_BASIC_LEAF) )
            return;
    }
    else if ( leaf > MIN(host_max_ext, (uint32_t)MAX_EXT_LEAF) )
        return;

    cpuid_count(leaf, sub, &r);

    switch ( leaf )
    {
    case 0:
        *a = MIN(r.eax, (uint32_t)MAX_BASIC_LEAF);
        *b = r.ebx;                         /* vendor string */
        *c = r.ecx;
        *d = r.edx;
        break;
    case 1:
        *a = r.eax;                         /* family/model/stepping */
        /* Initial APIC ID [31:24], one logical CPU [23:16], CLFLUSH size and brand kept. */
        *b = (r.ebx & 0x0000ffff) | (1u << 16) | (hvm_vcpu_apic_id(v) << 24);
        *c = (r.ecx & LEAF1_ECX_ALLOW) | LEAF1_ECX_HYPERVISOR;
        *d = r.edx & LEAF1_EDX_ALLOW;
        break;
    case 2:
        *a = r.eax;                         /* cache descriptors (Intel) */
        *b = r.ebx;
        *c = r.ecx;
        *d = r.edx;
        break;
    case 4:
        /* Deterministic cache parameters (Intel): one core, one thread per cache. */
        *a = r.eax & 0x3fff;
        *b = r.ebx;
        *c = r.ecx;
        *d = r.edx;
        break;
    case 7:
        if ( sub == 0 )
        {
            *b = r.ebx & LEAF7_EBX_ALLOW & (hvm_guest_invpcid ? ~0u : ~BIT(10));
            *c = r.ecx & LEAF7_ECX_ALLOW;
        }
        break;
    case 0x80000000:
        *a = MIN(r.eax, (uint32_t)MAX_EXT_LEAF);
        *b = r.ebx;
        *c = r.ecx;
        *d = r.edx;
        break;
    case 0x80000001:
        *a = r.eax;
        *b = r.ebx;
        *c = r.ecx & EXT1_ECX_ALLOW;
        *d = r.edx & EXT1_EDX_ALLOW;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:                        /* brand string */
    case 0x80000005:
    case 0x80000006:                        /* cache and TLB information */
        *a = r.eax;
        *b = r.ebx;
        *c = r.ecx;
        *d = r.edx;
        break;
    case 0x80000007:
        *d = r.edx & EXT7_EDX_ALLOW;
        break;
    case 0x80000008:
        *a = r.eax & 0xffff;                /* physical and linear address sizes */
        break;
    default:
        /* 3, 5, 6, 8-0xd: serial number, MONITOR, power, perf, topology, XSAVE: hidden. */
        break;
    }
}

/*
 * CR4 and EFER bits a VCPUOP_initialise context may set: those whose
 * feature this vCPU's CPUID offers (and that VM entry takes on either
 * vendor without more set-up: no PCIDE, whose CR3 rules differ).
 */
#define CR4_BASE_VALID  (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(7) | \
                         BIT(8) | BIT(9) | BIT(10))   /* VME PVI TSD DE PSE PAE PGE PCE OSFXSR OSXMMEXCPT */
#define CR4_UMIP        BIT(11)
#define CR4_FSGSBASE    BIT(16)
#define CR4_SMEP        BIT(20)
#define CR4_SMAP        BIT(21)

void hvm_start_limits(struct vcpu *v, struct hvm_start_limits *lim)
{
    uint32_t a, b, c, d, b7, c7;

    hvm_cpuid(v, 7, 0, &a, &b7, &c7, &d);
    lim->cr4_valid = CR4_BASE_VALID;
    if ( c7 & BIT(2) )
        lim->cr4_valid |= CR4_UMIP;
    if ( b7 & BIT(0) )
        lim->cr4_valid |= CR4_FSGSBASE;
    if ( b7 & BIT(7) )
        lim->cr4_valid |= CR4_SMEP;
    if ( b7 & BIT(20) )
        lim->cr4_valid |= CR4_SMAP;
    hvm_cpuid(v, 0x80000001, 0, &a, &b, &c, &d);
    /* SCE and LME always (msr.c accepts them), NXE where the CPU has it. */
    lim->efer_valid = EFER_SCE | EFER_LME | ((d & BIT(20)) ? EFER_NXE : 0);
    hvm_cpuid(v, 0x80000008, 0, &a, &b, &c, &d);
    lim->paddr_bits = (a & 0xff) ? (a & 0xff) : 36;
}
