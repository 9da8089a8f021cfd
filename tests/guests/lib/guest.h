/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test-guest library: a PVH entry that reaches long mode with the
 * first 4 GiB identity-mapped, an
 * IDT that turns any unexpected exception into a FAIL verdict, Xen
 * detection and the hypercall page, printf over console_io, CHECK
 * macros and the verdict protocol of docs/boot-domains.md.
 *
 * A test provides DEFINE_TEST("name") and test_main(); returning from
 * test_main() is a PASS.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))

/* ---- what a test provides --------------------------------------------- */

#define DEFINE_TEST(name) const char keel_test_default_name[] = name
void test_main(const struct hvm_start_info *si);

/* TSC read by the very first guest instruction (benchmarks). */
extern uint64_t guest_entry_tsc;

/* The name used in verdicts; a test may refine it (e.g. from its cmdline). */
extern const char *test_name;
void set_test_name(const char *name);

/* ---- the environment ---------------------------------------------------- */

extern const struct hvm_start_info *start_info;
extern bool have_xen;               /* Xen CPUID leaves were found */
extern uint32_t xen_cpuid_base;     /* 0x40000000 + n * 0x100, or 0 */
extern bool cpu_is_amd;             /* vendor AMD/Hygon: VMMCALL, else VMCALL */

/* The image as linked (physical == virtual). */
extern char __image_start[], __image_end[];

/* The hypercall page the library registered, and the one calls go through. */
extern uint8_t hypercall_page[4096];
extern uint8_t *hypercall_stubs;

/* ---- hypercalls --------------------------------------------------------- */

/*
 * 64-bit Xen convention: number in RAX (set by the stub), arguments in
 * RDI, RSI, RDX, R10, R8, result in RAX.  Argument registers are declared
 * clobbered (Xen debug builds scramble unused ones); everything else must
 * survive, and tests/guests/hypercall_page.c checks that it does.
 */
static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;

    __asm__ volatile ("call *%[stub]"
                      : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3), "+r" (r10), "+r" (r8)
                      : [stub] "r" (hypercall_stubs + (unsigned long)nr * 32)
                      : "memory", "cc");
    return ret;
}

#define hypercall0(nr)                  hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)               hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)            hypercall5(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)         hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                                   (unsigned long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d)      hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                                   (unsigned long)(c), (unsigned long)(d), 0)

/*
 * A hypercall issued with VMMCALL/VMCALL directly (chosen from the CPUID
 * vendor, as Linux 6.1.0-28+ does), not through the page: reaches numbers
 * the 128-stub page cannot, and the path page-less kernels use.
 */
long hypercall_direct(unsigned long nr, unsigned long a1, unsigned long a2,
                      unsigned long a3, unsigned long a4, unsigned long a5);

#define HYPERVISOR_console_io(cmd, len, buf) \
    hypercall3(__HYPERVISOR_console_io, cmd, len, buf)
#define HYPERVISOR_xen_version(cmd, arg) \
    hypercall2(__HYPERVISOR_xen_version, cmd, arg)
#define HYPERVISOR_sched_op(cmd, arg) \
    hypercall2(__HYPERVISOR_sched_op, cmd, arg)
#define HYPERVISOR_vcpu_op(cmd, vcpu, arg) \
    hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg)

/* ---- output and verdicts ------------------------------------------------ */

int printf(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void console_write(const char *s, size_t len);

/* "KEEL-GUEST: <test> PASS", then SCHEDOP_shutdown(poweroff). */
void __noreturn pass(void);
/* "KEEL-GUEST: <test> FAIL: <reason>", then SCHEDOP_shutdown(crash). */
void __noreturn fail(const char *fmt, ...) __printf(1, 2);
/* SCHEDOP_shutdown(reason); without Xen, leave QEMU through isa-debug-exit. */
void __noreturn guest_shutdown(unsigned int reason);

#define CHECK(cond)                                                         \
    do {                                                                    \
        if ( !(cond) )                                                      \
            fail("%s:%d: CHECK(%s) failed", __FILE__, __LINE__, #cond);     \
    } while ( 0 )

#define CHECK_EQ(a, b)                                                      \
    do {                                                                    \
        long long _a = (long long)(a), _b = (long long)(b);                 \
        if ( _a != _b )                                                     \
            fail("%s:%d: CHECK_EQ(%s, %s) failed: %lld (%#llx) != %lld (%#llx)", \
                 __FILE__, __LINE__, #a, #b, _a, (unsigned long long)_a,    \
                 _b, (unsigned long long)_b);                               \
    } while ( 0 )

/* ---- CPU helpers --------------------------------------------------------- */

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;

    __asm__ volatile ("cpuid" : "=a" (r.eax), "=b" (r.ebx), "=c" (r.ecx), "=d" (r.edx)
                      : "a" (leaf), "c" (sub));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile ("outb %0, %1" :: "a" (v), "Nd" (port));
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile ("wrmsr" :: "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32))
                      : "memory");
}

/*
 * MSR access that survives a fault: returns 0, or the exception vector
 * (13 for #GP) that the access raised.
 */
int wrmsr_safe(uint32_t msr, uint64_t v);
int rdmsr_safe(uint32_t msr, uint64_t *v);

/*
 * Remove the identity mapping of one 4 KiB page below 2 MiB (e.g. page 0,
 * so that NULL faults in the guest and in the hypervisor's copies).
 */
void unmap_low_page(uint64_t va);

/* Point IDT vector @vector at @handler (an interrupt gate; the handler must iretq). */
void idt_set_gate(unsigned int vector, void (*handler)(void));
/* Load the (one, shared) IDT on this vCPU: secondary vCPUs do it once in long mode. */
void idt_load(void);

/* Trap frame seen by the exception handler (pushed by entry.S). */
struct exc_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* ---- strings and the command line --------------------------------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *h, const char *n);
unsigned long long strtoull(const char *s, const char **end, int base);

/* The start_info command line, or "" when there is none. */
const char *guest_cmdline(void);
/*
 * Copy the value of "key=value" from the command line into buf (at most
 * size-1 characters, NUL-terminated); false when the key is absent.
 */
bool cmdline_get(const char *key, char *buf, size_t size);

/* POSIX cksum(1) CRC of a buffer, so hosts can compare with `cksum`. */
uint32_t posix_cksum(const void *buf, size_t len);

#endif
