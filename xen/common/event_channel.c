/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels: ports, their bindings (unbound, interdomain, VIRQ,
 * IPI), the event_channel_op hypercall, and delivery through the 2-level
 * or FIFO ABI (event_2l.c, event_fifo.c) to a vCPU's upcall.
 *
 * One lock, evtchn_lock, covers every port of every domain: a send or a
 * close touches two domains, and a single lock makes that obviously free
 * of lock-order problems.  Nothing here runs in interrupt context (timer
 * functions run from the timer softirq), so the lock is never taken with
 * interrupts as the only protection.  The lock also keeps a peer domain
 * alive: domain_events_destroy() closes every port of a dying domain
 * under it before the domain is freed, so a peer pointer found under the
 * lock is valid until the lock is dropped.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <keel/xmalloc.h>
#include <public/event_channel.h>

static DEFINE_SPINLOCK(evtchn_lock);

static bool port_valid(const struct domain *d, evtchn_port_t port)
{
    return port < d->events.valid_ports;
}

static struct evtchn *chn(struct domain *d, evtchn_port_t port)
{
    return &d->events.bucket[port / EVTCHN_BUCKET_PORTS][port % EVTCHN_BUCKET_PORTS];
}

/* VIRQs raised per vCPU; the rest are global and bound on vCPU 0. */
static bool virq_is_per_vcpu(unsigned int virq)
{
    return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
           virq == VIRQ_XENPMU;
}

/* ---- FIFO glue ------------------------------------------------------------ */

static event_word_t *fifo_word(void *ctx, evtchn_port_t port)
{
    struct domain *d = ctx;
    unsigned int page = port / EVTCHN_FIFO_WORDS_PER_PAGE;

    if ( port >= EVTCHN_MAX_PORTS || page >= d->events.fifo_pages )
        return NULL;
    return &d->events.fifo_array[page][port % EVTCHN_FIFO_WORDS_PER_PAGE];
}

static uint16_t *fifo_lastq(void *ctx, evtchn_port_t port)
{
    struct domain *d = ctx;

    return port_valid(d, port) ? &chn(d, port)->fifo_lastq : NULL;
}

static struct fifo_env fifo_env_of(struct domain *d)
{
    return (struct fifo_env){ d, fifo_word, fifo_lastq };
}

/* ---- delivery ------------------------------------------------------------- */

bool vcpu_upcall_pending(struct vcpu *v)
{
    return __atomic_load_n(&vcpu_info_of(v)->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

void vcpu_kick(struct vcpu *v)
{
    /* Pairs with the barrier between "blocked = true" and the pending check of a sleeper. */
    smp_mb();
    if ( ACCESS_ONCE(v->blocked) )
        vcpu_wake(v);
    else if ( v != current_vcpu() && ACCESS_ONCE(v->running) )
        sched_kick_vcpu(v);     /* in the guest elsewhere: exit, so the injection is looked at */
}

/* Wake vCPUs of @d sleeping in SCHEDOP_poll on @port.  Under evtchn_lock. */
static void wake_pollers(struct domain *d, evtchn_port_t port)
{
    unsigned int i, j;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v || !v->events.polling )
            continue;
        for ( j = 0; j < v->events.nr_poll_ports; j++ )
            if ( v->events.poll_ports[j] == port )
                break;
        if ( j == v->events.nr_poll_ports )
            continue;
        v->events.polling = false;
        vcpu_wake(v);
    }
}

static bool fifo_raise_or_unmask(struct domain *d, evtchn_port_t port, bool raise)
{
    struct evtchn *c = chn(d, port);
    struct vcpu *v = d->vcpu[c->notify_vcpu];
    struct fifo_env env = fifo_env_of(d);
    uint16_t qid = v->vcpu_id * EVTCHN_FIFO_MAX_QUEUES + c->priority;
    struct fifo_queue *q = &v->events.fifo_q[c->priority];

    /* A vCPU without a control block has no queues: the word just stays pending. */
    if ( raise && !v->events.fifo_cb )
    {
        event_word_t *w = fifo_word(d, port);

        if ( w )
            __atomic_fetch_or(w, 1U << EVTCHN_FIFO_PENDING, __ATOMIC_SEQ_CST);
        return false;
    }
    return raise ? evtchn_fifo_raise(&env, v->events.fifo_cb, q, qid, c->priority, port)
                 : evtchn_fifo_unmask(&env, v->events.fifo_cb, q, qid, c->priority, port);
}

