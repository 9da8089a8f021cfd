/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduling policies (xen/common/sched/credit.c and null.c) against
 * a fake clock: a small simulator plays the scheduler core (tick, pick,
 * tickles, the per-pCPU decision timers) and guest behaviours (CPU hogs,
 * a cheater that yields just before each millisecond, a vCPU that blocks
 * and wakes), in 10 us steps.
 */
#include <stdio.h>
#include <string.h>

#include <keel/lib.h>
#include <keel/sched.h>
#include <keel/timer.h>

#include "harness.h"

#define US(x)   ((s_time_t)(x) * 1000)
#define MS(x)   ((s_time_t)(x) * 1000000)
#define STEP    US(10)
#define MAXU    16

cpumask_t sched_cpus;
s_time_t sched_ratelimit;
static bool tickled[NR_CPUS];

void sched_tickle(unsigned int cpu)
{
    tickled[cpu] = true;
}

enum kind { HOG, CHEAT, BLOCKER };

struct su {
    struct sched_unit u;
    enum kind kind;
    s_time_t burst, sleep;          /* BLOCKER: run this long, then block this long */
    s_time_t run, waited, cur_burst, wake_at;
    s_time_t woke_at, worst_latency;
    s_time_t shortest_preempted;    /* shortest run that ended by preemption */
    bool asleep, pending_wake;
    unsigned long ran_on;
};

static const struct sched_policy *P;
static struct su units[MAXU];
static struct sched_dom doms[MAXU];
static unsigned int nr_units, nr_cpus;
static struct sched_unit *cur[NR_CPUS];
static s_time_t next_dec[NR_CPUS];
static s_time_t now;
static unsigned long idle_while_waiting;
static s_time_t noise_period;       /* unrelated softirqs make every pCPU decide this often */

static struct su *su_of(struct sched_unit *u)
{
    return (struct su *)((char *)u - offsetof(struct su, u));
}

static void sim_init(const struct sched_policy *p, unsigned int cpus, s_time_t ratelimit)
{
    unsigned int c;

    P = p;
    nr_cpus = cpus;
    nr_units = 0;
    now = MS(1);
    idle_while_waiting = 0;
    noise_period = 0;
    memset(units, 0, sizeof(units));
    memset(doms, 0, sizeof(doms));
    memset(cur, 0, sizeof(cur));
    memset(tickled, 0, sizeof(tickled));
    cpumask_clear(&sched_cpus);
    for ( c = 0; c < cpus; c++ )
    {
        cpumask_set_cpu(c, &sched_cpus);
        next_dec[c] = 0;
    }
    sched_ratelimit = ratelimit;
    P->init();
}

/* A unit of its own domain (weight, cap), allowed on @hard (0: all pCPUs). */
static struct su *add(enum kind k, unsigned int weight, unsigned int cap, unsigned long hard)
{
    struct su *s = &units[nr_units];
    unsigned int c;

    doms[nr_units].weight = weight;
    doms[nr_units].cap = cap;
    s->u.dom = &doms[nr_units];
    s->u.id = nr_units;
    s->kind = k;
    s->shortest_preempted = STIME_MAX;
    for ( c = 0; c < nr_cpus; c++ )
    {
        if ( !hard || (hard >> c) & 1 )
            cpumask_set_cpu(c, &s->u.hard_affinity);
        cpumask_set_cpu(c, &s->u.soft_affinity);
    }
    nr_units++;
    P->insert(&s->u, now);
    P->wake(&s->u, now, false);
    return s;
}

static void decide(unsigned int c)
{
    struct sched_unit *prev = cur[c], *next;

    if ( prev )
        P->tick(prev, now);
    next = P->pick(c, now, &next_dec[c]);
    if ( prev && prev != next )
    {
        struct su *p = su_of(prev);

        if ( prev->runnable && !p->pending_wake && p->cur_burst < p->shortest_preempted &&
             p->kind != CHEAT )
            p->shortest_preempted = p->cur_burst;
        p->cur_burst = 0;
    }
    if ( next && next != prev )
    {
        struct su *n = su_of(next);

        n->cur_burst = 0;
        if ( n->woke_at )
        {
            n->worst_latency = MAX(n->worst_latency, now - n->woke_at);
            n->woke_at = 0;
        }
    }
    cur[c] = next;
}

