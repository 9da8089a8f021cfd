/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdlib.h>
#include <time.h>

#include <keel/lib.h>
#include <keel/page_alloc.h>
#include "harness.h"

static struct page_info *table;

static void setup(unsigned long nr_frames)
{
    free(table);
    table = calloc(nr_frames, sizeof(*table));
    REQUIRE(table != NULL);
    heap_init(table, nr_frames);
}

static unsigned int rnd_seed;
static unsigned int rnd(void)
{
    rnd_seed = rnd_seed * 1103515245 + 12345;
    return rnd_seed >> 8;
}

TEST(empty_heap)
{
    setup(1024);
    CHECK(heap_total_frames() == 0 && heap_free_frames() == 0);
    CHECK(alloc_pages(0) == INVALID_MFN);
    heap_check();
}

TEST(add_and_exhaust)
{
    setup(1024);
    heap_add_range(0x100, 0x100);
    CHECK(heap_total_frames() == 0x100 && heap_free_frames() == 0x100);
    heap_check();
    CHECK(alloc_pages(9) == INVALID_MFN);       /* bigger than the heap */
    CHECK(alloc_pages(8) == 0x100);
    CHECK(heap_free_frames() == 0);
    CHECK(alloc_pages(0) == INVALID_MFN);
    CHECK(alloc_pages(MAX_ORDER + 1) == INVALID_MFN);
    heap_check();
    free_pages(0x100, 8);
    CHECK(heap_free_frames() == 0x100);
    heap_check();
}

TEST(fragment_then_coalesce)
{
    static unsigned long got[256];
    unsigned int i;

    setup(1024);
    heap_add_range(0x200, 0x100);
    for ( i = 0; i < 256; i++ )
    {
        got[i] = alloc_pages(0);
        REQUIRE(got[i] >= 0x200 && got[i] < 0x300);
        for ( unsigned int j = 0; j < i; j++ )
            REQUIRE(got[j] != got[i]);
    }
    CHECK(alloc_pages(0) == INVALID_MFN);
    CHECK(alloc_pages(1) == INVALID_MFN);
    heap_check();

    /* Free in a shuffled order; the heap must merge back to one block. */
    rnd_seed = 7;
    for ( i = 255; i > 0; i-- )
    {
        unsigned int j = rnd() % (i + 1);
        unsigned long t = got[i];

        got[i] = got[j];
        got[j] = t;
    }
    for ( i = 0; i < 256; i++ )
    {
        free_pages(got[i], 0);
        if ( i % 32 == 0 )
            heap_check();
    }
    heap_check();
    CHECK(heap_free_frames() == 256);
    CHECK(alloc_pages(8) == 0x200);
}

TEST(split_gives_aligned_blocks)
{
    unsigned long a, b, c;

    setup(1024);
    heap_add_range(0x100, 0x100);
    a = alloc_pages(0);
    b = alloc_pages(2);
    c = alloc_pages(5);
    CHECK(a != INVALID_MFN && b != INVALID_MFN && c != INVALID_MFN);
    CHECK((b & 3) == 0 && (c & 31) == 0);
    CHECK(heap_free_frames() == 0x100 - 1 - 4 - 32);
    heap_check();
    free_pages(b, 2);
    free_pages(a, 0);
    free_pages(c, 5);
    heap_check();
    CHECK(alloc_pages(8) == 0x100);
}

TEST(zones_never_merge)
{
    setup(128);
    heap_add_range(0, 64);
    heap_check();
    CHECK(heap_free_frames() == 64);
    /* Highest zone first: [32, 64) is zone 6. */
    CHECK(alloc_pages(5) == 32);
    CHECK(alloc_pages(5) == INVALID_MFN);       /* [0, 32) spans zones */
    CHECK(alloc_pages(4) == 16);
    CHECK(alloc_pages(3) == 8);
    /* Zone 3 ([4, 8)) is split; the lowest frame of the block is used. */
    CHECK(alloc_pages(0) == 4);
    CHECK(alloc_pages(1) == 6);
    CHECK(alloc_pages(0) == 5);
    CHECK(alloc_pages(0) == 2);
    free_pages(32, 5);
    free_pages(16, 4);
    free_pages(8, 3);
    free_pages(4, 0);
    free_pages(6, 1);
    free_pages(5, 0);
    free_pages(2, 0);
    heap_check();
    CHECK(alloc_pages(6) == INVALID_MFN);
    CHECK(alloc_pages(5) == 32);
}

TEST(adjacent_ranges_merge)
{
    setup(1024);
    heap_add_range(0x100, 0x80);
    heap_add_range(0x180, 0x80);
    heap_check();
    CHECK(alloc_pages(8) == 0x100);
}

