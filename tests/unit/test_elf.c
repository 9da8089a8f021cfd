/* SPDX-License-Identifier: GPL-2.0-only */
/* ELF loader checks (xen/common/elf.c) on crafted ELF32/ELF64 images. */
#include <stdlib.h>
#include <string.h>

#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/elf.h>

#include "harness.h"
#include "elf_image.h"

static uint8_t img[TI_SIZE];
static char err[160];

/* A copy of exactly @len bytes on the heap, so ASan sees any overread. */
static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    if ( p && len )
        memcpy(p, src, len);
    return p;
}

static int init_len(struct elf_image *elf, size_t len)
{
    uint8_t *p = exact_copy(img, len);
    int rc;

    REQUIRE(p);
    err[0] = '\0';
    rc = elf_init(elf, p, len, err, sizeof(err));
    if ( rc == 0 )
    {
        struct elf_xen_notes n;
        int nrc = elf_xen_notes(elf, &n, err, sizeof(err));

        if ( nrc )
            rc = nrc;
    }
    free(p);
    return rc;
}

static void poke_phdr(int is64, unsigned int i, unsigned int field_off64,
                      unsigned int field_off32, uint64_t v)
{
    size_t o = ti_phdr_off(is64, i);

    if ( is64 )
        elf_put(img + o + field_off64, v, field_off64 == 4 ? 4 : 8);
    else
        elf_put(img + o + field_off32, v, 4);
}

#define PH_PADDR(is64, i, v)  poke_phdr(is64, i, 24, 12, v)
#define PH_FILESZ(is64, i, v) poke_phdr(is64, i, 32, 16, v)
#define PH_MEMSZ(is64, i, v)  poke_phdr(is64, i, 40, 20, v)
#define PH_OFFSET(is64, i, v) poke_phdr(is64, i, 8, 4, v)

static void check_standard(int is64, enum ti_entry_form form)
{
    struct elf_image elf;
    struct elf_xen_notes n;
    struct elf_segment seg;
    unsigned int cursor = 0;
    uint32_t entry = 0;

    ti_build(img, is64, form);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf.is64 == !!is64);
    CHECK(elf.machine == (is64 ? EM_X86_64 : EM_386));
    CHECK(elf.nr_load == 2);
    CHECK(elf.load_start == TI_TEXT_PA);
    CHECK(elf.load_end == TI_DATA_PA + 0x3000);

    REQUIRE(elf_next_load(&elf, &cursor, &seg));
    CHECK(seg.paddr == TI_TEXT_PA && seg.offset == 0x1000);
    CHECK(seg.filesz == 0x1000 && seg.memsz == 0x1000);
    CHECK(seg.flags == (PF_R | PF_X));
    REQUIRE(elf_next_load(&elf, &cursor, &seg));
    CHECK(seg.paddr == TI_DATA_PA && seg.offset == 0x2000);
    CHECK(seg.filesz == 0x800 && seg.memsz == 0x3000);
    CHECK(seg.flags == (PF_R | PF_W));
    CHECK(!elf_next_load(&elf, &cursor, &seg));

    REQUIRE(elf_xen_notes(&elf, &n, err, sizeof(err)) == 0);
    CHECK(n.have_phys32_entry);
    CHECK(n.phys32_entry == TI_ENTRY);
    CHECK(strcmp(n.guest_os, "linux") == 0);
    CHECK(strcmp(n.xen_version, "xen-3.0") == 0);
    CHECK(strcmp(n.loader, "generic") == 0);
    CHECK(n.have_supported_features && n.supported_features == 0x8801);
    CHECK(!n.have_phys32_reloc);
    CHECK(n.nr_notes == 5);                 /* the GNU note is not counted */
    CHECK(elf_pvh_entry(&n, &entry, err, sizeof(err)) == 0);
    CHECK(entry == TI_ENTRY);
}

TEST(elf64_entry_8_bytes)
{
    check_standard(1, TI_ENTRY_8);
}

TEST(elf64_entry_4_bytes)
{
    check_standard(1, TI_ENTRY_4);
}

TEST(elf32_entry_4_bytes)
{
    check_standard(0, TI_ENTRY_4);
}

TEST(elf32_entry_8_bytes)
{
    check_standard(0, TI_ENTRY_8);
}