static void check_no_idle_while_waiting(void)
{
    unsigned int c, i;

    for ( c = 0; c < nr_cpus; c++ )
    {
        if ( cur[c] )
            continue;
        for ( i = 0; i < nr_units; i++ )
        {
            struct sched_unit *u = &units[i].u;

            if ( u->inserted && u->runnable && !u->running &&
                 cpumask_test_cpu(c, &u->hard_affinity) &&
                 !sched_unit_capped_out(u, now) )
                idle_while_waiting++;
        }
    }
}

static void sim_run(s_time_t duration)
{
    s_time_t end = now + duration;
    unsigned int c, i, rounds;

    while ( now < end )
    {
        for ( i = 0; i < nr_units; i++ )
            if ( units[i].asleep && units[i].wake_at <= now )
            {
                units[i].asleep = false;
                units[i].woke_at = now;
                P->wake(&units[i].u, now, true);
            }
        for ( c = 0; c < nr_cpus; c++ )
            if ( now >= next_dec[c] || (noise_period && now % noise_period == 0) )
                tickled[c] = true;
        /* Tickles are answered at once, as an IPI would be (bounded, to catch ping-pong). */
        for ( rounds = 0; rounds < 8; rounds++ )
        {
            bool any = false;

            for ( c = 0; c < nr_cpus; c++ )
                if ( tickled[c] )
                {
                    tickled[c] = false;
                    any = true;
                    decide(c);
                }
            if ( !any )
                break;
        }
        check_no_idle_while_waiting();

        for ( i = 0; i < nr_units; i++ )
            if ( units[i].u.inserted && units[i].u.runnable && !units[i].u.running &&
                 !sched_unit_capped_out(&units[i].u, now) )
                units[i].waited += STEP;
        now += STEP;
        for ( c = 0; c < nr_cpus; c++ )
        {
            struct su *s;

            if ( !cur[c] )
                continue;
            s = su_of(cur[c]);
            s->run += STEP;
            s->cur_burst += STEP;
            s->ran_on |= 1UL << c;
            if ( s->kind == CHEAT && s->cur_burst >= US(950) )
            {
                /* Runs 95% of every millisecond, then yields, hoping not to be charged. */
                P->yield(&s->u);
                s->cur_burst = 0;
                tickled[c] = true;
            }
            else if ( s->kind == BLOCKER && s->cur_burst >= s->burst )
            {
                P->tick(&s->u, now);
                P->sleep(&s->u, now);
                s->asleep = true;
                s->wake_at = now + s->sleep;
                tickled[c] = true;
            }
        }
    }
}

static double share(const struct su *s, s_time_t over)
{
    return (double)s->run / (double)over;
}

/* ---- arithmetic --------------------------------------------------------------- */

TEST(credit_burn_follows_weight)
{
    CHECK(sched_credit_burn(MS(1), 256) == MS(1));
    CHECK(sched_credit_burn(MS(1), 512) == US(500));
    CHECK(sched_credit_burn(MS(1), 128) == MS(2));
    CHECK(sched_credit_burn(MS(1), 0) == MS(1));            /* 0 is the default weight */
    CHECK(sched_credit_to_time(US(500), 512) == MS(1));
    CHECK(sched_credit_to_time(sched_credit_burn(MS(3), 65535), 65535) >= MS(3) - 256);
}

TEST(cap_quota_and_refill)
{
    struct sched_dom d = { .weight = 256, .cap = 25 };

    CHECK(sched_cap_quota(25) == US(2500));
    CHECK(sched_cap_quota(150) == MS(15));
    sched_dom_refill(&d, MS(100));
    CHECK(d.budget == US(2500) && d.next_refill == MS(110));
    d.budget = -US(700);                                    /* overran: debt */
    sched_dom_refill(&d, MS(109));
    CHECK(d.budget == -US(700));                            /* same period: nothing new */
    sched_dom_refill(&d, MS(110));
    CHECK(d.budget == US(1800));                            /* debt paid from the new quota */
    CHECK(d.next_refill == MS(120));
    sched_dom_refill(&d, MS(175));                          /* idle 6 periods: no hoarding */
    CHECK(d.budget == US(2500) && d.next_refill == MS(180));
    d.cap = 0;
    d.budget = 5;
    sched_dom_refill(&d, MS(500));
    CHECK(d.budget == 5);                                   /* uncapped: untouched */
}

/* ---- pick order --------------------------------------------------------------- */

