/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The formatter is built with keel_ names (see Makefile), so results can
 * be compared with the host libc's snprintf for everything standard.
 */

/* Undo the Makefile's renaming here so libc's snprintf is the reference. */
#undef snprintf
#undef vsnprintf
#undef scnprintf
#undef vscnprintf

/* Flag combinations that libc's format checker frowns on are tested on purpose. */
#pragma GCC diagnostic ignored "-Wformat"

#include <stdio.h>
#include <stdint.h>
#include <limits.h>

#include <keel/lib.h>
#include "harness.h"

/* No format attribute: some tests pass deliberately odd formats. */
int keel_snprintf(char *buf, size_t size, const char *fmt, ...);
int keel_scnprintf(char *buf, size_t size, const char *fmt, ...);

static char out[256];

#define FMT(expect, ...)                                                    \
    do {                                                                    \
        int n_ = keel_snprintf(out, sizeof(out), __VA_ARGS__);              \
        CHECK(strcmp(out, expect) == 0);                                    \
        CHECK(n_ == (int)strlen(expect));                                   \
    } while ( 0 )

/* Same as libc for a standard format. */
#define SAME(...)                                                           \
    do {                                                                    \
        char ref_[256];                                                     \
        int r_ = snprintf(ref_, sizeof(ref_), __VA_ARGS__);                 \
        int n_ = keel_snprintf(out, sizeof(out), __VA_ARGS__);              \
        CHECK(strcmp(out, ref_) == 0);                                      \
        CHECK(n_ == r_);                                                    \
    } while ( 0 )

TEST(integers)
{
    FMT("42", "%d", 42);
    FMT("-42", "%i", -42);
    FMT("4294967295", "%u", 0xffffffffU);
    FMT("ff FF 17", "%x %X %o", 255, 255, 15);
    FMT("-9223372036854775808", "%lld", LLONG_MIN);
    FMT("18446744073709551615", "%llu", ULLONG_MAX);
    FMT("-128 255", "%hhd %hhu", 128, 255 + 256);
    FMT("-1 65535", "%hd %hu", 65535, 65535);
    FMT("ffffffffffffffff", "%lx", ~0UL);
    FMT("123 -5 7", "%zu %td %jd", (size_t)123, (ptrdiff_t)-5, (intmax_t)7);
    FMT("-1", "%zd", (size_t)-1);
}

TEST(flags_width_precision)
{
    SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%+d]", 42, 42, 42, 42, 42, -42);
    SAME("[%#x] [%#X] [%#o] [%#x] [%#o]", 255, 255, 8, 0, 0);
    SAME("[%#010x] [%-#10x] [%010d] [%-010d]", 0x1f, 0x1f, -7, -7);
    SAME("[%.3d] [%.0d] [%5.3d] [%-5.3d] [%05.3d]", 7, 0, -7, 7, 7);
    SAME("[%.0x] [%#.0o] [%#.3o] [%#5o]", 0, 0, 8, 8);
    SAME("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 6, 1, 6, 2, -6, 3, 4, 5, -1, 6);
    SAME("[%+ d] [% +d] [%+05d] [% 05d]", 3, 3, 3, 3);
    SAME("[%20llx] [%-20llo]", 0x123456789abcULL, 0777ULL);
}

TEST(chars_and_strings)
{
    SAME("[%c] [%3c] [%-3c] [%%]", 'a', 'b', 'c');
    SAME("[%s] [%8s] [%-8s] [%.2s] [%8.2s] [%.0s]", "abc", "abc", "abc",
         "abc", "abc", "abc");
    FMT("[(null)] [  (null)] [(nu]", "[%s] [%8s] [%.3s]",
        (char *)NULL, (char *)NULL, (char *)NULL);
}

TEST(precision_bounds_string_read)
{
    /* Not NUL-terminated: a precision must stop the read (ASan checks). */
    char raw[3] = { 'x', 'y', 'z' };

    FMT("xy", "%.2s", raw);
    FMT("xyz", "%.3s", raw);
}

TEST(pointers)
{
    FMT("ffff82d040201234", "%p", (void *)0xffff82d040201234UL);
    FMT("0000000000001000", "%p", (void *)0x1000UL);
    FMT("   1000", "%7p", (void *)0x1000UL);
}

