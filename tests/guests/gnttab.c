/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables v1 between two domains: "peer=<domid> role=a|b" (verdicts
 * as gnttab-granter and gnttab-grantee).
 *
 * A (the granter) sets its table up (query_size, set/get_version,
 * setup_table, add_to_physmap growing it to two frames), writes grants for
 * B and allocates an unbound event channel for B as its very first port
 * (port 1).  B binds to it, and the two step through the test by events:
 *
 *   B -> A  hello             (B is bound)
 *   A -> B  ready             (grants written)
 *   B -> A  mapped            (B maps refs 8, 9 (read-only), 700, 11)
 *   A -> B  checked           (A saw GTF_reading/GTF_writing set)
 *   B -> A  done              (B wrote through its mapping, unmapped,
 *                              copied both ways, tried every refusal)
 *
 * A then checks B's writes and that the in-use flags are clear again,
 * writes a last pattern into the page of ref 11, which B still maps, and
 * ends.  B waits until A is gone, reads that pattern through its mapping
 * (the frame outlives its owner while mapped), and unmaps it.  The
 * hypervisor's log must say it kept the frame (run-suite checks that, and
 * that every frame came back in the end).
 */
#include "evtchn_common.h"
#include <public/grant_table.h>

DEFINE_TEST("gnttab");

#define HYPERVISOR_grant_table_op(cmd, uop, count) \
    hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count)

#define PAGE            4096UL
/* A's table frames and B's mappings: unpopulated GFNs at 2 GiB (the library maps 4 GiB). */
#define GT_GFN0         0x80000UL
#define GT_GFN1         0x80001UL
#define MAP_GFN         0x90000UL       /* B's mappings: MAP_GFN + n */
#define NO_SUCH_DOMAIN  77

static evtchn_port_t ab_port;           /* A's first port, for B (first_free_port()) */

static uint8_t page_p[PAGE] __attribute__((aligned(PAGE)));    /* ref 8, read-write */
static uint8_t page_q[PAGE] __attribute__((aligned(PAGE)));    /* ref 9, read-only */
static uint8_t page_r[PAGE] __attribute__((aligned(PAGE)));    /* ref 11, outlives A */
static uint8_t page_c[PAGE] __attribute__((aligned(PAGE)));    /* ref 12, copies */
static uint8_t page_s[PAGE] __attribute__((aligned(PAGE)));    /* ref 700, second frame */
static uint8_t page_victim[PAGE] __attribute__((aligned(PAGE))); /* RAM a table frame replaces */
static uint8_t page_local[PAGE] __attribute__((aligned(PAGE)));  /* B's own copy buffer */

static domid_t me, peer;
static volatile struct grant_entry_v1 *gt;

static uint8_t pattern(unsigned int i, uint8_t seed)
{
    return (uint8_t)(i * 7 + seed);
}

static void fill(uint8_t *p, uint8_t seed)
{
    for ( unsigned int i = 0; i < PAGE; i++ )
        p[i] = pattern(i, seed);
}

static void check_fill(const volatile uint8_t *p, uint8_t seed, const char *what)
{
    for ( unsigned int i = 0; i < PAGE; i++ )
        if ( p[i] != pattern(i, seed) )
            fail("%s: byte %u is %#x, expected %#x", what, i, p[i], pattern(i, seed));
}

static uint64_t read_gfn_word(uint64_t gfn)
{
    return *(volatile uint64_t *)(uintptr_t)(gfn * PAGE);
}

static long atp_grant(uint64_t idx, uint64_t gfn)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx, .gpfn = gfn,
    };

    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
}

static long reservation(void)
{
    domid_t d = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &d);
}

static int16_t query_size(domid_t dom, uint32_t *nr, uint32_t *max)
{
    struct gnttab_query_size q = { .dom = dom };

    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    if ( nr )
        *nr = q.nr_frames;
    if ( max )
        *max = q.max_nr_frames;
    return q.status;
}

