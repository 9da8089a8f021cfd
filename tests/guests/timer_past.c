/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op timers: a single-shot deadline in the past fires at once and
 * returns 0 (Linux BUGs otherwise), -ETIME only with VCPU_SSHOTTMR_future;
 * a future deadline wakes HLT no earlier than asked; a stopped timer
 * stays quiet; the periodic timer ticks at its period over guest time.
 */
#include "evtchn_common.h"

#define MAX(a, b) ((a) > (b) ? (a) : (b))

DEFINE_TEST("timer_past");

void test_main(const struct hvm_start_info *si)
{
    evtchn_port_t tp;
    unsigned int c0, ticks, expect;
    uint64_t t0, t1, end;
    struct vcpu_set_periodic_timer per;

    events_init();
    tp = timer_port;

    /* In the past, flags 0: pending before the hypercall even returns to us. */
    irq_disable();
    c0 = evtchn_count[tp];
    EXPECT(set_singleshot(pvclock_now() - 1000000, 0), 0);
    CHECK(port_pending(tp));
    CHECK_EQ(vcpu0_info->evtchn_upcall_pending, 1);
    irq_enable();
    spin_ms_irq(5);
    CHECK_EQ(evtchn_count[tp], c0 + 1);

    /* Deadline 0 is in the past too. */
    EXPECT(set_singleshot(0, 0), 0);
    spin_ms_irq(5);
    CHECK_EQ(evtchn_count[tp], c0 + 2);

    /* With VCPU_SSHOTTMR_future: -ETIME and nothing fires. */
    EXPECT(set_singleshot(pvclock_now() - 1000000, VCPU_SSHOTTMR_future), -62 /* ETIME */);
    spin_ms_irq(10);
    CHECK_EQ(evtchn_count[tp], c0 + 2);

    /* Another vCPU's single-shot timer: there is none (1 vCPU). */
    {
        struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = 0 };

        EXPECT(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &st), -2 /* ENOENT */);
        EXPECT(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)0xdead00000000UL),
               -XEN_EFAULT);
    }

    /* In the future: HLT sleeps until it, not less. */
    t0 = pvclock_now();
    EXPECT(set_singleshot(t0 + 30000000, VCPU_SSHOTTMR_future), 0);
    irq_disable();
    while ( evtchn_count[tp] == c0 + 2 )
    {
        safe_halt();
        irq_disable();
    }
    irq_enable();
    t1 = pvclock_now();
    CHECK_EQ(evtchn_count[tp], c0 + 3);
    if ( t1 - t0 < 30000000 || t1 - t0 > 2000000000ULL )
        fail("30 ms timer fired after %lu ns", (unsigned long)(t1 - t0));

    /* Stopped before its deadline: never fires. */
    EXPECT(set_singleshot(pvclock_now() + 20000000, 0), 0);
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    spin_ms_irq(60);
    CHECK_EQ(evtchn_count[tp], c0 + 3);

    /* Periodic: too short is refused; 10 ms ticks counted over 300 ms of guest time. */
    per.period_ns = 500000;
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &per), -XEN_EINVAL);
    per.period_ns = 10000000;
    c0 = evtchn_count[tp];
    t0 = pvclock_now();
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &per), 0);
    end = t0 + 300000000;
    irq_disable();
    while ( pvclock_now() < end )
    {
        safe_halt();            /* each tick wakes us */
        irq_disable();
    }
    irq_enable();
    t1 = pvclock_now();
    ticks = evtchn_count[tp] - c0;
    expect = (t1 - t0) / 10000000;
    printf("periodic: %u ticks in %lu ms (expected about %u)\n", ticks,
           (unsigned long)((t1 - t0) / 1000000), expect);
    /*
     * Never more ticks than periods.  Fewer are fine when other domains
     * kept this vCPU off its pCPU (a tick raised while the last one is
     * still pending merges with it, as in Xen; under TCG with ten domains
     * on two pCPUs a wake-up can wait tens of ms), so the floor is only
     * that it kept ticking.
     */
    if ( ticks < MAX(expect / 16, 2u) || ticks > expect + 2 )
        fail("periodic timer: %u ticks in %lu ns, expected about %u", ticks,
             (unsigned long)(t1 - t0), expect);
    EXPECT(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    spin_ms_irq(5);                 /* a tick already raised may still arrive */
    c0 = evtchn_count[tp];
    spin_ms_irq(50);
    CHECK_EQ(evtchn_count[tp], c0);
}
