/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ELF loader checks for guest kernels.
 *
 * The image comes from a boot module, so nothing in it is believed until
 * it has been checked: elf_init() bounds-checks the file header, every
 * program header, every section header and the contents of every segment
 * or section that is read later, and refuses overlapping or wrapping
 * segments.  Fields are read byte by byte (little-endian), so a
 * misaligned image neither faults nor trips the sanitizers in host tests.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/elf.h>
#include <public/elfnote.h>

#define EI_NIDENT       16
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define ET_DYN          3

#define EHDR32_SIZE     52
#define EHDR64_SIZE     64
#define PHDR32_SIZE     32
#define PHDR64_SIZE     56
#define SHDR32_SIZE     40
#define SHDR64_SIZE     64
#define NOTE_HDR_SIZE   12      /* namesz, descsz, type */

/* The fields Keel uses, widened to 64 bits whatever the class. */
struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
    uint32_t type;
    uint64_t offset, size, addralign;
};

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
    uint64_t v = 0;

    while ( bytes-- )
        v = (v << 8) | p[bytes];
    return v;
}

static uint16_t get16(const struct elf_image *elf, uint64_t off)
{
    return (uint16_t)get_le(elf->data + off, 2);
}

static uint32_t get32(const struct elf_image *elf, uint64_t off)
{
    return (uint32_t)get_le(elf->data + off, 4);
}

/* A word: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t getw(const struct elf_image *elf, uint64_t off)
{
    return get_le(elf->data + off, elf->is64 ? 8 : 4);
}

/* [off, off + size) lies inside the image (no overflow possible). */
static bool in_image(const struct elf_image *elf, uint64_t off, uint64_t size)
{
    return off <= elf->len && size <= elf->len - off;
}

static void get_phdr(const struct elf_image *elf, unsigned int i, struct phdr *ph)
{
    uint64_t o = elf->phoff + (uint64_t)i * (elf->is64 ? PHDR64_SIZE : PHDR32_SIZE);

    ph->type = get32(elf, o);
    if ( elf->is64 )
    {
        ph->flags = get32(elf, o + 4);
        ph->offset = getw(elf, o + 8);
        ph->vaddr = getw(elf, o + 16);
        ph->paddr = getw(elf, o + 24);
        ph->filesz = getw(elf, o + 32);
        ph->memsz = getw(elf, o + 40);
        ph->align = getw(elf, o + 48);
    }
    else
    {
        ph->offset = getw(elf, o + 4);
        ph->vaddr = getw(elf, o + 8);
        ph->paddr = getw(elf, o + 12);
        ph->filesz = getw(elf, o + 16);
        ph->memsz = getw(elf, o + 20);
        ph->flags = get32(elf, o + 24);
        ph->align = getw(elf, o + 28);
    }
}

static void get_shdr(const struct elf_image *elf, unsigned int i, struct shdr *sh)
{
    uint64_t o = elf->shoff + (uint64_t)i * (elf->is64 ? SHDR64_SIZE : SHDR32_SIZE);

    sh->type = get32(elf, o + 4);
    sh->offset = getw(elf, o + (elf->is64 ? 24 : 16));
    sh->size = getw(elf, o + (elf->is64 ? 32 : 20));
    sh->addralign = getw(elf, o + (elf->is64 ? 48 : 32));
}

