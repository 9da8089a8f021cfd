/* SPDX-License-Identifier: GPL-2.0-only */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/e820.h>
#include "harness.h"

static struct e820map m;

static void map_set(const struct e820entry *e, unsigned int n)
{
    memset(&m, 0, sizeof(m));
    for ( unsigned int i = 0; i < n; i++ )
        m.map[i] = e[i];
    m.nr_map = n;
}

static bool entry_is(unsigned int i, uint64_t addr, uint64_t size, uint32_t type)
{
    return i < m.nr_map && m.map[i].addr == addr && m.map[i].size == size &&
           m.map[i].type == type;
}

#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

TEST(sorts_and_merges)
{
    static const struct e820entry in[] = {
        { MB(2), MB(2), E820_RAM },
        { 0, 0x9fc00, E820_RAM },
        { MB(1), MB(1), E820_RAM },         /* adjacent to the first: merge */
        { 0xf0000, 0x10000, E820_RESERVED },
        { 0x9fc00, 0x400, E820_RESERVED },
        { MB(8), 0, E820_RAM },             /* empty: dropped */
    };

    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_sanitize(&m) == 4);
    CHECK(entry_is(0, 0, 0x9fc00, E820_RAM));
    CHECK(entry_is(1, 0x9fc00, 0x400, E820_RESERVED));
    CHECK(entry_is(2, 0xf0000, 0x10000, E820_RESERVED));
    CHECK(entry_is(3, MB(1), MB(3), E820_RAM));
}

TEST(overlap_restrictive_wins)
{
    static const struct e820entry in[] = {
        { 0, MB(16), E820_RAM },
        { MB(4), MB(2), E820_ACPI },        /* nested in RAM */
        { MB(5), MB(2), E820_NVS },         /* overlaps ACPI and RAM */
        { MB(10), MB(1), E820_UNUSABLE },
        { MB(10), MB(4), E820_RESERVED },   /* unusable beats reserved */
    };

    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_sanitize(&m) == 7);
    CHECK(entry_is(0, 0, MB(4), E820_RAM));
    CHECK(entry_is(1, MB(4), MB(1), E820_ACPI));
    CHECK(entry_is(2, MB(5), MB(2), E820_NVS));
    CHECK(entry_is(3, MB(7), MB(3), E820_RAM));
    CHECK(entry_is(4, MB(10), MB(1), E820_UNUSABLE));
    CHECK(entry_is(5, MB(11), MB(3), E820_RESERVED));
    CHECK(entry_is(6, MB(14), MB(2), E820_RAM));
    CHECK(e820_total(&m, E820_RAM) == MB(9));
}

TEST(overlap_ranking_not_numeric)
{
    /* Type numbers do not give the ranking: reserved (2) beats NVS (4). */
    static const struct e820entry in[] = {
        { 0, MB(8), E820_RAM },
        { MB(1), MB(2), E820_NVS },
        { MB(2), MB(2), E820_RESERVED },
        { MB(5), MB(2), E820_KEEL },
        { MB(6), MB(2), E820_ACPI },        /* ACPI beats Keel's RAM */
    };

    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_sanitize(&m) == 6);
    CHECK(entry_is(1, MB(1), MB(1), E820_NVS));
    CHECK(entry_is(2, MB(2), MB(2), E820_RESERVED));
    CHECK(entry_is(3, MB(4), MB(1), E820_RAM));
    CHECK(entry_is(4, MB(5), MB(1), E820_KEEL));
    CHECK(entry_is(5, MB(6), MB(2), E820_ACPI));
}

TEST(identical_duplicates_and_unknown_types)
{
    static const struct e820entry in[] = {
        { MB(1), MB(1), E820_RAM },
        { MB(1), MB(1), E820_RAM },
        { MB(1), MB(1), 7 },                /* unknown: like reserved */
        { MB(3), MB(1), E820_RAM },
    };

    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_sanitize(&m) == 2);
    CHECK(entry_is(0, MB(1), MB(1), 7));
    CHECK(entry_is(1, MB(3), MB(1), E820_RAM));
}

TEST(above_4g_and_clipping)
{
    static const struct e820entry in[] = {
        { 0, 0x9f000, E820_RAM },
        { MB(1), GB(3) - MB(1), E820_RAM },
        { GB(4), GB(2), E820_RAM },
        { GB(6), GB(2), E820_RAM },             /* merges */
        { (1ULL << 52) - MB(1), GB(1), E820_RAM },  /* clipped at 2^52 */
        { 1ULL << 52, GB(1), E820_RAM },        /* dropped */
        { ~0ULL - 5, 100, E820_RESERVED },      /* wraps: dropped */
    };

    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_sanitize(&m) == 4);
    CHECK(entry_is(2, GB(4), GB(4), E820_RAM));
    CHECK(entry_is(3, (1ULL << 52) - MB(1), MB(1), E820_RAM));
    CHECK(e820_total(&m, E820_RAM) == 0x9f000 + GB(3) - MB(1) + GB(4) + MB(1));
}

