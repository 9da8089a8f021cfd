/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XENMEM_add_to_physmap(shared_info): the page appears at the frame asked
 * for, with valid time; a second call moves it (the first frame gets its
 * RAM back); bad frames, spaces and domains are refused, never fatal.
 * Also hvm_op parameters and the XENFEAT bits Linux needs.
 */
#include "evtchn_common.h"
#include <public/version.h>

DEFINE_TEST("shared_info");

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));

static long atp(domid_t dom, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x = { .domid = dom, .space = space, .idx = idx, .gpfn = gpfn };

    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
}

static bool looks_like_shared_info(const uint8_t *p)
{
    const volatile struct shared_info *s = (const void *)p;

    return s->vcpu_info[0].time.tsc_to_system_mul != 0 &&
           (s->vcpu_info[0].time.version & 1) == 0 && (s->wc_version & 1) == 0;
}

void test_main(const struct hvm_start_info *si)
{
    struct xen_feature_info fi = { .submap_idx = 0 };
    uint64_t val;
    unsigned int i;

    memset(page_a, 0x5a, sizeof(page_a));
    memset(page_b, 0xa5, sizeof(page_b));

    /* Refusals first: nothing may have moved afterwards. */
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100000), -XEN_EINVAL);    /* 4 GiB */
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0xfffffffffffffULL), -XEN_EINVAL);
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_shared_info, 1, (uint64_t)page_a >> 12), -XEN_EINVAL);
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_gmfn, 0, (uint64_t)page_a >> 12), -XEN_ENOSYS);
    EXPECT(atp(DOMID_SELF, 99, 0, (uint64_t)page_a >> 12), -XEN_EINVAL);
    EXPECT(atp(0x7ff4, XENMAPSPACE_shared_info, 0, (uint64_t)page_a >> 12), -3 /* ESRCH */);
    EXPECT(HYPERVISOR_memory_op(XENMEM_add_to_physmap, (void *)0xdead00000000UL), -XEN_EFAULT);
    EXPECT(HYPERVISOR_memory_op(XENMEM_populate_physmap, (void *)0xdead00000000UL), -XEN_EFAULT);
    EXPECT(HYPERVISOR_memory_op(XENMEM_exchange, NULL), -XEN_ENOSYS);
    EXPECT(HYPERVISOR_memory_op(XENMEM_add_to_physmap | (1 << 6), NULL), -XEN_ENOSYS);
    for ( i = 0; i < sizeof(page_a); i++ )
        if ( page_a[i] != 0x5a )
            fail("page A changed by a refused call (byte %u)", i);

    /* Map at A: A now reads as shared_info. */
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uint64_t)page_a >> 12), 0);
    CHECK(looks_like_shared_info(page_a));
    /* Move to B: B is shared_info, A is RAM again with what we left there. */
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uint64_t)page_b >> 12), 0);
    CHECK(looks_like_shared_info(page_b));
    for ( i = 0; i < sizeof(page_a); i++ )
        if ( page_a[i] != 0x5a )
            fail("page A byte %u is %#x after shared_info moved away", i, page_a[i]);
    EXPECT(atp(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uint64_t)page_b >> 12), 0);
    CHECK(looks_like_shared_info(page_b));

    /* hvm_op parameters. */
    EXPECT(get_param(HVM_PARAM_CALLBACK_IRQ, &val), 0);
    CHECK_EQ(val, 0);
    EXPECT(set_param(HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0x05), -XEN_EINVAL);
    EXPECT(set_param(HVM_PARAM_CALLBACK_IRQ, (3ULL << 56) | 0xf3), -XEN_EINVAL);
    EXPECT(set_param(HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0xf3), 0);
    EXPECT(get_param(HVM_PARAM_CALLBACK_IRQ, &val), 0);
    CHECK_EQ(val, (2ULL << 56) | 0xf3);
    EXPECT(set_param(HVM_PARAM_STORE_PFN, 0x1234), -XEN_EPERM);
    EXPECT(set_param(HVM_PARAM_CONSOLE_PFN, 0x1234), -XEN_EPERM);
    /* The builder's console (see console_ring) and no xenstore. */
    EXPECT(get_param(HVM_PARAM_CONSOLE_PFN, &val), 0);
    CHECK_EQ(val, 0xfefff);
    EXPECT(get_param(HVM_PARAM_CONSOLE_EVTCHN, &val), 0);
    CHECK(val != 0);
    EXPECT(get_param(HVM_PARAM_STORE_PFN, &val), 0);
    CHECK_EQ(val, 0);
    EXPECT(get_param(HVM_PARAM_STORE_EVTCHN, &val), 0);
    CHECK_EQ(val, 0);
    EXPECT(get_param(HVM_NR_PARAMS, &val), -XEN_EINVAL);
    EXPECT(set_param(1000, 0), -XEN_EINVAL);
    {
        struct xen_hvm_param p = { .domid = 0x7ff4, .index = HVM_PARAM_CALLBACK_IRQ };
        struct xen_hvm_pagetable_dying pd = { .domid = DOMID_SELF, .gpa = 0 };

        EXPECT(HYPERVISOR_hvm_op(HVMOP_get_param, &p), -3 /* ESRCH */);
        EXPECT(HYPERVISOR_hvm_op(HVMOP_pagetable_dying, &pd), -XEN_EINVAL);
        EXPECT(HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &p), -XEN_ENOSYS);
        EXPECT(HYPERVISOR_hvm_op(HVMOP_get_param, (void *)0xdead00000000UL), -XEN_EFAULT);
    }

    /* The features a PVH Linux needs: translated, callback vector, safe pvclock; no PIRQs. */
    EXPECT(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    CHECK(fi.submap & (1u << XENFEAT_auto_translated_physmap));
    CHECK(fi.submap & (1u << XENFEAT_hvm_callback_vector));
    CHECK(fi.submap & (1u << XENFEAT_hvm_safe_pvclock));
    CHECK(!(fi.submap & (1u << XENFEAT_hvm_pirqs)));
}