TEST(max_bits_respected)
{
    unsigned long m;
    int low = 0;

    setup(1024);
    heap_add_range(0x80, 0x380);            /* 512 KiB .. 4 MiB */
    /* No limit: the highest zone (mfns 0x200-0x3ff) goes first. */
    m = alloc_pages(0);
    CHECK(m >= 0x200 && m < 0x400);
    free_pages(m, 0);

    /* Below 1 MiB (20 address bits): only mfns 0x80-0xff qualify. */
    while ( (m = alloc_pages_bits(0, 20)) != INVALID_MFN )
    {
        CHECK(((m + 1) << PAGE_SHIFT) <= (1UL << 20));
        low++;
    }
    CHECK(low == 0x80);
    CHECK(heap_free_frames() == 0x300);
    CHECK(alloc_pages_bits(0, 21) >= 0x100);    /* the next zone up */
    CHECK(alloc_pages_bits(0, 11) == INVALID_MFN);
    CHECK(alloc_pages_bits(0, 64) != INVALID_MFN);
    heap_check();
}

TEST(max_bits_order_fits)
{
    setup(1024);
    heap_add_range(0x100, 0x300);
    /* An order-8 block within 21 bits must end at or below 2 MiB. */
    CHECK(alloc_pages_bits(8, 21) == 0x100);
    CHECK(alloc_pages_bits(8, 21) == INVALID_MFN);
    CHECK(alloc_pages_bits(8, 22) >= 0x200);
}

TEST(bad_frees_bug)
{
    unsigned long m, big;

    setup(1024);
    heap_add_range(0x100, 0x100);
    m = alloc_pages(0);
    big = alloc_pages(3);
    REQUIRE(m != INVALID_MFN && big != INVALID_MFN);

    EXPECT_BUG(free_pages(big, 2));             /* wrong order */
    EXPECT_BUG(free_pages(big + 1, 0));         /* tail, not head */
    EXPECT_BUG(free_pages(0x400, 0));           /* beyond the table */
    EXPECT_BUG(free_pages(0x50, 0));            /* never RAM */
    EXPECT_BUG(free_pages(big + 4, 2));         /* inside a block */
    EXPECT_BUG(free_pages(m, MAX_ORDER + 1));
    heap_check();

    free_pages(m, 0);
    EXPECT_BUG(free_pages(m, 0));               /* double free */
    CHECK(strstr(harness_bug_msg, "page_alloc.c") != NULL);
    free_pages(big, 3);
    EXPECT_BUG(free_pages(big, 3));
    heap_check();
    CHECK(heap_free_frames() == 0x100);
}

TEST(add_twice_bugs)
{
    setup(1024);
    heap_add_range(0x100, 0x10);
    EXPECT_BUG(heap_add_range(0x108, 0x10));
    EXPECT_BUG(heap_add_range(0x3f0, 0x20));    /* past the table */
}

TEST(heap_check_detects_corruption)
{
    unsigned long m;

    setup(1024);
    heap_add_range(0x100, 0x100);
    m = alloc_pages(2);
    table[m + 1].state = PGS_FREE_TAIL;
    EXPECT_BUG(heap_check());
    table[m + 1].state = PGS_ALLOC_TAIL;
    heap_check();
    table[0x10].state = PGS_FREE_TAIL;          /* stray tail */
    EXPECT_BUG(heap_check());
    table[0x10].state = PGS_NOT_RAM;
    heap_check();
}

TEST(random_stress)
{
    enum { N = 2000 };
    static unsigned long mfn[N];
    static unsigned int ord[N];
    unsigned long used = 0;

    setup(8192);
    heap_add_range(1, 0x9e);                     /* like real low memory */
    heap_add_range(0x100, 0xf00);
    heap_add_range(0x1400, 0xa00);
    heap_check();
    CHECK(heap_total_frames() == 0x9e + 0xf00 + 0xa00);

    rnd_seed = 12345;
    for ( int i = 0; i < N; i++ )
        mfn[i] = INVALID_MFN;
    for ( int step = 0; step < 40000; step++ )
    {
        int i = rnd() % N;

        if ( mfn[i] == INVALID_MFN )
        {
            unsigned int o = rnd() % 7;
            unsigned int bits = (rnd() % 4) ? 0 : 12 + 8 + rnd() % 6;

            mfn[i] = alloc_pages_bits(o, bits);
            if ( mfn[i] != INVALID_MFN )
            {
                ord[i] = o;
                used += 1UL << o;
                CHECK((mfn[i] & ((1UL << o) - 1)) == 0);
                if ( bits )
                    CHECK(((mfn[i] + (1UL << o)) << PAGE_SHIFT) <= (1UL << bits));
            }
        }
        else
        {
            free_pages(mfn[i], ord[i]);
            used -= 1UL << ord[i];
            mfn[i] = INVALID_MFN;
        }
        CHECK(heap_free_frames() + used == heap_total_frames());
        if ( step % 4000 == 0 )
            heap_check();
    }
    heap_check();
    for ( int i = 0; i < N; i++ )
        if ( mfn[i] != INVALID_MFN )
            free_pages(mfn[i], ord[i]);
    heap_check();
    CHECK(heap_free_frames() == heap_total_frames());
    /* Fully coalesced again: the one aligned 2048-frame block is back. */
    CHECK(alloc_pages(12) == INVALID_MFN);
    CHECK(alloc_pages(11) == 0x800);
}

