/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1.
 *
 * Each domain has a table of grant entries in frames the hypervisor owns
 * (GNTTAB_INITIAL_FRAMES at first, grown on demand up to
 * GNTTAB_MAX_FRAMES) and maps into the guest with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table).  The guest writes an
 * entry to let one domain map or copy one of its frames; the hypervisor
 * keeps its own record of each entry in use (struct active_grant) and
 * never trusts the shared entry again once it has read it: the frame
 * mapped, and who maps it, are fixed until the last mapping goes.
 *
 * A grantee's mappings are its maptrack (handles index it).  A mapping
 * puts the granter's frame at a GFN of the grantee's p2m that held
 * nothing (p2m_grant_map_rw/ro) and pins the frame (page_info.pins), so
 * the granter can neither give it back nor, by ending, free it: the frame
 * outlives its owner until unmapped (keel/memory.h).  Unmapping removes
 * the p2m entry, waits until no CPU can use the old translation
 * (p2m_flush_sync()), and only then releases the pin and clears
 * GTF_reading/GTF_writing, so the granter never sees a grant as free
 * while its frame is still reachable.
 *
 * Everything runs under memory_lock(): an operation spans two domains
 * and their frames.  There are no continuations: a batch runs whole,
 * with the lock taken per operation.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/grant_table.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <keel/memory.h>
#include <keel/p2m.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <public/grant_table.h>
#include <public/memory.h>

#define ENTRIES_PER_FRAME   (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define MAPTRACK_PER_PAGE   (PAGE_SIZE / sizeof(struct grant_mapping))
#define MAPTRACK_PAGES      (GNTTAB_MAX_MAPTRACK / MAPTRACK_PER_PAGE)
#define MAPTRACK_END        UINT32_MAX
/* Unmaps per TLB shootdown. */
#define UNMAP_BATCH         32
#define GFN_NONE            (~0ULL)
/* The continuation bits of cmd: Keel makes no continuations, so they must be clear. */
#define GNTTABOP_CMD_MASK   0xfffU

/* The hypervisor's record of a grant entry in use. */
struct active_grant {
    uint32_t mfn;                   /* the granted frame, fixed while mapped */
    domid_t domid;                  /* the domain mapping it */
    uint16_t rd_maps;               /* its read-only mappings */
    uint16_t wr_maps;               /* its writable mappings */
};

/* One mapping a domain holds of another's (or its own) grant. */
struct grant_mapping {
    struct grant_table *granter;    /* NULL once the granting domain has gone */
    uint64_t gfn;                   /* where, in the holder's p2m */
    uint32_t ref;
    uint32_t mfn;
    uint32_t next_free;             /* free list, while flags == 0 */
    uint16_t flags;                 /* GNTMAP_host_map [| GNTMAP_readonly]; 0 = free */
    uint16_t unmapping;             /* p2m entry gone, release pending */
};

struct grant_table {
    struct domain *d;
    struct grant_table *next;       /* every table, for a domain's end */
    unsigned int nr_frames;
    struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES];
    struct active_grant *active[GNTTAB_MAX_FRAMES];
    uint64_t frame_gfn[GNTTAB_MAX_FRAMES];      /* where the guest mapped each, or GFN_NONE */
    struct grant_mapping *maptrack[MAPTRACK_PAGES];
    unsigned int maptrack_limit;    /* handles allocated */
    uint32_t maptrack_free;         /* first free handle, or MAPTRACK_END */
};

_Static_assert(sizeof(struct grant_mapping) == 32, "maptrack entries pack a page");
/* Only one domain maps an entry, so its counts stay below its maptrack quota. */
_Static_assert(GNTTAB_MAX_MAPTRACK <= UINT16_MAX, "an entry's map counts cannot overflow");

