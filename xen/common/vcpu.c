/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op: what a guest may ask about or do to its own vCPUs; and the
 * life cycle of secondary vCPUs, shared by vcpu_op and the virtual LAPIC.
 *
 * A vCPU other than vCPU 0 starts uninitialised and down.  It gets a
 * register state from a STARTUP IPI (real mode, only while it waits for
 * one: never started, or INIT since) or from VCPUOP_initialise (only
 * while uninitialised, else -EEXIST, as in Xen); VCPUOP_up or the STARTUP
 * IPI then starts it.  HLT with interrupts off and VCPUOP_down take a
 * vCPU down but keep its state (VCPUOP_up resumes it); INIT takes it down
 * and drops its state.  When the last vCPU of a domain goes down, the
 * domain powers off.
 *
 * Locking: `initialised` and the pending start state change under the
 * domain's lock, which also orders them with the scheduler calls made
 * under it (domain lock, then scheduler lock).  The register state itself
 * is loaded by the target's own run loop (hvm_vcpu_load_pending_start()),
 * never from the CPU that asked, so nothing touches a VMCB or VMCS that
 * may be in use elsewhere.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <public/vcpu.h>
#include <public/hvm/hvm_vcpu.h>

void vcpu_init_ipi(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags;
    bool was_initialised, last = false;

    spin_lock_irqsave(&d->lock, flags);
    was_initialised = v->initialised;
    if ( was_initialised )
    {
        v->initialised = false;
        v->hvm.start_pending = false;
        hvm_nmi_taken(v);
        /* INIT resets the local APIC too, all but its ID (SDM 10.4.7.3). */
        vlapic_reset(v);
        last = sched_stop_vcpu(v);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if ( was_initialised )
        printk(XENLOG_INFO "d%uv%u: INIT: waiting for a STARTUP IPI\n", d->domain_id,
               v->vcpu_id);
    if ( last )
        domain_end(d, DOMEND_POWEROFF, "every vCPU down (INIT)");
}

void vcpu_startup_ipi(struct vcpu *v, uint8_t vector)
{
    struct domain *d = v->domain;
    uint32_t signature, b, c, dx;
    unsigned long flags;
    bool start;

    hvm_cpuid(v, 1, 0, &signature, &b, &c, &dx);
    spin_lock_irqsave(&d->lock, flags);
    /* Only a vCPU waiting for it: a second STARTUP, or one to a running vCPU, is ignored. */
    start = !v->initialised && !d->is_dying;
    if ( start )
    {
        hvm_start_state_sipi(&v->hvm.start, vector, signature);
        v->hvm.start_pending = true;
        v->initialised = true;
        sched_start_vcpu(v);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if ( !start )
        return;
    /* If it was still leaving its pCPU after an INIT, make it pick up the new state now. */
    sched_kick_vcpu(v);
    printk(XENLOG_INFO "d%uv%u: STARTUP IPI: starts in real mode at %04x:0000\n",
           d->domain_id, v->vcpu_id, (unsigned int)vector << 8);
}

/* VCPUOP_initialise: a start state for @v, which must not have one. */
static long vcpu_initialise(struct vcpu *cur, struct vcpu *v, unsigned long arg)
{
    struct domain *d = v->domain;
    struct vcpu_hvm_context ctx;
    struct hvm_start_limits lim;
    struct hvm_vcpu_start s;
    const char *why = NULL;
    unsigned long flags;
    long rc;

    if ( copy_from_guest_virt(cur, &ctx, arg, sizeof(ctx)) )
        return -EFAULT;
    hvm_start_limits(v, &lim);
    spin_lock_irqsave(&d->lock, flags);
    if ( v->initialised )
        rc = -EEXIST;
    else
        rc = hvm_start_state_from_context(&s, &ctx, &lim, &why);
    if ( !rc )
    {
        v->hvm.start = s;
        v->hvm.start_pending = true;
        v->initialised = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if ( why )
        printk(XENLOG_DEBUG "d%uv%u: VCPUOP_initialise of vCPU %u refused: %s\n",
               d->domain_id, cur->vcpu_id, v->vcpu_id, why);
    return rc;
}

/* VCPUOP_up: start an initialised vCPU that is down; one that is up stays as it is. */
static long vcpu_up(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags;
    long rc = 0;

    spin_lock_irqsave(&d->lock, flags);
    if ( !v->initialised )
        rc = -EINVAL;
    else
        sched_start_vcpu(v);
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

/* VCPUOP_down: the vCPU stops (any vCPU of the caller, itself included). */
static long vcpu_op_down(struct vcpu *v)
{
    if ( sched_stop_vcpu(v) )
        domain_end(v->domain, DOMEND_POWEROFF, "every vCPU down (VCPUOP_down)");
    return 0;
}

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
    case VCPUOP_initialise:
        return vcpu_initialise(cur, v, arg);

    case VCPUOP_up:
        return vcpu_up(v);

    case VCPUOP_down:
        return vcpu_op_down(v);

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
