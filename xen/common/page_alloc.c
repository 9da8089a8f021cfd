/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Buddy allocator for machine frames.
 *
 * Free blocks of 2^order naturally aligned frames sit on one list per
 * (zone, order).  A zone holds the frames whose mfn has a given bit
 * width, so a naturally aligned block that does not start at mfn 0
 * always lies inside one zone; the only blocks that would straddle zones
 * start at mfn 0, and those are never formed (merges check the zone).
 *
 * All state lives in one struct so a lock can be wrapped around it when
 * secondary CPUs start allocating; today only the boot CPU does.
 */
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>

#define NR_ORDERS   (MAX_ORDER + 1)

static struct {
    struct page_info *ft;               /* frame table */
    unsigned long nr_frames;
    uint32_t free_head[NR_ZONES][NR_ORDERS];
    unsigned long zone_free[NR_ZONES];  /* free frames per zone */
    unsigned long free_frames;
    unsigned long total_frames;
} heap;

/* Number of significant bits in @mfn: 0 for mfn 0, 1 for 1, 2 for 2-3... */
static unsigned int zone_of(unsigned long mfn)
{
    return mfn ? 64 - (unsigned int)__builtin_clzl(mfn) : 0;
}

static void list_add(unsigned long mfn, unsigned int zone, unsigned int order)
{
    struct page_info *pg = &heap.ft[mfn];
    uint32_t head = heap.free_head[zone][order];

    pg->list.prev = PAGE_LIST_NULL;
    pg->list.next = head;
    if ( head != PAGE_LIST_NULL )
        heap.ft[head].list.prev = (uint32_t)mfn;
    heap.free_head[zone][order] = (uint32_t)mfn;
}

static void list_del(unsigned long mfn, unsigned int zone, unsigned int order)
{
    struct page_info *pg = &heap.ft[mfn];

    if ( pg->list.prev != PAGE_LIST_NULL )
        heap.ft[pg->list.prev].list.next = pg->list.next;
    else
        heap.free_head[zone][order] = pg->list.next;
    if ( pg->list.next != PAGE_LIST_NULL )
        heap.ft[pg->list.next].list.prev = pg->list.prev;
    pg->list.next = pg->list.prev = PAGE_LIST_NULL;
}

static void set_tails(unsigned long mfn, unsigned int order, uint32_t state)
{
    unsigned long i;

    for ( i = 1; i < (1UL << order); i++ )
        heap.ft[mfn + i].state = state;
}

/*
 * Put a block whose tails are already PGS_FREE_TAIL on the free lists,
 * merging with its buddy as long as the buddy is a free block of the
 * same order in the same zone.
 */
static void free_block(unsigned long mfn, unsigned int order)
{
    unsigned int zone = zone_of(mfn);

    heap.free_frames += 1UL << order;
    heap.zone_free[zone] += 1UL << order;

    while ( order < MAX_ORDER )
    {
        unsigned long buddy = mfn ^ (1UL << order);
        struct page_info *b;

        if ( buddy >= heap.nr_frames || zone_of(buddy) != zone )
            break;
        b = &heap.ft[buddy];
        if ( b->state != PGS_FREE_HEAD || b->order != order )
            break;
        list_del(buddy, zone, order);
        b->state = PGS_FREE_TAIL;
        heap.ft[mfn].state = PGS_FREE_TAIL;
        mfn &= ~(1UL << order);
        order++;
    }

    heap.ft[mfn].state = PGS_FREE_HEAD;
    heap.ft[mfn].order = (uint8_t)order;
    list_add(mfn, zone, order);
}

void heap_init(struct page_info *table, unsigned long nr_frames)
{
    unsigned int z, o;

    /* Frame numbers must fit the 32-bit list links. */
    BUG_ON(nr_frames >= PAGE_LIST_NULL);

    memset(&heap, 0, sizeof(heap));
    heap.ft = table;
    heap.nr_frames = nr_frames;
    for ( z = 0; z < NR_ZONES; z++ )
        for ( o = 0; o < NR_ORDERS; o++ )
            heap.free_head[z][o] = PAGE_LIST_NULL;
    memset(table, 0, nr_frames * sizeof(*table));
    for ( unsigned long i = 0; i < nr_frames; i++ )
        table[i].list.next = table[i].list.prev = PAGE_LIST_NULL;
}

