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
#define XENMEM_remove_from_physmap     15
#define XENMEM_add_to_physmap_batch    23
#define XENMEM_acquire_resource        28

/* The sub-op is in the low bits; the rest of cmd is a continuation index. */
#define MEMOP_CMD_MASK                  0x3f

/* What add_to_physmap maps (the "space" of idx). */
#define XENMAPSPACE_shared_info         0   /* idx 0: the shared_info page */
#define XENMAPSPACE_grant_table         1   /* idx: grant-table frame */
#define XENMAPSPACE_gmfn                2   /* idx: a GFN of the caller, moved */
#define XENMAPSPACE_gmfn_range          3   /* as gmfn, @size pages */
#define XENMAPSPACE_gmfn_foreign        4   /* add_to_physmap_batch only */
#define XENMAPSPACE_dev_mmio            5

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

#endif
