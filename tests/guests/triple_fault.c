/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest that triple-faults: an empty IDT, then ud2 (#UD -> #GP for the
 * missing gate -> #DF -> shutdown).  It never prints PASS; the runner
 * expects the hypervisor to end the domain with reason crash and to keep
 * the other domains running.
 */
#include "guest.h"

DEFINE_TEST("triple_fault");

void test_main(const struct hvm_start_info *si)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty_idt = { 0, 0 };

    printf("KEEL-GUEST: triple_fault EXPECT-CRASH: loading an empty IDT and executing ud2\n");
    __asm__ volatile ("lidt %0; ud2" :: "m" (empty_idt));
    /* Not reached: the hypervisor must not resume a triple-faulted vCPU. */
    fail("still running after a triple fault");
    (void)si;
}
