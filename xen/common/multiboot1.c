/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiboot1 information block, for loaders that only speak multiboot1.
 * Unlike multiboot2, the block holds pointers: every one is checked
 * through @map before it is followed.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __packed;

struct mb1_module {
    uint32_t mod_start, mod_end, string, reserved;
} __packed;

#define MB1_INFO_MEMORY     (1u << 0)
#define MB1_INFO_CMDLINE    (1u << 2)
#define MB1_INFO_MODS       (1u << 3)
#define MB1_INFO_MMAP       (1u << 6)
#define MB1_INFO_LOADER     (1u << 9)

/* A NUL-terminated string of at most 4 KiB at @pa, or NULL. */
static const char *map_string(paddr_t pa, const void *(*map)(paddr_t, size_t))
{
    const char *s = map(pa, 4096);

    if ( !s || strnlen(s, 4096) == 4096 )
        return NULL;
    return s;
}

int mb1_parse(paddr_t info_pa, const void *(*map)(paddr_t pa, size_t len),
              struct boot_info *bi, char *err, size_t errlen)
{
    const struct mb1_info *mbi = map(info_pa, sizeof(*mbi));
    uint32_t i;

    memset(bi, 0, sizeof(*bi));
    bi->cmdline = bi->loader = "";
    if ( !mbi )
    {
        snprintf(err, errlen, "multiboot1: info block at %#lx unreadable",
                 (unsigned long)info_pa);
        return -EFAULT;
    }
    if ( (mbi->flags & MB1_INFO_CMDLINE) &&
         !(bi->cmdline = map_string(mbi->cmdline, map)) )
    {
        snprintf(err, errlen, "multiboot1: command line unreadable or unterminated");
        return -EINVAL;
    }
    if ( (mbi->flags & MB1_INFO_LOADER) &&
         !(bi->loader = map_string(mbi->boot_loader_name, map)) )
        bi->loader = "";
    if ( mbi->flags & MB1_INFO_MEMORY )
    {
        bi->have_basic_meminfo = true;
        bi->mem_lower_kb = mbi->mem_lower;
        bi->mem_upper_kb = mbi->mem_upper;
    }
    if ( mbi->flags & MB1_INFO_MODS )
    {
        const struct mb1_module *m;

        if ( mbi->mods_count > MAX_BOOT_MODULES )
        {
            snprintf(err, errlen, "multiboot1: %u modules, at most %u supported",
                     mbi->mods_count, MAX_BOOT_MODULES);
            return -E2BIG;
        }
        m = map(mbi->mods_addr, mbi->mods_count * sizeof(*m));
        if ( mbi->mods_count && !m )
        {
            snprintf(err, errlen, "multiboot1: module list unreadable");
            return -EFAULT;
        }
        for ( i = 0; i < mbi->mods_count; i++ )
        {
            const char *s = m[i].string ? map_string(m[i].string, map) : "";

            if ( m[i].mod_end < m[i].mod_start || !s )
            {
                snprintf(err, errlen, "multiboot1: module %u is malformed", i);
                return -EINVAL;
            }
            bi->modules[i].start = m[i].mod_start;
            bi->modules[i].end = m[i].mod_end;
            bi->modules[i].string = s;
        }
        bi->nr_modules = mbi->mods_count;
    }
    if ( mbi->flags & MB1_INFO_MMAP )
    {
        /* Entries: u32 size (not counting itself), u64 base, u64 length, u32 type. */
        const uint8_t *p = map(mbi->mmap_addr, mbi->mmap_length), *end;

        if ( !p )
        {
            snprintf(err, errlen, "multiboot1: memory map unreadable");
            return -EFAULT;
        }
        for ( end = p + mbi->mmap_length; p + 4 <= end; )
        {
            uint32_t size;
            struct e820entry *e;

            memcpy(&size, p, 4);
            if ( size < 20 || p + 4 + size > end )
            {
                snprintf(err, errlen, "multiboot1: memory map entry of size %u is malformed", size);
                return -EINVAL;
            }
            if ( bi->memmap.nr_map == E820MAX )
            {
                snprintf(err, errlen, "multiboot1: memory map has more than %u entries", E820MAX);
                return -E2BIG;
            }
            e = &bi->memmap.map[bi->memmap.nr_map++];
            memcpy(&e->addr, p + 4, 8);
            memcpy(&e->size, p + 12, 8);
            memcpy(&e->type, p + 20, 4);
            p += 4 + size;
        }
        bi->have_mmap = true;
    }
    return 0;
}
