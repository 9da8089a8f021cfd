/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m in the ordinary x86-64 four-level page-table format, which is
 * what AMD's nested paging (NPT) walks from nCR3.  The hardware treats
 * every nested access as a user access, so every level carries the U bit.
 * Leaves are 4 KiB or 2 MiB; the p2m type lives in the three bits the
 * hardware leaves to software (9-11), so a lookup needs no side table.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/page.h>

#define PT_ENTRIES      512
#define P2M_TYPE_SHIFT  9
#define P2M_TYPE_MASK   (7UL << P2M_TYPE_SHIFT)
/* Guest-physical addresses are 48 bits wide with four levels. */
#define P2M_MAX_GFN     (1UL << (48 - PAGE_SHIFT))
/* Tables below 4 GiB: nCR3 has room for more, but there is no reason to spread. */
#define P2M_TABLE_BITS  32

#define NPT_TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

struct p2m_domain {
    struct domain *d;
    spinlock_t lock;                /* serialises updates; lookups read entries atomically */
    unsigned long root_mfn;
};

typedef uint64_t pte_t;

static pte_t *table_of(pte_t e)
{
    return mfn_to_virt((e & PADDR_MASK) >> PAGE_SHIFT);
}

static unsigned long alloc_table(void)
{
    unsigned long mfn = alloc_pages_bits(0, P2M_TABLE_BITS);

    if ( mfn != INVALID_MFN )
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn;
}

