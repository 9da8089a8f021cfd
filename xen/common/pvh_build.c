/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH domain builder core: load a PVH kernel, its initrd and the start
 * info into guest RAM (see keel/pvh_build.h for the layout).
 *
 * It works through guest_mem_ops only, so it knows nothing of p2m tables
 * and runs unchanged in host unit tests.  Check, then commit: the kernel,
 * its notes and the whole layout are validated before the first write.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/elf.h>
#include <keel/pvh_build.h>
#include <public/hvm/start_info.h>

/* Offsets inside the start-info block: fixed parts first, the command line last. */
#define SI_MODLIST_OFF  ROUNDUP(sizeof(struct hvm_start_info), 16)
#define SI_MEMMAP_OFF   (SI_MODLIST_OFF + sizeof(struct hvm_modlist_entry))
#define SI_CMDLINE_OFF  (SI_MEMMAP_OFF + \
                         PVH_MEMMAP_ENTRIES_ACPI * sizeof(struct hvm_memmap_table_entry))

/* The block as written, assembled in one buffer so it is a single copy. */
struct start_info_block {
    struct hvm_start_info si;
    uint8_t pad[SI_MODLIST_OFF - sizeof(struct hvm_start_info)];
    struct hvm_modlist_entry mod;
    struct hvm_memmap_table_entry memmap[PVH_MEMMAP_ENTRIES_ACPI];
};

_Static_assert(offsetof(struct start_info_block, mod) == SI_MODLIST_OFF, "modlist offset");
_Static_assert(offsetof(struct start_info_block, memmap) == SI_MEMMAP_OFF, "memmap offset");
_Static_assert(sizeof(struct start_info_block) == SI_CMDLINE_OFF, "cmdline offset");
_Static_assert(SI_CMDLINE_OFF + PVH_MAX_CMDLINE + 1 <= PAGE_SIZE, "start info fits a page");
_Static_assert(PVH_MAX_RAM <= PVH_SPECIAL_START, "RAM ends below the special pages");

/* Is [start, start + len) inside guest RAM as the memory map describes it? */
static bool in_guest_ram(uint64_t start, uint64_t len, uint64_t ram_bytes)
{
    if ( len > ram_bytes || start > ram_bytes - len )
        return false;
    /* Nothing may touch the reserved hole between 640 KiB and 1 MiB. */
    return start + len <= PVH_LOW_RAM_END || start >= PVH_HOLE_END;
}

static int check_segments(const struct elf_image *elf, uint64_t ram_bytes,
                          char *err, size_t errlen)
{
    struct elf_segment seg;
    unsigned int cursor = 0;

    while ( elf_next_load(elf, &cursor, &seg) )
    {
        if ( in_guest_ram(seg.paddr, seg.memsz, ram_bytes) )
            continue;
        if ( seg.paddr < PVH_HOLE_END && seg.paddr + seg.memsz > PVH_LOW_RAM_END )
            snprintf(err, errlen, "kernel segment [%#lx-%#lx) overlaps the reserved "
                     "range [%#lx-%#lx)", (unsigned long)seg.paddr,
                     (unsigned long)(seg.paddr + seg.memsz), (unsigned long)PVH_LOW_RAM_END,
                     (unsigned long)PVH_HOLE_END);
        else
            snprintf(err, errlen, "kernel segment [%#lx-%#lx) lies outside guest RAM "
                     "(%lu MiB)", (unsigned long)seg.paddr,
                     (unsigned long)(seg.paddr + seg.memsz), (unsigned long)(ram_bytes >> 20));
        return -ENOSPC;
    }
    return 0;
}

/* Is @entry inside an executable loaded segment's file-backed bytes? */
static bool entry_in_text(const struct elf_image *elf, uint32_t entry)
{
    struct elf_segment seg;
    unsigned int cursor = 0;

    while ( elf_next_load(elf, &cursor, &seg) )
        if ( (seg.flags & PF_X) && entry >= seg.paddr && entry - seg.paddr < seg.filesz )
            return true;
    return false;
}

