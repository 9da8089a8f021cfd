/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU virtual local APIC, xAPIC MMIO flavour (asm/hvm/vlapic.h).
 * Register layout and semantics follow the Intel SDM vol. 3A ch. 11
 * (APIC).  What a PVH Linux needs from it: ID/version reads before any
 * x2APIC switch, SVR enable, TPR/PPR, EOI, LVT masking, the fixed
 * self-IPI (irq_work, vector 0xf6) with delivery status reading 0, and
 * ISR/IRR reads in setup_local_APIC, INIT/STARTUP to bring up the other
 * vCPUs (common/vcpu.c does the work), reboot and NMI IPIs between vCPUs.
 * The timer runs on a fixed 1 GHz virtual bus clock, so one count is
 * (divisor) ns.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/timer.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>

/* Register offsets in the 4 KiB page. */
#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TPR        0x080
#define APIC_APR        0x090
#define APIC_PPR        0x0a0
#define APIC_EOI        0x0b0
#define APIC_RRD        0x0c0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define APIC_ISR        0x100
#define APIC_TMR        0x180
#define APIC_IRR        0x200
#define APIC_ESR        0x280
#define APIC_ICR_LO     0x300
#define APIC_ICR_HI     0x310
#define APIC_LVT0       0x320   /* timer; the six LVTs are 0x10 apart */
#define APIC_LVT_LAST   0x370   /* error */
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0

/* Version 0x14 (integrated), max LVT entry 5 (six LVTs, no CMCI), no EOI-broadcast suppression. */
#define APIC_VERSION    0x00050014u

#define SVR_ENABLE      (1u << 8)
#define LVT_MASKED      (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define ICR_BUSY        (1u << 12)
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_LEVEL_TRIGGER (1u << 15)

/* ICR delivery modes (bits 10:8). */
#define APIC_DM_FIXED   0
#define APIC_DM_LOWEST  1
#define APIC_DM_SMI     2
#define APIC_DM_NMI     4
#define APIC_DM_INIT    5
#define APIC_DM_STARTUP 6
#define ESR_SEND_ILLEGAL_VECTOR    (1u << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, NR_LVT };

/* Bits software may set in each LVT (delivery status and remote IRR are read-only). */
static const uint32_t lvt_writable[NR_LVT] = {
    [LVT_TIMER]   = 0xff | LVT_MASKED | LVT_TIMER_PERIODIC,   /* no TSC-deadline mode */
    [LVT_THERMAL] = 0xff | 0x700 | LVT_MASKED,
    [LVT_PERF]    = 0xff | 0x700 | LVT_MASKED,
    [LVT_LINT0]   = 0xff | 0x700 | (1u << 13) | (1u << 15) | LVT_MASKED,
    [LVT_LINT1]   = 0xff | 0x700 | (1u << 13) | (1u << 15) | LVT_MASKED,
    [LVT_ERROR]   = 0xff | LVT_MASKED,
};

static struct vlapic *vlapic_of(struct vcpu *v)
{
    return &v->hvm.vlapic;
}

/* Highest set bit of a 256-bit register, or -1. */
static int highest_bit(const uint32_t reg[8])
{
    int i;

    for ( i = 7; i >= 0; i-- )
        if ( reg[i] )
            return i * 32 + 31 - __builtin_clz(reg[i]);
    return -1;
}

static bool test_vec(const uint32_t reg[8], unsigned int vec)
{
    return reg[vec / 32] & (1u << (vec % 32));
}

static void set_vec(uint32_t reg[8], unsigned int vec)
{
    reg[vec / 32] |= 1u << (vec % 32);
}

static void clear_vec(uint32_t reg[8], unsigned int vec)
{
    reg[vec / 32] &= ~(1u << (vec % 32));
}