void heap_add_range(unsigned long mfn, unsigned long nr)
{
    unsigned long end = mfn + nr, i;

    BUG_ON(end < mfn || end > heap.nr_frames);
    /* Adding a frame twice would corrupt the lists: refuse up front. */
    for ( i = mfn; i < end; i++ )
        BUG_ON(heap.ft[i].state != PGS_NOT_RAM);

    /* Carve the largest aligned blocks that fit, not frame by frame. */
    while ( mfn < end )
    {
        unsigned int order = mfn ? (unsigned int)__builtin_ctzl(mfn) : MAX_ORDER;

        if ( order > MAX_ORDER )
            order = MAX_ORDER;
        while ( (1UL << order) > end - mfn )
            order--;
        /* A block at mfn 0 would span zones: keep mfn 0 on its own. */
        if ( mfn == 0 )
            order = 0;

        set_tails(mfn, order, PGS_FREE_TAIL);
        free_block(mfn, order);
        heap.total_frames += 1UL << order;
        mfn += 1UL << order;
    }
}

static unsigned long alloc_locked(unsigned int order, unsigned int max_bits)
{
    int top_zone = NR_ZONES - 1;
    int zone;
    unsigned int o;

    if ( order > MAX_ORDER )
        return INVALID_MFN;
    if ( max_bits )
    {
        /* Zone z's frames end below 2^(z + PAGE_SHIFT). */
        if ( max_bits < PAGE_SHIFT )
            return INVALID_MFN;
        if ( max_bits - PAGE_SHIFT < (unsigned int)top_zone )
            top_zone = (int)(max_bits - PAGE_SHIFT);
    }

    /* Highest zone first, so low memory stays for those who need it. */
    for ( zone = top_zone; zone >= 0; zone-- )
    {
        if ( heap.zone_free[zone] < (1UL << order) )
            continue;
        for ( o = order; o < NR_ORDERS; o++ )
        {
            unsigned long mfn = heap.free_head[zone][o];

            if ( mfn == PAGE_LIST_NULL )
                continue;

            list_del(mfn, (unsigned int)zone, o);
            /* Split: hand the upper halves back as smaller free blocks. */
            while ( o > order )
            {
                unsigned long half;

                o--;
                half = mfn + (1UL << o);
                heap.ft[half].state = PGS_FREE_HEAD;
                heap.ft[half].order = (uint8_t)o;
                list_add(half, (unsigned int)zone, o);
            }

            heap.ft[mfn].state = PGS_ALLOC_HEAD;
            heap.ft[mfn].order = (uint8_t)order;
            set_tails(mfn, order, PGS_ALLOC_TAIL);
            for ( unsigned long i = 0; i < (1UL << order); i++ )
            {
                heap.ft[mfn + i].owner = NULL;
                heap.ft[mfn + i].flags = 0;
                heap.ft[mfn + i].pins = 0;
            }
            heap.free_frames -= 1UL << order;
            heap.zone_free[zone] -= 1UL << order;
            return mfn;
        }
    }
    return INVALID_MFN;
}

static void free_locked(unsigned long mfn, unsigned int order)
{
    unsigned long i;

    BUG_ON(order > MAX_ORDER);
    BUG_ON(mfn >= heap.nr_frames || (mfn & ((1UL << order) - 1)));
    BUG_ON(heap.nr_frames - mfn < (1UL << order));
    /* Double free, wrong order or a stray mfn all end here. */
    BUG_ON(heap.ft[mfn].state != PGS_ALLOC_HEAD);
    BUG_ON(heap.ft[mfn].order != order);
    for ( i = 1; i < (1UL << order); i++ )
        BUG_ON(heap.ft[mfn + i].state != PGS_ALLOC_TAIL);

    set_tails(mfn, order, PGS_FREE_TAIL);
    free_block(mfn, order);
}

/* Every CPU allocates and frees (domains end on any CPU): one lock for the heap. */
static DEFINE_SPINLOCK(heap_lock);

unsigned long alloc_pages_bits(unsigned int order, unsigned int max_bits)
{
    unsigned long mfn;

    spin_lock(&heap_lock);
    mfn = alloc_locked(order, max_bits);
    spin_unlock(&heap_lock);
    return mfn;
}

void free_pages(unsigned long mfn, unsigned int order)
{
    spin_lock(&heap_lock);
    free_locked(mfn, order);
    spin_unlock(&heap_lock);
}

unsigned long split_alloc_block(unsigned long mfn, unsigned int *order)
{
    unsigned long head = INVALID_MFN, i;
    unsigned int o;

    spin_lock(&heap_lock);
    if ( mfn >= heap.nr_frames )
        goto out;
    /*
     * Blocks are naturally aligned and every frame between a head and
     * @mfn is a tail, so the first head met while rounding @mfn down
     * to ever larger alignments is the head of @mfn's block, if its
     * order reaches that far.
     */
    for ( o = 0; o <= MAX_ORDER; o++ )
    {
        unsigned long c = mfn & ~((1UL << o) - 1);

        if ( heap.ft[c].state == PGS_ALLOC_HEAD )
        {
            if ( heap.ft[c].order >= o )
                head = c;
            break;
        }
        if ( heap.ft[c].state != PGS_ALLOC_TAIL )
            break;
    }
    if ( head == INVALID_MFN )
        goto out;
    *order = heap.ft[head].order;
    for ( i = 0; i < (1UL << *order); i++ )
    {
        heap.ft[head + i].state = PGS_ALLOC_HEAD;
        heap.ft[head + i].order = 0;
    }
 out:
    spin_unlock(&heap_lock);
    return head;
}

