/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdlib.h>

#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/acpi.h>
#include "harness.h"

/*
 * Fake physical memory: the first 2 MiB, heap-allocated so ASan catches
 * any read the walker makes beyond what it asked the map callback for.
 */
#define MEM_SIZE    0x200000UL
static uint8_t *mem;

static const void *fake_map(paddr_t pa, size_t len)
{
    if ( pa > MEM_SIZE || len > MEM_SIZE - pa )
        return NULL;
    return mem + pa;
}

static struct acpi_info info;

#define RSDP_AT     0xe0040UL
#define XSDT_AT     0x100000UL
#define RSDT_AT     0x100800UL
#define MADT_AT     0x101000UL
#define MADT2_AT    0x102000UL
#define HPET_AT     0x103000UL
#define FADT_AT     0x104000UL
#define SSDT_AT     0x105000UL

static void w8(paddr_t pa, uint8_t v)   { mem[pa] = v; }
static void w16(paddr_t pa, uint16_t v) { memcpy(mem + pa, &v, 2); }
static void w32(paddr_t pa, uint32_t v) { memcpy(mem + pa, &v, 4); }
static void w64(paddr_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }

static uint8_t sum(paddr_t pa, size_t len)
{
    uint8_t s = 0;

    while ( len-- )
        s += mem[pa++];
    return s;
}

static void fix_checksum(paddr_t pa)
{
    uint32_t len;

    memcpy(&len, mem + pa + 4, 4);
    mem[pa + 9] = 0;
    mem[pa + 9] = (uint8_t)-sum(pa, len);
}

static void header(paddr_t pa, const char *sig, uint32_t len, uint8_t rev)
{
    memset(mem + pa, 0, len);
    memcpy(mem + pa, sig, 4);
    w32(pa + 4, len);
    w8(pa + 8, rev);
    memcpy(mem + pa + 10, "KEELOE", 6);
    memcpy(mem + pa + 16, "KEELTBL ", 8);
}

static void make_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(mem + pa, 0, 36);
    memcpy(mem + pa, "RSD PTR ", 8);
    memcpy(mem + pa + 9, "KEELOE", 6);
    w8(pa + 15, rev);
    w32(pa + 16, rsdt);
    if ( rev >= 2 )
    {
        w32(pa + 20, 36);
        w64(pa + 24, xsdt);
    }
    w8(pa + 8, (uint8_t)-sum(pa, 20));
    if ( rev >= 2 )
        w8(pa + 32, (uint8_t)-sum(pa, 36));
}

static void make_root(paddr_t pa, const char *sig, unsigned int esize,
                      const paddr_t *tables, unsigned int n)
{
    header(pa, sig, 36 + n * esize, 1);
    for ( unsigned int i = 0; i < n; i++ )
    {
        if ( esize == 8 )
            w64(pa + 36 + i * 8, tables[i]);
        else
            w32(pa + 36 + i * 4, (uint32_t)tables[i]);
    }
    fix_checksum(pa);
}

/* MADT builder: entries appended at madt_len. */
static uint32_t madt_len;
static paddr_t madt_pa;

static void madt_begin(paddr_t pa, uint32_t lapic, uint32_t flags)
{
    madt_pa = pa;
    madt_len = 44;
    header(pa, "APIC", 44, 3);
    w32(pa + 36, lapic);
    w32(pa + 40, flags);
}

static paddr_t madt_entry(uint8_t type, uint8_t len)
{
    paddr_t e = madt_pa + madt_len;

    memset(mem + e, 0, len);
    w8(e, type);
    w8(e + 1, len);
    madt_len += len;
    w32(madt_pa + 4, madt_len);
    return e;
}

static void madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    paddr_t e = madt_entry(0, 8);

    w8(e + 2, uid);
    w8(e + 3, apic_id);
    w32(e + 4, flags);
}

static void madt_x2apic(uint32_t apic_id, uint32_t flags, uint32_t uid)
{
    paddr_t e = madt_entry(9, 16);

    w32(e + 4, apic_id);
    w32(e + 8, flags);
    w32(e + 12, uid);
}

