/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builds small ELF32/ELF64 kernel images in memory for the ELF loader and
 * PVH builder tests.  Fields are written little-endian byte by byte, so a
 * test can also poke any header field afterwards (elf_put).
 */
#ifndef KEEL_TEST_ELF_IMAGE_H
#define KEEL_TEST_ELF_IMAGE_H

#include <stdint.h>
#include <string.h>

#define TI_MAX_SEGS  8
#define TI_MAX_SECS  4
#define TI_NOTE_MAX  512

struct ti_seg {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct ti_sec {
    uint32_t type;
    uint64_t offset, size, addralign;
};

struct ti_spec {
    int is64;
    unsigned int nr_segs, nr_secs;
    struct ti_seg seg[TI_MAX_SEGS];
    struct ti_sec sec[TI_MAX_SECS];
};

static inline void elf_put(uint8_t *p, uint64_t v, unsigned int bytes)
{
    for ( unsigned int i = 0; i < bytes; i++ )
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t elf_get(const uint8_t *p, unsigned int bytes)
{
    uint64_t v = 0;

    while ( bytes-- )
        v = (v << 8) | p[bytes];
    return v;
}

/* Append one note (4-byte padded) at @p; returns the bytes used. */
static inline size_t ti_note(uint8_t *p, const char *name, uint32_t type,
                             const void *desc, uint32_t descsz)
{
    uint32_t namesz = (uint32_t)strlen(name) + 1;
    size_t n = 12;

    elf_put(p, namesz, 4);
    elf_put(p + 4, descsz, 4);
    elf_put(p + 8, type, 4);
    memset(p + n, 0, (namesz + 3) & ~3U);
    memcpy(p + n, name, namesz);
    n += (namesz + 3) & ~3U;
    memset(p + n, 0, (descsz + 3) & ~3U);
    memcpy(p + n, desc, descsz);
    n += (descsz + 3) & ~3U;
    return n;
}

/* Program header offset of entry @i. */
static inline size_t ti_phdr_off(int is64, unsigned int i)
{
    return (is64 ? 64 : 52) + i * (is64 ? 56 : 32);
}

/* Write the file header, program headers and section headers into @buf. */
static inline void ti_headers(uint8_t *buf, size_t shoff, const struct ti_spec *s)
{
    int w = s->is64 ? 8 : 4;
    size_t o;

    memset(buf, 0, s->is64 ? 64 : 52);
    memcpy(buf, "\x7f" "ELF", 4);
    buf[4] = s->is64 ? 2 : 1;
    buf[5] = 1;
    buf[6] = 1;
    elf_put(buf + 16, 2, 2);                        /* ET_EXEC */
    elf_put(buf + 18, s->is64 ? 62 : 3, 2);
    elf_put(buf + 20, 1, 4);
    elf_put(buf + 24, 0xdead0000, w);               /* e_entry: unused for PVH */
    elf_put(buf + (s->is64 ? 32 : 28), ti_phdr_off(s->is64, 0), w);
    elf_put(buf + (s->is64 ? 40 : 32), s->nr_secs ? shoff : 0, w);
    elf_put(buf + (s->is64 ? 52 : 40), s->is64 ? 64 : 52, 2);
    elf_put(buf + (s->is64 ? 54 : 42), s->is64 ? 56 : 32, 2);
    elf_put(buf + (s->is64 ? 56 : 44), s->nr_segs, 2);
    elf_put(buf + (s->is64 ? 58 : 46), s->is64 ? 64 : 40, 2);
    elf_put(buf + (s->is64 ? 60 : 48), s->nr_secs, 2);

    for ( unsigned int i = 0; i < s->nr_segs; i++ )
    {
        const struct ti_seg *g = &s->seg[i];

        o = ti_phdr_off(s->is64, i);
        elf_put(buf + o, g->type, 4);
        if ( s->is64 )
        {
            elf_put(buf + o + 4, g->flags, 4);
            elf_put(buf + o + 8, g->offset, 8);
            elf_put(buf + o + 16, g->vaddr, 8);
            elf_put(buf + o + 24, g->paddr, 8);
            elf_put(buf + o + 32, g->filesz, 8);
            elf_put(buf + o + 40, g->memsz, 8);
            elf_put(buf + o + 48, g->align, 8);
        }
        else
        {
            elf_put(buf + o + 4, g->offset, 4);
            elf_put(buf + o + 8, g->vaddr, 4);
            elf_put(buf + o + 12, g->paddr, 4);
            elf_put(buf + o + 16, g->filesz, 4);
            elf_put(buf + o + 20, g->memsz, 4);
            elf_put(buf + o + 24, g->flags, 4);
            elf_put(buf + o + 28, g->align, 4);
        }
    }
    for ( unsigned int i = 0; i < s->nr_secs; i++ )
    {
        const struct ti_sec *c = &s->sec[i];

        o = shoff + i * (s->is64 ? 64 : 40);
        memset(buf + o, 0, s->is64 ? 64 : 40);
        elf_put(buf + o + 4, c->type, 4);
        elf_put(buf + o + (s->is64 ? 24 : 16), c->offset, w);
        elf_put(buf + o + (s->is64 ? 32 : 20), c->size, w);
        elf_put(buf + o + (s->is64 ? 48 : 32), c->addralign, w);
    }
}

/*
 * The standard test kernel, TI_SIZE bytes:
 *   0x0000  headers
 *   0x0400  notes (PT_NOTE segment and SHT_NOTE section)
 *   0x0e00  section headers
 *   0x1000  text: 0x1000 bytes at paddr 0x100000 (R X), entry at +0x40
 *   0x2000  data: 0x800 bytes at paddr 0x102000, memsz 0x3000 (R W)
 * Text bytes are (i * 7 + 1), data bytes (i * 13 + 5), both & 0xff.
 */
#define TI_SIZE         0x3000
#define TI_NOTES_OFF    0x400
#define TI_SHOFF        0xe00
#define TI_TEXT_PA      0x100000ULL
#define TI_DATA_PA      0x102000ULL
#define TI_ENTRY        (TI_TEXT_PA + 0x40)

enum ti_entry_form { TI_ENTRY_NONE, TI_ENTRY_4, TI_ENTRY_8 };

static inline size_t ti_standard_notes(uint8_t *p, enum ti_entry_form form, uint64_t entry)
{
    uint32_t features = 0x8801, e32 = (uint32_t)entry;
    size_t n = 0;

    n += ti_note(p + n, "Xen", 6, "linux", 6);              /* GUEST_OS */
    n += ti_note(p + n, "GNU", 3, "\x01\x02\x03\x04", 4);   /* someone else's note */
    n += ti_note(p + n, "Xen", 5, "xen-3.0", 8);            /* XEN_VERSION */
    n += ti_note(p + n, "Xen", 8, "generic", 8);            /* LOADER */
    n += ti_note(p + n, "Xen", 17, &features, 4);           /* SUPPORTED_FEATURES */
    if ( form == TI_ENTRY_4 )
        n += ti_note(p + n, "Xen", 18, &e32, 4);
    else if ( form == TI_ENTRY_8 )
        n += ti_note(p + n, "Xen", 18, &entry, 8);
    return n;
}

static inline void ti_spec_standard(struct ti_spec *s, int is64, size_t notes_len)
{
    memset(s, 0, sizeof(*s));
    s->is64 = is64;
    s->nr_segs = 3;
    /* Text is linked high, as a kernel's is: the loader must use p_paddr. */
    s->seg[0] = (struct ti_seg){ 1, 5, 0x1000, is64 ? 0xffffffff81000000ULL : 0xc1000000ULL,
                                 TI_TEXT_PA, 0x1000, 0x1000, 0x1000 };
    s->seg[1] = (struct ti_seg){ 1, 6, 0x2000, 0, TI_DATA_PA, 0x800, 0x3000, 0x1000 };
    s->seg[2] = (struct ti_seg){ 4, 4, TI_NOTES_OFF, 0, 0, notes_len, notes_len, 4 };
    s->nr_secs = 2;
    s->sec[0] = (struct ti_sec){ 0, 0, 0, 0 };
    s->sec[1] = (struct ti_sec){ 7, TI_NOTES_OFF, notes_len, 4 };
}

static inline void ti_fill_payload(uint8_t *buf)
{
    for ( size_t i = 0; i < 0x1000; i++ )
        buf[0x1000 + i] = (uint8_t)(i * 7 + 1);
    for ( size_t i = 0; i < 0x800; i++ )
        buf[0x2000 + i] = (uint8_t)(i * 13 + 5);
}

/* Build the standard kernel into @buf (TI_SIZE bytes). */
static inline void ti_build(uint8_t *buf, int is64, enum ti_entry_form form)
{
    struct ti_spec s;
    size_t notes_len;

    memset(buf, 0, TI_SIZE);
    notes_len = ti_standard_notes(buf + TI_NOTES_OFF, form, TI_ENTRY);
    ti_spec_standard(&s, is64, notes_len);
    ti_headers(buf, TI_SHOFF, &s);
    ti_fill_payload(buf);
}

#endif