/* A domain gives back frames of a 2 MiB chunk: the block becomes 512 single frames. */
TEST(split_alloc_block_into_frames)
{
    unsigned long big, small, head, i;
    unsigned int order = 99;

    setup(4096);
    heap_add_range(0x400, 0x400);
    big = alloc_pages(9);
    small = alloc_pages(0);
    REQUIRE(big != INVALID_MFN && small != INVALID_MFN);
    table[big + 7].pins = 3;
    table[big + 7].flags = PGF_hyp_ref;

    /* From a tail frame, from the head, and not allocated at all. */
    CHECK(split_alloc_block(big + 300, &order) == big);
    CHECK(order == 9);
    heap_check();
    CHECK(split_alloc_block(big + 300, &order) == big + 300);   /* a single frame now */
    CHECK(order == 0);
    CHECK(split_alloc_block(small, &order) == small && order == 0);
    CHECK(split_alloc_block(0x100, &order) == INVALID_MFN);     /* not RAM */
    head = alloc_pages(0);
    free_pages(head, 0);
    CHECK(split_alloc_block(head, &order) == INVALID_MFN);      /* free */
    CHECK(split_alloc_block(4096, &order) == INVALID_MFN);      /* beyond the table */

    /* The frames are freed one by one, and merge back into the 2 MiB block. */
    for ( i = 0; i < 512; i++ )
    {
        CHECK(table[big + i].state == PGS_ALLOC_HEAD && table[big + i].order == 0);
        free_pages(big + i, 0);
    }
    heap_check();
    free_pages(small, 0);
    CHECK(heap_free_frames() == 0x400);

    /* Allocation resets what a previous user left in the frame table. */
    big = alloc_pages(9);
    CHECK(table[big + 7].pins == 0 && table[big + 7].flags == 0 && table[big + 7].owner == NULL);
    CHECK(mfn_to_page(big) == &table[big]);
    CHECK(mfn_to_page(4096) == NULL);
    CHECK(heap_max_frame() == 4096);
}

TEST(page_lists)
{
    struct page_list_head a = PAGE_LIST_HEAD_INIT, b = PAGE_LIST_HEAD_INIT;
    unsigned long m[4], mfn, n;

    setup(1024);
    heap_add_range(0x100, 0x100);
    for ( n = 0; n < 4; n++ )
    {
        m[n] = alloc_pages(n);
        page_list_add(n & 1 ? &b : &a, m[n]);
    }
    CHECK(page_list_first(&a) == m[2] && page_list_next(m[2]) == m[0]);
    CHECK(page_list_next(m[0]) == INVALID_MFN);
    CHECK(page_list_first(&b) == m[3] && page_list_next(m[3]) == m[1]);
    page_list_del(&a, m[2]);
    CHECK(page_list_first(&a) == m[0] && page_list_next(m[0]) == INVALID_MFN);
    page_list_del(&b, m[1]);
    CHECK(page_list_first(&b) == m[3] && page_list_next(m[3]) == INVALID_MFN);
    page_list_del(&b, m[3]);
    CHECK(page_list_first(&b) == INVALID_MFN);
    /* Allocated blocks only: freeing one off its list leaves the heap consistent. */
    for ( n = 0, mfn = page_list_first(&a); mfn != INVALID_MFN; mfn = page_list_next(mfn) )
        n++;
    CHECK(n == 1);
    page_list_del(&a, m[0]);
    for ( n = 0; n < 4; n++ )
        free_pages(m[n], n);
    heap_check();
    CHECK(heap_free_frames() == 0x100);
}

TEST(six_gib_boot_is_fast)
{
    const unsigned long nr = 0x180000;      /* 6 GiB of frames */
    clock_t t0 = clock();
    double secs;

    setup(nr);
    heap_add_range(0x100, 0xc0000 - 0x100);
    heap_add_range(0x100000, nr - 0x100000);
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(heap_total_frames() == nr - 0x100 - 0x40000);
    CHECK(secs < 2.0);                      /* even with sanitizers */
    CHECK(alloc_pages(19) == 0x100000);
    CHECK(alloc_pages_bits(MAX_ORDER, 0) == INVALID_MFN);
    CHECK(alloc_pages_bits(0, 32) < 0x100000);
    heap_check();
    free(table);
    table = NULL;
}