/* PPR: the TPR, or the in-service class if that is higher (SDM "processor priority"). */
static uint32_t ppr(const struct vlapic *l)
{
    int isrv = highest_bit(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

/* APR: as PPR, with the highest requested vector taking part as well. */
static uint32_t apr(const struct vlapic *l)
{
    int isrv = highest_bit(l->isr), irrv = highest_bit(l->irr);
    int top = isrv > irrv ? isrv : irrv;
    uint32_t cls = top < 0 ? 0 : (uint32_t)top & 0xf0;

    return (l->tpr & 0xf0) >= cls ? l->tpr & 0xff : cls;
}

/* Divide configuration -> divisor: bits 3,1:0; 0b111 is divide by 1. */
static unsigned int timer_divisor(uint32_t dcr)
{
    unsigned int v = ((dcr >> 1) & 4) | (dcr & 3);

    return v == 7 ? 1 : 2u << v;
}

static uint32_t timer_current(const struct vlapic *l)
{
    s_time_t elapsed;
    unsigned int div = l->timer_div;

    if ( !l->timer_running || !l->timer_period )
        return 0;
    elapsed = NOW() - l->timer_start;
    if ( elapsed < 0 )
        elapsed = 0;
    if ( elapsed >= l->timer_period )
    {
        /* The expiry is being handled; a periodic timer has already reloaded. */
        if ( !(l->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC) )
            return 0;
        elapsed %= l->timer_period;
    }
    return l->timer_icr - (uint32_t)(elapsed / div);
}

/* Under the lock: queue @vec in IRR; false if the vector is illegal. */
static bool accept(struct vlapic *l, unsigned int vec)
{
    /* Vectors 0-15 are reserved for exceptions: a receive error, nothing queued. */
    if ( vec < 16 )
    {
        l->esr_pending |= ESR_RECEIVE_ILLEGAL_VECTOR;
        return false;
    }
    set_vec(l->irr, vec);
    return true;
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;
    bool queued;

    spin_lock_irqsave(&l->lock, flags);
    queued = accept(l, vector);
    spin_unlock_irqrestore(&l->lock, flags);
    if ( queued )
        vcpu_kick(v);
}

static void timer_fn(void *data)
{
    struct vcpu *v = data;
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;
    bool queued = false;
    s_time_t now = NOW();

    spin_lock_irqsave(&l->lock, flags);
    if ( !l->timer_running )
    {
        spin_unlock_irqrestore(&l->lock, flags);
        return;
    }
    /* A masked timer still counts down and reloads; it just delivers nothing. */
    if ( !(l->lvt[LVT_TIMER] & LVT_MASKED) )
        queued = accept(l, l->lvt[LVT_TIMER] & 0xff);
    if ( l->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC )
    {
        /* Periods missed while the pCPU was busy are dropped, not delivered in a burst. */
        l->timer_start += l->timer_period;
        if ( l->timer_start + l->timer_period <= now )
            l->timer_start = now;
        set_timer(&l->timer, l->timer_start + l->timer_period);
    }
    else
        l->timer_running = false;
    spin_unlock_irqrestore(&l->lock, flags);
    if ( queued )
        vcpu_kick(v);
}

/* Under the lock: (re)load the count from the initial count; 0 stops the timer. */
static void timer_load(struct vlapic *l)
{
    stop_timer(&l->timer);
    l->timer_running = false;
    if ( !l->timer_icr )
        return;
    l->timer_div = timer_divisor(l->timer_dcr);
    l->timer_period = (s_time_t)l->timer_icr * l->timer_div;
    l->timer_start = NOW();
    l->timer_running = true;
    set_timer(&l->timer, l->timer_start + l->timer_period);
}

/* Does @dst (not the sender's view, the target's registers) accept destination @dest? */
static bool dest_match(struct vcpu *dst, uint32_t icr_lo, uint8_t dest)
{
    struct vlapic *l = vlapic_of(dst);

    if ( !(icr_lo & (1u << 11)) )
        return dest == 0xff || dest == (ACCESS_ONCE(l->id) >> 24);
    {
        /* Logical: flat model (DFR 0xf...) ANDs the 8-bit mask; cluster matches ID nibble. */
        uint8_t ldr = ACCESS_ONCE(l->ldr) >> 24;

        if ( (ACCESS_ONCE(l->dfr) >> 28) == 0xf )
            return (ldr & dest) != 0;
        return (dest & 0xf0) == (ldr & 0xf0) && (ldr & dest & 0x0f);
    }
}

/* Is @t a target of ICR @lo / @dest sent by @v? */
static bool ipi_target(struct vcpu *v, struct vcpu *t, uint32_t lo, uint8_t dest)
{
    switch ( (lo >> 18) & 3 )
    {
    case 1:  return t == v;             /* self */
    case 2:  return true;               /* all including self */
    case 3:  return t != v;             /* all excluding self */
    default: return dest_match(t, lo, dest);
    }
}

/*
 * The ICR low dword was written: send.  Not under any lock (targets take
 * theirs; INIT and STARTUP take the domain's).  Delivery is immediate, so
 * the delivery-status bit never reads back set.
 */
static void send_ipi(struct vcpu *v, uint32_t lo, uint32_t hi)
{
    struct domain *d = v->domain;
    unsigned int vec = lo & 0xff, mode = (lo >> 8) & 7, i;
    uint8_t dest = hi >> 24;

    switch ( mode )
    {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
    case APIC_DM_NMI:
    case APIC_DM_STARTUP:
        break;
    case APIC_DM_INIT:
        /* Level de-assert (level trigger, level bit clear) is a no-op, as in Xen. */
        if ( (lo & (ICR_LEVEL_TRIGGER | ICR_LEVEL_ASSERT)) == ICR_LEVEL_TRIGGER )
            return;
        break;
    default:
        printk(XENLOG_DEBUG "d%uv%u: vLAPIC IPI delivery mode %u (icr %#x:%#x) dropped\n",
               d->domain_id, v->vcpu_id, mode, hi, lo);
        return;
    }
    if ( (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vec < 16 )
    {
        unsigned long flags;

        spin_lock_irqsave(&vlapic_of(v)->lock, flags);
        vlapic_of(v)->esr_pending |= ESR_SEND_ILLEGAL_VECTOR;
        spin_unlock_irqrestore(&vlapic_of(v)->lock, flags);
        return;
    }
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *t = d->vcpu[i];

        if ( !t || !ipi_target(v, t, lo, dest) )
            continue;
        switch ( mode )
        {
        case APIC_DM_NMI:
            hvm_inject_nmi(t);
            break;
        case APIC_DM_INIT:
            vcpu_init_ipi(t);
            break;
        case APIC_DM_STARTUP:
            vcpu_startup_ipi(t, vec);
            break;
        default:
            vlapic_set_irq(t, vec);
            break;
        }
        /* Lowest priority: any one target will do; the first is as good as any. */
        if ( mode == APIC_DM_LOWEST )
            break;
    }
}

static uint32_t reg_read(struct vlapic *l, unsigned int off)
{
    switch ( off )
    {
    case APIC_ID:       return l->id;
    case APIC_LVR:      return APIC_VERSION;
    case APIC_TPR:      return l->tpr;
    case APIC_APR:      return apr(l);
    case APIC_PPR:      return ppr(l);
    case APIC_LDR:      return l->ldr;
    case APIC_DFR:      return l->dfr;
    case APIC_SVR:      return l->svr;
    case APIC_ESR:      return l->esr;
    case APIC_ICR_LO:   return l->icr_lo;
    case APIC_ICR_HI:   return l->icr_hi;
    case APIC_TMICT:    return l->timer_icr;
    case APIC_TMCCT:    return timer_current(l);
    case APIC_TDCR:     return l->timer_dcr;
    }
    if ( off >= APIC_ISR && off < APIC_ISR + 0x80 )
        return l->isr[(off - APIC_ISR) / 16];
    if ( off >= APIC_TMR && off < APIC_TMR + 0x80 )
        return l->tmr[(off - APIC_TMR) / 16];
    if ( off >= APIC_IRR && off < APIC_IRR + 0x80 )
        return l->irr[(off - APIC_IRR) / 16];
    if ( off >= APIC_LVT0 && off <= APIC_LVT_LAST )
        return l->lvt[(off - APIC_LVT0) / 16];
    return 0;   /* reserved, EOI and RRD: nothing to see */
}

/* Under the lock.  Returns true if an IPI must be sent (ICR low written). */
static bool reg_write(struct vcpu *v, struct vlapic *l, unsigned int off, uint32_t val)
{
    unsigned int i;

    switch ( off )
    {
    case APIC_TPR:
        l->tpr = val & 0xff;
        return false;
    case APIC_EOI:
    {
        int vec = highest_bit(l->isr);

        if ( vec >= 0 )
        {
            clear_vec(l->isr, vec);
            clear_vec(l->tmr, vec);
        }
        return false;
    }
    case APIC_LDR:
        l->ldr = val & 0xff000000u;
        return false;
    case APIC_DFR:
        l->dfr = val | 0x0fffffffu;
        return false;
    case APIC_SVR:
        l->svr = val & 0x3ff;
        /* Software disable masks every LVT (SDM); re-enabling leaves them masked. */
        if ( !(l->svr & SVR_ENABLE) )
            for ( i = 0; i < NR_LVT; i++ )
                l->lvt[i] |= LVT_MASKED;
        return false;
    case APIC_ESR:
        /* A write latches the errors seen since the previous one into what reads return. */
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        return false;
    case APIC_ICR_LO:
        /* Delivery is immediate, so the busy bit is never seen set. */
        l->icr_lo = val & ~ICR_BUSY & 0x000ccfffu;
        return true;
    case APIC_ICR_HI:
        l->icr_hi = val & 0xff000000u;
        return false;
    case APIC_TMICT:
        l->timer_icr = val;
        timer_load(l);
        return false;
    case APIC_TDCR:
        /* Takes effect at the next load of the count (a simplification of the SDM). */
        l->timer_dcr = val & 0xb;
        return false;
    }
    if ( off >= APIC_LVT0 && off <= APIC_LVT_LAST )
    {
        i = (off - APIC_LVT0) / 16;
        l->lvt[i] = (l->lvt[i] & ~lvt_writable[i]) | (val & lvt_writable[i]);
        if ( !(l->svr & SVR_ENABLE) )
            l->lvt[i] |= LVT_MASKED;
        return false;
    }
    /* Read-only and reserved registers: writes are ignored. */
    return false;
}

static bool plain_access(struct vcpu *v, uint64_t gpa, unsigned int size, const char *what)
{
    /* Registers are dwords at 16-byte boundaries; Linux never does anything else. */
    if ( size == 4 && !(gpa & 0xf) )
        return true;
    printk(XENLOG_DEBUG "d%uv%u: vLAPIC %u-byte %s at %#lx ignored\n",
           v->domain->domain_id, v->vcpu_id, size, what, (unsigned long)gpa);
    return false;
}

static int mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;

    *val = 0;
    if ( !plain_access(v, gpa, size, "read") )
        return 0;
    spin_lock_irqsave(&l->lock, flags);
    *val = reg_read(l, gpa - VLAPIC_BASE);
    spin_unlock_irqrestore(&l->lock, flags);
    return 0;
}

static int mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;
    uint32_t lo = 0, hi = 0;
    bool send;

    if ( !plain_access(v, gpa, size, "write") )
        return 0;
    spin_lock_irqsave(&l->lock, flags);
    send = reg_write(v, l, gpa - VLAPIC_BASE, (uint32_t)val);
    if ( send )
    {
        lo = l->icr_lo;
        hi = l->icr_hi;
    }
    spin_unlock_irqrestore(&l->lock, flags);
    if ( send )
        send_ipi(v, lo, hi);
    return 0;
}

