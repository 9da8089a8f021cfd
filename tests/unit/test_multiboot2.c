/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdlib.h>

#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>
#include "harness.h"

/*
 * Builder for information blocks.  Blocks are parsed from an exactly
 * sized heap copy so ASan catches any read past the end.
 */
struct mb {
    uint8_t buf[64 * 1024];
    uint32_t len;
};

static struct mb mb;
static struct boot_info bi;
static char err[160];

static void mb_begin(void)
{
    memset(&mb, 0, sizeof(mb));
    mb.len = 8;
}

static void put32(uint32_t off, uint32_t v)
{
    memcpy(mb.buf + off, &v, 4);
}

/* Append a tag with @len payload bytes; returns its offset. */
static uint32_t add_tag(uint32_t type, const void *payload, uint32_t len)
{
    uint32_t off = mb.len;

    put32(off, type);
    put32(off + 4, 8 + len);
    if ( len )
        memcpy(mb.buf + off + 8, payload, len);
    mb.len = ROUNDUP(off + 8 + len, 8U);
    return off;
}

static uint32_t add_string_tag(uint32_t type, const char *s)
{
    return add_tag(type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t add_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[64];
    size_t n = strlen(s) + 1;

    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    memcpy(p + 8, s, n);
    return add_tag(3, p, 8 + (uint32_t)n);
}

static uint32_t add_mmap(uint32_t esize, unsigned int n, uint32_t first_type)
{
    static uint8_t p[16 + 300 * 40];
    uint32_t ver = 0;

    memset(p, 0, sizeof(p));
    memcpy(p, &esize, 4);
    memcpy(p + 4, &ver, 4);
    for ( unsigned int i = 0; i < n; i++ )
    {
        uint64_t base = (uint64_t)i << 20, len = 1 << 20;
        uint32_t type = i ? 1 + (i % 2) : first_type;

        memcpy(p + 8 + i * esize, &base, 8);
        memcpy(p + 8 + i * esize + 8, &len, 8);
        memcpy(p + 8 + i * esize + 16, &type, 4);
    }
    return add_tag(6, p, 8 + n * esize);
}

static uint32_t add_rsdp(uint32_t type, char tag_char, uint32_t len)
{
    uint8_t p[36];

    memset(p, 0, sizeof(p));
    memcpy(p, "RSD PTR ", 8);
    p[8] = (uint8_t)tag_char;
    return add_tag(type, p, len);
}

static void mb_end(void)
{
    add_tag(0, NULL, 0);
    put32(0, mb.len);
}

/* Parse the first @avail bytes of the block from an exact-size copy. */
static int parse_n(size_t avail)
{
    uint8_t *copy = malloc(avail ? avail : 1);
    int rc;

    memcpy(copy, mb.buf, avail);
    rc = mb2_parse(copy, avail, &bi, err, sizeof(err));
    free(copy);
    /* Strings point into the freed copy: tests must not use them after. */
    return rc;
}

static int parse(void)
{
    return parse_n(mb.len);
}

/* Parse in place (strings stay valid). */
static int parse_keep(void)
{
    return mb2_parse(mb.buf, mb.len, &bi, err, sizeof(err));
}

static void build_full(void)
{
    uint8_t meminfo[8] = { 0x7f, 0x02, 0, 0, 0x00, 0xfc, 0x0f, 0 };
    uint8_t bootdev[12] = { 0 };
    uint8_t fb[24] = { 0 };
    uint8_t efi64[8] = { 0 };

    mb_begin();
    add_string_tag(1, "console=com1 loglvl=all");
    add_string_tag(2, "GRUB 2.06");
    add_module(0x200000, 0x300000, "dom0 kernel root=/dev/sda");
    add_module(0x400000, 0x480123, "");
    add_tag(4, meminfo, sizeof(meminfo));
    add_tag(5, bootdev, sizeof(bootdev));
    add_mmap(24, 5, 1);
    add_tag(8, fb, sizeof(fb));
    add_rsdp(14, 'o', 20);
    add_rsdp(15, 'n', 36);
    add_tag(21, efi64, 4);
    add_tag(99, NULL, 0);           /* unknown: skipped */
    mb_end();
}

TEST(full_block)
{
    build_full();
    REQUIRE(parse_keep() == 0);
    CHECK(err[0] == '\0');
    CHECK(strcmp(bi.cmdline, "console=com1 loglvl=all") == 0);
    CHECK(strcmp(bi.loader, "GRUB 2.06") == 0);
    REQUIRE(bi.nr_modules == 2);
    CHECK(bi.modules[0].start == 0x200000 && bi.modules[0].end == 0x300000);
    CHECK(strcmp(bi.modules[0].string, "dom0 kernel root=/dev/sda") == 0);
    CHECK(bi.modules[1].end == 0x480123 && bi.modules[1].string[0] == '\0');
    CHECK(bi.have_basic_meminfo);
    CHECK(bi.mem_lower_kb == 639 && bi.mem_upper_kb == 0xffc00);
    CHECK(bi.have_mmap && bi.memmap.nr_map == 5);
    CHECK(bi.memmap.map[3].addr == 3 << 20 && bi.memmap.map[3].size == 1 << 20);
    CHECK(bi.memmap.map[3].type == 2 && bi.memmap.map[4].type == 1);
    CHECK(bi.saw_framebuffer);
    CHECK(!bi.saw_efi);
    REQUIRE(bi.rsdp != NULL);
    CHECK(bi.rsdp_revision == 2 && bi.rsdp_len == 36);
    CHECK(((const char *)bi.rsdp)[8] == 'n');
}

TEST(minimal_block)
{
    mb_begin();
    mb_end();
    REQUIRE(parse() == 0);
    CHECK(strcmp(bi.cmdline, "") == 0 && strcmp(bi.loader, "") == 0);
    CHECK(bi.nr_modules == 0 && !bi.have_mmap && bi.rsdp == NULL);
}

TEST(rsdp_preference)
{
    /* New first, then old: the new one must still win. */
    mb_begin();
    add_rsdp(15, 'n', 36);
    add_rsdp(14, 'o', 20);
    mb_end();
    REQUIRE(parse_keep() == 0);
    CHECK(bi.rsdp_revision == 2 && ((const char *)bi.rsdp)[8] == 'n');

    mb_begin();
    add_rsdp(14, 'o', 20);
    mb_end();
    REQUIRE(parse_keep() == 0);
    CHECK(bi.rsdp_revision == 0 && bi.rsdp_len == 20);
    CHECK(((const char *)bi.rsdp)[8] == 'o');

    /* An "old" RSDP tag too short for an RSDP is refused. */
    mb_begin();
    add_rsdp(14, 'o', 12);
    mb_end();
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "tag 14") != NULL);
}

