/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI static table walker: RSDP -> XSDT/RSDT -> MADT, HPET, FADT.
 *
 * Offsets are those of the ACPI specification.  Firmware tables are not
 * trusted: every length is checked against what can be mapped before it
 * is used, and fields are read with memcpy() because tables are not
 * guaranteed to be aligned.  A bad checksum is reported but the table is
 * still used (firmware gets checksums wrong more often than contents);
 * an impossible length rejects the table.
 */
#include <keel/lib.h>
#include <keel/unaligned.h>
#include <keel/errno.h>
#include <keel/acpi.h>

#define RSDP_SIG            "RSD PTR "
#define RSDP_V1_LEN         20
#define RSDP_V2_LEN         36
#define HDR_LEN             36      /* common system description table header */
#define TABLE_MAX_LEN       (1U << 20)  /* sanity cap: real tables are far smaller */

#define MADT_ENTRIES        44
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_ISO            2
#define MADT_LAPIC_NMI      4
#define MADT_LAPIC_ADDR     5
#define MADT_X2APIC         9

#define HPET_MIN_LEN        56
#define HPET_BASE_GAS       40      /* its 64-bit address is at offset 44 */

#define FADT_MIN_LEN        116     /* ACPI 1.0 FADT */
#define FADT_SCI_INT        46
#define FADT_PM_TMR_BLK     76
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_PM_TMR_BLK   208
#define FADT_TMR_VAL_EXT    (1U << 8)
#define FADT_RESET_REG_SUP  (1U << 10)

#define GAS_SPACE_MEMORY    0
#define GAS_SPACE_IO        1

uint8_t acpi_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while ( len-- )
        sum += *b++;
    return sum;
}

/* A valid RSDP at @p (@avail bytes readable)? */
static bool rsdp_valid(const uint8_t *p, size_t avail)
{
    if ( avail < RSDP_V1_LEN || memcmp(p, RSDP_SIG, 8) )
        return false;
    if ( acpi_checksum(p, RSDP_V1_LEN) )
        return false;
    /* ACPI 2.0+: the extended checksum covers the 36-byte structure. */
    if ( p[15] >= 2 && avail >= RSDP_V2_LEN && acpi_checksum(p, RSDP_V2_LEN) )
        return false;
    return true;
}

static paddr_t scan_rsdp(acpi_map_fn map, paddr_t start, size_t len)
{
    const uint8_t *p = map(start, len);
    size_t off;

    if ( !p )
        return 0;
    /* The RSDP sits on a 16-byte boundary. */
    for ( off = 0; off + RSDP_V1_LEN <= len; off += 16 )
        if ( rsdp_valid(p + off, len - off) )
            return start + off;
    return 0;
}

paddr_t acpi_find_rsdp_legacy(acpi_map_fn map)
{
    const uint8_t *bda = map(0x40e, 2);
    paddr_t pa;

    /* First 1 KiB of the EBDA, whose segment the BIOS data area holds. */
    if ( bda )
    {
        paddr_t ebda = (paddr_t)get_unaligned_le16(bda) << 4;

        if ( ebda >= 0x400 && ebda + 1024 <= 0xa0000 &&
             (pa = scan_rsdp(map, ebda, 1024)) != 0 )
            return pa;
    }

    return scan_rsdp(map, 0xe0000, 0x20000);
}

/*
 * Map the whole table at @pa and check it.  Returns NULL (reported) for
 * an unmappable table or one whose length is impossible; warns about a
 * bad checksum and still returns the table.  @sig may be NULL for "any".
 */
