/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-domain device tree parsing (xen/common/bootdomain.c) with Debian's
 * libfdt, on trees compiled by dtc from tests/unit/dts/ at build time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/lib.h>
#include <keel/bootdomain.h>

#include "harness.h"

#ifndef DTB_DIR
#error "DTB_DIR must name the directory of the compiled test trees"
#endif

#define MAX_OUT 16

static struct boot_domain out[MAX_OUT];

struct blob {
    uint8_t *data;
    size_t len;
};

/* The compiled tree, in a heap buffer of exactly its size. */
static struct blob load_dtb(const char *name)
{
    struct blob b = { NULL, 0 };
    char path[512];
    FILE *f;
    long len;

    snprintf(path, sizeof(path), "%s/%s.dtb", DTB_DIR, name);
    f = fopen(path, "rb");
    REQUIRE(f);
    REQUIRE(fseek(f, 0, SEEK_END) == 0);
    len = ftell(f);
    REQUIRE(len > 0);
    rewind(f);
    b.data = malloc((size_t)len);
    REQUIRE(b.data);
    REQUIRE(fread(b.data, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    b.len = (size_t)len;
    return b;
}

static int parse(const struct blob *b, unsigned int nr_modules, unsigned int max)
{
    memset(out, 0x5a, sizeof(out));
    return bootdomains_parse(b->data, b->len, nr_modules, out, max);
}

static const struct boot_domain *find(int n, const char *name)
{
    for ( int i = 0; i < n; i++ )
        if ( !strcmp(out[i].name, name) )
            return &out[i];
    return NULL;
}

TEST(one_domain_all_properties)
{
    struct blob b = load_dtb("one");
    const struct boot_domain *d;

    REQUIRE(parse(&b, 3, MAX_OUT) == 1);
    d = &out[0];
    CHECK(strcmp(d->name, "domain@1") == 0);
    CHECK(d->domid == 7);
    CHECK(d->mem_kb == 0x40000);
    CHECK(d->vcpus == 2);
    CHECK(d->kernel_index == 1);
    CHECK(d->ramdisk_index == 2);
    CHECK(strcmp(d->cmdline, "console=hvc0 earlyprintk=xen") == 0);
    CHECK(!log_contains("skipped"));
    free(b.data);
}

TEST(two_domains_defaults_and_ramdisk)
{
    struct blob b = load_dtb("two");
    const struct boot_domain *a, *d;
    int n;

    n = parse(&b, 4, MAX_OUT);
    REQUIRE(n == 2);
    a = find(n, "domain@a");
    d = find(n, "domain@b");
    REQUIRE(a && d);
    CHECK(a == &out[0]);                        /* tree order is kept */
    CHECK(a->domid == 1);                       /* default: next free from 1 */
    CHECK(a->mem_kb == 0x8000);
    CHECK(a->vcpus == 1);                       /* default */
    CHECK(a->kernel_index == 1 && a->ramdisk_index == 0);
    CHECK(a->cmdline[0] == '\0');
    CHECK(d->domid == 2);
    CHECK(d->mem_kb == 0x100000000ULL);         /* both memory cells are used */
    CHECK(d->vcpus == 4);
    CHECK(d->kernel_index == 3 && d->ramdisk_index == 1);
    CHECK(d->cmdline[0] == '\0');
    /* A node that is not a xen,domain is not a domain, and not an error. */
    CHECK(!find(n, "not-a-domain"));
    CHECK(!log_contains("skipped"));
    free(b.data);
}

TEST(four_domains_domid_assignment)
{
    struct blob b = load_dtb("four");
    const struct boot_domain *d1, *d2, *d3, *d4;
    int n;

    n = parse(&b, 3, MAX_OUT);
    REQUIRE(n == 4);
    d1 = find(n, "d1");
    d2 = find(n, "d2");
    d3 = find(n, "d3");
    d4 = find(n, "d4");
    REQUIRE(d1 && d2 && d3 && d4);
    /* Explicit ids 1 and 3 are kept; the others get the lowest free ones. */
    CHECK(d2->domid == 1 && d4->domid == 3);
    CHECK(d1->domid == 2);
    CHECK(d3->domid == 4);
    CHECK(d4->vcpus == 128);
    CHECK(d1->mem_kb == 0x1000 && d4->mem_kb == 0x4000);
    CHECK(strcmp(d1->cmdline, "d1") == 0 && strcmp(d4->cmdline, "d4") == 0);
    CHECK(d3->kernel_index == 2);
    free(b.data);
}

TEST(more_domains_than_room)
{
    struct blob b = load_dtb("five");

    CHECK(parse(&b, 2, 4) == 4);
    CHECK(strcmp(out[3].name, "e4") == 0);
    CHECK(log_contains("Boot domain e5: more than 4 boot domains; skipped"));
    /* Nothing is written past the caller's array. */
    CHECK(out[4].domid == 0x5a5a5a5a);

    log_clear();
    CHECK(parse(&b, 2, 0) == 0);
    CHECK(log_contains("Boot domain e1: more than 0 boot domains; skipped"));
    free(b.data);
}

/* Every malformed-node case is reported with the node's name and reason. */
TEST(bad_nodes_skipped_one_by_one)
{
    static const char *const expect[] = {
        "Boot domain no-memory: no memory property; skipped",
        "Boot domain zero-memory: memory is zero; skipped",
        "Boot domain short-memory: memory must be two cells <hi lo> in KiB; skipped",
        "Boot domain no-kernel: no kernel (a child node compatible with \"module,kernel\"); skipped",
        "Boot domain kernel-no-index: kernel node has no module-index; skipped",
        "Boot domain kernel-index-missing-module: kernel module-index 4 does not exist (4 modules); skipped",
        "Boot domain kernel-is-the-tree: kernel module-index 0 is the device tree itself; skipped",
        "Boot domain ramdisk-missing-module: ramdisk module-index 9 does not exist (4 modules); skipped",
        "Boot domain ramdisk-is-kernel: ramdisk and kernel are the same module (2); skipped",
        "Boot domain duplicate-domid: duplicate domid 5 (already used by good-first); skipped",
        "Boot domain zero-vcpus: absurd vCPU count 0 (1-128); skipped",
        "Boot domain absurd-vcpus: absurd vCPU count 100000 (1-128); skipped",
        "Boot domain domid-zero: domid 0 is not allowed (leave domid out for the next free id); skipped",
        "Boot domain domid-reserved: domid 0x7ff0 is reserved; skipped",
        "Boot domain two-kernels: more than one kernel node; skipped",
        "Boot domain bootargs-not-string: bootargs is not a string; skipped",
        "Boot domain bootargs-too-long: bootargs longer than 1023 characters; skipped",
    };
    struct blob b = load_dtb("bad");
    const struct boot_domain *first, *last;
    int n;

    n = parse(&b, 4, MAX_OUT);
    REQUIRE(n == 2);
    first = find(n, "good-first");
    last = find(n, "good-last");
    REQUIRE(first && last);
    CHECK(first->domid == 5 && first->kernel_index == 1);
    CHECK(last->domid == 1 && last->kernel_index == 3 && last->mem_kb == 0x4000);
    for ( size_t i = 0; i < ARRAY_SIZE(expect); i++ )
    {
        if ( !log_contains(expect[i]) )
        {
            printf("# missing: %s\n", expect[i]);
            CHECK(log_contains(expect[i]));
        }
    }
    free(b.data);
}

TEST(module_count_matters)
{
    struct blob b = load_dtb("one");

    /* With only the tree and a kernel loaded, the ramdisk is missing. */
    CHECK(parse(&b, 2, MAX_OUT) == 0);
    CHECK(log_contains("Boot domain domain@1: ramdisk module-index 2 does not exist "
                       "(2 modules); skipped"));
    log_clear();
    CHECK(parse(&b, 1, MAX_OUT) == 0);
    CHECK(log_contains("kernel module-index 1 does not exist (1 modules)"));
    free(b.data);
}

TEST(no_hypervisor_node)
{
    struct blob b = load_dtb("nohv");

    CHECK(parse(&b, 3, MAX_OUT) == 0);
    CHECK(log_contains("no /chosen/hypervisor node; no boot domains"));
    free(b.data);

    b = load_dtb("wrongcompat");
    log_clear();
    CHECK(parse(&b, 3, MAX_OUT) == 0);
    CHECK(log_contains("not compatible with \"hypervisor,xen\"; no boot domains"));
    free(b.data);
}

TEST(is_fdt)
{
    static const uint8_t magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
    static const uint8_t swapped[4] = { 0xed, 0xfe, 0x0d, 0xd0 };

    CHECK(bootdomains_is_fdt(magic, 4));
    CHECK(!bootdomains_is_fdt(magic, 3));
    CHECK(!bootdomains_is_fdt(swapped, 4));
    CHECK(!bootdomains_is_fdt(NULL, 4));
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

TEST(bad_magic_and_truncation)
{
    struct blob b = load_dtb("two");
    struct blob t;

    b.data[0] ^= 0xff;
    CHECK(parse(&b, 4, MAX_OUT) == 0);
    CHECK(log_contains("Boot device tree: bad magic; no boot domains"));
    b.data[0] ^= 0xff;

    /* Shorter than the header says, copied exactly so any overread is seen. */
    for ( size_t len = 4; len < b.len; len += (len < 64 ? 1 : 37) )
    {
        log_clear();
        t.len = len;
        t.data = malloc(len);
        REQUIRE(t.data);
        memcpy(t.data, b.data, len);
        CHECK(parse(&t, 4, MAX_OUT) == 0);
        CHECK(log_contains(len < 40 ? "is too short for a header" : "truncated"));
        free(t.data);
    }

    /* The header claims more than there is. */
    log_clear();
    put_be32(b.data + 4, (uint32_t)b.len + 1);
    CHECK(parse(&b, 4, MAX_OUT) == 0);
    CHECK(log_contains("truncated"));
    put_be32(b.data + 4, (uint32_t)b.len);
    CHECK(parse(&b, 4, MAX_OUT) == 2);
    free(b.data);
}

TEST(malformed_header_and_structure)
{
    struct blob b = load_dtb("four");
    uint32_t off_struct = get_be32(b.data + 8);

    /* Unsupported version. */
    put_be32(b.data + 20, 1);
    CHECK(parse(&b, 3, MAX_OUT) == 0);
    CHECK(log_contains("Boot device tree: malformed ("));
    put_be32(b.data + 20, 17);

    /* Structure block pointing past the end. */
    log_clear();
    put_be32(b.data + 8, (uint32_t)b.len);
    CHECK(parse(&b, 3, MAX_OUT) == 0);
    CHECK(log_contains("malformed"));
    put_be32(b.data + 8, off_struct);

    /* The first token is not a token at all. */
    log_clear();
    put_be32(b.data + off_struct, 0x0badf00d);
    CHECK(parse(&b, 3, MAX_OUT) == 0);
    CHECK(log_contains("malformed"));
    put_be32(b.data + off_struct, 1);
    CHECK(parse(&b, 3, MAX_OUT) == 4);
    free(b.data);
}

TEST(misaligned_tree_is_reported)
{
    struct blob b = load_dtb("one");
    struct blob m;
    uint8_t *buf = malloc(b.len + 4);

    REQUIRE(buf);
    memcpy(buf + 4, b.data, b.len);
    m.data = buf + 4;
    m.len = b.len;
    memset(out, 0, sizeof(out));
    /* libfdt wants 8-byte alignment; a misaligned module is refused, not misread. */
    CHECK(bootdomains_parse(m.data, m.len, 3, out, MAX_OUT) == 0);
    CHECK(log_contains("malformed"));
    free(buf);
    free(b.data);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* What any accepted domain must look like, however mangled the tree. */
static void check_sane(int n, unsigned int nr_modules, unsigned int max)
{
    CHECK(n >= 0 && (unsigned int)n <= max);
    for ( int i = 0; i < n; i++ )
    {
        const struct boot_domain *d = &out[i];

        CHECK(memchr(d->name, '\0', sizeof(d->name)) != NULL);
        CHECK(memchr(d->cmdline, '\0', sizeof(d->cmdline)) != NULL);
        CHECK(d->mem_kb > 0);
        CHECK(d->vcpus >= 1 && d->vcpus <= BOOT_DOMAIN_MAX_VCPUS);
        CHECK(d->kernel_index >= 1 && d->kernel_index < nr_modules);
        CHECK(d->ramdisk_index < nr_modules && d->ramdisk_index != d->kernel_index);
        CHECK(d->domid >= 1 && d->domid < 0x7ff0);
        for ( int j = 0; j < i; j++ )
            CHECK(out[j].domid != d->domid);
    }
}

TEST(random_byte_flips_fixed_seed)
{
    static const char *const names[] = { "one", "two", "four", "bad" };
    unsigned int iter, k, parsed_some = 0;

    rng_state = 0x243f6a8885a308d3ULL;
    for ( iter = 0; iter < 4000; iter++ )
    {
        struct blob b = load_dtb(names[iter % ARRAY_SIZE(names)]);
        unsigned int flips = 1 + (unsigned int)(rng() % 4);
        int n;

        for ( k = 0; k < flips; k++ )
        {
            size_t at = rng() % b.len;

            b.data[at] = (rng() & 1) ? (uint8_t)rng() : b.data[at] ^ (uint8_t)(1u << (rng() % 8));
        }
        n = parse(&b, 4, 8);
        check_sane(n, 4, 8);
        if ( n > 0 )
            parsed_some++;
        free(b.data);
    }
    /* Flips in strings and values still leave good trees now and then. */
    CHECK(parsed_some > 100);
}

TEST(scheduling_properties)
{
    struct blob b = load_dtb("sched");
    const struct boot_domain *a, *n;
    int cnt;

    cnt = parse(&b, 2, MAX_OUT);
    REQUIRE(cnt == 2);
    a = find(cnt, "s-all");
    n = find(cnt, "s-none");
    REQUIRE(a && n);
    CHECK(a->weight == 512);
    CHECK(a->cap == 150);                       /* 2 vCPUs may use up to 200% */
    CHECK(a->cpu_affinity == ((1ULL << 1) | (1ULL << 2) | (1ULL << 63)));
    /* Absent means defaults, which the scheduler fills in. */
    CHECK(n->weight == 0 && n->cap == 0 && n->cpu_affinity == 0);
    CHECK(log_contains("Boot domain weight-zero: weight 0 out of range (1-65535); skipped"));
    CHECK(log_contains("Boot domain weight-big: weight 65536 out of range (1-65535); skipped"));
    CHECK(log_contains("Boot domain weight-two-cells: weight is not one cell; skipped"));
    CHECK(log_contains("Boot domain cap-over: cap 101% is more than 1 vCPU(s) can use "
                       "(at most 100); skipped"));
    CHECK(log_contains("Boot domain affinity-empty: cpu-affinity must be a non-empty list "
                       "of cells; skipped"));
    CHECK(log_contains("Boot domain affinity-cpu64: cpu-affinity names pCPU 64 (at most 63); "
                       "skipped"));
    CHECK(log_contains("Boot domain affinity-bytes: cpu-affinity must be a non-empty list "
                       "of cells; skipped"));
    free(b.data);
}
