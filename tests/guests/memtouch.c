/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every RAM page the start_info memmap gives us, above our own image and
 * below 4 GiB (what the library maps), holds what we write: a pattern
 * derived from each 8-byte word's address is written to all of it, then
 * read back.  Pages holding start_info, the memmap, the module list, the
 * command line and the modules are left alone.  Prints the MiB touched;
 * "min_mib=N" on the command line sets a floor.
 */
#include "guest.h"

DEFINE_TEST("memtouch");

#define PAGE    4096ull
#define LIMIT   0x100000000ull

struct range {
    uint64_t start, end;
};

static struct range keep[8];
static unsigned int nkeep;

static void keep_range(uint64_t start, uint64_t len)
{
    if ( !len || nkeep == ARRAY_SIZE(keep) )
        return;
    keep[nkeep].start = start & ~(PAGE - 1);
    keep[nkeep].end = (start + len + PAGE - 1) & ~(PAGE - 1);
    nkeep++;
}

static bool kept(uint64_t page)
{
    unsigned int i;

    for ( i = 0; i < nkeep; i++ )
        if ( page >= keep[i].start && page < keep[i].end )
            return true;
    return false;
}

static inline uint64_t pattern(uint64_t addr)
{
    return (addr * 0x9e3779b97f4a7c15ull) ^ 0x4b45454c4d454d21ull;
}

/* Apply fn to every usable page; returns the number of pages. */
static uint64_t for_each_page(const struct hvm_start_info *si, bool verify)
{
    const struct hvm_memmap_table_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
    uint64_t lo = ((uint64_t)(uintptr_t)__image_end + PAGE - 1) & ~(PAGE - 1);
    uint64_t pages = 0;
    uint32_t i;

    for ( i = 0; i < si->memmap_entries; i++ )
    {
        uint64_t start = (m[i].addr + PAGE - 1) & ~(PAGE - 1);
        uint64_t end = (m[i].addr + m[i].size) & ~(PAGE - 1);
        uint64_t p;

        if ( m[i].type != XEN_HVM_MEMMAP_TYPE_RAM )
            continue;
        if ( start < lo )
            start = lo;
        if ( end > LIMIT )
            end = LIMIT;
        for ( p = start; p < end; p += PAGE )
        {
            volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)p;
            unsigned int j;

            if ( kept(p) )
                continue;
            for ( j = 0; j < PAGE / 8; j++ )
            {
                uint64_t a = p + j * 8;

                if ( !verify )
                    w[j] = pattern(a);
                else if ( w[j] != pattern(a) )
                    fail("RAM at %#lx reads %#lx, wrote %#lx", (unsigned long)a,
                         (unsigned long)w[j], (unsigned long)pattern(a));
            }
            pages++;
        }
    }
    return pages;
}

void test_main(const struct hvm_start_info *si)
{
    const struct hvm_modlist_entry *mods = (const void *)(uintptr_t)si->modlist_paddr;
    uint64_t pages, again;
    char val[16];
    uint32_t i;

    CHECK_EQ(si->magic, XEN_HVM_START_MAGIC_VALUE);
    CHECK(si->version >= 1 && si->memmap_entries > 0);

    keep_range((uintptr_t)si, sizeof(*si));
    keep_range(si->memmap_paddr, si->memmap_entries * sizeof(struct hvm_memmap_table_entry));
    if ( si->cmdline_paddr )
        keep_range(si->cmdline_paddr, strlen(guest_cmdline()) + 1);
    if ( si->nr_modules )
    {
        keep_range(si->modlist_paddr, si->nr_modules * sizeof(*mods));
        for ( i = 0; i < si->nr_modules && nkeep < ARRAY_SIZE(keep); i++ )
            keep_range(mods[i].paddr, mods[i].size);
    }

    pages = for_each_page(si, false);
    again = for_each_page(si, true);
    CHECK_EQ(pages, again);
    printf("memtouch: wrote and verified %lu pages (%lu MiB) above %p\n",
           (unsigned long)pages, (unsigned long)(pages >> 8), (void *)__image_end);
    CHECK(pages > 0);
    if ( cmdline_get("min_mib", val, sizeof(val)) )
        CHECK(pages >> 8 >= strtoull(val, NULL, 0));
}
