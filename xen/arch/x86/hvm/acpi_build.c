/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI tables for PVH domUs (see keel/acpi_build.h for what a domU gets
 * and why).  Layouts are from the ACPI 5.0 specification; every table is
 * assembled field by field at its spec offset, then checksummed.
 *
 * Layout from base_gpa: RSDP, XSDT, RSDT, FACS (64-byte aligned), FADT,
 * DSDT, MADT, each 16-byte aligned.  Everything is sized before anything
 * is written.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/acpi.h>
#include <keel/acpi_build.h>

#define HDR_LEN             36
#define RSDP_LEN            36
#define FACS_LEN            64
#define FADT_LEN            268         /* revision 5 (ACPI 5.0) */
#define MADT_LAPIC_LEN      8
#define MADT_X2APIC_LEN     16
#define MAX_CPUS            256

/* FADT field offsets (ACPI 5.0, table 5-34). */
#define FADT_FIRMWARE_CTRL  36
#define FADT_DSDT           40
#define FADT_PM_PROFILE     45
#define FADT_SCI_INT        46
#define FADT_SMI_CMD        48
#define FADT_PM1A_EVT_BLK   56
#define FADT_PM1A_CNT_BLK   64
#define FADT_PM1_EVT_LEN    88
#define FADT_PM1_CNT_LEN    89
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS          112
#define FADT_MINOR_VERSION  131
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT         140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172

#define FADT_F_WBINVD       (1u << 0)
#define FADT_F_PROC_C1      (1u << 2)
#define FADT_F_PWR_BUTTON   (1u << 4)   /* set: no fixed power button */
#define FADT_F_SLP_BUTTON   (1u << 5)   /* set: no fixed sleep button */
#define BOOT_ARCH_NO_VGA    (1u << 2)
#define BOOT_ARCH_NO_CMOS   (1u << 5)

#define MADT_ENABLED        1u

/* AML of the DSDT body: Scope (\_SB_) {} -- ScopeOp, PkgLength 6, "\_SB_". */
static const uint8_t dsdt_aml[] = { 0x10, 0x06, '\\', '_', 'S', 'B', '_' };

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A Generic Address Structure for an I/O port block. */
static void put_gas_io(uint8_t *p, uint16_t port, uint8_t bytes)
{
    p[0] = 1;                   /* system I/O space */
    p[1] = bytes * 8;           /* register bit width */
    p[2] = 0;
    p[3] = bytes >= 4 ? 3 : bytes;  /* access size: 1 byte, 2 word, 3 dword */
    put64(p + 4, port);
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "KEEL  ", 6);
    memcpy(t + 16, "KEELPVH ", 8);
    put32(t + 24, 1);           /* OEM revision */
    memcpy(t + 28, "KEEL", 4);  /* creator */
    put32(t + 32, 1);
}

static void checksum(uint8_t *t, size_t len, size_t at)
{
    t[at] = 0;
    t[at] = (uint8_t)-acpi_checksum(t, len);
}

static bool needs_x2apic_entry(const struct acpi_build_cpu *c)
{
    /* 0xff is "all" in the byte-wide entry: neither ID nor UID may take it. */
    return c->apic_id >= 0xff || c->uid >= 0xff;
}

static void build_fadt(uint8_t *t, uint32_t facs, uint32_t dsdt)
{
    header(t, "FACP", FADT_LEN, 5);
    put32(t + FADT_FIRMWARE_CTRL, 0);           /* the 64-bit field is used instead */
    put32(t + FADT_DSDT, dsdt);
    t[FADT_PM_PROFILE] = 0;                     /* unspecified */
    put16(t + FADT_SCI_INT, ACPI_BUILD_SCI_IRQ);
    put32(t + FADT_SMI_CMD, 0);                 /* no SMM: ACPI mode is always on */
    put32(t + FADT_PM1A_EVT_BLK, ACPI_BUILD_PM1A_EVT);
    put32(t + FADT_PM1A_CNT_BLK, ACPI_BUILD_PM1A_CNT);
    t[FADT_PM1_EVT_LEN] = 4;
    t[FADT_PM1_CNT_LEN] = 2;
    put16(t + FADT_IAPC_BOOT_ARCH, BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS);
    put32(t + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
                          FADT_F_SLP_BUTTON);
    t[FADT_MINOR_VERSION] = 0;
    put64(t + FADT_X_FIRMWARE_CTRL, facs);
    put64(t + FADT_X_DSDT, dsdt);
    put_gas_io(t + FADT_X_PM1A_EVT_BLK, ACPI_BUILD_PM1A_EVT, 4);
    put_gas_io(t + FADT_X_PM1A_CNT_BLK, ACPI_BUILD_PM1A_CNT, 2);
    checksum(t, FADT_LEN, 9);
}

