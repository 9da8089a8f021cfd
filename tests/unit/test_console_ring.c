/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console ring arithmetic and the CTRL-a switch detector
 * (xen/common/console_ring.c): wrap-around, full rings, and indices a
 * guest may have scribbled on.
 */
#include <string.h>
#include <keel/errno.h>
#include <keel/guest_console.h>
#include <public/io/console.h>

#include "harness.h"

static struct xencons_interface r;
static char buf[XENCONS_OUT_SIZE];

/* What a guest (hvc_xen) does to write: copy at out_prod, then advance it. */
static void guest_write(const char *s, size_t n)
{
    for ( size_t i = 0; i < n; i++ )
        r.out[XENCONS_MASK(r.out_prod + i, XENCONS_OUT_SIZE)] = s[i];
    r.out_prod += n;
}

/* What a guest does to read its input. */
static size_t guest_read(char *dst, size_t max)
{
    size_t n = 0;

    while ( r.in_cons != r.in_prod && n < max )
        dst[n++] = r.in[XENCONS_MASK(r.in_cons++, XENCONS_IN_SIZE)];
    return n;
}

TEST(empty_ring_gives_nothing)
{
    memset(&r, 0, sizeof(r));
    CHECK(cons_ring_take_output(&r, buf) == 0);
    CHECK(r.out_cons == 0);
}

TEST(output_in_order_and_cons_advanced)
{
    memset(&r, 0, sizeof(r));
    guest_write("hello\n", 6);
    CHECK(cons_ring_take_output(&r, buf) == 6);
    CHECK(memcmp(buf, "hello\n", 6) == 0);
    CHECK(r.out_cons == 6 && r.out_prod == 6);
    CHECK(cons_ring_take_output(&r, buf) == 0);
}

TEST(output_wraps_around_the_ring_and_the_indices)
{
    static char big[XENCONS_OUT_SIZE];

    memset(&r, 0, sizeof(r));
    /* Indices just below 2^32, the data straddling the end of out[]. */
    r.out_cons = r.out_prod = 0xfffffff0u;
    for ( size_t i = 0; i < sizeof(big); i++ )
        big[i] = (char)('a' + i % 26);
    guest_write(big, sizeof(big));              /* a full ring */
    CHECK(r.out_prod - r.out_cons == XENCONS_OUT_SIZE);
    CHECK(cons_ring_take_output(&r, buf) == XENCONS_OUT_SIZE);
    CHECK(memcmp(buf, big, sizeof(big)) == 0);
    CHECK(r.out_cons == 0xfffffff0u + XENCONS_OUT_SIZE);
}

TEST(impossible_output_indices_empty_the_ring)
{
    memset(&r, 0, sizeof(r));
    r.out_cons = 100;
    r.out_prod = 100 + XENCONS_OUT_SIZE + 1;
    CHECK(cons_ring_take_output(&r, buf) == -EINVAL);
    CHECK(r.out_cons == r.out_prod);
    /* cons ahead of prod is the same thing seen modulo 2^32. */
    r.out_cons = 500;
    r.out_prod = 400;
    CHECK(cons_ring_take_output(&r, buf) == -EINVAL);
    CHECK(r.out_cons == 400);
    /* The ring works again afterwards. */
    guest_write("ok", 2);
    CHECK(cons_ring_take_output(&r, buf) == 2 && memcmp(buf, "ok", 2) == 0);
}

TEST(input_fills_wraps_and_drops_when_full)
{
    static char in[XENCONS_IN_SIZE + 10], got[XENCONS_IN_SIZE + 10];

    memset(&r, 0, sizeof(r));
    r.in_cons = r.in_prod = 0xfffffffau;
    for ( size_t i = 0; i < sizeof(in); i++ )
        in[i] = (char)i;
    CHECK(cons_ring_put_input(&r, in, 10) == 10);
    CHECK(guest_read(got, sizeof(got)) == 10 && memcmp(got, in, 10) == 0);
    /* More than fits: the first XENCONS_IN_SIZE bytes go in, the rest is refused. */
    CHECK(cons_ring_put_input(&r, in, sizeof(in)) == XENCONS_IN_SIZE);
    CHECK(cons_ring_put_input(&r, "x", 1) == 0);
    CHECK(guest_read(got, sizeof(got)) == XENCONS_IN_SIZE);
    CHECK(memcmp(got, in, XENCONS_IN_SIZE) == 0);
    CHECK(cons_ring_put_input(&r, "y", 1) == 1);
}

TEST(impossible_input_indices_reset_in_prod)
{
    memset(&r, 0, sizeof(r));
    r.in_cons = 7;
    r.in_prod = 7 + XENCONS_IN_SIZE + 1;
    CHECK(cons_ring_put_input(&r, "abc", 3) == -EINVAL);
    CHECK(r.in_prod == 7);
    CHECK(cons_ring_put_input(&r, "abc", 3) == 3);
    CHECK(r.in_prod == 10);
}

static unsigned int feed(struct cons_switch *s, const char *in, char *out, unsigned int *switches)
{
    unsigned int n = 0;
    bool sw;

    for ( ; *in; in++ )
    {
        n += cons_switch_feed(s, *in, out + n, &sw);
        *switches += sw;
    }
    out[n] = '\0';
    return n;
}

TEST(ctrl_a_three_times_switches_and_is_eaten)
{
    struct cons_switch s = { 1, 0 };
    unsigned int sw = 0;
    char out[64];

    CHECK(feed(&s, "ab\x01\x01\x01" "cd", out, &sw) == 4);
    CHECK(strcmp(out, "abcd") == 0 && sw == 1);
    /* Six in a row: two switches. */
    sw = 0;
    CHECK(feed(&s, "\x01\x01\x01\x01\x01\x01", out, &sw) == 0 && sw == 2);
}

TEST(fewer_than_three_ctrl_a_are_ordinary_input)
{
    struct cons_switch s = { 1, 0 };
    unsigned int sw = 0;
    char out[64];

    CHECK(feed(&s, "\x01x\x01\x01y", out, &sw) == 5);
    CHECK(strcmp(out, "\x01x\x01\x01y") == 0 && sw == 0);
    /* Four: a switch, and the fourth waits for what follows. */
    CHECK(feed(&s, "\x01\x01\x01\x01z", out, &sw) == 2);
    CHECK(strcmp(out, "\x01z") == 0 && sw == 1);
}

TEST(other_switch_characters)
{
    struct cons_switch s = { 'b' - 'a' + 1, 0 };
    unsigned int sw = 0;
    char out[64];

    CHECK(feed(&s, "\x01\x01\x01\x02\x02\x02q", out, &sw) == 4);
    CHECK(strcmp(out, "\x01\x01\x01q") == 0 && sw == 1);
}