/* Leaf entry for @mfn of type @t; 2 MiB leaves have PSE. */
static pte_t make_leaf(unsigned long mfn, p2m_type_t t, bool superpage)
{
    pte_t e = ((pte_t)mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
              ((pte_t)t << P2M_TYPE_SHIFT);

    if ( p2m_is_writable(t) )
        e |= _PAGE_RW | _PAGE_DIRTY;
    if ( t == p2m_mmio_direct )
        e |= _PAGE_PCD | _PAGE_PWT;     /* uncached, whatever the guest's PAT says */
    if ( superpage )
        e |= _PAGE_PSE;
    return e;
}

static struct p2m_domain *p2m_pt_alloc(struct domain *d)
{
    struct p2m_domain *p2m = xzalloc(struct p2m_domain);

    if ( !p2m )
        return NULL;
    p2m->d = d;
    spin_lock_init(&p2m->lock);
    p2m->root_mfn = alloc_table();
    if ( p2m->root_mfn == INVALID_MFN )
    {
        xfree(p2m);
        return NULL;
    }
    return p2m;
}

/* Free the table at @mfn and the tables below it (leaves point at guest RAM: not ours). */
static void free_table(unsigned long mfn, unsigned int level)
{
    pte_t *t = mfn_to_virt(mfn);
    unsigned int i;

    if ( level > 1 )
        for ( i = 0; i < PT_ENTRIES; i++ )
            if ( (t[i] & _PAGE_PRESENT) && !(t[i] & _PAGE_PSE) )
                free_table((t[i] & PADDR_MASK) >> PAGE_SHIFT, level - 1);
    free_pages(mfn, 0);
}

static void p2m_pt_free(struct p2m_domain *p2m)
{
    if ( !p2m )
        return;
    free_table(p2m->root_mfn, 4);
    xfree(p2m);
}

static unsigned int index_of(uint64_t gfn, unsigned int level)
{
    return (gfn >> (9 * (level - 1))) & (PT_ENTRIES - 1);
}

/*
 * The table at @level - 1 that entry @e (at @level) points to, made if
 * absent.  A 2 MiB leaf in the way is split into 512 4 KiB leaves of the
 * same type, so a partial update keeps the rest of the range mapped.
 */
static pte_t *next_table(pte_t *e, unsigned int level)
{
    unsigned long mfn;

    if ( (*e & _PAGE_PRESENT) && !(*e & _PAGE_PSE) )
        return table_of(*e);

    mfn = alloc_table();
    if ( mfn == INVALID_MFN )
        return NULL;
    if ( *e & _PAGE_PSE )
    {
        pte_t *t = mfn_to_virt(mfn);
        unsigned long base = (*e & PADDR_MASK & ~((1UL << 21) - 1)) >> PAGE_SHIFT;
        p2m_type_t type = (*e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT;
        unsigned int i;

        ASSERT(level == 2);
        for ( i = 0; i < PT_ENTRIES; i++ )
            t[i] = make_leaf(base + i, type, false);
    }
    ACCESS_ONCE(*e) = ((pte_t)mfn << PAGE_SHIFT) | NPT_TABLE_FLAGS;
    return mfn_to_virt(mfn);
}

static int p2m_pt_set_entry(struct p2m_domain *p2m, uint64_t gfn, unsigned long mfn,
                            unsigned int order, p2m_type_t t)
{
    unsigned int level, leaf_level = order ? 2 : 1;
    pte_t *table, *e, new;
    int rc = 0;

    if ( (order != 0 && order != 9) || gfn >= P2M_MAX_GFN ||
         !IS_ALIGNED(gfn, 1UL << order) ||
         (t != p2m_invalid && (mfn == INVALID_MFN || !IS_ALIGNED(mfn, 1UL << order))) )
        return -EINVAL;

    spin_lock(&p2m->lock);
    table = mfn_to_virt(p2m->root_mfn);
    for ( level = 4; level > leaf_level; level-- )
    {
        e = &table[index_of(gfn, level)];
        if ( t == p2m_invalid && !(*e & _PAGE_PRESENT) )
            goto out;               /* nothing mapped there: nothing to remove */
        table = next_table(e, level);
        if ( !table )
        {
            rc = -ENOMEM;
            goto out;
        }
    }

    e = &table[index_of(gfn, leaf_level)];
    new = t == p2m_invalid ? 0 : make_leaf(mfn, t, order == 9);
    /* A 2 MiB leaf replacing a table of 4 KiB leaves: the table goes. */
    if ( leaf_level == 2 && (*e & _PAGE_PRESENT) && !(*e & _PAGE_PSE) )
    {
        unsigned long old = (*e & PADDR_MASK) >> PAGE_SHIFT;

        ACCESS_ONCE(*e) = new;
        free_table(old, 1);
    }
    else
        ACCESS_ONCE(*e) = new;
    /*
     * Removing or changing a mapping of a running guest needs its nested
     * TLB entries flushed; callers do that through the vendor layer.
     */
 out:
    spin_unlock(&p2m->lock);
    return rc;
}

static unsigned long p2m_pt_lookup(struct p2m_domain *p2m, uint64_t gfn, p2m_type_t *t)
{
    const pte_t *table = mfn_to_virt(p2m->root_mfn);
    unsigned int level;
    pte_t e;

    if ( t )
        *t = p2m_invalid;
    if ( gfn >= P2M_MAX_GFN )
        return INVALID_MFN;
    for ( level = 4; ; level-- )
    {
        e = ACCESS_ONCE(table[index_of(gfn, level)]);
        if ( !(e & _PAGE_PRESENT) )
            return INVALID_MFN;
        if ( level == 1 || (level == 2 && (e & _PAGE_PSE)) )
            break;
        table = table_of(e);
    }
    if ( t )
        *t = (e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT;
    if ( level == 2 )
        return ((e & PADDR_MASK & ~((1UL << 21) - 1)) >> PAGE_SHIFT) + (gfn & (PT_ENTRIES - 1));
    return (e & PADDR_MASK) >> PAGE_SHIFT;
}

static uint64_t p2m_pt_root(struct p2m_domain *p2m)
{
    return (uint64_t)p2m->root_mfn << PAGE_SHIFT;
}

const struct p2m_ops p2m_pt_ops = {
    .alloc = p2m_pt_alloc,
    .free = p2m_pt_free,
    .set_entry = p2m_pt_set_entry,
    .lookup = p2m_pt_lookup,
    .root = p2m_pt_root,
};
