/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Software timers.  Each CPU keeps its armed timers in a list sorted by
 * expiry, under its own lock; its timer hardware is always programmed for
 * the head.  The timer interrupt only raises TIMER_SOFTIRQ, and the
 * softirq runs every expired timer with the lock dropped, so a timer
 * function may re-arm itself or others.  Arming a timer that belongs to
 * another CPU kicks that CPU to reprogram its hardware.
 */
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <keel/cpumask.h>
#include <asm/percpu.h>
#include <asm/processor.h>

#define TIMER_STATUS_INVALID    0   /* never initialised */
#define TIMER_STATUS_INACTIVE   1   /* initialised, not armed */
#define TIMER_STATUS_ACTIVE     2   /* in its CPU's queue */
#define TIMER_STATUS_KILLED     3

static struct timer_queue {
    spinlock_t lock;
    struct timer *head;
    struct timer *running;          /* whose function runs now, for kill_timer() */
} __aligned(64) queues[NR_CPUS];

static void queue_remove(struct timer_queue *q, struct timer *t)
{
    if ( t->prev )
        t->prev->next = t->next;
    else
        q->head = t->next;
    if ( t->next )
        t->next->prev = t->prev;
    t->prev = t->next = NULL;
    t->status = TIMER_STATUS_INACTIVE;
}

/* Insert by expiry, after timers with the same expiry; true if it is the new head. */
static bool queue_insert(struct timer_queue *q, struct timer *t)
{
    struct timer *prev = NULL, *cur = q->head;

    while ( cur && cur->expires <= t->expires )
    {
        prev = cur;
        cur = cur->next;
    }
    t->prev = prev;
    t->next = cur;
    if ( prev )
        prev->next = t;
    else
        q->head = t;
    if ( cur )
        cur->prev = t;
    t->status = TIMER_STATUS_ACTIVE;
    return !prev;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_INACTIVE;
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags;
    bool new_head;

    spin_lock_irqsave(&q->lock, flags);
    ASSERT(t->status != TIMER_STATUS_INVALID);
    if ( t->status == TIMER_STATUS_KILLED )
    {
        spin_unlock_irqrestore(&q->lock, flags);
        return;
    }
    if ( t->status == TIMER_STATUS_ACTIVE )
        queue_remove(q, t);
    t->expires = expires;
    new_head = queue_insert(q, t);
    if ( new_head && t->cpu == smp_processor_id() )
        reprogram_timer(MAX(expires, 1));     /* 0 would mean "stop" */
    spin_unlock_irqrestore(&q->lock, flags);

    /* The owner reprograms its own hardware from the softirq. */
    if ( new_head && t->cpu != smp_processor_id() )
        cpu_raise_softirq(t->cpu, TIMER_SOFTIRQ);
}

void stop_timer(struct timer *t)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags;

    /* The hardware may still fire for it: harmless, the softirq re-arms. */
    spin_lock_irqsave(&q->lock, flags);
    if ( t->status == TIMER_STATUS_ACTIVE )
        queue_remove(q, t);
    spin_unlock_irqrestore(&q->lock, flags);
}

void kill_timer(struct timer *t)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags;

    spin_lock_irqsave(&q->lock, flags);
    if ( t->status == TIMER_STATUS_ACTIVE )
        queue_remove(q, t);
    t->status = TIMER_STATUS_KILLED;
    spin_unlock_irqrestore(&q->lock, flags);

    /* Its function may be running on its CPU right now. */
    if ( t->cpu != smp_processor_id() )
        while ( ACCESS_ONCE(q->running) == t )
            cpu_relax();
}

bool timer_is_active(const struct timer *t)
{
    return ACCESS_ONCE(t->status) == TIMER_STATUS_ACTIVE;
}

static void timer_softirq_action(void)
{
    struct timer_queue *q = &queues[smp_processor_id()];
    struct timer *t;
    unsigned long flags;

    spin_lock_irqsave(&q->lock, flags);
    while ( (t = q->head) && t->expires <= NOW() )
    {
        void (*fn)(void *) = t->function;
        void *data = t->data;

        queue_remove(q, t);
        q->running = t;
        spin_unlock_irqrestore(&q->lock, flags);
        fn(data);
        spin_lock_irqsave(&q->lock, flags);
        q->running = NULL;
    }
    reprogram_timer(q->head ? MAX(q->head->expires, 1) : 0);
    spin_unlock_irqrestore(&q->lock, flags);
}

void timer_init(void)
{
    unsigned int i;

    for ( i = 0; i < NR_CPUS; i++ )
        spin_lock_init(&queues[i].lock);
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}
