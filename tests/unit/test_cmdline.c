/* SPDX-License-Identifier: GPL-2.0-only */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/param.h>
#include "harness.h"

static bool opt_flag, opt_other = true;
static int opt_intbool;
static uint8_t opt_u8;
static uint16_t opt_u16;
static uint32_t opt_u32;
static uint64_t opt_u64;
static uint64_t opt_mem;
static uint32_t opt_mem32;
static char opt_name[8];
static char opt_custom_seen[64];
static int custom_calls;
static unsigned int opt_shared_a, opt_shared_b;

static int parse_custom(const char *s)
{
    custom_calls++;
    snprintf(opt_custom_seen, sizeof(opt_custom_seen), "%s", s);
    return strcmp(s, "bad") ? 0 : -EINVAL;
}

static const struct kernel_param params[] = {
    { "flag", OPT_BOOL, sizeof(opt_flag), { .var = &opt_flag } },
    { "other_opt", OPT_BOOL, sizeof(opt_other), { .var = &opt_other } },
    { "intbool", OPT_BOOL, sizeof(opt_intbool), { .var = &opt_intbool } },
    { "u8", OPT_UINT, 1, { .var = &opt_u8 } },
    { "u16", OPT_UINT, 2, { .var = &opt_u16 } },
    { "u32", OPT_UINT, 4, { .var = &opt_u32 } },
    { "u64", OPT_UINT, 8, { .var = &opt_u64 } },
    { "dom0-mem", OPT_SIZE, 8, { .var = &opt_mem } },
    { "mem32", OPT_SIZE, 4, { .var = &opt_mem32 } },
    { "name", OPT_STR, sizeof(opt_name), { .var = opt_name } },
    { "cust", OPT_CUSTOM, 0, { .func = parse_custom } },
    { "shared", OPT_UINT, 4, { .var = &opt_shared_a } },
    { "shared", OPT_UINT, 4, { .var = &opt_shared_b } },
};

static int parse(const char *s)
{
    return cmdline_parse(s, params, params + ARRAY_SIZE(params));
}

static void reset(void)
{
    opt_flag = false;
    opt_other = true;
    opt_intbool = 0;
    opt_u8 = 0;
    opt_u16 = 0;
    opt_u32 = 0;
    opt_u64 = 0;
    opt_mem = 0;
    opt_mem32 = 0;
    memset(opt_name, 0, sizeof(opt_name));
    opt_custom_seen[0] = '\0';
    custom_calls = 0;
    opt_shared_a = opt_shared_b = 0;
    log_clear();
}

TEST(parse_bool_values)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    const char *s = "onward";

    for ( size_t i = 0; i < ARRAY_SIZE(yes); i++ )
        CHECK(parse_bool(yes[i], NULL) == 1);
    for ( size_t i = 0; i < ARRAY_SIZE(no); i++ )
        CHECK(parse_bool(no[i], NULL) == 0);
    CHECK(parse_bool("", NULL) == -EINVAL);
    CHECK(parse_bool("2", NULL) == -EINVAL);
    CHECK(parse_bool("yess", NULL) == -EINVAL);
    CHECK(parse_bool("ON", NULL) == -EINVAL);
    CHECK(parse_bool(s, s + 2) == 1);      /* bounded by @e */
    CHECK(parse_bool(s, s + 1) == -EINVAL);
}

TEST(basic_options)
{
    reset();
    CHECK(parse("flag u8=200 u16=0xffff u32=4000000000 u64=0x123456789abc "
                "name=abc cust=hello") == 0);
    CHECK(opt_flag);
    CHECK(opt_u8 == 200);
    CHECK(opt_u16 == 0xffff);
    CHECK(opt_u32 == 4000000000U);
    CHECK(opt_u64 == 0x123456789abcULL);
    CHECK(strcmp(opt_name, "abc") == 0);
    CHECK(custom_calls == 1 && strcmp(opt_custom_seen, "hello") == 0);
    CHECK(strcmp(log_text(), "") == 0);
}

TEST(booleans)
{
    reset();
    CHECK(parse("no-other-opt intbool") == 0);
    CHECK(!opt_other);
    CHECK(opt_intbool == 1);

    reset();
    CHECK(parse("other_opt=off flag=yes") == 0);
    CHECK(!opt_other && opt_flag);

    reset();
    CHECK(parse("no_other_opt=0") == 0);   /* double negative */
    CHECK(opt_other);

    reset();
    CHECK(parse("flag=maybe") == 1);
    CHECK(!opt_flag);
    CHECK(log_contains("parameter \"flag\" has invalid value \"maybe\""));

    /* "no-" only applies to booleans. */
    reset();
    CHECK(parse("no-u8") == 1);
    CHECK(log_contains("parameter \"no-u8\" unknown!"));
}

TEST(dash_underscore_equivalent)
{
    reset();
    CHECK(parse("dom0_mem=512M other-opt=0") == 0);
    CHECK(opt_mem == 512ULL << 20);
    CHECK(!opt_other);
}

TEST(sizes)
{
    reset();
    CHECK(parse("dom0-mem=4G mem32=64") == 0);
    CHECK(opt_mem == 4ULL << 30);
    CHECK(opt_mem32 == 64 * 1024);      /* no suffix: KiB, as Xen */

    reset();
    CHECK(parse("mem32=8G") == 1);      /* does not fit in 32 bits */
    CHECK(opt_mem32 == 0);
    CHECK(log_contains("\"mem32\" has invalid value \"8G\""));

    reset();
    CHECK(parse("dom0-mem=12Q dom0-mem= dom0-mem") == 3);
    CHECK(opt_mem == 0);
}