static void madt_end(void)
{
    fix_checksum(madt_pa);
}

static void make_hpet(paddr_t pa, uint64_t base)
{
    header(pa, "HPET", 56, 1);
    w32(pa + 36, 0x8086a201);
    w8(pa + 40, 0);                 /* system memory */
    w8(pa + 41, 64);
    w64(pa + 44, base);
    fix_checksum(pa);
}

static void make_fadt(paddr_t pa, uint32_t len, uint32_t pm_tmr,
                      uint64_t x_pm_tmr, uint32_t flags)
{
    header(pa, "FACP", len, len >= 244 ? 5 : 1);
    w16(pa + 46, 9);                /* SCI_INT */
    w32(pa + 76, pm_tmr);
    w8(pa + 91, 4);
    w32(pa + 112, flags);
    if ( len >= 129 )
    {
        w8(pa + 116, 1);            /* RESET_REG: system I/O */
        w8(pa + 117, 8);
        w64(pa + 120, 0xcf9);
        w8(pa + 128, 0x06);
    }
    if ( len >= 220 )
    {
        w8(pa + 208, 1);
        w8(pa + 209, 32);
        w64(pa + 212, x_pm_tmr);
    }
    fix_checksum(pa);
}

static void build_standard(void)
{
    paddr_t x_tables[] = { SSDT_AT, MADT_AT, 0, HPET_AT, FADT_AT };
    paddr_t r_tables[] = { MADT2_AT };
    paddr_t e;

    if ( !mem )
        mem = malloc(MEM_SIZE);
    memset(mem, 0, MEM_SIZE);

    make_rsdp(RSDP_AT, 2, RSDT_AT, XSDT_AT);
    make_root(XSDT_AT, "XSDT", 8, x_tables, ARRAY_SIZE(x_tables));
    make_root(RSDT_AT, "RSDT", 4, r_tables, ARRAY_SIZE(r_tables));

    header(SSDT_AT, "SSDT", 64, 2);
    fix_checksum(SSDT_AT);

    madt_begin(MADT_AT, 0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_lapic(1, 2, 1);
    madt_lapic(2, 4, 0);                        /* disabled */
    madt_lapic(3, 6, 2);                        /* online-capable only */
    e = madt_entry(1, 12);                      /* IO-APIC */
    w8(e + 2, 8);
    w32(e + 4, 0xfec00000);
    w32(e + 8, 0);
    e = madt_entry(2, 10);                      /* ISO: IRQ0 -> GSI2 */
    w8(e + 3, 0);
    w32(e + 4, 2);
    w16(e + 8, 0);
    e = madt_entry(2, 10);                      /* ISO: IRQ9 level/low */
    w8(e + 3, 9);
    w32(e + 4, 9);
    w16(e + 8, 0xd);
    madt_entry(4, 6);                           /* LAPIC NMI: ignored */
    madt_entry(0x7f, 5);                        /* unknown: skipped */
    e = madt_entry(5, 12);                      /* LAPIC address override */
    w64(e + 4, 0x1fee00000ULL);
    madt_x2apic(0x100, 1, 20);
    madt_x2apic(0x101, 0, 21);                  /* disabled */
    madt_x2apic(2, 1, 1);                       /* duplicate of LAPIC 2 */
    madt_end();

    /* The RSDT's MADT differs, to show the XSDT was used. */
    madt_begin(MADT2_AT, 0xfee00000, 0);
    madt_lapic(0, 0x10, 1);
    madt_end();

    make_hpet(HPET_AT, 0xfed00000);
    make_fadt(FADT_AT, 276, 0x408, 0x608, (1U << 8) | (1U << 10));
    log_clear();
}

static int parse_at(paddr_t rsdp)
{
    return acpi_parse(mem + rsdp, 36, fake_map, &info);
}

TEST(checksum)
{
    uint8_t b[4] = { 1, 2, 3, 0xfa };

    CHECK(acpi_checksum(b, 4) == 0);
    CHECK(acpi_checksum(b, 3) == 6);
    CHECK(acpi_checksum(b, 0) == 0);
}

TEST(full_walk_xsdt)
{
    build_standard();
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(strcmp(log_text(), "") == 0);
    CHECK(info.nr_bad_tables == 0);
    CHECK(info.revision == 2);
    CHECK(strcmp(info.oem_id, "KEELOE") == 0);

    CHECK(info.lapic_addr == 0x1fee00000ULL);
    CHECK(info.pcat_compat);
    REQUIRE(info.nr_cpus == 3);
    CHECK(info.cpus[0].apic_id == 0 && !info.cpus[0].x2apic);
    CHECK(info.cpus[1].apic_id == 2 && info.cpus[1].acpi_uid == 1);
    CHECK(info.cpus[2].apic_id == 0x100 && info.cpus[2].x2apic);
    CHECK(info.cpus[2].acpi_uid == 20);
    CHECK(info.nr_disabled_cpus == 3);

    REQUIRE(info.nr_ioapics == 1);
    CHECK(info.ioapics[0].id == 8 && info.ioapics[0].addr == 0xfec00000);
    CHECK(info.ioapics[0].gsi_base == 0);
    REQUIRE(info.nr_overrides == 2);
    CHECK(info.overrides[0].source_irq == 0 && info.overrides[0].gsi == 2);
    CHECK(info.overrides[1].source_irq == 9 && info.overrides[1].flags == 0xd);

    CHECK(info.have_hpet && info.hpet_addr == 0xfed00000);
    CHECK(info.have_pm_timer && info.pm_tmr_port == 0x608);   /* X_ wins */
    CHECK(info.pm_tmr_32bit);
    CHECK(info.have_reset_reg);
    CHECK(info.reset_reg.space_id == 1 && info.reset_reg.address == 0xcf9);
    CHECK(info.reset_value == 6);
    CHECK(info.sci_irq == 9);
}

TEST(rsdt_for_acpi1)
{
    build_standard();
    make_rsdp(RSDP_AT, 0, RSDT_AT, 0);
    REQUIRE(acpi_parse(mem + RSDP_AT, 20, fake_map, &info) == 0);
    CHECK(info.revision == 0);
    REQUIRE(info.nr_cpus == 1);
    CHECK(info.cpus[0].apic_id == 0x10);
    CHECK(!info.pcat_compat);
    CHECK(!info.have_hpet && !info.have_pm_timer);
}

TEST(zero_xsdt_address_uses_rsdt)
{
    build_standard();
    make_rsdp(RSDP_AT, 2, RSDT_AT, 0);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.nr_cpus == 1 && info.cpus[0].apic_id == 0x10);
}

