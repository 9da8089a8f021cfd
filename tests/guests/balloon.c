/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ballooning with memory_op: decrease_reservation gives frames back (the
 * GFN becomes a hole, which reads all-ones as emulated MMIO),
 * populate_physmap takes fresh zeroed frames up to the domain's maximum,
 * current/maximum_reservation follow, 2 MiB extents work, one call does
 * at most 512 frames and says how many extents it did, and frames the
 * hypervisor still uses (shared_info, a registered vcpu_info) cannot be
 * given back.  Also memory_map and the refusals.  "mem_mib=N" must be the
 * domain's memory.
 */
#include "events.h"

DEFINE_TEST("balloon");

#define PAGE            4096UL
#define HOLE_GFN        0x90000UL       /* 2.25 GiB: never RAM here */

#define EXPECT(call, want)                                                  \
    do {                                                                    \
        long _rc = (call);                                                  \
        if ( _rc != (long)(want) )                                          \
            fail("%s:%d: %s returned %ld, expected %ld", __FILE__, __LINE__, \
                 #call, _rc, (long)(want));                                 \
    } while ( 0 )

static uint8_t pages[16][PAGE] __attribute__((aligned(PAGE)));
static uint64_t list[600];

static uint64_t gfn_of(const void *p)
{
    return (uintptr_t)p / PAGE;
}

static volatile uint64_t *word(uint64_t gfn, unsigned int i)
{
    return (volatile uint64_t *)(uintptr_t)(gfn * PAGE) + i;
}

static long memop_res(unsigned int op, const uint64_t *gfns, unsigned long n, unsigned int order,
                      unsigned int mem_flags)
{
    struct xen_memory_reservation r = {
        .extent_start = (uintptr_t)gfns, .nr_extents = n, .extent_order = order,
        .mem_flags = mem_flags, .domid = DOMID_SELF,
    };

    return HYPERVISOR_memory_op(op, &r);
}

static long decrease(const uint64_t *gfns, unsigned long n, unsigned int order)
{
    return memop_res(XENMEM_decrease_reservation, gfns, n, order, 0);
}

static long populate(const uint64_t *gfns, unsigned long n, unsigned int order)
{
    return memop_res(XENMEM_populate_physmap, gfns, n, order, 0);
}

static long count(unsigned int op, domid_t dom)
{
    return HYPERVISOR_memory_op(op, &dom);
}

static long current(void)
{
    return count(XENMEM_current_reservation, DOMID_SELF);
}

static void check_hole(uint64_t gfn)
{
    CHECK_EQ(*word(gfn, 0), ~0ULL);
    *word(gfn, 1) = 0x1234;                 /* dropped */
    CHECK_EQ(*word(gfn, 1), ~0ULL);
}

static void check_zero(uint64_t gfn, unsigned long pages_, unsigned int stride)
{
    for ( unsigned long i = 0; i < pages_ * PAGE / 8; i += stride )
        if ( *word(gfn, i) )
            fail("gfn %#lx word %lu is %#lx after populate, expected 0", (unsigned long)gfn,
                 i, (unsigned long)*word(gfn, i));
}

static void memory_map(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
    struct xen_e820_entry e[8];
    struct xen_memory_map map = { .nr_entries = 8, .buffer = (uintptr_t)e };
    unsigned int i;

    memset(e, 0xee, sizeof(e));
    EXPECT(HYPERVISOR_memory_op(XENMEM_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, si->memmap_entries);
    for ( i = 0; i < map.nr_entries; i++ )
    {
        CHECK_EQ(e[i].addr, m[i].addr);
        CHECK_EQ(e[i].size, m[i].size);
        CHECK_EQ(e[i].type, m[i].type);
    }
    memset(e, 0xee, sizeof(e));
    map.nr_entries = 2;
    EXPECT(HYPERVISOR_memory_op(XENMEM_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, 2);
    CHECK_EQ(e[1].addr, m[1].addr);
    CHECK_EQ(e[2].addr, 0xeeeeeeeeeeeeeeeeULL);
    EXPECT(HYPERVISOR_memory_op(XENMEM_memory_map, (void *)0xdead00000000UL), -XEN_EFAULT);
}

void test_main(const struct hvm_start_info *si)
{
    struct vcpu_register_vcpu_info vi;
    unsigned long mem_pages, top, i;
    long cur;
    char val[16];

    if ( !cmdline_get("mem_mib", val, sizeof(val)) )
        fail("needs mem_mib=<the domain's memory> on the command line");
    mem_pages = strtoull(val, NULL, 0) * 256;
    /* The top 4 MiB of RAM: nothing of ours lives there. */
    top = mem_pages - 1024;
    CHECK((uintptr_t)__image_end < top * PAGE);

    /* Counters. */
    cur = current();
    CHECK_EQ(cur, mem_pages);
    CHECK_EQ(count(XENMEM_maximum_reservation, DOMID_SELF), mem_pages);
    CHECK_EQ(count(XENMEM_current_reservation, 0x7ff4), -3 /* ESRCH */);
    EXPECT(HYPERVISOR_memory_op(XENMEM_current_reservation, (void *)0xdead00000000UL),
           -XEN_EFAULT);
    CHECK(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL) > 0);
    memory_map(si);

    /* Give back eight pages: holes now, reading all-ones. */
    for ( i = 0; i < 8; i++ )
    {
        memset(pages[i], 0x5a, PAGE);
        list[i] = gfn_of(pages[i]);
    }
    EXPECT(decrease(list, 8, 0), 8);
    CHECK_EQ(current(), cur - 8);
    for ( i = 0; i < 8; i++ )
        check_hole(list[i]);
    /* Not ours any more: nothing to give back. */
    EXPECT(decrease(list, 8, 0), 0);
    EXPECT(decrease(list + 7, 1, 0), 0);
    list[8] = HOLE_GFN;
    EXPECT(decrease(list + 8, 1, 0), 0);
    CHECK_EQ(current(), cur - 8);

    /* Back again: fresh zeroed frames; a populated GFN is not populated twice. */
    EXPECT(populate(list, 8, 0), 8);
    CHECK_EQ(current(), cur);
    for ( i = 0; i < 8; i++ )
        check_zero(list[i], 1, 1);
    EXPECT(populate(list, 1, 0), 0);

    /* Frames the hypervisor uses stay: shared_info, a registered vcpu_info. */
    EXPECT(map_shared_info_at(gfn_of(pages[9])), 0);
    list[0] = gfn_of(pages[9]);
    EXPECT(decrease(list, 1, 0), 0);
    vi = (struct vcpu_register_vcpu_info){ .mfn = gfn_of(pages[8]), .offset = 64 };
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), 0);
    list[0] = gfn_of(pages[8]);
    EXPECT(decrease(list, 1, 0), 0);
    CHECK_EQ(current(), cur);

    /* A 2 MiB extent (top is 2 MiB-aligned), given back and populated again. */
    list[0] = top + 512;
    for ( i = 0; i < 512; i += 64 )
        *word(top + 512 + i, 3) = 0xfeedULL + i;
    EXPECT(decrease(list, 1, 9), 1);
    CHECK_EQ(current(), cur - 512);
    check_hole(top + 512 + 77);
    EXPECT(populate(list, 1, 9), 1);
    CHECK_EQ(current(), cur);
    check_zero(top + 512, 512, 61);
    /* Beyond the largest order, or misaligned: none done. */
    EXPECT(decrease(list, 1, 10), 0);
    EXPECT(populate(list, 1, 10), 0);
    list[0] = top + 1;
    EXPECT(decrease(list, 1, 0), 1);
    EXPECT(populate(list, 1, 1), 0);
    EXPECT(populate(list, 1, 0), 1);

    /* One call does at most 512 frames and says so: the caller asks again for the rest. */
    for ( i = 0; i < 520; i++ )
        list[i] = top + i;
    EXPECT(decrease(list, 520, 0), 512);
    EXPECT(decrease(list + 512, 8, 0), 8);
    CHECK_EQ(current(), cur - 520);
    EXPECT(populate(list, 520, 0), 512);
    EXPECT(populate(list + 512, 8, 0), 8);
    CHECK_EQ(current(), cur);
    check_zero(top, 520, 97);

    /* The quota: max_pages frames, wherever they are. */
    list[0] = gfn_of(pages[10]);
    list[1] = gfn_of(pages[11]);
    EXPECT(decrease(list, 2, 0), 2);
    list[2] = HOLE_GFN;
    EXPECT(populate(list, 3, 0), 2);
    CHECK_EQ(current(), cur);
    check_hole(HOLE_GFN);
    list[0] = gfn_of(pages[10]);
    EXPECT(decrease(list, 1, 0), 1);
    EXPECT(populate(list + 2, 1, 0), 1);                /* above RAM: fine under the quota */
    *word(HOLE_GFN, 5) = 0xabcdef;
    CHECK_EQ(*word(HOLE_GFN, 5), 0xabcdef);
    EXPECT(populate(list, 1, 0), 0);                    /* now over it */
    EXPECT(decrease(list + 2, 1, 0), 1);
    check_hole(HOLE_GFN);
    EXPECT(populate(list, 1, 0), 1);
    CHECK_EQ(current(), cur);

    /* Refusals. */
    EXPECT(memop_res(XENMEM_increase_reservation, list, 1, 0, 0), -XEN_ENOSYS);
    EXPECT(decrease((const uint64_t *)0xdead00000000UL, 1, 0), 0);
    EXPECT(populate((const uint64_t *)0xdead00000000UL, 1, 0), 0);
    EXPECT(decrease(list, 0, 0), 0);
    EXPECT(HYPERVISOR_memory_op(XENMEM_decrease_reservation, (void *)0xdead00000000UL),
           -XEN_EFAULT);
    list[0] = gfn_of(pages[12]);
    EXPECT(decrease(list, 1, 0), 1);
    EXPECT(memop_res(XENMEM_populate_physmap, list, 1, 0, XENMEMF_address_bits(12)), 0);
    EXPECT(memop_res(XENMEM_populate_physmap, list, 1, 0, XENMEMF_address_bits(40)), 1);
    {
        struct xen_memory_reservation r = {
            .extent_start = (uintptr_t)list, .nr_extents = 1, .domid = 0x7ff4,
        };

        EXPECT(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0);
    }
    CHECK_EQ(current(), cur);
    printf("balloon: %lu pages, back where we started\n", (unsigned long)current());
}
