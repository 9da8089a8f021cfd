/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_ACPI_H
#define KEEL_ACPI_H

#include <keel/types.h>

#define ACPI_MAX_CPUS       256
#define ACPI_MAX_IOAPICS    16
#define ACPI_MAX_OVERRIDES  32

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool x2apic;        /* came from an x2APIC entry */
};

struct acpi_ioapic {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

struct acpi_override {
    uint8_t bus, source_irq;
    uint32_t gsi;
    uint16_t flags;
};

/* Generic Address Structure, as in the FADT. */
struct acpi_gas {
    uint8_t space_id;   /* 0 memory, 1 system I/O */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __packed;

/* Everything Keel takes from the firmware tables. */
struct acpi_info {
    unsigned int revision;          /* RSDP revision */
    char oem_id[7];
    paddr_t lapic_addr;
    bool pcat_compat;               /* MADT says 8259s are present */
    unsigned int nr_cpus;           /* enabled processors only */
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned int nr_disabled_cpus;
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
    bool have_hpet;
    paddr_t hpet_addr;
    bool have_pm_timer;
    uint32_t pm_tmr_port;
    bool pm_tmr_32bit;
    bool have_reset_reg;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint16_t sci_irq;
    unsigned int nr_bad_tables;     /* checksum or length problems seen */
};

/*
 * The walker reaches physical memory through this callback, which
 * returns a pointer to @len readable bytes at @pa or NULL if that range
 * cannot be mapped.  The hypervisor passes its direct map; tests pass a
 * fake memory image.
 */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len);

/* Find the RSDP in the EBDA and 0xE0000-0xFFFFF; 0 if not found. */
paddr_t acpi_find_rsdp_legacy(acpi_map_fn map);

/*
 * Walk RSDP -> XSDT (or RSDT) -> MADT, HPET, FADT.  @rsdp points at an
 * RSDP (from the multiboot tag or the legacy scan).  Every table with a
 * bad checksum or an impossible length is reported with its signature
 * and address: a bad length rejects the table, a bad checksum is warned
 * about and the table is still used (as Linux does).  Returns 0, or
 * -errno when no usable RSDP/RSDT/XSDT exists.
 */
int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map,
               struct acpi_info *info);

uint8_t acpi_checksum(const void *p, size_t len);

#endif