static void grant(grant_ref_t ref, domid_t dom, const void *page, uint16_t flags)
{
    gt[ref].domid = dom;
    gt[ref].frame = (uint32_t)((uintptr_t)page / PAGE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    gt[ref].flags = flags;
}

/* ---- A: the granter --------------------------------------------------------- */

static void table_setup(void)
{
    struct gnttab_set_version sv = { .version = 2 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    uint64_t frames[2] = { 0, 0 };
    uint32_t nr, max;
    long before;

    CHECK_EQ(query_size(DOMID_SELF, &nr, &max), GNTST_okay);
    CHECK_EQ(nr, 1);
    CHECK_EQ(max, 64);
    CHECK_EQ(query_size(me, NULL, NULL), GNTST_okay);
    CHECK_EQ(query_size(peer, NULL, NULL), GNTST_permission_denied);
    CHECK_EQ(query_size(0x7ff4, NULL, NULL), GNTST_bad_domain);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &st, 2), -XEN_EINVAL);

    /* Version 1 only. */
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK_EQ(gv.version, 1);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), -XEN_ENOSYS);
    CHECK_EQ(sv.version, 1);
    sv.version = 3;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    sv.version = 1;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ(sv.version, 1);
    gv.dom = 0x7ff4;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), -3 /* ESRCH */);

    /* setup_table names where the frames are mapped: nowhere yet. */
    st.frame_list = (uintptr_t)frames;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    CHECK_EQ(frames[0], ~0ULL);
    st.nr_frames = 65;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_general_error);

    /* Frame 0 into a hole; bad indexes and an occupied special frame are refused. */
    EXPECT(atp_grant(0, GT_GFN0), 0);
    EXPECT(atp_grant(64, GT_GFN1), -XEN_EINVAL);
    EXPECT(atp_grant(0x80000000ULL, GT_GFN1), -XEN_EINVAL);
    EXPECT(atp_grant(1, (uintptr_t)shinfo_page / PAGE), -16 /* EBUSY */);
    gt = (volatile struct grant_entry_v1 *)(GT_GFN0 * PAGE);
    CHECK_EQ(gt[0].flags, 0);

    /* Frame 1 over a page of our RAM: the table grows, the RAM page is given back. */
    memset(page_victim, 0x33, PAGE);
    before = reservation();
    EXPECT(atp_grant(1, (uintptr_t)page_victim / PAGE), 0);
    CHECK_EQ(reservation(), before - 1);
    CHECK_EQ(*(volatile uint64_t *)page_victim, 0);   /* a fresh table frame */
    CHECK_EQ(query_size(DOMID_SELF, &nr, NULL), GNTST_okay);
    CHECK_EQ(nr, 2);
    /* Moved on: its old frame is a hole now, MMIO that reads all-ones. */
    EXPECT(atp_grant(1, GT_GFN1), 0);
    CHECK_EQ(read_gfn_word((uintptr_t)page_victim / PAGE), ~0ULL);
    st.nr_frames = 2;
    st.status = 99;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    CHECK_EQ(frames[0], GT_GFN0);
    CHECK_EQ(frames[1], GT_GFN1);
    /* Entries 512.. live in frame 1. */
    CHECK_EQ(((volatile struct grant_entry_v1 *)(GT_GFN1 * PAGE)) - gt, 512);
}

static void role_a(void)
{
    uint16_t rw = GTF_permit_access | GTF_reading | GTF_writing;

    table_setup();
    fill(page_p, 1);
    fill(page_q, 2);
    fill(page_r, 3);
    fill(page_c, 4);
    fill(page_s, 5);
    grant(8, peer, page_p, GTF_permit_access);
    grant(9, peer, page_q, GTF_permit_access | GTF_readonly);
    grant(10, NO_SUCH_DOMAIN, page_p, GTF_permit_access);
    grant(11, peer, page_r, GTF_permit_access);
    grant(12, peer, page_c, GTF_permit_access);
    grant(13, peer, page_p, GTF_invalid);
    grant(700, peer, page_s, GTF_permit_access);

    wait_count(&evtchn_count[ab_port], 1, 60000, "B's hello");
    EXPECT(evtchn_send(ab_port), 0);                                   /* ready */
    wait_count(&evtchn_count[ab_port], 2, 60000, "B's mappings");

    /* In use while mapped: reading always, writing for writable mappings only. */
    CHECK_EQ(gt[8].flags, rw);
    CHECK_EQ(gt[9].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(gt[700].flags, rw);
    CHECK_EQ(gt[11].flags, rw);
    CHECK_EQ(gt[10].flags, GTF_permit_access);
    CHECK_EQ(gt[12].flags, GTF_permit_access);
    EXPECT(evtchn_send(ab_port), 0);                                   /* checked */
    wait_count(&evtchn_count[ab_port], 3, 60000, "B's unmaps and copies");

    /* B wrote through its mapping and copied into C; only ref 11 is still in use. */
    check_fill(page_p, 0x51, "page P after B's writes");
    check_fill(page_q, 2, "read-only page Q");
    for ( unsigned int i = 0; i < PAGE; i++ )
    {
        uint8_t want = i >= 100 && i < 300 ? pattern(i - 100, 0x61) : pattern(i, 4);

        if ( page_c[i] != want )
            fail("page C byte %u is %#x, expected %#x", i, page_c[i], want);
    }
    CHECK_EQ(gt[8].flags, GTF_permit_access);
    CHECK_EQ(gt[9].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(gt[700].flags, GTF_permit_access);
    CHECK_EQ(gt[12].flags, GTF_permit_access);
    CHECK_EQ(gt[11].flags, rw);
    /* What B will find there after we are gone. */
    fill(page_r, 0x77);
    printf("granter done; ending with ref 11 still mapped by domain %u\n", peer);
}

/* ---- B: the grantee ----------------------------------------------------------- */

static int16_t map(domid_t dom, grant_ref_t ref, uint64_t gfn, uint32_t flags,
                   grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = gfn * PAGE, .flags = flags, .ref = ref, .dom = dom, .status = 99,
        .dev_bus_addr = 0x1234,
    };

    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1), 0);
    if ( !op.status )
        CHECK_EQ(op.dev_bus_addr, 0);
    if ( handle )
        *handle = op.handle;
    return op.status;
}

