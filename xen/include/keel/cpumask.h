/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_CPUMASK_H
#define KEEL_CPUMASK_H

#include <keel/types.h>
#include <asm/config.h>

/*
 * A set of CPU numbers (0..NR_CPUS-1).  Single-bit updates are atomic so
 * several CPUs may change one mask at once (e.g. the cross-call ack mask);
 * whole-mask operations are not, and need the caller's serialisation.
 */
#define BITS_PER_LONG       64
#define CPUMASK_LONGS       ((NR_CPUS + BITS_PER_LONG - 1) / BITS_PER_LONG)

typedef struct cpumask {
    unsigned long bits[CPUMASK_LONGS];
} cpumask_t;

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_or(&m->bits[cpu / BITS_PER_LONG], 1UL << (cpu % BITS_PER_LONG),
                      __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_and(&m->bits[cpu / BITS_PER_LONG], ~(1UL << (cpu % BITS_PER_LONG)),
                       __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return (__atomic_load_n(&m->bits[cpu / BITS_PER_LONG], __ATOMIC_ACQUIRE) >>
            (cpu % BITS_PER_LONG)) & 1;
}

static inline void cpumask_clear(cpumask_t *m)
{
    unsigned int i;

    for ( i = 0; i < CPUMASK_LONGS; i++ )
        m->bits[i] = 0;
}

static inline void cpumask_copy(cpumask_t *d, const cpumask_t *s)
{
    *d = *s;
}

static inline void cpumask_and(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    unsigned int i;

    for ( i = 0; i < CPUMASK_LONGS; i++ )
        d->bits[i] = a->bits[i] & b->bits[i];
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    unsigned int i;

    for ( i = 0; i < CPUMASK_LONGS; i++ )
        if ( __atomic_load_n(&m->bits[i], __ATOMIC_ACQUIRE) )
            return false;
    return true;
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int i, n = 0;
    unsigned long w;

    /* Clear the lowest set bit until none is left (no libgcc popcount here). */
    for ( i = 0; i < CPUMASK_LONGS; i++ )
        for ( w = __atomic_load_n(&m->bits[i], __ATOMIC_ACQUIRE); w; w &= w - 1 )
            n++;
    return n;
}

/* First CPU in @m at or after @cpu, or NR_CPUS if there is none. */
static inline unsigned int cpumask_next_from(unsigned int cpu, const cpumask_t *m)
{
    for ( ; cpu < NR_CPUS; cpu++ )
        if ( cpumask_test_cpu(cpu, m) )
            return cpu;
    return NR_CPUS;
}

#define for_each_cpu(cpu, m)                                    \
    for ( (cpu) = cpumask_next_from(0, (m));                    \
          (cpu) < NR_CPUS;                                      \
          (cpu) = cpumask_next_from((cpu) + 1, (m)) )

/* CPUs that finished bring-up and take interrupts (smp.c). */
extern cpumask_t cpu_online_map;

#define for_each_online_cpu(cpu)    for_each_cpu(cpu, &cpu_online_map)

static inline unsigned int num_online_cpus(void)
{
    return cpumask_weight(&cpu_online_map);
}

static inline bool cpu_online(unsigned int cpu)
{
    return cpu < NR_CPUS && cpumask_test_cpu(cpu, &cpu_online_map);
}

/*
 * Cross-CPU function calls (smp.c), kept beside the mask type they take.
 * @fn runs on every online CPU of @mask (the caller too, if in @mask) in
 * interrupt context with interrupts off.  With @wait the call returns when
 * every @fn has finished; without, once each target has picked up the
 * call.  Must be called with interrupts enabled: a CPU spinning with them
 * off could not answer a call another CPU makes at the same time.
 */
void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *), void *data, bool wait);
/* @fn on every online CPU except the caller. */
void smp_call_function(void (*fn)(void *), void *data, bool wait);

#endif
