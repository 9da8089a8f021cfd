/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event-channel helpers for test guests: shared_info mapping, the
 * callback vector and an upcall handler for both ABIs (2-level and FIFO)
 * that counts events per port, pvclock reading, timers, and waiting with
 * HLT under a watchdog timer so a lost event is a FAIL, not a hang.
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include "guest.h"
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

#define UPCALL_VECTOR   0xf3
#define MAX_PORTS       1024

#define HYPERVISOR_memory_op(cmd, arg)  hypercall2(__HYPERVISOR_memory_op, cmd, arg)
#define HYPERVISOR_event_channel_op(cmd, arg) \
    hypercall2(__HYPERVISOR_event_channel_op, cmd, arg)
#define HYPERVISOR_hvm_op(op, arg)      hypercall2(__HYPERVISOR_hvm_op, op, arg)

extern struct shared_info *shinfo;
extern struct vcpu_info *vcpu0_info;        /* where vCPU 0's upcalls go now */
extern volatile unsigned int evtchn_count[MAX_PORTS];
extern volatile unsigned int upcalls;       /* handler entries */
/* Ports in the order the handler saw them (FIFO priority checks). */
extern volatile evtchn_port_t event_log[64];
extern volatile unsigned int event_log_len;
extern bool fifo_mode;
/* The VIRQ_TIMER port events_init() bound on vCPU 0 (the wait watchdog). */
extern evtchn_port_t timer_port;

/* The page add_to_physmap puts shared_info on (a page of the image's .bss). */
extern uint8_t shinfo_page[4096];

/* add_to_physmap(shared_info) at @gpfn; returns the hypercall's result. */
long map_shared_info_at(uint64_t gpfn);
/* Map shared_info on shinfo_page, install the upcall handler and the callback vector. */
void events_init(void);
/* Switch to the FIFO ABI: init_control for vCPU 0 and one event-array page. */
void events_init_fifo(void);

long set_param(uint32_t index, uint64_t value);
long get_param(uint32_t index, uint64_t *value);

/* EVTCHNOP wrappers: the port (>= 0) or -errno. */
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu);
long evtchn_bind_ipi(uint32_t vcpu);
long evtchn_alloc_unbound(domid_t remote);
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t port);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
long evtchn_status(evtchn_port_t port, struct evtchn_status *st);

/* Guest-side masking, as a guest kernel does it (ABI-specific bit). */
void port_mask(evtchn_port_t port);
void port_unmask_local(evtchn_port_t port);   /* clear the bit only */
bool port_pending(evtchn_port_t port);
void port_clear_pending(evtchn_port_t port);

/* pvclock: system time now from vcpu 0's vcpu_time_info (version protocol). */
uint64_t pvclock_now(void);
/* The version seen by the last pvclock_now(). */
extern uint32_t pvclock_last_version;

long set_singleshot(uint64_t deadline_ns, uint32_t flags);

/* Busy-wait @ms of guest time (interrupts as they are). */
void spin_ms(unsigned int ms);
/* Spin until @cond holds; FAIL with the printf-style rest after @ms of guest time. */
#define WAIT_FOR(cond, ms, ...)                                             \
    do {                                                                    \
        uint64_t _end = pvclock_now() + (uint64_t)(ms) * 1000000;           \
        while ( !(cond) )                                                   \
        {                                                                   \
            if ( pvclock_now() > _end )                                     \
                fail(__VA_ARGS__);                                          \
            __asm__ volatile ("pause");                                     \
        }                                                                   \
    } while ( 0 )
/*
 * The first port a fresh domain allocates itself: the lowest free one,
 * after the console port its builder took (1 without a console).
 */
evtchn_port_t first_free_port(void);

static inline void irq_enable(void) { __asm__ volatile ("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile ("cli" ::: "memory"); }
static inline void safe_halt(void) { __asm__ volatile ("sti; hlt" ::: "memory"); }
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile ("lfence; rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * HLT until *@counter reaches @target, with a 50 ms single-shot timer as
 * watchdog (on timer_port, from events_init()); FAIL naming @what
 * after @timeout_ms of guest time.
 */
void wait_count(volatile unsigned int *counter, unsigned int target, unsigned int timeout_ms,
                const char *what);

#endif