static const uint8_t *map_table(acpi_map_fn map, paddr_t pa, const char *sig,
                                uint32_t min_len, struct acpi_info *info)
{
    const uint8_t *h = map(pa, HDR_LEN);
    char name[5];
    uint32_t len;

    if ( !h )
    {
        printk(XENLOG_WARNING "ACPI: table at %#lx cannot be mapped\n",
               (unsigned long)pa);
        return NULL;
    }
    memcpy(name, h, 4);
    name[4] = '\0';
    if ( sig && memcmp(name, sig, 4) )
    {
        printk(XENLOG_WARNING "ACPI: %.4s at %#lx: expected %.4s\n",
               name, (unsigned long)pa, sig);
        info->nr_bad_tables++;
        return NULL;
    }

    len = get_unaligned_le32(h + 4);
    if ( len < HDR_LEN || len < min_len || len > TABLE_MAX_LEN )
    {
        printk(XENLOG_WARNING "ACPI: %.4s at %#lx: bad length %u\n",
               name, (unsigned long)pa, len);
        info->nr_bad_tables++;
        return NULL;
    }

    h = map(pa, len);
    if ( !h )
    {
        printk(XENLOG_WARNING "ACPI: %.4s at %#lx: length %u cannot be mapped\n",
               name, (unsigned long)pa, len);
        info->nr_bad_tables++;
        return NULL;
    }

    if ( acpi_checksum(h, len) )
    {
        printk(XENLOG_WARNING "ACPI: %.4s at %#lx: bad checksum\n",
               name, (unsigned long)pa);
        info->nr_bad_tables++;
    }
    return h;
}

static void madt_add_cpu(struct acpi_info *info, uint32_t apic_id,
                         uint32_t uid, bool x2apic)
{
    unsigned int i;

    /* Firmware may list a CPU in both LAPIC and x2APIC form. */
    for ( i = 0; i < info->nr_cpus; i++ )
        if ( info->cpus[i].apic_id == apic_id )
            return;
    if ( info->nr_cpus >= ACPI_MAX_CPUS )
    {
        printk(XENLOG_WARNING "ACPI: more than %u CPUs, APIC ID %#x ignored\n",
               ACPI_MAX_CPUS, apic_id);
        return;
    }
    info->cpus[info->nr_cpus].apic_id = apic_id;
    info->cpus[info->nr_cpus].acpi_uid = uid;
    info->cpus[info->nr_cpus].x2apic = x2apic;
    info->nr_cpus++;
}

/* Smallest valid length of each MADT entry type we read. */
static unsigned int madt_entry_min(uint8_t type)
{
    switch ( type )
    {
    case MADT_LAPIC:      return 8;
    case MADT_IOAPIC:     return 12;
    case MADT_ISO:        return 10;
    case MADT_LAPIC_ADDR: return 12;
    case MADT_X2APIC:     return 16;
    default:              return 2;
    }
}