static const struct stub_symbol syms[] = {
    { 0xffff82d040200000UL, 0x40, "start_xen" },
    { 0xffff82d040200040UL, 0x100, "do_stuff" },
};

TEST(symbols)
{
    stub_symbols = syms;
    stub_nr_symbols = ARRAY_SIZE(syms);
    FMT("start_xen+0x1a/0x40", "%pS", (void *)0xffff82d04020001aUL);
    FMT("do_stuff+0/0x100", "%pS", (void *)0xffff82d040200040UL);
    FMT("do_stuff", "%ps", (void *)0xffff82d040200040UL);
    FMT("do_stuff+0x1/0x100", "%ps", (void *)0xffff82d040200041UL);
    FMT("<ffff82d040300000>", "<%pS>", (void *)0xffff82d040300000UL);
    FMT("[start_xen+0x4/0x40]", "[%pS]", (void *)0xffff82d040200004UL);
    stub_symbols = NULL;
    stub_nr_symbols = 0;
}

TEST(truncation_and_return)
{
    char small[8];

    memset(small, 'Q', sizeof(small));
    CHECK(keel_snprintf(small, sizeof(small), "%s", "0123456789") == 10);
    CHECK(strcmp(small, "0123456") == 0);

    memset(small, 'Q', sizeof(small));
    CHECK(keel_snprintf(small, 1, "abc") == 3);
    CHECK(small[0] == '\0' && small[1] == 'Q');

    memset(small, 'Q', sizeof(small));
    CHECK(keel_snprintf(small, 0, "abc%d", 12) == 5);
    CHECK(small[0] == 'Q');
    CHECK(keel_snprintf(NULL, 0, "%d", 12345) == 5);

    CHECK(keel_scnprintf(small, sizeof(small), "%s", "0123456789") == 7);
    CHECK(keel_scnprintf(small, sizeof(small), "ab") == 2);
    CHECK(keel_scnprintf(small, 0, "ab") == 0);
    CHECK(keel_scnprintf(small, 1, "ab") == 0 && small[0] == '\0');
}

TEST(odd_formats)
{
    FMT("100%", "100%");
    FMT("%y", "%y");
    FMT("a%-5yb", "a%-5yb");
    FMT("", "%s", "");
}

TEST(strtoull)
{
    const char *end;

    CHECK(simple_strtoull("1234xyz", &end, 10) == 1234 && *end == 'x');
    CHECK(simple_strtoull("0x1F", &end, 0) == 31 && *end == '\0');
    CHECK(simple_strtoull("0X1f", &end, 16) == 31 && *end == '\0');
    CHECK(simple_strtoull("1f", &end, 16) == 31);
    CHECK(simple_strtoull("017", &end, 0) == 15);
    CHECK(simple_strtoull("019", &end, 0) == 1 && *end == '9');
    CHECK(simple_strtoull("0xg", &end, 0) == 0 && *end == 'x');
    CHECK(simple_strtoull("", &end, 0) == 0 && *end == '\0');
    CHECK(simple_strtoull("18446744073709551615", &end, 10) == ULLONG_MAX);
    CHECK(simple_strtoull("99999999999999999999999", &end, 10) == ULLONG_MAX);
    CHECK(*end == '\0');
    CHECK(simple_strtoull("42", NULL, 10) == 42);
}

TEST(size_and_unit)
{
    const char *end;

    /* As in Xen: no suffix means KiB. */
    CHECK(parse_size_and_unit("4", &end) == 4096 && *end == '\0');
    CHECK(parse_size_and_unit("512B", &end) == 512 && *end == '\0');
    CHECK(parse_size_and_unit("512b", &end) == 512 && *end == '\0');
    CHECK(parse_size_and_unit("8k", &end) == 8192);
    CHECK(parse_size_and_unit("16M", &end) == 16ULL << 20 && *end == '\0');
    CHECK(parse_size_and_unit("4G,x", &end) == 4ULL << 30 && *end == ',');
    CHECK(parse_size_and_unit("4GB", &end) == 4ULL << 30 && *end == '\0');
    CHECK(parse_size_and_unit("2t", &end) == 2ULL << 40);
    CHECK(parse_size_and_unit("0x10M", &end) == 16ULL << 20);
    CHECK(parse_size_and_unit("99999999T", &end) == ULLONG_MAX);
    CHECK(parse_size_and_unit("M", &end) == 0 && *end == '\0');
}
