/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small-object heap on top of alloc_xenheap_pages().
 *
 * Small objects (up to 2 KiB) come from size-class slabs: one page per
 * slab with a header at the start of the page, so the owner of any
 * object is found by rounding its address down to a page.  Larger
 * objects get whole pages with the same kind of header in front of
 * them.  Headers carry a magic number and slabs keep an allocation
 * bitmap, so frees of foreign pointers and double frees are caught.
 *
 * Not thread-safe yet: all state is in the one struct below so a single
 * lock around it is all SMP will need.
 */
#include <keel/lib.h>
#include <keel/xmalloc.h>
#include <keel/spinlock.h>

#define SLAB_MAGIC      0x534c4142U     /* "SLAB" */
#define LARGE_MAGIC     0x4c415247U     /* "LARG" */
#define DEAD_MAGIC      0xdeadbeefU

#define MIN_SHIFT       4               /* 16-byte objects and alignment */
#define MAX_SHIFT       11              /* 2 KiB */
#define NR_CLASSES      (MAX_SHIFT - MIN_SHIFT + 1)
#define HDR_SIZE        64              /* header room; keeps 16-byte alignment */
#define MAX_OBJS        ((PAGE_SIZE - HDR_SIZE) >> MIN_SHIFT)
#define LARGE_MAX_ORDER 20

struct slab {
    uint32_t magic;
    uint16_t cls;
    uint16_t nr_free;
    void *free_list;                    /* singly linked through the objects */
    struct slab *prev, *next;           /* partial list of the class */
    uint8_t used[MAX_OBJS / 8];         /* allocation bitmap */
};

struct large {
    uint32_t magic;
    uint32_t order;
};

_Static_assert(sizeof(struct slab) <= HDR_SIZE, "slab header too big");
_Static_assert(sizeof(struct large) <= HDR_SIZE, "large header too big");

static struct {
    struct slab *partial[NR_CLASSES];   /* slabs with at least one free object */
    unsigned long nr_slabs;
    unsigned long nr_large_pages;
} xm;

static unsigned int class_size(unsigned int cls)
{
    return 1U << (cls + MIN_SHIFT);
}

static unsigned int class_objs(unsigned int cls)
{
    return (unsigned int)((PAGE_SIZE - HDR_SIZE) / class_size(cls));
}

static void partial_add(struct slab *s)
{
    struct slab **head = &xm.partial[s->cls];

    s->prev = NULL;
    s->next = *head;
    if ( *head )
        (*head)->prev = s;
    *head = s;
}