TEST(bad_xsdt_falls_back)
{
    build_standard();
    w32(XSDT_AT + 4, 12);                       /* impossible length */
    fix_checksum(XSDT_AT);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("ACPI: XSDT at 0x100000: bad length 12"));
    CHECK(info.nr_bad_tables == 1);
    CHECK(info.nr_cpus == 1 && info.cpus[0].apic_id == 0x10);

    build_standard();
    memcpy(mem + XSDT_AT, "XSDX", 4);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("expected XSDT"));
    CHECK(info.nr_cpus == 1);
}

TEST(no_root_table)
{
    build_standard();
    make_rsdp(RSDP_AT, 0, 0, 0);
    CHECK(parse_at(RSDP_AT) == -ENOENT);
    make_rsdp(RSDP_AT, 0, 0x7ffffff0, 0);       /* not mappable */
    CHECK(parse_at(RSDP_AT) == -ENOENT);
    CHECK(log_contains("cannot be mapped"));
    make_rsdp(RSDP_AT, 2, 0, 0x123456789000ULL);
    CHECK(parse_at(RSDP_AT) == -ENOENT);
}

TEST(bad_rsdp)
{
    build_standard();
    CHECK(acpi_parse(NULL, 36, fake_map, &info) == -EINVAL);
    CHECK(acpi_parse(mem + RSDP_AT, 19, fake_map, &info) == -EINVAL);
    mem[RSDP_AT] = 'X';
    CHECK(parse_at(RSDP_AT) == -EINVAL);
    CHECK(log_contains("no valid RSDP"));

    /* A bad checksum is reported, but the RSDP is still used. */
    build_standard();
    mem[RSDP_AT + 8] ^= 1;
    CHECK(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("RSDP: bad checksum"));
    CHECK(info.nr_bad_tables == 1 && info.nr_cpus == 3);
}

