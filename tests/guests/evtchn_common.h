/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event-channel test body shared by evtchn_2l and evtchn_fifo: the
 * same ABI checks under either delivery ABI.  With "peer=<domid>
 * role=a|b rounds=N" on the command line two domains also play
 * ping-pong over an interdomain channel: A allocates an unbound port
 * for B as the very first port it allocates itself (the lowest free port:
 * the one after the console port the builder took, or 1 without one),
 * B binds to that port of A's (A is built like B, so B works the number
 * out from its own console port); each side counts what it received.
 */
#include "events.h"

#define EXPECT(call, want)                                                  \
    do {                                                                    \
        long _rc = (call);                                                  \
        if ( _rc != (long)(want) )                                          \
            fail("%s:%d: %s returned %ld, expected %ld", __FILE__, __LINE__, \
                 #call, _rc, (long)(want));                                 \
    } while ( 0 )

static __attribute__((unused)) domid_t self_domid(void)
{
    return cpuid(xen_cpuid_base + 4).ecx;
}

static __attribute__((unused)) unsigned long cmdline_ulong(const char *key, unsigned long dflt)
{
    char buf[24];

    return cmdline_get(key, buf, sizeof(buf)) ? strtoull(buf, NULL, 0) : dflt;
}

/* Busy-wait with interrupts on, so events arrive meanwhile. */
static __attribute__((unused)) void spin_ms_irq(unsigned int ms)
{
    irq_enable();
    spin_ms(ms);
}

static void ping_pong_a(domid_t peer, unsigned int rounds)
{
    evtchn_port_t p = first_free_port();
    unsigned int i;

    /* Port p was allocated before anything else (run_evtchn_tests). */
    wait_count(&evtchn_count[p], 1, 60000, "the peer's hello");
    for ( i = 1; i <= rounds; i++ )
    {
        EXPECT(evtchn_send(p), 0);
        wait_count(&evtchn_count[p], 1 + i, 10000, "a pong");
    }
    CHECK_EQ(evtchn_count[p], rounds + 1);
    printf("ping-pong with domain %u: %u rounds on port %u\n", peer, rounds, p);
    EXPECT(evtchn_close(p), 0);
}

static void ping_pong_b(domid_t peer, unsigned int rounds)
{
    uint64_t give_up = pvclock_now() + 60000000000ULL;
    evtchn_port_t rp = first_free_port();
    long lp;
    unsigned int i;

    /* The peer may not have allocated its port yet: retry while it is not unbound for us. */
    while ( (lp = evtchn_bind_interdomain(peer, rp)) == -XEN_EINVAL || lp == -3 /* ESRCH */ )
    {
        if ( pvclock_now() > give_up )
            fail("bind_interdomain(%u, %u) still %ld after 60 s", peer, rp, lp);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if ( lp <= 0 )
        fail("bind_interdomain(%u, %u) returned %ld", peer, rp, lp);
    /* Xen marks the binder's new port pending. */
    wait_count(&evtchn_count[lp], 1, 5000, "the bind's own event");
    EXPECT(evtchn_send(lp), 0);        /* hello */
    for ( i = 1; i <= rounds; i++ )
    {
        wait_count(&evtchn_count[lp], 1 + i, 10000, "a ping");
        EXPECT(evtchn_send(lp), 0);    /* pong */
    }
    CHECK_EQ(evtchn_count[lp], rounds + 1);
    printf("ping-pong with domain %u: %u rounds on port %ld\n", peer, rounds, lp);
    EXPECT(evtchn_close(lp), 0);
}

static __attribute__((unused)) void check_status(evtchn_port_t port, uint32_t status, uint32_t vcpu)
{
    struct evtchn_status st;

    EXPECT(evtchn_status(port, &st), 0);
    if ( st.status != status || st.vcpu != vcpu )
        fail("status(%u): status %u vcpu %u, expected %u %u", port, st.status, st.vcpu,
             status, vcpu);
}

static void generic_tests(bool fifo)
{
    struct evtchn_status st;
    domid_t me = self_domid();
    unsigned int c0;
    uint64_t t0, t1;
    long ipi, u, l, again;

    /* VIRQ_TIMER through the single-shot timer; HLT sleeps until it fires. */
    c0 = evtchn_count[timer_port];
    t0 = pvclock_now();
    EXPECT(set_singleshot(t0 + 20000000, 0), 0);
    irq_disable();
    while ( evtchn_count[timer_port] == c0 )
    {
        safe_halt();
        irq_disable();
    }
    irq_enable();
    t1 = pvclock_now();
    CHECK_EQ(evtchn_count[timer_port], c0 + 1);
    if ( t1 - t0 < 19000000 )
        fail("VIRQ_TIMER after %lu ns, deadline was 20 ms", (unsigned long)(t1 - t0));

    EXPECT(evtchn_bind_virq(VIRQ_TIMER, 0), -17 /* EEXIST */);
    EXPECT(evtchn_bind_virq(NR_VIRQS, 0), -XEN_EINVAL);
    EXPECT(evtchn_bind_virq(VIRQ_TIMER, 5), -2 /* ENOENT */);
    EXPECT(evtchn_bind_virq(VIRQ_DOM_EXC, 1), -2 /* ENOENT: no vCPU 1 */);
    EXPECT(evtchn_bind_ipi(9), -2);

    /* IPI to ourselves. */
    ipi = evtchn_bind_ipi(0);
    CHECK(ipi > 0);
    EXPECT(evtchn_send(ipi), 0);
    wait_count(&evtchn_count[ipi], 1, 5000, "the IPI");
    CHECK_EQ(evtchn_count[ipi], 1);

    /* Masked: pending, no upcall; the unmask hypercall delivers it. */
    port_mask(ipi);
    EXPECT(evtchn_send(ipi), 0);
    spin_ms_irq(20);
    CHECK_EQ(evtchn_count[ipi], 1);
    CHECK(port_pending(ipi));
    /* FIFO too: a pending port keeps MASKED and the hypercall clears it (as Linux does). */
    EXPECT(evtchn_unmask(ipi), 0);
    wait_count(&evtchn_count[ipi], 2, 5000, "the IPI after unmask");

    /* Status of each kind of port. */
    check_status(ipi, EVTCHNSTAT_ipi, 0);
    check_status(timer_port, EVTCHNSTAT_virq, 0);
    EXPECT(evtchn_status(timer_port, &st), 0);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    u = evtchn_alloc_unbound(DOMID_SELF);
    CHECK(u > 0);
    EXPECT(evtchn_status(u, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, me);
    check_status(0, EVTCHNSTAT_closed, 0);
    EXPECT(evtchn_status(4096, &st), -XEN_EINVAL);
    EXPECT(evtchn_status(0xffffffffu, &st), -XEN_EINVAL);
    st.dom = 0x7ff4;                                /* DOMID_INVALID */
    st.port = 1;
    EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), -3 /* ESRCH */);

    /* Closing. */
    EXPECT(evtchn_close(ipi), 0);
    check_status(ipi, EVTCHNSTAT_closed, 0);
    EXPECT(evtchn_send(ipi), -XEN_EINVAL);
    EXPECT(evtchn_close(ipi), -XEN_EINVAL);
    EXPECT(evtchn_close(0), -XEN_EINVAL);
    EXPECT(evtchn_close(100000), -XEN_EINVAL);
    EXPECT(evtchn_send(100000), -XEN_EINVAL);
    EXPECT(evtchn_unmask(100000), -XEN_EINVAL);
    EXPECT(evtchn_send(timer_port), -XEN_EINVAL);   /* only the hypervisor raises VIRQs */
    /* The lowest free port is handed out again. */
    again = evtchn_bind_ipi(0);
    CHECK_EQ(again, ipi);

    /* Unbound sends vanish; loopback interdomain channel. */
    EXPECT(evtchn_send(u), 0);
    l = evtchn_bind_interdomain(DOMID_SELF, u);
    CHECK(l > 0);
    wait_count(&evtchn_count[l], 1, 5000, "the loopback bind's event");
    EXPECT(evtchn_send(l), 0);
    wait_count(&evtchn_count[u], 1, 5000, "loopback l->u");
    EXPECT(evtchn_send(u), 0);
    wait_count(&evtchn_count[l], 2, 5000, "loopback u->l");
    EXPECT(evtchn_status(l, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, me);
    CHECK_EQ(st.u.interdomain.port, u);
    EXPECT(evtchn_bind_interdomain(DOMID_SELF, u), -XEN_EINVAL);   /* not unbound any more */
    EXPECT(evtchn_close(u), 0);
    EXPECT(evtchn_status(l, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);        /* the peer end waits again */
    CHECK_EQ(st.u.unbound.dom, me);
    EXPECT(evtchn_bind_interdomain(DOMID_SELF, u), -XEN_EINVAL);   /* u is closed */
    EXPECT(evtchn_bind_interdomain(0x7ff4, 1), -3 /* ESRCH */);

    /* bind_vcpu. */
    {
        struct evtchn_bind_vcpu bv = { .port = again, .vcpu = 0 };

        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);  /* IPI */
        bv.port = l;
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), 0);
        bv.vcpu = 7;
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -2 /* ENOENT */);
        bv.port = timer_port;
        bv.vcpu = 0;
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
    }

    /* Arguments the hypervisor must refuse without harm. */
    {
        struct evtchn_alloc_unbound a = { .dom = 0x7ff4, .remote_dom = DOMID_SELF };

        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a), -3 /* ESRCH */);
    }
    EXPECT(HYPERVISOR_event_channel_op(99, NULL), -XEN_ENOSYS);
    EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, (void *)0xdead00000000UL), -XEN_EFAULT);
    EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_send, (void *)0xdead00000000UL), -XEN_EFAULT);

    if ( fifo )
    {
        struct evtchn_set_priority sp = { .port = again, .priority = 16 };
        struct evtchn_init_control ic = { .control_gfn = 0x100, .vcpu = 0 };
        struct evtchn_expand_array ea = { .array_gfn = 0x101 };
        long lo, hi;

        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
        sp.port = 100000;
        sp.priority = 3;
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
        ic.vcpu = 3;
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic), -2 /* ENOENT */);
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea), -28 /* ENOSPC */);

        /* Higher priority (lower number) is delivered first. */
        lo = evtchn_bind_ipi(0);
        hi = evtchn_bind_ipi(0);
        CHECK(lo > 0 && hi > 0);
        sp = (struct evtchn_set_priority){ .port = lo, .priority = 10 };
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp), 0);
        sp = (struct evtchn_set_priority){ .port = hi, .priority = 2 };
        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp), 0);
        irq_disable();
        event_log_len = 0;
        EXPECT(evtchn_send(lo), 0);
        EXPECT(evtchn_send(hi), 0);
        irq_enable();
        wait_count(&evtchn_count[lo], 1, 5000, "the low-priority IPI");
        CHECK(event_log_len >= 2);
        CHECK_EQ(event_log[0], hi);
        CHECK_EQ(event_log[1], lo);
    }
    else
    {
        struct evtchn_set_priority sp = { .port = again, .priority = 3 };

        EXPECT(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp), -XEN_ENOSYS);
    }
}

static __attribute__((unused)) void run_evtchn_tests(bool fifo)
{
    domid_t peer = cmdline_ulong("peer", 0);
    unsigned int rounds = cmdline_ulong("rounds", 20);
    char role[4] = "";

    cmdline_get("role", role, sizeof(role));
    if ( peer && role[0] == 'a' )
    {
        /* The lowest free port, as Xen gives (0 is reserved, the console port is taken). */
        long p = evtchn_alloc_unbound(peer);

        if ( p != first_free_port() )
            fail("first alloc_unbound returned %ld, expected port %u", p, first_free_port());
    }
    events_init();
    if ( fifo )
        events_init_fifo();
    if ( peer && role[0] == 'a' )
        ping_pong_a(peer, rounds);
    else if ( peer && role[0] == 'b' )
        ping_pong_b(peer, rounds);
    generic_tests(fifo);
    printf("%u upcalls\n", upcalls);
}
