/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m in Intel's EPT format (SDM 28.3), what the CPU walks from the
 * EPT pointer when VMX is in use.  Four levels, 4 KiB and 2 MiB leaves
 * (2 MiB only where the CPU offers them: otherwise a 2 MiB request is
 * mapped as 512 small leaves), write-back memory type.  An entry is
 * present when any of R/W/X is set; the p2m type lives in bits 52-54,
 * which the hardware ignores, so a lookup needs no side table.
 *
 * A change to a present entry bumps the p2m's flush generation: every
 * vCPU of the domain runs INVEPT before its next entry (hvm/vmx/vpid.c).
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/hvm/vmx/vmx.h>

#define PT_ENTRIES      512
#define P2M_TYPE_SHIFT  52
#define P2M_TYPE_MASK   (7UL << P2M_TYPE_SHIFT)
/* Guest-physical addresses are 48 bits wide with four levels. */
#define P2M_MAX_GFN     (1UL << (48 - PAGE_SHIFT))
#define P2M_TABLE_BITS  32
#define EPT_ADDR_MASK   0x000ffffffffff000UL
#define EPT_TABLE_FLAGS EPT_RWX

struct p2m_domain {
    struct domain *d;
    spinlock_t lock;                /* serialises updates; lookups read entries atomically */
    unsigned long root_mfn;
    uint64_t flush_generation;
};

typedef uint64_t epte_t;

static bool present(epte_t e)
{
    return e & EPT_RWX;
}

static epte_t *table_of(epte_t e)
{
    return mfn_to_virt((e & EPT_ADDR_MASK) >> PAGE_SHIFT);
}

static unsigned long alloc_table(void)
{
    unsigned long mfn = alloc_pages_bits(0, P2M_TABLE_BITS);

    if ( mfn != INVALID_MFN )
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn;
}

/* Leaf entry for @mfn of type @t; the guest's PAT combines with WB, except for MMIO (UC). */
static epte_t make_leaf(unsigned long mfn, p2m_type_t t, bool superpage)
{
    epte_t e = ((epte_t)mfn << PAGE_SHIFT) | EPT_READ | EPT_EXEC | ((epte_t)t << P2M_TYPE_SHIFT);

    if ( p2m_is_writable(t) )
        e |= EPT_WRITE;
    if ( t == p2m_mmio_direct )
        e |= (EPT_MT_UC << EPT_MT_SHIFT) | EPT_IGNORE_PAT;
    else
        e |= EPT_MT_WB << EPT_MT_SHIFT;
    if ( superpage )
        e |= EPT_LARGE;
    return e;
}

static struct p2m_domain *p2m_ept_alloc(struct domain *d)
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
    epte_t *t = mfn_to_virt(mfn);
    unsigned int i;

    if ( level > 1 )
        for ( i = 0; i < PT_ENTRIES; i++ )
            if ( present(t[i]) && !(t[i] & EPT_LARGE) )
                free_table((t[i] & EPT_ADDR_MASK) >> PAGE_SHIFT, level - 1);
    free_pages(mfn, 0);
}