int vlapic_next_interrupt(struct vcpu *v)
{
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;
    int vec;

    spin_lock_irqsave(&l->lock, flags);
    vec = (l->svr & SVR_ENABLE) ? highest_bit(l->irr) : -1;
    if ( vec >= 0 && ((unsigned int)vec & 0xf0) <= (ppr(l) & 0xf0) )
        vec = -1;
    spin_unlock_irqrestore(&l->lock, flags);
    return vec;
}

void vlapic_interrupt_taken(struct vcpu *v, int vector)
{
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;

    spin_lock_irqsave(&l->lock, flags);
    if ( vector >= 0 && vector < 256 && test_vec(l->irr, vector) )
    {
        clear_vec(l->irr, vector);
        set_vec(l->isr, vector);
    }
    spin_unlock_irqrestore(&l->lock, flags);
}

/* Under the lock: the power-up state (SDM), keeping the ID the MADT and CPUID report. */
static void reset_regs(struct vcpu *v, struct vlapic *l)
{
    unsigned int i;

    l->id = (uint32_t)hvm_vcpu_apic_id(v) << 24;
    l->tpr = l->ldr = 0;
    l->dfr = 0xffffffffu;
    l->svr = 0xff;
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    memset(l->irr, 0, sizeof(l->irr));
    l->esr = l->esr_pending = 0;
    l->icr_lo = l->icr_hi = 0;
    for ( i = 0; i < NR_LVT; i++ )
        l->lvt[i] = LVT_MASKED;
    l->timer_icr = l->timer_dcr = 0;
    l->timer_div = 0;
    l->timer_start = l->timer_period = 0;
    l->timer_running = false;
}

void vlapic_vcpu_init(struct vcpu *v)
{
    struct vlapic *l = vlapic_of(v);

    memset(l, 0, sizeof(*l));
    spin_lock_init(&l->lock);
    reset_regs(v, l);
    init_timer(&l->timer, timer_fn, v, v->processor);
}

void vlapic_reset(struct vcpu *v)
{
    struct vlapic *l = vlapic_of(v);
    unsigned long flags;

    spin_lock_irqsave(&l->lock, flags);
    stop_timer(&l->timer);
    reset_regs(v, l);
    spin_unlock_irqrestore(&l->lock, flags);
}

void vlapic_vcpu_destroy(struct vcpu *v)
{
    kill_timer(&vlapic_of(v)->timer);
}

int vlapic_domain_init(struct domain *d)
{
    /* One page for all vCPUs: each access reaches the accessing vCPU's own APIC. */
    return hvm_register_mmio(d, VLAPIC_BASE, VLAPIC_SIZE, mmio_read, mmio_write);
}
