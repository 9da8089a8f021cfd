/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_ACPI_BUILD_H
#define KEEL_ACPI_BUILD_H

/*
 * ACPI tables for a PVH domU (xen/arch/x86/hvm/acpi_build.c): RSDP
 * (revision 2), XSDT and RSDT, FADT (revision 5), FACS, a minimal DSDT
 * and a MADT with one local APIC entry per vCPU.  Pure: the tables are
 * written into a buffer that the caller copies to guest-physical
 * @base_gpa, so it runs unchanged in the host unit tests.
 *
 * What Keel gives a domU, and why (after what Xen's toolstack gives a
 * PVH domU, so Linux sees what it has been tested with):
 *  - a full (not hardware-reduced) FADT with a FACS, SCI 9, no SMI
 *    command port (so ACPI mode is already on), PM1a event/control
 *    blocks at I/O ports ACPI_BUILD_PM1A_EVT/CNT where nothing is
 *    emulated (reads give all-ones, writes are dropped), no PM timer, no
 *    reset register (a PVH Linux reboots through SCHEDOP_shutdown), fixed
 *    power and sleep buttons absent, IAPC_BOOT_ARCH "no VGA, no CMOS RTC"
 *    and no 8042;
 *  - a DSDT holding only an empty \_SB scope: no \_S5, so Linux powers
 *    off by halting every vCPU, which Keel turns into poweroff;
 *  - a MADT at LAPIC address 0xfee00000 without PCAT_COMPAT (a domU has
 *    no 8259s: Linux probes port 0x21, reads 0xff and uses no PIC), one
 *    enabled local APIC entry per vCPU (x2APIC entry where an ID or UID
 *    does not fit a byte), no IOAPIC, no overrides.
 */
#include <keel/types.h>

#define ACPI_BUILD_LAPIC_ADDR   0xfee00000u
#define ACPI_BUILD_SCI_IRQ      9
#define ACPI_BUILD_PM1A_EVT     0xb000u
#define ACPI_BUILD_PM1A_CNT     0xb004u

struct acpi_build_cpu {
    uint32_t uid;               /* ACPI processor UID: the Xen vcpu_id (Linux relies on it) */
    uint32_t apic_id;           /* what the vCPU's CPUID and LAPIC report */
};

struct acpi_build_result {
    uint64_t rsdp_gpa;          /* for hvm_start_info.rsdp_paddr; 16-byte aligned */
    size_t size;                /* bytes of the buffer used, from base_gpa */
};

/*
 * Write the tables for @nr_cpus vCPUs into @buf (@size bytes) as they
 * must sit at @base_gpa.  The RSDP comes first, at @base_gpa itself, so
 * a base in 0xe0000-0xfffff also satisfies a legacy RSDP scan.  Returns
 * 0, -EINVAL (no vCPUs, more than 256, @base_gpa not 16-byte aligned or
 * the tables would not lie below 4 GiB) or -ENOSPC (@size too small).
 * Nothing is written on failure.
 */
int acpi_build_tables(void *buf, size_t size, uint64_t base_gpa,
                      const struct acpi_build_cpu *cpus, unsigned int nr_cpus,
                      struct acpi_build_result *out);

#endif
