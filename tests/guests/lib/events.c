/* SPDX-License-Identifier: GPL-2.0-only */
/* Event-channel helpers for test guests (see events.h). */
#include "events.h"

struct shared_info *shinfo;
struct vcpu_info *vcpu0_info;
volatile unsigned int evtchn_count[MAX_PORTS];
volatile unsigned int upcalls;
volatile evtchn_port_t event_log[64];
volatile unsigned int event_log_len;
bool fifo_mode;
uint32_t pvclock_last_version;
evtchn_port_t timer_port;

uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static uint8_t fifo_control_page[4096] __attribute__((aligned(4096)));
static event_word_t fifo_array_page[1024] __attribute__((aligned(4096)));
static struct evtchn_fifo_control_block *fifo_cb;
static uint32_t fifo_head[EVTCHN_FIFO_MAX_QUEUES];

void upcall_entry(void);
void upcall_handler(void);

static void record(evtchn_port_t port)
{
    if ( port < MAX_PORTS )
        evtchn_count[port]++;
    if ( event_log_len < ARRAY_SIZE(event_log) )
        event_log[event_log_len++] = port;
}

static void handle_2l(void)
{
    xen_ulong_t sel = __atomic_exchange_n(&vcpu0_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    while ( sel )
    {
        unsigned int w = __builtin_ctzl(sel);
        xen_ulong_t bits;

        sel &= sel - 1;
        bits = shinfo->evtchn_pending[w] & ~shinfo->evtchn_mask[w];
        while ( bits )
        {
            unsigned int b = __builtin_ctzl(bits);

            bits &= bits - 1;
            __atomic_fetch_and(&shinfo->evtchn_pending[w], ~(1UL << b), __ATOMIC_SEQ_CST);
            record(w * 64 + b);
        }
    }
}

/* One event off the highest-priority ready queue, as the FIFO ABI says a guest consumes. */
static void handle_fifo(void)
{
    uint32_t ready = __atomic_exchange_n(&fifo_cb->ready, 0, __ATOMIC_SEQ_CST);

    while ( ready )
    {
        unsigned int prio = __builtin_ctz(ready);
        uint32_t port = fifo_head[prio];
        event_word_t w, nw;

        if ( !port )
            port = __atomic_load_n(&fifo_cb->head[prio], __ATOMIC_SEQ_CST);
        if ( !port || port >= 1024 )
        {
            ready &= ~(1U << prio);
            continue;
        }
        w = __atomic_load_n(&fifo_array_page[port], __ATOMIC_SEQ_CST);
        do
            nw = w & ~((1U << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK);
        while ( !__atomic_compare_exchange_n(&fifo_array_page[port], &w, nw, false,
                                             __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) );
        fifo_head[prio] = w & EVTCHN_FIFO_LINK_MASK;
        if ( !fifo_head[prio] )
            ready &= ~(1U << prio);
        if ( (w & (1U << EVTCHN_FIFO_PENDING)) && !(w & (1U << EVTCHN_FIFO_MASKED)) )
        {
            __atomic_fetch_and(&fifo_array_page[port], ~(1U << EVTCHN_FIFO_PENDING),
                               __ATOMIC_SEQ_CST);
            record(port);
        }
    }
}

void upcall_handler(void)
{
    upcalls++;
    do
    {
        __atomic_store_n(&vcpu0_info->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
        if ( fifo_mode )
            handle_fifo();
        else
            handle_2l();
    } while ( __atomic_load_n(&vcpu0_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST) );
}

long map_shared_info_at(uint64_t gpfn)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = gpfn,
    };

    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

long set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index, .value = value };

    return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

long get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

    *value = p.value;
    return rc;
}

void events_init(void)
{
    long rc = map_shared_info_at((uint64_t)shinfo_page >> 12);

    if ( rc )
        fail("add_to_physmap(shared_info) returned %ld", rc);
    shinfo = (struct shared_info *)shinfo_page;
    vcpu0_info = &shinfo->vcpu_info[0];
    idt_set_gate(UPCALL_VECTOR, upcall_entry);
    rc = set_param(HVM_PARAM_CALLBACK_IRQ,
                   ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UPCALL_VECTOR);
    if ( rc )
        fail("set_param(CALLBACK_IRQ) returned %ld", rc);
    rc = evtchn_bind_virq(VIRQ_TIMER, 0);
    if ( rc <= 0 )
        fail("bind_virq(VIRQ_TIMER) returned %ld", rc);
    timer_port = rc;
}