static void fill_start_info(struct start_info_block *b, uint64_t si_pa, bool have_initrd,
                            uint64_t initrd_start, uint64_t initrd_len, bool have_cmdline,
                            uint64_t ram_bytes, const struct pvh_acpi *acpi)
{
    unsigned int n = 0;

    memset(b, 0, sizeof(*b));
    b->si.magic = XEN_HVM_START_MAGIC_VALUE;
    b->si.version = 1;
    b->si.flags = 0;
    b->si.rsdp_paddr = acpi ? acpi->rsdp_gpa : 0;
    if ( have_initrd )
    {
        b->si.nr_modules = 1;
        b->si.modlist_paddr = si_pa + SI_MODLIST_OFF;
        b->mod.paddr = initrd_start;
        b->mod.size = initrd_len;
    }
    if ( have_cmdline )
        b->si.cmdline_paddr = si_pa + SI_CMDLINE_OFF;
    b->si.memmap_paddr = si_pa + SI_MEMMAP_OFF;
    b->memmap[n++] = (struct hvm_memmap_table_entry){ 0, PVH_LOW_RAM_END,
                                                      XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    if ( acpi )
    {
        b->memmap[n++] = (struct hvm_memmap_table_entry){ PVH_LOW_RAM_END,
                                                          PVH_ACPI_START - PVH_LOW_RAM_END,
                                                          XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
        b->memmap[n++] = (struct hvm_memmap_table_entry){ PVH_ACPI_START, PVH_ACPI_MAX,
                                                          XEN_HVM_MEMMAP_TYPE_ACPI, 0 };
    }
    else
        b->memmap[n++] = (struct hvm_memmap_table_entry){ PVH_LOW_RAM_END,
                                                          PVH_HOLE_END - PVH_LOW_RAM_END,
                                                          XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    b->memmap[n++] = (struct hvm_memmap_table_entry){ PVH_HOLE_END, ram_bytes - PVH_HOLE_END,
                                                      XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    /* Above all RAM (PVH_MAX_RAM is below it), so the map stays sorted. */
    b->memmap[n++] = (struct hvm_memmap_table_entry){ PVH_SPECIAL_START,
                                                      PVH_SPECIAL_END - PVH_SPECIAL_START,
                                                      XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    b->si.memmap_entries = n;
}

static int load_segments(const struct elf_image *elf, const struct guest_mem_ops *ops,
                         char *err, size_t errlen)
{
    struct elf_segment seg;
    unsigned int cursor = 0;
    int rc;

    while ( elf_next_load(elf, &cursor, &seg) )
    {
        rc = seg.filesz ? ops->write(ops->ctx, seg.paddr, elf->data + seg.offset, seg.filesz) : 0;
        if ( !rc && seg.memsz > seg.filesz )
            rc = ops->zero(ops->ctx, seg.paddr + seg.filesz, seg.memsz - seg.filesz);
        if ( rc )
        {
            snprintf(err, errlen, "writing kernel segment at %#lx failed (%d)",
                     (unsigned long)seg.paddr, rc);
            return rc;
        }
    }
    return 0;
}

int pvh_build(const void *kernel, size_t kernel_len, const void *initrd, size_t initrd_len,
              const char *cmdline, uint64_t ram_bytes, const struct guest_mem_ops *ops,
              struct pvh_layout *out, char *err, size_t errlen)
{
    return pvh_build_acpi(kernel, kernel_len, initrd, initrd_len, cmdline, ram_bytes, NULL,
                          ops, out, err, errlen);
}

int pvh_build_acpi(const void *kernel, size_t kernel_len, const void *initrd, size_t initrd_len,
                   const char *cmdline, uint64_t ram_bytes, const struct pvh_acpi *acpi,
                   const struct guest_mem_ops *ops, struct pvh_layout *out,
                   char *err, size_t errlen)
{
    struct start_info_block block;
    struct elf_xen_notes notes;
    struct elf_image elf;
    uint64_t initrd_start = 0, si_pa, si_size, top;
    size_t cmdline_len = 0;
    uint32_t entry;
    int rc;

    /* ---- check ---- */
    if ( !ops || !ops->write || !ops->zero || !out )
    {
        snprintf(err, errlen, "no guest memory operations");
        return -EINVAL;
    }
    if ( ram_bytes < PVH_MIN_RAM || ram_bytes > PVH_MAX_RAM || !IS_ALIGNED(ram_bytes, PAGE_SIZE) )
    {
        snprintf(err, errlen, "guest RAM size %#lx must be page-aligned, at least %lu MiB "
                 "and at most %#lx", (unsigned long)ram_bytes,
                 (unsigned long)(PVH_MIN_RAM >> 20), (unsigned long)PVH_MAX_RAM);
        return -EINVAL;
    }
    if ( acpi && (!acpi->tables || !acpi->len || acpi->len > PVH_ACPI_MAX ||
                  acpi->rsdp_gpa < PVH_ACPI_START ||
                  acpi->rsdp_gpa + 36 > PVH_ACPI_START + acpi->len) )
    {
        snprintf(err, errlen, "ACPI tables of %zu bytes (RSDP at %#lx) do not fit "
                 "[%#lx-%#lx)", acpi->len, (unsigned long)acpi->rsdp_gpa,
                 (unsigned long)PVH_ACPI_START, (unsigned long)PVH_HOLE_END);
        return -EINVAL;
    }
    if ( initrd_len && !initrd )
    {
        snprintf(err, errlen, "initrd of %zu bytes has no data", initrd_len);
        return -EINVAL;
    }
    if ( cmdline )
    {
        cmdline_len = strnlen(cmdline, PVH_MAX_CMDLINE + 1);
        if ( cmdline_len > PVH_MAX_CMDLINE )
        {
            snprintf(err, errlen, "command line longer than %u characters", PVH_MAX_CMDLINE);
            return -EINVAL;
        }
    }

    rc = elf_init(&elf, kernel, kernel_len, err, errlen);
    if ( !rc )
        rc = elf_xen_notes(&elf, &notes, err, errlen);
    if ( !rc )
        rc = elf_pvh_entry(&notes, &entry, err, errlen);
    if ( rc )
        return rc;
    if ( !entry_in_text(&elf, entry) )
    {
        snprintf(err, errlen, "PHYS32_ENTRY %#x is not inside an executable loaded segment",
                 entry);
        return -ENOEXEC;
    }
    rc = check_segments(&elf, ram_bytes, err, errlen);
    if ( rc )
        return rc;

    /*
     * Segments are inside RAM (< 4 GiB), so none of this can overflow.
     * The initrd and start info go above 1 MiB even if the kernel sits
     * in low memory, so they never land in the reserved hole.
     */
    top = MAX(ROUNDUP(elf.load_end, PAGE_SIZE), PVH_HOLE_END);
    if ( initrd_len )
    {
        initrd_start = top;
        if ( initrd_len > ram_bytes || initrd_start > ram_bytes - initrd_len )
        {
            snprintf(err, errlen, "initrd of %zu bytes does not fit above the kernel "
                     "(ends at %#lx) in %lu MiB of RAM", initrd_len,
                     (unsigned long)elf.load_end, (unsigned long)(ram_bytes >> 20));
            return -ENOSPC;
        }
        top = ROUNDUP(initrd_start + initrd_len, PAGE_SIZE);
    }
    si_pa = top;
    si_size = ROUNDUP(SI_CMDLINE_OFF + cmdline_len + 1, PAGE_SIZE);
    if ( si_pa + si_size > ram_bytes || si_pa + si_size > PVH_START_INFO_LIMIT )
    {
        snprintf(err, errlen, "no room for the start info at %#lx: it must end inside "
                 "RAM (%lu MiB) and below 1 GiB", (unsigned long)si_pa,
                 (unsigned long)(ram_bytes >> 20));
        return -ENOSPC;
    }
    fill_start_info(&block, si_pa, initrd_len != 0, initrd_start, initrd_len, cmdline != NULL,
                    ram_bytes, acpi);

    /* ---- commit ---- */
    rc = load_segments(&elf, ops, err, errlen);
    if ( !rc && initrd_len )
    {
        rc = ops->write(ops->ctx, initrd_start, initrd, initrd_len);
        if ( rc )
            snprintf(err, errlen, "writing the initrd at %#lx failed (%d)",
                     (unsigned long)initrd_start, rc);
    }
    if ( !rc )
    {
        rc = ops->zero(ops->ctx, si_pa, si_size);
        if ( !rc )
            rc = ops->write(ops->ctx, si_pa, &block, sizeof(block));
        if ( !rc && cmdline )
            rc = ops->write(ops->ctx, si_pa + SI_CMDLINE_OFF, cmdline, cmdline_len + 1);
        if ( rc )
            snprintf(err, errlen, "writing the start info at %#lx failed (%d)",
                     (unsigned long)si_pa, rc);
    }
    if ( !rc && acpi )
    {
        rc = ops->write(ops->ctx, PVH_ACPI_START, acpi->tables, acpi->len);
        if ( rc )
            snprintf(err, errlen, "writing the ACPI tables at %#lx failed (%d)",
                     (unsigned long)PVH_ACPI_START, rc);
    }
    if ( rc )
        return rc;

    out->entry = entry;
    out->start_info = (uint32_t)si_pa;
    out->kernel_start = elf.load_start;
    out->kernel_end = elf.load_end;
    out->initrd_start = initrd_len ? initrd_start : 0;
    out->initrd_end = initrd_len ? initrd_start + initrd_len : 0;
    /* The same memory map again, for XENMEM_memory_map. */
    out->memmap_entries = block.si.memmap_entries;
    memcpy(out->memmap, block.memmap, sizeof(out->memmap));
    if ( errlen )
        err[0] = '\0';
    return 0;
}
