/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH domain builder (xen/common/pvh_build.c) against a fake guest
 * memory: a host buffer standing for guest RAM [0, size).  Every field
 * the guest reads is checked, and failures must leave the memory as it
 * was (check, then commit).
 */
#include <stdlib.h>
#include <string.h>

#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/elf.h>
#include <keel/pvh_build.h>
#include <public/hvm/start_info.h>

#include "harness.h"
#include "elf_image.h"

#define RAM_BYTES   (8ULL << 20)
#define FILL        0xcc            /* what "untouched" guest RAM holds */

struct fake_mem {
    uint8_t *ram;
    uint64_t size;
    unsigned int calls;
    int fail_at;                    /* fail the Nth call (1-based); 0 never */
};

static struct fake_mem mem;
static uint8_t kernel[TI_SIZE];
static char err[200];

static int fake_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct fake_mem *m = ctx;

    if ( m->fail_at && ++m->calls == (unsigned int)m->fail_at )
        return -EFAULT;
    if ( len > m->size || gpa > m->size - len )
        return -EFAULT;
    memcpy(m->ram + gpa, src, len);
    return 0;
}

static int fake_zero(void *ctx, uint64_t gpa, uint64_t len)
{
    struct fake_mem *m = ctx;

    if ( m->fail_at && ++m->calls == (unsigned int)m->fail_at )
        return -EFAULT;
    if ( len > m->size || gpa > m->size - len )
        return -EFAULT;
    memset(m->ram + gpa, 0, len);
    return 0;
}

static const struct guest_mem_ops ops = { &mem, fake_write, fake_zero };

static void mem_reset(void)
{
    if ( !mem.ram )
        mem.ram = malloc(RAM_BYTES);
    REQUIRE(mem.ram);
    mem.size = RAM_BYTES;
    memset(mem.ram, FILL, RAM_BYTES);
    mem.calls = 0;
    mem.fail_at = 0;
}

static bool mem_untouched(void)
{
    for ( uint64_t i = 0; i < RAM_BYTES; i++ )
        if ( mem.ram[i] != FILL )
            return false;
    return true;
}

static bool all_bytes(uint64_t gpa, uint64_t len, uint8_t v)
{
    for ( uint64_t i = 0; i < len; i++ )
        if ( mem.ram[gpa + i] != v )
            return false;
    return true;
}

/* Standard kernel, but with text at @text_pa, data 0x2000 above, entry at +0x40. */
static void build_kernel_at(int is64, uint64_t text_pa)
{
    struct ti_spec s;
    size_t len;

    memset(kernel, 0, sizeof(kernel));
    len = ti_standard_notes(kernel + TI_NOTES_OFF, TI_ENTRY_8, text_pa + 0x40);
    ti_spec_standard(&s, is64, len);
    s.seg[0].paddr = text_pa;
    s.seg[1].paddr = text_pa + 0x2000;
    ti_headers(kernel, TI_SHOFF, &s);
    ti_fill_payload(kernel);
}

static int build(const void *initrd, size_t initrd_len, const char *cmdline,
                 struct pvh_layout *l)
{
    err[0] = '\0';
    return pvh_build(kernel, sizeof(kernel), initrd, initrd_len, cmdline, RAM_BYTES, &ops, l,
                     err, sizeof(err));
}

static void check_kernel_loaded(uint64_t text_pa)
{
    bool text_ok = true, data_ok = true;

    for ( size_t i = 0; i < 0x1000; i++ )
        text_ok &= mem.ram[text_pa + i] == (uint8_t)(i * 7 + 1);
    for ( size_t i = 0; i < 0x800; i++ )
        data_ok &= mem.ram[text_pa + 0x2000 + i] == (uint8_t)(i * 13 + 5);
    CHECK(text_ok);
    CHECK(data_ok);
    /* bss: p_memsz beyond p_filesz is zeroed. */
    CHECK(all_bytes(text_pa + 0x2800, 0x2800, 0));
    /* The gap between the segments is not the builder's to touch. */
    CHECK(all_bytes(text_pa + 0x1000, 0x1000, FILL));
}