static int check_ident(const uint8_t *p, size_t len, char *err, size_t errlen)
{
    if ( len < EI_NIDENT || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F' )
    {
        snprintf(err, errlen, "ELF: no ELF magic (%zu bytes)", len);
        return -ENOEXEC;
    }
    if ( p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64 )
    {
        snprintf(err, errlen, "ELF: unknown class %u", p[EI_CLASS]);
        return -ENOEXEC;
    }
    if ( p[EI_DATA] != ELFDATA2LSB )
    {
        snprintf(err, errlen, "ELF: not little-endian (data encoding %u)", p[EI_DATA]);
        return -ENOEXEC;
    }
    if ( p[EI_VERSION] != EV_CURRENT )
    {
        snprintf(err, errlen, "ELF: unknown version %u", p[EI_VERSION]);
        return -ENOEXEC;
    }
    if ( len < (p[EI_CLASS] == ELFCLASS64 ? EHDR64_SIZE : EHDR32_SIZE) )
    {
        snprintf(err, errlen, "ELF: truncated file header (%zu bytes)", len);
        return -ENOEXEC;
    }
    return 0;
}

static int check_file_header(struct elf_image *elf, char *err, size_t errlen)
{
    unsigned int ehsize, phentsize, shentsize;
    uint16_t type;

    type = get16(elf, 16);
    elf->machine = get16(elf, 18);
    if ( type != ET_EXEC && type != ET_DYN )
    {
        snprintf(err, errlen, "ELF: not an executable (type %u)", type);
        return -ENOEXEC;
    }
    if ( elf->machine != (elf->is64 ? EM_X86_64 : EM_386) )
    {
        snprintf(err, errlen, "ELF: ELF%u for machine %u, not x86", elf->is64 ? 64 : 32,
                 elf->machine);
        return -ENOEXEC;
    }
    if ( get32(elf, 20) != EV_CURRENT )
    {
        snprintf(err, errlen, "ELF: unknown e_version %u", get32(elf, 20));
        return -ENOEXEC;
    }

    elf->entry = getw(elf, 24);
    elf->phoff = getw(elf, elf->is64 ? 32 : 28);
    elf->shoff = getw(elf, elf->is64 ? 40 : 32);
    ehsize = get16(elf, elf->is64 ? 52 : 40);
    phentsize = get16(elf, elf->is64 ? 54 : 42);
    elf->phnum = get16(elf, elf->is64 ? 56 : 44);
    shentsize = get16(elf, elf->is64 ? 58 : 46);
    elf->shnum = get16(elf, elf->is64 ? 60 : 48);

    if ( ehsize < (elf->is64 ? EHDR64_SIZE : EHDR32_SIZE) )
    {
        snprintf(err, errlen, "ELF: file header size %u too small", ehsize);
        return -ENOEXEC;
    }
    if ( elf->phnum == 0 )
    {
        snprintf(err, errlen, "ELF: no program headers");
        return -ENOEXEC;
    }
    if ( elf->phnum > ELF_MAX_PHDRS )
    {
        snprintf(err, errlen, "ELF: %u program headers (at most %u)", elf->phnum,
                 ELF_MAX_PHDRS);
        return -ENOEXEC;
    }
    if ( phentsize != (elf->is64 ? PHDR64_SIZE : PHDR32_SIZE) )
    {
        snprintf(err, errlen, "ELF: program header size %u", phentsize);
        return -ENOEXEC;
    }
    if ( !in_image(elf, elf->phoff, (uint64_t)elf->phnum * phentsize) )
    {
        snprintf(err, errlen, "ELF: program headers at %#lx run past the end (%zu bytes)",
                 (unsigned long)elf->phoff, elf->len);
        return -ENOEXEC;
    }

    /* Extended section numbering (e_shnum 0) is not used by kernels: no sections. */
    if ( elf->shnum == 0 )
        return 0;
    if ( elf->shnum > ELF_MAX_SHDRS )
    {
        snprintf(err, errlen, "ELF: %u section headers (at most %u)", elf->shnum,
                 ELF_MAX_SHDRS);
        return -ENOEXEC;
    }
    if ( shentsize != (elf->is64 ? SHDR64_SIZE : SHDR32_SIZE) )
    {
        snprintf(err, errlen, "ELF: section header size %u", shentsize);
        return -ENOEXEC;
    }
    if ( !in_image(elf, elf->shoff, (uint64_t)elf->shnum * shentsize) )
    {
        snprintf(err, errlen, "ELF: section headers at %#lx run past the end (%zu bytes)",
                 (unsigned long)elf->shoff, elf->len);
        return -ENOEXEC;
    }
    return 0;
}

static int check_segments(struct elf_image *elf, char *err, size_t errlen)
{
    /*
     * A segment must end inside the address space (below 4 GiB for ELF32),
     * so paddr + memsz never wraps in the checks below or in the loader.
     */
    uint64_t addr_limit = elf->is64 ? ~0ULL : 0xffffffffULL;
    struct phdr ph, other;
    unsigned int i, j;

    elf->nr_load = 0;
    elf->load_start = ~0ULL;
    elf->load_end = 0;
    for ( i = 0; i < elf->phnum; i++ )
    {
        get_phdr(elf, i, &ph);
        if ( ph.type == PT_NOTE && !in_image(elf, ph.offset, ph.filesz) )
        {
            snprintf(err, errlen, "ELF: PT_NOTE segment %u runs past the end of the image", i);
            return -ENOEXEC;
        }
        if ( ph.type != PT_LOAD )
            continue;
        if ( ph.filesz > ph.memsz )
        {
            snprintf(err, errlen, "ELF: segment %u has p_filesz %#lx > p_memsz %#lx", i,
                     (unsigned long)ph.filesz, (unsigned long)ph.memsz);
            return -ENOEXEC;
        }
        if ( !in_image(elf, ph.offset, ph.filesz) )
        {
            snprintf(err, errlen, "ELF: segment %u data [%#lx+%#lx) runs past the end "
                     "of the image (%zu bytes)", i, (unsigned long)ph.offset,
                     (unsigned long)ph.filesz, elf->len);
            return -ENOEXEC;
        }
        if ( ph.memsz == 0 )
            continue;
        if ( ph.paddr > addr_limit || ph.memsz > addr_limit - ph.paddr )
        {
            snprintf(err, errlen, "ELF: segment %u at %#lx size %#lx wraps the address space",
                     i, (unsigned long)ph.paddr, (unsigned long)ph.memsz);
            return -ENOEXEC;
        }
        for ( j = 0; j < i; j++ )
        {
            get_phdr(elf, j, &other);
            if ( other.type != PT_LOAD || other.memsz == 0 )
                continue;
            if ( ph.paddr < other.paddr + other.memsz && other.paddr < ph.paddr + ph.memsz )
            {
                snprintf(err, errlen, "ELF: segments %u and %u overlap ([%#lx+%#lx) and "
                         "[%#lx+%#lx))", j, i, (unsigned long)other.paddr,
                         (unsigned long)other.memsz, (unsigned long)ph.paddr,
                         (unsigned long)ph.memsz);
                return -ENOEXEC;
            }
        }
        elf->nr_load++;
        elf->load_start = MIN(elf->load_start, ph.paddr);
        elf->load_end = MAX(elf->load_end, ph.paddr + ph.memsz);
    }
    if ( !elf->nr_load )
    {
        snprintf(err, errlen, "ELF: no loadable segments");
        return -ENOEXEC;
    }
    return 0;
}

static int check_sections(const struct elf_image *elf, char *err, size_t errlen)
{
    struct shdr sh;
    unsigned int i;

    for ( i = 0; i < elf->shnum; i++ )
    {
        get_shdr(elf, i, &sh);
        if ( sh.type == SHT_NOTE && !in_image(elf, sh.offset, sh.size) )
        {
            snprintf(err, errlen, "ELF: note section %u [%#lx+%#lx) runs past the end "
                     "of the image", i, (unsigned long)sh.offset, (unsigned long)sh.size);
            return -ENOEXEC;
        }
    }
    return 0;
}

int elf_init(struct elf_image *elf, const void *data, size_t len, char *err, size_t errlen)
{
    struct elf_image e = { .data = data, .len = len };
    int rc;

    if ( !data )
        len = 0;
    rc = check_ident(data, len, err, errlen);
    if ( rc )
        return rc;
    e.is64 = e.data[EI_CLASS] == ELFCLASS64;
    rc = check_file_header(&e, err, errlen);
    if ( !rc )
        rc = check_segments(&e, err, errlen);
    if ( !rc )
        rc = check_sections(&e, err, errlen);
    if ( rc )
        return rc;
    *elf = e;
    return 0;
}

bool elf_next_load(const struct elf_image *elf, unsigned int *cursor, struct elf_segment *seg)
{
    struct phdr ph;

    while ( *cursor < elf->phnum )
    {
        get_phdr(elf, (*cursor)++, &ph);
        if ( ph.type != PT_LOAD || ph.memsz == 0 )
            continue;
        seg->paddr = ph.paddr;
        seg->vaddr = ph.vaddr;
        seg->offset = ph.offset;
        seg->filesz = ph.filesz;
        seg->memsz = ph.memsz;
        seg->flags = ph.flags;
        return true;
    }
    return false;
}

/* A descriptor that is a string: copy what fits, stopping at the first NUL. */
static void note_string(char *dst, size_t size, const uint8_t *desc, uint64_t descsz)
{
    size_t n = 0;

    while ( n < descsz && n + 1 < size && desc[n] )
    {
        dst[n] = (char)desc[n];
        n++;
    }
    dst[n] = '\0';
}

static int xen_note(uint32_t type, const uint8_t *desc, uint64_t descsz,
                    struct elf_xen_notes *n, char *err, size_t errlen)
{
    uint64_t v;

    n->nr_notes++;
    switch ( type )
    {
    case XEN_ELFNOTE_PHYS32_ENTRY:
        /* Linux emits a pointer-sized value: 8 bytes from a 64-bit build. */
        if ( descsz != 4 && descsz != 8 )
        {
            snprintf(err, errlen, "ELF: XEN_ELFNOTE_PHYS32_ENTRY has a %lu-byte descriptor "
                     "(want 4 or 8)", (unsigned long)descsz);
            return -ENOEXEC;
        }
        v = get_le(desc, (unsigned int)descsz);
        if ( v > 0xffffffffULL )
        {
            snprintf(err, errlen, "ELF: XEN_ELFNOTE_PHYS32_ENTRY %#lx is above 4 GiB",
                     (unsigned long)v);
            return -ENOEXEC;
        }
        if ( n->have_phys32_entry && n->phys32_entry != v )
        {
            snprintf(err, errlen, "ELF: two different XEN_ELFNOTE_PHYS32_ENTRY notes "
                     "(%#x and %#x)", n->phys32_entry, (uint32_t)v);
            return -ENOEXEC;
        }
        n->have_phys32_entry = true;
        n->phys32_entry = (uint32_t)v;
        break;
    case XEN_ELFNOTE_PHYS32_RELOC:
        n->have_phys32_reloc = true;
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /* Informative only: a descriptor of another size is ignored. */
        if ( descsz == 4 || descsz == 8 )
        {
            n->have_supported_features = true;
            n->supported_features = (uint32_t)get_le(desc, 4);
        }
        break;
    case XEN_ELFNOTE_GUEST_OS:
        note_string(n->guest_os, sizeof(n->guest_os), desc, descsz);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        note_string(n->guest_version, sizeof(n->guest_version), desc, descsz);
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        note_string(n->xen_version, sizeof(n->xen_version), desc, descsz);
        break;
    case XEN_ELFNOTE_LOADER:
        note_string(n->loader, sizeof(n->loader), desc, descsz);
        break;
    default:
        /* PV-only and unknown notes mean nothing to a PVH loader. */
        break;
    }
    return 0;
}

/*
 * Walk the notes in [off, off + size) of the image (already known to be
 * inside it).  Names and descriptors are padded to @align (4, or 8 where
 * the container says so).
 */
static int scan_notes(const struct elf_image *elf, uint64_t off, uint64_t size,
                      uint64_t align, const char *what, unsigned int idx,
                      struct elf_xen_notes *n, char *err, size_t errlen)
{
    uint64_t pos = 0;
    int rc;

    align = align == 8 ? 8 : 4;
    while ( size - pos >= NOTE_HDR_SIZE )
    {
        uint64_t namesz = get32(elf, off + pos);
        uint64_t descsz = get32(elf, off + pos + 4);
        uint32_t type = get32(elf, off + pos + 8);
        uint64_t name_at = pos + NOTE_HDR_SIZE;
        uint64_t desc_at, next;

        if ( ROUNDUP(namesz, align) > size - name_at )
            goto overrun;
        desc_at = name_at + ROUNDUP(namesz, align);
        if ( descsz > size - desc_at )
            goto overrun;
        /* The last note's descriptor padding may be missing. */
        next = desc_at + ROUNDUP(descsz, align);
        if ( next > size )
            next = size;

        if ( namesz == sizeof(XEN_ELFNOTE_NAME) &&
             !memcmp(elf->data + off + name_at, XEN_ELFNOTE_NAME, sizeof(XEN_ELFNOTE_NAME)) )
        {
            rc = xen_note(type, elf->data + off + desc_at, descsz, n, err, errlen);
            if ( rc )
                return rc;
        }
        pos = next;
    }
    return 0;

 overrun:
    snprintf(err, errlen, "ELF: note at offset %#lx overruns %s %u",
             (unsigned long)(off + pos), what, idx);
    return -ENOEXEC;
}

int elf_xen_notes(const struct elf_image *elf, struct elf_xen_notes *n, char *err, size_t errlen)
{
    unsigned int i, nr_segments = 0;
    struct phdr ph;
    struct shdr sh;
    int rc;

    memset(n, 0, sizeof(*n));
    for ( i = 0; i < elf->phnum; i++ )
    {
        get_phdr(elf, i, &ph);
        if ( ph.type != PT_NOTE )
            continue;
        nr_segments++;
        rc = scan_notes(elf, ph.offset, ph.filesz, ph.align, "PT_NOTE segment", i, n,
                        err, errlen);
        if ( rc )
            return rc;
    }
    /* Sections are only a fallback: they repeat the segments' notes. */
    if ( nr_segments )
        return 0;
    for ( i = 0; i < elf->shnum; i++ )
    {
        get_shdr(elf, i, &sh);
        if ( sh.type != SHT_NOTE )
            continue;
        rc = scan_notes(elf, sh.offset, sh.size, sh.addralign, "note section", i, n,
                        err, errlen);
        if ( rc )
            return rc;
    }
    return 0;
}

int elf_pvh_entry(const struct elf_xen_notes *n, uint32_t *entry, char *err, size_t errlen)
{
    if ( !n->have_phys32_entry )
    {
        snprintf(err, errlen, "not a PVH kernel: no XEN_ELFNOTE_PHYS32_ENTRY note");
        return -ENOEXEC;
    }
    *entry = n->phys32_entry;
    return 0;
}