static void upcall(struct vcpu *v)
{
    __atomic_store_n(&vcpu_info_of(v)->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    vcpu_kick(v);
}

/* Mark @port of @d pending and tell its vCPU.  Under evtchn_lock. */
static void evtchn_raise(struct domain *d, evtchn_port_t port)
{
    struct evtchn *c = chn(d, port);
    struct vcpu *v = d->vcpu[c->notify_vcpu];
    struct shared_info *s = d->events.shared_info;
    bool need;

    if ( d->events.fifo )
    {
        if ( !fifo_word(d, port) )
        {
            /* No event word yet: remember it for when the page arrives. */
            c->carried_pending = true;
            need = false;
        }
        else
            need = fifo_raise_or_unmask(d, port, true);
    }
    else
        need = evtchn_2l_raise(s->evtchn_pending, s->evtchn_mask, vcpu_info_of(v), port);
    if ( need )
        upcall(v);
    wake_pollers(d, port);
}

static bool port_pending(struct domain *d, evtchn_port_t port)
{
    if ( d->events.fifo )
    {
        struct fifo_env env = fifo_env_of(d);

        return evtchn_fifo_is_pending(&env, port) || chn(d, port)->carried_pending;
    }
    return evtchn_2l_is_pending(d->events.shared_info->evtchn_pending, port);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    evtchn_port_t port;

    if ( virq >= NR_VIRQS )
        return;
    spin_lock(&evtchn_lock);
    port = (virq_is_per_vcpu(virq) ? v : d->vcpu[0])->events.virq_port[virq];
    if ( port && port_valid(d, port) && !d->is_dying )
        evtchn_raise(d, port);
    spin_unlock(&evtchn_lock);
}

/* ---- ports ---------------------------------------------------------------- */

/* The lowest free port, allocating a bucket if needed; -ENOSPC at the quota. */
static long get_free_port(struct domain *d)
{
    struct fifo_env env = fifo_env_of(d);
    struct evtchn *b;
    evtchn_port_t port;

    for ( port = 1; port < d->events.valid_ports; port++ )
    {
        /* A closed port the guest has yet to unlink from a FIFO queue is not reusable. */
        if ( chn(d, port)->state == ECS_FREE &&
             !(d->events.fifo && evtchn_fifo_is_linked(&env, port)) )
            return port;
    }
    if ( d->events.valid_ports >= EVTCHN_MAX_PORTS )
        return -ENOSPC;
    b = xzalloc_array(struct evtchn, EVTCHN_BUCKET_PORTS);
    if ( !b )
        return -ENOMEM;
    for ( unsigned int i = 0; i < EVTCHN_BUCKET_PORTS; i++ )
        b[i].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    d->events.bucket[d->events.valid_ports / EVTCHN_BUCKET_PORTS] = b;
    port = d->events.valid_ports;
    d->events.valid_ports += EVTCHN_BUCKET_PORTS;
    return port;
}

static void port_init(struct evtchn *c, uint8_t state, uint32_t vcpu)
{
    c->state = state;
    c->notify_vcpu = vcpu;
    c->virq = 0;
    c->remote_domid = 0;
    c->remote_port = 0;
    c->remote_dom = NULL;
    c->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    c->carried_pending = false;
    c->hv_send = NULL;
}

/* Close @port of @d: the peer of an interdomain port becomes unbound.  Under the lock. */
static long close_port(struct domain *d, evtchn_port_t port)
{
    struct evtchn *c;

    if ( !port_valid(d, port) )
        return -EINVAL;
    c = chn(d, port);
    switch ( c->state )
    {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;
    case ECS_VIRQ:
    {
        struct vcpu *v = d->vcpu[virq_is_per_vcpu(c->virq) ? c->notify_vcpu : 0];

        if ( v->events.virq_port[c->virq] == port )
            v->events.virq_port[c->virq] = 0;
        break;
    }
    case ECS_INTERDOMAIN:
    {
        struct domain *rd = c->remote_dom;
        struct evtchn *rc = chn(rd, c->remote_port);

        /* The peer can bind again: its port waits for us, as after alloc_unbound. */
        if ( rc->state == ECS_INTERDOMAIN && rc->remote_dom == d && rc->remote_port == port )
        {
            rc->state = ECS_UNBOUND;
            rc->remote_dom = NULL;
            rc->remote_port = 0;
            rc->remote_domid = d->domain_id;
        }
        break;
    }
    default:
        break;
    }
    /* As Xen: an event still pending must not reach the port's next binding. */
    if ( d->events.fifo && fifo_word(d, port) )
        __atomic_fetch_and(fifo_word(d, port), ~(1U << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
    else if ( !d->events.fifo )
        __atomic_fetch_and(&d->events.shared_info->evtchn_pending[port / (8 * sizeof(xen_ulong_t))],
                           ~((xen_ulong_t)1 << (port % (8 * sizeof(xen_ulong_t)))),
                           __ATOMIC_SEQ_CST);
    port_init(c, ECS_FREE, 0);
    return 0;
}

/* The domain a `dom` field names: the caller only (no privileged callers yet). */
static long check_self(struct domain *cur, domid_t dom)
{
    if ( dom == DOMID_SELF || dom == cur->domain_id )
        return 0;
    /* Another domain: it does not exist, or we may not touch it. */
    return domain_by_id(dom) ? -EPERM : -ESRCH;
}

/*
 * Read the argument and check it can be written back, so an operation
 * never half-happens because its result could not be returned.
 */
static int fetch_arg(struct vcpu *v, unsigned long arg, void *buf, size_t len, bool out)
{
    if ( copy_from_guest_virt(v, buf, arg, len) )
        return -EFAULT;
    if ( out && copy_to_guest_virt(v, arg, buf, len) )
        return -EFAULT;
    return 0;
}

static long evtchn_alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
    long rc = check_self(d, a->dom);

    if ( rc )
        return rc;
    spin_lock(&evtchn_lock);
    rc = get_free_port(d);
    if ( rc >= 0 )
    {
        struct evtchn *c = chn(d, rc);

        port_init(c, ECS_UNBOUND, 0);
        /* As in Xen, the remote need not exist yet: it is only a name here. */
        c->remote_domid = a->remote_dom == DOMID_SELF ? d->domain_id : a->remote_dom;
        a->port = rc;
        rc = 0;
    }
    spin_unlock(&evtchn_lock);
    return rc;
}

static long evtchn_bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *b)
{
    domid_t rid = b->remote_dom == DOMID_SELF ? d->domain_id : b->remote_dom;
    struct domain *rd;
    struct evtchn *rc, *lc;
    long port;

    spin_lock(&evtchn_lock);
    /* Looked up under the lock: a domain found listed cannot be freed meanwhile. */
    rd = rid == d->domain_id ? d : domain_by_id(rid);
    if ( !rd )
    {
        port = -ESRCH;
        goto out;
    }
    if ( !port_valid(rd, b->remote_port) )
    {
        port = -EINVAL;
        goto out;
    }
    rc = chn(rd, b->remote_port);
    if ( rc->state != ECS_UNBOUND || rc->remote_domid != d->domain_id )
    {
        port = -EINVAL;
        goto out;
    }
    port = get_free_port(d);
    if ( port < 0 )
        goto out;
    lc = chn(d, port);
    port_init(lc, ECS_INTERDOMAIN, 0);
    lc->remote_dom = rd;
    lc->remote_domid = rd->domain_id;
    lc->remote_port = b->remote_port;
    rc->state = ECS_INTERDOMAIN;
    rc->remote_dom = d;
    rc->remote_domid = d->domain_id;
    rc->remote_port = port;
    b->local_port = port;
    /* Xen marks the new local end pending, so the binder looks at the channel once. */
    evtchn_raise(d, port);
    port = 0;
 out:
    spin_unlock(&evtchn_lock);
    return port;
}

static long evtchn_bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    struct vcpu *v;
    long port;

    if ( b->virq >= NR_VIRQS )
        return -EINVAL;
    if ( b->vcpu >= d->max_vcpus )
        return -ENOENT;
    /* Global VIRQs are bound on vCPU 0 (bind_vcpu may move them later). */
    if ( !virq_is_per_vcpu(b->virq) && b->vcpu != 0 )
        return -EINVAL;
    v = d->vcpu[b->vcpu];

    spin_lock(&evtchn_lock);
    if ( v->events.virq_port[b->virq] )
    {
        port = -EEXIST;
        goto out;
    }
    port = get_free_port(d);
    if ( port < 0 )
        goto out;
    port_init(chn(d, port), ECS_VIRQ, b->vcpu);
    chn(d, port)->virq = b->virq;
    v->events.virq_port[b->virq] = port;
    b->port = port;
    port = 0;
 out:
    spin_unlock(&evtchn_lock);
    return port;
}

