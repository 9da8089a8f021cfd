/* SPDX-License-Identifier: GPL-2.0-only */
/* The smallest test guest: reach test_main, print, pass. */
#include "guest.h"

DEFINE_TEST("hello");

void test_main(const struct hvm_start_info *si)
{
    printf("Hello from a Keel test guest (start_info at %p, cmdline \"%s\")\n",
           (const void *)si, guest_cmdline());
}
