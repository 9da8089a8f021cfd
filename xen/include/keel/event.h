/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_EVENT_H
#define KEEL_EVENT_H

/*
 * Event channels, shared_info/vcpu_info, guest time and the per-vCPU
 * timers: the state a domain and its vCPUs carry for them, and the calls
 * the rest of the hypervisor makes.
 *
 * The two delivery ABIs keep their pure logic (what a guest-visible bit
 * does when an event is raised) in event_2l.c and event_fifo.c, which
 * build on the host for unit tests and so see no struct domain; the
 * hypercalls and the domain glue live in event_channel.c.
 */
#include <keel/types.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <public/event_channel.h>

/*
 * Quota: ports a domain may use, port 0 included (never handed out).
 * 1024 is Xen's default for guests (xl's max_event_channels = 1023 usable
 * ports); a Linux PVH domU needs about 8 per vCPU plus one per device.
 * The port structures are allocated EVTCHN_BUCKET_PORTS at a time, as
 * ports are first used, so an idle domain costs one bucket.
 */
#define EVTCHN_MAX_PORTS        1024
#define EVTCHN_BUCKET_PORTS     64
#define EVTCHN_NR_BUCKETS       (EVTCHN_MAX_PORTS / EVTCHN_BUCKET_PORTS)
/* FIFO event array pages needed for the quota (1024 event words per page). */
#define EVTCHN_FIFO_WORDS_PER_PAGE  (PAGE_SIZE / sizeof(event_word_t))
#define EVTCHN_FIFO_MAX_PAGES   ((EVTCHN_MAX_PORTS + EVTCHN_FIFO_WORDS_PER_PAGE - 1) / \
                                 EVTCHN_FIFO_WORDS_PER_PAGE)
/* SCHEDOP_poll: ports one call may wait for (Xen's limit). */
#define SCHED_POLL_MAX_PORTS    128

/* Channel states. */
#define ECS_FREE            0
#define ECS_RESERVED        1       /* port 0 */
#define ECS_UNBOUND         2
#define ECS_INTERDOMAIN     3
#define ECS_VIRQ            4
#define ECS_IPI             5

struct domain;
struct vcpu;

/*
 * A hypervisor-backed port is an unbound port (remote domain 0) whose far
 * end is the hypervisor itself, e.g. the console backend's: the guest's
 * EVTCHNOP_send on it calls this function (outside the event lock).
 */
typedef void (*evtchn_hv_send_t)(struct domain *d, evtchn_port_t port);

struct evtchn {
    uint8_t state;                  /* ECS_* */
    uint8_t priority;               /* FIFO queue (0 highest) */
    uint16_t virq;                  /* ECS_VIRQ */
    uint32_t notify_vcpu;           /* vCPU whose upcall it raises */
    domid_t remote_domid;           /* ECS_UNBOUND: who may bind; ECS_INTERDOMAIN: peer */
    evtchn_port_t remote_port;      /* ECS_INTERDOMAIN */
    struct domain *remote_dom;      /* ECS_INTERDOMAIN: valid under evtchn_lock */
    uint16_t fifo_lastq;            /* FIFO: queue it was last linked on, + 1 (0 = none) */
    bool carried_pending;           /* pending under 2-level when FIFO took over, no word yet */
    evtchn_hv_send_t hv_send;       /* ECS_UNBOUND, hypervisor-backed: called on send */
};

/* FIFO: the hypervisor's side of one of a vCPU's queues. */
struct fifo_queue {
    evtchn_port_t tail;             /* last port linked, 0 = none */
};

/* Per-vCPU event, time and timer state (struct vcpu's `events`). */
struct vcpu_events {
    struct vcpu_info *vcpu_info;    /* where upcalls and time go (never NULL once set up) */
    bool vcpu_info_registered;      /* VCPUOP_register_vcpu_info done (only once) */
    struct vcpu_info dummy_vcpu_info;   /* vCPUs >= 32 before they register one */
    evtchn_port_t virq_port[NR_VIRQS];

