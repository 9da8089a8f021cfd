/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FIFO event channel ABI.  Each port has a 32-bit event word in pages
 * the guest provides (PENDING, MASKED, LINKED, BUSY and a LINK field);
 * each vCPU has a control block with a READY bit and a HEAD port per
 * priority.  Raising an event appends its port to a queue: the LINK field
 * of the queue's tail gets the new port, or, when the guest has already
 * consumed the tail, HEAD does.  The guest consumes by clearing LINKED
 * (and taking LINK) atomically, so linking onto the tail must be a
 * compare-and-exchange that only succeeds while the tail is still linked.
 *
 * The hypervisor remembers each queue's tail, and for each port the queue
 * it was last linked on, so that a tail which the guest consumed and
 * which was then raised again on another queue is never linked onto.
 */
#include <keel/types.h>
#include <keel/event.h>

#define W_PENDING   (1U << EVTCHN_FIFO_PENDING)
#define W_MASKED    (1U << EVTCHN_FIFO_MASKED)
#define W_LINKED    (1U << EVTCHN_FIFO_LINKED)

static event_word_t load(const event_word_t *w)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

static bool cmpxchg(event_word_t *w, event_word_t *old, event_word_t new)
{
    return __atomic_compare_exchange_n(w, old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Try to make @port follow @tail; false if the guest already consumed @tail. */
static bool link_after(const struct fifo_env *env, evtchn_port_t tail, uint16_t qid,
                       evtchn_port_t port)
{
    event_word_t *tw = env->word(env->ctx, tail);
    uint16_t *lq = env->lastq(env->ctx, tail);
    event_word_t old;

    if ( !tw || !lq || *lq != qid + 1 )
        return false;
    old = load(tw);
    while ( old & W_LINKED )
        if ( cmpxchg(tw, &old, (old & ~EVTCHN_FIFO_LINK_MASK) | port) )
            return true;
    return false;
}

/* Append a pending port to the queue unless it is masked or already queued. */
static bool fifo_link(const struct fifo_env *env, struct evtchn_fifo_control_block *cb,
                      struct fifo_queue *q, uint16_t qid, unsigned int prio,
                      evtchn_port_t port)
{
    event_word_t *w = env->word(env->ctx, port);
    uint16_t *lq = env->lastq(env->ctx, port);
    event_word_t old;
    uint32_t bit = 1U << prio;

    if ( !w || !lq || !cb || prio >= EVTCHN_FIFO_MAX_QUEUES )
        return false;
    old = load(w);
    for ( ;; )
    {
        if ( !(old & W_PENDING) || (old & (W_MASKED | W_LINKED)) )
            return false;
        /* A fresh link: LINK starts at 0 (end of queue). */
        if ( cmpxchg(w, &old, (old & ~EVTCHN_FIFO_LINK_MASK) | W_LINKED) )
            break;
    }
    *lq = qid + 1;

    if ( !q->tail || q->tail == port || !link_after(env, q->tail, qid, port) )
        __atomic_store_n(&cb->head[prio], port, __ATOMIC_SEQ_CST);
    q->tail = port;

    return !(__atomic_fetch_or(&cb->ready, bit, __ATOMIC_SEQ_CST) & bit);
}

bool evtchn_fifo_raise(const struct fifo_env *env, struct evtchn_fifo_control_block *cb,
                       struct fifo_queue *q, uint16_t qid, unsigned int prio,
                       evtchn_port_t port)
{
    event_word_t *w = env->word(env->ctx, port);

    if ( !w )
        return false;
    /* Already pending: it is queued, or masked and waits for its unmask. */
    if ( __atomic_fetch_or(w, W_PENDING, __ATOMIC_SEQ_CST) & W_PENDING )
        return false;
    return fifo_link(env, cb, q, qid, prio, port);
}

/*
 * EVTCHNOP_unmask: MASKED is cleared here, as Xen does.  A guest clears it
 * itself only while the port is not pending (Linux's clear_masked_cond());
 * for a pending port it leaves that to the hypercall, which then links it.
 */
bool evtchn_fifo_unmask(const struct fifo_env *env, struct evtchn_fifo_control_block *cb,
                        struct fifo_queue *q, uint16_t qid, unsigned int prio,
                        evtchn_port_t port)
{
    event_word_t *w = env->word(env->ctx, port);

    if ( !w )
        return false;
    /*
     * Clearing MASKED is the hypervisor's part: a guest clears it itself
     * only on a port that is not pending, and for a pending one leaves it
     * set and makes this call (Linux does exactly that), so that linking
     * and unmasking happen as one step here.
     */
    __atomic_fetch_and(w, ~W_MASKED, __ATOMIC_SEQ_CST);
    return fifo_link(env, cb, q, qid, prio, port);
}

bool evtchn_fifo_is_pending(const struct fifo_env *env, evtchn_port_t port)
{
    event_word_t *w = env->word(env->ctx, port);

    return w && (load(w) & W_PENDING);
}

bool evtchn_fifo_is_linked(const struct fifo_env *env, evtchn_port_t port)
{
    event_word_t *w = env->word(env->ctx, port);

    return w && (load(w) & W_LINKED);
}