TEST(empty_or_no_ram)
{
    static const struct e820entry in[] = {
        { 0, MB(1), E820_RESERVED },
        { MB(1), 0, E820_RAM },
    };

    map_set(in, 0);
    CHECK(e820_sanitize(&m) == -EINVAL);
    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_sanitize(&m) == -EINVAL);
}

TEST(full_nested_map_enospc)
{
    /* 128 RAM ranges each with a hole punched in the middle: 384 pieces. */
    memset(&m, 0, sizeof(m));
    for ( unsigned int i = 0; i < E820MAX; i += 2 )
    {
        m.map[i].addr = MB(4 * i);
        m.map[i].size = MB(4);
        m.map[i].type = E820_RAM;
        m.map[i + 1].addr = MB(4 * i + 1);
        m.map[i + 1].size = MB(1);
        m.map[i + 1].type = E820_RESERVED;
    }
    m.nr_map = E820MAX;
    CHECK(e820_sanitize(&m) == -ENOSPC);
    CHECK(m.nr_map == E820MAX && m.map[5].addr == MB(17));  /* untouched */

    /* With 80 pairs (240 pieces) it fits. */
    m.nr_map = 160;
    CHECK(e820_sanitize(&m) == 240);
}

TEST(reserve_range_splits_ram)
{
    static const struct e820entry in[] = {
        { 0, 0x9fc00, E820_RAM },
        { MB(1), MB(255), E820_RAM },
        { GB(4), GB(2), E820_RAM },
    };

    map_set(in, ARRAY_SIZE(in));
    REQUIRE(e820_sanitize(&m) == 3);
    CHECK(e820_change_range_type(&m, MB(2), MB(6), E820_RAM, E820_KEEL) == 0);
    CHECK(m.nr_map == 5);
    CHECK(entry_is(1, MB(1), MB(1), E820_RAM));
    CHECK(entry_is(2, MB(2), MB(4), E820_KEEL));
    CHECK(entry_is(3, MB(6), MB(250), E820_RAM));
    CHECK(e820_all_mapped(&m, MB(2), MB(6), E820_KEEL));
    CHECK(!e820_all_mapped(&m, MB(1), MB(6), E820_KEEL));
    CHECK(!e820_all_mapped(&m, MB(2), MB(6), E820_RAM));

    /* A range at the start of an entry and one straddling a hole. */
    CHECK(e820_change_range_type(&m, GB(4), GB(4) + MB(1), E820_RAM,
                                 E820_KEEL) == 0);
    CHECK(entry_is(4, GB(4), MB(1), E820_KEEL));
    CHECK(entry_is(5, GB(4) + MB(1), GB(2) - MB(1), E820_RAM));
    CHECK(e820_change_range_type(&m, 0x9f000, MB(1) + 0x1000, E820_RAM,
                                 E820_RESERVED) == 0);
    CHECK(entry_is(0, 0, 0x9f000, E820_RAM));
    CHECK(entry_is(1, 0x9f000, 0xc00, E820_RESERVED));
    CHECK(entry_is(2, MB(1), 0x1000, E820_RESERVED));

    /* Adjacent changes merge back into one entry. */
    CHECK(e820_change_range_type(&m, MB(6), MB(8), E820_RAM, E820_KEEL) == 0);
    CHECK(e820_all_mapped(&m, MB(2), MB(8), E820_KEEL));
    CHECK(e820_total(&m, E820_KEEL) == MB(7));
    {
        unsigned int keel_entries = 0;

        for ( unsigned int i = 0; i < m.nr_map; i++ )
            keel_entries += m.map[i].type == E820_KEEL;
        CHECK(keel_entries == 2);
    }

    /* Changing a range of another type is a no-op. */
    CHECK(e820_change_range_type(&m, MB(2), MB(3), E820_RAM, E820_NVS) == 0);
    CHECK(e820_total(&m, E820_NVS) == 0);
}

TEST(change_range_full_map)
{
    memset(&m, 0, sizeof(m));
    for ( unsigned int i = 0; i < E820MAX; i++ )
    {
        m.map[i].addr = MB(2 * i);
        m.map[i].size = MB(1);
        m.map[i].type = E820_RAM;
    }
    m.nr_map = E820MAX;
    CHECK(e820_change_range_type(&m, 0x1000, 0x2000, E820_RAM, E820_KEEL)
          == -ENOSPC);
    CHECK(m.nr_map == E820MAX && m.map[0].type == E820_RAM);
    /* A whole entry needs no split and still works. */
    CHECK(e820_change_range_type(&m, 0, MB(1), E820_RAM, E820_KEEL) == 0);
    CHECK(m.map[0].type == E820_KEEL && m.nr_map == E820MAX);
}

