/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console Keel serves for boot domains (what Linux's hvc0 uses):
 * HVM_PARAM_CONSOLE_PFN/_EVTCHN, the page inside a reserved memmap range,
 * the port unbound with remote domain 0, then output through the ring as
 * hvc_xen writes it:
 *
 *   - "ring NNN <56 letters>" lines, more than twice the ring's 2048
 *     bytes, written without a notification until the ring is full, then
 *     EVTCHNOP_send and a wait for the backend's event (the host checks
 *     every line arrives intact and in order: tests/guests/run-suite);
 *   - a line with no notification at all, which the backend's poll must
 *     drain and answer with an event;
 *   - impossible indices (out_prod 5000 ahead, out_cons ahead of
 *     out_prod): the backend empties the ring and carries on.
 *
 * Command line: "fifo" switches to the FIFO event ABI first (the console
 * port, allocated by the builder, must carry over); "lines=N" (default
 * 96); "echo=N": afterwards, read N lines of serial input from in[] and
 * write each back as "echo: <line>" (run-suite's input boot, QEMU only);
 * "name=S" names the test in its verdict.
 */
#include "events.h"
#include <public/io/console.h>

DEFINE_TEST("console_ring");

#define LINE_LETTERS    56

static volatile struct xencons_interface *ring;
static evtchn_port_t con_port;
static unsigned int full_waits;

static unsigned long cmdline_ulong(const char *key, unsigned long dflt)
{
    char buf[24];

    return cmdline_get(key, buf, sizeof(buf)) ? strtoull(buf, NULL, 0) : dflt;
}

static XENCONS_RING_IDX load_acquire(volatile XENCONS_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(volatile XENCONS_RING_IDX *p, XENCONS_RING_IDX v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Wait for the console port's next event after a count of @c0. */
static void wait_event(unsigned int c0, const char *what)
{
    wait_count(&evtchn_count[con_port], c0 + 1, 20000, what);
}

/*
 * As hvc_xen writes: as much as fits, then out_prod; when the ring is
 * full, notify and wait for the backend's event.  @notify: send once at
 * the end, as hvc_xen does after each write.
 */
static void ring_write(const char *s, size_t n, bool notify)
{
    while ( n )
    {
        XENCONS_RING_IDX cons = load_acquire(&ring->out_cons), prod = ring->out_prod;
        size_t room, i;

        if ( prod - cons > XENCONS_OUT_SIZE )
            fail("out_cons %#x / out_prod %#x out of range", cons, prod);
        room = XENCONS_OUT_SIZE - (prod - cons);
        if ( !room )
        {
            unsigned int c0 = evtchn_count[con_port];

            full_waits++;
            CHECK_EQ(evtchn_send(con_port), 0);
            wait_event(c0, "the backend to drain a full ring");
            CHECK(load_acquire(&ring->out_cons) != cons);
            continue;
        }
        if ( room > n )
            room = n;
        for ( i = 0; i < room; i++ )
            ring->out[XENCONS_MASK(prod + i, XENCONS_OUT_SIZE)] = s[i];
        store_release(&ring->out_prod, prod + room);
        s += room;
        n -= room;
    }
    if ( notify )
        CHECK_EQ(evtchn_send(con_port), 0);
}

static void ring_puts(const char *s)
{
    ring_write(s, strlen(s), true);
}

/* Is [pa, pa + len) inside one reserved entry of the memory map? */
static bool in_reserved(const struct hvm_start_info *si, uint64_t pa, uint64_t len)
{
    const struct hvm_memmap_table_entry *m = (const void *)(uintptr_t)si->memmap_paddr;

    for ( uint32_t i = 0; i < si->memmap_entries; i++ )
        if ( m[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED && pa >= m[i].addr &&
             pa + len <= m[i].addr + m[i].size )
            return true;
    return false;
}

static void check_setup(const struct hvm_start_info *si)
{
    struct evtchn_status st;
    uint64_t pfn, port;

    CHECK_EQ(get_param(HVM_PARAM_CONSOLE_PFN, &pfn), 0);
    CHECK_EQ(get_param(HVM_PARAM_CONSOLE_EVTCHN, &port), 0);
    CHECK_EQ(pfn, 0xfefff);                 /* Xen's special page 7 */
    CHECK(port > 0 && port < MAX_PORTS);
    CHECK(in_reserved(si, pfn << 12, 4096));
    printf("console ring at GFN %#lx, event channel %lu\n", (unsigned long)pfn,
           (unsigned long)port);
    ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
    con_port = port;
    /* Unbound, the remote end domain 0 (the backend), on vCPU 0. */
    CHECK_EQ(evtchn_status(con_port, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);
    CHECK_EQ(st.vcpu, 0);
}

static void write_lines(unsigned int nr)
{
    char line[80];
    unsigned int i, k, len;

    /* Each line without a notification: the ring fills and the writer waits for room. */
    for ( i = 0; i < nr; i++ )
    {
        len = snprintf(line, sizeof(line), "ring %03u ", i);
        for ( k = 0; k < LINE_LETTERS; k++ )
            line[len++] = 'A' + (i + k) % 26;
        line[len++] = '\n';
        ring_write(line, len, false);
    }
    CHECK_EQ(evtchn_send(con_port), 0);
    printf("%u ring lines written (%u bytes), %u waits on a full ring\n", nr,
           nr * (9 + LINE_LETTERS + 1), full_waits);
    /* More than the ring holds, written with no notification: it must have filled. */
    if ( nr * (9 + LINE_LETTERS + 1) > XENCONS_OUT_SIZE )
        CHECK(full_waits > 0);
}

/* A line and no notification: the backend's poll must find it and send an event. */
static void quiet_line(void)
{
    unsigned int c0 = evtchn_count[con_port];
    XENCONS_RING_IDX prod;

    ring_write("ring quiet: drained without a notification\n", 43, false);
    prod = ring->out_prod;
    while ( load_acquire(&ring->out_cons) != prod )
    {
        wait_event(c0, "the backend's poll to drain a line nobody announced");
        c0 = evtchn_count[con_port];
    }
}

static void bad_indices(void)
{
    XENCONS_RING_IDX cons = load_acquire(&ring->out_cons);

    /* 5000 bytes "waiting" in a 2048-byte ring: emptied, nothing logged, no hang. */
    store_release(&ring->out_prod, cons + 5000);
    CHECK_EQ(evtchn_send(con_port), 0);
    CHECK_EQ(load_acquire(&ring->out_cons), cons + 5000);
    /* out_cons scribbled ahead of out_prod: the same, seen modulo 2^32. */
    cons = ring->out_prod;
    store_release(&ring->out_cons, cons + 16);
    CHECK_EQ(evtchn_send(con_port), 0);
    CHECK_EQ(load_acquire(&ring->out_cons), cons);
    ring_puts("ring after bad indices: still working\n");
}

/* Read @nr lines of input and write each back as "echo: <line>". */
static void echo_lines(unsigned int nr)
{
    char line[100], out[120];
    unsigned int got = 0, len = 0;

    while ( got < nr )
    {
        unsigned int c0 = evtchn_count[con_port];
        XENCONS_RING_IDX cons = ring->in_cons, prod = load_acquire(&ring->in_prod);

        if ( prod - cons > XENCONS_IN_SIZE )
            fail("in_cons %#x / in_prod %#x out of range", cons, prod);
        if ( cons == prod )
        {
            wait_count(&evtchn_count[con_port], c0 + 1, 120000, "console input");
            continue;
        }
        while ( cons != prod && got < nr )
        {
            char ch = ring->in[XENCONS_MASK(cons++, XENCONS_IN_SIZE)];

            if ( ch == '\n' || ch == '\r' )
            {
                line[len] = '\0';
                snprintf(out, sizeof(out), "echo: %s\n", line);
                ring_puts(out);
                got++;
                len = 0;
            }
            else if ( len < sizeof(line) - 1 )
                line[len++] = ch;
        }
        store_release(&ring->in_cons, cons);
        /* As hvc_xen: tell the backend there is room again. */
        CHECK_EQ(evtchn_send(con_port), 0);
    }
}

void test_main(const struct hvm_start_info *si)
{
    static char name[32];
    unsigned int nr = cmdline_ulong("lines", 96), echo = cmdline_ulong("echo", 0);
    bool fifo = strstr(guest_cmdline(), "fifo") != NULL;

    if ( cmdline_get("name", name, sizeof(name)) )
        set_test_name(name);
    check_setup(si);
    events_init();
    if ( fifo )
        events_init_fifo();
    /* Nothing was written yet. */
    CHECK_EQ(ring->out_cons, 0);
    CHECK_EQ(ring->out_prod, 0);

    write_lines(nr);
    quiet_line();
    bad_indices();
    if ( echo )
    {
        printf("waiting for %u lines of serial input\n", echo);
        echo_lines(echo);
    }
    ring_puts("ring done\n");
}
