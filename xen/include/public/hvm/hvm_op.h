/* SPDX-License-Identifier: GPL-2.0-only */
/* hvm_op hypercall: hvm_op(op, arg). */
#ifndef KEEL_PUBLIC_HVM_HVM_OP_H
#define KEEL_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"

#define HVMOP_set_param                 0
#define HVMOP_get_param                 1
#define HVMOP_pagetable_dying           9
#define HVMOP_get_time                 10
#define HVMOP_get_mem_type             15
#define HVMOP_set_evtchn_upcall_vector 23

/* Read or write HVM parameter @index (HVM_PARAM_*) of @domid. */
struct xen_hvm_param {
    domid_t domid;                  /* DOMID_SELF (or the caller's id) */
    uint32_t index;
    uint64_t value;
};
typedef struct xen_hvm_param xen_hvm_param_t;

struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint64_t gpa;
};

XEN_PUBLIC_ASSERT(sizeof(struct xen_hvm_param) == 16, hvm_param_size);
XEN_PUBLIC_ASSERT(offsetof(struct xen_hvm_param, index) == 4, hp_index);
XEN_PUBLIC_ASSERT(offsetof(struct xen_hvm_param, value) == 8, hp_value);
XEN_PUBLIC_ASSERT(sizeof(struct xen_hvm_pagetable_dying) == 16, pagetable_dying_size);

#endif
