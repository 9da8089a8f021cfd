/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console backend for boot-time domains: Keel plays the part
 * xenconsoled plays under Xen, so Linux's hvc0 works with no dom0.
 *
 * Each domain gets a ring page (public/io/console.h) that belongs to the
 * hypervisor and is mapped into the guest's p2m at Xen's console GFN
 * (0xfefff, inside the reserved special-pages range of its memory map),
 * and an unbound event channel whose remote end is the hypervisor
 * (evtchn_alloc_hv_port()).  HVM_PARAM_CONSOLE_PFN/_EVTCHN publish both.
 *
 * Output: when the guest sends on its port, and on every poll as a
 * safety net for a lost or never-sent notification, out[] is drained
 * into the hypervisor log as "(dN) " lines (guest_line_write(), the
 * console_io code), out_cons advances and the port is raised, so a writer
 * waiting for room goes on.
 *
 * Input: the serial port is polled (no UART interrupt is routed): every
 * CONSOLE_POLL_PERIOD on CPU 0 the bytes waiting in the UART go to the
 * domain with the input focus (its in[], then its port raised; bytes that
 * do not fit are dropped).  CTRL-a three times in a row moves the focus
 * along Keel -> d1 -> d2 -> ... -> Keel, as in Xen; the focus starts on
 * the first domain with a console.  Input for Keel itself is dropped, and
 * so is input for a domain that has ended, until the focus moves on: the
 * focus is a domid, so where CTRL-a leads never depends on when domains
 * end.
 * A 16550 holds 16 bytes, 1.4 ms of a line running flat out at 115200
 * baud: typing (or an emulator, which hands the UART bytes only as its
 * FIFO has room) loses nothing at a 5 ms poll; text pasted down a real
 * line at full speed could overrun it.
 *
 * One lock, cons_lock, covers the list of consoles, the focus and the
 * hypervisor's side of every ring; it is taken before a domain's lock
 * (line assembly) and the event lock (raising the port), never inside
 * them.  A domain leaves the list under it before its ring is freed, so
 * everything reached from the list is valid under the lock.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/guest_console.h>
#include <keel/p2m.h>
#include <keel/param.h>
#include <keel/pvh_build.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <public/io/console.h>
#include <public/hvm/params.h>

#define CONSOLE_POLL_PERIOD     MILLISECS(5)
/* Bytes taken from the UART per poll at most: a stuck UART cannot hold CPU 0. */
#define CONSOLE_INPUT_PER_POLL  64

struct console_ring {
    struct domain *d;
    struct xencons_interface *ring;     /* the hypervisor's page, mapped at PVH_CONSOLE_GFN */
    evtchn_port_t port;
    struct guest_line line;             /* output being assembled */
    bool raise;                         /* input delivered this poll: raise the port */
    s_time_t last_out, last_in;         /* when output was last taken, input last given */
    bool warned_out, warned_in;         /* bad indices reported (once each) */
    unsigned long input_dropped;        /* bytes that did not fit in[] */
    struct console_ring *next;          /* by domid */
};

static DEFINE_SPINLOCK(cons_lock);
static struct console_ring *consoles;
static domid_t input_focus;             /* 0: Keel itself */
static bool focus_announced;
static struct timer poll_timer;
static bool poll_timer_ready, polling;

/*
 * conswitch=<char>[x] (Xen's option): CTRL-<char> three times switches
 * the input (default 'a'); with 'x' the input stays with Keel at boot.
 */
static struct cons_switch input_switch = { 'a' - 'a' + 1, 0 };
static bool focus_auto = true;

static int parse_conswitch(const char *s)
{
    if ( s[0] < 'a' || s[0] > 'z' || (s[1] && (s[1] != 'x' || s[2])) )
        return -EINVAL;
    input_switch.code = s[0] - 'a' + 1;
    focus_auto = s[1] != 'x';
    return 0;
}
custom_param("conswitch", parse_conswitch);

