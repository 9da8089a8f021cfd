/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/processor.h>

typedef void (*irq_handler_t)(struct cpu_user_regs *regs);

/* Route vector @vec (32..255) to @h; the handler acknowledges the interrupt. */
void set_irq_handler(unsigned int vec, irq_handler_t h);
void show_registers(const struct cpu_user_regs *regs);
/* Print a call trace, starting with @rip if non-zero, then the frames from @rbp. */
void show_stack_trace(unsigned long rip, unsigned long rbp);
void do_trap(struct cpu_user_regs *regs);
void __noreturn switch_stack_and_jump(unsigned long sp, void (*fn)(void));

/*
 * Vectors of the local APIC's own interrupts, all in the highest priority
 * class (0xf0-0xff) so nothing device-related can hold them off.  The
 * 8259s are remapped to 0x20-0x2f (and masked) so stray legacy interrupts
 * cannot be mistaken for exceptions.
 */
#define SPURIOUS_APIC_VECTOR    0xff
#define ERROR_APIC_VECTOR       0xfe
#define LOCAL_TIMER_VECTOR      0xfd
#define EVENT_CHECK_VECTOR      0xfc    /* wake a CPU to look at its softirqs */
#define CALL_FUNCTION_VECTOR    0xfb    /* smp.c cross-CPU calls */
#define FIRST_LEGACY_VECTOR     0x20    /* 8259 IRQ 0-15 -> 0x20-0x2f */

/* Local APIC (apic.c): end of interrupt and inter-processor interrupts. */
void apic_eoi(void);
void send_IPI_cpu(unsigned int cpu, unsigned int vector);
void send_IPI_allbutself(unsigned int vector);

#endif
