/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credit scheduler (sched=credit, alias credit2): weighted fair
 * sharing with caps, affinity and per-pCPU run queues.
 *
 * - Credit is weighted run time: a unit burns credit at 256/weight times
 *   the rate it runs, charged from timestamps whenever it leaves the
 *   pCPU (tick()), so time is never sampled and a unit that yields just
 *   before a timer cannot run for free.
 * - Each pCPU picks, among the runnable units on its queue, boosted ones
 *   (woken from blocking, credit left) first, then the most credit, then
 *   the one waiting longest.  When the best unit has no credit left,
 *   every unit on the queue gains SCHED_CREDIT_INIT, capped at that
 *   value so blocked units cannot hoard it.
 * - The chosen unit runs until its credit falls SCHED_CREDIT_MARGIN below
 *   the next best's (at least the rate limit and the minimum timer, at
 *   most SCHED_MAX_SLICE); a unit keeps its pCPU for the rate limit after
 *   it got it unless it blocks, yields or a boosted unit wakes.
 * - A cap gives a domain a budget of cap% of SCHED_CAP_PERIOD per period;
 *   its units do not run with the budget used up, and an overrun is paid
 *   back from the next period.
 * - Balancing: a pCPU whose queue has at least two runnable units fewer
 *   than another's pulls a waiting unit allowed on it (an idle pCPU thus
 *   pulls any waiting work), and a pCPU that leaves work waiting tickles
 *   such an underloaded pCPU.  Waking units go to an idle pCPU in their
 *   soft affinity, else an idle one in their hard affinity, else stay.
 */
#include <keel/lib.h>
#include <keel/sched.h>
#include <keel/timer.h>

#define SCHED_CREDIT_INIT       ((s_time_t)10000000)    /* 10 ms */
#define SCHED_CREDIT_MARGIN     ((s_time_t)1000000)     /* 1 ms: avoids switching at every tie */

static struct sched_unit *runq[NR_CPUS];
static struct sched_unit *cpu_curr[NR_CPUS];

void sched_dom_refill(struct sched_dom *sd, s_time_t now)
{
    s_time_t quota, periods;

    if ( !sd->cap )
        return;
    quota = sched_cap_quota(sd->cap);
    if ( sd->next_refill == 0 )
    {
        /* First use: a full budget for a period starting now. */
        sd->budget = quota;
        sd->next_refill = now + SCHED_CAP_PERIOD;
        return;
    }
    if ( now < sd->next_refill )
        return;
    periods = (now - sd->next_refill) / SCHED_CAP_PERIOD + 1;
    sd->budget = MIN(sd->budget + periods * quota, quota);
    sd->next_refill += periods * SCHED_CAP_PERIOD;
}

bool sched_unit_capped_out(const struct sched_unit *u, s_time_t now)
{
    sched_dom_refill(u->dom, now);
    return u->dom->cap && u->dom->budget <= 0;
}

/* Can run now: runnable, and its domain has cap budget left. */
static bool eligible(const struct sched_unit *u, s_time_t now)
{
    return u->runnable && !sched_unit_capped_out(u, now);
}

static unsigned int load(unsigned int cpu, s_time_t now)
{
    const struct sched_unit *u;
    unsigned int n = 0;

    for ( u = runq[cpu]; u; u = u->next )
        n += eligible(u, now);
    return n;
}

static void queue_add(struct sched_unit *u, unsigned int cpu)
{
    u->cpu = cpu;
    u->next = runq[cpu];
    runq[cpu] = u;
}

static void queue_del(struct sched_unit *u)
{
    struct sched_unit **pp;

    for ( pp = &runq[u->cpu]; *pp && *pp != u; pp = &(*pp)->next )
        ;
    if ( *pp )
        *pp = u->next;
    u->next = NULL;
}

/* The CPUs @u may run on. */
static void allowed(const struct sched_unit *u, cpumask_t *m)
{
    cpumask_and(m, &u->hard_affinity, &sched_cpus);
}

/* True if @a should run before @b. */
static bool before(const struct sched_unit *a, const struct sched_unit *b)
{
    bool ba = a->boosted && a->credit > 0, bb = b->boosted && b->credit > 0;

    if ( ba != bb )
        return ba;
    if ( a->credit != b->credit )
        return a->credit > b->credit;
    return a->wait_since < b->wait_since;
}

/* Best eligible unit on @cpu's queue other than @skip. */
static struct sched_unit *best_on(unsigned int cpu, s_time_t now, const struct sched_unit *skip)
{
    struct sched_unit *u, *best = NULL;

    for ( u = runq[cpu]; u; u = u->next )
        if ( u != skip && eligible(u, now) && (!best || before(u, best)) )
            best = u;
    return best;
}

