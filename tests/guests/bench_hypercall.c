/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark guest (make bench, not make test): under QEMU -icount the TSC
 * counts instructions, so rdtsc around a loop of null hypercalls
 * (xen_version) gives instructions per round trip.  Also prints the TSC
 * at the guest's first instruction for the boot-time figure.
 */
#include "guest.h"

DEFINE_TEST("bench_hypercall");

#define ROUNDS 1000

static inline uint64_t rdtsc_now(void)
{
    uint32_t lo, hi;

    __asm__ volatile ("lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

void test_main(const struct hvm_start_info *si)
{
    uint64_t t0, t1, empty;
    unsigned int i;

    (void)si;
    /* The loop's own cost, to subtract. */
    t0 = rdtsc_now();
    for ( i = 0; i < ROUNDS; i++ )
        __asm__ volatile ("" ::: "memory");
    empty = rdtsc_now() - t0;

    t0 = rdtsc_now();
    for ( i = 0; i < ROUNDS; i++ )
        CHECK(hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0) > 0);
    t1 = rdtsc_now();

    printf("BENCH guest_entry_tsc=%llu\n", (unsigned long long)guest_entry_tsc);
    printf("BENCH null_hypercall_tsc_per_call=%llu\n",
           (unsigned long long)((t1 - t0 - empty) / ROUNDS));
}
