/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A CPU-bound guest that measures the share of a pCPU it gets, for
 * tests/guests/run-sched.  Over whole seconds of guest TSC (second k is
 * [k, k+1) * TSC Hz, the same boundaries for every domain of a boot) it
 * counts work done and the time it was itself running, and prints one
 * line per complete second:
 *
 *   SCHED <label> sec=<k> iters=<work units> run_us=<us it ran>
 *
 * "Running" is the sum of the gaps between consecutive TSC reads shorter
 * than 50 us: a longer gap means another vCPU had the pCPU (or nobody:
 * a cap).  Under QEMU -icount the TSC counts instructions, so host load
 * cannot change the figures.
 *
 * Command line: label=<name> secs=<n> [mode=hog|cheat]
 *   hog    compute all the time;
 *   cheat  compute for 95% of every millisecond of guest TSC, then yield,
 *          as a guest would that tries to be off the pCPU whenever a
 *          sampling scheduler looks.
 */
#include "guest.h"

DEFINE_TEST("sched_work");

#define GAP_US      50
#define MAX(a, b)   ((a) > (b) ? (a) : (b))

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

/* One unit of work: enough arithmetic that reading the TSC is a small part of it. */
static uint64_t work(uint64_t x)
{
    unsigned int i;

    for ( i = 0; i < 64; i++ )
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x;
}

static char label[32] = "?";

void test_main(const struct hvm_start_info *si)
{
    char buf[32];
    uint64_t hz, gap, ms, t, prev, sec_start, sec_end, run, iters, sink = 1;
    uint64_t yield_window = 0, first, k;
    unsigned long secs = 3;
    bool cheat = false;

    (void)si;
    CHECK(have_xen);
    hz = (uint64_t)cpuid_count(xen_cpuid_base + 3, 0).ecx * 1000;
    CHECK(hz >= 1000000);
    gap = hz / 1000000 * GAP_US;
    ms = hz / 1000;
    if ( cmdline_get("label", buf, sizeof(buf)) )
        memcpy(label, buf, sizeof(label));
    if ( cmdline_get("secs", buf, sizeof(buf)) )
        secs = strtoull(buf, NULL, 10);
    if ( cmdline_get("mode", buf, sizeof(buf)) )
        cheat = !strcmp(buf, "cheat");
    CHECK(secs >= 1 && secs <= 60);

    /* Start at the next whole second; spinning until then is load like any other. */
    first = rdtsc() / hz + 1;
    prev = rdtsc();
    for ( k = first; k < first + secs; k++ )
    {
        sec_start = k * hz;
        sec_end = sec_start + hz;
        run = iters = 0;
        while ( (t = rdtsc()) < sec_end )
        {
            if ( t >= sec_start )
            {
                uint64_t d = t - MAX(prev, sec_start);

                if ( prev >= sec_start - gap && d < gap )
                    run += d;
                iters++;
            }
            prev = t;
            sink = work(sink);
            if ( cheat && t % ms >= ms * 95 / 100 && t / ms != yield_window )
            {
                yield_window = t / ms;
                HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            }
        }
        printf("SCHED %s sec=%lu iters=%lu run_us=%lu\n", label, (unsigned long)k,
               (unsigned long)iters, (unsigned long)(run * 1000000 / hz));
    }
    if ( sink == 0 )
        printf("(sink)\n");             /* keeps the work from being optimised away */
}
