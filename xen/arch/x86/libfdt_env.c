/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run-time environment Debian's libfdt.a needs inside the hypervisor.
 *
 * libfdt.a is built for user space, not for Keel, and three things about
 * that build matter here:
 *
 *  - Stack protector: its functions load a canary from %fs:0x28 on entry
 *    and call __stack_chk_fail() if it changed on return.  Every CPU's
 *    FS base therefore points at stack_guard_block below, whose word at
 *    0x28 is a canary chosen once at boot (before libfdt is first called;
 *    changing it later would fail every frame live at the time).  Keel
 *    itself uses %gs for per-CPU data and never touches %fs.
 *
 *  - SSE: user-space code may use XMM registers (memcpy-like loops), so
 *    SSE is enabled on every CPU (CR0.MP=1, EM=0, TS=0, CR4.OSFXSR and
 *    OSXMMEXCPT); with it off such an instruction would raise #UD.  Keel's
 *    own code is still built without SSE, and Keel never saves a guest's
 *    XMM state around hypervisor code, so libfdt may run only during boot
 *    before any guest vCPU has run: bootdomains_parse() asserts that.
 *
 *  - Red zone: user-space code may keep data in the 128 bytes below %rsp,
 *    which an interrupt frame pushed on the same stack would overwrite.
 *    bootdomains_parse() calls libfdt with interrupts disabled; NMI and
 *    #MC arrive on their own IST stacks and so leave the red zone alone.
 *
 * The string functions it calls (memchr, strnlen, strtoul...) are in
 * common/string.c.
 */
#include <keel/lib.h>
#include <keel/bootdomain.h>
#include <keel/system_state.h>
#include <asm/processor.h>

#ifndef X86_CR0_EM
#define X86_CR0_EM          (1UL << 2)
#endif
#ifndef X86_CR0_TS
#define X86_CR0_TS          (1UL << 3)
#endif
#ifndef X86_CR4_OSXMMEXCPT
#define X86_CR4_OSXMMEXCPT  (1UL << 10)
#endif

#define STACK_CANARY_OFFSET 0x28
#define CPUID1_ECX_RDRAND   (1U << 30)

enum system_state system_state = SYS_STATE_boot;

/* One block for all CPUs: the canary is global and read-mostly. */
static uint64_t stack_guard_block[64] __aligned(64);

void __noreturn __stack_chk_fail(void);
void __noreturn __stack_chk_fail(void)
{
    panic("stack protector: corruption detected");
}

static uint64_t boot_random64(void)
{
    uint64_t v = rdtsc();
    unsigned int tries;
    uint64_t r;
    uint8_t ok;

    if ( cpuid_ecx(1) & CPUID1_ECX_RDRAND )
    {
        for ( tries = 0; tries < 10; tries++ )
        {
            __asm__ volatile ("rdrand %0; setc %1" : "=r" (r), "=qm" (ok));
            if ( ok )
                return v ^ r;
        }
    }
    /* No RDRAND: the TSC at boot, scrambled, is unpredictable enough for a canary. */
    return (v * 0x9e3779b97f4a7c15ULL) ^ (v >> 29) ^ (uint64_t)(unsigned long)&v;
}

void libfdt_env_cpu_init(void)
{
    uint64_t *canary = &stack_guard_block[STACK_CANARY_OFFSET / sizeof(uint64_t)];

    /* The first CPU here (the boot CPU) picks the canary. */
    if ( !*canary )
        /* A zero low byte stops string overruns from reading the canary out. */
        *canary = (boot_random64() & ~0xffULL) | 0x100;

    write_cr0((read_cr0() | X86_CR0_MP) & ~(X86_CR0_EM | X86_CR0_TS));
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    __asm__ volatile ("fninit");
    wrmsr(MSR_FS_BASE, (unsigned long)stack_guard_block);
}
