/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCHEDOP_poll: returns at once when a listed port is already pending
 * (masked or not), sleeps until one becomes pending, or until the
 * timeout; bad arguments are refused.  SCHEDOP_block sleeps until an
 * upcall is pending.
 */
#include "evtchn_common.h"

DEFINE_TEST("sched_poll");

static long poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
    struct sched_poll sp = { .nr_ports = nr, .timeout = timeout };

    sp.ports.p = ports;
    return HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}

void test_main(const struct hvm_start_info *si)
{
    evtchn_port_t ports[2], many[129];
    uint64_t t0, t1;
    long p;
    unsigned int i, c0;

    events_init();
    p = evtchn_bind_ipi(0);
    CHECK(p > 0);
    port_mask(p);               /* a PV-spinlock kicker: masked, polled */

    /* Nothing pending: the timeout ends it. */
    ports[0] = p;
    t0 = pvclock_now();
    EXPECT(poll(ports, 1, t0 + 20000000), 0);
    t1 = pvclock_now();
    if ( t1 - t0 < 19000000 || t1 - t0 > 2000000000ULL )
        fail("poll with a 20 ms timeout returned after %lu ns", (unsigned long)(t1 - t0));
    CHECK(!port_pending(p));

    /* Already pending (and masked): returns at once. */
    EXPECT(evtchn_send(p), 0);
    CHECK(port_pending(p));
    t0 = pvclock_now();
    EXPECT(poll(ports, 1, t0 + 5000000000ULL), 0);
    t1 = pvclock_now();
    if ( t1 - t0 > 1000000000ULL )
        fail("poll on a pending port took %lu ns", (unsigned long)(t1 - t0));
    port_clear_pending(p);

    /* Woken by the port becoming pending: the timer's port, masked, fires in 20 ms. */
    port_mask(timer_port);
    ports[1] = timer_port;
    t0 = pvclock_now();
    EXPECT(set_singleshot(t0 + 20000000, 0), 0);
    EXPECT(poll(ports, 2, t0 + 5000000000ULL), 0);
    t1 = pvclock_now();
    CHECK(port_pending(timer_port));
    if ( t1 - t0 < 19000000 || t1 - t0 > 2000000000ULL )
        fail("poll woken by a 20 ms timer after %lu ns", (unsigned long)(t1 - t0));
    port_clear_pending(timer_port);

    /* No timeout (0): only the port ends it. */
    t0 = pvclock_now();
    EXPECT(set_singleshot(t0 + 10000000, 0), 0);
    EXPECT(poll(&ports[1], 1, 0), 0);
    CHECK(port_pending(timer_port));
    port_clear_pending(timer_port);
    port_unmask_local(timer_port);

    /* A timeout already past: returns at once. */
    EXPECT(poll(ports, 1, 1), 0);

    /* Bad arguments. */
    for ( i = 0; i < 129; i++ )
        many[i] = p;
    EXPECT(poll(many, 129, 0), -XEN_EINVAL);
    ports[0] = 5000;
    EXPECT(poll(ports, 1, 0), -XEN_EINVAL);
    EXPECT(poll((evtchn_port_t *)0xdead00000000UL, 1, 0), -XEN_EFAULT);
    EXPECT(HYPERVISOR_sched_op(SCHEDOP_poll, (void *)0xdead00000000UL), -XEN_EFAULT);

    /* SCHEDOP_block with interrupts off: ends when the timer's upcall is pending. */
    c0 = evtchn_count[timer_port];
    irq_disable();
    t0 = pvclock_now();
    EXPECT(set_singleshot(t0 + 20000000, 0), 0);
    EXPECT(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
    t1 = pvclock_now();
    CHECK_EQ(vcpu0_info->evtchn_upcall_pending, 1);
    if ( t1 - t0 < 19000000 || t1 - t0 > 2000000000ULL )
        fail("SCHEDOP_block woken by a 20 ms timer after %lu ns", (unsigned long)(t1 - t0));
    irq_enable();
    spin_ms_irq(5);
    CHECK_EQ(evtchn_count[timer_port], c0 + 1);
}
