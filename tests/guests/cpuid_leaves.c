/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen CPUID leaves as a PVH guest finds them: one signature base
 * (scanned like Linux), version = major << 16 | minor, one hypercall page
 * at MSR 0x40000000, the hypervisor bit, and leaves base+1..base+5 with
 * nothing in the registers Xen defines as zero.  With "vendor=amd|intel"
 * and "domid=N" on the command line the vendor string and the domid in
 * leaf base+4 are checked too.
 */
#include "guest.h"

DEFINE_TEST("cpuid_leaves");

static void print_leaf(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r = cpuid_count(leaf, sub);

    printf("cpuid %#x.%u: eax %#010x ebx %#010x ecx %#010x edx %#010x\n",
           leaf, sub, r.eax, r.ebx, r.ecx, r.edx);
}

void test_main(const struct hvm_start_info *si)
{
    struct cpuid_regs r;
    uint32_t base, b, max, found = 0;
    char val[16];

    CHECK(have_xen);
    base = xen_cpuid_base;

    /* CPUID.1:ECX[31], "running under a hypervisor". */
    CHECK(cpuid(1).ecx & (1u << 31));

    /* Exactly one base carries the signature. */
    for ( b = XEN_CPUID_FIRST_LEAF; b < XEN_CPUID_FIRST_LEAF + 0x10000; b += 0x100 )
    {
        r = cpuid(b);
        if ( r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
             r.edx == XEN_CPUID_SIGNATURE_EDX )
            found++;
    }
    CHECK_EQ(found, 1);

    r = cpuid(base);
    print_leaf(base, 0);
    max = r.eax;
    CHECK(max >= base + 2);
    CHECK(max < base + 0x100);
    CHECK_EQ(r.ebx, XEN_CPUID_SIGNATURE_EBX);
    CHECK_EQ(r.ecx, XEN_CPUID_SIGNATURE_ECX);
    CHECK_EQ(r.edx, XEN_CPUID_SIGNATURE_EDX);

    /* base+1: version; Linux turns features off below major 4. */
    print_leaf(base + 1, 0);
    r = cpuid(base + 1);
    printf("Xen version %u.%u\n", r.eax >> 16, r.eax & 0xffff);
    CHECK(r.eax >> 16 >= 4);
    CHECK_EQ(r.ebx, 0);
    CHECK_EQ(r.ecx, 0);
    CHECK_EQ(r.edx, 0);

    /* base+2: one hypercall page, registered through MSR 0x40000000. */
    print_leaf(base + 2, 0);
    r = cpuid(base + 2);
    CHECK_EQ(r.eax, 1);
    CHECK_EQ(r.ebx, 0x40000000);
    CHECK_EQ(r.ecx & XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD, 0);   /* PV-only */
    CHECK_EQ(r.edx, 0);

    /* base+3: time; only printed (Linux PVH does not read it). */
    if ( max >= base + 3 )
    {
        print_leaf(base + 3, 0);
        print_leaf(base + 3, 1);
        print_leaf(base + 3, 2);
    }

    /* base+4: HVM features; vcpu_id 0 for the boot vCPU, domid if known. */
    if ( max >= base + 4 )
    {
        print_leaf(base + 4, 0);
        r = cpuid(base + 4);
        if ( r.eax & XEN_HVM_CPUID_VCPU_ID_PRESENT )
            CHECK_EQ(r.ebx, 0);
        if ( (r.eax & XEN_HVM_CPUID_DOMID_PRESENT) && cmdline_get("domid", val, sizeof(val)) )
            CHECK_EQ(r.ecx, strtoull(val, NULL, 0));
        CHECK_EQ(r.edx, 0);
    }

    /* base+5: PV-only parameters, nothing for an HVM guest. */
    if ( max >= base + 5 )
        print_leaf(base + 5, 0);

    /* Leaves past the maximum are not Xen's. */
    r = cpuid(max + 1);
    CHECK(r.ebx != XEN_CPUID_SIGNATURE_EBX);

    /* The vendor string must be truthful: it picks VMMCALL vs VMCALL. */
    if ( cmdline_get("vendor", val, sizeof(val)) )
    {
        printf("vendor expected %s, CPUID says %s\n", val, cpu_is_amd ? "AMD" : "Intel");
        CHECK_EQ(cpu_is_amd, !strcmp(val, "amd"));
    }
    (void)si;
}
