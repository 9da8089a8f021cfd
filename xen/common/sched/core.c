/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal vCPU scheduler: each vCPU lives on one CPU's run list and the
 * CPU runs the runnable ones in turn, one exit at a time, halting when none
 * can run.  The weighted credit scheduler replaces the policy later; the
 * run loop, blocking and the end-of-domain hand-off stay.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/softirq.h>
#include <asm/percpu.h>

static struct vcpu *runq[NR_CPUS];
static spinlock_t runq_lock[NR_CPUS];
static struct vcpu *curr[NR_CPUS];
static struct vcpu *last_run[NR_CPUS];

struct vcpu *current_vcpu(void)
{
    return cpu_data[0] ? curr[smp_processor_id()] : NULL;
}

void set_current_vcpu(struct vcpu *v)
{
    curr[smp_processor_id()] = v;
}

void sched_kick_vcpu(struct vcpu *v)
{
    if ( v && v->processor != smp_processor_id() )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else if ( v )
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void sched_start_vcpu(struct vcpu *v)
{
    unsigned int cpu = v->processor;
    struct vcpu **pp;

    spin_lock(&v->domain->lock);
    v->domain->vcpus_on_cpu++;
    spin_unlock(&v->domain->lock);

    spin_lock(&runq_lock[cpu]);
    v->is_up = true;
    v->blocked = false;
    if ( !v->on_runq )
    {
        for ( pp = &runq[cpu]; *pp; pp = &(*pp)->next_in_runq )
            ;
        v->next_in_runq = NULL;
        *pp = v;
        v->on_runq = true;
    }
    spin_unlock(&runq_lock[cpu]);
    sched_kick_vcpu(v);
}

void vcpu_wake(struct vcpu *v)
{
    if ( ACCESS_ONCE(v->blocked) )
    {
        v->blocked = false;
        sched_kick_vcpu(v);
    }
}

void vcpu_block(struct vcpu *v)
{
    v->blocked = true;
}

void vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned int i, up = 0;

    v->is_up = false;
    for ( i = 0; i < d->max_vcpus; i++ )
        up += d->vcpu[i]->is_up;
    if ( !up )
        domain_end(d, DOMEND_POWEROFF, "every vCPU halted with interrupts off");
}

/* Take @v off this CPU for good; the last vCPU of a domain out frees it. */
static void runq_remove(unsigned int cpu, struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu **pp;
    bool last;

    spin_lock(&runq_lock[cpu]);
    for ( pp = &runq[cpu]; *pp && *pp != v; pp = &(*pp)->next_in_runq )
        ;
    if ( *pp )
        *pp = v->next_in_runq;
    v->on_runq = false;
    spin_unlock(&runq_lock[cpu]);
    if ( last_run[cpu] == v )
        last_run[cpu] = NULL;

    spin_lock(&d->lock);
    last = --d->vcpus_on_cpu == 0;
    spin_unlock(&d->lock);
    if ( last )
        domain_reap(d);
}

/* The next vCPU after the one run last that can run; dying ones are removed. */
static struct vcpu *pick_next(unsigned int cpu)
{
    struct vcpu *v, *start, *dead = NULL;

    spin_lock(&runq_lock[cpu]);
    start = last_run[cpu] && last_run[cpu]->next_in_runq ? last_run[cpu]->next_in_runq
                                                         : runq[cpu];
    v = start;
    while ( v )
    {
        if ( v->domain->is_dying )
        {
            dead = v;
            break;
        }
        if ( v->is_up && !v->blocked && !v->paused )
            break;
        v = v->next_in_runq ? v->next_in_runq : runq[cpu];
        if ( v == start )
            v = NULL;
    }
    spin_unlock(&runq_lock[cpu]);

    if ( dead )
    {
        runq_remove(cpu, dead);
        return pick_next(cpu);
    }
    return v;
}

static void schedule_softirq(void)
{
    /* Nothing to do here: its purpose is to end a hlt or a guest run. */
}

/* Run lists and their locks start zeroed, which is empty and unlocked. */
void sched_init(void)
{
    open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
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
        v = pick_next(cpu);
        if ( !v )
        {
            safe_halt();
            continue;
        }
        curr[cpu] = v;
        v->running = true;
        hvm_funcs->vcpu_run(v);
        v->running = false;
        curr[cpu] = NULL;
        last_run[cpu] = v;
        local_irq_enable();
    }
}
