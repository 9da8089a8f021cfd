/* SPDX-License-Identifier: GPL-2.0-only */
/* vcpu_op: what a guest may ask about or do to its own vCPUs. */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/hypercall.h>
#include <public/vcpu.h>

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;

    if ( vcpuid >= d->max_vcpus )
        return -ENOENT;

    switch ( cmd )
    {
    case VCPUOP_is_up:
        return d->vcpu[vcpuid]->is_up;
    default:
        return -ENOSYS;
    }
}