static int16_t unmap(grant_handle_t handle, uint64_t gfn)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = gfn * PAGE, .handle = handle, .status = 99 };

    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
    return op.status;
}

static int16_t copy(uint16_t flags, uint64_t src, domid_t sdom, uint16_t soff,
                    uint64_t dst, domid_t ddom, uint16_t doff, uint16_t len)
{
    struct gnttab_copy op = {
        .source = { .domid = sdom, .offset = soff },
        .dest = { .domid = ddom, .offset = doff },
        .len = len, .flags = flags, .status = 99,
    };

    if ( flags & GNTCOPY_source_gref )
        op.source.u.ref = (grant_ref_t)src;
    else
        op.source.u.gmfn = src;
    if ( flags & GNTCOPY_dest_gref )
        op.dest.u.ref = (grant_ref_t)dst;
    else
        op.dest.u.gmfn = dst;
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_copy, &op, 1), 0);
    return op.status;
}

static void refusals(void)
{
    uint64_t own = (uintptr_t)page_local / PAGE;
    struct gnttab_map_grant_ref batch[3] = {
        { .host_addr = (MAP_GFN + 20) * PAGE, .flags = GNTMAP_host_map, .ref = 8, .dom = peer },
        { .host_addr = (MAP_GFN + 21) * PAGE, .flags = GNTMAP_host_map, .ref = 5000, .dom = peer },
        { .host_addr = (MAP_GFN + 22) * PAGE, .flags = GNTMAP_host_map | GNTMAP_readonly,
          .ref = 9, .dom = peer },
    };
    struct gnttab_unmap_grant_ref ubatch[3];

    CHECK_EQ(map(0x7ff4, 8, MAP_GFN + 10, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map(DOMID_SELF, 8, MAP_GFN + 10, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map(peer, 5000, MAP_GFN + 10, GNTMAP_host_map, NULL), GNTST_bad_gntref);
    CHECK_EQ(map(peer, 10, MAP_GFN + 10, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map(peer, 13, MAP_GFN + 10, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map(peer, 9, MAP_GFN + 10, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map(peer, 8, MAP_GFN + 10, 0, NULL), GNTST_bad_gntref);
    CHECK_EQ(map(peer, 8, MAP_GFN + 10, GNTMAP_host_map | GNTMAP_device_map, NULL),
             GNTST_general_error);
    CHECK_EQ(map(peer, 8, MAP_GFN + 10, GNTMAP_host_map | GNTMAP_application_map, NULL),
             GNTST_general_error);
    /* Not over our own RAM. */
    CHECK_EQ(map(peer, 8, own, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(read_gfn_word(MAP_GFN + 10), ~0ULL);

    CHECK_EQ(unmap(9999, MAP_GFN), GNTST_bad_handle);
    CHECK_EQ(unmap(0x7fffffff, MAP_GFN), GNTST_bad_handle);

    /* A batch: each op has its own status, the call succeeds. */
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, batch, 3), 0);
    CHECK_EQ(batch[0].status, GNTST_okay);
    CHECK_EQ(batch[1].status, GNTST_bad_gntref);
    CHECK_EQ(batch[2].status, GNTST_okay);
    CHECK_EQ(*(volatile uint8_t *)((MAP_GFN + 22) * PAGE + 5), pattern(5, 2));
    /* The wrong address for a handle, then the right ones, then again. */
    CHECK_EQ(unmap(batch[0].handle, MAP_GFN + 22), GNTST_general_error);
    ubatch[0] = (struct gnttab_unmap_grant_ref){ .host_addr = (MAP_GFN + 20) * PAGE,
                                                  .handle = batch[0].handle };
    ubatch[1] = (struct gnttab_unmap_grant_ref){ .host_addr = (MAP_GFN + 22) * PAGE,
                                                  .handle = batch[2].handle };
    ubatch[2] = ubatch[0];
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, ubatch, 3), 0);
    CHECK_EQ(ubatch[0].status, GNTST_okay);
    CHECK_EQ(ubatch[1].status, GNTST_okay);
    CHECK_EQ(ubatch[2].status, GNTST_bad_handle);
    CHECK_EQ(read_gfn_word(MAP_GFN + 20), ~0ULL);

    /* Copies that must fail. */
    CHECK_EQ(copy(GNTCOPY_source_gref, 12, peer, 0, own, DOMID_SELF, 0, 8), GNTST_okay);
    CHECK_EQ(copy(GNTCOPY_source_gref, 12, peer, 4090, own, DOMID_SELF, 0, 8),
             GNTST_bad_copy_arg);
    CHECK_EQ(copy(GNTCOPY_source_gref, 12, peer, 0, own, DOMID_SELF, 4095, 2),
             GNTST_bad_copy_arg);
    CHECK_EQ(copy(0, own, peer, 0, own, DOMID_SELF, 0, 8), GNTST_permission_denied);
    CHECK_EQ(copy(0, own, me, 0, own, DOMID_SELF, 0, 8), GNTST_permission_denied);
    CHECK_EQ(copy(GNTCOPY_source_gref, 5000, peer, 0, own, DOMID_SELF, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(copy(GNTCOPY_source_gref, 12, 0x7ff4, 0, own, DOMID_SELF, 0, 8), GNTST_bad_domain);
    CHECK_EQ(copy(GNTCOPY_source_gref, 10, peer, 0, own, DOMID_SELF, 0, 8), GNTST_general_error);
    CHECK_EQ(copy(GNTCOPY_dest_gref, own, DOMID_SELF, 0, 9, peer, 0, 8), GNTST_general_error);
    CHECK_EQ(copy(0, MAP_GFN + 30, DOMID_SELF, 0, own, DOMID_SELF, 0, 8), GNTST_bad_page);
    /* Our own grant table has no grants: ref 8 of ours is invalid. */
    CHECK_EQ(copy(GNTCOPY_source_gref, 8, DOMID_SELF, 0, own, DOMID_SELF, 0, 8),
             GNTST_general_error);

    /* Whole-call errors. */
    EXPECT(HYPERVISOR_grant_table_op(99, batch, 1), -XEN_ENOSYS);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_transfer, batch, 1), -XEN_ENOSYS);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, batch, -1), -XEN_EINVAL);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref | (1 << 12), batch, 1),
           -XEN_EINVAL);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, (void *)0xdead00000000UL, 1),
           -XEN_EFAULT);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_copy, (void *)0xdead00000000UL, 1), -XEN_EFAULT);
    EXPECT(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, batch, 0), 0);
}