static long evtchn_bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
    long port;

    if ( b->vcpu >= d->max_vcpus )
        return -ENOENT;
    spin_lock(&evtchn_lock);
    port = get_free_port(d);
    if ( port >= 0 )
    {
        port_init(chn(d, port), ECS_IPI, b->vcpu);
        b->port = port;
        port = 0;
    }
    spin_unlock(&evtchn_lock);
    return port;
}

static long evtchn_send(struct domain *d, evtchn_port_t port)
{
    evtchn_hv_send_t hv_send = NULL;
    struct evtchn *c;
    long rc = 0;

    spin_lock(&evtchn_lock);
    if ( !port_valid(d, port) )
    {
        rc = -EINVAL;
        goto out;
    }
    c = chn(d, port);
    switch ( c->state )
    {
    case ECS_INTERDOMAIN:
        evtchn_raise(c->remote_dom, c->remote_port);
        break;
    case ECS_IPI:
        evtchn_raise(d, port);
        break;
    case ECS_UNBOUND:
        /* Nobody listens yet: dropped silently, as in Xen; unless the hypervisor is the peer. */
        hv_send = c->hv_send;
        break;
    default:
        rc = -EINVAL;       /* free, reserved, VIRQ: only the hypervisor raises those */
        break;
    }
 out:
    spin_unlock(&evtchn_lock);
    /* Unlocked: the backend takes its own locks and raises events back. */
    if ( hv_send )
        hv_send(d, port);
    return rc;
}

