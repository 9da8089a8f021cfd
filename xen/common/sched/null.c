/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The null scheduler (sched=null): each unit gets a pCPU of its own for
 * its whole life and nothing else ever runs there, so there is no
 * time-sharing, no timer and no accounting: the lowest overhead and the
 * most predictable latency, for partitioned systems.  Units beyond the
 * number of pCPUs wait, in arrival order, until a pCPU in their hard
 * affinity is given back.
 */
#include <keel/lib.h>
#include <keel/sched.h>
#include <keel/timer.h>

static struct sched_unit *owner[NR_CPUS];
static struct sched_unit *waiting;          /* units without a pCPU, oldest first */

static void null_init(void)
{
    memset(owner, 0, sizeof(owner));
    waiting = NULL;
}

/* A pCPU in @u's hard affinity that nobody owns, or NR_CPUS. */
static unsigned int free_cpu_for(const struct sched_unit *u)
{
    unsigned int c;

    for_each_cpu ( c, &sched_cpus )
        if ( !owner[c] && cpumask_test_cpu(c, &u->hard_affinity) )
            return c;
    return NR_CPUS;
}

static void assign(struct sched_unit *u, unsigned int cpu)
{
    owner[cpu] = u;
    u->cpu = cpu;
    if ( u->runnable )
        sched_tickle(cpu);
}

static void wait_add(struct sched_unit *u)
{
    struct sched_unit **pp;

    for ( pp = &waiting; *pp; pp = &(*pp)->next )
        ;
    u->next = NULL;
    *pp = u;
}

static void null_insert(struct sched_unit *u, s_time_t now)
{
    unsigned int cpu = free_cpu_for(u);

    u->inserted = true;
    u->running = u->runnable = u->yielded = u->boosted = false;
    u->last_charge = u->sched_in = u->wait_since = now;
    u->next = NULL;
    if ( cpu < NR_CPUS )
        assign(u, cpu);
    else
    {
        u->cpu = NR_CPUS;           /* no pCPU yet */
        wait_add(u);
    }
}

static void null_remove(struct sched_unit *u)
{
    struct sched_unit **pp;
    unsigned int cpu = u->cpu;

    u->inserted = u->running = u->runnable = false;
    if ( cpu < NR_CPUS && owner[cpu] == u )
    {
        owner[cpu] = NULL;
        /* Hand the pCPU to the oldest waiter allowed on it. */
        for ( pp = &waiting; *pp; pp = &(*pp)->next )
            if ( cpumask_test_cpu(cpu, &(*pp)->hard_affinity) )
            {
                struct sched_unit *w = *pp;

                *pp = w->next;
                w->next = NULL;
                assign(w, cpu);
                break;
            }
        return;
    }
    for ( pp = &waiting; *pp && *pp != u; pp = &(*pp)->next )
        ;
    if ( *pp )
        *pp = u->next;
}

static void null_wake(struct sched_unit *u, s_time_t now, bool from_block)
{
    (void)from_block;
    if ( u->runnable )
        return;
    u->runnable = true;
    u->wait_since = now;
    if ( u->cpu < NR_CPUS )
        sched_tickle(u->cpu);
}

static void null_sleep(struct sched_unit *u, s_time_t now)
{
    (void)now;
    u->runnable = false;
}

static void null_yield(struct sched_unit *u)
{
    (void)u;                        /* nobody else may use the pCPU */
}

static void null_migrate(struct sched_unit *u, unsigned int cpu)
{
    if ( u->running || cpu >= NR_CPUS || owner[cpu] || u->cpu >= NR_CPUS )
        return;
    owner[u->cpu] = NULL;
    assign(u, cpu);
}

static void null_tick(struct sched_unit *u, s_time_t now)
{
    u->last_charge = now;
}

static struct sched_unit *null_pick(unsigned int cpu, s_time_t now, s_time_t *next_decision)
{
    struct sched_unit *u = owner[cpu];

    *next_decision = STIME_MAX;
    if ( u && u->runnable )
    {
        if ( !u->running )
            u->sched_in = now;
        u->running = true;
        u->last_charge = now;
        return u;
    }
    if ( u )
    {
        u->running = false;
        u->wait_since = now;
    }
    return NULL;
}

const struct sched_policy sched_null_policy = {
    .name = "null scheduler (one vCPU per pCPU)",
    .opt_name = "null",
    .init = null_init,
    .insert = null_insert,
    .remove = null_remove,
    .wake = null_wake,
    .sleep = null_sleep,
    .yield = null_yield,
    .migrate = null_migrate,
    .tick = null_tick,
    .pick = null_pick,
};
