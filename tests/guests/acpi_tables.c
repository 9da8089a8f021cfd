/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI tables a domU gets, walked from inside: hvm_start_info's
 * rsdp_paddr -> RSDP (revision 2, both checksums) -> XSDT -> MADT and
 * FADT -> FACS/DSDT.  The MADT must hold one enabled local APIC entry per
 * vCPU ("vcpus=N" on the command line) with UID = vcpu_id and APIC ID =
 * 2 * vcpu_id (what CPUID reports), at LAPIC address 0xfee00000, with no
 * IOAPIC.  The tables must lie in a memmap range typed ACPI.  With
 * vcpus=N the verdicts name the test acpi_tables-vcpusN.
 */
#include "guest.h"

DEFINE_TEST("acpi_tables");

static uint8_t sum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while ( len-- )
        s += *b++;
    return s;
}

static uint32_t r32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t r64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* [pa, pa + len) inside one memmap entry of type ACPI. */
static bool in_acpi_range(const struct hvm_start_info *si, uint64_t pa, uint64_t len)
{
    const struct hvm_memmap_table_entry *m = (const void *)(uintptr_t)si->memmap_paddr;

    for ( uint32_t i = 0; i < si->memmap_entries; i++ )
        if ( m[i].type == XEN_HVM_MEMMAP_TYPE_ACPI && pa >= m[i].addr &&
             pa + len <= m[i].addr + m[i].size )
            return true;
    return false;
}

static const uint8_t *table(const struct hvm_start_info *si, uint64_t pa, const char *sig)
{
    const uint8_t *t = (const void *)(uintptr_t)pa;

    if ( !pa || memcmp(t, sig, 4) )
        fail("no %s table at %#lx", sig, (unsigned long)pa);
    if ( !in_acpi_range(si, pa, r32(t + 4)) )
        fail("%s at %#lx (%u bytes) is not in an ACPI memmap range", sig, (unsigned long)pa,
             r32(t + 4));
    if ( sum(t, r32(t + 4)) )
        fail("%s checksum is wrong", sig);
    printf("ACPI: %.4s %#lx %u bytes rev %u\n", sig, (unsigned long)pa, r32(t + 4), t[8]);
    return t;
}

void test_main(const struct hvm_start_info *si)
{
    const uint8_t *rsdp = (const void *)(uintptr_t)si->rsdp_paddr, *xsdt, *madt = NULL;
    const uint8_t *fadt = NULL;
    char arg[16];
    unsigned int want = 1, n = 0, i;
    uint32_t len, off;

    static char name[32];

    if ( cmdline_get("vcpus", arg, sizeof(arg)) )
    {
        want = (unsigned int)strtoull(arg, NULL, 10);
        snprintf(name, sizeof(name), "acpi_tables-vcpus%u", want);
        set_test_name(name);
    }

    CHECK(si->rsdp_paddr != 0);
    CHECK(memcmp(rsdp, "RSD PTR ", 8) == 0);
    CHECK_EQ(rsdp[15], 2);
    CHECK_EQ(sum(rsdp, 20), 0);
    CHECK_EQ(sum(rsdp, 36), 0);
    CHECK(in_acpi_range(si, si->rsdp_paddr, 36));

    xsdt = table(si, r64(rsdp + 24), "XSDT");
    for ( off = 36; off + 8 <= r32(xsdt + 4); off += 8 )
    {
        const uint8_t *t = (const void *)(uintptr_t)r64(xsdt + off);

        if ( !memcmp(t, "APIC", 4) )
            madt = table(si, r64(xsdt + off), "APIC");
        else if ( !memcmp(t, "FACP", 4) )
            fadt = table(si, r64(xsdt + off), "FACP");
    }
    CHECK(madt != NULL);
    CHECK(fadt != NULL);
    table(si, r64(fadt + 140), "DSDT");
    CHECK(memcmp((const void *)(uintptr_t)r64(fadt + 132), "FACS", 4) == 0);

    CHECK_EQ(r32(madt + 36), 0xfee00000u);
    len = r32(madt + 4);
    for ( off = 44; off + 2 <= len; off += madt[off + 1] )
    {
        uint8_t type = madt[off], elen = madt[off + 1];
        uint32_t uid, apic, flags;

        CHECK(elen >= 2 && off + elen <= len);
        if ( type == 1 )
            fail("MADT has an IOAPIC entry; a domU has none");
        if ( type != 0 && type != 9 )
            continue;
        if ( type == 0 )
        {
            uid = madt[off + 2];
            apic = madt[off + 3];
            flags = r32(madt + off + 4);
        }
        else
        {
            apic = r32(madt + off + 4);
            flags = r32(madt + off + 8);
            uid = r32(madt + off + 12);
        }
        printf("MADT: %s UID %u APIC ID %u flags %#x\n", type ? "x2APIC" : "LAPIC", uid, apic,
               flags);
        CHECK_EQ(uid, n);
        CHECK_EQ(apic, 2 * n);
        CHECK(flags & 1);
        n++;
    }
    CHECK_EQ(n, want);

    /* The boot vCPU's CPUID APIC ID and vcpu_id agree with its MADT entry. */
    i = cpuid(1).ebx >> 24;
    CHECK_EQ(i, 0);
    if ( xen_cpuid_base && (cpuid(xen_cpuid_base + 4).eax & (1u << 3)) )
        CHECK_EQ(cpuid(xen_cpuid_base + 4).ebx, 0);
    printf("MADT: %u vCPU(s), as configured\n", n);
}