TEST(efi_tags)
{
    static const uint32_t types[] = { 11, 12, 17, 18, 19, 20 };
    uint8_t payload[16] = { 0 };

    for ( size_t i = 0; i < ARRAY_SIZE(types); i++ )
    {
        mb_begin();
        add_tag(types[i], payload, types[i] == 18 ? 0 : 8);
        mb_end();
        CHECK(parse() == 0);
        CHECK(bi.saw_efi);
    }
}

TEST(zero_length_and_tiny)
{
    uint8_t one = 0;

    CHECK(mb2_parse(&one, 0, &bi, err, sizeof(err)) == -EINVAL);
    CHECK(strstr(err, "multiboot2:") == err);
    CHECK(mb2_parse(NULL, 100, &bi, err, sizeof(err)) == -EINVAL);

    mb_begin();
    CHECK(parse_n(4) == -EINVAL);

    /* total_size 0 and 8: no room for the end tag. */
    mb_begin();
    put32(0, 0);
    CHECK(parse_n(16) == -EINVAL);
    CHECK(strstr(err, "too small") != NULL);
    put32(0, 8);
    CHECK(parse_n(16) == -EINVAL);

    /* Also no crash with a NULL error buffer. */
    CHECK(mb2_parse(mb.buf, 16, &bi, NULL, 0) == -EINVAL);
}

TEST(total_larger_than_avail)
{
    build_full();
    CHECK(parse_n(mb.len - 8) == -EINVAL);
    CHECK(strstr(err, "larger than") != NULL);
}

TEST(missing_end_tag)
{
    mb_begin();
    add_string_tag(1, "abc");
    put32(0, mb.len);
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "no end tag") != NULL);
}

TEST(tag_size_below_8)
{
    mb_begin();
    add_string_tag(1, "abc");
    put32(mb.len, 7);
    put32(mb.len + 4, 4);
    mb.len += 8;
    mb_end();
    CHECK(parse() == -EINVAL);
    CHECK(strcmp(err, "multiboot2: tag 7 at offset 0x18 has size 0x4 (< 8)") == 0);

    /* Size 0 must not loop forever. */
    mb_begin();
    put32(8, 1);
    put32(12, 0);
    mb.len = 16;
    mb_end();
    CHECK(parse() == -EINVAL);
}

TEST(tag_overruns_total)
{
    uint32_t off;

    mb_begin();
    add_string_tag(1, "abc");
    off = add_mmap(24, 2, 1);
    mb_end();
    put32(off + 4, 0x60);               /* now ends at 0x78, past total (0x60) */
    CHECK(parse() == -EINVAL);
    CHECK(strcmp(err, "multiboot2: tag 6 at offset 0x18 overruns the info "
                      "block (size 0x60, total 0x60)") == 0);
}

