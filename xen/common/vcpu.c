/* SPDX-License-Identifier: GPL-2.0-only */
/* vcpu_op: what a guest may ask about or do to its own vCPUs. */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <public/vcpu.h>

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg)
{
    struct vcpu *cur = current_vcpu();
    struct domain *d = cur->domain;
    struct vcpu *v;

    if ( vcpuid >= d->max_vcpus )
        return -ENOENT;
    v = d->vcpu[vcpuid];

    switch ( cmd )
    {
    case VCPUOP_is_up:
        return v->is_up;

    case VCPUOP_register_vcpu_info:
    {
        struct vcpu_register_vcpu_info info;

        if ( copy_from_guest_virt(cur, &info, arg, sizeof(info)) )
            return -EFAULT;
        /* Any vCPU of ours: Linux registers its APs' areas from the boot CPU. */
        return vcpu_info_register(v, info.mfn, info.offset);
    }

    case VCPUOP_register_runstate_memory_area:
    {
        struct vcpu_register_runstate_memory_area area;

        if ( copy_from_guest_virt(cur, &area, arg, sizeof(area)) )
            return -EFAULT;
        return vcpu_runstate_register(v, area.addr.p);
    }

    case VCPUOP_get_runstate_info:
    {
        struct vcpu_runstate_info info;
        unsigned long flags;

        spin_lock_irqsave(&v->runstate_lock, flags);
        info = v->runstate;
        spin_unlock_irqrestore(&v->runstate_lock, flags);
        return copy_to_guest_virt(cur, arg, &info, sizeof(info)) ? -EFAULT : 0;
    }

    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer:
    case VCPUOP_set_periodic_timer:
    case VCPUOP_stop_periodic_timer:
        return vtime_vcpu_op(cmd, v, arg);

    default:
        return -ENOSYS;
    }
}