static long evtchn_status(struct domain *d, struct evtchn_status *st)
{
    struct evtchn *c;
    long rc = check_self(d, st->dom);

    if ( rc )
        return rc;
    spin_lock(&evtchn_lock);
    if ( !port_valid(d, st->port) )
    {
        rc = -EINVAL;
        goto out;
    }
    c = chn(d, st->port);
    memset(&st->u, 0, sizeof(st->u));
    st->vcpu = c->notify_vcpu;
    switch ( c->state )
    {
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = c->remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = c->remote_domid;
        st->u.interdomain.port = c->remote_port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = c->virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    default:
        st->status = EVTCHNSTAT_closed;
        break;
    }
 out:
    spin_unlock(&evtchn_lock);
    return rc;
}

static long evtchn_bind_vcpu(struct domain *d, struct evtchn_bind_vcpu *b)
{
    struct evtchn *c;
    long rc = 0;

    if ( b->vcpu >= d->max_vcpus )
        return -ENOENT;
    spin_lock(&evtchn_lock);
    if ( !port_valid(d, b->port) )
    {
        rc = -EINVAL;
        goto out;
    }
    c = chn(d, b->port);
    switch ( c->state )
    {
    case ECS_VIRQ:
        if ( virq_is_per_vcpu(c->virq) )
            rc = -EINVAL;   /* a per-vCPU VIRQ belongs to its vCPU */
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        break;
    default:
        rc = -EINVAL;       /* IPIs name their vCPU at bind time; free ports have none */
        break;
    }
    if ( !rc )
        c->notify_vcpu = b->vcpu;
 out:
    spin_unlock(&evtchn_lock);
    return rc;
}

static long evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct shared_info *s = d->events.shared_info;
    struct vcpu *v;
    long rc = 0;

    spin_lock(&evtchn_lock);
    if ( !port_valid(d, port) )
    {
        rc = -EINVAL;
        goto out;
    }
    v = d->vcpu[chn(d, port)->notify_vcpu];
    if ( d->events.fifo ? fifo_raise_or_unmask(d, port, false)
                        : evtchn_2l_unmask(s->evtchn_pending, s->evtchn_mask,
                                           vcpu_info_of(v), port) )
        upcall(v);
 out:
    spin_unlock(&evtchn_lock);
    return rc;
}

