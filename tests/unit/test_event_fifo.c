/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FIFO event ABI's queue logic (xen/common/event_fifo.c), driven by
 * a consumer that does what the ABI asks of a guest (and Linux does):
 * take READY, walk from HEAD, unlink each word by clearing LINKED and
 * LINK together and keep the link it held.
 */
#include <string.h>
#include <keel/event.h>

#include "harness.h"

#define NPORTS 2048
#define P (1U << EVTCHN_FIFO_PENDING)
#define M (1U << EVTCHN_FIFO_MASKED)
#define L (1U << EVTCHN_FIFO_LINKED)

static event_word_t words[NPORTS];
static uint16_t lastq[NPORTS];
static unsigned int words_present = NPORTS;      /* ports with a word */
static struct evtchn_fifo_control_block cb;
static struct fifo_queue q[EVTCHN_FIFO_MAX_QUEUES];
/* The consumer's own head per queue (0: read HEAD from the control block). */
static uint32_t guest_head[EVTCHN_FIFO_MAX_QUEUES];

static event_word_t *word_of(void *ctx, evtchn_port_t port)
{
    (void)ctx;
    return port < words_present ? &words[port] : NULL;
}

static uint16_t *lastq_of(void *ctx, evtchn_port_t port)
{
    (void)ctx;
    return port < NPORTS ? &lastq[port] : NULL;
}

static const struct fifo_env env = { NULL, word_of, lastq_of };

static void reset(void)
{
    memset(words, 0, sizeof(words));
    memset(lastq, 0, sizeof(lastq));
    memset(&cb, 0, sizeof(cb));
    memset(q, 0, sizeof(q));
    memset(guest_head, 0, sizeof(guest_head));
    words_present = NPORTS;
}

static bool raise(evtchn_port_t port, unsigned int prio)
{
    return evtchn_fifo_raise(&env, &cb, &q[prio], prio, prio, port);
}

/* Consume one event of queue @prio as a guest would; 0 if none. */
static evtchn_port_t consume_one(unsigned int prio)
{
    uint32_t head = guest_head[prio], port;
    event_word_t w, nw;

    if ( !head )
        head = cb.head[prio];
    if ( !head )
        return 0;
    port = head;
    w = words[port];
    do
        nw = w & ~(L | EVTCHN_FIFO_LINK_MASK);
    while ( !__atomic_compare_exchange_n(&words[port], &w, nw, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) );
    guest_head[prio] = w & EVTCHN_FIFO_LINK_MASK;
    if ( (w & P) && !(w & M) )
    {
        words[port] &= ~P;
        return port;
    }
    return 0;
}

/* Everything queued on @prio in order, as long as READY says so. */
static unsigned int drain(unsigned int prio, evtchn_port_t *out, unsigned int max)
{
    unsigned int n = 0;
    evtchn_port_t p;

    if ( !(__atomic_fetch_and(&cb.ready, ~(1U << prio), __ATOMIC_SEQ_CST) & (1U << prio)) )
        return 0;
    do
    {
        p = consume_one(prio);
        if ( p && n < max )
            out[n++] = p;
    } while ( guest_head[prio] );
    return n;
}

TEST(first_raise_sets_head_ready_and_asks_for_upcall)
{
    reset();
    CHECK(raise(5, 7));
    CHECK(words[5] == (P | L));
    CHECK(cb.head[7] == 5);
    CHECK(cb.ready == (1U << 7));
    CHECK(q[7].tail == 5);
}

TEST(events_queue_in_raise_order_with_one_upcall)
{
    evtchn_port_t got[8];

    reset();
    CHECK(raise(3, 7));
    CHECK(!raise(9, 7));        /* READY already set: no second upcall */
    CHECK(!raise(1, 7));
    CHECK((words[3] & EVTCHN_FIFO_LINK_MASK) == 9);
    CHECK((words[9] & EVTCHN_FIFO_LINK_MASK) == 1);
    REQUIRE(drain(7, got, 8) == 3);
    CHECK(got[0] == 3 && got[1] == 9 && got[2] == 1);
}

TEST(raise_of_pending_port_does_not_requeue)
{
    evtchn_port_t got[8];

    reset();
    CHECK(raise(4, 7));
    CHECK(!raise(4, 7));
    REQUIRE(drain(7, got, 8) == 1);
    CHECK(got[0] == 4);
}

