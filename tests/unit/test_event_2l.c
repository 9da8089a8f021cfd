/* SPDX-License-Identifier: GPL-2.0-only */
/* The 2-level event ABI's bit logic (xen/common/event_2l.c). */
#include <string.h>
#include <keel/event.h>

#include "harness.h"

static struct shared_info si;
static struct vcpu_info *vi = &si.vcpu_info[0];

static void reset(void)
{
    memset(&si, 0, sizeof(si));
}

static bool bit(const xen_ulong_t *map, unsigned int port)
{
    return (map[port / 64] >> (port % 64)) & 1;
}

TEST(raise_sets_pending_selector_and_upcall)
{
    reset();
    CHECK(evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 70));
    CHECK(bit(si.evtchn_pending, 70));
    CHECK(vi->evtchn_pending_sel == (1UL << 1));
    CHECK(vi->evtchn_upcall_pending == 1);
    CHECK(evtchn_2l_is_pending(si.evtchn_pending, 70));
    CHECK(!evtchn_2l_is_pending(si.evtchn_pending, 71));
}

TEST(second_raise_of_pending_port_is_silent)
{
    reset();
    CHECK(evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 5));
    vi->evtchn_upcall_pending = 0;
    CHECK(!evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 5));
    CHECK(vi->evtchn_upcall_pending == 0);
}

TEST(same_word_selector_already_set_needs_no_new_upcall)
{
    reset();
    CHECK(evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 1));
    /* Guest has not scanned yet: selector bit 0 still set, another port in word 0. */
    CHECK(!evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 2));
    CHECK(bit(si.evtchn_pending, 2));
    /* A port in another word does need the selector bit, and reports it. */
    CHECK(evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 64 * 3));
    CHECK(vi->evtchn_pending_sel == ((1UL << 0) | (1UL << 3)));
}

TEST(masked_port_pends_without_upcall_until_unmask)
{
    reset();
    si.evtchn_mask[0] = 1UL << 9;
    CHECK(!evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 9));
    CHECK(bit(si.evtchn_pending, 9));
    CHECK(vi->evtchn_pending_sel == 0);
    CHECK(vi->evtchn_upcall_pending == 0);
    CHECK(evtchn_2l_unmask(si.evtchn_pending, si.evtchn_mask, vi, 9));
    CHECK(!bit(si.evtchn_mask, 9));
    CHECK(vi->evtchn_pending_sel == 1);
    CHECK(vi->evtchn_upcall_pending == 1);
}

TEST(unmask_of_idle_or_unmasked_port_does_nothing)
{
    reset();
    si.evtchn_mask[0] = 1UL << 3;
    CHECK(!evtchn_2l_unmask(si.evtchn_pending, si.evtchn_mask, vi, 3));   /* not pending */
    CHECK(!bit(si.evtchn_mask, 3));
    si.evtchn_pending[0] = 1UL << 4;
    CHECK(!evtchn_2l_unmask(si.evtchn_pending, si.evtchn_mask, vi, 4));   /* was not masked */
    CHECK(vi->evtchn_upcall_pending == 0);
}

TEST(last_port_of_bitmap)
{
    reset();
    CHECK(evtchn_2l_raise(si.evtchn_pending, si.evtchn_mask, vi, 4095));
    CHECK(vi->evtchn_pending_sel == (1UL << 63));
}