    /* FIFO ABI. */
    struct evtchn_fifo_control_block *fifo_cb;
    struct fifo_queue fifo_q[EVTCHN_FIFO_MAX_QUEUES];

    /* Timers (vtime.c); they run on the vCPU's pCPU. */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    struct timer poll_timer;
    s_time_t periodic_period;       /* 0 = off */
    s_time_t periodic_next;
    s_time_t time_published;        /* NOW() of the last vcpu_time_info update */

    /* SCHEDOP_poll in progress. */
    bool polling;
    unsigned int nr_poll_ports;
    evtchn_port_t poll_ports[SCHED_POLL_MAX_PORTS];

    /* The guest's copy of the scheduler's v->runstate (runstate.c). */
    bool runstate_area;             /* the guest registered an area */
    uint64_t runstate_gpa[2];       /* its two pieces if it straddles a page */
    unsigned int runstate_split;    /* bytes in the first piece */
};

/* Per-domain state (struct domain's `events`). */
struct domain_events {
    struct shared_info *shared_info;    /* hypervisor page, zeroed at creation */
    uint64_t shared_info_gfn;           /* ~0 while not mapped */
    unsigned long displaced_mfn;        /* RAM frame it replaced in the p2m */
    bool displaced_valid;

    struct evtchn *bucket[EVTCHN_NR_BUCKETS];
    unsigned int valid_ports;           /* ports covered by allocated buckets */

    bool fifo;                          /* FIFO ABI in use */
    event_word_t *fifo_array[EVTCHN_FIFO_MAX_PAGES];
    unsigned int fifo_pages;
};

/* ---- pure ABI logic (event_2l.c, event_fifo.c; unit-tested) ------------- */

/*
 * 2-level: mark @port pending in @pending; unless masked, flag its word in
 * @vi's selector.  True when the vCPU must be sent an upcall (the
 * selector bit was newly set; evtchn_upcall_pending is then set too).
 */
bool evtchn_2l_raise(xen_ulong_t *pending, const xen_ulong_t *mask, struct vcpu_info *vi,
                     evtchn_port_t port);
/* 2-level EVTCHNOP_unmask: clear the mask; a pending port then raises as above. */
bool evtchn_2l_unmask(const xen_ulong_t *pending, xen_ulong_t *mask, struct vcpu_info *vi,
                      evtchn_port_t port);
bool evtchn_2l_is_pending(const xen_ulong_t *pending, evtchn_port_t port);

/* FIFO: where the event words live (a page may be missing: NULL). */
struct fifo_env {
    void *ctx;
    event_word_t *(*word)(void *ctx, evtchn_port_t port);
    uint16_t *(*lastq)(void *ctx, evtchn_port_t port);
};

/*
 * FIFO: set PENDING on @port's word and, unless it is masked or already
 * linked, append it to queue @qid (priority @prio of one vCPU, with
 * control block @cb and hypervisor queue @q).  True when the guest must
 * be sent an upcall (the queue's READY bit was newly set).
 */
bool evtchn_fifo_raise(const struct fifo_env *env, struct evtchn_fifo_control_block *cb,
                       struct fifo_queue *q, uint16_t qid, unsigned int prio,
                       evtchn_port_t port);
/* FIFO EVTCHNOP_unmask: clear MASKED; a pending, unlinked port is then linked as if raised. */
bool evtchn_fifo_unmask(const struct fifo_env *env, struct evtchn_fifo_control_block *cb,
                        struct fifo_queue *q, uint16_t qid, unsigned int prio,
                        evtchn_port_t port);
bool evtchn_fifo_is_pending(const struct fifo_env *env, evtchn_port_t port);
/* Still on a queue: the port cannot be reused until the guest unlinks it. */
bool evtchn_fifo_is_linked(const struct fifo_env *env, evtchn_port_t port);

/* pvclock scale for a TSC of @hz: ns = ((tsc << shift) * mul) >> 32. */
void pvclock_scale_for_hz(uint64_t hz, uint32_t *mul, int8_t *shift);
/* Nanoseconds for @delta TSC ticks with that scale (what the guest computes). */
uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift);

