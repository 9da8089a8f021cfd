/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

/*
 * The scheduler's policy interface.  sched/core.c owns the run loop, the
 * lock, the per-CPU scheduler timers and the per-vCPU statistics; a
 * policy (sched/credit.c, sched/null.c) only decides who runs where and
 * for how long.  Policies see vCPUs as sched_units and domains as
 * sched_doms, and the time only as the `now` they are given, so the same
 * policy source is unit-tested on the host against a fake clock
 * (tests/unit/test_sched_*.c).
 *
 * Every policy function is called with the scheduler lock held (core.c)
 * and interrupts off; policies take no locks of their own.
 */
#include <keel/types.h>
#include <keel/cpumask.h>

/* Xen credit2's defaults, which users of Xen know. */
#define SCHED_DEFAULT_WEIGHT    256
#define SCHED_MAX_WEIGHT        65535
#define SCHED_DEFAULT_RATELIMIT_US 1000
#define SCHED_MAX_RATELIMIT_US  500000
#define SCHED_MIN_TIMER         ((s_time_t)500000)      /* 500 us: no shorter timer */
#define SCHED_MAX_SLICE         ((s_time_t)10000000)    /* 10 ms: look again at least this often */
#define SCHED_CAP_PERIOD        ((s_time_t)10000000)    /* cap budgets refill every 10 ms */

/* Per-domain scheduling parameters and cap budget. */
struct sched_dom {
    unsigned int weight;            /* 1..65535, default 256 */
    unsigned int cap;               /* percent of one pCPU, 0 = no cap */
    s_time_t budget;                /* ns left in this cap period (may be < 0: debt) */
    s_time_t next_refill;           /* when the next cap period starts */
};

/* Per-vCPU scheduling state (embedded in struct vcpu). */
struct sched_unit {
    struct sched_dom *dom;
    unsigned int id;                /* for messages and tests */
    unsigned int cpu;               /* the pCPU whose queue holds it */
    bool inserted;                  /* known to the policy (insert .. remove) */
    bool runnable;                  /* wants a pCPU: up, not blocked, not ending */
    bool running;                   /* chosen by pick() on `cpu` and not yet replaced */
    bool yielded;                   /* step aside at the next pick if anyone else can run */
    bool boosted;                   /* woke from blocking: runs before non-boosted units */
    s_time_t credit;                /* credit policy: weighted ns it may still run */
    s_time_t last_charge;           /* accounted up to here */
    s_time_t sched_in;              /* when it last got its pCPU (rate limit, boost) */
    s_time_t wait_since;            /* when it last became runnable or left its pCPU */
    cpumask_t hard_affinity;        /* may only run on these */
    cpumask_t soft_affinity;        /* prefers these */
    struct sched_unit *next;        /* in its pCPU's queue (or the null policy's wait list) */
};

struct sched_policy {
    const char *name;               /* for the boot log */
    const char *opt_name;           /* sched= value */
    void (*init)(void);
    /* A new unit (not runnable yet): choose its pCPU within its hard affinity. */
    void (*insert)(struct sched_unit *u, s_time_t now);
    /* The unit leaves for good; it is not running. */
    void (*remove)(struct sched_unit *u);
    /* It became runnable (@from_block: it had blocked); may tickle a pCPU. */
    void (*wake)(struct sched_unit *u, s_time_t now, bool from_block);
    /* It stopped being runnable (blocked, down, domain ending). */
    void (*sleep)(struct sched_unit *u, s_time_t now);
    /* The running unit asks to let others run first. */
    void (*yield)(struct sched_unit *u);
    /* Move a unit that is not running to @cpu's queue (affinity changes, balancing). */
    void (*migrate)(struct sched_unit *u, unsigned int cpu);
    /* Charge the running unit for the time since it was last charged. */
    void (*tick)(struct sched_unit *u, s_time_t now);
    /*
     * Choose what @cpu runs next (NULL: idle).  The unit that ran there has
     * been charged by tick().  *@next_decision is when to call pick() again
     * at the latest (STIME_MAX: only when tickled).
     */
    struct sched_unit *(*pick)(unsigned int cpu, s_time_t now, s_time_t *next_decision);
};

extern const struct sched_policy sched_credit_policy;
extern const struct sched_policy sched_null_policy;

/* The pCPUs the scheduler uses, and the rate limit in ns (0 = none). */
extern cpumask_t sched_cpus;
extern s_time_t sched_ratelimit;

/* Provided by core.c (and by the unit tests): make @cpu call pick() soon. */
void sched_tickle(unsigned int cpu);

/* Arithmetic shared by the policies and the tests. */

/* Credit a unit of @weight burns for running @ns. */
static inline s_time_t sched_credit_burn(s_time_t ns, unsigned int weight)
{
    return ns * SCHED_DEFAULT_WEIGHT / (s_time_t)(weight ? weight : SCHED_DEFAULT_WEIGHT);
}

/* How long a unit of @weight runs to burn @credit. */
static inline s_time_t sched_credit_to_time(s_time_t credit, unsigned int weight)
{
    return credit * (s_time_t)(weight ? weight : SCHED_DEFAULT_WEIGHT) / SCHED_DEFAULT_WEIGHT;
}

/* Run time a cap of @cap percent allows per cap period. */
static inline s_time_t sched_cap_quota(unsigned int cap)
{
    return SCHED_CAP_PERIOD * (s_time_t)cap / 100;
}

/*
 * Start as many cap periods as have begun by @now: the budget gains one
 * quota per period, a debt (overrun) is paid back first, and nothing
 * accumulates beyond one quota.  No-op for an uncapped domain.
 */
void sched_dom_refill(struct sched_dom *sd, s_time_t now);
/* True if @u's domain has used its cap for the current period. */
bool sched_unit_capped_out(const struct sched_unit *u, s_time_t now);

#endif
