/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domU ACPI builder (xen/arch/x86/hvm/acpi_build.c), checked by
 * walking its output with the hypervisor's own ACPI walker
 * (xen/drivers/acpi/tables.c) and by reading every table field by field:
 * checksums, the RSDP -> XSDT/RSDT -> FADT -> FACS/DSDT links, and every
 * MADT entry against the vCPUs it was given.
 */
#include <stdlib.h>
#include <string.h>

#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/acpi.h>
#include <keel/acpi_build.h>
#include "harness.h"

#define MEM_SIZE    0x200000UL
#define BASE        0xe0000UL       /* where Keel puts them: the legacy RSDP scan area */
#define WINDOW      0x20000UL

static uint8_t *mem;
static struct acpi_info info;
static struct acpi_build_cpu cpus[256];

static const void *fake_map(paddr_t pa, size_t len)
{
    if ( pa > MEM_SIZE || len > MEM_SIZE - pa )
        return NULL;
    return mem + pa;
}

static uint32_t r32(uint64_t pa) { uint32_t v; memcpy(&v, mem + pa, 4); return v; }
static uint64_t r64(uint64_t pa) { uint64_t v; memcpy(&v, mem + pa, 8); return v; }
static uint16_t r16(uint64_t pa) { uint16_t v; memcpy(&v, mem + pa, 2); return v; }

static bool sum_ok(uint64_t pa, size_t len)
{
    return acpi_checksum(mem + pa, len) == 0;
}

/* A table at @pa with signature @sig, a sane length and a zero checksum. */
static bool table_ok(uint64_t pa, const char *sig)
{
    uint32_t len;

    if ( pa < BASE || pa + 36 > BASE + WINDOW || memcmp(mem + pa, sig, 4) )
        return false;
    len = r32(pa + 4);
    return len >= 36 && pa + len <= BASE + WINDOW && sum_ok(pa, len);
}

static void vcpus_like_keel(unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
        cpus[i] = (struct acpi_build_cpu){ .uid = i, .apic_id = i * 2 };
}

static struct acpi_build_result build(unsigned int n)
{
    struct acpi_build_result res = { 0, 0 };

    memset(mem, 0xcc, MEM_SIZE);
    REQUIRE(acpi_build_tables(mem + BASE, WINDOW, BASE, cpus, n, &res) == 0);
    return res;
}

/* Every table and link, field by field; returns the MADT address. */
static uint64_t check_tables(const struct acpi_build_result *res)
{
    uint64_t rsdp = res->rsdp_gpa, xsdt, rsdt, fadt, madt, dsdt, facs;

    REQUIRE(rsdp == BASE);
    CHECK(res->size > 0 && res->size <= WINDOW);
    /* Nothing beyond what the builder says it used. */
    CHECK(mem[BASE + res->size] == 0xcc && mem[BASE - 1] == 0xcc);

    CHECK(memcmp(mem + rsdp, "RSD PTR ", 8) == 0);
    CHECK(mem[rsdp + 15] == 2);
    CHECK(r32(rsdp + 20) == 36);
    CHECK(sum_ok(rsdp, 20));
    CHECK(sum_ok(rsdp, 36));

    xsdt = r64(rsdp + 24);
    rsdt = r32(rsdp + 16);
    REQUIRE(table_ok(xsdt, "XSDT"));
    REQUIRE(table_ok(rsdt, "RSDT"));
    REQUIRE(r32(xsdt + 4) == 36 + 2 * 8);
    REQUIRE(r32(rsdt + 4) == 36 + 2 * 4);
    fadt = r64(xsdt + 36);
    madt = r64(xsdt + 44);
    CHECK(r32(rsdt + 36) == fadt && r32(rsdt + 40) == madt);
    REQUIRE(table_ok(fadt, "FACP"));
    REQUIRE(table_ok(madt, "APIC"));

    /* FADT revision 5, full length; SCI 9; PM1 blocks; no PM timer, reset or buttons. */
    CHECK(mem[fadt + 8] == 5);
    CHECK(r32(fadt + 4) == 268);
    CHECK(r16(fadt + 46) == 9);
    CHECK(r32(fadt + 48) == 0);                         /* SMI_CMD */
    CHECK(r32(fadt + 56) == ACPI_BUILD_PM1A_EVT && mem[fadt + 88] == 4);
    CHECK(r32(fadt + 64) == ACPI_BUILD_PM1A_CNT && mem[fadt + 89] == 2);
    CHECK(r32(fadt + 76) == 0 && mem[fadt + 91] == 0);  /* PM_TMR_BLK */
    CHECK(r16(fadt + 109) == ((1 << 2) | (1 << 5)));    /* NO_VGA | NO_CMOS_RTC */
    CHECK((r32(fadt + 112) & (1u << 20)) == 0);         /* not hardware-reduced */
    CHECK((r32(fadt + 112) & (1u << 10)) == 0);         /* no reset register */
    CHECK((r32(fadt + 112) & 0x30) == 0x30);            /* no fixed buttons */
    CHECK(r64(fadt + 208 + 4) == 0);                    /* X_PM_TMR_BLK */
    CHECK(mem[fadt + 172] == 1 && r64(fadt + 176) == ACPI_BUILD_PM1A_CNT);

    facs = r64(fadt + 132);
    dsdt = r64(fadt + 140);
    CHECK(r32(fadt + 40) == dsdt);
    CHECK(r32(fadt + 36) == 0);
    REQUIRE(facs >= BASE && facs + 64 <= BASE + res->size);
    CHECK((facs & 63) == 0);
    CHECK(memcmp(mem + facs, "FACS", 4) == 0 && r32(facs + 4) == 64);
    REQUIRE(table_ok(dsdt, "DSDT"));
    CHECK(mem[dsdt + 8] == 2);
    /* The AML body is one empty Scope (\_SB_): ScopeOp, PkgLength, name. */
    CHECK(r32(dsdt + 4) == 36 + 7);
    CHECK(memcmp(mem + dsdt + 36, "\x10\x06\\_SB_", 7) == 0);

    CHECK(r32(madt + 36) == 0xfee00000);
    CHECK(r32(madt + 40) == 0);                         /* no PCAT_COMPAT */
    return madt;
}