TEST(uint_errors)
{
    reset();
    CHECK(parse("u8=256 u16=65536 u32=12abc u64= u8") == 5);
    CHECK(opt_u8 == 0 && opt_u16 == 0 && opt_u32 == 0 && opt_u64 == 0);
    CHECK(log_contains("parameter \"u8\" has invalid value \"256\""));
    CHECK(log_contains("parameter \"u32\" has invalid value \"12abc\""));
}

TEST(strings)
{
    reset();
    CHECK(parse("name=waytoolongvalue") == 1);
    CHECK(strcmp(opt_name, "waytool") == 0);   /* truncated, terminated */
    CHECK(log_contains("too long"));

    reset();
    CHECK(parse("name=") == 0);
    CHECK(opt_name[0] == '\0');

    reset();
    CHECK(parse("name=a=b") == 0);           /* only the first '=' splits */
    CHECK(strcmp(opt_name, "a=b") == 0);
}

TEST(custom)
{
    reset();
    CHECK(parse("cust=bad") == 1);
    CHECK(log_contains("parameter \"cust\" has invalid value \"bad\", rc=-22!"));

    reset();
    CHECK(parse("cust") == 0);
    CHECK(custom_calls == 1 && opt_custom_seen[0] == '\0');
}

TEST(shared_name_sets_all)
{
    reset();
    CHECK(parse("shared=7") == 0);
    CHECK(opt_shared_a == 7 && opt_shared_b == 7);
}

TEST(unknown_options)
{
    reset();
    CHECK(parse("bogus flag nosuch=1") == 2);
    CHECK(opt_flag);
    CHECK(log_contains("<1>parameter \"bogus\" unknown!"));
    CHECK(log_contains("parameter \"nosuch\" unknown!"));
}

TEST(empty_and_spaces)
{
    reset();
    CHECK(parse("") == 0);
    CHECK(parse("      ") == 0);
    CHECK(parse("\t \n ") == 0);
    CHECK(cmdline_parse(NULL, params, params + ARRAY_SIZE(params)) == 0);
    CHECK(cmdline_parse("flag", params, params) == 1);   /* empty table */
    CHECK(strcmp(log_text(), "") != 0);
}

TEST(equals_alone)
{
    reset();
    CHECK(parse("=") == 1);
    CHECK(parse("=5 flag") == 1);
    CHECK(opt_flag);
    CHECK(log_contains("empty name"));
}

TEST(garbage_bytes)
{
    reset();
    CHECK(parse("fl\x01g u8=1\x7f flag u16=\xff\xfe u32=3") == 3);
    CHECK(opt_flag);
    CHECK(opt_u8 == 0 && opt_u16 == 0);
    CHECK(opt_u32 == 3);
    CHECK(log_contains("non-printable"));
}

TEST(unterminated_quotes)
{
    reset();
    /* Quotes have no meaning: they are part of the value. */
    CHECK(parse("name=\"abc flag") == 0);
    CHECK(strcmp(opt_name, "\"abc") == 0);
    CHECK(opt_flag);
}

TEST(long_token_skipped)
{
    char line[700];

    reset();
    memset(line, 'x', sizeof(line));
    memcpy(line, "name=", 5);
    memcpy(line + 600, " flag u8=9", 10);
    line[610] = '\0';
    CHECK(parse(line) == 1);
    CHECK(opt_flag && opt_u8 == 9);
    CHECK(opt_name[0] == '\0');
    CHECK(log_contains("is longer than"));
}

TEST(long_line_capped)
{
    static char line[5000];
    size_t i;

    reset();
    /* Many valid tokens; the ones past 1024 characters are not looked at. */
    for ( i = 0; i + 5 < sizeof(line); i += 5 )
        memcpy(line + i, "flag ", 5);
    line[i] = '\0';
    memcpy(line + 2000, "u8=5 ", 5);
    memcpy(line + 10, "u8=7 ", 5);
    CHECK(parse(line) == 1);
    CHECK(opt_flag);
    CHECK(opt_u8 == 7);
    CHECK(log_contains("longer than 1024"));
}

/* Feed pseudo-random bytes: nothing may crash or trip a sanitizer. */
TEST(fuzz_random_lines)
{
    static char line[2048];
    unsigned int seed = 12345;

    for ( int round = 0; round < 2000; round++ )
    {
        size_t len = (seed >> 8) % (sizeof(line) - 1);

        for ( size_t i = 0; i < len; i++ )
        {
            seed = seed * 1103515245 + 12345;
            /* Mostly option-ish characters, some raw bytes. */
            switch ( (seed >> 16) % 8 )
            {
            case 0: line[i] = ' '; break;
            case 1: line[i] = '='; break;
            case 2: line[i] = (char)((seed >> 20) & 0xff) ?: 'a'; break;
            case 3: line[i] = "flaguno-_8"[(seed >> 20) % 10]; break;
            default: line[i] = (char)('a' + (seed >> 20) % 26); break;
            }
        }
        line[len] = '\0';
        seed = seed * 1103515245 + 12345;
        (void)parse(line);
        log_clear();
    }
    CHECK(true);
}