static void build_madt(uint8_t *t, uint32_t len, const struct acpi_build_cpu *cpus,
                       unsigned int nr)
{
    uint8_t *e = t + HDR_LEN + 8;
    unsigned int i;

    header(t, "APIC", len, 3);
    put32(t + 36, ACPI_BUILD_LAPIC_ADDR);
    put32(t + 40, 0);                           /* no PCAT_COMPAT: no 8259s */
    for ( i = 0; i < nr; i++ )
    {
        if ( needs_x2apic_entry(&cpus[i]) )
        {
            e[0] = 9;
            e[1] = MADT_X2APIC_LEN;
            put16(e + 2, 0);
            put32(e + 4, cpus[i].apic_id);
            put32(e + 8, MADT_ENABLED);
            put32(e + 12, cpus[i].uid);
            e += MADT_X2APIC_LEN;
        }
        else
        {
            e[0] = 0;
            e[1] = MADT_LAPIC_LEN;
            e[2] = (uint8_t)cpus[i].uid;
            e[3] = (uint8_t)cpus[i].apic_id;
            put32(e + 4, MADT_ENABLED);
            e += MADT_LAPIC_LEN;
        }
    }
    checksum(t, len, 9);
}

int acpi_build_tables(void *buf, size_t size, uint64_t base_gpa,
                      const struct acpi_build_cpu *cpus, unsigned int nr_cpus,
                      struct acpi_build_result *out)
{
    size_t rsdp = 0, xsdt, rsdt, facs, fadt, dsdt, madt, end;
    uint32_t madt_len = HDR_LEN + 8, dsdt_len = HDR_LEN + sizeof(dsdt_aml);
    uint8_t *b = buf;
    unsigned int i;

    /* ---- check ---- */
    if ( !nr_cpus || nr_cpus > MAX_CPUS || !cpus || !out || (base_gpa & 15) )
        return -EINVAL;
    for ( i = 0; i < nr_cpus; i++ )
        madt_len += needs_x2apic_entry(&cpus[i]) ? MADT_X2APIC_LEN : MADT_LAPIC_LEN;
    xsdt = ROUNDUP(rsdp + RSDP_LEN, 16);
    rsdt = ROUNDUP(xsdt + HDR_LEN + 2 * 8, 16);
    facs = ROUNDUP(rsdt + HDR_LEN + 2 * 4, 64);
    fadt = ROUNDUP(facs + FACS_LEN, 16);
    dsdt = ROUNDUP(fadt + FADT_LEN, 16);
    madt = ROUNDUP(dsdt + dsdt_len, 16);
    end = madt + madt_len;
    /* The RSDT and the FADT's DSDT field hold 32-bit addresses. */
    if ( base_gpa > 0xffffffffULL || end > 0x100000000ULL - base_gpa )
        return -EINVAL;
    if ( !buf || end > size )
        return -ENOSPC;

    /* ---- commit ---- */
    memset(b, 0, end);

    memcpy(b + rsdp, "RSD PTR ", 8);
    memcpy(b + rsdp + 9, "KEEL  ", 6);
    b[rsdp + 15] = 2;                           /* ACPI 2.0+ RSDP */
    put32(b + rsdp + 16, (uint32_t)(base_gpa + rsdt));
    put32(b + rsdp + 20, RSDP_LEN);
    put64(b + rsdp + 24, base_gpa + xsdt);
    checksum(b + rsdp, 20, 8);                  /* the ACPI 1.0 part */
    checksum(b + rsdp, RSDP_LEN, 32);           /* the whole structure */

    header(b + xsdt, "XSDT", HDR_LEN + 2 * 8, 1);
    put64(b + xsdt + HDR_LEN, base_gpa + fadt);
    put64(b + xsdt + HDR_LEN + 8, base_gpa + madt);
    checksum(b + xsdt, HDR_LEN + 2 * 8, 9);

    header(b + rsdt, "RSDT", HDR_LEN + 2 * 4, 1);
    put32(b + rsdt + HDR_LEN, (uint32_t)(base_gpa + fadt));
    put32(b + rsdt + HDR_LEN + 4, (uint32_t)(base_gpa + madt));
    checksum(b + rsdt, HDR_LEN + 2 * 4, 9);

    /* FACS: no checksum; hardware signature 0, no waking vector, version 2. */
    memcpy(b + facs, "FACS", 4);
    put32(b + facs + 4, FACS_LEN);
    b[facs + 32] = 2;

    build_fadt(b + fadt, (uint32_t)(base_gpa + facs), (uint32_t)(base_gpa + dsdt));

    header(b + dsdt, "DSDT", dsdt_len, 2);      /* revision 2: 64-bit AML integers */
    memcpy(b + dsdt + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
    checksum(b + dsdt, dsdt_len, 9);

    build_madt(b + madt, madt_len, cpus, nr_cpus);

    out->rsdp_gpa = base_gpa + rsdp;
    out->size = end;
    return 0;
}