TEST(pick_order_boost_credit_then_longest_waiting)
{
    struct su *a, *b, *c;
    s_time_t next;

    sim_init(&sched_credit_policy, 1, 0);
    a = add(HOG, 256, 0, 0);
    b = add(HOG, 256, 0, 0);
    c = add(HOG, 256, 0, 0);
    a->u.credit = MS(3);
    b->u.credit = MS(5);
    c->u.credit = MS(5);
    b->u.wait_since = MS(1) + 2;
    c->u.wait_since = MS(1) + 1;                           /* waiting longer than b */
    CHECK(sched_credit_policy.pick(0, now, &next) == &c->u);
    /* The slice: until c falls a 1 ms margin below b, i.e. 1 ms at weight 256. */
    CHECK(next == now + MS(1));
    c->u.credit = MS(4);
    sched_credit_policy.tick(&c->u, now);
    CHECK(sched_credit_policy.pick(0, now, &next) == &b->u);
    a->u.boosted = true;                                   /* woke from blocking */
    CHECK(sched_credit_policy.pick(0, now, &next) == &a->u);
    a->u.credit = 0;                                       /* boost needs credit left */
    CHECK(sched_credit_policy.pick(0, now, &next) == &b->u);
}

TEST(credit_reset_when_best_has_none_left)
{
    struct su *a, *b;
    s_time_t next;

    sim_init(&sched_credit_policy, 1, 0);
    a = add(HOG, 256, 0, 0);
    b = add(HOG, 256, 0, 0);
    a->u.credit = -US(100);
    b->u.credit = -US(400);
    b->u.runnable = false;                                 /* blocked, still on the queue */
    CHECK(sched_credit_policy.pick(0, now, &next) == &a->u);
    CHECK(a->u.credit == MS(10) - US(100));
    CHECK(b->u.credit == MS(10) - US(400));
    a->u.credit = -1;
    b->u.credit = MS(9);                                   /* would hoard: capped at 10 ms */
    CHECK(sched_credit_policy.pick(0, now, &next) == &a->u);
    CHECK(b->u.credit == MS(10));
}

/* ---- shares ------------------------------------------------------------------- */

TEST(weights_256_512_share_1_to_2)
{
    struct su *a, *b;
    double ratio;

    sim_init(&sched_credit_policy, 1, MS(1));
    a = add(HOG, 256, 0, 0);
    b = add(HOG, 512, 0, 0);
    sim_run(MS(3000));
    ratio = (double)b->run / (double)a->run;
    CHECK(ratio > 1.96 && ratio < 2.04);
    CHECK(a->run + b->run == MS(3000));                    /* the pCPU never idled */
}

TEST(equal_weights_equal_shares_and_rate_limit)
{
    struct su *a, *b;

    sim_init(&sched_credit_policy, 1, MS(1));
    noise_period = US(100);
    a = add(HOG, 256, 0, 0);
    b = add(HOG, 256, 0, 0);
    sim_run(MS(2000));
    CHECK(share(a, MS(2000)) > 0.49 && share(a, MS(2000)) < 0.51);
    /* Nobody was preempted before running the rate limit. */
    CHECK(a->shortest_preempted >= MS(1) && b->shortest_preempted >= MS(1));
}

TEST(rate_limit_is_honoured_when_raised)
{
    struct su *a, *b;

    sim_init(&sched_credit_policy, 1, MS(5));
    a = add(HOG, 256, 0, 0);
    b = add(HOG, 65535, 0, 0);                             /* b would preempt a at once */
    sim_run(MS(1000));
    CHECK(a->shortest_preempted >= MS(5));
    CHECK(b->shortest_preempted >= MS(5));
}

TEST(cap_25_percent_alone_and_shared)
{
    struct su *a, *b;

    sim_init(&sched_credit_policy, 2, MS(1));
    a = add(HOG, 256, 25, 0);
    sim_run(MS(1000));
    CHECK(share(a, MS(1000)) > 0.245 && share(a, MS(1000)) < 0.255);

    /* With a competitor on its only pCPU the cap still holds and the rest is used. */
    sim_init(&sched_credit_policy, 1, MS(1));
    a = add(HOG, 256, 25, 0);
    b = add(HOG, 256, 0, 0);
    sim_run(MS(1000));
    CHECK(share(a, MS(1000)) > 0.24 && share(a, MS(1000)) < 0.26);
    CHECK(a->run + b->run == MS(1000));
}

TEST(cheater_yielding_before_each_tick_gets_no_more)
{
    struct su *hog, *cheat;

    sim_init(&sched_credit_policy, 1, MS(1));
    hog = add(HOG, 256, 0, 0);
    cheat = add(CHEAT, 256, 0, 0);
    sim_run(MS(2000));
    CHECK(share(cheat, MS(2000)) <= 0.51);
    CHECK(share(hog, MS(2000)) >= 0.49);
}

