/* SPDX-License-Identifier: GPL-2.0-only */
/* pvclock scale (xen/common/vtime.c): what a guest computes from vcpu_time_info. */
#include <keel/event.h>

#include "harness.h"

static void check_rate(uint64_t hz)
{
    uint32_t mul;
    int8_t shift;
    uint64_t ns;

    pvclock_scale_for_hz(hz, &mul, &shift);
    REQUIRE(mul >= (1U << 31));          /* full precision */
    /* One second of ticks is one second, within 2 ns. */
    ns = pvclock_scale_delta(hz, mul, shift);
    CHECK(ns >= 999999998ULL && ns <= 1000000002ULL);
    /* And ten seconds, with no overflow. */
    ns = pvclock_scale_delta(hz * 10, mul, shift);
    CHECK(ns >= 9999999980ULL && ns <= 10000000020ULL);
}

TEST(scale_1ghz)
{
    uint32_t mul;
    int8_t shift;

    pvclock_scale_for_hz(1000000000ULL, &mul, &shift);
    CHECK(shift == 1);
    CHECK(mul == 0x80000000U);
    check_rate(1000000000ULL);
}

TEST(scale_common_rates)
{
    check_rate(2100000000ULL);
    check_rate(3000000000ULL);
    check_rate(3999999999ULL);
    check_rate(5000000000ULL);
    check_rate(2000000000ULL);
    check_rate(1999999999ULL);
    check_rate(100000000ULL);
    check_rate(14318180ULL);
}

TEST(scale_zero_hz_gives_zero)
{
    uint32_t mul = 1;
    int8_t shift = 1;

    pvclock_scale_for_hz(0, &mul, &shift);
    CHECK(mul == 0 && shift == 0);
}

TEST(scale_tsc_khz_round_trip)
{
    /* Linux's TSC kHz from (mul, shift): (1e6 << 32) / mul, shifted by -shift. */
    uint64_t hz = 2495000000ULL, khz;
    uint32_t mul;
    int8_t shift;

    pvclock_scale_for_hz(hz, &mul, &shift);
    khz = (1000000ULL << 32) / mul;
    khz = shift < 0 ? khz << -shift : khz >> shift;
    CHECK(khz >= 2494999 && khz <= 2495001);
}