/* Check the start info the guest will read; returns it for more checks. */
static struct hvm_start_info check_start_info(const struct pvh_layout *l, const char *cmdline)
{
    struct hvm_start_info si;
    struct hvm_memmap_table_entry mm[PVH_MEMMAP_ENTRIES];
    uint64_t page = l->start_info;

    memcpy(&si, mem.ram + page, sizeof(si));
    CHECK(IS_ALIGNED(page, PAGE_SIZE));
    CHECK(page + PAGE_SIZE <= RAM_BYTES);
    CHECK(si.magic == XEN_HVM_START_MAGIC_VALUE);
    CHECK(si.version == 1);
    CHECK(si.flags == 0);
    CHECK(si.rsdp_paddr == 0);
    CHECK(si.reserved == 0);

    if ( cmdline )
    {
        REQUIRE(si.cmdline_paddr >= page && si.cmdline_paddr < page + PAGE_SIZE);
        CHECK(strlen(cmdline) < page + PAGE_SIZE - si.cmdline_paddr);
        CHECK(strcmp((const char *)mem.ram + si.cmdline_paddr, cmdline) == 0);
        /* The rest of the page after the string is zero. */
        CHECK(all_bytes(si.cmdline_paddr + strlen(cmdline),
                        page + PAGE_SIZE - si.cmdline_paddr - strlen(cmdline), 0));
    }
    else
        CHECK(si.cmdline_paddr == 0);

    REQUIRE(si.memmap_entries == PVH_MEMMAP_ENTRIES);
    REQUIRE(si.memmap_paddr >= page &&
            si.memmap_paddr + sizeof(mm) <= page + PAGE_SIZE);
    CHECK(IS_ALIGNED(si.memmap_paddr, 8));
    memcpy(mm, mem.ram + si.memmap_paddr, sizeof(mm));
    CHECK(mm[0].addr == 0 && mm[0].size == 0xa0000);
    CHECK(mm[0].type == XEN_HVM_MEMMAP_TYPE_RAM);
    CHECK(mm[1].addr == 0xa0000 && mm[1].size == 0x60000);
    CHECK(mm[1].type == XEN_HVM_MEMMAP_TYPE_RESERVED);
    CHECK(mm[2].addr == 0x100000 && mm[2].size == RAM_BYTES - 0x100000);
    CHECK(mm[2].type == XEN_HVM_MEMMAP_TYPE_RAM);
    /* Xen's special pages (the console ring is page 7), reserved, above all RAM. */
    CHECK(mm[3].addr == 0xfeff8000 && mm[3].size == 0x8000);
    CHECK(mm[3].type == XEN_HVM_MEMMAP_TYPE_RESERVED);
    CHECK(PVH_CONSOLE_GFN == 0xfefff);
    CHECK(mm[0].reserved == 0 && mm[1].reserved == 0 && mm[2].reserved == 0 &&
          mm[3].reserved == 0);
    /* Linux reads the start info, module list and map through its first-GiB mapping. */
    CHECK(page + PAGE_SIZE <= (1ULL << 30));
    return si;
}

TEST(kernel_initrd_cmdline)
{
    static uint8_t initrd[5000];
    const char *cmdline = "console=hvc0 earlyprintk=xen root=/dev/ram0";
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    struct pvh_layout l;

    mem_reset();
    for ( size_t i = 0; i < sizeof(initrd); i++ )
        initrd[i] = (uint8_t)(i * 31 + 3);
    ti_build(kernel, 1, TI_ENTRY_8);
    REQUIRE(build(initrd, sizeof(initrd), cmdline, &l) == 0);
    CHECK(err[0] == '\0');

    CHECK(l.entry == TI_ENTRY);
    CHECK(l.kernel_start == TI_TEXT_PA);
    CHECK(l.kernel_end == TI_DATA_PA + 0x3000);
    CHECK(l.initrd_start == 0x105000);          /* page-aligned, right above the kernel */
    CHECK(l.initrd_end == 0x105000 + sizeof(initrd));
    CHECK(l.start_info == 0x107000);            /* the page above the initrd */
    check_kernel_loaded(TI_TEXT_PA);
    CHECK(memcmp(mem.ram + l.initrd_start, initrd, sizeof(initrd)) == 0);
    /* Below the kernel nothing was written. */
    CHECK(all_bytes(0, TI_TEXT_PA, FILL));

    si = check_start_info(&l, cmdline);
    CHECK(si.nr_modules == 1);
    REQUIRE(si.modlist_paddr >= l.start_info &&
            si.modlist_paddr + sizeof(mod) <= l.start_info + PAGE_SIZE);
    CHECK(IS_ALIGNED(si.modlist_paddr, 8));
    memcpy(&mod, mem.ram + si.modlist_paddr, sizeof(mod));
    CHECK(mod.paddr == l.initrd_start);
    CHECK(mod.size == sizeof(initrd));
    CHECK(mod.cmdline_paddr == 0);
    CHECK(mod.reserved == 0);
    /* Above the start info page nothing was written. */
    CHECK(all_bytes(l.start_info + PAGE_SIZE, RAM_BYTES - l.start_info - PAGE_SIZE, FILL));
}

