/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_GUEST_WALK_H
#define KEEL_GUEST_WALK_H

/*
 * Translate a guest-virtual address by walking the guest's own page tables
 * (paging off, 2-level, PAE or 4-level), the way the CPU would.  Pure: the
 * tables are read through a callback that returns false when the guest
 * physical address is not RAM, so the walker runs unchanged in host tests.
 */
#include <keel/types.h>

struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
};

typedef bool (*gpa_read64_fn)(void *ctx, uint64_t gpa, uint64_t *val);

#define GW_WRITE    1u      /* the access writes: every level must allow it */

/* 0 and *gpa on success; -EFAULT when not present/not writable/unreadable. */
int guest_walk(const struct guest_paging *pg, uint64_t gva, unsigned int access,
               gpa_read64_fn read, void *ctx, uint64_t *gpa);

#endif