static void parse_madt(const uint8_t *t, paddr_t pa, struct acpi_info *info)
{
    uint32_t len = get_unaligned_le32(t + 4), off;

    info->lapic_addr = get_unaligned_le32(t + 36);
    info->pcat_compat = get_unaligned_le32(t + 40) & 1;

    for ( off = MADT_ENTRIES; off + 2 <= len; off += t[off + 1] )
    {
        const uint8_t *e = t + off;
        uint8_t type = e[0], elen = e[1];

        /* A zero length would loop forever; an overrun reads past the table. */
        if ( elen < 2 || elen > len - off )
        {
            printk(XENLOG_WARNING "ACPI: APIC at %#lx: entry type %u at offset %#x has bad length %u; stopping\n",
                   (unsigned long)pa, type, off, elen);
            info->nr_bad_tables++;
            return;
        }
        if ( elen < madt_entry_min(type) )
        {
            printk(XENLOG_WARNING "ACPI: APIC at %#lx: entry type %u at offset %#x too short (%u); skipped\n",
                   (unsigned long)pa, type, off, elen);
            info->nr_bad_tables++;
            continue;
        }

        switch ( type )
        {
        case MADT_LAPIC:
            /* Bit 0 enabled; bit 1 online-capable CPUs stay "disabled". */
            if ( get_unaligned_le32(e + 4) & 1 )
            {
                if ( e[3] == 0xff )
                    printk(XENLOG_WARNING "ACPI: LAPIC with invalid APIC ID 0xff ignored\n");
                else
                    madt_add_cpu(info, e[3], e[2], false);
            }
            else
                info->nr_disabled_cpus++;
            break;

        case MADT_X2APIC:
            if ( get_unaligned_le32(e + 8) & 1 )
                madt_add_cpu(info, get_unaligned_le32(e + 4), get_unaligned_le32(e + 12), true);
            else
                info->nr_disabled_cpus++;
            break;

        case MADT_IOAPIC:
            if ( info->nr_ioapics >= ACPI_MAX_IOAPICS )
            {
                printk(XENLOG_WARNING "ACPI: more than %u IO-APICs, ID %u ignored\n",
                       ACPI_MAX_IOAPICS, e[2]);
                break;
            }
            info->ioapics[info->nr_ioapics].id = e[2];
            info->ioapics[info->nr_ioapics].addr = get_unaligned_le32(e + 4);
            info->ioapics[info->nr_ioapics].gsi_base = get_unaligned_le32(e + 8);
            info->nr_ioapics++;
            break;

        case MADT_ISO:
            if ( info->nr_overrides >= ACPI_MAX_OVERRIDES )
            {
                printk(XENLOG_WARNING "ACPI: more than %u interrupt overrides, IRQ %u ignored\n",
                       ACPI_MAX_OVERRIDES, e[3]);
                break;
            }
            info->overrides[info->nr_overrides].bus = e[2];
            info->overrides[info->nr_overrides].source_irq = e[3];
            info->overrides[info->nr_overrides].gsi = get_unaligned_le32(e + 4);
            info->overrides[info->nr_overrides].flags = get_unaligned_le16(e + 8);
            info->nr_overrides++;
            break;

        case MADT_LAPIC_ADDR:
            info->lapic_addr = get_unaligned_le64(e + 4);
            break;

        default:
            /* LAPIC NMI and everything else: not needed. */
            break;
        }
    }

    if ( off < len )
    {
        printk(XENLOG_WARNING "ACPI: APIC at %#lx: %u stray byte(s) at offset %#x\n",
               (unsigned long)pa, len - off, off);
        info->nr_bad_tables++;
    }
}

static void parse_hpet(const uint8_t *t, paddr_t pa, struct acpi_info *info)
{
    struct acpi_gas gas;

    memcpy(&gas, t + HPET_BASE_GAS, sizeof(gas));
    if ( gas.space_id != GAS_SPACE_MEMORY || !gas.address )
    {
        printk(XENLOG_WARNING "ACPI: HPET at %#lx: unusable base (space %u, address %#llx)\n",
               (unsigned long)pa, gas.space_id, (unsigned long long)gas.address);
        return;
    }
    info->have_hpet = true;
    info->hpet_addr = gas.address;
}

static void parse_fadt(const uint8_t *t, struct acpi_info *info)
{
    uint32_t len = get_unaligned_le32(t + 4);
    uint32_t flags = get_unaligned_le32(t + FADT_FLAGS);
    uint32_t port = get_unaligned_le32(t + FADT_PM_TMR_BLK);

    info->sci_irq = get_unaligned_le16(t + FADT_SCI_INT);

    /* The 64-bit X_ block wins when present, non-zero and in I/O space. */
    if ( len >= FADT_X_PM_TMR_BLK + sizeof(struct acpi_gas) )
    {
        struct acpi_gas x;

        memcpy(&x, t + FADT_X_PM_TMR_BLK, sizeof(x));
        if ( x.address && x.space_id == GAS_SPACE_IO && x.address <= 0xffff )
            port = (uint32_t)x.address;
    }
    if ( port )
    {
        info->have_pm_timer = true;
        info->pm_tmr_port = port;
        info->pm_tmr_32bit = flags & FADT_TMR_VAL_EXT;
    }

    if ( (flags & FADT_RESET_REG_SUP) && len > FADT_RESET_VALUE )
    {
        memcpy(&info->reset_reg, t + FADT_RESET_REG, sizeof(info->reset_reg));
        info->reset_value = t[FADT_RESET_VALUE];
        info->have_reset_reg = info->reset_reg.address != 0;
    }
}