TEST(no_initrd_no_cmdline)
{
    struct hvm_start_info si;
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_4);
    REQUIRE(build(NULL, 0, NULL, &l) == 0);
    CHECK(l.initrd_start == 0 && l.initrd_end == 0);
    CHECK(l.start_info == 0x105000);
    si = check_start_info(&l, NULL);
    CHECK(si.nr_modules == 0);
    CHECK(si.modlist_paddr == 0);
}

TEST(empty_cmdline_is_passed)
{
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_8);
    REQUIRE(build(NULL, 0, "", &l) == 0);
    check_start_info(&l, "");
}

TEST(elf32_kernel)
{
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 0, TI_ENTRY_4);
    REQUIRE(build(NULL, 0, "quiet", &l) == 0);
    CHECK(l.entry == TI_ENTRY);
    check_kernel_loaded(TI_TEXT_PA);
    check_start_info(&l, "quiet");
}

TEST(kernel_in_low_ram)
{
    static uint8_t initrd[100];
    struct pvh_layout l;

    mem_reset();
    build_kernel_at(1, 0x10000);
    memset(initrd, 0x77, sizeof(initrd));
    REQUIRE(build(initrd, sizeof(initrd), "x", &l) == 0);
    CHECK(l.entry == 0x10040);
    check_kernel_loaded(0x10000);
    /* Initrd and start info skip the reserved hole and go above 1 MiB. */
    CHECK(l.initrd_start == 0x100000);
    CHECK(l.start_info == 0x101000);
    CHECK(all_bytes(0xa0000, 0x60000, FILL));
    check_start_info(&l, "x");
}

TEST(longest_cmdline)
{
    static char cmdline[PVH_MAX_CMDLINE + 2];
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_8);
    memset(cmdline, 'k', PVH_MAX_CMDLINE);
    cmdline[PVH_MAX_CMDLINE] = '\0';
    REQUIRE(build(NULL, 0, cmdline, &l) == 0);
    check_start_info(&l, cmdline);

    mem_reset();
    memset(cmdline, 'k', PVH_MAX_CMDLINE + 1);
    cmdline[PVH_MAX_CMDLINE + 1] = '\0';
    CHECK(build(NULL, 0, cmdline, &l) == -EINVAL);
    CHECK(strstr(err, "command line longer") != NULL);
    CHECK(mem_untouched());
}

TEST(not_a_pvh_kernel)
{
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_NONE);
    CHECK(build(NULL, 0, NULL, &l) == -ENOEXEC);
    CHECK(strcmp(err, "not a PVH kernel: no XEN_ELFNOTE_PHYS32_ENTRY note") == 0);
    CHECK(mem_untouched());

    memset(kernel, 0x5a, sizeof(kernel));
    CHECK(build(NULL, 0, NULL, &l) == -ENOEXEC);
    CHECK(strstr(err, "ELF") != NULL);
    CHECK(mem_untouched());
}

TEST(entry_outside_text)
{
    struct ti_spec s;
    struct pvh_layout l;
    size_t len;

    mem_reset();
    memset(kernel, 0, sizeof(kernel));
    /* Entry in the data segment (not executable). */
    len = ti_standard_notes(kernel + TI_NOTES_OFF, TI_ENTRY_8, TI_DATA_PA + 4);
    ti_spec_standard(&s, 1, len);
    ti_headers(kernel, TI_SHOFF, &s);
    CHECK(build(NULL, 0, NULL, &l) == -ENOEXEC);
    CHECK(strstr(err, "PHYS32_ENTRY 0x102004") != NULL);
    CHECK(mem_untouched());
}