struct page_info *mfn_to_page(unsigned long mfn)
{
    return mfn < heap.nr_frames ? &heap.ft[mfn] : NULL;
}

unsigned long heap_max_frame(void)
{
    return heap.nr_frames;
}

void page_list_add(struct page_list_head *h, unsigned long mfn)
{
    struct page_info *pg = &heap.ft[mfn];

    pg->list.prev = PAGE_LIST_NULL;
    pg->list.next = h->first;
    if ( h->first != PAGE_LIST_NULL )
        heap.ft[h->first].list.prev = (uint32_t)mfn;
    h->first = (uint32_t)mfn;
}

void page_list_del(struct page_list_head *h, unsigned long mfn)
{
    struct page_info *pg = &heap.ft[mfn];

    if ( pg->list.prev != PAGE_LIST_NULL )
        heap.ft[pg->list.prev].list.next = pg->list.next;
    else
        h->first = pg->list.next;
    if ( pg->list.next != PAGE_LIST_NULL )
        heap.ft[pg->list.next].list.prev = pg->list.prev;
    pg->list.next = pg->list.prev = PAGE_LIST_NULL;
}

unsigned long page_list_first(const struct page_list_head *h)
{
    return h->first == PAGE_LIST_NULL ? INVALID_MFN : h->first;
}

unsigned long page_list_next(unsigned long mfn)
{
    uint32_t next = heap.ft[mfn].list.next;

    return next == PAGE_LIST_NULL ? INVALID_MFN : next;
}

unsigned long heap_free_frames(void)
{
    return heap.free_frames;
}

unsigned long heap_total_frames(void)
{
    return heap.total_frames;
}

void heap_check(void)
{
    unsigned long listed = 0, free_heads = 0, free_frames = 0;
    unsigned long zone_free[NR_ZONES] = { 0 };
    unsigned long mfn;
    unsigned int z, o;

    /* Every list entry: a free head of the list's order and zone. */
    for ( z = 0; z < NR_ZONES; z++ )
    {
        for ( o = 0; o < NR_ORDERS; o++ )
        {
            uint32_t prev = PAGE_LIST_NULL, cur = heap.free_head[z][o];

            while ( cur != PAGE_LIST_NULL )
            {
                const struct page_info *pg;

                BUG_ON(cur >= heap.nr_frames);
                pg = &heap.ft[cur];
                BUG_ON(pg->state != PGS_FREE_HEAD || pg->order != o);
                BUG_ON(zone_of(cur) != z);
                BUG_ON(pg->list.prev != prev);
                /* More entries than frames means a cycle. */
                BUG_ON(++listed > heap.nr_frames);
                zone_free[z] += 1UL << o;
                prev = cur;
                cur = pg->list.next;
            }
        }
        BUG_ON(zone_free[z] != heap.zone_free[z]);
    }

    /* Every frame: heads own exactly their tails, nothing is stray. */
    for ( mfn = 0; mfn < heap.nr_frames; )
    {
        const struct page_info *pg = &heap.ft[mfn];
        unsigned long n, i;
        uint32_t tail;

        switch ( pg->state )
        {
        case PGS_NOT_RAM:
            mfn++;
            continue;
        case PGS_FREE_HEAD:
            tail = PGS_FREE_TAIL;
            break;
        case PGS_ALLOC_HEAD:
            tail = PGS_ALLOC_TAIL;
            break;
        default:
            BUG();          /* a tail without its head, or garbage */
        }

        BUG_ON(pg->order > MAX_ORDER);
        n = 1UL << pg->order;
        BUG_ON(mfn & (n - 1));
        BUG_ON(heap.nr_frames - mfn < n);
        BUG_ON(pg->order && mfn == 0);
        for ( i = 1; i < n; i++ )
            BUG_ON(heap.ft[mfn + i].state != tail);

        if ( pg->state == PGS_FREE_HEAD )
        {
            unsigned long buddy = mfn ^ n;

            free_heads++;
            free_frames += n;
            /* Two free buddies in one zone should have been merged. */
            if ( pg->order < MAX_ORDER && buddy < heap.nr_frames &&
                 zone_of(buddy) == zone_of(mfn) )
                BUG_ON(heap.ft[buddy].state == PGS_FREE_HEAD &&
                       heap.ft[buddy].order == pg->order);
        }
        mfn += n;
    }

    BUG_ON(free_heads != listed);
    BUG_ON(free_frames != heap.free_frames);
}
