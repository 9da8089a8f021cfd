/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_PVH_BUILD_H
#define KEEL_PVH_BUILD_H

#include <keel/types.h>
#include <public/hvm/start_info.h>

/*
 * How the builder reaches guest memory, so the same code loads a real
 * domain (through the p2m) and a host buffer in the unit tests.
 */
struct guest_mem_ops {
    void *ctx;
    /* Copy into guest-physical memory; -EFAULT if outside RAM. */
    int (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
    int (*zero)(void *ctx, uint64_t gpa, uint64_t len);
};

#define PVH_MEMMAP_ENTRIES  4
#define PVH_MEMMAP_ENTRIES_ACPI 5

struct pvh_layout {                 /* result */
    uint32_t entry;                 /* PHYS32_ENTRY */
    uint32_t start_info;            /* %ebx */
    uint64_t kernel_start, kernel_end, initrd_start, initrd_end;
    /* The memory map written into the start info. */
    struct hvm_memmap_table_entry memmap[PVH_MEMMAP_ENTRIES_ACPI];
    unsigned int memmap_entries;
};

/*
 * Guest memory map handed to the guest (hvm_start_info version 1):
 *
 *   [0, 0xa0000)              RAM
 *   [0xa0000, 0x100000)       reserved (legacy VGA/ROM hole; still backed
 *                             by zeroed RAM so BIOS-area scans read zeros)
 *   [0x100000, ram_bytes)     RAM
 *   [0xfeff8000, 0xff000000)  reserved: the eight "special pages" of Xen's
 *                             HVM layout (GFN 0xfeff8 + i); Keel puts the
 *                             console ring at page 7 (0xfefff) and leaves
 *                             the others (xenstore at page 4) empty
 *
 * With ACPI tables (pvh_build_acpi()) the top of the hole holds them:
 *
 *   [0xa0000, 0xe0000)        reserved
 *   [0xe0000, 0x100000)       ACPI (the tables, RSDP first, so the
 *                             legacy RSDP scan finds it too)
 *
 * Linux needs RAM below 1 MiB (its real-mode trampoline) and marks the
 * hole reserved itself anyway.  ram_bytes stays below the local APIC
 * (PVH_MAX_RAM) so guest RAM never overlaps the MMIO window.
 *
 * Placement: kernel segments at their p_paddr; the initrd page-aligned
 * right above the kernel; then one start-info block (hvm_start_info,
 * module list, memory map, command line), page-aligned, above both.  The
 * block must end below 1 GiB because Linux reads it through its early
 * page tables, which map only the first GiB.
 */
#define PVH_LOW_RAM_END     0xa0000ULL
#define PVH_HOLE_END        0x100000ULL
#define PVH_MIN_RAM         (2ULL << 20)
#define PVH_MAX_RAM         0xfee00000ULL
#define PVH_START_INFO_LIMIT (1ULL << 30)
#define PVH_MAX_CMDLINE     2047        /* Linux's COMMAND_LINE_SIZE - 1 */
#define PVH_ACPI_START      0xe0000ULL
#define PVH_ACPI_MAX        (PVH_HOLE_END - PVH_ACPI_START)
#define PVH_SPECIAL_START   0xfeff8000ULL
#define PVH_SPECIAL_END     0xff000000ULL
#define PVH_CONSOLE_GFN     ((PVH_SPECIAL_START >> 12) + 7)

/* ACPI tables built for PVH_ACPI_START (keel/acpi_build.h). */
struct pvh_acpi {
    const void *tables;
    size_t len;                     /* at most PVH_ACPI_MAX */
    uint64_t rsdp_gpa;              /* inside the tables */
};

/*
 * Load @kernel (a PVH ELF) and @initrd (may be NULL/0) into guest RAM
 * [0, @ram_bytes) and write a version 1 hvm_start_info for @cmdline (may
 * be NULL).  Everything is validated before the first write.  Guest RAM
 * is expected to be zeroed already; only bss and the start-info pages are
 * zeroed here.  Returns 0, or a negative errno with a one-line reason in
 * @err: -ENOEXEC (bad or non-PVH kernel), -EINVAL (bad arguments),
 * -ENOSPC (does not fit), or what ops->write/zero returned.
 */
int pvh_build(const void *kernel, size_t kernel_len, const void *initrd, size_t initrd_len,
              const char *cmdline, uint64_t ram_bytes, const struct guest_mem_ops *ops,
              struct pvh_layout *out, char *err, size_t errlen);
/*
 * The same, and the ACPI tables @acpi (may be NULL: then exactly
 * pvh_build()) copied to PVH_ACPI_START, that range typed ACPI in the
 * memory map and hvm_start_info.rsdp_paddr pointing at the RSDP.
 */
int pvh_build_acpi(const void *kernel, size_t kernel_len, const void *initrd, size_t initrd_len,
                   const char *cmdline, uint64_t ram_bytes, const struct pvh_acpi *acpi,
                   const struct guest_mem_ops *ops, struct pvh_layout *out,
                   char *err, size_t errlen);

#endif