static void announce_focus(void)
{
    char who[16];

    if ( input_focus )
        snprintf(who, sizeof(who), "DOM%u", input_focus);
    else
        strlcpy(who, "Keel", sizeof(who));
    printk("*** Serial input to %s (type 'CTRL-%c' three times to switch input)\n", who,
           input_switch.code - 1 + 'a');
}

static struct console_ring *console_of(domid_t id)
{
    struct console_ring *c;

    for ( c = consoles; c && c->d->domain_id != id; c = c->next )
        ;
    return c;
}

/* The next stop after @id: the console with the next higher domid, else Keel (0). */
static domid_t focus_after(domid_t id)
{
    struct console_ring *c;

    for ( c = consoles; c && c->d->domain_id <= id; c = c->next )
        ;
    return c ? c->d->domain_id : 0;
}

static void console_send(struct domain *d, evtchn_port_t port);

static void notify(struct console_ring *c)
{
    evtchn_notify_hv_port(c->d, c->port, console_send);
}

/* Log what the guest wrote; true if out_cons moved (the guest may be waiting for it). */
static bool drain_output(struct console_ring *c)
{
    static char buf[XENCONS_OUT_SIZE];      /* under cons_lock */
    int n = cons_ring_take_output(c->ring, buf);

    if ( n < 0 )
    {
        if ( !c->warned_out )
            printk(XENLOG_WARNING "d%u: console ring output indices out of range; "
                   "output dropped, ring emptied\n", c->d->domain_id);
        c->warned_out = true;
        return true;
    }
    if ( n )
    {
        guest_line_write(c->d, &c->line, buf, n);
        c->last_out = NOW();
    }
    return n > 0;
}

static void deliver_input(const char *s, unsigned int n)
{
    struct console_ring *c = input_focus ? console_of(input_focus) : NULL;
    int put;

    if ( !c )
        return;                             /* Keel's own input: no use for it yet */
    put = cons_ring_put_input(c->ring, s, n);
    if ( put < 0 )
    {
        if ( !c->warned_in )
            printk(XENLOG_WARNING "d%u: console ring input indices out of range; "
                   "input dropped, ring emptied\n", c->d->domain_id);
        c->warned_in = true;
        put = 0;
    }
    c->input_dropped += n - put;
    if ( put )
    {
        c->raise = true;
        c->last_in = NOW();
    }
}

static void poll_input(void)
{
    unsigned int i, n;
    bool sw;
    char out[3];
    int ch;

    for ( i = 0; i < CONSOLE_INPUT_PER_POLL && (ch = console_getc()) >= 0; i++ )
    {
        n = cons_switch_feed(&input_switch, ch, out, &sw);
        if ( sw )
        {
            input_focus = focus_after(input_focus);
            announce_focus();
        }
        if ( n )
            deliver_input(out, n);
    }
}

/*
 * The focused domain's unfinished line has been left alone long enough
 * to be a prompt or the echo of what someone types: show it before its
 * newline.  Right away (one quiet poll) while input is coming in; else
 * after PROMPT_IDLE, so lines a guest writes in pieces stay whole lines.
 */
#define PROMPT_IDLE         MILLISECS(250)
#define TYPING_RECENT       SECONDS(2)
static bool prompt_waiting(const struct console_ring *c)
{
    s_time_t now = NOW(), quiet = now - c->last_out;

    if ( c->line.len <= c->line.shown )
        return false;
    if ( c->last_in && now - c->last_in < TYPING_RECENT )
        return quiet >= CONSOLE_POLL_PERIOD;
    return quiet >= PROMPT_IDLE;
}

