/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hvm_start_info a PVH guest is handed:
 *  - magic 0x336ec578, version >= 1, reserved fields zero, not dom0;
 *  - the command line: printed, and when it ends in "cmdline_cksum=N"
 *    the POSIX cksum of everything before " cmdline_cksum=" must be N
 *    (so any change in transit shows); "mem_mib=N" bounds the RAM total;
 *  - the memmap: entries sorted, non-overlapping, known types, the RAM
 *    covers our image and start_info itself;
 *  - rsdp_paddr: 0, or an "RSD PTR " with a valid checksum;
 *  - modules (the ramdisk): inside RAM, not over the image; size and
 *    cksum printed, and checked against "initrd_size=" / "initrd_cksum=".
 */
#include "guest.h"

DEFINE_TEST("start_info");

static const struct hvm_memmap_table_entry *memmap;
static uint32_t nr_memmap;

/* [start, start+len) lies inside one RAM entry of the memmap. */
static bool in_ram(uint64_t start, uint64_t len)
{
    uint32_t i;

    for ( i = 0; i < nr_memmap; i++ )
        if ( memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM && start >= memmap[i].addr &&
             start + len <= memmap[i].addr + memmap[i].size && start + len >= start )
            return true;
    return false;
}

static void check_cmdline(const struct hvm_start_info *si)
{
    static const char tag[] = " cmdline_cksum=";
    const char *cl = guest_cmdline(), *t;
    size_t len;
    char val[24];

    printf("cmdline at %#lx: \"%s\"\n", (unsigned long)si->cmdline_paddr, cl);
    if ( si->cmdline_paddr )
    {
        len = strnlen(cl, 4096);
        CHECK(len < 4096);
        CHECK(in_ram(si->cmdline_paddr, len + 1));
    }
    t = strstr(cl, tag);
    if ( t && cmdline_get("cmdline_cksum", val, sizeof(val)) )
    {
        uint32_t want = strtoull(val, NULL, 10);
        uint32_t got = posix_cksum(cl, t - cl);

        printf("cmdline cksum %u, expected %u\n", got, want);
        CHECK_EQ(got, want);
    }
}

static void check_memmap(const struct hvm_start_info *si)
{
    uint64_t ram = 0, prev_end = 0, want;
    char val[24];
    uint32_t i;

    memmap = (const void *)(uintptr_t)si->memmap_paddr;
    nr_memmap = si->memmap_entries;
    printf("memmap at %#lx, %u entries\n", (unsigned long)si->memmap_paddr, nr_memmap);
    CHECK(si->memmap_paddr != 0);
    CHECK(nr_memmap > 0 && nr_memmap <= 126);   /* Linux copies at most 128, adds one */
    for ( i = 0; i < nr_memmap; i++ )
    {
        const struct hvm_memmap_table_entry *e = &memmap[i];

        printf("  [%016lx, %016lx) type %u\n", (unsigned long)e->addr,
               (unsigned long)(e->addr + e->size), e->type);
        CHECK(e->size != 0);
        CHECK(e->addr + e->size > e->addr);
        CHECK(e->type >= XEN_HVM_MEMMAP_TYPE_RAM && e->type <= XEN_HVM_MEMMAP_TYPE_PMEM);
        CHECK_EQ(e->reserved, 0);
        if ( i )
            CHECK(e->addr >= prev_end);         /* sorted, no overlap */
        prev_end = e->addr + e->size;
        if ( e->type == XEN_HVM_MEMMAP_TYPE_RAM )
            ram += e->size;
    }
    printf("RAM in memmap: %lu KiB\n", (unsigned long)(ram >> 10));
    CHECK(in_ram((uintptr_t)__image_start, __image_end - __image_start));
    CHECK(in_ram((uintptr_t)si, sizeof(*si)));
    CHECK(in_ram(si->memmap_paddr, nr_memmap * sizeof(*memmap)));
    if ( cmdline_get("mem_mib", val, sizeof(val)) )
    {
        /* All of the domain's memory, give or take a few special pages. */
        want = strtoull(val, NULL, 0) << 20;
        CHECK(ram <= want);
        CHECK(ram >= want - (1ull << 20));
    }
}

static void check_rsdp(const struct hvm_start_info *si)
{
    const uint8_t *p = (const void *)(uintptr_t)si->rsdp_paddr;
    uint8_t sum = 0;
    unsigned int i;

    printf("rsdp_paddr %#lx\n", (unsigned long)si->rsdp_paddr);
    if ( !si->rsdp_paddr )
        return;
    CHECK(si->rsdp_paddr < 0x100000000ull);
    CHECK(!memcmp(p, "RSD PTR ", 8));
    for ( i = 0; i < 20; i++ )
        sum += p[i];
    CHECK_EQ(sum, 0);
}

static void check_modules(const struct hvm_start_info *si)
{
    const struct hvm_modlist_entry *mods = (const void *)(uintptr_t)si->modlist_paddr;
    char val[24];
    uint32_t i;

    printf("%u modules, list at %#lx\n", si->nr_modules, (unsigned long)si->modlist_paddr);
    if ( !si->nr_modules )
    {
        CHECK(!cmdline_get("initrd_size", val, sizeof(val)));
        return;
    }
    CHECK(si->modlist_paddr != 0);
    CHECK(in_ram(si->modlist_paddr, si->nr_modules * sizeof(*mods)));
    for ( i = 0; i < si->nr_modules; i++ )
    {
        const struct hvm_modlist_entry *m = &mods[i];
        uint32_t ck = posix_cksum((const void *)(uintptr_t)m->paddr, m->size);

        printf("module %u: [%#lx, %#lx) size %lu cksum %u\n", i, (unsigned long)m->paddr,
               (unsigned long)(m->paddr + m->size), (unsigned long)m->size, ck);
        CHECK(m->size != 0);
        CHECK(in_ram(m->paddr, m->size));
        /* Not over our image. */
        CHECK(m->paddr >= (uintptr_t)__image_end ||
              m->paddr + m->size <= (uintptr_t)__image_start);
        if ( i == 0 && cmdline_get("initrd_size", val, sizeof(val)) )
            CHECK_EQ(m->size, strtoull(val, NULL, 10));
        if ( i == 0 && cmdline_get("initrd_cksum", val, sizeof(val)) )
            CHECK_EQ(ck, strtoull(val, NULL, 10));
    }
}

void test_main(const struct hvm_start_info *si)
{
    printf("start_info at %p: magic %#x version %u flags %#x\n",
           (const void *)si, si->magic, si->version, si->flags);
    CHECK_EQ(si->magic, XEN_HVM_START_MAGIC_VALUE);
    CHECK(si->version >= 1);
    CHECK_EQ(si->flags & SIF_INITDOMAIN, 0);
    CHECK_EQ(si->reserved, 0);
    check_memmap(si);
    check_cmdline(si);
    check_rsdp(si);
    check_modules(si);
}
