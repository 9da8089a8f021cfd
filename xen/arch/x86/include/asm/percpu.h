/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <keel/types.h>
#include <asm/config.h>

struct tss64 {
    uint32_t rsvd0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t rsvd1;
    uint64_t ist[7];
    uint64_t rsvd2;
    uint16_t rsvd3, iomap_base;
} __packed;

#define IST_NMI     1
#define IST_DF      2
#define IST_MC      3

/*
 * Per-CPU state, reached through %gs (the first field points at itself).
 * Allocated per CPU as it comes up; cpu_data[] indexes them.
 */
struct cpu_data {
    struct cpu_data *self;
    unsigned int cpu_id;
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool online;
    unsigned long stack_top;
    unsigned long ist_top[3];
    uint64_t gdt[8] __aligned(16);
    struct tss64 tss __aligned(16);
    void *arch_private[8];          /* for subsystems: apic, time, softirq... */
};

extern struct cpu_data *cpu_data[NR_CPUS];

static inline struct cpu_data *this_cpu(void)
{
    struct cpu_data *c;

    __asm__ volatile ("mov %%gs:0, %0" : "=r" (c));
    return c;
}

static inline unsigned int smp_processor_id(void)
{
    return this_cpu()->cpu_id;
}

/* desc.c: load GDT/TSS/IDT on the calling CPU for @c. */
void cpu_desc_init(struct cpu_data *c);
void idt_init(void);

#endif