static void console_poll(void *unused)
{
    struct console_ring *c;

    spin_lock(&cons_lock);
    if ( !focus_announced && consoles )
    {
        /* Boot domains are all built by the first poll: the first of them gets the input. */
        input_focus = focus_auto ? consoles->d->domain_id : 0;
        focus_announced = true;
        announce_focus();
    }
    poll_input();
    for ( c = consoles; c; c = c->next )
    {
        if ( drain_output(c) || c->raise )
            notify(c);
        c->raise = false;
        if ( c->d->domain_id == input_focus && prompt_waiting(c) )
            guest_line_show(c->d, &c->line);
    }
    if ( consoles )
        set_timer(&poll_timer, NOW() + CONSOLE_POLL_PERIOD);
    else
        polling = false;
    spin_unlock(&cons_lock);
}

/* EVTCHNOP_send on a console port (called without the event lock). */
static void console_send(struct domain *d, evtchn_port_t port)
{
    struct console_ring *c;

    spin_lock(&cons_lock);
    c = d->console;
    if ( c && drain_output(c) )
        notify(c);
    spin_unlock(&cons_lock);
}

int console_domain_init(struct domain *d)
{
    struct console_ring *c, **pp;
    void *page;
    long port;
    int rc;

    c = xzalloc(struct console_ring);
    page = alloc_xenheap_pages(0);
    if ( !c || !page )
    {
        rc = -ENOMEM;
        goto fail;
    }
    memset(page, 0, PAGE_SIZE);
    rc = p2m_set_entry(d->p2m, PVH_CONSOLE_GFN, virt_to_mfn(page), 0, p2m_ram_rw);
    if ( rc )
        goto fail;
    port = evtchn_alloc_hv_port(d, console_send);
    if ( port < 0 )
    {
        rc = port;
        /* The 4 KiB entry exists now: removing it cannot fail. */
        p2m_set_entry(d->p2m, PVH_CONSOLE_GFN, INVALID_MFN, 0, p2m_invalid);
        goto fail;
    }
    c->d = d;
    c->ring = page;
    c->port = port;
    hvm_param_set(d, HVM_PARAM_CONSOLE_PFN, PVH_CONSOLE_GFN);
    hvm_param_set(d, HVM_PARAM_CONSOLE_EVTCHN, port);

    spin_lock(&cons_lock);
    for ( pp = &consoles; *pp && (*pp)->d->domain_id < d->domain_id; pp = &(*pp)->next )
        ;
    c->next = *pp;
    *pp = c;
    d->console = c;
    if ( !polling )
    {
        if ( !poll_timer_ready )
            init_timer(&poll_timer, console_poll, NULL, 0);
        poll_timer_ready = true;
        polling = true;
        set_timer(&poll_timer, NOW() + CONSOLE_POLL_PERIOD);
    }
    spin_unlock(&cons_lock);
    printk(XENLOG_DEBUG "Domain %u: console ring at GFN %#lx, event channel %u\n",
           d->domain_id, (unsigned long)PVH_CONSOLE_GFN, c->port);
    return 0;

 fail:
    if ( page )
        free_xenheap_pages(page, 0);
    xfree(c);
    return rc;
}

void console_domain_destroy(struct domain *d)
{
    struct console_ring *c, **pp;

    spin_lock(&cons_lock);
    c = d->console;
    if ( !c )
    {
        spin_unlock(&cons_lock);
        return;
    }
    for ( pp = &consoles; *pp != c; pp = &(*pp)->next )
        ;
    *pp = c->next;
    d->console = NULL;
    /* Its last words, even if it never sent a notification for them. */
    drain_output(c);
    guest_line_flush(d, &c->line);
    if ( c->input_dropped )
        printk(XENLOG_WARNING "d%u: %lu bytes of console input dropped (ring full)\n",
               d->domain_id, c->input_dropped);
    spin_unlock(&cons_lock);
    /* Nothing runs the domain any more; the entry exists, so removing it cannot fail. */
    p2m_set_entry(d->p2m, PVH_CONSOLE_GFN, INVALID_MFN, 0, p2m_invalid);
    free_xenheap_pages(c->ring, 0);
    xfree(c);
}
