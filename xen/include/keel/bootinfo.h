/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_BOOTINFO_H
#define KEEL_BOOTINFO_H

#include <keel/types.h>
#include <keel/e820.h>

#define MAX_BOOT_MODULES 64

struct boot_module {
    paddr_t start;
    paddr_t end;            /* exclusive */
    const char *string;     /* points into the multiboot info; never NULL */
};

/*
 * What the boot loader told us, in a loader-neutral form.  Strings point
 * into the loader's info block, which the caller keeps mapped and
 * reserved for as long as the strings are used.
 */
struct boot_info {
    const char *loader;             /* may be "" */
    const char *cmdline;            /* never NULL; "" if none given */
    struct e820map memmap;
    bool have_mmap;                 /* a full memory map tag was seen */
    uint32_t mem_lower_kb, mem_upper_kb;
    bool have_basic_meminfo;
    unsigned int nr_modules;
    struct boot_module modules[MAX_BOOT_MODULES];
    const void *rsdp;               /* copy of the RSDP inside the info, or NULL */
    size_t rsdp_len;
    unsigned int rsdp_revision;     /* 0 for ACPI 1.0 (old RSDP tag), 2 for new */
    bool saw_framebuffer;           /* ignored, but noted */
    bool saw_efi;                   /* EFI tags: not supported yet */
    /* Filled in by the caller, not the parser: where the info block lives. */
    paddr_t info_pa;
    size_t info_size;
};

/*
 * Parse a multiboot2 information block of at most @avail bytes (the caller
 * bounds it by what is mapped).  On failure returns a negative errno and
 * leaves a one-line reason in @err.
 */
int mb2_parse(const void *mbi, size_t avail, struct boot_info *bi,
              char *err, size_t errlen);

#define MB2_BOOTLOADER_MAGIC 0x36d76289U
#define MB1_BOOTLOADER_MAGIC 0x2badb002U

/*
 * Parse a multiboot1 information block.  @map turns a physical address
 * and length into a pointer, or NULL if it cannot be reached; the
 * multiboot1 info points elsewhere for its strings, modules and map.
 */
int mb1_parse(paddr_t info_pa, const void *(*map)(paddr_t pa, size_t len),
              struct boot_info *bi, char *err, size_t errlen);

#endif
