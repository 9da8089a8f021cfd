/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * grant_table_op hypercall: grant_table_op(cmd, uop, count) and the
 * version 1 grant table a guest shares with the hypervisor.
 *
 * A domain grants another domain access to one of its frames by filling
 * a grant entry (a "grant reference" is the entry's index) in its grant
 * table, frames of which the hypervisor owns and the guest maps with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table).  The grantee maps the
 * frame into its own physical address space (map_grant_ref) or copies
 * to or from it (copy).  Layouts are the Xen ABI's, pinned below.
 */
#ifndef KEEL_PUBLIC_GRANT_TABLE_H
#define KEEL_PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* ---- the shared table (version 1) -------------------------------------- */

/* One 8-byte entry; 512 in each 4 KiB frame. */
struct grant_entry_v1 {
    uint16_t flags;                 /* GTF_* */
    domid_t domid;                  /* the domain granted access */
    uint32_t frame;                 /* the granted frame (a GFN of the granter) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* Type of an entry (flags bits 1:0). */
#define GTF_invalid             0
#define GTF_permit_access       1
#define GTF_accept_transfer     2
#define GTF_transitive          3   /* version 2 only */
#define GTF_type_mask           3
/* Set by the granter. */
#define GTF_readonly            (1U << 2)   /* the grantee may only read */
#define GTF_PWT                 (1U << 5)
#define GTF_PCD                 (1U << 6)
#define GTF_PAT                 (1U << 7)
#define GTF_sub_page            (1U << 8)   /* version 2 only */
/* Set by the hypervisor while the frame is mapped or copied. */
#define GTF_reading             (1U << 3)
#define GTF_writing             (1U << 4)
/* Transfer grants. */
#define GTF_transfer_committed  (1U << 2)
#define GTF_transfer_completed  (1U << 3)

/* Entries 0-7 are the toolstack's (0 console, 1 xenstore); guests start at 8. */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

/* ---- sub-ops ------------------------------------------------------------ */

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12

/* Per-op results, in the status field (the hypercall itself returns 0). */
#define GNTST_okay                  0
#define GNTST_general_error         (-1)
#define GNTST_bad_domain            (-2)
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_bad_virt_addr         (-5)
#define GNTST_bad_dev_addr          (-6)
#define GNTST_no_device_space       (-7)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)
#define GNTST_address_too_big       (-11)
#define GNTST_eagain                (-12)
#define GNTST_no_space              (-13)

/* map_grant_ref flags. */
#define GNTMAP_device_map           (1U << 0)
#define GNTMAP_host_map             (1U << 1)   /* HVM/PVH: host_addr is a guest-physical address */
#define GNTMAP_readonly             (1U << 2)
#define GNTMAP_application_map      (1U << 3)
#define GNTMAP_contains_pte         (1U << 4)

/* Map @ref of domain @dom at @host_addr; @handle names the mapping for unmap. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;                 /* GNTMAP_* */
    grant_ref_t ref;
    domid_t dom;
    int16_t status;                 /* out: GNTST_* */
    grant_handle_t handle;          /* out */
    uint64_t dev_bus_addr;          /* out */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;                 /* out */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

/* The frames of @dom's table (PV: machine frames; auto-translated: where they are mapped). */
struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;                 /* out */
    uint64_t frame_list;            /* guest handle: xen_pfn_t[nr_frames], out */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;

/* copy: each side is a grant reference or (DOMID_SELF only) a frame of the caller. */
#define GNTCOPY_source_gref         (1U << 0)
#define GNTCOPY_dest_gref           (1U << 1)

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        uint64_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source;
    struct gnttab_copy_ptr dest;
    uint16_t len;
    uint16_t flags;                 /* GNTCOPY_* */
    int16_t status;                 /* out */
};
typedef struct gnttab_copy gnttab_copy_t;

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;             /* out */
    uint32_t max_nr_frames;         /* out */
    int16_t status;                 /* out */
};
typedef struct gnttab_query_size gnttab_query_size_t;

struct gnttab_set_version {
    uint32_t version;               /* in: wanted; out: in force */
};
typedef struct gnttab_set_version gnttab_set_version_t;

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;               /* out */
};
typedef struct gnttab_get_version gnttab_get_version_t;

XEN_PUBLIC_ASSERT(sizeof(struct grant_entry_v1) == 8, grant_entry_v1_size);
XEN_PUBLIC_ASSERT(offsetof(struct grant_entry_v1, domid) == 2, ge_domid);
XEN_PUBLIC_ASSERT(offsetof(struct grant_entry_v1, frame) == 4, ge_frame);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_map_grant_ref) == 32, map_grant_ref_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_map_grant_ref, flags) == 8, map_flags);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_map_grant_ref, ref) == 12, map_ref);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_map_grant_ref, dom) == 16, map_dom);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_map_grant_ref, status) == 18, map_status);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_map_grant_ref, handle) == 20, map_handle);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, map_dev_bus_addr);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_unmap_grant_ref) == 24, unmap_grant_ref_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_unmap_grant_ref, dev_bus_addr) == 8, unmap_dev_bus_addr);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_unmap_grant_ref, handle) == 16, unmap_handle);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_unmap_grant_ref, status) == 20, unmap_status);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_setup_table) == 24, setup_table_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_setup_table, nr_frames) == 4, setup_nr_frames);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_setup_table, status) == 8, setup_status);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_setup_table, frame_list) == 16, setup_frame_list);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_copy_ptr) == 16, copy_ptr_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_copy_ptr, domid) == 8, copy_ptr_domid);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_copy_ptr, offset) == 10, copy_ptr_offset);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_copy) == 40, copy_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_copy, dest) == 16, copy_dest);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_copy, len) == 32, copy_len);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_copy, flags) == 34, copy_flags);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_copy, status) == 36, copy_status);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_query_size) == 16, query_size_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_query_size, nr_frames) == 4, qs_nr_frames);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_query_size, max_nr_frames) == 8, qs_max_nr_frames);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_query_size, status) == 12, qs_status);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_set_version) == 4, set_version_size);
XEN_PUBLIC_ASSERT(sizeof(struct gnttab_get_version) == 8, get_version_size);
XEN_PUBLIC_ASSERT(offsetof(struct gnttab_get_version, version) == 4, gv_version);

#endif