TEST(missing_phys32_note_is_not_pvh)
{
    struct elf_image elf;
    struct elf_xen_notes n;
    uint32_t entry = 0x1234;

    ti_build(img, 1, TI_ENTRY_NONE);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    REQUIRE(elf_xen_notes(&elf, &n, err, sizeof(err)) == 0);
    CHECK(!n.have_phys32_entry);
    CHECK(strcmp(n.guest_os, "linux") == 0);
    CHECK(elf_pvh_entry(&n, &entry, err, sizeof(err)) == -ENOEXEC);
    CHECK(strcmp(err, "not a PVH kernel: no XEN_ELFNOTE_PHYS32_ENTRY note") == 0);
    CHECK(entry == 0x1234);
}

TEST(notes_from_sections_when_no_pt_note)
{
    struct elf_image elf;
    struct elf_xen_notes n;

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + ti_phdr_off(1, 2), 0, 4);         /* PT_NOTE -> PT_NULL */
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    REQUIRE(elf_xen_notes(&elf, &n, err, sizeof(err)) == 0);
    CHECK(n.have_phys32_entry && n.phys32_entry == TI_ENTRY);

    /* No note section either: no notes at all. */
    elf_put(img + TI_SHOFF + 64 + 4, 1, 4);         /* SHT_NOTE -> SHT_PROGBITS */
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    REQUIRE(elf_xen_notes(&elf, &n, err, sizeof(err)) == 0);
    CHECK(!n.have_phys32_entry && n.nr_notes == 0);
}

/* Rebuild the standard image with a custom last note. */
static void build_with_note(uint32_t type, const void *desc, uint32_t descsz)
{
    struct ti_spec s;
    size_t len;

    memset(img, 0, sizeof(img));
    len = ti_standard_notes(img + TI_NOTES_OFF, TI_ENTRY_NONE, 0);
    len += ti_note(img + TI_NOTES_OFF + len, "Xen", type, desc, descsz);
    ti_spec_standard(&s, 1, len);
    ti_headers(img, TI_SHOFF, &s);
    ti_fill_payload(img);
}

TEST(phys32_entry_bad_size)
{
    struct elf_image elf;
    struct elf_xen_notes n;
    uint8_t desc[6] = { 0x40, 0, 0x10, 0, 0, 0 };

    build_with_note(18, desc, 6);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "6-byte descriptor") != NULL);

    build_with_note(18, desc, 2);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "2-byte descriptor") != NULL);
}

TEST(phys32_entry_above_4g)
{
    struct elf_image elf;
    struct elf_xen_notes n;
    uint64_t e = 0x100000040ULL;

    build_with_note(18, &e, 8);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "above 4 GiB") != NULL);
}

TEST(conflicting_phys32_entries)
{
    struct elf_image elf;
    struct elf_xen_notes n;
    uint32_t e1 = 0x100040, e2 = 0x100080;
    struct ti_spec s;
    size_t len = 0;

    memset(img, 0, sizeof(img));
    len += ti_note(img + TI_NOTES_OFF + len, "Xen", 18, &e1, 4);
    len += ti_note(img + TI_NOTES_OFF + len, "Xen", 18, &e1, 4);    /* repeat: fine */
    ti_spec_standard(&s, 1, len);
    ti_headers(img, TI_SHOFF, &s);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == 0);

    len += ti_note(img + TI_NOTES_OFF + len, "Xen", 18, &e2, 4);
    ti_spec_standard(&s, 1, len);
    ti_headers(img, TI_SHOFF, &s);
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "two different") != NULL);
}

TEST(long_string_note_truncated)
{
    struct elf_image elf;
    struct elf_xen_notes n;
    char name[100];

    memset(name, 'a', sizeof(name));          /* not even NUL-terminated */
    build_with_note(6, name, sizeof(name));
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    REQUIRE(elf_xen_notes(&elf, &n, err, sizeof(err)) == 0);
    CHECK(strlen(n.guest_os) == sizeof(n.guest_os) - 1);
    CHECK(n.guest_os[0] == 'a');
}

TEST(note_overruns_segment)
{
    struct elf_image elf;
    struct elf_xen_notes n;

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + TI_NOTES_OFF, 0x10000, 4);         /* first note's namesz */
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "overruns PT_NOTE segment 2") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + TI_NOTES_OFF + 4, 0xffffffff, 4);  /* first note's descsz */
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    CHECK(elf_xen_notes(&elf, &n, err, sizeof(err)) == -ENOEXEC);
}

