/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 2-level event channel ABI: one pending and one mask bit per port in
 * shared_info, a selector word per vCPU naming which words of the pending
 * bitmap may hold work, and the vCPU's upcall flag.  The guest clears
 * pending bits, selector bits and the upcall flag; the hypervisor only
 * sets them, atomically, because the guest changes the same words at the
 * same time from its own CPUs.
 */
#include <keel/types.h>
#include <keel/event.h>

#define BITS_PER_WORD   (sizeof(xen_ulong_t) * 8)

static bool test_and_set(xen_ulong_t *word, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << bit;

    return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *word, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << bit;

    return __atomic_fetch_and(word, ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test(const xen_ulong_t *word, unsigned int bit)
{
    return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

/* Flag the port's bitmap word in the selector; the first flag asks for an upcall. */
static bool select_word(struct vcpu_info *vi, evtchn_port_t port)
{
    if ( test_and_set(&vi->evtchn_pending_sel, port / BITS_PER_WORD) )
        return false;
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    return true;
}

bool evtchn_2l_raise(xen_ulong_t *pending, const xen_ulong_t *mask, struct vcpu_info *vi,
                     evtchn_port_t port)
{
    /* Already pending: the guest has yet to see the first raise, nothing more to say. */
    if ( test_and_set(&pending[port / BITS_PER_WORD], port % BITS_PER_WORD) )
        return false;
    if ( test(&mask[port / BITS_PER_WORD], port % BITS_PER_WORD) )
        return false;
    return select_word(vi, port);
}

bool evtchn_2l_unmask(const xen_ulong_t *pending, xen_ulong_t *mask, struct vcpu_info *vi,
                      evtchn_port_t port)
{
    /* Only a port that was masked can have had an upcall held back. */
    if ( !test_and_clear(&mask[port / BITS_PER_WORD], port % BITS_PER_WORD) )
        return false;
    if ( !test(&pending[port / BITS_PER_WORD], port % BITS_PER_WORD) )
        return false;
    return select_word(vi, port);
}

bool evtchn_2l_is_pending(const xen_ulong_t *pending, evtchn_port_t port)
{
    return test(&pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
}
