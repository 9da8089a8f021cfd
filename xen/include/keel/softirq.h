/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SOFTIRQ_H
#define KEEL_SOFTIRQ_H

#include <keel/types.h>

/*
 * Softirqs: per-CPU work deferred out of interrupt handlers and run with
 * interrupts enabled, lowest number first, when the CPU calls do_softirq()
 * (from its idle loop, or from code that waits).
 */
enum {
    TIMER_SOFTIRQ,
    SCHEDULE_SOFTIRQ,       /* look at the run list again (a vCPU woke or its domain ended) */
    NR_SOFTIRQS
};

typedef void (*softirq_handler_t)(void);

void softirq_init(void);
void open_softirq(unsigned int nr, softirq_handler_t h);
/* Mark @nr pending on the calling CPU. */
void raise_softirq(unsigned int nr);
/* Mark @nr pending on @cpu; a remote CPU is woken with an IPI. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
bool softirq_pending(unsigned int cpu);
/* Run the calling CPU's pending softirqs until none is left. */
void do_softirq(void);
/* For long loops with interrupts enabled that must let softirqs run. */
void process_pending_softirqs(void);

/* Arch hook (smp.c): make @cpu leave hlt and look at its softirqs. */
void smp_send_event_check_cpu(unsigned int cpu);

#endif