/* Every table (under memory_lock). */
static struct grant_table *all_tables;

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->shared[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static struct active_grant *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static struct grant_mapping *maptrack_entry(struct grant_table *gt, grant_handle_t h)
{
    return &gt->maptrack[h / MAPTRACK_PER_PAGE][h % MAPTRACK_PER_PAGE];
}

/* ---- the table ------------------------------------------------------------ */

/* Grow @gt to @nr frames (under memory_lock); -ENOMEM leaves it as it was. */
static int grow_table(struct grant_table *gt, unsigned int nr)
{
    unsigned int i;

    for ( i = gt->nr_frames; i < nr; i++ )
    {
        gt->shared[i] = alloc_xenheap_pages(0);
        gt->active[i] = xzalloc_array(struct active_grant, ENTRIES_PER_FRAME);
        if ( !gt->shared[i] || !gt->active[i] )
            goto fail;
        memset(gt->shared[i], 0, PAGE_SIZE);
    }
    if ( nr > GNTTAB_INITIAL_FRAMES )
        printk(XENLOG_DEBUG "d%u: grant table grows from %u to %u frames\n",
               gt->d->domain_id, gt->nr_frames, nr);
    gt->nr_frames = nr;
    return 0;

 fail:
    for ( ; i >= gt->nr_frames && i < nr; i-- )
    {
        if ( gt->shared[i] )
            free_xenheap_pages(gt->shared[i], 0);
        xfree(gt->active[i]);
        gt->shared[i] = NULL;
        gt->active[i] = NULL;
    }
    return -ENOMEM;
}

int grant_table_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);
    unsigned int i;
    int rc;

    if ( !gt )
        return -ENOMEM;
    gt->d = d;
    gt->maptrack_free = MAPTRACK_END;
    for ( i = 0; i < GNTTAB_MAX_FRAMES; i++ )
        gt->frame_gfn[i] = GFN_NONE;
    rc = grow_table(gt, GNTTAB_INITIAL_FRAMES);
    if ( rc )
    {
        xfree(gt);
        return rc;
    }
    memory_lock();
    gt->next = all_tables;
    all_tables = gt;
    d->grant_table = gt;
    memory_unlock();
    return 0;
}

/* A handle for a new mapping, or MAPTRACK_END when the quota is used up. */
static grant_handle_t maptrack_get(struct grant_table *gt)
{
    grant_handle_t h;

    if ( gt->maptrack_free == MAPTRACK_END )
    {
        unsigned int page = gt->maptrack_limit / MAPTRACK_PER_PAGE, i;
        struct grant_mapping *m;

        if ( page == MAPTRACK_PAGES || !(m = alloc_xenheap_pages(0)) )
            return MAPTRACK_END;
        memset(m, 0, PAGE_SIZE);
        gt->maptrack[page] = m;
        /* Chained so the lowest handle comes out first. */
        for ( i = 0; i < MAPTRACK_PER_PAGE; i++ )
            m[i].next_free = i + 1 < MAPTRACK_PER_PAGE ? gt->maptrack_limit + i + 1 : MAPTRACK_END;
        gt->maptrack_free = gt->maptrack_limit;
        gt->maptrack_limit += MAPTRACK_PER_PAGE;
    }
    h = gt->maptrack_free;
    gt->maptrack_free = maptrack_entry(gt, h)->next_free;
    return h;
}

static void maptrack_put(struct grant_table *gt, grant_handle_t h)
{
    struct grant_mapping *m = maptrack_entry(gt, h);

    memset(m, 0, sizeof(*m));
    m->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
}

/* ---- the shared entry ----------------------------------------------------- */

/* The first 32 bits of an entry, flags and domid together, updated as one. */
static uint32_t *entry_word(struct grant_entry_v1 *e)
{
    return (uint32_t *)e;
}

/*
 * Mark entry @e in use for @domid: GTF_reading, and GTF_writing unless
 * @ro.  An entry not in use yet must be a permit_access grant to @domid
 * (for a mapping, of the full page: no GTF_sub_page); a writer needs one
 * without GTF_readonly.  The guest may change the entry meanwhile (that
 * is how it revokes), so the check and the update are one
 * compare-exchange, retried a few times before the entry counts as
 * unstable.
 */
