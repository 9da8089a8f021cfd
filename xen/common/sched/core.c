/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler core: the run loop every pCPU spends its life in, the
 * scheduler lock, the per-pCPU scheduler timers, vCPU state changes and
 * per-vCPU statistics.  Decisions belong to a policy (keel/sched.h):
 * sched=credit (default; credit2 is accepted as an alias) or sched=null.
 *
 * One lock (interrupt-safe) covers every policy's state and every
 * vCPU's scheduling state.  The policies keep per-pCPU queues, so the
 * lock is the only shared part; it is held for a few hundred instructions
 * per decision, which is fine at the pCPU counts Keel runs on today.
 *
 * Preemption: pick() says when it wants to decide again; the pCPU's
 * scheduler timer raises SCHEDULE_SOFTIRQ then, and a pending softirq
 * makes vcpu_run() return to this loop.  Other pCPUs are tickled the
 * same way (a remote softirq is an IPI).  A pCPU with nothing to run
 * halts until an interrupt.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/param.h>
#include <keel/sched.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <asm/percpu.h>

static char opt_sched[16] = "credit";
string_param("sched", opt_sched);
static unsigned int opt_ratelimit_us = SCHED_DEFAULT_RATELIMIT_US;
integer_param("sched_ratelimit_us", opt_ratelimit_us);

cpumask_t sched_cpus;
s_time_t sched_ratelimit;

static const struct sched_policy *ops;
static bool sched_ready;
static DEFINE_SPINLOCK(sched_lock);
static struct vcpu *curr[NR_CPUS];          /* inside vcpu_run() here */
static struct vcpu *chosen[NR_CPUS];        /* what pick() last chose here */
static struct timer s_timer[NR_CPUS];
static struct vcpu *all_vcpus;              /* every vCPU the policy knows */

#define unit_vcpu(u)    ((struct vcpu *)((char *)(u) - offsetof(struct vcpu, sched)))

struct vcpu *current_vcpu(void)
{
    return cpu_data[0] ? curr[smp_processor_id()] : NULL;
}

void set_current_vcpu(struct vcpu *v)
{
    curr[smp_processor_id()] = v;
}

void sched_tickle(unsigned int cpu)
{
    if ( cpu == smp_processor_id() )
        raise_softirq(SCHEDULE_SOFTIRQ);
    else
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

/* ---- time accounting ------------------------------------------------------ */

/*
 * Event-channel work (common/runstate.c) mirrors every change into the
 * runstate area a guest registered.  Weak, so the scheduler builds and
 * runs without it.
 */
void vcpu_runstate_change(struct vcpu *v, int new_state) __attribute__((weak));

void sched_runstate_change(struct vcpu *v, int new_state)
{
    struct vcpu_runstate_info *r = &v->runstate;
    s_time_t now = NOW();
    unsigned long flags;

    spin_lock_irqsave(&v->runstate_lock, flags);
    /* An entry time of 0 means never started: nothing to charge. */
    if ( r->state_entry_time && now > (s_time_t)r->state_entry_time &&
         r->state >= 0 && r->state <= RUNSTATE_offline )
        r->time[r->state] += now - r->state_entry_time;
    r->state = new_state;
    r->state_entry_time = now;
    if ( new_state == RUNSTATE_running )
        cpumask_set_cpu(v->processor, &v->ran_on);
    /* The guest's registered copy (common/runstate.c). */
    runstate_area_update(v);
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    if ( vcpu_runstate_change )
        vcpu_runstate_change(v, new_state);
}

/* The state a vCPU that is not on a pCPU is in. */
static int rest_state(const struct vcpu *v)
{
    if ( !v->sched.inserted || !v->is_up || v->domain->is_dying )
        return RUNSTATE_offline;
    return v->blocked ? RUNSTATE_blocked : RUNSTATE_runnable;
}

/* After a change to @v's state: if it is not on a pCPU, its runstate follows. */
static void settle(struct vcpu *v)
{
    if ( !v->sched.running && v->runstate.state != rest_state(v) )
        sched_runstate_change(v, rest_state(v));
}

static void print_stats(const struct domain *d)
{
    unsigned int i, c;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        const struct vcpu *v = d->vcpu[i];
        char cpus[96];
        size_t n = 0;

        cpus[0] = '\0';
        for_each_cpu ( c, &v->ran_on )
            n += scnprintf(cpus + n, sizeof(cpus) - n, "%s%u", n ? "," : "", c);
        printk("Domain %u vCPU %u sched: run_ns=%lu runnable_ns=%lu blocked_ns=%lu "
               "pcpus=%s weight=%u cap=%u\n", d->domain_id, v->vcpu_id,
               (unsigned long)v->runstate.time[RUNSTATE_running],
               (unsigned long)v->runstate.time[RUNSTATE_runnable],
               (unsigned long)v->runstate.time[RUNSTATE_blocked], n ? cpus : "none",
               d->sched.weight, d->sched.cap);
    }
}

