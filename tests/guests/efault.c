/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bad guest pointers are -EFAULT (-14), never a hypervisor fault and never
 * the end of the guest: NULL (page 0 unmapped once the memmap is read), a
 * canonical but unmapped address, a non-canonical one, an identity-mapped
 * address past the end of guest RAM, a buffer straddling into an
 * unmapped page, and lengths that wrap around the address space.  Both
 * directions are covered: console_io reads guest memory, xen_version
 * writes it.
 */
#include "guest.h"

DEFINE_TEST("efault");

static unsigned int checks;

static void expect_efault(const char *what, long rc)
{
    printf("%-52s -> %ld\n", what, rc);
    if ( rc != -XEN_EFAULT )
        fail("%s returned %ld, expected %d (-EFAULT)", what, rc, -XEN_EFAULT);
    /* The guest keeps running, and the hypervisor keeps answering. */
    if ( HYPERVISOR_xen_version(XENVER_pagesize, NULL) != 4096 )
        fail("xen_version broken after %s", what);
    checks++;
}

static struct hvm_memmap_table_entry memmap_copy[128];
static uint32_t nr_memmap;

/* The end of RAM below the 0xfc000000 hole. */
static uint64_t end_of_ram(void)
{
    const struct hvm_memmap_table_entry *m = memmap_copy;
    uint64_t end = 0;
    uint32_t i;

    for ( i = 0; i < nr_memmap; i++ )
        if ( m[i].type == XEN_HVM_MEMMAP_TYPE_RAM && m[i].addr + m[i].size > end &&
             m[i].addr < 0xfc000000ull )
            end = m[i].addr + m[i].size;
    return end;
}

static bool in_memmap(uint64_t a)
{
    const struct hvm_memmap_table_entry *m = memmap_copy;
    uint32_t i;

    for ( i = 0; i < nr_memmap; i++ )
        if ( a >= m[i].addr && a - m[i].addr < m[i].size )
            return true;
    return false;
}

void test_main(const struct hvm_start_info *si)
{
    static const char msg[] = "efault: a valid console write\n";
    xen_extraversion_t *extra;
    uint64_t past;

    CHECK(have_xen);
    CHECK(si->memmap_entries > 0);
    /* The loader may have put the memmap in page 0: keep a copy first. */
    CHECK(si->memmap_entries <= ARRAY_SIZE(memmap_copy));
    memcpy(memmap_copy, (const void *)(uintptr_t)si->memmap_paddr,
           si->memmap_entries * sizeof(*memmap_copy));
    nr_memmap = si->memmap_entries;
    unmap_low_page(0);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);

    /* NULL. */
    expect_efault("console_io write from NULL", HYPERVISOR_console_io(CONSOLEIO_write, 8, NULL));
    expect_efault("xen_version extraversion to NULL",
                  HYPERVISOR_xen_version(XENVER_extraversion, NULL));
    expect_efault("xen_version compile_info to 0x10",
                  HYPERVISOR_xen_version(XENVER_compile_info, (void *)0x10));

    /* Canonical, not mapped by the guest (only 0..4 GiB is). */
    expect_efault("console_io write from 0x100000000 (unmapped)",
                  HYPERVISOR_console_io(CONSOLEIO_write, 8, (void *)0x100000000ull));
    expect_efault("xen_version extraversion to 0x400000000000",
                  HYPERVISOR_xen_version(XENVER_extraversion, (void *)0x400000000000ull));
    expect_efault("console_io write from 0xffff800000000000",
                  HYPERVISOR_console_io(CONSOLEIO_write, 8, (void *)0xffff800000000000ull));

    /* Non-canonical. */
    expect_efault("console_io write from 0x8000000000000000",
                  HYPERVISOR_console_io(CONSOLEIO_write, 8, (void *)0x8000000000000000ull));
    expect_efault("xen_version extraversion to 0x0000800000000000",
                  HYPERVISOR_xen_version(XENVER_extraversion, (void *)0x0000800000000000ull));

    /* Mapped by the guest, but past the end of its RAM. */
    past = (end_of_ram() + 0x200000 + 0x1fffff) & ~0x1fffffull;
    while ( past < 0xfc000000ull && in_memmap(past) )
        past += 0x200000;
    if ( past < 0xfc000000ull )
    {
        printf("guest-physical %#lx is identity-mapped but not in the memmap\n",
               (unsigned long)past);
        expect_efault("console_io write from past the end of RAM",
                      HYPERVISOR_console_io(CONSOLEIO_write, 8, (void *)past));
        expect_efault("xen_version extraversion to past the end of RAM",
                      HYPERVISOR_xen_version(XENVER_extraversion, (void *)past));
    }
    else
        printf("no unbacked guest-physical address below 4 GiB; skipped\n");

    /* Straddling: the first bytes in unmapped page 0, the rest in page 1. */
    extra = (xen_extraversion_t *)(0x1000 - 8);
    expect_efault("xen_version extraversion straddling page 0",
                  HYPERVISOR_xen_version(XENVER_extraversion, extra));
    expect_efault("console_io write straddling page 0",
                  HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)(0x1000 - 8)));
    /* ...and from the last mapped page into the unmapped 4 GiB and up. */
    expect_efault("console_io write straddling 4 GiB",
                  HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)(0x100000000ull - 8)));

    /* Wrapping lengths: base + len passes 2^64. */
    expect_efault("console_io write wrapping the address space",
                  HYPERVISOR_console_io(CONSOLEIO_write, 0x200, (void *)0xffffffffffffff00ull));
    expect_efault("xen_version extraversion wrapping the address space",
                  HYPERVISOR_xen_version(XENVER_extraversion, (void *)0xfffffffffffffff8ull));
    expect_efault("console_io write of 0xffffffff bytes from 0xffffffffffff0000",
                  HYPERVISOR_console_io(CONSOLEIO_write, 0xffffffffu,
                                        (void *)0xffffffffffff0000ull));

    printf("%u bad pointers refused with -EFAULT; guest still running\n", checks);
}