static int16_t entry_acquire(struct grant_entry_v1 *e, bool in_use, bool ro, bool mapping,
                             domid_t domid)
{
    uint32_t *word = entry_word(e), cur = ACCESS_ONCE(*word);
    uint16_t type_mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    unsigned int tries;

    for ( tries = 0; tries < 5; tries++ )
    {
        uint16_t flags = cur & 0xffff;
        uint32_t new = cur | GTF_reading | (ro ? 0 : GTF_writing);

        if ( !in_use &&
             ((flags & type_mask) != GTF_permit_access || (domid_t)(cur >> 16) != domid) )
            return GNTST_general_error;
        if ( !ro && (flags & GTF_readonly) )
            return GNTST_general_error;
        if ( __atomic_compare_exchange_n(word, &cur, new, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST) )
            return GNTST_okay;
    }
    return GNTST_general_error;
}

static void entry_clear(struct grant_entry_v1 *e, uint16_t bits)
{
    __atomic_fetch_and(&e->flags, (uint16_t)~bits, __ATOMIC_SEQ_CST);
}

/* Clear the in-use flags of @ref that its remaining mappings do not need. */
static void entry_settle(struct grant_table *gt, grant_ref_t ref)
{
    struct active_grant *act = active_entry(gt, ref);
    uint16_t bits = 0;

    if ( !act->wr_maps )
        bits |= GTF_writing;
    if ( !act->wr_maps && !act->rd_maps )
        bits |= GTF_reading;
    if ( bits )
        entry_clear(shared_entry(gt, ref), bits);
}

/*
 * Take @ref of @rgt for @ld, for a mapping or a copy (@ro: read only):
 * the entry is marked in use and *@mfn is the frame.  Undone by
 * entry_settle() once the counts say what is still in use.
 */
static int16_t grant_acquire(struct grant_table *rgt, grant_ref_t ref, struct domain *ld,
                             bool ro, bool mapping, unsigned long *mfn)
{
    struct active_grant *act;
    bool in_use;
    int16_t rc;

    if ( ref >= nr_entries(rgt) )
        return GNTST_bad_gntref;
    act = active_entry(rgt, ref);
    in_use = act->rd_maps || act->wr_maps;
    if ( in_use && act->domid != ld->domain_id )
        return GNTST_general_error;
    if ( !in_use || (!ro && !act->wr_maps) )
    {
        rc = entry_acquire(shared_entry(rgt, ref), in_use, ro, mapping, ld->domain_id);
        if ( rc )
            return rc;
    }
    if ( !in_use )
    {
        act->mfn = domain_ram_frame(rgt->d, ACCESS_ONCE(shared_entry(rgt, ref)->frame));
        act->domid = ld->domain_id;
        if ( act->mfn == (uint32_t)INVALID_MFN )
        {
            entry_settle(rgt, ref);
            return GNTST_bad_page;
        }
    }
    *mfn = act->mfn;
    return GNTST_okay;
}

/* The granting domain @domid's table, if it exists (under memory_lock). */
static struct grant_table *granter_table(domid_t domid)
{
    struct domain *rd = domain_by_id(domid);

    return rd ? rd->grant_table : NULL;
}

/* ---- map ------------------------------------------------------------------- */

