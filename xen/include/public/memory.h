/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op hypercall: memory_op(cmd, arg).  Only what Keel implements or refuses by name. */
#ifndef KEEL_PUBLIC_MEMORY_H
#define KEEL_PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation     0
#define XENMEM_decrease_reservation     1
#define XENMEM_maximum_ram_page         2
#define XENMEM_current_reservation      3
#define XENMEM_maximum_reservation      4
#define XENMEM_populate_physmap         6
#define XENMEM_add_to_physmap           7
#define XENMEM_memory_map               9
#define XENMEM_exchange                11
#define XENMEM_remove_from_physmap     15
#define XENMEM_add_to_physmap_batch    23
#define XENMEM_acquire_resource        28

/* The sub-op is in the low bits; the rest of cmd is a continuation index. */
#define MEMOP_CMD_MASK                  0x3f
#define MEMOP_EXTENT_SHIFT              6

/*
 * increase_reservation, decrease_reservation, populate_physmap: @nr_extents
 * extents of 2^@extent_order frames each, their first GFNs listed at
 * @extent_start.  The hypercall returns how many extents were done.
 */
struct xen_memory_reservation {
    uint64_t extent_start;          /* guest handle: xen_pfn_t[nr_extents] */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;             /* XENMEMF_* */
    domid_t domid;                  /* DOMID_SELF (or the caller's id) */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

/* mem_flags: the frames must lie below 2^address_bits (0 = anywhere). */
#define XENMEMF_address_bits(x)         (x)
#define XENMEMF_get_address_bits(x)     ((x) & 0xffu)
#define XENMEMF_populate_on_demand      (1U << 16)

/* memory_map: the caller's memory map, @nr_entries (in: room, out: copied) e820 entries. */
struct xen_memory_map {
    uint32_t nr_entries;
    uint64_t buffer;                /* guest handle: struct xen_e820_entry[nr_entries] */
};
typedef struct xen_memory_map xen_memory_map_t;

/* The 20-byte (packed) BIOS e820 entry memory_map fills in. */
struct xen_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;                  /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
} __attribute__((packed));

/* What add_to_physmap maps (the "space" of idx). */
#define XENMAPSPACE_shared_info         0   /* idx 0: the shared_info page */
#define XENMAPSPACE_grant_table         1   /* idx: grant-table frame */
#define XENMAPSPACE_gmfn                2   /* idx: a GFN of the caller, moved */
#define XENMAPSPACE_gmfn_range          3   /* as gmfn, @size pages */
#define XENMAPSPACE_gmfn_foreign        4   /* add_to_physmap_batch only */
#define XENMAPSPACE_dev_mmio            5

/* grant_table idx: status frame (version 2 only) rather than a shared frame. */
#define XENMAPIDX_grant_table_status    (1U << 31)

/* Map page @idx of @space at guest frame @gpfn of @domid. */
struct xen_add_to_physmap {
    domid_t domid;                  /* DOMID_SELF (or the caller's id) */
    uint16_t size;                  /* gmfn_range only; ignored otherwise */
    uint32_t space;                 /* XENMAPSPACE_* */
    uint64_t idx;
    uint64_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

XEN_PUBLIC_ASSERT(sizeof(struct xen_add_to_physmap) == 24, add_to_physmap_size);
XEN_PUBLIC_ASSERT(offsetof(struct xen_add_to_physmap, space) == 4, atp_space);
XEN_PUBLIC_ASSERT(offsetof(struct xen_add_to_physmap, idx) == 8, atp_idx);
XEN_PUBLIC_ASSERT(offsetof(struct xen_add_to_physmap, gpfn) == 16, atp_gpfn);
XEN_PUBLIC_ASSERT(sizeof(struct xen_memory_reservation) == 32, reservation_size);
XEN_PUBLIC_ASSERT(offsetof(struct xen_memory_reservation, nr_extents) == 8, res_nr_extents);
XEN_PUBLIC_ASSERT(offsetof(struct xen_memory_reservation, extent_order) == 16, res_order);
XEN_PUBLIC_ASSERT(offsetof(struct xen_memory_reservation, mem_flags) == 20, res_mem_flags);
XEN_PUBLIC_ASSERT(offsetof(struct xen_memory_reservation, domid) == 24, res_domid);
XEN_PUBLIC_ASSERT(sizeof(struct xen_memory_map) == 16, memory_map_size);
XEN_PUBLIC_ASSERT(offsetof(struct xen_memory_map, buffer) == 8, mm_buffer);
XEN_PUBLIC_ASSERT(sizeof(struct xen_e820_entry) == 20, e820entry_size);

#endif