static void credit_reset(unsigned int cpu)
{
    struct sched_unit *u;

    for ( u = runq[cpu]; u; u = u->next )
        u->credit = MIN(u->credit + SCHED_CREDIT_INIT, SCHED_CREDIT_INIT);
}

static void credit_migrate(struct sched_unit *u, unsigned int cpu)
{
    if ( u->cpu == cpu || u->running )
        return;
    queue_del(u);
    queue_add(u, cpu);
}

/*
 * Pull one waiting unit to @cpu from the busiest queue holding at least
 * two eligible units more than @cpu's, among units allowed on @cpu.
 */
static void balance(unsigned int cpu, s_time_t now)
{
    unsigned int mine = load(cpu, now), c, best_load = 0;
    struct sched_unit *u, *pull = NULL;

    for_each_cpu ( c, &sched_cpus )
    {
        unsigned int l;
        struct sched_unit *cand = NULL;

        if ( c == cpu || (l = load(c, now)) < mine + 2 || l <= best_load )
            continue;
        for ( u = runq[c]; u; u = u->next )
            if ( !u->running && eligible(u, now) && cpumask_test_cpu(cpu, &u->hard_affinity) &&
                 (!cand || before(u, cand)) )
                cand = u;
        if ( cand )
        {
            pull = cand;
            best_load = l;
        }
    }
    if ( pull )
        credit_migrate(pull, cpu);
}

/* Work left waiting on @cpu: tickle a pCPU allowed for it that has much less to do. */
static void tickle_underloaded(unsigned int cpu, s_time_t now)
{
    unsigned int mine = load(cpu, now), c;
    struct sched_unit *u;

    for ( u = runq[cpu]; u; u = u->next )
    {
        if ( u->running || !eligible(u, now) )
            continue;
        for_each_cpu ( c, &sched_cpus )
            if ( c != cpu && cpumask_test_cpu(c, &u->hard_affinity) && load(c, now) + 2 <= mine )
            {
                sched_tickle(c);
                return;
            }
    }
}

static void credit_init(void)
{
    memset(runq, 0, sizeof(runq));
    memset(cpu_curr, 0, sizeof(cpu_curr));
}

/* An idle CPU in @m (no eligible units queued), preferring @prefer; NR_CPUS if none. */
static unsigned int idle_cpu_in(const cpumask_t *m, unsigned int prefer, s_time_t now)
{
    unsigned int c;

    if ( prefer < NR_CPUS && cpumask_test_cpu(prefer, m) && load(prefer, now) == 0 )
        return prefer;
    for_each_cpu ( c, m )
        if ( load(c, now) == 0 )
            return c;
    return NR_CPUS;
}

static unsigned int least_loaded_in(const cpumask_t *m, s_time_t now)
{
    unsigned int c, best = NR_CPUS, best_load = ~0u;

    for_each_cpu ( c, m )
        if ( load(c, now) < best_load )
        {
            best = c;
            best_load = load(c, now);
        }
    return best;
}

static void credit_insert(struct sched_unit *u, s_time_t now)
{
    cpumask_t m;
    unsigned int cpu;

    allowed(u, &m);
    if ( cpumask_empty(&m) )
        cpumask_copy(&m, &sched_cpus);     /* checked by the caller; never strand it */
    cpu = least_loaded_in(&m, now);
    u->credit = SCHED_CREDIT_INIT;
    u->running = u->runnable = u->yielded = u->boosted = false;
    u->last_charge = u->sched_in = u->wait_since = now;
    u->inserted = true;
    queue_add(u, cpu);
}

static void credit_remove(struct sched_unit *u)
{
    if ( cpu_curr[u->cpu] == u )
        cpu_curr[u->cpu] = NULL;
    queue_del(u);
    u->inserted = u->running = u->runnable = false;
}

/* Where a waking unit should go: an idle allowed CPU if any (soft first), else stay. */
static unsigned int wake_target(const struct sched_unit *u, s_time_t now)
{
    cpumask_t hard, soft;
    unsigned int c;

    allowed(u, &hard);
    if ( cpumask_empty(&hard) )
        return u->cpu;
    cpumask_and(&soft, &hard, &u->soft_affinity);
    if ( (c = idle_cpu_in(&soft, u->cpu, now)) < NR_CPUS )
        return c;
    if ( (c = idle_cpu_in(&hard, u->cpu, now)) < NR_CPUS )
        return c;
    if ( cpumask_test_cpu(u->cpu, &hard) )
        return u->cpu;
    return least_loaded_in(&hard, now);
}

