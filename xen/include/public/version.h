/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_version hypercall: xen_version(cmd, arg).  XENVER_version returns
 * (major << 16) | minor directly; the others fill the buffer at arg.
 * The XENFEAT_* bits (XENVER_get_features, submap 0) live here too.
 */
#ifndef KEEL_PUBLIC_VERSION_H
#define KEEL_PUBLIC_VERSION_H

#include "xen.h"

#define XENVER_version              0   /* arg unused; returns major<<16|minor */
#define XENVER_extraversion         1   /* arg: xen_extraversion_t */
#define XENVER_compile_info         2   /* arg: struct xen_compile_info */
#define XENVER_capabilities         3   /* arg: xen_capabilities_info_t */
#define XENVER_changeset            4   /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters  5   /* arg: struct xen_platform_parameters */
#define XENVER_get_features         6   /* arg: struct xen_feature_info */
#define XENVER_pagesize             7   /* arg unused; returns the page size */
#define XENVER_guest_handle         8   /* arg: xen_domain_handle_t */
#define XENVER_commandline          9   /* arg: xen_commandline_t */
#define XENVER_build_id            10   /* arg: struct xen_varbuf */
/* Variable-length forms of 1, 3, 4 and 9 (arg: struct xen_varbuf). */
#define XENVER_extraversion2       11
#define XENVER_capabilities2       12
#define XENVER_changeset2          13
#define XENVER_commandline2        14

/* Fixed-size string buffers; the hypervisor NUL-terminates what fits. */
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN        (sizeof(xen_extraversion_t))
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN   (sizeof(xen_capabilities_info_t))
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN      (sizeof(xen_changeset_info_t))
typedef char xen_commandline_t[1024];
typedef uint8_t xen_domain_handle_t[16];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

struct xen_feature_info {
    uint32_t submap_idx;        /* in: which group of 32 features */
    uint32_t submap;            /* out: one bit per XENFEAT_* in the group */
};
typedef struct xen_feature_info xen_feature_info_t;

/*
 * Length-prefixed buffer: len is the room in buf on entry.  ISO C++ has
 * no flexible array members, so C++ sees buf[1]; only offsetof(buf)
 * matters to the ABI, and it is 4 either way.
 */
#if defined(__cplusplus)
#define XEN_FLEX_ARRAY_DIM 1
#else
#define XEN_FLEX_ARRAY_DIM
#endif
struct xen_varbuf {
    uint32_t len;
    unsigned char buf[XEN_FLEX_ARRAY_DIM];
};

#if defined(__x86_64__)
struct xen_platform_parameters {
    xen_ulong_t virt_start;     /* lowest hypervisor-reserved VA (PV only) */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
XEN_PUBLIC_ASSERT(sizeof(struct xen_platform_parameters) == 8, platform_parameters_size);
#endif

XEN_PUBLIC_ASSERT(sizeof(struct xen_compile_info) == 144, compile_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct xen_compile_info, compile_date) == 112, ci_date);
XEN_PUBLIC_ASSERT(sizeof(struct xen_feature_info) == 8, feature_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct xen_varbuf, buf) == 4, varbuf_buf);

/* Feature bits (submap 0). */
#define XENFEAT_writable_page_tables        0
#define XENFEAT_writable_descriptor_tables  1
#define XENFEAT_auto_translated_physmap     2   /* guest sees GFNs, not MFNs */
#define XENFEAT_supervisor_mode_kernel      3
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5
#define XENFEAT_highmem_assist              6
#define XENFEAT_gnttab_map_avail_bits       7
#define XENFEAT_hvm_callback_vector         8   /* HVM_PARAM_CALLBACK_IRQ may be a vector */
#define XENFEAT_hvm_safe_pvclock            9   /* pvclock is safe to use in HVM */
#define XENFEAT_hvm_pirqs                  10
#define XENFEAT_dom0                       11   /* guest may run as dom0 */
#define XENFEAT_grant_map_identity         12
#define XENFEAT_memory_op_vnode_supported  13
#define XENFEAT_ARM_SMCCC_supported        14
#define XENFEAT_linux_rsdp_unrestricted    15
#define XENFEAT_not_direct_mapped          16
#define XENFEAT_direct_mapped              17
#define XENFEAT_runstate_phys_area         18
#define XENFEAT_vcpu_time_phys_area        19
#define XENFEAT_dm_msix_all_writes         20
#define XENFEAT_NR_SUBMAPS                  1

#endif
