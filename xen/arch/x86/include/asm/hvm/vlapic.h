/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_VLAPIC_H
#define ASM_HVM_VLAPIC_H

/*
 * The virtual local APIC of a vCPU: xAPIC registers in the MMIO page at
 * 0xfee00000 (x2APIC is not offered), fixed, NMI, INIT and STARTUP IPIs
 * within the domain, and the APIC timer on a fixed virtual bus clock.  It is the second guest
 * interrupt source of hvm/irq.c, after the event callback vector (which
 * bypasses it and is never EOI'd).  All state is guarded by the vCPU's
 * vlapic lock: IPIs from other vCPUs and the timer (on another pCPU)
 * change IRR concurrently with the owner's accesses.
 */
#include <keel/types.h>
#include <keel/spinlock.h>
#include <keel/timer.h>

struct vcpu;
struct domain;

#define VLAPIC_BASE             0xfee00000ULL
#define VLAPIC_SIZE             0x1000ULL

struct vlapic {
    spinlock_t lock;
    uint32_t id, tpr, ldr, dfr, svr;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t esr;                   /* what reads return (latched by the last write) */
    uint32_t esr_pending;           /* errors since that write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[6];                /* timer, thermal, perf, LINT0, LINT1, error */
    uint32_t timer_icr, timer_dcr;
    unsigned int timer_div;         /* divisor in force since the last load */
    s_time_t timer_start;           /* system time the current count was loaded */
    s_time_t timer_period;          /* ns for one count-down from timer_icr, 0 = stopped */
    bool timer_running;
    struct timer timer;
};

/* Reset state (SDM power-up: LVTs masked, SVR 0xff, ID from the MADT numbering). */
void vlapic_vcpu_init(struct vcpu *v);
void vlapic_vcpu_destroy(struct vcpu *v);
/* INIT: back to the reset state (ID kept), timer stopped. */
void vlapic_reset(struct vcpu *v);
/* Claim the xAPIC page for @d: 0 or the hvm_register_mmio() error. */
int vlapic_domain_init(struct domain *d);

/* Highest deliverable vector (IRR above PPR, APIC software-enabled), or -1. */
int vlapic_next_interrupt(struct vcpu *v);
/* @vector was injected: IRR -> ISR. */
void vlapic_interrupt_taken(struct vcpu *v, int vector);
/* Raise fixed @vector on @v (edge) and kick it. */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);

#endif