TEST(bad_checksum_still_used)
{
    build_standard();
    mem[MADT_AT + 9] ^= 0x55;
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("<1>ACPI: APIC at 0x101000: bad checksum\n"));
    CHECK(info.nr_bad_tables == 1);
    CHECK(info.nr_cpus == 3);
}

TEST(bad_length_rejected)
{
    build_standard();
    w32(MADT_AT + 4, 40);                       /* shorter than the MADT header */
    fix_checksum(MADT_AT);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("ACPI: APIC at 0x101000: bad length 40"));
    CHECK(log_contains("no usable MADT"));
    CHECK(info.nr_cpus == 0 && info.nr_bad_tables == 1);
    CHECK(info.have_hpet);                      /* others still parsed */

    build_standard();
    w32(HPET_AT + 4, 0x7fffffff);               /* beyond any sanity */
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("ACPI: HPET at 0x103000: bad length 2147483647"));
    CHECK(!info.have_hpet);

    build_standard();
    /* Plausible length, but past the end of (fake) memory. */
    w32(FADT_AT + 4, MEM_SIZE - FADT_AT + 16);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("ACPI: FACP at 0x104000: length"));
    CHECK(!info.have_pm_timer);

    build_standard();
    w32(FADT_AT + 4, 100);                      /* too short for a FADT */
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(log_contains("FACP at 0x104000: bad length 100"));
}

TEST(madt_zero_length_entry_stops)
{
    build_standard();
    madt_begin(MADT_AT, 0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_entry(0, 8);
    w8(MADT_AT + 44 + 8 + 1, 0);                /* second entry: length 0 */
    madt_lapic(1, 1, 1);                        /* never reached */
    madt_end();
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.nr_cpus == 1);
    CHECK(log_contains("entry type 0 at offset 0x34 has bad length 0; stopping"));
    CHECK(info.nr_bad_tables == 1);
}

TEST(madt_entry_overruns_table)
{
    build_standard();
    madt_begin(MADT_AT, 0xfee00000, 1);
    madt_lapic(0, 0, 1);
    madt_x2apic(0x200, 1, 5);
    w8(MADT_AT + 44 + 8 + 1, 40);               /* x2APIC claims 40 bytes */
    madt_end();
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.nr_cpus == 1);
    CHECK(log_contains("has bad length 40; stopping"));

    /* Length 1, and a short known entry which is skipped, not stopped at. */
    build_standard();
    madt_begin(MADT_AT, 0xfee00000, 1);
    madt_entry(0, 4);                           /* LAPIC needs 8 */
    madt_lapic(1, 1, 1);
    madt_entry(0, 2);
    w8(madt_pa + madt_len - 1, 1);              /* ... claiming length 1 */
    madt_end();
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.nr_cpus == 1 && info.cpus[0].apic_id == 1);
    CHECK(log_contains("too short (4); skipped"));
    CHECK(log_contains("has bad length 1; stopping"));

    /* One stray byte after the last entry is reported too. */
    build_standard();
    madt_begin(MADT_AT, 0xfee00000, 1);
    madt_lapic(1, 1, 1);
    madt_len += 1;
    w32(madt_pa + 4, madt_len);
    madt_end();
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.nr_cpus == 1);
    CHECK(log_contains("1 stray byte(s) at offset 0x34"));
}

TEST(x2apic_only)
{
    build_standard();
    madt_begin(MADT_AT, 0xfee00000, 0);
    for ( uint32_t i = 0; i < 8; i++ )
        madt_x2apic(0x1000 + i, i == 3 ? 0 : 1, i);
    madt_end();
    REQUIRE(parse_at(RSDP_AT) == 0);
    REQUIRE(info.nr_cpus == 7);
    CHECK(info.nr_disabled_cpus == 1);
    CHECK(info.cpus[3].apic_id == 0x1004 && info.cpus[3].acpi_uid == 4);
    CHECK(info.cpus[6].x2apic);
    CHECK(info.lapic_addr == 0xfee00000);
}

