/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCHEDOP_shutdown with the reason named on the command line,
 * "reason=poweroff|reboot|crash|watchdog|suspend", so that one ELF serves
 * one domain per reason.  The verdict is "shutdown_reason-<reason> PASS"
 * followed by that shutdown; the runner checks the hypervisor's
 * "Domain N (...) ended: <reason>" line.
 */
#include "guest.h"

DEFINE_TEST("shutdown_reason");

static const char *const reasons[] = {
    [SHUTDOWN_poweroff] = "poweroff",
    [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend",
    [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog",
};

void test_main(const struct hvm_start_info *si)
{
    static char name[48];
    struct sched_shutdown s;
    char reason[16];
    unsigned int i;
    long rc;

    CHECK(have_xen);
    if ( !cmdline_get("reason", reason, sizeof(reason)) )
        fail("no reason=... on the command line \"%s\"", guest_cmdline());
    for ( i = 0; i < ARRAY_SIZE(reasons); i++ )
        if ( !strcmp(reason, reasons[i]) )
            break;
    if ( i == ARRAY_SIZE(reasons) )
        fail("unknown reason \"%s\"", reason);

    snprintf(name, sizeof(name), "shutdown_reason-%s", reason);
    set_test_name(name);
    printf("KEEL-GUEST: %s PASS\n", test_name);

    s.reason = i;
    rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
    /* A suspended domain may be resumed: SCHEDOP_shutdown returns then. */
    fail("SCHEDOP_shutdown(%s) returned %ld", reason, rc);
    (void)si;
}
