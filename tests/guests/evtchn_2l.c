/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels under the 2-level ABI (see evtchn_common.h). */
#include "evtchn_common.h"

DEFINE_TEST("evtchn_2l");

void test_main(const struct hvm_start_info *si)
{
    run_evtchn_tests(false);
}