TEST(all_mapped_edges)
{
    static const struct e820entry in[] = {
        { 0, MB(1), E820_RAM },
        { MB(1), MB(1), E820_RAM },     /* unmerged neighbour still counts */
        { MB(3), MB(1), E820_RAM },
    };

    map_set(in, ARRAY_SIZE(in));
    CHECK(e820_all_mapped(&m, 0, MB(2), E820_RAM));
    CHECK(e820_all_mapped(&m, 0x1000, 0x2000, E820_RAM));
    CHECK(!e820_all_mapped(&m, MB(1), MB(3), E820_RAM));    /* hole */
    CHECK(!e820_all_mapped(&m, MB(3), MB(4) + 1, E820_RAM));
    CHECK(e820_all_mapped(&m, MB(5), MB(5), E820_RAM));     /* empty */
}

TEST(print_format)
{
    static const struct e820entry in[] = {
        { 0, 0x9fc00, E820_RAM },
        { 0x9fc00, 0x400, E820_RESERVED },
        { MB(1), MB(1), E820_KEEL },
        { MB(2), MB(1), E820_ACPI },
        { MB(3), MB(1), E820_NVS },
        { MB(4), MB(1), E820_UNUSABLE },
        { GB(4), GB(1), 12 },
    };

    map_set(in, ARRAY_SIZE(in));
    log_clear();
    e820_print(&m);
    CHECK(log_contains(" [0000000000000000, 000000000009fbff] (usable)\n"));
    CHECK(log_contains(" [000000000009fc00, 000000000009ffff] (reserved)\n"));
    CHECK(log_contains(" [0000000000100000, 00000000001fffff] (hypervisor)\n"));
    CHECK(log_contains("(ACPI data)\n"));
    CHECK(log_contains("(ACPI NVS)\n"));
    CHECK(log_contains("(unusable)\n"));
    CHECK(log_contains(" [0000000100000000, 000000013fffffff] (type 12)\n"));
    CHECK(strcmp(e820_type_name(E820_NVS), "ACPI NVS") == 0);
}

/* Random maps: the result must be sorted, disjoint and typed by priority. */
TEST(random_maps_invariants)
{
    static struct e820map orig;
    unsigned int seed = 99;

    for ( int round = 0; round < 300; round++ )
    {
        static const uint32_t types[] = { 1, 1, 1, 2, 3, 4, 5, E820_KEEL };
        unsigned int n;
        int rc;

        seed = seed * 1103515245 + 12345;
        n = 1 + (seed >> 16) % 40;
        memset(&m, 0, sizeof(m));
        for ( unsigned int i = 0; i < n; i++ )
        {
            seed = seed * 1103515245 + 12345;
            m.map[i].addr = (uint64_t)((seed >> 8) % 64) << 16;
            seed = seed * 1103515245 + 12345;
            m.map[i].size = (uint64_t)((seed >> 8) % 16) << 16;
            m.map[i].type = types[(seed >> 20) % ARRAY_SIZE(types)];
        }
        m.nr_map = n;
        orig = m;
        rc = e820_sanitize(&m);
        if ( rc < 0 )
        {
            CHECK(rc == -EINVAL);
            CHECK(e820_total(&m, E820_RAM) == 0);
            continue;
        }
        CHECK((unsigned int)rc == m.nr_map);
        for ( unsigned int i = 0; i < m.nr_map; i++ )
        {
            CHECK(m.map[i].size > 0);
            if ( i )
                CHECK(m.map[i - 1].addr + m.map[i - 1].size <= m.map[i].addr);
            if ( i && m.map[i - 1].addr + m.map[i - 1].size == m.map[i].addr )
                CHECK(m.map[i - 1].type != m.map[i].type);
        }
        /* Every 64 KiB unit: RAM afterwards iff only RAM covered it before. */
        for ( uint64_t a = 0; a < (80ULL << 16); a += 1 << 16 )
        {
            bool ram = false, other = false, after_ram;

            for ( unsigned int i = 0; i < orig.nr_map; i++ )
                if ( orig.map[i].addr <= a && a < orig.map[i].addr + orig.map[i].size )
                {
                    if ( orig.map[i].type == E820_RAM )
                        ram = true;
                    else
                        other = true;
                }
            after_ram = e820_all_mapped(&m, a, a + (1 << 16), E820_RAM);
            CHECK(after_ram == (ram && !other));
        }
    }
}