static void role_b(void)
{
    uint64_t give_up = pvclock_now() + 60000000000ULL;
    grant_handle_t h8, h9, h700, h11;
    volatile uint8_t *p8 = (volatile uint8_t *)((MAP_GFN + 0) * PAGE);
    volatile uint8_t *p9 = (volatile uint8_t *)((MAP_GFN + 1) * PAGE);
    volatile uint8_t *p700 = (volatile uint8_t *)((MAP_GFN + 2) * PAGE);
    volatile uint8_t *p11 = (volatile uint8_t *)((MAP_GFN + 3) * PAGE);
    uint64_t own = (uintptr_t)page_local / PAGE;
    long lp;

    while ( (lp = evtchn_bind_interdomain(peer, ab_port)) == -XEN_EINVAL || lp == -3 )
    {
        if ( pvclock_now() > give_up )
            fail("bind_interdomain(%u, %u) still %ld after 60 s", peer, ab_port, lp);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if ( lp <= 0 )
        fail("bind_interdomain(%u, %u) returned %ld", peer, ab_port, lp);
    wait_count(&evtchn_count[lp], 1, 5000, "the bind's own event");
    EXPECT(evtchn_send(lp), 0);                                     /* hello */
    wait_count(&evtchn_count[lp], 2, 60000, "A's grants");

    CHECK_EQ(map(peer, 8, MAP_GFN + 0, GNTMAP_host_map, &h8), GNTST_okay);
    CHECK_EQ(map(peer, 9, MAP_GFN + 1, GNTMAP_host_map | GNTMAP_readonly, &h9), GNTST_okay);
    CHECK_EQ(map(peer, 700, MAP_GFN + 2, GNTMAP_host_map, &h700), GNTST_okay);
    CHECK_EQ(map(peer, 11, MAP_GFN + 3, GNTMAP_host_map, &h11), GNTST_okay);
    /* Occupied now. */
    CHECK_EQ(map(peer, 12, MAP_GFN + 0, GNTMAP_host_map, NULL), GNTST_general_error);
    EXPECT(evtchn_send(lp), 0);                                     /* mapped */
    wait_count(&evtchn_count[lp], 3, 60000, "A's check of the flags");

    check_fill(p8, 1, "ref 8 through the mapping");
    check_fill(p9, 2, "ref 9 through the read-only mapping");
    check_fill(p700, 5, "ref 700 (second table frame) through the mapping");
    check_fill(p11, 3, "ref 11 through the mapping");
    for ( unsigned int i = 0; i < PAGE; i++ )
        p8[i] = pattern(i, 0x51);
    CHECK_EQ(unmap(h8, MAP_GFN + 0), GNTST_okay);
    CHECK_EQ(unmap(h9, MAP_GFN + 1), GNTST_okay);
    CHECK_EQ(unmap(h700, MAP_GFN + 2), GNTST_okay);
    CHECK_EQ(unmap(h8, MAP_GFN + 0), GNTST_bad_handle);
    /* Holes again. */
    CHECK_EQ(read_gfn_word(MAP_GFN + 0), ~0ULL);
    CHECK_EQ(read_gfn_word(MAP_GFN + 1), ~0ULL);

    /* Copy both ways: all of C here, then 200 bytes of ours into C at 100. */
    memset(page_local, 0, PAGE);
    CHECK_EQ(copy(GNTCOPY_source_gref, 12, peer, 0, own, DOMID_SELF, 0, PAGE), GNTST_okay);
    check_fill(page_local, 4, "page C copied from ref 12");
    fill(page_local, 0x61);
    CHECK_EQ(copy(GNTCOPY_dest_gref, own, DOMID_SELF, 0, 12, peer, 100, 200), GNTST_okay);
    refusals();
    EXPECT(evtchn_send(lp), 0);                                     /* done */

    /* A ends; its frame behind ref 11 stays while we map it. */
    while ( query_size(peer, NULL, NULL) != GNTST_bad_domain )
    {
        if ( pvclock_now() > give_up + 60000000000ULL )
            fail("domain %u still exists", peer);
        spin_ms_irq(10);
    }
    spin_ms_irq(200);
    check_fill(p11, 0x77, "ref 11 after its granter ended");
    p11[0] = 0;
    CHECK_EQ(unmap(h11, MAP_GFN + 3), GNTST_okay);
    CHECK_EQ(read_gfn_word(MAP_GFN + 3), ~0ULL);
    printf("grantee done: the frame outlived domain %u until unmapped\n", peer);
}

void test_main(const struct hvm_start_info *si)
{
    char role[4] = "";

    me = self_domid();
    peer = cmdline_ulong("peer", 0);
    cmdline_get("role", role, sizeof(role));
    if ( !peer || (role[0] != 'a' && role[0] != 'b') )
        fail("needs peer=<domid> role=a|b on the command line");
    set_test_name(role[0] == 'a' ? "gnttab-granter" : "gnttab-grantee");
    ab_port = first_free_port();
    if ( role[0] == 'a' )
    {
        /* A's first own port: the lowest free one, after the console port. */
        long p = evtchn_alloc_unbound(peer);

        if ( p != ab_port )
            fail("first alloc_unbound returned %ld, expected port %d", p, ab_port);
    }
    events_init();
    if ( role[0] == 'a' )
        role_a();
    else
        role_b();
}
