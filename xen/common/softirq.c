/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Softirqs: one pending word per CPU.  Any CPU may set a bit in any word;
 * only the owner clears them, one at a time, just before running the
 * handler, so a softirq raised while its handler runs is run again.
 */
#include <keel/lib.h>
#include <keel/softirq.h>
#include <keel/cpumask.h>
#include <asm/percpu.h>
#include <asm/processor.h>

/* One cache line per CPU: remote raises should not bounce a shared line. */
static struct {
    unsigned long pending;
} __aligned(64) softirq_state[NR_CPUS];

static softirq_handler_t softirq_handlers[NR_SOFTIRQS];

void softirq_init(void)
{
    unsigned int i;

    for ( i = 0; i < NR_CPUS; i++ )
        softirq_state[i].pending = 0;
}

void open_softirq(unsigned int nr, softirq_handler_t h)
{
    BUG_ON(nr >= NR_SOFTIRQS || softirq_handlers[nr]);
    softirq_handlers[nr] = h;
}

void raise_softirq(unsigned int nr)
{
    __atomic_fetch_or(&softirq_state[smp_processor_id()].pending, 1UL << nr,
                      __ATOMIC_SEQ_CST);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    unsigned long old = __atomic_fetch_or(&softirq_state[cpu].pending, 1UL << nr,
                                          __ATOMIC_SEQ_CST);

    /* Already pending means the target has been woken and has yet to look. */
    if ( cpu != smp_processor_id() && !(old & (1UL << nr)) && cpu_online(cpu) )
        smp_send_event_check_cpu(cpu);
}

bool softirq_pending(unsigned int cpu)
{
    return __atomic_load_n(&softirq_state[cpu].pending, __ATOMIC_ACQUIRE) != 0;
}

void do_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long pending;

    while ( (pending = __atomic_load_n(&softirq_state[cpu].pending, __ATOMIC_ACQUIRE)) )
    {
        unsigned int nr = __builtin_ctzl(pending);

        __atomic_fetch_and(&softirq_state[cpu].pending, ~(1UL << nr), __ATOMIC_SEQ_CST);
        if ( softirq_handlers[nr] )
            softirq_handlers[nr]();
    }
}

void process_pending_softirqs(void)
{
    ASSERT(local_irq_is_enabled());
    do_softirq();
}
