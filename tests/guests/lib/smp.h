/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary vCPUs for test guests (smp.S, smp.c): the local APIC through
 * its xAPIC page, INIT/STARTUP with a real-mode trampoline below 1 MiB,
 * VCPUOP_initialise contexts for 32- and 64-bit starts, and the MADT.
 * Every way in ends in the test's smp_ap_fn(vcpu_id) on a stack of its
 * own, with the boot vCPU's GDT, IDT and page tables; if it returns, the
 * vCPU halts with interrupts off (down).
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "guest.h"
#include <public/vcpu.h>
#include <public/hvm/hvm_vcpu.h>

#define SMP_MAX_VCPUS   8

/* ---- local APIC (xAPIC page) --------------------------------------------- */

#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_ESR        0x280
#define APIC_ICR_LO     0x300
#define APIC_ICR_HI     0x310

#define ICR_FIXED       (0u << 8)
#define ICR_NMI         (4u << 8)
#define ICR_INIT        (5u << 8)
#define ICR_STARTUP     (6u << 8)
#define ICR_BUSY        (1u << 12)
#define ICR_ASSERT      (1u << 14)
#define ICR_LEVEL       (1u << 15)
#define ICR_SELF        (1u << 18)
#define ICR_ALL         (2u << 18)
#define ICR_ALL_BUT_SELF (3u << 18)

uint32_t apic_read(unsigned int off);
void apic_write(unsigned int off, uint32_t val);
/* Software-enable this vCPU's APIC (SVR bit 8, spurious vector 0xff). */
void apic_enable(void);
/* This vCPU's APIC ID, from the ID register. */
unsigned int apic_id(void);
/*
 * Write ICR (high: @dest_apic_id, low: @lo) and check the delivery status
 * reads back 0 (delivery is immediate).
 */
void apic_send(unsigned int dest_apic_id, uint32_t lo);
/* INIT assert, INIT de-assert, STARTUP, STARTUP, as Linux sends them. */
void smp_init_sipi_sipi(unsigned int dest_apic_id, uint32_t trampoline);

/* ---- starting vCPUs ------------------------------------------------------- */

/* The test's code on each secondary vCPU (set before starting any). */
extern void (*smp_ap_fn)(unsigned int vcpu_id);

/* What the trampoline found at its entry (INIT + STARTUP state). */
struct smp_tramp_record {
    uint32_t entries;           /* times the trampoline was entered */
    uint32_t edx, cr0, eflags;
    uint64_t efer;
    uint16_t cs, ss;
} __attribute__((packed));

/* Copy the trampoline to @paddr (4 KiB aligned, below 1 MiB); its record. */
volatile struct smp_tramp_record *smp_install_trampoline(uint32_t paddr);

/* Registers a 64-bit VCPUOP_initialise start pushed on its stack (smp_ap_entry64). */
struct smp_entry_regs {
    uint64_t cs, rflags, rdi, rsi, rbp, rbx, rdx, rcx, rax, rsp;
};
/* Where smp_ap_entry64 leaves them for a start with @rsp. */
static inline const volatile struct smp_entry_regs *smp_entry_regs_at(uint64_t rsp)
{
    return (const volatile struct smp_entry_regs *)(uintptr_t)(rsp - sizeof(struct smp_entry_regs));
}

/* A valid 64-bit context: smp_ap_entry64 on @rsp, the boot vCPU's page tables. */
void smp_context_64(struct vcpu_hvm_context *c, uint64_t rsp);
/* A valid 32-bit context: smp_ap_pm32, flat segments, paging off. */
void smp_context_32(struct vcpu_hvm_context *c);

/* ---- MADT ----------------------------------------------------------------- */

struct madt_cpu {
    uint32_t uid, apic_id;
    bool enabled;
};
/* The local APIC entries of the MADT (through start_info's RSDP); how many. */
unsigned int madt_cpus(struct madt_cpu *out, unsigned int max);

/* ---- small helpers -------------------------------------------------------- */

static inline unsigned int atomic_inc(volatile unsigned int *p)
{
    return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;

    __asm__ volatile ("mov %%cr0, %0" : "=r" (v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    __asm__ volatile ("mov %%cr3, %0" : "=r" (v));
    return v;
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;

    __asm__ volatile ("mov %%cr4, %0" : "=r" (v));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile ("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
    return ((uint64_t)hi << 32) | lo;
}

#endif
