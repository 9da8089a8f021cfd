/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * E820-style physical memory map handling.
 *
 * Firmware maps can be unsorted, overlapping and nested.  Sanitising
 * sweeps the address space from boundary to boundary and gives each
 * piece the most restrictive type covering it, so RAM is never handed
 * out where firmware also claims something.  Maps hold at most E820MAX
 * entries, so the O(n^2) sweep is cheap and needs no sort buffers.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/e820.h>

/* 52-bit physical address space: the x86-64 architectural maximum. */
#define E820_ADDR_LIMIT (1ULL << 52)

/* Higher wins an overlap.  Unknown types are treated like reserved. */
static unsigned int type_rank(uint32_t type)
{
    switch ( type )
    {
    case E820_RAM:      return 1;
    case E820_KEEL:     return 2;   /* RAM, but ours: must not be RAM again */
    case E820_ACPI:     return 3;
    case E820_NVS:      return 4;
    case E820_RESERVED: return 5;
    case E820_UNUSABLE: return 7;
    default:            return 5;
    }
}

/* True if @a beats @b; ties between equal ranks go to the larger number. */
static bool type_wins(uint32_t a, uint32_t b)
{
    unsigned int ra = type_rank(a), rb = type_rank(b);

    return ra != rb ? ra > rb : a > b;
}

/* Clipped exclusive end of an entry (no overflow for huge sizes). */
static uint64_t entry_end(const struct e820entry *e)
{
    if ( e->addr >= E820_ADDR_LIMIT )
        return e->addr;
    if ( e->size > E820_ADDR_LIMIT - e->addr )
        return E820_ADDR_LIMIT;
    return e->addr + e->size;
}

/* Scratch output: boot-time only and single-threaded, so static is fine. */
static struct e820map sanitize_out;

int e820_sanitize(struct e820map *m)
{
    struct e820map *out = &sanitize_out;
    unsigned int i, n = m->nr_map;
    uint64_t cur = 0;
    bool have_ram = false;

    if ( n > E820MAX )
        n = E820MAX;
    out->nr_map = 0;

    for ( ; ; )
    {
        uint64_t next = ~0ULL;
        uint32_t type = 0;
        bool covered = false, any = false;

        /* The smallest boundary above @cur ends the current piece. */
        for ( i = 0; i < n; i++ )
        {
            uint64_t s = m->map[i].addr, e = entry_end(&m->map[i]);

            if ( s >= e )
                continue;
            if ( s > cur && s < next )
                next = s;
            if ( e > cur && e < next )
                next = e;
            if ( s <= cur && cur < e )
            {
                if ( !covered || type_wins(m->map[i].type, type) )
                    type = m->map[i].type;
                covered = true;
            }
            any = true;
        }
        if ( !any || next == ~0ULL )
            break;

        if ( covered )
        {
            struct e820entry *last = out->nr_map ? &out->map[out->nr_map - 1]
                                                 : NULL;

            if ( last && last->type == type && last->addr + last->size == cur )
                last->size += next - cur;
            else
            {
                if ( out->nr_map == E820MAX )
                    return -ENOSPC;     /* @m is left untouched */
                out->map[out->nr_map].addr = cur;
                out->map[out->nr_map].size = next - cur;
                out->map[out->nr_map].type = type;
                out->nr_map++;
            }
        }
        cur = next;
    }

    m->nr_map = out->nr_map;
    for ( i = 0; i < out->nr_map; i++ )
    {
        m->map[i] = out->map[i];
        if ( m->map[i].type == E820_RAM )
            have_ram = true;
    }

    return have_ram ? (int)m->nr_map : -EINVAL;
}

/* Merge touching entries of the same type (the map is sorted). */
static void merge_neighbours(struct e820map *m)
{
    unsigned int i, j = 0;

    for ( i = 0; i < m->nr_map; i++ )
    {
        if ( j && m->map[j - 1].type == m->map[i].type &&
             m->map[j - 1].addr + m->map[j - 1].size == m->map[i].addr )
            m->map[j - 1].size += m->map[i].size;
        else
            m->map[j++] = m->map[i];
    }
    m->nr_map = j;
}

