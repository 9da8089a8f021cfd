/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <keel/acpi.h>

struct boot_info;
extern struct acpi_info acpi_info;
extern unsigned int opt_maxcpus;

/*
 * Platform bring-up after memory: ACPI tables, interrupt controllers,
 * time calibration, local timers and the other CPUs (platform.c).
 */
void platform_init(struct boot_info *bi);

/* Deliberate faults for tests (test-fault=); returns only if none was asked for. */
void test_fault_run(void);

/* Interrupt controllers: i8259.c, io_apic.c, apic.c. */
void i8259_disable(void);
void io_apic_init(void);
void apic_bsp_init(void);
void apic_ap_init(void);
uint32_t apic_read_id(void);
/* Send INIT or a start-up IPI to @apic_id; false if the APIC never accepted it. */
bool apic_send_init(uint32_t apic_id);
bool apic_send_startup(uint32_t apic_id, unsigned int page);
extern bool x2apic_enabled;
/* LAPIC timer hardware (apic.c), driven by time.c. */
void apic_timer_program_lvt(bool tsc_deadline, bool masked);
void apic_timer_set_count(uint32_t count);
uint32_t apic_timer_get_count(void);

/* Time (time.c): TSC calibration, delays, the per-CPU LAPIC timer. */
extern unsigned long cpu_khz;
void time_init(void);
void apic_timer_init(void);
void udelay(unsigned long us);
void mdelay(unsigned long ms);

/* IPI handlers for cross-calls and softirq wake-ups (smp.c). */
void smp_ipi_init(void);

/* Secondary CPUs (smpboot.c). */
void smp_boot_cpus(void);
void smp_selftest(void);
void __noreturn cpu_idle_loop(void);

#endif
