/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VCPUOP_down of every vCPU ends the domain with reason poweroff, as in
 * Xen.  The boot vCPU starts the others ("vcpus=N") from 64-bit contexts,
 * takes all but the last down (each stops running at once), then the last
 * takes the boot vCPU down, checks it stopped, prints the verdict and
 * takes itself down: the domain must end then (poweroff).  Any vCPU that
 * runs on after it was taken down fails the test.
 */
#include "events.h"
#include "smp.h"

DEFINE_TEST("vcpu_down_all");

struct ap {
    volatile unsigned int starts, beats;
};

static struct ap ap[SMP_MAX_VCPUS];
static uint64_t init_stack[SMP_MAX_VCPUS][512] __attribute__((aligned(16)));
static volatile unsigned int bsp_beats, go_last;
static unsigned int nr;

static long vcpu_op(unsigned int cmd, unsigned int id)
{
    return HYPERVISOR_vcpu_op(cmd, id, NULL);
}

/* Taken down: is_up says so, and its counter stands still. */
static void check_stopped(unsigned int id, volatile unsigned int *beats)
{
    unsigned int b;

    WAIT_FOR(vcpu_op(VCPUOP_is_up, id) == 0, 5000, "vCPU %u still up", id);
    spin_ms(5);
    b = *beats;
    spin_ms(30);
    if ( *beats != b )
        fail("vCPU %u still runs after VCPUOP_down", id);
}

static void ap_main(unsigned int id)
{
    struct ap *a = &ap[id];

    atomic_inc(&a->starts);
    if ( id != nr - 1 )
        for ( ;; )
        {
            a->beats++;
            __asm__ volatile ("pause");
        }

    /* The last vCPU: take the boot vCPU down, then itself. */
    WAIT_FOR(go_last, 10000, "vCPU %u: never told to finish", id);
    CHECK_EQ(vcpu_op(VCPUOP_down, 0), 0);
    check_stopped(0, &bsp_beats);
    printf("every other vCPU is down; vCPU %u takes itself down\n", id);
    printf("KEEL-GUEST: %s PASS\n", test_name);
    vcpu_op(VCPUOP_down, id);
    fail("vCPU %u still runs after taking the last vCPU down", id);
}

void test_main(const struct hvm_start_info *si)
{
    struct vcpu_hvm_context c;
    uint64_t end;
    unsigned int i;
    char arg[16];

    (void)si;
    CHECK(have_xen);
    events_init();
    if ( cmdline_get("vcpus", arg, sizeof(arg)) )
        nr = (unsigned int)strtoull(arg, NULL, 10);
    CHECK(nr >= 2 && nr <= SMP_MAX_VCPUS);
    smp_ap_fn = ap_main;
    for ( i = 1; i < nr; i++ )
    {
        smp_context_64(&c, (uint64_t)&init_stack[i][512]);
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_initialise, i, &c), 0);
        CHECK_EQ(vcpu_op(VCPUOP_up, i), 0);
    }
    for ( i = 1; i < nr; i++ )
        WAIT_FOR(ap[i].starts == 1, 5000, "vCPU %u did not start", i);

    /* All but the last, from here. */
    for ( i = 1; i + 1 < nr; i++ )
    {
        WAIT_FOR(ap[i].beats > 100, 5000, "vCPU %u does not run", i);
        CHECK_EQ(vcpu_op(VCPUOP_down, i), 0);
        check_stopped(i, &ap[i].beats);
        /* Taking a vCPU that is down down again changes nothing. */
        CHECK_EQ(vcpu_op(VCPUOP_down, i), 0);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, i), 0);
    }
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 0), 1);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, nr - 1), 1);

    /* The last one takes this vCPU down: from here on nothing may run. */
    go_last = 1;
    end = pvclock_now() + 10000000000ull;
    while ( pvclock_now() < end )
        bsp_beats++;
    fail("vCPU 0 still runs 10 s after it was to be taken down");
}