/* Back to an empty, 2-level domain (EVTCHNOP_reset, and the end of a domain). */
static void reset_ports(struct domain *d)
{
    evtchn_port_t port;
    unsigned int i;

    for ( port = 1; port < d->events.valid_ports; port++ )
        if ( chn(d, port)->state != ECS_FREE )
            close_port(d, port);
    d->events.fifo = false;
    d->events.fifo_pages = 0;
    memset(d->events.fifo_array, 0, sizeof(d->events.fifo_array));
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
        {
            d->vcpu[i]->events.fifo_cb = NULL;
            memset(d->vcpu[i]->events.fifo_q, 0, sizeof(d->vcpu[i]->events.fifo_q));
        }
}

static long evtchn_reset(struct domain *d, struct evtchn_reset *r)
{
    long rc = check_self(d, r->dom);

    if ( rc )
        return rc;
    spin_lock(&evtchn_lock);
    reset_ports(d);
    spin_unlock(&evtchn_lock);
    return 0;
}

/* ---- FIFO set-up ---------------------------------------------------------- */

static long evtchn_init_control(struct domain *d, struct evtchn_init_control *ic)
{
    struct vcpu *v;
    uint8_t *page;
    evtchn_port_t port;
    long rc = 0;

    if ( ic->vcpu >= d->max_vcpus )
        return -ENOENT;
    if ( (ic->offset & 7) || ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) )
        return -EINVAL;
    page = gfn_to_ram_virt(d, ic->control_gfn);
    if ( !page )
        return -EINVAL;
    v = d->vcpu[ic->vcpu];

    spin_lock(&evtchn_lock);
    if ( v->events.fifo_cb )
    {
        rc = -EINVAL;       /* one control block per vCPU, for good */
        goto out;
    }
    v->events.fifo_cb = (struct evtchn_fifo_control_block *)(page + ic->offset);
    memset(v->events.fifo_q, 0, sizeof(v->events.fifo_q));
    if ( !d->events.fifo )
    {
        /*
         * Ports bound under the 2-level ABI carry over; those pending there
         * are raised again once their event-array page exists.
         */
        for ( port = 1; port < d->events.valid_ports; port++ )
            chn(d, port)->carried_pending =
                chn(d, port)->state != ECS_FREE &&
                evtchn_2l_is_pending(d->events.shared_info->evtchn_pending, port);
        d->events.fifo = true;
    }
    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
 out:
    spin_unlock(&evtchn_lock);
    return rc;
}

static long evtchn_expand_array(struct domain *d, struct evtchn_expand_array *ea)
{
    event_word_t *page = gfn_to_ram_virt(d, ea->array_gfn);
    evtchn_port_t port, first;
    long rc = 0;

    spin_lock(&evtchn_lock);
    if ( !d->events.fifo )
    {
        rc = -EOPNOTSUPP;
        goto out;
    }
    if ( d->events.fifo_pages >= EVTCHN_FIFO_MAX_PAGES )
    {
        rc = -ENOSPC;       /* the port quota needs no more pages */
        goto out;
    }
    if ( !page )
    {
        rc = -EINVAL;
        goto out;
    }
    first = d->events.fifo_pages * EVTCHN_FIFO_WORDS_PER_PAGE;
    d->events.fifo_array[d->events.fifo_pages++] = page;
    for ( port = first; port < d->events.valid_ports && port < first + EVTCHN_FIFO_WORDS_PER_PAGE;
          port++ )
        if ( chn(d, port)->carried_pending )
        {
            chn(d, port)->carried_pending = false;
            evtchn_raise(d, port);
        }
 out:
    spin_unlock(&evtchn_lock);
    return rc;
}

