/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen guest ABI as Keel implements it: hypercall numbers, reserved
 * domain ids, virtual IRQs, console_io sub-ops, start-info flags and the
 * shared_info page.
 *
 * These headers are the contract with guests, so they are kept apart from
 * hypervisor internals: they include only <stdint.h>/<stddef.h> and build
 * on their own as C99 and C++.  Every offset a guest depends on is pinned
 * with XEN_PUBLIC_ASSERT so a layout slip breaks the build, not a guest.
 */
#ifndef KEEL_PUBLIC_XEN_H
#define KEEL_PUBLIC_XEN_H

#include <stddef.h>
#include <stdint.h>

#include "arch-x86/xen.h"

/*
 * Compile-time layout checks that work in C99 (which has no
 * _Static_assert), C11 and C++11.  The C99 form declares an array type
 * whose size goes negative when the condition fails.
 */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define XEN_PUBLIC_ASSERT(cond, name) static_assert(cond, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define XEN_PUBLIC_ASSERT(cond, name) _Static_assert(cond, #name)
#else
#define XEN_PUBLIC_ASSERT(cond, name) \
    typedef char xen_public_assert_##name[(cond) ? 1 : -1]
#endif

/* Hypercall numbers (the value in %rax, or the slot in a hypercall page). */
#define __HYPERVISOR_set_trap_table              0
#define __HYPERVISOR_mmu_update                  1
#define __HYPERVISOR_set_gdt                     2
#define __HYPERVISOR_stack_switch                3
#define __HYPERVISOR_set_callbacks               4
#define __HYPERVISOR_fpu_taskswitch              5
#define __HYPERVISOR_sched_op_compat             6
#define __HYPERVISOR_platform_op                 7
#define __HYPERVISOR_set_debugreg                8
#define __HYPERVISOR_get_debugreg                9
#define __HYPERVISOR_update_descriptor          10
/* 11 is unused */
#define __HYPERVISOR_memory_op                  12
#define __HYPERVISOR_multicall                  13
#define __HYPERVISOR_update_va_mapping          14
#define __HYPERVISOR_set_timer_op               15
#define __HYPERVISOR_event_channel_op_compat    16
#define __HYPERVISOR_xen_version                17
#define __HYPERVISOR_console_io                 18
#define __HYPERVISOR_physdev_op_compat          19
#define __HYPERVISOR_grant_table_op             20
#define __HYPERVISOR_vm_assist                  21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                       23
#define __HYPERVISOR_vcpu_op                    24
#define __HYPERVISOR_set_segment_base           25
#define __HYPERVISOR_mmuext_op                  26
#define __HYPERVISOR_xsm_op                     27
#define __HYPERVISOR_nmi_op                     28
#define __HYPERVISOR_sched_op                   29
#define __HYPERVISOR_callback_op                30
#define __HYPERVISOR_xenoprof_op                31
#define __HYPERVISOR_event_channel_op           32
#define __HYPERVISOR_physdev_op                 33
#define __HYPERVISOR_hvm_op                     34
#define __HYPERVISOR_sysctl                     35
#define __HYPERVISOR_domctl                     36
#define __HYPERVISOR_kexec_op                   37
#define __HYPERVISOR_tmem_op                    38
#define __HYPERVISOR_argo_op                    39
#define __HYPERVISOR_xenpmu_op                  40
#define __HYPERVISOR_dm_op                      41
#define __HYPERVISOR_hypfs_op                   42
/* 48-55 are left to each architecture. */
#define __HYPERVISOR_arch_0                     48
#define __HYPERVISOR_arch_1                     49
#define __HYPERVISOR_arch_2                     50
#define __HYPERVISOR_arch_3                     51
#define __HYPERVISOR_arch_4                     52
#define __HYPERVISOR_arch_5                     53
#define __HYPERVISOR_arch_6                     54
#define __HYPERVISOR_arch_7                     55
/* A hypercall page has one 32-byte slot per number, 4 KiB in all. */
#define XEN_HYPERCALL_SLOTS                    128

/* Virtual IRQs, bound to event channels with EVTCHNOP_bind_virq. */
#define VIRQ_TIMER       0      /* per vCPU: the vCPU's timer fired */
#define VIRQ_DEBUG       1      /* per vCPU: dump debug state */
#define VIRQ_CONSOLE     2      /* global: input on the hypervisor console */
#define VIRQ_DOM_EXC     3      /* global: a domain shut down or died */
#define VIRQ_TBUF        4      /* global: trace records available */
#define VIRQ_DEBUGGER    6      /* global: a domain paused for the debugger */
#define VIRQ_XENOPROF    7      /* per vCPU: profiling sample */
#define VIRQ_CON_RING    8      /* global: hypervisor log ring has data */
#define VIRQ_PCPU_STATE  9      /* global: a physical CPU changed state */
#define VIRQ_MEM_EVENT  10      /* global: a memory event */
#define VIRQ_ARGO       11      /* per domain: Argo message */
#define VIRQ_ENOMEM     12      /* global: hypervisor heap is low */
#define VIRQ_XENPMU     13      /* per vCPU: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* console_io sub-ops: (op, count, buffer). */
#define CONSOLEIO_write  0      /* print count bytes from buffer */
#define CONSOLEIO_read   1      /* read up to count bytes; returns how many */

/* Domain ids: 16 bits; the top of the range names special domains. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U    /* the calling domain */
#define DOMID_IO             0x7FF1U    /* owner of I/O memory */
#define DOMID_XEN            0x7FF2U    /* owner of hypervisor pages */
#define DOMID_COW            0x7FF3U    /* owner of shared copy-on-write pages */
#define DOMID_INVALID        0x7FF4U
#define DOMID_ANY            0x7FF5U
#define DOMID_IDLE           0x7FFFU
#define DOMID_MASK           0x7FFFU

/* Event channel port numbers. */
typedef uint32_t evtchn_port_t;

/* Start-info flags (hvm_start_info.flags and the PV start_info). */
#define SIF_PRIVILEGED      (1U << 0)   /* may use privileged hypercalls */
#define SIF_INITDOMAIN      (1U << 1)   /* the initial control domain (dom0) */
#define SIF_MULTIBOOT_MOD   (1U << 2)
#define SIF_MOD_START_PFN   (1U << 3)
#define SIF_VIRT_P2M_4TOOLS (1U << 4)
#define SIF_PM_MASK         (0xFFU << 8)

/*
 * Per-vCPU time, published by the hypervisor.  The guest computes
 *   now = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul >> 32
 * (a negative shift shifts right).  version is odd while an update is in
 * progress, so readers retry until they see the same even value twice.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC when the values below were taken */
    uint64_t system_time;       /* nanoseconds since boot at that TSC */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point TSC-to-ns factor */
    int8_t tsc_shift;
    uint8_t flags;              /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT  (1U << 0)   /* TSC is synchronised across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED   (1U << 1)

XEN_PUBLIC_ASSERT(sizeof(struct vcpu_time_info) == 32, vcpu_time_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_time_info, tsc_timestamp) == 8, vti_tsc_timestamp);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_time_info, system_time) == 16, vti_system_time);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24, vti_mul);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_time_info, tsc_shift) == 28, vti_shift);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_time_info, flags) == 29, vti_flags);

#if defined(__x86_64__)

/*
 * One per vCPU: in shared_info for vCPUs 0-31, or wherever the guest
 * asks with VCPUOP_register_vcpu_info.  evtchn_pending_sel has a bit per
 * word of shared_info.evtchn_pending that may hold a pending port.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;  /* set by the hypervisor, cleared by the guest */
    uint8_t evtchn_upcall_mask;     /* guest's "interrupts off" for upcalls */
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared page a guest maps with XENMEM_add_to_physmap
 * (XENMAPSPACE_shared_info).  The wall clock at system time 0 is
 * wc_sec_hi:wc_sec seconds plus wc_nsec, versioned like vcpu_time_info.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    /* Two-level event channels: one bit per port. */
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

XEN_PUBLIC_ASSERT(sizeof(struct arch_vcpu_info) == 16, arch_vcpu_info_size);
XEN_PUBLIC_ASSERT(sizeof(struct vcpu_info) == 64, vcpu_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_info, evtchn_upcall_mask) == 1, vi_mask);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, vi_pending_sel);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_info, arch) == 16, vi_arch);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_info, time) == 32, vi_time);
XEN_PUBLIC_ASSERT(sizeof(struct arch_shared_info) == 48, arch_shared_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct arch_shared_info, p2m_generation) == 40, asi_p2m_gen);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, evtchn_pending) == 2048, si_pending);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, evtchn_mask) == 2560, si_mask);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, wc_version) == 3072, si_wc_version);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, wc_sec) == 3076, si_wc_sec);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, wc_nsec) == 3080, si_wc_nsec);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, wc_sec_hi) == 3084, si_wc_sec_hi);
XEN_PUBLIC_ASSERT(offsetof(struct shared_info, arch) == 3088, si_arch);
XEN_PUBLIC_ASSERT(sizeof(struct shared_info) == 3136, shared_info_size);
XEN_PUBLIC_ASSERT(sizeof(struct shared_info) <= 4096, shared_info_fits_page);

#endif /* __x86_64__ */

#endif