TEST(truncated_fixed_part)
{
    uint8_t p[4] = { 1, 2, 3, 4 };

    mb_begin();
    add_tag(4, p, 4);                   /* meminfo needs 8 payload bytes */
    mb_end();
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "tag 4 at offset 0x8 too short") != NULL);

    mb_begin();
    add_tag(3, p, 4);                   /* module without end/string */
    mb_end();
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "tag 3") != NULL);

    /* A block cut short in the middle of a tag header. */
    build_full();
    put32(0, 12);
    CHECK(parse_n(12) == -EINVAL);
}

TEST(unterminated_strings)
{
    uint32_t off;

    mb_begin();
    off = add_string_tag(1, "abcdefg");     /* 8 bytes incl. NUL */
    mb_end();
    mb.buf[off + 8 + 7] = 'h';              /* overwrite the NUL */
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "tag 1 at offset 0x8: string not terminated") != NULL);

    mb_begin();
    off = add_string_tag(2, "x");
    mb_end();
    mb.buf[off + 9] = 'y';
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "tag 2") != NULL);

    mb_begin();
    off = add_module(0x1000, 0x2000, "abc");
    mb_end();
    mb.buf[off + 16 + 3] = 'd';
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "module string not terminated") != NULL);
}

TEST(module_checks)
{
    mb_begin();
    add_module(0x2000, 0x1000, "backwards");
    mb_end();
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "below start") != NULL);

    mb_begin();
    add_module(0x2000, 0x2000, "empty is fine");
    mb_end();
    CHECK(parse() == 0 && bi.nr_modules == 1);

    mb_begin();
    for ( int i = 0; i < MAX_BOOT_MODULES; i++ )
        add_module(0x1000 * i, 0x1000 * i + 1, "m");
    mb_end();
    CHECK(parse() == 0 && bi.nr_modules == MAX_BOOT_MODULES);

    mb_begin();
    for ( int i = 0; i < MAX_BOOT_MODULES + 1; i++ )
        add_module(0x1000 * i, 0x1000 * i + 1, "m");
    mb_end();
    CHECK(parse() == -E2BIG);
    CHECK(strstr(err, "more than 64 modules") != NULL);
}

TEST(mmap_entry_sizes)
{
    mb_begin();
    add_mmap(32, 4, 3);                 /* larger entries are honoured */
    mb_end();
    REQUIRE(parse() == 0);
    CHECK(bi.memmap.nr_map == 4);
    CHECK(bi.memmap.map[0].type == 3);
    CHECK(bi.memmap.map[2].addr == 2 << 20 && bi.memmap.map[2].type == 1);

    mb_begin();
    add_mmap(20, 4, 1);
    mb_end();
    CHECK(parse() == -EINVAL);
    CHECK(strstr(err, "entry size 20") != NULL);

    mb_begin();
    add_mmap(24, 0, 1);
    mb_end();
    CHECK(parse() == 0 && bi.have_mmap && bi.memmap.nr_map == 0);

    mb_begin();
    add_mmap(24, E820MAX, 1);
    mb_end();
    CHECK(parse() == 0 && bi.memmap.nr_map == E820MAX);

    mb_begin();
    add_mmap(24, E820MAX + 1, 1);
    mb_end();
    CHECK(parse() == -E2BIG);
    CHECK(strstr(err, "257 entries") != NULL);
}

TEST(misaligned_block)
{
    static uint8_t shifted[4096 + 3];

    build_full();
    memcpy(shifted + 3, mb.buf, mb.len);
    CHECK(mb2_parse(shifted + 3, mb.len, &bi, err, sizeof(err)) == 0);
    CHECK(bi.nr_modules == 2 && bi.memmap.nr_map == 5);
}

TEST(error_buffer_truncated)
{
    char small[16];

    mb_begin();
    add_string_tag(1, "abc");
    put32(0, mb.len);
    CHECK(mb2_parse(mb.buf, mb.len, &bi, small, sizeof(small)) == -EINVAL);
    CHECK(strlen(small) == sizeof(small) - 1);
}

/* Random corruption of a valid block: errors are fine, crashes are not. */
TEST(fuzz_corrupted_blocks)
{
    unsigned int seed = 4242;
    int ok = 0, bad = 0;

    for ( int round = 0; round < 3000; round++ )
    {
        build_full();
        for ( int k = 0; k < 4; k++ )
        {
            seed = seed * 1103515245 + 12345;
            uint32_t pos = (seed >> 8) % mb.len;

            seed = seed * 1103515245 + 12345;
            mb.buf[pos] = (uint8_t)(seed >> 16);
        }
        if ( parse() == 0 )
            ok++;
        else
        {
            bad++;
            CHECK(strncmp(err, "multiboot2: ", 12) == 0);
        }
    }
    CHECK(ok > 0 && bad > 0);
}