/* Walk the MADT entries: one per vCPU, in order, each as given. */
static void check_madt_entries(uint64_t madt, unsigned int n)
{
    uint32_t len = r32(madt + 4), off = 44;
    unsigned int i = 0;

    while ( off < len )
    {
        uint8_t type = mem[madt + off], elen = mem[madt + off + 1];

        REQUIRE(elen >= 2 && off + elen <= len);
        REQUIRE(i < n);
        if ( type == 0 )
        {
            CHECK(elen == 8);
            CHECK(mem[madt + off + 2] == cpus[i].uid);
            CHECK(mem[madt + off + 3] == cpus[i].apic_id);
            CHECK(r32(madt + off + 4) == 1);            /* enabled */
        }
        else
        {
            REQUIRE(type == 9);
            CHECK(elen == 16);
            CHECK(r32(madt + off + 4) == cpus[i].apic_id);
            CHECK(r32(madt + off + 8) == 1);
            CHECK(r32(madt + off + 12) == cpus[i].uid);
        }
        off += elen;
        i++;
    }
    CHECK(off == len);
    CHECK(i == n);
}

/* The hypervisor's own walker sees the same: n enabled CPUs, no IOAPIC, nothing bad. */
static void check_walker(const struct acpi_build_result *res, unsigned int n)
{
    memset(&info, 0, sizeof(info));
    log_clear();
    REQUIRE(acpi_parse(mem + res->rsdp_gpa, 36, fake_map, &info) == 0);
    CHECK(info.revision == 2);
    CHECK(memcmp(info.oem_id, "KEEL  ", 6) == 0);
    CHECK(info.nr_bad_tables == 0);
    CHECK(info.lapic_addr == 0xfee00000);
    CHECK(!info.pcat_compat);
    REQUIRE(info.nr_cpus == n);
    CHECK(info.nr_disabled_cpus == 0);
    for ( unsigned int i = 0; i < n; i++ )
    {
        CHECK(info.cpus[i].apic_id == cpus[i].apic_id);
        CHECK(info.cpus[i].acpi_uid == cpus[i].uid);
    }
    CHECK(info.nr_ioapics == 0);
    CHECK(info.nr_overrides == 0);
    CHECK(!info.have_hpet);
    CHECK(!info.have_pm_timer);
    CHECK(!info.have_reset_reg);
    CHECK(info.sci_irq == 9);
    /* A guest that ignores rsdp_paddr finds the same RSDP by the legacy scan. */
    CHECK(acpi_find_rsdp_legacy(fake_map) == res->rsdp_gpa);
}

TEST(one_vcpu)
{
    struct acpi_build_result res;

    vcpus_like_keel(1);
    res = build(1);
    check_madt_entries(check_tables(&res), 1);
    check_walker(&res, 1);
}

TEST(four_vcpus)
{
    struct acpi_build_result res;

    vcpus_like_keel(4);
    res = build(4);
    check_madt_entries(check_tables(&res), 4);
    check_walker(&res, 4);
    /* APIC IDs are 2 * vcpu_id, as hvm_vcpu_apic_id() gives them. */
    CHECK(cpus[3].apic_id == 6);
}

TEST(sixty_four_vcpus)
{
    struct acpi_build_result res;

    vcpus_like_keel(64);
    res = build(64);
    check_madt_entries(check_tables(&res), 64);
    check_walker(&res, 64);
}

TEST(x2apic_entries_where_a_byte_is_too_small)
{
    struct acpi_build_result res;

    vcpus_like_keel(200);                       /* APIC IDs up to 398 */
    res = build(200);
    check_madt_entries(check_tables(&res), 200);
    check_walker(&res, 200);
    CHECK(info.cpus[127].apic_id == 254 && !info.cpus[127].x2apic);
    CHECK(info.cpus[128].apic_id == 256 && info.cpus[128].x2apic);
}

TEST(refusals_write_nothing)
{
    struct acpi_build_result res = { 0, 0 };

    vcpus_like_keel(4);
    memset(mem, 0xcc, MEM_SIZE);
    CHECK(acpi_build_tables(mem + BASE, WINDOW, BASE, cpus, 0, &res) == -EINVAL);
    CHECK(acpi_build_tables(mem + BASE, WINDOW, BASE, cpus, 257, &res) == -EINVAL);
    CHECK(acpi_build_tables(mem + BASE, WINDOW, BASE + 8, cpus, 4, &res) == -EINVAL);
    CHECK(acpi_build_tables(mem + BASE, WINDOW, 0xffffff00ULL, cpus, 4, &res) == -EINVAL);
    CHECK(acpi_build_tables(mem + BASE, 200, BASE, cpus, 4, &res) == -ENOSPC);
    CHECK(acpi_build_tables(mem + BASE, WINDOW, BASE, NULL, 4, &res) == -EINVAL);
    for ( size_t i = 0; i < MEM_SIZE; i++ )
        if ( mem[i] != 0xcc )
        {
            CHECK(!"a refused build wrote memory");
            break;
        }
    CHECK(res.rsdp_gpa == 0 && res.size == 0);
}

__attribute__((constructor)) static void alloc_mem(void)
{
    mem = malloc(MEM_SIZE);
}
