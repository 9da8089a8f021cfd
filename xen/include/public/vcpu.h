/* SPDX-License-Identifier: GPL-2.0-only */
/* vcpu_op hypercall: vcpu_op(cmd, vcpuid, arg). */
#ifndef KEEL_PUBLIC_VCPU_H
#define KEEL_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise                     0   /* PV only: initial register state */
#define VCPUOP_up                             1   /* arg unused */
#define VCPUOP_down                           2   /* arg unused */
#define VCPUOP_is_up                          3   /* arg unused; returns 1 if up */
#define VCPUOP_get_runstate_info              4   /* arg: struct vcpu_runstate_info */
/* arg: struct vcpu_register_runstate_memory_area */
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6   /* arg: struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer            7   /* arg unused */
#define VCPUOP_set_singleshot_timer           8   /* arg: struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer          9   /* arg unused */
#define VCPUOP_register_vcpu_info            10   /* arg: struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                      11   /* arg unused */
#define VCPUOP_get_physid                    12   /* arg: struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13
#define VCPUOP_register_runstate_phys_area   14
#define VCPUOP_register_vcpu_time_phys_area  15

/* Where a vCPU's time went, in ns of system time per state. */
#define RUNSTATE_running    0
#define RUNSTATE_runnable   1
#define RUNSTATE_blocked    2
#define RUNSTATE_offline    3

struct vcpu_runstate_info {
    int state;                      /* RUNSTATE_* */
    uint64_t state_entry_time;      /* bit 63 set while being updated */
    uint64_t time[4];               /* indexed by RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;        /* absolute system time */
    uint32_t flags;                 /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
/* Fail with -ETIME if the deadline has already passed. */
#define VCPU_SSHOTTMR_future (1U << 0)

/* Move this vCPU's vcpu_info to a guest frame of its choosing. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;                   /* a GFN for translated guests */
    uint32_t offset;                /* within the frame; the struct must fit */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;

/* Guest address of a runstate area or time area (a VA, or a GPA for the _phys_ ops). */
struct vcpu_register_runstate_memory_area {
    union {
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

struct vcpu_register_time_memory_area {
    union {
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

XEN_PUBLIC_ASSERT(sizeof(struct vcpu_runstate_info) == 48, runstate_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_runstate_info, state_entry_time) == 8, ri_entry);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_runstate_info, time) == 16, ri_time);
XEN_PUBLIC_ASSERT(sizeof(struct vcpu_set_singleshot_timer) == 16, singleshot_size);
XEN_PUBLIC_ASSERT(sizeof(struct vcpu_register_vcpu_info) == 16, register_vcpu_info_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_register_vcpu_info, offset) == 8, rvi_offset);
XEN_PUBLIC_ASSERT(sizeof(struct vcpu_register_runstate_memory_area) == 8, rrma_size);

#endif
