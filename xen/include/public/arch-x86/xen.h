/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 pieces of the Xen guest ABI: word-sized types, guest handles and the
 * architecture parts of vcpu_info and shared_info.
 *
 * Keel runs 64-bit guests only, so the structures here describe the
 * x86_64 layout; a 32-bit program (a PVH guest's 32-bit entry code, say)
 * may still include this for the constants and fixed-width types, but
 * the word-sized structures are left out there on purpose rather than
 * being silently given a different layout.
 */
#ifndef KEEL_PUBLIC_ARCH_X86_XEN_H
#define KEEL_PUBLIC_ARCH_X86_XEN_H

#include <stdint.h>

/*
 * A guest handle is a guest virtual (or, for PVH/HVM, linear) address of
 * some typed object.  Wrapping it in a struct keeps it from being mixed up
 * with a plain integer or a hypervisor pointer by accident.
 */
#define XEN_GUEST_HANDLE_TYPE(type)     xen_guest_handle_##type##_t
#define DEFINE_XEN_GUEST_HANDLE(type)                                       \
    typedef struct { type *p; } XEN_GUEST_HANDLE_TYPE(type)
#define XEN_GUEST_HANDLE(type)          XEN_GUEST_HANDLE_TYPE(type)

/* The guest can mask event upcalls per vCPU (vcpu_info byte 1). */
#define XEN_HAVE_PV_UPCALL_MASK 1

/* shared_info carries vcpu_info slots for the first 32 vCPUs only. */
#define XEN_LEGACY_MAX_VCPUS 32

#if defined(__x86_64__)

/* Word-sized on x86_64: both are 8 bytes. */
typedef unsigned long xen_ulong_t;
typedef unsigned long xen_pfn_t;

struct arch_vcpu_info {
    unsigned long cr2;          /* PV only: faulting address of a #PF */
    unsigned long pad;
};

struct arch_shared_info {
    unsigned long max_pfn;              /* PV p2m bookkeeping; 0 for PVH */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
};

#endif /* __x86_64__ */

#endif
