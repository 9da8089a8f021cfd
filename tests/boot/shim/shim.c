/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test boot loader that lies.  GRUB boots this shim by multiboot2 with
 * the hypervisor ELF as module 0; the shim loads the hypervisor the way a
 * loader would, then hands it a multiboot2 information block broken in the
 * way the scenario (first word of the shim's command line) asks for:
 *
 *   good        a correct block: proves the shim itself works
 *   overlap     a module whose range overlaps the hypervisor image
 *   empty-mmap  an mmap tag with no entries and no basic meminfo tag
 *   truncated   a tag whose size runs past the block's total_size
 *
 * The rest of the shim's command line becomes the hypervisor's.  Progress
 * goes to COM1 prefixed "shim: " so a failing test's log says where it
 * stopped.  If the shim itself cannot go on it says so and, when the
 * command line asks for test-exit, leaves QEMU through isa-debug-exit
 * with SHIM_EXIT_FAIL, so a broken shim never looks like a hung hypervisor.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdnoreturn.h>

#define MB2_BOOTLOADER_MAGIC    0x36d76289u

#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_LOADER_NAME     2
#define MB2_TAG_MODULE          3
#define MB2_TAG_BASIC_MEMINFO   4
#define MB2_TAG_MMAP            6
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15

#define MB2_MMAP_ENTRY          24

#define COM1                    0x3f8
#define DEBUG_EXIT_PORT         0xf4
/* Distinct from the hypervisor's 0 (pass), 1 (fail) and 2 (panic). */
#define SHIM_EXIT_FAIL          3

#define MAX_MMAP                128
#define MAX_RSDP                64      /* an ACPI 2.0 RSDP is 36 bytes */

extern char __shim_start[], __shim_end[];
noreturn void enter_keel(uint32_t entry, uint32_t magic, uint32_t info);
noreturn void shim_main(uint32_t magic, uint32_t info);

/* The compiler may emit calls to these even when freestanding. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while ( n-- )
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    if ( d <= s )
        return memcpy(dst, src, n);
    while ( n-- )
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;

    while ( n-- )
        *d++ = (uint8_t)c;
    return dst;
}

static size_t strlen(const char *s)
{
    size_t n = 0;

    while ( s[n] )
        n++;
    return n;
}

static bool streq(const char *a, const char *b)
{
    while ( *a && *a == *b )
        a++, b++;
    return *a == *b;
}

/* ---- COM1 ---- */

static inline void outb(uint8_t v, uint16_t port)
{
    __asm__ volatile ("outb %0, %1" : : "a" (v), "Nd" (port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile ("inb %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}

static void serial_init(void)
{
    /* GRUB set COM1 up already, but do not depend on it: 115200 8n1. */
    outb(0x00, COM1 + 1);               /* no interrupts */
    outb(0x80, COM1 + 3);               /* DLAB */
    outb(0x01, COM1 + 0);               /* divisor 1 */
    outb(0x00, COM1 + 1);
    outb(0x03, COM1 + 3);               /* 8n1 */
    outb(0x07, COM1 + 2);               /* FIFOs on and cleared */
}

static void putc_raw(char c)
{
    unsigned int i;

    /* Bounded wait: a missing UART must not hang the shim. */
    for ( i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++ )
        ;
    outb((uint8_t)c, COM1);
}

static void puts_raw(const char *s)
{
    for ( ; *s; s++ )
    {
        if ( *s == '\n' )
            putc_raw('\r');
        putc_raw(*s);
    }
}

static void puthex(uint64_t v)
{
    char buf[19];
    int i = 18;

    buf[i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while ( v );
    buf[--i] = 'x';
    buf[--i] = '0';
    puts_raw(&buf[i]);
}

/*
 * A tiny printf: %s, %x (32-bit), %llx (64-bit), %u (32-bit, small).  Every
 * message starts with "shim: " so it is told apart from the hypervisor's.
 */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    __builtin_va_list ap;
    char num[11];

    __builtin_va_start(ap, fmt);
    puts_raw("shim: ");
    for ( ; *fmt; fmt++ )
    {
        if ( *fmt != '%' )
        {
            char s[2] = { *fmt, '\0' };

            puts_raw(s);
            continue;
        }
        switch ( *++fmt )
        {
        case 's':
            puts_raw(__builtin_va_arg(ap, const char *));
            break;
        case 'x':
            puthex(__builtin_va_arg(ap, uint32_t));
            break;
        case 'l':
            fmt += 2;           /* "%llx": skip the second 'l' and the 'x' */
            puthex(__builtin_va_arg(ap, unsigned long long));
            break;
        case 'u':
        {
            uint32_t v = __builtin_va_arg(ap, uint32_t);
            int i = 10;

            num[i] = '\0';
            do {
                num[--i] = (char)('0' + v % 10);
                v /= 10;
            } while ( v );
            puts_raw(&num[i]);
            break;
        }
        default:
            puts_raw("%?");
            break;
        }
    }
    __builtin_va_end(ap);
}

static bool want_test_exit;

static noreturn void fail(const char *why)
{
    say("FAILED: %s; cannot start the hypervisor\n", why);
    if ( want_test_exit )
        outb(SHIM_EXIT_FAIL, DEBUG_EXIT_PORT);
    say("halted\n");
    for ( ;; )
        __asm__ volatile ("cli; hlt");
}

/* ---- What GRUB gave us ---- */

struct mmap_entry {
    uint64_t base, len;
    uint32_t type, zero;
};

static struct {
    const char *cmdline;
    bool have_meminfo;
    uint32_t mem_lower, mem_upper;
    uint32_t nr_mmap;
    struct mmap_entry mmap[MAX_MMAP];
    uint32_t rsdp_type;                 /* 14, 15 or 0 for none */
    uint32_t rsdp_len;
    uint8_t rsdp[MAX_RSDP];
    bool have_module;
    uint32_t mod_start, mod_end;
} in;

static uint32_t rd32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t rd64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * Take what we need out of GRUB's block into the shim's own memory: the
 * hypervisor image is about to be copied over low memory, which may hold
 * GRUB's block.
 */
static void read_grub_info(uint32_t info)
{
    const uint8_t *base = (const uint8_t *)info;
    uint32_t total = rd32(base), off, size;

    say("GRUB info block at %x, %x bytes\n", info, total);
    for ( off = 8; off + 8 <= total; off = (off + size + 7) & ~7u )
    {
        const uint8_t *tag = base + off;
        uint32_t type = rd32(tag);

        size = rd32(tag + 4);
        if ( size < 8 || off + size > total )
            fail("GRUB's info block is malformed");
        switch ( type )
        {
        case MB2_TAG_END:
            return;
        case MB2_TAG_CMDLINE:
            in.cmdline = (const char *)tag + 8;
            break;
        case MB2_TAG_MODULE:
            /* Module 0 is the hypervisor; later ones are not used. */
            if ( !in.have_module && size >= 16 )
            {
                in.have_module = true;
                in.mod_start = rd32(tag + 8);
                in.mod_end = rd32(tag + 12);
            }
            break;
        case MB2_TAG_BASIC_MEMINFO:
            if ( size >= 16 )
            {
                in.have_meminfo = true;
                in.mem_lower = rd32(tag + 8);
                in.mem_upper = rd32(tag + 12);
            }
            break;
        case MB2_TAG_MMAP:
        {
            uint32_t esize = size >= 16 ? rd32(tag + 8) : 0, i;

            if ( esize < MB2_MMAP_ENTRY )
                fail("GRUB's mmap tag has a bad entry size");
            /* Re-pack at the standard entry size whatever GRUB used. */
            for ( i = 0; i < (size - 16) / esize && i < MAX_MMAP; i++ )
            {
                const uint8_t *e = tag + 16 + i * esize;

                in.mmap[i].base = rd64(e);
                in.mmap[i].len = rd64(e + 8);
                in.mmap[i].type = rd32(e + 16);
                in.mmap[i].zero = 0;
            }
            in.nr_mmap = i;
            break;
        }
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            /* Keep the ACPI 2.0 copy if there are both, as the hypervisor would. */
            if ( (in.rsdp_type == MB2_TAG_ACPI_NEW && type == MB2_TAG_ACPI_OLD) ||
                 size - 8 > MAX_RSDP )
                break;
            in.rsdp_type = type;
            in.rsdp_len = size - 8;
            memcpy(in.rsdp, tag + 8, size - 8);
            break;
        default:
            break;
        }
    }
    fail("GRUB's info block has no end tag");
}

/* ---- Loading the hypervisor ---- */

struct elf64_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define PT_LOAD     1
#define EM_X86_64   62

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

static struct elf64_phdr phdrs[16];
static unsigned int nr_phdrs;
static uint32_t keel_lo = UINT32_MAX, keel_hi, keel_entry;

/*
 * GRUB puts modules in the first free memory it finds, which is often
 * just above 1 MiB: a hypervisor image big enough to reach past 2 MiB
 * would then be copied over its own source.  Move the module out of the
 * way first, above everything else the shim uses, into RAM per the map.
 */
static void move_module(void)
{
    uint32_t len = in.mod_end - in.mod_start;
    uint64_t to = (uintptr_t)__shim_end;
    uint32_t i;

    if ( keel_hi > to )
        to = keel_hi;
    if ( in.mod_end > to )
        to = in.mod_end;
    to = (to + 0xfff) & ~0xfffull;
    for ( i = 0; i < in.nr_mmap; i++ )
        if ( in.mmap[i].type == 1 && in.mmap[i].base <= to &&
             to + len <= in.mmap[i].base + in.mmap[i].len )
            break;
    if ( i == in.nr_mmap || to + len > (1ull << 32) )
        fail("module 0 lies where the hypervisor goes and there is no RAM to move it to");
    say("module 0 lies where the hypervisor goes: moving it to %x\n", (uint32_t)to);
    memmove((void *)(uintptr_t)to, (const void *)in.mod_start, len);
    in.mod_start = (uint32_t)to;
    in.mod_end = (uint32_t)to + len;
}

/*
 * Check everything before copying anything: a segment landing on the
 * shim, or on the module it is being copied from, would corrupt the
 * copy and give a crash that looks like a hypervisor bug.  The first
 * stops the test; the second is mended by moving the module.
 */
static void check_keel(void)
{
    const uint8_t *img = (const uint8_t *)in.mod_start;
    uint32_t len = in.mod_end - in.mod_start;
    struct elf64_ehdr eh;
    unsigned int i;
    bool entry_ok = false, over_module = false;
    uint64_t entry = 0;

    if ( len < sizeof(eh) )
        fail("module 0 is too small to be an ELF image");
    memcpy(&eh, img, sizeof(eh));
    if ( eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
         eh.e_ident[3] != 'F' )
        fail("module 0 is not an ELF image (compressed? use xen/keel, not keel.gz)");
    if ( eh.e_ident[4] != 2 || eh.e_machine != EM_X86_64 )
        fail("module 0 is not an x86-64 ELF64 image");
    if ( eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0 ||
         eh.e_phoff > len || (uint64_t)eh.e_phnum * eh.e_phentsize > len - eh.e_phoff )
        fail("module 0 has a bad program header table");

    for ( i = 0; i < eh.e_phnum; i++ )
    {
        struct elf64_phdr ph;
        uint64_t end;

        memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if ( ph.p_type != PT_LOAD || ph.p_memsz == 0 )
            continue;
        if ( nr_phdrs == sizeof(phdrs) / sizeof(phdrs[0]) )
            fail("module 0 has too many PT_LOAD segments");
        end = ph.p_paddr + ph.p_memsz;
        say("  PT_LOAD paddr [%llx-%llx) file %llx bytes at offset %llx\n",
            ph.p_paddr, end, ph.p_filesz, ph.p_offset);
        if ( ph.p_filesz > ph.p_memsz || ph.p_offset > len || ph.p_filesz > len - ph.p_offset )
            fail("a PT_LOAD segment lies outside the module");
        if ( end < ph.p_paddr || end >= (1ull << 32) )
            fail("a PT_LOAD segment's physical address is not below 4 GiB");
        if ( overlaps(ph.p_paddr, end, (uintptr_t)__shim_start, (uintptr_t)__shim_end) )
        {
            say("segment [%llx-%llx) overlaps the shim [%x-%x)\n", ph.p_paddr, end,
                (uint32_t)(uintptr_t)__shim_start, (uint32_t)(uintptr_t)__shim_end);
            fail("the hypervisor would be loaded over the shim");
        }
        if ( overlaps(ph.p_paddr, end, in.mod_start, in.mod_end) )
            over_module = true;
        if ( ph.p_paddr < keel_lo )
            keel_lo = (uint32_t)ph.p_paddr;
        if ( end > keel_hi )
            keel_hi = (uint32_t)end;
        /*
         * The entry point as GRUB finds it: e_entry inside a segment's
         * virtual range, moved to the same offset in its physical range.
         * An image whose e_entry is already physical is taken as is.
         */
        if ( eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz )
        {
            entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
            entry_ok = true;
        }
        else if ( !entry_ok && eh.e_entry >= ph.p_paddr && eh.e_entry < end )
        {
            entry = eh.e_entry;
            entry_ok = true;
        }
        phdrs[nr_phdrs++] = ph;
    }
    if ( !nr_phdrs )
        fail("module 0 has no PT_LOAD segments");
    if ( !entry_ok )
        fail("the ELF entry point is not inside a PT_LOAD segment");
    keel_entry = (uint32_t)entry;
    if ( over_module )
        move_module();
}

static void load_keel(void)
{
    const uint8_t *img = (const uint8_t *)in.mod_start;
    unsigned int i;

    for ( i = 0; i < nr_phdrs; i++ )
    {
        uint8_t *dst = (uint8_t *)(uintptr_t)phdrs[i].p_paddr;

        memcpy(dst, img + phdrs[i].p_offset, phdrs[i].p_filesz);
        memset(dst + phdrs[i].p_filesz, 0, phdrs[i].p_memsz - phdrs[i].p_filesz);
    }
    say("hypervisor loaded at [%x-%x), entry %x\n", keel_lo, keel_hi, keel_entry);
}

/* ---- The block we hand on ---- */

static uint8_t out[16384] __attribute__((aligned(8)));
static uint32_t out_len = 8;

/* Start a tag of @size bytes (header included) and return it. */
static uint8_t *tag_begin(uint32_t type, uint32_t size)
{
    uint8_t *t;

    out_len = (out_len + 7) & ~7u;
    if ( size > sizeof(out) - out_len )
        fail("the information block does not fit the shim's buffer");
    t = out + out_len;
    memset(t, 0, size);
    memcpy(t, &type, 4);
    memcpy(t + 4, &size, 4);
    out_len += size;
    return t;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void tag_string(uint32_t type, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;

    memcpy(tag_begin(type, 8 + n) + 8, s, n);
}

static void tag_mmap(uint32_t nr)
{
    uint8_t *t = tag_begin(MB2_TAG_MMAP, 16 + nr * MB2_MMAP_ENTRY);

    put32(t + 8, MB2_MMAP_ENTRY);
    put32(t + 12, 0);
    memcpy(t + 16, in.mmap, nr * MB2_MMAP_ENTRY);
}

static void tag_meminfo(void)
{
    uint8_t *t;

    if ( !in.have_meminfo )
    {
        say("note: GRUB gave no basic meminfo tag, none passed on\n");
        return;
    }
    t = tag_begin(MB2_TAG_BASIC_MEMINFO, 16);
    put32(t + 8, in.mem_lower);
    put32(t + 12, in.mem_upper);
}

static void tag_rsdp(void)
{
    if ( !in.rsdp_type )
    {
        say("note: GRUB gave no ACPI RSDP tag, none passed on\n");
        return;
    }
    memcpy(tag_begin(in.rsdp_type, 8 + in.rsdp_len) + 8, in.rsdp, in.rsdp_len);
}

static void tag_module(uint32_t start, uint32_t end, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;
    uint8_t *t = tag_begin(MB2_TAG_MODULE, 16 + n);

    put32(t + 8, start);
    put32(t + 12, end);
    memcpy(t + 16, s, n);
}

static void finish(void)
{
    tag_begin(MB2_TAG_END, 8);
    put32(out, out_len);
    put32(out + 4, 0);
}

static const char *build_info(const char *scenario, const char *keel_cmdline)
{
    if ( !in.nr_mmap && !streq(scenario, "empty-mmap") )
        fail("GRUB gave no memory map to copy");

    if ( streq(scenario, "good") )
    {
        tag_string(MB2_TAG_CMDLINE, keel_cmdline);
        tag_string(MB2_TAG_LOADER_NAME, "keel boot test shim (good)");
        tag_mmap(in.nr_mmap);
        tag_meminfo();
        tag_rsdp();
        finish();
        return "correct block: cmdline, loader name, mmap, basic meminfo, RSDP";
    }
    if ( streq(scenario, "overlap") )
    {
        /* Inside the image, past the page the entry code is on. */
        uint32_t s = keel_lo + 0x1000, e = s + 0x2000;

        tag_string(MB2_TAG_CMDLINE, keel_cmdline);
        tag_string(MB2_TAG_LOADER_NAME, "keel boot test shim (overlap)");
        tag_mmap(in.nr_mmap);
        tag_rsdp();
        tag_module(s, e, "overlap-test-module");
        finish();
        say("the block's module tag claims [%x-%x), inside the hypervisor image\n", s, e);
        return "valid block with a module overlapping the hypervisor image";
    }
    if ( streq(scenario, "empty-mmap") )
    {
        tag_string(MB2_TAG_CMDLINE, keel_cmdline);
        tag_string(MB2_TAG_LOADER_NAME, "keel boot test shim (empty-mmap)");
        tag_mmap(0);
        tag_rsdp();
        finish();
        return "mmap tag with zero entries and no basic meminfo tag";
    }
    if ( streq(scenario, "truncated") )
    {
        static const char name[] = "keel boot test shim (truncated)";
        uint8_t *t;
        uint32_t off;

        tag_string(MB2_TAG_CMDLINE, keel_cmdline);
        tag_mmap(in.nr_mmap);
        /*
         * The loader name tag is written whole, followed by a real end
         * tag, but its size field claims 0x100 bytes more: the walk
         * must notice that the claimed end is past total_size rather
         * than read beyond the block.
         */
        tag_string(MB2_TAG_LOADER_NAME, name);
        off = (out_len - (uint32_t)sizeof(name) - 8);
        t = out + off;
        put32(t + 4, 8 + (uint32_t)sizeof(name) + 0x100);
        finish();
        say("tag 2 at offset %x claims %x bytes, block total is %x\n",
            off, rd32(t + 4), out_len);
        return "tag size running past total_size";
    }
    say("unknown scenario '%s' (want good, overlap, empty-mmap or truncated)\n", scenario);
    fail("bad shim command line");
}

noreturn void shim_main(uint32_t magic, uint32_t info)
{
    static char scenario[32];
    const char *p, *rest;
    const char *what;
    size_t n;

    serial_init();
    say("keel boot test shim at [%x-%x)\n", (uint32_t)(uintptr_t)__shim_start,
        (uint32_t)(uintptr_t)__shim_end);
    if ( magic != MB2_BOOTLOADER_MAGIC )
        fail("not started by a multiboot2 loader");
    read_grub_info(info);

    if ( !in.cmdline )
        in.cmdline = "";
    p = in.cmdline;
    while ( *p == ' ' )
        p++;
    /*
     * Some loaders put the image's own path first; a scenario name never
     * contains '/', so skip such a word.
     */
    for ( rest = p; *rest && *rest != ' '; rest++ )
        if ( *rest == '/' )
        {
            while ( *rest && *rest != ' ' )
                rest++;
            while ( *rest == ' ' )
                rest++;
            p = rest;
            break;
        }
    for ( rest = p; *rest && *rest != ' '; rest++ )
        ;
    n = (size_t)(rest - p);
    if ( n >= sizeof(scenario) )
        n = sizeof(scenario) - 1;
    memcpy(scenario, p, n);
    scenario[n] = '\0';
    while ( *rest == ' ' )
        rest++;
    /* Only honour test-exit for our own failures if the test asked for it. */
    for ( p = rest; *p; )
    {
        const char *w = p;

        while ( *p && *p != ' ' )
            p++;
        if ( p - w == 9 && !__builtin_memcmp(w, "test-exit", 9) )
            want_test_exit = true;
        while ( *p == ' ' )
            p++;
    }

    say("scenario '%s', hypervisor command line '%s'\n", scenario, rest);
    say("memory map from GRUB: %u entries; basic meminfo %s; RSDP tag %u\n",
        in.nr_mmap, in.have_meminfo ? "yes" : "no", in.rsdp_type);
    if ( !in.have_module )
        fail("no module: boot the shim with the hypervisor ELF as module 0");
    say("module 0 (hypervisor ELF) at [%x-%x)\n", in.mod_start, in.mod_end);
    if ( in.mod_end <= in.mod_start )
        fail("module 0 is empty");

    check_keel();
    what = build_info(scenario, rest);
    say("info block at %x, %x bytes: %s\n", (uint32_t)(uintptr_t)out, out_len, what);
    load_keel();
    say("jumping to the hypervisor at %x (eax=%x ebx=%x)\n", keel_entry,
        MB2_BOOTLOADER_MAGIC, (uint32_t)(uintptr_t)out);
    enter_keel(keel_entry, MB2_BOOTLOADER_MAGIC, (uint32_t)(uintptr_t)out);
}