static void credit_wake(struct sched_unit *u, s_time_t now, bool from_block)
{
    struct sched_unit *cur;
    unsigned int cpu;

    if ( u->runnable )
        return;
    u->runnable = true;
    u->wait_since = now;
    u->boosted = from_block && u->credit > 0;
    if ( u->running )
        return;                     /* still on its pCPU (woken before it left): nothing to move */

    /* Count u out while choosing, so its own queue does not look busy. */
    u->runnable = false;
    cpu = wake_target(u, now);
    u->runnable = true;
    credit_migrate(u, cpu);

    cur = cpu_curr[u->cpu];
    if ( !cur || !cur->runnable || (u->boosted && !cur->boosted) ||
         u->credit > cur->credit + SCHED_CREDIT_MARGIN )
        sched_tickle(u->cpu);
    else
        tickle_underloaded(u->cpu, now);
}

static void credit_sleep(struct sched_unit *u, s_time_t now)
{
    (void)now;
    u->runnable = u->yielded = u->boosted = false;
    if ( u->running )
        sched_tickle(u->cpu);
}

static void credit_yield(struct sched_unit *u)
{
    u->yielded = true;
    u->boosted = false;
}

static void credit_tick(struct sched_unit *u, s_time_t now)
{
    s_time_t ran = now - u->last_charge;

    if ( ran <= 0 )
        return;
    u->last_charge = now;
    u->credit -= sched_credit_burn(ran, u->dom->weight);
    if ( u->dom->cap )
    {
        sched_dom_refill(u->dom, now);
        u->dom->budget -= ran;
    }
    /* A boost is for getting the pCPU quickly after a wake-up, not for keeping it. */
    if ( u->boosted && now - u->sched_in >= MAX(sched_ratelimit, SCHED_MIN_TIMER) )
        u->boosted = false;
}

/* Earliest cap refill among capped-out units on @cpu's queue. */
static s_time_t next_refill_on(unsigned int cpu, s_time_t now)
{
    const struct sched_unit *u;
    s_time_t t = STIME_MAX;

    for ( u = runq[cpu]; u; u = u->next )
        if ( u->runnable && sched_unit_capped_out(u, now) )
            t = MIN(t, u->dom->next_refill);
    return t;
}

/* A boosted unit is waiting on @cpu and @prev is not boosted. */
static bool boosted_waiter(unsigned int cpu, const struct sched_unit *prev, s_time_t now)
{
    const struct sched_unit *u;

    for ( u = runq[cpu]; u; u = u->next )
        if ( u != prev && u->boosted && u->credit > 0 && eligible(u, now) )
            return !prev->boosted;
    return false;
}

static struct sched_unit *credit_pick(unsigned int cpu, s_time_t now, s_time_t *next_decision)
{
    struct sched_unit *prev = cpu_curr[cpu], *next, *rival;
    s_time_t until;
    bool keep;

    keep = prev && prev->cpu == cpu && eligible(prev, now) && !prev->yielded &&
           sched_ratelimit && now - prev->sched_in < sched_ratelimit &&
           !boosted_waiter(cpu, prev, now);
    if ( keep )
        next = prev;
    else
    {
        balance(cpu, now);
        next = best_on(cpu, now, prev && prev->yielded ? prev : NULL);
        if ( !next && prev && prev->cpu == cpu && eligible(prev, now) )
            next = prev;            /* it yielded, but nobody else can run */
        if ( next && next->credit <= 0 )
            credit_reset(cpu);
    }
    if ( prev )
        prev->yielded = false;

    if ( prev && prev != next )
    {
        prev->running = false;
        prev->wait_since = now;
    }
    cpu_curr[cpu] = next;
    *next_decision = next_refill_on(cpu, now);
    if ( !next )
        return NULL;

    if ( next != prev )
    {
        next->running = true;
        next->sched_in = now;
    }
    next->last_charge = now;

    /* Run until the credit falls a margin below the next best's, within the limits. */
    rival = best_on(cpu, now, next);
    until = rival ? sched_credit_to_time(next->credit - rival->credit + SCHED_CREDIT_MARGIN,
                                         next->dom->weight)
                  : SCHED_MAX_SLICE;
    until = MIN(MAX(until, SCHED_MIN_TIMER), SCHED_MAX_SLICE);
    if ( rival )
        until = MAX(until, next->sched_in + sched_ratelimit - now);
    if ( next->dom->cap )
        until = MIN(until, MAX(next->dom->budget, SCHED_MIN_TIMER));
    *next_decision = MIN(*next_decision, now + until);

    tickle_underloaded(cpu, now);
    return next;
}

const struct sched_policy sched_credit_policy = {
    .name = "Keel credit scheduler (weights, caps, rate limit)",
    .opt_name = "credit",
    .init = credit_init,
    .insert = credit_insert,
    .remove = credit_remove,
    .wake = credit_wake,
    .sleep = credit_sleep,
    .yield = credit_yield,
    .migrate = credit_migrate,
    .tick = credit_tick,
    .pick = credit_pick,
};