static void partial_del(struct slab *s)
{
    if ( s->prev )
        s->prev->next = s->next;
    else
        xm.partial[s->cls] = s->next;
    if ( s->next )
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

/* Pages taken from the frame allocator, counted for xmalloc_pages_held(). */
static unsigned long pages_held;

static void *heap_pages_get(unsigned int order)
{
    void *p = alloc_xenheap_pages(order);

    if ( p )
        pages_held += 1UL << order;
    return p;
}

static void heap_pages_put(void *p, unsigned int order)
{
    pages_held -= 1UL << order;
    free_xenheap_pages(p, order);
}

unsigned long xmalloc_pages_held(void)
{
    return pages_held;
}

static struct slab *slab_new(unsigned int cls)
{
    struct slab *s = heap_pages_get(0);
    unsigned int i, n = class_objs(cls), size = class_size(cls);
    uint8_t *obj;

    if ( !s )
        return NULL;
    memset(s, 0, sizeof(*s));
    s->magic = SLAB_MAGIC;
    s->cls = (uint16_t)cls;
    s->nr_free = (uint16_t)n;

    /* Thread the free list in address order. */
    obj = (uint8_t *)s + HDR_SIZE;
    s->free_list = obj;
    for ( i = 0; i + 1 < n; i++ )
        *(void **)(obj + i * size) = obj + (i + 1) * size;
    *(void **)(obj + (n - 1) * size) = NULL;

    xm.nr_slabs++;
    partial_add(s);
    return s;
}

static void *alloc_small(size_t size)
{
    unsigned int cls = 0, idx;
    struct slab *s;
    void *obj;

    while ( class_size(cls) < size )
        cls++;

    s = xm.partial[cls];
    if ( !s && !(s = slab_new(cls)) )
        return NULL;

    obj = s->free_list;
    s->free_list = *(void **)obj;
    s->nr_free--;
    idx = (unsigned int)(((uint8_t *)obj - ((uint8_t *)s + HDR_SIZE)) /
                         class_size(cls));
    s->used[idx / 8] |= (uint8_t)(1U << (idx % 8));
    if ( !s->nr_free )
        partial_del(s);
    return obj;
}

static void *alloc_large(size_t size)
{
    unsigned int order = 0;
    struct large *l;

    while ( (PAGE_SIZE << order) - HDR_SIZE < size )
        if ( ++order > LARGE_MAX_ORDER )
            return NULL;

    l = heap_pages_get(order);
    if ( !l )
        return NULL;
    l->magic = LARGE_MAGIC;
    l->order = order;
    xm.nr_large_pages += 1UL << order;
    return (uint8_t *)l + HDR_SIZE;
}

/* One lock for the whole heap: objects are allocated and freed on every CPU. */
static DEFINE_SPINLOCK(xmalloc_lock);

void *xmalloc_bytes(size_t size)
{
    void *p;

    spin_lock(&xmalloc_lock);
    /* Zero-byte requests still get a distinct, freeable pointer. */
    if ( size <= class_size(NR_CLASSES - 1) )
        p = alloc_small(size ? size : 1);
    else
        p = alloc_large(size);
    spin_unlock(&xmalloc_lock);
    return p;
}

void *xzalloc_bytes(size_t size)
{
    void *p = xmalloc_bytes(size);

    if ( p )
        memset(p, 0, size);
    return p;
}

void *xmalloc_array_bytes(size_t size, size_t n)
{
    if ( n && size > (size_t)-1 / n )
        return NULL;
    return xmalloc_bytes(size * n);
}

void *xzalloc_array_bytes(size_t size, size_t n)
{
    if ( n && size > (size_t)-1 / n )
        return NULL;
    return xzalloc_bytes(size * n);
}

static void free_small(struct slab *s, void *p)
{
    uintptr_t first = (uintptr_t)s + HDR_SIZE;
    unsigned int size, idx;

    BUG_ON(s->cls >= NR_CLASSES);
    size = class_size(s->cls);
    /* The pointer must be the start of an object of this slab. */
    BUG_ON((uintptr_t)p < first || ((uintptr_t)p - first) % size);
    idx = (unsigned int)(((uintptr_t)p - first) / size);
    BUG_ON(idx >= class_objs(s->cls));
    /* Double free: the object is not marked in use. */
    BUG_ON(!(s->used[idx / 8] & (1U << (idx % 8))));

    s->used[idx / 8] &= (uint8_t)~(1U << (idx % 8));
    *(void **)p = s->free_list;
    s->free_list = p;
    if ( !s->nr_free++ )
        partial_add(s);

    /*
     * Give an empty slab back unless it is the class's only one, so a
     * loop of alloc/free of one object does not churn pages.
     */
    if ( s->nr_free == class_objs(s->cls) &&
         (xm.partial[s->cls] != s || s->next) )
    {
        partial_del(s);
        s->magic = DEAD_MAGIC;
        xm.nr_slabs--;
        heap_pages_put(s, 0);
    }
}

static void xfree_locked(void *p)
{
    void *page;

    if ( !p )
        return;

    page = (void *)ROUNDDOWN((uintptr_t)p, PAGE_SIZE);
    if ( *(uint32_t *)page == SLAB_MAGIC )
    {
        free_small(page, p);
        return;
    }

    if ( *(uint32_t *)page == LARGE_MAGIC )
    {
        struct large *l = page;

        BUG_ON((uint8_t *)p != (uint8_t *)l + HDR_SIZE);
        BUG_ON(l->order > LARGE_MAX_ORDER);
        /* Poison the magic so a second free is caught. */
        l->magic = DEAD_MAGIC;
        xm.nr_large_pages -= 1UL << l->order;
        heap_pages_put(l, l->order);
        return;
    }

    /* Not from xmalloc, or already freed with its page. */
    BUG();
}

void xfree(void *p)
{
    spin_lock(&xmalloc_lock);
    xfree_locked(p);
    spin_unlock(&xmalloc_lock);
}
