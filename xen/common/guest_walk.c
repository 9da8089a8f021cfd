/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest page-table walk for copy_{to,from}_guest (see guest_walk.h). */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/guest_walk.h>

#define CR0_PG      (1ULL << 31)
#define CR0_WP      (1ULL << 16)
#define CR4_PSE     (1ULL << 4)
#define CR4_PAE     (1ULL << 5)
#define EFER_LMA    (1ULL << 10)

#define PTE_P       (1ULL << 0)
#define PTE_RW      (1ULL << 1)
#define PTE_PS      (1ULL << 7)
#define ADDR_MASK   0x000ffffffffff000ULL

/* Read a 32-bit entry of a 2-level table. */
static bool read32(gpa_read64_fn read, void *ctx, uint64_t gpa, uint64_t *v)
{
    uint64_t q;

    /* Entries are 4-byte aligned; read the aligned quadword holding it. */
    if ( !read(ctx, gpa & ~7ULL, &q) )
        return false;
    *v = (gpa & 4) ? q >> 32 : q & 0xffffffffULL;
    return true;
}

static int walk_2level(const struct guest_paging *pg, uint32_t va, unsigned int access,
                       gpa_read64_fn read, void *ctx, uint64_t *gpa)
{
    uint64_t pde, pte;
    bool wp = pg->cr0 & CR0_WP;

    if ( !read32(read, ctx, (pg->cr3 & 0xfffff000ULL) + ((va >> 22) << 2), &pde) ||
         !(pde & PTE_P) || ((access & GW_WRITE) && wp && !(pde & PTE_RW)) )
        return -EFAULT;
    if ( (pde & PTE_PS) && (pg->cr4 & CR4_PSE) )
    {
        /* 4 MiB page; bits 13-20 of the entry are physical bits 32-39. */
        uint64_t base = (pde & 0xffc00000ULL) | ((pde & 0x1fe000ULL) << 19);

        *gpa = base | (va & 0x3fffff);
        return 0;
    }
    if ( !read32(read, ctx, (pde & 0xfffff000ULL) + (((va >> 12) & 0x3ff) << 2), &pte) ||
         !(pte & PTE_P) || ((access & GW_WRITE) && wp && !(pte & PTE_RW)) )
        return -EFAULT;
    *gpa = (pte & 0xfffff000ULL) | (va & 0xfff);
    return 0;
}

int guest_walk(const struct guest_paging *pg, uint64_t gva, unsigned int access,
               gpa_read64_fn read, void *ctx, uint64_t *gpa)
{
    unsigned int levels, level;
    uint64_t table, e = 0;
    bool wp = pg->cr0 & CR0_WP;

    if ( !(pg->cr0 & CR0_PG) )
    {
        *gpa = gva & 0xffffffffULL;         /* paging off: 32-bit physical */
        return 0;
    }
    if ( !(pg->cr4 & CR4_PAE) )
        return walk_2level(pg, gva, access, read, ctx, gpa);

    if ( pg->efer & EFER_LMA )
    {
        /* Canonical addresses only. */
        if ( (uint64_t)((int64_t)(gva << 16) >> 16) != gva )
            return -EFAULT;
        levels = 4;
        table = pg->cr3 & ADDR_MASK;
    }
    else
    {
        uint64_t pdpte;

        gva &= 0xffffffffULL;
        /* PAE: four PDPTEs at CR3 (32-byte aligned); no RW bit at this level. */
        if ( !read(ctx, (pg->cr3 & 0xffffffe0ULL) + ((gva >> 30) << 3), &pdpte) ||
             !(pdpte & PTE_P) )
            return -EFAULT;
        levels = 2;
        table = pdpte & ADDR_MASK;
    }

    for ( level = levels; level >= 1; level-- )
    {
        unsigned int shift = 12 + 9 * (level - 1);

        if ( !read(ctx, table + (((gva >> shift) & 511) << 3), &e) || !(e & PTE_P) )
            return -EFAULT;
        if ( (access & GW_WRITE) && wp && !(e & PTE_RW) )
            return -EFAULT;
        if ( level == 1 || (e & PTE_PS) )
        {
            /* A large page at L4 (level 4) does not exist. */
            if ( level == 4 || (level == 3 && levels == 2) )
                return -EFAULT;
            *gpa = (e & ADDR_MASK & ~((1ULL << shift) - 1)) | (gva & ((1ULL << shift) - 1));
            return 0;
        }
        table = e & ADDR_MASK;
    }
    return -EFAULT;
}