void events_init_fifo(void)
{
    struct evtchn_init_control ic = {
        .control_gfn = (uint64_t)fifo_control_page >> 12, .offset = 0, .vcpu = 0,
    };
    struct evtchn_expand_array ea = { .array_gfn = (uint64_t)fifo_array_page >> 12 };
    long rc;

    rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
    if ( rc )
        fail("EVTCHNOP_init_control returned %ld", rc);
    if ( ic.link_bits != EVTCHN_FIFO_LINK_BITS )
        fail("init_control: link_bits %u", ic.link_bits);
    fifo_cb = (struct evtchn_fifo_control_block *)fifo_control_page;
    fifo_mode = true;
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea);
    if ( rc )
        fail("EVTCHNOP_expand_array returned %ld", rc);
}

static long op(unsigned int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

/*
 * A new port may reuse a closed one's number: its count starts again at
 * 0, with interrupts off so an event raised by the bind itself is counted.
 */
static long new_port(unsigned int cmd, void *arg, evtchn_port_t *port)
{
    unsigned long flags;
    long rc;

    __asm__ volatile ("pushf; pop %0; cli" : "=r" (flags) :: "memory");
    rc = op(cmd, arg);
    if ( !rc && *port < MAX_PORTS )
        evtchn_count[*port] = 0;
    __asm__ volatile ("push %0; popf" :: "r" (flags) : "memory", "cc");
    return rc ? rc : (long)*port;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };

    return new_port(EVTCHNOP_bind_virq, &b, &b.port);
}

long evtchn_bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };

    return new_port(EVTCHNOP_bind_ipi, &b, &b.port);
}

long evtchn_alloc_unbound(domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };

    return new_port(EVTCHNOP_alloc_unbound, &a, &a.port);
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = port };

    return new_port(EVTCHNOP_bind_interdomain, &b, &b.local_port);
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return op(EVTCHNOP_send, &s);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    return op(EVTCHNOP_close, &c);
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return op(EVTCHNOP_unmask, &u);
}

long evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return op(EVTCHNOP_status, st);
}

void port_mask(evtchn_port_t port)
{
    if ( fifo_mode )
        __atomic_fetch_or(&fifo_array_page[port], 1U << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or(&shinfo->evtchn_mask[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
}

void port_unmask_local(evtchn_port_t port)
{
    if ( fifo_mode )
        __atomic_fetch_and(&fifo_array_page[port], ~(1U << EVTCHN_FIFO_MASKED),
                           __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&shinfo->evtchn_mask[port / 64], ~(1UL << (port % 64)),
                           __ATOMIC_SEQ_CST);
}

bool port_pending(evtchn_port_t port)
{
    if ( fifo_mode )
        return __atomic_load_n(&fifo_array_page[port], __ATOMIC_SEQ_CST) &
               (1U << EVTCHN_FIFO_PENDING);
    return (__atomic_load_n(&shinfo->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
            (port % 64)) & 1;
}

uint64_t pvclock_now(void)
{
    volatile struct vcpu_time_info *t = &vcpu0_info->time;
    uint32_t version;
    uint64_t now;

    do
    {
        uint64_t delta;

        version = t->version;
        __asm__ volatile ("" ::: "memory");
        delta = rdtsc() - t->tsc_timestamp;
        if ( t->tsc_shift < 0 )
            delta >>= -t->tsc_shift;
        else
            delta <<= t->tsc_shift;
        now = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __asm__ volatile ("" ::: "memory");
    } while ( (version & 1) || version != t->version );
    pvclock_last_version = version;
    return now;
}

long set_singleshot(uint64_t deadline_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = deadline_ns, .flags = flags };

    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
}

void spin_ms(unsigned int ms)
{
    uint64_t end = pvclock_now() + (uint64_t)ms * 1000000;

    while ( pvclock_now() < end )
        __asm__ volatile ("pause");
}

evtchn_port_t first_free_port(void)
{
    uint64_t con = 0;

    if ( get_param(HVM_PARAM_CONSOLE_EVTCHN, &con) )
        fail("get_param(CONSOLE_EVTCHN) failed");
    return con == 1 ? 2 : 1;
}

void wait_count(volatile unsigned int *counter, unsigned int target, unsigned int timeout_ms,
                const char *what)
{
    uint64_t deadline = pvclock_now() + (uint64_t)timeout_ms * 1000000;

    while ( *counter < target )
    {
        uint64_t now = pvclock_now();

        if ( now > deadline )
            fail("timed out after %u ms waiting for %s (%u of %u)", timeout_ms, what,
                 *counter, target);
        set_singleshot(now + 50000000, 0);
        irq_disable();
        if ( *counter < target )
            safe_halt();
        irq_enable();
    }
    HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}

void port_clear_pending(evtchn_port_t port)
{
    if ( fifo_mode )
        __atomic_fetch_and(&fifo_array_page[port], ~(1U << EVTCHN_FIFO_PENDING),
                           __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&shinfo->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                           __ATOMIC_SEQ_CST);
}
