/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event_channel_op hypercall: event_channel_op(cmd, arg).  Ports are
 * small integers per domain; port 0 is never handed out.  Layouts are the
 * Xen ABI's (pinned below); "out" fields are written by the hypervisor.
 */
#ifndef KEEL_PUBLIC_EVENT_CHANNEL_H
#define KEEL_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_bind_virq          1
#define EVTCHNOP_bind_pirq          2
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_bind_vcpu          8
#define EVTCHNOP_unmask             9
#define EVTCHNOP_reset             10
#define EVTCHNOP_init_control      11
#define EVTCHNOP_expand_array      12
#define EVTCHNOP_set_priority      13
#define EVTCHNOP_reset_cont        14

/* A port that @remote_dom may later connect to with bind_interdomain. */
struct evtchn_alloc_unbound {
    domid_t dom;                    /* DOMID_SELF (or the caller's id) */
    domid_t remote_dom;             /* DOMID_SELF = the caller */
    evtchn_port_t port;             /* out */
};

/* Connect to @remote_port of @remote_dom, which must be unbound for us. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;       /* out */
};

struct evtchn_bind_virq {
    uint32_t virq;                  /* VIRQ_* */
    uint32_t vcpu;
    evtchn_port_t port;             /* out */
};

struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;             /* out */
};

/* close, send and unmask take just a port. */
struct evtchn_close {
    evtchn_port_t port;
};
struct evtchn_send {
    evtchn_port_t port;
};
struct evtchn_unmask {
    evtchn_port_t port;
};

#define EVTCHNSTAT_closed       0   /* free or reserved */
#define EVTCHNSTAT_unbound      1   /* waiting for bind_interdomain */
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;                /* out: EVTCHNSTAT_* */
    uint32_t vcpu;                  /* out: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;                            /* out */
};

/* Deliver @port's events to @vcpu from now on. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};

/* Close every port of @dom (and go back to the 2-level ABI). */
struct evtchn_reset {
    domid_t dom;
};

/* ---- FIFO ABI ------------------------------------------------------------ */

/* Switch to the FIFO ABI; the control block of @vcpu is at control_gfn:offset. */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;              /* out: width of an event word's LINK field */
    uint8_t _pad[7];
};

/* Add one page of event words (1024 ports) to the event array. */
struct evtchn_expand_array {
    uint64_t array_gfn;
};

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;              /* 0 (highest) .. 15 */
};

typedef uint32_t event_word_t;

/* Bits of an event word; the LINK field holds the next port of the queue. */
#define EVTCHN_FIFO_PENDING         31
#define EVTCHN_FIFO_MASKED          30
#define EVTCHN_FIFO_LINKED          29
#define EVTCHN_FIFO_BUSY            28
#define EVTCHN_FIFO_LINK_BITS       17
#define EVTCHN_FIFO_LINK_MASK       ((1U << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS     (1U << EVTCHN_FIFO_LINK_BITS)

#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN    15
#define EVTCHN_FIFO_MAX_QUEUES      (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* Per vCPU: a READY bit per queue and each queue's head port. */
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};

XEN_PUBLIC_ASSERT(sizeof(struct evtchn_alloc_unbound) == 8, alloc_unbound_size);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_alloc_unbound, port) == 4, au_port);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_bind_interdomain) == 12, bind_interdomain_size);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_bind_interdomain, remote_port) == 4, bi_rport);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_bind_interdomain, local_port) == 8, bi_lport);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_bind_virq) == 12, bind_virq_size);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_bind_ipi) == 8, bind_ipi_size);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_status) == 24, status_size);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_status, status) == 8, st_status);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_status, vcpu) == 12, st_vcpu);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_status, u) == 16, st_u);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_bind_vcpu) == 8, bind_vcpu_size);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_init_control) == 24, init_control_size);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_init_control, vcpu) == 12, ic_vcpu);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_init_control, link_bits) == 16, ic_link_bits);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_expand_array) == 8, expand_array_size);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_set_priority) == 8, set_priority_size);
XEN_PUBLIC_ASSERT(sizeof(struct evtchn_fifo_control_block) == 72, fifo_control_block_size);
XEN_PUBLIC_ASSERT(offsetof(struct evtchn_fifo_control_block, head) == 8, fcb_head);

#endif
