/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark guest (make bench, not make test): event-channel ping-pong
 * between two domains over an interdomain channel, each side blocking in
 * HLT until the other's event arrives, as the two ends of a split driver
 * do.  Command line "peer=<domid> role=a|b rounds=N": A allocates an
 * unbound port for B before anything else (the lowest free port, after the
 * console port the builder took), B binds to
 * (A, that port) and says hello; then A sends and waits for B's answer N times
 * and prints the mean round trip in TSC ticks (instructions under QEMU
 * -icount) and in nanoseconds of system time:
 *     BENCH evtchn_round_trip rounds=N tsc=T ns=S
 */
#include "events.h"

DEFINE_TEST("bench_evtchn");

/* Guest time the whole exchange may take before a lost event is declared. */
#define WATCHDOG_NS     30000000000ULL

static uint64_t deadline;

static unsigned long cmdline_ulong(const char *key, unsigned long dflt)
{
    char buf[24];

    return cmdline_get(key, buf, sizeof(buf)) ? strtoull(buf, NULL, 0) : dflt;
}

/*
 * Sleep in HLT until *@counter reaches @target.  No timer per wait (that
 * would add two hypercalls to every round trip): one single-shot timer at
 * the deadline wakes a side whose event was lost.
 */
static void wait_for(volatile unsigned int *counter, unsigned int target, const char *what)
{
    while ( *counter < target )
    {
        irq_disable();
        if ( *counter < target )
            safe_halt();
        irq_enable();
        if ( *counter < target && pvclock_now() > deadline )
            fail("no %s within %llu s (%u of %u events)", what,
                 (unsigned long long)(WATCHDOG_NS / 1000000000ULL), *counter, target);
    }
}

static void role_a(unsigned int rounds)
{
    evtchn_port_t p = first_free_port();
    uint64_t t0, t1, n0, n1;
    unsigned int i;

    wait_for(&evtchn_count[p], 1, "hello from the peer");
    t0 = rdtsc();
    n0 = pvclock_now();
    for ( i = 1; i <= rounds; i++ )
    {
        if ( evtchn_send(p) != 0 )
            fail("send on port %u failed in round %u", p, i);
        wait_for(&evtchn_count[p], 1 + i, "answer");
    }
    t1 = rdtsc();
    n1 = pvclock_now();
    printf("BENCH evtchn_round_trip rounds=%u tsc=%llu ns=%llu\n", rounds,
           (unsigned long long)((t1 - t0) / rounds), (unsigned long long)((n1 - n0) / rounds));
}

static void role_b(domid_t peer, unsigned int rounds)
{
    /* The peer is built like us: its first port is the one we would get. */
    evtchn_port_t rp = first_free_port();
    long lp;
    unsigned int i;

    /* The peer may not have allocated its port yet. */
    while ( (lp = evtchn_bind_interdomain(peer, rp)) == -XEN_EINVAL || lp == -3 /* ESRCH */ )
    {
        if ( pvclock_now() > deadline )
            fail("bind_interdomain(%u, %u) still %ld at the deadline", peer, rp, lp);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if ( lp <= 0 )
        fail("bind_interdomain(%u, %u) returned %ld", peer, rp, lp);
    /* The new port starts pending: its event comes first. */
    wait_for(&evtchn_count[lp], 1, "the bind's own event");
    if ( evtchn_send(lp) != 0 )                                     /* hello */
        fail("hello on port %ld failed", lp);
    for ( i = 1; i <= rounds; i++ )
    {
        wait_for(&evtchn_count[lp], 1 + i, "ping");
        if ( evtchn_send(lp) != 0 )                                 /* answer */
            fail("answer on port %ld failed in round %u", lp, i);
    }
}

void test_main(const struct hvm_start_info *si)
{
    domid_t peer = cmdline_ulong("peer", 0);
    unsigned int rounds = cmdline_ulong("rounds", 1000);
    char role[4] = "";

    (void)si;
    cmdline_get("role", role, sizeof(role));
    if ( !peer || (role[0] != 'a' && role[0] != 'b') || !rounds )
        fail("needs peer=<domid> role=a|b rounds=N>0 on its command line");
    /* A's first own port: the lowest free one (port 0 is reserved, the console may hold 1). */
    if ( role[0] == 'a' && evtchn_alloc_unbound(peer) != first_free_port() )
        fail("the first alloc_unbound did not give port %u", first_free_port());
    events_init();
    deadline = pvclock_now() + WATCHDOG_NS;
    if ( set_singleshot(deadline, 0) != 0 )
        fail("set_singleshot for the watchdog failed");
    if ( role[0] == 'a' )
        role_a(rounds);
    else
        role_b(peer, rounds);
    HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}
