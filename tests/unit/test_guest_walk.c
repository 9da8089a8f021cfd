/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest page-table walks over a fake guest-physical memory. */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/guest_walk.h>
#include "harness.h"

#define MEM (1u << 20)
static uint8_t mem[MEM];

static bool rd(void *ctx, uint64_t gpa, uint64_t *v)
{
    (void)ctx;
    if ( gpa >= MEM || MEM - gpa < 8 )
        return false;
    memcpy(v, mem + gpa, 8);
    return true;
}

static void put64(uint64_t gpa, uint64_t v) { memcpy(mem + gpa, &v, 8); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(mem + gpa, &v, 4); }

#define P   1ULL
#define RW  2ULL
#define PS  0x80ULL
#define CR0_PG (1ULL << 31)
#define CR0_WP (1ULL << 16)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define LMA (1ULL << 10)

TEST(paging_off_is_identity)
{
    struct guest_paging pg = { 0x11, 0, 0, 0 };
    uint64_t gpa;

    CHECK(guest_walk(&pg, 0x12345678, GW_WRITE, rd, NULL, &gpa) == 0 && gpa == 0x12345678);
}

TEST(four_level)
{
    struct guest_paging pg = { CR0_PG | CR0_WP | 1, 0x1000, CR4_PAE, LMA };
    uint64_t gpa, va = 0xffff800000403123ULL;  /* L4 256, L3 0, L2 2, L1 3 */

    memset(mem, 0, sizeof(mem));
    put64(0x1000 + 256 * 8, 0x2000 | P | RW);
    put64(0x2000 + 0 * 8, 0x3000 | P | RW);
    put64(0x3000 + 2 * 8, 0x4000 | P | RW);
    put64(0x4000 + 3 * 8, 0x7000 | P);      /* read-only leaf */
    REQUIRE(guest_walk(&pg, va, 0, rd, NULL, &gpa) == 0);
    CHECK(gpa == 0x7123);
    CHECK(guest_walk(&pg, va, GW_WRITE, rd, NULL, &gpa) == -EFAULT);
    pg.cr0 &= ~CR0_WP;                       /* supervisor writes ignore RW without WP */
    CHECK(guest_walk(&pg, va, GW_WRITE, rd, NULL, &gpa) == 0);
    CHECK(guest_walk(&pg, va + 0x1000, 0, rd, NULL, &gpa) == -EFAULT);   /* not present */
    CHECK(guest_walk(&pg, 0x0000800000000000ULL, 0, rd, NULL, &gpa) == -EFAULT); /* non-canonical */
}

TEST(four_level_large_pages)
{
    struct guest_paging pg = { CR0_PG | 1, 0x1000, CR4_PAE, LMA };
    uint64_t gpa;

    memset(mem, 0, sizeof(mem));
    put64(0x1000, 0x2000 | P | RW);
    put64(0x2000, 0x40000000ULL | P | RW | PS);          /* 1 GiB at va 0 */
    put64(0x2000 + 8, 0x3000 | P | RW);
    put64(0x3000 + 8, 0x00600000ULL | P | RW | PS);      /* 2 MiB at va 1 GiB + 2 MiB */
    CHECK(guest_walk(&pg, 0x12345, 0, rd, NULL, &gpa) == 0 && gpa == 0x40012345ULL);
    CHECK(guest_walk(&pg, 0x40200000ULL + 0x1234, 0, rd, NULL, &gpa) == 0 && gpa == 0x601234);
    put64(0x1000, 0x2000 | P | RW | PS);                 /* PS at L4 is invalid */
    CHECK(guest_walk(&pg, 0x12345, 0, rd, NULL, &gpa) == -EFAULT);
}

TEST(pae)
{
    struct guest_paging pg = { CR0_PG | 1, 0x1020, CR4_PAE, 0 };
    uint64_t gpa;

    memset(mem, 0, sizeof(mem));
    put64(0x1020 + 3 * 8, 0x2000 | P);                   /* PDPTE 3: va 0xc0000000+ */
    put64(0x2000 + 1 * 8, 0x3000 | P | RW);              /* PD entry 1 */
    put64(0x3000 + 5 * 8, 0x9000 | P | RW);
    CHECK(guest_walk(&pg, 0xc0205abcULL, GW_WRITE, rd, NULL, &gpa) == 0 && gpa == 0x9abc);
    put64(0x2000 + 2 * 8, 0x00a00000ULL | P | RW | PS);  /* 2 MiB page */
    CHECK(guest_walk(&pg, 0xc0412345ULL, 0, rd, NULL, &gpa) == 0 && gpa == 0xa12345);
    CHECK(guest_walk(&pg, 0x00001000ULL, 0, rd, NULL, &gpa) == -EFAULT);  /* PDPTE 0 absent */
}

TEST(two_level)
{
    struct guest_paging pg = { CR0_PG | CR0_WP | 1, 0x1000, CR4_PSE, 0 };
    uint64_t gpa;

    memset(mem, 0, sizeof(mem));
    put32(0x1000 + 1 * 4, 0x2000 | P | RW);              /* va 0x00400000-0x007fffff */
    put32(0x2000 + 7 * 4, 0x5000 | P);
    put32(0x1000 + 2 * 4, 0x00c00000 | P | RW | PS);     /* 4 MiB page */
    CHECK(guest_walk(&pg, 0x00407010, 0, rd, NULL, &gpa) == 0 && gpa == 0x5010);
    CHECK(guest_walk(&pg, 0x00407010, GW_WRITE, rd, NULL, &gpa) == -EFAULT);
    CHECK(guest_walk(&pg, 0x00812345, GW_WRITE, rd, NULL, &gpa) == 0 && gpa == 0xc12345);
    pg.cr4 = 0;                                          /* PSE off: PS ignored, PDE is a table */
    CHECK(guest_walk(&pg, 0x00812345, 0, rd, NULL, &gpa) == -EFAULT || gpa != 0xc12345);
}

TEST(tables_outside_ram)
{
    struct guest_paging pg = { CR0_PG | 1, 0x1000, CR4_PAE, LMA };
    uint64_t gpa;

    memset(mem, 0, sizeof(mem));
    put64(0x1000, 0x7fff0000000ULL | P | RW);            /* L3 table not in RAM */
    CHECK(guest_walk(&pg, 0x1000, 0, rd, NULL, &gpa) == -EFAULT);
    pg.cr3 = 0xfffff000ULL;                              /* CR3 itself outside RAM */
    CHECK(guest_walk(&pg, 0x1000, 0, rd, NULL, &gpa) == -EFAULT);
}