static void insert_entry(struct e820map *m, unsigned int at, uint64_t addr,
                         uint64_t size, uint32_t type)
{
    memmove(&m->map[at + 1], &m->map[at],
            (m->nr_map - at) * sizeof(m->map[0]));
    m->map[at].addr = addr;
    m->map[at].size = size;
    m->map[at].type = type;
    m->nr_map++;
}

int e820_change_range_type(struct e820map *m, uint64_t start, uint64_t end,
                           uint32_t old_type, uint32_t new_type)
{
    unsigned int i, extra = 0;

    if ( start >= end )
        return 0;

    /* Count the entries splitting needs first, so failure changes nothing. */
    for ( i = 0; i < m->nr_map; i++ )
    {
        const struct e820entry *e = &m->map[i];
        uint64_t e_end = entry_end(e);

        if ( e->type != old_type || e_end <= start || e->addr >= end )
            continue;
        extra += (e->addr < start) + (e_end > end);
    }
    if ( m->nr_map + extra > E820MAX )
        return -ENOSPC;

    for ( i = 0; i < m->nr_map; i++ )
    {
        struct e820entry *e = &m->map[i];
        uint64_t e_start = e->addr, e_end = entry_end(e);
        uint64_t lo, hi;

        if ( e->type != old_type || e_end <= start || e_start >= end )
            continue;

        lo = MAX(e_start, start);
        hi = MIN(e_end, end);

        /* [e_start, lo) old | [lo, hi) new | [hi, e_end) old */
        e->addr = lo;
        e->size = hi - lo;
        e->type = new_type;
        if ( e_start < lo )
        {
            insert_entry(m, i, e_start, lo - e_start, old_type);
            i++;
        }
        if ( hi < e_end )
        {
            insert_entry(m, i + 1, hi, e_end - hi, old_type);
            i++;
        }
    }

    merge_neighbours(m);
    return 0;
}

bool e820_all_mapped(const struct e820map *m, uint64_t start, uint64_t end,
                     uint32_t type)
{
    uint64_t cur = start;
    unsigned int i;

    /* Follow a chain of @type entries from @start until @end is reached. */
    while ( cur < end )
    {
        bool advanced = false;

        for ( i = 0; i < m->nr_map; i++ )
        {
            const struct e820entry *e = &m->map[i];

            if ( e->type == type && e->addr <= cur && cur < entry_end(e) )
            {
                cur = entry_end(e);
                advanced = true;
            }
        }
        if ( !advanced )
            return false;
    }
    return true;
}

uint64_t e820_total(const struct e820map *m, uint32_t type)
{
    uint64_t total = 0;
    unsigned int i;

    for ( i = 0; i < m->nr_map; i++ )
        if ( m->map[i].type == type )
            total += m->map[i].size;
    return total;
}

const char *e820_type_name(uint32_t type)
{
    switch ( type )
    {
    case E820_RAM:      return "usable";
    case E820_RESERVED: return "reserved";
    case E820_ACPI:     return "ACPI data";
    case E820_NVS:      return "ACPI NVS";
    case E820_UNUSABLE: return "unusable";
    case E820_KEEL:     return "hypervisor";
    default:            return "unknown";
    }
}

void e820_print(const struct e820map *m)
{
    unsigned int i;

    for ( i = 0; i < m->nr_map && i < E820MAX; i++ )
    {
        const struct e820entry *e = &m->map[i];
        /* Inclusive end, as Xen prints it. */
        unsigned long long last = e->addr + e->size - 1;

        if ( !e->size )
            continue;
        if ( !strcmp(e820_type_name(e->type), "unknown") )
            printk(" [%016llx, %016llx] (type %u)\n",
                   (unsigned long long)e->addr, last, e->type);
        else
            printk(" [%016llx, %016llx] (%s)\n",
                   (unsigned long long)e->addr, last,
                   e820_type_name(e->type));
    }
}