static int16_t map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool ro = op->flags & GNTMAP_readonly;
    uint64_t gfn = op->host_addr >> PAGE_SHIFT;
    struct grant_mapping *m;
    struct active_grant *act;
    unsigned long mfn;
    grant_handle_t h;
    int16_t rc;

    if ( !(op->flags & (GNTMAP_device_map | GNTMAP_host_map)) )
        return GNTST_bad_gntref;
    /* An HVM/PVH guest maps into its p2m only: no device, PTE or user mappings. */
    if ( op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte) )
        return GNTST_general_error;
    rgt = granter_table(op->dom);
    if ( !rgt )
        return GNTST_bad_domain;
    h = maptrack_get(lgt);
    if ( h == MAPTRACK_END )
        return GNTST_no_device_space;
    rc = grant_acquire(rgt, op->ref, ld, ro, true, &mfn);
    if ( rc )
        goto put;
    act = active_entry(rgt, op->ref);
    /* Only into a hole: the mapping hides nothing, and unmap leaves a hole again. */
    if ( p2m_lookup(ld->p2m, gfn, NULL) != INVALID_MFN || !page_pin_ok(mfn) ||
         p2m_set_entry(ld->p2m, gfn, mfn, 0, ro ? p2m_grant_map_ro : p2m_grant_map_rw) )
    {
        entry_settle(rgt, op->ref);
        rc = GNTST_general_error;
        goto put;
    }
    page_pin(mfn);
    if ( ro )
        act->rd_maps++;
    else
        act->wr_maps++;
    m = maptrack_entry(lgt, h);
    m->granter = rgt;
    m->gfn = gfn;
    m->ref = op->ref;
    m->mfn = mfn;
    m->flags = GNTMAP_host_map | (ro ? GNTMAP_readonly : 0);
    op->handle = h;
    /* Machine addresses are none of a translated guest's business. */
    op->dev_bus_addr = 0;
    return GNTST_okay;

 put:
    maptrack_put(lgt, h);
    return rc;
}

static long gnttab_map(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_map_grant_ref op;
    unsigned int i;

    for ( i = 0; i < count; i++ )
    {
        unsigned long addr = uop + i * sizeof(op);

        if ( copy_from_guest_virt(v, &op, addr, sizeof(op)) )
            return -EFAULT;
        memory_lock();
        op.status = map_one(v->domain, &op);
        memory_unlock();
        if ( op.status )
            printk(XENLOG_DEBUG "d%u: map_grant_ref d%u ref %u at %#lx: status %d\n",
                   v->domain->domain_id, op.dom, op.ref, (unsigned long)op.host_addr,
                   op.status);
        if ( copy_to_guest_virt(v, addr, &op, sizeof(op)) )
            return -EFAULT;
    }
    return 0;
}

/* ---- unmap ----------------------------------------------------------------- */

/*
 * Release mapping @m of @holder whose p2m entry is gone and flushed (or
 * whose p2m goes with the holder): counts, in-use flags, the frame's pin.
 */
static void release_mapping(struct grant_mapping *m)
{
    struct grant_table *rgt = m->granter;

    if ( rgt )
    {
        struct active_grant *act = active_entry(rgt, m->ref);

        if ( m->flags & GNTMAP_readonly )
            act->rd_maps--;
        else
            act->wr_maps--;
        entry_settle(rgt, m->ref);
    }
    page_unpin(m->mfn);
}

/* First half of an unmap: check the handle and take the p2m entry away. */
static int16_t unmap_begin(struct domain *ld, const struct gnttab_unmap_grant_ref *op)
{
    struct grant_table *lgt = ld->grant_table;
    struct grant_mapping *m;

    if ( op->handle >= lgt->maptrack_limit )
        return GNTST_bad_handle;
    m = maptrack_entry(lgt, op->handle);
    if ( !m->flags || m->unmapping )
        return GNTST_bad_handle;
    /* Map gave a bus address of 0; anything else names some other mapping. */
    if ( op->dev_bus_addr )
        return GNTST_general_error;
    if ( op->host_addr >> PAGE_SHIFT != m->gfn )
        return GNTST_general_error;
    /* A 4 KiB entry exists: removing it needs no memory. */
    p2m_set_entry(ld->p2m, m->gfn, INVALID_MFN, 0, p2m_invalid);
    m->unmapping = 1;
    return GNTST_okay;
}