static long evtchn_set_priority(struct domain *d, struct evtchn_set_priority *sp)
{
    long rc = 0;

    spin_lock(&evtchn_lock);
    if ( !port_valid(d, sp->port) )
        rc = -EINVAL;
    else if ( !d->events.fifo )
        rc = -ENOSYS;       /* 2-level ports have no priorities */
    else if ( sp->priority > EVTCHN_FIFO_PRIORITY_MIN )
        rc = -EINVAL;
    else
        chn(d, sp->port)->priority = sp->priority;  /* used from the next link on */
    spin_unlock(&evtchn_lock);
    return rc;
}

/* ---- SCHEDOP_poll support --------------------------------------------------- */

int evtchn_check_poll_port(struct domain *d, evtchn_port_t port)
{
    int rc;

    spin_lock(&evtchn_lock);
    rc = port_valid(d, port) ? 0 : -EINVAL;
    spin_unlock(&evtchn_lock);
    return rc;
}

/*
 * Start polling: @v is marked blocked first, then the ports are checked,
 * all under the lock a raiser holds while it looks for pollers, so an
 * event either is seen here or wakes @v.  True if @v went to sleep.
 */
bool evtchn_poll_begin(struct vcpu *v)
{
    struct domain *d = v->domain;
    bool sleep = true;
    unsigned int i;

    spin_lock(&evtchn_lock);
    v->events.polling = true;
    vcpu_block(v);
    smp_mb();
    for ( i = 0; i < v->events.nr_poll_ports && sleep; i++ )
        if ( port_pending(d, v->events.poll_ports[i]) )
            sleep = false;
    if ( sleep && vcpu_upcall_pending(v) )
        sleep = false;
    if ( !sleep )
    {
        v->events.polling = false;
        vcpu_wake(v);
    }
    spin_unlock(&evtchn_lock);
    return sleep;
}

/* The poll timeout expired (or the vCPU resumed some other way): stop polling. */
void evtchn_poll_end(struct vcpu *v, bool wake)
{
    spin_lock(&evtchn_lock);
    if ( v->events.polling )
    {
        v->events.polling = false;
        if ( wake )
            vcpu_wake(v);
    }
    spin_unlock(&evtchn_lock);
}

bool evtchn_poll_ports_pending(struct vcpu *v)
{
    bool any = false;
    unsigned int i;

    spin_lock(&evtchn_lock);
    for ( i = 0; i < v->events.nr_poll_ports && !any; i++ )
        any = port_pending(v->domain, v->events.poll_ports[i]);
    spin_unlock(&evtchn_lock);
    return any;
}

/* ---- hypervisor-backed ports ------------------------------------------------ */

long evtchn_alloc_hv_port(struct domain *d, evtchn_hv_send_t on_send)
{
    long port;

    spin_lock(&evtchn_lock);
    port = get_free_port(d);
    if ( port >= 0 )
    {
        port_init(chn(d, port), ECS_UNBOUND, 0);
        chn(d, port)->remote_domid = 0;     /* what the guest's EVTCHNOP_status shows */
        chn(d, port)->hv_send = on_send;
    }
    spin_unlock(&evtchn_lock);
    return port;
}

void evtchn_notify_hv_port(struct domain *d, evtchn_port_t port, evtchn_hv_send_t on_send)
{
    spin_lock(&evtchn_lock);
    /* The guest may have closed it, and even reused the number for something else. */
    if ( !d->is_dying && port_valid(d, port) && chn(d, port)->state == ECS_UNBOUND &&
         chn(d, port)->hv_send == on_send )
        evtchn_raise(d, port);
    spin_unlock(&evtchn_lock);
}

/* ---- vcpu_info switch (shared_info.c) ------------------------------------- */

int evtchn_set_vcpu_info(struct vcpu *v, struct vcpu_info *vi)
{
    /* Under the lock, so no raise writes half to the old place, half to the new. */
    spin_lock(&evtchn_lock);
    if ( v->events.vcpu_info_registered )
    {
        spin_unlock(&evtchn_lock);
        return -EBUSY;      /* once only, as in Xen */
    }
    memcpy(vi, v->events.vcpu_info, sizeof(*vi));
    /* Everything may be pending: the guest rescans all words, as Xen makes it. */
    vi->evtchn_pending_sel = ~(xen_ulong_t)0;
    vi->evtchn_upcall_pending = 1;
    v->events.vcpu_info = vi;
    v->events.vcpu_info_registered = true;
    spin_unlock(&evtchn_lock);
    vcpu_kick(v);
    return 0;
}

