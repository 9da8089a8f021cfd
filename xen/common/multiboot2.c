/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiboot2 boot information parser.
 *
 * The information block is written by the boot loader and is checked
 * before it is believed: every tag must lie inside the block, be at least
 * as large as its fixed part, and strings must end inside their tag.
 * Fields are read with memcpy() so a misaligned block cannot fault or
 * trip the sanitizers in host tests.
 */
#include <keel/lib.h>
#include <keel/unaligned.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>

/* Tag types, from the multiboot2 specification. */
#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_LOADER_NAME     2
#define MB2_TAG_MODULE          3
#define MB2_TAG_BASIC_MEMINFO   4
#define MB2_TAG_BOOTDEV         5
#define MB2_TAG_MMAP            6
#define MB2_TAG_VBE             7
#define MB2_TAG_FRAMEBUFFER     8
#define MB2_TAG_ELF_SECTIONS    9
#define MB2_TAG_APM             10
#define MB2_TAG_EFI32           11
#define MB2_TAG_EFI64           12
#define MB2_TAG_SMBIOS          13
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15
#define MB2_TAG_NETWORK         16
#define MB2_TAG_EFI_MMAP        17
#define MB2_TAG_EFI_BS          18
#define MB2_TAG_EFI32_IH        19
#define MB2_TAG_EFI64_IH        20
#define MB2_TAG_LOAD_BASE_ADDR  21

#define MB2_TAG_HDR     8       /* u32 type, u32 size */
#define MB2_INFO_HDR    8       /* u32 total_size, u32 reserved */
#define MB2_MMAP_ENTRY  24      /* u64 base, u64 length, u32 type, u32 reserved */
#define RSDP_V1_LEN     20
#define RSDP_V2_LEN     36

/*
 * Smallest legal size of each tag, header included.  Ignored tags are
 * checked too: a loader that gets them wrong is not to be trusted with
 * the rest.  String tags need room for at least the terminating NUL.
 */
static uint32_t tag_min_size(uint32_t type)
{
    switch ( type )
    {
    case MB2_TAG_END:            return 8;
    case MB2_TAG_CMDLINE:        return 9;
    case MB2_TAG_LOADER_NAME:    return 9;
    case MB2_TAG_MODULE:         return 17;   /* start, end, string */
    case MB2_TAG_BASIC_MEMINFO:  return 16;
    case MB2_TAG_BOOTDEV:        return 20;
    case MB2_TAG_MMAP:           return 16;   /* entry_size, entry_version */
    case MB2_TAG_VBE:            return 16;
    case MB2_TAG_FRAMEBUFFER:    return 31;   /* common part */
    case MB2_TAG_ELF_SECTIONS:   return 16;
    case MB2_TAG_APM:            return 28;
    case MB2_TAG_EFI32:          return 12;
    case MB2_TAG_EFI64:          return 16;
    case MB2_TAG_SMBIOS:         return 16;
    case MB2_TAG_ACPI_OLD:       return 8 + RSDP_V1_LEN;
    case MB2_TAG_ACPI_NEW:       return 8 + RSDP_V2_LEN;
    case MB2_TAG_EFI_MMAP:       return 16;
    case MB2_TAG_EFI32_IH:       return 12;
    case MB2_TAG_EFI64_IH:       return 16;
    case MB2_TAG_LOAD_BASE_ADDR: return 12;
    default:                     return 8;    /* unknown: header only */
    }
}

struct mb2_ctx {
    const uint8_t *base;
    uint32_t total;
    struct boot_info *bi;
    char *err;
    size_t errlen;
};