TEST(segment_in_reserved_hole)
{
    struct pvh_layout l;

    mem_reset();
    build_kernel_at(1, 0x9f000);                /* text fits below 640 KiB, data does not */
    CHECK(build(NULL, 0, NULL, &l) == -ENOSPC);
    CHECK(strstr(err, "overlaps the reserved range") != NULL);
    CHECK(mem_untouched());

    build_kernel_at(1, 0xc0000);
    CHECK(build(NULL, 0, NULL, &l) == -ENOSPC);
    CHECK(mem_untouched());
}

TEST(segment_outside_ram)
{
    struct pvh_layout l;

    mem_reset();
    build_kernel_at(1, RAM_BYTES - 0x4000);     /* bss runs past the end */
    CHECK(build(NULL, 0, NULL, &l) == -ENOSPC);
    CHECK(strstr(err, "outside guest RAM") != NULL);
    CHECK(mem_untouched());

    build_kernel_at(1, 0x80000000ULL);
    CHECK(build(NULL, 0, NULL, &l) == -ENOSPC);
    CHECK(mem_untouched());
}

TEST(initrd_or_start_info_does_not_fit)
{
    static uint8_t big[RAM_BYTES];
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_8);
    CHECK(build(big, RAM_BYTES, NULL, &l) == -ENOSPC);
    CHECK(strstr(err, "initrd of") != NULL);
    CHECK(mem_untouched());

    /* The initrd fills RAM exactly: no page is left for the start info. */
    CHECK(build(big, RAM_BYTES - 0x105000, NULL, &l) == -ENOSPC);
    CHECK(strstr(err, "no room for the start info") != NULL);
    CHECK(mem_untouched());

    /* One page left: it fits. */
    CHECK(build(big, RAM_BYTES - 0x106000, NULL, &l) == 0);
    CHECK(l.start_info == RAM_BYTES - 0x1000);
}

TEST(start_info_must_stay_below_1g)
{
    static const uint8_t never_read;
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_8);
    /* 2 GiB of guest RAM and a 1 GiB initrd: the start info would land above 1 GiB. */
    CHECK(pvh_build(kernel, sizeof(kernel), &never_read, 1ULL << 30, NULL, 2ULL << 30, &ops,
                    &l, err, sizeof(err)) == -ENOSPC);
    CHECK(strstr(err, "below 1 GiB") != NULL);
    CHECK(mem.calls == 0);
    CHECK(mem_untouched());
}

TEST(bad_arguments)
{
    static const struct guest_mem_ops no_zero = { &mem, fake_write, NULL };
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_8);
    CHECK(pvh_build(kernel, sizeof(kernel), NULL, 0, NULL, 1ULL << 20, &ops, &l,
                    err, sizeof(err)) == -EINVAL);
    CHECK(strstr(err, "guest RAM size") != NULL);
    CHECK(pvh_build(kernel, sizeof(kernel), NULL, 0, NULL, RAM_BYTES + 1, &ops, &l,
                    err, sizeof(err)) == -EINVAL);
    CHECK(pvh_build(kernel, sizeof(kernel), NULL, 0, NULL, 0xff000000ULL, &ops, &l,
                    err, sizeof(err)) == -EINVAL);
    CHECK(pvh_build(kernel, sizeof(kernel), NULL, 0, NULL, RAM_BYTES, &no_zero, &l,
                    err, sizeof(err)) == -EINVAL);
    CHECK(pvh_build(kernel, sizeof(kernel), NULL, 0, NULL, RAM_BYTES, NULL, &l,
                    err, sizeof(err)) == -EINVAL);
    CHECK(build(NULL, 10, NULL, &l) == -EINVAL);
    CHECK(strstr(err, "initrd") != NULL);
    CHECK(mem_untouched());
}

