/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_E820_H
#define KEEL_E820_H

#include <keel/types.h>

#define E820_RAM        1
#define E820_RESERVED   2
#define E820_ACPI       3
#define E820_NVS        4
#define E820_UNUSABLE   5
/* Keel-internal: RAM taken by the hypervisor image or a boot module. */
#define E820_KEEL       0x1000

#define E820MAX         256

struct e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct e820map {
    unsigned int nr_map;
    struct e820entry map[E820MAX];
};

/*
 * Sort the map, drop empty entries, clip to the 52-bit physical address
 * space, resolve overlaps (the more restrictive type wins: unusable >
 * reserved > NVS > ACPI > RAM) and merge neighbours of the same type.
 * Returns the new entry count, or -EINVAL if nothing usable is left.
 * (-ENOSPC, map unchanged, if the result would not fit in E820MAX.)
 */
int e820_sanitize(struct e820map *m);

/* Turn RAM in [start, end) into @type, splitting entries. -ENOSPC if full. */
int e820_change_range_type(struct e820map *m, uint64_t start, uint64_t end,
                           uint32_t old_type, uint32_t new_type);

/* True if [start, end) lies entirely within entries of @type. */
bool e820_all_mapped(const struct e820map *m, uint64_t start, uint64_t end,
                     uint32_t type);

uint64_t e820_total(const struct e820map *m, uint32_t type);
const char *e820_type_name(uint32_t type);
void e820_print(const struct e820map *m);

#endif