static int fail(struct mb2_ctx *c, int rc, const char *fmt, ...) __printf(3, 4);
static int fail(struct mb2_ctx *c, int rc, const char *fmt, ...)
{
    va_list ap;

    if ( c->err && c->errlen )
    {
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* A string starting @at bytes into the tag must end before the tag does. */
static const char *tag_string(const uint8_t *tag, uint32_t size, uint32_t at)
{
    const char *s = (const char *)tag + at;

    if ( strnlen(s, size - at) == size - at )
        return NULL;
    return s;
}

static int parse_mmap(struct mb2_ctx *c, const uint8_t *tag, uint32_t off,
                      uint32_t size)
{
    uint32_t esize = get_unaligned_le32(tag + 8);
    uint32_t n, i;
    struct e820map *m = &c->bi->memmap;

    if ( esize < MB2_MMAP_ENTRY )
        return fail(c, -EINVAL,
                    "multiboot2: mmap tag at offset %#x has entry size %u (< %u)",
                    off, esize, MB2_MMAP_ENTRY);

    /* Trailing bytes that cannot hold a whole entry are ignored. */
    n = (size - 16) / esize;
    if ( n > E820MAX )
        return fail(c, -E2BIG,
                    "multiboot2: mmap tag at offset %#x has %u entries (max %u)",
                    off, n, E820MAX);

    /* A later map tag replaces an earlier one rather than mixing. */
    for ( i = 0; i < n; i++ )
    {
        const uint8_t *e = tag + 16 + (size_t)i * esize;

        m->map[i].addr = get_unaligned_le64(e);
        m->map[i].size = get_unaligned_le64(e + 8);
        m->map[i].type = get_unaligned_le32(e + 16);
    }
    m->nr_map = n;
    c->bi->have_mmap = true;
    return 0;
}

static int parse_tag(struct mb2_ctx *c, uint32_t type, const uint8_t *tag,
                     uint32_t off, uint32_t size)
{
    struct boot_info *bi = c->bi;
    const char *s;

    switch ( type )
    {
    case MB2_TAG_CMDLINE:
    case MB2_TAG_LOADER_NAME:
        s = tag_string(tag, size, 8);
        if ( !s )
            return fail(c, -EINVAL,
                        "multiboot2: tag %u at offset %#x: string not terminated",
                        type, off);
        if ( type == MB2_TAG_CMDLINE )
            bi->cmdline = s;
        else
            bi->loader = s;
        return 0;

    case MB2_TAG_MODULE:
    {
        uint32_t start = get_unaligned_le32(tag + 8), end = get_unaligned_le32(tag + 12);
        struct boot_module *mod;

        s = tag_string(tag, size, 16);
        if ( !s )
            return fail(c, -EINVAL,
                        "multiboot2: tag 3 at offset %#x: module string not terminated",
                        off);
        if ( end < start )
            return fail(c, -EINVAL,
                        "multiboot2: tag 3 at offset %#x: module end %#x below start %#x",
                        off, end, start);
        if ( bi->nr_modules >= MAX_BOOT_MODULES )
            return fail(c, -E2BIG,
                        "multiboot2: tag 3 at offset %#x: more than %u modules",
                        off, MAX_BOOT_MODULES);
        mod = &bi->modules[bi->nr_modules++];
        mod->start = start;
        mod->end = end;
        mod->string = s;
        return 0;
    }

    case MB2_TAG_BASIC_MEMINFO:
        bi->mem_lower_kb = get_unaligned_le32(tag + 8);
        bi->mem_upper_kb = get_unaligned_le32(tag + 12);
        bi->have_basic_meminfo = true;
        return 0;

    case MB2_TAG_MMAP:
        return parse_mmap(c, tag, off, size);

    case MB2_TAG_FRAMEBUFFER:
        bi->saw_framebuffer = true;
        return 0;

    case MB2_TAG_ACPI_OLD:
        /* The ACPI 2.0+ RSDP wins whichever order the tags come in. */
        if ( bi->rsdp && bi->rsdp_revision >= 2 )
            return 0;
        bi->rsdp = tag + 8;
        bi->rsdp_len = size - 8;
        bi->rsdp_revision = 0;
        return 0;

    case MB2_TAG_ACPI_NEW:
        bi->rsdp = tag + 8;
        bi->rsdp_len = size - 8;
        bi->rsdp_revision = 2;
        return 0;

    case MB2_TAG_EFI32:
    case MB2_TAG_EFI64:
    case MB2_TAG_EFI_MMAP:
    case MB2_TAG_EFI_BS:
    case MB2_TAG_EFI32_IH:
    case MB2_TAG_EFI64_IH:
        bi->saw_efi = true;
        return 0;

    default:
        /* Boot device, ELF sections, APM, network, ...: not needed. */
        return 0;
    }
}

int mb2_parse(const void *mbi, size_t avail, struct boot_info *bi,
              char *err, size_t errlen)
{
    struct mb2_ctx c = { mbi, 0, bi, err, errlen };
    uint64_t off;
    uint32_t size = 0;
    int rc;

    if ( err && errlen )
        err[0] = '\0';

    memset(bi, 0, sizeof(*bi));
    bi->loader = "";
    bi->cmdline = "";

    if ( !mbi )
        return fail(&c, -EINVAL, "multiboot2: no information block");
    if ( avail < MB2_INFO_HDR )
        return fail(&c, -EINVAL,
                    "multiboot2: only %#zx bytes available, need at least 0x8",
                    avail);

    c.total = get_unaligned_le32(c.base);
    if ( c.total < MB2_INFO_HDR + MB2_TAG_HDR )
        return fail(&c, -EINVAL,
                    "multiboot2: total size %#x too small for an end tag",
                    c.total);
    if ( c.total > avail )
        return fail(&c, -EINVAL,
                    "multiboot2: total size %#x larger than the %#zx bytes available",
                    c.total, avail);

    /*
     * Offsets are 64-bit so rounding up past a 4 GiB total cannot wrap
     * around into an endless walk.
     */
    for ( off = MB2_INFO_HDR; ; off = ROUNDUP(off + size, 8) )
    {
        const uint8_t *tag;
        uint32_t type;

        if ( off + MB2_TAG_HDR > c.total )
            return fail(&c, -EINVAL,
                        "multiboot2: no end tag within the info block (total %#x)",
                        c.total);

        tag = c.base + off;
        type = get_unaligned_le32(tag);
        size = get_unaligned_le32(tag + 4);

        if ( size < MB2_TAG_HDR )
            return fail(&c, -EINVAL,
                        "multiboot2: tag %u at offset %#x has size %#x (< 8)",
                        type, (unsigned int)off, size);
        if ( off + size > c.total )
            return fail(&c, -EINVAL,
                        "multiboot2: tag %u at offset %#x overruns the info block (size %#x, total %#x)",
                        type, (unsigned int)off, size, c.total);
        if ( size < tag_min_size(type) )
            return fail(&c, -EINVAL,
                        "multiboot2: tag %u at offset %#x too short (size %#x, need %#x)",
                        type, (unsigned int)off, size, tag_min_size(type));

        if ( type == MB2_TAG_END )
            return 0;

        rc = parse_tag(&c, type, tag, (uint32_t)off, size);
        if ( rc )
            return rc;
    }
}