/* Find the root table: XSDT for ACPI 2.0+, else (or if that fails) RSDT. */
static const uint8_t *map_root(const uint8_t *r, size_t rlen, acpi_map_fn map,
                               struct acpi_info *info, unsigned int *esize,
                               paddr_t *root_pa)
{
    const uint8_t *t;
    uint32_t rsdt = get_unaligned_le32(r + 16);

    if ( info->revision >= 2 && rlen >= RSDP_V2_LEN )
    {
        uint64_t xsdt = get_unaligned_le64(r + 24);

        if ( xsdt )
        {
            t = map_table(map, xsdt, "XSDT", HDR_LEN, info);
            if ( t )
            {
                *esize = 8;
                *root_pa = xsdt;
                return t;
            }
            printk(XENLOG_WARNING "ACPI: XSDT unusable, trying the RSDT\n");
        }
    }

    if ( !rsdt )
        return NULL;
    t = map_table(map, rsdt, "RSDT", HDR_LEN, info);
    *esize = 4;
    *root_pa = rsdt;
    return t;
}

int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map,
               struct acpi_info *info)
{
    const uint8_t *r = rsdp, *root;
    paddr_t root_pa = 0;
    unsigned int esize = 4, n, i;
    bool seen_madt = false, seen_hpet = false, seen_fadt = false;

    memset(info, 0, sizeof(*info));

    if ( !r || rsdp_len < RSDP_V1_LEN || memcmp(r, RSDP_SIG, 8) )
    {
        printk(XENLOG_WARNING "ACPI: no valid RSDP\n");
        return -EINVAL;
    }
    if ( acpi_checksum(r, RSDP_V1_LEN) ||
         (r[15] >= 2 && rsdp_len >= RSDP_V2_LEN &&
          acpi_checksum(r, RSDP_V2_LEN)) )
    {
        printk(XENLOG_WARNING "ACPI: RSDP: bad checksum\n");
        info->nr_bad_tables++;
    }

    info->revision = r[15];
    memcpy(info->oem_id, r + 9, 6);
    info->oem_id[6] = '\0';

    root = map_root(r, rsdp_len, map, info, &esize, &root_pa);
    if ( !root )
    {
        printk(XENLOG_WARNING "ACPI: no usable RSDT or XSDT\n");
        return -ENOENT;
    }

    n = (get_unaligned_le32(root + 4) - HDR_LEN) / esize;
    for ( i = 0; i < n; i++ )
    {
        const uint8_t *e = root + HDR_LEN + (size_t)i * esize;
        paddr_t pa = esize == 8 ? get_unaligned_le64(e) : get_unaligned_le32(e);
        const uint8_t *h, *t;

        if ( !pa )
            continue;
        h = map(pa, HDR_LEN);
        if ( !h )
        {
            printk(XENLOG_WARNING "ACPI: table at %#lx (entry %u of %.4s) cannot be mapped\n",
                   (unsigned long)pa, i, (const char *)root);
            continue;
        }

        /* The first table of each kind wins, as in Linux. */
        if ( !memcmp(h, "APIC", 4) && !seen_madt )
        {
            if ( (t = map_table(map, pa, "APIC", MADT_ENTRIES, info)) != NULL )
            {
                parse_madt(t, pa, info);
                seen_madt = true;
            }
        }
        else if ( !memcmp(h, "HPET", 4) && !seen_hpet )
        {
            if ( (t = map_table(map, pa, "HPET", HPET_MIN_LEN, info)) != NULL )
            {
                parse_hpet(t, pa, info);
                seen_hpet = true;
            }
        }
        else if ( !memcmp(h, "FACP", 4) && !seen_fadt )
        {
            if ( (t = map_table(map, pa, "FACP", FADT_MIN_LEN, info)) != NULL )
            {
                parse_fadt(t, info);
                seen_fadt = true;
            }
        }
    }

    if ( !seen_madt )
        printk(XENLOG_WARNING "ACPI: no usable MADT in %.4s at %#lx\n",
               (const char *)root, (unsigned long)root_pa);
    return 0;
}
