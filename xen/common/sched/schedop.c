/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op: yield, block, poll and shutdown requests from a guest. */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <keel/timer.h>
#include <public/sched.h>

/*
 * SCHEDOP_block: sleep until an event is pending for this vCPU.  Marked
 * blocked before looking, so a raise on another CPU in between wakes it.
 * (Xen also looks at the upcall flag only; an upcall the guest cannot
 * take yet, IF=0, still ends the block.)
 */
static long sched_block(struct vcpu *v)
{
    vcpu_block(v);
    smp_mb();
    if ( vcpu_upcall_pending(v) )
        vcpu_wake(v);
    return 0;
}

/*
 * SCHEDOP_poll: sleep until one of the listed ports is pending (masked
 * or not), an upcall is pending, or the absolute timeout (0 = none)
 * passes.  Returns 0 in every case; the guest looks at its ports.
 */
static long sched_poll(struct vcpu *v, unsigned long arg)
{
    struct sched_poll sp;
    evtchn_port_t ports[SCHED_POLL_MAX_PORTS];
    unsigned int i;

    if ( copy_from_guest_virt(v, &sp, arg, sizeof(sp)) )
        return -EFAULT;
    if ( sp.nr_ports > SCHED_POLL_MAX_PORTS )
        return -EINVAL;
    if ( copy_from_guest_virt(v, ports, (unsigned long)sp.ports.p,
                              sp.nr_ports * sizeof(ports[0])) )
        return -EFAULT;
    for ( i = 0; i < sp.nr_ports; i++ )
        if ( evtchn_check_poll_port(v->domain, ports[i]) )
            return -EINVAL;

    memcpy(v->events.poll_ports, ports, sp.nr_ports * sizeof(ports[0]));
    v->events.nr_poll_ports = sp.nr_ports;
    stop_timer(&v->events.poll_timer);
    if ( sp.timeout && (s_time_t)MIN(sp.timeout, (uint64_t)STIME_MAX) <= NOW() )
        return 0;           /* already expired: nothing to wait for */
    if ( evtchn_poll_begin(v) && sp.timeout )
        set_timer(&v->events.poll_timer, (s_time_t)MIN(sp.timeout, (uint64_t)STIME_MAX));
    return 0;
}

long do_sched_op(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    struct sched_shutdown s;

    switch ( cmd )
    {
    case SCHEDOP_yield:
        return 0;           /* the run loop moves on after every exit anyway */

    case SCHEDOP_block:
        return sched_block(v);

    case SCHEDOP_poll:
        return sched_poll(v, arg);

    case SCHEDOP_shutdown:
        if ( copy_from_guest_virt(v, &s, arg, sizeof(s)) )
            return -EFAULT;
        if ( s.reason > SHUTDOWN_MAX )
            return -EINVAL;
        domain_end(d, s.reason, d->shutdown_code >= 0 ? "with a shutdown code" : "requested");
        return 0;

    case SCHEDOP_shutdown_code:
        if ( copy_from_guest_virt(v, &s, arg, sizeof(s)) )
            return -EFAULT;
        if ( s.reason > SHUTDOWN_MAX )
            return -EINVAL;
        d->shutdown_code = s.reason;
        return 0;

    case SCHEDOP_remote_shutdown:
    case SCHEDOP_pin_override:
        return -EPERM;      /* privileged: not for domUs */

    default:
        return -ENOSYS;
    }
}
