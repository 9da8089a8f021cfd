/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console ring's arithmetic and the CTRL-<char> input switch,
 * free of any domain state so the host unit tests run them as they are
 * (keel/guest_console.h).
 *
 * The ring page is shared with the guest, which may change any byte of it
 * at any moment.  So each index is loaded exactly once into a local, all
 * checks and positions use the locals, and ring positions are always
 * reduced modulo the ring size: whatever the guest does, nothing outside
 * the page is touched and every call does a bounded amount of work.
 * Loads of the other side's index are acquires (its data is read after
 * it), stores of ours are releases (our data is visible before it).
 */
#include <keel/types.h>
#include <keel/errno.h>
#include <keel/guest_console.h>
#include <public/io/console.h>

static XENCONS_RING_IDX load_idx(const XENCONS_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(XENCONS_RING_IDX *p, XENCONS_RING_IDX v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int cons_ring_take_output(struct xencons_interface *r, char *buf)
{
    XENCONS_RING_IDX cons = load_idx(&r->out_cons), prod = load_idx(&r->out_prod);
    XENCONS_RING_IDX avail = prod - cons, i;

    if ( avail > XENCONS_OUT_SIZE )
    {
        store_idx(&r->out_cons, prod);
        return -EINVAL;
    }
    for ( i = 0; i < avail; i++ )
        buf[i] = __atomic_load_n(&r->out[XENCONS_MASK(cons + i, XENCONS_OUT_SIZE)],
                                 __ATOMIC_RELAXED);
    if ( avail )
        store_idx(&r->out_cons, prod);
    return avail;
}

int cons_ring_put_input(struct xencons_interface *r, const char *s, size_t n)
{
    XENCONS_RING_IDX cons = load_idx(&r->in_cons), prod = load_idx(&r->in_prod);
    XENCONS_RING_IDX used = prod - cons, room, i;

    if ( used > XENCONS_IN_SIZE )
    {
        store_idx(&r->in_prod, cons);
        return -EINVAL;
    }
    room = XENCONS_IN_SIZE - used;
    if ( n > room )
        n = room;
    for ( i = 0; i < n; i++ )
        __atomic_store_n(&r->in[XENCONS_MASK(prod + i, XENCONS_IN_SIZE)], s[i],
                         __ATOMIC_RELAXED);
    if ( n )
        store_idx(&r->in_prod, prod + n);
    return n;
}

unsigned int cons_switch_feed(struct cons_switch *s, char c, char out[3], bool *do_switch)
{
    unsigned int n = 0;

    *do_switch = false;
    if ( c == s->code )
    {
        if ( ++s->seen == 3 )
        {
            s->seen = 0;
            *do_switch = true;
        }
        return 0;
    }
    /* An interrupted sequence: the codes held back are ordinary input after all. */
    while ( s->seen )
    {
        out[n++] = s->code;
        s->seen--;
    }
    out[n++] = c;
    return n;
}
