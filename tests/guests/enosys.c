/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls and sub-ops nobody implemented answer -ENOSYS (-38), and the
 * guest runs on: numbers inside the page (63, 127), numbers only a direct
 * VMMCALL/VMCALL can reach (128, 1000, 2^32-1), and unknown commands of
 * xen_version, console_io, sched_op and vcpu_op.
 */
#include "guest.h"

DEFINE_TEST("enosys");

static void expect_enosys(const char *what, long rc)
{
    printf("%-40s -> %ld\n", what, rc);
    if ( rc != -XEN_ENOSYS )
        fail("%s returned %ld, expected %d (-ENOSYS)", what, rc, -XEN_ENOSYS);
}

void test_main(const struct hvm_start_info *si)
{
    CHECK(have_xen);

    expect_enosys("hypercall 63 (page)", hypercall3(63, 1, 2, 3));
    expect_enosys("hypercall 127 (page)", hypercall0(127));
    expect_enosys("hypercall 63 (direct)", hypercall_direct(63, 1, 2, 3, 4, 5));
    expect_enosys("hypercall 128 (direct)", hypercall_direct(128, 0, 0, 0, 0, 0));
    expect_enosys("hypercall 1000 (direct)", hypercall_direct(1000, 0, 0, 0, 0, 0));
    expect_enosys("hypercall 0xffffffff (direct)", hypercall_direct(0xffffffffu, 0, 0, 0, 0, 0));

    expect_enosys("xen_version(0x7fff)", HYPERVISOR_xen_version(0x7fff, NULL));
    expect_enosys("xen_version(0x7fffffff)", HYPERVISOR_xen_version(0x7fffffff, NULL));
    expect_enosys("console_io(0x55)", HYPERVISOR_console_io(0x55, 0, NULL));
    expect_enosys("sched_op(0x55)", HYPERVISOR_sched_op(0x55, NULL));
    expect_enosys("vcpu_op(0x55, vcpu 0)", HYPERVISOR_vcpu_op(0x55, 0, NULL));

    /* Still alive and still served. */
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    (void)si;
}