TEST(write_failures_are_reported)
{
    static uint8_t initrd[10];
    struct pvh_layout l;
    int step, rc;

    ti_build(kernel, 1, TI_ENTRY_8);
    /* Seven calls: text, data, data's bss, initrd, zero the start info page, start info, cmdline. */
    for ( step = 1; step <= 7; step++ )
    {
        mem_reset();
        mem.fail_at = step;
        memset(&l, 0xee, sizeof(l));
        rc = build(initrd, sizeof(initrd), "c", &l);
        CHECK(rc == -EFAULT);
        CHECK(strstr(err, "failed (-14)") != NULL);
        /* The layout is only reported on success. */
        CHECK(l.entry == 0xeeeeeeee);
    }
    mem_reset();
    mem.fail_at = 8;
    CHECK(build(initrd, sizeof(initrd), "c", &l) == 0);
}

TEST(acpi_tables_placed_and_typed)
{
    static uint8_t tables[1500];
    struct pvh_acpi acpi = { tables, sizeof(tables), PVH_ACPI_START };
    struct hvm_memmap_table_entry mm[PVH_MEMMAP_ENTRIES_ACPI];
    struct hvm_start_info si;
    struct pvh_layout l;

    mem_reset();
    ti_build(kernel, 1, TI_ENTRY_8);
    for ( size_t i = 0; i < sizeof(tables); i++ )
        tables[i] = (uint8_t)(i * 17 + 9);
    REQUIRE(pvh_build_acpi(kernel, sizeof(kernel), NULL, 0, "acpi", RAM_BYTES, &acpi, &ops, &l,
                           err, sizeof(err)) == 0);
    memcpy(&si, mem.ram + l.start_info, sizeof(si));
    CHECK(si.rsdp_paddr == 0xe0000);
    CHECK(memcmp(mem.ram + 0xe0000, tables, sizeof(tables)) == 0);
    /* Only the tables were written in the hole. */
    CHECK(all_bytes(0xa0000, 0x40000, FILL));
    CHECK(all_bytes(0xe0000 + sizeof(tables), 0x20000 - sizeof(tables), FILL));

    REQUIRE(si.memmap_entries == PVH_MEMMAP_ENTRIES_ACPI);
    memcpy(mm, mem.ram + si.memmap_paddr, sizeof(mm));
    CHECK(mm[0].addr == 0 && mm[0].size == 0xa0000 && mm[0].type == XEN_HVM_MEMMAP_TYPE_RAM);
    CHECK(mm[1].addr == 0xa0000 && mm[1].size == 0x40000 &&
          mm[1].type == XEN_HVM_MEMMAP_TYPE_RESERVED);
    CHECK(mm[2].addr == 0xe0000 && mm[2].size == 0x20000 &&
          mm[2].type == XEN_HVM_MEMMAP_TYPE_ACPI);
    CHECK(mm[3].addr == 0x100000 && mm[3].size == RAM_BYTES - 0x100000 &&
          mm[3].type == XEN_HVM_MEMMAP_TYPE_RAM);
    CHECK(mm[4].addr == 0xfeff8000 && mm[4].size == 0x8000 &&
          mm[4].type == XEN_HVM_MEMMAP_TYPE_RESERVED);
    CHECK(strcmp((const char *)mem.ram + si.cmdline_paddr, "acpi") == 0);
    /* The layout returns the same map (for XENMEM_memory_map). */
    CHECK(l.memmap_entries == PVH_MEMMAP_ENTRIES_ACPI);
    CHECK(memcmp(l.memmap, mm, sizeof(mm)) == 0);

    /* Tables that do not fit the window, or an RSDP outside them: refused, nothing written. */
    mem_reset();
    acpi.len = 0x20001;
    CHECK(pvh_build_acpi(kernel, sizeof(kernel), NULL, 0, NULL, RAM_BYTES, &acpi, &ops, &l,
                         err, sizeof(err)) == -EINVAL);
    CHECK(strstr(err, "ACPI tables") != NULL);
    acpi.len = sizeof(tables);
    acpi.rsdp_gpa = 0xe0000 + sizeof(tables) - 20;
    CHECK(pvh_build_acpi(kernel, sizeof(kernel), NULL, 0, NULL, RAM_BYTES, &acpi, &ops, &l,
                         err, sizeof(err)) == -EINVAL);
    CHECK(mem_untouched());
}