TEST(truncated_images)
{
    struct elf_image elf;

    ti_build(img, 1, TI_ENTRY_8);
    CHECK(init_len(&elf, 0) == -ENOEXEC);
    CHECK(strstr(err, "no ELF magic") != NULL);
    CHECK(init_len(&elf, 10) == -ENOEXEC);
    CHECK(init_len(&elf, 63) == -ENOEXEC);
    CHECK(strstr(err, "truncated file header") != NULL);
    CHECK(init_len(&elf, 100) == -ENOEXEC);
    CHECK(strstr(err, "program headers") != NULL);
    CHECK(init_len(&elf, 0x1800) == -ENOEXEC);
    CHECK(strstr(err, "segment 0 data") != NULL);
    CHECK(init_len(&elf, 0x2400) == -ENOEXEC);
    CHECK(strstr(err, "segment 1 data") != NULL);
    CHECK(init_len(&elf, TI_SIZE) == 0);

    ti_build(img, 0, TI_ENTRY_4);
    CHECK(init_len(&elf, 51) == -ENOEXEC);
    CHECK(init_len(&elf, 0x27ff) == -ENOEXEC);
    CHECK(init_len(&elf, TI_SIZE) == 0);

    CHECK(elf_init(&elf, NULL, 100, err, sizeof(err)) == -ENOEXEC);
}

TEST(bad_identification)
{
    struct elf_image elf;

    ti_build(img, 1, TI_ENTRY_8);
    img[1] = 'e';
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "no ELF magic") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    img[4] = 3;
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "class") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    img[5] = 2;
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "little-endian") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 18, EM_386, 2);               /* ELF64 for i386 */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "not x86") != NULL);

    ti_build(img, 0, TI_ENTRY_4);
    elf_put(img + 18, 40, 2);                   /* ARM */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 16, 1, 2);                    /* ET_REL */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "not an executable") != NULL);
}

TEST(bad_header_tables)
{
    struct elf_image elf;

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 54, 32, 2);                   /* e_phentsize */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "program header size") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 56, 0, 2);                    /* e_phnum */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "no program headers") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 56, 0xffff, 2);
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "65535 program headers") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 32, 0xfffffffffffffff0ULL, 8); /* e_phoff wraps */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 40, TI_SIZE - 10, 8);         /* e_shoff past the end */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "section headers") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 60, 5000, 2);                 /* e_shnum absurd */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + 58, 40, 2);                   /* e_shentsize */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);

    ti_build(img, 1, TI_ENTRY_8);
    elf_put(img + TI_SHOFF + 64 + 32, 0x5000, 8); /* note section size past the end */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "note section 1") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    PH_OFFSET(1, 2, TI_SIZE);                   /* PT_NOTE data past the end */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "PT_NOTE segment 2") != NULL);
}

TEST(bad_segments)
{
    struct elf_image elf;

    ti_build(img, 1, TI_ENTRY_8);
    PH_FILESZ(1, 1, 0x3001);
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "p_filesz") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    PH_PADDR(1, 1, TI_TEXT_PA + 0xfff);         /* data starts inside text */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "segments 0 and 1 overlap") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    PH_PADDR(1, 1, TI_TEXT_PA - 0x2000);        /* data's bss runs into text */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "overlap") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    PH_PADDR(1, 1, TI_TEXT_PA - 0x3000);        /* touching is fine */
    CHECK(init_len(&elf, TI_SIZE) == 0);

    ti_build(img, 1, TI_ENTRY_8);
    PH_PADDR(1, 1, 0xfffffffffffff000ULL);
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "wraps") != NULL);

    ti_build(img, 0, TI_ENTRY_4);
    PH_PADDR(0, 1, 0xfffff000U);                /* ELF32: past 4 GiB */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "wraps") != NULL);

    ti_build(img, 1, TI_ENTRY_8);
    PH_OFFSET(1, 0, 0xfffffffffffff800ULL);     /* offset + filesz wraps */
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);

    /* Only empty loads: nothing to run. */
    ti_build(img, 1, TI_ENTRY_8);
    PH_FILESZ(1, 0, 0);
    PH_MEMSZ(1, 0, 0);
    PH_FILESZ(1, 1, 0);
    PH_MEMSZ(1, 1, 0);
    CHECK(init_len(&elf, TI_SIZE) == -ENOEXEC);
    CHECK(strstr(err, "no loadable segments") != NULL);
}

