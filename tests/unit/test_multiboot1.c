/* SPDX-License-Identifier: GPL-2.0-only */
/* multiboot1 info parsing over a fake physical memory image. */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>
#include "harness.h"

#define MEM_SIZE 0x10000
static uint8_t mem[MEM_SIZE];

static const void *fake_map(paddr_t pa, size_t len)
{
    if ( pa >= MEM_SIZE || len > MEM_SIZE - pa )
        return NULL;
    return mem + pa;
}

static void put32(paddr_t pa, uint32_t v) { memcpy(mem + pa, &v, 4); }
static void put64(paddr_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }

/* info at 0x100, cmdline at 0x400, modules at 0x500, mmap at 0x600. */
static void build_good(void)
{
    memset(mem, 0, sizeof(mem));
    put32(0x100, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
    put32(0x104, 639);
    put32(0x108, 130048);
    put32(0x110, 0x400);                    /* cmdline */
    put32(0x114, 2);                        /* mods_count */
    put32(0x118, 0x500);
    put32(0x12c, 2 * 24);                   /* mmap_length */
    put32(0x130, 0x600);
    put32(0x140, 0x480);                    /* loader name */
    strcpy((char *)mem + 0x400, "loglvl=all maxcpus=2");
    strcpy((char *)mem + 0x480, "test loader");
    put32(0x500, 0x200000); put32(0x504, 0x210000); put32(0x508, 0x4c0);
    put32(0x510, 0x300000); put32(0x514, 0x300100); put32(0x518, 0);
    strcpy((char *)mem + 0x4c0, "kernel.elf");
    put32(0x600, 20); put64(0x604, 0); put64(0x60c, 0x9fc00); put32(0x614, 1);
    put32(0x618, 20); put64(0x61c, 0x100000); put64(0x624, 0x7f00000); put32(0x62c, 1);
}

TEST(good_block)
{
    struct boot_info bi;
    char err[128];

    build_good();
    REQUIRE(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == 0);
    CHECK(!strcmp(bi.cmdline, "loglvl=all maxcpus=2"));
    CHECK(!strcmp(bi.loader, "test loader"));
    CHECK(bi.have_basic_meminfo && bi.mem_upper_kb == 130048);
    REQUIRE(bi.nr_modules == 2);
    CHECK(bi.modules[0].start == 0x200000 && bi.modules[0].end == 0x210000);
    CHECK(!strcmp(bi.modules[0].string, "kernel.elf"));
    CHECK(!strcmp(bi.modules[1].string, ""));
    REQUIRE(bi.have_mmap && bi.memmap.nr_map == 2);
    CHECK(bi.memmap.map[1].addr == 0x100000 && bi.memmap.map[1].size == 0x7f00000);
    CHECK(bi.memmap.map[1].type == 1);
}

TEST(unreadable_info)
{
    struct boot_info bi;
    char err[128];

    CHECK(mb1_parse(MEM_SIZE - 8, fake_map, &bi, err, sizeof(err)) == -EFAULT);
    CHECK(strstr(err, "unreadable") != NULL);
}

TEST(unterminated_cmdline)
{
    struct boot_info bi;
    char err[128];

    build_good();
    memset(mem + 0x400, 'A', MEM_SIZE - 0x400);
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -EINVAL);
    CHECK(strstr(err, "command line") != NULL);
}

TEST(bad_modules)
{
    struct boot_info bi;
    char err[128];

    build_good();
    put32(0x114, MAX_BOOT_MODULES + 1);
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -E2BIG);
    build_good();
    put32(0x118, MEM_SIZE - 8);             /* list runs off memory */
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -EFAULT);
    build_good();
    put32(0x504, 0x100000);                 /* end before start */
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -EINVAL);
    CHECK(strstr(err, "module 0") != NULL);
}

TEST(bad_mmap)
{
    struct boot_info bi;
    char err[128];

    build_good();
    put32(0x618, 4);                        /* entry too small */
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -EINVAL);
    build_good();
    put32(0x618, 200);                      /* entry overruns the map */
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -EINVAL);
    build_good();
    put32(0x130, MEM_SIZE - 4);
    CHECK(mb1_parse(0x100, fake_map, &bi, err, sizeof(err)) == -EFAULT);
}
