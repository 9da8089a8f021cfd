/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op: yield, block and shutdown requests from a guest. */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <public/sched.h>

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
        vcpu_block(v);
        return 0;

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