TEST(empty_load_segment_is_skipped)
{
    struct elf_image elf;
    struct elf_segment seg;
    unsigned int cursor = 0, count = 0;

    ti_build(img, 1, TI_ENTRY_8);
    PH_FILESZ(1, 0, 0);
    PH_MEMSZ(1, 0, 0);
    PH_PADDR(1, 0, TI_DATA_PA);                 /* would overlap if it counted */
    REQUIRE(elf_init(&elf, img, sizeof(img), err, sizeof(err)) == 0);
    while ( elf_next_load(&elf, &cursor, &seg) )
        count++;
    CHECK(count == 1 && elf.nr_load == 1);
    CHECK(elf.load_start == TI_DATA_PA);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(garbage_is_rejected)
{
    struct elf_image elf;
    unsigned int i, j;

    rng_state = 0x1234567887654321ULL;
    for ( i = 0; i < 2000; i++ )
    {
        for ( j = 0; j < 256; j++ )
            img[j] = (uint8_t)rng();
        if ( i & 1 )
            memcpy(img, "\x7f" "ELF\x02\x01\x01", 7);
        CHECK(init_len(&elf, 64 + (size_t)(rng() % 192)) == -ENOEXEC);
        CHECK(err[0] != '\0');
    }
}

/*
 * Mutate good images at random (fixed seed) and truncate them: whatever
 * elf_init accepts must describe segments inside the image that do not
 * overlap, and nothing may read outside the buffer (ASan checks that).
 */
TEST(fuzz_fixed_seed)
{
    static uint8_t base[2][TI_SIZE];
    unsigned int iter, k, accepted = 0;

    ti_build(base[0], 1, TI_ENTRY_8);
    ti_build(base[1], 0, TI_ENTRY_4);
    rng_state = 0x9e3779b97f4a7c15ULL;
    for ( iter = 0; iter < 30000; iter++ )
    {
        const uint8_t *src = base[iter & 1];
        size_t len = TI_SIZE;
        unsigned int flips = 1 + (unsigned int)(rng() % 8);
        struct elf_image elf;
        struct elf_xen_notes n;
        struct elf_segment seg, prev[ELF_MAX_PHDRS];
        unsigned int cursor = 0, nseg = 0;
        uint8_t *p;

        memcpy(img, src, TI_SIZE);
        for ( k = 0; k < flips; k++ )
        {
            /* Mostly the headers and notes, where the parser looks. */
            size_t at = (rng() & 3) ? rng() % 0x600 : TI_SHOFF + rng() % 0x80;

            img[at] = (rng() & 1) ? (uint8_t)rng() : img[at] ^ (uint8_t)(1u << (rng() % 8));
        }
        if ( (rng() % 4) == 0 )
            len = rng() % TI_SIZE;
        p = exact_copy(img, len);
        REQUIRE(p);
        if ( elf_init(&elf, p, len, err, sizeof(err)) == 0 )
        {
            accepted++;
            while ( elf_next_load(&elf, &cursor, &seg) )
            {
                CHECK(seg.filesz <= seg.memsz);
                CHECK(seg.offset <= len && seg.filesz <= len - seg.offset);
                CHECK(seg.paddr + seg.memsz > seg.paddr);
                for ( k = 0; k < nseg; k++ )
                    CHECK(seg.paddr >= prev[k].paddr + prev[k].memsz ||
                          prev[k].paddr >= seg.paddr + seg.memsz);
                if ( nseg < ELF_MAX_PHDRS )
                    prev[nseg++] = seg;
            }
            CHECK(nseg == elf.nr_load);
            if ( elf_xen_notes(&elf, &n, err, sizeof(err)) == 0 )
                CHECK(strlen(n.guest_os) < sizeof(n.guest_os));
            else
                CHECK(err[0] != '\0');
        }
        else
            CHECK(err[0] != '\0');
        free(p);
    }
    /* The mutations must not be so wild that nothing gets through. */
    CHECK(accepted > 1000);
}