/* ---- life cycle ----------------------------------------------------------- */

int evtchn_domain_init(struct domain *d)
{
    long port;

    /* Bucket 0 now, with port 0 reserved: the first port a guest gets is 1, as in Xen. */
    port = get_free_port(d);
    if ( port < 0 )
        return port;
    chn(d, 0)->state = ECS_RESERVED;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    unsigned int i;

    spin_lock(&evtchn_lock);
    if ( d->events.valid_ports )
        reset_ports(d);
    for ( i = 0; i < EVTCHN_NR_BUCKETS; i++ )
    {
        xfree(d->events.bucket[i]);
        d->events.bucket[i] = NULL;
    }
    d->events.valid_ports = 0;
    spin_unlock(&evtchn_lock);
}

/* ---- the hypercall ---------------------------------------------------------- */

long do_event_channel_op(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_unmask unmask;
        struct evtchn_reset reset;
        struct evtchn_init_control init_control;
        struct evtchn_expand_array expand_array;
        struct evtchn_set_priority set_priority;
    } op;
    size_t len;
    bool out;
    long rc;

    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:    len = sizeof(op.alloc_unbound); out = true; break;
    case EVTCHNOP_bind_interdomain: len = sizeof(op.bind_interdomain); out = true; break;
    case EVTCHNOP_bind_virq:        len = sizeof(op.bind_virq); out = true; break;
    case EVTCHNOP_bind_ipi:         len = sizeof(op.bind_ipi); out = true; break;
    case EVTCHNOP_close:            len = sizeof(op.close); out = false; break;
    case EVTCHNOP_send:             len = sizeof(op.send); out = false; break;
    case EVTCHNOP_status:           len = sizeof(op.status); out = true; break;
    case EVTCHNOP_bind_vcpu:        len = sizeof(op.bind_vcpu); out = false; break;
    case EVTCHNOP_unmask:           len = sizeof(op.unmask); out = false; break;
    case EVTCHNOP_reset:            len = sizeof(op.reset); out = false; break;
    case EVTCHNOP_init_control:     len = sizeof(op.init_control); out = true; break;
    case EVTCHNOP_expand_array:     len = sizeof(op.expand_array); out = false; break;
    case EVTCHNOP_set_priority:     len = sizeof(op.set_priority); out = false; break;
    default:
        return -ENOSYS;     /* bind_pirq (no PIRQs for PVH), reset_cont, unknown */
    }
    rc = fetch_arg(v, arg, &op, len, out);
    if ( rc )
        return rc;

    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:    rc = evtchn_alloc_unbound(d, &op.alloc_unbound); break;
    case EVTCHNOP_bind_interdomain: rc = evtchn_bind_interdomain(d, &op.bind_interdomain); break;
    case EVTCHNOP_bind_virq:        rc = evtchn_bind_virq(d, &op.bind_virq); break;
    case EVTCHNOP_bind_ipi:         rc = evtchn_bind_ipi(d, &op.bind_ipi); break;
    case EVTCHNOP_close:
        spin_lock(&evtchn_lock);
        rc = close_port(d, op.close.port);
        spin_unlock(&evtchn_lock);
        break;
    case EVTCHNOP_send:             rc = evtchn_send(d, op.send.port); break;
    case EVTCHNOP_status:           rc = evtchn_status(d, &op.status); break;
    case EVTCHNOP_bind_vcpu:        rc = evtchn_bind_vcpu(d, &op.bind_vcpu); break;
    case EVTCHNOP_unmask:           rc = evtchn_unmask(d, op.unmask.port); break;
    case EVTCHNOP_reset:            rc = evtchn_reset(d, &op.reset); break;
    case EVTCHNOP_init_control:     rc = evtchn_init_control(d, &op.init_control); break;
    case EVTCHNOP_expand_array:     rc = evtchn_expand_array(d, &op.expand_array); break;
    case EVTCHNOP_set_priority:     rc = evtchn_set_priority(d, &op.set_priority); break;
    }
    /* Writable was checked up front: this copy cannot fail short of a racing guest. */
    if ( !rc && out && copy_to_guest_virt(v, arg, &op, len) )
        rc = -EFAULT;
    return rc;
}
