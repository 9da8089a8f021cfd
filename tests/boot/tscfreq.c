/* SPDX-License-Identifier: GPL-2.0-only */
/* Print the host TSC rate in MHz (what QEMU/TCG shows its guests without icount). */
#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    double t0 = now(), t1;
    uint64_t c0 = __rdtsc(), c1;

    do
        t1 = now();
    while ( t1 - t0 < 0.2 );
    c1 = __rdtsc();
    printf("%.3f\n", (c1 - c0) / (t1 - t0) / 1e6);
    return 0;
}