static long gnttab_unmap(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct domain *ld = v->domain;
    struct gnttab_unmap_grant_ref op;
    grant_handle_t begun[UNMAP_BATCH];
    unsigned int i = 0, n, k;
    long rc = 0;

    while ( i < count && !rc )
    {
        for ( n = 0; n < UNMAP_BATCH && i < count; i++ )
        {
            unsigned long addr = uop + i * sizeof(op);

            if ( copy_from_guest_virt(v, &op, addr, sizeof(op)) )
            {
                rc = -EFAULT;
                break;
            }
            memory_lock();
            op.status = unmap_begin(ld, &op);
            memory_unlock();
            if ( !op.status )
                begun[n++] = op.handle;
            else
                printk(XENLOG_DEBUG "d%u: unmap_grant_ref handle %u at %#lx: status %d\n",
                       ld->domain_id, op.handle, (unsigned long)op.host_addr, op.status);
            if ( copy_to_guest_virt(v, addr + offsetof(struct gnttab_unmap_grant_ref, status),
                                    &op.status, sizeof(op.status)) )
            {
                rc = -EFAULT;
                i++;
                break;
            }
        }
        /* Second half, once no CPU can reach the frames through the old entries. */
        if ( n )
            p2m_flush_sync(ld);
        memory_lock();
        for ( k = 0; k < n; k++ )
        {
            struct grant_mapping *m = maptrack_entry(ld->grant_table, begun[k]);

            release_mapping(m);
            maptrack_put(ld->grant_table, begun[k]);
        }
        memory_unlock();
    }
    return rc;
}

/* ---- copy ------------------------------------------------------------------ */

struct copy_side {
    struct grant_table *gt;         /* a grant reference of this table, or NULL */
    grant_ref_t ref;
    unsigned long mfn;
    bool acquired;
};

/* Find one side of a copy: its domain's table for a grant, the caller's own frame otherwise. */
static int16_t copy_lookup(struct domain *ld, const struct gnttab_copy_ptr *p, bool is_gref,
                           struct copy_side *s)
{
    memset(s, 0, sizeof(*s));
    /* A frame number means the caller's own frame, named as DOMID_SELF only. */
    if ( !is_gref )
        return p->domid == DOMID_SELF ? GNTST_okay : GNTST_permission_denied;
    s->gt = p->domid == DOMID_SELF ? ld->grant_table : granter_table(p->domid);
    s->ref = p->u.ref;
    return s->gt ? GNTST_okay : GNTST_bad_domain;
}

static int16_t copy_claim(struct domain *ld, const struct gnttab_copy_ptr *p,
                          struct copy_side *s, bool ro)
{
    p2m_type_t t;
    int16_t rc;

    if ( s->gt )
    {
        rc = grant_acquire(s->gt, s->ref, ld, ro, false, &s->mfn);
        s->acquired = !rc;
        return rc;
    }
    s->mfn = p2m_lookup(ld->p2m, p->u.gmfn, &t);
    if ( s->mfn == INVALID_MFN || (t != p2m_ram_rw && !(ro && t == p2m_ram_ro)) )
        return GNTST_bad_page;
    return GNTST_okay;
}

static int16_t copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    int16_t rc;

    rc = copy_lookup(ld, &op->source, op->flags & GNTCOPY_source_gref, &src);
    if ( !rc )
        rc = copy_lookup(ld, &op->dest, op->flags & GNTCOPY_dest_gref, &dst);
    if ( rc )
        return rc;
    rc = copy_claim(ld, &op->source, &src, true);
    if ( !rc )
        rc = copy_claim(ld, &op->dest, &dst, false);
    if ( !rc && ((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
                 (unsigned int)op->dest.offset + op->len > PAGE_SIZE) )
        rc = GNTST_bad_copy_arg;
    if ( !rc )
        memmove((uint8_t *)mfn_to_virt(dst.mfn) + op->dest.offset,
                (uint8_t *)mfn_to_virt(src.mfn) + op->source.offset, op->len);
    /* The flags the copy set go again, unless mappings still need them. */
    if ( src.acquired )
        entry_settle(src.gt, src.ref);
    if ( dst.acquired )
        entry_settle(dst.gt, dst.ref);
    return rc;
}

static long gnttab_copy(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct gnttab_copy op;
    unsigned int i;

    for ( i = 0; i < count; i++ )
    {
        unsigned long addr = uop + i * sizeof(op);

        if ( copy_from_guest_virt(v, &op, addr, sizeof(op)) )
            return -EFAULT;
        memory_lock();
        op.status = copy_one(v->domain, &op);
        memory_unlock();
        if ( op.status )
            printk(XENLOG_DEBUG "d%u: grant copy (flags %#x): status %d\n",
                   v->domain->domain_id, op.flags, op.status);
        if ( copy_to_guest_virt(v, addr + offsetof(struct gnttab_copy, status), &op.status,
                                sizeof(op.status)) )
            return -EFAULT;
    }
    return 0;
}