TEST(too_many_cpus)
{
    build_standard();
    madt_begin(MADT_AT, 0xfee00000, 0);
    for ( uint32_t i = 0; i < ACPI_MAX_CPUS + 10; i++ )
        madt_x2apic(i, 1, i);
    madt_end();
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.nr_cpus == ACPI_MAX_CPUS);
    CHECK(log_contains("more than 256 CPUs"));
}

TEST(fadt_variants)
{
    /* ACPI 1.0 FADT: no X_ block, no reset register. */
    build_standard();
    make_fadt(FADT_AT, 116, 0x808, 0, 1U << 10);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.have_pm_timer && info.pm_tmr_port == 0x808);
    CHECK(!info.pm_tmr_32bit);
    CHECK(!info.have_reset_reg);

    /* X_PM_TMR_BLK zero: fall back to PM_TMR_BLK. */
    build_standard();
    make_fadt(FADT_AT, 244, 0x408, 0, 0);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(info.pm_tmr_port == 0x408);
    CHECK(!info.have_reset_reg);                /* RESET_REG_SUP clear */

    /* No timer at all. */
    build_standard();
    make_fadt(FADT_AT, 244, 0, 0, 0);
    REQUIRE(parse_at(RSDP_AT) == 0);
    CHECK(!info.have_pm_timer);
}

TEST(legacy_rsdp_in_ebda)
{
    build_standard();
    w16(0x40e, 0x9fc0);                         /* EBDA at 0x9fc00 */
    make_rsdp(0x9fc00 + 0x30, 0, RSDT_AT, 0);
    make_rsdp(0x9fc00 + 0x48, 0, RSDT_AT, 0);   /* misaligned: never seen */
    CHECK(acpi_find_rsdp_legacy(fake_map) == 0x9fc30);
}

TEST(legacy_rsdp_in_bios_area)
{
    build_standard();                           /* RSDP at 0xe0040 */
    w16(0x40e, 0x9fc0);
    /* Decoys first: bad checksum, and a bad extended checksum. */
    make_rsdp(0xe0000, 0, RSDT_AT, 0);
    mem[0xe0000 + 8] ^= 1;
    make_rsdp(0xe0010, 2, RSDT_AT, XSDT_AT);
    mem[0xe0010 + 32] ^= 1;
    CHECK(acpi_find_rsdp_legacy(fake_map) == RSDP_AT);

    memset(mem + RSDP_AT, 0, 36);
    make_rsdp(0xfffe0, 0, RSDT_AT, 0);          /* last slot that fits */
    CHECK(acpi_find_rsdp_legacy(fake_map) == 0xfffe0);

    memset(mem + 0xfffe0, 0, 20);
    CHECK(acpi_find_rsdp_legacy(fake_map) == 0);

    /* EBDA segment 0 is ignored rather than scanning the IVT. */
    w16(0x40e, 0);
    make_rsdp(0x0, 0, RSDT_AT, 0);
    CHECK(acpi_find_rsdp_legacy(fake_map) == 0);
}

/* Random byte corruption of all tables: no crash, no hang, no ASan. */
TEST(fuzz_corrupted_tables)
{
    static const paddr_t areas[] = { XSDT_AT, RSDT_AT, MADT_AT, HPET_AT, FADT_AT };
    unsigned int seed = 2024;

    for ( int round = 0; round < 500; round++ )
    {
        build_standard();
        for ( int k = 0; k < 3; k++ )
        {
            seed = seed * 1103515245 + 12345;
            paddr_t a = areas[(seed >> 8) % ARRAY_SIZE(areas)];

            seed = seed * 1103515245 + 12345;
            mem[a + (seed >> 8) % 200] = (uint8_t)(seed >> 20);
        }
        (void)parse_at(RSDP_AT);
        CHECK(info.nr_cpus <= ACPI_MAX_CPUS);
    }
    free(mem);
    mem = NULL;
}
