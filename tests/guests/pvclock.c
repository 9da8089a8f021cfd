/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest time: vcpu_time_info is valid as soon as shared_info is mapped
 * (even version, non-zero scale), system time advances at the TSC rate
 * the Xen leaves report, versions move on at updates; the vcpu_info
 * moves once with register_vcpu_info (contents carried, everything
 * marked pending, time kept valid there); the runstate area follows the
 * vCPU's states, even when it straddles two pages.
 */
#include "evtchn_common.h"

DEFINE_TEST("pvclock");

static uint8_t vi_page[4096] __attribute__((aligned(4096)));
static uint8_t rs_pages[8192] __attribute__((aligned(4096)));
static struct vcpu_runstate_info rs __attribute__((aligned(64)));

/*
 * Over ~@ms of busy TSC time, pvclock must advance by the TSC's ticks at
 * the CPUID rate.  Being descheduled between the two reads that close the
 * interval skews one attempt, so three are allowed.
 */
static void check_rate(unsigned int ms)
{
    uint32_t khz = cpuid(xen_cpuid_base + 3).ecx;
    uint64_t t0 = 0, t1 = 0, c0, c1, expect = 0, diff = 0;
    unsigned int attempt;

    CHECK(khz > 0);
    for ( attempt = 0; attempt < 3; attempt++ )
    {
        t0 = pvclock_now();
        c0 = rdtsc();
        while ( rdtsc() - c0 < (uint64_t)khz * ms )
            __asm__ volatile ("pause");
        t1 = pvclock_now();
        c1 = rdtsc();
        expect = (c1 - c0) * 1000000 / khz;
        diff = t1 - t0 > expect ? t1 - t0 - expect : expect - (t1 - t0);
        if ( diff <= expect / 1000 + 50000 )
            break;
    }
    printf("pvclock: %lu ns for %lu ns of TSC ticks at %u kHz\n",
           (unsigned long)(t1 - t0), (unsigned long)expect, khz);
    if ( attempt == 3 )
        fail("pvclock advanced %lu ns over %lu expected", (unsigned long)(t1 - t0),
             (unsigned long)expect);
}

static void sleep_ms(unsigned int ms)
{
    uint64_t end = pvclock_now() + (uint64_t)ms * 1000000;

    EXPECT(set_singleshot(end, 0), 0);
    irq_disable();
    while ( pvclock_now() < end )
    {
        safe_halt();
        irq_disable();
    }
    irq_enable();
}

void test_main(const struct hvm_start_info *si)
{
    struct vcpu_register_vcpu_info rvi;
    struct vcpu_register_runstate_memory_area ra;
    struct vcpu_runstate_info *split = (void *)(rs_pages + 4096 - 24);
    uint32_t v0, v1, mul;
    uint64_t prev, now;
    unsigned int i;

    events_init();
    CHECK(shinfo->vcpu_info[0].time.tsc_to_system_mul != 0);
    now = pvclock_now();
    CHECK((pvclock_last_version & 1) == 0);
    CHECK(now > 0);
    check_rate(50);

    /* Reads never go back by more than rounding, across updates. */
    prev = pvclock_now();
    for ( i = 0; i < 20000; i++ )
    {
        now = pvclock_now();
        if ( now + 1000 < prev )
            fail("pvclock went back: %lu then %lu", (unsigned long)prev, (unsigned long)now);
        prev = now;
    }

    /* An update after 100 ms of guest time moves the version on, by an even step. */
    pvclock_now();
    v0 = pvclock_last_version;
    sleep_ms(150);
    pvclock_now();
    v1 = pvclock_last_version;
    if ( v1 <= v0 || (v1 & 1) )
        fail("vcpu_time_info version %u then %u", v0, v1);

    /* register_vcpu_info: refusals first, nothing changes. */
    rvi = (struct vcpu_register_vcpu_info){ .mfn = (uint64_t)vi_page >> 12, .offset = 4090 };
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &rvi), -XEN_EINVAL);
    rvi.offset = 4;
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &rvi), -XEN_EINVAL);
    rvi = (struct vcpu_register_vcpu_info){ .mfn = 0x100000, .offset = 64 };
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &rvi), -XEN_EINVAL);
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 3, &rvi), -2 /* ENOENT */);
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, (void *)0xdead00000000UL),
           -XEN_EFAULT);
    CHECK(*(volatile uint8_t *)&vi_page[64 + 32] == 0);

    /* Now for real: contents carried over, all marked pending, time valid there. */
    mul = shinfo->vcpu_info[0].time.tsc_to_system_mul;
    irq_disable();
    rvi = (struct vcpu_register_vcpu_info){ .mfn = (uint64_t)vi_page >> 12, .offset = 64 };
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &rvi), 0);
    vcpu0_info = (struct vcpu_info *)(vi_page + 64);
    CHECK_EQ(vcpu0_info->evtchn_upcall_pending, 1);
    CHECK(vcpu0_info->evtchn_pending_sel == ~0UL);
    CHECK_EQ(vcpu0_info->time.tsc_to_system_mul, mul);
    CHECK((vcpu0_info->time.version & 1) == 0);
    irq_enable();
    spin_ms_irq(5);
    CHECK(upcalls >= 1);
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &rvi), -16 /* EBUSY */);
    check_rate(20);
    /* The timer's upcall now arrives through the new vcpu_info. */
    sleep_ms(20);

    /* Runstate: registered while running; blocked time grows while halted. */
    ra.addr.p = (uint64_t)&rs;
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    CHECK_EQ(rs.state, RUNSTATE_running);
    CHECK(rs.time[RUNSTATE_running] > 0);
    {
        struct vcpu_runstate_info before = rs;
        uint64_t sum = 0;

        sleep_ms(40);
        CHECK_EQ(rs.state, RUNSTATE_running);
        for ( i = 0; i < 4; i++ )
            sum += rs.time[i] - before.time[i];
        /*
         * Every nanosecond between the two entries into "running" is
         * charged to some state; most of a 40 ms halt is blocked (other
         * domains may keep us runnable for part of it).
         */
        if ( sum != rs.state_entry_time - before.state_entry_time )
            fail("runstate: %lu ns charged over %lu ns", (unsigned long)sum,
                 (unsigned long)(rs.state_entry_time - before.state_entry_time));
        if ( rs.time[RUNSTATE_blocked] - before.time[RUNSTATE_blocked] < 10000000 )
            fail("blocked time grew by %lu ns over a 40 ms halt",
                 (unsigned long)(rs.time[RUNSTATE_blocked] - before.time[RUNSTATE_blocked]));
    }
    /* Straddling a page boundary: both halves written. */
    ra.addr.p = (uint64_t)split;
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    sleep_ms(5);
    CHECK_EQ(split->state, RUNSTATE_running);
    CHECK(split->state_entry_time != 0);                 /* first page */
    CHECK(split->time[RUNSTATE_running] != 0);           /* second page */
    ra.addr.p = 0xdead00000000UL;
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), -XEN_EFAULT);
}