/* ---- size and version ------------------------------------------------------ */

/* The table a query names: the caller's (DOMID_SELF or its id); GNTST_* otherwise. */
static int16_t own_table(struct domain *ld, domid_t dom)
{
    if ( dom == DOMID_SELF || dom == ld->domain_id )
        return GNTST_okay;
    return domain_by_id(dom) ? GNTST_permission_denied : GNTST_bad_domain;
}

static long gnttab_query_size(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct grant_table *gt = v->domain->grant_table;
    struct gnttab_query_size op;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
        return -EFAULT;
    op.status = own_table(v->domain, op.dom);
    if ( !op.status )
    {
        memory_lock();
        op.nr_frames = gt->nr_frames;
        memory_unlock();
        op.max_nr_frames = GNTTAB_MAX_FRAMES;
    }
    return copy_to_guest_virt(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/*
 * setup_table: grow the table to nr_frames and list its frames.  For a
 * translated guest the list holds the GFN each frame is mapped at, or
 * ~0 for one it has not mapped (as Xen).
 */
static long gnttab_setup_table(struct vcpu *v, unsigned long uop, unsigned int count)
{
    struct grant_table *gt = v->domain->grant_table;
    struct gnttab_setup_table op;
    uint64_t gfns[GNTTAB_MAX_FRAMES];
    unsigned int i;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
        return -EFAULT;
    op.status = own_table(v->domain, op.dom);
    if ( !op.status && op.nr_frames > GNTTAB_MAX_FRAMES )
        op.status = GNTST_general_error;
    if ( !op.status )
    {
        memory_lock();
        if ( op.nr_frames > gt->nr_frames && grow_table(gt, op.nr_frames) )
            op.status = GNTST_general_error;
        memcpy(gfns, gt->frame_gfn, sizeof(gfns));
        memory_unlock();
    }
    for ( i = 0; !op.status && i < op.nr_frames; i++ )
        if ( copy_to_guest_virt(v, op.frame_list + i * sizeof(gfns[0]), &gfns[i],
                                sizeof(gfns[0])) )
            op.status = GNTST_bad_virt_addr;
    return copy_to_guest_virt(v, uop + offsetof(struct gnttab_setup_table, status), &op.status,
                              sizeof(op.status)) ? -EFAULT : 0;
}

/* Version 1 only: asking for 2 is refused as by a Xen built without version 2. */
static long gnttab_set_version(struct vcpu *v, unsigned long uop)
{
    struct gnttab_set_version op;
    long rc;

    if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
        return -EFAULT;
    rc = op.version == 1 ? 0 : op.version == 2 ? -ENOSYS : -EINVAL;
    op.version = 1;
    return copy_to_guest_virt(v, uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long gnttab_get_version(struct vcpu *v, unsigned long uop)
{
    struct gnttab_get_version op;

    if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
        return -EFAULT;
    switch ( own_table(v->domain, op.dom) )
    {
    case GNTST_bad_domain:
        return -ESRCH;
    case GNTST_permission_denied:
        return -EPERM;
    }
    op.version = 1;
    return copy_to_guest_virt(v, uop + offsetof(struct gnttab_get_version, version), &op.version,
                              sizeof(op.version)) ? -EFAULT : 0;
}

long do_grant_table_op(unsigned long cmd_arg, unsigned long uop, unsigned long count_arg)
{
    struct vcpu *v = current_vcpu();
    /* Both are C ints in the ABI. */
    unsigned int cmd = cmd_arg, count = count_arg;

    if ( !v->domain->grant_table )
        return -ENOSYS;     /* the self-test's hand-built domains have none */
    if ( (int)count < 0 || (cmd & ~GNTTABOP_CMD_MASK) )
        return -EINVAL;
    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        return gnttab_map(v, uop, count);
    case GNTTABOP_unmap_grant_ref:
        return gnttab_unmap(v, uop, count);
    case GNTTABOP_copy:
        return gnttab_copy(v, uop, count);
    case GNTTABOP_setup_table:
        return gnttab_setup_table(v, uop, count);
    case GNTTABOP_query_size:
        return gnttab_query_size(v, uop, count);
    case GNTTABOP_set_version:
        return gnttab_set_version(v, uop);
    case GNTTABOP_get_version:
        return gnttab_get_version(v, uop);
    default:
        /* transfer, unmap_and_replace, swap_grant_ref, status frames (v2), cache_flush... */
        return -ENOSYS;
    }
}

/* ---- frames in the guest's p2m --------------------------------------------- */

int gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
    struct grant_table *gt = d->grant_table;
    struct page_list_head freed = PAGE_LIST_HEAD_INIT;
    unsigned long mfn, old;
    unsigned int other = GNTTAB_MAX_FRAMES, i;
    bool flush = false;
    int rc = 0;

    /* Status frames (the index bit) exist under version 2 only. */
    if ( idx >= GNTTAB_MAX_FRAMES )
        return -EINVAL;

    memory_lock();
    if ( idx >= gt->nr_frames && (rc = grow_table(gt, idx + 1)) )
        goto out;
    if ( gt->frame_gfn[idx] == gfn )
        goto out;
    mfn = virt_to_mfn(gt->shared[idx]);
    old = p2m_lookup(d->p2m, gfn, NULL);
    if ( old != INVALID_MFN )
    {
        /* Another frame of the table moves away; RAM is given back (as Xen); else busy. */
        for ( i = 0; i < gt->nr_frames; i++ )
            if ( gt->frame_gfn[i] == gfn )
                other = i;
        if ( other == GNTTAB_MAX_FRAMES && (rc = domain_take_page(d, gfn, &freed)) )
        {
            rc = rc == -EINVAL ? -EBUSY : rc;
            goto out;
        }
        flush = true;
    }
    /* The entry at gfn is a 4 KiB one now if anything was there: no memory needed then. */
    rc = p2m_set_entry(d->p2m, gfn, mfn, 0, p2m_ram_rw);
    if ( rc )
        goto out;
    if ( other != GNTTAB_MAX_FRAMES )
        gt->frame_gfn[other] = GFN_NONE;
    if ( gt->frame_gfn[idx] != GFN_NONE )
    {
        p2m_set_entry(d->p2m, gt->frame_gfn[idx], INVALID_MFN, 0, p2m_invalid);
        flush = true;
    }
    gt->frame_gfn[idx] = gfn;
 out:
    memory_unlock();
    if ( flush )
        p2m_flush_sync(d);
    free_released_pages(&freed);
    return rc;
}

/* ---- a domain's end ---------------------------------------------------------- */

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table, **pp, *other;
    unsigned int i, h;

    if ( !gt )
        return;
    memory_lock();
    /* The mappings it holds: its p2m goes with it, so only counts and pins. */
    for ( h = 0; h < gt->maptrack_limit; h++ )
        if ( maptrack_entry(gt, h)->flags )
            release_mapping(maptrack_entry(gt, h));
    /* Mappings others hold of its grants lose their granter; the frames stay pinned. */
    for ( other = all_tables; other; other = other->next )
        for ( h = 0; other != gt && h < other->maptrack_limit; h++ )
            if ( maptrack_entry(other, h)->granter == gt )
                maptrack_entry(other, h)->granter = NULL;
    for ( pp = &all_tables; *pp != gt; pp = &(*pp)->next )
        ;
    *pp = gt->next;
    d->grant_table = NULL;
    memory_unlock();

    for ( i = 0; i < gt->nr_frames; i++ )
    {
        free_xenheap_pages(gt->shared[i], 0);
        xfree(gt->active[i]);
    }
    for ( i = 0; i < MAPTRACK_PAGES && gt->maptrack[i]; i++ )
        free_xenheap_pages(gt->maptrack[i], 0);
    xfree(gt);
}