#ifndef KEEL_HOST_TEST
/* ---- the domain glue (hypervisor only) ----------------------------------- */

/* Domain and vCPU life cycle: allocate/free shared_info, ports, timers. */
int domain_events_init(struct domain *d);
void domain_events_destroy(struct domain *d);
void vcpu_events_init(struct vcpu *v);
void vcpu_events_destroy(struct vcpu *v);

/* event_channel.c: ports of a new domain (port 0 reserved) / all closed and freed. */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
/*
 * A new hypervisor-backed port of @d (lowest free, as any allocation):
 * unbound with remote domain 0, and @on_send called when the guest sends
 * on it.  The port number or -errno.  The guest may close it like any
 * port; it is then an ordinary free port.
 */
long evtchn_alloc_hv_port(struct domain *d, evtchn_hv_send_t on_send);
/* Raise @port of @d for the hypervisor end, if it still is the port @on_send backs. */
void evtchn_notify_hv_port(struct domain *d, evtchn_port_t port, evtchn_hv_send_t on_send);
/* Move @v's vcpu_info to @vi (copying it, everything marked pending). */
int evtchn_set_vcpu_info(struct vcpu *v, struct vcpu_info *vi);
/* SCHEDOP_poll: block unless a port or an upcall is pending; true if asleep. */
bool evtchn_poll_begin(struct vcpu *v);
/* Stop polling (timeout, or resumed otherwise); @wake: make it runnable. */
void evtchn_poll_end(struct vcpu *v, bool wake);

/* Raise the channel bound to @virq on @v (VIRQ_TIMER and friends); no-op if unbound. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
/* An upcall is waiting in @v's vcpu_info (what SCHEDOP_block and HLT wait for). */
bool vcpu_upcall_pending(struct vcpu *v);
/* @v got an event: make it notice (wake it if it sleeps, force an exit if it runs). */
void vcpu_kick(struct vcpu *v);
/* Any of @v's SCHEDOP_poll ports pending? (event_channel.c, under the event lock) */
bool evtchn_poll_ports_pending(struct vcpu *v);
/* Validate a port for SCHEDOP_poll: 0 or -EINVAL. */
int evtchn_check_poll_port(struct domain *d, evtchn_port_t port);

/* shared_info.c: hypervisor address of guest RAM frame @gfn (writable RAM only), or NULL. */
void *gfn_to_ram_virt(struct domain *d, uint64_t gfn);
/* shared_info.c: put the shared_info page at @gfn of @d (moving it if mapped). */
int shared_info_map(struct domain *d, uint64_t gfn);
/* vcpu_info of @v as the guest sees it now. */
struct vcpu_info *vcpu_info_of(struct vcpu *v);
/* VCPUOP_register_vcpu_info for @v: 0 or -errno, nothing changed on error. */
int vcpu_info_register(struct vcpu *v, uint64_t gfn, uint32_t offset);

/* vtime.c: per-vCPU timers (on the vCPU's pCPU). */
void vtime_vcpu_init(struct vcpu *v);
void vtime_vcpu_destroy(struct vcpu *v);
/* vtime.c: publish @v's vcpu_time_info now / if stale (called before entry). */
void vtime_publish(struct vcpu *v);
void vtime_refresh(struct vcpu *v);
/* The shared_info wall clock (UTC at system time 0). */
void vtime_set_wallclock(struct domain *d);
long vtime_vcpu_op(int cmd, struct vcpu *v, unsigned long arg);

/*
 * runstate.c: copy v->runstate to the guest's area; called by the
 * scheduler's sched_runstate_change() with v->runstate_lock held.
 */
void runstate_area_update(struct vcpu *v);
/* VCPUOP_register_runstate_memory_area (a guest virtual address; 0 = none). */
int vcpu_runstate_register(struct vcpu *v, uint64_t gva);
#endif

#endif