/* ---- vCPU state changes ----------------------------------------------------- */

void sched_kick_vcpu(struct vcpu *v)
{
    if ( v )
        sched_tickle(v->sched.inserted ? v->sched.cpu : v->processor);
}

void sched_start_vcpu(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct sched_unit *u = &v->sched;
    unsigned long flags;
    s_time_t now;

    spin_lock_irqsave(&sched_lock, flags);
    /* A dying domain gains no vCPUs: reaping may already have counted them. */
    if ( v->is_up || d->is_dying )
    {
        spin_unlock_irqrestore(&sched_lock, flags);
        return;
    }
    now = NOW();
    if ( !u->inserted )
    {
        if ( !d->sched.weight )
            d->sched.weight = SCHED_DEFAULT_WEIGHT;
        u->dom = &d->sched;
        u->id = d->domain_id * 1000 + v->vcpu_id;
        if ( cpumask_empty(&u->hard_affinity) )
            cpumask_copy(&u->hard_affinity, &sched_cpus);
        cpumask_copy(&u->soft_affinity, &sched_cpus);
        v->runstate.state = RUNSTATE_offline;
        v->runstate.state_entry_time = now;
        ops->insert(u, now);
        v->processor = u->cpu < NR_CPUS ? u->cpu : v->processor;
        v->sched_next = all_vcpus;
        all_vcpus = v;
        d->vcpus_on_cpu++;
    }
    v->is_up = true;
    v->blocked = false;
    /* Still on a pCPU (taken down and restarted before it left): wake() leaves it there. */
    ops->wake(u, now, false);
    settle(v);
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_wake(struct vcpu *v)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    if ( v->blocked )
    {
        v->blocked = false;
        if ( v->sched.inserted && v->is_up && !v->domain->is_dying )
            ops->wake(&v->sched, NOW(), true);
        settle(v);
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_block(struct vcpu *v)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    v->blocked = true;
    if ( v->sched.inserted )
        ops->sleep(&v->sched, NOW());
    settle(v);
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_yield(struct vcpu *v)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    if ( v->sched.inserted )
        ops->yield(&v->sched);
    spin_unlock_irqrestore(&sched_lock, flags);
    /* Leave the guest so the policy decides now. */
    sched_tickle(smp_processor_id());
}

bool sched_stop_vcpu(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned int i, up = 0;
    unsigned long flags;
    bool was_up;

    spin_lock_irqsave(&sched_lock, flags);
    was_up = v->is_up;
    if ( was_up )
    {
        v->is_up = false;
        if ( v->sched.inserted )
            ops->sleep(&v->sched, NOW());
        settle(v);
    }
    for ( i = 0; i < d->max_vcpus; i++ )
        up += d->vcpu[i]->is_up;
    spin_unlock_irqrestore(&sched_lock, flags);
    /* Running in the guest elsewhere (another vCPU took it down): make it exit now. */
    if ( was_up )
        sched_kick_vcpu(v);
    return up == 0;
}

void vcpu_down(struct vcpu *v)
{
    if ( sched_stop_vcpu(v) )
        domain_end(v->domain, DOMEND_POWEROFF, "every vCPU halted with interrupts off");
}

int sched_set_domain_params(struct domain *d, unsigned int weight, unsigned int cap)
{
    unsigned long flags;

    if ( weight > SCHED_MAX_WEIGHT || cap > 100 * d->max_vcpus )
        return -EINVAL;
    spin_lock_irqsave(&sched_lock, flags);
    d->sched.weight = weight ? weight : SCHED_DEFAULT_WEIGHT;
    d->sched.cap = cap;
    d->sched.next_refill = 0;       /* a fresh budget at the next look */
    spin_unlock_irqrestore(&sched_lock, flags);
    return 0;
}

int sched_set_hard_affinity(struct vcpu *v, const cpumask_t *hard)
{
    struct sched_unit *u = &v->sched;
    unsigned long flags;
    cpumask_t m;

    cpumask_and(&m, hard, &sched_cpus);
    if ( cpumask_empty(&m) )
        return -EINVAL;
    spin_lock_irqsave(&sched_lock, flags);
    cpumask_copy(&u->hard_affinity, &m);
    if ( u->inserted && !u->running && !cpumask_test_cpu(u->cpu, &m) )
    {
        ops->migrate(u, cpumask_next_from(0, &m));
        sched_tickle(u->cpu);
    }
    else if ( u->inserted && u->running && !cpumask_test_cpu(u->cpu, &m) )
    {
        /* Running where it may no longer run: make it leave; pick() then moves it. */
        ops->yield(u);
        sched_tickle(u->cpu);
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    return 0;
}

/* ---- the end of a domain ---------------------------------------------------- */

/* Take @v out of the scheduler for good (lock held); true if it was its domain's last. */
static bool remove_vcpu(struct vcpu *v)
{
    struct vcpu **pp;

    ops->sleep(&v->sched, NOW());
    ops->remove(&v->sched);
    sched_runstate_change(v, RUNSTATE_offline);
    for ( pp = &all_vcpus; *pp && *pp != v; pp = &(*pp)->sched_next )
        ;
    if ( *pp )
        *pp = v->sched_next;
    return --v->domain->vcpus_on_cpu == 0;
}

/* The statistics, then the domain is freed (lock not held). */
static void finish_domain(struct domain *d)
{
    print_stats(d);
    domain_reap(d);
}

/*
 * Remove one vCPU of a dying domain that is on no pCPU; returns the
 * domain to finish if that was its last vCPU.  (Lock held.)
 */
static struct domain *reap_one_dying(bool *found)
{
    struct vcpu *v;

    *found = false;
    for ( v = all_vcpus; v; v = v->sched_next )
        if ( v->domain->is_dying && !v->sched.running && !v->running )
        {
            *found = true;
            return remove_vcpu(v) ? v->domain : NULL;
        }
    return NULL;
}

/* ---- the run loop ----------------------------------------------------------- */

static void s_timer_fn(void *data)
{
    (void)data;
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* Decide what this pCPU runs next (interrupts off); NULL: idle. */
static struct vcpu *do_schedule(unsigned int cpu)
{
    struct vcpu *prev, *next;
    struct sched_unit *u;
    struct domain *dead;
    s_time_t now, deadline;
    bool found;

    spin_lock(&sched_lock);
    do {
        dead = reap_one_dying(&found);
        if ( dead )
        {
            spin_unlock(&sched_lock);
            local_irq_enable();
            finish_domain(dead);
            local_irq_disable();
            spin_lock(&sched_lock);
        }
    } while ( found );

    now = NOW();
    prev = chosen[cpu];
    if ( prev )
        ops->tick(&prev->sched, now);
    u = ops->pick(cpu, now, &deadline);
    next = u ? unit_vcpu(u) : NULL;
    if ( prev != next )
    {
        if ( prev )
        {
            sched_runstate_change(prev, rest_state(prev));
            if ( hvm_funcs && hvm_funcs->vcpu_leave_cpu )
                hvm_funcs->vcpu_leave_cpu(prev);
        }
        if ( next )
        {
            next->processor = cpu;
            sched_runstate_change(next, RUNSTATE_running);
        }
        chosen[cpu] = next;
    }
    if ( deadline == STIME_MAX )
        stop_timer(&s_timer[cpu]);
    else if ( !timer_is_active(&s_timer[cpu]) || s_timer[cpu].expires != deadline )
        set_timer(&s_timer[cpu], deadline);
    spin_unlock(&sched_lock);
    return next;
}

/* @v came back from vcpu_run(): charge it; a vCPU of a dying domain leaves for good. */
static void after_run(struct vcpu *v, unsigned int cpu)
{
    struct domain *d = v->domain;
    bool last = false;

    spin_lock(&sched_lock);
    ops->tick(&v->sched, NOW());
    if ( d->is_dying && v->sched.inserted )
    {
        if ( hvm_funcs->vcpu_leave_cpu )
            hvm_funcs->vcpu_leave_cpu(v);
        v->sched.running = false;
        chosen[cpu] = NULL;
        last = remove_vcpu(v);
    }
    spin_unlock(&sched_lock);
    if ( last )
    {
        local_irq_enable();
        finish_domain(d);
        local_irq_disable();
    }
}

static void schedule_softirq(void)
{
    /* Nothing to do here: its purpose is to end a hlt or a guest run. */
}

static const struct sched_policy *const policies[] = {
    &sched_credit_policy,
    &sched_null_policy,
};

void sched_init(void)
{
    unsigned int cpu, i;

    ops = &sched_credit_policy;
    if ( !strcmp(opt_sched, "credit2") )
        ops = &sched_credit_policy;     /* Xen's default name: ours is credit2-like */
    else
    {
        for ( i = 0; i < ARRAY_SIZE(policies); i++ )
            if ( !strcmp(opt_sched, policies[i]->opt_name) )
                ops = policies[i];
        if ( strcmp(opt_sched, ops->opt_name) )
            printk(XENLOG_WARNING "sched=%s: unknown scheduler; using %s\n", opt_sched,
                   ops->opt_name);
    }
    if ( opt_ratelimit_us > SCHED_MAX_RATELIMIT_US )
    {
        printk(XENLOG_WARNING "sched_ratelimit_us=%u: above %u; using %u\n", opt_ratelimit_us,
               SCHED_MAX_RATELIMIT_US, SCHED_DEFAULT_RATELIMIT_US);
        opt_ratelimit_us = SCHED_DEFAULT_RATELIMIT_US;
    }
    sched_ratelimit = MICROSECS(opt_ratelimit_us);

    cpumask_copy(&sched_cpus, &cpu_online_map);
    for_each_cpu ( cpu, &sched_cpus )
        init_timer(&s_timer[cpu], s_timer_fn, NULL, cpu);
    open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
    ops->init();
    printk("Using scheduler: %s (%s)\n", ops->name, ops->opt_name);
    if ( ops == &sched_credit_policy )
        printk("Scheduler: rate limit %u us, default weight %u, %u pCPUs\n", opt_ratelimit_us,
               SCHED_DEFAULT_WEIGHT, cpumask_weight(&sched_cpus));
    smp_mb();
    sched_ready = true;
}

void __noreturn sched_idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for ( ;; )
    {
        struct vcpu *v;

        /*
         * Check with interrupts off, then sti;hlt: a wake-up arriving after
         * the check still ends the hlt (sti takes effect one instruction late).
         */
        local_irq_disable();
        if ( softirq_pending(cpu) )
        {
            local_irq_enable();
            do_softirq();
            continue;
        }
        if ( !ACCESS_ONCE(sched_ready) )
        {
            safe_halt();
            continue;
        }
        v = do_schedule(cpu);
        if ( !v )
        {
            /* pick() may have tickled this very pCPU. */
            if ( !softirq_pending(cpu) )
                safe_halt();
            else
                local_irq_enable();
            continue;
        }
        curr[cpu] = v;
        v->running = true;
        hvm_funcs->vcpu_run(v);
        v->running = false;
        curr[cpu] = NULL;
        after_run(v, cpu);
        local_irq_enable();
    }
}
