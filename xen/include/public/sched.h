/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op hypercall: sched_op(cmd, arg). */
#ifndef KEEL_PUBLIC_SCHED_H
#define KEEL_PUBLIC_SCHED_H

#include "xen.h"

#define SCHEDOP_yield           0   /* arg unused: give up the CPU */
#define SCHEDOP_block           1   /* arg unused: sleep until an event arrives */
#define SCHEDOP_shutdown        2   /* arg: struct sched_shutdown */
#define SCHEDOP_poll            3   /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4   /* arg: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5   /* arg: struct sched_shutdown (record only) */
#define SCHEDOP_watchdog        6   /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override    7   /* arg: struct sched_pin_override */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff       0   /* stopped normally: clean up */
#define SHUTDOWN_reboot         1   /* clean up, then start again */
#define SHUTDOWN_suspend        2   /* clean up, keep state for resume */
#define SHUTDOWN_crash          3   /* the guest crashed */
#define SHUTDOWN_watchdog       4   /* a guest watchdog expired */
#define SHUTDOWN_soft_reset     5   /* reset the domain, keep its memory */
#define SHUTDOWN_MAX            5

struct sched_shutdown {
    unsigned int reason;            /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

struct sched_watchdog {
    uint32_t id;                    /* 0 allocates a new watchdog */
    uint32_t timeout;               /* seconds; 0 destroys it */
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;

XEN_PUBLIC_ASSERT(sizeof(struct sched_shutdown) == 4, sched_shutdown_size);
XEN_PUBLIC_ASSERT(sizeof(struct sched_remote_shutdown) == 8, sched_remote_shutdown_size);
XEN_PUBLIC_ASSERT(offsetof(struct sched_remote_shutdown, reason) == 4, srs_reason);
XEN_PUBLIC_ASSERT(sizeof(struct sched_watchdog) == 8, sched_watchdog_size);

#if defined(__x86_64__)
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Block until one of the ports is pending or the timeout passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;               /* absolute system time in ns; 0 = none */
};
typedef struct sched_poll sched_poll_t;

XEN_PUBLIC_ASSERT(sizeof(struct sched_poll) == 24, sched_poll_size);
XEN_PUBLIC_ASSERT(offsetof(struct sched_poll, nr_ports) == 8, sp_nr_ports);
XEN_PUBLIC_ASSERT(offsetof(struct sched_poll, timeout) == 16, sp_timeout);
#endif

#endif
