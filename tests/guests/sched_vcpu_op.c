/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched_op and vcpu_op as a guest sees them before it starts other vCPUs:
 * is_up for every vCPU slot of a two-vCPU domain, -ENOENT past the end,
 * yield returns, shutdown_code is accepted, a shutdown reason out of
 * range is -EINVAL (and the guest keeps running), remote shutdown of
 * another domain is refused.
 */
#include "guest.h"
#include <public/vcpu.h>

DEFINE_TEST("sched_vcpu_op");

#define XEN_ENOENT 2

void test_main(const struct hvm_start_info *si)
{
    struct sched_shutdown s;
    unsigned int i;

    CHECK(have_xen);

    /* The domain has two vCPUs (run-suite gives it --vcpus 2); only vCPU 0 runs. */
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 2, NULL), -XEN_ENOENT);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL), -XEN_ENOENT);

    for ( i = 0; i < 100; i++ )
        CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);

    s.reason = SHUTDOWN_crash;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &s), 0);
    s.reason = SHUTDOWN_MAX + 1;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, &s), -XEN_EINVAL);
    s.reason = 0xffffffffu;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, &s), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)0x7ff0000000ULL), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &s), -XEN_EPERM);
    (void)si;
}