TEST(waking_vcpu_is_scheduled_within_a_millisecond)
{
    struct su *w;

    sim_init(&sched_credit_policy, 1, MS(1));
    add(HOG, 256, 0, 0);
    add(HOG, 256, 0, 0);
    w = add(BLOCKER, 256, 0, 0);
    w->burst = US(100);
    w->sleep = MS(1);
    sim_run(MS(1000));
    CHECK(w->worst_latency <= MS(1));
    CHECK(w->run > MS(50));                                /* ~1/11 of the time */
}

/* ---- SMP ---------------------------------------------------------------------- */

TEST(eight_hogs_on_four_pcpus_fair)
{
    unsigned int i;

    sim_init(&sched_credit_policy, 4, MS(1));
    for ( i = 0; i < 8; i++ )
        add(HOG, 256, 0, 0);
    sim_run(MS(2000));
    for ( i = 0; i < 8; i++ )
        CHECK(share(&units[i], MS(2000)) > 0.45 && share(&units[i], MS(2000)) < 0.55);
    CHECK(idle_while_waiting == 0);
}

TEST(three_hogs_on_two_pcpus_no_idle_and_at_least_half_fair)
{
    unsigned int i;

    sim_init(&sched_credit_policy, 2, MS(1));
    for ( i = 0; i < 3; i++ )
        add(HOG, 256, 0, 0);
    sim_run(MS(1000));
    for ( i = 0; i < 3; i++ )
        CHECK(share(&units[i], MS(1000)) >= 0.33);
    CHECK(units[0].run + units[1].run + units[2].run == MS(2000));
    CHECK(idle_while_waiting == 0);
}

TEST(hard_affinity_is_never_violated)
{
    struct su *p1, *p01;
    unsigned int i;

    sim_init(&sched_credit_policy, 4, MS(1));
    p1 = add(HOG, 256, 0, 1UL << 1);
    p01 = add(HOG, 256, 0, 3UL);
    for ( i = 0; i < 6; i++ )
    {
        struct su *w = add(BLOCKER, 256, 0, 0);

        w->burst = US(300 + 100 * i);
        w->sleep = US(700);
    }
    sim_run(MS(1000));
    CHECK(p1->ran_on == (1UL << 1));
    CHECK((p01->ran_on & ~3UL) == 0);
    CHECK(p1->run > MS(300) && p01->run > MS(300));
    CHECK(idle_while_waiting == 0);
}

TEST(idle_pcpu_pulls_waiting_work)
{
    struct su *a, *b, *c;

    /* Three units placed while only pCPU 0 is allowed, then set free. */
    sim_init(&sched_credit_policy, 2, MS(1));
    a = add(HOG, 256, 0, 1);
    b = add(HOG, 256, 0, 1);
    c = add(HOG, 256, 0, 1);
    sim_run(MS(10));
    CHECK(!b->ran_on || !(b->ran_on & 2));
    cpumask_set_cpu(1, &a->u.hard_affinity);
    cpumask_set_cpu(1, &b->u.hard_affinity);
    cpumask_set_cpu(1, &c->u.hard_affinity);
    tickled[0] = true;
    sim_run(MS(100));
    CHECK((a->ran_on | b->ran_on | c->ran_on) & 2);
    CHECK(idle_while_waiting == 0);
}

/* ---- null policy -------------------------------------------------------------- */

TEST(null_one_vcpu_per_pcpu)
{
    struct su *a, *b, *c;

    sim_init(&sched_null_policy, 2, MS(1));
    a = add(HOG, 256, 0, 0);
    b = add(HOG, 256, 0, 0);
    c = add(HOG, 256, 0, 0);
    sim_run(MS(100));
    CHECK(a->run == MS(100) && b->run == MS(100));
    CHECK(c->run == 0);                                    /* waits for a pCPU of its own */
    CHECK(a->ran_on != b->ran_on);
    /* a leaves: its pCPU goes to c, for good. */
    P->tick(&a->u, now);
    P->sleep(&a->u, now);
    tickled[a->u.cpu] = true;
    sim_run(MS(1));
    P->remove(&a->u);
    sim_run(MS(100));
    CHECK(c->run >= MS(99));
    CHECK(c->ran_on == a->ran_on);
}

TEST(null_respects_hard_affinity)
{
    struct su *a, *b;

    sim_init(&sched_null_policy, 2, 0);
    a = add(HOG, 256, 0, 2);
    b = add(HOG, 256, 0, 2);
    sim_run(MS(10));
    CHECK(a->ran_on == 2 && b->run == 0);
}