TEST(masked_port_is_pending_but_unlinked_until_unmask)
{
    evtchn_port_t got[8];

    reset();
    words[6] = M;
    CHECK(!raise(6, 7));
    CHECK(words[6] == (P | M));
    CHECK(cb.ready == 0);
    CHECK(evtchn_fifo_is_pending(&env, 6));
    CHECK(!evtchn_fifo_is_linked(&env, 6));
    words[6] &= ~M;             /* the guest clears MASKED, then asks for the unmask */
    CHECK(evtchn_fifo_unmask(&env, &cb, &q[7], 7, 7, 6));
    REQUIRE(drain(7, got, 8) == 1);
    CHECK(got[0] == 6);
}

/* Linux clears MASKED itself only while not pending; the unmask hypercall does it then. */
TEST(unmask_clears_masked_of_a_pending_port)
{
    evtchn_port_t got[8];

    reset();
    words[9] = M;
    CHECK(!raise(9, 3));
    CHECK(words[9] == (P | M));
    CHECK(evtchn_fifo_unmask(&env, &cb, &q[3], 3, 3, 9));
    CHECK(!(words[9] & M));
    REQUIRE(drain(3, got, 8) == 1);
    CHECK(got[0] == 9);
    /* Unmasking a port that is not pending only clears the bit. */
    words[9] = M;
    CHECK(!evtchn_fifo_unmask(&env, &cb, &q[3], 3, 3, 9));
    CHECK(words[9] == 0);
}

TEST(tail_already_consumed_means_new_head)
{
    evtchn_port_t got[8];

    reset();
    CHECK(raise(10, 2));
    REQUIRE(drain(2, got, 8) == 1);     /* queue now empty, hypervisor's tail is 10 */
    CHECK(raise(11, 2));                /* so 11 becomes HEAD, READY again, upcall again */
    CHECK(cb.head[2] == 11);
    CHECK((words[10] & EVTCHN_FIFO_LINK_MASK) == 0);
    REQUIRE(drain(2, got, 8) == 1);
    CHECK(got[0] == 11);
}

TEST(tail_relinked_on_other_queue_is_not_linked_onto)
{
    evtchn_port_t got[8];

    reset();
    CHECK(raise(20, 3));
    REQUIRE(drain(3, got, 8) == 1);
    CHECK(raise(20, 9));                /* port 20 now sits on queue 9 */
    CHECK(raise(21, 3));                /* queue 3's old tail is 20: must not link there */
    CHECK(cb.head[3] == 21);
    CHECK((words[20] & EVTCHN_FIFO_LINK_MASK) == 0);
    REQUIRE(drain(3, got, 8) == 1);
    CHECK(got[0] == 21);
    REQUIRE(drain(9, got, 8) == 1);
    CHECK(got[0] == 20);
}

TEST(priorities_have_separate_queues_and_ready_bits)
{
    reset();
    CHECK(raise(30, 10));
    CHECK(raise(31, 1));
    CHECK(cb.ready == ((1U << 10) | (1U << 1)));
    CHECK(cb.head[10] == 30 && cb.head[1] == 31);
}

TEST(ports_without_a_word_are_ignored)
{
    reset();
    words_present = 1024;
    CHECK(!raise(1500, 7));
    CHECK(cb.ready == 0);
    CHECK(!evtchn_fifo_is_pending(&env, 1500));
}

TEST(many_events_keep_order_under_interleaved_consumption)
{
    evtchn_port_t got[64];
    unsigned int n = 0, i;

    reset();
    for ( i = 1; i <= 40; i++ )
    {
        raise(i, 5);
        /* The guest takes one every third raise, racing the producer's tail. */
        if ( i % 3 == 0 )
        {
            evtchn_port_t p;

            if ( !guest_head[5] && !(cb.ready & (1U << 5)) )
                continue;
            cb.ready &= ~(1U << 5);
            p = consume_one(5);
            if ( p )
                got[n++] = p;
            if ( guest_head[5] )
                cb.ready |= 1U << 5;    /* more to do: as if still READY */
        }
    }
    n += drain(5, got + n, 64 - n);
    REQUIRE(n == 40);
    for ( i = 0; i < 40; i++ )
        CHECK(got[i] == i + 1);
}
