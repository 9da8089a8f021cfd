/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH start of day: at the PHYS32_ENTRY point %ebx holds the physical
 * address of a struct hvm_start_info.  Everything it points to (module
 * list, command lines, memory map) is given by physical address as well.
 *
 * Version 0 has no memory map (the guest asks with XENMEM_memory_map);
 * version 1 adds memmap_paddr/memmap_entries.  Only fixed-width types are
 * used, so a 32-bit entry stub reads the same layout as a 64-bit kernel.
 */
#ifndef KEEL_PUBLIC_HVM_START_INFO_H
#define KEEL_PUBLIC_HVM_START_INFO_H

#include "../xen.h"

#define XEN_HVM_START_MAGIC_VALUE   0x336ec578U

/* Memory map entry types: the same numbers as the BIOS E820 types. */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;           /* 0 or 1 */
    uint32_t flags;             /* SIF_* */
    uint32_t nr_modules;        /* entries at modlist_paddr */
    uint64_t modlist_paddr;     /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;     /* NUL-terminated; 0 if none */
    uint64_t rsdp_paddr;        /* ACPI RSDP; 0 if the guest should search */
    /* Version 1 and later: */
    uint64_t memmap_paddr;      /* struct hvm_memmap_table_entry[memmap_entries] */
    uint32_t memmap_entries;
    uint32_t reserved;          /* zero */
};

struct hvm_modlist_entry {
    uint64_t paddr;             /* start of the module */
    uint64_t size;              /* bytes */
    uint64_t cmdline_paddr;     /* NUL-terminated; 0 if none */
    uint64_t reserved;          /* zero */
};

struct hvm_memmap_table_entry {
    uint64_t addr;              /* start of the range */
    uint64_t size;              /* bytes */
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;          /* zero */
};

XEN_PUBLIC_ASSERT(sizeof(struct hvm_start_info) == 56, hvm_start_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, flags) == 8, hsi_flags);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, nr_modules) == 12, hsi_nr_modules);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, modlist_paddr) == 16, hsi_modlist);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, cmdline_paddr) == 24, hsi_cmdline);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, rsdp_paddr) == 32, hsi_rsdp);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, memmap_paddr) == 40, hsi_memmap);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, memmap_entries) == 48, hsi_memmap_entries);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_start_info, reserved) == 52, hsi_reserved);
XEN_PUBLIC_ASSERT(sizeof(struct hvm_modlist_entry) == 32, hvm_modlist_entry_size);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_modlist_entry, size) == 8, hme_size);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16, hme_cmdline);
XEN_PUBLIC_ASSERT(sizeof(struct hvm_memmap_table_entry) == 24, hvm_memmap_entry_size);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_memmap_table_entry, size) == 8, hmt_size);
XEN_PUBLIC_ASSERT(offsetof(struct hvm_memmap_table_entry, type) == 16, hmt_type);

#endif
