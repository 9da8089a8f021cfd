/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdint.h>

#include <keel/lib.h>
#include <keel/xmalloc.h>
#include "harness.h"

static unsigned int rnd_seed;
static unsigned int rnd(void)
{
    rnd_seed = rnd_seed * 1103515245 + 12345;
    return rnd_seed >> 8;
}

TEST(sizes_and_alignment)
{
    static const size_t sizes[] = {
        0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 128, 255, 256, 512, 1000,
        1024, 2047, 2048, 2049, 4000, 4032, 4033, 8192, 100000,
    };
    void *p[ARRAY_SIZE(sizes)];

    for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        p[i] = xmalloc_bytes(sizes[i]);
        REQUIRE(p[i] != NULL);
        CHECK(((uintptr_t)p[i] & 15) == 0);
        memset(p[i], (int)i, sizes[i]);
    }
    for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        for ( size_t j = 0; j < sizes[i]; j++ )
            if ( ((uint8_t *)p[i])[j] != (uint8_t)i )
            {
                CHECK(!"object overlapped by another");
                break;
            }
    }
    for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
        xfree(p[i]);
}

TEST(free_null)
{
    xfree(NULL);
    CHECK(true);
}

TEST(typed_and_zeroed)
{
    struct thing { uint64_t a, b; char name[40]; } *t;
    uint32_t *arr;

    t = xmalloc(struct thing);
    REQUIRE(t != NULL);
    memset(t, 0xaa, sizeof(*t));
    xfree(t);
    /* The same slot comes back; xzalloc must clear it. */
    t = xzalloc(struct thing);
    REQUIRE(t != NULL);
    CHECK(t->a == 0 && t->b == 0 && t->name[39] == 0);
    xfree(t);

    arr = xzalloc_array(uint32_t, 3000);       /* large path */
    REQUIRE(arr != NULL);
    CHECK(arr[0] == 0 && arr[2999] == 0);
    arr[2999] = 5;
    xfree(arr);
}

TEST(array_overflow)
{
    CHECK(xmalloc_array_bytes(SIZE_MAX / 2, 3) == NULL);
    CHECK(xzalloc_array_bytes(3, SIZE_MAX / 2) == NULL);
    CHECK(xmalloc_bytes(SIZE_MAX) == NULL);
    CHECK(xmalloc_bytes((PAGE_SIZE << 20) + 1) == NULL);
    void *p = xmalloc_array_bytes(8, 0);
    CHECK(p != NULL);
    xfree(p);
}

TEST(pages_returned)
{
    enum { N = 3000 };
    static void *p[N];
    long before = stub_xenheap_blocks;

    rnd_seed = 1;
    for ( int i = 0; i < N; i++ )
    {
        p[i] = xmalloc_bytes(1 + rnd() % 3000);
        REQUIRE(p[i] != NULL);
    }
    CHECK(stub_xenheap_blocks > before + 100);
    for ( int i = 0; i < N; i += 2 )
        xfree(p[i]);
    for ( int i = 1; i < N; i += 2 )
        xfree(p[i]);
    /* At most one empty slab per size class is kept. */
    CHECK(stub_xenheap_blocks - before <= 8);
}

TEST(random_stress_contents)
{
    enum { N = 500 };
    static uint8_t *p[N];
    static size_t len[N];

    rnd_seed = 77;
    for ( int step = 0; step < 20000; step++ )
    {
        int i = rnd() % N;

        if ( p[i] )
        {
            for ( size_t j = 0; j < len[i]; j++ )
                if ( p[i][j] != (uint8_t)(i ^ j) )
                {
                    CHECK(!"object contents changed");
                    break;
                }
            xfree(p[i]);
            p[i] = NULL;
        }
        else
        {
            len[i] = (rnd() % 8) ? rnd() % 300 : rnd() % 9000;
            p[i] = xmalloc_bytes(len[i]);
            REQUIRE(p[i] != NULL);
            for ( size_t j = 0; j < len[i]; j++ )
                p[i][j] = (uint8_t)(i ^ j);
        }
    }
    for ( int i = 0; i < N; i++ )
        xfree(p[i]);
}

TEST(double_free_bugs)
{
    void *a = xmalloc_bytes(40), *b = xmalloc_bytes(40);

    REQUIRE(a && b);
    xfree(a);
    EXPECT_BUG(xfree(a));
    CHECK(strstr(harness_bug_msg, "xmalloc.c") != NULL);
    xfree(b);
}

TEST(bad_pointer_bugs)
{
    static uint8_t foreign[2 * 4096] __attribute__((aligned(4096)));
    uint8_t *a = xmalloc_bytes(64), *big = xmalloc_bytes(10000);

    REQUIRE(a && big);
    EXPECT_BUG(xfree(a + 8));               /* inside an object */
    EXPECT_BUG(xfree(big + 16));            /* inside a large block */
    EXPECT_BUG(xfree(foreign + 100));       /* never from xmalloc */
    xfree(a);
    xfree(big);
}

TEST(out_of_pages)
{
    void *keep = xmalloc_bytes(24);         /* make sure a 32-byte slab exists */

    stub_xenheap_fail_after = 0;
    CHECK(xmalloc_bytes(5000) == NULL);
    CHECK(xzalloc_bytes(100000) == NULL);
    /* A fresh slab is needed for the 1 KiB class after using its spares. */
    {
        void *objs[8];
        int got = 0;

        for ( int i = 0; i < 8; i++ )
            if ( (objs[i] = xmalloc_bytes(1024)) != NULL )
                got++;
        CHECK(got < 8);
        stub_xenheap_fail_after = -1;
        for ( int i = 0; i < 8; i++ )
            xfree(objs[i]);
    }
    stub_xenheap_fail_after = -1;
    xfree(keep);
}
