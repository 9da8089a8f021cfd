/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cross-CPU function calls and softirq wake-ups.  One call is in flight at
 * a time (call_lock): the caller publishes the function and the set of
 * targets, sends each target CALL_FUNCTION_VECTOR, and waits until every
 * target has removed itself from the set, which each does after running
 * the function (wait) or after copying it out (no wait).
 */
#include <keel/lib.h>
#include <keel/cpumask.h>
#include <keel/softirq.h>
#include <keel/spinlock.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>

cpumask_t cpu_online_map;

static DEFINE_SPINLOCK(call_lock);
static struct {
    void (*fn)(void *);
    void *data;
    bool wait;
    cpumask_t pending;              /* targets that have not answered yet */
} call;

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();
    void (*fn)(void *);
    void *data;

    apic_eoi();
    if ( !cpumask_test_cpu(cpu, &call.pending) )
        return;
    fn = call.fn;
    data = call.data;
    if ( call.wait )
    {
        fn(data);
        cpumask_clear_cpu(cpu, &call.pending);
    }
    else
    {
        /* fn and data are ours now: the caller may start the next call. */
        cpumask_clear_cpu(cpu, &call.pending);
        fn(data);
    }
}

void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *), void *data, bool wait)
{
    unsigned int cpu, self = smp_processor_id();
    bool run_here;

    ASSERT(local_irq_is_enabled());
    spin_lock(&call_lock);
    cpumask_and(&call.pending, mask, &cpu_online_map);
    run_here = cpumask_test_cpu(self, &call.pending);
    cpumask_clear_cpu(self, &call.pending);
    call.fn = fn;
    call.data = data;
    call.wait = wait;
    smp_mb();

    for_each_cpu ( cpu, &call.pending )
        send_IPI_cpu(cpu, CALL_FUNCTION_VECTOR);

    if ( run_here )
    {
        local_irq_disable();
        fn(data);
        local_irq_enable();
    }
    while ( !cpumask_empty(&call.pending) )
        cpu_relax();
    spin_unlock(&call_lock);
}

void smp_call_function(void (*fn)(void *), void *data, bool wait)
{
    cpumask_t others = cpu_online_map;

    cpumask_clear_cpu(smp_processor_id(), &others);
    on_selected_cpus(&others, fn, data, wait);
}

/* Nothing to do but leave hlt: the idle loop then runs the softirqs. */
static void event_check_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
}

void smp_send_event_check_cpu(unsigned int cpu)
{
    send_IPI_cpu(cpu, EVENT_CHECK_VECTOR);
}

void smp_ipi_init(void)
{
    set_irq_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
    set_irq_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
}