static void p2m_ept_free(struct p2m_domain *p2m)
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
static epte_t *next_table(struct p2m_domain *p2m, epte_t *e, unsigned int level)
{
    unsigned long mfn;

    if ( present(*e) && !(*e & EPT_LARGE) )
        return table_of(*e);

    mfn = alloc_table();
    if ( mfn == INVALID_MFN )
        return NULL;
    if ( present(*e) )
    {
        epte_t *t = mfn_to_virt(mfn);
        unsigned long base = (*e & EPT_ADDR_MASK & ~((1UL << 21) - 1)) >> PAGE_SHIFT;
        p2m_type_t type = (*e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT;
        unsigned int i;

        ASSERT(level == 2);
        for ( i = 0; i < PT_ENTRIES; i++ )
            t[i] = make_leaf(base + i, type, false);
        p2m->flush_generation++;
    }
    ACCESS_ONCE(*e) = ((epte_t)mfn << PAGE_SHIFT) | EPT_TABLE_FLAGS;
    return mfn_to_virt(mfn);
}

static int set_one(struct p2m_domain *p2m, uint64_t gfn, unsigned long mfn,
                   unsigned int order, p2m_type_t t)
{
    unsigned int level, leaf_level = order ? 2 : 1;
    epte_t *table, *e, new;

    table = mfn_to_virt(p2m->root_mfn);
    for ( level = 4; level > leaf_level; level-- )
    {
        e = &table[index_of(gfn, level)];
        if ( t == p2m_invalid && !present(*e) )
            return 0;               /* nothing mapped there: nothing to remove */
        table = next_table(p2m, e, level);
        if ( !table )
            return -ENOMEM;
    }

    e = &table[index_of(gfn, leaf_level)];
    new = t == p2m_invalid ? 0 : make_leaf(mfn, t, order == 9);
    if ( present(*e) )
        p2m->flush_generation++;
    /* A 2 MiB leaf replacing a table of 4 KiB leaves: the table goes. */
    if ( leaf_level == 2 && present(*e) && !(*e & EPT_LARGE) )
    {
        unsigned long old = (*e & EPT_ADDR_MASK) >> PAGE_SHIFT;

        ACCESS_ONCE(*e) = new;
        free_table(old, 1);
    }
    else
        ACCESS_ONCE(*e) = new;
    return 0;
}

static int p2m_ept_set_entry(struct p2m_domain *p2m, uint64_t gfn, unsigned long mfn,
                             unsigned int order, p2m_type_t t)
{
    unsigned int i;
    int rc = 0;

    if ( (order != 0 && order != 9) || gfn >= P2M_MAX_GFN ||
         !IS_ALIGNED(gfn, 1UL << order) ||
         (t != p2m_invalid && (mfn == INVALID_MFN || !IS_ALIGNED(mfn, 1UL << order))) )
        return -EINVAL;

    spin_lock(&p2m->lock);
    if ( order == 9 && !vmx_caps.ept_2mb )
    {
        /* No 2 MiB EPT pages on this CPU: the same range in 4 KiB leaves. */
        for ( i = 0; i < PT_ENTRIES && !rc; i++ )
            rc = set_one(p2m, gfn + i, t == p2m_invalid ? mfn : mfn + i, 0, t);
    }
    else
        rc = set_one(p2m, gfn, mfn, order, t);
    spin_unlock(&p2m->lock);
    return rc;
}

static unsigned long p2m_ept_lookup(struct p2m_domain *p2m, uint64_t gfn, p2m_type_t *t)
{
    const epte_t *table = mfn_to_virt(p2m->root_mfn);
    unsigned int level;
    epte_t e;

    if ( t )
        *t = p2m_invalid;
    if ( gfn >= P2M_MAX_GFN )
        return INVALID_MFN;
    for ( level = 4; ; level-- )
    {
        e = ACCESS_ONCE(table[index_of(gfn, level)]);
        if ( !present(e) )
            return INVALID_MFN;
        if ( level == 1 || (level == 2 && (e & EPT_LARGE)) )
            break;
        table = table_of(e);
    }
    if ( t )
        *t = (e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT;
    if ( level == 2 )
        return ((e & EPT_ADDR_MASK & ~((1UL << 21) - 1)) >> PAGE_SHIFT) +
               (gfn & (PT_ENTRIES - 1));
    return (e & EPT_ADDR_MASK) >> PAGE_SHIFT;
}

/* The EPT pointer: root table, 4-level walk, write-back paging structures. */
static uint64_t p2m_ept_root(struct p2m_domain *p2m)
{
    return ((uint64_t)p2m->root_mfn << PAGE_SHIFT) | EPTP_WALK_LENGTH_4 | EPTP_MT_WB;
}

uint64_t p2m_ept_flush_generation(struct p2m_domain *p2m)
{
    return ACCESS_ONCE(p2m->flush_generation);
}

const struct p2m_ops p2m_ept_ops = {
    .alloc = p2m_ept_alloc,
    .free = p2m_ept_free,
    .set_entry = p2m_ept_set_entry,
    .lookup = p2m_ept_lookup,
    .root = p2m_ept_root,
};
