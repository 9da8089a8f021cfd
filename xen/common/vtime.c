/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest time: the pvclock in each vcpu_info (system time, the TSC it was
 * taken at, and the scale from TSC ticks to nanoseconds), the shared_info
 * wall clock, and the vcpu_op timers (single-shot and periodic), which
 * raise VIRQ_TIMER.
 *
 * Guests read the host TSC directly (offset 0, no scaling), so the scale
 * is the host's TSC rate.  An update is bracketed by an odd and an even
 * version: a reader retries while the version is odd or changed under it.
 * vcpu_time_info is refreshed when shared_info or a vcpu_info is placed,
 * and before entering the guest when the last update is older than
 * VTIME_REFRESH, which bounds the drift between the guest's extrapolation
 * and NOW() to a few nanoseconds.
 */
#include <keel/types.h>
#include <keel/event.h>

#define VTIME_REFRESH_NS    (100LL * 1000 * 1000)
/* Shortest periodic timer a guest may ask for (Xen's limit). */
#define PERIODIC_MIN_NS     (1000LL * 1000)

void pvclock_scale_for_hz(uint64_t hz, uint32_t *mul, int8_t *shift)
{
    const uint64_t ns = 1000000000ULL;
    uint64_t scaled = hz;
    int s = 0;

    *mul = 0;
    *shift = 0;
    if ( !hz )
        return;
    /* Bring hz * 2^shift into (1e9, 2e9]: then mul = 1e9 * 2^32 / that is in [2^31, 2^32). */
    while ( scaled > 2 * ns )
    {
        scaled >>= 1;
        s--;
    }
    while ( scaled <= ns )
    {
        scaled <<= 1;
        s++;
    }
    /* For shift < 0 divide by the exact rate, not the truncated one, and scale up. */
    if ( s < 0 )
        *mul = (uint32_t)(((ns << 32) / hz) << -s);
    else
        *mul = (uint32_t)((ns << 32) / (hz << s));
    *shift = (int8_t)s;
}

uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if ( shift < 0 )
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

#ifndef KEEL_HOST_TEST
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/guest_access.h>
#include <keel/timer.h>

static DEFINE_SPINLOCK(vtime_lock);

void vtime_publish(struct vcpu *v)
{
    struct vcpu_time_info *t;
    uint32_t mul;
    int8_t shift;
    uint64_t tsc;

    if ( !v || !v->events.vcpu_info )
        return;
    pvclock_scale_for_hz(tsc_freq_hz(), &mul, &shift);
    /* One writer at a time, or two updates could interleave their versions. */
    spin_lock(&vtime_lock);
    t = &vcpu_info_of(v)->time;
    t->version++;                                               /* odd: update running */
    smp_wmb();
    tsc = rdtsc();
    t->tsc_timestamp = tsc;
    t->system_time = stime_at_tsc(tsc);
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    /* Not TSC_STABLE: pCPUs' TSCs are not known to be synchronised. */
    t->flags = 0;
    smp_wmb();
    t->version++;                                               /* even: consistent */
    v->events.time_published = t->system_time;
    spin_unlock(&vtime_lock);
}

void vtime_refresh(struct vcpu *v)
{
    if ( NOW() - v->events.time_published >= VTIME_REFRESH_NS )
        vtime_publish(v);
}

void vtime_set_wallclock(struct domain *d)
{
    struct shared_info *s = d->events.shared_info;

    /*
     * Keel reads no RTC yet: system time 0 is the epoch (1970).  Linux
     * copes (it adds system time); the versioned write is still the ABI's.
     */
    s->wc_version++;
    smp_wmb();
    s->wc_sec = 0;
    s->wc_nsec = 0;
    s->wc_sec_hi = 0;
    smp_wmb();
    s->wc_version++;
}

static void singleshot_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void periodic_fn(void *data)
{
    struct vcpu *v = data;
    s_time_t now = NOW(), period = ACCESS_ONCE(v->events.periodic_period);

    if ( !period )
        return;
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    /* Ticks missed while the CPU was busy are dropped, not delivered in a burst. */
    v->events.periodic_next += period;
    if ( v->events.periodic_next <= now )
        v->events.periodic_next = now + period;
    set_timer(&v->events.periodic_timer, v->events.periodic_next);
}

static void poll_timeout_fn(void *data)
{
    evtchn_poll_end(data, true);
}

void vtime_vcpu_init(struct vcpu *v)
{
    init_timer(&v->events.singleshot_timer, singleshot_fn, v, v->processor);
    init_timer(&v->events.periodic_timer, periodic_fn, v, v->processor);
    init_timer(&v->events.poll_timer, poll_timeout_fn, v, v->processor);
}

void vtime_vcpu_destroy(struct vcpu *v)
{
    kill_timer(&v->events.singleshot_timer);
    kill_timer(&v->events.periodic_timer);
    kill_timer(&v->events.poll_timer);
}

/* vcpu_op timer sub-ops for vCPU @v of the calling domain. */
long vtime_vcpu_op(int cmd, struct vcpu *v, unsigned long arg)
{
    struct vcpu *cur = current_vcpu();

    switch ( cmd )
    {
    case VCPUOP_set_singleshot_timer:
    {
        struct vcpu_set_singleshot_timer st;
        s_time_t deadline;

        /* The single-shot timer is the calling vCPU's own (as in Xen). */
        if ( v != cur )
            return -EINVAL;
        if ( copy_from_guest_virt(cur, &st, arg, sizeof(st)) )
            return -EFAULT;
        deadline = st.timeout_abs_ns > (uint64_t)STIME_MAX ? STIME_MAX
                                                            : (s_time_t)st.timeout_abs_ns;
        if ( deadline <= NOW() )
        {
            if ( st.flags & VCPU_SSHOTTMR_future )
                return -ETIME;
            /* Already due: fire now (Linux BUGs on an error here). */
            stop_timer(&v->events.singleshot_timer);
            send_guest_vcpu_virq(v, VIRQ_TIMER);
            return 0;
        }
        set_timer(&v->events.singleshot_timer, deadline);
        return 0;
    }

    case VCPUOP_stop_singleshot_timer:
        if ( v != cur )
            return -EINVAL;
        stop_timer(&v->events.singleshot_timer);
        return 0;

    case VCPUOP_set_periodic_timer:
    {
        struct vcpu_set_periodic_timer pt;

        if ( copy_from_guest_virt(cur, &pt, arg, sizeof(pt)) )
            return -EFAULT;
        if ( pt.period_ns < PERIODIC_MIN_NS || pt.period_ns > (uint64_t)STIME_MAX / 2 )
            return -EINVAL;
        stop_timer(&v->events.periodic_timer);
        v->events.periodic_period = pt.period_ns;
        v->events.periodic_next = NOW() + pt.period_ns;
        set_timer(&v->events.periodic_timer, v->events.periodic_next);
        return 0;
    }

    case VCPUOP_stop_periodic_timer:
        v->events.periodic_period = 0;
        stop_timer(&v->events.periodic_timer);
        return 0;

    default:
        return -ENOSYS;
    }
}
#endif
