/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <keel/types.h>

#define X86_CR0_PE  (1UL << 0)
#define X86_CR0_MP  (1UL << 1)
#define X86_CR0_ET  (1UL << 4)
#define X86_CR0_NE  (1UL << 5)
#define X86_CR0_WP  (1UL << 16)
#define X86_CR0_PG  (1UL << 31)
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)

#define MSR_EFER        0xc0000080
#define EFER_SCE        (1UL << 0)
#define EFER_LME        (1UL << 8)
#define EFER_NXE        (1UL << 11)
#define EFER_SVME       (1UL << 12)
#define MSR_FS_BASE     0xc0000100
#define MSR_GS_BASE     0xc0000101
#define MSR_APIC_BASE   0x1b

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

static inline void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    __asm__ volatile ("cpuid"
                      : "=a" (r->eax), "=b" (r->ebx), "=c" (r->ecx), "=d" (r->edx)
                      : "a" (leaf), "c" (sub));
}
static inline void cpuid(uint32_t leaf, struct cpuid_regs *r)
{
    cpuid_count(leaf, 0, r);
}
static inline uint32_t cpuid_ecx(uint32_t leaf)
{
    struct cpuid_regs r;
    cpuid(leaf, &r);
    return r.ecx;
}
static inline uint32_t cpuid_edx(uint32_t leaf)
{
    struct cpuid_regs r;
    cpuid(leaf, &r);
    return r.edx;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile ("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile ("wrmsr" :: "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t rdtsc_ordered(void)
{
    __asm__ volatile ("lfence" ::: "memory");
    return rdtsc();
}

#define DEFINE_CR(n)                                                        \
    static inline unsigned long read_cr##n(void)                            \
    {                                                                       \
        unsigned long v;                                                    \
        __asm__ volatile ("mov %%cr" #n ", %0" : "=r" (v));                 \
        return v;                                                           \
    }                                                                       \
    static inline void write_cr##n(unsigned long v)                         \
    {                                                                       \
        __asm__ volatile ("mov %0, %%cr" #n :: "r" (v) : "memory");         \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void cpu_relax(void) { __asm__ volatile ("pause" ::: "memory"); }
static inline void halt(void) { __asm__ volatile ("hlt" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile ("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile ("sti" ::: "memory"); }
static inline void safe_halt(void) { __asm__ volatile ("sti; hlt" ::: "memory"); }
static inline unsigned long read_rflags(void)
{
    unsigned long f;
    __asm__ volatile ("pushf; pop %0" : "=r" (f) :: "memory");
    return f;
}
#define local_save_flags(f)     ((f) = read_rflags())
#define local_irq_save(f)       do { (f) = read_rflags(); local_irq_disable(); } while (0)
#define local_irq_restore(f)    __asm__ volatile ("push %0; popf" :: "g" (f) : "memory", "cc")
static inline bool local_irq_is_enabled(void) { return read_rflags() & 0x200; }

#define barrier()   __asm__ volatile ("" ::: "memory")
#define smp_mb()    __asm__ volatile ("mfence" ::: "memory")
#define smp_rmb()   barrier()
#define smp_wmb()   barrier()
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))

static inline void __noreturn halt_forever(void)
{
    for ( ;; )
        __asm__ volatile ("cli; hlt");
}

/* Saved by the exception entry code, in push order reversed. */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    uint64_t rip, cs, rflags, rsp, ss;
};

#endif
